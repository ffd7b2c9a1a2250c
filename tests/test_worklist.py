"""What the console reads: the queue's rows, urgency, one case in full, and the change feed."""

from __future__ import annotations

import select as selectors
from datetime import UTC, datetime, timedelta

import pytest
from shipped import shipped_version
from sqlalchemy import update
from tamper import tamper_as_file_owner

from kiosk.cases import convert_case, find_case, set_detention_possible
from kiosk.changes import PostgresListener, changes_since, latest_seq
from kiosk.models import Case
from kiosk.sample_cases import open_sample_case, submitted_sample_case, walk_sample_party
from kiosk.station import Station
from kiosk.worklist import Urgency, case_detail, queue_rows, urgency

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("hours_left", "expected"), [
    (47, Urgency.CALM), (12.5, Urgency.CALM), (12, Urgency.NEAR), (4.8, Urgency.URGENT),
    (0.1, Urgency.URGENT), (0, Urgency.OVERDUE), (-3, Urgency.OVERDUE)])
def test_urgency_is_the_share_of_the_limit_left(hours_left: float, expected: Urgency) -> None:
    due = NOW + timedelta(hours=hours_left)
    assert urgency(NOW, due - timedelta(hours=48), due) is expected


def test_the_queue_holds_open_work_and_what_was_decided_in_the_last_day(station: Station) -> None:
    waiting = submitted_sample_case(station, name="甲")
    answering = open_sample_case(station, name="乙")
    decided_today = open_sample_case(station, name="丙")
    decided_long_ago = open_sample_case(station, name="丁")
    with station.database.session() as session:
        for case_id in (decided_today.id, decided_long_ago.id):
            convert_case(session, find_case(session, case_id), "不认错", actor="duty")
        tamper_as_file_owner(session)  # a final case's decision time never changes (0014)
        session.execute(update(Case).where(Case.id == decided_long_ago.id)
                        .values(decided_at=datetime.now(UTC) - timedelta(days=3)))
    with station.database.session(readonly=True) as session:
        rows = {row.party_name: row for row in queue_rows(session, now=datetime.now(UTC))}
        only = queue_rows(session, now=datetime.now(UTC), case_ids=[decided_long_ago.id])
    assert set(rows) == {"甲", "乙", "丙"}
    assert rows["甲"].status == "submitted" and rows["甲"].waiting_since() == \
        rows["甲"].submitted_at
    assert rows["乙"].waiting_since() == rows["乙"].arrived_at
    assert rows["丙"].is_final and not rows["甲"].is_final
    assert rows["甲"].title("en") == "Assault (minor)"
    assert [row.case_id for row in only] == [decided_long_ago.id]  # asked for by id: any state
    assert waiting.id in {row.case_id for row in rows.values()}
    assert answering.id == rows["乙"].case_id


def test_the_feed_names_every_case_changed_since_a_point(station: Station) -> None:
    first = open_sample_case(station, name="甲")
    with station.database.session(readonly=True) as session:
        mark = latest_seq(session)
    second = open_sample_case(station, name="乙")
    walk_sample_party(station, first.start_code, questions=2, name="甲")
    with station.database.session(readonly=True) as session:
        seq, changed = changes_since(session, mark)
        assert changes_since(session, seq) == (seq, set())
    assert changed == {first.id, second.id} and seq > mark


def test_case_detail_tells_where_the_party_is(station: Station) -> None:
    case = open_sample_case(station, name="甲")
    walk_sample_party(station, case.start_code, questions=3, name="甲")
    with station.database.session(readonly=True) as session:
        detail = case_detail(session, case.code, station.settings, language="en",
                             today=station.today(), now=station.now(),
                             local_now=station.local_now())
    assert detail.step is not None and detail.step.number == 4
    assert detail.step.total == len(detail.answers)
    assert [line.item.path for line in detail.eligibility][:1] == ["admits_facts"]
    answered = [line for line in detail.answers if line.revisions]
    assert len(answered) == 3 and answered[0].revisions[0].given_by == "party"
    assert detail.audit[0]["action"] == "case.opened"
    assert "answers.saved" in {e["action"] for e in detail.audit}


