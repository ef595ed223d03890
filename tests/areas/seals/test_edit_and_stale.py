"""Two people on one seal-use record (the second acts on what they saw, which is stale), and 修改 of
a request while it waits for approval."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SEAL_USE_REGISTER, SealService
from courtdesk.kernel import clock, editing
from courtdesk.kernel.errors import DomainError, PermissionDenied, StaleRecord, ValidationError
from courtdesk.kernel.models.infra import AuditEntry, WorkflowStep
from courtdesk.kernel.registers import edit_record
from tests.conftest import load_users


def _file(db, users, who: str = "judge") -> SealUse:
    with db.read() as s:
        office = s.scalars(select(Seal.id).where(Seal.kind == "office")).first()
    return SealService(db).file(users[who], {"seal_id": office, "title": "关于报送统计报表的函", "copies": 2,
                                             "impressions": 2, "purpose": "报送上级法院"})


def _version(db, use_id: int) -> int:
    with db.read() as s:
        return s.get(SealUse, use_id).version


def test_second_approval_on_a_stale_screen_is_refused_naming_the_first(any_db):
    users = load_users(any_db)
    clock.set_now(dt.datetime(2026, 11, 30, 9, 0))
    use = _file(any_db, users)
    # 李强 (office head) and the vice president open the same request: both see this version
    seen = _version(any_db, use.id)
    clock.set_now(dt.datetime(2026, 11, 30, 10, 15))
    SealService(any_db).act(users["office_head"], use.id, "approve", "同意", expected_version=seen)
    clock.set_now(dt.datetime(2026, 11, 30, 10, 20))
    with pytest.raises(StaleRecord) as refused:
        SealService(any_db).act(users["leader"], use.id, "approve", "同意", expected_version=seen)
    assert str(refused.value) == "该记录已于 2026-11-30 10:15 被 李强 修改（批准），请刷新后再办理"
    with any_db.read() as s:
        stored = s.get(SealUse, use.id)
        assert (stored.status, stored.approver_id) == ("approved", users["office_head"].id)
        steps = s.scalars(select(WorkflowStep).where(WorkflowStep.entity == "seal_use",
                                                     WorkflowStep.entity_id == use.id)).all()
        assert [(st.action, st.actor_name) for st in steps] == [("approve", "李强")]


def test_action_with_the_current_version_goes_through(db, users):
    use = _file(db, users)
    done = SealService(db).act(users["office_head"], use.id, "approve", expected_version=_version(db, use.id))
    assert done.status == "approved"


def test_applicant_edits_a_waiting_request_with_a_reason(db, users):
    clock.set_now(dt.datetime(2026, 11, 30, 9, 0))
    use = _file(db, users)
    seen = _version(db, use.id)
    clock.set_now(dt.datetime(2026, 11, 30, 9, 30))
    edited = edit_record(db, users["judge"], SEAL_USE_REGISTER, use.id,
                         {"title": "关于报送年度统计报表的函", "copies": 3, "impressions": 2,
                          "purpose": "报送上级法院", "remarks": ""}, "份数写错了", seen)
    assert (edited.title, edited.copies) == ("关于报送年度统计报表的函", 3)
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "seal_use", AuditEntry.entity_id == use.id)
                          .order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.comment, entry.user_name) == ("edit", "份数写错了", users["judge"].name)
        assert json.loads(entry.before)["copies"] == 2 and json.loads(entry.after)["copies"] == 3
        history = editing.edits(s, SEAL_USE_REGISTER.edit, SealUse, use.id)
    assert [(h.reason, h.changes) for h in history] == [
        ("份数写错了", (("文件名称", "关于报送统计报表的函", "关于报送年度统计报表的函"), ("份数", "2", "3")))]
    # the approver who opened it before the edit is told who changed it
    with pytest.raises(StaleRecord, match=r"被 .+ 修改（修改），请刷新后再办理"):
        SealService(db).act(users["office_head"], use.id, "approve", expected_version=seen)


def test_edit_is_refused_without_reason_for_others_after_approval_and_on_bad_input(db, users):
    use = _file(db, users)
    data = {"title": "新的名称", "copies": 2, "impressions": 2, "purpose": "报送上级法院", "remarks": ""}
    with pytest.raises(ValidationError, match="修改原因"):
        edit_record(db, users["judge"], SEAL_USE_REGISTER, use.id, data, "  ")
    with pytest.raises(PermissionDenied, match="申请人本人"):
        edit_record(db, users["office_head"], SEAL_USE_REGISTER, use.id, data, "改一下")
    with pytest.raises(ValidationError, match="份数"):
        edit_record(db, users["judge"], SEAL_USE_REGISTER, use.id, {**data, "copies": 0}, "改一下")
    with pytest.raises(ValidationError, match="没有需要保存的修改"):
        edit_record(db, users["judge"], SEAL_USE_REGISTER, use.id,
                    {**data, "title": "关于报送统计报表的函"}, "改一下")
    SealService(db).act(users["office_head"], use.id, "approve")
    with pytest.raises(DomainError, match="当前状态为「已批准待盖章」，不能修改"):
        edit_record(db, users["judge"], SEAL_USE_REGISTER, use.id, data, "改一下")
    with db.read() as s:
        assert s.get(SealUse, use.id).title == "关于报送统计报表的函"
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "edit")).first()
