"""Who may renew (续行) and release (解除) a seizure, and which dates a seizure may carry (issue 8).

Only the officers assigned to the case (承办人, 书记员) or the bureau's head renew or release
(《司法责任制廉政风险防控管理办法（试行）》第十一条(十三)); a closed case's seizures are not renewed,
but they are still released — that is what closing a case calls for. The buttons and the register's
rule agree. A seizure starts on or after the day its case was filed, and no enforcement date
lies before 1949-10-01.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from courtdesk.areas.enforcement import CaseService, SeizureService
from courtdesk.areas.enforcement.models import Seizure
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.enforcement.seizures import SEIZURE_REGISTER, SEIZURE_WORKFLOW
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.people import PeopleService
from tests.areas.enforcement.helpers import case_data, row_counts

DAY = dt.timedelta(days=1)
RULE = "第十一条(十三)"


def _seize(db, users, case, start: dt.date, who: str = "enforcer") -> Seizure:
    return SeizureService(db).add(users[who], {
        "case_id": case.id, "measure": "seal", "property_type": "real_estate",
        "description": "被执行人名下云鹏道99号房产", "start_date": start})


def _other_officer(db, users):
    """An enforcement officer of the bureau who is neither officer nor clerk of the case."""
    return PeopleService(db).create_user(users["admin"], username="other_officer", name="韩梅",
                                         password="Demo2026x", roles=[ENFORCEMENT])


def _buttons(db, user, seizure_id: int) -> set[str]:
    with db.read() as s:
        return {t.action for t in SEIZURE_WORKFLOW.available(user, s.get(Seizure, seizure_id))}


def test_only_the_cases_officers_or_the_bureau_head_renew_or_release(db, users, today, case):
    seizure = _seize(db, users, case, today - 30 * DAY)
    other = _other_officer(db, users)
    service = SeizureService(db)
    assert _buttons(db, other, seizure.id) == set()  # 续行, 解除 and 登记期满失效 are not offered
    before = row_counts(db)
    with pytest.raises(PermissionDenied) as info:
        service.renew(other, seizure.id, new_end=seizure.end_date + 30 * DAY)
    assert str(info.value).startswith("操作人：查封的续行只能由本案承办人、书记员或执行局负责人办理")
    assert "承办人为黄磊" in str(info.value) and RULE in str(info.value)
    with pytest.raises(PermissionDenied, match=r"操作人：查封的解除只能由.*第十一条\(十三\)"):
        service.release(other, seizure.id, reason="执行完毕")
    assert row_counts(db) == before
    with db.read() as s:
        assert s.get(Seizure, seizure.id).status == "active"

    # a court employee without the enforcement role is refused too
    with pytest.raises(PermissionDenied, match="只有本案承办人、书记员或执行局负责人可以执行「续行」"):
        service.renew(users["judge"], seizure.id, new_end=seizure.end_date + 30 * DAY)

    # the case's clerk renews, the bureau's head (not on the case) releases
    assert {"renew", "release"} <= _buttons(db, users["enforce_clerk"], seizure.id)
    assert {"renew", "release"} <= _buttons(db, users["enforce_head"], seizure.id)
    renewed = service.renew(users["enforce_clerk"], seizure.id, new_end=seizure.end_date + 30 * DAY)
    assert renewed.renewals == 1
    released = service.release(users["enforce_head"], seizure.id, reason="执行完毕")
    assert released.status == "released"


def test_no_renewal_in_a_closed_case_but_release_stays_possible(db, users, today, case):
    seizure = _seize(db, users, case, today - 30 * DAY)
    CaseService(db).act(users["enforcer"], case.id, "close", close_mode="执行完毕")
    service = SeizureService(db)
    for who in ("enforcer", "enforce_head"):
        buttons = _buttons(db, users[who], seizure.id)
        assert "renew" not in buttons and "release" in buttons
    before = row_counts(db)
    with pytest.raises(PermissionDenied) as info:
        service.renew(users["enforcer"], seizure.id, new_end=seizure.end_date + 30 * DAY)
    assert str(info.value).startswith(f"执行案件：{case.number} 已结案（执行完毕），不能再续行该查封")
    assert RULE in str(info.value)
    assert row_counts(db) == before
    released = service.release(users["enforcer"], seizure.id, reason="执行完毕，解除查封")
    assert released.status == "released"


def test_the_renew_list_and_the_buttons_agree_for_every_enforcement_user(db, users, today, case):
    """The rule is written once: ``available_where("renew")`` (a 续行 list) holds exactly the seizures
    that show the 续行 button, for the demo's seizures and ours (also in a closed case)."""
    _seize(db, users, case, today - 30 * DAY)
    closed = CaseService(db).create(users["enforce_head"], case_data(users, today, filed_days_ago=10,
                                                                     officer_id=users["enforce_head"].id))
    _seize(db, users, closed, today - 5 * DAY, who="enforce_head")
    CaseService(db).act(users["enforce_head"], closed.id, "close", close_mode="执行完毕")
    people = [users[k] for k in ("enforcer", "enforce_clerk", "enforce_head", "judge", "leader")]
    people.append(_other_officer(db, users))
    shown = 0
    for action in ("renew", "release"):
        where = SEIZURE_WORKFLOW.available_where(action)
        for user in people:
            with db.read() as s:
                listed = set(s.scalars(SEIZURE_REGISTER.base().where(where(user))))
                for seizure in s.scalars(select(Seizure)).unique():
                    buttons = {t.action for t in SEIZURE_WORKFLOW.available(user, seizure)}
                    assert (seizure.id in listed) == (action in buttons), (user.username, seizure.id, action)
                shown += len(listed)
    assert shown


def test_a_seizure_cannot_start_before_its_case_was_filed(db, users, today, case):
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        _seize(db, users, case, case.filed_on - DAY)
    assert str(info.value) == f"开始日期：不能早于本案（{case.number}）的立案日期（{case.filed_on:%Y-%m-%d}）"
    assert row_counts(db) == before
    assert _seize(db, users, case, case.filed_on).start_date == case.filed_on


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1949-09-30"])
def test_dates_before_1949_are_refused_everywhere_in_enforcement(db, users, today, case, day):
    service = SeizureService(db)
    seizure = _seize(db, users, case, today - 30 * DAY)
    before = row_counts(db)
    refusals = [
        ("开始日期", lambda: _seize(db, users, case, dt.date.fromisoformat(day))),
        ("续行日期", lambda: service.renew(users["enforcer"], seizure.id, renewed_on=day,
                                       new_end=seizure.end_date + DAY)),
        ("续行截止日期", lambda: service.renew(users["enforcer"], seizure.id, new_end=day)),
        ("解除日期", lambda: service.release(users["enforcer"], seizure.id, released_on=day, reason="执行完毕")),
        ("立案日期", lambda: CaseService(db).create(users["enforcer"], case_data(users, today, filed_on=day))),
        ("结案日期", lambda: CaseService(db).act(users["enforcer"], case.id, "close", close_mode="执行完毕",
                                             closed_on=day)),
    ]
    for field, attempt in refusals:
        with pytest.raises(ValidationError) as info:
            attempt()
        assert str(info.value).startswith(f"{field}：不能早于 1949-10-01"), (field, str(info.value))
    assert row_counts(db) == before
