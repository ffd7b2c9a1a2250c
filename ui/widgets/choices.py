"""Answer cards: the party answers a choice or a yes/no question by touching large cards."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets.touch import TouchWidget

Choice = tuple[str, str]  # (choice id, label shown on the card)

GRID_AFTER = 4  # more choices than this go in two columns, when their labels are short
SHORT_LABEL_COLUMNS = 16  # display columns (a Chinese character counts two) of a short label


def display_columns(text: str) -> int:
    """How wide `text` reads, in columns: a Chinese (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Mark(QWidget):
    """The round (one answer) or square (several answers) mark at the start of a card.

    It shows the selection by shape as well as by colour, so it is seen without colour vision.
    """

    def __init__(self, card: ChoiceCard) -> None:
        super().__init__(card)
        self._card = card
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        side = round(self._card.label().fontMetrics().height() * 1.1)
        return QSize(side, side)

    def paintEvent(self, event: QPaintEvent) -> None:
        side = min(self.width(), self.height())
        line = max(2.0, side / 12)
        box = QRectF(line / 2, line / 2, side - line, side - line)
        box.moveCenter(QPointF(self.width() / 2, self.height() / 2))
        checked = self._card.isChecked()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.BLUE if checked else theme.MUTED), line))
        painter.setBrush(QColor(theme.BLUE if checked else theme.PAPER))
        if self._card.is_square():
            painter.drawRoundedRect(box, side / 8, side / 8)
        else:
            painter.drawEllipse(box)
        if checked:
            tick = QPainterPath(box.topLeft() + QPointF(box.width() * 0.24, box.height() * 0.52))
            tick.lineTo(box.topLeft() + QPointF(box.width() * 0.43, box.height() * 0.70))
            tick.lineTo(box.topLeft() + QPointF(box.width() * 0.77, box.height() * 0.32))
            pen = QPen(QColor(theme.PAPER), line * 1.4)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)
        painter.end()


