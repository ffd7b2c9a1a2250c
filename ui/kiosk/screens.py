"""The kiosk's screens. Each shows one thing and reports what the party did as an intent.

A screen never talks to the database: it emits `intent(action, payload)` and the window runs
the matching `PartySession` call in the background, then shows the state that comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.interview import ReviewItem, Screen
from kiosk.notices import Notice
from kiosk.party import NOTICE, PartyState
from kiosk.penalty_notice import GROUNDS
from kiosk.template_model import QuestionType, text_in
from ui.kiosk.inputs import AnswerInput, answer_input
from ui.kiosk.keyboard import mark_digits, mark_text
from ui.kiosk.strings import tr
from ui.widgets import ChoiceCards, DigitKeypad, SignaturePad, YesNo
from ui.widgets.touch import kinetic


def label(text: str = "", role: str | None = None, *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    if role:
        widget.setProperty("role", role)
    return widget


def error_label() -> QLabel:
    widget = label("", "error")
    widget.hide()
    return widget


def paper_body() -> QWidget:
    """The white sheet inside a scrolling paper frame (statement, notices)."""
    body = QWidget()
    body.setProperty("role", "paper-body")
    body.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    return body


def beside_keypad(layout: QVBoxLayout, keypad: QWidget, *items: QWidget | QHBoxLayout) -> None:
    """The field and its messages on the left, the keypad on the right, both from the top.

    Stacked one above the other, the title, the field, a two-line message and four rows of keys
    need more height than a 1080-row screen has between its header and footer.
    """
    left = QWidget()  # a widget, not a layout: the narrow field must not narrow the column
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(layout.spacing())
    for item in items:
        if isinstance(item, QWidget):
            column.addWidget(item)
        else:
            column.addLayout(item)
    column.addStretch(1)
    row = QHBoxLayout()
    row.setSpacing(64)
    row.addWidget(left, 1)
    row.addWidget(keypad, 0, Qt.AlignmentFlag.AlignTop)
    layout.addLayout(row, 1)


def show_error(widget: QLabel, text: str) -> None:
    widget.setText(text)
    widget.setVisible(bool(text))


class KioskScreen(QWidget):
    """A screen of the party's kiosk; the window shows the footer buttons it asks for."""

    intent = Signal(str, object)
    next_key: str | None = "next"   # the label of the footer's Next button, or None: hidden
    has_back = False

    def __init__(self) -> None:
        super().__init__()
        self.language = "zh"
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(64, 32, 64, 24)
        self.layout_.setSpacing(20)

    def show_state(self, state: PartyState | None, language: str) -> None:
        self.language = language

    def set_compact(self, compact: bool) -> None:
        """Less margin above and below while the keys are open: every row counts then."""
        top, bottom = (8, 8) if compact else (32, 24)
        self.layout_.setContentsMargins(64, top, 64, bottom)

    def speech(self) -> str:
        """What is read aloud when the screen appears (and on Replay)."""
        return ""

    def next_enabled(self) -> bool:
        return True

    def on_next(self) -> None:
        """The footer's Next was pressed."""

    def show_problem(self, text: str, field: str | None = None) -> None:
        """A message from the engine about what the party entered (shown next to the field)."""


