"""The printed finance forms: 支出报销单 / 差旅费报销单, 报销票据粘贴单, 领款签收单 and 借支单, read back
from the PDF and the DOCX; the capitals always say the same amount as the figures."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.documents import (
    BLANK_DATE,
    ClaimContent,
    LineContent,
    ReceiptContent,
    claim_document,
    paste_groups,
)
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.kernel import printing
from courtdesk.kernel.documents import document_text_lines, render_docx, render_pdf
from courtdesk.kernel.money import amount_in_words, format_yuan, from_fen
from tests.areas.finance.helpers import general_data, invoice, travel_data
from tests.support.readback import docx_body_lines, pdf_page_texts, squash

pytestmark = pytest.mark.sqlite_only

KINDS = ("expense_claim", "receipt_paste_sheet", "claim_payment_receipt", "advance_slip")
_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def words_to_fen(words: str) -> int:
    """Read printed capitals (人民币壹仟零伍拾元伍角整) back as fen — independent of the kernel's writer."""
    text = words.removeprefix("人民币").removesuffix("整")
    total, section, digit = 0, 0, 0
    yuan_part, _, cents = text.partition("元")
    if "元" not in text:  # only 角/分
        yuan_part, cents = "", text
    for ch in yuan_part:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _UNIT:
            section += digit * _UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    fen = (total + section + digit) * 100
    jiao = re.search(r"(.)角", cents)
    fen_match = re.search(r"(.)分", cents)
    fen += (_DIGIT[jiao.group(1)] * 10 if jiao else 0) + (_DIGIT[fen_match.group(1)] if fen_match else 0)
    return fen


def printed_total(text: str, label: str = "合计金额") -> tuple[int, str]:
    """The (capitals as fen, figures) of the ``label`` line of a printed form."""
    found = re.search(label + r"（大写）：(人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)（小写）：(¥[\d,]+\.\d\d)",
                      squash(text))
    assert found, f"no {label} line in {text[:200]!r}"
    return words_to_fen(found.group(1)), found.group(2)


def figures_fen(figures: str) -> int:
    return int(Decimal(figures.lstrip("¥").replace(",", "")) * 100)


def render_texts(doc, tmp_path, name: str) -> tuple[str, str]:
    pdf, docx_path = tmp_path / f"{name}.pdf", tmp_path / f"{name}.docx"
    render_pdf(doc, pdf)
    render_docx(doc, docx_path)
    return "".join(pdf_page_texts(pdf)), "".join(docx_body_lines(docx_path))


def _claim(db, users, data) -> int:
    return ClaimService(db).file(users["enforcer"], data).id


def _submitted(db, users, data) -> int:
    cid = _claim(db, users, data)
    ClaimService(db).act(users["enforcer"], cid, "submit")
    return cid


# --- every kind from the demo data ------------------------------------------------------------------

