"""Background operations: results come back on the UI thread, and never to a deleted page."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from shiboken6 import Shiboken

from ui.operations import Operations


def test_a_result_for_a_page_closed_meanwhile_is_dropped(qtbot) -> None:
    """A log-out while a list is still loading: the list arrives for a page that is gone.
    pytest-qt fails this test if the callback's error escapes into the event loop."""
    page = QWidget()
    label = QLabel(page)
    QVBoxLayout(page).addWidget(label)
    operations = Operations(page)
    gate = threading.Event()
    failures: list[BaseException] = []
    operations.run(lambda: gate.wait(10) and "loaded", label.setText, failures.append)
    page.deleteLater()  # queued before the result can be: the page goes first
    gate.set()
    qtbot.waitUntil(lambda: not Shiboken.isValid(label), timeout=5_000)
    qtbot.waitUntil(lambda: not operations._relays, timeout=5_000)
    QApplication.processEvents()
    assert failures == []


def test_a_result_reaches_a_live_page_and_its_errors_are_not_hidden(qtbot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    operations = Operations(page)
    seen: list[object] = []
    operations.run(lambda: 1, seen.append, lambda _exc: None)
    qtbot.waitUntil(lambda: seen == [1], timeout=5_000)

    def broken(_value: object) -> None:
        raise RuntimeError("Internal C++ object (QLabel) already deleted.")

    with qtbot.captureExceptions() as caught:
        operations.run(lambda: 1, broken, lambda _exc: None)
        qtbot.waitUntil(lambda: not operations.is_busy(), timeout=5_000)
    assert [str(exc) for _, exc, _ in caught] == ["Internal C++ object (QLabel) already deleted."]
