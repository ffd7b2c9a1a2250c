"""The station settings page of `kiosk admin`: every station-wide setting as a form field.

The form shows the values every machine gets from the database (over the product's defaults),
each with what it does, and says which of them this machine overrides in its own station file
or environment (those would not take effect here). Saving sends the changed fields to
`Station.set_settings`, which checks each on its own and all together and writes all or none,
each change audited; a refused value is shown under its field with the core's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.review import DECIDING_ROLES
from kiosk.roles import Role
from kiosk.settings import (
    FIELD_TYPES,
    KIOSK_LANGUAGES,
    PRINTER_BACKENDS,
    STATION_KEYS,
    Override,
    SettingsError,
    SettingsRefused,
    machine_overrides,
)
from kiosk.station import Station
from ui.admin.strings import STRINGS, setting_help, setting_label, tr
from ui.login import LANGUAGE_NAMES
from ui.roles import role_words
from ui.widgets.fields import mark_invalid as _mark
from ui.widgets.fields import set_state as _mark_property

Run = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("section_station", ("station_name", "county_organ_name", "decision_number_prefix",
                         "county_decision_number_prefix", "reconsideration_body",
                         "court_name", "fine_payment_place", "department_code",
                         "action_type_code", "custom_code", "timezone", "languages")),
    ("section_review", ("review_chain", "decision_deadline_hours", "questioning_limit_hours",
                        "questioning_limit_detention_hours", "hearing_fine_threshold",
                        "detention_days_excluded", "evidence_kinds_counting",
                        "evidence_max_mb", "template_four_eyes", "recording_required")),
    ("section_kiosk", ("idle_timeout_seconds", "admin_pin", "login_max_failures",
                       "login_lockout_minutes", "recording_segment_seconds")),
    ("section_printing", ("print_on_submit", "print_on_approval", "printer_backend",
                          "printer_target", "document_font")),
)
SHOWN = tuple(key for _, keys in SECTIONS for key in keys)
# A station setting added later still gets a field (under "Other") before it gets its wording.
UNPLACED = tuple(key for key in STATION_KEYS if key not in SHOWN)
if UNPLACED:
    SECTIONS = (*SECTIONS, ("section_other", UNPLACED))
    SHOWN = (*SHOWN, *UNPLACED)

EDITOR_WIDTH = 380
LABEL_WIDTH = 250
SOURCE = "the admin screen"


def as_text(value: object) -> str:
    """A stored value as the core parses it back (`parse_setting_value`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def settings_error_text(exc: SettingsError, language: str) -> str:
    """A refusal of the core about a setting, in the screen's language."""
    if f"setting_{exc.reason}" in STRINGS:
        return tr(f"setting_{exc.reason}", language, **exc.values)
    return str(exc)




# -- fields ----------------------------------------------------------------------------------


class Field:
    """One setting's editor: shows a stored value and gives back the text the core parses."""

    def __init__(self, key: str, editor: QWidget) -> None:
        self.key = key
        self.editor = editor
        self.loaded = ""
        self.on_edit: Callable[[], None] = lambda: None

    def set_value(self, value: object) -> None:  # overridden
        self.loaded = as_text(value)

    def text(self) -> str:  # overridden
        return self.loaded

    def changed(self) -> bool:
        return self.text() != self.loaded

    def local_problem(self, language: str) -> str | None:
        """What the form itself can tell is wrong (the core checks the rest)."""
        return None

    def marked(self) -> list[QWidget]:
        return [self.editor]


class TextField(Field):
    def __init__(self, key: str, *, completions: list[str] | None = None) -> None:
        self.line = QLineEdit()
        super().__init__(key, self.line)
        if completions:
            completer = QCompleter(completions, self.line)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.line.setCompleter(completer)
        self.line.textEdited.connect(lambda _t: self.on_edit())

    def set_value(self, value: object) -> None:
        super().set_value(value)
        self.line.setText(self.loaded)

    def text(self) -> str:
        return self.line.text().strip()


class NumberField(TextField):
    """A whole number, typed (digits only; the core checks the range)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.line.setValidator(QIntValidator(0, 99_999_999, self.line))


class FlagField(Field):
    def __init__(self, key: str, language: str) -> None:
        self.box = QCheckBox(tr("yes", language))
        super().__init__(key, self.box)
        self.box.toggled.connect(lambda _on: self.on_edit())

    def set_value(self, value: object) -> None:
        super().set_value(value)
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)

    def text(self) -> str:
        return "true" if self.box.isChecked() else "false"


class ChoiceField(Field):
    def __init__(self, key: str, choices: list[tuple[str, str]]) -> None:
        self.combo = QComboBox()
        for label, value in choices:
            self.combo.addItem(label, value)
        super().__init__(key, self.combo)
        self.combo.currentIndexChanged.connect(lambda _i: self.on_edit())

    def set_value(self, value: object) -> None:
        super().set_value(value)
        self.combo.blockSignals(True)
        index = self.combo.findData(self.loaded)
        if index < 0:  # a value the form does not offer: shown as it is, the core judges it
            self.combo.addItem(self.loaded, self.loaded)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def text(self) -> str:
        return str(self.combo.currentData())


class ListField(Field):
    """An ordered list (the review chain, the kiosk's languages): add, move, remove."""

    def __init__(self, key: str, choices: list[str], words: Callable[[str, int], str],
                 language: str) -> None:
        box = QWidget()
        super().__init__(key, box)
        self.words = words
        self.list = QListWidget()
        self.list.setFixedHeight(100)
        self.choice = QComboBox()
        for code in choices:
            self.choice.addItem(words(code, -1), code)
        self.add = QPushButton(tr("add", language))
        self.up = QPushButton(tr("move_up", language))
        self.down = QPushButton(tr("move_down", language))
        self.remove = QPushButton(tr("remove", language))
        adding = QHBoxLayout()
        adding.setContentsMargins(0, 0, 0, 0)
        adding.addWidget(self.choice, 1)
        adding.addWidget(self.add)
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for button in (self.up, self.down, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.list, 1)
        top.addLayout(buttons)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(adding)
        self.add.clicked.connect(self._add)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.remove.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda _r: self._buttons())
        self._items: list[str] = []

    def set_value(self, value: object) -> None:
        super().set_value(value)
        self._items = [str(v) for v in value] if isinstance(value, list | tuple) else []
        self._show()

    def items(self) -> list[str]:
        return list(self._items)

    def text(self) -> str:
        return ",".join(self._items)

    def _show(self, current: int | None = None) -> None:
        self.list.clear()
        for position, code in enumerate(self._items):
            item = QListWidgetItem(self.words(code, position))
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.list.addItem(item)
        if current is not None and 0 <= current < len(self._items):
            self.list.setCurrentRow(current)
        self._buttons()

    def _buttons(self) -> None:
        row = self.list.currentRow()
        self.up.setEnabled(row > 0)
        self.down.setEnabled(0 <= row < len(self._items) - 1)
        self.remove.setEnabled(row >= 0)

    def _add(self) -> None:
        self._items.append(self.choice.currentData())
        self._show(len(self._items) - 1)
        self.on_edit()

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < len(self._items):
            return
        self._items[row], self._items[other] = self._items[other], self._items[row]
        self._show(other)
        self.on_edit()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        del self._items[row]
        self._show(min(row, len(self._items) - 1))
        self.on_edit()

    def marked(self) -> list[QWidget]:
        return [self.list]


class PinField(Field):
    """The admin PIN: never shown; a new one typed twice (empty: unchanged)."""

    def __init__(self, key: str, language: str) -> None:
        box = QWidget()
        super().__init__(key, box)
        self.state = QLabel(tr("pin_set", language))
        self.state.setProperty("role", "help")
        self.first = QLineEdit()
        self.second = QLineEdit()
        for line, hint in ((self.first, "pin_new"), (self.second, "pin_repeat")):
            line.setEchoMode(QLineEdit.EchoMode.Password)
            line.setPlaceholderText(tr(hint, language))
            line.textEdited.connect(lambda _t: self.on_edit())
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.state)
        column.addWidget(self.first)
        column.addWidget(self.second)

    def set_value(self, value: object) -> None:
        super().set_value(value)
        self.first.clear()
        self.second.clear()

    def changed(self) -> bool:
        return bool(self.first.text() or self.second.text())

    def text(self) -> str:
        return self.first.text().strip() if self.changed() else self.loaded

    def local_problem(self, language: str) -> str | None:
        if self.changed() and self.first.text() != self.second.text():
            return tr("pin_differ", language)
        return None

    def marked(self) -> list[QWidget]:
        return [self.first, self.second]


