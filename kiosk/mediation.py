"""Mediation of a case (PSAPL 2025 Art. 9): proposed, agreed by both sides, kept or failed.

A minor fight or damage that grew out of a civil dispute (neighbours, family, colleagues) may be
mediated by the police when the case type's template says so (`mediable: true`). The steps, each
one transaction with its audit event, each refused with a `reason` when out of order:
- `propose_mediation`: a submitted case or one in review becomes "mediating";
- `agree_mediation`: records that a side agreed (the headless twin of signing the agreement at
  the kiosk); both sides, the offender and the victim, must agree;
- `fulfil_mediation`: the agreement was kept (paid on the spot, or by its date): the case ends
  "mediated", a final state with no penalty;
- `fail_mediation`: no agreement, or one not kept: the case goes back to review, where its
  review levels stand as they were, and a decision follows (the civil claim may go to court);
  the case is not mediated a second time.

An earlier answer about mediation in the party's statement does not decide anything here:
people change their minds, and the agreement is what counts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import CaseError, lock, move
from kiosk.models import Case, Mediation, User
from kiosk.roles import DECIDING_ROLES
from kiosk.states import CaseStatus
from kiosk.template_store import template_of


class MediationError(CaseError):
    """A mediation step refused; `reason` and `values` say why, and nothing was written."""


class Side(StrEnum):
    OFFENDER = "offender"  # 违法嫌疑人
    VICTIM = "victim"      # 被侵害人


BOTH_SIDES = (Side.OFFENDER, Side.VICTIM)
PROPOSABLE = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW)
"""A mediation is proposed once the party's statement is in, and before any decision."""


def _require_officer(user: User) -> None:
    if user.is_disabled:
        raise MediationError(f"the account {user.username!r} is disabled; it may not mediate "
                             f"cases", reason="mediation_account_disabled", user=user.username)
    if not set(user.roles) & DECIDING_ROLES:
        raise MediationError(f"{user.username} may not mediate cases: it needs one of the roles "
                             f"{', '.join(sorted(DECIDING_ROLES))}", reason="role_needed",
                             user=user.username, action="mediate",
                             roles=sorted(DECIDING_ROLES))


def _out_of_order(case: Case, step: str) -> MediationError:
    return MediationError(f"case {case.code} is {case.status}: mediation cannot be {step} now",
                          reason="mediation_out_of_order", code=case.code, status=case.status,
                          step=step)


def current_mediation(session: Session, case: Case) -> Mediation | None:
    """The case's latest mediation attempt, open or ended."""
    return session.execute(select(Mediation).where(Mediation.case_id == case.id)
                           .order_by(Mediation.id.desc()).limit(1)).scalar_one_or_none()


def _open_mediation(session: Session, case: Case, step: str) -> Mediation:
    mediation = current_mediation(session, case)
    if case.status != CaseStatus.MEDIATING or mediation is None \
            or mediation.status not in ("proposed", "agreed"):
        raise _out_of_order(case, step)
    return mediation


def is_mediable(case: Case) -> bool:
    """Whether the case's type may be mediated, as its template version says."""
    return template_of(case.template_version).mediable


def propose_mediation(session: Session, case: Case, user: User, *, terms: str = "",
                      expected_version: int | None = None) -> Mediation:
    """An officer proposes mediation: the case waits for both sides' agreement."""
    lock(case, expected_version)
    _require_officer(user)
    if not is_mediable(case):
        raise MediationError(f"case {case.code} is of a type that is not mediated "
                             f"({case.template_version.template_id}; PSAPL Art. 9)",
                             reason="not_mediable", code=case.code,
                             template=case.template_version.template_id)
    if case.status not in PROPOSABLE:
        raise _out_of_order(case, "proposed")
    earlier = current_mediation(session, case)
    if earlier is not None and earlier.status == "failed":
        # Art. 9: no agreement, or one not kept, goes back to a decision, not to another try.
        raise MediationError(f"mediation of case {case.code} failed on "
                             f"{earlier.ended_at:%Y-%m-%d}; the case goes to a decision",
                             reason="mediation_failed_before", code=case.code,
                             at=earlier.ended_at)
    move(case, CaseStatus.MEDIATING)
    mediation = Mediation(case_id=case.id, status="proposed", terms=terms.strip(),
                          proposed_by=user.username, agreements={})
    session.add(mediation)
    session.flush()
    record_event(session, user.username, "mediation.proposed", case_id=case.id,
                 payload={"mediation": mediation.id, "terms": mediation.terms})
    return mediation


