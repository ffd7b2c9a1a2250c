"""The kiosk under one finger, at the screen sizes stations have, as a party sees it.

Everything is the real window on a real database, driven only by input events: mouse presses,
moves and releases stand in for a finger (this machine has no touch panel), and text is typed
by tapping the on-screen keyboard's own keys and its Pinyin candidates. Speech is the silent
back-end (no speakers here): what the kiosk asked to say is read back from the player.

The on-screen keyboard needs Qt Virtual Keyboard as the input method from the moment the
QApplication exists, so this module asks for it when it is collected (before any test makes the
application); it renders offscreen like any Qt Quick scene.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
# Only the keyboard inside the kiosk window: never a keyboard window of its own for other tests.
os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kiosk_driver import (
    KioskDriver,
    drag,
    keyboard_keys,
    swipe_up,
    tap_item,
    type_pinyin,
)
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from test_cases import sample_file

from kiosk.cases import open_case
from kiosk.party import PartySession
from kiosk.station import Station
from ui.kiosk.window import KioskWindow
from ui.widgets import ChoiceCards, DigitKeypad, NumberStepper

SIZES = [(1920, 1080), (1280, 800), (1080, 1920)]
SIZE_IDS = ["1920x1080", "1280x800", "1080x1920"]
LEFT = Qt.MouseButton.LeftButton


def open_for(station: Station, template: str = "minor-assault", name: str = "张三") -> str:
    with station.database.session() as session:
        case = open_case(session, station.settings, template, name,
                         arrived_at=datetime.now(UTC), arrival_mode="summoned", actor="duty",
                         today=station.today())
        return case.start_code


def in_window(window: KioskWindow, widget: QWidget) -> QRect:
    """Where `widget` is drawn, in the window's coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def seen(window: KioskWindow, widget: QWidget) -> QRect:
    """The part of `widget` a person sees: clipped by every scroll area and frame above it."""
    visible = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(window, visible.topLeft()), visible.size())


def to_identity(driver: KioskDriver, station: Station) -> None:
    """Start code, language, both notices read by swiping, consent: the identity form."""
    driver.enter_start_code(open_for(station))
    driver.choose_language("zh")
    for _ in range(2):
        screen = driver.window.current
        bar = screen.scroll.verticalScrollBar()  # type: ignore[attr-defined]
        for _swipe in range(40):
            if bar.value() >= bar.maximum():
                break
            swipe_up(screen.scroll)  # type: ignore[attr-defined]
        driver.next()
    driver.consent(True)
    assert driver.position == "@identity"


def party_at(station: Station, question_id: str, answers: dict[str, object] | None = None,
             template: str = "minor-assault") -> str:
    """Sets up, through the engine, a party who is at the question `question_id` (its path ends
    so); returns their start code. The steps before it are not what these tests are about."""
    start_code = open_for(station, template)
    party = PartySession.resume(station, start_code)
    party.choose_language("zh")
    party.acknowledge_terms()
    party.acknowledge_rights()
    party.consent(True)
    state = party.confirm_identity(dict(sample_file(station, template).party))
    for path, value in (answers or {}).items():
        state = party.answer(path, value)
    paths = [screen.path for screen in state.interview.screens]
    party.go_to(next(path for path in paths if path.split(".")[-1] == question_id))
    return start_code


SCREENSHOTS = Path(os.environ.get("KIOSK_SCREENSHOTS", "")) if os.environ.get(
    "KIOSK_SCREENSHOTS") else None


def screenshot(window: KioskWindow, name: str, tmp_path: Path) -> Path:
    """Renders the window to PNG as a person would see it (KIOSK_SCREENSHOTS: keep them)."""
    folder = SCREENSHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert window.grab().save(str(path))
    return path


@pytest.fixture
def keyboard_window(make_window: Callable[[int, int], KioskWindow]) -> Callable[..., KioskWindow]:
    def make(width: int, height: int) -> KioskWindow:
        window = make_window(width, height)
        assert window.keyboard is not None, \
            "the on-screen keyboard is off: QT_IM_MODULE was not qtvirtualkeyboard when the " \
            "QApplication was made"
        return window
    return make


def tap_at(qtbot, window: KioskWindow, point: QPoint) -> None:
    """A tap where a person's finger lands: on whatever is drawn at `point` of the window."""
    target = window.childAt(point) or window
    qtbot.mouseClick(target, LEFT, pos=target.mapFrom(window, point))


def tap_field(qtbot, window: KioskWindow, field: QWidget) -> None:
    """Taps a field where a person sees it, and waits for its keys to open and settle."""
    area = seen(window, field)
    assert not area.isEmpty(), "the field is not on screen"
    tap_at(qtbot, window, area.center())
    qtbot.waitUntil(lambda: field.hasFocus() and window.dock.is_open(), timeout=5_000)
    qtbot.wait(200)  # the layout gives the keys their room, the field scrolls into view


