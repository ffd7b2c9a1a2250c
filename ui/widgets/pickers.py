"""Pickers for dates, times and numbers that a party sets with big − / + buttons, no keyboard.

Every picker starts empty ("—") unless given a value, so a date the party never touched is never
taken for an answer. The first touch on an empty picker shows its starting value (today, now, or
the caller's `anchor`) without stepping; later touches step from what is shown.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPointF, QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets.keypad import DigitKeypad
from ui.widgets.touch import TouchWidget, set_role

EMPTY = "—"  # shown for a value the party has not set yet
PLUS = "+"
MINUS = "−"  # U+2212, as wide as the plus sign
REPEAT_DELAY_MS = 600  # holding a step button repeats it, slowly enough to stop on the value
REPEAT_INTERVAL_MS = 180
MINUTES_PER_DAY = 24 * 60


def sign_icon(sign: str, side: int) -> QIcon:
    """A thick + or − for a step button: a font's plus sign is thin and small on a big button."""
    icon = QIcon()
    for mode, colour in ((QIcon.Mode.Normal, theme.BLUE), (QIcon.Mode.Disabled, theme.MUTED)):
        pixmap = QPixmap(side * 2, side * 2)  # drawn at twice the size, so it stays sharp
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(colour), side * 2 / 7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        low, middle, high = side * 2 / 7, side, side * 2 - side * 2 / 7
        painter.drawLine(QPointF(low, middle), QPointF(high, middle))
        if sign == PLUS:
            painter.drawLine(QPointF(middle, low), QPointF(middle, high))
        painter.end()
        pixmap.setDevicePixelRatio(2.0)
        icon.addPixmap(pixmap, mode)
    return icon


def step_button(sign: str, parent: QWidget) -> QPushButton:
    """A big − or + button that repeats while held and never takes the focus."""
    button = QPushButton(parent)
    button.setProperty("sign", sign)
    button.setAccessibleName(sign)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoRepeat(True)
    button.setAutoRepeatDelay(REPEAT_DELAY_MS)
    button.setAutoRepeatInterval(REPEAT_INTERVAL_MS)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def fit_step_button(button: QPushButton, gap: int) -> None:
    """Size a step button's sign to the stylesheet's touch height (four gaps)."""
    side = max(16, round(gap * 4 * 0.4))
    button.setIcon(sign_icon(button.property("sign"), side))
    button.setIconSize(QSize(side, side))


