"""Every finance form printable from the app (issue 16 §1): a register declares any number of
documents, each offered in the detail panel where it applies to the record and the user may print
it; a selection of several records prints into one PDF where the kind allows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from tests.support.readback import pdf_page_texts, squash
from tests.ui.conftest import click_record, idle, login, wait_ops, wait_table

pytestmark = pytest.mark.ui

CLAIM_FORMS = ["expense_claim", "receipt_paste_sheet"]


def _claims_by_status(page) -> dict[str, list[int]]:
    status = [c.key for c in page.spec.columns].index("status")
    found: dict[str, list[int]] = {}
    for row in range(page.model.rowCount()):
        found.setdefault(page.model.row_values(row)[status], []).append(page.model.record_id(row))
    return found


def _preview(qtbot, page, kind: str) -> list[str]:
    """Click 预览/打印 of ``kind``; the preview's pages as text (read back from the PDF it shows)."""
    page.detail.preview = None
    qtbot.mouseClick(page.detail.document_buttons[kind][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    preview = page.detail.preview
    assert preview.print_button.isVisible()
    texts = [squash(t) for t in pdf_page_texts(preview.path)]
    preview.accept()
    return texts


def test_finance_prints_the_claim_form_and_paste_sheet_from_the_detail_panel(qtbot, desk):
    window = login(qtbot, desk, "finance")
    page = window.open_register("finance_claim")
    wait_table(qtbot, page)
    by_status = _claims_by_status(page)
    registered = by_status["已审核登记"][0]
    click_record(qtbot, page, registered)
    number = page.detail.heading.text()
    assert page.detail.documents == CLAIM_FORMS  # not paid yet: no 领款签收单
    claim_form = _preview(qtbot, page, "expense_claim")
    assert "报销单" in claim_form[0] and squash(number) in "".join(claim_form)
    paste = _preview(qtbot, page, "receipt_paste_sheet")
    assert "粘贴单" in paste[0]
    idle(qtbot)


def test_the_cashier_prints_a_payment_receipt_only_for_a_paid_claim(qtbot, desk):
    window = login(qtbot, desk, "cashier")
    page = window.open_register("finance_claim")
    wait_table(qtbot, page)
    by_status = _claims_by_status(page)
    paid = (by_status.get("已支付待签收") or by_status["已签收"])[0]
    click_record(qtbot, page, paid)
    assert page.detail.documents == [*CLAIM_FORMS, "claim_payment_receipt"]
    receipt = _preview(qtbot, page, "claim_payment_receipt")
    assert "领款签收单" in receipt[0]
    click_record(qtbot, page, by_status["已报区财政局"][0])  # not paid: the button is gone
    assert "claim_payment_receipt" not in page.detail.documents
    assert page.detail.documents == CLAIM_FORMS
    idle(qtbot)


def test_the_applicant_is_not_offered_the_cashiers_receipt_and_a_draft_prints_nothing(qtbot, desk):
    window = login(qtbot, desk, "judge")
    page = window.open_register("finance_claim")
    wait_table(qtbot, page)
    by_status = _claims_by_status(page)
    signed = by_status["已签收"][0]
    click_record(qtbot, page, signed)
    assert page.detail.documents == CLAIM_FORMS  # 领款签收单 is the finance office's paper
    assert "print:claim_payment_receipt" not in page.command_buttons
    returned = by_status["已退回待修改"][0]
    click_record(qtbot, page, returned)
    assert page.detail.documents == CLAIM_FORMS
    idle(qtbot)


def test_a_selection_of_paid_claims_prints_their_payment_receipts_in_one_pdf(qtbot, desk):
    window = login(qtbot, desk, "cashier")
    page = window.open_register("finance_claim", "state_signed")
    wait_table(qtbot, page)
    payable = [c.key for c in page.spec.columns].index("payable")
    rows = [r for r in range(page.model.rowCount()) if page.model.row_values(r)[payable] != "¥0.00"]
    paid = len(rows)  # a claim its advance covered in full (¥0.00) has no 领款签收单
    assert paid >= 2 and paid < page.model.rowCount()
    button = page.command_buttons["print:claim_payment_receipt"]
    chosen = QItemSelection()
    for r in rows:
        chosen.select(page.model.index(r, 0), page.model.index(r, 0))
    page.table.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                       | QItemSelectionModel.SelectionFlag.Rows)
    idle(qtbot)  # the selection is checked against the command in a worker
    qtbot.waitUntil(button.isEnabled, timeout=15000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=30000)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    assert page.last_result.message == f"已生成领款签收单 {paid} 份"
    qtbot.waitUntil(lambda: getattr(page, "preview", None) is not None and page.preview.isVisible(), timeout=20000)
    texts = pdf_page_texts(page.preview.path)
    assert sum("领款签收单" in squash(t) for t in texts) == paid
    page.preview.accept()
    # a claim not yet paid in the selection: the command does not fit it
    page.set_filter(None)
    wait_table(qtbot, page)
    page.table.selectAll()
    idle(qtbot)
    qtbot.waitUntil(lambda: "不能" in button.toolTip(), timeout=15000)
    assert not button.isEnabled()
    idle(qtbot)


def test_the_approver_sees_what_the_decision_rests_on_in_the_panel_and_the_dialog(qtbot, desk):
    """Issue 16 §6: a claim's trip and an advance's 预算理由 were not shown to whoever decides."""
    import datetime as dt

    from courtdesk.areas.finance.advances import AdvanceService
    from courtdesk.areas.finance.claims import ClaimService
    from courtdesk.kernel import clock
    from tests.areas.finance.helpers import travel_data
    from tests.conftest import load_users

    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    users = load_users(desk)
    claims = ClaimService(desk)
    claim = claims.file(users["enforcer"], travel_data(traveller_ids=[users["enforcer"].id], travellers="张伟"))
    claims.act(users["enforcer"], claim.id, "submit")
    advance = AdvanceService(desk).file(users["judge"], {
        "purpose": "赴保定送达", "reasons": "往返车费 2×60 元、住宿 1 晚×300 元", "amount": "420.00",
        "trip_start": dt.date(2026, 12, 14), "trip_end": dt.date(2026, 12, 15)})
    window = login(qtbot, desk, "finance_leader")
    page = window.open_register("finance_claim", "to_approve")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim.id)
    facts = dict(page.detail.details.facts)
    assert facts["出差人"] == "黄磊、张伟（2 人）"
    assert facts["出差日期"] == "2026-11-24 至 2026-11-26（3 天）"
    assert (facts["出差地点"], facts["交通工具"]) == ("石家庄", "火车")
    assert facts["住宿标准地区类别"].startswith("二类")
    assert page.detail.facts_box.isVisible()
    qtbot.mouseClick(page.detail.action_buttons["审批同意"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    intro = " ".join(label.text() for label in dialog.findChildren(type(page.detail.heading)))
    assert "出差人：黄磊、张伟（2 人）" in intro and "出差日期：2026-11-24 至 2026-11-26（3 天）" in intro
    dialog.reject()
    advances = window.open_register("finance_advance", "to_approve")
    wait_table(qtbot, advances)
    click_record(qtbot, advances, advance.id)
    assert dict(advances.detail.details.facts) == {"预算理由": "往返车费 2×60 元、住宿 1 晚×300 元",
                                                   "出差日期": "2026-12-14 至 2026-12-15"}
    idle(qtbot)
