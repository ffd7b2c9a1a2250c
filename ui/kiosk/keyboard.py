"""The on-screen Pinyin/English keyboard, embedded in the kiosk window (Qt Virtual Keyboard).

A full-screen kiosk would hide a keyboard shown as its own window, so the keyboard's
`InputPanel` lives in the kiosk's layout through a QQuickWidget and appears whenever a text field
has the focus. It needs `QT_IM_MODULE=qtvirtualkeyboard` set before the QApplication exists
(ui.app does that when the `kiosk_virtual_keyboard` setting is on). Qt Virtual Keyboard is GPLv3.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QWidget

QML = Path(__file__).with_name("keyboard.qml")
LOCALES = {"zh": "zh_CN", "en": "en_US"}


def is_enabled() -> bool:
    """Whether this process runs with the virtual keyboard as its input method."""
    return os.environ.get("QT_IM_MODULE") == "qtvirtualkeyboard"


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
        self.setSource(QUrl.fromLocalFile(str(QML)))
        if self.status() != QQuickWidget.Status.Ready:
            problems = "; ".join(error.toString() for error in self.errors())
            raise RuntimeError(f"the on-screen keyboard did not load: {problems}")
        input_method = QGuiApplication.inputMethod()
        input_method.visibleChanged.connect(self._follow_input_method)
        self.hide()

    def _follow_input_method(self) -> None:
        self.setVisible(QGuiApplication.inputMethod().isVisible())
