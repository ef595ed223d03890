"""The finance forms as a court's finance office knows them (issue 16 §5), read back from the PDF and the
DOCX: the 差旅费报销单's itinerary leg by leg, each expense with its 天数 and 标准, 附单据 N 张, 核定金额 and
核减 with the reason, the leader's written approval of an over-standard amount, 预借 / 补领 / 退还 for a
claim set against an advance; signature boxes with the names and dates of the flow; the 借支单's boxes and
还款记录; no 领款签收单 for ¥0.00."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from courtdesk.areas.finance.advances import AdvanceService
from courtdesk.areas.finance.claims import SET_OFF_ONLY, ClaimService
from courtdesk.areas.finance.documents import BLANK_DATE, claim_content, payment_receipt_document
from courtdesk.areas.finance.models import ExpenseClaim
from courtdesk.kernel import clock, printing
from courtdesk.kernel.documents import document_text_lines, render_docx, render_pdf
from courtdesk.kernel.errors import NotFound, ValidationError
from tests.areas.finance.helpers import general_data, travel_data
from tests.support.readback import docx_body_lines, pdf_page_texts, squash

pytestmark = pytest.mark.sqlite_only

#: The legs of travel_data()'s trip: there on the 24th, back on the 26th, ¥178.00 each way.
LEGS = [
    {"depart_on": dt.date(2026, 11, 24), "depart_from": "廊坊", "arrive_on": dt.date(2026, 11, 24),
     "arrive_at": "石家庄", "transport": "火车", "fare": "178.00"},
    {"depart_on": dt.date(2026, 11, 26), "depart_from": "石家庄", "arrive_on": dt.date(2026, 11, 26),
     "arrive_at": "廊坊", "transport": "火车", "fare": "178.00"},
]


def on(month: int, day: int) -> None:
    """Each step of a flow on a day of its own, so every printed date is the step's."""
    clock.set_now(dt.datetime(2026, month, day, 10, 0))


def printed(db, kind: str, record_id: int, tmp_path) -> tuple[list[str], str, str]:
    """(the document's lines, the PDF's text, the DOCX's text), both squashed."""
    with db.read() as s:
        doc = printing.record_document(s, kind, record_id)
    pdf, docx_path = tmp_path / f"{kind}{record_id}.pdf", tmp_path / f"{kind}{record_id}.docx"
    render_pdf(doc, pdf)
    render_docx(doc, docx_path)
    return document_text_lines(doc), squash("".join(pdf_page_texts(pdf))), squash("".join(docx_body_lines(docx_path)))


def row(lines: list[str], first: str, width: int) -> list[str]:
    """The cells of the table row that starts with the cell ``first`` (its first ``width`` cells)."""
    return lines[lines.index(first):][:width]


def in_both(pdf: str, docx: str, *phrases: str) -> None:
    for text in (pdf, docx):
        for phrase in phrases:
            assert squash(phrase) in text, phrase


def _file(db, users, data, who: str = "enforcer") -> int:
    service = ClaimService(db)
    cid = service.file(users[who], data).id
    service.act(users[who], cid, "submit")
    return cid


# --- 差旅费报销单 -------------------------------------------------------------------------------------

def test_the_travel_form_prints_the_itinerary_leg_by_leg_and_each_expense_with_its_days_and_standard(
        db, users, tmp_path):
    cid = _file(db, users, travel_data(legs=LEGS))
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    assert row(lines, "起止日期", 4) == ["起止日期", "起止地点", "交通工具", "车船费"]
    legs = lines[lines.index("车船费") + 1:]
    assert legs[:5] == ["1", "11月24日", "廊坊—石家庄", "火车", "¥178.00"]
    assert legs[5:10] == ["2", "11月26日", "石家庄—廊坊", "火车", "¥178.00"]
    assert legs[10:12] == ["合计", "¥356.00"]
    # then each expense: 住宿费 2 nights at the 二类 cap of 400 元 a night; 城市间交通费 has none
    assert row(lines, "住宿费", 6) == ["住宿费", "住宿 2 晚", "2晚", "400元/人·晚", "1", "¥680.00"]
    assert row(lines, "城市间交通费", 6) == ["城市间交通费", "往返火车票", "—", "—", "2", "¥356.00"]
    assert lines[2].startswith("附单据 3 张　　编号：")  # at the top right, as on the paper form
    in_both(pdf, docx, "附单据 3 张", "1 11月24日 廊坊—石家庄 火车 ¥178.00", "2 11月26日 石家庄—廊坊 火车 ¥178.00",
            "住宿费 住宿 2 晚 2晚 400元/人·晚 1 ¥680.00", "合计金额（大写）：人民币壹仟零叁拾陆元整（小写）：¥1,036.00")


