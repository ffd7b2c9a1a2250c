"""Tests for kiosk.codes: case codes round-trip, catch typing mistakes, and name wrong parts."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_10

from kiosk.codes import (
    DEFAULT_CHECK_DIGIT,
    CaseCodeError,
    CaseCodeParts,
    CheckDigitScheme,
    Mod11_10,
    compose_case_code,
    is_valid_case_code,
    new_start_code,
    parse_case_code,
)

SAMPLE = CaseCodeParts(
    action_type="01", department="110105001", day=date(2025, 11, 25), sequence=42, custom="00000"
)


def mod_11_10_check_digit(digits: str) -> str:
    """ISO 7064 MOD 11,10 check digit, written from the standard's recursive definition."""
    product = 10
    for char in digits:
        total = (product + int(char)) % 10 or 10
        product = (2 * total) % 11
    return str((11 - product) % 10)


def digit_strings(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


case_code_parts = st.builds(
    CaseCodeParts,
    action_type=digit_strings(2),
    department=digit_strings(9),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    sequence=st.integers(min_value=1, max_value=9999),
    custom=digit_strings(5),
)
case_codes = case_code_parts.map(compose_case_code)


# --- The check-digit scheme ----------------------------------------------------------------


def test_mod_11_10_matches_published_examples() -> None:
    scheme = Mod11_10()
    assert scheme.compute("79462") == "3"
    assert scheme.compute("00200667308") == "5"
    assert scheme.is_valid("794623")
    assert not scheme.is_valid("794624")


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_mod_11_10_matches_an_independent_implementation(digits: str) -> None:
    scheme = Mod11_10()
    check = scheme.compute(digits)
    assert check == mod_11_10_check_digit(digits)
    assert scheme.is_valid(digits + check)


@pytest.mark.parametrize("code", ["", "7", "79462a", "٧٩٤٦٢٣", "7946 23"])
def test_mod_11_10_rejects_what_is_not_ascii_digits(code: str) -> None:
    assert not Mod11_10().is_valid(code)


@pytest.mark.parametrize("digits", ["", "12a", "١٢"])
def test_mod_11_10_compute_refuses_non_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits"):
        Mod11_10().compute(digits)


def test_default_scheme_is_mod_11_10() -> None:
    assert isinstance(DEFAULT_CHECK_DIGIT, Mod11_10)


def test_the_scheme_can_be_swapped() -> None:
    class SumMod10:
        """A stand-in scheme: the digit sum mod 10."""

        def compute(self, digits: str) -> str:
            return str(sum(map(int, digits)) % 10)

        def is_valid(self, code: str) -> bool:
            return code[-1] == self.compute(code[:-1])

    scheme: CheckDigitScheme = SumMod10()
    code = compose_case_code(SAMPLE, scheme)
    assert code[-1] == scheme.compute(code[:-1])
    assert parse_case_code(code, scheme) == SAMPLE
    assert is_valid_case_code(code, scheme)
    # The sample's two check digits differ, so each scheme refuses the other's code.
    assert code != compose_case_code(SAMPLE)
    assert not is_valid_case_code(code)


# --- Compose and parse ---------------------------------------------------------------------


def test_sample_code_layout() -> None:
    code = compose_case_code(SAMPLE)
    assert code[:26] == "01" + "110105001" + "251125" + "0042" + "00000"
    assert code[26] == mod_11_10_check_digit(code[:26])
    assert parse_case_code(code) == SAMPLE


@given(case_code_parts)
def test_compose_then_parse_round_trips(parts: CaseCodeParts) -> None:
    code = compose_case_code(parts)
    assert re.fullmatch(r"[0-9]{27}", code)
    assert parse_case_code(code) == parts
    assert is_valid_case_code(code)


@given(case_codes, st.lists(st.integers(min_value=1, max_value=26), max_size=5))
def test_spaces_are_ignored(code: str, cuts: list[int]) -> None:
    spaced = code
    for cut in sorted(set(cuts), reverse=True):
        spaced = spaced[:cut] + " " + spaced[cut:]
    assert parse_case_code(f" {spaced}\n") == parse_case_code(code)


@given(case_codes, st.integers(min_value=0, max_value=26), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_detected(code: str, index: int, shift: int) -> None:
    changed_digit = str((int(code[index]) + shift) % 10)
    changed = code[:index] + changed_digit + code[index + 1 :]
    assert not is_valid_case_code(changed)
    with pytest.raises(CaseCodeError):
        parse_case_code(changed)


@given(case_codes, st.integers(min_value=0, max_value=25))
def test_adjacent_transposition_detected_unless_digits_differ_by_one(code: str, index: int) -> None:
    # MOD 11,10 misses a swap of neighbours a, b only when (a - b) mod 10 is 1 or 9, and then
    # only for one such pair per position; for any other distinct pair it is guaranteed.
    a, b = int(code[index]), int(code[index + 1])
    assume(a != b and (a - b) % 10 not in (1, 9))
    swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
    assert not is_valid_case_code(swapped)


def test_transposition_guarantee_holds_for_every_state() -> None:
    # The checksum's running state has 10 values and every later step is a bijection on it, so
    # checking all states and digit pairs proves the claim the property test above relies on.
    def step(state: int, digit: int) -> int:
        return ((state or 10) * 2 % 11 + digit) % 10

    missed = {
        (a, b)
        for state in range(10)
        for a in range(10)
        for b in range(10)
        if a != b and step(step(state, a), b) == step(step(state, b), a)
    }
    assert missed and all((a - b) % 10 in (1, 9) for a, b in missed)
    # The step is stdnum's, from its start state 5, and a bijection on the state for each digit.
    assert all(mod_11_10.checksum(str(d)) == step(5, d) for d in range(10))
    assert all(len({step(state, d) for state in range(10)}) == 10 for d in range(10))


def test_mod_11_10_does_not_catch_every_transposition() -> None:
    # From the start state 5, swapping a leading 5 and 6 goes unnoticed: the limit is real.
    code = compose_case_code(replace(SAMPLE, action_type="56"))
    swapped = "65" + code[2:]
    assert is_valid_case_code(swapped)
    assert parse_case_code(swapped).action_type == "65"


# --- What each wrong part is called --------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"action_type": "1"}, "action type must be 2 digits, got '1'"),
        ({"action_type": "0a"}, "action type must be 2 digits, got '0a'"),
        ({"department": "12a"}, "department code must be 9 digits, got '12a'"),
        ({"department": "1101050011"}, "department code must be 9 digits, got '1101050011'"),
        ({"custom": "0000"}, "custom part must be 5 digits, got '0000'"),
        ({"custom": "٠٠٠٠٠"}, "custom part must be 5 digits"),
        ({"sequence": 0}, "sequence must be between 1 and 9999, got 0"),
        ({"sequence": 10000}, "sequence must be between 1 and 9999, got 10000"),
        ({"sequence": True}, "sequence must be a whole number, got True"),
        ({"sequence": "42"}, "sequence must be a whole number, got '42'"),
        ({"day": date(1999, 12, 31)}, "date must be in the years 2000-2099, got 1999-12-31"),
        ({"day": date(2100, 1, 1)}, "date must be in the years 2000-2099, got 2100-01-01"),
        ({"day": "2025-11-25"}, "date must be a date"),
    ],
)
def test_compose_names_the_wrong_part(change: dict[str, object], message: str) -> None:
    parts = replace(SAMPLE, **change)  # type: ignore[arg-type]
    with pytest.raises(CaseCodeError, match=re.escape(message)):
        compose_case_code(parts)


