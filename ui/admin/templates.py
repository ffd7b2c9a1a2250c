"""The template editor page of `kiosk admin`: versions on the left, the draft in the middle.

An admin never edits YAML by hand: the tree lists the draft's sections and questions (drag to
reorder, or Move up / Move down), the form edits the chosen one, the loader checks the whole
draft a moment after each keystroke and every problem is shown next to its field (and marks its
line in the tree red), and the preview shows the kiosk's own screen for the question. Drafts are
saved as they are edited (nothing typed is lost), every change can be undone and redone
(`ui/admin/editor/undo.py`); publishing makes a new immutable version, with a second admin's
approval when the station asks for it (`template_four_eyes`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk import template_drafts as drafts
from kiosk.changes import latest_seq
from kiosk.station import Station
from kiosk.template_edit import EditError, OutlineItem, TemplateDocument
from kiosk.template_loader import TemplateInvalid, TemplateProblem, parse_template
from kiosk.template_model import QuestionType, Template, text_in
from kiosk.template_store import list_versions
from ui import theme
from ui.admin.editor.dialogs import DiffDialog, NewQuestionDialog, NewTemplateDialog
from ui.admin.editor.forms import NodeForm, ask
from ui.admin.editor.preview import PreviewPane
from ui.admin.editor.strings import problem_words, tr
from ui.admin.editor.undo import EditHistory, undo_controls
from ui.notifier import ChangeNotifier
from ui.operations import Operations

CHECK_MS = 300
LOOK_MS = 3000  # how often the list looks for other admins' changes without a wake-up
SAVE_MS = 1500
PATH_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class OutlineTree(QTreeWidget):
    """The draft's outline; a drag reorders within the same list and nothing else."""

    def __init__(self, on_move: Callable[[tuple, int], None]) -> None:
        super().__init__()
        self.on_move = on_move
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def dropEvent(self, event: QDropEvent) -> None:
        moving = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        event.ignore()  # the tree is rebuilt from the document; Qt must not move items itself
        if moving is None or target is None or moving is target:
            return
        source, dest = moving.data(0, PATH_ROLE), target.data(0, PATH_ROLE)
        if moving.data(0, KIND_ROLE) != target.data(0, KIND_ROLE) or \
                tuple(source[:-1]) != tuple(dest[:-1]):
            return  # only among siblings: a question stays in its section or group
        self.on_move(tuple(source), int(dest[-1]))


