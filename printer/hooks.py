"""The printer's reactions to case events (registered as the `printer` kiosk hook)."""

from __future__ import annotations

from kiosk.cases import find_case
from kiosk.hooks import APPROVED, SUBMITTED
from kiosk.station import Station
from printer.decision import KINDS as DECISION_KINDS
from printer.documents import KINDS_BY_NAME
from printer.queue import print_case


def on_case_event(station: Station, event: str, case_code: str) -> None:
    """Prints what the settings ask: the statement on submission, the decision on approval."""
    settings = station.settings
    if event == SUBMITTED and settings.print_on_submit:
        print_case(station, case_code, "statement")
    elif event == APPROVED and settings.print_on_approval:
        with station.database.session(readonly=True) as session:
            case = find_case(session, case_code)
            # A decision not to penalise has no pre-penalty record to print.
            kinds = [kind for kind in DECISION_KINDS if KINDS_BY_NAME[kind].is_ready(case)]
        for kind in kinds:
            print_case(station, case_code, kind)
