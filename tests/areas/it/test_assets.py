"""信息化设备台账 and the IP plan (《信息化网络管理暂行规定》第15条、第25条、第30条; 《保密工作制度》第三十四条(5)):
registering, giving out, taking back, addresses; every refusal names its field (and article), writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.network import SUBNET_REGISTER, SubnetService
from courtdesk.areas.it.service import ASSET_REGISTER, AssetService, move
from courtdesk.kernel import printing, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.registers import RegisterQuery
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused as _refused


def _dept(db: Any, name: str) -> int:
    from courtdesk.kernel.models.people import Department

    with db.read() as s:
        return int(s.scalars(select(Department.id).where(Department.name == name)).one())


def _printer(db: Any, **over: Any) -> dict[str, Any]:
    data = {"kind": "打印机", "brand_model": "惠普 LaserJet Pro M405dn", "serial_no": "VNB3K12345",
            "department_id": _dept(db, "办公室"), "network": "内网", "classified": "no", "ip": "",
            "purchased_on": dt.date(2026, 11, 2), "price": "2380", "warranty_until": dt.date(2029, 11, 1)}
    data.update(over)
    return data


def test_a_device_is_numbered_given_to_its_user_and_taken_back_each_step_logged(db, users):
    service = AssetService(db)
    asset = service.register(users["itops"], _printer(db, ip="10.12.1.200"))
    assert asset.number == "ZC-2026-" + f"{asset.serial:04d}" and asset.status == "in_stock"
    assert asset.ip == "10.12.1.200" and asset.subnet_id is not None
    given = service.act(users["itops"], asset.id, "assign", user_id=users["clerk"].id)
    assert given.status == "in_use" and given.user_id == users["clerk"].id
    with db.read() as s:  # it shows under the clerk
        mine = RegisterQuery(ASSET_REGISTER, filter_key="mine").ids(s, users["clerk"])
        assert asset.id in mine
        assert RegisterQuery(ASSET_REGISTER).one(s, users["judge"], asset.id) is None  # not hers
    back = service.act(users["itops"], asset.id, "take_back")
    assert back.status == "in_stock" and back.user_id is None
    with db.read() as s:
        steps = [(st.action, st.comment) for st in workflow.history(s, "it_asset", asset.id)]
    assert steps[0][0] == "assign" and "分配" in steps[0][1] and steps[1][0] == "take_back"


def test_bad_devices_are_refused_with_field_and_article_and_nothing_written(db, users):
    service, ops = AssetService(db), users["itops"]
    service.register(ops, _printer(db))
    # the same serial typed with spaces, dashes or full-width letters is the same device
    _refused(db, lambda: service.register(ops, _printer(db, serial_no=" vnb3-k12 345")), "序列号", None)
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X1", ip="10.12.1.11")), "IP地址", "第30条")
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X2", ip="192.168.9.9")), "IP地址", "第30条")
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X3", ip="172.20.8.77")), "IP地址", "第25条")
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X4", classified="yes")), "网络",
             "第三十四条(5)")
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X5", facility="执行指挥中心")), "使用部门",
             "第15条")
    _refused(db, lambda: service.register(users["clerk"], _printer(db, serial_no="X6")), "操作人", "第5条")
    _refused(db, lambda: service.register(ops, _printer(db, serial_no="X7", mac="3C-52-82-1A-2B")), "MAC地址", None)


def test_a_classified_machine_never_gets_an_address_and_a_scrapped_one_is_never_given_out(db, users):
    service, ops = AssetService(db), users["itops"]
    secret = service.register(ops, _printer(db, kind="台式计算机", serial_no="SM-1", network="涉密单机",
                                            classified="yes"))
    _refused(db, lambda: service.act(ops, secret.id, "set_ip", ip="10.12.1.201"), "IP地址", "第三十四条(5)")
    spare = service.register(ops, _printer(db, serial_no="SP-1", ip="10.12.1.202"))
    with db.write(ops) as s:
        asset = s.get(ItAsset, spare.id)
        move(s, ops, asset, "to_scrap", "鉴定报废")
        move(s, ops, asset, "scrapped", "批准报废")
    with db.read() as s:
        gone = s.get(ItAsset, spare.id)
        assert gone.status == "scrapped" and gone.ip is None  # the address is free again
    _refused(db, lambda: service.act(ops, spare.id, "assign", user_id=users["clerk"].id), "状态", "第22条")
    again = service.register(ops, _printer(db, serial_no="SP-2", ip="10.12.1.202"))
    assert again.ip == "10.12.1.202"


def test_a_computer_goes_to_a_named_person_a_printer_may_go_to_a_department(db, users):
    service, ops = AssetService(db), users["itops"]
    pc = service.register(ops, _printer(db, kind="台式计算机", serial_no="PC-9"))
    _refused(db, lambda: service.act(ops, pc.id, "assign", department_id=_dept(db, "办公室")), "使用人", "第15条")
    printer = service.register(ops, _printer(db, serial_no="PR-9"))
    shared = service.act(ops, printer.id, "assign", department_id=_dept(db, "民事审判庭"))
    assert shared.status == "in_use" and shared.user_id is None
    with db.read() as s:  # the department's head sees it, its members do not (no user named)
        assert RegisterQuery(ASSET_REGISTER).one(s, users["civil_head"], printer.id) is not None
        assert RegisterQuery(ASSET_REGISTER).one(s, users["judge"], printer.id) is None


def test_the_ip_plan_refuses_overlaps_and_counts_used_and_free(db, users, tmp_path):
    service = SubnetService(db)
    _refused(db, lambda: service.add(users["itops"], {"name": "重叠", "network": "10.12.1.128/25", "zone": "内网"}),
             "网段", "第30条")
    _refused(db, lambda: service.add(users["itops"], {"name": "坏", "network": "10.12.9.5/24", "zone": "内网"}),
             "网段", "第30条")
    _refused(db, lambda: service.add(users["clerk"], {"name": "新", "network": "10.12.9.0/24", "zone": "内网"}),
             "操作人", "第30条")
    added = service.add(users["itops"], {"name": "新楼内网", "network": "10.12.9.0/26", "zone": "内网",
                                         "gateway": "10.12.9.62"})
    assert added.hosts == 62
    with db.read() as s:
        rows = {r[0]: r for r in RegisterQuery(SUBNET_REGISTER).page(s, users["itops"], 0, 50)}
        keys = ["id", *[c.key for c in SUBNET_REGISTER.columns]]
        office = next(r for r in rows.values() if r[keys.index("name")] == "办公楼内网")
        held = s.scalar(select(func.count()).select_from(ItAsset).where(ItAsset.subnet_id == office[0]))
        assert office[keys.index("used")] == held and office[keys.index("free")] == 254 - held
        render_pdf(printing.record_document(s, "it_ip_allocation", office[0]), tmp_path / "ip.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "ip.pdf")))
    assert "IP地址分配表" in text and "10.12.1.11" in text and f"已分配{held}个" in text
