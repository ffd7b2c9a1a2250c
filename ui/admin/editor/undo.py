"""Undo and redo in the template editor: each change of the draft kept as two texts.

A step holds the draft's YAML before and after it (`TemplateDocument.source()`), so taking it
back is exact (comments and layout included) and no kind of edit needs an inverse of its own.
Writing a large template out takes a noticeable moment, so a step is not written at every
keystroke: typing in a field keeps one step open, and it is finished ("settled") when the page
checks the draft a moment later, when another field or control is touched, before an outline
action, and before undo or redo. Steps typed into the same field of the same open form merge
(`QUndoCommand.mergeWith`), so one Ctrl+Z takes back a field's edit, not a character.

The stack belongs to one draft: the page calls `reset` whenever its draft is opened, replaced,
published or discarded, so no text of another draft (or of a published one) can come back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from ui.admin.editor.strings import tr

UNDO_LIMIT = 200  # steps kept; a text per step, tens of kilobytes for the largest template
UNDO_KEYS = ("Ctrl+Z",)
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")
_STEP_ID = 1  # every step may try to merge; `Step.mergeWith` decides by the field
_KEYS = tuple(QKeySequence(k) for k in UNDO_KEYS + REDO_KEYS)

# A field being typed in: (the form's generation, the editor's object name).
FieldKey = tuple[int, str]


class Step(QUndoCommand):
    """One change of the draft: its text before and after (None while the step is open)."""

    def __init__(self, history: EditHistory, before: str, key: FieldKey | None) -> None:
        super().__init__()
        self.history = history
        self.before = before
        self.after: str | None = None
        self.key = key  # None: a click or an outline action, never merged
        self._made = False

    def id(self) -> int:
        return _STEP_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if self.key is None or not isinstance(other, Step) or other.key != self.key:
            return False
        self.after = other.after
        self.history.reopened(self)
        return True

    def redo(self) -> None:
        if not self._made:  # QUndoStack.push calls redo(): the edit itself is already made
            self._made = True
            return
        assert self.after is not None
        self.history.apply(self.after)

    def undo(self) -> None:
        self.history.apply(self.before)


class EditHistory(QObject):
    """The undo stack of the open draft, fed by the page's edits and by the open form."""

    def __init__(self, source: Callable[[], str | None], restore: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        self._source = source  # the draft's text now; None without a draft
        self._restore = restore  # puts a text back into the page (outline, form, check, save)
        self._text: str | None = None  # the draft's text when the last step was settled
        self._open: Step | None = None
        self._typing: FieldKey | None = None
        self._generation = 0
        self._applying = False

    # -- what the page tells --------------------------------------------------------------

    def reset(self) -> None:
        """A draft opened, replaced, published or discarded: nothing before it can come back.

        The first `settle(text)` afterwards (the page's check of the newly opened draft) is the
        text undo can go back to at most.
        """
        self._open = None
        self._typing = None
        self._text = None
        self._generation += 1
        self.stack.clear()

    def changed(self) -> None:
        """The draft changed (the form's `edited`, or an outline action): record the step."""
        if self._applying or self._text is None:
            return
        key, self._typing = self._typing, None
        if self._open is not None:
            # Typing in the same field goes on; anything else arrived without notice (set in
            # code, not by a person) and stays part of the open step.
            if key != self._open.key:
                self._open.key = key
        else:
            step = Step(self, self._text, key)
            self._open = step
            self.stack.push(step)  # may merge into the previous step of the same field
        if key is None:
            self.settle()  # a click or an outline action is a step of its own, finished now

    def settle(self, text: str | None = None) -> None:
        """Finishes the open step with the draft's text now (`text`, if the caller has it)."""
        if text is None:
            if self._open is None or self._text is None:
                return
            text = self._source()
            if text is None:
                return
        if self._text is None:  # the draft just opened: where undo stops
            self._text = text
            return
        step, self._open = self._open, None
        if step is not None:
            step.after = text
            if text == step.before:  # typed and taken back: no step at all
                step.setObsolete(True)
                self.stack.undo()  # an obsolete step is dropped, without calling its undo()
        self._text = text

    def reopened(self, step: Step) -> None:
        """A new step merged into `step` (the same field again): it is the open one now."""
        self._open = step

    def watch(self, form: QWidget) -> None:
        """Follows a newly shown form: its fields' typing, its controls' clicks, Ctrl+Z."""
        self._generation += 1  # a field typed into again after the form was rebuilt: new step
        for widget in form.findChildren(QWidget):
            widget.installEventFilter(self)
        for edit in form.findChildren(QLineEdit):
            if edit.objectName() and not edit.isReadOnly():
                # textEdited comes before textChanged, on which the form writes the draft.
                edit.textEdited.connect(partial(self._typing_in, edit.objectName()))

    # -- undo and redo -------------------------------------------------------------------------

    def undo(self) -> None:
        self.settle()
        self.stack.undo()

    def redo(self) -> None:
        self.settle()
        self.stack.redo()

    def apply(self, text: str) -> None:
        """Puts the draft back to `text` (from a step's undo or redo)."""
        self._applying = True
        try:
            self._text = text
            self._restore(text)
        finally:
            self._applying = False

    # -- following the form ------------------------------------------------------------------

    def _typing_in(self, name: str, _text: str) -> None:
        key = (self._generation, name)
        if self._open is not None and self._open.key != key:
            self.settle()  # the draft does not have this keystroke yet: the old step ends here
        self._typing = key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and \
                QKeySequence(event.keyCombination()) in _KEYS:
            event.ignore()  # not the field's own undo, but the draft's (the page's shortcut)
            return True
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress) and \
                not isinstance(watched, QLineEdit):
            self.settle()  # a control other than a text field is about to change the draft
        return False


def undo_controls(history: EditHistory, page: QWidget,
                  language: str) -> tuple[QPushButton, QPushButton]:
    """The Undo and Redo buttons, and their keys anywhere on the page."""
    undo = QPushButton(tr("undo", language))
    undo.setObjectName("undo")
    undo.setToolTip(tr("undo_tip", language))
    redo = QPushButton(tr("redo", language))
    redo.setObjectName("redo")
    redo.setToolTip(tr("redo_tip", language))
    for button, can, act, keys in ((undo, history.stack.canUndo, history.undo, UNDO_KEYS),
                                   (redo, history.stack.canRedo, history.redo, REDO_KEYS)):
        button.setEnabled(can())
        button.clicked.connect(act)
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)
    history.stack.canUndoChanged.connect(undo.setEnabled)
    history.stack.canRedoChanged.connect(redo.setEnabled)
    return undo, redo
