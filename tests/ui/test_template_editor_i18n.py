"""The template editor says every problem in the admin's language: in the Chinese editor, a
show_if naming no question of the template, a misspelt key and an expression's syntax error are
all said in Chinese, under their field or above the form, and in the outline's tooltip.
"""

from __future__ import annotations

import test_template_editor as editor_tests
from PySide6.QtWidgets import QTreeWidgetItem
from shipped import SHIPPED_VERSION
from test_template_editor import (
    WAIT_MS,
    checked,
    choose,
    field,
    new_fraud_template,
    settle,
    type_text,
)

from kiosk import template_drafts as drafts
from kiosk.station import Station
from kiosk.template_edit import TemplateDocument
from kiosk.template_model import QuestionType
from ui.admin.templates import TemplateEditorPage

page = editor_tests.page  # the Chinese editor on a fresh station with the demo accounts


def outline_item(page: TemplateEditorPage, question_id: str) -> QTreeWidgetItem:
    assert page.document is not None
    path = page.document.path_of(question_id)
    for i in range(page.outline.topLevelItemCount()):
        item = page._find(page.outline.topLevelItem(i), path)
        if item is not None:
            return item
    raise AssertionError(f"no line for {question_id}")


def new_question(qtbot, page: TemplateEditorPage) -> None:
    """A new template with one number question, "amount", written in both languages."""
    new_fraud_template(qtbot, page)
    page.add_question("amount", QuestionType.NUMBER)
    choose(page, "amount")
    type_text(qtbot, field(page, "prompt-zh"), "大约值多少元？")
    type_text(qtbot, field(page, "prompt-en"), "About how many yuan?")


def test_a_show_if_naming_no_question_is_said_in_chinese_under_the_field(
        qtbot, page: TemplateEditorPage) -> None:
    new_question(qtbot, page)
    type_text(qtbot, field(page, "show_if"), "hit_count > 1")
    checked(qtbot, page)
    said = "“显示条件” 用到了 “hit_count”，但本模板没有这个问题"  # the form's label, not the key
    assert page.form is not None
    error = page.form.fields["show_if"].error
    assert error.isVisible() and error.text() == said
    assert not page.form.general.isVisible()
    assert outline_item(page, "amount").toolTip(0) == said


def test_a_misspelt_key_is_said_in_chinese_above_the_form(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    # A draft saved with a key the editor has no field for (say, typed in an export and kept).
    page.refresh_versions()
    settle(qtbot, page)
    page._choose_version("minor-assault", SHIPPED_VERSION)
    page.start_draft()
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    document = TemplateDocument(page.document.source())
    document.set(document.path_of("hit_count"), "requried", True)
    with station.database.session() as session:
        drafts.save_draft(session, "minor-assault", document.source(), actor="admin")
    page.open_draft("minor-assault")
    qtbot.waitUntil(lambda: page.document is not None
                    and "requried" in page.document.source(), timeout=WAIT_MS)
    settle(qtbot, page)
    choose(page, "hit_count")
    assert page.form is not None
    general = page.form.general
    assert general.isVisible()
    assert general.text().startswith("“hit_count” 这个问题中有未知的键 “requried”（可用的键："), \
        general.text()
    assert "unknown" not in general.text()
    # The keys it could have are said as the form's labels: "问题" and "提示", not YAML.
    assert "问题、" in general.text() and "提示" in general.text(), general.text()
    assert "prompt" not in general.text() and "help" not in general.text()
    assert outline_item(page, "hit_count").toolTip(0) == general.text()


def test_an_expression_syntax_error_is_said_in_chinese(qtbot, page: TemplateEditorPage) -> None:
    new_question(qtbot, page)
    assert page.form is not None
    error = page.form.fields["show_if"].error
    type_text(qtbot, field(page, "show_if"), "amount >")
    assert error.text() == "表达式有误：语法错误，这里写得不对（第 1 列）"  # as it is typed

    # Full-width brackets, as a Chinese input method gives them.
    type_text(qtbot, field(page, "show_if"), "（amount > 1）")
    assert error.text() == ("表达式有误：语法错误：不能使用字符 “（”（U+FF08），"
                            "请改用半角（英文）符号（第 1 列）")
    checked(qtbot, page)  # the whole draft's check says it too, naming the field
    assert error.text() == ("“显示条件” 的表达式有误：语法错误：不能使用字符 “（”（U+FF08），"
                            "请改用半角（英文）符号（第 1 列）")
    assert error.isVisible()
