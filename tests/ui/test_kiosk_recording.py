"""The kiosk records the party's session (PSAPL Art. 97, 108; PR Art. 263), through the real
window, driven by taps and keys.

The machine has no camera and no microphone: the recording runs on the test source
(KIOSK_RECORDING_SOURCE=test: a moving picture and a tone through the same encoder, segments
and store as a camera's). A camera that cannot be opened is the real camera source pointed at
a device that does not exist; a camera unplugged mid-interview is the test source going silent,
which the recorder notices as it would a camera's.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk_driver import KioskDriver
from test_cases import sample_file
from test_kiosk import open_for, through_identity

from kiosk.interview import flatten_answers
from kiosk.models import AnswerRevision, AuditEvent, Case, RecordingSession, Signature
from kiosk.recording import TestSource, case_sessions, recording_problems
from kiosk.review import return_case
from kiosk.speech import SilentRenderer
from kiosk.station import Station, with_settings
from kiosk.users import add_user
from ui.kiosk.window import KioskWindow, apply_theme
from ui.speech import SpeechPlayer

SHOTS = Path(os.environ["KIOSK_SCREENSHOTS"]) / "recording" \
    if os.environ.get("KIOSK_SCREENSHOTS") else None
"""KIOSK_SCREENSHOTS=docs/screenshots keeps the screenshots (in its recording/ folder)."""


class UnpluggedWebcam(TestSource):
    """The test source until `unplug` is set: then no picture and no sound, as from a webcam
    (camera and microphone on one cable) pulled out (the recorder notices the silence, as it
    would a real device's)."""

    def __init__(self, unplug: threading.Event) -> None:
        super().__init__()
        self.unplug = unplug

    def read(self, timeout: float):  # type: ignore[no-untyped-def]
        if self.unplug.is_set():
            self.unplug.wait(timeout)
            return None
        return super().read(timeout)


@pytest.fixture
def recording_window(qtbot, station: Station) -> Iterator[Callable[..., KioskWindow]]:
    windows: list[KioskWindow] = []

    def make(width: int = 1920, height: int = 1080, **settings: object) -> KioskWindow:
        recording = with_settings(station, **{"recording_source": "test",
                                              "recording_segment_seconds": 2, **settings})
        window = KioskWindow(recording, SpeechPlayer(SilentRenderer()))
        qtbot.addWidget(window)
        window.setFixedSize(width, height)
        apply_theme(window, height=height)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.may_close = True
        window.close()


def shoot(window: KioskWindow, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / f"{name}-{window.width()}x{window.height()}.png"))


