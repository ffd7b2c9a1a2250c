"""The roles an account can hold."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"    # opens cases, follows them, may return or convert
    REVIEWER = "reviewer"  # legal officer (法制员): first review level
    APPROVER = "approver"  # head of the police organ: final level
    ADMIN = "admin"        # templates, accounts, station settings


DECIDING_ROLES = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER})
"""The roles that work on cases: add evidence, propose and record mediation, decide. (The same
set as kiosk.review.DECIDING_ROLES, which may import it from here.)"""
