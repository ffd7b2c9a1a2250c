"""The one stylesheet of every screen, and the sizes it is built from.

Sizes are computed from the screen's physical size, so a touch target is at least 9 mm wherever
the kiosk runs (a 1920x1080 panel or a 1280x800 one), and text scales with the larger-text switch.
Colours follow docs/UI direction: white and light grey, one deep blue for structure, red only for
errors and stop actions, green only for the final success; contrast at least 7:1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BLUE = "#1F4E9A"        # structure: header, primary buttons (9.0:1 on white)
BLUE_DARK = "#163A73"
BLUE_LIGHT = "#E8EEF8"  # selected cards, highlights
INK = "#1A1A1A"         # body text (17:1 on white)
MUTED = "#4A4A4A"       # help lines (8.9:1 on white)
PAPER = "#FFFFFF"
BACKGROUND = "#F5F6F8"
LINE = "#C9CED6"
RED = "#A4161A"         # errors and stop actions (8.1:1 on white)
RED_LIGHT = "#FBEAEA"
GREEN = "#1B5E20"       # final success only (7.9:1 on white)
AMBER_LIGHT = "#FFF4D6"  # an officer's comment, highlighted in place

FONT_FAMILY = ('"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", '
               'sans-serif')
# Noto Serif CJK has both scripts; without it a Latin serif comes before the Chinese fonts, whose
# typewriter-like Latin letters make an English statement hard to read.
DOCUMENT_FONT_FAMILY = ('"Noto Serif CJK SC", "Noto Serif", "DejaVu Serif", "Times New Roman", '
                        '"AR PL UMing CN", "FangSong", "SimSun", "WenQuanYi Zen Hei", serif')

MIN_TOUCH_MM = 9.0
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen; built by `metrics_for`."""

    body: int          # body text, px
    question: int      # question text, px
    small: int         # help lines, px
    touch: int         # minimum touch target, px
    gap: int           # space between touch targets, px
    radius: int

    def scaled(self, factor: float) -> Metrics:
        return Metrics(round(self.body * factor), round(self.question * factor),
                       round(self.small * factor), max(self.touch, round(self.touch * factor)),
                       self.gap, self.radius)


def metrics_for(height_px: int, dots_per_inch: float, *, larger_text: bool = False) -> Metrics:
    """Sizes for a screen `height_px` tall at `dots_per_inch` physical DPI.

    Text follows the screen height (about 30 px body and 44 px questions at 1080 rows), never
    smaller than is readable; touch targets follow the physical DPI so they stay >= 9 mm.
    """
    unit = max(height_px, 600) / 1080
    touch_px = math.ceil(MIN_TOUCH_MM / MM_PER_INCH * max(dots_per_inch, 72))
    metrics = Metrics(body=max(22, round(30 * unit)), question=max(30, round(44 * unit)),
                      small=max(20, round(26 * unit)), touch=max(touch_px, round(96 * unit)),
                      gap=max(16, round(24 * unit)), radius=max(8, round(12 * unit)))
    return metrics.scaled(1.25) if larger_text else metrics


