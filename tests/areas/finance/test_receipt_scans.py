"""票据扫描件: the scan of one original receipt, uploaded by the applicant before approval or by
finance until the claim is paid, shown as 已上传 on that receipt's row and opened from the claim's
attachments; checked by content, and by the receipt number."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.claims import CLAIM_RECEIPTS, CLAIM_REGISTER, CLAIM_WORKFLOW, ClaimService
from courtdesk.areas.finance.models import ExpenseClaim
from courtdesk.kernel import attachments, clock, forms
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import Attachment
from tests.areas.finance.helpers import travel_data
from tests.support.scans import tiny_png

pytestmark = pytest.mark.sqlite_only

PNG = tiny_png()
EXE = b"MZ\x90\x00" + b"\x00" * 200


def _scans(db, cid: int) -> list[str]:
    """The 扫描件 column of the claim's receipt rows, as the detail panel shows it."""
    with db.read() as s:
        rows, _total = forms.display_lines(CLAIM_RECEIPTS.field, CLAIM_RECEIPTS.load(s, cid))
    at = [c.label for c in CLAIM_RECEIPTS.columns].index("扫描件")
    return [row[at] for row in rows]


def _attachments(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Attachment))


def test_a_scan_uploaded_for_receipt_2_shows_on_that_row_only(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    assert _scans(db, cid) == ["—", "—", "—"]
    claim = service.act(users["enforcer"], cid, "upload_scan", receipt_no=2, scan=("火车票回程.png", PNG))
    assert claim.status == "draft"  # the claim stays where it was
    assert _scans(db, cid) == ["—", "已上传", "—"]
    with db.read() as s:
        kept = attachments.list_for(s, "finance_claim", cid)
        many = CLAIM_RECEIPTS.rows_of(s, [cid, cid + 10_000])  # the export reads many claims at once
    assert [(a.purpose, a.filename, a.mime) for a in kept] == [("票据扫描件·第2张", "火车票回程.png", "image/png")]
    assert [r["scan"] for r in many[cid]] == ["—", "已上传", "—"] and many[cid + 10_000] == []


def test_a_program_renamed_pdf_or_a_receipt_the_claim_lacks_is_refused(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    before = _attachments(db)
    with pytest.raises(ValidationError, match="只接受 PDF、JPG、PNG、TIFF") as refused:
        service.act(users["enforcer"], cid, "upload_scan", receipt_no=1, scan=("发票.pdf", EXE))
    assert refused.value.field == "扫描件"
    with pytest.raises(ValidationError, match="票据：所选的「4」不在可选范围内（可选：第1张 火车票") as refused:
        service.act(users["enforcer"], cid, "upload_scan", receipt_no=4, scan=("发票.png", PNG))
    assert refused.value.field == "票据"
    with pytest.raises(ValidationError) as refused:
        service.act(users["enforcer"], cid, "upload_scan", receipt_no=1)
    assert refused.value.field == "扫描件"
    assert _attachments(db) == before and _scans(db, cid) == ["—", "—", "—"]


def test_finance_uploads_until_paid_the_applicant_only_before_approval(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    service.act(users["enforcer"], cid, "submit")
    service.act(users["enforcer"], cid, "upload_scan", receipt_no=1, scan=("a.png", PNG))
    service.act(users["finance_leader"], cid, "approve", "同意")
    with pytest.raises(PermissionDenied):
        service.act(users["enforcer"], cid, "upload_scan", receipt_no=3, scan=("c.png", PNG))
    with pytest.raises(PermissionDenied):
        service.act(users["judge"], cid, "upload_scan", receipt_no=3, scan=("c.png", PNG))
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    service.act(users["finance"], cid, "reimburse", reimbursed_on=clock.today())
    service.act(users["finance"], cid, "upload_scan", receipt_no=3, scan=("c.png", PNG))
    assert _scans(db, cid) == ["已上传", "—", "已上传"]
    service.act(users["cashier"], cid, "pay", pay_method="转账")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        offered = {t.action for t in CLAIM_WORKFLOW.available(users["finance"], claim)}
    assert "upload_scan" not in offered
    with pytest.raises(DomainError, match="不能执行「上传票据扫描件」"):
        service.act(users["finance"], cid, "upload_scan", receipt_no=2, scan=("b.png", PNG))
    assert CLAIM_REGISTER.lines[1] is CLAIM_RECEIPTS


def test_a_scan_follows_its_receipt_when_an_edit_reorders_the_receipts(db, users):
    from courtdesk.areas.finance.claims import claim_values

    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    service.act(users["enforcer"], cid, "upload_scan", receipt_no=1, scan=("去程.png", PNG))
    service.act(users["enforcer"], cid, "upload_scan", receipt_no=2, scan=("回程.png", PNG))
    with db.read() as s:
        values = claim_values(s.get(ExpenseClaim, cid))
    numbers = [r["invoice_number"] for r in values["receipt_rows"]]
    values["receipt_rows"].reverse()  # the first receipt is now the third, and the third the first
    service.edit(users["enforcer"], cid, values, "按票据顺序重排")
    assert _scans(db, cid) == ["—", "已上传", "已上传"]
    with db.read() as s:
        kept = {a.filename: a.purpose for a in attachments.list_for(s, "finance_claim", cid)}
        after = [r["invoice_number"] for r in claim_values(s.get(ExpenseClaim, cid))["receipt_rows"]]
    assert after == numbers[::-1]
    assert kept == {"去程.png": "票据扫描件·第3张", "回程.png": "票据扫描件·第2张"}


def test_the_step_offers_the_claims_own_receipts_with_type_number_amount_and_date(db, users):
    """上传票据扫描件 asks which of the claim's receipts the scan is of (issue 16 §6): its options are
    read with the record, for the step's dialog, and the service checks against the same."""
    from courtdesk.kernel.forms import RECORD, context_options

    service = ClaimService(db)
    data = travel_data()
    cid = service.file(users["enforcer"], data).id
    service.act(users["enforcer"], cid, "upload_scan", receipt_no="3", scan=("住宿.png", PNG))  # as the form sends it
    numbers = [r["invoice_number"] for r in data["receipt_rows"]]
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        step = next(t for t in CLAIM_WORKFLOW.available(users["enforcer"], claim) if t.action == "upload_scan")
        offered = context_options(step.fields, s, users["enforcer"], {RECORD: claim})
        other = service.file(users["judge"], travel_data(kind="general", expense_lines=[
            {"category": "办公费", "description": "", "amount": "1.00"}], receipt_rows=[]))
        empty = context_options(step.fields, s, users["judge"], {RECORD: s.get(ExpenseClaim, other.id)})
    assert offered == {"receipt_no": [
        (1, f"第1张 火车票 {numbers[0]} ¥178.00 2026-11-24"),
        (2, f"第2张 火车票 {numbers[1]} ¥178.00 2026-11-26"),
        (3, f"第3张 住宿发票 {numbers[2]} ¥680.00 2026-11-26（已有扫描件）"),
    ]}
    assert empty == {"receipt_no": []}
    assert _scans(db, cid) == ["—", "—", "已上传"]

