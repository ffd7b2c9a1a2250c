"""Tests for kiosk.template_messages: every template problem and expression error in zh and en.

English is what `kiosk template validate` has always printed, byte for byte: each code is built
here from a broken template (or expression) and compared with the old sentence. Chinese is what
the admin's editor shows: CJK throughout, every parameter said, no English left over except the
keys, ids and expression words the admin writes.
"""

from __future__ import annotations

import pickle
import re
import string
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_template_loader import BASE, FILE, template

from kiosk import template_loader
from kiosk.expressions import ExpressionError, parse_expression
from kiosk.template_edit import TemplateDocument
from kiosk.template_loader import (
    TemplateInvalid,
    TemplateProblem,
    parse_template,
    read_template_source,
)
from kiosk.template_messages import CATALOG, EXPRESSION_ERRORS, PROBLEMS, Joined, Term

CJK = re.compile(r"[\u4e00-\u9fff]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
# English words a Chinese message may still hold: YAML keys, expression words and names, which
# the admin writes as they are, and units.
WRITTEN_AS_IS = {
    "YAML", "MB", "zh", "en", "languages", "eligibility", "sections", "exclusions",
    "statement_order", "statement", "constraint", "constraint_message", "choices", "yes", "no",
    "yes_no", "true", "false", "None", "party", "birth_date", "sex", "nationality", "not",
    "lambda", "if", "else", "await", "yield", "from", "len", "date", "YYYY", "MM", "DD",
    "offence", "role", "fact", "facts", "time",
}

assert "eligibility:" in BASE  # the pieces below are written against the loader tests' base

ELIGIBILITY = """eligibility:
  - id: admits_facts
    type: yes_no
    prompt: {zh: 你承认吗？, en: Do you admit it?}
"""


def _piece(head: str, inner: str) -> str:
    return head + textwrap.indent(textwrap.dedent(inner).strip("\n") + "\n", "    ")


def group(inner: str) -> str:
    """A repeated group holding `inner` (question YAML)."""
    return _piece("""
- id: people
  type: group
  repeat_count: people_count
  item_label: {zh: "第 {n} 个人", en: "Person {n}"}
  prompt: {zh: 他们, en: Them}
  questions:
""", inner)


def choices(inner: str) -> str:
    """A single-choice question with `inner` as its choices."""
    return _piece("""
- id: relationship
  type: single_choice
  prompt: {zh: 什么关系？, en: What relationship?}
  choices:
""", inner)


NAME = "- id: name\n  type: text\n  prompt: {zh: 名字？, en: Name?}"
FRIEND = "- id: friend\n  label: {zh: 朋友, en: A friend}"

# (code, broken template, the English message as `kiosk template validate` has always said it)
PROBLEM_SAMPLES: list[tuple[str, str, str]] = [
    ("file_too_large", template() + "#" * 2_000_000, "the file is larger than 2 MB"),
    ("not_yaml", template(people_count="help: {zh: 帮助, en: Help}: oops"),
     "not valid YAML: mapping values are not allowed here"),
    ("aliases", template(top="description: *t").replace("title: {zh: 示例, en: Demo}",
                                                         "title: &t {zh: 示例, en: Demo}"),
     "YAML anchors and aliases (& and *) are not allowed in templates"),
    ("not_mapping", "- a list\n", "the template must be a mapping of keys to values"),
    ("not_mapping", template(facts="- just a string"),
     "a question must be a mapping of keys to values"),
    ("not_mapping", template(sections="- just a string"),
     "a section must be a mapping of keys to values"),
    ("not_mapping", template(facts=choices("- stranger\n" + FRIEND)),
     "a choice must be a mapping of keys to values"),
    ("not_mapping", template(people_count="statement: plain"),
     "'statement' must be a mapping of keys to values"),
    ("not_mapping", template().replace("  - id: not_admitted\n",
                                       "  - plain\n  - id: not_admitted\n"),
     "an exclusion must be a mapping of keys to values"),
    ("unknown_key", template(top="colour: red"),
     "unknown key 'colour' in the template (allowed: description, eligibility, exclusions, id, "
     "languages, legal_basis, mediable, offence, role, sections, statement_order, title, "
     "version)"),
    ("role_unknown", template(top="role: judge"),
     "'role' must be one of offender, victim, witness, not 'judge' (none: an offender's "
     "template)"),
    ("fact_bad", template(people_count="fact: time"),
     "'fact' must be 'facts.' and a lowercase name, like 'facts.time', not 'time'"),
    ("fact_twice", template(incident_date="fact: facts.time", people_count="fact: facts.time"),
     "the shared fact 'facts.time' is already asked by question 'incident_date'; a template "
     "asks each fact once"),
    ("offence_unknown", template(top="offence: burglary"),
     "'offence' must be one of the offences of the law data (assault, theft, property-damage), "
     "not 'burglary'"),
    ("unknown_key", template(people_count="requried: true"),
     "unknown key 'requried' in question 'people_count' (allowed: constraint, "
     "constraint_message, decimal, fact, help, id, max, min, prompt, read_aloud, required, "
     "show_if, statement, type)"),
    ("missing_key", template(facts="- id: many\n  type: calculate"),
     "question 'many' lacks the required key 'calculation'"),
    ("missing_key", template().replace("    reason: {zh: 不承认。, en: Not admitted.}\n", ""),
     "an exclusion lacks the required key 'reason'"),
    ("bad_id", template().replace("id: demo", "id: Demo"),
     "template id 'Demo' must be lower-case letters, digits and '_' starting with a letter"),
    ("bad_id", template(facts="- id: Bad\n  type: text\n  prompt: {zh: 坏, en: Bad}"),
     "question id 'Bad' must be lower-case letters, digits and '_' starting with a letter"),
    ("bad_id", template(sections="- id: More\n  title: {zh: 更多, en: More}\n  questions:\n"
                                 "    - id: more\n      type: text\n"
                                 "      prompt: {zh: 更多, en: More}"),
     "section id 'More' must be lower-case letters, digits and '_' starting with a letter"),
    ("bad_id", template().replace("id: not_admitted", "id: Not"),
     "exclusion id 'Not' must be lower-case letters, digits and '_' starting with a letter"),
    ("not_boolean", template(people_count='required: "yes"'), "'required' must be true or false"),
    ("not_number", template(people_count="min: abc"), "'min' must be a number"),
    ("not_positive_whole_number", template().replace("version: 1", 'version: "one"'),
     "'version' must be a whole number >= 1"),
    ("not_positive_whole_number", template(facts=group(NAME) + "  max_items: 0\n"),
     "'max_items' must be a whole number >= 1"),
    ("languages_not_list", template().replace("languages: [zh, en]", "languages: zh"),
     "'languages' must be a list of language codes such as [zh, en]"),
    ("languages_lacks", template().replace("languages: [zh, en]", "languages: [zh]"),
     "'languages' must include 'en'"),
    ("languages_twice", template().replace("languages: [zh, en]", "languages: [zh, en, zh]"),
     "'languages' lists a language twice"),
    ("eligibility_not_list", template().replace(ELIGIBILITY, "eligibility: 3\n"),
     "'eligibility' must be a list of questions"),
    ("sections_empty", template().replace("sections:\n", "sections: []\nold_sections:\n"),
     "'sections' must be a non-empty list"),
    ("exclusions_not_list", template().replace("exclusions:\n", "exclusions: 3\nold:\n"),
     "'exclusions' must be a list"),
    ("statement_order_not_list", template(top="statement_order: facts"),
     "'statement_order' must be a list of section ids"),
    ("statement_order_incomplete",
     template(top="statement_order: [eligibility, eligibility, opening]"),
     "'statement_order' must list every section once, 'eligibility' included (missing: facts; "
     "unknown: opening; a section is listed twice)"),
    ("section_without_questions",
     template(sections="- id: more\n  title: {zh: 更多, en: More}\n  questions: []"),
     "section 'more' needs a non-empty list of questions"),
    ("unknown_type", template().replace("type: number", "type: numbr"),
     "unknown question type 'numbr' (one of: text, long_text, single_choice, multiple_choice, "
     "yes_no, number, date, time, datetime, identity_document, phone, confirmation, group, "
     "calculate)"),
    ("constraint_without_message", template(people_count="constraint: value >= 1"),
     "a 'constraint' needs a 'constraint_message' telling the party what to enter"),
    ("group_in_group", template(facts=group(group(NAME).replace("id: people", "id: inner"))),
     "a group cannot hold another group"),
    ("group_without_questions", template(facts=group("[]")),
     "a group needs a non-empty list of questions"),
    ("yes_no_wording_elsewhere", template(people_count="statement:\n  yes: {zh: 有, en: Yes.}"),
     "'yes' and 'no' wording is only for yes_no questions"),
    ("too_few_choices", template(facts=choices(FRIEND)),
     "'choices' must list at least two choices"),
    ("bad_choice_id", template(facts=choices("- id: Stranger\n  label: {zh: 生人, en: A stranger}\n"
                                             + FRIEND)),
     "choice id 'Stranger' must be lower-case letters, digits and '_'"),
    ("choice_id_twice", template(facts=choices(FRIEND + "\n" + FRIEND)),
     "choice id 'friend' appears twice"),
    ("empty_text", template(facts="- id: empty\n  type: text\n  prompt:"), "'prompt' is empty"),
    ("text_not_per_language",
     template().replace("{zh: 几个人？, en: How many people?}", "How many people?"),
     "'prompt' must give the text per language, e.g. {zh: ..., en: ...}"),
    ("text_not_mapping", template(people_count="help: [1]"),
     "'help' must be a mapping of language to text"),
    ("text_language_unknown", template(people_count="help: {zh: 帮, en: Help, fr: Aide}"),
     "'help' has text in 'fr', which is not among the template's languages"),
    ("text_empty_language", template(people_count="help: {zh: '', en: Help}"),
     "'help' in 'zh' must be non-empty text"),
    ("missing_translation", template(people_count="help: {zh: 帮助}"),
     "'help' lacks the 'en' translation"),
    ("missing_translation",
     template(facts=choices("- id: stranger\n  label: {zh: 生人}\n" + FRIEND)),
     "'label' lacks the 'en' translation"),
    ("unknown_placeholder", template(facts=group(NAME).replace('"Person {n}"', '"Person {x}"')),
     "'item_label' (en) uses the unknown placeholder {x}"),
    ("statement_unknown_placeholder",
     template(people_count="statement:\n  answer: {zh: '{nope}', en: '{answer}'}"),
     "the statement wording (zh) uses the unknown placeholder {nope}"),
    ("expression_not_text", template(people_count="show_if: [1]"),
     "'show_if' must be an expression written as text"),
    ("invalid_expression", template(people_count="show_if: people_count >"),
     "'show_if' is not a valid expression: syntax error: invalid syntax at column 1"),
    ("invalid_expression",
     template(facts="- id: many\n  type: calculate\n  calculation: （incident_date）"),
     "'calculation' is not a valid expression: syntax error: invalid character '（' (U+FF08) at "
     "column 1"),
    ("unknown_name", template(people_count="show_if: hit_count > 1"),
     "'show_if' uses 'hit_count', which is not a question of this template"),
    ("unknown_name", template(facts="- id: many\n  type: calculate\n"
                                    "  calculation: witness_count > 2"),
     "'calculation' uses 'witness_count', which is not a question of this template"),
    ("dependency_cycle", template(incident_date="show_if: people_count > 0",
                                  people_count="show_if: incident_date <= today()"),
     "dependency cycle: incident_date -> people_count -> incident_date"),
    ("depends_on_later", template(incident_date="show_if: people_count > 0"),
     "depends on 'people_count', which is asked later; a question can only depend on questions "
     "before it"),
    ("section_id_twice", template(sections="- id: facts\n  title: {zh: 又, en: Again}\n"
                                           "  questions:\n    - id: more\n      type: text\n"
                                           "      prompt: {zh: 更多, en: More}"),
     "section id 'facts' appears twice"),
    ("question_id_twice", template(facts="- id: people_count\n  type: text\n"
                                         "  prompt: {zh: 又, en: Again}"),
     "question id 'people_count' appears twice"),
    ("group_question_id_twice", template(facts=group(NAME + "\n" + NAME)),
     "question id 'name' appears twice in the group"),
    ("exclusion_id_twice", template().replace(
        "exclusions:\n", "exclusions:\n  - id: not_admitted\n    when: admits_facts == false\n"
                         "    reason: {zh: 又, en: Again}\n"),
     "exclusion id 'not_admitted' appears twice"),
]

# (code, expression, the English sentence ExpressionError has always said, with its position)
EXPRESSION_SAMPLES: list[tuple[str, object, str]] = [
    ("expression.not_text", 5, "an expression must be text, not int"),
    ("expression.too_long", "x" * 1001,
     "the expression is too long (1001 characters; at most 1000)"),
    ("expression.empty", "  ", "the expression is empty"),
    ("expression.nul", "x\x00", "the expression contains a NUL character"),
    ("expression.unreadable_because", "'\ud800'",
     "the expression cannot be read: UnicodeEncodeError"),
    ("expression.too_deep", "(" * 60 + "1" + ")" * 60,
     "the expression is nested too deeply (more than 50 levels)"),
    ("expression.too_deep", "-" * 999 + "1",
     "the expression is nested too deeply (more than 50 levels)"),
    ("expression.comment", "x == 1 # why", "comments (#) are not allowed in an expression"),
    ("expression.syntax", "x \\ 1",
     "syntax error: unexpected character after line continuation character at column 4"),
    ("expression.syntax_invalid", "x = 1", "syntax error: invalid syntax at column 3"),
    ("expression.syntax_comma", "[1 2]",
     "syntax error: invalid syntax. Perhaps you forgot a comma? at column 2"),
    ("expression.syntax_never_closed", "x == 1 and\n(y",
     "syntax error: '(' was never closed at line 2, column 1"),
    ("expression.syntax_unmatched", "x)", "syntax error: unmatched ')' at column 2"),
    ("expression.syntax_mismatched", "(x]",
     "syntax error: closing parenthesis ']' does not match opening parenthesis '(' at column 3"),
    ("expression.syntax_unterminated", "x == 'abc",
     "syntax error: unterminated string literal (detected at line 1) at column 6"),
    ("expression.syntax_character", "x ＝＝ 1",
     "syntax error: invalid character '＝' (U+FF1D) at column 3"),
    ("expression.syntax_invisible", "x\ufeff== 1",
     "syntax error: invalid non-printable character U+FEFF at column 2"),
    ("expression.syntax_number", "x == 1，", "syntax error: invalid decimal literal at column 6"),
    ("expression.syntax_leading_zero", "x == 01",
     "syntax error: leading zeros in decimal integer literals are not permitted; use an 0o "
     "prefix for octal integers at column 6"),
    ("expression.syntax_nesting", "(" * 300 + "1" + ")" * 300,
     "syntax error: too many nested parentheses at column 201"),
    ("expression.not_allowed", "lambda: 1", "a lambda is not allowed at column 1"),
    ("expression.not_allowed", "{'a': 1}", "a dict literal ({...}) is not allowed at column 1"),
    ("expression.not_allowed", "x[0]",
     "indexing or slicing ([...] after a value) is not allowed at column 1"),
    ("expression.not_allowed", "b'x' == x", "a bytes literal is not allowed at column 1"),
    ("expression.not_allowed", "1j", "a complex number is not allowed at column 1"),
    ("expression.not_allowed", "...", "the literal ellipsis is not allowed at column 1"),
    ("expression.not_allowed", "+x", "unary '+' is not allowed at column 1"),
    ("expression.not_allowed", "~x", "'~' is not allowed at column 1"),
    ("expression.not_allowed", "{x for x in y}",
     "a set comprehension is not allowed at column 1"),
    ("expression.none", "x == None", "None is not allowed (there is no empty value) at column 6"),
    ("expression.operator_not_allowed", "x ** 2", "the operator '**' is not allowed at column 1"),
    ("expression.identity", "x is 1", "'is' is not allowed; use '==' or '!=' at column 1"),
    ("expression.party_alone", "party == 1",
     "'party' needs a field, such as party.birth_date, party.sex or party.nationality at "
     "column 1"),
    ("expression.function_as_name", "today > x",
     "'today' is a function; call it as today(...) at column 1"),
    ("expression.bad_name", "X == 1",
     "the name 'X' is not allowed: names are lower-case letters, digits and '_' at column 1"),
    ("expression.attribute", "x.y == 1",
     "reading an attribute ('.y') is only allowed on party, as in party.birth_date at column 1"),
    ("expression.party_field", "party.address == 'x'",
     "unknown party field 'address'; use one of party.birth_date, party.nationality, party.sex "
     "at column 1"),
    ("expression.logic_needs_boolean", "1 and x",
     "'and' needs true/false on both sides, got a number at column 1"),
    ("expression.not_needs_boolean", "not 'a'", "'not' needs true/false, got text at column 1"),
    ("expression.minus_needs_number", "-today()", "'-' needs a number, got a date at column 1"),
    ("expression.plus_needs", "1 + 'a'",
     "'+' needs two numbers or two texts, got a number and text at column 1"),
    ("expression.plus_needs", "x + [1]",
     "'+' needs two numbers or two texts, got a value and a list at column 1"),
    ("expression.needs_numbers", "'a' * 2",
     "'*' needs two numbers, got text and a number at column 1"),
    ("expression.in_needs_list", "x in 1", "'in' needs a list or text on its right at column 6"),
    ("expression.in_needs_text", "1 in 'abc'",
     "'in' with text on its right needs text on its left, got a number at column 1"),
    ("expression.cannot_compare", "today() < 1",
     "cannot compare a date with a number using '<' at column 1"),
    ("expression.not_a_function", "x.y(1)",
     "only the functions today(), now(), age(), len(), days_between(), date(), min(), max() can "
     "be called at column 1"),
    ("expression.unknown_function", "open('f')", "unknown function 'open' at column 1"),
    ("expression.double_star", "age(**k)", "a '**' argument is not allowed in age() at column 1"),
    ("expression.keyword_argument", "age(a=1, b=2)",
     "a keyword argument (a=...) is not allowed at column 1"),
    ("expression.starred_argument", "min(*x)",
     "a starred argument (*x) is not allowed in min() at column 5"),
    ("expression.argument_count", "today(1)", "today() takes no arguments, got 1 at column 1"),
    ("expression.argument_count", "len()", "len(x) takes 1 argument, got 0 at column 1"),
    ("expression.argument_count", "age(x)",
     "age(birth_date, on_date) takes 2 arguments, got 1 at column 1"),
    ("expression.argument_count", "max()",
     "max(...) takes at least 1 argument, got 0 at column 1"),
    ("expression.needs_dates", "age(1, today())", "age() needs dates, got a number at column 5"),
    ("expression.len_needs", "len(1)", "len() needs text or a list, got a number at column 5"),
    ("expression.date_needs_text", "date(1)",
     'date() needs text written "YYYY-MM-DD", got a number at column 6'),
    ("expression.date_format", "date('2026-1-1')",
     "date() needs a date written \"YYYY-MM-DD\", got '2026-1-1' at column 6"),
    ("expression.date_not_real", "date('2026-02-30')",
     "date() got '2026-02-30', which is not a real date at column 6"),
    ("expression.cannot_choose", "min(true)",
     "min() cannot choose among true/false at column 1"),
    ("expression.cannot_compare_in", "max(1, 'a')",
     "max() cannot compare a number with text at column 1"),
]


def the_problem(source: str, code: str) -> TemplateProblem:
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(source, FILE)
    found = [p for p in caught.value.problems if p.code == code]
    assert len(found) == 1, [(p.code, p.message) for p in caught.value.problems]
    return found[0]


def refused(source: object) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)  # type: ignore[arg-type]
    return caught.value


