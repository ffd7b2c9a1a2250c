"""Real evidence files made in the test: images by Pillow, a PDF by reportlab, a clip by PyAV."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas


def image_bytes(format: str = "PNG", colour: str = "firebrick", size: tuple[int, int] = (96, 64),
                label: str = "") -> bytes:
    """A small real image: a coloured card with a line of text (photos of an injury stand-in)."""
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).text((6, 6), label or format, fill="white")
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


def pdf_bytes(text: str = "Repair receipt 200 yuan") -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def clip_bytes(container: str = "mp4", seconds: int = 1) -> bytes:
    """A real clip of `seconds` at 10 frames a second, 64x48, encoded by FFmpeg through PyAV."""
    av = pytest.importorskip("av", reason="PyAV (av) makes the test's video clip")
    numpy = pytest.importorskip("numpy", reason="PyAV's frames are made from numpy arrays")
    out = io.BytesIO()
    with av.open(out, "w", format=container) as media:
        stream = media.add_stream("mpeg4" if container == "mp4" else "libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for n in range(10 * seconds):
            frame = av.VideoFrame.from_ndarray(
                numpy.full((48, 64, 3), n * 20, dtype=numpy.uint8), format="rgb24")
            for packet in stream.encode(frame):
                media.mux(packet)
        for packet in stream.encode():
            media.mux(packet)
    return out.getvalue()
