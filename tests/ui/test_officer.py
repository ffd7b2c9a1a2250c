"""The officer console through its widgets, offscreen, on a real SQLite file and real PostgreSQL.

Other officers and the party act on the database directly (another connection, as another
machine would); the console must see it by itself. This machine has no speakers and no desktop
notification service: the arrival alert's requests are read from `Alerts.history`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from kiosk.audit import case_events
from kiosk.cases import find_case
from kiosk.cli.demo import DEMO_PASSWORD
from kiosk.models import Case, Document, ReviewComment, User
from kiosk.review import approve_level, claim_case
from kiosk.sample_cases import (
    add_sample_evidence,
    answer_sample_notice,
    open_sample_case,
    submitted_sample_case,
    walk_sample_party,
)
from kiosk.states import CaseStatus
from kiosk.station import Station, with_settings
from kiosk.users import LoginPolicy, add_user, get_user, reset_password
from ui.officer.dialogs import DecisionDialog, NewCaseDialog, ReasonDialog, StartCodeDialog
from ui.officer.window import OfficerWindow

WAIT_MS = 15_000


@pytest.fixture
def make_console(make_staff_window: Callable[..., OfficerWindow]) -> Callable[..., OfficerWindow]:
    return partial(make_staff_window, OfficerWindow)  # make(), or make(another_station)


@pytest.fixture
def console(make_console: Callable[..., OfficerWindow]) -> OfficerWindow:
    return make_console()


def log_in(qtbot, window: OfficerWindow, username: str, password: str = DEMO_PASSWORD) -> None:
    window.login_page.username.setText(username)
    window.login_page.password.setText(password)
    qtbot.mouseClick(window.login_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.console is not None and window.feed is not None
                    and window.feed._seq is not None, timeout=WAIT_MS)


def show_all(window: OfficerWindow) -> None:
    assert window.console is not None
    window.console.queue.group.setCurrentIndex(3)  # all states


def select(qtbot, window: OfficerWindow, case_id: str) -> None:
    assert window.console is not None
    show_all(window)
    qtbot.waitUntil(lambda: window.model is not None and window.model.row_of(case_id) is not None,
                    timeout=WAIT_MS)
    window.console.queue.select(case_id)
    qtbot.waitUntil(lambda: window.detail is not None and window.detail.case_id == case_id,
                    timeout=WAIT_MS)


def status_of(station: Station, case_id: str) -> str:
    with station.database.session(readonly=True) as session:
        return session.get_one(Case, case_id).status


def when_modal(qtbot, act: Callable[[QDialog], None]) -> None:
    """Acts on the next modal dialog as soon as it opens (it runs its own event loop)."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            act(dialog)
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


# -- logging in ------------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_after_the_setting(qtbot, make_console,
                                                            station: Station) -> None:
    window = make_console(with_settings(station, login_max_failures=2))
    page = window.login_page
    for _ in range(2):
        page.username.setText("legal")
        page.password.setText("not-the-password")
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "不正确" in page.error.text() and page.button.isEnabled(),
                        timeout=WAIT_MS)
        page.error.clear()
    page.username.setText("legal")
    page.password.setText(DEMO_PASSWORD)  # the right one, too late
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "锁定" in page.error.text(), timeout=WAIT_MS)
    assert window.console is None
    assert page.password.text() == ""  # a refused password does not stay in the field
    with station.database.session(readonly=True) as session:
        from sqlalchemy import select as sa_select

        from kiosk.models import AuditEvent

        reasons = [e.payload.get("reason") for e in session.execute(
            sa_select(AuditEvent).where(AuditEvent.action == "login.failed")).scalars()]
    assert reasons == ["password", "password", "locked"]


def test_an_admin_account_may_not_use_the_console(qtbot, console: OfficerWindow) -> None:
    console.login_page.username.setText("admin")
    console.login_page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(console.login_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "权限" in console.login_page.error.text(), timeout=WAIT_MS)
    assert console.console is None


def test_a_reset_password_must_be_changed_at_the_next_login(qtbot, console: OfficerWindow,
                                                            station: Station) -> None:
    with station.database.session() as session:
        reset_password(session, "duty", "temporary-1", actor="admin")
    console.login_page.username.setText("duty")
    console.login_page.password.setText("temporary-1")
    qtbot.mouseClick(console.login_page.button, Qt.MouseButton.LeftButton)
    page = console.password_page
    qtbot.waitUntil(lambda: console.pages.currentWidget() is page, timeout=WAIT_MS)
    page.first.setText("new-secret-22")
    page.second.setText("new-secret-23")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    assert "不一致" in page.error.text()
    page.second.setText("new-secret-22")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.console is not None, timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        assert get_user(session, "duty").must_change_password is False
    from kiosk.users import authenticate

    assert authenticate(station.database, "duty", "new-secret-22", policy=LoginPolicy(5))


# -- the queue -------------------------------------------------------------------------------------


