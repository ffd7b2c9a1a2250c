"""`kiosk evidence add|list|export`: a case's evidence items from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cases import find_case
from kiosk.cli import add_json_flag, print_json, read_password, refuse_control_characters
from kiosk.evidence import EvidenceView, add_evidence, evidence_of, export_item, find_item
from kiosk.evidence_kinds import EvidenceKind, EvidenceSource
from kiosk.station import open_station
from kiosk.station_time import listing_time, station_iso
from kiosk.users import LoginPolicy, authenticate


def register(commands: argparse._SubParsersAction) -> None:
    evidence = commands.add_parser("evidence", help="a case's evidence items (photos, clips, "
                                   "scans, receipts)")
    sub = evidence.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)

    adding = sub.add_parser("add", help="add a file to a case's evidence as an officer (the "
                            "password is read as one line from standard input)")
    adding.add_argument("code", metavar="CODE")
    adding.add_argument("file", type=Path, metavar="FILE")
    adding.add_argument("--kind", required=True, choices=[k.value for k in EvidenceKind])
    adding.add_argument("--source", default=EvidenceSource.OFFICER.value,
                        choices=[s.value for s in EvidenceSource],
                        help="who gave it: an officer's own file (default), the kiosk's or "
                             "desk's camera, or the party (never counts as other evidence, "
                             "PSAPL Art. 111)")
    adding.add_argument("--as", dest="user", required=True, metavar="USER")
    add_json_flag(adding)
    adding.set_defaults(handler=run_add)

    listing = sub.add_parser("list", help="a case's evidence items, each with its SHA-256")
    listing.add_argument("code", metavar="CODE")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    export = sub.add_parser("export", help="write one item's file out, by (the start of) its "
                            "SHA-256")
    export.add_argument("code", metavar="CODE")
    export.add_argument("sha256", metavar="SHA")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=run_export)


def item_json(item: EvidenceView, zone: str) -> dict[str, Any]:
    """One item for a program (`evidence list --json`, `case show --json`), in station time."""
    return {"sha256": item.sha256, "kind": item.kind, "source": item.source,
            "added_by": item.added_by, "added_at": station_iso(item.added_at, zone),
            "size": item.size, "media_type": item.media_type, "name": item.name}


def run_add(args: argparse.Namespace) -> int:
    refuse_control_characters(str(args.file), "FILE")
    station = open_station()
    user = authenticate(station.database, args.user, read_password(),
                        policy=LoginPolicy.of(station.settings))
    with station.database.session() as session:
        case = find_case(session, args.code)
        item = add_evidence(session, case, user, args.file, kind=args.kind,
                            settings=station.settings, source=args.source)
        sha256, code = item.sha256, case.code
    if args.json:
        print_json({"code": code, "sha256": sha256, "kind": args.kind, "source": args.source})
    else:
        print(f"{code}: {args.kind} added, sha256 {sha256}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    station = open_station()
    zone = station.settings.timezone
    with station.database.session(readonly=True) as session:
        items = evidence_of(session, find_case(session, args.code))
    if args.json:
        print_json([item_json(item, zone) for item in items])
        return 0
    if not items:
        print("no evidence")
    for item in items:
        print(f"{item.short_hash}  {item.kind:<9} {item.source:<13} {item.added_by:<12} "
              f"{listing_time(item.added_at, zone)}  {item.size:>10,} B  {item.media_type}"
              + (f"  {item.name}" if item.name else ""))
    return 0


def run_export(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        item = find_item(session, find_case(session, args.code), args.sha256)
        export_item(session, item, args.out)
    print(f"{args.out}: {item.kind}, {item.size:,} bytes, sha256 {item.sha256}")
    return 0
