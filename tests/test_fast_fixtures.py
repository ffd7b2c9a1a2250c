"""What makes the suite fast may not make it lie: parsed templates are shared but not changeable,
each test's station is its own copy of the seed, and only tests hash passwords cheaply."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from seeded_stations import TEMPLATES_DIR, TEST_HASHER, Seeds
from shipped import shipped_template_ids
from sqlalchemy import create_engine, func, inspect, select

from kiosk import template_loader, users
from kiosk.models import TemplateVersion, User
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.template_loader import parse_template, read_template_source
from kiosk.template_store import (
    get_version,
    publish_shipped_templates,
    publish_template,
    template_of,
)
from kiosk.users import LoginPolicy, add_user, authenticate, get_user

SHIPPED = TEMPLATES_DIR / "questions" / "minor-assault.yaml"


def with_version(source: str, version: str) -> str:
    """The template source with another version (whichever the shipped one has)."""
    changed, count = re.subn(r"(?m)^version: \d+$", f"version: {version}", source, count=1)
    assert count == 1
    return changed


# -- passwords -------------------------------------------------------------------------------


def test_the_product_hashes_passwords_at_argon2s_recommended_cost() -> None:
    """RFC 9106's second recommended option (the library's default): 3 passes over 64 MiB."""
    production = users.PRODUCTION_HASHER
    assert (production.time_cost, production.memory_cost, production.parallelism,
            production.hash_len, production.salt_len, production.type) == (
                3, 65536, 4, 32, 16, Type.ID)
    assert production.hash("password-123").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_only_the_tests_hash_cheaply() -> None:
    assert users._hasher is TEST_HASHER  # put there by the autouse fixture of tests/conftest.py
    assert users.PRODUCTION_HASHER is not TEST_HASHER
    assert users.hash_password("password-123").startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_a_password_hashed_at_the_test_cost_still_logs_in_at_production_cost(
        station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds' accounts are hashed cheaply; the product must still let them in, and it
    brings such a hash up to its own cost at the first login."""
    with station.database.session() as session:
        add_user(session, "duty", "password-123", ["officer"], actor="test")
    monkeypatch.setattr(users, "_hasher", users.PRODUCTION_HASHER)
    user = authenticate(station.database, "duty", "password-123", policy=LoginPolicy(5))
    assert user.username == "duty"
    with station.database.session(readonly=True) as session:
        stored = get_user(session, "duty").password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify(stored, "password-123")


def test_an_unknown_name_is_checked_at_the_cost_of_the_hasher_in_use(
        station: Station, monkeypatch: pytest.MonkeyPatch) -> None:
    """So that the time a refusal takes does not tell which names exist, whichever hasher."""
    with pytest.raises(users.LoginFailed, match="wrong user name or password"):
        authenticate(station.database, "nobody", "password-123", policy=LoginPolicy(5))
    assert users._dummy_hash().startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.setattr(users, "_hasher", users.PRODUCTION_HASHER)
    assert users._dummy_hash().startswith("$argon2id$v=19$m=65536,t=3,p=4$")


# -- parsed templates ------------------------------------------------------------------------


def test_a_template_is_parsed_once_for_publishing_and_for_every_case(
        station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real_parse = template_loader._parse_template

    def counting_parse(source: str, filename: str):  # a spy: the real parse runs
        parsed.append(filename)
        return real_parse(source, filename)

    monkeypatch.setattr(template_loader, "_parse_template", counting_parse)
    # A source this process has not seen yet (a comment of its own): none parsed before.
    edited = with_version(read_template_source(SHIPPED), "77") + f"\n# {uuid.uuid4()}\n"
    path = tmp_path / "minor-assault-v77.yaml"
    path.write_text(edited, "utf-8")
    with station.database.session() as session:
        assert publish_template(session, path, actor="test").is_new
        opened = [template_of(get_version(session, "minor-assault", 77)) for _ in range(3)]
    assert parsed == [str(path)]  # publishing parsed it; opening it three times did not
    assert {t.version for t in opened} == {77}
    assert opened[0].filename == "minor-assault v77 (published)"


def test_a_source_is_parsed_once_and_shared_under_each_callers_name() -> None:
    """Templates are read-only once loaded and shared (a deep copy per call cost 12 ms, half
    of a submission): the same text gives the same sections, named by each caller's file."""
    source = read_template_source(SHIPPED)
    first = parse_template(source, "first.yaml")
    second = parse_template(source, "second.yaml")
    assert second.sections is first.sections and second.title is first.title
    assert parse_template(source, "first.yaml").sections is first.sections  # no new parse
    assert (first.filename, second.filename) == ("first.yaml", "second.yaml")


def test_a_template_that_does_not_validate_is_reported_every_time() -> None:
    from kiosk.template_loader import TemplateInvalid

    broken = with_version(read_template_source(SHIPPED), "zero")
    for name in ("a.yaml", "b.yaml"):
        with pytest.raises(TemplateInvalid) as refused:
            parse_template(broken, name)
        assert name in str(refused.value)


# -- seeded stations -------------------------------------------------------------------------


def test_a_station_starts_with_the_shipped_templates_and_no_accounts(station: Station) -> None:
    with station.database.session(readonly=True) as session:
        assert {r.template_id for r in session.scalars(select(TemplateVersion))} == {
            p.stem for p in (TEMPLATES_DIR / "questions").glob("*.yaml")}
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert publish_shipped_templates(session, TEMPLATES_DIR, actor="test") == []


def test_a_station_is_a_copy_no_other_test_sees(station: Station, seeds: Seeds,
                                                tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    with station.database.session() as session:
        add_user(session, "duty", "password-123", ["officer"], actor="test")
    # A second copy of the same seed, as the next test gets it: without this test's account.
    if station.database.dialect == "sqlite":
        seeds.sqlite_copy("templates", tmp_path / "next.db")
        url = f"sqlite:///{tmp_path / 'next.db'}"
    else:
        url = seeds.postgres_copy("templates", request.getfixturevalue("postgres"), "t_next")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(User)) == 0
            assert connection.scalar(select(func.count()).select_from(TemplateVersion)) \
                == len(shipped_template_ids())
    finally:
        engine.dispose()
        if station.database.dialect != "sqlite":
            request.getfixturevalue("postgres").drop_database("t_next")


def test_a_database_without_a_station_is_empty(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_the_kiosk_processes_of_a_test_hash_cheaply_and_the_product_does_not(
        station: Station, station_env: dict[str, str]) -> None:
    def add(username: str, env: dict[str, str]) -> str:
        added = subprocess.run([sys.executable, "-m", "kiosk.cli", "user", "add", username,
                                "--role", "officer"], env=env, input="password-123\n",
                               capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
        assert added.returncode == 0, added.stderr
        with station.database.session(readonly=True) as session:
            return get_user(session, username).password_hash

    assert add("duty", station_env).startswith("$argon2id$v=19$m=8,t=1,p=1$")
    # The same command without the tests' site folder on its path: the product as shipped.
    product_path = os.pathsep.join(p for p in station_env["PYTHONPATH"].split(os.pathsep)
                                   if Path(p).name != "subprocess_site")
    product_env = {**station_env, "PYTHONPATH": product_path}
    assert add("legal", product_env).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_source_kept_as_valid_is_checked_again_against_other_limits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.template_loader import TemplateInvalid

    source = read_template_source(SHIPPED)
    parse_template(source, "kept.yaml")
    monkeypatch.setattr(template_loader, "MAX_NODES", 10)
    with pytest.raises(TemplateInvalid, match="more than 10 values"):
        parse_template(source, "kept.yaml")
