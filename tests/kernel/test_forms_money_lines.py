"""The money and lines form fields: ``clean`` gives a Decimal of two places and a list of cleaned rows;
every refusal names the field — for a row, the row as the user sees it and its column — and returns
nothing (no half-cleaned value)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courtdesk.kernel.documents import document_text_lines, lines_table
from courtdesk.kernel.documents.model import Document
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import (
    FormField,
    clean,
    display_lines,
    line_label,
    line_of,
    line_totals,
    money_words,
)

FEE = FormField("fee", "案件受理费", "money")
GOOD_ID = "11010519491231002X"
OTHER_ID = "110105198001010016"
PAYERS = FormField(
    "payers", "缴费人", "lines", minimum=1, maximum=3,
    columns=(FormField("name", "姓名", max_len=10), FormField("id_number", "身份证号", "idnumber"),
             FormField("amount", "金额", "money"), FormField("note", "备注", required=False)),
)


@pytest.mark.parametrize(("typed", "amount"), [
    ("3000", "3000.00"), ("￥3,000.5", "3000.50"), (" 12.04 ", "12.04"), (5, "5.00"),
    (Decimal("0.1"), "0.10"), ("999999999999.99", "999999999999.99"), ("０.５", "0.50"),
])
def test_money_is_a_decimal_with_two_places(typed, amount):
    value = clean((FEE,), {"fee": typed})["fee"]
    assert isinstance(value, Decimal) and str(value) == amount


@pytest.mark.parametrize(("typed", "message"), [
    ("-5", "案件受理费：不能为负数"),
    (Decimal("-0.01"), "案件受理费：不能为负数"),
    ("1.234", "案件受理费：最多保留两位小数（分）"),
    ("三千元", "案件受理费：「三千元」不是有效的金额"),
    ("1000000000000", "案件受理费：不能超过 999,999,999,999.99 元"),
    ("1e5", "案件受理费：「1e5」不是有效的金额"),
    ("1,00", "案件受理费：「1,00」千分位逗号的位置不对"),
    ("", "案件受理费：请填写金额"),
    (None, "案件受理费：请填写金额"),
])
def test_bad_amounts_are_refused_naming_the_field(typed, message):
    with pytest.raises(ValidationError) as refused:
        clean((FEE,), {"fee": typed})
    assert str(refused.value).startswith(message)
    assert refused.value.field == "案件受理费"


def test_money_bounds_negative_and_optional():
    refund = FormField("refund", "退费", "money", negative=True, minimum=-1000, maximum=1000)
    assert clean((refund,), {"refund": "-12.5"}) == {"refund": Decimal("-12.50")}
    assert money_words(Decimal("-12.50")) == "人民币负壹拾贰元伍角整"
    with pytest.raises(ValidationError, match="退费：不能少于 -¥1,000.00"):
        clean((refund,), {"refund": "-1000.01"})
    with pytest.raises(ValidationError, match="退费：不能超过 ¥1,000.00"):
        clean((refund,), {"refund": "1000.01"})
    optional = FormField("deposit", "保证金", "money", required=False)
    assert clean((optional,), {"deposit": "  "}) == {"deposit": None}
    assert money_words(Decimal("1050.50")) == "人民币壹仟零伍拾元伍角整"


def _payer(name: str = "张三", id_number: str = GOOD_ID, amount: str = "100", **more: str) -> dict[str, str]:
    return {"name": name, "id_number": id_number, "amount": amount, **more}


def test_lines_are_cleaned_row_by_row_and_blank_rows_are_left_out():
    rows = [_payer(amount="1,200.5"), {"name": " ", "id_number": "", "amount": ""},
            _payer("李四", OTHER_ID, "0.5", note="代缴")]
    out = clean((PAYERS,), {"payers": rows})["payers"]
    assert out == [
        {"name": "张三", "id_number": GOOD_ID, "amount": Decimal("1200.50"), "note": ""},
        {"name": "李四", "id_number": OTHER_ID, "amount": Decimal("0.50"), "note": "代缴"},
    ]
    assert line_totals(PAYERS, out) == {"amount": Decimal("1201.00")}
    shown, total = display_lines(PAYERS, out)
    assert shown[0] == ["张三", GOOD_ID, "¥1,200.50", ""]
    assert total == ["合计", "", "¥1,201.00", ""]


@pytest.mark.parametrize(("rows", "field", "message"), [
    # the third row as the user sees it (the blank second row counts)
    ([_payer(), {}, _payer(id_number=GOOD_ID[:-1] + "1")], "缴费人第3行 身份证号", "缴费人第3行 身份证号：校验码错误"),
    ([_payer(), _payer(amount="-3")], "缴费人第2行 金额", "缴费人第2行 金额：不能为负数"),
    ([_payer(amount="1.001")], "缴费人第1行 金额", "缴费人第1行 金额：最多保留两位小数（分）"),
    ([_payer(name="")], "缴费人第1行 姓名", "缴费人第1行 姓名：必填"),
    ([_payer(name="张" * 11)], "缴费人第1行 姓名", "缴费人第1行 姓名：不能超过 10 个字"),
    ([], "缴费人", "缴费人：请至少填写一行"),
    ([{"name": "", "amount": " "}], "缴费人", "缴费人：请至少填写一行"),
    ([_payer()] * 4, "缴费人", "缴费人：最多 3 行（现有 4 行）"),
    ("张三", "缴费人", "缴费人：应为若干行的列表"),
    ([_payer(), "张三"], "缴费人第2行", "缴费人第2行：内容无法识别"),
])
def test_a_bad_row_is_refused_naming_the_row_and_column(rows, field, message):
    data = {"payers": rows}
    with pytest.raises(ValidationError) as refused:
        clean((FEE, PAYERS), {"fee": "10", **data})
    assert str(refused.value).startswith(message)
    assert refused.value.field == field
    assert PAYERS.names(field)  # the form shows it under the table
    assert data == {"payers": rows}  # the caller's rows are not changed


def test_line_labels_round_trip():
    id_column = PAYERS.columns[1]
    assert line_label(PAYERS, 2, id_column) == "缴费人第2行 身份证号"
    assert line_of(PAYERS, "缴费人第2行 身份证号") == (2, "id_number")
    assert line_of(PAYERS, "缴费人第12行") == (12, None)
    assert line_of(PAYERS, "缴费人第2行 电话") is None
    assert line_of(PAYERS, "案件受理费") is None
    assert not FEE.names("案件受理费第1行 金额")


def test_minimum_counts_filled_rows():
    two = FormField("pair", "当事人", "lines", required=False, minimum=2,
                    columns=(FormField("name", "姓名"),))
    assert clean((two,), {"pair": []}) == {"pair": []}
    with pytest.raises(ValidationError, match="当事人：至少填写 2 行（现有 1 行）"):
        clean((two,), {"pair": [{"name": "甲"}, {"name": ""}]})


def test_a_document_prints_the_lines_as_a_table_with_a_total():
    rows = clean((PAYERS,), {"payers": [_payer(), _payer("李四", OTHER_ID, "20.05")]})["payers"]
    table = lines_table(PAYERS, rows)
    assert [c.header for c in table.columns] == ["序号", "姓名", "身份证号", "金额", "备注"]
    assert [c.align for c in table.columns][3] == "right"
    assert list(table.rows) == [
        ("1", "张三", GOOD_ID, "¥100.00", ""),
        ("2", "李四", OTHER_ID, "¥20.05", ""),
        ("", "合计", "", "¥120.05", ""),
    ]
    lines = document_text_lines(Document("缴费清单", (table,)))
    assert lines[-2:] == ["合计", "¥120.05"]
    with pytest.raises(ValueError):
        lines_table(FEE, rows)
