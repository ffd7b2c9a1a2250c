"""The console's forms: the decision, a conversion's reason, opening a case, its start code.

Each form refuses what is incomplete with the message next to the field, and hands back plain
values; the window carries them out through the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.cases import ARRIVAL_LABELS, ArrivalMode
from kiosk.law import load_law
from kiosk.review import Decision, PenaltyType, ReviewError
from kiosk.settings import Settings
from ui.officer.refusals import why_refused
from ui.officer.strings import tr
from ui.widgets.fields import error_label as _error_label
from ui.widgets.fields import mark_invalid as _mark


class _Form(QDialog):
    """A dialog with a form, an error line under each field and OK / Cancel."""

    def __init__(self, title: str, language: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.language = language
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.errors: dict[QWidget, QLabel] = {}
        self.ok = QPushButton(ok_text)
        self.ok.setProperty("role", "primary")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._accept_if_valid)
        self.cancel = QPushButton(tr("cancel", language))
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addLayout(buttons)

    def add_field(self, label: str, widget: QWidget) -> QWidget:
        error = _error_label()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.errors[widget] = error
        self.form.addRow(label, box)
        return widget

    def show_error(self, widget: QWidget, message: str | None) -> None:
        label = self.errors[widget]
        _mark(widget, bool(message))
        label.setText(message or "")
        label.setVisible(bool(message))

    def problems(self) -> dict[QWidget, str]:  # overridden
        return {}

    def _accept_if_valid(self) -> None:
        found = self.problems()
        for widget in self.errors:
            self.show_error(widget, found.get(widget))
        if found:
            next(iter(found)).setFocus()
            return
        self.accept()


class DecisionDialog(_Form):
    """The decision fields of the final level: the penalty, its amount or days, the mitigation
    grounds, the basis and the reasons, with the law's ranges and article text beside them.

    With the case type's offence (templates/law/), the form shows the fast-track tiers' ranges
    (PSAPL Art. 51, 58, 59), prefills the basis with the article, and refuses a penalty outside
    them in words naming the article; the core checks again at approval.
    """

    def __init__(self, settings: Settings, language: str, *, basis: str = "",
                 offence: str | None = None, held: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(tr("decision_title", language), language, tr("decide", language),
                         parent)
        self.settings = settings
        self.held = held  # whole days the party has been held (PSAPL Art. 110)
        self.law = load_law()
        self.offence = self.law.offence(offence) if offence else None
        self.kind = QComboBox()
        self.kind.addItem(tr("choose", language), None)
        for kind in PenaltyType:
            self.kind.addItem(tr(f"penalty_{kind.value}", language), kind.value)
        self.amount = QSpinBox()
        # Wide ranges: a value past a limit is refused in words, never silently cut short.
        self.amount.setRange(0, 1_000_000)
        self.amount.setSuffix(" 元" if language == "zh" else " yuan")
        self.amount.setSpecialValueText("—")
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setSpecialValueText("—")
        # PSAPL Art. 110: the days held count against the detention; the officer confirms them.
        self.offset = QSpinBox()
        self.offset.setRange(0, 365)
        self.offset.setSpecialValueText("—")
        self.offset.setToolTip(tr("offset_help", language, held=held))
        self.grounds: dict[str, QCheckBox] = {}
        grounds_box = QWidget()
        grounds_column = QVBoxLayout(grounds_box)
        grounds_column.setContentsMargins(0, 0, 0, 0)
        grounds_column.setSpacing(2)
        for ground in self.law.mitigation:
            box = QCheckBox(ground.name[language])
            box.setToolTip(self.law.citation(ground.article, language))
            self.grounds[ground.id] = box
            grounds_column.addWidget(box)
        if not basis and self.offence is not None:
            basis = self.law.citation(self.offence.article, language)
        self.basis = QPlainTextEdit(basis)
        self.basis.setFixedHeight(70)
        self.circumstances = QPlainTextEdit()
        self.circumstances.setFixedHeight(70)
        if self.offence is not None:
            self.ranges = QLabel(self._ranges_text())
            self.ranges.setWordWrap(True)
            self.ranges.setProperty("role", "help")
            self.layout_.insertWidget(0, self.ranges)
            article = self.law.article(self.offence.article)
            self.article_text = QLabel(f"{self.law.citation(article.number, language)}"
                                       f"\n{article.text[language]}")
            self.article_text.setWordWrap(True)
            self.article_text.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)
            self.article_text.setProperty("role", "help")
            self.article_text.setMaximumWidth(680)
        self.add_field(tr("penalty_type", language), self.kind)
        self.add_field(tr("amount", language), self.amount)
        self.add_field(tr("days", language), self.days)
        self.add_field(tr("offset_days", language, held=held), self.offset)
        self.add_field(tr("mitigation", language), grounds_box)
        self.add_field(tr("basis", language), self.basis)
        if self.offence is not None:
            self.form.addRow("", self.article_text)
        self.add_field(tr("circumstances", language), self.circumstances)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(760, self.sizeHint().height())

    def _ranges_text(self) -> str:
        """The fast-track tiers of the offence as an officer reads them, per language."""
        assert self.offence is not None
        lang = self.language
        lines = [tr("ranges_heading", lang, article=self.law.citation(self.offence.article, lang))]
        for tier in self.offence.fast_track_tiers():
            parts = []
            if tier.detention_days is not None:
                parts.append(tr("range_days", lang, low=tier.detention_days.low,
                                high=tier.detention_days.high))
            if tier.fine is not None:
                parts.append(tr("range_fine", lang, low=tier.fine.low, high=tier.fine.high))
            joined = tr(f"combine_{tier.combine}", lang).join(parts)
            lines.append(f"{tier.name[lang]}：{joined}" if lang == "zh"
                         else f"{tier.name[lang]}: {joined}")
        return "\n".join(lines)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        has_fine = kind in (PenaltyType.FINE, PenaltyType.DETENTION_AND_FINE)
        has_days = kind in (PenaltyType.DETENTION, PenaltyType.DETENTION_AND_FINE)
        self.amount.setEnabled(has_fine)
        self.days.setEnabled(has_days)
        was_enabled = self.offset.isEnabled()
        self.offset.setEnabled(has_days)
        if not has_fine:
            self.amount.setValue(0)
        if not has_days:
            self.days.setValue(0)
            self.offset.setValue(0)
        elif not was_enabled or not self.offset.value():
            self.offset.setValue(self.held)  # prefilled; the officer confirms or lowers it
        # A penalty is notified to the party before it is decided (PSAPL Art. 112).
        self.ok.setText(tr("propose" if kind not in (None, PenaltyType.NO_PENALTY)
                           else "decide", self.language))

    def chosen_grounds(self) -> tuple[str, ...]:
        return tuple(ground for ground, box in self.grounds.items() if box.isChecked())

    def problems(self) -> dict[QWidget, str]:
        s, lang = self.settings, self.language
        found: dict[QWidget, str] = {}
        kind = self.kind.currentData()
        has_fine = kind in (PenaltyType.FINE, PenaltyType.DETENTION_AND_FINE)
        has_days = kind in (PenaltyType.DETENTION, PenaltyType.DETENTION_AND_FINE)
        if kind is None:
            found[self.kind] = tr("need_type", lang)
        if has_fine and not 0 < self.amount.value() < s.hearing_fine_threshold:
            found[self.amount] = tr("need_amount", lang, limit=s.hearing_fine_threshold)
        if has_days and not 0 < self.days.value() < s.detention_days_excluded:
            found[self.days] = tr("need_days", lang, limit=s.detention_days_excluded)
        if self.offence is None and not self.basis.toPlainText().strip():
            found[self.basis] = tr("need_basis", lang)
        if not self.circumstances.toPlainText().strip():
            found[self.circumstances] = tr("need_circumstances", lang)
        if kind is not None and self.offence is not None and not found:
            try:
                self.decision()
            except ReviewError as exc:  # outside the law's range: said under the field
                where = {"warning_needs_mitigation": self.kind,
                         "penalty_out_of_range": self.amount if has_fine and not has_days
                         else self.days if has_days else self.kind,
                         "basis_wrong_article": self.basis,
                         "offset_exceeds_days": self.offset,
                         "offset_exceeds_held": self.offset,
                         "basis_unknown_article": self.basis}.get(exc.reason, self.kind)
                found[where] = why_refused(exc, lang)
        return found

    def decision(self) -> Decision:
        """The decision as the form holds it, checked by the core (ReviewError if not valid)."""
        kind = self.kind.currentData()
        return Decision(
            penalty_type=kind or "",
            basis=self.basis.toPlainText(),
            circumstances=self.circumstances.toPlainText(),
            amount=self.amount.value()
            if kind in (PenaltyType.FINE, PenaltyType.DETENTION_AND_FINE) else None,
            days=self.days.value()
            if kind in (PenaltyType.DETENTION, PenaltyType.DETENTION_AND_FINE) else None,
            mitigation=self.chosen_grounds(),
            offset_days=self.offset.value() or None
            if kind in (PenaltyType.DETENTION, PenaltyType.DETENTION_AND_FINE) else None,
        ).checked(self.settings, self.offence.id if self.offence else None, held=self.held)


class ReasonDialog(_Form):
    """Converting to the ordinary procedure: the reason, required."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("convert_title", language), language, tr("do_convert", language),
                         parent)
        self.ok.setProperty("role", "")
        self.ok.setProperty("role", "stop")
        help_line = QLabel(tr("convert_help", language))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        self.layout_.insertWidget(0, help_line)
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(90)
        self.add_field(tr("reason", language), self.reason)
        self.resize(560, self.sizeHint().height())

    def problems(self) -> dict[QWidget, str]:
        if not self.reason.toPlainText().strip():
            return {self.reason: tr("need_reason", self.language)}
        return {}

    def text(self) -> str:
        return self.reason.toPlainText().strip()


