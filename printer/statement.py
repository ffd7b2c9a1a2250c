"""The question-and-answer statement (询问笔录): its content from the case, and its pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.answer_types import display_answer, format_date
from kiosk.cases import ARRIVAL_LABELS, ArrivalMode, interview_of, statement_was_read_aloud
from kiosk.identity import DOCUMENT_TYPE_LABELS, DocumentType
from kiosk.interview import Interview
from kiosk.models import AuditEvent, Case
from kiosk.states import CaseStatus
from kiosk.station import Station
from kiosk.template_model import QuestionType, text_in
from printer.content import local_moment, recording_content, signature_content, signature_of
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording

KIND = "statement"
LABELS = frozenset({
    "interview_time", "to", "place", "officers", "recorder", "party", "sex", "male", "female",
    "birth_date", "document", "household_registration", "address", "employer", "phone",
    "arrival", "case_type", "question", "answer", "electronic_signature", "signed_at",
    "handwritten", "page", "case_code", "arrived_at", "departed_at", "nothing_to_add",
    "record_read", "record_read_aloud", "blank_below", "partial", "recording",
    "recording_none", "recording_session", "recording_hash", "recording_ongoing",
    "recording_gap", "recording_no_gaps", "gap_interrupted", "gap_fault",
    "signed_in_recording",
})
FREE_TEXT = frozenset({QuestionType.TEXT, QuestionType.LONG_TEXT})


def statement_content(session: Session, case: Case, station: Station) -> dict[str, Any]:
    """Everything the statement shows, as plain data: the same case gives the same content."""
    language = case.language
    interview = interview_of(session, case, today=station.today(),
                             now=station.local_now().replace(tzinfo=None))
    party = dict(case.party)
    document = party.get("document") or {}
    kind = document.get("type")
    signature = signature_of(session, case)
    # A case handed to the ordinary procedure before the party signed (PR Art. 48 keeps what
    # was recorded as evidence): the record says it stops there.
    partial = case.status == CaseStatus.CONVERTED and case.submission_count == 0
    confirmation = None
    if not partial:
        confirmation = "read_aloud" if statement_was_read_aloud(session, case) else "read"
    return {
        "kind": KIND,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "station": station.settings.station_name,
        "case_type": text_in(interview.template.title, language),
        "template": {"id": interview.template.id, "version": interview.template.version},
        "interview": {"start": local_moment(case.interview_started_at, station, language),
                      "end": local_moment(case.decided_at if partial
                                          else case.interview_ended_at, station, language)},
        "arrival": {"mode": text_in(ARRIVAL_LABELS[ArrivalMode(case.arrival_mode)], language),
                    "at": local_moment(case.arrived_at, station, language)},
        # The party leaves once they have signed (submitted from an answers file: then).
        "departure": "" if partial else local_moment(
            signature.signed_at if signature is not None else case.interview_ended_at, station,
            language),
        "party": {
            "name": party.get("name") or case.party_name,
            "sex": party.get("sex"),
            "birth_date": party.get("birth_date"),
            "document": (text_in(DOCUMENT_TYPE_LABELS[DocumentType(kind)], language) + " "
                         + document.get("number", "")) if kind else "",
            **{key: party.get(key) or "" for key in ("household_registration", "address",
                                                    "employer", "phone")},
        },
        "entries": statement_entries(interview, language, complete=not partial),
        "confirmation": confirmation,
        "partial": _conversion_reason(session, case, interview, language) if partial else None,
        "signature": signature_content(signature, station, language),
        "recording": recording_content(session, case, station, language),
    }


def _conversion_reason(session: Session, case: Case, interview: Interview, language: str) -> str:
    """Why the case left the fast-track, in the statement's language: the template's reason
    for the exclusion that applied, else the reason as recorded."""
    excluded = session.execute(
        select(AuditEvent.payload).where(AuditEvent.case_id == case.id,
                                         AuditEvent.action == "case.converted")
        .order_by(AuditEvent.seq.desc())
    ).scalars().first() or {}
    for exclusion in interview.template.exclusions:
        if exclusion.id == excluded.get("exclusion"):
            return text_in(exclusion.reason, language)
    return case.conversion_reason or ""


def statement_entries(interview: Interview, language: str, *,
                      complete: bool) -> list[dict[str, Any]]:
    """The 问/答 pairs as printed. In a complete statement, a free-text question the party left
    empty reads "无" (nothing), so no answer can be added later; the last question, when it is
    the party's confirmation of the record, is marked: its sentence depends on how the party
    came to know the record (read it, or had it read aloud)."""
    empty = set()
    if complete:
        empty = {screen.path for screen in interview.screens
                 if screen.question.type in FREE_TEXT and not screen.question.required
                 and screen.question.statement.include
                 and not str(interview.answers.get(screen.path) or "").strip()}
    # Answered for the printing only, so the question lands where the template orders it.
    filled = replace(interview, answers={**interview.answers, **dict.fromkeys(empty, "-")})
    printed = filled.statement(language)
    entries = [{"heading": e.heading, "question": e.question,
                "answer": "" if e.path in empty else e.answer,
                "nothing": e.path in empty, "confirms_record": False, "shown": ""}
               for e in printed]
    screens = {screen.path: screen for screen in interview.screens}
    if entries and complete:
        last = screens.get(printed[-1].path)
        if last is not None and last.question.type is QuestionType.CONFIRMATION:
            entries[-1]["confirms_record"] = True
            entries[-1]["shown"] = display_answer(last.question,
                                                  interview.answers.get(last.path), language)
    return entries


def render_statement(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                     content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    """The statement as a PDF: the party's signature and the QR on every page."""
    language = content["language"]
    style = styles(fonts)
    # A question never ends a page without its answer, an answer never leaves one line alone
    # at the top of the next page (reportlab moves the question along with it).
    question_style = ParagraphStyle("question", parent=style.body, keepWithNext=1)
    answer_style = ParagraphStyle("answer", parent=style.body, allowWidows=0, allowOrphans=0)
    heading_style = ParagraphStyle("item", parent=style.heading, keepWithNext=1)

    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{label(key)}：</b>{escape(value or '')}", style.field)

    party = content["party"]
    sex = label(party["sex"]) if party.get("sex") in ("male", "female") else ""
    birth = ""
    if party.get("birth_date"):
        birth = format_date(datetime.fromisoformat(party["birth_date"]).date(), language)
    title = text_in(wording.title, language)
    story: list[Flowable] = [Paragraph(escape(title), style.title)]
    if content.get("partial") is not None:
        story.append(Paragraph(f"<b>{label('partial')}</b>{escape(content['partial'])}",
                               style.body))
    story += [
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
        Paragraph(f"<b>{label('arrived_at')}：</b>{escape(content['arrival']['at'])}　　"
                  f"<b>{label('departed_at')}：</b>{escape(content.get('departure') or '')}",
                  style.field),
        field("case_type", content["case_type"]),
        *_recording_note(content.get("recording") or [], wording, language, style.field),
        Spacer(1, 4 * mm),
    ]
    for entry in content["entries"]:
        if entry["heading"]:
            story.append(Paragraph(escape(entry["heading"]), heading_style))
            continue
        answer = entry["answer"]
        if entry.get("nothing"):
            answer = wording.label("nothing_to_add", language)
        elif entry.get("confirms_record") and content.get("confirmation"):
            answer = wording.label(f"record_{content['confirmation']}", language,
                                   answer=entry["shown"])
        story.append(Paragraph(f"<b>{label('question')}</b>{escape(entry['question'])}",
                               question_style))
        story.append(Paragraph(f"<b>{label('answer')}</b>{escape(answer)}", answer_style))
    # Nothing can be written in after the last answer: the line goes with it.
    story[-1] = KeepTogether([story[-1], Paragraph(label("blank_below"), style.body)])
    payload = QrPayload(content["case_code"], KIND, content_sha256)
    signature = content.get("signature") or {}
    footer = signature_footer(fonts, payload, signature_png, SignatureBlock(
        electronic_label=wording.label("electronic_signature", language),
        signed_line=f"{wording.label('signed_at', language)} {signature.get('signed_at', '')}",
        handwritten_label=wording.label("handwritten", language),
        recording_line=wording.label("signed_in_recording", language,
                                     id=signature["recording"][:8],
                                     offset=signature["recording_offset"])
        if signature.get("recording") else "",
        code_label=wording.label("case_code", language),
        page_label=lambda page, pages: wording.label("page", language, page=page, pages=pages),
    ))
    return build_pdf(story, fonts, footer, title=title)


