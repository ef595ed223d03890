"""The generic form's money input (capitals shown live) and lines table (添加一行 / 删除所选行, typed
cells, 合计 of money columns), driven through the real widgets."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from courtdesk.kernel import forms
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField
from tests.ui.conftest import fill_cell
from ui.forms import FormDialog
from ui.inputs import LinesInput, MoneyInput

ITEMS = FormField(
    "items", "费用明细", "lines", minimum=1, maximum=3,
    columns=(FormField("what", "项目"), FormField("payer_id", "身份证号码", "idnumber", required=False),
             FormField("amount", "金额", "money")),
)
FIELDS = (FormField("fee", "受理费", "money"), ITEMS)


@pytest.fixture
def form(qtbot: Any) -> FormDialog:
    dialog = FormDialog(SimpleNamespace(db=None, user=None), "测试表单", FIELDS, lambda data: data)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_money_input_shows_the_amount_in_capitals_as_you_type(qtbot, form):
    money = form.rows["fee"].editor
    assert isinstance(money, MoneyInput) and money.words.text() == "大写：—"
    box = form.widget("fee")
    assert isinstance(box, QLineEdit)
    qtbot.keyClicks(box, "3,000.5")
    assert money.words.text() == "人民币叁仟元伍角整"
    box.clear()
    qtbot.keyClicks(box, "1000005")
    assert money.words.text() == "人民币壹佰万零伍元整"
    qtbot.keyClicks(box, ".123")  # three decimals: no capitals, the rule under the field
    assert money.words.text() == "大写：—"
    assert form.field_error("fee") == "受理费：最多保留两位小数（分）"
    box.clear()
    box.insert("￥１２.０４")  # full-width digits, as an input method commits them
    assert money.words.text() == "人民币壹拾贰元零肆分" and form.field_error("fee") == ""
    assert forms.clean(FIELDS[:1], form.values()) == {"fee": Decimal("12.04")}


def test_lines_table_adds_and_removes_rows_and_totals_the_money_column(qtbot, form):
    lines = form.widget("items")
    assert isinstance(lines, LinesInput)
    assert lines.row_count() == 1  # one row to fill (at least one is required)
    assert lines.table.verticalHeaderItem(1).text() == "合计"
    fill_cell(qtbot, lines, 0, "what", "诉讼费")
    fill_cell(qtbot, lines, 0, "amount", "1,200.50")
    assert lines.total_text("amount") == "¥1,200.50"

    qtbot.mouseClick(lines.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(lines.add_button, Qt.MouseButton.LeftButton)
    assert lines.row_count() == 3
    assert not lines.add_button.isEnabled()  # maximum 3 rows
    fill_cell(qtbot, lines, 1, "what", "保全费")
    fill_cell(qtbot, lines, 1, "amount", "99.5")
    fill_cell(qtbot, lines, 2, "what", "公告费")
    fill_cell(qtbot, lines, 2, "amount", "300")
    assert lines.total_text("amount") == "¥1,600.00"
    assert "壹仟陆佰元整" in lines.table.item(3, 2).toolTip()

    # select the second row and delete it: the total follows, 添加一行 is offered again
    lines.table.selectRow(1)
    qtbot.mouseClick(lines.remove_button, Qt.MouseButton.LeftButton)
    assert lines.row_count() == 2 and lines.add_button.isEnabled()
    assert [r["what"] for r in lines.value()] == ["诉讼费", "公告费"]
    assert lines.total_text("amount") == "¥1,500.50"
    # the 合计 row is not a row of the value and cannot be deleted
    lines.table.selectRow(2)
    qtbot.mouseClick(lines.remove_button, Qt.MouseButton.LeftButton)
    assert lines.row_count() == 2
    cleaned = forms.clean((ITEMS,), form.values())["items"]
    assert [r["amount"] for r in cleaned] == [Decimal("1200.50"), Decimal("300.00")]


def test_a_refused_cell_is_named_under_the_table_and_marked(qtbot, form):
    lines = form.widget("items")
    qtbot.mouseClick(lines.add_button, Qt.MouseButton.LeftButton)
    fill_cell(qtbot, lines, 0, "what", "诉讼费")
    fill_cell(qtbot, lines, 0, "amount", "50")
    fill_cell(qtbot, lines, 1, "what", "保全费")
    fill_cell(qtbot, lines, 1, "amount", "-5")
    with pytest.raises(ValidationError) as refused:
        forms.clean((ITEMS,), form.values())
    form.show_error(refused.value)
    assert form.field_error("items") == "费用明细第2行 金额：不能为负数"
    marked = lines.cell(1, "amount").background().color().name()
    assert marked == "#fce8e6" and lines.cell(0, "amount").background().style() == Qt.BrushStyle.NoBrush
    assert (lines.table.currentRow(), lines.table.currentColumn()) == (1, 2)
    fill_cell(qtbot, lines, 1, "amount", "5")  # corrected: the mark goes
    assert lines.cell(1, "amount").background().style() == Qt.BrushStyle.NoBrush
    assert lines.total_text("amount") == "¥55.00"


def test_an_empty_table_counts_as_empty_for_a_required_field(qtbot, form):
    lines = form.widget("items")
    assert form._is_empty("items")
    lines.set_value([{"what": "诉讼费", "amount": "10"}])
    assert not form._is_empty("items") and lines.total_text("amount") == "¥10.00"
