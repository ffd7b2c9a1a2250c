"""Shared fixtures: every test gets its own real database, never the ambient one."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import PostgresServer, find_postgres_bin

from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_store import publish_shipped_templates

TEMPLATES_DIR = PROJECT_ROOT / "templates"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No KIOSK_* variable or station file of the machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))


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
    """A fresh, empty database: an SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kiosk.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = "t_" + uuid.uuid4().hex[:12]
    url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture
def station_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment a kiosk process of this test runs with (for subprocesses too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": database_url, "KIOSK_DATA_DIR": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config-home")})
    return env


@pytest.fixture
def station(station_env: dict[str, str]) -> Iterator[Station]:
    """A station on a fresh database with the shipped templates published."""
    station = open_station(station_env)
    with station.database.session() as session:
        publish_shipped_templates(session, TEMPLATES_DIR, actor="test")
    yield station
    station.database.dispose()


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
