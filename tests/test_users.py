"""Accounts in the core: roles, disabling, and never a station without an enabled admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.audit import verify_chain
from kiosk.models import AuditEvent
from kiosk.station import Station
from kiosk.users import (
    AccountError,
    LoginFailed,
    LoginPolicy,
    add_user,
    authenticate,
    disable_user,
    enable_user,
    get_user,
    reset_password,
    set_roles,
)

PASSWORD = "password-123"


@pytest.fixture
def accounts(station: Station) -> Station:
    with station.database.session() as session:
        add_user(session, "boss", PASSWORD, ["admin"], actor="setup")
        add_user(session, "duty", PASSWORD, ["officer"], actor="setup")
    return station


def test_roles_are_replaced_and_audited(accounts: Station) -> None:
    with accounts.database.session() as session:
        set_roles(session, "duty", ["reviewer", "officer"], actor="boss")
        with pytest.raises(AccountError) as refused:
            set_roles(session, "duty", [], actor="boss")
        assert refused.value.reason == "no_role"
        with pytest.raises(AccountError, match="unknown role"):
            set_roles(session, "duty", ["chief"], actor="boss")
    with accounts.database.session(readonly=True) as session:
        assert get_user(session, "duty").roles == ["officer", "reviewer"]
        events = session.query(AuditEvent).filter_by(action="user.roles_changed").all()
        assert [(e.actor, e.payload) for e in events] == [
            ("boss", {"user": "duty", "old": ["officer"], "new": ["officer", "reviewer"]})]
        assert verify_chain(session).is_intact


def test_the_last_enabled_admin_stays_an_admin(accounts: Station) -> None:
    with accounts.database.session() as session:
        with pytest.raises(AccountError) as refused:
            set_roles(session, "boss", ["officer"], actor="boss")
        assert (refused.value.reason, refused.value.values) == ("last_admin", {"user": "boss"})
        with pytest.raises(AccountError, match="own account"):
            disable_user(session, "boss", actor="boss")
        add_user(session, "deputy", PASSWORD, ["admin", "officer"], actor="boss")
    with accounts.database.session() as session:
        disable_user(session, "boss", actor="deputy")  # the deputy is still an admin
    with accounts.database.session() as session:
        with pytest.raises(AccountError, match="last enabled admin"):
            disable_user(session, "deputy", actor="cli")
        with pytest.raises(AccountError, match="last enabled admin"):
            set_roles(session, "deputy", ["officer"], actor="deputy")
        set_roles(session, "boss", ["officer"], actor="deputy")  # disabled: not counted
    with accounts.database.session(readonly=True) as session:
        assert get_user(session, "deputy").roles == ["admin", "officer"]
        assert not get_user(session, "deputy").is_disabled
    with accounts.database.session() as session:
        enable_user(session, "boss", actor="deputy")
        set_roles(session, "boss", ["admin"], actor="deputy")
    with accounts.database.session() as session:
        set_roles(session, "deputy", ["officer"], actor="boss")  # boss is an admin again


def test_a_new_account_can_be_made_to_choose_its_password(accounts: Station) -> None:
    with accounts.database.session() as session:
        add_user(session, "new.one", PASSWORD, ["officer"], actor="boss",
                 must_change_password=True)
    user = authenticate(accounts.database, "new.one", PASSWORD, policy=LoginPolicy(5))
    assert user.must_change_password


def test_two_admins_disabling_each_other_at_once_leave_one_enabled(accounts: Station) -> None:
    import threading
    import time

    with accounts.database.session() as session:
        add_user(session, "deputy", PASSWORD, ["admin"], actor="boss")
    first_done = threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        with accounts.database.session() as session:
            disable_user(session, "deputy", actor="boss")
            first_done.set()
            time.sleep(0.5)  # still uncommitted while the other admin acts
        outcomes["first"] = "done"

    def second() -> None:
        first_done.wait(10)
        try:
            with accounts.database.session() as session:
                disable_user(session, "boss", actor="deputy")
            outcomes["second"] = "done"
        except AccountError as exc:
            outcomes["second"] = exc.reason

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes == {"first": "done", "second": "last_admin"}
    with accounts.database.session(readonly=True) as session:
        assert not get_user(session, "boss").is_disabled


# -- locking after failed logins ---------------------------------------------------------------


def login_events(station: Station, *actions: str) -> list[tuple[str, str, dict]]:
    with station.database.session(readonly=True) as session:
        found = session.query(AuditEvent).filter(AuditEvent.action.in_(actions)) \
            .order_by(AuditEvent.seq).all()
        assert verify_chain(session).is_intact
        return [(e.actor, e.action, e.payload) for e in found]


def fail(station: Station, policy: LoginPolicy, times: int, now: datetime) -> None:
    for _ in range(times):
        with pytest.raises(LoginFailed) as refused:
            authenticate(station.database, "duty", "not-the-password", policy=policy, now=now)
        assert refused.value.reason == "login_failed"


POLICY = LoginPolicy(3, 15, "Asia/Shanghai")
START = datetime(2026, 11, 27, 18, 20, tzinfo=UTC)  # 02:20 in Shanghai


def test_a_lock_starts_at_the_maximum_and_ends_by_itself(accounts: Station) -> None:
    fail(accounts, POLICY, 2, START)
    assert login_events(accounts, "login.locked") == []
    fail(accounts, POLICY, 1, START + timedelta(seconds=27))
    [(actor, _, locked)] = login_events(accounts, "login.locked")
    # Fifteen minutes, up to the whole minute: "after 02:36" is true at 02:36:00.
    assert (actor, locked) == ("duty", {"failures": 3, "until": "2026-11-27T18:36:00+00:00"})
    with accounts.database.session(readonly=True) as session:
        user = get_user(session, "duty")
        assert user.locked_until == datetime(2026, 11, 27, 18, 36, tzinfo=UTC)
        assert POLICY.lock_of(user, START) is not None

    # While locked, even the right password is refused without being looked at.
    almost = datetime(2026, 11, 27, 18, 35, 59, tzinfo=UTC)
    with pytest.raises(LoginFailed) as refused:
        authenticate(accounts.database, "duty", PASSWORD, policy=POLICY, now=almost)
    assert refused.value.reason == "login_locked"
    assert refused.value.values == {"user": "duty", "failures": 3,
                                    "until": datetime(2026, 11, 27, 18, 36, tzinfo=UTC)}
    assert "until 02:36 (Asia/Shanghai)" in str(refused.value)

    # Once it has ended, the right password is accepted and the count starts again.
    over = datetime(2026, 11, 27, 18, 36, tzinfo=UTC)
    assert authenticate(accounts.database, "duty", PASSWORD, policy=POLICY, now=over)
    with accounts.database.session(readonly=True) as session:
        user = get_user(session, "duty")
        assert (user.failed_logins, user.locked_until) == (0, None)
    assert [(e[1], e[2].get("reason")) for e in
            login_events(accounts, "login", "login.failed", "login.locked")] == [
        ("login.failed", "password"), ("login.failed", "password"),
        ("login.failed", "password"), ("login.locked", None),
        ("login.failed", "locked"), ("login", None)]


def test_a_wrong_password_after_the_lock_locks_again_at_once(accounts: Station) -> None:
    fail(accounts, POLICY, 3, START)
    later = START + timedelta(hours=1)
    fail(accounts, POLICY, 1, later)  # checked (the lock is over), wrong: a new lock
    with pytest.raises(LoginFailed) as refused:
        authenticate(accounts.database, "duty", PASSWORD, policy=POLICY, now=later)
    assert refused.value.values["until"] == later + timedelta(minutes=15)
    assert [p["until"] for _, _, p in login_events(accounts, "login.locked")] == [
        "2026-11-27T18:35:00+00:00", "2026-11-27T19:35:00+00:00"]
    with accounts.database.session(readonly=True) as session:
        assert get_user(session, "duty").failed_logins == 4


def test_zero_minutes_lock_until_an_admin_resets_the_password(accounts: Station) -> None:
    until_reset = LoginPolicy(3, 0, "Asia/Shanghai")
    fail(accounts, until_reset, 3, START)
    [(_, _, locked)] = login_events(accounts, "login.locked")
    assert locked == {"failures": 3, "until": None}
    a_week_later = START + timedelta(days=7)
    with pytest.raises(LoginFailed, match="an admin must reset") as refused:
        authenticate(accounts.database, "duty", PASSWORD, policy=until_reset, now=a_week_later)
    assert "until" not in refused.value.values
    # A lock that started as "until a reset" stays so when the station later sets minutes.
    with pytest.raises(LoginFailed):
        authenticate(accounts.database, "duty", PASSWORD, policy=POLICY, now=a_week_later)

    with accounts.database.session() as session:
        reset_password(session, "duty", "temporary-1", actor="boss")
    assert authenticate(accounts.database, "duty", "temporary-1", policy=until_reset,
                        now=a_week_later)


def test_an_admin_unlocks_a_timed_lock_at_once(accounts: Station) -> None:
    fail(accounts, POLICY, 3, START)
    with accounts.database.session() as session:
        reset_password(session, "duty", "temporary-1", actor="boss")
    user = authenticate(accounts.database, "duty", "temporary-1", policy=POLICY, now=START)
    assert user.must_change_password
    fail(accounts, POLICY, 3, START)
    with accounts.database.session() as session:
        disable_user(session, "duty", actor="boss")
        enable_user(session, "duty", actor="boss")  # enabling clears the count and the lock
    assert authenticate(accounts.database, "duty", "temporary-1", policy=POLICY, now=START)


def test_the_station_settings_make_the_policy(accounts: Station) -> None:
    policy = LoginPolicy.of(accounts.settings)
    assert policy == LoginPolicy(5, 15, "Asia/Shanghai")
    # Times are worded in the station's zone: the clock within a day, else with the date.
    assert policy.time_text(START, START - timedelta(hours=23)) == "02:20"
    assert policy.time_text(START, START - timedelta(days=2)) == "2026-11-28 02:20"
