"""Turning the kiosk's texts into spoken audio files, in the party's language.

The screens never speak directly: they ask a renderer for a WAV file and play it with their own
media player, because a file can be stopped the moment the screen changes and pyttsx3's own
playback cannot (on Linux it shells out to aplay and waits). Files are cached by voice, rate and
text, so each prompt is synthesised once. `Pyttsx3Renderer` uses espeak-ng on Linux and SAPI5 on
Windows; `SilentRenderer` says nothing and remembers what it was asked, for tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import re
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Preferred voices per kiosk language, best first. Each entry matches a voice whose id (its last
# path segment) or language is exactly it, or else whose name contains it. espeak-ng's Mandarin is
# `cmn`: asking espeak for `zh` silently falls back to English. The SAPI5 names are the Windows
# voices (Huihui, Kangkang, Yaoyao are Mandarin; Zira, David are US English). A bare "Chinese" is
# the last resort because it also matches Cantonese voices.
VOICES: Mapping[str, tuple[str, ...]] = {
    "zh": ("cmn", "zh-cn", "Huihui", "Kangkang", "Yaoyao", "Mandarin", "Chinese"),
    "en": ("en", "en-us", "en-gb", "Zira", "David", "English"),
}

# Words per minute. Slower than the engines' default (espeak 175, pyttsx3 sets 200): the parties
# are often stressed, not reading in their first language, or hard of hearing.
DEFAULT_RATE = 150

# A render is ~15 ms; a wait this long means the engine is stuck, and the caller (a background
# thread of the UI) must get its thread back.
RENDER_TIMEOUT_S = 30.0
START_TIMEOUT_S = 30.0

WAV_HEADER_BYTES = 44


class SpeechError(Exception):
    """A text could not be turned into speech."""


class SpeechUnavailable(SpeechError):
    """No speech engine, or no voice for the language, is installed on this machine."""


class SpeechRenderer(Protocol):
    """What the screens need from a speech back-end: a sound file for a text."""

    def render(self, text: str, language: str) -> Path | None:
        """Return a WAV file speaking `text` in `language` ("zh", "en"), or None for silence.

        May block while synthesising: call it from a background thread, never the UI thread.
        """
        ...

    def close(self) -> None:
        """Release the engine; `render` may not be called afterwards."""
        ...


class VoiceLike(Protocol):
    """The parts of a `pyttsx3.voice.Voice` that voice selection reads."""

    id: str
    name: str
    languages: list[Any]


def choose_voice(voices: Iterable[VoiceLike], preferences: Sequence[str]) -> str | None:
    """Return the id of the installed voice that best matches `preferences`, or None."""
    candidates = list(voices)
    for wanted in (p.casefold() for p in preferences):
        for voice in candidates:
            id_tail = re.split(r"[/\\]", str(voice.id))[-1].casefold()
            languages = {_language_text(lang).casefold() for lang in voice.languages or ()}
            if wanted == id_tail or wanted in languages:
                return str(voice.id)
        for voice in candidates:
            if wanted in str(voice.name).casefold():
                return str(voice.id)
    return None


def _language_text(language: object) -> str:
    # Older drivers report languages as bytes with a leading priority byte (espeak's format).
    if isinstance(language, bytes):
        return language[1:].decode("utf-8", errors="ignore")
    return str(language)


def cache_name(voice: str, rate: int, text: str) -> str:
    """Return the file name under which this voice speaks this text at this rate."""
    key = f"{voice}\0{rate}\0{text}".encode()
    return hashlib.sha256(key).hexdigest() + ".wav"


@dataclass
class _Job:
    """One text for the engine thread to synthesise into `path`."""

    text: str
    voice: str
    path: Path
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class Pyttsx3Renderer:
    """Speech through pyttsx3, synthesised to cached WAV files by one dedicated engine thread.

    A pyttsx3 engine must be created and used in one thread only (espeak-ng and SAPI5's COM
    objects are not thread-safe), so the engine lives in a worker thread that serves requests from
    a queue; `render` may be called from any thread and waits for its file. espeak-ng is one
    library per process with a single audio callback, so only one renderer may be open at a time:
    share it between screens.
    """

    _open_slot = threading.Lock()  # held while an instance is open, across threads

    def __init__(self, cache_dir: Path, *, rate: int = DEFAULT_RATE,
                 driver: str | None = None) -> None:
        if not Pyttsx3Renderer._open_slot.acquire(blocking=False):
            raise SpeechError("another Pyttsx3Renderer is open in this process; espeak-ng allows "
                              "one engine per process, so share that renderer")
        self.cache_dir = Path(cache_dir)
        self.rate = rate
        self.synthesis_count = 0  # texts actually synthesised (cache misses), for tests
        self._driver = driver
        self._voices: dict[str, str] = {}
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()  # orders the last job before the stop marker
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        # A daemon, so that a renderer nobody closed cannot keep the kiosk from exiting.
        self._thread = threading.Thread(target=self._serve, name="speech-engine", daemon=True)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            self._thread.start()
            if not self._ready.wait(START_TIMEOUT_S):
                raise SpeechUnavailable("the speech engine did not start within "
                                        f"{START_TIMEOUT_S:.0f} s")
            if self._start_error is not None:
                self._thread.join()
                raise SpeechUnavailable(_install_hint(self._start_error)) from self._start_error
        except BaseException:
            self._closed = True
            self._jobs.put(None)  # an engine that starts late stops at once
            Pyttsx3Renderer._open_slot.release()
            raise

    def __enter__(self) -> Pyttsx3Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def voices(self) -> dict[str, str]:
        """The voice id chosen for each language this machine can speak."""
        return dict(self._voices)

    def voice_for(self, language: str) -> str:
        """Return the voice id used for `language`, or raise SpeechUnavailable."""
        try:
            return self._voices[language]
        except KeyError:
            wanted = ", ".join(VOICES.get(language, ())) or "none known"
            raise SpeechUnavailable(
                f"no voice for language {language!r} is installed (looked for: {wanted}); "
                "Debian: apt install espeak-ng; Windows: add the language's speech pack"
            ) from None

    def render(self, text: str, language: str) -> Path | None:
        """Return the cached WAV file of `text`, synthesising it first if needed (blocks)."""
        text = text.strip()
        if not text:
            return None
        voice = self.voice_for(language)
        path = self.cache_dir / cache_name(voice, self.rate, text)
        # A cached file is complete (it was renamed into place), so a hit needs no engine.
        if path.is_file():
            return path
        job = _Job(text, voice, path)
        with self._close_lock:
            if self._closed:
                raise SpeechError("the speech renderer is closed")
            self._jobs.put(job)
        if not job.done.wait(RENDER_TIMEOUT_S):
            raise SpeechError(f"speech synthesis took longer than {RENDER_TIMEOUT_S:.0f} s")
        if job.error is not None:
            raise SpeechError(f"could not synthesise speech: {job.error}") from job.error
        return path

    def close(self) -> None:
        """Stop the engine thread after the requests already queued; safe to call twice."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(None)
        self._thread.join()
        Pyttsx3Renderer._open_slot.release()

    # --- the engine thread -----------------------------------------------------------------

    def _serve(self) -> None:
        leave_apartment = _enter_com_apartment()
        try:
            try:
                engine = _Engine(self._driver)
                installed = engine.voices()
                for language, preferences in VOICES.items():
                    voice = choose_voice(installed, preferences)
                    if voice is None:
                        log.warning("no %s voice installed; speech in %s is unavailable",
                                    language, language)
                    else:
                        self._voices[language] = voice
            except Exception as exc:  # any driver failure means "no speech on this machine"
                self._start_error = exc
                return
            finally:
                self._ready.set()
            try:
                while (job := self._jobs.get()) is not None:
                    try:
                        self._synthesise(engine, job)
                    except Exception as exc:
                        job.error = exc
                    finally:
                        job.done.set()
            finally:
                # Dropped here, in its own thread: the driver's teardown unhooks espeak's audio
                # callback, which must not happen later under a newer renderer's engine.
                engine.close()
        finally:
            leave_apartment()

    def _synthesise(self, engine: _Engine, job: _Job) -> None:
        if job.path.is_file():  # asked twice before the first finished
            return
        # Written under a temporary name and renamed, so a half-written file is never served.
        partial = job.path.with_name(f".{job.path.stem}.{uuid.uuid4().hex}.part.wav")
        try:
            engine.save(job.text, job.voice, self.rate, partial)
            if not partial.is_file() or partial.stat().st_size <= WAV_HEADER_BYTES:
                raise SpeechError("the engine wrote no audio")
            os.replace(partial, job.path)
            self.synthesis_count += 1
        finally:
            partial.unlink(missing_ok=True)


