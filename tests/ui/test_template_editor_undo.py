"""Undo and redo in the template editor, as an admin notices them: the prompt typed comes back as
it was (on the screen and in the saved draft), a removed question returns to its place, a drag
is taken back, and a reopened draft has nothing to undo.
"""

from __future__ import annotations

import test_template_editor as editor_tests
from editor_driver import answer
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QTableWidget, QWidget
from shipped import SHIPPED_VERSION
from test_template_editor import WAIT_MS, checked, choose, field, settle, type_text

from kiosk import template_drafts as drafts
from kiosk.station import Station
from ui.admin.editor import forms
from ui.admin.templates import TemplateEditorPage

page = editor_tests.page  # the editor on a fresh station with the demo accounts

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_minor_assault(qtbot, page: TemplateEditorPage) -> None:
    """A draft of the next version of the shipped minor-assault template, open on the page."""
    page.refresh_versions()
    settle(qtbot, page)
    page._choose_version("minor-assault", SHIPPED_VERSION)
    page.start_draft()
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)


def press(qtbot, page: TemplateEditorPage, widget: QWidget, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = CTRL) -> None:
    """A key pressed in `widget` of the active window (shortcuts only reach an active one)."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=WAIT_MS)
    widget.setFocus()
    qtbot.keyClick(widget, key, modifiers)


def saved(qtbot, page: TemplateEditorPage, station: Station) -> str:
    """The draft as stored, once the autosave after the last change has run."""
    qtbot.waitUntil(lambda: not page.save_timer.isActive() and not page.operations.is_busy(),
                    timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        return drafts.get_draft(session, "minor-assault").source


def prompt(page: TemplateEditorPage, question_id: str) -> dict[str, str]:
    assert page.document is not None
    return page.document.text(page.document.path_of(question_id), "prompt")


def ids_of_section(page: TemplateEditorPage, section_id: str) -> list[str]:
    assert page.document is not None
    [section] = [item for item in page.document.outline() if item.id == section_id]
    return [child.id for child in section.children]


def test_ctrl_z_takes_back_a_typed_prompt_and_the_saved_draft_follows(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    open_minor_assault(qtbot, page)
    assert not page.undo_button.isEnabled() and not page.redo_button.isEnabled()
    choose(page, "has_prior_record")
    old = prompt(page, "has_prior_record")
    type_text(qtbot, field(page, "prompt-zh"), "你以前受过处罚吗？")
    checked(qtbot, page)  # a pause: the check ran
    type_text(qtbot, field(page, "prompt-en"), "Were you ever punished")  # key by key
    checked(qtbot, page)  # another pause, in the middle of the field's edit
    qtbot.keyClicks(field(page, "prompt-en"), " before?")
    assert prompt(page, "has_prior_record") == {"zh": "你以前受过处罚吗？",
                                                "en": "Were you ever punished before?"}
    assert page.undo_button.isEnabled()

    # One Ctrl+Z takes back the whole English prompt (not a letter); the field keeps the focus.
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Z)
    assert field(page, "prompt-en").text() == old["en"]
    assert field(page, "prompt-zh").text() == "你以前受过处罚吗？"
    assert page.focusWidget() is field(page, "prompt-en")
    assert page.redo_button.isEnabled()  # the draft's undo, not the line's own
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Z)
    assert prompt(page, "has_prior_record") == old
    assert field(page, "prompt-zh").text() == old["zh"]
    assert not page.undo_button.isEnabled()

    # Redo, with either key.
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Y)
    assert field(page, "prompt-zh").text() == "你以前受过处罚吗？"
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Z, CTRL | SHIFT)
    assert field(page, "prompt-en").text() == "Were you ever punished before?"
    assert not page.redo_button.isEnabled()

    # Undone again: the outline's line, the check and the saved draft all have the old prompt.
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Z)
    assert field(page, "prompt-en").text() == old["en"]
    checked(qtbot, page)
    assert page.problems == []
    assert page.outline.currentItem().text(0).startswith("has_prior_record")
    stored = saved(qtbot, page, station)
    assert "你以前受过处罚吗？" in stored and old["en"] in stored
    assert "Were you ever punished before?" not in stored

    # Typing after an undo drops what could be redone.
    type_text(qtbot, field(page, "prompt-en"), "Any earlier penalty?")
    assert not page.redo_button.isEnabled()


def test_a_removed_question_comes_back_in_its_place_and_goes_again(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    open_minor_assault(qtbot, page)
    before = page.document.source()
    order = ids_of_section(page, "background")
    texts = prompt(page, "has_prior_record")
    choose(page, "has_prior_record")
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert "has_prior_record" not in ids_of_section(page, "background")
    removed = page.document.source()

    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert ids_of_section(page, "background") == order
    assert prompt(page, "has_prior_record") == texts
    assert page.document.source() == before  # exactly the text it was, comments and all
    choose(page, "has_prior_record")  # its line is back in the outline, its form shows it
    assert field(page, "prompt-zh").text() == texts["zh"]

    qtbot.mouseClick(page.redo_button, Qt.MouseButton.LeftButton)
    assert "has_prior_record" not in ids_of_section(page, "background")
    assert page.document.source() == removed
    assert removed in saved(qtbot, page, station)


def test_a_drag_and_drop_is_undone(qtbot, page: TemplateEditorPage) -> None:
    open_minor_assault(qtbot, page)
    before = ids_of_section(page, "background")
    moving, onto = page._item_at(page.document.path_of("needs_interpreter")), \
        page._item_at(page.document.path_of("is_congress_deputy"))
    page.outline.setCurrentItem(moving)
    target = page.outline.visualItemRect(onto).center()
    page.outline.dropEvent(QDropEvent(QPointF(target), Qt.DropAction.MoveAction, QMimeData(),
                                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    after = ids_of_section(page, "background")
    assert after[0] == "needs_interpreter" and after != before

    press(qtbot, page, page.outline, Qt.Key.Key_Z)  # the outline has the focus
    assert ids_of_section(page, "background") == before
    press(qtbot, page, page.outline, Qt.Key.Key_Y)
    assert ids_of_section(page, "background") == after


def test_each_kind_of_change_is_one_step(qtbot, page: TemplateEditorPage, monkeypatch) -> None:
    asked: list[str] = []
    # The admin confirms the type change that removes the choices (no one here to click).
    monkeypatch.setattr(forms, "ask", lambda _parent, _title, text, **_buttons:
                        asked.append(text) or True)
    open_minor_assault(qtbot, page)
    original = page.document.source()
    choose(page, "other_party_relationship")
    path = page.document.path_of("other_party_relationship")
    choices = page.document.choices(path)
    table = page.form.findChild(QTableWidget, "field-choices")
    table.item(0, 1).setText("邻居关系")  # a cell of the choices table, as committed
    assert page.document.choices(path)[0][1]["zh"] == "邻居关系"
    required = page.form.findChild(QCheckBox, "field-required")
    press(qtbot, page, required, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)
    assert page.document.get(path, "required") is False
    types = page.form.findChild(QComboBox, "field-type")
    types.setCurrentIndex(types.findData("text"))  # by mistake: the choices would go with it
    assert asked and "选项" in asked[-1]
    qtbot.waitUntil(lambda: page.form.findChild(QTableWidget, "field-choices") is None,
                    timeout=WAIT_MS)
    assert page.document.get(path, "type") == "text"

    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert page.document.get(path, "type") == "single_choice"
    assert page.form.findChild(QTableWidget, "field-choices") is not None
    assert page.document.get(path, "required") is False
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert page.document.get(path, "required") is None
    assert page.form.findChild(QCheckBox, "field-required").isChecked()
    assert page.document.choices(path)[0][1]["zh"] == "邻居关系"
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert page.document.choices(path) == choices
    assert page.document.source() == original
    assert not page.undo_button.isEnabled()


def test_nothing_is_undone_into_a_reopened_discarded_or_published_draft(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    open_minor_assault(qtbot, page)
    choose(page, "has_prior_record")
    type_text(qtbot, field(page, "prompt-en"), "Were you ever punished before?")
    assert page.undo_button.isEnabled()

    # Reopened at once, before the autosave: what was typed is kept, and is not undoable.
    opened = page.document
    page.open_draft("minor-assault")
    qtbot.waitUntil(lambda: page.document is not opened, timeout=WAIT_MS)
    settle(qtbot, page)
    assert prompt(page, "has_prior_record")["en"] == "Were you ever punished before?"
    assert not page.undo_button.isEnabled()
    text = page.document.source()
    choose(page, "has_prior_record")
    press(qtbot, page, field(page, "prompt-en"), Qt.Key.Key_Z)
    assert page.document.source() == text
    assert field(page, "prompt-en").text() == "Were you ever punished before?"

    # Published: the page holds no draft and no step.
    type_text(qtbot, field(page, "prompt-en"), "Any earlier penalty?")
    answer("发布")
    page.publish()
    qtbot.waitUntil(lambda: "已发布" in page.message.text(), timeout=WAIT_MS)
    settle(qtbot, page)
    assert page.document is None and not page.undo_button.isEnabled()
    press(qtbot, page, page.outline, Qt.Key.Key_Z)  # without a draft: nothing happens
    assert page.document is None

    # A new draft, changed and discarded: nothing left to undo either.
    open_minor_assault(qtbot, page)
    choose(page, "has_prior_record")
    type_text(qtbot, field(page, "prompt-en"), "Punished before?")
    answer("放弃草稿")
    page.discard()
    settle(qtbot, page)
    assert page.document is None and not page.undo_button.isEnabled()
    with station.database.session(readonly=True) as session:
        assert not drafts.list_drafts(session)
