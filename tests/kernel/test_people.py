"""Login, lock-out, unlock and administration (SPEC "Users and roles", issue #2 item 4)."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import time

import pytest
from sqlalchemy import func, select

from courtdesk.areas.system import roles
from courtdesk.kernel import clock
from courtdesk.kernel.demo import DEMO_PASSWORD
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.people import PeopleService


def test_login_with_right_password_returns_the_user_with_roles(db, users):
    user = PeopleService(db).login("office_head", DEMO_PASSWORD)
    assert user.name == "李强"
    assert user.has(roles.OFFICE_HEAD)
    assert not user.has(ADMIN)


def test_password_is_stored_only_as_argon2id_hash(db):
    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "clerk"))
    assert DEMO_PASSWORD not in stored
    assert stored.startswith("$argon2id$")


@pytest.fixture
def production_cost():
    """This test hashes at the cost the court's machines use (the suite runs on cheap parameters)."""
    from courtdesk.kernel import people

    before = people.use_cost(3, 65536, 4)
    yield
    people.use_cost(*before)


def test_a_new_password_is_hashed_at_production_cost_and_an_old_cheaper_hash_is_remade_at_login(
        db, users, production_cost):
    """The one test at production cost: what an account gets on a court machine (argon2id, 3 passes
    over 64 MiB, 4 lanes) and a demo account's cheaper hash re-made at its next login."""
    service = PeopleService(db)
    made = service.create_user(users["admin"], username="newbie", name="新人", password="Welcome2026",
                               roles=[roles.CLERK])
    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.id == made.id))
        demo_hash = s.scalar(select(User.password_hash).where(User.username == "clerk"))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "m=65536,t=3,p=4" not in demo_hash  # the suite's cheap parameters
    assert service.login("newbie", "Welcome2026").username == "newbie"
    service.login("clerk", DEMO_PASSWORD)
    with db.read() as s:
        remade = s.scalar(select(User.password_hash).where(User.username == "clerk"))
    assert remade.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert service.login("clerk", DEMO_PASSWORD).username == "clerk"


def test_wrong_password_counts_down_then_locks_for_15_minutes(db):
    service = PeopleService(db)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"再错 {left} 次"):
            service.login("clerk", "wrong-password")
    with pytest.raises(DomainError, match="暂停登录 15 分钟"):
        service.login("clerk", "wrong-password")
    # even the right password is refused while locked
    with pytest.raises(DomainError, match="已暂停登录"):
        service.login("clerk", DEMO_PASSWORD)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 14))
    with pytest.raises(DomainError, match="已暂停登录"):
        service.login("clerk", DEMO_PASSWORD)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 16))
    assert service.login("clerk", DEMO_PASSWORD).username == "clerk"


def test_admin_unlocks_a_locked_account(db, users):
    service = PeopleService(db)
    for _ in range(5):
        with pytest.raises(DomainError):
            service.login("judge", "nope-nope-1")
    with pytest.raises(DomainError, match="已暂停登录"):
        service.login("judge", DEMO_PASSWORD)
    with db.read() as s:
        assert set(service.lockouts(s)) == {"judge"}  # the administrator sees it
    service.unlock(users["admin"], users["judge"].id)
    assert service.login("judge", DEMO_PASSWORD).username == "judge"


def _refusals(service: PeopleService, name: str, password: str, times: int) -> list[str]:
    out = []
    for _ in range(times):
        with pytest.raises(DomainError) as refused:
            service.login(name, password)
        out.append(str(refused.value))
    return out


def test_unknown_names_wrong_passwords_deactivated_and_locked_accounts_get_the_same_answers(db, users):
    """Probing for accounts learns nothing: every refusal reads the same, the lock-out included."""
    service = PeopleService(db)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    with db.write(users["admin"]) as s:
        s.get(User, users["civil_clerk"].id).active = False
    known = _refusals(service, "judge", "wrong-password", 6)
    unknown = _refusals(service, "nobody-here", "wrong-password", 6)
    inactive = _refusals(service, "civil_clerk", DEMO_PASSWORD, 6)
    assert known == unknown == inactive
    assert known[0] == "用户名或密码错误（再错 4 次将暂停登录 15 分钟）"
    assert "暂停登录" in known[5]
    # the right password of a locked account gets the lock-out answer an unknown name gets
    assert _refusals(service, "judge", DEMO_PASSWORD, 1) == _refusals(service, "nobody-here", DEMO_PASSWORD, 1)


def test_each_demo_account_has_its_own_salt(db):
    with db.read() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    salts = {h.split("$")[4] for h in hashes}
    assert len(hashes) > 10 and len(salts) == len(hashes)


