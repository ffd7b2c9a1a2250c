"""`kiosk run` (the party's kiosk) and `kiosk demo`, registered by the screens' layer."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from kiosk.cases import open_case
from kiosk.cli.demo import DEMO_OFFICERS, DEMO_PASSWORD, run_demo, seed_demo
from kiosk.station import open_station


def register_run(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="the party's kiosk (full screen; staff leave it with "
                              "the admin PIN)")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.set_defaults(handler=run_kiosk)


def register_demo(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="the kiosk on the embedded database with demo "
                               "officers and a demo case (--headless: one case through the "
                               "review chain, printed)")
    demo.add_argument("--headless", action="store_true")
    demo.add_argument("--template", default="minor-assault", metavar="ID")
    demo.add_argument("--language", default="zh", choices=["zh", "en"])
    demo.set_defaults(handler=run_screen_demo)


def run_kiosk(args: argparse.Namespace) -> int:
    from ui.app import application, has_display, kiosk_window

    if not has_display():
        print("error: no display to show the kiosk on (set DISPLAY, or QT_QPA_PLATFORM)",
              file=sys.stderr)
        return 1
    station = open_station()
    app = application(station)
    window = kiosk_window(station, windowed=args.windowed)
    window.raise_()
    return app.exec()


def run_screen_demo(args: argparse.Namespace) -> int:
    from ui.app import application, has_display, kiosk_window

    if args.headless or not has_display():
        if not args.headless:
            print("no display here: running the headless demo instead\n")
        return run_demo(args)
    station = open_station()
    seed_demo(station)
    with station.database.session() as session:
        case = open_case(session, station.settings, args.template, "张三",
                         arrived_at=datetime.now(UTC) - timedelta(minutes=10),
                         arrival_mode="summoned", actor="demo", today=station.today(),
                         language=args.language)
    print(f"demo officers (password for all: {DEMO_PASSWORD}): "
          + ", ".join(name for name, _, _ in DEMO_OFFICERS))
    print(f"demo case {case.code}: the party's start code is {case.start_code}")
    app = application(station)
    window = kiosk_window(station, windowed=True)
    window.setWindowTitle(f"{window.windowTitle()} — start code {case.start_code}")
    return app.exec()
