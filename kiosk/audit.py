"""The audit hash chain: every event appended with the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def canonical_json(data: Any) -> str:
    """One spelling of a value, so the same content always hashes the same."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def _event_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
                case_id: str | None, payload: Mapping[str, Any]) -> str:
    body = canonical_json({
        "seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor, "action": action, "case_id": case_id, "payload": payload,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


HEAD_KEY = "kiosk.audit_head"


class AuditChainBroken(RuntimeError):
    """The chain cannot be extended because its head was tampered with."""


def record_event(session: Session, actor: str, action: str, *, case_id: str | None = None,
                 payload: Mapping[str, Any] | None = None) -> AuditEvent:
    """Appends an event in the caller's transaction, so it lands exactly when the change does.

    The first event of a transaction locks the head row (PostgreSQL: its row lock; SQLite: the
    write lock), so concurrent appends queue up instead of both linking to the same parent. The
    transaction then keeps the head in memory and writes it once, just before it commits.
    """
    head = session.info.get(HEAD_KEY)
    if head is None:
        row = session.execute(
            update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq)
            .returning(AuditHead.seq, AuditHead.hash)
        ).one_or_none()
        if row is None:  # seeded by the first migration: missing means someone removed it
            raise AuditChainBroken("the audit chain's head row is missing; nothing more can be "
                                   "recorded until `kiosk audit verify` is looked into")
        head = tuple(row)
    prev_seq, prev_hash = head
    seq = prev_seq + 1
    at = datetime.now(UTC)
    body = dict(payload or {})
    digest = _event_hash(prev_hash, seq, at, actor, action, case_id, body)
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, case_id=case_id,
                       payload=body, prev_hash=prev_hash, hash=digest)
    session.add(event)
    session.info[HEAD_KEY] = (seq, digest)
    return event


@sa_event.listens_for(Session, "before_commit")
def _write_head(session: Session) -> None:
    head = session.info.pop(HEAD_KEY, None)
    if head is not None:
        session.flush()
        session.execute(update(AuditHead).where(AuditHead.id == 1)
                        .values(seq=head[0], hash=head[1]))


@sa_event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop(HEAD_KEY, None)


@dataclass(frozen=True)
class ChainReport:
    """What `kiosk audit verify` found: the number of events, and the first broken link."""

    events: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session) -> ChainReport:
    """Walks the chain in order; names the first row that was changed, removed or reordered."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, expected_seq,
                               f"event {expected_seq} is missing (next found is {event.seq})")
        if event.prev_hash != prev_hash:
            return ChainReport(count, event.seq, f"event {event.seq} does not link to the event "
                               f"before it (removed, reordered or changed)")
        digest = _event_hash(prev_hash, event.seq, event.at, event.actor, event.action,
                             event.case_id, event.payload)
        if digest != event.hash:
            return ChainReport(count, event.seq, f"event {event.seq} ({event.action}) was "
                               f"changed after it was written")
        prev_hash = event.hash
        expected_seq += 1
        session.expunge(event)
    head = session.get(AuditHead, 1)
    if head is None:
        return ChainReport(count, count + 1 if count else 1, "the chain's head row is missing "
                           "(events may have been removed from the end)")
    if head.seq != count or head.hash != prev_hash:
        return ChainReport(count, count + 1, f"the chain should end at event {head.seq}, but "
                           f"ends at event {count}: events were removed from the end")
    return ChainReport(count)


def event_is_intact(event: AuditEvent) -> bool:
    """Whether one event still hashes to its `hash` (its own fields unchanged since written);
    whether it still links into the chain is `verify_chain`'s to say."""
    return _event_hash(event.prev_hash, event.seq, event.at, event.actor, event.action,
                       event.case_id, event.payload) == event.hash


def case_events(session: Session, case_id: str) -> list[AuditEvent]:
    return list(session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)
    ).scalars())
