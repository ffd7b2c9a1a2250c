"""Times on the console are the station's, whatever the console machine's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.station_time import LISTING_FORMAT, listing_time

STATION_ZONE: list[ZoneInfo] = [ZoneInfo("Asia/Shanghai")]


def set_station_timezone(name: str) -> None:
    """Times on the console are the station's, whatever the console machine's zone."""
    STATION_ZONE[0] = ZoneInfo(name)


def local(moment: datetime | None, fmt: str = LISTING_FORMAT) -> str:
    """A moment on the station's clock (the one conversion in kiosk.station_time)."""
    return listing_time(moment, STATION_ZONE[0], fmt) if moment else ""
