"""Background operations: results come back on the UI thread, even when the page is gone."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QLabel
from shiboken6 import Shiboken

from ui.operations import Operations


def test_a_result_for_a_page_closed_meanwhile_is_dropped(qtbot) -> None:
    """A log-out while a list is still loading: the list arrives for widgets that are gone.
    pytest-qt fails this test if the callback's error escapes into the event loop."""
    operations = Operations()
    label = QLabel()
    gate = threading.Event()
    failures: list[BaseException] = []
    operations.run(lambda: gate.wait(10) and "loaded", label.setText, failures.append)
    label.deleteLater()
    qtbot.waitUntil(lambda: not Shiboken.isValid(label), timeout=5_000)
    gate.set()
    qtbot.waitUntil(lambda: not operations.is_busy(), timeout=5_000)
    QApplication.processEvents()
    assert failures == []


def test_other_errors_of_a_callback_are_not_hidden(qtbot) -> None:
    operations = Operations()

    def broken(_value: object) -> None:
        raise RuntimeError("a real mistake")

    with qtbot.captureExceptions() as caught:
        operations.run(lambda: 1, broken, lambda _exc: None)
        qtbot.waitUntil(lambda: not operations.is_busy(), timeout=5_000)
    assert [str(exc) for _, exc, _ in caught] == ["a real mistake"]
