"""The kiosk's touch widgets, driven the way a party drives them and checked by what they show.

This machine has no touch panel: mouse presses, moves and clicks stand in for a finger (Qt turns
unhandled touches into exactly these mouse events), and one test feeds the signature pad real
QTouchEvents from QTest's fake touch screen.
"""

from __future__ import annotations

import os
from itertools import pairwise

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from collections.abc import Iterator
from datetime import date, time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, qGray
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui import theme
from ui.widgets import (
    ChoiceCards,
    DatePicker,
    DigitKeypad,
    NumberStepper,
    SignaturePad,
    TimePicker,
    YesNo,
)

SCREEN_1080 = theme.metrics_for(1080, 96)
SCREEN_800 = theme.metrics_for(800, 96)
LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@pytest.fixture(autouse=True)
def kiosk_style(qapp: QApplication) -> Iterator[None]:
    """Every widget is tested under the kiosk's own stylesheet, as on a 1920x1080 panel."""
    qapp.setStyleSheet(theme.stylesheet(SCREEN_1080))
    yield
    qapp.setStyleSheet("")


def show(qtbot: QtBot, widget: QWidget, width: int = 1200, height: int = 700) -> QWidget:
    """Put `widget` on screen at a realistic size and wait until it is laid out."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(10)  # the stylesheet's sizes reach the layouts through posted events
    return widget


def tap(qtbot: QtBot, widget: QWidget) -> None:
    """Touch the middle of `widget` where a finger would: whatever is drawn there gets it.

    The event goes to the deepest child under that point, so a label inside a card that took
    touches for itself would be caught here.
    """
    window = widget.window()
    point = widget.mapTo(window, widget.rect().center())
    target = window.childAt(point) or window
    qtbot.mouseClick(target, LEFT, NO_MODIFIER, target.mapFrom(window, point))


def checked_ids(cards: ChoiceCards) -> list[str]:
    return [card.choice_id() for card in cards.cards() if card.isChecked()]


# Choice cards ------------------------------------------------------------------------------

INJURY = [("push", "推搡"), ("hit", "用手打"), ("kick", "用脚踢"), ("object", "用物品打")]


def test_one_answer_moves_the_mark_to_the_touched_card(qtbot: QtBot) -> None:
    cards = show(qtbot, ChoiceCards(INJURY))
    assert checked_ids(cards) == [] and cards.value() is None

    with qtbot.waitSignal(cards.changed) as changed:
        tap(qtbot, cards.card("hit"))
    assert changed.args == ["hit"]
    assert checked_ids(cards) == ["hit"]

    tap(qtbot, cards.card("kick"))
    assert not cards.card("hit").isChecked()
    assert checked_ids(cards) == ["kick"] and cards.value() == "kick"

    with qtbot.assertNotEmitted(cards.changed):
        tap(qtbot, cards.card("kick"))  # a second touch does not take the answer away
    assert checked_ids(cards) == ["kick"]


def test_several_answers_toggle_each_card(qtbot: QtBot) -> None:
    cards = show(qtbot, ChoiceCards(INJURY, multiple=True))
    tap(qtbot, cards.card("kick"))
    tap(qtbot, cards.card("push"))
    assert checked_ids(cards) == ["push", "kick"]
    assert cards.value() == ["push", "kick"]  # in the order of the choices

    with qtbot.waitSignal(cards.changed) as changed:
        tap(qtbot, cards.card("push"))
    assert changed.args == [["kick"]]
    assert checked_ids(cards) == ["kick"]


def test_cards_are_touch_targets_and_long_labels_wrap(qtbot: QtBot) -> None:
    long = "I pushed the other person with both hands during the argument, but did not hit"
    cards = show(qtbot, ChoiceCards([("long", long), ("short", "No")]), width=520)
    short_card, long_card = cards.card("short"), cards.card("long")
    assert short_card.height() >= SCREEN_1080.touch
    assert long_card.label().text() == long
    assert long_card.height() > short_card.height()  # more lines, not a clipped line
    assert long_card.label().width() <= long_card.width()


def test_many_short_labels_stand_in_two_columns(qtbot: QtBot) -> None:
    items = ["手机", "钱包", "自行车", "电动车", "现金", "其他"]
    cards = show(qtbot, ChoiceCards([(str(i), t) for i, t in enumerate(items)], multiple=True))
    assert cards.columns() == 2
    first, second = cards.card("0"), cards.card("1")
    assert first.y() == second.y() and first.x() < second.x()

    assert ChoiceCards(INJURY).columns() == 1  # four choices stay in one column
    wordy = [(str(i), "A label far too long for half a row of cards") for i in range(6)]
    assert ChoiceCards(wordy).columns() == 1


def test_switching_language_keeps_the_answer(qtbot: QtBot) -> None:
    cards = show(qtbot, ChoiceCards(INJURY))
    tap(qtbot, cards.card("kick"))
    cards.set_choices([("push", "Pushed"), ("hit", "Hit"), ("kick", "Kicked"),
                       ("object", "Hit with an object")])
    assert cards.card("kick").label().text() == "Kicked"
    assert checked_ids(cards) == ["kick"]
    with pytest.raises(ValueError):
        cards.set_value("bite")


def test_yes_no_cards(qtbot: QtBot) -> None:
    answer = show(qtbot, YesNo("是", "否"))
    assert answer.value() is None
    assert answer.yes_card().label().text() == "是"
    assert answer.yes_card().y() == answer.no_card().y()  # side by side

    with qtbot.waitSignal(answer.changed) as changed:
        tap(qtbot, answer.yes_card())
    assert changed.args == [True]
    assert answer.yes_card().isChecked() and not answer.no_card().isChecked()

    tap(qtbot, answer.no_card())
    assert answer.value() is False
    assert answer.no_card().isChecked() and not answer.yes_card().isChecked()

    answer.set_labels("Yes", "No")
    assert answer.no_card().label().text() == "No" and answer.value() is False
    answer.set_value(None)
    assert not answer.yes_card().isChecked() and not answer.no_card().isChecked()


# Date, time and number pickers -------------------------------------------------------------

def shown_date(picker: DatePicker) -> tuple[str, str, str]:
    return tuple(picker.field(name).text() for name in ("year", "month", "day"))


@pytest.mark.parametrize(("year", "last_of_february"), [(2023, "28"), (2024, "29")])
def test_day_then_month_clamps_to_the_end_of_february(qtbot: QtBot, year: int,
                                                      last_of_february: str) -> None:
    picker = show(qtbot, DatePicker(date(year, 1, 30)))
    tap(qtbot, picker.field("day").plus)
    assert shown_date(picker) == (str(year), "1", "31")

    with qtbot.waitSignal(picker.changed) as changed:
        tap(qtbot, picker.field("month").plus)
    assert shown_date(picker) == (str(year), "2", last_of_february)
    assert changed.args == [date(year, 2, int(last_of_february))]


def test_day_steps_cross_into_the_next_month(qtbot: QtBot) -> None:
    picker = show(qtbot, DatePicker(date(2024, 12, 31)))
    tap(qtbot, picker.field("day").plus)
    assert shown_date(picker) == ("2025", "1", "1")
    tap(qtbot, picker.field("month").minus)
    assert picker.value() == date(2024, 12, 1)


def test_date_starts_empty_and_the_first_touch_shows_the_anchor(qtbot: QtBot) -> None:
    picker = show(qtbot, DatePicker(anchor=date(2024, 5, 10), captions=("Year", "Month", "Day")))
    assert shown_date(picker) == ("—", "—", "—")
    assert picker.value() is None
    assert picker.field("year").caption.text() == "Year"

    tap(qtbot, picker.field("day").minus)
    assert shown_date(picker) == ("2024", "5", "10")
    tap(qtbot, picker.field("day").minus)
    assert picker.value() == date(2024, 5, 9)


def test_date_stays_within_its_bounds(qtbot: QtBot) -> None:
    picker = show(qtbot, DatePicker(date(2024, 2, 20), minimum=date(2024, 1, 10),
                                    maximum=date(2024, 3, 5)))
    tap(qtbot, picker.field("month").plus)
    assert shown_date(picker) == ("2024", "3", "5")  # 20 March is past the last date allowed
    assert not picker.field("day").plus.isEnabled()
    assert not picker.field("year").plus.isEnabled()
    tap(qtbot, picker.field("day").plus)  # a disabled button does nothing
    assert picker.value() == date(2024, 3, 5)

    tap(qtbot, picker.field("year").minus)
    assert shown_date(picker) == ("2024", "1", "10")
    assert not picker.field("day").minus.isEnabled()
    assert picker.field("day").plus.isEnabled()

    picker.set_value(date(1999, 1, 1))
    assert picker.value() == date(2024, 1, 10)
    with pytest.raises(ValueError):
        picker.set_range(date(2024, 3, 1), date(2024, 2, 1))


def test_time_steps_by_five_minutes_and_shows_an_exact_time(qtbot: QtBot) -> None:
    picker = show(qtbot, TimePicker(time(14, 37)))
    assert (picker.field("hour").text(), picker.field("minute").text()) == ("14", "37")
    tap(qtbot, picker.field("minute").plus)
    assert picker.field("minute").text() == "40"
    tap(qtbot, picker.field("minute").minus)
    tap(qtbot, picker.field("minute").minus)
    assert picker.value() == time(14, 30)

    picker.set_value(time(23, 55))
    tap(qtbot, picker.field("minute").plus)
    assert (picker.field("hour").text(), picker.field("minute").text()) == ("00", "00")
    tap(qtbot, picker.field("hour").minus)
    assert picker.value() == time(23, 0)


def test_time_starts_empty(qtbot: QtBot) -> None:
    picker = show(qtbot, TimePicker(anchor=time(9, 0)))
    assert picker.field("hour").text() == "—" and picker.value() is None
    tap(qtbot, picker.field("hour").plus)
    assert picker.value() == time(9, 0)


def test_number_steps_between_its_bounds(qtbot: QtBot) -> None:
    stepper = show(qtbot, NumberStepper(minimum=1, maximum=3))
    assert stepper.line_edit().text() == "" and stepper.value() is None
    tap(qtbot, stepper.plus_button())
    assert stepper.line_edit().text() == "1"
    tap(qtbot, stepper.plus_button())
    tap(qtbot, stepper.plus_button())
    assert stepper.line_edit().text() == "3"
    assert not stepper.plus_button().isEnabled()
    with qtbot.waitSignal(stepper.changed) as changed:
        tap(qtbot, stepper.minus_button())
    assert changed.args == [2]


def test_number_can_be_typed(qtbot: QtBot) -> None:
    stepper = show(qtbot, NumberStepper(minimum=1, maximum=120))
    stepper.line_edit().setFocus()
    qtbot.keyClicks(stepper.line_edit(), "4a2")  # the letter is refused
    assert stepper.line_edit().text() == "42" and stepper.value() == 42

    stepper.line_edit().clear()
    qtbot.keyClicks(stepper.line_edit(), "999")
    assert stepper.value() is None  # out of bounds is no answer...
    qtbot.keyClick(stepper.line_edit(), Qt.Key.Key_Return)
    assert stepper.line_edit().text() == "120"  # ...and leaving the field brings it in


def test_number_keypad_types_into_the_number(qtbot: QtBot) -> None:
    stepper = show(qtbot, NumberStepper(minimum=0, maximum=120, with_keypad=True))
    keypad = stepper.keypad()
    assert keypad is not None
    for key in "42":
        tap(qtbot, keypad.button(key))
    assert stepper.line_edit().text() == "42" and stepper.value() == 42
    tap(qtbot, stepper.plus_button())
    assert stepper.line_edit().text() == "43"


# Digit keypad ------------------------------------------------------------------------------

@pytest.fixture
def host() -> QWidget:
    """A window to hold a field and its keypad, as a screen would."""
    return QWidget()


def keypad_with_field(qtbot: QtBot, host: QWidget, *,
                      allow_x: bool) -> tuple[DigitKeypad, QLineEdit]:
    field = QLineEdit(host)
    field.setMaxLength(18)
    keypad = DigitKeypad(field, allow_x=allow_x, parent=host)
    keypad.move(0, 120)
    keypad.resize(600, 600)
    show(qtbot, host, 800, 800)
    return keypad, field


def test_keypad_types_digits_x_and_backspace(qtbot: QtBot, host: QWidget) -> None:
    keypad, field = keypad_with_field(qtbot, host, allow_x=True)
    for key in "11010519491231002":
        tap(qtbot, keypad.button(key))
    with qtbot.waitSignal(keypad.key_pressed) as pressed:
        tap(qtbot, keypad.button("X"))
    assert pressed.args == ["X"]
    assert field.text() == "11010519491231002X"

    tap(qtbot, keypad.button("7"))  # the field holds 18 characters: the 19th is refused
    assert field.text() == "11010519491231002X"
    tap(qtbot, keypad.button("backspace"))
    tap(qtbot, keypad.button("backspace"))
    assert field.text() == "1101051949123100"
    tap(qtbot, keypad.button("clear"))
    assert field.text() == ""


def test_keypad_without_x_puts_clear_in_the_corner(qtbot: QtBot, host: QWidget) -> None:
    keypad, field = keypad_with_field(qtbot, host, allow_x=False)
    assert not keypad.button("X").isVisible()
    zero, clear = keypad.button("0"), keypad.button("clear")
    assert clear.isVisible() and clear.y() == zero.y() and clear.x() < zero.x()
    for key in "138":
        tap(qtbot, keypad.button(key))
    assert field.text() == "138"
    assert all(keypad.button(key).height() >= SCREEN_1080.touch for key in "0123456789")
    assert keypad.button("5").focusPolicy() == Qt.FocusPolicy.NoFocus  # the field keeps its cursor


# Signature pad -----------------------------------------------------------------------------

def sign(qtbot: QtBot, pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    """Draw one stroke through `points`, pausing between them as a hand does."""
    QTest.mousePress(pad, LEFT, NO_MODIFIER, QPoint(*points[0]))
    for x, y in points[1:-1]:
        qtbot.wait(15)
        QTest.mouseMove(pad, QPoint(x, y))
    qtbot.wait(15)
    QTest.mouseRelease(pad, LEFT, NO_MODIFIER, QPoint(*points[-1]))


def is_inked(image: QImage, x: int, y: int) -> bool:
    """Whether there is dark ink within a couple of pixels of (x, y)."""
    return any(qGray(image.pixel(x + dx, y + dy)) < 100
               for dx in range(-2, 3) for dy in range(-2, 3))


def dark_pixels(image: QImage) -> int:
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if qGray(image.pixel(x, y)) < 100)


STROKE = [(150, 200), (220, 150), (300, 240), (380, 160), (460, 230)]
ON_THE_LINE = (260, 195)  # the smoothed line runs through the middle between two points


def test_a_drag_draws_a_stroke_with_its_timing(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad("请在此处签名 / Sign here"), 1000, 400)
    assert pad.is_empty() and pad.strokes() == []

    with qtbot.waitSignal(pad.changed):
        sign(qtbot, pad, STROKE)
    assert not pad.is_empty()
    [stroke] = pad.strokes()
    assert [(x, y) for x, y, _ in stroke] == STROKE
    times = [t for _, _, t in stroke]
    assert times[0] == 0
    assert all(later > earlier for earlier, later in pairwise(times))

    # The ink is on the pad where the finger went, and the placeholder has gone.
    screen = pad.grab().toImage()
    assert is_inked(screen, *ON_THE_LINE) and is_inked(screen, *STROKE[0])
    assert dark_pixels(screen.copy(520, 0, 480, 260)) == 0


def test_a_second_stroke_keeps_counting_from_the_first_touch(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad(), 1000, 400)
    sign(qtbot, pad, STROKE)
    qtbot.wait(60)  # the hand lifts for a moment
    sign(qtbot, pad, [(600, 200), (700, 220)])
    first, second = pad.strokes()
    assert second[0][2] - first[-1][2] >= 40  # timer slack: Qt may wake a few ms early


def test_clear_empties_the_pad(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad(), 1000, 400)
    sign(qtbot, pad, STROKE)
    with qtbot.waitSignal(pad.changed):
        pad.clear()
    assert pad.is_empty() and pad.strokes() == []
    screen = pad.grab().toImage()
    assert not is_inked(screen, *ON_THE_LINE)
    assert dark_pixels(screen.copy(0, 0, 1000, 260)) > 0  # the placeholder is back
    with pytest.raises(ValueError):
        pad.to_png_bytes()


def test_png_is_the_ink_on_opaque_white_at_the_width_asked(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad(), 1000, 400)
    sign(qtbot, pad, STROKE)
    png = pad.to_png_bytes(width=640)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[25] == 2  # IHDR colour type 2: RGB, no alpha channel

    image = QImage.fromData(png)
    assert not image.isNull()
    assert image.width() == 640
    ink_aspect = (240 - 150) / (460 - 150)  # the image is cropped to the signature
    assert image.height() / image.width() == pytest.approx(ink_aspect, abs=0.12)
    assert not image.hasAlphaChannel()
    assert qGray(image.pixel(0, 0)) == 255  # white margin, not transparent
    assert dark_pixels(image) > 200

    default = QImage.fromData(pad.to_png_bytes())
    assert default.width() > 2 * (460 - 150)  # twice the pad's resolution, plus a margin


def test_a_finger_on_a_touch_screen_signs(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad(), 1000, 400)
    finger = QTest.createTouchDevice()  # QTest's fake touch screen: the machine has none
    QTest.touchEvent(pad, finger).press(0, QPoint(100, 200), pad).commit()
    QTest.touchEvent(pad, finger).move(0, QPoint(200, 150), pad).commit()
    with qtbot.waitSignal(pad.changed):
        QTest.touchEvent(pad, finger).release(0, QPoint(300, 220), pad).commit()
    assert [(x, y) for x, y, _ in pad.strokes()[0]] == [(100, 200), (200, 150), (300, 220)]


def test_the_signature_keeps_its_shape_when_the_pad_grows(qtbot: QtBot) -> None:
    pad = show(qtbot, SignaturePad(), 1000, 400)
    sign(qtbot, pad, [(100, 100), (200, 200)])
    pad.resize(2000, 1000)
    qtbot.wait(10)
    assert [(x, y) for x, y, _ in pad.strokes()[0]] == [(200, 200), (400, 400)]


# Sizes follow the stylesheet ---------------------------------------------------------------

def test_spacing_and_targets_follow_the_screen(qtbot: QtBot, qapp: QApplication) -> None:
    picker = show(qtbot, DatePicker(date(2024, 1, 31)))
    buttons = picker.findChildren(QPushButton)
    assert all(button.height() >= SCREEN_1080.touch for button in buttons)
    wide_gap = picker.layout().verticalSpacing()

    qapp.setStyleSheet(theme.stylesheet(SCREEN_800))
    qtbot.waitUntil(lambda: picker.layout().verticalSpacing() < wide_gap)
    assert all(button.height() >= SCREEN_800.touch for button in buttons)
