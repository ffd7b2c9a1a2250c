"""The recorder: a source's captures encoded into segments on a thread of its own, each closed
segment stored (or spooled while the database cannot be reached), faults reported at once.

Threads: `start` opens the devices and the session on the caller's thread (so a missing camera
refuses the start there and then), then capture and encoding run on "recording-capture" and
storing on "recording-store". Callbacks (`on_preview`, `on_fault`) are called on those threads:
a Qt caller hands them to its own thread (a queued signal) before touching a widget.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

try:
    import fcntl
except ImportError:  # Windows: one kiosk process per machine, the thread lock is enough
    fcntl = None  # type: ignore[assignment]

from kiosk.audit import record_event
from kiosk.db import Database, DatabaseUnreachable
from kiosk.models import RecordingSession
from kiosk.recording.faults import RecordingFault
from kiosk.recording.segments import SUFFIX, SegmentWriter
from kiosk.recording.sources import Source, VideoCapture
from kiosk.recording.store import (
    STOPPED,
    RecordingPosition,
    begin_session,
    end_session,
    store_segment,
)

log = logging.getLogger(__name__)

PreviewCallback = Callable[[bytes, int, int], None]
FaultCallback = Callable[[RecordingFault], None]
STORE_ERRORS = (SQLAlchemyError, DatabaseUnreachable, OSError)
PART = ".part"


class Recorder:
    """Records one case's session at a time: `start`, then `stop` (or a fault stops it).

    `offset_ms()` and `position()` say where the recording is now, for the answers and screens
    to carry; `faults` is a queue of every RecordingFault, as `on_fault` is told them.
    """

    STALL_S = 2.0
    """A camera or microphone silent this long has failed (a still picture is no recording)."""
    START_GRACE_S = 5.0
    """A camera's first picture may take a few seconds (V4L2 warms up); then STALL_S holds."""
    PREVIEW_EVERY_S = 0.25
    PREVIEW_STEP = 4  # 640x480 to 160x120
    RETRY_S = 5.0

    def __init__(self, database: Database, source: Source, *, spool_dir: Path,
                 segment_seconds: float = 10, machine: str | None = None,
                 on_preview: PreviewCallback | None = None,
                 on_fault: FaultCallback | None = None) -> None:
        self.database = database
        self.source = source
        self.spool_dir = spool_dir
        self.segment_seconds = segment_seconds
        self.machine = machine or socket.gethostname()
        self.on_preview = on_preview
        self.on_fault = on_fault
        self.faults: queue.Queue[RecordingFault] = queue.Queue()
        self.session_id: str | None = None
        self.case_id: str | None = None
        self._t0 = 0.0
        self._stop = threading.Event()
        self._capture: threading.Thread | None = None
        self._uploads: queue.Queue[Path | None] = queue.Queue()
        self._uploader: threading.Thread | None = None
        self._failed: RecordingFault | None = None
        self._reported_unreachable = False

    # -- the caller's side ------------------------------------------------------------------

    @property
    def is_recording(self) -> bool:
        return self._capture is not None and self._capture.is_alive()

    def offset_ms(self) -> int:
        """Milliseconds since the session started (0 before it did)."""
        return int((time.monotonic() - self._t0) * 1000) if self.session_id else 0

    def position(self) -> RecordingPosition | None:
        """Where the recording is now; None when nothing is being recorded."""
        if not self.is_recording or self.session_id is None:
            return None
        return RecordingPosition(self.session_id, self.offset_ms())

    def start(self, case_id: str, purpose: str = "interview") -> str:
        """Opens the devices and a recording session, then records in the background.

        Raises RecordingFault (camera_missing, microphone_missing, device_busy, disk_full,
        store_unreachable) and records nothing when it cannot start. Segments a crash left in
        the spool are stored first, so the gap the new session records is where it really is.
        """
        if self.is_recording:
            raise RuntimeError("the recorder is already recording")
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordingFault(f"cannot make the spool {self.spool_dir}: {exc}",
                                 reason="disk_full" if exc.errno == 28 else "encoder_failed",
                                 path=str(self.spool_dir)) from exc
        try:
            upload_spool(self.database, self.spool_dir)
        except STORE_ERRORS as exc:
            raise RecordingFault(f"the station database cannot be reached: {exc}",
                                 reason="store_unreachable") from exc
        try:
            self.source.open()
        except RecordingFault as fault:
            self._audit_refused_start(case_id, purpose, fault)
            raise
        try:
            with self.database.session() as session:
                recording = begin_session(session, case_id, purpose, machine=self.machine,
                                          source=self.source.kind, now=datetime.now(UTC))
                session_id = recording.id
        except STORE_ERRORS as exc:
            self.source.close()
            raise RecordingFault(f"the station database cannot be reached: {exc}",
                                 reason="store_unreachable") from exc
        self.session_id, self.case_id = session_id, case_id
        self._t0 = time.monotonic()
        self._stop.clear()
        self._failed = None
        self._uploader = threading.Thread(target=self._store_loop, name="recording-store",
                                          daemon=True)
        self._uploader.start()
        self._capture = threading.Thread(target=self._capture_loop, name="recording-capture",
                                         daemon=True)
        self._capture.start()
        return session_id

    def _audit_refused_start(self, case_id: str, purpose: str, fault: RecordingFault) -> None:
        """The console shows the fault on the case: the audit chain says the recording could
        not start, and why (best effort: the database may be what failed)."""
        try:
            with self.database.session() as session:
                record_event(session, "kiosk", "recording.fault", case_id=case_id, payload={
                    "session": None, "purpose": purpose, "reason": fault.reason,
                    "machine": self.machine})
        except STORE_ERRORS:
            log.warning("could not record the recording fault %s of case %s", fault.reason,
                        case_id)

    def stop(self, timeout: float = 30) -> None:
        """Closes the open segment, stores what is left and ends the session (as "stopped",
        unless a fault ended it first). Safe to call after a fault and twice."""
        if self.session_id is None:
            return
        self._stop.set()
        if self._capture is not None:
            self._capture.join(timeout)
        self._uploads.put(None)
        if self._uploader is not None:
            self._uploader.join(timeout)
        self.source.close()
        if self._failed is None:
            self._spool_end(self.session_id, STOPPED)
        try:
            upload_spool(self.database, self.spool_dir)
        except STORE_ERRORS:
            self._report(RecordingFault("the station database cannot be reached; the end "
                                        "of the recording waits in the spool",
                                        reason="store_unreachable"))
        self._capture = self._uploader = None
        self.session_id = None

    # -- the capture thread -----------------------------------------------------------------

    def _capture_loop(self) -> None:
        assert self.session_id is not None
        writer: SegmentWriter | None = None
        n, seg_start = 0, 0.0
        # Until the first picture and sound, the devices get START_GRACE_S to begin.
        last_video = last_audio = time.monotonic() + self.START_GRACE_S - self.STALL_S
        last_preview = 0.0
        try:
            while not self._stop.is_set():
                capture = self.source.read(0.2)
                now = time.monotonic()
                if capture is None:
                    self._check_stall(now, last_video, last_audio)
                    continue
                if capture.at < self._t0:
                    continue  # captured before the session began: not part of it
                if isinstance(capture, VideoCapture):
                    last_video = capture.at
                    if writer is not None and \
                            capture.at - seg_start >= self.segment_seconds:
                        self._close(writer, n, seg_start)
                        writer, n = None, n + 1
                else:
                    last_audio = capture.at
                if writer is None:
                    seg_start = capture.at
                    writer = SegmentWriter(self._path(n, PART))
                if isinstance(capture, VideoCapture):
                    writer.add_video(capture.rgb, int((capture.at - seg_start) * 1000))
                    if self.on_preview and now - last_preview >= self.PREVIEW_EVERY_S:
                        last_preview = now
                        small = capture.rgb[::self.PREVIEW_STEP, ::self.PREVIEW_STEP]
                        self._preview(small.tobytes(), small.shape[1], small.shape[0])
                else:
                    writer.add_audio(capture.samples, capture.rate)
                self._check_stall(now, last_video, last_audio)
            if writer is not None:
                self._close(writer, n, seg_start)
                writer = None
        except RecordingFault as fault:
            if writer is not None:
                writer.abandon()  # the open segment is lost; the closed ones are kept
            self._fail(fault)
        except Exception as exc:  # an encoder error: never go on silently
            log.exception("recording failed")
            if writer is not None:
                writer.abandon()
            self._fail(RecordingFault(f"the encoder failed: {exc}", reason="encoder_failed",
                                      error=str(exc)))

    def _preview(self, rgb: bytes, width: int, height: int) -> None:
        try:
            self.on_preview(rgb, width, height)  # type: ignore[misc]
        except Exception:  # a screen's bug must not stop the recording
            log.exception("the preview callback failed")

    def _check_stall(self, now: float, last_video: float, last_audio: float) -> None:
        if now - last_video > self.STALL_S:
            raise RecordingFault("no picture from the camera", reason="camera_failed",
                                 seconds=round(now - last_video, 1))
        if now - last_audio > self.STALL_S:
            raise RecordingFault("no sound from the microphone", reason="microphone_failed",
                                 seconds=round(now - last_audio, 1))

    def _path(self, n: int, suffix: str = SUFFIX) -> Path:
        return self.spool_dir / f"{self.session_id}-{n:05d}{suffix}"

    def _close(self, writer: SegmentWriter, n: int, seg_start: float) -> None:
        duration = writer.close()
        final = self._path(n)
        os.replace(writer.path, final)
        sidecar = {"kind": "segment", "session": self.session_id, "index": n,
                   "offset_ms": int((seg_start - self._t0) * 1000), "duration_ms": duration}
        meta = final.with_suffix(".json")
        _write_json(meta, sidecar)
        self._uploads.put(meta)

    def _fail(self, fault: RecordingFault) -> None:
        self._failed = fault
        self._report(fault)
        self._spool_end(self.session_id or "", fault.reason)
        self._uploads.put(None)

    def _report(self, fault: RecordingFault) -> None:
        self.faults.put(fault)
        if self.on_fault is not None:
            try:
                self.on_fault(fault)
            except Exception:  # the fault stays in `faults` for the caller to find
                log.exception("the fault callback failed")

    def _spool_end(self, session_id: str, cause: str) -> None:
        _write_json(self.spool_dir / f"{session_id}-end.json",
                    {"kind": "end", "session": session_id, "cause": cause,
                     "at": datetime.now(UTC).isoformat()})

    # -- the store thread -------------------------------------------------------------------

    def _store_loop(self) -> None:
        while True:
            try:
                item = self._uploads.get(timeout=self.RETRY_S)
            except queue.Empty:
                item = "retry"
            try:
                upload_spool(self.database, self.spool_dir, segments_only=True)
                self._reported_unreachable = False
            except STORE_ERRORS as exc:
                if not self._reported_unreachable:
                    self._reported_unreachable = True
                    self._report(RecordingFault(
                        f"the station database cannot be reached; segments wait in "
                        f"{self.spool_dir}: {exc}", reason="store_unreachable"))
            if item is None:
                return


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)  # a sidecar is whole or absent, never half-written


