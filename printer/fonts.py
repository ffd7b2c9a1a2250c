"""The Chinese fonts embedded in every document (TrueType outlines only; reportlab cannot embed
CFF-outline fonts such as Noto Sans CJK, and its built-in CID fonts are never embedded)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

BODY = "KioskSong"
HEADING = "KioskHei"

# (path, face index in a .ttc) in order of preference: a Song/FangSong face for the body as on
# official forms, a Hei face for titles. The first that exists and loads wins.
SONG_FACES = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),        # AR PL UMing CN (Debian)
    ("C:/Windows/Fonts/simfang.ttf", 0),                       # FangSong
    ("C:/Windows/Fonts/simsun.ttc", 0),                        # SimSun
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),       # WenQuanYi Zen Hei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
HEI_FACES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
INSTALL_HINT = ("install a TrueType Chinese font: on Debian `apt-get install fonts-arphic-uming "
                "fonts-wqy-zenhei`; on Windows SimSun/SimHei/FangSong come with the system; or "
                "set document_font to a .ttf/.ttc file (path:N for the N-th face)")


class FontsMissing(RuntimeError):
    """No usable Chinese font: documents cannot be made until one is installed or configured."""


@dataclass(frozen=True)
class DocumentFonts:
    body: str
    heading: str
    body_file: str
    heading_file: str


def _load(name: str, path: str, index: int) -> TTFont:
    return TTFont(name, path, subfontIndex=index)


def _parse(configured: str) -> tuple[str, int]:
    path, _, index = configured.rpartition(":") if configured.rsplit(":", 1)[-1].isdigit() \
        else (configured, "", "0")
    return path, int(index or 0)


def _first(candidates: tuple[tuple[str, int], ...], name: str) -> tuple[TTFont, str] | None:
    for path, index in candidates:
        if Path(path).exists():
            try:
                return _load(name, path, index), path
            except TTFError:
                continue  # e.g. CFF outlines: reportlab cannot embed them
    return None


@lru_cache(maxsize=4)
def register_fonts(configured: str = "") -> DocumentFonts:
    """Registers the body and heading fonts with reportlab (once per process)."""
    if configured:
        path, index = _parse(configured)
        if not Path(path).exists():
            raise FontsMissing(f"document_font {configured!r} does not exist; {INSTALL_HINT}")
        try:
            body = _load(BODY, path, index)
        except TTFError as exc:
            raise FontsMissing(f"document_font {configured!r} cannot be embedded ({exc}); "
                               f"{INSTALL_HINT}") from exc
        body_file = path
    else:
        found = _first(SONG_FACES, BODY)
        if found is None:
            raise FontsMissing(f"no Chinese TrueType font found; {INSTALL_HINT}")
        body, body_file = found
    heading_found = _first(HEI_FACES, HEADING)
    pdfmetrics.registerFont(body)
    if heading_found is None:
        heading, heading_file = _load(HEADING, body_file, 0), body_file
    else:
        heading, heading_file = heading_found
    pdfmetrics.registerFont(heading)
    # No bold face ships with these fonts: bold maps to the same faces.
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=HEADING, italic=BODY, boldItalic=HEADING)
    return DocumentFonts(BODY, HEADING, body_file, heading_file)
