"""The input for each question type: a touch widget that gives and takes the stored answer form."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.template_model import Question, QuestionType, text_in
from ui.kiosk.keyboard import mark_digits
from ui.kiosk.strings import tr
from ui.widgets import (
    ChoiceCards,
    DatePicker,
    DigitKeypad,
    NumberStepper,
    TimePicker,
    YesNo,
)


class AnswerInput(QObject):
    """A question's input: `widget` to show, `value()` in the answers-file form, `changed`."""

    changed = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, stored: Any) -> None:
        raise NotImplementedError

    def focus(self) -> None:
        self.widget.setFocus()


class _TextInput(AnswerInput):
    def __init__(self, multiline: bool) -> None:
        self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit() if multiline else QLineEdit()
        super().__init__(self.editor)
        signal = self.editor.textChanged
        signal.connect(lambda *_: self.changed.emit())

    def value(self) -> Any:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def set_value(self, stored: Any) -> None:
        text = "" if stored is None else str(stored)
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            self.editor.setText(text)


KEYPAD_WIDTH = 520  # px: keys the size of a phone's, not stretched across the whole screen


def digit_keypad(target: QLineEdit, language: str, *, allow_x: bool = False) -> DigitKeypad:
    """Big digit keys typing into `target`, their clear key in the party's language."""
    keypad = DigitKeypad(target, allow_x=allow_x)
    keypad.set_labels(clear_text=tr("clear", language), backspace_text="⌫")
    keypad.setMaximumWidth(KEYPAD_WIDTH)
    return keypad


class _KeypadInput(AnswerInput):
    """A one-line field typed on big digit keys (phone numbers).

    The keys stand beside the field, not under it: below, the fourth row of keys falls off a
    1280x800 screen.
    """

    def __init__(self, language: str) -> None:
        holder = QWidget()
        self.editor = QLineEdit()
        column = QVBoxLayout()
        column.addWidget(self.editor)
        column.addStretch(1)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(64)
        layout.addLayout(column, 1)
        layout.addWidget(digit_keypad(self.editor, language), 1)
        super().__init__(holder)
        self.editor.textChanged.connect(lambda _text: self.changed.emit())

    def value(self) -> Any:
        return self.editor.text()

    def set_value(self, stored: Any) -> None:
        self.editor.setText("" if stored is None else str(stored))

    def focus(self) -> None:
        self.editor.setFocus()


class _ChoiceInput(AnswerInput):
    def __init__(self, cards: ChoiceCards | YesNo) -> None:
        super().__init__(cards)
        self.cards = cards
        cards.changed.connect(lambda _value: self.changed.emit())

    def value(self) -> Any:
        return self.cards.value()

    def set_value(self, stored: Any) -> None:
        self.cards.set_value(stored)


BOUND = re.compile(r"value\s*(>=|<=|>|<)\s*(-?\d+)")
SIMPLE_RANGE = re.compile(r"^\s*value\s*[<>]=?\s*-?\d+(\s+and\s+value\s*[<>]=?\s*-?\d+)?\s*$")


def number_bounds(question: Question) -> tuple[int, int]:
    """The smallest and largest numbers a number question's stepper offers.

    The question's own min/max when the template gives them, else those of a constraint as
    simple as "value >= 1 and value <= 100" (the shipped templates'); the engine checks the
    constraint itself whatever the stepper offers.
    """
    low = int(question.min) if question.min is not None else None
    high = int(question.max) if question.max is not None else None
    constraint = question.constraint.source if question.constraint is not None else ""
    if SIMPLE_RANGE.match(constraint):
        for operator, number in BOUND.findall(constraint):
            bound = int(number)
            if operator.startswith(">") and low is None:
                low = bound + (1 if operator == ">" else 0)
            elif operator.startswith("<") and high is None:
                high = bound - (1 if operator == "<" else 0)
    low = 0 if low is None else low
    high = max(low, 99_999 if high is None else high)
    return low, high


class _NumberInput(AnswerInput):
    """A number on − / + and typed on the big digit keys, which open with the screen."""

    def __init__(self, question: Question) -> None:
        minimum, maximum = number_bounds(question)
        # The first + shows the smallest number allowed (1 time, 1 yuan), not a refused 0.
        self.stepper = NumberStepper(minimum=minimum, maximum=maximum, anchor=minimum)
        super().__init__(self.stepper)
        mark_digits(self.stepper.line_edit())
        self.stepper.changed.connect(lambda _value: self.changed.emit())

    def focus(self) -> None:
        self.stepper.line_edit().setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> Any:
        return self.stepper.value()

    def set_value(self, stored: Any) -> None:
        self.stepper.set_value(None if stored is None else int(stored))


