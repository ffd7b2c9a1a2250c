"""The `kiosk` command: sub-commands gathered from the `kiosk.commands` entry points.

Each layer registers its own commands (the core here, `ui/` its screens, `printer/` its
documents), so the core never imports the layers above it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any, NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from kiosk.answer_types import AnswerError
from kiosk.answers_file import AnswersFileError
from kiosk.audit import AuditChainBroken
from kiosk.audit_key import AuditKeyProblem
from kiosk.blobs import BlobChanged
from kiosk.cases import CaseError, CaseNotFound, Conflict, IdentityProblem
from kiosk.codes import CaseCodeError
from kiosk.db import DatabaseUnreachable
from kiosk.guessing import GuessingThrottled
from kiosk.identity import IdentityError
from kiosk.interview import InterviewError
from kiosk.migrations import SchemaOutOfDate
from kiosk.settings import SettingsError, load_settings
from kiosk.states import TransitionError
from kiosk.template_drafts import DraftError
from kiosk.template_edit import EditError
from kiosk.template_loader import TemplateInvalid
from kiosk.template_store import TemplateNotFound, VersionConflict
from kiosk.users import AccountError, LoginFailed

Handler = Callable[[argparse.Namespace], int]

# Errors that are the user's to fix: printed as one clear message and exit status 1.
USER_ERRORS: tuple[type[BaseException], ...] = (
    AnswersFileError, CaseError, CaseNotFound, CaseCodeError, IdentityProblem, InterviewError,
    SettingsError, TransitionError, TemplateInvalid, TemplateNotFound, VersionConflict,
    AccountError, LoginFailed, AuditChainBroken, SchemaOutOfDate, DraftError, AnswerError,
    IdentityError, EditError, AuditKeyProblem, GuessingThrottled, BlobChanged,
)


# Any whole number a command takes must fit every integer column it may be compared with
# (PostgreSQL `integer`); a larger one crashed the driver (SQLite: OverflowError).
INT_RANGE = (-(2**31), 2**31 - 1)

EXIT_STATUS = """exit status: 0 done; 1 refused, with the reason on standard error; 2 the database
cannot be reached; 3 `kiosk submit` handed the case to the ordinary procedure"""


def whole_number(text: str) -> int:
    """An integer argument inside INT_RANGE, refused in words otherwise."""
    shown = text if len(text) <= 24 else text[:21] + "..."
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None
    if not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise argparse.ArgumentTypeError(f"{shown} is out of range (at most {INT_RANGE[1]})")
    return number


class _Parser(argparse.ArgumentParser):
    """argparse, with every integer argument bounded and usage errors exiting 1 (a refusal
    like any other), so that 2 means only an unreachable database."""

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if kwargs.get("type") is int:
            kwargs["type"] = whole_number
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kiosk", description="Station fast-track kiosk: the headless twin of the screens.",
        epilog=EXIT_STATUS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for entry in sorted(entry_points(group="kiosk.commands"), key=lambda e: e.name):
        entry.load()(commands)
    return parser


# Exit status when the database cannot be reached (1 is a refusal of what was asked).
UNREACHABLE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except DatabaseUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return UNREACHABLE
    except DBAPIError as exc:
        if is_unreachable(exc):
            print(f"error: cannot reach the database at {database_place()}: {_reason(exc)}",
                  file=sys.stderr)
            return UNREACHABLE
        if "database is locked" in str(exc.orig):
            print("error: the database stayed locked by another kiosk or command; try again",
                  file=sys.stderr)
            return 1
        raise  # anything else the database says is a bug to see in full
    except Conflict as exc:
        print(f"conflict: {exc}; look at it again", file=sys.stderr)
        return 1
    except StaleDataError:
        print("conflict: another officer changed the case at the same moment; look at it "
              "again", file=sys.stderr)
        return 1
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.filename is None:
            raise  # not about a file the user named: a bug to see in full
        print(f"error: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def is_unreachable(error: DBAPIError) -> bool:
    """A connection that could not be made (no statement was running), or one that broke."""
    return isinstance(error, OperationalError | InterfaceError) and (
        error.statement is None or error.connection_invalidated)


def database_place(env: Mapping[str, str] | None = None) -> str:
    """Where the configured database is, for a person: host[:port], or the SQLite file; never
    the password of the URL."""
    try:
        url = make_url(load_settings(env=os.environ if env is None else env)
                       .resolved_database_url)
    except (SettingsError, ArgumentError, ValueError):
        return "the configured address"
    if url.get_backend_name() == "sqlite":
        return url.database or "(memory)"
    host = url.host or str(url.query.get("host") or "localhost")
    return f"{host}:{url.port}" if url.port else host


def _reason(error: DBAPIError) -> str:
    """The driver's own words, on one line."""
    text = str(error.orig or error).strip()
    return " ".join(text.splitlines()[0].split()) if text else type(error.orig).__name__


def refuse_control_characters(text: str, what: str) -> str:
    """Text typed on a command line, refused when it holds a control character (a terminal
    escape, a bell): no person means one, and some databases cannot store them."""
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cs") and character not in "\t\n":
            raise CaseError(f"{what} contains a control character (U+{ord(character):04X}); "
                            f"remove it", reason="control_character")
    return text


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def read_password() -> str:
    """One line of standard input, without its line break (never an argument: ps shows those)."""
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
