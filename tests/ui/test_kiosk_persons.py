"""A victim at the real kiosk window, offscreen, on a real database: their own start code opens
their own interview, after the notice of their role (PSAPL Art. 72), and the party's case stays
as it was.

Speech is the silent back-end (the machine has no speakers); taps are mouse clicks (it has no
touch panel). Everything else is real.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from pathlib import Path

from kiosk_driver import KioskDriver
from test_persons import VICTIM, added, victim_file
from test_review import submitted

from kiosk.cases import find_case
from kiosk.interview import flatten_answers
from kiosk.models import Signature
from kiosk.persons import find_person
from kiosk.station import Station
from ui.kiosk.window import KioskWindow


def test_a_victim_answers_their_own_interview_at_the_kiosk(
        qtbot, window: KioskWindow, station: Station, tmp_path: Path) -> None:
    code = submitted(station)
    start_code = added(station, code)
    data = json.loads(victim_file(station, tmp_path).read_text("utf-8"))
    driver = KioskDriver(qtbot, window)
    driver.enter_start_code(start_code)
    assert driver.position == "@language"
    driver.choose_language("zh")
    assert driver.position == "@rights"  # no fast-track terms, no consent: the victim's notice
    shown = window.screens["rights"]
    assert "被侵害人权利义务告知书" in shown.title.text()  # type: ignore[attr-defined]
    driver.read_notice()
    assert driver.position == "@identity"
    driver.identity(data["party"])
    answers = flatten_answers(window.state.interview.template, data["answers"])
    given = 0
    while window.state.screen is not None:
        driver.answer(answers[window.state.screen.path])
        given += 1
        assert given <= len(answers), "the interview does not end"
    assert driver.position == "@review"
    driver.next()
    assert driver.position == "@signature"
    driver.sign()
    assert window.state.status == "submitted" and window.state.party_name == VICTIM
    with station.database.session(readonly=True) as session:
        person = find_person(session, start_code)
        assert person.status == "submitted" and person.identity["name"] == VICTIM
        assert session.query(Signature).filter_by(person_id=person.id).count() == 1
        assert find_case(session, code).status == "submitted"
