"""Logging in to a staff window (`kiosk officer`, `kiosk admin`): the same pages, the same rules.

`LoginFlow` checks the password on a worker thread (argon2 takes a moment), says in place why
a login was refused (wrong password, locked after `login_max_failures` for
`login_lockout_minutes` or until a reset, disabled, or an account without the window's role),
asks for a new password after an admin's reset, and then emits `entered` with the user. Each
window supplies its title and which roles may enter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.models import User
from kiosk.station import Station
from kiosk.users import (
    AccountError,
    LoginFailed,
    LoginPolicy,
    authenticate,
    change_own_password,
)
from ui.kiosk.strings import lookup

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "username": {"zh": "用户名", "en": "User name"},
    "password": {"zh": "密码", "en": "Password"},
    "language": {"zh": "界面语言", "en": "Language"},
    "login": {"zh": "登录", "en": "Log in"},
    "logging_in": {"zh": "正在登录…", "en": "Logging in…"},
    "login_empty": {"zh": "请输入用户名和密码。", "en": "Enter your user name and password."},
    "login_failed": {"zh": "用户名或密码不正确。", "en": "Wrong user name or password."},
    "login_locked": {
        "zh": "该账号连续登录失败已被锁定，请管理员重置密码。",
        "en": "This account is locked after repeated failed logins; an admin must reset its "
        "password.",
    },
    "login_locked_until": {
        "zh": "账号已锁定，请于 {until} 后再试，或请管理员重置密码。",
        "en": "This account is locked after repeated failed logins; try again after {until}, "
        "or ask an admin to reset its password.",
    },
    "login_disabled": {"zh": "该账号已停用。", "en": "This account is disabled."},
    "change_title": {"zh": "请设置新密码", "en": "Set a new password"},
    "change_help": {
        "zh": "管理员为您设置了临时密码。请设置只有您知道的新密码（至少 8 个字符）。",
        "en": "An admin set a temporary password for you. Choose a new one only you know (at "
        "least 8 characters).",
    },
    "new_password": {"zh": "新密码", "en": "New password"},
    "repeat_password": {"zh": "再输入一次", "en": "New password again"},
    "passwords_differ": {"zh": "两次输入的密码不一致。", "en": "The two passwords differ."},
    "password_short": {"zh": "密码至少需要 {min} 个字符。",
                       "en": "A password needs at least {min} characters."},
    "password_same": {"zh": "新密码不能与临时密码相同。",
                      "en": "The new password must differ from the temporary one."},
    "save_password": {"zh": "保存并继续", "en": "Save and continue"},
    "refused": {"zh": "未能完成：{why}", "en": "Not done: {why}"},
}


def tr(key: str, language: str, **values: object) -> str:
    return lookup(STRINGS, key, language, values)


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
    # Centred by stretches, not by alignment: the card is then asked its height at its own
    # width, so a wrapped error line makes it taller instead of squeezing the fields.
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card)
    row.addStretch(1)
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(2)


class LoginPage(QWidget):
    """User name, password and the language of the window; `title` in each language."""

    def __init__(self, station_name: str, languages: list[str] | tuple[str, ...],
                 title: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LoginPage")
        self.languages = list(languages)
        self.titles = dict(title)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.station = QLabel(station_name)
        self.station.setProperty("role", "subtitle")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.language = QComboBox()
        for code in self.languages:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
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
        self.title.setText(self.titles.get(lang) or self.titles["zh"])
        self.button.setText(tr("login", lang))
        for label, key in self._labels:
            label.setText(tr(key, lang))

    def busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.button.setText(tr("logging_in" if busy else "login", self.chosen_language))


class PasswordPage(QWidget):
    """A new password, forced after an admin's reset (or for a new account)."""

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


def login_refusal(exc: BaseException, language: str, policy: LoginPolicy,
                  now: datetime | None = None) -> str:
    """Why a login was refused, in the window's language (a lock's end in the station's time)."""
    if isinstance(exc, LoginFailed):
        until = exc.values.get("until")
        if exc.reason == "login_locked" and isinstance(until, datetime):
            return tr("login_locked_until", language,
                      until=policy.time_text(until, now or datetime.now(UTC)))
        return tr(exc.reason if exc.reason in STRINGS else "login_failed", language)
    return tr("refused", language, why=exc)


Run = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class LoginFlow(QObject):
    """The login page, then (after a reset) the new password; emits `entered(User)`.

    `may_enter` says whether an authenticated account may use this window; `not_allowed` is
    the message, in each language, for one that may not.
    """

    entered = Signal(object)

    def __init__(self, station: Station, run: Run, pages: QStackedWidget, title: Mapping[str, str],
                 *, may_enter: Callable[[User], bool], not_allowed: Mapping[str, str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.run = run
        self.pages = pages
        self.may_enter = may_enter
        self.not_allowed = dict(not_allowed)
        self.user: User | None = None
        self._typed_password = ""
        settings = station.settings
        self.login_page = LoginPage(settings.station_name, settings.languages, title)
        self.login_page.button.clicked.connect(self.log_in)
        self.password_page = PasswordPage()
        self.password_page.button.clicked.connect(self.change_password)
        pages.addWidget(self.login_page)
        pages.addWidget(self.password_page)

    @property
    def language(self) -> str:
        return self.login_page.chosen_language

    def show_login(self) -> None:
        self.user = None
        self._typed_password = ""
        # A log-out leaves the field empty: the next person types their name, not after ours.
        self.login_page.username.clear()
        self.login_page.password.clear()
        self.login_page.error.clear()
        self.pages.setCurrentWidget(self.login_page)
        self.login_page.username.setFocus()

    def log_in(self, username: str | None = None, password: str | None = None) -> None:
        page = self.login_page
        username = (username if isinstance(username, str) else page.username.text()).strip()
        password = password if isinstance(password, str) else page.password.text()
        if not username or not password:
            page.error.setText(tr("login_empty", self.language))
            return
        page.busy(True)
        page.error.clear()
        station = self.station
        self._typed_password = password  # kept only until a forced change of password is done

        def work() -> User:
            return authenticate(station.database, username, password,
                                policy=LoginPolicy.of(station.settings))

        self.run(work, self._authenticated, self._refused)

    def _refused(self, exc: BaseException) -> None:
        page = self.login_page
        page.busy(False)
        page.password.clear()
        self._typed_password = ""
        page.error.setText(login_refusal(exc, self.language,
                                         LoginPolicy.of(self.station.settings)))

    def _authenticated(self, user: User) -> None:
        page = self.login_page
        page.busy(False)
        page.password.clear()
        if not self.may_enter(user):
            self._typed_password = ""
            page.error.setText(self.not_allowed.get(self.language) or self.not_allowed["zh"])
            return
        self.user = user
        if user.must_change_password:
            self.password_page.show_for(self.language)
            self.pages.setCurrentWidget(self.password_page)
            return
        self._typed_password = ""
        self.entered.emit(user)

    def change_password(self) -> None:
        page = self.password_page
        first, second = page.first.text(), page.second.text()
        if first != second:
            page.error.setText(tr("passwords_differ", self.language))
            return
        assert self.user is not None
        user, old, station = self.user, self._typed_password, self.station

        def work() -> None:
            with station.database.session() as session:
                change_own_password(session, user.username, old, first)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AccountError) and exc.reason in STRINGS:
                page.error.setText(tr(exc.reason, self.language, **exc.values))
            else:
                page.error.setText(tr("refused", self.language, why=exc))

        def done(_result: object) -> None:
            self._typed_password = ""
            user.must_change_password = False
            self.entered.emit(user)

        self.run(work, done, failed)
