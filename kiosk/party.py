"""The party's side of a case at the kiosk, headless: the twin of the kiosk screens.

Every method is one transaction and saves where the party is, so a crash, a power cut or the
idle timeout loses nothing: the start code brings the party back to the same screen. The screens
hold no interview logic; they show a `PartyState` and call these methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from kiosk import penalty_notice
from kiosk.answer_types import AnswerError
from kiosk.audit import record_event
from kiosk.cases import (
    AnswerRejected,
    CaseError,
    CaseNotFound,
    acknowledge_rights,
    find_by_start_code,
    interview_of,
    record_consent,
    record_identity,
    record_statement_read_aloud,
    save_answers,
    set_language,
    start_interview,
    submit_case,
)
from kiosk.guessing import (
    GuessingThrottled,
    GuessKind,
    check_allowed,
    record_refusal,
    this_machine,
)
from kiosk.interview import ExclusionHit, Interview, InterviewError, Screen
from kiosk.models import Case, Signature
from kiosk.notices import RIGHTS, TERMS, Notice, load_notice
from kiosk.recording.store import RecordingPosition, add_mark
from kiosk.review import open_comments
from kiosk.states import FINAL, CaseStatus
from kiosk.station import Station

# Positions of the fixed steps; question screens use their answer path (which never starts @).
LANGUAGE = "@language"
TERMS_STEP = "@terms"
RIGHTS_STEP = "@rights"
CONSENT = "@consent"
IDENTITY = "@identity"
REVIEW = "@review"
SIGNATURE = "@signature"
WAITING = "@waiting"
NOTICE = "@notice"  # called back: the intended penalty, before the decision (PSAPL Art. 112)
FINISHED = "@finished"

FIXED_STEPS = (LANGUAGE, TERMS_STEP, RIGHTS_STEP, CONSENT, IDENTITY)
MAX_STROKE_POINTS = 20_000


@dataclass(frozen=True)
class PartyState:
    """Everything one kiosk screen needs to show, read in one transaction."""

    case_id: str
    status: str
    language: str
    position: str
    interview: Interview
    party: Mapping[str, Any]
    party_name: str
    comments: Mapping[str, str] = field(default_factory=dict)
    conversion_reason: str | None = None
    penalty_notice: Mapping[str, Any] | None = None
    """At NOTICE: the intended penalty (`proposal`: the decision's fields), place, rights."""

    @property
    def screen(self) -> Screen | None:
        """The question on screen, when the position is a question."""
        if self.position.startswith("@"):
            return None
        try:
            return self.interview.screen(self.position)
        except ValueError:
            return None


class RecordingClock(Protocol):
    """Where the kiosk's recording is now (kiosk.recording.Recorder); None: not recording."""

    def position(self) -> RecordingPosition | None: ...


class PartySession:
    """One party's kiosk session on one case.

    With a `recorder` attached, every screen the party is moved to, every answer and the
    signature carry the moment of the recording they happened at (PSAPL Art. 97, PR Art. 263).
    """

    def __init__(self, station: Station, case_id: str, *,
                 recorder: RecordingClock | None = None) -> None:
        self.station = station
        self.case_id = case_id
        self.recorder = recorder

    def _position(self) -> RecordingPosition | None:
        return self.recorder.position() if self.recorder is not None else None

    @classmethod
    def resume(cls, station: Station, start_code: str, *,
               recorder: RecordingClock | None = None,
               machine: str | None = None) -> PartySession:
        """The session of the open case with this start code (CaseNotFound otherwise).

        Typed at kiosk `machine` (this one by default). A wrong code is counted and audited; too
        many on one kiosk make it wait, and while it waits no code is looked at
        (GuessingThrottled: kiosk/guessing.py).
        """
        machine = machine or this_machine()
        now = station.now()
        try:
            with station.database.session() as session:
                check_allowed(session, GuessKind.START_CODE, machine, now)
                case = find_by_start_code(session, start_code)
                record_event(session, "party", "kiosk.resumed", case_id=case.id,
                             payload={"position": case.current_path})
                return cls(station, case.id, recorder=recorder)
        except CaseNotFound as not_found:
            # Recorded, so guessing at start codes shows in the audit trail.
            with station.database.session() as session:
                refusal = record_refusal(session, GuessKind.START_CODE, machine, now)
            if refusal.wait is not None:
                raise GuessingThrottled(GuessKind.START_CODE, machine, now + refusal.wait,
                                        now) from not_found
            raise

    # -- reading -----------------------------------------------------------------------------

    def _clock(self) -> dict[str, Any]:
        return {"today": self.station.today(),
                "now": self.station.local_now().replace(tzinfo=None)}

    def _case(self, session: Session) -> Case:
        case = session.get(Case, self.case_id)
        if case is None:
            raise CaseError("the case no longer exists")
        return case

    def state(self) -> PartyState:
        with self.station.database.session(readonly=True) as session:
            return self._state(session, self._case(session))

    def _state(self, session: Session, case: Case) -> PartyState:
        interview = interview_of(session, case, **self._clock())
        comments = {}
        if case.status in (CaseStatus.RETURNED, CaseStatus.IN_PROGRESS) and \
                case.submission_count > 0:
            comments = {c.path: c.text for c in open_comments(session, case)}
        position = _position(case, interview)
        told = None
        if penalty_notice.awaits_party(session, case):
            notice = penalty_notice.open_notice(session, case)
            assert notice is not None
            position = NOTICE
            told = {"proposal": dict(notice.proposal), "place": notice.place,
                    "rights": list(notice.rights), "proposed_at": notice.proposed_at}
        return PartyState(case.id, case.status, case.language, position, interview,
                          dict(case.party), case.party_name, comments,
                          case.conversion_reason, told)

    def notice(self, notice_id: str) -> Notice:
        return load_notice(self.station.settings.resolved_templates_dir, notice_id)

    # -- acting ------------------------------------------------------------------------------

    def _act(self, action: Any) -> PartyState:
        """Runs one change in one transaction and returns the state after it."""
        with self.station.database.session() as session:
            case = self._case(session)
            before = case.current_path
            action(session, case)
            session.flush()
            state = self._state(session, case)
            position = self._position()
            if position is not None and state.position != before:
                add_mark(session, position, "screen", state.position)
            return state

    def go_to(self, position: str) -> PartyState:
        """Remembers which screen the party is on (so a resume lands there)."""

        def move(session: Session, case: Case) -> None:
            _require_answering(case)
            case.current_path = position

        return self._act(move)

    def choose_language(self, language: str) -> PartyState:
        def choose(session: Session, case: Case) -> None:
            if case.status in (CaseStatus.OPENED, CaseStatus.RETURNED):
                start_interview(session, case)
            _require_answering(case)
            set_language(session, case, language, self.station.settings)
            case.current_path = _after_language(case)

        return self._act(choose)

    def set_language(self, language: str) -> PartyState:
        """Switches the language on any screen, without moving."""

        def switch(session: Session, case: Case) -> None:
            set_language(session, case, language, self.station.settings)

        return self._act(switch)

    def acknowledge_terms(self) -> PartyState:
        """The party has read (and heard) the fast-track terms to the end."""

        def acknowledge(session: Session, case: Case) -> None:
            _require_answering(case)
            notice = self.notice(TERMS)
            case.notices = {**case.notices, TERMS: notice.version}
            record_event(session, "party", "case.terms_read", case_id=case.id,
                         payload={"notice": TERMS, "version": notice.version})
            case.current_path = RIGHTS_STEP

        return self._act(acknowledge)

    def acknowledge_rights(self) -> PartyState:
        def acknowledge(session: Session, case: Case) -> None:
            notice = self.notice(RIGHTS)
            acknowledge_rights(session, case)
            case.notices = {**case.notices, RIGHTS: notice.version}
            case.current_path = CONSENT

        return self._act(acknowledge)

    def consent(self, consents: bool) -> PartyState:
        """Accepting goes on to identity; declining converts the case (the officer takes over)."""

        def decide(session: Session, case: Case) -> None:
            record_consent(session, case, consents=consents)
            if case.status == CaseStatus.IN_PROGRESS:
                case.current_path = IDENTITY

        return self._act(decide)

    def confirm_identity(self, raw: Mapping[str, Any]) -> PartyState:
        """Checks and stores the identity (IdentityProblem names the field to correct)."""

        def confirm(session: Session, case: Case) -> None:
            record_identity(session, case, raw, today=self.station.today())
            interview = interview_of(session, case, **self._clock())
            first = interview.first_open_screen() or interview.next_screen()
            case.current_path = first.path if first else REVIEW

        return self._act(confirm)

    def answer(self, path: str, raw: Any) -> PartyState:
        """Stores one answer (AnswerRejected says what to change) and moves on.

        While correcting a returned case, the party goes back to the review after each answer.
        """

        def give(session: Session, case: Case) -> None:
            interview = save_answers(session, case, [(path, raw)], **self._clock(),
                                     position=self._position())
            if case.status != CaseStatus.IN_PROGRESS:
                return  # an exclusion converted the case
            correcting = case.submission_count > 0
            following = None if correcting else interview.next_screen(path)
            case.current_path = following.path if following else REVIEW

        return self._act(give)

    def would_end_fast_track(self, path: str, raw: Any) -> ExclusionHit | None:
        """The exclusion this answer would trigger, for the kiosk's "are you sure" before it
        leaves the fast-track; nothing is saved and nothing is audited.

        Returns None when the answer would keep the case on the fast-track (or when the case is
        already excluded), else the exclusion: `hit.exclusion.id`, and `hit.reason(language)`
        says why in the party's language (the same words the officer will see as the
        conversion reason). Raises AnswerRejected, exactly as `answer` would, when the answer
        itself would be refused (then there is nothing to confirm: show its message), and
        CaseError when the party cannot answer now. The screen calls `answer` once the party
        confirms; it must not rely on this result then, as the case may have changed meanwhile.
        """
        with self.station.database.session(readonly=True) as session:
            case = self._case(session)
            _require_answering(case)
            interview = interview_of(session, case, **self._clock())
        try:
            return interview.would_end_fast_track(path, raw)
        except AnswerError as exc:
            raise AnswerRejected(path, exc.messages) from exc
        except InterviewError as exc:
            raise AnswerRejected(path, {"zh": str(exc), "en": str(exc)}) from exc

    def back(self) -> PartyState:
        """One screen back: from a question to the one before, from the review to the last."""

        def go_back(session: Session, case: Case) -> None:
            _require_answering(case)
            interview = interview_of(session, case, **self._clock())
            position = _position(case, interview)
            if position == SIGNATURE:
                case.current_path = REVIEW
            elif position == REVIEW:
                last = interview.screens[-1] if interview.screens else None
                case.current_path = last.path if last else REVIEW
            elif not position.startswith("@"):
                previous = interview.previous_screen(position)
                case.current_path = previous.path if previous else position

        return self._act(go_back)

    def to_signature(self) -> PartyState:
        """The party confirmed the statement on the review screen; now they sign."""

        def confirm(session: Session, case: Case) -> None:
            _require_answering(case)
            interview = interview_of(session, case, **self._clock())
            problems = interview.problems()
            if problems:
                case.current_path = problems[0][0].path
                return
            case.current_path = SIGNATURE

        return self._act(confirm)

    def statement_read_aloud(self) -> PartyState:
        """The whole statement was just read aloud to the party (by the kiosk or an officer),
        on the review screen before signing; the printed statement will say so."""

        def record(session: Session, case: Case) -> None:
            _require_answering(case)
            record_statement_read_aloud(session, case, interview_of(session, case,
                                                                    **self._clock()))

        return self._act(record)

    def sign(self, png: bytes, strokes: Sequence[Sequence[Sequence[float]]]) -> PartyState:
        """Stores the signature and submits the statement to the officer, in one transaction."""
        if not png.startswith(b"\x89PNG"):
            raise CaseError("the signature is not a PNG image")
        points = sum(len(stroke) for stroke in strokes)
        if not strokes or points == 0:
            raise CaseError("the signature is empty")
        if points > MAX_STROKE_POINTS:
            raise CaseError("the signature has too many points")

        def sign_and_submit(session: Session, case: Case) -> None:
            _require_answering(case)
            problems = interview_of(session, case, **self._clock()).problems()
            if problems:  # a question to answer first (say, the template was corrected)
                case.current_path = problems[0][0].path
                return
            position = self._position()
            session.add(Signature(case_id=case.id, submission=case.submission_count + 1,
                                  png=png, strokes=[[list(p) for p in s] for s in strokes],
                                  signed_at=datetime.now(UTC),
                                  recording_session_id=position.session_id if position else None,
                                  offset_ms=position.offset_ms if position else None))
            payload: dict[str, Any] = {"submission": case.submission_count + 1,
                                       "strokes": len(strokes), "points": points,
                                       "png_sha256": hashlib.sha256(png).hexdigest()}
            if position is not None:
                payload["recording"] = {"session": position.session_id,
                                        "offset_ms": position.offset_ms}
                add_mark(session, position, "signature", SIGNATURE)
            record_event(session, "party", "case.signed", case_id=case.id, payload=payload)
            submit_case(session, case, **self._clock())
            case.current_path = WAITING

        return self._act(sign_and_submit)

    def notice_shown(self) -> PartyState:
        """The notice of the intended penalty is on screen and read aloud: the party is told."""
        return self._act(lambda session, case: penalty_notice.mark_shown(session, case))

    def answer_notice(self, accepts: bool, *, grounds: Sequence[str] = (), text: str = "",
                      png: bytes | None = None,
                      strokes: Sequence[Sequence[Sequence[float]]] | None = None,
                      via: str = "kiosk") -> PartyState:
        """The party accepts the intended penalty, or states and argues; signed at the kiosk
        (PR Art. 46: an oral statement, recorded and signed)."""

        def give(session: Session, case: Case) -> None:
            penalty_notice.answer(session, case, accepts, grounds=grounds, text=text, via=via,
                                  signature=png, strokes=strokes)

        return self._act(give)


def _require_answering(case: Case) -> None:
    if case.status != CaseStatus.IN_PROGRESS:
        raise CaseError(f"the case is {case.status}; the party cannot change it now")


def _after_language(case: Case) -> str:
    """Where the party goes after choosing a language: the first fixed step not yet done."""
    if case.submission_count > 0:
        return REVIEW  # a returned case: straight to the review with the officer's comments
    if case.rights_acknowledged_at is None:
        return TERMS_STEP if TERMS not in case.notices else RIGHTS_STEP
    if case.consent_at is None:
        return CONSENT
    if not case.party:
        return IDENTITY
    return case.current_path if case.current_path and case.current_path not in FIXED_STEPS \
        else REVIEW


def _position(case: Case, interview: Interview) -> str:
    """The screen to show for a case as stored (the status decides when the party is done)."""
    if case.status == CaseStatus.OPENED:
        return LANGUAGE
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.RETURNED,
                       CaseStatus.MEDIATING):
        return WAITING  # returned: the waiting screen says so, and Continue opens the review
    if case.status in FINAL:
        return FINISHED
    position = case.current_path or LANGUAGE
    if position.startswith("@"):
        return position
    try:
        interview.screen(position)
    except ValueError:
        first = interview.first_open_screen()  # the question was hidden by a later change
        return first.path if first else REVIEW
    return position
