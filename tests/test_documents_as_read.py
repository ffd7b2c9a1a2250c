"""The printed documents as a reviewing officer and a court read them: station dates, the
statement's closing lines, the decision not to penalise, a converted case's evidence. Every
document is a real PDF read back with pdftotext."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update
from tamper import tamper_as_file_owner

from kiosk.cases import find_case
from kiosk.hooks import APPROVED
from kiosk.models import Case, Document, Signature
from kiosk.party import PartySession
from kiosk.review import Decision, approve_level
from kiosk.sample_cases import (
    decide_after_notice,
    open_sample_case,
    sign_sample,
    walk_sample_party,
)
from kiosk.states import CaseStatus
from kiosk.station import Station
from kiosk.users import add_user
from printer.decision import DECISION, PRE_PENALTY
from printer.documents import export_documents

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FINE = Decision("fine", "51", "如实陈述，取得谅解", amount=300)
NO_PENALTY = Decision("no_penalty", "《行政处罚法》第三十三条",
                      "情节轻微并及时纠正，没有造成危害后果")


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """The text without line breaks and spaces: a CJK line wraps anywhere."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def signed(station: Station, *, language: str = "zh", read_aloud: bool = False,
           nothing_to_add: bool = False, arrived_at: datetime | None = None) -> str:
    """A case the party answered and signed at the kiosk; the statement read aloud to them on
    the review screen when `read_aloud`, "anything to add" left empty when `nothing_to_add`."""
    name = "Zhang San" if language == "en" else "张三"
    case = open_sample_case(station, language=language, arrived_at=arrived_at, name=name)
    party = walk_sample_party(station, case.start_code, language=language)
    if nothing_to_add:
        party.answer("anything_to_add", "")
    if read_aloud:
        party.statement_read_aloud()
    sign_sample(party)
    return case.code


def approve(station: Station, code: str, decision: Decision,
            decided_at: datetime | None = None) -> None:
    """Both review levels approve; `decided_at` moves the decision to that moment (UTC)."""
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), legal, station.settings)
    decide_after_notice(station, code, head, decision)
    if decided_at is not None:
        with station.database.session() as session:
            # A decided case and its documents never change (migration 0014): lifted here.
            tamper_as_file_owner(session)
            case = find_case(session, code)
            session.execute(update(Case).where(Case.id == case.id)
                            .values(decided_at=decided_at))
            # Rendered by a print hook at approval, if any: made again from the moved moment.
            session.execute(delete(Document).where(Document.case_id == case.id,
                                                   Document.kind.in_((DECISION, PRE_PENALTY))))


def exported(station: Station, code: str, out: Path) -> tuple[dict[str, Path], list[str]]:
    written, pending = export_documents(station, code, out)
    return {p.name.removeprefix(code + "-").removesuffix(".pdf"): p for p in written}, pending


# -- dates on the station's calendar --------------------------------------------------------


@pytest.mark.parametrize(("decided_utc", "day"), [
    (datetime(2026, 12, 7, 16, 30, tzinfo=UTC), "2026年12月8日"),   # 00:30 in Beijing
    (datetime(2026, 12, 7, 15, 59, tzinfo=UTC), "2026年12月7日"),   # 23:59 in Beijing
    (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), "2026年12月8日"),    # 00:00 in Beijing
])
def test_a_decision_is_dated_by_the_station_calendar_not_by_utc(
        station: Station, tmp_path: Path, decided_utc: datetime, day: str) -> None:
    assert station.settings.timezone == "Asia/Shanghai"
    code = signed(station)
    approve(station, code, FINE, decided_at=decided_utc)
    files, _ = exported(station, code, tmp_path)
    text = flat(text_of(files[DECISION]))
    # The date under the seal (the evidence list above it carries the day each item was added).
    assert text.split("（印章）", 1)[1].startswith(day)


def test_dates_on_a_document_have_no_leading_zeros(station: Station, tmp_path: Path) -> None:
    code = signed(station)
    approve(station, code, FINE, decided_at=datetime(2026, 3, 4, 16, 30, tzinfo=UTC))
    files, _ = exported(station, code, tmp_path)
    text = flat(text_of(files[DECISION]))
    assert "2026年3月5日" in text and "2026年03月05日" not in text


def test_an_english_decision_writes_the_day_before_the_month(station: Station,
                                                              tmp_path: Path) -> None:
    code = signed(station, language="en")
    approve(station, code, FINE, decided_at=datetime(2026, 12, 7, 16, 30, tzinfo=UTC))
    files, _ = exported(station, code, tmp_path)
    assert "8 December 2026" in text_of(files[DECISION])


