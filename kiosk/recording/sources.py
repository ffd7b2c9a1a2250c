"""Where pictures and sound come from: the synthetic test source, the camera and microphone
read by FFmpeg (PyAV), and a source the Qt layer pushes frames into.

A source hands the recorder captures in the order they happened, each stamped with
`time.monotonic()` at capture; the recorder alone turns them into files. Every source is read
from one thread (the recorder's); `PushSource.push_*` may be called from any thread.
"""

from __future__ import annotations

import contextlib
import errno
import math
import queue
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import av
import numpy as np

from kiosk.recording.faults import RecordingFault

WIDTH, HEIGHT, FPS = 640, 480, 15
AUDIO_RATE = 48_000
"""What the recorder encodes: 640x480 at 15 fps (the issue's minimum), mono sound at 48 kHz
(Opus's own rate; speech needs far less, but resampling would cost more than it saves)."""


@dataclass(frozen=True)
class VideoCapture:
    rgb: np.ndarray  # height x width x 3, uint8
    at: float        # time.monotonic() when captured


@dataclass(frozen=True)
class AudioCapture:
    samples: np.ndarray  # mono int16
    rate: int
    at: float


Capture = VideoCapture | AudioCapture


class Source(ABC):
    """One input of pictures and sound, opened once for one recording session."""

    kind = "source"

    @abstractmethod
    def open(self) -> None:
        """Opens the devices; RecordingFault (camera_missing, device_busy, …) when it cannot."""

    @abstractmethod
    def read(self, timeout: float) -> Capture | None:
        """The next capture, or None when none came within `timeout` seconds.

        Raises RecordingFault when a device fails while recording."""

    def close(self) -> None:  # noqa: B027 (most sources hold nothing to release)
        """Releases the devices (safe to call twice)."""


# -- the synthetic source -------------------------------------------------------------------

_DIGITS = {  # a 3x5 bitmap font for the clock and frame counter
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
    "9": "111101111001111", ":": "000010000010000", ".": "000000000000010",
    " ": "000000000000000",
}


def _text_image(text: str, scale: int) -> np.ndarray:
    """White-on-black digits, `scale` pixels a dot (a bool image)."""
    glyphs = [np.array([int(c) for c in _DIGITS[ch]], bool).reshape(5, 3) for ch in text]
    spaced = [np.pad(g, ((0, 0), (0, 1))) for g in glyphs]
    image = np.concatenate(spaced, axis=1)
    return np.kron(image, np.ones((scale, scale), bool))


class TestSource(Source):
    """A moving picture (colour bars sliding by, a running clock and frame counter) and a
    440 Hz tone, made in real time: the same frames per second as a camera, through the same
    encoder and segments. Not a mock: this is how CI and a machine without a camera record."""

    kind = "test"
    __test__ = False  # not a pytest class

    def __init__(self, width: int = WIDTH, height: int = HEIGHT, fps: int = FPS) -> None:
        self.width, self.height, self.fps = width, height, fps
        bars = np.array([[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0],
                         [192, 0, 192], [192, 0, 0], [0, 0, 192], [16, 16, 16]], np.uint8)
        columns = bars[np.arange(width * 2) * len(bars) // width % len(bars)]
        self._band = np.broadcast_to(columns, (height, width * 2, 3))
        self._started = 0.0
        self._frame = 0
        self._audio_due = False
        self._per_frame = AUDIO_RATE // fps
        self._tone = (0.2 * 32767 * np.sin(2 * math.pi * 440 * np.arange(AUDIO_RATE) /
                                           AUDIO_RATE)).astype(np.int16)

    def open(self) -> None:
        self._started = time.monotonic()
        self._frame = 0
        self._audio_due = False

    def read(self, timeout: float) -> Capture | None:
        if self._audio_due:
            self._audio_due = False
            start = (self._frame - 1) * self._per_frame % AUDIO_RATE
            samples = np.take(self._tone, range(start, start + self._per_frame), mode="wrap")
            return AudioCapture(samples, AUDIO_RATE, time.monotonic())
        due = self._started + self._frame / self.fps
        wait = due - time.monotonic()
        if wait > timeout:
            time.sleep(timeout)
            return None
        if wait > 0:
            time.sleep(wait)
        picture = self._picture(self._frame)
        self._frame += 1
        self._audio_due = True
        return VideoCapture(picture, time.monotonic())

    def _picture(self, n: int) -> np.ndarray:
        shift = (n * 8) % self.width
        image = np.array(self._band[:, shift:shift + self.width])
        seconds = n / self.fps
        label = _text_image(f"{int(seconds // 60):02d}:{seconds % 60:06.3f} {n:06d}", 6)
        h, w = label.shape
        image[20:20 + h, 20:20 + w][label] = 255
        return image


# -- frames pushed by the Qt layer ------------------------------------------------------------

class PushSource(Source):
    """Frames someone else captures (the kiosk's QVideoSink and QAudioSource), pushed in from
    any thread. The recorder reports camera_failed or microphone_failed when either stops
    coming (`Recorder.STALL_S`), so a camera unplugged mid-interview is never recorded as a
    still picture."""

    kind = "pushed"

    def __init__(self, maxsize: int = 256) -> None:
        self._queue: queue.Queue[Capture | RecordingFault] = queue.Queue(maxsize)

    def open(self) -> None:
        pass

    def push_video(self, rgb: bytes, width: int, height: int) -> None:
        """One RGB888 picture, rows top to bottom, no padding."""
        array = np.frombuffer(rgb, np.uint8).reshape(height, width, 3)
        self._put(VideoCapture(array, time.monotonic()))

    def push_audio(self, pcm: bytes, rate: int) -> None:
        """Mono signed 16-bit little-endian samples."""
        self._put(AudioCapture(np.frombuffer(pcm, "<i2").copy(), rate, time.monotonic()))

    def push_fault(self, fault: RecordingFault) -> None:
        """A device the pusher reads has failed: the recorder stops with this reason."""
        self._put(fault)

    def _put(self, item: Capture | RecordingFault) -> None:
        # The encoder is behind: dropping a frame is better than blocking the UI's thread.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(item)

    def read(self, timeout: float) -> Capture | None:
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, RecordingFault):
            raise item
        return item


