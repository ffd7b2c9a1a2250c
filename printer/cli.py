"""`kiosk documents CODE --out DIR` and `kiosk verify FILE.pdf`, registered by the printer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.station import open_station
from printer.decision import KINDS as DECISION_KINDS
from printer.documents import export_documents, verify_file
from printer.mediation import KIND as MEDIATION_KIND
from printer.mediation import RECORD as MEDIATION_RECORD


def register_documents(commands: argparse._SubParsersAction) -> None:
    documents = commands.add_parser("documents", help="export a case's documents as PDFs")
    documents.add_argument("code", metavar="CODE")
    documents.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    documents.set_defaults(handler=run_documents)


def register_verify(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser("verify", help="check a printed or exported PDF against the "
                                 "stored record (exit 1 if it does not match)")
    verify.add_argument("pdf", type=Path, metavar="FILE.pdf")
    verify.set_defaults(handler=run_verify)


def run_documents(args: argparse.Namespace) -> int:
    station = open_station()
    written, pending = export_documents(station, args.code, args.out)
    for path in written:
        print(path)
    for kind in pending:
        when = ("the case is approved" if kind in DECISION_KINDS
                else "both sides agree" if kind == MEDIATION_KIND
                else "the mediation ends" if kind == MEDIATION_RECORD else "the party signs")
        print(f"{kind}: pending (made when {when})")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    if not args.pdf.exists():
        print(f"error: {args.pdf} does not exist", file=sys.stderr)
        return 1
    verdict = verify_file(open_station(), args.pdf)
    print(verdict.message, file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1
