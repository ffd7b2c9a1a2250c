"""Guessing start codes and the admin PIN (kiosk/guessing.py): each kiosk waits after too many
wrong tries, a station-wide burst is audited as an alert, and the PIN is kept as a hash.

The bounds are tested at the bound and one either side, with the moments given explicitly
(the wrong tries are what the database holds, so a test can place them in time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kiosk.cases import CaseNotFound
from kiosk.guessing import (
    BURST_ACTION,
    FIRST_WAIT,
    LONGEST_WAIT,
    MACHINE_LIMIT,
    STATION_BURST,
    WINDOW,
    GuessingThrottled,
    GuessKind,
    check_admin_pin,
    check_allowed,
    pin_matches,
    record_refusal,
    wait_after,
)
from kiosk.models import AuditEvent, StationSetting
from kiosk.party import PartySession
from kiosk.sample_cases import open_sample_case
from kiosk.settings import SettingsRefused
from kiosk.station import Station

T0 = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
CODE = GuessKind.START_CODE


def _wrong(station: Station, n: int, *, machine: str = "kiosk-1", at: datetime = T0,
           kind: GuessKind = CODE) -> None:
    with station.database.session() as session:
        for _ in range(n):
            record_refusal(session, kind, machine, at)


def _waits(station: Station, at: datetime, *, machine: str = "kiosk-1",
           kind: GuessKind = CODE) -> int | None:
    """The seconds this machine must still wait at `at` (None: it may try)."""
    with station.database.session(readonly=True) as session:
        try:
            check_allowed(session, kind, machine, at)
        except GuessingThrottled as exc:
            return exc.wait_seconds
    return None


def _events(station: Station, action: str) -> list[AuditEvent]:
    with station.database.session(readonly=True) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.seq)))


def test_the_wait_starts_at_the_fifth_wrong_try_and_doubles() -> None:
    assert MACHINE_LIMIT == 5 and timedelta(seconds=30) == FIRST_WAIT
    assert wait_after(MACHINE_LIMIT - 1) is None
    assert wait_after(MACHINE_LIMIT) == timedelta(seconds=30)
    assert wait_after(MACHINE_LIMIT + 1) == timedelta(seconds=60)
    assert wait_after(MACHINE_LIMIT + 2) == timedelta(seconds=120)
    assert wait_after(MACHINE_LIMIT + 5) == LONGEST_WAIT  # 16 min would be more: 15 at most
    assert wait_after(10_000) == LONGEST_WAIT


def test_four_wrong_codes_on_a_kiosk_leave_it_free(station: Station) -> None:
    _wrong(station, MACHINE_LIMIT - 1)
    assert _waits(station, T0) is None


def test_five_wrong_codes_make_the_kiosk_wait_thirty_seconds_to_the_second(
        station: Station) -> None:
    _wrong(station, MACHINE_LIMIT)
    assert _waits(station, T0 + timedelta(seconds=1)) == 29
    assert _waits(station, T0 + timedelta(seconds=29)) == 1
    assert _waits(station, T0 + timedelta(seconds=30)) is None
    _wrong(station, 1, at=T0 + timedelta(seconds=30))  # the sixth: a minute
    assert _waits(station, T0 + timedelta(seconds=89)) == 1
    assert _waits(station, T0 + timedelta(seconds=90)) is None


def test_only_the_last_ten_minutes_count(station: Station) -> None:
    _wrong(station, 1, at=T0 - WINDOW)  # exactly ten minutes before: out
    _wrong(station, MACHINE_LIMIT - 1)
    assert _waits(station, T0) is None
    _wrong(station, 1, at=T0 - WINDOW + timedelta(seconds=1))  # just inside: the fifth
    assert _waits(station, T0) == 30


def test_a_kiosk_waits_for_its_own_wrong_codes_not_another_ones(station: Station) -> None:
    _wrong(station, MACHINE_LIMIT, machine="kiosk-1")
    assert _waits(station, T0, machine="kiosk-2") is None
    assert _waits(station, T0, machine="kiosk-1") == 30
    assert _waits(station, T0, machine="kiosk-1", kind=GuessKind.ADMIN_PIN) is None


def test_twenty_wrong_codes_station_wide_are_audited_once_as_a_burst(station: Station) -> None:
    assert STATION_BURST == 20
    for n in range(STATION_BURST - 1):
        _wrong(station, 1, machine=f"kiosk-{n % 4}", at=T0 + timedelta(seconds=n))
    assert _events(station, BURST_ACTION) == []
    _wrong(station, 1, machine="kiosk-9", at=T0 + timedelta(seconds=19))
    bursts = _events(station, BURST_ACTION)
    assert len(bursts) == 1
    assert bursts[0].payload == {"kind": "start_code", "wrong": 20, "minutes": 10,
                                 "machines": {"kiosk-0": 5, "kiosk-1": 5, "kiosk-2": 5,
                                              "kiosk-3": 4, "kiosk-9": 1}}
    _wrong(station, 1, machine="kiosk-9", at=T0 + timedelta(seconds=20))
    assert len(_events(station, BURST_ACTION)) == 1


def test_the_fifth_wrong_start_code_at_the_kiosk_says_how_long_to_wait(
        station: Station) -> None:
    case = open_sample_case(station)
    for _ in range(MACHINE_LIMIT - 1):
        with pytest.raises(CaseNotFound):
            PartySession.resume(station, "000000", machine="kiosk-1")
    with pytest.raises(GuessingThrottled) as fifth:
        PartySession.resume(station, "000000", machine="kiosk-1")
    assert fifth.value.wait_seconds == 30 and fifth.value.reason == "guessing_throttled"
    # While it waits, not even the right code is looked at (and nothing more is counted) ...
    with pytest.raises(GuessingThrottled):
        PartySession.resume(station, case.start_code, machine="kiosk-1")
    # ... while the kiosk beside it takes the right code at once.
    assert PartySession.resume(station, case.start_code, machine="kiosk-2").case_id == case.id
    refused = _events(station, "kiosk.start_code_refused")
    assert [e.payload for e in refused] == [{"machine": "kiosk-1"}] * MACHINE_LIMIT


def test_the_admin_pin_is_stored_as_a_hash_and_its_change_audited_hidden(
        station: Station) -> None:
    station.set_setting("admin_pin", "97531", actor="admin")
    with station.database.session(readonly=True) as session:
        stored = session.get_one(StationSetting, "admin_pin").value
    assert stored.startswith("$argon2id$") and "97531" not in stored
    assert station.settings.admin_pin == stored
    assert pin_matches(stored, "97531") and not pin_matches(stored, "97532")
    assert _events(station, "settings.changed")[-1].payload == {
        "key": "admin_pin", "old": "(hidden)", "new": "(hidden)"}
    with pytest.raises(SettingsRefused):  # what is typed is a PIN, never a hash
        station.set_setting("admin_pin", stored, actor="admin")


def test_wrong_admin_pins_are_counted_and_the_fifth_starts_the_wait(station: Station) -> None:
    station.set_setting("admin_pin", "97531", actor="admin")
    stored = station.settings.admin_pin
    with station.database.session() as session:
        assert check_admin_pin(session, stored, "97531", machine="kiosk-1", now=T0).accepted
    for n in range(1, MACHINE_LIMIT + 1):
        with station.database.session() as session:
            result = check_admin_pin(session, stored, "1234", machine="kiosk-1", now=T0)
        assert not result.accepted
        assert result.wait_seconds == (30 if n == MACHINE_LIMIT else None)
    with pytest.raises(GuessingThrottled), station.database.session() as session:
        check_admin_pin(session, stored, "97531", machine="kiosk-1", now=T0 + timedelta(
            seconds=29))
    with station.database.session() as session:
        assert check_admin_pin(session, stored, "97531", machine="kiosk-1",
                               now=T0 + timedelta(seconds=30)).accepted
    assert len(_events(station, "kiosk.admin_pin_refused")) == MACHINE_LIMIT


def test_a_machine_pin_in_clear_from_its_own_file_still_opens_the_kiosk() -> None:
    assert pin_matches("2468", "2468") and not pin_matches("2468", "24680")


def test_upgrading_hashes_an_admin_pin_stored_in_clear(database_url: str) -> None:
    from sqlalchemy import MetaData, Table, insert

    from kiosk.db import Database
    from kiosk.migrations import upgrade_database

    database = Database(database_url)
    try:
        upgrade_database(database, "0011")
        with database.session() as session:
            settings = Table("station_settings", MetaData(), autoload_with=session.connection())
            session.execute(insert(settings).values(key="admin_pin", value="1357",
                                                    updated_by="admin", updated_at=T0))
        upgrade_database(database, "0014")
        with database.session(readonly=True) as session:
            stored = session.get_one(StationSetting, "admin_pin").value
            assert session.scalar(select(func.count()).select_from(StationSetting)) == 1
    finally:
        database.dispose()
    assert stored.startswith("$argon2id$") and pin_matches(stored, "1357")


def test_the_command_line_refuses_in_one_line_while_its_machine_waits(kiosk_command) -> None:
    for _ in range(MACHINE_LIMIT - 1):
        status, _, err = kiosk_command("notice", "000000", "accept")
        assert status == 1 and "traceback" not in err.lower()
    status, _, err = kiosk_command("notice", "000000", "accept")
    assert status == 1
    assert err.startswith("error: too many wrong start codes on ") and err.endswith(
        "try again in 30 s\n")
