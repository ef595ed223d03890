"""The real claim form follows the claim's kind (issue 16 §6): 填报销单 offers the travel categories for
a 差旅费报销单 and the general ones for a 支出报销单, live as the kind changes; the trip's fields show only
for a travel claim, also in the 修改 form of a 支出报销单; a general claim saved never carries travel
values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from courtdesk.areas.finance.categories import GENERAL_CATEGORIES, TRAVEL_CATEGORIES
from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.models import ExpenseClaim
from tests.areas.finance.helpers import NOW, general_data
from tests.ui.conftest import click_record, fill_cell, login, type_text, wait_ops, wait_table
from tests.ui.test_enforcement_flow import choose
from tests.ui.test_finance_flow import choose_cell, date_cell

pytestmark = [pytest.mark.ui]

TRIP = ("traveller_ids", "travellers", "trip_start", "trip_end", "places", "transport", "city_class")


def _shown(form) -> set[str]:
    return {key for key in TRIP if form.rows[key].isVisible()}


def _categories(qtbot, lines) -> list[str]:
    """What the 费用类别 cell's drop-down offers (opened with F2 on the cell, closed unchanged)."""
    at = [c.key for c in lines.field.columns].index("category")
    lines.table.setCurrentCell(0, at)
    lines.table.setFocus()
    qtbot.keyClick(lines.table, Qt.Key.Key_F2)
    combo = next(e for e in lines.table.viewport().findChildren(QComboBox) if e.isVisible())
    offered = [combo.itemText(i) for i in range(1, combo.count())]
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # leaves the cell as it was (Esc would close the dialog)
    qtbot.waitUntil(lambda: not any(e.isVisible() for e in lines.table.viewport().findChildren(QComboBox)))
    lines.table.setCurrentCell(0, at + 1)  # off the cell, as a user moves on (a double-click opens it again)
    return offered


def test_the_new_claim_form_follows_its_kind(qtbot, desk):
    from courtdesk.kernel import clock

    clock.set_now(NOW)
    officer = login(qtbot, desk, "judge")
    claims = officer.open_register("finance_claim")
    wait_table(qtbot, claims)
    qtbot.mouseClick(claims.new_button, Qt.MouseButton.LeftButton)
    form = claims.active_dialog
    lines = form.widget("expense_lines")
    assert form.value("kind") == "general" and _shown(form) == set()
    assert _categories(qtbot, lines) == list(GENERAL_CATEGORIES)
    choose(form.widget("kind"), "差旅费报销单")
    assert _shown(form) == set(TRIP)
    assert _categories(qtbot, lines) == list(TRAVEL_CATEGORIES)
    type_text(form.widget("places"), "石家庄")
    choose(form.widget("transport"), "火车")
    # back to a general claim: the trip typed is not saved with it
    choose(form.widget("kind"), "支出报销单")
    assert _shown(form) == set()
    type_text(form.widget("purpose"), "购买打印耗材")
    choose_cell(qtbot, lines, 0, "category", "办公费")
    fill_cell(qtbot, lines, 0, "amount", "460")
    receipts = form.widget("receipt_rows")
    if receipts.row_count() == 0:
        qtbot.mouseClick(receipts.add_button, Qt.MouseButton.LeftButton)
    choose_cell(qtbot, receipts, 0, "receipt_type", "增值税普通发票")
    fill_cell(qtbot, receipts, 0, "invoice_number", "44012345")
    date_cell(qtbot, receipts, 0, "issued_on", NOW.date())
    fill_cell(qtbot, receipts, 0, "amount", "460")
    fill_cell(qtbot, receipts, 0, "line_no", "1")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    with desk.read() as s:
        claim = s.get(ExpenseClaim, form.result_value.id)
        assert claim.kind == "general" and claim.places == "" and claim.transport == ""
        assert claim.trip_start is None and not claim.trip_people


def test_the_edit_form_of_a_general_claim_shows_no_trip(qtbot, desk):
    from courtdesk.kernel import clock

    clock.set_now(NOW)
    officer = login(qtbot, desk, "judge")
    claim_id = ClaimService(desk).file(officer.ctx.user, general_data()).id
    claims = officer.open_register("finance_claim")
    wait_table(qtbot, claims)
    click_record(qtbot, claims, claim_id)
    form = claims.start_edit()
    assert form is not None and _shown(form) == set()
    assert _categories(qtbot, form.widget("expense_lines")) == list(GENERAL_CATEGORIES)
    form.reject()
