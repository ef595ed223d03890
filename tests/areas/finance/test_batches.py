"""Batches to the district finance bureau (报送区财政局, 第5条): one numbered batch for the selected
registered claims, all or none; the bureau's refusal of a claim kept in the batch's remarks; the
bureau's reimbursement of a whole batch; the batch register's counts, totals and state read from
its claims."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from courtdesk.areas.finance.batches import BATCH_LINES, BATCH_REGISTER, REIMBURSE_BATCH, BatchService
from courtdesk.areas.finance.claims import CLAIM_REGISTER, CLAIM_WORKFLOW, SEND_BATCH, ClaimService
from courtdesk.areas.finance.models import Batch, ExpenseClaim
from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.models.infra import Counter
from courtdesk.kernel.registers import RegisterQuery, command_fields, run_command, unfit_count
from tests.areas.finance.helpers import general_data, travel_data
from tests.conftest import load_users

TODAY = dt.date(2026, 12, 1)


def _registered(db, users, who: str = "enforcer", data=None, *, registrar: str = "finance") -> int:
    service = ClaimService(db)
    cid = service.file(users[who], data or (travel_data() if who == "enforcer" else general_data())).id
    service.act(users[who], cid, "submit")
    service.act(users["finance_leader"], cid, "approve")
    service.act(users[registrar], cid, "register")
    return cid


def _three(db, users) -> list[int]:
    return [_registered(db, users, "enforcer"), _registered(db, users, "judge", general_data("460.00")),
            _registered(db, users, "civil_clerk", general_data("264.50"))]


def _send(db, users, ids, **data):
    return run_command(db, users["finance"], CLAIM_REGISTER, SEND_BATCH, ids, {"sent_on": TODAY, **data})


def _state(db) -> tuple[int, int, list[tuple[int, str, int | None]]]:
    """Batches, the batch counter of 2026, and every claim's state and batch."""
    with db.read() as s:
        batches = s.scalar(select(func.count()).select_from(Batch))
        counter = s.scalar(select(Counter.last).where(Counter.register == "finance_batch", Counter.year == 2026))
        claims = [tuple(r) for r in s.execute(select(ExpenseClaim.id, ExpenseClaim.status, ExpenseClaim.batch_id)
                                              .order_by(ExpenseClaim.id))]
    return batches, counter or 0, claims


def _row(db, users, batch_id: int) -> dict[str, object]:
    with db.read() as s:
        row = RegisterQuery(BATCH_REGISTER).one(s, users["finance"], batch_id)
    assert row is not None
    return dict(zip([c.key for c in BATCH_REGISTER.columns], row[1:], strict=True))


def _batch_of(db, cid: int) -> Batch:
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim is not None and claim.batch_id is not None
        batch = s.get(Batch, claim.batch_id)
        assert batch is not None
        return batch


def test_a_batch_of_several_claims_is_numbered_and_sends_them_all(db, users):
    ids = _three(db, users)
    _batches, last, _claims = _state(db)
    assert SEND_BATCH.allowed(users["finance"]) and SEND_BATCH.allowed(users["cashier"])
    assert not SEND_BATCH.allowed(users["finance_leader"]) and not SEND_BATCH.allowed(users["judge"])
    with db.read() as s:
        asked = command_fields(s, users["finance"], CLAIM_REGISTER, SEND_BATCH, ids)
        intro = SEND_BATCH.describe(s, users["finance"], ids)
    assert [f.label for f in asked] == ["报送日期", "备注"] and asked[0].default == TODAY
    assert "3 份报销单（合计 ¥1,760.50）" in intro

    result = _send(db, users, ids, remarks="随附报送清单一份")

    batch = _batch_of(db, ids[0])
    assert batch.number == f"（2026）财报{last + 1:03d}批" and batch.serial == last + 1
    assert batch.sent_on == TODAY and batch.remarks == "随附报送清单一份"
    assert batch.sender_id == users["finance"].id
    assert batch.number in result.message and "3 份" in result.message
    with db.read() as s:
        sent = s.scalars(select(ExpenseClaim).where(ExpenseClaim.id.in_(ids))).all()
        assert {(c.status, c.batch_id, c.sent_on) for c in sent} == {("batched", batch.id, TODAY)}
        # The claims register shows the batch number in 报送批次.
        row = RegisterQuery(CLAIM_REGISTER).one(s, users["finance"], ids[0])
    assert row is not None and batch.number in row


