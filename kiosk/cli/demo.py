"""The headless demo: one case from opening to approval on the embedded database, its kiosk
session recorded on audio and video (PSAPL Art. 97) as the kiosk records it.

`kiosk demo` itself is registered by `ui/` (the screens); `kiosk demo --headless`, and a machine
without a display, run this.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk import penalty_notice
from kiosk.audit import verify_chain
from kiosk.cases import find_case
from kiosk.cli.case import run_show
from kiosk.recording import RecordingFault, case_sessions
from kiosk.review import Decision, approve_level
from kiosk.sample_cases import add_sample_evidence, answer_sample_notice, submitted_sample_case
from kiosk.station import Station, open_station
from kiosk.template_store import get_version, publish_shipped_templates, template_of
from kiosk.users import LoginPolicy, add_user, authenticate, list_users

if TYPE_CHECKING:
    from kiosk.recording import Recorder

DEMO_PASSWORD = "kiosk-demo-2026"
DEMO_OFFICERS = (
    ("duty", "值班民警 Duty officer", ["officer"]),
    ("legal", "法制员 Legal officer", ["officer", "reviewer"]),
    ("head", "所长 Head of station", ["officer", "approver"]),
    ("admin", "管理员 Admin", ["admin"]),
)
ANSWER_PAUSE_S = 0.2  # the demo party's time over each answer: a recording of some seconds
DEMO_REVIEWER = "legal"  # the console of `kiosk demo` logs in as the first review level


def seed_demo(station: Station) -> None:
    """The shipped templates and the demo officers, on the station's database (idempotent)."""
    with station.database.session() as session:
        publish_shipped_templates(session, station.settings.resolved_templates_dir,
                                  actor="demo")
        existing = {u.username for u in list_users(session)}
        for username, name, roles in DEMO_OFFICERS:
            if username not in existing:
                add_user(session, username, DEMO_PASSWORD, roles, actor="demo",
                         display_name=name)


def _demo_recorder(station: Station) -> Recorder:
    """The recorder of the demo's kiosk session: `recording_source` (the test source, or the
    camera); a machine whose camera cannot be opened records the test source instead, and says
    so (the kiosk itself never does: it stops questioning)."""
    from kiosk.recording import TestSource, recorder_for, source_for

    source = source_for(station)
    if not isinstance(source, TestSource):
        try:
            source.open()
        except RecordingFault as fault:
            print(f"\nno camera and microphone here ({fault.reason}: {fault}); the demo records "
                  f"the synthetic test picture and tone instead (KIOSK_RECORDING_SOURCE=test)")
            source = TestSource()
        else:
            source.close()
    return recorder_for(station, source=source)


def run_demo(args: argparse.Namespace) -> int:
    """The headless demo: one case from opening through the review chain, then shown."""
    station = open_station()
    settings = station.settings
    print(f"database: {station.database.engine.url.render_as_string(hide_password=True)}")
    seed_demo(station)
    with station.database.session(readonly=True) as session:
        template = template_of(get_version(session, args.template))
    print(f"\ndemo officers (password for all: {DEMO_PASSWORD}):")
    for username, name, roles in DEMO_OFFICERS:
        print(f"  {username:<6} {name:<28} {', '.join(roles)}")

    recorder = _demo_recorder(station)
    case = submitted_sample_case(station, args.template, language=args.language,
                                 arrived_at=datetime.now(UTC) - timedelta(minutes=35),
                                 recorder=recorder, pause_s=ANSWER_PAUSE_S)
    print(f"\n1. opened case {case.code}; the party answered the sample answers of "
          f"{template.id} v{template.version} at the kiosk and signed")
    with station.database.session(readonly=True) as session:
        for recording in case_sessions(session, case.id):
            print(f"   recorded ({recording.source}): session {recording.id}, "
                  f"{recording.duration_s:.1f} s, {recording.segments} segments, "
                  f"{'no gaps' if not recording.gaps else f'{len(recording.gaps)} gaps'}")

    add_sample_evidence(station, case.code, "legal")
    print("   legal added a photo of the injury (other evidence besides the statement, "
          "PSAPL Art. 111)")

    decision = Decision("fine", "51",
                        "当事人如实陈述，主动赔偿并取得谅解，依法从轻处罚。", amount=300)
    legal, head = (authenticate(station.database, username, DEMO_PASSWORD,
                                policy=LoginPolicy.of(settings)) for username in ("legal", "head"))
    with station.database.session() as session:
        current = approve_level(session, find_case(session, case.code), legal, settings)
        print(f"2. legal approved level 1 -> case is {current.status}")
    with station.database.session() as session:
        penalty_notice.propose(session, find_case(session, case.code), head, settings, decision)
    print(f"3. head proposed a fine of {decision.amount} yuan; the party is called back with "
          f"start code {case.start_code} (PSAPL Art. 112)")
    answer_sample_notice(station, case.id)
    print("4. the party heard the notice at the kiosk, accepted it and signed")
    with station.database.session() as session:
        current = approve_level(session, find_case(session, case.code), head, settings)
        print(f"5. head approved the proposal -> case is {current.status}")

    with station.database.session(readonly=True) as session:
        report = verify_chain(session)
    print(f"\naudit chain: {'intact' if report.is_intact else 'BROKEN'}, {report.events} events")
    print()
    return run_show(argparse.Namespace(code=case.code, language=args.language, json=False))
