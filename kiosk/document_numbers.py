"""Document numbers (文号) of the decisions: per organ, per year, per kind of document.

A decision carries the number of the organ that issues it (PSAPL Art. 109, 115): the station's
prefix for the station's decisions, the county-level organ's for those issued in its name, then
the year on the station's calendar and a number that restarts each year, e.g.
示例公（治）决字〔2026〕第00012号. The prefixes are station settings.

The number is drawn in the transaction of the final decision by one atomic upsert, as case
codes are (kiosk.cases): concurrent decisions queue on the row lock on PostgreSQL and on the
write lock on SQLite, so no two decisions share a number, and a decision that is rolled back
gives its number back (no gaps).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.models import DocumentNumberSequence
from kiosk.settings import Settings
from kiosk.station_time import station_date

STATION, COUNTY = "station", "county"  # the organs (PSAPL Art. 109)
DECISION = "decision"  # 行政处罚决定书 and 不予行政处罚决定书: one series of 决字 numbers
DIGITS = 5


def next_number(session: Session, organ: str, year: int, kind: str) -> int:
    """The next number of this organ's documents of this kind in this year, from 1."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DocumentNumberSequence).values(organ=organ, year=year, kind=kind, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["organ", "year", "kind"],
        set_={"last": DocumentNumberSequence.last + 1},
    ).returning(DocumentNumberSequence.last)
    return int(session.execute(statement).scalar_one())


def prefix_of(settings: Settings, organ: str) -> str:
    return settings.county_decision_number_prefix if organ == COUNTY \
        else settings.decision_number_prefix


def format_number(prefix: str, year: int, number: int) -> str:
    """示例公（治）决字〔2026〕第00012号."""
    return f"{prefix}〔{year}〕第{number:0{DIGITS}d}号"


def number_decision(session: Session, settings: Settings, organ: str,
                    decided_at: datetime) -> str:
    """The document number of a decision made now by `organ`, the year in station time."""
    year = station_date(decided_at, settings.timezone).year
    return format_number(prefix_of(settings, organ), year,
                         next_number(session, organ, year, DECISION))
