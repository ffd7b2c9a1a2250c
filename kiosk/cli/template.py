"""`kiosk template validate|list|show|publish|sample`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli import add_json_flag, print_json
from kiosk.samples import sample_answers
from kiosk.station import open_station
from kiosk.template_loader import TemplateInvalid, load_template_file
from kiosk.template_model import Template, text_in
from kiosk.template_store import get_version, list_versions, publish_template, template_of


def register(commands: argparse._SubParsersAction) -> None:
    template = commands.add_parser("template", help="interview templates")
    sub = template.add_subparsers(dest="template_command", metavar="ACTION", required=True)

    validate = sub.add_parser("validate", help="check template files; exit 1 with the errors")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.set_defaults(handler=run_validate)

    listing = sub.add_parser("list", help="published templates and their versions")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    show = sub.add_parser("show", help="one published template")
    show.add_argument("template_id", metavar="ID")
    show.add_argument("--version", type=int)
    show.add_argument("--language", default="zh")
    add_json_flag(show)
    show.set_defaults(handler=run_show)

    publish = sub.add_parser("publish", help="validate a file and publish it as a new version")
    publish.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    publish.set_defaults(handler=run_publish)

    sample = sub.add_parser("sample", help="print a complete, valid answers file (JSON) for the "
                            "latest version, as `kiosk submit` reads it")
    sample.add_argument("template_id", metavar="ID")
    sample.add_argument("--language", default="zh")
    sample.set_defaults(handler=run_sample)


def run_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.paths:
        try:
            template = load_template_file(path)
        except TemplateInvalid as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        else:
            questions = sum(1 for _ in template.top_questions())
            print(f"{path}: ok ({template.id} v{template.version}, {questions} questions)")
    return 1 if failed else 0


def run_list(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        rows = list_versions(session)
    templates: dict[str, dict] = {}
    for row in rows:
        entry = templates.setdefault(row.template_id, {"id": row.template_id, "versions": []})
        entry["title"] = row.title
        entry["versions"].append(row.version)
        if not row.is_retired:
            entry["latest"] = row.version
    if args.json:
        print_json([{"id": t["id"], "title": t["title"], "versions": t["versions"],
                     "latest": t.get("latest")} for t in templates.values()])
        return 0
    if not templates:
        print("no published templates (run `kiosk db upgrade` to publish the shipped ones)")
    for t in templates.values():
        versions = ", ".join(str(v) for v in t["versions"])
        print(f"{t['id']:<20} {text_in(t['title'], 'zh')} / {text_in(t['title'], 'en')}  "
              f"versions {versions}")
    return 0


def describe(template: Template, language: str) -> dict:
    """A template as JSON: what an officer or admin wants to see of it."""
    return {
        "id": template.id, "version": template.version, "languages": list(template.languages),
        "title": dict(template.title), "legal_basis": dict(template.legal_basis),
        "sections": [{
            "id": section.id, "title": text_in(section.title, language),
            "questions": [{
                "id": q.id, "type": q.type.value, "prompt": text_in(q.prompt, language),
                "required": q.required,
                **({"show_if": q.show_if.source} if q.show_if else {}),
                **({"questions": [s.id for s in q.questions]} if q.questions else {}),
            } for q in section.questions],
        } for section in template.sections],
        "exclusions": [{"id": e.id, "when": e.when.source, "reason": text_in(e.reason, language)}
                       for e in template.exclusions],
    }


def run_show(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        row = get_version(session, args.template_id, args.version)
    template = template_of(row)
    data = describe(template, args.language)
    if args.json:
        print_json(data)
        return 0
    print(f"{template.id} v{template.version}: {text_in(template.title, args.language)}")
    print(f"  {text_in(template.legal_basis, args.language)}")
    for section in data["sections"]:
        print(f"\n[{section['id']}] {section['title']}")
        for q in section["questions"]:
            condition = f"   (if {q['show_if']})" if "show_if" in q else ""
            print(f"  {q['id']:<28} {q['type']:<18} {q['prompt']}{condition}")
    if data["exclusions"]:
        print("\nexclusions (end the fast-track):")
        for e in data["exclusions"]:
            print(f"  {e['id']:<20} when {e['when']}")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    station = open_station()
    for path in args.paths:
        with station.database.session() as session:
            result = publish_template(session, path, actor="cli")
            row = result.row
            state = "published" if result.is_new else "already published"
            print(f"{row.template_id} v{row.version}: {state}")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        row = get_version(session, args.template_id)
    print_json(sample_answers(template_of(row), args.language, today=station.today()))
    return 0
