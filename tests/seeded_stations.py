"""The seeded databases a test session copies its stations from (see tests/conftest.py).

A seed is made once per session (per xdist worker, which has servers of its own) and copied for
each test: an SQLite file copy, or `CREATE DATABASE … TEMPLATE` on the test PostgreSQL server.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from argon2 import PasswordHasher
from argon2.low_level import Type
from postgres_server import PostgresServer

from kiosk import users
from kiosk.models import StationSetting
from kiosk.settings import PROJECT_ROOT
from kiosk.station import open_station
from kiosk.template_store import publish_shipped_templates

__all__ = ["SEEDS", "TEMPLATES_DIR", "TEST_HASHER", "Seeds"]

TEMPLATES_DIR = PROJECT_ROOT / "templates"

# Argon2id at its lowest cost: the production cost (0.5 s a hash) is what makes the passwords
# safe on the station, not what the tests are about (tests/test_users.py asserts that cost).
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)

SEEDS = ("templates", "demo")
"""What a seed holds: `templates` (migrated, the shipped templates published, as `station`
promises) and `demo` (also the demo accounts, as `make_staff_window` promises)."""


def _seed_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": database_url, "KIOSK_DATA_DIR": str(folder / "data"),
                "XDG_CONFIG_HOME": str(folder / "config-home")})
    return env


def _fill_seed(database_url: str, folder: Path, kind: str) -> None:
    """Makes on an empty database what a fresh station of that kind of seed has."""
    from kiosk.cli.demo import seed_demo

    previous, users._hasher = users._hasher, TEST_HASHER
    station = open_station(_seed_env(folder, database_url))
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="test")
            # Cases entered with `kiosk submit` (most tests' cases) have no audio and video
            # recording, which final approval requires by default (PSAPL Art. 97, 108;
            # kiosk/review.py). The seed is a station where it is not required, so the suite
            # keeps testing what it tests; stored as a station installed that way (a row, not
            # an audited change: the tests that count `settings.changed` events count theirs).
            # tests/test_recording.py turns it back on to test the refusal itself.
            session.add(StationSetting(key="recording_required", value=False,
                                       updated_by="seed"))
        if kind == "demo":
            seed_demo(station)
    finally:
        station.database.dispose()  # a PostgreSQL template must have no one connected
        users._hasher = previous


class Seeds:
    """The seeded databases of this test session, each made when first asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[str, Path] = {}
        self._postgres: dict[str, str] = {}

    def copy_audit_key(self, backend: str, kind: str, data_dir: Path) -> None:
        """Gives a station's data folder the seed's audit key, as a second machine of the same
        station gets it (the seed's chain is keyed with it)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        target = data_dir / "audit.key"
        shutil.copyfile(self.folder / f"{backend}-{kind}" / "data" / "audit.key", target)
        target.chmod(0o600)

    def sqlite_copy(self, kind: str, target: Path) -> None:
        """Puts a copy of the seed at `target` (an SQLite database file)."""
        if kind not in self._sqlite:
            folder = self.folder / f"sqlite-{kind}"
            folder.mkdir()
            seed = folder / "seed.db"
            _fill_seed(f"sqlite:///{seed}", folder, kind)
            leftovers = [p for p in folder.iterdir() if p.name.startswith("seed.db-")]
            assert not leftovers, f"the seed was not closed cleanly: {leftovers}"
            self._sqlite[kind] = seed
        shutil.copyfile(self._sqlite[kind], target)

    def postgres_copy(self, kind: str, server: PostgresServer, name: str) -> str:
        """Creates database `name` on `server` as a copy of the seed; its URL."""
        if kind not in self._postgres:
            seed = f"seed_{kind}_{uuid.uuid4().hex[:8]}"
            folder = self.folder / f"postgres-{kind}"
            folder.mkdir()
            _fill_seed(server.create_database(seed), folder, kind)
            self._postgres[kind] = seed
        return server.create_database(name, template=self._postgres[kind])
