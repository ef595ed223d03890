"""Administration rough edges (issue 15 items 4 and 5): 解锁 refuses a login name that is not locked
instead of pretending, and every department category in use has a Chinese name that the area giving
it a meaning declares."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.models import people as people_models
from courtdesk.kernel.models.people import Department, LoginThrottle
from courtdesk.kernel.people import PeopleService


def _fail(service: PeopleService, name: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(DomainError):
            service.login(name, "wrong-password-1")


def _throttle(db, name: str) -> tuple[int, dt.datetime | None] | None:
    with db.read() as s:
        row = s.scalar(select(LoginThrottle).where(LoginThrottle.name == name))
        return None if row is None else (row.failures, row.locked_until)


def test_unlocking_a_name_that_is_not_locked_is_refused_and_changes_nothing(db, users):
    service = PeopleService(db)
    with pytest.raises(ValidationError, match="^解锁：账号「郑洁（judge）」未被锁定$"):
        service.unlock(users["admin"], users["judge"].id)
    # three wrong passwords: counted, not locked — the count is not wiped by a pretended unlock
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    _fail(service, "judge", 3)
    with pytest.raises(ValidationError, match="未被锁定"):
        service.unlock(users["admin"], users["judge"].id)
    assert _throttle(db, "judge") == (3, None)


def test_a_locked_name_is_unlocked_once_and_an_expired_lock_is_not_locked(db, users):
    service = PeopleService(db)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    _fail(service, "judge", 5)
    service.unlock(users["admin"], users["judge"].id)
    assert _throttle(db, "judge") is None
    with pytest.raises(ValidationError, match="未被锁定"):  # a second click: nothing to unlock
        service.unlock(users["admin"], users["judge"].id)
    _fail(service, "clerk", 5)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 16))  # the 15 minutes are over
    with pytest.raises(ValidationError, match="^解锁：账号「王芳（clerk）」未被锁定$"):
        service.unlock(users["admin"], users["clerk"].id)


def test_every_department_category_in_use_has_a_declared_chinese_name(db):
    with db.read() as s:
        kinds = set(s.scalars(select(Department.kind)))
    assert {"business", "office", "political", "enforcement", "leaders"} <= kinds
    label = people_models.department_kind_label
    for kind in kinds:
        assert kind in people_models.DEPARTMENT_KINDS
        assert not label(kind).isascii()
    assert label("enforcement") == "执行部门"
    assert label("leaders") == "院领导"
    assert label("archive") == "archive"  # no installed area declares it


def test_a_department_is_created_only_in_a_declared_category(db, users):
    service = PeopleService(db)
    assert service.create_department(users["admin"], "档案室").kind == "business"
    assert service.create_department(users["admin"], "纪检组", "political").kind == "political"
    with pytest.raises(ValidationError, match="^类别：没有「archive」这个部门类别$"):
        service.create_department(users["admin"], "资料室", "archive")
    with db.read() as s:
        assert s.scalar(select(Department).where(Department.name == "资料室")) is None
