"""Who decides (PSAPL Art. 109): a warning or a fine up to 1,000 yuan is the station's; any
detention or a larger fine adds the county-level organ's level after the station's chain, and
the decision is issued in that organ's name. The station's last level proposes and hears the
party (Art. 112); the county level decides."""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.audit import case_events
from kiosk.cases import find_case
from kiosk.document_numbers import COUNTY, DECISION, STATION, next_number, number_decision
from kiosk.models import Case, User
from kiosk.review import (
    Decision,
    ReviewError,
    approve_level,
    chain_of,
    days_held,
    review_actions,
)
from kiosk.sample_cases import (
    answer_sample_notice,
    corroborate_case,
    county_approver,
    decide_after_notice,
    submitted_sample_case,
)
from kiosk.settings import SettingsError, load_settings
from kiosk.station import Station
from kiosk.users import add_user
from printer.documents import export_documents

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def reviewed(station: Station, template_id: str) -> tuple[str, User]:
    """A submitted case whose first level is approved; returns its code and the station head."""
    code = submitted_sample_case(station, template_id).code
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), legal, station.settings)
    return code, head


def roles_that_approved(station: Station, code: str) -> list[str | None]:
    with station.database.session(readonly=True) as session:
        return [a.role for a in review_actions(session, find_case(session, code))
                if a.action == "approved"]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")


def test_a_1200_yuan_fine_goes_to_the_county_level_and_prints_the_organs_name(
        station: Station, tmp_path: Path) -> None:
    code, head = reviewed(station, "petty-theft")
    corroborate_case(station, code, "head")
    from kiosk import penalty_notice

    with station.database.session() as session:
        case = find_case(session, code)
        penalty_notice.propose(session, case, head, station.settings,
                               Decision("fine", "58", "如实陈述", amount=1200))
        case_id = case.id
        # Art. 109: the case now has the county organ's level after the station's two.
        assert chain_of(session, case, station.settings) == (
            "reviewer", "approver", "county_approver")
    answer_sample_notice(station, case_id)
    with station.database.session() as session:
        case = approve_level(session, find_case(session, code), head, station.settings)
        assert (case.status, case.review_level, case.decision) == ("in_review", 2, None)
    county = county_approver(station)
    with station.database.session() as session:
        case = approve_level(session, find_case(session, code), county, station.settings)
        assert case.status == "approved"
        assert case.decision["authority"] == "county" and case.decision["amount"] == 1200
    assert roles_that_approved(station, code) == ["reviewer", "approver", "county_approver"]
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    assert "处罚款人民币1200元" in text
    assert station.settings.county_organ_name in text


@pytest.mark.parametrize(("amount", "levels"), [
    (1000, ["reviewer", "approver"]),                     # the station's bound (Art. 109)
    (1001, ["reviewer", "approver", "county_approver"]),  # one yuan more: the county's
])
def test_the_county_level_begins_one_yuan_above_1000(
        station: Station, amount: int, levels: list[str]) -> None:
    code, head = reviewed(station, "petty-theft")
    decided = decide_after_notice(station, code, head, Decision("fine", "58", "如实陈述",
                                                                amount=amount))
    assert decided.status == "approved"
    assert roles_that_approved(station, code) == levels


def test_detention_of_one_day_always_goes_to_the_county_level(station: Station) -> None:
    code, head = reviewed(station, "minor-assault")
    decided = decide_after_notice(station, code, head, Decision("detention", "51", "情节较轻",
                                                                days=1))
    assert decided.decision["authority"] == "county"
    assert roles_that_approved(station, code) == ["reviewer", "approver", "county_approver"]


def test_the_station_passes_nothing_up_before_the_party_answered(station: Station) -> None:
    """Art. 112 before Art. 109: the county organ decides only a penalty the party heard of."""
    code, head = reviewed(station, "minor-assault")
    corroborate_case(station, code, "head")
    from kiosk import penalty_notice

    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, code), head, station.settings,
                               Decision("detention", "51", "情节较轻", days=2))
    with station.database.session() as session, pytest.raises(ReviewError) as refused:
        approve_level(session, find_case(session, code), head, station.settings)
    assert refused.value.reason == "notice_unanswered"
    county = county_approver(station)
    with station.database.session() as session, pytest.raises(ReviewError) as refused:
        approve_level(session, find_case(session, code), county, station.settings)
    assert refused.value.reason.startswith("level_role_needed")  # the station's level first
    with station.database.session(readonly=True) as session:
        assert find_case(session, code).review_level == 1  # nothing written


