"""Check the throw-away PostgreSQL test server: starts, stores Chinese text, restarts, cleans up."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from postgres_server import PostgresServer, find_postgres_bin
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

PG_BIN = find_postgres_bin()

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        PG_BIN is None,
        reason="PostgreSQL server binaries not installed "
        "(no /usr/lib/postgresql/*/bin/initdb and no initdb on PATH)",
    ),
]

OFFENCE = "殴打他人"
_names = itertools.count(1)
MakeEngine = Callable[[], sa.Engine]


class Base(DeclarativeBase):
    pass


class Offence(Base):
    __tablename__ = "offence"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    with PostgresServer(PG_BIN) as srv:
        yield srv


@pytest.fixture
def make_engine(server: PostgresServer) -> Iterator[MakeEngine]:
    """Create fresh databases and engines on the shared server; all dropped after the test."""
    created: list[tuple[str, sa.Engine]] = []

    def make() -> sa.Engine:
        name = f"t_{os.getpid()}_{next(_names)}"
        engine = sa.create_engine(server.create_database(name), pool_pre_ping=True)
        created.append((name, engine))
        return engine

    yield make
    for name, engine in created:
        engine.dispose()
        server.drop_database(name)


def _names_in(engine: sa.Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(sa.select(Offence.name).order_by(Offence.id)))


def test_find_postgres_bin_points_at_server_binaries() -> None:
    assert PG_BIN is not None
    assert (PG_BIN / "initdb").is_file()
    assert (PG_BIN / "pg_ctl").is_file()


def test_create_database_returns_psycopg_url(server: PostgresServer) -> None:
    url = server.create_database("url_check")
    try:
        assert url == f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/url_check"
    finally:
        server.drop_database("url_check")
    server.drop_database("url_check")  # dropping a missing database is fine


def test_round_trips_chinese_text(make_engine: MakeEngine) -> None:
    engine = make_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Offence(name=OFFENCE))
        session.commit()

    assert _names_in(engine) == [OFFENCE]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW server_encoding")).scalar_one() == "UTF8"
        assert conn.execute(sa.text("SHOW client_encoding")).scalar_one() == "UTF8"
        found = conn.execute(
            sa.select(Offence.name).where(Offence.name.like("%打他%"))
        ).scalar_one()
    assert found == OFFENCE


def test_restart_keeps_data_and_clients_reconnect(
    server: PostgresServer, make_engine: MakeEngine
) -> None:
    engine = make_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Offence(name=OFFENCE))
        session.commit()
    port = server.port

    server.restart()

    assert server.port == port
    assert server.running
    # The pooled connection died with the old server; pre-ping replaces it transparently.
    assert _names_in(engine) == [OFFENCE]
    fresh = sa.create_engine(engine.url)
    try:
        assert _names_in(fresh) == [OFFENCE]
    finally:
        fresh.dispose()


def test_two_databases_are_independent(make_engine: MakeEngine) -> None:
    first, second = make_engine(), make_engine()
    Base.metadata.create_all(first)

    with Session(first) as session:
        session.add(Offence(name=OFFENCE))
        session.commit()
    assert not sa.inspect(second).has_table("offence")

    Base.metadata.create_all(second)
    with Session(second) as session:
        session.add(Offence(name="盗窃"))
        session.commit()

    assert _names_in(first) == [OFFENCE]
    assert _names_in(second) == ["盗窃"]


def test_drop_database_disconnects_open_clients(server: PostgresServer) -> None:
    engine = sa.create_engine(server.create_database("held_open"))
    conn = engine.connect()
    try:
        conn.execute(sa.text("SELECT 1"))
        server.drop_database("held_open")  # WITH (FORCE) must not wait for the open connection
    finally:
        conn.invalidate()
        conn.close()
        engine.dispose()
    with server.connect() as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = 'held_open'").fetchone()
    assert row is None


def _postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_lifecycle_leaves_nothing_behind() -> None:
    with PostgresServer(PG_BIN) as srv:
        scratch = srv.scratch_dir
        assert srv.data_dir.is_relative_to(scratch)
        pid = _postmaster_pid(srv.data_dir)
        assert _alive(pid)
        assert srv.startup_seconds is not None
        srv.stop()
        srv.stop()  # idempotent
        assert not srv.running
        assert not _alive(pid)
        srv.start()  # same data directory, same port
        pid = _postmaster_pid(srv.data_dir)
    assert not _alive(pid)
    assert not scratch.exists()
    srv.stop()  # still harmless after the context has exited


def test_interpreter_exit_stops_a_forgotten_server() -> None:
    """A run that never calls stop() (e.g. interrupted) must not leave a server behind."""
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from postgres_server import PostgresServer\n"
        "srv = PostgresServer()\n"
        "srv.start()\n"
        "print(srv.data_dir, open(srv.data_dir / 'postmaster.pid').readline().strip())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    data_dir_text, pid = done.stdout.split()
    data_dir = Path(data_dir_text)
    assert data_dir.name == "data"
    assert not _alive(int(pid))
    assert not data_dir.parent.exists()