def test_the_step_is_the_commands_not_a_button_of_one_claim(db, users):
    cid = _registered(db, users)
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert "batch" not in [t.action for t in CLAIM_WORKFLOW.available(users["finance"], claim)]
        # …yet the claim is in the 待报送区财政局 list the command is taken from.
        waiting = RegisterQuery(CLAIM_REGISTER, filter_key="to_batch").ids(s, users["finance"])
    assert cid in waiting
    with pytest.raises(DomainError, match="「报送区财政局」请在登记簿中选中记录后办理"):
        ClaimService(db).act(users["finance"], cid, "batch", batch_id=1)
    with pytest.raises(PermissionDenied, match="只有财务人员可以执行「报送区财政局」"):
        run_command(db, users["judge"], CLAIM_REGISTER, SEND_BATCH, [cid], {"sent_on": TODAY})


def test_a_claim_that_may_not_go_refuses_the_whole_batch_and_nothing_is_written(db, users):
    good = [_registered(db, users, "enforcer"), _registered(db, users, "judge")]
    service = ClaimService(db)
    approved = service.file(users["civil_clerk"], general_data()).id
    service.act(users["civil_clerk"], approved, "submit")
    service.act(users["finance_leader"], approved, "approve")
    with db.read() as s:
        number = s.get(ExpenseClaim, approved).number
        with pytest.raises(ValidationError, match=re.escape(f"{number}（已审批待审核）")):
            command_fields(s, users["finance"], CLAIM_REGISTER, SEND_BATCH, [*good, approved])
    before = _state(db)
    with pytest.raises(ValidationError, match=re.escape(f"以下不可：{number}（已审批待审核）")):
        _send(db, users, [*good, approved])
    assert _state(db) == before

    # The finance clerk's own claim (registered by the cashier; a third finance person is there to pay
    # it) may not be sent by herself: refused by the step itself after the batch was numbered — the
    # number and the batch go with the rest.
    from courtdesk.areas.system import roles
    from courtdesk.kernel.people import PeopleService

    PeopleService(db).create_user(users["admin"], username="accountant2", name="周敏", password="Demo2026x",
                                  roles=[roles.FINANCE], department_id=users["finance"].department_id)
    own = _registered(db, users, "finance", general_data("88.00"), registrar="cashier")
    with db.read() as s:
        own_number = s.get(ExpenseClaim, own).number
    before = _state(db)
    with pytest.raises(PermissionDenied, match=re.escape(f"报销单 {own_number}（孙丽）— 不能审批或经办自己的报销单")):
        _send(db, users, [*good, own])
    assert _state(db) == before
    with pytest.raises(ValidationError, match="报送日期：不能晚于当前时间"):
        _send(db, users, good, sent_on=TODAY + dt.timedelta(days=1))
    assert _state(db) == before


def test_the_bureau_returns_a_claim_the_batch_keeps_why_and_the_claim_goes_again(db, users):
    ids = _three(db, users)
    _send(db, users, ids)
    first = _batch_of(db, ids[0])
    clock.set_now(dt.datetime(2026, 12, 3, 10))
    service = ClaimService(db)
    claim = service.act(users["finance"], ids[1], "bureau_return", "住宿超标准")
    assert claim.status == "registered" and claim.batch_id is None and claim.sent_on is None
    with db.read() as s:
        batch = s.get(Batch, first.id)
        assert batch is not None
        assert batch.remarks == f"2026-12-03 报销单 {claim.number} 被退回：住宿超标准"
    row = _row(db, users, first.id)
    assert (row["claims"], row["waiting"], row["total"]) == (2, 2, 103600 + 26450)

    _send(db, users, [ids[1]], sent_on=dt.date(2026, 12, 3))
    again = _batch_of(db, ids[1])
    assert again.id != first.id and again.serial == first.serial + 1
    service.act(users["finance"], ids[1], "bureau_return", "仍缺少审批单")
    with db.read() as s:
        assert s.get(Batch, again.id).remarks == f"2026-12-03 报销单 {claim.number} 被退回：仍缺少审批单"
    assert _row(db, users, again.id)["status"] == "空批次（均已退回）"


