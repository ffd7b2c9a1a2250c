"""Every exclusion of every shipped template, fed adversarial answers: it excludes, it passes, or
the answer is refused in words. It never raises, and never passes when its expression failed
(PR Art. 40-41: a case that cannot be shown to be fast-track is not fast-track)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.answer_types import AnswerError, typed_value
from kiosk.expressions import EvaluationError, MissingValue
from kiosk.interview import Interview, Party
from kiosk.samples import sample_flat_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.template_loader import load_template_file, shipped_template_files
from kiosk.template_model import Exclusion, Question, QuestionType, Template

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 15, 0)
TEMPLATES = [load_template_file(path)
             for path in shipped_template_files(PROJECT_ROOT / "templates")]
CASES = [(template, exclusion) for template in TEMPLATES for exclusion in template.exclusions]

EMPTY = st.sampled_from(["", " ", "\t", None, [], "\x00"])
HUGE = st.sampled_from([10**400, -(10**400), 1e308, -1e308, float("inf"), float("nan"),
                        "1e400", "9" * 500, 2**63, -1])


def adversarial(question: Question, birth: date) -> st.SearchStrategy[Any]:
    """Values a careless or hostile hand could give this question."""
    kind = question.type
    if kind is QuestionType.DATE:
        before_birth = st.integers(1, 365 * 120).map(
            lambda days: max(date.min, birth - timedelta(days=days)).isoformat())
        return st.one_of(before_birth, before_birth,
                         st.sampled_from(["9999-12-31", "0001-01-01", birth.isoformat(),
                                          TODAY.isoformat(), "2026-02-30", "yesterday"]),
                         st.dates().map(date.isoformat), EMPTY)
    if kind is QuestionType.NUMBER:
        return st.one_of(HUGE, st.integers(), st.floats(), EMPTY)
    ids = [choice.id for choice in question.choices]
    if kind is QuestionType.SINGLE_CHOICE:
        return st.one_of(st.sampled_from(ids), st.text(max_size=5), EMPTY)
    if kind is QuestionType.MULTIPLE_CHOICE:
        return st.one_of(st.lists(st.sampled_from(ids), max_size=len(ids) + 2),
                         st.lists(st.text(max_size=3), max_size=2), EMPTY)
    if kind in (QuestionType.YES_NO, QuestionType.CONFIRMATION):
        return st.one_of(st.booleans(), st.integers(0, 1), EMPTY)
    return st.one_of(st.text(max_size=300), EMPTY, HUGE)


def answer_paths(template: Template, exclusion: Exclusion) -> list[str]:
    """The questions an exclusion reads, through the calculated values it reads."""
    names, found = set(exclusion.when.names), []
    pending = list(names)
    while pending:
        name = pending.pop()
        if name.startswith("party."):
            continue
        question = template.question(name)
        if question.is_calculated and question.calculation is not None:
            pending.extend(question.calculation.names - names)
            names |= question.calculation.names
        else:
            found.append(name)
    return found


def decide_independently(interview: Interview, exclusion: Exclusion) -> bool | None:
    """The exclusion worked out from the visible answers, outside the engine (None: unknown)."""
    answers, calculated = interview.visible_answers(), interview.calculated()
    template = interview.template

    def resolve(name: str) -> Any:
        if name.startswith("party."):
            return interview.party.value(name)
        if name in calculated:
            return calculated[name]
        return typed_value(template.question(name), answers.get(name))

    try:
        return exclusion.when.evaluate(resolve, today=TODAY, now=NOW) is True
    except MissingValue:
        return None


SAMPLES = {template.id: sample_flat_answers(template, "zh", TODAY) for template in TEMPLATES}


@pytest.mark.parametrize(("template", "exclusion"), CASES,
                         ids=[f"{t.id}-{e.id}" for t, e in CASES])
@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), birth=st.dates(date(1900, 1, 1), TODAY))
def test_an_exclusion_excludes_passes_or_refuses_in_words(
        template: Template, exclusion: Exclusion, data: st.DataObject, birth: date) -> None:
    interview = Interview(template, SAMPLES[template.id], Party(birth, "female", "CHN"),
                          TODAY, NOW)
    # With a birth date after the sample's incident date the answers fail from the start, as
    # stored answers can; the engine must then hold the case back, not let it through.
    failing_from_start = {failure.key for failure in interview.failures()}
    refused = 0
    for path in answer_paths(template, exclusion):
        if path not in {screen.path for screen in interview.screens}:
            continue
        raw = data.draw(adversarial(template.question(path), birth), label=path)
        try:
            interview = interview.with_answer(path, raw)
        except AnswerError as error:
            refused += 1
            assert error.message("zh").strip() and error.message("en").strip()
            assert error.message("zh") != error.message("en")
    assert {failure.key for failure in interview.failures()} <= failing_from_start
    hit = interview.exclusion()
    try:
        applies = decide_independently(interview, exclusion)
    except EvaluationError:
        # Failed on these answers: never "not excluded" -- the case cannot be submitted, and
        # the party is sent to an answer the exclusion reads.
        problems = interview.problems()
        assert problems and not interview.is_complete()
        assert {screen.path for screen, _ in problems} & set(answer_paths(template, exclusion))
        event("held back")
        return
    if applies:
        assert hit is not None  # this one, or an earlier one, ends the fast-track
    event("excluded" if hit else "refused" if refused else "passes")
