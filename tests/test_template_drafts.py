"""Versioned template editing: drafts, publishing with four eyes, retiring, diffs, export/import.

Every test runs on SQLite and on a real PostgreSQL (the `station` fixture); the command line is
run as a user runs it, in subprocesses.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shipped import NEXT_VERSION, SHIPPED_VERSION, shipped_version, with_version
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from test_cases import clock
from test_cli import PASSWORD, kiosk

from kiosk.cases import find_case, interview_of
from kiosk.hooks import SUBMITTED, notify
from kiosk.models import AuditEvent, Case, Document, TemplateDraft
from kiosk.party import REVIEW, PartySession
from kiosk.sample_cases import open_sample_case, sample_flat_for, sign_sample, walk_sample_party
from kiosk.settings import PROJECT_ROOT, SettingsError, load_settings
from kiosk.station import Station, open_station
from kiosk.template_drafts import (
    AdminRequired,
    DraftConflict,
    DraftError,
    DraftExists,
    DraftNotFound,
    FourEyesRefused,
    approve_publication,
    diff_sources,
    diff_versions,
    discard_draft,
    draft_problems,
    export_version,
    get_draft,
    import_draft,
    list_drafts,
    new_template_draft,
    publish_draft,
    restore_version,
    retire_version,
    save_draft,
    start_draft,
    undo_discard,
)
from kiosk.template_loader import TemplateInvalid, parse_template
from kiosk.template_store import (
    TemplateNotFound,
    get_version,
    latest_version,
    publish_template,
)
from kiosk.users import add_user

QUESTIONS = PROJECT_ROOT / "templates" / "questions"
SHIPPED_IDS = sorted(path.stem for path in QUESTIONS.glob("*.yaml"))

OLD_PLACE = "zh: 事情发生在什么地方？"
NEW_PLACE = "zh: 事情具体发生在哪里？"
NEW_QUESTION = """
      - id: witnesses_present
        type: yes_no
        prompt:
          zh: 当时有没有其他人在场？
          en: Was anyone else there at the time?
"""
AFTER_PLACE = """          answer: {zh: "在{answer}。", en: "At {answer}."}
"""


def edited(source: str) -> str:
    """The next version of minor-assault as an admin writes it: a prompt reworded, a question
    added."""
    assert source.count(OLD_PLACE) == 2 and source.count(AFTER_PLACE) == 1
    return source.replace(OLD_PLACE, NEW_PLACE).replace(AFTER_PLACE, AFTER_PLACE + NEW_QUESTION)


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.seq)).scalars())


def add_admins(station: Station, *names: str, role: str = "admin") -> None:
    with station.database.session() as session:
        for name in names:
            add_user(session, name, PASSWORD, [role], actor="test")


def four_eyes(station: Station) -> None:
    station.set_setting("template_four_eyes", "true", actor="test")
    assert station.settings.template_four_eyes


@pytest.fixture
def no_deletes(station: Station) -> Iterator[list[str]]:
    """Fails any DELETE: the station's application account may not delete rows."""
    seen: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            seen.append(statement)

    event.listen(station.database.engine, "before_cursor_execute", watch)
    yield seen
    event.remove(station.database.engine, "before_cursor_execute", watch)
    assert not seen, seen


# -- starting drafts ---------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_a_draft_starts_from_the_newest_version_changing_only_its_version_line(
        station: Station, template_id: str) -> None:
    with station.database.session() as session:
        published = get_version(session, template_id).source
        draft = start_draft(session, template_id, actor="alice")
        shipped = shipped_version(template_id)
        assert (draft.base_version, draft.status, draft.updated_by) == (
            shipped, "editing", "alice")
        source = draft.source
    changed = [line for line in difflib.ndiff(published.splitlines(True),
                                               source.splitlines(True))
               if line[0] in "+-"]
    assert changed == [f"- version: {shipped}\n", f"+ version: {shipped + 1}\n"]
    assert parse_template(source).version == shipped + 1
    with station.database.session() as session:
        with pytest.raises(DraftExists, match=r"already has a draft .*alice"):
            start_draft(session, template_id, actor="bob")
        assert events(session, "template.draft_started")[-1].payload["base_version"] == shipped


def test_a_draft_starts_from_a_retired_newest_version_and_unknown_ids_are_refused(
        station: Station) -> None:
    with station.database.session() as session:
        save_draft(session, "minor-assault", edited(start_draft(
            session, "minor-assault", actor="alice").source), actor="alice")
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
        retire_version(session, "minor-assault", NEXT_VERSION, actor="alice")
    with station.database.session() as session:
        draft = start_draft(session, "minor-assault", actor="alice")
        assert draft.base_version == NEXT_VERSION
        assert f"\nversion: {NEXT_VERSION + 1}\n" in draft.source
        assert NEW_PLACE in draft.source  # the text of the newest version, though it is retired
        with pytest.raises(TemplateNotFound, match="no published template 'noise'"):
            start_draft(session, "noise", actor="alice")