def stylesheet(m: Metrics) -> str:
    """The whole application's stylesheet; widgets pick roles with `objectName` / properties."""
    return f"""
* {{ font-family: {FONT_FAMILY}; color: {INK}; }}
QWidget#KioskWindow, QStackedWidget {{ background: {BACKGROUND}; }}
QLabel {{ font-size: {m.body}px; }}
QLabel[role="question"] {{ font-size: {m.question}px; font-weight: 600; }}
QLabel[role="title"] {{ font-size: {m.question}px; font-weight: 700; color: {BLUE_DARK}; }}
QLabel[role="help"] {{ font-size: {m.small}px; color: {MUTED}; }}
QLabel[role="comment"] {{ font-size: {m.body}px; color: #5C3B00; font-weight: 700; }}
QLabel[role="error"] {{ font-size: {m.body}px; color: {RED}; font-weight: 600; }}
QLabel[role="success"] {{ font-size: {m.question}px; color: {GREEN}; font-weight: 700; }}
QLabel[role="item"] {{ font-size: {m.small}px; color: {BLUE_DARK}; font-weight: 600; }}
QLabel[role="code"] {{ font-size: {m.question * 2}px; font-weight: 700; letter-spacing: 8px; }}
QWidget#Header {{ background: {BLUE}; }}
QWidget#Header QLabel {{ color: {PAPER}; font-size: {m.small}px; }}
QWidget#Header QLabel[role="station"] {{ font-weight: 700; }}
QWidget#Header QPushButton {{ background: transparent; color: {PAPER}; border: none; }}
QWidget#RecordingIndicator {{ background: {PAPER}; border-radius: 8px; }}
QWidget#Header QLabel[role="recording"] {{ color: {RED}; font-weight: 700; }}
QLabel[role="preview"] {{ background: {BLUE_DARK}; }}
QWidget[role="paper-body"] {{ background: {PAPER}; }}
QWidget#Footer {{ background: {PAPER}; border-top: 1px solid {LINE}; }}
QProgressBar {{ background: {BLUE_DARK}; border: none; border-radius: 4px; max-height: 8px; }}
QProgressBar::chunk {{ background: {PAPER}; border-radius: 4px; }}
QPushButton {{
    font-size: {m.body}px; min-height: {m.touch}px; min-width: {m.touch}px;
    padding: 0 {m.gap}px; border-radius: {m.radius}px;
    background: {PAPER}; border: 2px solid {BLUE}; color: {BLUE};
}}
QPushButton:pressed {{ background: {BLUE_LIGHT}; }}
QPushButton:disabled {{ border-color: {LINE}; color: {MUTED}; background: {BACKGROUND}; }}
QPushButton[role="primary"] {{
    background: {BLUE}; color: {PAPER}; font-weight: 700; min-width: {m.touch * 3}px;
}}
QPushButton[role="primary"]:pressed {{ background: {BLUE_DARK}; }}
QPushButton[role="primary"]:disabled {{ background: {LINE}; color: {MUTED}; }}
QPushButton[role="stop"] {{ border-color: {RED}; color: {RED}; }}
QPushButton[role="card"] {{
    text-align: left; padding: {m.gap // 2}px {m.gap}px; border: 2px solid {LINE};
    color: {INK}; font-size: {m.body}px;
}}
QPushButton[role="card"]:checked {{ border: 4px solid {BLUE}; background: {BLUE_LIGHT}; }}
QPushButton[role="toggle"] {{ border: none; font-size: {m.small}px; min-width: {m.touch}px; }}
QPushButton[role="toggle"]:checked {{ background: {BLUE_LIGHT}; }}
QLineEdit, QPlainTextEdit {{
    font-size: {m.body}px; min-height: {m.touch}px; padding: 0 {m.gap // 2}px;
    border: 2px solid {LINE}; border-radius: {m.radius}px; background: {PAPER};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {BLUE}; }}
QPlainTextEdit {{ min-height: {m.touch * 3}px; padding: {m.gap // 2}px; }}
QLineEdit[role="code"] {{ font-size: {m.question}px; font-weight: 700; letter-spacing: 8px; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border-color: {RED}; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QScrollBar:vertical {{
    width: {m.gap}px; background: {BACKGROUND}; border: none; margin: 0; border-radius: 0;
}}
QScrollBar::handle:vertical {{
    background: {MUTED}; min-height: {m.touch}px; border-radius: {m.gap // 2}px;
}}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QFrame[role="paper"] {{ background: {PAPER}; border: 1px solid {LINE}; }}
QFrame[role="comment"] {{
    background: {AMBER_LIGHT}; border-left: 6px solid #8A5A00; padding: {m.gap // 3}px;
}}
QFrame[role="entry"] {{ background: {PAPER}; border-bottom: 1px solid {LINE}; }}
QLabel[role="document"] {{ font-family: {DOCUMENT_FONT_FAMILY}; font-size: {m.body}px; }}
"""


# -- the officer console and the admin editor: dense and calm, for professionals at a desk -----

CALM_LIGHT = "#E3F1E5"     # a time limit far away (text GREEN on it: 7.0:1)
NEAR_LIGHT = AMBER_LIGHT   # a quarter of the time or less (text #5C3B00)
NEAR_INK = "#5C3B00"
URGENT_LIGHT = RED_LIGHT   # a tenth or less, or passed (text RED)
NEW_LIGHT = "#DCE8FB"      # a row or answer that just arrived; fades out
CONSOLE_FONT_PX = 15


