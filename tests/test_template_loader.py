"""Tests for kiosk.template_loader: a broken template is refused, naming file, line and question."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.settings import PROJECT_ROOT
from kiosk.template_loader import (
    TemplateInvalid,
    TemplateProblem,
    load_template_file,
    parse_template,
    shipped_template_files,
)
from kiosk.template_model import Question, QuestionType, Template, Text

FILE = "questions/broken.yaml"
SHIPPED = shipped_template_files(PROJECT_ROOT / "templates")
CJK = re.compile(r"[\u4e00-\u9fff]")

# A minimal valid template. Each <<slot>> is where a test injects one broken piece; the
# `template()` helper indents the piece to the slot's level.
BASE = """\
id: demo
version: 1
languages: [zh, en]
title: {zh: 示例, en: Demo}
legal_basis: {zh: 依据, en: Basis}
<<top>>eligibility:
  - id: admits_facts
    type: yes_no
    prompt: {zh: 你承认吗？, en: Do you admit it?}
sections:
  - id: facts
    title: {zh: 经过, en: What happened}
    questions:
      - id: incident_date
        type: date
        prompt: {zh: 哪一天？, en: On what day?}
<<incident_date>>      - id: people_count
        type: number
        prompt: {zh: 几个人？, en: How many people?}
<<people_count>><<facts>><<sections>>exclusions:
  - id: not_admitted
    when: admits_facts == false
    reason: {zh: 不承认。, en: Not admitted.}
