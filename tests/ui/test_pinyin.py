"""Chinese by touch: the embedded Pinyin keyboard types 你 into a kiosk field (n, i, 你).

The keyboard needs QT_IM_MODULE set before the QApplication, which the other tests leave unset,
so this runs the real kiosk window in a child process. Taps are mouse presses on the keyboard's
keys (no touch panel here).
"""

from __future__ import annotations

import subprocess
import sys

from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station

CHILD = """
import os, sys, time
os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from kiosk.station import open_station
from ui.kiosk.window import KioskWindow, apply_theme

app = QApplication([])
window = KioskWindow(open_station())
window.setFixedSize(1280, 800)
apply_theme(window)
window.show()

def settle():
    for _ in range(10):
        app.processEvents()
        time.sleep(0.02)

field = window.screens["code"].code  # any text field of the kiosk will do
window.on_intent("start", None)
field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
field.setFocus()
app.inputMethod().show()
settle()
keyboard = window.keyboard
print("SHOWN", keyboard is not None and keyboard.isVisible(), flush=True)

def items():
    stack = [keyboard.rootObject()]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.childItems())

def tap(text):
    item = next(i for i in items() if i.property("text") == text and i.isVisible()
                and i.width() > 10)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    where = QPoint(int(centre.x()), int(centre.y()))
    QTest.mousePress(keyboard, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    settle()
    QTest.mouseRelease(keyboard, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    settle()

field.setMaxLength(20)
tap("n")
tap("i")
tap("你")
print("TEXT", field.text(), flush=True)
"""


def test_pinyin_n_i_gives_ni(station: Station, station_env: dict[str, str]) -> None:
    env = {**station_env, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software",
           "KIOSK_KIOSK_SPEECH": "silent"}
    env.pop("QT_IM_MODULE", None)
    result = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines.get("SHOWN") == "True", result.stderr[-2000:]
    assert lines.get("TEXT") == "你", result.stderr[-2000:]
