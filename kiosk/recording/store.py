"""Recording sessions, segments and gaps in the database, and what can be said of them.

A closed segment goes into the blob store (kiosk/blobs.py) and the audit chain
(`recording.segment`: session, index, sha256, size, duration_ms) in one transaction, so the
chain names every stored segment and every segment it names was stored. `verify_recording`
checks the stored bytes against the chain, not only against the blob row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.audit import event_is_intact, record_event
from kiosk.blobs import blob_problem, put_blob
from kiosk.models import (
    AuditEvent,
    Case,
    RecordingGap,
    RecordingMark,
    RecordingSegment,
    RecordingSession,
)

MEDIA_TYPE = "video/x-matroska"
PURPOSES = ("interview", "correction", "notice")
STOPPED = "stopped"
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RecordingPosition:
    """A moment in a recording: which session, and how far into it."""

    session_id: str
    offset_ms: int


def recorded_end(session: Session, recording: RecordingSession) -> datetime:
    """Where the stored recording of a session ends: its start plus its last closed segment."""
    end_ms = session.scalar(
        select(func.max(RecordingSegment.offset_ms + RecordingSegment.duration_ms))
        .where(RecordingSegment.session_id == recording.id)) or 0
    return recording.started_at + timedelta(milliseconds=int(end_ms))


def begin_session(session: Session, case_id: str, purpose: str, *, machine: str, source: str,
                  now: datetime) -> RecordingSession:
    """Starts a recording session of a case; a session the case left unfinished (a crash) is
    closed as interrupted where its stored recording ends, and the gap up to now recorded."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown recording purpose {purpose!r}")
    if session.get(Case, case_id) is None:
        raise LookupError(f"no case {case_id}")
    recording = RecordingSession(id=str(uuid.uuid4()), case_id=case_id, purpose=purpose,
                                 machine=machine, source=source, started_at=now)
    session.add(recording)
    unfinished = session.execute(
        select(RecordingSession).where(RecordingSession.case_id == case_id,
                                       RecordingSession.ended_at.is_(None),
                                       RecordingSession.id != recording.id)).scalars()
    for previous in unfinished:
        previous.ended_at = recorded_end(session, previous)
        previous.end_cause = INTERRUPTED
    session.flush()
    last = session.execute(
        select(RecordingSession).where(RecordingSession.case_id == case_id,
                                       RecordingSession.id != recording.id)
        .order_by(RecordingSession.started_at.desc()).limit(1)).scalar_one_or_none()
    if last is not None and last.end_cause != STOPPED and last.ended_at is not None \
            and not _gap_after(session, last.id):
        gap = RecordingGap(case_id=case_id, session_id=last.id, resumed_session_id=recording.id,
                           from_at=last.ended_at, to_at=now, cause=last.end_cause or INTERRUPTED)
        session.add(gap)
        record_event(session, "kiosk", "recording.gap", case_id=case_id, payload={
            "session": last.id, "resumed_session": recording.id, "cause": gap.cause,
            "from": gap.from_at.isoformat(), "to": now.isoformat()})
    record_event(session, "kiosk", "recording.started", case_id=case_id, payload={
        "session": recording.id, "purpose": purpose, "machine": machine, "source": source})
    return recording


def _gap_after(session: Session, session_id: str) -> bool:
    return session.scalar(select(func.count()).select_from(RecordingGap)
                          .where(RecordingGap.session_id == session_id)) > 0


def store_segment(session: Session, session_id: str, n: int, path: Path, *, offset_ms: int,
                  duration_ms: int) -> RecordingSegment:
    """Stores a closed segment file and its audit event, in the caller's transaction; storing
    the same segment again (a spool upload retried) finds the one already there."""
    existing = session.execute(select(RecordingSegment).where(
        RecordingSegment.session_id == session_id, RecordingSegment.n == n)).scalar_one_or_none()
    if existing is not None:
        return existing
    recording = session.get(RecordingSession, session_id)
    if recording is None:
        raise LookupError(f"no recording session {session_id}")
    blob = put_blob(session, path, MEDIA_TYPE)
    segment = RecordingSegment(session_id=session_id, n=n, sha256=blob.sha256, size=blob.size,
                               offset_ms=offset_ms, duration_ms=duration_ms)
    session.add(segment)
    record_event(session, "kiosk", "recording.segment", case_id=recording.case_id, payload={
        "session": session_id, "index": n, "sha256": blob.sha256, "size": blob.size,
        "offset_ms": offset_ms, "duration_ms": duration_ms})
    return segment


def end_session(session: Session, session_id: str, *, cause: str, now: datetime) -> None:
    """Closes a session: `cause` "stopped" (the recording ended as meant) or a fault reason."""
    recording = session.get(RecordingSession, session_id)
    if recording is None or recording.ended_at is not None:
        return
    recording.ended_at = now if cause == STOPPED else recorded_end(session, recording)
    recording.end_cause = cause
    record_event(session, "kiosk", "recording.ended", case_id=recording.case_id, payload={
        "session": session_id, "cause": cause})


def add_mark(session: Session, position: RecordingPosition, kind: str, path: str) -> None:
    """Notes a moment of the kiosk session (a screen shown, a signature) in its recording."""
    session.add(RecordingMark(session_id=position.session_id, offset_ms=position.offset_ms,
                              kind=kind, path=path))


