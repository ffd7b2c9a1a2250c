"""Case codes (行政行为码 style) and the start codes the party types at the kiosk.

A case code is 27 digits: action type 2 + department 9 + date 6 (YYMMDD) + sequence 4 +
custom 5 + check digit 1. The official check-digit algorithm is not public, so the check digit
comes from a swappable `CheckDigitScheme`; the default is ISO 7064 MOD 11,10.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Final, Protocol

from stdnum.iso7064 import mod_11_10

__all__ = [
    "CASE_CODE_LENGTH",
    "DEFAULT_CHECK_DIGIT",
    "SEQUENCE_MAX",
    "START_CODE_LENGTH",
    "CaseCodeError",
    "CaseCodeParts",
    "CheckDigitScheme",
    "Mod11_10",
    "compose_case_code",
    "is_valid_case_code",
    "new_start_code",
    "parse_case_code",
]

CASE_CODE_LENGTH: Final = 27
START_CODE_LENGTH: Final = 6
SEQUENCE_MAX: Final = 9999

# str.isdigit() also accepts other scripts' digits and superscripts; codes are ASCII only.
_DIGITS: Final = re.compile(r"[0-9]+")
_WHITESPACE: Final = re.compile(r"\s+")


class CheckDigitScheme(Protocol):
    """How a check character is computed and verified, so the algorithm can be swapped."""

    def compute(self, digits: str) -> str:
        """Return the one check character for `digits`."""
        ...

    def is_valid(self, code: str) -> bool:
        """Tell whether `code` is digits followed by their check character."""
        ...


class Mod11_10:  # the name spells the standard's "MOD 11,10"
    """ISO 7064 MOD 11,10: one decimal check digit, computed by python-stdnum.

    It detects every single-digit substitution. It does not detect every transposition of
    adjacent digits: for each running state exactly one pair of digits that differ by 1 (or
    the pair 0 and 9) swaps undetected, so about 98 % of adjacent transpositions are caught.
    """

    def compute(self, digits: str) -> str:
        """Return the check digit for `digits` (ASCII digits only)."""
        if not _DIGITS.fullmatch(digits):
            raise ValueError(f"check digit needs ASCII digits, got {digits!r}")
        return mod_11_10.calc_check_digit(digits)

    def is_valid(self, code: str) -> bool:
        """Tell whether `code` is ASCII digits ending in their MOD 11,10 check digit."""
        # stdnum uses int(), which would accept non-ASCII digits; check first.
        return len(code) >= 2 and bool(_DIGITS.fullmatch(code)) and mod_11_10.is_valid(code)


DEFAULT_CHECK_DIGIT: Final[CheckDigitScheme] = Mod11_10()


@dataclass(frozen=True)
class CaseCodeParts:
    """The meaningful parts of a case code, everything but the check digit."""

    action_type: str  # 2 digits
    department: str  # 9 digits
    day: date  # written as YYMMDD; years 2000-2099
    sequence: int  # 1..9999 within the day
    custom: str  # 5 digits


class CaseCodeError(ValueError):
    """A case code, or a part of one, that cannot be right; the message names the part."""


def _check_digit_part(name: str, value: object, length: int) -> str:
    if not isinstance(value, str) or len(value) != length or not _DIGITS.fullmatch(value):
        raise CaseCodeError(f"{name} must be {length} digits, got {value!r}")
    return value


def _body(parts: CaseCodeParts) -> str:
    """Return the 26 digits before the check digit, checking each part."""
    action_type = _check_digit_part("action type", parts.action_type, 2)
    department = _check_digit_part("department code", parts.department, 9)
    custom = _check_digit_part("custom part", parts.custom, 5)
    if not isinstance(parts.day, date):
        raise CaseCodeError(f"date must be a date, got {parts.day!r}")
    # YYMMDD cannot tell centuries apart; parse_case_code reads 20YY, so only those years fit.
    if not 2000 <= parts.day.year <= 2099:
        raise CaseCodeError(f"date must be in the years 2000-2099, got {parts.day.isoformat()}")
    sequence = parts.sequence
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise CaseCodeError(f"sequence must be a whole number, got {sequence!r}")
    if not 1 <= sequence <= SEQUENCE_MAX:
        raise CaseCodeError(f"sequence must be between 1 and {SEQUENCE_MAX}, got {sequence}")
    return f"{action_type}{department}{parts.day:%y%m%d}{sequence:04d}{custom}"


def compose_case_code(parts: CaseCodeParts, scheme: CheckDigitScheme = DEFAULT_CHECK_DIGIT) -> str:
    """Return the 27-digit case code for `parts`, or raise CaseCodeError naming a wrong part."""
    body = _body(parts)
    return body + scheme.compute(body)


def parse_case_code(code: str, scheme: CheckDigitScheme = DEFAULT_CHECK_DIGIT) -> CaseCodeParts:
    """Read a case code (spaces allowed) back into its parts, or raise CaseCodeError."""
    compact = _WHITESPACE.sub("", code) if isinstance(code, str) else ""
    if len(compact) != CASE_CODE_LENGTH:
        raise CaseCodeError(f"case code must be {CASE_CODE_LENGTH} digits, got {len(compact)}")
    for position, char in enumerate(compact, start=1):
        if not "0" <= char <= "9":
            raise CaseCodeError(f"case code must be digits only, got {char!r} at {position}")
    # The check digit before the parts: a mistyped digit is best reported as a mistyped code,
    # not as, say, an impossible date.
    if not scheme.is_valid(compact):
        raise CaseCodeError("check digit does not match; the case code was probably mistyped")
    yymmdd = compact[11:17]
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        raise CaseCodeError(f"date part must be a real date as YYMMDD, got {yymmdd!r}") from None
    sequence = int(compact[17:21])
    if sequence == 0:
        raise CaseCodeError(f"sequence must be between 1 and {SEQUENCE_MAX}, got 0000")
    return CaseCodeParts(
        action_type=compact[0:2],
        department=compact[2:11],
        day=day,
        sequence=sequence,
        custom=compact[21:26],
    )


def is_valid_case_code(code: str, scheme: CheckDigitScheme = DEFAULT_CHECK_DIGIT) -> bool:
    """Tell whether `code` parses as a case code with a matching check digit."""
    try:
        parse_case_code(code, scheme)
    except CaseCodeError:
        return False
    return True


def new_start_code(rng: random.Random | None = None) -> str:
    """Return a fresh 6-digit start code the party types at the kiosk.

    It never starts with 0, so it keeps its 6 digits when a spreadsheet or a phone keypad reads
    it as a number. Without `rng` it comes from `secrets`, since a guessable code would let
    someone open another party's session; pass a seeded Random only in tests.
    """
    low = 10 ** (START_CODE_LENGTH - 1)
    if rng is None:
        return str(low + secrets.randbelow(9 * low))
    return str(rng.randrange(low, 10 * low))
