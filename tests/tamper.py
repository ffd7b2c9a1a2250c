"""Tampering as someone holding the database file would: the evidence triggers dropped first.

On SQLite the evidence rows are guarded by triggers (migration 0014) that refuse any UPDATE or
DELETE, even from a test. An attacker who has the file can drop them, and the tests that prove
a change is *detected* play that attacker: they call `tamper_as_file_owner` first. On the test
PostgreSQL server the tests connect as the superuser, which the app role's privileges do not
bind (tests/test_app_role.py is where the app role is refused), so there is nothing to drop.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["tamper_as_file_owner"]


def tamper_as_file_owner(target: Session | sqlite3.Connection) -> None:
    """Drops the SQLite evidence triggers in this session's database (no-op on PostgreSQL)."""
    if isinstance(target, sqlite3.Connection):
        names = [row[0] for row in target.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'evidence_no_%'")]
        for name in names:
            target.execute(f"DROP TRIGGER {name}")
        return
    if target.get_bind().dialect.name != "sqlite":
        return
    names = target.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'evidence_no_%'"
    )).scalars().all()
    for name in names:
        target.execute(text(f"DROP TRIGGER {name}"))
