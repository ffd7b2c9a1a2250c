"""Mediation (PSAPL Art. 9) on a real database: kept, the case ends with no penalty; failed, it
goes back to review; every step out of order, or by one side alone, is refused with nothing
written."""

from __future__ import annotations

import json

import pytest
from evidence_files import image_bytes
from shipped import shipped_template_ids
from sqlalchemy import func, select
from test_review import FINE, PASSWORD, submitted

from kiosk.audit import case_events, verify_chain
from kiosk.cases import find_case
from kiosk.evidence import EvidenceError, add_evidence
from kiosk.mediation import (
    MediationError,
    agree_mediation,
    fail_mediation,
    fulfil_mediation,
    propose_mediation,
)
from kiosk.models import AuditEvent, Mediation
from kiosk.review import ReviewError, approve_level, claim_case
from kiosk.sample_cases import decide_after_notice
from kiosk.station import Station
from kiosk.template_loader import load_template_file, parse_template
from kiosk.users import LoginPolicy, add_user, authenticate


@pytest.fixture
def staff(station: Station) -> dict[str, object]:
    with station.database.session() as session:
        for name, roles in (("duty", ["officer"]), ("legal", ["reviewer"]),
                            ("head", ["approver"]), ("root", ["admin"])):
            add_user(session, name, PASSWORD, roles, actor="test")
    return {name: authenticate(station.database, name, PASSWORD, policy=LoginPolicy(5))
            for name in ("duty", "legal", "head", "root")}


def step(station: Station, code: str, action, *args, **kwargs):
    with station.database.session() as session:
        case = find_case(session, code)
        action(session, case, *args, **kwargs)
        return case.status


def status(station: Station, code: str) -> str:
    with station.database.session(readonly=True) as session:
        return find_case(session, code).status


