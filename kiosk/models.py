"""The database tables, as SQLAlchemy 2.0 typed models. Schema changes go through Alembic."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite forgets the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """An officer or admin account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    # When the lock that the last failed login started ends; None with `failed_logins` at the
    # maximum: locked until an admin resets the password (`kiosk.users.LoginPolicy`).
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TemplateVersion(Base):
    """One published, immutable version of an interview template (its YAML source as written)."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    title: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)



class TemplateDraft(Base):
    """The one draft of a template an admin is writing: any text, valid or not, until published.

    A draft is closed (status "published" or "discarded"), never deleted: the station's
    application account may not delete rows (docs/deployment/roles.sql). The next draft of the
    same template takes the closed row over.
    """

    __tablename__ = "template_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), unique=True)
    base_version: Mapped[int | None]  # the published version it started from (None: new)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # editing, awaiting_approval; closed:
    #                                                  published, discarded
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime | None]
    requested_sha256: Mapped[str | None] = mapped_column(String(64))  # the source asked for
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    # Optimistic locking, as for cases: of two admins changing the draft at once (one saving,
    # one approving), the second gets StaleDataError instead of overwriting the first.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def sha256(self) -> str:
        """The SHA-256 of the source as it is now (what an approver saw, what the audit names)."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.status in ("editing", "awaiting_approval")

class Case(Base):
    """A fast-track case from the moment the officer opens it to approval or conversion."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_arrived", "status", "arrived_at"),
                      Index("ix_cases_decided_at", "decided_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(27), unique=True)
    start_code: Mapped[str] = mapped_column(String(6), index=True)
    audit_secret: Mapped[str] = mapped_column(String(32))
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    status: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    notices: Mapped[dict[str, Any]] = mapped_column(default=dict)
    party_name: Mapped[str] = mapped_column(String(128))
    party: Mapped[dict[str, Any]] = mapped_column(default=dict)
    arrived_at: Mapped[datetime]
    arrival_mode: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(64))
    consent_at: Mapped[datetime | None]
    rights_acknowledged_at: Mapped[datetime | None]
    interview_started_at: Mapped[datetime | None]
    interview_ended_at: Mapped[datetime | None]
    current_path: Mapped[str | None] = mapped_column(String(128))
    submitted_at: Mapped[datetime | None]
    submission_count: Mapped[int] = mapped_column(default=0)
    review_level: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_at: Mapped[datetime | None]
    # The decision's document number (文号), given at the final decision (PSAPL Art. 115).
    decision_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    conversion_reason: Mapped[str | None] = mapped_column(Text)
    # An officer marked that detention is possible: questioning may last the longer limit
    # (PR Art. 69). False, the conservative default, until someone says so.
    detention_possible: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=false())
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    template_version: Mapped[TemplateVersion] = relationship(lazy="joined")

    # Optimistic locking: every UPDATE checks the version it read, so of two officers deciding
    # the same case at once the second gets StaleDataError instead of overwriting the first.
    __mapper_args__ = {"version_id_col": lock_version}


class Person(Base):
    """A victim (被侵害人) or witness (证人) of a case, questioned at the kiosk with their own
    start code, notice, template, answers and signature (kiosk/persons.py).

    The case's own party is its offender and has no row here. In a mutual fight (互殴) the other
    side is a person with both roles, offender and victim.
    """

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    roles: Mapped[list[Any]]                         # kiosk.persons.Role values
    start_code: Mapped[str] = mapped_column(String(6), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    name: Mapped[str] = mapped_column(String(128))   # as the officer recorded it
    identity: Mapped[dict[str, Any]] = mapped_column(default=dict)  # as cases.check_party
    language: Mapped[str] = mapped_column(String(8), default="zh")
    status: Mapped[str] = mapped_column(String(16))  # added, in_progress, submitted
    notice: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {notice id: version}
    notice_acknowledged_at: Mapped[datetime | None]
    current_path: Mapped[str | None] = mapped_column(String(128))  # the kiosk screen they are on
    submitted_at: Mapped[datetime | None]
    submission_count: Mapped[int] = mapped_column(default=0)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    template_version: Mapped[TemplateVersion] = relationship(lazy="joined")


class DisagreementResolution(Base):
    """An officer's note that a disagreement on a shared fact was looked into (kiosk/facts.py).

    It names the fact and the answers it covers (`answers_sha256`): a changed answer makes a new
    disagreement, which needs its own note.
    """

    __tablename__ = "disagreement_resolutions"
    __table_args__ = (UniqueConstraint("case_id", "fact", "answers_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    fact: Mapped[str] = mapped_column(String(64))
    answers_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerRevision(Base):
    """One answer as given; a correction is a new revision, never an overwrite."""

    __tablename__ = "answer_revisions"
    __table_args__ = (UniqueConstraint("case_id", "path", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    path: Mapped[str] = mapped_column(String(128))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    revision: Mapped[int]
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_by: Mapped[str] = mapped_column(String(64))
    # Where in the kiosk's recording the answer was given (PSAPL Art. 97): None when nothing was
    # recording (an import with `kiosk submit`, an officer's entry).
    recording_session_id: Mapped[str | None] = mapped_column(String(36), default=None)
    offset_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The person of the case who gave it (kiosk/persons.py); None: the case's own party, the
    # offender. Revisions are numbered per case and path across persons, so the one unique
    # constraint still serialises writers; a person's latest answer is their highest revision.
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), index=True)


class ReviewComment(Base):
    """An officer's comment on one answer, sent back to the party with a return."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    path: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submission: Mapped[int]


