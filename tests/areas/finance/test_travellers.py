"""The people on a trip are a list, each counted once, and one person's trip is claimed once
(issue 16 §2): allowance-only travel claims need no receipt, so the same trip was approved and
registered twice; 「郑洁、郑洁」 doubled the allowance and 「郑洁和黄磊」 counted one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.models import ExpenseClaim, Traveller
from courtdesk.kernel.errors import ValidationError
from tests.areas.finance.helpers import travel_data

ALLOWANCES_ONLY = [{"category": "伙食补助费", "description": "", "amount": None},
                   {"category": "市内交通费", "description": "", "amount": None}]


def _trip(users, *people: str, outsiders: str = "", start=dt.date(2026, 11, 24), days: int = 3) -> dict:
    return travel_data(traveller_ids=[users[p].id for p in people], travellers=outsiders, transport="公务用车",
                       trip_start=start, trip_end=start + dt.timedelta(days=days - 1),
                       expense_lines=[dict(line) for line in ALLOWANCES_ONLY], receipt_rows=[])


def _count(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(ExpenseClaim)),
                s.scalar(select(func.count()).select_from(Traveller)))


def test_the_same_trip_claimed_twice_is_refused_naming_the_first_claim(db, users):
    service = ClaimService(db)
    first = service.file(users["enforcer"], _trip(users, "enforcer"))
    service.act(users["enforcer"], first.id, "submit")
    service.act(users["finance_leader"], first.id, "approve")
    before = _count(db)
    with pytest.raises(ValidationError) as refused:
        service.file(users["enforcer"], _trip(users, "enforcer"))
    assert refused.value.field == "本院出差人"
    assert f"黄磊 2026-11-24 至 2026-11-26 的出差已在报销单 {first.number} 中报销" in str(refused.value)
    assert _count(db) == before  # nothing half-written


def test_overlapping_days_are_refused_and_the_next_trip_is_not(db, users):
    service = ClaimService(db)
    service.file(users["enforcer"], _trip(users, "enforcer"))
    with pytest.raises(ValidationError, match="不能重复报销"):
        service.file(users["enforcer"], _trip(users, "enforcer", start=dt.date(2026, 11, 26), days=2))
    later = service.file(users["enforcer"], _trip(users, "enforcer", start=dt.date(2026, 11, 27), days=2))
    assert later.id


def test_a_colleague_on_the_trip_cannot_claim_it_again_nor_as_an_outsider(db, users):
    service = ClaimService(db)
    service.file(users["enforcer"], _trip(users, "enforcer", "enforce_clerk"))
    with pytest.raises(ValidationError, match="何佳 2026-11-24 至 2026-11-26 的出差已在报销单"):
        service.file(users["enforce_clerk"], _trip(users, "enforce_clerk"))
    with pytest.raises(ValidationError, match="何佳 2026-11-24 至 2026-11-26 的出差已在报销单"):
        service.file(users["judge"], _trip(users, "judge", outsiders="何佳"))  # her name typed, not chosen


def test_each_person_counts_once_for_the_allowance(db, users):
    claim = ClaimService(db).file(users["judge"], _trip(users, "judge", outsiders="张伟、张伟，张伟"))
    with db.read() as s:
        saved = s.get(ExpenseClaim, claim.id)
        assert [(p.user_id, p.name) for p in saved.trip_people] == [(users["judge"].id, "郑洁"), (None, "张伟")]
        assert saved.travellers == "郑洁、张伟"
        meals = next(ln for ln in saved.lines if ln.category == "伙食补助费")
        assert meals.amount_fen == 3 * 100 * 100 * 2  # 3 days × 100 元 × 2 people, not 4


def test_a_chosen_member_typed_again_as_an_outsider_is_refused(db, users):
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["judge"], _trip(users, "judge", outsiders="郑洁"))
    assert refused.value.field == "院外出差人" and "已在本院出差人中勾选，每人只计一次" in str(refused.value)


def test_two_people_written_as_one_name_are_refused(db, users):
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["judge"], _trip(users, "judge", outsiders="王小明和李大伟"))
    assert refused.value.field == "院外出差人" and "像是几个人的名字" in str(refused.value)


def test_a_travel_claim_needs_someone_on_the_trip(db, users):
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["judge"], _trip(users))
    assert refused.value.field == "本院出差人"


def test_the_edit_form_brings_back_the_people_as_chosen(db, users):
    from courtdesk.areas.finance.claims import claim_values

    claim = ClaimService(db).file(users["judge"], _trip(users, "judge", "civil_clerk", outsiders="张伟"))
    with db.read() as s:
        values = claim_values(s.get(ExpenseClaim, claim.id))
    assert values["traveller_ids"] == [users["judge"].id, users["civil_clerk"].id]
    assert values["travellers"] == "张伟"