_SPOOL_LOCK = threading.Lock()


def upload_spool(database: Database, spool_dir: Path, *, segments_only: bool = False) -> int:
    """Stores what waits in the spool (see `_upload_spool`), one uploader at a time: a
    machine's threads by a lock, its processes (a kiosk restarted beside one still closing)
    by a lock file."""
    with _SPOOL_LOCK:
        if not spool_dir.is_dir():
            return 0
        with (spool_dir / ".lock").open("a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            return _upload_spool(database, spool_dir, segments_only=segments_only)


def _upload_spool(database: Database, spool_dir: Path, *, segments_only: bool) -> int:
    """Stores the closed segments (and session ends) waiting in the spool, oldest first, each
    in its own transaction, and removes each file once stored; how many were stored.

    A segment still open when its machine died (a `.part` file with no sidecar) is not whole
    and stays where it is for an investigator; the next session records the gap.
    """
    stored = 0
    sidecars = sorted(spool_dir.glob("*.json"), key=lambda p: (p.name.endswith("-end.json"),
                                                                p.name))
    for meta in sidecars:
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data["kind"] == "end":
            if segments_only:
                continue
            with database.session() as session:
                if session.get(RecordingSession, data["session"]) is not None:
                    end_session(session, data["session"], cause=data["cause"],
                                now=datetime.fromisoformat(data["at"]))
                    if data["cause"] != STOPPED:
                        recording = session.get(RecordingSession, data["session"])
                        record_event(session, "kiosk", "recording.fault",
                                     case_id=recording.case_id if recording else None,
                                     payload={"session": data["session"],
                                              "reason": data["cause"]})
            meta.unlink()
            continue
        media = meta.with_suffix(SUFFIX)
        try:
            with database.session() as session:
                store_segment(session, data["session"], data["index"], media,
                              offset_ms=data["offset_ms"], duration_ms=data["duration_ms"])
        except LookupError:
            # Its session is not in this database (another station's, or a restored copy):
            # kept aside for an investigator, never thrown away, never blocking the rest.
            orphans = spool_dir / "orphaned"
            orphans.mkdir(exist_ok=True)
            log.error("spooled segment %s belongs to no recording session here", media.name)
            os.replace(media, orphans / media.name)
            os.replace(meta, orphans / meta.name)
            continue
        meta.unlink()
        media.unlink()
        stored += 1
    return stored
