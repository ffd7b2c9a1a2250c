"""Times on the console are the station's, whatever the console machine's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

STATION_ZONE: list[ZoneInfo] = [ZoneInfo("Asia/Shanghai")]


def set_station_timezone(name: str) -> None:
    """Times on the console are the station's, whatever the console machine's zone."""
    STATION_ZONE[0] = ZoneInfo(name)


def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(STATION_ZONE[0]).strftime(fmt) if moment else ""
