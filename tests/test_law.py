"""The law as data (templates/law/): every tier's bounds, combined penalties, authority, Art. 23.

Pure: no database. The ranges are PSAPL 2025's (../shared/DOMAIN.md, "The current law").
"""

from __future__ import annotations

import pytest

from kiosk.law import (
    LawInvalid,
    Penalty,
    PenaltyOutOfRange,
    Tier,
    authority_of,
    check_penalty,
    chinese_number,
    load_law,
    parse_law,
)
from kiosk.settings import PROJECT_ROOT

LAW = load_law()


def _bounds(tier: Tier) -> list[tuple[Penalty, bool]]:
    """Each bound of a tier's ranges as a penalty of the tier's own kind: the bound is allowed,
    one beyond it is not."""
    cases: list[tuple[Penalty, bool]] = []
    days, fine = tier.detention_days, tier.fine
    if tier.combine == "or":
        for low, high, make in ((days.low, days.high, lambda v: Penalty("detention", days=v))
                                if days else (None, None, None),
                                (fine.low, fine.high, lambda v: Penalty("fine", amount=v))
                                if fine else (None, None, None)):
            if make is None:
                continue
            cases += [(make(low), True), (make(high), True), (make(high + 1), False)]
            if low > 1:
                cases.append((make(low - 1), False))
    else:
        assert days is not None and fine is not None
        both = lambda d, a: Penalty("detention_and_fine", days=d, amount=a)  # noqa: E731
        cases += [(both(days.low, fine.low), True), (both(days.high, fine.high), True),
                  (both(days.high + 1, fine.high), False), (both(days.high, fine.high + 1),
                                                            False)]
        if days.low > 1:
            cases.append((both(days.low - 1, fine.low), False))
        if fine.low > 1:
            cases.append((both(days.low, fine.low - 1), False))
        if tier.combine == "and":
            cases.append((Penalty("detention", days=days.low), False))  # "and" needs both
        else:
            cases.append((Penalty("detention", days=days.low), True))   # the fine "may be added"
    return cases


TIER_BOUNDS = [pytest.param(offence, tier, penalty, allowed,
                            id=f"{offence.id}-{tier.id}-{penalty.kind}-{penalty.days}-"
                               f"{penalty.amount}")
               for offence in LAW.offences for tier in offence.tiers
               for penalty, allowed in _bounds(tier)]


@pytest.mark.parametrize(("offence", "tier", "penalty", "allowed"), TIER_BOUNDS)
def test_every_tier_bound_is_accepted_and_one_beyond_it_is_refused(
        offence, tier: Tier, penalty: Penalty, allowed: bool) -> None:
    """Checked against that tier alone (the law, not the fast-track), so a bound of one tier is
    not accepted by its neighbour."""
    single = type(offence)(offence.id, offence.article, offence.name, (tier,))
    if allowed:
        assert check_penalty(LAW, single, penalty, fast_track=False).tier.id == tier.id
    else:
        with pytest.raises(PenaltyOutOfRange) as refused:
            check_penalty(LAW, single, penalty, fast_track=False)
        assert f"Art. {offence.article}" in str(refused.value)
        assert refused.value.values["article"] == offence.article


def test_the_ranges_are_the_2025_law() -> None:
    """Art. 51, 58, 59 as DOMAIN.md states them (a typo in the data would be a wrong penalty)."""
    as_read = {(offence.article, tier.id): (tier.detention_days and tier.detention_days.as_list(),
                                            tier.fine and tier.fine.as_list(), tier.combine,
                                            tier.fast_track)
               for offence in LAW.offences for tier in offence.tiers}
    assert as_read == {
        (51, "minor"): ([1, 5], [1, 1000], "or", True),
        (51, "ordinary"): ([5, 10], [500, 1000], "and", True),
        (51, "aggravated"): ([10, 15], [1000, 2000], "and", False),
        (58, "ordinary"): ([5, 10], [1, 2000], "or", True),
        (58, "serious"): ([10, 15], [1, 3000], "may_add", False),
        (59, "ordinary"): ([1, 5], [1, 1000], "or", True),
        (59, "serious"): ([5, 10], [1, 3000], "may_add", False),
    }
    assert LAW.in_force.isoformat() == "2026-01-01"
    assert LAW.station_fine_limit == 1000 and LAW.detention_not_executed_from_age == 70


def test_a_fine_over_1000_for_property_damage_is_refused_naming_article_59() -> None:
    """It was accepted up to 1,999 yuan before (Art. 59 caps the ordinary tier at 1,000)."""
    with pytest.raises(PenaltyOutOfRange, match=r"Art\. 59") as refused:
        check_penalty(LAW, LAW.offence("property-damage"), Penalty("fine", amount=1500))
    assert "1-1000" in refused.value.values["ranges"]


def test_detention_and_a_fine_together_fit_assaults_ordinary_tier_only() -> None:
    assault = LAW.offence("assault")
    fit = check_penalty(LAW, assault, Penalty("detention_and_fine", days=7, amount=800))
    assert fit.tier.id == "ordinary" and not fit.reduced
    with pytest.raises(PenaltyOutOfRange):  # the minor tier is one or the other, not both
        check_penalty(LAW, assault, Penalty("detention_and_fine", days=3, amount=200))


