"""Notice and argument before the decision (PSAPL Art. 112; PR Art. 46).

Before the last review level decides a penalty it *proposes* it: the proposal is stored and
audited, and the party is called back to the kiosk with the same start code (it answers to an
open case). There the party hears and reads the intended penalty, its facts and reasons, its
basis and their rights to state and argue (陈述权、申辩权), and accepts or argues. An officer
answers any argument. Only then does the final approval decide, and never more heavily than
proposed: Art. 112 forbids a heavier penalty because the party argued. A decision not to
penalise needs no notice.

Each function is one step in the caller's transaction; refusals are ReviewError with a `reason`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import lock
from kiosk.models import Case, PenaltyNotice, User
from kiosk.review import (
    Decision,
    PenaltyType,
    ReviewError,
    _approvers_of_this_round,
    _log,
    _require_level_role,
    _status_words,
    claim_case,
    days_held,
    party_age,
    require_complete_recording,
    require_other_evidence,
)
from kiosk.settings import Settings
from kiosk.states import CaseStatus
from kiosk.template_store import template_of

ARTICLE = 112  # PSAPL Art. 112: notice of the intended penalty, the party's statement and argument

RIGHTS = ("statement", "argument")  # 陈述权、申辩权 (PSAPL Art. 112)
RIGHT_LABELS = {"statement": {"zh": "陈述权", "en": "the right to state your case"},
                "argument": {"zh": "申辩权", "en": "the right to argue against it"}}

ACCEPTED = "accepted"
ARGUED = "argued"

# What the party may argue, to choose from before the free text (PSAPL Art. 112).
GROUNDS: dict[str, dict[str, str]] = {
    "facts": {"zh": "对事实有异议", "en": "I dispute the facts"},
    "penalty": {"zh": "认为处罚过重", "en": "The penalty is too heavy"},
    "circumstances": {"zh": "有从轻、减轻的情节需要说明",
                      "en": "There are mitigating circumstances"},
    "evidence": {"zh": "有新的证据", "en": "I have new evidence"},
    "other": {"zh": "其他", "en": "Other"},
}
MAX_TEXT = 2000

# Where the notice stands, for screens and the command line.
AWAITING_PARTY = "awaiting_party"      # proposed; the party has not answered
ARGUMENT_OPEN = "argument_unanswered"  # the party argued; no officer has answered yet
READY = "ready"                        # accepted, or argued and answered: may be decided

# A heavier kind of penalty ranks higher (PSAPL Art. 10's order of the penalties).
_RANK = {PenaltyType.NO_PENALTY: 0, PenaltyType.WARNING: 1, PenaltyType.FINE: 2,
         PenaltyType.DETENTION: 3, PenaltyType.DETENTION_AND_FINE: 4}


def open_notice(session: Session, case: Case) -> PenaltyNotice | None:
    """The notice of the case's current submission not yet taken up by a decision."""
    return session.execute(
        select(PenaltyNotice).where(PenaltyNotice.case_id == case.id,
                                    PenaltyNotice.submission == case.submission_count,
                                    PenaltyNotice.closed.is_(None))
        .order_by(PenaltyNotice.id.desc()).limit(1)).scalar_one_or_none()


def notices_of(session: Session, case: Case) -> list[PenaltyNotice]:
    """Every notice of the case, oldest first (the decided one is the record's)."""
    return list(session.execute(select(PenaltyNotice).where(PenaltyNotice.case_id == case.id)
                                .order_by(PenaltyNotice.id)).scalars())


def step_of(notice: PenaltyNotice) -> str:
    if notice.answer is None:
        return AWAITING_PARTY
    if notice.answer == ARGUED and notice.reply is None:
        return ARGUMENT_OPEN
    return READY


def awaits_party(session: Session, case: Case) -> bool:
    """Whether the party's start code now opens the notice at the kiosk."""
    if case.status != CaseStatus.IN_REVIEW:
        return False
    notice = open_notice(session, case)
    return notice is not None and notice.answer is None


def is_raised(final: Mapping[str, Any], proposed: Mapping[str, Any]) -> bool:
    """Whether `final` is heavier than `proposed` in kind, days or amount (PSAPL Art. 112)."""
    kind, was = PenaltyType(final["penalty_type"]), PenaltyType(proposed["penalty_type"])
    if _RANK[kind] > _RANK[was]:
        return True
    if (final.get("days") or 0) > (proposed.get("days") or 0) and proposed.get("days"):
        return True
    return bool(proposed.get("amount")) and (final.get("amount") or 0) > proposed["amount"]