def test_the_bureau_reimburses_a_whole_batch_all_or_none(db, users):
    ids = _three(db, users)
    _send(db, users, ids)
    batch = _batch_of(db, ids[0])
    service = ClaimService(db)
    service.act(users["finance"], ids[0], "reimburse", reimbursed_on=TODAY)  # one claim alone still works
    assert REIMBURSE_BATCH.allowed(users["finance"]) and not REIMBURSE_BATCH.allowed(users["finance_leader"])
    with db.read() as s:
        assert "2 份报销单（合计 ¥724.50）" in REIMBURSE_BATCH.describe(s, users["finance"], [batch.id])

    before = _state(db)
    with pytest.raises(ValidationError, match="报销日期：不能晚于当前时间"):
        run_command(db, users["finance"], BATCH_REGISTER, REIMBURSE_BATCH, [batch.id],
                    {"reimbursed_on": TODAY + dt.timedelta(days=1)})
    assert _state(db) == before
    with pytest.raises(PermissionDenied):
        BatchService(db).reimburse(users["judge"], batch.id)
    assert _state(db) == before

    clock.set_now(dt.datetime(2026, 12, 4, 9))
    result = run_command(db, users["finance"], BATCH_REGISTER, REIMBURSE_BATCH, [batch.id],
                         {"reimbursed_on": dt.date(2026, 12, 4)})
    assert "2 份" in result.message
    with db.read() as s:
        done = {c.id: (c.status, c.reimbursed_on) for c in s.scalars(select(ExpenseClaim).where(ExpenseClaim.id.in_(ids)))}
    assert done == {ids[0]: ("reimbursed", TODAY), ids[1]: ("reimbursed", dt.date(2026, 12, 4)),
                    ids[2]: ("reimbursed", dt.date(2026, 12, 4))}
    with pytest.raises(ValidationError, match="没有「已报区财政局」待报销的报销单"):
        run_command(db, users["finance"], BATCH_REGISTER, REIMBURSE_BATCH, [batch.id], {})


def test_the_commands_are_enabled_only_for_rows_they_can_be_run_on(db, users):
    """Every button works: 报送区财政局 and 登记财政局已报销 fit only rows that can take the step now,
    by the step's own states, rule and separations (what the register's buttons are enabled by)."""
    from courtdesk.areas.system import roles
    from courtdesk.kernel.people import PeopleService

    def unfit(who, spec, command, ids) -> int:
        with db.read() as s:
            return unfit_count(s, users[who], spec, command, ids)

    ids = _three(db, users)
    service = ClaimService(db)
    approved = service.file(users["civil_clerk"], general_data()).id
    service.act(users["civil_clerk"], approved, "submit")
    service.act(users["finance_leader"], approved, "approve")
    assert unfit("finance", CLAIM_REGISTER, SEND_BATCH, ids) == 0
    assert unfit("finance", CLAIM_REGISTER, SEND_BATCH, [*ids, approved]) == 1  # 已审批待审核, not registered
    # The finance clerk's own registered claim: the cashier may send it, she may not.
    PeopleService(db).create_user(users["admin"], username="accountant2", name="周敏", password="Demo2026x",
                                  roles=[roles.FINANCE], department_id=users["finance"].department_id)
    own = _registered(db, users, "finance", general_data("88.00"), registrar="cashier")
    assert unfit("finance", CLAIM_REGISTER, SEND_BATCH, [*ids, own]) == 1
    assert unfit("cashier", CLAIM_REGISTER, SEND_BATCH, [*ids, own]) == 0

    run_command(db, users["cashier"], CLAIM_REGISTER, SEND_BATCH, [ids[0], own], {"sent_on": TODAY})
    _send(db, users, ids[1:])
    with_own, other = _batch_of(db, own).id, _batch_of(db, ids[1]).id
    assert unfit("finance", BATCH_REGISTER, REIMBURSE_BATCH, [other]) == 0
    assert unfit("finance", BATCH_REGISTER, REIMBURSE_BATCH, [with_own]) == 1  # her own claim is in it
    assert unfit("cashier", BATCH_REGISTER, REIMBURSE_BATCH, [with_own]) == 0
    with db.read() as s:  # and her 待办 lists only the batch she can record
        listed = {who: set(RegisterQuery(BATCH_REGISTER, filter_key="to_reimburse").ids(s, users[who]))
                  for who in ("finance", "cashier")}
        counts = {who: next(i.count for i in BATCH_REGISTER.dashboard(s, users[who])) for who in listed}
    assert {with_own, other} & listed["finance"] == {other} and {with_own, other} <= listed["cashier"]
    assert counts["cashier"] == counts["finance"] + 1
    run_command(db, users["finance"], BATCH_REGISTER, REIMBURSE_BATCH, [other], {"reimbursed_on": TODAY})
    assert unfit("finance", BATCH_REGISTER, REIMBURSE_BATCH, [other]) == 1  # nothing left to reimburse


