"""Officer and admin accounts: argon2id password hashes, roles, lock-out after failed logins."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.db import Database
from kiosk.models import User
from kiosk.roles import Role
from kiosk.settings import Settings

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 8
PRODUCTION_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# Every hash and check goes through this one. The seam exists for the tests alone, which put a
# cheap hasher here (tests/conftest.py): a production-cost hash takes half a second. Hashes keep
# their parameters, so one made at any cost verifies with any hasher.
_hasher: PasswordHasher = PRODUCTION_HASHER


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why.

    `reason` names the rule in a form a screen can word in its own language (`values` fill it).
    """

    def __init__(self, message: str, *, reason: str = "", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


class LoginFailed(PermissionError):
    """Wrong user name or password, a disabled or a locked account (the message says which).

    `reason` says which for screens in other languages: "login_failed", "login_disabled" or
    "login_locked" (`values` fill the wording).
    """

    def __init__(self, message: str, *, reason: str = "login_failed", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


class Lock(NamedTuple):
    """An account that refuses every login without looking at the password.

    `until` is when the lock ends by itself; None: when an admin resets the password.
    """

    until: datetime | None


class LoginCounts(Protocol):
    """What decides whether an account is locked (a `User`, or a screen's copy of one)."""

    @property
    def failed_logins(self) -> int: ...

    @property
    def locked_until(self) -> datetime | None: ...


@dataclass(frozen=True)
class LoginPolicy:
    """When wrong passwords lock an account, and for how long (the station's settings).

    After `max_failures` wrong passwords in a row the account is locked for `lockout_minutes`
    (0: until an admin resets the password). The end is fixed when the lock starts
    (`User.locked_until`), so every machine agrees on it whatever settings it started with.
    `timezone` is the station's, in which times are worded.
    """

    max_failures: int
    lockout_minutes: int = 0
    timezone: str = "UTC"

    @classmethod
    def of(cls, settings: Settings) -> LoginPolicy:
        return cls(settings.login_max_failures, settings.login_lockout_minutes,
                   settings.timezone)

    def lock_of(self, account: LoginCounts, now: datetime) -> Lock | None:
        """The account's lock at `now`; None when it may try a password."""
        if account.failed_logins < self.max_failures:
            return None
        until = account.locked_until
        if until is None:
            return Lock(None)
        return Lock(until) if now < until else None

    def lock_end(self, start: datetime) -> datetime | None:
        """When a lock starting at `start` ends: on a whole minute, so that "try again after
        02:35" is true at 02:35:00; None when it lasts until a reset."""
        if not self.lockout_minutes:
            return None
        end = start + timedelta(minutes=self.lockout_minutes)
        if end.second or end.microsecond:
            end = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return end

    def time_text(self, moment: datetime, now: datetime) -> str:
        """A time as the station's staff read it: "02:35" within a day of `now`, else with
        its date."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.strftime("%H:%M" if abs(moment - now) < timedelta(days=1)
                              else "%Y-%m-%d %H:%M")


def _dummy_hash() -> str:
    """A hash to check unknown names against, at the cost of the hasher in use."""
    return _dummy_hash_of(_hasher)


@lru_cache(maxsize=4)
def _dummy_hash_of(hasher: PasswordHasher) -> str:
    """Made on first use: at production cost it takes ~0.5 s."""
    return hasher.hash("not a password of anyone")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                           reason="password_short", min=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def parse_roles(names: Iterable[str]) -> list[str]:
    roles = []
    for name in names:
        try:
            roles.append(Role(name.strip()).value)
        except ValueError as exc:
            known = ", ".join(r.value for r in Role)
            raise AccountError(f"unknown role {name!r} (one of: {known})",
                               reason="unknown_role", role=name) from exc
    if not roles:
        raise AccountError("an account needs at least one role", reason="no_role")
    return sorted(set(roles))


def add_user(session: Session, username: str, password: str, roles: Iterable[str], *,
             actor: str, display_name: str = "", must_change_password: bool = False) -> User:
    """A new account; `must_change_password` makes its owner choose their own password at the
    first login (an admin typed this one)."""
    if not USERNAME_RE.match(username):
        raise AccountError(f"user name {username!r} must be 2-32 lower-case letters, digits, "
                           f"'.', '_' or '-', starting with a letter", reason="username_shape")
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise AccountError(f"user {username!r} already exists", reason="username_taken",
                           user=username)
    user = User(username=username, display_name=display_name.strip() or username,
                password_hash=hash_password(password), roles=parse_roles(roles),
                must_change_password=must_change_password)
    session.add(user)
    session.flush()
    record_event(session, actor, "user.added",
                 payload={"user": username, "roles": user.roles,
                          "must_change_password": must_change_password})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise AccountError(f"no user {username!r}", reason="no_user", user=username)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())


def _other_active_admins(session: Session, username: str) -> list[str]:
    """The enabled admins other than `username`, their rows locked until the transaction ends.

    The lock makes two admins who take each other's admin role (or disable each other) at the
    same moment queue up, so the second sees the first's change and is refused.
    """
    users = session.execute(
        select(User).where(User.is_disabled.is_(False)).order_by(User.id).with_for_update()
        .execution_options(populate_existing=True)).scalars()
    return [u.username for u in users if Role.ADMIN in u.roles and u.username != username]


def set_roles(session: Session, username: str, roles: Iterable[str], *, actor: str) -> User:
    """Replaces an account's roles; never leaves the station without an enabled admin."""
    new = parse_roles(roles)
    user = get_user(session, username)
    old = list(user.roles)
    if Role.ADMIN in old and Role.ADMIN not in new and not user.is_disabled \
            and not _other_active_admins(session, username):
        raise AccountError(f"{username!r} is the last enabled admin: give another account the "
                           f"admin role first", reason="last_admin", user=username)
    if sorted(old) == new:
        return user
    user.roles = new
    record_event(session, actor, "user.roles_changed",
                 payload={"user": username, "old": sorted(old), "new": new})
    return user


def disable_user(session: Session, username: str, *, actor: str) -> User:
    """Stops an account from logging in; never an admin's own, nor the last enabled admin."""
    user = get_user(session, username)
    if actor == username:
        raise AccountError("an admin cannot disable their own account", reason="disable_self")
    if user.is_disabled:
        return user
    if Role.ADMIN in user.roles and not _other_active_admins(session, username):
        raise AccountError(f"{username!r} is the last enabled admin and cannot be disabled",
                           reason="last_admin", user=username)
    user.is_disabled = True
    record_event(session, actor, "user.disabled", payload={"user": username})
    return user


def enable_user(session: Session, username: str, *, actor: str) -> User:
    """Lets a disabled or locked-out account log in again."""
    user = get_user(session, username)
    user.is_disabled = False
    user.failed_logins = 0
    user.locked_until = None
    record_event(session, actor, "user.enabled", payload={"user": username})
    return user


def reset_password(session: Session, username: str, password: str, *, actor: str) -> User:
    """Sets a temporary password that must be changed at the next login; unlocks the account."""
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    record_event(session, actor, "user.password_reset", payload={"user": username})
    return user


def change_own_password(session: Session, username: str, old: str, new: str) -> User:
    """The officer's own new password (after a reset it is asked for at the next login)."""
    user = get_user(session, username)
    if not _verify(user.password_hash, old):
        raise AccountError("the current password is wrong", reason="password_wrong")
    if new == old:
        raise AccountError("the new password must differ from the current one",
                           reason="password_same")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    record_event(session, username, "user.password_changed", payload={"user": username})
    return user


def authenticate(database: Database, username: str, password: str, *, policy: LoginPolicy,
                 now: datetime | None = None) -> User:
    """The user if the password is right; LoginFailed otherwise. Every attempt is audited.

    `policy` is the station's (`LoginPolicy.of(settings)`; `LoginPolicy(N)` locks until an
    admin resets the password). A locked account is refused without its password being looked
    at; once its lock has ended the next password is checked, and a wrong one locks it again at
    once (its count is still at the maximum).

    Runs in a transaction of its own so that a failed attempt is counted even though the
    caller then stops.
    """
    now = now or datetime.now(UTC)
    with database.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            # The same work as a real check, so the time taken does not tell which names exist;
            # and what was typed is not stored (it may be a password typed in the wrong field).
            _verify(_dummy_hash(), password)
            record_event(session, "unknown", "login.failed", payload={"reason": "unknown user"})
            failure = LoginFailed("wrong user name or password")
        elif user.is_disabled:
            record_event(session, username, "login.failed", payload={"reason": "disabled"})
            failure = LoginFailed(f"the account {username!r} is disabled",
                                  reason="login_disabled", user=username)
        elif (lock := policy.lock_of(user, now)) is not None:
            record_event(session, username, "login.failed", payload={"reason": "locked"})
            failure = _locked(user, lock, policy, now)
        elif not _verify(user.password_hash, password):
            user.failed_logins += 1
            record_event(session, username, "login.failed", payload={"reason": "password"})
            if user.failed_logins >= policy.max_failures:
                user.locked_until = policy.lock_end(now)
                until = user.locked_until.isoformat() if user.locked_until else None
                record_event(session, username, "login.locked",
                             payload={"failures": user.failed_logins, "until": until})
            failure = LoginFailed("wrong user name or password")
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            record_event(session, username, "login", payload={})
            session.expunge(user)
            return user
    raise failure


def _locked(user: User, lock: Lock, policy: LoginPolicy, now: datetime) -> LoginFailed:
    """The refusal of a login to a locked account; `values` has `until` for a lock that ends by
    itself (an aware datetime, for screens to word in the station's zone)."""
    failures = user.failed_logins
    if lock.until is None:
        return LoginFailed(f"the account {user.username!r} is locked after {failures} failed "
                           f"logins; an admin must reset its password",
                           reason="login_locked", user=user.username, failures=failures)
    return LoginFailed(f"the account {user.username!r} is locked after {failures} failed logins "
                       f"until {policy.time_text(lock.until, now)} ({policy.timezone}); try "
                       f"again then, or have an admin reset its password",
                       reason="login_locked", user=user.username, failures=failures,
                       until=lock.until)
