"""The middle of the template editor: the form of the node chosen in the tree.

Every field writes straight into the `TemplateDocument` and says so (`edited`); the page then
checks the whole draft with the loader and hands each problem back to the field it is about
(`show_problems`). Expressions are also parsed as they are typed, for an instant message.
Texts have one box per language of the template; a language left empty is flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.expressions import ExpressionError, parse_expression
from kiosk.template_edit import EXPRESSION_KEYS, NUMBER_KEYS, Path, TemplateDocument
from kiosk.template_loader import TemplateProblem
from kiosk.template_model import CHOICE_TYPES, QuestionType
from ui.admin.editor.strings import problem_words, tr
from ui.widgets.fields import error_label as _error_label
from ui.widgets.fields import mark_invalid as _mark

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
TEXT_FIELDS = ("prompt", "help", "read_aloud", "constraint_message", "item_label", "title",
               "reason", "description", "legal_basis")


def ask(parent: QWidget, title: str, text: str, *, yes: str, no: str) -> bool:
    """A yes/no question with buttons worded in the window's language; No is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    agree = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(no, QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is agree


class Field(QWidget):
    """One labelled field with its error line underneath."""

    def __init__(self, key: str, editors: list[QWidget], extra: QWidget | None = None, *,
                 tags: list[str] | None = None) -> None:
        super().__init__()
        self.key = key
        self.editors = editors
        self.error = _error_label()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if tags:  # a text: one line per language, each with its language named
            for tag, editor in zip(tags, editors, strict=True):
                row = QHBoxLayout()
                label = QLabel(tag)
                label.setProperty("role", "help")
                label.setFixedWidth(56)
                row.addWidget(label)
                row.addWidget(editor, 1)
                column.addLayout(row)
            if extra is not None:
                column.addWidget(extra, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            row = QHBoxLayout()
            row.setSpacing(6)
            for editor in editors:
                row.addWidget(editor, 1)
            if extra is not None:
                row.addWidget(extra)
            column.addLayout(row)
        column.addWidget(self.error)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        for editor in self.editors:
            _mark(editor, bool(message))


class NodeForm(QWidget):
    """The fields of one node (template, section, question or exclusion)."""

    edited = Signal()
    speak = Signal(str, str)  # text, language

    def __init__(self, document: TemplateDocument, path: Path, kind: str, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.path = path
        self.kind = kind
        self.language = language
        self.fields: dict[str, Field] = {}
        self.general = _error_label()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addLayout(self.form)
        layout.addStretch(1)
        if kind == "template":
            self._template_fields()
        elif kind == "section":
            self._line("id")
            self._text("title")
            self._expression("show_if")
        elif kind == "exclusion":
            self._line("id")
            self._expression("when")
            self._text("reason")
        elif kind == "question":
            self._question_fields()

    # -- building ------------------------------------------------------------------------

    def _add(self, key: str, field: Field) -> Field:
        self.fields[key] = field
        self.form.addRow(tr(f"field_{key}", self.language), field)
        return field

    def _line(self, key: str, *, read_only: bool = False) -> QLineEdit:
        edit = QLineEdit(str(self.document.get(self.path, key) or ""))
        edit.setReadOnly(read_only)
        edit.setObjectName(f"field-{key}")

        def changed(text: str) -> None:
            self.document.set(self.path, key, text.strip() or None)
            self.edited.emit()

        if not read_only:
            edit.textChanged.connect(changed)
        self._add(key, Field(key, [edit]))
        return edit

    def _number(self, key: str) -> QLineEdit:
        """A number field: stored as a number (1, not "1"), and refused here at once when what
        is typed is not one."""
        value = self.document.get(self.path, key)
        edit = QLineEdit("" if value is None else str(value))
        edit.setObjectName(f"field-{key}")
        field = self._add(key, Field(key, [edit]))

        def changed(text: str) -> None:
            self.document.set_number(self.path, key, text)
            field.show_error(self._number_error(key))
            self.edited.emit()

        edit.textChanged.connect(changed)
        return edit

    def _number_error(self, key: str) -> str | None:
        value = self.document.get(self.path, key)
        if value is None or isinstance(value, int | float):
            return None
        return tr("not_a_number", self.language)

    def _language_edits(self, path: Path, key: str, name: str,
                        then: Callable[[], None] | None = None) -> list[QLineEdit]:
        """One line per language of the text `key` of the node at `path` (`field-NAME-LANG`)."""
        current = self.document.text(path, key)
        edits = []
        for lang in self.document.languages:
            edit = QLineEdit(current.get(lang, ""))
            edit.setCursorPosition(0)  # show a long text from its start
            edit.setPlaceholderText(LANGUAGE_NAMES.get(lang, lang))
            edit.setObjectName(f"field-{name}-{lang}")
            edit.textChanged.connect(self._text_setter(path, key, lang, then))
            edits.append(edit)
        return edits

    def _text(self, key: str, *, speakable: bool = False) -> None:
        edits = self._language_edits(self.path, key, key, lambda: self.flag_translations(key))
        extra = None
        if speakable:
            extra = QPushButton(tr("speak", self.language))
            extra.setObjectName(f"speak-{key}")
            extra.clicked.connect(lambda: self._speak(key))
        tags = [LANGUAGE_NAMES.get(x, x) for x in self.document.languages]
        self._add(key, Field(key, edits, extra, tags=tags))
        self.flag_translations(key)

    def _text_setter(self, path: Path, key: str, lang: str,
                     then: Callable[[], None] | None) -> Callable[[str], None]:
        def changed(text: str) -> None:
            self.document.set_text(path, key, lang, text)
            if then is not None:
                then()
            self.edited.emit()

        return changed

    def _speak(self, key: str) -> None:
        text = self.document.text(self.path, key)
        spoken = text or self.document.text(self.path, "prompt")
        lang = next((x for x in self.document.languages if spoken.get(x)), None)
        if lang is not None:
            self.speak.emit(spoken[lang], lang)

    def _expression(self, key: str) -> QLineEdit:
        edit = QLineEdit(str(self.document.get(self.path, key) or ""))
        edit.setObjectName(f"field-{key}")
        edit.setPlaceholderText(tr("expression_hint", self.language))
        field = self._add(key, Field(key, [edit]))

        def changed(text: str) -> None:
            # Stored even when wrong, so nothing typed is lost; the draft will not publish.
            self.document.set(self.path, key, text.strip() or None)
            field.show_error(self._syntax_error(key))
            self.edited.emit()

        edit.textChanged.connect(changed)
        return edit

    def _check(self, key: str, default: bool) -> QCheckBox:
        box = QCheckBox()
        value = self.document.get(self.path, key)
        box.setChecked(default if value is None else bool(value))
        box.setObjectName(f"field-{key}")

        def changed(on: bool) -> None:
            self.document.set(self.path, key, None if on == default else on)
            self.edited.emit()

        box.toggled.connect(changed)
        self._add(key, Field(key, [box]))
        return box

    def _template_fields(self) -> None:
        self._line("id", read_only=True)
        self._line("version", read_only=True)
        self._text("title")
        self._text("description")
        self._text("legal_basis")

    def _question_fields(self) -> None:
        kind = str(self.document.get(self.path, "type") or "")
        self._line("id")
        types = QComboBox()
        types.setObjectName("field-type")
        for qtype in QuestionType:
            types.addItem(f"{tr(f'type_{qtype.value}', self.language)}  ({qtype.value})",
                          qtype.value)
        types.setCurrentIndex(max(types.findData(kind), 0))

        def type_changed(_index: int) -> None:
            new = QuestionType(types.currentData())
            drops = self.document.retype_drops(self.path, new)
            if drops and not self._confirm_drops(drops, new):
                types.blockSignals(True)  # back to the type it has; nothing changed
                types.setCurrentIndex(max(types.findData(kind), 0))
                types.blockSignals(False)
                return
            self.document.retype(self.path, new)
            self.edited.emit()
            # After this signal returns: the page rebuilds the form, deleting this combo box.
            QTimer.singleShot(0, self, self.retype.emit)

        types.currentIndexChanged.connect(type_changed)
        self._add("type", Field("type", [types]))
        if kind == QuestionType.CALCULATE:
            self._calculated_fields()
            return
        self._text("prompt")
        self._text("help")
        self._text("read_aloud", speakable=True)
        self._check("required", True)
        self._expression("show_if")
        if kind not in (QuestionType.GROUP, QuestionType.CONFIRMATION):
            self._expression("constraint")
            self._text("constraint_message")
        if kind in (QuestionType.NUMBER, QuestionType.TEXT, QuestionType.LONG_TEXT,
                    QuestionType.MULTIPLE_CHOICE):
            self._number("min")
            self._number("max")
        if kind in CHOICE_TYPES:
            self._choices()
        if kind == QuestionType.GROUP:
            self._expression("repeat_count")
            self._number("max_items")
            self._text("item_label")
        else:
            self._statement(kind)

    retype = Signal()  # the question's type changed: the page rebuilds the form

    def _confirm_drops(self, drops: dict[str, int], new: QuestionType) -> bool:
        """Asks before a type change removes a group's questions or the choices."""
        between = "、" if self.language == "zh" else " and "
        what = between.join(tr(f"drops_{key}", self.language, n=n) for key, n in drops.items())
        return ask(self, tr("retype_title", self.language),
                   tr("retype_drops", self.language, what=what,
                      type=tr(f"type_{new.value}", self.language)),
                   yes=tr("retype_yes", self.language), no=tr("cancel", self.language))

    def _calculated_fields(self) -> None:
        """A calculated value: its name (the prompt, for the admin and the officer), when it
        applies and its calculation; nothing about asking or printing."""
        explain = QLabel(tr("calculate_help", self.language))
        explain.setWordWrap(True)
        explain.setProperty("role", "help")
        self.form.addRow(explain)
        self._text("prompt")
        self._expression("show_if")
        self._expression("calculation")

    def _choices(self) -> None:
        langs = self.document.languages
        table = QTableWidget(0, 1 + len(langs))
        table.setObjectName("field-choices")
        table.setHorizontalHeaderLabels(["id", *(LANGUAGE_NAMES.get(x, x) for x in langs)])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        for choice_id, label in self.document.choices(self.path):
            self._choice_row(table, [choice_id, *(label.get(x, "") for x in langs)])
        table.setMinimumHeight(160)

        def changed(*_args: Any) -> None:
            rows = []
            for row in range(table.rowCount()):
                cells = [(table.item(row, c).text() if table.item(row, c) else "").strip()
                         for c in range(table.columnCount())]
                if any(cells):
                    rows.append((cells[0], dict(zip(langs, cells[1:], strict=True))))
            self.document.set_choices(self.path, rows)
            self.edited.emit()

        table.itemChanged.connect(changed)
        add = QPushButton(tr("add_choice", self.language))
        add.setObjectName("add-choice")
        add.clicked.connect(lambda: self._choice_row(table, [""] * table.columnCount()))
        remove = QPushButton(tr("remove_choice", self.language))
        remove.clicked.connect(lambda: (table.removeRow(table.currentRow()), changed()))
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(table)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.choices_table = table
        self._add("choices", Field("choices", [box]))

    @staticmethod
    def _choice_row(table: QTableWidget, cells: list[str]) -> None:
        row = table.rowCount()
        table.blockSignals(True)
        table.insertRow(row)
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
        table.blockSignals(False)

    def _statement(self, kind: str) -> None:
        """The statement wording: how this question and its answer read in the printed record.

        Every printed question has these fields; a new question starts with the default wording
        (kiosk/template_edit.py), an empty one prints the prompt and the bare answer."""
        statement = self.document.get(self.path, "statement")
        included = QCheckBox(tr("in_statement", self.language))
        included.setObjectName("field-in-statement")
        included.setChecked(statement is not False)

        def include(on: bool) -> None:
            # Off: `statement: false` leaves the question out of the record; on: the default.
            self.document.set(self.path, "statement", None if on else False)
            if on:
                self.document.fill_statement(self.path)
            self.edited.emit()
            QTimer.singleShot(0, self, self.retype.emit)  # the page rebuilds the form

        included.toggled.connect(include)
        self._add("statement", Field("statement", [included]))
        if statement is False:
            return
        base = (*self.path, "statement")
        prompt = self.document.text(self.path, "prompt")
        # A yes/no answer is printed whole from its own wording (yes or no), never `answer`.
        keys = ("question", "yes", "no") if kind == QuestionType.YES_NO else ("question", "answer")
        for key in keys:
            edits = self._language_edits(base, key, f"statement-{key}")
            for lang, edit in zip(self.document.languages, edits, strict=True):
                if key == "question":  # left empty, the record asks the prompt
                    edit.setPlaceholderText(prompt.get(lang) or tr("same_as_prompt", lang))
                elif key == "answer":
                    edit.setPlaceholderText("{answer}")
            field = Field(f"statement.{key}", edits,
                          tags=[LANGUAGE_NAMES.get(x, x) for x in self.document.languages])
            self.fields[f"statement.{key}"] = field
            self.form.addRow(tr(f"field_statement_{key}", self.language), field)

    # -- messages --------------------------------------------------------------------------

    def flag_translations(self, key: str) -> None:
        field = self.fields.get(key)
        if field is None:
            return
        missing = self.document.missing_translations(self.path, key)
        if missing:
            names = "、".join(LANGUAGE_NAMES.get(x, x) for x in missing)
            field.show_error(tr("missing_translation", self.language, languages=names))
        else:
            field.show_error(None)

    def show_problems(self, problems: list[tuple[str | None, TemplateProblem]]) -> None:
        """The loader's problems about this node, in the admin's language: under their field,
        or above the form."""
        by_key: dict[str, str] = {}
        general: list[str] = []
        for key, problem in problems:
            if key is not None and key in self.fields:
                by_key.setdefault(key, problem_words(problem, self.language))
            else:
                general.append(problem_words(problem, self.language))
        for key, field in self.fields.items():
            if key in TEXT_FIELDS and self.document.missing_translations(self.path, key):
                self.flag_translations(key)  # in the admin's language, not the loader's
            elif key in by_key:
                field.show_error(by_key[key])
            elif key in EXPRESSION_KEYS:
                field.show_error(self._syntax_error(key))
            elif key in NUMBER_KEYS:
                field.show_error(self._number_error(key))
            elif key in TEXT_FIELDS:
                self.flag_translations(key)
            else:
                field.show_error(None)
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))

    def _syntax_error(self, key: str) -> str | None:
        text = str(self.document.get(self.path, key) or "").strip()
        try:
            if text:
                parse_expression(text)
        except ExpressionError as exc:
            return tr("bad_expression", self.language, why=exc.text(self.language))
        return None