def test_a_claim_filed_without_legs_prints_its_trip_as_one_row_and_allowances_by_days_and_persons(
        db, users, tmp_path):
    data = travel_data(travellers="黄磊、王五")  # two travellers: nights and days per person
    data["expense_lines"] += [{"category": "伙食补助费", "description": "", "amount": None},
                              {"category": "市内交通费", "description": "", "amount": None}]
    cid = _file(db, users, data)
    with db.read() as s:  # an older claim: no itinerary was kept
        assert not s.get(ExpenseClaim, cid).legs
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    legs = lines[lines.index("车船费") + 1:]
    assert legs[:5] == ["1", "11月24日—11月26日", "石家庄（往返）", "火车", "¥356.00"]
    assert legs[5] == "序号"  # one row, no 合计 under it: the expenses' table follows
    assert row(lines, "住宿费", 4)[2:] == ["4人·晚", "400元/人·晚"]  # 2 nights × 2 persons
    assert row(lines, "伙食补助费", 5)[2:] == ["6人·天", "100元/人·天", "0"]  # 3 days × 2 persons
    assert row(lines, "市内交通费", 4)[2:] == ["6人·天", "80元/人·天"]
    in_both(pdf, docx, "11月24日—11月26日 石家庄（往返） 火车 ¥356.00", "伙食补助费 3 天 × 100 元 × 2 人 6人·天 100元/人·天")


# --- 核定, 核减, the leader's approval ----------------------------------------------------------------

def _over(db, users) -> int:
    """A trip whose hotel (¥1,000 for 2 nights) is above the 二类 standard of ¥800."""
    data = travel_data(legs=LEGS)
    data["expense_lines"][1]["amount"] = "1000.00"
    data["receipt_rows"][2]["amount"] = "1000.00"
    return _file(db, users, data)


def test_a_cut_line_prints_its_approved_amount_the_cut_and_the_reason_and_the_total_is_the_approved_one(
        db, users, tmp_path):
    service = ClaimService(db)
    cid = _over(db, users)
    service.act(users["finance_leader"], cid, "approve", "同意")
    service.act(users["finance"], cid, "register",
                cuts=[{"line_no": 2, "approved": "800.00", "reason": "超过二类地区住宿标准（2 晚 × 400 元）"}])
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    header = lines[lines.index("费用项目"):][:7]
    assert header == ["费用项目", "摘要", "天数", "标准", "单据张数", "申报金额", "核定金额"]
    assert row(lines, "住宿费", 7)[5:] == ["¥1,000.00", "¥800.00"]
    assert row(lines, "城市间交通费", 7)[5:] == ["¥356.00", "¥356.00"]
    assert "核减：第2行住宿费 申报 ¥1,000.00，核定 ¥800.00，核减 ¥200.00，理由：超过二类地区住宿标准（2 晚 × 400 元）" in lines
    assert "申报金额合计 ¥1,356.00，核减 ¥200.00，核定金额合计 ¥1,156.00" in lines
    in_both(pdf, docx, "核定金额（大写）：人民币壹仟壹佰伍拾陆元整（小写）：¥1,156.00", "理由：超过二类地区住宿标准")
    for text in (pdf, docx):
        assert "合计金额（大写）" not in text  # once registered the form's total is the 核定 one


def test_the_leaders_written_approval_of_an_over_standard_amount_is_printed(db, users, tmp_path):
    service = ClaimService(db)
    cid = _over(db, users)
    words = "全省会议统一安排住宿，同意按实际金额报销"
    service.act(users["finance_leader"], cid, "approve", "同意", over_standard=words)
    service.act(users["finance"], cid, "register")
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    assert f"超标准审批（分管财务院领导）：{words}" in lines
    assert "核减" not in lines  # nothing cut: no 核减 column
    in_both(pdf, docx, f"超标准审批（分管财务院领导）：{words}", "核定金额（大写）：人民币壹仟叁佰伍拾陆元整（小写）：¥1,356.00")


# --- 预借 / 补领 / 退还 --------------------------------------------------------------------------------

def _advance(db, users, amount: str) -> int:
    advances = AdvanceService(db)
    on(11, 20)
    aid = advances.file(users["enforcer"], {"purpose": "赴石家庄执行查控", "amount": amount,
                                            "reasons": "往返车费约 400 元，住宿 2 晚约 800 元"}).id
    advances.act(users["finance_leader"], aid, "approve", "同意")
    on(11, 21)
    advances.act(users["cashier"], aid, "pay", paid_on=dt.date(2026, 11, 21))
    return aid