@pytest.mark.postgres
def test_a_commit_notifies_listeners_and_a_rollback_does_not(station: Station) -> None:
    if station.database.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite is polled (tests/ui/test_officer.py)")
    listener = PostgresListener(station.settings.resolved_database_url)
    listener.connect()
    try:
        case = open_sample_case(station, name="甲")
        assert selectors.select([listener.fileno()], [], [], 10)[0], "no notification came"
        assert case.id in listener.drain().case_ids
        with pytest.raises(RuntimeError), station.database.session() as session:
            find_case(session, case.id).party_name = "乙"
            session.flush()
            raise RuntimeError("the officer's change fails half-way")
        assert not selectors.select([listener.fileno()], [], [], 0.5)[0]
        assert listener.drain().case_ids == set()
    finally:
        listener.close()


def test_detention_possible_reaches_the_queue_the_case_view_and_the_feed(
        station: Station) -> None:
    case = open_sample_case(station, name="甲")
    with station.database.session(readonly=True) as session:
        mark = latest_seq(session)
        [row] = queue_rows(session, now=datetime.now(UTC), case_ids=[case.id])
    assert not row.detention_possible
    assert row.limits(station.settings).questioning_ends == row.arrived_at + timedelta(hours=8)
    with station.database.session() as session:
        set_detention_possible(session, find_case(session, case.id), station.settings, True,
                               actor="legal")
    with station.database.session(readonly=True) as session:
        assert changes_since(session, mark)[1] == {case.id}  # consoles re-read the case
        [row] = queue_rows(session, now=datetime.now(UTC), case_ids=[case.id])
        detail = case_detail(session, case.code, station.settings, language="zh",
                             today=station.today(), now=station.now(),
                             local_now=station.local_now())
    assert row.detention_possible
    assert row.limits(station.settings).questioning_ends == row.arrived_at + timedelta(hours=24)
    assert detail.questioning_ends == row.arrived_at + timedelta(hours=24)
    assert detail.limits.questioning_hours == 24
    assert detail.detention_marked is not None and detail.detention_marked[0] == "legal"
    with station.database.session() as session:
        set_detention_possible(session, find_case(session, case.id), station.settings, False,
                               actor="legal")
    with station.database.session(readonly=True) as session:
        detail = case_detail(session, case.code, station.settings, language="zh",
                             today=station.today(), now=station.now(),
                             local_now=station.local_now())
    assert detail.detention_marked is None and detail.limits.questioning_hours == 8


@pytest.mark.postgres
def test_marking_detention_possible_notifies_listeners(station: Station) -> None:
    if station.database.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite is polled (tests/ui/test_officer.py)")
    case = open_sample_case(station, name="甲")
    listener = PostgresListener(station.settings.resolved_database_url)
    listener.connect()
    try:
        with station.database.session() as session:
            set_detention_possible(session, find_case(session, case.id), station.settings, True,
                                   actor="legal")
        assert selectors.select([listener.fileno()], [], [], 10)[0], "no notification came"
        assert listener.drain().case_ids == {case.id}
    finally:
        listener.close()


def test_case_detail_gives_the_templates_calculated_values(station: Station) -> None:
    from kiosk.settings import PROJECT_ROOT
    from kiosk.template_edit import TemplateDocument
    from kiosk.template_loader import parse_template
    from kiosk.template_model import QuestionType
    from kiosk.template_store import publish_source

    shipped = (PROJECT_ROOT / "templates" / "questions" / "minor-assault.yaml").read_text("utf-8")
    version = shipped_version("minor-assault")
    document = TemplateDocument(shipped.replace(f"version: {version}\n",
                                                f"version: {version + 1}\n", 1))
    questions = document.path_of("hit_count")[:-1]
    path = document.add_question(questions, "hits_doubled", QuestionType.CALCULATE)
    document.set(path, "calculation", "hit_count * 2")
    for language, name in (("zh", "下数的两倍"), ("en", "Twice the hits")):
        document.set_text(path, "prompt", language, name)
    source = document.source()
    with station.database.session() as session:
        publish_source(session, parse_template(source, "next version"), source, actor="admin")
    case = submitted_sample_case(station, "minor-assault")
    with station.database.session(readonly=True) as session:
        detail = case_detail(session, case.code, station.settings, language="zh",
                             today=station.today(), now=station.now(),
                             local_now=station.local_now())
    hits = next(line for line in detail.answers if line.item.path == "hit_count")
    assert ("下数的两倍", str(2 * int(hits.revisions[-1].value))) in detail.calculated
