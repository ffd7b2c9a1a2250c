"""Reads interview templates from YAML and validates them, naming file, line and question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kiosk.expressions import Expression, ExpressionError, parse_expression
from kiosk.rendering import placeholders
from kiosk.template_model import (
    CHOICE_TYPES,
    ELIGIBILITY_SECTION_ID,
    ELIGIBILITY_TITLE,
    PARTY_NAMES,
    Choice,
    Exclusion,
    Question,
    QuestionType,
    Section,
    StatementWording,
    Template,
    Text,
)

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
REQUIRED_LANGUAGES = ("zh", "en")

TOP_KEYS = {"id", "version", "languages", "title", "description", "legal_basis", "eligibility",
            "sections", "exclusions", "statement_order"}
TOP_REQUIRED = {"id", "version", "languages", "title", "legal_basis", "eligibility", "sections"}
SECTION_KEYS = {"id", "title", "questions", "show_if"}
EXCLUSION_KEYS = {"id", "when", "reason"}
QUESTION_KEYS = {"id", "type", "prompt", "help", "read_aloud", "required", "show_if", "constraint",
                 "constraint_message", "statement"}
TYPE_KEYS: dict[QuestionType, set[str]] = {
    QuestionType.SINGLE_CHOICE: {"choices"},
    QuestionType.MULTIPLE_CHOICE: {"choices", "min", "max"},
    QuestionType.NUMBER: {"min", "max", "decimal"},
    QuestionType.TEXT: {"min", "max"},
    QuestionType.LONG_TEXT: {"min", "max"},
    QuestionType.GROUP: {"repeat_count", "max_items", "item_label", "questions"},
}
# A calculated value is never asked: it has a name (the prompt, optional), a condition and its
# calculation, and none of the keys about asking, checking or printing an answer.
CALCULATE_KEYS = {"id", "type", "prompt", "show_if", "calculation"}


def question_keys(kind: QuestionType) -> tuple[set[str], set[str]]:
    """The keys a question of this type may have, and those it must have."""
    if kind is QuestionType.CALCULATE:
        return set(CALCULATE_KEYS), {"id", "type", "calculation"}
    required = {"id", "type", "prompt"}
    if kind in CHOICE_TYPES:
        required.add("choices")
    if kind is QuestionType.GROUP:
        required |= {"repeat_count", "questions", "item_label"}
    return QUESTION_KEYS | TYPE_KEYS.get(kind, set()), required


CHOICE_KEYS = {"id", "label", "statement"}
STATEMENT_KEYS = {"question", "answer", "yes", "no"}
TEXT_NAMES = {"answer", "n"}


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong in a template file, located for the person fixing it."""

    file: str
    line: int | None
    question: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        about = f" [question {self.question}]" if self.question else ""
        return f"{where}:{about} {self.message}"


