"""Cases from opening to submission: codes, the fixed steps, answers with every revision."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.answer_types import AnswerError
from kiosk.audit import canonical_json, record_event
from kiosk.codes import CaseCodeParts, compose_case_code, new_start_code
from kiosk.identity import IdentityError, check_identity_document
from kiosk.interview import Interview, InterviewError, Party
from kiosk.models import AnswerRevision, AuditEvent, Case, CaseCodeSequence, Person
from kiosk.settings import Settings
from kiosk.states import FINAL, CaseStatus, check_transition
from kiosk.template_store import get_version, template_of

if TYPE_CHECKING:
    from kiosk.recording.store import RecordingPosition

MAX_NAME_LENGTH = 64


class ArrivalMode(StrEnum):
    """How the party came to the station; the deadlines count from the arrival."""

    SUMMONED = "summoned"  # 传唤到案
    CAME_IN = "came_in"    # 主动到案
    BROUGHT = "brought"    # 现场带至


ARRIVAL_LABELS = {
    ArrivalMode.SUMMONED: {"zh": "经传唤到案", "en": "Summoned"},
    ArrivalMode.CAME_IN: {"zh": "主动到案", "en": "Came in by themselves"},
    ArrivalMode.BROUGHT: {"zh": "从现场带至", "en": "Brought from the scene"},
}


class CaseError(ValueError):
    """A request about a case that cannot be carried out; the message says why.

    `reason` names the rule in a form a screen can word in its own language (`values` fill
    it), as AccountError does: the message stays the English the command line prints.
    """

    def __init__(self, message: str, *, reason: str = "", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


class CaseNotFound(LookupError):
    """No case with that code, id or start code."""


class AnswerRejected(CaseError):
    """An answer the engine refused, with the question's path and the party's message."""

    def __init__(self, path: str, messages: Mapping[str, str]) -> None:
        self.path = path
        self.messages = dict(messages)
        super().__init__(f"{path}: {self.messages.get('zh', '')} / {self.messages.get('en', '')}",
                         reason="answer_rejected", path=path)


class Conflict(RuntimeError):
    """Someone else changed the case since it was read: reload and decide again."""


# -- finding cases -------------------------------------------------------------------------


def find_case(session: Session, key: str) -> Case:
    """A case by its 27-digit code or its UUID."""
    key = key.strip()
    query = select(Case).where(Case.code == key if len(key) == 27 else Case.id == key)
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise CaseNotFound(f"no case {key!r}")
    return case


def find_by_start_code(session: Session, start_code: str) -> Case:
    """The open case a party's start code belongs to (final cases no longer answer to it)."""
    case = session.execute(
        select(Case).where(Case.start_code == start_code.strip(),
                           Case.status.not_in([s.value for s in FINAL]))
    ).scalar_one_or_none()
    if case is None:
        raise CaseNotFound("no open case has this start code")
    return case


def lock(case: Case, expected_version: int | None) -> None:
    """Refuses to act on a case that changed since the caller looked at it."""
    if expected_version is not None and case.lock_version != expected_version:
        raise Conflict(f"case {case.code} was changed meanwhile (now {case.status}"
                       + (f", claimed by {case.claimed_by}" if case.claimed_by else "") + ")")


def move(case: Case, target: CaseStatus) -> None:
    case.status = check_transition(case.status, target).value


# -- opening -------------------------------------------------------------------------------


