"""Review decisions: claim, comment and return, approve each level of the chain, convert."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import CaseError, convert_case, interview_of, lock, move, set_detention_possible
from kiosk.document_numbers import COUNTY, STATION, number_decision
from kiosk.evidence import evidence_problem
from kiosk.law import (
    Law,
    Offence,
    Penalty,
    PenaltyOutOfRange,
    authority_of,
    check_penalty,
    load_law,
)
from kiosk.models import Case, PenaltyNotice, ReviewAction, ReviewComment, User
from kiosk.recording.store import recording_problems
from kiosk.roles import Role
from kiosk.settings import Settings
from kiosk.states import FINAL, LABELS, CaseStatus
from kiosk.template_store import template_of

DECIDING_ROLES = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.COUNTY_APPROVER})
COUNTY_LEVEL = Role.COUNTY_APPROVER
"""The county-level organ's review level (PSAPL Art. 109), after the station's `review_chain`."""


class ReviewError(CaseError):
    """A review step this officer may not take on this case now; the message says why.

    Like every CaseError it names its rule (`reason`, `values`) for screens in other languages.
    """


# What an officer was refused, in the words of the English messages (the key is the screens').
ACTIONS = {"review": "review cases", "return": "return cases", "convert": "convert cases",
           "detention": "mark whether detention is possible"}


class PenaltyType(StrEnum):
    WARNING = "warning"                        # 警告
    FINE = "fine"                              # 罚款
    DETENTION = "detention"                    # 行政拘留
    DETENTION_AND_FINE = "detention_and_fine"  # 行政拘留并处罚款 (PSAPL Art. 51, 58, 59)
    NO_PENALTY = "no_penalty"                  # 不予处罚


_ARTICLE_RE = re.compile(r"^\s*(?:第\s*)?(\d{1,3})\s*条?\s*$")


@dataclass(frozen=True)
class Decision:
    """What the penalty decision document needs, fixed at the final review level.

    As given: the kind, days, amount, basis, circumstances and mitigation grounds. `checked`
    fills in what the law makes of it (with the case type's offence): the article, the tier, who
    decides it (PSAPL Art. 109), whether it is reduced on a mitigation ground, and whether
    detention is not executed (Art. 23).
    """

    penalty_type: str
    basis: str
    circumstances: str
    amount: int | None = None
    days: int | None = None
    mitigation: tuple[str, ...] = ()
    article: int | None = None
    tier: str | None = None
    authority: str | None = None
    reduced: bool = False
    not_executed: str | None = None
    offset_days: int | None = None  # PSAPL Art. 110: days already held, confirmed by the officer

    def checked(self, settings: Settings, offence: str | None = None, *,
                age: int | None = None, held: int | None = None) -> Decision:
        """The decision if complete and inside the law's and the fast-track's limits.

        `offence` is the case type's (templates/law/); without one only the settings' limits
        apply. `age` is the party's age on the day of the decision; `held` the whole days the
        party has been held for this case (`days_held`), which bound the days offset against
        the detention (PSAPL Art. 110). ReviewError says why not.
        """
        try:
            kind = PenaltyType(self.penalty_type)
        except ValueError as exc:
            kinds = ", ".join(p.value for p in PenaltyType)
            raise ReviewError(f"unknown penalty type {self.penalty_type!r} (one of: {kinds})",
                              reason="penalty_unknown", penalty=self.penalty_type) from exc
        law = load_law()
        the_offence = law.offence(offence) if offence else None
        basis = self._basis(law, the_offence, no_penalty=kind is PenaltyType.NO_PENALTY)
        if not self.circumstances.strip():
            raise ReviewError("the decision needs the circumstances considered (--circumstances)",
                              reason="circumstances_missing")
        has_fine = kind in (PenaltyType.FINE, PenaltyType.DETENTION_AND_FINE)
        has_detention = kind in (PenaltyType.DETENTION, PenaltyType.DETENTION_AND_FINE)
        if has_fine:
            if self.amount is None or self.amount <= 0:
                raise ReviewError("a fine needs its amount in yuan (--amount)",
                                  reason="amount_missing")
            if self.amount >= settings.hearing_fine_threshold:  # PSAPL Art. 117
                raise ReviewError(f"a fine of {self.amount} yuan reaches the hearing threshold "
                                  f"({settings.hearing_fine_threshold}); convert the case to the "
                                  f"ordinary procedure instead", reason="amount_needs_hearing",
                                  amount=self.amount, limit=settings.hearing_fine_threshold)
        elif self.amount is not None:
            raise ReviewError(f"an amount only goes with a fine, not with {kind.value}",
                              reason="amount_not_fine", penalty=kind.value)
        if has_detention:
            if self.days is None or self.days <= 0:
                raise ReviewError("detention needs its number of days (--days)",
                                  reason="days_missing")
            if self.days >= settings.detention_days_excluded:  # PR Art. 41
                raise ReviewError(f"detention of {self.days} days is outside the fast-track "
                                  f"({settings.detention_days_excluded} days or more); convert "
                                  f"the case to the ordinary procedure instead",
                                  reason="days_excluded", days=self.days,
                                  limit=settings.detention_days_excluded)
        elif self.days is not None:
            raise ReviewError(f"days only go with detention, not with {kind.value}",
                              reason="days_not_detention", penalty=kind.value)
        offset = self._offset(has_detention, held)
        grounds = tuple(dict.fromkeys(g.strip() for g in self.mitigation if g.strip()))
        fit = None
        if the_offence is not None:
            try:
                fit = check_penalty(law, the_offence, Penalty(kind.value, self.days, self.amount,
                                                              grounds), age=age)
            except PenaltyOutOfRange as exc:
                raise ReviewError(str(exc), reason=exc.reason, **exc.values) from exc
        return Decision(kind.value, basis, self.circumstances.strip(), self.amount, self.days,
                        grounds, the_offence.article if the_offence else None,
                        fit.tier.id if fit else None,
                        fit.authority if fit else authority_of(law, Penalty(
                            kind.value, self.days, self.amount)),
                        fit.reduced if fit else False, fit.not_executed if fit else None,
                        offset)

    def _offset(self, has_detention: bool, held: int | None) -> int | None:
        """PSAPL Art. 110: each day held for the same act counts against one day of detention;
        never more days than the detention, nor than the party was held."""
        if not self.offset_days:
            return None
        if not has_detention:
            raise ReviewError("days held only count against detention (PSAPL Art. 110)",
                              reason="offset_not_detention", article=110)
        if self.offset_days < 0 or (self.days is not None and self.offset_days > self.days):
            raise ReviewError(f"{self.offset_days} days held cannot count against a detention "
                              f"of {self.days} days (PSAPL Art. 110)",
                              reason="offset_exceeds_days", offset=self.offset_days,
                              days=self.days, article=110)
        if held is not None and self.offset_days > held:
            raise ReviewError(f"the party was held {held} whole days, not {self.offset_days} "
                              f"(PSAPL Art. 110)", reason="offset_exceeds_held",
                              offset=self.offset_days, held=held, article=110)
        return self.offset_days

    def _basis(self, law: Law, offence: Offence | None, *, no_penalty: bool = False) -> str:
        """The basis as the decision prints it: an article number becomes its citation.

        With the case type's offence, an empty basis is that article, and a penalty's basis must
        cite it (the decision names the article it applies, PSAPL Art. 115). A decision not to
        penalise may rest on another law's article instead (APL Art. 33, PSAPL Art. 20).
        """
        text = self.basis.strip()
        if offence is None:
            if not text:
                raise ReviewError("the decision needs its legal basis (--basis)",
                                  reason="basis_missing")
            return text
        parts = [part for part in re.split(r"[,，、;；]+", text) if part.strip()] or [
            str(offence.article)]
        numbers = [_ARTICLE_RE.match(part) for part in parts]
        if all(numbers):
            cited = [int(match.group(1)) for match in numbers if match]
            for number in cited:
                try:
                    law.article(number)
                except KeyError:
                    raise ReviewError(
                        f"article {number} is not in the law data (kiosk law list)",
                        reason="basis_unknown_article", article=number) from None
            if offence.article not in cited:
                cited.insert(0, offence.article)
            return "，".join(law.citation(number) for number in cited)
        cites = (law.citation(offence.article) in text
                 or f"第{offence.article}条" in text.replace(" ", "")
                 or re.search(rf"\bArt(?:icle|\.)\s*{offence.article}\b", text) is not None)
        if not no_penalty and not cites:
            raise ReviewError(f"the basis must cite {law.short['en']} Art. {offence.article}, the "
                              f"article of this case type; give the article number "
                              f"(--basis {offence.article})", reason="basis_wrong_article",
                              article=offence.article)
        return text


def party_age(case: Case, on: date) -> int | None:
    """The party's age in whole years on a day (for PSAPL Art. 23), if the birth date is known."""
    raw = (case.party or {}).get("birth_date")
    try:
        born = date.fromisoformat(str(raw))
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


HELD_ARRIVALS = ("summoned", "brought")  # in custody from the arrival (kiosk.cases.ArrivalMode)


def days_held(case: Case, until: datetime) -> int:
    """Whole days (24 hours each) the party has been held for this case until `until`: from
    the arrival when summoned or brought in and kept; 0 for a party who came in by themselves
    (PSAPL Art. 110: one day held counts against one day of detention)."""
    if case.arrival_mode not in HELD_ARRIVALS or case.arrived_at is None:
        return 0
    arrived = case.arrived_at if case.arrived_at.tzinfo else case.arrived_at.replace(tzinfo=UTC)
    return max(0, int((until - arrived).total_seconds() // 86400))


def _require_active(user: User) -> None:
    if user.is_disabled:
        raise ReviewError(f"the account {user.username!r} is disabled; it may not review cases",
                          reason="account_disabled", user=user.username)


def _require_level_role(user: User, level: int, role: str) -> None:
    """`level` counts from 0, as `Case.review_level` does; messages count from 1."""
    _require_active(user)
    if role not in user.roles:
        raise ReviewError(f"{user.username} may not approve level {level + 1} ({role}): it "
                          f"needs the role '{role}'", reason="level_role_needed",
                          user=user.username, level=level + 1, role=role)


def _require_any_role(user: User, roles: frozenset[Role], action: str) -> None:
    _require_active(user)
    if not set(user.roles) & set(roles):
        names = ", ".join(sorted(roles))
        raise ReviewError(f"{user.username} may not {ACTIONS[action]}: it needs one of the "
                          f"roles {names}", reason="role_needed", user=user.username,
                          action=action, roles=sorted(roles))


def _log(session: Session, case: Case, user: User, action: str, *, level: int | None = None,
         role: str | None = None, details: Mapping[str, Any] | None = None) -> None:
    body = dict(details or {})
    session.add(ReviewAction(case_id=case.id, action=action, level=level, role=role,
                             actor=user.username, details=body))
    record_event(session, user.username, f"review.{action}", case_id=case.id,
                 payload={"level": level, "role": role, **body})


def claim_case(session: Session, case: Case, user: User, *, take_over: bool = False,
               expected_version: int | None = None) -> Case:
    """An officer takes a submitted case into review; others see who has it.

    A case another officer holds is only taken over on purpose (`take_over`), and that is
    recorded, so two officers never work on one case without knowing it.
    """
    lock(case, expected_version)
    _require_any_role(user, DECIDING_ROLES, "review")
    if case.status == CaseStatus.SUBMITTED:
        move(case, CaseStatus.IN_REVIEW)
    elif case.status != CaseStatus.IN_REVIEW:
        raise ReviewError(f"case {case.code} is {_status_words(case)}; only a submitted case "
                          f"or one in review can be claimed", reason="not_claimable",
                          code=case.code, status=case.status)
    if case.claimed_by == user.username:
        return case
    previous = case.claimed_by
    if previous and not take_over:
        raise ReviewError(f"case {case.code} is being reviewed by {previous}; take it over "
                          f"on purpose (--take-over) if they cannot go on",
                          reason="claimed_by_other", code=case.code, user=previous)
    case.claimed_by = user.username
    case.claimed_at = datetime.now(UTC)
    _log(session, case, user, "taken_over" if previous else "claimed", level=case.review_level,
         details={"from": previous} if previous else None)
    return case


def _status_words(case: Case) -> str:
    return LABELS[CaseStatus(case.status)]["en"].lower()


def _approvers_of_this_round(session: Session, case: Case) -> set[str]:
    rows = session.execute(
        select(ReviewAction.actor, ReviewAction.details).where(
            ReviewAction.case_id == case.id, ReviewAction.action == "approved")
    )
    return {actor for actor, details in rows
            if details.get("submission") == case.submission_count}


def _last_approval(session: Session, case: Case) -> ReviewAction | None:
    return session.execute(
        select(ReviewAction).where(ReviewAction.case_id == case.id,
                                   ReviewAction.action == "approved")
        .order_by(ReviewAction.id.desc()).limit(1)).scalar_one_or_none()


def require_other_evidence(session: Session, case: Case, settings: Settings) -> None:
    """PSAPL Art. 111: a penalty never rests on the party's own statement alone."""
    problem = evidence_problem(session, case, settings)
    if problem is not None:
        raise ReviewError("a penalty needs evidence besides the party's own statement (PSAPL "
                          "Art. 111): add a photo, clip, document or receipt first (kiosk "
                          "evidence add)", reason=problem, code=case.code, article=111)


def needs_county(penalty: Mapping[str, Any] | None) -> bool:
    """Whether a penalty is the county-level organ's to decide (PSAPL Art. 109): detention, or
    a fine over 1,000 yuan (`Decision.checked` fills in `authority`)."""
    return bool(penalty) and penalty.get("authority") == "county"  # type: ignore[union-attr]


def _open_proposal(session: Session, case: Case) -> Mapping[str, Any] | None:
    return session.execute(
        select(PenaltyNotice.proposal).where(PenaltyNotice.case_id == case.id,
                                             PenaltyNotice.submission == case.submission_count,
                                             PenaltyNotice.closed.is_(None))
        .order_by(PenaltyNotice.id.desc()).limit(1)).scalar_one_or_none()


def chain_of(session: Session, case: Case, settings: Settings, *,
             penalty: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The review levels of this case: the station's `review_chain`, then the county-level
    organ's level (COUNTY_LEVEL) when the penalty at hand is the county's (PSAPL Art. 109).

    The penalty at hand is `penalty` (the one being decided now) if given, else the decided
    one, else the open proposal of the notice (PSAPL Art. 112). A case already at the county
    level keeps it. The station's last level proposes and hears the party; the county level
    decides the proposal (or a lighter penalty) and the decision is issued in its name.
    """
    station = tuple(settings.review_chain)
    if penalty is None:
        penalty = case.decision if case.decision is not None else _open_proposal(session, case)
    if needs_county(penalty) or case.review_level >= len(station):
        return (*station, COUNTY_LEVEL.value)
    return station


def approve_level(session: Session, case: Case, user: User, settings: Settings, *,
                  decision: Decision | None = None, take_over: bool = False,
                  expected_version: int | None = None) -> Case:
    """Approves the case's current review level; the final level decides.

    A penalty is decided only as proposed and noticed to the party (kiosk.penalty_notice,
    PSAPL Art. 112), or lighter; a decision not to penalise is given here directly.
    """
    lock(case, expected_version)
    level = case.review_level
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW):
        raise ReviewError(f"case {case.code} is {_status_words(case)}; only a submitted case "
                          f"or one in review can be approved", reason="not_approvable",
                          code=case.code, status=case.status)
    checked = None
    if decision is not None:
        today = datetime.now(ZoneInfo(settings.timezone)).date()  # the station's day
        checked = decision.checked(settings, template_of(case.template_version).offence,
                                   age=party_age(case, today),
                                   held=days_held(case, datetime.now(UTC)))
    proposing = len(settings.review_chain) - 1  # the station's last level (PSAPL Art. 112)
    if checked is not None and level == proposing:
        from kiosk.penalty_notice import refuse_raised

        refuse_raised(session, case, asdict(checked))  # before the level it would need
    chain = chain_of(session, case, settings,
                     penalty=asdict(checked) if checked is not None and level <= proposing
                     else None)
    if level >= len(chain):
        raise ReviewError(f"case {case.code} has no review level {level + 1}",
                          reason="no_such_level", code=case.code, level=level + 1)
    role = chain[level]
    if role not in user.roles and level > 0:
        # Often a race: this officer meant the level someone else approved a moment ago.
        last = _last_approval(session, case)
        if last is not None:
            raise ReviewError(f"{user.username} may not approve level {level + 1} ({role}): it "
                              f"needs the role '{role}'. Level {level} was approved by "
                              f"{last.actor} at {last.at:%H:%M:%S} UTC",
                              reason="level_role_needed_after", user=user.username,
                              level=level + 1, role=role, previous=level, actor=last.actor,
                              at=last.at)
    _require_level_role(user, level, role)
    if user.username in _approvers_of_this_round(session, case):
        raise ReviewError(f"{user.username} already approved an earlier level of this case; "
                          f"each level is decided by a different person",
                          reason="approved_before", user=user.username)
    is_final = level == len(chain) - 1
    if not is_final and checked is not None:
        raise ReviewError(f"the decision is given at the final level ({chain[-1]}), not at "
                          f"level {level + 1}", reason="decision_too_early", role=chain[-1],
                          level=level + 1)
    decided = None
    if is_final:
        require_complete_recording(session, case, settings)  # the statement first (Art. 108)
        # Built on this module: a penalty is proposed and noticed first (PSAPL Art. 112).
        from kiosk.penalty_notice import decision_to_record

        decided = decision_to_record(session, case, checked)
        if decided is None:
            raise ReviewError("the final level needs the decision: --penalty-type, --amount or "
                              "--days, --basis and --circumstances", reason="decision_missing")
        if decided["penalty_type"] != PenaltyType.NO_PENALTY:
            require_other_evidence(session, case, settings)
        if level > proposing:  # PSAPL Art. 109: the county organ decided; issued in its name
            decided = {**decided, "authority": "county"}
    elif level == proposing:
        # PSAPL Art. 109, 112: the station's last level passes the county organ a penalty the
        # party was told of and heard on, never one still unanswered.
        from kiosk.penalty_notice import require_heard

        require_heard(session, case)
        require_other_evidence(session, case, settings)
    claim_case(session, case, user, take_over=take_over)
    details: dict[str, Any] = {"submission": case.submission_count, "chain": list(chain)}
    if is_final:
        move(case, CaseStatus.APPROVED)
        case.decision = decided
        case.decided_at = datetime.now(UTC)
        # PSAPL Art. 109, 115: numbered by the organ that issues it, in this transaction.
        case.decision_number = number_decision(
            session, settings, COUNTY if needs_county(decided) else STATION, case.decided_at)
        details["decision"] = case.decision
        details["decision_number"] = case.decision_number
    else:
        case.claimed_by = None  # the next level's officer claims it
        case.claimed_at = None
    case.review_level = level + 1
    _log(session, case, user, "approved", level=level, role=role, details=details)
    return case


def require_complete_recording(session: Session, case: Case, settings: Settings) -> None:
    """A statement without a complete synchronized recording cannot be the basis of a penalty
    (PSAPL Art. 97, 108): while the station requires one, the final approval (and a proposal)
    is refused, naming what is missing."""
    if not settings.recording_required:
        return
    problems = recording_problems(session, case.id)
    if problems:
        raise ReviewError(f"case {case.code} has no complete audio and video recording of its "
                          f"questioning ({', '.join(problems)}): it cannot be decided on the "
                          f"fast-track; convert it", reason="recording_incomplete",
                          code=case.code, problems=problems)


def return_case(session: Session, case: Case, user: User, comments: Mapping[str, str], *,
                today: date, now: datetime, take_over: bool = False,
                expected_version: int | None = None) -> Case:
    """Sends the case back to the party with a comment on each answer to correct."""
    lock(case, expected_version)
    _require_any_role(user, DECIDING_ROLES, "return")
    if not comments:
        raise ReviewError("a return needs at least one comment on an answer (--comment ID=TEXT)",
                          reason="comments_missing")
    interview = interview_of(session, case, today=today, now=now)
    shown = {screen.path for screen in interview.screens}
    for path, text in comments.items():
        if path not in shown:
            raise ReviewError(f"'{path}' is not a question of this case's statement",
                              reason="not_a_question", path=path)
        if not text.strip():
            raise ReviewError(f"the comment on '{path}' is empty", reason="comment_empty",
                              path=path)
    if case.status not in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW):
        raise ReviewError(f"case {case.code} is {_status_words(case)}; only a case in review "
                          f"can be returned", reason="not_returnable", code=case.code,
                          status=case.status)
    claim_case(session, case, user, take_over=take_over)
    move(case, CaseStatus.RETURNED)
    for path, text in comments.items():
        session.add(ReviewComment(case_id=case.id, path=path, text=text.strip(),
                                  author=user.username, submission=case.submission_count))
    case.review_level = 0
    case.claimed_by = None
    _log(session, case, user, "returned", details={"comments": dict(comments)})
    return case


def convert_by_officer(session: Session, case: Case, user: User, reason: str, *,
                       expected_version: int | None = None) -> Case:
    _require_any_role(user, DECIDING_ROLES, "convert")
    lock(case, expected_version)
    if case.status in FINAL:
        raise ReviewError(f"case {case.code} is already {_status_words(case)}",
                          reason="already_decided", code=case.code, status=case.status)
    convert_case(session, case, reason, actor=user.username)
    session.add(ReviewAction(case_id=case.id, action="converted", level=None, role=None,
                             actor=user.username, details={"reason": reason}))
    return case


def mark_detention_possible(session: Session, case: Case, user: User, settings: Settings,
                            possible: bool = True, *,
                            expected_version: int | None = None) -> Case:
    """An officer marks (or unmarks) that detention is possible: the longer questioning limit.

    Not a review step (nobody claims the case for it, and it decides nothing): any officer who
    may decide cases may mark it while the case is open, and the audit chain says who did.
    """
    _require_any_role(user, DECIDING_ROLES, "detention")
    return set_detention_possible(session, case, settings, possible, actor=user.username,
                                  expected_version=expected_version)


def open_comments(session: Session, case: Case) -> list[ReviewComment]:
    """The comments of the latest return, which the party must address."""
    return list(session.execute(
        select(ReviewComment).where(ReviewComment.case_id == case.id,
                                    ReviewComment.submission == case.submission_count)
        .order_by(ReviewComment.id)
    ).scalars())


def review_actions(session: Session, case: Case) -> list[ReviewAction]:
    return list(session.execute(
        select(ReviewAction).where(ReviewAction.case_id == case.id).order_by(ReviewAction.id)
    ).scalars())
