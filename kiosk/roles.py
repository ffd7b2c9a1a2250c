"""The roles an account can hold."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"    # opens cases, follows them, may return or convert
    REVIEWER = "reviewer"  # legal officer (法制员): first review level
    APPROVER = "approver"  # head of the police organ: final level
    ADMIN = "admin"        # templates, accounts, station settings
