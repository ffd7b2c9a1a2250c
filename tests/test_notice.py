"""Notice and argument before the decision (PSAPL Art. 112; PR Art. 46), on both databases:
the last level proposes, the party is called back with the same start code and answers, an
officer answers any argument, and only then is the penalty decided, never more heavily."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk import penalty_notice
from kiosk.audit import case_events
from kiosk.cases import find_case
from kiosk.models import PenaltyNotice, User
from kiosk.party import NOTICE, WAITING, PartySession
from kiosk.review import Decision, ReviewError, approve_level
from kiosk.sample_cases import (
    add_sample_evidence,
    answer_sample_notice,
    decide_after_notice,
    submitted_sample_case,
)
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station
from kiosk.users import add_user

FINE = Decision("fine", "51", "如实陈述，取得谅解", amount=300)
PASSWORD = "s3cret-pass"


def at_last_level(station: Station) -> tuple[str, User]:
    """A submitted case whose first level is approved; its code and the last level's officer."""
    code = submitted_sample_case(station).code
    with station.database.session() as session:
        legal = add_user(session, "legal", PASSWORD, ["reviewer"], actor="test")
        head = add_user(session, "head", PASSWORD, ["approver"], actor="test",
                        display_name="李所长")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), legal, station.settings)
    add_sample_evidence(station, code, "legal")  # more than the statement (Art. 111)
    return code, head


def propose(station: Station, code: str, head: User, decision: Decision = FINE) -> None:
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, code), head, station.settings,
                               decision)


def approve(station: Station, code: str, head: User, decision: Decision | None = None) -> dict:
    with station.database.session() as session:
        case = approve_level(session, find_case(session, code), head, station.settings,
                             decision=decision)
        return dict(case.decision or {})


def refusal(station: Station, code: str, head: User,
            decision: Decision | None = None) -> ReviewError:
    with pytest.raises(ReviewError) as caught:
        approve(station, code, head, decision)
    return caught.value


def case_id_of(station: Station, code: str) -> str:
    with station.database.session(readonly=True) as session:
        return find_case(session, code).id


def test_the_notice_comes_before_the_decision_in_the_audit_order(station: Station) -> None:
    code, head = at_last_level(station)
    decided = decide_after_notice(station, code, head, FINE)
    assert decided.status == "approved" and decided.decision["amount"] == 300
    with station.database.session(readonly=True) as session:
        actions = [e.action for e in case_events(session, decided.id)]
        notice = session.query(PenaltyNotice).one()
    assert actions.count("review.approved") == 2  # both levels: the last one decides
    decided_at = len(actions) - 1 - actions[::-1].index("review.approved")
    told = [actions.index(a) for a in ("review.proposed", "notice.shown", "notice.accepted")]
    assert told == sorted(told) and told[-1] < decided_at
    # What the record of the notice prints: where, by whom, what was said, the answer, signed.
    assert notice.place == station.settings.station_name
    assert notice.proposed_by == "head" and notice.proposed_by_name == "李所长"
    assert notice.rights == ["statement", "argument"]
    assert notice.proposal["basis"] == "《中华人民共和国治安管理处罚法》第五十一条"
    assert notice.answer == "accepted" and notice.signature_png.startswith(b"\x89PNG")
    assert notice.closed == "decided"


def test_an_unanswered_notice_blocks_the_decision(station: Station) -> None:
    code, head = at_last_level(station)
    propose(station, code, head)
    assert refusal(station, code, head).reason == "notice_unanswered"
    with station.database.session(readonly=True) as session:
        assert find_case(session, code).status == "in_review"


def test_an_argument_blocks_the_decision_until_an_officer_answers_it(station: Station) -> None:
    code, head = at_last_level(station)
    propose(station, code, head)
    answer_sample_notice(station, case_id_of(station, code), argument="我已经赔偿了，罚得太重")
    refused = refusal(station, code, head)
    assert refused.reason == "argument_unanswered" and refused.values["article"] == 112
    with station.database.session() as session, pytest.raises(ReviewError) as empty:
        penalty_notice.answer_argument(session, find_case(session, code), head,
                                       station.settings, "  ")
    assert empty.value.reason == "reply_empty"
    with station.database.session() as session:
        penalty_notice.answer_argument(session, find_case(session, code), head,
                                       station.settings, "赔偿已考虑，维持拟处罚")
    assert approve(station, code, head)["amount"] == 300
    with station.database.session(readonly=True) as session:
        notice = session.query(PenaltyNotice).one()
        events = [e for e in case_events(session, notice.case_id) if e.action.startswith(
            ("notice.", "review.replied"))]
    assert notice.argument == {"grounds": ["penalty"], "text": "我已经赔偿了，罚得太重"}
    assert notice.reply == "赔偿已考虑，维持拟处罚" and notice.replied_by == "head"
    assert [e.action for e in events] == ["notice.shown", "notice.argued",
                                          "review.replied"]


