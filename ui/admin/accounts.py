"""The accounts page of `kiosk admin`: every account, and what an admin may do to one.

The table lists user name, name, roles and state; the panel beside it changes the chosen
account (roles, disable / enable, a temporary password). A new account is made in a form whose
first password must be changed at the first login. Every change goes through `kiosk.users`,
which refuses what would leave the station without an enabled admin and records each change in
the audit chain under the logged-in admin's name. A refusal is shown under the field it is
about, and the form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.roles import Role
from kiosk.station import Station
from kiosk.users import (
    MIN_PASSWORD_LENGTH,
    USERNAME_RE,
    AccountError,
    LoginPolicy,
    add_user,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_roles,
)
from ui import theme
from ui.admin.strings import STRINGS, tr
from ui.roles import role_words
from ui.widgets.fields import error_label
from ui.widgets.fields import mark_invalid as _mark

Run = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]

ROLE_ORDER = (Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.COUNTY_APPROVER, Role.ADMIN)


@dataclass(frozen=True)
class AccountRow:
    username: str
    display_name: str
    roles: tuple[str, ...]
    is_disabled: bool
    must_change_password: bool
    failed_logins: int
    locked_until: datetime | None


def read_accounts(station: Station) -> list[AccountRow]:
    with station.database.session(readonly=True) as session:
        return [AccountRow(u.username, u.display_name, tuple(u.roles), u.is_disabled,
                           u.must_change_password, u.failed_logins, u.locked_until)
                for u in list_users(session)]


def account_error_text(exc: BaseException, language: str) -> str:
    """A refusal of the core about an account, in the screen's language."""
    if isinstance(exc, AccountError) and f"account_{exc.reason}" in STRINGS:
        return tr(f"account_{exc.reason}", language, **exc.values)
    return tr("refused", language, why=exc)


def roles_text(roles: tuple[str, ...] | list[str], language: str) -> str:
    ordered = [r.value for r in ROLE_ORDER if r.value in roles]
    return "、".join(role_words(r, language) for r in ordered) if language == "zh" else \
        ", ".join(role_words(r, language) for r in ordered)


def state_text(row: AccountRow, policy: LoginPolicy, language: str,
               now: datetime | None = None) -> tuple[str, str]:
    """What the account's state is at `now`, and a colour for it."""
    now = now or datetime.now(UTC)
    parts: list[str] = []
    colour = theme.INK
    lock = policy.lock_of(row, now)
    if row.is_disabled:
        parts.append(tr("state_disabled", language))
        colour = theme.MUTED
    elif lock is not None:
        if lock.until is None:
            parts.append(tr("state_locked", language, n=row.failed_logins))
        else:
            parts.append(tr("state_locked_until", language, n=row.failed_logins,
                            until=policy.time_text(lock.until, now)))
        colour = theme.RED
    else:
        parts.append(tr("state_active", language))
        if row.failed_logins:
            parts.append(tr("state_failures", language, n=row.failed_logins))
    if row.must_change_password:
        parts.append(tr("state_must_change", language))
    return ("，" if language == "zh" else ", ").join(parts), colour




