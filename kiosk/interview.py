"""The interview engine: from a template and the answers so far, what the party sees next.

Pure and fast: no database, no clock of its own (today and now are given), no Qt. The kiosk
screens and the `kiosk submit` command both drive it, so they cannot disagree.

Answers are a flat mapping from a path to the stored (JSON) answer: `incident_date` for a
question, `other_people[0].name` for a question of the first item of a repeated group.

It fails closed: a template expression that fails on the answers (an age() of a day before the
birth date) is never taken as false. `with_answer` refuses the answer that made it fail, and
`problems` holds back an interview whose stored answers make one fail, so an exclusion that
cannot be decided never counts as "not excluded" (PR Art. 41).
"""

from __future__ import annotations

import math
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, NamedTuple

from kiosk import messages as msg
from kiosk.answer_types import (
    AnswerError,
    check_answer,
    display_answer,
    display_value,
    typed_value,
)
from kiosk.expressions import PARTY_FIELDS, EvaluationError, Expression, MissingValue
from kiosk.rendering import render_text
from kiosk.template_model import (
    Exclusion,
    Question,
    QuestionType,
    Section,
    Template,
    split_path,
    text_in,
)


@dataclass(frozen=True)
class Party:
    """What the expressions may know of the party (from the identity step)."""

    birth_date: date | None = None
    sex: str | None = None
    nationality: str | None = None

    def value(self, name: str) -> Any:
        """`party.birth_date` and the like (the names in expressions.PARTY_FIELDS)."""
        field_name = name.removeprefix("party.")
        return getattr(self, field_name) if field_name in PARTY_FIELDS else None


@dataclass(frozen=True)
class Screen:
    """One question on one screen, and where it stands in the interview."""

    path: str
    question: Question
    section: Section
    group: Question | None
    item: int | None
    step: int
    total: int

    def prompt(self, language: str) -> str:
        return text_in(self.question.prompt, language)

    def help(self, language: str) -> str:
        return text_in(self.question.help, language)

    def item_label(self, language: str) -> str:
        if self.group is None or self.item is None:
            return ""
        return render_text(text_in(self.group.item_label, language), {"n": str(self.item + 1)})

    def read_aloud(self, language: str) -> str:
        """What the speech service says for this screen."""
        if self.question.read_aloud:
            return text_in(self.question.read_aloud, language)
        parts = [self.item_label(language), self.prompt(language), self.help(language)]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class ReviewItem:
    path: str
    section_id: str
    heading: str
    question: str
    answer: str
    is_answered: bool


@dataclass(frozen=True)
class StatementEntry:
    """One 问/答 pair of the printed statement (or a heading line for a repeated item)."""

    path: str
    question: str
    answer: str
    heading: str = ""


@dataclass(frozen=True)
class ExclusionHit:
    exclusion: Exclusion

    def reason(self, language: str) -> str:
        return text_in(self.exclusion.reason, language)


# What the party reads when an answer makes one of the template's expressions fail. The reason
# comes from EvaluationError; "kinds" is a template mistake the party cannot mend, so it sends
# them to the officer rather than asking them to change a right answer.
BEFORE_BIRTH: msg.Message = {
    "zh": "这个日期早于出生日期，请检查日期。",
    "en": "This date is before the date of birth; please check the date.",
}
BIRTH_AFTER: msg.Message = {
    "zh": "出生日期晚于另一个日期，请检查日期。",
    "en": "This date of birth is after the other date; please check the date.",
}
TOO_LARGE: msg.Message = {
    "zh": "这个数字太大，请检查。",
    "en": "This number is too large; please check it.",
}
DOES_NOT_FIT: msg.Message = {
    "zh": "这个回答和前面的回答对不上，请检查。",
    "en": "This answer does not fit your earlier answers; please check it.",
}
CANNOT_CHECK: msg.Message = {
    "zh": "这个回答现在无法核对，请告诉民警。",
    "en": "This answer cannot be checked now; please tell the officer.",
}


