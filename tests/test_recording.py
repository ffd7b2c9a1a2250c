"""The kiosk's audio and video recording on the synthetic test source: the real encoder, the
real segments, the real database (the machine has no camera: the test source is the only thing
standing in, and it goes through the same pipeline)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy import delete, select
from tamper import tamper_as_file_owner
from test_cases import sample_file
from test_party import PNG, STROKES, through_identity
from test_review import FINE, officers, submitted

from kiosk.cases import find_case, open_case
from kiosk.interview import flatten_answers
from kiosk.models import (
    AnswerRevision,
    AuditEvent,
    BlobChunk,
    Case,
    RecordingMark,
    RecordingSegment,
    Signature,
)
from kiosk.party import PartySession
from kiosk.recording import (
    PushSource,
    Recorder,
    RecordingFault,
    TestSource,
    case_sessions,
    recorder_for,
    recording_problems,
    spool_dir,
    verify_recording,
)
from kiosk.review import ReviewError, approve_level
from kiosk.sample_cases import decide_after_notice
from kiosk.settings import PROJECT_ROOT, SettingsError, load_settings
from kiosk.station import Station, with_settings
from ui.officer.refusals import why_refused

__all__ = ["officers"]  # a fixture, shared with tests/test_review.py


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


# -- the command line --------------------------------------------------------------------------

@pytest.fixture
def recording_cli(station_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`kiosk recording …` run in this process through `kiosk.cli.main` (with its exit codes
    and error handling), the `recording` command registered even before the package's entry
    points are reinstalled."""
    import kiosk.cli
    from kiosk.cli import recording

    for name, value in station_env.items():
        monkeypatch.setenv(name, value)

    def build_parser():  # type: ignore[no-untyped-def]
        parser = kiosk.cli._Parser(prog="kiosk")
        commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
        recording.register(commands)
        return parser

    monkeypatch.setattr(kiosk.cli, "build_parser", build_parser)

    def run(*args: str) -> tuple[int, str, str]:
        status = kiosk.cli.main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def case_code(station: Station, case_id: str) -> str:
    with station.database.session(readonly=True) as session:
        return session.get(Case, case_id).code


def test_an_exported_session_plays_with_video_and_audio_as_long_as_it_was_recorded(
        station: Station, recording_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = opened_case(station)
    recorded(station, case_id, 2.5)
    status, _out, _ = recording_cli("recording", "export", case_code(station, case_id),
                                   "--out", str(tmp_path / "out"))
    assert status == 0
    [summary] = _sessions(station, case_id)
    with av.open(str(tmp_path / "out" / f"{summary.id}.mkv")) as played:
        kinds = sorted(s.type for s in played.streams)
        duration = played.duration / 1_000_000
        frames = sum(1 for _ in played.decode(video=0))
    assert kinds == ["audio", "video"]
    assert abs(duration - summary.duration_s) < 1
    assert frames >= 2 * 15  # every segment's pictures, not only the first one's
    index = json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))
    assert index["sessions"][0]["file"] == f"{summary.id}.mkv"


def test_recording_list_shows_each_session_in_station_time(
        station: Station, recording_cli) -> None:  # type: ignore[no-untyped-def]
    case_id = opened_case(station)
    recorded(station, case_id, 1.2)
    status, out, _ = recording_cli("recording", "list", case_code(station, case_id), "--json")
    assert status == 0
    [listed] = json.loads(out)
    assert listed["segments"] == 2 and listed["gaps"] == []
    assert listed["started_at"].endswith("+08:00")  # Asia/Shanghai, the default station zone
    assert 1.0 <= listed["duration_s"] <= 2.5
    status, out, _ = recording_cli("recording", "list", case_code(station, case_id))
    assert status == 0 and "2 segments" in out and "stopped" in out


@pytest.mark.parametrize("tampering", ["byte_flip", "deleted_chunk", "deleted_segment",
                                       "event_edited"])
