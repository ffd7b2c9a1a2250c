"""The console's Evidence tab: a case's items (kind, who, when), a viewer, and "add evidence".

`EvidencePanel` only shows items and reports intents (add this file as this kind, show this
item, save a copy, open it outside); `EvidenceActions` carries them out off the UI thread
through the core (kiosk/evidence.py), so the tab never holds a transaction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.blobs import read_blob, write_blob
from kiosk.cases import find_case
from kiosk.evidence import IMAGE_TYPES, PDF_TYPE, EvidenceView, add_evidence
from kiosk.evidence_kinds import EvidenceKind
from kiosk.station import Station
from kiosk.users import get_user
from ui.officer.refusals import refusal
from ui.officer.strings import tr
from ui.officer.timezone import local

FILE_FILTER = "*.png *.jpg *.jpeg *.pdf *.mp4 *.m4v *.mov *.mkv *.webm"
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", PDF_TYPE: ".pdf", "video/mp4": ".mp4",
              "video/quicktime": ".mov", "video/webm": ".webm", "video/x-matroska": ".mkv"}


def size_words(size: int) -> str:
    if size < 1 << 10:
        return f"{size} B"
    if size < 1 << 20:
        return f"{size / (1 << 10):.0f} KB"
    return f"{size / (1 << 20):.1f} MB"


def copy_name(item: EvidenceView) -> str:
    """A name for a saved copy: the original's, or the kind and short hash."""
    return item.name or f"{item.kind}-{item.short_hash}{EXTENSIONS.get(item.media_type, '')}"


class FittedImage(QLabel):
    """An image shrunk to fit the space it has (never enlarged), refitted when that changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.original = QPixmap()

    def show_image(self, pixmap: QPixmap) -> None:
        self.original = pixmap
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.original.isNull():
            self.clear()
            return
        room = self.size()
        if self.original.width() <= room.width() and self.original.height() <= room.height():
            self.setPixmap(self.original)
        else:
            self.setPixmap(self.original.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                                Qt.TransformationMode.SmoothTransformation))


class EvidencePanel(QWidget):
    """The items of one case and the one chosen, shown as an image, a PDF or a clip's card."""

    add_wanted = Signal(str, str)   # a file's path, the kind the officer chose
    item_wanted = Signal(str)       # sha256 of an image or PDF to show
    save_wanted = Signal(str, str)  # sha256, the path of the copy
    open_wanted = Signal(str)       # sha256 to open in the system's viewer or player

    COLUMNS = ("col_evidence_kind", "col_evidence_source", "col_actor", "col_time",
               "col_evidence_size", "col_evidence_name")

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.items: tuple[EvidenceView, ...] = ()
        self.kind = QComboBox()
        for kind in EvidenceKind:
            self.kind.addItem(tr(f"evidence_kind_{kind.value}", language), kind.value)
        self.add = QPushButton(tr("add_evidence", language))
        self.add.setProperty("role", "primary")
        self.add.clicked.connect(self.choose_file)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(key, language) for key in self.COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._chosen(row))
        self.empty = QLabel(tr("no_evidence", language))
        self.empty.setProperty("role", "help")
        self.empty.setWordWrap(True)

        self.hint = QLabel(tr("evidence_choose", language))
        self.hint.setProperty("role", "help")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.image = FittedImage()
        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._pdf_buffer: QBuffer | None = None
        self.clip = QLabel()
        self.clip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clip.setWordWrap(True)
        self.viewer = QStackedWidget()
        for page in (self.hint, self.image, self.pdf_view, self.clip):
            self.viewer.addWidget(page)
        self.save = QPushButton(tr("evidence_save", language))
        self.save.clicked.connect(self.choose_copy)
        self.open = QPushButton(tr("evidence_open", language))
        self.open.clicked.connect(lambda: (item := self.current()) is not None
                                  and self.open_wanted.emit(item.sha256))

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("evidence_kind", language)))
        top.addWidget(self.kind)
        top.addWidget(self.add)
        top.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.viewer, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open)
        buttons.addWidget(self.save)
        right_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(split)
        self._show_nothing()

    # -- drawing ---------------------------------------------------------------------------

    def show_items(self, items: tuple[EvidenceView, ...], *, may_add: bool,
                   keep: bool = False) -> None:
        """Draws a case's items; `keep` holds on to the chosen one (the same case, redrawn)."""
        chosen = self.current().sha256 if keep and self.current() is not None else None
        same = keep and tuple(i.sha256 for i in items) == tuple(i.sha256 for i in self.items)
        self.items = items
        self.add.setEnabled(may_add)
        self.kind.setEnabled(may_add)
        self.add.setToolTip("" if may_add else tr("evidence_closed", self.language))
        self.empty.setVisible(not items)
        if same:
            return  # nothing new: leave the table and the viewer as the officer has them
        self.table.blockSignals(True)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (tr(f"evidence_kind_{item.kind}", self.language),
                     tr(f"evidence_source_{item.source}", self.language), item.added_by,
                     local(item.added_at, "%m-%d %H:%M"), size_words(item.size), item.name)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"SHA-256 {item.sha256}\n{item.media_type}")
                self.table.setItem(row, column, cell)
        self.table.clearSelection()
        self.table.setCurrentCell(-1, -1)
        self.table.blockSignals(False)
        again = next((row for row, item in enumerate(items) if item.sha256 == chosen), None)
        if again is not None:
            self.table.selectRow(again)
        else:
            self._show_nothing()

    def current(self) -> EvidenceView | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_nothing(self) -> None:
        self.pdf.close()
        self.viewer.setCurrentWidget(self.hint)
        self.save.setEnabled(False)
        self.open.setEnabled(False)

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            self._show_nothing()
            return
        item = self.items[row]
        self.save.setEnabled(True)
        self.open.setEnabled(True)
        if item.media_type in IMAGE_TYPES or item.media_type == PDF_TYPE:
            self.hint.setText(tr("evidence_loading", self.language))
            self.viewer.setCurrentWidget(self.hint)
            self.item_wanted.emit(item.sha256)
        else:  # a clip plays in the system's player: the console has no player of its own
            self.clip.setText(tr("evidence_clip", self.language, size=size_words(item.size),
                                 type=item.media_type))
            self.viewer.setCurrentWidget(self.clip)

    def show_content(self, sha256: str, data: bytes) -> None:
        """The bytes of the chosen image or PDF, once read (dropped if another was chosen)."""
        item = self.current()
        if item is None or item.sha256 != sha256:
            return
        if item.media_type == PDF_TYPE:
            self.pdf.close()
            buffer = QBuffer(self)
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            if self._pdf_buffer is not None:
                self._pdf_buffer.deleteLater()
            self._pdf_buffer = buffer
            self.pdf.load(buffer)
            self.viewer.setCurrentWidget(self.pdf_view)
            return
        self.viewer.setCurrentWidget(self.image)
        self.image.show_image(QPixmap.fromImage(QImage.fromData(data)))

    # -- intents ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("add_evidence_title", self.language), "",
                                              f"{tr('evidence_files', self.language)} "
                                              f"({FILE_FILTER});;* (*)")
        if path:
            self.add_wanted.emit(path, str(self.kind.currentData()))

    def choose_copy(self) -> None:
        item = self.current()
        if item is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("evidence_save", self.language),
                                              copy_name(item))
        if path:
            self.save_wanted.emit(item.sha256, path)


