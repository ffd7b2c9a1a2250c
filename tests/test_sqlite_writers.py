"""Eight kiosk processes writing to one SQLite file at once: every transaction lands.

SQLite can answer "database is locked" at once instead of waiting out its busy timeout (one
escaped in 1,999 concurrent submissions). The writers here run with the busy timeout at 1 ms, so
SQLite refuses nearly every contended BEGIN straight away and only kiosk.db's retry, within its
deadline, keeps them going.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk import db
from kiosk.audit import record_event, verify_chain
from kiosk.audit_key import read_audit_key
from kiosk.db import Database
from kiosk.station import open_station

WRITERS = 8
WRITES = 40


def write_events(url: str, key_file: Path, writer: int, start: float) -> str:
    """One kiosk: WRITES audited transactions, each a read of the chain head and a write."""
    db.SQLITE_BUSY_TIMEOUT_MS = 1  # SQLite stops waiting by itself: the retry must do it
    database = Database(url, audit_key=read_audit_key(key_file))
    try:
        while time.time() < start:  # all writers begin at the same moment
            time.sleep(0.001)
        for number in range(WRITES):
            with database.session() as session:
                record_event(session, f"writer-{writer}", "test.written",
                             payload={"writer": writer, "number": number})
        return "ok"
    except Exception as exc:  # reported to the test, which names it
        return f"{type(exc).__name__}: {exc}"
    finally:
        database.dispose()


def test_eight_writer_processes_on_one_sqlite_file_all_land(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    station = open_station({"KIOSK_DATABASE_URL": url, "KIOSK_DATA_DIR": str(tmp_path / "d")})
    with station.database.session(readonly=True) as session:
        before = verify_chain(session).events
    station.database.dispose()
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3
    with context.Pool(WRITERS) as pool:
        outcomes = pool.starmap(write_events, [(url, tmp_path / "d" / "audit.key", w, start)
                                                for w in range(WRITERS)],
                                chunksize=1)
    assert outcomes == ["ok"] * WRITERS
    check = Database(url, audit_key=station.database.audit_key)
    with check.session(readonly=True) as session:
        report = verify_chain(session)
    check.dispose()
    assert report.is_intact, report.problem
    assert report.events == before + WRITERS * WRITES


def test_a_lock_that_outlasts_the_deadline_is_still_reported(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """The retry waits, it does not hide a kiosk that holds the file for good."""
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 1)
    monkeypatch.setattr(db, "SQLITE_BEGIN_DEADLINE_S", 0.3)
    database = Database(url)
    with database.session() as session:
        session.connection()
    holder = sqlite3.connect(tmp_path / "kiosk.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    began = time.monotonic()
    try:
        with pytest.raises(Exception, match="database is locked"), database.session() as session:
            session.connection()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        database.dispose()
    assert 0.1 < time.monotonic() - began < 5
