"""Versioned template editing: drafts, publishing (with four eyes), retiring, diffs, export.

The life of a template change (templates/README.md, "Drafts, versions, publishing"):

- An admin starts a draft from the newest published version (`start_draft`), writes a new
  template (`new_template_draft`) or imports a file (`import_draft`). A template has at most one
  open draft. The draft holds the YAML as written, valid or not, and is saved as often as liked.
- Publishing (`publish_draft`) validates the draft and stores it as the next version through
  `template_store.publish_source`: published versions never change, and a case keeps the version
  it was opened with. With the station setting `template_four_eyes`, publishing asks for a
  second admin's approval (`approve_publication`), which publishes exactly the text asked for.
- A published version can be retired (`retire_version`): new cases then use the newest version
  not retired; cases already opened keep theirs. `restore_version` undoes it.

Drafts are closed, never deleted (the station's application account may not delete rows).
"""

from __future__ import annotations

import difflib
import hashlib
import io
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Final, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kiosk.audit import record_event
from kiosk.models import TemplateDraft, TemplateVersion, User
from kiosk.roles import Role
from kiosk.settings import Settings
from kiosk.template_loader import (
    LANGUAGE_RE,
    MAX_SOURCE_BYTES,
    REQUIRED_LANGUAGES,
    SLUG_RE,
    TemplateInvalid,
    TemplateProblem,
    parse_template,
)
from kiosk.template_model import ELIGIBILITY_SECTION_ID, Question, Template
from kiosk.template_store import (
    TemplateNotFound,
    get_version,
    latest_version,
    publish_source,
)

EDITING: Final = "editing"
AWAITING_APPROVAL: Final = "awaiting_approval"
PUBLISHED: Final = "published"    # closed: the draft became a version
DISCARDED: Final = "discarded"    # closed: thrown away
OPEN_STATUSES = (EDITING, AWAITING_APPROVAL)


class DraftError(ValueError):
    """A draft operation that cannot be carried out; the message says why and what to do."""


class DraftNotFound(DraftError, LookupError):
    """The template has no open draft."""


class DraftExists(DraftError):
    """The template already has an open draft (one draft per template)."""


class DraftConflict(DraftError):
    """Someone else changed the draft meanwhile (another save, another request).

    `changed_by` and `changed_at` say who and when, where known, for a screen's own wording.
    """

    def __init__(self, message: str, *, changed_by: str | None = None,
                 changed_at: datetime | None = None) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class FourEyesRefused(DraftError):
    """The admin who asked to publish a draft may not also approve it."""


class AdminRequired(DraftError, PermissionError):
    """Only an admin account may do this."""


# -- reading -----------------------------------------------------------------------------------


def _open_draft(session: Session, template_id: str) -> TemplateDraft | None:
    row = _draft_row(session, template_id)
    return row if row is not None and row.is_open else None


def _draft_row(session: Session, template_id: str) -> TemplateDraft | None:
    return session.execute(
        select(TemplateDraft).where(TemplateDraft.template_id == template_id)
    ).scalar_one_or_none()


def get_draft(session: Session, template_id: str) -> TemplateDraft:
    """The open draft of a template; DraftNotFound when there is none."""
    draft = _open_draft(session, template_id)
    if draft is None:
        raise DraftNotFound(f"template '{template_id}' has no draft (start one from its newest "
                            f"version, or import a file)")
    return draft


def list_drafts(session: Session) -> list[TemplateDraft]:
    """Every open draft, by template id."""
    return list(session.execute(
        select(TemplateDraft).where(TemplateDraft.status.in_(OPEN_STATUSES))
        .order_by(TemplateDraft.template_id)
    ).scalars())


