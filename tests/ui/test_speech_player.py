"""The speech player: never blocks the UI, stops at once, honours mute, survives no sound device."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import shutil
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot, SignalBlocker

from kiosk.speech import Pyttsx3Renderer, SilentRenderer, SpeechRenderer, SpeechUnavailable
from ui.speech import SpeechPlayer

TIMEOUT_MS = 5000

# pytest-qt's capture of Qt log messages is a Python message handler, and Qt Multimedia's FFmpeg
# threads log from C++ ("No audio device detected"): PySide6 6.12 then calls Python from those
# threads and crashes the test process now and then. These tests leave Qt's own handler in place.
pytestmark = pytest.mark.no_qt_log


def write_silence(path: Path, seconds: float) -> Path:
    """Write a WAV file of silence, as a renderer would write speech."""
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(22050)
        audio.writeframes(b"\0\0" * int(22050 * seconds))
    return path


class GatedRenderer:
    """A renderer whose `render` waits until the test opens the gate for that text.

    The machine has no speakers, so playback is faked only at the device level: this renderer
    hands back a real WAV file, and Qt Multimedia really plays it, to no device.
    """

    def __init__(self, wav: Path) -> None:
        self.wav = wav
        self.requests: list[tuple[str, str]] = []
        self._gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.error: Exception | None = None

    def gate(self, text: str) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(text, threading.Event())

    def open(self, text: str) -> None:
        self.gate(text).set()

    def open_all(self) -> None:
        with self._lock:
            for gate in self._gates.values():
                gate.set()

    def render(self, text: str, language: str) -> Path | None:
        self.requests.append((text, language))
        if not self.gate(text).wait(10):
            raise TimeoutError(f"the test never released {text!r}")
        if self.error is not None:
            raise self.error
        return self.wav

    def close(self) -> None:
        self.open_all()


@pytest.fixture
def renderer(tmp_path: Path) -> GatedRenderer:
    return GatedRenderer(write_silence(tmp_path / "speech.wav", 0.3))


def record_started(player: SpeechPlayer) -> list[str]:
    """The texts the party would have heard, in order."""
    started: list[str] = []
    player.started.connect(started.append)
    return started


@pytest.fixture(autouse=True)
def no_thread_left_running() -> Iterator[None]:
    """Fail a test that leaves a thread it started running (the engine's, a test's own)."""
    before = set(threading.enumerate())
    yield
    # Dummy entries stand for threads Python did not start (Qt's pool threads that logged); they
    # are never removed, even once the thread has ended, and SpeechPlayer.close joins those.
    left = [t.name for t in threading.enumerate()
            if t not in before and not isinstance(t, threading._DummyThread)]
    assert left == []


@pytest.fixture
def make_player(qtbot: QtBot) -> Iterator[Callable[[SpeechRenderer], SpeechPlayer]]:
    """Build speech players; each is closed and deleted after the test, its threads joined."""
    players: list[tuple[SpeechPlayer, SpeechRenderer]] = []

    def make(renderer: SpeechRenderer) -> SpeechPlayer:
        player = SpeechPlayer(renderer)
        players.append((player, renderer))
        return player

    yield make
    for player, renderer in players:
        if isinstance(renderer, GatedRenderer):
            renderer.open_all()  # no render thread may be left waiting
        player.close()
        player.deleteLater()


@pytest.fixture
def player(make_player: Callable[[SpeechRenderer], SpeechPlayer],
           renderer: GatedRenderer) -> SpeechPlayer:
    return make_player(renderer)


@pytest.fixture
def heard(player: SpeechPlayer) -> list[str]:
    return record_started(player)


def wait_for_result(qtbot: QtBot, player: SpeechPlayer) -> SignalBlocker:
    """Wait for a render's result to reach the player (use as a context manager).

    Uses the player's private result signal: once it has been delivered, the player has decided
    whether to play, so "nothing played" can be asserted without sleeping.
    """
    return qtbot.waitSignal(player._rendered, timeout=TIMEOUT_MS)


def test_say_returns_at_once_and_plays_when_the_render_is_ready(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
) -> None:
    started = time.perf_counter()
    player.say("请仔细阅读您的权利。", "zh")
    assert time.perf_counter() - started < 0.2  # the render is still blocked: the UI is not
    qtbot.waitUntil(lambda: list(renderer.requests) == [("请仔细阅读您的权利。", "zh")],
                    timeout=TIMEOUT_MS)
    assert heard == []

    with qtbot.waitSignal(player.started, timeout=TIMEOUT_MS) as blocker:
        renderer.open("请仔细阅读您的权利。")
    assert blocker.args == ["请仔细阅读您的权利。"]
    assert player.is_playing

    # The 0.3 s file plays out, to no device, and the player says so.
    with qtbot.waitSignal(player.finished, timeout=TIMEOUT_MS):
        pass
    assert not player.is_playing


def test_stop_before_the_render_finishes_means_nothing_plays(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
) -> None:
    player.say("请出示身份证件。", "zh")
    qtbot.waitUntil(lambda: len(renderer.requests) == 1, timeout=TIMEOUT_MS)

    player.stop()  # the screen changed
    with wait_for_result(qtbot, player):
        renderer.open("请出示身份证件。")

    assert heard == []
    assert not player.is_playing


def test_stop_silences_what_is_playing(
    qtbot: QtBot, tmp_path: Path, renderer: GatedRenderer,
    make_player: Callable[[SpeechRenderer], SpeechPlayer],
) -> None:
    renderer.wav = write_silence(tmp_path / "long.wav", 5.0)
    player = make_player(renderer)
    renderer.open("请在这里签名。")
    with qtbot.waitSignal(player.started, timeout=TIMEOUT_MS):
        player.say("请在这里签名。", "zh")

    with qtbot.waitSignal(player.finished, timeout=100):  # at once, not after 5 s
        player.stop()
    assert not player.is_playing


def test_a_newer_say_supersedes_an_older_one(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
) -> None:
    player.say("第一个问题", "zh")
    player.say("第二个问题", "zh")
    qtbot.waitUntil(lambda: len(renderer.requests) == 2, timeout=TIMEOUT_MS)

    # The newer text is ready first, then the older one arrives late: it must not cut in.
    with qtbot.waitSignal(player.started, timeout=TIMEOUT_MS):
        renderer.open("第二个问题")
    with wait_for_result(qtbot, player):
        renderer.open("第一个问题")

    assert heard == ["第二个问题"]


def test_mute_blocks_playback_and_replay_after_unmute_says_the_last_text(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
) -> None:
    renderer.open("您有权保持沉默。")
    with qtbot.waitSignal(player.started, timeout=TIMEOUT_MS):
        player.say("您有权保持沉默。", "zh")

    with qtbot.waitSignals([player.muted_changed, player.finished], timeout=TIMEOUT_MS):
        player.set_muted(True)  # muting silences what is playing
    assert player.muted and not player.is_playing

    player.say("请仔细阅读您的权利。", "zh")
    player.replay()
    assert heard == ["您有权保持沉默。"]
    assert list(renderer.requests) == [("您有权保持沉默。", "zh")]  # not even rendered while muted

    player.set_muted(False)
    assert heard == ["您有权保持沉默。"]  # unmuting alone says nothing
    renderer.open("请仔细阅读您的权利。")
    with qtbot.waitSignal(player.started, timeout=TIMEOUT_MS) as blocker:
        player.replay()
    assert blocker.args == ["请仔细阅读您的权利。"]


def test_a_render_failure_is_reported_not_raised(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
) -> None:
    renderer.error = SpeechUnavailable("no voice for language 'fr'")
    renderer.open("Bonjour")
    with qtbot.waitSignal(player.failed, timeout=TIMEOUT_MS) as blocker:
        player.say("Bonjour", "fr")
    assert "no voice" in blocker.args[0]
    assert heard == []


def test_a_silent_back_end_plays_nothing(
    qtbot: QtBot, make_player: Callable[[SpeechRenderer], SpeechPlayer],
) -> None:
    renderer = SilentRenderer()
    player = make_player(renderer)
    heard = record_started(player)

    with wait_for_result(qtbot, player):
        player.say("请稍候。", "zh")

    assert list(renderer.requests) == [("请稍候。", "zh")]
    assert heard == []


def test_no_multimedia_back_end_is_reported_not_raised(
    qtbot: QtBot, player: SpeechPlayer, renderer: GatedRenderer, heard: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6 import QtMultimedia

    class UnavailablePlayer(QtMultimedia.QMediaPlayer):
        def isAvailable(self) -> bool:
            return False

    monkeypatch.setattr(QtMultimedia, "QMediaPlayer", UnavailablePlayer)
    renderer.open("你好")
    with qtbot.waitSignal(player.failed, timeout=TIMEOUT_MS) as blocker:
        player.say("你好", "zh")
    assert "back-end" in blocker.args[0]
    assert heard == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None,
                    reason="espeak-ng is not installed (Debian: apt install espeak-ng)")
def test_the_real_renderer_speaks_or_reports_but_never_raises(
    qtbot: QtBot, tmp_path: Path, make_player: Callable[[SpeechRenderer], SpeechPlayer],
) -> None:
    renderer = Pyttsx3Renderer(tmp_path / "speech")
    try:
        player = make_player(renderer)
        outcomes: list[str] = []
        player.started.connect(lambda text: outcomes.append(f"started {text}"))
        player.failed.connect(lambda message: outcomes.append(f"failed {message}"))

        player.say("你好", "zh")
        qtbot.waitUntil(lambda: bool(outcomes), timeout=TIMEOUT_MS)
        player.close()
    finally:
        renderer.close()

    # With no sound device, Qt Multimedia plays to none: "started"; elsewhere it may fail.
    assert outcomes[0] == "started 你好" or outcomes[0].startswith("failed ")


def test_the_qt_multimedia_back_end_is_really_available(qtbot: QtBot, tmp_path: Path) -> None:
    """A WAV through the real FFmpeg back-end: a machine missing one of the libraries the plugin
    loads (libXrandr on a bare Debian 12) says "Not available" and the kiosk is mute. The sound
    goes to no device here (no speakers), but the player must exist and finish the file."""
    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

    player = QMediaPlayer()
    output = QAudioOutput()
    player.setAudioOutput(output)
    assert player.isAvailable(), "Qt Multimedia has no back-end (a system library is missing)"
    player.setSource(QUrl.fromLocalFile(str(write_silence(tmp_path / "tone.wav", 0.3))))
    qtbot.waitUntil(lambda: player.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                     QMediaPlayer.MediaStatus.InvalidMedia),
                    timeout=TIMEOUT_MS)
    assert player.mediaStatus() == QMediaPlayer.MediaStatus.LoadedMedia
    assert player.error() == QMediaPlayer.Error.NoError
