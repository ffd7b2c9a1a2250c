"""Tests for kiosk.expressions: the template expression language is complete, strict and safe."""

from __future__ import annotations

import ast
import builtins
import contextlib
import os
import pickle
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kiosk.expressions as expressions_module
from kiosk.expressions import (
    MAX_DEPTH,
    MAX_SOURCE_LENGTH,
    EvaluationError,
    Expression,
    ExpressionError,
    MissingValue,
    evaluate_condition,
    parse_expression,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 14, 30)


def resolver(values: Mapping[str, object]) -> Callable[[str], object]:
    """Build a resolver that answers from a mapping and raises KeyError for unknown names."""

    def resolve(name: str) -> object:
        return values[name]

    return resolve


def ev(source: str, values: Mapping[str, object] | None = None, **more: object) -> object:
    """Parse and evaluate an expression over some answers."""
    answers = {**(values or {}), **more}
    return parse_expression(source).evaluate(resolver(answers), today=TODAY, now=NOW)


def cond(source: str, values: Mapping[str, object] | None = None, **more: object) -> bool:
    """Parse and decide a condition over some answers."""
    answers = {**(values or {}), **more}
    return evaluate_condition(parse_expression(source), resolver(answers), today=TODAY, now=NOW)


def rejected(source: str) -> ExpressionError:
    """Parse text that must be refused and return the error."""
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    return caught.value


# --- literals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("42", 42),
        ("-7", -7),
        ("2.5", 2.5),
        ("'单引号'", "单引号"),
        ('"double"', "double"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("False", False),
        ("[]", []),
        ("[1, 'a', true, [2]]", [1, "a", True, [2]]),
        ("(((1)))", 1),
    ],
)
def test_literals(source: str, expected: object) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


# --- arithmetic -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("x + 0.5", 4.5),
        ("x - 10", -6),
        ("x * 3", 12),
        ("x / 8", 0.5),
        ("7 / 2", 3.5),
        ("x % 3", 1),
        ("-x", -4),
        ("- -x", 4),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("-x % 3", 2),
        ("'ab' + s", "abcd"),
        ("s + s", "cdcd"),
    ],
)
def test_arithmetic(source: str, expected: object) -> None:
    assert ev(source, x=4, s="cd") == expected


@pytest.mark.parametrize("source", ["1 / x", "1 % x", "1.5 / x", "x / 0", "x % 0.0"])
def test_division_by_zero_is_an_evaluation_error(source: str) -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        ev(source, x=0)


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("x + 1", {"x": True}),  # bool is not a number
        ("-x", {"x": False}),
        ("x * 3", {"x": "ab"}),  # no string repetition
        ("3 * x", {"x": "ab"}),
        ("x * 3", {"x": [1]}),  # no list repetition
        ("x + x", {"x": [1]}),  # no list concatenation
        ("x + 1", {"x": "1"}),
        ("x - y", {"x": date(2026, 1, 2), "y": date(2026, 1, 1)}),  # use days_between
        ("x % y", {"x": "%s", "y": "formatted"}),  # no printf formatting
        ("x + y", {"x": "a", "y": 1}),
    ],
)
def test_arithmetic_on_the_wrong_kinds_is_an_evaluation_error(
    source: str, values: dict[str, object]
) -> None:
    with pytest.raises(EvaluationError, match=r"needs two numbers|needs a number"):
        ev(source, values)


def test_a_number_too_large_for_a_float_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="too large"):
        ev("x * 1.5", x=10**400)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('"a" * 3', "'*' needs two numbers, got text and a number"),
        ("3 * 'a'", "'*' needs two numbers"),
        ("[1] * 3", "'*' needs two numbers, got a list"),
        ("[1] + [2]", "'+' needs two numbers or two texts"),
        ("'a' + 1", "'+' needs two numbers or two texts, got text and a number"),
        ("true + 1", "got true/false and a number"),
        ("-'a'", "'-' needs a number, got text"),
        ("'%s' % x", "'%' needs two numbers"),
        ("today() - 1", "'-' needs two numbers, got a date"),
        ("len('a') + 'b'", "'+' needs two numbers or two texts, got a number and text"),
        ("x + 'a' + 1", "got text and a number"),
    ],
)
def test_arithmetic_on_literals_of_the_wrong_kind_is_refused_when_parsing(
    source: str, message: str
) -> None:
    assert message in str(rejected(source))


