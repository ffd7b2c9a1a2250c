"""Changes made on other machines, as Qt signals: nothing here blocks the UI thread.

PostgreSQL: the listening connection's socket is watched by a QSocketNotifier; when it becomes
readable the waiting notifications are drained without blocking. A lost connection is retried
with a growing pause, and once back the notifier says so (`resynced`), so the reader re-reads
what it may have missed from the audit feed (see kiosk/changes.py).

SQLite: a timer reads `PRAGMA data_version` a few times a second (microseconds each).
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from kiosk.changes import ListenerLost, PostgresListener, SqliteWatcher, is_postgres
from ui.operations import Operations

log = logging.getLogger(__name__)

SQLITE_POLL_MS = 200
KEEPALIVE_MS = 10_000
RETRY_FIRST_MS = 250
RETRY_MAX_MS = 5_000
CHECK_TIMEOUT_MS = 15_000


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
        self._database_url = database_url
        self._pg = PostgresListener(database_url) if self._postgres else None
        self._worker = Operations(self)  # connects and checks off the UI thread
        self._connecting = False
        self._checking = False
        self._stopped = False
        self._check_deadline = QTimer(self)
        self._check_deadline.setSingleShot(True)
        self._check_deadline.timeout.connect(self._check_timed_out)
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

    @property
    def names_cases(self) -> bool:
        """PostgreSQL's notifications name their cases; SQLite's polling never does."""
        return self._postgres

    def start(self) -> None:
        """Connects (or reconnects); on failure tries again later, never raising.

        PostgreSQL connects on a worker thread: a server that accepts and then says nothing
        must not freeze the screen for the connect timeout.
        """
        self._stopped = False
        if self._pg is not None:
            if self._connecting:
                return
            self._connecting = True
            listener = self._pg
            self._worker.run(listener.connect, lambda _r: self._connected(listener),
                             lambda exc: self._connect_failed(listener, exc))
            return
        try:
            assert self._sqlite is not None
            self._sqlite.connect()
            self._poll.start()
        except (ListenerLost, OSError, sqlite3.Error) as exc:
            self._lost(str(exc))
            return
        self._up()

    def _connect_failed(self, listener: PostgresListener, exc: BaseException) -> None:
        self._connecting = False
        if listener is self._pg:
            self._lost(str(exc))

    def _connected(self, listener: PostgresListener) -> None:
        self._connecting = False
        if listener is not self._pg or self._stopped:
            listener.close()
            return
        try:
            self._watch_socket()
        except ListenerLost as exc:
            self._lost(str(exc))
            return
        self._keepalive.start()
        self._up()
        self._drain()  # anything that came while connecting

    def _up(self) -> None:
        self._retry_ms = RETRY_FIRST_MS
        self.is_connected = True
        self.connected.emit(True)
        if self._was_lost:
            self._was_lost = False
            self.resynced.emit()

    def stop(self) -> None:
        self._stopped = True
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
        """A round trip on a worker thread; no answer within CHECK_TIMEOUT_MS counts as lost."""
        listener = self._pg
        if listener is None or self._checking or not listener.is_connected:
            return
        self._checking = True
        if self._socket is not None:
            self._socket.setEnabled(False)  # the worker owns the connection meanwhile
        self._check_deadline.start(CHECK_TIMEOUT_MS)

        def done(_result: object) -> None:
            self._checking = False
            self._check_deadline.stop()
            if listener is self._pg and self._socket is not None:
                self._socket.setEnabled(True)
                self._drain()  # a notification read during the check waits in psycopg

        def failed(exc: BaseException) -> None:
            self._checking = False
            self._check_deadline.stop()
            if listener is self._pg:
                self._lost(str(exc))

        self._worker.run(listener.check, done, failed)

    def _check_timed_out(self) -> None:
        # The server says nothing (hung, or a cut cable the kernel has not noticed): leave the
        # blocked connection to its thread and start afresh with a new listener.
        if self._pg is not None:
            self._pg = PostgresListener(self._database_url)
            self._checking = False
            self._lost("the server did not answer the connection check")

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
