"""Blank sealed letterhead (盖章空白信笺): the president's approval only, one open batch per holder, each
sheet accounted for (used with what for, or returned), closing, overdue, dashboard and refused input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from courtdesk.areas.letters.letterhead import LetterheadService
from courtdesk.areas.letters.models import BlankLetterhead
from courtdesk.kernel import clock, registers, workflow
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from tests.areas.letters.letters_helpers import NOW, row_counts

TODAY = NOW.date()


def _request(db: Any, users: dict[str, Any], who: str = "civil_clerk", quantity: Any = 4, **more: Any) -> BlankLetterhead:
    data = {"quantity": quantity, "purpose": "赴外地送达，需出具补充说明", "return_by": TODAY + dt.timedelta(days=20)}
    data.update(more)
    return LetterheadService(db).request(users[who], data)


def _issued(db: Any, users: dict[str, Any], who: str = "civil_clerk", quantity: int = 4) -> BlankLetterhead:
    service = LetterheadService(db)
    batch = _request(db, users, who, quantity)
    service.act(users["president"], batch.id, "approve", "同意")
    return service.act(users["clerk"], batch.id, "issue")


@pytest.mark.parametrize("who", ["leader", "office_head", "clerk", "civil_head", "finance_leader", "admin"])
def test_only_the_president_approves_citing_the_rule(db, users, who):
    batch = _request(db, users)
    before = row_counts(db)
    with pytest.raises(PermissionDenied) as refused:
        LetterheadService(db).act(users[who], batch.id, "approve", "同意")
    assert "只有院长" in str(refused.value)
    assert "《保密工作制度》第二十条(3)" in str(refused.value)
    assert row_counts(db) == before
    approved = LetterheadService(db).act(users["president"], batch.id, "approve", "同意")
    assert approved.status == "approved" and approved.approver_id == users["president"].id


def test_the_president_cannot_approve_his_own_request(db, users):
    batch = _request(db, users, "president")
    with pytest.raises(PermissionDenied, match="职责分离"):
        LetterheadService(db).act(users["president"], batch.id, "approve")


def test_president_may_refuse_with_a_reason(db, users):
    batch = _request(db, users)
    with pytest.raises(ValidationError, match="意见"):
        LetterheadService(db).act(users["president"], batch.id, "reject")
    refused = LetterheadService(db).act(users["president"], batch.id, "reject", "可开具介绍信，不需空白信笺")
    assert refused.status == "rejected" and refused.approver_id == users["president"].id


def test_the_whole_cycle_closes_when_every_sheet_is_accounted_for(db, users):
    service = LetterheadService(db)
    batch = _request(db, users, quantity=3)
    assert batch.number.startswith("(2026)信笺第")
    with pytest.raises(DomainError, match="待院长审批"):
        service.act(users["clerk"], batch.id, "issue")  # not before the president's approval
    service.act(users["president"], batch.id, "approve")
    issued = service.act(users["clerk"], batch.id, "issue")
    assert (issued.status, issued.issued_count, issued.outstanding) == ("issued", 3, 3)
    clock.set_now(NOW + dt.timedelta(days=2))
    one = service.report_use(users["civil_clerk"], batch.id, TODAY + dt.timedelta(days=1), "出具送达情况说明（致某社区）")
    assert (one.used_count, one.outstanding, one.status) == (1, 2, "issued")
    two = service.report_use(users["clerk"], batch.id, TODAY + dt.timedelta(days=2), "出具调查取证证明")
    assert two.outstanding == 1
    closed = service.give_back(users["clerk"], batch.id, 1, TODAY + dt.timedelta(days=2), "清点无误")
    assert (closed.status, closed.used_count, closed.returned_count, closed.outstanding) == ("closed", 2, 1, 0)
    assert closed.closed_at == NOW + dt.timedelta(days=2)
    assert [(r.kind, r.sheets) for r in closed.reports] == [("used", 1), ("used", 1), ("returned", 1)]
    assert [r.what_for for r in closed.reports][:2] == ["出具送达情况说明（致某社区）", "出具调查取证证明"]
    with db.read() as s:
        steps = [st.action for st in workflow.history(s, "blank_letterhead", batch.id)]
    assert steps == ["approve", "issue", "report_use", "report_use", "return", "close"]
    with pytest.raises(DomainError, match="已办结"):
        service.report_use(users["civil_clerk"], batch.id, TODAY, "再用一张")


def test_the_clerk_does_not_hand_sheets_to_herself(db, users):
    own = _request(db, users, "clerk")
    LetterheadService(db).act(users["president"], own.id, "approve")
    with pytest.raises(PermissionDenied, match="不能给自己发放"):
        LetterheadService(db).act(users["clerk"], own.id, "issue")


def test_returning_every_sheet_unused_closes_the_batch(db, users):
    batch = _issued(db, users, quantity=5)
    closed = LetterheadService(db).give_back(users["clerk"], batch.id, 5, TODAY, "全部未用")
    assert closed.status == "closed" and closed.returned_count == 5


def test_returning_more_sheets_than_outstanding_is_refused(db, users):
    service = LetterheadService(db)
    batch = _issued(db, users, quantity=4)
    service.report_use(users["civil_clerk"], batch.id, TODAY, "出具证明")
    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        service.give_back(users["clerk"], batch.id, 4, TODAY)
    assert "交回张数：不能超过未交回的 3 张" in str(refused.value)
    assert row_counts(db) == before
    with db.read() as s:
        again = s.get(BlankLetterhead, batch.id)
        assert (again.returned_count, again.used_count, again.status) == (0, 1, "issued")


def test_the_holder_reports_use_but_only_the_office_takes_sheets_back(db, users):
    service = LetterheadService(db)
    batch = _issued(db, users)
    with pytest.raises(PermissionDenied, match="持有人或办公室文员"):
        service.report_use(users["judge"], batch.id, TODAY, "代为登记")
    with pytest.raises(PermissionDenied, match="办公室文员"):
        service.give_back(users["civil_clerk"], batch.id, 1, TODAY)


@pytest.mark.parametrize(("params", "message"), [
    ({"on_date": TODAY, "what_for": ""}, "用途说明：必填"),
    ({"on_date": TODAY + dt.timedelta(days=1), "what_for": "出具证明"}, "使用日期：不能晚于当前时间"),
    ({"on_date": TODAY - dt.timedelta(days=3), "what_for": "出具证明"}, "使用日期：不能早于发放日期"),
    ({"on_date": "11/23", "what_for": "出具证明"}, "使用日期：日期格式"),
])
def test_bad_use_reports_are_refused(db, users, params, message):
    batch = _issued(db, users)
    before = row_counts(db)
    with pytest.raises(ValidationError, match=message):
        LetterheadService(db).act(users["civil_clerk"], batch.id, "report_use", **params)
    assert row_counts(db) == before


@pytest.mark.parametrize("state", ["requested", "approved", "issued"])
def test_no_second_batch_while_the_first_is_open(db, users, state):
    service = LetterheadService(db)
    first = _request(db, users, quantity=4)
    if state != "requested":
        service.act(users["president"], first.id, "approve")
    if state == "issued":
        service.act(users["clerk"], first.id, "issue")
        service.report_use(users["civil_clerk"], first.id, TODAY, "出具证明")
    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        _request(db, users, quantity=2)
    message = str(refused.value)
    assert first.number in message
    assert ("尚有 3 张未交回" if state == "issued" else "尚未发放") in message
    assert "第二十条(3)" in message
    assert row_counts(db) == before


def test_a_new_batch_once_the_first_is_closed(db, users):
    batch = _issued(db, users, quantity=2)
    LetterheadService(db).give_back(users["clerk"], batch.id, 2, TODAY)
    assert _request(db, users, quantity=1).status == "requested"


def test_the_clerk_cannot_hand_out_a_second_batch_to_a_holder_with_one_open(db, users):
    """Two approved requests cannot exist for one holder, but the issue re-checks all the same."""
    first = _issued(db, users, quantity=2)
    with db.write(users["admin"]) as s:  # a second approved request, as an older version could leave it
        s.add(BlankLetterhead(year=2026, serial=900, number="(2026)信笺第0900号", status="approved",
                              holder_id=users["civil_clerk"].id, quantity=1, purpose="测试", return_by=TODAY,
                              requested_at=NOW, approver_id=users["president"].id, approved_at=NOW))
    with db.read() as s:
        second = s.scalar(select(BlankLetterhead.id).where(BlankLetterhead.serial == 900))
    with pytest.raises(ValidationError, match=f"{first.number[1:5]}.*尚有 2 张未交回"):
        LetterheadService(db).act(users["clerk"], second, "issue")


BAD_REQUESTS = [
    ({"quantity": 0}, "数量（张）：不能小于 1"),
    ({"quantity": 51}, "数量（张）：不能大于 50"),
    ({"quantity": ""}, "数量（张）：必填"),
    ({"purpose": " "}, "用途：必填"),
    ({"return_by": TODAY - dt.timedelta(days=1)}, "交回期限：不能早于今天"),
    ({"return_by": TODAY + dt.timedelta(days=91)}, "交回期限：最长为申请之日起 90 天"),
    ({"return_by": "下个月"}, "交回期限：日期格式"),
]


@pytest.mark.parametrize(("change", "message"), BAD_REQUESTS, ids=[m for _, m in BAD_REQUESTS])
def test_bad_requests_are_refused_naming_the_field_and_nothing_is_written(db, users, change, message):
    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        _request(db, users, **change)
    assert message in str(refused.value)
    assert row_counts(db) == before


def _items(db: Any, user: Any) -> dict[str, tuple[int, bool, str]]:
    with db.read() as s:
        return {i.title: (i.count, i.urgent, i.filter) for i in registers.dashboard(s, user)
                if i.register == "blank_letterhead"}


def test_outstanding_sheets_on_the_dashboards_until_closed_and_urgent_when_overdue(db, users):
    service = LetterheadService(db)
    clerk_before = _items(db, users["clerk"])
    batch = _issued(db, users, quantity=4)  # due back in 20 days
    service.report_use(users["civil_clerk"], batch.id, TODAY, "出具证明")
    holder = _items(db, users["civil_clerk"])
    assert holder["我领用的盖章空白信笺待交回（张）"] == (3, False, "mine_open")
    assert "我领用的盖章空白信笺已逾期未交回（张）" not in holder
    clerk = _items(db, users["clerk"])
    assert clerk["在外未交回的盖章空白信笺（张）"][0] == clerk_before["在外未交回的盖章空白信笺（张）"][0] + 3

    clock.set_now(NOW + dt.timedelta(days=21))  # past the return day
    holder = _items(db, users["civil_clerk"])
    assert holder["我领用的盖章空白信笺已逾期未交回（张）"] == (3, True, "my_overdue")
    assert "我领用的盖章空白信笺待交回（张）" not in holder
    clerk = _items(db, users["clerk"])
    assert clerk["逾期未交回的盖章空白信笺（张）"][1] is True
    overdue_before = clerk["逾期未交回的盖章空白信笺（张）"][0]

    service.give_back(users["clerk"], batch.id, 3, TODAY + dt.timedelta(days=21))
    holder = _items(db, users["civil_clerk"])
    assert not any("待交回" in t or "逾期" in t for t in holder)
    assert _items(db, users["clerk"])["逾期未交回的盖章空白信笺（张）"][0] == overdue_before - 3
    with db.read() as s:  # another holder's dashboard counts only her own sheets
        judges = sum(b.outstanding for b in s.scalars(select(BlankLetterhead).where(
            BlankLetterhead.holder_id == users["judge"].id, BlankLetterhead.status == "issued")))
    assert judges > 0
    assert _items(db, users["judge"])["我领用的盖章空白信笺已逾期未交回（张）"] == (judges, True, "my_overdue")


def test_demo_overdue_batch_is_on_the_clerks_dashboard_and_in_the_overdue_filter(db, users):
    items = _items(db, users["clerk"])
    assert items["逾期未交回的盖章空白信笺（张）"] == (3, True, "overdue")
    assert items["待发放的盖章空白信笺"] == (1, True, "to_issue")
    assert _items(db, users["president"])["待我审批的盖章空白信笺申请"] == (1, True, "to_approve")
    spec = registers.get("blank_letterhead")
    with db.read() as s:
        rows = registers.RegisterQuery(spec, filter_key="overdue").page(s, users["clerk"], 0, 10)
        shown = [dict(zip([c.key for c in spec.columns], registers.display_row(spec, r), strict=True)) for r in rows]
        # someone outside the office sees only his own batches
        mine = registers.RegisterQuery(spec).count(s, users["judge"])
    assert [(r["holder"], r["outstanding"], r["return_by"]) for r in shown] == [("马超", "3", "2026-11-05")]
    assert mine == 2


def test_register_columns(db):
    spec = registers.get("blank_letterhead")
    assert spec.title == "盖章空白信笺登记簿" and spec.area == "印章与介绍信"
    assert [c.label for c in spec.columns] == [
        "编号", "领用人", "部门", "用途", "数量", "未交回", "交回期限", "状态", "申请日期", "审批人", "发放人",
        "发放日期", "已使用", "已交回"]
    assert callable(spec.act)
