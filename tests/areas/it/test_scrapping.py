"""报废 and 返旧换新 (《信息化网络管理暂行规定》第22条): the 网络运维主管's 鉴定 puts the device 待报废, 信建办
asks the 主管领导, whose approval scraps it (record kept, IP freed) and calls the 返旧换新 hooks; a refusal
puts it back; a classified computer is never scrapped here (《保密工作制度》第三十四条(11)); nobody approves
his own request."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from courtdesk.areas.it import scrapping
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.scrap_models import ItScrap
from courtdesk.areas.it.scrapping import SCRAP_FORM_KIND, SCRAP_REGISTER, ScrapService
from courtdesk.areas.secrecy.device_models import SecretComputer
from courtdesk.kernel import printing, registers, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused as _refused


def _desktop(db: Any, user: Any, kind: str = "台式计算机") -> ItAsset:
    with db.read() as s:
        return s.scalars(select(ItAsset).where(ItAsset.user_id == user.id, ItAsset.kind == kind,
                                               ItAsset.classified.is_(False), ItAsset.network == "内网")
                         .order_by(ItAsset.id)).first()


def _asset(db: Any, asset_id: int) -> ItAsset:
    with db.read() as s:
        asset = s.get(ItAsset, asset_id)
        assert asset is not None
        return asset


def _shown(db: Any, actor: Any, scrap_id: int) -> dict[str, str]:
    with db.read() as s:
        row = RegisterQuery(SCRAP_REGISTER).one(s, actor, scrap_id)
    assert row is not None
    return dict(zip([c.key for c in SCRAP_REGISTER.columns], display_row(SCRAP_REGISTER, row), strict=True))


def test_each_desk_sees_its_step_on_the_dashboard_and_the_card_lists_it(db, users):
    wanted = {"itops": ("待鉴定的报废申请", "to_assess", "BF-2026-006"),
              "office_head": ("待请示主管领导的报废申请", "to_report", "BF-2026-005"),
              "leader": ("待我批准的报废申请", "to_approve", "BF-2026-004")}
    for who, (title, key, number) in wanted.items():
        with db.read() as s:
            cards = [c for c in registers.dashboard(s, users[who]) if c.register == "it_scrap"]
            rows = RegisterQuery(SCRAP_REGISTER, filter_key=key).page(s, users[who], 0, 10)
        assert [(c.title, c.count, c.filter) for c in cards] == [(title, 1, key)]
        assert [display_row(SCRAP_REGISTER, r)[0] for r in rows] == [number]
    with db.read() as s:  # the president is no 主管领导 here: no card, the filter is empty for him
        assert not [c for c in registers.dashboard(s, users["president"]) if c.register == "it_scrap"]
        assert RegisterQuery(SCRAP_REGISTER, filter_key="to_approve").count(s, users["president"]) == 0


def test_approval_scraps_the_device_keeps_its_record_frees_its_ip_and_asks_for_a_replacement(db, users, monkeypatch):
    called: list[tuple[str, str, int]] = []

    def hook(session: Any, actor: Any, asset: ItAsset, user_id: int) -> str:
        called.append((actor.name, asset.number, user_id))
        return "已生成申领单SL-2026-099"

    monkeypatch.setattr(scrapping, "REPLACEMENT_HOOKS", [hook])
    judge, ops, head, leader = users["judge"], users["itops"], users["office_head"], users["leader"]
    pc = _desktop(db, judge)
    assert pc.ip and pc.status == "in_use"
    scrap = ScrapService(db).apply(judge, {"asset_id": pc.id, "reason": "硬盘坏道，系统无法启动", "replace": "yes"})
    assert scrap.number.startswith("BF-2026-") and scrap.status == "to_assess"
    assert _asset(db, pc.id).status == "in_use"  # nothing happens to the device before the 鉴定

    with pytest.raises(DomainError) as caught:  # 信建办's head does not assess; the ops manager does
        ScrapService(db).act(head, scrap.id, "assess", assessment="x")
    assert caught.value.field == "操作人" and "网络运维主管" in str(caught.value)
    ScrapService(db).act(ops, scrap.id, "assess", assessment="硬盘物理损坏，主板老化，无维修价值")
    assert _asset(db, pc.id).status == "to_scrap"
    assert _shown(db, judge, scrap.id)["status"] == "待请示"
    ScrapService(db).act(head, scrap.id, "report", "拟同意")
    ScrapService(db).act(leader, scrap.id, "approve", "同意")

    asset = _asset(db, pc.id)
    assert asset.status == "scrapped" and asset.ip is None and asset.user_id is None  # record kept, IP freed
    assert called == [("刘建军", pc.number, judge.id)]
    row = _shown(db, judge, scrap.id)
    assert row["status"] == "已报废" and row["approver"] == "刘建军" and row["replace"] == "是"
    assert "SL-2026-099" in row["replacement"] and "郑洁" in row["replacement"]
    with db.read() as s:
        steps = workflow.history(s, "it_scrap", scrap.id)
        moves = [(st.action, st.comment) for st in workflow.history(s, "it_asset", pc.id)][-2:]
    assert "SL-2026-099" in steps[-1].comment
    assert moves[0][0] == "to_to_scrap" and moves[1][0] == "to_scrapped" and f"IP地址{pc.ip}已收回" in moves[1][1]
    # a scrapped device cannot be asked for again
    _refused(db, lambda: ScrapService(db).apply(ops, {"asset_id": pc.id, "reason": "再报废", "replace": "no"}),
             "报废设备", "第22条")


def test_without_a_hook_the_wish_is_recorded_for_the_office(db, users, monkeypatch):
    monkeypatch.setattr(scrapping, "REPLACEMENT_HOOKS", [])
    clerk, ops = users["civil_clerk"], users["itops"]
    laptop = _desktop(db, users["president"], "笔记本电脑")
    scrap = ScrapService(db).apply(ops, {"asset_id": laptop.id, "reason": "屏幕损坏", "replace": "yes",
                                         "replace_for_id": clerk.id})
    ScrapService(db).act(ops, scrap.id, "assess", assessment="无修复价值")
    ScrapService(db).act(users["office_head"], scrap.id, "report")
    ScrapService(db).act(users["leader"], scrap.id, "approve")
    assert "为林晓申领新设备" in _shown(db, ops, scrap.id)["replacement"]


def test_a_refusal_puts_the_device_back_as_it_was(db, users):
    ops = users["itops"]
    with db.read() as s:  # the demo's refused scanner went back in use with its department
        refused = s.scalars(select(ItScrap).where(ItScrap.number == "BF-2026-002")).one()
        assert refused.status == "refused" and refused.asset.status == "in_use"
    pc = _desktop(db, users["civil_head"])
    scrap = ScrapService(db).apply(users["civil_head"], {"asset_id": pc.id, "reason": "运行慢", "replace": "no"})
    ScrapService(db).act(ops, scrap.id, "assess", assessment="建议报废")
    ScrapService(db).act(users["office_head"], scrap.id, "report")
    _refused(db, lambda: ScrapService(db).act(users["leader"], scrap.id, "refuse", ""), "意见", "")
    ScrapService(db).act(users["leader"], scrap.id, "refuse", "加装内存后继续使用")
    asset = _asset(db, pc.id)
    assert asset.status == "in_use" and asset.user_id == users["civil_head"].id and asset.ip == pc.ip


def test_a_classified_computer_is_retired_only_by_the_secrecy_areas_destruction(db, users):
    ops = users["itops"]
    with db.read() as s:
        secret = s.scalars(select(ItAsset).where(ItAsset.classified.is_(True))).first()
        tag = s.scalars(select(SecretComputer.asset_tag).where(SecretComputer.asset_tag.like("ZC-2026-%"))).first()
        tagged = s.scalars(select(ItAsset).where(ItAsset.number == tag)).one()
    assert secret is not None and not tagged.classified
    for asset in (secret, tagged):
        error = _refused(db, lambda a=asset: ScrapService(db).apply(ops, {"asset_id": a.id, "reason": "老化",
                                                                          "replace": "no"}),
                         "报废设备", "《保密工作制度》第三十四条(11)")
        assert "涉密计算机台账" in str(error) and "定点销毁" in str(error)
    assert _asset(db, secret.id).status == "in_use"


def test_nobody_approves_his_own_request(db, users):
    leader, ops = users["leader"], users["itops"]
    laptop = _desktop(db, leader, "笔记本电脑")
    scrap = ScrapService(db).apply(leader, {"asset_id": laptop.id, "reason": "电池鼓包", "replace": "yes"})
    ScrapService(db).act(ops, scrap.id, "assess", assessment="电池鼓包，主板腐蚀，确认报废")
    ScrapService(db).act(users["office_head"], scrap.id, "report")
    with db.read() as s:  # not on his list of what to approve
        ids = [r[0] for r in RegisterQuery(SCRAP_REGISTER, filter_key="to_approve").page(s, leader, 0, 20)]
    assert scrap.id not in ids
    for action in ("approve", "refuse"):
        error = _refused(db, lambda a=action: ScrapService(db).act(leader, scrap.id, a, "同意"), "操作人", "第22条")
        assert "自己提出" in str(error)
    _refused(db, lambda: ScrapService(db).act(users["president"], scrap.id, "approve", "同意"), "操作人",
             "第22条")
    assert _asset(db, laptop.id).status == "to_scrap"


def test_who_may_ask_and_what_cannot_be_asked_twice(db, users):
    pc = _desktop(db, users["civil_head"])
    _refused(db, lambda: ScrapService(db).apply(users["enforcer"], {"asset_id": pc.id, "reason": "坏了",
                                                                     "replace": "no"}),
             "操作人", "第22条")
    ScrapService(db).apply(users["civil_head"], {"asset_id": pc.id, "reason": "坏了", "replace": "no"})
    _refused(db, lambda: ScrapService(db).apply(users["itops"], {"asset_id": pc.id, "reason": "坏了",
                                                                  "replace": "no"}),
             "报废设备", "第22条")


def test_the_scrap_form_prints_the_assessment_the_decision_and_the_replacement(db, users, tmp_path):
    with db.read() as s:
        scrap = s.scalars(select(ItScrap).where(ItScrap.number == "BF-2026-001")).one()
        ids = list(s.scalars(printing.kind(SCRAP_FORM_KIND).ids()))
        doc = printing.kind(SCRAP_FORM_KIND).build(s, scrap.id)
    assert scrap.id in ids and any(d.kind == SCRAP_FORM_KIND for d in SCRAP_REGISTER.documents)
    render_pdf(doc, tmp_path / "scrap.pdf")
    pages = pdf_page_texts(tmp_path / "scrap.pdf")
    text = squash("".join(pages))
    assert len(pages) == 1
    for said in ("信息化设备报废申请表", "BF-2026-001", "主板电容鼓包", "网络运维主管鉴定意见", "刘建军",
                 "返旧换新：为林晓", "已报废", "第22条"):
        assert squash(said) in text, said