def next_sequence(session: Session, department: str, day: str) -> int:
    """The next case-code sequence number of a department and day, unique under concurrency.

    One atomic upsert: concurrent openings on PostgreSQL queue on the row lock, on SQLite on
    the write lock, so no two cases ever get the same number.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(CaseCodeSequence).values(department=department, day=day, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["department", "day"], set_={"last": CaseCodeSequence.last + 1}
    ).returning(CaseCodeSequence.last)
    return int(session.execute(statement).scalar_one())


def unused_start_code(session: Session) -> str:
    """A start code no open case and no person of an open case has (kiosk/persons.py)."""
    open_statuses = [s.value for s in FINAL]
    for _ in range(50):
        code = new_start_code()
        taken = session.execute(
            select(func.count()).select_from(Case).where(
                Case.start_code == code, Case.status.not_in(open_statuses))
        ).scalar_one() + session.execute(
            select(func.count()).select_from(Person).join(Case, Person.case_id == Case.id)
            .where(Person.start_code == code, Case.status.not_in(open_statuses))
        ).scalar_one()
        if not taken:
            return code
    raise CaseError("could not find a free start code; too many open cases",
                    reason="no_start_code")


def open_case(session: Session, settings: Settings, template_id: str, party_name: str, *,
              arrived_at: datetime, arrival_mode: str, actor: str, today: date,
              language: str | None = None) -> Case:
    """Opens a case for a party the officer found eligible; gives it its codes."""
    party_name = " ".join(party_name.split())
    if not party_name:
        raise CaseError("the party's name is empty", reason="party_name_empty")
    if len(party_name) > MAX_NAME_LENGTH:
        raise CaseError(f"the party's name is longer than {MAX_NAME_LENGTH} characters",
                        reason="party_name_long", max=MAX_NAME_LENGTH)
    try:
        mode = ArrivalMode(arrival_mode)
    except ValueError as exc:
        modes = ", ".join(m.value for m in ArrivalMode)
        raise CaseError(f"unknown arrival mode {arrival_mode!r} (one of: {modes})",
                        reason="arrival_mode_unknown", mode=arrival_mode) from exc
    if arrived_at.tzinfo is None:
        raise CaseError("the arrival time needs a time zone", reason="arrival_no_zone")
    if arrived_at > datetime.now(UTC) + timedelta(minutes=5):
        raise CaseError("the arrival time is in the future", reason="arrival_future")
    language = language or settings.languages[0]
    if language not in settings.languages:
        raise CaseError(f"language {language!r} is not offered (settings: languages)",
                        reason="language_not_offered", language=language)
    version = get_version(session, template_id)
    role = template_of(version).role
    if role != "offender":  # a victim or witness is added to the case (kiosk/persons.py)
        raise CaseError(f"template {template_id!r} is for a {role}; a case opens with the "
                        f"offender's template", reason="template_not_offender",
                        template=template_id, role=role)
    day = today.strftime("%y%m%d")
    sequence = next_sequence(session, settings.department_code, day)
    if sequence > 9999:
        raise CaseError(f"department {settings.department_code} has used all 9999 case codes "
                        f"of {today.isoformat()}", reason="case_codes_used_up",
                        department=settings.department_code, day=today.isoformat())
    code = compose_case_code(CaseCodeParts(settings.action_type_code, settings.department_code,
                                           today, sequence, settings.custom_code))
    case = Case(id=str(uuid.uuid4()), code=code, start_code=unused_start_code(session),
                audit_secret=secrets.token_hex(16),
                template_version_id=version.id, status=CaseStatus.OPENED.value,
                language=language, party_name=party_name, party={},
                arrived_at=arrived_at.astimezone(UTC), arrival_mode=mode.value, opened_by=actor)
    session.add(case)
    session.flush()
    record_event(session, actor, "case.opened", case_id=case.id,
                 payload={"code": code, "template": version.template_id,
                          "version": version.version, "arrival_mode": mode.value,
                          "arrived_at": case.arrived_at.isoformat()})
    return case


# -- the fixed steps -----------------------------------------------------------------------


def start_interview(session: Session, case: Case, *, actor: str = "party") -> None:
    """The party starts (or, after a return, resumes) answering at the kiosk."""
    if case.status == CaseStatus.IN_PROGRESS:
        return
    move(case, CaseStatus.IN_PROGRESS)
    if case.interview_started_at is None:
        case.interview_started_at = datetime.now(UTC)
    record_event(session, actor, "case.started", case_id=case.id, payload={})


def set_language(session: Session, case: Case, language: str, settings: Settings) -> None:
    if language not in settings.languages:
        raise CaseError(f"language {language!r} is not offered", reason="language_not_offered",
                        language=language)
    case.language = language


def record_consent(session: Session, case: Case, *, consents: bool, actor: str = "party") -> None:
    """The party accepts the fast-track (and signs later) or declines it (ordinary procedure)."""
    _require_status(case, CaseStatus.IN_PROGRESS)
    if not consents:
        convert_case(session, case, "当事人不同意适用快速办理程序 / The party declined the "
                     "fast-track procedure", actor=actor)
        return
    case.consent_at = datetime.now(UTC)
    record_event(session, actor, "case.consented", case_id=case.id, payload={})


def acknowledge_rights(session: Session, case: Case, *, actor: str = "party") -> None:
    _require_status(case, CaseStatus.IN_PROGRESS)
    case.rights_acknowledged_at = datetime.now(UTC)
    record_event(session, actor, "case.rights_acknowledged", case_id=case.id, payload={})


IDENTITY_FIELDS = ("name", "document", "phone", "address", "household_registration", "employer",
                   "nationality", "birth_date", "sex")
"""What the identity step takes; birth date and sex only where the document does not hold them."""


class IdentityProblem(ValueError):
    """A field of the identity step that must be corrected, with messages per language.

    A plain exception, not a frozen dataclass: raising sets ``__traceback__`` (and a ``with``
    block unwinding sets ``__context__``), which a frozen dataclass refuses, so every refusal
    used to surface as a FrozenInstanceError instead of its message."""

    def __init__(self, field: str, messages: Mapping[str, str]) -> None:
        super().__init__(field, dict(messages))
        self.field = field
        self.messages: Mapping[str, str] = dict(messages)

    def __str__(self) -> str:
        return f"party.{self.field}: {self.messages.get('en', '')}"


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def check_party(raw: Mapping[str, Any], case: Case, today: date) -> dict[str, Any]:
    """The identity step's answers, checked; the name must match the case the officer opened."""
    return check_identity(raw, case.party_name, today)