def _refusal(error: EvaluationError, question_id: str, *, blamed: bool = True) -> AnswerError:
    """The party's words for an answer that makes an expression fail (see EvaluationError)."""
    if not blamed or error.reason in ("kinds", "not_boolean"):
        return AnswerError(CANNOT_CHECK)
    if error.reason == "before_birth":
        return AnswerError(BIRTH_AFTER if error.values.get("birth") == question_id
                           else BEFORE_BIRTH)
    if error.reason == "too_large":
        return AnswerError(TOO_LARGE)
    return AnswerError(DOES_NOT_FIT)


class InterviewError(ValueError):
    """An operation on a path the interview does not show (unknown, or hidden by a condition)."""


@dataclass(frozen=True)
class Interview:
    """One state of one party's interview; answering gives a new Interview."""

    template: Template
    answers: Mapping[str, Any] = field(default_factory=dict)
    party: Party = field(default_factory=Party)
    today: date = field(default_factory=date.today)
    now: datetime = field(default_factory=datetime.now)

    # -- resolving names for expressions ----------------------------------------------------

    def _run(self, expr: Expression, scope: Mapping[str, Any], value: Any = None,
             read: set[str] | None = None) -> Any:
        """Evaluates with the template's names: answers in scope, `value`, the party's fields.

        MissingValue (an unanswered name) and EvaluationError (the values do not fit: a day
        before the birth date, a division by zero, a template mistake) propagate; each caller
        decides what they mean. The names looked up are added to `read`.
        """

        def resolve(name: str) -> Any:
            if read is not None:
                read.add(name)
            if name == "value":
                return value
            if name.startswith("party."):
                return self.party.value(name)
            return scope[name]  # KeyError: the evaluator reports an unknown name

        return expr.evaluate(resolve, today=self.today, now=self.now)

    def _decide(self, expr: Expression | None, scope: Mapping[str, Any],
                place: _Place) -> bool:
        """A condition (show_if, exclusion): false while it reads an unanswered question.

        One that fails on these values is recorded as a failure (and taken as false here):
        `with_answer` refuses the answer that made it fail and `problems` keeps the interview
        from being complete, so a failing exclusion never counts as "not excluded".
        """
        if expr is None:
            return True
        read = place.last_read = set()
        try:
            decided = self._run(expr, scope, read=read)
        except MissingValue:
            return False
        except EvaluationError as exc:
            place.fail(expr, exc, read)
            return False
        if not isinstance(decided, bool):
            place.fail(expr, EvaluationError(f"the condition gave {type(decided).__name__}, "
                                             "not true or false", reason="not_boolean"), read)
            return False
        return decided

    def _count(self, expr: Expression | None, scope: Mapping[str, Any], limit: int,
               place: _Place) -> int:
        """How many items a repeated group has: 0 until the count is known and sensible."""
        if expr is None:
            return 0
        read = place.last_read = set()
        try:
            count = self._run(expr, scope, read=read)
        except MissingValue:
            return 0
        except EvaluationError as exc:
            place.fail(expr, exc, read)
            return 0
        if isinstance(count, bool) or not isinstance(count, int | float):
            place.fail(expr, EvaluationError("a repeat count needs a number",
                                             reason="kinds"), read)
            return 0
        if not math.isfinite(count):
            return 0
        return max(0, min(int(count), limit))

    def _calculate(self, question: Question, scope: Mapping[str, Any], place: _Place) -> Any:
        """A calculated value: None (like an unanswered question) while its calculation reads
        an unanswered question; a failure is recorded, so what reads it cannot pass silently."""
        if question.calculation is None:
            return None
        read = place.last_read = set()
        try:
            return self._run(question.calculation, scope, read=read)
        except MissingValue:
            return None
        except EvaluationError as exc:
            place.fail(question.calculation, exc, read)
            return None

    @cached_property
    def _layout(self) -> _Layout:
        """The visible questions in order, the typed values of the visible answers, the
        calculated values (by path) and the expressions that failed, each worked out from what
        comes before it."""
        scope: dict[str, Any] = {}
        calculated: dict[str, Any] = {}
        failures: list[ExpressionFailure] = []
        reads: dict[str, frozenset[str]] = {}  # calculated path -> the answer paths it reads
        for section in self.template.sections:
            for question in section.questions:
                scope.setdefault(question.id, None)
        visible: list[tuple[str, Question, Section, Question | None, int | None]] = []

        def place(kind: str, path: str, group: Question | None = None,
                  item: int | None = None) -> _Place:
            return _Place(kind, path, group, item, reads, failures, self.answers)

        for section in self.template.sections:
            if not self._decide(section.show_if, scope, place("section", section.id)):
                continue
            for question in section.questions:
                if not self._decide(question.show_if, scope, place("show_if", question.id)):
                    continue
                if question.is_calculated:
                    where = place("calculation", question.id)
                    scope[question.id] = calculated[question.id] = \
                        self._calculate(question, scope, where)
                    reads[question.id] = where.paths(where.last_read)
                elif question.is_group:
                    count = self._count(question.repeat_count, scope, question.max_items,
                                        place("repeat_count", question.id))
                    items = []
                    for index in range(count):
                        local: dict[str, Any] = {}
                        item_scope = _Layered(local, scope)
                        for sub in question.questions:
                            local.setdefault(sub.id, None)
                        for sub in question.questions:
                            path = f"{question.id}[{index}].{sub.id}"
                            if not self._decide(sub.show_if, item_scope,
                                                place("show_if", path, question, index)):
                                continue
                            if sub.is_calculated:
                                where = place("calculation", path, question, index)
                                local[sub.id] = calculated[path] = \
                                    self._calculate(sub, item_scope, where)
                                reads[path] = where.paths(where.last_read)
                                continue
                            visible.append((path, sub, section, question, index))
                            local[sub.id] = typed_value(sub, self.answers.get(path))
                        items.append(local)
                    scope[question.id] = items
                else:
                    visible.append((question.id, question, section, None, None))
                    scope[question.id] = typed_value(question, self.answers.get(question.id))
        hit = None
        for exclusion in self.template.exclusions:
            if self._decide(exclusion.when, scope, place("exclusion", exclusion.id)) \
                    and hit is None:
                hit = ExclusionHit(exclusion)
        return _Layout(visible, scope, calculated, tuple(failures), hit)

    def calculated(self) -> dict[str, Any]:
        """The calculated values by path ("age_at_incident", "others[0].share"); None while
        one cannot be worked out yet."""
        return dict(self._layout.calculated)

    # -- screens and navigation --------------------------------------------------------------

    @cached_property
    def screens(self) -> tuple[Screen, ...]:
        visible = self._layout.visible
        total = len(visible)
        return tuple(Screen(path, q, section, group, item, step, total)
                     for step, (path, q, section, group, item) in enumerate(visible, start=1))

    @cached_property
    def _index(self) -> dict[str, int]:
        return {screen.path: i for i, screen in enumerate(self.screens)}

    def screen(self, path: str) -> Screen:
        try:
            return self.screens[self._index[path]]
        except KeyError as exc:
            raise InterviewError(f"'{path}' is not a question shown in this interview") from exc

    def is_answered(self, screen: Screen) -> bool:
        return self.answers.get(screen.path) is not None

    def first_open_screen(self) -> Screen | None:
        """Where to resume: the first shown question that is required and unanswered."""
        for screen in self.screens:
            if screen.question.required and not self.is_answered(screen):
                return screen
        return None

    def next_screen(self, after: str | None = None) -> Screen | None:
        """The screen after `after` (the first one when None), or None at the end."""
        if after is None:
            return self.screens[0] if self.screens else None
        index = self._index.get(after)
        if index is None:
            return self.first_open_screen()
        return self.screens[index + 1] if index + 1 < len(self.screens) else None

    def previous_screen(self, before: str) -> Screen | None:
        index = self._index.get(before)
        return self.screens[index - 1] if index else None

    # -- answering ---------------------------------------------------------------------------

    def check(self, path: str, raw: Any) -> Any:
        """The answer in stored form if this question accepts it; AnswerError says why not."""
        screen = self.screen(path)
        question = screen.question
        try:
            stored = check_answer(question, raw, today=self.today)
        except OverflowError as exc:  # an integer past any float (math.isfinite(10**400))
            raise AnswerError(TOO_LARGE) from exc
        if stored is None:
            if question.required:
                raise AnswerError(msg.REQUIRED)
            return None
        if question.constraint is not None:
            scope = self._layout.scope
            if screen.group is not None and screen.item is not None:
                items = scope.get(screen.group.id) or []
                local = items[screen.item] if screen.item < len(items) else {}
                scope = _Layered(local, scope)
            try:
                holds = self._run(question.constraint, scope, typed_value(question, stored))
            except MissingValue:
                holds = True  # it reads a question not answered yet: judged when it is
            except EvaluationError as exc:
                # A constraint that cannot judge this answer refuses it; it never waves it on.
                raise _refusal(exc, question.id) from exc
            if not isinstance(holds, bool):
                raise _refusal(EvaluationError("the constraint gave no true or false",
                                               reason="not_boolean"), question.id)
            if holds is False:
                raise AnswerError(question.constraint_message or msg.CONSTRAINT_FAILED)
        return stored

    def with_answer(self, path: str, raw: Any) -> Interview:
        """A new interview state with this answer checked and recorded.

        An answer after which a show_if, repeat count, calculation or exclusion fails to
        evaluate is refused (AnswerError, worded for the party), so a failing exclusion never
        lets a case through as "not excluded". Of the answers such an expression reads, the
        one being given now is blamed: when it fails newly, or when it reads this answer.
        """
        stored = self.check(path, raw)
        answers = dict(self.answers)
        answers[path] = stored
        after = Interview(self.template, answers, self.party, self.today, self.now)
        before = {failure.key for failure in self._layout.failures}
        question_id = split_path(path)[2] or path
        for failure in after._layout.failures:
            if failure.key not in before or path in failure.reads:
                raise _refusal(failure.error, question_id)
        return after

    def would_end_fast_track(self, path: str, raw: Any) -> ExclusionHit | None:
        """The exclusion this answer would trigger when none applies yet, without keeping it.

        Raises AnswerError as with_answer does when the answer itself would be refused.
        """
        if self.exclusion() is not None:
            return None
        return self.with_answer(path, raw).exclusion()

    # -- outcome -----------------------------------------------------------------------------

    def exclusion(self) -> ExclusionHit | None:
        """The first exclusion that applies to the answers so far, if any.

        None means that no exclusion applies to what is known *and could be decided*: an
        exclusion that failed on these answers is one of the `problems` (the interview is not
        complete and cannot be submitted until the answer blamed for it is changed).
        """
        return self._layout.hit

    def failures(self) -> tuple[ExpressionFailure, ...]:
        """The template's expressions that failed on these answers (see `problems`)."""
        return self._layout.failures

    def problems(self) -> list[tuple[Screen, AnswerError]]:
        """Every shown question whose answer is missing or no longer accepted, and for each
        expression that fails on these answers the (latest) answer it reads."""
        found = []
        for screen in self.screens:
            try:
                self.check(screen.path, self.answers.get(screen.path))
            except AnswerError as exc:
                found.append((screen, exc))
        flagged = {screen.path for screen, _ in found}
        for failure in self._layout.failures:
            blamed = [s for s in self.screens if s.path in failure.reads and self.is_answered(s)]
            screen = blamed[-1] if blamed else (self.screens[0] if self.screens else None)
            if screen is None or screen.path in flagged:
                continue
            flagged.add(screen.path)
            question_id = split_path(screen.path)[2] or screen.path
            found.append((screen, _refusal(failure.error, question_id, blamed=bool(blamed))))
        order = {screen.path: i for i, screen in enumerate(self.screens)}
        return sorted(found, key=lambda problem: order[problem[0].path])

    def is_complete(self) -> bool:
        return not self.problems()

    def visible_answers(self) -> dict[str, Any]:
        """The answers of the questions shown, without those hidden by a later change."""
        return {s.path: self.answers[s.path] for s in self.screens if self.is_answered(s)}

    # -- what the party reviews and what is printed -----------------------------------------

    def review(self, language: str) -> list[ReviewItem]:
        """Every shown question with its answer as printed, in the statement's order."""
        items = []
        for screen in self._statement_screens():
            stored = self.answers.get(screen.path)
            items.append(ReviewItem(
                path=screen.path, section_id=screen.section.id,
                heading=screen.item_label(language),
                question=self._statement_question(screen, language),
                answer=self._statement_answer(screen, stored, language),
                is_answered=stored is not None,
            ))
        return items

    def statement(self, language: str) -> list[StatementEntry]:
        """The question-and-answer statement as printed: shown, answered, included questions."""
        entries: list[StatementEntry] = []
        last_item: tuple[str, int] | None = None
        for screen in self._statement_screens():
            stored = self.answers.get(screen.path)
            if stored is None or not screen.question.statement.include:
                continue
            if screen.group is not None and screen.item is not None:
                key = (screen.group.id, screen.item)
                if key != last_item:
                    entries.append(StatementEntry(f"{screen.group.id}[{screen.item}]", "", "",
                                                  heading=screen.item_label(language)))
                    last_item = key
            entries.append(StatementEntry(screen.path,
                                          self._statement_question(screen, language),
                                          self._statement_answer(screen, stored, language)))
        return entries

    def _statement_screens(self) -> list[Screen]:
        """The shown screens in the template's statement order (stable within a section)."""
        order = self.template.statement_order
        if not order:
            return list(self.screens)
        rank = {section_id: i for i, section_id in enumerate(order)}
        return sorted(self.screens, key=lambda screen: rank[screen.section.id])

    def _names(self, screen: Screen, language: str) -> dict[str, str]:
        """Placeholder values for statement wording: other answers as the party reads them."""
        names: dict[str, str] = {}
        for other in self.screens:
            group, index, inner = split_path(other.path)
            stored = self.answers.get(other.path)
            if stored is None:
                continue
            if inner is None:
                names[group] = display_answer(other.question, stored, language)
            elif screen.group is not None and group == screen.group.id and index == screen.item:
                names[inner] = display_answer(other.question, stored, language)
        for path, value in self._layout.calculated.items():
            group, index, inner = split_path(path)
            if value is None:
                continue
            if inner is None:
                names[group] = display_value(value, language)
            elif screen.group is not None and group == screen.group.id and index == screen.item:
                names[inner] = display_value(value, language)
        if screen.item is not None:
            names["n"] = str(screen.item + 1)
        return names

    def _statement_question(self, screen: Screen, language: str) -> str:
        wording = screen.question.statement.question or screen.question.prompt
        return render_text(text_in(wording, language), self._names(screen, language))

    def _statement_answer(self, screen: Screen, stored: Any, language: str) -> str:
        shown = display_answer(screen.question, stored, language)
        statement = screen.question.statement
        wording = statement.answer
        if screen.question.type is QuestionType.YES_NO and stored is not None:
            wording = (statement.yes if stored else statement.no) or wording
        if stored is None or wording is None:
            return shown
        names = self._names(screen, language)
        names["answer"] = shown
        return render_text(text_in(wording, language), names)


