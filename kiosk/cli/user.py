"""`kiosk user ...`: officer and admin accounts, run as the local operator (audited as `cli`)."""

from __future__ import annotations

import argparse

from kiosk.cli import add_json_flag, print_json, read_password
from kiosk.roles import Role
from kiosk.station import open_station
from kiosk.users import (
    LoginPolicy,
    add_user,
    disable_user,
    enable_user,
    list_users,
    reset_password,
)


def register(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="officer and admin accounts")
    sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add an account (password: one line on standard input, "
                         "at least 8 characters)")
    add.add_argument("username", metavar="USER")
    add.add_argument("--role", action="append", required=True,
                     choices=[r.value for r in Role], help="repeatable")
    add.add_argument("--name", default="", help="display name")
    add.set_defaults(handler=run_add)

    listing = sub.add_parser("list", help="accounts")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    disable = sub.add_parser("disable", help="disable an account (it can no longer log in)")
    disable.add_argument("username", metavar="USER")
    disable.set_defaults(handler=run_disable)

    enable = sub.add_parser("enable", help="let a disabled or locked-out account log in again")
    enable.add_argument("username", metavar="USER")
    enable.set_defaults(handler=run_enable)

    reset = sub.add_parser("reset-password", help="set a temporary password (standard input) "
                           "that must be changed at the next login; unlocks the account")
    reset.add_argument("username", metavar="USER")
    reset.set_defaults(handler=run_reset)


def run_add(args: argparse.Namespace) -> int:
    station = open_station()
    password = read_password()
    with station.database.session() as session:
        user = add_user(session, args.username, password, args.role, actor="cli",
                        display_name=args.name)
        print(f"added {user.username} ({', '.join(user.roles)})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    station = open_station()
    policy, now = LoginPolicy.of(station.settings), station.now()
    with station.database.session(readonly=True) as session:
        accounts = [(u, policy.lock_of(u, now)) for u in list_users(session)]
    if args.json:
        print_json([{"username": u.username, "display_name": u.display_name, "roles": u.roles,
                     "disabled": u.is_disabled, "failed_logins": u.failed_logins,
                     "locked": lock is not None,
                     "locked_until": lock.until.isoformat() if lock and lock.until else None}
                    for u, lock in accounts])
        return 0
    for u, lock in accounts:
        if u.is_disabled:
            state = "disabled"
        elif lock is None:
            state = "active"
        elif lock.until is None:
            state = "locked until an admin resets its password"
        else:
            state = f"locked until {policy.time_text(lock.until, now)}"
        print(f"{u.username:<16} {', '.join(u.roles):<28} {state}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session() as session:
        disable_user(session, args.username, actor="cli")
    print(f"disabled {args.username}")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    station = open_station()
    with station.database.session() as session:
        enable_user(session, args.username, actor="cli")
    print(f"enabled {args.username}")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    station = open_station()
    password = read_password()
    with station.database.session() as session:
        reset_password(session, args.username, password, actor="cli")
    print(f"{args.username}: temporary password set; it must be changed at the next login")
    return 0
