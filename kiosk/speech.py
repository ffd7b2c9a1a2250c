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
import uuid
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
        try:
            self.cache_dir = Path(cache_dir)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            self.rate = rate
            self.synthesis_count = 0  # texts actually synthesised (cache misses), for tests
            self._driver = driver
            self._voices: dict[str, str] = {}
            self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
            self._closed = False
            self._close_lock = threading.Lock()  # orders the last job before the stop marker
            self._ready = threading.Event()
            self._start_error: BaseException | None = None
            self._thread = threading.Thread(target=self._serve, name="speech-engine", daemon=True)
            self._thread.start()
            if not self._ready.wait(START_TIMEOUT_S):
                raise SpeechUnavailable("the speech engine did not start within "
                                        f"{START_TIMEOUT_S:.0f} s")
            if self._start_error is not None:
                self._thread.join()
                raise SpeechUnavailable(_install_hint(self._start_error)) from self._start_error
        except BaseException:
            self._closed = True
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
                import pyttsx3

                # Not pyttsx3.init(): that hands out one shared engine per driver, which another
                # thread may be using.
                engine = pyttsx3.Engine(self._driver)
                errors: list[BaseException] = []
                engine.connect("error", lambda name=None, exception=None: errors.append(exception))
                installed = engine.getProperty("voices")
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
            while (job := self._jobs.get()) is not None:
                try:
                    self._synthesise(engine, job, errors)
                except Exception as exc:
                    job.error = exc
                finally:
                    job.done.set()
            # Drop the engine here, in its own thread: its driver's teardown unhooks espeak's
            # callback, which must not happen later under a newer renderer's engine.
            del engine
        finally:
            leave_apartment()

    def _synthesise(self, engine: Any, job: _Job, errors: list[BaseException]) -> None:
        if job.path.is_file():  # asked twice before the first finished
            return
        errors.clear()
        # Written under a temporary name and renamed, so a half-written file is never served.
        partial = job.path.with_name(f".{job.path.stem}.{uuid.uuid4().hex}.part.wav")
        try:
            engine.setProperty("voice", job.voice)
            engine.setProperty("rate", self.rate)
            engine.save_to_file(job.text, str(partial))
            engine.runAndWait()
            if errors:
                raise SpeechError(str(errors[0])) from errors[0]
            # pyttsx3 ignores a voice it cannot set and speaks with the previous one.
            spoken_with = str(engine.getProperty("voice") or "")
            if spoken_with.casefold() != job.voice.casefold():
                raise SpeechError(f"the engine spoke with voice {spoken_with!r}, "
                                  f"not {job.voice!r}")
            if not partial.is_file() or partial.stat().st_size <= WAV_HEADER_BYTES:
                raise SpeechError("the engine wrote no audio")
            os.replace(partial, job.path)
            self.synthesis_count += 1
        finally:
            partial.unlink(missing_ok=True)


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
        self.requests: list[tuple[str, str]] = []

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
