"""`kiosk audit verify`: walk the hash chain; exit 1 naming the first broken link."""

from __future__ import annotations

import argparse
import sys

from kiosk.audit import verify_chain
from kiosk.cli import add_json_flag, print_json
from kiosk.station import open_station


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="check that no event was changed, removed or "
                            "reordered")
    add_json_flag(verify)
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
    if args.json:
        print_json({"events": report.events, "intact": report.is_intact,
                    "broken_at": report.broken_at, "problem": report.problem})
    elif report.is_intact:
        print(f"audit chain intact: {report.events} events")
    else:
        print(f"audit chain BROKEN at event {report.broken_at}: {report.problem}",
              file=sys.stderr)
    return 0 if report.is_intact else 1