def test_a_submission_arrives_by_itself_without_taking_the_focus(qtbot, console: OfficerWindow,
                                                                 station: Station) -> None:
    log_in(qtbot, console, "legal")
    assert console.console is not None
    search = console.console.queue.search
    search.setFocus()
    qtbot.keyClicks(search, "zhang")
    assert QApplication.focusWidget() is search

    case = submitted_sample_case(station, name="Zhang San")  # another machine's kiosk

    qtbot.waitUntil(lambda: console.model.row_of(case.id) is not None
                    and console.model.row_of(case.id).status == CaseStatus.SUBMITTED,
                    timeout=WAIT_MS)
    assert list(console.alerts.history) == ["新提交：Zhang San（殴打他人（情节较轻））"]
    assert console.model.highlight(case.id) > 0.5  # the row is highlighted, fading
    assert QApplication.focusWidget() is search and search.text() == "zhang"
    proxy = console.console.queue.proxy
    assert proxy.rowCount() == 1  # the officer's search still applies


def test_the_queue_counts_down_the_time_limits_in_colour(qtbot, console: OfficerWindow,
                                                         station: Station) -> None:
    now = datetime.now(UTC)
    calm = open_sample_case(station, name="早到", arrived_at=now - timedelta(minutes=30))
    near = open_sample_case(station, name="较久", arrived_at=now - timedelta(hours=6, minutes=30))
    late = open_sample_case(station, name="超时", arrived_at=now - timedelta(hours=9))
    log_in(qtbot, console, "legal")
    show_all(console)
    qtbot.waitUntil(lambda: console.model.row_of(late.id) is not None, timeout=WAIT_MS)
    model = console.model
    from ui import theme
    from ui.officer.queue import QUESTIONING

    def cell(case_id: str, role: Qt.ItemDataRole) -> object:
        position = model._index[case_id]
        return model.data(model.index(position, QUESTIONING), role)

    assert cell(calm.id, Qt.ItemDataRole.DisplayRole) == "剩 7:29"
    assert cell(calm.id, Qt.ItemDataRole.BackgroundRole).name() == theme.CALM_LIGHT.lower()
    assert cell(near.id, Qt.ItemDataRole.BackgroundRole).name() == theme.NEAR_LIGHT.lower()
    assert cell(late.id, Qt.ItemDataRole.DisplayRole) == "已超 1:00"
    assert cell(late.id, Qt.ItemDataRole.ForegroundRole).name() == theme.RED.lower()
    model.tick(datetime.now(UTC) + timedelta(hours=1))  # an hour later, without a re-read
    assert cell(calm.id, Qt.ItemDataRole.DisplayRole) == "剩 6:29"


def test_an_officer_opens_a_case_and_gets_the_start_code(qtbot, console: OfficerWindow,
                                                         station: Station) -> None:
    log_in(qtbot, console, "duty")
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, NewCaseDialog)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no name yet: refused
        seen["error"] = dialog.errors[dialog.party].text()
        # A case opens for its offender: the victims' and the witness's templates are not offered.
        offered = dialog.template
        seen["types"] = ",".join(offered.itemData(i) for i in range(offered.count()))
        dialog.template.setCurrentIndex(dialog.template.findData("petty-theft"))
        dialog.party.setText("  李  四 ")
        dialog.mode.setCurrentIndex(dialog.mode.findData("brought"))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, fill)
    qtbot.keyClick(console.console, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(console, "start_code_dialog", None),
                                       StartCodeDialog), timeout=WAIT_MS)
    assert seen["error"] == "请填写当事人姓名。"
    assert seen["types"] == "minor-assault,petty-theft,property-damage"
    start_code = console.start_code_dialog.start_code
    with station.database.session(readonly=True) as session:
        from kiosk.cases import find_by_start_code

        case = find_by_start_code(session, start_code)
        assert (case.party_name, case.arrival_mode, case.opened_by) == ("李 四", "brought", "duty")
        assert case.template_version.template_id == "petty-theft"
    console.console.queue.group.setCurrentIndex(1)  # being answered
    qtbot.waitUntil(lambda: console.console.queue.proxy.rowCount() == 1, timeout=WAIT_MS)


# -- following a case ------------------------------------------------------------------------------


def test_following_a_party_live_shows_each_answer_and_the_step(qtbot, console: OfficerWindow,
                                                               station: Station) -> None:
    case = open_sample_case(station, name="王五")
    party = walk_sample_party(station, case.start_code, questions=3, name="王五")
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view = console.console.case_view
    assert "第 4 步" in view.step.text()
    position = party.state().position

    party.back()  # the party goes back a question: not in the audit feed, still followed
    qtbot.waitUntil(lambda: "第 3 步" in view.step.text(), timeout=WAIT_MS)
    state = party.state()
    from kiosk.sample_cases import sample_flat_for

    flat = sample_flat_for(station, case.id)
    party.answer(state.position, flat[state.position])
    party.answer(position, flat[position])  # a new answer arrives

    qtbot.waitUntil(lambda: position in view._fresh, timeout=WAIT_MS)
    assert "第 5 步" in view.step.text()
    answered = {line.item.path for line in view.detail.answers if line.item.is_answered}
    assert position in answered
    assert "#dce8fb" in view.statement.toHtml().lower()  # the new answer, highlighted


# -- deciding --------------------------------------------------------------------------------------