def assert_keys_and_field_seen(window: KioskWindow, keys: QWidget, field: QWidget,
                               size: tuple[int, int]) -> None:
    whole = QRect(0, 0, *size)
    assert window.size().toTuple() == size, "the window grew"
    assert window.layout().totalMinimumSize().height() <= size[1], \
        "the window needs more height than the screen has: something is squeezed"
    shown = seen(window, keys)
    assert shown == in_window(window, keys) and whole.contains(shown), \
        f"part of the keys is cut off: {shown} of {in_window(window, keys)}"
    assert whole.contains(in_window(window, window.next_button)), "Next is off the screen"
    assert not in_window(window, window.next_button).intersects(shown)
    field_shown = seen(window, field)
    assert field_shown == in_window(window, field), \
        f"the field is partly hidden: {field_shown} of {in_window(window, field)}"
    assert field_shown.bottom() < shown.top(), "the field is behind the keys"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=SIZE_IDS)
def test_the_whole_pinyin_keyboard_and_the_name_field_are_seen_while_typing(
        qtbot, keyboard_window, station: Station, tmp_path: Path, width: int,
        height: int) -> None:
    window = keyboard_window(width, height)
    driver = KioskDriver(qtbot, window)
    to_identity(driver, station)
    name = window.current.fields["name"]  # type: ignore[attr-defined]
    tap_field(qtbot, window, name)
    keyboard = window.keyboard
    assert keyboard.isVisible() and not window.dock.keypad.isVisible()
    # The candidate bar is always there: the keys do not jump at the first letter.
    assert keyboard.height() >= keyboard.rootObject().implicitHeight()
    assert_keys_and_field_seen(window, keyboard, name, (width, height))
    qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    tap_item(keyboard, keyboard_keys(keyboard)["\b"]) if "\b" in keyboard_keys(keyboard) \
        else name.clear()
    name.clear()
    type_pinyin(qtbot, keyboard, "zhang", "张")
    type_pinyin(qtbot, keyboard, "san", "三")
    assert name.text() == "张三"
    assert_keys_and_field_seen(window, keyboard, name, (width, height))
    screenshot(window, f"keyboard-{width}x{height}" + ("-portrait" if height > width else ""),
               tmp_path)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=SIZE_IDS)
def test_the_last_field_of_the_form_scrolls_up_above_the_keys(
        qtbot, keyboard_window, station: Station, width: int, height: int) -> None:
    window = keyboard_window(width, height)
    driver = KioskDriver(qtbot, window)
    to_identity(driver, station)
    screen = window.current
    employer = screen.fields["employer"]  # type: ignore[attr-defined]
    bar = screen.scroll.verticalScrollBar()  # type: ignore[attr-defined]
    for _ in range(10):  # one finger brings the bottom of the form up
        if seen(window, employer).height() == employer.height():
            break
        swipe_up(screen.scroll)  # type: ignore[attr-defined]
    assert (bar.maximum() == 0 or bar.value() > 0) and \
        seen(window, employer).height() == employer.height()
    tap_field(qtbot, window, employer)
    assert_keys_and_field_seen(window, window.keyboard, employer, (width, height))
    employer.clear()
    type_pinyin(qtbot, window.keyboard, "wu", "无")
    assert employer.text() == "无"


def tap_keypad(qtbot, keypad: DigitKeypad, text: str) -> None:
    """Taps the big digit keys, one after the other."""
    for key in text:
        button = keypad.button(key)
        assert button.isVisible(), f"no {key} key on the keypad"
        qtbot.mouseClick(button, LEFT)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=SIZE_IDS)
def test_an_id_number_is_typed_on_digit_keys_and_its_error_shows_under_it(
        qtbot, keyboard_window, station: Station, width: int, height: int) -> None:
    window = keyboard_window(width, height)
    driver = KioskDriver(qtbot, window)
    to_identity(driver, station)
    screen = window.current
    number = screen.fields["document_number"]  # type: ignore[attr-defined]
    number.clear()
    tap_field(qtbot, window, number)
    keypad = window.dock.keypad
    # Digits and X, not Pinyin: the Qt keyboard stays closed.
    assert keypad.isVisible() and keypad.button("X").isVisible()
    assert not window.keyboard.isVisible()
    assert_keys_and_field_seen(window, keypad, number, (width, height))
    good = sample_file(station, "minor-assault").party["document"]["number"]
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")  # the check character does not fit
    tap_keypad(qtbot, keypad, wrong)
    assert number.text() == wrong
    window.renderer.requests.clear()  # type: ignore[attr-defined]
    driver.next()
    errors = screen.errors  # type: ignore[attr-defined]
    under_number = errors["document_number"]
    assert under_number.isVisible()
    assert under_number.text() == "身份证号码有误，请核对后重新填写。"
    assert not errors["name"].isVisible(), "the message is under the name, not the number"
    assert seen(window, under_number).height() == under_number.height(), \
        "the message is out of sight"
    qtbot.waitUntil(lambda: any(text == under_number.text() for text, _ in
                                window.renderer.requests),  # type: ignore[attr-defined]
                    timeout=5_000)
    # An empty number: the same place, another message.
    tap_field(qtbot, window, number)
    qtbot.mouseClick(keypad.button("clear"), LEFT)
    assert number.text() == ""
    driver.next()
    assert under_number.isVisible() and under_number.text() == "请选择证件类型并填写证件号码。"
    assert not errors["name"].isVisible()
    assert driver.position == "@identity"