def check_identity(raw: Mapping[str, Any], expected_name: str, today: date) -> dict[str, Any]:
    """The identity step's answers, checked; the name must match the one the officer recorded
    (the case's party, or a person added to the case)."""
    unknown = sorted(set(raw) - set(IDENTITY_FIELDS))
    if unknown:
        raise IdentityProblem(unknown[0], {"zh": f"未知字段 {unknown[0]}",
                                           "en": f"unknown field {unknown[0]!r}"})
    raw_name = raw.get("name")
    name = " ".join(raw_name.split()) if isinstance(raw_name, str) else ""
    if not name:
        raise IdentityProblem("name", {"zh": "请填写姓名。", "en": "Please enter your name."})
    if not _same_name(name, expected_name):
        raise IdentityProblem("name", {
            "zh": "姓名与民警登记的不一致，请核对，或请民警协助。",
            "en": "The name does not match the one the officer recorded; check it or ask "
                  "the officer."})
    document = raw.get("document")
    if not isinstance(document, Mapping) or not document.get("type") or not document.get("number"):
        raise IdentityProblem("document", {"zh": "请选择证件类型并填写证件号码。",
                                           "en": "Choose the document type and enter its number."})
    try:
        checked = check_identity_document(str(document["type"]), str(document["number"]),
                                          nationality=raw.get("nationality")
                                          or document.get("nationality"), today=today)
    except IdentityError as exc:
        raise IdentityProblem("document", exc.messages) from exc
    birth_date, sex = checked.birth_date, checked.sex
    if birth_date is None:  # passports and permits without a birth date in the number
        birth_date = _given_birth_date(raw.get("birth_date"), today)
    if sex is None:
        sex = raw.get("sex")
        if sex not in ("male", "female"):
            raise IdentityProblem("sex", {"zh": "请选择性别。", "en": "Please choose your sex."})
    party: dict[str, Any] = {
        "name": name,
        "document": {"type": checked.type.value, "number": checked.number},
        "sex": sex,
        "birth_date": birth_date.isoformat(),
        "nationality": checked.nationality or raw.get("nationality"),
    }
    for key in ("phone", "address", "household_registration", "employer"):
        given = raw.get(key) or ""
        if not isinstance(given, str):
            raise IdentityProblem(key, {"zh": "请填写文字。", "en": "Please enter text."})
        value = " ".join(given.split())
        if len(value) > 200:
            raise IdentityProblem(key, {"zh": "内容太长。", "en": "This is too long."})
        party[key] = value
    return party


