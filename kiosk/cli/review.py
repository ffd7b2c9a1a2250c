"""`kiosk review CODE approve|propose|answer-argument|return|convert --as USER` (password on
standard input), and the party's answer to a proposal, `kiosk notice START_CODE accept|argue`.

A penalty is decided in three steps (PSAPL Art. 112): the last level proposes it, the party
answers the notice (at the kiosk, or `kiosk notice`), an officer answers any argument, and then
`approve` decides the proposal. A decision not to penalise is approved directly.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.cases import CaseError, find_case
from kiosk.cli import notice, read_password, refuse_control_characters
from kiosk.hooks import APPROVED, notify
from kiosk.penalty_notice import answer_argument, propose
from kiosk.review import (
    Decision,
    PenaltyType,
    approve_level,
    chain_of,
    convert_by_officer,
    return_case,
)
from kiosk.station import open_station
from kiosk.users import LoginPolicy, authenticate


def register(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="decide a case as an officer (the password is "
                                 "read as one line from standard input)")
    review.add_argument("code", metavar="CODE")
    review.add_argument("action", choices=["approve", "propose", "answer-argument", "return",
                                           "convert"])
    review.add_argument("--as", dest="user", required=True, metavar="USER")
    review.add_argument("--comment", action="append", default=[], metavar="QID=TEXT",
                        help="return: a comment on one answer (repeatable)")
    review.add_argument("--reason", help="convert: why the case goes to the ordinary procedure")
    review.add_argument("--penalty-type", choices=[kind.value for kind in PenaltyType])
    review.add_argument("--amount", type=int, help="fine in yuan")
    review.add_argument("--days", type=int, help="detention days")
    review.add_argument("--offset-days", type=int, metavar="N",
                        help="days already held for this act that count against the detention "
                             "(PSAPL Art. 110), at most the whole days held since the arrival")
    review.add_argument("--basis", default="",
                        help="the article(s) applied, as `kiosk law list` names them (51, or "
                             "51,20); empty: the case type's article")
    review.add_argument("--mitigation", action="append", default=[], metavar="GROUND",
                        help="a mitigation ground of PSAPL Art. 20 (repeatable; `kiosk law "
                             "list` names them): allows a warning or a reduced penalty")
    review.add_argument("--circumstances", default="",
                        help="aggravating and mitigating circumstances considered")
    review.add_argument("--text", default="",
                        help="answer-argument: the officer's answer to the party's argument")
    review.add_argument("--take-over", action="store_true",
                        help="decide a case another officer is reviewing (recorded)")
    review.set_defaults(handler=run_review)
    # The party's side of a proposal; registered here so that it comes with `review`.
    notice.register(commands)


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
                       ("--circumstances", args.circumstances), ("--text", args.text),
                       *(("--comment", c) for c in args.comment)):
        refuse_control_characters(text, flag)
    station = open_station()
    password = read_password()
    user = authenticate(station.database, args.user, password,
                        policy=LoginPolicy.of(station.settings))
    today, now = station.today(), station.local_now().replace(tzinfo=None)
    decision = None
    if args.penalty_type:
        decision = Decision(args.penalty_type, args.basis, args.circumstances, args.amount,
                            args.days, tuple(args.mitigation), offset_days=args.offset_days)
    with station.database.session() as session:
        case = find_case(session, args.code)
        if args.action == "approve":
            approve_level(session, case, user, station.settings, decision=decision,
                          take_over=args.take_over)
        elif args.action == "propose":
            if decision is None:
                raise CaseError("a proposal needs the penalty: --penalty-type, --amount or "
                                "--days, --basis and --circumstances",
                                reason="decision_missing")
            propose(session, case, user, station.settings, decision, take_over=args.take_over)
            print(f"{args.code}: penalty proposed; the party answers the notice at the kiosk "
                  f"with start code {case.start_code} (kiosk notice {case.start_code} "
                  f"accept|argue)")
            return 0
        elif args.action == "answer-argument":
            answer_argument(session, case, user, station.settings, args.text,
                            take_over=args.take_over)
            print(f"{args.code}: argument answered; the proposal may now be decided (approve)")
            return 0
        elif args.action == "return":
            return_case(session, case, user, parse_comments(args.comment), today=today, now=now,
                        take_over=args.take_over)
        else:
            convert_by_officer(session, case, user, args.reason or "")
        status, level, case_code = case.status, case.review_level, case.code
        chain = chain_of(session, case, station.settings)  # with the county level, Art. 109
    if status == "approved":
        for problem in notify(station, APPROVED, case_code):
            print(f"warning: {problem}", file=sys.stderr)
    if status == "in_review":
        print(f"{args.code}: level {level} of {len(chain)} approved; next: {chain[level]}")
    else:
        print(f"{args.code}: {status}")
    return 0
