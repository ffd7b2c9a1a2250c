"""The audit chain keyed with the station's key, which is kept outside the database.

The attacker here has the database password (it is on every kiosk and console) and plain SQL,
but not the key file: whatever they rewrite, `kiosk audit verify` names it.
"""

from __future__ import annotations

import json
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from tamper import tamper_as_file_owner

from kiosk.audit import GENESIS_HASH, _event_hash, canonical_json, verify_chain
from kiosk.audit_key import AuditKeyProblem, create_audit_key
from kiosk.cli import main as kiosk_main
from kiosk.db import Database
from kiosk.migrations import upgrade_database
from kiosk.models import AuditEvent, AuditHead
from kiosk.station import Station, open_station


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def rewrite_from(session, seq: int, change) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with SQL does: change event `seq` and re-link every event after it with
    plain SHA-256 (they do not have the key), then move the head."""
    events = session.execute(select(AuditEvent).where(AuditEvent.seq >= seq)
                             .order_by(AuditEvent.seq)).scalars().all()
    prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) \
        or GENESIS_HASH
    for event in events:
        if event.seq == seq:
            event.payload = change(dict(event.payload))
        event.prev_hash = prev
        event.hash = _event_hash(prev, event.seq, event.at, event.actor, event.action,
                                 event.case_id, event.payload)
        prev = event.hash
    session.flush()
    session.execute(update(AuditHead).values(seq=events[-1].seq, hash=prev))


def test_a_new_station_makes_its_key_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    station = open_station({"KIOSK_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}",
                            "KIOSK_DATA_DIR": str(tmp_path / "data")})
    key_file = tmp_path / "data" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
        first = session.scalar(select(AuditEvent).order_by(AuditEvent.seq).limit(1))
    station.database.dispose()
    assert report.is_intact and report.keyed_from == 1
    assert first is not None and first.action == "audit.keyed"
    assert key_file.read_text().strip() not in json.dumps(first.payload)  # the id, not the key


def test_events_rewritten_with_sql_and_relinked_without_the_key_are_found(
        station: Station) -> None:
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        target = session.scalar(select(AuditEvent.seq).where(
            AuditEvent.action == "template.published").order_by(AuditEvent.seq.desc()).limit(1))
        rewrite_from(session, target, lambda payload: {**payload, "version": 99})
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
    assert report.broken_at == target
    assert "written without the station's key" in report.problem and "forged" in report.problem


def test_an_event_appended_by_a_program_without_the_key_is_found(station: Station) -> None:
    keyless = Database(station.database.url)  # the database password, not the key file
    try:
        from kiosk.audit import record_event
        with keyless.session() as session:
            record_event(session, "intruder", "case.opened", payload={})
    finally:
        keyless.dispose()
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
    assert not report.is_intact and "forged" in report.problem


def test_a_machine_without_the_key_file_is_refused_before_it_writes(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    second = dict(station_env, KIOSK_DATA_DIR=str(tmp_path / "second-machine"))
    with station.database.session(readonly=True) as session:
        before = verify_chain(session).events
    with pytest.raises(AuditKeyProblem) as refused:
        open_station(second)
    assert refused.value.reason == "missing"
    assert "audit key is missing" in str(refused.value)
    with station.database.session(readonly=True) as session:
        assert verify_chain(session).events == before
    # With a copy of the station's key, the same machine starts.
    (tmp_path / "second-machine").mkdir()
    shutil.copy2(tmp_path / "data" / "audit.key", tmp_path / "second-machine" / "audit.key")
    open_station(second).database.dispose()


def test_a_key_file_others_can_read_is_refused(station: Station, station_env: dict[str, str],
                                               tmp_path: Path) -> None:
    (tmp_path / "data" / "audit.key").chmod(0o644)
    with pytest.raises(AuditKeyProblem, match="chmod 600") as refused:
        open_station(station_env)
    assert refused.value.reason == "permissions"


def test_verifying_with_another_stations_key_says_the_key_does_not_match(
        station: Station, station_env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    other = create_audit_key(tmp_path / "other.key")
    with station.database.session(readonly=True) as session:
        report = verify_chain(session, other)
    assert report.key_mismatch and "key does not match" in report.problem
    use_env(monkeypatch, dict(station_env, KIOSK_AUDIT_KEY_FILE=str(other.path)))
    assert kiosk_main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "key does not match" in err and "broken at" not in err.lower()


def test_a_chain_from_before_keys_stays_valid_and_is_keyed_from_the_upgrade_on(
        database_url: str, tmp_path: Path) -> None:
    """A station upgraded from 0009: its plain events still verify; new ones are keyed."""
    database = Database(database_url)
    try:
        upgrade_database(database, "0009")
        at = datetime.now(UTC)
        digest = _event_hash(GENESIS_HASH, 1, at, "duty", "case.opened", None, {"old": True})
        with database.session() as session:
            session.execute(AuditEvent.__table__.insert().values(
                seq=1, at=at, actor="duty", action="case.opened", case_id=None,
                payload={"old": True}, prev_hash=GENESIS_HASH, hash=digest))
            session.execute(AuditHead.__table__.update().values(seq=1, hash=digest))
    finally:
        database.dispose()
    station = open_station({"KIOSK_DATABASE_URL": database_url,
                            "KIOSK_DATA_DIR": str(tmp_path / "data")})
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
    station.database.dispose()
    assert report.is_intact, report.problem
    assert report.keyed_from == 2


def test_events_cut_from_the_end_with_the_head_reset_are_found_by_an_anchor(
        station: Station, station_env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use_env(monkeypatch, station_env)
    anchors = tmp_path / "anchors.jsonl"
    assert kiosk_main(["audit", "anchor", "--out", str(anchors)]) == 0
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        head = session.get(AuditHead, 1)
        assert head is not None
        cut_at = head.seq
        kept = session.scalar(select(AuditEvent).where(AuditEvent.seq == cut_at - 2))
        session.execute(delete(AuditEvent).where(AuditEvent.seq > cut_at - 2))
        session.execute(update(AuditHead).values(seq=kept.seq, hash=kept.hash))
    capsys.readouterr()
    assert kiosk_main(["audit", "verify"]) == 0  # the cut chain alone looks whole …
    assert kiosk_main(["audit", "verify", "--anchor", str(anchors)]) == 1  # … the anchor knows
    err = capsys.readouterr().err
    assert "cut and re-headed: anchor 1" in err and f"event {cut_at}" in err


def test_an_altered_anchor_line_is_refused(station: Station, station_env: dict[str, str],
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    use_env(monkeypatch, station_env)
    anchors = tmp_path / "anchors.jsonl"
    assert kiosk_main(["audit", "anchor", "--out", str(anchors)]) == 0
    line = json.loads(anchors.read_text())
    line["seq"] -= 1  # an attacker moving the anchor back to before their cut
    anchors.write_text(canonical_json(line) + "\n")
    assert kiosk_main(["audit", "verify", "--anchor", str(anchors)]) == 1
    assert "anchor 1 was not written with this station's key, or was altered" \
        in capsys.readouterr().err