def console_stylesheet(font_px: int = CONSOLE_FONT_PX) -> str:
    """The console's stylesheet: the kiosk's colours at desk sizes, keyboard-first."""
    small = font_px - 2
    return f"""
* {{ font-family: {FONT_FAMILY}; color: {INK}; font-size: {font_px}px; }}
QMainWindow, QWidget#ConsolePage, QWidget#LoginPage {{ background: {BACKGROUND}; }}
QWidget#TopBar {{ background: {BLUE}; }}
QWidget#TopBar QLabel {{ color: {PAPER}; }}
QWidget#TopBar QLabel[role="station"] {{ font-weight: 700; font-size: {font_px + 2}px; }}
QWidget#TopBar QPushButton {{
    background: transparent; color: {PAPER}; border: 1px solid {PAPER}; border-radius: 4px;
    padding: 4px 12px;
}}
QWidget#TopBar QPushButton:hover {{ background: {BLUE_DARK}; }}
QLabel[role="live"] {{ font-weight: 700; }}
QLabel[role="title"] {{ font-size: {font_px + 6}px; font-weight: 700; color: {BLUE_DARK}; }}
QLabel[role="subtitle"] {{ font-size: {font_px + 1}px; color: {MUTED}; }}
QLabel[role="help"] {{ color: {MUTED}; font-size: {small}px; }}
QLabel[role="error"] {{ color: {RED}; font-weight: 600; }}
QLabel[role="notice"] {{
    background: {AMBER_LIGHT}; color: {NEAR_INK}; border-left: 4px solid #8A5A00;
    padding: 6px 10px;
}}
QLabel[role="done"] {{
    background: {CALM_LIGHT}; color: {GREEN}; border-left: 4px solid {GREEN}; padding: 6px 10px;
}}
QLabel[role="step"] {{
    background: {BLUE_LIGHT}; color: {BLUE_DARK}; border-left: 4px solid {BLUE}; padding: 6px 10px;
}}
QLabel[role="code"] {{
    font-size: 48px; font-weight: 700; letter-spacing: 12px; color: {BLUE_DARK};
}}
QLabel[role="chip"] {{
    background: {BLUE_LIGHT}; color: {BLUE_DARK}; border-radius: 10px; padding: 2px 10px;
    font-weight: 700;
}}
QPushButton {{
    background: {PAPER}; border: 1px solid {BLUE}; color: {BLUE}; border-radius: 4px;
    padding: 6px 14px; min-height: 22px;
}}
QPushButton:hover {{ background: {BLUE_LIGHT}; }}
QPushButton:disabled {{ border-color: {LINE}; color: {MUTED}; background: {BACKGROUND}; }}
QPushButton[role="primary"] {{ background: {BLUE}; color: {PAPER}; font-weight: 700; }}
QPushButton[role="primary"]:hover {{ background: {BLUE_DARK}; }}
QPushButton[role="primary"]:disabled {{ background: {LINE}; color: {MUTED}; }}
QPushButton[role="stop"] {{ border-color: {RED}; color: {RED}; }}
QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QDateTimeEdit {{
    background: {PAPER}; border: 1px solid {LINE}; border-radius: 4px; padding: 4px 6px;
}}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus,
QDateTimeEdit:focus {{ border: 1px solid {BLUE}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QSpinBox[invalid="true"] {{ border: 1px solid {RED}; }}
QTableView, QTreeWidget, QListWidget, QTextBrowser {{
    background: {PAPER}; border: 1px solid {LINE}; selection-background-color: {BLUE_LIGHT};
    selection-color: {INK}; alternate-background-color: #FAFBFC;
}}
QHeaderView::section {{
    background: {BACKGROUND}; border: none; border-bottom: 1px solid {LINE};
    padding: 4px 6px; font-weight: 700; color: {MUTED};
}}
QTabWidget::pane {{ border: 1px solid {LINE}; background: {PAPER}; }}
QTabBar::tab {{ padding: 6px 16px; border: 1px solid transparent; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {BLUE_DARK}; border-bottom: 3px solid {BLUE}; font-weight: 700; }}
QWidget#ActionBar {{ background: {PAPER}; border-top: 1px solid {LINE}; }}
QFrame[role="card"] {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 6px; }}
QWidget#LoginCard {{ background: {PAPER}; border: 1px solid {LINE}; border-radius: 8px; }}
QWidget#LoginCard QLabel {{ background: transparent; }}
QWidget#AdminPage {{ background: {BACKGROUND}; }}
/* Desk sizes even when the kiosk's stylesheet is the application's (kiosk demo, the template
   editor's preview): a window's own stylesheet wins only where it sets the same property. */
QPushButton, QPushButton[role="primary"] {{ min-width: 0px; }}
QLineEdit {{ min-height: {font_px + 6}px; }}
QPlainTextEdit {{ min-height: {font_px * 3}px; }}
QScrollBar:vertical {{ width: 14px; }}
QScrollBar::handle:vertical {{ min-height: 32px; border-radius: 7px; }}
QLabel[role="section"] {{ font-size: {font_px + 2}px; font-weight: 700; color: {BLUE_DARK}; }}
QLabel[role="field"] {{ font-weight: 600; }}
QLabel[role="field"][changed="true"] {{ color: {BLUE}; }}
QFrame[role="card"] QLabel {{ background: transparent; }}
QCheckBox {{ spacing: 8px; }}
QListWidget[invalid="true"] {{ border: 1px solid {RED}; }}
"""