def sessions_of(station: Station, case_id: str) -> list:  # type: ignore[type-arg]
    with station.database.session(readonly=True) as session:
        return case_sessions(session, case_id)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_the_party_sees_the_red_dot_and_their_own_picture_from_the_start_code_to_the_signature(
        qtbot, recording_window, station: Station, size: tuple[int, int]) -> None:
    window = recording_window(*size)
    driver = KioskDriver(qtbot, window)
    assert not window.indicator.isVisible()  # nobody is recorded at the idle screen
    _, start_code = open_for(station, "minor-assault")
    driver.enter_start_code(start_code)
    # Recorded from the start code on: before the notices are shown.
    assert driver.position == "@language" and window.indicator.isVisible()
    case_id = window.state.case_id
    [recording] = sessions_of(station, case_id)
    assert recording.purpose == "interview" and recording.ended_at is None
    driver.choose_language("zh")
    assert driver.position == "@terms" and window.indicator.isVisible()
    notice = window.screens["terms"].speech()  # what is shown and read aloud
    assert "应当全程同步录音录像" in notice and "第九十七条" in notice
    driver.read_notice()
    driver.read_notice()
    driver.consent(True)
    driver.identity(dict(sample_file(station, "minor-assault").party))
    assert window.current is window.screens["question"]
    # The party's own picture, live: frames keep arriving on the question screens.
    qtbot.waitUntil(lambda: window.indicator.frames >= 2, timeout=10_000)
    assert window.indicator.isVisible() and window.indicator.picture.isVisible()
    assert not window.indicator.picture.pixmap().isNull()
    assert window.indicator.text.text() == "录音录像中"
    assert window.indicator.dot.text() == "●"
    shoot(window, "recording-indicator")
    answers = flatten_answers(window.state.interview.template,
                              sample_file(station, "minor-assault").answers)
    while window.state.screen is not None:
        assert window.indicator.isVisible()
        driver.answer(answers[window.state.screen.path])
    driver.next()
    assert driver.position == "@signature" and window.indicator.isVisible()
    driver.sign()
    # After the signature the recording is over, and the party is told so by the dot going.
    assert window.state.status == "submitted"
    qtbot.waitUntil(lambda: not window.indicator.isVisible(), timeout=5_000)
    [recording] = sessions_of(station, case_id)
    assert recording.end_cause == "stopped" and recording.segments >= 1
    with station.database.session(readonly=True) as session:
        revisions = session.query(AnswerRevision).filter_by(case_id=case_id).all()
        signature = session.query(Signature).filter_by(case_id=case_id).one()
    # Every answer and the signing carry where they are in the recording.
    assert revisions and all(r.recording_session_id == recording.id for r in revisions)
    offsets = [r.offset_ms for r in revisions]
    assert offsets == sorted(offsets) and offsets[0] > 0
    assert signature.recording_session_id == recording.id
    assert offsets[-1] <= signature.offset_ms <= recording.duration_s * 1000


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_a_camera_that_cannot_be_opened_asks_for_an_officer_and_no_question_is_shown(
        qtbot, recording_window, station: Station, size: tuple[int, int]) -> None:
    # The real camera source, pointed at a device that does not exist (the machine has none).
    window = recording_window(*size, recording_source="camera",
                              recording_camera="/dev/video-not-here")
    driver = KioskDriver(qtbot, window)
    _, start_code = open_for(station, "petty-theft")
    driver.enter_start_code(start_code)
    assert window.current is window.screens["recording_fault"]
    fault = window.screens["recording_fault"]
    assert "请稍候，已通知民警" in fault.title.text()  # type: ignore[attr-defined]
    assert "An officer is coming" in fault.title.text()  # type: ignore[attr-defined]
    assert "未找到摄像头" in fault.reason.text()  # type: ignore[attr-defined]
    assert not window.next_button.isVisible() and not window.indicator.isVisible()
    shoot(window, "recording-fault")
    # Nothing the party taps leads to a question or a notice.
    window.on_intent("language", "zh")
    driver.settle()
    assert window.current is window.screens["recording_fault"]
    case_id = window.state.case_id
    assert sessions_of(station, case_id) == []
    with station.database.session(readonly=True) as session:
        events = session.query(AuditEvent).filter_by(case_id=case_id,
                                                     action="recording.fault").all()
    assert [e.payload["reason"] for e in events] == ["camera_missing"]
    # The idle timeout does not take the message away: it waits for the officer.
    window.last_activity -= station.settings.idle_timeout_seconds + 1
    window._tick()
    assert window.current is window.screens["recording_fault"]


