"""Moments as the station's clock reads them: the one conversion behind every date and time a
person reads (documents, command-line listings, the console), whatever the zone of the machine.

Stored moments are aware UTC datetimes (kiosk.models.UTCDateTime). A decision made at 00:30 in
Beijing is 16:30 UTC the day before: its date is the station's, never the UTC one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

LISTING_FORMAT = "%Y-%m-%d %H:%M"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def station_moment(moment: datetime, zone: str | ZoneInfo) -> datetime:
    """The moment on the station's clock (a naive moment is taken as UTC, as stored)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(_zone(zone) if isinstance(zone, str) else zone)


def station_date(moment: datetime, zone: str | ZoneInfo) -> date:
    """The day the station's calendar shows at this moment."""
    return station_moment(moment, zone).date()


def listing_time(moment: datetime | None, zone: str | ZoneInfo,
                 fmt: str = LISTING_FORMAT) -> str:
    """A moment for a listing or a screen, on the station's clock; "-" when there is none."""
    return station_moment(moment, zone).strftime(fmt) if moment is not None else "-"


def station_iso(moment: datetime | None, zone: str | ZoneInfo) -> str | None:
    """ISO 8601 with the station's offset (for JSON a program reads), None when there is none."""
    return station_moment(moment, zone).isoformat() if moment is not None else None
