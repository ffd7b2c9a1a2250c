"""What the touch widgets share: spacing from the one stylesheet, roles, one-finger scrolling."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLayout,
    QPushButton,
    QScroller,
    QScrollerProperties,
    QWidget,
)

FALLBACK_GAP = 16  # px, when no stylesheet sets a touch size (a bare widget in a test)


def touch_gap(button: QPushButton) -> int:
    """The space to leave between touch targets: a quarter of the stylesheet's touch height.

    `ui.theme` sets every button's minimum height to the screen's touch size and the gap to a
    quarter of it (96 and 24 px at 1080 rows, 71 and 18 at 800), so reading it back here keeps
    the widgets in step with the theme and with the larger-text switch.
    """
    button.ensurePolished()
    height = button.minimumHeight()
    return max(FALLBACK_GAP // 2, height // 4) if height else FALLBACK_GAP


def set_role(widget: QWidget, role: str) -> None:
    """Give `widget` another of the stylesheet's roles and restyle it at once."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.updateGeometry()


def set_layout_spacing(layout: QLayout | None, gap: int) -> None:
    """Give `layout` and the layouts nested in it (not in child widgets) the spacing `gap`."""
    if layout is None:
        return
    layout.setSpacing(gap)
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is not None and item.layout() is not None:
            set_layout_spacing(item.layout(), gap)


class TouchWidget(QWidget):
    """Base of the composite touch widgets: re-spaces them whenever the stylesheet changes.

    Subclasses override `restyle(gap)` for sizes that follow the stylesheet (fonts, margins); the
    default spaces the widget's own layouts.
    """

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish:
            self._restyle_now()
        elif event.type() == QEvent.Type.StyleChange:
            # Children are re-polished in no particular order: measure once they all are.
            QTimer.singleShot(0, self, self._restyle_now)
        return super().event(event)

    def gap(self) -> int:
        """The space between this widget's touch targets under the current stylesheet."""
        button = self.findChild(QPushButton)
        return touch_gap(button) if button is not None else FALLBACK_GAP

    def restyle(self, gap: int) -> None:
        """Apply sizes that follow the stylesheet; `gap` is the space between touch targets."""
        set_layout_spacing(self.layout(), gap)

    def _restyle_now(self) -> None:
        self.restyle(self.gap())
        # New minimum sizes of the children do not reach the parent's layout by themselves.
        if self.layout() is not None:
            self.layout().invalidate()
        self.updateGeometry()


def kinetic(area: QAbstractScrollArea) -> QScroller:
    """Make `area` scroll under one finger, with momentum, like a phone's list.

    A touch screen's finger arrives as a touch or, through many panel drivers, as a left mouse
    button, so the mouse gesture is grabbed (touch events are synthesized into it). A short press
    still reaches the widget under it (a card is chosen); a press that moves further than the
    platform's drag distance scrolls and is never taken for a tap.
    """
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    # No rubber band past the ends: a notice's end must read as its end.
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    # The press reaches the widget under the finger at once (a field takes the focus, a card
    # shows it is pressed); when the finger then moves, the scroller takes over and the widget
    # gets its release far outside itself, so the card is not chosen.
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(properties)
    return scroller
