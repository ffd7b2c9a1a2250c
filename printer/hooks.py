"""The printer's reactions to case events (registered as the `printer` kiosk hook)."""

from __future__ import annotations

from kiosk.hooks import APPROVED, SUBMITTED
from kiosk.station import Station
from printer.decision import KINDS as DECISION_KINDS
from printer.queue import print_case


def on_case_event(station: Station, event: str, case_code: str) -> None:
    """Prints what the settings ask: the statement on submission, the decision on approval."""
    settings = station.settings
    if event == SUBMITTED and settings.print_on_submit:
        print_case(station, case_code, "statement")
    elif event == APPROVED and settings.print_on_approval:
        for kind in DECISION_KINDS:
            print_case(station, case_code, kind)
