"""The console's live view of the station's cases: read once, then kept current by notifications.

On every wake-up (a notification, another connection's commit on SQLite, a reconnect) the feed
asks the audit chain which cases changed since the last event it saw, adds the cases the
notification named, and re-reads just those rows on a worker thread. A wake-up that comes while
a read is running is folded into one more read afterwards, so a burst of twenty submissions
costs two reads, not twenty, and nothing is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.changes import changes_since, latest_seq
from kiosk.guessing import bursts_since
from kiosk.station import Station
from kiosk.worklist import QueueRow, queue_rows
from ui.notifier import ChangeNotifier
from ui.operations import Operations

log = logging.getLogger(__name__)

RETRY_MS = 1000


@dataclass(frozen=True)
class FeedUpdate:
    rows: list[QueueRow]
    changed: set[str]  # every case the wake-up concerned (rows of cases now gone included)
    is_full: bool      # the whole queue was read (start, or after a lost connection)
    named: bool = False  # notifications name their cases (PostgreSQL); SQLite's never do
    bursts: tuple[dict[str, Any], ...] = ()  # guessing at the kiosks since the last read


class QueueFeed(QObject):
    """Owns the notifier; emits `updated(FeedUpdate)` on the UI thread."""

    updated = Signal(object)
    connected = Signal(bool)
    failed = Signal(str)

    def __init__(self, station: Station, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.operations = Operations(self)
        self.notifier = ChangeNotifier(station.settings.resolved_database_url, self)
        self.notifier.changed.connect(self.wake)
        self.notifier.resynced.connect(self.reload)
        self.notifier.connected.connect(self.connected)
        self._seq: int | None = None
        self._pending: set[str] = set()
        self._wanted = False
        self._full_wanted = False
        self._reading = False

    def start(self) -> None:
        self.notifier.start()
        self.reload()

    def stop(self) -> None:
        self.notifier.stop()
        self.operations.wait()

    def reload(self) -> None:
        """Reads the whole queue again (at start and after a lost connection)."""
        self._full_wanted = True
        self._schedule()

    def wake(self, case_ids: set[str] | None = None) -> None:
        self._pending |= set(case_ids or ())
        self._wanted = True
        self._schedule()

    def _schedule(self) -> None:
        if self._reading or not (self._wanted or self._full_wanted):
            return
        full = self._full_wanted or self._seq is None
        named = set(self._pending)
        self._pending.clear()
        self._wanted = self._full_wanted = False
        self._reading = True
        seq = self._seq
        station = self.station

        def read() -> tuple[int, FeedUpdate]:
            with station.database.session(readonly=True) as session:
                if full:
                    new_seq = latest_seq(session)
                    rows = queue_rows(session, now=station.now())
                    return new_seq, FeedUpdate(rows, {r.case_id for r in rows} | named, True)
                assert seq is not None
                new_seq, audited = changes_since(session, seq)
                changed = audited | named
                return new_seq, FeedUpdate(
                    queue_rows(session, now=station.now(), case_ids=changed), changed, False,
                    bursts=tuple(bursts_since(session, seq)))

        self.operations.run(read, self._done, self._failed)

    def _done(self, result: tuple[int, FeedUpdate]) -> None:
        self._reading = False
        self._seq, update = result
        self.updated.emit(replace(update, named=self.notifier.names_cases))
        self._schedule()

    def _failed(self, exc: BaseException) -> None:
        self._reading = False
        log.warning("reading the queue failed: %s", exc)
        self.failed.emit(str(exc))
        # The database may be restarting: read everything again a moment later.
        self._full_wanted = True
        QTimer.singleShot(RETRY_MS, self._schedule)
