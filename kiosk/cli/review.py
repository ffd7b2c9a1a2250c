"""`kiosk review CODE approve|return|convert --as USER` (password on standard input)."""

from __future__ import annotations

import argparse
import sys

from kiosk.cases import CaseError, find_case
from kiosk.cli import read_password, refuse_control_characters
from kiosk.hooks import APPROVED, notify
from kiosk.review import Decision, PenaltyType, approve_level, convert_by_officer, return_case
from kiosk.station import open_station
from kiosk.users import LoginPolicy, authenticate


def register(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="decide a case as an officer (the password is "
                                 "read as one line from standard input)")
    review.add_argument("code", metavar="CODE")
    review.add_argument("action", choices=["approve", "return", "convert"])
    review.add_argument("--as", dest="user", required=True, metavar="USER")
    review.add_argument("--comment", action="append", default=[], metavar="QID=TEXT",
                        help="return: a comment on one answer (repeatable)")
    review.add_argument("--reason", help="convert: why the case goes to the ordinary procedure")
    review.add_argument("--penalty-type", choices=[kind.value for kind in PenaltyType])
    review.add_argument("--amount", type=int, help="fine in yuan")
    review.add_argument("--days", type=int, help="detention days")
    review.add_argument("--basis", default="",
                        help="the article(s) applied, as `kiosk law list` names them (51, or "
                             "51,20); empty: the case type's article")
    review.add_argument("--mitigation", action="append", default=[], metavar="GROUND",
                        help="a mitigation ground of PSAPL Art. 20 (repeatable; `kiosk law "
                             "list` names them): allows a warning or a reduced penalty")
    review.add_argument("--circumstances", default="",
                        help="aggravating and mitigating circumstances considered")
    review.add_argument("--take-over", action="store_true",
                        help="decide a case another officer is reviewing (recorded)")
    review.set_defaults(handler=run_review)


def parse_comments(items: list[str]) -> dict[str, str]:
    comments: dict[str, str] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise CaseError(f"--comment {item!r} must look like QUESTION_ID=TEXT")
        comments[path.strip()] = text
    return comments


def run_review(args: argparse.Namespace) -> int:
    for flag, text in (("--reason", args.reason or ""), ("--basis", args.basis),
                       ("--circumstances", args.circumstances), *(("--comment", c)
                                                                   for c in args.comment)):
        refuse_control_characters(text, flag)
    station = open_station()
    password = read_password()
    user = authenticate(station.database, args.user, password,
                        policy=LoginPolicy.of(station.settings))
    today, now = station.today(), station.local_now().replace(tzinfo=None)
    with station.database.session() as session:
        case = find_case(session, args.code)
        if args.action == "approve":
            decision = None
            if args.penalty_type:
                decision = Decision(args.penalty_type, args.basis, args.circumstances,
                                    args.amount, args.days, tuple(args.mitigation))
            approve_level(session, case, user, station.settings, decision=decision,
                          take_over=args.take_over)
        elif args.action == "return":
            return_case(session, case, user, parse_comments(args.comment), today=today, now=now,
                        take_over=args.take_over)
        else:
            convert_by_officer(session, case, user, args.reason or "")
        status, level, case_code = case.status, case.review_level, case.code
    if status == "approved":
        for problem in notify(station, APPROVED, case_code):
            print(f"warning: {problem}", file=sys.stderr)
    chain = station.settings.review_chain
    if status == "in_review":
        print(f"{args.code}: level {level} of {len(chain)} approved; next: {chain[level]}")
    else:
        print(f"{args.code}: {status}")
    return 0
