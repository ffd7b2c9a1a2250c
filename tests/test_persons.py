"""Victims and witnesses of a case (kiosk/persons.py) and the disagreements of their statements
(kiosk/facts.py), on real SQLite and PostgreSQL databases, through the core and the `kiosk`
command."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_review import submitted

from kiosk.answers_file import read_answers_file, submit_person_answers
from kiosk.audit import canonical_json, case_events, verify_chain
from kiosk.cases import CaseError, convert_case, current_answers, find_case, open_case
from kiosk.facts import approval_warnings, disagreements, resolve_disagreement
from kiosk.interview import flatten_answers
from kiosk.models import AnswerRevision, AuditEvent, Person, Signature
from kiosk.party import FINISHED, IDENTITY, LANGUAGE, REVIEW, RIGHTS_STEP, SIGNATURE
from kiosk.person_session import PersonSession
from kiosk.persons import (
    acknowledge_notice,
    add_person,
    everyone,
    find_person,
    person_interview,
    record_person_identity,
    save_person_answers,
    start_person,
    submit_person,
)
from kiosk.sample_cases import sample_photo_png
from kiosk.samples import resident_id, sample_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.template_loader import load_template_file, shipped_template_files
from printer.content import signature_of

VICTIM = "李四"
Kiosk = Callable[..., tuple[int, str, str]]


def written(station: Station) -> tuple[int, int]:
    with station.database.session(readonly=True) as session:
        return (session.scalar(select(func.count()).select_from(Person)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


def victim_file(station: Station, tmp_path: Path, template_id: str = "minor-assault-victim",
                **changed: Any) -> Path:
    """A victim's whole answers file (the sample's, named VICTIM), with some answers changed."""
    template = load_template_file(PROJECT_ROOT / f"templates/questions/{template_id}.yaml")
    data = json.loads(canonical_json(sample_answers(template, "zh", today=station.today())))
    data["party"]["name"] = VICTIM
    data["party"]["document"]["number"] = resident_id(date(1990, 6, 1), sequence=246)
    data["answers"].update(changed)
    path = tmp_path / f"{template_id}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def added(station: Station, code: str, role: str = "victim",
          template: str = "minor-assault-victim", **kwargs: Any) -> str:
    """Adds a person to the case; returns their start code."""
    with station.database.session() as session:
        case = find_case(session, code)
        return add_person(session, station.settings, case, role, template, VICTIM,
                          actor="duty", **kwargs).start_code


def test_a_victim_and_a_witness_each_get_a_start_code_of_their_own(station: Station) -> None:
    code = submitted(station)
    victim = added(station, code)
    witness = added(station, code, "witness", "witness")
    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        listed = everyone(session, case)
        assert [(p.roles, p.template) for p in listed] == [
            (("offender",), "minor-assault"), (("victim",), "minor-assault-victim"),
            (("witness",), "witness")]
        assert len({case.start_code, victim, witness}) == 3
        assert find_person(session, witness).roles == ["witness"]
        assert [e.action for e in case_events(session, case.id)].count("person.added") == 2


def test_a_mutual_fight_makes_each_side_both_offender_and_victim(station: Station) -> None:
    code = submitted(station)
    added(station, code, also_offender=True)
    with station.database.session(readonly=True) as session:
        party, other = everyone(session, find_case(session, code))
        assert set(party.roles) == set(other.roles) == {"offender", "victim"}


def test_no_person_is_added_to_a_decided_case_and_nothing_is_written(station: Station) -> None:
    code = submitted(station)
    with station.database.session() as session:
        convert_case(session, find_case(session, code), "不适用快速办理", actor="duty")
    before = written(station)
    with pytest.raises(CaseError, match="already decided") as refused:
        added(station, code)
    assert refused.value.reason == "person_case_decided"
    assert written(station) == before


@pytest.mark.parametrize(("role", "template", "reason"), [
    ("victim", "minor-assault", "person_template_role"),
    ("witness", "minor-assault-victim", "person_template_role"),
    ("judge", "witness", "person_role_unknown"),
])
def test_a_role_and_template_that_do_not_fit_are_refused(
        station: Station, role: str, template: str, reason: str) -> None:
    code = submitted(station)
    before = written(station)
    with pytest.raises(CaseError) as refused:
        added(station, code, role, template)
    assert refused.value.reason == reason
    assert written(station) == before


def test_a_victim_submits_through_the_command_line_and_the_case_lists_them(
        station: Station, kiosk_command: Kiosk, tmp_path: Path) -> None:
    code = submitted(station)
    with station.database.session(readonly=True) as session:
        offender_answers = current_answers(session, find_case(session, code).id)
    status, out, err = kiosk_command("case", "add-person", code, "--role", "victim",
                                     "--template", "minor-assault-victim", "--name", VICTIM,
                                     "--json")
    assert status == 0, err
    start_code = json.loads(out)["start_code"]
    status, out, err = kiosk_command("submit", str(victim_file(station, tmp_path)), "--case",
                                     code, "--person", start_code, "--json")
    assert status == 0, err
    assert json.loads(out)["status"] == "submitted"
    status, out, err = kiosk_command("case", "show", code, "--json")
    shown = json.loads(out)
    assert [(p["roles"], p["name"], p["status"]) for p in shown["persons"]] == [
        (["offender"], shown["party_name"], "submitted"), (["victim"], VICTIM, "submitted")]
    assert shown["disagreements"] == []  # the sample victim says what the sample party said
    victim = shown["persons"][1]
    assert victim["identity"]["name"] == VICTIM and victim["notice"] == {"victim-notice": 1}
    assert victim["statement"][0]["path"] == "duty_understood"
    assert "第七十二条" in victim["statement"][0]["question"] or \
        "虚假证言" in victim["statement"][0]["question"]
    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        assert current_answers(session, case.id) == offender_answers  # the party's, unchanged
        assert current_answers(session, case.id, shown["persons"][1]["person_id"])["injury"] \
            == "none"
        assert verify_chain(session).is_intact


def test_a_person_of_another_case_cannot_submit_under_this_one(
        station: Station, kiosk_command: Kiosk, tmp_path: Path) -> None:
    code, other = submitted(station), submitted(station)
    start_code = added(station, other)
    status, _, err = kiosk_command("submit", str(victim_file(station, tmp_path)), "--case",
                                   code, "--person", start_code)
    assert status == 1 and "is not of a person of case" in err


def test_disagreements_are_found_when_the_victim_says_otherwise_and_resolved_with_a_note(
        station: Station, kiosk_command: Kiosk, tmp_path: Path) -> None:
    code = submitted(station)  # the party says they hit once, and nobody was hurt
    start_code = added(station, code)
    status, _, err = kiosk_command(
        "submit", str(victim_file(station, tmp_path, hit_count=5, injury="bleeding",
                                  treatment="outpatient")),
        "--case", code, "--person", start_code)
    assert status == 0, err
    with station.database.session(readonly=True) as session:
        found = {d.fact: d for d in disagreements(session, find_case(session, code))}
    assert sorted(found) == ["facts.blows", "facts.injury"]
    assert [(c.name, c.value) for c in found["facts.blows"].claims][1:] == [(VICTIM, 5)]
    assert found["facts.blows"].claims[0].value == 1 and found["facts.blows"].claims[0].person_id \
        is None
    with station.database.session() as session:
        case = find_case(session, code)
        assert [d.fact for d in approval_warnings(session, case)] == ["facts.blows",
                                                                      "facts.injury"]
        with pytest.raises(CaseError) as refused:
            resolve_disagreement(session, case, "facts.blows", "  ", actor="duty")
        assert refused.value.reason == "resolution_note_empty"
        with pytest.raises(CaseError) as refused:
            resolve_disagreement(session, case, "facts.time", "一致", actor="duty")
        assert refused.value.reason == "no_disagreement"
        resolved = resolve_disagreement(session, case, "facts.blows",
                                        "监控录像显示打了五下，以被侵害人陈述为准", actor="duty")
        assert resolved.is_resolved
    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        assert [d.fact for d in approval_warnings(session, case)] == ["facts.injury"]
        assert [e.action for e in case_events(session, case.id)][-1] == "disagreement.resolved"
    status, out, _ = kiosk_command("case", "show", code, "--json")
    shown = {d["fact"]: d for d in json.loads(out)["disagreements"]}
    assert shown["facts.blows"]["resolved"] and shown["facts.blows"]["note"].startswith("监控")
    assert not shown["facts.injury"]["resolved"]


def test_a_changed_answer_needs_its_disagreement_resolved_again(station: Station,
                                                                tmp_path: Path) -> None:
    code = submitted(station)  # the kiosk's path for the correction: one answer at a time
    start_code = added(station, code)
    submit_person_answers(station, read_answers_file(victim_file(station, tmp_path,
                                                                 hit_count=3)),
                          case_code=code, start_code=start_code)
    with station.database.session() as session:
        case = find_case(session, code)
        resolve_disagreement(session, case, "facts.blows", "以录像为准", actor="duty")
        person = find_person(session, start_code)
        person.status = "in_progress"  # as if the officer returned it to be corrected
        save_person_answers(session, person, [("hit_count", 4)], today=station.today(),
                            now=station.local_now().replace(tzinfo=None))
        assert [d.fact for d in approval_warnings(session, case)] == ["facts.blows"]
        revisions = session.execute(select(AnswerRevision.revision, AnswerRevision.person_id)
                                    .where(AnswerRevision.case_id == case.id,
                                           AnswerRevision.path == "hit_count")
                                    .order_by(AnswerRevision.revision)).all()
        assert [(r, p is not None) for r, p in revisions] == [(1, False), (2, True), (3, True)]


SHIPPED = {path.stem: load_template_file(path)
           for path in shipped_template_files(PROJECT_ROOT / "templates")}


def test_each_shipped_template_says_whose_interview_it_is() -> None:
    assert {tid: t.role for tid, t in SHIPPED.items()} == {
        "minor-assault": "offender", "petty-theft": "offender", "property-damage": "offender",
        "minor-assault-victim": "victim", "petty-theft-victim": "victim",
        "property-damage-victim": "victim", "witness": "witness"}


@pytest.mark.parametrize("offender", ["minor-assault", "petty-theft", "property-damage"])
def test_a_victims_shared_facts_are_asked_of_the_offender_with_the_same_answers(
        offender: str) -> None:
    mine, theirs = SHIPPED[offender], SHIPPED[f"{offender}-victim"]
    assert {"facts.date", "facts.time", "facts.place", "facts.compensation"} \
        <= set(theirs.facts())
    for fact, path in theirs.facts().items():
        assert fact in mine.facts(), fact
        asked, answered = mine.question(mine.facts()[fact]), theirs.question(path)
        assert asked.type == answered.type, fact
        assert {c.id for c in answered.choices} <= {c.id for c in asked.choices}, fact


def test_the_witness_shares_facts_with_the_assault_template() -> None:
    assert set(SHIPPED["witness"].facts()) <= set(SHIPPED["minor-assault"].facts())


def test_template_list_says_each_templates_role(kiosk_command: Kiosk, station: Station) -> None:
    status, out, err = kiosk_command("template", "list", "--json")
    assert status == 0, err
    roles = {t["id"]: t["role"] for t in json.loads(out)}
    assert roles == {tid: t.role for tid, t in SHIPPED.items()}


def test_the_shipped_templates_validate(kiosk_command: Kiosk) -> None:
    status, out, err = kiosk_command("template", "validate",
                                     *map(str, shipped_template_files(PROJECT_ROOT
                                                                      / "templates")))
    assert status == 0, err
    assert out.count(": ok (") == len(SHIPPED)


def test_a_case_does_not_open_with_a_victims_template(station: Station) -> None:
    with station.database.session() as session, pytest.raises(CaseError) as refused:
        open_case(session, station.settings, "witness", "王五", arrived_at=datetime.now(UTC),
                  arrival_mode="came_in", actor="duty", today=station.today())
    assert refused.value.reason == "template_not_offender"


def test_a_victims_signature_is_never_taken_for_the_offenders(station: Station,
                                                              tmp_path: Path) -> None:
    code = submitted(station)
    start_code = added(station, code)
    data = json.loads(victim_file(station, tmp_path).read_text("utf-8"))
    clock = {"today": station.today(), "now": station.local_now().replace(tzinfo=None)}
    with station.database.session() as session:
        case = find_case(session, code)
        session.add(Signature(case_id=case.id, submission=case.submission_count,
                              png=b"offender", strokes=[]))
        person = find_person(session, start_code)
        start_person(session, person)
        with pytest.raises(CaseError) as refused:  # the notice comes first (PSAPL Art. 72)
            save_person_answers(session, person, [("incident_time", "14:30")], **clock)
        assert refused.value.reason == "person_notice_not_acknowledged"
        acknowledge_notice(session, person, station.settings.resolved_templates_dir)
        record_person_identity(session, person, data["party"], today=station.today())
        interview = person_interview(session, person, **clock)
        save_person_answers(session, person, flatten_answers(interview.template,
                                                             data["answers"]), **clock)
        submit_person(session, person, signature_png=sample_photo_png(8, 8), strokes=[],
                      **clock)
    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        assert signature_of(session, case).png == b"offender"
        assert find_person(session, start_code).status == "submitted"


def test_a_witness_goes_through_the_kiosk_steps_with_their_own_notice(station: Station,
                                                                      tmp_path: Path) -> None:
    """PersonSession, the kiosk's headless twin for a victim or witness: language, the notice
    of their role (PSAPL Art. 72), identity, each question, review, signature; the start code
    resumes where they were."""
    code = submitted(station)
    start_code = added(station, code, "witness", "witness")
    data = json.loads(victim_file(station, tmp_path, "witness").read_text("utf-8"))
    kiosk = PersonSession.resume(station, start_code)
    assert kiosk.state().position == LANGUAGE
    assert kiosk.choose_language("zh").position == RIGHTS_STEP
    assert kiosk.notice().id == "witness-notice"
    assert "第七十二条" in kiosk.notice().text("zh")
    assert kiosk.acknowledge_rights().position == IDENTITY
    state = kiosk.confirm_identity(data["party"])
    assert state.position == "duty_understood"
    flat = flatten_answers(state.interview.template, data["answers"])
    while not state.position.startswith("@"):
        state = kiosk.answer(state.position, flat[state.position])
    assert state.position == REVIEW
    resumed = PersonSession.resume(station, start_code)
    assert resumed.state().position == REVIEW  # the start code brings them back
    assert resumed.to_signature().position == SIGNATURE
    assert resumed.sign(sample_photo_png(8, 8), [[[0.0, 0.0, 0.0]]]).position == FINISHED
    with station.database.session(readonly=True) as session:
        person = find_person(session, start_code)
        assert person.status == "submitted" and person.notice == {"witness-notice": 1}
        assert session.scalar(select(func.count()).select_from(Signature).where(
            Signature.person_id == person.id)) == 1
        assert find_case(session, code).status == "submitted"  # the party's case is as it was


def test_the_persons_migration_goes_up_and_down(database_url: str) -> None:
    """0011 -> 0015 -> 0011 -> 0015 on SQLite and PostgreSQL: every existing answer and
    signature stays the party's (person_id NULL)."""
    from alembic import command
    from sqlalchemy import inspect

    from kiosk.db import Database
    from kiosk.migrations import alembic_config, current_revision, upgrade_database

    database = Database(database_url)
    try:
        upgrade_database(database, "0011")
        upgrade_database(database, "0015")
        tables = inspect(database.engine).get_table_names()
        assert {"persons", "disagreement_resolutions"} <= set(tables)
        for table in ("answer_revisions", "signatures"):
            column = next(c for c in inspect(database.engine).get_columns(table)
                          if c["name"] == "person_id")
            assert column["nullable"]
        command.downgrade(alembic_config(database), "0011")
        assert "persons" not in inspect(database.engine).get_table_names()
        assert "person_id" not in {c["name"] for c in
                                   inspect(database.engine).get_columns("answer_revisions")}
        upgrade_database(database, "0015")
        assert current_revision(database) == "0015"
    finally:
        database.dispose()
