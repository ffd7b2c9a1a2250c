"""The audit hash chain: every event appended with the hash of the one before it.

Once the station's key exists (kiosk/audit_key.py), each link is an HMAC under it rather than a
plain SHA-256, so the database password alone can no longer rewrite the chain. The head row
names the key (`key_id`); events written before that stay plain links, and after the first keyed
event a plain one is a forgery.
"""

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

from kiosk.audit_key import AuditKey, AuditKeyProblem
from kiosk.db import AUDIT_KEY_INFO
from kiosk.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def canonical_json(data: Any) -> str:
    """One spelling of a value, so the same content always hashes the same."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def _event_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
                case_id: str | None, payload: Mapping[str, Any],
                key: AuditKey | None = None) -> str:
    body = canonical_json({
        "seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor, "action": action, "case_id": case_id, "payload": payload,
    })
    message = (prev_hash + body).encode("utf-8")
    return key.mac(message) if key is not None else hashlib.sha256(message).hexdigest()


HEAD_KEY = "kiosk.audit_head"
KEYED_ACTION = "audit.keyed"


def session_key(session: Session) -> AuditKey | None:
    return session.info.get(AUDIT_KEY_INFO)




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
        # Keyed when the program has the station's key: `open_station` refuses to start
        # without it once the chain is keyed, and `verify_chain` names a plain link after a
        # keyed one as forged.
        head = (row.seq, row.hash, session_key(session))
    prev_seq, prev_hash, key = head
    seq = prev_seq + 1
    at = datetime.now(UTC)
    body = dict(payload or {})
    digest = _event_hash(prev_hash, seq, at, actor, action, case_id, body, key)
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, case_id=case_id,
                       payload=body, prev_hash=prev_hash, hash=digest)
    session.add(event)
    session.info[HEAD_KEY] = (seq, digest, key)
    return event


def key_the_chain(session: Session, key: AuditKey, *, actor: str = "system") -> bool:
    """Keys the chain from its next event on, once per station; False when it already is.

    Refuses a key other than the one the chain is keyed with (a second machine given the
    wrong file must not write a fork that only it can verify). The first thing its transaction
    does, so that no plain event of the same transaction comes after the keyed one."""
    assert HEAD_KEY not in session.info, "key the chain before recording anything else"
    head = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq)
        .returning(AuditHead.key_id)).one_or_none()
    if head is None:
        raise AuditChainBroken("the audit chain's head row is missing")
    if head.key_id is not None:
        if head.key_id != key.key_id:
            raise AuditKeyProblem("mismatch", key.path, f"key does not match: {key.path} is "
                                  "not the key this station's audit chain is written with")
        return False
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(key_id=key.key_id))
    session.info[AUDIT_KEY_INFO] = key
    record_event(session, actor, KEYED_ACTION, payload={"key_id": key.key_id})
    return True


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
    """What `kiosk audit verify` found: the number of events, and the first broken link.

    `keyed_from` is the first event written under the station's key (None: none is). With
    `key_mismatch`, the key given is not the one the chain was keyed with: nothing after that
    point could be checked, which is not the same as a broken chain.
    """

    events: int
    broken_at: int | None = None
    problem: str = ""
    keyed_from: int | None = None
    key_mismatch: bool = False

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, key: AuditKey | None = None) -> ChainReport:
    """Walks the chain in order; names the first row that was changed, removed or reordered.

    The key is the session's (the station's) unless given. Without one, a keyed chain is
    checked up to its first keyed event only, and the report says so.
    """
    key = key or session_key(session)
    head = session.get(AuditHead, 1)
    head_key_id = head.key_id if head is not None else None
    if key is not None and head_key_id is not None and key.key_id != head_key_id:
        return ChainReport(0, 1, "key does not match: this chain was keyed with another "
                           "station key than " + str(key.path or "the one given"),
                           key_mismatch=True)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    keyed_from: int | None = None
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, expected_seq,
                               f"event {expected_seq} is missing (next found is {event.seq})",
                               keyed_from)
        if event.prev_hash != prev_hash:
            return ChainReport(count, event.seq, f"event {event.seq} does not link to the event "
                               f"before it (removed, reordered or changed)", keyed_from)
        fields = (prev_hash, event.seq, event.at, event.actor, event.action, event.case_id,
                  event.payload)
        if keyed_from is None and _event_hash(*fields) == event.hash:
            pass  # a plain link, written before the chain was keyed
        elif key is None:
            if keyed_from is None and event.action == KEYED_ACTION:
                return ChainReport(count, None, "", event.seq)  # the rest needs the key
            return ChainReport(count, event.seq, f"event {event.seq} ({event.action}) was "
                               f"changed after it was written", keyed_from)
        elif _event_hash(*fields, key) == event.hash:
            keyed_from = keyed_from or event.seq
        else:
            plain = keyed_from is not None and _event_hash(*fields) == event.hash
            return ChainReport(count, event.seq, f"event {event.seq} ({event.action}) was "
                               + ("written without the station's key after the chain was "
                                  f"keyed at event {keyed_from}: forged" if plain
                                  else "changed after it was written"), keyed_from)
        prev_hash = event.hash
        expected_seq += 1
        session.expunge(event)
    if head is None:
        return ChainReport(count, count + 1 if count else 1, "the chain's head row is missing "
                           "(events may have been removed from the end)", keyed_from)
    if head.seq != count or head.hash != prev_hash:
        return ChainReport(count, count + 1, f"the chain should end at event {head.seq}, but "
                           f"ends at event {count}: events were removed from the end",
                           keyed_from)
    if key is not None and keyed_from is None and count:
        return ChainReport(count, 1, "this station has an audit key, but no event of the chain "
                           "is keyed: the chain was rewritten, or the key is of another station")
    return ChainReport(count, keyed_from=keyed_from)


def event_is_intact(session: Session, event: AuditEvent) -> bool:
    """Whether one event still hashes to its `hash` (its own fields unchanged since written),
    as a plain link or under the station's key; whether it still links into the chain, and
    whether a plain link comes after keyed ones, is `verify_chain`'s to say."""
    fields = (event.prev_hash, event.seq, event.at, event.actor, event.action, event.case_id,
              event.payload)
    key = session_key(session)
    return _event_hash(*fields) == event.hash or (
        key is not None and _event_hash(*fields, key) == event.hash)


