"""The right side of the console: one case in full, kept live while the party answers."""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.cases import ARRIVAL_LABELS, ArrivalMode
from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.states import LABELS, CaseStatus
from kiosk.template_model import text_in
from kiosk.worklist import AnswerLine, CaseDetail
from ui import theme
from ui.officer.evidence import EvidencePanel
from ui.officer.player import RecordingPanel
from ui.officer.queue import duration_words
from ui.officer.strings import STRINGS, tr
from ui.officer.timezone import local

HIGHLIGHT_MS = 6000
REVISION_ROLE = Qt.ItemDataRole.UserRole + 1  # a revision row's number (the latest: none)
DOCUMENT_NAMES = {
    "fast-track-notice": {"zh": "快速办理告知书", "en": "Fast-track notice"},
    "rights-notice": {"zh": "权利义务告知书", "en": "Rights notice"},
    "statement": {"zh": "询问笔录", "en": "Statement"},
    "pre-penalty-notice": {"zh": "行政处罚告知笔录", "en": "Pre-penalty notice record"},
    "decision": {"zh": "处理决定书", "en": "Decision"},
    "mediation-agreement": {"zh": "治安调解协议书", "en": "Mediation agreement"},
    "mediation-record": {"zh": "治安调解笔录", "en": "Mediation record"},
    "delivery-receipt": {"zh": "送达回执", "en": "Delivery receipt"},  # PSAPL Art. 116
}
SEX_LABELS = {"male": {"zh": "男", "en": "male"}, "female": {"zh": "女", "en": "female"}}
IDENTITY_FIELDS = (
    ("name", {"zh": "姓名", "en": "Name"}),
    ("document", {"zh": "证件", "en": "Document"}),
    ("sex", {"zh": "性别", "en": "Sex"}),
    ("birth_date", {"zh": "出生日期", "en": "Born"}),
    ("nationality", {"zh": "国籍", "en": "Nationality"}),
    ("address", {"zh": "住址", "en": "Address"}),
    ("household_registration", {"zh": "户籍地", "en": "Household registration"}),
    ("employer", {"zh": "工作单位", "en": "Employer"}),
    ("phone", {"zh": "电话", "en": "Phone"}),
)


def identity_words(key: str, value: Any, language: str) -> str:
    if key == "document" and isinstance(value, dict):
        kind = value.get("type", "")
        label = DOCUMENT_TYPE_LABELS.get(DocumentType(kind)) \
            if kind in DocumentType._value2member_map_ else None
        return f"{text_in(label, language) if label else kind} {value.get('number', '')}"
    if key == "sex" and value in SEX_LABELS:
        return SEX_LABELS[value][language]
    return value_words(value, language)


