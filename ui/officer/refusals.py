"""Why the core refused what the officer asked, in the console's language.

The core's errors name their rule (`reason`) and its values; the words are the console's own
(`ERRORS` in strings.py), so the English of the command line never reaches a Chinese screen.
Values are shown as the console shows them elsewhere: states and roles by their labels,
times in the station's zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from kiosk.cases import CaseNotFound, Conflict
from kiosk.messages import pick
from kiosk.states import LABELS, CaseStatus, TransitionError
from kiosk.template_store import TemplateNotFound
from ui.kiosk.strings import lookup
from ui.officer.strings import ERRORS, RECORDING_PROBLEMS, STRINGS, tr
from ui.officer.timezone import local
from ui.roles import role_words

# Errors that carry no reason of their own, named by what they are.
_BY_TYPE: tuple[tuple[type[BaseException], str], ...] = (
    (CaseNotFound, "case_not_found"),
    (TemplateNotFound, "template_not_found"),
    (TransitionError, "transition"),
)


def _state_words(status: object, language: str) -> str:
    return LABELS[CaseStatus(status)][language] \
        if status in CaseStatus._value2member_map_ else str(status)


def _penalty_words(kind: object, language: str) -> str:
    key = f"penalty_{kind}"
    return tr(key, language) if key in STRINGS else str(kind)


def _value_words(key: str, value: object, language: str) -> object:
    """One value of a refusal as the console words it."""
    separator = "、" if language == "zh" else ", "
    if key == "status":
        return _state_words(value, language)
    if key == "needed" and isinstance(value, list | tuple):
        return (" 或 " if language == "zh" else " or ").join(
            _state_words(v, language) for v in value)
    if key == "role":
        return role_words(str(value), language)
    if key == "roles" and isinstance(value, list | tuple):
        return separator.join(role_words(str(v), language) for v in value)
    if key == "penalty":
        return _penalty_words(value, language)
    if key == "kind" and f"evidence_kind_{value}" in STRINGS:
        return tr(f"evidence_kind_{value}", language)
    if key == "problems" and isinstance(value, list | tuple):
        return separator.join(RECORDING_PROBLEMS[str(v)][language]
                              if v in RECORDING_PROBLEMS else str(v) for v in value)
    if key == "action":
        return lookup(ERRORS, f"action_{value}", language, {}) \
            if f"action_{value}" in ERRORS else value
    if isinstance(value, datetime):
        return local(value, "%H:%M:%S")
    return value


def why_refused(exc: BaseException, language: str) -> str:
    """What was wrong, in `language`; the error's own text only for what the core never words.

    (A lost database connection, say, keeps its driver's message: it is for the technician.)
    """
    messages = getattr(exc, "messages", None)
    if isinstance(messages, Mapping) and messages:  # the party's messages, per language
        return pick(messages, language)
    if isinstance(exc, Conflict | StaleDataError):  # the console says who, where it can
        return tr("who_unknown", language)
    reason = getattr(exc, "reason", "")
    values = getattr(exc, "values", {})
    if not (isinstance(reason, str) and reason in ERRORS):
        reason = next((key for kind, key in _BY_TYPE if isinstance(exc, kind)), "")
        values = {}
    if not reason:
        return str(exc)
    words = {key: _value_words(key, value, language) for key, value in values.items()}
    return lookup(ERRORS, reason, language, words)


def refusal(exc: BaseException, language: str) -> str:
    """The action bar's line for a refused action: 未能完成：<why>."""
    return tr("refused", language, why=why_refused(exc, language))
