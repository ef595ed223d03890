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
