"""An officer console without a window: the live queue (QueueFeed) printed line by line.

Run as a process of its own by tests/test_realtime.py and bench/realtime.py, on the station of
the environment (KIOSK_DATABASE_URL, KIOSK_DATA_DIR):

    QT_QPA_PLATFORM=offscreen python tests/realtime_console.py

It never asks for a refresh: everything it prints comes from the feed's own signals. Lines on
standard output (flushed one by one), with `time.time()` at the moment the signal came:

    connected 1 <time>         the listening connection is up (0: lost)
    resynced <time>            back after a loss: the feed re-reads the whole queue
    ready <rows> <time>        the first full read is done (printed once)
    case <code> <status> <time>   a case seen with a status for the first time
    failed <message>           a read of the queue failed (the feed retries by itself)

The process ends when its standard input closes (or on a signal).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QSocketNotifier
from PySide6.QtWidgets import QApplication

from kiosk.station import open_station
from ui.officer.feed import FeedUpdate, QueueFeed


def say(*words: object) -> None:
    print(*words, f"{time.time():.6f}", flush=True)


def main() -> int:
    app = QApplication(sys.argv[:1])
    station = open_station(os.environ, upgrade=False)
    feed = QueueFeed(station)
    seen: set[tuple[str, str]] = set()
    ready = False

    def on_update(update: FeedUpdate) -> None:
        nonlocal ready
        for row in update.rows:
            if (row.code, row.status) not in seen:
                seen.add((row.code, row.status))
                say("case", row.code, row.status)
        if update.is_full and not ready:
            ready = True
            say("ready", len(update.rows))

    feed.updated.connect(on_update)
    feed.connected.connect(lambda up: say("connected", int(bool(up))))
    feed.notifier.resynced.connect(lambda: say("resynced"))
    feed.failed.connect(lambda message: print("failed", " ".join(message.split()), flush=True))

    # Leave when the parent closes our standard input (or goes away).
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def on_stdin() -> None:
        if not os.read(sys.stdin.fileno(), 4096):
            stdin.setEnabled(False)
            QCoreApplication.quit()

    stdin.activated.connect(on_stdin)
    signal.signal(signal.SIGTERM, lambda *_: QCoreApplication.quit())
    feed.start()
    code = app.exec()
    feed.stop()
    station.database.dispose()
    sys.stdout.flush()
    os._exit(code)  # no Qt teardown at exit (see tests/conftest.py, pytest_unconfigure)


if __name__ == "__main__":
    sys.exit(main())
