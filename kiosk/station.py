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

from kiosk.audit import key_the_chain, record_event
from kiosk.audit_key import AuditKey, AuditKeyProblem, create_audit_key, read_audit_key
from kiosk.db import Database
from kiosk.guessing import hash_admin_pin
from kiosk.migrations import upgrade_database
from kiosk.models import AuditHead, StationSetting
from kiosk.settings import (
    MACHINE_ONLY,
    STATION_KEYS,
    Settings,
    SettingsError,
    SettingsRefused,
    load_settings,
    parse_setting_value,
    station_values,
    validate_station_values,
)

SECRET_SETTINGS = frozenset({"admin_pin"})
HASHED_SETTINGS = frozenset({"admin_pin"})  # the database keeps their argon2 hash
"""Settings whose values the audit trail records only as changed, never in clear."""


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

    def station_values(self) -> dict[str, Any]:
        """The station-wide settings as stored (database over defaults), without this machine's
        file and environment."""
        with self.database.session(readonly=True) as session:
            return station_values(read_station_values(session))

    def set_setting(self, key: str, text: str, *, actor: str,
                    source: str = "the command line") -> Any:
        """Stores a station-wide setting after checking it makes a valid whole; audited."""
        return self.set_settings({key: text}, actor=actor, source=source)[key]

    def check_settings(self, texts: Mapping[str, str], *,
                       source: str = "the command line") -> dict[str, SettingsError]:
        """What `set_settings` would refuse, by setting, without writing anything."""
        with self.database.session(readonly=True) as session:
            return _checked(read_station_values(session), texts, source)[1]

    def set_settings(self, texts: Mapping[str, str], *, actor: str,
                     source: str = "the command line") -> dict[str, Any]:
        """Stores several station-wide settings in one transaction: all of them, or none.

        Each value is checked on its own over the stored ones, then all together; every refused
        value is reported (`SettingsRefused.problems`, by setting) and nothing is written. Each
        change is one `settings.changed` event of the audit chain.
        """
        with self.database.session() as session:
            parsed, problems = _checked(read_station_values(session), texts, source)
            if problems:
                raise SettingsRefused(problems)
            now = datetime.now(UTC)
            for key, value in parsed.items():
                if key in HASHED_SETTINGS:  # stored as its argon2 hash, never in clear
                    value = hash_admin_pin(value)
                row = session.get(StationSetting, key)
                old = row.value if row else None
                if row is None:
                    session.add(StationSetting(key=key, value=value, updated_by=actor))
                else:
                    row.value = value
                    row.updated_by = actor
                    row.updated_at = now
                payload = {"key": key, "old": old, "new": value}
                if key in SECRET_SETTINGS:  # the audit trail keeps no secret in clear
                    payload = {"key": key, "old": "(hidden)", "new": "(hidden)"}
                record_event(session, actor, "settings.changed", payload=payload)
        self.reload_settings()
        return parsed


def _checked(stored: Mapping[str, Any], texts: Mapping[str, str],
             source: str) -> tuple[dict[str, Any], dict[str, SettingsError]]:
    """The typed values of `texts` and, by setting, the ones refused over the stored values."""
    problems: dict[str, SettingsError] = {}
    parsed: dict[str, Any] = {}
    for key, text in texts.items():
        try:
            parsed[key] = parse_setting_value(key, text, source)
        except SettingsError as exc:
            problems[key] = exc
            continue
        pin = parsed[key]
        if key in HASHED_SETTINGS and not (isinstance(pin, str) and pin.isdigit()
                                           and 4 <= len(pin) <= 12):
            # what is typed is the PIN itself, never a hash (validate accepts a stored hash)
            problems[key] = SettingsError(f"setting '{key}' must be 4 to 12 digits",
                                          setting=key, reason="pin")
            del parsed[key]
    for key, value in parsed.items():
        try:
            validate_station_values({**stored, key: value})
        except SettingsError as exc:
            problems[exc.setting or key] = exc
    if parsed and not problems:
        try:
            validate_station_values({**stored, **parsed})  # a rule over several settings
        except SettingsError as exc:
            problems[exc.setting or next(iter(parsed))] = exc
    return parsed, problems


def open_station(env: Mapping[str, str] | None = None, *, file: Path | None = None,
                 upgrade: bool = True) -> Station:
    """Connects to the configured database (bringing its schema up to date) and layers settings."""
    env = dict(os.environ if env is None else env)
    machine = load_settings(env=env, file=file)
    database = Database(machine.resolved_database_url)
    if upgrade:
        upgrade_database(database)
    open_audit_key(database, machine.resolved_audit_key_file)
    station = Station(machine, database, env, file)
    station.reload_settings()
    return station


def open_audit_key(database: Database, path: Path) -> AuditKey:
    """Gives the database this machine's copy of the station's audit key, keying the chain
    the first time (kiosk/audit_key.py).

    A station whose chain is not keyed yet (new, or just upgraded) gets a new key file here.
    Once it is keyed, a machine without the file, or with another station's, is refused
    (`AuditKeyProblem`) before it writes anything.
    """
    with database.session(readonly=True) as session:
        keyed_with = session.scalar(select(AuditHead.key_id).where(AuditHead.id == 1))
    if keyed_with is None and not path.exists():
        try:
            key = create_audit_key(path)
        except FileExistsError:  # another process of this machine made it a moment ago
            key = read_audit_key(path)
    else:
        key = read_audit_key(path)
    if keyed_with is not None and keyed_with != key.key_id:
        raise AuditKeyProblem("mismatch", path, f"key does not match: {path} is not the key "
                              "this station's audit chain is written with (copy the key file "
                              "from the station's first machine; docs/deployment.md)")
    database.use_audit_key(key)
    if keyed_with is None:
        with database.session() as session:
            key_the_chain(session, key)
    return key


def with_settings(station: Station, **changes: Any) -> Station:
    """A copy of the station with some settings replaced (tests and the demo use it)."""
    unknown = set(changes) - set(STATION_KEYS) - MACHINE_ONLY
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    return Station(replace(station.settings, **changes), station.database, station.env,
                   station.file)
