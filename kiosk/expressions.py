"""Safe expressions in interview templates: show_if, constraint, repeat_count, exclusions.

Admins write these in template files, so the text is untrusted. It is parsed with
``ast.parse(..., mode="eval")``, checked against a strict whitelist of node types and then
evaluated by walking the tree here. Nothing is ever handed to ``eval``, ``exec`` or ``compile``,
and no Python object is ever looked up by name: names go to the caller's resolver, functions to
the small table below.

The language (see ``templates/README.md``, *Expressions*):

- literals: integers, decimals, strings, ``true``/``false`` (also ``True``/``False``), lists;
- names: ``[a-z_][a-z0-9_]*`` and ``party.birth_date``, ``party.sex``, ``party.nationality``;
- ``== != < <= > >=`` (chains allowed), ``in``, ``not in``, ``and``, ``or``, ``not``;
- ``+ - * / %`` between numbers, ``+`` between two strings, unary ``-``;
- ``today()``, ``now()``, ``age(birth, on)``, ``len(x)``, ``days_between(a, b)``,
  ``date("YYYY-MM-DD")``, ``min(...)``, ``max(...)``.

Unanswered questions: the resolver returns ``None`` and evaluation raises :class:`MissingValue`.
``and``/``or`` follow three-valued logic, so ``x or y`` is true as soon as one side is known to be
true, even while the other side is unanswered; :func:`evaluate_condition` turns a condition that
still depends on a missing answer into ``False``.
"""

from __future__ import annotations

import ast
import io
import operator
import re
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from kiosk.template_messages import Joined, Term, render, term

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_SOURCE_LENGTH",
    "PARTY_FIELDS",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "MissingValue",
    "evaluate_condition",
    "parse_expression",
]

MAX_SOURCE_LENGTH = 1000
MAX_DEPTH = 50

# Only these fields of the party may be read; any other attribute is refused when parsing, so
# `party.__class__` and friends never reach the resolver.
PARTY_FIELDS: frozenset[str] = frozenset({"birth_date", "sex", "nationality"})

# name -> (fewest arguments, most arguments or None for no limit, how to show the arguments)
FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    "today": (0, 0, ""),
    "now": (0, 0, ""),
    "age": (2, 2, "birth_date, on_date"),
    "len": (1, 1, "x"),
    "days_between": (2, 2, "a, b"),
    "date": (1, 1, '"YYYY-MM-DD"'),
    "min": (1, None, "..."),
    "max": (1, None, "..."),
}

_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LITERAL_NAMES = {"true": True, "false": False}


# --- errors ---------------------------------------------------------------------------------