def _recording_note(recordings: list[dict[str, Any]], wording: Wording, language: str,
                    style: ParagraphStyle) -> list[Flowable]:
    """The statement's note on its audio and video recording (PR Art. 45; PSAPL Art. 97):
    each session's id, start, end, duration and hash, and every gap with its cause."""
    def label(key: str, **values: object) -> str:
        return escape(wording.label(key, language, **values))

    head = f"<b>{label('recording')}：</b>"
    if not recordings:
        return [Paragraph(head + label("recording_none"), style)]
    note = []
    for recording in recordings:
        end = recording["end"] or wording.label("recording_ongoing", language)
        note.append(Paragraph(head + label(
            "recording_session", id=recording["id"], start=recording["start"], end=end,
            duration=recording["duration"] or "-", segments=recording["segments"]), style))
        note.append(Paragraph(label("recording_hash", sha256=recording["sha256"] or "-"), style))
        for gap in recording["gaps"]:
            cause = label("gap_interrupted") if gap["cause"] == "interrupted" \
                else label("gap_fault", reason=gap["cause"])
            note.append(Paragraph(label("recording_gap", start=gap["from"], end=gap["to"],
                                        cause=cause), style))
        head = ""
    if not any(r["gaps"] for r in recordings):
        note.append(Paragraph(label("recording_no_gaps"), style))
    return note
