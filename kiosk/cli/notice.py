"""`kiosk notice START_CODE accept | argue --text T`: the party's answer to the notice of an
intended penalty (PSAPL Art. 112), the headless twin of the kiosk's notice screen."""

from __future__ import annotations

import argparse

from kiosk.cases import CaseError
from kiosk.cli import refuse_control_characters
from kiosk.party import PartySession
from kiosk.penalty_notice import GROUNDS
from kiosk.station import open_station


def register(commands: argparse._SubParsersAction) -> None:
    notice = commands.add_parser("notice", help="the party's answer to the notice of an "
                                 "intended penalty: accept it, or state and argue")
    notice.add_argument("start_code", metavar="START_CODE")
    notice.add_argument("answer", choices=["accept", "argue"])
    notice.add_argument("--text", default="", help="argue: what the party states and argues")
    notice.add_argument("--ground", action="append", default=[], choices=list(GROUNDS),
                        help="argue: what the party disputes (repeatable)")
    notice.set_defaults(handler=run_notice)


def run_notice(args: argparse.Namespace) -> int:
    refuse_control_characters(args.text, "--text")
    accepts = args.answer == "accept"
    if accepts and (args.text or args.ground):
        raise CaseError("--text and --ground go with argue, not with accept",
                        reason="accept_with_argument")
    station = open_station()
    party = PartySession.resume(station, args.start_code)
    party.answer_notice(accepts, grounds=args.ground, text=args.text, via="cli")
    if accepts:
        print("notice accepted; the officer may now decide")
    else:
        print("argument recorded; an officer answers it before the decision")
    return 0
