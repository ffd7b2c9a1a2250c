"""The decision documents: the pre-penalty notice record (行政处罚告知笔录), made once the party
answered the notice of the intended penalty (PSAPL Art. 112), and, when the final review level
approves, the penalty decision (行政处罚决定书) or the decision not to penalise
(不予行政处罚决定书), filled from the decision fields of that level."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from kiosk.answer_types import format_date
from kiosk.cases import interview_of
from kiosk.evidence import evidence_of
from kiosk.evidence_kinds import EvidenceKind, EvidenceSource
from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.models import Case, Document, PenaltyNotice
from kiosk.penalty_notice import GROUNDS, notices_of
from kiosk.review import party_age
from kiosk.station import Station
from kiosk.station_time import station_date
from kiosk.template_model import text_in
from printer.content import local_date, local_moment
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, Styles, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording

DECISION = "decision"
PRE_PENALTY = "pre-penalty-notice"
KINDS = (PRE_PENALTY, DECISION)
LABELS = frozenset({
    "title_no_penalty", "title_pre_penalty", "number", "party", "facts_heading", "facts",
    "circumstances", "basis", "penalty_heading", "penalty_warning", "penalty_fine",
    "penalty_detention", "penalty_none", "payment", "appeal", "organ", "date", "seal",
    "pre_penalty_notice", "pre_penalty_question", "pre_penalty_answer", "party_signature",
    "officer_signature", "received", "page", "case_code", "party_no_penalty",
    "circumstances_no_penalty", "penalty_heading_no_penalty", "received_no_penalty",
    "party_signature_no_penalty", "penalty_detention_and_fine", "detention_not_executed",
    "party_signature_decision", "male", "female", "age",
    "notice_time", "notice_place", "notice_officer", "pre_penalty_facts", "pre_penalty_accepted",
    "pre_penalty_argued", "pre_penalty_reply", "notice_signature", "notice_signed_at",
    "evidence_heading", "evidence_item", "detention_offset",
    *(f"evidence_kind_{kind}" for kind in EvidenceKind),
    *(f"evidence_source_{source}" for source in EvidenceSource),
})


def is_ready(case: Case) -> bool:
    return case.status == "approved" and case.decision is not None


def is_no_penalty(case: Case) -> bool:
    return (case.decision or {}).get("penalty_type") == "no_penalty"


def told_notice(session: Session, case: Case) -> PenaltyNotice | None:
    """The notice of this submission the party answered: the decided one, else the open one
    (PSAPL Art. 112). None before the party answered, and for a decision not to penalise."""
    if is_ready(case) and is_no_penalty(case):
        return None
    answered = [n for n in notices_of(session, case) if n.submission == case.submission_count
                and n.answer is not None and n.closed != "superseded"]
    return answered[-1] if answered else None


def is_pre_penalty_ready(case: Case) -> bool:
    """The record of the notice exists once the party answered it, before the decision; with
    no penalty there was nothing to tell, so no record."""
    session = object_session(case)
    return session is not None and told_notice(session, case) is not None


def notice_signature(session: Session, case: Case) -> bytes | None:
    """The party's signature under their answer to the notice (PR Art. 46)."""
    notice = told_notice(session, case)
    return notice.signature_png if notice is not None else None


def will_come(kind: str, case: Case) -> bool:
    """Whether the case can still have this document: never after a conversion to the
    ordinary procedure (that procedure's own papers follow), nor a pre-penalty record after a
    decision not to penalise."""
    if case.status == "converted":
        return False
    return not (kind == PRE_PENALTY and is_ready(case) and is_no_penalty(case))


