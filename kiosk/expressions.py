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
    """An expression refused while parsing: bad syntax, a forbidden construct, a bad call."""

    message: str
    column: int | None
    line: int | None

    def __init__(self, message: str, column: int | None = None, line: int | None = None) -> None:
        self.message = message
        self.column = column
        self.line = line
        if column is None:
            sentence = message
        elif line is None:
            sentence = f"{message} at column {column}"
        else:
            sentence = f"{message} at line {line}, column {column}"
        super().__init__(sentence)

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, int | None, int | None]]:
        # The default reduce would pass the whole sentence back in as the message.
        return (type(self), (self.message, self.column, self.line))


class EvaluationError(ValueError):
    """An accepted expression that failed on these values (a date against a number, x / 0)."""


class MissingValue(Exception):
    """Raised while evaluating when a name has no value (unanswered or skipped question)."""

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name!r} has no value")

    def __reduce__(self) -> tuple[type[MissingValue], tuple[str]]:
        return (type(self), (self.name,))


# --- kinds of values --------------------------------------------------------------------------

# A "kind" is how a value is described to an admin; while parsing, None means "not known yet"
# (a name's value is only known when evaluating).
NUMBER = "a number"
TEXT = "text"
BOOLEAN = "true/false"
LIST = "a list"
DATE = "a date"
DATETIME = "a date and time"
TIME = "a time"

_DATE_KINDS = frozenset({DATE, DATETIME})
_ORDERED_KINDS = frozenset({NUMBER, TEXT, DATE, DATETIME, TIME})
_EQUATABLE_KINDS = _ORDERED_KINDS | {BOOLEAN, LIST}
_PARTY_KINDS = {"birth_date": DATE, "sex": TEXT, "nationality": TEXT}


def _kind(value: object) -> str:
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
    return f"a value of type {type(value).__name__}"


def _shown(kind: str | None) -> str:
    """Describe a possibly unknown kind."""
    return "a value" if kind is None else kind


def _comparable(left: str, right: str, *, ordering: bool) -> bool:
    """Tell whether two kinds may be compared (ordered, or only tested for equality)."""
    if left in _DATE_KINDS and right in _DATE_KINDS:
        return True
    if left != right:
        return False
    return left in (_ORDERED_KINDS if ordering else _EQUATABLE_KINDS)


# --- parsing ----------------------------------------------------------------------------------