class ReplyDialog(_Form):
    """The officer's answer to the party's argument (PSAPL Art. 112), required."""

    def __init__(self, argument: str, language: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("answer_argument_title", language), language,
                         tr("answer_argument", language), parent)
        said = QLabel(tr("notice_argued", language, text=argument))
        said.setWordWrap(True)
        self.layout_.insertWidget(0, said)
        self.reply = QPlainTextEdit()
        self.reply.setFixedHeight(90)
        self.add_field(tr("answer_argument_label", language), self.reply)
        self.resize(560, self.sizeHint().height())

    def problems(self) -> dict[QWidget, str]:
        if not self.reply.toPlainText().strip():
            return {self.reply: tr("reply_required", self.language)}
        return {}

    def text(self) -> str:
        return self.reply.toPlainText().strip()


@dataclass(frozen=True)
class NewCase:
    template_id: str
    party_name: str
    arrived_at: datetime
    arrival_mode: str
    language: str


class NewCaseDialog(_Form):
    """What `kiosk case open` asks: case type, the party's name, arrival time and how."""

    def __init__(self, templates: list[tuple[str, str]], languages: list[str], language: str,
                 now: datetime, timezone: str = "Asia/Shanghai",
                 parent: QWidget | None = None) -> None:
        super().__init__(tr("open_title", language), language, tr("open", language), parent)
        self.now = now
        self.zone = ZoneInfo(timezone)  # the arrival is typed in station time, as on the queue
        self.template = QComboBox()
        for template_id, title in templates:
            self.template.addItem(title, template_id)
        self.party = QLineEdit()
        self.arrived = QDateTimeEdit(QDateTime(now.astimezone(self.zone).replace(tzinfo=None)))
        self.arrived.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.arrived.setCalendarPopup(True)
        self.mode = QComboBox()
        for mode in ArrivalMode:
            self.mode.addItem(ARRIVAL_LABELS[mode][language], mode.value)
        self.kiosk_language = QComboBox()
        names = {"zh": "中文", "en": "English"}
        for code in languages:
            self.kiosk_language.addItem(names.get(code, code), code)
        self.add_field(tr("case_type", language), self.template)
        self.add_field(tr("party_name", language), self.party)
        self.add_field(tr("arrived", language), self.arrived)
        self.add_field(tr("arrival_mode", language), self.mode)
        self.add_field(tr("kiosk_language", language), self.kiosk_language)
        self.resize(560, self.sizeHint().height())
        self.party.setFocus()

    def arrival(self) -> datetime:
        typed = self.arrived.dateTime().toPython().replace(tzinfo=None)
        return typed.replace(tzinfo=self.zone).astimezone(UTC)

    def problems(self) -> dict[QWidget, str]:
        found: dict[QWidget, str] = {}
        if not " ".join(self.party.text().split()):
            found[self.party] = tr("need_party", self.language)
        if self.arrival() > datetime.now(UTC):
            found[self.arrived] = tr("arrival_future", self.language)
        return found

    def values(self) -> NewCase:
        return NewCase(self.template.currentData(), " ".join(self.party.text().split()),
                       self.arrival(), self.mode.currentData(),
                       self.kiosk_language.currentData())


class StartCodeDialog(QDialog):
    """The start code, large, for the officer to tell or show the party."""

    def __init__(self, start_code: str, code: str, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("opened_title", language))
        title = QLabel(tr("opened_title", language))
        title.setProperty("role", "title")
        number = QLabel(" ".join(start_code))
        number.setProperty("role", "code")
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_code = start_code
        help_line = QLabel(tr("opened_help", language, code=code))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        close = QPushButton(tr("close", language))
        close.setProperty("role", "primary")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(number)
        layout.addWidget(help_line)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(520, self.sizeHint().height())