@dataclass(frozen=True)
class ExpressionFailure:
    """A template expression that failed on these answers (never taken as true or false).

    `key` says which one it is (kind and where: ``("exclusion", "minor")``, ``("show_if",
    "people[0].phone")``); `reads` holds the answer paths it read, through calculated values.
    """

    key: tuple[str, str]
    expression: Expression
    error: EvaluationError
    reads: frozenset[str]


@dataclass
class _Place:
    """Where an expression is evaluated in the layout, and where its failures are recorded."""

    kind: str
    path: str
    group: Question | None
    item: int | None
    calculated_reads: dict[str, frozenset[str]]
    failures: list[ExpressionFailure]
    answers: Mapping[str, Any]
    last_read: set[str] = field(default_factory=set)

    def fail(self, expr: Expression, error: EvaluationError, read: set[str]) -> None:
        self.failures.append(ExpressionFailure((self.kind, self.path), expr, error,
                                               self.paths(read)))

    def paths(self, names: set[str]) -> frozenset[str]:
        """The answer paths behind the names an expression read (through calculated values)."""
        found: set[str] = set()
        local = {sub.id for sub in self.group.questions} if self.group is not None else set()
        for name in names:
            if name == "value" or name.startswith("party."):
                continue
            path = f"{self.group.id}[{self.item}].{name}" \
                if self.group is not None and name in local else name
            if path in self.calculated_reads:
                found |= self.calculated_reads[path]
            elif path == name and "[" not in path:
                found.add(path)
                found.update(p for p in self.answers if p.startswith(f"{name}["))
            else:
                found.add(path)
        return frozenset(found)