def say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class RoleBoxes(QWidget):
    """One check box per role, each with what it lets the account do."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for role in ROLE_ORDER:
            box = QCheckBox(f"{role_words(role, language)} — "
                            f"{tr(f'role_help_{role.value}', language)}")
            self.boxes[role.value] = box
            column.addWidget(box)

    def roles(self) -> list[str]:
        return [role for role, box in self.boxes.items() if box.isChecked()]

    def set_roles(self, roles: tuple[str, ...] | list[str]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


# -- a new account ---------------------------------------------------------------------------


class CreateAccountDialog(QDialog):
    """User name, display name, roles and the first password (twice); errors under each field.

    OK checks what it can by itself, then emits `submitted`; the page asks the core and either
    closes the form or shows the core's refusal under its field (`show_error`).
    """

    submitted = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setWindowTitle(tr("create_title", language))
        self.setModal(True)
        title = QLabel(tr("create_title", language))
        title.setProperty("role", "title")
        help_line = QLabel(tr("create_help", language))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        self.username = QLineEdit()
        self.username.setPlaceholderText(tr("username_hint", language))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(tr("display_hint", language))
        self.roles = RoleBoxes(language)
        self.password = password_field()
        self.repeat = password_field()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.errors: dict[QWidget, QLabel] = {}
        for key, widget in (("username", self.username), ("display_name", self.display_name),
                            ("roles", self.roles), ("initial_password", self.password),
                            ("repeat_password", self.repeat)):
            self._add_field(tr(key, language), widget)
        self.general = error_label()
        self.ok = QPushButton(tr("create", language))
        self.ok.setProperty("role", "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._submit)
        self.cancel = QPushButton(tr("cancel", language))
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(help_line)
        layout.addLayout(self.form)
        layout.addWidget(self.general)
        layout.addLayout(buttons)
        self.setMinimumWidth(700)
        self.adjustSize()
        self.username.setFocus()

    def _add_field(self, label: str, widget: QWidget) -> None:
        error = error_label()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.errors[widget] = error
        self.form.addRow(label, box)

    def show_error(self, widget: QWidget | None, message: str | None) -> None:
        if widget is None:
            say(self.general, message or "")
        else:
            _mark(widget, bool(message))
            say(self.errors[widget], message or "")
        # Wrapped error lines need their height: grow (or shrink back) to fit them.
        self.layout().activate()
        self.adjustSize()

    def clear_errors(self) -> None:
        for widget in self.errors:
            self.show_error(widget, None)
        self.show_error(None, None)

    def problems(self) -> dict[QWidget, str]:
        found: dict[QWidget, str] = {}
        lang = self.language
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            found[self.username] = tr("need_username", lang)
        elif not USERNAME_RE.match(username):
            found[self.username] = tr("account_username_shape", lang)
        if not self.roles.roles():
            found[self.roles] = tr("account_no_role", lang)
        if not password:
            found[self.password] = tr("need_password", lang)
        elif len(password) < MIN_PASSWORD_LENGTH:
            found[self.password] = tr("account_password_short", lang, min=MIN_PASSWORD_LENGTH)
        elif password != self.repeat.text():
            found[self.repeat] = tr("passwords_differ", lang)
        return found

    def field_of(self, exc: BaseException) -> QWidget | None:
        """The field a refusal of the core is about (None: the form as a whole)."""
        reason = getattr(exc, "reason", "")
        if reason in ("username_shape", "username_taken"):
            return self.username
        if reason in ("password_short",):
            return self.password
        if reason in ("no_role", "unknown_role"):
            return self.roles
        return None

    def _submit(self) -> None:
        self.clear_errors()
        found = self.problems()
        for widget, message in found.items():
            self.show_error(widget, message)
        if found:
            next(iter(found)).setFocus()
            return
        self.busy(True)
        self.submitted.emit()

    def busy(self, busy: bool) -> None:
        self.ok.setEnabled(not busy)
        self.ok.setText(tr("working" if busy else "create", self.language))


# -- one account -----------------------------------------------------------------------------


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    column = QVBoxLayout(frame)
    column.setContentsMargins(16, 12, 16, 14)
    column.setSpacing(6)
    heading = QLabel(title)
    heading.setProperty("role", "section")
    column.addWidget(heading)
    return frame, column


class AccountPanel(QWidget):
    """The chosen account: its roles, whether it may log in, a temporary password."""

    def __init__(self, language: str, me: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.me = me  # the logged-in admin, who may not disable their own account
        self.row: AccountRow | None = None
        self.empty = QLabel(tr("choose_account", language))
        self.empty.setProperty("role", "help")
        self.name = QLabel()
        self.name.setProperty("role", "title")
        self.name.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)

        self.roles_card, roles = card(tr("roles", language))
        self.roles = RoleBoxes(language)
        self.roles_error = error_label()
        self.save_roles = QPushButton(tr("save_roles", language))
        self.save_roles.setProperty("role", "primary")
        roles.addWidget(self.roles)
        roles.addWidget(self.roles_error)
        roles.addWidget(self.save_roles, 0, Qt.AlignmentFlag.AlignLeft)

        self.access_card, access = card(tr("account_access", language))
        self.access_help = QLabel()
        self.access_help.setWordWrap(True)
        self.access_help.setProperty("role", "help")
        self.access = QPushButton()
        self.access_error = error_label()
        access.addWidget(self.access_help)
        access.addWidget(self.access_error)
        access.addWidget(self.access, 0, Qt.AlignmentFlag.AlignLeft)

        self.reset_card, reset = card(tr("reset_title", language))
        help_line = QLabel(tr("reset_help", language))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        self.first = password_field()
        self.second = password_field()
        form = QFormLayout()
        form.addRow(tr("temporary_password", language), self.first)
        form.addRow(tr("repeat_password", language), self.second)
        self.reset_error = error_label()
        self.reset = QPushButton(tr("do_reset", language))
        self.second.returnPressed.connect(self.reset.click)
        reset.addWidget(help_line)
        reset.addLayout(form)
        reset.addWidget(self.reset_error)
        reset.addWidget(self.reset, 0, Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.empty)
        layout.addWidget(self.name)
        layout.addWidget(self.state)
        layout.addWidget(self.roles_card)
        layout.addWidget(self.access_card)
        layout.addWidget(self.reset_card)
        layout.addStretch(1)
        self.show_account(None, LoginPolicy(0))

    def show_account(self, row: AccountRow | None, policy: LoginPolicy,
                     *, keep_input: bool = False) -> None:
        """Shows an account; `keep_input` keeps ticked roles and typed passwords (a refresh)."""
        same = row is not None and self.row is not None and row.username == self.row.username
        self.row = row
        self.empty.setVisible(row is None)
        for widget in (self.name, self.state, self.roles_card, self.access_card,
                       self.reset_card):
            widget.setVisible(row is not None)
        if row is None:
            return
        lang = self.language
        self.name.setText(f"{row.display_name}（{row.username}）" if lang == "zh"
                          else f"{row.display_name} ({row.username})")
        text, colour = state_text(row, policy, lang)
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {colour}; font-weight: 600;")
        if not (keep_input and same):
            self.roles.set_roles(row.roles)
            self.first.clear()
            self.second.clear()
            for label in (self.roles_error, self.access_error, self.reset_error):
                say(label, "")
            for widget in (self.roles, self.first, self.second):
                _mark(widget, False)
        yourself = row.username == self.me
        self.access.setText(tr("enable" if row.is_disabled else "disable", lang))
        # Red only when it can be pressed ("stop" would outweigh the disabled look).
        self.access.setProperty("role", "" if row.is_disabled or yourself else "stop")
        self.access.style().unpolish(self.access)
        self.access.style().polish(self.access)
        self.access.setEnabled(not yourself)
        self.access_help.setText(tr("yourself" if yourself else
                                    "enable_help" if row.is_disabled else "disable_help", lang))


# -- the page --------------------------------------------------------------------------------


class AccountsPage(QWidget):
    """Accounts: the table, the chosen account's panel, and making a new one."""

    def __init__(self, station: Station, username: str, language: str, run: Run,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.station = station
        self.username = username
        self.language = language
        self.run = run
        self.rows: list[AccountRow] = []
        self.create_dialog: CreateAccountDialog | None = None
        lang = language

        help_line = QLabel(tr("accounts_help", lang))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        self.new_account = QPushButton(tr("new_account", lang))
        self.new_account.setProperty("role", "primary")
        self.new_account.clicked.connect(self.open_create)
        top = QHBoxLayout()
        top.addWidget(help_line, 1)
        top.addWidget(self.new_account)
        self.message = QLabel()
        self.message.setWordWrap(True)
        # A role from the start: a QLabel takes its padding from the first polish only.
        self.message.setProperty("role", "done")
        self.message.hide()

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr(k, lang) for k in (
            "col_username", "col_display", "col_roles", "col_state")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.panel = AccountPanel(lang, username)
        self.panel.save_roles.clicked.connect(self.save_roles)
        self.panel.access.clicked.connect(self.toggle_access)
        self.panel.reset.clicked.connect(self.reset_password)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.lock_timer = QTimer(self)
        self.lock_timer.setSingleShot(True)
        self.lock_timer.timeout.connect(self.refresh)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None, *, keep_input: bool = True) -> None:
        station = self.station
        wanted = select or self.selected()

        def done(rows: list[AccountRow]) -> None:
            self._show_rows(rows, wanted, keep_input=keep_input)

        self.run(lambda: read_accounts(station), done, self._failed)

    @property
    def policy(self) -> LoginPolicy:
        return LoginPolicy.of(self.station.settings)

    def _show_rows(self, rows: list[AccountRow], wanted: str | None, *,
                   keep_input: bool) -> None:
        self.rows = rows
        lang = self.language
        policy, now = self.policy, self.station.now()
        self._refresh_when_a_lock_ends(rows, policy, now)
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(rows))
        for position, row in enumerate(rows):
            state, colour = state_text(row, policy, lang, now)
            cells = (row.username, row.display_name, roles_text(row.roles, lang), state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.username)
                if column == 3 or row.is_disabled:
                    item.setForeground(QColor(colour if column == 3 else theme.MUTED))
                table.setItem(position, column, item)
        table.blockSignals(False)
        table.resizeColumnsToContents()
        for column in range(3):
            table.setColumnWidth(column, table.columnWidth(column) + 24)
        chosen = next((i for i, r in enumerate(rows) if r.username == wanted), None)
        if chosen is not None:
            table.blockSignals(True)
            table.selectRow(chosen)
            table.blockSignals(False)
        self.panel.show_account(rows[chosen] if chosen is not None else None, policy,
                                keep_input=keep_input)

    def _refresh_when_a_lock_ends(self, rows: list[AccountRow], policy: LoginPolicy,
                                  now: datetime) -> None:
        """Reads the accounts again when the first lock that ends by itself is over, so that
        the table never calls an account locked that may log in."""
        ends = [lock.until for row in rows
                if (lock := policy.lock_of(row, now)) is not None and lock.until is not None]
        self.lock_timer.stop()
        if ends:
            # A second late, so the lock has surely ended; at most an hour (a timer's limit is
            # ~24 days, and a long lock may as well be looked at again).
            wait_ms = int((min(ends) - now).total_seconds() * 1000) + 1000
            self.lock_timer.start(min(wait_ms, 3_600_000))

    def selected(self) -> str | None:
        row = self.table.currentRow()
        items = self.table.selectedItems()
        if row < 0 or not items:
            return None
        return items[0].data(Qt.ItemDataRole.UserRole)

    def select(self, username: str) -> None:
        for position, row in enumerate(self.rows):
            if row.username == username:
                self.table.selectRow(position)
                return

    def _selection_changed(self) -> None:
        wanted = self.selected()
        row = next((r for r in self.rows if r.username == wanted), None)
        self.panel.show_account(row, self.policy)

    def row_of(self, username: str) -> AccountRow | None:
        return next((r for r in self.rows if r.username == username), None)

    def cell(self, username: str, column: int) -> str:
        """The text the table shows for an account (the tests read it as the admin sees it)."""
        for position in range(self.table.rowCount()):
            item = self.table.item(position, 0)
            if item is not None and item.text() == username:
                cell = self.table.item(position, column)
                return cell.text() if cell is not None else ""
        raise KeyError(username)

    # -- messages --------------------------------------------------------------------------

    def say(self, text: str, role: str = "done") -> None:
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        say(self.message, text)

    def _failed(self, exc: BaseException) -> None:
        self.say(account_error_text(exc, self.language), "notice")

    # -- changing an account ---------------------------------------------------------------

    def _change(self, work: Callable[[Any], Any], done_text: Callable[[Any], str],
                error: QLabel, mark: tuple[QWidget, ...] = (), *,
                after: Callable[[], None] | None = None) -> None:
        """Runs one change of the chosen account in a transaction; shows the outcome in place."""
        row = self.panel.row
        if row is None:
            return
        station = self.station
        for label in (self.panel.roles_error, self.panel.access_error, self.panel.reset_error):
            say(label, "")
        for widget in mark:
            _mark(widget, False)
        self.say("")

        def run() -> Any:
            with station.database.session() as session:
                return work(session)

        def done(result: Any) -> None:
            self.say(done_text(result))
            if after is not None:
                after()
            self.refresh(row.username)

        def failed(exc: BaseException) -> None:
            say(error, account_error_text(exc, self.language))
            for widget in mark:
                _mark(widget, True)
            self.refresh(row.username)  # the account as it is now; what was typed stays

        self.run(run, done, failed)

    def save_roles(self) -> None:
        row = self.panel.row
        if row is None:
            return
        roles, actor, lang = self.panel.roles.roles(), self.username, self.language
        if sorted(roles) == sorted(row.roles):
            self.say(tr("done_roles_same", lang, user=row.username))
            return

        def work(session: Any) -> tuple[str, ...]:
            return tuple(set_roles(session, row.username, roles, actor=actor).roles)

        self._change(work, lambda new: tr("done_roles", lang, user=row.username,
                                          roles=roles_text(new, lang)),
                     self.panel.roles_error, (self.panel.roles,))

    def toggle_access(self) -> None:
        row = self.panel.row
        if row is None:
            return
        actor, lang = self.username, self.language
        if row.is_disabled:
            self._change(lambda s: enable_user(s, row.username, actor=actor),
                         lambda _r: tr("done_enabled", lang, user=row.username),
                         self.panel.access_error)
        else:
            self._change(lambda s: disable_user(s, row.username, actor=actor),
                         lambda _r: tr("done_disabled", lang, user=row.username),
                         self.panel.access_error)

    def reset_password(self) -> None:
        row, panel, lang = self.panel.row, self.panel, self.language
        if row is None:
            return
        first, second = panel.first.text(), panel.second.text()
        for widget in (panel.first, panel.second):
            _mark(widget, False)
        if not first:
            say(panel.reset_error, tr("need_password", lang))
            _mark(panel.first, True)
            return
        if first != second:
            say(panel.reset_error, tr("passwords_differ", lang))
            _mark(panel.second, True)
            return
        actor = self.username

        def clear() -> None:
            panel.first.clear()
            panel.second.clear()

        self._change(lambda s: reset_password(s, row.username, first, actor=actor),
                     lambda _r: tr("done_reset", lang, user=row.username),
                     panel.reset_error, (panel.first,), after=clear)

    # -- a new account ---------------------------------------------------------------------

    def open_create(self) -> None:
        dialog = CreateAccountDialog(self.language, parent=self)
        self.create_dialog = dialog
        dialog.submitted.connect(lambda: self._create(dialog))
        dialog.open()

    def _create(self, dialog: CreateAccountDialog) -> None:
        username = dialog.username.text().strip()
        display = " ".join(dialog.display_name.text().split())
        roles, password = dialog.roles.roles(), dialog.password.text()
        station, actor, lang = self.station, self.username, self.language

        def work() -> str:
            with station.database.session() as session:
                return add_user(session, username, password, roles, actor=actor,
                                display_name=display, must_change_password=True).username

        def done(created: str) -> None:
            dialog.busy(False)
            dialog.accept()
            self.say(tr("done_created", lang, user=created))
            self.refresh(created, keep_input=False)

        def failed(exc: BaseException) -> None:
            dialog.busy(False)
            dialog.show_error(dialog.field_of(exc), account_error_text(exc, lang))

        self.run(work, done, failed)