def plain_values(value: object) -> Iterator[object]:
    """The values the admin wrote (ids, keys, numbers) inside a parameter, phrases opened."""
    if isinstance(value, Term):
        for _, inner in value.params:
            yield from plain_values(inner)
    elif isinstance(value, Joined):
        for inner in value.items:
            yield from plain_values(inner)
    elif isinstance(value, ExpressionError):
        for inner in value.params.values():
            yield from plain_values(inner)
        yield from (n for n in (value.line, value.column) if n is not None)
    else:
        yield value


def check_chinese(text: str, params: dict[str, object]) -> None:
    """Chinese throughout, every parameter said, no English but what is written as is."""
    assert CJK.search(text), text
    values = sorted({str(v) for p in params.values() for v in plain_values(p)}, key=len,
                    reverse=True)
    for value in values:
        assert value in text, (value, text)
    rest = text
    for value in values:  # as whole words: an id "y" leaves "party" alone
        rest = re.sub(rf"(?<![A-Za-z_]){re.escape(value)}(?![A-Za-z_])", " ", rest)
    left = set(ASCII_WORD.findall(rest)) - WRITTEN_AS_IS
    assert not left, (left, text)


# -- the catalog ----------------------------------------------------------------------------------


def _fields(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_code_is_worded_in_chinese_and_english_with_the_same_parameters(code: str) -> None:
    wording = CATALOG[code]
    assert set(wording) == {"zh", "en"}
    assert wording["zh"].strip() and wording["en"].strip()
    assert _fields(wording["zh"]) == _fields(wording["en"]), code
    # Each parameter shows in the Chinese wording; nothing English is left around them.
    sentinels = {name: f"〔{n}〕" for n, name in enumerate(sorted(_fields(wording["zh"])))}
    check_chinese(wording["zh"].format(**sentinels), sentinels)


# -- template problems ----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "source", "english"), PROBLEM_SAMPLES,
                         ids=[f"{code}-{n}" for n, (code, _, _) in enumerate(PROBLEM_SAMPLES)])