def case_events(session: Session, case_id: str) -> list[AuditEvent]:
    return list(session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)
    ).scalars())


# -- anchors: the head, kept outside the database ---------------------------------------------

def anchor_of(session: Session, key: AuditKey, now: datetime) -> dict[str, Any]:
    """The chain's head as a signed line for a file or a printer log outside the database.

    Deleting events from the end and resetting the head leaves a chain that verifies; an
    anchor written before that names an event the chain no longer has (or has otherwise).
    """
    head = session.get(AuditHead, 1)
    if head is None:
        raise AuditChainBroken("the audit chain's head row is missing")
    body = {"at": now.astimezone(UTC).isoformat(timespec="seconds"), "seq": head.seq,
            "hash": head.hash, "key_id": key.key_id}
    return {**body, "mac": key.mac(canonical_json(body).encode("utf-8"))}


def anchor_problem(session: Session, key: AuditKey, anchors: list[dict[str, Any]]) -> str | None:
    """What the anchors say is wrong with the chain now; None when every one still holds."""
    for number, anchor in enumerate(anchors, start=1):
        body = {name: anchor.get(name) for name in ("at", "seq", "hash", "key_id")}
        if anchor.get("mac") != key.mac(canonical_json(body).encode("utf-8")):
            return f"anchor {number} was not written with this station's key, or was altered"
        event = session.scalar(select(AuditEvent).where(AuditEvent.seq == body["seq"]))
        if body["seq"] and (event is None or event.hash != body["hash"]):
            found = "no longer has it" if event is None else "has another event there"
            return (f"the chain was cut and re-headed: anchor {number} ({body['at']}) holds "
                    f"event {body['seq']}, and the chain {found}")
    return None
