"""What the officer console shows: the queue's rows, the time limits' urgency, one case in full.

Plain data read in one short transaction, so the console can read on a worker thread and draw
on the UI thread; nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.answer_types import display_value
from kiosk.audit import case_events
from kiosk.cases import (
    Deadlines,
    answer_history,
    deadlines,
    deadlines_from,
    find_case,
    interview_of,
)
from kiosk.evidence import EvidenceView, evidence_of
from kiosk.interview import Interview, ReviewItem
from kiosk.models import Case, Document, ReviewAction, TemplateVersion
from kiosk.party import REVIEW, SIGNATURE, WAITING
from kiosk.penalty_notice import notice_summary, open_notice
from kiosk.review import chain_of, days_held, open_comments, review_actions
from kiosk.settings import Settings
from kiosk.states import ANSWERING, FINAL, CaseStatus
from kiosk.template_model import ELIGIBILITY_SECTION_ID, split_path, text_in

ACTIVE = tuple(s.value for s in CaseStatus if s not in FINAL)
# Decided cases stay in the queue this long, so the officer sees what just happened.
RECENTLY_DECIDED = timedelta(hours=24)


class Urgency(StrEnum):
    CALM = "calm"        # green: more than a quarter of the time left
    NEAR = "near"        # amber: a quarter or less left
    URGENT = "urgent"    # red: a tenth or less left
    OVERDUE = "overdue"  # red, blinking words: the limit has passed


def urgency(now: datetime, start: datetime, due: datetime) -> Urgency:
    """How close a time limit is, as a share of the whole limit."""
    total = (due - start).total_seconds()
    left = (due - now).total_seconds()
    if left <= 0:
        return Urgency.OVERDUE
    if total <= 0 or left <= total / 10:
        return Urgency.URGENT
    if left <= total / 4:
        return Urgency.NEAR
    return Urgency.CALM


@dataclass(frozen=True)
class QueueRow:
    """One line of the officer's queue."""

    case_id: str
    code: str
    party_name: str
    template_id: str
    template_title: dict[str, str]
    status: str
    arrived_at: datetime
    arrival_mode: str
    submitted_at: datetime | None
    decided_at: datetime | None
    claimed_by: str | None
    review_level: int
    current_path: str | None
    lock_version: int
    detention_possible: bool

    @property
    def is_final(self) -> bool:
        return self.status not in ACTIVE

    def limits(self, settings: Settings) -> Deadlines:
        """The case's time limits: the questioning limit as it applies to this case."""
        return deadlines_from(self.arrived_at, settings,
                              detention_possible=self.detention_possible)

    def title(self, language: str) -> str:
        return text_in(self.template_title, language)

    def waiting_since(self) -> datetime:
        """Since when the case waits for an officer (submission), else for the party."""
        return self.submitted_at or self.arrived_at


_COLUMNS = (Case.id, Case.code, Case.party_name, TemplateVersion.template_id,
            TemplateVersion.title, Case.status, Case.arrived_at, Case.arrival_mode,
            Case.submitted_at, Case.decided_at, Case.claimed_by, Case.review_level,
            Case.current_path, Case.lock_version, Case.detention_possible)


def queue_rows(session: Session, *, now: datetime,
               case_ids: Collection[str] | None = None) -> list[QueueRow]:
    """The work of the station: every case not yet decided, and those decided in the last day.

    With `case_ids`, only those cases (whatever their state): the console's update after a
    change.
    """
    query = select(*_COLUMNS).join(TemplateVersion, Case.template_version_id == TemplateVersion.id)
    if case_ids is not None:
        if not case_ids:
            return []
        parts = [query.where(Case.id.in_(list(case_ids)))]
    else:
        # Two index range reads (status, decided_at), not one OR that scans every case ever.
        parts = [query.where(Case.status.in_(ACTIVE)),
                 query.where(Case.decided_at >= now - RECENTLY_DECIDED)]
    rows = {row[0]: QueueRow(*row) for part in parts for row in session.execute(part)}
    return sorted(rows.values(), key=lambda row: row.arrived_at)


# -- one case in full ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    revision: int
    value: Any
    given_at: datetime
    given_by: str


@dataclass(frozen=True)
class AnswerLine:
    """A question of the statement with its answer as printed and every revision given."""

    item: ReviewItem
    revisions: tuple[Revision, ...]
    comment: str = ""  # the open comment of the latest return, if any


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    kind: str
    submission: int
    pages: int
    created_at: datetime


@dataclass(frozen=True)
class Step:
    """Where the party is: a position's name and, for a question, its number."""

    path: str
    label: str
    number: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class CaseDetail:
    row: QueueRow
    submission: int  # how many times the party submitted (comments and approvals are per round)
    start_code: str
    language: str
    party: dict[str, Any]
    opened_by: str
    consent_at: datetime | None
    rights_acknowledged_at: datetime | None
    interview_started_at: datetime | None
    interview_ended_at: datetime | None
    decision: dict[str, Any] | None
    conversion_reason: str | None
    limits: Deadlines
    detention_marked: tuple[str, datetime] | None  # who marked detention possible, and when
    step: Step | None
    eligibility: tuple[AnswerLine, ...]
    answers: tuple[AnswerLine, ...]
    review: tuple[ReviewAction, ...]
    audit: tuple[dict[str, Any], ...]
    documents: tuple[DocumentInfo, ...]
    comments: dict[str, str] = field(default_factory=dict)
    calculated: tuple[tuple[str, str], ...] = ()
    offence: str | None = None  # the case type's offence in templates/law/ (its penalty tiers)
    notice: dict[str, Any] | None = None
    """The open notice of an intended penalty (PSAPL Art. 112): penalty_notice.notice_summary."""
    evidence: tuple[EvidenceView, ...] = ()  # the evidence items, in the order they were added
    held_days: int = 0
    """Whole days the party has been held for the case (PSAPL Art. 110; kiosk.review.days_held)."""
    chain: tuple[str, ...] = ()
    """The case's review levels: the station's, then the county organ's when its penalty needs
    it (PSAPL Art. 109; kiosk.review.chain_of)."""

    @property
    def case_id(self) -> str:
        return self.row.case_id

    @property
    def decision_due(self) -> datetime:
        return self.limits.decision_due

    @property
    def questioning_ends(self) -> datetime:
        """The questioning limit that applies (the longer one once detention is possible)."""
        return self.limits.questioning_ends


