"""The typed form of an interview template, as the engine and the screens use it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.expressions import PARTY_FIELDS, Expression

Text = Mapping[str, str]
"""A text in every language of its template: {"zh": ..., "en": ...}."""


class QuestionType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    IDENTITY_DOCUMENT = "identity_document"
    PHONE = "phone"
    CONFIRMATION = "confirmation"
    GROUP = "group"
    CALCULATE = "calculate"
    """Not asked: a value worked out from other answers by its `calculation`."""


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
PARTY_NAMES = frozenset(f"party.{name}" for name in PARTY_FIELDS)


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text
    statement: Text | None = None


@dataclass(frozen=True)
class StatementWording:
    """How a question and its answer read in the printed statement."""

    include: bool = True
    question: Text | None = None
    answer: Text | None = None
    # yes_no only: the whole answer for a yes ("是的，我承认。") and for a no ("没有。").
    yes: Text | None = None
    no: Text | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    prompt: Text
    line: int
    help: Text | None = None
    read_aloud: Text | None = None
    required: bool = True
    show_if: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Text | None = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    decimal: bool = False
    statement: StatementWording = field(default_factory=StatementWording)
    repeat_count: Expression | None = None
    max_items: int = 10
    item_label: Text | None = None
    questions: tuple[Question, ...] = ()
    calculation: Expression | None = None
    fact: str | None = None
    """The shared fact this question asks about ("facts.time"), compared across the persons of
    a case (kiosk/facts.py); None: this template's own question."""

    @property
    def is_group(self) -> bool:
        return self.type is QuestionType.GROUP

    @property
    def is_calculated(self) -> bool:
        """Worked out, never asked: no screen, no answer to store, not printed by itself."""
        return self.type is QuestionType.CALCULATE

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    line: int
    show_if: Expression | None = None


@dataclass(frozen=True)
class Exclusion:
    """A fact that ends the fast-track: when `when` becomes true the case is converted."""

    id: str
    when: Expression
    reason: Text
    line: int


ELIGIBILITY_SECTION_ID = "eligibility"
ELIGIBILITY_TITLE: Text = {"zh": "适用条件", "en": "Eligibility"}


@dataclass(frozen=True)
class Template:
    """One version of an interview template, validated."""

    id: str
    version: int
    languages: tuple[str, ...]
    title: Text
    legal_basis: Text
    sections: tuple[Section, ...]
    """The eligibility questions first (as a section of their own), then the template's sections."""
    exclusions: tuple[Exclusion, ...]
    description: Text | None = None
    source: str = ""
    filename: str = ""
    statement_order: tuple[str, ...] = ()
    """Section ids in the order the printed statement shows them (default: the asking order)."""
    offence: str | None = None
    """The offence in templates/law/ (its article and penalty tiers); None: checks by settings."""
    mediable: bool = False
    """Whether the police may mediate this type of case (PSAPL Art. 9; kiosk/mediation.py)."""
    role: str = "offender"
    """Whose interview: "offender" (the case's party), "victim" or "witness" (kiosk/persons.py)."""

    def top_questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def facts(self) -> dict[str, str]:
        """The shared facts this template asks about: fact key -> question path."""
        found: dict[str, str] = {}
        for _, question in self.top_questions():
            if question.fact:
                found[question.fact] = question.id
            for sub in question.questions:
                if sub.fact:
                    found[sub.fact] = f"{question.id}.{sub.id}"
        return found

    def question(self, question_id: str) -> Question:
        """A top-level question by id, or a group's question as "group.id"."""
        group_id, _, inner = question_id.partition(".")
        for _, question in self.top_questions():
            if question.id == group_id:
                if not inner:
                    return question
                for sub in question.questions:
                    if sub.id == inner:
                        return sub
        raise KeyError(question_id)


PATH_RE = re.compile(r"^(?P<group>[a-z][a-z0-9_]*)\[(?P<index>\d+)\]\.(?P<field>[a-z][a-z0-9_]*)$")


def split_path(path: str) -> tuple[str, int | None, str | None]:
    """Splits an answer path: 'others[1].name' -> ('others', 1, 'name')."""
    match = PATH_RE.match(path)
    if match:
        return match["group"], int(match["index"]), match["field"]
    return path, None, None


def text_in(text: Text | None, language: str) -> str:
    """The text in a language, falling back to the template's first language."""
    if not text:
        return ""
    return text.get(language) or next(iter(text.values()), "")