# --- comparisons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x == 3", True),
        ("x != 3", False),
        ("x < 4", True),
        ("x <= 3", True),
        ("x > 3", False),
        ("x >= 3.0", True),
        ("1 < x < 5", True),
        ("1 < x < 3", False),
        ("3 == x == 3.0", True),
        ("s == 'male'", True),
        ("s < 'n'", True),
        ("d == date('2026-01-02')", True),
        ("d < today()", True),
        ("d >= today()", False),
        ("f == true", True),
        ("f != false", True),
        ("l == ['a', 'b']", True),
        ("l != ['b', 'a']", True),
        ("t < t2", True),
        ("dt > dt2", True),
    ],
)
def test_comparisons(source: str, expected: bool) -> None:
    values = {
        "x": 3,
        "s": "male",
        "d": date(2026, 1, 2),
        "f": True,
        "l": ["a", "b"],
        "t": time(9, 0),
        "t2": time(14, 30),
        "dt": datetime(2026, 1, 2, 10, 0),
        "dt2": datetime(2026, 1, 2, 9, 59),
    }
    assert ev(source, values) is expected


def test_a_date_against_a_datetime_compares_the_datetimes_date() -> None:
    values = {"d": date(2026, 11, 25), "dt": datetime(2026, 11, 25, 23, 59)}
    assert ev("d == dt", values) is True
    assert ev("dt == d", values) is True
    assert ev("d <= now()", values) is True
    assert ev("now() < d", values) is False
    assert ev("today() == now()") is True


def test_a_comparison_chain_stops_at_its_first_false_link() -> None:
    # `missing` is never resolved: the first link is already false.
    assert ev("2 < x < missing", x=1) is False
    with pytest.raises(EvaluationError, match="unknown name 'missing'"):
        ev("0 < x < missing", x=1)


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("d < 5", {"d": date(2026, 1, 1)}, "cannot compare a date with a number using '<'"),
        ("s == 1", {"s": "1"}, "cannot compare text with a number using '=='"),
        ("x != 'a'", {"x": 1}, "cannot compare a number with text using '!='"),
        ("f == 1", {"f": True}, "cannot compare true/false with a number"),
        ("f < true", {"f": False}, "cannot compare true/false with true/false using '<'"),
        ("l < [2]", {"l": [1]}, "cannot compare a list with a list using '<'"),
        ("t < d", {"t": time(1, 0), "d": date(2026, 1, 1)}, "cannot compare a time with a date"),
        ("t == now()", {"t": time(1, 0)}, "cannot compare a time with a date and time"),
        ("d < today()", {"d": "2026-01-01"}, "cannot compare text with a date"),
        (
            "a < b",
            {"a": datetime(2026, 1, 1, tzinfo=UTC), "b": datetime(2026, 1, 2)},
            "time zone",
        ),
    ],
)
def test_comparing_incompatible_kinds_is_an_evaluation_error(
    source: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev(source, values)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 < 'a'", "cannot compare a number with text using '<'"),
        ("today() == 5", "cannot compare a date with a number using '=='"),
        ("true > false", "cannot compare true/false with true/false using '>'"),
        ("[1] < [2]", "cannot compare a list with a list"),
        ("party.birth_date > 18", "cannot compare a date with a number"),
        ("party.sex == 1", "cannot compare text with a number"),
        ("x is None", "'is' is not allowed; use '==' or '!='"),
        ("x is not 1", "'is not' is not allowed"),
    ],
)
def test_comparisons_that_can_never_work_are_refused_when_parsing(
    source: str, message: str
) -> None:
    assert message in str(rejected(source))


# --- membership -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x in [1, 2, 3]", True),
        ("x not in [1, 2, 3]", False),
        ("x in []", False),
        ("'theft' in choices", True),
        ("'fraud' in choices", False),
        ("'fraud' not in choices", True),
        ("'bc' in s", True),
        ("'xy' not in s", True),
        ("d in [date('2026-01-02')]", True),
        ("now() in [today()]", True),  # a datetime matches its date
        ("x in ['2', true, 2.0]", True),
        ("f in [1, 0]", False),  # true is not the number 1
        ("x in ['2']", False),  # items of another kind never match
        ("[1] in [[1], [2]]", True),
        ("not x in [5]", True),
    ],
)
def test_membership(source: str, expected: bool) -> None:
    values = {"x": 2, "choices": ["theft", "damage"], "s": "abcd", "d": date(2026, 1, 2)}
    assert ev(source, values, f=True) is expected


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("1 in x", {"x": 5}, "'in' needs a list or text on its right, got a number"),
        ("1 not in x", {"x": date(2026, 1, 1)}, "'not in' needs a list or text on its right"),
        ("x in 'abc'", {"x": 1}, "needs text on its left, got a number"),
    ],
)
def test_membership_on_the_wrong_kinds_is_an_evaluation_error(
    source: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev(source, values)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 in 5", "'in' needs a list or text on its right"),
        ("1 in 'abc'", "needs text on its left, got a number"),
        ("x in today()", "needs a list or text"),
        ("x in (1, 2)", "a tuple (use a list [...] instead) is not allowed"),
    ],
)
def test_membership_that_can_never_work_is_refused_when_parsing(source: str, message: str) -> None:
    assert message in str(rejected(source))


