"""The staff windows' station: a copy of the session's seed with the demo accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk.cli.demo import DEMO_OFFICERS, DEMO_PASSWORD
from kiosk.models import User
from kiosk.station import Station
from kiosk.users import LoginPolicy, authenticate
from ui.officer.window import OfficerWindow


def test_the_staff_windows_station_has_the_demo_accounts_and_they_log_in(
        qtbot, make_staff_window: Callable[..., Any], station: Station) -> None:
    with station.database.session(readonly=True) as session:
        assert sorted(u.username for u in session.scalars(select(User))) == sorted(
            name for name, _, _ in DEMO_OFFICERS)
    window: OfficerWindow = make_staff_window(OfficerWindow)
    window.login_page.username.setText("legal")
    window.login_page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(window.login_page.button, Qt.MouseButton.LeftButton)
    # Hashed at the tests' cost in the seed: the console opens as after any login.
    qtbot.waitUntil(lambda: window.console is not None, timeout=15_000)
    assert authenticate(station.database, "head", DEMO_PASSWORD,
                        policy=LoginPolicy(5)).username == "head"