def test_the_statement_shows_arrival_and_departure_on_the_station_clock(
        station: Station, tmp_path: Path) -> None:
    # The last 16:30 UTC is 00:30 in Beijing: the UTC date is the day before the station's.
    now = datetime.now(UTC)
    arrived = now.replace(hour=16, minute=30, second=0, microsecond=0)
    if arrived > now:
        arrived -= timedelta(days=1)
    station_day = arrived + timedelta(hours=8)
    code = signed(station, arrived_at=arrived)
    files, _ = exported(station, code, tmp_path)
    text = flat(text_of(files["statement"], 1))
    assert f"到达时间：{station_day.year}年{station_day.month}月{station_day.day}日0时30分" in text
    with station.database.session(readonly=True) as session:
        signed_at = session.execute(select(Signature.signed_at)).scalar_one()
    left = signed_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (f"离开时间：{left.year}年{left.month}月{left.day}日{left.hour}时{left.minute:02d}分"
            in text)


def test_a_statement_submitted_from_an_answers_file_is_whole_and_says_when_it_ended(
        station: Station, tmp_path: Path) -> None:
    """No on-screen signature there: the party left when the statement was submitted."""
    from kiosk.answers_file import parse_answers_file, submit_answers
    from kiosk.audit import canonical_json
    from kiosk.samples import sample_answers
    from kiosk.template_store import get_version, template_of
    with station.database.session() as session:
        template = template_of(get_version(session, "minor-assault"))
    case = submit_answers(station, parse_answers_file(canonical_json(
        sample_answers(template, "zh", today=station.today()))))
    files, _ = exported(station, case.code, tmp_path)
    text = flat(text_of(files["statement"]))
    assert "不完整" not in text and "以上笔录我看过，和我说的相符。" in text
    ended = case.interview_ended_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"离开时间：{ended.year}年{ended.month}月{ended.day}日{ended.hour}时" in text


# -- the statement's closing lines ----------------------------------------------------------


def test_the_statement_ends_with_blank_below_after_the_last_answer(station: Station,
                                                                   tmp_path: Path) -> None:
    files, _ = exported(station, signed(station), tmp_path)
    text = flat(text_of(files["statement"]))
    last_answer = text.rindex("答：")
    assert text.index("（以下空白）") > last_answer
    assert text.count("（以下空白）") == 1


def test_nothing_to_add_is_printed_as_none(station: Station, tmp_path: Path) -> None:
    files, _ = exported(station, signed(station, nothing_to_add=True), tmp_path)
    text = flat(text_of(files["statement"]))
    assert "问：你还有什么要补充的吗？答：无" in text


def test_the_party_who_read_the_statement_says_only_that_they_read_it(
        station: Station, tmp_path: Path) -> None:
    files, _ = exported(station, signed(station), tmp_path)
    text = flat(text_of(files["statement"]))
    assert "以上笔录我看过，和我说的相符。" in text
    assert "宣读" not in text


def test_a_statement_read_aloud_to_the_party_says_so(station: Station, tmp_path: Path) -> None:
    files, _ = exported(station, signed(station, read_aloud=True), tmp_path)
    text = flat(text_of(files["statement"]))
    assert "以上笔录向我宣读过，和我说的相符。" in text
    assert "我看过" not in text


def test_reading_aloud_does_not_cover_an_answer_changed_afterwards(station: Station,
                                                                   tmp_path: Path) -> None:
    case = open_sample_case(station)
    party = walk_sample_party(station, case.start_code)
    party.statement_read_aloud()
    party.answer("anything_to_add", "我还想说，我已经道歉了。")
    sign_sample(party)
    files, _ = exported(station, case.code, tmp_path)
    text = flat(text_of(files["statement"]))
    assert "我看过" in text and "宣读过，和我说的相符" not in text


def test_a_question_is_never_split_from_its_answer(station: Station, tmp_path: Path) -> None:
    files, _ = exported(station, signed(station), tmp_path)
    pdf = files["statement"]
    pages = page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        body = [line.strip() for line in text_of(pdf, page).splitlines() if line.strip()]
        questions = [i for i, line in enumerate(body) if line.startswith("问：")]
        answers = [i for i, line in enumerate(body) if line.startswith("答：")]
        if questions:
            # The page's last question has its answer on the same page.
            assert any(a > questions[-1] for a in answers), (page, body[questions[-1]:])
        if page > 1:
            # A page does not open with an answer, nor with one lone line of one.
            first_question = questions[0] if questions else len(body)
            opening = [line for line in body[:first_question]
                       if not line.startswith(("第", "被询问人", "签名", "案件编号"))]
            assert not any(line.startswith("答：") for line in opening), (page, opening)
            assert len(opening) != 1, (page, opening)


