"""`kiosk audit verify`: walk the hash chain, then check the case records against it; exit 1
naming the first broken link and every record changed behind the chain's back."""

from __future__ import annotations

import argparse
import sys

from kiosk.audit import verify_chain
from kiosk.audit_records import check_records
from kiosk.cli import add_json_flag, print_json
from kiosk.station import open_station


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="check that no event was changed, removed or "
                            "reordered, and that every answer, signature, decision and "
                            "document is as its event recorded it")
    add_json_flag(verify)
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
        changed = check_records(session)
    if args.json:
        print_json({"events": report.events, "intact": report.is_intact,
                    "broken_at": report.broken_at, "problem": report.problem,
                    "records_changed": [str(m) for m in changed]})
        return 0 if report.is_intact and not changed else 1
    if report.is_intact:
        print(f"audit chain intact: {report.events} events")
    else:
        print(f"audit chain BROKEN at event {report.broken_at}: {report.problem}",
              file=sys.stderr)
    if changed:
        print(f"{len(changed)} record(s) differ from the audit chain:", file=sys.stderr)
        for mismatch in changed[:SHOWN]:
            print(f"  {mismatch}", file=sys.stderr)
        if len(changed) > SHOWN:
            print(f"  … and {len(changed) - SHOWN} more (--json lists them all)", file=sys.stderr)
    else:
        print("every answer, signature, decision and document matches its audit event")
    return 0 if report.is_intact and not changed else 1


SHOWN = 20
"""Records named on the terminal; a mass change is still one screen, and --json has them all."""
