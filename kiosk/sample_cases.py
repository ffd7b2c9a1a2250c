"""Cases made the way a party makes them at the kiosk: for the demo, screenshots, tests, benches.

The same `PartySession` calls the kiosk's screens make, with the sample answers of the template
(kiosk/samples.py), stopping wherever the caller wants: after some questions (a party still
answering), at the review screen, or signed and submitted.
"""

from __future__ import annotations

import struct
import time
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kiosk import penalty_notice
from kiosk.cases import find_case, open_case
from kiosk.evidence import add_evidence, evidence_problem
from kiosk.models import Case, User
from kiosk.party import REVIEW, PartySession, PartyState, RecordingClock
from kiosk.review import Decision, PenaltyType, approve_level
from kiosk.roles import Role
from kiosk.samples import sample_flat_answers, sample_party
from kiosk.states import CaseStatus
from kiosk.station import Station
from kiosk.template_store import template_of
from kiosk.users import add_user, get_user

if TYPE_CHECKING:
    from kiosk.recording import Recorder

# A short stroke with its timing (x, y, milliseconds), as the signature pad records it.
SAMPLE_STROKES = [[(10.0, 20.0, 0), (30.0, 25.0, 40), (50.0, 22.0, 90)]]


def signature_png(width: int = 200, height: int = 60) -> bytes:
    """A real greyscale PNG with a dark stroke across it (what the pad exports), without Qt."""
    rows = []
    for y in range(height):
        row = bytearray([255] * width)
        for x in range(width):
            if abs(y - (10 + x * (height - 20) // width)) <= 2:
                row[x] = 0
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def sample_photo_png(width: int = 320, height: int = 240) -> bytes:
    """A real PNG standing in for a photo of an injury (a dark band on a light ground)."""
    return signature_png(width, height)


def add_sample_evidence(station: Station, code: str, username: str) -> str:
    """Adds a photo as an officer, the corroboration a penalty needs (PSAPL Art. 111); its hash."""
    with station.database.session() as session:
        item = add_evidence(session, find_case(session, code), get_user(session, username),
                            sample_photo_png(), kind="photo", settings=station.settings,
                            name="injury.png")
        return item.sha256


def corroborate_case(station: Station, code: str, username: str) -> None:
    """Adds the sample photo unless the case already has evidence that counts (Art. 111)."""
    with station.database.session(readonly=True) as session:
        missing = evidence_problem(session, find_case(session, code), station.settings)
    if missing is not None:
        add_sample_evidence(station, code, username)


def open_sample_case(station: Station, template_id: str = "minor-assault", *,
                     name: str = "张三", language: str = "zh",
                     arrived_at: datetime | None = None, arrival_mode: str = "summoned",
                     actor: str = "demo") -> Case:
    with station.database.session() as session:
        return open_case(session, station.settings, template_id, name,
                         arrived_at=arrived_at or datetime.now(UTC), arrival_mode=arrival_mode,
                         actor=actor, today=station.today(), language=language)


def sample_flat_for(station: Station, case_id: str, language: str = "zh") -> dict[str, Any]:
    """The sample answers (by path) for the template version a case was opened with."""
    with station.database.session(readonly=True) as session:
        template = template_of(session.get_one(Case, case_id).template_version)
    return sample_flat_answers(template, language, station.today())


def walk_sample_party(station: Station, start_code: str, *, language: str = "zh",
                      questions: int | None = None, name: str | None = None,
                      recorder: RecordingClock | None = None,
                      pause_s: float = 0) -> PartySession:
    """The party through the fixed steps and then `questions` answers (all when None).

    `name` is the party's name as the officer recorded it (the sample's name by default).
    With a `recorder`, every screen and answer carries its offset in the recording;
    `pause_s` is how long the party takes over each answer (a recording of some length).
    """
    party = PartySession.resume(station, start_code, recorder=recorder)
    flat = sample_flat_for(station, party.case_id, language)
    party.choose_language(language)
    party.acknowledge_terms()
    party.acknowledge_rights()
    party.consent(True)
    identity = sample_party(language)
    if name is not None:
        identity["name"] = name
    state = party.confirm_identity(identity)
    answered = 0
    while state.position != REVIEW and (questions is None or answered < questions):
        if state.position not in flat:
            raise LookupError(f"the sample has no answer for {state.position}")
        time.sleep(pause_s)
        state = party.answer(state.position, flat[state.position])
        answered += 1
    return party


def sign_sample(party: PartySession) -> PartyState:
    """Signs and submits a party's interview that reached the review screen."""
    party.to_signature()
    return party.sign(signature_png(), SAMPLE_STROKES)


def submitted_sample_case(station: Station, template_id: str = "minor-assault", *,
                          name: str = "张三", language: str = "zh",
                          arrived_at: datetime | None = None,
                          recorder: Recorder | None = None, pause_s: float = 0) -> Case:
    """A case answered and signed at the kiosk, waiting in the officer's queue.

    With a `recorder`, the kiosk session is recorded as the kiosk records it: from the start
    code accepted to just after the signature (PSAPL Art. 97; PR Art. 263).
    """
    case = open_sample_case(station, template_id, name=name, language=language,
                            arrived_at=arrived_at)
    if recorder is not None:
        recorder.start(case.id, "interview")
    try:
        sign_sample(walk_sample_party(station, case.start_code, language=language, name=name,
                                      recorder=recorder, pause_s=pause_s))
    finally:
        if recorder is not None:
            recorder.stop()
    with station.database.session(readonly=True) as session:
        return session.get_one(Case, case.id)


def answer_sample_notice(station: Station, case_id: str, *, argument: str | None = None) -> None:
    """The party, called back to the kiosk, hears the notice and accepts it (or argues), and
    signs, as the notice screen does."""
    party = PartySession(station, case_id)
    party.notice_shown()
    party.answer_notice(argument is None, grounds=() if argument is None else ("penalty",),
                        text=argument or "", png=signature_png(), strokes=SAMPLE_STROKES)


SAMPLE_COUNTY_APPROVER = "county"


def county_approver(station: Station) -> User:
    """The sample county-level approver (PSAPL Art. 109), added on first use."""
    with station.database.session() as session:
        found = session.execute(select(User).where(
            User.username == SAMPLE_COUNTY_APPROVER)).scalar_one_or_none()
        if found is not None:
            return found
        return add_user(session, SAMPLE_COUNTY_APPROVER, "county-password-1",
                        [Role.COUNTY_APPROVER.value], actor="sample",
                        display_name="分局审批人 County approver")


def decide_after_notice(station: Station, code: str, officer: User, decision: Decision, *,
                        argument: str | None = None, reply: str | None = None,
                        take_over: bool = False, corroborate: bool = True,
                        county: User | None = None) -> Case:
    """The last review level decides as PSAPL Art. 112 has it, each step its own transaction:
    it proposes the penalty, the party accepts it at the kiosk (or argues, and `reply` answers
    the argument), and the officer approves the proposal. "No penalty" is approved directly.

    A penalty needs evidence besides the statement (PSAPL Art. 111): with `corroborate`, a case
    that has none yet gets the officer's photo of the injury first. A penalty of the county
    organ's (PSAPL Art. 109) is then decided at its level by `county` (the sample county
    approver when None).
    """
    given: Decision | None = decision
    if decision.penalty_type != PenaltyType.NO_PENALTY:
        given = None  # the proposal is decided
        if corroborate:
            corroborate_case(station, code, officer.username)
        with station.database.session() as session:
            case = find_case(session, code)
            penalty_notice.propose(session, case, officer, station.settings, decision,
                                   take_over=take_over)
            case_id = case.id
        answer_sample_notice(station, case_id, argument=argument)
        if argument is not None:
            with station.database.session() as session:
                penalty_notice.answer_argument(session, find_case(session, code), officer,
                                               station.settings, reply or "经复核，维持原拟处罚。")
    with station.database.session() as session:
        case = approve_level(session, find_case(session, code), officer, station.settings,
                             decision=given, take_over=take_over)
        if case.status != CaseStatus.IN_REVIEW:
            return case
    county = county or county_approver(station)
    with station.database.session() as session:
        return approve_level(session, find_case(session, code), county, station.settings)