def test_the_batch_register_reads_counts_totals_and_state_from_its_claims(db, users, tmp_path):
    assert BATCH_REGISTER.can_open(users["finance_leader"]) and not BATCH_REGISTER.can_open(users["judge"])
    ids = _three(db, users)
    _send(db, users, ids)
    batch = _batch_of(db, ids[0])
    row = _row(db, users, batch.id)
    assert row["number"] == batch.number and row["sender"] == "孙丽"
    assert (row["claims"], row["total"], row["reimbursed"], row["waiting"], row["status"]) == \
        (3, 176050, 0, 3, "待财政局报销")
    with db.read() as s:
        assert batch.id in RegisterQuery(BATCH_REGISTER, filter_key="waiting").ids(s, users["finance"])
        lines = BATCH_LINES.load(s, batch.id)
    assert [(ln["applicant"], str(ln["amount"]), ln["status"]) for ln in lines] == [
        (users["enforcer"].name, "1036.00", "已报区财政局"), (users["judge"].name, "460.00", "已报区财政局"),
        (users["civil_clerk"].name, "264.50", "已报区财政局")]

    ClaimService(db).act(users["finance"], ids[1], "reimburse")
    row = _row(db, users, batch.id)
    assert (row["claims"], row["reimbursed"], row["waiting"], row["status"]) == (3, 1, 2, "部分已报销")

    BatchService(db).reimburse(users["finance"], batch.id)
    row = _row(db, users, batch.id)
    assert (row["claims"], row["total"], row["reimbursed"], row["waiting"], row["status"]) == \
        (3, 176050, 3, 0, "已全部报销")
    with db.read() as s:
        assert batch.id not in RegisterQuery(BATCH_REGISTER, filter_key="waiting").ids(s, users["finance"])
        assert batch.id in RegisterQuery(BATCH_REGISTER, filter_key="done").ids(s, users["finance"])
        path = tmp_path / "批次.xlsx"
        export_xlsx(s, users["finance"], RegisterQuery(BATCH_REGISTER, search=batch.number), path)
    book = load_workbook(path)
    header = [c.value for c in book.worksheets[0][3]]
    assert header[1:] == [c.label for c in BATCH_REGISTER.columns]
    first = [c.value for c in book.worksheets[0][4]]
    assert first[header.index("批次号")] == batch.number and first[header.index("状态")] == "已全部报销"
    sheet = book["报销单明细"]
    numbers = [r[4] for r in sheet.iter_rows(min_row=4, values_only=True) if r[4]]
    assert len(numbers) == 3


def test_the_demo_has_batches_of_several_claims_in_several_states(db, users):
    with db.read() as s:
        rows = RegisterQuery(BATCH_REGISTER).page(s, users["finance"], 0, 100)
    keys = [c.key for c in BATCH_REGISTER.columns]
    states = {r[1 + keys.index("status")] for r in rows}
    assert {"已全部报销", "部分已报销"} <= states
    assert max(r[1 + keys.index("claims")] for r in rows) >= 3
    assert any("被退回" in (r[1 + keys.index("remarks")] or "") for r in rows)


def test_send_and_reimburse_a_batch_on_any_database(any_db):
    users = load_users(any_db)
    ids = _three(any_db, users)
    _send(any_db, users, ids)
    batch = _batch_of(any_db, ids[0])
    ClaimService(any_db).act(users["finance"], ids[2], "bureau_return", "票据不全")
    assert _row(any_db, users, batch.id)["status"] == "待财政局报销"
    ClaimService(any_db).act(users["finance"], ids[0], "reimburse")
    row = _row(any_db, users, batch.id)
    assert (row["claims"], row["total"], row["reimbursed"], row["waiting"], row["status"]) == \
        (2, 149600, 1, 1, "部分已报销")
    assert BatchService(any_db).reimburse(users["finance"], batch.id) == 1
    row = _row(any_db, users, batch.id)
    assert (row["reimbursed"], row["waiting"], row["status"]) == (2, 0, "已全部报销")
    with pytest.raises(ValidationError, match="以下不可"):
        _send(any_db, users, ids)  # none is 已审核登记 but the returned one


def test_finance_is_reminded_of_registered_claims_waiting_for_a_batch(db, users):
    """我的待办 of the finance clerk counts the claims 已审核登记 and not yet sent, as the 待报送区财政局
    filter lists them; sending them clears the line."""
    from courtdesk.areas.finance.claims import _dashboard

    def waiting() -> tuple[int, int]:
        with db.read() as s:
            item = next(i for i in _dashboard(s, users["finance"]) if i.title == "待报送区财政局的报销单")
            listed = RegisterQuery(CLAIM_REGISTER, filter_key="to_batch").count(s, users["finance"])
        return item.count, listed

    count, listed = waiting()
    assert count == listed >= 1  # the demo's claim the bureau returned waits to be sent again
    with db.read() as s:
        ids = list(s.scalars(select(ExpenseClaim.id).where(ExpenseClaim.status == "registered")))
    ClaimService(db).send_batch(users["finance"], ids, sent_on=clock.today())
    assert waiting() == (0, 0)
