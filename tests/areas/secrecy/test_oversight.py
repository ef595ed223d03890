"""机密级以上会议 and the phones let in, 要害部门部位 and their reported changes, 保密责任书 per department and
year, 保密检查 and overdue 整改 (《保密工作制度》第十条–第十二条、第三十七条(7)、第四十条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from courtdesk.areas.secrecy.oversight import (
    DEPARTMENTS_REGISTER,
    KEY_PLACE_REGISTER,
    LETTER_REGISTER,
    MEETING_REGISTER,
    RECTIFICATION_REGISTER,
    OversightService,
)
from courtdesk.kernel import clock, registers, workflow
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.registers import RegisterQuery, RegisterSpec, display_row
from tests.support.refusal import refused as _refused


def _rows(db: Any, actor: Any, spec: RegisterSpec, filter_key: str | None = None) -> list[dict[str, str]]:
    keys = [c.key for c in spec.columns]
    with db.read() as s:
        rows = RegisterQuery(spec, filter_key=filter_key).page(s, actor, 0, 100)
    return [dict(zip(keys, display_row(spec, r), strict=True), id=r[0]) for r in rows]


def _dept(db: Any, name: str) -> int:
    with db.read() as s:
        return int(s.scalar(select(Department.id).where(Department.name == name)))


def _card(db: Any, actor: Any, register: str, filter_key: str) -> registers.DashboardItem | None:
    with db.read() as s:
        return next((i for i in registers.dashboard(s, actor) if i.register == register and i.filter == filter_key),
                    None)


def test_a_phone_enters_a_classified_meeting_only_with_the_group_heads_approval(db, users):
    service = OversightService(db)
    data = {"name": "涉密案件协调会", "level": "机密", "held_on": dt.date(2026, 12, 3), "place": "第二会议室",
            "organiser_id": _dept(db, "办公室"), "jammer": "yes"}
    _refused(db, lambda: service.register_meeting(users["secrecy"], {**data, "level": "秘密"}), "密级", "第三十七条(7)")
    _refused(db, lambda: service.register_meeting(users["judge"], data), "操作人", "第三十七条(7)")
    meeting = service.register_meeting(users["secrecy"], data)
    device = {"person_id": users["judge"].id, "device": "手机一部", "reason": "等待紧急来电"}
    for who in ("secrecy", "leader"):  # neither 保密办 nor a vice-president is the group head
        error = _refused(db, lambda w=who: service.act_on_meeting(users[w], meeting.id, "approve_device", **device),
                         "操作人", "第三十七条(7)")
        assert "保密工作领导小组组长" in str(error)
    service.act_on_meeting(users["president"], meeting.id, "approve_device", **device)
    with db.read() as s:
        lines = MEETING_REGISTER.lines[0].load(s, meeting.id)
    assert [(r["person"], r["device"], r["approver"]) for r in lines] == [("郑洁", "手机一部", "张国华")]
    row = next(r for r in _rows(db, users["secrecy"], MEETING_REGISTER) if r["id"] == meeting.id)
    assert row["devices"] == "1" and row["status"] == "待召开"
    _refused(db, lambda: service.act_on_meeting(users["secrecy"], meeting.id, "hold"), "日期", "")  # not yet held
    clock.set_now(dt.datetime(2026, 12, 3, 12, 0))
    service.act_on_meeting(users["secrecy"], meeting.id, "hold")
    _refused(db, lambda: service.act_on_meeting(users["president"], meeting.id, "approve_device", **device),
             "状态", "")  # after the meeting nothing is let in


def test_a_key_place_change_is_logged_and_waits_to_be_reported(db, users):
    service = OversightService(db)
    rows = _rows(db, users["secrecy"], KEY_PLACE_REGISTER)
    archive = next(r for r in rows if r["name"] == "档案室")
    assert archive["status"] == "待报备" and "王芳调整为李强" in archive["change"]
    card = _card(db, users["secrecy"], "secrecy_key_place", "to_report")
    assert card is not None and card.count == 1
    _refused(db, lambda: service.act_on_key_place(users["secrecy"], archive["id"], "file",
                                                  reported_on=dt.date(2026, 12, 2)), "报保密行政管理部门日期", "")
    service.act_on_key_place(users["secrecy"], archive["id"], "file", reported_on=dt.date(2026, 12, 1))
    with db.read() as s:
        steps = workflow.history(s, KEY_PLACE_REGISTER.entity, archive["id"])
    assert [st.action for st in steps] == ["file", "adjust", "file"]
    assert "管理责任人由王芳调整为李强" in steps[-1].comment
    assert _card(db, users["secrecy"], "secrecy_key_place", "to_report") is None


def test_the_departments_without_this_years_letter_are_on_the_dashboard_and_in_the_list(db, users):
    card = _card(db, users["secrecy"], "secrecy_departments", "unsigned")
    assert card is not None and card.title == "2026年度未签订保密责任书的部门" and card.count == 2
    unsigned = _rows(db, users["secrecy"], DEPARTMENTS_REGISTER, card.filter)
    assert [(r["name"], r["letter"]) for r in unsigned] == [("立案庭", "本年度未签订"), ("刑事审判庭", "本年度未签订")]
    service = OversightService(db)
    sign = {"department_id": _dept(db, "立案庭"), "year": 2026, "signed_on": dt.date(2026, 12, 1),
            "signer_id": users["leader"].id}
    _refused(db, lambda: service.sign_letter(users["secrecy"], {**sign, "department_id": _dept(db, "办公室")}),
             "部门", "第十二条")  # signed already this year
    _refused(db, lambda: service.sign_letter(users["civil_head"], sign), "操作人", "第十二条")
    _refused(db, lambda: service.sign_letter(users["secrecy"], {**sign, "signed_on": dt.date(2026, 12, 2)}),
             "签订日期", "")
    service.sign_letter(users["secrecy"], sign)
    assert [r["name"] for r in _rows(db, users["secrecy"], DEPARTMENTS_REGISTER, "unsigned")] == ["刑事审判庭"]
    clock.set_now(dt.datetime(2027, 1, 4, 9, 0))  # a new year: every department is to sign again
    every = _rows(db, users["secrecy"], DEPARTMENTS_REGISTER)
    assert len(_rows(db, users["secrecy"], DEPARTMENTS_REGISTER, "unsigned")) == len(every) >= 8
    card = _card(db, users["secrecy"], "secrecy_departments", "unsigned")
    assert card is not None and card.title == "2027年度未签订保密责任书的部门"


def test_a_department_head_sees_his_own_departments_letters_and_inspections(db, users):
    assert [r["name"] for r in _rows(db, users["civil_head"], DEPARTMENTS_REGISTER)] == ["民事审判庭"]
    assert [r["department"] for r in _rows(db, users["civil_head"], LETTER_REGISTER)] == ["民事审判庭"]
    assert {r["department"] for r in _rows(db, users["civil_head"], RECTIFICATION_REGISTER)} == {"民事审判庭"}
    assert _rows(db, users["enforce_head"], RECTIFICATION_REGISTER) == []
    assert not DEPARTMENTS_REGISTER.can_open(users["judge"])


def test_an_overdue_rectification_is_on_the_dashboard_until_completed(db, users):
    card = _card(db, users["secrecy"], "secrecy_rectification", "overdue")
    assert card is not None and card.count == 1 and card.urgent
    overdue = _rows(db, users["secrecy"], RECTIFICATION_REGISTER, "overdue")
    assert [(r["department"], r["deadline"], r["now"]) for r in overdue] == [("民事审判庭", "2026-11-20", "逾期未整改")]
    statuses = {r["now"] for r in _rows(db, users["secrecy"], RECTIFICATION_REGISTER)}
    assert statuses == {"逾期未整改", "已整改"}
    assert _card(db, users["civil_head"], "secrecy_rectification", "overdue") is not None  # his own department
    assert _card(db, users["enforce_head"], "secrecy_rectification", "overdue") is None
    service = OversightService(db)
    _refused(db, lambda: service.act_on_rectification(users["civil_head"], overdue[0]["id"], "complete",
                                                      completed_on=dt.date(2026, 12, 1), outcome="已更换"),
             "操作人", "第四十条")
    service.act_on_rectification(users["secrecy"], overdue[0]["id"], "complete", completed_on=dt.date(2026, 12, 1),
                                 outcome="口令已更换并建立记录")
    assert _card(db, users["secrecy"], "secrecy_rectification", "overdue") is None
    with db.read() as s:
        step = workflow.history(s, RECTIFICATION_REGISTER.entity, overdue[0]["id"])[-1]
    assert "逾期完成" in step.comment


def test_an_inspection_records_its_rectifications_and_the_department_counts_as_inspected(db, users):
    service = OversightService(db)
    data = {"department_id": _dept(db, "财务室"), "inspected_on": dt.date(2026, 11, 30), "inspectors": "刘建军、冯雪",
            "findings": "财务档案柜未上锁", "result": "不合格", "rectifications": []}
    _refused(db, lambda: service.record_inspection(users["secrecy"], data), "整改事项", "第四十条(2)")
    early = [{"problem": "档案柜加锁", "deadline": dt.date(2026, 11, 1)}]
    _refused(db, lambda: service.record_inspection(users["secrecy"], {**data, "rectifications": early}), "整改期限",
             "第四十条")
    _refused(db, lambda: service.record_inspection(users["secrecy"], {**data, "inspected_on": dt.date(2026, 12, 2)}),
             "检查日期", "")
    before = {r["name"] for r in _rows(db, users["secrecy"], DEPARTMENTS_REGISTER, "uninspected")}
    assert "财务室" in before and "民事审判庭" not in before
    service.record_inspection(users["secrecy"], {**data, "rectifications": [
        {"problem": "档案柜加锁，钥匙专人保管", "deadline": dt.date(2026, 12, 10)}]})
    after = {r["name"] for r in _rows(db, users["secrecy"], DEPARTMENTS_REGISTER, "uninspected")}
    assert after == before - {"财务室"}
    fresh = [r for r in _rows(db, users["secrecy"], RECTIFICATION_REGISTER) if r["department"] == "财务室"]
    assert [(r["now"], r["deadline"]) for r in fresh] == [("整改中", "2026-12-10")]
    clock.set_now(dt.datetime(2026, 12, 11, 9, 0))
    assert {r["department"] for r in _rows(db, users["secrecy"], RECTIFICATION_REGISTER, "overdue")} == {
        "民事审判庭", "财务室"}
