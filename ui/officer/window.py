"""`kiosk officer`: log in, watch the queue live, follow a case, decide through the core.

The window is the controller: pages and views only draw and report intents. Every database
read and every decision runs on a worker thread (`Operations`), so a slow network never freezes
the console; the core's optimistic locking turns "someone else decided first" into a message and
a fresh view of the case, never an overwrite.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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

from kiosk.cases import CaseError, Conflict, find_case, open_case
from kiosk.hooks import APPROVED, notify
from kiosk.models import ReviewAction, User
from kiosk.review import (
    DECIDING_ROLES,
    Decision,
    ReviewError,
    approve_level,
    claim_case,
    convert_by_officer,
    return_case,
)
from kiosk.states import CaseStatus
from kiosk.station import Station
from kiosk.template_model import text_in
from kiosk.template_store import list_versions, template_of
from kiosk.users import AccountError, LoginFailed, authenticate, change_own_password, get_user
from kiosk.worklist import CaseDetail, QueueRow, case_detail, document_pdf, who_decided
from printer.documents import ensure_documents, missing_kinds
from ui import theme
from ui.officer.case_view import CaseView
from ui.officer.dialogs import DecisionDialog, NewCaseDialog, ReasonDialog, StartCodeDialog
from ui.officer.feed import FeedUpdate, QueueFeed
from ui.officer.queue import QueueModel, QueuePanel
from ui.officer.strings import STRINGS, tr
from ui.officer.timezone import set_station_timezone
from ui.operations import Operations

log = logging.getLogger(__name__)

CLOCK_MS = 30_000
ROLE_NAMES = {"officer": {"zh": "民警", "en": "officer"},
              "reviewer": {"zh": "法制员", "en": "reviewer"},
              "approver": {"zh": "审批人", "en": "approver"},
              "admin": {"zh": "管理员", "en": "admin"}}


def role_words(role: str, language: str) -> str:
    return ROLE_NAMES.get(role, {}).get(language, role)


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
        self.history: list[str] = []
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


# -- logging in ------------------------------------------------------------------------------------


def centred_card(page: QWidget, width: int, parts: list[QWidget | QFormLayout]) -> None:
    """A white card in the middle of a page, a little above the centre."""
    card = QWidget()
    card.setObjectName("LoginCard")
    card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    card.setFixedWidth(width)
    column = QVBoxLayout(card)
    column.setContentsMargins(32, 28, 32, 28)
    for part in parts:
        if isinstance(part, QFormLayout):
            column.addSpacing(8)
            column.addLayout(part)
        else:
            column.addWidget(part)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
    outer.addStretch(2)


class LoginPage(QWidget):
    def __init__(self, station_name: str, languages: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LoginPage")
        self.languages = languages
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.station = QLabel(station_name)
        self.station.setProperty("role", "subtitle")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = QComboBox()
        names = {"zh": "中文", "en": "English"}
        for code in languages:
            self.language.addItem(names.get(code, code), code)
        self.button = QPushButton()
        self.button.setProperty("role", "primary")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.form = QFormLayout()
        centred_card(self, 480, [self.title, self.station, self.form, self.error, self.button])
        self._labels: list[tuple[QLabel, str]] = []
        for key, widget in (("username", self.username), ("password", self.password),
                            ("language", self.language)):
            label = QLabel()
            self._labels.append((label, key))
            self.form.addRow(label, widget)
        self.language.currentIndexChanged.connect(lambda _i: self.retranslate())
        self.password.returnPressed.connect(self.button.click)
        self.username.returnPressed.connect(self.password.setFocus)
        self.retranslate()

    @property
    def chosen_language(self) -> str:
        return self.language.currentData()

    def retranslate(self) -> None:
        lang = self.chosen_language
        self.title.setText(tr("login_title", lang))
        self.button.setText(tr("login", lang))
        for label, key in self._labels:
            label.setText(tr(key, lang))

    def busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.button.setText(tr("logging_in" if busy else "login", self.chosen_language))


class PasswordPage(QWidget):
    """A new password, forced after an admin's reset."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LoginPage")
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setProperty("role", "help")
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.button = QPushButton()
        self.button.setProperty("role", "primary")
        self.form = QFormLayout()
        self.first_label, self.second_label = QLabel(), QLabel()
        self.form.addRow(self.first_label, self.first)
        self.form.addRow(self.second_label, self.second)
        centred_card(self, 520, [self.title, self.help, self.form, self.error, self.button])
        self.second.returnPressed.connect(self.button.click)

    def show_for(self, language: str) -> None:
        self.title.setText(tr("change_title", language))
        self.help.setText(tr("change_help", language))
        self.first_label.setText(tr("new_password", language))
        self.second_label.setText(tr("repeat_password", language))
        self.button.setText(tr("save_password", language))
        self.first.clear()
        self.second.clear()
        self.error.clear()
        self.first.setFocus()