def test_a_problem_reads_as_before_in_english_and_wholly_in_chinese(
        code: str, source: str, english: str) -> None:
    problem = the_problem(source, code)
    assert problem.message == english
    assert problem.text("en") == english
    assert str(problem).endswith(f" {english}")
    check_chinese(problem.text("zh"), dict(problem.params))


def test_every_problem_code_is_sampled() -> None:
    sampled = {code for code, _, _ in PROBLEM_SAMPLES}
    tested_alone = {"unreadable", "too_many_values", "unknown_party_field"}
    assert sampled | tested_alone == set(PROBLEMS)


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(b"id: \xff\n")
    with pytest.raises(TemplateInvalid) as caught:
        read_template_source(path)
    (problem,) = caught.value.problems
    assert problem.code == "unreadable"
    assert problem.message == ("cannot be read: 'utf-8' codec can't decode byte 0xff in "
                               "position 4: invalid start byte")
    assert problem.text("zh").startswith("无法读取文件：'utf-8' codec")


def test_a_template_with_too_many_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_loader, "MAX_NODES", 10)
    problem = the_problem(template(), "too_many_values")
    assert problem.message == "the template is too large (more than 10 values)"
    check_chinese(problem.text("zh"), dict(problem.params))


def test_an_unknown_party_field_as_the_reference_check_would_say_it() -> None:
    # parse_expression refuses an unknown party field first; the loader's own check stays.
    fields = Joined(("party.birth_date", "party.nationality", "party.sex"))
    problem = TemplateProblem.of(FILE, 3, "people_count", "unknown_party_field", field="show_if",
                                 key="show_if", name="party.address", fields=fields)
    assert problem.message == ("'show_if' uses 'party.address'; the party's fields are "
                               "party.birth_date, party.nationality, party.sex")
    assert problem.text("zh") == ("“show_if” 用到了 “party.address”，当事人的字段只有 "
                                  "party.birth_date、party.nationality、party.sex")


