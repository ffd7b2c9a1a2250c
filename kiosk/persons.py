"""The persons of a case besides its party: victims (被侵害人) and witnesses (证人).

A case's own party is its offender (违法嫌疑人): the case's start code, identity, answers,
statement and signature stay theirs. Each person added here has their own start code, the notice
of their role (the duty to testify truthfully, and liability for false testimony: PSAPL Art. 72),
their own interview template (`role: victim` or `role: witness`), answers, statement and
signature. In a mutual fight (互殴) the other side is a person who is both offender and victim,
and the case's party is then a victim too.

Their statements are the other evidence a decision needs (PSAPL Art. 111; PR Art. 43). Every
function is one step of one transaction; a refusal is a CaseError with a `reason` and writes
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import (
    MAX_NAME_LENGTH,
    CaseError,
    CaseNotFound,
    Incomplete,
    check_identity,
    current_answers,
    store_answers,
    unused_start_code,
)
from kiosk.interview import Interview, Party
from kiosk.models import Case, Person, Signature
from kiosk.notices import Notice, load_notice
from kiosk.settings import Settings
from kiosk.states import FINAL
from kiosk.template_store import get_version, template_of


class Role(StrEnum):
    """What a person is to the case; a template's `role` says whose interview it is."""

    OFFENDER = "offender"  # 违法嫌疑人
    VICTIM = "victim"      # 被侵害人
    WITNESS = "witness"    # 证人


class PersonStatus(StrEnum):
    ADDED = "added"              # the officer added them; they have not started
    IN_PROGRESS = "in_progress"  # answering at the kiosk
    SUBMITTED = "submitted"      # their signed statement is in


ROLE_LABELS = {
    Role.OFFENDER: {"zh": "违法嫌疑人", "en": "Offender"},
    Role.VICTIM: {"zh": "被侵害人", "en": "Victim"},
    Role.WITNESS: {"zh": "证人", "en": "Witness"},
}

NOTICES = {Role.VICTIM: "victim-notice", Role.WITNESS: "witness-notice"}
"""The notice each role reads before questioning (templates/documents/; PSAPL Art. 72)."""


@dataclass(frozen=True)
class PersonInfo:
    """One person of a case as lists and the console show it; the party is `person_id` None."""

    person_id: str | None
    roles: tuple[str, ...]
    name: str
    status: str
    template: str
    template_version: int
    start_code: str | None  # None once the case is decided: it no longer opens anything


# -- adding -------------------------------------------------------------------------------


def add_person(session: Session, settings: Settings, case: Case, role: str, template_id: str,
               name: str, *, actor: str, also_offender: bool = False,
               language: str | None = None) -> Person:
    """Adds a victim or a witness to a case, with their own start code and template.

    `also_offender`: a victim who also hit (a mutual fight, 互殴), both offender and victim.
    Refused, with nothing written, for a decided case, an unknown role, a template of another
    role, or an empty or overlong name.
    """
    if case.status in FINAL:
        raise CaseError(f"case {case.code} is already decided ({case.status}); no person can "
                        f"be added to it", reason="person_case_decided", code=case.code,
                        status=case.status)
    if role not in (Role.VICTIM, Role.WITNESS):
        raise CaseError(f"a person added to a case is a victim or a witness, not {role!r}",
                        reason="person_role_unknown", role=role)
    if also_offender and role != Role.VICTIM:
        raise CaseError("only a victim can also be an offender (a mutual fight)",
                        reason="person_offender_not_victim", role=role)
    name = " ".join(name.split())
    if not name:
        raise CaseError("the person's name is empty", reason="party_name_empty")
    if len(name) > MAX_NAME_LENGTH:
        raise CaseError(f"the person's name is longer than {MAX_NAME_LENGTH} characters",
                        reason="party_name_long", max=MAX_NAME_LENGTH)
    language = language or case.language
    if language not in settings.languages:
        raise CaseError(f"language {language!r} is not offered (settings: languages)",
                        reason="language_not_offered", language=language)
    version = get_version(session, template_id)
    template_role = template_of(version).role
    if template_role != role:
        raise CaseError(f"template {template_id!r} is for the {template_role}, not for a {role}",
                        reason="person_template_role", template=template_id,
                        template_role=template_role, role=role)
    roles = [Role.VICTIM.value, Role.OFFENDER.value] if also_offender else [role]
    person = Person(id=str(uuid.uuid4()), case_id=case.id, roles=roles,
                    start_code=unused_start_code(session), template_version_id=version.id,
                    name=name, identity={}, language=language,
                    status=PersonStatus.ADDED.value, notice={}, submission_count=0,
                    added_by=actor)
    session.add(person)
    session.flush()
    record_event(session, actor, "person.added", case_id=case.id,
                 payload={"person": person.id, "roles": roles, "template": template_id,
                          "version": version.version})
    return person


# -- finding ------------------------------------------------------------------------------


def persons_of(session: Session, case: Case) -> list[Person]:
    """The persons added to a case, in the order they were added."""
    return list(session.execute(
        select(Person).where(Person.case_id == case.id).order_by(Person.added_at, Person.id)
    ).scalars())


def find_person(session: Session, start_code: str) -> Person:
    """The person of an open case whose start code this is."""
    person = session.execute(
        select(Person).join(Case, Person.case_id == Case.id)
        .where(Person.start_code == start_code.strip(),
               Case.status.not_in([s.value for s in FINAL]))
    ).scalar_one_or_none()
    if person is None:
        raise CaseNotFound("no person of an open case has this start code")
    return person


def case_of(session: Session, person: Person) -> Case:
    case = session.get(Case, person.case_id)
    assert case is not None  # a foreign key
    return case


