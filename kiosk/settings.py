"""The one settings object: defaults, the database, the station file and the environment."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from kiosk.evidence_kinds import EVIDENCE_KINDS
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
    """A setting with a value that cannot be used; the message names the setting and its source.

    `setting` names the setting when one is to blame, and `reason` (with `values`) says what is
    wrong in a form a screen can word in its own language; the message is the English wording.
    """

    def __init__(self, message: str, *, setting: str | None = None, reason: str = "",
                 **values: object) -> None:
        super().__init__(message)
        self.setting = setting
        self.reason = reason
        self.values = values


class SettingsRefused(SettingsError):
    """Several station settings to change at once, of which some were refused (none was saved).

    `problems` maps each refused setting to its error.
    """

    def __init__(self, problems: Mapping[str, SettingsError]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(str(e) for e in self.problems.values()),
                         setting=next(iter(self.problems), None), reason="several")


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting the product reads. Build it with `load_settings`, never by hand in code."""

    # This machine: from the file and the environment only.
    database_url: str
    data_dir: str
    templates_dir: str
    audit_key_file: str
    kiosk_fullscreen: bool
    kiosk_speech: str
    kiosk_virtual_keyboard: bool
    recording_source: str
    recording_camera: str
    recording_microphone: str
    # The station: shared through the database; a machine may override these in its file or
    # environment, except the ones in STATION_ONLY.
    document_font: str
    printer_backend: str
    printer_target: str
    print_on_submit: bool
    print_on_approval: bool
    station_name: str
    county_organ_name: str
    decision_number_prefix: str
    county_decision_number_prefix: str
    reconsideration_body: str
    court_name: str
    fine_payment_place: str
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
    template_four_eyes: bool
    evidence_max_mb: int
    evidence_kinds_counting: tuple[str, ...]
    login_max_failures: int
    login_lockout_minutes: int
    console_lock_minutes: int
    admin_pin: str
    recording_required: bool
    recording_segment_seconds: int

    @property
    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'kiosk.db'}"

    @property
    def resolved_audit_key_file(self) -> Path:
        return Path(self.audit_key_file) if self.audit_key_file \
            else self.resolved_data_dir / "audit.key"

    @property
    def resolved_templates_dir(self) -> Path:
        return Path(self.templates_dir) if self.templates_dir else PROJECT_ROOT / "templates"


MACHINE_ONLY = frozenset({"database_url", "data_dir", "templates_dir", "audit_key_file",
                          "kiosk_fullscreen", "kiosk_speech", "kiosk_virtual_keyboard",
                          "console_lock_minutes", "recording_source", "recording_camera",
                          "recording_microphone"})
"""Settings that describe one machine and are never stored in the station database.

The printer (`printer_backend`, `printer_target`) and `document_font` are station-wide defaults
kept in the database, which a machine with a printer or font of its own overrides in its file
or environment."""

KIOSK_LANGUAGES = ("zh", "en")
"""The languages the kiosk's screens and the interview templates are written in."""

PRINTER_BACKENDS = ("file", "cups")
RECORDING_SOURCES = ("camera", "test")

STATION_ONLY = frozenset({
    "review_chain", "action_type_code", "department_code", "custom_code",
    "hearing_fine_threshold", "detention_days_excluded", "decision_deadline_hours",
    "questioning_limit_hours", "questioning_limit_detention_hours",
    "template_four_eyes", "county_organ_name", "reconsideration_body", "court_name",
    "decision_number_prefix", "county_decision_number_prefix",
    "fine_payment_place", "evidence_kinds_counting", "recording_required",
})
"""Settings with legal weight: the same on every machine, so only the database may change them
(one machine's environment must not, say, shorten the review chain)."""

NOT_NEGATIVE = frozenset({"login_lockout_minutes"})
"""Whole-number settings for which 0 means something (here: locked until an admin resets the
password); every other whole number must be at least 1."""

FIELD_TYPES: dict[str, Any] = get_type_hints(Settings)
STATION_KEYS = tuple(name for name in FIELD_TYPES if name not in MACHINE_ONLY)