# --- logic ------------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [True, False])
@pytest.mark.parametrize("b", [True, False])
def test_and_or_not_truth_tables(a: bool, b: bool) -> None:
    assert ev("a and b", a=a, b=b) is (a and b)
    assert ev("a or b", a=a, b=b) is (a or b)
    assert ev("not a", a=a) is (not a)
    assert ev("not a or b and a", a=a, b=b) is ((not a) or (b and a))
    assert ev("a and b and true or false", a=a, b=b) is (a and b)


def test_not_binds_looser_than_comparisons() -> None:
    assert ev("not x == 1", x=2) is True
    assert ev("not (x == 1 or x == 2)", x=2) is False


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("x and true", {"x": 1}, "'and' needs true/false, got a number"),
        ("false or x", {"x": "yes"}, "'or' needs true/false, got text"),
        ("not x", {"x": []}, "'not' needs true/false, got a list"),
    ],
)
def test_logic_on_values_that_are_not_true_or_false_is_an_evaluation_error(
    source: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev(source, values)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 and x", "'and' needs true/false on both sides, got a number"),
        ("x or 'a'", "'or' needs true/false on both sides, got text"),
        ("not 5", "'not' needs true/false, got a number"),
        ("not today()", "'not' needs true/false, got a date"),
    ],
)
def test_logic_on_literals_that_are_not_true_or_false_is_refused_when_parsing(
    source: str, message: str
) -> None:
    assert message in str(rejected(source))


def test_and_short_circuits_so_a_guard_protects_a_division() -> None:
    assert ev("x != 0 and 10 / x > 1", x=0) is False
    assert ev("x != 0 and 10 / x > 1", x=5) is True
    assert ev("x == 0 or 10 / x > 1", x=0) is True
    assert ev("x == 0 or 10 / x > 1", x=20) is False
    # The right side is not even looked up when the left decides.
    assert ev("false and unknown_name") is False
    assert ev("true or unknown_name") is True


def test_and_or_do_not_short_circuit_when_the_left_does_not_decide() -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        ev("x == 0 and 10 / x > 1", x=0)


# --- functions --------------------------------------------------------------------------------


def test_today_and_now_come_from_the_caller() -> None:
    assert ev("today()") == TODAY
    assert ev("now()") == NOW
    assert ev("incident <= today()", incident=date(2026, 11, 25)) is True
    assert ev("incident <= today()", incident=date(2026, 11, 26)) is False


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(2008, 11, 25), date(2026, 11, 25), 18),  # the birthday itself counts
        (date(2008, 11, 26), date(2026, 11, 25), 17),
        (date(2008, 12, 1), date(2026, 11, 30), 17),
        (date(2008, 1, 1), date(2026, 12, 31), 18),
        (date(2026, 11, 25), date(2026, 11, 25), 0),
        # Born on 29 February: a year older on 1 March in a common year, on 29 February in a
        # leap year.
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        # A datetime counts as its date, on either side.
        (datetime(2008, 11, 25, 23, 0), datetime(2026, 11, 25, 0, 1), 18),
    ],
)
def test_age_counts_whole_years(birth: date, on: date, expected: int) -> None:
    values = {"party.birth_date": birth, "incident_date": on}
    assert ev("age(party.birth_date, incident_date)", values) == expected


def test_age_against_today_and_now() -> None:
    values = {"party.birth_date": date(2008, 11, 26)}
    assert ev("age(party.birth_date, today())", values) == 17
    assert ev("age(party.birth_date, now())", values) == 17
    assert cond("age(party.birth_date, today()) < 18", values) is True


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"b": date(2026, 11, 26), "o": date(2026, 11, 25)}, "before the birth date"),
        ({"b": "2008-01-01", "o": date(2026, 11, 25)}, "age() needs dates, got text"),
        ({"b": date(2008, 1, 1), "o": 2026}, "age() needs dates, got a number"),
    ],
)
def test_age_on_bad_values_is_an_evaluation_error(values: dict[str, object], message: str) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev("age(b, o)", values)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len(s)", 5),
        ("len('')", 0),
        ("len('中文')", 2),
        ("len(l)", 3),
        ("len([])", 0),
        ("len(s) > 3", True),
    ],
)
def test_len(source: str, expected: object) -> None:
    assert ev(source, s="hello", l=[1, 2, 3]) == expected


def test_len_of_something_without_a_length_is_an_error() -> None:
    with pytest.raises(EvaluationError, match="len\\(\\) needs text or a list, got a number"):
        ev("len(x)", x=5)
    assert "len() needs text or a list, got a date" in str(rejected("len(today())"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("days_between(a, b)", 9),
        ("days_between(b, a)", -9),
        ("days_between(a, a)", 0),
        ("days_between(a, today())", 328),
        ("days_between(date('2024-02-28'), date('2024-03-01'))", 2),
        ("days_between(late, b)", 9),  # datetimes count as their dates, whatever the time
    ],
)
def test_days_between(source: str, expected: int) -> None:
    values = {"a": date(2026, 1, 1), "b": date(2026, 1, 10), "late": datetime(2026, 1, 1, 23, 59)}
    assert ev(source, values) == expected


