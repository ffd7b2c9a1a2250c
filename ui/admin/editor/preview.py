"""The right of the template editor: the real kiosk screens, on the draft.

The same `QuestionScreen` and `ReviewScreen` the party sees, with the kiosk's stylesheet, fed an
`Interview` of the draft template with the sample answers (so questions shown only after other
answers can be seen too). "Question" shows the chosen question as the party meets it; a question
hidden even then says under which condition it shows, and a calculated value says what it works
out to. "Statement" shows the whole statement as the party reviews it before signing, built from
the sample answers with the draft's statement wording.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QResizeEvent, QTransform
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from kiosk.answer_types import display_value
from kiosk.interview import Interview, Party
from kiosk.party import REVIEW, PartyState
from kiosk.samples import SAMPLE_BIRTH_DATE, sample_flat_answers
from kiosk.template_model import Template
from ui import theme
from ui.admin.editor.strings import tr
from ui.kiosk.screens import QuestionScreen, ReviewScreen

PREVIEW_SIZE = QSize(1280, 800)  # the smaller kiosk panel


class ScaledPanel(QGraphicsView):
    """A widget laid out at the kiosk panel's real size, shown scaled down to fit: the screen
    reads as it will on the kiosk (its line breaks, its scrolling) and stays usable."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.setScene(QGraphicsScene(self))
        panel.setFixedSize(PREVIEW_SIZE)
        self.scene().addWidget(panel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setMinimumSize(PREVIEW_SIZE.width() // 4, PREVIEW_SIZE.height() // 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        scale = min(self.viewport().width() / PREVIEW_SIZE.width(),
                    self.viewport().height() / PREVIEW_SIZE.height())
        self.setTransform(QTransform.fromScale(scale, scale))


class PreviewPane(QWidget):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.title = QLabel(tr("preview", language))
        self.title.setProperty("role", "subtitle")
        self.kiosk_language = QComboBox()
        self.kiosk_language.setObjectName("preview-language")
        self.kiosk_language.currentIndexChanged.connect(lambda _i: self._redraw())
        self.mode = QComboBox()
        self.mode.setObjectName("preview-mode")
        self.mode.addItem(tr("preview_question", language), "question")
        self.mode.addItem(tr("preview_statement", language), "statement")
        self.mode.currentIndexChanged.connect(lambda _i: self._redraw())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setProperty("role", "notice")
        self.note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.note.hide()
        self.frame = QFrame()
        self.frame.setObjectName("KioskPreview")
        self.stack = QStackedLayout(self.frame)
        self.stack.setContentsMargins(0, 0, 0, 0)
        self.screen = QuestionScreen()
        self.review = ReviewScreen()
        self.stack.addWidget(self.screen)
        self.stack.addWidget(self.review)
        # The kiosk's stylesheet on the preview only (apply_theme would restyle the whole app).
        self.frame.setStyleSheet(theme.stylesheet(theme.metrics_for(PREVIEW_SIZE.height(),
                                                                     96.0)))
        self.panel = ScaledPanel(self.frame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        choices = QHBoxLayout()
        choices.addWidget(self.mode, 1)
        choices.addWidget(self.kiosk_language, 1)
        layout.addLayout(choices)
        layout.addWidget(self.note)
        layout.addWidget(self.panel, 1)
        layout.addStretch(0)  # keeps the note at the top while the panel is hidden
        self.template: Template | None = None
        self.path: str | None = None
        self._answers: dict[str, object] = {}

    def show_question(self, template: Template | None, path: str | None) -> None:
        """The question `path` of a valid draft; None: the draft does not validate now."""
        if template is not None and template is not self.template:
            languages = list(template.languages)
            current = self.kiosk_language.currentData()
            self.kiosk_language.blockSignals(True)
            self.kiosk_language.clear()
            for code in languages:
                self.kiosk_language.addItem({"zh": "中文", "en": "English"}.get(code, code), code)
            self.kiosk_language.setCurrentIndex(max(self.kiosk_language.findData(current), 0))
            self.kiosk_language.blockSignals(False)
            today = datetime.now().date()
            try:
                self._answers = sample_flat_answers(template, languages[0], today)
            except Exception:  # a draft whose samples cannot be found still previews
                self._answers = {}
        self.template = template
        self.path = path
        self._redraw()

    def _redraw(self) -> None:
        template, path = self.template, self.path
        if template is None:
            self._say(tr("preview_invalid", self.language))
            return
        language = self.kiosk_language.currentData() or template.languages[0]
        if self.mode.currentData() == "statement":
            self._show(self.review, self._interview(template, None), REVIEW, language)
            return
        if path is None:
            self._say(tr("preview_choose", self.language))
            return
        # Answers of this question and after it are left out, so it shows unanswered.
        interview = self._interview(template, path)
        calculated = interview.calculated()
        if path in calculated:
            value = calculated[path]
            shown = display_value(value, language) if value is not None else "—"
            self._say(tr("preview_calculated", self.language, value=shown))
            return
        if path not in {screen.path for screen in interview.screens}:
            question = next((q for _, q in template.top_questions() if q.id == path), None)
            condition = question.show_if.source if question and question.show_if else "—"
            self._say(tr("preview_hidden", self.language, condition=condition))
            return
        self._show(self.screen, interview, path, language)

    def _interview(self, template: Template, until: str | None) -> Interview:
        """The draft's interview with the sample answers given before `until` (None: all)."""
        now = datetime.now()
        interview = Interview(template, {}, Party(SAMPLE_BIRTH_DATE, "male", "CHN"), now.date(),
                              now)
        for screen_path, value in self._answers.items():
            if screen_path == until:
                break
            try:
                interview = interview.with_answer(screen_path, value)
            except Exception:
                break
        return interview

    def _show(self, screen: QWidget, interview: Interview, position: str, language: str) -> None:
        state = PartyState(case_id="preview", status="in_progress", language=language,
                           position=position, interview=interview, party={}, party_name="")
        self.note.hide()
        self.panel.show()
        self.stack.setCurrentWidget(screen)
        screen.show_state(state, language)  # type: ignore[attr-defined]

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.panel.setVisible(False)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft)
