"""The law as data: articles, offences with their penalty tiers, and the checks of a penalty.

The data is `templates/law/*.yaml` (format: templates/law/README.md), one file per law; today
the Public Security Administration Punishments Law as revised in 2025 (PSAPL, in force since
2026-01-01). A penalty is checked against the law's own ranges here; a station's discretion
table may narrow them (never widen them).

Rules (../shared/DOMAIN.md, "The current law"):
- a penalty fits one tier of the case's offence: its kinds ("or": detention or a fine; "and":
  both; "may_add": detention, a fine may be added) and its ranges, both ends included;
- with a mitigation ground of Art. 20 it may go below the tier's minimum or be a warning
  (减轻处罚), never above the maximum; a warning is not in Art. 51/58/59 and needs such a ground;
- Art. 109: a station decides a warning or a fine up to 1,000 yuan; anything more is the
  county-level organ's;
- Art. 23: detention is decided but not executed for a party aged 70 or older.

The core never words a refusal for a screen: `PenaltyOutOfRange` carries a reason and values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kiosk.settings import PROJECT_ROOT

LAW_DIR = PROJECT_ROOT / "templates" / "law"
COMBINES = ("or", "and", "may_add")
# Penalty kinds, as the review's decision names them.
WARNING, FINE, DETENTION, DETENTION_AND_FINE, NO_PENALTY = (
    "warning", "fine", "detention", "detention_and_fine", "no_penalty")


class LawInvalid(ValueError):
    """A law file that cannot be used; each line names the file, the place and what is wrong."""


@dataclass(frozen=True)
class Range:
    """Whole days or yuan, both ends included."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high

    def as_list(self) -> list[int]:
        return [self.low, self.high]


@dataclass(frozen=True)
class Article:
    number: int
    title: Mapping[str, str]
    text: Mapping[str, str]


@dataclass(frozen=True)
class Tier:
    """One penalty tier of an offence: its kinds and ranges, and the facts that put a case there."""

    id: str
    name: Mapping[str, str]
    detention_days: Range | None
    fine: Range | None
    combine: str
    fast_track: bool
    facts: Mapping[str, str]

    def kinds(self) -> tuple[str, ...]:
        """The penalty kinds this tier gives without mitigation."""
        if self.combine == "and":
            return (DETENTION_AND_FINE,)
        if self.combine == "may_add":
            return (DETENTION, DETENTION_AND_FINE)
        return tuple(kind for kind, given in ((DETENTION, self.detention_days),
                                              (FINE, self.fine)) if given is not None)


@dataclass(frozen=True)
class Offence:
    id: str
    article: int
    name: Mapping[str, str]
    tiers: tuple[Tier, ...]

    def tier(self, tier_id: str) -> Tier:
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)

    def fast_track_tiers(self) -> tuple[Tier, ...]:
        return tuple(tier for tier in self.tiers if tier.fast_track)


@dataclass(frozen=True)
class Ground:
    """A mitigation ground (Art. 20): allows a reduced penalty or a warning."""

    id: str
    article: int
    name: Mapping[str, str]


@dataclass(frozen=True)
class Law:
    id: str
    version: str
    adopted: date
    in_force: date
    name: Mapping[str, str]
    short: Mapping[str, str]
    articles: tuple[Article, ...]
    offences: tuple[Offence, ...]
    mitigation: tuple[Ground, ...]
    station_fine_limit: int
    detention_not_executed_from_age: int
    file: str = ""

    def article(self, number: int) -> Article:
        for article in self.articles:
            if article.number == number:
                return article
        raise KeyError(number)

    def offence(self, offence_id: str) -> Offence:
        for offence in self.offences:
            if offence.id == offence_id:
                return offence
        raise KeyError(offence_id)

    def ground(self, ground_id: str) -> Ground:
        for ground in self.mitigation:
            if ground.id == ground_id:
                return ground
        raise KeyError(ground_id)

    def citation(self, number: int, language: str = "zh") -> str:
        """How a decision cites an article: 《中华人民共和国治安管理处罚法》第五十一条."""
        if language == "zh":
            return f"《{self.name['zh']}》第{chinese_number(number)}条"
        return f"{self.name['en']}, Article {number}"


# -- reading the data -------------------------------------------------------------------------


