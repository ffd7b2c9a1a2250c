"""`kiosk settings list|set`: station-wide settings, stored in the database and audited."""

from __future__ import annotations

import argparse
import dataclasses

from kiosk.cli import add_json_flag, print_json
from kiosk.settings import STATION_KEYS
from kiosk.station import open_station


def register(commands: argparse._SubParsersAction) -> None:
    settings = commands.add_parser("settings", help="station settings")
    sub = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every setting in force on this machine")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    setting = sub.add_parser("set", help="change a station-wide setting for every machine")
    setting.add_argument("name", choices=STATION_KEYS, metavar="NAME")
    setting.add_argument("value", metavar="VALUE", help="lists are comma-separated")
    setting.set_defaults(handler=run_set)


def run_list(args: argparse.Namespace) -> int:
    station = open_station()
    values = dataclasses.asdict(station.settings)
    if args.json:
        print_json(values)
        return 0
    for name, value in values.items():
        shown = ",".join(value) if isinstance(value, tuple | list) else value
        print(f"{name:<36} {shown}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    station = open_station()
    value = station.set_setting(args.name, args.value, actor="cli")
    print(f"{args.name} = {value}")
    return 0
