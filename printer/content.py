"""Pieces every document's content uses: moments on the station's clock, the signature."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.answer_types import format_date, format_time
from kiosk.models import Case, Signature
from kiosk.station import Station
from kiosk.station_time import station_date, station_moment


def local_moment(value: datetime | None, station: Station, language: str) -> str:
    """A stored moment as the station's clock reads it, in the document's language."""
    if value is None:
        return ""
    local = station_moment(value, station.settings.timezone)
    joiner = "" if language == "zh" else " "
    return format_date(local.date(), language) + joiner + format_time(local.time(), language)


def local_date(value: datetime | None, station: Station, language: str) -> str:
    """The day of a stored moment on the station's calendar, as a document writes it
    (2026年12月8日, 8 December 2026)."""
    if value is None:
        return ""
    return format_date(station_date(value, station.settings.timezone), language)


def signature_of(session: Session, case: Case) -> Signature | None:
    """The party's (the offender's) signature of the case's current submission; a victim's or
    witness's signature names its person (kiosk/persons.py)."""
    return session.execute(
        select(Signature).where(Signature.case_id == case.id, Signature.person_id.is_(None),
                                Signature.submission == case.submission_count)
    ).scalar_one_or_none()


def signature_content(signature: Signature | None, station: Station,
                      language: str) -> dict[str, str] | None:
    if signature is None:
        return None
    return {"png_sha256": hashlib.sha256(signature.png).hexdigest(),
            "signed_at": local_moment(signature.signed_at, station, language)}
