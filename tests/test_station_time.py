"""Dates and times a person reads are the station's: the conversion, and the command-line
listings that use it (real `kiosk` subprocesses on a real database)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.sample_cases import open_sample_case, submitted_sample_case
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.station_time import listing_time, station_date, station_iso, station_moment

BEIJING = ZoneInfo("Asia/Shanghai")


def kiosk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)


def last_half_past_midnight_in_beijing() -> datetime:
    """The latest 16:30 UTC in the past: 00:30 in Beijing, and still the day before in UTC."""
    now = datetime.now(UTC)
    moment = now.replace(hour=16, minute=30, second=0, microsecond=0)
    return moment if moment <= now else moment - timedelta(days=1)


@pytest.mark.parametrize(("utc", "shown"), [
    (datetime(2026, 12, 7, 16, 30, tzinfo=UTC), "2026-12-08 00:30"),
    (datetime(2026, 12, 7, 15, 59, tzinfo=UTC), "2026-12-07 23:59"),
    (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), "2026-12-08 00:00"),
])
def test_a_moment_reads_on_the_station_clock_across_midnight(utc: datetime,
                                                              shown: str) -> None:
    assert listing_time(utc, "Asia/Shanghai") == shown
    assert station_date(utc, "Asia/Shanghai").isoformat() == shown[:10]
    assert station_iso(utc, "Asia/Shanghai") == shown.replace(" ", "T") + ":00+08:00"


def test_a_stored_moment_without_a_zone_is_taken_as_utc() -> None:
    naive = datetime(2026, 12, 7, 16, 30)
    assert station_moment(naive, BEIJING) == datetime(2026, 12, 8, 0, 30, tzinfo=BEIJING)
    assert listing_time(None, BEIJING) == "-" and station_iso(None, BEIJING) is None


def test_case_list_and_show_read_on_the_station_clock(station: Station,
                                                      station_env: dict[str, str]) -> None:
    arrived = last_half_past_midnight_in_beijing()
    local = arrived.astimezone(BEIJING)
    code = open_sample_case(station, arrived_at=arrived).code
    listed = kiosk(station_env, "case", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"arrived {local:%Y-%m-%d} 00:30" in listed.stdout
    shown = kiosk(station_env, "case", "show", code)
    assert f"arrived {local:%Y-%m-%d} 00:30" in shown.stdout
    [row] = json.loads(kiosk(station_env, "case", "list", "--json").stdout)
    assert row["arrived_at"] == f"{local:%Y-%m-%d}T00:30:00+08:00"
    data = json.loads(kiosk(station_env, "case", "show", code, "--json").stdout)
    assert data["arrived_at"] == row["arrived_at"]
    assert all(e["at"].endswith("+08:00") for e in data["audit"])
    assert data["questioning_ends"].endswith("+08:00")


def test_print_status_says_when_a_failed_job_retries_on_the_station_clock(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    code = submitted_sample_case(station).code
    blocker = tmp_path / "blocker"
    blocker.write_text("")  # a file where the printer's directory should be: printing fails
    env = {**station_env, "KIOSK_PRINTER_TARGET": str(blocker / "out")}
    assert kiosk(env, "print", code, "--doc", "statement").returncode == 1
    [row] = json.loads(kiosk(env, "print", "status", "--json").stdout)
    retry = datetime.fromisoformat(row["next_attempt_at"])
    assert row["next_attempt_at"].endswith("+08:00") and row["created_at"].endswith("+08:00")
    status = kiosk(env, "print", "status")
    assert f"retried by itself at {retry:%Y-%m-%d %H:%M:%S}" in status.stdout
    assert "UTC" not in status.stdout


def test_template_drafts_say_when_they_were_saved_on_the_station_clock(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    source = kiosk(station_env, "template", "export", "minor-assault").stdout
    draft = tmp_path / "draft.yaml"
    shipped = int(re.search(r"^version: (\d+)$", source, re.M)[1])
    draft.write_text(source.replace(f"version: {shipped}", f"version: {shipped + 1}", 1),
                     "utf-8")
    imported = kiosk(station_env, "template", "import", str(draft))
    assert imported.returncode == 0, imported.stderr
    [row] = json.loads(kiosk(station_env, "template", "drafts", "--json").stdout)
    saved = datetime.fromisoformat(row["updated_at"])
    assert row["updated_at"].endswith("+08:00")
    listed = kiosk(station_env, "template", "drafts").stdout
    assert f"saved by cli {saved:%Y-%m-%d %H:%M}" in listed and "UTC" not in listed