# -- the console -----------------------------------------------------------------------------------


class ActionBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ActionBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.claim = QPushButton()
        self.approve = QPushButton()
        self.approve.setProperty("role", "primary")
        self.give_back = QPushButton()
        self.convert = QPushButton()
        self.convert.setProperty("role", "stop")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.claim)
        buttons.addStretch(1)
        buttons.addWidget(self.convert)
        buttons.addWidget(self.give_back)
        buttons.addWidget(self.approve)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

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
        self._typed_password = ""
        self._detail_reading = False
        self._detail_again = False
        self.alerts = Alerts(self, station.settings.resolved_data_dir)
        self.setStyleSheet(theme.console_stylesheet())
        self.setWindowTitle(tr("window_title", self.language,
                               station=station.settings.station_name))
        self.pages = QStackedWidget()
        self.login_page = LoginPage(station.settings.station_name, station.settings.languages)
        self.login_page.button.clicked.connect(self.log_in)
        self.password_page = PasswordPage()
        self.password_page.button.clicked.connect(self.change_password)
        self.pages.addWidget(self.login_page)
        self.pages.addWidget(self.password_page)
        self.setCentralWidget(self.pages)
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_MS)
        self.clock.timeout.connect(self._tick)
        self.login_page.username.setFocus()

    # -- background work -------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None) -> None:
        self.operations.run(work, done, failed or self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.warning("console operation failed: %s", exc)
        if self.console is not None:
            self.console.actions.say(tr("refused", self.language, why=exc), "notice")
            self._refresh_actions()

    # -- logging in and out ----------------------------------------------------------------

    def log_in(self, username: str | None = None, password: str | None = None) -> None:
        page = self.login_page
        username = (username if isinstance(username, str) else page.username.text()).strip()
        password = password if isinstance(password, str) else page.password.text()
        self.language = page.chosen_language
        if not username or not password:
            page.error.setText(tr("login_empty", self.language))
            return
        page.busy(True)
        page.error.clear()
        station = self.station
        self._typed_password = password  # kept only until a forced change of password is done

        def work() -> User:
            return authenticate(station.database, username, password,
                                max_failures=station.settings.login_max_failures)

        self._run(work, self._logged_in, self._login_failed)

    def _login_failed(self, exc: BaseException) -> None:
        page = self.login_page
        page.busy(False)
        page.password.clear()
        if isinstance(exc, LoginFailed):
            text = str(exc)
            key = "login_locked" if "locked" in text else \
                "login_disabled" if "disabled" in text else "login_failed"
            page.error.setText(tr(key, self.language))
        else:
            page.error.setText(tr("refused", self.language, why=exc))

    def _logged_in(self, user: User) -> None:
        page = self.login_page
        page.busy(False)
        page.password.clear()
        if not set(user.roles) & set(DECIDING_ROLES):
            page.error.setText(tr("login_not_officer", self.language))
            return
        self.user = user
        if user.must_change_password:
            self.password_page.show_for(self.language)
            self.pages.setCurrentWidget(self.password_page)
            return
        self._typed_password = ""
        self._open_console()

    def change_password(self) -> None:
        page = self.password_page
        first, second = page.first.text(), page.second.text()
        if first != second:
            page.error.setText(tr("passwords_differ", self.language))
            return
        assert self.user is not None
        username = self.user.username
        old = self._typed_password
        station = self.station

        def work() -> None:
            with station.database.session() as session:
                change_own_password(session, username, old, first)

        def failed(exc: BaseException) -> None:
            page.error.setText(str(exc) if isinstance(exc, AccountError)
                               else tr("refused", self.language, why=exc))

        def done(_result: object) -> None:
            self._typed_password = ""
            self._open_console()

        self._run(work, done, failed)

    def log_out(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed.deleteLater()
            self.feed = None
        self.clock.stop()
        if self.console is not None:
            self.pages.removeWidget(self.console)
            self.console.deleteLater()
            self.console = None
        self.user = None
        self.selected = None
        self.pages.setCurrentWidget(self.login_page)
        self.login_page.username.setFocus()

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
        bar = console.actions
        bar.claim.clicked.connect(self.claim)
        bar.approve.clicked.connect(self.approve)
        bar.give_back.clicked.connect(self.give_back)
        bar.convert.clicked.connect(self.convert)
        self._shortcut("Ctrl+Return", self.approve)
        self._shortcut("Ctrl+Enter", self.approve)
        self._shortcut("Ctrl+R", self.give_back)
        self._shortcut("Ctrl+Shift+O", self.convert)
        self._shortcut("Ctrl+N", self.open_new_case)
        self.pages.addWidget(console)
        self.pages.setCurrentWidget(console)
        self._refresh_actions()
        self.feed = QueueFeed(self.station, self)
        self.feed.updated.connect(self._feed_updated)
        self.feed.connected.connect(lambda on: console.show_live(on, self.language))
        self.feed.start()
        self.clock.start()

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> None:
        assert self.console is not None
        shortcut = QShortcut(QKeySequence(keys), self.console)
        shortcut.activated.connect(slot)

    def _tick(self) -> None:
        if self.model is not None:
            self.model.tick()

    def _feed_updated(self, update: FeedUpdate) -> None:
        if self.model is None:
            return
        self.model.apply(update)
        if self.selected is not None:
            # Following a case live: every wake-up re-reads it (a party's move between
            # questions is not in the audit feed, so do not wait to be told it changed).
            row = self.model.row_of(self.selected)
            if update.is_full or self.selected in update.changed or \
                    (row is not None and not row.is_final):
                self._read_detail()
        self._refresh_actions()

    def _arrived(self, row: QueueRow) -> None:
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
            render_missing_documents(station, case_id)
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

    def _level_role(self, detail: CaseDetail) -> str | None:
        chain = self.station.settings.review_chain
        level = detail.row.review_level
        return chain[level] if level < len(chain) else None

    def _refresh_actions(self) -> None:
        if self.console is None or self.user is None:
            return
        bar, lang = self.console.actions, self.language
        detail = self.detail
        comments = self.console.case_view.comments
        bar.give_back.setText(tr("return", lang, n=len(comments)))
        bar.convert.setText(tr("convert", lang))
        deciding = detail is not None and detail.row.status in (CaseStatus.SUBMITTED,
                                                                 CaseStatus.IN_REVIEW)
        row = detail.row if detail is not None else None
        mine = row is not None and row.claimed_by == self.user.username
        bar.claim.setText(tr("take_over" if row is not None and row.claimed_by and not mine
                             else "claim", lang))
        bar.claim.setEnabled(deciding and not mine)
        role = self._level_role(detail) if detail is not None else None
        chain = self.station.settings.review_chain
        final = row is not None and row.review_level == len(chain) - 1
        bar.approve.setText(tr("approve_final", lang) if final else
                            tr("approve", lang, level=(row.review_level + 1) if row else 1))
        may_approve = deciding and role is not None and role in self.user.roles
        bar.approve.setEnabled(may_approve)
        bar.approve.setToolTip("" if may_approve or role is None else
                               tr("needs_role", lang, role=role_words(role, lang)))
        bar.give_back.setEnabled(deciding and bool(comments))
        bar.convert.setEnabled(row is not None and not row.is_final)
        if self.console is not None:
            view = self.console.case_view
            if row is not None and row.claimed_by:
                words = tr("claimed_by_me", lang) if mine else \
                    tr("claimed_by", lang, name=row.claimed_by)
                level = tr("level_of", lang, level=row.review_level + 1, levels=len(chain),
                           role=role_words(role, lang)) if role else ""
                view.subtitle.setText(f"{tr('code', lang)} {row.code} · {words} · {level}")

    # -- decisions -------------------------------------------------------------------------

    def _decide(self, action: str, work: Callable[[Any, Any, Any], None],
                after: Callable[[], None] | None = None) -> None:
        """Runs one review step on the case as the officer saw it (its lock version)."""
        detail = self.detail
        if detail is None or self.user is None or self.console is None:
            return
        case_id, seen = detail.case_id, detail.row.lock_version
        party = detail.row.party_name
        username = self.user.username
        station = self.station
        self.console.actions.say(tr("working", self.language), "notice")

        def run() -> None:
            with station.database.session() as session:
                case = find_case(session, case_id)
                user = get_user(session, username)
                if case.lock_version != seen:
                    raise Conflict(self._who(who_decided(session, case_id, username)))
                work(session, case, user)
            if after is not None:
                after()

        def done(_result: object) -> None:
            level = detail.row.review_level + 1
            self.console and self.console.actions.say(
                tr(f"done_{action}", self.language, party=party, level=level), "done")
            if action in ("returned",):
                self.console and self.console.case_view.comments.clear()
            self._read_detail()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, (Conflict, StaleDataError)):
                who = str(exc) if isinstance(exc, Conflict) and str(exc) else "—"
                self.console and self.console.actions.say(
                    tr("conflict", self.language, who=who), "notice")
            elif isinstance(exc, (ReviewError, CaseError)):
                self.console and self.console.actions.say(
                    tr("refused", self.language, why=exc), "notice")
            else:
                self._failed(exc)
            self._read_detail()

        self._run(run, done, failed)

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
                                                                  take_over=take_over))

    def approve(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.approve.isEnabled():
            return
        settings = self.station.settings
        final = detail.row.review_level == len(settings.review_chain) - 1
        take_over = bool(detail.row.claimed_by) and detail.row.claimed_by != (
            self.user.username if self.user else None)
        decision: Decision | None = None
        if final:
            dialog = DecisionDialog(settings, self.language, parent=self)
            self.decision_dialog = dialog
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            try:
                decision = dialog.decision()
            except ReviewError as exc:
                self.console.actions.say(tr("refused", self.language, why=exc), "notice")
                return
        station, code = self.station, detail.row.code

        def after() -> None:
            if final:
                notify(station, APPROVED, code)  # prints the decision; never blocks the result

        self._decide("decided" if final else "approved",
                     lambda s, case, user: approve_level(s, case, user, settings,
                                                         decision=decision,
                                                         take_over=take_over),
                     after)

    def give_back(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.give_back.isEnabled():
            return
        comments = dict(self.console.case_view.comments)
        station = self.station
        take_over = bool(detail.row.claimed_by) and detail.row.claimed_by != (
            self.user.username if self.user else None)
        self._decide("returned", lambda s, case, user: return_case(
            s, case, user, comments, today=station.today(),
            now=station.local_now().replace(tzinfo=None), take_over=take_over))

    def convert(self) -> None:
        detail = self.detail
        if detail is None or not self.console or not self.console.actions.convert.isEnabled():
            return
        dialog = ReasonDialog(self.language, parent=self)
        self.reason_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dialog.text()
        self._decide("converted", lambda s, case, user: convert_by_officer(s, case, user,
                                                                           reason))

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
                return [(tid, text_in(template_of(row).title, language))
                        for tid, row in sorted(latest.items())]

        self._run(read_templates, self._ask_new_case)

    def _ask_new_case(self, templates: list[tuple[str, str]]) -> None:
        assert self.user is not None
        settings = self.station.settings
        dialog = NewCaseDialog(templates, settings.languages, self.language, self.station.now(),
                               parent=self)
        self.new_case_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
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
        super().closeEvent(event)


def officer_window(station: Station) -> OfficerWindow:
    window = OfficerWindow(station)
    window.resize(1600, 900)
    window.show()
    QApplication.processEvents()
    return window
