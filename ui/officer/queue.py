"""The queue: every case of the station as a row, kept current by the feed, most urgent first."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.settings import Settings
from kiosk.states import ANSWERING, LABELS, CaseStatus
from kiosk.worklist import RECENTLY_DECIDED, QueueRow, Urgency, urgency
from ui import theme
from ui.officer.feed import FeedUpdate
from ui.officer.strings import tr
from ui.officer.timezone import local

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("col_state", "col_party", "col_type", "col_waiting", "col_decision",
           "col_questioning", "col_claimed")
STATE, PARTY, TYPE, WAITING, DECISION, QUESTIONING, CLAIMED = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

# What needs the officer first: a submission waiting, then a case in review, then the rest.
_STATE_ORDER = {CaseStatus.SUBMITTED: 0, CaseStatus.IN_REVIEW: 1, CaseStatus.RETURNED: 2,
                CaseStatus.IN_PROGRESS: 3, CaseStatus.OPENED: 4, CaseStatus.APPROVED: 5,
                CaseStatus.CONVERTED: 6, CaseStatus.MEDIATING: 2, CaseStatus.MEDIATED: 5}
HIGHLIGHT_SECONDS = 12.0

_URGENCY_COLOURS = {
    Urgency.CALM: (theme.CALM_LIGHT, theme.GREEN),
    Urgency.NEAR: (theme.NEAR_LIGHT, theme.NEAR_INK),
    Urgency.URGENT: (theme.URGENT_LIGHT, theme.RED),
    Urgency.OVERDUE: (theme.URGENT_LIGHT, theme.RED),
}


def _questioning(row: QueueRow) -> bool:
    """The questioning limit runs while the party is being questioned (until submission)."""
    return row.status in ANSWERING


def duration_words(delta: timedelta) -> str:
    """A duration as hours and minutes, e.g. "47:05" (h:mm); days are counted in hours."""
    minutes = int(abs(delta.total_seconds()) // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _mix(a: str, b: str, share: float) -> QColor:
    """`a` blended towards `b` by `share` (0: a, 1: b)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(round(ca.red() + (cb.red() - ca.red()) * share),
                  round(ca.green() + (cb.green() - ca.green()) * share),
                  round(ca.blue() + (cb.blue() - ca.blue()) * share))


