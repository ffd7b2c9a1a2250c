"""Review decisions on a real database: the chain of levels, returns, conversion, races."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from tamper import tamper_as_file_owner
from test_cases import clock, sample_file

from kiosk.answers_file import submit_answers
from kiosk.audit import verify_chain
from kiosk.cases import Conflict, find_case
from kiosk.models import AuditEvent
from kiosk.review import (
    Decision,
    ReviewError,
    approve_level,
    claim_case,
    convert_by_officer,
    mark_detention_possible,
    open_comments,
    return_case,
    review_actions,
)
from kiosk.sample_cases import decide_after_notice
from kiosk.station import Station
from kiosk.users import LoginFailed, LoginPolicy, add_user, authenticate

PASSWORD = "correct horse"
FINE = Decision("fine", "51", "如实陈述，取得谅解", amount=300)


@pytest.fixture
def officers(station: Station) -> dict[str, object]:
    with station.database.session() as session:
        for name, roles in (("duty", ["officer"]), ("legal", ["reviewer"]),
                            ("legal2", ["reviewer"]), ("head", ["approver"]),
                            ("both", ["reviewer", "approver"])):
            add_user(session, name, PASSWORD, roles, actor="test")
    return {name: authenticate(station.database, name, PASSWORD, policy=LoginPolicy(5))
            for name in ("duty", "legal", "legal2", "head", "both")}


def submitted(station: Station, template: str = "minor-assault") -> str:
    return submit_answers(station, sample_file(station, template)).code


def test_two_levels_by_their_roles_approve_with_a_decision(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        case = find_case(session, code)
        approve_level(session, case, officers["legal"], station.settings)
        assert case.status == "in_review" and case.review_level == 1
        assert case.claimed_by is None  # released for the next level's officer
    with station.database.session() as session:
        case = find_case(session, code)
        with pytest.raises(ReviewError, match="final level needs the decision"):
            approve_level(session, case, officers["head"], station.settings)
    case = decide_after_notice(station, code, officers["head"], FINE)
    assert case.status == "approved"
    assert case.decision["amount"] == 300


def test_a_level_needs_its_role(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session, pytest.raises(ReviewError, match="reviewer"):
        approve_level(session, find_case(session, code), officers["head"], station.settings)
    with station.database.session() as session, pytest.raises(ReviewError, match="reviewer"):
        approve_level(session, find_case(session, code), officers["duty"], station.settings)


def test_levels_are_decided_by_different_people(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        approve_level(session, find_case(session, code), officers["both"], station.settings)
    with station.database.session() as session, pytest.raises(ReviewError, match="different"):
        approve_level(session, find_case(session, code), officers["both"], station.settings,
                      decision=FINE)


@pytest.mark.parametrize(("decision", "message", "reason"), [
    (Decision("fine", "51", "c", amount=4000), "hearing", "amount_needs_hearing"),  # Art. 117
    (Decision("fine", "51", "c"), "amount", "amount_missing"),
    (Decision("detention", "51", "c", days=10), "outside the fast-track", "days_excluded"),
    (Decision("warning", "51", "", mitigation=("surrendered",)), "circumstances",
     "circumstances_missing"),
    (Decision("warning", "51", "c", amount=50), "only goes with a fine", "amount_not_fine"),
    (Decision("caning", "51", "c"), "unknown penalty type", "penalty_unknown"),
    (Decision("fine", "《治安管理处罚法》第四十三条", "c", amount=200), "Art. 51",
     "basis_wrong_article"),  # the 2012 numbering is obsolete
    (Decision("fine", "999", "c", amount=200), "not in the law data", "basis_unknown_article"),
    (Decision("fine", "51", "c", amount=1001), "outside PSAPL Art. 51", "penalty_out_of_range"),
    (Decision("warning", "51", "c"), "mitigation ground", "warning_needs_mitigation"),
])
def test_incomplete_or_out_of_range_decisions_are_refused(
        station: Station, officers, decision: Decision, message: str, reason: str) -> None:
    code = submitted(station)
    with station.database.session() as session:
        approve_level(session, find_case(session, code), officers["legal"], station.settings)
    with station.database.session() as session, \
            pytest.raises(ReviewError, match=message) as refused:
        approve_level(session, find_case(session, code), officers["head"], station.settings,
                      decision=decision)
    assert refused.value.reason == reason  # for the console to word in its own language


def test_return_with_comments_then_correct_and_resubmit(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        case = find_case(session, code)
        return_case(session, case, officers["legal"], {"incident_place": "请写明具体地址"},
                    **clock(station))
        assert case.status == "returned"
    with station.database.session() as session:
        case = find_case(session, code)
        comments = open_comments(session, case)
        assert [(c.path, c.text) for c in comments] == [("incident_place", "请写明具体地址")]
    # The party corrects just that answer and submits again: back to level 1.
    from kiosk.cases import save_answers, start_interview, submit_case
    with station.database.session() as session:
        case = find_case(session, code)
        start_interview(session, case)
        save_answers(session, case, [("incident_place", "北京市朝阳区示例路1号门口")],
                     **clock(station))
        submit_case(session, case, **clock(station))
        assert case.status == "submitted" and case.submission_count == 2
    with station.database.session() as session:
        case = find_case(session, code)
        approve_level(session, case, officers["legal"], station.settings)
    decide_after_notice(station, code, officers["head"], FINE)


def test_a_claimed_case_is_only_taken_over_on_purpose(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        claim_case(session, find_case(session, code), officers["legal"])
    with station.database.session() as session, \
            pytest.raises(ReviewError, match="reviewed by legal") as refused:
        approve_level(session, find_case(session, code), officers["legal2"], station.settings)
    assert refused.value.reason == "claimed_by_other"
    assert refused.value.values == {"code": code, "user": "legal"}
    with station.database.session() as session:
        case = find_case(session, code)
        approve_level(session, case, officers["legal2"], station.settings, take_over=True)
        actions = [(a.action, a.actor, a.details.get("from"))
                   for a in review_actions(session, case)]
    assert ("taken_over", "legal2", "legal") in actions


def test_return_comments_must_name_questions_of_the_case(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session, pytest.raises(ReviewError, match="not a "):
        return_case(session, find_case(session, code), officers["legal"],
                    {"no_such_question": "x"}, **clock(station))


def test_convert_needs_a_reason_and_ends_the_case(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        case = find_case(session, code)
        convert_by_officer(session, case, officers["duty"], "当事人对事实有异议")
        assert case.status == "converted"
    with station.database.session() as session, pytest.raises(ReviewError, match="is converted"):
        approve_level(session, find_case(session, code), officers["legal"], station.settings)


def test_any_deciding_officer_marks_detention_possible_without_claiming(
        station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        claim_case(session, find_case(session, code), officers["legal"])
    with station.database.session() as session:  # legal2 does not need the case for this
        case = find_case(session, code)
        mark_detention_possible(session, case, officers["legal2"], station.settings)
        assert case.detention_possible and case.claimed_by == "legal"
    with station.database.session() as session:
        add_user(session, "clerk", PASSWORD, ["admin"], actor="test")
    clerk = authenticate(station.database, "clerk", PASSWORD, policy=LoginPolicy(5))
    with station.database.session() as session, pytest.raises(ReviewError) as refused:
        mark_detention_possible(session, find_case(session, code), clerk, station.settings,
                                False)
    assert str(refused.value) == ("clerk may not mark whether detention is possible: it needs "
                                  "one of the roles approver, county_approver, officer, reviewer")
    assert refused.value.reason == "role_needed"
    assert refused.value.values == {"user": "clerk", "action": "detention",
                                    "roles": ["approver", "county_approver", "officer", "reviewer"]}
    with station.database.session() as session:
        events = [e for e in session.query(AuditEvent).filter_by(action="case.detention_possible")]
        assert [(e.actor, e.payload["detention_possible"]) for e in events] == [("legal2", True)]


def test_a_stale_view_is_refused(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        seen = find_case(session, code).lock_version
    with station.database.session() as session:
        claim_case(session, find_case(session, code), officers["legal2"])
    with station.database.session() as session, pytest.raises(Conflict, match="legal2"):
        approve_level(session, find_case(session, code), officers["legal"], station.settings,
                      expected_version=seen)


def test_of_two_officers_deciding_at_once_exactly_one_succeeds(station: Station,
                                                               officers) -> None:
    """Both saw the same case and decide at once: only the first decision lands.

    On PostgreSQL both transactions really overlap (a barrier after both have read the case), so
    the database's version check decides; SQLite serialises writers, so the second sees a changed
    version instead. Either way exactly one succeeds.
    """
    code = submitted(station)
    with station.database.session() as session:
        seen = find_case(session, code).lock_version
    overlap = station.database.dialect == "postgresql"
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user_name: str, action: str) -> None:
        try:
            with station.database.session() as session:
                case = find_case(session, code)
                if overlap:
                    barrier.wait(timeout=10)
                if action == "approve":
                    approve_level(session, case, officers[user_name], station.settings,
                                  expected_version=seen)
                else:
                    convert_by_officer(session, case, officers[user_name], "异议",
                                       expected_version=seen)
            outcomes.append("ok")
        except (Conflict, StaleDataError, ReviewError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=decide, args=("legal", "approve")),
               threading.Thread(target=decide, args=("duty", "convert"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    with station.database.session() as session:
        case = find_case(session, code)
        assert case.status in ("in_review", "converted")


def test_wrong_password_and_lockout_are_audited(station: Station, officers) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed, match="wrong"):
            authenticate(station.database, "legal", "nope-nope", policy=LoginPolicy(5))
    with pytest.raises(LoginFailed, match="locked"):
        authenticate(station.database, "legal", PASSWORD, policy=LoginPolicy(5))
    with station.database.session() as session:
        actions = [e.action for e in session.query(AuditEvent).filter_by(actor="legal")]
    assert actions.count("login.failed") == 6


def test_tampering_with_the_audit_trail_is_found(station: Station, officers) -> None:
    code = submitted(station)
    with station.database.session() as session:
        approve_level(session, find_case(session, code), officers["legal"], station.settings)
    with station.database.session() as session:
        assert verify_chain(session).is_intact
        tamper_as_file_owner(session)  # the evidence triggers refuse the program (0014)
        session.execute(update(AuditEvent).where(AuditEvent.action == "review.approved")
                        .values(actor="head"))
    with station.database.session() as session:
        report = verify_chain(session)
    assert not report.is_intact and "changed" in report.problem


def test_a_removed_head_is_found_and_blocks_further_events(station: Station) -> None:
    from kiosk.audit import AuditChainBroken, record_event
    from kiosk.models import AuditHead
    with station.database.session() as session:
        session.query(AuditHead).delete()
    with station.database.session() as session:
        report = verify_chain(session)
        assert not report.is_intact and "head" in report.problem
    with pytest.raises(AuditChainBroken), station.database.session() as session:
        record_event(session, "x", "test")


def test_a_locked_account_is_unlocked_by_a_password_reset(station: Station, officers) -> None:
    from kiosk.users import enable_user, reset_password
    for _ in range(6):
        with pytest.raises(LoginFailed):
            authenticate(station.database, "head", "wrong-password", policy=LoginPolicy(5))
    with station.database.session() as session:
        user = reset_password(session, "head", "temporary-1", actor="admin")
        assert user.must_change_password
    assert authenticate(station.database, "head", "temporary-1", policy=LoginPolicy(5))
    with station.database.session() as session:
        from kiosk.users import disable_user
        disable_user(session, "duty", actor="admin")
    with pytest.raises(LoginFailed, match="disabled"):
        authenticate(station.database, "duty", PASSWORD, policy=LoginPolicy(5))
    with station.database.session() as session:
        enable_user(session, "duty", actor="admin")
    assert authenticate(station.database, "duty", PASSWORD, policy=LoginPolicy(5))
