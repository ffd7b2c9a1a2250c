"""The one settings object: defaults, the database, the station file and the environment."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

from kiosk.roles import Role

APP_NAME = "station-kiosk"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = PROJECT_ROOT / "config" / "default.toml"
ENV_PREFIX = "KIOSK_"


# libpq options for every connection to a station's PostgreSQL server: a cut cable must not hang
# a screen for the kernel's 15 minutes. The connection is dropped when sent data stays
# unacknowledged for 10 s (tcp_user_timeout, ms; Linux) or an idle peer stops answering
# keepalives.
POSTGRES_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                      "keepalives_count": 3, "tcp_user_timeout": 10_000}


class SettingsError(ValueError):
    """A setting with a value that cannot be used; the message names the setting and its source."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting the product reads. Build it with `load_settings`, never by hand in code."""

    # This machine: from the file and the environment only.
    database_url: str
    data_dir: str
    templates_dir: str
    kiosk_fullscreen: bool
    kiosk_speech: str
    kiosk_virtual_keyboard: bool
    document_font: str
    printer_backend: str
    printer_target: str
    print_on_submit: bool
    print_on_approval: bool
    # The station: shared through the database, overridable per machine.
    station_name: str
    action_type_code: str
    department_code: str
    custom_code: str
    review_chain: tuple[str, ...]
    languages: tuple[str, ...]
    timezone: str
    idle_timeout_seconds: int
    decision_deadline_hours: int
    questioning_limit_hours: int
    questioning_limit_detention_hours: int
    hearing_fine_threshold: int
    detention_days_excluded: int
    login_max_failures: int
    admin_pin: str

    @property
    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'kiosk.db'}"

    @property
    def resolved_templates_dir(self) -> Path:
        return Path(self.templates_dir) if self.templates_dir else PROJECT_ROOT / "templates"


MACHINE_ONLY = frozenset({"database_url", "data_dir", "templates_dir", "kiosk_fullscreen",
                          "kiosk_speech", "kiosk_virtual_keyboard", "document_font",
                          "printer_backend", "printer_target"})
"""Settings that describe one machine and are never stored in the station database."""

STATION_ONLY = frozenset({
    "review_chain", "action_type_code", "department_code", "custom_code",
    "hearing_fine_threshold", "detention_days_excluded", "decision_deadline_hours",
    "questioning_limit_hours", "questioning_limit_detention_hours",
})
"""Settings with legal weight: the same on every machine, so only the database may change them
(one machine's environment must not, say, shorten the review chain)."""

FIELD_TYPES: dict[str, Any] = get_type_hints(Settings)
STATION_KEYS = tuple(name for name in FIELD_TYPES if name not in MACHINE_ONLY)


def _coerce(name: str, raw: object, source: str) -> object:
    """Turns a raw value from TOML, JSON or an environment string into the field's type."""
    kind = FIELD_TYPES[name]
    where = f"setting '{name}' from {source}"
    if kind is str:
        if not isinstance(raw, str):
            raise SettingsError(f"{where}: expected text, got {raw!r}")
        return raw
    if kind is int:
        if isinstance(raw, bool):
            raise SettingsError(f"{where}: expected a whole number, got {raw!r}")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        raise SettingsError(f"{where}: expected a whole number, got {raw!r}")
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(raw, str) and raw.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{where}: expected true or false, got {raw!r}")
    if kind == tuple[str, ...]:
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
            raise SettingsError(f"{where}: expected a list of text, got {raw!r}")
        return tuple(raw)
    raise AssertionError(f"no coercion for {kind}")  # a new field type needs a branch here


