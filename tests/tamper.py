"""Changing what the product never changes, as someone holding the database would.

On SQLite the evidence rows and a final case's state and decision are guarded by triggers
(migration 0014) that refuse the change, even from a test. Someone who has the file can drop
them; the tests that prove a change is *detected*, and the fixtures that move a decision in
time, play that person and call `tamper_as_file_owner` first. On the test PostgreSQL server the
tests connect as the superuser, whom the app role's privileges do not bind
(tests/test_app_role.py is where the app role is refused); only the final-case trigger applies
to every role, and the superuser switches triggers off for the rest of the transaction.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["tamper_as_file_owner"]

_TRIGGERS = ("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
             "(name LIKE 'evidence_no_%' OR name = 'cases_final_stays_final')")


def tamper_as_file_owner(target: Session | sqlite3.Connection) -> None:
    """Lifts the guards of migration 0014 in this session's database (for this transaction on
    PostgreSQL; for good on SQLite, as a file owner dropping them would)."""
    if isinstance(target, sqlite3.Connection):
        for (name,) in target.execute(_TRIGGERS).fetchall():
            target.execute(f"DROP TRIGGER {name}")
        return
    if target.get_bind().dialect.name != "sqlite":
        target.execute(text("SET LOCAL session_replication_role = replica"))
        return
    for name in target.execute(text(_TRIGGERS)).scalars().all():
        target.execute(text(f"DROP TRIGGER {name}"))
