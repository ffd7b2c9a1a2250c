"""The `kiosk` command refuses in one line: bad input exits 1 with a message on standard error, an
unreachable database exits 2, and nothing prints a traceback (real subprocesses, real databases).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.audit import canonical_json
from kiosk.samples import sample_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.template_loader import load_template_file

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def kiosk(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=PROJECT_ROOT)


def refused(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The one message of a refusal (asserting the exit status and that it is not a crash)."""
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


def answers(station: Station, template_id: str = "minor-assault") -> dict[str, Any]:
    template = load_template_file(PROJECT_ROOT / f"templates/questions/{template_id}.yaml")
    return json.loads(canonical_json(sample_answers(template, "zh", today=station.today())))


def write(tmp_path: Path, data: dict[str, Any] | str) -> str:
    path = tmp_path / "answers.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
                    "utf-8")
    return str(path)


def no_cases(env: dict[str, str]) -> bool:
    listed = kiosk(env, "case", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout) == []


# -- the database cannot be reached ---------------------------------------------------------


def bare_env(tmp_path: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": url, "KIOSK_DATA_DIR": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config-home")})
    return env


COMMANDS = [("case", "list"), ("review", "0" * 27, "approve", "--as", "legal"),
            ("audit", "verify"), ("submit", "answers.json")]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("url", "place"), [
    # Nothing listens on port 1 of this machine: a PostgreSQL server that is down.
    ("postgresql+psycopg://kiosk:secret-pw@127.0.0.1:1/kiosk", "127.0.0.1:1"),
    ("postgresql+psycopg://kiosk:secret-pw@no-such-host.invalid/kiosk", "no-such-host.invalid"),
], ids=["postgresql-down", "postgresql-bad-host"])
def test_an_unreachable_postgresql_exits_2_naming_the_host(
        tmp_path: Path, command: tuple[str, ...], url: str, place: str) -> None:
    result = kiosk(bare_env(tmp_path, url), *command, stdin="password\n")
    message = refused(result, 2)
    assert message.startswith(f"error: cannot reach the database at {place}: ")
    assert message.count("\n") == 1 and "secret-pw" not in message


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_sqlite_file_that_cannot_be_opened_exits_2_naming_it(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "kiosk.db"
    folder.mkdir()  # a folder where the file should be
    message = refused(kiosk(bare_env(tmp_path, f"sqlite:///{folder}"), *command,
                            stdin="password\n"), 2)
    assert message == (f"error: cannot reach the database at {folder}: "
                       f"unable to open database file\n")


def test_an_sqlite_file_whose_folder_cannot_be_made_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file, not a folder", "utf-8")
    message = refused(kiosk(bare_env(tmp_path, f"sqlite:///{blocker}/kiosk.db"), "case",
                            "list"), 2)
    assert message.startswith(f"error: cannot reach the database at {blocker}/kiosk.db: "
                              f"cannot make the folder {blocker}")


# -- answers files ----------------------------------------------------------------------------


def test_an_incident_date_before_birth_is_refused_naming_the_answer(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    """PR Art. 41: the minor exclusion cannot be judged, so nothing is submitted."""
    data = answers(station)
    data["answers"]["incident_date"] = "1980-01-01"  # the sample party was born in 1990
    message = refused(kiosk(station_env, "submit", write(tmp_path, data)))
    assert message == ("error: incident_date: 这个日期早于出生日期，请检查日期。 / "
                       "This date is before the date of birth; please check the date.\n")
    assert no_cases(station_env)


@pytest.mark.parametrize(("where", "value", "words"), [
    (("party", "name"), "张\x00三", "'party.name' contains a NUL character (U+0000)"),
    (("party", "address"), "北京市\x00", "'party.address' contains a NUL character"),
    (("answers", "incident_place"), "路口\x1b[2J", "'answers.incident_place' contains a control "
                                                 "character (U+001B)"),
    (("party", "name"), "\ud800", "'party.name' contains a lone surrogate (U+D800)"),
])
def test_nul_and_control_characters_in_an_answers_file_are_refused_in_words(
        station: Station, station_env: dict[str, str], tmp_path: Path,
        where: tuple[str, str], value: str, words: str) -> None:
    """On PostgreSQL a NUL in the party's name used to crash the submission."""
    data = answers(station)
    data[where[0]][where[1]] = value
    text = json.dumps(data, ensure_ascii=True)  # "\u0000" and "\ud800" as JSON escapes
    message = refused(kiosk(station_env, "submit", write(tmp_path, text)))
    assert words in message and message.count("\n") == 1
    assert no_cases(station_env)


@pytest.mark.parametrize(("count", "words"), [
    ("1e400", "请输入一个数字。 / Please enter a number."),
    ("9" * 400, "这个数字太大，请检查。 / This number is too large; please check it."),
])
def test_an_absurd_count_is_refused_naming_the_question(
        station: Station, station_env: dict[str, str], tmp_path: Path, count: str,
        words: str) -> None:
    data = answers(station, "petty-theft")
    data["answers"]["items_count"] = "COUNT"
    text = json.dumps(data, ensure_ascii=False).replace('"COUNT"', count)
    message = refused(kiosk(station_env, "submit", write(tmp_path, text)))
    assert message == f"error: items_count: {words}\n"
    assert no_cases(station_env)


def test_a_refused_identity_names_the_field(station: Station, station_env: dict[str, str],
                                            tmp_path: Path) -> None:
    data = answers(station)
    data["party"]["document"]["number"] = "110105199005171234"  # a wrong check character
    message = refused(kiosk(station_env, "submit", write(tmp_path, data)))
    assert message.startswith("error: party.document: ") and message.count("\n") == 1
    assert no_cases(station_env)


# -- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), [
    (("template", "show", "minor-assault", "--version", "9" * 30),
     "argument --version: 999999999999999999999... is out of range (at most 2147483647)"),
    (("template", "export", "minor-assault", "--version", "1e400"),
     "argument --version: '1e400' is not a whole number"),
    (("review", "0" * 27, "approve", "--as", "head", "--amount", "99999999999"),
     "argument --amount: 99999999999 is out of range"),
    (("case", "open", "--template", "minor-assault", "--name", "张\x07三"),
     "error: --name contains a control character (U+0007); remove it"),
    (("case", "open", "--template", "minor-assault", "--name", "张三", "--arrived",
      "0001-01-01T00:00"), "error: --arrived '0001-01-01T00:00' is out of range"),
    (("review", "0" * 27, "convert", "--as", "duty", "--reason", "\x1b[31m有异议"),
     "error: --reason contains a control character (U+001B)"),
    (("no-such-command",), "invalid choice: 'no-such-command'"),
    (("template", "export", "minor-assault", "-o", "/no-such-folder/t.yaml"),
     "error: /no-such-folder/t.yaml: No such file or directory"),
])
def test_bad_arguments_are_refused_in_one_line_and_exit_1(
        station: Station, station_env: dict[str, str], args: tuple[str, ...],
        words: str) -> None:
    message = refused(kiosk(station_env, *args, stdin="password\n"))
    assert words in message
    assert no_cases(station_env)


# -- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("nesting", ["[" * 50_000 + "]" * 50_000,
                                     "{a: " * 50_000 + "}" * 50_000])
def test_a_template_nested_50000_deep_is_refused_in_words(tmp_path: Path, nesting: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(f"id: deep\nversion: 1\nsections: {nesting}\n", "utf-8")
    message = refused(kiosk(bare_env(tmp_path, f"sqlite:///{tmp_path / 'k.db'}"), "template",
                            "validate", str(path)))
    assert f"{path}: not valid YAML: lists or mappings are nested too deeply" in message
