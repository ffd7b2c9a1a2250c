"""Synchronized audio and video recording of the kiosk session (PSAPL Art. 97, 108; PR
Art. 263), Qt-free: sources, the segment encoder, the recorder, and the records in the database.

Why PyAV: its wheel ships FFmpeg with libx264, libopus and the V4L2 and ALSA inputs, so a fresh
Debian 12 needs nothing from apt, the encoder runs in-process on a thread we control (no child
process to watch), and the same code reads the segments back for `kiosk recording export`.
Qt Multimedia's recorder writes one file per session (a crash loses all of it) and cannot tag
segments; the `ffmpeg` program would be one more thing to install and supervise.

Using it (the kiosk; `kiosk demo --headless` does the same on the test source)::

    recorder = recorder_for(station, on_preview=show, on_fault=stop_questioning)
    recorder.start(case_id, "interview")   # RecordingFault: camera_missing, device_busy, …
    party = PartySession(station, case_id, recorder=recorder)   # answers carry the offset
    ...
    party.sign(png, strokes)                # the signing is recorded (PR Art. 263)
    recorder.stop()                         # after the signature, a conversion or an exit;
                                            # before notify(SUBMITTED), so the printed
                                            # statement notes the whole recording (PR Art. 45)

A returned case's correction is a session of its own: `recorder.start(case_id, "correction")`.
The console's player opens `export.write_session_file(session, session_id, path)`: one file
whose timeline is the session's, so an answer's `offset_ms` is where to seek.

- Sources (`sources.py`): `TestSource` (moving bars, a running clock and a tone, in real time),
  `DeviceSource` (the camera and microphone through FFmpeg: settings `recording_camera`,
  `recording_microphone`), and `PushSource`, for frames the Qt layer captures itself
  (QVideoSink / QAudioSource: `push_video(rgb, w, h)`, `push_audio(pcm_s16, rate)`,
  `push_fault(RecordingFault(...))`). `recording_source` (machine-only) picks camera or test.
- `Recorder` (`recorder.py`): captures and encodes on a background thread into self-contained
  Matroska segments of `recording_segment_seconds` (H.264 + Opus, `segments.py`), spooled under
  the data folder's "recording-spool" while open. A closed segment is stored with its audit
  event in one transaction (`store.py`); if the database cannot be reached it waits in the
  spool and is stored later (`upload_spool`), so nothing recorded is lost. `on_preview(rgb,
  width, height)` gets a 160x120 picture four times a second, `on_fault(fault)` every
  RecordingFault (also in `recorder.faults`); both are called on the recorder's threads.
  `offset_ms()` / `position()` say where the recording is now.
- Faults (`faults.py`): RecordingFault with a `reason` (camera_missing, microphone_missing,
  device_busy, camera_failed, microphone_failed, disk_full, store_unreachable,
  encoder_failed). Every reason but store_unreachable stops the recording: questioning must
  stop too, never go on without picture or sound.
- Records (`store.py`): sessions (case, purpose interview / correction / notice, machine,
  start, end), segments (index, sha256, offset, duration, size), gaps (from, to, cause) and
  marks (a screen shown, a signature, at an offset). A session a crash left open is closed as
  interrupted when the case's next session starts, with the gap recorded.
  `recording_problems(session, case_id)` says why a case's recording is not complete (the
  approval gate); `verify_recording` checks every segment against the audit chain;
  `case_sessions` lists the sessions; `export.py` joins a session into one playable file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.recording.faults import FAULT_REASONS, RecordingFault
from kiosk.recording.store import (
    Gap,
    RecordingPosition,
    SegmentProblem,
    SessionSummary,
    add_mark,
    case_sessions,
    recording_problems,
    verify_recording,
)
from kiosk.station import Station

if TYPE_CHECKING:
    from kiosk.recording.recorder import FaultCallback, PreviewCallback, Recorder
    from kiosk.recording.sources import Source

# The encoder's modules load PyAV and numpy (a sixth of a second): only when asked for, so the
# records above (the approval gate, the party's offsets) cost a command nothing.
_LAZY = {"Recorder": "recorder", "FaultCallback": "recorder", "PreviewCallback": "recorder",
         "upload_spool": "recorder", "Source": "sources", "TestSource": "sources",
         "DeviceSource": "sources", "PushSource": "sources", "AUDIO_RATE": "sources",
         "FPS": "sources", "HEIGHT": "sources", "WIDTH": "sources"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"kiosk.recording.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kiosk.recording' has no attribute {name!r}")


__all__ = [
    "AUDIO_RATE", "FAULT_REASONS", "FPS", "HEIGHT", "WIDTH", "DeviceSource", "FaultCallback",
    "Gap", "PreviewCallback", "PushSource", "Recorder", "RecordingFault", "RecordingPosition",
    "SegmentProblem", "SessionSummary", "Source", "TestSource", "add_mark", "case_sessions",
    "recorder_for", "recording_problems", "source_for", "spool_dir", "upload_spool",
    "verify_recording",
]


def spool_dir(station: Station) -> Path:
    """Where this machine keeps segments until they are stored."""
    return station.settings.resolved_data_dir / "recording-spool"


def source_for(station: Station) -> Source:
    """The source `recording_source` names: the camera and microphone, or the test source."""
    from kiosk.recording.sources import DeviceSource, TestSource

    settings = station.settings
    if settings.recording_source == "test":
        return TestSource()
    return DeviceSource(settings.recording_camera, settings.recording_microphone)


def recorder_for(station: Station, *, source: Source | None = None,
                 on_preview: PreviewCallback | None = None,
                 on_fault: FaultCallback | None = None) -> Recorder:
    """A recorder for this machine, with its settings (give `source` to push frames)."""
    from kiosk.recording.recorder import Recorder

    return Recorder(station.database, source or source_for(station),
                    spool_dir=spool_dir(station),
                    segment_seconds=station.settings.recording_segment_seconds,
                    on_preview=on_preview, on_fault=on_fault)
