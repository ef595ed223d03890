"""Advances (借支单): approval, payment, set-off by claims, returned cash, closing — and 第14条:
no new advance while one is not cleared."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.advances import ADVANCE_REGISTER, OPEN_ADVANCES_REGISTER, AdvanceService
from courtdesk.areas.finance.claims import SET_OFF_ONLY, ClaimService
from courtdesk.areas.finance.ledger import Ledger
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.kernel import clock
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.areas.finance.helpers import NOW, claim_against, general_data, pay_out

ESTIMATE = {"purpose": "赴广州执行异地查封", "amount": "3000.00", "reasons": "机票 1,800 元，住宿 900 元，其他 300 元"}


def _count(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Advance)))


def _paid(db, users, who: str = "judge", amount: str = "3000.00", on: dt.datetime = NOW) -> int:
    """An advance of ``who`` requested, approved and paid out on ``on``."""
    service = AdvanceService(db)
    clock.set_now(on)
    try:
        aid = service.file(users[who], {**ESTIMATE, "amount": amount}).id
        service.act(users["finance_leader"], aid, "approve", "同意")
        service.act(users["cashier"], aid, "pay")
    finally:
        clock.set_now(NOW)
    return aid


def test_second_advance_is_refused_naming_the_open_one_and_citing_article_14(db, users):
    aid = _paid(db, users, on=dt.datetime(2026, 11, 29, 9))
    before = _count(db)
    with db.read() as s:
        number = s.get(Advance, aid).number
    with pytest.raises(ValidationError) as refused:
        AdvanceService(db).file(users["judge"], {**ESTIMATE, "amount": "500.00"})
    assert str(refused.value) == (f"借支：您有一笔借支尚未结清（{number}，¥3,000.00，已借出 2 天），"
                                  "不能再次预支。依据《办公室财务管理办法》第14条。")
    assert refused.value.field == "借支"
    assert _count(db) == before


def test_an_advance_waiting_for_approval_also_blocks_a_second(db, users):
    AdvanceService(db).file(users["judge"], ESTIMATE)
    with pytest.raises(ValidationError, match="待审批.*第14条"):
        AdvanceService(db).file(users["judge"], ESTIMATE)


def test_smaller_claim_and_returned_cash_close_the_advance(db, users):
    aid = _paid(db, users)
    cid = claim_against(db, users, aid, "2700.00")
    with db.read() as s:
        advance = s.get(Advance, aid)
        assert (advance.status, advance.set_off_fen) == ("paid", 270000)
    service = AdvanceService(db)
    with pytest.raises(ValidationError, match="交回金额：¥400.00 超过尚未冲抵或交回的借支余额 ¥300.00"):
        service.act(users["cashier"], aid, "return_cash", amount="400.00")
    with pytest.raises(ValidationError, match="交回金额：最多保留两位小数"):
        service.act(users["cashier"], aid, "return_cash", amount="1.001")
    with pytest.raises(ValidationError, match="借支：尚未结清"):
        service.act(users["finance"], aid, "close")
    closed = service.act(users["cashier"], aid, "return_cash", amount="300.00")
    assert closed.status == "closed" and closed.closed_at == clock.now()
    pay_out(db, users, cid)
    # cleared: a new advance may be taken
    assert AdvanceService(db).file(users["judge"], ESTIMATE).status == "submitted"


def test_claim_above_the_advance_pays_the_difference_and_closes_it(db, users):
    aid = _paid(db, users, amount="2000.00")
    cid = claim_against(db, users, aid, "2546.00")
    with db.read() as s:
        assert s.get(Advance, aid).status == "paid"
    pay_out(db, users, cid)
    with db.read() as s:
        advance = s.get(Advance, aid)
        assert (advance.status, advance.set_off_fen, advance.difference_paid_fen) == ("closed", 254600, 54600)
        from courtdesk.areas.finance.models import ExpenseClaim
        assert s.get(ExpenseClaim, cid).payable_fen == 54600


def test_separation_of_duties_and_roles_on_advances(db, users):
    service = AdvanceService(db)
    own = service.file(users["finance_leader"], ESTIMATE).id
    with pytest.raises(PermissionDenied, match="不能审批或经办自己的借支"):
        service.act(users["finance_leader"], own, "approve")
    aid = service.file(users["judge"], ESTIMATE).id
    with pytest.raises(PermissionDenied, match="只有分管财务院领导（其本人的借支由院长）可以执行「批准」"):
        service.act(users["finance"], aid, "approve")
    service.act(users["finance_leader"], aid, "approve")
    with pytest.raises(PermissionDenied, match="只有财务人员可以执行「付款」"):
        service.act(users["finance_leader"], aid, "pay")
    with pytest.raises(ValidationError, match="付款日期：不能晚于"):
        service.act(users["cashier"], aid, "pay", paid_on=dt.date(2026, 12, 9))


@pytest.mark.parametrize(("amount", "message"), [
    ("-100", "借支金额：不能为负数"), ("0", "借支金额：必须大于零"), ("100.005", "借支金额：最多保留两位小数（分）"),
])
def test_bad_advance_amounts_are_refused(db, users, amount, message):
    before = _count(db)
    with pytest.raises(ValidationError, match=message):
        AdvanceService(db).file(users["judge"], {**ESTIMATE, "amount": amount})
    assert _count(db) == before


def test_open_advances_per_person_with_age(db, users):
    with db.read() as s:
        rows = [display_row(OPEN_ADVANCES_REGISTER, r)
                for r in RegisterQuery(OPEN_ADVANCES_REGISTER).page(s, users["finance"], 0, 50)]
        assert not OPEN_ADVANCES_REGISTER.can_open(users["judge"])
        all_rows = RegisterQuery(ADVANCE_REGISTER).count(s, users["finance"])
    labels = [c.key for c in OPEN_ADVANCES_REGISTER.columns]
    by_person = {r[labels.index("applicant")]: r for r in rows}
    assert by_person["何佳"][labels.index("age")] == "21"  # paid out on 11-10, today 12-01
    assert by_person["何佳"][labels.index("outstanding")] == "¥1,500.00"
    assert "林晓" in by_person and all_rows > len(rows)


def test_ledger_always_balances_for_random_settlements():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(amount=st.integers(1, 10**8), claims=st.lists(st.integers(1, 10**8), max_size=4),
                      data=st.data())
    def run(amount: int, claims: list[int], data) -> None:
        ledger = Ledger(amount)
        payable_total = 0
        for total in claims:
            if ledger.outstanding == 0 and ledger.set_off:
                break  # the advance is used up: a further claim is an ordinary claim
            ledger, payable = ledger.set_against(total)
            payable_total += payable
            assert 0 <= payable <= total
        if ledger.outstanding:
            part = data.draw(st.integers(1, ledger.outstanding))
            ledger = ledger.give_back(part)
            if ledger.outstanding:
                ledger = ledger.give_back(ledger.outstanding)
        assert ledger.difference_due == payable_total
        ledger = ledger.pay_difference(ledger.difference_due)
        assert ledger.balanced
        assert ledger.amount + ledger.difference_paid == ledger.set_off + ledger.returned

    run()


def test_ledger_balances_through_the_services(db, users):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    people = iter(["judge", "enforcer", "political", "civil_head", "itops", "secrecy", "clerk", "office_head"])

    @hypothesis.settings(max_examples=6, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(amount=st.integers(100, 500_000), claimed=st.integers(100, 800_000))
    def run(amount: int, claimed: int) -> None:
        who = next(people)
        aid = _paid(db, users, who=who, amount=f"{amount / 100:.2f}")
        cid = claim_against(db, users, aid, f"{claimed / 100:.2f}", who=who)
        with db.read() as s:
            outstanding = s.get(Advance, aid).amount_fen - claimed
        if outstanding > 0:
            AdvanceService(db).act(users["cashier"], aid, "return_cash", amount=f"{outstanding / 100:.2f}")
        pay_out(db, users, cid, who=who)
        with db.read() as s:
            a = s.get(Advance, aid)
            assert a.status == "closed"
            assert a.amount_fen + a.difference_paid_fen == a.set_off_fen + a.returned_fen
            assert a.difference_paid_fen == max(0, claimed - amount)

    run()


def test_days_out_count_only_while_the_cash_is_out(db, users):
    """已借天数 is blank for an advance not yet paid out, counts from the payment, and is blank again
    once the advance is closed."""
    service = AdvanceService(db)
    clock.set_now(NOW - dt.timedelta(days=3))
    aid = service.file(users["judge"], {**ESTIMATE, "amount": "800.00"}).id
    keys = [c.key for c in ADVANCE_REGISTER.columns]

    def days_out() -> str:
        with db.read() as s:
            row = RegisterQuery(ADVANCE_REGISTER).one(s, users["finance"], aid)
        return dict(zip(keys, display_row(ADVANCE_REGISTER, row), strict=True))["age"]

    assert days_out() == ""
    service.act(users["finance_leader"], aid, "approve")
    assert days_out() == ""
    service.act(users["cashier"], aid, "pay")
    clock.set_now(NOW)
    assert days_out() == "3"
    service.act(users["cashier"], aid, "return_cash", amount="800.00")
    assert days_out() == ""


def test_a_claim_the_advance_covers_in_full_is_paid_as_set_off_and_has_no_payment_receipt(db, users):
    from courtdesk.areas.finance.claims import CLAIM_REGISTER
    from courtdesk.kernel import printing

    aid = _paid(db, users)
    cid = claim_against(db, users, aid, "2700.00")  # within the advance: nothing more to pay
    claims = ClaimService(db)
    claims.send_batch(users["finance"], [cid])
    claims.act(users["finance"], cid, "reimburse")
    with db.read() as s:
        facts = dict(CLAIM_REGISTER.facts(s, s.get(ExpenseClaim, cid)))
    assert facts["应付报销人"] == "¥0.00（已全额冲抵借支，无需支付）"  # what the pay dialog shows
    with pytest.raises(ValidationError, match="支付方式：本单应付 ¥0.00（已全额冲抵借支），请选「冲抵借支，无需支付」"):
        claims.act(users["cashier"], cid, "pay", pay_method="转账")
    paid = claims.act(users["cashier"], cid, "pay", pay_method=SET_OFF_ONLY)
    assert paid.status == "paid" and paid.pay_method == SET_OFF_ONLY
    with db.read() as s:
        assert cid not in set(s.scalars(printing.kind("claim_payment_receipt").ids()))  # no receipt for ¥0


def test_a_claim_with_money_due_is_not_closed_as_set_off(db, users):
    aid = _paid(db, users, amount="2000.00")
    cid = claim_against(db, users, aid, "2546.00")
    claims = ClaimService(db)
    claims.send_batch(users["finance"], [cid])
    claims.act(users["finance"], cid, "reimburse")
    with pytest.raises(ValidationError, match="支付方式：本单应付 ¥546.00，不是「冲抵借支，无需支付」"):
        claims.act(users["cashier"], cid, "pay", pay_method=SET_OFF_ONLY)


def test_a_claim_clears_an_advance_for_another_trip_only_with_a_reason(db, users):
    from courtdesk.areas.finance.claims import CLAIM_REGISTER
    from tests.areas.finance.helpers import travel_data

    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    service = AdvanceService(db)
    aid = service.file(users["judge"], {**ESTIMATE, "trip_start": dt.date(2026, 12, 10),
                                        "trip_end": dt.date(2026, 12, 12)}).id
    service.act(users["finance_leader"], aid, "approve")
    service.act(users["cashier"], aid, "pay")
    clock.set_now(dt.datetime(2026, 12, 15, 9, 0))
    other_trip = travel_data(traveller_ids=[users["judge"].id], travellers="", advance_id=aid,
                             trip_start=dt.date(2026, 12, 4), trip_end=dt.date(2026, 12, 6))
    for r in other_trip["receipt_rows"]:
        r["issued_on"] = dt.date(2026, 12, 4) if r["issued_on"] == dt.date(2026, 11, 24) else dt.date(2026, 12, 6)
    claims = ClaimService(db)
    with pytest.raises(ValidationError) as refused:
        claims.file(users["judge"], other_trip)
    assert refused.value.field == "冲抵说明"
    assert "2026-12-10 至 2026-12-12 的出差借的，与本次出差（2026-12-04 至 2026-12-06）不重叠" in str(refused.value)
    with pytest.raises(ValidationError, match="与本报销单（非该次出差）不重叠"):
        claims.file(users["judge"], general_data("300.00", advance_id=aid))
    cid = claims.file(users["judge"], {**other_trip, "set_off_reason": "12 月 10 日出差取消，借款用于本次出差"}).id
    with db.read() as s:
        facts = dict(CLAIM_REGISTER.facts(s, s.get(ExpenseClaim, cid)))
    assert facts["冲抵说明"] == "12 月 10 日出差取消，借款用于本次出差"


def test_the_advance_slip_shows_what_a_claim_cleared_not_the_claims_total(db, users, tmp_path):
    """A ¥2,546 claim against a ¥2,000 advance clears ¥2,000 of it; the ¥546 beyond is 补付 (issue 16 §5:
    the slip printed 冲抵 ¥2,546 against a ¥2,000 advance)."""
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    aid = _paid(db, users, amount="2000.00")
    cid = claim_against(db, users, aid, "2546.00")
    pay_out(db, users, cid)
    with db.read() as s:
        number = s.get(ExpenseClaim, cid).number
        render_pdf(printing.kind("advance_slip").build(s, aid), tmp_path / "slip.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "slip.pdf")))
    assert squash(f"冲抵报销单 {number}（报销合计 ¥2,546.00） ¥2,000.00") in text
    assert squash("补付借款人 ¥546.00") in text and squash("尚未冲抵或交回 ¥0.00") in text


def test_every_ledger_event_is_a_step_of_the_advance_with_its_amount(db, users):
    """Issue 16 §6: the advance's history showed no set-off and no returned amount (only its remarks did)."""
    from courtdesk.areas.finance.advances import ADVANCE_WORKFLOW
    from courtdesk.kernel import workflow

    aid = _paid(db, users)
    cid = claim_against(db, users, aid, "2700.00")
    AdvanceService(db).act(users["cashier"], aid, "return_cash", "现金已点清", amount="300.00")
    with db.read() as s:
        number = s.get(ExpenseClaim, cid).number
        steps = [(st.action, st.comment) for st in workflow.history(s, ADVANCE_WORKFLOW.entity, aid)]
    ledger = [(action, comment) for action, comment in steps if action in ("ledger", "return_cash")]
    assert ledger[0][0] == "ledger" and f"报销单 {number} 冲抵 ¥2,700.00" in ledger[0][1]
    assert ledger[1][0] == "return_cash" and "交回现金 ¥300.00" in ledger[1][1] and ledger[1][1].endswith("现金已点清")
    assert steps[-1][0] == "close"  # and the advance closed itself