class ChoiceCard(QPushButton):
    """One large checkable card (role "card"): a mark and a label that wraps onto more lines.

    A QPushButton draws its text on one line only; English labels run 1.5–2x longer than the
    Chinese, so the label is a word-wrapping QLabel inside the button, transparent to touches.
    """

    def __init__(self, choice_id: str, text: str, *, square: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id = choice_id
        self._square = square
        self.setCheckable(True)
        self.setProperty("role", "card")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._label = QLabel(text, self)
        self._label.setWordWrap(True)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._mark = _Mark(self)
        row = QHBoxLayout(self)
        row.addWidget(self._mark, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._label, 1)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(text)
        self.toggled.connect(self._mark.update)

    def choice_id(self) -> str:
        """The id of the choice this card stands for."""
        return self._id

    def label(self) -> QLabel:
        """The label a person reads on the card."""
        return self._label

    def set_label_text(self, text: str) -> None:
        """Show `text` on the card (a language switch)."""
        self._label.setText(text)
        self.setAccessibleName(text)
        self.updateGeometry()

    def is_square(self) -> bool:
        """Whether the card's mark is a square box (several answers) rather than a circle."""
        return self._square

    def set_margins(self, gap: int) -> None:
        """Pad the card's content by `gap` at the sides and three quarters of it above and below."""
        self.layout().setContentsMargins(gap, gap * 3 // 4, gap, gap * 3 // 4)
        self.layout().setSpacing(gap * 3 // 4)
        self._mark.updateGeometry()

    def sizeHint(self) -> QSize:
        return self.layout().sizeHint().expandedTo(self.minimumSize())

    def minimumSizeHint(self) -> QSize:
        return self.layout().minimumSize().expandedTo(self.minimumSize())


class ChoiceCards(TouchWidget):
    """Choices as large cards: one answer (touching another moves the mark) or several.

    Cards stand in one column; more than four short labels stand in two. `changed` carries the
    new value: the chosen id or None for one answer, the list of chosen ids (in the order of the
    choices) for several. It is emitted whenever the value changes, by touch or by `set_value`.
    """

    changed = Signal(object)

    def __init__(self, choices: Sequence[Choice] = (), *, multiple: bool = False,
                 columns: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._multiple = multiple
        self._columns = columns
        self._cards: list[ChoiceCard] = []
        self._announced: list[str] = []  # the chosen ids `changed` last carried
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._grid)
        outer.addStretch(1)
        self.set_choices(choices)

    def is_multiple(self) -> bool:
        """Whether several cards can be chosen at once."""
        return self._multiple

    def choices(self) -> list[Choice]:
        """The (id, label) pairs shown, in order."""
        return [(card.choice_id(), card.label().text()) for card in self._cards]

    def cards(self) -> list[ChoiceCard]:
        """The cards, in the order of the choices."""
        return list(self._cards)

    def card(self, choice_id: str) -> ChoiceCard:
        """The card of `choice_id`; KeyError when there is none."""
        for card in self._cards:
            if card.choice_id() == choice_id:
                return card
        raise KeyError(choice_id)

    def columns(self) -> int:
        """How many columns the cards stand in."""
        if self._columns is not None:
            return self._columns
        short = all(display_columns(card.label().text()) <= SHORT_LABEL_COLUMNS
                    for card in self._cards)
        return 2 if len(self._cards) > GRID_AFTER and short else 1

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Show `choices` as cards; choices kept from before stay chosen (a language switch)."""
        before = self._chosen_ids()
        for card in self._cards:
            self._grid.removeWidget(card)
            card.hide()
            card.deleteLater()
        self._cards = [ChoiceCard(choice_id, text, square=self._multiple, parent=self)
                       for choice_id, text in choices]
        columns = self.columns()
        for index, card in enumerate(self._cards):
            card.setChecked(card.choice_id() in before)
            card.clicked.connect(lambda _checked=False, c=card: self._on_clicked(c))
            self._grid.addWidget(card, index // columns, index % columns)
        for column in range(columns):
            self._grid.setColumnStretch(column, 1)
        self._restyle_now()
        self._announce()

    def value(self) -> str | list[str] | None:
        """The chosen id (or None) for one answer; the chosen ids for several."""
        chosen = self._chosen_ids()
        if self._multiple:
            return chosen
        return chosen[0] if chosen else None

    def set_value(self, value: str | Iterable[str] | None) -> None:
        """Mark the cards of `value` (an id or None; an iterable of ids for several answers)."""
        if value is None:
            wanted: set[str] = set()
        elif isinstance(value, str):
            wanted = {value}
        else:
            wanted = set(value)
        unknown = wanted - {card.choice_id() for card in self._cards}
        if unknown:
            raise ValueError(f"no card for {sorted(unknown)}")
        if not self._multiple and len(wanted) > 1:
            raise ValueError("one answer only: pass one id or None")
        for card in self._cards:
            card.setChecked(card.choice_id() in wanted)
        self._announce()

    def restyle(self, gap: int) -> None:
        super().restyle(gap)
        for card in self._cards:
            card.set_margins(gap)

    def _chosen_ids(self) -> list[str]:
        return [card.choice_id() for card in self._cards if card.isChecked()]

    def _on_clicked(self, touched: ChoiceCard) -> None:
        if not self._multiple:
            # One answer: touching the chosen card again keeps it, touching another moves it.
            for card in self._cards:
                card.setChecked(card is touched)
        self._announce()

    def _announce(self) -> None:
        chosen = self._chosen_ids()
        if chosen != self._announced:
            self._announced = chosen
            self.changed.emit(self.value())


class YesNo(TouchWidget):
    """A yes/no question's two big cards side by side; the labels come from the caller (是 / 否).

    `changed` carries True, False or None.
    """

    changed = Signal(object)

    def __init__(self, yes_text: str = "是", no_text: str = "否", *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cards = ChoiceCards([("yes", yes_text), ("no", no_text)], columns=2, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._cards)
        self._cards.changed.connect(lambda _value: self.changed.emit(self.value()))

    def yes_card(self) -> ChoiceCard:
        """The card that answers yes."""
        return self._cards.card("yes")

    def no_card(self) -> ChoiceCard:
        """The card that answers no."""
        return self._cards.card("no")

    def set_labels(self, yes_text: str, no_text: str) -> None:
        """Show other words on the cards (a language switch); the answer stays."""
        self.yes_card().set_label_text(yes_text)
        self.no_card().set_label_text(no_text)

    def value(self) -> bool | None:
        """True for yes, False for no, None before the party answers."""
        chosen = self._cards.value()
        return None if chosen is None else chosen == "yes"

    def set_value(self, value: bool | None) -> None:
        """Mark the yes card (True), the no card (False) or neither (None)."""
        self._cards.set_value(None if value is None else ("yes" if value else "no"))
