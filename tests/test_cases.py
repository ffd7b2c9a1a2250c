"""Cases on a real database (SQLite and PostgreSQL): codes, fixed steps, answers, submission."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.answers_file import AnswersFileError, parse_answers_file, submit_answers
from kiosk.audit import canonical_json, verify_chain
from kiosk.cases import (
    AnswerRejected,
    CaseError,
    IdentityProblem,
    Incomplete,
    acknowledge_rights,
    answer_history,
    convert_case,
    current_answers,
    deadlines,
    find_by_start_code,
    find_case,
    open_case,
    record_consent,
    record_identity,
    save_answers,
    set_detention_possible,
    start_interview,
    submit_case,
)
from kiosk.codes import is_valid_case_code, parse_case_code
from kiosk.models import AnswerRevision, Case
from kiosk.samples import sample_answers, sample_party
from kiosk.station import Station
from kiosk.template_store import get_version, template_of

TEMPLATES = ["minor-assault", "petty-theft", "property-damage"]


def open_new(station: Station, template: str = "minor-assault", name: str = "张三") -> Case:
    with station.database.session() as session:
        return open_case(session, station.settings, template, name,
                         arrived_at=datetime.now(UTC) - timedelta(minutes=20),
                         arrival_mode="summoned", actor="duty", today=station.today())


def sample_file(station: Station, template_id: str, language: str = "zh"):
    with station.database.session() as session:
        template = template_of(get_version(session, template_id))
    return parse_answers_file(canonical_json(
        sample_answers(template, language, today=station.today())))


def ready_to_answer(session, case: Case, station: Station) -> None:
    """The fixed steps before the questions: start, consent, rights, identity."""
    start_interview(session, case)
    record_consent(session, case, consents=True)
    acknowledge_rights(session, case)
    record_identity(session, case, sample_party("zh"), today=station.today())


def clock(station: Station) -> dict:
    return {"today": station.today(), "now": station.local_now().replace(tzinfo=None)}


def test_open_case_gives_valid_unique_codes(station: Station) -> None:
    first, second = open_new(station), open_new(station, name="李四")
    for case in (first, second):
        assert len(case.code) == 27 and case.code.isdigit()
        assert is_valid_case_code(case.code)
        parts = parse_case_code(case.code)
        assert parts.department == station.settings.department_code
        assert parts.action_type == station.settings.action_type_code
        assert len(case.start_code) == 6
    assert parse_case_code(second.code).sequence == parse_case_code(first.code).sequence + 1
    assert first.start_code != second.start_code


def test_concurrent_openings_never_share_a_code(station: Station) -> None:
    codes: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                codes.append(open_new(station).code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(codes) == 30 and len(set(codes)) == 30
    assert sorted(parse_case_code(c).sequence for c in codes) == list(range(1, 31))


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_each_sample_submits(station: Station, template_id: str) -> None:
    case = submit_answers(station, sample_file(station, template_id))
    with station.database.session() as session:
        stored = find_case(session, case.code)
        assert stored.status == "submitted"
        assert stored.submission_count == 1
        assert stored.party["sex"] == "male" and stored.party["birth_date"] == "1990-05-17"
        assert stored.consent_at and stored.rights_acknowledged_at
        assert current_answers(session, stored.id)


def test_start_code_finds_the_open_case_only(station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session:
        assert find_by_start_code(session, case.start_code).id == case.id


def test_declining_consent_converts_the_case(station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session:
        current = find_case(session, case.code)
        start_interview(session, current)
        record_consent(session, current, consents=False)
        assert current.status == "converted"
        assert "declined" in current.conversion_reason


def test_identity_must_match_the_opened_case(station: Station) -> None:
    case = open_new(station, name="王五")
    with station.database.session() as session:
        current = find_case(session, case.code)
        start_interview(session, current)
        with pytest.raises(IdentityProblem) as wrong_name:
            record_identity(session, current, sample_party("zh"), today=station.today())
        assert wrong_name.value.field == "name"
        party = dict(sample_party("zh"), name="王 五")
        party["document"] = {"type": "resident_id", "number": "110105199005171234"}
        with pytest.raises(IdentityProblem) as wrong_number:
            record_identity(session, current, party, today=station.today())
        assert wrong_number.value.field == "document"
        assert "身份证" in wrong_number.value.messages["zh"]


def test_a_changed_answer_is_a_new_revision_and_nothing_is_lost(station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session:
        current = find_case(session, case.code)
        ready_to_answer(session, current, station)
        save_answers(session, current, [("admits_facts", True)], **clock(station))
        save_answers(session, current, [("admits_facts", True)], **clock(station))  # same: no-op
        save_answers(session, current, [("communication_disability", True)], **clock(station))
        assert current.status == "converted"  # an exclusion ends the fast-track at once
    with station.database.session() as session:
        history = answer_history(session, case.id)
        assert [(r.path, r.revision) for r in history] == [("admits_facts", 1),
                                                            ("communication_disability", 1)]


def test_revisions_are_kept(station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session:
        current = find_case(session, case.code)
        ready_to_answer(session, current, station)
        save_answers(session, current,
                     [("admits_facts", True), ("communication_disability", False)],
                     **clock(station))
        save_answers(session, current,
                     [("communication_disability", False), ("mental_illness", False)],
                     **clock(station))
    with station.database.session() as session:
        current = find_case(session, case.code)
        save_answers(session, current, [("mental_illness", True)], **clock(station))
        assert current.status == "converted"
        values = [(r.path, r.revision, r.value) for r in answer_history(session, case.id)]
    assert ("mental_illness", 1, False) in values and ("mental_illness", 2, True) in values


def test_a_refused_answer_names_the_question_and_writes_nothing(station: Station) -> None:
    case = open_new(station)
    with pytest.raises(AnswerRejected) as refused, station.database.session() as session:
        current = find_case(session, case.code)
        ready_to_answer(session, current, station)
        save_answers(session, current,
                     [("admits_facts", True), ("communication_disability", "maybe")],
                     **clock(station))
    assert refused.value.path == "communication_disability"
    assert "是" in refused.value.messages["zh"]
    with station.database.session() as session:
        assert session.query(AnswerRevision).count() == 0
        assert find_case(session, case.code).status == "opened"


def test_submit_refuses_an_incomplete_interview_and_names_what_is_missing(
        station: Station) -> None:
    case = open_new(station)
    with pytest.raises(Incomplete) as incomplete, station.database.session() as session:
        current = find_case(session, case.code)
        start_interview(session, current)
        record_consent(session, current, consents=True)
        acknowledge_rights(session, current)
        submit_case(session, current, **clock(station))
    missing = " ".join(incomplete.value.missing)
    assert "identity" in missing and "admits_facts" in missing


def test_submission_is_idempotent(station: Station) -> None:
    case = submit_answers(station, sample_file(station, "petty-theft"))
    with station.database.session() as session:
        current = find_case(session, case.code)
        version = current.lock_version
        submit_case(session, current, **clock(station))  # a retry after a lost reply
        assert current.submission_count == 1
    with station.database.session() as session:
        assert find_case(session, case.code).lock_version == version


def test_bad_answers_file_writes_nothing(station: Station) -> None:
    answers = sample_file(station, "minor-assault")
    broken = dict(answers.answers, incident_date="yesterday")
    with pytest.raises(AnswerRejected) as refused:
        submit_answers(station, parse_answers_file(canonical_json({
            "template": answers.template, "language": "zh", "consent": True,
            "rights_acknowledged": True, "party": dict(answers.party), "answers": broken})))
    assert refused.value.path == "incident_date"
    with station.database.session() as session:
        assert session.query(Case).count() == 0  # not even the case that was being opened


def test_answers_file_errors_are_clear() -> None:
    with pytest.raises(AnswersFileError, match="line 1"):
        parse_answers_file("{not json")
    with pytest.raises(AnswersFileError, match="missing key 'party'"):
        parse_answers_file('{"template": "x", "answers": {}}')
    with pytest.raises(AnswersFileError, match="unknown key"):
        parse_answers_file('{"template": "x", "party": {}, "answers": {}, "extra": 1}')


def test_minor_at_incident_is_converted(station: Station) -> None:
    answers = sample_file(station, "minor-assault")
    party = dict(answers.party)
    today = station.today()
    birth = today.replace(year=today.year - 17)
    from kiosk.samples import resident_id
    party["document"] = {"type": "resident_id", "number": resident_id(birth)}
    data = {"template": answers.template, "language": "zh", "consent": True,
            "rights_acknowledged": True, "party": party, "answers": dict(answers.answers)}
    case = submit_answers(station, parse_answers_file(canonical_json(data)))
    assert case.status == "converted"
    assert "十八" in case.conversion_reason or "18" in case.conversion_reason


def test_opening_checks_its_input(station: Station) -> None:
    with station.database.session() as session, pytest.raises(CaseError, match="arrival mode"):
        open_case(session, station.settings, "minor-assault", "张三",
                  arrived_at=datetime.now(UTC), arrival_mode="teleported", actor="duty",
                  today=station.today())
    with station.database.session() as session, pytest.raises(CaseError, match="future"):
        open_case(session, station.settings, "minor-assault", "张三",
                  arrived_at=datetime.now(UTC) + timedelta(hours=2), arrival_mode="came_in",
                  actor="duty", today=station.today())


def test_every_step_is_in_an_intact_audit_chain(station: Station) -> None:
    submit_answers(station, sample_file(station, "property-damage"))
    with station.database.session() as session:
        report = verify_chain(session)
    assert report.is_intact and report.events >= 7


def test_an_identity_that_makes_the_party_a_minor_converts_even_after_the_answers(
        station: Station) -> None:
    case = submit_answers(station, sample_file(station, "minor-assault"))
    with station.database.session() as session:
        current = find_case(session, case.code)
        # the officer returned it; the party corrects the identity to a real, younger one
        current.status = "returned"
        start_interview(session, current)
        from kiosk.samples import resident_id
        today = station.today()
        party = dict(sample_party("zh"))
        party["document"] = {"type": "resident_id",
                             "number": resident_id(today.replace(year=today.year - 16))}
        record_identity(session, current, party, today=today)
        assert current.status == "converted"
        assert "十八" in current.conversion_reason or "18" in current.conversion_reason


def test_a_passport_holder_gives_birth_date_and_sex(station: Station) -> None:
    case = open_new(station, name="John Smith")
    party = {"name": "John Smith", "nationality": "GBR",
             "document": {"type": "passport", "number": "123456789"}}
    with station.database.session() as session:
        current = find_case(session, case.code)
        start_interview(session, current)
        with pytest.raises(IdentityProblem) as missing:
            record_identity(session, current, party, today=station.today())
        assert missing.value.field == "birth_date"
        with pytest.raises(IdentityProblem) as no_sex:
            record_identity(session, current, {**party, "birth_date": "1980-02-03"},
                            today=station.today())
        assert no_sex.value.field == "sex"
        stored = record_identity(session, current, {**party, "birth_date": "1980-02-03",
                                                    "sex": "male"}, today=station.today())
        assert stored["birth_date"] == "1980-02-03" and stored["nationality"] == "GBR"


def test_answers_need_the_fixed_steps_first(station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session, pytest.raises(CaseError, match="rights"):
        current = find_case(session, case.code)
        start_interview(session, current)
        save_answers(session, current, [("admits_facts", True)], **clock(station))


def test_a_missing_consent_is_refused_not_taken_as_no() -> None:
    with pytest.raises(AnswersFileError, match="'consent' must be given"):
        parse_answers_file('{"template": "x", "party": {}, "answers": {}, '
                           '"rights_acknowledged": true}')


def test_resubmitting_a_submitted_case_changes_nothing(station: Station) -> None:
    answers = sample_file(station, "petty-theft")
    case = submit_answers(station, answers)
    again = submit_answers(station, answers, case_code=case.code)
    assert again.status == "submitted" and again.submission_count == 1


# -- the questioning limit (PR Art. 69) ----------------------------------------------------------


def _detention_events(session, case_id: str) -> list:
    from kiosk.audit import case_events

    return [e for e in case_events(session, case_id) if e.action == "case.detention_possible"]


def test_marking_detention_possible_moves_the_questioning_limit_and_is_audited(
        station: Station) -> None:
    case = open_new(station)
    settings = station.settings
    with station.database.session() as session:
        current = find_case(session, case.code)
        limits = deadlines(current, settings)
        assert not current.detention_possible  # the conservative default
        assert limits.questioning_ends == current.arrived_at + timedelta(hours=8)
        assert limits.questioning_hours == 8
        version = current.lock_version
        set_detention_possible(session, current, settings, True, actor="legal")
        session.flush()
        assert current.lock_version == version + 1  # the case row itself changed
    with station.database.session() as session:
        current = find_case(session, case.code)
        limits = deadlines(current, settings)
        assert current.detention_possible
        assert limits.questioning_ends == current.arrived_at + timedelta(hours=24)
        assert limits.questioning_hours == 24 and limits.ordinary_questioning_hours == 8
        assert limits.decision_due == current.arrived_at + timedelta(hours=48)  # unchanged
        set_detention_possible(session, current, settings, True, actor="legal2")  # no change
    with station.database.session() as session:
        [event] = _detention_events(session, case.id)
        assert event.actor == "legal"
        assert event.payload == {"detention_possible": True, "questioning_limit_hours": 24,
                                 "questioning_ends": limits.questioning_ends.isoformat()}
        set_detention_possible(session, find_case(session, case.code), settings, False,
                               actor="legal")  # reversible
    with station.database.session() as session:
        current = find_case(session, case.code)
        assert deadlines(current, settings).questioning_hours == 8
        assert [e.payload["detention_possible"] for e in _detention_events(session, case.id)] \
            == [True, False]
        assert verify_chain(session).is_intact


def test_whether_detention_is_possible_is_fixed_once_the_case_is_decided(
        station: Station) -> None:
    case = open_new(station)
    with station.database.session() as session:
        convert_case(session, find_case(session, case.code), "不认错", actor="duty")
    with station.database.session() as session, pytest.raises(CaseError) as refused:
        set_detention_possible(session, find_case(session, case.code), station.settings, True,
                               actor="legal")
    assert str(refused.value) == (f"case {case.code} is already decided (converted); whether "
                                  f"detention is possible can no longer change")
    assert refused.value.reason == "detention_case_decided"
    assert refused.value.values == {"code": case.code, "status": "converted"}
    with station.database.session(readonly=True) as session:
        assert not find_case(session, case.code).detention_possible
        assert _detention_events(session, case.id) == []


def test_refusals_name_their_rule_for_other_languages(station: Station) -> None:
    with station.database.session() as session, pytest.raises(CaseError) as refused:
        open_case(session, station.settings, "minor-assault", "张" * 70,
                  arrived_at=datetime.now(UTC), arrival_mode="came_in", actor="duty",
                  today=station.today())
    assert (refused.value.reason, refused.value.values) == ("party_name_long", {"max": 64})
    assert str(refused.value) == "the party's name is longer than 64 characters"  # as before


def test_the_detention_column_migrates_with_existing_cases(database_url: str) -> None:
    """0006 -> 0007 on SQLite and PostgreSQL: a case already there keeps the 8-hour limit."""
    from sqlalchemy import MetaData, Table, insert, inspect, select

    from kiosk.db import Database
    from kiosk.migrations import current_revision, upgrade_database
    from kiosk.models import TemplateVersion
    from kiosk.settings import PROJECT_ROOT, load_settings
    from kiosk.template_store import publish_shipped_templates

    database = Database(database_url)
    try:
        upgrade_database(database, "0006")
        columns = {c["name"] for c in inspect(database.engine).get_columns("cases")}
        assert "detention_possible" not in columns
        with database.session() as session:
            publish_shipped_templates(session, PROJECT_ROOT / "templates", actor="test")
            version = session.query(TemplateVersion).first()
            assert version is not None
            cases = Table("cases", MetaData(), autoload_with=session.connection())
            now = datetime.now(UTC)
            session.execute(insert(cases).values(
                id="00000000-0000-0000-0000-000000000007", code="1" * 27, start_code="123456",
                audit_secret="0" * 32, template_version_id=version.id, status="opened",
                language="zh", notices={}, party_name="张三", party={}, arrived_at=now,
                arrival_mode="came_in", opened_at=now, opened_by="duty", submission_count=0,
                review_level=0, lock_version=1))
        upgrade_database(database, "0007")
        assert current_revision(database) == "0007"
        with database.session(readonly=True) as session:
            cases = Table("cases", MetaData(), autoload_with=session.connection())
            assert session.execute(select(cases.c.detention_possible)).scalar_one() is False
        upgrade_database(database)  # the models read the latest schema (a later column too)
        with database.session() as session:
            case = find_case(session, "1" * 27)
            assert case.detention_possible is False
            assert deadlines(case, load_settings()).questioning_hours == 8
    finally:
        database.dispose()


def test_the_lock_end_column_migrates_with_existing_accounts(database_url: str) -> None:
    """0007 -> 0008 on SQLite and PostgreSQL: an account locked before the upgrade stays locked
    until an admin resets its password; a new lock ends by itself."""
    from sqlalchemy import MetaData, Table, insert, inspect

    from kiosk.db import Database
    from kiosk.migrations import current_revision, upgrade_database
    from kiosk.users import LoginFailed, LoginPolicy, authenticate, get_user, hash_password

    database = Database(database_url)
    try:
        upgrade_database(database, "0007")
        columns = {c["name"] for c in inspect(database.engine).get_columns("users")}
        assert "locked_until" not in columns
        with database.session() as session:
            users = Table("users", MetaData(), autoload_with=session.connection())
            for name, failures in (("locked", 5), ("duty", 0)):
                session.execute(insert(users).values(
                    username=name, display_name=name, password_hash=hash_password("password-1"),
                    roles=["officer"], is_disabled=False, must_change_password=False,
                    failed_logins=failures, created_at=datetime.now(UTC)))
        upgrade_database(database, "0008")
        assert current_revision(database) == "0008"
        policy = LoginPolicy(5, 15, "Asia/Shanghai")
        with database.session(readonly=True) as session:
            assert get_user(session, "locked").locked_until is None
        with pytest.raises(LoginFailed, match="an admin must reset"):
            authenticate(database, "locked", "password-1", policy=policy,
                         now=datetime.now(UTC) + timedelta(days=1))
        for _ in range(5):
            with pytest.raises(LoginFailed):
                authenticate(database, "duty", "wrong-password", policy=policy)
        with database.session(readonly=True) as session:
            until = get_user(session, "duty").locked_until
        assert until is not None and until.tzinfo is not None
        assert authenticate(database, "duty", "password-1", policy=policy,
                            now=until + timedelta(seconds=1))
    finally:
        database.dispose()