def _given_birth_date(raw: Any, today: date) -> date:
    problem = IdentityProblem("birth_date", {
        "zh": "请填写出生日期（年-月-日）。", "en": "Please enter your date of birth."})
    if not isinstance(raw, str):
        raise problem
    try:
        birth = date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise problem from exc
    if not date(1900, 1, 1) <= birth <= today:
        raise problem
    return birth


def record_identity(session: Session, case: Case, raw: Mapping[str, Any], *, today: date,
                    actor: str = "party") -> dict[str, Any]:
    _require_status(case, CaseStatus.IN_PROGRESS)
    party = check_party(raw, case, today)
    case.party = party
    record_event(session, actor, "case.identity_recorded", case_id=case.id,
                 payload={"document_type": party["document"]["type"],
                          "hmac": value_digest(case, party)})
    # A corrected identity (say, a birth date that makes the party a minor) can exclude the
    # case even though no answer changed.
    interview = interview_of(session, case, today=today, now=datetime.now(UTC).replace(
        tzinfo=None))
    convert_if_excluded(session, case, interview, actor=actor)
    return party


# -- answers -------------------------------------------------------------------------------


def _given_by(person_id: str | None) -> Any:
    """Whose answers: a person's, or (None) the case's own party's."""
    return (AnswerRevision.person_id.is_(None) if person_id is None
            else AnswerRevision.person_id == person_id)


def current_answers(session: Session, case_id: str,
                    person_id: str | None = None) -> dict[str, Any]:
    """The latest revision of every answer of a case's party, or of one person of the case."""
    whose = _given_by(person_id)
    latest = (select(AnswerRevision.path, func.max(AnswerRevision.revision).label("rev"))
              .where(AnswerRevision.case_id == case_id, whose)
              .group_by(AnswerRevision.path).subquery())
    rows = session.execute(
        select(AnswerRevision.path, AnswerRevision.value).join(
            latest, (AnswerRevision.path == latest.c.path)
            & (AnswerRevision.revision == latest.c.rev))
        .where(AnswerRevision.case_id == case_id)
    )
    return {path: value for path, value in rows}


def answer_history(session: Session, case_id: str,
                   person_id: str | None = None) -> list[AnswerRevision]:
    return list(session.execute(
        select(AnswerRevision).where(AnswerRevision.case_id == case_id, _given_by(person_id))
        .order_by(AnswerRevision.path, AnswerRevision.revision)
    ).scalars())


def party_of(case: Case) -> Party:
    birth = case.party.get("birth_date")
    return Party(birth_date=date.fromisoformat(birth) if birth else None,
                 sex=case.party.get("sex"), nationality=case.party.get("nationality"))


def interview_of(session: Session, case: Case, *, today: date, now: datetime) -> Interview:
    """The interview as it stands, on the template version the case was opened with."""
    template = template_of(case.template_version)
    return Interview(template, current_answers(session, case.id), party_of(case), today, now)


