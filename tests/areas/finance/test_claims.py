"""Expense claims: the flow of 第5条, the finance checks of 第6条/第8–9条, separation of duties,
bad amounts — every refusal names its field or line and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.claims import CLAIM_REGISTER, ClaimService
from courtdesk.areas.finance.models import ExpenseClaim, ExpenseReceipt
from courtdesk.kernel import workflow
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.registers import RegisterQuery
from tests.areas.finance.helpers import general_data, invoice, travel_data
from tests.conftest import load_users


def _rows(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(ExpenseClaim)),
                s.scalar(select(func.count()).select_from(ExpenseReceipt)))


def _submitted(db, users, data=None, who="enforcer") -> int:
    service = ClaimService(db)
    cid = service.file(users[who], data or travel_data()).id
    service.act(users[who], cid, "submit")
    return cid


def test_travel_claim_goes_the_whole_way_on_any_database(any_db):
    users = load_users(any_db)
    service = ClaimService(any_db)
    claim = service.file(users["enforcer"], travel_data())
    assert claim.status == "draft" and claim.number.startswith("(2026)报")
    assert claim.total_fen == 103600 and claim.receipt_count == 3
    cid = claim.id
    service.act(users["enforcer"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve", "同意")
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    service.act(users["finance"], cid, "reimburse")
    service.act(users["cashier"], cid, "pay", pay_method="转账")
    done = service.act(users["enforcer"], cid, "sign")
    assert done.status == "signed"
    with any_db.read() as s:
        steps = [step.action for step in workflow.history(s, "finance_claim", cid)]
        row = RegisterQuery(CLAIM_REGISTER).one(s, users["finance"], cid)
    assert steps == ["submit", "approve", "register", "batch", "reimburse", "pay", "sign"]
    assert row is not None and "差旅费报销单" in row


def test_rejected_claim_is_corrected_and_resubmitted_with_its_history(db, users):
    service = ClaimService(db)
    cid = _submitted(db, users, general_data())
    with pytest.raises(ValidationError, match="意见：退回原因选「其他」时须写明具体原因"):
        service.act(users["finance_leader"], cid, "reject", reason="其他")
    service.act(users["finance_leader"], cid, "reject", "发票抬头不对", reason="票据不合规")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert (claim.status, claim.reject_reason, claim.reject_text) == ("rejected", "票据不合规", "发票抬头不对")
    fixed = general_data("480.00")
    service.edit(users["enforcer"], cid, fixed, "换开发票")
    service.act(users["enforcer"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve")
    with db.read() as s:
        steps = [(step.action, step.comment) for step in workflow.history(s, "finance_claim", cid)]
        assert s.get(ExpenseClaim, cid).total_fen == 48000
    assert steps == [("submit", ""), ("reject", "发票抬头不对"), ("submit", ""), ("approve", "")]


def test_line_without_receipt_is_named_and_approval_refused(db, users):
    data = travel_data()
    data["receipt_rows"] = [r for r in data["receipt_rows"] if r["line_no"] == 1]
    cid = _submitted(db, users, data)
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance_leader"], cid, "approve")
    assert refused.value.field == "费用明细第2行"
    assert "住宿费 ¥680.00 没有对应的原始票据" in str(refused.value)
    assert "《办公室财务管理办法》第6条" in str(refused.value)
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).status == "submitted"


def test_receipt_total_not_matching_the_line_is_named(db, users):
    data = travel_data()
    data["receipt_rows"][1]["amount"] = "170.00"
    cid = _submitted(db, users, data)
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance_leader"], cid, "approve")
    assert refused.value.field == "费用明细第1行 金额"
    assert "票据金额合计 ¥348.00 与申报金额 ¥356.00 不符" in str(refused.value)
    assert "第9条(8)" in str(refused.value)


def test_receipt_attached_to_no_line_is_named(db, users):
    data = travel_data()
    data["receipt_rows"].append({"receipt_type": "出租车票", "invoice_number": invoice(),
                                 "issued_on": dt.date(2026, 11, 25), "amount": "32.00", "line_no": None})
    cid = _submitted(db, users, data)
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance_leader"], cid, "approve")
    assert refused.value.field == "原始票据第4行 对应明细行"
    assert "未对应任何费用明细" in str(refused.value) and "第9条(7)" in str(refused.value)


def test_invoice_used_on_another_claim_of_another_year_is_refused(db, users):
    service = ClaimService(db)
    with db.read() as s:  # a receipt of a demo claim filed in the spring
        used = s.scalars(select(ExpenseReceipt).order_by(ExpenseReceipt.id).limit(1)).one()
        used_number, used_claim = used.invoice_number, s.get(ExpenseClaim, used.claim_id).number
    data = general_data()
    data["receipt_rows"][0]["invoice_number"] = used_number
    cid = _submitted(db, users, data, who="judge")
    with pytest.raises(ValidationError) as refused:
        service.act(users["finance_leader"], cid, "approve")
    assert refused.value.field == "原始票据第1行 票据号码"
    assert f"已登记在报销单 {used_claim} 中" in str(refused.value)


def test_every_problem_is_reported_at_once(db, users):
    data = travel_data()
    data["receipt_rows"] = [data["receipt_rows"][0]]  # line 1 short, line 2 bare
    cid = _submitted(db, users, data)
    findings = ClaimService(db).problems(users["finance"], cid)
    assert len(findings) == 2
    assert findings[0].startswith("费用明细第1行 金额") and findings[1].startswith("费用明细第2行")


def test_the_same_invoice_twice_on_one_claim_is_refused_on_saving(db, users):
    data = travel_data()
    data["receipt_rows"][1]["invoice_number"] = data["receipt_rows"][0]["invoice_number"]
    before = _rows(db)
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["enforcer"], data)
    assert refused.value.field == "原始票据第2行 票据号码" and "与第1行是同一张票据" in str(refused.value)
    assert _rows(db) == before


@pytest.mark.parametrize(("amount", "message"), [
    ("-10.00", "费用明细第1行 金额：不能为负数"),
    ("0", "费用明细第1行 金额：必须大于零"),
    ("12.345", "费用明细第1行 金额：最多保留两位小数（分）"),
])
def test_bad_amounts_are_refused_naming_the_line(db, users, amount, message):
    before = _rows(db)
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["enforcer"], general_data(amount))
    assert message in str(refused.value)
    assert _rows(db) == before


def test_trip_dates_out_of_order_and_future_receipts_are_refused(db, users):
    service = ClaimService(db)
    with pytest.raises(ValidationError, match="返回日期：不能早于出发日期"):
        service.file(users["enforcer"], travel_data(trip_end=dt.date(2026, 11, 20)))
    data = travel_data()
    data["receipt_rows"][2]["issued_on"] = dt.date(2026, 12, 5)
    with pytest.raises(ValidationError) as refused:
        service.file(users["enforcer"], data)
    assert refused.value.field == "原始票据第3行 开票日期"
    with pytest.raises(ValidationError, match="出差人：差旅费报销单必填"):
        service.file(users["enforcer"], travel_data(travellers=""))
    with pytest.raises(ValidationError, match="费用明细第1行 费用类别：所选的「办公费」不在可选范围内（可选：城市间交通费、"):
        data = travel_data()
        data["expense_lines"][0]["category"] = "办公费"
        service.file(users["enforcer"], data)


def test_applicant_approver_checker_and_payer_are_four_people(db, users):
    service = ClaimService(db)
    # the finance leader's own claim cannot be approved by herself
    own = _submitted(db, users, general_data(), who="finance_leader")
    with pytest.raises(PermissionDenied, match="不能审批或经办自己的报销单"):
        service.act(users["finance_leader"], own, "approve")
    cid = _submitted(db, users)
    with pytest.raises(PermissionDenied, match="只有主管财务工作院领导（其本人的报销单由院长）可以执行「审批同意」"):
        service.act(users["finance"], cid, "approve")
    service.act(users["finance_leader"], cid, "approve")
    with pytest.raises(PermissionDenied, match="只有财务人员可以执行「审核登记」"):
        service.act(users["finance_leader"], cid, "register")
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    with pytest.raises(DomainError, match="当前状态为「已报区财政局」，不能执行「支付」"):
        service.act(users["cashier"], cid, "pay")  # payout before the bureau reimbursed
    service.act(users["finance"], cid, "reimburse")
    with pytest.raises(PermissionDenied, match="审核登记人不能同时支付同一报销单"):
        service.act(users["finance"], cid, "pay")
    service.act(users["cashier"], cid, "pay")
    with pytest.raises(PermissionDenied, match="只有申请人本人可以执行「签收确认」"):
        service.act(users["judge"], cid, "sign")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        people = {claim.applicant_id, claim.approver_id, claim.checker_id, claim.payer_id}
    assert len(people) == 4


def test_finance_returns_a_claim_and_the_bureau_refuses_one(db, users):
    service = ClaimService(db)
    cid = _submitted(db, users)
    service.act(users["finance_leader"], cid, "approve")
    service.act(users["finance"], cid, "return", "缺少出差审批单", reason="缺少审批")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim.status == "rejected" and claim.approver_id is None
    service.act(users["enforcer"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve")
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    with pytest.raises(ValidationError, match="意见"):
        service.act(users["finance"], cid, "bureau_return")
    claim = service.act(users["finance"], cid, "bureau_return", "住宿超标准")
    assert claim.status == "registered" and claim.bureau_return == "住宿超标准" and claim.sent_on is None


def test_registers_show_claims_by_state(db, users):
    with db.read() as s:
        for state in ("submitted", "rejected", "approved", "registered", "batched", "reimbursed",
                      "paid", "signed"):
            count = RegisterQuery(CLAIM_REGISTER, filter_key=f"state_{state}").count(s, users["finance"])
            assert count >= 1, state
        # A draft is its applicant's own until submitted (test_scope.py): finance does not list it.
        assert RegisterQuery(CLAIM_REGISTER, filter_key="state_draft").count(s, users["finance"]) == 0
        assert RegisterQuery(CLAIM_REGISTER, filter_key="state_draft").count(s, users["enforcer"]) >= 1
        mine = RegisterQuery(CLAIM_REGISTER).count(s, users["civil_clerk"])
        assert 0 < mine < RegisterQuery(CLAIM_REGISTER).count(s, users["finance"])
        to_approve = RegisterQuery(CLAIM_REGISTER, filter_key="to_approve").count(s, users["finance_leader"])
    assert to_approve >= 1


def test_editing_a_draft_replaces_its_lines_and_receipts(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    service.edit(users["enforcer"], cid, general_data("88.00"), "改为支出报销单")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert (claim.kind, claim.total_fen, len(claim.lines), len(claim.receipts)) == ("general", 8800, 1, 1)
    with pytest.raises(PermissionDenied, match="只有申请人本人可以修改本记录"):
        service.edit(users["judge"], cid, general_data("90.00"), "代改")
    service.edit(users["enforcer"], cid, travel_data(), "仍按差旅费报销")
    with db.read() as s:
        assert len(s.get(ExpenseClaim, cid).receipts) == 3


def test_in_a_finance_office_of_two_the_checker_also_pays_a_colleagues_own_claim(db, users, tmp_path):
    """孙丽 files a claim and only 钱红 is left in finance: 钱红 checks it and, nobody else being left,
    pays it too — never 孙丽 — and the form prints both roles under her name. With a third finance
    person the checker may not pay; the third does (four people, 第5条)."""
    from courtdesk.areas.finance.claims import CLAIM_WORKFLOW
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    service = ClaimService(db)
    cid = _submitted(db, users, general_data(), who="finance")
    service.act(users["finance_leader"], cid, "approve", "同意")
    with pytest.raises(PermissionDenied):  # never the applicant
        service.act(users["finance"], cid, "register")
    service.act(users["cashier"], cid, "register")
    service.send_batch(users["cashier"], [cid], sent_on=dt.date(2026, 12, 1))
    service.act(users["cashier"], cid, "reimburse")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert "pay" in [t.action for t in CLAIM_WORKFLOW.available(users["cashier"], claim)]
        assert "pay" not in [t.action for t in CLAIM_WORKFLOW.available(users["finance"], claim)]
        assert RegisterQuery(CLAIM_REGISTER, filter_key="to_pay").one(s, users["cashier"], cid) is not None
    with pytest.raises(PermissionDenied):
        service.act(users["finance"], cid, "pay", pay_method="转账")
    paid = service.act(users["cashier"], cid, "pay", pay_method="转账")
    assert paid.payer_id == paid.checker_id == users["cashier"].id
    with db.read() as s:
        render_pdf(printing.kind("expense_claim").build(s, cid), tmp_path / "claim.pdf")
    printed = squash("".join(pdf_page_texts(tmp_path / "claim.pdf")))
    assert squash("财务审核（审核登记）钱红") in printed and squash("出纳（支付，转账）钱红（审核人兼）") in printed


def test_with_a_third_finance_person_the_checker_does_not_pay(db, users):
    from courtdesk.areas.system import roles
    from courtdesk.kernel.people import PeopleService

    service = ClaimService(db)
    cid = _submitted(db, users, general_data(), who="finance")
    service.act(users["finance_leader"], cid, "approve", "同意")
    third = PeopleService(db).create_user(
        users["admin"], username="accountant2", name="周敏", password="Demo2026x", roles=[roles.FINANCE],
        department_id=users["finance"].department_id)
    users = load_users(db)
    service.act(users["cashier"], cid, "register")
    service.send_batch(users["cashier"], [cid], sent_on=dt.date(2026, 12, 1))
    service.act(users["cashier"], cid, "reimburse")
    with pytest.raises(PermissionDenied):
        service.act(users["cashier"], cid, "pay", pay_method="转账")
    assert service.act(users["accountant2"], cid, "pay", pay_method="转账").payer_id == third.id


def test_a_receipt_dated_outside_the_trip_is_a_finding_at_its_date(db, users):
    data = travel_data()
    data["receipt_rows"][2]["issued_on"] = dt.date(2025, 6, 26)  # the hotel, 17 months before the trip
    data["receipt_rows"][0]["issued_on"] = dt.date(2026, 11, 23)  # a train ticket bought the day before
    cid = _submitted(db, users, data)
    findings = ClaimService(db).problems(users["finance"], cid)
    assert findings == ["原始票据第3行 开票日期：票据 " + data["receipt_rows"][2]["invoice_number"]
                        + " 开具于 2025-06-26，不在出差期间 2026-11-24 至 2026-11-26 内（依据《办公室财务管理办法》第8条）"]
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance_leader"], cid, "approve")
    assert refused.value.field == "原始票据第3行 开票日期"


def test_a_ticket_two_days_before_the_trip_is_a_finding(db, users):
    data = travel_data()
    data["receipt_rows"][0]["issued_on"] = dt.date(2026, 11, 22)
    findings = ClaimService(db).problems(users["finance"], _submitted(db, users, data))
    assert len(findings) == 1 and "（交通票据可早一天或晚一天）" in findings[0]


def test_a_claim_above_the_ceiling_is_refused_at_the_field_and_the_ceiling_is_a_setting(db, users):
    from courtdesk.areas.finance.settings import CLAIM_CEILING
    from courtdesk.kernel.settings import SettingsService

    service = ClaimService(db)
    before = _rows(db)
    huge = general_data("999999999999.99")
    with pytest.raises(ValidationError) as refused:
        service.file(users["judge"], huge)
    fields = [refused.value.field, *(e.field for e in refused.value.also)]
    assert fields == ["费用明细第1行 金额", "原始票据第1行 金额"]
    assert "超过单张报销单金额上限 ¥1,000,000.00" in str(refused.value)
    two = general_data("600000.00", expense_lines=[
        {"category": "办公费", "description": "设备", "amount": "600000.00"},
        {"category": "办公费", "description": "设备", "amount": "600000.00"}],
        receipt_rows=[{"receipt_type": "增值税专用发票", "invoice_number": f"{n:08d}", "issued_on": dt.date(2026, 11, 28),
                       "amount": "600000.00", "line_no": n} for n in (1, 2)])
    with pytest.raises(ValidationError) as refused:
        service.file(users["judge"], two)
    assert refused.value.field == "费用明细" and "合计 ¥1,200,000.00 超过单张报销单金额上限" in str(refused.value)
    assert _rows(db) == before  # nothing half-written
    SettingsService(db).save(users["admin"], {CLAIM_CEILING: "2000000"})
    assert service.file(users["judge"], two).total_fen == 120_000_000
