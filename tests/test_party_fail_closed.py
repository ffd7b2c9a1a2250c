"""At the kiosk (headless): an answer that makes an exclusion fail keeps the party on the screen
with words to read, and the "are you sure" question before leaving the fast-track."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from test_party import through_identity

from kiosk.cases import AnswerRejected, CaseError
from kiosk.models import AnswerRevision, Case
from kiosk.party import FINISHED, PartySession
from kiosk.station import Station


def revisions(station: Station, case_id: str) -> int:
    with station.database.session(readonly=True) as session:
        return session.execute(select(func.count()).select_from(AnswerRevision)
                               .where(AnswerRevision.case_id == case_id)).scalar_one()


def to_incident_date(station: Station) -> PartySession:
    party = through_identity(station)
    state = party.state()
    while state.position != "incident_date":
        screen = state.screen
        assert screen is not None
        following = state.interview.next_screen(screen.path)
        assert following is not None
        state = party.go_to(following.path)
    return party


def test_an_incident_date_before_birth_keeps_the_party_on_the_screen(station: Station) -> None:
    """PR Art. 41: the minor exclusion cannot be judged on a day before the party's birth
    (1990-05-17 in the sample identity), so the date is refused, not waved through."""
    party = to_incident_date(station)
    before = revisions(station, party.case_id)
    with pytest.raises(AnswerRejected) as refused:
        party.answer("incident_date", "1980-01-01")
    assert refused.value.path == "incident_date"
    assert refused.value.messages["zh"] == "这个日期早于出生日期，请检查日期。"
    assert refused.value.messages["en"] == ("This date is before the date of birth; "
                                            "please check the date.")
    after = party.state()
    assert after.position == "incident_date" and after.status == "in_progress"
    assert "incident_date" not in after.interview.answers
    assert revisions(station, party.case_id) == before  # nothing written


def test_would_end_fast_track_names_the_exclusion_and_saves_nothing(station: Station) -> None:
    party = through_identity(station)
    hit = party.would_end_fast_track("admits_facts", False)
    assert hit is not None and hit.exclusion.id == "not_admitted"
    assert hit.reason("zh") and hit.reason("en") and hit.reason("zh") != hit.reason("en")
    assert party.would_end_fast_track("admits_facts", True) is None
    state = party.state()
    assert state.status == "in_progress" and state.position == "admits_facts"
    assert revisions(station, party.case_id) == 0
    # Confirmed: the same answer then ends the fast-track with the same reason.
    state = party.answer("admits_facts", False)
    assert state.status == "converted" and state.position == FINISHED
    assert hit.reason("zh") in state.conversion_reason


def test_would_end_fast_track_refuses_as_answer_would(station: Station) -> None:
    party = to_incident_date(station)
    with pytest.raises(AnswerRejected) as refused:
        party.would_end_fast_track("incident_date", "1980-01-01")
    assert refused.value.path == "incident_date"
    with pytest.raises(AnswerRejected):
        party.would_end_fast_track("no_such_question", True)


def test_would_end_fast_track_after_the_case_left_the_fast_track_is_refused(
        station: Station) -> None:
    party = through_identity(station)
    party.answer("admits_facts", False)
    with pytest.raises(CaseError, match="converted"):
        party.would_end_fast_track("admits_facts", True)
    with station.database.session(readonly=True) as session:
        assert session.get(Case, party.case_id).status == "converted"
