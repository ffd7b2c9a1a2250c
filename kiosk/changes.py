"""Telling other machines that a case changed, and catching up on what they missed.

Writers: every transaction that touches a case announces the case's id when it commits. On
PostgreSQL that is `NOTIFY kiosk_changes, '<case ids>'`, sent inside the transaction so it is
delivered exactly at commit (and never for a rolled-back change). SQLite has no NOTIFY; there a
reader notices another connection's commit through `PRAGMA data_version`, which is cheap enough
to poll several times a second.

Readers never rely on a notification alone: the audit chain is the feed. Every change of a case's
state is an audit event with a gap-free, commit-ordered sequence number, so `changes_since(seq)`
names every case that changed after the last event a reader saw, across dropped connections and
server restarts. Notifications only say "look now" (and carry the cases whose change is not
audited, such as the party moving between questions).

Nothing here imports Qt: `ui/notifier.py` watches these listeners from the Qt event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import psycopg
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kiosk.models import AuditEvent, Case
from kiosk.settings import POSTGRES_KEEPALIVE

CHANNEL = "kiosk_changes"
CHANGED_KEY = "kiosk.changed_cases"
# NOTIFY payloads must stay under 8000 bytes; case ids are 36 characters.
_IDS_PER_NOTIFY = 150
# The listener connects and checks on the console's UI thread: a server that does not answer
# (a cut cable) must not hold it for minutes. Connecting gives up after a few seconds; the kernel
# drops the connection when sent data stays unacknowledged (tcp_user_timeout, ms; Linux) or an
# idle peer stops answering keepalives, so check() and the socket notifier find it lost.
_LISTENER_OPTIONS = {"connect_timeout": 5, **POSTGRES_KEEPALIVE}


# -- writers -------------------------------------------------------------------------------------


@sa_event.listens_for(Session, "after_flush")
def _collect_changed_cases(session: Session, _context: object) -> None:
    changed = session.info.setdefault(CHANGED_KEY, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        case_id = obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)
        if isinstance(case_id, str):
            changed.add(case_id)


@sa_event.listens_for(Session, "before_commit")
def _announce_changed_cases(session: Session) -> None:
    session.flush()  # so the last changes are collected too
    changed = session.info.pop(CHANGED_KEY, None)
    if not changed or session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted(changed)
    for start in range(0, len(ids), _IDS_PER_NOTIFY):
        payload = ",".join(ids[start:start + _IDS_PER_NOTIFY])
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": payload})


def announce_station_event(session: Session) -> None:
    """Wakes the consoles at commit for an event of no case (an alert): an empty name."""
    session.info.setdefault(CHANGED_KEY, set()).add("")


@sa_event.listens_for(Session, "after_rollback")
def _forget_changed_cases(session: Session) -> None:
    session.info.pop(CHANGED_KEY, None)


# -- the feed ------------------------------------------------------------------------------------


def latest_seq(session: Session) -> int:
    """The newest audit event's number: where a reader starts following."""
    return session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one()


def changes_since(session: Session, seq: int) -> tuple[int, set[str]]:
    """The cases with an audit event after `seq`, and the newest event's number."""
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.case_id).where(AuditEvent.seq > seq)
        .order_by(AuditEvent.seq)
    ).all()
    if not rows:
        return seq, set()
    return rows[-1][0], {case_id for _, case_id in rows if case_id}


# -- listeners (no Qt; the console's event loop watches them) ------------------------------------


class ListenerLost(ConnectionError):
    """The listening connection is gone (server restart, network cut); reconnect and re-read."""


@dataclass
class Wakeup:
    """What a listener heard: the cases named in notifications (may be empty: "look now")."""

    case_ids: set[str]


def _parse_payloads(payloads: Iterable[str]) -> set[str]:
    return {part for payload in payloads for part in payload.split(",") if part}


def connection_params(database_url: str) -> dict[str, str]:
    """psycopg's keyword arguments for a SQLAlchemy URL (a password may hold any character)."""
    url = make_url(database_url)
    params = {"host": url.host, "port": str(url.port) if url.port else None,
              "user": url.username, "password": url.password, "dbname": url.database}
    params.update({key: str(value) for key, value in url.query.items()})
    return {key: value for key, value in params.items() if value is not None}


class PostgresListener:
    """LISTEN on a dedicated autocommit connection (not from SQLAlchemy's pool).

    `fileno()` becomes readable when a notification (or the server's goodbye) arrives; then
    `drain()` returns what arrived without blocking, or raises ListenerLost.
    """

    def __init__(self, database_url: str) -> None:
        self._params = connection_params(database_url)
        self._conn: psycopg.Connection | None = None

    @property
    def is_connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def connect(self) -> None:
        """Connects and listens; psycopg.OperationalError when the server cannot be reached."""
        self.close()
        # The URL's own settings (say, its connect_timeout) win over the listener's defaults.
        conn = psycopg.connect(autocommit=True, **{**_LISTENER_OPTIONS, **self._params})
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    def fileno(self) -> int:
        if self._conn is None:
            raise ListenerLost("not connected")
        return self._conn.fileno()

    def drain(self) -> Wakeup:
        if self._conn is None:
            raise ListenerLost("not connected")
        try:
            payloads = [n.payload for n in self._conn.notifies(timeout=0)]
        except psycopg.Error as exc:
            self.close()
            raise ListenerLost(str(exc)) from exc
        if self._conn.closed:
            self.close()
            raise ListenerLost("the server closed the connection")
        return Wakeup(_parse_payloads(payloads))

    def check(self) -> None:
        """A round trip, to find a connection that died without a word (a cut cable)."""
        if self._conn is None:
            raise ListenerLost("not connected")
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self.close()
            raise ListenerLost(str(exc)) from exc

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class SqliteWatcher:
    """Notices other connections' commits to an SQLite file through `PRAGMA data_version`."""

    def __init__(self, database_url: str) -> None:
        self._path = make_url(database_url).database or ""
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def connect(self) -> None:
        self.close()
        self._conn = sqlite3.connect(self._path, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        assert self._conn is not None
        try:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            self.close()
            raise ListenerLost(str(exc)) from exc

    def poll(self) -> bool:
        """True when someone committed since the last poll."""
        if self._conn is None:
            raise ListenerLost("not connected")
        version = self._read()
        changed = version != self._version
        self._version = version
        return changed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"
