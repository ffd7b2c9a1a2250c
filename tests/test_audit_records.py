"""Records changed behind the audit chain's back (with the database password) are named.

The chain alone proves only that no event changed; an attacker who edits an answer, a
signature, a decision or a PDF row leaves the events alone. These tests make those edits with
plain SQL, as such an attacker would, and expect `kiosk audit verify` and `kiosk verify` to say
which record no longer matches what its event recorded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, update
from tamper import tamper_as_file_owner

from kiosk.audit_records import check_records
from kiosk.cases import find_case
from kiosk.cli import main as kiosk_main
from kiosk.models import AnswerRevision, Case, Document, Signature
from kiosk.review import Decision, approve_level
from kiosk.sample_cases import submitted_sample_case
from kiosk.station import Station
from kiosk.users import LoginPolicy, add_user, authenticate
from printer.documents import export_documents, verify_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NO_PENALTY = Decision("no_penalty", "《行政处罚法》第三十三条",
                      "情节轻微并及时纠正，没有造成危害后果")


@pytest.fixture
def signed(station: Station) -> str:
    """A case the party answered and signed at the kiosk (a real signature PNG)."""
    return submitted_sample_case(station).code


def test_an_untouched_case_matches_every_event(station: Station, signed: str,
                                               tmp_path: Path) -> None:
    export_documents(station, signed, tmp_path)
    with station.database.session(readonly=True) as session:
        assert check_records(session) == []


def test_an_answer_changed_with_sql_is_named_with_its_question(station: Station,
                                                               signed: str) -> None:
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        session.execute(update(AnswerRevision).where(AnswerRevision.path == "incident_place")
                        .values(value="别的地方"))
    with station.database.session(readonly=True) as session:
        found = [str(m) for m in check_records(session)]
    assert found == [f"case {signed}: answer 'incident_place' (revision 1) was changed after "
                     f"it was recorded"]


def test_an_answer_slipped_in_without_an_event_is_named(station: Station, signed: str) -> None:
    with station.database.session() as session:
        case = find_case(session, signed)
        session.add(AnswerRevision(case_id=case.id, path="incident_place", value="别的地方",
                                   revision=2, given_by="party"))
    with station.database.session(readonly=True) as session:
        (found,) = check_records(session)
    assert (found.record, found.problem) == ("answer", "not_recorded")
    assert "revision 2" in str(found) and "no audit event recorded it" in str(found)


def test_a_replaced_signature_image_is_named(station: Station, signed: str) -> None:
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        session.execute(update(Signature).values(png=b"\x89PNG another hand"))
    with station.database.session(readonly=True) as session:
        (found,) = check_records(session)
    assert str(found) == f"case {signed}: signature of submission 1 was changed after it was " \
                         f"recorded"


def test_a_decision_changed_after_approval_is_named(station: Station, signed: str) -> None:
    with station.database.session() as session:
        add_user(session, "legal", "pw-legal-1", ["reviewer"], actor="test")
        add_user(session, "head", "pw-head-1", ["approver"], actor="test")
    legal, head = (authenticate(station.database, name, f"pw-{name}-1", policy=LoginPolicy(5))
                   for name in ("legal", "head"))
    with station.database.session() as session:
        approve_level(session, find_case(session, signed), legal, station.settings)
    with station.database.session() as session:
        approve_level(session, find_case(session, signed), head, station.settings,
                      decision=NO_PENALTY)
    with station.database.session(readonly=True) as session:
        assert check_records(session) == []
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        decision = dict(find_case(session, signed).decision or {})
        decision.update(penalty_type="fine", amount=500)
        session.execute(update(Case).where(Case.code == signed).values(decision=decision))
    with station.database.session(readonly=True) as session:
        assert [str(m) for m in check_records(session)] == [
            f"case {signed}: decision was changed after it was recorded"]


def test_a_pdf_changed_together_with_its_stored_hash_is_refused_by_verify(
        station: Station, signed: str, tmp_path: Path) -> None:
    written, _ = export_documents(station, signed, tmp_path)
    statement = written[-1]
    forged = bytearray(statement.read_bytes())
    index = forged.rindex(b"/Producer")  # a byte of the metadata: the page still renders
    forged[index + 12] ^= 0x01
    statement.write_bytes(bytes(forged))
    with station.database.session() as session:  # the attacker updates the row to match
        tamper_as_file_owner(session)  # as someone holding the database
        session.execute(update(Document).where(Document.kind == "statement")
                        .values(pdf=bytes(forged),
                                file_sha256=hashlib.sha256(forged).hexdigest()))
    verdict = verify_file(station, statement)
    assert not verdict.ok and "both changed together" in verdict.message
    with station.database.session(readonly=True) as session:
        assert [str(m) for m in check_records(session)] == [
            f"case {signed}: document statement (submission 1) was changed after it was "
            f"recorded"]


def test_kiosk_audit_verify_fails_and_names_the_changed_answer(
        station: Station, station_env: dict[str, str], signed: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in station_env.items():
        monkeypatch.setenv(name, value)
    assert kiosk_main(["audit", "verify"]) == 0
    assert "every answer, signature, decision and document matches" in capsys.readouterr().out
    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        first = session.scalar(select(AnswerRevision).order_by(AnswerRevision.id).limit(1))
        assert first is not None
        session.execute(update(AnswerRevision).where(AnswerRevision.id == first.id)
                        .values(value="forged"))
        path = first.path
    assert kiosk_main(["audit", "verify"]) == 1
    out = capsys.readouterr()
    assert "audit chain intact" in out.out  # the events were not touched …
    assert f"answer '{path}' (revision 1) was changed after it was recorded" in out.err  # … yet


def test_an_evidence_file_changed_in_the_store_is_named(station: Station, signed: str) -> None:
    from kiosk.models import BlobChunk
    from kiosk.sample_cases import add_sample_evidence

    with station.database.session() as session:
        tamper_as_file_owner(session)  # as someone holding the database
        add_user(session, "legal", "pw-legal-1", ["reviewer"], actor="test")
    sha = add_sample_evidence(station, signed, "legal")
    with station.database.session(readonly=True) as session:
        assert check_records(session) == []
    with station.database.session() as session:  # another picture put in its place
        tamper_as_file_owner(session)  # as someone holding the database
        session.execute(update(BlobChunk).where(BlobChunk.sha256 == sha)
                        .values(data=b"\x89PNG another picture"))
    with station.database.session(readonly=True) as session:
        assert [str(m) for m in check_records(session)] == [
            f"case {signed}: evidence photo {sha[:12]} was changed after it was recorded"]
