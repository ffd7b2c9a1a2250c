"""Evidence items on a real database: real images, PDFs and clips, kept once, refused whole."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from evidence_files import clip_bytes, image_bytes, pdf_bytes
from sqlalchemy import func, select
from test_review import FINE, PASSWORD, submitted

from kiosk.audit import verify_chain
from kiosk.cases import find_case
from kiosk.evidence import EvidenceError, add_evidence, evidence_of, evidence_problem, find_item
from kiosk.models import AuditEvent, Blob, BlobChunk, EvidenceItem
from kiosk.review import approve_level
from kiosk.sample_cases import decide_after_notice
from kiosk.station import Station
from kiosk.users import LoginPolicy, add_user, authenticate, disable_user


@pytest.fixture
def staff(station: Station) -> dict[str, object]:
    with station.database.session() as session:
        for name, roles in (("duty", ["officer"]), ("legal", ["reviewer"]),
                            ("head", ["approver"]), ("root", ["admin"])):
            add_user(session, name, PASSWORD, roles, actor="test")
    return {name: authenticate(station.database, name, PASSWORD, policy=LoginPolicy(5))
            for name in ("duty", "legal", "head", "root")}


def add(station: Station, code: str, user, data: bytes | Path, kind: str, **options):
    settings = options.pop("settings", station.settings)
    with station.database.session() as session:
        item = add_evidence(session, find_case(session, code), user, data, kind=kind,
                            settings=settings, **options)
        return item.sha256


def listed(station: Station, code: str):
    with station.database.session() as session:
        return evidence_of(session, find_case(session, code))


def counts(station: Station) -> tuple[int, ...]:
    with station.database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(table))
                     for table in (EvidenceItem, Blob, BlobChunk, AuditEvent))


def test_a_photo_a_jpeg_a_pdf_and_a_clip_are_listed_with_who_added_them(
        station: Station, staff, tmp_path: Path) -> None:
    code = submitted(station)
    clip = tmp_path / "门口监控.mp4"
    clip.write_bytes(clip_bytes("mp4"))
    png, jpeg, pdf = image_bytes("PNG"), image_bytes("JPEG", "navy"), pdf_bytes()
    add(station, code, staff["duty"], png, "photo", name="injury.png")
    add(station, code, staff["legal"], jpeg, "photo", source="party")
    add(station, code, staff["head"], pdf, "receipt", source="party")
    add(station, code, staff["duty"], clip, "video")

    items = listed(station, code)
    assert [(i.kind, i.source, i.added_by, i.media_type, i.name) for i in items] == [
        ("photo", "officer", "duty", "image/png", "injury.png"),
        ("photo", "party", "legal", "image/jpeg", ""),
        ("receipt", "party", "head", "application/pdf", ""),
        ("video", "officer", "duty", "video/mp4", "门口监控.mp4"),
    ]
    assert items[0].sha256 == hashlib.sha256(png).hexdigest() and items[0].size == len(png)
    assert items[3].size == clip.stat().st_size
    with station.database.session() as session:
        events = session.execute(select(AuditEvent).where(
            AuditEvent.action == "evidence.added").order_by(AuditEvent.seq)).scalars().all()
        assert [(e.actor, e.payload["kind"], e.payload["source"], e.payload["size"])
                for e in events] == [(i.added_by, i.kind, i.source, i.size) for i in items]
        assert events[0].payload["sha256"] == items[0].sha256
        assert verify_chain(session).is_intact


def test_matroska_and_webm_clips_are_videos_by_their_content(station: Station, staff) -> None:
    code = submitted(station)
    add(station, code, staff["duty"], clip_bytes("matroska"), "video")
    add(station, code, staff["duty"], clip_bytes("webm"), "video")
    assert [i.media_type for i in listed(station, code)] == ["video/x-matroska", "video/webm"]


def test_the_same_file_twice_is_kept_once_and_refused_as_already_added(
        station: Station, staff) -> None:
    code = submitted(station)
    photo = image_bytes()
    add(station, code, staff["duty"], photo, "photo")
    before = counts(station)
    with pytest.raises(EvidenceError, match="already evidence") as refused:
        add(station, code, staff["legal"], photo, "document")
    assert refused.value.reason == "already_added"
    assert refused.value.values["user"] == "duty"
    assert counts(station) == before


def test_two_officers_adding_the_same_file_at_once_keep_it_once(
        station: Station, staff, request: pytest.FixtureRequest) -> None:
    """PostgreSQL: the second officer's check cannot see the first's uncommitted item, so the
    unique index decides, and the loser gets the same clear refusal. (SQLite's one writer at a
    time makes the check itself enough.)"""
    import threading
    import time

    if station.database.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite serialises whole transactions")
    code, other = submitted(station), submitted(station)
    photo = image_bytes(label="twice")
    add(station, other, staff["duty"], photo, "photo")  # the file is in the store already
    first_added, commit_first = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def first() -> None:
        with station.database.session() as session:
            add_evidence(session, find_case(session, code), staff["duty"], photo, kind="photo",
                         settings=station.settings)
            first_added.set()
            commit_first.wait(10)
        outcomes.append("first ok")

    def second() -> None:
        try:
            add(station, code, staff["legal"], photo, "photo")
            outcomes.append("second ok")
        except EvidenceError as exc:
            outcomes.append(exc.reason)

    one = threading.Thread(target=first)
    one.start()
    assert first_added.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)  # the second now waits on the unique index for the first to end
    commit_first.set()
    one.join(10)
    two.join(10)
    assert sorted(outcomes) == ["already_added", "first ok"]
    assert [i.added_by for i in listed(station, code)] == ["duty"]


def test_the_same_file_in_two_cases_is_stored_once(station: Station, staff) -> None:
    first, second = submitted(station), submitted(station)
    photo = image_bytes(label="both")
    add(station, first, staff["duty"], photo, "photo")
    add(station, second, staff["duty"], photo, "photo")
    assert listed(station, first)[0].sha256 == listed(station, second)[0].sha256
    with station.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 1


GARBLED_PNG = image_bytes("PNG", size=(200, 200))[:300]  # cut short after its header


@pytest.mark.parametrize(("data", "kind", "reason"), [
    (b"GIF89a" + bytes(200), "photo", "unknown_type"),
    (b"MZ\x90\x00 not a photo at all, a program renamed .jpg", "photo", "unknown_type"),
    (GARBLED_PNG, "photo", "unreadable"),
    (b"\xff\xd8\xff\xe0" + bytes(100), "photo", "unreadable"),  # a JPEG start and nothing else
    (pdf_bytes()[:-200], "document", "unreadable"),  # a PDF without its end
    (pdf_bytes(), "photo", "kind_mismatch"),
    (image_bytes(), "video", "kind_mismatch"),
    (image_bytes(), "fingerprint", "unknown_kind"),
])
def test_bad_files_are_refused_with_their_reason_and_nothing_changes(
        station: Station, staff, data: bytes, kind: str, reason: str, tmp_path: Path) -> None:
    code = submitted(station)
    before = counts(station)
    named = tmp_path / "evidence.jpg"  # the name never decides the type
    named.write_bytes(data)
    with pytest.raises(EvidenceError) as refused:
        add(station, code, staff["duty"], named, kind)
    assert refused.value.reason == reason
    assert counts(station) == before and listed(station, code) == []


def test_a_file_over_the_station_limit_is_refused(station: Station, staff) -> None:
    code = submitted(station)
    one_mb = dataclasses.replace(station.settings, evidence_max_mb=1)
    before = counts(station)
    big = image_bytes() + bytes(1 << 20)  # a real PNG with a MiB of trailing bytes
    with pytest.raises(EvidenceError, match="more than the station's limit of 1 MB") as refused:
        add(station, code, staff["duty"], big, "photo", settings=one_mb)
    assert (refused.value.reason, refused.value.values["limit_mb"]) == ("too_large", 1)
    assert counts(station) == before
    assert station.settings.evidence_max_mb == 200  # the shipped default


def test_only_officers_reviewers_and_approvers_add_evidence(station: Station, staff) -> None:
    code = submitted(station)
    with station.database.session() as session:
        disabled = disable_user(session, "duty", actor="test")  # as a console still holds it
    before = counts(station)
    with pytest.raises(EvidenceError, match="may not add evidence") as refused:
        add(station, code, staff["root"], image_bytes(), "photo")
    assert refused.value.reason == "role_needed"
    with pytest.raises(EvidenceError, match="disabled") as refused:
        add(station, code, disabled, image_bytes(), "photo")
    assert refused.value.reason == "evidence_account_disabled"
    assert counts(station) == before


def test_a_decided_case_takes_no_more_evidence(station: Station, staff) -> None:
    code = submitted(station)
    add(station, code, staff["duty"], image_bytes(), "photo")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), staff["legal"], station.settings)
    decide_after_notice(station, code, staff["head"], FINE)  # PSAPL Art. 112
    before = counts(station)
    with pytest.raises(EvidenceError, match="decided") as refused:
        add(station, code, staff["duty"], pdf_bytes(), "document")
    assert refused.value.reason == "already_decided"
    assert counts(station) == before


def test_an_item_is_found_by_the_start_of_its_hash(station: Station, staff) -> None:
    code = submitted(station)
    sha = add(station, code, staff["duty"], image_bytes(), "photo")
    with station.database.session() as session:
        case = find_case(session, code)
        assert find_item(session, case, sha[:10].upper()).sha256 == sha
        with pytest.raises(EvidenceError) as refused:
            find_item(session, case, "0" * 12)
        assert refused.value.reason == "item_not_found"


# -- the Art. 111 gate ----------------------------------------------------------------------


def gate(station: Station, code: str, settings=None) -> str | None:
    with station.database.session(readonly=True) as session:
        return evidence_problem(session, find_case(session, code), settings or station.settings)


def test_the_gate_refuses_a_case_with_nothing_but_the_statement(station: Station) -> None:
    assert gate(station, submitted(station)) == "no_other_evidence"


def test_the_sample_photo_of_the_demo_satisfies_the_gate(station: Station, staff) -> None:
    from kiosk.sample_cases import add_sample_evidence

    code = submitted(station)
    add_sample_evidence(station, code, "legal")
    assert gate(station, code) is None


def test_what_the_party_alone_gave_never_counts(station: Station, staff) -> None:
    code = submitted(station)
    add(station, code, staff["duty"], image_bytes(), "photo", source="party")
    add(station, code, staff["duty"], pdf_bytes(), "receipt", source="party")
    assert gate(station, code) == "no_other_evidence"
    add(station, code, staff["duty"], image_bytes(label="desk camera"), "photo",
        source="kiosk_camera")
    assert gate(station, code) is None


def test_only_the_kinds_the_station_counts_corroborate(station: Station, staff) -> None:
    code = submitted(station)
    add(station, code, staff["duty"], pdf_bytes(), "receipt")
    assert gate(station, code) is None  # every kind counts by default
    videos_only = dataclasses.replace(station.settings, evidence_kinds_counting=("video",))
    assert gate(station, code, videos_only) == "no_other_evidence"
    add(station, code, staff["duty"], clip_bytes("mp4"), "video")
    assert gate(station, code, videos_only) is None


def test_the_station_setting_of_counting_kinds_refuses_an_unknown_kind(station: Station) -> None:
    from kiosk.settings import SettingsError

    with pytest.raises(SettingsError, match="unknown kind of evidence") as refused:
        station.set_setting("evidence_kinds_counting", "photo,hearsay", actor="test")
    assert refused.value.problems["evidence_kinds_counting"].reason == "unknown_kind"
    station.set_setting("evidence_kinds_counting", "video,document", actor="test")
    assert station.reload_settings().evidence_kinds_counting == ("video", "document")


# -- the command line -----------------------------------------------------------------------


def test_evidence_is_added_listed_and_exported_from_the_command_line(
        station: Station, staff, kiosk_command, tmp_path: Path) -> None:
    code = submitted(station)
    photo, clip = tmp_path / "injury.jpg", tmp_path / "cctv.mp4"
    photo.write_bytes(image_bytes("JPEG"))
    clip.write_bytes(clip_bytes("mp4"))
    status, out, err = kiosk_command("evidence", "add", code, str(photo), "--kind", "photo",
                                     "--as", "duty", stdin=PASSWORD + "\n")
    assert status == 0, err
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in out
    assert kiosk_command("evidence", "add", code, str(clip), "--kind", "video", "--source",
                         "kiosk_camera", "--as", "legal", stdin=PASSWORD + "\n")[0] == 0

    status, out, _ = kiosk_command("evidence", "list", code, "--json")
    items = json.loads(out)
    assert [(i["kind"], i["source"], i["added_by"], i["media_type"], i["name"]) for i in items] \
        == [("photo", "officer", "duty", "image/jpeg", "injury.jpg"),
            ("video", "kiosk_camera", "legal", "video/mp4", "cctv.mp4")]
    assert items[1]["size"] == clip.stat().st_size
    assert items[0]["added_at"].endswith("+08:00")  # station time (Asia/Shanghai)

    _, out, _ = kiosk_command("case", "show", code, "--json")
    assert [i["sha256"] for i in json.loads(out)["evidence"]] == [i["sha256"] for i in items]

    copy = tmp_path / "copy.mp4"
    status, _, err = kiosk_command("evidence", "export", code, items[1]["sha256"][:12],
                                   "--out", str(copy))
    assert status == 0, err
    assert copy.read_bytes() == clip.read_bytes()


def test_the_command_line_refuses_a_bad_file_and_a_second_copy(
        station: Station, staff, kiosk_command, tmp_path: Path) -> None:
    code = submitted(station)
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<html>not a photo</html>")
    status, _, err = kiosk_command("evidence", "add", code, str(fake), "--kind", "photo",
                                   "--as", "duty", stdin=PASSWORD + "\n")
    assert status == 1 and "not a PNG or JPEG image" in err
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(pdf_bytes())
    for expected in (0, 1):
        status, _, err = kiosk_command("evidence", "add", code, str(receipt), "--kind",
                                       "receipt", "--as", "duty", stdin=PASSWORD + "\n")
        assert status == expected, err
    assert "already evidence" in err
    wrong = kiosk_command("evidence", "add", code, str(receipt), "--kind", "receipt",
                          "--as", "duty", stdin="wrong password\n")
    assert wrong[0] == 1
    assert len(json.loads(kiosk_command("evidence", "list", code, "--json")[1])) == 1


# -- the decision lists the evidence (PSAPL Art. 115(2)) -------------------------------------


def test_the_decision_lists_each_item_by_kind_source_date_and_short_hash(
        station: Station, staff, tmp_path: Path) -> None:
    from test_documents_as_read import flat, text_of

    from printer.decision import DECISION
    from printer.documents import export_documents, verify_file

    code = submitted(station)
    photo = add(station, code, staff["duty"], image_bytes("JPEG"), "photo")
    receipt = add(station, code, staff["duty"], pdf_bytes(), "receipt", source="party")
    with station.database.session() as session:
        approve_level(session, find_case(session, code), staff["legal"], station.settings)
    decide_after_notice(station, code, staff["head"], FINE)  # PSAPL Art. 112
    written, _ = export_documents(station, code, tmp_path)
    decision = next(p for p in written if p.name.endswith(f"-{DECISION}.pdf"))
    text = flat(text_of(decision))
    today = f"{station.today().year}年{station.today().month}月{station.today().day}日"
    assert f"证据：1.照片（公安机关调取，{today}，SHA-256：{photo[:12]}）" in text
    assert f"2.票据（当事人提交，{today}，SHA-256：{receipt[:12]}）" in text
    assert verify_file(station, decision).ok
