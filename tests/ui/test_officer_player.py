"""The console plays a case's recording beside the answers, and the approver sees whether it is
complete before deciding (PSAPL Art. 97, 108; PR Art. 45).

The machine has no camera: the kiosk session is recorded on the test source (a moving picture
and a tone through the real encoder and store). It has no speakers: the player's sound goes to
no device. The player is Qt Multimedia's real FFmpeg back-end (see
test_the_qt_multimedia_back_end_is_really_available).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QDialog
from test_officer import WAIT_MS, log_in, select, when_modal

from kiosk.cases import find_case
from kiosk.models import AnswerRevision
from kiosk.recording import RecordingFault, recorder_for
from kiosk.review import approve_level
from kiosk.sample_cases import open_sample_case, submitted_sample_case
from kiosk.station import Station, with_settings
from kiosk.users import get_user
from ui.officer.dialogs import DecisionDialog
from ui.officer.window import OfficerWindow

SHOTS = Path(os.environ["KIOSK_SCREENSHOTS"]) / "recording" \
    if os.environ.get("KIOSK_SCREENSHOTS") else None
"""KIOSK_SCREENSHOTS=docs/screenshots keeps the screenshot (in its recording/ folder)."""


@pytest.fixture
def make_console(make_staff_window: Callable[..., OfficerWindow]) -> Callable[..., OfficerWindow]:
    return partial(make_staff_window, OfficerWindow)


def recorded_case(station: Station) -> str:
    """A case answered at the kiosk while the test source was recorded (a few seconds)."""
    recording = with_settings(station, recording_source="test", recording_segment_seconds=2)
    case = submitted_sample_case(station, recorder=recorder_for(recording), pause_s=0.2)
    return case.id


def test_choosing_an_answer_plays_the_recording_from_the_moment_it_was_given(
        qtbot, make_console, station: Station) -> None:
    case_id = recorded_case(station)
    console = make_console(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case_id)
    view = console.console.case_view
    view.tabs.setCurrentIndex(2)  # the answers, with the recording above them
    panel = view.recording
    # The session plays: the real back-end reads the joined segments and knows their length.
    qtbot.waitUntil(lambda: panel.player.duration() > 0, timeout=WAIT_MS)
    assert panel.player.error() == QMediaPlayer.Error.NoError
    assert panel.status.text() == "录音录像完整"
    assert console.console.actions.recording.text() == "录音录像完整"  # beside the decide button
    assert panel.sessions.count() == 1 and panel.sessions.item(0).text().startswith("询问")

    # An answer from the middle of the session: a click on its row, as the officer does.
    answered = [view.answers.topLevelItem(i) for i in range(view.answers.topLevelItemCount())
                if view.answers.topLevelItem(i).childCount()]
    item = answered[len(answered) * 2 // 3]
    view.answers.scrollToItem(item)
    path = item.data(0, Qt.ItemDataRole.UserRole)
    with station.database.session(readonly=True) as session:
        offset = session.query(AnswerRevision).filter_by(case_id=case_id, path=path) \
            .order_by(AnswerRevision.revision.desc()).first().offset_ms
    assert offset > 2000  # well into the session: a seek, not the start
    rect = view.answers.visualItemRect(item)
    qtbot.mouseClick(view.answers.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: abs(panel.player.position() - offset) <= 1000, timeout=WAIT_MS)
    assert panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    qtbot.waitUntil(lambda: panel.video.frames > 0, timeout=WAIT_MS)  # the picture is drawn
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        panel.player.pause()
        console.grab().save(str(SHOTS / "console-player-1600x900.png"))


def test_the_approver_sees_a_missing_recording_and_the_decision_is_refused_in_words(
        qtbot, make_console, station: Station) -> None:
    station = with_settings(station, recording_required=True)  # a station's default
    case = submitted_sample_case(station)  # entered without the recorder: no recording
    with station.database.session() as session:
        approve_level(session, find_case(session, case.code), get_user(session, "legal"),
                      station.settings)
    console = make_console(station)
    log_in(qtbot, console, "head")
    select(qtbot, console, case.id)
    bar = console.console.actions
    qtbot.waitUntil(lambda: bar.recording.isVisible(), timeout=WAIT_MS)
    assert bar.recording.text() == "录音录像不完整：没有录音录像"
    view = console.console.case_view
    assert view.recording.message.text() == "本案没有录音录像。"
    view.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: view.recording.height() < 120, timeout=WAIT_MS)
    assert view.answers.height() > 300  # no empty player: the answers get the room
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        console.grab().save(str(SHOTS / "console-no-recording-1600x900.png"))

    def decide(dialog: QDialog) -> None:
        assert isinstance(dialog, DecisionDialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData("fine"))
        dialog.amount.setValue(300)
        dialog.circumstances.setPlainText("如实陈述")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, decide)
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "录音录像" in bar.message.text(), timeout=WAIT_MS)
    assert "第九十七条" in bar.message.text() and "没有录音录像" in bar.message.text()


def test_a_kiosk_killed_mid_interview_shows_the_gap_between_its_sessions(
        qtbot, make_console, station: Station) -> None:
    case = submitted_sample_case(station)
    # What a kiosk killed mid-interview leaves: a session never ended, then the resumed one
    # (its start closes the first as interrupted and records the gap between them).
    from kiosk.recording.store import begin_session

    started = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with station.database.session() as session:
        begin_session(session, case.id, "interview", machine="kiosk-1", source="test",
                      now=started)
    with station.database.session() as session:
        begin_session(session, case.id, "interview", machine="kiosk-1", source="test",
                      now=started + timedelta(minutes=2))
    console = make_console(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    panel = console.console.case_view.recording
    qtbot.waitUntil(lambda: panel.sessions.count() == 3, timeout=WAIT_MS)
    rows = [panel.sessions.item(i).text() for i in range(3)]
    # Station time (Asia/Shanghai): 09:00, the gap up to 09:02, then the resumed session.
    assert "自助机中断" in rows[0]
    assert rows[1] == "中断 09:00:00–09:02:00（120 秒，自助机中断）"
    assert rows[2].startswith("询问 · 03-02 09:02:00–录制中")
    assert "录音录像有中断" in panel.status.text()
    # Above the decide button: that there are gaps, and which.
    assert console.console.actions.recording.text() == (
        "录音录像不完整：录音录像未结束；录音录像有中断；录音录像片段缺失；"
        "中断 09:00:00–09:02:00（自助机中断）")


def test_a_camera_that_failed_at_the_kiosk_shows_as_a_fault_on_the_case(
        qtbot, make_console, station: Station) -> None:
    case = open_sample_case(station)
    # The kiosk's real camera source, pointed at a device that does not exist (none here).
    camera = with_settings(station, recording_source="camera",
                           recording_camera="/dev/video-not-here")
    with pytest.raises(RecordingFault):
        recorder_for(camera).start(case.id)
    console = make_console(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    faults = console.console.case_view.recording.faults
    qtbot.waitUntil(lambda: "录音录像故障：未找到摄像头" in faults.text(), timeout=WAIT_MS)
