"""The template editor as a new station admin meets it: logged in by typing, every button
pressed with the mouse and every dialog answered with keys, on SQLite and PostgreSQL.

The closing test builds a case type from nothing that way, publishes it, has the loader validate
what was stored and answers it through the party's session, where the exclusion ends the
fast-track.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import pytest
from editor_driver import answer, click, type_into_dialog, when_asked
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
)
from shipped import NEXT_VERSION, SHIPPED_VERSION

from kiosk import template_drafts as drafts
from kiosk.cases import AnswerRejected, open_case
from kiosk.cli.demo import DEMO_PASSWORD
from kiosk.party import PartySession
from kiosk.samples import sample_party
from kiosk.station import Station
from kiosk.template_loader import parse_template
from kiosk.template_model import QuestionType
from kiosk.template_store import get_version
from ui.admin.templates import TemplateEditorPage
from ui.admin.window import AdminWindow

WAIT_MS = 15_000


@pytest.fixture
def make_admin(make_staff_window: Callable[..., AdminWindow]) -> Callable[..., AdminWindow]:
    return partial(make_staff_window, AdminWindow)


def log_in(qtbot, window: AdminWindow, username: str = "admin") -> TemplateEditorPage:
    """Types the name and password key by key and presses 登录; the template tab is shown."""
    page = window.login_page
    page.username.setFocus()
    QTest.keyClicks(page.username, username)
    QTest.keyClicks(page.password, DEMO_PASSWORD)
    click(page.button)
    qtbot.waitUntil(lambda: window.admin is not None, timeout=WAIT_MS)
    editor = window.admin.templates
    settle(qtbot, editor)
    return editor


def settle(qtbot, page: TemplateEditorPage) -> None:
    qtbot.waitUntil(lambda: not page.operations.is_busy(), timeout=WAIT_MS)


def edit(page: TemplateEditorPage, name: str) -> QLineEdit:
    assert page.form is not None
    found = page.form.findChild(QLineEdit, f"field-{name}")
    assert found is not None and found.isVisible(), f"no field {name} on the form"
    return found


def type_into(qtbot, line: QLineEdit, text: str) -> None:
    """Clicks into the field, selects what is there and types over it: ASCII key by key,
    Chinese as the input method commits it (all at once)."""
    line.setFocus()
    QTest.mouseClick(line, Qt.MouseButton.LeftButton)
    QTest.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(line, Qt.Key.Key_Delete)
    if text.isascii():
        QTest.keyClicks(line, text)
    else:
        line.insert(text)


def click_line(page: TemplateEditorPage, path: tuple) -> None:
    """Clicks a line of the outline, as the admin chooses it."""
    item = page._item_at(path)
    assert item is not None, path
    page.outline.scrollToItem(item)
    rect = page.outline.visualItemRect(item)
    QTest.mouseClick(page.outline.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.current_path == tuple(path)


def new_template_by_hand(qtbot, page: TemplateEditorPage, template_id: str,
                         zh: str, en: str) -> None:
    """新建模板 pressed, the dialog filled in by typing."""
    type_into_dialog(template_id, zh, en)
    click(page.new_button)
    qtbot.waitUntil(lambda: page.template_id == template_id and page.document is not None,
                    timeout=WAIT_MS)
    settle(qtbot, page)


def add_question_by_hand(qtbot, page: TemplateEditorPage, question_id: str,
                         kind: QuestionType) -> None:
    """添加问题 pressed; the id typed, the type chosen with the arrow keys, 确定 clicked."""

    def act(dialog: QDialog) -> None:
        line = dialog.findChild(QLineEdit, "new-id")
        line.setFocus()
        QTest.keyClicks(line, question_id)
        types = dialog.findChild(QComboBox)
        types.setFocus()
        QTest.keyClick(types, Qt.Key.Key_Home)
        while types.currentData() != kind.value:
            QTest.keyClick(types, Qt.Key.Key_Down)
        click(next(b for b in dialog.findChildren(QPushButton) if b.property("role") == "primary"))

    when_asked(act)
    click(page.add_question_button)
    assert page.document is not None and question_id in page.document.ids()


def checked_now(page: TemplateEditorPage) -> None:
    """The check that runs a moment after typing, without waiting for it."""
    page.check_timer.stop()
    page.check()


def test_new_template_opens_its_dialog_and_the_typed_case_type_becomes_a_draft(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗（数额较小）", "Petty fraud")
    assert page.heading.text().startswith("诈骗（数额较小）")
    assert page.problems == []  # the skeleton is valid as it is
    with station.database.session(readonly=True) as session:
        assert drafts.get_draft(session, "petty-fraud").status == "editing"
    # The list shows it (the draft line under the new case type).
    texts = [page.versions.topLevelItem(i).text(0)
             for i in range(page.versions.topLevelItemCount())]
    assert any("petty-fraud" in text for text in texts), texts


def test_exclusions_are_added_removed_and_reordered_with_their_forms(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("exclusions",))
    # Among the exclusions a question cannot be added; an exclusion can.
    assert not page.add_question_button.isEnabled()
    assert page.add_exclusion_button.isEnabled()
    for exclusion_id in ("not_admitted", "minor"):
        type_into_dialog(exclusion_id)
        click(page.add_exclusion_button)
        assert page.form is not None and page.form.kind == "exclusion"
        assert edit(page, "id").text() == exclusion_id
    assert [e["id"] for e in page.document.root["exclusions"]] == ["not_admitted", "minor"]

    # Its form: the condition and the reason, each problem under its field until written.
    checked_now(page)
    assert page.form.fields["when"].error.isVisible()
    type_into(qtbot, edit(page, "when"), "confirm_facts == false")
    type_into(qtbot, edit(page, "reason-zh"), "当事人不确认案件经过。")
    type_into(qtbot, edit(page, "reason-en"), "The party does not confirm what happened.")
    checked_now(page)
    assert not page.form.fields["when"].error.isVisible()
    assert "minor" in page.outline.currentItem().text(0)

    click(page.up_button)
    assert [e["id"] for e in page.document.root["exclusions"]] == ["minor", "not_admitted"]
    click(page.down_button)
    assert [e["id"] for e in page.document.root["exclusions"]] == ["not_admitted", "minor"]
    click(page.remove_button)
    assert [e["id"] for e in page.document.root["exclusions"]] == ["not_admitted"]
    assert page.current_path == ("exclusions", 0)  # the line above is chosen
    click(page.remove_button)
    assert "exclusions" not in page.document.root  # no empty list left behind
    assert page.current_kind == "exclusions"
    checked_now(page)
    assert page.problems == [], [str(p) for p in page.problems]


def test_every_question_added_has_statement_wording_with_a_default(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("sections", 0))
    add_question_by_hand(qtbot, page, "admits", QuestionType.YES_NO)
    # A yes/no answer reads as a sentence in the record, not a bare "答：是".
    assert edit(page, "statement-yes-zh").text() == "是。"
    assert edit(page, "statement-no-en").text() == "No."
    # The question defaults to the prompt: shown as the field's placeholder while it is typed.
    type_into(qtbot, edit(page, "prompt-zh"), "你是否承认？")
    assert page.form is not None
    page._node_chosen(page.outline.currentItem(), None)  # the form as it opens next time
    assert edit(page, "statement-question-zh").placeholderText() == "你是否承认？"
    type_into(qtbot, edit(page, "statement-question-zh"), "你是否承认违法事实？")
    statement = page.document.node(page.current_path)["statement"]
    assert statement["question"]["zh"] == "你是否承认违法事实？"

    add_question_by_hand(qtbot, page, "where", QuestionType.TEXT)
    assert edit(page, "statement-answer-zh").text() == "{answer}。"
    # Left out of the record with one tick; ticked again, the default wording is back.
    box = page.form.findChild(QCheckBox, "field-in-statement")
    assert box is not None
    click(box)
    qtbot.waitUntil(lambda: page.form is not None
                    and page.form.findChild(QLineEdit, "field-statement-answer-zh") is None,
                    timeout=WAIT_MS)
    assert page.document.node(page.current_path)["statement"] is False
    click(page.form.findChild(QCheckBox, "field-in-statement"))
    qtbot.waitUntil(lambda: page.form is not None and page.form.findChild(
        QLineEdit, "field-statement-answer-zh") is not None, timeout=WAIT_MS)
    assert edit(page, "statement-answer-en").text() == "{answer}."


def test_minimum_maximum_and_at_most_are_stored_as_numbers(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("sections", 0))
    add_question_by_hand(qtbot, page, "count", QuestionType.NUMBER)
    type_into(qtbot, edit(page, "prompt-zh"), "有几件？")
    type_into(qtbot, edit(page, "prompt-en"), "How many?")
    type_into(qtbot, edit(page, "min"), "1")
    type_into(qtbot, edit(page, "max"), "2.5")
    node = page.document.node(page.current_path)
    assert node["min"] == 1 and isinstance(node["min"], int)
    assert node["max"] == 2.5
    assert "min: 1\n" in page.document.source()  # not min: '1'
    checked_now(page)
    assert page.problems == [], [str(p) for p in page.problems]

    type_into(qtbot, edit(page, "max"), "five")
    assert page.form.fields["max"].error.text() == "请填写数字，例如 1"
    checked_now(page)
    assert page.form.fields["max"].error.isVisible()

    add_question_by_hand(qtbot, page, "people", QuestionType.GROUP)
    type_into(qtbot, edit(page, "max_items"), "3")
    assert page.document.node(page.current_path)["max_items"] == 3


def test_discard_asks_first_and_can_be_undone_until_the_editor_closes(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("sections", 0))
    add_question_by_hand(qtbot, page, "count", QuestionType.NUMBER)

    # Cancelled: nothing happens.
    asked: list[str] = []
    answer("取消", seen=asked)
    click(page.discard_button)
    assert asked and "放弃“诈骗”的草稿" in asked[-1]
    assert page.document is not None

    answer("放弃草稿")
    click(page.discard_button)
    qtbot.waitUntil(lambda: page.document is None, timeout=WAIT_MS)
    settle(qtbot, page)
    assert "已放弃" in page.message.text()
    with station.database.session(readonly=True) as session:
        assert not drafts.list_drafts(session)

    click(page.undo_discard_button)
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    assert "count" in page.document.ids()  # the question added before the discard is back
    assert not page.undo_discard_button.isVisible()
    with station.database.session(readonly=True) as session:
        assert "count" in drafts.get_draft(session, "petty-fraud").source


def test_publishing_asks_first(qtbot, make_admin: Callable[..., AdminWindow],
                               station: Station) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    asked: list[str] = []
    answer("取消", seen=asked)
    click(page.publish_button)
    assert "将“诈骗”发布为第 1 版" in asked[-1]
    settle(qtbot, page)
    with station.database.session(readonly=True) as session:
        assert drafts.get_draft(session, "petty-fraud").status == "editing"
    answer("发布")
    click(page.publish_button)
    qtbot.waitUntil(lambda: "已发布" in page.message.text(), timeout=WAIT_MS)
    settle(qtbot, page)


def test_the_list_follows_another_admins_new_template(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station) -> None:
    page = log_in(qtbot, make_admin())
    with station.database.session() as session:  # another admin, on another machine
        drafts.new_template_draft(session, "graffiti", title={"zh": "涂鸦", "en": "Graffiti"},
                                  languages=["zh", "en"], actor="admin2")

    def listed() -> bool:
        return any("graffiti" in page.versions.topLevelItem(i).text(0)
                   for i in range(page.versions.topLevelItemCount()))

    qtbot.waitUntil(listed, timeout=WAIT_MS)


def test_logging_out_empties_the_user_name(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    window = make_admin()
    log_in(qtbot, window)
    click(window.admin.logout)
    assert window.login_page.username.text() == ""
    assert window.login_page.password.text() == ""
    page = log_in(qtbot, window)  # the next name typed is the whole name
    assert window.user is not None and window.user.username == "admin"
    assert page.isVisible()


def test_a_case_type_built_from_nothing_by_clicks_is_published_and_answered(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-theft-small", "盗窃（数额较小）", "Small theft")

    # A section.
    type_into_dialog("goods")
    click(page.add_section_button)
    assert page.current_path == ("sections", 1)
    type_into(qtbot, edit(page, "title-zh"), "被盗物品")
    type_into(qtbot, edit(page, "title-en"), "The goods")

    # A yes/no question and a number question with a minimum of 1.
    add_question_by_hand(qtbot, page, "admits", QuestionType.YES_NO)
    type_into(qtbot, edit(page, "prompt-zh"), "你是否承认拿走了这些物品？")
    type_into(qtbot, edit(page, "prompt-en"), "Do you admit taking the goods?")
    add_question_by_hand(qtbot, page, "items", QuestionType.NUMBER)
    type_into(qtbot, edit(page, "prompt-zh"), "拿走了几件物品？")
    type_into(qtbot, edit(page, "prompt-en"), "How many items did you take?")
    type_into(qtbot, edit(page, "min"), "1")
    type_into(qtbot, edit(page, "statement-answer-zh"), "拿走了 {answer} 件。")

    # An exclusion.
    click_line(page, ("exclusions",))
    type_into_dialog("not_admitted")
    click(page.add_exclusion_button)
    type_into(qtbot, edit(page, "when"), "admits == false")
    type_into(qtbot, edit(page, "reason-zh"), "当事人不承认违法事实，转为普通程序办理。")
    type_into(qtbot, edit(page, "reason-en"), "The party does not admit the facts.")
    checked_now(page)
    assert page.problems == [], [str(p) for p in page.problems]

    answer("发布")
    click(page.publish_button)
    qtbot.waitUntil(lambda: "已发布" in page.message.text(), timeout=WAIT_MS)
    settle(qtbot, page)

    # The loader accepts what was stored, numbers as numbers and the wording as typed.
    with station.database.session(readonly=True) as session:
        stored = get_version(session, "petty-theft-small")
    template = parse_template(stored.source, "petty-theft-small.yaml")
    goods = next(s for s in template.sections if s.id == "goods")
    assert [q.id for q in goods.questions] == ["admits", "items"]
    items = goods.questions[1]
    assert items.type is QuestionType.NUMBER and items.min == 1
    assert goods.questions[0].statement.yes == {"zh": "是。", "en": "Yes."}
    assert [e.id for e in template.exclusions] == ["not_admitted"]

    def party_at_questions() -> PartySession:
        with station.database.session() as session:
            code = open_case(session, station.settings, "petty-theft-small", "张三",
                             arrived_at=datetime.now(UTC), arrival_mode="summoned",
                             actor="duty", today=station.today()).start_code
        party = PartySession.resume(station, code)
        party.choose_language("zh")
        party.acknowledge_terms()
        party.acknowledge_rights()
        party.consent(True)
        party.confirm_identity(sample_party("zh"))
        party.answer("confirm_facts", True)
        return party

    # Admitted: the number is asked, and 0 is refused by the minimum typed in the editor.
    party = party_at_questions()
    assert party.answer("admits", True).position == "items"
    with pytest.raises(AnswerRejected):
        party.answer("items", 0)
    assert party.answer("items", 2).position != "items"

    # Not admitted: the exclusion ends the fast-track with the reason typed in the editor.
    party = party_at_questions()
    state = party.answer("admits", False)
    assert state.status == "converted"
    assert "不承认违法事实" in state.conversion_reason


def click_version(page: TemplateEditorPage, template_id: str, version: object) -> None:
    """Clicks a line of the template list (a version, or the draft)."""
    for i in range(page.versions.topLevelItemCount()):
        parent = page.versions.topLevelItem(i)
        for j in range(-1, parent.childCount()):
            item = parent if j < 0 else parent.child(j)
            if tuple(item.data(0, Qt.ItemDataRole.UserRole)) == (template_id, version):
                page.versions.scrollToItem(item)
                rect = page.versions.visualItemRect(item)
                QTest.mouseClick(page.versions.viewport(), Qt.MouseButton.LeftButton,
                                 pos=rect.center())
                assert page.versions.currentItem() is item
                return
    raise AssertionError(f"{template_id} {version} is not listed")


def file_dialog_cancelled(seen: list[str]) -> None:
    """The next file dialog: its suggested name kept in `seen`, then 取消/Cancel clicked.

    The file dialog is Qt's, not the editor's (its keys differ per platform); the file itself is
    then written or read through the same method with the path given."""

    def act(dialog: QDialog) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name is not None, "not a file dialog"
        seen.append(name.text())
        box = dialog.findChild(QDialogButtonBox)
        click(box.button(QDialogButtonBox.StandardButton.Cancel))

    when_asked(act)


def test_the_version_buttons_export_retire_edit_save_compare_and_import(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station, tmp_path) -> None:
    page = log_in(qtbot, make_admin())
    click_version(page, "minor-assault", SHIPPED_VERSION)

    # 导出 YAML: the published text, byte for byte, where the admin typed.
    target = tmp_path / "minor-assault.yaml"
    suggested: list[str] = []
    file_dialog_cancelled(suggested)
    click(page.export_button)
    assert suggested == ["minor-assault.yaml"] and not target.exists()  # cancelled: nothing
    page.export_file(target)
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    settle(qtbot, page)
    with station.database.session(readonly=True) as session:
        assert target.read_text(encoding="utf-8") == get_version(session, "minor-assault").source

    # 停用此版本 and again to restore it.
    click(page.retire_button)
    qtbot.waitUntil(lambda: "已停用" in (page.versions.currentItem() or page.versions
                                       .topLevelItem(0)).text(0), timeout=WAIT_MS)
    settle(qtbot, page)
    with station.database.session(readonly=True) as session:
        assert get_version(session, "minor-assault", SHIPPED_VERSION).is_retired
    click_version(page, "minor-assault", SHIPPED_VERSION)
    click(page.retire_button)
    qtbot.waitUntil(lambda: "已停用" not in page.versions.currentItem().text(0),
                    timeout=WAIT_MS)
    settle(qtbot, page)

    # 编辑新版本: the draft of the next version opens; a change is saved by 保存草稿 at once.
    click(page.edit_button)
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    assert f"第 {NEXT_VERSION} 版" in page.heading.text()
    click_line(page, ())
    type_into(qtbot, edit(page, "description-en"), "Changed by the admin.")
    click(page.save_button)
    settle(qtbot, page)
    assert "草稿已保存" in page.status.text()
    with station.database.session(readonly=True) as session:
        assert "Changed by the admin." in drafts.get_draft(session, "minor-assault").source

    # 导入 YAML of the shipped version's export: refused whole, saying why (it is not the next).
    file_dialog_cancelled(suggested)
    click(page.import_button)
    assert len(suggested) == 2
    page.import_file(target)
    qtbot.waitUntil(lambda: "未能完成" in page.message.text(), timeout=WAIT_MS)
    assert f"says version {SHIPPED_VERSION}," in page.message.text() and page.message.isVisible()
    settle(qtbot, page)
    with station.database.session(readonly=True) as session:
        assert "Changed by the admin." in drafts.get_draft(session, "minor-assault").source


def test_compare_shows_two_versions_and_closes(
        qtbot, make_admin: Callable[..., AdminWindow], station: Station) -> None:
    page = log_in(qtbot, make_admin())
    click_version(page, "minor-assault", SHIPPED_VERSION)
    click(page.edit_button)
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    click_line(page, ())
    type_into(qtbot, edit(page, "description-en"), "The second version.")
    answer("发布")
    click(page.publish_button)
    qtbot.waitUntil(lambda: "已发布" in page.message.text(), timeout=WAIT_MS)
    settle(qtbot, page)
    click_version(page, "minor-assault", NEXT_VERSION)
    click(page.diff_button)
    qtbot.waitUntil(lambda: getattr(page, "diff_dialog", None) is not None
                    and page.diff_dialog.isVisible(), timeout=WAIT_MS)
    assert "The second version." in page.diff_dialog.view.toPlainText()
    close = next(b for b in page.diff_dialog.findChildren(QPushButton) if b.text() == "关闭")
    click(close)
    assert not page.diff_dialog.isVisible()


def test_choices_are_added_typed_and_removed_in_their_table(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("sections", 0))
    add_question_by_hand(qtbot, page, "paid_by", QuestionType.SINGLE_CHOICE)
    assert page.form is not None
    add = page.form.findChild(QPushButton, "add-choice")
    table = page.form.choices_table
    for cells in (("cash", "现金", "Cash"), ("card", "银行卡", "Card"), ("other", "其他", "Other")):
        click(add)
        row = table.rowCount() - 1
        for column, text in enumerate(cells):
            rect = table.visualRect(table.model().index(row, column))
            QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            editor = table.viewport().focusWidget() or table.focusWidget()
            assert isinstance(editor, QLineEdit), editor
            if text.isascii():
                QTest.keyClicks(editor, text)
            else:
                editor.insert(text)
            QTest.keyClick(editor, Qt.Key.Key_Return)
    typed = [("cash", {"zh": "现金", "en": "Cash"}), ("card", {"zh": "银行卡", "en": "Card"}),
             ("other", {"zh": "其他", "en": "Other"})]
    qtbot.waitUntil(lambda: page.document.choices(page.current_path) == typed, timeout=WAIT_MS)
    rect = table.visualRect(table.model().index(2, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    remove = next(b for b in page.form.findChildren(QPushButton) if b.text() == "删除选项")
    click(remove)
    assert [c for c, _ in page.document.choices(page.current_path)] == ["cash", "card"]


def test_a_new_questions_id_is_made_from_its_prompt_and_stays_editable(
        qtbot, make_admin: Callable[..., AdminWindow]) -> None:
    page = log_in(qtbot, make_admin())
    new_template_by_hand(qtbot, page, "petty-fraud", "诈骗", "Fraud")
    click_line(page, ("sections", 0))
    made: list[str] = []

    def prompt_only(dialog: QDialog) -> None:
        prompt = dialog.findChild(QLineEdit, "new-prompt")
        prompt.setFocus()
        prompt.insert("被骗了多少钱？")  # as the input method commits it
        made.append(dialog.findChild(QLineEdit, "new-id").text())
        click(next(b for b in dialog.findChildren(QPushButton) if b.property("role") == "primary"))

    when_asked(prompt_only)
    click(page.add_question_button)
    assert made == ["bei_pian_le_duo_shao_qian"]
    assert page.form is not None and edit(page, "id").text() == "bei_pian_le_duo_shao_qian"
    assert edit(page, "prompt-zh").text() == "被骗了多少钱？"  # the prompt typed is kept

    def own_id(dialog: QDialog) -> None:
        question_id = dialog.findChild(QLineEdit, "new-id")
        prompt = dialog.findChild(QLineEdit, "new-prompt")
        prompt.setFocus()
        prompt.insert("被骗了多少钱？")
        assert question_id.text() == "bei_pian_le_duo_shao_qian_2"  # the first is taken
        question_id.setFocus()
        QTest.keyClick(question_id, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(question_id, "amount")
        prompt.insert("（元）")  # more of the prompt no longer changes the admin's id
        made.append(question_id.text())
        click(next(b for b in dialog.findChildren(QPushButton) if b.property("role") == "primary"))

    when_asked(own_id)
    click(page.add_question_button)
    assert made[-1] == "amount" and "amount" in page.document.ids()
