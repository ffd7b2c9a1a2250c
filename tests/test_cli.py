"""The `kiosk` command as a user runs it: real subprocesses on a real database."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from shipped import shipped_template_ids, shipped_version
from tamper import tamper_as_file_owner

from kiosk.sample_cases import sample_photo_png
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station

KIOSK = [sys.executable, "-m", "kiosk.cli"]
PASSWORD = "s3cret-pass"


def kiosk(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=PROJECT_ROOT)


@pytest.fixture
def env(station_env: dict[str, str], station: Station) -> dict[str, str]:
    """A database with templates published and three officers."""
    for user, role in (("legal", "reviewer"), ("head", "approver"), ("duty", "officer")):
        assert kiosk(station_env, "user", "add", user, "--role", role,
                     stdin=PASSWORD + "\n").returncode == 0
    return station_env


def test_validate_reports_file_line_and_question(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    source = (PROJECT_ROOT / "templates/questions/minor-assault.yaml").read_text("utf-8")
    typo = "id: incident_place\n        requried: true"
    bad.write_text(source.replace("id: incident_place", typo, 1), "utf-8")
    result = kiosk({**_bare_env(tmp_path)}, "template", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr and "requried" in result.stderr
    assert "[question incident_place]" in result.stderr
    good = kiosk(_bare_env(tmp_path), "template", "validate",
                 *map(str, sorted((PROJECT_ROOT / "templates/questions").glob("*.yaml"))))
    assert good.returncode == 0, good.stderr
    assert good.stdout.count(": ok") == len(shipped_template_ids())


def _bare_env(tmp_path: Path) -> dict[str, str]:
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_DATA_DIR"] = str(tmp_path / "data")
    return env


@pytest.mark.parametrize("template_id", ["minor-assault", "petty-theft", "property-damage"])
def test_sample_submit_and_the_whole_review_chain(env: dict[str, str], tmp_path: Path,
                                                  template_id: str) -> None:
    sample = kiosk(env, "template", "sample", template_id)
    assert sample.returncode == 0, sample.stderr
    data = json.loads(sample.stdout)  # only JSON on standard output
    assert data["template"] == template_id and data["party"]["document"]["number"]
    answers = tmp_path / "answers.json"
    answers.write_text(sample.stdout, "utf-8")

    submitted = kiosk(env, "submit", str(answers))
    assert submitted.returncode == 0, submitted.stderr
    code = submitted.stdout.strip()
    assert len(code) == 27 and code.isdigit()

    first = kiosk(env, "review", code, "approve", "--as", "legal", stdin=PASSWORD + "\n")
    assert first.returncode == 0, first.stderr
    assert "next: approver" in first.stdout
    incomplete = kiosk(env, "review", code, "approve", "--as", "head", stdin=PASSWORD + "\n")
    assert incomplete.returncode == 1 and "decision" in incomplete.stderr
    propose = ("review", code, "propose", "--as", "head", "--penalty-type", "fine",
               "--amount", "200", "--basis", "51", "--circumstances", "如实陈述")
    alone = kiosk(env, *propose, stdin=PASSWORD + "\n")  # the party's word alone (Art. 111)
    assert alone.returncode == 1 and "Art. 111" in alone.stderr
    photo = tmp_path / "injury.png"
    photo.write_bytes(sample_photo_png())
    added = kiosk(env, "evidence", "add", code, str(photo), "--kind", "photo", "--as", "head",
                  stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    proposed = kiosk(env, *propose, stdin=PASSWORD + "\n")
    assert proposed.returncode == 0, proposed.stderr
    start_code = json.loads(kiosk(env, "case", "show", code, "--json").stdout)["start_code"]
    assert kiosk(env, "notice", start_code, "accept").returncode == 0  # PSAPL Art. 112
    final = kiosk(env, "review", code, "approve", "--as", "head", stdin=PASSWORD + "\n")
    assert final.returncode == 0, final.stderr

    shown = json.loads(kiosk(env, "case", "show", code, "--json").stdout)
    assert shown["status"] == "approved"
    assert shown["decision"]["amount"] == 200
    assert [a["action"] for a in shown["review"]].count("approved") == 2
    assert any(e["action"] == "case.submitted" for e in shown["audit"])
    # Printed by themselves (the file printer of a test station): the statement on submission,
    # the pre-penalty record and the decision on approval.
    printed = sorted(p.name for p in (Path(env["KIOSK_DATA_DIR"]) / "printed").glob("*.pdf"))
    assert len(printed) == 3, printed
    assert [name for name in printed if "decision" in name]
    assert shown["statement"] and all("question" in e for e in shown["statement"])
    assert kiosk(env, "audit", "verify").returncode == 0


def test_open_list_return_and_resubmit(env: dict[str, str], tmp_path: Path) -> None:
    opened = json.loads(kiosk(env, "case", "open", "--template", "petty-theft", "--name", "张三",
                              "--came", "brought", "--arrived", "2026-01-05T09:30",
                              "--json").stdout)
    assert len(opened["start_code"]) == 6
    listed = json.loads(kiosk(env, "case", "list", "--status", "opened", "--json").stdout)
    assert [c["code"] for c in listed] == [opened["code"]]
    assert listed[0]["arrival_mode"] == "brought"

    answers = tmp_path / "a.json"
    answers.write_text(kiosk(env, "template", "sample", "petty-theft").stdout, "utf-8")
    assert kiosk(env, "submit", str(answers), "--case", opened["code"]).returncode == 0
    returned = kiosk(env, "review", opened["code"], "return", "--as", "duty",
                     "--comment", "incident_place=请写具体位置", stdin=PASSWORD + "\n")
    assert returned.returncode == 0, returned.stderr
    assert "returned" in returned.stdout
    again = kiosk(env, "submit", str(answers), "--case", opened["code"])
    assert again.returncode == 0, again.stderr
    shown = json.loads(kiosk(env, "case", "show", opened["code"], "--json").stdout)
    assert shown["status"] == "submitted"


def test_a_case_is_marked_detention_possible_and_back_until_it_is_decided(
        env: dict[str, str]) -> None:
    opened = json.loads(kiosk(env, "case", "open", "--template", "minor-assault", "--name",
                              "张三", "--arrived", "2026-01-05T09:30", "--json").stdout)
    code = opened["code"]
    marked = kiosk(env, "case", "detention", code, "possible")
    assert marked.returncode == 0, marked.stderr
    assert marked.stdout == (f"{code}: detention possible; questioning until 2026-01-06 09:30 "
                             f"(24 h)\n")
    shown = kiosk(env, "case", "show", code)
    assert "questioning until 2026-01-06 09:30 (24 h; detention possible)" in shown.stdout
    back = json.loads(kiosk(env, "case", "detention", code, "not-possible", "--json").stdout)
    assert back["detention_possible"] is False and back["questioning_hours"] == 8
    assert json.loads(kiosk(env, "case", "show", code, "--json").stdout)[
        "detention_possible"] is False
    assert kiosk(env, "review", code, "convert", "--as", "duty", "--reason", "有异议",
                 stdin=PASSWORD + "\n").returncode == 0
    late = kiosk(env, "case", "detention", code, "possible")
    assert late.returncode == 1
    assert late.stderr == (f"error: case {code} is already decided (converted); whether "
                           f"detention is possible can no longer change\n")


def test_wrong_password_wrong_role_and_conflicts_exit_1(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(kiosk(env, "template", "sample", "minor-assault").stdout, "utf-8")
    code = kiosk(env, "submit", str(answers)).stdout.strip()
    wrong = kiosk(env, "review", code, "approve", "--as", "legal", stdin="wrong-password\n")
    assert wrong.returncode == 1 and "wrong user name or password" in wrong.stderr
    role = kiosk(env, "review", code, "approve", "--as", "head", stdin=PASSWORD + "\n")
    assert role.returncode == 1 and "reviewer" in role.stderr
    convert = kiosk(env, "review", code, "convert", "--as", "duty", "--reason", "有异议",
                    stdin=PASSWORD + "\n")
    assert convert.returncode == 0
    late = kiosk(env, "review", code, "approve", "--as", "legal", stdin=PASSWORD + "\n")
    assert late.returncode == 1 and "converted" in late.stderr


def test_invalid_answers_name_the_question_and_write_nothing(env: dict[str, str],
                                                             tmp_path: Path) -> None:
    data = json.loads(kiosk(env, "template", "sample", "property-damage").stdout)
    data["answers"]["incident_date"] = "2999-01-01"
    answers = tmp_path / "bad.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = kiosk(env, "submit", str(answers))
    assert result.returncode == 1
    assert "incident_date" in result.stderr
    assert json.loads(kiosk(env, "case", "list", "--json").stdout) == []
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    result = kiosk(env, "submit", str(broken))
    assert result.returncode == 1 and "not valid JSON" in result.stderr


def test_template_list_and_show_json(env: dict[str, str]) -> None:
    listed = json.loads(kiosk(env, "template", "list", "--json").stdout)
    assert {t["id"] for t in listed} == set(shipped_template_ids())
    assert {t["id"] for t in listed if t["role"] == "offender"} == {
        "minor-assault", "petty-theft", "property-damage"}
    assert all(t["versions"] == [shipped_version(t["id"])] and t["latest"] ==
               shipped_version(t["id"]) and t["title"]["zh"] for t in listed)
    shown = json.loads(kiosk(env, "template", "show", "petty-theft", "--json").stdout)
    assert shown["sections"][0]["id"] == "eligibility"


def test_users_are_listed_and_disabled(env: dict[str, str]) -> None:
    short = kiosk(env, "user", "add", "newbie", "--role", "officer", stdin="short\n")
    assert short.returncode == 1 and "8 characters" in short.stderr
    assert kiosk(env, "user", "disable", "duty").returncode == 0
    users = {u["username"]: u for u in json.loads(kiosk(env, "user", "list", "--json").stdout)}
    assert users["duty"]["disabled"] and not users["legal"]["disabled"]


def test_audit_verify_finds_a_removed_event(env: dict[str, str]) -> None:
    url = env["KIOSK_DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("edits the SQLite file directly; the PostgreSQL chain is tested in-process")
    assert kiosk(env, "audit", "verify").returncode == 0
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        tamper_as_file_owner(db)  # the evidence triggers refuse the program (0014)
        db.execute("DELETE FROM audit_events WHERE seq = 2")
    result = kiosk(env, "audit", "verify")
    assert result.returncode == 1 and "event 2" in result.stderr