def test_the_chinese_reads_as_an_admin_reads_it() -> None:
    problem = the_problem(template(people_count="show_if: hit_count > 1"), "unknown_name")
    assert problem.text("zh") == "“show_if” 用到了 “hit_count”，但本模板没有这个问题"
    problem = the_problem(template(people_count="requried: true"), "unknown_key")
    assert problem.text("zh").startswith(
        "“people_count” 这个问题中有未知的键 “requried”（可用的键：constraint、")
    problem = the_problem(template(people_count="show_if: people_count >"), "invalid_expression")
    assert problem.text("zh") == "“show_if” 的表达式有误：语法错误，这里写得不对（第 1 列）"
    problem = the_problem(template(incident_date="show_if: people_count > 0",
                                   people_count="show_if: incident_date <= today()"),
                          "dependency_cycle")
    assert problem.text("zh") == "问题之间循环依赖：incident_date → people_count → incident_date"


def test_a_problem_without_a_code_reads_the_same_in_every_language() -> None:
    problem = TemplateProblem("notices/rights.yaml", 2, None, "'paragraphs' must be a list")
    assert problem.code is None and problem.field is None
    assert problem.text("zh") == problem.text("en") == problem.message


# -- the field a problem is about -----------------------------------------------------------------


@pytest.mark.parametrize(("source", "code", "field"), [
    (template(people_count="show_if: hit_count > 1"), "unknown_name", "show_if"),
    (template(people_count="show_if: people_count >"), "invalid_expression", "show_if"),
    (template(facts="- id: many\n  type: calculate\n  calculation: witness_count > 2"),
     "unknown_name", "calculation"),
    (template(facts="- id: many\n  type: calculate"), "missing_key", "calculation"),
    (template(people_count="help: {zh: 帮助}"), "missing_translation", "help"),
    (template(people_count="constraint: value >= 1"), "constraint_without_message",
     "constraint_message"),
    (template(facts=choices(FRIEND + "\n" + FRIEND)), "choice_id_twice", "choices"),
    (template(people_count="statement:\n  answer: {zh: '{nope}', en: '{answer}'}"),
     "statement_unknown_placeholder", "statement.answer"),
    (template(people_count="requried: true"), "unknown_key", None),
    (template(incident_date="show_if: people_count > 0"), "depends_on_later", None),
])
def test_a_problem_names_its_field_and_the_editor_places_it_there(
        source: str, code: str, field: str | None) -> None:
    problem = the_problem(source, code)
    assert problem.field == field
    document = TemplateDocument(source)
    assert document.locate(problem) == (document.path_of(problem.question or ""), field)


