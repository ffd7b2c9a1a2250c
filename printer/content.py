"""Pieces every document's content uses: moments on the station's clock, the signature."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.answer_types import format_date, format_time
from kiosk.models import Case, Signature
from kiosk.recording.store import case_sessions
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
    content = {"png_sha256": hashlib.sha256(signature.png).hexdigest(),
               "signed_at": local_moment(signature.signed_at, station, language)}
    if signature.recording_session_id is not None and signature.offset_ms is not None:
        # An on-screen signature counts only when the signing is recorded (PR Art. 263):
        # where in which recording it was made.
        content["recording"] = signature.recording_session_id
        content["recording_offset"] = recording_offset(signature.offset_ms)
    return content


def recording_offset(offset_ms: int) -> str:
    """A moment of a recording as a player shows it: 0:12:34.5."""
    seconds, ms = divmod(offset_ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{ms // 100}"


def recording_content(session: Session, case: Case, station: Station,
                      language: str) -> list[dict[str, object]]:
    """The note PR Art. 45 asks for: each recording of the case's questioning with its id,
    start, end, duration, hash and gaps (an end of "" means still recording when printed)."""
    return [{
        "id": s.id, "purpose": s.purpose,
        "start": local_moment(s.started_at, station, language),
        "end": local_moment(s.ended_at, station, language),
        "duration": recording_offset(int(s.duration_s * 1000)).rsplit(".", 1)[0]
        if s.duration_s is not None else "",
        "segments": s.segments, "sha256": s.sha256,
        "gaps": [{"from": local_moment(g.from_at, station, language),
                  "to": local_moment(g.to_at, station, language), "cause": g.cause}
                 for g in s.gaps],
    } for s in case_sessions(session, case.id)]