def _require_final_level(session: Session, case: Case, user: User, settings: Settings) -> str:
    """The station's last level proposes and hears the party, also for a penalty the county
    organ then decides (PSAPL Art. 109, 112): the case's own chain may go one level further."""
    chain = settings.review_chain
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW):
        raise ReviewError(f"case {case.code} is {_status_words(case)}; only a case in review "
                          f"can be decided", reason="not_approvable", code=case.code,
                          status=case.status)
    level = case.review_level
    if level != len(chain) - 1:
        raise ReviewError(f"the decision is given at the final level ({chain[-1]}), not at "
                          f"level {level + 1}", reason="decision_too_early", role=chain[-1],
                          level=level + 1)
    _require_level_role(user, level, chain[level])
    if user.username in _approvers_of_this_round(session, case):
        raise ReviewError(f"{user.username} already approved an earlier level of this case; "
                          f"each level is decided by a different person",
                          reason="approved_before", user=user.username)
    return chain[level]


def propose(session: Session, case: Case, user: User, settings: Settings, decision: Decision,
            *, take_over: bool = False, expected_version: int | None = None) -> PenaltyNotice:
    """The last level proposes a penalty; the party is to be told before it is decided.

    A new proposal replaces an unanswered or answered one of the same submission, but never
    with a heavier penalty. "No penalty" is decided directly (approve_level), not proposed.
    """
    lock(case, expected_version)
    role = _require_final_level(session, case, user, settings)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    checked = decision.checked(settings, template_of(case.template_version).offence,
                               age=party_age(case, today),
                               held=days_held(case, datetime.now(UTC)))
    if checked.penalty_type == PenaltyType.NO_PENALTY:
        raise ReviewError("a decision not to penalise needs no notice; approve it directly",
                          reason="no_notice_for_no_penalty")
    require_complete_recording(session, case, settings)  # never call the party back for a
    require_other_evidence(session, case, settings)  # penalty that could not be decided
    proposal = asdict(checked)
    earlier = open_notice(session, case)
    if earlier is not None and is_raised(proposal, earlier.proposal):
        raise ReviewError(f"the penalty may not be heavier than the one the party was told "
                          f"of (PSAPL Art. {ARTICLE})", reason="penalty_raised",
                          article=ARTICLE, proposed=earlier.proposal["penalty_type"])
    claim_case(session, case, user, take_over=take_over)
    if earlier is not None:
        earlier.closed = "superseded"
    notice = PenaltyNotice(case_id=case.id, submission=case.submission_count, proposal=proposal,
                           rights=list(RIGHTS), place=settings.station_name,
                           proposed_by=user.username, proposed_by_name=user.display_name,
                           proposed_at=datetime.now(UTC))
    session.add(notice)
    case.current_path = None  # the kiosk shows the notice, not a question
    _log(session, case, user, "proposed", level=case.review_level, role=role,
         details={"submission": case.submission_count, "decision": proposal,
                  "place": settings.station_name, "rights": list(RIGHTS),
                  "replaces": earlier is not None})
    session.flush()
    return notice


def _require_awaiting(session: Session, case: Case) -> PenaltyNotice:
    notice = open_notice(session, case) if case.status == CaseStatus.IN_REVIEW else None
    if notice is None:
        raise ReviewError(f"case {case.code} has no notice of an intended penalty to answer",
                          reason="no_proposal", code=case.code)
    if notice.answer is not None:
        raise ReviewError("the notice was already answered", reason="notice_answered",
                          answer=notice.answer)
    return notice


def mark_shown(session: Session, case: Case) -> None:
    """The kiosk showed (and read aloud) the notice to the party: the moment it was told."""
    notice = _require_awaiting(session, case)
    if notice.shown_at is None:
        notice.shown_at = datetime.now(UTC)
        record_event(session, "party", "notice.shown", case_id=case.id,
                     payload={"notice": notice.id})


def answer(session: Session, case: Case, accepts: bool, *, grounds: Sequence[str] = (),
           text: str = "", via: str = "kiosk", signature: bytes | None = None,
           strokes: Sequence[Sequence[Sequence[float]]] | None = None) -> PenaltyNotice:
    """The party accepts the intended penalty, or states and argues (grounds and/or text)."""
    notice = _require_awaiting(session, case)
    text = text.strip()
    chosen = list(dict.fromkeys(grounds))
    unknown = [g for g in chosen if g not in GROUNDS]
    if unknown:
        raise ReviewError(f"unknown ground {unknown[0]!r} (one of: {', '.join(GROUNDS)})",
                          reason="ground_unknown", ground=unknown[0])
    if len(text) > MAX_TEXT:
        raise ReviewError(f"the argument is longer than {MAX_TEXT} characters",
                          reason="text_too_long", limit=MAX_TEXT)
    if not accepts and not (chosen or text):
        raise ReviewError("an argument needs a ground or its text (--text)",
                          reason="argument_empty")
    if signature is not None and not signature.startswith(b"\x89PNG"):
        raise ReviewError("the signature is not a PNG image", reason="signature_not_png")
    now = datetime.now(UTC)
    notice.shown_at = notice.shown_at or now
    notice.answer = ACCEPTED if accepts else ARGUED
    notice.argument = None if accepts else {"grounds": chosen, "text": text}
    notice.answered_at, notice.answered_via = now, via
    notice.signature_png = signature
    notice.signature_strokes = [[list(p) for p in s] for s in strokes] if strokes else None
    record_event(session, "party", f"notice.{notice.answer}", case_id=case.id,
                 payload={"notice": notice.id, "via": via, "signed": signature is not None,
                          **({} if accepts else {"argument": notice.argument})})
    return notice