def decision_content(kind: str, session: Session, case: Case, station: Station) -> dict[str, Any]:
    """The decision as plain data: party, facts, the officer's decision, issuing organ, date."""
    language = case.language
    template = interview_of(session, case, today=station.today(),
                            now=station.local_now().replace(tzinfo=None)).template
    statement_pages = session.execute(
        select(Document.pages).where(Document.case_id == case.id, Document.kind == "statement",
                                     Document.submission == case.submission_count)
    ).scalar_one_or_none()
    party = dict(case.party)
    document_type = (party.get("document") or {}).get("type")
    decided = case.decided_at
    told = told_notice(session, case) if kind == PRE_PENALTY else None
    notice = None
    if told is not None:
        notice = {
            "told_at": local_moment(told.shown_at or told.answered_at, station, language),
            "place": told.place, "officer": told.proposed_by_name or told.proposed_by,
            "proposal": dict(told.proposal), "answer": told.answer,
            "grounds": [text_in(GROUNDS[g], language) for g in
                        (told.argument or {}).get("grounds", []) if g in GROUNDS],
            "text": (told.argument or {}).get("text", ""),
            "reply": told.reply, "replied_by": told.replied_by,
            "signed_at": local_moment(told.answered_at, station, language)
            if told.signature_png else "",
        }
    return {
        "kind": kind,
        "case_code": case.code,
        # PSAPL Art. 115: the decision's own document number (文号), from its organ's series.
        "decision_number": case.decision_number or "",
        "submission": case.submission_count,
        "language": language,
        # PSAPL Art. 109: detention or a fine over 1,000 yuan is the county-level organ's.
        "organ": station.settings.county_organ_name
        if (case.decision or {}).get("authority") == "county" else station.settings.station_name,
        "case_type": text_in(template.title, language),
        "legal_basis": text_in(template.legal_basis, language),
        # PSAPL Art. 115: name, sex, age, ID type and number, address.
        "party": {"name": party.get("name") or case.party_name, "sex": party.get("sex"),
                  "birth_date": party.get("birth_date"),
                  "age": party_age(case, station_date(decided, station.settings.timezone))
                  if decided else None,
                  "document_type": text_in(DOCUMENT_TYPE_LABELS[DocumentType(document_type)],
                                           language) if document_type else "",
                  "document": (party.get("document") or {}).get("number", ""),
                  "address": party.get("address", "")},
        "payment_place": station.settings.fine_payment_place,
        "reconsideration_body": station.settings.reconsideration_body,
        "court": station.settings.court_name,
        "decision": dict(case.decision or {}),
        "statement_pages": statement_pages or 0,
        # PSAPL Art. 115(2): the evidence, each item as the case's file keeps it.
        "evidence": [{"kind": item.kind, "source": item.source, "sha256": item.sha256,
                      "date": local_date(item.added_at, station, language)}
                     for item in evidence_of(session, case)],
        "date": local_date(decided, station, language),
        "decided_at": local_moment(decided, station, language),
        **({"notice": notice} if kind == PRE_PENALTY else {}),
    }


def _penalty(decision: dict[str, Any], wording: Wording, language: str) -> str:
    kind = decision.get("penalty_type")
    if decision.get("not_executed"):  # PSAPL Art. 23: decided, not executed (e.g. aged 70+)
        kind_alone = {**decision, "not_executed": None}
        return _penalty(kind_alone, wording, language) + wording.label(
            "detention_not_executed", language)
    if decision.get("offset_days"):  # PSAPL Art. 110: days already held count against it
        without = {**decision, "offset_days": None}
        return _penalty(without, wording, language) + wording.label(
            "detention_offset", language, days=decision["offset_days"])
    if kind == "detention_and_fine":
        return wording.label("penalty_detention_and_fine", language, days=decision.get("days"),
                             amount=decision.get("amount"))
    if kind == "fine":
        return wording.label("penalty_fine", language, amount=decision.get("amount"))
    if kind == "detention":
        return wording.label("penalty_detention", language, days=decision.get("days"))
    if kind == "warning":
        return wording.label("penalty_warning", language)
    return wording.label("penalty_none", language)


def _evidence(items: list[dict[str, Any]], wording: Wording, language: str,
              style: Styles) -> list[Flowable]:
    """The list of evidence items under the facts (PSAPL Art. 115(2)); nothing when the case has
    none besides the statement the facts already name."""
    if not items:
        return []
    lines = [escape(wording.label("evidence_item", language, n=n, date=item["date"],
                                  kind=wording.label(f"evidence_kind_{item['kind']}", language),
                                  source=wording.label(f"evidence_source_{item['source']}",
                                                       language),
                                  hash=item["sha256"][:12]))
             for n, item in enumerate(items, start=1)]
    return [Paragraph(f"<b>{escape(wording.label('evidence_heading', language))}：</b>",
                      style.body), *(Paragraph(line, style.body) for line in lines)]


