"""Tests for kiosk.samples: sample answers make a complete, eligible interview on every template."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.answers_file import parse_answers_file
from kiosk.identity import DocumentType, IdentityError, check_identity_document
from kiosk.interview import Interview, Party, flatten_answers, nest_answers
from kiosk.samples import resident_id, sample_answers, sample_flat_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.template_loader import load_template_file, shipped_template_files
from kiosk.template_model import QuestionType, Template

SHIPPED = shipped_template_files(PROJECT_ROOT / "templates")
CJK = re.compile(r"[\u4e00-\u9fff]")
TODAYS = [date(2026, 3, 10), date(2026, 1, 1), date(2028, 2, 29), date(2026, 12, 31)]


def party_of(sample: dict[str, Any], today: date) -> Party:
    """The party as the identity step reads it from the sample's identity document."""
    document = sample["party"]["document"]
    read = check_identity_document(document["type"], document["number"], today=today)
    return Party(read.birth_date, read.sex, read.nationality)


def interview_of(template: Template, sample: dict[str, Any], today: date) -> Interview:
    flat = flatten_answers(template, sample["answers"])
    now = datetime.combine(today, time(16))
    return Interview(template, flat, party_of(sample, today), today, now)


@pytest.fixture(scope="module", params=SHIPPED, ids=lambda p: p.stem)
def template(request: pytest.FixtureRequest) -> Template:
    return load_template_file(request.param)


@pytest.mark.parametrize("today", TODAYS, ids=str)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_sample_makes_a_complete_eligible_interview(template: Template, language: str,
                                                    today: date) -> None:
    sample = sample_answers(template, language, today=today)
    assert (sample["template"], sample["version"]) == (template.id, template.version)
    assert sample["language"] == language
    assert sample["consent"] is True and sample["rights_acknowledged"] is True
    interview = interview_of(template, sample, today)
    assert [(s.path, e.message("en")) for s, e in interview.problems()] == []
    assert interview.is_complete()
    assert interview.first_open_screen() is None
    assert interview.exclusion() is None
    # Every shown question is answered, hidden ones are not: the file holds what is asked.
    assert set(interview.answers) == {s.path for s in interview.screens}
    statement = interview.statement(language)
    assert statement and all(e.answer for e in statement if not e.heading)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sample_is_in_the_language_asked_for(template: Template, language: str) -> None:
    sample = sample_answers(template, language, today=TODAYS[0])
    interview = interview_of(template, sample, TODAYS[0])
    texts = [interview.answers[s.path] for s in interview.screens
             if s.question.type in (QuestionType.TEXT, QuestionType.LONG_TEXT)]
    assert texts
    in_chinese = [bool(CJK.search(text)) for text in texts]
    assert all(in_chinese) if language == "zh" else not any(in_chinese)
    assert bool(CJK.search(sample["party"]["name"])) == (language == "zh")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_nest_and_flatten_round_trip(template: Template, language: str) -> None:
    today = TODAYS[0]
    flat = sample_flat_answers(template, language, today)
    sample = sample_answers(template, language, today=today)
    assert nest_answers(template, flat) == sample["answers"]
    assert flatten_answers(template, sample["answers"]) == flat
    # ... and through the JSON text that `kiosk template sample` writes and `kiosk submit` reads.
    text = json.dumps(sample, ensure_ascii=False)
    parsed = parse_answers_file(text, "sample.json")
    assert parsed.template == template.id and parsed.version == template.version
    assert flatten_answers(template, parsed.answers) == flat
    assert nest_answers(template, flatten_answers(template, parsed.answers)) == sample["answers"]


def test_samples_exercise_repeated_groups() -> None:
    """The round trip above must cover groups: some sample has a group as a list of items."""
    groups = []
    for path in SHIPPED:
        parsed = load_template_file(path)
        nested = sample_answers(parsed, "zh", today=TODAYS[0])["answers"]
        for key, value in nested.items():
            if parsed.question(key).type is QuestionType.GROUP:
                groups.append(key)
                assert isinstance(value, list) and value
                assert all(isinstance(item, dict) and item for item in value)
    assert groups


def test_sample_party_document_is_a_valid_adult_resident_id(template: Template) -> None:
    today = TODAYS[0]
    sample = sample_answers(template, "zh", today=today)
    party = party_of(sample, today)
    assert party.birth_date is not None
    assert (today - party.birth_date).days > 18 * 366
    assert sample["party"]["document"]["type"] == DocumentType.RESIDENT_ID.value


# -- resident_id -------------------------------------------------------------------------------


@given(birth=st.dates(date(1900, 1, 1), date(2026, 3, 10)),
       region=st.sampled_from(["110105", "310101", "440305", "650102", "110000"]),
       sequence=st.integers(0, 999))
def test_resident_id_is_accepted_by_the_identity_check(birth: date, region: str,
                                                       sequence: int) -> None:
    number = resident_id(birth, region, sequence)
    assert len(number) == 18
    document = check_identity_document("resident_id", number, today=date(2026, 3, 10))
    assert document.type is DocumentType.RESIDENT_ID
    assert document.number == number
    assert document.birth_date == birth
    assert document.region == region
    assert document.sex == ("male" if sequence % 2 else "female")
    assert document.nationality == "CHN"


def test_resident_id_defaults() -> None:
    number = resident_id(date(1990, 5, 17))
    assert number.startswith("11010519900517123")
    document = check_identity_document("resident_id", number, today=date(2026, 3, 10))
    assert (document.birth_date, document.sex) == (date(1990, 5, 17), "male")


@pytest.mark.parametrize("position", [0, 8, 16])
def test_a_changed_digit_breaks_the_check_character(position: int) -> None:
    number = resident_id(date(1985, 3, 9), sequence=246)
    changed = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:]
    with pytest.raises(IdentityError):
        check_identity_document("resident_id", changed, today=date(2026, 3, 10))

