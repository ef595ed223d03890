"""No dead ends (issue 16 §4, 第5、13条): the finance leader's own claims and advances, which she may not
approve herself, go to the 院长 — in the buttons, the 待我审批 list and the service alike — and nobody
else's go to the 院长."""

from __future__ import annotations

import datetime as dt

import pytest

from courtdesk.areas.finance.advances import ADVANCE_REGISTER, AdvanceService
from courtdesk.areas.finance.claims import CLAIM_REGISTER, CLAIM_WORKFLOW, ClaimService
from courtdesk.kernel.errors import DomainError, PermissionDenied
from courtdesk.kernel.registers import RegisterQuery
from tests.areas.finance.helpers import general_data


def _listed(db, spec, user, filter_key: str) -> set[int]:
    with db.read() as s:
        return {row[0] for row in RegisterQuery(spec).with_(filter_key=filter_key).stream(s, user)}


def test_the_finance_leaders_own_claim_is_approved_by_the_president(db, users):
    service = ClaimService(db)
    leader, president = users["finance_leader"], users["president"]
    claim = service.file(leader, general_data())
    service.act(leader, claim.id, "submit")
    with db.read() as s:
        record = s.get(type(claim), claim.id)
        mine = {t.action for t in CLAIM_WORKFLOW.available(leader, record)}
        assert not mine & {"approve", "reject"}  # not her own
        assert {t.action for t in CLAIM_WORKFLOW.available(president, record)} == {"approve", "reject"}
    assert claim.id in _listed(db, CLAIM_REGISTER, president, "to_approve")
    assert claim.id not in _listed(db, CLAIM_REGISTER, leader, "to_approve")
    with pytest.raises(PermissionDenied):
        service.act(leader, claim.id, "approve")
    assert service.act(president, claim.id, "approve").status == "approved"


def test_the_president_does_not_approve_anyone_elses_claim(db, users):
    service = ClaimService(db)
    claim = service.file(users["judge"], general_data())
    service.act(users["judge"], claim.id, "submit")
    assert claim.id not in _listed(db, CLAIM_REGISTER, users["president"], "to_approve")
    with pytest.raises(PermissionDenied):
        service.act(users["president"], claim.id, "approve")
    assert service.act(users["finance_leader"], claim.id, "approve").status == "approved"


def test_the_finance_leaders_own_advance_is_approved_by_the_president(db, users):
    service = AdvanceService(db)
    leader = users["finance_leader"]
    advance = service.file(leader, {"purpose": "赴省高院汇报", "reasons": "往返车费、住宿费", "amount": "1500.00",
                                    "trip_start": dt.date(2026, 12, 14), "trip_end": dt.date(2026, 12, 15)})
    with pytest.raises(PermissionDenied):
        service.act(leader, advance.id, "approve")
    assert advance.id in _listed(db, ADVANCE_REGISTER, users["president"], "to_approve")
    assert service.act(users["president"], advance.id, "approve").status == "approved"


def test_the_applicant_withdraws_a_claim_before_approval_and_can_change_it(db, users):
    service = ClaimService(db)
    claim = service.file(users["judge"], general_data())
    service.act(users["judge"], claim.id, "submit")
    withdrawn = service.act(users["judge"], claim.id, "withdraw")
    assert withdrawn.status == "draft" and withdrawn.number == claim.number
    with db.read() as s:
        assert CLAIM_REGISTER.can_edit(users["judge"], s.get(type(claim), claim.id))
    with pytest.raises(PermissionDenied):  # only the applicant
        service.act(users["finance_leader"], service.act(users["judge"], claim.id, "submit").id, "withdraw")