class ReviewAction(Base):
    """One step of the review: claim, approve a level, return or convert, with who and when."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None]
    role: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CaseCodeSequence(Base):
    """The last case-code sequence number used per department and day."""

    __tablename__ = "case_code_sequences"

    department: Mapped[str] = mapped_column(String(9), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int]


class DocumentNumberSequence(Base):
    """The last document number (文号) used per organ, year and kind of document (PSAPL Art.
    109, 115): "station" or "county", the year on the station's calendar, e.g. "decision"."""

    __tablename__ = "document_number_sequences"

    organ: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int]


class StationSetting(Base):
    """A station-wide setting an admin changed (the rest come from config/default.toml)."""

    __tablename__ = "station_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """One link of the audit hash chain."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RefusedGuess(Base):
    """One wrong start code or admin PIN, with the machine it was typed on: what the throttle
    counts (kiosk/guessing.py). The audit trail has the same refusals; this is its index."""

    __tablename__ = "refused_guesses"
    __table_args__ = (Index("ix_refused_guesses_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))      # start_code, admin_pin
    machine: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AuditHead(Base):
    """The chain's newest link, one row; updating it first serialises concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    # The id of the station's audit key (kiosk/audit_key.py) once the chain is keyed; events
    # from then on are HMACs under it. Empty on a chain written before keys existed.
    key_id: Mapped[str | None] = mapped_column(String(32))


class Signature(Base):
    """The party's on-screen signature for one submission: the image and the strokes' timing."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    submission: Mapped[int]
    png: Mapped[bytes] = mapped_column(LargeBinary)
    strokes: Mapped[list[Any]]
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The moment of signing in the recording: an on-screen signature is valid only when the
    # signing itself is recorded (PR Art. 263).
    recording_session_id: Mapped[str | None] = mapped_column(String(36), default=None)
    offset_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The person who signed (kiosk/persons.py); None: the case's own party, the offender.
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), index=True)


class PenaltyNotice(Base):
    """The notice of an intended penalty before the decision (PSAPL Art. 112; PR Art. 46).

    The last review level proposes a penalty; the party, called back to the kiosk with the same
    start code, hears what is intended and accepts it or states and argues; an officer answers
    an argument; only then is the penalty decided, never heavier than proposed. What was said,
    where, by whom and the answer stay here for the pre-penalty notice record (告知笔录).
    `closed` is set when the decision takes the notice up ("decided") or a new proposal of the
    same submission replaces it ("superseded").
    """

    __tablename__ = "penalty_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    submission: Mapped[int]
    proposal: Mapped[dict[str, Any]]          # the checked Decision, as the decision stores it
    rights: Mapped[list[Any]]                 # the rights told (陈述权、申辩权)
    place: Mapped[str] = mapped_column(String(128))
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_by_name: Mapped[str] = mapped_column(String(128), default="")
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    shown_at: Mapped[datetime | None]         # first shown to the party at the kiosk
    answer: Mapped[str | None] = mapped_column(String(16))   # accepted, argued
    argument: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"grounds", "text"}
    answered_at: Mapped[datetime | None]
    answered_via: Mapped[str | None] = mapped_column(String(16))   # kiosk, cli
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_strokes: Mapped[list[Any] | None] = mapped_column(JSON)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None]
    closed: Mapped[str | None] = mapped_column(String(16))


