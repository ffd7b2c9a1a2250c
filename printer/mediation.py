"""The mediation documents (PSAPL Art. 9). The agreement (治安调解协议书), made once both sides
agreed: the facts, the terms (who pays what, by when), that an agreement kept means no penalty,
and that a broken one goes back to a decision with the civil claim free to go to court. The
record (治安调解笔录), made once the mediation ended: when it was proposed, each side's
agreement, and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session, object_session

from kiosk.mediation import BOTH_SIDES, current_mediation
from kiosk.models import Case, Mediation
from kiosk.station import Station
from kiosk.template_model import text_in
from kiosk.template_store import template_of
from printer.content import local_date, local_moment
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording

KIND = "mediation-agreement"
RECORD = "mediation-record"
LABELS = frozenset({"number", "party", "victim", "facts_heading", "facts", "terms_heading",
                    "no_terms", "kept", "broken", "agreed_at", "mediator", "seal",
                    "party_signature", "victim_signature", "page", "case_code", "title_record",
                    "facts_record",
                    "proposed_at", "agreements", "side_offender", "side_victim", "side_agreed",
                    "side_not_agreed", "outcome", "outcome_fulfilled", "outcome_failed",
                    "ended_at", "recorded_by"})


def _agreed(mediation: Mediation | None) -> bool:
    return mediation is not None and all(side.value in mediation.agreements
                                         for side in BOTH_SIDES)


def is_ready(case: Case) -> bool:
    """Both sides agreed to the case's latest mediation (kept, broken or still open)."""
    session = object_session(case)
    return session is not None and _agreed(current_mediation(session, case))


def will_come(case: Case) -> bool:
    return case.status == "mediating" or is_ready(case)


def is_record_ready(case: Case) -> bool:
    """The latest mediation ended, kept or failed."""
    session = object_session(case)
    mediation = current_mediation(session, case) if session is not None else None
    return mediation is not None and mediation.status in ("fulfilled", "failed")


def record_will_come(case: Case) -> bool:
    return case.status == "mediating" or is_record_ready(case)


def record_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    mediation = current_mediation(session, case)
    assert mediation is not None and mediation.ended_at is not None  # is_record_ready said so
    language = case.language
    return {
        "kind": RECORD,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "organ": station.settings.station_name,
        "case_type": text_in(template_of(case.template_version).title, language),
        "party": {"name": case.party.get("name") or case.party_name,
                  "document": (case.party.get("document") or {}).get("number", "")},
        "mediator": mediation.proposed_by,
        "proposed_at": local_moment(mediation.proposed_at, station, language),
        "terms": mediation.terms,
        "agreements": {side.value: local_moment(datetime.fromisoformat(
            mediation.agreements[side.value]["at"]), station, language)
            if side.value in mediation.agreements else None for side in BOTH_SIDES},
        "outcome": mediation.status,
        "failure_reason": mediation.failure_reason,
        "ended_at": local_moment(mediation.ended_at, station, language),
        "ended_by": mediation.ended_by,
        "date": local_date(mediation.ended_at, station, language),
    }


