"""`kiosk officer`: log in, watch the queue live, follow a case, decide through the core.

The window is the controller: pages and views only draw and report intents. Every database
read and every decision runs on a worker thread (`Operations`), so a slow network never freezes
the console; the core's optimistic locking turns "someone else decided first" into a message and
a fresh view of the case, never an overwrite.
"""

from __future__ import annotations

import logging
import math
import re
import struct
import wave
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm.exc import StaleDataError

from kiosk import penalty_notice
from kiosk.audit import record_event
from kiosk.cases import CaseError, Conflict, deadlines, find_case, open_case
from kiosk.hooks import APPROVED, notify
from kiosk.models import ReviewAction, User
from kiosk.review import (
    DECIDING_ROLES,
    Decision,
    PenaltyType,
    ReviewError,
    approve_level,
    claim_case,
    convert_by_officer,
    mark_detention_possible,
    return_case,
)
from kiosk.states import ANSWERING, CaseStatus
from kiosk.station import Station
from kiosk.template_model import text_in
from kiosk.template_store import list_versions, template_of
from kiosk.users import LoginFailed, LoginPolicy, authenticate, get_user
from kiosk.worklist import CaseDetail, QueueRow, case_detail, document_pdf, who_decided
from printer.documents import ensure_documents, missing_kinds
from ui import theme
from ui.login import LoginFlow
from ui.officer.case_view import CaseView
from ui.officer.dialogs import (
    DecisionDialog,
    NewCaseDialog,
    ReasonDialog,
    ReplyDialog,
    StartCodeDialog,
)
from ui.officer.evidence import EvidenceActions
from ui.officer.feed import FeedUpdate, QueueFeed
from ui.officer.lock import LockPage
from ui.officer.player import RecordingStatus
from ui.officer.queue import QueueModel, QueuePanel
from ui.officer.refusals import refusal
from ui.officer.strings import STRINGS, tr
from ui.officer.timezone import set_station_timezone
from ui.operations import Operations
from ui.roles import role_words

log = logging.getLogger(__name__)

CLOCK_MS = 30_000
ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


def render_missing_documents(station: Station, case_id: str) -> None:
    """Renders (once, stored) the documents a case is ready for, so the officer can see them.

    Usually the print hooks made them already; a case submitted through a path without the
    printer (or whose printing failed) gets them here.
    """
    with station.database.session(readonly=True) as session:
        if not missing_kinds(session, find_case(session, case_id)):
            return
    with station.database.session() as session:
        ensure_documents(session, find_case(session, case_id), station)


# -- arrival alerts ------------------------------------------------------------------------------


def chime_file(folder: Path) -> Path:
    """A short two-tone chime, written once (no sound file ships with the product)."""
    path = folder / "arrival-chime.wav"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rate = 22_050
    frames = bytearray()
    for frequency, seconds in ((880.0, 0.12), (1320.0, 0.18)):
        count = int(rate * seconds)
        for i in range(count):
            envelope = min(1.0, i / 400, (count - i) / 2000)
            sample = int(9000 * envelope * math.sin(2 * math.pi * frequency * i / rate))
            frames += struct.pack("<h", sample)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


class Alerts:
    """A sound and a desktop notification for a new submission; never takes the focus.

    `history` keeps what was announced (the tests read it: this machine has no speakers and no
    desktop notification service).
    """

    def __init__(self, window: QWidget, data_dir: Path) -> None:
        self.history: deque[str] = deque(maxlen=50)  # party names: keep only the latest
        self._sound: Any = None
        try:
            from PySide6.QtMultimedia import QSoundEffect

            self._sound = QSoundEffect(window)
            self._sound.setSource(QUrl.fromLocalFile(str(chime_file(data_dir))))
            self._sound.setVolume(0.6)
        except (ImportError, OSError) as exc:  # no multimedia: the highlight still shows
            log.info("no arrival sound: %s", exc)
        self._tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self._tray = QSystemTrayIcon(icon, window)
            self._tray.show()

    def announce(self, title: str, message: str) -> None:
        self.history.append(message)
        if self._sound is not None:
            self._sound.play()
        if self._tray is not None:
            self._tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 8000)


