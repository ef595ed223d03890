"""The advance ledger as one function of its entries (issue 16 §3; 《办公室财务管理办法》第11、14条).

Advance 1,000 → claims 600 + 600 (200 paid) → the first claim returned: 600 is owed (not 400), the
advance is open again, and correcting and paying the returned claim closes it (it raised a raw
``ValueError`` before). A claim returned after its applicant got another advance is refused, naming
both. A hypothesis state machine walks every order of advances, set-offs, returns, reversals, cash
handed back and differences paid through the real services and asserts after every step: the stored
ledger equals the ledger of its entries; balance = advance − set-offs − cash returned + differences
paid; closed ⇔ balanced; at most one open advance per person; the claims still waiting to be paid
are owed exactly what the advance says it owes; the printed 借支单 shows the same figures.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from courtdesk.areas.finance import advances
from courtdesk.areas.finance.advances import AdvanceService
from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.documents import build_advance
from courtdesk.areas.finance.ledger import DIFFERENCE, RETURN, SET_OFF, TAKE_BACK, Ledger, of_entries
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.money import format_yuan, from_fen
from tests.areas.finance.helpers import claim_against, pay_out
from tests.support.readback import pdf_page_texts, squash

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
stateful = pytest.importorskip("hypothesis.stateful")

ESTIMATE = {"purpose": "赴广州执行异地查封", "reasons": "机票 1,800 元，住宿 900 元，其他 300 元"}
RETURN_PARAMS = {"reason": "其他"}


def _advance(db, users, who: str, amount: str) -> int:
    service = AdvanceService(db)
    aid = service.file(users[who], {**ESTIMATE, "amount": amount}).id
    service.act(users["finance_leader"], aid, "approve", "同意")
    service.act(users["cashier"], aid, "pay")
    return aid


def _again(db, users, who: str, cid: int) -> None:
    """The returned claim corrected and registered again."""
    claims = ClaimService(db)
    claims.act(users[who], cid, "submit")
    claims.act(users["finance_leader"], cid, "approve")
    claims.act(users["finance"], cid, "register")


def _state(db, aid: int) -> tuple[str, Ledger]:
    with db.read() as s:
        a = s.get(Advance, aid)
        return a.status, advances.ledger_of(a)


def test_a_claim_returned_after_the_difference_was_paid_leaves_what_is_really_owed(db, users):
    aid = _advance(db, users, "civil_head", "1000.00")
    first = claim_against(db, users, aid, "600.00", "civil_head")
    second = claim_against(db, users, aid, "600.00", "civil_head")
    pay_out(db, users, second, "civil_head")  # the 200 beyond the advance paid out
    assert _state(db, aid)[0] == "closed"
    ClaimService(db).act(users["finance"], first, "return", "发票抬头有误", **RETURN_PARAMS)
    status, ledger = _state(db, aid)
    assert status == "paid" and ledger.outstanding == 60000  # 1,000 + 200 out, 600 accounted for
    with db.read() as s:
        assert advances.open_advance_of(s, users["civil_head"].id).id == aid  # 第14条 holds it
        pdf = io.BytesIO()
        render_pdf(build_advance(s, aid), pdf)
    assert "尚未冲抵或交回¥600.00" in squash("".join(pdf_page_texts(io.BytesIO(pdf.getvalue()))))
    _again(db, users, "civil_head", first)  # corrected: it clears the 600, nothing more to pay
    with db.read() as s:
        assert s.get(ExpenseClaim, first).payable_fen == 0
    pay_out(db, users, first, "civil_head")
    status, ledger = _state(db, aid)
    assert status == "closed" and ledger.balanced and ledger.difference_paid == 20000


def test_a_claim_returned_before_the_difference_was_paid_is_no_longer_owed_it(db, users):
    aid = _advance(db, users, "civil_head", "1000.00")
    first = claim_against(db, users, aid, "600.00", "civil_head")
    second = claim_against(db, users, aid, "600.00", "civil_head")
    with db.read() as s:
        assert s.get(ExpenseClaim, second).payable_fen == 20000
    ClaimService(db).act(users["finance"], first, "return", "发票抬头有误", **RETURN_PARAMS)
    with db.read() as s:  # the applicant still holds 400 of the advance: nothing to pay on the second
        assert s.get(ExpenseClaim, second).payable_fen == 0
    pay_out(db, users, second, "civil_head")  # paid as a set-off, no ValueError
    assert _state(db, aid)[1].outstanding == 40000
    _again(db, users, "civil_head", first)
    with db.read() as s:
        assert s.get(ExpenseClaim, first).payable_fen == 20000
    pay_out(db, users, first, "civil_head")
    status, ledger = _state(db, aid)
    assert status == "closed" and ledger.difference_paid == 20000


def test_a_reversal_that_would_leave_two_open_advances_is_refused_naming_both(db, users):
    first_advance = _advance(db, users, "civil_head", "1000.00")
    cid = claim_against(db, users, first_advance, "1000.00", "civil_head")  # clears it: closed
    second_advance = AdvanceService(db).file(users["civil_head"], {**ESTIMATE, "amount": "500.00"}).id
    with db.read() as s:
        numbers = s.get(Advance, first_advance).number, s.get(Advance, second_advance).number
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).act(users["finance"], cid, "return", "发票抬头有误", **RETURN_PARAMS)
    text = str(refused.value)
    assert numbers[0] in text and numbers[1] in text and "第14条" in text
    assert f"请先结清借支 {numbers[1]}" in text and refused.value.field == "退回申请人"
    with db.read() as s:
        assert s.get(ExpenseClaim, cid).status == "registered"
        assert s.get(Advance, first_advance).status == "closed"


def test_the_ledger_of_entries_is_the_same_in_every_order():
    """The arithmetic alone, over many orders: the balance is the advance less set-offs and cash
    returned plus differences paid, whatever the order of the entries."""
    @hypothesis.settings(max_examples=400, deadline=None)
    @hypothesis.given(amount=st.integers(1, 10**7), data=st.data())
    def run(amount: int, data: Any) -> None:
        entries: list[tuple[str, int]] = []
        set_offs: list[int] = []
        ledger = Ledger(amount)
        for _ in range(data.draw(st.integers(0, 12))):
            kind = data.draw(st.sampled_from((SET_OFF, TAKE_BACK, RETURN, DIFFERENCE)))
            if kind == SET_OFF:
                fen = data.draw(st.integers(1, 10**7))
                set_offs.append(fen)
            elif kind == TAKE_BACK and set_offs:
                fen = set_offs.pop(data.draw(st.integers(0, len(set_offs) - 1)))
            elif kind == RETURN and ledger.outstanding:
                fen = data.draw(st.integers(1, ledger.outstanding))
            elif kind == DIFFERENCE and ledger.difference_due:
                fen = data.draw(st.integers(1, ledger.difference_due))
            else:
                continue
            entries.append((kind, fen))
            ledger = of_entries(amount, entries)
            signed = {SET_OFF: -1, TAKE_BACK: 1, RETURN: -1, DIFFERENCE: 1}
            assert ledger.balance == amount + sum(signed[k] * f for k, f in entries)
            assert ledger.outstanding * ledger.difference_due == 0  # never owing both ways
            assert ledger.balanced == (ledger.balance == 0)
    run()


def test_every_order_of_ledger_events_through_the_services(db, users):
    who = "civil_head"
    person = users[who]

    class LedgerWalk(stateful.RuleBasedStateMachine):
        @stateful.rule(yuan=st.integers(1, 3000))
        def request_advance(self, yuan: int) -> None:
            with db.read() as s:
                held = advances.open_advance_of(s, person.id)
            if held is not None:
                with pytest.raises(ValidationError, match="第14条"):
                    AdvanceService(db).file(person, {**ESTIMATE, "amount": f"{yuan}.00"})
                return
            _advance(db, users, who, f"{yuan}.00")

        @stateful.rule(yuan=st.integers(1, 3000))
        def claim_against_the_advance(self, yuan: int) -> None:
            with db.read() as s:
                aid = s.scalar(select(Advance.id).where(Advance.applicant_id == person.id, Advance.status == "paid")
                               .order_by(Advance.id.desc()).limit(1))
            if aid is not None:
                claim_against(db, users, aid, f"{yuan}.00", who)

        def _pick(self, data: Any, status: str) -> int | None:
            with db.read() as s:
                ids = list(s.scalars(select(ExpenseClaim.id).where(
                    ExpenseClaim.applicant_id == person.id, ExpenseClaim.advance_id.is_not(None),
                    ExpenseClaim.status == status).order_by(ExpenseClaim.id)))
            return data.draw(st.sampled_from(ids)) if ids else None

        @stateful.rule(data=st.data())
        def return_a_registered_claim(self, data: Any) -> None:
            cid = self._pick(data, "registered")
            if cid is None:
                return
            with db.read() as s:
                claim = s.get(ExpenseClaim, cid)
                advance = claim.advance
                reopens = (advances.ledger_of(advance).outstanding == 0
                           and advances.ledger_of(advance).take_back(advances.set_off_of(claim)).outstanding > 0)
                other = s.scalar(select(Advance.id).where(Advance.applicant_id == person.id, Advance.id != advance.id,
                                                          advances.owing()))
            if reopens and other is not None:
                with pytest.raises(ValidationError, match="每人只能有一笔未结清借支"):
                    ClaimService(db).act(users["finance"], cid, "return", "请更正", **RETURN_PARAMS)
            else:
                ClaimService(db).act(users["finance"], cid, "return", "请更正", **RETURN_PARAMS)

        @stateful.rule(data=st.data())
        def correct_a_returned_claim(self, data: Any) -> None:
            cid = self._pick(data, "rejected")
            if cid is None:
                return
            with db.read() as s:
                usable = s.get(ExpenseClaim, cid).advance.status == "paid"
            if usable:
                _again(db, users, who, cid)
            else:  # its advance was settled meanwhile: the applicant voids it (and claims anew)
                ClaimService(db).act(person, cid, "void", "借支已结清，另行报销")

        @stateful.rule(data=st.data())
        def pay_a_registered_claim(self, data: Any) -> None:
            cid = self._pick(data, "registered")
            if cid is not None:
                pay_out(db, users, cid, who)

        @stateful.rule(yuan=st.integers(1, 3000))
        def hand_back_cash(self, yuan: int) -> None:
            with db.read() as s:
                advance = s.scalars(select(Advance).where(Advance.applicant_id == person.id,
                                                          Advance.status == "paid")).first()
                out = advances.ledger_of(advance).outstanding if advance is not None else 0
            if out:
                AdvanceService(db).act(users["cashier"], advance.id, "return_cash",
                                       amount=f"{from_fen(min(out, yuan * 100))}")

        @stateful.invariant()
        def the_ledger_is_its_entries(self) -> None:
            with db.read() as s:
                mine = s.scalars(select(Advance).where(Advance.applicant_id == person.id,
                                                       Advance.status.in_(("paid", "closed")))).all()
                for a in mine:
                    stored = advances.ledger_of(a)
                    assert stored == advances.ledger_from_claims(s, a), a.number
                    assert stored.balance == a.amount_fen - a.set_off_fen - a.returned_fen + a.difference_paid_fen
                    assert (a.status == "closed") == stored.balanced, (a.number, a.status, stored)
                    waiting = s.scalars(select(ExpenseClaim.payable_fen).where(
                        ExpenseClaim.advance_id == a.id, ExpenseClaim.payable_fen.is_not(None),
                        ExpenseClaim.paid_on.is_(None))).all()
                    assert sum(waiting) == stored.difference_due, a.number
                owing = s.scalars(select(Advance.id).where(Advance.applicant_id == person.id, advances.owing())).all()
                assert len(owing) <= 1, owing

        def teardown(self) -> None:
            with db.read() as s:
                advance = s.scalars(select(Advance).where(Advance.applicant_id == person.id)
                                    .order_by(Advance.id.desc())).first()
                if advance is None:
                    return
                pdf = io.BytesIO()
                render_pdf(build_advance(s, advance.id), pdf)
                figure = format_yuan(from_fen(advances.ledger_of(advance).outstanding))
            assert f"尚未冲抵或交回{figure}" in squash("".join(pdf_page_texts(io.BytesIO(pdf.getvalue()))))

    stateful.run_state_machine_as_test(LedgerWalk, settings=hypothesis.settings(
        max_examples=10, stateful_step_count=12, deadline=None, database=None,
        suppress_health_check=list(hypothesis.HealthCheck)))
