"""What each question type accepts as an answer, and how an answer reads back to the party."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

from kiosk import messages as msg
from kiosk.identity import (
    DOCUMENT_TYPE_LABELS,
    DocumentType,
    IdentityError,
    check_identity_document,
)
from kiosk.messages import Message
from kiosk.rendering import render_text
from kiosk.template_model import Question, QuestionType, text_in

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
MAX_TEXT = 200
MAX_LONG_TEXT = 5000


class AnswerError(ValueError):
    """An answer the party must change, with the message to show next to the field."""

    def __init__(self, message: Message, **values: object) -> None:
        self.messages = {lang: render_text(text, {k: _plain(v) for k, v in values.items()})
                         for lang, text in message.items()}
        super().__init__(self.messages.get("en", ""))

    def message(self, language: str) -> str:
        return msg.pick(self.messages, language)


def _plain(number: object) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def check_answer(question: Question, raw: Any, *, today: date | None = None) -> Any:
    """The answer in its stored (JSON) form, or AnswerError saying what to change.

    An empty answer is returned as None; whether that is allowed is the engine's decision.
    """
    if is_empty(raw):
        return None
    kind = question.type
    if kind in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        if not isinstance(raw, str):
            raise AnswerError(msg.NOT_TEXT)
        text = raw.strip()
        if kind is QuestionType.TEXT and "\n" in text:
            raise AnswerError(msg.ONE_LINE)
        limit = MAX_TEXT if kind is QuestionType.TEXT else MAX_LONG_TEXT
        longest = int(question.max) if question.max is not None else limit
        if len(text) > longest:
            raise AnswerError(msg.TOO_LONG, max=longest)
        if question.min is not None and len(text) < question.min:
            raise AnswerError(msg.TOO_SHORT, min=question.min)
        return text
    if kind is QuestionType.SINGLE_CHOICE:
        if not isinstance(raw, str) or question.choice(raw) is None:
            raise AnswerError(msg.CHOOSE_ONE)
        return raw
    if kind is QuestionType.MULTIPLE_CHOICE:
        if not isinstance(raw, list) or not all(
            isinstance(x, str) and question.choice(x) for x in raw
        ):
            raise AnswerError(msg.CHOOSE_SOME)
        chosen = [c.id for c in question.choices if c.id in raw]  # template order, no repeats
        if question.min is not None and len(chosen) < question.min:
            raise AnswerError(msg.CHOOSE_AT_LEAST, min=question.min)
        if question.max is not None and len(chosen) > question.max:
            raise AnswerError(msg.CHOOSE_AT_MOST, max=question.max)
        return chosen
    if kind is QuestionType.YES_NO:
        if not isinstance(raw, bool):
            raise AnswerError(msg.YES_OR_NO)
        return raw
    if kind is QuestionType.CONFIRMATION:
        if raw is not True:
            raise AnswerError(msg.CONFIRM)
        return True
    if kind is QuestionType.NUMBER:
        return _check_number(question, raw)
    if kind is QuestionType.DATE:
        return _parse_iso(raw, date.fromisoformat, msg.DATE).isoformat()
    if kind is QuestionType.TIME:
        return _parse_iso(raw, time.fromisoformat, msg.TIME).strftime("%H:%M")
    if kind is QuestionType.DATETIME:
        return _parse_iso(raw, datetime.fromisoformat, msg.DATETIME).strftime("%Y-%m-%dT%H:%M")
    if kind is QuestionType.PHONE:
        phone = str(raw).strip().replace(" ", "") if isinstance(raw, str | int) else ""
        if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
            raise AnswerError(msg.PHONE)
        return phone
    if kind is QuestionType.IDENTITY_DOCUMENT:
        if not isinstance(raw, dict) or not isinstance(raw.get("type"), str) or not isinstance(
            raw.get("number"), str
        ) or not isinstance(raw.get("nationality", ""), str):
            raise AnswerError(msg.IDENTITY_SHAPE)
        try:
            document = check_identity_document(raw["type"], raw["number"],
                                               nationality=raw.get("nationality"), today=today)
        except IdentityError as exc:
            raise AnswerError(exc.messages) from exc
        stored = {"type": document.type.value, "number": document.number}
        if document.nationality:
            stored["nationality"] = document.nationality
        return stored
    raise AnswerError(msg.REQUIRED)  # groups are answered item by item, never as one value


def _check_number(question: Question, raw: Any) -> int | float:
    if isinstance(raw, str):
        try:
            raw = float(raw) if "." in raw else int(raw)
        except ValueError as exc:
            raise AnswerError(msg.NUMBER) from exc
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise AnswerError(msg.NUMBER)
    if not question.decimal:
        if isinstance(raw, float) and not raw.is_integer():
            raise AnswerError(msg.WHOLE_NUMBER)
        raw = int(raw)
    if question.min is not None and raw < question.min:
        raise AnswerError(msg.NUMBER_MIN, min=question.min)
    if question.max is not None and raw > question.max:
        raise AnswerError(msg.NUMBER_MAX, max=question.max)
    return raw


def _parse_iso(raw: Any, parse: Any, message: Message) -> Any:
    if not isinstance(raw, str):
        raise AnswerError(message)
    try:
        return parse(raw.strip())
    except ValueError as exc:
        raise AnswerError(message) from exc


def typed_value(question: Question, stored: Any) -> Any:
    """The stored answer as the expression language sees it (dates as dates)."""
    if stored is None:
        return None
    kind = question.type
    if kind is QuestionType.DATE:
        return date.fromisoformat(stored)
    if kind is QuestionType.TIME:
        return time.fromisoformat(stored)
    if kind is QuestionType.DATETIME:
        return datetime.fromisoformat(stored)
    if kind is QuestionType.IDENTITY_DOCUMENT:
        return stored["number"]
    return stored


def display_answer(question: Question, stored: Any, language: str) -> str:
    """The answer as the party reads it on the review screen and in the statement."""
    if stored is None:
        return msg.pick(msg.NOT_ANSWERED, language)
    kind = question.type
    if kind is QuestionType.YES_NO:
        return msg.pick(msg.YES if stored else msg.NO, language)
    if kind is QuestionType.CONFIRMATION:
        return msg.pick(msg.CONFIRMED, language)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        ids = [stored] if isinstance(stored, str) else stored
        labels = []
        for choice_id in ids:
            choice = question.choice(choice_id)
            if choice is not None:
                labels.append(text_in(choice.statement or choice.label, language))
        return msg.pick(msg.LIST_SEPARATOR, language).join(labels)
    if kind in (QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME):
        return display_value(typed_value(question, stored), language)
    if kind is QuestionType.IDENTITY_DOCUMENT:
        label = DOCUMENT_TYPE_LABELS.get(DocumentType(stored["type"]), {})
        return f"{text_in(label, language)} {stored['number']}".strip()
    return _plain(stored)


def display_value(value: Any, language: str) -> str:
    """A calculated value as the party reads it: yes/no, dates and numbers as answers read."""
    if value is None:
        return msg.pick(msg.NOT_ANSWERED, language)
    if isinstance(value, bool):
        return msg.pick(msg.YES if value else msg.NO, language)
    if isinstance(value, datetime):
        return format_date(value.date(), language) + (
            "" if language == "zh" else " ") + format_time(value.time(), language)
    if isinstance(value, date):
        return format_date(value, language)
    if isinstance(value, time):
        return format_time(value, language)
    if isinstance(value, float):
        return _plain(round(value, 2))
    if isinstance(value, list | tuple):
        return msg.pick(msg.LIST_SEPARATOR, language).join(display_value(v, language)
                                                           for v in value)
    return _plain(value)


def format_date(day: date, language: str) -> str:
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def format_time(moment: time, language: str) -> str:
    if language == "zh":
        return f"{moment.hour}时{moment.minute:02d}分"
    return moment.strftime("%H:%M")
