"""Answers files from a careless or hostile hand: each is read, or refused in words, and the
interview it describes is run by the engine (as `kiosk submit` does) without a traceback.

In-process (no process per example): parse_answers_file, flatten_answers and the engine are the
parts of `kiosk submit` that read the file; the database steps have their own tests.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.answer_types import AnswerError
from kiosk.answers_file import AnswersFile, AnswersFileError, parse_answers_file
from kiosk.interview import Interview, InterviewError, Party, flatten_answers
from kiosk.samples import sample_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.template_loader import load_template_file

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 15, 0)
TEMPLATE = load_template_file(PROJECT_ROOT / "templates/questions/petty-theft.yaml")
SAMPLE = json.loads(json.dumps(sample_answers(TEMPLATE, "zh", today=TODAY), ensure_ascii=False))

HOSTILE_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", "\x00", "张\x00三", "\x1b[2J", "\ud800", "\u202e", "\r\n",
                     "1e400", "NaN", "9" * 400, "0001-01-01", "9999-12-31", "1980-01-01"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(10**400), 10**400),
                    st.floats(), HOSTILE_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(HOSTILE_TEXT, inner, max_size=3), max_leaves=8)


def places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document where a value could be swapped."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += places(value, (*path, index))
    return found


def swapped(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(data)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return changed


@st.composite
def hostile_files(draw: st.DrawFn) -> str:
    """The sample file with a few values swapped for hostile ones, or plain junk text."""
    kind = draw(st.sampled_from(["answer", "answer", "answer", "answer", "swap", "swap",
                                 "junk", "truncated"]))
    if kind == "junk":
        return draw(st.text(max_size=200))
    data: Any = SAMPLE
    for _ in range(draw(st.integers(1, 3))):
        where = places(data)
        if kind == "answer":  # mostly the answers themselves, so the engine gets to see them
            where = [p for p in where if p[:1] == ("answers",) and len(p) > 1] or where
        data = swapped(data, draw(st.sampled_from(where)), draw(VALUES))
        if not isinstance(data, dict):
            break
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if kind == "truncated":
        return text[: draw(st.integers(0, len(text)))]
    return text


def has_invisible(value: Any) -> bool:
    if isinstance(value, str):
        return any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in value)
    if isinstance(value, dict):
        return any(has_invisible(k) or has_invisible(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_invisible(v) for v in value)
    return False


def run_interview(answers: AnswersFile) -> None:
    """What `kiosk submit` does with the answers, screen by screen, without the database."""
    flat = flatten_answers(TEMPLATE, answers.answers)
    interview = Interview(TEMPLATE, {}, Party(date(1990, 5, 17), "male", "CHN"), TODAY, NOW)
    given: set[str] = set()
    while True:
        path = next((s.path for s in interview.screens if s.path in flat and s.path not in given),
                    None)
        if path is None:
            break
        given.add(path)
        interview = interview.with_answer(path, flat[path])
        assert not interview.failures()
    interview.exclusion()
    interview.problems()


@settings(max_examples=1200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=hostile_files())
def test_an_answers_file_is_read_or_refused_in_words(text: str) -> None:
    try:
        answers = parse_answers_file(text, "answers.json")
    except AnswersFileError as exc:
        message = str(exc)
        assert message.startswith("answers.json: ") and "\n" not in message
        event("the file is refused")
        return
    assert not has_invisible(answers.party) and not has_invisible(answers.answers)
    try:
        run_interview(answers)
    except (InterviewError, AnswerError) as exc:
        assert str(exc).strip()
        event("an answer is refused")
        return
    event("the interview runs")
