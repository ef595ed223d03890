"""变更 with both consents (《信息化网络管理暂行规定》第23条、第24条) and 外网使用 (第19条、第25条、第26条):
a change is done only after the 网络运维主管 and another person, the 信建办负责人, agreed, and its log is found
by the device's number; the external network is opened only for a 外网 device after the 主管领导 agreed
and 信建办 registered it, never for a classified computer (《保密工作制度》第三十四条(5))."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from courtdesk.areas.it.changes import CHANGE_REGISTER, ChangeService
from courtdesk.areas.it.external import EXTERNAL_FORM_KIND, EXTERNAL_REGISTER, ExternalService
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.scrap_models import ItChange, ItExternal
from courtdesk.areas.it.service import AssetService
from courtdesk.kernel import printing, registers
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused as _refused


def _device(db: Any, user: Any, network: str = "内网") -> ItAsset:
    with db.read() as s:
        return s.scalars(select(ItAsset).where(ItAsset.user_id == user.id, ItAsset.network == network,
                                               ItAsset.kind == "台式计算机").order_by(ItAsset.id)).first()


def _rows(db: Any, spec: Any, actor: Any, **query: Any) -> list[dict[str, str]]:
    with db.read() as s:
        rows = RegisterQuery(spec, **query).page(s, actor, 0, 50)
    keys = [c.key for c in spec.columns]
    return [dict(zip(keys, display_row(spec, r), strict=True)) for r in rows]


# --- 变更 -------------------------------------------------------------------------------------------

def test_a_change_is_done_only_after_both_consents_and_is_found_by_the_device(db, users):
    judge, ops, head = users["judge"], users["itops"], users["office_head"]
    pc = _device(db, judge)
    change = ChangeService(db).apply(judge, {"kind": "软件安装卸载", "asset_id": pc.id, "description": "安装PDF阅读器",
                                             "planned_on": dt.date(2026, 12, 3)})
    assert change.number.startswith("BG-2026-") and change.status == "to_ops"
    _refused(db, lambda: ChangeService(db).act(ops, change.id, "done", result="已装"), "状态", "")
    _refused(db, lambda: ChangeService(db).act(head, change.id, "ops_consent"), "操作人", "第23条")
    ChangeService(db).act(ops, change.id, "ops_consent")
    _refused(db, lambda: ChangeService(db).act(ops, change.id, "done", result="已装"), "状态", "")
    _refused(db, lambda: ChangeService(db).act(ops, change.id, "head_consent"), "操作人", "第23条")
    ChangeService(db).act(head, change.id, "head_consent")
    ChangeService(db).act(ops, change.id, "done", result="已安装，运行正常")

    log = _rows(db, CHANGE_REGISTER, ops, search=pc.number)  # the device's change log
    assert {r["number"] for r in log} >= {change.number, "BG-2026-002"}
    assert {r["asset"] for r in log} == {pc.number}
    mine = next(r for r in log if r["number"] == change.number)
    assert (mine["status"], mine["ops"], mine["head"], mine["result"]) == ("已实施", "高峰", "李强", "已安装，运行正常")
    with db.read() as s:
        others = CHANGE_REGISTER.lines[0].load(s, change.id)
    assert [o["number"] for o in others] == ["BG-2026-002"]


def test_the_office_head_does_not_consent_to_his_own_change(db, users):
    head, ops = users["office_head"], users["itops"]
    change = ChangeService(db).apply(head, {"kind": "网络拓扑", "description": "办公室新增一个网络点位",
                                            "planned_on": dt.date(2026, 12, 8)})
    ChangeService(db).act(ops, change.id, "ops_consent")
    error = _refused(db, lambda: ChangeService(db).act(head, change.id, "head_consent"), "操作人", "第23条")
    assert "自己提出" in str(error)


def test_bad_changes_are_refused_with_the_field_and_the_article(db, users):
    ops = users["itops"]
    _refused(db, lambda: ChangeService(db).apply(ops, {"kind": "硬件拆卸更换", "description": "换内存",
                                                       "planned_on": dt.date(2026, 12, 8)}),
             "涉及设备", "第23条、第24条")
    _refused(db, lambda: ChangeService(db).apply(ops, {"kind": "网络拓扑", "description": "补登",
                                                       "planned_on": dt.date(2026, 11, 1)}),
             "计划实施日期", "第23条、第24条")
    with db.read() as s:
        waiting = s.scalars(select(ItChange.id).where(ItChange.number == "BG-2026-006")).one()
    _refused(db, lambda: ChangeService(db).act(ops, waiting, "refuse", ""), "意见", "")


def test_change_cards_and_filters(db, users):
    cards = {}
    for who in ("itops", "office_head"):
        with db.read() as s:
            cards[who] = {(c.title, c.count, c.filter) for c in registers.dashboard(s, users[who])
                          if c.register == "it_change"}
    assert cards["itops"] == {("待我同意的变更", 1, "to_ops"), ("已同意待实施的变更", 1, "to_do")}
    assert cards["office_head"] == {("待信建办负责人同意的变更", 1, "to_head")}
    assert [r["number"] for r in _rows(db, CHANGE_REGISTER, users["itops"], filter_key="to_do")] == ["BG-2026-004"]
    assert [r["number"] for r in _rows(db, CHANGE_REGISTER, users["itops"], filter_key="network")] == ["BG-2026-001"]


# --- 外网 -------------------------------------------------------------------------------------------

def test_a_classified_computer_and_an_inner_device_are_never_put_on_the_external_network(db, users):
    ops = users["itops"]
    with db.read() as s:
        secret = s.scalars(select(ItAsset).where(ItAsset.classified.is_(True))).first()
    assert secret is not None
    error = _refused(db, lambda: ExternalService(db).apply(ops, {"user_id": secret.user_id, "asset_id": secret.id,
                                                                 "purpose": "上网查资料"}),
                     "使用设备", "《保密工作制度》第三十四条(5)")
    assert "严禁接入" in str(error)
    inner = _device(db, users["judge"])
    _refused(db, lambda: ExternalService(db).apply(users["judge"], {"user_id": users["judge"].id, "asset_id": inner.id,
                                                                    "purpose": "上网查资料"}),
             "使用设备", "第25条")


def test_request_agree_register_open_and_stop(db, users):
    civil_head, leader, head, ops = users["civil_head"], users["leader"], users["office_head"], users["itops"]
    clerk = users["civil_clerk"]
    outer = _device(db, clerk, "外网")
    assert outer.ip is None
    _refused(db, lambda: ExternalService(db).apply(users["enforcer"], {"user_id": clerk.id, "asset_id": outer.id,
                                                                       "purpose": "查资料"}),
             "操作人", "第19条")
    ext = ExternalService(db).apply(civil_head, {"user_id": clerk.id, "asset_id": outer.id,
                                                 "purpose": "裁判文书网查询公开文书"})
    assert ext.number.startswith("WW-2026-") and ext.department_id == clerk.department_id
    _refused(db, lambda: ExternalService(db).act(users["president"], ext.id, "agree"), "操作人", "第19条")
    ExternalService(db).act(leader, ext.id, "agree", "同意")
    ExternalService(db).act(head, ext.id, "register")
    with db.read() as s:
        record = s.get(ItExternal, ext.id)
        from courtdesk.areas.it.external import EXTERNAL_WORKFLOW

        suggested = next(t for t in EXTERNAL_WORKFLOW.transitions if t.action == "open").prefill(s, record)
    assert suggested["ip"].startswith("172.20.8.") and suggested["ip"] not in ("172.20.8.101", "172.20.8.102")
    _refused(db, lambda: ExternalService(db).act(ops, ext.id, "open", ip="10.12.1.200"), "外网IP地址", "第25条")
    _refused(db, lambda: ExternalService(db).act(ops, ext.id, "open", ip="172.20.8.101"), "外网IP地址", "第30条")
    ExternalService(db).act(ops, ext.id, "open", ip=suggested["ip"])
    with db.read() as s:
        assert s.get(ItAsset, outer.id).ip == suggested["ip"]
    listed = _rows(db, EXTERNAL_REGISTER, ops, filter_key="opened")  # the approved users and devices
    assert ("林晓", outer.number, suggested["ip"]) in {(r["user"], r["asset"], r["ip"]) for r in listed}
    assert {r["user"] for r in listed} == {"王芳", "黄磊", "林晓"}
    ExternalService(db).act(ops, ext.id, "stop", "不再需要")
    with db.read() as s:
        assert s.get(ItAsset, outer.id).ip is None
    assert {r["user"] for r in _rows(db, EXTERNAL_REGISTER, ops, filter_key="opened")} == {"王芳", "黄磊"}


def test_the_leader_does_not_agree_to_his_own_external_network(db, users):
    ops, leader = users["itops"], users["leader"]
    asset = AssetService(db).register(ops, {"kind": "笔记本电脑", "brand_model": "联想 小新（外网）", "department_id":
                                            leader.department_id, "network": "外网", "classified": "no"})
    AssetService(db).act(ops, asset.id, "assign", user_id=leader.id)
    ext = ExternalService(db).apply(leader, {"user_id": leader.id, "asset_id": asset.id, "purpose": "查阅新闻"})
    error = _refused(db, lambda: ExternalService(db).act(leader, ext.id, "agree"), "操作人", "第19条")
    assert "自己提出" in str(error)
    assert not [r for r in _rows(db, EXTERNAL_REGISTER, leader, filter_key="to_agree") if r["number"] == ext.number]


def test_external_cards_and_the_approval_form(db, users, tmp_path):
    wanted = {"leader": ("待我同意的外网使用申请", 1, "to_agree"), "office_head": ("待登记备案的外网使用", 1, "to_register"),
              "itops": ("待开通的外网使用", 1, "to_open")}
    for who, card in wanted.items():
        with db.read() as s:
            assert [(c.title, c.count, c.filter) for c in registers.dashboard(s, users[who])
                    if c.register == "it_external"] == [card]
    with db.read() as s:
        ext = s.scalars(select(ItExternal).where(ItExternal.status == "opened").order_by(ItExternal.id)).first()
        doc = printing.kind(EXTERNAL_FORM_KIND).build(s, ext.id)
        number, ip = ext.number, ext.ip
    render_pdf(doc, tmp_path / "ext.pdf")
    pages = pdf_page_texts(tmp_path / "ext.pdf")
    text = squash("".join(pages))
    assert len(pages) == 1
    for said in ("外网使用审批表", number, ip, "王芳", "刘建军", "登记备案", "第19条", "第三十四条(5)"):
        assert squash(said) in text, said


def test_both_consents_come_from_two_people_even_when_one_holds_both_posts(db, users):
    from courtdesk.areas.system import roles
    from courtdesk.kernel.models.people import User, UserRole

    head = users["office_head"]
    with db.write() as s:  # 李强 also stands in as 网络运维主管
        s.add(UserRole(user_id=head.id, role=roles.IT_OPS.value))
    with db.read() as s:
        head = s.get(User, head.id)
    change = ChangeService(db).apply(users["judge"], {"kind": "软件安装卸载", "asset_id": _device(db, users["judge"]).id,
                                                      "description": "卸载旧版输入法", "planned_on": dt.date(2026, 12, 4)})
    ChangeService(db).act(head, change.id, "ops_consent")
    error = _refused(db, lambda: ChangeService(db).act(head, change.id, "head_consent"), "操作人", "第23条")
    assert "另一人" in str(error)