def test_reading_aloud_is_refused_once_the_party_has_signed(station: Station) -> None:
    from kiosk.cases import CaseError
    case = open_sample_case(station)
    party = walk_sample_party(station, case.start_code)
    sign_sample(party)
    with pytest.raises(CaseError):
        PartySession(station, case.id).statement_read_aloud()


# -- the decision not to penalise -----------------------------------------------------------


def test_no_penalty_makes_no_pre_penalty_record_and_has_its_own_labels(
        station: Station, tmp_path: Path) -> None:
    code = signed(station)
    approve(station, code, NO_PENALTY)
    files, pending = exported(station, code, tmp_path)
    assert pending == []
    assert PRE_PENALTY not in files
    text = flat(text_of(files[DECISION]))
    assert text.startswith("不予行政处罚决定书")
    assert "当事人：" in text and "不予处罚的理由：" in text and "当事人签收" in text
    assert "当事人签名（捺指印）" in text
    assert "违法行为人" not in text and "被处罚人" not in text and "被告知人" not in text


def test_a_penalty_still_makes_the_pre_penalty_record(station: Station, tmp_path: Path) -> None:
    code = signed(station)
    approve(station, code, FINE)
    files, pending = exported(station, code, tmp_path)
    assert pending == [] and PRE_PENALTY in files
    text = flat(text_of(files[PRE_PENALTY]))
    assert "行政处罚告知笔录" in text and "处罚款人民币300元" in text


@pytest.mark.parametrize(("decision", "printed"), [
    (NO_PENALTY, [DECISION]), (FINE, [PRE_PENALTY, DECISION])])
def test_approval_prints_the_pre_penalty_record_only_for_a_penalty(
        station: Station, decision: Decision, printed: list[str]) -> None:
    from printer.hooks import on_case_event
    from printer.queue import job_views
    code = signed(station)
    approve(station, code, decision)
    station.settings = replace(station.settings, print_on_approval=True)
    on_case_event(station, APPROVED, code)  # as the console does after approving
    with station.database.session(readonly=True) as session:
        jobs = job_views(session)
    assert sorted(job.kind for job in jobs) == sorted(printed)
    assert all(job.status == "printed" for job in jobs)


# -- a case converted to the ordinary procedure ---------------------------------------------


def test_a_converted_case_exports_the_evidence_it_has_and_nothing_pending(
        station: Station, tmp_path: Path) -> None:
    case = open_sample_case(station)
    party = walk_sample_party(station, case.start_code, questions=0)
    state = party.answer("admits_facts", False)
    assert state.status == CaseStatus.CONVERTED
    files, pending = exported(station, case.code, tmp_path)
    assert sorted(files) == ["fast-track-notice", "rights-notice", "statement"]
    assert pending == []
    text = flat(text_of(files["statement"]))
    assert "本笔录不完整，案件已转为普通程序办理：" in text
    assert "当事人不承认违法事实或者不愿意接受处罚" in text
    assert "procedure" not in text  # the reason in the statement's language only
    assert "答：我不承认。" in text
    assert "我看过" not in text and "宣读" not in text


def test_a_party_who_declines_the_fast_track_leaves_only_the_rights_notice(
        station: Station, tmp_path: Path) -> None:
    case = open_sample_case(station)
    party = PartySession.resume(station, case.start_code)
    party.choose_language("zh")
    party.acknowledge_terms()
    party.acknowledge_rights()
    assert party.consent(False).status == CaseStatus.CONVERTED
    files, pending = exported(station, case.code, tmp_path)
    assert sorted(files) == ["rights-notice"] and pending == []


def test_kiosk_documents_on_a_converted_case_writes_its_evidence_and_no_pending(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    import sys

    from kiosk.settings import PROJECT_ROOT
    case = open_sample_case(station)
    walk_sample_party(station, case.start_code, questions=0).answer("admits_facts", False)
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "documents", case.code, "--out",
                             str(tmp_path / "out")], env=station_env, capture_output=True,
                            text=True, timeout=120, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert "pending" not in result.stdout
    assert sorted(Path(line).name.removeprefix(case.code + "-")
                  for line in result.stdout.splitlines()) == [
        "fast-track-notice.pdf", "rights-notice.pdf", "statement.pdf"]
