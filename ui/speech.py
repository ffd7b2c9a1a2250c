"""Reading the screens aloud without ever holding up the UI.

`SpeechPlayer` asks a `kiosk.speech` renderer for a sound file on a background thread and plays
it with Qt Multimedia, so speech stops the instant a screen calls `stop()` or says something else.
A screen calls `say` when it appears, `stop` when it goes, and wires its replay and mute buttons
to `replay` and `set_muted`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QThreadPool, QUrl, Signal, Slot

from kiosk.speech import SpeechRenderer

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

log = logging.getLogger(__name__)


class SpeechPlayer(QObject):
    """Speaks one text at a time; a newer `say`, `stop` or muting cuts off the current one.

    Signals: `started(text)` when playback of a text begins; `finished()` once for every
    `started`, when that playback ends for any reason (played out, stopped, superseded, muted);
    `failed(message)` when a text could not be rendered or played; `muted_changed(muted)`.
    """

    started = Signal(str)
    finished = Signal()
    failed = Signal(str)
    muted_changed = Signal(bool)
    # From a render thread back to the UI thread: generation, text, file (None: silent), error.
    _rendered = Signal(int, str, object, str)

    def __init__(self, renderer: SpeechRenderer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        # A pool of our own, so closing can wait for its threads without touching the app's.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        # Each say/stop/mute starts a new generation; a render of an older one is dropped.
        self._generation = 0
        self._last: tuple[str, str] | None = None
        self._muted = False
        self._playing_text: str | None = None
        self._player: QMediaPlayer | None = None
        self._audio: QAudioOutput | None = None
        self._source: QUrl | None = None  # what the player was last told to load
        self._awaiting_start = False  # play requested, not yet reported as playing
        self._has_backend = True
        self._rendered.connect(self._on_rendered)

    @property
    def renderer(self) -> SpeechRenderer:
        """The back-end this player speaks through (closed by its owner after `close`)."""
        return self._renderer

    @property
    def muted(self) -> bool:
        """Whether speech is switched off by the party."""
        return self._muted

    @property
    def last_text(self) -> tuple[str, str] | None:
        """The last (text, language) asked for, which `replay` says again."""
        return self._last

    @property
    def is_playing(self) -> bool:
        """Whether a text is being played now."""
        return self._playing_text is not None

    @Slot(str, str)
    def say(self, text: str, language: str) -> None:
        """Stop what is playing and speak `text` in `language` ("zh", "en"); returns at once."""
        self._last = (text, language)
        self._cancel()
        if self._muted:
            return
        generation = self._generation
        renderer = self._renderer

        def render() -> None:  # runs on a pool thread: touch no widget or player here
            path: Path | None = None
            error = ""
            try:
                path = renderer.render(text, language)
            except Exception as exc:  # a speech failure must never reach the UI as a crash
                log.warning("speech rendering failed: %s", exc)
                error = str(exc) or type(exc).__name__
            self._rendered.emit(generation, text, path, error)

        self._pool.start(render)

    @Slot()
    def stop(self) -> None:
        """Silence now, and drop any text still being rendered (the screen changed)."""
        self._cancel()

    @Slot()
    def replay(self) -> None:
        """Say the last text again (the party pressed replay)."""
        if self._last is not None:
            self.say(*self._last)

    @Slot(bool)
    def set_muted(self, muted: bool) -> None:
        """Switch speech off or on; the last text is kept so replay works after unmuting."""
        if muted == self._muted:
            return
        self._muted = muted
        if muted:
            self._cancel()
        self.muted_changed.emit(muted)

    def close(self) -> None:
        """Stop, wait for the render threads and release the media player; call before deleting.

        The renderer belongs to the caller, who closes it after this.
        """
        self._cancel()
        self._pool.waitForDone()
        if self._player is not None and self._audio is not None:
            # Deleted from the event loop rather than with this object, which Python may delete
            # while holding the GIL: the FFmpeg back-end's teardown waits for threads that need it.
            self._player.deleteLater()
            self._audio.deleteLater()
            self._player = self._audio = self._source = None

    # --- internals ---------------------------------------------------------------------------

    def _cancel(self) -> None:
        self._generation += 1
        if self._player is not None:
            self._call_player("stop")
        self._end_playback()

    def _end_playback(self) -> None:
        self._awaiting_start = False
        if self._playing_text is not None:
            self._playing_text = None
            self.finished.emit()

    @Slot(int, str, object, str)
    def _on_rendered(self, generation: int, text: str, path: Path | None, error: str) -> None:
        if generation != self._generation or self._muted:
            return  # superseded by a newer say, a stop or muting while it rendered
        if error:
            self.failed.emit(error)
        elif path is not None:  # None: a silent back-end, nothing to play
            self._play(text, path)

    def _play(self, text: str, path: Path) -> None:
        if self._ensure_player() is None:
            self.failed.emit("no multimedia back-end: speech cannot be played")
            return
        source = QUrl.fromLocalFile(str(path))
        if source != self._source:
            self._call_player("setSource", Q_ARG(QUrl, source))
            self._source = source
        self._playing_text = text
        self._awaiting_start = True
        self.started.emit(text)
        self._call_player("play")

    def _call_player(self, slot: str, *args: object) -> None:
        # Queued, so that Qt runs the slot from its event loop, where Python's GIL is released.
        # The FFmpeg back-end's threads call into PySide (which needs the GIL) while holding locks
        # that stop/setSource/play wait for: called directly from Python, which holds the GIL
        # while it waits, they deadlock now and then (seen with PySide6 6.12, FFmpeg back-end).
        QMetaObject.invokeMethod(self._player, slot, Qt.ConnectionType.QueuedConnection, *args)

    def _ensure_player(self) -> QMediaPlayer | None:
        # Created on first use: building the multimedia back-end costs start-up time, and a
        # machine without one must still run the kiosk, silently.
        if self._player is not None or not self._has_backend:
            return self._player
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            player = QMediaPlayer(self)
            if not player.isAvailable():
                player.deleteLater()
                raise RuntimeError("QMediaPlayer reports no available back-end")
            audio = QAudioOutput(self)
            player.setAudioOutput(audio)
        except Exception as exc:  # ImportError, a missing plugin: run on without sound
            log.warning("speech playback unavailable: %s", exc)
            self._has_backend = False
            return None
        # Queued, so these handlers run only in the UI thread's event loop, whichever thread the
        # back-end emits from (the FFmpeg back-end works in threads of its own).
        queued = Qt.ConnectionType.QueuedConnection
        player.playbackStateChanged.connect(self._on_playback_state, queued)
        player.mediaStatusChanged.connect(self._on_media_status, queued)
        player.errorOccurred.connect(self._on_player_error, queued)
        self._player, self._audio = player, audio
        return player

    def _on_playback_state(self, state: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state == QMediaPlayer.PlaybackState.PlayingState:
            self._awaiting_start = False

    def _on_media_status(self, status: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        # Until the requested play has begun, an end of media is the previous text's.
        if status == QMediaPlayer.MediaStatus.EndOfMedia and not self._awaiting_start:
            self._end_playback()

    def _on_player_error(self, error: object, message: str) -> None:
        log.warning("speech playback failed: %s (%s)", message, error)
        self._end_playback()
        self.failed.emit(message or "speech playback failed")