class IdleScreen(KioskScreen):
    """The station's waiting screen: no personal data, one Start button."""

    next_key = None

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("", "help")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start = QPushButton()
        self.start.setProperty("role", "primary")
        self.start.setMinimumWidth(480)
        self.start.clicked.connect(lambda: self.intent.emit("start", None))
        self.layout_.addStretch(2)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.hint)
        self.layout_.addSpacing(48)
        self.layout_.addWidget(self.start, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(3)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(f"{tr('idle_title', 'zh')}\n{tr('idle_title', 'en')}")
        self.hint.setText(f"{tr('idle_hint', 'zh')}\n{tr('idle_hint', 'en')}")
        self.start.setText(tr("start", "zh"))


class StartCodeScreen(KioskScreen):
    """The party types the 6-digit start code the officer gave them."""

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.help = label("", "help")
        self.code = QLineEdit()
        self.code.setMaxLength(6)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setProperty("role", "code")
        self.code.setMaximumWidth(520)
        self.error = error_label()
        self.keypad = DigitKeypad(self.code)
        self.keypad.setMaximumWidth(520)
        self.code.returnPressed.connect(self.on_next)
        beside_keypad(self.layout_, self.keypad, self.title, self.help, self.code, self.error)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(f"{tr('code_title', 'zh')}\n{tr('code_title', 'en')}")
        self.help.setText(f"{tr('code_help', 'zh')}\n{tr('code_help', 'en')}")
        self.code.clear()
        show_error(self.error, "")
        self.keypad.set_labels(clear_text=tr("clear", "zh"), backspace_text="⌫")

    def speech(self) -> str:
        return tr("code_title", "zh") + "。" + tr("code_help", "zh")

    def on_next(self) -> None:
        text = self.code.text().strip()
        if len(text) != 6 or not text.isdigit():
            show_error(self.error, f"{tr('code_short', 'zh')}  {tr('code_short', 'en')}")
            return
        self.intent.emit("code", text)

    def show_problem(self, text: str, field: str | None = None) -> None:
        show_error(self.error, text)


class LanguageScreen(KioskScreen):
    """The party picks the language of the whole interview."""

    next_key = None

    def __init__(self, languages: tuple[str, ...]) -> None:
        super().__init__()
        names = {"zh": "中文", "en": "English"}
        self.title = label("", "question")
        self.cards = ChoiceCards([(code, names.get(code, code)) for code in languages])
        self.cards.changed.connect(self._chosen)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.cards)
        self.layout_.addStretch(1)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(tr("language_title", language))
        self.cards.set_value(None)

    def speech(self) -> str:
        return "请选择语言。Please choose your language."

    def _chosen(self, value: Any) -> None:
        if value:
            self.intent.emit("language", value)


class NoticeScreen(KioskScreen):
    """A notice (fast-track terms, rights) that must be scrolled to the end before going on."""

    next_key = "i_have_read"

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.notice: Notice | None = None
        self.title = label("", "title")
        self.hint = label("", "help")
        self.body = paper_body()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(40, 32, 40, 32)
        self.body_layout.setSpacing(18)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.scroll.setProperty("role", "paper")
        kinetic(self.scroll)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.scroll.verticalScrollBar().rangeChanged.connect(self._scrolled)
        self.has_read_to_end = False
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addWidget(self.hint)

    def set_notice(self, notice: Notice) -> None:
        self.notice = notice

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        if self.notice is None:
            return
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.title.setText(text_in(self.notice.title, language))
        for paragraph in self.notice.paragraphs:
            self.body_layout.addWidget(label(text_in(paragraph, language), "document"))
        self.body_layout.addWidget(label(text_in(self.notice.acknowledgement, language),
                                         "question"))
        self.body_layout.addStretch(1)
        self.hint.setText(tr("read_to_end", language))
        self.has_read_to_end = False
        self.scroll.verticalScrollBar().setValue(0)
        QTimer.singleShot(0, self._scrolled)  # a notice that fits needs no scrolling

    def _scrolled(self, *_args: object) -> None:
        bar = self.scroll.verticalScrollBar()
        if bar.value() >= bar.maximum():
            self.has_read_to_end = True
            self.hint.setText("")
        window = self.window()
        if hasattr(window, "refresh_footer"):
            window.refresh_footer()

    def next_enabled(self) -> bool:
        return self.has_read_to_end

    def speech(self) -> str:
        return self.notice.text(self.language) if self.notice else ""

    def on_next(self) -> None:
        if self.has_read_to_end:
            self.intent.emit(self.action, None)


