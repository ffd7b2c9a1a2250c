"""The page frame every document shares: A4, title, page x of y, case code and QR on each page.

Page counts are only known at the end, so each page's drawing is kept and the frame (with
"第 x 页 共 y 页") is added when the document is saved.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from printer.fonts import DocumentFonts
from printer.qr import MIN_SIZE, QrPayload, draw_qr

MARGIN_X = 25 * mm
MARGIN_TOP = 25 * mm
FOOTER_HEIGHT = 42 * mm

Footer = Callable[[Canvas, int, int], None]
"""Draws one page's frame: (canvas, page number from 1, page count)."""


class _FramedCanvas(Canvas):
    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._kept: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._kept)
        for number, state in enumerate(self._kept, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    field: ParagraphStyle
    heading: ParagraphStyle
    small: ParagraphStyle


def styles(fonts: DocumentFonts) -> Styles:
    """Paragraph styles; Chinese line breaking (wordWrap CJK) everywhere."""
    body = ParagraphStyle("body", fontName=fonts.body, fontSize=12, leading=21,
                          wordWrap="CJK", spaceAfter=2)
    return Styles(
        title=ParagraphStyle("title", fontName=fonts.heading, fontSize=20, leading=28,
                             alignment=TA_CENTER, spaceAfter=14, wordWrap="CJK"),
        body=body,
        field=ParagraphStyle("field", parent=body, leading=20, spaceAfter=1),
        heading=ParagraphStyle("heading", parent=body, fontName=fonts.heading, spaceBefore=6),
        small=ParagraphStyle("small", fontName=fonts.body, fontSize=8.5, leading=11,
                             wordWrap="CJK"),
    )


def build_pdf(story: Sequence[Flowable], fonts: DocumentFonts, footer: Footer, *,
              title: str) -> tuple[bytes, int]:
    """Lays out the story on framed A4 pages; returns the PDF and its page count."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=FOOTER_HEIGHT, title=title,
        author="station kiosk", creator="station kiosk",
        # The embedded font from the first byte: otherwise reportlab puts an unembedded
        # Helvetica into every PDF. Invariant: the same content gives the same file.
        initialFontName=fonts.body, invariant=1,
    )
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    pages: list[int] = []

    def counting_footer(canvas: Canvas, number: int, total: int) -> None:
        pages.append(total)
        footer(canvas, number, total)

    document.build(list(story), canvasmaker=partial(_FramedCanvas, footer=counting_footer))
    return buffer.getvalue(), (pages[-1] if pages else 0)


def draw_code_and_page(canvas: Canvas, fonts: DocumentFonts, payload: QrPayload,
                       code_label: str, page_label: str) -> None:
    """The right-hand corner of the frame: QR, the case code under it, the page line."""
    width, _ = A4
    x = width - MARGIN_X - MIN_SIZE
    y = 14 * mm
    draw_qr(canvas, payload, x, y, MIN_SIZE)
    canvas.setFont(fonts.body, 7)
    canvas.drawRightString(width - MARGIN_X, y - 4 * mm, f"{code_label} {payload.case_code}")
    canvas.setFont(fonts.body, 9)
    canvas.drawCentredString(width / 2, 8 * mm, page_label)


@dataclass(frozen=True)
class SignatureBlock:
    """What the bottom of a signed page shows, in the document's language."""

    electronic_label: str
    signed_line: str
    handwritten_label: str
    code_label: str
    page_label: Callable[[int, int], str]
    recording_line: str = ""  # where in the recording the signing was (PR Art. 263)


def signature_footer(fonts: DocumentFonts, payload: QrPayload, signature_png: bytes | None,
                     block: SignatureBlock) -> Footer:
    """Every page: the party's on-screen signature and time, a box for the handwritten
    signature and fingerprint (an electronic one alone counts only with a synchronised
    recording), the QR and case code, page x of y."""
    image = ImageReader(io.BytesIO(signature_png)) if signature_png else None

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        base = 14 * mm
        canvas.setFont(fonts.body, 8)
        canvas.drawString(MARGIN_X, base + 24 * mm, block.electronic_label)
        if image is not None:
            canvas.drawImage(image, MARGIN_X, base + 6 * mm, width=45 * mm, height=16 * mm,
                             preserveAspectRatio=True, anchor="sw", mask=None)
        canvas.drawString(MARGIN_X, base + 1 * mm, block.signed_line)
        if block.recording_line:
            canvas.drawString(MARGIN_X, base - 3 * mm, block.recording_line)
        box_x = MARGIN_X + 55 * mm
        canvas.setLineWidth(0.6)
        canvas.rect(box_x, base, 58 * mm, 24 * mm)
        canvas.drawString(box_x + 2 * mm, base + 26 * mm, block.handwritten_label)
        draw_code_and_page(canvas, fonts, payload, block.code_label,
                           block.page_label(number, total))
        canvas.restoreState()

    return footer