class TemplateInvalid(ValueError):
    """A template file that cannot be used; `problems` lists everything found, not the first."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_of(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of a mapping key (or list item), or of the node itself."""
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        if key is not None and isinstance(node, CommentedSeq) and isinstance(key, int):
            return node.lc.item(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


class YamlReader:
    """Walks the YAML tree once, turning it into typed objects and collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[TemplateProblem] = []
        self.languages: tuple[str, ...] = REQUIRED_LANGUAGES
        self.unreadable: set[str] = set()  # ids of questions too broken to build

    def problem(self, line: int | None, message: str, question: str | None = None) -> None:
        self.problems.append(TemplateProblem(self.filename, line, question, message))

    # -- small typed readers ----------------------------------------------------------------

    def keys(self, node: Any, allowed: set[str], required: set[str], what: str,
             qid: str | None = None) -> bool:
        if not isinstance(node, CommentedMap):
            self.problem(_line_of(node), f"{what} must be a mapping of keys to values", qid)
            return False
        for key in node:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.problem(_line_of(node, key), f"unknown key '{key}' in {what} "
                             f"(allowed: {hint})", qid)
        for key in sorted(required - set(node)):
            self.problem(_line_of(node), f"{what} lacks the required key '{key}'", qid)
        return True

    def text(self, node: CommentedMap, key: str, qid: str | None, *, names: set[str] | None = None,
             required: bool = True) -> Text | None:
        value = node.get(key)
        line = _line_of(node, key)
        if value is None:
            if required and key in node:
                self.problem(line, f"'{key}' is empty", qid)
            return None
        return self.text_value(value, line, key, qid, names=names)

    def text_value(self, value: Any, line: int | None, key: str, qid: str | None, *,
                   names: set[str] | None = None) -> Text | None:
        """Checks one text (a mapping of language to string) found at `line`."""
        if isinstance(value, str):
            self.problem(line, f"'{key}' must give the text per language, e.g. "
                         f"{{zh: ..., en: ...}}", qid)
            return None
        if not isinstance(value, CommentedMap):
            self.problem(line, f"'{key}' must be a mapping of language to text", qid)
            return None
        result: dict[str, str] = {}
        for language, text in value.items():
            if language not in self.languages:
                self.problem(_line_of(value, language), f"'{key}' has text in '{language}', "
                             f"which is not among the template's languages", qid)
            elif not isinstance(text, str) or not text.strip():
                self.problem(_line_of(value, language), f"'{key}' in '{language}' must be "
                             f"non-empty text", qid)
            else:
                result[language] = text
        for language in self.languages:
            if language not in value:
                self.problem(line, f"'{key}' lacks the '{language}' translation", qid)
        if names is not None:
            for language, text in result.items():
                for name in placeholders(text):
                    if name not in names:
                        self.problem(line, f"'{key}' ({language}) uses the unknown placeholder "
                                     f"{{{name}}}", qid)
        return result

    def expression(self, node: CommentedMap, key: str, qid: str | None) -> Expression | None:
        if key not in node:
            return None
        source = node[key]
        line = _line_of(node, key)
        if isinstance(source, bool | int | float):
            source = str(source).lower() if isinstance(source, bool) else str(source)
        if not isinstance(source, str):
            self.problem(line, f"'{key}' must be an expression written as text", qid)
            return None
        try:
            return parse_expression(source)
        except ExpressionError as exc:
            self.problem(line, f"'{key}' is not a valid expression: {exc}", qid)
            return None

    def boolean(self, node: CommentedMap, key: str, default: bool, qid: str | None) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.problem(_line_of(node, key), f"'{key}' must be true or false", qid)
            return default
        return value

    def number(self, node: CommentedMap, key: str, qid: str | None) -> float | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(_line_of(node, key), f"'{key}' must be a number", qid)
            return None
        return value

    def identifier(self, node: CommentedMap, what: str, pattern: re.Pattern[str] = ID_RE) -> str:
        value = node.get("id")
        if not isinstance(value, str) or not pattern.match(value):
            self.problem(_line_of(node, "id"), f"{what} id {value!r} must be lower-case letters, "
                         f"digits and '_' starting with a letter")
            return str(value)
        return value

    # -- the structure ----------------------------------------------------------------------

    def template(self, root: Any, source: str) -> Template | None:
        if not self.keys(root, TOP_KEYS, TOP_REQUIRED, "the template"):
            return None
        template_id = self.identifier(root, "template", SLUG_RE)
        version = root.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(_line_of(root, "version"), "'version' must be a whole number >= 1")
            version = 0
        languages = root.get("languages")
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(x, str) and LANGUAGE_RE.match(x) for x in languages)):
            self.problem(_line_of(root, "languages"), "'languages' must be a list of language "
                         "codes such as [zh, en]")
        else:
            self.languages = tuple(languages)
            for needed in REQUIRED_LANGUAGES:
                if needed not in self.languages:
                    self.problem(_line_of(root, "languages"), f"'languages' must include "
                                 f"'{needed}'")
            if len(set(self.languages)) != len(self.languages):
                self.problem(_line_of(root, "languages"), "'languages' lists a language twice")
        title = self.text(root, "title", None)
        description = self.text(root, "description", None, required=False)
        legal_basis = self.text(root, "legal_basis", None)

        sections: list[Section] = []
        eligibility = root.get("eligibility")
        if eligibility is not None and not isinstance(eligibility, CommentedSeq):
            self.problem(_line_of(root, "eligibility"), "'eligibility' must be a list of questions")
        elif "eligibility" in root:
            sections.append(Section(ELIGIBILITY_SECTION_ID, ELIGIBILITY_TITLE,
                                    self.questions(eligibility or CommentedSeq(), in_group=False),
                                    _line_of(root, "eligibility") or 0))
        raw_sections = root.get("sections")
        if not isinstance(raw_sections, CommentedSeq) or not raw_sections:
            self.problem(_line_of(root, "sections"), "'sections' must be a non-empty list")
        else:
            sections.extend(s for s in map(self.section, raw_sections) if s is not None)
        exclusions: list[Exclusion] = []
        raw_exclusions = root.get("exclusions") or CommentedSeq()
        if not isinstance(raw_exclusions, CommentedSeq):
            self.problem(_line_of(root, "exclusions"), "'exclusions' must be a list")
        else:
            exclusions = [e for e in map(self.exclusion, raw_exclusions) if e is not None]
        order = self.statement_order(root, [s.id for s in sections])
        # Built even when problems were found, so the reference checks can report theirs too.
        return Template(template_id, version, self.languages, title or {}, legal_basis or {},
                        tuple(sections), tuple(exclusions), description, source, self.filename,
                        order)

    def statement_order(self, root: CommentedMap, section_ids: list[str]) -> tuple[str, ...]:
        raw = root.get("statement_order")
        if raw is None:
            return ()
        line = _line_of(root, "statement_order")
        if not isinstance(raw, CommentedSeq) or not all(isinstance(x, str) for x in raw):
            self.problem(line, "'statement_order' must be a list of section ids")
            return ()
        if sorted(raw) != sorted(section_ids):
            missing = sorted(set(section_ids) - set(raw))
            extra = sorted(set(raw) - set(section_ids))
            detail = "; ".join(part for part in (
                f"missing: {', '.join(missing)}" if missing else "",
                f"unknown: {', '.join(extra)}" if extra else "",
                "a section is listed twice" if len(raw) != len(set(raw)) else "") if part)
            self.problem(line, f"'statement_order' must list every section once, "
                         f"'{ELIGIBILITY_SECTION_ID}' included ({detail})")
            return ()
        return tuple(raw)

    def section(self, node: Any) -> Section | None:
        if not self.keys(node, SECTION_KEYS, {"id", "title", "questions"}, "a section"):
            return None
        section_id = self.identifier(node, "section")
        title = self.text(node, "title", None)
        raw = node.get("questions")
        if not isinstance(raw, CommentedSeq) or not raw:
            self.problem(_line_of(node, "questions"), f"section '{section_id}' needs a non-empty "
                         f"list of questions")
            raw = CommentedSeq()
        questions = self.questions(raw, in_group=False)
        return Section(section_id, title or {}, questions, _line_of(node) or 0,
                       self.expression(node, "show_if", None))

    def questions(self, raw: CommentedSeq, *, in_group: bool) -> tuple[Question, ...]:
        return tuple(q for q in (self.question(item, in_group) for item in raw) if q is not None)

    def question(self, node: Any, in_group: bool) -> Question | None:
        if not isinstance(node, CommentedMap):
            self.problem(_line_of(node), "a question must be a mapping of keys to values")
            return None
        qid = node.get("id") if isinstance(node.get("id"), str) else None
        raw_type = node.get("type")
        try:
            qtype = QuestionType(raw_type)
        except ValueError:
            kinds = ", ".join(t.value for t in QuestionType)
            self.problem(_line_of(node, "type"), f"unknown question type {raw_type!r} "
                         f"(one of: {kinds})", qid)
            if qid:
                self.unreadable.add(qid)
            return None
        allowed, required = question_keys(qtype)
        self.keys(node, allowed, required, f"question '{qid}'", qid)
        qid = self.identifier(node, "question")
        line = _line_of(node) or 0
        statement = self.statement(node, qid)
        constraint = self.expression(node, "constraint", qid) if "constraint" in allowed else None
        constraint_message = self.text(node, "constraint_message", qid, required=False)
        if constraint is not None and constraint_message is None:
            self.problem(_line_of(node, "constraint"), "a 'constraint' needs a "
                         "'constraint_message' telling the party what to enter", qid)
        choices = self.choices(node, qid) if qtype in CHOICE_TYPES else ()
        questions: tuple[Question, ...] = ()
        if qtype is QuestionType.GROUP:
            raw = node.get("questions")
            if in_group:
                self.problem(line, "a group cannot hold another group", qid)
            elif isinstance(raw, CommentedSeq) and raw:
                questions = self.questions(raw, in_group=True)
            else:
                self.problem(_line_of(node, "questions"), "a group needs a non-empty list of "
                             "questions", qid)
        max_items = node.get("max_items", 10)
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            self.problem(_line_of(node, "max_items"), "'max_items' must be a whole number >= 1",
                         qid)
            max_items = 10
        return Question(
            id=qid, type=qtype, line=line,
            prompt=self.text(node, "prompt", qid) or {},
            help=self.text(node, "help", qid, required=False),
            read_aloud=self.text(node, "read_aloud", qid, required=False),
            required=self.boolean(node, "required", True, qid),
            show_if=self.expression(node, "show_if", qid),
            constraint=constraint, constraint_message=constraint_message, choices=choices,
            min=self.number(node, "min", qid), max=self.number(node, "max", qid),
            decimal=self.boolean(node, "decimal", False, qid),
            statement=statement,
            repeat_count=self.expression(node, "repeat_count", qid),
            max_items=max_items,
            item_label=self.text(node, "item_label", qid, names={"n"}, required=False),
            questions=questions,
            calculation=self.expression(node, "calculation", qid),
        )

    def statement(self, node: CommentedMap, qid: str) -> StatementWording:
        raw = node.get("statement")
        if raw is None:
            return StatementWording()
        if raw is False:
            return StatementWording(include=False)
        if not self.keys(raw, STATEMENT_KEYS, set(), "'statement'", qid):
            return StatementWording()
        if ("yes" in raw or "no" in raw) and node.get("type") != "yes_no":
            self.problem(_line_of(raw, "yes" if "yes" in raw else "no"),
                         "'yes' and 'no' wording is only for yes_no questions", qid)
        return StatementWording(
            include=True,
            question=self.text(raw, "question", qid, required=False),
            answer=self.text(raw, "answer", qid, required=False, names=None),
            yes=self.text(raw, "yes", qid, required=False),
            no=self.text(raw, "no", qid, required=False),
        )

    def choices(self, node: CommentedMap, qid: str) -> tuple[Choice, ...]:
        raw = node.get("choices")
        if not isinstance(raw, CommentedSeq) or len(raw) < 2:
            self.problem(_line_of(node, "choices"), "'choices' must list at least two choices",
                         qid)
            return ()
        choices: list[Choice] = []
        for item in raw:
            if not self.keys(item, CHOICE_KEYS, {"id", "label"}, "a choice", qid):
                continue
            choice_id = item.get("id")
            if not isinstance(choice_id, str) or not ID_RE.match(choice_id):
                self.problem(_line_of(item, "id"), f"choice id {choice_id!r} must be lower-case "
                             f"letters, digits and '_'", qid)
                continue
            if any(c.id == choice_id for c in choices):
                self.problem(_line_of(item, "id"), f"choice id '{choice_id}' appears twice", qid)
            choices.append(Choice(choice_id, self.text(item, "label", qid) or {},
                                  self.text(item, "statement", qid, required=False)))
        return tuple(choices)

    def exclusion(self, node: Any) -> Exclusion | None:
        if not self.keys(node, EXCLUSION_KEYS, EXCLUSION_KEYS, "an exclusion"):
            return None
        exclusion_id = self.identifier(node, "exclusion")
        when = self.expression(node, "when", None)
        reason = self.text(node, "reason", None)
        if when is None or reason is None:
            return None
        return Exclusion(exclusion_id, when, reason, _line_of(node) or 0)


def _check_references(template: Template, problems: list[TemplateProblem],
                      unreadable: set[str]) -> None:
    """Unknown names, duplicate ids, forward references and dependency cycles.

    Names of questions that were too broken to build are not reported again as unknown.
    """
    file = template.filename
    order: dict[str, int] = {}
    section_ids: set[str] = set()
    for section in template.sections:
        if section.id in section_ids:
            problems.append(TemplateProblem(file, section.line, None,
                                            f"section id '{section.id}' appears twice"))
        section_ids.add(section.id)
        for question in section.questions:
            if question.id in order:
                problems.append(TemplateProblem(file, question.line, question.id,
                                                f"question id '{question.id}' appears twice"))
            order.setdefault(question.id, len(order))
            inner: set[str] = set()
            for sub in question.questions:
                if sub.id in inner:
                    problems.append(TemplateProblem(file, sub.line, f"{question.id}.{sub.id}",
                                                    f"question id '{sub.id}' appears twice in "
                                                    f"the group"))
                inner.add(sub.id)
    exclusion_ids: set[str] = set()
    for exclusion in template.exclusions:
        if exclusion.id in exclusion_ids:
            problems.append(TemplateProblem(file, exclusion.line, None,
                                            f"exclusion id '{exclusion.id}' appears twice"))
        exclusion_ids.add(exclusion.id)

    # Dependencies between top-level questions, for cycle detection; group questions are folded
    # into their group, since a group item is asked as a whole.
    depends: dict[str, set[str]] = {qid: set() for qid in order}

    def check(expr: Expression | None, key: str, qid: str | None, line: int,
              owner: str | None, local: set[str], allow_value: bool) -> None:
        if expr is None:
            return
        for name in sorted(expr.names):
            if name == "value" and allow_value:
                continue
            if name in PARTY_NAMES or name in local:
                continue
            if name.startswith("party."):
                known = ", ".join(sorted(PARTY_NAMES))
                problems.append(TemplateProblem(file, line, qid, f"'{key}' uses '{name}'; the "
                                                f"party's fields are {known}"))
            elif name not in order and name not in unreadable:
                problems.append(TemplateProblem(file, line, qid, f"'{key}' uses '{name}', which "
                                                f"is not a question of this template"))
            elif owner is not None and key != "constraint" and name in order:
                depends[owner].add(name)

    for section in template.sections:
        first = section.questions[0].id if section.questions else None
        check(section.show_if, "show_if", None, section.line, first, set(), False)
        for question in section.questions:
            local = {sub.id for sub in question.questions}
            check(question.show_if, "show_if", question.id, question.line, question.id, set(),
                  False)
            check(question.constraint, "constraint", question.id, question.line, question.id,
                  set(), True)
            check(question.repeat_count, "repeat_count", question.id, question.line, question.id,
                  set(), False)
            check(question.calculation, "calculation", question.id, question.line, question.id,
                  set(), False)
            for sub in question.questions:
                qid = f"{question.id}.{sub.id}"
                check(sub.show_if, "show_if", qid, sub.line, question.id, local, False)
                check(sub.constraint, "constraint", qid, sub.line, question.id, local, True)
                check(sub.calculation, "calculation", qid, sub.line, question.id, local, False)
    for exclusion in template.exclusions:
        check(exclusion.when, "when", None, exclusion.line, None, set(), False)

    # Placeholders in the statement wording: {answer}, {n} and answers of other questions.
    for _, question in template.top_questions():
        local = {sub.id for sub in question.questions}
        for qid, item in [(question.id, question),
                          *((f"{question.id}.{s.id}", s) for s in question.questions)]:
            wording = item.statement
            for text in (wording.question, wording.answer, wording.yes, wording.no):
                for language, value in (text or {}).items():
                    for name in placeholders(value):
                        if name not in TEXT_NAMES and name not in order and name not in local:
                            problems.append(TemplateProblem(
                                file, item.line, qid, f"the statement wording ({language}) uses "
                                f"the unknown placeholder {{{name}}}"))

    for path in _cycles(depends):
        problems.append(TemplateProblem(file, template.question(path[0]).line, path[0],
                                        "dependency cycle: " + " -> ".join(path)))
    cyclic = {qid for path in _cycles(depends) for qid in path}
    for qid, needed in depends.items():
        for name in sorted(needed - cyclic):
            if order[name] > order[qid]:
                problems.append(TemplateProblem(
                    file, template.question(qid).line, qid,
                    f"depends on '{name}', which is asked later; a question can only depend on "
                    f"questions before it"))


def _cycles(depends: dict[str, set[str]]) -> Iterable[list[str]]:
    """Each dependency cycle once, as a path that returns to its start."""
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(depends.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt):], nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
            elif state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(depends):
        if node not in state:
            visit(node)
    return found


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


MAX_SOURCE_BYTES = 2_000_000
MAX_NODES = 100_000


def _shape_problem(root: Any) -> str | None:
    """Refuses YAML aliases and absurd sizes before anything walks the tree.

    An alias makes one node appear in many places ("billion laughs"): a few lines could make
    validation take minutes and gigabytes. Templates never need them.
    """
    seen: set[int] = set()
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                return "YAML anchors and aliases (& and *) are not allowed in templates"
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
        count += 1
        if count > MAX_NODES:
            return f"the template is too large (more than {MAX_NODES} values)"
    return None


def parse_template(source: str, filename: str = "<template>") -> Template:
    """Parses and validates template YAML; raises TemplateInvalid listing every problem."""
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise TemplateInvalid([TemplateProblem(filename, None, None, "the file is larger than "
                                               f"{MAX_SOURCE_BYTES // 1_000_000} MB")])
    try:
        root = _yaml().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = (exc.problem or exc.context or "").strip()
        raise TemplateInvalid([TemplateProblem(filename, line, None,
                                               f"not valid YAML: {detail}")]) from exc
    except YAMLError as exc:
        raise TemplateInvalid([TemplateProblem(filename, None, None,
                                               f"not valid YAML: {exc}")]) from exc
    shape = _shape_problem(root)
    if shape:
        raise TemplateInvalid([TemplateProblem(filename, None, None, shape)])
    reader = YamlReader(filename)
    template = reader.template(root, source)
    problems = reader.problems
    if template is not None:
        _check_references(template, problems, reader.unreadable)
    if problems or template is None:
        raise TemplateInvalid(problems)
    return template


def read_template_source(path: Path) -> str:
    """The text of a template file; an unreadable file is a problem like any other."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateInvalid([TemplateProblem(str(path), None, None,
                                               f"cannot be read: {exc}")]) from exc


def load_template_file(path: Path) -> Template:
    """Reads and validates one template file."""
    return parse_template(read_template_source(path), str(path))



def shipped_template_files(templates_dir: Path) -> list[Path]:
    """The interview templates in a templates folder, in name order."""
    return sorted((templates_dir / "questions").glob("*.yaml"))
