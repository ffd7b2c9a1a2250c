"""Changes made on other machines, as Qt signals: nothing here blocks the UI thread.

PostgreSQL: the listening connection's socket is watched by a QSocketNotifier; when it becomes
readable the waiting notifications are drained without blocking. A lost connection is retried
with a growing pause, and once back the notifier says so (`resynced`), so the reader re-reads
what it may have missed from the audit feed (see kiosk/changes.py).

SQLite: a timer reads `PRAGMA data_version` a few times a second (microseconds each).
"""

from __future__ import annotations

import logging

import psycopg
from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from kiosk.changes import ListenerLost, PostgresListener, SqliteWatcher, is_postgres

log = logging.getLogger(__name__)

SQLITE_POLL_MS = 200
KEEPALIVE_MS = 10_000
RETRY_FIRST_MS = 250
RETRY_MAX_MS = 5_000


class ChangeNotifier(QObject):
    """Emits `changed(case_ids)` when another connection committed a change.

    `case_ids` names the cases a notification carried; empty means "something changed, look".
    `connected(bool)` reports the listening connection going and coming back; after a loss,
    `changed` is emitted once with `resynced=True` semantics through `resynced`.
    """

    changed = Signal(object)  # set[str]
    connected = Signal(bool)
    resynced = Signal()

    def __init__(self, database_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._postgres = is_postgres(database_url)
        self._pg = PostgresListener(database_url) if self._postgres else None
        self._sqlite = None if self._postgres else SqliteWatcher(database_url)
        self._socket: QSocketNotifier | None = None
        self._retry_ms = RETRY_FIRST_MS
        self._was_lost = False
        self.is_connected = False

        self._poll = QTimer(self)
        self._poll.setInterval(SQLITE_POLL_MS)
        self._poll.timeout.connect(self._poll_sqlite)
        self._keepalive = QTimer(self)
        self._keepalive.setInterval(KEEPALIVE_MS)
        self._keepalive.timeout.connect(self._check)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.start)

    def start(self) -> None:
        """Connects (or reconnects); on failure tries again later, never raising."""
        try:
            if self._pg is not None:
                self._pg.connect()
                self._watch_socket()
                self._keepalive.start()
            else:
                assert self._sqlite is not None
                self._sqlite.connect()
                self._poll.start()
        except (psycopg.Error, ListenerLost, OSError) as exc:
            self._lost(str(exc))
            return
        self._retry_ms = RETRY_FIRST_MS
        self.is_connected = True
        self.connected.emit(True)
        if self._was_lost:
            self._was_lost = False
            self.resynced.emit()

    def stop(self) -> None:
        self._poll.stop()
        self._keepalive.stop()
        self._retry.stop()
        self._drop_socket()
        if self._pg is not None:
            self._pg.close()
        if self._sqlite is not None:
            self._sqlite.close()
        self.is_connected = False

    # -- PostgreSQL ------------------------------------------------------------------------

    def _watch_socket(self) -> None:
        assert self._pg is not None
        self._drop_socket()
        self._socket = QSocketNotifier(self._pg.fileno(), QSocketNotifier.Type.Read, self)
        self._socket.activated.connect(self._drain)

    def _drop_socket(self) -> None:
        if self._socket is not None:
            self._socket.setEnabled(False)
            self._socket.deleteLater()
            self._socket = None

    def _drain(self) -> None:
        assert self._pg is not None
        try:
            wakeup = self._pg.drain()
        except ListenerLost as exc:
            self._lost(str(exc))
            return
        self.changed.emit(wakeup.case_ids)

    def _check(self) -> None:
        assert self._pg is not None
        try:
            self._pg.check()
        except ListenerLost as exc:
            self._lost(str(exc))

    # -- SQLite ----------------------------------------------------------------------------

    def _poll_sqlite(self) -> None:
        assert self._sqlite is not None
        try:
            if self._sqlite.poll():
                self.changed.emit(set())
        except ListenerLost as exc:
            self._lost(str(exc))

    # -- losing and finding the connection --------------------------------------------------

    def _lost(self, why: str) -> None:
        log.warning("change notifications lost (%s); retrying in %d ms", why, self._retry_ms)
        self._poll.stop()
        self._keepalive.stop()
        self._drop_socket()
        if self._pg is not None:
            self._pg.close()
        self._was_lost = True
        if self.is_connected:
            self.is_connected = False
            self.connected.emit(False)
        self._retry.start(self._retry_ms)
        self._retry_ms = min(self._retry_ms * 2, RETRY_MAX_MS)