# -- the console -----------------------------------------------------------------------------------


SHORTCUT_IN_LABEL = re.compile(r"\s*[(（](?:Ctrl|Alt)\+[^)）]*[)）]\s*$")


class ActionBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ActionBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.claim = QPushButton()
        self.approve = QPushButton()
        self.approve.setProperty("role", "primary")
        self.give_back = QPushButton()
        self.answer = QPushButton()  # the party's argument (PSAPL Art. 112)
        self.answer.hide()
        self.convert = QPushButton()
        self.convert.setProperty("role", "stop")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.recording = RecordingStatus()  # is the questioning recorded in full? (Art. 97)
        buttons = QHBoxLayout()
        buttons.addWidget(self.claim)
        buttons.addStretch(1)
        buttons.addWidget(self.convert)
        buttons.addWidget(self.give_back)
        buttons.addWidget(self.answer)
        buttons.addWidget(self.approve)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.message)
        layout.addWidget(self.recording, 0, Qt.AlignmentFlag.AlignRight)  # above the decision
        layout.addLayout(buttons)

    def set_label(self, button: QPushButton, text: str) -> None:
        """A button's words; its keyboard shortcut is dropped from the label (kept in the
        tooltip) while the bar is too narrow for every label in full."""
        button.setProperty("full_text", text)
        self._tooltip(button)
        self._fit()

    def set_reason(self, button: QPushButton, why: str) -> None:
        """Why a button is disabled, shown in its tooltip above its full label."""
        button.setProperty("reason", why)
        self._tooltip(button)

    @staticmethod
    def _tooltip(button: QPushButton) -> None:
        parts = (button.property("reason"), button.property("full_text"))
        button.setToolTip("\n".join(str(part) for part in parts if part))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        buttons = (self.claim, self.convert, self.give_back, self.answer, self.approve)
        for button in buttons:
            button.setText(str(button.property("full_text") or ""))
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        needed = sum(b.sizeHint().width() + 12 for b in buttons if not b.isHidden())
        if needed > room:
            for button in buttons:
                button.setText(SHORTCUT_IN_LABEL.sub("", button.text()))

    def say(self, text: str, role: str = "notice") -> None:
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))