def make_field(key: str, language: str) -> Field:
    if key == "review_chain":
        chain_roles = [r.value for r in Role if r in DECIDING_ROLES
                       and r != Role.COUNTY_APPROVER]  # added by the penalty, Art. 109
        return ListField(key, chain_roles, lambda code, n: role_words(code, language) if n < 0
                         else tr("level", language, n=n + 1, role=role_words(code, language)),
                         language)
    if key == "languages":
        return ListField(key, list(KIOSK_LANGUAGES),
                         lambda code, n: tr("default_language", language,
                                            name=LANGUAGE_NAMES.get(code, code))
                         if n == 0 else LANGUAGE_NAMES.get(code, code), language)
    if key == "admin_pin":
        return PinField(key, language)
    if key == "printer_backend":
        return ChoiceField(key, [(tr(f"backend_{b}", language) + f" ({b})", b)
                                 for b in reversed(PRINTER_BACKENDS)])
    if key == "timezone":
        return TextField(key, completions=sorted(available_timezones()))
    if FIELD_TYPES[key] is bool:
        return FlagField(key, language)
    if FIELD_TYPES[key] is int:
        return NumberField(key)
    return TextField(key)


# -- the page --------------------------------------------------------------------------------


class Row:
    """A field on the page with its label, explanation, override notice and error line."""

    def __init__(self, field: Field, language: str) -> None:
        self.field = field
        self.language = language
        self.label = QLabel(setting_label(field.key, language))
        self.label.setWordWrap(True)
        self.label.setProperty("role", "field")
        self.label.setFixedWidth(LABEL_WIDTH)
        self.help = QLabel(setting_help(field.key, language))
        self.help.setWordWrap(True)
        self.help.setProperty("role", "help")
        for label in (self.label, self.help):  # level with the first line of the editor
            label.setContentsMargins(0, 5, 0, 0)
        self.override = QLabel()
        self.override.setWordWrap(True)
        self.override.setProperty("role", "notice")
        self.override.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        self.error.hide()

    def show_changed(self, changed: bool) -> None:
        text = setting_label(self.field.key, self.language)
        self.label.setText(tr("changed_mark", self.language, label=text) if changed else text)
        if bool(self.label.property("changed")) != changed:
            _mark_property(self.label, "changed", changed)

    def show_error(self, message: str | None, detail: str = "") -> None:
        self.error.setText(message or "")
        self.error.setToolTip(detail)
        self.error.setVisible(bool(message))
        for widget in self.field.marked():
            _mark(widget, bool(message))


