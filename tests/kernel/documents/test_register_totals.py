"""A printed register with money columns ends with a 合计 row: each money column summed in SQL over
what the filter finds, in yuan (issue 16 §5); a register without money prints none."""

from __future__ import annotations

from decimal import Decimal

from courtdesk.kernel import printing
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.money import format_yuan, from_fen
from courtdesk.kernel.registers import RegisterQuery, get
from tests.support.readback import pdf_page_texts, squash


def _printed(db, user, key: str, tmp_path, **query) -> str:
    spec = get(key)
    with db.read() as s:
        doc = printing.register_document(s, user, RegisterQuery(spec).with_(**query))
    render_pdf(doc, tmp_path / f"{key}.pdf")
    return squash("".join(pdf_page_texts(tmp_path / f"{key}.pdf")))


def test_the_claims_register_prints_its_totals(db, users, tmp_path):
    spec = get("finance_claim")
    query = RegisterQuery(spec).with_(filter_key="state_signed")
    with db.read() as s:
        rows = list(query.stream(s, users["finance"]))
        totals = query.totals(s, users["finance"])
    total_at = 1 + [c.key for c in spec.columns].index("total")
    assert totals["total"] == sum(r[total_at] for r in rows) and rows
    text = _printed(db, users["finance"], "finance_claim", tmp_path, filter_key="state_signed")
    assert squash("合计") in text and squash(f"共 {len(rows)} 条") in text  # the 合计 row is no record
    assert squash(format_yuan(from_fen(int(totals["total"])))) in text
    assert Decimal(totals["total"]) > 0


def test_a_register_without_money_prints_no_totals(db, users, tmp_path):
    assert "合计" not in _printed(db, users["clerk"], "seal_use", tmp_path)
