"""Settings: defaults, database, station file and environment, in that order of strength."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.settings import (
    DEFAULTS_FILE,
    STATION_KEYS,
    Override,
    SettingsError,
    SettingsRefused,
    load_settings,
    machine_overrides,
    read_toml,
)
from kiosk.station import Station, open_station


def test_defaults_file_covers_every_setting() -> None:
    settings = load_settings(env={}, file=None)
    assert settings.review_chain == ("reviewer", "approver")
    assert settings.decision_deadline_hours == 48
    assert set(read_toml(DEFAULTS_FILE)) >= set(STATION_KEYS)


def test_precedence_environment_over_file_over_database(tmp_path: Path) -> None:
    station_file = tmp_path / "kiosk.toml"
    station_file.write_text('station_name = "file"\nidle_timeout_seconds = 60\n', "utf-8")
    database = {"station_name": "database", "idle_timeout_seconds": 90,
                "hearing_fine_threshold": 1500}
    env = {"KIOSK_STATION_NAME": "environment"}
    settings = load_settings(database, env=env, file=station_file)
    assert settings.station_name == "environment"
    assert settings.idle_timeout_seconds == 60
    assert settings.hearing_fine_threshold == 1500
    assert settings.detention_days_excluded == 10  # the default


def test_database_values_cannot_set_machine_settings() -> None:
    settings = load_settings({"database_url": "sqlite:////elsewhere.db"}, env={}, file=None)
    assert settings.database_url == ""


@pytest.mark.parametrize(("env", "database", "message"), [
    ({"KIOSK_IDLE_TIMEOUT_SECONDS": "soon"}, {}, r"idle_timeout_seconds.*whole number"),
    ({"KIOSK_ADMIN_PIN": "12"}, {}, r"admin_pin.*4 to 12 digits"),
    ({}, {"department_code": "12345"}, r"department_code.*9 digits"),
    ({}, {"review_chain": ["reviewer", "boss"]}, "unknown role 'boss'"),
    ({}, {"review_chain": []}, "at least one review level"),
])
def test_bad_values_are_refused_naming_the_setting(env: dict[str, str], database: dict,
                                                   message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(database, env=env, file=None)


def test_a_bad_station_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "kiosk.toml"
    broken.write_text("station_name = \n", "utf-8")
    with pytest.raises(SettingsError, match=re.escape(str(broken))):
        load_settings(env={}, file=broken)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('statoin_name = "x"\n', "utf-8")
    with pytest.raises(SettingsError, match=r"unknown setting.*statoin_name"):
        load_settings(env={}, file=unknown)
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(env={"KIOSK_CONFIG": str(tmp_path / "missing.toml")})


def test_station_settings_are_shared_through_the_database_and_audited(
        station: Station, station_env: dict[str, str]) -> None:
    station.set_setting("review_chain", "reviewer,reviewer,approver", actor="admin")
    other_machine = open_station(station_env)
    assert other_machine.settings.review_chain == ("reviewer", "reviewer", "approver")
    with pytest.raises(SettingsError, match="9 digits"):
        station.set_setting("department_code", "abc", actor="admin")
    assert open_station(station_env).settings.department_code == "110105001"
    from kiosk.audit import verify_chain
    from kiosk.models import AuditEvent
    with station.database.session() as session:
        changes = session.query(AuditEvent).filter_by(action="settings.changed").all()
        assert [c.payload["key"] for c in changes] == ["review_chain"]
        assert verify_chain(session).is_intact


def test_sqlite_is_the_default_in_the_data_dir(tmp_path: Path) -> None:
    station = open_station({"KIOSK_DATA_DIR": str(tmp_path / "d"),
                            "XDG_CONFIG_HOME": str(tmp_path / "c")})
    assert station.database.dialect == "sqlite"
    assert (tmp_path / "d" / "kiosk.db").exists()
    with station.database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_one_machine_cannot_change_what_has_legal_weight(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="station-wide"):
        load_settings(env={"KIOSK_REVIEW_CHAIN": "approver"}, file=None)
    station_file = tmp_path / "kiosk.toml"
    station_file.write_text("hearing_fine_threshold = 100000\n", "utf-8")
    with pytest.raises(SettingsError, match="kiosk settings set hearing_fine_threshold"):
        load_settings(env={}, file=station_file)


def test_the_printer_and_font_are_station_defaults_a_machine_may_override(tmp_path: Path) -> None:
    database = {"printer_backend": "cups", "printer_target": "office",
                "document_font": "/fonts/uming.ttc:0"}
    settings = load_settings(database, env={}, file=None)
    assert (settings.printer_backend, settings.printer_target, settings.document_font) == \
        ("cups", "office", "/fonts/uming.ttc:0")
    station_file = tmp_path / "kiosk.toml"
    station_file.write_text('printer_target = "hall"\nprinter_backend = "cups"\n', "utf-8")
    here = load_settings(database, env={"KIOSK_PRINTER_TARGET": "desk"}, file=station_file)
    assert (here.printer_backend, here.printer_target) == ("cups", "desk")  # env > file > db
    overrides = machine_overrides({"KIOSK_PRINTER_TARGET": "desk"}, station_file)
    assert overrides["printer_target"] == Override("environment", "KIOSK_PRINTER_TARGET", "desk")
    assert overrides["printer_backend"] == Override("file", str(station_file), "cups")
    assert "database_url" not in overrides  # only station settings are "overridden"


@pytest.mark.parametrize(("database", "setting", "reason"), [
    ({"timezone": "Asia/Shangai"}, "timezone", "timezone"),
    ({"languages": ["zh", "fr"]}, "languages", "unknown_language"),
    ({"languages": ["zh", "zh"]}, "languages", "repeated"),
    ({"idle_timeout_seconds": 0}, "idle_timeout_seconds", "positive"),
    ({"printer_backend": "lpr"}, "printer_backend", "choice"),
    ({"login_max_failures": 2_147_483_648}, "login_max_failures", "too_large"),
    ({"station_name": "派出所\x00"}, "station_name", "control_character"),
    ({"station_name": "派出所\nadmin_pin 0000"}, "station_name", "control_character"),
])
def test_a_refusal_names_its_setting_and_reason(database: dict, setting: str,
                                                reason: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(database, env={}, file=None)
    assert (refused.value.setting, refused.value.reason) == (setting, reason)


def test_several_settings_are_saved_all_or_none(station: Station,
                                                station_env: dict[str, str]) -> None:
    with pytest.raises(SettingsRefused) as refused:
        station.set_settings({"station_name": "新名称", "department_code": "12A",
                              "review_chain": ""}, actor="admin")
    assert sorted(refused.value.problems) == ["department_code", "review_chain"]
    assert refused.value.problems["department_code"].values == {"digits": 9}
    assert open_station(station_env).settings.station_name == "示例派出所"
    station.set_settings({"station_name": "新名称", "admin_pin": "739152"}, actor="admin")
    assert open_station(station_env).settings.station_name == "新名称"
    with station.database.session() as session:
        from kiosk.models import AuditEvent

        payloads = [e.payload for e in
                    session.query(AuditEvent).filter_by(action="settings.changed")]
    assert {"key": "admin_pin", "old": "(hidden)", "new": "(hidden)"} in payloads
    assert not any("739152" in str(p) for p in payloads)


def test_the_lockout_may_be_zero_but_not_negative(station: Station) -> None:
    assert load_settings(env={}, file=None).login_lockout_minutes == 15
    assert load_settings({"login_lockout_minutes": 0}, env={},
                         file=None).login_lockout_minutes == 0  # 0: until an admin's reset
    with pytest.raises(SettingsError, match=r"'login_lockout_minutes'.* 0 or more") as refused:
        load_settings(env={"KIOSK_LOGIN_LOCKOUT_MINUTES": "-5"}, file=None)
    assert (refused.value.setting, refused.value.reason) == ("login_lockout_minutes",
                                                             "not_negative")
    with pytest.raises(SettingsRefused) as refused_station:
        station.set_settings({"login_lockout_minutes": "-1"}, actor="admin")
    assert list(refused_station.value.problems) == ["login_lockout_minutes"]
    station.set_settings({"login_lockout_minutes": "30"}, actor="admin")
    assert station.reload_settings().login_lockout_minutes == 30


def test_a_huge_number_is_refused_and_every_command_still_works(
        station: Station, station_env: dict[str, str]) -> None:
    """`settings set` with 10^26 was accepted; SQLite read it back as a float and from then on
    every `kiosk` command refused the settings, `settings set` included."""
    from test_cli import kiosk

    refused = kiosk(station_env, "settings", "set", "login_max_failures",
                    "99999999999999999999999999")
    assert refused.returncode == 1 and "login_max_failures" in refused.stderr
    assert "Traceback" not in refused.stderr
    listed = kiosk(station_env, "settings", "list")
    assert listed.returncode == 0 and re.search(r"login_max_failures\s+5\b", listed.stdout)
    bound = kiosk(station_env, "settings", "set", "login_max_failures", "2147483647")
    assert bound.returncode == 0, bound.stderr
    over = kiosk(station_env, "settings", "set", "login_max_failures", "2147483648")
    assert over.returncode == 1 and "2147483647" in over.stderr
