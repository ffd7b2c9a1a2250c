"""The officers' console hears of guessing at the kiosks: a station-wide burst of wrong start
codes (kiosk/guessing.py) reaches the live feed (ui/officer/feed.py) as an alert, and the
console window announces it (ui/officer/window.py, `_feed_updated`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.guessing import STATION_BURST, GuessKind, record_refusal
from kiosk.station import Station
from ui.officer.feed import FeedUpdate, QueueFeed

WAIT_MS = 10_000


def test_a_burst_of_wrong_start_codes_reaches_the_console_feed_once(qtbot,
                                                                    station: Station) -> None:
    feed = QueueFeed(station)
    updates: list[FeedUpdate] = []
    feed.updated.connect(updates.append)
    try:
        feed.start()
        qtbot.waitUntil(lambda: any(u.is_full for u in updates), timeout=WAIT_MS)
        now = datetime.now(UTC)
        for n in range(STATION_BURST):  # each its own transaction, as at the kiosks
            with station.database.session() as session:
                record_refusal(session, GuessKind.START_CODE, f"kiosk-{n % 2 + 1}",
                               now + timedelta(milliseconds=n))
        qtbot.waitUntil(lambda: any(u.bursts for u in updates), timeout=WAIT_MS)
    finally:
        feed.stop()
    bursts = [b for u in updates for b in u.bursts]
    assert bursts == [{"kind": "start_code", "wrong": 20, "minutes": 10,
                       "machines": {"kiosk-1": 10, "kiosk-2": 10}}]


def test_the_console_announces_the_burst_with_the_kiosks_named(qtbot, make_staff_window,
                                                                station: Station) -> None:
    from test_officer import log_in

    from ui.officer.window import OfficerWindow

    console = make_staff_window(OfficerWindow)
    log_in(qtbot, console, "legal")
    now = datetime.now(UTC)
    with station.database.session() as session:
        for n in range(STATION_BURST):
            record_refusal(session, GuessKind.ADMIN_PIN, "kiosk-3",
                           now + timedelta(milliseconds=n))
    qtbot.waitUntil(lambda: len(console.alerts.history) > 0, timeout=WAIT_MS)
    assert list(console.alerts.history) == [
        "10 分钟内输入错误的管理员密码 20 次（终端：kiosk-3）。"]