def test_days_between_needs_dates() -> None:
    with pytest.raises(EvaluationError, match="days_between\\(\\) needs dates, got a number"):
        ev("days_between(a, n)", a=date(2026, 1, 1), n=3)
    assert "days_between() needs dates, got text" in str(rejected("days_between('x', today())"))


def test_date_reads_iso_dates() -> None:
    assert ev("date('2026-11-25')") == date(2026, 11, 25)
    assert ev('date("2024-02-29") < today()') is True
    assert ev("date(s)", s="2000-01-31") == date(2000, 1, 31)


@pytest.mark.parametrize(
    "literal",
    ["2026-02-30", "2026-13-01", "20261125", "2026-1-5", "26-11-25", "", "today", "２０２６-01-01"],
)
def test_a_bad_date_literal_is_refused_when_parsing(literal: str) -> None:
    error = rejected(f"date('{literal}')")
    assert "date()" in error.message
    assert error.column == 6


def test_a_bad_date_from_an_answer_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="not a real date"):
        ev("date(s)", s="2026-02-30")
    with pytest.raises(EvaluationError, match="YYYY-MM-DD"):
        ev("date(s)", s="25/11/2026")
    with pytest.raises(EvaluationError, match="needs text"):
        ev("date(s)", s=20261125)
    assert "date() needs text" in str(rejected("date(5)"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("min(3)", 3),
        ("max(3)", 3),
        ("min(3, 1, 2)", 1),
        ("max(3, 1.5, 2)", 3),
        ("max(x, 10)", 10),
        ("min(x, 10)", 4),
        ("max('a', 'b')", "b"),
        ("min(l)", 1),  # one list argument: its items
        ("max(l)", 9),
        ("max(d, today())", TODAY),
        ("min(d, today())", date(2020, 1, 1)),
        ("max(d, now())", NOW),  # a date against a datetime compares the datetime's date
    ],
)
def test_min_and_max(source: str, expected: object) -> None:
    assert ev(source, x=4, l=[5, 1, 9], d=date(2020, 1, 1)) == expected


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("max(l)", {"l": []}, "max() got an empty list"),
        ("min(x, 1)", {"x": "a"}, "cannot compare"),
        ("max(x)", {"x": True}, "cannot compare true/false"),
        ("max(l)", {"l": [[1], [2]]}, "cannot compare a list"),
    ],
)
def test_min_and_max_on_bad_values_are_evaluation_errors(
    source: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev(source, values)
    assert message in str(caught.value)


def test_min_and_max_on_literals_that_cannot_compare_are_refused_when_parsing() -> None:
    assert "max() cannot compare a number with text" in str(rejected("max(1, 'a')"))
    assert "min() cannot choose among true/false" in str(rejected("min(true)"))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("today(1)", "today() takes no arguments, got 1"),
        ("now(x)", "now() takes no arguments, got 1"),
        ("age(x)", "age(birth_date, on_date) takes 2 arguments, got 1"),
        ("age(a, b, c)", "age(birth_date, on_date) takes 2 arguments, got 3"),
        ("len()", "len(x) takes 1 argument, got 0"),
        ("len(a, b)", "len(x) takes 1 argument, got 2"),
        ("days_between(a)", "days_between(a, b) takes 2 arguments, got 1"),
        ("date()", 'date("YYYY-MM-DD") takes 1 argument, got 0'),
        ("min()", "min(...) takes at least 1 argument, got 0"),
        ("max()", "max(...) takes at least 1 argument, got 0"),
        ("max(x=1)", "a keyword argument (x=...) is not allowed"),
        ("age(a, on_date=b)", "a keyword argument (on_date=...) is not allowed"),
        ("max(*l)", "a starred argument (*x) is not allowed in max()"),
        ("max(**d)", "a '**' argument is not allowed in max()"),
        ("today", "'today' is a function; call it as today(...)"),
        ("len", "'len' is a function"),
        ("x(1)", "unknown function 'x'"),
        ("print('hi')", "unknown function 'print'"),
        ("party.sex()", "only the functions today(), now(), age()"),
    ],
)
def test_function_calls_are_checked_when_parsing(source: str, message: str) -> None:
    assert message in str(rejected(source))