def save_answers(session: Session, case: Case,
                 items: Iterable[tuple[str, Any]] | Mapping[str, Any], *,
                 today: date, now: datetime, actor: str = "party",
                 position: RecordingPosition | None = None) -> Interview:
    """Checks and stores answers in order, as the party gives them; returns the new state.

    `position` is where the kiosk's recording was when the answers were given (kept with
    each revision, so the console can play the moment an answer was given: PSAPL Art. 97).

    `items` is either (path, answer) pairs in the order given, or a mapping of a whole
    interview's answers, which are then given screen by screen as the kiosk would ask them (a
    count question adds the screens of its group). An AnswerError stops at the first refused
    answer; the caller's transaction then rolls back, so nothing of a refused batch is written. A
    changed answer becomes a new revision. When an answer triggers an exclusion, the case is
    converted and the rest is not asked.
    """
    _require_status(case, CaseStatus.IN_PROGRESS)
    _require_fixed_steps(case)
    interview = interview_of(session, case, today=today, now=now)
    interview, excluded = store_answers(session, case, interview, items, person_id=None,
                                        actor=actor, position=position)
    if excluded:
        convert_if_excluded(session, case, interview, actor=actor)
    return interview


def store_answers(session: Session, case: Case, interview: Interview,
                  items: Iterable[tuple[str, Any]] | Mapping[str, Any], *,
                  person_id: str | None, actor: str,
                  position: RecordingPosition | None = None) -> tuple[Interview, bool]:
    """Checks and stores the answers of the case's party (person_id None) or of one person;
    returns the new state and whether an exclusion stopped it (see save_answers).

    Revisions count per case and path across persons: the unique (case, path, revision)
    serialises concurrent writers of the same path, whoever they are.
    """
    revisions = {path: rev for path, rev in session.execute(
        select(AnswerRevision.path, func.max(AnswerRevision.revision))
        .where(AnswerRevision.case_id == case.id).group_by(AnswerRevision.path))}
    mine = set(session.execute(
        select(AnswerRevision.path).where(AnswerRevision.case_id == case.id,
                                          _given_by(person_id))).scalars())
    saved = []
    pairs = iter(items) if not isinstance(items, Mapping) else None
    given: set[str] = set()
    excluded = False
    while True:
        if pairs is not None:
            item = next(pairs, None)
        else:
            path = next((sc.path for sc in interview.screens
                         if sc.path in items and sc.path not in given), None)  # type: ignore[operator]
            item = None if path is None else (path, items[path])  # type: ignore[index]
        if item is None:
            break
        path, raw = item
        given.add(path)
        before = interview.answers.get(path)
        try:
            interview = interview.with_answer(path, raw)
        except AnswerError as exc:
            raise AnswerRejected(path, exc.messages) from exc
        except InterviewError as exc:
            raise AnswerRejected(path, {"zh": str(exc), "en": str(exc)}) from exc
        stored = interview.answers[path]
        if person_id is None:
            case.current_path = path
        if path in mine and before == stored:
            continue
        revision = revisions.get(path, 0) + 1
        revisions[path] = revision
        mine.add(path)
        session.add(AnswerRevision(
            case_id=case.id, path=path, value=stored, revision=revision, given_by=actor,
            person_id=person_id,
            recording_session_id=position.session_id if position else None,
            offset_ms=position.offset_ms if position else None))
        saved.append({"path": path, "revision": revision, "hmac": value_digest(case, stored)})
        if person_id is None and interview.exclusion() is not None:
            excluded = True
            break
    if saved:
        session.flush()
        payload: dict[str, Any] = {"answers": saved}
        if person_id is not None:
            payload["person"] = person_id
        record_event(session, actor, "answers.saved", case_id=case.id, payload=payload)
    return interview, excluded


def value_digest(case: Case, value: Any) -> str:
    """Audit payloads carry a keyed hash of what the party said, never the personal data.

    Keyed with the case's own secret (kept on the case, not in the audit), so a phone or ID
    number cannot be recovered from the audit trail by trying every possible number.
    """
    return hmac.new(case.audit_secret.encode("ascii"), canonical_json(value).encode("utf-8"),
                    hashlib.sha256).hexdigest()


