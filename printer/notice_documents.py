"""The printed notices: fast-track notice with the party's consent, rights notice with the
party's acknowledgement (their text is templates/documents/fast-track-terms.yaml and
rights-notice.yaml, exactly as shown and read aloud at the kiosk)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy.orm import Session

from kiosk.models import Case
from kiosk.notices import RIGHTS, TERMS, load_notice
from kiosk.station import Station
from kiosk.template_model import text_in
from printer.content import local_moment, signature_content, signature_of
from printer.fonts import DocumentFonts
from printer.pages import SignatureBlock, build_pdf, signature_footer, styles
from printer.qr import QrPayload
from printer.wording import Wording

KINDS = {"fast-track-notice": TERMS, "rights-notice": RIGHTS}
LABELS = frozenset({"party", "electronic_signature", "signed_at", "handwritten",
                    "acknowledged_at", "officer", "organ", "page", "case_code"})


def notice_content(kind: str, session: Session, case: Case, station: Station) -> dict[str, Any]:
    """The notice as the party saw it (the version stored on the case), and their confirmation."""
    notice_id = KINDS[kind]
    notice = load_notice(station.settings.resolved_templates_dir, notice_id)
    language = case.language
    confirmed = case.consent_at if notice_id == TERMS else case.rights_acknowledged_at
    return {
        "kind": kind,
        "case_code": case.code,
        "submission": case.submission_count,
        "language": language,
        "station": station.settings.station_name,
        "notice": {"id": notice.id, "version": case.notices.get(notice_id, notice.version)},
        "title": text_in(notice.title, language),
        "paragraphs": [text_in(p, language) for p in notice.paragraphs],
        "acknowledgement": text_in(notice.acknowledgement, language),
        "party": case.party.get("name") or case.party_name,
        "confirmed_at": local_moment(confirmed, station, language),
        "signature": signature_content(signature_of(session, case), station, language),
    }


def render_notice(content: dict[str, Any], wording: Wording, fonts: DocumentFonts,
                  content_sha256: str, signature_png: bytes | None) -> tuple[bytes, int]:
    language = content["language"]
    style = styles(fonts)

    def label(key: str) -> str:
        return escape(wording.label(key, language))

    story: list[Flowable] = [Paragraph(escape(content["title"]), style.title)]
    story += [Paragraph(escape(text), style.body) for text in content["paragraphs"]]
    story += [
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{escape(content['acknowledgement'])}</b>", style.body),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>{label('party')}：</b>{escape(content['party'])}　　"
                  f"<b>{label('acknowledged_at')}：</b>{escape(content['confirmed_at'])}",
                  style.field),
        Paragraph(f"<b>{label('officer')}：</b>{'_' * 16}　　<b>{label('organ')}：</b>"
                  f"{escape(content['station'])}", style.field),
    ]
    signature = content.get("signature") or {}
    footer = signature_footer(
        fonts, QrPayload(content["case_code"], content["kind"], content_sha256), signature_png,
        SignatureBlock(
            electronic_label=wording.label("electronic_signature", language),
            signed_line=f"{wording.label('signed_at', language)} "
                        f"{signature.get('signed_at', '')}",
            handwritten_label=wording.label("handwritten", language),
            code_label=wording.label("case_code", language),
            page_label=lambda page, pages: wording.label("page", language, page=page,
                                                         pages=pages)))
    return build_pdf(story, fonts, footer, title=content["title"])