class _Layout(NamedTuple):
    visible: list[tuple[str, Question, Section, Question | None, int | None]]
    scope: dict[str, Any]
    calculated: dict[str, Any]
    failures: tuple[ExpressionFailure, ...]
    hit: ExclusionHit | None


class _Layered(ChainMap):  # type: ignore[type-arg]
    """A group item's names over the top-level names. Read live, so a question in an item sees
    the answers given earlier in the same item."""

    def __init__(self, local: Mapping[str, Any], outer: Mapping[str, Any]) -> None:
        super().__init__(local, outer)  # type: ignore[arg-type]


def nest_answers(template: Template, flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat paths to the nested form of an answers file (groups as lists of items)."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        group, index, inner = split_path(path)
        if inner is None:
            nested[group] = value
        else:
            items = nested.setdefault(group, [])
            while len(items) <= index:  # type: ignore[operator]
                items.append({})
            items[index][inner] = value  # type: ignore[index]
    return nested


def flatten_answers(template: Template, nested: Mapping[str, Any]) -> dict[str, Any]:
    """The nested form of an answers file to flat paths; unknown ids raise InterviewError."""
    flat: dict[str, Any] = {}
    for key, value in nested.items():
        try:
            question = template.question(key)
        except KeyError as exc:
            raise InterviewError(f"'{key}' is not a question of template "
                                 f"{template.id} v{template.version}") from exc
        if question.is_calculated:
            raise InterviewError(f"'{key}' is worked out by the template from other answers; "
                                 f"leave it out of the answers")
        if question.type is QuestionType.GROUP:
            if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
                raise InterviewError(f"'{key}' is a repeated group: give a list of items")
            for index, item in enumerate(value):
                for inner, inner_value in item.items():
                    sub = next((s for s in question.questions if s.id == inner), None)
                    if sub is not None and sub.is_calculated:
                        raise InterviewError(f"'{key}[{index}].{inner}' is worked out by the "
                                             f"template from other answers; leave it out")
                    if sub is None:
                        raise InterviewError(f"'{key}[{index}].{inner}' is not a question of "
                                             f"the group '{key}'")
                    flat[f"{key}[{index}].{inner}"] = inner_value
        else:
            flat[key] = value
    return flat
