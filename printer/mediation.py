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


def _case_content(case: Case, station: Station, kind: str) -> dict[str, Any]:
    """What both mediation documents say of the case and its party."""
    return {
        "kind": kind,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": case.language,
        "organ": station.settings.station_name,
        "case_type": text_in(template_of(case.template_version).title, case.language),
        "party": {"name": case.party.get("name") or case.party_name,
                  "document": (case.party.get("document") or {}).get("number", "")},
    }


class _Page:
    """The wording, styles and the parts both mediation documents print alike."""

    def __init__(self, content: dict[str, Any], wording: Wording, fonts: DocumentFonts) -> None:
        self.content, self.wording, self.fonts = content, wording, fonts
        self.language = content["language"]
        self.style = styles(fonts)
        self.right = ParagraphStyle("right", parent=self.style.body, alignment=TA_RIGHT)

    def label(self, key: str, **values: object) -> str:
        return escape(self.wording.label(key, self.language, **values))

    def field(self, key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{self.label(key)}：</b>{escape(value)}", self.style.field)

    def heading(self, title: str) -> list[Flowable]:
        party = self.content["party"]
        return [Paragraph(escape(title), self.style.title),
                self.field("number", self.content["case_code"]),
                self.field("party", f"{party['name']}  {party['document']}".strip()),
                self.field("victim", "_" * 24)]

    def facts(self, key: str) -> Paragraph:
        return Paragraph(f"<b>{self.label('facts_heading')}：</b>"
                         + self.label(key, name=self.content["party"]["name"],
                                      case_type=self.content["case_type"],
                                      organ=self.content["organ"]), self.style.body)

    def terms(self) -> Paragraph:
        terms = self.content["terms"] or self.wording.label("no_terms", self.language)
        return Paragraph(f"<b>{self.label('terms_heading')}：</b>{escape(terms)}",
                         self.style.body)

    def signing(self) -> list[Flowable]:
        """Both sides' signature lines, the organ's seal and the date."""
        return [Spacer(1, 6 * mm),
                Paragraph(f"{self.label('party_signature')}：{'_' * 16}", self.style.field),
                Paragraph(f"{self.label('victim_signature')}：{'_' * 16}", self.style.field),
                Spacer(1, 8 * mm),
                Paragraph(f"{escape(self.content['organ'])}{self.label('seal')}", self.right),
                Paragraph(escape(self.content["date"]), self.right)]

    def build(self, story: list[Flowable], kind: str, content_sha256: str,
              title: str) -> tuple[bytes, int]:
        """The PDF, with a footer for hand signatures (both sides sign by hand; at the kiosk
        later: issue 12's signing of the agreement)."""
        language = self.language
        footer = signature_footer(
            self.fonts, QrPayload(self.content["case_code"], kind, content_sha256), None,
            SignatureBlock(
                electronic_label="", signed_line="",
                handwritten_label=self.wording.label("party_signature", language),
                code_label=self.wording.label("case_code", language),
                page_label=lambda page, pages: self.wording.label("page", language, page=page,
                                                                  pages=pages)))
        return build_pdf(story, self.fonts, footer, title=title)


def record_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    mediation = current_mediation(session, case)
    assert mediation is not None and mediation.ended_at is not None  # is_record_ready said so
    language = case.language
    return {
        **_case_content(case, station, RECORD),
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
    page = _Page(content, wording, fonts)
    label = page.label
    title = wording.label("title_record", page.language)
    sides = [label("side_agreed", side=wording.label(f"side_{side}", page.language), at=at)
             if at else label("side_not_agreed", side=wording.label(f"side_{side}",
                                                                    page.language))
             for side, at in content["agreements"].items()]
    outcome = label("outcome_fulfilled") if content["outcome"] == "fulfilled" \
        else label("outcome_failed", reason=content.get("failure_reason") or "")
    story: list[Flowable] = [
        *page.heading(title),
        page.field("mediator", content["mediator"]),
        page.field("proposed_at", content["proposed_at"]),
        Spacer(1, 3 * mm),
        page.facts("facts_record"),
        page.terms(),
        Paragraph(f"<b>{label('agreements')}：</b>" + "".join(sides), page.style.body),
        Paragraph(f"<b>{label('outcome')}：</b>{outcome}", page.style.body),
        page.field("ended_at", content["ended_at"]),
        page.field("recorded_by", content["ended_by"] or ""),
        *page.signing(),
    ]
    return page.build(story, RECORD, content_sha256, title)


def _agreed_at(mediation: Mediation) -> datetime:
    return max(datetime.fromisoformat(mediation.agreements[side.value]["at"])
               for side in BOTH_SIDES)


def mediation_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    mediation = current_mediation(session, case)
    assert mediation is not None  # is_ready said so
    language = case.language
    agreed = _agreed_at(mediation)
    return {
        **_case_content(case, station, KIND),
        "terms": mediation.terms,
        "mediator": mediation.proposed_by,
        "agreed_at": local_moment(agreed, station, language),
        "date": local_date(agreed, station, language),
    }


def render_mediation(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                     content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    page = _Page(content, wording, fonts)
    title = text_in(wording.title, page.language)
    story: list[Flowable] = [
        *page.heading(title),
        Spacer(1, 3 * mm),
        page.facts("facts"),
        page.terms(),
        Paragraph(page.label("kept"), page.style.body),
        Paragraph(page.label("broken"), page.style.body),
        Spacer(1, 3 * mm),
        page.field("agreed_at", content["agreed_at"]),
        page.field("mediator", content["mediator"]),
        *page.signing(),
    ]
    return page.build(story, KIND, content_sha256, title)
