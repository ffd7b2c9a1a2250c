"""The kiosk's audio and video recording on the synthetic test source: the real encoder, the
real segments, the real database (the machine has no camera: the test source is the only thing
standing in, and it goes through the same pipeline)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_cases import sample_file
from test_party import PNG, STROKES, through_identity

from kiosk.cases import open_case
from kiosk.interview import flatten_answers
from kiosk.models import AnswerRevision, RecordingMark, Signature
from kiosk.recording import (
    PushSource,
    Recorder,
    RecordingFault,
    case_sessions,
    recorder_for,
    recording_problems,
    spool_dir,
    verify_recording,
)
from kiosk.station import Station, with_settings


def test_station(station: Station, seconds: int = 1) -> Station:
    return with_settings(station, recording_source="test", recording_segment_seconds=seconds)


test_station.__test__ = False  # type: ignore[attr-defined]


def opened_case(station: Station) -> str:
    with station.database.session() as session:
        return open_case(session, station.settings, "minor-assault", "张三",
                         arrived_at=datetime.now(UTC), arrival_mode="summoned", actor="duty",
                         today=station.today()).id


def recorded(station: Station, case_id: str, seconds: float, purpose: str = "interview") -> str:
    recorder = recorder_for(test_station(station))
    session_id = recorder.start(case_id, purpose)
    time.sleep(seconds)
    recorder.stop()
    return session_id


def test_a_few_seconds_on_the_test_source_become_stored_segments_with_picture_and_sound(
        station: Station, tmp_path: Path) -> None:
    case_id = opened_case(station)
    previews: list[tuple[int, int, int]] = []
    recorder = recorder_for(test_station(station),
                            on_preview=lambda rgb, w, h: previews.append((len(rgb), w, h)))
    recorder.start(case_id)
    time.sleep(2.6)
    assert recorder.offset_ms() >= 2500
    recorder.stop()
    [summary] = _sessions(station, case_id)
    assert summary.segments == 3 and summary.end_cause == "stopped" and not summary.gaps
    assert abs(summary.recorded_ms / 1000 - summary.duration_s) < 1
    assert previews and previews[0] == (160 * 120 * 3, 160, 120)
    with station.database.session(readonly=True) as session:
        assert verify_recording(session, case_id) == []
        assert recording_problems(session, case_id) == []
    assert not list(spool_dir(station).glob("*.mkv"))  # all stored, nothing left waiting


def _sessions(station: Station, case_id: str):  # type: ignore[no-untyped-def]
    with station.database.session(readonly=True) as session:
        return case_sessions(session, case_id)


def test_a_missing_camera_refuses_to_start_and_records_nothing(station: Station) -> None:
    case_id = opened_case(station)
    recorder = recorder_for(with_settings(station, recording_camera="/dev/video-none"))
    with pytest.raises(RecordingFault) as refused:
        recorder.start(case_id)
    assert refused.value.reason == "camera_missing"
    assert refused.value.values["device"] == "/dev/video-none"
    assert _sessions(station, case_id) == []


def test_a_pushed_camera_that_stops_sending_stops_the_recording_with_a_fault(
        station: Station) -> None:
    case_id = opened_case(station)
    source = PushSource()
    faults: list[RecordingFault] = []
    recorder = Recorder(station.database, source, spool_dir=spool_dir(station),
                        segment_seconds=1, on_fault=faults.append)
    recorder.STALL_S = 0.5
    recorder.start(case_id)
    source.push_video(bytes(640 * 480 * 3), 640, 480)  # one picture, then nothing
    deadline = time.monotonic() + 5
    while not faults and time.monotonic() < deadline:
        time.sleep(0.05)
    assert faults and faults[0].reason in ("camera_failed", "microphone_failed")
    assert not recorder.is_recording
    recorder.stop()
    [summary] = _sessions(station, case_id)
    assert summary.end_cause == faults[0].reason
    with station.database.session(readonly=True) as session:
        assert "fault" in recording_problems(session, case_id)


def test_answers_screens_and_the_signature_carry_their_moment_in_the_recording(
        station: Station) -> None:
    party = through_identity(station)
    recorder = recorder_for(test_station(station))
    session_id = recorder.start(party.case_id)
    party.recorder = recorder
    try:
        time.sleep(0.3)
        party.answer("admits_facts", True)
        party.answer("communication_disability", False)
    finally:
        recorder.stop()
    with station.database.session(readonly=True) as session:
        revisions = session.query(AnswerRevision).filter_by(case_id=party.case_id).all()
        offsets = [r.offset_ms for r in revisions if r.path in ("admits_facts",
                                                                  "communication_disability")]
        assert all(r.recording_session_id == session_id for r in revisions
                   if r.offset_ms is not None)
        assert len(offsets) == 2 and 200 <= offsets[0] <= offsets[1]
        marks = session.query(RecordingMark).filter_by(session_id=session_id).all()
        assert [m.path for m in marks] == ["communication_disability", "mental_illness"]


def test_the_signature_names_its_offset(station: Station) -> None:
    party = through_identity(station)
    state = party.state()
    flat = flatten_answers(state.interview.template,
                           sample_file(station, "minor-assault").answers)
    while state.screen is not None:
        state = party.answer(state.screen.path, flat[state.screen.path])
    party.to_signature()
    recorder = recorder_for(test_station(station))
    session_id = recorder.start(party.case_id)
    party.recorder = recorder
    try:
        time.sleep(0.2)
        party.sign(PNG, STROKES)
    finally:
        recorder.stop()
    with station.database.session(readonly=True) as session:
        signature = session.query(Signature).filter_by(case_id=party.case_id).one()
        assert signature.recording_session_id == session_id and signature.offset_ms >= 150