# -- the camera and microphone, read by FFmpeg -----------------------------------------------

def _device_fault(error: Exception, device: str, kind: str) -> RecordingFault:
    code = getattr(error, "errno", None)
    if code == errno.EBUSY:
        reason = "device_busy"
    elif code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or isinstance(error,
                                                                          FileNotFoundError):
        reason = f"{kind}_missing"
    else:
        reason = f"{kind}_failed"
    return RecordingFault(f"the {kind} {device} cannot be used: {error}", reason=reason,
                          device=device, error=str(error))


class DeviceSource(PushSource):
    """The machine's camera (V4L2, `recording_camera`) and microphone (ALSA,
    `recording_microphone`), each read by FFmpeg inside PyAV on a thread of its own."""

    kind = "camera"

    def __init__(self, camera: str, microphone: str, *, fps: int = FPS) -> None:
        super().__init__()
        self.camera, self.microphone, self.fps = camera, microphone, fps
        self._inputs: list[av.container.InputContainer] = []
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()

    def open(self) -> None:
        self._closing.clear()
        try:
            camera = av.open(self.camera, format="video4linux2", options={
                "video_size": f"{WIDTH}x{HEIGHT}", "framerate": str(self.fps)})
        except (OSError, av.FFmpegError) as exc:
            raise _device_fault(exc, self.camera, "camera") from exc
        self._inputs.append(camera)
        try:
            microphone = av.open(self.microphone, format="alsa",
                                 options={"channels": "1", "sample_rate": str(AUDIO_RATE)})
        except (OSError, av.FFmpegError) as exc:
            self.close()
            raise _device_fault(exc, self.microphone, "microphone") from exc
        self._inputs.append(microphone)
        for container, kind in ((camera, "camera"), (microphone, "microphone")):
            thread = threading.Thread(target=self._pump, args=(container, kind),
                                      name=f"recording-{kind}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _pump(self, container: av.container.InputContainer, kind: str) -> None:
        device = self.camera if kind == "camera" else self.microphone
        resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        try:
            for frame in container.decode(container.streams[0]):
                if self._closing.is_set():
                    return
                if isinstance(frame, av.VideoFrame):
                    self._put(VideoCapture(frame.to_ndarray(format="rgb24"), time.monotonic()))
                    continue
                for mono in resampler.resample(frame):
                    self._put(AudioCapture(mono.to_ndarray().reshape(-1), AUDIO_RATE,
                                           time.monotonic()))
        except (OSError, av.FFmpegError) as exc:
            if not self._closing.is_set():
                self.push_fault(_device_fault(exc, device, kind))
            return
        if not self._closing.is_set():
            self.push_fault(RecordingFault(f"the {kind} {device} stopped", reason=f"{kind}_failed",
                                           device=device, error="end of stream"))

    def close(self) -> None:
        self._closing.set()
        for container in self._inputs:
            with contextlib.suppress(OSError, av.FFmpegError):
                container.close()
        self._inputs.clear()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