class _Engine:
    """One pyttsx3 engine, used only in the thread that created it.

    pyttsx3's espeak driver runs espeak-ng asynchronously and is racy in three ways this class
    works around, each by waiting for espeak-ng to go idle (`_settle`):
    - a new engine starts "busy", so its first runAndWait returns before the file is written;
    - each runAndWait first cancels whatever espeak-ng is still doing (setting the rate is queued
      like speech), and that cancel then lands on the new text, which is lost;
    - the end of an utterance is reported before espeak-ng's thread is done with it.
    """

    def __init__(self, driver: str | None) -> None:
        import pyttsx3

        # Not pyttsx3.init(): that hands out one shared engine per driver, which another thread
        # may be using.
        self._engine: Any = pyttsx3.Engine(driver)
        self._is_playing: Callable[[], int] | None = None
        if self._engine.driver_name == "espeak":
            from pyttsx3.drivers import _espeak

            self._is_playing = _espeak.IsPlaying
        finished = self._finished = threading.Event()
        errors: list[BaseException] = []
        self._errors = errors

        # Closures over locals, not bound methods: the engine must not hold this object, so that
        # `close` frees it at once.
        def on_finished(**_: object) -> None:
            finished.set()

        def on_error(exception: BaseException | None = None, **_: object) -> None:
            errors.append(exception or SpeechError("the speech engine reported an error"))
            finished.set()

        self._engine.connect("finished-utterance", on_finished)
        self._engine.connect("error", on_error)
        self._voice: str | None = None
        self._rate: int | None = None
        if self._is_playing is not None:
            self._settle(time.monotonic() + START_TIMEOUT_S)
            self._engine.runAndWait()  # with nothing queued: leaves the engine idle, not busy

    def voices(self) -> list[Any]:
        """The voices installed for this engine's driver."""
        return list(self._engine.getProperty("voices"))

    def save(self, text: str, voice: str, rate: int, path: Path) -> None:
        """Synthesise `text` with `voice` at `rate` into the WAV file `path`, and wait for it."""
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        if voice != self._voice:
            self._engine.setProperty("voice", voice)
            self._voice = voice
        if rate != self._rate:
            self._engine.setProperty("rate", rate)
            self._rate = rate
        if not self._settle(deadline):
            raise SpeechError("the speech engine stayed busy")
        self._errors.clear()
        self._finished.clear()
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if self._is_playing is not None and not (
            self._finished.wait(max(0.0, deadline - time.monotonic())) and self._settle(deadline)
        ):
            self._engine.stop()
            raise SpeechError(f"speech synthesis took longer than {RENDER_TIMEOUT_S:.0f} s")
        if self._errors:
            self._voice = self._rate = None  # the engine's state is unknown: set both next time
            raise SpeechError(str(self._errors[0])) from self._errors[0]
        # pyttsx3 ignores a voice it cannot set and speaks with the previous one.
        spoken_with = str(self._engine.getProperty("voice") or "")
        if spoken_with.casefold() != voice.casefold():
            self._voice = None
            raise SpeechError(f"the engine spoke with voice {spoken_with!r}, not {voice!r}")

    def _settle(self, deadline: float) -> bool:
        """Wait until espeak-ng has nothing queued or playing; False if the deadline passed."""
        if self._is_playing is None:
            return True
        while self._is_playing():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        return True

    def close(self) -> None:
        """Free the engine now, in this thread."""
        self._engine = None