def _check(values: dict[str, object]) -> None:
    """Checks the values that must have a fixed shape, so a bad code is caught at start-up."""
    for name, digits in (("action_type_code", 2), ("department_code", 9), ("custom_code", 5)):
        value = values[name]
        if not (isinstance(value, str) and len(value) == digits and value.isdigit()):
            raise SettingsError(f"setting '{name}' must be {digits} digits, got {value!r}")
    if not values["review_chain"]:
        raise SettingsError("setting 'review_chain' needs at least one review level")
    for role in values["review_chain"]:  # type: ignore[union-attr]
        if role not in set(Role):
            raise SettingsError(f"setting 'review_chain' names an unknown role {role!r}")
    if not values["languages"]:
        raise SettingsError("setting 'languages' needs at least one language")
    pin = values["admin_pin"]
    if not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 12):
        raise SettingsError("setting 'admin_pin' must be 4 to 12 digits")
    if values["printer_backend"] not in ("file", "cups"):
        raise SettingsError("setting 'printer_backend' must be file or cups, got "
                            f"{values['printer_backend']!r}")
    if values["kiosk_speech"] not in ("pyttsx3", "silent"):
        raise SettingsError("setting 'kiosk_speech' must be pyttsx3 or silent, got "
                            f"{values['kiosk_speech']!r}")


def read_toml(path: Path) -> dict[str, object]:
    """Reads a settings file; the error names the file and what is wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    unknown = sorted(set(data) - set(FIELD_TYPES))
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data


def validate_station_values(values: Mapping[str, object]) -> None:
    """Checks station-wide values over the defaults, ignoring this machine's file and env."""
    merged = dict(read_toml(DEFAULTS_FILE))
    for name, raw in values.items():
        merged[name] = _coerce(name, raw, "the station database")
    _check({name: _coerce(name, raw, "defaults") for name, raw in merged.items()})


def station_file_path(env: Mapping[str, str]) -> Path | None:
    """The station file of this machine: KIOSK_CONFIG, or kiosk.toml in the config dir."""
    if env.get("KIOSK_CONFIG"):
        return Path(env["KIOSK_CONFIG"])
    candidate = Path(platformdirs.user_config_dir(APP_NAME)) / "kiosk.toml"
    return candidate if candidate.exists() else None


def load_settings(
    database_values: Mapping[str, object] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
) -> Settings:
    """Layers the settings: environment over file over database over defaults."""
    env = os.environ if env is None else env
    layers: list[tuple[str, Mapping[str, object]]] = [
        (str(DEFAULTS_FILE), read_toml(DEFAULTS_FILE)),
    ]
    if database_values:
        station_only = {k: v for k, v in database_values.items() if k in STATION_KEYS}
        layers.append(("the station database", station_only))
    file = file if file is not None else station_file_path(env)
    if file is not None:
        if not file.exists():
            raise SettingsError(f"settings file {file} does not exist (KIOSK_CONFIG)")
        layers.append((str(file), read_toml(file)))
    env_values = {
        name: env[ENV_PREFIX + name.upper()]
        for name in FIELD_TYPES
        if ENV_PREFIX + name.upper() in env
    }
    layers.append(("the environment", env_values))

    machine_sources = {str(file), "the environment"}
    values: dict[str, object] = {}
    for source, layer in layers:
        for name, raw in layer.items():
            if source in machine_sources and name in STATION_ONLY:
                raise SettingsError(f"setting '{name}' from {source}: it is station-wide; "
                                    f"change it with `kiosk settings set {name} ...`")
            values[name] = _coerce(name, raw, source)
    missing = sorted(set(FIELD_TYPES) - set(values))
    if missing:
        raise SettingsError(f"{DEFAULTS_FILE} lacks default(s) for {', '.join(missing)}")
    _check(values)
    return Settings(**values)  # type: ignore[arg-type]


def parse_setting_value(name: str, text: str) -> object:
    """Parses a value an admin typed for a station setting (lists comma-separated)."""
    if name not in STATION_KEYS:
        raise SettingsError(f"'{name}' is not a station setting")
    value = _coerce(name, text, "the command line")
    return list(value) if isinstance(value, tuple) else value