def test_a_section_or_exclusion_problem_is_placed_on_its_node_after_lines_moved() -> None:
    from kiosk.settings import PROJECT_ROOT
    from kiosk.template_model import QuestionType

    source = (PROJECT_ROOT / "templates" / "questions" / "petty-theft.yaml").read_text("utf-8")
    document = TemplateDocument(source)
    # A question added at the top moves every line below it; then two texts lose English.
    first = document.add_question(document.path_of("admits_facts")[:-1], "first",
                                  QuestionType.CONFIRMATION, 0)
    document.set_text(first, "prompt", "zh", "确认")
    document.set_text(first, "prompt", "en", "OK")
    document.set_text(("sections", 1), "title", "en", "")
    document.set_text(("exclusions", 0), "reason", "en", "")
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(document.source(), FILE)
    placed = {document.locate(problem) for problem in caught.value.problems}
    assert placed == {(("sections", 1), "title"), (("exclusions", 0), "reason")}


# -- expression errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "source", "english"), EXPRESSION_SAMPLES,
                         ids=[f"{code}-{n}" for n, (code, _, _) in enumerate(EXPRESSION_SAMPLES)])
def test_an_expression_error_reads_as_before_in_english_and_wholly_in_chinese(
        code: str, source: object, english: str) -> None:
    error = refused(source)
    assert error.code == code
    assert str(error) == english
    assert error.text("en") == english
    check_chinese(error.text("zh"), {"error": error})


