"""Finance end to end through real widgets (issue #10): an officer takes an advance for a trip, a second
advance is refused naming the open one (第14条); the finance leader approves and the cashier pays it; back
from the trip the officer files a 差旅费报销单 set against the advance (allowances computed by the
travel standards, receipts for the rest); the leader approves, the finance clerk checks and registers it,
sends it to the district finance bureau in a batch and records the bureau's reimbursement for the whole
batch; the cashier pays the difference beyond the advance, the officer signs for the money from 我的待办,
and the advance closes. Four different people take the steps.

Set COURTDESK_SHOTS=<folder> to save screenshots of the screens along the way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QDialog, QPushButton
from sqlalchemy import func, select

from courtdesk.areas.finance.models import Advance, Batch, ExpenseClaim
from courtdesk.kernel import clock
from tests.support.scans import tiny_pdf
from tests.ui.conftest import click_record, fill_cell, idle, login, type_text, wait_ops, wait_table
from tests.ui.test_enforcement_flow import choose, shot
from tests.ui.test_letters_flow import act, wait_detail

pytestmark = pytest.mark.ui

OFFICER = "judge"
FILED = dt.datetime(2026, 12, 1, 9, 0)
TRIP = (dt.date(2026, 12, 2), dt.date(2026, 12, 4))  # 3 days, 2 nights
BACK = dt.datetime(2026, 12, 7, 9, 0)


def count(db, model) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def _cell_editor(qtbot: Any, lines: Any, row: int, key: str, kind: type) -> Any:
    column = next(i for i, c in enumerate(lines.field.columns) if c.key == key)
    index = lines.table.model().index(row, column)
    lines.table.scrollTo(index)
    qtbot.mouseDClick(lines.table.viewport(), Qt.MouseButton.LeftButton, pos=lines.table.visualRect(index).center())
    editor = QApplication.focusWidget()
    if not isinstance(editor, kind):
        editor = next(e for e in lines.table.viewport().findChildren(kind) if e.isVisible())
    return editor, column


def choose_cell(qtbot: Any, lines: Any, row: int, key: str, text: str) -> None:
    """Pick ``text`` in a choice cell of a lines table (double-click opens the drop-down editor)."""
    combo, column = _cell_editor(qtbot, lines, row, key, QComboBox)
    combo.setCurrentIndex(combo.findText(text))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines.table.item(row, column).text() == text, timeout=3000)


def date_cell(qtbot: Any, lines: Any, row: int, key: str, day: dt.date) -> None:
    editor, column = _cell_editor(qtbot, lines, row, key, QDateEdit)
    editor.setDate(QDate(day.year, day.month, day.day))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines.table.item(row, column).text() == f"{day:%Y-%m-%d}", timeout=3000)


def fill_advance(form: Any) -> None:
    type_text(form.widget("purpose"), "赴石家庄执行查控")
    form.widget("amount").setText("1500")
    type_text(form.widget("reasons"), "往返火车票约 360 元，住宿 2 晚约 760 元，补助约 380 元")
    form.set_value("trip_start", TRIP[0])
    form.set_value("trip_end", TRIP[1])


def test_advance_trip_claim_batch_payout_signoff_and_the_advance_closes(qtbot, desk, users, tmp_path):
    clock.set_now(FILED)
    officer_name = users[OFFICER].name

    # --- the officer asks for an advance; a second one is refused naming the first (第14条) ----------
    officer = login(qtbot, desk, OFFICER)
    officer.resize(1366, 768)
    advances = officer.open_register("finance_advance")
    wait_table(qtbot, advances)
    qtbot.mouseClick(advances.new_button, Qt.MouseButton.LeftButton)
    form = advances.active_dialog
    fill_advance(form)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    advance_id = form.result_value.id
    with desk.read() as s:
        advance_number = s.get(Advance, advance_id).number

    before = count(desk, Advance)
    qtbot.mouseClick(advances.new_button, Qt.MouseButton.LeftButton)
    second = advances.active_dialog
    fill_advance(second)
    qtbot.mouseClick(second.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert second.isVisible()
    refusal = "\n".join(second.all_errors())
    assert advance_number in refusal and "¥1,500.00" in refusal and "第14条" in refusal, refusal
    shot(second, "f1_second_advance_refused")
    assert count(desk, Advance) == before
    second.reject()

    # --- the finance leader approves, the cashier pays it out ---------------------------------------
    leader = login(qtbot, desk, "finance_leader")
    page = leader.open_register("finance_advance", "to_approve")
    wait_table(qtbot, page)
    click_record(qtbot, page, advance_id)
    act(qtbot, page, "批准")
    wait_detail(qtbot, page, "已批准待付款")

    cashier = login(qtbot, desk, "cashier")
    page = cashier.open_register("finance_advance", "to_pay")
    wait_table(qtbot, page)
    click_record(qtbot, page, advance_id)
    act(qtbot, page, "付款", lambda d: d.set_value("paid_on", FILED.date()))
    wait_detail(qtbot, page, "已借出未结清")

    # --- back from the trip: a travel claim set against the advance ----------------------------------
    clock.set_now(BACK)
    claims = officer.open_register("finance_claim")
    wait_table(qtbot, claims)
    qtbot.mouseClick(claims.new_button, Qt.MouseButton.LeftButton)
    form = claims.active_dialog
    choose(form.widget("kind"), "差旅费报销单")
    type_text(form.widget("purpose"), "赴石家庄执行查控")
    people = form.widget("traveller_ids")  # 本院出差人: the officer ticks himself, once
    type_text(people.filter, officer_name)
    qtbot.mouseClick(people.all_button, Qt.MouseButton.LeftButton)
    people.filter.clear()
    assert len(form.value("traveller_ids")) == 1
    form.set_value("trip_start", TRIP[0])
    form.set_value("trip_end", TRIP[1])
    type_text(form.widget("places"), "石家庄")
    choose(form.widget("transport"), "火车")
    choose(form.widget("city_class"), "二类")
    choose(form.widget("advance_id"), advance_number)
    lines = form.widget("expense_lines")
    for row, (category, what, amount) in enumerate((
            ("城市间交通费", "往返火车票", "356"), ("住宿费", "住宿 2 晚", "760"),
            ("伙食补助费", "", ""), ("市内交通费", "", ""))):
        if row >= lines.row_count():
            qtbot.mouseClick(lines.add_button, Qt.MouseButton.LeftButton)
        choose_cell(qtbot, lines, row, "category", category)
        if what:
            fill_cell(qtbot, lines, row, "description", what)
        if amount:
            fill_cell(qtbot, lines, row, "amount", amount)
    receipts = form.widget("receipt_rows")
    for row, (kind, code, number, day, amount, line) in enumerate((
            ("火车票", "", "E81200011", TRIP[0], "178", "1"), ("火车票", "", "E81200012", TRIP[1], "178", "1"),
            ("住宿发票", "130112007610", "0076 1234", TRIP[1], "760", "2"))):
        if row >= receipts.row_count():
            qtbot.mouseClick(receipts.add_button, Qt.MouseButton.LeftButton)
        choose_cell(qtbot, receipts, row, "receipt_type", kind)
        if code:
            fill_cell(qtbot, receipts, row, "invoice_code", code)
        fill_cell(qtbot, receipts, row, "invoice_number", number)
        date_cell(qtbot, receipts, row, "issued_on", day)
        fill_cell(qtbot, receipts, row, "amount", amount)
        fill_cell(qtbot, receipts, row, "line_no", line)
    shot(form, "f2_travel_claim_form")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    claim_id = form.result_value.id
    with desk.read() as s:
        claim = s.get(ExpenseClaim, claim_id)
        # allowances by the standards: 3 days × 100 元 meals, 3 days × 80 元 local transport
        assert [ln.amount_fen for ln in claim.lines] == [35600, 76000, 30000, 24000]
        assert claim.total_fen == 165600 and claim.advance_id == advance_id
    wait_table(qtbot, claims)
    click_record(qtbot, claims, claim_id)
    # the hotel invoice's scan goes with the claim, on its receipt's row
    scan = tmp_path / "住宿发票.pdf"
    scan.write_bytes(tiny_pdf())

    def upload(dialog: Any) -> None:
        receipt = dialog.widget("receipt_no")  # the claim's receipts, not a number to type
        assert [receipt.itemText(i).split(" ")[:2] for i in range(1, receipt.count())] == [
            ["第1张", "火车票"], ["第2张", "火车票"], ["第3张", "住宿发票"]]
        choose(receipt, "第3张 住宿发票")
        dialog.widget("scan").set_file(scan)

    act(qtbot, claims, "上传票据扫描件", upload)
    receipts_table = claims.detail.lines_tables["receipt_rows"]
    scan_column = [c.key for c in claims.spec.lines[1].columns].index("scan")
    qtbot.waitUntil(lambda: receipts_table.rowCount() >= 3 and receipts_table.item(2, scan_column) is not None
                    and receipts_table.item(2, scan_column).text() == "已上传", timeout=15000)
    assert receipts_table.item(0, scan_column).text() == "—"
    assert claims.detail.attachment_list.count() == 1
    shot(officer, "f2b_receipt_scan")
    act(qtbot, claims, "提交审批")
    wait_detail(qtbot, claims, "待审批")

    # --- the leader approves; no finding is shown on a claim within the rules and standards ----------
    page = leader.open_register("finance_claim", "to_approve")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim_id)
    assert page.detail.notices.isHidden(), page.detail.notices.text()
    act(qtbot, page, "审批同意")
    wait_detail(qtbot, page, "已审批待审核")

    # --- finance checks and registers it, sends it in a batch, records the bureau's reimbursement ----
    clerk = login(qtbot, desk, "finance")
    page = clerk.open_register("finance_claim", "to_register")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim_id)
    send = page.command_buttons["send_batch"]
    idle(qtbot)  # the selection is checked against the command in a worker
    assert not send.isEnabled()  # not registered yet: the batch command does not fit it
    assert "所选记录现在不能「报送区财政局」" in send.toolTip() and page.selection_label.text() == ""
    act(qtbot, page, "审核登记")
    wait_detail(qtbot, page, "已审核登记")
    assert "报送区财政局" not in page.detail.action_buttons  # a batch is made from the register
    assert "选中此记录（可多选）后点「报送区财政局」" in page.detail.no_actions.text(), page.detail.no_actions.text()
    shown = {b.text() for b in page.detail.actions_box.findChildren(QPushButton) if b.isVisible()}
    assert "审核登记" not in shown  # the buttons of the step just taken are gone at once
    assert shown <= set(page.detail.action_buttons) <= {"上传票据扫描件", "退回申请人"}
    shot(clerk, "f3a_registered_claim")
    page.set_filter("to_batch")
    qtbot.waitUntil(lambda: page.model.query.filter_key == "to_batch" and not page.model.loading, timeout=15000)
    click_record(qtbot, page, claim_id)
    idle(qtbot)  # the selection is checked against the command in a worker
    assert send.isEnabled() and "不能" not in page.selection_label.text()
    batches_before = count(desk, Batch)
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    assert dialog.value("sent_on") == BACK.date()
    shot(dialog, "f3_send_batch")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=15000)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    assert count(desk, Batch) == batches_before + 1
    with desk.read() as s:
        claim = s.get(ExpenseClaim, claim_id)
        assert claim.status == "batched"
        batch_id, batch_number = claim.batch_id, claim.batch.number

    batches = clerk.open_register("finance_batch")
    wait_table(qtbot, batches)
    click_record(qtbot, batches, batch_id)
    qtbot.waitUntil(batches.command_buttons["reimburse_batch"].isEnabled, timeout=15000)  # its check answered
    qtbot.mouseClick(batches.command_buttons["reimburse_batch"], Qt.MouseButton.LeftButton)
    dialog = batches.active_dialog
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: batches.last_result is not None, timeout=15000)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    with desk.read() as s:
        assert s.get(ExpenseClaim, claim_id).status == "reimbursed"
    # Still selected: the register's reload after the command finds nothing left in the batch.
    reimburse = batches.command_buttons["reimburse_batch"]
    qtbot.waitUntil(lambda: "所选记录现在不能「登记财政局已报销」" in reimburse.toolTip(), timeout=15000)
    assert not reimburse.isEnabled()
    shot(clerk, "f4_batches")

    # --- the cashier (not the clerk who checked it) pays: the difference beyond the advance ---------
    page = clerk.open_register("finance_claim", "to_pay")
    wait_table(qtbot, page)
    assert page.model.row_of(claim_id) is None  # the checking clerk may not pay the claim she checked
    page = cashier.open_register("finance_claim", "to_pay")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim_id)
    act(qtbot, page, "支付", lambda d: choose(d.widget("pay_method"), "转账"))
    wait_detail(qtbot, page, "已支付待签收")
    with desk.read() as s:
        advance = s.get(Advance, advance_id)
        claim = s.get(ExpenseClaim, claim_id)
        assert claim.payable_fen == 15600  # 1,656.00 claimed against 1,500.00 lent
        assert advance.status == "closed"
        assert advance.amount_fen + advance.difference_paid_fen == advance.set_off_fen + advance.returned_fen

    # --- the officer signs for the money from 我的待办; the advance shows 已结清 ----------------------
    officer.show_page("home")
    board = officer.dashboard
    loaded: list[Any] = []
    board.loaded.connect(loaded.append)
    board.refresh()
    qtbot.waitUntil(lambda: bool(loaded), timeout=15000)
    qtbot.waitUntil(lambda: any(c.item.title == "待我签收的报销款" for c in board.cards), timeout=15000)
    card = next(c for c in board.cards if c.item.title == "待我签收的报销款")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = officer.current_page()
    qtbot.waitUntil(lambda: page.model.query.filter_key == "to_sign" and not page.model.loading, timeout=15000)
    click_record(qtbot, page, claim_id)
    act(qtbot, page, "签收确认")
    wait_detail(qtbot, page, "已签收")
    shot(officer, "f5_signed")
    with desk.read() as s:
        assert s.get(ExpenseClaim, claim_id).signed_at == BACK
        numbers = [s.get(ExpenseClaim, claim_id).batch.number]
    assert numbers == [batch_number]

    advances = officer.open_register("finance_advance")
    wait_table(qtbot, advances)
    click_record(qtbot, advances, advance_id)
    wait_detail(qtbot, advances, "已结清")
    # with the advance closed, a new one may be asked for
    qtbot.mouseClick(advances.new_button, Qt.MouseButton.LeftButton)
    again = advances.active_dialog
    fill_advance(again)
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert again.result() == QDialog.DialogCode.Accepted, again.all_errors()


def test_finance_sees_an_over_standard_line_and_registers_it_cut_to_the_standard(qtbot, desk, users):
    """The demo's 赴邢台执行 claim waits for 审核登记 with 住宿费 above its cap: the detail panel says so
    with the standard; the 审核登记 dialog comes with the line's 核减 to the standard filled in; with
    the cut taken out it is refused naming the line; as filled in, the claim is registered at the
    approved amount."""
    with desk.read() as s:
        claim = s.scalars(select(ExpenseClaim).where(ExpenseClaim.purpose == "赴邢台执行")).one()
        claim_id, claimed = claim.id, claim.total_fen
    clerk = login(qtbot, desk, "finance")
    clerk.resize(1366, 768)
    page = clerk.open_register("finance_claim", "to_register")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim_id)
    notice = page.detail.notices
    assert notice.isVisible()
    assert "住宿费" in notice.text() and "超过" in notice.text() and "标准" in notice.text(), notice.text()
    shot(clerk, "f6_over_standard_notice")
    qtbot.mouseClick(page.detail.action_buttons["审核登记"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    cuts = dialog.value("cuts")
    assert cuts and all(row["reason"].startswith("超过住宿费标准") for row in cuts), cuts
    shot(dialog, "f6_register_with_cut")
    dialog.set_value("cuts", [])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible() and "住宿费" in "\n".join(dialog.all_errors()), dialog.all_errors()
    with desk.read() as s:
        assert s.get(ExpenseClaim, claim_id).status == "approved"
    dialog.set_value("cuts", cuts)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    with desk.read() as s:
        claim = s.get(ExpenseClaim, claim_id)
        assert claim.status == "registered" and claim.approved_total_fen < claimed
        assert claim.payable_fen == claim.approved_total_fen or claim.advance_id is not None


def test_finance_corrects_a_reimbursement_date_and_a_command_says_which_rows_it_does_not_fit(qtbot, desk, users):
    """In the claims register the batch command stays disabled for a selection with a claim that is not
    registered, and says how many do not fit; from a reimbursed claim's detail panel finance corrects
    the bureau's date (a reason required), and the claim moves to that month's summary."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from courtdesk.areas.finance.models import MonthTotal

    with desk.read() as s:
        registered = s.scalar(select(ExpenseClaim.id).where(ExpenseClaim.status == "registered",
                                                            ExpenseClaim.applicant_id != users["finance"].id))
        reimbursed = s.scalars(select(ExpenseClaim).where(ExpenseClaim.status == "reimbursed",
                                                          ExpenseClaim.applicant_id != users["finance"].id)).first()
        assert registered and reimbursed is not None and reimbursed.sent_on < reimbursed.reimbursed_on
        claim_id, was, sent = reimbursed.id, reimbursed.reimbursed_on, reimbursed.sent_on
    clerk = login(qtbot, desk, "finance")
    clerk.resize(1366, 768)
    page = clerk.open_register("finance_claim")
    wait_table(qtbot, page)
    send = page.command_buttons["send_batch"]
    click_record(qtbot, page, registered)
    qtbot.waitUntil(send.isEnabled, timeout=5000)
    qtbot.waitUntil(lambda: page.model.row_of(claim_id) is not None, timeout=15000)
    both = QItemSelection()
    for rid in (registered, claim_id):
        index = page.model.index(page.model.row_of(rid), 0)
        both.select(index, index)
    page.table.selectionModel().select(both, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                       | QItemSelectionModel.SelectionFlag.Rows)
    idle(qtbot)  # the selection is checked against the command in a worker
    assert not send.isEnabled()
    assert page.selection_label.text() == "已选 2 条；其中 1 条现在不能「报送区财政局」"
    shot(clerk, "f7_selection_does_not_fit", qtbot, settle_ms=100)

    click_record(qtbot, page, claim_id)
    idle(qtbot)
    assert not send.isEnabled()
    right = sent  # the day the bureau really reimbursed it, typed wrong at first

    def fill(dialog: Any) -> None:
        dialog.set_value("reimbursed_on", right)
        type_text(dialog.widget("comment"), "按区财政局回单更正")
        shot(dialog, "f8_correct_reimbursed_on")

    act(qtbot, page, "更正报销日期", fill)
    with desk.read() as s:
        assert s.get(ExpenseClaim, claim_id).reimbursed_on == right
        months = set(s.scalars(select(MonthTotal.month)))
    assert f"{right:%Y-%m}" in months
    qtbot.waitUntil(lambda: page.detail.details.history[-1].action == "更正报销日期", timeout=15000)
    assert page.detail.details.history[-1].comment == f"报销日期由 {was:%Y-%m-%d} 更正为 {right:%Y-%m-%d}；按区财政局回单更正"
    shot(clerk, "f9_corrected", qtbot, settle_ms=200)
    assert "更正报销日期" in page.detail.action_buttons  # the step may be taken again if still wrong
