"""The station's app account (kiosk_app, docs/deployment/roles.sql) on the real PostgreSQL test
server: it does the product's work and adds evidence, and each statement that would rewrite or
remove evidence, or change a final case, is refused.

One database per module, set up as the guide has it (roles.sql, then `kiosk db upgrade` as
kiosk_owner), then filled by the product itself as kiosk_app: a case answered and signed at the
kiosk, its statement rendered, a photo added, another case converted (final). The test server
trusts connections from 127.0.0.1, so the accounts log in without their passwords here (the
passwords are tested in tests/test_deployment.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from postgres_server import HOST, PostgresServer
from psycopg import errors
from test_deployment import run_roles_sql

from kiosk.cases import find_case
from kiosk.db import Database
from kiosk.migrations import upgrade_database
from kiosk.review import convert_by_officer
from kiosk.sample_cases import add_sample_evidence, submitted_sample_case
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_store import publish_shipped_templates
from kiosk.users import add_user, get_user
from printer.documents import ensure_statement

pytestmark = pytest.mark.postgres

FINAL_REFUSED = "the state and decision of a final case are never changed"


@dataclass
class AppDatabase:
    server: PostgresServer
    dbname: str
    final_case: str  # the id of a converted case

    def url(self, role: str) -> str:
        return f"postgresql+psycopg://{role}@{HOST}:{self.server.port}/{self.dbname}"

    def connect_as_app(self) -> psycopg.Connection:
        return psycopg.connect(host=HOST, port=self.server.port, dbname=self.dbname,
                               user="kiosk_app", autocommit=True, connect_timeout=10)


@pytest.fixture(scope="module")
def app_database(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[AppDatabase]:
    dbname = "approle_" + uuid.uuid4().hex[:10]
    postgres.create_database(dbname)
    try:
        run_roles_sql(postgres, dbname, passwords=False)
        found = AppDatabase(postgres, dbname, final_case="")
        owner = Database(found.url("kiosk_owner"))
        try:
            upgrade_database(owner)
        finally:
            owner.dispose()
        folder = tmp_path_factory.mktemp("approle")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env.update({"KIOSK_DATABASE_URL": found.url("kiosk_app"),
                    "KIOSK_DATA_DIR": str(folder / "data"),
                    "XDG_CONFIG_HOME": str(folder / "config-home")})
        found.final_case = _the_product_at_work(open_station(env))
        yield found
    finally:
        postgres.drop_database(dbname)


def _the_product_at_work(station: Station) -> str:
    """Rows in every evidence table, and a final case, all written as kiosk_app."""
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, PROJECT_ROOT / "templates", actor="test")
            add_user(session, "legal", "correct horse", ["reviewer"], actor="test")
        case = submitted_sample_case(station)
        add_sample_evidence(station, case.code, "legal")  # a blob, its chunks, the item
        with station.database.session() as session:
            ensure_statement(session, find_case(session, case.code), station)
        other = submitted_sample_case(station, name="李四")
        with station.database.session() as session:
            convert_by_officer(session, find_case(session, other.code),
                               get_user(session, "legal"), "injury needs an expert opinion")
        return other.id
    finally:
        station.database.dispose()


EVIDENCE = ("answer_revisions", "signatures", "documents", "evidence_items", "blobs",
            "blob_chunks", "audit_events")
A_CHANGE = {"answer_revisions": "value = '\"别的地方\"'", "signatures": "submission = 9",
            "documents": "file_sha256 = repeat('0', 64)", "evidence_items": "name = 'x'",
            "blobs": "media_type = 'text/plain'", "blob_chunks": "data = '\\x00'",
            "audit_events": "actor = 'someone else'"}


def test_the_product_wrote_every_kind_of_evidence_as_the_app_account(
        app_database: AppDatabase) -> None:
    with app_database.connect_as_app() as app:
        for table in EVIDENCE:
            row = app.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert row is not None and row[0] > 0, table
        row = app.execute("SELECT status FROM cases WHERE id = %s",
                          (app_database.final_case,)).fetchone()
        assert row == ("converted",)


@pytest.mark.parametrize("table", EVIDENCE)
def test_the_app_account_may_not_change_an_evidence_row(app_database: AppDatabase,
                                                        table: str) -> None:
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute(f"UPDATE {table} SET {A_CHANGE[table]}")


@pytest.mark.parametrize("table", EVIDENCE)
def test_the_app_account_may_not_delete_an_evidence_row(app_database: AppDatabase,
                                                        table: str) -> None:
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute(f"DELETE FROM {table}")


@pytest.mark.parametrize("table", EVIDENCE)
def test_the_app_account_may_not_empty_an_evidence_table(app_database: AppDatabase,
                                                         table: str) -> None:
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("change", ["proposal = '{\"amount\": 500}'", "place = 'elsewhere'",
                                    "proposed_by = 'someone else'", "rights = '[]'"])
def test_the_app_account_may_not_change_what_a_notice_proposed(app_database: AppDatabase,
                                                               change: str) -> None:
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute(f"UPDATE penalty_notices SET {change}")


@pytest.mark.parametrize("change", [
    "status = 'in_review'",
    "decision = '{\"penalty_type\": \"fine\", \"amount\": 500}'",
    "decided_at = NULL",
])
def test_the_app_account_may_not_change_a_final_case(app_database: AppDatabase,
                                                     change: str) -> None:
    with app_database.connect_as_app() as app, \
            pytest.raises(errors.IntegrityConstraintViolation, match=FINAL_REFUSED):
        app.execute(f"UPDATE cases SET {change} WHERE id = %s", (app_database.final_case,))


def test_the_app_account_may_not_drop_the_final_case_trigger(app_database: AppDatabase) -> None:
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute("DROP TRIGGER cases_final_stays_final ON cases")
    with app_database.connect_as_app() as app, pytest.raises(errors.InsufficientPrivilege):
        app.execute("ALTER TABLE cases DISABLE TRIGGER cases_final_stays_final")


def test_the_app_account_still_changes_what_is_not_evidence(app_database: AppDatabase) -> None:
    """Within a transaction rolled back: the working state the product updates stays open."""
    with app_database.connect_as_app() as app, app.transaction(force_rollback=True):
        app.execute("UPDATE cases SET claimed_by = NULL WHERE id = %s",
                    (app_database.final_case,))
        app.execute("UPDATE users SET failed_logins = 0")
        app.execute("UPDATE audit_head SET seq = seq")
        app.execute("UPDATE station_settings SET updated_by = updated_by")
        app.execute("UPDATE penalty_notices SET reply = reply")
        app.execute("UPDATE print_jobs SET attempts = attempts")


def test_the_grants_say_so_table_by_table(app_database: AppDatabase) -> None:
    with app_database.server.connect(app_database.dbname) as conn:
        rows = conn.execute(
            "SELECT tablename, has_table_privilege('kiosk_app', 'public.' || tablename, "
            "'UPDATE') FROM pg_tables WHERE schemaname = 'public'").fetchall()
    updatable = {table for table, may in rows if may}
    assert updatable.isdisjoint(EVIDENCE)
    assert {"cases", "users", "station_settings", "print_jobs", "audit_head"} <= updatable
    assert "penalty_notices" not in updatable  # some of its columns only


