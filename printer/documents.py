"""The documents of a case: rendered once from canonical content, stored, exported, verified."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import canonical_json, case_events, record_event
from kiosk.cases import find_case
from kiosk.models import Case, Document
from kiosk.notices import TERMS
from kiosk.states import CaseStatus
from kiosk.station import Station
from printer import decision, delivery, mediation, notice_documents, statement
from printer.content import signature_of
from printer.fonts import DocumentFonts, register_fonts
from printer.qr import QrPayload
from printer.wording import Wording, load_wording


def statement_signature(session: Session, case: Case) -> bytes | None:
    """The party's signature under the statement of the case's current submission."""
    signature = signature_of(session, case)
    return signature.png if signature else None


@dataclass(frozen=True)
class Kind:
    """One kind of document: when it can exist, its content, its wording and its pages."""

    name: str
    wording: str
    labels: frozenset[str]
    is_ready: Callable[[Case], bool]
    will_come: Callable[[Case], bool]
    """Whether the case may still get it (so an export says "pending", not nothing)."""
    content: Callable[[Session, Case, Station], dict[str, Any]]
    render: Callable[[dict[str, Any], Wording, DocumentFonts, str, bytes | None],
                     tuple[bytes, int]]
    signature: Callable[[Session, Case], bytes | None] = statement_signature
    """The party's on-screen signature the pages carry."""


def _submitted(case: Case) -> bool:
    return case.submission_count > 0


def _kept_after_conversion(case: Case) -> bool:
    """A case handed to the ordinary procedure before the party signed still has what was
    collected, as evidence (PR Art. 48): each notice the party confirmed, and the statement so
    far once they gave their identity."""
    return case.status == CaseStatus.CONVERTED and case.submission_count == 0


def _notice_ready(notice_id: str, case: Case) -> bool:
    confirmed = case.consent_at if notice_id == TERMS else case.rights_acknowledged_at
    return _submitted(case) or (_kept_after_conversion(case) and confirmed is not None)


def _statement_ready(case: Case) -> bool:
    return _submitted(case) or (_kept_after_conversion(case) and bool(case.party))


def _until_converted(case: Case) -> bool:
    return case.status != CaseStatus.CONVERTED


KINDS = (
    *(Kind(name, "notice", notice_documents.LABELS, partial(_notice_ready, notice_id),
           _until_converted, partial(notice_documents.notice_content, name),
           notice_documents.render_notice)
      for name, notice_id in notice_documents.KINDS.items()),
    Kind(statement.KIND, statement.KIND, statement.LABELS, _statement_ready,
         _until_converted, statement.statement_content, statement.render_statement),
    Kind(decision.PRE_PENALTY, "decision", decision.LABELS, decision.is_pre_penalty_ready,
         partial(decision.will_come, decision.PRE_PENALTY),
         partial(decision.decision_content, decision.PRE_PENALTY), decision.render_decision,
         decision.notice_signature),
    Kind(decision.DECISION, "decision", decision.LABELS, decision.is_ready,
         partial(decision.will_come, decision.DECISION),
         partial(decision.decision_content, decision.DECISION), decision.render_decision),
    Kind(delivery.KIND, delivery.KIND, delivery.LABELS, delivery.is_ready, delivery.will_come,
         delivery.receipt_content, delivery.render_receipt, delivery.receipt_signature),
    Kind(mediation.KIND, "mediation", mediation.LABELS, mediation.is_ready, mediation.will_come,
         mediation.mediation_content, mediation.render_mediation),
    Kind(mediation.RECORD, "mediation", mediation.LABELS, mediation.is_record_ready,
         mediation.record_will_come, mediation.record_content, mediation.render_record),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


CONTENT_FORMAT = 5  # 3: the notice record from the stored notice; 4: the decision's evidence;
# 5: the decision's document number (文号), the delivery receipt
"""The shape of the documents' content JSON, stored in each as "format". Raise it whenever a
content builder adds, removes or renames a field: `kiosk verify` compares a document with the
case's current record only when both are of the same shape, so an upgrade never makes a
genuine older document look tampered with (it is then checked against its stored record)."""


def current_content(kind: Kind, session: Session, case: Case,
                    station: Station) -> dict[str, Any]:
    """What the case's record says this document holds, as of now."""
    return {**kind.content(session, case, station), "format": CONTENT_FORMAT}


def _sha256(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def ensure_document(session: Session, case: Case, station: Station, kind: Kind) -> Document | None:
    """The document of the case's current submission, rendered and stored once; None while the
    case is not far enough along for it (say, a decision before approval)."""
    if not kind.is_ready(case):
        return None
    existing = session.execute(
        select(Document).where(Document.case_id == case.id, Document.kind == kind.name,
                               Document.submission == case.submission_count)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    content = current_content(kind, session, case, station)
    text = canonical_json(content)
    digest = _sha256(text)
    fonts = register_fonts(station.settings.document_font)
    wording = load_wording(station.settings.resolved_templates_dir, kind.wording, kind.labels)
    pdf, pages = kind.render(content, wording, fonts, digest, kind.signature(session, case))
    document = Document(case_id=case.id, kind=kind.name, submission=case.submission_count,
                        language=case.language, content=text, content_sha256=digest, pdf=pdf,
                        file_sha256=_sha256(pdf), pages=pages)
    session.add(document)
    session.flush()
    record_event(session, "printer", "document.rendered", case_id=case.id,
                 payload={"kind": kind.name, "submission": case.submission_count,
                          "content_sha256": digest, "file_sha256": document.file_sha256,
                          "pages": pages})
    return document


def missing_kinds(session: Session, case: Case) -> list[Kind]:
    """The kinds the case is ready for but that are not yet rendered for its submission."""
    made = set(session.execute(
        select(Document.kind).where(Document.case_id == case.id,
                                    Document.submission == case.submission_count)
    ).scalars())
    return [kind for kind in KINDS if kind.is_ready(case) and kind.name not in made]


def ensure_documents(session: Session, case: Case, station: Station) -> list[Document]:
    """Every document the case is ready for (the statement before the decision, which cites
    its page count)."""
    made = [ensure_document(session, case, station, kind) for kind in KINDS]
    return [document for document in made if document is not None]


def ensure_statement(session: Session, case: Case, station: Station) -> Document | None:
    return ensure_document(session, case, station, KINDS_BY_NAME[statement.KIND])


def export_documents(station: Station, code: str, out: Path) -> tuple[list[Path], list[str]]:
    """Writes the stored documents of a case into `out`; returns the files and what is pending."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with station.database.session() as session:
        case = find_case(session, code)
        ensure_documents(session, case, station)
        rows = session.execute(
            select(Document).where(Document.case_id == case.id).order_by(Document.id)
        ).scalars().all()
        latest = {row.kind: row for row in rows}
        for kind, row in latest.items():
            path = out / f"{case.code}-{kind}.pdf"
            path.write_bytes(row.pdf)
            written.append(path)
        pending = [kind.name for kind in KINDS
                   if kind.name not in latest and kind.will_come(case)]
    return written, pending


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def read_qr(pdf: Path, dpi: int = 150) -> str:
    """The document code on the first page, read the way a scanner would (150 dpi), with zbar."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is needed to read the code (Debian: poppler-utils, "
                               f"zbar-tools)")
    with tempfile.TemporaryDirectory() as scratch:
        image = Path(scratch) / "page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-singlefile",
                        str(pdf), str(image)], check=True, capture_output=True, timeout=60)
        result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable",
                                 "-Sqrcode.enable", str(image) + ".png"],
                                capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or not result.stdout.strip():
        raise ValueError("no document code found on the first page")
    return result.stdout.strip().splitlines()[0]


