"""The party's kiosk through its real widgets, offscreen, on a real database.

Speech is the silent back-end (the machine has no speakers); taps are mouse clicks (it has no
touch panel). Everything else is real: the window, the screens, the background operations,
the engine and the SQLite or PostgreSQL database.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from datetime import UTC, datetime

import pytest
from kiosk_driver import KioskDriver
from test_cases import sample_file

from kiosk.cases import find_case, open_case
from kiosk.guessing import MACHINE_LIMIT
from kiosk.interview import flatten_answers
from kiosk.models import Signature
from kiosk.review import return_case
from kiosk.speech import SilentRenderer
from kiosk.station import Station
from kiosk.users import add_user
from ui.kiosk.window import KioskWindow

TEMPLATES = ["minor-assault", "petty-theft", "property-damage"]


def open_for(station: Station, template: str, name: str = "张三") -> tuple[str, str]:
    with station.database.session() as session:
        case = open_case(session, station.settings, template, name,
                         arrived_at=datetime.now(UTC), arrival_mode="summoned", actor="duty",
                         today=station.today())
        return case.code, case.start_code


def through_identity(driver: KioskDriver, station: Station, template: str,
                     language: str = "zh") -> None:
    _, start_code = open_for(station, template)
    driver.enter_start_code(start_code)
    assert driver.position == "@language"
    driver.choose_language(language)
    assert driver.position == "@terms"
    driver.read_notice()
    assert driver.position == "@rights"
    driver.read_notice()
    driver.consent(True)
    assert driver.position == "@identity"
    driver.identity(dict(sample_file(station, template, language).party))


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_whole_interview_through_the_widgets(qtbot, window: KioskWindow, station: Station,
                                                template: str) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, template)
    interview = window.state.interview
    answers = flatten_answers(interview.template, sample_file(station, template).answers)
    shown = 0
    while window.state.screen is not None:
        screen = window.state.screen
        assert window.step_label.text() == f"第 {screen.step} 步，共 {screen.total} 步"
        driver.answer(answers[screen.path])
        shown += 1
        assert shown <= len(answers), "the interview does not end"
    assert driver.position == "@review"
    assert window.state.interview.answers == {p: window.state.interview.answers[p]
                                              for p in answers}
    driver.next()  # the statement is right: to the signature
    assert driver.position == "@signature"
    driver.sign()
    assert window.state.status == "submitted"
    with station.database.session() as session:
        assert session.query(Signature).filter_by(case_id=window.state.case_id).count() == 1
    assert window.screens["status"].title.text() == "已提交，请稍候"  # type: ignore[attr-defined]
    # The statement goes to the printer by itself (the file printer of a test station).
    window.operations.wait()
    printed = list((station.settings.resolved_data_dir / "printed").glob("*.pdf"))
    assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")


def test_an_invalid_answer_is_shown_next_to_the_field(qtbot, window: KioskWindow,
                                                      station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "minor-assault")
    driver.next()  # Next without answering admits_facts
    error = window.screens["question"].error  # type: ignore[attr-defined]
    assert error.isVisible() and error.text() == "请回答这个问题。"
    assert driver.position == "admits_facts"


def test_declining_the_fast_track_tells_the_party_to_wait(qtbot, window: KioskWindow,
                                                          station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    code, start_code = open_for(station, "petty-theft")
    driver.enter_start_code(start_code)
    driver.choose_language("en")
    driver.read_notice()
    driver.read_notice()
    driver.consent(False)
    status = window.screens["status"]
    assert status.title.text() == "Please wait for the officer"  # type: ignore[attr-defined]
    with station.database.session() as session:
        assert find_case(session, code).status == "converted"


def test_an_exclusion_ends_the_interview(qtbot, window: KioskWindow, station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "property-damage")
    driver.answer(False)  # admits_facts: no
    assert window.state.status == "converted"
    assert window.screens["status"].title.text() == "请等待民警"  # type: ignore[attr-defined]


def test_the_officer_returns_it_and_the_party_corrects_one_answer(
        qtbot, window: KioskWindow, station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "minor-assault")
    answers = flatten_answers(window.state.interview.template,
                              sample_file(station, "minor-assault").answers)
    while window.state.screen is not None:
        driver.answer(answers[window.state.screen.path])
    driver.next()
    driver.sign()
    case_id = window.state.case_id
    with station.database.session() as session:
        officer = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        from kiosk.models import Case
        case = session.get(Case, case_id)
        return_case(session, case, officer, {"incident_place": "请写明门牌号"},
                    today=station.today(), now=station.local_now().replace(tzinfo=None))
    driver.settle()  # the waiting screen hears of the return by itself (change notifier)
    qtbot.waitUntil(lambda: window.state.status == "returned", timeout=10_000)
    driver.tap(window.screens["status"].action)  # type: ignore[attr-defined]
    assert driver.position == "@review"
    assert "民警请您修改" in window.screens["review"].help.text()  # type: ignore[attr-defined]
    review = window.screens["review"]
    change = [b for b in review.findChildren(type(window.next_button))
              if b.text() == "修改"]
    assert change
    window.on_intent("change", "incident_place")  # the 修改 button of the commented answer
    driver.settle()
    assert driver.position == "incident_place"
    comment = window.screens["question"].comment  # type: ignore[attr-defined]
    assert "请写明门牌号" in comment.text()
    driver.answer("北京市朝阳区示例路1号门口")
    assert driver.position == "@review"  # back to the review, not on to the next question
    driver.next()
    driver.sign()
    assert window.state.status == "submitted"


def test_idle_timeout_shows_nothing_personal_and_the_code_resumes(
        qtbot, window: KioskWindow, station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "petty-theft")
    driver.answer(True)  # admits_facts
    position = driver.position
    start_code = None
    with station.database.session() as session:
        from kiosk.models import Case
        start_code = session.get(Case, window.state.case_id).start_code
    limit = station.settings.idle_timeout_seconds
    window.last_activity = time.monotonic() - (limit - 10)
    window._tick()
    assert "10" in window.idle_label.text() or "9" in window.idle_label.text()
    window.last_activity = time.monotonic() - limit - 1
    window._tick()
    assert window.current is window.screens["idle"]
    assert window.session is None and window.state is None
    shown = " ".join(label.text() for label in window.findChildren(type(window.idle_label))
                     if label.isVisible())
    assert "张三" not in shown and start_code not in shown
    driver.enter_start_code(start_code)
    assert driver.position == position  # straight back to the same question
    assert window.current is window.screens["question"]


def test_escape_and_close_do_not_leave_the_kiosk(qtbot, window: KioskWindow) -> None:
    from PySide6.QtCore import Qt
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    window.close()
    assert window.isVisible()
    driver = KioskDriver(qtbot, window)
    driver.tap(window.staff_button)
    pin = window.screens["pin"]
    driver.keypad(window.screens["pin"].findChild(type(window.screens["code"].keypad)), "1111")
    driver.tap(pin.exit)  # type: ignore[attr-defined]
    # Checked against its hash off the screen's thread (kiosk/guessing.py).
    qtbot.waitUntil(lambda: pin.error.text() == "密码不正确。")  # type: ignore[attr-defined]
    assert window.isVisible()
    driver.keypad(window.screens["pin"].findChild(type(window.screens["code"].keypad)),
                  window.station.settings.admin_pin)
    driver.tap(pin.exit)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not window.isVisible())


def test_after_five_wrong_start_codes_the_kiosk_says_how_long_to_wait(
        qtbot, window: KioskWindow) -> None:
    driver = KioskDriver(qtbot, window)
    driver.tap(window.screens["idle"].start)  # type: ignore[attr-defined]
    screen = window.screens["code"]
    for n in range(1, MACHINE_LIMIT + 1):
        screen.code.clear()  # type: ignore[attr-defined]
        driver.keypad(screen.keypad, "000000")  # type: ignore[attr-defined]
        driver.next()
        qtbot.waitUntil(lambda: window.next_button.isEnabled())
        shown = screen.error.text()  # type: ignore[attr-defined]
        if n < MACHINE_LIMIT:
            assert shown.startswith("没有找到这个开始码")
    assert shown == ("输入错误次数过多，请 30 秒后再试。\n"
                     "Too many wrong tries. Please try again in 30 seconds.")


def test_every_screen_is_read_aloud_in_the_party_language(qtbot, window: KioskWindow,
                                                          station: Station) -> None:
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "minor-assault", language="en")
    renderer: SilentRenderer = window.renderer  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any("admit" in text for text, _ in renderer.requests),
                    timeout=5000)
    assert all(language == "en" for text, language in renderer.requests
               if "admit" in text)


def test_a_wait_of_two_minutes_or_more_is_said_in_whole_minutes() -> None:
    from ui.kiosk.strings import wait_words
    assert wait_words(119, "en") == "Too many wrong tries. Please try again in 119 seconds."
    assert wait_words(120, "en") == "Too many wrong tries. Please try again in 2 minutes."
    assert wait_words(121, "zh") == "输入错误次数过多，请 3 分钟后再试。"