class ConsentScreen(KioskScreen):
    """Does the party agree to the fast-track? Declining hands the case to the officer."""

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.help = label("", "help")
        self.choice = YesNo()
        self.error = error_label()
        self.choice.changed.connect(lambda _v: show_error(self.error, ""))
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.help)
        self.layout_.addWidget(self.choice)
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(tr("consent_title", language))
        self.help.setText(tr("consent_help", language))
        self.choice.set_labels(tr("consent_yes", language), tr("consent_no", language))
        self.choice.set_value(None)

    def speech(self) -> str:
        return tr("consent_title", self.language) + tr("consent_help", self.language)

    def on_next(self) -> None:
        if self.choice.value() is None:
            show_error(self.error, tr("required", self.language))
            return
        self.intent.emit("consent", self.choice.value())


IDENTITY_TEXT_FIELDS = ("name", "phone", "address", "household_registration", "employer")


class IdentityScreen(KioskScreen):
    """The party's identity: name (as the officer recorded it), document, contact details."""

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.fields: dict[str, QLineEdit] = {}
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        form = paper_body()
        grid = QGridLayout(form)
        grid.setContentsMargins(32, 24, 32, 24)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        # Two columns: six document types in one would push the number below the fold.
        self.document_type = ChoiceCards([(t.value, "") for t in DocumentType], columns=2)
        row = 0
        for key in ("name", "document_type", "document_number", "birth_date", "sex",
                    "nationality", *IDENTITY_TEXT_FIELDS[1:]):
            caption = label("", "help")
            self.captions[key] = caption
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            if key == "document_type":
                grid.addWidget(self.document_type, row, 1)
            elif key == "sex":
                self.sex = ChoiceCards([("male", ""), ("female", "")], columns=2)
                grid.addWidget(self.sex, row, 1)
            else:
                editor = QLineEdit()
                self.fields[key] = editor
                grid.addWidget(editor, row, 1)
            self.errors[key] = error_label()
            grid.addWidget(self.errors[key], row + 1, 1)
            row += 2
        grid.setColumnStretch(1, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(form)
        kinetic(self.scroll)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.scroll, 1)
        mark_digits(self.fields["phone"])
        self.document_type.changed.connect(lambda _v: self._update_optional())

    def _update_optional(self) -> None:
        """Birth date, sex and nationality only for documents whose number lacks them; the
        digit keys (with X) for a resident ID's number, letters for the others'."""
        kind = self.document_type.value()
        number = self.fields["document_number"]
        if kind == DocumentType.RESIDENT_ID.value:
            mark_digits(number, allow_x=True)  # GB 11643: 17 digits and a check digit or X
        else:
            mark_text(number, latin=True)  # passports and permits carry letters
        window = self.window()
        if number.hasFocus() and hasattr(window, "follow_focus"):
            window.follow_focus(number)
        needs_birth = kind in ("passport", "home_return_permit")
        for key in ("birth_date", "sex"):
            self.captions[key].setVisible(needs_birth)
        self.fields["birth_date"].setVisible(needs_birth)
        self.sex.setVisible(needs_birth)
        self.captions["nationality"].setVisible(kind == "passport")
        self.fields["nationality"].setVisible(kind == "passport")

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(tr("identity_title", language))
        captions = {"document_type": tr("document_type", language),
                    "document_number": tr("document_number", language),
                    "birth_date": "出生日期（年-月-日）" if language == "zh" else
                    "Date of birth (YYYY-MM-DD)",
                    "sex": "性别" if language == "zh" else "Sex"}
        for key, caption in self.captions.items():
            caption.setText(captions.get(key) or tr(key, language))
        self.document_type.set_choices([(t.value, text_in(DOCUMENT_TYPE_LABELS[t], language))
                                        for t in DocumentType])
        self.sex.set_choices([("male", "男" if language == "zh" else "Male"),
                              ("female", "女" if language == "zh" else "Female")])
        party = dict(state.party) if state else {}
        self.fields["name"].setText(party.get("name") or (state.party_name if state else ""))
        document = party.get("document") or {}
        self.document_type.set_value(document.get("type") or DocumentType.RESIDENT_ID.value)
        self.fields["document_number"].setText(document.get("number", ""))
        for key in IDENTITY_TEXT_FIELDS[1:]:
            self.fields[key].setText(party.get(key) or "")
        for error in self.errors.values():
            show_error(error, "")
        self._update_optional()

    def value(self) -> dict[str, Any]:
        kind = self.document_type.value() or ""
        raw: dict[str, Any] = {
            "name": self.fields["name"].text(),
            "document": {"type": kind, "number": self.fields["document_number"].text()},
        }
        for key in IDENTITY_TEXT_FIELDS[1:]:
            raw[key] = self.fields[key].text()
        if self.fields["birth_date"].isVisible() or kind in ("passport", "home_return_permit"):
            raw["birth_date"] = self.fields["birth_date"].text()
            raw["sex"] = self.sex.value()
        if kind == "passport":
            raw["nationality"] = self.fields["nationality"].text().strip().upper()
        return raw

    def speech(self) -> str:
        return tr("identity_title", self.language)

    def on_next(self) -> None:
        self.intent.emit("identity", self.value())

    def error_for(self, field: str | None) -> QLabel:
        """The red line under the field the engine named (the name's line for the rest)."""
        key = {"document": "document_number", "document_type": "document_number",
               "nationality": "nationality"}.get(field or "", field or "name")
        return self.errors.get(key, self.errors["name"])

    def show_problem(self, text: str, field: str | None = None) -> None:
        for error in self.errors.values():
            show_error(error, "")
        error = self.error_for(field)
        show_error(error, text)
        # The field may be below the fold (or under the keys): bring its message into view.
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(error, 0, 96))


