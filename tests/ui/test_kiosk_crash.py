"""A kiosk process killed mid-interview loses nothing: the start code resumes the same screen,
in a new recorded session after the gap."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime

from kiosk_driver import KioskDriver
from test_cases import sample_file

from kiosk.cases import open_case
from kiosk.recording import case_sessions
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from ui.kiosk.window import KioskWindow

# The child is the real kiosk window in its own process, driven through its intents (there is
# nobody to tap it); it reports where it is after every saved answer, then the test kills it.
CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication
from kiosk.station import open_station
from ui.kiosk.window import KioskWindow

app = QApplication([])
station = open_station()
window = KioskWindow(station)
window.show()
start_code, party, answers = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])

def step(action, payload=None):
    window.on_intent(action, payload)
    window.operations.wait()
    for _ in range(5):
        app.processEvents()

step("start")
step("code", start_code)
step("language", "zh")
window.screens["terms"].has_read_to_end = True
step("terms_read")
step("rights_read")
step("consent", True)
step("identity", party)
for _ in range(3):
    path = window.state.position
    step("answer", (path, answers[path]))
print("SAVED", window.state.position, flush=True)
while True:
    app.processEvents()
"""


def test_sigkill_mid_interview_then_resume(qtbot, make_window, station: Station,
                                           station_env: dict[str, str]) -> None:
    with station.database.session() as session:
        case = open_case(session, station.settings, "minor-assault", "张三",
                         arrived_at=datetime.now(UTC), arrival_mode="summoned", actor="duty",
                         today=station.today())
    answers_file = sample_file(station, "minor-assault")
    from kiosk.interview import flatten_answers
    from kiosk.template_store import get_version, template_of
    with station.database.session() as session:
        template = template_of(get_version(session, "minor-assault"))
    answers = flatten_answers(template, answers_file.answers)
    # The child records as a kiosk does, on the test source (the machine has no camera).
    env = {**station_env, "QT_QPA_PLATFORM": "offscreen", "KIOSK_KIOSK_SPEECH": "silent",
           "KIOSK_RECORDING_SOURCE": "test"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, case.start_code, json.dumps(dict(answers_file.party)),
         json.dumps(answers)], env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("SAVED"), child.stderr.read()  # type: ignore[union-attr]
        position = line.split()[1]
    finally:
        os.kill(child.pid, signal.SIGKILL)  # the power cut
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # A fresh kiosk starts at the idle screen, showing nothing of the party.
    window: KioskWindow = make_window(1280, 800, recorded=True)
    assert window.current is window.screens["idle"]
    driver = KioskDriver(qtbot, window)
    driver.enter_start_code(case.start_code)
    assert driver.position == position  # straight back to the same screen
    assert window.current is window.screens["question"]
    given = window.state.interview.answers
    for path in ("admits_facts", "communication_disability", "mental_illness"):
        assert given[path] == answers[path]  # nothing lost
    # The resumed interview is recorded in a new session; the killed one is closed as
    # interrupted, with the gap between them recorded (PSAPL Art. 97: shown to the approver).
    assert window.indicator.isVisible()
    with station.database.session(readonly=True) as session:
        killed, resumed = case_sessions(session, case.id)
    assert killed.end_cause == "interrupted" and resumed.ended_at is None
    [gap] = killed.gaps
    assert gap.cause == "interrupted" and gap.to_at == resumed.started_at
