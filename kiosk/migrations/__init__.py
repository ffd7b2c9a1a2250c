"""Alembic migrations of the kiosk database, run by `kiosk db upgrade` and at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from kiosk.db import Database

HERE = Path(__file__).resolve().parent


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = database.engine
    return config


def upgrade_database(database: Database, revision: str = "head") -> None:
    """Brings the schema up to date; safe to run on every start."""
    command.upgrade(alembic_config(database), revision)