class StepField:
    """One column of a picker: its caption, a + button, the value shown large, a − button."""

    def __init__(self, parent: QWidget, grid: QGridLayout, column: int, caption: str,
                 widest: str, on_step: Callable[[int], None]) -> None:
        self.caption = QLabel(caption, parent)
        self.caption.setProperty("role", "item")
        self.plus = step_button(PLUS, parent)
        # The value sits in a white box between its buttons, like a field on a form.
        self.value_box = QFrame(parent)
        self.value_box.setProperty("role", "paper")
        self.value_label = QLabel(EMPTY, self.value_box)
        self.value_label.setProperty("role", "question")
        box = QVBoxLayout(self.value_box)
        box.addWidget(self.value_label)
        self.minus = step_button(MINUS, parent)
        for row, widget in enumerate((self.caption, self.plus, self.value_box, self.minus)):
            grid.addWidget(widget, row, column)
        for label in (self.caption, self.value_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._widest = widest
        self.plus.clicked.connect(lambda: on_step(+1))
        self.minus.clicked.connect(lambda: on_step(-1))
        self.set_caption(caption)

    def set_caption(self, caption: str) -> None:
        """Name the field (年 / Year) above its buttons, and to a screen reader."""
        self.caption.setText(caption)
        self.plus.setAccessibleName(f"{caption} {PLUS}")
        self.minus.setAccessibleName(f"{caption} {MINUS}")

    def display(self, text: str, *, can_increase: bool = True, can_decrease: bool = True) -> None:
        """Show `text` as the value; a button that would change nothing is disabled."""
        self.value_label.setText(text)
        # The empty mark is muted, so "—" is not read as a value (or as the − button's sign).
        set_role(self.value_label, "help" if text == EMPTY else "question")
        self.plus.setEnabled(can_increase)
        self.minus.setEnabled(can_decrease)

    def text(self) -> str:
        """The value as a person reads it."""
        return self.value_label.text()

    def fit(self, gap: int) -> None:
        """Size the field to the stylesheet: buttons two touch targets wide, a steady value."""
        for button in (self.plus, self.minus):
            fit_step_button(button, gap)
            button.setMinimumWidth(gap * 8)
        self.value_box.layout().setContentsMargins(gap // 2, gap // 4, gap // 2, gap // 4)
        # Sized for the widest value in the value's own font, whatever is shown now, so the
        # buttons never move as the value changes or the empty mark gives way to a number.
        shown_role = self.value_label.property("role")
        set_role(self.value_label, "question")
        metrics = self.value_label.fontMetrics()
        self.value_label.setMinimumSize(metrics.horizontalAdvance(self._widest), metrics.height())
        set_role(self.value_label, shown_role)


class _FieldPicker(TouchWidget):
    """Columns of step fields side by side, spaced wider between fields than within one."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._fields: dict[str, StepField] = {}
        # As wide as its fields need and no wider: three buttons across a 1920 px screen read
        # as a banner, not as one control.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)

    def field(self, name: str) -> StepField:
        """The column called `name` (year, month, day; hour, minute)."""
        return self._fields[name]

    def restyle(self, gap: int) -> None:
        self._grid.setHorizontalSpacing(gap * 2)
        self._grid.setVerticalSpacing(gap // 2)
        for field in self._fields.values():
            field.fit(gap)

    def _add_field(self, name: str, column: int, caption: str, widest: str) -> None:
        self._fields[name] = StepField(self, self._grid, column, caption, widest,
                                       lambda delta: self._step(name, delta))
        self._grid.setColumnStretch(column, 1)

    def _step(self, name: str, delta: int) -> None:
        raise NotImplementedError


class DatePicker(_FieldPicker):
    """A date set with − / + on year, month and day, shown large, between optional bounds.

    Stepping the day crosses into the next or previous month; stepping the month or year keeps
    the day where it can and otherwise takes the month's last day (31 Jan, month + → 28/29 Feb).
    A value outside [minimum, maximum] is brought to the nearest bound. `changed` carries the new
    date (or None).
    """

    changed = Signal(object)

    def __init__(self, value: date | None = None, *, minimum: date | None = None,
                 maximum: date | None = None, anchor: date | None = None,
                 captions: tuple[str, str, str] = ("年", "月", "日"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._minimum = date.min
        self._maximum = date.max
        self._anchor = anchor
        self._value: date | None = None
        for column, (name, caption, widest) in enumerate(
                zip(("year", "month", "day"), captions, ("0000", "00", "00"), strict=True)):
            self._add_field(name, column, caption, widest)
        self.set_range(minimum, maximum)
        self.set_value(value)
        self._show()

    def value(self) -> date | None:
        """The date shown, or None while the picker is empty."""
        return self._value

    def set_value(self, value: date | None) -> None:
        """Show `value` (brought within the bounds), or empty the picker with None."""
        if isinstance(value, datetime):
            value = value.date()
        self._set(None if value is None else self._clamp(value))

    def minimum(self) -> date:
        """The earliest date the picker allows."""
        return self._minimum

    def maximum(self) -> date:
        """The latest date the picker allows."""
        return self._maximum

    def set_range(self, minimum: date | None, maximum: date | None) -> None:
        """Allow dates from `minimum` to `maximum` (None: no bound); the value follows."""
        low, high = minimum or date.min, maximum or date.max
        if low > high:
            raise ValueError(f"minimum {low} is after maximum {high}")
        self._minimum, self._maximum = low, high
        self._set(None if self._value is None else self._clamp(self._value))
        self._show()

    def anchor(self) -> date:
        """The date the first touch shows: the caller's anchor, or today, within the bounds."""
        return self._clamp(self._anchor or date.today())

    def set_captions(self, year: str, month: str, day: str) -> None:
        """Name the three fields (a language switch)."""
        for name, caption in (("year", year), ("month", month), ("day", day)):
            self._fields[name].set_caption(caption)

    def _clamp(self, value: date) -> date:
        return min(max(value, self._minimum), self._maximum)

    def _stepped(self, name: str, delta: int, start: date) -> date:
        if name == "day":
            try:
                return self._clamp(start + timedelta(days=delta))
            except OverflowError:
                return start
        months = start.year * 12 + start.month - 1 + (delta * 12 if name == "year" else delta)
        year, month = divmod(months, 12)
        if not date.min.year <= year <= date.max.year:
            return start
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return self._clamp(date(year, month + 1, day))

    def _step(self, name: str, delta: int) -> None:
        if self._value is None:
            self._set(self.anchor())
        else:
            self._set(self._stepped(name, delta, self._value))

    def _set(self, value: date | None) -> None:
        if value == self._value:
            return
        self._value = value
        self._show()
        self.changed.emit(value)

    def _show(self) -> None:
        value = self._value
        for name, field in self._fields.items():
            if value is None:
                field.display(EMPTY)
                continue
            number = {"year": value.year, "month": value.month, "day": value.day}[name]
            field.display(str(number),
                       can_increase=self._stepped(name, +1, value) != value,
                       can_decrease=self._stepped(name, -1, value) != value)


class TimePicker(_FieldPicker):
    """A time of day set with − / + on the hour and on the minute (in steps of five).

    Minute steps land on the step (14:37 → 14:40 or 14:35) and carry into the hour; both wrap
    round midnight. `set_value` takes any exact time, which is shown as it is. `changed` carries
    the new time (or None).
    """

    changed = Signal(object)

    def __init__(self, value: time | None = None, *, minute_step: int = 5,
                 anchor: time | None = None, captions: tuple[str, str] = ("时", "分"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if not 1 <= minute_step <= 60:
            raise ValueError("minute_step must be 1 to 60 minutes")
        self._minute_step = minute_step
        self._anchor = anchor
        self._value: time | None = None
        self._add_field("hour", 0, captions[0], "00")
        self._separator = QLabel(":", self)
        self._separator.setProperty("role", "question")
        self._separator.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._grid.addWidget(self._separator, 2, 1)
        self._add_field("minute", 2, captions[1], "00")
        self.set_value(value)
        self._show()

    def value(self) -> time | None:
        """The time shown (seconds dropped), or None while the picker is empty."""
        return self._value

    def set_value(self, value: time | None) -> None:
        """Show `value` exactly (any minute), or empty the picker with None."""
        self._set(None if value is None else value.replace(second=0, microsecond=0, tzinfo=None))

    def anchor(self) -> time:
        """The time the first touch shows: the caller's anchor, or now rounded down to a step."""
        if self._anchor is not None:
            return self._anchor.replace(second=0, microsecond=0, tzinfo=None)
        now = datetime.now()
        return time(now.hour, now.minute - now.minute % self._minute_step)

    def set_captions(self, hour: str, minute: str) -> None:
        """Name the two fields (a language switch)."""
        self._fields["hour"].set_caption(hour)
        self._fields["minute"].set_caption(minute)

    def _step(self, name: str, delta: int) -> None:
        if self._value is None:
            self._set(self.anchor())
            return
        total = self._value.hour * 60 + self._value.minute
        if name == "hour":
            total += 60 * delta
        else:
            step = self._minute_step
            on_step = math.floor(total / step) if delta > 0 else math.ceil(total / step)
            total = (on_step + delta) * step
        total %= MINUTES_PER_DAY
        self._set(time(total // 60, total % 60))

    def _set(self, value: time | None) -> None:
        if value == self._value:
            return
        self._value = value
        self._show()
        self.changed.emit(value)

    def _show(self) -> None:
        value = self._value
        self._fields["hour"].display(EMPTY if value is None else f"{value.hour:02d}")
        self._fields["minute"].display(EMPTY if value is None else f"{value.minute:02d}")


class NumberStepper(TouchWidget):
    """A whole number between bounds: big − value +, the value also typeable in place.

    The number can be typed with `keypad()` (with_keypad=True puts a DigitKeypad under it, no
    popup) or any keyboard. `value()` is None while the field is empty or holds a number outside
    the bounds; leaving the field brings such a number to the nearest bound. `changed` carries
    the new value (or None).
    """

    changed = Signal(object)

    def __init__(self, value: int | None = None, *, minimum: int = 0, maximum: int = 999,
                 step: int = 1, anchor: int | None = None, with_keypad: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if step < 1:
            raise ValueError("step must be at least 1")
        self._step_size = step
        self._anchor = anchor
        self._minimum, self._maximum = minimum, maximum
        self._value: int | None = None
        self._minus = step_button(MINUS, self)
        self._plus = step_button(PLUS, self)
        for button in (self._minus, self._plus):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._edit = QLineEdit(self)
        self._edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self._edit.setPlaceholderText(EMPTY)
        row = QHBoxLayout()
        row.addWidget(self._minus)
        row.addWidget(self._edit)
        row.addWidget(self._plus)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        self._keypad: DigitKeypad | None = None
        if with_keypad:
            self._keypad = DigitKeypad(self._edit, parent=self)
            layout.addWidget(self._keypad, 0, Qt.AlignmentFlag.AlignLeft)
        self._minus.clicked.connect(lambda: self._step(-1))
        self._plus.clicked.connect(lambda: self._step(+1))
        self._edit.textChanged.connect(self._on_text_changed)
        self._edit.editingFinished.connect(self._on_editing_finished)
        self.set_range(minimum, maximum)
        self.set_value(value)
        self._show_bounds()

    def value(self) -> int | None:
        """The number shown, or None when it is empty or outside the bounds."""
        return self._parse()

    def set_value(self, value: int | None) -> None:
        """Show `value` (brought within the bounds), or empty the field with None."""
        self._edit.setText("" if value is None else str(self._clamp(value)))

    def minimum(self) -> int:
        """The smallest number allowed."""
        return self._minimum

    def maximum(self) -> int:
        """The largest number allowed."""
        return self._maximum

    def set_range(self, minimum: int, maximum: int) -> None:
        """Allow numbers from `minimum` to `maximum`; a number shown follows."""
        if minimum > maximum:
            raise ValueError(f"minimum {minimum} is above maximum {maximum}")
        self._minimum, self._maximum = minimum, maximum
        sign = "-?" if minimum < 0 else ""
        digits = max(len(str(abs(minimum))), len(str(abs(maximum))))
        pattern = QRegularExpression(f"{sign}[0-9]{{0,{digits}}}")
        self._edit.setValidator(QRegularExpressionValidator(pattern, self._edit))
        self._edit.setMaxLength(digits + (1 if minimum < 0 else 0))
        if self._edit.text():
            self._on_editing_finished()
        self._show_bounds()
        self._fit()

    def anchor(self) -> int:
        """The number the first touch shows: the caller's anchor, or 0, within the bounds."""
        return self._clamp(0 if self._anchor is None else self._anchor)

    def line_edit(self) -> QLineEdit:
        """The field that shows the number and takes typing."""
        return self._edit

    def minus_button(self) -> QPushButton:
        """The − button."""
        return self._minus

    def plus_button(self) -> QPushButton:
        """The + button."""
        return self._plus

    def keypad(self) -> DigitKeypad | None:
        """The keypad under the number, when made with_keypad."""
        return self._keypad

    def restyle(self, gap: int) -> None:
        super().restyle(gap)
        for button in (self._minus, self._plus):
            fit_step_button(button, gap)
        self._fit()

    def _fit(self) -> None:
        self._edit.ensurePolished()
        digits = self._edit.maxLength()
        width = self._edit.fontMetrics().horizontalAdvance("0" * max(3, digits))
        self._edit.setFixedWidth(width + self._plus.minimumWidth())

    def _clamp(self, value: int) -> int:
        return min(max(value, self._minimum), self._maximum)

    def _typed(self) -> int | None:
        try:
            return int(self._edit.text())
        except ValueError:
            return None

    def _parse(self) -> int | None:
        typed = self._typed()
        if typed is None or not self._minimum <= typed <= self._maximum:
            return None
        return typed

    def _step(self, delta: int) -> None:
        typed = self._typed()
        if typed is None:
            self.set_value(self.anchor())
        else:
            self.set_value(self._clamp(typed) if self._parse() is None
                           else typed + delta * self._step_size)

    def _on_text_changed(self, _text: str) -> None:
        self._show_bounds()
        value = self._parse()
        if value != self._value:
            self._value = value
            self.changed.emit(value)

    def _on_editing_finished(self) -> None:
        typed = self._typed()
        if typed is not None and self._clamp(typed) != typed:
            self.set_value(typed)

    def _show_bounds(self) -> None:
        typed = self._typed()
        self._minus.setEnabled(typed is None or typed > self._minimum)
        self._plus.setEnabled(typed is None or typed < self._maximum)