def test_a_camera_unplugged_mid_interview_stops_questioning_and_keeps_what_was_typed(
        qtbot, recording_window, station: Station) -> None:
    window = recording_window(1280, 800)
    unplug = threading.Event()
    assert window.recording is not None
    window.recording.source_factory = lambda: UnpluggedWebcam(unplug)
    driver = KioskDriver(qtbot, window)
    _, start_code = open_for(station, "petty-theft")
    driver.enter_start_code(start_code)
    driver.choose_language("zh")
    driver.read_notice()
    driver.read_notice()
    driver.consent(True)
    assert driver.position == "@identity"
    name = window.screens["identity"].fields["name"]  # type: ignore[attr-defined]
    driver.type_into(name, "Li Si")
    unplug.set()
    qtbot.waitUntil(lambda: window.current is window.screens["recording_fault"],
                    timeout=10_000)
    reason = window.screens["recording_fault"].reason.text()  # type: ignore[attr-defined]
    assert "摄像头没有画面" in reason or "麦克风没有声音" in reason
    assert not window.next_button.isVisible()
    case_id = window.state.case_id
    qtbot.waitUntil(lambda: not window.indicator.isVisible(), timeout=10_000)
    [first] = sessions_of(station, case_id)
    assert first.end_cause in ("camera_failed", "microphone_failed")
    # The officer plugs the camera back in and restarts the recording: the party is back where
    # they were, with what they had typed, in a new recorded session.
    unplug.clear()
    driver.tap(window.screens["recording_fault"].retry)  # type: ignore[attr-defined]
    assert window.current is window.screens["identity"]
    assert name.text() == "Li Si"
    assert window.indicator.isVisible()
    first, second = sessions_of(station, case_id)
    assert second.purpose == "interview" and second.ended_at is None
    with station.database.session(readonly=True) as session:
        assert session.query(RecordingSession).filter_by(case_id=case_id).count() == 2


def test_declining_the_fast_track_ends_the_recording_with_the_conversion(
        qtbot, recording_window, station: Station) -> None:
    window = recording_window(1280, 800)
    driver = KioskDriver(qtbot, window)
    _, start_code = open_for(station, "property-damage")
    driver.enter_start_code(start_code)
    driver.choose_language("zh")
    driver.read_notice()
    driver.read_notice()
    assert window.indicator.isVisible()
    driver.consent(False)
    assert window.state.status == "converted"
    qtbot.waitUntil(lambda: not window.indicator.isVisible(), timeout=10_000)
    [recording] = sessions_of(station, window.state.case_id)
    assert recording.end_cause == "stopped" and recording.segments >= 1


def test_a_returned_case_is_corrected_in_a_recorded_session_of_its_own(
        qtbot, recording_window, station: Station) -> None:
    window = recording_window(1280, 800)
    driver = KioskDriver(qtbot, window)
    through_identity(driver, station, "minor-assault")
    answers = flatten_answers(window.state.interview.template,
                              sample_file(station, "minor-assault").answers)
    while window.state.screen is not None:
        driver.answer(answers[window.state.screen.path])
    driver.next()
    driver.sign()
    case_id = window.state.case_id
    qtbot.waitUntil(lambda: not window.indicator.isVisible(), timeout=5_000)
    with station.database.session() as session:
        officer = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        return_case(session, session.get(Case, case_id), officer,
                    {"incident_place": "请写明门牌号"}, today=station.today(),
                    now=station.local_now().replace(tzinfo=None))
    driver.settle()
    qtbot.waitUntil(lambda: window.state.status == "returned", timeout=10_000)
    assert not window.indicator.isVisible()  # waiting is not questioning
    driver.tap(window.screens["status"].action)  # type: ignore[attr-defined]
    assert driver.position == "@review" and window.indicator.isVisible()
    interview, correction = sessions_of(station, case_id)
    assert interview.end_cause == "stopped" and correction.purpose == "correction"
    window.on_intent("change", "incident_place")
    driver.settle()
    driver.answer("北京市朝阳区示例路1号门口")
    driver.next()
    driver.sign()
    qtbot.waitUntil(lambda: not window.indicator.isVisible(), timeout=5_000)
    interview, correction = sessions_of(station, case_id)
    assert correction.end_cause == "stopped"
    with station.database.session(readonly=True) as session:
        corrected = session.query(AnswerRevision).filter_by(
            case_id=case_id, path="incident_place").order_by(AnswerRevision.revision).all()
        assert [r.recording_session_id for r in corrected] == [interview.id, correction.id]
        assert recording_problems(session, case_id) == []
