"""The seal-use log: approval per seal kind, separation of duties, stamping, bad input (SPEC §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import clock
from courtdesk.kernel.demo import tiny_png
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import Attachment, WorkflowStep


def seal_id(db, kind: str, name_part: str = "") -> int:
    with db.read() as s:
        stmt = select(Seal.id).where(Seal.kind == kind)
        if name_part:
            stmt = stmt.where(Seal.name.contains(name_part))
        return s.scalars(stmt).first()


def counts(db) -> tuple[int, int, int]:
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(SealUse)),
            s.scalar(select(func.count()).select_from(Attachment)),
            s.scalar(select(func.count()).select_from(WorkflowStep)),
        )


def request(db, users, who="judge", kind="office", **extra):
    data = {"seal_id": seal_id(db, kind), "title": "关于报送统计报表的函", "copies": 2, "impressions": 2,
            "purpose": "报送上级法院", **extra}
    return SealService(db).file(users[who], data)


def test_office_seal_flow_file_approve_stamp(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    service = SealService(db)
    with db.read() as s:
        last = s.scalar(select(func.max(SealUse.serial)).where(SealUse.year == 2026))
    use = request(db, users)
    assert use.number == f"(2026)用印第{last + 1:04d}号"
    assert use.status == "submitted"
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0))
    service.act(users["office_head"], use.id, "approve", "同意")
    clock.set_now(dt.datetime(2026, 11, 23, 11, 0))
    done = service.act(users["clerk"], use.id, "stamp", stamped_at=dt.datetime(2026, 11, 23, 10, 30),
                       stamped_impressions=2)
    assert done.status == "stamped"
    with db.read() as s:
        stored = s.get(SealUse, use.id)
        assert (stored.approver_id, stored.stamper_id) == (users["office_head"].id, users["clerk"].id)
        steps = s.scalars(select(WorkflowStep).where(WorkflowStep.entity == "seal_use",
                                                     WorkflowStep.entity_id == use.id)).all()
        assert [(st.action, st.actor_name, st.comment) for st in steps] == [
            ("approve", "李强", "同意"), ("stamp", "王芳", "")]


def test_self_approval_is_refused(db, users):
    use = request(db, users, who="office_head")
    with pytest.raises(PermissionDenied, match="不能审批自己提交的用印申请"):
        SealService(db).act(users["office_head"], use.id, "approve")


def test_office_seal_needs_leader_or_office_head(db, users):
    use = request(db, users)
    with pytest.raises(PermissionDenied, match="有审批权"):
        SealService(db).act(users["civil_head"], use.id, "approve")
    SealService(db).act(users["leader"], use.id, "approve")


def test_department_seal_only_by_that_departments_head(db, users):
    use = request(db, users, who="judge", kind="department")  # first department seal: 民事审判庭
    with pytest.raises(PermissionDenied):
        SealService(db).act(users["enforce_head"], use.id, "approve")
    with pytest.raises(PermissionDenied):
        SealService(db).act(users["office_head"], use.id, "approve")
    SealService(db).act(users["civil_head"], use.id, "approve")


def test_approver_may_not_stamp_and_only_keepers_stamp(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    use = request(db, users, who="judge", kind="department")
    service = SealService(db)
    service.act(users["civil_head"], use.id, "approve")
    with pytest.raises(PermissionDenied, match="审批人不能同时为本次用印监印盖章"):
        service.act(users["civil_head"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)
    with pytest.raises(PermissionDenied, match="保管人或代为监印人"):
        service.act(users["clerk"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)
    service.act(users["civil_clerk"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)


def test_court_seal_needs_signer_and_signed_original_before_stamping(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    service = SealService(db)
    with pytest.raises(ValidationError, match="签发人：加盖院印须由有权签发人员签发原件"):
        request(db, users, who="clerk", kind="court")
    use = request(db, users, who="clerk", kind="court", signer_name="张国华")
    with pytest.raises(PermissionDenied):
        service.act(users["office_head"], use.id, "approve")  # office head cannot sign for the court seal
    service.act(users["president"], use.id, "approve", "同意")
    before = counts(db)
    with pytest.raises(ValidationError, match="签发原件扫描件.*第二十条"):
        service.act(users["office_head"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)
    assert counts(db) == before
    service.act(users["office_head"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1,
                original=("签发稿.png", tiny_png()))
    with db.read() as s:
        assert s.get(SealUse, use.id).status == "stamped"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "文件名称：必填"),
        ("title", "函" * 101, "文件名称：不能超过 100 个字"),
        ("purpose", "  ", "用途（事由）：必填"),
        ("copies", 0, "份数：不能小于 1"),
        ("impressions", "两次", "盖章次数：必须是整数"),
    ],
)
def test_bad_request_input_is_refused_naming_the_field_and_nothing_is_written(db, users, field, value, message):
    before = counts(db)
    with pytest.raises(ValidationError, match=message):
        request(db, users, **{field: value})
    assert counts(db) == before


def test_future_stamping_time_is_refused(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    use = request(db, users)
    SealService(db).act(users["office_head"], use.id, "approve")
    before = counts(db)
    with pytest.raises(ValidationError, match="盖章时间：不能晚于当前时间"):
        SealService(db).act(users["clerk"], use.id, "stamp", stamped_at=dt.datetime(2026, 11, 24, 9, 0),
                            stamped_impressions=1)
    assert counts(db) == before
    with db.read() as s:
        assert s.get(SealUse, use.id).status == "approved"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("申请.docx", b"PK\x03\x04 a word file", "只接受 PDF、JPG、PNG、TIFF"),
        ("空.pdf", b"", "文件是空的"),
        ("大.pdf", b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024), "超过 20 MB"),
    ],
)
def test_bad_attachment_is_refused_and_nothing_is_written(db, users, filename, data, message):
    before = counts(db)
    with pytest.raises(ValidationError, match=message):
        request(db, users, original=(filename, data))
    assert counts(db) == before


def test_voided_number_stays_with_its_reason_and_is_never_reused(db, users):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    first = request(db, users)
    SealService(db).act(users["clerk"], first.id, "void", "重复申请")
    second = request(db, users)
    assert second.serial == first.serial + 1
    with db.read() as s:
        voided = s.get(SealUse, first.id)
        assert (voided.status, voided.void_reason, voided.number) == ("voided", "重复申请", first.number)


def test_void_needs_a_reason(db, users):
    use = request(db, users)
    with pytest.raises(ValidationError, match="意见：执行「作废」必须填写"):
        SealService(db).act(users["clerk"], use.id, "void", "")


def test_stamped_use_cannot_be_voided(db, users):
    with db.read() as s:
        stamped = s.scalars(select(SealUse.id).where(SealUse.status == "stamped")).first()
    with pytest.raises(Exception, match="当前状态为「已盖章」，不能执行「作废」"):
        SealService(db).act(users["clerk"], stamped, "void", "想作废")


def test_custodian_rules_when_registering_seals(db, users):
    service = SealService(db)
    with pytest.raises(ValidationError, match="党组印由政治处负责保管和监印"):
        service.create_seal(users["admin"], name="党组印2", kind="party", custodian_id=users["clerk"].id)
    with pytest.raises(ValidationError, match="由办公室负责人负责保管和监印"):
        service.create_seal(users["admin"], name="院印2", kind="court", custodian_id=users["clerk"].id)
    with pytest.raises(PermissionDenied):
        service.create_seal(users["clerk"], name="院印3", kind="court", custodian_id=users["office_head"].id)