"""
INDENT = {"top": 0, "incident_date": 8, "people_count": 8, "facts": 6, "sections": 2}


def template(**pieces: str) -> str:
    """The base template with each given piece (YAML, any indentation) put in its slot."""
    source = BASE
    for slot, indent in INDENT.items():
        piece = pieces.pop(slot, "")
        if piece:
            piece = textwrap.indent(textwrap.dedent(piece).strip("\n") + "\n", " " * indent)
        source = source.replace(f"<<{slot}>>", piece)
    assert not pieces, f"unknown slots {sorted(pieces)}"
    return source


def line_of(source: str, text: str) -> int:
    """The 1-based line holding `text`, which must occur on exactly one line."""
    lines = [n for n, line in enumerate(source.splitlines(), start=1) if text in line]
    assert len(lines) == 1, f"{text!r} is on lines {lines}"
    return lines[0]


def problems_of(source: str) -> list[TemplateProblem]:
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(source, FILE)
    assert caught.value.problems, "TemplateInvalid without problems"
    return caught.value.problems


def only_problem(source: str) -> TemplateProblem:
    problems = problems_of(source)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == FILE
    return problems[0]


def test_the_base_template_is_valid() -> None:
    parsed = parse_template(template(), FILE)
    assert parsed.id == "demo"
    assert [q.id for _, q in parsed.top_questions()] == [
        "admits_facts", "incident_date", "people_count"]


# -- single problems, each located ------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line() -> None:
    source = template(people_count="help: {zh: 帮助, en: Help}: oops")
    problem = only_problem(source)
    assert problem.line == line_of(source, "oops")
    assert "YAML" in problem.message
    assert FILE in str(problem)


def test_duplicate_yaml_key_is_refused_at_the_second_key() -> None:
    source = template(people_count="prompt: {zh: 又, en: Again}")
    problem = only_problem(source)
    assert problem.line == line_of(source, "Again")
    assert "prompt" in problem.message


def test_unknown_top_level_key() -> None:
    source = template(top="colour: red")
    problem = only_problem(source)
    assert problem.line == line_of(source, "colour")
    assert problem.question is None
    assert "colour" in problem.message


def test_misspelt_question_key() -> None:
    source = template(people_count="requried: true")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "requried"), "people_count")
    assert "requried" in problem.message


def test_duplicate_question_id_in_two_sections() -> None:
    source = template(sections="""
        - id: more
          title: {zh: 更多, en: More}
          questions:
            - id: people_count
              type: text
              prompt: {zh: 又一次, en: Once more}
    """)
    problem = only_problem(source)
    second = line_of(source, "Once more") - 2  # the "- id: people_count" line of the copy
    assert (problem.line, problem.question) == (second, "people_count")
    assert "twice" in problem.message


def test_duplicate_id_inside_a_group() -> None:
    source = template(facts="""
        - id: people
          type: group
          repeat_count: people_count
          item_label: {zh: "第 {n} 个人", en: "Person {n}"}
          prompt: {zh: 他们, en: Them}
          questions:
            - id: name
              type: text
              prompt: {zh: 名字？, en: Name?}
            - id: name
              type: text
              prompt: {zh: 再写名字？, en: Name again?}
    """)
    problem = only_problem(source)
    assert problem.line == line_of(source, "Name again?") - 2
    assert problem.question == "people.name"
    assert "twice" in problem.message


def test_show_if_naming_an_unknown_question() -> None:
    source = template(people_count="show_if: nobody_asked == true")
    problem = only_problem(source)
    # References are located at the question that holds the expression.
    assert (problem.line, problem.question) == (line_of(source, "- id: people_count"),
                                                "people_count")
    assert "nobody_asked" in problem.message


def test_exclusion_naming_an_unknown_question() -> None:
    source = template().replace("when: admits_facts == false", "when: admitted_nothing == false")
    problem = only_problem(source)
    assert problem.line == line_of(source, "- id: not_admitted")
    assert "admitted_nothing" in problem.message


def test_dependency_cycle_is_reported_as_a_cycle() -> None:
    source = template(incident_date="show_if: people_count > 0",
                      people_count="show_if: incident_date <= today()")
    problem = only_problem(source)  # a cycle, not also a "forward reference"
    assert "cycle" in problem.message
    assert "incident_date" in problem.message and "people_count" in problem.message
    assert problem.question in ("incident_date", "people_count")
    assert problem.line == line_of(source, f"- id: {problem.question}")


def test_forward_reference() -> None:
    source = template(incident_date="show_if: people_count > 0")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "- id: incident_date"),
                                                "incident_date")
    assert "people_count" in problem.message
    assert "later" in problem.message


def test_a_later_question_may_depend_on_an_earlier_one() -> None:
    parsed = parse_template(template(people_count="show_if: incident_date <= today()"), FILE)
    assert parsed.question("people_count").show_if is not None


def test_version_that_is_not_a_number() -> None:
    source = template().replace("version: 1", 'version: "one"')
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "version"), None)
    assert "'version'" in problem.message


@pytest.mark.parametrize(("piece", "key"), [
    ('required: "yes"', "required"),
    ("required: yes", "required"),  # YAML 1.2: a string, not true
    ("min: abc", "min"),
    ("max: [1]", "max"),
])
def test_wrong_types_of_question_keys(piece: str, key: str) -> None:
    source = template(people_count=piece)
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, piece), "people_count")
    assert f"'{key}'" in problem.message


def test_missing_english_translation_names_the_language() -> None:
    source = template().replace("{zh: 几个人？, en: How many people?}", "{zh: 几个人？}")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "几个人"), "people_count")
    assert "'en'" in problem.message
    assert "prompt" in problem.message


def test_text_given_as_a_plain_string() -> None:
    source = template().replace("{zh: 几个人？, en: How many people?}", "How many people?")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "How many"), "people_count")
    assert "prompt" in problem.message


def test_unknown_question_type() -> None:
    source = template().replace("type: number", "type: numbr")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "numbr"), "people_count")
    assert "numbr" in problem.message


def test_choice_question_with_one_choice() -> None:
    source = template(facts="""
        - id: relationship
          type: single_choice
          prompt: {zh: 什么关系？, en: What relationship?}
          choices:
            - id: stranger
              label: {zh: 不认识, en: A stranger}
    """)
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "choices:"), "relationship")
    assert "two" in problem.message


def test_constraint_without_constraint_message() -> None:
    source = template(people_count="constraint: value >= 1")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "constraint:"), "people_count")
    assert "constraint_message" in problem.message


def test_party_field_that_does_not_exist_is_refused() -> None:
    source = template(people_count='show_if: party.address == "Beijing"')
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "party.address"), "people_count")
    assert "address" in problem.message


def test_known_party_fields_are_accepted() -> None:
    source = template(people_count='show_if: party.sex == "male" and party.nationality == "CHN"')
    assert parse_template(source, FILE).question("people_count").show_if is not None


# -- hostile templates --------------------------------------------------------------------------


def hostile_pieces(marker: Path) -> Iterator[tuple[str, dict[str, str]]]:
    touch = f"__import__('os').system('touch {marker}')"
    yield "show_if", {"people_count": f"show_if: {touch}"}
    yield "constraint", {"people_count": f"constraint: {touch}\n"
                                         "constraint_message: {zh: 错, en: Wrong}"}
    yield "repeat_count", {"facts": f"""
        - id: people
          type: group
          repeat_count: {touch}
          item_label: {{zh: "第 {{n}} 个人", en: "Person {{n}}"}}
          prompt: {{zh: 他们, en: Them}}
          questions:
            - id: name
              type: text
              prompt: {{zh: 名字？, en: Name?}}
    """}
    escape = f"().__class__.__base__.__subclasses__()[0]('touch {marker}')"
    yield "dunder", {"people_count": f"show_if: {escape}"}
    yield "open", {"people_count": f"show_if: open('{marker}', 'w')"}


@pytest.mark.parametrize("case", ["show_if", "constraint", "repeat_count", "dunder", "open"])
def test_hostile_expression_is_a_validation_problem_and_never_runs(tmp_path: Path,
                                                                    case: str) -> None:
    marker = tmp_path / "pwned"
    pieces = dict(hostile_pieces(marker))[case]
    source = template(**pieces)
    problems = problems_of(source)
    assert not marker.exists(), "the template's expression was executed"
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == FILE
    assert problem.line == line_of(source, "pwned")
    assert problem.question in ("people_count", "people")
    assert "expression" in problem.message


def test_hostile_exclusion_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    source = template().replace("when: admits_facts == false",
                                f"when: __import__('os').system('touch {marker}') == 0")
    problem = only_problem(source)
    assert not marker.exists()
    assert problem.line == line_of(source, "pwned")
    assert "expression" in problem.message


def test_yaml_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    source = template().replace(
        "version: 1", f'version: !!python/object/apply:os.system ["touch {marker}"]')
    problems = problems_of(source)
    assert not marker.exists()
    assert any(p.line == line_of(source, "pwned") for p in problems)


# -- several problems ---------------------------------------------------------------------------


def test_several_problems_are_all_reported() -> None:
    source = template(people_count="requried: true\nmin: abc", top="colour: red")
    source = source.replace('version: 1', 'version: "one"')
    source = source.replace("{zh: 哪一天？, en: On what day?}", "{zh: 哪一天？}")
    source = source.replace("type: yes_no", "type: yes_or_no")
    found = {(p.line, p.question, p.file) for p in problems_of(source)}
    assert found == {
        (line_of(source, "version"), None, FILE),
        (line_of(source, "colour"), None, FILE),
        (line_of(source, "yes_or_no"), "admits_facts", FILE),
        (line_of(source, "哪一天"), "incident_date", FILE),
        (line_of(source, "requried"), "people_count", FILE),
        (line_of(source, "abc"), "people_count", FILE),
    }


def test_reference_problems_are_reported_with_other_problems() -> None:
    source = template(people_count="requried: true\nshow_if: nobody_asked == true")
    found = {(p.line, p.question) for p in problems_of(source)}
    assert (line_of(source, "requried"), "people_count") in found
    assert any("nobody_asked" in p.message for p in problems_of(source))


def test_problems_read_from_a_file_name_that_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    source = template(people_count="requried: true")
    path.write_text(source, encoding="utf-8")
    with pytest.raises(TemplateInvalid) as caught:
        load_template_file(path)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert str(problem).startswith(f"{path}:{line_of(source, 'requried')}")


# -- the shipped templates ---------------------------------------------------------------------


def all_texts(parsed: Template) -> Iterator[tuple[str, Text]]:
    """Every text of a template, with where it is, for the translation check."""
    yield "title", parsed.title
    yield "legal_basis", parsed.legal_basis
    if parsed.description is not None:
        yield "description", parsed.description
    for section in parsed.sections:
        yield f"section {section.id}", section.title

    def of_question(where: str, question: Question) -> Iterator[tuple[str, Text]]:
        yield f"{where} prompt", question.prompt
        for key in ("help", "read_aloud", "constraint_message", "item_label"):
            value = getattr(question, key)
            if value is not None:
                yield f"{where} {key}", value
        for key in ("question", "answer", "yes", "no"):
            value = getattr(question.statement, key)
            if value is not None:
                yield f"{where} statement.{key}", value
        for choice in question.choices:
            yield f"{where} choice {choice.id}", choice.label
            if choice.statement is not None:
                yield f"{where} choice {choice.id} statement", choice.statement
        for sub in question.questions:
            yield from of_question(f"{where}.{sub.id}", sub)

    for _, question in parsed.top_questions():
        yield from of_question(question.id, question)
    for exclusion in parsed.exclusions:
        yield f"exclusion {exclusion.id}", exclusion.reason


def test_the_three_templates_are_shipped() -> None:
    ids = {load_template_file(path).id for path in SHIPPED}
    assert {"minor-assault", "petty-theft", "property-damage"} <= ids


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_loads(path: Path) -> None:
    parsed = load_template_file(path)
    assert parsed.id == path.stem
    assert parsed.version >= 1
    assert {"zh", "en"} <= set(parsed.languages)
    question_ids = {q.id for _, q in parsed.top_questions()}
    assert "incident_date" in question_ids
    if parsed.role == "offender":
        assert "admits_facts" in question_ids
        assert parsed.exclusions
    else:  # only the offender's answers end the fast-track; the others' are compared with them
        assert not parsed.exclusions
        assert {"facts.date", "facts.time", "facts.place"} <= set(parsed.facts())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_template_has_every_text_in_zh_and_en(path: Path) -> None:
    parsed = load_template_file(path)
    texts = list(all_texts(parsed))
    assert len(texts) > (50 if parsed.role == "offender" else 30)
    for where, text in texts:
        assert text.get("zh", "").strip(), f"{where} lacks Chinese"
        assert text.get("en", "").strip(), f"{where} lacks English"
        if not where.endswith("statement.answer"):  # "{answer}。" is Chinese without characters
            assert CJK.search(text["zh"]), f"{where}: the zh text is not in Chinese"
        assert not CJK.search(text["en"]), f"{where}: the en text is in Chinese"


# -- statement_order and yes/no wording --------------------------------------------------------


def test_statement_order_listing_every_section_is_accepted() -> None:
    parsed = parse_template(template(top="statement_order: [facts, eligibility]"), FILE)
    assert parsed.statement_order == ("facts", "eligibility")
    assert parse_template(template(), FILE).statement_order == ()  # default: the asking order


@pytest.mark.parametrize(("order", "detail"), [
    ("[eligibility]", "missing: facts"),
    ("[facts]", "missing: eligibility"),
    ("[eligibility, facts, opening]", "unknown: opening"),
    ("[eligibility, facts, facts]", "twice"),
    ("[eligibility, eligibility, facts]", "twice"),
    ("[]", "missing: eligibility, facts"),
    ("facts", "list of section ids"),
    ("[eligibility, 3]", "list of section ids"),
])
def test_statement_order_must_list_every_section_once(order: str, detail: str) -> None:
    source = template(top=f"statement_order: {order}")
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "statement_order"), None)
    assert "'statement_order'" in problem.message
    assert detail in problem.message


@pytest.mark.parametrize("key", ["yes", '"yes"', "no", '"no"'])
def test_yes_no_wording_on_another_type_is_refused(key: str) -> None:
    source = template(people_count=f"""
        statement:
          {key}: {{zh: 有人。, en: Someone.}}
    """)
    problem = only_problem(source)
    assert (problem.line, problem.question) == (line_of(source, "有人"), "people_count")
    assert "yes_no" in problem.message


YES_NO_STATEMENT = """\
    prompt: {zh: 你承认吗？, en: Do you admit it?}
    statement:
      question: {zh: 你是否承认？, en: Do you admit it?}
      yes: {zh: 我承认。, en: "Yes, I do."}
      "no": {zh: 我不承认。, en: "No, I do not."}
