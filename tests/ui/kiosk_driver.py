"""Drives the kiosk window the way a party does: taps on cards, keys, pickers and the footer.

The machine has no touch panel: mouse clicks stand in for taps (Qt delivers both as presses on
the same widgets). Nothing here calls the engine; every answer goes in through the widgets.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScroller,
    QWidget,
)

from kiosk.template_model import QuestionType
from ui.kiosk.window import KioskWindow
from ui.widgets import ChoiceCards, DatePicker, DigitKeypad, NumberStepper, TimePicker, YesNo

LEFT = Qt.MouseButton.LeftButton


class KioskDriver:
    def __init__(self, qtbot: Any, window: KioskWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    # -- basics ----------------------------------------------------------------------------

    def settle(self) -> None:
        """Waits until the background operation has reported back and the screen is drawn."""
        self.qtbot.waitUntil(lambda: not self.window.operations.is_busy(), timeout=15_000)
        QApplication.processEvents()

    def tap(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget!r} is not on screen: a party could not tap it"
        self.qtbot.mouseClick(widget, LEFT, pos=widget.rect().center())
        self.settle()

    def next(self) -> None:
        assert self.window.next_button.isVisible() and self.window.next_button.isEnabled(), \
            f"Next is not available on {self.window.current.__class__.__name__}"
        self.tap(self.window.next_button)

    @property
    def position(self) -> str | None:
        return self.window.state.position if self.window.state else None

    def type_into(self, editor: QLineEdit | QPlainTextEdit, text: str) -> None:
        """Types like the party: keys for Latin text, the input method's commit for Chinese.

        Chinese reaches a field from the Pinyin keyboard as an input-method commit, never as
        key presses, so that is what is sent (QTest cannot press keys outside ASCII).
        """
        editor.setFocus()
        editor.clear()
        if text.isascii():
            self.qtbot.keyClicks(editor, text)
            return
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(editor, event)

    def keypad(self, keypad: DigitKeypad, digits: str) -> None:
        keypad.press("clear")
        for digit in digits:
            self.qtbot.mouseClick(keypad.button(digit), LEFT)

    # -- the fixed steps -------------------------------------------------------------------

    def enter_start_code(self, code: str) -> None:
        self.tap(self.window.screens["idle"].start)  # type: ignore[attr-defined]
        screen = self.window.screens["code"]
        self.keypad(screen.keypad, code)  # type: ignore[attr-defined]
        self.next()

    def choose_language(self, language: str) -> None:
        cards: ChoiceCards = self.window.screens["language"].cards  # type: ignore[attr-defined]
        self.tap(cards.card(language))

    def read_notice(self) -> None:
        """Swipes the notice to its end, then confirms it."""
        screen = self.window.current
        bar = screen.scroll.verticalScrollBar()  # type: ignore[attr-defined]
        bar.setValue(bar.maximum())
        QApplication.processEvents()
        self.next()

    def consent(self, agrees: bool) -> None:
        choice: YesNo = self.window.screens["consent"].choice  # type: ignore[attr-defined]
        self.tap(choice.yes_card() if agrees else choice.no_card())
        self.next()

    def identity(self, party: dict[str, Any]) -> None:
        screen = self.window.screens["identity"]
        fields = screen.fields  # type: ignore[attr-defined]
        self.type_into(fields["name"], party["name"])
        document = party["document"]
        self.tap(screen.document_type.card(document["type"]))  # type: ignore[attr-defined]
        self.type_into(fields["document_number"], document["number"])
        for key in ("phone", "address", "household_registration", "employer"):
            if party.get(key):
                self.type_into(fields[key], party[key])
        self.next()

    # -- questions -------------------------------------------------------------------------

    def answer(self, value: Any) -> None:
        """Gives the answer on the question screen shown, through its widgets, then Next."""
        screen = self.window.current
        question = screen.screen.question  # type: ignore[attr-defined]
        widget = screen.input.widget  # type: ignore[attr-defined]
        kind = question.type
        if kind is QuestionType.YES_NO:
            assert isinstance(widget, YesNo)
            self.tap(widget.yes_card() if value else widget.no_card())
        elif kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            assert isinstance(widget, ChoiceCards)
            chosen = [value] if isinstance(value, str) else value
            for choice_id in chosen:
                if not widget.card(choice_id).isChecked():
                    self.tap(widget.card(choice_id))
        elif kind is QuestionType.CONFIRMATION:
            self.tap(widget.card("confirmed"))  # type: ignore[attr-defined]
        elif kind in (QuestionType.TEXT, QuestionType.LONG_TEXT):
            self.type_into(widget, value)  # type: ignore[arg-type]
        elif kind is QuestionType.NUMBER:
            assert isinstance(widget, NumberStepper)
            self.type_into(widget.line_edit(), str(value))
        elif kind is QuestionType.PHONE:
            keypad = widget.findChild(DigitKeypad)
            self.keypad(keypad, value)
        elif kind in (QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME):
            self._moment(widget, kind, value)
        else:
            raise AssertionError(f"no driver for {kind}")
        self.next()

    def _moment(self, holder: QWidget, kind: QuestionType, value: str) -> None:
        if kind is QuestionType.DATE:
            day, moment = date.fromisoformat(value), None
        elif kind is QuestionType.TIME:
            day, moment = None, time.fromisoformat(value)
        else:
            parsed = datetime.fromisoformat(value)
            day, moment = parsed.date(), parsed.time()
        if day is not None:
            picker = holder.findChild(DatePicker)
            self._step_to(picker, "year", day.year)
            self._step_to(picker, "month", day.month)
            self._step_to(picker, "day", day.day)
            assert picker.value() == day
        if moment is not None:
            picker = holder.findChild(TimePicker)
            self._step_to(picker, "hour", moment.hour)
            self._step_to(picker, "minute", moment.minute)
            assert picker.value() == moment

    def _step_to(self, picker: Any, name: str, target: int) -> None:
        """Taps + or − on one field of a picker until it shows the target number."""
        field = picker.field(name)
        for _ in range(120):
            shown = field.text()
            current = int(shown) if shown.isdigit() else None
            if current == target:
                return
            button: QPushButton = field.plus if current is None or current < target \
                else field.minus
            self.qtbot.mouseClick(button, LEFT)
        raise AssertionError(f"{name} did not reach {target} (shows {field.text()})")

    # -- review and signature --------------------------------------------------------------

    def sign(self) -> None:
        pad = self.window.screens["signature"].pad  # type: ignore[attr-defined]
        width, height = pad.width(), pad.height()
        points = [QPoint(int(width * x), int(height * y))
                  for x, y in ((0.2, 0.6), (0.3, 0.4), (0.4, 0.65), (0.55, 0.45), (0.7, 0.6))]
        QTest.mousePress(pad, LEFT, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point, 20)
        QTest.mouseRelease(pad, LEFT, Qt.KeyboardModifier.NoModifier, points[-1])
        assert not pad.is_empty()
        self.next()


# -- one finger and the on-screen keyboard -------------------------------------------------

def drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 12) -> None:
    """A one-finger drag on `widget`: press, move in small steps, release (the machine has no
    touch panel; the kiosk's scrollers take a left-button drag as a finger)."""
    QTest.mousePress(widget, LEFT, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, steps + 1):
        point = start + (end - start) * step / steps
        QTest.mouseMove(widget, point)
        QTest.qWait(16)  # a finger's pace; the scroller moves the content on its own timer
    QTest.mouseRelease(widget, LEFT, Qt.KeyboardModifier.NoModifier, end)
    QApplication.processEvents()
    if QScroller.hasScroller(widget):  # the content glides on after the finger leaves
        scroller = QScroller.scroller(widget)
        for _ in range(300):
            if scroller.state() == QScroller.State.Inactive:
                break
            QTest.qWait(10)


def swipe_up(area: Any, fraction: float = 0.7) -> None:
    """Drags the content of a scroll area up by `fraction` of its height (to read on)."""
    viewport = area.viewport()
    x = viewport.width() // 2
    top, bottom = int(viewport.height() * (1 - fraction) / 2), \
        int(viewport.height() * (1 + fraction) / 2)
    drag(viewport, QPoint(x, bottom), QPoint(x, top))


def _quick_items(root: Any) -> Iterator[Any]:
    for child in root.childItems():
        yield child
        yield from _quick_items(child)


def keyboard_keys(keyboard: Any) -> dict[str, Any]:
    """The on-screen keyboard's visible character keys, by the text they type."""
    keys = {}
    for item in _quick_items(keyboard.rootObject()):
        meta = item.metaObject()
        names = {meta.property(i).name() for i in range(meta.propertyCount())}
        if {"key", "text"} <= names and item.isVisible():
            keys[item.property("text")] = item
    return keys


def keyboard_candidates(keyboard: Any) -> dict[str, Any]:
    """The Pinyin candidate bar's words, by their text."""
    words = {}
    for item in _quick_items(keyboard.rootObject()):
        if "SelectionListItem" in item.metaObject().className() and item.isVisible():
            for text in _quick_items(item):
                if text.metaObject().className().startswith("QQuickText") and \
                        text.property("text"):
                    words[text.property("text")] = item
    return words


def tap_item(keyboard: Any, item: Any) -> None:
    """Taps one item (a key, a candidate) of the on-screen keyboard where it is drawn."""
    centre = item.mapToScene(item.boundingRect().center())
    QTest.mouseClick(keyboard, LEFT, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(centre.x()), int(centre.y())))
    QApplication.processEvents()


def type_pinyin(qtbot: Any, keyboard: Any, pinyin: str, word: str) -> None:
    """Types `pinyin` on the keyboard's own keys and taps `word` in the candidate bar."""
    keys = keyboard_keys(keyboard)
    for letter in pinyin:
        tap_item(keyboard, keys[letter])
    qtbot.wait(300)
    qtbot.waitUntil(lambda: word in keyboard_candidates(keyboard), timeout=5_000)
    tap_item(keyboard, keyboard_candidates(keyboard)[word])


def type_letters(keyboard: Any, text: str) -> None:
    """Types Latin letters, digits or spaces on the keyboard's own keys (as they show)."""
    keys = keyboard_keys(keyboard)
    for letter in text:
        tap_item(keyboard, keys[letter])
