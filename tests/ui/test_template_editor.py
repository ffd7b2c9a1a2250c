"""The template editor through its widgets: a template built from scratch, checked as it is
typed, published, and answered at the kiosk; export and import; versions kept by cases.

Read-aloud is silent here (no speakers): the speak button's requests are read from the silent
renderer's log.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from editor_driver import answer
from kiosk_driver import KioskDriver
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton
from shipped import NEXT_VERSION, SHIPPED_VERSION

from kiosk.cases import find_case, interview_of
from kiosk.cli.demo import seed_demo
from kiosk.models import TemplateVersion
from kiosk.sample_cases import open_sample_case
from kiosk.speech import SilentRenderer
from kiosk.station import Station, open_station
from kiosk.template_model import QuestionType
from kiosk.template_store import get_version
from ui.admin.editor import forms
from ui.admin.templates import TemplateEditorPage
from ui.kiosk.window import KioskWindow, apply_theme
from ui.speech import SpeechPlayer

WAIT_MS = 15_000


@pytest.fixture
def page(qtbot, station: Station) -> Iterator[TemplateEditorPage]:
    seed_demo(station)  # the demo admin "admin" (and officers)
    editor = TemplateEditorPage(station, "admin", "zh")
    qtbot.addWidget(editor)
    editor.resize(1800, 1000)
    editor.show()
    yield editor
    editor.operations.wait()


def settle(qtbot, page: TemplateEditorPage) -> None:
    qtbot.waitUntil(lambda: not page.operations.is_busy(), timeout=WAIT_MS)


def field(page: TemplateEditorPage, name: str) -> QLineEdit:
    assert page.form is not None
    found = page.form.findChild(QLineEdit, f"field-{name}")
    assert found is not None, f"no field {name} on the form"
    return found


def type_text(qtbot, edit: QLineEdit, text: str) -> None:
    """Types as a person would: ASCII key by key, Chinese as the input method commits it."""
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)


def choose(page: TemplateEditorPage, question_id: str) -> None:
    assert page.document is not None
    path = page.document.path_of(question_id)
    item = page._find(page.outline.topLevelItem(0), path)  # the template line
    for i in range(page.outline.topLevelItemCount()):
        item = item or page._find(page.outline.topLevelItem(i), path)
    assert item is not None, question_id
    page.outline.setCurrentItem(item)


def new_fraud_template(qtbot, page: TemplateEditorPage) -> None:
    """A new template "petty-fraud" opened as a draft, its first check done."""
    page.new_template("petty-fraud", {"zh": "诈骗", "en": "Fraud"})
    qtbot.waitUntil(lambda: page.document is not None and page.template_id == "petty-fraud",
                    timeout=WAIT_MS)
    settle(qtbot, page)


def two_admins(qtbot, station: Station) -> tuple[TemplateEditorPage, TemplateEditorPage]:
    """The editors of admin and admin2; admin has started a draft of minor-assault's next
    version."""
    from kiosk.users import add_user

    seed_demo(station)
    with station.database.session() as session:
        add_user(session, "admin2", "kiosk-demo-2026", ["admin"], actor="test")
    first, second = (TemplateEditorPage(station, name, "zh") for name in ("admin", "admin2"))
    for page in (first, second):
        qtbot.addWidget(page)
    first.refresh_versions()
    settle(qtbot, first)
    first._choose_version("minor-assault", SHIPPED_VERSION)
    first.start_draft()
    qtbot.waitUntil(lambda: first.document is not None, timeout=WAIT_MS)
    settle(qtbot, first)
    return first, second


def open_draft_in(qtbot, page: TemplateEditorPage) -> None:
    page.open_draft("minor-assault")
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)


def checked(qtbot, page: TemplateEditorPage) -> None:
    page.check_timer.stop()
    page.check()


def test_a_template_built_from_scratch_is_published_and_answered_at_the_kiosk(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    page.new_template("petty-fraud", {"zh": "诈骗（数额较小）", "en": "Petty fraud"})
    qtbot.waitUntil(lambda: page.document is not None and page.template_id == "petty-fraud",
                    timeout=WAIT_MS)
    settle(qtbot, page)
    assert page.problems == []  # the skeleton of a new template is valid from the start

    page.add_question("amount_known", QuestionType.YES_NO)
    choose(page, "amount_known")
    type_text(qtbot, field(page, "prompt-zh"), "你是否知道骗取财物的价值？")
    type_text(qtbot, field(page, "prompt-en"), "Do you know what the things were worth?")
    page.add_question("amount", QuestionType.NUMBER)
    choose(page, "amount")
    type_text(qtbot, field(page, "prompt-zh"), "大约值多少元？")
    type_text(qtbot, field(page, "prompt-en"), "About how many yuan?")
    type_text(qtbot, field(page, "show_if"), "amount_known")
    checked(qtbot, page)
    assert page.problems == [], [str(p) for p in page.problems]

    # Moving the new question up puts it before its sibling in the draft.
    choose(page, "amount")
    page.step_node(-1)
    ids = [item.id for item in page.document.outline()[1].children]
    assert ids.index("amount") < ids.index("amount_known")
    checked(qtbot, page)
    assert any("amount_known" in p.message for p in page.problems)  # used before it is asked
    page.step_node(1)
    checked(qtbot, page)
    assert page.problems == []

    answer("发布")
    page.publish()
    settle(qtbot, page)
    assert "已发布" in page.message.text(), page.message.text()
    with station.database.session(readonly=True) as session:
        published = get_version(session, "petty-fraud")
        assert published.version == 1 and "你是否知道骗取财物的价值？" in published.source

    # The party answers it at the kiosk.
    renderer = SilentRenderer()
    window = KioskWindow(station, SpeechPlayer(renderer), record=False)  # no camera here
    qtbot.addWidget(window)
    window.setFixedSize(1280, 800)
    apply_theme(window, height=800)
    window.show()
    case = open_sample_case(station, "petty-fraud", name="张三")
    driver = KioskDriver(qtbot, window)
    driver.enter_start_code(case.start_code)
    driver.choose_language("zh")
    driver.read_notice()
    driver.read_notice()
    driver.consent(True)
    from kiosk.samples import sample_party

    driver.identity(sample_party("zh"))
    answers = {"amount_known": True, "amount": 300}
    while window.state is not None and window.state.screen is not None:
        screen = window.state.screen
        driver.answer(answers.get(screen.path, True))
    assert driver.position == "@review"
    driver.next()
    driver.sign()
    with station.database.session(readonly=True) as session:
        answered = find_case(session, case.id)
        assert answered.status == "submitted"
        assert interview_of(session, answered, today=station.today(),
                            now=station.local_now().replace(tzinfo=None)
                            ).visible_answers()["amount"] == 300
    window.may_close = True
    window.close()
    window.operations.wait()


def test_a_wrong_expression_or_missing_translation_is_shown_next_to_its_field(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    new_fraud_template(qtbot, page)
    page.add_question("amount", QuestionType.NUMBER)
    choose(page, "amount")
    type_text(qtbot, field(page, "prompt-zh"), "大约值多少元？")
    form = page.form
    assert form is not None
    assert form.fields["prompt"].error.text() == "缺少翻译：English"  # flagged as typed

    type_text(qtbot, field(page, "show_if"), "amount >")
    assert form.fields["show_if"].error.text().startswith("表达式有误")  # before any check
    type_text(qtbot, field(page, "show_if"), "no_such_question > 1")
    checked(qtbot, page)
    assert "no_such_question" in form.fields["show_if"].error.text()
    assert form.fields["show_if"].error.isVisible()

    page.publish()  # refused before it asks anything: there is nothing to publish yet
    qtbot.waitUntil(lambda: "改正后才能发布" in page.message.text(), timeout=WAIT_MS)
    with station.database.session(readonly=True) as session:
        assert not session.query(TemplateVersion).filter_by(template_id="petty-fraud").all()

    type_text(qtbot, field(page, "prompt-en"), "About how many yuan?")
    field(page, "show_if").clear()
    checked(qtbot, page)
    assert not form.fields["prompt"].error.isVisible()
    assert page.problems == []


def test_the_read_aloud_button_speaks_the_text(qtbot, page: TemplateEditorPage,
                                               monkeypatch) -> None:
    new_fraud_template(qtbot, page)
    page.add_question("amount", QuestionType.NUMBER)
    choose(page, "amount")
    type_text(qtbot, field(page, "read_aloud-zh"), "请说出大约的金额。")
    renderer = SilentRenderer()
    page._speech = SpeechPlayer(renderer)  # this machine has no speakers
    button = page.form.findChild(QPushButton, "speak-read_aloud")
    button.click()
    qtbot.waitUntil(lambda: bool(renderer.requests), timeout=WAIT_MS)
    assert list(renderer.requests)[-1] == ("请说出大约的金额。", "zh")


def test_an_export_validates_and_imports_back_identical(qtbot, page: TemplateEditorPage,
                                                        station: Station, tmp_path: Path) -> None:
    page.refresh_versions()
    settle(qtbot, page)
    page._choose_version("minor-assault", SHIPPED_VERSION)
    target = tmp_path / "minor-assault.yaml"
    page.export_file(target)
    settle(qtbot, page)
    exported = target.read_text(encoding="utf-8")
    with station.database.session(readonly=True) as session:
        assert exported == get_version(session, "minor-assault", SHIPPED_VERSION).source
    validated = subprocess.run([sys.executable, "-m", "kiosk.cli", "template", "validate",
                                str(target)], capture_output=True, text=True, env=station.env)
    assert validated.returncode == 0, validated.stderr

    # Another station (its own database, without the template) imports it as a draft.
    other = open_station({**station.env, "KIOSK_DATABASE_URL":
                          f"sqlite:///{tmp_path / 'other.db'}"})
    seed_demo(other)
    with other.database.session() as session:  # a station that never had the template
        from sqlalchemy import delete

        session.execute(delete(TemplateVersion).where(
            TemplateVersion.template_id == "minor-assault"))
    editor = TemplateEditorPage(other, "admin", "zh")
    qtbot.addWidget(editor)
    editor.import_file(target)
    qtbot.waitUntil(lambda: editor.document is not None, timeout=WAIT_MS)
    settle(qtbot, editor)
    assert editor.document.source() == exported
    answer("发布")
    editor.publish()
    qtbot.waitUntil(lambda: "已发布" in editor.message.text(), timeout=WAIT_MS)
    settle(qtbot, editor)  # the version list it then reads again, before the test moves on
    with other.database.session(readonly=True) as session:
        assert get_version(session, "minor-assault").source == exported
    editor.operations.wait()
    other.database.dispose()


def test_a_case_keeps_its_version_when_a_new_one_is_published(
        qtbot, page: TemplateEditorPage, station: Station) -> None:
    case = open_sample_case(station, "minor-assault", name="张三")
    page.refresh_versions()
    settle(qtbot, page)
    page._choose_version("minor-assault", SHIPPED_VERSION)
    page.start_draft()
    qtbot.waitUntil(lambda: page.document is not None, timeout=WAIT_MS)
    settle(qtbot, page)
    choose(page, "admits_facts")
    type_text(qtbot, field(page, "prompt-zh"), "你是否承认打了人？")
    checked(qtbot, page)
    assert page.problems == []
    answer("发布")
    page.publish()
    qtbot.waitUntil(lambda: "已发布" in page.message.text(), timeout=WAIT_MS)
    settle(qtbot, page)  # the version list it then reads again, before the test moves on

    today, now = station.today(), station.local_now().replace(tzinfo=None)
    with station.database.session(readonly=True) as session:
        old = interview_of(session, find_case(session, case.id), today=today, now=now)
        assert find_case(session, case.id).template_version.version == SHIPPED_VERSION
    newer = open_sample_case(station, "minor-assault", name="李四")
    with station.database.session(readonly=True) as session:
        new = interview_of(session, find_case(session, newer.id), today=today, now=now)
        assert find_case(session, newer.id).template_version.version == NEXT_VERSION
    assert old.screen("admits_facts").prompt("zh") != "你是否承认打了人？"
    assert new.screen("admits_facts").prompt("zh") == "你是否承认打了人？"


def test_dragging_a_question_reorders_it_among_its_siblings_only(
        qtbot, page: TemplateEditorPage) -> None:
    new_fraud_template(qtbot, page)
    page.add_question("first_q", QuestionType.YES_NO)
    page.add_question("second_q", QuestionType.YES_NO)
    section = page.document.outline()[1]
    before = [child.id for child in section.children]
    assert before.index("first_q") < before.index("second_q")
    from PySide6.QtCore import QMimeData, QPointF, Qt
    from PySide6.QtGui import QDropEvent

    def item_of(question_id: str):
        path = page.document.path_of(question_id)
        for i in range(page.outline.topLevelItemCount()):
            found = page._find(page.outline.topLevelItem(i), path)
            if found is not None:
                return found
        raise AssertionError(question_id)

    def drop(moving: str, onto: str) -> None:
        page.outline.setCurrentItem(item_of(moving))
        target = page.outline.visualItemRect(item_of(onto)).center()
        event = QDropEvent(QPointF(target), Qt.DropAction.MoveAction, QMimeData(),
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        page.outline.dropEvent(event)

    drop("second_q", "first_q")
    after = [child.id for child in page.document.outline()[1].children]
    assert after.index("second_q") < after.index("first_q")
    section_id = page.document.outline()[1].id
    drop("second_q", section_id)  # onto the section line itself: not a sibling, refused
    assert [c.id for c in page.document.outline()[1].children] == after


def test_with_four_eyes_a_second_admin_approves_the_publication(
        qtbot, station: Station) -> None:
    from kiosk.station import with_settings

    first, second = two_admins(qtbot, with_settings(station, template_four_eyes=True))
    answer("提交申请")
    first.publish()
    settle(qtbot, first)
    assert "需另一名管理员批准" in first.message.text()
    assert not first.publish_button.isEnabled()  # the requester cannot approve
    with station.database.session(readonly=True) as session:
        assert get_version(session, "minor-assault").version == SHIPPED_VERSION

    open_draft_in(qtbot, second)
    assert second.publish_button.text() == "批准发布" and second.publish_button.isEnabled()
    answer("批准发布")
    second.publish()
    settle(qtbot, second)
    assert "已发布" in second.message.text(), second.message.text()
    with station.database.session(readonly=True) as session:
        assert get_version(session, "minor-assault").version == NEXT_VERSION
    first.operations.wait()


def test_a_calculated_value_is_written_checked_and_previewed(qtbot, page: TemplateEditorPage,
                                                            station: Station) -> None:
    new_fraud_template(qtbot, page)
    page.add_question("amount", QuestionType.NUMBER)
    choose(page, "amount")
    type_text(qtbot, field(page, "prompt-zh"), "大约值多少元？")
    type_text(qtbot, field(page, "prompt-en"), "About how many yuan?")
    page.add_question("large", QuestionType.TEXT)
    choose(page, "large")
    type_text(qtbot, field(page, "help-zh"), "一行提示")

    # Turned into a calculated value: the keys of an asked question go, the calculation comes.
    types = page.form.findChild(QComboBox, "field-type")
    types.setCurrentIndex(types.findData("calculate"))
    qtbot.waitUntil(lambda: page.form is not None and "calculation" in page.form.fields,
                    timeout=WAIT_MS)
    assert "help" not in page.form.fields
    assert "help" not in page.document.node(page.document.path_of("large"))

    type_text(qtbot, field(page, "calculation"), "amount >")
    assert page.form.fields["calculation"].error.text().startswith("表达式有误")
    type_text(qtbot, field(page, "calculation"), "amount >= 500")
    checked(qtbot, page)
    assert page.problems == [], [str(p) for p in page.problems]
    # With the sample answers (1 yuan) the preview says what it works out to.
    assert page.preview.note.isVisible()
    assert page.preview.note.text().endswith("它的值是：否"), page.preview.note.text()

    # The statement preview is the kiosk's review screen, built from the sample answers.
    page.preview.mode.setCurrentIndex(page.preview.mode.findData("statement"))
    assert page.preview.stack.currentWidget() is page.preview.review
    assert page.preview.review.isVisible()
    texts = [w.text() for w in page.preview.review.body.findChildren(QLabel)]
    # A question added in the editor prints its answer as a sentence (the default wording).
    assert "问：大约值多少元？" in texts and "答：1。" in texts, texts
    assert not any("large" in text for text in texts)  # a calculated value is not printed

    answer("发布")
    page.publish()
    settle(qtbot, page)
    with station.database.session(readonly=True) as session:
        published = get_version(session, "petty-fraud")
        assert "calculation: amount >= 500" in published.source


def test_an_autosave_never_overwrites_another_admins_save(qtbot, station: Station) -> None:
    from kiosk.template_drafts import get_draft

    first, second = two_admins(qtbot, station)
    open_draft_in(qtbot, second)

    def saved_text() -> str:
        with station.database.session(readonly=True) as session:
            return get_draft(session, "minor-assault").source

    choose(first, "hit_count")
    type_text(qtbot, field(first, "prompt-zh"), "第一位管理员的写法")
    qtbot.waitUntil(lambda: "第一位管理员的写法" in saved_text(), timeout=WAIT_MS)  # autosaved

    choose(second, "hit_count")
    type_text(qtbot, field(second, "prompt-zh"), "第二位管理员的写法")
    qtbot.waitUntil(lambda: second.save_conflict, timeout=WAIT_MS)  # its autosave was refused
    settle(qtbot, second)
    assert "admin" in second.message.text() and "保存草稿" in second.message.text()
    assert "第一位管理员的写法" in saved_text()  # the first admin's work is intact
    assert field(second, "prompt-zh").text() == "第二位管理员的写法"  # and the second's is kept

    second.save_button.click()  # the second admin chooses to keep theirs
    qtbot.waitUntil(lambda: "第二位管理员的写法" in saved_text(), timeout=WAIT_MS)
    settle(qtbot, second)
    assert not second.save_conflict
    first.operations.wait()


def test_changing_a_groups_type_asks_before_removing_its_questions(
        qtbot, page: TemplateEditorPage, monkeypatch) -> None:
    new_fraud_template(qtbot, page)
    page.add_question("victims", QuestionType.GROUP)
    group = page.document.path_of("victims")
    page.document.add_question((*group, "questions"), "victim_name", QuestionType.TEXT)
    page._rebuild_outline()
    choose(page, "victims")
    asked: list[str] = []

    def answer(reply: bool):
        def ask(_parent, _title, text, **_buttons) -> bool:
            asked.append(text)
            return reply
        return ask

    # No: nothing changes (this machine has no one to click; the answer is given here).
    monkeypatch.setattr(forms, "ask", answer(False))
    types = page.form.findChild(QComboBox, "field-type")
    types.setCurrentIndex(types.findData("text"))
    assert asked and "1 个子问题" in asked[-1]
    assert types.currentData() == "group"
    assert page.document.node(group)["type"] == "group"
    assert [q["id"] for q in page.document.node(group)["questions"]] == ["victim_name"]

    # Yes: the type changes and the group's questions go.
    monkeypatch.setattr(forms, "ask", answer(True))
    types.setCurrentIndex(types.findData("text"))
    qtbot.waitUntil(lambda: page.document.node(group)["type"] == "text", timeout=WAIT_MS)
    assert "questions" not in page.document.node(group)