def _sha256(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _draft_filename(template_id: str) -> str:
    return f"{template_id} (draft)"


def _flush(session: Session, template_id: str) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise DraftConflict(f"someone else changed the draft of '{template_id}' at the same "
                            f"moment; open it again") from exc
    except IntegrityError as exc:  # two admins starting the first draft of a template at once
        raise DraftExists(f"someone else started a draft of '{template_id}' at the same "
                          f"moment; open it") from exc


# -- starting a draft -------------------------------------------------------------------------


def _exists(draft: TemplateDraft) -> DraftExists:
    return DraftExists(f"template '{draft.template_id}' already has a draft (last saved by "
                       f"{draft.updated_by} at {draft.updated_at:%Y-%m-%d %H:%M} UTC); open it, "
                       f"or discard it first")


def _store_new_draft(session: Session, template_id: str, source: str, base_version: int | None,
                     *, actor: str, how: str, replace: bool = False) -> TemplateDraft:
    """Opens the template's draft, taking over a closed draft row if there is one."""
    row = _draft_row(session, template_id)
    if row is not None and row.is_open and not replace:
        raise _exists(row)
    if row is None:
        row = TemplateDraft(template_id=template_id)
        session.add(row)
    row.base_version = base_version
    row.source = source
    row.status = EDITING
    row.updated_by = actor
    row.updated_at = datetime.now(UTC)
    row.requested_by = row.requested_at = row.requested_sha256 = None
    _flush(session, template_id)
    record_event(session, actor, "template.draft_started",
                 payload={"template": template_id, "from": how, "base_version": base_version,
                          "sha256": _sha256(source)})
    return row


def _version_value_span(source: str) -> tuple[int, int] | None:
    """Where the top-level `version:` value is in the text (character offsets), if plain."""
    try:
        node = YAML(typ="rt").compose(source)
    except YAMLError:
        return None
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        tag = str(getattr(value.tag, "value", value.tag))
        if key.value == "version" and tag.endswith(":int") and value.style is None:
            return value.start_mark.index, value.end_mark.index
    return None


def with_version(source: str, version: int) -> str:
    """The same YAML text with only its `version:` value changed.

    ruamel's round-trip composer finds the value; the text around it is kept byte for byte, so
    comments, key order, quoting and line breaks stay exactly as the admin wrote them.
    """
    span = _version_value_span(source)
    if span is None:
        raise DraftError("the template's 'version:' is not a plain whole number at the top "
                         "level, so it cannot be raised automatically")
    start, end = span
    return source[:start] + str(version) + source[end:]


def start_draft(session: Session, template_id: str, *, actor: str) -> TemplateDraft:
    """A draft from the newest published version (retired or not), as the next version."""
    if (existing := _open_draft(session, template_id)) is not None:
        raise _exists(existing)
    latest = latest_version(session, template_id)
    if latest == 0:
        raise TemplateNotFound(f"no published template '{template_id}' to start a draft from "
                               f"(write a new template instead)")
    base = get_version(session, template_id, latest)
    return _store_new_draft(session, template_id, with_version(base.source, latest + 1), latest,
                            actor=actor, how=f"version {latest}")


PLACEHOLDER = {"zh": "（待填写）", "en": "(to be written)"}


def _placeholder(language: str, zh: str, en: str) -> str:
    return f"{zh}{PLACEHOLDER['zh']}" if language == "zh" else f"{en} {PLACEHOLDER['en']}"


def _flow_text(languages: list[str], zh: str, en: str) -> CommentedMap:
    text = CommentedMap((language, _placeholder(language, zh, en)) for language in languages)
    text.fa.set_flow_style()
    return text


def skeleton_source(template_id: str, title: dict[str, str], languages: list[str]) -> str:
    """The smallest template that validates: one section with one confirmation question."""
    root = CommentedMap()
    root["id"] = template_id
    root["version"] = 1
    langs = CommentedSeq(languages)
    langs.fa.set_flow_style()
    root["languages"] = langs
    root["title"] = CommentedMap((language, title[language]) for language in languages)
    root["legal_basis"] = CommentedMap(
        (language, _placeholder(language, "处罚所依据的法律条文", "The provision of law"))
        for language in languages)
    root["eligibility"] = CommentedSeq()
    root["eligibility"].fa.set_flow_style()
    question = CommentedMap()
    question["id"] = "confirm_facts"
    question["type"] = "confirmation"
    question["prompt"] = CommentedMap(
        (language, _placeholder(language, "请确认案件经过", "Confirm what happened"))
        for language in languages)
    section = CommentedMap()
    section["id"] = "facts"
    section["title"] = _flow_text(languages, "案件经过", "What happened")
    section["questions"] = CommentedSeq([question])
    root["sections"] = CommentedSeq([section])
    root.yaml_set_start_comment(
        f"Interview template: {' '.join(title.get('en', template_id).split())}.\n"
        f"Format: templates/README.md. Replace every text marked {PLACEHOLDER['en']}.")
    root.yaml_set_comment_before_after_key("eligibility", before="\n")
    root.yaml_set_comment_before_after_key("sections", before="\n")
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def new_template_draft(session: Session, template_id: str, *, title: dict[str, str],
                       languages: list[str], actor: str) -> TemplateDraft:
    """A draft of a new template (version 1) that validates as it is, ready to be written."""
    if not isinstance(template_id, str) or not SLUG_RE.match(template_id) \
            or len(template_id) > 64:
        raise DraftError(f"template id {template_id!r} must be lower-case letters, digits and "
                         f"'-', starting with a letter (at most 64)")
    if latest_version(session, template_id):
        raise DraftError(f"template '{template_id}' already exists; start a draft from its "
                         f"newest version instead")
    if (existing := _open_draft(session, template_id)) is not None:
        raise _exists(existing)
    languages = list(languages)
    bad = [lang for lang in languages if not isinstance(lang, str) or not LANGUAGE_RE.match(lang)]
    if bad or not languages:
        raise DraftError(f"languages must be language codes such as zh, en (got {bad or 'none'})")
    if len(set(languages)) != len(languages):
        raise DraftError("a language is listed twice")
    missing = [lang for lang in REQUIRED_LANGUAGES if lang not in languages]
    if missing:
        raise DraftError(f"a template needs the languages {', '.join(REQUIRED_LANGUAGES)} at "
                         f"least (missing: {', '.join(missing)})")
    untitled = [lang for lang in languages if not str(title.get(lang, "")).strip()]
    if untitled:
        raise DraftError(f"the title lacks the language(s) {', '.join(untitled)}")
    source = skeleton_source(template_id, {k: str(v).strip() for k, v in title.items()},
                             languages)
    parse_template(source, _draft_filename(template_id))  # it must validate as written
    return _store_new_draft(session, template_id, source, None, actor=actor, how="new")


# -- editing ---------------------------------------------------------------------------------


def save_draft(session: Session, template_id: str, source: str, *, actor: str,
               expected_sha256: str | None = None) -> TemplateDraft:
    """Stores the draft's text as it is (valid or not); audited by its SHA-256, not its text.

    A change takes back a pending request to publish (status "editing" again). Saving the same
    text again changes nothing. `expected_sha256`: the hash of the text the editor started from;
    if someone else saved since, DraftConflict instead of overwriting their work.
    """
    draft = get_draft(session, template_id)
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise DraftError(f"the draft is larger than {MAX_SOURCE_BYTES // 1_000_000} MB")
    if expected_sha256 is not None and draft.sha256 != expected_sha256:
        raise DraftConflict(f"the draft of '{template_id}' was changed by {draft.updated_by} at "
                            f"{draft.updated_at:%Y-%m-%d %H:%M} UTC since you opened it",
                            changed_by=draft.updated_by, changed_at=draft.updated_at)
    if source == draft.source:
        return draft
    draft.source = source
    draft.updated_by = actor
    draft.updated_at = datetime.now(UTC)
    withdrawn = draft.status == AWAITING_APPROVAL
    draft.status = EDITING
    draft.requested_by = draft.requested_at = draft.requested_sha256 = None
    _flush(session, template_id)
    record_event(session, actor, "template.draft_saved",
                 payload={"template": template_id, "sha256": draft.sha256,
                          **({"request_withdrawn": True} if withdrawn else {})})
    return draft


def discard_draft(session: Session, template_id: str, *, actor: str) -> TemplateDraft:
    """Throws the draft away (its row is closed, not deleted, so `undo_discard` can open it
    again)."""
    draft = get_draft(session, template_id)
    draft.status = DISCARDED
    draft.updated_by = actor
    draft.updated_at = datetime.now(UTC)
    draft.requested_by = draft.requested_at = draft.requested_sha256 = None
    _flush(session, template_id)
    record_event(session, actor, "template.draft_discarded",
                 payload={"template": template_id, "sha256": draft.sha256})
    return draft


def undo_discard(session: Session, template_id: str, *, actor: str,
                 expected_sha256: str) -> TemplateDraft:
    """Opens again the draft just discarded, exactly as it was (the editor's 恢复草稿).

    Only that draft: if another admin has since started, published or discarded another draft
    of the template, DraftConflict says so and nothing changes."""
    row = _draft_row(session, template_id)
    if row is None or row.status != DISCARDED or row.sha256 != expected_sha256:
        raise DraftConflict(f"the discarded draft of '{template_id}' cannot be restored: the "
                            f"template's draft has changed since",
                            changed_by=None if row is None else row.updated_by,
                            changed_at=None if row is None else row.updated_at)
    return _store_new_draft(session, template_id, row.source, row.base_version, actor=actor,
                            how="discard undone")


def draft_problems(source: str, filename: str) -> list[TemplateProblem]:
    """What is wrong with a draft's text, with line and question id; empty when it validates."""
    try:
        parse_template(source, filename)
    except TemplateInvalid as exc:
        return list(exc.problems)
    return []


# -- publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishOutcome:
    """What publishing did: published a version, or asked for a second admin's approval."""

    status: Literal["published", "awaiting_approval"]
    version: TemplateVersion | None = None  # the published version
    draft: TemplateDraft | None = None      # the draft awaiting approval

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def is_awaiting_approval(self) -> bool:
        return self.status == AWAITING_APPROVAL

    @property
    def requested_by(self) -> str | None:
        return self.draft.requested_by if self.draft is not None else None


def _checked_template(session: Session, draft: TemplateDraft) -> Template:
    """The draft as a template that may be published next, or a clear error."""
    template = parse_template(draft.source, _draft_filename(draft.template_id))
    if template.id != draft.template_id:
        raise DraftError(f"the draft of '{draft.template_id}' now says id: {template.id}; a "
                         f"draft cannot rename its template (write a new template instead)")
    latest = latest_version(session, draft.template_id)
    expected = latest + 1
    # A template the station never had publishes as the version it says (see import_draft).
    if latest and template.version != expected:
        since = ""
        if draft.base_version is not None and expected - 1 != draft.base_version:
            since = (f" (version {expected - 1} was published after this draft started from "
                     f"version {draft.base_version}: compare them before publishing)")
        raise DraftError(f"the draft of '{draft.template_id}' says version {template.version}, "
                         f"but the next version to publish is {expected}{since}")
    return template


def require_admin(user: User | None, doing: str, name: str = "") -> None:
    """AdminRequired unless `user` is an enabled admin account."""
    if user is None or user.is_disabled or Role.ADMIN.value not in user.roles:
        who = name or (user.username if user is not None else "?")
        raise AdminRequired(f"{doing} needs an admin account; {who!r} is not one")


def _require_admin(session: Session, actor: str, doing: str) -> None:
    user = session.execute(select(User).where(User.username == actor)).scalar_one_or_none()
    require_admin(user, doing, actor)


def _publish(session: Session, draft: TemplateDraft, template: Template,
             actor: str) -> TemplateVersion:
    result = publish_source(session, template, draft.source, actor)
    draft.status = PUBLISHED
    draft.updated_at = datetime.now(UTC)
    _flush(session, draft.template_id)
    return result.row


def publish_draft(session: Session, template_id: str, *, actor: str,
                  settings: Settings) -> PublishOutcome:
    """Publishes the draft as the next version, or (four eyes) asks another admin to approve.

    The draft must validate (TemplateInvalid lists the problems) and say the next version
    number. With `template_four_eyes` the draft is marked as awaiting approval; asking again
    with the same text changes nothing.
    """
    draft = get_draft(session, template_id)
    template = _checked_template(session, draft)
    if not settings.template_four_eyes:
        return PublishOutcome(PUBLISHED, version=_publish(session, draft, template, actor))
    _require_admin(session, actor, "asking to publish a template")
    if draft.status == AWAITING_APPROVAL and draft.requested_sha256 == draft.sha256:
        if draft.requested_by != actor:
            raise DraftError(f"{draft.requested_by} already asked to publish this draft; "
                             f"approve it instead")
        return PublishOutcome(AWAITING_APPROVAL, draft=draft)
    draft.status = AWAITING_APPROVAL
    draft.requested_by = actor
    draft.requested_at = datetime.now(UTC)
    draft.requested_sha256 = draft.sha256
    _flush(session, template_id)
    record_event(session, actor, "template.publication_requested",
                 payload={"template": template_id, "version": template.version,
                          "sha256": draft.sha256})
    return PublishOutcome(AWAITING_APPROVAL, draft=draft)


def approve_publication(session: Session, template_id: str, *, actor: str, settings: Settings,
                        expected_sha256: str | None = None) -> PublishOutcome:
    """A second admin publishes exactly the text the first asked to publish.

    Refused to the admin who asked, and when the draft changed since the request.
    `expected_sha256`: the hash of the text the approver looked at (the UI passes it), so a
    request renewed with other text meanwhile is not approved unseen.
    """
    del settings  # approving a pending request does not depend on the setting's current value
    draft = get_draft(session, template_id)
    if draft.status != AWAITING_APPROVAL or draft.requested_sha256 is None:
        raise DraftError(f"no one has asked to publish the draft of '{template_id}' (or it was "
                         f"changed after the request, which takes the request back)")
    if actor == draft.requested_by:
        raise FourEyesRefused(f"{actor} asked to publish this draft and so cannot approve it; "
                              f"another admin must")
    _require_admin(session, actor, "approving a template")
    if draft.sha256 != draft.requested_sha256:
        raise DraftConflict(f"the draft of '{template_id}' changed after {draft.requested_by} "
                            f"asked to publish it; it must be asked for again")
    if expected_sha256 is not None and expected_sha256 != draft.requested_sha256:
        raise DraftConflict(f"the draft of '{template_id}' is not the text you looked at; look "
                            f"at it again")
    template = _checked_template(session, draft)
    requested_by = draft.requested_by
    record_event(session, actor, "template.publication_approved",
                 payload={"template": template_id, "version": template.version,
                          "sha256": draft.sha256, "requested_by": requested_by})
    return PublishOutcome(PUBLISHED, version=_publish(session, draft, template, actor))


# -- retiring --------------------------------------------------------------------------------


def _set_retired(session: Session, template_id: str, version: int, retired: bool,
                 actor: str) -> TemplateVersion:
    row = get_version(session, template_id, version)  # TemplateNotFound names the version
    if row.is_retired == retired:
        return row
    row.is_retired = retired
    session.flush()
    record_event(session, actor, "template.retired" if retired else "template.restored",
                 payload={"template": template_id, "version": version})
    return row


def retire_version(session: Session, template_id: str, version: int, *,
                   actor: str) -> TemplateVersion:
    """New cases stop using this version (they take the newest not retired); cases opened on
    it keep it. Retiring every version withdraws the case type. Retiring twice is a no-op."""
    return _set_retired(session, template_id, version, True, actor)


def restore_version(session: Session, template_id: str, version: int, *,
                    actor: str) -> TemplateVersion:
    """Undoes `retire_version`; new cases use it again if it is the newest not retired."""
    return _set_retired(session, template_id, version, False, actor)


def version_for_new_cases(session: Session, template_id: str) -> int | None:
    """The version a case opened now would use (None: every version is retired)."""
    try:
        return get_version(session, template_id).version
    except TemplateNotFound:
        return None


# -- diffs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: kind "-" (old only), "+" (new only), " " (both) or "@"
    (a hunk header, in `text`); the line numbers are 1-based, None where the line is absent."""

    kind: str
    old_line: int | None
    new_line: int | None
    text: str


@dataclass(frozen=True)
class QuestionRef:
    id: str       # a group's member as "group.member"
    section: str  # "eligibility" for the eligibility questions


@dataclass(frozen=True)
class QuestionChange:
    id: str
    section: str
    fields: tuple[str, ...]  # e.g. ("prompt", "show_if"); "section" when it moved to another


@dataclass(frozen=True)
class DiffSummary:
    """What changed, read from both templates: by id, not by line."""

    template_fields: tuple[str, ...] = ()  # top-level keys changed (title, legal_basis, ...)
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    sections_reordered: bool = False
    sections_changed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (id, fields: title, ...)
    questions_added: tuple[QuestionRef, ...] = ()
    questions_removed: tuple[QuestionRef, ...] = ()
    questions_changed: tuple[QuestionChange, ...] = ()
    questions_reordered: tuple[str, ...] = ()  # sections whose kept questions changed order
    exclusions_added: tuple[str, ...] = ()
    exclusions_removed: tuple[str, ...] = ()
    exclusions_changed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def describe(self) -> list[str]:
        """The summary as lines a person reads."""
        out: list[str] = []
        if self.template_fields:
            out.append(f"template: {', '.join(self.template_fields)} changed")
        out += [f"section added: {s}" for s in self.sections_added]
        out += [f"section removed: {s}" for s in self.sections_removed]
        if self.sections_reordered:
            out.append("sections reordered")
        out += [f"section changed: {s} ({', '.join(f)})" for s, f in self.sections_changed]
        out += [f"question added: {q.id} (in {q.section})" for q in self.questions_added]
        out += [f"question removed: {q.id} (from {q.section})" for q in self.questions_removed]
        out += [f"question changed: {q.id} ({', '.join(q.fields)})"
                for q in self.questions_changed]
        out += [f"questions reordered in {s}" for s in self.questions_reordered]
        out += [f"exclusion added: {e}" for e in self.exclusions_added]
        out += [f"exclusion removed: {e}" for e in self.exclusions_removed]
        out += [f"exclusion changed: {e}" for e in self.exclusions_changed]
        return out


@dataclass(frozen=True)
class TemplateDiff:
    """Two template texts compared: the unified diff of the YAML, and (when both validate) a
    summary by id. `old_problems`/`new_problems` say why a side did not validate."""

    lines: tuple[DiffLine, ...]
    summary: DiffSummary | None
    old_label: str = "old"
    new_label: str = "new"
    old_problems: tuple[TemplateProblem, ...] = ()
    new_problems: tuple[TemplateProblem, ...] = ()

    @property
    def is_identical(self) -> bool:
        return not self.lines

    def unified(self) -> str:
        """The diff as `diff -u` prints it."""
        if not self.lines:
            return ""
        out = [f"--- {self.old_label}\n", f"+++ {self.new_label}\n"]
        out += [(line.text if line.kind == "@" else line.kind + line.text) + "\n"
                for line in self.lines]
        return "".join(out)


def _range(start: int, count: int) -> str:
    # diff -u: a range of one line is written "n"; an empty range names the line before it.
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"


def _diff_lines(old: str, new: str, context: int) -> tuple[DiffLine, ...]:
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(DiffLine("@", None, None,
                            f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@"))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [DiffLine(" ", a1 + k + 1, b1 + k + 1, a[a1 + k]) for k in range(a2 - a1)]
                continue
            out += [DiffLine("-", k + 1, None, a[k]) for k in range(a1, a2)]
            out += [DiffLine("+", None, k + 1, b[k]) for k in range(b1, b2)]
    return tuple(out)


QUESTION_FIELDS = tuple(f.name for f in fields(Question)
                        if f.name not in ("id", "line", "questions"))
# The version number is left out: it differs between any two versions, so it says nothing.
TEMPLATE_FIELDS = ("id", "languages", "title", "description", "legal_basis", "statement_order")


def _flat_questions(template: Template) -> dict[str, tuple[str, Question]]:
    """Every question by id (group members as "group.member"), with its section id."""
    found: dict[str, tuple[str, Question]] = {}
    for section, question in template.top_questions():
        found[question.id] = (section.id, question)
        for sub in question.questions:
            found[f"{question.id}.{sub.id}"] = (section.id, sub)
    return found


def _kept_order_changed(old: list[str], new: list[str]) -> bool:
    kept = set(old) & set(new)
    return [x for x in old if x in kept] != [x for x in new if x in kept]


def summarize(old: Template, new: Template) -> DiffSummary:
    """The changes from one template to another, by section, question and exclusion id."""
    old_sections = {s.id: s for s in old.sections}
    new_sections = {s.id: s for s in new.sections}
    sections_changed = []
    questions_reordered = []
    for sid in (s for s in new_sections if s in old_sections):
        before, after = old_sections[sid], new_sections[sid]
        changed = tuple(name for name in ("title", "show_if")
                        if getattr(before, name) != getattr(after, name))
        if changed and sid != ELIGIBILITY_SECTION_ID:
            sections_changed.append((sid, changed))
        if _kept_order_changed([q.id for q in before.questions], [q.id for q in after.questions]):
            questions_reordered.append(sid)
    old_qs, new_qs = _flat_questions(old), _flat_questions(new)
    changed_questions = []
    for qid, (section, question) in new_qs.items():
        if qid not in old_qs:
            continue
        old_section, before = old_qs[qid]
        names = [name for name in QUESTION_FIELDS
                 if getattr(before, name) != getattr(question, name)]
        if old_section != section:
            names.insert(0, "section")
        if names:
            changed_questions.append(QuestionChange(qid, section, tuple(names)))
    old_ex = {e.id: e for e in old.exclusions}
    new_ex = {e.id: e for e in new.exclusions}
    return DiffSummary(
        template_fields=tuple(name for name in TEMPLATE_FIELDS
                              if getattr(old, name) != getattr(new, name)),
        sections_added=tuple(s for s in new_sections if s not in old_sections),
        sections_removed=tuple(s for s in old_sections if s not in new_sections),
        sections_reordered=_kept_order_changed(list(old_sections), list(new_sections)),
        sections_changed=tuple(sections_changed),
        questions_added=tuple(QuestionRef(q, s) for q, (s, _) in new_qs.items()
                              if q not in old_qs),
        questions_removed=tuple(QuestionRef(q, s) for q, (s, _) in old_qs.items()
                                if q not in new_qs),
        questions_changed=tuple(changed_questions),
        questions_reordered=tuple(questions_reordered),
        exclusions_added=tuple(e for e in new_ex if e not in old_ex),
        exclusions_removed=tuple(e for e in old_ex if e not in new_ex),
        exclusions_changed=tuple(e for e in new_ex if e in old_ex
                                 and (old_ex[e].when, old_ex[e].reason)
                                 != (new_ex[e].when, new_ex[e].reason)),
    )


def diff_sources(old: str, new: str, *, old_label: str = "old", new_label: str = "new",
                 context: int = 3) -> TemplateDiff:
    """The YAML texts compared line by line, and by id when both validate."""
    parsed: list[Template | None] = []
    problems: list[tuple[TemplateProblem, ...]] = []
    for source, label in ((old, old_label), (new, new_label)):
        try:
            parsed.append(parse_template(source, label))
            problems.append(())
        except TemplateInvalid as exc:
            parsed.append(None)
            problems.append(tuple(exc.problems))
    before, after = parsed
    summary = summarize(before, after) if before is not None and after is not None else None
    return TemplateDiff(_diff_lines(old, new, context), summary, old_label, new_label,
                        problems[0], problems[1])


def diff_versions(session: Session, template_id: str, a: int | str,
                  b: int | str) -> TemplateDiff:
    """Two published versions compared; either may be "draft" (the template's open draft)."""

    def side(which: int | str) -> tuple[str, str]:
        if which == "draft":
            return get_draft(session, template_id).source, f"{template_id} draft"
        number = int(which)
        return get_version(session, template_id, number).source, f"{template_id} v{number}"

    (old, old_label), (new, new_label) = side(a), side(b)
    return diff_sources(old, new, old_label=old_label, new_label=new_label)


# -- export and import ---------------------------------------------------------------------------


def export_version(session: Session, template_id: str, version: int | None = None) -> str:
    """A published version's YAML exactly as stored (the newest not retired by default)."""
    return get_version(session, template_id, version).source


def import_draft(session: Session, source: str, *, actor: str, filename: str,
                 replace: bool = False) -> TemplateDraft:
    """A template file as the draft of the template it names, for the next version.

    It must validate (TemplateInvalid with file:line problems; nothing is stored) and say
    version latest+1. A template this station has never had keeps the file's own version (a
    shipped template at version 2, exported from another station, is version 2 here too, byte
    for byte). An open draft of that template is replaced only with `replace`.
    """
    template = parse_template(source, filename)
    latest = latest_version(session, template.id)
    if latest and template.version != latest + 1:
        raise DraftError(f"{filename}: the file says version {template.version}, but the next "
                         f"version of '{template.id}' is {latest + 1} (version {latest} is "
                         f"published); change its 'version:' line")
    return _store_new_draft(session, template.id, source, latest or None, actor=actor,
                            how=f"import of {filename}", replace=replace)


def draft_info(draft: TemplateDraft) -> dict[str, Any]:
    """A draft as JSON, for the command line and the screens."""
    problems = draft_problems(draft.source, _draft_filename(draft.template_id))
    return {
        "template": draft.template_id, "base_version": draft.base_version,
        "status": draft.status, "sha256": draft.sha256, "valid": not problems,
        "problems": [str(p) for p in problems],
        "updated_by": draft.updated_by, "updated_at": draft.updated_at,
        "requested_by": draft.requested_by, "requested_at": draft.requested_at,
    }


__all__ = [
    "AWAITING_APPROVAL", "DISCARDED", "EDITING", "PUBLISHED", "AdminRequired", "DiffLine",
    "DiffSummary", "DraftConflict", "DraftError", "DraftExists", "DraftNotFound",
    "FourEyesRefused", "PublishOutcome", "QuestionChange", "QuestionRef", "TemplateDiff",
    "approve_publication", "diff_sources", "diff_versions", "discard_draft", "draft_info",
    "draft_problems", "export_version", "get_draft", "import_draft", "list_drafts",
    "new_template_draft", "publish_draft", "require_admin", "restore_version", "retire_version",
    "save_draft", "skeleton_source", "start_draft", "summarize", "undo_discard",
    "version_for_new_cases", "with_version",
]