class QueueModel(QAbstractTableModel):
    """Rows of the queue, updated in place from the feed (never reset while the officer looks)."""

    arrived = Signal(object)  # QueueRow: a case that has just been submitted (not at start-up)

    def __init__(self, settings: Settings, language: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language = language
        self.rows: list[QueueRow] = []
        self._index: dict[str, int] = {}
        self._arrived_at: dict[str, float] = {}  # case id -> monotonic time it arrived live
        self.now = datetime.now(UTC)
        self.loaded = False
        self._fade = QTimer(self)
        self._fade.setInterval(250)
        self._fade.timeout.connect(self._fade_step)

    # -- updates ---------------------------------------------------------------------------

    def apply(self, update: FeedUpdate) -> None:
        """Merges what the feed read: changed rows in place, new rows added, gone rows removed."""
        fresh = {row.case_id: row for row in update.rows}
        if update.is_full:
            gone = set(self._index) - set(fresh)
        else:
            gone = {case_id for case_id in update.changed
                    if case_id in self._index and case_id not in fresh}
        self._remove(gone)
        started = not self.loaded  # the first read: what is there already is no arrival
        self.loaded = True
        for case_id, row in fresh.items():
            position = self._index.get(case_id)
            if position is None:
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
                self.rows.append(row)
                self._index[case_id] = len(self.rows) - 1
                self.endInsertRows()
                if row.status == CaseStatus.SUBMITTED and not started:
                    self._announce(row)
            else:
                before = self.rows[position]
                self.rows[position] = row
                self.dataChanged.emit(self.index(position, 0),
                                      self.index(position, len(COLUMNS) - 1))
                if row.status == CaseStatus.SUBMITTED and before.status != CaseStatus.SUBMITTED:
                    self._announce(row)

    def _remove(self, case_ids: Iterable[str]) -> None:
        for case_id in case_ids:
            position = self._index[case_id]
            self.beginRemoveRows(QModelIndex(), position, position)
            del self.rows[position]
            self.endRemoveRows()
            self._reindex()

    def _reindex(self) -> None:
        self._index = {row.case_id: i for i, row in enumerate(self.rows)}

    def _announce(self, row: QueueRow) -> None:
        self._arrived_at[row.case_id] = time.monotonic()
        self._fade.start()
        self.arrived.emit(row)

    def _fade_step(self) -> None:
        now = time.monotonic()
        for case_id, at in list(self._arrived_at.items()):
            if now - at > HIGHLIGHT_SECONDS:
                del self._arrived_at[case_id]
            position = self._index.get(case_id)
            if position is not None:
                self.dataChanged.emit(self.index(position, 0),
                                      self.index(position, len(COLUMNS) - 1),
                                      [Qt.ItemDataRole.BackgroundRole])
        if not self._arrived_at:
            self._fade.stop()

    def tick(self, now: datetime | None = None) -> None:
        """The clock moved: waiting times and countdowns are drawn again."""
        self.now = now or datetime.now(UTC)
        # A case decided more than a day ago leaves the queue, as it would on a fresh read: a
        # console left running for days keeps only the station's current work.
        self._remove([row.case_id for row in self.rows if row.decided_at is not None
                      and self.now - row.decided_at > RECENTLY_DECIDED])
        if self.rows:
            self.dataChanged.emit(self.index(0, WAITING), self.index(len(self.rows) - 1,
                                                                     QUESTIONING))

    def highlight(self, case_id: str) -> float:
        """How strongly a row is highlighted as new: 1 when it arrives, fading to 0."""
        at = self._arrived_at.get(case_id)
        if at is None:
            return 0.0
        return max(0.0, 1.0 - (time.monotonic() - at) / HIGHLIGHT_SECONDS)

    def row_of(self, case_id: str) -> QueueRow | None:
        position = self._index.get(case_id)
        return None if position is None else self.rows[position]

    # -- Qt's model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section], self.language)
        return None

    def _limits(self, row: QueueRow) -> tuple[datetime, datetime]:
        """The decision deadline and the questioning limit that applies to the row's case."""
        limits = row.limits(self.settings)
        return limits.decision_due, limits.questioning_ends

    def _countdown(self, due: datetime) -> str:
        left = due - self.now
        if left.total_seconds() < 0:
            return tr("overdue", self.language, time=duration_words(left))
        return tr("left", self.language, time=duration_words(left))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        decision_due, questioning_ends = self._limits(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, decision_due, questioning_ends)
        if role == SORT_ROLE:
            return self._sort_key(row, column, decision_due, questioning_ends)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return self._colour(row, column, role, decision_due, questioning_ends)
        if role == Qt.ItemDataRole.ToolTipRole and column in (PARTY, TYPE):
            return f"{row.party_name} · {row.title(self.language)} · {row.code}"
        if role == Qt.ItemDataRole.ToolTipRole and column == DECISION:
            return local(decision_due)
        if role == Qt.ItemDataRole.ToolTipRole and column == QUESTIONING:
            limits = row.limits(self.settings)
            return tr("questioning_tip_detention" if row.detention_possible
                      else "questioning_tip", self.language, until=local(questioning_ends),
                      hours=limits.questioning_hours)
        if role == Qt.ItemDataRole.FontRole and column == STATE \
                and row.status == CaseStatus.SUBMITTED:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, row: QueueRow, column: int, decision_due: datetime,
                 questioning_ends: datetime) -> str:
        if column == STATE:
            return LABELS[CaseStatus(row.status)][self.language]
        if column == PARTY:
            return row.party_name
        if column == TYPE:
            return row.title(self.language)
        if column == WAITING:
            if row.is_final:
                return "—"
            return duration_words(self.now - row.waiting_since())
        if column == DECISION:
            return "—" if row.is_final else self._countdown(decision_due)
        if column == QUESTIONING:
            return "—" if not _questioning(row) else self._countdown(questioning_ends)
        if column == CLAIMED:
            return row.claimed_by or ""
        return ""

    def _sort_key(self, row: QueueRow, column: int, decision_due: datetime,
                  questioning_ends: datetime) -> float | str:
        """Scalars only: Qt's proxy cannot compare Python tuples (they would not sort)."""
        final = 1e11 if row.is_final else 0.0
        if column == STATE:
            return _STATE_ORDER[CaseStatus(row.status)] * 1e11 + decision_due.timestamp()
        if column == WAITING:
            return row.waiting_since().timestamp()
        if column == DECISION:
            return final + decision_due.timestamp()
        if column == QUESTIONING:
            return final + questioning_ends.timestamp()
        return self._display(row, column, decision_due, questioning_ends)

    def _colour(self, row: QueueRow, column: int, role: int, decision_due: datetime,
                questioning_ends: datetime) -> QColor | None:
        background = role == Qt.ItemDataRole.BackgroundRole
        if (column == DECISION and not row.is_final) or (column == QUESTIONING
                                                          and _questioning(row)):
            due = decision_due if column == DECISION else questioning_ends
            light, ink = _URGENCY_COLOURS[urgency(self.now, row.arrived_at, due)]
            return QColor(light if background else ink)
        if background:
            share = self.highlight(row.case_id)
            if share > 0:
                return _mix(theme.PAPER, theme.NEW_LIGHT, share)
        elif row.is_final:
            return QColor(theme.MUTED)
        return None


