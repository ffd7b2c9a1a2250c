"""Deciding under the law in force, on both databases: the ranges, combined penalties, who
decides (Art. 109), detention not executed (Art. 23), and the printed decision read back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kiosk.cases import find_case
from kiosk.models import User
from kiosk.review import Decision, ReviewError, approve_level
from kiosk.sample_cases import decide_after_notice, submitted_sample_case
from kiosk.station import Station
from kiosk.users import add_user
from printer.documents import export_documents

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def reviewed(station: Station, template_id: str = "minor-assault") -> tuple[str, User]:
    """A submitted case whose first level is approved; returns its code and the approver."""
    code = submitted_sample_case(station, template_id).code
    with station.database.session() as session:
        legal = add_user(session, "legal", "password-1", ["reviewer"], actor="test")
        head = add_user(session, "head", "password-2", ["approver"], actor="test")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), legal, station.settings)
    return code, head


def decide(station: Station, code: str, head: User, decision: Decision) -> dict:
    """Proposed, the notice accepted by the party, and decided (PSAPL Art. 112)."""
    return dict(decide_after_notice(station, code, head, decision).decision or {})


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")


def test_detention_and_a_fine_are_decided_together_and_printed(
        station: Station, tmp_path: Path) -> None:
    code, head = reviewed(station)
    decided = decide(station, code, head, Decision("detention_and_fine", "51", "殴打他人，一般情节",
                                                   amount=500, days=6))
    assert decided["tier"] == "ordinary" and decided["article"] == 51
    assert decided["authority"] == "county"  # Art. 109: detention is the county organ's
    assert decided["basis"] == "《中华人民共和国治安管理处罚法》第五十一条"
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    assert "处行政拘留6日，并处罚款人民币500元" in text
    assert "十五日内" in text  # the fine's payment paragraph is there too
    assert "被处罚人签名" in text and "被告知人" not in text  # the decision's own signature box
    # Art. 109: issued in the name of the county-level organ, not the station's.
    assert station.settings.county_organ_name in text
    assert station.settings.station_name not in text


def test_the_decision_holds_every_item_of_article_115(station: Station, tmp_path: Path) -> None:
    """Name, sex, age, ID type and number, address; facts; kind and basis with the article;
    execution (where to pay, within 15 days, the 3 % surcharge); remedies naming the body and
    the court with their deadlines; organ and date (read back with pdftotext)."""
    code, head = reviewed(station)
    decide(station, code, head, Decision("fine", "51", "如实陈述，取得谅解", amount=300))
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    settings = station.settings
    for item in ("张三", "男", "岁", "居民身份证", "北京市朝阳区",   # the party
                 "现查明", "《中华人民共和国治安管理处罚法》第五十一条", "处罚款人民币300元",
                 "十五日内", settings.fine_payment_place, "百分之三", "不超过罚款本数",
                 settings.reconsideration_body, "六十日内", settings.court_name, "六个月内",
                 settings.station_name, "年", "月", "日"):
        assert item in text, item


@pytest.mark.parametrize(("amount", "allowed"), [(999, True), (1000, True), (1001, False)])
def test_a_fine_for_assault_is_bounded_by_article_51(
        station: Station, amount: int, allowed: bool) -> None:
    code, head = reviewed(station)
    decision = Decision("fine", "51", "如实陈述", amount=amount)
    if allowed:
        assert decide(station, code, head, decision)["authority"] == "station"
        return  # (the station's own name on such a decision: test_printer's approval test)
    with pytest.raises(ReviewError) as refused:
        decide(station, code, head, decision)
    assert refused.value.reason == "penalty_out_of_range"
    assert "Art. 51" in str(refused.value)
    with station.database.session(readonly=True) as session:
        assert find_case(session, code).status == "in_review"  # nothing written


def test_a_1200_yuan_fine_for_theft_goes_to_the_county_organ(station: Station) -> None:
    code, head = reviewed(station, "petty-theft")
    decided = decide(station, code, head, Decision("fine", "58", "如实陈述", amount=1200))
    assert decided["authority"] == "county" and decided["article"] == 58


def test_detention_of_a_party_aged_70_is_decided_but_not_executed(
        station: Station, tmp_path: Path) -> None:
    code, head = reviewed(station)
    with station.database.session() as session:
        case = find_case(session, code)
        case.party = {**case.party, "birth_date": "1950-01-01"}  # 76 in 2026
    decided = decide(station, code, head, Decision("detention", "51", "情节较轻", days=3))
    assert decided["not_executed"] == "age_70"
    written, _ = export_documents(station, code, tmp_path)
    text = pdf_text(next(p for p in written if p.name.endswith("-decision.pdf")))
    assert "处行政拘留3日" in text and "第二十三条，行政拘留不执行" in text


def test_a_warning_with_a_mitigation_ground_cites_article_20_as_well(station: Station) -> None:
    code, head = reviewed(station)
    decided = decide(station, code, head, Decision("warning", "51,20", "主动赔偿并取得谅解",
                                                   mitigation=("harm_removed_forgiven",)))
    assert decided["reduced"] is True
    assert decided["basis"] == ("《中华人民共和国治安管理处罚法》第五十一条，"
                                "《中华人民共和国治安管理处罚法》第二十条")


@pytest.mark.parametrize("basis", [
    "《中华人民共和国治安管理处罚法》第五十一条", "《治安管理处罚法》第51条",
    "Public Security Administration Punishments Law of the People's Republic of China, Article 51",
    "PSAPL Art. 51"])
def test_the_article_may_be_cited_in_either_language(station: Station, basis: str) -> None:
    """The console prefills the basis in its own language; an English console's prefill must
    not be refused (it was: only the Chinese citation counted)."""
    code, head = reviewed(station)
    assert decide(station, code, head, Decision("fine", basis, "c", amount=200))["basis"] == basis
