"""Whether the case records still say what the audit chain says they said when they were written.

The chain (kiosk/audit.py) proves that no event was changed; this proves that no record was
changed behind the events' back. Every event that records evidence carries a hash of it:
- `answers.saved`: a keyed hash of each answer revision's value;
- `case.identity_recorded`: a keyed hash of the party's identity;
- `case.signed`: the SHA-256 of the signature image;
- `review.approved` at the final level: the decision itself;
- `document.rendered`: the SHA-256 of the PDF's bytes and of its content;
- `evidence.added`: the SHA-256 of the file, whose bytes the blob store must still hold.
`check_records` recomputes each from the rows as they are now and names every one that differs,
and every evidence row that no event recorded (a row slipped in with the database password).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobs import blob_problem
from kiosk.cases import value_digest
from kiosk.models import AnswerRevision, AuditEvent, Case, Document, EvidenceItem, Signature
from kiosk.states import CaseStatus

RECORDING_ACTIONS = ("answers.saved", "case.identity_recorded", "case.signed",
                     "review.approved", "document.rendered", "evidence.added")


@dataclass(frozen=True)
class RecordMismatch:
    """One record that differs from what its audit event recorded.

    `record` is what it is ("answer", "identity", "signature", "decision", "document",
    "evidence"), `where` names it within its case (an answer's path and revision, a document's
    kind and submission), and `problem` is "changed" or "not_recorded" (no event recorded it).
    """

    case_code: str
    record: str
    where: str
    problem: str

    def __str__(self) -> str:
        what = f"{self.record} {self.where}".strip()
        if self.problem == "not_recorded":
            return f"case {self.case_code}: {what} is in the database but no audit event " \
                   f"recorded it"
        return f"case {self.case_code}: {what} was changed after it was recorded"


@dataclass
class _Recorded:
    """What the events of one case recorded, by record."""

    answers: dict[tuple[str, int], str]
    identity: str | None = None
    signatures: dict[int, str | None] | None = None
    decision: dict[str, Any] | None = None
    documents: dict[tuple[str, int, str], str] | None = None
    evidence: dict[int, tuple[str, str]] = field(default_factory=dict)  # item: (sha256, kind)


def _recorded_by_case(session: Session) -> dict[str, _Recorded]:
    recorded: dict[str, _Recorded] = {}
    events = session.execute(
        select(AuditEvent.case_id, AuditEvent.action, AuditEvent.payload)
        .where(AuditEvent.action.in_(RECORDING_ACTIONS), AuditEvent.case_id.is_not(None))
        .order_by(AuditEvent.seq))
    for case_id, action, payload in events:
        seen = recorded.setdefault(case_id, _Recorded(answers={}, signatures={}, documents={}))
        if action == "answers.saved":
            for answer in payload.get("answers", []):
                seen.answers[(answer["path"], answer["revision"])] = answer["hmac"]
        elif action == "case.identity_recorded":
            seen.identity = payload.get("hmac")
        elif action == "case.signed":
            assert seen.signatures is not None
            seen.signatures[payload.get("submission", 0)] = payload.get("png_sha256")
        elif action == "review.approved" and "decision" in payload:
            seen.decision = payload["decision"]
        elif action == "evidence.added":
            seen.evidence[payload["item"]] = (payload["sha256"], payload["kind"])
        elif action == "document.rendered":
            assert seen.documents is not None
            seen.documents[(payload["kind"], payload["submission"],
                            payload["content_sha256"])] = payload["file_sha256"]
    return recorded


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _case_mismatches(session: Session, case: Case, seen: _Recorded) -> Iterator[RecordMismatch]:
    def mismatch(record: str, where: str, problem: str = "changed") -> RecordMismatch:
        return RecordMismatch(case.code, record, where, problem)

    answers = session.execute(select(AnswerRevision).where(AnswerRevision.case_id == case.id)
                              .order_by(AnswerRevision.id)).scalars()
    for answer in answers:
        where = f"'{answer.path}' (revision {answer.revision})"
        digest = seen.answers.get((answer.path, answer.revision))
        if digest is None:
            yield mismatch("answer", where, "not_recorded")
        elif digest != value_digest(case, answer.value):
            yield mismatch("answer", where)
    if case.party is not None and seen.identity is not None \
            and seen.identity != value_digest(case, case.party):
        yield mismatch("identity", "")
    for signature in session.execute(select(Signature).where(Signature.case_id == case.id))\
            .scalars():
        where = f"of submission {signature.submission}"
        assert seen.signatures is not None
        if signature.submission not in seen.signatures:
            yield mismatch("signature", where, "not_recorded")
        elif (expected := seen.signatures[signature.submission]) is not None \
                and expected != _sha256(signature.png):
            yield mismatch("signature", where)  # events before the hash was kept carry None
    if case.status == CaseStatus.APPROVED and case.decision != seen.decision:
        yield mismatch("decision", "", "not_recorded" if seen.decision is None else "changed")
    for document in session.execute(select(Document).where(Document.case_id == case.id))\
            .scalars():
        where = f"{document.kind} (submission {document.submission})"
        assert seen.documents is not None
        file_sha = seen.documents.get((document.kind, document.submission,
                                       document.content_sha256))
        if file_sha is None:
            yield mismatch("document", where, "not_recorded")
        elif file_sha != _sha256(document.pdf) or document.file_sha256 != file_sha \
                or document.content_sha256 != _sha256(document.content.encode("utf-8")):
            yield mismatch("document", where)
    for item in session.execute(select(EvidenceItem).where(EvidenceItem.case_id == case.id)
                                .order_by(EvidenceItem.id)).scalars():
        where = f"{item.kind} {item.sha256[:12]}"
        recorded = seen.evidence.get(item.id)
        if recorded is None:
            yield mismatch("evidence", where, "not_recorded")
        elif recorded != (item.sha256, item.kind) or blob_problem(session, item.sha256):
            yield mismatch("evidence", where)


def check_records(session: Session) -> list[RecordMismatch]:
    """Every case record that differs from its audit event, in case order."""
    recorded = _recorded_by_case(session)
    found: list[RecordMismatch] = []
    for case in session.execute(select(Case).order_by(Case.opened_at, Case.code)).scalars():
        seen = recorded.get(case.id, _Recorded(answers={}, signatures={}, documents={}))
        found.extend(_case_mismatches(session, case, seen))
        session.expunge(case)
    return found