MAX_WHOLE = 2_147_483_647
"""The largest whole-number setting (a PostgreSQL integer); no setting needs more."""


def _coerce(name: str, raw: object, source: str) -> object:
    """Turns a raw value from TOML, JSON or an environment string into the field's type."""
    kind = FIELD_TYPES[name]
    where = f"setting '{name}' from {source}"

    def refuse(expected: str, reason: str) -> SettingsError:
        return SettingsError(f"{where}: expected {expected}, got {raw!r}", setting=name,
                             reason=reason)

    if kind is str:
        if not isinstance(raw, str):
            raise refuse("text", "text")
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in raw):
            # A NUL crashes PostgreSQL, a line break forges a line of `settings list`.
            raise refuse("text without control characters", "control_character")
        return raw
    if kind is int:
        if isinstance(raw, bool):
            raise refuse("a whole number", "whole_number")
        value: int | None = None
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit() \
                and len(raw.strip()) <= 20:
            value = int(raw.strip())
        if value is None:
            raise refuse("a whole number", "whole_number")
        if abs(value) > MAX_WHOLE:
            # Stored as JSON, a larger number reads back as a float on SQLite and then every
            # command refuses the settings: refuse it here instead.
            raise refuse(f"a whole number up to {MAX_WHOLE}", "too_large")
        return value
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(raw, str) and raw.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise refuse("true or false", "true_or_false")
    if kind == tuple[str, ...]:
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
            raise refuse("a list of text", "list")
        return tuple(raw)
    raise AssertionError(f"no coercion for {kind}")  # a new field type needs a branch here


def _check(values: dict[str, object]) -> None:
    """Checks the values that must have a fixed shape, so a bad code is caught at start-up."""
    for name, digits in (("action_type_code", 2), ("department_code", 9), ("custom_code", 5)):
        value = values[name]
        if not (isinstance(value, str) and len(value) == digits and value.isdigit()):
            raise SettingsError(f"setting '{name}' must be {digits} digits, got {value!r}",
                                setting=name, reason="digits", digits=digits)
    if not values["review_chain"]:
        raise SettingsError("setting 'review_chain' needs at least one review level",
                            setting="review_chain", reason="no_level")
    for role in values["review_chain"]:  # type: ignore[union-attr]
        if role == Role.COUNTY_APPROVER:  # PSAPL Art. 109: added by the penalty, not the station
            raise SettingsError("setting 'review_chain' names the county level, which a case "
                                "gets by its penalty (PSAPL Art. 109), not from the station",
                                setting="review_chain", reason="county_level_in_chain")
        if role not in set(Role):
            raise SettingsError(f"setting 'review_chain' names an unknown role {role!r}",
                                setting="review_chain", reason="unknown_role", role=role)
    languages = values["languages"]
    if not languages:
        raise SettingsError("setting 'languages' needs at least one language",
                            setting="languages", reason="no_language")
    for language in languages:  # type: ignore[union-attr]
        if language not in KIOSK_LANGUAGES:
            raise SettingsError(f"setting 'languages' names {language!r}, which the kiosk does "
                                f"not speak (one of: {', '.join(KIOSK_LANGUAGES)})",
                                setting="languages", reason="unknown_language",
                                language=language)
    if len(set(languages)) != len(languages):  # type: ignore[arg-type]
        raise SettingsError("setting 'languages' names a language twice",
                            setting="languages", reason="repeated")
    try:
        ZoneInfo(str(values["timezone"]))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"setting 'timezone' must be a time zone such as Asia/Shanghai, got "
                            f"{values['timezone']!r}", setting="timezone",
                            reason="timezone") from exc
    for name, kind in FIELD_TYPES.items():
        if kind is not int:
            continue
        if name in NOT_NEGATIVE and values[name] < 0:  # type: ignore[operator]
            raise SettingsError(f"setting '{name}' must be 0 or more, got {values[name]!r}",
                                setting=name, reason="not_negative")
        if name not in NOT_NEGATIVE and values[name] < 1:  # type: ignore[operator]
            raise SettingsError(f"setting '{name}' must be at least 1, got {values[name]!r}",
                                setting=name, reason="positive")
    for kind in values["evidence_kinds_counting"]:  # type: ignore[union-attr]
        if kind not in EVIDENCE_KINDS:
            raise SettingsError(f"setting 'evidence_kinds_counting' names an unknown kind of "
                                f"evidence {kind!r} (one of: {', '.join(EVIDENCE_KINDS)})",
                                setting="evidence_kinds_counting", reason="unknown_kind",
                                kind=kind)
    pin = values["admin_pin"]
    # Stored, it is its argon2 hash (kiosk/guessing.py); typed, or in a machine's file, digits.
    if not (isinstance(pin, str) and (pin.startswith("$argon2")
                                      or (pin.isdigit() and 4 <= len(pin) <= 12))):
        raise SettingsError("setting 'admin_pin' must be 4 to 12 digits", setting="admin_pin",
                            reason="pin")
    if values["printer_backend"] not in PRINTER_BACKENDS:
        raise SettingsError("setting 'printer_backend' must be file or cups, got "
                            f"{values['printer_backend']!r}", setting="printer_backend",
                            reason="choice", choices=" / ".join(PRINTER_BACKENDS))
    if values["recording_source"] not in RECORDING_SOURCES:
        raise SettingsError("setting 'recording_source' must be camera or test, got "
                            f"{values['recording_source']!r}", setting="recording_source",
                            reason="choice", choices=" / ".join(RECORDING_SOURCES))
    if not 1 <= values["recording_segment_seconds"] <= 60:  # type: ignore[operator]
        raise SettingsError("setting 'recording_segment_seconds' must be 1 to 60, got "
                            f"{values['recording_segment_seconds']!r}",
                            setting="recording_segment_seconds", reason="range",
                            low=1, high=60)
    if values["kiosk_speech"] not in ("pyttsx3", "silent"):
        raise SettingsError("setting 'kiosk_speech' must be pyttsx3 or silent, got "
                            f"{values['kiosk_speech']!r}", setting="kiosk_speech",
                            reason="choice", choices="pyttsx3 / silent")


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


