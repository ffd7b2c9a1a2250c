"""The station deployment guide (docs/deployment.md), followed on a real PostgreSQL server.

The accounts and grants come from docs/deployment/roles.sql, run with psql as the guide says;
the server's pg_hba.conf gets the guide's line, so the two accounts log in with their passwords;
then the kiosk runs as the schema owner (`kiosk db upgrade`) and as the app account (everything
else), and the app account is shown to be unable to change the audit trail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from alembic.script import ScriptDirectory
from postgres_server import HOST, PostgresServer
from psycopg import errors
from shipped import shipped_version

from kiosk.cases import open_case
from kiosk.db import Database
from kiosk.guessing import pin_matches
from kiosk.migrations import SchemaOutOfDate, alembic_config, current_revision, upgrade_database
from kiosk.sample_cases import sample_photo_png
from kiosk.settings import PROJECT_ROOT
from kiosk.station import open_station

pytestmark = pytest.mark.postgres

GUIDE = PROJECT_ROOT / "docs" / "deployment.md"
ROLES_SQL = PROJECT_ROOT / "docs" / "deployment" / "roles.sql"
_VENV_KIOSK = Path(sys.executable).with_name("kiosk")
KIOSK = [str(_VENV_KIOSK)] if _VENV_KIOSK.exists() else [sys.executable, "-m", "kiosk.cli"]
# With the characters the guide says must be escaped in a database address.
OWNER_PASSWORD = "owner:P@ss/w0rd#1"
APP_PASSWORD = "app:P@ss%w0rd?&2"
OFFICER_PASSWORD = "s3cret-pass"
# What kiosk_app may add to but never change (roles.sql, kiosk_restrict_app).
EVIDENCE = ("answer_revisions", "signatures", "documents", "evidence_items", "blobs",
            "blob_chunks", "audit_events")
OUT_OF_DATE = ("the database schema is out of date and this account may not change it: run "
               "`kiosk db upgrade` as the schema owner (see docs/deployment.md)")


@dataclass
class Deployment:
    """One station database set up as the guide says, and the kiosk's ways into it."""

    server: PostgresServer
    dbname: str
    data_dir: Path
    config_home: Path

    def url(self, role: str, password: str, dbname: str | None = None) -> str:
        return (f"postgresql+psycopg://{role}:{quote(password, safe='')}@{HOST}:"
                f"{self.server.port}/{dbname or self.dbname}?connect_timeout=5")

    @property
    def owner_url(self) -> str:
        return self.url("kiosk_owner", OWNER_PASSWORD)

    @property
    def app_url(self) -> str:
        return self.url("kiosk_app", APP_PASSWORD)

    def env(self, url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env.update({"KIOSK_DATABASE_URL": url, "KIOSK_DATA_DIR": str(self.data_dir),
                    "XDG_CONFIG_HOME": str(self.config_home)})
        return env

    def kiosk(self, url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """The `kiosk` command of this installation, as a machine configured with `url`."""
        return subprocess.run([*KIOSK, *args], env=self.env(url), input=stdin,
                              capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT)

    def connect(self, role: str, password: str, dbname: str | None = None) -> psycopg.Connection:
        return psycopg.connect(host=HOST, port=self.server.port, dbname=dbname or self.dbname,
                               user=role, password=password, autocommit=True, connect_timeout=10)

    def may(self, table: str, privilege: str, dbname: str | None = None) -> bool:
        """Whether kiosk_app holds a privilege on a table (asked as the superuser)."""
        with self.server.connect(dbname or self.dbname) as conn:
            row = conn.execute("SELECT has_table_privilege('kiosk_app', %s, %s)",
                               (f"public.{table}", privilege)).fetchone()
        assert row is not None
        return bool(row[0])


def psql(server: PostgresServer, *args: str, script: Path | None = None,
         dbname: str = "postgres") -> subprocess.CompletedProcess[str]:
    """The server's psql as its superuser; `script` is fed on standard input, as in the guide."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    command = [str(server.bin_dir / "psql"), "-X", "-h", HOST, "-p", str(server.port),
               "-U", "postgres", "-d", dbname, *args]
    if script is None:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    with script.open("rb") as stdin:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                              stdin=stdin)


def run_roles_sql(server: PostgresServer, dbname: str, *,
                  passwords: bool = True) -> subprocess.CompletedProcess[str]:
    """`sudo -u postgres psql -v dbname=kiosk < roles.sql` (passwords as -v when asked)."""
    args = ["-v", f"dbname={dbname}"]
    if passwords:
        args += ["-v", f"owner_password={OWNER_PASSWORD}", "-v", f"app_password={APP_PASSWORD}"]
    result = psql(server, *args, script=ROLES_SQL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result


def guide_hba_line(databases: str, address: str) -> str:
    """The guide's pg_hba.conf line, for these databases and this address."""
    found = re.search(r"^host\s+kiosk\s+kiosk_owner,kiosk_app\s+\S+\s+scram-sha-256[ \t]*$",
                      GUIDE.read_text("utf-8"), re.MULTILINE)
    assert found, "docs/deployment.md lost its pg_hba.conf line"
    fields = found.group(0).split()
    fields[1], fields[3] = databases, address
    return "  ".join(fields)


def head_revision(database: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()


@pytest.fixture
def deployment(postgres: PostgresServer, tmp_path: Path) -> Iterator[Deployment]:
    """A database made by roles.sql, reached through the guide's pg_hba.conf line.

    The line goes first in the test server's pg_hba.conf (which otherwise trusts everyone on
    127.0.0.1) and names only this test's databases, so other tests are not affected; it is
    taken out again at the end.
    """
    dbname = "deploy_" + uuid.uuid4().hex[:10]
    postgres.create_database(dbname)  # as an empty database would be: roles.sql takes it over
    with postgres.connect() as conn:
        hba_row = conn.execute("SHOW hba_file").fetchone()
    assert hba_row is not None
    hba = Path(hba_row[0])
    original = hba.read_text()
    deployment = Deployment(postgres, dbname, tmp_path / "data", tmp_path / "config-home")
    try:
        hba.write_text(guide_hba_line(f"{dbname},{dbname}_r", f"{HOST}/32") + "\n" + original)
        with postgres.connect() as conn:
            problems = conn.execute(
                "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL"
            ).fetchall()
            assert problems == []
            run_roles_sql(postgres, dbname)
            conn.execute("SELECT pg_reload_conf()")
        _wait_for_passwords(deployment)
        yield deployment
    finally:
        hba.write_text(original)
        with postgres.connect() as conn:
            conn.execute("SELECT pg_reload_conf()")
        postgres.drop_database(f"{dbname}_r")
        postgres.drop_database(dbname)


def _wait_for_passwords(deployment: Deployment) -> None:
    """The server reloads pg_hba.conf a moment after being asked: wait until it wants passwords."""
    deadline = time.monotonic() + 10
    while True:
        try:
            deployment.connect("kiosk_app", "not the password").close()
        except psycopg.OperationalError as exc:
            assert "password authentication failed" in str(exc), exc
            return
        assert time.monotonic() < deadline, "pg_hba.conf was not reloaded"
        time.sleep(0.05)


def upgrade(deployment: Deployment) -> None:
    """`kiosk db upgrade` as kiosk_owner (guide, step 6)."""
    result = deployment.kiosk(deployment.owner_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "kiosk_owner:***@" in result.stdout, result.stdout  # the password is not printed
    assert f"published minor-assault v{shipped_version()}" in result.stdout


def test_from_an_empty_database_to_an_approved_case(deployment: Deployment,
                                                    tmp_path: Path) -> None:
    d = deployment
    # Both passwords are stored as SCRAM hashes, and only the right one gets in.
    with d.server.connect() as conn:
        stored = dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid "
                                   "WHERE rolname IN ('kiosk_owner', 'kiosk_app')").fetchall())
    assert sorted(stored) == ["kiosk_app", "kiosk_owner"]
    assert all(str(value).startswith("SCRAM-SHA-256$") for value in stored.values())
    d.connect("kiosk_app", APP_PASSWORD).close()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        d.connect("kiosk_owner", APP_PASSWORD)

    upgrade(d)
    with d.server.connect(d.dbname) as conn:
        owners = {row[0] for row in conn.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {"kiosk_owner"}

    # A kiosk starts as kiosk_app: the migration check at start only reads.
    station = open_station(d.env(d.app_url))
    try:
        assert current_revision(station.database) == head_revision(station.database)
        sample = json.loads(d.kiosk(d.app_url, "template", "sample", "minor-assault").stdout)
        with d.connect("kiosk_app", APP_PASSWORD) as console:  # a console listening (step 10)
            console.execute("LISTEN kiosk_changes")
            with station.database.session() as session:  # the code's daily sequence: upsert
                case = open_case(session, station.settings, "minor-assault",
                                 sample["party"]["name"], arrived_at=station.now(),
                                 arrival_mode="summoned", actor="duty", today=station.today())
                code, case_id = case.code, case.id
            heard = [n.payload for n in console.notifies(timeout=10, stop_after=1)]
        assert heard and case_id in heard[0].split(",")
    finally:
        station.database.dispose()

    for user, role in (("legal", "reviewer"), ("head", "approver")):
        added = d.kiosk(d.app_url, "user", "add", user, "--role", role,
                        stdin=OFFICER_PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(sample, ensure_ascii=False), "utf-8")
    submitted = d.kiosk(d.app_url, "submit", str(answers), "--case", code)
    assert submitted.returncode == 0, submitted.stderr
    assert submitted.stdout.strip() == code
    assert "warning" not in submitted.stderr  # the printer's hook stored and printed it

    first = d.kiosk(d.app_url, "review", code, "approve", "--as", "legal",
                    stdin=OFFICER_PASSWORD + "\n")
    assert first.returncode == 0, first.stderr
    assert "next: approver" in first.stdout
    # A penalty needs evidence besides the party's statement (PSAPL Art. 111).
    photo = tmp_path / "injury.png"
    photo.write_bytes(sample_photo_png())
    added = d.kiosk(d.app_url, "evidence", "add", code, str(photo), "--kind", "photo", "--as",
                    "head", stdin=OFFICER_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    propose = ("review", code, "propose", "--as", "head", "--penalty-type", "fine", "--amount",
               "200", "--basis", "51", "--circumstances", "如实陈述")
    # A case entered with `kiosk submit` has no audio and video recording: no penalty is
    # proposed on it while the station requires one (PSAPL Art. 97, 108), and it is once the
    # station takes statements by two officers and turns the requirement off.
    refused = d.kiosk(d.app_url, *propose, stdin=OFFICER_PASSWORD + "\n")
    assert refused.returncode == 1 and "recording" in refused.stderr
    not_required = d.kiosk(d.app_url, "settings", "set", "recording_required", "false")
    assert not_required.returncode == 0, not_required.stderr
    proposed = d.kiosk(d.app_url, *propose, stdin=OFFICER_PASSWORD + "\n")
    assert proposed.returncode == 0, proposed.stderr
    start_code = json.loads(d.kiosk(d.app_url, "case", "show", code, "--json").stdout)[
        "start_code"]
    accepted = d.kiosk(d.app_url, "notice", start_code, "accept")  # PSAPL Art. 112
    assert accepted.returncode == 0, accepted.stderr
    final = d.kiosk(d.app_url, "review", code, "approve", "--as", "head",
                    stdin=OFFICER_PASSWORD + "\n")
    assert final.returncode == 0, final.stderr
    assert f"{code}: approved" in final.stdout
    assert "warning" not in final.stderr

    changed = d.kiosk(d.app_url, "settings", "set", "admin_pin", "97531")
    assert changed.returncode == 0, changed.stderr
    settings = json.loads(d.kiosk(d.app_url, "settings", "list", "--json").stdout)
    assert settings["admin_pin"].startswith("$argon2id$")  # kept as its hash (kiosk/guessing)
    assert pin_matches(settings["admin_pin"], "97531")

    # The statement, the pre-penalty record and the decision: stored and printed.
    assert len(list((d.data_dir / "printed").glob("*.pdf"))) == 3
    shown = json.loads(d.kiosk(d.app_url, "case", "show", code, "--json").stdout)
    assert shown["status"] == "approved"
    verified = d.kiosk(d.app_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "audit chain intact" in verified.stdout


def test_the_app_account_adds_to_the_audit_trail_but_never_changes_it(
        deployment: Deployment) -> None:
    d = deployment
    upgrade(d)
    added = d.kiosk(d.app_url, "user", "add", "duty", "--role", "officer",
                    stdin=OFFICER_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr  # an audited change: appended by kiosk_app

    refused = ["UPDATE audit_events SET actor = 'someone else'",
               "DELETE FROM audit_events",
               "TRUNCATE audit_events",
               "DROP TABLE audit_events",
               "DELETE FROM users",
               "DELETE FROM cases",
               "UPDATE alembic_version SET version_num = '0001'",
               "CREATE TABLE notes (id integer)"]
    with d.connect("kiosk_app", APP_PASSWORD) as app:
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(statement)
        row = app.execute("SELECT count(*) FROM audit_events").fetchone()
        assert row is not None and row[0] >= 1
        row = app.execute("SHOW idle_in_transaction_session_timeout").fetchone()
        assert row is not None and row[0] == "1min"

    # The whole picture, table by table: the guide's table in step 4 (the evidence is
    # append-only: tests/test_app_role.py refuses each statement).
    with d.server.connect(d.dbname) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    assert {"audit_events", "audit_head", "cases", "alembic_version"} <= set(tables)
    for table in tables:
        assert d.may(table, "SELECT"), table
        assert not d.may(table, "DELETE"), table
        assert not d.may(table, "TRUNCATE"), table
        assert d.may(table, "INSERT") == (table != "alembic_version"), table
        assert d.may(table, "UPDATE") == (table not in (*EVIDENCE, "alembic_version",
                                                         "penalty_notices")), table

    verified = d.kiosk(d.app_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr


def test_later_migrations_are_granted_and_the_audit_trail_stays_closed(
        deployment: Deployment) -> None:
    d = deployment
    upgrade(d)
    # What a later migration might do, as kiosk_owner: a new table, audit_events re-created.
    with d.connect("kiosk_owner", OWNER_PASSWORD) as owner:
        owner.execute("CREATE TABLE later_things (id SERIAL PRIMARY KEY, note TEXT)")
        owner.execute("CREATE TABLE audit_events_new (LIKE audit_events INCLUDING ALL)")
        assert d.may("audit_events_new", "UPDATE")  # the default privileges alone would allow it
        owner.execute("ALTER TABLE audit_events RENAME TO audit_events_old")
        owner.execute("ALTER TABLE audit_events_new RENAME TO audit_events")
    assert not d.may("audit_events", "UPDATE")
    with d.connect("kiosk_app", APP_PASSWORD) as app:
        app.execute("INSERT INTO later_things (note) VALUES ('new')")  # draws from the sequence
        app.execute("UPDATE later_things SET note = 'changed'")
        with pytest.raises(errors.InsufficientPrivilege):
            app.execute("DELETE FROM later_things")
        with pytest.raises(errors.InsufficientPrivilege):
            app.execute("UPDATE audit_events SET actor = 'someone else'")

    # A grant given by mistake is taken back by running the script again (the re-check).
    with d.server.connect(d.dbname) as conn:
        conn.execute("GRANT UPDATE, DELETE ON audit_events TO kiosk_app")
    assert d.may("audit_events", "UPDATE") and d.may("audit_events", "DELETE")
    again = run_roles_sql(d.server, d.dbname, passwords=False)
    assert not d.may("audit_events", "UPDATE") and not d.may("audit_events", "DELETE")
    assert re.search(r"^\s*audit_events\s*\|\s*t\s*\|\s*t\s*\|\s*f\s*\|\s*f\s*$", again.stdout,
                     re.MULTILINE), again.stdout
    d.connect("kiosk_app", APP_PASSWORD).close()  # a re-run without -v keeps the passwords


def test_the_app_account_on_an_old_schema_is_told_to_run_db_upgrade(
        deployment: Deployment) -> None:
    d = deployment
    owner = Database(d.owner_url)
    try:
        upgrade_database(owner, "0003")
    finally:
        owner.dispose()

    with pytest.raises(SchemaOutOfDate) as refused:
        open_station(d.env(d.app_url))
    assert OUT_OF_DATE in str(refused.value)
    assert "revision 0003" in str(refused.value)
    with d.server.connect(d.dbname) as conn:  # nothing half-done
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        assert row is not None and row[0] == "0003"
        row = conn.execute("SELECT to_regclass('public.print_jobs')").fetchone()
        assert row is not None and row[0] is None
    listed = d.kiosk(d.app_url, "case", "list")
    assert listed.returncode != 0
    assert OUT_OF_DATE in listed.stderr

    upgrade(d)
    station = open_station(d.env(d.app_url))
    try:
        assert current_revision(station.database) == head_revision(station.database)
    finally:
        station.database.dispose()

    # An account that may not even read the schema version is told to fix its grants.
    with d.server.connect(d.dbname) as conn:
        conn.execute("REVOKE SELECT ON alembic_version FROM kiosk_app")
    with pytest.raises(SchemaOutOfDate, match="may not read the database's schema version"):
        open_station(d.env(d.app_url))


def test_a_nightly_copy_restores_with_its_grants_and_an_intact_audit_trail(
        deployment: Deployment) -> None:
    d = deployment
    upgrade(d)
    for user in ("legal", "head"):
        added = d.kiosk(d.app_url, "user", "add", user, "--role", "reviewer",
                        stdin=OFFICER_PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
    assert d.kiosk(d.app_url, "settings", "set", "admin_pin", "97531").returncode == 0
    before = json.loads(d.kiosk(d.app_url, "audit", "verify", "--json").stdout)
    assert before["intact"] and before["events"] >= 3

    dump = d.data_dir.parent / "kiosk.dump"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    target = ["-h", HOST, "-p", str(d.server.port), "-U", "postgres"]
    dumped = subprocess.run([str(d.server.bin_dir / "pg_dump"), *target, "--format=custom",
                             f"--file={dump}", d.dbname],
                            env=env, capture_output=True, text=True, timeout=120)
    assert dumped.returncode == 0, dumped.stderr

    # Restore as the guide says: roles.sql makes the empty database, pg_restore fills it.
    restored = f"{d.dbname}_r"
    run_roles_sql(d.server, restored, passwords=False)
    loaded = subprocess.run([str(d.server.bin_dir / "pg_restore"), *target, "--clean",
                             "--if-exists", "--single-transaction", "--exit-on-error",
                             f"--dbname={restored}", str(dump)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr

    restored_url = d.url("kiosk_app", APP_PASSWORD, restored)
    after = json.loads(d.kiosk(restored_url, "audit", "verify", "--json").stdout)
    assert after == before
    users = json.loads(d.kiosk(restored_url, "user", "list", "--json").stdout)
    assert [u["username"] for u in users] == ["head", "legal"]
    assert not d.may("audit_events", "UPDATE", restored)
    with d.connect("kiosk_app", APP_PASSWORD, restored) as app, \
            pytest.raises(errors.InsufficientPrivilege):
        app.execute("DELETE FROM audit_events")
    # The restored copy works for the kiosks: it takes new, audited changes.
    assert d.kiosk(restored_url, "settings", "set", "admin_pin", "86420").returncode == 0
    assert d.kiosk(restored_url, "audit", "verify").returncode == 0