def rendered_file_hash(session: Session, document: Document) -> str | None:
    """The PDF's SHA-256 as the audit chain recorded it when the document was rendered."""
    for event in case_events(session, document.case_id):
        payload = event.payload
        if event.action == "document.rendered" and payload.get("kind") == document.kind \
                and payload.get("submission") == document.submission \
                and payload.get("content_sha256") == document.content_sha256:
            return payload.get("file_sha256")
    return None


def verify_file(station: Station, pdf: Path) -> Verdict:
    """Whether a PDF is the stored document its QR names, and the record is unchanged since."""
    try:
        payload = QrPayload.parse(read_qr(pdf))
    except (ValueError, subprocess.CalledProcessError) as exc:
        return Verdict(False, f"{pdf}: {exc}")
    file_hash = _sha256(pdf.read_bytes())
    with station.database.session(readonly=True) as session:
        case = find_case(session, payload.case_code)
        document = session.execute(
            select(Document).where(Document.case_id == case.id, Document.kind == payload.kind,
                                   Document.content_sha256 == payload.content_sha256)
        ).scalar_one_or_none()
        if document is None:
            return Verdict(False, f"case {case.code} has no {payload.kind} with this content")
        if _sha256(document.content) != payload.content_sha256:
            return Verdict(False, "the stored record of this document was changed after it "
                           "was printed")
        kind = KINDS_BY_NAME.get(payload.kind)
        if kind is not None and document.submission == case.submission_count:
            stored_format = json.loads(document.content).get("format", 1)
            current = canonical_json(current_content(kind, session, case, station)) \
                if stored_format == CONTENT_FORMAT else document.content
            if _sha256(current) != payload.content_sha256:
                return Verdict(False, "the case's record no longer matches this document "
                               "(changed in the database)")
        if document.file_sha256 != file_hash:
            return Verdict(False, "the file differs from the stored document (a changed byte)")
        if rendered_file_hash(session, document) != file_hash:
            return Verdict(False, "the file and its stored record differ from what the audit "
                           "chain recorded when it was rendered (both changed together)")
    return Verdict(True, f"{pdf}: genuine {payload.kind} of case {payload.case_code}, "
                   f"submission {document.submission}")
