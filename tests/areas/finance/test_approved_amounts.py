"""核定金额 (issue 16 §2): finance records an approved amount per line beside the amount claimed; a
line above its travel standard defaults to the standard with the difference shown as 核减 and its
reason; the payable, the batch total and the monthly summary use the approved amounts. A leader's
written approval at 审批同意 keeps an over-standard amount. 住宿费 is checked night by night."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import select

from courtdesk.areas.finance import standards
from courtdesk.areas.finance.batches import BATCH_REGISTER
from courtdesk.areas.finance.claims import CLAIM_WORKFLOW, ClaimService
from courtdesk.areas.finance.models import Batch, ExpenseClaim, MonthTotal
from courtdesk.kernel import printing, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.areas.finance.helpers import general_data, travel_data
from tests.support.readback import pdf_page_texts, squash


def _over_data() -> dict[str, Any]:
    """Three travellers, 3 days (2 nights), 二类 (400 元/晚): lodging 2,500 against 2,400, meals 1,200
    against 900; total claimed 4,056."""
    data = travel_data(travellers="黄磊、张伟，李明")
    data["expense_lines"][1]["amount"] = "2500.00"
    data["receipt_rows"][2]["amount"] = "2500.00"
    data["expense_lines"].append({"category": "伙食补助费", "description": "按实际", "amount": "1200.00"})
    return data


def _approved(db, users, data: dict[str, Any], **approve: Any) -> int:
    service = ClaimService(db)
    cid = service.file(users["enforcer"], data).id
    service.act(users["enforcer"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve", "同意", **approve)
    return cid


def _prefill(db, cid: int) -> dict[str, Any]:
    register = next(t for t in CLAIM_WORKFLOW.transition("register"))
    assert register.prefill is not None
    with db.read() as s:
        return register.prefill(s, s.get(ExpenseClaim, cid))


def test_over_standard_lines_are_cut_to_the_standard_and_the_payable_follows(db, users):
    cid = _approved(db, users, _over_data())
    cuts = _prefill(db, cid)["cuts"]
    assert [(c["line_no"], str(c["approved"])) for c in cuts] == [(2, "2400.00"), (3, "900.00")]
    assert cuts[0]["reason"] == "超过住宿费标准（二类地区 2 晚 × 400 元 × 3 人）"
    ClaimService(db).act(users["finance"], cid, "register", cuts=cuts)
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim.total_fen == 405600  # what was claimed stays on the claim
        assert claim.approved_total_fen == claim.payable_fen == 365600
        assert [(ln.approved_fen, ln.cut_fen) for ln in claim.lines] == [(35600, 0), (240000, 10000), (90000, 30000)]
        assert claim.lines[1].cut_reason == cuts[0]["reason"]
        step = workflow.history(s, "finance_claim", cid)[-1]
    assert step.action == "register"
    assert step.comment.startswith("核减：第2行 住宿费 ¥2,500.00 核定为 ¥2,400.00（超过住宿费标准")
    assert "核定金额 ¥3,656.00" in step.comment


def test_the_leaders_written_approval_keeps_the_over_standard_amount(db, users):
    cid = _approved(db, users, _over_data(), over_standard="异地执行需就近入住法院协议酒店，经院务会研究同意")
    assert _prefill(db, cid) == {"cuts": []}  # nothing to cut: the leader approved the excess
    ClaimService(db).act(users["finance"], cid, "register")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim.approved_total_fen == claim.payable_fen == claim.total_fen == 405600
        assert claim.over_standard_approval == "异地执行需就近入住法院协议酒店，经院务会研究同意"
        approve = [st for st in workflow.history(s, "finance_claim", cid) if st.action == "approve"][-1]
    assert approve.comment == "同意超标准报销：异地执行需就近入住法院协议酒店，经院务会研究同意；同意"


def test_a_written_approval_on_a_claim_within_the_standards_is_refused(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    service.act(users["enforcer"], cid, "submit")
    with pytest.raises(ValidationError, match="同意超标准报销：本单没有超过差旅费标准的项目") as refused:
        service.act(users["finance_leader"], cid, "approve", over_standard="同意")
    assert refused.value.field == "同意超标准报销"
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).status == "submitted"


def test_every_wrong_cut_is_refused_at_once_naming_its_row(db, users):
    cid = _approved(db, users, general_data("460.00"))
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance"], cid, "register", cuts=[
            {"line_no": 1, "approved": "500.00", "reason": "多了"},
            {"line_no": 4, "approved": "1.00", "reason": "无此行"},
        ])
    text = str(refused.value)
    assert "核减第1行 核定金额：应在 ¥0.00 至报销金额 ¥460.00 之间" in text
    assert "核减第2行 明细行号：本单没有第4行费用明细" in text
    with pytest.raises(ValidationError, match="核减第1行 核减理由：核减须写明理由"):
        ClaimService(db).act(users["finance"], cid, "register", cuts=[{"line_no": 1, "approved": "400.00", "reason": ""}])
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).status == "approved"
    # a general claim cut by finance for its own reason
    ClaimService(db).act(users["finance"], cid, "register", cuts=[{"line_no": 1, "approved": "400.00",
                                                                     "reason": "硒鼓按政府采购价核定"}])
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).payable_fen == 40000


def test_the_batch_and_the_monthly_summary_use_the_approved_amounts(db, users):
    cid = _approved(db, users, _over_data())
    service = ClaimService(db)
    service.act(users["finance"], cid, "register", cuts=_prefill(db, cid)["cuts"])
    service.send_batch(users["finance"], [cid])
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        batch = s.get(Batch, claim.batch_id)
        keys = [c.key for c in BATCH_REGISTER.columns]
        row = display_row(BATCH_REGISTER, RegisterQuery(BATCH_REGISTER).one(s, users["finance"], batch.id))
        assert row[keys.index("total")] == "¥3,656.00"

    def lodging() -> int:
        with db.read() as s:
            rows = s.scalars(select(MonthTotal).where(MonthTotal.category == "住宿费",
                                                      MonthTotal.month == "2026-12")).all()
            return sum(r.amount_fen for r in rows)
    before = lodging()
    service.act(users["finance"], cid, "reimburse", reimbursed_on=dt.date(2026, 12, 1))
    assert lodging() - before == 240000  # the approved 2,400, not the 2,500 claimed


def test_lodging_is_checked_night_by_night(db, users):
    """300 + 480 in a 400-元 city over two nights: the 480 night is above the cap, the 300 night is
    not (the total 780 is below 800, which let it through before)."""
    data = travel_data()  # one traveller, 3 days, 2 nights, 二类 (400)
    data["expense_lines"][1:2] = [{"category": "住宿费", "description": "第一晚", "amount": "300.00"},
                                  {"category": "住宿费", "description": "第二晚", "amount": "480.00"}]
    data["receipt_rows"][2:3] = [
        {**data["receipt_rows"][2], "amount": "300.00", "line_no": 2},
        {**data["receipt_rows"][2], "invoice_number": "90009901", "amount": "480.00", "line_no": 3}]
    cid = _approved(db, users, data)
    with db.read() as s:
        assert standards.over_standard(s, s.get(ExpenseClaim, cid)) == [
            "费用明细第3行（住宿费）：480.00 元，超过标准 400.00 元（二类地区 1 晚 × 400 元）"]
    assert [(c["line_no"], str(c["approved"])) for c in _prefill(db, cid)["cuts"]] == [(3, "400.00")]
    ClaimService(db).act(users["finance"], cid, "register", cuts=_prefill(db, cid)["cuts"])
    pdf = io.BytesIO()
    with db.read() as s:
        render_pdf(printing.kind("expense_claim").build(s, cid), pdf)
    printed = squash("".join(pdf_page_texts(io.BytesIO(pdf.getvalue()))))
    # each night printed as one night at the cap, the second cut to it with its reason
    assert "第一晚1晚400元/人·晚1¥300.00¥300.00" in printed
    assert "第二晚1晚400元/人·晚1¥480.00¥400.00" in printed
    assert "核减：第3行住宿费申报¥480.00，核定¥400.00，核减¥80.00" in printed


def test_nights_stated_on_the_lines_are_checked_against_the_trip(db, users):
    data = travel_data()
    data["expense_lines"][1]["days"] = 3  # 3 nights on a 2-night trip
    cid = ClaimService(db).file(users["enforcer"], data).id
    with db.read() as s:
        flags = standards.over_standard(s, s.get(ExpenseClaim, cid))
    assert flags[0] == "费用明细第2行（住宿费）：共 3 人·晚，超过本次出差的 2 人·晚（2 晚 × 1 人）"


def test_a_claim_returned_after_registration_loses_its_approved_amounts(db, users):
    cid = _approved(db, users, _over_data())
    service = ClaimService(db)
    service.act(users["finance"], cid, "register", cuts=_prefill(db, cid)["cuts"])
    service.act(users["finance"], cid, "return", "请补充说明", reason="其他")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert (claim.status, claim.approved_total_fen, claim.payable_fen) == ("rejected", None, None)
        assert all(ln.approved_fen is None and ln.cut_reason == "" for ln in claim.lines)
