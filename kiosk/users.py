"""Officer and admin accounts: argon2id password hashes, roles, lock-out after failed logins."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.db import Database
from kiosk.models import User
from kiosk.roles import Role

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


class LoginFailed(PermissionError):
    """Wrong user name or password, a disabled or a locked account (the message says which)."""


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown names against (made on first use: it costs ~0.5 s)."""
    return _hasher.hash("not a password of anyone")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def parse_roles(names: Iterable[str]) -> list[str]:
    roles = []
    for name in names:
        try:
            roles.append(Role(name.strip()).value)
        except ValueError as exc:
            known = ", ".join(r.value for r in Role)
            raise AccountError(f"unknown role {name!r} (one of: {known})") from exc
    if not roles:
        raise AccountError("an account needs at least one role")
    return sorted(set(roles))


def add_user(session: Session, username: str, password: str, roles: Iterable[str], *,
             actor: str, display_name: str = "") -> User:
    if not USERNAME_RE.match(username):
        raise AccountError(f"user name {username!r} must be 2-32 lower-case letters, digits, "
                           f"'.', '_' or '-', starting with a letter")
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise AccountError(f"user {username!r} already exists")
    user = User(username=username, display_name=display_name or username,
                password_hash=hash_password(password), roles=parse_roles(roles))
    session.add(user)
    session.flush()
    record_event(session, actor, "user.added", payload={"user": username, "roles": user.roles})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())


def disable_user(session: Session, username: str, *, actor: str) -> User:
    user = get_user(session, username)
    user.is_disabled = True
    record_event(session, actor, "user.disabled", payload={"user": username})
    return user


def enable_user(session: Session, username: str, *, actor: str) -> User:
    """Lets a disabled or locked-out account log in again."""
    user = get_user(session, username)
    user.is_disabled = False
    user.failed_logins = 0
    record_event(session, actor, "user.enabled", payload={"user": username})
    return user


def reset_password(session: Session, username: str, password: str, *, actor: str) -> User:
    """Sets a temporary password that must be changed at the next login; unlocks the account."""
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    record_event(session, actor, "user.password_reset", payload={"user": username})
    return user


def change_own_password(session: Session, username: str, old: str, new: str) -> User:
    """The officer's own new password (after a reset it is asked for at the next login)."""
    user = get_user(session, username)
    if not _verify(user.password_hash, old):
        raise AccountError("the current password is wrong")
    if new == old:
        raise AccountError("the new password must differ from the current one")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    record_event(session, username, "user.password_changed", payload={"user": username})
    return user


def authenticate(database: Database, username: str, password: str, *, max_failures: int) -> User:
    """The user if the password is right; LoginFailed otherwise. Every attempt is audited.

    Runs in a transaction of its own so that a failed attempt is counted even though the
    caller then stops.
    """
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
            failure = LoginFailed(f"the account {username!r} is disabled")
        elif user.failed_logins >= max_failures:
            record_event(session, username, "login.failed", payload={"reason": "locked"})
            failure = LoginFailed(f"the account {username!r} is locked after {max_failures} "
                                  f"failed logins; an admin must reset its password")
        else:
            if not _verify(user.password_hash, password):
                user.failed_logins += 1
                record_event(session, username, "login.failed", payload={"reason": "password"})
                failure = LoginFailed("wrong user name or password")
            else:
                user.failed_logins = 0
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                record_event(session, username, "login", payload={})
                session.expunge(user)
                return user
    raise failure
