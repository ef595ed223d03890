"""The finance registers exported for the finance office: amounts as numbers in yuan (stored as fen),
expense lines on their own sheet (issue 10 item 8)."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from courtdesk.areas.finance.models import ExpenseClaim
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.registers import RegisterQuery, get


def test_claim_amounts_export_as_yuan_numbers_and_lines_get_their_own_sheet(db, users, tmp_path):
    path = tmp_path / "报销.xlsx"
    with db.read() as s:
        export_xlsx(s, users["finance"], RegisterQuery(get("finance_claim")), path)
        claims = {c.number: c.total_fen for c in s.scalars(select(ExpenseClaim))}
    book = load_workbook(path)
    ws = book.worksheets[0]
    header = [c.value for c in ws[3]]
    at_number, at_total = header.index("报销单号"), header.index("报销金额")
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[at_number]]
    assert rows
    for row in rows:
        assert isinstance(row[at_total], int | float)  # a number Excel can sum, not text
        assert Decimal(str(row[at_total])).quantize(Decimal("0.01")) == Decimal(claims[row[at_number]]) / 100
    assert not any(name.endswith("明细明细") for name in book.sheetnames)


def test_a_register_past_excels_row_limit_goes_on_in_continuation_sheets(db, users, tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows a sheet; a larger export (a million claims have some three million
    receipts) goes on in 「…（续2）」 sheets under the same headings instead of giving a file Excel cannot
    open. Shown here with a limit of 4 rows a sheet."""
    from courtdesk.kernel import exporting

    monkeypatch.setattr(exporting, "SHEET_ROWS", 4)
    path = tmp_path / "报销.xlsx"
    with db.read() as s:
        query = RegisterQuery(get("finance_claim"))
        written = export_xlsx(s, users["finance"], query, path)
        receipts = sum(len(rows) for rows in get("finance_claim").lines[1].rows_of(
            s, list(query.ids(s, users["finance"]))).values())
    book = load_workbook(path)
    main = [n for n in book.sheetnames if n.startswith("报销单登记簿")]
    assert main[0] == "报销单登记簿" and main[1] == "报销单登记簿（续2）"
    assert len(main) == -(-written // 4)
    numbers = [r[1] for n in main for r in book[n].iter_rows(min_row=4, values_only=True)]
    assert len(numbers) == written and len(set(numbers)) == written  # every claim once, none lost
    for name in main:
        assert [c.value for c in book[name][3]][:2] == ["序号", "报销单号"]  # each sheet with its headers
    receipt_sheets = [n for n in book.sheetnames if n.startswith("原始票据明细")]
    assert sum(book[n].max_row - 3 for n in receipt_sheets) == receipts and len(receipt_sheets) > 1
    assert book[receipt_sheets[1]]["A1"].value.endswith("原始票据明细（续2）")
