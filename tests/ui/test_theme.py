"""Sizes of the kiosk: touch targets of at least 9 mm on any screen, text that scales."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.station import Station
from ui import theme
from ui.kiosk.window import KioskWindow, apply_theme


@pytest.mark.parametrize(("height", "dpi"), [(1080, 92), (1080, 160), (800, 120), (800, 300),
                                             (2160, 190)])
def test_touch_targets_are_at_least_nine_millimetres(height: int, dpi: float) -> None:
    metrics = theme.metrics_for(height, dpi)
    assert metrics.touch / dpi * 25.4 >= 9.0
    assert theme.metrics_for(height, dpi, larger_text=True).body > metrics.body


def test_text_sizes_follow_the_direction_at_1080() -> None:
    metrics = theme.metrics_for(1080, 96)
    assert 28 <= metrics.body <= 32 and 40 <= metrics.question <= 48


def test_every_button_of_the_kiosk_is_a_full_touch_target(qtbot, tmp_path) -> None:
    from kiosk.station import open_station
    station: Station = open_station({"KIOSK_DATA_DIR": str(tmp_path),
                                     "XDG_CONFIG_HOME": str(tmp_path)})
    window = KioskWindow(station)
    qtbot.addWidget(window)
    window.setFixedSize(1280, 800)
    apply_theme(window)
    window.show()
    screen = window.screen()
    metrics = theme.metrics_for(screen.geometry().height(), screen.physicalDotsPerInch())
    window.on_intent("start", None)  # the start-code screen: keypad and footer
    qtbot.waitUntil(lambda: window.current is window.screens["code"])
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) > 10
    for button in buttons:
        assert button.height() >= metrics.touch, button.text()
    window.may_close = True
    window.close()
