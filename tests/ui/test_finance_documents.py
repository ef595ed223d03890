"""Every finance form printable from the app (issue 16 §1): a register declares any number of
documents, each offered in the detail panel where it applies to the record and the user may print
it; a selection of several records prints into one PDF where the kind allows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
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
    paid = page.model.rowCount()
    assert paid >= 2
    button = page.command_buttons["print:claim_payment_receipt"]
    page.table.selectAll()
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