class SettingsPage(QWidget):
    """Station-wide settings: the form, the machine's overrides, save all or nothing."""

    def __init__(self, station: Station, username: str, language: str, run: Run,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPage")
        self.station = station
        self.username = username
        self.language = language
        self.run = run
        self.rows: dict[str, Row] = {}
        self.overrides: dict[str, Override] = {}
        lang = language

        help_line = QLabel(tr("settings_help", lang))
        help_line.setWordWrap(True)
        help_line.setProperty("role", "help")
        self.restart = QLabel(tr("restart_notice", lang))
        self.restart.setWordWrap(True)
        self.restart.setProperty("role", "step")

        body = QWidget()
        body.setObjectName("SettingsBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(14)
        for section, keys in SECTIONS:
            column.addWidget(self._section(tr(section, lang), keys))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.scroll = scroll

        bar = QWidget()
        bar.setObjectName("ActionBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.message = QLabel()
        self.message.setWordWrap(True)
        # A role from the start: a QLabel takes its padding from the first polish only.
        self.message.setProperty("role", "done")
        self.message.hide()
        self.pending = QLabel()
        self.pending.setProperty("role", "help")
        self.revert = QPushButton(tr("revert", lang))
        self.revert.clicked.connect(self.discard)
        self.save = QPushButton(tr("save_settings", lang))
        self.save.setProperty("role", "primary")
        self.save.clicked.connect(self.save_changes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending, 1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save)
        bar_layout = QVBoxLayout(bar)
        bar_layout.setContentsMargins(12, 8, 12, 10)
        bar_layout.addWidget(self.message)
        bar_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 0)
        layout.setSpacing(8)
        layout.addWidget(help_line)
        layout.addWidget(self.restart)
        layout.addWidget(scroll, 1)
        layout.addWidget(bar)
        self._edited()
        self.load()

    def _section(self, title: str, keys: tuple[str, ...]) -> QFrame:
        frame = QFrame()
        frame.setProperty("role", "card")
        grid = QGridLayout(frame)
        grid.setContentsMargins(18, 12, 18, 14)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(6)
        heading = QLabel(title)
        heading.setProperty("role", "section")
        grid.addWidget(heading, 0, 0, 1, 3)
        line = 1
        for key in keys:
            field = make_field(key, self.language)
            field.on_edit = self._edited
            field.editor.setFixedWidth(EDITOR_WIDTH)
            row = Row(field, self.language)
            self.rows[key] = row
            top = Qt.AlignmentFlag.AlignTop
            grid.addWidget(row.label, line, 0, top)
            grid.addWidget(field.editor, line, 1, top)
            grid.addWidget(row.help, line, 2, top)
            notes = QVBoxLayout()
            notes.setContentsMargins(0, 0, 0, 0)
            notes.setSpacing(4)
            notes.addWidget(row.error)
            notes.addWidget(row.override)
            grid.addLayout(notes, line + 1, 1, 1, 2)
            line += 2
        grid.setColumnStretch(2, 1)
        return frame

    # -- reading ---------------------------------------------------------------------------

    def load(self) -> None:
        station = self.station

        def work() -> tuple[dict[str, Any], dict[str, Override]]:
            return station.station_values(), machine_overrides(station.env, station.file)

        self.run(work, self._show_values, self._failed)

    def _show_values(self, found: tuple[dict[str, Any], dict[str, Override]]) -> None:
        values, overrides = found
        self.overrides = overrides
        lang = self.language
        for key, row in self.rows.items():
            row.field.set_value(values[key])
            row.show_error(None)
            override = overrides.get(key)
            if override is None:
                row.override.hide()
                continue
            shown = "••••" if key == "admin_pin" else as_text(override.value) or \
                tr("empty_value", lang)
            row.override.setText(tr(f"overridden_{override.source}", lang, where=override.where,
                                    value=shown))
            row.override.show()
        self._edited()

    # -- editing ---------------------------------------------------------------------------

    def changes(self) -> dict[str, str]:
        return {key: row.field.text() for key, row in self.rows.items() if row.field.changed()}

    def _edited(self) -> None:
        changes = self.changes()
        for key, row in self.rows.items():
            row.show_changed(key in changes)
        count = len(changes)
        self.pending.setText(tr("changed_count", self.language, n=count) if count else "")
        self.save.setEnabled(bool(count))
        self.revert.setEnabled(bool(count))

    def say(self, text: str, role: str = "done") -> None:
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        self.save.setText(tr("save_settings", self.language))
        self._edited()
        self.say(tr("refused", self.language, why=exc), "notice")

    def discard(self) -> None:
        self.say("")
        self.load()

    def save_changes(self) -> None:
        lang = self.language
        changes = self.changes()
        for row in self.rows.values():
            row.show_error(None)
        if not changes:
            self.say(tr("nothing_changed", lang), "notice")
            return
        local = {key: problem for key, row in self.rows.items()
                 if (problem := row.field.local_problem(lang))}
        station, actor = self.station, self.username
        self.save.setEnabled(False)
        self.save.setText(tr("saving", lang))
        self.say("")

        def work() -> dict[str, Any]:
            if local:  # nothing is saved; the core still checks the rest, to say all at once
                rest = {k: v for k, v in changes.items() if k not in local}
                raise SettingsRefused(station.check_settings(rest, source=SOURCE))
            return station.set_settings(changes, actor=actor, source=SOURCE)

        def done(saved: dict[str, Any]) -> None:
            self.save.setText(tr("save_settings", lang))
            self.say(tr("saved", lang, n=len(saved)))
            self.load()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, SettingsRefused):
                self._failed(exc)
                return
            self.save.setText(tr("save_settings", lang))
            self._edited()
            problems: dict[str, str] = dict(local)
            details: dict[str, str] = {}
            for key, error in exc.problems.items():
                problems[key] = settings_error_text(error, lang)
                details[key] = str(error)
            for key, message in problems.items():
                row = self.rows.get(key)
                if row is not None:
                    row.show_error(message, details.get(key, ""))
            self.say(tr("not_saved", lang, n=len(problems)), "notice")
            first = next((self.rows[k] for k in SHOWN if k in problems), None)
            if first is not None:
                self.scroll.ensureWidgetVisible(first.field.editor)
                first.field.marked()[0].setFocus()

        self.run(work, done, failed)

    def error_of(self, key: str) -> str:
        """The error shown under a setting (empty when none; the tests read it)."""
        return self.rows[key].error.text()

