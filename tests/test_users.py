"""Accounts in the core: roles, disabling, and never a station without an enabled admin."""

from __future__ import annotations

import pytest

from kiosk.audit import verify_chain
from kiosk.models import AuditEvent
from kiosk.station import Station
from kiosk.users import (
    AccountError,
    add_user,
    authenticate,
    disable_user,
    enable_user,
    get_user,
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
    user = authenticate(accounts.database, "new.one", PASSWORD, max_failures=5)
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
