"""`kiosk case add-person|resolve` and what `kiosk case show` lists of persons and disagreements.

A case's persons besides its party (victims, witnesses: kiosk/persons.py) and the disagreements
of their statements on shared facts (kiosk/facts.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from kiosk.cases import find_case
from kiosk.cli import add_json_flag, print_json, read_password, refuse_control_characters
from kiosk.facts import Disagreement, disagreements, resolve_disagreement
from kiosk.models import Case
from kiosk.persons import Role, add_person, everyone, person_interview, persons_of
from kiosk.station import Station, open_station
from kiosk.station_time import station_iso
from kiosk.users import LoginPolicy, authenticate


def register_case_actions(sub: argparse._SubParsersAction) -> None:
    adding = sub.add_parser("add-person", help="add a victim or a witness to a case; prints "
                            "their start code (they type it at the kiosk)")
    adding.add_argument("code", metavar="CODE")
    adding.add_argument("--role", required=True, choices=[Role.VICTIM.value,
                                                          Role.WITNESS.value])
    adding.add_argument("--template", required=True, metavar="ID",
                        help="a template for that role (`kiosk template list` shows roles)")
    adding.add_argument("--name", required=True, help="the person's name")
    adding.add_argument("--also-offender", action="store_true",
                        help="a victim who also hit (a mutual fight, 互殴)")
    adding.add_argument("--language", help="the kiosk language to start in")
    add_json_flag(adding)
    adding.set_defaults(handler=run_add_person)

    resolve = sub.add_parser("resolve", help="mark a disagreement on a shared fact as looked "
                             "into, with a note (the password is read from standard input)")
    resolve.add_argument("code", metavar="CODE")
    resolve.add_argument("fact", metavar="FACT", help="the shared fact, e.g. facts.blows")
    resolve.add_argument("--note", required=True)
    resolve.add_argument("--as", dest="user", required=True, metavar="USER")
    add_json_flag(resolve)
    resolve.set_defaults(handler=run_resolve)


def run_add_person(args: argparse.Namespace) -> int:
    station = open_station()
    name = refuse_control_characters(args.name, "--name")
    with station.database.session() as session:
        case = find_case(session, args.code)
        person = add_person(session, station.settings, case, args.role, args.template, name,
                            actor="cli", also_offender=args.also_offender,
                            language=args.language)
        data = {"code": case.code, "person_id": person.id, "roles": person.roles,
                "start_code": person.start_code, "template": args.template,
                "status": person.status}
    if args.json:
        print_json(data)
    else:
        print(f"start code: {data['start_code']}   ({args.role}; the person types this at the "
              f"kiosk)")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    note = refuse_control_characters(args.note, "--note")
    station = open_station()
    user = authenticate(station.database, args.user, read_password(),
                        policy=LoginPolicy.of(station.settings))
    with station.database.session() as session:
        case = find_case(session, args.code)
        resolved = resolve_disagreement(session, case, args.fact, note, actor=user.username)
        data = disagreement_json(resolved, station.settings.timezone)
    if args.json:
        print_json(data)
    else:
        print(f"{args.code}: {args.fact} resolved")
    return 0


def disagreement_json(found: Disagreement, timezone: str) -> dict[str, Any]:
    resolution = found.resolution
    return {
        "fact": found.fact,
        "claims": [{"person_id": c.person_id, "name": c.name, "path": c.path, "value": c.value}
                   for c in found.claims],
        "resolved": resolution is not None,
        "note": resolution.note if resolution else None,
        "resolved_by": resolution.resolved_by if resolution else None,
        "resolved_at": station_iso(resolution.resolved_at, timezone) if resolution else None,
    }


def persons_json(session: Session, case: Case, station: Station,
                 language: str) -> dict[str, Any]:
    """The `persons` and `disagreements` of `kiosk case show --json`: each person with their
    answers and statement (the party's are the case's own `answers` and `statement`)."""
    clock = {"today": station.today(), "now": station.local_now().replace(tzinfo=None)}
    added = {p.id: p for p in persons_of(session, case)}
    persons = []
    for info in everyone(session, case):
        entry: dict[str, Any] = {
            "person_id": info.person_id, "roles": list(info.roles), "name": info.name,
            "status": info.status, "template": info.template,
            "template_version": info.template_version, "start_code": info.start_code}
        if info.person_id is not None:
            person = added[info.person_id]
            interview = person_interview(session, person, **clock)
            entry.update({
                "identity": person.identity, "notice": person.notice,
                "submitted_at": station_iso(person.submitted_at, station.settings.timezone),
                "answers": interview.visible_answers(),
                "statement": [{"path": e.path, "heading": e.heading, "question": e.question,
                               "answer": e.answer} for e in interview.statement(language)]})
        persons.append(entry)
    return {
        "persons": persons,
        "disagreements": [disagreement_json(d, station.settings.timezone)
                          for d in disagreements(session, case)],
    }