def decision_words(decision: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """The decision's fields as the officer reads them: 罚款 300 元, not penalty_type: fine."""
    kind = str(decision.get("penalty_type", ""))
    rows = [(tr("penalty_type", language), tr(f"penalty_{kind}", language)
             if f"penalty_{kind}" in STRINGS else kind)]
    if decision.get("amount") is not None:
        rows.append((tr("amount", language), str(decision["amount"])))
    if decision.get("days") is not None:
        rows.append((tr("days", language), str(decision["days"])))
    rows.append((tr("basis", language), str(decision.get("basis", ""))))
    rows.append((tr("circumstances", language), str(decision.get("circumstances", ""))))
    return rows


def value_words(value: Any, language: str = "zh") -> str:
    if isinstance(value, bool):
        words = {"zh": ("是", "否"), "en": ("yes", "no")}.get(language, ("yes", "no"))
        return words[0] if value else words[1]
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _answer_key(line: AnswerLine) -> tuple[str, int]:
    return line.item.path, len(line.revisions)


class CaseView(QWidget):
    """Header, live step and tabs of one case; `show_detail` draws a freshly read case."""

    document_wanted = Signal(int)  # document id whose PDF the window should read
    documents_opened = Signal()    # the Documents tab was opened (render what is missing)
    comments_changed = Signal()
    detention_wanted = Signal(bool)  # mark (True) or unmark the case: detention possible

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.detail: CaseDetail | None = None
        self.comments: dict[str, str] = {}  # path -> comment the officer is preparing
        self._fresh: set[str] = set()       # answers that just arrived (highlighted)
        self._answers_drawn: tuple[object, ...] = ()
        self._clear_fresh = QTimer(self)
        self._clear_fresh.setSingleShot(True)
        self._clear_fresh.timeout.connect(self._fade_fresh)

        self.empty = QLabel(tr("no_case", language))
        self.empty.setProperty("role", "help")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "subtitle")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step = QLabel()
        self.step.setProperty("role", "step")
        self.step.setWordWrap(True)
        # Which questioning limit applies and why, beside the one step that changes it.
        self.limit = QLabel()
        self.limit.setWordWrap(True)
        self.limit.setTextFormat(Qt.TextFormat.RichText)
        self.detention = QPushButton()
        self.detention.clicked.connect(
            lambda: self.detail is not None
            and self.detention_wanted.emit(not self.detail.limits.detention_possible))

        self.overview = QTextBrowser()
        self.statement = QTextBrowser()
        self.answers = QTreeWidget()
        self.answers.setColumnCount(4)
        self.answers.setHeaderLabels([tr(k, language) for k in
                                      ("col_question", "col_answer", "col_revisions",
                                       "col_comment")])
        self.answers.setWordWrap(True)
        self.answers.setUniformRowHeights(False)
        self.answers.setAlternatingRowColors(True)
        header = self.answers.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.answers.currentItemChanged.connect(self._answer_chosen)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(tr("comment_placeholder", language))
        self.comment.returnPressed.connect(self.add_comment)
        self.add_button = QPushButton(tr("add_comment", language))
        self.add_button.clicked.connect(self.add_comment)
        self.remove_button = QPushButton(tr("remove_comment", language))
        self.remove_button.clicked.connect(self.remove_comment)
        self.comment_error = QLabel()
        self.comment_error.setProperty("role", "error")
        # The recording above the answers: choosing an answer plays it from where it was given.
        self.recording = RecordingPanel(language)
        answers_page = QWidget()
        answers_layout = QVBoxLayout(answers_page)
        answers_layout.setContentsMargins(0, 0, 0, 0)
        self.answers_split = QSplitter(Qt.Orientation.Vertical)
        self.answers_split.addWidget(self.recording)
        self.answers_split.addWidget(self.answers)
        self.answers_split.setStretchFactor(1, 1)
        answers_layout.addWidget(self.answers_split, 1)
        row = QHBoxLayout()
        row.setContentsMargins(8, 4, 8, 0)
        row.addWidget(self.comment, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        answers_layout.addLayout(row)
        answers_layout.addWidget(self.comment_error)

        self.document_list = QListWidget()
        self.document_list.currentItemChanged.connect(self._document_chosen)
        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._pdf_buffer: QBuffer | None = None
        documents_page = QSplitter()
        documents_page.addWidget(self.document_list)
        documents_page.addWidget(self.pdf_view)
        documents_page.setStretchFactor(1, 3)
        documents_page.setSizes([220, 700])
        self.documents_page = documents_page

        self.audit = QTableWidget(0, 5)
        self.audit.setHorizontalHeaderLabels([tr(k, language) for k in
                                              ("col_seq", "col_time", "col_actor", "col_action",
                                               "col_details")])
        self.audit.verticalHeader().hide()
        self.audit.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.audit.horizontalHeader().setStretchLastSection(True)
        self.audit.setWordWrap(False)

        self.evidence = EvidencePanel(language)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, tr("tab_overview", language))
        self.tabs.addTab(self.statement, tr("tab_statement", language))
        self.tabs.addTab(answers_page, tr("tab_answers", language))
        self.tabs.addTab(self.evidence, tr("tab_evidence", language, n=0))
        self.tabs.addTab(documents_page, tr("tab_documents", language))
        self.tabs.addTab(self.audit, tr("tab_audit", language))
        self.tabs.currentChanged.connect(
            lambda index: self.tabs.widget(index) is documents_page
            and self.documents_opened.emit())

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addWidget(self.subtitle)
        limit_row = QHBoxLayout()
        limit_row.setContentsMargins(0, 2, 0, 4)
        limit_row.addWidget(self.limit, 1)
        limit_row.addWidget(self.detention, 0, Qt.AlignmentFlag.AlignVCenter)
        body.addLayout(limit_row)
        body.addWidget(self.step)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.body, 1)
        self.body.hide()

    # -- drawing ---------------------------------------------------------------------------

    def clear(self) -> None:
        self.detail = None
        self.comments.clear()
        self.comment.clear()  # a comment half-typed on another case does not follow
        self._fresh.clear()
        self.recording.clear()
        self.body.hide()
        self.empty.show()

    def show_detail(self, detail: CaseDetail) -> None:
        """Draws a case; the same case again (live) highlights the answers that changed."""
        previous = self.detail
        same_case = previous is not None and previous.case_id == detail.case_id
        if same_case:
            assert previous is not None
            before = {_answer_key(line) for line in previous.answers if line.revisions}
            self._fresh |= {line.item.path for line in detail.answers
                            if line.revisions and _answer_key(line) not in before}
            if self._fresh:
                self._clear_fresh.start(HIGHLIGHT_MS)
        else:
            self.comments.clear()
            self._fresh.clear()
        self.detail = detail
        self.empty.hide()
        self.body.show()
        language = self.language
        row = detail.row
        self.title.setText(f"{row.party_name} · {row.title(language)} · "
                           f"{LABELS[CaseStatus(row.status)][language]}")
        self.subtitle.setText(f"{tr('code', language)} {row.code}")
        if detail.step is not None:
            step = detail.step
            words = (tr("step_of", language, number=step.number, total=step.total,
                        label=step.label) if step.number else step.label)
            self.step.setText(tr("party_at", language, step=words))
            self.step.show()
        else:
            self.step.hide()
        self._draw_limit(detail)
        self._draw_overview(detail)
        self._draw_statement(detail)
        self._draw_answers(detail, keep_position=same_case)
        self._draw_documents(detail, keep=same_case)
        self.evidence.show_items(detail.evidence, may_add=not row.is_final, keep=same_case)
        self.tabs.setTabText(self.tabs.indexOf(self.evidence),
                             tr("tab_evidence", language, n=len(detail.evidence)))
        self._draw_audit(detail)
        self.recording.show_case(detail.case_id)  # a live session grows: read it again
        self.recording.show_faults(list(detail.audit))
        self.comments_changed.emit()

    def _fade_fresh(self) -> None:
        self._fresh.clear()
        if self.detail is not None:
            self._draw_statement(self.detail)
            self._draw_answers(self.detail, keep_position=True)

    def _draw_limit(self, d: CaseDetail) -> None:
        lang, limits = self.language, d.limits
        until = html.escape(local(limits.questioning_ends))
        if limits.detention_possible:
            actor, at = d.detention_marked or ("?", None)
            self.limit.setText(tr("limit_detention", lang, hours=limits.questioning_hours,
                                  until=until, actor=html.escape(actor),
                                  at=html.escape(local(at, "%m-%d %H:%M")) if at else "—",
                                  shorter=limits.ordinary_questioning_hours))
            self.detention.setText(tr("unmark_detention", lang,
                                      hours=limits.ordinary_questioning_hours))
        else:
            self.limit.setText(tr("limit_ordinary", lang, hours=limits.questioning_hours,
                                  until=until, longer=limits.detention_questioning_hours))
            self.detention.setText(tr("mark_detention", lang,
                                      hours=limits.detention_questioning_hours))
        self.detention.setEnabled(not d.row.is_final)
        self.detention.setToolTip(tr("detention_decided", lang) if d.row.is_final else "")

    def _draw_overview(self, d: CaseDetail) -> None:
        lang = self.language
        row = d.row

        def line(label: str, value: str) -> str:
            return (f"<tr><td style='color:{theme.MUTED};padding:3px 16px 3px 0'>"
                    f"{html.escape(label)}</td><td style='padding:3px 0'>{value}</td></tr>")

        def when(moment: datetime | None) -> str:
            return html.escape(local(moment)) if moment else \
                f"<span style='color:{theme.MUTED}'>{tr('not_yet', lang)}</span>"

        mode = ARRIVAL_LABELS.get(ArrivalMode(row.arrival_mode), {}).get(lang, row.arrival_mode) \
            if row.arrival_mode in ArrivalMode._value2member_map_ else row.arrival_mode
        rows = [
            line(tr("code", lang), html.escape(row.code)),
            line(tr("template", lang), html.escape(row.title(lang))),
            line(tr("arrived", lang), f"{when(row.arrived_at)} · {html.escape(mode)}"),
            line(tr("opened_by", lang), html.escape(d.opened_by)),
            line(tr("col_decision", lang), f"{when(d.decision_due)}"),
            line(tr("col_questioning", lang),
                 f"{when(d.questioning_ends)} · "
                 + html.escape(tr("hours", lang, hours=d.limits.questioning_hours))
                 + (f" · <b>{html.escape(tr('detention_possible', lang))}</b>"
                    if d.limits.detention_possible else "")),
            line(tr("rights", lang), when(d.rights_acknowledged_at)),
            line(tr("consent", lang), when(d.consent_at)),
            line(tr("interview", lang),
                 f"{when(d.interview_started_at)} → {when(d.interview_ended_at)}"
                 + (f" ({duration_words(d.interview_ended_at - d.interview_started_at)})"
                    if d.interview_started_at and d.interview_ended_at else "")),
        ]
        if not row.is_final and d.start_code:
            rows.insert(1, line(tr("start_code", lang), f"<b>{html.escape(d.start_code)}</b>"))
        identity = [line(label.get(lang, label["zh"]),
                         html.escape(identity_words(key, d.party[key], lang)))
                    for key, label in IDENTITY_FIELDS if d.party.get(key) not in (None, "")]
        eligibility = [line(e.item.question, html.escape(e.item.answer or tr("not_answered",
                                                                                lang)))
                       for e in d.eligibility]
        parts = [f"<table>{''.join(rows)}</table>"]
        if d.decision:
            rows_html = "".join(line(k, html.escape(v))
                                for k, v in decision_words(d.decision, lang))
            parts.append(f"<h3>{tr('decision', lang)}</h3><table>{rows_html}</table>")
        if d.notice and not d.decision:
            parts.append(f"<h3>{tr('notice_heading', lang)}</h3>"
                         f"<p>{self._notice_html(d)}</p>")
        if d.conversion_reason:
            parts.append(f"<h3>{tr('conversion', lang)}</h3>"
                         f"<p>{html.escape(d.conversion_reason)}</p>")
        parts.append(f"<h3>{tr('identity', lang)}</h3><table>{''.join(identity)}</table>")
        parts.append(f"<h3>{tr('eligibility', lang)}</h3><table>{''.join(eligibility)}</table>")
        if d.calculated:
            values = "".join(line(name, html.escape(value)) for name, value in d.calculated)
            parts.append(f"<h3>{tr('calculated', lang)}</h3><table>{values}</table>")
        keep = self.overview.verticalScrollBar().value()
        self.overview.setHtml("".join(parts))
        self.overview.verticalScrollBar().setValue(keep)

    def _notice_html(self, d: CaseDetail) -> str:
        """Where the notice of the intended penalty stands (PSAPL Art. 112), one line each."""
        lang, notice = self.language, d.notice or {}
        proposal = notice["proposal"]
        kind = str(proposal["penalty_type"])
        words = [tr(f"penalty_{kind}", lang) if f"penalty_{kind}" in STRINGS else kind]
        if proposal.get("days"):
            words.append(f"{proposal['days']} {'日' if lang == 'zh' else 'days'}")
        if proposal.get("amount"):
            words.append(f"{proposal['amount']} {'元' if lang == 'zh' else 'yuan'}")
        penalty = " ".join(words)
        lines = [tr("notice_proposed_penalty", lang, penalty=penalty)]
        if notice["answer"] is None:
            lines.append(tr("notice_awaiting_party", lang, start_code=d.start_code))
        elif notice["answer"] == "accepted":
            lines.append(tr("notice_accepted", lang))
        else:
            lines.append(tr("notice_argued", lang, text=(notice["argument"] or {}).get("text")
                            or "—"))
            if notice["reply"]:
                lines.append(tr("notice_replied", lang, who=notice["replied_by"],
                                text=notice["reply"]))
        return "<br>".join(html.escape(line) for line in lines)

    def _draw_statement(self, d: CaseDetail) -> None:
        lang = self.language
        blocks = [f"<div style=\"font-family:{theme.DOCUMENT_FONT_FAMILY};font-size:17px\">"]
        for line in d.answers:
            item = line.item
            background = ""
            if item.path in self._fresh:
                background = f"background-color:{theme.NEW_LIGHT};"
            comment = self.comments.get(item.path) or line.comment
            if comment:
                background = f"background-color:{theme.AMBER_LIGHT};"
            if item.heading:
                blocks.append(f"<p style='font-weight:700;margin-top:12px'>"
                              f"{html.escape(item.heading)}</p>")
            answer = html.escape(item.answer) if item.is_answered else \
                f"<span style='color:{theme.MUTED}'>{tr('not_answered', lang)}</span>"
            style = f"style='{background}margin:0;padding:3px 6px'"
            anchor = "<a name='fresh'></a>" if item.path in self._fresh else ""
            blocks.append(
                f"<p {style}>{anchor}<b>{tr('question', lang)}：</b>"
                f"{html.escape(item.question)}</p>"
                f"<p {style}><b>{tr('answer', lang)}：</b>{answer}</p>"
                + (f"<p {style}><span style='color:{theme.NEAR_INK}'><b>"
                   f"{tr('officer_comment', lang)}</b>{html.escape(comment)}</span></p>"
                   if comment else "")
                + "<p style='margin:0;font-size:6px'>&nbsp;</p>")
        blocks.append("</div>")
        keep = self.statement.verticalScrollBar().value()
        self.statement.setHtml("".join(blocks))
        self.statement.verticalScrollBar().setValue(keep)
        # A party answering live: follow the newest answer.
        if self._fresh and self.tabs.currentWidget() is self.statement:
            self.statement.scrollToAnchor("fresh")

    def _draw_answers(self, d: CaseDetail, *, keep_position: bool) -> None:
        signature = (tuple((line.item.path, line.item.answer, len(line.revisions), line.comment)
                           for line in d.answers),
                     tuple(sorted(self.comments.items())), tuple(sorted(self._fresh)))
        if keep_position and signature == self._answers_drawn:
            return  # nothing new: leave the tree (and what the officer is doing) alone
        self._answers_drawn = signature
        current = self.answers.currentItem()
        chosen = current.data(0, Qt.ItemDataRole.UserRole) if current else None
        expanded = {self.answers.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                    for i in range(self.answers.topLevelItemCount())
                    if self.answers.topLevelItem(i).isExpanded()}
        # A redraw must never touch the comment being typed: no selection signals meanwhile.
        self.answers.blockSignals(True)
        self.answers.clear()
        fresh = QColor(theme.NEW_LIGHT)
        commented = QColor(theme.AMBER_LIGHT)
        for line in d.answers:
            item = QTreeWidgetItem([line.item.question,
                                    line.item.answer if line.item.is_answered
                                    else tr("not_answered", self.language),
                                    str(len(line.revisions)) if line.revisions else "",
                                    self.comments.get(line.item.path, line.comment)])
            item.setData(0, Qt.ItemDataRole.UserRole, line.item.path)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
            item.setToolTip(0, line.item.path)
            if line.item.path in self._fresh:
                for column in range(4):
                    item.setBackground(column, fresh)
            if self.comments.get(line.item.path) or line.comment:
                item.setBackground(3, commented)
            for revision in line.revisions:
                child = QTreeWidgetItem([
                    tr("revision", self.language, n=revision.revision),
                    value_words(revision.value, self.language), "",
                    f"{local(revision.given_at, '%m-%d %H:%M:%S')} · {revision.given_by}"])
                child.setData(0, Qt.ItemDataRole.UserRole, line.item.path)
                child.setData(0, REVISION_ROLE, revision.revision)
                child.setForeground(0, QColor(theme.MUTED))
                item.addChild(child)
            self.answers.addTopLevelItem(item)
            item.setExpanded(keep_position and line.item.path in expanded)
            if keep_position and chosen == line.item.path:
                self.answers.setCurrentItem(item)
        self.answers.blockSignals(False)

    def _draw_documents(self, d: CaseDetail, *, keep: bool) -> None:
        current = self.document_list.currentItem()
        chosen = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.document_list.blockSignals(True)
        self.document_list.clear()
        for doc in d.documents:
            name = DOCUMENT_NAMES.get(doc.kind, {}).get(self.language, doc.kind)
            text = f"{name}\n{tr('pages', self.language, n=doc.pages)} · {local(doc.created_at)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
            self.document_list.addItem(item)
            if keep and doc.id == chosen:
                self.document_list.setCurrentItem(item)
        if not d.documents:
            placeholder = QListWidgetItem(tr("no_documents", self.language))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.document_list.addItem(placeholder)
        self.document_list.blockSignals(False)
        if not (keep and chosen is not None):
            self.pdf.close()

    def _draw_audit(self, d: CaseDetail) -> None:
        self.audit.setRowCount(len(d.audit))
        for position, event in enumerate(d.audit):
            payload = {k: v for k, v in event["payload"].items() if v not in (None, {}, [])}
            cells = (str(event["seq"]), local(event["at"], "%m-%d %H:%M:%S"), event["actor"],
                     event["action"], json.dumps(payload, ensure_ascii=False)[:200])
            for column, text in enumerate(cells):
                self.audit.setItem(position, column, QTableWidgetItem(text))

    # -- comments --------------------------------------------------------------------------

    def _chosen_path(self) -> str | None:
        item = self.answers.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _answer_chosen(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        path = current.data(0, Qt.ItemDataRole.UserRole) if current else None
        self.comment.setText(self.comments.get(path, "") if path else "")
        self.comment_error.clear()
        if path:  # play the recording from the moment this answer (revision) was given
            self.recording.seek_to_answer(path, current.data(0, REVISION_ROLE))

    def add_comment(self) -> None:
        path = self._chosen_path()
        text = self.comment.text().strip()
        if path is None:
            self.comment_error.setText(tr("choose_answer", self.language))
            return
        if not text:
            self.comment.setProperty("invalid", True)
            self.comment.style().polish(self.comment)
            return
        self.comment.setProperty("invalid", False)
        self.comment.style().polish(self.comment)
        self.comment_error.clear()
        self.comments[path] = text
        self.comment.clear()
        self._redraw_comments()

    def remove_comment(self) -> None:
        path = self._chosen_path()
        if path is not None and self.comments.pop(path, None) is not None:
            self.comment.clear()
            self._redraw_comments()

    def _redraw_comments(self) -> None:
        if self.detail is not None:
            self._draw_statement(self.detail)
            self._draw_answers(self.detail, keep_position=True)
        self.comments_changed.emit()

    # -- documents -------------------------------------------------------------------------

    def _document_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None and current.data(Qt.ItemDataRole.UserRole) is not None:
            self.document_wanted.emit(int(current.data(Qt.ItemDataRole.UserRole)))

    def show_pdf(self, data: bytes) -> None:
        self.pdf.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if self._pdf_buffer is not None:
            self._pdf_buffer.deleteLater()
        self._pdf_buffer = buffer
        self.pdf.load(buffer)
