"""Travel standards (差旅费标准, SPEC §3): allowances computed from the trip's days × persons × the
rate of the settings, a line above its standard flagged for finance (not refused at save), 审核登记
refused without finance's reason, allowances needing no receipt, and the printed 差旅费报销单 showing
the standards used."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance import standards
from courtdesk.areas.finance.claims import CLAIM_EDIT, ClaimService, claim_values
from courtdesk.areas.finance.models import ExpenseClaim, ExpenseLine
from courtdesk.kernel import printing, settings
from courtdesk.kernel.documents import render_docx, render_pdf
from courtdesk.kernel.errors import ValidationError
from tests.areas.finance.helpers import general_data, travel_data
from tests.support.readback import docx_body_lines, pdf_page_texts, squash

pytestmark = pytest.mark.sqlite_only

ALLOWANCE_LINES = [{"category": "伙食补助费", "description": "", "amount": ""},
                   {"category": "市内交通费", "description": "", "amount": ""}]


def _with_allowances(**over: Any) -> dict[str, Any]:
    """travel_data (3 days, 城市间交通费 and 住宿费 with receipts) plus two blank allowance lines."""
    data = travel_data(**over)
    data["expense_lines"] = data["expense_lines"] + [dict(line) for line in ALLOWANCE_LINES]
    return data


def _lines(db, claim_id: int) -> list[tuple[str, str, int]]:
    with db.read() as s:
        return [(ln.category, ln.description, ln.amount_fen) for ln in s.get(ExpenseClaim, claim_id).lines]


def _approved(db, users, data: dict[str, Any], who: str = "enforcer") -> int:
    service = ClaimService(db)
    cid = service.file(users[who], data).id
    service.act(users[who], cid, "submit")
    service.act(users["finance_leader"], cid, "approve", "同意")
    return cid


def _over_data() -> dict[str, Any]:
    """Three travellers, 3 days, 二类: lodging 1 晚 too many (cap 2 晚 × 400 × 3 = 2,400), meals 1,200
    against 3 × 100 × 3 = 900."""
    data = travel_data(travellers="黄磊、张伟，李明")
    data["expense_lines"][1]["amount"] = "2500.00"
    data["receipt_rows"][2]["amount"] = "2500.00"
    data["expense_lines"].append({"category": "伙食补助费", "description": "按实际", "amount": "1200.00"})
    return data


LODGING_FLAG = "费用明细第2行（住宿费）：2,500.00 元，超过标准 2,400.00 元（二类地区 2 晚 × 400 元 × 3 人）"
MEALS_FLAG = "费用明细第3行（伙食补助费）：1,200.00 元，超过标准 900.00 元（3 天 × 100 元 × 3 人）"


def test_trip_days_nights_and_persons():
    assert standards.trip_days(dt.date(2026, 11, 24), dt.date(2026, 11, 26)) == 3  # 按自然天数
    assert standards.trip_days(dt.date(2026, 11, 24), dt.date(2026, 11, 24)) == 1
    assert standards.nights(1) == 0 and standards.nights(3) == 2
    assert standards.persons("黄磊、张伟，李明 王芳,赵强") == 5
    assert standards.persons("黄磊") == 1


def test_blank_allowances_are_computed_from_days_persons_and_rate(db, users):
    cid = ClaimService(db).file(users["enforcer"], _with_allowances(travellers="黄磊、张伟")).id
    lines = _lines(db, cid)
    assert lines[2:] == [("伙食补助费", "3 天 × 100 元 × 2 人", 60000), ("市内交通费", "3 天 × 80 元 × 2 人", 48000)]
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert claim.total_fen == 35600 + 68000 + 60000 + 48000
        assert claim.city_class == "二类" and claim.receipt_count == 3
        assert standards.over_standard(s, claim) == []


def test_allowances_follow_the_settings_of_the_day(db, users):
    settings.SettingsService(db).save(users["admin"], {"travel_meal_rate": "120", "travel_local_rate": "60"})
    cid = ClaimService(db).file(users["enforcer"], _with_allowances()).id
    assert _lines(db, cid)[2:] == [("伙食补助费", "3 天 × 120 元 × 1 人", 36000),
                                   ("市内交通费", "3 天 × 60 元 × 1 人", 18000)]
    # a typed description is kept; only the blank amount is computed (another traveller: one trip,
    # one claim)
    data = _with_allowances(travellers="张伟")
    data["expense_lines"][2]["description"] = "出差伙食补助"
    other = ClaimService(db).file(users["enforcer"], data).id
    assert _lines(db, other)[2] == ("伙食补助费", "出差伙食补助", 36000)


def test_an_edit_round_trips_the_class_and_recomputes_blank_allowances(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], _with_allowances()).id
    with db.read() as s:
        values = claim_values(s.get(ExpenseClaim, cid))
    assert values["city_class"] == "二类"
    values["trip_end"] = dt.date(2026, 11, 27)  # one day longer: the blank allowances follow
    values["expense_lines"][2]["amount"] = values["expense_lines"][3]["amount"] = None
    service.edit(users["enforcer"], cid, values, "返回日期有误")
    assert [fen for _c, _d, fen in _lines(db, cid)[2:]] == [40000, 32000]
    # made a general claim: the travel fields, the class among them, are cleared
    service.edit(users["enforcer"], cid, general_data(), "改为支出报销单")
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert (claim.kind, claim.city_class, claim.travellers) == ("general", "", "")
    assert any(f.key == "city_class" for f in CLAIM_EDIT.fields)


def test_the_class_is_required_on_a_travel_claim(db, users):
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(ExpenseClaim))
    with pytest.raises(ValidationError, match="住宿标准地区类别：差旅费报销单必填") as refused:
        ClaimService(db).file(users["enforcer"], travel_data(city_class=""))
    assert refused.value.field == "住宿标准地区类别"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ExpenseClaim)) == before


def test_a_blank_amount_is_refused_on_any_other_line_naming_it(db, users):
    data = travel_data()
    data["expense_lines"][1]["amount"] = ""
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(ExpenseLine))
    with pytest.raises(ValidationError, match="费用明细第2行 金额：必填") as refused:
        ClaimService(db).file(users["enforcer"], data)
    assert refused.value.field == "费用明细第2行 金额"
    general = general_data()
    general["expense_lines"][0]["amount"] = ""
    with pytest.raises(ValidationError, match="费用明细第1行 金额：必填"):
        ClaimService(db).file(users["enforcer"], general)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ExpenseLine)) == before


def test_lines_above_their_standard_are_flagged_not_refused(db, users):
    service = ClaimService(db)
    cid = service.file(users["enforcer"], _over_data()).id  # saved: a flag is not a refusal
    service.act(users["enforcer"], cid, "submit")
    with db.read() as s:
        assert standards.over_standard(s, s.get(ExpenseClaim, cid)) == [LODGING_FLAG, MEALS_FLAG]
    problems = service.problems(users["finance"], cid)
    assert LODGING_FLAG in problems and MEALS_FLAG in problems
    service.act(users["finance_leader"], cid, "approve", "同意")  # the leader approves; finance checks


def test_lines_of_one_category_are_checked_together(db, users):
    data = _with_allowances()
    data["expense_lines"].append({"category": "伙食补助费", "description": "补", "amount": "50.00"})
    cid = ClaimService(db).file(users["enforcer"], data).id
    with db.read() as s:
        assert standards.over_standard(s, s.get(ExpenseClaim, cid)) == [
            "费用明细第3、5行（伙食补助费）合计：350.00 元，超过标准 300.00 元（3 天 × 100 元 × 1 人）"]


def test_raising_the_standard_clears_the_flag(db, users):
    cid = ClaimService(db).file(users["enforcer"], _over_data()).id
    settings.SettingsService(db).save(users["admin"], {"travel_lodging_2": "450", "travel_meal_rate": "150"})
    with db.read() as s:
        assert standards.over_standard(s, s.get(ExpenseClaim, cid)) == []


def test_register_refuses_an_over_standard_amount_kept_without_the_leaders_approval(db, users):
    """A line above its standard was payable in full once any comment was written: now it is cut to
    the standard (核减) unless the leader approved the excess in writing."""
    service = ClaimService(db)
    cid = _approved(db, users, _over_data())
    with pytest.raises(ValidationError) as refused:
        service.act(users["finance"], cid, "register", "理由随便写")
    text = str(refused.value)
    assert refused.value.field == "核减"
    assert "费用明细第2行（住宿费）核定 ¥2,500.00，超过标准 2,400.00 元" in text
    assert "费用明细第3行（伙食补助费）核定 ¥1,200.00，超过标准 900.00 元" in text
    assert "分管财务院领导审批时书面同意" in text and "《办公室财务管理办法》第3条" in text
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert (claim.status, claim.checker_id, claim.payable_fen, claim.approved_total_fen) == (
            "approved", None, None, None)


def test_a_claim_within_the_standards_registers_without_comment(db, users):
    cid = _approved(db, users, _with_allowances())
    assert ClaimService(db).act(users["finance"], cid, "register").status == "registered"


def test_allowances_need_no_receipt_other_travel_lines_still_do(db, users):
    service = ClaimService(db)
    cid = _approved(db, users, _with_allowances())  # allowances without receipts pass approval
    assert service.problems(users["finance"], cid) == []
    data = _with_allowances(travellers="张伟")  # another traveller: one trip is claimed once
    data["receipt_rows"] = [r for r in data["receipt_rows"] if r["line_no"] == 1]
    other = service.file(users["enforcer"], data).id
    service.act(users["enforcer"], other, "submit")
    problems = service.problems(users["finance"], other)
    assert len(problems) == 1 and "费用明细第2行：住宿费 ¥680.00 没有对应的原始票据" in problems[0]


def test_a_claim_of_allowances_only_is_submitted_without_receipts(db, users):
    data = travel_data(transport="公务用车", expense_lines=[dict(line) for line in ALLOWANCE_LINES],
                       receipt_rows=[])
    cid = _approved(db, users, data)
    assert ClaimService(db).act(users["finance"], cid, "register").status == "registered"


def test_general_claims_are_unaffected(db, users):
    service = ClaimService(db)
    data = general_data("460.00")
    data["expense_lines"].append({"category": "办公费", "description": "墨盒", "amount": "99.00"})
    cid = service.file(users["enforcer"], data).id
    service.act(users["enforcer"], cid, "submit")
    problems = service.problems(users["finance"], cid)
    assert len(problems) == 1 and "费用明细第2行：办公费 ¥99.00 没有对应的原始票据" in problems[0]
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        assert standards.over_standard(s, claim) == [] and claim.city_class == ""
    # an empty receipt register is still refused at submission
    empty = service.file(users["enforcer"], general_data(receipt_rows=[])).id
    with pytest.raises(ValidationError, match="原始票据：请登记所附的原始票据"):
        service.act(users["enforcer"], empty, "submit")


def test_the_printed_travel_form_shows_the_standards_and_marks_the_excess(db, users, tmp_path):
    data = _over_data()
    data["expense_lines"].append({"category": "市内交通费", "description": "", "amount": ""})  # no receipt
    cid = _approved(db, users, data)
    with db.read() as s:
        doc = printing.record_document(s, "expense_claim", cid)
    pdf, docx_path = tmp_path / "travel.pdf", tmp_path / "travel.docx"
    render_pdf(doc, pdf)
    render_docx(doc, docx_path)
    for text in ("".join(pdf_page_texts(pdf)), "".join(docx_body_lines(docx_path))):
        flat = squash(text)
        for phrase in ("出差天数3天", "出差人数3人", "住宿标准二类地区",
                       "差旅费标准：伙食补助费100元/人·天，市内交通费80元/人·天，住宿费二类地区400元/人·晚",
                       "（出差3人，3天2晚）", "3天×80元×3人", "¥720.00", "按标准", "超标准：" + squash(LODGING_FLAG),
                       "超标准：" + squash(MEALS_FLAG)):
            assert phrase in flat, phrase
        assert flat.count("超标准") == 4  # the two remark cells and the two notes under the table


def test_a_submitted_claim_keeps_the_standards_of_its_day(db, users, tmp_path):
    """The province raises its standards after a claim was submitted: that claim is still judged and
    printed by the standards it was submitted under; a draft follows the new settings."""
    cid = _approved(db, users, _over_data())
    draft = ClaimService(db).file(users["judge"], {**_over_data(), "travellers": "王五、赵六、孙七"}).id  # others
    settings.SettingsService(db).save(users["admin"], {"travel_lodging_2": "900", "travel_meal_rate": "500"})
    assert ClaimService(db).problems(users["finance"], cid) == [LODGING_FLAG, MEALS_FLAG]
    assert ClaimService(db).problems(users["judge"], draft) == []  # within the new standards
    with db.read() as s:
        claim = s.get(ExpenseClaim, cid)
        pdf = tmp_path / "claim.pdf"
        render_pdf(printing.kind("expense_claim").build(s, cid), pdf)
        printed = squash("".join(pdf_page_texts(pdf)))
        assert squash("伙食补助费 100 元/人·天") in printed and squash("住宿费 二类地区 400 元/人·晚") in printed
        assert standards.rates_of(s, claim).lodging["二类"] == 400
        assert standards.rates_of(s, s.get(ExpenseClaim, draft)).lodging["二类"] == 900
    # a claim returned and resubmitted takes the standards of its resubmission
    service = ClaimService(db)
    service.act(users["finance"], cid, "return", "住宿费请核对", reason="金额不符")
    service.act(users["enforcer"], cid, "submit")
    assert service.problems(users["finance"], cid) == []


def test_an_edit_that_lengthens_the_trip_computes_the_allowances_again(db, users):
    """The edit form brings computed allowances back blank: correcting the return date from the 26th
    to the 28th gives 5 days' allowances, not the old 3 days'; an amount typed by hand stays."""
    service = ClaimService(db)
    data = _with_allowances()
    data["expense_lines"][3]["amount"] = "150.00"  # 市内交通费 typed by hand
    cid = service.file(users["enforcer"], data).id
    with db.read() as s:
        values = claim_values(s.get(ExpenseClaim, cid))
    assert values["expense_lines"][2] == {"category": "伙食补助费", "description": "", "amount": None, "days": None}
    assert values["expense_lines"][3]["amount"] == 150
    values["trip_end"] = dt.date(2026, 11, 28)
    service.edit(users["enforcer"], cid, values, "返回日期填错")
    assert _lines(db, cid)[2:] == [("伙食补助费", "5 天 × 100 元 × 1 人", 50000), ("市内交通费", "", 15000)]