def written(station: Station) -> tuple[int, int]:
    with station.database.session(readonly=True) as session:
        return (session.scalar(select(func.count()).select_from(Mediation)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


def test_the_shipped_assault_and_damage_types_are_mediable_and_theft_is_not() -> None:
    from kiosk.settings import PROJECT_ROOT

    folder = PROJECT_ROOT / "templates" / "questions"
    mediable = {path.stem: load_template_file(path).mediable
                for path in folder.glob("*.yaml") if path.stem in shipped_template_ids("offender")}
    assert mediable == {"minor-assault": True, "property-damage": True, "petty-theft": False}


def test_a_mediable_key_that_is_not_true_or_false_is_a_template_error() -> None:
    from kiosk.settings import PROJECT_ROOT
    from kiosk.template_store import TemplateInvalid

    source = (PROJECT_ROOT / "templates/questions/minor-assault.yaml").read_text("utf-8")
    with pytest.raises(TemplateInvalid, match="'mediable' must be true or false"):
        parse_template(source.replace("mediable: true", "mediable: maybe"), "x.yaml")


def test_a_kept_agreement_ends_the_case_mediated_with_no_penalty(station: Station,
                                                                 staff) -> None:
    code = submitted(station)
    assert step(station, code, propose_mediation, staff["duty"],
                terms="张三赔偿李四医药费 500 元，当场付清") == "mediating"
    assert step(station, code, agree_mediation, staff["duty"]) == "mediating"
    assert step(station, code, fulfil_mediation, staff["legal"]) == "mediated"
    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        assert case.decision is None and case.decided_at is not None  # no penalty, final
        actions = [e.action for e in case_events(session, case.id)
                   if e.action.startswith("mediation.")]
        assert actions == ["mediation.proposed", "mediation.agreed", "mediation.fulfilled"]
        assert verify_chain(session).is_intact
    # A mediated case is final: no decision, no more evidence, no second mediation.
    with pytest.raises(ReviewError) as refused:
        step(station, code, approve_level, staff["legal"], station.settings)
    assert refused.value.reason == "not_approvable"
    with pytest.raises(EvidenceError) as refused:
        step(station, code, add_evidence, staff["duty"], image_bytes(), kind="photo",
             settings=station.settings)
    assert refused.value.reason == "already_decided"
    with pytest.raises(MediationError) as refused:
        step(station, code, propose_mediation, staff["duty"])
    assert refused.value.reason == "mediation_out_of_order"


def test_a_failed_mediation_goes_back_to_review_and_a_penalty_follows(
        station: Station, staff) -> None:
    code = submitted(station)
    step(station, code, claim_case, staff["legal"])
    step(station, code, propose_mediation, staff["legal"])
    step(station, code, agree_mediation, staff["legal"], ("offender",))
    assert step(station, code, fail_mediation, staff["legal"],
                "被侵害人不同意赔偿数额") == "in_review"
    with station.database.session(readonly=True) as session:
        mediation = session.execute(select(Mediation)).scalar_one()
        assert (mediation.status, mediation.failure_reason) == ("failed", "被侵害人不同意赔偿数额")
    before = written(station)
    with pytest.raises(MediationError) as refused:  # Art. 9: failed, a decision follows
        step(station, code, propose_mediation, staff["legal"])
    assert refused.value.reason == "mediation_failed_before"
    assert written(station) == before
    step(station, code, approve_level, staff["legal"], station.settings)
    assert decide_after_notice(station, code, staff["head"], FINE).status == "approved"


def test_one_side_alone_is_no_agreement(station: Station, staff) -> None:
    code = submitted(station)
    step(station, code, propose_mediation, staff["duty"])
    step(station, code, agree_mediation, staff["duty"], ("offender",))
    before = written(station)
    with pytest.raises(MediationError, match="victim's consent") as refused:
        step(station, code, fulfil_mediation, staff["duty"])
    assert refused.value.reason == "not_agreed_by_both"
    with pytest.raises(MediationError) as refused:
        step(station, code, agree_mediation, staff["duty"], ("offender",))
    assert refused.value.reason == "side_already_agreed"
    assert written(station) == before and status(station, code) == "mediating"
    step(station, code, agree_mediation, staff["duty"], ("victim",))
    assert step(station, code, fulfil_mediation, staff["duty"]) == "mediated"


def test_theft_is_not_mediated(station: Station, staff) -> None:
    code = submitted(station, "petty-theft")
    before = written(station)
    with pytest.raises(MediationError, match="not mediated") as refused:
        step(station, code, propose_mediation, staff["duty"])
    assert refused.value.reason == "not_mediable"
    assert written(station) == before and status(station, code) == "submitted"


@pytest.mark.parametrize(("done", "action", "args"), [
    ((), agree_mediation, ()),                                    # nothing proposed
    ((), fulfil_mediation, ()),
    ((), fail_mediation, ("no agreement",)),
    (((propose_mediation, ()),), propose_mediation, ()),          # proposed twice
    (((propose_mediation, ()), (fail_mediation, ("kept away",))),  # failed, then kept
     fulfil_mediation, ()),
])
def test_a_step_out_of_order_is_refused_and_changes_nothing(
        station: Station, staff, done, action, args) -> None:
    code = submitted(station)
    for earlier, earlier_args in done:
        step(station, code, earlier, staff["duty"], *earlier_args)
    before, was = written(station), status(station, code)
    with pytest.raises(MediationError) as refused:
        step(station, code, action, staff["duty"], *args)
    assert refused.value.reason == "mediation_out_of_order"
    assert written(station) == before and status(station, code) == was


def test_only_officers_mediate_and_a_failure_needs_its_reason(station: Station, staff) -> None:
    code = submitted(station)
    with pytest.raises(MediationError) as refused:
        step(station, code, propose_mediation, staff["root"])
    assert refused.value.reason == "role_needed"
    step(station, code, propose_mediation, staff["duty"])
    with pytest.raises(MediationError) as refused:
        step(station, code, fail_mediation, staff["duty"], "  ")
    assert refused.value.reason == "mediation_reason_missing"
    assert status(station, code) == "mediating"


def test_mediation_from_the_command_line_both_ways(station: Station, staff,
                                                    kiosk_command) -> None:
    kept, failed = submitted(station), submitted(station, "property-damage")
    password = PASSWORD + "\n"
    status_, out, err = kiosk_command("mediate", kept, "propose", "--as", "duty", "--terms",
                                      "赔偿 300 元", "--json", stdin=password)
    assert status_ == 0, err
    assert json.loads(out)["status"] == "mediating"
    refused = kiosk_command("mediate", kept, "fulfilled", "--as", "duty", stdin=password)
    assert refused[0] == 1 and "both sides must agree" in refused[2]
    assert kiosk_command("mediate", kept, "agree", "--as", "duty", stdin=password)[0] == 0
    assert kiosk_command("mediate", kept, "fulfilled", "--as", "legal", stdin=password)[0] == 0
    shown = json.loads(kiosk_command("case", "show", kept, "--json")[1])
    assert shown["status"] == "mediated" and shown["start_code"] is None
    assert shown["mediation"]["status"] == "fulfilled"
    assert shown["mediation"]["agreed"] == ["offender", "victim"]
    assert shown["mediation"]["terms"] == "赔偿 300 元"

    assert kiosk_command("mediate", failed, "propose", "--as", "duty", stdin=password)[0] == 0
    one_side = kiosk_command("mediate", failed, "agree", "--side", "offender", "--as", "duty",
                             stdin=password)
    assert one_side[0] == 0 and "mediating" in one_side[1]
    status_, out, err = kiosk_command("mediate", failed, "failed", "--as", "duty", "--reason",
                                      "未达成协议", stdin=password)
    assert status_ == 0, err
    assert json.loads(kiosk_command("case", "show", failed, "--json")[1])["status"] \
        == "in_review"
    theft = submitted(station, "petty-theft")
    refused = kiosk_command("mediate", theft, "propose", "--as", "duty", stdin=password)
    assert refused[0] == 1 and "not mediated" in refused[2]


def test_the_agreement_is_printed_once_both_sides_agreed(station: Station, staff,
                                                         tmp_path) -> None:
    from test_documents_as_read import flat, text_of

    from printer.documents import export_documents, verify_file
    from printer.mediation import KIND

    code = submitted(station)
    step(station, code, propose_mediation, staff["duty"])
    step(station, code, agree_mediation, staff["duty"], ("offender",))
    _, pending = export_documents(station, code, tmp_path / "before")
    assert KIND in pending  # one side alone: no agreement yet
    step(station, code, agree_mediation, staff["duty"], ("victim",),
         terms="张三于2026年12月10日前赔偿李四医药费500元")
    step(station, code, fulfil_mediation, staff["duty"])
    written_files, pending = export_documents(station, code, tmp_path / "after")
    agreement = next(p for p in written_files if p.name.endswith(f"-{KIND}.pdf"))
    text = flat(text_of(agreement))
    assert "治安调解协议书" in text
    assert "张三于2026年12月10日前赔偿李四医药费500元" in text
    assert "本协议履行后，公安机关对违法行为人不予治安管理处罚" in text  # PSAPL Art. 9
    assert "可以依法向人民法院提起民事诉讼" in text
    assert "调解民警：duty" in text
    assert verify_file(station, agreement).ok and KIND not in pending


@pytest.mark.parametrize("kept", [True, False])
def test_the_mediation_record_says_how_it_ended(station: Station, staff, tmp_path,
                                                kept: bool) -> None:
    from test_documents_as_read import flat, text_of

    from printer.documents import export_documents, verify_file
    from printer.mediation import KIND, RECORD

    code = submitted(station)
    step(station, code, propose_mediation, staff["duty"], terms="赔偿眼镜费 800 元")
    step(station, code, agree_mediation, staff["duty"], ("offender",))
    _, pending = export_documents(station, code, tmp_path / "open")
    assert RECORD in pending  # made when the mediation ends
    if kept:
        step(station, code, agree_mediation, staff["duty"], ("victim",))
        step(station, code, fulfil_mediation, staff["legal"])
    else:
        step(station, code, fail_mediation, staff["legal"], "被侵害人不同意赔偿数额")
    files, pending = export_documents(station, code, tmp_path / "ended")
    record = next(p for p in files if p.name.endswith(f"-{RECORD}.pdf"))
    text = flat(text_of(record))
    assert "治安调解笔录" in text and "赔偿眼镜费800元" in text and "调解民警：duty" in text
    assert "违法行为人于" in text and "记录人：legal" in text
    if kept:
        assert "被侵害人于" in text and "对违法行为人不予治安管理处罚" in text
        assert any(p.name.endswith(f"-{KIND}.pdf") for p in files)
    else:
        assert "被侵害人未同意调解协议" in text
        assert "调解不成（被侵害人不同意赔偿数额），依法作出处理决定" in text
        assert KIND not in pending and not any(p.name.endswith(f"-{KIND}.pdf") for p in files)
    assert verify_file(station, record).ok