def answer_argument(session: Session, case: Case, user: User, settings: Settings, text: str,
                    *, take_over: bool = False,
                    expected_version: int | None = None) -> PenaltyNotice:
    """The deciding officer answers the party's argument (PSAPL Art. 112: it must be heard)."""
    lock(case, expected_version)
    role = _require_final_level(session, case, user, settings)
    notice = open_notice(session, case)
    if notice is None or notice.answer != ARGUED:
        raise ReviewError(f"case {case.code} has no argument to answer",
                          reason="no_argument", code=case.code)
    if notice.reply is not None:
        raise ReviewError("the argument was already answered", reason="argument_answered")
    if not text.strip():
        raise ReviewError("the answer to the argument is empty (--text)",
                          reason="reply_empty")
    claim_case(session, case, user, take_over=take_over)
    notice.reply, notice.replied_by = text.strip(), user.username
    notice.replied_at = datetime.now(UTC)
    _log(session, case, user, "replied", level=case.review_level, role=role,
         details={"notice": notice.id, "text": notice.reply})
    return notice


def _require_ready(notice: PenaltyNotice) -> None:
    step = step_of(notice)
    if step == AWAITING_PARTY:
        raise ReviewError("the party has not yet answered the notice of the intended penalty",
                          reason="notice_unanswered", article=ARTICLE)
    if step == ARGUMENT_OPEN:
        raise ReviewError("the party's argument must be answered before the decision "
                          "(answer-argument)", reason="argument_unanswered", article=ARTICLE)


def refuse_raised(session: Session, case: Case, final: Mapping[str, Any]) -> None:
    """A penalty heavier than the open proposal is refused (PSAPL Art. 112)."""
    notice = open_notice(session, case)
    if notice is not None and final["penalty_type"] != PenaltyType.NO_PENALTY \
            and is_raised(final, notice.proposal):
        raise ReviewError(f"the penalty may not be heavier than the one the party was told "
                          f"of (PSAPL Art. {ARTICLE})", reason="penalty_raised",
                          article=ARTICLE, proposed=notice.proposal["penalty_type"])


def require_heard(session: Session, case: Case) -> None:
    """Before the station passes a penalty to the county organ (PSAPL Art. 109): proposed, and
    the party heard on it (PSAPL Art. 112): the notice answered, any argument answered."""
    notice = open_notice(session, case)
    if notice is None:
        raise ReviewError("a penalty is proposed and the party told before it is decided "
                          f"(PSAPL Art. {ARTICLE}): propose it first",
                          reason="no_proposal", article=ARTICLE)
    _require_ready(notice)


def decision_to_record(session: Session, case: Case,
                       checked: Decision | None) -> dict[str, Any] | None:
    """What the final approval decides: the proposal once its notice is answered, or the
    officer's (never heavier) change of it, or a decision not to penalise.

    None when there is neither a decision nor a proposal (the caller says what is missing).
    """
    given = asdict(checked) if checked is not None else None
    notice = open_notice(session, case)
    if given is not None and given["penalty_type"] == PenaltyType.NO_PENALTY:
        if notice is not None:
            notice.closed = "decided"
        return given
    if notice is None:
        if given is None:
            return None
        raise ReviewError("a penalty is proposed and the party told before it is decided "
                          f"(PSAPL Art. {ARTICLE}): propose it first",
                          reason="no_proposal", article=ARTICLE)
    _require_ready(notice)
    final = given or dict(notice.proposal)
    if is_raised(final, notice.proposal):
        raise ReviewError(f"the penalty may not be heavier than the one the party was told "
                          f"of (PSAPL Art. {ARTICLE})", reason="penalty_raised",
                          article=ARTICLE, proposed=notice.proposal["penalty_type"])
    notice.closed = "decided"
    return final


def notice_summary(notice: PenaltyNotice | None) -> dict[str, Any] | None:
    """The notice as `kiosk case show --json` and the console show it."""
    if notice is None:
        return None
    return {"step": step_of(notice), "proposal": notice.proposal,
            "proposed_by": notice.proposed_by, "proposed_at": notice.proposed_at,
            "place": notice.place, "answer": notice.answer, "argument": notice.argument,
            "answered_at": notice.answered_at, "reply": notice.reply,
            "replied_by": notice.replied_by, "closed": notice.closed}

