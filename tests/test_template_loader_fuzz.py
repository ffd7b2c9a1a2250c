"""Template files from a careless or hostile hand: each is loaded, or refused with problems that
name file and line, never with a traceback (in-process: parse_template is the whole check)."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.template_loader import TemplateInvalid, parse_template

TEMPLATE = """\
id: fuzz-demo
version: 1
languages: [zh, en]
title: {zh: 示例案件, en: Demo case}
legal_basis: {zh: 示例依据, en: Demo basis}
eligibility:
  - id: admits_facts
    type: yes_no
    prompt: {zh: 你承认吗？, en: Do you admit it?}
sections:
  - id: facts
    title: {zh: 案件经过, en: What happened}
    questions:
      - id: incident_date
        type: date
        prompt: {zh: 哪一天？, en: What day?}
        constraint: value <= today()
        constraint_message: {zh: 不能晚于今天。, en: Not after today.}
      - id: people_count
        type: number
        min: 0
        max: 5
        prompt: {zh: 几个人？, en: How many people?}
      - id: people
        type: group
        repeat_count: people_count
        item_label: {zh: "第 {n} 个人", en: "Person {n}"}
        prompt: {zh: 对方, en: The others}
        questions:
          - id: name
            type: text
            prompt: {zh: 名字？, en: Name?}
      - id: age_then
        type: calculate
        calculation: age(party.birth_date, incident_date)
exclusions:
  - id: minor
    when: age_then < 18
    reason: {zh: 未成年。, en: A minor.}
"""
LINES = TEMPLATE.splitlines(keepends=True)

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "[" * 60, "[" * 5000 + "]" * 5000, "{a: " * 3000 + "}" * 3000, "- " * 3000 + "x",
        "&a [*a, *a]", "*nowhere", "!!python/object/apply:os.system ['true']", "1e400",
        "9" * 5000, "\x00", "\t", "---\n---", "%YAML 9.9", "? [a]\n: b", "'", '"\\ud800"',
        "age(party.birth_date, incident_date) < 18", "10 / 0 > 1", "__import__('os')",
        "value <= today(", "{zh: , en: }", "null", "~", "[]", "{}", "true", "-1", ".inf",
    ]),
)


@st.composite
def hostile_templates(draw: st.DrawFn) -> str:
    """The template with a line swapped, text inserted, a value replaced, or cut short."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["value", "value", "line", "insert", "cut"]))
        if kind == "value" and ": " in lines[index]:
            key, _, _ = lines[index].partition(": ")
            lines[index] = f"{key}: {draw(HOSTILE)}\n"
        elif kind == "line":
            lines[index] = draw(HOSTILE) + "\n"
        elif kind == "insert":
            lines.insert(index, draw(HOSTILE) + "\n")
        else:
            lines = lines[:index]
            break
    return "".join(lines)


@settings(max_examples=1200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=hostile_templates())
def test_a_template_is_loaded_or_refused_with_located_problems(source: str) -> None:
    try:
        parse_template(source, "fuzz.yaml")
    except TemplateInvalid as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.message.strip()
            assert problem.text("zh").strip() and str(problem).startswith("fuzz.yaml")
        event("refused")
        return
    event("loaded")


def test_the_unchanged_template_loads() -> None:
    """The test above would prove little if the base template were refused anyway."""
    assert parse_template(TEMPLATE, "fuzz.yaml").id == "fuzz-demo"