def test_comments_on_single_answers_return_the_case_to_the_kiosk(qtbot, console: OfficerWindow,
                                                                 station: Station) -> None:
    case = submitted_sample_case(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view, bar = console.console.case_view, console.console.actions
    assert not bar.give_back.isEnabled()  # nothing to send back yet
    view.tabs.setCurrentIndex(2)
    tree = view.answers
    place = next(i for i in range(tree.topLevelItemCount())
                 if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "incident_place")
    tree.setCurrentItem(tree.topLevelItem(place))
    view.comment.setFocus()
    view.comment.insert("请写具体地址，到门牌号")  # as the input method commits it
    qtbot.keyClick(view.comment, Qt.Key.Key_Return)
    assert view.comments == {"incident_place": "请写具体地址，到门牌号"}
    assert tree.topLevelItem(place).text(3) == "请写具体地址，到门牌号"
    assert bar.give_back.isEnabled() and "1 条意见" in bar.give_back.text()

    qtbot.keyClick(console.console, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.RETURNED, timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        comments = session.query(ReviewComment).filter_by(case_id=case.id).all()
        assert [(c.path, c.text, c.author) for c in comments] == \
            [("incident_place", "请写具体地址，到门牌号", "legal")]
    qtbot.waitUntil(lambda: "已退回" in bar.message.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.detail.row.status == CaseStatus.RETURNED, timeout=WAIT_MS)
    assert view.comments == {}
    assert not bar.approve.isEnabled() and not bar.give_back.isEnabled()


def test_each_level_is_approved_by_its_role_and_the_last_one_decides(
        qtbot, make_console, station: Station, tmp_path) -> None:
    station = with_settings(station, printer_backend="file", printer_target=str(tmp_path / "out"))
    case = submitted_sample_case(station)
    add_sample_evidence(station, case.code, "legal")  # the photo a penalty needs (Art. 111)
    first = make_console(station)
    log_in(qtbot, first, "duty")  # an officer without the reviewer role
    select(qtbot, first, case.id)
    bar = first.console.actions
    assert not bar.approve.isEnabled() and "法制员" in bar.approve.toolTip()
    first.log_out()

    log_in(qtbot, first, "legal")
    select(qtbot, first, case.id)
    bar = first.console.actions
    assert bar.approve.isEnabled() and "第 1 级" in bar.approve.text()
    qtbot.keyClick(first.console, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: first.detail.row.review_level == 1, timeout=WAIT_MS)
    assert not bar.approve.isEnabled()  # level 2 needs the approver
    first.log_out()

    log_in(qtbot, first, "head")
    select(qtbot, first, case.id)
    bar = first.console.actions
    assert "决定" in bar.approve.text()
    found: dict[str, object] = {}

    def decide(dialog: QDialog) -> None:
        assert isinstance(dialog, DecisionDialog)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # empty: refused in place
        found["empty"] = {w: dialog.errors[w].text() for w in (dialog.kind, dialog.basis,
                                                               dialog.circumstances)}
        dialog.kind.setCurrentIndex(dialog.kind.findData("fine"))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # a fine without its amount
        found["amount"] = dialog.errors[dialog.amount].text()
        dialog.amount.setValue(station.settings.hearing_fine_threshold)  # a hearing: refused
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        found["too_much"] = dialog.errors[dialog.amount].text()
        found["basis"] = dialog.basis.toPlainText()  # prefilled with the case type's article
        found["ranges"] = dialog.ranges.text()
        dialog.circumstances.setPlainText("如实陈述，取得谅解")
        dialog.amount.setValue(1001)  # under the hearing threshold, over Art. 51's minor tier
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        found["over_the_law"] = dialog.errors[dialog.amount].text()
        dialog.amount.setValue(300)
        found["ok"] = dialog.ok.text()
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, decide)
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    # A penalty is notified first (PSAPL Art. 112): the party answers at the kiosk, then the
    # same button decides as notified.
    assert found["ok"] == "告知拟处罚"
    qtbot.waitUntil(lambda: console_notice_step(first) == "awaiting_party", timeout=WAIT_MS)
    assert not bar.approve.isEnabled() and "等待当事人" in bar.approve.toolTip()
    assert status_of(station, case.id) == CaseStatus.IN_REVIEW
    answer_sample_notice(station, case.id)
    qtbot.waitUntil(lambda: bar.approve.isEnabled(), timeout=WAIT_MS)
    assert "按告知作出决定" in bar.approve.text()
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.APPROVED, timeout=WAIT_MS)
    empty = found["empty"]
    assert list(empty.values()) == ["请选择处理种类。", "",
                                    "请填写考虑的情节，例如如实陈述、取得谅解。"]
    assert found["basis"] == "《中华人民共和国治安管理处罚法》第五十一条"
    assert "罚款 1–1000 元" in str(found["ranges"]) and "拘留 5–10 日，并处罚款 500–1000 元" \
        in str(found["ranges"])
    assert "4000" in str(found["amount"])  # PSAPL Art. 117: the hearing threshold is 4,000
    assert "听证" in str(found["too_much"]) and "4000" in str(found["too_much"])
    assert "第51条" in str(found["over_the_law"])
    with station.database.session(readonly=True) as session:
        decided = session.get_one(Case, case.id)
        assert decided.decision["amount"] == 300 and decided.decision["penalty_type"] == "fine"

    def kinds() -> set[str]:
        with station.database.session(readonly=True) as session:
            return {d.kind for d in session.query(Document).filter_by(case_id=case.id)}

    # The approval hook renders and prints the decision once the approval has committed.
    qtbot.waitUntil(lambda: "decision" in kinds(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any((tmp_path / "out").glob("*decision*")), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "已审批" in bar.message.text(), timeout=WAIT_MS)


def test_converting_needs_a_reason(qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    log_in(qtbot, console, "duty")
    select(qtbot, console, case.id)
    found: dict[str, str] = {}

    def give_reason(dialog: QDialog) -> None:
        assert isinstance(dialog, ReasonDialog)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        found["error"] = dialog.errors[dialog.reason].text()
        dialog.reason.setPlainText("当事人翻供，不再承认违法事实")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, give_reason)
    qtbot.mouseClick(console.console.actions.convert, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.CONVERTED, timeout=WAIT_MS)
    assert found["error"] == "请写明原因。"
    with station.database.session(readonly=True) as session:
        assert find_case(session, case.id).conversion_reason == "当事人翻供，不再承认违法事实"


def test_when_another_officer_decided_first_the_console_says_who(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    with station.database.session() as session:
        add_user(session, "legal2", DEMO_PASSWORD, ["officer", "reviewer"], actor="test")
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    bar = console.console.actions
    assert bar.approve.isEnabled()

    # Another console approves first; this one has not yet heard of it when its officer clicks.
    with station.database.session() as session:
        other: User = get_user(session, "legal2")
        approve_level(session, find_case(session, case.id), other, station.settings)
    bar.approve.click()

    qtbot.waitUntil(lambda: "另一位民警已先处理此案" in bar.message.text(), timeout=WAIT_MS)
    assert "legal2 已审核通过第 1 级" in bar.message.text()
    qtbot.waitUntil(lambda: console.detail.row.review_level == 1, timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        approvals = [e for e in case_events(session, case.id) if e.action == "review.approved"]
    assert [e.actor for e in approvals] == ["legal2"]


def test_a_claimed_case_shows_who_has_it_and_is_taken_over_only_on_purpose(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    with station.database.session() as session:
        claim_case(session, find_case(session, case.id), get_user(session, "duty"))
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view, bar = console.console.case_view, console.console.actions
    assert "duty 正在审核" in view.subtitle.text()
    assert bar.claim.text() == "接管审核"
    qtbot.mouseClick(bar.claim, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.detail.row.claimed_by == "legal", timeout=WAIT_MS)
    assert "由您审核" in view.subtitle.text()
    with station.database.session(readonly=True) as session:
        actions = [e.action for e in case_events(session, case.id)]
    assert "review.taken_over" in actions
    assert "case.viewed" in actions  # who looked at the case is in the audit chain


def visible_texts(window: OfficerWindow) -> str:
    """Every text a passer-by can read on the window as it is painted now."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

    texts = [w.text() for kind in (QLabel, QAbstractButton, QLineEdit)
             for w in window.findChildren(kind) if w.isVisible()]
    return "\n".join(texts)


def test_an_idle_console_locks_and_still_chimes_for_arrivals(
        qtbot, console: OfficerWindow, station: Station, tmp_path) -> None:
    waiting = submitted_sample_case(station, name="王建国")
    log_in(qtbot, console, "legal")
    select(qtbot, console, waiting.id)
    console.idle.setInterval(300)  # console_lock_minutes on a station; a moment here
    qtbot.keyClick(console.console.queue.search, Qt.Key.Key_A)  # activity restarts the clock
    qtbot.waitUntil(lambda: console.is_locked, timeout=WAIT_MS)
    assert console.lock_page is not None
    console.grab().save(str(tmp_path / "locked.png"))
    shown = visible_texts(console)
    assert "控制台已锁定" in shown and "待审核 1 件" in shown and "最紧急的决定期限" in shown
    assert "王建国" not in shown and waiting.code not in shown  # no case data under the lock
    assert console.feed is not None  # the feed runs on

    submitted_sample_case(station, name="李四")  # a party submits while the console is locked
    qtbot.waitUntil(lambda: "待审核 2 件" in console.lock_page.counts.text(), timeout=WAIT_MS)
    assert list(console.alerts.history)[-1] == "有新提交的案件待审核（控制台已锁定）。"
    assert "李四" not in visible_texts(console)

    qtbot.keyClicks(console.lock_page.password, "not the password")
    qtbot.mouseClick(console.lock_page.unlock, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.lock_page.error.isVisible(), timeout=WAIT_MS)
    assert console.is_locked and "密码" in console.lock_page.error.text()

    qtbot.keyClicks(console.lock_page.password, DEMO_PASSWORD)
    qtbot.keyClick(console.lock_page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not console.is_locked, timeout=WAIT_MS)
    assert console.selected == waiting.id  # back where the officer was
    assert console.user is not None and console.user.username == "legal"
    from kiosk.models import AuditEvent

    def audited() -> list[str]:
        with station.database.session(readonly=True) as session:
            return [e.action for e in session.query(AuditEvent).filter(
                AuditEvent.actor == "legal", AuditEvent.action.like("console.%"))]

    qtbot.waitUntil(lambda: audited() == ["console.locked", "console.unlocked"],
                    timeout=WAIT_MS)


def test_a_locked_console_lets_another_officer_switch_user(
        qtbot, console: OfficerWindow) -> None:
    log_in(qtbot, console, "legal")
    console.lock()
    assert console.is_locked
    qtbot.mouseClick(console.lock_page.switch_user, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.console is None, timeout=WAIT_MS)
    assert console.model is None and console.lock_page is None  # nothing of the cases stays


def test_the_demo_shows_the_console_beside_the_kiosk_logged_in(qtbot, monkeypatch) -> None:
    import argparse

    from ui.cli import open_screen_demo

    monkeypatch.setenv("KIOSK_KIOSK_SPEECH", "silent")  # no speakers here
    monkeypatch.setenv("KIOSK_KIOSK_VIRTUAL_KEYBOARD", "false")
    args = argparse.Namespace(headless=False, template="minor-assault", language="zh")
    _app, kiosk, console = open_screen_demo(args)
    qtbot.addWidget(console)
    try:
        qtbot.waitUntil(lambda: console.model is not None and bool(console.model.rows),
                        timeout=WAIT_MS)
        assert console.user is not None and console.user.username == "legal"
        assert [row.status for row in console.model.rows] == ["opened"]
        assert kiosk.geometry().left() < console.geometry().left()  # side by side
        # This machine has no camera: the demo's kiosk records the test picture and tone.
        assert kiosk.recording is not None
        assert kiosk.station.settings.recording_source == "test"
    finally:
        kiosk.may_close = True
        kiosk.close()
        kiosk.operations.wait()
        console.close()


# -- what a hurried officer must be able to rely on ------------------------------------------


def test_a_comment_being_typed_survives_changes_elsewhere(qtbot, console: OfficerWindow,
                                                          station: Station) -> None:
    case = submitted_sample_case(station)
    answering = open_sample_case(station, name="王五")
    party = walk_sample_party(station, answering.start_code, questions=1, name="王五")
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view = console.console.case_view
    view.tabs.setCurrentIndex(2)
    view.answers.setCurrentItem(view.answers.topLevelItem(3))
    view.comment.setFocus()
    view.comment.insert("请写明")  # half-typed
    seq = console.feed._seq
    from kiosk.sample_cases import sample_flat_for

    flat = sample_flat_for(station, answering.id)
    position = party.state().position
    party.answer(position, flat[position])  # a kiosk elsewhere saves an answer
    qtbot.waitUntil(lambda: console.feed._seq != seq, timeout=WAIT_MS)
    qtbot.wait(300)
    assert view.comment.text() == "请写明"
    assert view.answers.currentItem() is view.answers.topLevelItem(3)


def test_the_case_shown_stays_when_a_colleague_takes_it_out_of_the_filter(
        qtbot, console: OfficerWindow, station: Station) -> None:
    first = submitted_sample_case(station, name="甲")
    second = submitted_sample_case(station, name="乙")
    log_in(qtbot, console, "legal")
    qtbot.waitUntil(lambda: console.model.row_of(second.id) is not None, timeout=WAIT_MS)
    console.console.queue.select(first.id)  # under the To do filter
    qtbot.waitUntil(lambda: console.detail is not None and console.detail.case_id == first.id,
                    timeout=WAIT_MS)
    with station.database.session() as session:
        from kiosk.review import convert_by_officer

        convert_by_officer(session, find_case(session, first.id), get_user(session, "duty"),
                           "当事人不认错")
    qtbot.waitUntil(lambda: console.detail is not None
                    and console.detail.row.status == CaseStatus.CONVERTED, timeout=WAIT_MS)
    qtbot.wait(300)
    assert console.selected == first.id and console.detail.case_id == first.id
    assert not console.console.actions.approve.isEnabled()


def test_a_colleagues_case_is_not_approved_or_returned_without_taking_it_over(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    with station.database.session() as session:
        add_user(session, "legal2", DEMO_PASSWORD, ["officer", "reviewer"], actor="test")
        claim_case(session, find_case(session, case.id), get_user(session, "legal2"))
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    bar = console.console.actions
    assert not bar.approve.isEnabled() and "legal2" in bar.approve.toolTip()
    qtbot.keyClick(console.console, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert status_of(station, case.id) == CaseStatus.IN_REVIEW
    qtbot.mouseClick(bar.claim, Qt.MouseButton.LeftButton)  # on purpose
    qtbot.waitUntil(lambda: bar.approve.isEnabled(), timeout=WAIT_MS)


def test_a_decision_made_meanwhile_by_another_approver_is_named(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    with station.database.session() as session:
        add_user(session, "head2", DEMO_PASSWORD, ["officer", "approver"], actor="test")
        approve_level(session, find_case(session, case.id), get_user(session, "legal"),
                      station.settings)
    log_in(qtbot, console, "head")
    select(qtbot, console, case.id)
    bar = console.console.actions

    def decide_late(dialog: QDialog) -> None:
        # While this officer fills in the form, another approver decides the case.
        from kiosk.review import Decision

        with station.database.session() as session:  # no penalty: decided without notice
            approve_level(session, find_case(session, case.id), get_user(session, "head2"),
                          station.settings, decision=Decision(
                              "no_penalty", "《行政处罚法》第三十三条", "情节轻微"))
        qtbot.waitUntil(lambda: console.detail.row.status == CaseStatus.APPROVED,
                        timeout=WAIT_MS)
        dialog.kind.setCurrentIndex(dialog.kind.findData("warning"))
        dialog.grounds["surrendered"].setChecked(True)  # a warning needs an Art. 20 ground
        dialog.circumstances.setPlainText("情节")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, decide_late)
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "另一位民警已先处理此案" in bar.message.text(), timeout=WAIT_MS)
    assert "head2 已审核通过第 2 级" in bar.message.text()


def test_a_party_moving_on_does_not_stop_a_conversion(qtbot, console: OfficerWindow,
                                                      station: Station) -> None:
    case = open_sample_case(station, name="王五")
    party = walk_sample_party(station, case.start_code, questions=2, name="王五")
    log_in(qtbot, console, "duty")
    select(qtbot, console, case.id)

    def give_reason(dialog: QDialog) -> None:
        party.back()  # the party moves while the officer writes
        dialog.reason.setPlainText("当事人要求按普通程序办理")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, give_reason)
    qtbot.mouseClick(console.console.actions.convert, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.CONVERTED, timeout=WAIT_MS)


def test_the_queue_puts_submissions_first_most_urgent_first(qtbot, console: OfficerWindow,
                                                            station: Station) -> None:
    now = datetime.now(UTC)
    later = submitted_sample_case(station, name="晚到", arrived_at=now - timedelta(hours=1))
    review = submitted_sample_case(station, name="审核中", arrived_at=now - timedelta(hours=30))
    with station.database.session() as session:
        claim_case(session, find_case(session, review.id), get_user(session, "duty"))
    urgent = submitted_sample_case(station, name="急", arrived_at=now - timedelta(hours=20))
    log_in(qtbot, console, "legal")
    proxy = console.console.queue.proxy
    qtbot.waitUntil(lambda: proxy.rowCount() == 3, timeout=WAIT_MS)
    from ui.officer.queue import ROW_ROLE

    order = [proxy.data(proxy.index(r, 0), ROW_ROLE).case_id for r in range(3)]
    assert order == [urgent.id, later.id, review.id]


# -- the questioning limit (PR Art. 69) --------------------------------------------------------


def questioning_cell(window: OfficerWindow, case_id: str,
                     role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    from ui.officer.queue import QUESTIONING

    model = window.model
    assert model is not None
    return model.data(model.index(model._index[case_id], QUESTIONING), role)


def test_marking_detention_possible_moves_the_questioning_countdown_to_24_hours(
        qtbot, console: OfficerWindow, station: Station) -> None:
    arrived = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    case = open_sample_case(station, name="赵六", arrived_at=arrived)
    log_in(qtbot, console, "duty")
    select(qtbot, console, case.id)
    view, bar, model = console.console.case_view, console.console.actions, console.model
    seen_at = arrived + timedelta(minutes=30, seconds=5)  # the clock the cells are drawn at
    model.tick(seen_at)
    assert questioning_cell(console, case.id) == "剩 7:29"  # the conservative default
    assert "询问时限 8 小时</b>（默认）" in view.limit.text()
    assert "标记后为 24 小时" in view.limit.text()
    assert view.detention.text() == "标记可能适用拘留（24 小时）" and view.detention.isEnabled()

    qtbot.mouseClick(view.detention, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.detail.limits.detention_possible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.row_of(case.id).detention_possible, timeout=WAIT_MS)
    model.tick(seen_at)
    assert questioning_cell(console, case.id) == "剩 23:29"
    assert "可能适用拘留" in str(questioning_cell(console, case.id, Qt.ItemDataRole.ToolTipRole))
    from ui.officer.timezone import local

    until = local(arrived + timedelta(hours=24))
    text = view.limit.text()
    assert "询问时限 24 小时</b>" in text and until in text
    assert "duty 于" in text and "标记“可能适用拘留”" in text and "第六十九条" in text
    assert view.detention.text() == "撤销可能适用拘留（恢复 8 小时）"
    overview = view.overview.toPlainText()
    assert f"{until} · 24 小时 · 可能适用拘留" in overview
    assert "已标记可能适用拘留：赵六，询问时限 24 小时" in bar.message.text()
    with station.database.session(readonly=True) as session:
        events = [(e.actor, e.payload["detention_possible"]) for e in case_events(session, case.id)
                  if e.action == "case.detention_possible"]
    assert events == [("duty", True)]

    qtbot.mouseClick(view.detention, Qt.MouseButton.LeftButton)  # reversible
    qtbot.waitUntil(lambda: not model.row_of(case.id).detention_possible, timeout=WAIT_MS)
    model.tick(seen_at)
    assert questioning_cell(console, case.id) == "剩 7:29"
    qtbot.waitUntil(lambda: "（默认）" in view.limit.text(), timeout=WAIT_MS)


def test_a_colleagues_marking_reaches_this_console_by_itself(qtbot, console: OfficerWindow,
                                                             station: Station) -> None:
    arrived = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=9)  # 8 h passed
    case = open_sample_case(station, name="钱七", arrived_at=arrived)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view = console.console.case_view
    assert str(questioning_cell(console, case.id)).startswith("已超 1:0")
    from kiosk.review import mark_detention_possible

    with station.database.session() as session:  # another console, another officer
        mark_detention_possible(session, find_case(session, case.id), get_user(session, "duty"),
                                station.settings)
    qtbot.waitUntil(lambda: str(questioning_cell(console, case.id)).startswith("剩 14:5"),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "duty 于" in view.limit.text(), timeout=WAIT_MS)


def test_a_decided_case_refuses_the_marking_in_the_consoles_language(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = open_sample_case(station, name="孙八")
    log_in(qtbot, console, "duty")
    select(qtbot, console, case.id)
    view, bar = console.console.case_view, console.console.actions
    console.feed.stop()  # this console has not yet heard what a colleague does next
    from kiosk.review import convert_by_officer

    with station.database.session() as session:
        convert_by_officer(session, find_case(session, case.id), get_user(session, "legal"),
                           "当事人不认错")
    assert view.detention.isEnabled()
    qtbot.mouseClick(view.detention, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未能完成" in bar.message.text(), timeout=WAIT_MS)
    assert bar.message.text() == (f"未能完成：案件 {case.code} 已办结（转普通程序），"
                                  f"不能再更改是否可能适用拘留。")
    qtbot.waitUntil(lambda: view.detail.row.status == CaseStatus.CONVERTED, timeout=WAIT_MS)
    assert not view.detention.isEnabled() and "已办结" in view.detention.toolTip()
    with station.database.session(readonly=True) as session:
        assert not find_case(session, case.id).detention_possible


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", "未能完成：账号 legal 已停用，不能审核案件。"),
    ("en", "Not done: The account legal is disabled; it may not review cases."),
])
def test_a_refusal_of_the_core_is_shown_in_the_consoles_language(
        qtbot, console: OfficerWindow, station: Station, language: str, expected: str) -> None:
    case = submitted_sample_case(station)
    console.login_page.language.setCurrentIndex(console.login_page.language.findData(language))
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    bar = console.console.actions
    from kiosk.users import disable_user

    with station.database.session() as session:  # an admin disables the account meanwhile
        disable_user(session, "legal", actor="admin")
    assert bar.approve.isEnabled()
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.message.text() == expected, timeout=WAIT_MS)
    assert status_of(station, case.id) == CaseStatus.SUBMITTED


def test_every_rule_the_core_names_is_worded_in_each_language() -> None:
    """A refusal the core adds must not reach a Chinese console in English."""
    import re

    from kiosk.review import ACTIONS
    from kiosk.settings import PROJECT_ROOT
    from ui.officer.strings import ERRORS

    reasons: set[str] = set()
    for module in ("cases", "review", "users", "law", "penalty_notice", "evidence",
                   "mediation", "persons", "facts"):
        source = (PROJECT_ROOT / "kiosk" / f"{module}.py").read_text("utf-8")
        reasons |= set(re.findall(r'reason="(\w+)"', source))
    reasons |= {f"action_{action}" for action in (*ACTIONS, "add_evidence", "mediate")}
    assert len(reasons) > 40
    missing = sorted(r for r in reasons if not {"zh", "en"} <= set(ERRORS.get(r, {})))
    assert missing == []


def test_refusals_word_their_values_as_the_console_does() -> None:
    from kiosk.cases import CaseNotFound
    from kiosk.review import ReviewError
    from ui.officer.refusals import why_refused

    error = ReviewError("english", reason="role_needed", user="clerk", action="return",
                        roles=["officer", "reviewer"])
    assert why_refused(error, "zh") == "clerk 不能退回案件：需要以下角色之一：民警、法制员。"
    assert why_refused(error, "en") == ("clerk may not return cases: it needs one of the roles "
                                        "officer, reviewer.")
    error = ReviewError("english", reason="not_claimable", code="1" * 27, status="approved")
    assert "当前为“已审批”" in why_refused(error, "zh")
    assert why_refused(CaseNotFound("no case 'x'"), "zh") == "找不到该案件。"
    assert why_refused(RuntimeError("disk full"), "zh") == "disk full"  # not the core's: as is


def test_on_a_small_screen_the_action_buttons_drop_their_shortcuts_rather_than_be_cut(
        qtbot, console: OfficerWindow, station: Station) -> None:
    case = submitted_sample_case(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    bar = console.console.actions
    buttons = (bar.claim, bar.convert, bar.give_back, bar.approve)
    assert "(Ctrl+Enter)" in bar.approve.text()  # 1600 px: room for every label in full

    console.resize(1280, 800)
    qtbot.waitUntil(lambda: "Ctrl" not in bar.approve.text(), timeout=WAIT_MS)
    # Laid out again: every label fits its button, nothing cut.
    qtbot.waitUntil(lambda: all(b.width() >= b.sizeHint().width() for b in buttons),
                    timeout=WAIT_MS)
    assert not any("Ctrl" in button.text() for button in buttons)
    assert "第 1 级" in bar.approve.text()
    assert "(Ctrl+Enter)" in bar.approve.toolTip()  # the shortcut is still told

    console.resize(1600, 900)
    qtbot.waitUntil(lambda: "(Ctrl+Enter)" in bar.approve.text(), timeout=WAIT_MS)


def test_a_case_decided_more_than_a_day_ago_leaves_a_console_left_running(
        qtbot, console: OfficerWindow, station: Station) -> None:
    from kiosk.cases import convert_case

    case = submitted_sample_case(station)
    with station.database.session() as session:
        convert_case(session, find_case(session, case.code), "需要进一步调查", actor="legal")
    log_in(qtbot, console, "legal")
    show_all(console)
    model = console.model
    qtbot.waitUntil(lambda: model.row_of(case.id) is not None
                    and model.row_of(case.id).decided_at is not None, timeout=WAIT_MS)
    decided_at = model.row_of(case.id).decided_at

    model.tick(decided_at + timedelta(hours=23))  # without a re-read from the database
    assert model.row_of(case.id) is not None
    model.tick(decided_at + timedelta(hours=25))
    assert model.row_of(case.id) is None
    assert case.id not in [model.rows[i].case_id for i in range(model.rowCount())]


def test_a_locked_account_is_told_until_when_in_station_time(qtbot, console: OfficerWindow,
                                                             station: Station) -> None:
    from zoneinfo import ZoneInfo

    from kiosk.users import LoginFailed, LoginPolicy, authenticate

    policy = LoginPolicy.of(station.settings)  # 5 wrong passwords lock for 15 minutes
    for _ in range(policy.max_failures):
        with pytest.raises(LoginFailed):
            authenticate(station.database, "legal", "not-the-password", policy=policy)
    with station.database.session(readonly=True) as session:
        until = get_user(session, "legal").locked_until
    assert until is not None
    clock = until.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    page = console.login_page
    page.username.setText("legal")
    page.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.button.isEnabled() and bool(page.error.text()),
                    timeout=WAIT_MS)
    assert page.error.text() == f"账号已锁定，请于 {clock} 后再试，或请管理员重置密码。"
    assert console.console is None

    with station.database.session() as session:  # the time passes
        get_user(session, "legal").locked_until = datetime.now(UTC) - timedelta(seconds=1)
    log_in(qtbot, console, "legal")


def console_notice_step(window: OfficerWindow) -> str | None:
    detail = window.detail
    return detail.notice["step"] if detail is not None and detail.notice else None


def test_an_argument_is_answered_at_the_console_before_the_decision(
        qtbot, console: OfficerWindow, station: Station, tmp_path) -> None:
    """PSAPL Art. 112: the party argued at the kiosk (its Qt-free twin here); the console shows
    the argument, the decision waits, and "answer the argument" opens the answer."""
    from kiosk import penalty_notice
    from kiosk.review import Decision

    case = submitted_sample_case(station)
    with station.database.session() as session:
        approve_level(session, find_case(session, case.id), get_user(session, "legal"),
                      station.settings)
    add_sample_evidence(station, case.code, "legal")  # the photo a penalty needs (Art. 111)
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, case.id), get_user(session, "head"),
                               station.settings, Decision("fine", "51", "如实陈述", amount=300))
    answer_sample_notice(station, case.id, argument="我已经赔偿，罚款太重")
    log_in(qtbot, console, "head")
    select(qtbot, console, case.id)
    bar = console.console.actions
    qtbot.waitUntil(lambda: console_notice_step(console) == "argument_unanswered",
                    timeout=WAIT_MS)
    overview = console.console.case_view.overview.toPlainText()
    assert "当事人陈述申辩：我已经赔偿，罚款太重" in overview and "罚款" in overview
    assert not bar.approve.isEnabled() and "请先答复" in bar.approve.toolTip()
    assert bar.answer.isVisible() and bar.answer.isEnabled()

    def reply(dialog: QDialog) -> None:
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # empty: refused in place
        dialog.reply.setPlainText("赔偿情节已考虑，罚款300元在法定幅度最低档")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, reply)
    qtbot.mouseClick(bar.answer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.approve.isEnabled(), timeout=WAIT_MS)
    assert not bar.answer.isVisible()
    assert "已答复（head）" in console.console.case_view.overview.toPlainText()
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.APPROVED, timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        assert find_case(session, case.id).decision["amount"] == 300


def test_a_detention_goes_on_to_the_county_level_and_is_decided_there(
        qtbot, make_console: Callable[..., OfficerWindow], station: Station,
        tmp_path) -> None:
    """PSAPL Art. 109: the station's last level, once the party answered, sends a detention on
    to the county organ's level (its own button); the county approver decides it."""
    from kiosk import penalty_notice
    from kiosk.review import Decision
    from kiosk.sample_cases import answer_sample_notice, corroborate_case

    case = submitted_sample_case(station, name="赵六")
    with station.database.session() as session:
        add_user(session, "county", DEMO_PASSWORD, ["county_approver"], actor="test")
        approve_level(session, find_case(session, case.id), get_user(session, "legal"),
                      station.settings)
    corroborate_case(station, case.code, "head")
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, case.id), get_user(session, "head"),
                               station.settings, Decision("detention", "51", "情节较轻", days=2))
    answer_sample_notice(station, case.id)

    head = make_console()
    log_in(qtbot, head, "head")
    select(qtbot, head, case.id)
    bar = head.console.actions
    qtbot.waitUntil(lambda: "报县级公安机关审批" in bar.approve.text(), timeout=WAIT_MS)
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: head.detail is not None and head.detail.row.review_level == 2,
                    timeout=WAIT_MS)
    assert status_of(station, case.id) == CaseStatus.IN_REVIEW  # not decided by the station

    county = make_console()
    log_in(qtbot, county, "county")
    select(qtbot, county, case.id)
    assert county.detail.chain == ("reviewer", "approver", "county_approver")
    bar = county.console.actions
    qtbot.waitUntil(lambda: bar.approve.isEnabled() and "按告知作出决定" in bar.approve.text(),
                    timeout=WAIT_MS)
    header = county.console.case_view.subtitle.text()
    assert "第 3 级 / 共 3 级（县级公安机关审批人）" in header
    county.grab().save(str(tmp_path / "county-level.png"))
    qtbot.mouseClick(bar.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_of(station, case.id) == CaseStatus.APPROVED, timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        decided = find_case(session, case.id)
        assert decided.decision["authority"] == "county"
        assert decided.decision_number.startswith(station.settings.county_decision_number_prefix)
