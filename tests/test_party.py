"""The party's flow at the kiosk, headless: the same calls the screens make."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_cases import sample_file

from kiosk.cases import AnswerRejected, CaseError, CaseNotFound, IdentityProblem, open_case
from kiosk.interview import flatten_answers
from kiosk.party import (
    CONSENT,
    FINISHED,
    IDENTITY,
    LANGUAGE,
    REVIEW,
    RIGHTS_STEP,
    SIGNATURE,
    TERMS_STEP,
    WAITING,
    PartySession,
)
from kiosk.review import return_case
from kiosk.station import Station
from kiosk.users import add_user

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64  # stands in for the pad's image; the pad has its own tests
STROKES = [[(10.0, 20.0, 0), (30.0, 25.0, 40), (50.0, 22.0, 90)]]


def opened(station: Station, template: str = "minor-assault") -> str:
    with station.database.session() as session:
        return open_case(session, station.settings, template, "张三",
                         arrived_at=datetime.now(UTC), arrival_mode="summoned", actor="duty",
                         today=station.today()).start_code


def through_identity(station: Station, template: str = "minor-assault") -> PartySession:
    party = PartySession.resume(station, opened(station, template))
    assert party.state().position == LANGUAGE
    assert party.choose_language("zh").position == TERMS_STEP
    assert party.acknowledge_terms().position == RIGHTS_STEP
    assert party.acknowledge_rights().position == CONSENT
    assert party.consent(True).position == IDENTITY
    answers = sample_file(station, template)
    state = party.confirm_identity(answers.party)
    assert state.position == "admits_facts"  # the first eligibility question
    return party


@pytest.mark.parametrize("template", ["minor-assault", "petty-theft", "property-damage"])
def test_a_whole_interview_screen_by_screen(station: Station, template: str) -> None:
    party = through_identity(station, template)
    flat = flatten_answers(party.state().interview.template, sample_file(station, template).answers)
    state = party.state()
    steps = 0
    while state.position != REVIEW:
        screen = state.screen
        assert screen is not None and screen.step == steps + 1
        state = party.answer(screen.path, flat[screen.path])
        steps += 1
    assert steps == len(state.interview.screens)
    assert party.to_signature().position == SIGNATURE
    state = party.sign(PNG, STROKES)
    assert state.position == WAITING and state.status == "submitted"


def test_back_goes_to_the_previous_question_and_resume_lands_on_the_same_screen(
        station: Station) -> None:
    party = through_identity(station)
    party.answer("admits_facts", True)
    state = party.answer("communication_disability", False)
    assert state.position == "mental_illness"
    assert party.back().position == "communication_disability"
    # the kiosk process dies here; the party comes back with the start code
    with station.database.session() as session:
        from kiosk.models import Case
        start_code = session.get(Case, party.case_id).start_code
    again = PartySession.resume(station, start_code).state()
    assert again.position == "communication_disability"
    assert again.interview.answers["admits_facts"] is True


def test_declining_consent_hands_the_case_to_the_officer(station: Station) -> None:
    party = PartySession.resume(station, opened(station))
    party.choose_language("en")
    party.acknowledge_terms()
    party.acknowledge_rights()
    state = party.consent(False)
    assert state.status == "converted" and state.position == FINISHED
    with pytest.raises(CaseNotFound):
        PartySession.resume(station, "000000")


def test_an_exclusion_ends_the_interview(station: Station) -> None:
    party = through_identity(station)
    state = party.answer("admits_facts", False)
    assert state.status == "converted" and state.position == FINISHED
    assert "不承认" in state.conversion_reason or "admit" in state.conversion_reason
    with pytest.raises(CaseError, match="converted"):
        party.answer("communication_disability", False)


@pytest.mark.parametrize(("number", "words"), [
    ("110105199005171234", "身份证"),  # a wrong check character
    ("", "证件"),                      # nothing typed
])
def test_a_refused_identity_names_its_field_and_keeps_the_party_there(
        station: Station, number: str, words: str) -> None:
    """The refusal crosses the session's transaction as itself (it used to turn into a
    FrozenInstanceError there, shown at the kiosk as "保存失败")."""
    party = PartySession.resume(station, opened(station))
    party.choose_language("zh")
    party.acknowledge_terms()
    party.acknowledge_rights()
    party.consent(True)
    raw = dict(sample_file(station, "minor-assault").party, name="张三")
    raw["document"] = {"type": "resident_id", "number": number}
    with pytest.raises(IdentityProblem) as refused:
        party.confirm_identity(raw)
    assert refused.value.field == "document"
    assert words in refused.value.messages["zh"]
    assert party.state().position == IDENTITY


def test_a_refused_answer_keeps_the_party_on_the_screen(station: Station) -> None:
    party = through_identity(station)
    with pytest.raises(AnswerRejected) as refused:
        party.answer("admits_facts", "perhaps")
    assert refused.value.messages["zh"]
    assert party.state().position == "admits_facts"


def test_returned_case_shows_the_comments_and_goes_back_to_review(station: Station) -> None:
    party = through_identity(station)
    template_answers = flatten_answers(party.state().interview.template,
                                       sample_file(station, "minor-assault").answers)
    state = party.state()
    while state.position != REVIEW:
        state = party.answer(state.position, template_answers[state.position])
    party.to_signature()
    party.sign(PNG, STROKES)
    with station.database.session() as session:
        officer = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        from kiosk.models import Case
        case = session.get(Case, party.case_id)
        return_case(session, case, officer, {"incident_place": "请写具体门牌号"},
                    today=station.today(), now=station.local_now().replace(tzinfo=None))
        start_code = case.start_code
    party = PartySession.resume(station, start_code)
    assert party.state().position == WAITING and party.state().status == "returned"
    state = party.choose_language("zh")
    assert state.position == REVIEW and state.comments == {"incident_place": "请写具体门牌号"}
    state = party.go_to("incident_place")
    state = party.answer("incident_place", "北京市朝阳区示例路1号")
    assert state.position == REVIEW  # correcting: back to the review, not the next question
    party.to_signature()
    state = party.sign(PNG, STROKES)
    assert state.status == "submitted"


def test_an_empty_or_bogus_signature_is_refused(station: Station) -> None:
    party = through_identity(station)
    with pytest.raises(CaseError, match="PNG"):
        party.sign(b"GIF89a", STROKES)
    with pytest.raises(CaseError, match="empty"):
        party.sign(PNG, [])


def test_signing_with_a_question_still_open_takes_the_party_to_it(station: Station) -> None:
    """Between the review and the signature a required question appeared (here an answer changed
    elsewhere; after an upgrade, a corrected template): signing leads to it, not to an error."""
    from kiosk.cases import find_case, save_answers
    from kiosk.models import Case, Signature
    from kiosk.sample_cases import signature_png, walk_sample_party

    start_code = opened(station)
    party = walk_sample_party(station, start_code)
    assert party.to_signature().position == SIGNATURE
    with station.database.session() as session:
        case = session.get_one(Case, party.case_id)
        save_answers(session, case, [("has_prior_record", True)], today=station.today(),
                     now=station.now().replace(tzinfo=None))
    state = party.sign(signature_png(), STROKES)
    assert state.position == "prior_record_detail"
    with station.database.session(readonly=True) as session:
        case = find_case(session, party.case_id)
        assert case.status == "in_progress" and case.submission_count == 0
        assert session.query(Signature).filter_by(case_id=case.id).count() == 0
