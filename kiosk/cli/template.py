"""`kiosk template validate|list|show|publish|sample`, and versioned editing:
`export|import|drafts|publish-draft|approve-draft|discard-draft|retire|restore|diff`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from kiosk.cli import add_json_flag, print_json, read_password
from kiosk.models import User
from kiosk.samples import sample_answers
from kiosk.station import Station, open_station
from kiosk.station_time import listing_time, station_iso
from kiosk.template_drafts import (
    DraftError,
    approve_publication,
    diff_versions,
    discard_draft,
    draft_info,
    export_version,
    import_draft,
    list_drafts,
    publish_draft,
    require_admin,
    restore_version,
    retire_version,
    version_for_new_cases,
)
from kiosk.template_loader import TemplateInvalid, load_template_file, read_template_source
from kiosk.template_model import Template, text_in
from kiosk.template_store import (
    TemplateNotFound,
    get_version,
    list_versions,
    publish_template,
    template_of,
)
from kiosk.users import LoginPolicy, authenticate


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

    export = sub.add_parser("export", help="a published version's YAML exactly as stored")
    export.add_argument("template_id", metavar="ID")
    export.add_argument("--version", type=int, help="default: the version new cases use")
    export.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write to FILE instead of standard output")
    export.set_defaults(handler=run_export)

    imported = sub.add_parser("import", help="validate a file and store it as the draft of the "
                              "template it names (its version must be the next one)")
    imported.add_argument("path", type=Path, metavar="FILE")
    imported.add_argument("--replace", action="store_true",
                          help="replace the template's draft if it has one")
    imported.set_defaults(handler=run_import)

    drafts = sub.add_parser("drafts", help="the open drafts and whether they validate")
    add_json_flag(drafts)
    drafts.set_defaults(handler=run_drafts)

    for name, handler, text in (
            ("publish-draft", run_publish_draft, "publish a template's draft as its next "
             "version (with template_four_eyes: ask a second admin to approve)"),
            ("approve-draft", run_approve_draft, "approve, as a second admin, the publication "
             "another admin asked for"),
            ("discard-draft", run_discard_draft, "throw a template's draft away")):
        command = sub.add_parser(name, help=text + "; the password is read from standard input")
        command.add_argument("template_id", metavar="ID")
        command.add_argument("--as", dest="user", required=True, metavar="ADMIN")
        command.set_defaults(handler=handler)

    for name, handler, text in (
            ("retire", run_retire, "new cases stop using a version (cases opened on it keep "
             "it)"),
            ("restore", run_restore, "undo retire")):
        command = sub.add_parser(name, help=text + "; the password is read from standard input")
        command.add_argument("template_id", metavar="ID")
        command.add_argument("version", type=int, metavar="VERSION")
        command.add_argument("--as", dest="user", required=True, metavar="ADMIN")
        command.set_defaults(handler=handler)

    diff = sub.add_parser("diff", help="compare two versions (or a version and the draft): "
                          "what changed by id, then the YAML lines")
    diff.add_argument("template_id", metavar="ID")
    diff.add_argument("old", metavar="A", help="a version number, or 'draft'")
    diff.add_argument("new", metavar="B", help="a version number, or 'draft'")
    add_json_flag(diff)
    diff.set_defaults(handler=run_diff)


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
        entry = templates.setdefault(row.template_id, {"id": row.template_id, "versions": [],
                                                       "retired": []})
        entry["title"] = row.title
        entry["role"] = template_of(row).role  # whose interview (kiosk/persons.py)
        entry["versions"].append(row.version)
        if row.is_retired:
            entry["retired"].append(row.version)
        if not row.is_retired:
            entry["latest"] = row.version
    if args.json:
        print_json([{"id": t["id"], "title": t["title"], "role": t["role"],
                     "versions": t["versions"],
                     "retired": t["retired"], "latest": t.get("latest")}
                    for t in templates.values()])
        return 0
    if not templates:
        print("no published templates (run `kiosk db upgrade` to publish the shipped ones)")
    for t in templates.values():
        versions = ", ".join(f"{v}{' (retired)' if v in t['retired'] else ''}"
                             for v in t["versions"])
        print(f"{t['id']:<22} {t['role']:<9} {text_in(t['title'], 'zh')} / "
              f"{text_in(t['title'], 'en')}  versions {versions}")
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
    if station.settings.template_four_eyes:
        raise DraftError("the station publishes templates with four eyes (template_four_eyes): "
                         "import the file as a draft (`kiosk template import FILE`), then "
                         "`kiosk template publish-draft ID --as ADMIN` and a second admin's "
                         "`approve-draft`")
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


def run_export(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        source = export_version(session, args.template_id, args.version)
        version = get_version(session, args.template_id, args.version).version
    if args.output is None:
        sys.stdout.write(source)
        return 0
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(source)  # byte for byte: no line-ending translation
    print(f"{args.output}: {args.template_id} v{version}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    station = open_station()
    source = read_template_source(args.path)
    with station.database.session() as session:
        draft = import_draft(session, source, actor="cli", filename=str(args.path),
                             replace=args.replace)
        template_id, base = draft.template_id, draft.base_version
    after = f"after v{base}" if base else "a new template"
    print(f"{template_id}: draft stored from {args.path} ({after}); publish it with "
          f"`kiosk template publish-draft {template_id} --as ADMIN`")
    return 0


def run_drafts(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        drafts = [draft_info(draft) for draft in list_drafts(session)]
    zone = station.settings.timezone
    if args.json:  # moments with the station's offset
        print_json([{**d, **{key: station_iso(d[key], zone)
                             for key in ("updated_at", "requested_at")}} for d in drafts])
        return 0
    if not drafts:
        print("no drafts")
    for d in drafts:
        base = f"after v{d['base_version']}" if d["base_version"] else "new"
        valid = "valid" if d["valid"] else f"{len(d['problems'])} problem(s)"
        asked = f", asked by {d['requested_by']}" if d["requested_by"] else ""
        print(f"{d['template']:<20} {base:<9} {d['status']:<18} {valid:<13} "
              f"saved by {d['updated_by']} {listing_time(d['updated_at'], zone)}{asked}")
    return 0


def _admin(station: Station, username: str, doing: str) -> User:
    """The admin running the command, after the password on standard input."""
    user = authenticate(station.database, username, read_password(),
                        policy=LoginPolicy.of(station.settings))
    require_admin(user, doing)
    return user


def run_publish_draft(args: argparse.Namespace) -> int:
    station = open_station()
    user = _admin(station, args.user, "publishing a template")
    with station.database.session() as session:
        outcome = publish_draft(session, args.template_id, actor=user.username,
                                settings=station.settings)
        if outcome.version is not None:
            line = f"{args.template_id} v{outcome.version.version}: published"
        else:
            line = (f"{args.template_id}: awaiting another admin's approval (asked by "
                    f"{outcome.requested_by}; `kiosk template approve-draft {args.template_id} "
                    f"--as ADMIN`)")
    print(line)
    return 0


def run_approve_draft(args: argparse.Namespace) -> int:
    station = open_station()
    user = _admin(station, args.user, "approving a template")
    with station.database.session() as session:
        outcome = approve_publication(session, args.template_id, actor=user.username,
                                      settings=station.settings)
        assert outcome.version is not None
        line = f"{args.template_id} v{outcome.version.version}: published"
    print(line)
    return 0


def run_discard_draft(args: argparse.Namespace) -> int:
    station = open_station()
    user = _admin(station, args.user, "discarding a draft")
    with station.database.session() as session:
        discard_draft(session, args.template_id, actor=user.username)
    print(f"{args.template_id}: draft discarded")
    return 0


def _retire_or_restore(args: argparse.Namespace, retire: bool) -> int:
    station = open_station()
    user = _admin(station, args.user, "retiring a version" if retire else "restoring a version")
    change = retire_version if retire else restore_version
    with station.database.session() as session:
        row = change(session, args.template_id, args.version, actor=user.username)
        state = "retired" if row.is_retired else "in use"
        current = version_for_new_cases(session, args.template_id)
    uses = f"v{current}" if current else "none (every version is retired)"
    print(f"{args.template_id} v{args.version}: {state}; new cases use {uses}")
    return 0


def run_retire(args: argparse.Namespace) -> int:
    return _retire_or_restore(args, retire=True)


def run_restore(args: argparse.Namespace) -> int:
    return _retire_or_restore(args, retire=False)


def _side(text: str) -> int | str:
    if text == "draft":
        return text
    if not text.isdigit():
        raise TemplateNotFound(f"{text!r} is not a version number (or 'draft')")
    return int(text)


def run_diff(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session(readonly=True) as session:
        diff = diff_versions(session, args.template_id, _side(args.old), _side(args.new))
    if args.json:
        print_json({"old": diff.old_label, "new": diff.new_label,
                    "summary": dataclasses.asdict(diff.summary) if diff.summary else None,
                    "old_problems": [str(p) for p in diff.old_problems],
                    "new_problems": [str(p) for p in diff.new_problems],
                    "lines": [dataclasses.asdict(line) for line in diff.lines]})
        return 0
    if diff.is_identical:
        print(f"{diff.old_label} and {diff.new_label} are identical")
        return 0
    if diff.summary is not None:
        for line in diff.summary.describe() or ["only comments or layout changed"]:
            print(line)
    else:
        for label, problems in ((diff.old_label, diff.old_problems),
                                (diff.new_label, diff.new_problems)):
            if problems:
                print(f"{label} does not validate ({len(problems)} problem(s)): no summary")
    print()
    sys.stdout.write(diff.unified())
    return 0