def render_record(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                  content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    language = content["language"]
    style = styles(fonts)
    right = ParagraphStyle("right", parent=style.body, alignment=TA_RIGHT)
    party = content["party"]

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(key)}：</b>{escape(value)}", style.field)

    title = wording.label("title_record", language)
    sides = [label("side_agreed", side=wording.label(f"side_{side}", language), at=at) if at
             else label("side_not_agreed", side=wording.label(f"side_{side}", language))
             for side, at in content["agreements"].items()]
    outcome = label("outcome_fulfilled") if content["outcome"] == "fulfilled" \
        else label("outcome_failed", reason=content.get("failure_reason") or "")
    terms = content["terms"] or wording.label("no_terms", language)
    story: list[Flowable] = [
        Paragraph(escape(title), style.title),
        field("number", content["case_code"]),
        field("party", f"{party['name']}  {party['document']}".strip()),
        field("victim", "_" * 24),
        field("mediator", content["mediator"]),
        field("proposed_at", content["proposed_at"]),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>{label('facts_heading')}：</b>"
                  + label("facts_record", name=party["name"], case_type=content["case_type"],
                          organ=content["organ"]), style.body),
        Paragraph(f"<b>{label('terms_heading')}：</b>{escape(terms)}", style.body),
        Paragraph(f"<b>{label('agreements')}：</b>" + "".join(sides), style.body),
        Paragraph(f"<b>{label('outcome')}：</b>{outcome}", style.body),
        field("ended_at", content["ended_at"]),
        field("recorded_by", content["ended_by"] or ""),
        Spacer(1, 6 * mm),
        Paragraph(f"{label('party_signature')}：{'_' * 16}", style.field),
        Paragraph(f"{label('victim_signature')}：{'_' * 16}", style.field),
        Spacer(1, 8 * mm),
        Paragraph(f"{escape(content['organ'])}{label('seal')}", right),
        Paragraph(escape(content["date"]), right),
    ]
    footer = signature_footer(
        fonts, QrPayload(content["case_code"], RECORD, content_sha256), None,
        SignatureBlock(
            electronic_label="", signed_line="",
            handwritten_label=wording.label("party_signature", language),
            code_label=wording.label("case_code", language),
            page_label=lambda page, pages: wording.label("page", language, page=page,
                                                         pages=pages)))
    return build_pdf(story, fonts, footer, title=title)


def _agreed_at(mediation: Mediation) -> datetime:
    return max(datetime.fromisoformat(mediation.agreements[side.value]["at"])
               for side in BOTH_SIDES)


def mediation_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    mediation = current_mediation(session, case)
    assert mediation is not None  # is_ready said so
    language = case.language
    agreed = _agreed_at(mediation)
    return {
        "kind": KIND,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "organ": station.settings.station_name,
        "case_type": text_in(template_of(case.template_version).title, language),
        "party": {"name": case.party.get("name") or case.party_name,
                  "document": (case.party.get("document") or {}).get("number", "")},
        "terms": mediation.terms,
        "mediator": mediation.proposed_by,
        "agreed_at": local_moment(agreed, station, language),
        "date": local_date(agreed, station, language),
    }


def render_mediation(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                     content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    language = content["language"]
    style = styles(fonts)
    right = ParagraphStyle("right", parent=style.body, alignment=TA_RIGHT)
    party = content["party"]

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(key)}：</b>{escape(value)}", style.field)

    title = text_in(wording.title, language)
    terms = content["terms"] or wording.label("no_terms", language)
    story: list[Flowable] = [
        Paragraph(escape(title), style.title),
        field("number", content["case_code"]),
        field("party", f"{party['name']}  {party['document']}".strip()),
        field("victim", "_" * 24),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>{label('facts_heading')}：</b>"
                  + label("facts", name=party["name"], case_type=content["case_type"],
                          organ=content["organ"]), style.body),
        Paragraph(f"<b>{label('terms_heading')}：</b>{escape(terms)}", style.body),
        Paragraph(label("kept"), style.body),
        Paragraph(label("broken"), style.body),
        Spacer(1, 3 * mm),
        field("agreed_at", content["agreed_at"]),
        field("mediator", content["mediator"]),
        Spacer(1, 6 * mm),
        Paragraph(f"{label('party_signature')}：{'_' * 16}", style.field),
        Paragraph(f"{label('victim_signature')}：{'_' * 16}", style.field),
        Spacer(1, 8 * mm),
        Paragraph(f"{escape(content['organ'])}{label('seal')}", right),
        Paragraph(escape(content["date"]), right),
    ]
    # Both sides sign by hand (at the kiosk, later: issue 12's signing of the agreement).
    footer = signature_footer(
        fonts, QrPayload(content["case_code"], KIND, content_sha256), None,
        SignatureBlock(
            electronic_label="", signed_line="",
            handwritten_label=wording.label("party_signature", language),
            code_label=wording.label("case_code", language),
            page_label=lambda page, pages: wording.label("page", language, page=page,
                                                         pages=pages)))
    return build_pdf(story, fonts, footer, title=title)