def test_a_penalty_is_not_decided_without_a_proposal(station: Station) -> None:
    code, head = at_last_level(station)
    refused = refusal(station, code, head, FINE)
    assert refused.reason == "no_proposal"
    assert refusal(station, code, head).reason == "decision_missing"


@pytest.mark.parametrize(("heavier", "why"), [
    (Decision("fine", "51", "c", amount=301), "a larger fine"),
    (Decision("detention", "51", "c", days=2), "detention instead of a fine"),
    (Decision("detention_and_fine", "51", "殴打他人，一般情节", amount=500, days=6), "both"),
])
def test_the_penalty_is_never_raised_after_the_proposal(station: Station, heavier: Decision,
                                                        why: str) -> None:
    code, head = at_last_level(station)
    propose(station, code, head)
    answer_sample_notice(station, case_id_of(station, code))
    refused = refusal(station, code, head, heavier)
    assert refused.reason == "penalty_raised" and "Art. 112" in str(refused), why
    with pytest.raises(ReviewError) as again:  # nor by proposing again
        propose(station, code, head, heavier)
    assert again.value.reason == "penalty_raised"
    lighter = approve(station, code, head, Decision("fine", "51", "取得谅解", amount=200))
    assert lighter["amount"] == 200 and lighter["circumstances"] == "取得谅解"


def test_a_lighter_proposal_replaces_the_first_and_is_told_again(station: Station) -> None:
    code, head = at_last_level(station)
    propose(station, code, head)
    answer_sample_notice(station, case_id_of(station, code))
    propose(station, code, head, Decision("fine", "51", "取得谅解", amount=100))
    assert refusal(station, code, head).reason == "notice_unanswered"
    answer_sample_notice(station, case_id_of(station, code))
    assert approve(station, code, head)["amount"] == 100
    with station.database.session(readonly=True) as session:
        closed = [n.closed for n in session.query(PenaltyNotice).order_by(PenaltyNotice.id)]
    assert closed == ["superseded", "decided"]


def test_no_penalty_needs_no_notice(station: Station) -> None:
    code, head = at_last_level(station)
    no_penalty = Decision("no_penalty", "《行政处罚法》第三十三条", "情节轻微并及时改正")
    with pytest.raises(ReviewError) as proposed:
        propose(station, code, head, no_penalty)
    assert proposed.value.reason == "no_notice_for_no_penalty"
    assert approve(station, code, head, no_penalty)["penalty_type"] == "no_penalty"
    with station.database.session(readonly=True) as session:
        assert session.query(PenaltyNotice).count() == 0


def test_the_start_code_opens_the_notice_again_for_the_callback(station: Station) -> None:
    code, head = at_last_level(station)
    with station.database.session(readonly=True) as session:
        start_code = find_case(session, code).start_code
    assert PartySession.resume(station, start_code).state().position == WAITING
    propose(station, code, head)
    party = PartySession.resume(station, start_code)
    state = party.state()
    assert state.position == NOTICE
    assert state.penalty_notice is not None
    assert state.penalty_notice["proposal"]["amount"] == 300
    assert state.penalty_notice["rights"] == ["statement", "argument"]
    with pytest.raises(ReviewError) as empty:
        party.answer_notice(False)
    assert empty.value.reason == "argument_empty"
    assert party.answer_notice(True).position == WAITING  # back to waiting for the decision
    with pytest.raises(ReviewError) as twice:
        party.answer_notice(True)
    assert twice.value.reason == "notice_answered"


def test_a_proposal_outside_the_law_is_refused_naming_the_article_and_range(
        station: Station) -> None:
    code, head = at_last_level(station)
    with pytest.raises(ReviewError) as caught:
        propose(station, code, head, Decision("fine", "51", "c", amount=1001))
    assert caught.value.reason == "penalty_out_of_range"
    assert "Art. 51" in str(caught.value) and "1000" in str(caught.value).replace(",", "")
    with station.database.session(readonly=True) as session:
        assert session.query(PenaltyNotice).count() == 0


def test_only_the_last_level_proposes(station: Station) -> None:
    code = submitted_sample_case(station).code
    with station.database.session() as session:
        legal = add_user(session, "legal", PASSWORD, ["reviewer"], actor="test")
    with pytest.raises(ReviewError) as caught:
        propose(station, code, legal)
    assert caught.value.reason == "decision_too_early"


def kiosk(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)