# --- names and functions used -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "names", "functions"),
    [
        ("42", set(), set()),
        ("value <= today()", {"value"}, {"today"}),
        ("admits_facts == false", {"admits_facts"}, set()),
        ("true or True", set(), set()),
        (
            "age(party.birth_date, incident_date) < 18",
            {"party.birth_date", "incident_date"},
            {"age"},
        ),
        (
            "party.sex == 'male' and party.nationality != 'CHN'",
            {"party.sex", "party.nationality"},
            set(),
        ),
        (
            "max(a, min(b, len(c)), days_between(d, date('2026-01-01'))) > e",
            {"a", "b", "c", "d", "e"},
            {"max", "min", "len", "days_between", "date"},
        ),
        ("[x, [y, -z]]", {"x", "y", "z"}, set()),
        ("x != 0 and 10 / x > y", {"x", "y"}, set()),
        ("_private + n2", {"_private", "n2"}, set()),
    ],
)
def test_names_and_functions_are_collected(
    source: str, names: set[str], functions: set[str]
) -> None:
    expr = parse_expression(source)
    assert expr.names == frozenset(names)
    assert expr.functions == frozenset(functions)
    assert expr.source == source


@pytest.mark.parametrize("field", ["birth_date", "sex", "nationality"])
def test_party_fields_are_resolved_as_dotted_names(field: str) -> None:
    seen: list[str] = []

    def resolve(name: str) -> object:
        seen.append(name)
        return "x"

    parse_expression(f"party.{field}").evaluate(resolve, today=TODAY, now=NOW)
    assert seen == [f"party.{field}"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("party", "'party' needs a field, such as party.birth_date"),
        ("party.name", "unknown party field 'name'"),
        ("party.birth_date.year", "reading an attribute ('.year') is only allowed on party"),
        ("x.y", "reading an attribute ('.y') is only allowed on party"),
        ("'abc'.upper", "reading an attribute ('.upper') is only allowed on party"),
        ("Value", "the name 'Value' is not allowed"),
        ("年龄 > 1", "the name '年龄' is not allowed"),
        ("__builtins__", "the name '__builtins__' is not allowed"),
    ],
)
def test_names_outside_the_language_are_refused(source: str, message: str) -> None:
    assert message in str(rejected(source))


# --- missing values and the resolver ----------------------------------------------------------


def test_an_unanswered_name_raises_missing_value() -> None:
    with pytest.raises(MissingValue) as caught:
        ev("x + 1", x=None)
    assert caught.value.name == "x"
    with pytest.raises(MissingValue) as caught:
        ev("age(party.birth_date, today())", {"party.birth_date": None})
    assert caught.value.name == "party.birth_date"


@pytest.mark.parametrize(
    "source",
    [
        "x == 1",
        "x != 1",
        "not x",
        "not (x == 1)",
        "x in [1, 2]",
        "x not in [1, 2]",
        "len(x) == 0",
        "age(party.birth_date, x) < 18",
        "y and x",
        "x and y",
        "x or false",
        "false or x",
        "[x] == [1]",
        "x",
    ],
)
def test_a_condition_on_an_unanswered_question_is_false(source: str) -> None:
    values = {"x": None, "y": True, "party.birth_date": date(2000, 1, 1)}
    assert cond(source, values) is False


def test_and_or_decide_when_the_answered_side_is_enough() -> None:
    # An `or` with a true side is true, an `and` with a false side is false, whatever the
    # unanswered side turns out to be; so the order of the operands does not matter.
    assert cond("x == 1 or y", x=None, y=True) is True
    assert cond("y or x == 1", x=None, y=True) is True
    assert cond("not (x == 1 and y)", x=None, y=False) is True
    assert cond("not (y and x == 1)", x=None, y=False) is True
    # Otherwise the unanswered side decides, and the condition waits for it.
    assert cond("x == 1 or y", x=None, y=False) is False
    assert cond("x == 1 and y", x=None, y=True) is False
    with pytest.raises(MissingValue):
        ev("x == 1 or y", x=None, y=False)


def test_an_error_behind_an_unanswered_guard_waits_for_the_guard() -> None:
    # `n` might never be divided when `flag` is answered false, so this is "not yet", not an error.
    with pytest.raises(MissingValue) as caught:
        ev("flag and 10 / n > 1", flag=None, n=0)
    assert caught.value.name == "flag"
    assert cond("flag and 10 / n > 1", flag=None, n=0) is False
    assert cond("flag and 10 / n > 1", flag=False, n=0) is False
    with pytest.raises(EvaluationError, match="division by zero"):
        cond("flag and 10 / n > 1", flag=True, n=0)


def test_an_unknown_name_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="unknown name 'nope'"):
        ev("nope == 1")
    with pytest.raises(EvaluationError, match="unknown name 'nope'"):
        cond("nope == 1")


@pytest.mark.parametrize("value", [{"type": "passport"}, b"bytes", (1, 2), object()])
def test_a_value_expressions_cannot_use_is_an_evaluation_error(value: object) -> None:
    with pytest.raises(EvaluationError, match="which an expression cannot use"):
        ev("x == 1", x=value)


@pytest.mark.parametrize("source", ["1", "'yes'", "x", "today()", "[true]"])
def test_a_condition_that_is_not_true_or_false_is_an_evaluation_error(source: str) -> None:
    with pytest.raises(EvaluationError, match="not true or false"):
        cond(source, x=3)


