"""Slow work off the UI thread: run a function in the thread pool, report back by signal.

As in Anki's `aqt.operations`: the function runs on a worker thread and must never touch a
widget; `on_success` / `on_failure` run on the UI thread afterwards.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import Shiboken

log = logging.getLogger(__name__)


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # reported to the UI thread, never lost in the pool
            log.debug("background operation failed:\n%s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


class Operations(QObject):
    """Runs operations one after another, so a party's actions land in the order made.

    Give it the page (or window) whose widgets the results go to as parent: a result that
    arrives after that page was deleted is dropped.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> None:
        relay = _Relay()
        self._relays.add(relay)  # kept alive until it has reported

        def done(callback: Callable[[Any], None], value: Any) -> None:
            self._relays.discard(relay)
            # The relay's connections point back at it in a loop the garbage collector cannot
            # see: without this every operation would stay in memory for good.
            relay.deleteLater()
            if not Shiboken.isValid(self):
                # The page owning these operations was closed meanwhile (a log-out while a list
                # was loading): its widgets are gone and the result has nowhere to go.
                log.debug("dropped the result of an operation for a closed page")
                return
            callback(value)

        relay.succeeded.connect(lambda value: done(on_success, value))
        relay.failed.connect(lambda exc: done(on_failure, exc))
        self.pool.start(_Job(work, relay))

    def is_busy(self) -> bool:
        return bool(self._relays)

    def wait(self, msecs: int = 10_000) -> bool:
        """Waits for running operations (tests and shutdown)."""
        return self.pool.waitForDone(msecs)
