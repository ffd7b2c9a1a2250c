"""One segment file: pictures and sound encoded into a self-contained Matroska file.

H.264 (libx264, preset veryfast, zero latency) and Opus (mono, 24 kbit/s), both inside PyAV's
wheel. Matroska because a file cut short by a crash still plays up to its last cluster; every
segment starts at time 0 with a key frame of its own, so each plays alone and any one can be
lost without spoiling the rest.
"""

from __future__ import annotations

import contextlib
import errno
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from kiosk.recording.faults import RecordingFault
from kiosk.recording.sources import AUDIO_RATE, FPS, HEIGHT, WIDTH

SUFFIX = ".mkv"
MS = Fraction(1, 1000)
VIDEO_OPTIONS = {"preset": "veryfast", "tune": "zerolatency", "crf": "26",
                 "maxrate": "600k", "bufsize": "1200k"}
"""veryfast: about 5 % of a 2-core machine at 640x480@15 (bench/recording.py); crf 26 keeps
faces and printed text readable, and the cap of 600 kbit/s bounds a noisy picture (a dim room)
to about 5 MB a minute (docs/deployment.md has the figures)."""
AUDIO_BITRATE = 24_000


def _write_fault(error: OSError, path: Path) -> RecordingFault:
    if error.errno == errno.ENOSPC:
        return RecordingFault(f"the disk is full writing {path}", reason="disk_full",
                              path=str(path))
    return RecordingFault(f"cannot write {path}: {error}", reason="encoder_failed",
                          path=str(path), error=str(error))


class SegmentWriter:
    """Encodes one segment into `path`: video frames and audio samples, times in ms from its
    start. `close` finishes the file and says how long it is."""

    def __init__(self, path: Path, *, fps: int = FPS) -> None:
        self.path = path
        self._last_video_ms = -1
        self._audio_samples = 0
        self._frame_ms = 1000 / fps
        try:
            self._out = av.open(str(path), "w", format="matroska")
        except OSError as exc:
            raise _write_fault(exc, path) from exc
        self._video = self._out.add_stream("libx264", rate=fps, options=VIDEO_OPTIONS)
        self._video.width, self._video.height, self._video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        self._video.codec_context.time_base = MS
        self._video.codec_context.gop_size = fps * 2
        self._audio = self._out.add_stream("libopus", rate=AUDIO_RATE, layout="mono")
        self._audio.bit_rate = AUDIO_BITRATE

    def add_video(self, rgb: np.ndarray, at_ms: int) -> None:
        at_ms = max(at_ms, self._last_video_ms + 1)  # strictly rising, whatever the clock did
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        if frame.width != WIDTH or frame.height != HEIGHT:
            frame = frame.reformat(width=WIDTH, height=HEIGHT)
        frame.pts, frame.time_base = at_ms, MS
        self._last_video_ms = at_ms
        self._mux(self._video.encode(frame))

    def add_audio(self, samples: np.ndarray, rate: int) -> None:
        if rate != AUDIO_RATE:  # a pushed microphone at another rate: nearest sample will do
            count = len(samples) * AUDIO_RATE // rate
            samples = samples[(np.arange(count) * rate // AUDIO_RATE)]
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, np.int16)[None, :],
                                           format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts, frame.time_base = self._audio_samples, Fraction(1, AUDIO_RATE)
        self._audio_samples += len(samples)
        self._mux(self._audio.encode(frame))

    @property
    def duration_ms(self) -> int:
        video = self._last_video_ms + self._frame_ms if self._last_video_ms >= 0 else 0
        audio = self._audio_samples * 1000 / AUDIO_RATE
        return round(max(video, audio))

    def _mux(self, packets: list[av.Packet]) -> None:
        try:
            self._out.mux(packets)
        except OSError as exc:
            raise _write_fault(exc, self.path) from exc

    def close(self) -> int:
        """Flushes the encoders and finishes the file; its duration in ms."""
        self._mux(self._video.encode(None))
        self._mux(self._audio.encode(None))
        try:
            self._out.close()
        except OSError as exc:
            raise _write_fault(exc, self.path) from exc
        return self.duration_ms

    def abandon(self) -> None:
        """Closes the file without caring whether it is whole (after a fault)."""
        with contextlib.suppress(OSError, av.FFmpegError):
            self._out.close()