def test_render_list_names_the_finance_kinds(db_path):
    result = subprocess.run([sys.executable, "-m", "courtdesk", "render", "--list", "--db", str(db_path)],
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    listed = {line.split("\t")[0]: line.split("\t") for line in result.stdout.strip().splitlines()}
    for name in KINDS:
        assert name in listed, name
        assert listed[name][2] != "-", f"{name} has no demo record"


def test_ids_list_only_records_that_have_the_document(db):
    with db.read() as s:
        claims = {c.id: c for c in s.scalars(select(ExpenseClaim))}
        forms = set(s.scalars(printing.kind("expense_claim").ids()))
        paid = set(s.scalars(printing.kind("claim_payment_receipt").ids()))
        slips = set(s.scalars(printing.kind("advance_slip").ids()))
        advances = {a.id: a for a in s.scalars(select(Advance))}
    assert forms == {i for i, c in claims.items() if c.status != "draft"}
    assert any(c.status == "draft" for c in claims.values())  # the demo has a draft: not printable
    # no 领款签收单 for ¥0.00: a claim its advance covered in full hands no money over
    assert paid == {i for i, c in claims.items() if c.status in ("paid", "signed") and c.payable_fen != 0}
    assert any(c.status in ("paid", "signed") and c.payable_fen == 0 for c in claims.values())
    assert paid and paid < forms
    assert slips == {i for i, a in advances.items() if a.status != "withdrawn"}


@pytest.mark.parametrize("name", KINDS)
def test_every_finance_kind_renders_from_demo_data_with_number_lines_and_totals(db, tmp_path, name):
    with db.read() as s:
        record_id = s.scalars(printing.kind(name).ids()).first()
        doc = printing.kind(name).build(s, record_id)
        if name == "advance_slip":
            advance = s.get(Advance, record_id)
            number, total, words_label = advance.number, advance.amount_fen, "借支金额"
            items = [advance.purpose]
        else:
            claim = s.get(ExpenseClaim, record_id)
            number = claim.number
            registered = claim.approved_total_fen is not None  # the form's total is the 核定 one then
            total = {"expense_claim": claim.approved_total_fen if registered else claim.total_fen,
                     "receipt_paste_sheet": sum(r.amount_fen for r in claim.receipts),
                     "claim_payment_receipt": claim.payable_fen}[name]
            words_label = {"expense_claim": "核定金额" if registered else "合计金额",
                           "receipt_paste_sheet": "票据合计", "claim_payment_receipt": "实领金额"}[name]
            items = ([ln.category for ln in claim.lines] if name == "expense_claim"
                     else [r.invoice_number for r in claim.receipts] if name == "receipt_paste_sheet"
                     else [claim.applicant.name, claim.pay_method])
    pdf_text, docx_text = render_texts(doc, tmp_path, name)
    expected = [squash(line) for line in document_text_lines(doc)]
    for text in (pdf_text, docx_text):
        flat = squash(text)
        assert [line for line in expected if line not in flat] == []
        assert number in flat
        for item in items:
            assert squash(item) in flat
        words, figures = printed_total(text, words_label)
        assert words == figures_fen(figures) == total
        assert "None" not in flat and "{" not in flat


def test_travel_and_general_claims_print_their_own_form(db, users, tmp_path):
    travel = _submitted(db, users, travel_data())
    general = _submitted(db, users, general_data("1050.50"))
    with db.read() as s:
        travel_doc = printing.record_document(s, "expense_claim", travel)
        general_doc = printing.record_document(s, "expense_claim", general)
    travel_pdf, _ = render_texts(travel_doc, tmp_path, "travel")
    general_pdf, general_docx = render_texts(general_doc, tmp_path, "general")
    flat = squash(travel_pdf)
    for phrase in ("差旅费报销单", "出差人", "黄磊", "出差地点", "石家庄", "交通工具", "火车", "出差天数3天",
                   "城市间交通费", "往返火车票", "¥356.00", "住宿费", "¥680.00", "¥1,036.00",
                   "人民币壹仟零叁拾陆元整", "报销人", "分管财务院领导（审批）", "财务审核（审核登记）",
                   "出纳（支付）", "领款人"):
        assert phrase in flat, phrase
    assert "支出报销单" not in flat
    for text in (general_pdf, general_docx):
        flat = squash(text)
        assert "支出报销单" in flat and "差旅费报销单" not in flat and "出差人" not in flat
        assert "人民币壹仟零伍拾元伍角整" in flat and "¥1,050.50" in flat


def test_signatures_come_from_the_flow_and_a_return_clears_the_old_approval(db, users, tmp_path):
    svc = ClaimService(db)
    cid = _submitted(db, users, general_data())
    svc.act(users["finance_leader"], cid, "reject", "请核对", reason="金额不符")
    with db.read() as s:
        doc = printing.record_document(s, "expense_claim", cid)
    leader = users["finance_leader"].name
    assert not any(leader in line for line in document_text_lines(doc))
    svc.act(users["enforcer"], cid, "submit")
    svc.act(users["finance_leader"], cid, "approve", "同意")
    svc.act(users["finance"], cid, "register")
    with db.read() as s:
        lines = document_text_lines(printing.record_document(s, "expense_claim", cid))
    boxes = lines[lines.index("签字人"):]
    assert boxes[boxes.index("分管财务院领导（审批）"):][:3] == ["分管财务院领导（审批）", leader, "二〇二六年十二月一日"]
    assert boxes[boxes.index("财务审核（审核登记）"):][:3] == ["财务审核（审核登记）", users["finance"].name,
                                                       "二〇二六年十二月一日"]
    # not paid yet: no name, the date a blank to fill in by hand
    assert boxes[boxes.index("出纳（支付）"):][:2] == ["出纳（支付）", BLANK_DATE]


def test_a_draft_and_an_unpaid_claim_are_refused_with_the_reason(db, users):
    from courtdesk.kernel.errors import NotFound

    draft = _claim(db, users, general_data())
    submitted = _submitted(db, users, general_data())
    with db.read() as s:
        with pytest.raises(NotFound, match="草稿"):
            printing.record_document(s, "expense_claim", draft)
        with pytest.raises(NotFound, match="尚未支付"):
            printing.record_document(s, "claim_payment_receipt", submitted)


def test_paste_sheet_groups_receipts_by_type_ordered_by_amount(db, users, tmp_path):
    day = dt.date(2026, 11, 26)

    def receipt(kind: str, amount: str, line: int) -> dict:
        return {"receipt_type": kind, "invoice_number": invoice(), "issued_on": day, "amount": amount, "line_no": line}

    data = travel_data(
        expense_lines=[{"category": "城市间交通费", "description": "火车票", "amount": "400.00"},
                       {"category": "住宿费", "description": "住宿", "amount": "680.00"},
                       {"category": "市内交通费", "description": "出租车", "amount": "91.00"}],
        receipt_rows=[receipt("出租车票", "23.00", 3), receipt("火车票", "120.00", 1), receipt("住宿发票", "300.00", 2),
                      receipt("出租车票", "68.00", 3), receipt("火车票", "280.00", 1), receipt("住宿发票", "380.00", 2)])
    cid = _submitted(db, users, data)
    with db.read() as s:
        doc = printing.record_document(s, "receipt_paste_sheet", cid)
    lines = document_text_lines(doc)
    groups = [line for line in lines if re.match(r"^[一二三四五六七八九十]、", line)]
    assert groups == ["一、火车票　2张　小计 ¥400.00", "二、出租车票　2张　小计 ¥91.00",
                      "三、住宿发票　2张　小计 ¥680.00"]
    receipts = lines[:lines.index("票据共 6 张，3 类")]  # the total's figures stand in a cell of their own
    amounts = [line for line in receipts if line.startswith("¥")]
    assert amounts == ["¥280.00", "¥120.00", "¥68.00", "¥23.00", "¥380.00", "¥300.00"]
    pdf_text, docx_text = render_texts(doc, tmp_path, "paste")
    for text in (pdf_text, docx_text):
        flat = squash(text)
        assert flat.index("火车票2张") < flat.index("¥280.00") < flat.index("¥120.00") < flat.index("出租车票2张")
        assert "票据共6张，3类" in flat
        assert printed_total(text, "票据合计") == (117100, "¥1,171.00")


def test_paste_groups_order_ties_as_registered():
    r = [ReceiptContent("火车票", str(i), dt.date(2026, 1, 1), 100, 1, position=i) for i in (1, 2, 3)]
    assert [x.invoice_number for _, g in paste_groups(r) for x in g] == ["1", "2", "3"]


# --- the capitals always agree with the figures --------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


def _content(line_amounts: list[Decimal]) -> ClaimContent:
    return ClaimContent(
        court_name="河北省廊坊经济技术开发区人民法院", number="(2026)报0001号", kind="general", applicant="黄磊",
        department="执行局", purpose="购买办公用品", filed_on=dt.date(2026, 11, 30),
        lines=tuple(LineContent("办公费", f"第{i}项", int(a * 100), 1) for i, a in enumerate(line_amounts, 1)))


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=8))
def test_the_form_capitals_read_back_as_the_printed_figures(line_amounts):
    doc = claim_document(_content(line_amounts))
    words, figures = printed_total("\n".join(document_text_lines(doc)))
    total = sum(line_amounts, Decimal(0))
    assert words == figures_fen(figures) == int(total * 100)
    assert figures == format_yuan(total)


@settings(max_examples=20, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2))
def test_the_word_reader_agrees_with_the_kernel(amount):
    assert words_to_fen(amount_in_words(amount, prefix=True)) == int(amount * 100)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
                min_size=1, max_size=3))
def test_a_filed_claim_prints_capitals_equal_to_its_total(db, users, tmp_path, line_amounts):
    data = general_data(
        expense_lines=[{"category": "办公费", "description": f"第{i}项", "amount": str(a)}
                       for i, a in enumerate(line_amounts, 1)],
        receipt_rows=[{"receipt_type": "增值税普通发票", "invoice_number": invoice(), "issued_on": dt.date(2026, 11, 28),
                       "amount": str(a), "line_no": i} for i, a in enumerate(line_amounts, 1)])
    cid = _submitted(db, users, data)
    with db.read() as s:
        doc = printing.record_document(s, "expense_claim", cid)
        total = s.get(ExpenseClaim, cid).total_fen
    pdf_text, _ = render_texts(doc, tmp_path, f"claim{cid}")
    words, figures = printed_total(pdf_text)
    assert words == figures_fen(figures) == total == int(sum(line_amounts, Decimal(0)) * 100)
    assert amount_in_words(from_fen(total), prefix=True) in squash(pdf_text)