def test_recording_verify_names_a_changed_or_removed_segment(
        station: Station, recording_cli, tampering: str) -> None:  # type: ignore[no-untyped-def]
    case_id = opened_case(station)
    recorded(station, case_id, 2.2)
    code = case_code(station, case_id)
    status, out, _ = recording_cli("recording", "verify", code)
    assert status == 0 and "3 segments match" in out
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        segment = session.execute(select(RecordingSegment).where(
            RecordingSegment.n == 1)).scalar_one()
        if tampering == "byte_flip":
            chunk = session.get(BlobChunk, (segment.sha256, 0))
            data = bytearray(chunk.data)
            data[len(data) // 2] ^= 0xFF
            chunk.data = bytes(data)
        elif tampering == "deleted_chunk":
            session.execute(delete(BlobChunk).where(BlobChunk.sha256 == segment.sha256))
        elif tampering == "event_edited":  # the chain's event made to name other bytes
            event = session.execute(select(AuditEvent).where(
                AuditEvent.action == "recording.segment")
                .order_by(AuditEvent.seq).offset(1).limit(1)).scalar_one()
            event.payload = {**event.payload, "size": event.payload["size"] + 1}
        else:
            session.delete(segment)
    status, _, err = recording_cli("recording", "verify", code)
    assert status == 1
    expected = {"byte_flip": "changed", "deleted_chunk": "truncated",
                "deleted_segment": "missing", "event_edited": "event changed"}[tampering]
    assert "segment 1 of session" in err and expected in err


# -- a kiosk killed while recording ------------------------------------------------------------

KIOSK_RECORDING = """
import sys, time
from kiosk.recording import recorder_for
from kiosk.station import open_station, with_settings
station = with_settings(open_station(), recording_source="test", recording_segment_seconds=1)
recorder = recorder_for(station)
recorder.start(sys.argv[1])
print("recording", flush=True)
time.sleep(600)
"""


def test_a_kiosk_killed_while_recording_loses_at_most_one_segment_and_the_gap_is_listed(
        station: Station, station_env: dict[str, str],
        recording_cli) -> None:  # type: ignore[no-untyped-def]
    case_id = opened_case(station)
    kiosk = subprocess.Popen([sys.executable, "-c", KIOSK_RECORDING, case_id], env=station_env,
                             cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert kiosk.stdout is not None and kiosk.stdout.readline().strip() == "recording"
        started = time.monotonic()
        time.sleep(3.5)
        killed_after = time.monotonic() - started
        kiosk.send_signal(signal.SIGKILL)
    finally:
        kiosk.kill()
        kiosk.wait(10)
    recorded(station, case_id, 1.2)  # the kiosk comes back and the party goes on
    first, resumed = _sessions(station, case_id)
    assert first.end_cause == "interrupted" and resumed.end_cause == "stopped"
    # Closed segments were stored as they closed: only the open one (≤ 1 s) is lost.
    assert first.recorded_ms / 1000 >= killed_after - 1 - 0.5
    [gap] = first.gaps
    assert gap.cause == "interrupted" and gap.to_at == resumed.started_at
    assert gap.from_at == first.ended_at
    with station.database.session(readonly=True) as session:
        assert recording_problems(session, case_id) == ["gaps"]
        assert verify_recording(session, case_id) == []
    status, out, _ = recording_cli("recording", "list", case_code(station, case_id), "--json")
    listed = json.loads(out)
    assert status == 0 and [s["end_cause"] for s in listed] == ["interrupted", "stopped"]
    assert listed[0]["gaps"][0]["cause"] == "interrupted" and listed[1]["gaps"] == []


# -- the approval gate (PSAPL Art. 97, 108) ----------------------------------------------------

def decided_with(station: Station, officers, code: str) -> None:  # type: ignore[no-untyped-def]
    """Both levels, the last one through the Art. 112 notice (kiosk.sample_cases)."""
    with station.database.session() as session:
        approve_level(session, find_case(session, code), officers["legal"], station.settings)
    decide_after_notice(station, code, officers["head"], FINE)


def test_final_approval_is_refused_without_a_recording_when_one_is_required(
        station: Station, officers) -> None:  # type: ignore[no-untyped-def]
    required = with_settings(station, recording_required=True)  # the default of a station
    assert load_settings(env={}).recording_required  # the shipped default
    code = submitted(required)  # `kiosk submit`: no kiosk, no recording
    with pytest.raises(ReviewError) as refused:
        decided_with(required, officers, code)
    assert refused.value.reason == "recording_incomplete"
    assert refused.value.values["problems"] == ["no_recording"]
    assert "recording" in str(refused.value)
    assert "录音录像" in why_refused(refused.value, "zh")
    with station.database.session(readonly=True) as session:
        assert find_case(session, code).status == "in_review"  # nothing decided half-way


def test_final_approval_is_refused_when_the_recording_has_a_gap(
        station: Station, officers) -> None:  # type: ignore[no-untyped-def]
    required = with_settings(station, recording_required=True)
    code = submitted(required)
    with station.database.session(readonly=True) as session:
        case_id = find_case(session, code).id
    camera = PushSource()  # a camera that sends one picture and then fails
    faults: list[RecordingFault] = []
    recorder = Recorder(required.database, camera, spool_dir=spool_dir(required),
                        segment_seconds=1, on_fault=faults.append)
    recorder.STALL_S = 0.3
    recorder.start(case_id)
    camera.push_video(bytes(640 * 480 * 3), 640, 480)
    deadline = time.monotonic() + 5
    while not faults and time.monotonic() < deadline:
        time.sleep(0.05)
    recorder.stop()
    recorded(required, case_id, 0.3)  # an officer fixed the camera; the party goes on
    first, _ = _sessions(required, case_id)
    assert first.gaps[0].cause == faults[0].reason
    with pytest.raises(ReviewError) as refused:
        decided_with(required, officers, code)
    # The failed session's open segment was lost too: nothing of it was stored.
    assert refused.value.values["problems"] == ["gaps", "missing_segments"]
    assert "中断" in why_refused(refused.value, "zh")


def test_final_approval_passes_with_a_complete_recording(
        station: Station, officers) -> None:  # type: ignore[no-untyped-def]
    required = with_settings(station, recording_required=True)
    code = submitted(required)
    with station.database.session(readonly=True) as session:
        case_id = find_case(session, code).id
    recorded(required, case_id, 0.5)
    decided_with(required, officers, code)
    with station.database.session(readonly=True) as session:
        assert find_case(session, code).status == "approved"


def test_turning_the_requirement_off_is_a_station_setting_and_audited(
        station: Station) -> None:
    station.set_setting("recording_required", "true", actor="admin")
    station.set_setting("recording_required", "false", actor="admin")
    with station.database.session(readonly=True) as session:
        changes = [e.payload for e in session.query(AuditEvent).filter_by(
            action="settings.changed")]
    assert changes[-1] == {"key": "recording_required", "old": True, "new": False}
    with pytest.raises(SettingsError, match="station-wide"):
        load_settings(env={"KIOSK_RECORDING_REQUIRED": "false"})


# -- the statement's note (PR Art. 45) ---------------------------------------------------------

def test_the_statement_notes_its_recording_and_where_the_party_signed_in_it(
        station: Station, tmp_path: Path) -> None:
    from kiosk.sample_cases import submitted_sample_case
    from printer.documents import export_documents

    case = submitted_sample_case(station, recorder=recorder_for(test_station(station)))
    [summary] = _sessions(station, case.id)
    written, _ = export_documents(station, case.code, tmp_path / "out")
    [statement] = [p for p in written if p.name.endswith("statement.pdf")]
    text = subprocess.run(["pdftotext", str(statement), "-"], check=True, capture_output=True,
                          text=True).stdout
    joined = "".join(text.split())  # lines and the hash wrap anywhere
    assert f"同步录音录像：编号{summary.id}" in joined
    assert f"共{summary.segments}段" in joined and f"录音录像校验值（SHA-256）：{summary.sha256}" \
        in joined
    assert "录音录像完整，无中断。" in joined
    with station.database.session(readonly=True) as session:
        signed = session.query(Signature).filter_by(case_id=case.id).one()
    seconds = signed.offset_ms // 1000
    assert f"签名于录音录像{summary.id[:8]}的0:00:{seconds:02d}." in joined


def test_a_statement_without_a_recording_says_so(station: Station, tmp_path: Path) -> None:
    from kiosk.sample_cases import submitted_sample_case
    from printer.documents import export_documents

    case = submitted_sample_case(station)
    written, _ = export_documents(station, case.code, tmp_path / "out")
    [statement] = [p for p in written if p.name.endswith("statement.pdf")]
    text = subprocess.run(["pdftotext", str(statement), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "同步录音录像：无" in "".join(text.split())


def test_the_headless_demo_records_its_interview_and_still_reaches_a_decision(
        station: Station, station_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from kiosk.cli import demo

    station.set_setting("recording_required", "true", actor="admin")  # as a fresh station
    for name, value in {**station_env, "KIOSK_RECORDING_SOURCE": "test"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(demo, "ANSWER_PAUSE_S", 0)
    assert demo.run_demo(argparse.Namespace(template="minor-assault", language="zh",
                                            headless=True)) == 0
    out = capsys.readouterr().out
    assert "recorded (test): session" in out and "no gaps" in out
    assert "-> case is approved" in out
    assert "recording: complete (1 session)" in out  # `kiosk case show`, as the approver reads


def test_a_camera_missing_at_the_start_is_on_the_case_in_the_audit_trail(
        station: Station) -> None:
    case_id = opened_case(station)
    recorder = recorder_for(with_settings(station, recording_camera="/dev/video-none"))
    with pytest.raises(RecordingFault):
        recorder.start(case_id)
    with station.database.session(readonly=True) as session:
        [event] = session.query(AuditEvent).filter_by(case_id=case_id,
                                                      action="recording.fault").all()
    assert event.payload["reason"] == "camera_missing"


def test_a_full_disk_is_a_disk_full_fault() -> None:
    from kiosk.recording.segments import SegmentWriter

    writer = SegmentWriter(Path("/dev/full"))  # every write fails with ENOSPC
    with pytest.raises(RecordingFault) as full:
        for n in range(30):
            writer.add_video(np.random.default_rng(n).integers(0, 255, (480, 640, 3), np.uint8),
                             n * 66)
        writer.close()
    assert full.value.reason == "disk_full"


def test_frames_pushed_by_the_screens_are_recorded_like_the_camera(station: Station) -> None:
    """What the kiosk's Qt layer does with QVideoSink and QAudioSource frames (this machine has
    no camera: the pictures here are grey, the sound silence, at the camera's pace)."""
    case_id = opened_case(station)
    source = PushSource()
    recorder = Recorder(station.database, source, spool_dir=spool_dir(station),
                        segment_seconds=1)
    recorder.start(case_id)
    picture, sound = bytes([128]) * (320 * 240 * 3), bytes(2 * 1600)
    for _ in range(int(1.5 * 15)):
        source.push_video(picture, 320, 240)  # scaled to 640x480 by the encoder
        source.push_audio(sound, 24_000)      # resampled to 48 kHz
        time.sleep(1 / 15)
    recorder.stop()
    [summary] = _sessions(station, case_id)
    assert summary.end_cause == "stopped" and summary.segments == 2
    assert 1300 <= summary.recorded_ms <= 1800


class UnreachableWhileDown:
    """The station database behind a network cable the test can pull (`down`): the real
    database otherwise."""

    def __init__(self, database) -> None:  # type: ignore[no-untyped-def]
        self.database = database
        self.down = False

    def session(self, **kwargs):  # type: ignore[no-untyped-def]
        from kiosk.db import DatabaseUnreachable

        if self.down:
            raise DatabaseUnreachable("db.station.lan", "the cable is out")
        return self.database.session(**kwargs)


def test_segments_wait_in_the_spool_while_the_database_is_away_and_nothing_is_lost(
        station: Station) -> None:
    case_id = opened_case(station)
    database = UnreachableWhileDown(station.database)
    faults: list[RecordingFault] = []
    recorder = Recorder(database, TestSource(),  # type: ignore[arg-type]
                        spool_dir=spool_dir(station), segment_seconds=1,
                        on_fault=faults.append)
    recorder.start(case_id)
    database.down = True
    time.sleep(2.4)
    assert [f.reason for f in faults] == ["store_unreachable"]
    assert recorder.is_recording  # an unreachable store does not stop the recording
    assert len(list(spool_dir(station).glob("*.mkv"))) >= 2
    database.down = False
    recorder.stop()
    [summary] = _sessions(station, case_id)
    assert summary.segments == 3 and summary.end_cause == "stopped" and not summary.gaps
    assert not list(spool_dir(station).glob("*.mkv"))


def test_a_returned_case_needs_its_correction_recorded_too(station: Station, officers) -> None:  # type: ignore[no-untyped-def]
    from kiosk.review import return_case
    from kiosk.sample_cases import submitted_sample_case

    required = with_settings(station, recording_required=True)
    recorder = recorder_for(test_station(required))
    case = submitted_sample_case(required, recorder=recorder)
    with required.database.session() as session:
        return_case(session, find_case(session, case.code), officers["legal"],
                    {"incident_place": "请写具体门牌号"}, today=required.today(),
                    now=required.local_now().replace(tzinfo=None))

    def corrected(place: str, *, recorded_too: bool) -> None:
        party = PartySession.resume(required, case.start_code)
        if recorded_too:
            recorder.start(case.id, "correction")
            party.recorder = recorder
        party.choose_language("zh")
        party.answer("incident_place", place)
        party.to_signature()
        party.sign(PNG, STROKES)
        if recorded_too:
            recorder.stop()

    corrected("北京市朝阳区示例路1号", recorded_too=False)
    with pytest.raises(ReviewError) as refused:
        decided_with(required, officers, case.code)
    assert refused.value.values["problems"] == ["no_correction_recording"]
    with required.database.session() as session:  # returned again; this time recorded
        return_case(session, find_case(session, case.code), officers["legal"],
                    {"incident_place": "请再写清楚"}, today=required.today(),
                    now=required.local_now().replace(tzinfo=None))
    corrected("北京市朝阳区示例路1号2单元", recorded_too=True)
    decided_with(required, officers, case.code)
    with required.database.session(readonly=True) as session:
        assert find_case(session, case.code).status == "approved"
        revisions = session.query(AnswerRevision).filter_by(case_id=case.id,
                                                            path="incident_place").all()
    interview, correction = (s.id for s in _sessions(required, case.id))
    assert [r.recording_session_id for r in sorted(revisions, key=lambda r: r.revision)] == [
        interview, None, correction]
