"""The notice of the intended penalty at the kiosk (PSAPL Art. 112; PR Art. 46), driven by taps:
called back with the same start code, the party hears and reads the penalty, its facts, reasons
and basis and their rights, accepts or states and argues, and signs."""

from __future__ import annotations

import pytest
from kiosk_driver import KioskDriver

from kiosk import penalty_notice
from kiosk.cases import find_case
from kiosk.models import PenaltyNotice
from kiosk.review import Decision, approve_level
from kiosk.sample_cases import add_sample_evidence, submitted_sample_case
from kiosk.station import Station
from kiosk.users import add_user
from ui.kiosk.window import KioskWindow


def proposed_case(station: Station) -> str:
    """A case whose last level proposed a fine of 300 yuan; its start code."""
    case = submitted_sample_case(station)
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, case.code), legal, station.settings)
    add_sample_evidence(station, case.code, "legal")  # Art. 111: more than the statement
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, case.code), head, station.settings,
                               Decision("fine", "51", "殴打他人，情节较轻，如实陈述", amount=300))
    return case.start_code


def the_notice(station: Station) -> PenaltyNotice:
    with station.database.session(readonly=True) as session:
        return session.query(PenaltyNotice).one()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_party_argues_at_the_kiosk_and_signs(qtbot, window: KioskWindow,
                                                 station: Station) -> None:
    start_code = proposed_case(station)
    drive = KioskDriver(qtbot, window)
    drive.enter_start_code(start_code)
    screen = window.screens["penalty_notice"]
    assert window.current is screen
    assert screen.penalty.text() == "公安机关拟对您作出的处罚：罚款人民币300元"
    assert "殴打他人，情节较轻" in screen.facts.text()
    assert "第五十一条" in screen.basis.text()
    assert "第一百一十二条" in screen.rights.text() and "不得因您的陈述、申辩而加重处罚" \
        in screen.rights.text()
    renderer = window.renderer  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any("罚款人民币300元" in text for text, _ in renderer.requests),
                    timeout=5000)  # read aloud, too
    qtbot.waitUntil(lambda: the_notice(station).shown_at is not None, timeout=5000)
    assert not screen.grounds.isVisible()
    drive.tap(screen.choice.card("argue"))
    assert screen.grounds.isVisible() and screen.text.isVisible()
    drive.next()  # neither a reason nor a word: refused on the screen
    assert screen.error.text() == "请选择理由或写明您的意见。"
    drive.tap(screen.grounds.card("penalty"))
    drive.type_into(screen.text, "我已经赔偿了对方")
    drive.next()
    assert window.current is window.screens["signature"]
    assert "已被告知拟作出的处罚" in window.screens["signature"].help.text()
    drive.sign()
    assert window.current is window.screens["status"]
    notice = the_notice(station)
    assert notice.answer == "argued" and notice.answered_via == "kiosk"
    assert notice.argument == {"grounds": ["penalty"], "text": "我已经赔偿了对方"}
    assert notice.signature_png.startswith(b"\x89PNG") and notice.signature_strokes


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_party_accepts_and_may_go_back_from_the_signature(
        qtbot, window: KioskWindow, station: Station) -> None:
    start_code = proposed_case(station)
    drive = KioskDriver(qtbot, window)
    drive.enter_start_code(start_code)
    screen = window.screens["penalty_notice"]
    drive.next()  # nothing chosen yet
    assert screen.error.text() == "请填写此项。"
    drive.tap(screen.choice.card("accept"))
    drive.next()
    drive.tap(window.back_button)  # second thoughts: back to the notice, nothing recorded
    assert window.current is screen and the_notice(station).answer is None
    drive.next()
    drive.sign()
    assert window.current is window.screens["status"]
    assert the_notice(station).answer == "accepted"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_party_waiting_at_the_kiosk_is_called_to_the_notice(
        qtbot, window: KioskWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    drive = KioskDriver(qtbot, window)
    drive.enter_start_code(case.start_code)
    assert window.current is window.screens["status"]  # waiting for the officer
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, case.code), legal, station.settings)
    add_sample_evidence(station, case.code, "legal")  # Art. 111: more than the statement
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, case.code), head, station.settings,
                               Decision("warning", "51", "主动赔偿，取得谅解",
                                        mitigation=("harm_removed_forgiven",)))
    qtbot.waitUntil(lambda: window.current is window.screens["penalty_notice"], timeout=15_000)
    assert window.screens["penalty_notice"].penalty.text().endswith("警告")
