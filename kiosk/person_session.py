"""A victim's or witness's side of a case at the kiosk, headless: the twin of PartySession.

The same screens serve them as serve the party, with their own steps: the language, the notice
of their role in place of the rights notice (the duty to testify truthfully, and liability for
false testimony: PSAPL Art. 72), their identity, their template's questions, the review and the
signature. There are no fast-track terms and no consent: the fast-track is the offender's to
accept. Every method is one transaction and saves where the person is, so their start code
brings them back to the same screen. The state is a `PartyState`, as the screens know it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import CaseError, CaseNotFound
from kiosk.interview import Interview
from kiosk.models import Person
from kiosk.notices import Notice
from kiosk.party import (
    FINISHED,
    IDENTITY,
    LANGUAGE,
    REVIEW,
    RIGHTS_STEP,
    SIGNATURE,
    PartySession,
    PartyState,
    RecordingClock,
)
from kiosk.persons import (
    PersonStatus,
    acknowledge_notice,
    find_person,
    notice_of,
    person_interview,
    record_person_identity,
    save_person_answers,
    start_person,
    submit_person,
)
from kiosk.station import Station

FIXED_STEPS = (LANGUAGE, RIGHTS_STEP, IDENTITY)


class PersonSession:
    """One victim's or witness's kiosk session."""

    def __init__(self, station: Station, person_id: str, case_id: str) -> None:
        self.station = station
        self.person_id = person_id
        self.case_id = case_id  # whose changes concern this session, as PartySession.case_id

    @classmethod
    def resume(cls, station: Station, start_code: str) -> PersonSession:
        """The session of the person of an open case with this start code (CaseNotFound
        otherwise; the caller records a refused code, as PartySession.resume does)."""
        with station.database.session() as session:
            person = find_person(session, start_code)
            record_event(session, "party", "kiosk.resumed", case_id=person.case_id,
                         payload={"person": person.id, "position": person.current_path})
            return cls(station, person.id, person.case_id)

    # -- reading -----------------------------------------------------------------------------

    def _clock(self) -> dict[str, Any]:
        return {"today": self.station.today(),
                "now": self.station.local_now().replace(tzinfo=None)}

    def _person(self, session: Session) -> Person:
        person = session.get(Person, self.person_id)
        if person is None:
            raise CaseNotFound("the person is no longer of an open case")
        return person

    def state(self) -> PartyState:
        with self.station.database.session(readonly=True) as session:
            return self._state(session, self._person(session))

    def _state(self, session: Session, person: Person) -> PartyState:
        interview = person_interview(session, person, **self._clock())
        return PartyState(person.case_id, person.status, person.language,
                          _position(person, interview), interview, dict(person.identity),
                          person.name)

    def notice(self, notice_id: str = "") -> Notice:
        """The notice of the person's role, whichever notice screen asks (it is their rights
        notice)."""
        with self.station.database.session(readonly=True) as session:
            return notice_of(self._person(session), self.station.settings.resolved_templates_dir)

    # -- acting ------------------------------------------------------------------------------

    def _act(self, action: Any) -> PartyState:
        with self.station.database.session() as session:
            person = self._person(session)
            action(session, person)
            session.flush()
            return self._state(session, person)

    def choose_language(self, language: str) -> PartyState:
        def choose(session: Session, person: Person) -> None:
            _check_language(language, self.station)
            start_person(session, person)
            person.language = language
            person.current_path = _after_language(person)

        return self._act(choose)

    def set_language(self, language: str) -> PartyState:
        def switch(session: Session, person: Person) -> None:
            _check_language(language, self.station)
            person.language = language

        return self._act(switch)

    def acknowledge_rights(self) -> PartyState:
        """The person read (and heard) the notice of their role to the end and confirmed it."""

        def acknowledge(session: Session, person: Person) -> None:
            acknowledge_notice(session, person, self.station.settings.resolved_templates_dir)
            person.current_path = IDENTITY

        return self._act(acknowledge)

    def confirm_identity(self, raw: Mapping[str, Any]) -> PartyState:
        def confirm(session: Session, person: Person) -> None:
            record_person_identity(session, person, raw, today=self.station.today())
            interview = person_interview(session, person, **self._clock())
            first = interview.first_open_screen() or interview.next_screen()
            person.current_path = first.path if first else REVIEW

        return self._act(confirm)

    def answer(self, path: str, raw: Any) -> PartyState:
        def give(session: Session, person: Person) -> None:
            interview = save_person_answers(session, person, [(path, raw)], **self._clock())
            following = interview.next_screen(path)
            person.current_path = following.path if following else REVIEW

        return self._act(give)

    def go_to(self, position: str) -> PartyState:
        def move(session: Session, person: Person) -> None:
            _require_answering(person)
            person.current_path = position

        return self._act(move)

    def back(self) -> PartyState:
        def go_back(session: Session, person: Person) -> None:
            _require_answering(person)
            interview = person_interview(session, person, **self._clock())
            position = _position(person, interview)
            if position == SIGNATURE:
                person.current_path = REVIEW
            elif position == REVIEW:
                person.current_path = interview.screens[-1].path if interview.screens \
                    else REVIEW
            elif not position.startswith("@"):
                previous = interview.previous_screen(position)
                person.current_path = previous.path if previous else position

        return self._act(go_back)

    def to_signature(self) -> PartyState:
        def confirm(session: Session, person: Person) -> None:
            _require_answering(person)
            problems = person_interview(session, person, **self._clock()).problems()
            person.current_path = problems[0][0].path if problems else SIGNATURE

        return self._act(confirm)

    def sign(self, png: bytes, strokes: Sequence[Sequence[Sequence[float]]]) -> PartyState:
        """The person signs their statement on the screen; it is submitted at once."""

        def sign_and_submit(session: Session, person: Person) -> None:
            submit_person(session, person, signature_png=png,
                          strokes=[[list(point) for point in stroke] for stroke in strokes],
                          **self._clock())
            person.current_path = FINISHED

        return self._act(sign_and_submit)


def _check_language(language: str, station: Station) -> None:
    if language not in station.settings.languages:
        raise CaseError(f"language {language!r} is not offered", reason="language_not_offered",
                        language=language)


def _require_answering(person: Person) -> None:
    if person.status != PersonStatus.IN_PROGRESS:
        raise CaseError(f"the person is {person.status}; they cannot change it now",
                        reason="person_wrong_status", status=person.status)


def _after_language(person: Person) -> str:
    if person.notice_acknowledged_at is None:
        return RIGHTS_STEP
    if not person.identity:
        return IDENTITY
    return person.current_path if person.current_path and \
        person.current_path not in FIXED_STEPS else REVIEW


def _position(person: Person, interview: Interview) -> str:
    """The screen to show for a person as stored."""
    if person.status == PersonStatus.ADDED:
        return LANGUAGE
    if person.status == PersonStatus.SUBMITTED:
        return FINISHED
    position = person.current_path or LANGUAGE
    if position.startswith("@"):
        return position
    try:
        interview.screen(position)
    except ValueError:
        first = interview.first_open_screen()
        return first.path if first else REVIEW
    return position



def resume_at_kiosk(station: Station, start_code: str, *,
                    recorder: RecordingClock | None = None) -> PartySession | PersonSession:
    """The kiosk session a start code opens: a victim's or witness's, or else the party's
    (whose refusal of an unknown code is recorded, as PartySession.resume does). Start codes
    are unique among the open cases and their persons, so the order does not matter.

    The party's answers carry their place in the recording (`recorder`); a person's are
    recorded with the case but not yet indexed by answer."""
    try:
        return PersonSession.resume(station, start_code)
    except CaseNotFound:
        return PartySession.resume(station, start_code, recorder=recorder)