def test_the_serious_tiers_are_outside_the_fast_track() -> None:
    theft = LAW.offence("theft")
    with pytest.raises(PenaltyOutOfRange):
        check_penalty(LAW, theft, Penalty("detention_and_fine", days=12, amount=500))
    assert check_penalty(LAW, theft, Penalty("detention_and_fine", days=12, amount=500),
                         fast_track=False).tier.id == "serious"


def test_a_warning_needs_a_mitigation_ground_of_article_20() -> None:
    assault = LAW.offence("assault")
    with pytest.raises(PenaltyOutOfRange) as refused:
        check_penalty(LAW, assault, Penalty("warning"))
    assert refused.value.reason == "warning_needs_mitigation"
    fit = check_penalty(LAW, assault, Penalty("warning", mitigation=("harm_removed_forgiven",)))
    assert fit.reduced and fit.authority == "station"


def test_a_mitigation_ground_allows_less_than_the_minimum_never_more_than_the_maximum() -> None:
    assault = LAW.offence("assault")
    grounds = ("surrendered",)
    below = check_penalty(LAW, assault, Penalty("detention_and_fine", days=3, amount=300,
                                                mitigation=grounds))
    assert below.reduced
    with pytest.raises(PenaltyOutOfRange):
        check_penalty(LAW, assault, Penalty("fine", amount=1001, mitigation=grounds))
    with pytest.raises(PenaltyOutOfRange, match="unknown mitigation ground"):
        check_penalty(LAW, assault, Penalty("warning", mitigation=("charm",)))


@pytest.mark.parametrize(("penalty", "authority"), [
    (Penalty("warning", mitigation=("surrendered",)), "station"),
    (Penalty("fine", amount=1000), "station"),   # Art. 109: up to 1,000 yuan
    (Penalty("fine", amount=1001), "county"),
    (Penalty("fine", amount=1200), "county"),
    (Penalty("detention", days=1), "county"),    # any detention
])
def test_who_decides_follows_article_109(penalty: Penalty, authority: str) -> None:
    assert authority_of(LAW, penalty) == authority


def test_a_1200_yuan_fine_for_theft_is_the_county_organs_decision() -> None:
    fit = check_penalty(LAW, LAW.offence("theft"), Penalty("fine", amount=1200))
    assert fit.tier.id == "ordinary" and fit.authority == "county"


@pytest.mark.parametrize(("age", "executed"), [(69, True), (70, False), (71, False)])
def test_detention_is_not_executed_from_70_under_article_23(age: int, executed: bool) -> None:
    fit = check_penalty(LAW, LAW.offence("assault"), Penalty("detention", days=3), age=age)
    assert (fit.not_executed is None) is executed


def test_articles_are_cited_in_chinese_numerals() -> None:
    assert LAW.citation(51) == "《中华人民共和国治安管理处罚法》第五十一条"
    assert [chinese_number(n) for n in (9, 10, 20, 23, 109, 110, 117)] == [
        "九", "十", "二十", "二十三", "一百零九", "一百一十", "一百一十七"]
    assert LAW.citation(51, "en").endswith("Article 51")


def test_a_broken_law_file_names_the_file_the_line_and_the_place() -> None:
    source = (PROJECT_ROOT / "templates" / "law" / "psapl-2025.yaml").read_text(encoding="utf-8")
    broken = source.replace("detention_days: [1, 5]", "detention_days: [5, 1]", 1)
    broken = broken.replace("combine: and", "combine: plus", 1)
    with pytest.raises(LawInvalid) as refused:
        parse_law(broken, "psapl-2025.yaml")
    lines = str(refused.value).splitlines()
    assert any("psapl-2025.yaml:" in line and "offences[0].tiers[0].detention_days" in line
               and "1 <= min <= max" in line for line in lines)
    assert any("offences[0].tiers[1].combine" in line for line in lines)
    with pytest.raises(LawInvalid, match="not valid YAML"):
        parse_law("articles: [", "x.yaml")


def test_kiosk_law_list_json_gives_each_offence_with_its_tiers_in_yuan_and_days(
        tmp_path) -> None:
    """The documented shape: [{"offence", "law", "article", "tiers": [{"name",
    "detention_days", "fine", "combine"}]}] (the law data needs no database)."""
    import json
    import os

    from test_cli import kiosk

    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    listed = kiosk(env, "law", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    offences = {entry["offence"]: entry for entry in json.loads(listed.stdout)}
    assert offences["assault"]["article"] == "51" and offences["assault"]["law"] == "psapl"
    minor = offences["assault"]["tiers"][0]
    assert (minor["name"], minor["detention_days"], minor["fine"], minor["combine"]) == (
        "minor", [1, 5], [1, 1000], "or")
    assert offences["theft"]["tiers"][0]["fine"] == [1, 2000]
    shown = kiosk(env, "law", "show", "23")
    assert shown.returncode == 0 and "七十周岁以上" in shown.stdout
    missing = kiosk(env, "law", "show", "43")
    assert missing.returncode == 1 and "not in the law data" in missing.stderr