def test_admin_resets_password_and_user_must_change_it(db, users):
    service = PeopleService(db)
    service.reset_password(users["admin"], users["judge"].id, "Temp12345")
    with pytest.raises(DomainError):
        service.login("judge", DEMO_PASSWORD)
    user = service.login("judge", "Temp12345")
    assert user.must_change_password
    service.change_password(user, "Temp12345", "Judge2027x")
    assert not service.login("judge", "Judge2027x").must_change_password


def test_wrong_role_cannot_reset_passwords_whatever_the_ui_shows(db, users):
    with pytest.raises(PermissionDenied, match="系统管理员"):
        PeopleService(db).reset_password(users["office_head"], users["judge"].id, "Temp12345")


def test_weak_new_password_is_refused_naming_the_field(db, users):
    with pytest.raises(ValidationError, match="新密码"):
        PeopleService(db).reset_password(users["admin"], users["judge"].id, "123")


def test_create_user_refuses_duplicate_username_and_writes_nothing(db, users):
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationError, match="用户名：「clerk」已被使用"):
        PeopleService(db).create_user(users["admin"], username="clerk", name="重名", password="Abcdef123",
                                      roles=[roles.CLERK])
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == before


def test_officer_keeps_own_contact_details_but_not_others(db, users):
    service = PeopleService(db)
    service.update_profile(users["enforcer"], users["enforcer"].id, phone="13800001111", wechat="hl_new")
    with db.read() as s:
        stored = s.get(User, users["enforcer"].id)
        assert (stored.phone, stored.wechat) == ("13800001111", "hl_new")
    with pytest.raises(PermissionDenied):
        service.update_profile(users["enforcer"], users["judge"].id, phone="123")
    with pytest.raises(ValidationError, match="联系电话：只能包含数字"):
        service.update_profile(users["enforcer"], users["enforcer"].id, phone="call me")
    service.update_profile(users["admin"], users["judge"].id, title="四级高级法官")


def test_unknown_department_or_role_is_refused_naming_the_field(db, users):
    service = PeopleService(db)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(User))
    with pytest.raises(DomainError, match="^部门：该部门不存在"):
        service.create_user(users["admin"], username="newbie", name="新人", password="Welcome2026",
                            roles=[], department_id=999)
    with pytest.raises(ValidationError, match="^角色：没有「astronaut」这个角色"):
        service.create_user(users["admin"], username="newbie", name="新人", password="Welcome2026",
                            roles=["astronaut"])
    with pytest.raises(ValidationError, match="^角色"):
        service.set_roles(users["admin"], users["judge"].id, ["astronaut"])
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == before


def _guess(url: str, name: str, start_at: float, out: mp.Queue) -> None:
    """One workstation guessing: three wrong passwords as fast as it can, from ``start_at`` on."""
    from courtdesk.kernel.db import Database

    db = Database(url)
    time.sleep(max(0.0, start_at - time.time()))
    answers = []
    for _ in range(3):
        try:
            PeopleService(db).login(name, "guess-guess-1")
        except DomainError as exc:
            answers.append(str(exc))
    out.put(answers)
    db.dispose()


def _guess_in_parallel(db, name: str, processes: int = 8) -> list[str]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    start_at = time.time() + 6.0  # every child imported and connected before the first guess
    procs = [ctx.Process(target=_guess, args=(db.url, name, start_at, queue)) for _ in range(processes)]
    for p in procs:
        p.start()
    answers = [a for _ in procs for a in queue.get(timeout=180)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return answers


def _assert_locked_after_five_checked(db, answers: list[str], name: str) -> None:
    assert len(answers) == 24
    # a guess was checked when its answer counts down or announces the lock; the others met the lock
    checked = [a for a in answers if "再错" in a or "连续 5 次错误" in a]
    refused_unchecked = [a for a in answers if "已暂停登录" in a]
    assert len(checked) == 5, answers
    assert len(refused_unchecked) == 19
    with pytest.raises(DomainError, match="已暂停登录"):
        PeopleService(db).login(name, DEMO_PASSWORD)  # the right password waits out the lock too


def test_eight_workstations_guessing_at_once_get_five_guesses_checked_not_twenty_four(db, users):
    clock.set_now(None)  # real time: the children run on the real clock
    _assert_locked_after_five_checked(db, _guess_in_parallel(db, "judge"), "judge")


@pytest.mark.pg
def test_eight_workstations_guessing_at_once_on_postgresql_get_five_guesses_checked(pg_demo_db):
    clock.set_now(None)
    _assert_locked_after_five_checked(pg_demo_db, _guess_in_parallel(pg_demo_db, "judge"), "judge")
