"""`kiosk audit verify | anchor`: check the audit chain and the case records against it; keep
signed copies of its head outside the database."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from kiosk.audit import anchor_of, anchor_problem, canonical_json, verify_chain
from kiosk.audit_records import check_records
from kiosk.cli import add_json_flag, print_json
from kiosk.station import open_station

SHOWN = 20
"""Records named on the terminal; a mass change is still one screen, and --json has them all."""


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="check that no event was changed, removed or "
                            "reordered, and that every answer, signature, decision and "
                            "document is as its event recorded it")
    verify.add_argument("--anchor", type=Path, metavar="FILE",
                        help="also check the chain still holds every head in this anchor file "
                        "(`kiosk audit anchor`): finds events cut from the end")
    add_json_flag(verify)
    verify.set_defaults(handler=run_verify)
    anchor = sub.add_parser("anchor", help="append the chain's head, signed with the station "
                            "key, to a file outside the database (run it from a timer)")
    anchor.add_argument("--out", type=Path, metavar="FILE",
                        help="the anchor file (default: audit-anchors.jsonl in the data folder)")
    anchor.set_defaults(handler=run_anchor)


def _default_anchor_file(station) -> Path:  # type: ignore[no-untyped-def]
    return station.settings.resolved_data_dir / "audit-anchors.jsonl"


def run_anchor(args: argparse.Namespace) -> int:
    station = open_station()
    out: Path = args.out or _default_anchor_file(station)
    key = station.database.audit_key
    assert key is not None  # open_station gives every station its key
    with station.database.session(readonly=True) as session:
        line = anchor_of(session, key, datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as file:
        file.write(canonical_json(line) + "\n")
    print(f"anchored event {line['seq']} in {out}")
    return 0


def _read_anchors(path: Path) -> list[dict]:  # type: ignore[type-arg]
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not an anchor line ({exc.msg})") from exc
        if not isinstance(anchor, dict):
            raise ValueError(f"{path}:{number}: not an anchor line")
        anchors.append(anchor)
    return anchors


def run_verify(args: argparse.Namespace) -> int:
    station = open_station()
    anchors = None
    if args.anchor is not None:
        try:
            anchors = _read_anchors(args.anchor)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
        changed = check_records(session)
        cut = None
        if anchors is not None and station.database.audit_key is not None:
            cut = anchor_problem(session, station.database.audit_key, anchors)
    ok = report.is_intact and not changed and cut is None
    if args.json:
        print_json({"events": report.events, "intact": report.is_intact,
                    "broken_at": report.broken_at, "problem": report.problem,
                    "keyed_from": report.keyed_from,
                    "records_changed": [str(m) for m in changed], "anchors": cut})
        return 0 if ok else 1
    if report.key_mismatch:
        print(f"audit chain: {report.problem}", file=sys.stderr)
    elif report.is_intact:
        print(f"audit chain intact: {report.events} events"
              + (f", keyed from event {report.keyed_from}" if report.keyed_from else ""))
    else:
        print(f"audit chain BROKEN at event {report.broken_at}: {report.problem}",
              file=sys.stderr)
    if cut is not None:
        print(f"audit chain BROKEN: {cut}", file=sys.stderr)
    elif anchors is not None:
        print(f"every one of the {len(anchors)} anchors is still in the chain")
    if changed:
        print(f"{len(changed)} record(s) differ from the audit chain:", file=sys.stderr)
        for mismatch in changed[:SHOWN]:
            print(f"  {mismatch}", file=sys.stderr)
        if len(changed) > SHOWN:
            print(f"  … and {len(changed) - SHOWN} more (--json lists them all)", file=sys.stderr)
    else:
        print("every answer, signature, decision and document matches its audit event")
    return 0 if ok else 1
