"""The template editor's dialogs: a new question, a new template, two versions compared."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk import template_drafts as drafts
from kiosk.station import Station
from kiosk.template_edit import suggest_id
from kiosk.template_model import QuestionType
from ui import theme
from ui.admin.editor.strings import tr


class NewQuestionDialog(QDialog):
    """The question to add: its prompt (in the admin's language), its id and its type.

    The id is made from the prompt as it is typed (pinyin for Chinese) until the admin types an
    id of their own."""

    def __init__(self, language: str, taken: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.taken = taken
        self.setWindowTitle(tr("add_question", language))
        self.prompt = QLineEdit()
        self.prompt.setObjectName("new-prompt")
        self.prompt.setPlaceholderText(tr("new_prompt_hint", language))
        self.question_id = QLineEdit()
        self.question_id.setObjectName("new-id")
        self.id_typed = False  # the admin's own id is never replaced
        self.question_id.textEdited.connect(lambda text: setattr(self, "id_typed", bool(text)))
        self.prompt.textChanged.connect(self._suggest)
        self.kind = QComboBox()
        for qtype in QuestionType:
            self.kind.addItem(tr(f"type_{qtype.value}", language), qtype.value)
        form = QFormLayout(self)
        form.addRow(tr("new_prompt", language), self.prompt)
        form.addRow(tr("new_id", language), self.question_id)
        form.addRow(tr("question_type", language), self.kind)
        ok = QPushButton(tr("ok", language))
        ok.setProperty("role", "primary")
        ok.clicked.connect(self.accept)
        form.addRow("", ok)
        self.setMinimumWidth(640)

    def _suggest(self, prompt: str) -> None:
        if not self.id_typed:
            self.question_id.setText(suggest_id(prompt, self.taken) if prompt.strip() else "")

    def values(self) -> tuple[str, QuestionType, str]:
        return (self.question_id.text().strip(), QuestionType(self.kind.currentData()),
                self.prompt.text().strip())


class NewTemplateDialog(QDialog):
    """The id and the titles of a new case type."""

    def __init__(self, languages: tuple[str, ...], language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("new_template", language))
        self.template_id = QLineEdit()
        self.titles = {code: QLineEdit() for code in languages}
        form = QFormLayout(self)
        form.addRow(tr("template_id", language), self.template_id)
        names = {"zh": "中文", "en": "English"}
        for code, edit in self.titles.items():
            form.addRow(tr("template_title", language, which=names.get(code, code)), edit)
        ok = QPushButton(tr("ok", language))
        ok.setProperty("role", "primary")
        ok.clicked.connect(self.accept)
        form.addRow("", ok)

    def values(self) -> tuple[str, dict[str, str]]:
        return (self.template_id.text().strip(),
                {code: edit.text().strip() for code, edit in self.titles.items()})


class DiffDialog(QDialog):
    """Two versions side by side as a unified diff, with the questions that changed first."""

    def __init__(self, station: Station, template_id: str, numbers: list[int],
                 pair: tuple[int, int], language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.template_id = template_id
        self.language = language
        self.setWindowTitle(tr("diff_title", language, id=template_id))
        self.old = QComboBox()
        self.new = QComboBox()
        for number in numbers:
            self.old.addItem(tr("version", language, n=number), number)
            self.new.addItem(tr("version", language, n=number), number)
        self.old.setCurrentIndex(self.old.findData(pair[0]))
        self.new.setCurrentIndex(self.new.findData(pair[1]))
        self.view = QTextBrowser()
        self.old.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new.currentIndexChanged.connect(lambda _i: self.refresh())
        close = QPushButton(tr("close", language))
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(self.old)
        top.addWidget(QLabel("→"))
        top.addWidget(self.new)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(1100, 760)
        self.refresh()

    def refresh(self) -> None:
        with self.station.database.session(readonly=True) as session:
            diff = drafts.diff_versions(session, self.template_id, self.old.currentData(),
                                        self.new.currentData())
        self.view.setHtml(diff_html(diff))
        self.diff = diff


def diff_html(diff: drafts.TemplateDiff) -> str:
    """The structured summary, then the text diff with added lines green and removed red."""
    parts = ["<div style='font-family:monospace;font-size:13px'>"]
    if diff.summary is not None and not diff.summary.is_empty:
        parts.append("<p>" + "<br>".join(html.escape(line) for line in diff.summary.describe())
                     + "</p><hr>")
    for line in diff.lines:
        text = html.escape(line.text)
        sign = line.kind
        colour = {"+": theme.GREEN, "-": theme.RED}.get(sign, theme.MUTED)
        background = {"+": theme.CALM_LIGHT, "-": theme.RED_LIGHT}.get(sign, "transparent")
        parts.append(f"<div style='color:{colour};background:{background};white-space:pre'>"
                     f"{html.escape(sign)} {text}</div>")
    parts.append("</div>")
    return "".join(parts)
