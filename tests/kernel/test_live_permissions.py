"""Live permissions (issue 8 item 4): every write re-reads the acting user's account in its own
transaction, so a role the administrator removes, or an account deactivated, takes effect on the next
action of a user who is already logged in — the ``User`` object from login kept in hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.areas.system import roles
from courtdesk.kernel.demo import DEMO_PASSWORD
from courtdesk.kernel.errors import AccountDisabled, PermissionDenied
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.people import PeopleService
from courtdesk.kernel.settings import SettingsService, get


def _logged_in(db, username: str) -> User:
    return PeopleService(db).login(username, DEMO_PASSWORD)


def _file_use(db, who: User) -> SealUse:
    with db.read() as s:
        office = s.scalar(select(Seal.id).where(Seal.kind == "office"))
    return SealService(db).file(who, {"seal_id": office, "title": "关于报送统计报表的函", "copies": 2,
                                      "impressions": 2, "purpose": "报送上级法院"})


def test_a_role_removed_stops_a_check_made_before_the_write(db, users):
    """SettingsService.save checks the role before it opens its write: the write re-runs the check."""
    people = PeopleService(db)
    people.set_roles(users["admin"], users["clerk"].id, [roles.CLERK, ADMIN])
    clerk = _logged_in(db, "clerk")
    SettingsService(db).save(clerk, {"court_name": "甲法院"})  # an administrator for now

    people.set_roles(users["admin"], clerk.id, [roles.CLERK])
    assert clerk.has(ADMIN)  # the object from login still says so …
    with pytest.raises(PermissionDenied, match="只有系统管理员可以修改系统设置"):
        SettingsService(db).save(clerk, {"court_name": "乙法院"})
    with db.read() as s:
        assert get(s, "court_name") == "甲法院"  # … but nothing was written
    assert not clerk.has(ADMIN)  # and it now holds the fresh roles


def test_a_role_removed_stops_a_workflow_step_of_a_logged_in_user(db, users):
    head = _logged_in(db, "office_head")
    use = _file_use(db, users["judge"])
    PeopleService(db).set_roles(users["admin"], head.id, [])
    with pytest.raises(PermissionDenied, match="有审批权的负责人"):
        SealService(db).act(head, use.id, "approve", "同意")
    with db.read() as s:
        assert s.get(SealUse, use.id).status == "submitted"
    PeopleService(db).set_roles(users["admin"], head.id, [roles.OFFICE_HEAD])  # given back: works again
    assert SealService(db).act(head, use.id, "approve", "同意").status == "approved"


def test_a_deactivated_user_s_next_write_is_refused(db, users):
    clerk = _logged_in(db, "clerk")
    _file_use(db, clerk)
    PeopleService(db).set_user_active(users["admin"], clerk.id, False)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(SealUse))
    with pytest.raises(AccountDisabled, match="您的账号已被停用，请联系系统管理员"):
        _file_use(db, clerk)
    with pytest.raises(AccountDisabled):
        PeopleService(db).update_profile(clerk, clerk.id, phone="123")  # no role needed: still refused
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SealUse)) == before
    with pytest.raises(Exception, match="用户名或密码错误"):
        _logged_in(db, "clerk")  # and cannot log in again

    PeopleService(db).set_user_active(users["admin"], clerk.id, True)
    _file_use(db, clerk)  # reactivated: the same session works again, history kept


def test_deactivation_is_audited_and_never_deletes(db, users):
    people = PeopleService(db)
    people.set_user_active(users["admin"], users["clerk"].id, False)
    with db.read() as s:
        assert s.get(User, users["clerk"].id) is not None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "user_account",
                                                   AuditEntry.entity_id == users["clerk"].id)
                          .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.user_name == users["admin"].name
        assert '"active": false' in (entry.after or "").replace(" ", "").replace(":", ": ")
        assert users["clerk"].id in {u.id for u in people.users(s, include_inactive=True)}
        assert users["clerk"].id not in {u.id for u in people.users(s)}


def test_administrators_cannot_deactivate_themselves(db, users):
    with pytest.raises(Exception, match="不能停用自己的账号"):
        PeopleService(db).set_user_active(users["admin"], users["admin"].id, False)


def test_departments_add_rename_deactivate(db, users):
    people, admin = PeopleService(db), users["admin"]
    dept = people.create_department(admin, "档案室")
    people.rename_department(admin, dept.id, "档案管理室")
    with pytest.raises(Exception, match="部门名称：「办公室」已存在"):
        people.rename_department(admin, dept.id, "办公室")
    people.set_department_active(admin, dept.id, False)
    with db.read() as s:
        names = [d.name for d in people.departments(s)]
        assert "档案管理室" not in names
        assert "档案管理室" in [d.name for d in people.departments(s, include_inactive=True)]
    office = users["clerk"].department_id
    with pytest.raises(Exception, match="还有 .* 名在用账号"):
        people.set_department_active(admin, office, False)
    with pytest.raises(PermissionDenied):
        people.create_department(users["clerk"], "不该有的部门")


def test_a_role_check_made_before_the_write_does_not_leak_into_another_user_s_write(db, users):
    """A check noted for one actor is not run against another actor's write."""
    people = PeopleService(db)
    people.set_roles(users["admin"], users["clerk"].id, [roles.CLERK, ADMIN])
    clerk = _logged_in(db, "clerk")
    with pytest.raises(Exception, match="新密码"):
        people.reset_password(clerk, users["judge"].id, "short")  # passes the role check, then refused
    people.set_roles(users["admin"], clerk.id, [roles.CLERK])
    _file_use(db, users["judge"])  # someone else's write is unaffected


def test_reads_follow_the_account_as_it_is_now_not_as_it_was_at_login(db, users, tmp_path):
    """Issue 19 §3: register pages, counts, detail reads and exports check the account and its roles at
    each read — a deactivated account is refused at its next read, a removed role no longer opens a
    register it opened at login."""
    from courtdesk.areas.secrecy.service import COPY_REGISTER
    from courtdesk.kernel.exporting import export_xlsx
    from courtdesk.kernel.registers import RegisterQuery, get

    secrecy = _logged_in(db, "secrecy")
    leaks = get("secrecy_leak")  # open to 保密办 and the leaders only
    with db.read() as s:
        assert RegisterQuery(leaks).count(s, secrecy) > 0
        every_copy = RegisterQuery(COPY_REGISTER).count(s, secrecy)
    PeopleService(db).set_roles(users["admin"], secrecy.id, [])
    assert secrecy.has(roles.SECRECY)  # the object from login still says so …
    with db.read() as s, pytest.raises(PermissionDenied, match="不能查看「失泄密报告登记簿」"):
        RegisterQuery(leaks).page(s, secrecy, 0, 200)  # … the next read does not
    assert not secrecy.has(roles.SECRECY)
    with db.read() as s:  # a register anyone may open now shows only her own part: the copies she keeps
        from courtdesk.areas.secrecy.models import SecretCopy

        own = s.scalar(select(func.count()).select_from(SecretCopy).where(
            (SecretCopy.keeper_id == secrecy.id) | (SecretCopy.borrower_id == secrecy.id)))
        assert RegisterQuery(COPY_REGISTER).count(s, secrecy) == own < every_copy

    clerk = _logged_in(db, "clerk")
    PeopleService(db).set_user_active(users["admin"], clerk.id, False)
    seal_uses = get("seal_use")
    with db.read() as s, pytest.raises(AccountDisabled):
        RegisterQuery(seal_uses).ids(s, clerk)
    with db.read() as s, pytest.raises(AccountDisabled):
        export_xlsx(s, clerk, RegisterQuery(seal_uses), str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
