"""The case's audio and video recording in the console (PSAPL Art. 97, 108; PR Art. 45, 263).

Beside the answers: the sessions of the case with every gap between them, whether the recording
is complete (what the approval gate asks, `recording_problems`), and a player. Choosing an
answer plays the recording from the moment it was given: the answer revision's offset in its
session. A session is played from one file that `write_session_file` joins from the stored
segments (its timeline is the session's), written to a temporary folder on this machine; the
segments themselves come from the station database, so a session recorded on another machine
plays the same.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QShowEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from kiosk.recording import SessionSummary, case_sessions, recording_problems
from kiosk.station import Station
from ui.officer.strings import RECORDING_PROBLEMS, tr
from ui.officer.timezone import local
from ui.operations import Operations

VIDEO_SIZE = (320, 240)
QWIDGETSIZE_MAX = (1 << 24) - 1


@dataclass(frozen=True)
class CaseRecording:
    """What the console shows of a case's recording, read in one transaction."""

    case_id: str
    sessions: tuple[SessionSummary, ...]
    problems: tuple[str, ...]
    answers: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    """(path, revision) -> (session id, offset in ms): where each answer was given."""

    def moment_of(self, path: str, revision: int | None = None) -> tuple[str, int] | None:
        """Where an answer (its latest revision unless one is named) is in the recording."""
        if revision is not None:
            return self.answers.get((path, revision))
        given = [r for (p, r) in self.answers if p == path]
        return self.answers.get((path, max(given))) if given else None


def read_case_recording(station: Station, case_id: str) -> CaseRecording:
    from kiosk.recording.export import recording_index

    with station.database.session(readonly=True) as session:
        sessions = case_sessions(session, case_id)
        problems = recording_problems(session, case_id)
        index = recording_index(session, case_id, sessions, [], station.settings.timezone)
    answers = {(a["path"], int(a["revision"])): (a["session"], int(a["offset_ms"]))
               for a in index["answers"] if a["session"] and a["offset_ms"] is not None}
    return CaseRecording(case_id, tuple(sessions), tuple(problems), answers)


def write_session(station: Station, session_id: str, segments: int,
                  folder: Path) -> Path | None:
    """The session as one playable file in `folder`; None: nothing stored. Written once for
    each number of segments: a session still recording is written again when it has grown."""
    from kiosk.recording.export import write_session_file

    target = folder / f"{session_id}-{segments}.mkv"
    if target.exists():
        return target
    partial = folder / f"{session_id}-{segments}.part.mkv"
    with station.database.session(readonly=True) as session:
        if not write_session_file(session, session_id, partial):
            return None
    partial.replace(target)
    return target


def clock(ms: int) -> str:
    seconds = max(ms, 0) // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else \
        f"{rest // 60:02d}:{rest % 60:02d}"


def completeness_words(recording: CaseRecording, language: str) -> str:
    """"录音录像完整", or what is missing (the words of the approval refusal)."""
    if not recording.problems:
        return tr("recording_complete", language)
    separator = "；" if language == "zh" else "; "
    problems = separator.join(RECORDING_PROBLEMS.get(p, {}).get(language, p)
                              for p in recording.problems)
    gaps = [tr("recording_gap_short", language, start=local(gap.from_at, "%H:%M:%S"),
               end=local(gap.to_at, "%H:%M:%S"), cause=cause_words(gap.cause, language))
            for summary in recording.sessions for gap in summary.gaps]
    if gaps:  # the list of gaps, before deciding
        problems += separator + separator.join(gaps)
    return tr("recording_incomplete_short", language, problems=problems)


def session_words(summary: SessionSummary, language: str) -> str:
    purpose = tr(f"recording_purpose_{summary.purpose}", language) \
        if summary.purpose in ("interview", "correction", "notice") else summary.purpose
    end = local(summary.ended_at, "%H:%M:%S") if summary.ended_at else \
        tr("recording_open", language)
    duration = clock(int((summary.duration_s or summary.recorded_ms / 1000) * 1000))
    words = f"{purpose} · {local(summary.started_at, '%m-%d %H:%M:%S')}–{end} · {duration}"
    if summary.end_cause not in (None, "stopped"):
        words += " · " + tr("recording_ended_by", language,
                            cause=cause_words(summary.end_cause or "", language))
    return words


def cause_words(cause: str, language: str) -> str:
    key = f"recording_cause_{cause}"
    try:
        return tr(key, language)
    except KeyError:
        return cause


