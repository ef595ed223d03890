"""Demo departments and people: the court a new user logs in to (README "Demo logins").

Runs first (the system area's order is 0): every other area's demo uses these people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courtdesk.areas.system import roles
from courtdesk.areas.system.setup import TYPICAL_DEPARTMENTS
from courtdesk.kernel import signing
from courtdesk.kernel.demo import DEMO_PASSWORD, DemoContext
from courtdesk.kernel.models.people import ADMIN, ROLE_LABELS, Department, Role, User, UserRole
from courtdesk.kernel.people import credentials


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    department: str
    roles: tuple[Role, ...]
    title: str = ""
    phone: str = ""
    wechat: str = ""


#: 执行干警, by its code: the enforcement area declares it (the system area does not import another
#: area); without that area installed the demo people simply do not hold it.
ENFORCEMENT = Role("enforcement")

#: The demo court's departments: a typical basic-level court's, as the first-run setup offers them.
DEPARTMENTS: tuple[tuple[str, str], ...] = TYPICAL_DEPARTMENTS

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "赵敏", "信息技术办公室", (ADMIN,), "系统管理员", "0316-6080001"),
    DemoUser("clerk", "王芳", "办公室", (roles.CLERK,), "办公室文员", "0316-6080010"),
    DemoUser("office_head", "李强", "办公室", (roles.OFFICE_HEAD,), "办公室主任", "0316-6080011"),
    DemoUser("president", "张国华", "院领导", (roles.PRESIDENT, roles.LEADER), "院长", "0316-6080002"),
    DemoUser("leader", "刘建军", "院领导", (roles.LEADER,), "副院长", "0316-6080003"),
    DemoUser("finance_leader", "陈静", "院领导", (roles.LEADER, roles.FINANCE_LEADER), "副院长", "0316-6080004"),
    DemoUser("finance", "孙丽", "财务室", (roles.FINANCE,), "会计", "0316-6080020"),
    DemoUser("political", "周伟", "政治处", (roles.DEPT_HEAD,), "政治处主任", "0316-6080030"),
    DemoUser("civil_head", "吴涛", "民事审判庭", (roles.DEPT_HEAD,), "庭长", "0316-6080040"),
    DemoUser("judge", "郑洁", "民事审判庭", (), "审判员", "0316-6080041"),
    DemoUser("civil_clerk", "林晓", "民事审判庭", (), "书记员", "0316-6080042"),
    DemoUser("enforce_head", "马超", "执行局", (roles.DEPT_HEAD, ENFORCEMENT), "执行局局长", "0316-6080050"),
    DemoUser("enforcer", "黄磊", "执行局", (ENFORCEMENT,), "执行员", "13803160051", "hl_zxj"),
    DemoUser("enforce_clerk", "何佳", "执行局", (ENFORCEMENT,), "书记员", "13803160052", "hj_zxj"),
    DemoUser("secrecy", "冯雪", "办公室", (roles.SECRECY,), "保密员", "0316-6080012"),
    DemoUser("itops", "高峰", "信息技术办公室", (roles.IT_OPS,), "网络运维主管", "0316-6080060"),
)


def fill_people(ctx: DemoContext) -> None:
    """Departments and demo accounts; refuses a database that already has users."""
    with ctx.db.write() as s:
        if s.scalar(select(User.id).limit(1)) is not None:
            raise RuntimeError("数据库中已有用户，演示数据只能写入新数据库")
        for name, kind in DEPARTMENTS:
            dept = Department(name=name, kind=kind)
            s.add(dept)
            ctx.departments[name] = dept
        s.flush()
        wrap_keys: dict[str, bytes] = {}
        for spec in USERS:
            stored, wrap_keys[spec.key] = credentials(DEMO_PASSWORD)  # each its own salt (and hash)
            user = User(
                username=spec.key,
                name=spec.name,
                title=spec.title,
                department_id=ctx.departments[spec.department].id,
                phone=spec.phone,
                wechat=spec.wechat,
                password_hash=stored,
            )
            # a post of an area that is not installed is left out (the demo people hold every area's posts)
            user.role_rows = [UserRole(role=r.value) for r in spec.roles if r.value in ROLE_LABELS]
            s.add(user)
            ctx.users[spec.key] = user
        s.flush()
        # Each person's signing key, unlocked in this process as a login would (the demo knows the
        # password): what the demo then does as these people is signed by them.
        for key, user in ctx.users.items():
            signing.rekey(s, user.id, wrap_keys[key], unlock=True)
        for user in ctx.users.values():
            _ = user.department, user.roles  # loaded for use after the session closes