def test_a_new_template_starts_as_a_skeleton_that_validates_and_publishes(
        station: Station) -> None:
    title = {"zh": "噪声扰民", "en": "Noise: at night"}
    with station.database.session() as session:
        draft = new_template_draft(session, "noise", title=title, languages=["zh", "en"],
                                   actor="alice")
        assert draft.base_version is None and draft.status == "editing"
        assert draft_problems(draft.source, "noise.yaml") == []
        template = parse_template(draft.source)
        assert (template.id, template.version, dict(template.title)) == ("noise", 1, title)
        assert [q.type.value for _, q in template.top_questions()] == ["confirmation"]
        with pytest.raises(DraftExists):
            new_template_draft(session, "noise", title=title, languages=["zh", "en"],
                               actor="bob")
        for bad_id, languages, bad_title, message in (
                ("minor-assault", ["zh", "en"], title, "already exists"),
                ("Noise_2", ["zh", "en"], title, "lower-case letters"),
                ("noise-2", ["zh"], title, "missing: en"),
                ("noise-2", ["zh", "en", "en"], title, "twice"),
                ("noise-2", ["zh", "en", "English"], title, "language codes"),
                ("noise-2", ["zh", "en"], {"zh": "噪声"}, "lacks the language"),):
            with pytest.raises(DraftError, match=message):
                new_template_draft(session, bad_id, title=bad_title, languages=languages,
                                   actor="alice")
        outcome = publish_draft(session, "noise", actor="alice", settings=station.settings)
        assert outcome.is_published and outcome.version is not None
        assert outcome.version.version == 1
    with station.database.session() as session:
        assert get_version(session, "noise").source == template.source
        assert list_drafts(session) == []


def test_a_new_template_in_three_languages(station: Station) -> None:
    title = {"zh": "噪声扰民", "en": "Noise", "ug": "Shawqun"}
    with station.database.session() as session:
        draft = new_template_draft(session, "noise", title=title,
                                   languages=["zh", "en", "ug"], actor="alice")
        assert draft_problems(draft.source, "noise.yaml") == []
        assert parse_template(draft.source).languages == ("zh", "en", "ug")


# -- editing -----------------------------------------------------------------------------------


def test_get_list_save_and_discard(station: Station, no_deletes: list[str]) -> None:
    with station.database.session() as session:
        with pytest.raises(DraftNotFound, match="'minor-assault' has no draft"):
            get_draft(session, "minor-assault")
        start_draft(session, "minor-assault", actor="alice")
        start_draft(session, "petty-theft", actor="alice")
        assert [d.template_id for d in list_drafts(session)] == ["minor-assault", "petty-theft"]
    broken = f"id: minor-assault\nversion: {NEXT_VERSION}\nsections: [\n"  # half written: as it is
    with station.database.session() as session:
        draft = save_draft(session, "minor-assault", broken, actor="bob")
        assert (draft.source, draft.updated_by) == (broken, "bob")
        digest = hashlib.sha256(broken.encode()).hexdigest()
        assert draft.sha256 == digest
    with station.database.session() as session:
        assert get_draft(session, "minor-assault").source == broken
        saved = events(session, "template.draft_saved")
        assert [e.payload for e in saved] == [{"template": "minor-assault", "sha256": digest}]
        assert "sections" not in json.dumps(saved[0].payload)  # the hash, never the text
        save_draft(session, "minor-assault", broken, actor="bob")  # the same text: nothing
        assert len(events(session, "template.draft_saved")) == 1
        with pytest.raises(DraftConflict, match="changed by bob"):
            save_draft(session, "minor-assault", "other", actor="alice",
                       expected_sha256="0" * 64)
        save_draft(session, "minor-assault", broken + "]\n", actor="alice",
                   expected_sha256=digest)
    with station.database.session() as session:
        discard_draft(session, "minor-assault", actor="alice")
        assert events(session, "template.draft_discarded")[0].actor == "alice"
    with station.database.session() as session:
        with pytest.raises(DraftNotFound):
            get_draft(session, "minor-assault")
        with pytest.raises(DraftNotFound):
            save_draft(session, "minor-assault", "x", actor="alice")
        with pytest.raises(DraftNotFound):
            discard_draft(session, "minor-assault", actor="alice")
        assert [d.template_id for d in list_drafts(session)] == ["petty-theft"]
        again = start_draft(session, "minor-assault", actor="carol")  # takes the row over
        assert again.status == "editing" and f"\nversion: {NEXT_VERSION}\n" in again.source
    with station.database.session() as session:
        rows = session.execute(select(TemplateDraft)).scalars().all()
        assert sorted(r.template_id for r in rows) == ["minor-assault", "petty-theft"]