def _enter_com_apartment() -> Callable[[], None]:
    """Initialise COM in this thread where SAPI5 needs it; return the matching clean-up."""
    if sys.platform != "win32":
        return lambda: None
    import pythoncom  # pywin32, installed with pyttsx3 on Windows

    pythoncom.CoInitialize()
    return pythoncom.CoUninitialize


def _install_hint(error: BaseException) -> str:
    if sys.platform == "win32":
        hint = "check that Windows speech (SAPI5) voices are installed"
    else:
        hint = "install espeak-ng (Debian: apt install espeak-ng)"
    return f"no speech engine could be started ({error}); {hint}"


class SilentRenderer:
    """A speech back-end that says nothing and records what it was asked (for tests)."""

    def __init__(self) -> None:
        # The latest texts only: a kiosk that falls back to silence runs for days.
        self.requests: deque[tuple[str, str]] = deque(maxlen=500)

    def render(self, text: str, language: str) -> Path | None:
        """Record the request; return None, meaning there is nothing to play."""
        self.requests.append((text, language))
        return None

    def close(self) -> None:
        """Nothing to release."""


RENDERER_KINDS = ("pyttsx3", "silent")


def make_renderer(kind: str, cache_dir: Path) -> SpeechRenderer:
    """Build the speech back-end named in the settings ("pyttsx3" or "silent")."""
    if kind == "pyttsx3":
        return Pyttsx3Renderer(cache_dir)
    if kind == "silent":
        return SilentRenderer()
    raise ValueError(f"unknown speech back-end {kind!r}; choose one of {', '.join(RENDERER_KINDS)}")
