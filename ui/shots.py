"""What the console's and the admin's screenshot walks share: numbered shots and settling."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.station import Station


def settle_for(seconds: float, *waits: Callable[[int], object]) -> None:
    """Lets background work finish (each `wait(ms)`) and the screen catch up for `seconds`."""
    end = time.monotonic() + seconds
    app = QApplication.instance()
    assert app is not None
    while time.monotonic() < end:
        app.processEvents()
        for wait in waits:
            wait(30)


class ShotWalk:
    """A walk through screens that saves `NN-name.png`, in the order of `shots`."""

    shots: ClassVar[list[str]] = []

    def __init__(self, station: Station, folder: Path, language: str,
                 size: tuple[int, int]) -> None:
        self.station = station
        self.folder = folder
        self.language = language
        self.size = size
        self.number = 0
        folder.mkdir(parents=True, exist_ok=True)

    def shot(self, widget: QWidget, name: str) -> None:
        self.number += 1
        assert self.shots[self.number - 1] == name, (self.number, name)
        widget.grab().save(str(self.folder / f"{self.number:02d}-{name}.png"))