class ExpressionError(ValueError):
    """An expression refused while parsing: bad syntax, a forbidden construct, a bad call.

    `code` and `params` say why (worded in kiosk/template_messages.py); `message` is the English
    wording and `text(language)` the wording in any language, with the position.
    """

    code: str
    params: dict[str, object]
    message: str
    column: int | None
    line: int | None

    def __init__(self, code: str, params: dict[str, object] | None = None,
                 column: int | None = None, line: int | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        self.message = render(code, self.params, "en")
        self.column = column
        self.line = line
        super().__init__(self.text("en"))

    def text(self, language: str) -> str:
        """The reason in a language, with the column (and line) where it was found."""
        message = render(self.code, self.params, language)
        if self.column is None:
            return message
        if self.line is None:
            return render("expression.at_column", {"message": message, "column": self.column},
                          language)
        return render("expression.at_line_column",
                      {"message": message, "line_no": self.line, "column": self.column}, language)

    def __reduce__(self) -> tuple[type[ExpressionError],
                                  tuple[str, dict[str, object], int | None, int | None]]:
        # The default reduce would pass the whole sentence back in as the code.
        return (type(self), (self.code, self.params, self.column, self.line))


class EvaluationError(ValueError):
    """An accepted expression that failed on these values (a date against a number, x / 0).

    `reason` says why in a form the engine can word for the party (the message stays English,
    for admins and logs): ``before_birth`` (age() of a day before the birth date; `values` hold
    the names the two arguments were read from, ``birth`` and ``on``), ``division_by_zero``,
    ``too_large``, ``not_boolean`` (a condition that gave no true/false), and ``kinds`` for
    everything else (values of kinds the expression cannot use: a template mistake).
    """

    reason: str
    values: dict[str, object]

    def __init__(self, message: str, *, reason: str = "kinds", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce would lose the keyword arguments.
        return (_rebuild_evaluation_error, (str(self), self.reason, self.values))


def _rebuild_evaluation_error(message: str, reason: str,
                              values: dict[str, object]) -> EvaluationError:
    return EvaluationError(message, reason=reason, **values)


class MissingValue(Exception):
    """Raised while evaluating when a name has no value (unanswered or skipped question)."""

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name!r} has no value")

    def __reduce__(self) -> tuple[type[MissingValue], tuple[str]]:
        return (type(self), (self.name,))


# --- kinds of values --------------------------------------------------------------------------

# A "kind" is how a value is described to an admin (a Term: "a number" in English); while
# parsing, None means "not known yet" (a name's value is only known when evaluating).
NUMBER = term("kind.number")
TEXT = term("kind.text")
BOOLEAN = term("kind.boolean")
LIST = term("kind.list")
DATE = term("kind.date")
DATETIME = term("kind.datetime")
TIME = term("kind.time")

_DATE_KINDS = frozenset({DATE, DATETIME})
_ORDERED_KINDS = frozenset({NUMBER, TEXT, DATE, DATETIME, TIME})
_EQUATABLE_KINDS = _ORDERED_KINDS | {BOOLEAN, LIST}
_PARTY_KINDS = {"birth_date": DATE, "sex": TEXT, "nationality": TEXT}


def _kind(value: object) -> Term:
    """Describe a runtime value's kind for messages and type checks."""
    # bool before int (bool is an int in Python, never a number here) and datetime before date.
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    if isinstance(value, time):
        return TIME
    if isinstance(value, list):
        return LIST
    return term("kind.other", type=type(value).__name__)


def _shown(kind: Term | None) -> Term:
    """Describe a possibly unknown kind."""
    return term("kind.value") if kind is None else kind


def _comparable(left: Term, right: Term, *, ordering: bool) -> bool:
    """Tell whether two kinds may be compared (ordered, or only tested for equality)."""
    if left in _DATE_KINDS and right in _DATE_KINDS:
        return True
    if left != right:
        return False
    return left in (_ORDERED_KINDS if ordering else _EQUATABLE_KINDS)


# --- parsing ----------------------------------------------------------------------------------

_FORBIDDEN: dict[type[ast.AST], Term] = {
    ast.Lambda: term("construct.lambda"),
    ast.ListComp: term("construct.list_comprehension"),
    ast.SetComp: term("construct.set_comprehension"),
    ast.DictComp: term("construct.dict_comprehension"),
    ast.GeneratorExp: term("construct.generator"),
    ast.JoinedStr: term("construct.f_string"),
    ast.FormattedValue: term("construct.f_string"),
    ast.Subscript: term("construct.subscript"),
    ast.Slice: term("construct.slice"),
    ast.Starred: term("construct.starred"),
    ast.IfExp: term("construct.conditional"),
    ast.NamedExpr: term("construct.assignment"),
    ast.Dict: term("construct.dict"),
    ast.Set: term("construct.set"),
    ast.Tuple: term("construct.tuple"),
    ast.Await: term("construct.await"),
    ast.Yield: term("construct.yield"),
    ast.YieldFrom: term("construct.yield_from"),
}

_BINARY_SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
}
_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod)

