"""The `kiosk` command: sub-commands gathered from the `kiosk.commands` entry points.

Each layer registers its own commands (the core here, `ui/` its screens, `printer/` its
documents), so the core never imports the layers above it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from kiosk.answers_file import AnswersFileError
from kiosk.audit import AuditChainBroken
from kiosk.cases import CaseError, CaseNotFound, Conflict, IdentityProblem
from kiosk.codes import CaseCodeError
from kiosk.interview import InterviewError
from kiosk.migrations import SchemaOutOfDate
from kiosk.settings import SettingsError
from kiosk.states import TransitionError
from kiosk.template_drafts import DraftError
from kiosk.template_loader import TemplateInvalid
from kiosk.template_store import TemplateNotFound, VersionConflict
from kiosk.users import AccountError, LoginFailed

Handler = Callable[[argparse.Namespace], int]

# Errors that are the user's to fix: printed as one clear message and exit status 1.
USER_ERRORS: tuple[type[BaseException], ...] = (
    AnswersFileError, CaseError, CaseNotFound, CaseCodeError, IdentityProblem, InterviewError,
    SettingsError, TransitionError, TemplateInvalid, TemplateNotFound, VersionConflict,
    AccountError, LoginFailed, AuditChainBroken, SchemaOutOfDate, DraftError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Station fast-track kiosk: the headless twin of the screens.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for entry in sorted(entry_points(group="kiosk.commands"), key=lambda e: e.name):
        entry.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
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
    except KeyboardInterrupt:
        return 130


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def read_password() -> str:
    """One line of standard input, without its line break (never an argument: ps shows those)."""
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
