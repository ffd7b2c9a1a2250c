"""Reads interview templates from YAML and validates them, naming file, line and question."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kiosk.expressions import Expression, ExpressionError, parse_expression
from kiosk.law import load_law
from kiosk.rendering import placeholders
from kiosk.template_messages import Joined, Term, render, term
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

TOP_KEYS = {"id", "version", "languages", "title", "description", "legal_basis", "offence",
            "mediable", "role",
            "eligibility", "sections", "exclusions", "statement_order"}
TOP_REQUIRED = {"id", "version", "languages", "title", "legal_basis", "eligibility", "sections"}
SECTION_KEYS = {"id", "title", "questions", "show_if"}
EXCLUSION_KEYS = {"id", "when", "reason"}
QUESTION_KEYS = {"id", "type", "prompt", "help", "read_aloud", "required", "show_if", "constraint",
                 "constraint_message", "statement", "fact"}
ROLES = ("offender", "victim", "witness")
"""Whose interview a template is (`role`; none: the offender's). kiosk/persons.py."""
FACT_RE = re.compile(r"^facts\.[a-z][a-z0-9_]*$")
"""A shared fact key (`fact: facts.time`): answers of different persons to it are compared."""
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
    """One thing wrong in a template file, located for the person fixing it.

    `code` and `params` say what is wrong (worded in each language by
    kiosk/template_messages.py; `text(language)`), `field` is the key it is about where the
    loader knows it ("show_if", "prompt"), and `message` is the English wording that
    `kiosk template validate` prints. A problem worded by its reader alone (the notice and
    document wording readers) has no code and reads the same in every language.
    """

    file: str
    line: int | None
    question: str | None
    message: str
    code: str | None = None
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, compare=False)
    field: str | None = None

    @classmethod
    def of(cls, file: str, line: int | None, question: str | None, code: str, /, *,
           field: str | None = None, **params: object) -> TemplateProblem:
        """A problem from the catalog; its English message is worded from the code."""
        return cls(file, line, question, render(code, params, "en"), code, params, field)

    def text(self, language: str) -> str:
        """What is wrong, in a language (as `message` for a problem without a code)."""
        if self.code is None:
            return self.message
        return render(self.code, self.params, language)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        about = f" [question {self.question}]" if self.question else ""
        return f"{where}:{about} {self.message}"

    def located(self, language: str) -> str:
        """The problem with its file, line and question, in a language (English: `str()`)."""
        about = render("located.question", {"id": self.question}, language) \
            if self.question else ""
        return render("located.line" if self.line else "located.file",
                      {"file": self.file, "line": self.line, "about": about,
                       "problem": self.text(language)}, language)


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
        """A problem in words of its own, the same in every language (see `report`)."""
        self.problems.append(TemplateProblem(self.filename, line, question, message))

    def report(self, line: int | None, code: str, question: str | None = None, /, *,
               field: str | None = None, **params: object) -> None:
        """A problem from the catalog in kiosk/template_messages.py, said in each language."""
        self.problems.append(TemplateProblem.of(self.filename, line, question, code,
                                                field=field, **params))

    # -- small typed readers ----------------------------------------------------------------

    def keys(self, node: Any, allowed: set[str], required: set[str], what: str | Term,
             qid: str | None = None, *, field: str | None = None) -> bool:
        """Checks a mapping's keys. `what` names it ("a section", as a Term to be translated);
        `field` is the question's key it belongs to ("choices"), if it is not the question."""
        if not isinstance(node, CommentedMap):
            self.report(_line_of(node), "not_mapping", qid, field=field, what=what)
            return False
        for key in node:
            if key not in allowed:
                self.report(_line_of(node, key), "unknown_key", qid, field=field, key=key,
                            what=what, allowed=Joined(tuple(sorted(allowed))))
        for key in sorted(required - set(node)):
            # A question's missing key is about that key; other nodes' problems name no field.
            self.report(_line_of(node), "missing_key", qid,
                        field=field or (key if qid else None), what=what, key=key)
        return True

    def text(self, node: CommentedMap, key: str, qid: str | None, *, names: set[str] | None = None,
             required: bool = True, field: str | None = None) -> Text | None:
        """The text at `key`; `field` names it when it is not the key itself."""
        value = node.get(key)
        line = _line_of(node, key)
        if value is None:
            if required and key in node:
                self.report(line, "empty_text", qid, field=field or key, key=key)
            return None
        return self.text_value(value, line, key, qid, names=names, field=field)

    def text_value(self, value: Any, line: int | None, key: str, qid: str | None, *,
                   names: set[str] | None = None, field: str | None = None) -> Text | None:
        """Checks one text (a mapping of language to string) found at `line`."""
        field = field or key
        if isinstance(value, str):
            self.report(line, "text_not_per_language", qid, field=field, key=key)
            return None
        if not isinstance(value, CommentedMap):
            self.report(line, "text_not_mapping", qid, field=field, key=key)
            return None
        result: dict[str, str] = {}
        for language, text in value.items():
            if language not in self.languages:
                self.report(_line_of(value, language), "text_language_unknown", qid, field=field,
                            key=key, language=language)
            elif not isinstance(text, str) or not text.strip():
                self.report(_line_of(value, language), "text_empty_language", qid, field=field,
                            key=key, language=language)
            else:
                result[language] = text
        for language in self.languages:
            if language not in value:
                self.report(line, "missing_translation", qid, field=field, key=key,
                            language=language)
        if names is not None:
            for language, text in result.items():
                for name in placeholders(text):
                    if name not in names:
                        self.report(line, "unknown_placeholder", qid, field=field, key=key,
                                    language=language, name=name)
        return result

    def expression(self, node: CommentedMap, key: str, qid: str | None) -> Expression | None:
        if key not in node:
            return None
        source = node[key]
        line = _line_of(node, key)
        if isinstance(source, bool | int | float):
            source = str(source).lower() if isinstance(source, bool) else str(source)
        if not isinstance(source, str):
            self.report(line, "expression_not_text", qid, field=key, key=key)
            return None
        try:
            return parse_expression(source)
        except ExpressionError as exc:
            self.report(line, "invalid_expression", qid, field=key, key=key, error=exc)
            return None

    def boolean(self, node: CommentedMap, key: str, default: bool, qid: str | None) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.report(_line_of(node, key), "not_boolean", qid, field=key, key=key)
            return default
        return value

    def number(self, node: CommentedMap, key: str, qid: str | None) -> float | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.report(_line_of(node, key), "not_number", qid, field=key, key=key)
            return None
        return value

    def identifier(self, node: CommentedMap, what: str | Term,
                   pattern: re.Pattern[str] = ID_RE) -> str:
        """The node's id; `what` names the kind of node ("section", as a Term to be translated)."""
        value = node.get("id")
        if not isinstance(value, str) or not pattern.match(value):
            self.report(_line_of(node, "id"), "bad_id", what=what, value=value)
            return str(value)
        return value

    # -- the structure ----------------------------------------------------------------------

    def template(self, root: Any, source: str) -> Template | None:
        if not self.keys(root, TOP_KEYS, TOP_REQUIRED, term("word.the_template")):
            return None
        template_id = self.identifier(root, term("word.template"), SLUG_RE)
        version = root.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.report(_line_of(root, "version"), "not_positive_whole_number", field="version",
                        key="version")
            version = 0
        languages = root.get("languages")
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(x, str) and LANGUAGE_RE.match(x) for x in languages)):
            self.report(_line_of(root, "languages"), "languages_not_list", field="languages")
        else:
            self.languages = tuple(languages)
            for needed in REQUIRED_LANGUAGES:
                if needed not in self.languages:
                    self.report(_line_of(root, "languages"), "languages_lacks",
                                field="languages", language=needed)
            if len(set(self.languages)) != len(self.languages):
                self.report(_line_of(root, "languages"), "languages_twice", field="languages")
        title = self.text(root, "title", None)
        description = self.text(root, "description", None, required=False)
        legal_basis = self.text(root, "legal_basis", None)

        sections: list[Section] = []
        eligibility = root.get("eligibility")
        if eligibility is not None and not isinstance(eligibility, CommentedSeq):
            self.report(_line_of(root, "eligibility"), "eligibility_not_list",
                        field="eligibility")
        elif "eligibility" in root:
            sections.append(Section(ELIGIBILITY_SECTION_ID, ELIGIBILITY_TITLE,
                                    self.questions(eligibility or CommentedSeq(), in_group=False),
                                    _line_of(root, "eligibility") or 0))
        raw_sections = root.get("sections")
        if not isinstance(raw_sections, CommentedSeq) or not raw_sections:
            self.report(_line_of(root, "sections"), "sections_empty", field="sections")
        else:
            sections.extend(s for s in map(self.section, raw_sections) if s is not None)
        exclusions: list[Exclusion] = []
        raw_exclusions = root.get("exclusions") or CommentedSeq()
        if not isinstance(raw_exclusions, CommentedSeq):
            self.report(_line_of(root, "exclusions"), "exclusions_not_list", field="exclusions")
        else:
            exclusions = [e for e in map(self.exclusion, raw_exclusions) if e is not None]
        order = self.statement_order(root, [s.id for s in sections])
        offence = self.offence(root)
        mediable = self.boolean(root, "mediable", False, None)  # PSAPL Art. 9
        role = self.role(root)
        self.facts_once(sections)
        # Built even when problems were found, so the reference checks can report theirs too.
        return Template(template_id, version, self.languages, title or {}, legal_basis or {},
                        tuple(sections), tuple(exclusions), description, source, self.filename,
                        order, offence, mediable, role)

    def role(self, root: CommentedMap) -> str:
        """Whose interview this is: the offender's (no key), a victim's or a witness's."""
        raw = root.get("role", "offender")
        if raw not in ROLES:
            self.report(_line_of(root, "role"), "role_unknown", field="role", role=str(raw),
                        roles=Joined(ROLES))
            return "offender"
        return str(raw)

    def facts_once(self, sections: list[Section]) -> None:
        """A shared fact is asked by one question of a template, so one answer stands for it."""
        seen: dict[str, str] = {}
        for section in sections:
            for question in section.questions:
                for asked in (question, *question.questions):
                    if asked.fact is None:
                        continue
                    if asked.fact in seen:
                        self.report(asked.line, "fact_twice", asked.id, field="fact",
                                    fact=asked.fact, other=seen[asked.fact])
                    seen.setdefault(asked.fact, asked.id)

    def offence(self, root: CommentedMap) -> str | None:
        """The offence of templates/law/ whose tiers and article a decision of this type uses."""
        raw = root.get("offence")
        if raw is None:
            return None
        known = [offence.id for offence in load_law().offences]
        if raw not in known:
            self.report(_line_of(root, "offence"), "offence_unknown", field="offence",
                        offence=str(raw), known=Joined(tuple(known)))
            return None
        return str(raw)

    def statement_order(self, root: CommentedMap, section_ids: list[str]) -> tuple[str, ...]:
        raw = root.get("statement_order")
        if raw is None:
            return ()
        line = _line_of(root, "statement_order")
        if not isinstance(raw, CommentedSeq) or not all(isinstance(x, str) for x in raw):
            self.report(line, "statement_order_not_list", field="statement_order")
            return ()
        if sorted(raw) != sorted(section_ids):
            missing = tuple(sorted(set(section_ids) - set(raw)))
            extra = tuple(sorted(set(raw) - set(section_ids)))
            detail = tuple(part for part in (
                term("word.order_missing", ids=Joined(missing)) if missing else None,
                term("word.order_unknown", ids=Joined(extra)) if extra else None,
                term("word.order_twice") if len(raw) != len(set(raw)) else None) if part)
            # The wording names ELIGIBILITY_SECTION_ID ('eligibility') itself.
            self.report(line, "statement_order_incomplete", field="statement_order",
                        detail=Joined(detail, "clauses"))
            return ()
        return tuple(raw)

    def section(self, node: Any) -> Section | None:
        if not self.keys(node, SECTION_KEYS, {"id", "title", "questions"},
                         term("word.a_section")):
            return None
        section_id = self.identifier(node, term("word.section"))
        title = self.text(node, "title", None)
        raw = node.get("questions")
        if not isinstance(raw, CommentedSeq) or not raw:
            self.report(_line_of(node, "questions"), "section_without_questions",
                        field="questions", section=section_id)
            raw = CommentedSeq()
        questions = self.questions(raw, in_group=False)
        return Section(section_id, title or {}, questions, _line_of(node) or 0,
                       self.expression(node, "show_if", None))

    def questions(self, raw: CommentedSeq, *, in_group: bool) -> tuple[Question, ...]:
        return tuple(q for q in (self.question(item, in_group) for item in raw) if q is not None)

    def question(self, node: Any, in_group: bool) -> Question | None:
        if not isinstance(node, CommentedMap):
            self.report(_line_of(node), "not_mapping", what=term("word.a_question"))
            return None
        qid = node.get("id") if isinstance(node.get("id"), str) else None
        raw_type = node.get("type")
        try:
            qtype = QuestionType(raw_type)
        except ValueError:
            kinds = Joined(tuple(t.value for t in QuestionType))
            self.report(_line_of(node, "type"), "unknown_type", qid, field="type",
                        type=raw_type, types=kinds)
            if qid:
                self.unreadable.add(qid)
            return None
        allowed, required = question_keys(qtype)
        self.keys(node, allowed, required, term("word.question_named", id=qid), qid)
        qid = self.identifier(node, term("word.question"))
        line = _line_of(node) or 0
        statement = self.statement(node, qid)
        constraint = self.expression(node, "constraint", qid) if "constraint" in allowed else None
        constraint_message = self.text(node, "constraint_message", qid, required=False)
        if constraint is not None and constraint_message is None:
            self.report(_line_of(node, "constraint"), "constraint_without_message", qid,
                        field="constraint_message")
        choices = self.choices(node, qid) if qtype in CHOICE_TYPES else ()
        questions: tuple[Question, ...] = ()
        if qtype is QuestionType.GROUP:
            raw = node.get("questions")
            if in_group:
                self.report(line, "group_in_group", qid)
            elif isinstance(raw, CommentedSeq) and raw:
                questions = self.questions(raw, in_group=True)
            else:
                self.report(_line_of(node, "questions"), "group_without_questions", qid,
                            field="questions")
        max_items = node.get("max_items", 10)
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            self.report(_line_of(node, "max_items"), "not_positive_whole_number", qid,
                        field="max_items", key="max_items")
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
            fact=self.fact(node, qid),
        )

    def fact(self, node: CommentedMap, qid: str) -> str | None:
        raw = node.get("fact")
        if raw is None:
            return None
        if not isinstance(raw, str) or not FACT_RE.match(raw):
            self.report(_line_of(node, "fact"), "fact_bad", qid, field="fact", value=str(raw))
            return None
        return raw

    def statement(self, node: CommentedMap, qid: str) -> StatementWording:
        raw = node.get("statement")
        if raw is None:
            return StatementWording()
        if raw is False:
            return StatementWording(include=False)
        if not self.keys(raw, STATEMENT_KEYS, set(), term("word.statement_key"), qid):
            return StatementWording()
        if ("yes" in raw or "no" in raw) and node.get("type") != "yes_no":
            key = "yes" if "yes" in raw else "no"
            self.report(_line_of(raw, key), "yes_no_wording_elsewhere", qid,
                        field=f"statement.{key}")
        return StatementWording(
            include=True,
            question=self.text(raw, "question", qid, required=False, field="statement.question"),
            answer=self.text(raw, "answer", qid, required=False, names=None,
                             field="statement.answer"),
            yes=self.text(raw, "yes", qid, required=False, field="statement.yes"),
            no=self.text(raw, "no", qid, required=False, field="statement.no"),
        )

    def choices(self, node: CommentedMap, qid: str) -> tuple[Choice, ...]:
        raw = node.get("choices")
        if not isinstance(raw, CommentedSeq) or len(raw) < 2:
            self.report(_line_of(node, "choices"), "too_few_choices", qid, field="choices")
            return ()
        choices: list[Choice] = []
        for item in raw:
            if not self.keys(item, CHOICE_KEYS, {"id", "label"}, term("word.a_choice"), qid,
                             field="choices"):
                continue
            choice_id = item.get("id")
            if not isinstance(choice_id, str) or not ID_RE.match(choice_id):
                self.report(_line_of(item, "id"), "bad_choice_id", qid, field="choices",
                            id=choice_id)
                continue
            if any(c.id == choice_id for c in choices):
                self.report(_line_of(item, "id"), "choice_id_twice", qid, field="choices",
                            id=choice_id)
            choices.append(Choice(choice_id, self.text(item, "label", qid, field="choices") or {},
                                  self.text(item, "statement", qid, required=False,
                                            field="choices")))
        return tuple(choices)

    def exclusion(self, node: Any) -> Exclusion | None:
        if not self.keys(node, EXCLUSION_KEYS, EXCLUSION_KEYS, term("word.an_exclusion")):
            return None
        exclusion_id = self.identifier(node, term("word.exclusion"))
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
            problems.append(TemplateProblem.of(file, section.line, None, "section_id_twice",
                                               id=section.id))
        section_ids.add(section.id)
        for question in section.questions:
            if question.id in order:
                problems.append(TemplateProblem.of(file, question.line, question.id,
                                                   "question_id_twice", field="id",
                                                   id=question.id))
            order.setdefault(question.id, len(order))
            inner: set[str] = set()
            for sub in question.questions:
                if sub.id in inner:
                    problems.append(TemplateProblem.of(file, sub.line, f"{question.id}.{sub.id}",
                                                       "group_question_id_twice", id=sub.id))
                inner.add(sub.id)
    exclusion_ids: set[str] = set()
    for exclusion in template.exclusions:
        if exclusion.id in exclusion_ids:
            problems.append(TemplateProblem.of(file, exclusion.line, None, "exclusion_id_twice",
                                               id=exclusion.id))
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
                known = Joined(tuple(sorted(PARTY_NAMES)))
                problems.append(TemplateProblem.of(file, line, qid, "unknown_party_field",
                                                   field=key, key=key, name=name, fields=known))
            elif name not in order and name not in unreadable:
                problems.append(TemplateProblem.of(file, line, qid, "unknown_name", field=key,
                                                   key=key, name=name))
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
            for index, sub in enumerate(question.questions):
                qid = f"{question.id}.{sub.id}"
                check(sub.show_if, "show_if", qid, sub.line, question.id, local, False)
                check(sub.constraint, "constraint", qid, sub.line, question.id, local, True)
                check(sub.calculation, "calculation", qid, sub.line, question.id, local, False)
                # Within an item, as at the top: only what comes before (a constraint may look
                # ahead, as it only refuses what is clearly wrong).
                earlier = {s.id for s in question.questions[:index]}
                for expr in (sub.show_if, sub.calculation):
                    for name in sorted((expr.names if expr else set()) & (local - earlier)):
                        problems.append(TemplateProblem.of(file, sub.line, qid,
                                                           "depends_on_later", name=name))
    for exclusion in template.exclusions:
        check(exclusion.when, "when", None, exclusion.line, None, set(), False)

    # Placeholders in the statement wording: {answer}, {n} and answers of other questions.
    for _, question in template.top_questions():
        local = {sub.id for sub in question.questions}
        for qid, item in [(question.id, question),
                          *((f"{question.id}.{s.id}", s) for s in question.questions)]:
            wording = item.statement
            texts = {"question": wording.question, "answer": wording.answer,
                     "yes": wording.yes, "no": wording.no}
            for key, text in texts.items():
                for language, value in (text or {}).items():
                    for name in placeholders(value):
                        if name not in TEXT_NAMES and name not in order and name not in local:
                            problems.append(TemplateProblem.of(
                                file, item.line, qid, "statement_unknown_placeholder",
                                field=f"statement.{key}", language=language, name=name))

    for path in _cycles(depends):
        problems.append(TemplateProblem.of(file, template.question(path[0]).line, path[0],
                                           "dependency_cycle", path=Joined(tuple(path), "path")))
    cyclic = {qid for path in _cycles(depends) for qid in path}
    for qid, needed in depends.items():
        for name in sorted(needed - cyclic):
            if order[name] > order[qid]:
                problems.append(TemplateProblem.of(file, template.question(qid).line, qid,
                                                   "depends_on_later", name=name))


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
TOO_DEEP = "lists or mappings are nested too deeply"
MAX_NODES = 100_000