class VideoView(QWidget):
    """The player's picture: the frames of a QVideoSink, drawn to fit (4:3, letterboxed).

    Drawn by the widget itself rather than by QVideoWidget, whose native video window is
    missing from the console's grabs (screenshots) and from offscreen test runs."""

    def __init__(self) -> None:
        super().__init__()
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._frame)
        self.image = QImage()
        self.frames = 0
        self.setMinimumSize(*VIDEO_SIZE)

    def _frame(self, frame: QVideoFrame) -> None:
        image = frame.toImage()
        if not image.isNull():
            self.image = image
            self.frames += 1
            self.update()

    def clear(self) -> None:
        self.image = QImage()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#101820"))
        if not self.image.isNull():
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self.image)
        painter.end()


class RecordingStatus(QLabel):
    """Beside the decide button: is the recording complete? (PSAPL Art. 97, 108)"""

    def __init__(self) -> None:
        super().__init__()
        # Wrapped, so a long list of gaps never widens the action bar past a small screen
        # (the bar then could not drop its buttons' shortcuts to fit).
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_recording(self, recording: CaseRecording | None, language: str) -> None:
        if recording is None:
            self.hide()
            return
        self.setText(completeness_words(recording, language))
        self.setProperty("role", "done" if not recording.problems else "error")
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()


