"""On every finance form an amount stands whole on one line, whatever its size (issue 16 §5: 「¥37,」 /
「489.65」 on the paste sheet, totals ≥ ¥100,000 broken on the 报销单, 借支单 and 领款签收单, 「¥」 alone at a
line's end): forms made from generated amounts, rendered to PDF and read back glyph by glyph."""

from __future__ import annotations

import datetime as dt
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from courtdesk.areas.finance.documents import (
    AdvanceContent,
    ClaimContent,
    LegContent,
    LineContent,
    ReceiptContent,
    SettlementContent,
    Signed,
    advance_document,
    capitals,
    claim_document,
    paste_sheet_document,
    payment_receipt_document,
    yuan,
)
from courtdesk.kernel.documents import Document, document_text_lines, render_pdf
from tests.support.readback import pdf_glyphs, squash

COURT = "河北省廊坊经济技术开发区人民法院"
DAY = dt.date(2026, 11, 24)
#: ¥0.01 to ¥9,999,999.99 — ten times the default ceiling of one claim — weighted to the large ones;
#: a claim's lines together within that too.
FEN = st.one_of(st.integers(1, 99_999_999), st.integers(10_000_000, 999_999_999))
TOP = 999_999_999
LINES = st.lists(st.one_of(st.integers(1, 99_999_999), st.integers(10_000_000, 249_999_999)), min_size=1,
                 max_size=4).filter(lambda fens: sum(fens) <= TOP)
AMOUNT = re.compile(r"-?¥[\d,]+\.\d\d|人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")


def _printed_lines(doc: Document) -> list[str]:
    pdf = io.BytesIO()
    render_pdf(doc, pdf)
    return [squash("".join(g.char for g in line)) for page in pdf_glyphs(io.BytesIO(pdf.getvalue()))
            for line in page.lines()]


def assert_amounts_whole(doc: Document) -> None:
    """Every amount the document prints (figures and capitals) is found whole on one printed line, and
    no line ends with 「¥」."""
    lines = _printed_lines(doc)
    amounts = {a for text in document_text_lines(doc) for a in AMOUNT.findall(text)}
    assert amounts
    broken = [a for a in sorted(amounts) if not any(squash(a) in line for line in lines)]
    assert broken == [], (broken, lines)
    assert not [line for line in lines if line.endswith("¥")]


def _claim(fens: list[int], approved: list[int], registered: bool, kind: str) -> ClaimContent:
    travel = kind == "travel"
    categories = ("城市间交通费", "住宿费", "伙食补助费", "市内交通费", "其他") if travel else ("办案费", "办公费", "印刷费")
    lines = tuple(LineContent(categories[i % len(categories)], f"第{i}项费用", fen, 1, "超标准" if i == 1 else "",
                              "3晚" if travel else "", "500元/人·晚" if travel else "",
                              approved[i] if registered else None, "超过标准" if registered else "")
                  for i, fen in enumerate(fens))
    total = sum(approved) if registered else sum(fens)
    return ClaimContent(
        court_name=COURT, number="(2026)报0001号", kind=kind, applicant="黄磊", department="执行局",
        purpose="赴石家庄执行查控", filed_on=DAY, lines=lines,
        receipts=tuple(ReceiptContent("火车票", f"9000{i:04d}", DAY, fen, 1, i) for i, fen in enumerate(fens)),
        submitted_on=DAY, travellers="黄磊", trip_start=DAY, trip_end=DAY + dt.timedelta(days=2), places="石家庄",
        transport="火车", city_class="二类", persons=1,
        legs=(LegContent(DAY, "廊坊", DAY, "石家庄", "火车", fens[0]),
              LegContent(DAY + dt.timedelta(days=2), "石家庄", DAY + dt.timedelta(days=2), "廊坊", "火车", fens[-1])),
        approved_total_fen=total if registered else None, advance_number="(2026)借0001号", advance_fen=fens[0],
        settlement=SettlementContent(fens[0], max(total - fens[0], 0), max(fens[0] - total, 0)) if registered else None,
        payable_fen=max(total - fens[0], 1), paid=Signed("钱红", DAY), pay_method="转账",
    )


@settings(max_examples=10, deadline=None)
@given(LINES, st.booleans(), st.sampled_from(["travel", "general"]))
def test_no_amount_on_a_claim_form_its_paste_sheet_or_its_payment_receipt_breaks(fens, registered, kind):
    approved = [max(fen - fen // 7, 0) for fen in fens]
    claim = _claim(fens, approved, registered, kind)
    assert_amounts_whole(claim_document(claim))
    assert_amounts_whole(paste_sheet_document(claim))
    assert_amounts_whole(payment_receipt_document(claim))


@settings(max_examples=8, deadline=None)
@given(FEN, LINES, FEN)
def test_no_amount_on_an_advance_slip_breaks(amount, claims, returned):
    slip = AdvanceContent(
        court_name=COURT, number="(2026)借0001号", applicant="黄磊", department="执行局", purpose="赴广州执行异地查封",
        reasons="往返机票约 1,800 元，住宿 3 晚约 900 元", amount_fen=amount, requested_on=DAY, state="已借出未结清",
        approved=Signed("陈静", DAY), paid=Signed("钱红", DAY),
        set_off=tuple((f"(2026)报{i:04d}号", min(fen, amount), fen) for i, fen in enumerate(claims, 1)),
        set_off_fen=sum(claims), returned_fen=returned, difference_paid_fen=max(sum(claims) - amount, 0),
        remarks=tuple(f"2026-12-0{i} 报销单 (2026)报{i:04d}号 冲抵 {yuan(fen)}" for i, fen in enumerate(claims, 1))
        + (f"2026-12-05 交回现金 {yuan(returned)}（钱红经手）",))
    assert_amounts_whole(advance_document(slip))


def test_the_capitals_of_the_largest_amount_fit_their_cell():
    """人民币玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分 — 22 characters — on one line of its cell."""
    claim = _claim([TOP], [TOP], True, "general")
    doc = claim_document(claim)
    assert capitals(TOP) in document_text_lines(doc)
    assert_amounts_whole(doc)