def _calculated(interview: Interview, language: str) -> tuple[tuple[str, str], ...]:
    """The calculated values that could be worked out, named by their prompt (or id)."""
    found = []
    for path, value in interview.calculated().items():
        if value is None:
            continue
        group, index, inner = split_path(path)
        question = interview.template.question(group if inner is None else f"{group}.{inner}")
        name = text_in(question.prompt, language) or question.id
        found.append((name if index is None else f"{name} ({index + 1})",
                      display_value(value, language)))
    return tuple(found)


_FIXED_LABELS = {
    "@language": {"zh": "选择语言", "en": "Choosing the language"},
    "@terms": {"zh": "阅读快速办理告知", "en": "Reading the fast-track terms"},
    "@rights": {"zh": "阅读权利义务告知", "en": "Reading the rights notice"},
    "@consent": {"zh": "决定是否同意快速办理", "en": "Deciding on the fast-track"},
    "@identity": {"zh": "填写身份信息", "en": "Entering identity details"},
    REVIEW: {"zh": "核对笔录", "en": "Reviewing the statement"},
    SIGNATURE: {"zh": "签名", "en": "Signing"},
    WAITING: {"zh": "已提交，等待审核", "en": "Submitted, waiting"},
}


def _step(case: Case, screens: list[Any], language: str) -> Step | None:
    path = case.current_path
    if case.status not in ANSWERING or not path:
        return None
    if path in _FIXED_LABELS:
        return Step(path, text_in(_FIXED_LABELS[path], language))
    for number, screen in enumerate(screens, start=1):
        if screen.path == path:
            return Step(path, screen.prompt(language), number, len(screens))
    return Step(path, path)


def case_detail(session: Session, key: str, settings: Settings, *, language: str, today: date,
                now: datetime, local_now: datetime) -> CaseDetail:
    """Everything the console's case view shows, read in one transaction."""
    case = find_case(session, key)
    row = queue_rows(session, now=now, case_ids=[case.id])[0]
    interview = interview_of(session, case, today=today, now=local_now.replace(tzinfo=None))
    history: dict[str, list[Revision]] = {}
    for rev in answer_history(session, case.id):
        history.setdefault(rev.path, []).append(
            Revision(rev.revision, rev.value, rev.given_at, rev.given_by))
    comments = {c.path: c.text for c in open_comments(session, case)} \
        if case.status == CaseStatus.RETURNED else {}
    lines = [AnswerLine(item, tuple(history.get(item.path, ())), comments.get(item.path, ""))
             for item in interview.review(language)]
    limits = deadlines(case, settings)
    events = case_events(session, case.id)
    marked = next((e for e in reversed(events) if e.action == "case.detention_possible"), None)
    documents = session.execute(
        select(Document.id, Document.kind, Document.submission, Document.pages,
               Document.created_at).where(Document.case_id == case.id).order_by(Document.id)
    ).all()
    return CaseDetail(
        row=row, submission=case.submission_count, start_code=case.start_code,
        language=case.language, party=dict(case.party),
        opened_by=case.opened_by, consent_at=case.consent_at,
        rights_acknowledged_at=case.rights_acknowledged_at,
        interview_started_at=case.interview_started_at,
        interview_ended_at=case.interview_ended_at, decision=case.decision,
        conversion_reason=case.conversion_reason, limits=limits,
        detention_marked=(marked.actor, marked.at)
        if marked is not None and case.detention_possible else None,
        step=_step(case, list(interview.screens), language),
        eligibility=tuple(line for line in lines if line.item.section_id == ELIGIBILITY_SECTION_ID),
        answers=tuple(lines),
        review=tuple(review_actions(session, case)),
        audit=tuple({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                     "payload": e.payload} for e in events),
        documents=tuple(DocumentInfo(*doc) for doc in documents),
        comments=comments,
        calculated=_calculated(interview, language),
        offence=interview.template.offence,
        notice=notice_summary(open_notice(session, case))
        if case.status == CaseStatus.IN_REVIEW else None,  # a return sets a proposal aside
        evidence=tuple(evidence_of(session, case)),
        chain=chain_of(session, case, settings),
        held_days=days_held(case, datetime.now(UTC)),
    )


def document_pdf(session: Session, document_id: int) -> bytes:
    return session.execute(select(Document.pdf).where(Document.id == document_id)).scalar_one()


def who_decided(session: Session, case_id: str, me: str) -> ReviewAction | None:
    """The newest review step on a case taken by someone other than `me` (who acted first)."""
    return session.execute(
        select(ReviewAction).where(ReviewAction.case_id == case_id, ReviewAction.actor != me)
        .order_by(ReviewAction.id.desc()).limit(1)
    ).scalar_one_or_none()