class ConsolePage(QWidget):
    def __init__(self, model: QueueModel, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.top = QWidget()
        self.top.setObjectName("TopBar")
        self.top.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.station = QLabel()
        self.station.setProperty("role", "station")
        self.live = QLabel()
        self.live.setProperty("role", "live")
        self.user = QLabel()
        self.new_case = QPushButton(tr("new_case", language))
        self.logout = QPushButton(tr("logout", language))
        bar = QHBoxLayout(self.top)
        bar.setContentsMargins(12, 6, 12, 6)
        bar.addWidget(self.station)
        bar.addSpacing(16)
        bar.addWidget(self.live)
        bar.addStretch(1)
        bar.addWidget(self.new_case)
        bar.addSpacing(16)
        bar.addWidget(self.user)
        bar.addWidget(self.logout)

        self.queue = QueuePanel(model, language)
        self.case_view = CaseView(language)
        self.actions = ActionBar()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.case_view, 1)
        right_layout.addWidget(self.actions)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 10)
        self.splitter.setSizes([900, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addWidget(self.splitter, 1)

    def show_live(self, connected: bool, language: str) -> None:
        self.live.setText(tr("live" if connected else "reconnecting", language))
        self.live.setStyleSheet(f"color: {'#B9F6CA' if connected else '#FFE082'};")


class OfficerWindow(QMainWindow):
    """The console: the login page, then the queue and the case side by side."""

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.language = station.settings.languages[0]
        set_station_timezone(station.settings.timezone)
        self.user: User | None = None
        self.operations = Operations(self)
        self.feed: QueueFeed | None = None
        self.model: QueueModel | None = None
        self.console: ConsolePage | None = None
        self.selected: str | None = None
        self._detail_reading = False
        self._detail_again = False
        self._unsent_reason = ""
        self.lock_page: LockPage | None = None
        self.alerts = Alerts(self, station.settings.resolved_data_dir)
        self.setStyleSheet(theme.console_stylesheet())
        self.setWindowTitle(tr("window_title", self.language,
                               station=station.settings.station_name))
        self.pages = QStackedWidget()
        self.login = LoginFlow(station, self._run, self.pages,
                               {lang: tr("login_title", lang) for lang in ("zh", "en")},
                               may_enter=lambda user: bool(set(user.roles) & set(DECIDING_ROLES)),
                               not_allowed={lang: tr("login_not_officer", lang)
                                            for lang in ("zh", "en")}, parent=self)
        self.login.entered.connect(self._logged_in)
        self.login_page = self.login.login_page
        self.password_page = self.login.password_page
        self.setCentralWidget(self.pages)
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_MS)
        self.clock.timeout.connect(self._tick)
        # A console left alone shows personal data to whoever walks by: lock it when idle. It
        # locks rather than logs out, so the duty desk still chimes for arrivals all night.
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(station.settings.console_lock_minutes * 60 * 1000)
        self.idle.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.login_page.username.setFocus()

    # -- background work -------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None) -> None:
        self.operations.run(work, done, failed or self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.warning("console operation failed: %s", exc)
        if self.console is not None:
            self.console.actions.say(refusal(exc, self.language), "notice")
            self._refresh_actions()

    # -- logging in and out ----------------------------------------------------------------

    def log_in(self, username: str | None = None, password: str | None = None) -> None:
        self.language = self.login.language
        self.login.log_in(username, password)

    def _logged_in(self, user: User) -> None:
        self.language = self.login.language
        self.user = user
        self._open_console()

    def log_out(self) -> None:
        self._audit("logout")
        self.idle.stop()
        if self.feed is not None:
            self.feed.stop()
            self.feed.deleteLater()
            self.feed = None
        self.clock.stop()
        if self.console is not None:
            self.console.case_view.recording.close_player()
            self.pages.removeWidget(self.console)
            self.console.deleteLater()
            self.console = None
        if self.lock_page is not None:
            self.pages.removeWidget(self.lock_page)
            self.lock_page.deleteLater()
            self.lock_page = None
        if self.model is not None:
            self.model.deleteLater()
            self.model = None
        self.user = None
        self.selected = None
        self.login.show_login()

    # -- the console -----------------------------------------------------------------------

    def _open_console(self) -> None:
        assert self.user is not None
        settings = self.station.settings
        self.setWindowTitle(tr("window_title", self.language, station=settings.station_name))
        self.model = QueueModel(settings, self.language, self)
        self.model.arrived.connect(self._arrived)
        console = ConsolePage(self.model, self.language)
        self.console = console
        console.station.setText(settings.station_name)
        console.user.setText(tr("signed_in_as", self.language,
                                name=self.user.display_name or self.user.username,
                                roles="、".join(role_words(r, self.language)
                                               for r in self.user.roles)))
        console.show_live(False, self.language)
        console.logout.clicked.connect(self.log_out)
        console.new_case.clicked.connect(self.open_new_case)
        console.queue.selected.connect(self.select_case)
        console.case_view.comments_changed.connect(self._refresh_actions)
        console.case_view.document_wanted.connect(self._load_document)
        console.case_view.detention_wanted.connect(self.set_detention_possible)
        self.evidence_actions = EvidenceActions(
            console.case_view.evidence, self.station, self._run,
            officer=lambda: self.user.username if self.user is not None else None,
            case_id=lambda: self.detail.case_id if self.detail is not None else None,
            say=console.actions.say, changed=self._case_changed)
        bar = console.actions
        console.case_view.recording.attach(self.station)
        console.case_view.recording.recording_read.connect(
            lambda recording: bar.recording.show_recording(recording, self.language))
        bar.claim.clicked.connect(self.claim)
        bar.approve.clicked.connect(self.approve)
        bar.give_back.clicked.connect(self.give_back)
        bar.answer.clicked.connect(self.answer_argument)
        bar.convert.clicked.connect(self.convert)
        self._shortcut("Ctrl+Return", self.approve)
        self._shortcut("Ctrl+Enter", self.approve)
        self._shortcut("Ctrl+R", self.give_back)
        self._shortcut("Ctrl+Shift+O", self.convert)
        self._shortcut("Ctrl+N", self.open_new_case)
        self.pages.addWidget(console)
        self.pages.setCurrentWidget(console)
        self.lock_page = LockPage(self.language)
        self.lock_page.unlock_wanted.connect(self.unlock)
        self.lock_page.switch_user_wanted.connect(self.log_out)
        self.pages.addWidget(self.lock_page)
        self._refresh_actions()
        self.feed = QueueFeed(self.station, self)
        self.feed.updated.connect(self._feed_updated)
        self.feed.connected.connect(lambda on: console.show_live(on, self.language))
        self.feed.failed.connect(lambda _why: console.show_live(False, self.language))
        console.case_view.documents_opened.connect(self._render_documents)
        self.feed.start()
        self.clock.start()
        self.idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self.idle.isActive():
            self.idle.start()  # the officer is there
        return False

    @property
    def is_locked(self) -> bool:
        return self.lock_page is not None and self.pages.currentWidget() is self.lock_page

    def lock(self) -> None:
        """Hides the cases behind the lock page; the feed, the chime and the tray go on."""
        if self.console is None or self.lock_page is None or self.user is None:
            return
        self.idle.stop()
        for dialog in self.findChildren(QDialog):  # a half-filled form shows case data too
            dialog.reject()
        self.console.case_view.recording.player.pause()  # the party's face and voice too
        self.lock_page.show_locked(self.user.display_name or self.user.username, self.model)
        self.pages.setCurrentWidget(self.lock_page)
        self._audit("console.locked")

    def unlock(self, password: str) -> None:
        """The same officer's password opens the console again where it was."""
        if self.user is None or self.lock_page is None:
            return
        station, username, page = self.station, self.user.username, self.lock_page

        def work() -> User:
            return authenticate(station.database, username, password,
                                policy=LoginPolicy.of(station.settings))

        def done(_user: User) -> None:
            if self.console is None or self.lock_page is not page:
                return
            self.pages.setCurrentWidget(self.console)
            self.idle.start()
            self._audit("console.unlocked")

        def failed(exc: BaseException) -> None:
            if self.lock_page is not page:
                return
            if isinstance(exc, LoginFailed) and exc.reason == "login_locked":
                self.log_out()  # too many tries: the account is locked, so is the console
                self.login_page.error.setText(refusal(exc, self.language))
                return
            page.refused(refusal(exc, self.language))

        self._run(work, done, failed)

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> None:
        assert self.console is not None
        shortcut = QShortcut(QKeySequence(keys), self.console)
        shortcut.activated.connect(slot)

    def _tick(self) -> None:
        if self.model is not None:
            self.model.tick()
            if self.is_locked and self.lock_page is not None:
                self.lock_page.refresh(self.model)

    def _feed_updated(self, update: FeedUpdate) -> None:
        if self.model is None:
            return
        self.model.apply(update)
        for burst in update.bursts:  # start codes or the admin PIN guessed at the kiosks
            self.alerts.announce(tr("guessing_title", self.language),
                                 tr(f"guessing_{burst['kind']}", self.language,
                                    wrong=burst["wrong"], minutes=burst["minutes"],
                                    machines=", ".join(burst["machines"])))
        if self.is_locked and self.lock_page is not None:
            self.lock_page.refresh(self.model)
        if self.selected is not None:
            # PostgreSQL names every case that changed (a party's move between questions too);
            # SQLite only says "something changed": then a case being answered is read again.
            row = self.model.row_of(self.selected)
            answering = row is not None and row.status in ANSWERING
            if update.is_full or self.selected in update.changed or \
                    (not update.named and answering):
                self._read_detail()
        self._refresh_actions()

    def _arrived(self, row: QueueRow) -> None:
        if self.is_locked:  # heard and seen by anyone passing: no name, no case type
            self.alerts.announce(tr("new_arrival_title", self.language),
                                 tr("new_arrival_locked", self.language))
            return
        self.alerts.announce(tr("new_arrival_title", self.language),
                             tr("new_arrival", self.language, party=row.party_name,
                                type=row.title(self.language)))

    def select_case(self, case_id: str) -> None:
        if case_id == self.selected:
            return
        self.selected = case_id
        assert self.console is not None
        self.console.actions.say("")
        self.console.case_view.clear()
        self._read_detail()
        self._audit("case.viewed", case_id)

    def _audit(self, action: str, case_id: str | None = None) -> None:
        """Who looked at which case, and when officers leave: in the audit chain."""
        if self.user is None:
            return
        station, username = self.station, self.user.username

        def work() -> None:
            with station.database.session() as session:
                record_event(session, username, action, case_id=case_id, payload={})

        self._run(work, lambda _r: None, lambda exc: log.warning("audit %s: %s", action, exc))

    def _read_detail(self) -> None:
        if self.selected is None:
            return
        if self._detail_reading:
            self._detail_again = True
            return
        self._detail_reading = True
        case_id = self.selected
        station, language = self.station, self.language

        def work() -> CaseDetail:
            with station.database.session(readonly=True) as session:
                return case_detail(session, case_id, station.settings, language=language,
                                   today=station.today(), now=station.now(),
                                   local_now=station.local_now())

        def done(detail: CaseDetail) -> None:
            self._detail_reading = False
            if self.console is not None and detail.case_id == self.selected:
                self.console.case_view.show_detail(detail)
                self._refresh_actions()
            if self._detail_again:
                self._detail_again = False
                self._read_detail()

        def failed(exc: BaseException) -> None:
            self._detail_reading = False
            self._failed(exc)

        self._run(work, done, failed)

    def _render_documents(self) -> None:
        """The Documents tab opened: render (once, stored) what the case is ready for."""
        detail, station = self.detail, self.station
        if detail is None or detail.row.status not in (CaseStatus.SUBMITTED,
                                                       CaseStatus.IN_REVIEW,
                                                       CaseStatus.APPROVED,
                                                       CaseStatus.MEDIATING,
                                                       CaseStatus.MEDIATED):
            return
        case_id = detail.case_id

        def failed(exc: BaseException) -> None:
            # Say, the kiosk's print hook renders the same document at this moment: it is
            # there on the next read. The case itself stays on screen.
            log.info("documents of %s not rendered here: %s", case_id, exc)

        self._run(lambda: render_missing_documents(station, case_id),
                  lambda _r: self._read_detail(), failed)

    def _load_document(self, document_id: int) -> None:
        station = self.station

        def work() -> bytes:
            with station.database.session(readonly=True) as session:
                return document_pdf(session, document_id)

        def done(data: bytes) -> None:
            if self.console is not None:
                self.console.case_view.show_pdf(data)

        self._run(work, done)

    # -- what the officer may do now -------------------------------------------------------

    @property
    def detail(self) -> CaseDetail | None:
        return self.console.case_view.detail if self.console is not None else None

    def _chain(self, detail: CaseDetail | None) -> tuple[str, ...]:
        """The case's levels: the station's, and the county organ's when needed (Art. 109)."""
        return (detail.chain if detail is not None and detail.chain
                else tuple(self.station.settings.review_chain))

    def _deciding_level(self, detail: CaseDetail) -> bool:
        """The station's last level (it proposes and hears the party, PSAPL Art. 112) or the
        county organ's after it (it decides, Art. 109)."""
        return detail.row.review_level >= len(self.station.settings.review_chain) - 1

    def _level_role(self, detail: CaseDetail) -> str | None:
        chain = self._chain(detail)
        level = detail.row.review_level
        return chain[level] if level < len(chain) else None

    def _refresh_actions(self) -> None:
        if self.console is None or self.user is None:
            return
        bar, lang = self.console.actions, self.language
        detail = self.detail
        comments = self.console.case_view.comments
        bar.set_label(bar.give_back, tr("return", lang, n=len(comments)))
        bar.set_label(bar.convert, tr("convert", lang))
        deciding = detail is not None and detail.row.status in (CaseStatus.SUBMITTED,
                                                                 CaseStatus.IN_REVIEW)
        row = detail.row if detail is not None else None
        mine = row is not None and row.claimed_by == self.user.username
        bar.set_label(bar.claim, tr("take_over" if row is not None and row.claimed_by
                                    and not mine else "claim", lang))
        bar.claim.setEnabled(deciding and not mine)
        role = self._level_role(detail) if detail is not None else None
        chain = self._chain(detail)
        final = detail is not None and self._deciding_level(detail)
        to_county = row is not None and row.review_level < len(chain) - 1  # PSAPL Art. 109
        bar.set_label(bar.approve, tr("approve_final", lang) if final and not to_county else
                      tr("approve", lang, level=(row.review_level + 1) if row else 1))
        others = row is not None and bool(row.claimed_by) and not mine
        approved_before = detail is not None and any(
            action.action == "approved" and action.actor == self.user.username
            and action.details.get("submission") == detail.submission
            for action in detail.review)
        has_role = role is not None and role in self.user.roles
        may_approve = deciding and has_role and not others and not comments \
            and not approved_before
        # PSAPL Art. 112: a notified penalty waits for the party's answer, and an argument for
        # the officer's, before it is decided.
        step = detail.notice["step"] if final and detail and detail.notice else None
        if step == penalty_notice.READY:
            bar.set_label(bar.approve, tr("to_county" if to_county else "decide_as_told", lang))
        waiting = step in (penalty_notice.AWAITING_PARTY, penalty_notice.ARGUMENT_OPEN)
        bar.approve.setEnabled(may_approve and not waiting)
        bar.set_label(bar.answer, tr("answer_argument", lang))
        bar.answer.setVisible(step == penalty_notice.ARGUMENT_OPEN)
        bar.answer.setEnabled(deciding and has_role and not others)
        why = ""
        if deciding and not may_approve:
            why = (tr("needs_role", lang, role=role_words(role, lang)) if role and not has_role
                   else tr("take_over_first", lang, name=row.claimed_by) if others and row
                   else tr("comments_pending", lang) if comments
                   else tr("approved_before", lang) if approved_before else "")
        elif deciding and waiting:
            why = tr("notice_waiting_party" if step == penalty_notice.AWAITING_PARTY
                     else "notice_argument_open", lang)
        bar.set_reason(bar.approve, why)
        bar.give_back.setEnabled(deciding and bool(comments) and not others)
        bar.set_reason(bar.give_back, tr("take_over_first", lang, name=row.claimed_by)
                       if others and row else "")
        bar.convert.setEnabled(row is not None and not row.is_final)
        if self.console is not None:
            view = self.console.case_view
            if row is not None and (row.claimed_by or (deciding and role)):
                # The level and its role, the county organ's too (PSAPL Art. 109).
                words = "" if not row.claimed_by else tr("claimed_by_me", lang) if mine \
                    else tr("claimed_by", lang, name=row.claimed_by)
                level = tr("level_of", lang, level=row.review_level + 1, levels=len(chain),
                           role=role_words(role, lang)) if role else ""
                view.subtitle.setText(" · ".join(part for part in (
                    f"{tr('code', lang)} {row.code}", words, level) if part))

    # -- decisions -------------------------------------------------------------------------

    def _decide(self, action: str, work: Callable[[Any, Any, Any], None],
                after: Callable[[], None] | None = None, *,
                seen: tuple[Any, ...] | None = None) -> None:
        """Runs one review step on the case as the officer saw it when they pressed the button.

        `seen` is the case's state, status, level and reviewer, when the button was pressed
        (before any form): if another officer changed any of it meanwhile, nothing is done and
        the console says who did what. A party's move does not count; a concurrent write in
        the same instant is caught by the case's lock version (StaleDataError).
        """
        detail = self.detail
        if detail is None or self.user is None or self.console is None:
            return
        case_id = detail.case_id
        seen = seen or decision_state(detail)
        party = detail.row.party_name
        username = self.user.username
        station = self.station
        self.console.actions.say(tr("working", self.language), "notice")

        def run() -> None:
            with station.database.session() as session:
                case = find_case(session, case_id)
                user = get_user(session, username)
                if (case.status, case.review_level, case.claimed_by) != seen:
                    raise Conflict(self._who(who_decided(session, case_id, username)))
                work(session, case, user)

        def done(_result: object) -> None:
            level = detail.row.review_level + 1
            if self.console is not None and self.user is not None:
                self.console.actions.say(
                    tr(f"done_{action}", self.language, party=party, level=level), "done")
                if action == "returned":
                    self.console.case_view.comments.clear()
            if after is not None:
                # Printing runs as its own step: the decision is already safe and shown.
                self._run(after, self._printed, self._failed)
            self._read_detail()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Conflict):
                self.console and self.console.actions.say(
                    tr("conflict", self.language, who=str(exc)), "notice")
            elif isinstance(exc, StaleDataError):  # written in the same instant: ask who
                def read_who() -> str:
                    with station.database.session(readonly=True) as session:
                        return self._who(who_decided(session, case_id, username))

                self._run(read_who, lambda who: self.console and self.console.actions.say(
                    tr("conflict", self.language, who=who), "notice"))
            elif isinstance(exc, (ReviewError, CaseError)):
                self.console and self.console.actions.say(refusal(exc, self.language), "notice")
            else:
                self._failed(exc)
            self._read_detail()

        self._run(run, done, failed)

    def _printed(self, problems: list[str] | None) -> None:
        if problems and self.console is not None:
            self.console.actions.say(tr("print_failed", self.language,
                                        why="; ".join(problems)), "notice")

    def _who(self, action: ReviewAction | None) -> str:
        if action is None or f"who_{action.action}" not in STRINGS:
            return tr("who_unknown", self.language)
        return tr(f"who_{action.action}", self.language, actor=action.actor,
                  level=(action.level or 0) + 1)

    def claim(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.claim.isEnabled():
            return
        take_over = bool(detail.row.claimed_by)
        self._decide("claimed", lambda s, case, user: claim_case(s, case, user,
                                                                  take_over=take_over),
                     seen=decision_state(detail))

    def approve(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.approve.isEnabled():
            return
        if self.console.case_view.comment.text().strip():
            self.console.actions.say(tr("comment_unsent", self.language), "notice")
            return
        settings = self.station.settings
        seen = decision_state(detail)
        final = self._deciding_level(detail)
        decision: Decision | None = None
        told = final and detail.notice is not None \
            and detail.notice["step"] == penalty_notice.READY
        if final and not told:
            dialog = DecisionDialog(settings, self.language, offence=detail.offence,
                                    held=detail.held_days, parent=self)
            self.decision_dialog = dialog
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            dialog.deleteLater()
            if not accepted:
                return
            try:
                decision = dialog.decision()
            except ReviewError as exc:
                self.console.actions.say(refusal(exc, self.language), "notice")
                return
        station, code = self.station, detail.row.code
        if decision is not None and decision.penalty_type != PenaltyType.NO_PENALTY:
            proposed = decision
            self._decide("proposed", lambda s, case, user: penalty_notice.propose(
                s, case, user, settings, proposed), seen=seen)
            return

        def after() -> list[str]:
            return notify(station, APPROVED, code)  # renders and prints the decision

        # A heard penalty of the county organ's goes on to its level (PSAPL Art. 109).
        decides = final and (decision is not None
                             or detail.row.review_level == len(self._chain(detail)) - 1)
        self._decide("decided" if decides else "approved",
                     lambda s, case, user: approve_level(s, case, user, settings,
                                                         decision=decision),
                     after if decides else None, seen=seen)

    def answer_argument(self) -> None:
        """The officer answers the party's argument before deciding (PSAPL Art. 112)."""
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.answer.isVisible() \
                or detail.notice is None:
            return
        seen = decision_state(detail)
        argument = (detail.notice.get("argument") or {}).get("text", "")
        dialog = ReplyDialog(argument, self.language, parent=self)
        self.reply_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        text, settings = dialog.text(), self.station.settings
        self._decide("replied", lambda s, case, user: penalty_notice.answer_argument(
            s, case, user, settings, text), seen=seen)

    def give_back(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.give_back.isEnabled():
            return
        comments = dict(self.console.case_view.comments)
        station = self.station
        self._decide("returned", lambda s, case, user: return_case(
            s, case, user, comments, today=station.today(),
            now=station.local_now().replace(tzinfo=None)), seen=decision_state(detail))

    def convert(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.convert.isEnabled():
            return
        seen = decision_state(detail)
        dialog = ReasonDialog(self.language, parent=self)
        dialog.reason.setPlainText(self._unsent_reason)  # a reason typed before is not lost
        self.reason_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        reason = self._unsent_reason = dialog.text()

        def work(session: Any, case: Any, user: Any) -> None:
            convert_by_officer(session, case, user, reason)
            self._unsent_reason = ""

        self._decide("converted", work, seen=seen)

    # -- the questioning limit ---------------------------------------------------------------

    def set_detention_possible(self, possible: bool) -> None:
        """Marks (or unmarks) the case shown as one where detention is possible (PR Art. 69).

        Not a review decision: it needs no claim and stands whoever reviews the case, so a
        colleague's claim or approval meanwhile does not stop it; only a decided case refuses.
        """
        detail = self.detail
        if detail is None or self.user is None or self.console is None:
            return
        case_id, party = detail.case_id, detail.row.party_name
        station, username = self.station, self.user.username
        self.console.actions.say(tr("working", self.language), "notice")

        def work() -> int:
            with station.database.session() as session:
                case = find_case(session, case_id)
                mark_detention_possible(session, case, get_user(session, username),
                                        station.settings, possible)
                return deadlines(case, station.settings).questioning_hours

        def done(hours: int) -> None:
            if self.console is not None:
                self.console.actions.say(tr("done_detention_on" if possible
                                            else "done_detention_off", self.language,
                                            party=party, hours=hours), "done")
            if self.feed is not None:
                self.feed.wake({case_id})  # this console's queue too, without waiting
            self._read_detail()

        def failed(exc: BaseException) -> None:
            if self.console is not None:
                self.console.actions.say(refusal(exc, self.language), "notice")
            self._read_detail()

        self._run(work, done, failed)

    def _case_changed(self, case_id: str) -> None:
        """This console changed a case: its queue and the case view, without waiting."""
        if self.feed is not None:
            self.feed.wake({case_id})
        self._read_detail()

    # -- opening a case --------------------------------------------------------------------

    def open_new_case(self) -> None:
        if self.user is None or self.console is None:
            return
        station, language = self.station, self.language

        def read_templates() -> list[tuple[str, str]]:
            with station.database.session(readonly=True) as session:
                latest: dict[str, Any] = {}
                for row in list_versions(session):
                    if not row.is_retired:
                        latest[row.template_id] = row
                # A case opens for its offender; victims and witnesses are added to it.
                return [(tid, text_in(template_of(row).title, language))
                        for tid, row in sorted(latest.items())
                        if template_of(row).role == "offender"]

        self._run(read_templates, self._ask_new_case)

    def _ask_new_case(self, templates: list[tuple[str, str]]) -> None:
        settings = self.station.settings
        if self.user is None or self.console is None:
            return  # logged out while the templates were read
        dialog = NewCaseDialog(templates, settings.languages, self.language, self.station.now(),
                               settings.timezone, parent=self)
        self.new_case_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            return
        values = dialog.values()
        station, username = self.station, self.user.username

        def work() -> tuple[str, str, str]:
            with station.database.session() as session:
                case = open_case(session, station.settings, values.template_id,
                                 values.party_name, arrived_at=values.arrived_at,
                                 arrival_mode=values.arrival_mode, actor=username,
                                 today=station.today(), language=values.language)
                return case.id, case.start_code, case.code

        def done(result: tuple[str, str, str]) -> None:
            case_id, start_code, code = result
            shown = StartCodeDialog(start_code, code, self.language, parent=self)
            shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.start_code_dialog = shown
            shown.open()
            if self.feed is not None:
                self.feed.wake({case_id})

        self._run(work, done)

    # -- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.feed is not None:
            self.feed.stop()
        self.operations.wait()
        if self.console is not None:
            self.console.case_view.recording.close_player()
        super().closeEvent(event)


def decision_state(detail: CaseDetail) -> tuple[Any, ...]:
    """What another officer's decision changes (a party's move between questions does not)."""
    return detail.row.status, detail.row.review_level, detail.row.claimed_by


def officer_window(station: Station) -> OfficerWindow:
    window = OfficerWindow(station)
    window.resize(1600, 900)
    window.show()
    QApplication.processEvents()
    return window