class QuestionScreen(KioskScreen):
    """One question: its text, its help line, the input, and the message next to it."""

    has_back = True

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        # The station's clock: "today" on a date picker is the station's, not this machine's.
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now().astimezone())
        self.item = label("", "item")
        self.prompt = label("", "question")
        self.help = label("", "help")
        self.comment = label("", "comment")
        self.comment_frame = QFrame()
        self.comment_frame.setProperty("role", "comment")
        frame_layout = QVBoxLayout(self.comment_frame)
        frame_layout.addWidget(self.comment)
        self.error = error_label()
        # The question and its input scroll together: many choices at 1280x800, or the keys
        # open below, leave less height than they need, and the field must stay in view.
        holder = QWidget()
        content = QVBoxLayout(holder)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(self.layout_.spacing())
        for widget in (self.item, self.prompt, self.help, self.comment_frame):
            content.addWidget(widget)
        self.input_holder = QVBoxLayout()
        self.input_holder.setContentsMargins(0, 8, 0, 0)
        self.input_holder.addWidget(self.error)
        content.addLayout(self.input_holder, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        kinetic(self.scroll)
        self.input: AnswerInput | None = None
        self.screen: Screen | None = None
        self.layout_.addWidget(self.scroll, 1)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        assert state is not None and state.screen is not None
        screen = state.screen
        self.screen = screen
        self.item.setText(screen.item_label(language))
        self.item.setVisible(bool(screen.item_label(language)))
        self.prompt.setText(screen.prompt(language))
        self.help.setText(screen.help(language))
        self.help.setVisible(bool(screen.help(language)))
        comment = state.comments.get(screen.path)
        self.comment.setText(f"{tr('officer_comment', language)}{comment}" if comment else "")
        self.comment_frame.setVisible(bool(comment))
        if self.input is not None:
            self.input.widget.hide()  # gone at once, even before Qt gets round to deleting it
            self.input.widget.deleteLater()
        self.input = answer_input(screen.question, language, now=self.clock())
        self.input.set_value(state.interview.answers.get(screen.path))
        self.input.changed.connect(lambda: show_error(self.error, ""))
        while self.input_holder.count():
            self.input_holder.takeAt(0)
        self.input_holder.addWidget(self.input.widget)
        self.input_holder.addWidget(self.error)  # the message right under the field
        self.input_holder.addStretch(1)
        self.scroll.verticalScrollBar().setValue(0)
        show_error(self.error, "")
        if screen.question.type is QuestionType.NUMBER:
            # The digit keys open with the screen: a party does not know to tap the number.
            # Tied to the field: a screen gone before the event loop runs (the editor's preview
            # at a log-out) must not have its deleted field focused later.
            QTimer.singleShot(0, self.input.widget, self.input.focus)

    def speech(self) -> str:
        if self.screen is None:
            return ""
        text = self.screen.read_aloud(self.language)
        choices = self.screen.question.choices
        if choices and not self.screen.question.read_aloud:
            # A party who cannot read hears what they may choose, not only the question.
            separator = "；" if self.language == "zh" else "; "
            text += ("。" if self.language == "zh" else ". ") + separator.join(
                text_in(choice.label, self.language) for choice in choices)
        return text

    def on_next(self) -> None:
        if self.screen is not None and self.input is not None:
            self.intent.emit("answer", (self.screen.path, self.input.value()))

    def show_problem(self, text: str, field: str | None = None) -> None:
        show_error(self.error, text)
        # Under a long list of cards the message may be below the fold: bring it into view.
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.error))


