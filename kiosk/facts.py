"""Disagreements: where the statements of a case's persons differ on a shared fact.

Templates mark questions with a shared fact key (`fact: facts.time`); the offender's, the
victim's and a witness's templates ask the same fact with the same kind of answer. Before a
decision the officer sees where two persons' answers differ (person A says X, person B says Y)
and marks each as looked into, with a note (audited). An unresolved disagreement is a warning at
the final approval, not a refusal (`approval_warnings`): the evidence must prove the facts
(PSAPL Art. 111), and weighing it is the officer's work.

"I do not know" (a choice `unknown`) and an unanswered question are no claim, so never a
disagreement. Texts compare without case or spacing differences.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import canonical_json, record_event
from kiosk.cases import CaseError, current_answers, lock
from kiosk.models import Case, DisagreementResolution
from kiosk.persons import persons_of
from kiosk.states import FINAL
from kiosk.template_store import template_of

NO_CLAIM = "unknown"
"""The choice id of "I do not know": no claim about the fact."""


@dataclass(frozen=True)
class Claim:
    """What one person said about a fact."""

    person_id: str | None  # None: the case's party, the offender
    name: str
    path: str               # the question of that person's template
    value: Any


@dataclass(frozen=True)
class Resolution:
    note: str
    resolved_by: str
    resolved_at: datetime


@dataclass(frozen=True)
class Disagreement:
    """Two or more persons' different answers about one shared fact."""

    fact: str
    claims: tuple[Claim, ...]
    answers_sha256: str  # what a resolution covers: a changed answer is a new disagreement
    resolution: Resolution | None = None

    @property
    def is_resolved(self) -> bool:
        return self.resolution is not None


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return canonical_json(sorted(canonical_json(_comparable(v)) for v in value))
    return canonical_json(value)


def _claims(session: Session, case: Case) -> dict[str, list[Claim]]:
    """Every person's answer to every shared fact, the party's first."""
    statements = [(None, case.party_name, template_of(case.template_version),
                   current_answers(session, case.id))]
    statements += [(p.id, p.name, template_of(p.template_version),
                    current_answers(session, case.id, p.id)) for p in persons_of(session, case)]
    claims: dict[str, list[Claim]] = {}
    for person_id, name, template, answers in statements:
        for fact, path in template.facts().items():
            value = answers.get(path)
            if value is None or value == NO_CLAIM or value == "":
                continue
            claims.setdefault(fact, []).append(Claim(person_id, name, path, value))
    return claims


def disagreements(session: Session, case: Case) -> list[Disagreement]:
    """Where the persons of a case disagree, by fact, each with its resolution if any."""
    resolved = {(r.fact, r.answers_sha256): r for r in session.execute(
        select(DisagreementResolution).where(DisagreementResolution.case_id == case.id)
    ).scalars()}
    found = []
    for fact, claims in sorted(_claims(session, case).items()):
        if len({canonical_json(_comparable(c.value)) for c in claims}) < 2:
            continue
        digest = hashlib.sha256(canonical_json(
            [[c.person_id, c.path, c.value] for c in claims]).encode("utf-8")).hexdigest()
        row = resolved.get((fact, digest))
        found.append(Disagreement(fact, tuple(claims), digest, None if row is None else
                                  Resolution(row.note, row.resolved_by, row.resolved_at)))
    return found


def approval_warnings(session: Session, case: Case) -> list[Disagreement]:
    """The unresolved disagreements the final approval warns about (never a refusal)."""
    return [d for d in disagreements(session, case) if not d.is_resolved]


def resolve_disagreement(session: Session, case: Case, fact: str, note: str, *, actor: str,
                         expected_version: int | None = None) -> Disagreement:
    """Marks the current disagreement on `fact` as looked into, with the officer's note.

    Refused, with nothing written, for a decided case, an empty note, or a fact on which the
    persons do not (or no longer) disagree. Resolving it again changes nothing.
    """
    lock(case, expected_version)
    if case.status in FINAL:
        raise CaseError(f"case {case.code} is already decided ({case.status})",
                        reason="disagreement_case_decided", code=case.code, status=case.status)
    note = note.strip()
    if not note:
        raise CaseError("resolving a disagreement needs a note", reason="resolution_note_empty")
    current = next((d for d in disagreements(session, case) if d.fact == fact), None)
    if current is None:
        raise CaseError(f"the statements of case {case.code} do not disagree on {fact!r}",
                        reason="no_disagreement", code=case.code, fact=fact)
    if current.is_resolved:
        return current
    row = DisagreementResolution(case_id=case.id, fact=fact,
                                 answers_sha256=current.answers_sha256, note=note,
                                 resolved_by=actor)
    session.add(row)
    session.flush()
    record_event(session, actor, "disagreement.resolved", case_id=case.id,
                 payload={"fact": fact, "answers_sha256": current.answers_sha256,
                          "note_sha256": hashlib.sha256(note.encode("utf-8")).hexdigest()})
    return Disagreement(fact, current.claims, current.answers_sha256,
                        Resolution(row.note, row.resolved_by, row.resolved_at))
