"""A running station: its settings and database together, and the station-wide settings store."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.db import Database
from kiosk.migrations import upgrade_database
from kiosk.models import StationSetting
from kiosk.settings import (
    MACHINE_ONLY,
    STATION_KEYS,
    Settings,
    load_settings,
    parse_setting_value,
    validate_station_values,
)


def read_station_values(session: Session) -> dict[str, Any]:
    return {row.key: row.value for row in session.execute(select(StationSetting)).scalars()}


@dataclass
class Station:
    """What every command and screen needs: the layered settings and the database."""

    settings: Settings
    database: Database
    env: Mapping[str, str]
    file: Path | None = None

    def reload_settings(self) -> Settings:
        with self.database.session() as session:
            values = read_station_values(session)
        self.settings = load_settings(values, env=self.env, file=self.file)
        return self.settings

    def now(self) -> datetime:
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        return datetime.now(ZoneInfo(self.settings.timezone))

    def today(self) -> date:
        return self.local_now().date()

    def set_setting(self, key: str, text: str, *, actor: str) -> Any:
        """Stores a station-wide setting after checking it makes a valid whole; audited."""
        value = parse_setting_value(key, text)
        with self.database.session() as session:
            values = read_station_values(session)
            values[key] = value
            validate_station_values(values)  # SettingsError if the whole breaks a rule
            row = session.get(StationSetting, key)
            old = row.value if row else None
            if row is None:
                session.add(StationSetting(key=key, value=value, updated_by=actor))
            else:
                row.value = value
                row.updated_by = actor
                row.updated_at = datetime.now(UTC)
            record_event(session, actor, "settings.changed",
                         payload={"key": key, "old": old, "new": value})
        self.reload_settings()
        return value


def open_station(env: Mapping[str, str] | None = None, *, file: Path | None = None,
                 upgrade: bool = True) -> Station:
    """Connects to the configured database (bringing its schema up to date) and layers settings."""
    env = dict(os.environ if env is None else env)
    machine = load_settings(env=env, file=file)
    database = Database(machine.resolved_database_url)
    if upgrade:
        upgrade_database(database)
    station = Station(machine, database, env, file)
    station.reload_settings()
    return station


def with_settings(station: Station, **changes: Any) -> Station:
    """A copy of the station with some settings replaced (tests and the demo use it)."""
    unknown = set(changes) - set(STATION_KEYS) - MACHINE_ONLY
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    return Station(replace(station.settings, **changes), station.database, station.env,
                   station.file)