def render_decision(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                    content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    language = content["language"]
    style = styles(fonts)
    right = ParagraphStyle("right", parent=style.body, alignment=TA_RIGHT)
    decision = content["decision"]
    party = content["party"]

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    penalty = _penalty(decision, wording, language)
    no_penalty = decision.get("penalty_type") == "no_penalty"

    def own(key: str) -> str:
        """The no-penalty decision's own label where it has one: it names no one punished."""
        special = f"{key}_no_penalty"
        return special if no_penalty and special in wording.labels else key

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(own(key))}：</b>{escape(str(value or ''))}", style.field)

    birth = format_date(datetime.fromisoformat(party["birth_date"]).date(), language) \
        if party.get("birth_date") else ""
    facts = wording.label("facts", language, name=party["name"], case_type=content["case_type"],
                          pages=content["statement_pages"])
    notice = content.get("notice") or {}
    if content["kind"] == PRE_PENALTY:
        # What was said is the proposal the party was told of, not the decision made after.
        told = notice.get("proposal") or decision
        title = wording.label("title_pre_penalty", language)
        if notice.get("answer") == "accepted":
            answer = label("pre_penalty_accepted")
        else:
            grounds = "、".join(notice.get("grounds", [])) if language == "zh" \
                else ", ".join(notice.get("grounds", []))
            text = notice.get("text", "")
            answer = label("pre_penalty_argued",
                           grounds=(grounds + ("：" if language == "zh" else ": "))
                           if grounds and text else grounds, text=text)
        story: list[Flowable] = [
            Paragraph(escape(title), style.title),
            field("number", content["case_code"]),
            field("notice_time", notice.get("told_at", "")),
            field("notice_place", notice.get("place", "")),
            field("notice_officer", notice.get("officer", "")),
            field("party", f"{party['name']}  {birth}  {party['document']}"),
            Spacer(1, 3 * mm),
            Paragraph(escape(facts), style.body),
            Paragraph(label("pre_penalty_notice", penalty=_penalty(told, wording, language),
                            basis=told.get("basis", "")), style.body),
            Paragraph(label("pre_penalty_facts", facts=told.get("circumstances", "")),
                      style.body),
            Spacer(1, 3 * mm),
            Paragraph(label("pre_penalty_question"), style.body),
            Paragraph(answer, style.body),
        ]
        if notice.get("reply"):
            story.append(Paragraph(label("pre_penalty_reply", officer=notice["replied_by"],
                                         reply=notice["reply"]), style.body))
        story += [Spacer(1, 8 * mm),
                  Paragraph(f"{label('officer_signature')}：{'_' * 16}", style.field)]
    else:
        title = wording.label("title_no_penalty", language) if no_penalty \
            else text_in(wording.title, language)
        sex = label(party["sex"]) if party.get("sex") in ("male", "female") else ""
        age = label("age", years=party["age"]) if party.get("age") is not None else ""
        who = "  ".join(part for part in (
            party["name"], sex, age, birth, f"{party.get('document_type', '')} "
            f"{party['document']}".strip(), party["address"]) if part)
        story = [
            Paragraph(escape(title), style.title),
            # Under the title, as decisions carry it; a decision of an older release has
            # none, and keeps the case code it was printed with.
            Paragraph(escape(content["decision_number"]), right)
            if content.get("decision_number") else field("number", content["case_code"]),
            field("party", who),
            Spacer(1, 3 * mm),
            Paragraph(f"<b>{label('facts_heading')}：</b>{escape(facts)}", style.body),
            *_evidence(content.get("evidence", []), wording, language, style),
            field("circumstances", decision.get("circumstances", "")),
            field("basis", decision.get("basis", "") or content["legal_basis"]),
            Paragraph(f"<b>{label(own('penalty_heading'))}：</b>{escape(penalty)}", style.body),
        ]
        if decision.get("penalty_type") in ("fine", "detention_and_fine"):
            story.append(Paragraph(label("payment", place=content.get("payment_place", "")),
                                   style.body))
        story += [
            Paragraph(label("appeal", body=content.get("reconsideration_body", ""),
                            court=content.get("court", "")), style.body),
            Spacer(1, 12 * mm),
            Paragraph(f"{escape(content['organ'])}{label('seal')}", right),
            Paragraph(escape(content["date"]), right),
            Spacer(1, 6 * mm),
            Paragraph(f"{label(own('received'))}：{'_' * 16}", style.field),
        ]
    # The decision is signed by hand on receipt; the notice's record carries the signature the
    # party gave at the kiosk under their answer (PR Art. 46), and a box for the hand too.
    signed = content["kind"] == PRE_PENALTY and bool(notice.get("signed_at"))
    footer = signature_footer(
        fonts, QrPayload(content["case_code"], content["kind"], content_sha256),
        signature_png if signed else None,
        SignatureBlock(
            electronic_label=wording.label("notice_signature", language) if signed else "",
            signed_line=f"{wording.label('notice_signed_at', language)} {notice['signed_at']}"
            if signed else "",
            handwritten_label=wording.label(
                own("party_signature") if content["kind"] == PRE_PENALTY or no_penalty
                else "party_signature_decision", language),
            code_label=wording.label("case_code", language),
            page_label=lambda page, pages: wording.label("page", language, page=page,
                                                         pages=pages)))
    return build_pdf(story, fonts, footer, title=title)