# -- reading the statement aloud -----------------------------------------------------------

STATEMENT_READ_ALOUD = "statement.read_aloud"
"""Audit action: the whole statement, as it then stood, was read aloud to the party."""


def record_statement_read_aloud(session: Session, case: Case, interview: Interview, *,
                                actor: str = "party") -> None:
    """Records that the statement was read aloud to the party before they signed it.

    A party who cannot read it has it read to them (PSAPL Art. 98; PR Art. 73); the printed
    statement then says "向我宣读过" instead of "看过". The event names the submission about to
    be signed and a keyed hash of the answers read, so an answer changed afterwards is not
    covered by it.
    """
    _require_status(case, CaseStatus.IN_PROGRESS)
    record_event(session, actor, STATEMENT_READ_ALOUD, case_id=case.id,
                 payload={"submission": case.submission_count + 1,
                          "answers_hmac": value_digest(case, interview.visible_answers())})


def statement_was_read_aloud(session: Session, case: Case) -> bool:
    """Whether the statement of the case's current submission was read aloud to the party
    exactly as they then signed it."""
    events = session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case.id,
                                 AuditEvent.action.in_((STATEMENT_READ_ALOUD, "case.submitted")))
        .order_by(AuditEvent.seq)
    ).scalars().all()
    mine = [e for e in events if e.payload.get("submission") == case.submission_count]
    signed = [e.payload.get("answers_hmac") for e in mine if e.action == "case.submitted"]
    return bool(signed) and any(e.action == STATEMENT_READ_ALOUD
                                and e.payload.get("answers_hmac") == signed[-1] for e in mine)


# -- submission and conversion -------------------------------------------------------------


class Incomplete(CaseError):
    """A submission that lacks a step or an answer; `missing` names each one."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("not ready to submit: " + "; ".join(missing), reason="incomplete",
                         missing="; ".join(missing))


def submit_case(session: Session, case: Case, *, today: date, now: datetime,
                actor: str = "party") -> Case:
    """The party's signed statement goes to the review queue. Repeating it changes nothing."""
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.APPROVED):
        return case  # idempotent: a retry after a lost reply must not submit twice
    _require_status(case, CaseStatus.IN_PROGRESS)
    missing = []
    if case.consent_at is None:
        missing.append("consent: the party has not accepted the fast-track")
    if case.rights_acknowledged_at is None:
        missing.append("rights: the rights notice was not acknowledged")
    if not case.party:
        missing.append("identity: the party's identity was not recorded")
    interview = interview_of(session, case, today=today, now=now)
    if convert_if_excluded(session, case, interview, actor=actor):
        return case
    for screen, error in interview.problems():
        missing.append(f"{screen.path}: {error}")
    if missing:
        raise Incomplete(missing)
    move(case, CaseStatus.SUBMITTED)
    case.submitted_at = datetime.now(UTC)
    case.interview_ended_at = case.submitted_at
    case.submission_count += 1
    case.review_level = 0
    case.claimed_by = None
    case.claimed_at = None
    record_event(session, actor, "case.submitted", case_id=case.id,
                 payload={"submission": case.submission_count,
                          "answers_hmac": value_digest(case, interview.visible_answers())})
    return case


def convert_case(session: Session, case: Case, reason: str, *, actor: str,
                 exclusion: str | None = None, expected_version: int | None = None) -> Case:
    """Hands the case to the ordinary procedure; what was collected stays (PR Art. 48)."""
    lock(case, expected_version)
    reason = reason.strip()
    if not reason:
        raise CaseError("converting a case needs a reason", reason="conversion_reason_empty")
    move(case, CaseStatus.CONVERTED)
    case.conversion_reason = reason
    case.decided_at = datetime.now(UTC)
    payload: dict[str, Any] = {"reason": reason}
    if exclusion:
        payload["exclusion"] = exclusion
    record_event(session, actor, "case.converted", case_id=case.id, payload=payload)
    return case