def test_the_county_level_is_not_a_station_setting() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"review_chain": ["reviewer", "county_approver"]}, env={})
    assert refused.value.reason == "county_level_in_chain"


# -- the document number (文号): per organ, per year, per kind (PSAPL Art. 109, 115) ----------


def decided_number(station: Station, decision: Decision, template_id: str = "minor-assault",
                   *, first: bool = True) -> str:
    """A case decided as `decision`; its document number. Officers are added on the first."""
    code = submitted_sample_case(station, template_id).code
    with station.database.session() as session:
        if first:
            add_user(session, "legal", "password-1", ["reviewer"], actor="test")
            add_user(session, "head", "password-2", ["approver"], actor="test")
        legal, head = (session.execute(select(User).where(User.username == name)).scalar_one()
                       for name in ("legal", "head"))
        approve_level(session, find_case(session, code), legal, station.settings)
    case = decide_after_notice(station, code, head, decision)
    assert case.decision_number
    return case.decision_number


def test_two_decisions_of_a_year_get_consecutive_numbers_and_the_county_its_own(
        station: Station, tmp_path: Path) -> None:
    year = station.today().year
    fine = Decision("fine", "51", "如实陈述，取得谅解", amount=300)
    assert decided_number(station, fine) == f"示例公（治）决字〔{year}〕第00001号"
    assert decided_number(station, fine, first=False) == f"示例公（治）决字〔{year}〕第00002号"
    # Art. 109: detention is the county organ's, numbered in its own series from 1.
    detention = decided_number(station, Decision("detention", "51", "情节较轻", days=2),
                               first=False)
    assert detention == f"示公（治）决字〔{year}〕第00001号"
    with station.database.session(readonly=True) as session:
        case = session.execute(select(Case).where(Case.decision_number == detention)).scalar_one()
        code = case.code
        numbered = [e.payload.get("decision_number") for e in case_events(session, case.id)
                    if e.action == "review.approved"]
    assert numbered[-1] == detention  # audited with the decision
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    assert detention in text  # printed instead of the case code


def test_a_new_year_on_the_station_calendar_restarts_the_numbers(station: Station) -> None:
    """00:30 on 1 January in Beijing is still 31 December in UTC: the year is the station's."""
    settings = station.settings
    with station.database.session() as session:
        last_of_2026 = number_decision(session, settings, STATION,
                                       datetime(2026, 12, 31, 15, 59, tzinfo=UTC))
        again = number_decision(session, settings, STATION,
                                datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC))
        first_of_2027 = number_decision(session, settings, STATION,
                                        datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    assert last_of_2026 == "示例公（治）决字〔2026〕第00001号"
    assert again == "示例公（治）决字〔2026〕第00002号"
    assert first_of_2027 == "示例公（治）决字〔2027〕第00001号"


def test_concurrent_decisions_never_share_a_number(station: Station) -> None:
    """Eight decisions drawn at once, each transaction held open a moment so they overlap:
    they wait for each other (a row lock on PostgreSQL, the write lock on SQLite)."""
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def decide_one() -> None:
        try:
            start.wait()
            with station.database.session() as session:
                numbers.append(next_number(session, COUNTY, 2026, DECISION))
                time.sleep(0.05)  # the rest of the decision's transaction
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 9))  # none shared, none skipped


def test_a_decision_rolled_back_gives_its_number_back(station: Station) -> None:
    with pytest.raises(RuntimeError), station.database.session() as session:
        next_number(session, STATION, 2026, DECISION)
        raise RuntimeError("the decision failed after its number was drawn")
    with station.database.session() as session:
        assert next_number(session, STATION, 2026, DECISION) == 1  # no gap


