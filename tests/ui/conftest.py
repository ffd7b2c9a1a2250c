"""The kiosk window for UI tests: real window, real database, silent speech (no speakers here)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.cli.demo import seed_demo
from kiosk.speech import SilentRenderer
from kiosk.station import Station, with_settings
from ui.kiosk.window import KioskWindow, apply_theme
from ui.speech import SpeechPlayer


@pytest.fixture
def make_window(qtbot, station: Station) -> Iterator[Callable[[int, int], KioskWindow]]:
    """Builds kiosk windows of a given size; each records what it was asked to read aloud."""
    windows: list[KioskWindow] = []

    def make(width: int = 1920, height: int = 1080, *, recorded: bool = False) -> KioskWindow:
        renderer = SilentRenderer()
        # Without a recorder unless `recorded`: most tests are about other things. The machine
        # has no camera: a recorded window records the test source (KIOSK_RECORDING_SOURCE=test),
        # through the real encoder and store (test_kiosk_recording.py).
        window = KioskWindow(with_settings(station, recording_source="test") if recorded
                             else station, SpeechPlayer(renderer), record=recorded)
        window.renderer = renderer  # type: ignore[attr-defined]
        qtbot.addWidget(window)
        window.setFixedSize(width, height)
        apply_theme(window, height=height)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.may_close = True
        window.close()
        window.operations.wait()


@pytest.fixture
def window(make_window: Callable[[int, int], KioskWindow]) -> KioskWindow:
    return make_window(1920, 1080)


@pytest.fixture
def make_staff_window(qtbot, station: Station) -> Iterator[Callable[..., Any]]:
    """Builds staff windows (the officer console, the admin) on a station with the demo
    accounts: `make(OfficerWindow)`, or `make(AdminWindow, other_station)`. Closed after."""
    # The station is a copy of the session's demo seed (tests/conftest.py `database_url`), so
    # this finds everything there and adds nothing: it only checks.
    seed_demo(station)
    windows: list[Any] = []

    def make(window_class: type, station_: Station = station) -> Any:
        window = window_class(station_)
        qtbot.addWidget(window)
        window.resize(1600, 900)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