def station_values(database_values: Mapping[str, object]) -> dict[str, object]:
    """The station-wide settings as every machine gets them before its own file and environment:
    the database over the defaults (what the admin screen edits)."""
    merged = {name: raw for name, raw in read_toml(DEFAULTS_FILE).items() if name in STATION_KEYS}
    merged.update({k: v for k, v in database_values.items() if k in STATION_KEYS})
    return {name: _coerce(name, raw, "the station database") for name, raw in merged.items()}


class Override(NamedTuple):
    """A station setting this machine sets for itself, which so wins over the database here."""

    source: str   # "environment" or "file"
    where: str    # the variable (KIOSK_...) or the station file's path
    value: object


def machine_overrides(env: Mapping[str, str], file: Path | None = None) -> dict[str, Override]:
    """The station settings that this machine's station file or environment override."""
    found: dict[str, Override] = {}
    file = file if file is not None else station_file_path(env)
    if file is not None and file.exists():
        for name, raw in read_toml(file).items():
            if name in STATION_KEYS:
                found[name] = Override("file", str(file), _coerce(name, raw, str(file)))
    for name in STATION_KEYS:
        variable = ENV_PREFIX + name.upper()
        if variable in env:
            found[name] = Override("environment", variable,
                                   _coerce(name, env[variable], "the environment"))
    return found


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
                                    f"change it with `kiosk settings set {name} ...`",
                                    setting=name, reason="station_only")
            values[name] = _coerce(name, raw, source)
    missing = sorted(set(FIELD_TYPES) - set(values))
    if missing:
        raise SettingsError(f"{DEFAULTS_FILE} lacks default(s) for {', '.join(missing)}")
    _check(values)
    return Settings(**values)  # type: ignore[arg-type]


def parse_setting_value(name: str, text: str, source: str = "the command line") -> object:
    """Parses a value an admin typed for a station setting (lists comma-separated)."""
    if name not in STATION_KEYS:
        raise SettingsError(f"'{name}' is not a station setting", setting=name,
                            reason="not_station")
    value = _coerce(name, text, source)
    return list(value) if isinstance(value, tuple) else value
