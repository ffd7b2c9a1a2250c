"""The one database session factory, for the embedded SQLite file and the station PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kiosk import changes  # noqa: F401  (every commit that touches a case announces it)
from kiosk.audit_key import AuditKey
from kiosk.settings import POSTGRES_KEEPALIVE, Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
# How long a write transaction keeps trying to begin. SQLite answers "database is locked" at
# once, without waiting out busy_timeout, in a few cases (another connection in WAL recovery or
# a checkpoint, the first connections switching a new file to WAL); one such answer escaped in
# 1,999 concurrent submissions. Beginning again is always safe: nothing has been done yet.
SQLITE_BEGIN_DEADLINE_S = 60.0
READONLY_OPTION = "kiosk_readonly"


class DatabaseUnreachable(OSError):
    """The database cannot be reached before any driver is involved (say, its folder cannot be
    made); `place` says where it was looked for, `reason` why it failed."""

    def __init__(self, place: str, reason: str) -> None:
        super().__init__(f"cannot reach the database at {place}: {reason}")
        self.place = place
        self.reason = reason


def _is_locked(error: sqlite3.OperationalError) -> bool:
    return "database is locked" in str(error) or "database is busy" in str(error)


def _retry_locked(cursor: sqlite3.Cursor, statement: str, *,
                  deadline_s: float | None = None) -> None:
    """Runs a statement that takes no effect until it succeeds, again while SQLite says the
    database is locked, with a growing pause, until the deadline; then the error stands."""
    limit = time.monotonic() + (SQLITE_BEGIN_DEADLINE_S if deadline_s is None else deadline_s)
    pause = 0.005
    while True:
        try:
            cursor.execute(statement)
            return
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or time.monotonic() + pause > limit:
                raise
        # Jitter, so writers that collided do not collide again in step.
        time.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 0.25)


def _prepare_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and write transactions that take the lock when they begin.

    pysqlite's own transaction handling starts transactions late and never with IMMEDIATE, so two
    kiosks that both read and then write would fail with "database is locked" half-way. Taking the
    write lock at BEGIN makes the second one wait (busy_timeout) instead, and a BEGIN that SQLite
    refuses without waiting is tried again until SQLITE_BEGIN_DEADLINE_S.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _retry_locked(cursor, "PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Readers take no lock: a long `case list` must not hold up a kiosk that is saving.
        readonly = connection.get_execution_options().get(READONLY_OPTION, False)
        if readonly:
            connection.exec_driver_sql("BEGIN")
            return
        # On the driver's own connection, so a "locked" answer can be retried: through
        # SQLAlchemy it would already be reported as a failed statement.
        cursor = connection.connection.driver_connection.cursor()
        try:
            _retry_locked(cursor, "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
        finally:
            cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for a database URL; SQLite files get their folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnreachable(parsed.database, f"cannot make the folder {folder}: "
                                          f"{exc.strerror or exc}") from exc
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _prepare_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args=POSTGRES_KEEPALIVE)


AUDIT_KEY_INFO = "kiosk.audit_key"
"""Where a session finds the station's audit key (kiosk/audit.py reads it)."""


class Database:
    """A connection to the kiosk database: hands out sessions, each one transaction."""

    def __init__(self, url: str, *, audit_key: AuditKey | None = None) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(**{READONLY_OPTION: True}),
                                     expire_on_commit=False)
        self.audit_key: AuditKey | None = None
        if audit_key is not None:
            self.use_audit_key(audit_key)

    def use_audit_key(self, key: AuditKey) -> None:
        """Every session from now on writes and checks the audit chain under this key."""
        self.audit_key = key
        for factory in (self._sessions, self._readers):
            factory.configure(info={AUDIT_KEY_INFO: key})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        `readonly` sessions only read (on SQLite they do not take the write lock).
        """
        factory = self._readers if readonly else self._sessions
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    return Database(settings.resolved_database_url)