"""


def test_yes_no_wording_is_read_quoted_or_not() -> None:
    source = template().replace("    prompt: {zh: 你承认吗？, en: Do you admit it?}\n",
                                YES_NO_STATEMENT)
    wording = parse_template(source, FILE).question("admits_facts").statement
    assert wording.yes == {"zh": "我承认。", "en": "Yes, I do."}
    assert wording.no == {"zh": "我不承认。", "en": "No, I do not."}
    assert wording.answer is None


@pytest.mark.parametrize(("key", "text"), [("yes", "我承认。"), ("no", "我不承认。")])
def test_yes_no_wording_without_english_names_the_language(key: str, text: str) -> None:
    source = template().replace("    prompt: {zh: 你承认吗？, en: Do you admit it?}\n",
                                YES_NO_STATEMENT)
    broken = re.sub(rf'(\n\s*"?{key}"?: {{zh: {text}), en: [^}}]*}}', r"\1}", source)
    assert broken != source
    problem = only_problem(broken)
    assert (problem.line, problem.question) == (line_of(broken, text), "admits_facts")
    assert f"'{key}'" in problem.message and "'en'" in problem.message


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_yes_no_questions_have_yes_and_no_wording(path: Path) -> None:
    parsed = load_template_file(path)
    yes_no = [q for _, q in parsed.top_questions() if q.type is QuestionType.YES_NO]
    if parsed.role == "offender":  # a victim's or witness's template has no eligibility
        assert parsed.statement_order[:2] == ("opening", "eligibility")
        assert yes_no
    for question in yes_no:
        wording = question.statement
        assert wording.yes is not None and wording.no is not None, question.id
        assert wording.yes != wording.no, question.id


def test_yaml_aliases_are_refused_before_they_can_blow_up(tmp_path: Path) -> None:
    laughs = "\n".join(
        [template(), "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
        + [f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}]"
           for i in range(1, 9)])
    with pytest.raises(TemplateInvalid, match="aliases"):
        parse_template(laughs, FILE)


# -- calculated values --------------------------------------------------------------------------


def test_a_calculated_value_needs_no_prompt_and_may_be_used_by_later_questions() -> None:
    parsed = parse_template(template(facts="""
        - id: many_people
          type: calculate
          calculation: people_count > 2
        - id: weapons
          type: yes_no
          prompt: {zh: 有没有用工具？, en: Was anything used as a weapon?}
          show_if: many_people
        """), FILE)
    calculated = parsed.question("many_people")
    assert calculated.is_calculated
    assert calculated.calculation is not None
    assert calculated.calculation.source == "people_count > 2"


def test_a_calculated_value_without_its_calculation() -> None:
    source = template(facts="""
        - id: many_people
          type: calculate
        """)
    problem = only_problem(source)
    assert problem.question == "many_people"
    assert "'calculation'" in problem.message


def test_a_calculated_value_cannot_have_the_keys_of_an_asked_question() -> None:
    source = template(facts="""
        - id: many_people
          type: calculate
          calculation: people_count > 2
          required: false
        """)
    problem = only_problem(source)
    assert problem.line == line_of(source, "required: false")
    assert "unknown key 'required'" in problem.message


def test_a_calculation_is_checked_like_any_expression() -> None:
    source = template(facts="""
        - id: many_people
          type: calculate
          calculation: people_count >
        """)
    problem = only_problem(source)
    assert problem.line == line_of(source, "calculation: people_count >")
    assert "'calculation' is not a valid expression" in problem.message

    source = template(facts="""
        - id: many_people
          type: calculate
          calculation: witness_count > 2
        """, sections="""
        - id: witnesses
          title: {zh: 证人, en: Witnesses}
          questions:
            - id: witness_count
              type: number
              prompt: {zh: 几个证人？, en: How many witnesses?}
        """)
    problem = only_problem(source)  # witness_count is asked after it
    assert problem.question == "many_people"
    assert "asked later" in problem.message


def test_a_number_too_long_to_read_is_a_problem_not_a_crash() -> None:
    source = template(people_count=f"max: {'9' * 5000}")
    problem = only_problem(source)
    assert problem.message.startswith("not valid YAML")


def test_inside_a_group_a_question_depends_only_on_the_questions_before_it() -> None:
    amount = ("- id: amount\n"
              "  type: number\n"
              "  prompt: {zh: 多少钱？, en: How much?}\n")
    share = ("- id: share\n"
             "  type: calculate\n"
             "  calculation: amount * 2\n")

    def group(*questions: str) -> str:
        inner = textwrap.indent("".join(questions), " " * 4)
        return template(facts="- id: people\n"
                              "  type: group\n"
                              "  prompt: {zh: 每个人, en: Each person}\n"
                              "  repeat_count: people_count\n"
                              "  item_label: {zh: '第 {n} 人', en: 'Person {n}'}\n"
                              "  questions:\n" + inner)

    parse_template(group(amount, share), FILE)  # the amount first: fine
    problem = only_problem(group(share, amount))
    assert problem.question == "people.share"
    assert "depends on 'amount', which is asked later" in problem.message
