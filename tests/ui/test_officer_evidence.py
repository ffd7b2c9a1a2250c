"""The console's Evidence tab through its widgets: add a photo, see it listed and shown, save a
copy, and be told in the console's words when a file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_files import image_bytes, pdf_bytes
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from test_officer import WAIT_MS, log_in, select

from kiosk.cases import find_case
from kiosk.evidence import evidence_of
from kiosk.sample_cases import submitted_sample_case
from kiosk.station import Station
from ui.officer.window import OfficerWindow


@pytest.fixture
def console(make_staff_window) -> OfficerWindow:
    return make_staff_window(OfficerWindow)


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The OS file dialog cannot be driven offscreen: this stands in for the officer picking
    `path` in it (the button, the kind box and everything after are the real ones)."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


def items_of(station: Station, case_id: str):
    with station.database.session(readonly=True) as session:
        return evidence_of(session, find_case(session, case_id))


def test_an_officer_adds_a_photo_and_sees_it_listed_and_shown(
        qtbot, console: OfficerWindow, station: Station, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case = submitted_sample_case(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    view = console.console.case_view
    panel = view.evidence
    view.tabs.setCurrentWidget(panel)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "证据 (0)"
    assert panel.empty.isVisible() and "第一百一十一条" in panel.empty.text()

    photo = tmp_path / "右臂淤青.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(320, 240), label="bruise"))
    choose_file(monkeypatch, photo)
    panel.kind.setCurrentIndex(panel.kind.findData("photo"))
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=WAIT_MS)

    row = [panel.table.item(0, column).text() for column in range(panel.table.columnCount())]
    assert row[:3] == ["照片", "民警调取", "legal"] and row[5] == "右臂淤青.jpg"
    assert view.tabs.tabText(view.tabs.currentIndex()) == "证据 (1)"
    assert not panel.empty.isVisible()
    assert console.console.actions.message.text() == "已添加照片：右臂淤青.jpg"
    assert [(i.kind, i.added_by) for i in items_of(station, case.id)] == [("photo", "legal")]

    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.table.visualItemRect(panel.table.item(0, 0)).center())
    qtbot.waitUntil(lambda: panel.viewer.currentWidget() is panel.image, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.image.pixmap().isNull(), timeout=WAIT_MS)
    assert panel.image.original.size().toTuple() == (320, 240)  # the photo, whole

    copy = tmp_path / "copy.jpg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",  # stands in for the OS save dialog
                        staticmethod(lambda *args, **kwargs: (str(copy), "")))
    qtbot.mouseClick(panel.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(copy.exists, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: copy.read_bytes() == photo.read_bytes(), timeout=WAIT_MS)
    console.grab().save(str(tmp_path / "evidence.png"))


def test_a_refused_file_is_worded_by_the_console_and_nothing_is_listed(
        qtbot, console: OfficerWindow, station: Station, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case = submitted_sample_case(station)
    log_in(qtbot, console, "legal")
    select(qtbot, console, case.id)
    panel = console.console.case_view.evidence
    console.console.case_view.tabs.setCurrentWidget(panel)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(pdf_bytes())
    choose_file(monkeypatch, receipt)
    panel.kind.setCurrentIndex(panel.kind.findData("photo"))  # a PDF is no photo
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    message = console.console.actions.message
    qtbot.waitUntil(lambda: "照片" in message.text() and "application/pdf" in message.text(),
                    timeout=WAIT_MS)
    assert panel.table.rowCount() == 0 and items_of(station, case.id) == []

    panel.kind.setCurrentIndex(panel.kind.findData("receipt"))
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=WAIT_MS)
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.viewer.currentWidget() is panel.pdf_view, timeout=WAIT_MS)
    assert panel.pdf.pageCount() == 1
