"""Driving the template editor's dialogs as an admin does: the dialog a button opens is found
on screen, typed into with key events and closed with its own button.

A dialog opened with exec() blocks the click that opened it, so the answer is scheduled before
the click: `when_asked(act)` waits for the next modal dialog, then `act(dialog)` presses its keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

WAIT_MS = 15_000


def click(widget: QWidget) -> None:
    """A left click in the middle of a widget, as the mouse does it."""
    assert widget.isVisible() and widget.isEnabled(), widget
    if isinstance(widget, QCheckBox):  # on its box: a stretched check box is mostly empty
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(10, widget.height() // 2))
        return
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def when_asked(act: Callable[[QDialog], None], *, seen: list[str] | None = None) -> None:
    """On the next modal dialog: `act(dialog)` (its text is kept in `seen` for a message box)."""
    deadline = time.monotonic() + WAIT_MS / 1000

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            assert time.monotonic() < deadline, f"no dialog was opened for {act}"
            QTimer.singleShot(20, look)
            return
        if seen is not None and isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
        try:
            act(dialog)
        except BaseException:
            dialog.reject()  # never leave the test blocked under a dialog nobody answers
            raise

    QTimer.singleShot(0, look)


def press_button(dialog: QDialog, text: str) -> None:
    """Clicks the dialog's button that says `text`."""
    everything = dialog.findChildren(QAbstractButton)
    buttons = [b for b in everything if b.text() == text]
    assert buttons, f"no button {text!r} among {[b.text() for b in everything]}"
    click(buttons[0])


def answer(text: str, *, seen: list[str] | None = None) -> None:
    """The next question (a QMessageBox) is answered with its button `text`."""
    when_asked(lambda dialog: press_button(dialog, text), seen=seen)


def type_into_dialog(*texts: str) -> None:
    """The next dialog's line edits get `texts` in order, key by key; then its OK is pressed."""

    def act(dialog: QDialog) -> None:
        edits = [e for e in dialog.findChildren(QLineEdit) if e.isVisible()]
        assert len(edits) >= len(texts), f"{len(edits)} fields for {texts}"
        for edit, text in zip(edits, texts, strict=False):
            edit.setFocus()
            if text.isascii():
                QTest.keyClicks(edit, text)
            else:  # Chinese arrives as the input method commits it: all at once
                edit.insert(text)
        box = dialog.findChild(QDialogButtonBox)
        ok = box.button(QDialogButtonBox.StandardButton.Ok) if box is not None else None
        if ok is None:  # the editor's own dialogs: one primary button
            ok = next(b for b in dialog.findChildren(QPushButton)
                      if b.property("role") == "primary")
        click(ok)

    when_asked(act)