_COMPARE_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_ORDERING_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class _Checker:
    """Checks a parsed tree against the language and collects the names and functions it uses.

    It also infers what kind of value each part gives where that is known without answers
    (literals, function results), so `"a" * 100000000` or `1 < "x"` fail while parsing.
    """

    def __init__(self, source: str, text: str, lead: int) -> None:
        self.source = source
        self.text = text  # what was parsed: one line, with the same length as the stripped source
        self.lead = lead  # characters stripped from the front before parsing
        self.multiline = "\n" in source.strip()
        self.names: set[str] = set()
        self.functions: set[str] = set()

    # positions

    def error(self, code: str, node: ast.AST | None = None, **params: object) -> ExpressionError:
        """Build an error pointing at a node of the parsed text."""
        if node is None or not hasattr(node, "lineno"):
            return ExpressionError(code, params)
        lines = self.text.split("\n")
        line_no: int = node.lineno
        text = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        # col_offset counts UTF-8 bytes; admins count characters (and often write Chinese).
        chars = len(text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore"))
        line, column = self.position(line_no, chars + 1)
        return ExpressionError(code, params, column, line)

    def position(self, line: int, column: int) -> tuple[int | None, int]:
        """Map a 1-based (line, column) in the parsed text to the text as the admin wrote it."""
        parsed_lines = self.text.split("\n")
        index = sum(len(text) + 1 for text in parsed_lines[: line - 1]) + column - 1
        before = self.source[: self.lead + index]
        original_line = before.count("\n") + 1
        original_column = len(before) - (before.rfind("\n") + 1) + 1
        return (original_line if self.multiline else None), original_column

    # the walk

    def check(self, node: ast.AST, depth: int) -> Term | None:
        """Check one node and everything under it; return its kind when it is known."""
        if depth > MAX_DEPTH:
            raise self.error("expression.too_deep", limit=MAX_DEPTH)
        forbidden = _FORBIDDEN.get(type(node))
        if forbidden is not None:
            raise self.error("expression.not_allowed", node, construct=forbidden)
        match node:
            case ast.Constant(value=value):
                return self.check_constant(node, value)
            case ast.Name(id=name):
                return self.check_name(node, name)
            case ast.Attribute():
                return self.check_attribute(node)
            case ast.List(elts=elements):
                for element in elements:
                    self.check(element, depth + 1)
                return LIST
            case ast.BoolOp(op=op, values=values):
                word = "and" if isinstance(op, ast.And) else "or"
                for value in values:
                    kind = self.check(value, depth + 1)
                    if kind is not None and kind != BOOLEAN:
                        raise self.error("expression.logic_needs_boolean", value, word=word,
                                         kind=kind)
                return BOOLEAN
            case ast.UnaryOp(op=op, operand=operand):
                return self.check_unary(node, op, operand, depth)
            case ast.BinOp(left=left, op=op, right=right):
                return self.check_binary(node, left, op, right, depth)
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                return self.check_compare(node, left, ops, comparators, depth)
            case ast.Call():
                return self.check_call(node, depth)
        raise self.error("expression.not_allowed", node, construct=_describe(node))

    def check_constant(self, node: ast.AST, value: object) -> Term:
        """Accept numbers, strings and booleans; refuse None, bytes, complex numbers and '...'."""
        if isinstance(value, bool):
            return BOOLEAN
        if isinstance(value, int | float):
            return NUMBER
        if isinstance(value, str):
            return TEXT
        if value is None:
            raise self.error("expression.none", node)
        if isinstance(value, bytes):
            raise self.error("expression.not_allowed", node, construct=term("construct.bytes"))
        if isinstance(value, complex):
            raise self.error("expression.not_allowed", node, construct=term("construct.complex"))
        raise self.error("expression.not_allowed", node,
                         construct=term("construct.literal", type=type(value).__name__))

    def check_name(self, node: ast.AST, name: str) -> Term | None:
        """Accept a question id (or ``value``); refuse anything that could mean Python itself."""
        if name in _LITERAL_NAMES:
            return BOOLEAN
        if name == "party":
            raise self.error("expression.party_alone", node)
        if name in FUNCTIONS:
            raise self.error("expression.function_as_name", node, name=name)
        # Dunder names would be harmless (names only reach the resolver) but are never question
        # ids, and refusing them keeps hostile-looking text out of the engine altogether.
        if not _NAME_RE.fullmatch(name) or (name.startswith("__") and name.endswith("__")):
            raise self.error("expression.bad_name", node, name=name)
        self.names.add(name)
        return None

    def check_attribute(self, node: ast.Attribute) -> Term | None:
        """Accept exactly ``party.<field>``; refuse every other attribute access."""
        if not (isinstance(node.value, ast.Name) and node.value.id == "party"):
            raise self.error("expression.attribute", node, attr=node.attr)
        if node.attr not in PARTY_FIELDS:
            fields = Joined(tuple(f"party.{name}" for name in sorted(PARTY_FIELDS)))
            raise self.error("expression.party_field", node, attr=node.attr, fields=fields)
        self.names.add(f"party.{node.attr}")
        return _PARTY_KINDS.get(node.attr)

    def check_unary(self, node: ast.AST, op: ast.unaryop, operand: ast.AST, depth: int) -> Term:
        """Accept ``not`` and unary minus."""
        kind = self.check(operand, depth + 1)
        if isinstance(op, ast.Not):
            if kind is not None and kind != BOOLEAN:
                raise self.error("expression.not_needs_boolean", node, kind=kind)
            return BOOLEAN
        if isinstance(op, ast.USub):
            if kind is not None and kind != NUMBER:
                raise self.error("expression.minus_needs_number", node, kind=kind)
            return NUMBER
        construct = {ast.UAdd: "construct.unary_plus", ast.Invert: "construct.invert"}.get(
            type(op), "construct.operator")
        raise self.error("expression.not_allowed", node, construct=term(construct))

    def check_binary(
        self, node: ast.AST, left: ast.AST, op: ast.operator, right: ast.AST, depth: int
    ) -> Term | None:
        """Accept ``+ - * / %`` and refuse operand kinds that could not work."""
        symbol = _BINARY_SYMBOLS.get(type(op)) or term("construct.operator")
        if not isinstance(op, _ALLOWED_BINARY):
            raise self.error("expression.operator_not_allowed", node, symbol=symbol)
        left_kind = self.check(left, depth + 1)
        right_kind = self.check(right, depth + 1)
        kinds = [kind for kind in (left_kind, right_kind) if kind is not None]
        if isinstance(op, ast.Add):
            # Numbers or two strings; nothing else, so no list or sequence can be multiplied up.
            if any(kind not in (NUMBER, TEXT) for kind in kinds) or len(set(kinds)) > 1:
                raise self.error("expression.plus_needs", node, left=_shown(left_kind),
                                 right=_shown(right_kind))
            return kinds[0] if kinds else None
        if any(kind != NUMBER for kind in kinds):
            raise self.error("expression.needs_numbers", node, symbol=symbol,
                             left=_shown(left_kind), right=_shown(right_kind))
        return NUMBER

    def check_compare(
        self,
        node: ast.AST,
        left: ast.AST,
        ops: list[ast.cmpop],
        comparators: list[ast.expr],
        depth: int,
    ) -> Term:
        """Accept ``== != < <= > >= in`` and ``not in``; refuse ``is`` and literal mismatches."""
        left_kind = self.check(left, depth + 1)
        for op, comparator in zip(ops, comparators, strict=True):
            symbol = _COMPARE_SYMBOLS.get(type(op)) or term("construct.comparison")
            if isinstance(op, ast.Is | ast.IsNot):
                raise self.error("expression.identity", node, symbol=symbol)
            right_kind = self.check(comparator, depth + 1)
            if isinstance(op, ast.In | ast.NotIn):
                if right_kind is not None and right_kind not in (LIST, TEXT):
                    raise self.error("expression.in_needs_list", comparator, symbol=symbol)
                if right_kind == TEXT and left_kind is not None and left_kind != TEXT:
                    raise self.error("expression.in_needs_text", node, symbol=symbol,
                                     kind=left_kind)
            elif left_kind is not None and right_kind is not None:
                ordering = isinstance(op, _ORDERING_OPS)
                if not _comparable(left_kind, right_kind, ordering=ordering):
                    raise self.error("expression.cannot_compare", node, left=left_kind,
                                     right=right_kind, symbol=symbol)
            left_kind = right_kind
        return BOOLEAN

    def check_call(self, node: ast.Call, depth: int) -> Term | None:
        """Accept a call of a known function with the right number of positional arguments."""
        if not isinstance(node.func, ast.Name):
            functions = Joined(tuple(f"{name}()" for name in FUNCTIONS))
            raise self.error("expression.not_a_function", node, functions=functions)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error("expression.unknown_function", node, name=name)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.error("expression.double_star", node, name=name)
            raise self.error("expression.keyword_argument", node, arg=keyword.arg)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.error("expression.starred_argument", argument, name=name)
        fewest, most, shape = FUNCTIONS[name]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            raise self.error("expression.argument_count", node, name=name, shape=shape,
                             arity=_arity(fewest, most), count=count)
        self.functions.add(name)
        kinds = [self.check(argument, depth + 1) for argument in node.args]
        return self.check_arguments(node, name, kinds)

    def check_arguments(self, node: ast.Call, name: str,
                        kinds: list[Term | None]) -> Term | None:
        """Refuse argument kinds that are wrong whatever the answers; return the result's kind."""
        known = [kind for kind in kinds if kind is not None]
        if name == "today":
            return DATE
        if name == "now":
            return DATETIME
        if name in ("age", "days_between"):
            for kind, argument in zip(kinds, node.args, strict=True):
                if kind is not None and kind not in _DATE_KINDS:
                    raise self.error("expression.needs_dates", argument, name=name, kind=kind)
            return NUMBER
        if name == "len":
            if known and known[0] not in (TEXT, LIST):
                raise self.error("expression.len_needs", node.args[0], kind=known[0])
            return NUMBER
        if name == "date":
            argument = node.args[0]
            if known and known[0] != TEXT:
                raise self.error("expression.date_needs_text", argument, kind=known[0])
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                try:
                    _parse_date(argument.value)
                except ExpressionError as exc:
                    raise self.error(exc.code, argument, **exc.params) from None
            return DATE
        # min / max
        if len(kinds) == 1:
            if known and known[0] not in _ORDERED_KINDS | {LIST}:
                raise self.error("expression.cannot_choose", node, name=name, kind=known[0])
            return None
        for kind in known:
            if not _comparable(known[0], kind, ordering=True):
                raise self.error("expression.cannot_compare_in", node, name=name,
                                 left=known[0], right=kind)
        return known[0] if len(known) == len(kinds) and len(set(known)) == 1 else None


def _arity(fewest: int, most: int | None) -> Term:
    """Say how many arguments a function takes."""
    if most is None:
        return term("arity.at_least_one") if fewest == 1 else term("arity.at_least", n=fewest)
    if fewest == most == 0:
        return term("arity.none")
    return term("arity.one") if fewest == 1 else term("arity.exactly", n=fewest)


def _describe(node: ast.AST) -> Term:
    """Name a construct that has no friendlier description."""
    return term("construct.other", type=type(node).__name__)


def _parse_date(text: str) -> date:
    """Read a date written exactly YYYY-MM-DD (ExpressionError, without a position, if not)."""
    # fromisoformat alone would also take "20260101" and week dates; the template format is one.
    if not _DATE_RE.fullmatch(text):
        raise ExpressionError("expression.date_format", {"text": _shortened(text)})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExpressionError("expression.date_not_real", {"text": _shortened(text)}) from None


def _shortened(text: str) -> str:
    """User text for a message, cut so that a long string cannot flood it."""
    return text if len(text) <= 40 else text[:37] + "..."


def _bracket_depth(source: str) -> tuple[int, bool]:
    """Measure how deeply brackets nest and whether there is a comment, from the tokens."""
    # Redundant parentheses leave no trace in the tree, so they are counted on the tokens.
    depth = deepest = 0
    comment = False
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comment = True
        elif token.type == tokenize.OP and token.string in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
    return deepest, comment


# Python's words for the syntax errors admins make most, so they can be said in Chinese too.
_SYNTAX_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code) for pattern, code in (
        (r"invalid syntax", "expression.syntax_invalid"),
        (r"invalid syntax\. Perhaps you forgot a comma\?", "expression.syntax_comma"),
        (r"'(?P<bracket>.)' was never closed", "expression.syntax_never_closed"),
        (r"unmatched '(?P<bracket>.)'", "expression.syntax_unmatched"),
        (r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis "
         r"'(?P<opening>.)'", "expression.syntax_mismatched"),
        (r"unterminated string literal \(detected at line (?P<line_no>[0-9]+)\)",
         "expression.syntax_unterminated"),
        (r"invalid character '(?P<character>.)' \(U\+(?P<codepoint>[0-9A-F]+)\)",
         "expression.syntax_character"),
        (r"invalid non-printable character U\+(?P<codepoint>[0-9A-F]+)",
         "expression.syntax_invisible"),
        (r"invalid decimal literal", "expression.syntax_number"),
        (r"leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
         r"octal integers", "expression.syntax_leading_zero"),
        (r"too many nested parentheses", "expression.syntax_nesting"),
    )
)


