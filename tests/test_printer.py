"""Printed documents read back with poppler and zbar: text, fonts, QR, verification."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update
from tamper import tamper_as_file_owner

from kiosk.models import AnswerRevision, Document
from kiosk.sample_cases import submitted_sample_case
from kiosk.station import Station
from printer.documents import export_documents, read_qr, verify_file
from printer.fonts import FontsMissing, register_fonts
from printer.qr import QrPayload

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def signed_case(station: Station) -> str:
    """A case the party answered and signed at the kiosk (the signature is a real PNG)."""
    return submitted_sample_case(station).code


@pytest.fixture
def exported(station: Station, tmp_path: Path) -> tuple[str, Path]:
    code = signed_case(station)
    written, pending = export_documents(station, code, tmp_path / "out")
    assert pending == ["pre-penalty-notice", "decision", "delivery-receipt"]  # at approval
    assert [p.name.removeprefix(code + "-") for p in written] == [
        "fast-track-notice.pdf", "rights-notice.pdf", "statement.pdf"]
    return code, written[-1]


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_the_statement_holds_the_chinese_text(exported: tuple[str, Path]) -> None:
    code, pdf = exported
    text = run("pdftotext", str(pdf), "-")
    assert "询问笔录" in text and "张三" in text and "居民身份证" in text
    assert "你是否承认殴打他人的违法事实" in text and "我承认，我自愿接受处罚。" in text
    assert "第 1 页 共" in text and code in text


def test_every_font_is_embedded_and_there_is_no_helvetica(exported: tuple[str, Path]) -> None:
    _, pdf = exported
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    for row in rows:
        assert "Helvetica" not in row
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_the_signature_is_on_every_page(exported: tuple[str, Path]) -> None:
    _, pdf = exported
    pages = int(next(line.split()[-1] for line in run("pdfinfo", str(pdf)).splitlines()
                     if line.startswith("Pages:")))
    images = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    assert pages >= 2
    assert sorted({int(line.split()[0]) for line in images}) == list(range(1, pages + 1))


@pytest.mark.parametrize("dpi", [150, 100, 75])
def test_the_qr_decodes_from_a_scan_even_a_coarse_one(exported: tuple[str, Path],
                                                       dpi: int) -> None:
    """150 dpi is an office scan; 100 and 75 dpi are a fax or a quick phone photo: the code's
    size and its quiet zone must still let a reader find it."""
    code, pdf = exported
    payload = QrPayload.parse(read_qr(pdf, dpi))
    assert payload.case_code == code and payload.kind == "statement"


def test_verify_accepts_the_genuine_file(station: Station, exported: tuple[str, Path]) -> None:
    _, pdf = exported
    verdict = verify_file(station, pdf)
    assert verdict.ok, verdict.message


def test_verify_finds_a_changed_byte(station: Station, exported: tuple[str, Path]) -> None:
    _, pdf = exported
    data = bytearray(pdf.read_bytes())
    index = data.rindex(b"/Producer")  # a byte of the metadata: the page still renders
    data[index + 12] ^= 0x01
    pdf.write_bytes(bytes(data))
    verdict = verify_file(station, pdf)
    assert not verdict.ok and "changed byte" in verdict.message


def test_verify_finds_a_changed_record(station: Station, exported: tuple[str, Path]) -> None:
    _, pdf = exported
    with station.database.session() as session:
        tamper_as_file_owner(session)  # the evidence triggers refuse the program (0014)
        session.execute(update(AnswerRevision).where(AnswerRevision.path == "incident_place")
                        .values(value="别的地方"))
    verdict = verify_file(station, pdf)
    assert not verdict.ok and "no longer matches" in verdict.message


def test_the_document_is_rendered_once_and_audited(station: Station,
                                                   exported: tuple[str, Path],
                                                   tmp_path: Path) -> None:
    code, pdf = exported
    again, _ = export_documents(station, code, tmp_path / "again")
    assert again[-1].name == pdf.name and again[-1].read_bytes() == pdf.read_bytes()
    with station.database.session() as session:
        assert session.query(Document).count() == 3
        from kiosk.models import AuditEvent
        events = session.query(AuditEvent).filter_by(action="document.rendered").all()
        assert sorted(e.payload["file_sha256"] for e in events) == sorted(
            d.file_sha256 for d in session.query(Document))


def test_a_missing_font_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="fonts-arphic-uming"):
        register_fonts(str(tmp_path / "nowhere.ttf"))


def test_approval_makes_the_decision_and_the_pre_penalty_record(
        station: Station, exported: tuple[str, Path], tmp_path: Path) -> None:
    from kiosk.cases import find_case
    from kiosk.review import Decision, approve_level
    from kiosk.sample_cases import decide_after_notice
    from kiosk.users import add_user
    code, _ = exported
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), legal, station.settings)
    decide_after_notice(station, code, head, Decision("fine", "51", "如实陈述，取得谅解",
                                                      amount=300))
    written, pending = export_documents(station, code, tmp_path / "approved")
    assert pending == []
    decision_pdf = next(p for p in written if p.name.endswith("-decision.pdf"))
    text = run("pdftotext", str(decision_pdf), "-").replace("\n", "")  # lines wrap anywhere
    assert "行政处罚决定书" in text and "处罚款人民币300元" in text
    assert "十五日内" in text and "六十日内" in text and "六个月内" in text
    assert "示例派出所" in text
    notice = next(p for p in written if p.name.endswith("-pre-penalty-notice.pdf"))
    assert "陈述和申辩" in run("pdftotext", str(notice), "-")
    for pdf in written:
        assert verify_file(station, pdf).ok, pdf


def test_a_document_printed_before_an_upgrade_that_reshaped_its_content_still_verifies(
        station: Station, exported: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The next release adds a field to the statement's content (and raises CONTENT_FORMAT):
    a paper printed today must still verify against its own stored record, not against the new
    shape, or every genuine document would look tampered with after the upgrade. Tampering with
    the stored record is still found."""
    import printer.documents as documents

    _, pdf = exported
    assert verify_file(station, pdf).ok
    kind = documents.KINDS_BY_NAME["statement"]
    reshaped = lambda *args: {**kind.content(*args), "interpreter": None}  # noqa: E731
    monkeypatch.setitem(documents.KINDS_BY_NAME, "statement",
                        documents.Kind(**{**kind.__dict__, "content": reshaped}))
    monkeypatch.setattr(documents, "CONTENT_FORMAT", documents.CONTENT_FORMAT + 1)
    assert verify_file(station, pdf).ok, verify_file(station, pdf).message
    with station.database.session() as session:
        tamper_as_file_owner(session)  # the evidence triggers refuse the program (0014)
        session.execute(update(Document).where(Document.kind == "statement")
                        .values(content=Document.content + " "))
    verdict = verify_file(station, pdf)
    assert not verdict.ok and "stored record" in verdict.message
