"""The case state machine: what may follow what, checked exhaustively and by random walks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.states import (
    FINAL,
    LABELS,
    CaseStatus,
    TransitionError,
    can_transition,
    check_transition,
)

ALLOWED = {
    ("opened", "in_progress"), ("in_progress", "submitted"), ("submitted", "in_review"),
    ("in_review", "approved"), ("in_review", "returned"), ("returned", "in_progress"),
    ("opened", "converted"), ("in_progress", "converted"), ("submitted", "converted"),
    ("in_review", "converted"), ("returned", "converted"),
    # mediation (PSAPL Art. 9): kept, no penalty; failed, back to review
    ("submitted", "mediating"), ("in_review", "mediating"), ("mediating", "mediated"),
    ("mediating", "in_review"), ("mediating", "converted"),
}


@pytest.mark.parametrize("current", list(CaseStatus))
@pytest.mark.parametrize("target", list(CaseStatus))
def test_exactly_the_designed_transitions_are_allowed(current: CaseStatus,
                                                      target: CaseStatus) -> None:
    expected = (current.value, target.value) in ALLOWED
    assert can_transition(current, target) is expected
    if expected:
        assert check_transition(current, target) is target
    else:
        with pytest.raises(TransitionError, match=rf"\({current.value}\) cannot become"):
            check_transition(current, target)


def test_final_states_have_no_way_out() -> None:
    assert {CaseStatus.APPROVED, CaseStatus.CONVERTED, CaseStatus.MEDIATED} == FINAL
    for state in FINAL:
        assert not any(can_transition(state, target) for target in CaseStatus)


def test_every_state_has_a_label_in_both_languages() -> None:
    for state in CaseStatus:
        assert LABELS[state]["zh"] and LABELS[state]["en"]


@given(st.lists(st.sampled_from(list(CaseStatus)), max_size=30))
def test_any_walk_reaches_a_final_state_only_through_review_or_conversion(
        steps: list[CaseStatus]) -> None:
    state = CaseStatus.OPENED
    path = [state]
    for target in steps:
        if can_transition(state, target):
            state = target
            path.append(state)
    if state is CaseStatus.APPROVED:
        # approval is always preceded by a submission and a review, never skipped
        assert path[path.index(CaseStatus.APPROVED) - 1] is CaseStatus.IN_REVIEW
        assert CaseStatus.SUBMITTED in path
    assert all(p not in FINAL for p in path[:-1])