MAX_FLOW_DEPTH = 100


def _flow_depth(source: str) -> int:
    """How deeply [ ] and { } nest, outside quotes and comments (roughly: an unbalanced bracket
    in plain text counts too, which only matters past MAX_FLOW_DEPTH).

    ruamel takes seconds over "[[[[..." 50,000 deep before it fails with a RecursionError, so
    such a file is refused before it is parsed.
    """
    if "[" not in source and "{" not in source:
        return 0
    depth = deepest = 0
    quote = ""
    previous = "\n"
    in_comment = False
    for character in source:
        if in_comment:
            in_comment = character != "\n"
        elif quote:
            if character == quote:
                quote = ""
        elif character in "'\"":
            quote = character
        elif character == "#" and previous in " \t\n":
            in_comment = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth = max(depth - 1, 0)
        previous = character
    return deepest


def _shape_problem(root: Any) -> tuple[str, dict[str, object]] | None:
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
                return "aliases", {}
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
        count += 1
        if count > MAX_NODES:
            return "too_many_values", {"limit": MAX_NODES}
    return None


def _parse_template(source: str, filename: str) -> Template:
    """Parses and validates template YAML, every time (`parse_template` keeps the result)."""
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, "file_too_large",
                                                  megabytes=MAX_SOURCE_BYTES // 1_000_000)])
    if _flow_depth(source) > MAX_FLOW_DEPTH:
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, "not_yaml",
                                                  detail=TOO_DEEP)])
    try:
        root = _yaml().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = (exc.problem or exc.context or "").strip()
        raise TemplateInvalid([TemplateProblem.of(filename, line, None, "not_yaml",
                                                  detail=detail)]) from exc
    except (YAMLError, ValueError) as exc:  # ValueError: e.g. a number of 5,000 digits
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, "not_yaml",
                                                  detail=str(exc))]) from exc
    except RecursionError as exc:  # ruamel composes nested nodes recursively
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, "not_yaml",
                                                  detail=TOO_DEEP)]) from exc
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        # ruamel trips over some malformed input itself (a "%YAML" directive in mid-document
        # raises KeyError): still a file that is not YAML, not a crash.
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, "not_yaml",
                                                  detail=f"{type(exc).__name__} while reading "
                                                  f"it")]) from exc
    shape = _shape_problem(root)
    if shape:
        code, params = shape
        raise TemplateInvalid([TemplateProblem.of(filename, None, None, code, **params)])
    reader = YamlReader(filename)
    template = reader.template(root, source)
    problems = reader.problems
    if template is not None:
        _check_references(template, problems, reader.unreadable)
    if problems or template is None:
        raise TemplateInvalid(problems)
    return template