_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Lambda: "a lambda",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Subscript: "indexing or slicing ([...] after a value)",
    ast.Slice: "a slice",
    ast.Starred: "a starred argument (*x)",
    ast.IfExp: "a conditional expression (x if c else y)",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.Dict: "a dict literal ({...})",
    ast.Set: "a set literal ({...})",
    ast.Tuple: "a tuple (use a list [...] instead)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
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

    def error(self, message: str, node: ast.AST | None = None) -> ExpressionError:
        """Build an error pointing at a node of the parsed text."""
        if node is None or not hasattr(node, "lineno"):
            return ExpressionError(message)
        lines = self.text.split("\n")
        line_no: int = node.lineno
        text = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        # col_offset counts UTF-8 bytes; admins count characters (and often write Chinese).
        chars = len(text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore"))
        line, column = self.position(line_no, chars + 1)
        return ExpressionError(message, column, line)

    def position(self, line: int, column: int) -> tuple[int | None, int]:
        """Map a 1-based (line, column) in the parsed text to the text as the admin wrote it."""
        parsed_lines = self.text.split("\n")
        index = sum(len(text) + 1 for text in parsed_lines[: line - 1]) + column - 1
        before = self.source[: self.lead + index]
        original_line = before.count("\n") + 1
        original_column = len(before) - (before.rfind("\n") + 1) + 1
        return (original_line if self.multiline else None), original_column

    # the walk

    def check(self, node: ast.AST, depth: int) -> str | None:
        """Check one node and everything under it; return its kind when it is known."""
        if depth > MAX_DEPTH:
            raise self.error(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
        forbidden = _FORBIDDEN.get(type(node))
        if forbidden is not None:
            raise self.error(f"{forbidden} is not allowed", node)
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
                        raise self.error(
                            f"'{word}' needs true/false on both sides, got {kind}", value
                        )
                return BOOLEAN
            case ast.UnaryOp(op=op, operand=operand):
                return self.check_unary(node, op, operand, depth)
            case ast.BinOp(left=left, op=op, right=right):
                return self.check_binary(node, left, op, right, depth)
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                return self.check_compare(node, left, ops, comparators, depth)
            case ast.Call():
                return self.check_call(node, depth)
        raise self.error(f"{_describe(node)} is not allowed", node)

    def check_constant(self, node: ast.AST, value: object) -> str:
        """Accept numbers, strings and booleans; refuse None, bytes, complex numbers and '...'."""
        if isinstance(value, bool):
            return BOOLEAN
        if isinstance(value, int | float):
            return NUMBER
        if isinstance(value, str):
            return TEXT
        if value is None:
            raise self.error("None is not allowed (there is no empty value)", node)
        if isinstance(value, bytes):
            raise self.error("a bytes literal is not allowed", node)
        if isinstance(value, complex):
            raise self.error("a complex number is not allowed", node)
        raise self.error(f"the literal {type(value).__name__} is not allowed", node)

    def check_name(self, node: ast.AST, name: str) -> str | None:
        """Accept a question id (or ``value``); refuse anything that could mean Python itself."""
        if name in _LITERAL_NAMES:
            return BOOLEAN
        if name == "party":
            raise self.error(
                "'party' needs a field, such as party.birth_date, party.sex or party.nationality",
                node,
            )
        if name in FUNCTIONS:
            raise self.error(f"'{name}' is a function; call it as {name}(...)", node)
        # Dunder names would be harmless (names only reach the resolver) but are never question
        # ids, and refusing them keeps hostile-looking text out of the engine altogether.
        if not _NAME_RE.fullmatch(name) or (name.startswith("__") and name.endswith("__")):
            raise self.error(
                f"the name {name!r} is not allowed: names are lower-case letters, digits and '_'",
                node,
            )
        self.names.add(name)
        return None

    def check_attribute(self, node: ast.Attribute) -> str | None:
        """Accept exactly ``party.<field>``; refuse every other attribute access."""
        if not (isinstance(node.value, ast.Name) and node.value.id == "party"):
            raise self.error(
                f"reading an attribute ('.{node.attr}') is only allowed on party, "
                "as in party.birth_date",
                node,
            )
        if node.attr not in PARTY_FIELDS:
            fields = ", ".join(f"party.{name}" for name in sorted(PARTY_FIELDS))
            raise self.error(f"unknown party field {node.attr!r}; use one of {fields}", node)
        self.names.add(f"party.{node.attr}")
        return _PARTY_KINDS.get(node.attr)

    def check_unary(self, node: ast.AST, op: ast.unaryop, operand: ast.AST, depth: int) -> str:
        """Accept ``not`` and unary minus."""
        kind = self.check(operand, depth + 1)
        if isinstance(op, ast.Not):
            if kind is not None and kind != BOOLEAN:
                raise self.error(f"'not' needs true/false, got {kind}", node)
            return BOOLEAN
        if isinstance(op, ast.USub):
            if kind is not None and kind != NUMBER:
                raise self.error(f"'-' needs a number, got {kind}", node)
            return NUMBER
        symbol = {ast.UAdd: "unary '+'", ast.Invert: "'~'"}.get(type(op), "this operator")
        raise self.error(f"{symbol} is not allowed", node)

    def check_binary(
        self, node: ast.AST, left: ast.AST, op: ast.operator, right: ast.AST, depth: int
    ) -> str | None:
        """Accept ``+ - * / %`` and refuse operand kinds that could not work."""
        symbol = _BINARY_SYMBOLS.get(type(op), "this operator")
        if not isinstance(op, _ALLOWED_BINARY):
            raise self.error(f"the operator '{symbol}' is not allowed", node)
        left_kind = self.check(left, depth + 1)
        right_kind = self.check(right, depth + 1)
        kinds = [kind for kind in (left_kind, right_kind) if kind is not None]
        if isinstance(op, ast.Add):
            # Numbers or two strings; nothing else, so no list or sequence can be multiplied up.
            if any(kind not in (NUMBER, TEXT) for kind in kinds) or len(set(kinds)) > 1:
                raise self.error(
                    "'+' needs two numbers or two texts, "
                    f"got {_shown(left_kind)} and {_shown(right_kind)}",
                    node,
                )
            return kinds[0] if kinds else None
        if any(kind != NUMBER for kind in kinds):
            raise self.error(
                f"'{symbol}' needs two numbers, got {_shown(left_kind)} and {_shown(right_kind)}",
                node,
            )
        return NUMBER

    def check_compare(
        self,
        node: ast.AST,
        left: ast.AST,
        ops: list[ast.cmpop],
        comparators: list[ast.expr],
        depth: int,
    ) -> str:
        """Accept ``== != < <= > >= in`` and ``not in``; refuse ``is`` and literal mismatches."""
        left_kind = self.check(left, depth + 1)
        for op, comparator in zip(ops, comparators, strict=True):
            symbol = _COMPARE_SYMBOLS.get(type(op), "this comparison")
            if isinstance(op, ast.Is | ast.IsNot):
                raise self.error(f"'{symbol}' is not allowed; use '==' or '!='", node)
            right_kind = self.check(comparator, depth + 1)
            if isinstance(op, ast.In | ast.NotIn):
                if right_kind is not None and right_kind not in (LIST, TEXT):
                    raise self.error(f"'{symbol}' needs a list or text on its right", comparator)
                if right_kind == TEXT and left_kind is not None and left_kind != TEXT:
                    raise self.error(
                        f"'{symbol}' with text on its right needs text on its left, "
                        f"got {left_kind}",
                        node,
                    )
            elif left_kind is not None and right_kind is not None:
                ordering = isinstance(op, _ORDERING_OPS)
                if not _comparable(left_kind, right_kind, ordering=ordering):
                    raise self.error(
                        f"cannot compare {left_kind} with {right_kind} using '{symbol}'", node
                    )
            left_kind = right_kind
        return BOOLEAN

    def check_call(self, node: ast.Call, depth: int) -> str | None:
        """Accept a call of a known function with the right number of positional arguments."""
        if not isinstance(node.func, ast.Name):
            raise self.error(
                "only the functions "
                + ", ".join(f"{name}()" for name in FUNCTIONS)
                + " can be called",
                node,
            )
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(f"unknown function {name!r}", node)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.error(f"a '**' argument is not allowed in {name}()", node)
            raise self.error(f"a keyword argument ({keyword.arg}=...) is not allowed", node)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.error(f"a starred argument (*x) is not allowed in {name}()", argument)
        fewest, most, shape = FUNCTIONS[name]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            raise self.error(f"{name}({shape}) {_arity(fewest, most)}, got {count}", node)
        self.functions.add(name)
        kinds = [self.check(argument, depth + 1) for argument in node.args]
        return self.check_arguments(node, name, kinds)

    def check_arguments(self, node: ast.Call, name: str, kinds: list[str | None]) -> str | None:
        """Refuse argument kinds that are wrong whatever the answers; return the result's kind."""
        known = [kind for kind in kinds if kind is not None]
        if name == "today":
            return DATE
        if name == "now":
            return DATETIME
        if name in ("age", "days_between"):
            for kind, argument in zip(kinds, node.args, strict=True):
                if kind is not None and kind not in _DATE_KINDS:
                    raise self.error(f"{name}() needs dates, got {kind}", argument)
            return NUMBER
        if name == "len":
            if known and known[0] not in (TEXT, LIST):
                raise self.error(f"len() needs text or a list, got {known[0]}", node.args[0])
            return NUMBER
        if name == "date":
            argument = node.args[0]
            if known and known[0] != TEXT:
                raise self.error(
                    f'date() needs text written "YYYY-MM-DD", got {known[0]}', argument
                )
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                try:
                    _parse_date(argument.value)
                except ValueError as exc:
                    raise self.error(str(exc), argument) from None
            return DATE
        # min / max
        if len(kinds) == 1:
            if known and known[0] not in _ORDERED_KINDS | {LIST}:
                raise self.error(f"{name}() cannot choose among {known[0]}", node)
            return None
        for kind in known:
            if not _comparable(known[0], kind, ordering=True):
                raise self.error(f"{name}() cannot compare {known[0]} with {kind}", node)
        return known[0] if len(known) == len(kinds) and len(set(known)) == 1 else None


def _arity(fewest: int, most: int | None) -> str:
    """Say how many arguments a function takes."""
    if most is None:
        return f"takes at least {fewest} argument{'s' if fewest != 1 else ''}"
    if fewest == most == 0:
        return "takes no arguments"
    return f"takes {fewest} argument{'s' if fewest != 1 else ''}"


def _describe(node: ast.AST) -> str:
    """Name a construct that has no friendlier description."""
    return f"the construct {type(node).__name__}"


def _parse_date(text: str) -> date:
    """Read a date written exactly YYYY-MM-DD."""
    # fromisoformat alone would also take "20260101" and week dates; the template format is one.
    if not _DATE_RE.fullmatch(text):
        raise ValueError(f'date() needs a date written "YYYY-MM-DD", got {_quote(text)}')
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date() got {_quote(text)}, which is not a real date") from None


def _quote(text: str) -> str:
    """Quote user text for a message without letting a long string flood it."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


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


def parse_expression(source: str) -> Expression:
    """Check an admin's expression and prepare it for evaluation (ExpressionError if refused)."""
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"the expression is too long ({len(source)} characters; at most {MAX_SOURCE_LENGTH})"
        )
    stripped = source.strip()
    if not stripped:
        raise ExpressionError("the expression is empty")
    if "\x00" in stripped:
        raise ExpressionError("the expression contains a NUL character")
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
        message = f"syntax error: {exc.msg}"
        if exc.lineno is not None and exc.offset is not None:
            line, column = checker.position(exc.lineno, max(exc.offset, 1))
            raise ExpressionError(message, column, line) from None
        raise ExpressionError(message) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        # e.g. lone surrogates, or text too complex for the parser
        raise ExpressionError(f"the expression cannot be read: {type(exc).__name__}") from None
    try:
        depth, comment = _bracket_depth(text)
    except (tokenize.TokenError, SyntaxError, ValueError):
        # The parser accepted the text, so the tokenizer only disagrees on exotic input.
        raise ExpressionError("the expression cannot be read") from None
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
    if comment:
        raise ExpressionError("comments (#) are not allowed in an expression")
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
        raise EvaluationError(f"division by zero in '{symbol}'") from None
    except OverflowError:
        raise EvaluationError(f"a number is too large in '{symbol}'") from None
    raise EvaluationError(f"the operator '{symbol}' is not allowed")


def _require_date(value: object, name: str) -> date:
    """Insist on a date (a datetime counts as its date) for a date function."""
    if _kind(value) not in _DATE_KINDS:
        raise EvaluationError(f"{name}() needs dates, got {_kind(value)}")
    reduced = _as_date(value)
    assert isinstance(reduced, date)
    return reduced


def _age(birth: date, on: date) -> int:
    """Count whole years from a birth date to a day."""
    if on < birth:
        raise EvaluationError("age() got a day before the birth date")
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
            return _age(_require_date(values[0], name), _require_date(values[1], name))
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
        raise EvaluationError(f"the condition gave {_kind(value)}, not true or false")
    return value