class _Reader:
    """Walks one law file, collecting every problem with its place."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []

    def problem(self, node: Any, where: str, message: str) -> None:
        line = getattr(getattr(node, "lc", None), "line", None)
        place = f"{self.filename}:{line + 1}" if line is not None else self.filename
        self.problems.append(f"{place}: {where}: {message}")

    def texts(self, node: Any, where: str) -> Mapping[str, str]:
        if not isinstance(node, Mapping) or not all(
                isinstance(node.get(lang), str) and node.get(lang).strip()
                for lang in ("zh", "en")):
            self.problem(node, where, "needs a text in zh and en")
            return {"zh": "", "en": ""}
        return {str(k): " ".join(str(v).split()) if k == "en" else str(v).strip()
                for k, v in node.items()}

    def integer(self, node: Any, key: str, where: str) -> int:
        value = node.get(key) if isinstance(node, Mapping) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problem(node, f"{where}.{key}", f"must be a whole number, not {value!r}")
            return 0
        return value

    def range(self, node: Any, key: str, where: str) -> Range | None:
        value = node.get(key)
        if value is None:
            return None
        if (not isinstance(value, Sequence) or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                or not 1 <= value[0] <= value[1]):
            self.problem(node, f"{where}.{key}", "must be [min, max] with 1 <= min <= max")
            return None
        return Range(int(value[0]), int(value[1]))


def parse_law(source: str, filename: str = "<law>") -> Law:
    """Parses and validates one law file; LawInvalid lists every problem with file and line."""
    try:
        root = YAML(typ="rt").load(source)
    except YAMLError as exc:
        raise LawInvalid(f"{filename}: not valid YAML: {exc}") from exc
    read = _Reader(filename)
    if not isinstance(root, Mapping):
        raise LawInvalid(f"{filename}: the file must be a mapping")
    articles = []
    for index, node in enumerate(root.get("articles") or []):
        where = f"articles[{index}]"
        articles.append(Article(read.integer(node, "number", where),
                                read.texts(node.get("title"), f"{where}.title"),
                                read.texts(node.get("text"), f"{where}.text")))
    numbers = [article.number for article in articles]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        read.problem(root, "articles", f"article {number} is given twice")
    offences = []
    for index, node in enumerate(root.get("offences") or []):
        where = f"offences[{index}]"
        article = read.integer(node, "article", where)
        if article not in numbers:
            read.problem(node, f"{where}.article", f"article {article} is not in `articles`")
        tiers = []
        for t_index, tier in enumerate(node.get("tiers") or []):
            t_where = f"{where}.tiers[{t_index}]"
            combine = tier.get("combine")
            if combine not in COMBINES:
                read.problem(tier, f"{t_where}.combine", f"must be one of {', '.join(COMBINES)}")
            detention, fine = read.range(tier, "detention_days", t_where), read.range(
                tier, "fine", t_where)
            if combine in ("and", "may_add") and (detention is None or fine is None):
                read.problem(tier, t_where, f"'{combine}' needs both detention_days and fine")
            if detention is None and fine is None:
                read.problem(tier, t_where, "needs detention_days, fine or both")
            if not isinstance(tier.get("fast_track"), bool):
                read.problem(tier, f"{t_where}.fast_track", "must be true or false")
            tiers.append(Tier(str(tier.get("id") or ""), read.texts(tier.get("name"),
                                                                     f"{t_where}.name"),
                              detention, fine, str(combine), bool(tier.get("fast_track")),
                              read.texts(tier.get("facts"), f"{t_where}.facts")))
        if not tiers:
            read.problem(node, where, "needs at least one tier")
        offences.append(Offence(str(node.get("id") or ""), article,
                                read.texts(node.get("name"), f"{where}.name"), tuple(tiers)))
    grounds = tuple(Ground(str(node.get("id") or ""), read.integer(node, "article", "mitigation"),
                           read.texts(node.get("name"), f"mitigation.{node.get('id')}"))
                    for node in root.get("mitigation") or [])
    dates = {}
    for key in ("adopted", "in_force"):
        value = root.get(key)
        if not isinstance(value, date):
            read.problem(root, key, f"must be a date (YYYY-MM-DD), not {value!r}")
            value = date.min
        dates[key] = value
    if read.problems:
        raise LawInvalid("\n".join(read.problems))
    return Law(str(root.get("id")), str(root.get("version")), dates["adopted"],
               dates["in_force"], read.texts(root.get("name"), "name"),
               read.texts(root.get("short"), "short"), tuple(articles), tuple(offences), grounds,
               read.integer(root, "station_fine_limit", "law"),
               read.integer(root, "detention_not_executed_from_age", "law"), filename)


@lru_cache(maxsize=8)
def load_law(law_dir: Path = LAW_DIR) -> Law:
    """The law in force, read once per process (today one file: psapl-2025.yaml)."""
    path = law_dir / "psapl-2025.yaml"
    return parse_law(path.read_text(encoding="utf-8"), str(path))


# -- checking a penalty -----------------------------------------------------------------------


class PenaltyOutOfRange(ValueError):
    """A penalty the law does not allow for this offence; `reason` and `values` say why."""

    def __init__(self, message: str, reason: str, **values: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class Penalty:
    """What a decision gives: its kind, and the days and yuan of it."""

    kind: str
    days: int | None = None
    amount: int | None = None
    mitigation: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fit:
    """Where a penalty fits: the tier, who decides it (Art. 109), whether detention is executed."""

    tier: Tier
    authority: str  # "station" or "county"
    reduced: bool = False  # below the tier's minimum, or a warning, on a mitigation ground
    not_executed: str | None = None  # Art. 23's reason, e.g. "age_70"
    notes: tuple[str, ...] = field(default=())


def _ranges_text(tier: Tier) -> str:
    parts = []
    if tier.detention_days is not None:
        parts.append(f"detention {tier.detention_days.low}-{tier.detention_days.high} days")
    if tier.fine is not None:
        parts.append(f"a fine of {tier.fine.low}-{tier.fine.high} yuan")
    joiner = {"or": " or ", "and": " and ", "may_add": ", to which may be added "}[tier.combine]
    return f"{tier.id}: {joiner.join(parts)}"


def authority_of(law: Law, penalty: Penalty) -> str:
    """Art. 109: a warning or a fine up to the limit is the station's; more is the county's."""
    if penalty.kind in (WARNING, NO_PENALTY):
        return "station"
    if penalty.kind == FINE and penalty.amount is not None \
            and penalty.amount <= law.station_fine_limit:
        return "station"
    return "county"


def _fits(tier: Tier, penalty: Penalty, reduce: bool) -> bool:
    kinds = tier.kinds()
    if penalty.kind not in kinds:
        # A reduced penalty may be a lighter kind: one of "and"'s two, or a fine for detention.
        lighter = {DETENTION, FINE} if tier.combine in ("and", "may_add") else set(kinds)
        if not (reduce and penalty.kind in lighter and (
                penalty.kind != FINE or tier.fine is not None)):
            return False
    for value, allowed in ((penalty.days, tier.detention_days), (penalty.amount, tier.fine)):
        if value is None:
            continue
        if allowed is None or value > allowed.high or value < (1 if reduce else allowed.low):
            return False
    return True


def check_penalty(law: Law, offence: Offence, penalty: Penalty, *, fast_track: bool = True,
                  age: int | None = None) -> Fit:
    """The tier a penalty fits and who decides it; PenaltyOutOfRange naming the article if none.

    Only the fast-track's tiers count when `fast_track` (the serious tiers end it). `age` is the
    party's age on the day of the decision, for Art. 23.
    """
    unknown = [g for g in penalty.mitigation if g not in {m.id for m in law.mitigation}]
    if unknown:
        raise PenaltyOutOfRange(f"unknown mitigation ground {unknown[0]!r} (one of: "
                                f"{', '.join(m.id for m in law.mitigation)})",
                                reason="mitigation_unknown", ground=unknown[0])
    reduce = bool(penalty.mitigation)
    tiers = offence.fast_track_tiers() if fast_track else offence.tiers
    article = f"{law.short['en']} Art. {offence.article}"
    if penalty.kind == NO_PENALTY:
        return Fit(tiers[0], "station")
    if penalty.kind == WARNING:
        if not reduce:
            raise PenaltyOutOfRange(
                f"a warning is not a penalty of {article}; it needs a mitigation ground of "
                f"Article 20 (--mitigation)", reason="warning_needs_mitigation",
                article=offence.article)
        return Fit(tiers[0], "station", reduced=True)
    fitting = [tier for tier in tiers if _fits(tier, penalty, reduce=False)]
    reduced = False
    if not fitting and reduce:
        fitting = [tier for tier in tiers if _fits(tier, penalty, reduce=True)]
        reduced = bool(fitting)
    if not fitting:
        ranges = "; ".join(_ranges_text(tier) for tier in tiers)
        raise PenaltyOutOfRange(
            f"{_penalty_text(penalty)} is outside {article} for the fast-track ({ranges})",
            reason="penalty_out_of_range", article=offence.article, ranges=ranges,
            penalty=penalty.kind, days=penalty.days, amount=penalty.amount)
    not_executed = None
    if penalty.days is not None and age is not None \
            and age >= law.detention_not_executed_from_age:
        not_executed = f"age_{law.detention_not_executed_from_age}"
    return Fit(fitting[0], authority_of(law, penalty), reduced=reduced, not_executed=not_executed)


def _penalty_text(penalty: Penalty) -> str:
    parts = []
    if penalty.days is not None:
        parts.append(f"detention of {penalty.days} days")
    if penalty.amount is not None:
        parts.append(f"a fine of {penalty.amount} yuan")
    return " and ".join(parts) or penalty.kind


def law_as_json(law: Law) -> list[dict[str, Any]]:
    """`kiosk law list --json`: the offences with their tiers, the amounts in yuan."""
    return [{"offence": offence.id, "name": dict(offence.name), "law": law.id,
             "law_version": law.version, "article": str(offence.article),
             "tiers": [{"name": tier.id, "label": dict(tier.name),
                        "detention_days": tier.detention_days.as_list()
                        if tier.detention_days else None,
                        "fine": tier.fine.as_list() if tier.fine else None,
                        "combine": tier.combine, "fast_track": tier.fast_track}
                       for tier in offence.tiers]}
            for offence in law.offences]


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1-999 in Chinese numerals as article numbers are written: 51 -> 五十一, 109 -> 一百零九."""
    if not 0 < number < 1000:
        return str(number)
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += _DIGITS[ones]
    return out


__all__ = ["Article", "Fit", "Ground", "Law", "LawInvalid", "Offence", "Penalty",
           "PenaltyOutOfRange", "Range", "Tier", "authority_of", "check_penalty",
           "chinese_number", "law_as_json", "load_law", "parse_law"]
