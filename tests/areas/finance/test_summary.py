"""月度报销汇总: what the bureau reimbursed, by month, department and category — kept by the
登记财政局已报销 step, exported and printed like any register, and always equal to the claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.models import ExpenseClaim, ExpenseLine, MonthTotal
from courtdesk.areas.finance.summary import SUMMARY_REGISTER
from courtdesk.kernel import clock, printing, workflow
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.registers import RegisterQuery, get
from tests.areas.finance.helpers import general_data, invoice, travel_data
from tests.conftest import load_users


def _reimbursed(db, users, data, who="enforcer") -> int:
    """A claim of ``who`` taken through approval, registration and the bureau, reimbursed today."""
    service = ClaimService(db)
    cid = service.file(users[who], data).id
    service.act(users[who], cid, "submit")
    service.act(users["finance_leader"], cid, "approve", "同意")
    service.act(users["finance"], cid, "register")
    service.send_batch(users["finance"], [cid])
    service.act(users["finance"], cid, "reimburse", reimbursed_on=clock.today())
    return cid


def _totals(db, month: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(department, category) → (claims, lines, amount in fen) of ``month``."""
    with db.read() as s:
        rows = s.execute(select(Department.name, MonthTotal.category, MonthTotal.claim_count,
                                MonthTotal.line_count, MonthTotal.amount_fen)
                         .outerjoin(Department, Department.id == MonthTotal.department_id)
                         .where(MonthTotal.month == month)).all()
    return {(d or "", c): (n, lines, amount) for d, c, n, lines, amount in rows}


def _grown(before, after) -> dict[tuple[str, str], tuple[int, int, int]]:
    out = {}
    for key, now in after.items():
        was = before.get(key, (0, 0, 0))
        if now != was:
            out[key] = tuple(a - b for a, b in zip(now, was, strict=True))
    return out


def test_reimbursing_adds_to_its_month_department_and_categories(db, users):
    before = _totals(db, "2026-12")
    _reimbursed(db, users, travel_data())  # 黄磊 of 执行局: 城市间交通费 356.00, 住宿费 680.00
    assert _grown(before, _totals(db, "2026-12")) == {
        ("执行局", "城市间交通费"): (1, 1, 35600),
        ("执行局", "住宿费"): (1, 1, 68000),
    }


def test_two_claims_of_one_month_add_up_and_another_month_has_its_own_rows(db, users):
    before = _totals(db, "2026-12")
    two_lines = general_data("100.00")
    two_lines["expense_lines"].append({"category": "办公费", "description": "纸", "amount": "50.50"})
    two_lines["receipt_rows"].append({"receipt_type": "增值税普通发票", "invoice_number": invoice(),
                                      "issued_on": dt.date(2026, 11, 28), "amount": "50.50", "line_no": 2})
    _reimbursed(db, users, two_lines)
    _reimbursed(db, users, general_data("460.00"))
    _reimbursed(db, users, general_data("20.00"), who="judge")  # 民事审判庭
    assert _grown(before, _totals(db, "2026-12")) == {
        ("执行局", "办公费"): (2, 3, 10000 + 5050 + 46000),
        ("民事审判庭", "办公费"): (1, 1, 2000),
    }
    clock.set_now(dt.datetime(2027, 1, 4, 9, 0))
    january = _totals(db, "2027-01")
    _reimbursed(db, users, general_data("30.00"))
    assert _grown(january, _totals(db, "2027-01")) == {("执行局", "办公费"): (1, 1, 3000)}
    assert _grown(before, _totals(db, "2026-12")) == {  # December as it was
        ("执行局", "办公费"): (2, 3, 10000 + 5050 + 46000),
        ("民事审判庭", "办公费"): (1, 1, 2000),
    }


def _aggregate(session) -> dict[tuple[str, int | None, str], tuple[int, int, int]]:
    """The summary computed afresh from the reimbursed claims' lines."""
    rows = session.execute(
        select(ExpenseClaim.id, ExpenseClaim.reimbursed_on, ExpenseClaim.department_id, ExpenseLine.category,
               ExpenseLine.amount_fen)
        .join(ExpenseLine, ExpenseLine.claim_id == ExpenseClaim.id)
        .where(ExpenseClaim.reimbursed_on.is_not(None))).all()
    claims: dict[tuple[str, int | None, str], set[int]] = {}
    lines: dict[tuple[str, int | None, str], list[int]] = {}
    for claim_id, day, department_id, category, amount in rows:
        key = (f"{day:%Y-%m}", department_id, category)
        claims.setdefault(key, set()).add(claim_id)
        lines.setdefault(key, []).append(amount)
    return {key: (len(claims[key]), len(lines[key]), sum(lines[key])) for key in claims}