def with_check_digit(body: str) -> str:
    return body + mod_11_10_check_digit(body)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "case code must be 27 digits, got 0"),
        ("0" * 26, "case code must be 27 digits, got 26"),
        ("0" * 28, "case code must be 27 digits, got 28"),
        ("01110105001251125004200a003", "digits only, got 'a' at 24"),
        ("011101050012511250042000004", "check digit does not match"),
        (with_check_digit("01110105001250230004200000"), "date part must be a real date"),
        (with_check_digit("01110105001251325004200000"), "got '251325'"),
        (with_check_digit("01110105001251125000000000"), "sequence must be between 1 and 9999"),
    ],
)
def test_parse_names_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(CaseCodeError, match=re.escape(message)):
        parse_case_code(code)
    assert not is_valid_case_code(code)


def test_parse_reads_the_two_digit_year_as_this_century() -> None:
    code = with_check_digit("01110105001991231999900000")
    assert parse_case_code(code).day == date(2099, 12, 31)


# --- Start codes ---------------------------------------------------------------------------


def test_start_codes_are_six_digits_never_starting_with_zero() -> None:
    for _ in range(2000):
        code = new_start_code()
        assert re.fullmatch(r"[1-9][0-9]{5}", code)


@given(st.integers())
def test_start_codes_from_a_given_rng_are_reproducible(seed: int) -> None:
    code = new_start_code(random.Random(seed))
    assert re.fullmatch(r"[1-9][0-9]{5}", code)
    assert code == new_start_code(random.Random(seed))


def test_start_codes_cover_the_whole_range() -> None:
    class Edges(random.Random):
        """Returns the lowest, then the highest value randrange may give."""

        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
            assert stop is not None
            self.calls += 1
            return start if self.calls == 1 else stop - 1

    rng = Edges()
    assert [new_start_code(rng), new_start_code(rng)] == ["100000", "999999"]
