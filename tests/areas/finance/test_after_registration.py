"""What happens to a claim after finance has registered it: the bureau returns it and finance sends it
back to the applicant to be corrected (its set-off against an advance taken back, a settled advance
open again); an applicant on the finance staff cannot handle the bureau's answer on their own claim;
an advance its claims already cover no longer blocks a new one (第14条) nor counts as overdue; the
cashier sees what to pay; a receipt replaced in an edit no longer shows the old receipt's scan."""

from __future__ import annotations

import datetime as dt

import pytest

from courtdesk.areas.finance import receipt_scans
from courtdesk.areas.finance.advances import ADVANCE_REGISTER, ADVANCE_WORKFLOW, AdvanceService
from courtdesk.areas.finance.claims import CLAIM_REGISTER, CLAIM_WORKFLOW, ClaimService, claim_values
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.areas.system import roles
from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError, PermissionDenied
from courtdesk.kernel.people import PeopleService
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.areas.finance.helpers import NOW, claim_against, general_data
from tests.areas.finance.test_advances import ESTIMATE, _paid
from tests.conftest import load_users
from tests.support.scans import tiny_pdf

pytestmark = pytest.mark.sqlite_only

PDF = tiny_pdf()


def _shown(db, user, spec, record_id: int) -> dict[str, str]:
    with db.read() as s:
        row = RegisterQuery(spec).one(s, user, record_id)
    return dict(zip([c.key for c in spec.columns], display_row(spec, row), strict=True))


def test_a_claim_the_bureau_returns_goes_back_to_its_applicant_and_the_advance_opens_again(db, users):
    aid = _paid(db, users, amount="460.00")
    cid = claim_against(db, users, aid, "460.00")  # settles the advance exactly: it closes
    with db.read() as s:
        assert s.get(Advance, aid).status == "closed"
    service = ClaimService(db)
    service.send_batch(users["finance"], [cid])
    service.act(users["finance"], cid, "bureau_return", "发票抬头不是本院")
    service.act(users["finance"], cid, "return", "请换开抬头为本院的发票后重新提交", reason="票据不合规")
    with db.read() as s:
        claim, advance = s.get(ExpenseClaim, cid), s.get(Advance, aid)
        assert claim.status == "rejected" and claim.checker_id is None and claim.payable_fen is None
        assert advance.status == "paid" and advance.set_off_fen == 0 and advance.closed_at is None
        assert "退回申请人，撤销冲抵 ¥460.00" in advance.remarks
        values = claim_values(claim)
    # the applicant corrects it and it goes the way again; the advance closes again on registration
    values["receipt_rows"][0]["invoice_number"] = "66600001"
    service.edit(users["judge"], cid, values, "换开发票")
    service.act(users["judge"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve")
    service.act(users["finance"], cid, "register")
    with db.read() as s:
        assert s.get(Advance, aid).status == "closed" and s.get(Advance, aid).set_off_fen == 46000


def test_reopening_an_advance_is_no_step_of_its_own(db, users):
    aid = _paid(db, users, amount="460.00")
    claim_against(db, users, aid, "460.00")
    with db.read() as s:
        advance = s.get(Advance, aid)
        assert "reopen" not in [t.action for t in ADVANCE_WORKFLOW.available(users["finance"], advance)]
    with pytest.raises(DomainError, match="「恢复未结清」在办理「报销单退回申请人」时自动进行"):
        AdvanceService(db).act(users["finance"], aid, "reopen")


def test_an_applicant_on_the_finance_staff_does_not_handle_the_bureaus_answer_on_their_own_claim(db, users):
    PeopleService(db).create_user(users["admin"], username="accountant2", name="周敏", password="Demo2026x",
                                  roles=[roles.FINANCE], department_id=users["finance"].department_id)
    users = load_users(db)
    service = ClaimService(db)
    cid = service.file(users["cashier"], general_data()).id
    service.act(users["cashier"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve")
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    for action in ("bureau_return", "reimburse"):
        with pytest.raises(PermissionDenied, match="不能审批或经办自己的报销单"):
            service.act(users["cashier"], cid, action, "退回" if action == "bureau_return" else "")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim.status == "batched"
        assert not {"bureau_return", "reimburse"} & {t.action for t in CLAIM_WORKFLOW.available(users["cashier"], claim)}
    service.act(users["finance"], cid, "reimburse")


def test_an_advance_its_claim_covers_no_longer_blocks_a_new_one_nor_is_overdue(db, users):
    aid = _paid(db, users, amount="500.00", on=NOW - dt.timedelta(days=60))
    cid = claim_against(db, users, aid, "800.00")  # 300.00 to pay the applicant after the bureau
    row = _shown(db, users["finance"], ADVANCE_REGISTER, aid)
    assert row["status"] == "已借出未结清" and row["outstanding"] == "¥0.00" and row["age"] == ""
    claim_row = _shown(db, users["cashier"], CLAIM_REGISTER, cid)
    assert claim_row["total"] == "¥800.00" and claim_row["payable"] == "¥300.00"  # what the cashier pays
    new = AdvanceService(db).file(users["judge"], {**ESTIMATE, "amount": "200.00"})  # 第14条 does not bar it
    assert new.status == "submitted"
    with pytest.raises(Exception, match="第14条"):  # but a third while that one waits
        AdvanceService(db).file(users["judge"], {**ESTIMATE, "amount": "100.00"})


def test_a_replaced_receipt_does_not_show_the_old_receipts_scan(db, users):
    service = ClaimService(db)
    data = general_data()
    data["expense_lines"][0]["amount"] = "460.00"
    cid = service.file(users["judge"], data).id
    service.act(users["judge"], cid, "upload_scan", receipt_no=1, scan=("发票.pdf", PDF))
    with db.read() as s:
        assert receipt_scans.scanned(s, [cid])[cid] == {1}
        values = claim_values(s.get(ExpenseClaim, cid))
    old_number = values["receipt_rows"][0]["invoice_number"]
    values["receipt_rows"][0]["invoice_number"] = "77700001"
    service.edit(users["judge"], cid, values, "换了一张发票")
    with db.read() as s:
        assert receipt_scans.scanned(s, [cid])[cid] == set()
        from courtdesk.kernel import attachments
        kept = [a.purpose for a in attachments.list_for(s, "finance_claim", cid)]
    assert kept == [f"原票据扫描件·{old_number}"]  # still kept with the claim, under the old number
    clock.set_now(NOW)
