"""The one state machine of a case."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    OPENED = "opened"            # the officer opened it; the party has not started
    IN_PROGRESS = "in_progress"  # the party is answering at the kiosk
    SUBMITTED = "submitted"      # the party signed and submitted; waiting for an officer
    IN_REVIEW = "in_review"      # an officer claimed it; review levels under way
    RETURNED = "returned"        # sent back to the party with comments on answers
    APPROVED = "approved"        # every review level approved: final
    CONVERTED = "converted"      # handed to the ordinary procedure: final
    # Mediation (PSAPL Art. 9; kiosk/mediation.py). A failed mediation goes back to review.
    MEDIATING = "mediating"      # an officer proposed mediation; waiting for the agreement
    MEDIATED = "mediated"        # the agreement was reached and kept: no penalty, final


FINAL = frozenset({CaseStatus.APPROVED, CaseStatus.CONVERTED, CaseStatus.MEDIATED})
# The party is (or will be) at the kiosk: opened, answering, or correcting after a return.
ANSWERING = frozenset({CaseStatus.OPENED, CaseStatus.IN_PROGRESS, CaseStatus.RETURNED})

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPENED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.SUBMITTED}),
    CaseStatus.SUBMITTED: frozenset({CaseStatus.IN_REVIEW}),
    CaseStatus.IN_REVIEW: frozenset({CaseStatus.APPROVED, CaseStatus.RETURNED}),
    CaseStatus.RETURNED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.APPROVED: frozenset(),
    CaseStatus.CONVERTED: frozenset(),
}
# Mediation (PSAPL Art. 9): proposed once the party's statement is in; kept, it ends the case
# with no penalty; failed (no agreement, or one not kept), the case goes back to review.
TRANSITIONS[CaseStatus.SUBMITTED] |= {CaseStatus.MEDIATING}
TRANSITIONS[CaseStatus.IN_REVIEW] |= {CaseStatus.MEDIATING}
TRANSITIONS[CaseStatus.MEDIATING] = frozenset({CaseStatus.MEDIATED, CaseStatus.IN_REVIEW})
TRANSITIONS[CaseStatus.MEDIATED] = frozenset()
# Any state that is not final may go to the ordinary procedure.
for _state in CaseStatus:
    if _state not in FINAL:
        TRANSITIONS[_state] = TRANSITIONS[_state] | {CaseStatus.CONVERTED}

LABELS: dict[CaseStatus, dict[str, str]] = {
    CaseStatus.OPENED: {"zh": "待开始", "en": "Opened"},
    CaseStatus.IN_PROGRESS: {"zh": "填写中", "en": "In progress"},
    CaseStatus.SUBMITTED: {"zh": "待审核", "en": "Submitted"},
    CaseStatus.IN_REVIEW: {"zh": "审核中", "en": "In review"},
    CaseStatus.RETURNED: {"zh": "退回修改", "en": "Returned"},
    CaseStatus.APPROVED: {"zh": "已审批", "en": "Approved"},
    CaseStatus.CONVERTED: {"zh": "转普通程序", "en": "Converted"},
    CaseStatus.MEDIATING: {"zh": "调解中", "en": "Mediating"},
    CaseStatus.MEDIATED: {"zh": "调解结案", "en": "Mediated"},
}


class TransitionError(ValueError):
    """A change of state the state machine does not allow."""


def can_transition(current: str, target: str) -> bool:
    return CaseStatus(target) in TRANSITIONS[CaseStatus(current)]


def check_transition(current: str, target: str) -> CaseStatus:
    """The target state, or TransitionError naming both states."""
    if not can_transition(current, target):
        was, would = LABELS[CaseStatus(current)]["en"], LABELS[CaseStatus(target)]["en"]
        raise TransitionError(f"a case that is {was.lower()} ({current}) cannot become "
                              f"{would.lower()} ({target})")
    return CaseStatus(target)