def agree_mediation(session: Session, case: Case, user: User,
                    sides: tuple[str, ...] = tuple(BOTH_SIDES), *, terms: str | None = None,
                    expected_version: int | None = None) -> Mediation:
    """Records that sides agreed (by default both, as when both sign at the kiosk)."""
    lock(case, expected_version)
    _require_officer(user)
    mediation = _open_mediation(session, case, "agreed")
    try:
        chosen = tuple(dict.fromkeys(Side(side) for side in sides))
    except ValueError:
        raise MediationError(f"unknown side {sides!r} (offender or victim)",
                             reason="unknown_side", side=", ".join(sides)) from None
    if not chosen:
        raise MediationError("an agreement needs a side that agrees", reason="unknown_side",
                             side="")
    again = [side.value for side in chosen if side.value in mediation.agreements]
    if again:
        raise MediationError(f"the {again[0]} already agreed", reason="side_already_agreed",
                             side=again[0])
    now = datetime.now(UTC)
    agreements = dict(mediation.agreements)
    for side in chosen:
        agreements[side.value] = {"at": now.isoformat(), "by": user.username}
    mediation.agreements = agreements  # a new dict: JSON columns see only assignment
    if terms is not None and terms.strip():
        mediation.terms = terms.strip()
    if all(side.value in agreements for side in BOTH_SIDES):
        mediation.status = "agreed"
    record_event(session, user.username, "mediation.agreed", case_id=case.id,
                 payload={"mediation": mediation.id, "sides": [s.value for s in chosen],
                          "both": mediation.status == "agreed", "terms": mediation.terms})
    return mediation


def fulfil_mediation(session: Session, case: Case, user: User, *,
                     expected_version: int | None = None) -> Mediation:
    """The agreement was kept: the case ends "mediated", with no penalty (PSAPL Art. 9)."""
    lock(case, expected_version)
    _require_officer(user)
    mediation = _open_mediation(session, case, "fulfilled")
    missing = [side.value for side in BOTH_SIDES if side.value not in mediation.agreements]
    if missing:
        raise MediationError(f"the agreement of case {case.code} lacks the "
                             f"{' and '.join(missing)}'s consent; both sides must agree",
                             reason="not_agreed_by_both", code=case.code,
                             side=", ".join(missing))
    now = datetime.now(UTC)
    mediation.status, mediation.ended_at, mediation.ended_by = "fulfilled", now, user.username
    move(case, CaseStatus.MEDIATED)
    case.decided_at = now
    case.claimed_by = None
    record_event(session, user.username, "mediation.fulfilled", case_id=case.id,
                 payload={"mediation": mediation.id, "terms": mediation.terms})
    return mediation


def fail_mediation(session: Session, case: Case, user: User, reason: str, *,
                   expected_version: int | None = None) -> Mediation:
    """No agreement, or one not kept: back to review, where a decision follows."""
    lock(case, expected_version)
    _require_officer(user)
    mediation = _open_mediation(session, case, "failed")
    if not reason.strip():
        raise MediationError("a failed mediation needs its reason (no agreement, or not kept)",
                             reason="mediation_reason_missing")
    now = datetime.now(UTC)
    mediation.status, mediation.ended_at, mediation.ended_by = "failed", now, user.username
    mediation.failure_reason = reason.strip()
    move(case, CaseStatus.IN_REVIEW)
    record_event(session, user.username, "mediation.failed", case_id=case.id,
                 payload={"mediation": mediation.id, "reason": mediation.failure_reason})
    return mediation
