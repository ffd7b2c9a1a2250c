"""Guessing start codes and the admin PIN: slowed down on each kiosk, alerted station-wide.

A start code is six digits and opens a party's interview; the admin PIN closes the kiosk. Both
can be tried at the kiosk's keypad by whoever stands there, so every wrong one is counted, with
the machine it was typed on (`refused_guesses`), and audited:

- on one machine, after `MACHINE_LIMIT` wrong ones of a kind within `WINDOW`, the next try of
  that kind waits `FIRST_WAIT`, doubling with each further wrong one (up to `LONGEST_WAIT`);
  a try made while waiting is refused without being looked at (and is not counted);
- station-wide, every `STATION_BURST` wrong ones of a kind within `WINDOW` are audited as
  `kiosk.guessing_burst`, which the officers' console shows as an alert.

The admin PIN is stored as an argon2 hash (the station setting `admin_pin`); a machine whose own
file sets a PIN in clear is still checked, in constant time.
"""

from __future__ import annotations

import hmac
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import users
from kiosk.audit import record_event
from kiosk.changes import announce_station_event
from kiosk.models import AuditEvent, RefusedGuess

WINDOW = timedelta(minutes=10)
MACHINE_LIMIT = 5              # wrong tries on one machine in WINDOW before the waits start
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
STATION_BURST = 20             # wrong tries station-wide in WINDOW that raise an alert
PIN_HASH_PREFIX = "$argon2"


class GuessKind(StrEnum):
    START_CODE = "start_code"
    ADMIN_PIN = "admin_pin"


REFUSED_ACTION = {GuessKind.START_CODE: "kiosk.start_code_refused",
                  GuessKind.ADMIN_PIN: "kiosk.admin_pin_refused"}
BURST_ACTION = "kiosk.guessing_burst"


class GuessingThrottled(RuntimeError):
    """Too many wrong tries on this machine: the next one is looked at after `wait_seconds`."""

    reason = "guessing_throttled"

    def __init__(self, kind: GuessKind, machine: str, until: datetime, now: datetime) -> None:
        self.kind = kind
        self.machine = machine
        self.until = until
        self.wait_seconds = max(1, -int(-(until - now).total_seconds() // 1))
        super().__init__(f"too many wrong {kind.value.replace('_', ' ')}s on {machine}: "
                         f"try again in {self.wait_seconds} s")

    @property
    def values(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "machine": self.machine,
                "wait_seconds": self.wait_seconds}


@dataclass(frozen=True)
class Refusal:
    """What a wrong try led to: the wait it starts (None: none yet) and whether it raised an
    alert."""

    wait: timedelta | None
    burst: bool


def this_machine() -> str:
    """The name the refusals of this kiosk are counted under."""
    return socket.gethostname()[:64] or "kiosk"


def wait_after(wrong: int) -> timedelta | None:
    """The wait after `wrong` wrong tries on one machine within the window."""
    if wrong < MACHINE_LIMIT:
        return None
    return min(FIRST_WAIT * 2 ** min(wrong - MACHINE_LIMIT, 16), LONGEST_WAIT)


def _recent(session: Session, kind: GuessKind, now: datetime,
            machine: str | None = None) -> tuple[int, datetime | None]:
    """How many wrong tries of a kind in the window (on one machine, or all), and the last."""
    query = select(func.count(), func.max(RefusedGuess.at)).where(
        RefusedGuess.kind == kind.value, RefusedGuess.at > now - WINDOW)
    if machine is not None:
        query = query.where(RefusedGuess.machine == machine)
    count, last = session.execute(query).one()
    return int(count), last


def check_allowed(session: Session, kind: GuessKind, machine: str, now: datetime) -> None:
    """Raises GuessingThrottled while this machine must wait before another try of this kind."""
    wrong, last = _recent(session, kind, now, machine)
    wait = wait_after(wrong)
    if wait is not None and last is not None and now < last + wait:
        raise GuessingThrottled(kind, machine, last + wait, now)


def record_refusal(session: Session, kind: GuessKind, machine: str, now: datetime, *,
                   actor: str = "party") -> Refusal:
    """Counts and audits a wrong try, in the caller's transaction; audits a station-wide burst.

    The refusal's audit event comes first: it takes the chain's lock, so concurrent refusals
    are counted one after the other and a burst is audited exactly once per STATION_BURST.
    """
    record_event(session, actor, REFUSED_ACTION[kind], payload={"machine": machine})
    session.add(RefusedGuess(kind=kind.value, machine=machine, at=now))
    session.flush()
    wrong, _ = _recent(session, kind, now, machine)
    station_wide, _ = _recent(session, kind, now)
    burst = station_wide % STATION_BURST == 0
    if burst:
        machines = session.execute(
            select(RefusedGuess.machine, func.count()).where(
                RefusedGuess.kind == kind.value, RefusedGuess.at > now - WINDOW)
            .group_by(RefusedGuess.machine).order_by(RefusedGuess.machine)).all()
        record_event(session, actor, BURST_ACTION, payload={
            "kind": kind.value, "wrong": station_wide,
            "minutes": int(WINDOW.total_seconds() // 60),
            "machines": {name: int(count) for name, count in machines}})
        announce_station_event(session)  # the consoles show it (ui/officer/feed.py)
    return Refusal(wait_after(wrong), burst)


def bursts_since(session: Session, seq: int) -> list[dict[str, Any]]:
    """The guessing bursts audited after event `seq`, oldest first (the console's alerts)."""
    return [dict(payload) for payload in session.scalars(
        select(AuditEvent.payload).where(AuditEvent.seq > seq,
                                         AuditEvent.action == BURST_ACTION)
        .order_by(AuditEvent.seq))]


# -- the admin PIN ---------------------------------------------------------------------------

def is_pin_hash(value: str) -> bool:
    return value.startswith(PIN_HASH_PREFIX)


def hash_admin_pin(pin: str) -> str:
    """The admin PIN as stored: argon2id, with the same hasher as the officers' passwords."""
    return users._hasher.hash(pin)


def pin_matches(stored: str, pin: str) -> bool:
    """Whether `pin` is the admin PIN `stored` (its hash, or a machine's own PIN in clear)."""
    if is_pin_hash(stored):
        try:
            return users._hasher.verify(stored, pin)
        except (VerificationError, InvalidHashError):
            return False
    return hmac.compare_digest(stored.encode("utf-8"), pin.encode("utf-8"))


@dataclass(frozen=True)
class PinCheck:
    accepted: bool
    wait_seconds: int | None = None  # a wrong PIN that starts a wait: how long


def check_admin_pin(session: Session, stored: str, pin: str, *, machine: str,
                    now: datetime) -> PinCheck:
    """Whether the PIN typed at this machine opens it; a wrong one is counted and audited (in
    the caller's transaction, which commits it: the refusal is an outcome, not an error).

    Raises GuessingThrottled, without looking at the PIN, while the machine must wait.
    """
    check_allowed(session, GuessKind.ADMIN_PIN, machine, now)
    if pin_matches(stored, pin):
        record_event(session, "admin", "kiosk.admin_pin_accepted", payload={"machine": machine})
        return PinCheck(accepted=True)
    refusal = record_refusal(session, GuessKind.ADMIN_PIN, machine, now, actor="admin")
    wait = None if refusal.wait is None else int(refusal.wait.total_seconds())
    return PinCheck(accepted=False, wait_seconds=wait)