# -- what a case's recording is ------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    from_at: datetime
    to_at: datetime
    cause: str

    @property
    def seconds(self) -> float:
        return (self.to_at - self.from_at).total_seconds()


@dataclass(frozen=True)
class SessionSummary:
    """One recording session as the CLI, the console and the statement show it."""

    id: str
    purpose: str
    machine: str
    source: str
    started_at: datetime
    ended_at: datetime | None
    end_cause: str | None
    segments: int
    recorded_ms: int
    gaps: tuple[Gap, ...] = field(default=())
    sha256: str = ""
    """The hash of the session's segment hashes in order: one value the statement prints."""

    @property
    def duration_s(self) -> float | None:
        if self.ended_at is None:
            return None
        return round((self.ended_at - self.started_at).total_seconds(), 3)


def case_sessions(session: Session, case_id: str) -> list[SessionSummary]:
    """The recording sessions of a case, oldest first, each with the gap that follows it."""
    import hashlib

    summaries = []
    sessions = session.execute(select(RecordingSession).where(
        RecordingSession.case_id == case_id).order_by(RecordingSession.started_at)).scalars()
    for recording in sessions:
        segments = session.execute(select(RecordingSegment).where(
            RecordingSegment.session_id == recording.id).order_by(RecordingSegment.n)).scalars()
        digest, count, recorded = hashlib.sha256(), 0, 0
        for segment in segments:
            digest.update(segment.sha256.encode())
            count += 1
            recorded = segment.offset_ms + segment.duration_ms
        gaps = tuple(Gap(g.from_at, g.to_at, g.cause) for g in session.execute(
            select(RecordingGap).where(RecordingGap.session_id == recording.id)
            .order_by(RecordingGap.from_at)).scalars())
        summaries.append(SessionSummary(recording.id, recording.purpose, recording.machine,
                                        recording.source, recording.started_at,
                                        recording.ended_at, recording.end_cause, count,
                                        recorded, gaps, digest.hexdigest() if count else ""))
    return summaries


def recording_problems(session: Session, case_id: str) -> list[str]:
    """Why a case's questioning is not completely recorded (PSAPL Art. 97, 108): reasons, empty
    when it is. "no_recording", "unfinished" (a session still open), "gaps", "fault" (a session
    a device fault ended), "missing_segments" (a session that stored nothing),
    "no_correction_recording" (a returned case corrected and signed again with no recorded
    correction: the second signature must be recorded too, PR Art. 263)."""
    summaries = case_sessions(session, case_id)
    if not any(s.purpose == "interview" for s in summaries):
        return ["no_recording"]
    problems = []
    case = session.get(Case, case_id)
    if case is not None and case.submission_count > 1 and \
            not any(s.purpose == "correction" for s in summaries):
        problems.append("no_correction_recording")
    if any(s.ended_at is None for s in summaries):
        problems.append("unfinished")
    if any(s.gaps for s in summaries):
        problems.append("gaps")
    if any(s.end_cause not in (None, STOPPED, INTERRUPTED) and not s.gaps for s in summaries):
        problems.append("fault")
    if any(s.segments == 0 for s in summaries):
        problems.append("missing_segments")
    return problems


# -- checking the stored bytes against the chain -------------------------------------------

@dataclass(frozen=True)
class SegmentProblem:
    session_id: str
    index: int
    problem: str  # missing, changed, truncated, not_in_chain, differs_from_chain,
    #               event_changed (its audit event was edited)


def verify_recording(session: Session, case_id: str) -> list[SegmentProblem]:
    """Every segment of the case checked against its `recording.segment` audit event: the
    stored bytes must hash to the sha256 and have the size the chain names. The audit chain's
    own links are `kiosk audit verify`'s to check."""
    problems: list[SegmentProblem] = []
    events = session.execute(select(AuditEvent).where(
        AuditEvent.case_id == case_id, AuditEvent.action == "recording.segment")
        .order_by(AuditEvent.seq)).scalars()
    named: dict[tuple[str, int], dict] = {}
    changed_events: set[tuple[str, int]] = set()
    for event in events:
        key = (str(event.payload.get("session")), int(event.payload.get("index", -1)))
        named[key] = dict(event.payload)
        if not event_is_intact(session, event):
            changed_events.add(key)
    sessions = [s.id for s in session.execute(select(RecordingSession).where(
        RecordingSession.case_id == case_id).order_by(RecordingSession.started_at)).scalars()]
    rows = {(s.session_id, s.n): s for s in session.execute(select(RecordingSegment).where(
        RecordingSegment.session_id.in_(sessions))).scalars()}
    order = {sid: i for i, sid in enumerate(sessions)}
    keys = sorted(set(named) | set(rows), key=lambda k: (order.get(k[0], len(order)), k[1]))
    for key in keys:
        payload, row = named.get(key), rows.get(key)
        if payload is None:
            problems.append(SegmentProblem(*key, "not_in_chain"))
            continue
        if key in changed_events:
            problems.append(SegmentProblem(*key, "event_changed"))
            continue
        if row is None:
            problems.append(SegmentProblem(*key, "missing"))
            continue
        if row.sha256 != payload["sha256"] or row.size != payload["size"]:
            problems.append(SegmentProblem(*key, "differs_from_chain"))
            continue
        problem = blob_problem(session, payload["sha256"])
        if problem is not None:
            problems.append(SegmentProblem(*key, problem))
    return problems