def test_every_expression_code_is_sampled() -> None:
    sampled = {code for code, _, _ in EXPRESSION_SAMPLES}
    positions = {"expression.at_column", "expression.at_line_column"}
    tested_alone = {"expression.unreadable"}  # the tokenizer disagreeing with the parser
    assert sampled | positions | tested_alone == set(EXPRESSION_ERRORS)


def test_an_error_the_tokenizer_alone_finds() -> None:
    error = ExpressionError("expression.unreadable")
    assert str(error) == error.message == "the expression cannot be read"
    assert error.text("zh") == "无法读取表达式"


def test_a_position_is_said_in_each_language() -> None:
    error = refused("x == 1 and\n  y == 2 and\n    open(1)")
    assert str(error) == "unknown function 'open' at line 3, column 5"
    assert error.text("zh") == "没有 “open” 这个函数（第 3 行第 5 列）"
    assert refused("open(1)").text("zh") == "没有 “open” 这个函数（第 1 列）"


def test_an_expression_error_keeps_its_code_through_pickling() -> None:
    error = refused("1 + 'a'")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.params, str(copy), copy.text("zh")) == (
        error.code, error.params, str(error), error.text("zh"))


def test_a_syntax_error_python_words_differently_is_quoted_as_it_is() -> None:
    error = refused("x \\ 1")
    assert error.code == "expression.syntax"
    assert error.params == {"detail": "unexpected character after line continuation character"}
    assert error.text("zh").startswith("语法错误：unexpected character")


def test_a_located_problem_reads_like_validate_in_english_and_wholly_in_chinese() -> None:
    source = template(people_count="show_if: nobody > 1")
    problem = the_problem(source, "unknown_name")
    assert problem.located("en") == str(problem)
    assert problem.located("zh") == (
        f"{FILE} 第 {problem.line} 行（问题 people_count）：“show_if” 用到了 “nobody”，"
        f"但本模板没有这个问题")