class ReviewScreen(KioskScreen):
    """The whole statement as it will print, 问/答, with a Change button on every answer."""

    next_key = "statement_correct"
    has_back = True

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.help = label("", "help")
        self.body = paper_body()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(40, 24, 40, 24)
        self.body_layout.setSpacing(12)
        self.paper = QScrollArea()
        self.paper.setWidgetResizable(True)
        self.paper.setWidget(self.body)
        self.paper.setProperty("role", "paper")
        kinetic(self.paper)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.help)
        self.layout_.addWidget(self.paper, 1)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        assert state is not None
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.title.setText(tr("review_title", language))
        help_text = tr("review_help", language)
        if state.comments:
            help_text = tr("review_comments", language, n=len(state.comments))
        self.help.setText(help_text)
        last_heading = ""
        commented: list[QWidget] = []
        for item in state.interview.review(language):
            if item.heading and item.heading != last_heading:
                self.body_layout.addWidget(label(item.heading, "item"))
                last_heading = item.heading
            entry = self._entry(item, state.comments.get(item.path))
            if item.path in state.comments:
                commented.append(entry)
            self.body_layout.addWidget(entry)
        self.body_layout.addStretch(1)
        self.paper.verticalScrollBar().setValue(0)
        if commented:  # open the statement at the first answer the officer marked
            QTimer.singleShot(0, lambda: self.paper.ensureWidgetVisible(commented[0], 0, 96))

    def _entry(self, item: ReviewItem, comment: str | None) -> QWidget:
        frame = QFrame()
        frame.setProperty("role", "comment" if comment else "entry")
        row = QHBoxLayout(frame)
        text = QVBoxLayout()
        colon = "：" if self.language == "zh" else ": "  # a full-width colon after 问 / 答 only
        text.addWidget(label(f"{tr('question', self.language)}{colon}{item.question}", "document"))
        answer = item.answer if item.is_answered else tr("not_answered", self.language)
        text.addWidget(label(f"{tr('answer', self.language)}{colon}{answer}", "document"))
        if comment:
            text.addWidget(label(f"{tr('officer_comment', self.language)}{comment}", "comment"))
        text.addStretch(1)  # 问 and 答 stay together when the Change button is taller
        row.addLayout(text, 1)
        change = QPushButton(tr("change", self.language))
        change.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        change.clicked.connect(lambda _=False, path=item.path: self.intent.emit("change", path))
        row.addWidget(change, 0, Qt.AlignmentFlag.AlignVCenter)
        return frame

    def speech(self) -> str:
        return tr("review_title", self.language) + "。" + tr("review_help", self.language)

    def on_next(self) -> None:
        self.intent.emit("review_ok", None)


