"""Evidence is added, never changed: the SQLite triggers of migration 0014, and a final case's
state and decision that no UPDATE changes on either database.

(On PostgreSQL the app account's privileges refuse changing evidence: tests/test_app_role.py.)
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tamper import tamper_as_file_owner

from kiosk.cases import find_case
from kiosk.sample_cases import add_sample_evidence, submitted_sample_case
from kiosk.station import Station
from kiosk.users import add_user
from printer.documents import ensure_statement

EVIDENCE = ("answer_revisions", "signatures", "documents", "evidence_items", "blobs",
            "blob_chunks", "audit_events")
FINAL_REFUSED = "the state and decision of a final case are never changed"
# A column of each that an UPDATE would change.
A_COLUMN = {"answer_revisions": "given_by", "signatures": "submission", "documents": "pages",
            "evidence_items": "name", "blobs": "media_type", "blob_chunks": "n",
            "audit_events": "actor"}


# The triggers are SQLite's; PostgreSQL refuses by privileges (tests/test_app_role.py).
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def evidence_case(station: Station) -> str:
    """A case with a row in every evidence table: answers, a signature, a statement, a photo."""
    case = submitted_sample_case(station)
    with station.database.session() as session:
        add_user(session, "duty", "correct horse", ["officer"], actor="test")
    add_sample_evidence(station, case.code, "duty")
    with station.database.session() as session:
        ensure_statement(session, find_case(session, case.code), station)
    return case.id


def _value(table: str) -> str:
    return "0" if table in ("signatures", "documents", "blob_chunks") else "'someone else'"


@sqlite_only
@pytest.mark.parametrize("table", EVIDENCE)
def test_an_evidence_row_is_never_changed_on_sqlite(station: Station, evidence_case: str,
                                                    table: str) -> None:
    with station.database.session() as session:
        assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0
    column = A_COLUMN[table]
    with pytest.raises(DBAPIError, match=f"{table} rows are evidence: never changed"), \
            station.database.session() as session:
        session.execute(text(f"UPDATE {table} SET {column} = {_value(table)}"))


@sqlite_only
@pytest.mark.parametrize("table", EVIDENCE)
def test_an_evidence_row_is_never_deleted_on_sqlite(station: Station, evidence_case: str,
                                                    table: str) -> None:
    with station.database.session() as session:
        before = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    with pytest.raises(DBAPIError, match=f"{table} rows are evidence: never deleted"), \
            station.database.session() as session:
        session.execute(text(f"DELETE FROM {table}"))
    with station.database.session() as session:
        assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == before


@sqlite_only
def test_someone_holding_the_file_can_drop_the_triggers_which_the_tests_do_to_tamper(
        station: Station, evidence_case: str) -> None:
    with station.database.session() as session:
        triggers = session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).scalars().all()
    # All 14 are there at head: a later batch_alter_table of one of the tables would drop them.
    assert {f"evidence_no_{e}_{t}" for t in EVIDENCE for e in ("update", "delete")} <= set(
        triggers)
    with station.database.session() as session:
        tamper_as_file_owner(session)
        session.execute(text("UPDATE answer_revisions SET given_by = 'someone else'"))


def _final_case(station: Station, case_id: str) -> None:
    with station.database.session() as session:  # straight to "converted", as a fixture
        session.execute(text("UPDATE cases SET status = 'converted', decided_at = "
                             "CURRENT_TIMESTAMP WHERE id = :id"), {"id": case_id})


@pytest.mark.parametrize("change", [
    "status = 'in_review'",
    "decision = '{\"penalty_type\": \"fine\", \"amount\": 500}'",
    "decided_at = NULL",
])
def test_a_final_case_keeps_its_state_and_decision(station: Station, change: str) -> None:
    case = submitted_sample_case(station)
    _final_case(station, case.id)
    with pytest.raises(DBAPIError, match=FINAL_REFUSED), \
            station.database.session() as session:
        session.execute(text(f"UPDATE cases SET {change} WHERE id = :id"), {"id": case.id})
    with station.database.session() as session:
        row = session.execute(text("SELECT status, decision FROM cases WHERE id = :id"),
                              {"id": case.id}).one()
    assert row.status == "converted" and row.decision is None


def test_a_case_not_yet_final_and_the_other_columns_of_a_final_one_still_change(
        station: Station) -> None:
    case = submitted_sample_case(station)
    with station.database.session() as session:
        session.execute(text("UPDATE cases SET status = 'in_review' WHERE id = :id"),
                        {"id": case.id})
    _final_case(station, case.id)
    with station.database.session() as session:  # e.g. the claim released, the lock counted
        session.execute(text("UPDATE cases SET claimed_by = NULL, lock_version = lock_version "
                             "+ 1, status = status WHERE id = :id"), {"id": case.id})
