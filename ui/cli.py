"""`kiosk run` (the party's kiosk), `kiosk officer`, `kiosk admin` and `kiosk demo`: the screens."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.cases import open_case
from kiosk.cli.demo import DEMO_OFFICERS, DEMO_PASSWORD, DEMO_REVIEWER, run_demo, seed_demo
from kiosk.station import Station, open_station, with_settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def register_run(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="the party's kiosk (full screen; staff leave it with "
                              "the admin PIN)")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.set_defaults(handler=run_kiosk)


def register_officer(commands: argparse._SubParsersAction) -> None:
    officer = commands.add_parser("officer", help="the duty officers' review console (log in "
                                  "with an officer account)")
    officer.set_defaults(handler=run_officer)


def register_admin(commands: argparse._SubParsersAction) -> None:
    admin = commands.add_parser("admin", help="the administration: question templates, "
                                "accounts and station settings (log in with an admin account)")
    admin.set_defaults(handler=run_admin)


def register_demo(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="the kiosk and the officer console side by side "
                               "on the embedded database, with demo officers and a demo case "
                               "(--headless: one case through the review chain, printed)")
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


def run_officer(args: argparse.Namespace) -> int:
    from ui.app import application, has_display
    from ui.officer.window import officer_window

    if not has_display():
        print("error: no display to show the console on (set DISPLAY, or QT_QPA_PLATFORM)",
              file=sys.stderr)
        return 1
    station = open_station()
    app = application(station, virtual_keyboard=False)
    officer_window(station)
    return app.exec()


def run_admin(args: argparse.Namespace) -> int:
    from ui.admin.window import admin_window
    from ui.app import application, has_display

    if not has_display():
        print("error: no display to show the administration on (set DISPLAY, or "
              "QT_QPA_PLATFORM); `kiosk user` and `kiosk settings` do the same headless",
              file=sys.stderr)
        return 1
    station = open_station()
    app = application(station, virtual_keyboard=False)
    admin_window(station)
    return app.exec()


def run_screen_demo(args: argparse.Namespace) -> int:
    from ui.app import has_display

    if args.headless or not has_display():
        if not args.headless:
            print("no display here: running the headless demo instead\n")
        return run_demo(args)
    app, _kiosk, _console = open_screen_demo(args)
    return app.exec()


def open_screen_demo(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """The demo station, its case, and the kiosk and the logged-in console side by side."""
    from ui.app import application, kiosk_window
    from ui.officer.window import officer_window

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
    window = kiosk_window(demo_recording(station), windowed=True)
    window.setWindowTitle(f"{window.windowTitle()} — start code {case.start_code}")
    console = officer_window(station)
    place_side_by_side(window, console)
    console.log_in(DEMO_REVIEWER, DEMO_PASSWORD)
    print(f"the officer console is logged in as {DEMO_REVIEWER!r}; log out there to switch to "
          f"another demo officer")
    return app, window, console


def demo_recording(station: Station) -> Station:
    """The demo's kiosk records the camera and microphone when they can be opened, else the
    test picture and tone, and says so. (`kiosk run` never does: it stops questioning.)"""
    from kiosk.recording import RecordingFault, TestSource, source_for

    source = source_for(station)
    if isinstance(source, TestSource):
        return station
    try:
        source.open()
    except RecordingFault as fault:
        print(f"no camera and microphone here ({fault.reason}: {fault}); the demo's kiosk "
              f"records the synthetic test picture and tone instead (KIOSK_RECORDING_SOURCE="
              f"test)")
        return with_settings(station, recording_source="test")
    source.close()
    return station


def place_side_by_side(left: QWidget, right: QWidget) -> None:
    """The kiosk on the left half of the screen, the console on the right half."""
    screen = left.screen().availableGeometry()
    half = screen.width() // 2
    left.setGeometry(screen.x(), screen.y() + 30, half, screen.height() - 30)
    right.setGeometry(screen.x() + half, screen.y() + 30, screen.width() - half,
                      screen.height() - 30)
