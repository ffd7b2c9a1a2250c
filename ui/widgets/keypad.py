"""A big on-screen digit keypad: how a party types start codes, phone and ID numbers by touch."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from ui.widgets.touch import TouchWidget

BACKSPACE = "backspace"
CLEAR = "clear"
X = "X"  # the last character of a resident ID number may be X (GB 11643)
DIGIT_ROWS = ("123", "456", "789")


class DigitKeypad(TouchWidget):
    """A 3x4 grid of big keys (1–9; clear or X, 0, ⌫) that types into a target QLineEdit.

    `wide` lays the keys out in two rows instead (1–5 and clear; 6–0, X and ⌫), for a strip
    along the bottom of the screen that must leave the field above it in view.

    Typing goes through `QLineEdit.insert`, so the target's validator and maximum length still
    decide what it accepts. With `allow_x` the X key takes the clear key's place and clear moves
    to a full-width row below. `key_pressed` carries "0"–"9", "X", "backspace" or "clear", for a
    key sound or for a screen that reads each digit aloud.
    """

    key_pressed = Signal(str)

    def __init__(self, target: QLineEdit | None = None, *, allow_x: bool = False,
                 clear_text: str = "清除", backspace_text: str = "⌫", wide: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target: QLineEdit | None = None
        self._buttons: dict[str, QPushButton] = {}
        self._wide = wide
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self._grid = grid
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"):
            self._key(key, key)
        self._key(X, X)
        self._key(BACKSPACE, backspace_text)
        self._key(CLEAR, clear_text)
        self._allow_x = allow_x
        self._place()
        self.set_labels(clear_text=clear_text, backspace_text=backspace_text)
        self.set_target(target)

    def button(self, key: str) -> QPushButton:
        """The button of `key`: "0"–"9", "X", "backspace" or "clear"."""
        return self._buttons[key]

    def target(self) -> QLineEdit | None:
        """The field the keys type into."""
        return self._target

    def set_target(self, target: QLineEdit | None) -> None:
        """Type into `target` from now on (None: the keys only emit `key_pressed`).

        The keypad is the target's keyboard, so the system's on-screen keyboard is switched off
        for it: two keyboards at once would confuse the party.
        """
        self._target = target
        if target is not None:
            target.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def allows_x(self) -> bool:
        """Whether the X key is shown (ID numbers)."""
        return self._allow_x

    def set_allow_x(self, allow_x: bool) -> None:
        """Show the X key (ID numbers) in the bottom-left corner, or the clear key there."""
        if allow_x == self._allow_x:
            return
        self._allow_x = allow_x
        self._place()

    def is_wide(self) -> bool:
        """Whether the keys stand in two long rows rather than the 3x4 grid."""
        return self._wide

    def _place(self) -> None:
        """Put every key in its cell for the layout (grid or wide) and the X key's presence."""
        grid, keys = self._grid, self._buttons
        for button in keys.values():
            grid.removeWidget(button)
        for column in range(grid.columnCount()):
            grid.setColumnStretch(column, 0)
        if self._wide:
            for column, key in enumerate("12345"):
                grid.addWidget(keys[key], 0, column)
            for column, key in enumerate("67890"):
                grid.addWidget(keys[key], 1, column)
            if self._allow_x:
                grid.addWidget(keys[CLEAR], 0, 5, 1, 2)
                grid.addWidget(keys[X], 1, 5)
                grid.addWidget(keys[BACKSPACE], 1, 6)
            else:
                grid.addWidget(keys[CLEAR], 0, 5)
                grid.addWidget(keys[BACKSPACE], 1, 5)
            columns = 7 if self._allow_x else 6
        else:
            for row, digits in enumerate(DIGIT_ROWS):
                for column, key in enumerate(digits):
                    grid.addWidget(keys[key], row, column)
            grid.addWidget(keys["0"], 3, 1)
            grid.addWidget(keys[BACKSPACE], 3, 2)
            if self._allow_x:
                grid.addWidget(keys[X], 3, 0)
                grid.addWidget(keys[CLEAR], 4, 0, 1, 3)
            else:
                grid.addWidget(keys[CLEAR], 3, 0)
            columns = 3
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        keys[X].setVisible(self._allow_x)

    def set_labels(self, *, clear_text: str, backspace_text: str) -> None:
        """Words on the clear and backspace keys (a language switch)."""
        self._buttons[CLEAR].setText(clear_text)
        self._buttons[CLEAR].setAccessibleName(clear_text)
        self._buttons[BACKSPACE].setText(backspace_text)
        self._buttons[BACKSPACE].setAccessibleName(backspace_text)

    def press(self, key: str) -> None:
        """Type `key` into the target as its button does."""
        target = self._target
        if target is not None and target.isEnabled() and not target.isReadOnly():
            if key == BACKSPACE:
                target.backspace()
            elif key == CLEAR:
                target.clear()
            else:
                target.insert(key)
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.key_pressed.emit(key)

    def _key(self, key: str, text: str) -> QPushButton:
        button = self._buttons.get(key)
        if button is None:
            button = QPushButton(text, self)
            # Keys never take the focus, so the target keeps its cursor while the party types.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setAccessibleName(text)
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            self._buttons[key] = button
        return button