def _require_fixed_steps(case: Case) -> None:
    """Questions come after the rights, the consent and the identity (so age exclusions work)."""
    if case.rights_acknowledged_at is None:
        raise CaseError("the party has not yet acknowledged the rights notice",
                        reason="rights_not_acknowledged")
    if case.consent_at is None:
        raise CaseError("the party has not yet agreed to the fast-track", reason="no_consent")
    if not case.party:
        raise CaseError("the party's identity has not yet been recorded",
                        reason="no_identity")


def convert_if_excluded(session: Session, case: Case, interview: Interview, *,
                        actor: str) -> bool:
    """Converts the case when an exclusion applies to what is known now; True if it did."""
    hit = interview.exclusion()
    if hit is None:
        return False
    convert_case(session, case, hit.reason("zh") + " / " + hit.reason("en"), actor=actor,
                 exclusion=hit.exclusion.id)
    return True


def _require_status(case: Case, *allowed: CaseStatus) -> None:
    if case.status not in allowed:
        names = " or ".join(a.value for a in allowed)
        raise CaseError(f"case {case.code} is {case.status}; this needs it to be {names}",
                        reason="wrong_status", code=case.code, status=case.status,
                        needed=[a.value for a in allowed])


# -- time limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """A case's legal time limits, counted from the party's arrival (PR Art. 47 and 69).

    Questioning lasts at most the ordinary limit (8 hours by default) unless an officer marked
    that detention is possible; then the longer one (24 hours). `questioning_ends` is the
    limit that applies to the case.
    """

    decision_due: datetime
    questioning_ends: datetime
    ordinary_questioning_hours: int
    detention_questioning_hours: int
    detention_possible: bool = False

    @property
    def questioning_hours(self) -> int:
        """How long the questioning limit that applies is."""
        return self.detention_questioning_hours if self.detention_possible \
            else self.ordinary_questioning_hours


def deadlines(case: Case, settings: Settings) -> Deadlines:
    """The legal time limits of a case as it stands."""
    return deadlines_from(case.arrived_at, settings, detention_possible=case.detention_possible)


def deadlines_from(arrived: datetime, settings: Settings, *,
                   detention_possible: bool = False) -> Deadlines:
    ordinary = settings.questioning_limit_hours
    longer = settings.questioning_limit_detention_hours
    return Deadlines(arrived + timedelta(hours=settings.decision_deadline_hours),
                     arrived + timedelta(hours=longer if detention_possible else ordinary),
                     ordinary, longer, detention_possible)


def set_detention_possible(session: Session, case: Case, settings: Settings, possible: bool, *,
                           actor: str, expected_version: int | None = None) -> Case:
    """Marks (or unmarks) that detention is possible, so questioning may last the longer limit.

    The conservative ordinary limit applies until an officer says otherwise (PR Art. 69); the
    marking is audited and can be taken back while the case is open, never once it is decided.
    Marking what is already marked changes nothing.
    """
    lock(case, expected_version)
    if case.status in FINAL:
        raise CaseError(f"case {case.code} is already decided ({case.status}); whether "
                        f"detention is possible can no longer change",
                        reason="detention_case_decided", code=case.code, status=case.status)
    if case.detention_possible == possible:
        return case
    case.detention_possible = possible  # an UPDATE of the case row: other consoles hear of it
    limits = deadlines(case, settings)
    record_event(session, actor, "case.detention_possible", case_id=case.id,
                 payload={"detention_possible": possible,
                          "questioning_limit_hours": limits.questioning_hours,
                          "questioning_ends": limits.questioning_ends.isoformat()})
    return case


def list_cases(session: Session, status: str | None = None, limit: int = 500) -> list[Case]:
    query = select(Case).order_by(Case.arrived_at.desc()).limit(limit)
    if status:
        query = query.where(Case.status == CaseStatus(status).value)
    return list(session.execute(query).scalars())

