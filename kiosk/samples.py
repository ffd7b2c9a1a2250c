"""Sample answers for a template: a complete, valid, fast-track-eligible interview.

Used by `kiosk template sample`, the demo, the tests and the benchmarks. The answers are found by
driving the real engine: for each screen, the first candidate value that the question accepts and
that ends no fast-track is taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.answer_types import AnswerError
from kiosk.interview import Interview, Party, nest_answers
from kiosk.template_model import Question, QuestionType, Template

SAMPLE_BIRTH_DATE = date(1990, 5, 17)
SAMPLE_NAMES = {"zh": "张三", "en": "Zhang San"}
SAMPLE_TEXT = {"zh": "示例回答", "en": "Sample answer"}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(birth: date, region: str = "110105", sequence: int = 123) -> str:
    """A resident ID number with a correct GB 11643 check character (odd sequence: male)."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def sample_party(language: str) -> dict[str, Any]:
    return {
        "name": SAMPLE_NAMES.get(language, SAMPLE_NAMES["en"]),
        "document": {"type": "resident_id", "number": resident_id(SAMPLE_BIRTH_DATE)},
        "phone": "13800138000",
        "address": "北京市朝阳区示例路1号" if language == "zh" else "1 Sample Road, Chaoyang",
        "household_registration": "北京市朝阳区" if language == "zh" else "Chaoyang, Beijing",
        "employer": "示例公司" if language == "zh" else "Sample Company",
    }


def _candidates(question: Question, language: str, today: date) -> Iterator[Any]:
    kind = question.type
    if kind is QuestionType.YES_NO:
        yield from (False, True)
    elif kind is QuestionType.CONFIRMATION:
        yield True
    elif kind is QuestionType.SINGLE_CHOICE:
        yield from (c.id for c in question.choices)
    elif kind is QuestionType.MULTIPLE_CHOICE:
        yield from ([c.id] for c in question.choices)
    elif kind is QuestionType.NUMBER:
        low = int(question.min) if question.min is not None else 0
        yield from (1, 2, low, 100, 0)
    elif kind is QuestionType.DATE:
        for days in (3, 30, 0, 1):
            yield (today - timedelta(days=days)).isoformat()
    elif kind is QuestionType.TIME:
        yield from ("14:30", "09:00")
    elif kind is QuestionType.DATETIME:
        for days in (3, 1, 0):
            yield f"{today - timedelta(days=days)}T14:30"
    elif kind is QuestionType.PHONE:
        yield "13900139000"
    elif kind is QuestionType.IDENTITY_DOCUMENT:
        yield {"type": "resident_id", "number": resident_id(date(1985, 3, 9), sequence=246)}
    else:
        text = SAMPLE_TEXT.get(language, SAMPLE_TEXT["en"])
        yield text
        yield text * 5


def sample_flat_answers(template: Template, language: str, today: date) -> dict[str, Any]:
    """Answers for every shown question, chosen so that no exclusion applies."""
    interview = Interview(template, {}, Party(SAMPLE_BIRTH_DATE, "male", "CHN"), today,
                          datetime.combine(today, datetime.min.time()).replace(hour=16))
    for _ in range(1000):  # each pass answers one more screen; templates are far smaller
        screen = next((s for s in interview.screens if not interview.is_answered(s)), None)
        if screen is None:
            return dict(interview.answers)
        chosen = None
        for candidate in _candidates(screen.question, language, today):
            try:
                attempt = interview.with_answer(screen.path, candidate)
            except AnswerError:
                continue
            if attempt.exclusion() is None:
                chosen = attempt
                break
        if chosen is None:
            raise ValueError(f"{template.id}: no sample answer for '{screen.path}' passes its "
                             f"constraint without ending the fast-track")
        interview = chosen
    raise ValueError(f"{template.id}: the sample did not finish")


def sample_answers(template: Template, language: str, *, today: date) -> dict[str, Any]:
    """A whole answers file, in the format `kiosk submit` reads."""
    flat = sample_flat_answers(template, language, today)
    return {
        "template": template.id,
        "version": template.version,
        "language": language,
        "consent": True,
        "rights_acknowledged": True,
        "party": sample_party(language),
        "answers": nest_answers(template, flat),
    }