class SignatureScreen(KioskScreen):
    """A large pad with a baseline; Clear, and Confirm in the footer."""

    next_key = "submit"
    has_back = True

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.help = label("", "help")
        self.pad = SignaturePad()
        self.pad.setMinimumHeight(300)
        self.clear = QPushButton()
        self.clear.setProperty("role", "stop")
        self.clear.clicked.connect(self.pad.clear)
        self.error = error_label()
        self.pad.changed.connect(lambda: show_error(self.error, ""))
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.help)
        self.layout_.addWidget(self.pad, 1)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignLeft)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(tr("signature_title", language))
        notice = state is not None and state.position == NOTICE  # signing the notice's answer
        self.help.setText(tr("pn_signature_help" if notice else "signature_help", language))
        self.pad.set_placeholder(tr("sign_here", language))
        self.clear.setText(tr("clear", language))
        self.pad.clear()
        show_error(self.error, "")

    def speech(self) -> str:
        return tr("signature_title", self.language) + "。" + self.help.text()

    def on_next(self) -> None:
        if self.pad.is_empty():
            show_error(self.error, tr("signature_empty", self.language))
            return
        self.intent.emit("sign", (self.pad.to_png_bytes(), self.pad.strokes()))

    def show_problem(self, text: str, field: str | None = None) -> None:
        show_error(self.error, text)


def penalty_words(proposal: dict[str, Any], language: str) -> str:
    """The intended penalty as the party reads it: 罚款人民币300元."""
    return tr(f"pn_kind_{proposal['penalty_type']}", language,
              amount=proposal.get("amount"), days=proposal.get("days"))


class PenaltyNoticeScreen(KioskScreen):
    """The intended penalty, its facts, reasons and basis, and the rights (PSAPL Art. 112);
    the party accepts, or states and argues (reasons to choose, and free text), then signs."""

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "title")
        self.body = paper_body()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(40, 28, 40, 28)
        column.setSpacing(16)
        self.penalty, self.facts, self.basis, self.rights = (label("", "document")
                                                             for _ in range(4))
        self.question = label("", "question")
        self.choice = ChoiceCards()
        self.grounds_help = label("", "help")
        self.grounds = ChoiceCards(multiple=True)
        self.text = QLineEdit()
        mark_text(self.text)
        self.error = error_label()
        for widget in (self.penalty, self.facts, self.basis, self.rights, self.question,
                       self.choice, self.grounds_help, self.grounds, self.text, self.error):
            column.addWidget(widget)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.scroll.setProperty("role", "paper")
        kinetic(self.scroll)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.scroll, 1)
        self.choice.changed.connect(self._chosen)
        self.grounds.changed.connect(lambda _v: show_error(self.error, ""))

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        told = state.penalty_notice if state is not None else None
        if not told:
            return
        proposal = told["proposal"]
        self.title.setText(tr("pn_title", language))
        self.penalty.setText(tr("pn_penalty", language,
                                penalty=penalty_words(proposal, language)))
        self.facts.setText(tr("pn_facts", language, facts=proposal.get("circumstances", "")))
        self.basis.setText(tr("pn_basis", language, basis=proposal.get("basis", "")))
        self.rights.setText(tr("pn_rights", language))
        self.question.setText(tr("pn_question", language))
        kept = self.choice.value()
        self.choice.set_choices([("accept", tr("pn_accept", language)),
                                 ("argue", tr("pn_argue", language))])
        self.choice.set_value(kept)
        self.grounds_help.setText(tr("pn_grounds", language))
        self.grounds.set_choices([(ground, words.get(language, words["zh"]))
                                  for ground, words in GROUNDS.items()])
        self.text.setPlaceholderText(tr("pn_text_placeholder", language))
        self._chosen(self.choice.value())

    def _chosen(self, value: object) -> None:
        arguing = value == "argue"
        for widget in (self.grounds_help, self.grounds, self.text):
            widget.setVisible(arguing)
        show_error(self.error, "")

    def speech(self) -> str:
        return "。".join(widget.text() for widget in (self.title, self.penalty, self.facts,
                                                     self.basis, self.rights, self.question))

    def on_next(self) -> None:
        value = self.choice.value()
        if value is None:
            show_error(self.error, tr("required", self.language))
            return
        grounds = list(self.grounds.value() or []) if value == "argue" else []
        text = self.text.text().strip() if value == "argue" else ""
        if value == "argue" and not (grounds or text):
            show_error(self.error, tr("pn_argument_empty", self.language))
            return
        self.intent.emit("notice_answer", (value == "accept", grounds, text))

    def show_problem(self, text: str, field: str | None = None) -> None:
        show_error(self.error, text)


