"""The party's kiosk window: a frame that never moves around one screen at a time.

The window is the only place that talks to `PartySession`, always through background
operations; screens only show states and report intents. Nothing of a party stays on screen
after the idle timeout: the window goes back to the idle screen and forgets the session (the
case itself, every answer included, is safe in the database and resumes with the start code).

The party's session is recorded on audio and video (PSAPL Art. 97, 108) from the moment the
start code is accepted, before the notices, until after the signature, a conversion or an exit;
a returned case's correction is a session of its own. While it is, the header shows a red dot
and the party's live picture. When the camera or the microphone fails, questioning stops: the
window shows only the screen asking for an officer until the recording starts again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.cases import AnswerRejected, CaseError, CaseNotFound, IdentityProblem, find_case
from kiosk.guessing import GuessingThrottled, PinCheck, check_admin_pin, this_machine
from kiosk.hooks import SUBMITTED, notify
from kiosk.notices import RIGHTS, TERMS
from kiosk.party import (
    CONSENT,
    FINISHED,
    IDENTITY,
    LANGUAGE,
    NOTICE,
    REVIEW,
    RIGHTS_STEP,
    SIGNATURE,
    TERMS_STEP,
    WAITING,
    PartySession,
    PartyState,
)
from kiosk.person_session import PersonSession, resume_at_kiosk
from kiosk.recording import RecordingFault
from kiosk.station import Station
from kiosk.template_model import text_in
from ui import theme
from ui.kiosk import keyboard
from ui.kiosk.keyboard import KeyboardDock
from ui.kiosk.recording import KioskRecording, RecordingFaultScreen, RecordingIndicator
from ui.kiosk.screens import (
    ConsentScreen,
    IdentityScreen,
    IdleScreen,
    KioskScreen,
    LanguageScreen,
    NoticeScreen,
    PenaltyNoticeScreen,
    PinScreen,
    QuestionScreen,
    ReviewScreen,
    SignatureScreen,
    StartCodeScreen,
    StatusScreen,
)
from ui.kiosk.strings import tr, wait_words
from ui.notifier import ChangeNotifier
from ui.operations import Operations

log = logging.getLogger(__name__)

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress, QEvent.Type.Wheel,
})
IDLE_WARNING_SECONDS = 30
# The waiting screen hears of the officer's decision through the change notifier at once; this
# slow poll is only a safety net should notifications be lost.
STATUS_POLL_MS = 30_000


class ScreenStack(QStackedWidget):
    """The screens, one at a time, in whatever height the window has left for them.

    A word-wrapping label makes a screen's height depend on its width, and a layout gives such
    a widget all the height it would like, however little is left: with the keys open that
    pushed the keys and the footer off the screen. The screens scroll instead.
    """

    def hasHeightForWidth(self) -> bool:
        return False


class KioskWindow(QWidget):
    """The full-screen kiosk: header, one screen, footer."""

    def __init__(self, station: Station, speech: Any = None, *, record: bool = True) -> None:
        """`record=False` only where recording is not what is being tried out (tests and
        screenshot walks of other screens, on machines without a camera)."""
        super().__init__()
        self.setObjectName("KioskWindow")
        self.setWindowTitle(station.settings.station_name)
        self.station = station
        self.speech = speech
        self.operations = Operations(self)
        self.session: PartySession | PersonSession | None = None
        self.state: PartyState | None = None
        self.language = station.settings.languages[0]
        self.larger_text = False
        self.may_close = False
        self.last_activity = time.monotonic()
        self._before_pin: KioskScreen | None = None
        self.recording = KioskRecording(station, self) if record else None
        self.fault: RecordingFault | None = None
        self._before_fault: tuple[KioskScreen, str | None] | None = None

        self.screens: dict[str, KioskScreen] = {
            "idle": IdleScreen(), "code": StartCodeScreen(),
            "language": LanguageScreen(station.settings.languages),
            "terms": NoticeScreen("terms_read"), "rights": NoticeScreen("rights_read"),
            "consent": ConsentScreen(), "identity": IdentityScreen(),
            "question": QuestionScreen(station.local_now), "review": ReviewScreen(),
            "signature": SignatureScreen(), "status": StatusScreen(), "pin": PinScreen(),
            "penalty_notice": PenaltyNoticeScreen(),
            "recording_fault": RecordingFaultScreen(),
        }
        # The party's answer to the notice, kept until they sign it (PSAPL Art. 112).
        self.notice_answer: tuple[bool, list[str], str] | None = None
        self.stack = ScreenStack()
        for screen in self.screens.values():
            self.stack.addWidget(screen)
            screen.intent.connect(self.on_intent)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        layout.addWidget(self.stack, 1)
        self.stack.currentChanged.connect(self._size_by_current_screen)
        # Between the screen and the footer: the screen gives up height to the keys, the
        # footer's Next stays where it always is.
        self.dock = KeyboardDock(station.settings.languages,
                                 virtual_keyboard=keyboard.is_enabled())
        self.keyboard = self.dock.keyboard
        layout.addWidget(self.dock)
        layout.addWidget(self._build_footer())

        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(1000)
        self.idle_timer.timeout.connect(self._tick)
        self.idle_timer.start()
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_POLL_MS)
        self.status_timer.timeout.connect(self._poll_status)
        self.notifier = ChangeNotifier(station.settings.resolved_database_url, self)
        self.notifier.changed.connect(self._case_changed)
        self.notifier.resynced.connect(self._poll_status)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.focusChanged.connect(self._focus_changed)
        QGuiApplication.inputMethod().visibleChanged.connect(self._keys_moved)
        self.show_idle()

    # -- frame -------------------------------------------------------------------------------

    def _build_header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("Header")
        row = QHBoxLayout(header)
        row.setContentsMargins(32, 12, 16, 12)
        self.station_label = QLabel(self.station.settings.station_name)
        self.station_label.setProperty("role", "station")
        self.section_label = QLabel()
        self.step_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(240)
        self.idle_label = QLabel()
        self.staff_button = QPushButton("⋯")
        self.staff_button.setProperty("role", "toggle")
        self.staff_button.setAccessibleName("staff")
        self.staff_button.clicked.connect(self.show_pin)
        self.indicator = RecordingIndicator()
        if self.recording is not None:
            self.recording.preview.connect(self.indicator.show_frame)
            self.recording.changed.connect(self.indicator.set_recording)
            self.recording.fault.connect(self._recording_failed)
        row.addWidget(self.station_label)
        row.addStretch(1)
        row.addWidget(self.section_label)
        row.addSpacing(24)
        row.addWidget(self.step_label)
        row.addWidget(self.progress)
        row.addStretch(1)
        row.addWidget(self.idle_label)
        row.addWidget(self.indicator)
        row.addWidget(self.staff_button)
        return header

    def _build_footer(self) -> QWidget:
        footer = QWidget()
        footer.setObjectName("Footer")
        row = QHBoxLayout(footer)
        self.footer_row = row
        # A little above the screen's edge, where a resting hand would press by accident.
        row.setContentsMargins(32, 16, 32, 40)
        row.setSpacing(24)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.on_intent("back", None))
        self.replay_button = self._toggle(self.replay)
        self.mute_button = self._toggle(self.toggle_mute, checkable=True)
        self.larger_button = self._toggle(self.toggle_larger_text, checkable=True)
        self.language_button = self._toggle(self.toggle_language)
        self.next_button = QPushButton()
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(self._next)
        row.addWidget(self.back_button)
        row.addStretch(1)
        for button in (self.replay_button, self.mute_button, self.larger_button,
                       self.language_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        return footer

    def _toggle(self, slot: Callable[[], None], *, checkable: bool = False) -> QPushButton:
        button = QPushButton()
        button.setProperty("role", "toggle")
        button.setCheckable(checkable)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    @property
    def current(self) -> KioskScreen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def refresh_footer(self) -> None:
        screen = self.current
        language = self.language
        busy = self.operations.is_busy()
        self.back_button.setText(tr("back", language))
        self.back_button.setVisible(screen.has_back)
        self.back_button.setEnabled(not busy)
        self.next_button.setVisible(screen.next_key is not None)
        if screen.next_key:
            self.next_button.setText(tr(screen.next_key, language))
        self.next_button.setEnabled(not busy and screen.next_enabled())
        self.replay_button.setText(tr("replay", language))
        self.mute_button.setText(tr("mute", language))
        self.larger_button.setText(tr("larger", language))
        self.language_button.setText(tr("language_toggle", language))
        has_party = self.session is not None and screen not in (self.screens["idle"],
                                                                self.screens["pin"])
        self.language_button.setVisible(has_party or screen is self.screens["code"])

    def _header_for(self, state: PartyState | None) -> None:
        screen = state.screen if state else None
        if screen is not None:
            self.section_label.setText(text_in(screen.section.title, self.language))
            self.step_label.setText(tr("step", self.language, step=screen.step,
                                       total=screen.total))
            self.progress.setRange(0, screen.total)
            self.progress.setValue(screen.step)
            self.progress.show()
        else:
            titles = {REVIEW: "review_title", SIGNATURE: "signature_title",
                      IDENTITY: "identity_title"}
            key = titles.get(state.position) if state else None
            self.section_label.setText(tr(key, self.language) if key else "")
            self.step_label.setText("")
            self.progress.hide()

    # -- showing -----------------------------------------------------------------------------

    def _show(self, key: str, state: PartyState | None = None) -> None:
        if self.fault is not None and key not in ("recording_fault", "pin", "idle"):
            return  # questioning stays stopped until the recording runs again
        screen = self.screens[key]
        if screen is not self.current:
            # The keys belong to a field of the screen that goes.
            focused = QApplication.focusWidget()
            if focused is not None and self.isAncestorOf(focused):
                focused.clearFocus()
            self.dock.close_keys()
        screen.show_state(state, self.language)
        self.stack.setCurrentWidget(screen)
        self.indicator.set_language(self.language)
        self._header_for(state)
        self.refresh_footer()
        if key == "status" and state is not None and state.status in ("submitted", "in_review"):
            self._wait_for_officer(True)
        else:
            self._wait_for_officer(False)
        self.say(screen.speech())

    def show_idle(self) -> None:
        """Back to the start: forget the party (their case stays in the database)."""
        self.session = None
        self.state = None
        self.fault = self._before_fault = None
        if self.recording is not None:
            self.recording.stop_later()  # an exit: the session ends with it
        self.language = self.station.settings.languages[0]
        self._wait_for_officer(False)
        if self.speech is not None:
            self.speech.stop()
        self.idle_label.setText("")
        self._show("idle")

    def render(self, state: PartyState) -> None:
        self.state = state
        self.language = state.language
        position = state.position
        if position in (WAITING, FINISHED) and self.recording is not None:
            self.recording.stop_later()  # a conversion (the signature stops it itself)
        if position == LANGUAGE:
            self._show("language", state)
        elif position in (TERMS_STEP, RIGHTS_STEP):
            key, notice_id = ("terms", TERMS) if position == TERMS_STEP else ("rights", RIGHTS)
            assert self.session is not None
            self.screens[key].set_notice(self.session.notice(notice_id))  # type: ignore[attr-defined]
            self._show(key, state)
        elif position == CONSENT:
            self._show("consent", state)
        elif position == IDENTITY:
            self._show("identity", state)
        elif position == REVIEW:
            self._show("review", state)
        elif position == SIGNATURE:
            self._show("signature", state)
        elif position == NOTICE:
            self.notice_answer = None
            self._show("penalty_notice", state)
            session = self.session
            if session is not None:  # told now: the record of the notice gives this time
                self.operations.run(session.notice_shown, lambda _s: self.refresh_footer(),
                                    lambda error: (log.warning("notice not marked: %s", error),
                                                   self.refresh_footer()))
        elif position in (WAITING, FINISHED):
            self._show("status", state)
        elif state.screen is not None:
            self._show("question", state)
        else:  # a position the engine no longer shows: the review lists everything
            self._show("review", state)

    def say(self, text: str) -> None:
        if self.speech is not None and text:
            self.speech.say(text, self.language)

    # -- what the party did --------------------------------------------------------------------

    def _next(self) -> None:
        if not self.operations.is_busy():
            self.current.on_next()

    def _run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None) -> None:
        """Runs a PartySession call off the UI thread; problems go next to the field."""
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        screen = self.current

        def succeeded(result: Any) -> None:
            if isinstance(result, RecordingFault):
                self._show_fault(result)
            elif on_done is not None:
                on_done(result)
            elif isinstance(result, PartyState):
                self.render(result)
            self.refresh_footer()

        def failed(error: BaseException) -> None:
            language = self.language
            if isinstance(error, AnswerRejected | IdentityProblem):
                field = getattr(error, "field", None)
                text = error.messages.get(language) or str(error)
                screen.show_problem(text, field)
                self.say(text)  # read aloud as well: not every party reads
            elif isinstance(error, GuessingThrottled):
                screen.show_problem(f"{wait_words(error.wait_seconds, 'zh')}\n"
                                    f"{wait_words(error.wait_seconds, 'en')}")
            elif isinstance(error, CaseNotFound):
                screen.show_problem(f"{tr('code_wrong', 'zh')}\n{tr('code_wrong', 'en')}")
            elif isinstance(error, CaseError):
                log.warning("kiosk step refused: %s", error)
                screen.show_problem(tr("saving_failed", language))
            else:
                log.error("kiosk step failed", exc_info=error)
                screen.show_problem(tr("saving_failed", language))
            self.refresh_footer()

        self.operations.run(work, succeeded, failed)

    def on_intent(self, action: str, payload: Any) -> None:
        session = self.session
        if action == "start":
            self._show("code")
        elif action == "code":
            station = self.station

            def resume() -> tuple[PartySession | PersonSession, PartyState,
                                  RecordingFault | None]:
                # The party's start code, or a victim's or witness's (kiosk/persons.py).
                party = resume_at_kiosk(station, payload, recorder=self.recording)
                state = party.state()
                # Recorded from here: before the notices are shown (PSAPL Art. 97).
                fault = None if state.position in (WAITING, FINISHED) \
                    else self._start_recording(party.case_id)
                return party, state, fault

            self._run(resume, self._resumed)
        elif action == "finish":
            self.show_idle()
        elif action == "pin":
            self._check_pin(payload)
        elif action == "pin_cancel":
            self._leave_pin()
        elif session is None:
            self.show_idle()
        elif action == "retry_recording":
            self._retry_recording(session)
        elif self.fault is not None:
            return  # no questioning without the recording
        elif action == "language":
            self._run(lambda: session.choose_language(payload))
        elif action == "terms_read":
            self._run(session.acknowledge_terms)
        elif action == "rights_read":
            self._run(session.acknowledge_rights)
        elif action == "consent":
            self._run(lambda: session.consent(bool(payload)))
        elif action == "identity":
            self._run(lambda: session.confirm_identity(payload))
        elif action == "answer":
            path, value = payload
            self._run(lambda: session.answer(path, value))
        elif action == "notice_answer":
            self.notice_answer = payload
            self._show("signature", self.state)
        elif action == "back" and self.state is not None and self.state.position == NOTICE:
            self._show("penalty_notice", self.state)
        elif action == "back":
            self._run(session.back)
        elif action == "change":
            self._run(lambda: session.go_to(payload))
        elif action == "review_ok":
            self._run(session.to_signature)
        elif action == "sign" and self.notice_answer is not None:
            png, strokes = payload
            accepts, grounds, text = self.notice_answer
            self._run(lambda: session.answer_notice(accepts, grounds=grounds, text=text,
                                                    png=png, strokes=strokes))
        elif action == "sign":
            png, strokes = payload
            self._run(lambda: self._sign(session, png, strokes), self._submitted)
        elif action == "continue":  # a returned case: the correction is recorded on its own
            language = self.language
            self._run(lambda: self._start_recording(session.case_id)
                      or session.choose_language(language))

    def _submitted(self, state: PartyState) -> None:
        """Shows the waiting screen, then prints the statement (per settings) in the background:
        a slow or jammed printer never holds the party up, and the queue keeps the job."""
        self.render(state)
        if isinstance(self.session, PersonSession):
            return  # the case's printed statement is the party's; a person's is not yet printed
        station = self.station

        def print_statement() -> list[str]:
            with station.database.session(readonly=True) as session:
                code = find_case(session, state.case_id).code
            return notify(station, SUBMITTED, code)

        self.operations.run(print_statement, lambda _problems: None,
                            lambda error: log.warning("printing failed: %s", error))

    def _resumed(self, result: tuple[PartySession | PersonSession, PartyState,
                                     RecordingFault | None]) -> None:
        self.session, state, fault = result
        if fault is None:
            self.render(state)
        else:
            self.state, self.language = state, state.language
            self._show_fault(fault)

    # -- the recording -------------------------------------------------------------------------

    def _start_recording(self, case_id: str) -> RecordingFault | None:
        """Starts recording the case (on a background operation); the fault that prevents it."""
        if self.recording is None:
            return None
        try:
            self.recording.start(case_id)
        except RecordingFault as fault:
            return fault
        return None

    def _sign(self, session: PartySession, png: bytes, strokes: Any) -> PartyState:
        """Signs, then ends the recording: the signing is in it (PR Art. 263), and the
        statement printed next notes the whole recording (PR Art. 45)."""
        state = session.sign(png, strokes)
        if self.recording is not None:
            self.recording.stop()
        return state

    def _recording_failed(self, fault: RecordingFault) -> None:
        """A fault the recorder reported (on the UI thread by now)."""
        if not fault.stops_recording or self.session is None or self.fault is not None:
            return  # store_unreachable: the segments wait in the spool, recording goes on
        if self.recording is not None:
            self.recording.stop_later()
        self._show_fault(fault)

    def _show_fault(self, fault: RecordingFault) -> None:
        """Questioning stops: only the screen asking for an officer (the screen the party was
        on stays as it was, with whatever they had typed, for when the recording is back)."""
        if self.fault is None:
            current = self.current
            keep = current not in (self.screens["idle"], self.screens["code"],
                                   self.screens["pin"], self.screens["recording_fault"])
            self._before_fault = (current, self.state.position if self.state else None) \
                if keep else None
        self.fault = fault
        self.screens["recording_fault"].set_fault(fault)  # type: ignore[attr-defined]
        self._show("recording_fault", self.state)

    def _retry_recording(self, session: PartySession) -> None:
        def retry() -> PartyState | RecordingFault:
            return self._start_recording(session.case_id) or session.state()

        def started(state: PartyState) -> None:
            before, self._before_fault = self._before_fault, None
            self.fault = None
            if before is not None and before[1] == state.position:
                self.state = state
                self.stack.setCurrentWidget(before[0])  # as the party left it
                self._header_for(state)
                self.refresh_footer()
            else:
                self.render(state)

        self._run(retry, started)

    def _wait_for_officer(self, waiting: bool) -> None:
        """While the party waits for the review, listen for changes to the case."""
        if waiting:
            if not self.status_timer.isActive():
                self.status_timer.start()
                self.notifier.start()
        elif self.status_timer.isActive():
            self.status_timer.stop()
            self.notifier.stop()

    def _case_changed(self, case_ids: set[str]) -> None:
        # SQLite says only "something changed"; PostgreSQL names the cases.
        if not self.status_timer.isActive():
            return  # no longer waiting (a late notification, or the window is closing)
        if self.session is not None and (not case_ids or self.session.case_id in case_ids):
            if self.operations.is_busy():  # say, still printing: look once it is done
                # With the window as context: the retry dies with the window.
                QTimer.singleShot(300, self, lambda: self._case_changed(case_ids))
            else:
                self._poll_status()

    def _poll_status(self) -> None:
        session = self.session
        if session is None or self.operations.is_busy():
            return

        def changed(state: PartyState) -> None:
            if self.state is None or state.status != self.state.status \
                    or (state.position == NOTICE) != (self.state.position == NOTICE):
                self.render(state)  # a proposal calls a waiting party to the notice

        self.operations.run(session.state, changed, lambda _e: None)

    # -- footer toggles ------------------------------------------------------------------------

    def replay(self) -> None:
        if self.speech is not None:
            self.speech.replay()

    def toggle_mute(self) -> None:
        if self.speech is not None:
            self.speech.set_muted(self.mute_button.isChecked())

    def toggle_larger_text(self) -> None:
        self.larger_text = self.larger_button.isChecked()
        apply_theme(self, larger_text=self.larger_text)

    def toggle_language(self) -> None:
        languages = self.station.settings.languages
        self.language = languages[(languages.index(self.language) + 1) % len(languages)]
        session = self.session
        if session is not None and self.state is not None:
            self._run(lambda: session.set_language(self.language))
        else:
            self.current.show_state(self.state, self.language)
            self.refresh_footer()

    # -- idle timeout and staff exit -----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.last_activity = time.monotonic()
        return False

    def _tick(self) -> None:
        if self.current is self.screens["idle"]:
            self.idle_label.setText("")
            return
        if self.status_timer.isActive() or self.fault is not None or (
                self.speech is not None and self.speech.is_playing):
            # Listening to a long notice, or waiting for the officer, is not leaving: the
            # countdown starts again when the reading ends or the officer has decided. A stopped
            # recording waits for the officer too.
            self.last_activity = time.monotonic()
        limit = self.station.settings.idle_timeout_seconds
        left = int(limit - (time.monotonic() - self.last_activity))
        if left <= 0:
            self.show_idle()
        elif left <= IDLE_WARNING_SECONDS:
            self.idle_label.setText(tr("idle_warning", self.language, seconds=left))
        else:
            self.idle_label.setText("")

    def show_pin(self) -> None:
        if self.current is not self.screens["pin"]:
            self._before_pin = self.current
            self._show("pin", self.state)

    def _leave_pin(self) -> None:
        previous = self._before_pin or self.screens["idle"]
        self.stack.setCurrentWidget(previous)
        self.refresh_footer()

    def _check_pin(self, pin: str) -> None:
        """The PIN is checked against its hash off the UI thread; wrong ones are counted and
        too many make this kiosk wait (kiosk/guessing.py)."""
        station, screen = self.station, self.screens["pin"]

        def check() -> PinCheck:
            with station.database.session() as session:
                return check_admin_pin(session, station.settings.admin_pin, pin,
                                       machine=this_machine(), now=station.now())

        def checked(result: PinCheck) -> None:
            if result.accepted:
                self.may_close = True
                self.close()
            elif result.wait_seconds is not None:
                screen.show_problem(wait_words(result.wait_seconds, self.language))
            else:
                screen.show_problem(tr("pin_wrong", self.language))

        def failed(error: BaseException) -> None:
            if isinstance(error, GuessingThrottled):
                screen.show_problem(wait_words(error.wait_seconds, self.language))
            else:
                log.error("admin PIN check failed", exc_info=error)
                screen.show_problem(tr("saving_failed", self.language))

        self.operations.run(check, checked, failed)

    # -- the keys and the field being typed into ------------------------------------------

    def _size_by_current_screen(self) -> None:
        """Only the screen shown asks for room: a stack asks for its tallest page's height,
        and the signature pad's would push the footer off the screen when the keys open."""
        current = self.stack.currentWidget()
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is current \
                else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.stack.updateGeometry()

    def follow_focus(self, widget: QWidget | None) -> None:
        """Show the keys `widget` needs (digit keys for digits, else the keyboard's own)."""
        if widget is None or self.isAncestorOf(widget):
            self.dock.follow_focus(widget)
            self._keys_moved()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.follow_focus(new)

    def _keys_moved(self) -> None:
        compact = self.dock.is_open()
        for screen in self.screens.values():
            screen.set_compact(compact)
        # Once the layout has given the keys their room, scroll the field back into view.
        QTimer.singleShot(0, self, self.reveal_focus)

    def reveal_focus(self) -> None:
        """Scroll the field being typed into (and its message) above the keys."""
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused) or not focused.isVisible():
            return
        parent = focused.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, QScrollArea) and parent.widget() is not None \
                    and parent.widget().isAncestorOf(focused):
                parent.ensureWidgetVisible(focused, 0, 48)
            parent = parent.parentWidget()

    def _fit_to_screen(self) -> None:
        """Never larger than the screen; the keys sized for the window as it is."""
        screen = self.screen()
        if screen is not None:
            self.setMaximumSize(screen.geometry().size())
        self.dock.fit(self.width(), self.height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_to_screen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.dock.fit(self.width(), self.height())
        # A portrait screen is 1080 px wide: Back, four toggles and Next only fit closer.
        narrow = self.width() < 1280
        side, gap = (12, 8) if narrow else (32, 24)
        self.footer_row.setContentsMargins(side, 16, side, 40)
        self.footer_row.setSpacing(gap)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()  # a party must not leave the kiosk
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close:
            event.ignore()  # window-close does nothing; staff leave through the PIN
            return
        self.idle_timer.stop()
        self._wait_for_officer(False)
        self.operations.wait()
        if self.recording is not None:
            self.recording.stop()
            self.recording.wait()
        if self.speech is not None:
            self.speech.close()  # stops playback and waits for its render threads
            self.speech.renderer.close()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.removeEventFilter(self)
            app.focusChanged.disconnect(self._focus_changed)
        QGuiApplication.inputMethod().visibleChanged.disconnect(self._keys_moved)
        super().closeEvent(event)


def apply_theme(widget: QWidget, *, larger_text: bool = False, height: int | None = None) -> None:
    """Applies the one stylesheet, sized for the screen the widget is on (or `height` rows).

    Sizes follow the screen's shorter side: a portrait 1080x1920 screen is as narrow as a
    landscape one is low, and text sized for 1920 rows would not fit its 1080 columns.
    """
    screen = widget.screen() or QApplication.primaryScreen()
    if height is None:
        size = screen.geometry().size() if screen else None
        height = min(size.width(), size.height()) if size else 1080
    elif widget.width() > 0 and widget.testAttribute(Qt.WidgetAttribute.WA_Resized):
        height = min(height, widget.width())
    dpi = screen.physicalDotsPerInch() if screen else 96.0
    metrics = theme.metrics_for(height, dpi, larger_text=larger_text)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setStyleSheet(theme.stylesheet(metrics))
