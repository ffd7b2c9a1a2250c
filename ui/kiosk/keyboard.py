"""The keys at the bottom of the kiosk window: Pinyin/English for text, big digits for numbers.

A full-screen kiosk would hide a keyboard shown as its own window, so the keyboard's
`InputPanel` lives in the kiosk's layout through a QQuickWidget and appears whenever a text field
has the focus. It needs `QT_IM_MODULE=qtvirtualkeyboard` set before the QApplication exists
(ui.app does that when the `kiosk_virtual_keyboard` setting is on). Qt Virtual Keyboard is GPLv3.

Fields that take digits only (ID numbers, phone numbers, amounts) say so with the `keypad`
property ("digits", or "id" for an ID number's X) and get the kiosk's own big digit keys instead:
Pinyin has nothing to offer there, and its keys are half the size.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from ui.widgets import DigitKeypad

QML = Path(__file__).with_name("keyboard.qml")
LOCALES = {"zh": "zh_CN", "en": "en_US"}
KEYPAD = "keypad"  # the property a digits-only field sets: "digits", or "id" (with the X key)
# The keyboard's height for its width, candidate bar included (Qt Virtual Keyboard's default
# style at 1898 px: 593 px of keys and 63 of candidates); a little over, never cut off.
HEIGHT_PER_WIDTH = 0.35
# The keys take at most this share of the window's height: the question, the field being typed
# into and the footer keep the rest (at 1280x800: a keyboard 288 px high and 822 px wide).
HEIGHT_SHARE = 0.36
DOCK_MARGIN = 8  # px around the keys, so the outermost ones are not at the bezel


def is_enabled() -> bool:
    """Whether this process runs with the virtual keyboard as its input method."""
    return os.environ.get("QT_IM_MODULE") == "qtvirtualkeyboard"


def mark_digits(editor: QLineEdit, *, allow_x: bool = False) -> None:
    """Make `editor` a digits-only field: the dock's digit keys, never the Pinyin keyboard."""
    editor.setProperty(KEYPAD, "id" if allow_x else "digits")
    editor.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)


def mark_text(editor: QLineEdit, *, latin: bool = False) -> None:
    """Make `editor` a text field again (the on-screen keyboard; Latin letters for `latin`)."""
    editor.setProperty(KEYPAD, None)
    editor.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
    hints = (Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhPreferUppercase
             | Qt.InputMethodHint.ImhNoPredictiveText) if latin else Qt.InputMethodHint.ImhNone
    editor.setInputMethodHints(hints)


def keypad_kind(widget: QWidget | None) -> str | None:
    """"digits" or "id" for a field marked with `mark_digits`, else None."""
    if isinstance(widget, QLineEdit):
        kind = widget.property(KEYPAD)
        return kind if kind in ("digits", "id") else None
    return None


