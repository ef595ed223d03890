"""Issue 8: never more impressions than approved, and no approval that leaves nobody to stamp.

The deadlock: the clerk (the 办公室印's 代为监印人) applies for the office seal and the office head (its
custodian) approves. The approver may not stamp the same use, nor may the applicant — nobody could
stamp, only 作废 would remain. Such an approval is refused at approval time, saying why and who should
approve instead (a court leader); the office head is not offered 批准 at all, and after a court leader
approves, the custodian stamps.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SEAL_USE_REGISTER, SEAL_USE_WORKFLOW, SealService
from courtdesk.kernel import clock
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import WorkflowStep
from courtdesk.kernel.registers import RegisterQuery

RULE = "《保密工作制度》第二十条(1)"


def _seal(db, kind: str) -> int:
    with db.read() as s:
        return s.scalars(select(Seal.id).where(Seal.kind == kind).order_by(Seal.id)).first()


def _file(db, user, kind: str, impressions: int = 1, **extra) -> SealUse:
    return SealService(db).file(user, {"seal_id": _seal(db, kind), "title": "关于报送统计报表的函", "copies": 1,
                                       "impressions": impressions, "purpose": "报送上级法院", **extra})


def _state(db, use_id: int) -> tuple:
    with db.read() as s:
        use = s.get(SealUse, use_id)
        steps = s.scalar(select(func.count()).select_from(WorkflowStep).where(
            WorkflowStep.entity == "seal_use", WorkflowStep.entity_id == use_id))
        return use.status, use.approver_id, use.stamper_id, use.stamped_impressions, use.version, steps


def _buttons(db, user, use_id: int) -> set[str]:
    with db.read() as s:
        return {t.action for t in SEAL_USE_WORKFLOW.available(user, s.get(SealUse, use_id))}


def _to_approve(db, user) -> set[int]:
    with db.read() as s:
        return {r[0] for r in s.execute(RegisterQuery(SEAL_USE_REGISTER, filter_key="to_approve").statement(user))}


def test_no_more_impressions_than_approved(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    service = SealService(db)
    use = _file(db, users["judge"], "office", impressions=2)
    service.act(users["office_head"], use.id, "approve", "同意")
    before = _state(db, use.id)
    for too_many in (3, 999):
        with pytest.raises(ValidationError) as info:
            service.act(users["clerk"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=too_many)
        assert str(info.value).startswith(f"实际盖章次数：不能超过批准的盖章次数（2 次），现填 {too_many} 次")
        assert RULE in str(info.value)
    assert _state(db, use.id) == before  # still 已批准待盖章, nothing recorded
    done = service.act(users["clerk"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=2)
    assert (done.status, done.stamped_impressions) == ("stamped", 2)


def test_the_office_seal_deadlock_is_refused_and_a_court_leader_approves(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    service = SealService(db)
    use = _file(db, users["clerk"], "office")  # the clerk is the office seal's deputy custodian
    head = users["office_head"]  # ... and the office head its custodian

    # not offered: no 批准 button, not in 待我审批 (退回 stays possible)
    assert _buttons(db, head, use.id) == {"reject", "void"}
    assert use.id not in _to_approve(db, head)
    assert "approve" in _buttons(db, users["leader"], use.id)
    assert use.id in _to_approve(db, users["leader"])

    # and refused by the service, with the reason and who should approve instead
    before = _state(db, use.id)
    with pytest.raises(PermissionDenied) as info:
        service.act(head, use.id, "approve", "同意")
    text = str(info.value)
    assert text.startswith("审批人：您是该印章的保管人，审批人不能为同一次用印监印；"
                           "代为监印人王芳是本次用印的申请人，申请人不能为自己的用印监印，"
                           "您批准后将无人可以为本次用印监印盖章。")
    assert "请改由院领导（院长或副院长）审批，批准后由您监印盖章" in text and RULE in text
    assert _state(db, use.id) == before

    # a court leader approves; the custodian stamps
    service.act(users["leader"], use.id, "approve", "同意")
    assert "stamp" in _buttons(db, head, use.id)
    stamped = service.act(head, use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)
    assert (stamped.status, stamped.approver_id, stamped.stamper_id) == (
        "stamped", users["leader"].id, head.id)


def test_department_seal_deadlock_goes_to_a_court_leader(db, users):
    """The 民事审判庭's clerk (its seal's deputy) applies: the 庭长 keeps the seal, so a court leader
    approves instead, and the 庭长 stamps."""
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    service = SealService(db)
    use = _file(db, users["civil_clerk"], "department")
    assert "approve" not in _buttons(db, users["civil_head"], use.id)
    with pytest.raises(PermissionDenied, match="无人可以为本次用印监印盖章。请改由院领导"):
        service.act(users["civil_head"], use.id, "approve")
    service.act(users["leader"], use.id, "approve")
    assert service.act(users["civil_head"], use.id, "stamp", stamped_at=clock.now(),
                       stamped_impressions=1).status == "stamped"

    # a judge's request stays with the 庭长 (his deputy stamps): no court leader needed there
    ordinary = _file(db, users["judge"], "department")
    assert "approve" not in _buttons(db, users["leader"], ordinary.id)
    assert "approve" in _buttons(db, users["civil_head"], ordinary.id)


def test_a_seal_nobody_else_can_stamp_asks_for_a_deputy(db, users):
    """The 党组印 has no deputy: when its custodian applies, no approval could leave a stamper."""
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    use = _file(db, users["political"], "party", signer_name="张国华")
    assert "approve" not in _buttons(db, users["president"], use.id)
    before = _state(db, use.id)
    with pytest.raises(PermissionDenied) as info:
        SealService(db).act(users["president"], use.id, "approve", "同意")
    assert str(info.value).startswith("审批人：保管人周伟是本次用印的申请人，申请人不能为自己的用印监印；该印章未指定代为监印人")
    assert "请系统管理员先为该印章指定代为监印人" in str(info.value)
    assert _state(db, use.id) == before


def test_the_usual_refusals_keep_their_words(db, users):
    """Self-approval and approval without authority are not explained as a deadlock."""
    use = _file(db, users["office_head"], "office")
    with pytest.raises(PermissionDenied, match="不能审批自己提交的用印申请"):
        SealService(db).act(users["office_head"], use.id, "approve")
    with pytest.raises(PermissionDenied, match="只有有审批权的负责人可以执行「批准」"):
        SealService(db).act(users["civil_head"], use.id, "approve")
