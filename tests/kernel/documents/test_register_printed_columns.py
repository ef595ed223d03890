"""A printed register declares which of its columns go on paper (``RegisterSpec.printed_columns``), so a
register with many screen columns fits landscape A4 with readable widths; amounts are set flush right in
yuan, and a 合计 wider than every amount is never broken (issue 16 §5)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from courtdesk.kernel import printing
from courtdesk.kernel.documents import Table, register_book, render_docx, render_pdf
from courtdesk.kernel.documents.register import BookColumn
from courtdesk.kernel.money import format_yuan, from_fen
from courtdesk.kernel.registers import RegisterQuery, get
from tests.support.readback import docx_body_lines, pdf_glyphs, pdf_page_texts, squash

COURT = "河北省廊坊经济技术开发区人民法院"
#: What a paper claims register needs (the screen's 审批人, 审核人, 报送批次, 退回原因 … stay on screen).
PAPER = ("number", "filed_at", "kind", "applicant", "department", "purpose", "status", "total", "payable", "paid_on")


def _table(doc) -> Table:
    return next(block for block in doc.blocks if isinstance(block, Table))


def _width_of(doc, header: str) -> float:
    table = _table(doc)
    return next(col.weight for col in table.columns if col.header.replace("\n", "") == header)


def test_a_register_prints_the_columns_it_declares_in_their_order(db, users, tmp_path):
    spec = get("finance_claim")
    paper = dataclasses.replace(spec, printed_columns=PAPER)
    assert [c.key for c in paper.printed] == list(PAPER) and paper.columns == spec.columns  # the screen keeps all
    with db.read() as s:
        whole = printing.register_document(s, users["finance"], RegisterQuery(spec))
        doc = printing.register_document(s, users["finance"], RegisterQuery(paper))
        totals = RegisterQuery(paper).totals(s, users["finance"])
    headers = [col.header.replace("\n", "") for col in _table(doc).columns]
    assert headers == ["序号", *(paper.column(k).label for k in PAPER)]
    assert "审批人" not in headers and "退回原因" not in headers
    # 报销事由 is readable on paper: wider than with every screen column, at least 8 characters of text
    assert _width_of(doc, "报销事由") > _width_of(whole, "报销事由")
    assert _width_of(doc, "报销事由") >= 8 * _table(doc).size
    pdf, docx = tmp_path / "claims.pdf", tmp_path / "claims.docx"
    render_pdf(doc, pdf)
    render_docx(doc, docx)
    for text in (squash("".join(pdf_page_texts(pdf))), squash("".join(docx_body_lines(docx)))):
        assert "审批人" not in text and squash("报销事由") in text
        assert squash(format_yuan(from_fen(int(totals["total"])))) in text  # the 合计 of a printed money column
        assert "合计" in text


def test_printed_columns_must_name_columns_of_the_register():
    spec = get("finance_claim")
    with pytest.raises(ValueError, match="审核人员"):
        dataclasses.replace(spec, printed_columns=("number", "审核人员"))
    with pytest.raises(ValueError):
        dataclasses.replace(spec, printed_columns=())


def test_amounts_stand_flush_right_and_the_total_is_never_broken(tmp_path: Path):
    amounts = [5, 12_300, 99_999_99, 480_00, 1_00]
    total = sum(amounts) * 1000  # wider than any amount above it: sized with the rows, not broken
    rows = [(f"第{i}项", format_yuan(from_fen(fen))) for i, fen in enumerate(amounts, 1)]
    doc = register_book(COURT, "测试登记簿", "", [BookColumn("摘要"), BookColumn("金额", "money")], rows,
                        datetime(2026, 12, 1, 9, 0), total=["合计", format_yuan(from_fen(total))])
    path = tmp_path / "money.pdf"
    render_pdf(doc, path)
    (page,) = pdf_glyphs(path)
    printed = {"".join(g.char for g in line if not g.char.isspace()): line for line in page.lines()}
    rights = []
    for fen in [*amounts, total]:
        figures = format_yuan(from_fen(fen))
        line = next(glyphs for text, glyphs in printed.items() if text.endswith(figures))  # whole on one line
        rights.append(line[-1].right)
    assert max(rights) - min(rights) < 0.5, rights  # flush right, digit under digit
