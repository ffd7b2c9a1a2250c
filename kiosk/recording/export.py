"""A case's recording as files a player or a court opens: one playable file per session (its
segments joined without re-encoding) and a JSON index of the answers, screens and signature at
their offsets."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobs import write_blob
from kiosk.models import AnswerRevision, RecordingMark, RecordingSegment, Signature
from kiosk.recording.store import SessionSummary, case_sessions
from kiosk.station_time import station_iso


@dataclass(frozen=True)
class ExportedSession:
    session_id: str
    path: Path
    segments: int


def join_segments(files: list[tuple[Path, int]], out: Path) -> None:
    """Remuxes segment files, each with its offset in ms, into one Matroska file: the packets
    copied as they are, each segment's times moved by its offset (a whole session plays as
    one, with its real timing)."""
    with av.open(str(out), "w", format="matroska") as output:
        streams: dict[str, av.stream.Stream] = {}
        last_dts: dict[str, int] = {}
        for path, offset_ms in files:
            with av.open(str(path)) as source:
                for stream in source.streams:
                    if stream.type not in streams:
                        streams[stream.type] = output.add_stream_from_template(stream)
                for packet in source.demux():
                    if packet.dts is None:
                        continue  # the demuxer's flush packet
                    kind = packet.stream.type
                    time_base = packet.time_base or Fraction(1, 1000)
                    shift = int(offset_ms / 1000 / time_base)
                    # A segment's first audio packet may start a few ms before its offset
                    # (the encoder's priming): kept in order, a player never sees time go back.
                    dts = max(packet.dts + shift, last_dts.get(kind, -(2**62)) + 1)
                    pts = packet.pts + shift if packet.pts is not None else dts
                    packet.dts, packet.pts = dts, max(pts, dts)
                    last_dts[kind] = dts
                    packet.stream = streams[kind]
                    output.mux(packet)


def write_session_file(session: Session, session_id: str, target: Path) -> int:
    """Writes one session's stored segments as one playable file at `target` (its timeline is
    the session's: seek to an answer's `offset_ms`); how many segments it holds (0: none, and
    nothing written). The console's player opens this file."""
    segments = list(session.execute(select(RecordingSegment).where(
        RecordingSegment.session_id == session_id).order_by(RecordingSegment.n)).scalars())
    if not segments:
        return 0
    with tempfile.TemporaryDirectory(prefix="recording-export-") as scratch:
        files = [(write_blob(session, s.sha256, Path(scratch) / f"{s.n:05d}.mkv"), s.offset_ms)
                 for s in segments]
        join_segments(files, target)
    return len(segments)


def export_case(session: Session, case_id: str, out_dir: Path, *,
                zone: str) -> tuple[list[ExportedSession], Path]:
    """Writes `<session id>.mkv` for each session with stored segments, and `index.json`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    exported = []
    summaries = case_sessions(session, case_id)
    for summary in summaries:
        target = out_dir / f"{summary.id}.mkv"
        count = write_session_file(session, summary.id, target)
        if count:
            exported.append(ExportedSession(summary.id, target, count))
    index = out_dir / "index.json"
    index.write_text(json.dumps(recording_index(session, case_id, summaries, exported, zone),
                                ensure_ascii=False, indent=2), encoding="utf-8")
    return exported, index


def summary_json(summary: SessionSummary, zone: str) -> dict[str, Any]:
    """One session as `kiosk recording list --json` prints it (times in station time)."""
    return {
        "id": summary.id, "purpose": summary.purpose, "machine": summary.machine,
        "source": summary.source,
        "started_at": station_iso(summary.started_at, zone),
        "ended_at": station_iso(summary.ended_at, zone),
        "end_cause": summary.end_cause, "duration_s": summary.duration_s,
        "recorded_s": round(summary.recorded_ms / 1000, 3), "segments": summary.segments,
        "sha256": summary.sha256,
        "gaps": [{"from": station_iso(g.from_at, zone), "to": station_iso(g.to_at, zone),
                  "seconds": round(g.seconds, 3), "cause": g.cause} for g in summary.gaps],
    }


def recording_index(session: Session, case_id: str, summaries: list[SessionSummary],
                    exported: list[ExportedSession], zone: str) -> dict[str, Any]:
    files: Mapping[str, str] = {e.session_id: e.path.name for e in exported}
    ids = [s.id for s in summaries]
    answers = session.execute(select(AnswerRevision).where(
        AnswerRevision.case_id == case_id).order_by(AnswerRevision.id)).scalars()
    marks = session.execute(select(RecordingMark).where(
        RecordingMark.session_id.in_(ids)).order_by(RecordingMark.id)).scalars()
    signatures = session.execute(select(Signature).where(
        Signature.case_id == case_id).order_by(Signature.id)).scalars()
    return {
        "case_id": case_id,
        "sessions": [{**summary_json(s, zone), "file": files.get(s.id)} for s in summaries],
        "answers": [{"path": a.path, "revision": a.revision,
                     "given_at": station_iso(a.given_at, zone), "session": a.recording_session_id,
                     "offset_ms": a.offset_ms} for a in answers],
        "screens": [{"kind": m.kind, "position": m.path, "session": m.session_id,
                     "offset_ms": m.offset_ms, "at": station_iso(m.at, zone)} for m in marks],
        "signatures": [{"submission": s.submission, "signed_at": station_iso(s.signed_at, zone),
                        "session": s.recording_session_id, "offset_ms": s.offset_ms}
                       for s in signatures],
    }
