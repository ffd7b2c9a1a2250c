"""The question-and-answer statement (询问笔录): its content from the case, and its pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session

from kiosk.answer_types import format_date
from kiosk.cases import ARRIVAL_LABELS, ArrivalMode, interview_of
from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.models import Case
from kiosk.station import Station
from kiosk.template_model import text_in
from printer.content import local_moment, signature_content, signature_of
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording

KIND = "statement"
LABELS = frozenset({
    "interview_time", "to", "place", "officers", "recorder", "party", "sex", "male", "female",
    "birth_date", "document", "household_registration", "address", "employer", "phone",
    "arrival", "case_type", "question", "answer", "electronic_signature", "signed_at",
    "handwritten", "page", "case_code",
})


def statement_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    """Everything the statement shows, as plain data: the same case gives the same content."""
    language = case.language
    interview = interview_of(session, case, today=station.today(),
                             now=station.local_now().replace(tzinfo=None))
    party = dict(case.party)
    document = party.get("document") or {}
    kind = document.get("type")
    return {
        "kind": KIND,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "station": station.settings.station_name,
        "case_type": text_in(interview.template.title, language),
        "template": {"id": interview.template.id, "version": interview.template.version},
        "interview": {"start": local_moment(case.interview_started_at, station, language),
                      "end": local_moment(case.interview_ended_at, station, language)},
        "arrival": {"mode": text_in(ARRIVAL_LABELS[ArrivalMode(case.arrival_mode)], language),
                    "at": local_moment(case.arrived_at, station, language)},
        "party": {
            "name": party.get("name") or case.party_name,
            "sex": party.get("sex"),
            "birth_date": party.get("birth_date"),
            "document": (text_in(DOCUMENT_TYPE_LABELS[DocumentType(kind)], language) + " "
                         + document.get("number", "")) if kind else "",
            **{key: party.get(key) or "" for key in ("household_registration", "address",
                                                    "employer", "phone")},
        },
        "entries": [{"heading": e.heading, "question": e.question, "answer": e.answer}
                    for e in interview.statement(language)],
        "signature": signature_content(signature_of(session, case), station, language),
    }


def render_statement(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                     content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    """The statement as a PDF: the party's signature and the QR on every page."""
    language = content["language"]
    style = styles(fonts)

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(key)}：</b>{escape(value or '')}", style.field)

    party = content["party"]
    sex = label(party["sex"]) if party.get("sex") in ("male", "female") else ""
    birth = ""
    if party.get("birth_date"):
        birth = format_date(datetime.fromisoformat(party["birth_date"]).date(), language)
    story: list[Flowable] = [
        Paragraph(escape(text_in(wording.title, language)), style.title),
        field("interview_time", f"{content['interview']['start']} {wording.label('to', language)}"
              f" {content['interview']['end']}"),
        field("place", content["station"]),
        Paragraph(f"<b>{label('officers')}：</b>{'_' * 16}　　<b>{label('recorder')}：</b>"
                  f"{'_' * 16}", style.field),
        Paragraph(f"<b>{label('party')}：</b>{escape(party['name'])}　　<b>{label('sex')}：</b>"
                  f"{sex}　　<b>{label('birth_date')}：</b>{birth}", style.field),
        field("document", party["document"]),
        field("household_registration", party["household_registration"]),
        field("address", party["address"]),
        field("employer", party["employer"]),
        field("phone", party["phone"]),
        field("arrival", f"{content['arrival']['mode']} {content['arrival']['at']}"),
        field("case_type", content["case_type"]),
        Spacer(1, 4 * mm),
    ]
    for entry in content["entries"]:
        if entry["heading"]:
            story.append(Paragraph(escape(entry["heading"]), style.heading))
            continue
        story.append(Paragraph(f"<b>{label('question')}</b>{escape(entry['question'])}",
                               style.body))
        story.append(Paragraph(f"<b>{label('answer')}</b>{escape(entry['answer'])}",
                               style.body))
    payload = QrPayload(content["case_code"], KIND, content_sha256)
    signature = content.get("signature") or {}
    footer = signature_footer(fonts, payload, signature_png, SignatureBlock(
        electronic_label=wording.label("electronic_signature", language),
        signed_line=f"{wording.label('signed_at', language)} {signature.get('signed_at', '')}",
        handwritten_label=wording.label("handwritten", language),
        code_label=wording.label("case_code", language),
        page_label=lambda page, pages: wording.label("page", language, page=page, pages=pages),
    ))
    return build_pdf(story, fonts, footer, title=text_in(wording.title, language))