def _kept(session) -> dict[tuple[str, int | None, str], tuple[int, int, int]]:
    out = {}
    for t in session.scalars(select(MonthTotal)):
        key = (t.month, t.department_id, t.category)
        assert key not in out, key  # one row per month, department and category
        assert t.month_start == dt.date(int(t.month[:4]), int(t.month[5:]), 1)
        out[key] = (t.claim_count, t.line_count, t.amount_fen)
    return out


def test_the_kept_summary_equals_the_claims_on_any_database(any_db):
    users = load_users(any_db)
    with any_db.read() as s:
        demo = _kept(s)
        assert demo and demo == _aggregate(s)  # the demo's reimbursed claims, none missing or doubled
    _reimbursed(any_db, users, travel_data())
    _reimbursed(any_db, users, general_data("88.00"), who="judge")
    with any_db.read() as s:
        assert _kept(s) == _aggregate(s)
        assert len(_kept(s)) > len(demo)


def test_summary_exports_yuan_numbers_and_prints(db, users, tmp_path):
    _reimbursed(db, users, travel_data())
    spec = get("finance_month_total")
    assert spec is SUMMARY_REGISTER and spec.create is None and spec.workflow is None
    query = RegisterQuery(spec, date_from=dt.date(2026, 12, 1), date_to=dt.date(2026, 12, 31))
    path = tmp_path / "汇总.xlsx"
    with db.read() as s:
        written = export_xlsx(s, users["finance"], query, path)
        doc = printing.register_document(s, users["finance"], query)
        printing.render(doc, tmp_path / "汇总.pdf", "pdf")
    expected = _totals(db, "2026-12")
    ws = load_workbook(path).worksheets[0]
    header = [c.value for c in ws[3]]
    assert header == ["序号", "月份", "部门", "费用类别", "含该类的报销单数", "明细笔数", "金额"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    assert written == len(rows) == len(expected)
    for _n, month, department, category, claims, lines, amount in rows:
        assert month == "2026-12"
        assert isinstance(amount, int | float) and isinstance(claims, int)  # numbers Excel can sum
        fen = expected[(department or "", category)][2]
        assert Decimal(str(amount)).quantize(Decimal("0.01")) == Decimal(fen) / 100
        assert (claims, lines) == expected[(department or "", category)][:2]
    assert ("执行局", "住宿费") in expected and any(r[2:4] == ("执行局", "住宿费") for r in rows)
    assert (tmp_path / "汇总.pdf").stat().st_size > 0


def test_filters_and_who_may_open_it(db, users, tmp_path):
    _reimbursed(db, users, travel_data())
    _reimbursed(db, users, general_data("12.00"))
    with db.read() as s:
        def shown(filter_key: str) -> set[str]:
            query = RegisterQuery(SUMMARY_REGISTER, filter_key=filter_key)
            return {row[3] for row in query.stream(s, users["finance"])}

        assert {"城市间交通费", "住宿费"} <= shown("travel") and "办公费" not in shown("travel")
        assert "办公费" in shown("other") and "住宿费" not in shown("other")
        assert RegisterQuery(SUMMARY_REGISTER, filter_key="this_year").count(s, users["finance"]) > 0
        assert SUMMARY_REGISTER.can_open(users["finance_leader"])
        assert not SUMMARY_REGISTER.can_open(users["enforcer"])
        with pytest.raises(DomainError):
            export_xlsx(s, users["enforcer"], RegisterQuery(SUMMARY_REGISTER), tmp_path / "x.xlsx")


def test_a_reimbursement_date_typed_wrong_is_corrected_and_the_summary_follows(db, users):
    """更正报销日期: the claim leaves the wrong month's totals and joins the right one's, in one step
    that needs a reason; a wrong correction is refused naming the field and changes nothing."""
    service = ClaimService(db)
    cid = service.file(users["enforcer"], travel_data()).id
    service.act(users["enforcer"], cid, "submit")
    service.act(users["finance_leader"], cid, "approve", "同意")
    service.act(users["finance"], cid, "register")
    sent = clock.today()
    service.send_batch(users["finance"], [cid])
    clock.set_now(dt.datetime(2027, 1, 4, 9, 0))
    service.act(users["finance"], cid, "reimburse", reimbursed_on=dt.date(2027, 1, 4))  # really 2026-12-31
    december, january = _totals(db, "2026-12"), _totals(db, "2027-01")
    assert january[("执行局", "住宿费")][0] >= 1

    def refused(who, match, comment="财政局回单日期为 2026-12-31", **params):
        with db.read() as s:
            before = (_kept(s), s.get(ExpenseClaim, cid).reimbursed_on)
        with pytest.raises(DomainError, match=match):
            service.act(users[who], cid, "correct_reimbursed_on", comment, **params)
        with db.read() as s:
            assert (_kept(s), s.get(ExpenseClaim, cid).reimbursed_on) == before

    refused("finance", "必须填写意见或理由", comment="", reimbursed_on=dt.date(2026, 12, 31))
    refused("finance", "报销日期：与已登记的报销日期（2027-01-04）相同", reimbursed_on=dt.date(2027, 1, 4))
    refused("finance", f"报销日期：不能早于报送日期（{sent:%Y-%m-%d}）", reimbursed_on=sent - dt.timedelta(days=1))
    refused("finance", "报销日期：不能晚于当前时间", reimbursed_on=dt.date(2027, 1, 5))
    refused("enforcer", "只有财务人员", reimbursed_on=dt.date(2026, 12, 31))

    service.act(users["finance"], cid, "correct_reimbursed_on", "财政局回单日期为 2026-12-31",
                reimbursed_on=dt.date(2026, 12, 31))
    assert _grown(december, _totals(db, "2026-12")) == {
        ("执行局", "城市间交通费"): (1, 1, 35600), ("执行局", "住宿费"): (1, 1, 68000)}
    assert _grown(_totals(db, "2027-01"), january) == {  # what January lost
        ("执行局", "城市间交通费"): (1, 1, 35600), ("执行局", "住宿费"): (1, 1, 68000)}
    assert ("执行局", "住宿费") not in _totals(db, "2027-01") or january[("执行局", "住宿费")][0] > 1
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).reimbursed_on == dt.date(2026, 12, 31)
        assert _kept(s) == _aggregate(s)
        step = workflow.history(s, "finance_claim", cid)[-1]
    assert (step.action, step.comment) == ("correct_reimbursed_on",
                                           "报销日期由 2027-01-04 更正为 2026-12-31；财政局回单日期为 2026-12-31")

    # A summary that never held the claim (changed behind the app's back) refuses to go below zero.
    with db.write(users["admin"]) as s:
        for row in s.scalars(select(MonthTotal).where(MonthTotal.month == "2026-12")):
            s.delete(row)
    refused("finance", "报销日期：2026-12 的月度报销汇总中没有", reimbursed_on=dt.date(2027, 1, 2))

    # Once paid, the bureau's date may not be put after the payment.
    service.act(users["cashier"], cid, "pay", paid_on=dt.date(2027, 1, 2), pay_method="转账")
    refused("finance", "报销日期：不能晚于已支付的日期（2027-01-02）", reimbursed_on=dt.date(2027, 1, 3))


def test_two_workstations_adding_the_first_total_without_a_department_add_to_one_row(db, users):
    """The unique key does not hold for rows without a department (NULLs differ): while one
    workstation has just created such a month's row, another adding to the same month and category
    waits for it and adds to that row instead of creating a second one."""
    import threading

    from courtdesk.areas.finance import summary

    month, day, got = "2031-05", dt.date(2031, 5, 20), {}

    def second() -> None:
        with db.write(users["cashier"]) as s2:
            row = summary._locked_row(s2, day, None, "办公费")
            row.claim_count += 1
            s2.flush()
            got["second"] = row.id

    with db.write(users["finance"]) as s:
        row = summary._locked_row(s, day, None, "办公费")
        row.claim_count += 1
        s.flush()
        got["first"] = row.id
        other = threading.Thread(target=second)
        other.start()
        other.join(0.5)  # the other workstation is at the same step meanwhile
    other.join(30)
    assert got["second"] == got["first"]
    with db.read() as s:
        rows = s.scalars(select(MonthTotal).where(MonthTotal.month == month)).all()
    assert [(r.department_id, r.category, r.claim_count) for r in rows] == [(None, "办公费", 2)]