# -- the delivery receipt (送达回执, PSAPL Art. 116) ---------------------------------------


def test_the_delivery_receipt_lists_the_decision_served_and_leaves_the_time_for_the_pen(
        station: Station, tmp_path: Path) -> None:
    number = decided_number(station, Decision("fine", "51", "如实陈述，取得谅解", amount=300))
    with station.database.session(readonly=True) as session:
        code = session.execute(select(Case.code).where(Case.decision_number == number)
                               ).scalar_one()
    written, pending = export_documents(station, code, tmp_path)
    receipt = next(p for p in written if p.name.endswith("-delivery-receipt.pdf"))
    text = pdf_text(receipt)
    for item in ("送达回执", station.settings.station_name,          # the organ and the place
                 "张三",                                              # the person served
                 "行政处罚决定书", number, "1份",                      # what was served
                 "第一百一十六条",                                    # Art. 116, on the spot
                 "______年____月____日____时____分",                   # the time, for the pen
                 "受送达人签名", "送达人签名"):
        assert item in text, item
    assert "delivery-receipt" not in pending


# -- 折抵: days already held count against the detention (PSAPL Art. 110) -------------------


@pytest.mark.parametrize(("held_for", "mode", "days"), [
    (timedelta(hours=23, minutes=59, seconds=59), "summoned", 0),  # not yet a whole day
    (timedelta(hours=24), "summoned", 1),                          # the bound
    (timedelta(hours=47, minutes=59), "brought", 1),
    (timedelta(hours=48), "brought", 2),
    (timedelta(hours=30), "came_in", 0),  # came in by themselves: not held
])
def test_the_days_held_are_whole_days_from_the_arrival(held_for: timedelta, mode: str,
                                                       days: int) -> None:
    now = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    assert days_held(Case(arrived_at=now - held_for, arrival_mode=mode), now) == days


def test_a_day_held_counts_against_the_detention_and_is_printed(
        station: Station, tmp_path: Path) -> None:
    code, head = reviewed(station, "minor-assault")
    with station.database.session() as session:
        case = find_case(session, code)
        case.arrived_at = datetime.now(UTC) - timedelta(hours=25)  # summoned and kept
    too_many = Decision("detention", "51", "情节较轻", days=3, offset_days=2)
    with station.database.session() as session, pytest.raises(ReviewError) as refused:
        from kiosk import penalty_notice

        penalty_notice.propose(session, find_case(session, code), head, station.settings,
                               too_many)
    assert refused.value.reason == "offset_exceeds_held" and refused.value.values["held"] == 1
    decided = decide_after_notice(station, code, head, Decision(
        "detention", "51", "情节较轻", days=3, offset_days=1))
    assert decided.decision["offset_days"] == 1
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    assert "处行政拘留3日" in text and "第一百一十条，折抵行政拘留1日" in text


def test_days_held_count_only_against_detention(station: Station) -> None:
    with pytest.raises(ReviewError) as refused:
        Decision("fine", "51", "c", amount=300, offset_days=1).checked(station.settings,
                                                                       "assault")
    assert refused.value.reason == "offset_not_detention"
    with pytest.raises(ReviewError) as refused:
        Decision("detention", "51", "c", days=2, offset_days=3).checked(station.settings,
                                                                        "assault")
    assert refused.value.reason == "offset_exceeds_days"


def test_the_document_numbers_migrate_on_both_databases(database_url: str) -> None:
    """0011 -> 0013: cases decided before keep no number (their decision keeps the case code it
    was printed with); the sequences start empty."""
    from sqlalchemy import inspect

    from kiosk.db import Database
    from kiosk.migrations import current_revision, upgrade_database

    database = Database(database_url)
    try:
        upgrade_database(database, "0011")
        assert "document_number_sequences" not in inspect(database.engine).get_table_names()
        upgrade_database(database, "0013")
        assert current_revision(database) == "0013"
        columns = {c["name"] for c in inspect(database.engine).get_columns("cases")}
        assert "decision_number" in columns
        with database.session() as session:
            assert next_number(session, STATION, 2026, DECISION) == 1
    finally:
        database.dispose()