class _MomentInput(AnswerInput):
    """Date, time or both, on big +/- pickers."""

    def __init__(self, kind: QuestionType, language: str, now: datetime) -> None:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = kind
        # The station's today and now, not this machine's clock (its zone may differ).
        today = now.date()
        minute = now.minute - now.minute % 5
        self.date = DatePicker(maximum=today, anchor=today) if kind != QuestionType.TIME \
            else None
        self.time = TimePicker(anchor=time(now.hour, minute)) if kind != QuestionType.DATE \
            else None
        for picker in (self.date, self.time):
            if picker is not None:
                layout.addWidget(picker)
                picker.changed.connect(lambda _value: self.changed.emit())
        if self.date is not None:
            self.date.set_captions(*(("年", "月", "日") if language == "zh"
                                     else ("Year", "Month", "Day")))
        if self.time is not None:
            self.time.set_captions(*(("时", "分") if language == "zh" else ("Hour", "Minute")))
        super().__init__(holder)

    def value(self) -> Any:
        day = self.date.value() if self.date else None
        moment = self.time.value() if self.time else None
        if self.kind is QuestionType.DATE:
            return day.isoformat() if day else None
        if self.kind is QuestionType.TIME:
            return moment.strftime("%H:%M") if moment else None
        if day is None or moment is None:
            return None
        return datetime.combine(day, moment).strftime("%Y-%m-%dT%H:%M")

    def set_value(self, stored: Any) -> None:
        if stored is None:
            return
        if self.kind is QuestionType.DATE and self.date:
            self.date.set_value(date.fromisoformat(stored))
        elif self.kind is QuestionType.TIME and self.time:
            self.time.set_value(time.fromisoformat(stored))
        elif self.date and self.time:
            moment = datetime.fromisoformat(stored)
            self.date.set_value(moment.date())
            self.time.set_value(moment.time().replace(second=0))


class _IdentityDocumentInput(AnswerInput):
    def __init__(self, language: str) -> None:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self.types = ChoiceCards([(t.value, text_in(DOCUMENT_TYPE_LABELS[t], language))
                                  for t in DocumentType])
        self.number = QLineEdit()
        self.number.setPlaceholderText(tr("document_number", language))
        layout.addWidget(self.types)
        layout.addWidget(self.number)
        layout.addWidget(digit_keypad(self.number, language, allow_x=True))
        super().__init__(holder)
        self.types.changed.connect(lambda _value: self.changed.emit())
        self.number.textChanged.connect(lambda _text: self.changed.emit())

    def value(self) -> Any:
        kind = self.types.value()
        if not kind and not self.number.text():
            return None
        return {"type": kind or "", "number": self.number.text()}

    def set_value(self, stored: Any) -> None:
        if isinstance(stored, dict):
            self.types.set_value(stored.get("type"))
            self.number.setText(str(stored.get("number", "")))


def answer_input(question: Question, language: str, *,
                 now: datetime | None = None) -> AnswerInput:
    """The input widget for one question, in the party's language; `now` is the station's
    local time (pickers start from its date and time)."""
    kind = question.type
    if kind is QuestionType.TEXT:
        return _TextInput(multiline=False)
    if kind is QuestionType.LONG_TEXT:
        return _TextInput(multiline=True)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        cards = ChoiceCards([(c.id, text_in(c.label, language)) for c in question.choices],
                            multiple=kind is QuestionType.MULTIPLE_CHOICE)
        return _ChoiceInput(cards)
    if kind is QuestionType.YES_NO:
        return _ChoiceInput(YesNo(*(("是", "否") if language == "zh" else ("Yes", "No"))))
    if kind is QuestionType.CONFIRMATION:
        cards = ChoiceCards([("confirmed", tr("confirm", language))], multiple=True)
        return _ConfirmationInput(cards)
    if kind is QuestionType.NUMBER:
        return _NumberInput(question)
    if kind in (QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME):
        return _MomentInput(kind, language, now or datetime.now().astimezone())
    if kind is QuestionType.PHONE:
        return _KeypadInput(language)
    if kind is QuestionType.IDENTITY_DOCUMENT:
        return _IdentityDocumentInput(language)
    raise ValueError(f"no input for question type {kind}")


class _ConfirmationInput(_ChoiceInput):
    def value(self) -> Any:
        return True if self.cards.value() else None

    def set_value(self, stored: Any) -> None:
        self.cards.set_value(["confirmed"] if stored else [])