def _settled(db, users, aid: int, data: dict) -> int:
    service = ClaimService(db)
    on(12, 1)
    cid = _file(db, users, {**data, "advance_id": aid})
    on(12, 2)
    service.act(users["finance_leader"], cid, "approve", "同意")
    on(12, 3)
    service.act(users["finance"], cid, "register")
    return cid


@pytest.mark.parametrize(("advanced", "settled"), [
    ("1100.00", ("¥1,100.00", "¥0.00", "¥64.00")),  # less claimed than lent: ¥64.00 to hand back
    ("800.00", ("¥800.00", "¥236.00", "¥0.00")),  # more claimed than lent: ¥236.00 paid beyond it
])
def test_a_claim_against_an_advance_prints_what_was_advanced_topped_up_and_handed_back(
        db, users, tmp_path, advanced, settled):
    aid = _advance(db, users, advanced)
    cid = _settled(db, users, aid, travel_data(legs=LEGS))
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    cells = row(lines, "预借金额", 6)
    assert cells == ["预借金额", settled[0], "补领金额", settled[1], "退还金额", settled[2]]
    fen = [int(Decimal(c.lstrip("¥").replace(",", "")) * 100) for c in settled]
    assert fen[0] + fen[1] - fen[2] == 103600  # 核定 = 预借 + 补领 − 退还
    in_both(pdf, docx, f"预借金额 {settled[0]} 补领金额 {settled[1]} 退还金额 {settled[2]}")
    for text in (pdf, docx):
        assert "应付报销人" not in text  # what was printed before: 应付报销人 ¥0.00, and never the ¥64.00


def test_before_registration_a_claim_against_an_advance_says_the_settlement_is_to_come(db, users, tmp_path):
    aid = _advance(db, users, "1100.00")
    on(12, 1)
    cid = _file(db, users, {**travel_data(), "advance_id": aid})
    lines, _pdf, _docx = printed(db, "expense_claim", cid, tmp_path)
    assert any(line.startswith("冲抵借支：") and "审核登记后确定" in line for line in lines)
    assert "预借金额" not in lines


# --- signature boxes ----------------------------------------------------------------------------------

def _through(db, users, cid: int, *, registrar: str = "finance", payer: str = "cashier", method: str = "转账") -> None:
    service = ClaimService(db)
    on(12, 2)
    service.act(users["finance_leader"], cid, "approve", "同意")
    on(12, 3)
    service.act(users[registrar], cid, "register")
    on(12, 4)
    service.send_batch(users[registrar], [cid], sent_on=dt.date(2026, 12, 4))
    on(12, 5)
    service.act(users[registrar], cid, "reimburse", reimbursed_on=dt.date(2026, 12, 5))
    on(12, 7)
    service.act(users[payer], cid, "pay", pay_method=method, paid_on=dt.date(2026, 12, 7))


def test_every_role_of_the_flow_signs_in_its_own_box_with_its_name_and_date(db, users, tmp_path):
    on(12, 1)
    cid = _file(db, users, travel_data(legs=LEGS))
    _through(db, users, cid)
    on(12, 8)
    ClaimService(db).act(users["enforcer"], cid, "sign")
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    boxes = lines[lines.index("签字人"):]
    assert boxes[:4] == ["签字人", "姓名（系统记录）", "签名", "日期"]
    assert boxes[4:] == [
        "报销人", users["enforcer"].name, "二〇二六年十二月一日",
        "分管财务院领导（审批）", users["finance_leader"].name, "二〇二六年十二月二日",
        "财务审核（审核登记）", users["finance"].name, "二〇二六年十二月三日",
        "出纳（支付，转账）", users["cashier"].name, "二〇二六年十二月七日",
        "领款人", users["enforcer"].name, "二〇二六年十二月八日",
    ]
    in_both(pdf, docx, f"出纳（支付，转账） {users['cashier'].name} 二〇二六年十二月七日",
            f"领款人 {users['enforcer'].name} 二〇二六年十二月八日")