class StatusScreen(KioskScreen):
    """After submitting: waiting, returned for correction, approved, or handed to the officer."""

    next_key = None

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label("", None)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.action = QPushButton()
        self.action.setProperty("role", "primary")
        self.action.setMinimumWidth(400)
        self.action.clicked.connect(self._acted)
        self.layout_.addStretch(2)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.text)
        self.layout_.addSpacing(40)
        self.layout_.addWidget(self.action, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(3)
        self.status = ""

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        assert state is not None
        self.status = state.status
        keys = {
            "submitted": ("waiting_title", "waiting_submitted", None),
            "in_review": ("waiting_title", "waiting_in_review", None),
            "returned": ("returned_title", "returned_help", "continue"),
            "approved": ("approved_title", "approved_help", "finish"),
            "converted": ("converted_title", "converted_help", "finish"),
        }
        title, text, action = keys.get(state.status, ("waiting_title", "waiting_submitted",
                                                      None))
        self.title.setText(tr(title, language))
        self.title.setProperty("role", "success" if state.status == "approved" else "title")
        self.title.style().polish(self.title)
        self.text.setText(tr(text, language))
        self.action.setVisible(action is not None)
        if action:
            self.action.setText(tr(action, language))

    def speech(self) -> str:
        return self.title.text() + "。" + self.text.text()

    def _acted(self) -> None:
        self.intent.emit("continue" if self.status == "returned" else "finish", None)


class PinScreen(KioskScreen):
    """Staff only: the admin PIN lets the kiosk leave full screen or quit."""

    next_key = None

    def __init__(self) -> None:
        super().__init__()
        self.title = label("", "question")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.setProperty("role", "code")
        self.pin.setMaximumWidth(520)
        self.error = error_label()
        keypad = DigitKeypad(self.pin)
        keypad.setMaximumWidth(520)
        buttons = QHBoxLayout()
        self.cancel = QPushButton()
        self.cancel.clicked.connect(lambda: self.intent.emit("pin_cancel", None))
        self.exit = QPushButton()
        self.exit.setProperty("role", "stop")
        self.exit.clicked.connect(lambda: self.intent.emit("pin", self.pin.text()))
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.exit)
        buttons.addStretch(1)
        beside_keypad(self.layout_, keypad, self.title, self.pin, self.error, buttons)

    def show_state(self, state: PartyState | None, language: str) -> None:
        super().show_state(state, language)
        self.title.setText(f"{tr('pin_title', 'zh')}\n{tr('pin_title', 'en')}")
        self.cancel.setText(tr("cancel", language))
        self.exit.setText(tr("exit", language))
        self.pin.clear()
        show_error(self.error, "")

    def show_problem(self, text: str, field: str | None = None) -> None:
        show_error(self.error, text)
        self.pin.clear()
