"""Shared fixtures: every test gets its own real database, never the ambient one.

A station's database is a copy of a seed made once per test session (per xdist worker): migrated,
with the shipped templates published, and for the staff windows the demo accounts too. Copying
a file or `CREATE DATABASE … TEMPLATE` takes a fraction of what migrating, parsing the templates
and hashing the demo passwords again would for each of hundreds of tests.
"""

from __future__ import annotations

import io
import os
import sys
import tomllib
import uuid
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from postgres_server import PostgresServer, find_postgres_bin
from seeded_stations import TEMPLATES_DIR, TEST_HASHER, Seeds

import kiosk.cli
from kiosk import users
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_store import publish_shipped_templates

SUBPROCESS_SITE = Path(__file__).resolve().parent / "subprocess_site"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No KIOSK_* variable or station file of the machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords are hashed at the lowest argon2id cost in this process (see TEST_HASHER)."""
    monkeypatch.setattr(users, "_hasher", TEST_HASHER)


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """The session's seeded databases (per xdist worker: each worker has its own servers)."""
    return Seeds(tmp_path_factory.mktemp("seeds"))


def _seed_for(request: pytest.FixtureRequest) -> str | None:
    """Which seed the test's station starts from; None when it asked for no station at all."""
    names = request.fixturenames
    if "make_staff_window" in names:
        return "demo"
    if "station" in names:
        return "templates"
    return None


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the test run, started from the installed binaries."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (Debian: postgresql)")
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of this test alone: an SQLite file, or a new database on the test
    server. Empty, unless the test has a `station`: then it already holds what the station
    promises (a copy of the session's seed)."""
    seed = _seed_for(request)
    seeds: Seeds | None = request.getfixturevalue("seeds") if seed else None
    if request.param == "sqlite":
        path = tmp_path / "kiosk.db"
        if seeds is not None and seed is not None:
            seeds.sqlite_copy(seed, path)
            seeds.copy_audit_key("sqlite", seed, tmp_path / "data")
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = "t_" + uuid.uuid4().hex[:12]
    if seeds is not None and seed is not None:
        url = seeds.postgres_copy(seed, server, name)
        seeds.copy_audit_key("postgres", seed, tmp_path / "data")
    else:
        url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture
def station_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment a kiosk process of this test runs with (for subprocesses too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": database_url, "KIOSK_DATA_DIR": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config-home")})
    # Its kiosk processes hash passwords cheaply too (tests/subprocess_site/sitecustomize.py).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SUBPROCESS_SITE),
                                                      env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def station(station_env: dict[str, str]) -> Iterator[Station]:
    """A station on a fresh database with the shipped templates published."""
    station = open_station(station_env)
    with station.database.session() as session:
        # Already there in the seed's copy (`database_url`): this checks it, for the price of
        # a query per template (their parse is cached).
        publish_shipped_templates(session, TEMPLATES_DIR, actor="test")
    yield station
    station.database.dispose()


@pytest.fixture
def kiosk_command(station_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """`kiosk …` run in this process, with the commands this checkout's pyproject.toml declares
    (a new entry point is only installed by reinstalling the package; the shared environment's
    is the main checkout's). Returns (exit status, standard output, standard error)."""
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))
    commands = declared["project"]["entry-points"]["kiosk.commands"]
    monkeypatch.setattr(kiosk.cli, "entry_points", lambda group: [
        EntryPoint(name, value, group) for name, value in commands.items()])
    for name, value in station_env.items():
        monkeypatch.setenv(name, value)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        status = kiosk.cli.main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


_exit_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _exit_status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leaves without Python's finalisation once Qt was used and the report is written.

    PySide6 6.12 can abort while the interpreter finalises after a run that created many
    widgets ("bool_dealloc: deallocating True or False", a reference-count slip in the
    bindings at shutdown), turning a green run red after every test passed. Everything worth
    doing at exit (reports, temporary servers' atexit hooks) has run by this point.
    """
    if "PySide6.QtWidgets" in sys.modules and _exit_status:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])
