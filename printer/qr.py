"""QR codes on documents: the case code, the document kind and the content hash.

The text uses only QR's alphanumeric characters (digits, capitals, "/"), so the SHA-256 goes in
base32 and the kind as a two-letter code: about 90 characters, a smaller code with bigger
squares than the same data as bytes, which a 150 dpi scan reads with room to spare.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

PREFIX = "KSK1"
MIN_SIZE = 24 * mm
KIND_CODES = {"statement": "ST", "fast-track-notice": "FN", "rights-notice": "RN",
              "pre-penalty-notice": "PN", "decision": "DE", "mediation-agreement": "MA",
              "mediation-record": "MR", "delivery-receipt": "DR"}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QrPayload:
    case_code: str
    kind: str
    content_sha256: str

    def text(self) -> str:
        digest = base64.b32encode(bytes.fromhex(self.content_sha256)).decode("ascii")
        return f"{PREFIX}/{self.case_code}/{KIND_CODES[self.kind]}/{digest.rstrip('=')}"

    @classmethod
    def parse(cls, text: str) -> QrPayload:
        parts = text.strip().split("/")
        if len(parts) != 4 or parts[0] != PREFIX or parts[2] not in KINDS_BY_CODE:
            raise ValueError(f"not a kiosk document code: {text[:40]!r}")
        try:
            raw = base64.b32decode(parts[3] + "=" * (-len(parts[3]) % 8))
        except ValueError as exc:
            raise ValueError("the document code's hash is damaged") from exc
        return cls(parts[1], KINDS_BY_CODE[parts[2]], raw.hex())


def draw_qr(canvas: Canvas, payload: QrPayload, x: float, y: float,
            size: float = MIN_SIZE) -> None:
    """Draws the code as black squares (crisp at any printer resolution).

    The code is built once per document and kept as a PDF form that every page reuses.
    """
    name = f"qr-{payload.kind}"
    forms: dict[str, bool] = canvas.__dict__.setdefault("_kiosk_qr_forms", {})
    if name not in forms:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
        code.add_data(payload.text())
        code.make(fit=True)
        matrix = code.get_matrix()
        cell = size / (len(matrix) + 2 * QUIET_ZONE)
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=size, uppery=size)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(0, 0, size, size, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        for row, line in enumerate(matrix):
            top = size - (QUIET_ZONE + row + 1) * cell
            column = 0
            while column < len(line):  # one rectangle per run of dark squares in a row
                if not line[column]:
                    column += 1
                    continue
                start = column
                while column < len(line) and line[column]:
                    column += 1
                canvas.rect((QUIET_ZONE + start) * cell, top, (column - start) * cell, cell,
                            stroke=0, fill=1)
        canvas.endForm()
        forms[name] = True
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()
