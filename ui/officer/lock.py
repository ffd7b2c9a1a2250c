"""The console's idle lock: the duty desk never goes dark, and shows no case data.

A console left alone locks instead of logging out (`console_lock_minutes`). The feed keeps
running under the lock, so new arrivals still chime and reach the tray (without the party's
name), and the lock shows only what a passer-by may see: how many cases wait, how many are
being answered, and the most urgent decision countdown. The same officer unlocks with the
password; another officer switches user (a full log-out).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.states import ANSWERING, CaseStatus
from ui.officer.queue import QueueModel, duration_words
from ui.officer.strings import tr
from ui.widgets.fields import error_label

WAITING = frozenset({CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW})


def lock_summary(model: QueueModel) -> tuple[int, int, datetime | None]:
    """(cases waiting for a decision, cases being answered, the earliest decision deadline)."""
    waiting = [row for row in model.rows if CaseStatus(row.status) in WAITING]
    answering = sum(1 for row in model.rows if CaseStatus(row.status) in ANSWERING)
    due = min((row.limits(model.settings).decision_due for row in waiting), default=None)
    return len(waiting), answering, due


class LockPage(QWidget):
    """What a locked console shows: counts and the most urgent countdown, and the unlock form."""

    unlock_wanted = Signal(str)  # the password typed
    switch_user_wanted = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName("LockPage")
        self.title = QLabel(tr("lock_title", language))
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counts = QLabel()
        self.counts.setProperty("role", "lockCounts")
        self.counts.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.urgent = QLabel()
        self.urgent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("password", language))
        self.password.setMaximumWidth(360)
        self.password.returnPressed.connect(self._unlock)
        self.error = error_label()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock = QPushButton(tr("unlock", language))
        self.unlock.setProperty("role", "primary")
        self.unlock.clicked.connect(self._unlock)
        self.switch_user = QPushButton(tr("switch_user", language))
        self.switch_user.clicked.connect(self.switch_user_wanted.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.switch_user)
        buttons.addWidget(self.unlock)
        buttons.addStretch(1)
        field = QHBoxLayout()
        field.addStretch(1)
        field.addWidget(self.password)
        field.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(2)
        for widget in (self.title, self.who, self.counts, self.urgent):
            column.addWidget(widget)
        column.addSpacing(24)
        column.addLayout(field)
        column.addWidget(self.error)
        column.addLayout(buttons)
        column.addStretch(3)

    def show_locked(self, user_name: str, model: QueueModel | None) -> None:
        self.who.setText(tr("lock_who", self.language, name=user_name))
        self.password.clear()
        self.error.setVisible(False)
        self.refresh(model)
        self.password.setFocus()

    def refresh(self, model: QueueModel | None) -> None:
        """Counts and the most urgent countdown, never a name or a case code."""
        if model is None:
            return
        waiting, answering, due = lock_summary(model)
        self.counts.setText(tr("lock_counts", self.language, waiting=waiting,
                               answering=answering))
        if due is None:
            self.urgent.setText(tr("lock_nothing_due", self.language))
        else:
            left = due - model.now
            key = "lock_overdue" if left.total_seconds() < 0 else "lock_most_urgent"
            self.urgent.setText(tr(key, self.language, time=duration_words(left)))

    def refused(self, message: str) -> None:
        self.password.clear()
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.setFocus()

    def _unlock(self) -> None:
        self.unlock_wanted.emit(self.password.text())
