"""`kiosk case open|list|show|detention|add-person|resolve` and `kiosk submit`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kiosk.answers_file import read_answers_file, submit_answers, submit_person_answers
from kiosk.audit import case_events
from kiosk.cases import (
    ARRIVAL_LABELS,
    ArrivalMode,
    CaseError,
    answer_history,
    deadlines,
    find_case,
    interview_of,
    list_cases,
    open_case,
    set_detention_possible,
)
from kiosk.cli import add_json_flag, print_json, refuse_control_characters
from kiosk.cli.evidence import item_json
from kiosk.cli.mediation import mediation_json
from kiosk.cli.persons import persons_json, register_case_actions
from kiosk.evidence import evidence_of
from kiosk.hooks import SUBMITTED, notify
from kiosk.mediation import current_mediation
from kiosk.models import Case
from kiosk.penalty_notice import notice_summary, notices_of
from kiosk.recording.store import case_sessions, recording_problems
from kiosk.review import open_comments, review_actions
from kiosk.states import FINAL, LABELS, CaseStatus
from kiosk.station import Station, open_station
from kiosk.station_time import listing_time, station_iso
from kiosk.template_model import text_in


def register(commands: argparse._SubParsersAction) -> None:
    case = commands.add_parser("case", help="fast-track cases")
    sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    opening = sub.add_parser("open", help="open a case for a party; prints the case code and "
                             "the start code the party types at the kiosk")
    opening.add_argument("--template", required=True, metavar="ID")
    opening.add_argument("--name", required=True, help="the party's name")
    opening.add_argument("--arrived", metavar="TIME",
                         help="arrival time, e.g. 2026-11-25T09:30 (station time; default now)")
    opening.add_argument("--came", default=ArrivalMode.CAME_IN.value,
                         choices=[m.value for m in ArrivalMode], help="how the party came")
    opening.add_argument("--language", help="the kiosk language to start in")
    add_json_flag(opening)
    opening.set_defaults(handler=run_open)

    listing = sub.add_parser("list", help="cases, newest arrival first")
    listing.add_argument("--status", choices=[s.value for s in CaseStatus])
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    show = sub.add_parser("show", help="one case: party, answers, statement, review, audit")
    show.add_argument("code", metavar="CODE")
    show.add_argument("--language", default="zh")
    add_json_flag(show)
    show.set_defaults(handler=run_show)

    detention = sub.add_parser(
        "detention", help="mark whether detention is possible: questioning may then last "
        "questioning_limit_detention_hours instead of questioning_limit_hours (audited; not "
        "once the case is decided)")
    detention.add_argument("code", metavar="CODE")
    detention.add_argument("possible", choices=["possible", "not-possible"])
    register_case_actions(sub)
    add_json_flag(detention)
    detention.set_defaults(handler=run_detention)


def register_submit(commands: argparse._SubParsersAction) -> None:
    submit = commands.add_parser("submit", help="run a whole interview from an answers file "
                                 "(as `kiosk template sample` writes) and submit it")
    submit.add_argument("answers", type=Path, metavar="ANSWERS.json")
    submit.add_argument("--case", metavar="CODE", help="an opened or returned case; without it "
                        "a case is opened")
    submit.add_argument("--person", metavar="START_CODE", help="submit for a victim or witness "
                        "of the case (`kiosk case add-person`), by their start code")
    add_json_flag(submit)
    submit.set_defaults(handler=run_submit)


def parse_arrival(text: str | None, station: Station) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CaseError(f"--arrived {text!r} is not a time like 2026-11-25T09:30") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(station.settings.timezone))
    try:
        moment.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00 east of Greenwich is before year 1 in UTC
        raise CaseError(f"--arrived {text!r} is out of range") from None
    return moment


def run_open(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session() as session:
        name = refuse_control_characters(args.name, "--name")
        case = open_case(session, station.settings, args.template, name,
                         arrived_at=parse_arrival(args.arrived, station), arrival_mode=args.came,
                         actor="cli", today=station.today(), language=args.language)
    if args.json:
        print_json({"id": case.id, "code": case.code, "start_code": case.start_code,
                    "status": case.status})
    else:
        print(f"case code:  {case.code}")
        print(f"start code: {case.start_code}   (the party types this at the kiosk)")
    return 0


def summary(case: Case, station: Station) -> dict[str, Any]:
    limits = deadlines(case, station.settings)
    return {
        "id": case.id, "code": case.code, "status": case.status,
        "template": case.template_version.template_id,
        "template_version": case.template_version.version,
        "party_name": case.party_name, "arrived_at": _iso(case.arrived_at, station),
        "arrival_mode": case.arrival_mode, "submitted_at": _iso(case.submitted_at, station),
        "review_level": case.review_level, "claimed_by": case.claimed_by,
        "decision_due": _iso(limits.decision_due, station),
        "detention_possible": case.detention_possible,
    }


def _iso(moment: datetime | None, station: Station) -> str | None:
    return station_iso(moment, station.settings.timezone)


def _local(moment: datetime | None, station: Station) -> str:
    return listing_time(moment, station.settings.timezone)


def run_list(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        cases = list_cases(session, args.status)
        rows = [summary(case, station) for case in cases]
        if args.json:
            print_json(rows)
            return 0
        if not cases:
            print("no cases")
        for case in cases:
            status = LABELS[CaseStatus(case.status)]["en"]
            print(f"{case.code}  {status:<12} {case.template_version.template_id:<18} "
                  f"{case.party_name:<12} arrived {_local(case.arrived_at, station)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    station = open_station()
    language = args.language
    with station.database.session(readonly=True) as session:
        case = find_case(session, args.code)
        interview = interview_of(session, case, today=station.today(),
                                 now=station.local_now().replace(tzinfo=None))
        data = summary(case, station)
        limits = deadlines(case, station.settings)
        data.update({
            "start_code": case.start_code if case.status not in FINAL else None,
            "language": case.language, "party": case.party,
            "consent_at": _iso(case.consent_at, station),
            "rights_acknowledged_at": _iso(case.rights_acknowledged_at, station),
            "interview_started_at": _iso(case.interview_started_at, station),
            "interview_ended_at": _iso(case.interview_ended_at, station),
            "questioning_ends": _iso(limits.questioning_ends, station),
            "current_path": case.current_path,
            "conversion_reason": case.conversion_reason, "decision": case.decision,
            "notice": _notice(session, case, station),
            "answers": interview.visible_answers(),
            "statement": [{"path": e.path, "heading": e.heading, "question": e.question,
                           "answer": e.answer} for e in interview.statement(language)],
            "revisions": [{"path": r.path, "revision": r.revision, "value": r.value,
                           "given_at": _iso(r.given_at, station), "given_by": r.given_by}
                          for r in answer_history(session, case.id)],
            "comments": [{"path": c.path, "text": c.text, "author": c.author,
                          "submission": c.submission} for c in open_comments(session, case)],
            "review": [{"action": a.action, "level": a.level, "role": a.role, "actor": a.actor,
                        "at": _iso(a.at, station), "details": a.details}
                       for a in review_actions(session, case)],
            "evidence": [item_json(item, station.settings.timezone)
                         for item in evidence_of(session, case)],
            "mediation": mediation_json(current_mediation(session, case),
                                        station.settings.timezone),
            **persons_json(session, case, station, language),
            "audit": [{"seq": e.seq, "at": _iso(e.at, station), "actor": e.actor,
                       "action": e.action, "payload": e.payload}
                      for e in case_events(session, case.id)],
            # PSAPL Art. 97, 108: what the approver must know before deciding.
            "recording": {"problems": recording_problems(session, case.id),
                          "sessions": len(case_sessions(session, case.id))},
        })
        template = interview.template
    if args.json:
        print_json(data)
        return 0
    status = LABELS[CaseStatus(case.status)][language if language in ("zh", "en") else "en"]
    print(f"case {case.code}  [{status}]")
    print(f"  {text_in(template.title, language)} (template {template.id} v{template.version})")
    print(f"  party: {case.party_name}"
          + (f", {case.party['document']['type']} {case.party['document']['number']}"
             if case.party.get("document") else ""))
    mode = ARRIVAL_LABELS[ArrivalMode(case.arrival_mode)][language if language == "zh" else "en"]
    print(f"  arrived {_local(case.arrived_at, station)} ({mode}); decision due "
          f"{_local(limits.decision_due, station)}")
    print(f"  questioning until {_local(limits.questioning_ends, station)} "
          f"({limits.questioning_hours} h" + ("; detention possible)"
                                              if limits.detention_possible else ")"))
    if data["start_code"]:
        print(f"  start code {case.start_code}")
    if case.conversion_reason:
        print(f"  converted: {case.conversion_reason}")
    if data["notice"] and not case.decision:
        told = data["notice"]
        print(f"  notice of the intended penalty (PSAPL Art. 112): {told['step']}"
              + (f"; argued: {told['argument']['text']}" if told["argument"] else ""))
    if case.decision:
        print(f"  decision: {case.decision}")
    problems, sessions = data["recording"]["problems"], data["recording"]["sessions"]
    print("  recording: " + (f"complete ({sessions} session{'' if sessions == 1 else 's'})"
                             if not problems else ", ".join(problems))
          + "  (kiosk recording list CODE)")
    print("\nstatement:")
    for entry in data["statement"]:
        if entry["heading"]:
            print(f"  -- {entry['heading']}")
        else:
            print(f"  问：{entry['question']}\n  答：{entry['answer']}")
    if data["comments"]:
        print("\ncomments to correct:")
        for c in data["comments"]:
            print(f"  {c['path']}: {c['text']} ({c['author']})")
    if data["evidence"]:
        print("\nevidence:")
        for item in data["evidence"]:
            print(f"  {item['sha256'][:12]}  {item['kind']:<9} {item['source']:<13} "
                  f"{item['added_by']}")
    if len(data["persons"]) > 1:
        print("\npersons:")
        for p in data["persons"]:
            print(f"  {'/'.join(p['roles']):<16} {p['name']:<12} {p['status']:<12} "
                  f"{p['template']} v{p['template_version']}"
                  + (f"  start code {p['start_code']}" if p["start_code"] else ""))
    if data["disagreements"]:
        print("\ndisagreements:")
        for d in data["disagreements"]:
            said = "; ".join(f"{c['name']}: {c['value']}" for c in d["claims"])
            print(f"  {d['fact']}: {said}"
                  + (f"  [resolved: {d['note']}]" if d["resolved"] else "  [unresolved]"))
    print("\naudit trail:")
    for e in data["audit"]:
        print(f"  #{e['seq']:<5} {_local(datetime.fromisoformat(e['at']), station)}  "
              f"{e['actor']:<12} {e['action']}")
    return 0


def _notice(session: Session, case: Case, station: Station) -> dict[str, Any] | None:
    """The latest notice of an intended penalty (PSAPL Art. 112), times in station time."""
    told = notices_of(session, case)
    data = notice_summary(told[-1] if told else None)
    if data is not None:
        for key in ("proposed_at", "answered_at"):
            data[key] = _iso(data[key], station)
    return data


def run_detention(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session() as session:
        case = find_case(session, args.code)
        set_detention_possible(session, case, station.settings, args.possible == "possible",
                               actor="cli")
        limits = deadlines(case, station.settings)
        code = case.code
    if args.json:
        print_json({"code": code, "detention_possible": limits.detention_possible,
                    "questioning_hours": limits.questioning_hours,
                    "questioning_ends": _iso(limits.questioning_ends, station)})
    else:
        print(f"{code}: detention {'possible' if limits.detention_possible else 'not possible'}; "
              f"questioning until {_local(limits.questioning_ends, station)} "
              f"({limits.questioning_hours} h)")
    return 0


def run_submit(args: argparse.Namespace) -> int:
    station = open_station()
    answers = read_answers_file(args.answers)
    if args.person:
        if not args.case:
            raise CaseError("--person needs --case: the case the person belongs to",
                            reason="person_needs_case")
        return _submit_person(station, answers, args)
    case = submit_answers(station, answers, case_code=args.case)
    if case.status == CaseStatus.SUBMITTED:
        for problem in notify(station, SUBMITTED, case.code):
            print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        print_json({"id": case.id, "code": case.code, "status": case.status,
                    "start_code": case.start_code, "conversion_reason": case.conversion_reason})
    elif case.status == CaseStatus.CONVERTED:
        print(f"{case.code}: converted to the ordinary procedure: {case.conversion_reason}")
    else:
        print(case.code)
    # Exit 3 tells a script that the case went to the ordinary procedure (written, not an error).
    return 3 if case.status == CaseStatus.CONVERTED else 0


def _submit_person(station: Station, answers: Any, args: argparse.Namespace) -> int:
    case, person = submit_person_answers(station, answers, case_code=args.case,
                                         start_code=args.person)
    if args.json:
        print_json({"id": case.id, "code": case.code, "person_id": person.id,
                    "roles": person.roles, "status": person.status,
                    "start_code": person.start_code})
    else:
        print(f"{case.code}: statement of the {' and '.join(person.roles)} submitted")
    return 0
