"""Alembic migrations of the kiosk database, run by `kiosk db upgrade` and at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from kiosk.db import Database

HERE = Path(__file__).resolve().parent
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


class SchemaOutOfDate(RuntimeError):
    """The schema needs migrating and the account connected may not (a station's app role)."""


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = database.engine
    return config


def current_revision(database: Database) -> str | None:
    """The migration the database is at (None: no schema yet)."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(database: Database, revision: str = "head") -> None:
    """Brings the schema up to date; safe to run on every start.

    Up to date, it only reads. Behind, it migrates, which on a station's PostgreSQL only the
    schema owner may do: the kiosks' and consoles' account then gets SchemaOutOfDate, saying
    what to run, instead of "permission denied for schema public" (the migration is rolled
    back whole; nothing is half-done).
    """
    config = alembic_config(database)
    try:
        command.upgrade(config, revision)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        try:
            current = current_revision(database)
        except DBAPIError:
            raise SchemaOutOfDate(
                "this account may not read the database's schema version (table "
                "alembic_version): give it the grants in docs/deployment/roles.sql") from exc
        wanted = ScriptDirectory.from_config(config).get_revision(revision)
        if wanted is not None and current == wanted.revision:
            raise  # nothing to migrate: the refusal was about something else
        raise SchemaOutOfDate(
            "the database schema is out of date and this account may not change it: run "
            "`kiosk db upgrade` as the schema owner (see docs/deployment.md). The database is "
            f"at revision {current or 'none (empty)'}; this version of the kiosk needs "
            f"{wanted.revision if wanted is not None else revision}.") from exc
