"""The signature pad: where the party signs the statement with a finger, a pen or the mouse."""

from __future__ import annotations

import math
from itertools import pairwise

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QElapsedTimer,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme

Point = tuple[float, float, int]  # x, y in widget pixels; ms since the first touch
Stroke = list[Point]

BASE_PEN_PX = 4.0  # ink width on a pad 400 px tall (or wide); it scales with the pad
PNG_SCALE = 2.0  # `to_png_bytes` with no width renders at twice the pad's resolution
BASELINE_AT = 0.72  # the line to sign on, as a fraction of the pad's height
MIN_STEP_PX = 1.0  # closer points add nothing to the line but noise


def ink_path(stroke: Stroke) -> QPainterPath:
    """A smooth line through a stroke's points: quadratic curves through their midpoints."""
    path = QPainterPath(QPointF(stroke[0][0], stroke[0][1]))
    for (x0, y0, _), (x1, y1, _) in pairwise(stroke[1:]):
        path.quadTo(QPointF(x0, y0), QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    if len(stroke) > 1:
        path.lineTo(QPointF(stroke[-1][0], stroke[-1][1]))
    return path


def draw_ink(painter: QPainter, strokes: list[Stroke], pen_width: float) -> None:
    """Draw `strokes` in ink with round ends and joins; a lone touch leaves a round dot."""
    pen = QPen(QColor(theme.INK), pen_width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        if len(stroke) == 1:
            painter.drawPoint(QPointF(stroke[0][0], stroke[0][1]))
        else:
            painter.drawPath(ink_path(stroke))


class SignaturePad(QWidget):
    """A large white area with a line to sign on, which records the party's strokes as drawn.

    Mouse, pen and touch all draw (a pen the pad does not take arrives as mouse events). Each
    stroke is a list of (x, y, t) points: x and y in the pad's pixels, t in milliseconds since
    the first touch of the signature, so the timing can be kept with the signed statement.
    `changed` is emitted when a stroke ends and when the pad is cleared.
    """

    changed = Signal()

    def __init__(self, placeholder: str = "请在此处签名 / Sign here", *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._strokes: list[Stroke] = []
        self._drawing = False
        self._clock = QElapsedTimer()
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 240)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(placeholder)

    def sizeHint(self) -> QSize:
        return QSize(1200, 480)

    def placeholder(self) -> str:
        """The words shown on the empty pad."""
        return self._placeholder

    def set_placeholder(self, text: str) -> None:
        """Show `text` on the empty pad (a language switch)."""
        self._placeholder = text
        self.setAccessibleName(text)
        self.update()

    def is_empty(self) -> bool:
        """Whether nothing has been drawn since the pad was made or cleared."""
        return not self._strokes

    def clear(self) -> None:
        """Wipe the signature, so the party can sign again."""
        was_empty = self.is_empty()
        self._strokes = []
        self._drawing = False
        self._clock.invalidate()
        self.update()
        if not was_empty:
            self.changed.emit()

    def strokes(self) -> list[Stroke]:
        """A copy of the strokes: lists of (x, y, ms since the first touch) points."""
        return [list(stroke) for stroke in self._strokes]

    def pen_width(self) -> float:
        """The ink's width in pixels, scaled to the pad (about 4 px on a 400 px pad)."""
        return min(8.0, max(2.5, BASE_PEN_PX * min(self.width(), self.height()) / 400))

    def to_png_bytes(self, width: int | None = None) -> bytes:
        """The ink alone, black on opaque white, cropped to the signature, as a PNG.

        `width` is the image's width in pixels (the height follows the signature's shape); by
        default the image has twice the pad's resolution. ValueError when nothing is signed.
        """
        if self.is_empty():
            raise ValueError("nothing is signed yet")
        if width is not None and width < 1:
            raise ValueError(f"width must be at least 1 pixel, not {width}")
        pen = self.pen_width()
        xs = [x for stroke in self._strokes for x, _, _ in stroke]
        ys = [y for stroke in self._strokes for _, y, _ in stroke]
        bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        bounds.adjust(-2 * pen, -2 * pen, 2 * pen, 2 * pen)
        scale = PNG_SCALE if width is None else width / bounds.width()
        size = QSize(width or math.ceil(bounds.width() * scale),
                     max(1, math.ceil(bounds.height() * scale)))
        image = QImage(size, QImage.Format.Format_RGB32)  # no alpha: white, never transparent
        image.fill(QColor(theme.PAPER))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-bounds.left(), -bounds.top())
        draw_ink(painter, self._strokes, pen)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    # Drawing ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = max(2.0, self.height() / 200)
        frame = QRectF(self.rect()).adjusted(line / 2, line / 2, -line / 2, -line / 2)
        radius = min(16.0, self.height() / 30)
        painter.setPen(QPen(QColor(theme.LINE), line))
        painter.setBrush(QColor(theme.PAPER))
        painter.drawRoundedRect(frame, radius, radius)
        baseline = self.height() * BASELINE_AT
        left, right = self.width() * 0.06, self.width() * 0.94
        painter.setPen(QPen(QColor(theme.MUTED), line))
        painter.drawLine(QPointF(left, baseline), QPointF(right, baseline))
        if self.is_empty() and self._placeholder:
            font = QFont(self.font())
            font.setPixelSize(round(min(44.0, max(20.0, self.height() / 11))))
            painter.setFont(font)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QRectF(left, 0, right - left, baseline),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._placeholder)
        draw_ink(painter, self._strokes, self.pen_width())
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Keep the signature where it was on the pad, in its shape, when the pad changes size.
        old, new = event.oldSize(), event.size()
        if self._strokes and old.width() > 0 and old.height() > 0:
            factor = min(new.width() / old.width(), new.height() / old.height())
            self._strokes = [[(x * factor, y * factor, t) for x, y, t in stroke]
                             for stroke in self._strokes]
        super().resizeEvent(event)

    # Input -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._extend(event.position())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing and event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(event, QTouchEvent) and kind in (
                QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                QEvent.Type.TouchCancel):
            # One finger signs; a second finger (a resting palm) is ignored.
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif self._drawing:
                    self._extend(position)
            if kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel) and self._drawing:
                self._end()
            event.accept()
            return True
        return super().event(event)

    def _point(self, position: QPointF) -> Point:
        if not self._clock.isValid():
            self._clock.start()
        x = min(max(position.x(), 0.0), float(self.width()))
        y = min(max(position.y(), 0.0), float(self.height()))
        return (x, y, int(self._clock.elapsed()))

    def _begin(self, position: QPointF) -> None:
        self._drawing = True
        self._strokes.append([self._point(position)])
        self.update()

    def _extend(self, position: QPointF) -> None:
        stroke = self._strokes[-1]
        point = self._point(position)
        last = stroke[-1]
        if math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_STEP_PX:
            return
        stroke.append(point)
        pen = self.pen_width()
        self.update(QRectF(min(last[0], point[0]), min(last[1], point[1]),
                           abs(point[0] - last[0]), abs(point[1] - last[1]))
                    .adjusted(-2 * pen, -2 * pen, 2 * pen, 2 * pen).toAlignedRect())

    def _end(self) -> None:
        self._drawing = False
        self.update()
        self.changed.emit()