FILTERS = ("filter_todo", "filter_answering", "filter_decided", "filter_all")
_FILTER_STATES = {
    "filter_todo": {CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.MEDIATING},
    "filter_answering": ANSWERING,
    "filter_decided": {CaseStatus.APPROVED, CaseStatus.CONVERTED, CaseStatus.MEDIATED},
}


class QueueFilter(QSortFilterProxyModel):
    """Which rows show: a group of states and a search on the party's name or the case code."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.group = "filter_todo"
        self.text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_group(self, group: str) -> None:
        self.beginFilterChange()
        self.group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row: QueueRow = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        states = _FILTER_STATES.get(self.group)
        if states is not None and CaseStatus(row.status) not in states:
            return False
        if self.text:
            return self.text in row.party_name.lower() or self.text in row.code
        return True


class QueuePanel(QWidget):
    """The left side of the console: filter, search and the table."""

    selected = Signal(str)  # case id

    def __init__(self, model: QueueModel, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QueueFilter(self)
        self.proxy.setSourceModel(model)
        self.group = QComboBox()
        for key in FILTERS:
            self.group.addItem(tr(key, language), key)
        self.group.currentIndexChanged.connect(
            lambda _i: self.proxy.set_group(self.group.currentData()))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("search", language))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(STATE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TYPE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # Rows move and leave the filter as cases change; only the officer changes the case shown.
        self.following: str | None = None
        self._quiet = False
        self._gone = False
        for about_to in (self.proxy.layoutAboutToBeChanged, self.proxy.rowsAboutToBeRemoved,
                         self.proxy.modelAboutToBeReset):
            about_to.connect(self._hold)
        for done in (self.proxy.layoutChanged, self.proxy.rowsRemoved, self.proxy.rowsInserted,
                     self.proxy.modelReset):
            done.connect(self._restore)

        top = QHBoxLayout()
        top.addWidget(self.group)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The officer moved to another row: show that case.

        A row that leaves the filter (a colleague decided the case) also moves Qt's current
        row, to a neighbour the officer never chose: that is told apart by the followed case
        being gone from the list, and then nothing else is shown.
        """
        if self._quiet or not current.isValid():
            return
        # Decided once the model has finished whatever it is doing (a removal is under way
        # while Qt moves the current row).
        QTimer.singleShot(0, self, self._follow_current)

    def _follow_current(self) -> None:
        current = self.table.currentIndex()
        if not current.isValid():
            return
        row: QueueRow = self.proxy.data(current, ROW_ROLE)
        if row.case_id == self.following:
            return
        if self.following is not None and not self._listed(self.following) and not self._gone:
            self._restore()  # Qt's own move: the followed case stays shown, no row is current
            return
        self._gone = False
        self.following = row.case_id
        self.selected.emit(row.case_id)

    def _listed(self, case_id: str) -> bool:
        position = self.model._index.get(case_id)
        return position is not None and \
            self.proxy.mapFromSource(self.model.index(position, 0)).isValid()

    def _hold(self, *_args: object) -> None:
        self._quiet = True

    def _restore(self, *_args: object) -> None:
        """After a change of rows: the followed case stays selected (if it is still listed)."""
        self._quiet = True
        try:
            self._select_quietly(self.following)
        finally:
            self._quiet = False

    def _select_quietly(self, case_id: str | None) -> None:
        index = QModelIndex()
        if case_id is not None and self._listed(case_id):
            index = self.proxy.mapFromSource(self.model.index(self.model._index[case_id], 0))
        current = self.table.currentIndex()
        if index.isValid():
            if current.row() != index.row():
                self.table.selectRow(index.row())
        elif current.isValid():
            self.table.selectionModel().clear()
            self._gone = True  # from now on, a current row is the officer's own choice

    def select(self, case_id: str) -> None:
        """Shows a case (the officer chose it, or a test does)."""
        self._select_quietly(case_id)
        if case_id != self.following and case_id in self.model._index:
            self.following = case_id
            self.selected.emit(case_id)
