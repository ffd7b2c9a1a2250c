"""Form helpers shared by the console and the admin: an error line, a field marked invalid."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def error_label() -> QLabel:
    """The red line under a field saying what to change (hidden while there is nothing)."""
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def set_state(widget: QWidget, name: str, on: bool) -> None:
    """Sets a stylesheet property (e.g. "invalid") and restyles the widget at once."""
    widget.setProperty(name, on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    set_state(widget, "invalid", invalid)
