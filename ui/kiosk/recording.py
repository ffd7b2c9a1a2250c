"""The kiosk's recording (PSAPL Art. 97, 108; PR Art. 263): the recorder of the party's session,
the red dot with the party's own live picture, and the screen that asks for an officer when the
camera or the microphone fails.

The recorder calls back on its own threads; `KioskRecording` turns those calls into Qt signals,
so the widgets are only ever touched on the UI thread (a queued connection).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.cases import find_case
from kiosk.recording import RecordingFault, RecordingPosition, recorder_for
from kiosk.station import Station
from ui.kiosk.screens import KioskScreen, label
from ui.kiosk.strings import tr

if TYPE_CHECKING:
    from kiosk.recording import Recorder, Source

log = logging.getLogger(__name__)

PREVIEW_SIZE = (96, 72)
"""The party's live picture in the header: small, but clearly their own face (4:3)."""


class KioskRecording(QObject):
    """One recorder per party session: `start` and `stop` may be called from any thread (the
    window calls them from its background operations); `preview`, `fault` and `changed` arrive
    on the UI thread."""

    preview = Signal(QImage)
    fault = Signal(object)  # a RecordingFault
    changed = Signal(bool)  # recording or not

    def __init__(self, station: Station, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.recorder: Recorder | None = None
        self.source_factory: Callable[[], Source] | None = None
        """Where pictures and sound come from; None: `recording_source` (camera or test)."""
        self._lock = threading.Lock()
        self._stopping: list[threading.Thread] = []

    # -- the party's session ---------------------------------------------------------------

    def start(self, case_id: str) -> str:
        """Starts recording the case's session: "correction" for a case the officer returned,
        else "interview". Raises RecordingFault (and records nothing) when it cannot start."""
        with self.station.database.session(readonly=True) as session:
            returned = find_case(session, case_id).submission_count > 0
        purpose = "correction" if returned else "interview"
        with self._lock:
            if self.recorder is not None and self.recorder.is_recording:
                if self.recorder.case_id == case_id:
                    return self.recorder.session_id or ""
                raise RuntimeError("the kiosk is already recording another case")
        source = self.source_factory() if self.source_factory is not None else None
        recorder = recorder_for(self.station, source=source, on_preview=self._previewed,
                                on_fault=self._failed)
        session_id = recorder.start(case_id, purpose)  # RecordingFault: camera_missing, …
        with self._lock:
            self.recorder = recorder
        self.changed.emit(True)
        return session_id

    def stop(self) -> None:
        """Ends the session (after the signature, a conversion or an exit); waits for the
        last segment to be stored, so the printed statement notes the whole recording."""
        with self._lock:
            recorder, self.recorder = self.recorder, None
        if recorder is not None:
            recorder.stop()
            self.changed.emit(False)

    def stop_later(self) -> None:
        """Ends the session on a thread of its own (the UI thread never waits for it)."""
        with self._lock:
            if self.recorder is None:
                return
        thread = threading.Thread(target=self.stop, name="recording-stop", daemon=True)
        self._stopping.append(thread)
        thread.start()

    def wait(self, timeout: float = 30) -> None:
        """Until every session asked to stop has stopped (the window closing, the statement
        about to print)."""
        for thread in self._stopping:
            thread.join(timeout)
        self._stopping = [t for t in self._stopping if t.is_alive()]

    @property
    def is_recording(self) -> bool:
        recorder = self.recorder
        return recorder is not None and recorder.is_recording

    def position(self) -> RecordingPosition | None:
        """Where the recording is now (PartySession's clock: answers carry it)."""
        recorder = self.recorder
        return recorder.position() if recorder is not None else None

    # -- the recorder's threads ------------------------------------------------------------

    def _previewed(self, rgb: bytes, width: int, height: int) -> None:
        image = QImage(rgb, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.preview.emit(image)

    def _failed(self, fault: RecordingFault) -> None:
        log.warning("recording fault: %s (%s)", fault, fault.reason)
        self.fault.emit(fault)


class RecordingIndicator(QWidget):
    """What the party always sees while they are recorded: a red dot, "录音录像中" and their
    own live picture (PSAPL Art. 97)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("RecordingIndicator")
        # White under the red, on the blue header: the dot stays red and readable.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 4, 4)
        row.setSpacing(10)
        self.dot = QLabel("●")
        self.dot.setProperty("role", "recording")
        self.text = QLabel()
        self.text.setProperty("role", "recording")
        self.picture = QLabel()
        self.picture.setFixedSize(*PREVIEW_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setProperty("role", "preview")
        self.picture.setAccessibleName("recording preview")
        row.addWidget(self.dot)
        row.addWidget(self.text)
        row.addWidget(self.picture)
        self.frames = 0
        self.set_language("zh")
        self.hide()

    def set_language(self, language: str) -> None:
        self.text.setText(tr("recording_on", language))

    def show_frame(self, image: QImage) -> None:
        self.frames += 1
        self.picture.setPixmap(QPixmap.fromImage(image).scaled(
            *PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def set_recording(self, recording: bool) -> None:
        if not recording:
            self.picture.clear()
        self.setVisible(recording)


class RecordingFaultScreen(KioskScreen):
    """The camera or microphone failed: questioning stops, calmly, until an officer comes.

    In both languages at once (the party may not have chosen one yet). Nothing the party
    entered is lost: the answers are in the database and the screen they were on is kept.
    """

    next_key = None

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label("", None)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = label("", "help")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry = QPushButton()
        self.retry.setMinimumWidth(400)
        self.retry.clicked.connect(lambda: self.intent.emit("retry_recording", None))
        self.layout_.addStretch(2)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.text)
        self.layout_.addSpacing(24)
        self.layout_.addWidget(self.reason)
        self.layout_.addSpacing(40)
        self.layout_.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(3)
        self.fault_reason = ""

    def set_fault(self, fault: RecordingFault) -> None:
        self.fault_reason = fault.reason

    def show_state(self, state: Any, language: str) -> None:
        super().show_state(state, language)
        both = ("zh", "en")
        self.title.setText("\n".join(tr("recording_fault_title", lang) for lang in both))
        self.text.setText("\n".join(tr("recording_fault_help", lang) for lang in both))
        key = f"recording_fault_{self.fault_reason}"
        self.reason.setText("\n".join(tr(key, lang) for lang in both)
                            if self.fault_reason else "")
        self.retry.setText(tr("recording_retry", "zh") + "  " + tr("recording_retry", "en"))

    def speech(self) -> str:
        return tr("recording_fault_title", self.language) + "。" + \
            tr("recording_fault_help", self.language)
