"""The right of the template editor: the real kiosk question screen, on the draft.

The same `QuestionScreen` the party sees, with the kiosk's stylesheet, fed an `Interview` of the
draft template with the sample answers (so questions shown only after other answers can be seen
too). A question hidden even then says under which condition it shows.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.interview import Interview, Party
from kiosk.party import PartyState
from kiosk.samples import SAMPLE_BIRTH_DATE, sample_flat_answers
from kiosk.template_model import Template
from ui import theme
from ui.admin.editor.strings import tr
from ui.kiosk.screens import QuestionScreen

PREVIEW_HEIGHT = 800  # sized as the smaller kiosk panel (1280x800)


class PreviewPane(QWidget):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.title = QLabel(tr("preview", language))
        self.title.setProperty("role", "subtitle")
        self.kiosk_language = QComboBox()
        self.kiosk_language.currentIndexChanged.connect(lambda _i: self._redraw())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setProperty("role", "notice")
        self.note.hide()
        self.frame = QFrame()
        self.frame.setObjectName("KioskPreview")
        frame_layout = QVBoxLayout(self.frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        self.screen = QuestionScreen()
        frame_layout.addWidget(self.screen)
        # The kiosk's stylesheet on the preview only (apply_theme would restyle the whole app).
        self.frame.setStyleSheet(theme.stylesheet(theme.metrics_for(PREVIEW_HEIGHT, 96.0)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.kiosk_language)
        layout.addWidget(self.note)
        layout.addWidget(self.frame, 1)
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
        if path is None:
            self._say("")
            return
        language = self.kiosk_language.currentData() or template.languages[0]
        now = datetime.now()
        # Answers of this question and after it are left out, so it shows unanswered.
        interview = Interview(template, {}, Party(SAMPLE_BIRTH_DATE, "male", "CHN"), now.date(),
                              now)
        for screen_path, value in self._answers.items():
            if screen_path == path:
                break
            try:
                interview = interview.with_answer(screen_path, value)
            except Exception:
                break
        visible = {screen.path for screen in interview.screens}
        if path not in visible:
            question = next((q for _, q in template.top_questions() if q.id == path), None)
            condition = question.show_if.source if question and question.show_if else "—"
            self._say(tr("preview_hidden", self.language, condition=condition))
            return
        state = PartyState(case_id="preview", status="in_progress", language=language,
                           position=path, interview=interview, party={}, party_name="")
        self.note.hide()
        self.frame.show()
        self.screen.show_state(state, language)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.frame.setVisible(not text and self.path is not None)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft)
