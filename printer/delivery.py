"""The delivery receipt (送达回执) of a decision (PSAPL Art. 116): the documents served, the
person served, the place, manner and time of service, and the officer who served them.

Made with the decision. The time is left for the pen unless the party signed for receipt at the
kiosk (then that signature's time is printed and the signature carried); the server is the
officer who told the party of the intended penalty (PSAPL Art. 112), else the one who decided.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.models import Case, ReviewAction, User
from kiosk.station import Station
from kiosk.template_model import text_in
from printer import decision as decision_document
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording, load_wording

KIND = "delivery-receipt"
LABELS = frozenset({
    "organ", "documents", "document_name", "copies", "copy_count", "served_person", "place",
    "manner", "manner_direct", "served_at", "served_at_blank", "party_signature", "server",
    "server_signature", "refused", "case_code", "page", "electronic_signature", "signed_at",
})


def is_ready(case: Case) -> bool:
    """With the decision (PSAPL Art. 116)."""
    return decision_document.is_ready(case)


def will_come(case: Case) -> bool:
    return decision_document.will_come(decision_document.DECISION, case)


def receipt_signature(session: Session, case: Case) -> bytes | None:
    """The party's signature for receipt at the kiosk: none is taken there yet (the pen)."""
    return None


def _server(session: Session, case: Case) -> str:
    told = decision_document.told_notice(session, case)
    if told is not None:
        return told.proposed_by_name or told.proposed_by
    actor = session.execute(
        select(ReviewAction.actor).where(ReviewAction.case_id == case.id,
                                         ReviewAction.action == "approved")
        .order_by(ReviewAction.id.desc()).limit(1)).scalar_one_or_none()
    if actor is None:
        return ""
    name = session.execute(select(User.display_name).where(User.username == actor)
                           ).scalar_one_or_none()
    return name or actor


def receipt_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    """The receipt as plain data: what was served, to whom, where, by whom."""
    language = case.language
    decided = decision_document.decision_content(decision_document.DECISION, session, case,
                                                  station)
    wording = load_wording(station.settings.resolved_templates_dir, "decision",
                           decision_document.LABELS)
    no_penalty = decision_document.is_no_penalty(case)
    title = wording.label("title_no_penalty", language) if no_penalty \
        else text_in(wording.title, language)
    return {
        "kind": KIND,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "organ": decided["organ"],  # PSAPL Art. 109: the organ that issued the decision
        "documents": [{"name": title, "number": decided["decision_number"], "copies": 1}],
        "party": decided["party"]["name"],
        "place": station.settings.station_name,
        "served_at": "",  # for the pen: no signature for receipt is taken at the kiosk yet
        "server": _server(session, case),
    }


def render_receipt(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                   content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    language = content["language"]
    style = styles(fonts)

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(key)}：</b>{escape(str(value or ''))}", style.field)

    title = text_in(wording.title, language)
    rows = [[Paragraph(f"<b>{label('document_name')}</b>", style.body),
             Paragraph(f"<b>{label('copies')}</b>", style.body)]]
    for item in content["documents"]:
        rows.append([Paragraph(escape(f"{item['name']}  {item['number']}".strip()), style.body),
                     Paragraph(label("copy_count", n=item["copies"]), style.body)])
    table = Table(rows, colWidths=[130 * mm, 30 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story: list[Flowable] = [
        Paragraph(escape(title), style.title),
        field("organ", content["organ"]),
        field("served_person", content["party"]),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>{label('documents')}：</b>", style.field),
        table,
        Spacer(1, 3 * mm),
        field("place", content["place"]),
        field("manner", wording.label("manner_direct", language)),
        field("served_at", content["served_at"] or wording.label("served_at_blank", language)),
        field("server", content["server"]),
        Spacer(1, 6 * mm),
        Paragraph(f"{label('server_signature')}：{'_' * 16}", style.field),
        Spacer(1, 6 * mm),
        Paragraph(label("refused"), style.field),
        Paragraph("_" * 40, style.field),
    ]
    signed = signature_png is not None and bool(content["served_at"])
    footer = signature_footer(
        fonts, QrPayload(content["case_code"], KIND, content_sha256),
        signature_png if signed else None,
        SignatureBlock(
            electronic_label=wording.label("electronic_signature", language) if signed else "",
            signed_line=f"{wording.label('signed_at', language)} {content['served_at']}"
            if signed else "",
            handwritten_label=wording.label("party_signature", language),
            code_label=wording.label("case_code", language),
            page_label=lambda page, pages: wording.label("page", language, page=page,
                                                         pages=pages)))
    return build_pdf(story, fonts, footer, title=title)