def _syntax_reason(detail: str) -> tuple[str, dict[str, object]]:
    """The code of a syntax error Python reported as `detail`; a generic one if it is new."""
    for pattern, code in _SYNTAX_REASONS:
        match = pattern.fullmatch(detail)
        # A Python whose wording differs slightly must still be quoted exactly: check it.
        if match and render(code, match.groupdict(), "en") == f"syntax error: {detail}":
            return code, dict(match.groupdict())
    return "expression.syntax", {"detail": detail}


def parse_expression(source: str) -> Expression:
    """Check an admin's expression and prepare it for evaluation (ExpressionError if refused)."""
    if not isinstance(source, str):
        raise ExpressionError("expression.not_text", {"type": type(source).__name__})
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError("expression.too_long",
                              {"length": len(source), "limit": MAX_SOURCE_LENGTH})
    stripped = source.strip()
    if not stripped:
        raise ExpressionError("expression.empty")
    if "\x00" in stripped:
        raise ExpressionError("expression.nul")
    # A line break is a space, so a long expression may be wrapped in a YAML block; Python's
    # expression grammar would only take one inside brackets. Lengths are kept for positions.
    text = stripped.replace("\r", " ").replace("\n", " ")
    checker = _Checker(source, text, len(source) - len(source.lstrip()))
    try:
        with warnings.catch_warnings():
            # Odd escapes ("\d") warn while parsing; the text is data, not our code's concern.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        code, params = _syntax_reason(exc.msg)
        if exc.lineno is not None and exc.offset is not None:
            line, column = checker.position(exc.lineno, max(exc.offset, 1))
            raise ExpressionError(code, params, column, line) from None
        raise ExpressionError(code, params) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        # e.g. lone surrogates, or text too complex for the parser
        raise ExpressionError("expression.unreadable_because",
                              {"reason": type(exc).__name__}) from None
    try:
        depth, comment = _bracket_depth(text)
    except (tokenize.TokenError, SyntaxError, ValueError):
        # The parser accepted the text, so the tokenizer only disagrees on exotic input.
        raise ExpressionError("expression.unreadable") from None
    if depth > MAX_DEPTH:
        raise ExpressionError("expression.too_deep", {"limit": MAX_DEPTH})
    if comment:
        raise ExpressionError("expression.comment")
    checker.check(tree.body, 1)
    return Expression(
        source,
        frozenset(checker.names),
        frozenset(checker.functions),
        _tree=tree.body,
    )


