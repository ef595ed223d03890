"""报修 (《信息化网络管理暂行规定》第20条、第21条、第34条; 《保密工作制度》第三十四条(9)): the user reports a
fault on his own device, ops take it (维修中), the 主管院领导 approves a repair that found games, ops finish
it (back in use), the reporter confirms; nobody closes his own ticket; a classified computer is repaired
on site under a supervisor or sent out with its storage removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.repairs import ON_SITE, OUTSIDE, REPAIR_DOCUMENT_KIND, REPAIR_REGISTER, RepairService
from courtdesk.areas.it.request_models import ItRepair
from courtdesk.kernel import printing, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.registers import RegisterQuery
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused


def _refused(db: Any, call: Any, field: str, article: str) -> DomainError:
    return refused(db, call, field, article, or_in_rule=True)


def _own(db: Any, user: Any, kind: str = "台式计算机", classified: bool = False) -> int:
    with db.read() as s:
        found = s.scalars(select(ItAsset.id).where(ItAsset.user_id == user.id, ItAsset.kind == kind,
                                                   ItAsset.classified.is_(classified),
                                                   ItAsset.status == "in_use").order_by(ItAsset.id)).first()
    assert found is not None
    return found


def _status(db: Any, asset_id: int) -> str:
    with db.read() as s:
        return s.get(ItAsset, asset_id).status


def test_a_fault_is_taken_repaired_and_confirmed_by_the_reporter_only(db, users):
    service = RepairService(db)
    judge, ops = users["judge"], users["itops"]
    pc = _own(db, judge)
    repair = service.report(judge, {"asset_id": pc, "fault": "无法开机"})
    assert repair.number.startswith("(2026)信修") and repair.status == "reported"
    _refused(db, lambda: service.report(judge, {"asset_id": pc, "fault": "又坏了"}), "报修设备", "第20条")
    with db.read() as s:
        assert repair.id in RegisterQuery(REPAIR_REGISTER, filter_key="to_take").ids(s, ops)
    service.act(ops, repair.id, "take", mode=ON_SITE)
    assert _status(db, pc) == "repair"
    _refused(db, lambda: service.act(judge, repair.id, "finish", work="x", outcome="已修复"), "操作人", "第21条")
    service.act(ops, repair.id, "finish", work="更换电源", outcome="更换配件后修复")
    assert _status(db, pc) == "in_use"
    # ops cannot close the ticket they handled
    error = _refused(db, lambda: service.act(ops, repair.id, "confirm"), "操作人", "第21条")
    assert "报修人" in str(error)
    service.act(judge, repair.id, "confirm", "已正常")
    with db.read() as s:
        assert s.get(ItRepair, repair.id).status == "done"
        steps = [st.action for st in workflow.history(s, "it_asset", pc)]
        assert steps[-2:] == ["to_repair", "to_in_use"]


def test_only_ones_own_device_in_use_may_be_reported(db, users):
    other = _own(db, users["finance_leader"])
    _refused(db, lambda: RepairService(db).report(users["judge"], {"asset_id": other, "fault": "坏了"}), "报修设备", "")


def test_ops_do_not_repair_their_own_reported_device(db, users):
    service = RepairService(db)
    ops = users["itops"]
    repair = service.report(ops, {"asset_id": _own(db, ops), "fault": "键盘失灵"})
    _refused(db, lambda: service.act(ops, repair.id, "take", mode=ON_SITE), "操作人", "第21条")
    service.act(users["office_head"], repair.id, "take", mode=ON_SITE)


def test_games_found_wait_for_the_leader(db, users):
    service = RepairService(db)
    clerk, ops, leader = users["civil_clerk"], users["itops"], users["leader"]
    repair = service.report(users["judge"], {"asset_id": _own(db, users["judge"]), "fault": "很慢"})
    service.act(ops, repair.id, "take", mode=ON_SITE)
    service.act(ops, repair.id, "refer", "装有游戏", referral="发现游戏")
    _refused(db, lambda: service.act(ops, repair.id, "finish", work="x", outcome="已修复"), "状态", "")
    _refused(db, lambda: service.act(clerk, repair.id, "approve"), "操作人", "第34条")
    with db.read() as s:
        assert repair.id in RegisterQuery(REPAIR_REGISTER, filter_key="to_approve").ids(s, leader)
    service.act(leader, repair.id, "approve", "同意修复，卸载游戏")
    service.act(ops, repair.id, "finish", work="卸载游戏软件，杀毒", outcome="已修复")


def test_a_classified_computer_only_on_site_under_supervision_or_with_storage_removed(db, users):
    service = RepairService(db)
    leader, ops = users["leader"], users["itops"]
    secret = _own(db, leader, classified=True)
    repair = service.report(leader, {"asset_id": secret, "fault": "无法开机"})
    _refused(db, lambda: service.act(ops, repair.id, "take", mode=ON_SITE), "全程监管人", "第三十四条(9)")
    _refused(db, lambda: service.act(ops, repair.id, "take", mode=OUTSIDE), "存储部件", "第三十四条(9)")
    _refused(db, lambda: service.act(ops, repair.id, "take", mode=ON_SITE, supervisor_id=ops.id), "全程监管人",
             "第三十四条(9)")
    assert _status(db, secret) == "in_use"
    service.act(ops, repair.id, "take", mode=OUTSIDE, storage_removed="yes")
    assert _status(db, secret) == "repair"
    with db.read() as s:
        assert s.get(ItRepair, repair.id).storage_removed


def test_demo_repairs_in_every_state_and_the_form_reads_back(db, users, tmp_path):
    with db.read() as s:
        assert set(s.scalars(select(ItRepair.status))) >= {"reported", "repairing", "to_leader", "to_confirm", "done"}
        classified = s.scalars(select(ItRepair).join(ItAsset, ItAsset.id == ItRepair.asset_id)
                               .where(ItAsset.classified.is_(True))).one()
        assert classified.supervisor is not None and classified.mode == ON_SITE
        doc = printing.kind(REPAIR_DOCUMENT_KIND).build(s, classified.id)
        items = {i.title: i.count for i in REPAIR_REGISTER.dashboard(s, users["itops"])}
        assert items["待受理的报修"] == 1
        assert {i.title: i.count for i in REPAIR_REGISTER.dashboard(s, users["leader"])}["待我批准的维修"] == 1
        assert {i.title: i.count for i in REPAIR_REGISTER.dashboard(s, users["judge"])}["待我确认的维修"] == 1
    render_pdf(doc, tmp_path / "repair.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "repair.pdf")))
    for said in ("信息化设备报修单", "涉密计算机", "李强全程监管", "冯雪", "高峰", "更换配件后修复"):
        assert squash(said) in text, said


def test_who_sees_which_tickets(db, users):
    with db.read() as s:
        def seen(key: str) -> set[int]:
            return set(RegisterQuery(REPAIR_REGISTER).ids(s, users[key]))

        everything = set(s.scalars(select(ItRepair.id)))
        mine = set(s.scalars(select(ItRepair.id).where(ItRepair.reporter_id == users["judge"].id)))
        classified = set(s.scalars(select(ItRepair.id).join(ItAsset, ItAsset.id == ItRepair.asset_id)
                                   .where(ItAsset.classified.is_(True))))
    assert seen("itops") == everything and seen("leader") == everything
    assert seen("judge") == mine and mine
    assert classified <= seen("secrecy")
    assert seen("civil_head") >= mine


def test_the_reporter_may_send_an_unfixed_device_back(db, users):
    service = RepairService(db)
    with db.read() as s:
        repair = s.scalars(select(ItRepair).where(ItRepair.status == "to_confirm")).one()
        repair_id, reporter, asset_id = repair.id, repair.reporter_id, repair.asset_id
    judge = users["judge"]
    assert judge.id == reporter
    _refused(db, lambda: service.act(judge, repair_id, "reopen"), "意见", "")
    service.act(judge, repair_id, "reopen", "仍然卡纸")
    assert _status(db, asset_id) == "repair"
