"""`kiosk admin`: log in as an admin, then templates, accounts and station settings in tabs.

The login is the officer console's (`ui.login`): the same lock-out after `login_max_failures`
and the same forced new password after a reset, but only accounts with the `admin` role enter.
The window is the controller of the background work (`Operations`: one worker thread, so the
changes land in the order made); the pages draw and ask the core through it, and every change
they make is audited under the logged-in admin's name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.models import User
from kiosk.roles import Role
from kiosk.station import Station
from ui import theme
from ui.admin.accounts import AccountsPage
from ui.admin.settings_page import SettingsPage
from ui.admin.strings import tr
from ui.admin.templates import TemplateEditorPage
from ui.login import LoginFlow
from ui.operations import Operations

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")


class AdminPage(QWidget):
    """The top bar (station, admin, log out) and the tabs."""

    def __init__(self, station: Station, user: User, language: str,
                 run: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.top = QWidget()
        self.top.setObjectName("TopBar")
        self.top.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.station = QLabel(station.settings.station_name)
        self.station.setProperty("role", "station")
        self.title = QLabel(tr("admin_title", language))
        self.user = QLabel(tr("signed_in_as", language,
                              name=user.display_name or user.username))
        self.logout = QPushButton(tr("logout", language))
        bar = QHBoxLayout(self.top)
        bar.setContentsMargins(12, 6, 12, 6)
        bar.addWidget(self.station)
        bar.addSpacing(16)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.user)
        bar.addSpacing(8)
        bar.addWidget(self.logout)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.templates = TemplateEditorPage(station, user.username, language)
        self.accounts = AccountsPage(station, user.username, language, run)
        self.settings = SettingsPage(station, user.username, language, run)
        self.tabs.addTab(self.templates, tr("tab_templates", language))
        self.tabs.addTab(self.accounts, tr("tab_accounts", language))
        self.tabs.addTab(self.settings, tr("tab_settings", language))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.top)
        layout.addWidget(self.tabs, 1)


class AdminWindow(QMainWindow):
    """The login page, then the administration of the station."""

    def __init__(self, station: Station, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.language = station.settings.languages[0]
        self.user: User | None = None
        self.admin: AdminPage | None = None
        self.operations = Operations(self)
        self.setStyleSheet(theme.console_stylesheet())
        self.setWindowTitle(tr("window_title", self.language,
                               station=station.settings.station_name))
        self.pages = QStackedWidget()
        self.login = LoginFlow(station, self._run, self.pages,
                               {lang: tr("login_title", lang) for lang in LANGUAGES},
                               may_enter=lambda user: Role.ADMIN in user.roles,
                               not_allowed={lang: tr("login_not_admin", lang)
                                            for lang in LANGUAGES}, parent=self)
        self.login.entered.connect(self._entered)
        self.login_page = self.login.login_page
        self.password_page = self.login.password_page
        self.setCentralWidget(self.pages)
        self.login_page.username.setFocus()

    # -- background work -------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None) -> None:
        self.operations.run(work, done, failed or self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.warning("admin operation failed: %s", exc)

    # -- logging in and out ----------------------------------------------------------------

    def log_in(self, username: str | None = None, password: str | None = None) -> None:
        self.login.log_in(username, password)

    def _entered(self, user: User) -> None:
        self.language = self.login.language
        self.user = user
        self.setWindowTitle(tr("window_title", self.language,
                               station=self.station.settings.station_name))
        admin = AdminPage(self.station, user, self.language, self._run)
        admin.logout.clicked.connect(self.log_out)
        self.admin = admin
        self.pages.addWidget(admin)
        self.pages.setCurrentWidget(admin)

    def log_out(self) -> None:
        if self.admin is not None:
            self.admin.templates.leave()
            self.pages.removeWidget(self.admin)
            self.admin.deleteLater()
            self.admin = None
        self.user = None
        self.login.show_login()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.admin is not None:
            self.admin.templates.leave()
        self.operations.wait()
        super().closeEvent(event)


def admin_window(station: Station) -> AdminWindow:
    window = AdminWindow(station)
    window.resize(1600, 900)
    window.show()
    QApplication.processEvents()
    return window