# --- evaluation -------------------------------------------------------------------------------

_ALLOWED_VALUE_TYPES = (str, int, float, bool, date, time, datetime, list)

_COMPARE_FUNCTIONS: dict[type[ast.cmpop], Callable[[object, object], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _is_number(value: object) -> bool:
    """Tell whether a value is a number (bool is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_date(value: object) -> object:
    """Reduce a datetime to its date; leave anything else alone."""
    return value.date() if isinstance(value, datetime) else value


def _align(left: object, right: object) -> tuple[object, object]:
    """Make a date and a datetime comparable by comparing the datetime's date."""
    left_is_datetime = isinstance(left, datetime)
    right_is_datetime = isinstance(right, datetime)
    if left_is_datetime != right_is_datetime and {_kind(left), _kind(right)} <= _DATE_KINDS:
        return _as_date(left), _as_date(right)
    return left, right


def _compare(op: ast.cmpop, left: object, right: object) -> bool:
    """Apply one comparison operator, refusing values of kinds that do not compare."""
    symbol = _COMPARE_SYMBOLS[type(op)]
    if isinstance(op, ast.In | ast.NotIn):
        if isinstance(right, list):
            found = any(_same(left, item) for item in right)
        elif isinstance(right, str):
            if not isinstance(left, str):
                raise EvaluationError(
                    f"'{symbol}' with text on its right needs text on its left, got {_kind(left)}"
                )
            found = left in right
        else:
            raise EvaluationError(
                f"'{symbol}' needs a list or text on its right, got {_kind(right)}"
            )
        return found if isinstance(op, ast.In) else not found
    left_kind, right_kind = _kind(left), _kind(right)
    if not _comparable(left_kind, right_kind, ordering=isinstance(op, _ORDERING_OPS)):
        raise EvaluationError(f"cannot compare {left_kind} with {right_kind} using '{symbol}'")
    left, right = _align(left, right)
    try:
        return bool(_COMPARE_FUNCTIONS[type(op)](left, right))
    except TypeError:
        # e.g. a datetime with a time zone against one without
        raise EvaluationError(
            f"cannot compare {left_kind} with {right_kind} using '{symbol}' "
            "(one has a time zone and the other has not)"
        ) from None


def _same(left: object, item: object) -> bool:
    """Tell whether a value equals a list item; items of other kinds are simply not equal."""
    if not _comparable(_kind(left), _kind(item), ordering=False):
        return False
    left, item = _align(left, item)
    return bool(left == item)


def _require_bool(value: object, word: str) -> bool:
    """Insist on true/false for a logical operator."""
    if not isinstance(value, bool):
        raise EvaluationError(f"'{word}' needs true/false, got {_kind(value)}")
    return value


def _arithmetic(op: ast.operator, left: object, right: object) -> object:
    """Apply ``+ - * / %`` to two numbers (or ``+`` to two strings)."""
    symbol = _BINARY_SYMBOLS[type(op)]
    if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
        return left + right
    if not (_is_number(left) and _is_number(right)):
        needs = "two numbers or two texts" if isinstance(op, ast.Add) else "two numbers"
        raise EvaluationError(f"'{symbol}' needs {needs}, got {_kind(left)} and {_kind(right)}")
    assert isinstance(left, int | float) and isinstance(right, int | float)
    try:
        match op:
            case ast.Add():
                return left + right
            case ast.Sub():
                return left - right
            case ast.Mult():
                return left * right
            case ast.Div():
                return left / right
            case ast.Mod():
                return left % right
    except ZeroDivisionError:
        raise EvaluationError(f"division by zero in '{symbol}'",
                              reason="division_by_zero") from None
    except OverflowError:
        raise EvaluationError(f"a number is too large in '{symbol}'", reason="too_large") from None
    raise EvaluationError(f"the operator '{symbol}' is not allowed")


def _require_date(value: object, name: str) -> date:
    """Insist on a date (a datetime counts as its date) for a date function."""
    if _kind(value) not in _DATE_KINDS:
        raise EvaluationError(f"{name}() needs dates, got {_kind(value)}")
    reduced = _as_date(value)
    assert isinstance(reduced, date)
    return reduced


def _age(birth: date, on: date, names: tuple[str | None, str | None] = (None, None)) -> int:
    """Count whole years from a birth date to a day (`names`: where each was read from)."""
    if on < birth:
        raise EvaluationError("age() got a day before the birth date", reason="before_birth",
                              birth=names[0], on=names[1])
    # Someone born on 29 February becomes a year older on 1 March in a common year: (2, 28) is
    # still before (2, 29), and (3, 1) is not.
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _extreme(name: str, values: list[object]) -> object:
    """Pick the smallest (min) or largest (max) of comparable values."""
    if len(values) == 1 and isinstance(values[0], list):
        values = values[0]
        if not values:
            raise EvaluationError(f"{name}() got an empty list")
    op: ast.cmpop = ast.Lt() if name == "min" else ast.Gt()
    best = values[0]
    for value in values[1:]:
        if _compare(op, value, best):
            best = value
    if len(values) == 1:
        # Still refuse a single value that could never be compared (a bool, say).
        _compare(ast.LtE(), best, best)
    return best


class _Evaluator:
    """Evaluates a checked tree against one set of answers."""

    def __init__(self, resolve: Callable[[str], object], today: date, now: datetime) -> None:
        self.resolve = resolve
        self.today = today
        self.now = now

    def value_of(self, name: str) -> object:
        """Look a name up through the caller's resolver."""
        try:
            value = self.resolve(name)
        except KeyError:
            raise EvaluationError(f"unknown name {name!r}") from None
        if value is None:
            raise MissingValue(name)
        if not isinstance(value, _ALLOWED_VALUE_TYPES):
            raise EvaluationError(f"{name!r} has {_kind(value)}, which an expression cannot use")
        return value

    def eval(self, node: ast.AST) -> object:
        """Evaluate one node."""
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                if name in _LITERAL_NAMES:
                    return _LITERAL_NAMES[name]
                return self.value_of(name)
            case ast.Attribute(value=ast.Name(id="party"), attr=attr):
                return self.value_of(f"party.{attr}")
            case ast.List(elts=elements):
                return [self.eval(element) for element in elements]
            case ast.BoolOp(op=op, values=values):
                return self.logic(isinstance(op, ast.And), values)
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return not _require_bool(self.eval(operand), "not")
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                value = self.eval(operand)
                if not _is_number(value):
                    raise EvaluationError(f"'-' needs a number, got {_kind(value)}")
                assert isinstance(value, int | float)
                return -value
            case ast.BinOp(left=left, op=op, right=right):
                return _arithmetic(op, self.eval(left), self.eval(right))
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                current = self.eval(left)
                for op, comparator in zip(ops, comparators, strict=True):
                    following = self.eval(comparator)
                    if not _compare(op, current, following):
                        return False  # a chain stops at its first false link, like Python
                    current = following
                return True
            case ast.Call(func=ast.Name(id=name), args=args):
                return self.call(name, args)
        # parse_expression never lets anything else through; this guards a hand-built tree.
        raise EvaluationError(f"{_describe(node)} cannot be evaluated")

    def logic(self, is_and: bool, operands: list[ast.expr]) -> bool:
        """Evaluate ``and``/``or`` left to right with three-valued logic for missing answers."""
        word = "and" if is_and else "or"
        missing: MissingValue | None = None
        for operand in operands:
            try:
                value = _require_bool(self.eval(operand), word)
            except MissingValue as exc:
                missing = missing or exc
                continue
            except EvaluationError:
                # With an earlier side unanswered this side might never have been evaluated
                # (that is what guards like `x != 0 and 10 / x > 1` rely on), so wait for it.
                if missing is not None:
                    raise missing from None
                raise
            if value is not is_and:
                return value  # false decides an `and`, true decides an `or`
        if missing is not None:
            raise missing
        return is_and

    def call(self, name: str, args: list[ast.expr]) -> object:
        """Call one of the known functions."""
        if name == "today":
            return self.today
        if name == "now":
            return self.now
        values = [self.eval(argument) for argument in args]
        if name == "age":
            return _age(_require_date(values[0], name), _require_date(values[1], name),
                        (_source_name(args[0]), _source_name(args[1])))
        if name == "days_between":
            return (_require_date(values[1], name) - _require_date(values[0], name)).days
        if name == "len":
            if not isinstance(values[0], str | list):
                raise EvaluationError(f"len() needs text or a list, got {_kind(values[0])}")
            return len(values[0])
        if name == "date":
            if not isinstance(values[0], str):
                raise EvaluationError(
                    f'date() needs text written "YYYY-MM-DD", got {_kind(values[0])}'
                )
            try:
                return _parse_date(values[0])
            except ValueError as exc:
                raise EvaluationError(str(exc)) from None
        if name in ("min", "max"):
            return _extreme(name, values)
        raise EvaluationError(f"unknown function {name!r}")


def _source_name(node: ast.expr) -> str | None:
    """The name an argument was read from (a question id or ``party.<field>``), if it is one."""
    if isinstance(node, ast.Name) and node.id not in _LITERAL_NAMES:
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate against answers; build it with parse_expression()."""

    source: str
    names: frozenset[str]
    functions: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False, kw_only=True)

    def evaluate(self, resolve: Callable[[str], object], *, today: date, now: datetime) -> object:
        """Compute the expression's value; resolve(name) gives an answer, or None if unanswered.

        Raises MissingValue for an unanswered name and EvaluationError when the values do not fit
        (an unknown name, incompatible kinds, division by zero).
        """
        return _Evaluator(resolve, today, now).eval(self._tree)


def evaluate_condition(
    expr: Expression, resolve: Callable[[str], object], *, today: date, now: datetime
) -> bool:
    """Decide a show_if, constraint or exclusion; a condition on an unanswered question is false."""
    try:
        value = expr.evaluate(resolve, today=today, now=now)
    except MissingValue:
        return False
    if not isinstance(value, bool):
        raise EvaluationError(f"the condition gave {_kind(value)}, not true or false",
                              reason="not_boolean")
    return value
