"""`kiosk recording list|verify|export CODE`: a case's audio and video recording (PSAPL Art. 97)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cases import find_case
from kiosk.cli import add_json_flag, print_json
from kiosk.recording.store import case_sessions, verify_recording
from kiosk.station import open_station
from kiosk.station_time import listing_time


def register(commands: argparse._SubParsersAction) -> None:
    recording = commands.add_parser("recording", help="a case's audio and video recording")
    sub = recording.add_subparsers(dest="recording_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the recording sessions of a case, with their gaps")
    listing.add_argument("code", metavar="CODE", help="case code or id")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    verify = sub.add_parser("verify", help="check every segment against the audit chain")
    verify.add_argument("code", metavar="CODE")
    verify.set_defaults(handler=run_verify)
    export = sub.add_parser("export", help="one playable file per session and an index.json "
                            "of the answers at their offsets")
    export.add_argument("code", metavar="CODE")
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    export.set_defaults(handler=run_export)


def run_list(args: argparse.Namespace) -> int:
    from kiosk.recording.export import summary_json

    station = open_station()
    zone = station.settings.timezone
    with station.database.session(readonly=True) as session:
        case = find_case(session, args.code)
        summaries = case_sessions(session, case.id)
        code = case.code
    if args.json:
        print_json([summary_json(s, zone) for s in summaries])
        return 0
    if not summaries:
        print(f"{code}: no recording")
    for s in summaries:
        ended = listing_time(s.ended_at, zone, "%Y-%m-%d %H:%M:%S")
        duration = f"{s.duration_s:.1f} s" if s.duration_s is not None else "unfinished"
        print(f"{s.id}  {s.purpose:<10} {listing_time(s.started_at, zone, '%Y-%m-%d %H:%M:%S')}"
              f" – {ended}  {duration}  {s.segments} segments  {s.end_cause or 'recording'}"
              f"  {s.machine}")
        for gap in s.gaps:
            print(f"    gap {listing_time(gap.from_at, zone, '%H:%M:%S')} – "
                  f"{listing_time(gap.to_at, zone, '%H:%M:%S')} ({gap.seconds:.1f} s): "
                  f"{gap.cause}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        case = find_case(session, args.code)
        problems = verify_recording(session, case.id)
        count = sum(s.segments for s in case_sessions(session, case.id))
    if not problems and count == 0:
        print(f"{case.code}: no recording to verify")
        return 0
    if not problems:
        print(f"{case.code}: recording intact: {count} segments match the audit chain")
        return 0
    first = problems[0]
    print(f"{case.code}: recording BROKEN: segment {first.index} of session {first.session_id} "
          f"is {first.problem.replace('_', ' ')}"
          + (f" ({len(problems) - 1} more)" if len(problems) > 1 else ""), file=sys.stderr)
    return 1


def run_export(args: argparse.Namespace) -> int:
    from kiosk.recording.export import export_case

    station = open_station()
    with station.database.session(readonly=True) as session:
        case = find_case(session, args.code)
        exported, index = export_case(session, case.id, args.out,
                                      zone=station.settings.timezone)
    for item in exported:
        print(f"{item.path}  ({item.segments} segments)")
    print(index)
    return 0
