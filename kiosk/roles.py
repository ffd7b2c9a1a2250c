"""The roles an account can hold."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"    # opens cases, follows them, may return or convert
    REVIEWER = "reviewer"  # legal officer (法制员): first review level
    APPROVER = "approver"  # head of the police organ: final level
    # The county-level organ (分局/县局): the level added after the station's chain when the
    # penalty is detention or a fine over 1,000 yuan (PSAPL Art. 109).
    COUNTY_APPROVER = "county_approver"
    ADMIN = "admin"        # templates, accounts, station settings


DECIDING_ROLES = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.COUNTY_APPROVER})
"""The roles that work on cases: add evidence, propose and record mediation, decide. (The same
set as kiosk.review.DECIDING_ROLES, which may import it from here.)"""
