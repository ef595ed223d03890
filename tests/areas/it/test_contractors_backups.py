"""运维外包合同 (《信息化网络管理暂行规定》第9–13条) and 重要数据备份 (第6条(3)): the demo contract shows
on 信建办's dashboard as ending within 60 days and is flagged for the operator without a 保密承诺书;
appraisals once a year within the contract; backups logged only by the 网络运维主管, 逾期未备份 read
from today; refusals name field and article and write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from courtdesk.areas.it.backups import BACKUP_REGISTER, SYSTEM_REGISTER, BackupService
from courtdesk.areas.it.contractors import CONTRACT_REGISTER, CONTRACT_WORKFLOW, ContractService
from courtdesk.areas.it.misc_models import (
    ItBackup,
    ItBackupSystem,
    ItContract,
    ItContractOperator,
)
from courtdesk.kernel import clock
from courtdesk.kernel.models.infra import WorkflowStep
from courtdesk.kernel.registers import RegisterQuery, create_record, dashboard
from tests.support.refusal import refused as _refused

D = dt.date


def _row(db: Any, spec: Any, actor: Any, record_id: int) -> dict[str, Any]:
    with db.read() as s:
        row = RegisterQuery(spec).one(s, actor, record_id)
    assert row is not None
    return dict(zip(["id", *(c.key for c in spec.columns)], row, strict=True))


def _ids(db: Any, spec: Any, actor: Any, filter_key: str) -> set[int]:
    with db.read() as s:
        return set(RegisterQuery(spec, filter_key=filter_key).ids(s, actor))


def _contract(db: Any, number: str) -> ItContract:
    with db.read() as s:
        return s.scalars(select(ItContract).where(ItContract.number == number)).one()


def _system(db: Any, name: str) -> ItBackupSystem:
    with db.read() as s:
        return s.scalars(select(ItBackupSystem).where(ItBackupSystem.name == name)).one()


def _items(db: Any, actor: Any) -> dict[str, tuple[int, str, str]]:
    with db.read() as s:
        return {i.title: (i.count, i.register, i.filter) for i in dashboard(s, actor)}


def _new_contract(**changes: Any) -> dict[str, Any]:
    data = {"number": "YW-2026-09", "contractor": "石家庄云维信息技术有限公司", "qualification": "ITSS运维三级",
            "starts_on": D(2026, 1, 1), "ends_on": D(2027, 12, 31), "services": "（2）负责本院内外网各平台系统的安全与维护",
            "quality": "月度考核，年度评定", "operators": [{"name": "孙立", "phone": "13800000000",
                                                        "trained_on": D(2026, 1, 4), "pledged_on": D(2026, 1, 4)}]}
    data.update(changes)
    return data


# --- contracts -------------------------------------------------------------------------------------

def test_the_demo_contract_ends_within_60_days_and_lacks_a_commitment(db: Any, users: Any) -> None:
    current = _contract(db, "YW-2025-01")
    row = _row(db, CONTRACT_REGISTER, users["office_head"], current.id)
    assert row["now"] == "即将到期" and row["days_left"] is not None
    assert row["secrecy"] == "保密手续不全"
    assert row["operators"] == 2 and row["appraisal"] == "优秀"
    old = _row(db, CONTRACT_REGISTER, users["office_head"], _contract(db, "YW-2023-01").id)
    assert old["now"] == "已终止" and old["secrecy"] == ""
    for who in ("office_head", "itops"):
        items = _items(db, users[who])
        assert items["60天内到期的运维外包合同"] == (1, "it_contract", "ending")
        assert items["运维人员保密手续不全的合同"] == (1, "it_contract", "secrecy_missing")
    assert _ids(db, CONTRACT_REGISTER, users["itops"], "ending") == {current.id}
    assert "60天内到期的运维外包合同" not in _items(db, users["judge"])
    with db.read() as s:
        notices = CONTRACT_REGISTER.notices(s, users["itops"], s.get(ItContract, current.id))  # type: ignore[misc]
    assert any("赵磊（未签订保密承诺书）" in n and "第11条(3)" in n for n in notices)
    assert any("2026-12-31到期" in n for n in notices)


def test_once_the_end_passes_the_contract_reads_ended(db: Any, users: Any) -> None:
    current = _contract(db, "YW-2025-01")
    clock.set_now(dt.datetime(2027, 1, 4, 9, 0))
    assert _row(db, CONTRACT_REGISTER, users["itops"], current.id)["now"] == "已到期"
    assert _ids(db, CONTRACT_REGISTER, users["itops"], "ended") == {current.id}
    assert _items(db, users["office_head"])["已到期的运维外包合同"][0] == 1


def test_the_commitment_clears_the_flag(db: Any, users: Any) -> None:
    current = _contract(db, "YW-2025-01")
    with db.read() as s:
        zhao = s.scalars(select(ItContractOperator).where(ItContractOperator.name == "赵磊")).one()
    service = ContractService(db)
    _refused(db, lambda: service.act(users["itops"], current.id, "operator_secrecy", operator_id=zhao.id),
             "保密培训日期")
    _refused(db, lambda: service.act(users["judge"], current.id, "operator_secrecy", operator_id=zhao.id,
                                     pledged_on=D(2026, 11, 30)), "操作人")
    service.act(users["itops"], current.id, "operator_secrecy", operator_id=zhao.id, pledged_on=D(2026, 11, 30))
    assert _row(db, CONTRACT_REGISTER, users["itops"], current.id)["secrecy"] == ""
    assert "运维人员保密手续不全的合同" not in _items(db, users["itops"])


def test_a_new_operator_without_training_flags_the_contract_and_leaving_unflags_it(db: Any, users: Any) -> None:
    service = ContractService(db)
    contract = service.register(users["office_head"], _new_contract())
    assert _row(db, CONTRACT_REGISTER, users["itops"], contract.id)["secrecy"] == ""
    service.act(users["itops"], contract.id, "add_operator", "", name="钱进", phone="13900000000")
    assert _row(db, CONTRACT_REGISTER, users["itops"], contract.id)["secrecy"] == "保密手续不全"
    with db.read() as s:
        qian = s.scalars(select(ItContractOperator).where(ItContractOperator.name == "钱进")).one()
        steps = s.scalars(select(WorkflowStep).where(WorkflowStep.entity == "it_contract",
                                                      WorkflowStep.entity_id == contract.id)).all()
    assert any("尚缺保密培训、保密承诺书" in (st.comment or "") for st in steps)
    service.act(users["itops"], contract.id, "operator_leaves", "", operator_id=qian.id, left_on=D(2026, 12, 1))
    assert _row(db, CONTRACT_REGISTER, users["itops"], contract.id)["secrecy"] == ""
    _refused(db, lambda: service.act(users["itops"], contract.id, "operator_leaves", "", operator_id=qian.id,
                                     left_on=D(2026, 12, 1)), "运维人员")


def test_an_operator_with_an_account_counts_the_secrecy_staff_records(db: Any, users: Any) -> None:
    """An operator linked to a user: the training and 保密承诺书 in 涉密人员登记 count (第11条(3))."""
    from courtdesk.areas.secrecy.staff_models import SecretStaff

    with db.read() as s:
        staff = s.scalars(select(SecretStaff).where(SecretStaff.user_id == users["enforcer"].id)).first()
    assert staff is not None and staff.committed_on is not None
    service = ContractService(db)
    contract = service.register(users["office_head"], _new_contract(operators=[
        {"name": users["enforcer"].name, "user_id": users["enforcer"].id}]))
    assert _row(db, CONTRACT_REGISTER, users["itops"], contract.id)["secrecy"] == ""
    service.act(users["itops"], contract.id, "add_operator", "", name="吴迪", user_id=users["clerk"].id)
    assert _row(db, CONTRACT_REGISTER, users["itops"], contract.id)["secrecy"] == "保密手续不全"
    with db.read() as s:
        notices = CONTRACT_REGISTER.notices(s, users["itops"], s.get(ItContract, contract.id))  # type: ignore[misc]
    assert any("吴迪（未经保密培训、未签订保密承诺书）" in n for n in notices)
    assert not any(users["enforcer"].name + "（" in n for n in notices)


def test_registering_is_refused_for_bad_periods_duplicates_and_non_office(db: Any, users: Any) -> None:
    service = ContractService(db)
    _refused(db, lambda: service.register(users["office_head"], _new_contract(ends_on=D(2025, 12, 31))),
             "合同截止日期", "第10条")
    _refused(db, lambda: service.register(users["office_head"], _new_contract(number="YW-2025-01")), "合同编号")
    _refused(db, lambda: create_record(db, users["judge"], CONTRACT_REGISTER, _new_contract()), "操作人")
    _refused(db, lambda: service.register(users["itops"], _new_contract(
        operators=[{"name": "周", "trained_on": D(2027, 1, 1)}])), "保密培训日期")


def test_appraisal_once_a_year_within_the_contract(db: Any, users: Any) -> None:
    current = _contract(db, "YW-2025-01")
    service = ContractService(db)
    _refused(db, lambda: service.act(users["office_head"], current.id, "appraise", "", year=2025, result="合格",
                                     appraised_on=D(2026, 2, 1), appraisers="李强"), "考核年度", "第10条")
    _refused(db, lambda: service.act(users["office_head"], current.id, "appraise", "", year=2024, result="合格",
                                     appraised_on=D(2026, 2, 1), appraisers="李强"), "考核年度")
    service.act(users["office_head"], current.id, "appraise", "年中考核", year=2026, result="合格",
                appraised_on=D(2026, 12, 1), appraisers="李强、高峰")
    assert _row(db, CONTRACT_REGISTER, users["itops"], current.id)["appraisal"] == "合格"
    with db.read() as s:
        rows = CONTRACT_REGISTER.lines[1].load(s, current.id)
    assert [(r["year"], r["result"]) for r in rows] == [(2025, "优秀"), (2026, "合格")]


def test_a_contract_over_last_year_without_its_appraisal_is_listed(db: Any, users: Any) -> None:
    service = ContractService(db)
    assert _ids(db, CONTRACT_REGISTER, users["itops"], "not_appraised") == set()  # 2025 appraised in the demo
    late = service.register(users["office_head"], _new_contract(starts_on=D(2025, 6, 1)))
    assert _ids(db, CONTRACT_REGISTER, users["itops"], "not_appraised") == {late.id}
    service.act(users["office_head"], late.id, "appraise", "", year=2025, result="不合格", appraised_on=D(2026, 1, 20),
                appraisers="李强")
    assert _ids(db, CONTRACT_REGISTER, users["itops"], "not_appraised") == set()


def test_terminating_needs_a_reason_and_takes_it_off_the_dashboard(db: Any, users: Any) -> None:
    current = _contract(db, "YW-2025-01")
    service = ContractService(db)
    _refused(db, lambda: service.act(users["office_head"], current.id, "terminate", ""), "意见")
    service.act(users["office_head"], current.id, "terminate", "服务商违约，经院党组研究解除合同")
    assert _row(db, CONTRACT_REGISTER, users["itops"], current.id)["now"] == "已终止"
    assert "60天内到期的运维外包合同" not in _items(db, users["office_head"])
    assert CONTRACT_WORKFLOW.states["terminated"] == "已终止"


# --- backups ---------------------------------------------------------------------------------------

def test_the_portal_is_overdue_and_itops_sees_it(db: Any, users: Any) -> None:
    portal, oa = _system(db, "内网门户网站"), _system(db, "办公OA系统")
    assert _row(db, SYSTEM_REGISTER, users["itops"], portal.id)["now"] == "逾期未备份"
    assert _row(db, SYSTEM_REGISTER, users["itops"], oa.id)["now"] == "正常"
    assert _ids(db, SYSTEM_REGISTER, users["itops"], "overdue") == {portal.id}
    assert _items(db, users["itops"])["逾期未备份的系统"] == (1, "it_backup_system", "overdue")
    assert "逾期未备份的系统" not in _items(db, users["office_head"])
    with db.read() as s:
        notices = SYSTEM_REGISTER.notices(s, users["itops"], s.get(ItBackupSystem, portal.id))  # type: ignore[misc]
    assert notices and "2026-10-15" in notices[0] and "第6条(3)" in notices[0]
    # a week later without backups the OA (every 7 days, last 11-27) is overdue too
    clock.set_now(dt.datetime(2026, 12, 5, 9, 0))
    assert _row(db, SYSTEM_REGISTER, users["itops"], oa.id)["now"] == "逾期未备份"


def test_a_backup_logged_by_itops_clears_the_overdue(db: Any, users: Any) -> None:
    portal = _system(db, "内网门户网站")
    service = BackupService(db)
    service.act(users["itops"], portal.id, "back_up", "", backed_up_at=dt.datetime(2026, 12, 1, 8, 30),
                medium="移动硬盘", verified="yes")
    assert _row(db, SYSTEM_REGISTER, users["itops"], portal.id)["now"] == "正常"
    assert "逾期未备份的系统" not in _items(db, users["itops"])
    with db.read() as s:
        logged = s.scalars(select(ItBackup).where(ItBackup.system_id == portal.id)
                           .order_by(ItBackup.backed_up_at.desc())).first()
    assert logged is not None and logged.kept_at == "信息技术办公室档案柜（移动硬盘）" and logged.verified
    log = _row(db, BACKUP_REGISTER, users["office_head"], logged.id)
    assert log["system"] == "内网门户网站" and log["by"] == users["itops"].name and log["verified"] == "是"


def test_only_itops_logs_backups_and_not_in_the_future(db: Any, users: Any) -> None:
    portal = _system(db, "内网门户网站")
    service = BackupService(db)
    data = {"system_id": portal.id, "backed_up_at": dt.datetime(2026, 11, 30, 17, 0), "medium": "移动硬盘",
            "verified": "no"}
    _refused(db, lambda: service.log(users["office_head"], data), "操作人", "第6条(3)")
    _refused(db, lambda: create_record(db, users["judge"], BACKUP_REGISTER, data), "操作人")
    _refused(db, lambda: service.log(users["itops"], {**data, "backed_up_at": dt.datetime(2026, 12, 2, 9, 0)}),
             "备份时间")
    _refused(db, lambda: service.act(users["office_head"], portal.id, "back_up", "",
                                     backed_up_at=dt.datetime(2026, 11, 30, 17, 0), medium="光盘"), "操作人")
    service.log(users["itops"], data)
    assert _row(db, SYSTEM_REGISTER, users["itops"], portal.id)["now"] == "正常"


def test_a_retired_system_is_never_overdue_and_takes_no_backup(db: Any, users: Any) -> None:
    portal = _system(db, "内网门户网站")
    service = BackupService(db)
    service.act(users["office_head"], portal.id, "retire", "门户网站已迁移至上级法院平台")
    assert _row(db, SYSTEM_REGISTER, users["itops"], portal.id)["now"] == "停止备份"
    assert _ids(db, SYSTEM_REGISTER, users["itops"], "overdue") == set()
    _refused(db, lambda: service.log(users["itops"], {"system_id": portal.id, "medium": "光盘",
                                                      "backed_up_at": dt.datetime(2026, 11, 30, 17, 0)}), "备份系统")
    _refused(db, lambda: service.add_system(users["office_head"], {"name": "办公OA系统", "interval_days": 7,
                                                                   "kept_at": "机房"}), "系统名称")
    new = service.add_system(users["office_head"], {"name": "视频会议录像", "interval_days": 30, "kept_at": "机房"})
    assert _row(db, SYSTEM_REGISTER, users["itops"], new.id)["now"] == "尚未备份"