def test_evaluate_returns_plain_values() -> None:
    assert ev("other_people_count", other_people_count=3) == 3
    assert ev("len(other_people)", other_people=[{"name": "A"}, {"name": "B"}]) == 2


# --- hostile and malformed input --------------------------------------------------------------


@pytest.fixture
def tripwires(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace a few dangerous callables with recorders, to prove nothing was run."""
    calls: list[str] = []

    def tripped(name: str) -> Callable[..., object]:
        def record(*args: object, **kwargs: object) -> object:
            calls.append(name)
            raise AssertionError(f"{name} was called")

        return record

    monkeypatch.setattr(os, "system", tripped("os.system"))
    monkeypatch.setattr(os, "popen", tripped("os.popen"))
    monkeypatch.setattr(builtins, "open", tripped("open"))
    monkeypatch.setattr(builtins, "eval", tripped("eval"))
    monkeypatch.setattr(builtins, "exec", tripped("exec"))
    return calls


HOSTILE = [
    ("__import__('os').system('x')", "can be called"),
    ("__import__('os')", "unknown function '__import__'"),
    ("().__class__.__bases__", "reading an attribute ('.__bases__') is only allowed on party"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("exec('import os')", "unknown function 'exec'"),
    ("(lambda: 1)()", "can be called"),
    ("lambda: 1", "a lambda is not allowed"),
    ("[x for x in y]", "a list comprehension is not allowed"),
    ("{x for x in y}", "a set comprehension is not allowed"),
    ("{x: 1 for x in y}", "a dict comprehension is not allowed"),
    ("max(x for x in y)", "a generator expression is not allowed"),
    ('"a" * 100000000', "'*' needs two numbers, got text and a number"),
    ("[0] * 100000000", "'*' needs two numbers, got a list and a number"),
    ("9 ** 9 ** 9", "the operator '**' is not allowed"),
    ("1 << 100000000", "the operator '<<' is not allowed"),
    ("7 // 2", "the operator '//' is not allowed"),
    ("1 | 2", "the operator '|' is not allowed"),
    ("~1", "'~' is not allowed"),
    ("+x", "unary '+' is not allowed"),
    ("a[0]", "indexing or slicing ([...] after a value) is not allowed"),
    ("a[1:2]", "indexing or slicing"),
    ("party.__class__", "unknown party field '__class__'"),
    ("party.birth_date.__class__", "only allowed on party"),
    ("f'{x}'", "an f-string is not allowed"),
    ('f\'{__import__("os").system("x")}\'', "an f-string is not allowed"),
    ("(x := 1)", "an assignment expression (:=) is not allowed"),
    ("1 if x else 2", "a conditional expression (x if c else y) is not allowed"),
    ("{'a': 1}", "a dict literal ({...}) is not allowed"),
    ("{1, 2}", "a set literal ({...}) is not allowed"),
    ("(1, 2)", "a tuple (use a list [...] instead) is not allowed"),
    ("()", "a tuple"),
    ("[*x]", "a starred argument (*x) is not allowed"),
    ("(yield)", "yield is not allowed"),
    ("await x", "await is not allowed"),
    ("None", "None is not allowed"),
    ("b'x'", "a bytes literal is not allowed"),
    ("1j", "a complex number is not allowed"),
    ("...", "is not allowed"),
    ("x == 1 # (((", "comments (#) are not allowed"),
    ("import os", "syntax error"),
    ("x = 1", "syntax error"),
    ("x == 1; open('f')", "syntax error"),
    ("x ==", "syntax error"),
    ("(x", "syntax error: '(' was never closed"),
    ("'unterminated", "syntax error"),
    ("x" * 5000, "the expression is too long (5000 characters; at most 1000)"),
    ("(" * 60 + "1" + ")" * 60, f"nested too deeply (more than {MAX_DEPTH} levels)"),
    ("(" * 300 + "1" + ")" * 300, "syntax error: too many nested parentheses"),
    ("[" * 60 + "]" * 60, "nested too deeply"),
    ("-" * 999 + "1", "nested too deeply"),
    ("not " * 240 + "x", "nested too deeply"),
    ("len(" * 60 + "x" + ")" * 60, "nested too deeply"),
    ("x\x00", "the expression contains a NUL character"),
    ("'\ud800'", "the expression cannot be read"),
    ("", "the expression is empty"),
    ("   \n\t ", "the expression is empty"),
]


@pytest.mark.parametrize(("source", "message"), HOSTILE, ids=[repr(s[:30]) for s, _ in HOSTILE])
def test_hostile_and_malformed_expressions_are_refused_and_nothing_runs(
    source: str, message: str, tripwires: list[str]
) -> None:
    error = rejected(source)
    assert message in str(error)
    assert tripwires == []


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert ev("(" * (MAX_DEPTH - 1) + "x" + ")" * (MAX_DEPTH - 1), x=1) == 1
    assert ev("-" * (MAX_DEPTH - 1) + "1") == -1
    assert ev(" + ".join(["1"] * (MAX_DEPTH - 1))) == MAX_DEPTH - 1


def test_the_longest_allowed_expression_is_accepted() -> None:
    source = "x == 1" + " " * (MAX_SOURCE_LENGTH - 6)
    assert len(source) == MAX_SOURCE_LENGTH
    assert parse_expression(source).names == {"x"}
    assert "too long" in str(rejected(source + " "))


@pytest.mark.parametrize("source", [None, 5, True, b"x == 1", ["x"]])
def test_an_expression_that_is_not_text_is_refused(source: object) -> None:
    with pytest.raises(ExpressionError, match="an expression must be text"):
        parse_expression(source)  # type: ignore[arg-type]


def test_the_module_never_evaluates_or_compiles_text() -> None:
    tree = ast.parse(Path(expressions_module.__file__).read_text(encoding="utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__", "getattr", "globals", "vars"}
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert not imported & {"os", "subprocess", "importlib", "builtins", "sys", "pickle"}


# --- error messages and positions -------------------------------------------------------------


def test_an_expression_error_is_a_sentence_with_a_column() -> None:
    error = rejected("open('/etc/passwd')")
    assert str(error) == "unknown function 'open' at column 1"
    assert error.message == "unknown function 'open'"
    assert error.column == 1
    assert error.line is None
    assert isinstance(error, ValueError)


def test_columns_count_characters_not_bytes() -> None:
    error = rejected("'年龄' == open(1)")
    assert error.column == 9
    error = rejected("x == '中文中文' and (")
    assert error.message.startswith("syntax error")
    assert error.column == 17


def test_columns_count_from_the_text_as_written() -> None:
    assert rejected("   open(1)").column == 4


def test_line_breaks_are_spaces_and_errors_name_the_line() -> None:
    assert ev("x == 1 and\n  y == 2\n", x=1, y=2) is True
    assert ev("x == 1 or\r\ny == 2", x=3, y=2) is True
    error = rejected("x == 1 and\n  y == 2 and\n    open(1)")
    assert (error.line, error.column) == (3, 5)
    assert str(error) == "unknown function 'open' at line 3, column 5"


def test_an_error_without_a_position_has_no_column() -> None:
    error = rejected("x" * 5000)
    assert error.column is None
    assert str(error) == error.message


@pytest.mark.parametrize(
    ("source", "values", "reason"),
    [
        ("age(b, o) < 18", {"b": date(2026, 11, 26), "o": date(2026, 11, 25)}, "before_birth"),
        ("10 / x > 1", {"x": 0}, "division_by_zero"),
        ("x * 1.5 > 1", {"x": 10**400}, "too_large"),
        ("x > 5", {"x": date(2026, 1, 1)}, "kinds"),
    ],
)
def test_an_evaluation_error_says_why_for_the_engine_to_word(
        source: str, values: dict[str, object], reason: str) -> None:
    with pytest.raises(EvaluationError) as caught:
        ev(source, values)
    assert caught.value.reason == reason


def test_age_before_birth_names_where_each_date_was_read_from() -> None:
    with pytest.raises(EvaluationError) as caught:
        parse_expression("age(party.birth_date, incident_date) < 18").evaluate(
            resolver({"party.birth_date": date(2000, 1, 2), "incident_date": date(2000, 1, 1)}),
            today=TODAY, now=NOW)
    assert caught.value.values == {"birth": "party.birth_date", "on": "incident_date"}
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (str(copy), copy.reason, copy.values) == (
        str(caught.value), "before_birth", caught.value.values)


def test_errors_survive_pickling() -> None:
    error = rejected("open(1)")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, copy.line, str(copy)) == (
        error.message,
        error.column,
        error.line,
        str(error),
    )
    missing = pickle.loads(pickle.dumps(MissingValue("party.sex")))
    assert missing.name == "party.sex"


def test_messages_do_not_print_huge_values() -> None:
    error = rejected("date('" + "9" * 500 + "')")
    assert len(str(error)) < 200


def test_an_expression_is_a_frozen_value() -> None:
    first = parse_expression("x == 1")
    assert first == parse_expression("x == 1")
    assert hash(first) == hash(parse_expression("x == 1"))
    assert first != parse_expression("x == 2")
    with pytest.raises(AttributeError):
        first.source = "open(1)"  # type: ignore[misc]
    assert "_tree" not in repr(first)


def test_warnings_from_odd_escapes_do_not_leak(recwarn: pytest.WarningsRecorder) -> None:
    assert ev("'\\d' == s", s="\\d") is True
    assert len(recwarn) == 0


# --- properties -------------------------------------------------------------------------------

TOKENS = [
    "x", "y", "party", ".", "birth_date", "__class__", "(", ")", "[", "]", "{", "}", ",", ":",
    "'a'", '"b"', "f'", "1", "2.5", "-", "+", "*", "**", "/", "//", "%", "==", "!=", "<", "<=",
    ">", ">=", "in", "not", "and", "or", "is", "if", "else", "lambda", "for", "true", "None",
    "today", "now", "age", "len", "days_between", "date", "min", "max", "open", "__import__",
    "=", ":=", "#", "\\", "\n", " ", "'2026-02-30'", "'2026-01-01'", "年",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_expression_error(source: str) -> None:
    try:
        expr = parse_expression(source)
    except ExpressionError as error:
        assert error.message
        assert error.column is None or error.column >= 1
    else:
        assert isinstance(expr, Expression)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_any_token_soup_parses_or_raises_expression_error(source: str) -> None:
    with contextlib.suppress(ExpressionError):
        parse_expression(source)


NAMES = ["a", "b", "c", "party.birth_date"]

LEAVES = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(alphabet="ab年 -", max_size=3).map(repr),
    st.sampled_from(
        ["true", "false", "True", "0", "today()", "now()", 'date("2024-02-29")', "[]", "[1, 2]"]
    ),
    st.sampled_from(NAMES),
)


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Combine smaller expressions into larger ones with every operator and function."""
    operators = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in"]
    return st.one_of(
        st.tuples(children, st.sampled_from([*operators, "and", "or"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda c: f"(not {c})"),
        children.map(lambda c: f"(-{c})"),
        st.tuples(st.sampled_from(["age", "days_between"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(st.sampled_from(["len", "date"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    )


EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=12)


def _infix(
    left: st.SearchStrategy[str], operators: list[str], right: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[str]:
    """Join two expressions with one of some operators, in parentheses."""
    return st.tuples(left, st.sampled_from(operators), left if right is None else right).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )


def _extreme(items: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Call min or max on one to three expressions."""
    return st.tuples(st.sampled_from(["min", "max"]), st.lists(items, min_size=1, max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    )


# Well-typed expressions, so that most of them get past parsing and exercise evaluation; the
# names still get values of any kind.
_NAME_LEAVES = st.sampled_from(["a", "b", "c"])
_DATES = st.one_of(
    st.sampled_from(["today()", "now()", 'date("2024-02-29")', "party.birth_date"]), _NAME_LEAVES
)
_TEXTS = st.recursive(
    st.one_of(st.text(alphabet="ab年", max_size=3).map(repr), _NAME_LEAVES),
    lambda children: _infix(children, ["+"]),
    max_leaves=3,
)
_NUMBERS = st.recursive(
    st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        _NAME_LEAVES,
        st.tuples(st.sampled_from(["age", "days_between"]), _DATES, _DATES).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        _TEXTS.map(lambda text: f"len({text})"),
    ),
    lambda children: st.one_of(
        _infix(children, ["+", "-", "*", "/", "%"]),
        children.map(lambda c: f"(-{c})"),
        _extreme(children),
    ),
    max_leaves=6,
)
_ORDERINGS = ["==", "!=", "<", "<=", ">", ">="]
CONDITIONS = st.recursive(
    st.one_of(
        st.sampled_from(["true", "false", "a", "b"]),
        _infix(_NUMBERS, _ORDERINGS),
        _infix(_DATES, _ORDERINGS),
        _infix(_TEXTS, _ORDERINGS),
        _infix(_NUMBERS, ["in", "not in"], st.lists(_NUMBERS, max_size=3).map(str)),
        _infix(_TEXTS, ["in", "not in"], _TEXTS),
    ),
    lambda children: st.one_of(
        _infix(children, ["and", "or"]), children.map(lambda c: f"(not {c})")
    ),
    max_leaves=5,
)


@settings(max_examples=200, deadline=None)
@given(CONDITIONS)
def test_well_typed_conditions_are_accepted(source: str) -> None:
    assert parse_expression(source).names <= set(NAMES)


ABSENT = object()  # the resolver raises KeyError for this name

VALUES = st.one_of(
    st.just(ABSENT),
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**320),
    st.floats(),
    st.text(max_size=4),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.times(),
    st.lists(st.one_of(st.integers(), st.text(max_size=2), st.dates()), max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(EXPRESSIONS, CONDITIONS), st.fixed_dictionaries({name: VALUES for name in NAMES}))
def test_accepted_expressions_evaluate_or_raise_only_the_documented_errors(
    source: str, values: dict[str, object]
) -> None:
    try:
        expr = parse_expression(source)
    except ExpressionError:
        return
    assert expr.names <= set(NAMES)

    def resolve(name: str) -> object:
        value = values[name]
        if value is ABSENT:
            raise KeyError(name)
        return value

    with contextlib.suppress(EvaluationError, MissingValue):
        expr.evaluate(resolve, today=TODAY, now=NOW)
    try:
        decided = evaluate_condition(expr, resolve, today=TODAY, now=NOW)
    except EvaluationError:
        pass
    else:
        assert isinstance(decided, bool)