def test_a_discarded_draft_comes_back_as_it_was_unless_another_has_followed(
        station: Station) -> None:
    with station.database.session() as session:
        start_draft(session, "minor-assault", actor="admin")
        source = edited(get_draft(session, "minor-assault").source)
        save_draft(session, "minor-assault", source, actor="admin")
        sha = discard_draft(session, "minor-assault", actor="admin").sha256
    with station.database.session() as session:
        assert not list_drafts(session)
        restored = undo_discard(session, "minor-assault", actor="admin", expected_sha256=sha)
        assert restored.source == source and restored.status == "editing"
        assert restored.base_version == SHIPPED_VERSION
    with station.database.session() as session:
        with pytest.raises(DraftConflict):  # it is open again: nothing to bring back
            undo_discard(session, "minor-assault", actor="admin", expected_sha256=sha)
        discard_draft(session, "minor-assault", actor="admin")
        start_draft(session, "minor-assault", actor="admin2")  # another admin's fresh draft
        discard_draft(session, "minor-assault", actor="admin2")
    with station.database.session() as session:
        with pytest.raises(DraftConflict):  # that one was not the draft this admin discarded
            undo_discard(session, "minor-assault", actor="admin", expected_sha256=sha)
        assert not list_drafts(session)


def test_draft_problems_name_line_and_question(station: Station) -> None:
    with station.database.session() as session:
        source = start_draft(session, "minor-assault", actor="alice").source
    assert draft_problems(source, "d.yaml") == []
    broken = source.replace("      - id: incident_place\n        type: text",
                            "      - id: incident_place\n        type: txt", 1)
    problems = draft_problems(broken, "d.yaml")
    assert [(p.question, p.file) for p in problems] == [("incident_place", "d.yaml")]
    assert problems[0].line == broken.splitlines().index("        type: txt") + 1
    assert draft_problems("sections: [", "d.yaml")[0].message.startswith("not valid YAML")


# -- publishing ----------------------------------------------------------------------------------


def test_publish_at_once_without_four_eyes(station: Station, no_deletes: list[str]) -> None:
    assert station.settings.template_four_eyes is False  # the default
    with station.database.session() as session:
        draft = start_draft(session, "minor-assault", actor="alice")
        source = edited(draft.source)
        save_draft(session, "minor-assault", source, actor="alice")
    with station.database.session() as session:
        outcome = publish_draft(session, "minor-assault", actor="alice",
                                settings=station.settings)
        assert outcome.is_published and not outcome.is_awaiting_approval
        assert outcome.version is not None and outcome.version.version == NEXT_VERSION
        assert outcome.version.source == source
    with station.database.session() as session:
        assert get_version(session, "minor-assault").source == source
        with pytest.raises(DraftNotFound):
            get_draft(session, "minor-assault")
        published = events(session, "template.published")[-1]
        assert published.actor == "alice"
        assert published.payload == {"template": "minor-assault", "version": NEXT_VERSION,
                                     "sha256": hashlib.sha256(source.encode()).hexdigest()}


def test_only_a_valid_draft_with_the_next_version_is_published(station: Station,
                                                               tmp_path: Path) -> None:
    with station.database.session() as session:
        source = start_draft(session, "minor-assault", actor="alice").source
        save_draft(session, "minor-assault", source.replace("type: yes_no", "type: maybe", 1),
                   actor="alice")
    with station.database.session() as session, pytest.raises(TemplateInvalid, match="maybe"):
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:
        save_draft(session, "minor-assault", with_version(source, NEXT_VERSION + 3),
                   actor="alice")
    with station.database.session() as session, pytest.raises(
            DraftError, match=f"says version {NEXT_VERSION + 3}, but the next version to "
                              f"publish is {NEXT_VERSION}"):
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:
        save_draft(session, "minor-assault", source.replace("id: minor-assault", "id: assault"),
                   actor="alice")
    with station.database.session() as session, pytest.raises(DraftError,
                                                               match="cannot rename"):
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    # Someone publishes the next version from a file while the draft is being written.
    other = tmp_path / "next.yaml"
    other.write_text(source.replace("（情节较轻）", "（另一版）", 1), "utf-8")
    with station.database.session() as session:
        save_draft(session, "minor-assault", source, actor="alice")
        publish_template(session, other, actor="bob")
    with station.database.session() as session, pytest.raises(
            DraftError, match=rf"next version to publish is {NEXT_VERSION + 1} .version "
                              rf"{NEXT_VERSION} was published after this draft started from "
                              rf"version {SHIPPED_VERSION}"):
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:
        assert latest_version(session, "minor-assault") == NEXT_VERSION
        assert get_draft(session, "minor-assault").source == source  # still there to fix


