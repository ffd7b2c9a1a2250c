"""`kiosk admin` through its widgets, offscreen, on a real SQLite file and real PostgreSQL.

The tests click and type as an admin would and check what the admin sees (messages, the table,
errors under the fields) and what the station then holds: the accounts, the audit chain, and
the settings a freshly opened station reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from PySide6.QtCore import Qt
from shipped import SHIPPED_VERSION
from sqlalchemy import select

from kiosk.audit import verify_chain
from kiosk.cli.demo import DEMO_PASSWORD
from kiosk.guessing import pin_matches
from kiosk.models import AuditEvent
from kiosk.station import Station, open_station
from kiosk.users import (
    AccountError,
    LoginFailed,
    LoginPolicy,
    add_user,
    authenticate,
    disable_user,
    get_user,
)
from ui.admin.accounts import AccountsPage
from ui.admin.settings_page import ListField, SettingsPage, TextField
from ui.admin.window import AdminWindow
from ui.officer.window import OfficerWindow

WAIT_MS = 15_000


@pytest.fixture
def make_admin(make_staff_window: Callable[..., AdminWindow]) -> Callable[..., AdminWindow]:
    return partial(make_staff_window, AdminWindow)  # make(), or make(another_station)


@pytest.fixture
def admin(make_admin: Callable[..., AdminWindow]) -> AdminWindow:
    return make_admin()


def log_in(qtbot, window: AdminWindow, username: str = "admin",
           password: str = DEMO_PASSWORD) -> None:
    window.login_page.username.setText(username)
    window.login_page.password.setText(password)
    qtbot.mouseClick(window.login_page.button, Qt.MouseButton.LeftButton)
    # Every tab has loaded, the templates' list too: its result must not reach a window that a
    # log-out or the test's end has deleted.
    qtbot.waitUntil(lambda: window.admin is not None and bool(window.admin.accounts.rows)
                    and bool(window.admin.settings.rows["station_name"].field.loaded)
                    and not window.admin.templates.operations.is_busy(),
                    timeout=WAIT_MS)


def accounts_of(qtbot, window: AdminWindow) -> AccountsPage:
    assert window.admin is not None
    window.admin.tabs.setCurrentWidget(window.admin.accounts)
    return window.admin.accounts


def choose(qtbot, page: AccountsPage, username: str) -> None:
    page.select(username)
    qtbot.waitUntil(lambda: page.panel.row is not None and page.panel.row.username == username,
                    timeout=WAIT_MS)


def events(station: Station, action: str) -> list[AuditEvent]:
    with station.database.session(readonly=True) as session:
        found = list(session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                     .order_by(AuditEvent.seq)).scalars())
        assert verify_chain(session).is_intact
        return found


# -- entering --------------------------------------------------------------------------------------


def test_only_an_admin_may_enter(qtbot, admin: AdminWindow) -> None:
    page = admin.login_page
    assert page.title.text() == "管理员登录"
    page.username.setText("legal")  # a legal officer: a valid account, but not an admin
    page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "不是管理员" in page.error.text(), timeout=WAIT_MS)
    assert admin.admin is None and admin.pages.currentWidget() is page
    assert page.password.text() == ""

    page.language.setCurrentIndex(page.language.findData("en"))
    assert page.title.text() == "Admin login"
    page.username.setText("duty")
    page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not an admin" in page.error.text(), timeout=WAIT_MS)
    assert admin.admin is None

    log_in(qtbot, admin)
    tabs = admin.admin.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == \
        ["Templates", "Accounts", "Station settings"]
    assert "Admin" in admin.admin.user.text()
    qtbot.mouseClick(admin.admin.logout, Qt.MouseButton.LeftButton)
    assert admin.admin is None and admin.pages.currentWidget() is page


def test_wrong_passwords_lock_an_admin_out_too(qtbot, make_admin, station: Station) -> None:
    from kiosk.station import with_settings

    window = make_admin(with_settings(station, login_max_failures=2))
    page = window.login_page
    for _ in range(2):
        page.username.setText("admin")
        page.password.setText("not-the-password")
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "不正确" in page.error.text() and page.button.isEnabled(),
                        timeout=WAIT_MS)
        page.error.clear()
    page.username.setText("admin")
    page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "锁定" in page.error.text(), timeout=WAIT_MS)
    assert window.admin is None


# -- accounts --------------------------------------------------------------------------------------


def test_a_new_officer_must_choose_a_password_before_using_the_console(
        qtbot, admin: AdminWindow, make_admin, station: Station) -> None:
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    qtbot.mouseClick(page.new_account, Qt.MouseButton.LeftButton)
    dialog = page.create_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.username.setText("wang.wu")
    dialog.display_name.setText("民警 王五")
    dialog.roles.boxes["officer"].setChecked(True)
    dialog.password.setText("first-pass-1")
    dialog.repeat.setText("first-pass-2")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.errors[dialog.repeat].text() == "两次输入的密码不一致。"
    assert dialog.isVisible()

    dialog.username.setText("duty")  # taken: the core refuses, the form stays as typed
    dialog.repeat.setText("first-pass-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.errors[dialog.username].isVisible(), timeout=WAIT_MS)
    assert dialog.errors[dialog.username].text() == "用户名 duty 已被使用。"
    assert dialog.isVisible() and dialog.display_name.text() == "民警 王五"
    assert dialog.password.text() == "first-pass-1"

    dialog.username.setText("wang.wu")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.row_of("wang.wu") is not None, timeout=WAIT_MS)
    assert "已新建账号 wang.wu" in page.message.text()
    assert page.cell("wang.wu", 2) == "民警"
    assert page.cell("wang.wu", 3) == "正常，须修改密码"
    [added] = events(station, "user.added")[-1:]
    assert added.actor == "admin" and added.payload["user"] == "wang.wu"

    # The new officer at the console: the first password opens only the new-password page.
    console = OfficerWindow(station)
    qtbot.addWidget(console)
    console.show()
    console.login_page.username.setText("wang.wu")
    console.login_page.password.setText("first-pass-1")
    qtbot.mouseClick(console.login_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.pages.currentWidget() is console.password_page,
                    timeout=WAIT_MS)
    assert console.console is None
    console.password_page.first.setText("my-own-secret")
    console.password_page.second.setText("my-own-secret")
    qtbot.mouseClick(console.password_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.console is not None, timeout=WAIT_MS)
    console.close()
    user = authenticate(station.database, "wang.wu", "my-own-secret", policy=LoginPolicy(5))
    assert user.must_change_password is False
    with pytest.raises(LoginFailed):
        authenticate(station.database, "wang.wu", "first-pass-1", policy=LoginPolicy(5))


def test_disabling_and_enabling_an_account(qtbot, admin: AdminWindow, station: Station) -> None:
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    choose(qtbot, page, "duty")
    panel = page.panel
    assert panel.access.text() == "停用账号"
    qtbot.mouseClick(panel.access, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cell("duty", 3) == "已停用", timeout=WAIT_MS)
    assert "已停用 duty" in page.message.text()
    assert panel.access.text() == "启用账号"
    with pytest.raises(LoginFailed, match="disabled"):
        authenticate(station.database, "duty", DEMO_PASSWORD, policy=LoginPolicy(5))

    qtbot.mouseClick(panel.access, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cell("duty", 3) == "正常", timeout=WAIT_MS)
    assert authenticate(station.database, "duty", DEMO_PASSWORD, policy=LoginPolicy(5))
    assert [(e.actor, e.payload["user"]) for e in events(station, "user.disabled")] == \
        [("admin", "duty")]
    assert [(e.actor, e.payload["user"]) for e in events(station, "user.enabled")] == \
        [("admin", "duty")]

    choose(qtbot, page, "admin")  # the admin's own account
    assert not panel.access.isEnabled()
    assert "您正在使用的账号" in panel.access_help.text()
    with station.database.session() as session, pytest.raises(AccountError, match="own"):
        disable_user(session, "admin", actor="admin")


def test_roles_are_changed_and_audited(qtbot, admin: AdminWindow, station: Station) -> None:
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    choose(qtbot, page, "duty")
    boxes = page.panel.roles.boxes
    boxes["officer"].setChecked(False)  # no role at all: refused under the roles
    qtbot.mouseClick(page.panel.save_roles, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.panel.roles_error.isVisible(), timeout=WAIT_MS)
    assert page.panel.roles_error.text() == "请至少选择一个角色。"
    assert page.cell("duty", 2) == "民警"

    boxes["officer"].setChecked(True)
    boxes["reviewer"].setChecked(True)
    qtbot.mouseClick(page.panel.save_roles, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cell("duty", 2) == "民警、法制员", timeout=WAIT_MS)
    assert not page.panel.roles_error.isVisible()
    assert "已保存 duty 的角色" in page.message.text()
    with station.database.session(readonly=True) as session:
        assert get_user(session, "duty").roles == ["officer", "reviewer"]
    [changed] = events(station, "user.roles_changed")
    assert changed.actor == "admin"
    assert changed.payload == {"user": "duty", "old": ["officer"],
                               "new": ["officer", "reviewer"]}


def test_the_last_admin_cannot_lose_the_admin_role(qtbot, admin: AdminWindow,
                                                   station: Station) -> None:
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    choose(qtbot, page, "admin")
    boxes = page.panel.roles.boxes
    boxes["admin"].setChecked(False)
    boxes["officer"].setChecked(True)
    qtbot.mouseClick(page.panel.save_roles, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.panel.roles_error.isVisible(), timeout=WAIT_MS)
    assert "最后一个启用的管理员" in page.panel.roles_error.text()
    assert not boxes["admin"].isChecked()  # what the admin ticked stays, with the reason
    assert page.cell("admin", 2) == "管理员"
    with station.database.session(readonly=True) as session:
        assert get_user(session, "admin").roles == ["admin"]
    assert events(station, "user.roles_changed") == []

    # With a second admin, the first may step down.
    with station.database.session() as session:
        add_user(session, "admin2", DEMO_PASSWORD, ["admin"], actor="test")
    qtbot.mouseClick(page.panel.save_roles, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cell("admin", 2) == "民警", timeout=WAIT_MS)
    # ... and then admin2 is the last one: it can be neither disabled nor stripped.
    with station.database.session() as session, pytest.raises(AccountError, match="last"):
        disable_user(session, "admin2", actor="admin")


def test_a_password_reset_unlocks_a_locked_account(qtbot, admin: AdminWindow,
                                                   station: Station) -> None:
    limit = station.settings.login_max_failures
    for _ in range(limit):
        with pytest.raises(LoginFailed):
            authenticate(station.database, "head", "not-the-password", policy=LoginPolicy(limit))
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    choose(qtbot, page, "head")
    assert page.cell("head", 3) == f"已锁定（连续 {limit} 次登录失败）"
    panel = page.panel
    panel.first.setText("temporary-77")
    panel.second.setText("temporary-78")
    qtbot.mouseClick(panel.reset, Qt.MouseButton.LeftButton)
    assert panel.reset_error.text() == "两次输入的密码不一致。"
    panel.second.setText("temporary-77")
    qtbot.mouseClick(panel.reset, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cell("head", 3) == "正常，须修改密码", timeout=WAIT_MS)
    assert panel.first.text() == "" and panel.second.text() == ""
    user = authenticate(station.database, "head", "temporary-77", policy=LoginPolicy(limit))
    assert user.must_change_password
    [reset] = events(station, "user.password_reset")
    assert (reset.actor, reset.payload["user"]) == ("admin", "head")


# -- station settings ------------------------------------------------------------------------------


def settings_of(window: AdminWindow) -> SettingsPage:
    assert window.admin is not None
    window.admin.tabs.setCurrentWidget(window.admin.settings)
    return window.admin.settings


def type_into(page: SettingsPage, key: str, text: str) -> None:
    field = page.rows[key].field
    assert isinstance(field, TextField)
    field.line.selectAll()
    field.line.insert(text)  # as typed: textEdited fires


def test_a_saved_setting_is_read_by_a_freshly_opened_station(qtbot, admin: AdminWindow,
                                                             station: Station) -> None:
    log_in(qtbot, admin)
    page = settings_of(admin)
    assert page.rows["department_code"].field.text() == "110105001"
    assert "启动时读取设置" in page.restart.text()
    type_into(page, "station_name", "朝阳分局某某派出所")
    type_into(page, "department_code", "110105002")
    type_into(page, "hearing_fine_threshold", "1500")
    chain = page.rows["review_chain"].field
    assert isinstance(chain, ListField)
    chain.choice.setCurrentIndex(chain.choice.findData("reviewer"))
    qtbot.mouseClick(chain.add, Qt.MouseButton.LeftButton)  # a third level: another reviewer
    assert "已修改 4 项" in page.pending.text()
    assert page.rows["department_code"].label.text() == "单位代码（已修改）"
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已保存 4 项设置" in page.message.text(), timeout=WAIT_MS)

    fresh = open_station(station.env)
    assert fresh.settings.station_name == "朝阳分局某某派出所"
    assert fresh.settings.department_code == "110105002"
    assert fresh.settings.hearing_fine_threshold == 1500
    assert fresh.settings.review_chain == ("reviewer", "approver", "reviewer")
    changes = events(station, "settings.changed")
    assert sorted(e.payload["key"] for e in changes) == sorted(
        ["station_name", "department_code", "hearing_fine_threshold", "review_chain"])
    assert {e.actor for e in changes} == {"admin"}
    qtbot.waitUntil(lambda: page.pending.text() == "", timeout=WAIT_MS)
    fresh.database.dispose()


def test_a_refused_value_is_shown_under_its_field_and_nothing_is_saved(
        qtbot, admin: AdminWindow, station: Station) -> None:
    log_in(qtbot, admin)
    page = settings_of(admin)
    type_into(page, "station_name", "新名称派出所")  # valid, but must not be saved alone
    type_into(page, "department_code", "11010A001")
    chain = page.rows["review_chain"].field
    assert isinstance(chain, ListField)
    while chain.items():  # every review level removed
        chain.list.setCurrentRow(0)
        qtbot.mouseClick(chain.remove, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.error_of("department_code") != "", timeout=WAIT_MS)

    assert page.error_of("department_code") == "须为 9 位数字。"
    assert "9 digits" in page.rows["department_code"].error.toolTip()  # the core's own words
    assert page.error_of("review_chain") == "至少需要一级审核。"
    assert page.error_of("station_name") == ""
    assert "有 2 项设置不符合要求，所有修改都未保存" in page.message.text()
    assert page.rows["station_name"].field.text() == "新名称派出所"  # nothing typed is lost
    fresh = open_station(station.env)
    assert fresh.settings.station_name == station.settings.station_name == "示例派出所"
    assert fresh.settings.department_code == "110105001"
    assert events(station, "settings.changed") == []
    fresh.database.dispose()

    # The PIN typed twice differently: said under it, and the core still checks the rest.
    pin = page.rows["admin_pin"].field
    pin.first.setText("739152")  # type: ignore[attr-defined]
    pin.second.setText("739153")  # type: ignore[attr-defined]
    pin.on_edit()
    page.rows["department_code"].show_error(None)
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.error_of("department_code") != "", timeout=WAIT_MS)
    assert page.error_of("admin_pin") == "两次输入的 PIN 不一致。"
    assert "有 3 项设置不符合要求" in page.message.text()
    fresh = open_station(station.env)
    assert fresh.settings.admin_pin == "2468"
    assert events(station, "settings.changed") == []
    fresh.database.dispose()

    # Corrected, all of it is saved; the PIN never appears in the audit trail.
    type_into(page, "department_code", "110105009")
    chain.choice.setCurrentIndex(chain.choice.findData("approver"))
    qtbot.mouseClick(chain.add, Qt.MouseButton.LeftButton)
    pin.second.setText("739152")  # type: ignore[attr-defined]
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已保存 4 项设置" in page.message.text(), timeout=WAIT_MS)
    assert page.error_of("department_code") == ""
    fresh = open_station(station.env)
    assert (fresh.settings.department_code, fresh.settings.review_chain) == (
        "110105009", ("approver",))
    assert pin_matches(fresh.settings.admin_pin, "739152")  # kept as its hash
    pins = [e.payload for e in events(station, "settings.changed")
            if e.payload["key"] == "admin_pin"]
    assert pins == [{"key": "admin_pin", "old": "(hidden)", "new": "(hidden)"}]
    fresh.database.dispose()


def test_what_this_machine_overrides_is_said_under_the_setting(qtbot, make_admin,
                                                               station: Station) -> None:
    machine = open_station({**station.env, "KIOSK_PRINTER_TARGET": "hall-printer"})
    window = make_admin(machine)
    log_in(qtbot, window)
    page = settings_of(window)
    override = page.rows["printer_target"].override
    assert override.isVisible()
    assert "KIOSK_PRINTER_TARGET" in override.text() and "hall-printer" in override.text()
    assert not page.rows["printer_backend"].override.isVisible()

    type_into(page, "printer_target", "duty-office")  # the station-wide default
    page.rows["printer_backend"].field.combo.setCurrentIndex(  # type: ignore[attr-defined]
        page.rows["printer_backend"].field.combo.findData("cups"))  # type: ignore[attr-defined]
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已保存 2 项设置" in page.message.text(), timeout=WAIT_MS)
    other = open_station(station.env)  # another machine, without the variable
    assert (other.settings.printer_backend, other.settings.printer_target) == \
        ("cups", "duty-office")
    assert machine.settings.printer_target == "hall-printer"  # this one keeps its own
    assert machine.settings.printer_backend == "cups"
    other.database.dispose()
    machine.database.dispose()


def test_every_station_setting_has_its_place_and_wording_on_the_page() -> None:
    from kiosk.settings import STATION_KEYS
    from ui.admin.settings_page import UNPLACED
    from ui.admin.strings import SETTING_TEXTS

    assert UNPLACED == ()
    assert set(SETTING_TEXTS) == set(STATION_KEYS)
    assert all(set(texts) == {"zh", "en"} for texts in SETTING_TEXTS.values())


def test_kiosk_admin_is_a_command() -> None:
    from kiosk.cli import build_parser

    args = build_parser().parse_args(["admin"])
    from ui.cli import run_admin

    assert args.handler is run_admin


def test_a_timed_lock_shows_until_when_and_ends_by_itself(qtbot, admin: AdminWindow,
                                                          station: Station) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from kiosk.users import LoginPolicy

    policy = LoginPolicy.of(station.settings)
    for _ in range(policy.max_failures):
        with pytest.raises(LoginFailed):
            authenticate(station.database, "head", "not-the-password", policy=policy)
    with station.database.session(readonly=True) as session:
        until = get_user(session, "head").locked_until
    assert until is not None
    clock = until.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    log_in(qtbot, admin)
    page = accounts_of(qtbot, admin)
    choose(qtbot, page, "head")
    assert page.cell("head", 3) == f"已锁定至 {clock}（连续 5 次登录失败）"
    assert page.panel.state.text() == f"已锁定至 {clock}（连续 5 次登录失败）"
    assert page.lock_timer.isActive()  # the table reads the accounts again when it ends

    with station.database.session() as session:  # the time passes
        get_user(session, "head").locked_until = datetime.now(UTC) - timedelta(seconds=1)
    page.refresh()
    qtbot.waitUntil(lambda: page.cell("head", 3) == "正常，5 次登录失败", timeout=WAIT_MS)
    assert not page.lock_timer.isActive()


def test_typing_just_before_logging_out_is_saved(qtbot, admin: AdminWindow,
                                                 station: Station) -> None:
    from test_template_editor import choose, field, settle, type_text

    from kiosk.template_drafts import get_draft

    log_in(qtbot, admin)
    page = admin.admin.templates
    admin.admin.tabs.setCurrentWidget(page)
    page._choose_version("minor-assault", SHIPPED_VERSION)
    assert page._chosen_version() == ("minor-assault", SHIPPED_VERSION)  # listed and chosen
    page.start_draft()
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    choose(page, "hit_count")
    type_text(qtbot, field(page, "prompt-zh"), "刚写完就退出")
    assert page.save_timer.isActive()  # not saved yet: the autosave waits a moment
    admin.log_out()
    with station.database.session(readonly=True) as session:
        assert "刚写完就退出" in get_draft(session, "minor-assault").source
