"""The first-run setup (courtdesk.kernel.firstrun): a new database set up for a real court in one write,
a refused setup writes nothing, and a database with people cannot be set up again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal
from courtdesk.areas.system.demo import USERS
from courtdesk.kernel import area, firstrun, settings
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.models.infra import AuditEntry, Setting, SigningKey
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.people import PeopleService
from tests.support.court_setup import ADMIN, BUREAU, COURT, SEALS, raw_values


def _counts(db) -> dict[str, int]:
    with db.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (User, Department, Seal, Setting, SigningKey, AuditEntry)}


def test_the_areas_declare_their_steps_in_dependency_order_with_labels_unique_over_all_steps():
    steps = firstrun.steps()
    assert [s.key for s in steps] == ["court", "departments", "admin", "seals", "enforcement"]
    labels = [f.label for s in steps for f in s.fields]
    assert len(labels) == len(set(labels)), labels  # a refusal names its field by label
    assert all(any(s in a.setup for a in area.areas()) for s in steps)


def test_setup_writes_the_court_its_departments_seals_and_people_in_one_go(empty_db):
    assert firstrun.needs_setup(empty_db)
    admin = firstrun.set_up(empty_db, raw_values())
    assert not firstrun.needs_setup(empty_db)
    assert admin.username == ADMIN["username"] and admin.has(*[r for r in admin.roles])
    with empty_db.read() as s:
        values = settings.get_all(s)
        for key, value in {**COURT, **BUREAU}.items():
            assert values[key] == value
        saved = {row.key for row in s.scalars(select(Setting))}
        assert set(COURT) | set(BUREAU) <= saved  # stored, never the factory (demo) default
        people = {u.username: u for u in s.scalars(select(User))}
        assert set(people) == {"qianduo", "kongming", "guanyu"}
        assert not set(people) & {u.key for u in USERS}
        assert all(u.must_change_password for u in people.values())
        assert people["kongming"].has(*people["kongming"].roles) and "office_head" in people["kongming"].roles
        assert people["kongming"].department.kind == "office"
        assert people["guanyu"].department.kind == "political"
        assert "admin" in people["qianduo"].roles and people["qianduo"].department.name == "信息技术办公室"
        keys = s.scalar(select(func.count()).select_from(SigningKey).where(SigningKey.user_id.is_not(None)))
        assert keys == 3
        seals = {seal.kind: seal for seal in s.scalars(select(Seal))}
        assert seals["court"].name == SEALS["court_seal"] and seals["court"].custodian.username == "kongming"
        assert seals["office"].custodian.username == "kongming"
        assert seals["party"].name == SEALS["party_seal"] and seals["party"].custodian.username == "guanyu"
        assert "执行局" in {d.name for d in s.scalars(select(Department))}
    assert "廊坊" not in " ".join(values[k] for k in (*COURT, *BUREAU))


def test_the_administrator_logs_in_and_must_choose_a_password(empty_db):
    firstrun.set_up(empty_db, raw_values())
    people = PeopleService(empty_db)
    admin = people.login(ADMIN["username"], ADMIN["password"])
    assert admin.must_change_password
    people.change_password(admin, ADMIN["password"], "Own2026pass")
    assert not people.login(ADMIN["username"], "Own2026pass").must_change_password


def test_a_refused_setup_names_every_bad_field_and_writes_nothing(empty_db):
    before = _counts(empty_db)
    bad = raw_values(
        court={**COURT, "postcode": "0300", "court_code": "0105"},
        admin={**ADMIN, "password_again": "Other2026"},
        seals={**SEALS, "political_username": "QIANDUO", "party_seal": SEALS["court_seal"]},
    )
    with pytest.raises(ValidationError) as refused:
        firstrun.set_up(empty_db, bad)
    fields = {one.field for one in refused.value.every}
    assert {"邮政编码", "法院代字", "再次输入管理员初始密码", "政治处负责人用户名", "党组印名称"} <= fields
    assert "邮政编码：应为 6 位数字" in str(refused.value)
    assert "政治处负责人用户名：「QIANDUO」与管理员用户名相同" in str(refused.value)
    assert _counts(empty_db) == before
    assert firstrun.needs_setup(empty_db)


def test_a_refusal_only_the_write_sees_rolls_everything_back(empty_db, monkeypatch):
    """The seals are registered after the people: a custodian rule failing there leaves no person,
    department or setting behind."""
    from courtdesk.areas.seals import setup as seal_setup

    before = _counts(empty_db)
    monkeypatch.setattr(seal_setup, "KEEPERS", tuple((p, w, k, (), t) for p, w, k, _r, t in seal_setup.KEEPERS))
    with pytest.raises(ValidationError, match="院印由办公室负责人负责保管和监印"):
        firstrun.set_up(empty_db, raw_values())
    assert _counts(empty_db) == before


def test_departments_without_an_office_are_refused_at_the_seal_keeper(empty_db):
    departments = {"departments": [{"name": "政治处", "kind": "political"}, {"name": "信息技术办公室", "kind": "business"},
                                   {"name": "执行局", "kind": "business"}]}
    with pytest.raises(ValidationError) as refused:
        firstrun.set_up(empty_db, raw_values(departments=departments))
    assert "办公室负责人姓名：本院部门中没有类别为「办公室」的部门" in str(refused.value)


def test_a_database_with_people_is_not_set_up_again(empty_db):
    firstrun.set_up(empty_db, raw_values())
    before = _counts(empty_db)
    with pytest.raises(DomainError, match="不能再做首次设置"):
        firstrun.set_up(empty_db, raw_values(admin={**ADMIN, "username": "another"}))
    assert _counts(empty_db) == before