_PARSED_LIMIT = 64
_parsed: OrderedDict[tuple[str, int, int], Template] = OrderedDict()
_parsed_lock = threading.Lock()  # screens open templates from worker threads too


def parse_template(source: str, filename: str = "<template>") -> Template:
    """Parses and validates template YAML; raises TemplateInvalid listing every problem.

    A source is parsed once per process, for every caller: the result is kept by the source's
    SHA-256 (the ruamel round-trip parse of a shipped template costs a tenth of a second or
    more, and the same sources come back again and again: publishing, every case that opens its
    template, the editor's drafts). Every caller shares the one object, as `template_of` always
    did: a template is read-only once loaded (frozen dataclasses; treat their text mappings as
    read-only too). A source that does not validate is not kept: its problems are found again,
    and named under this `filename`.
    """
    # The limits are part of the key: a source within them is not kept for a check with others.
    digest = (hashlib.sha256(source.encode("utf-8")).hexdigest(), MAX_NODES, MAX_SOURCE_BYTES)
    with _parsed_lock:
        template = _parsed.get(digest)
        if template is not None:
            _parsed.move_to_end(digest)
    if template is None:
        template = _parse_template(source, filename)  # outside the lock: others need not wait
        with _parsed_lock:
            _parsed[digest] = template
            while len(_parsed) > _PARSED_LIMIT:
                _parsed.popitem(last=False)
    # Shared, not copied: a deep copy cost 12 ms a call, half of a submission (bench/core.py).
    # Templates are frozen dataclasses and nothing changes their texts after loading.
    return template if template.filename == filename else dataclasses.replace(
        template, filename=filename)


def read_template_source(path: Path) -> str:
    """The text of a template file; an unreadable file is a problem like any other."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateInvalid([TemplateProblem.of(str(path), None, None, "unreadable",
                                                  error=str(exc))]) from exc


def load_template_file(path: Path) -> Template:
    """Reads and validates one template file."""
    return parse_template(read_template_source(path), str(path))



def shipped_template_files(templates_dir: Path) -> list[Path]:
    """The interview templates in a templates folder, in name order."""
    return sorted((templates_dir / "questions").glob("*.yaml"))
