"""Answers files: a whole interview as JSON, submitted headless through the same engine.

The format (what `kiosk template sample` writes and `kiosk submit` reads):

    {"template": "minor-assault", "version": 1, "language": "zh",
     "consent": true, "rights_acknowledged": true,
     "party": {"name": "张三", "document": {"type": "resident_id", "number": "..."},
               "phone": "...", "address": "...", "household_registration": "...",
               "employer": "..."},
     "answers": {"incident_date": "2026-11-20", "other_people": [{"name": "李四"}], ...}}
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.cases import (
    ArrivalMode,
    CaseError,
    acknowledge_rights,
    find_case,
    open_case,
    record_consent,
    record_identity,
    save_answers,
    set_language,
    start_interview,
    submit_case,
)
from kiosk.interview import flatten_answers
from kiosk.models import Case, Person
from kiosk.notices import RIGHTS, TERMS, load_notice
from kiosk.persons import (
    PersonStatus,
    acknowledge_notice,
    find_person,
    record_person_identity,
    save_person_answers,
    start_person,
    submit_person,
)
from kiosk.states import CaseStatus
from kiosk.station import Station
from kiosk.template_store import template_of

FILE_KEYS = {"template", "version", "language", "consent", "rights_acknowledged", "party",
             "answers"}


class AnswersFileError(ValueError):
    """An answers file that cannot be used; the message names the key or question."""


@dataclass(frozen=True)
class AnswersFile:
    template: str
    version: int | None
    language: str | None
    consent: bool
    rights_acknowledged: bool
    party: Mapping[str, Any]
    answers: Mapping[str, Any]


def parse_answers_file(text: str, source: str = "answers file") -> AnswersFile:
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise AnswersFileError(f"{source}: not valid JSON at line {exc.lineno}, column "
                               f"{exc.colno}: {exc.msg}") from exc
    except (ValueError, RecursionError) as exc:  # absurd numbers or nesting
        raise AnswersFileError(f"{source}: the file is not a sensible answers file "
                               f"({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise AnswersFileError(f"{source}: the top level must be a JSON object")
    _refuse_invisible_characters(data, source)
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise AnswersFileError(f"{source}: unknown key(s) "
                               f"{', '.join(repr(_shown(key)) for key in unknown[:10])}")
    for key in ("template", "party", "answers"):
        if key not in data:
            raise AnswersFileError(f"{source}: missing key '{key}'")
    if not isinstance(data["template"], str):
        raise AnswersFileError(f"{source}: 'template' must be a template id")
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise AnswersFileError(f"{source}: 'version' must be a whole number")
    for key in ("party", "answers"):
        if not isinstance(data[key], dict):
            raise AnswersFileError(f"{source}: '{key}' must be a JSON object")
    # Never assumed: a missing consent must not silently convert the case.
    for key in ("consent", "rights_acknowledged"):
        if not isinstance(data.get(key), bool):
            raise AnswersFileError(f"{source}: '{key}' must be given as true or false")
    return AnswersFile(data["template"], version, data.get("language"), data["consent"],
                       data["rights_acknowledged"], data["party"], data["answers"])


# Line breaks and tabs are text (a long answer has paragraphs); other control characters are
# never typed by a person, PostgreSQL cannot store NUL at all, and a lone surrogate ("\ud800" in
# JSON) is not a character any database can store.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _refuse_invisible_characters(data: Any, source: str) -> None:
    """Refuses NUL, other control characters and lone surrogates anywhere in the file, naming
    where (`party.name`, `answers.items[0].name`)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{where}.{key}" if where else str(key)
                _check_text(key, inner, source)
                stack.append((inner, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, where, source)


def _check_text(text: str, where: str, source: str) -> None:
    for character in text:
        if character in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cs"):
            what = "a NUL character" if character == "\x00" else (
                "a lone surrogate" if category == "Cs" else "a control character")
            raise AnswersFileError(f"{source}: '{_shown(where)}' contains {what} "
                                   f"(U+{ord(character):04X}); remove it")


def _shown(where: str) -> str:
    """A key path for a message, cut so that a hostile key cannot flood it."""
    printable = "".join(c if c.isprintable() else "?" for c in where)
    return printable if len(printable) <= 80 else printable[:77] + "..."


def read_answers_file(path: Path) -> AnswersFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(f"{path}: cannot be read: {exc}") from exc
    return parse_answers_file(text, str(path))


def submit_answers(station: Station, answers: AnswersFile, *, case_code: str | None = None,
                   actor: str = "cli", arrived_at: datetime | None = None,
                   arrival_mode: str = ArrivalMode.CAME_IN.value) -> Case:
    """Runs a whole interview from a file, in one transaction: all of it lands, or none.

    Without a case code a case is opened first. The steps are those of the kiosk: start,
    language, consent, rights, identity, each answer in screen order, submit. An exclusion
    converts the case (and that conversion is kept).
    """
    settings = station.settings
    today, now = station.today(), station.local_now().replace(tzinfo=None)
    with station.database.session() as session:
        if case_code is None:
            case = open_case(session, settings, answers.template,
                             str(answers.party.get("name", "")),
                             arrived_at=arrived_at or datetime.now(UTC),
                             arrival_mode=arrival_mode, actor=actor, today=today,
                             language=answers.language)
        else:
            case = find_case(session, case_code)
        template_id = case.template_version.template_id
        if template_id != answers.template:
            raise AnswersFileError(f"the file is for case type '{_shown(answers.template)}', "
                                   f"but case {case.code} is of type '{template_id}'")
        if case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.APPROVED):
            return case  # a retry of a submission that already landed changes nothing
        if answers.version is not None and answers.version != case.template_version.version:
            raise AnswersFileError(f"the file is for version {_shown(str(answers.version))}, "
                                   f"the case uses version {case.template_version.version}")
        start_interview(session, case, actor=actor)
        if answers.language:
            set_language(session, case, answers.language, settings)
        if case.consent_at is None:
            record_consent(session, case, consents=answers.consent, actor=actor)
            if case.status == CaseStatus.CONVERTED:
                return case
        if case.rights_acknowledged_at is None:
            if not answers.rights_acknowledged:
                raise CaseError("the rights notice must be acknowledged ('rights_acknowledged')")
            acknowledge_rights(session, case, actor=actor)
        templates_dir = settings.resolved_templates_dir
        case.notices = {TERMS: load_notice(templates_dir, TERMS).version,
                        RIGHTS: load_notice(templates_dir, RIGHTS).version, **case.notices}
        record_identity(session, case, answers.party, today=today, actor=actor)
        template = template_of(case.template_version)
        flat = flatten_answers(template, answers.answers)
        interview = save_answers(session, case, flat, today=today, now=now, actor=actor)
        if case.status == CaseStatus.CONVERTED:
            return case
        leftover = sorted(set(flat) - {s.path for s in interview.screens})
        if leftover:
            raise AnswersFileError(f"answers given for questions that are not asked with these "
                                   f"answers: {', '.join(leftover)}")
        submit_case(session, case, today=today, now=now, actor=actor)
        return case


