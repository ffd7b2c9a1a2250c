"""The names of the account roles on the staff screens, in each language."""

from __future__ import annotations

ROLE_NAMES = {"officer": {"zh": "民警", "en": "officer"},
              "reviewer": {"zh": "法制员", "en": "reviewer"},
              "approver": {"zh": "审批人", "en": "approver"},
              # PSAPL Art. 109: the county-level organ (分局/县局) decides detention and fines
              # over 1,000 yuan.
              "county_approver": {"zh": "县级公安机关审批人", "en": "county approver"},
              "admin": {"zh": "管理员", "en": "admin"}}


def role_words(role: str, language: str) -> str:
    return ROLE_NAMES.get(role, {}).get(language, role)