def test_a_voided_claim_keeps_its_number_and_releases_its_receipts_and_trip(db, users):
    from courtdesk.kernel.errors import ValidationError
    from tests.areas.finance.helpers import travel_data

    service = ClaimService(db)
    people = {"traveller_ids": [users["judge"].id], "travellers": ""}
    first = service.file(users["judge"], travel_data(**people))
    service.act(users["judge"], first.id, "submit")
    again = travel_data(**people)
    again["receipt_rows"] = [dict(r) for r in first_receipts(db, first.id)]
    with pytest.raises(ValidationError, match="不能重复报销"):  # the same trip while the first stands
        service.file(users["judge"], again)
    with pytest.raises(ValidationError, match="意见"):  # 作废 needs its reason
        service.act(users["judge"], first.id, "void")
    voided = service.act(users["judge"], first.id, "void", "出差取消，改由他人报销")
    assert voided.status == "voided" and voided.number == first.number
    second = service.file(users["judge"], again)  # the trip and the receipts are free again
    service.act(users["judge"], second.id, "submit")
    assert service.act(users["finance_leader"], second.id, "approve").status == "approved"
    with pytest.raises(DomainError, match="当前状态为「已作废」"):  # a voided claim is done
        service.act(users["judge"], first.id, "submit")


def first_receipts(db, claim_id: int) -> list[dict]:
    from courtdesk.areas.finance.models import ExpenseClaim

    with db.read() as s:
        claim = s.get(ExpenseClaim, claim_id)
        return [{"receipt_type": r.receipt_type, "invoice_code": r.invoice_code, "invoice_number": r.invoice_number,
                 "issued_on": r.issued_on, "amount": str(r.amount_fen / 100), "line_no": r.line_no}
                for r in claim.receipts]


def test_an_advance_request_reports_every_error_at_once(db, users):
    from courtdesk.kernel.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        AdvanceService(db).file(users["judge"], {"purpose": "", "reasons": "车费", "amount": "0",
                                                 "trip_start": dt.date(2026, 12, 16), "trip_end": dt.date(2026, 12, 14)})
    fields = [one.field for one in refused.value.every]
    assert "借支事由" in fields and "出差结束日期" in fields, fields  # the date order on the first save
    assert "借支金额" in fields


def test_settle_is_offered_only_when_nothing_is_outstanding(db, users):
    from sqlalchemy import select

    from courtdesk.areas.finance.advances import ADVANCE_WORKFLOW
    from courtdesk.areas.finance.models import Advance

    with db.read() as s:
        held = s.scalars(select(Advance).where(Advance.status == "paid",
                                               Advance.amount_fen > Advance.set_off_fen + Advance.returned_fen)).first()
        assert held is not None
        offered = {t.action for t in ADVANCE_WORKFLOW.available(users["finance"], held)}
    assert "close" not in offered and "return_cash" in offered
    assert held.id not in _listed(db, ADVANCE_REGISTER, users["finance"], "closed")


def test_finance_records_sign_for_when_the_applicant_has_left(db, users):
    from sqlalchemy import select

    from courtdesk.areas.finance.models import ExpenseClaim
    from courtdesk.kernel import workflow
    from courtdesk.kernel.people import PeopleService

    with db.read() as s:
        paid = s.scalars(select(ExpenseClaim).where(ExpenseClaim.status == "paid")).first()
        assert paid is not None
        applicant = next(u for u in users.values() if u.id == paid.applicant_id)
        offered = {t.action for t in CLAIM_WORKFLOW.available(users["finance"], paid)}
    assert "sign_for" not in offered  # the applicant can still sign for himself
    service = ClaimService(db)
    with pytest.raises(PermissionDenied):
        service.act(users["finance"], paid.id, "sign_for", "人在外地", receiver="张三")
    PeopleService(db).set_user_active(users["admin"], applicant.id, False)
    with db.read() as s:
        record = s.get(ExpenseClaim, paid.id)
        assert "sign_for" in {t.action for t in CLAIM_WORKFLOW.available(users["finance"], record)}
    from courtdesk.kernel.errors import ValidationError

    with pytest.raises(ValidationError, match="意见"):  # the reason is required
        service.act(users["finance"], paid.id, "sign_for", receiver="张三")
    signed = service.act(users["finance"], paid.id, "sign_for", "已调离本院，由其配偶代领", receiver="张三")
    assert signed.status == "signed" and signed.signed_at is not None
    with db.read() as s:
        step = workflow.history(s, CLAIM_WORKFLOW.entity, paid.id)[-1]
        assert step.comment.startswith(f"代签收：领款人 张三（报销人 {applicant.name} 账号已停用）")
        assert step.comment.endswith("已调离本院，由其配偶代领")