def is_mutual_fight(persons: Iterable[Person]) -> bool:
    """Whether another person is an offender too, which makes the case's party a victim."""
    return any(Role.OFFENDER in p.roles for p in persons)


def everyone(session: Session, case: Case) -> list[PersonInfo]:
    """The case's party (the offender) first, then each person added to it."""
    persons = persons_of(session, case)
    is_open = case.status not in FINAL
    party_roles = (Role.OFFENDER.value, Role.VICTIM.value) if is_mutual_fight(persons) \
        else (Role.OFFENDER.value,)
    listed = [PersonInfo(None, party_roles, case.party_name, case.status,
                         case.template_version.template_id, case.template_version.version,
                         case.start_code if is_open else None)]
    listed += [PersonInfo(p.id, tuple(p.roles), p.name, p.status,
                          p.template_version.template_id, p.template_version.version,
                          p.start_code if is_open else None) for p in persons]
    return listed


# -- the person's steps -------------------------------------------------------------------


def notice_of(person: Person, templates_dir: Path) -> Notice:
    """The notice this person reads first: a victim's, or a witness's (PSAPL Art. 72)."""
    role = Role.VICTIM if Role.VICTIM in person.roles else Role.WITNESS
    return load_notice(templates_dir, NOTICES[role])


def start_person(session: Session, person: Person, *, actor: str = "party") -> None:
    """The person starts (or resumes) answering at the kiosk."""
    _require_open(session, person)
    if person.status == PersonStatus.ADDED:
        person.status = PersonStatus.IN_PROGRESS.value
        record_event(session, actor, "person.started", case_id=person.case_id,
                     payload={"person": person.id})


def acknowledge_notice(session: Session, person: Person, templates_dir: Path, *,
                       actor: str = "party") -> None:
    """The person read (or heard) their role's notice and acknowledged it."""
    _require_answering(session, person)
    notice = notice_of(person, templates_dir)
    person.notice = {notice.id: notice.version}
    person.notice_acknowledged_at = datetime.now(UTC)
    record_event(session, actor, "person.notice_acknowledged", case_id=person.case_id,
                 payload={"person": person.id, "notice": notice.id, "version": notice.version})


def record_person_identity(session: Session, person: Person, raw: Mapping[str, Any], *,
                           today: date, actor: str = "party") -> dict[str, Any]:
    """The person's identity, checked as the party's is; the name must be the one recorded."""
    _require_answering(session, person)
    identity = check_identity(raw, person.name, today)
    person.identity = identity
    record_event(session, actor, "person.identity_recorded", case_id=person.case_id,
                 payload={"person": person.id, "document_type": identity["document"]["type"]})
    return identity


def person_interview(session: Session, person: Person, *, today: date,
                     now: datetime) -> Interview:
    """The person's interview as it stands, on the template version they were added with."""
    birth = person.identity.get("birth_date")
    party = Party(birth_date=date.fromisoformat(birth) if birth else None,
                  sex=person.identity.get("sex"), nationality=person.identity.get("nationality"))
    return Interview(template_of(person.template_version),
                     current_answers(session, person.case_id, person.id), party, today, now)


def save_person_answers(session: Session, person: Person,
                        items: Iterable[tuple[str, Any]] | Mapping[str, Any], *, today: date,
                        now: datetime, actor: str = "party") -> Interview:
    """Checks and stores the person's answers, as cases.save_answers does the party's.

    A victim's or witness's template has no exclusions that end the case: only the offender's
    answers decide whether the fast-track applies.
    """
    _require_answering(session, person)
    if person.notice_acknowledged_at is None:
        raise CaseError("the person has not yet acknowledged the notice of their role",
                        reason="person_notice_not_acknowledged")
    if not person.identity:
        raise CaseError("the person's identity has not yet been recorded", reason="no_identity")
    interview = person_interview(session, person, today=today, now=now)
    interview, _ = store_answers(session, case_of(session, person), interview, items,
                                 person_id=person.id, actor=actor)
    return interview


def submit_person(session: Session, person: Person, *, today: date, now: datetime,
                  signature_png: bytes | None = None, strokes: list[Any] | None = None,
                  actor: str = "party") -> Person:
    """The person's signed statement is in. Repeating it changes nothing."""
    if person.status == PersonStatus.SUBMITTED:
        return person  # idempotent: a retry after a lost reply must not submit twice
    _require_answering(session, person)
    missing = []
    if person.notice_acknowledged_at is None:
        missing.append("notice: the notice of the person's role was not acknowledged")
    if not person.identity:
        missing.append("identity: the person's identity was not recorded")
    interview = person_interview(session, person, today=today, now=now)
    missing += [f"{screen.path}: {error}" for screen, error in interview.problems()]
    if missing:
        raise Incomplete(missing)
    person.submission_count += 1
    if signature_png is not None:
        session.add(Signature(case_id=person.case_id, person_id=person.id,
                              submission=person.submission_count, png=signature_png,
                              strokes=strokes or []))
    person.status = PersonStatus.SUBMITTED.value
    person.submitted_at = datetime.now(UTC)
    record_event(session, actor, "person.submitted", case_id=person.case_id,
                 payload={"person": person.id, "submission": person.submission_count,
                          "signed": signature_png is not None})
    return person


def _require_open(session: Session, person: Person) -> None:
    case = case_of(session, person)
    if case.status in FINAL:
        raise CaseError(f"case {case.code} is already decided ({case.status})",
                        reason="person_case_decided", code=case.code, status=case.status)


def _require_answering(session: Session, person: Person) -> None:
    _require_open(session, person)
    if person.status != PersonStatus.IN_PROGRESS:
        raise CaseError(f"the person is {person.status}; this needs them to be answering",
                        reason="person_wrong_status", status=person.status)