def test_the_command_line_proposes_hears_the_argument_and_decides(
        station: Station, station_env: dict[str, str]) -> None:
    code, _ = at_last_level(station)
    start_code = json.loads(kiosk(station_env, "case", "show", code, "--json").stdout)[
        "start_code"]
    officer = ("--as", "head")
    too_high = kiosk(station_env, "review", code, "propose", *officer, "--penalty-type", "fine",
                     "--amount", "1500", "--basis", "51", "--circumstances", "如实陈述",
                     stdin=PASSWORD + "\n")
    assert too_high.returncode == 1 and "Art. 51" in too_high.stderr
    assert len(too_high.stderr.strip().splitlines()) == 1
    proposed = kiosk(station_env, "review", code, "propose", *officer, "--penalty-type", "fine",
                     "--amount", "300", "--basis", "51", "--circumstances", "如实陈述",
                     stdin=PASSWORD + "\n")
    assert proposed.returncode == 0, proposed.stderr
    assert start_code in proposed.stdout
    shown = json.loads(kiosk(station_env, "case", "show", code, "--json").stdout)
    assert shown["start_code"] == start_code
    assert shown["notice"]["step"] == "awaiting_party"
    early = kiosk(station_env, "review", code, "approve", *officer, stdin=PASSWORD + "\n")
    assert early.returncode == 1 and "not yet answered the notice" in early.stderr
    argued = kiosk(station_env, "notice", start_code, "argue", "--text", "我已赔偿")
    assert argued.returncode == 0, argued.stderr
    blocked = kiosk(station_env, "review", code, "approve", *officer, stdin=PASSWORD + "\n")
    assert blocked.returncode == 1 and "argument must be answered" in blocked.stderr
    assert len(blocked.stderr.strip().splitlines()) == 1
    answered = kiosk(station_env, "review", code, "answer-argument", *officer,
                     "--text", "已考虑赔偿情节", stdin=PASSWORD + "\n")
    assert answered.returncode == 0, answered.stderr
    decided = kiosk(station_env, "review", code, "approve", *officer, stdin=PASSWORD + "\n")
    assert decided.returncode == 0, decided.stderr
    shown = json.loads(kiosk(station_env, "case", "show", code, "--json").stdout)
    assert shown["status"] == "approved" and shown["decision"]["amount"] == 300
    assert shown["notice"]["argument"]["text"] == "我已赔偿"
    assert shown["notice"]["reply"] == "已考虑赔偿情节"
    late = kiosk(station_env, "notice", start_code, "accept")
    assert late.returncode == 1 and late.stderr.startswith("error:")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")


def test_the_notice_record_prints_what_was_said_and_answered(station: Station,
                                                            tmp_path: Path) -> None:
    from printer.documents import export_documents

    code, head = at_last_level(station)
    propose(station, code, head)
    assert not any(p.name.endswith("-pre-penalty-notice.pdf")
                   for p in export_documents(station, code, tmp_path / "before")[0])
    answer_sample_notice(station, case_id_of(station, code), argument="我已经赔偿了对方")
    with station.database.session() as session:
        penalty_notice.answer_argument(session, find_case(session, code), head,
                                       station.settings, "赔偿情节已考虑")
    # Lowered at the decision: the record still says what the party was told.
    approve(station, code, head, Decision("fine", "51", "取得谅解", amount=200))
    written, _ = export_documents(station, code, tmp_path / "after")
    text = pdf_text(next(p for p in written if p.name.endswith("-pre-penalty-notice.pdf")))
    with station.database.session(readonly=True) as session:
        told = session.query(PenaltyNotice).one().shown_at
    local = told.astimezone(ZoneInfo(station.settings.timezone))  # station time, not UTC
    for item in ("行政处罚告知笔录", "告知时间", f"{local.year}年{local.month}月{local.day}日",
                 f"{local.hour}时{local.minute:02d}分", "告知地点",
                 station.settings.station_name, "告知人", "李所长",
                 "处罚款人民币300元", "第五十一条", "违法事实和理由：如实陈述，取得谅解",
                 "你有权陈述和申辩", "我提出陈述和申辩", "认为处罚过重", "我已经赔偿了对方",
                 "赔偿情节已考虑", "被告知人电子签名"):
        assert item in text, item


def test_a_decision_not_to_penalise_has_no_notice_record(station: Station,
                                                        tmp_path: Path) -> None:
    from printer.documents import export_documents

    code, head = at_last_level(station)
    approve(station, code, head, Decision("no_penalty", "《行政处罚法》第三十三条", "情节轻微"))
    written, pending = export_documents(station, code, tmp_path)
    assert not any("pre-penalty" in p.name for p in written)
    assert "pre-penalty-notice" not in pending


def test_the_notice_table_migrates_with_existing_cases(database_url: str) -> None:
    """0008 -> 0009_notice on SQLite and PostgreSQL: the notices' table appears with what the
    record of a notice needs."""
    from sqlalchemy import inspect

    from kiosk.db import Database
    from kiosk.migrations import current_revision, upgrade_database

    database = Database(database_url)
    try:
        upgrade_database(database, "0009")
        assert "penalty_notices" not in inspect(database.engine).get_table_names()
        upgrade_database(database, "0009_notice")
        assert current_revision(database) == "0009_notice"
        columns = {c["name"] for c in inspect(database.engine).get_columns("penalty_notices")}
        assert {"proposal", "place", "answer", "argument", "reply", "closed"} <= columns
    finally:
        database.dispose()
