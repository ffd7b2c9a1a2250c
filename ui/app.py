"""Starting the screens: the Qt application, the theme, speech, and the kiosk window."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from kiosk.speech import SpeechUnavailable, make_renderer
from kiosk.station import Station
from ui.kiosk.window import KioskWindow, apply_theme
from ui.speech import SpeechPlayer

log = logging.getLogger(__name__)


def has_display() -> bool:
    """Whether Qt can show a window here (a desktop, or an explicit platform such as offscreen)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(os.environ.get(name) for name in
               ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def application(station: Station, *, virtual_keyboard: bool = True) -> QApplication:
    """The one QApplication, prepared before any widget exists.

    The officer console (`virtual_keyboard=False`) runs at a desk with a real keyboard.
    """
    if virtual_keyboard and station.settings.kiosk_virtual_keyboard \
            and "QT_IM_MODULE" not in os.environ:
        # Before QApplication: the Pinyin on-screen keyboard for every text field.
        os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("station-kiosk")
    return app


def speech_player(station: Station) -> SpeechPlayer:
    """Read-aloud as the settings say; silent (with a log line) where speech cannot work."""
    cache = station.settings.resolved_data_dir / "speech-cache"
    try:
        renderer = make_renderer(station.settings.kiosk_speech, cache)
    except SpeechUnavailable as exc:
        log.warning("read-aloud is off: %s", exc)
        renderer = make_renderer("silent", cache)
    return SpeechPlayer(renderer)


def kiosk_window(station: Station, *, windowed: bool = False, record: bool = True) -> KioskWindow:
    """The kiosk as `kiosk run` shows it; it records every party's session (`record=False`
    only for benchmarks comparing it without)."""
    window = KioskWindow(station, speech_player(station), record=record)
    apply_theme(window)
    if station.settings.kiosk_fullscreen and not windowed:
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    return window