class OnScreenKeyboard(QQuickWidget):
    """The keyboard panel; shown while the input method is visible, hidden otherwise."""

    def __init__(self, languages: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Taps on the keys must not take the focus from the field being typed into.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        locales = [LOCALES[code] for code in languages if code in LOCALES] or ["zh_CN"]
        self.rootContext().setContextProperty("keyboardLocales", locales)
        # Qt's keyboard QML warns from the QML loader's thread while this thread waits for it:
        # a message handler written in Python (pytest-qt installs one) would need the
        # interpreter this thread holds, and the window would hang. Qt's own handler meanwhile.
        previous = qInstallMessageHandler(None)
        try:
            self.setSource(QUrl.fromLocalFile(str(QML)))
        finally:
            qInstallMessageHandler(previous)
        if self.status() != QQuickWidget.Status.Ready:
            problems = "; ".join(error.toString() for error in self.errors())
            raise RuntimeError(f"the on-screen keyboard did not load: {problems}")
        self.rootObject().implicitHeightChanged.connect(self._fit_height)
        input_method = QGuiApplication.inputMethod()
        input_method.visibleChanged.connect(self._follow_input_method)
        self.hide()

    def fit_width(self, width: int) -> None:
        """Be `width` px wide and as high as the keys and the candidate bar need there."""
        self.setFixedWidth(width)
        self._fit_height()

    def _fit_height(self) -> None:
        # The panel reports its height only while active; until then, the style's proportion.
        wanted = max(self.rootObject().implicitHeight(), self.width() * HEIGHT_PER_WIDTH)
        self.setFixedHeight(math.ceil(wanted))

    def _follow_input_method(self) -> None:
        # Never over a digits field, whose keys are the dock's keypad.
        self.setVisible(QGuiApplication.inputMethod().isVisible()
                        and keypad_kind(QApplication.focusWidget()) is None)


class KeyboardDock(QWidget):
    """The strip above the footer that holds the keys for the field being typed into.

    The Pinyin/English keyboard for text (when the virtual keyboard is on), the big digit keys
    for fields marked with `mark_digits`; nothing, and no height, otherwise. The keys are sized
    for the window (`fit`), so the whole keyboard is seen and the footer stays on screen.
    """

    def __init__(self, languages: tuple[str, ...], *, virtual_keyboard: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KeyboardDock")
        # Exactly as high as its keys: the screen above gives way, never the keys.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.keyboard = OnScreenKeyboard(languages) if virtual_keyboard else None
        self.keypad = DigitKeypad(wide=True)
        self.keypad.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(DOCK_MARGIN, DOCK_MARGIN, DOCK_MARGIN, DOCK_MARGIN)
        row.addStretch(1)
        if self.keyboard is not None:
            row.addWidget(self.keyboard)
            # After the keyboard's own slot: it has shown or hidden itself by then.
            QGuiApplication.inputMethod().visibleChanged.connect(self._sync_visibility)
        row.addWidget(self.keypad)
        row.addStretch(1)
        self._max_keypad_width = 0
        self._sync_visibility()

    def fit(self, width: int, height: int) -> None:
        """Size the keys for a window of `width` x `height` px."""
        usable = width - 2 * DOCK_MARGIN
        if self.keyboard is not None:
            by_height = int(height * HEIGHT_SHARE / HEIGHT_PER_WIDTH)
            self.keyboard.fit_width(max(200, min(usable, by_height)))
        self._max_keypad_width = min(usable, max(width * 2 // 3, 600))
        self.keypad.setMaximumWidth(self._max_keypad_width)

    def follow_focus(self, widget: QWidget | None) -> None:
        """The focus moved to `widget`: digit keys for a digits field, else none of ours."""
        kind = keypad_kind(widget)
        if kind is not None and isinstance(widget, QLineEdit):
            self.keypad.set_target(widget)
            self.keypad.set_allow_x(kind == "id")
            self.keypad.show()
            QGuiApplication.inputMethod().hide()  # one set of keys at a time
            if self.keyboard is not None:
                self.keyboard.hide()
        else:
            self.keypad.hide()
            self.keypad.set_target(None)
            if self.keyboard is not None and isinstance(widget, QLineEdit | QPlainTextEdit) \
                    and widget.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled) \
                    and not widget.isReadOnly():
                # At the first tap, not the second (Qt's default for widgets): a party does
                # not know to tap a field twice.
                QGuiApplication.inputMethod().show()
        self._sync_visibility()

    def close_keys(self) -> None:
        """Put the keys away (another screen)."""
        self.keypad.hide()
        self.keypad.set_target(None)
        QGuiApplication.inputMethod().hide()
        self._sync_visibility()

    def is_open(self) -> bool:
        """Whether keys are shown."""
        return self.keypad.isVisibleTo(self) or (
            self.keyboard is not None and self.keyboard.isVisibleTo(self))

    def _sync_visibility(self) -> None:
        # No keys, no strip: an empty dock would still take its margins from the screen.
        self.setVisible(self.is_open())
