"""`kiosk mediate CODE propose|agree|fulfilled|failed --as USER` (PSAPL Art. 9; password on
standard input)."""

from __future__ import annotations

import argparse

from kiosk.cases import find_case
from kiosk.cli import add_json_flag, print_json, read_password, refuse_control_characters
from kiosk.mediation import (
    BOTH_SIDES,
    agree_mediation,
    fail_mediation,
    fulfil_mediation,
    propose_mediation,
)
from kiosk.models import Mediation
from kiosk.station import open_station
from kiosk.station_time import station_iso
from kiosk.users import LoginPolicy, authenticate

STEPS = ("propose", "agree", "fulfilled", "failed")


def register(commands: argparse._SubParsersAction) -> None:
    mediate = commands.add_parser(
        "mediate", help="mediate a case (PSAPL Art. 9) as an officer: propose, record that "
        "both sides agreed, then that the agreement was kept (the case ends with no penalty) "
        "or failed (back to review); the password is read from standard input")
    mediate.add_argument("code", metavar="CODE")
    mediate.add_argument("step", choices=STEPS)
    mediate.add_argument("--as", dest="user", required=True, metavar="USER")
    mediate.add_argument("--side", action="append", choices=[s.value for s in BOTH_SIDES],
                         help="agree: only this side agreed (repeatable; default: both, as "
                              "when both sign the agreement)")
    mediate.add_argument("--terms", help="propose or agree: what was agreed (who pays what, "
                         "by when)")
    mediate.add_argument("--reason", default="", help="failed: why (no agreement, not kept)")
    add_json_flag(mediate)
    mediate.set_defaults(handler=run_mediate)


def mediation_json(mediation: Mediation | None, zone: str) -> dict[str, object] | None:
    """A mediation attempt for a program (`mediate --json`, `case show --json`)."""
    if mediation is None:
        return None
    return {"status": mediation.status, "terms": mediation.terms,
            "proposed_by": mediation.proposed_by,
            "proposed_at": station_iso(mediation.proposed_at, zone),
            "agreed": sorted(mediation.agreements), "ended_by": mediation.ended_by,
            "ended_at": station_iso(mediation.ended_at, zone),
            "failure_reason": mediation.failure_reason}


def run_mediate(args: argparse.Namespace) -> int:
    for flag, text in (("--terms", args.terms or ""), ("--reason", args.reason)):
        refuse_control_characters(text, flag)
    station = open_station()
    user = authenticate(station.database, args.user, read_password(),
                        policy=LoginPolicy.of(station.settings))
    with station.database.session() as session:
        case = find_case(session, args.code)
        if args.step == "propose":
            mediation = propose_mediation(session, case, user, terms=args.terms or "")
        elif args.step == "agree":
            mediation = agree_mediation(session, case, user,
                                        tuple(args.side or [s.value for s in BOTH_SIDES]),
                                        terms=args.terms)
        elif args.step == "fulfilled":
            mediation = fulfil_mediation(session, case, user)
        else:
            mediation = fail_mediation(session, case, user, args.reason)
        data = {"code": case.code, "status": case.status,
                "mediation": mediation_json(mediation, station.settings.timezone)}
    if args.json:
        print_json(data)
    else:
        print(f"{data['code']}: {data['status']} (mediation {mediation.status})")
    return 0