class EvidenceActions(QObject):
    """Carries out the panel's intents through the core, off the UI thread, as the signed-in
    officer (read afresh in each transaction, so a disabled account is refused)."""

    def __init__(self, panel: EvidencePanel, station: Station,
                 run: Callable[[Callable[[], Any], Callable[[Any], None],
                                Callable[[BaseException], None]], None],
                 officer: Callable[[], str | None], case_id: Callable[[], str | None],
                 say: Callable[[str, str], None], changed: Callable[[str], None]) -> None:
        super().__init__(panel)
        self.panel, self.station, self.run = panel, station, run
        self.officer, self.case_id, self.say, self.changed = officer, case_id, say, changed
        self.language = panel.language
        panel.add_wanted.connect(self.add)
        panel.item_wanted.connect(self.show)
        panel.save_wanted.connect(self.save)
        panel.open_wanted.connect(self.open)

    def _refused(self, exc: BaseException) -> None:
        self.say(refusal(exc, self.language), "notice")

    def add(self, path: str, kind: str) -> None:
        username, case_id, station = self.officer(), self.case_id(), self.station
        if username is None or case_id is None:
            return
        self.say(tr("working", self.language), "notice")

        def work() -> str:
            with station.database.session() as session:
                case = find_case(session, case_id)
                add_evidence(session, case, get_user(session, username), Path(path),
                             kind=kind, settings=station.settings)
                return case_id

        def done(changed: str) -> None:
            self.say(tr("done_evidence_added", self.language, name=Path(path).name,
                        kind=tr(f"evidence_kind_{kind}", self.language)), "done")
            self.changed(changed)

        self.run(work, done, self._refused)

    def show(self, sha256: str) -> None:
        station = self.station

        def work() -> bytes:
            with station.database.session(readonly=True) as session:
                return read_blob(session, sha256)

        self.run(work, lambda data: self.panel.show_content(sha256, data), self._refused)

    def save(self, sha256: str, path: str) -> None:
        station = self.station

        def work() -> Path:
            with station.database.session(readonly=True) as session:
                return write_blob(session, sha256, Path(path))

        self.run(work, lambda written: self.say(
            tr("done_evidence_saved", self.language, path=str(written)), "done"), self._refused)

    def open(self, sha256: str) -> None:
        """A copy in a private temporary folder, opened by the system's viewer or player."""
        item = next((i for i in self.panel.items if i.sha256 == sha256), None)
        if item is None:
            return
        station = self.station
        folder = Path(tempfile.mkdtemp(prefix="kiosk-evidence-"))

        def work() -> Path:
            with station.database.session(readonly=True) as session:
                return write_blob(session, sha256, folder / copy_name(item))

        self.run(work, lambda written: QDesktopServices.openUrl(QUrl.fromLocalFile(
            str(written))), self._refused)