class RecordingPanel(QWidget):
    """The sessions, their gaps, whether the recording is complete, and the player."""

    recording_read = Signal(object)  # CaseRecording (the status beside the decide button)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.station: Station | None = None
        self.recording: CaseRecording | None = None
        self.session_id: str | None = None  # the session in the player
        self._pending_seek: int | None = None
        self._segments = 0  # how many segments the file in the player holds
        self._folder = Path(tempfile.mkdtemp(prefix="kiosk-console-recording-"))
        self.operations = Operations(self)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.faults = QLabel()  # the kiosk's recording faults, from the case's audit trail
        self.faults.setProperty("role", "error")
        self.faults.setWordWrap(True)
        self.faults.hide()
        self.sessions = QListWidget()
        self.sessions.currentItemChanged.connect(self._session_chosen)
        self.video = VideoView()
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoSink(self.video.sink)
        self.play = QPushButton(tr("recording_play", language))
        self.play.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.time = QLabel("00:00 / 00:00")
        self.message = QLabel()
        self.message.setProperty("role", "help")
        self.message.setWordWrap(True)
        self.player.durationChanged.connect(self._duration)
        self.player.positionChanged.connect(self._position)
        self.player.playbackStateChanged.connect(self._played)
        self.player.mediaStatusChanged.connect(self._status_changed)
        self.player.errorOccurred.connect(
            lambda _e, text: self.message.setText(tr("recording_unplayable", self.language,
                                                     error=text)))

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.play)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.video, 1)
        left.addLayout(controls)
        self.player_box = QWidget()  # hidden for a case with no recording: one line then
        box = QHBoxLayout(self.player_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(left, 3)
        box.addWidget(self.sessions, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.faults)
        layout.addWidget(self.player_box, 1)
        layout.addWidget(self.message)

    def attach(self, station: Station) -> None:
        self.station = station

    # -- the case --------------------------------------------------------------------------

    def show_case(self, case_id: str | None) -> None:
        """Reads the case's recording (again: a live session grows) in the background."""
        if case_id is None or self.station is None:
            self.clear()
            return
        if self.recording is not None and self.recording.case_id != case_id:
            self.clear()
        station = self.station

        def read() -> CaseRecording:
            return read_case_recording(station, case_id)

        self.operations.run(read, self._read, lambda exc: self.message.setText(str(exc)))

    def show_faults(self, events: list[dict[str, Any]]) -> None:
        """The recording faults of the case (`recording.fault` events: a device that could not
        start, or one that stopped a session), so the officer sees why the kiosk asked for one."""
        rows = [tr("recording_fault_at", self.language, at=local(e["at"], "%m-%d %H:%M:%S"),
                   cause=cause_words(str(e["payload"].get("reason", "")), self.language))
                for e in events if e["action"] == "recording.fault"]
        self.faults.setText("\n".join(rows))
        self.faults.setVisible(bool(rows))

    def clear(self) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        self.video.clear()
        self.recording = None
        self.session_id = None
        self._pending_seek = None
        self.sessions.clear()
        self.status.clear()
        self.faults.clear()
        self.faults.hide()
        self.message.clear()
        self.recording_read.emit(None)

    def _read(self, recording: CaseRecording) -> None:
        if self.recording is not None and self.recording.case_id != recording.case_id:
            return  # another case was chosen meanwhile
        first = self.recording is None
        self.recording = recording
        self.status.setText(completeness_words(recording, self.language))
        self.status.setProperty("role", "done" if not recording.problems else "error")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self._draw_sessions(recording)
        self.player_box.setVisible(bool(recording.sessions))
        # Without a recording the answers get the room (the splitter keeps to this height).
        self.setMaximumHeight(QWIDGETSIZE_MAX if recording.sessions
                              else self.sizeHint().height())
        if not recording.sessions:
            self.message.setText(tr("recording_none", self.language))
        self.recording_read.emit(recording)
        if first and self.isVisible():
            self._open_first()

    def _open_first(self) -> None:
        """The first session, once the panel is on screen (a case only browsed in another
        tab costs no file)."""
        if self.recording is not None and self.session_id is None and self.recording.sessions:
            self.open_session(self.recording.sessions[0].id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._open_first()

    def _draw_sessions(self, recording: CaseRecording) -> None:
        self.sessions.blockSignals(True)
        self.sessions.clear()
        for summary in recording.sessions:
            item = QListWidgetItem(session_words(summary, self.language))
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            if summary.end_cause not in (None, "stopped"):
                item.setForeground(Qt.GlobalColor.darkRed)
            self.sessions.addItem(item)
            if summary.id == self.session_id:
                self.sessions.setCurrentItem(item)
            for gap in summary.gaps:  # marked where it is: after the session it follows
                words = tr("recording_gap", self.language,
                           start=local(gap.from_at, "%H:%M:%S"),
                           end=local(gap.to_at, "%H:%M:%S"), seconds=round(gap.seconds),
                           cause=cause_words(gap.cause, self.language))
                marker = QListWidgetItem(words)
                marker.setFlags(Qt.ItemFlag.NoItemFlags)
                marker.setForeground(Qt.GlobalColor.darkRed)
                self.sessions.addItem(marker)
        self.sessions.blockSignals(False)

    # -- playing ---------------------------------------------------------------------------

    def _session_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        session_id = current.data(Qt.ItemDataRole.UserRole) if current else None
        if session_id and session_id != self.session_id:
            self.open_session(session_id)

    def open_session(self, session_id: str, seek_ms: int | None = None) -> None:
        """Plays a session from its start (or from `seek_ms`), once its file is written."""
        if self.station is None:
            return
        self.session_id = session_id
        self._pending_seek = seek_ms
        for row in range(self.sessions.count()):
            item = self.sessions.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == session_id:
                self.sessions.blockSignals(True)
                self.sessions.setCurrentItem(item)
                self.sessions.blockSignals(False)
        self.player.stop()
        self.message.setText(tr("recording_loading", self.language))
        station, folder = self.station, self._folder
        segments = self._segments_of(session_id)
        self._segments = segments

        def written(path: Path | None) -> None:
            if session_id != self.session_id:
                return
            if path is None:
                self.message.setText(tr("recording_nothing_stored", self.language))
                return
            self.message.clear()
            self.player.setSource(QUrl.fromLocalFile(str(path)))

        self.operations.run(lambda: write_session(station, session_id, segments, folder),
                            written,
                            lambda exc: self.message.setText(
                                tr("recording_unplayable", self.language, error=str(exc))))

    def _segments_of(self, session_id: str) -> int:
        sessions = self.recording.sessions if self.recording else ()
        return next((s.segments for s in sessions if s.id == session_id), 0)

    def seek_to_answer(self, path: str, revision: int | None = None) -> bool:
        """Plays from the moment the answer was given; False when it carries no moment."""
        moment = self.recording.moment_of(path, revision) if self.recording else None
        if moment is None:
            self.message.setText(tr("recording_answer_not_recorded", self.language)
                                 if self.recording and self.recording.sessions else "")
            return False
        session_id, offset = moment
        if session_id != self.session_id or self._segments_of(session_id) != self._segments:
            self.open_session(session_id, offset)  # another session, or this one has grown
        elif self.player.mediaStatus() in (QMediaPlayer.MediaStatus.NoMedia,
                                           QMediaPlayer.MediaStatus.LoadingMedia):
            self._pending_seek = offset
        else:
            self.player.setPosition(offset)
            self.player.play()
        self.message.clear()
        return True

    def toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._pending_seek is not None:
            offset, self._pending_seek = self._pending_seek, None
            self.player.setPosition(offset)
            self.player.play()

    def _duration(self, duration: int) -> None:
        self.slider.setRange(0, duration)
        self._position(self.player.position())

    def _position(self, position: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        self.time.setText(f"{clock(position)} / {clock(self.player.duration())}")

    def _played(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play.setText(tr("recording_pause" if playing else "recording_play", self.language))

    def close_player(self) -> None:
        """Stops playing and removes this console's copies of the sessions."""
        self.player.stop()
        self.player.setSource(QUrl())
        self.operations.pool.waitForDone(30_000)
        shutil.rmtree(self._folder, ignore_errors=True)
