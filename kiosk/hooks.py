"""What the layers above do when a case moves on: found through entry points, never imported.

The printer registers a hook (group `kiosk.hooks`) that prints the statement when a case is
submitted and the decision when it is approved. A hook runs after the change has committed, and
a failing hook never undoes or blocks the change: its problem is logged and returned.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from kiosk.station import Station

log = logging.getLogger(__name__)

SUBMITTED = "case.submitted"
APPROVED = "case.approved"


def notify(station: Station, event: str, case_code: str) -> list[str]:
    """Runs every registered hook for the event; returns their problems (empty when all went)."""
    problems = []
    for entry in entry_points(group="kiosk.hooks"):
        try:
            entry.load()(station, event, case_code)
        except Exception as exc:  # a printer jam must not stop a party or an officer
            log.warning("hook %s failed on %s of %s: %s", entry.name, event, case_code, exc)
            problems.append(f"{entry.name}: {exc}")
    return problems