class TemplateEditorPage(QWidget):
    """Templates, their versions and the draft being edited, with a live kiosk preview."""

    def __init__(self, station: Station, username: str, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.username = username
        self.language = language
        self.operations = Operations(self)
        self.document: TemplateDocument | None = None
        self.template_id: str | None = None
        self.draft_status = ""
        self.requested_by: str | None = None
        self.draft_sha = ""
        # The hash of the draft's text as this page last read or saved it; the saves (run one
        # after another on the worker thread) check and move it, so another admin's save made
        # meanwhile is never overwritten by an autosave.
        self._saved: dict[str, str] = {"sha": ""}
        self.save_conflict = False  # another admin saved this draft; only 保存草稿 overwrites
        self._saved_words: tuple[str, str] | None = None  # (the text saved, "草稿已保存 HH:MM")
        self.problems: list[TemplateProblem] = []
        self.valid_template: Template | None = None
        self.current_path: tuple | None = None
        self.current_kind = ""
        self.form: NodeForm | None = None
        self._speech: Any = None
        self.history = EditHistory(
            lambda: self.document.source() if self.document is not None else None,
            self._restore, self)

        # left: templates and versions
        self.versions = QTreeWidget()
        self.versions.setHeaderHidden(True)
        self.versions.itemSelectionChanged.connect(self._version_chosen)
        self.new_button = QPushButton(tr("new_template", language))
        self.edit_button = QPushButton(tr("edit", language))
        self.import_button = QPushButton(tr("import", language))
        self.export_button = QPushButton(tr("export", language))
        self.retire_button = QPushButton(tr("retire", language))
        self.diff_button = QPushButton(tr("diff", language))
        # Each through a lambda: clicked(bool) would land in the first optional argument (the
        # new id, the file), which the buttons always ask for.
        self.new_button.clicked.connect(lambda: self.new_template())
        self.edit_button.clicked.connect(self.start_draft)
        self.import_button.clicked.connect(lambda: self.import_file())
        self.export_button.clicked.connect(lambda: self.export_file())
        self.retire_button.clicked.connect(self.toggle_retired)
        self.diff_button.clicked.connect(lambda: self.show_diff())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        title = QLabel(tr("templates", language))
        title.setProperty("role", "title")
        left_layout.addWidget(title)
        left_layout.addWidget(self.versions, 1)
        # One button per line: the column stays narrow and no label is ever cut.
        for button in (self.new_button, self.edit_button, self.import_button, self.export_button,
                       self.retire_button, self.diff_button):
            left_layout.addWidget(button)
        self.left_buttons = (self.new_button, self.edit_button, self.import_button,
                             self.export_button, self.retire_button, self.diff_button)

        # middle: the draft
        self.heading = QLabel(tr("no_draft", language))
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        self.status = QLabel()
        self.status.setProperty("role", "subtitle")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.save_button = QPushButton(tr("save", language))
        self.publish_button = QPushButton(tr("publish", language))
        self.publish_button.setProperty("role", "primary")
        self.discard_button = QPushButton(tr("discard", language))
        self.discard_button.setProperty("role", "stop")
        self.save_button.clicked.connect(lambda: self.save_now(overwrite=True))
        self.publish_button.clicked.connect(lambda: self.publish())
        self.discard_button.clicked.connect(lambda: self.discard())
        # Shown after a discard, until the editor closes: the draft thrown away comes back.
        self.undo_discard_button = QPushButton(tr("undo_discard", language))
        self.undo_discard_button.clicked.connect(self.undo_discard)
        self.undo_discard_button.hide()
        self.discarded: tuple[str, str, str] | None = None  # template id, title, text's hash
        self.undo_button, self.redo_button = undo_controls(self.history, self, language)
        self.outline = OutlineTree(self.move_node)
        self.outline.currentItemChanged.connect(self._node_chosen)
        self.add_question_button = QPushButton(tr("add_question", language))
        self.add_section_button = QPushButton(tr("add_section", language))
        self.add_exclusion_button = QPushButton(tr("add_exclusion", language))
        self.remove_button = QPushButton(tr("remove", language))
        self.up_button = QPushButton("↑")
        self.up_button.setToolTip(tr("up", language))
        self.down_button = QPushButton("↓")
        self.down_button.setToolTip(tr("down", language))
        self.add_question_button.clicked.connect(lambda: self.add_question())
        self.add_section_button.clicked.connect(lambda: self.add_section())
        self.add_exclusion_button.clicked.connect(lambda: self.add_exclusion())
        self.remove_button.clicked.connect(self.remove_node)
        self.up_button.clicked.connect(lambda: self.step_node(-1))
        self.down_button.clicked.connect(lambda: self.step_node(1))
        outline_box = QWidget()
        outline_layout = QVBoxLayout(outline_box)
        outline_layout.setContentsMargins(0, 0, 0, 0)
        outline_layout.addWidget(self.outline, 1)
        for row in ((self.add_question_button, self.add_section_button),
                    (self.add_exclusion_button,),
                    (self.remove_button, self.up_button, self.down_button)):
            tools = QHBoxLayout()
            for button in row:
                tools.addWidget(button)
            outline_layout.addLayout(tools)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.preview = PreviewPane(language)
        self.editor_split = QSplitter()
        self.editor_split.addWidget(outline_box)
        self.editor_split.addWidget(self.form_area)
        self.editor_split.addWidget(self.preview)
        self.editor_split.setSizes([380, 760, 520])
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 8, 8, 8)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.undo_button)
        head.addWidget(self.redo_button)
        head.addSpacing(16)
        head.addWidget(self.undo_discard_button)
        head.addWidget(self.discard_button)
        # Publishing stands apart from discarding and saving: a slip of the hand reaches neither
        # (and each asks first).
        head.addWidget(self.save_button)
        head.addSpacing(24)
        head.addWidget(self.publish_button)
        middle_layout.addLayout(head)
        middle_layout.addWidget(self.status)
        middle_layout.addWidget(self.message)
        middle_layout.addWidget(self.editor_split, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(middle)
        split.setSizes([240, 1680])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_MS)
        self.check_timer.timeout.connect(self.check)
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_MS)
        self.save_timer.timeout.connect(self.autosave)
        self._show_draft_controls()
        self._follow_other_admins()
        self.refresh_versions()

    # -- other admins' changes -------------------------------------------------------------

    def _follow_other_admins(self) -> None:
        """The template list follows other admins' drafts, publications and retirements.

        Every such change is an audit event (kiosk/template_drafts.py), so the list is read
        again when the audit feed has moved. The change notifier says when to look (SQLite: any
        commit; PostgreSQL: only cases are announced, so a slow poll looks as well)."""
        self._seen_seq: int | None = None
        self._looking = False
        self.notifier = ChangeNotifier(self.station.settings.resolved_database_url, self)
        self.notifier.changed.connect(lambda _ids: self._look_for_changes())
        self.notifier.resynced.connect(self._look_for_changes)
        self.look_timer = QTimer(self)
        self.look_timer.setInterval(LOOK_MS)
        self.look_timer.timeout.connect(self._look_for_changes)
        self.notifier.start()
        self.look_timer.start()

    def _look_for_changes(self) -> None:
        if self._looking:
            return  # one read at a time: a burst of wake-ups is one look
        self._looking = True

        def done(seq: int) -> None:
            self._looking = False
            if self._seen_seq is not None and seq != self._seen_seq:
                self._seen_seq = seq  # one refresh for this change, however many looks
                self.refresh_versions()

        def failed(_exc: BaseException) -> None:
            self._looking = False  # the next wake-up or tick tries again

        self.operations.run(self._session(latest_seq, readonly=True), done, failed)

    # -- background work -------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.operations.run(work, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, drafts.DraftConflict) and exc.changed_by is not None:
            self.save_conflict = True  # the admin's text stays here, unsaved, until they choose
            when = f"{exc.changed_at.astimezone():%H:%M}" if exc.changed_at else ""
            self.say(tr("save_conflict", self.language, who=exc.changed_by, time=when),
                     "notice")
            return
        if isinstance(exc, TemplateInvalid):
            text = tr("import_refused", self.language,
                      problems="\n".join(p.located(self.language) for p in exc.problems[:12]))
        else:
            text = tr("failed", self.language, why=exc)
        self.say(text, "notice")

    def say(self, text: str, role: str = "done") -> None:
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _session(self, work: Callable[[Any], Any], *, readonly: bool = False) -> Callable[[], Any]:
        station = self.station

        def run() -> Any:
            with station.database.session(readonly=readonly) as session:
                return work(session)

        return run

    # -- versions ----------------------------------------------------------------------------

    def refresh_versions(self, then: Callable[[], None] | None = None) -> None:
        def read(session: Any) -> tuple[list[Any], dict[str, Any], int]:
            seq = latest_seq(session)  # the list as of this audit event
            rows = [(r.template_id, r.version, dict(r.title), r.is_retired, r.published_at)
                    for r in list_versions(session)]
            open_drafts = {d.template_id: (d.status, d.base_version)
                           for d in drafts.list_drafts(session)}
            return rows, open_drafts, seq

        def done(result: tuple[list[Any], dict[str, Any], int]) -> None:
            rows, open_drafts, seq = result
            self._seen_seq = seq
            chosen = self._chosen_version()
            self.versions.blockSignals(True)  # rebuilding is not the admin choosing
            self.versions.clear()
            templates: dict[str, QTreeWidgetItem] = {}
            for template_id, version, title, retired, published_at in rows:
                parent = templates.get(template_id)
                if parent is None:
                    parent = QTreeWidgetItem([f"{text_in(title, self.language)}  ({template_id})"])
                    parent.setData(0, PATH_ROLE, (template_id, None))
                    templates[template_id] = parent
                    self.versions.addTopLevelItem(parent)
                words = tr("version", self.language, n=version)
                words += f" · {published_at.astimezone():%Y-%m-%d}"
                if retired:
                    words += f" · {tr('retired', self.language)}"
                child = QTreeWidgetItem([words])
                child.setData(0, PATH_ROLE, (template_id, version))
                if retired:
                    child.setForeground(0, QColor(theme.MUTED))
                parent.addChild(child)
            for template_id, (status, _base) in open_drafts.items():
                parent = templates.get(template_id)
                if parent is None:
                    parent = QTreeWidgetItem([template_id])
                    parent.setData(0, PATH_ROLE, (template_id, None))
                    templates[template_id] = parent
                    self.versions.addTopLevelItem(parent)
                words = tr("draft", self.language)
                if status == "awaiting_approval":
                    words += f" · {tr('awaiting', self.language)}"
                child = QTreeWidgetItem([words])
                child.setData(0, PATH_ROLE, (template_id, "draft"))
                child.setForeground(0, QColor(theme.BLUE))
                parent.addChild(child)
            self.versions.expandAll()
            if chosen is not None:
                self._choose_version(*chosen)
            self.versions.blockSignals(False)
            if then is not None:
                then()

        self._run(self._session(read, readonly=True), done)

    def _chosen_version(self) -> tuple[str, Any] | None:
        item = self.versions.currentItem()
        return tuple(item.data(0, PATH_ROLE)) if item is not None else None  # type: ignore[return-value]

    def _choose_version(self, template_id: str, version: Any) -> None:
        for i in range(self.versions.topLevelItemCount()):
            parent = self.versions.topLevelItem(i)
            for j in range(-1, parent.childCount()):
                item = parent if j < 0 else parent.child(j)
                if tuple(item.data(0, PATH_ROLE)) == (template_id, version):
                    self.versions.setCurrentItem(item)
                    return

    def _version_chosen(self) -> None:
        chosen = self._chosen_version()
        if chosen is not None and chosen[1] == "draft" and chosen[0] != self.template_id:
            self.open_draft(chosen[0])

    # -- opening, saving, publishing a draft --------------------------------------------------

    def open_draft(self, template_id: str) -> None:
        self._flush_save()  # read after the open draft's last change is stored

        def read(session: Any) -> tuple[str, str, str | None, str]:
            draft = drafts.get_draft(session, template_id)
            return draft.source, draft.status, draft.requested_by, draft.sha256

        def done(result: tuple[str, str, str | None, str]) -> None:
            source, status, requested_by, sha = result
            try:
                document = TemplateDocument(source)
            except Exception as exc:  # not YAML at all: say so rather than lose it
                self.say(tr("failed", self.language, why=exc), "notice")
                return
            # A change made meanwhile belongs to the draft open until now, and is checked
            # against that draft's last saved text, before this one takes over.
            self._flush_save()
            self.draft_sha = sha  # an approval is of exactly the text this admin has seen
            self._saved = {"sha": sha}
            self.save_conflict = False
            self.history.reset()  # undo never brings back a text of the draft replaced
            self.document = document
            self.template_id = template_id
            self.draft_status = status
            self.requested_by = requested_by
            self.current_path = None
            self._rebuild_outline()
            self._show_draft_controls()
            self.check()  # its text is where undo stops

        self._run(self._session(read, readonly=True), done)

    def _show_draft_controls(self) -> None:
        has = self.document is not None
        for widget in (self.save_button, self.publish_button, self.discard_button,
                       self.add_section_button, self.add_exclusion_button):
            widget.setEnabled(has)
        self._enable_outline_tools()
        if not has:
            self.heading.setText(tr("no_draft", self.language))
            self.status.clear()
            return
        assert self.document is not None
        version = self.document.root.get("version")
        title = text_in({str(k): str(v) for k, v in (self.document.root.get("title") or {})
                         .items()}, self.language)
        self.heading.setText(f"{title or self.template_id} · {tr('draft', self.language)} "
                             f"{tr('version', self.language, n=version)}")
        awaiting = self.draft_status == "awaiting_approval"
        mine = self.requested_by == self.username
        self.publish_button.setText(tr("approve" if awaiting and not mine else "publish",
                                       self.language))
        self.publish_button.setEnabled(not (awaiting and mine))

    def _enable_outline_tools(self) -> None:
        """The outline's buttons that apply to the chosen line: a question is not added among
        the exclusions, and only a question, a section or an exclusion is removed or moved."""
        has = self.document is not None
        movable = has and self.current_kind in ("question", "section", "exclusion")
        self.add_question_button.setEnabled(
            has and self.current_kind not in ("exclusions", "exclusion"))
        for button in (self.remove_button, self.up_button, self.down_button):
            button.setEnabled(movable)

    def _edited(self) -> None:
        self.history.changed()
        self._follow_change()

    def _follow_change(self) -> None:
        """After any change of the draft (an edit, an undo): check it soon, save it a bit later."""
        self.check_timer.start()
        self.save_timer.start()

    def _flush_save(self) -> None:
        if self.save_timer.isActive():
            self.autosave()

    def autosave(self) -> None:
        """The save a moment after a change: never over another admin's save."""
        if not self.save_conflict:
            self.save_now()
        else:
            self.save_timer.stop()

    def save_now(self, overwrite: bool = False) -> None:
        """Saves the draft; 保存草稿 (`overwrite`) also saves over another admin's change."""
        if self.document is None or self.template_id is None:
            return
        self.save_timer.stop()
        source, template_id, actor = self.document.source(), self.template_id, self.username
        self.history.settle(source)
        saved = self._saved

        def work(session: Any) -> None:
            draft = drafts.save_draft(session, template_id, source, actor=actor,
                                      expected_sha256=None if overwrite else saved["sha"])
            saved["sha"] = draft.sha256

        def failed(exc: BaseException) -> None:
            if self.template_id != template_id:
                return  # about a draft no longer open here: its page state is gone already
            self._failed(exc)

        def done(_result: object) -> None:
            if self.template_id != template_id:
                return  # the page has moved on to another draft (or none)
            self.save_conflict = False
            self.draft_status = "editing"
            self._show_draft_controls()
            self._saved_words = (source, tr("saved", self.language,
                                            time=f"{datetime.now():%H:%M:%S}"))
            self.status.setText(self._status_words())

        self.operations.run(self._session(work), done, failed)

    def publish(self) -> None:
        if self.document is None or self.template_id is None:
            return
        self.check()
        if self.problems:
            self.say(tr("cannot_publish", self.language, n=len(self.problems)), "notice")
            return
        source, template_id, actor = self.document.source(), self.template_id, self.username
        settings = self.station.settings
        approving = self.draft_status == "awaiting_approval" and self.requested_by != actor
        what = "approve" if approving else ("request" if settings.template_four_eyes
                                            else "publish")
        words = {"title": self._title(), "n": self.document.root.get("version"),
                 "who": self.requested_by or ""}
        if not ask(self, tr("publish_title", self.language),
                   tr(f"{what}_ask", self.language, **words),
                   yes=tr(f"{what}_yes", self.language), no=tr("cancel", self.language)):
            return
        self.save_timer.stop()  # the publication saves the draft itself, first
        seen, saved = self.draft_sha, self._saved

        def work(session: Any) -> Any:
            if not approving:  # never over another admin's save made meanwhile
                draft = drafts.save_draft(session, template_id, source, actor=actor,
                                          expected_sha256=saved["sha"])
                saved["sha"] = draft.sha256
            if approving:
                return drafts.approve_publication(session, template_id, actor=actor,
                                                  settings=settings, expected_sha256=seen)
            return drafts.publish_draft(session, template_id, actor=actor, settings=settings)

        def done(outcome: Any) -> None:
            row = getattr(outcome, "version", None)
            if row is not None:
                self.say(tr("published", self.language, id=template_id, n=row.version))
                self.history.reset()  # that text is a version now: no undo into it
                self.document = None
                self.template_id = None
                self.outline.clear()
                self._set_form(None)
                self.preview.show_question(None, None)
            else:
                self.say(tr("requested", self.language))
                self.draft_status = "awaiting_approval"
                self.requested_by = actor
            self._show_draft_controls()
            self.refresh_versions()

        self._run(self._session(work), done)

    def _title(self) -> str:
        """The open draft's title in the admin's language (its id while it has none)."""
        if self.document is None:
            return self.template_id or ""
        return text_in(self.document.text((), "title"), self.language) or self.template_id or ""

    def discard(self) -> None:
        """Throws the draft away, after asking; 恢复草稿 brings it back until the editor
        closes."""
        if self.template_id is None or self.document is None:
            return
        title = self._title()
        if not ask(self, tr("discard_title", self.language),
                   tr("discard_ask", self.language, title=title),
                   yes=tr("discard_yes", self.language), no=tr("cancel", self.language)):
            return
        self.save_timer.stop()
        template_id, actor = self.template_id, self.username
        # The draft as this admin sees it is what comes back: saved first if it was not yet.
        source, saved = self.document.source(), self._saved
        save_first = not self.save_conflict  # never over another admin's save

        def work(session: Any) -> str:
            if save_first:
                saved["sha"] = drafts.save_draft(session, template_id, source, actor=actor,
                                                 expected_sha256=saved["sha"]).sha256
            return drafts.discard_draft(session, template_id, actor=actor).sha256

        def done(sha: str) -> None:
            self.discarded = (template_id, title, sha)
            self.undo_discard_button.show()
            self.say(tr("discarded", self.language, title=title))
            self.history.reset()
            self.document = None
            self.template_id = None
            self.outline.clear()
            self._set_form(None)
            self._show_draft_controls()
            self.refresh_versions()

        self._run(self._session(work), done)

    def undo_discard(self) -> None:
        """The draft just discarded, open again as it was."""
        if self.discarded is None:
            return
        template_id, _title, sha = self.discarded
        actor = self.username

        def work(session: Any) -> None:
            drafts.undo_discard(session, template_id, actor=actor, expected_sha256=sha)

        def done(_result: object) -> None:
            self.discarded = None
            self.undo_discard_button.hide()
            self.say("")
            self.refresh_versions(lambda: self._open_chosen(template_id))

        def failed(exc: BaseException) -> None:
            self.discarded = None  # that draft is gone for good: another admin moved on
            self.undo_discard_button.hide()
            self._failed(exc if not isinstance(exc, drafts.DraftConflict) else
                         drafts.DraftError(str(exc)))

        self.operations.run(self._session(work), done, failed)

    def start_draft(self) -> None:
        chosen = self._chosen_version()
        if chosen is None:
            return
        template_id, actor = chosen[0], self.username

        def work(session: Any) -> None:
            drafts.start_draft(session, template_id, actor=actor)

        self._run(self._session(work),
                  lambda _r: self.refresh_versions(lambda: self._open_chosen(template_id)))

    def _open_chosen(self, template_id: str) -> None:
        self._choose_version(template_id, "draft")
        self.open_draft(template_id)

    def new_template(self, template_id: str | None = None,
                     titles: dict[str, str] | None = None) -> None:
        if template_id is None:
            dialog = NewTemplateDialog(self.station.settings.languages, self.language, self)
            self.new_template_dialog = dialog
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            template_id, titles = dialog.values()
        assert titles is not None
        languages = list(self.station.settings.languages)
        actor = self.username
        chosen_id = template_id

        def work(session: Any) -> None:
            drafts.new_template_draft(session, chosen_id, title=titles, languages=languages,
                                      actor=actor)

        self._run(self._session(work),
                  lambda _r: self.refresh_versions(lambda: self._open_chosen(chosen_id)))

    # -- the outline -----------------------------------------------------------------------

    def _rebuild_outline(self) -> None:
        """The outline of the document, with the line at `current_path` chosen again (or, if
        that node is gone, the nearest line above it)."""
        assert self.document is not None
        keep = tuple(self.current_path or ())
        self.outline.blockSignals(True)
        self.outline.clear()
        root = QTreeWidgetItem([tr("template_node", self.language)])
        root.setData(0, PATH_ROLE, ())
        root.setData(0, KIND_ROLE, "template")
        self.outline.addTopLevelItem(root)
        for item in self.document.outline():
            self.outline.addTopLevelItem(self._outline_item(item))
        self.outline.expandAll()
        self.outline.blockSignals(False)
        self._mark_problems()
        chosen = next(item for item in (self._item_at(keep[:n])
                                        for n in range(len(keep), -1, -1)) if item is not None)
        self.outline.setCurrentItem(chosen)

    def _item_at(self, path: tuple) -> QTreeWidgetItem | None:
        for i in range(self.outline.topLevelItemCount()):
            found = self._find(self.outline.topLevelItem(i), path)
            if found is not None:
                return found
        return None

    def _outline_item(self, item: OutlineItem) -> QTreeWidgetItem:
        if item.kind in ("eligibility", "exclusions"):
            words = tr(item.kind, self.language)
        else:
            title = text_in(item.title, self.language) if item.title else ""
            words = f"{item.id}  {title}".strip()
        widget = QTreeWidgetItem([words])
        widget.setData(0, PATH_ROLE, item.path)
        widget.setData(0, KIND_ROLE, item.kind)
        flags = widget.flags()
        if item.kind not in ("question", "section", "exclusion"):
            flags &= ~Qt.ItemFlag.ItemIsDragEnabled
        widget.setFlags(flags)
        for child in item.children:
            widget.addChild(self._outline_item(child))
        return widget

    @staticmethod
    def _find(widget: QTreeWidgetItem, path: tuple | None) -> QTreeWidgetItem | None:
        if path is not None and tuple(widget.data(0, PATH_ROLE)) == tuple(path):
            return widget
        for i in range(widget.childCount()):
            found = TemplateEditorPage._find(widget.child(i), path)
            if found is not None:
                return found
        return None

    def _node_chosen(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None or self.document is None:
            return
        kind = current.data(0, KIND_ROLE)
        path = tuple(current.data(0, PATH_ROLE))
        self.current_path, self.current_kind = path, kind
        self._enable_outline_tools()
        if kind in ("template", "section", "question", "exclusion"):
            self._set_form(NodeForm(self.document, path, kind, self.language))
        else:
            self._set_form(None)
        self._show_problems_in_form()
        self._refresh_preview()

    def _set_form(self, form: NodeForm | None) -> None:
        if self.form is not None:
            self.form.deleteLater()
        self.form = form
        if form is None:
            self.form_area.takeWidget()
            return
        form.edited.connect(self._edited)
        form.edited.connect(self._refresh_titles)
        form.retype.connect(lambda: self._node_chosen(self.outline.currentItem(), None))
        form.speak.connect(self.speak)
        self.form_area.setWidget(form)
        self.history.watch(form)

    def _restore(self, text: str) -> None:
        """The draft as it was before or after a step (undo, redo). The outline, the open form
        (the same line, if it still exists, and the same field), the check, the preview and the
        autosave follow as after an edit."""
        focused = self.focusWidget()
        field = focused.objectName() if self.form is not None and focused is not None and \
            self.form.isAncestorOf(focused) else ""
        self.document = TemplateDocument(text)
        self._rebuild_outline()  # chooses the line again: a new form, on the restored text
        again = self.form.findChild(QWidget, field) if self.form is not None and field else None
        if again is not None:
            again.setFocus()
            if isinstance(again, QLineEdit):
                again.end(False)
        self._follow_change()

    def _refresh_titles(self) -> None:
        item = self.outline.currentItem()
        if item is None or self.document is None:
            return
        kind, path = item.data(0, KIND_ROLE), tuple(item.data(0, PATH_ROLE))
        if kind in ("question", "section", "exclusion"):
            node = self.document.node(path)
            key = {"question": "prompt", "section": "title", "exclusion": "reason"}[kind]
            title = text_in(self.document.text(path, key), self.language)
            item.setText(0, f"{node.get('id', '')}  {title}".strip())

    def _list_for_new_question(self) -> tuple:
        path, kind = self.current_path or (), self.current_kind
        if kind == "eligibility":
            return ("eligibility",)
        if kind == "section":
            return (*path, "questions")
        if kind == "question":
            node = self.document.node(path) if self.document else {}
            if node.get("type") == QuestionType.GROUP:
                return (*path, "questions")
            return tuple(path[:-1])
        return ("sections", 0, "questions")

    def add_question(self, question_id: str | None = None,
                     kind: QuestionType | None = None) -> None:
        if self.document is None:
            return
        prompt = ""
        if question_id is None or kind is None:
            dialog = NewQuestionDialog(self.language, self.document.ids(), self)
            self.new_question_dialog = dialog
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            question_id, kind, prompt = dialog.values()
        self.history.settle()  # the typing before this is a step of its own
        target = self._list_for_new_question()
        position = None
        if self.current_kind == "question" and tuple(self.current_path or ())[:-1] == target:
            position = int(self.current_path[-1]) + 1  # type: ignore[index]
        try:
            path = self.document.add_question(target, question_id, kind, position)
        except EditError as exc:
            self.say(str(exc), "notice")
            return
        if prompt and self.language in self.document.languages:
            self.document.set_text(path, "prompt", self.language, prompt)
        self.current_path = path
        self._rebuild_outline()
        self._edited()

    def add_section(self, section_id: str | None = None) -> None:
        self._add_node("add_section", "new_section_id", section_id,
                       lambda new_id: self.document.add_section(new_id))

    def add_exclusion(self, exclusion_id: str | None = None) -> None:
        """A new exclusion after the chosen one (or at the end): its condition and reason
        are written in its form, which opens at once."""
        position = None
        if self.current_kind == "exclusion" and self.current_path:
            position = int(self.current_path[-1]) + 1
        self._add_node("add_exclusion", "new_exclusion_id", exclusion_id,
                       lambda new_id: self.document.add_exclusion(new_id, position))

    def _add_node(self, title_key: str, label_key: str, node_id: str | None,
                  add: Callable[[str], Any]) -> None:
        """Asks for the new node's id (unless given), adds it as one undo step and opens it."""
        if self.document is None:
            return
        if node_id is None:
            node_id, ok = QInputDialog.getText(self, tr(title_key, self.language),
                                               tr(label_key, self.language))
            if not ok or not node_id.strip():
                return
        self.history.settle()
        try:
            path = add(node_id.strip())
        except EditError as exc:
            self.say(str(exc), "notice")
            return
        self.current_path = path
        self._rebuild_outline()
        self._edited()

    def remove_node(self) -> None:
        if self.document is None or self.current_kind not in ("question", "section",
                                                              "exclusion"):
            return
        assert self.current_path is not None
        self.history.settle()
        path = tuple(self.current_path)
        self.document.remove(path)
        # The line above is chosen next: the previous item, or the list or section it was in.
        index = int(path[-1])
        self.current_path = (*path[:-1], index - 1) if index > 0 else (tuple(path[:-2]) or
                                                                       tuple(path[:-1]))
        self._rebuild_outline()
        self._edited()

    def step_node(self, step: int) -> None:
        if self.current_path and self.current_kind in ("question", "section", "exclusion"):
            self.move_node(tuple(self.current_path), int(self.current_path[-1]) + step)

    def move_node(self, path: tuple, new_index: int) -> None:
        if self.document is None:
            return
        self.history.settle()
        try:
            self.current_path = self.document.move(path, new_index)
        except EditError:
            return
        self._rebuild_outline()
        self._edited()

    # -- checking ----------------------------------------------------------------------------

    def check(self) -> None:
        """The loader's verdict on the whole draft, shown where each problem is."""
        if self.document is None:
            return
        source = self.document.source()
        self.history.settle(source)  # the typing under way is one undo step, ending here
        filename = f"{self.template_id} ({tr('draft', self.language)})"
        self.problems = drafts.draft_problems(source, filename)
        self.valid_template = None
        if not self.problems:
            try:
                self.valid_template = parse_template(source, filename)
            except TemplateInvalid as exc:
                self.problems = list(exc.problems)
        self.status.setText(self._status_words())
        self._mark_problems()
        self._show_problems_in_form()
        self._refresh_preview()

    def _status_words(self) -> str:
        """The problems, and "草稿已保存 HH:MM:SS" while the text on screen is the one saved (a
        check finishing after the save no longer hides that it was saved)."""
        saved = self._saved_words
        if saved is not None and self.document is not None \
                and saved[0] == self.document.source():
            return f"{self._problem_words()} · {saved[1]}"
        return self._problem_words()

    def _problem_words(self) -> str:
        if self.problems:
            return tr("problems", self.language, n=len(self.problems))
        return tr("no_problems", self.language)

    def _mark_problems(self) -> None:
        if self.document is None:
            return
        bad: dict[tuple, list[str]] = {}
        for problem in self.problems:
            path, _key = self.document.locate(problem)
            bad.setdefault(tuple(path) if path is not None else (), []).append(
                problem_words(problem, self.language))

        def walk(item: QTreeWidgetItem) -> None:
            messages = bad.get(tuple(item.data(0, PATH_ROLE)))
            item.setForeground(0, QColor(theme.RED if messages else theme.INK))
            item.setToolTip(0, "\n".join(messages or []))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.outline.topLevelItemCount()):
            walk(self.outline.topLevelItem(i))

    def _show_problems_in_form(self) -> None:
        if self.form is None or self.document is None:
            return
        mine = []
        for problem in self.problems:
            path, key = self.document.locate(problem)
            here = tuple(path) if path is not None else ()
            if here == tuple(self.form.path) or (self.form.kind == "template" and path is None):
                mine.append((key, problem))
        self.form.show_problems(mine)

    def _refresh_preview(self) -> None:
        node_id = None
        if self.document is not None and self.current_kind == "question" and self.current_path:
            node_id = str(self.document.node(self.current_path).get("id", ""))
            if len(self.current_path) > 4 and self.current_path[-2] == "questions" and \
                    self.current_path[-4] == "questions":
                group = self.document.node(self.current_path[:-2])
                node_id = f"{group.get('id')}[0].{node_id}"
        self.preview.show_question(self.valid_template, node_id)

    # -- reading aloud -----------------------------------------------------------------------

    def speak(self, text: str, language: str) -> None:
        if self._speech is None:
            from ui.app import speech_player

            self._speech = speech_player(self.station)
        self._speech.say(text, language)

    # -- files and versions ------------------------------------------------------------------

    def export_file(self, path: Path | None = None) -> None:
        chosen = self._chosen_version()
        if chosen is None:
            return
        template_id, version = chosen
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, tr("export", self.language),
                                                  f"{template_id}.yaml", "YAML (*.yaml)")
            if not name:
                return
            path = Path(name)
        target = path
        wanted = version if isinstance(version, int) else None

        def work(session: Any) -> None:
            target.write_text(drafts.export_version(session, template_id, wanted),
                              encoding="utf-8")

        self._run(self._session(work, readonly=True),
                  lambda _r: self.say(tr("exported", self.language, path=target)))

    def import_file(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, tr("import", self.language), "",
                                                  "YAML (*.yaml *.yml)")
            if not name:
                return
            path = Path(name)
        source_path, actor = path, self.username

        def work(session: Any) -> str:
            source = source_path.read_text(encoding="utf-8")
            return drafts.import_draft(session, source, actor=actor,
                                       filename=str(source_path)).template_id

        self._run(self._session(work),
                  lambda template_id: self.refresh_versions(lambda: self._open_chosen(
                      template_id)))

    def toggle_retired(self) -> None:
        chosen = self._chosen_version()
        if chosen is None or not isinstance(chosen[1], int):
            return
        template_id, version = chosen
        item = self.versions.currentItem()
        retired = tr("retired", self.language) in item.text(0) if item else False
        actor = self.username

        def work(session: Any) -> None:
            if retired:
                drafts.restore_version(session, template_id, version, actor=actor)
            else:
                drafts.retire_version(session, template_id, version, actor=actor)

        self._run(self._session(work), lambda _r: self.refresh_versions())

    def show_diff(self, versions: tuple[int, int] | None = None) -> None:
        chosen = self._chosen_version()
        if chosen is None:
            return
        template_id = chosen[0]

        def read(session: Any) -> list[int]:
            return [r.version for r in list_versions(session) if r.template_id == template_id]

        def ask(numbers: list[int]) -> None:
            if len(numbers) < 2:
                self.say(tr("failed", self.language, why="—"), "notice")
                return
            pair = versions or (numbers[-2], numbers[-1])
            dialog = DiffDialog(self.station, template_id, numbers, pair, self.language, self)
            self.diff_dialog = dialog
            dialog.open()

        self._run(self._session(read, readonly=True), ask)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # Styled now: the column of buttons is never narrower than its longest label.
        for button in self.left_buttons:
            button.setMinimumWidth(button.sizeHint().width())

    def closeEvent(self, event: Any) -> None:
        self.look_timer.stop()
        self.notifier.stop()  # its listening connection goes with the page
        super().closeEvent(event)

    def leave(self) -> None:
        """Before the page goes (a log-out, the window closed): what was just typed is saved
        (never over another admin's save) and the saves are waited for."""
        self._flush_save()
        self.look_timer.stop()
        self.notifier.stop()
        self.operations.wait()