def submit_person_answers(station: Station, answers: AnswersFile, *, case_code: str,
                          start_code: str, actor: str = "cli") -> tuple[Case, Person]:
    """Runs a victim's or witness's whole interview from a file and submits it, in one
    transaction. `rights_acknowledged` stands for the notice of the person's role (PSAPL
    Art. 72); `consent` is not asked of them (the fast-track is the offender's to accept).
    """
    settings = station.settings
    today, now = station.today(), station.local_now().replace(tzinfo=None)
    with station.database.session() as session:
        case = find_case(session, case_code)
        person = find_person(session, start_code)
        if person.case_id != case.id:
            raise CaseError(f"start code {_shown(start_code)} is not of a person of case "
                            f"{case.code}", reason="person_not_of_case", code=case.code)
        template_id = person.template_version.template_id
        if template_id != answers.template:
            raise AnswersFileError(f"the file is for template '{_shown(answers.template)}', "
                                   f"but this person answers '{template_id}'")
        if person.status == PersonStatus.SUBMITTED:
            return case, person  # a retry of a submission that already landed
        if answers.version is not None and answers.version != person.template_version.version:
            raise AnswersFileError(f"the file is for version {_shown(str(answers.version))}, "
                                   f"the person's template is version "
                                   f"{person.template_version.version}")
        start_person(session, person, actor=actor)
        if answers.language:
            if answers.language not in settings.languages:
                raise CaseError(f"language {_shown(answers.language)!r} is not offered",
                                reason="language_not_offered", language=answers.language)
            person.language = answers.language
        if person.notice_acknowledged_at is None:
            if not answers.rights_acknowledged:
                raise CaseError("the notice of the person's role must be acknowledged "
                                "('rights_acknowledged')")
            acknowledge_notice(session, person, settings.resolved_templates_dir, actor=actor)
        record_person_identity(session, person, answers.party, today=today, actor=actor)
        template = template_of(person.template_version)
        flat = flatten_answers(template, answers.answers)
        interview = save_person_answers(session, person, flat, today=today, now=now,
                                        actor=actor)
        leftover = sorted(set(flat) - {s.path for s in interview.screens})
        if leftover:
            raise AnswersFileError(f"answers given for questions that are not asked with these "
                                   f"answers: {', '.join(leftover)}")
        submit_person(session, person, today=today, now=now, actor=actor)
        return case, person