def test_four_eyes_requester_cannot_approve_another_admin_can(station: Station,
                                                              no_deletes: list[str]) -> None:
    add_admins(station, "alice", "bob")
    add_admins(station, "olga", role="officer")
    four_eyes(station)
    with station.database.session() as session:
        source = edited(start_draft(session, "minor-assault", actor="alice").source)
        save_draft(session, "minor-assault", source, actor="alice")
    with station.database.session() as session:
        outcome = publish_draft(session, "minor-assault", actor="alice",
                                settings=station.settings)
        assert outcome.is_awaiting_approval and outcome.version is None
        assert outcome.requested_by == "alice"
        again = publish_draft(session, "minor-assault", actor="alice",
                              settings=station.settings)  # asking twice changes nothing
        assert again.is_awaiting_approval
    with station.database.session() as session:
        draft = get_draft(session, "minor-assault")
        assert (draft.status, draft.requested_by) == ("awaiting_approval", "alice")
        assert draft.requested_at is not None
        assert latest_version(session, "minor-assault") == SHIPPED_VERSION  # not yet
        assert len(events(session, "template.publication_requested")) == 1
        with pytest.raises(DraftError, match="alice already asked"):
            publish_draft(session, "minor-assault", actor="bob", settings=station.settings)
    with station.database.session() as session, pytest.raises(FourEyesRefused,
                                                               match="another admin must"):
        approve_publication(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session, pytest.raises(AdminRequired, match="olga"):
        approve_publication(session, "minor-assault", actor="olga", settings=station.settings)
    with station.database.session() as session, pytest.raises(DraftConflict,
                                                               match="not the text you"):
        approve_publication(session, "minor-assault", actor="bob", settings=station.settings,
                            expected_sha256="0" * 64)
    with station.database.session() as session:
        approved = approve_publication(
            session, "minor-assault", actor="bob", settings=station.settings,
            expected_sha256=hashlib.sha256(source.encode()).hexdigest())
        row = approved.version
        assert approved.is_published and row is not None
        assert (row.version, row.source, row.published_by) == (NEXT_VERSION, source, "bob")
    with station.database.session() as session:
        assert get_version(session, "minor-assault").version == NEXT_VERSION
        assert list_drafts(session) == []
        approval = events(session, "template.publication_approved")[0]
        assert approval.actor == "bob" and approval.payload["requested_by"] == "alice"
        with pytest.raises(DraftNotFound):
            approve_publication(session, "minor-assault", actor="bob",
                                settings=station.settings)


def test_four_eyes_a_change_after_the_request_voids_it(station: Station) -> None:
    add_admins(station, "alice", "bob")
    four_eyes(station)
    with station.database.session() as session:
        source = edited(start_draft(session, "minor-assault", actor="alice").source)
        save_draft(session, "minor-assault", source, actor="alice")
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:  # a change, by anyone, takes it back
        draft = save_draft(session, "minor-assault", source + "# one more line\n", actor="bob")
        assert (draft.status, draft.requested_by) == ("editing", None)
        assert events(session, "template.draft_saved")[-1].payload["request_withdrawn"]
    with station.database.session() as session, pytest.raises(DraftError,
                                                               match="no one has asked"):
        approve_publication(session, "minor-assault", actor="bob", settings=station.settings)
    # The text changed behind the request's back (not through save_draft): still refused.
    with station.database.session() as session:
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:
        get_draft(session, "minor-assault").source = source
    with station.database.session() as session, pytest.raises(DraftConflict,
                                                               match="changed after alice"):
        approve_publication(session, "minor-assault", actor="bob", settings=station.settings)
    with station.database.session() as session:
        assert latest_version(session, "minor-assault") == SHIPPED_VERSION
        # Asked for again, then approved: exactly the text asked for is published.
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with station.database.session() as session:
        version = approve_publication(session, "minor-assault", actor="bob",
                                      settings=station.settings).version
        assert version is not None and version.source == source


def test_an_approval_racing_a_save_publishes_nothing(station: Station,
                                                     database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writing transaction at a time: no race to lose")
    add_admins(station, "alice", "bob")
    four_eyes(station)
    with station.database.session() as session:
        source = edited(start_draft(session, "minor-assault", actor="alice").source)
        save_draft(session, "minor-assault", source, actor="alice")
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)
    with pytest.raises(DraftConflict, match="at the same moment"), \
            station.database.session() as approver:
        # Bob's approval has read the draft, as asked for (held here: the row in his session)...
        read = get_draft(approver, "minor-assault")
        with station.database.session() as editor:  # ...when alice's change commits
            save_draft(editor, "minor-assault", source + "# more\n", actor="alice")
        assert read.status == "awaiting_approval"  # what bob's transaction saw
        approve_publication(approver, "minor-assault", actor="bob", settings=station.settings)
    with station.database.session(readonly=True) as session:
        assert latest_version(session, "minor-assault") == SHIPPED_VERSION
        assert get_draft(session, "minor-assault").status == "editing"


def test_four_eyes_is_a_station_wide_setting(station: Station) -> None:
    with pytest.raises(SettingsError, match="station-wide"):
        load_settings(env={"KIOSK_TEMPLATE_FOUR_EYES": "true"})
    four_eyes(station)
    with station.database.session() as session:
        assert events(session, "settings.changed")[-1].payload["key"] == "template_four_eyes"


# -- cases keep their version ----------------------------------------------------------------


def publish_next(station: Station) -> None:
    """Publishes the next version of minor-assault: a prompt reworded, a question added."""
    with station.database.session() as session:
        source = edited(start_draft(session, "minor-assault", actor="alice").source)
        save_draft(session, "minor-assault", source, actor="alice")
        publish_draft(session, "minor-assault", actor="alice", settings=station.settings)


def statement_of(station: Station, case_id: str) -> dict[str, Any]:
    """The statement as stored and printed when the party submitted (the file printer)."""
    with station.database.session(readonly=True) as session:
        document = session.execute(select(Document).where(
            Document.case_id == case_id, Document.kind == "statement")).scalar_one()
        return json.loads(document.content)


def test_a_case_keeps_the_shipped_version_after_the_next_one_is_published(
        station: Station) -> None:
    old = open_sample_case(station)
    walk_sample_party(station, old.start_code, questions=3)  # answering when the next comes out
    publish_next(station)

    party = PartySession.resume(station, old.start_code)
    flat = sample_flat_for(station, old.id)
    state = party.state()
    while state.position != REVIEW:
        state = party.answer(state.position, flat[state.position])
    sign_sample(party)
    assert notify(station, SUBMITTED, old.code) == []  # what the kiosk does: store and print
    with station.database.session(readonly=True) as session:
        case = session.get_one(Case, old.id)
        assert case.status == "submitted" and case.template_version.version == SHIPPED_VERSION
        interview = interview_of(session, case, **clock(station))
        assert interview.template.version == SHIPPED_VERSION
        assert "witnesses_present" not in {s.path for s in interview.screens}
    printed = statement_of(station, old.id)
    assert printed["template"] == {"id": "minor-assault", "version": SHIPPED_VERSION}
    questions = [e["question"] for e in printed["entries"]]
    assert "事情发生在什么地方？" in questions
    assert "事情具体发生在哪里？" not in questions

    new = open_sample_case(station, name="李四")
    with station.database.session(readonly=True) as session:
        case = find_case(session, new.code)
        assert case.template_version.version == NEXT_VERSION
        interview = interview_of(session, case, **clock(station))
        assert interview.template.question("incident_place").prompt["zh"] == "事情具体发生在哪里？"
        assert interview.template.question("witnesses_present")


def test_retiring_the_next_version_makes_new_cases_use_the_shipped_one(
        station: Station, no_deletes: list[str]) -> None:
    publish_next(station)
    on_next = open_sample_case(station)
    with station.database.session() as session:
        row = retire_version(session, "minor-assault", NEXT_VERSION, actor="alice")
        assert row.is_retired
        assert retire_version(session, "minor-assault", NEXT_VERSION,
                              actor="alice").is_retired  # no-op
        with pytest.raises(TemplateNotFound, match="no published version 9 of template "
                                                   "'minor-assault'"):
            retire_version(session, "minor-assault", 9, actor="alice")
        with pytest.raises(TemplateNotFound, match="no published version 1 of template 'x'"):
            restore_version(session, "x", 1, actor="alice")
    with station.database.session() as session:
        assert [e.payload for e in events(session, "template.retired")] == [
            {"template": "minor-assault", "version": NEXT_VERSION}]
    new = open_sample_case(station, name="李四")
    with station.database.session(readonly=True) as session:
        assert find_case(session, new.code).template_version.version == SHIPPED_VERSION
        assert find_case(session, on_next.code).template_version.version == NEXT_VERSION  # kept
    walk_sample_party(station, on_next.start_code)  # and still answers on it
    with station.database.session() as session:
        assert not restore_version(session, "minor-assault", NEXT_VERSION,
                                   actor="bob").is_retired
        assert events(session, "template.restored")[0].actor == "bob"
    with station.database.session(readonly=True) as session:
        assert get_version(session, "minor-assault").version == NEXT_VERSION


# -- diffs ---------------------------------------------------------------------------------------


def test_diff_shows_a_changed_prompt_and_an_added_question(station: Station) -> None:
    publish_next(station)
    with station.database.session(readonly=True) as session:
        diff = diff_versions(session, "minor-assault", SHIPPED_VERSION, NEXT_VERSION)
        v1 = get_version(session, "minor-assault", SHIPPED_VERSION).source
        v2 = get_version(session, "minor-assault", NEXT_VERSION).source
    version_line = v1.splitlines().index(f"version: {SHIPPED_VERSION}") + 1
    old_label, new_label = f"minor-assault v{SHIPPED_VERSION}", f"minor-assault v{NEXT_VERSION}"
    summary = diff.summary
    assert summary is not None
    assert [(c.id, c.fields) for c in summary.questions_changed] == [
        ("incident_place", ("prompt", "statement"))]
    assert [(q.id, q.section) for q in summary.questions_added] == [
        ("witnesses_present", "facts")]
    assert summary.questions_removed == () and summary.sections_added == ()
    assert summary.template_fields == ()  # only the version number, which always changes
    assert "question added: witnesses_present (in facts)" in summary.describe()
    removed = [line for line in diff.lines if line.kind == "-"]
    added = [line for line in diff.lines if line.kind == "+"]
    assert [(line.text, line.old_line) for line in removed] == [
        (f"version: {SHIPPED_VERSION}", version_line),
        *((text, i + 1) for i, text in enumerate(v1.splitlines())
                              if OLD_PLACE in text)]
    assert all(v2.splitlines()[line.new_line - 1] == line.text for line in added)
    assert sum(1 for line in added if "witnesses_present" in line.text) == 1
    first = version_line - 3  # the version line with three lines of context either side
    assert diff.lines[0].kind == "@" and diff.unified().startswith(
        f"--- {old_label}\n+++ {new_label}\n@@ -{first},7 +{first},7 @@\n")
    assert diff.unified().splitlines() == list(difflib.unified_diff(  # what diff -u says
        v1.splitlines(), v2.splitlines(), old_label, new_label, lineterm=""))


def small(*sections: str, version: int = 1, title: str = "b") -> str:
    """A small template: each section "id:q1,q2" with its confirmation questions."""
    parts = []
    for spec in sections:
        sid, _, questions = spec.partition(":")
        parts.append(f"  - id: {sid}\n    title: {{zh: {sid}, en: {title if sid == 'b' else sid}}}"
                     f"\n    questions:\n")
        for qid in (questions or f"confirm_{sid}").split(","):
            parts.append(f"      - id: {qid}\n        type: confirmation\n"
                         f"        prompt: {{zh: 确认, en: Confirm}}\n")
    return (f"id: small\nversion: {version}\nlanguages: [zh, en]\n"
            "title: {zh: 小, en: Small}\nlegal_basis: {zh: 法, en: Law}\neligibility: []\n"
            "sections:\n" + "".join(parts))


def test_diff_names_sections_added_removed_reordered_and_changed() -> None:
    old, new = small("a", "b", "c"), small("c", "b", "d", version=2, title="Afterwards")
    summary = diff_sources(old, new).summary
    assert summary is not None
    assert summary.sections_added == ("d",) and summary.sections_removed == ("a",)
    assert summary.sections_reordered
    assert summary.sections_changed == (("b", ("title",)),)
    assert [(q.id, q.section) for q in summary.questions_added] == [("confirm_d", "d")]
    assert [(q.id, q.section) for q in summary.questions_removed] == [("confirm_a", "a")]
    assert summary.questions_changed == ()
    assert "sections reordered" in summary.describe()
    moved = diff_sources(small("a:x,y", "b:z"), small("a:y,x", "b:z,w", "c:v")).summary
    assert moved is not None and not moved.sections_reordered
    assert moved.questions_reordered == ("a",)
    across = diff_sources(small("a:x,y", "b:z"), small("a:x", "b:y,z")).summary
    assert across is not None
    assert [(c.id, c.section, c.fields) for c in across.questions_changed] == [
        ("y", "b", ("section",))]


def test_diff_of_text_that_does_not_validate(station: Station) -> None:
    with station.database.session(readonly=True) as session:
        v1 = get_version(session, "minor-assault", SHIPPED_VERSION).source
    diff = diff_sources(v1, "sections: [\n", old_label="v1", new_label="draft")
    assert diff.summary is None and diff.new_problems and not diff.old_problems
    assert diff.lines and diff.unified().startswith("--- v1\n+++ draft\n")
    assert diff_sources(v1, v1).is_identical and diff_sources(v1, v1).unified() == ""
    comment_only = diff_sources(v1, "# a note\n" + v1)
    assert comment_only.summary is not None and comment_only.summary.is_empty
    assert [(line.kind, line.new_line) for line in comment_only.lines[1:3]] == [
        ("+", 1), (" ", 2)]
    with station.database.session() as session:
        start_draft(session, "minor-assault", actor="alice")
        save_draft(session, "minor-assault", "sections: [\n", actor="alice")
    with station.database.session(readonly=True) as session:
        against_draft = diff_versions(session, "minor-assault", SHIPPED_VERSION, "draft")
        assert against_draft.new_label == "minor-assault draft"
        assert against_draft.summary is None and against_draft.new_problems
        with pytest.raises(TemplateNotFound, match=f"version {NEXT_VERSION}"):
            diff_versions(session, "minor-assault", SHIPPED_VERSION, NEXT_VERSION)


# -- export and import ---------------------------------------------------------------------------


@pytest.fixture
def empty_station(request: pytest.FixtureRequest, station_env: dict[str, str],
                  tmp_path: Path) -> Iterator[tuple[Station, dict[str, str]]]:
    """A second station on an empty database of the same kind: no template published."""
    env = dict(station_env, KIOSK_DATA_DIR=str(tmp_path / "other-data"))
    dropped = None
    if station_env["KIOSK_DATABASE_URL"].startswith("sqlite"):
        env["KIOSK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        server = request.getfixturevalue("postgres")
        name = "t_" + uuid.uuid4().hex[:12]
        env["KIOSK_DATABASE_URL"] = server.create_database(name)
        dropped = (server, name)
    other = open_station(env)
    try:
        yield other, env
    finally:
        other.database.dispose()
        if dropped is not None:
            dropped[0].drop_database(dropped[1])


def test_export_validate_and_import_back_byte_identical(
        station: Station, station_env: dict[str, str],
        empty_station: tuple[Station, dict[str, str]], tmp_path: Path) -> None:
    other, other_env = empty_station
    files = []
    for template_id in SHIPPED_IDS:
        out = tmp_path / f"{template_id}.yaml"
        result = kiosk(station_env, "template", "export", template_id, "-o", str(out))
        assert result.returncode == 0, result.stderr
        with station.database.session(readonly=True) as session:
            stored = export_version(session, template_id)
            assert stored == get_version(session, template_id,
                                         shipped_version(template_id)).source
        assert out.read_bytes() == stored.encode("utf-8")
        shown = kiosk(station_env, "template", "export", template_id, "--version",
                      str(shipped_version(template_id)))
        assert shown.stdout == stored
        files.append(out)
    validated = kiosk(station_env, "template", "validate", *map(str, files))
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.count(": ok") == len(SHIPPED_IDS)
    for out in files:
        imported = kiosk(other_env, "template", "import", str(out))
        assert imported.returncode == 0, imported.stderr
        assert "a new template" in imported.stdout
    with other.database.session() as session:
        for out in files:
            draft = get_draft(session, out.stem)
            assert draft.source.encode("utf-8") == out.read_bytes()
            assert draft.base_version is None
            publish_draft(session, out.stem, actor="alice", settings=other.settings)
    with other.database.session() as session, station.database.session() as here:
        for template_id in SHIPPED_IDS:
            assert get_version(session, template_id).sha256 == \
                get_version(here, template_id).sha256


def test_import_needs_a_valid_file_with_the_next_version(station: Station,
                                                         tmp_path: Path) -> None:
    with station.database.session() as session:
        shipped = export_version(session, "minor-assault")
    with station.database.session() as session, pytest.raises(
            TemplateInvalid, match=r"a\.yaml:\d+: \[question admits_facts\]"):
        import_draft(session, with_version(shipped, NEXT_VERSION).replace(
            "type: yes_no", "type: maybe", 1), actor="alice", filename="a.yaml")
    with station.database.session() as session:
        assert list_drafts(session) == [] and events(session, "template.draft_started") == []
        with pytest.raises(DraftError, match=f"says version {SHIPPED_VERSION}, but the next "
                                             f"version of 'minor-assault' is {NEXT_VERSION}"):
            import_draft(session, shipped, actor="alice", filename="a.yaml")
        assert list_drafts(session) == []
        # A template this station never had keeps the file's own version (byte for byte).
        other = with_version(shipped.replace("id: minor-assault", "id: noise"), NEXT_VERSION + 1)
        new = import_draft(session, other, actor="alice", filename="a.yaml")
        assert (new.template_id, new.base_version, new.source) == ("noise", None, other)
        discard_draft(session, "noise", actor="alice")
        following = edited(with_version(shipped, NEXT_VERSION))
        draft = import_draft(session, following, actor="alice", filename="a.yaml")
        assert (draft.template_id, draft.base_version, draft.source) == (
            "minor-assault", SHIPPED_VERSION, following)
    with station.database.session() as session:
        with pytest.raises(DraftExists):
            import_draft(session, following, actor="bob", filename="b.yaml")
        plain = with_version(shipped, NEXT_VERSION)
        assert import_draft(session, plain, actor="bob", filename="b.yaml",
                            replace=True).source == plain


def test_invalid_import_through_the_command_line_stores_nothing(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    source = (QUESTIONS / "minor-assault.yaml").read_text("utf-8")
    bad.write_text(with_version(source, NEXT_VERSION).replace(
        "id: incident_place\n", "id: incident_place\n        requried: true\n", 1), "utf-8")
    result = kiosk(station_env, "template", "import", str(bad))
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr and "[question incident_place]" in result.stderr
    assert "requried" in result.stderr and "Traceback" not in result.stderr
    old = tmp_path / "old.yaml"
    old.write_text(source, "utf-8")
    result = kiosk(station_env, "template", "import", str(old))
    assert result.returncode == 1 and result.stderr.startswith("error: ")
    assert f"the next version of 'minor-assault' is {NEXT_VERSION}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with station.database.session() as session:
        assert list_drafts(session) == []


# -- the command line ----------------------------------------------------------------------------


def test_command_line_four_eyes_retire_diff_and_drafts(station: Station,
                                                       station_env: dict[str, str],
                                                       tmp_path: Path) -> None:
    env = station_env
    for name, role in (("alice", "admin"), ("bob", "admin"), ("olga", "officer")):
        assert kiosk(env, "user", "add", name, "--role", role,
                     stdin=PASSWORD + "\n").returncode == 0
    assert kiosk(env, "settings", "set", "template_four_eyes", "true").returncode == 0
    source = kiosk(env, "template", "export", "minor-assault").stdout
    draft_file = tmp_path / "next.yaml"
    draft_file.write_text(edited(with_version(source, NEXT_VERSION)), "utf-8")
    shipped, following = str(SHIPPED_VERSION), str(NEXT_VERSION)
    direct = kiosk(env, "template", "publish", str(draft_file))  # would bypass the four eyes
    assert direct.returncode == 1 and "four eyes" in direct.stderr
    assert kiosk(env, "template", "import", str(draft_file)).returncode == 0

    listed = kiosk(env, "template", "drafts")
    assert "minor-assault" in listed.stdout and "editing" in listed.stdout
    assert json.loads(kiosk(env, "template", "drafts", "--json").stdout)[0]["valid"] is True
    diff = kiosk(env, "template", "diff", "minor-assault", shipped, "draft")
    assert diff.returncode == 0, diff.stderr
    assert "question changed: incident_place (prompt, statement)" in diff.stdout
    assert "question added: witnesses_present (in facts)" in diff.stdout
    assert "+      - id: witnesses_present" in diff.stdout

    refused = kiosk(env, "template", "publish-draft", "minor-assault", "--as", "olga",
                    stdin=PASSWORD + "\n")
    assert refused.returncode == 1 and "needs an admin account" in refused.stderr
    wrong = kiosk(env, "template", "publish-draft", "minor-assault", "--as", "alice",
                  stdin="wrong password\n")
    assert wrong.returncode == 1 and "wrong user name or password" in wrong.stderr
    asked = kiosk(env, "template", "publish-draft", "minor-assault", "--as", "alice",
                  stdin=PASSWORD + "\n")
    assert asked.returncode == 0, asked.stderr
    assert "awaiting another admin's approval (asked by alice" in asked.stdout
    own = kiosk(env, "template", "approve-draft", "minor-assault", "--as", "alice",
                stdin=PASSWORD + "\n")
    assert own.returncode == 1 and "cannot approve it" in own.stderr
    approved = kiosk(env, "template", "approve-draft", "minor-assault", "--as", "bob",
                     stdin=PASSWORD + "\n")
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.strip() == f"minor-assault v{following}: published"
    assert kiosk(env, "template", "drafts").stdout.strip() == "no drafts"

    versions = kiosk(env, "template", "diff", "minor-assault", shipped, following)
    assert "question added: witnesses_present" in versions.stdout
    as_json = json.loads(kiosk(env, "template", "diff", "minor-assault", shipped, following,
                               "--json").stdout)
    assert as_json["summary"]["questions_added"] == [{"id": "witnesses_present",
                                                      "section": "facts"}]
    bad_side = kiosk(env, "template", "diff", "minor-assault", shipped, "two")
    assert bad_side.returncode == 1 and "not a version number" in bad_side.stderr

    retired = kiosk(env, "template", "retire", "minor-assault", following, "--as", "bob",
                    stdin=PASSWORD + "\n")
    assert retired.returncode == 0, retired.stderr
    assert retired.stdout.strip() == (f"minor-assault v{following}: retired; "
                                      f"new cases use v{shipped}")
    unknown = kiosk(env, "template", "retire", "minor-assault", "7", "--as", "bob",
                    stdin=PASSWORD + "\n")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == ("error: no published version 7 of template "
                                      "'minor-assault'")
    assert f"{shipped}, {following} (retired)" in kiosk(env, "template", "list").stdout
    opened = json.loads(kiosk(env, "case", "open", "--template", "minor-assault", "--name",
                              "张三", "--came", "summoned", "--json").stdout)
    with station.database.session(readonly=True) as session:
        assert find_case(session, opened["code"]).template_version.version == SHIPPED_VERSION
    restored = kiosk(env, "template", "restore", "minor-assault", following, "--as", "bob",
                     stdin=PASSWORD + "\n")
    assert restored.stdout.strip() == (f"minor-assault v{following}: in use; "
                                       f"new cases use v{following}")

    assert kiosk(env, "template", "import", str(draft_file)).returncode == 1  # that one is taken
    start = tmp_path / "after-next.yaml"
    start.write_text(with_version(source, NEXT_VERSION + 1), "utf-8")
    assert kiosk(env, "template", "import", str(start)).returncode == 0
    again = kiosk(env, "template", "import", str(start))
    assert again.returncode == 1 and "already has a draft" in again.stderr
    assert kiosk(env, "template", "import", str(start), "--replace").returncode == 0
    discarded = kiosk(env, "template", "discard-draft", "minor-assault", "--as", "alice",
                      stdin=PASSWORD + "\n")
    assert discarded.returncode == 0 and "discarded" in discarded.stdout
    assert kiosk(env, "audit", "verify").returncode == 0