class Document(Base):
    """A document of a case, rendered once from a canonical JSON of its content and kept.

    The QR code on its pages carries `content_sha256`; the audit chain carries `file_sha256`.
    """

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "kind", "submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    submission: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    file_sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrintJob(Base):
    """One document sent to one printer; a failed job keeps its document and can be re-sent."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    printer: Mapped[str] = mapped_column(String(128))   # "file:/path" or "cups:QUEUE"
    status: Mapped[str] = mapped_column(String(16))     # queued, sending, sent, printed, failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(64))  # e.g. the CUPS job id
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Blob(Base):
    """A file kept once by its SHA-256 (a recording segment, an evidence item): kiosk/blobs.py."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    chunks: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlobChunk(Base):
    """One piece of a blob's bytes, in order; no row is ever changed once written."""

    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    n: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EvidenceItem(Base):
    """One evidence item of a case: a file kept once in the blob store, with who gave and added
    it (kiosk/evidence.py). Never changed nor deleted once added (PSAPL Art. 111, 115(2))."""

    __tablename__ = "evidence_items"
    # The same file is one item of a case, however often it is handed in.
    __table_args__ = (UniqueConstraint("case_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    kind: Mapped[str] = mapped_column(String(32))    # kiosk.evidence_kinds.EvidenceKind
    source: Mapped[str] = mapped_column(String(32))  # kiosk.evidence_kinds.EvidenceSource
    # The person of the case who gave it, once a case has several (issue 12); None: the case's
    # one party when the source is "party", else nobody in particular.
    person_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(255), default="")  # the file's name as handed in
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    blob: Mapped[Blob] = relationship(lazy="joined")


class Mediation(Base):
    """One attempt at mediating a case (PSAPL Art. 9): proposed by an officer, agreed by both
    sides, then kept (the case ends with no penalty) or failed (back to review). kiosk/mediation.py.
    """

    __tablename__ = "mediations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # proposed, agreed, fulfilled, failed
    terms: Mapped[str] = mapped_column(Text, default="")  # who pays what, by when
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Each side's agreement as recorded: {"offender": {"at": ISO, "by": officer}, "victim": ...}.
    # Once a case has persons (issue 12) a side may name a person; both sides are needed.
    agreements: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(64))
    failure_reason: Mapped[str | None] = mapped_column(Text)


class RecordingSession(Base):
    """One continuous audio and video recording of a case at one machine (kiosk/recording).

    `ended_at` None: still recording, or the machine stopped without closing it (a crash); the
    next session of the case then records the gap and closes it as interrupted.
    """

    __tablename__ = "recording_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))   # interview, correction, notice
    machine: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16))    # camera, test, pushed
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_cause: Mapped[str | None] = mapped_column(String(32))  # stopped, interrupted, fault:…


class RecordingSegment(Base):
    """One closed, self-contained file of a session, kept in the blob store; never changed."""

    __tablename__ = "recording_segments"
    __table_args__ = (UniqueConstraint("session_id", "n"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("recording_sessions.id"), index=True)
    n: Mapped[int]                                  # 0, 1, 2 … within the session
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)
    offset_ms: Mapped[int] = mapped_column(BigInteger)   # where it starts in the session
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordingGap(Base):
    """A stretch of a case's questioning with no recording: from, to and why."""

    __tablename__ = "recording_gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("recording_sessions.id"))  # before it
    resumed_session_id: Mapped[str | None] = mapped_column(String(36))
    from_at: Mapped[datetime]
    to_at: Mapped[datetime]
    cause: Mapped[str] = mapped_column(String(32))  # interrupted, camera_missing, …


class RecordingMark(Base):
    """A moment of the kiosk session in its recording: a screen shown, an answer, a signature."""

    __tablename__ = "recording_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("recording_sessions.id"), index=True)
    offset_ms: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))   # screen, answer, correction, signature
    path: Mapped[str] = mapped_column(String(128))  # the screen's position or the answer's path
    at: Mapped[datetime] = mapped_column(default=utcnow)
