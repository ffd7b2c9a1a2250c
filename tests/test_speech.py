"""The speech renderers: real espeak-ng Mandarin and English voices, the cache, the silent one."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.speech import (
    Pyttsx3Renderer,
    SilentRenderer,
    SpeechError,
    SpeechUnavailable,
    choose_voice,
    make_renderer,
)

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (Debian: apt install espeak-ng)",
)

RIGHTS_ZH = "您有权保持沉默。请仔细阅读您的权利。"
RIGHTS_EN = "You have the right to remain silent. Please read your rights carefully."


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
def renderer(tmp_path: Path) -> Iterator[Pyttsx3Renderer]:
    """A real pyttsx3 renderer on a fresh cache, closed (its thread joined) after the test."""
    with Pyttsx3Renderer(tmp_path / "speech") as renderer:
        yield renderer


def assert_spoken_wav(path: Path | None) -> None:
    assert path is not None and path.is_file()
    header = path.read_bytes()[:12]
    assert header[:4] == b"RIFF" and header[8:12] == b"WAVE"
    with wave.open(str(path)) as audio:
        assert audio.getnframes() / audio.getframerate() > 0.5  # seconds of actual speech


@needs_espeak
def test_chinese_is_spoken_with_the_mandarin_voice(
    renderer: Pyttsx3Renderer, tmp_path: Path,
) -> None:
    path = renderer.render(RIGHTS_ZH, "zh")

    assert_spoken_wav(path)
    # espeak-ng's Mandarin is `cmn`; `zh` would have fallen back to English.
    assert "cmn" in renderer.voice_for("zh")
    # The same sentence from the espeak-ng command line: as long in Mandarin, not in English.
    assert path is not None
    ours = frame_count(path)
    mandarin = frame_count(espeak_cli(RIGHTS_ZH, "cmn", renderer, tmp_path))
    english = frame_count(espeak_cli(RIGHTS_ZH, "en", renderer, tmp_path))
    # The same length as Mandarin (a few frames of padding may differ), unlike English.
    assert abs(ours - mandarin) < 0.01 * mandarin
    assert abs(ours - english) > 0.05 * english


def espeak_cli(text: str, voice: str, renderer: Pyttsx3Renderer, tmp_path: Path) -> Path:
    out = tmp_path / f"cli-{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(renderer.rate), "-w", str(out), text],
                   check=True, capture_output=True)
    return out


def frame_count(path: Path) -> int:
    with wave.open(str(path)) as audio:
        return audio.getnframes()


@needs_espeak
def test_english_is_spoken_with_an_english_voice(renderer: Pyttsx3Renderer) -> None:
    path = renderer.render(RIGHTS_EN, "en")

    assert_spoken_wav(path)
    assert re.split(r"[/\\]", renderer.voice_for("en"))[-1].startswith("en")


@needs_espeak
def test_a_text_is_synthesised_once_then_served_from_the_cache(
    renderer: Pyttsx3Renderer,
) -> None:
    started = time.perf_counter()
    first = renderer.render(RIGHTS_ZH, "zh")
    first_ms = (time.perf_counter() - started) * 1000
    assert first is not None
    written_at = first.stat().st_mtime_ns

    started = time.perf_counter()
    again = renderer.render(RIGHTS_ZH, "zh")
    cached_ms = (time.perf_counter() - started) * 1000

    print(f"render: first {first_ms:.1f} ms, cached {cached_ms:.3f} ms")
    assert again == first
    assert renderer.synthesis_count == 1
    assert first.stat().st_mtime_ns == written_at
    # Another language or text is a different file.
    assert renderer.render(RIGHTS_EN, "en") != first
    assert renderer.synthesis_count == 2


@needs_espeak
def test_renders_from_two_threads_at_once_both_succeed(renderer: Pyttsx3Renderer) -> None:
    @dataclass
    class Outcome:
        paths: list[Path | None] = field(default_factory=list)
        errors: list[BaseException] = field(default_factory=list)

    def render_together(texts: list[str]) -> Outcome:
        outcome = Outcome()
        barrier = threading.Barrier(len(texts))

        def render(text: str) -> None:
            barrier.wait()
            try:
                outcome.paths.append(renderer.render(text, "zh"))
            except BaseException as exc:
                outcome.errors.append(exc)

        threads = [threading.Thread(target=render, args=(text,)) for text in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
        return outcome

    different = render_together(["请出示您的身份证件。", "请在这里签名。"])
    assert different.errors == []
    assert len(set(different.paths)) == 2
    for path in different.paths:
        assert_spoken_wav(path)

    # The same new text asked for twice at once is still synthesised only once.
    same = render_together(["请稍候。", "请稍候。"])
    assert same.errors == []
    assert len(set(same.paths)) == 1
    assert renderer.synthesis_count == 3
    # No half-written file is left behind in the cache.
    assert not list(renderer.cache_dir.glob(".*.part.wav"))


@needs_espeak
def test_blank_text_is_silence_and_an_unknown_language_is_refused(
    renderer: Pyttsx3Renderer,
) -> None:
    assert renderer.render("  \n", "zh") is None
    with pytest.raises(SpeechUnavailable, match="'fr'"):
        renderer.render("Bonjour", "fr")
    assert renderer.synthesis_count == 0


@needs_espeak
def test_one_engine_per_process_and_none_after_close(tmp_path: Path) -> None:
    first = Pyttsx3Renderer(tmp_path / "a")
    try:
        with pytest.raises(SpeechError, match="share"):
            Pyttsx3Renderer(tmp_path / "b")
    finally:
        first.close()
    with pytest.raises(SpeechError, match="closed"):
        first.render("你好", "zh")

    # A renderer opened after the first closed speaks normally.
    with Pyttsx3Renderer(tmp_path / "c") as second:
        assert_spoken_wav(second.render("你好，请坐。", "zh"))


def test_an_engine_that_cannot_start_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(SpeechUnavailable, match=r"espeak-ng|SAPI5"):
        Pyttsx3Renderer(tmp_path / "speech", driver="no_such_driver")


@needs_espeak
def test_make_renderer_builds_the_pyttsx3_back_end(tmp_path: Path) -> None:
    renderer = make_renderer("pyttsx3", tmp_path / "speech")
    try:
        assert isinstance(renderer, Pyttsx3Renderer)
    finally:
        renderer.close()


def test_silent_renderer_records_what_it_was_asked() -> None:
    renderer = make_renderer("silent", Path("unused"))
    assert isinstance(renderer, SilentRenderer)

    assert renderer.render("请仔细阅读您的权利。", "zh") is None
    assert renderer.render("Please sign here.", "en") is None

    assert list(renderer.requests) == [("请仔细阅读您的权利。", "zh"), ("Please sign here.", "en")]


def test_an_unknown_back_end_is_refused() -> None:
    with pytest.raises(ValueError, match="pyttsx3, silent"):
        make_renderer("festival", Path("unused"))


@dataclass
class Voice:
    """The fields of a pyttsx3 voice that voice selection reads."""

    id: str
    name: str
    languages: list[str]


SAPI5_TOKENS = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Speech\\Voices\\Tokens\\"
WINDOWS_VOICES = [
    Voice(SAPI5_TOKENS + "TTS_MS_ZH-HK_TRACY_11.0",
          "Microsoft Tracy Desktop - Chinese(Traditional, HongKong SAR)", ["zh-HK"]),
    Voice(SAPI5_TOKENS + "TTS_MS_EN-US_ZIRA_11.0",
          "Microsoft Zira Desktop - English (United States)", ["en-US"]),
    Voice(SAPI5_TOKENS + "TTS_MS_ZH-CN_HUIHUI_11.0",
          "Microsoft Huihui Desktop - Chinese (Simplified)", ["zh-CN"]),
]
ESPEAK_VOICES = [
    Voice("sit/yue", "Chinese (Cantonese)", ["yue"]),
    Voice("sit/cmn-latn-pinyin", "Chinese (Mandarin, latin as Pinyin)", ["cmn-latn-pinyin"]),
    Voice("sit/cmn", "Chinese (Mandarin, latin as English)", ["cmn"]),
    Voice("gmw/en", "English (Great Britain)", ["en-gb"]),
]


@pytest.mark.parametrize(("voices", "language", "expected"), [
    (ESPEAK_VOICES, "zh", "sit/cmn"),
    (ESPEAK_VOICES, "en", "gmw/en"),
    (WINDOWS_VOICES, "zh", SAPI5_TOKENS + "TTS_MS_ZH-CN_HUIHUI_11.0"),
    (WINDOWS_VOICES, "en", SAPI5_TOKENS + "TTS_MS_EN-US_ZIRA_11.0"),
    (ESPEAK_VOICES[:1], "en", None),
])
def test_the_preferred_voice_is_chosen_and_cantonese_is_not_mandarin(
    voices: list[Voice], language: str, expected: str | None,
) -> None:
    from kiosk.speech import VOICES

    assert choose_voice(voices, VOICES[language]) == expected