def test_in_an_office_of_two_the_checker_pays_and_both_boxes_carry_her_name(db, users, tmp_path):
    """孙丽 files; 钱红, the only other finance person, checks and pays: the 出纳 box says so."""
    on(12, 1)
    cid = _file(db, users, general_data(), who="finance")
    _through(db, users, cid, registrar="cashier", payer="cashier")
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    name = users["cashier"].name
    assert row(lines, "财务审核（审核登记）", 3) == ["财务审核（审核登记）", name, "二〇二六年十二月三日"]
    assert row(lines, "出纳（支付，转账）", 3) == ["出纳（支付，转账）", f"{name}（审核人兼）", "二〇二六年十二月七日"]
    assert row(lines, "领款人", 2) == ["领款人", BLANK_DATE]  # not yet signed for: room to sign, a blank date
    in_both(pdf, docx, f"出纳（支付，转账） {name}（审核人兼）")


def test_a_claim_its_advance_covered_prints_the_method_and_gets_no_payment_receipt(db, users, tmp_path):
    aid = _advance(db, users, "1100.00")
    cid = _settled(db, users, aid, travel_data(legs=LEGS))
    service = ClaimService(db)
    on(12, 4)
    service.send_batch(users["finance"], [cid], sent_on=dt.date(2026, 12, 4))
    service.act(users["finance"], cid, "reimburse", reimbursed_on=dt.date(2026, 12, 4))
    on(12, 5)
    service.act(users["cashier"], cid, "pay", pay_method=SET_OFF_ONLY, paid_on=dt.date(2026, 12, 5))
    lines, pdf, docx = printed(db, "expense_claim", cid, tmp_path)
    assert row(lines, f"出纳（{SET_OFF_ONLY}）", 2) == [f"出纳（{SET_OFF_ONLY}）", users["cashier"].name]
    in_both(pdf, docx, f"出纳（{SET_OFF_ONLY}）")
    with db.read() as s:
        with pytest.raises(NotFound, match="无款可领"):  # the kind's records: only claims with money to hand over
            printing.record_document(s, "claim_payment_receipt", cid)
        with pytest.raises(ValidationError, match="应付报销人 ¥0.00，无款可领，不出具领款签收单"):  # the builder itself
            printing.kind("claim_payment_receipt").build(s, cid)
        content = claim_content(s, s.get(ExpenseClaim, cid))
    with pytest.raises(ValidationError, match="实领金额"):
        payment_receipt_document(content)


def test_the_payment_receipt_has_boxes_for_the_cashier_and_the_receiver(db, users, tmp_path):
    on(12, 1)
    cid = _file(db, users, general_data("1050.50"))
    _through(db, users, cid)
    lines, pdf, docx = printed(db, "claim_payment_receipt", cid, tmp_path)
    boxes = lines[lines.index("签字人"):]
    assert row(boxes, "出纳（支付，转账）", 3) == ["出纳（支付，转账）", users["cashier"].name, "二〇二六年十二月七日"]
    assert row(boxes, "领款人", 2) == ["领款人", BLANK_DATE]  # to sign on receiving the money
    in_both(pdf, docx, "实领金额（大写）：人民币壹仟零伍拾元伍角整（小写）：¥1,050.50")


# --- 借支单 ------------------------------------------------------------------------------------------

def test_the_advance_slip_has_signature_boxes_and_a_repayment_record_with_court_dates(db, users, tmp_path):
    aid = _advance(db, users, "1100.00")
    cid = _settled(db, users, aid, travel_data(legs=LEGS))
    on(12, 4)
    AdvanceService(db).act(users["cashier"], aid, "return_cash", amount="64.00", returned_on=dt.date(2026, 12, 4))
    with db.read() as s:
        number = s.get(ExpenseClaim, cid).number
    lines, pdf, docx = printed(db, "advance_slip", aid, tmp_path)
    boxes = lines[lines.index("签字人"):lines.index("还款事项")]
    assert boxes[4:] == [
        "借款人", users["enforcer"].name, "二〇二六年十一月二十日",
        "分管财务院领导（审批）", users["finance_leader"].name, "二〇二六年十一月二十日",
        "出纳（付款）", users["cashier"].name, "二〇二六年十一月二十一日",
    ]
    assert row(lines, f"冲抵报销单 {number}", 2)[1] == "¥1,036.00"  # the part of the advance it cleared
    record = lines[lines.index("还款记录"):]
    assert record[1:3] == ["日期", "事项"]
    assert record[3:5] == ["二〇二六年十二月三日", f"报销单 {number} 冲抵 ¥1,036.00"]
    assert record[5:7] == ["二〇二六年十二月四日", f"交回现金 ¥64.00（{users['cashier'].name}经手）"]
    in_both(pdf, docx, "还款记录", f"二〇二六年十二月四日 交回现金 ¥64.00（{users['cashier'].name}经手）",
            "借支金额（大写）：人民币壹仟壹佰元整（小写）：¥1,100.00")
