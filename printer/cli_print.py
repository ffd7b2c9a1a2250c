"""`kiosk print CODE [--doc KIND]`, `kiosk print status`, `kiosk print retry JOB_ID`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from kiosk.cli import add_json_flag, print_json
from kiosk.station import Station, open_station
from kiosk.station_time import listing_time, station_iso
from printer.backends import PrintError, configured_printer
from printer.queue import (
    FAILED,
    QUEUED,
    JobView,
    PrintQueueError,
    job_views,
    poll,
    print_case,
    process,
    resend,
)

USAGE = """kiosk print CODE [--doc KIND] [--json]
       kiosk print status [--limit N] [--json]
       kiosk print retry JOB_ID [--json]"""
DEFAULT_STATUS_LIMIT = 50


def register(commands: argparse._SubParsersAction) -> None:
    """Adds `kiosk print` to the command line (entry point `kiosk.commands`)."""
    printing = commands.add_parser(
        "print", usage=USAGE, help="print a case's documents; status and retry of print jobs",
        description="Queues a case's stored documents for this machine's printer and sends "
        "them (exit 1 if a job failed); `status` lists the print jobs of every machine; `retry` "
        "re-sends a failed job, or one waiting for another printer, to this machine's printer. "
        "A failed job keeps its document and is retried by itself for a while, by a machine "
        "that prints to its printer.")
    # CODE and the actions share one position: a case code is 27 digits, never a word.
    printing.add_argument("words", nargs="+", metavar="CODE|status|retry JOB_ID")
    printing.add_argument("--doc", metavar="KIND",
                          help="only this document (e.g. statement, decision)")
    printing.add_argument("--limit", type=int, default=DEFAULT_STATUS_LIMIT, metavar="N",
                          help=f"status: the newest N jobs (default {DEFAULT_STATUS_LIMIT})")
    add_json_flag(printing)
    printing.set_defaults(handler=run_print, usage_error=printing.error)


def run_print(args: argparse.Namespace) -> int:
    """Dispatches `kiosk print` to printing a case, listing jobs or re-sending one."""
    usage_error: Callable[[str], None] = args.usage_error
    action, *rest = args.words
    if action in ("status", "retry") and args.doc is not None:
        usage_error(f"--doc does not apply to `print {action}`")
    try:
        if action == "status":
            if rest:
                usage_error("`print status` takes no further arguments")
            return show_status(open_station(), limit=args.limit, as_json=args.json)
        if action == "retry":
            if len(rest) != 1 or not rest[0].isdigit():
                usage_error("`print retry` needs one JOB_ID (a number from `print status`)")
            return retry_job(open_station(), int(rest[0]), as_json=args.json)
        if rest:
            usage_error(f"unexpected {' '.join(rest)!r} after the case code")
        station = open_station()
        jobs = print_case(station, action, args.doc, actor="cli")
    except (PrintError, PrintQueueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return report(jobs, station.settings.timezone, as_json=args.json)


def show_status(station: Station, *, limit: int, as_json: bool) -> int:
    """Lists the newest print jobs of every printer, after asking this machine's printer about
    its jobs still out."""
    try:
        here: str | None = configured_printer(station.settings)
    except PrintError as exc:  # the list is still worth showing
        here = None
        print(f"warning: {exc}", file=sys.stderr)
    else:
        poll(station)
    with station.database.session(readonly=True) as session:
        jobs = job_views(session, limit=limit)
    zone = station.settings.timezone
    if as_json:
        print_json([as_json_dict(job, zone) for job in jobs])
        return 0
    for job in jobs:
        print(describe(job, zone, here))
    if not jobs:
        print("no print jobs")
    return 0


def retry_job(station: Station, job_id: int, *, as_json: bool) -> int:
    """Re-sends a failed job (or one waiting for another printer) now, to this machine's
    printer; exit 1 if it fails again."""
    printer = configured_printer(station.settings)
    with station.database.session() as session:
        resend(session, job_id, printer=printer, actor="cli")
    process(station)
    with station.database.session(readonly=True) as session:
        return report(job_views(session, job_ids=[job_id]), station.settings.timezone,
                      as_json=as_json)


def report(jobs: Sequence[JobView], zone: str, *, as_json: bool) -> int:
    """Prints each job's state; 1 if any failed (its error on standard error), else 0."""
    if as_json:
        print_json([as_json_dict(job, zone) for job in jobs])
    else:
        for job in jobs:
            print(describe(job, zone), file=sys.stderr if job.status == FAILED else sys.stdout)
    return 1 if any(job.status == FAILED for job in jobs) else 0


def as_json_dict(job: JobView, zone: str) -> dict[str, Any]:
    """A job for `--json`: its moments in ISO 8601 with the station's offset."""
    data = job.as_dict()
    return {key: station_iso(value, zone) if isinstance(value, datetime) else value
            for key, value in data.items()}


def describe(job: JobView, zone: str, here: str | None = None) -> str:
    """One line about a job: id, case, kind, printer, state, attempts and the last error; and,
    for a job waiting for a printer other than `here` (this machine's), how to print it here."""
    line = (f"job {job.id}  {job.case_code}  {job.kind}  {job.printer}  {job.status}"
            + (f" ({job.external_id})" if job.external_id and job.status != FAILED else "")
            + f"  attempts {job.attempts}")
    if job.status == FAILED:
        then = (f"retried by itself at "
                f"{listing_time(job.next_attempt_at, zone, '%Y-%m-%d %H:%M:%S')}"
                if job.will_retry and job.next_attempt_at is not None
                else f"no more automatic retries: `kiosk print retry {job.id}`")
        line += f"  error: {job.last_error}; {then}"
    if here is not None and job.printer != here and job.status in (QUEUED, FAILED):
        line += (f"  (waits for a machine that prints to {job.printer}; "
                 f"`kiosk print retry {job.id}` sends it to this machine's printer)")
    return line
