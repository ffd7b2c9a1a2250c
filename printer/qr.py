"""QR codes on documents: the case code, the document kind and the content hash, as vectors."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

PREFIX = "KIOSK1"
MIN_SIZE = 22 * mm  # decodes from a 150 dpi scan (DESIGN.md: ~20 mm for ~100 characters)


@dataclass(frozen=True)
class QrPayload:
    case_code: str
    kind: str
    content_sha256: str

    def text(self) -> str:
        return f"{PREFIX}|{self.case_code}|{self.kind}|{self.content_sha256}"

    @classmethod
    def parse(cls, text: str) -> QrPayload:
        parts = text.strip().split("|")
        if len(parts) != 4 or parts[0] != PREFIX:
            raise ValueError(f"not a kiosk document code: {text[:40]!r}")
        return cls(parts[1], parts[2], parts[3])


def draw_qr(canvas: Canvas, payload: QrPayload, x: float, y: float,
            size: float = MIN_SIZE) -> None:
    """Draws the code as black squares (crisp at any printer resolution) with its quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload.text())
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    quiet = 4
    cell = size / (modules + 2 * quiet)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            if dark:
                canvas.rect(x + (quiet + column) * cell, y + size - (quiet + row + 1) * cell,
                            cell, cell, stroke=0, fill=1)
    canvas.restoreState()