def test_a_phone_number_is_typed_on_the_digit_keys(qtbot, keyboard_window,
                                                   station: Station) -> None:
    window = keyboard_window(1280, 800)
    driver = KioskDriver(qtbot, window)
    to_identity(driver, station)
    phone = window.current.fields["phone"]  # type: ignore[attr-defined]
    bar = window.current.scroll.verticalScrollBar()  # type: ignore[attr-defined]
    for _ in range(10):
        if seen(window, phone).height() == phone.height():
            break
        swipe_up(window.current.scroll)  # type: ignore[attr-defined]
    assert bar.value() > 0
    phone.clear()
    tap_field(qtbot, window, phone)
    keypad = window.dock.keypad
    assert keypad.isVisible() and not keypad.button("X").isVisible()
    assert_keys_and_field_seen(window, keypad, phone, (1280, 800))
    tap_keypad(qtbot, keypad, "13800138000")
    assert phone.text() == "13800138000"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=SIZE_IDS)
def test_one_finger_scrolls_a_long_choice_list_and_a_tap_still_chooses(
        qtbot, keyboard_window, station: Station, tmp_path: Path, width: int,
        height: int) -> None:
    window = keyboard_window(width, height)
    driver = KioskDriver(qtbot, window)
    driver.enter_start_code(party_at(station, "aggravating_facts"))
    screen = window.current
    cards: ChoiceCards = screen.input.widget  # type: ignore[attr-defined]
    assert len(cards.cards()) == 9
    # The choices are read aloud with the question (the last one is below the fold).
    # The reading is asked for once the screen has settled: on a loaded machine that can be a
    # moment after it is shown, so wait for it (as the party does) rather than look at once.
    def spoken() -> list[str]:
        return [text for text, _ in window.renderer.requests]  # type: ignore[attr-defined]

    def read_with_its_choices() -> bool:
        return any("以上都没有" in text and "不清楚对方年龄" in text for text in spoken())

    qtbot.waitUntil(read_with_its_choices, timeout=10_000)
    area = screen.scroll  # type: ignore[attr-defined]
    bar = area.verticalScrollBar()
    last = cards.cards()[-1]
    if height <= 1080:
        assert seen(window, last).isEmpty() or seen(window, last).height() < last.height(), \
            "the list fits: nothing to scroll"
    # A drag that starts on a card scrolls and chooses nothing.
    first = cards.cards()[0]
    start = first.mapTo(area.viewport(), first.rect().center())
    before = bar.value()
    drag(area.viewport(), start, QPoint(start.x(), max(0, start.y() - area.height() // 2)))
    assert bar.maximum() == 0 or bar.value() > before
    assert cards.value() == [], "the drag was taken for a tap"
    for _ in range(10):
        if seen(window, last).height() == last.height():
            break
        swipe_up(area)
    assert seen(window, last).height() == last.height()
    # A short tap on the last card, now in view, chooses it.
    tap_at(qtbot, window, seen(window, last).center())
    assert cards.value() == [last.choice_id()]
    screenshot(window, f"long-list-scrolled-{width}x{height}", tmp_path)


def test_a_number_starts_at_its_minimum_and_is_typed_on_the_digit_keys(
        qtbot, keyboard_window, station: Station) -> None:
    window = keyboard_window(1280, 800)
    driver = KioskDriver(qtbot, window)
    driver.enter_start_code(party_at(station, "hit_count"))
    stepper: NumberStepper = window.current.input.widget  # type: ignore[attr-defined]
    # The digit keys are open at once, the number field above them.
    qtbot.waitUntil(lambda: window.dock.keypad.isVisible(), timeout=5_000)
    qtbot.wait(200)
    assert_keys_and_field_seen(window, window.dock.keypad, stepper.line_edit(), (1280, 800))
    qtbot.mouseClick(stepper.plus_button(), LEFT)
    assert stepper.line_edit().text() == "1", "the first + shows a number the template refuses"
    tap_field(qtbot, window, stepper.line_edit())
    keypad = window.dock.keypad
    assert keypad.isVisible()
    keypad.press("clear")
    tap_keypad(qtbot, keypad, "12")
    assert stepper.value() == 12
    driver.next()
    assert driver.position != "hit_count" and "hit_count" not in (driver.position or "")
