"""`kiosk db upgrade`: create or migrate the database and publish the shipped templates."""

from __future__ import annotations

import argparse

from kiosk.station import open_station
from kiosk.template_store import publish_shipped_templates


def register(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the database")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = sub.add_parser("upgrade", help="create or migrate the schema; publish the shipped "
                             "templates that are not yet published")
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session() as session:
        published = publish_shipped_templates(session, station.settings.resolved_templates_dir,
                                              actor="cli")
    print(f"database ready: {station.database.engine.url.render_as_string(hide_password=True)}")
    for name in published:
        print(f"published {name}")
    return 0
