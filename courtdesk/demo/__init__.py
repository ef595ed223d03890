"""Demo data: what a new user sees after the README's run command, and scale data for benchmarks.

Each area adds a filler with :func:`filler` (realistic records in every state, made through the
services so every rule and the audit apply) and optionally a bulk filler with :func:`bulk_filler`
(``--rows N``: many rows written in batches, with their audit entries, for scale tests).
"""

from __future__ import annotations

import datetime as dt
import heapq
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, text, update

from courtdesk import clock
from courtdesk.db.engine import Database
from courtdesk.models.base import table_of
from courtdesk.models.infra import Counter
from courtdesk.models.people import Department, Role, User, UserRole
from courtdesk.services.people import hash_password

DEMO_PASSWORD = "Demo2026"


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    department: str
    roles: tuple[Role, ...]
    title: str = ""
    phone: str = ""
    wechat: str = ""


DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("办公室", "office"),
    ("政治处", "political"),
    ("立案庭", "business"),
    ("刑事审判庭", "business"),
    ("民事审判庭", "business"),
    ("执行局", "enforcement"),
    ("财务室", "business"),
    ("信息技术办公室", "business"),
    ("院领导", "leaders"),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "赵敏", "信息技术办公室", (Role.ADMIN,), "系统管理员", "0316-6080001"),
    DemoUser("clerk", "王芳", "办公室", (Role.CLERK,), "办公室文员", "0316-6080010"),
    DemoUser("office_head", "李强", "办公室", (Role.OFFICE_HEAD,), "办公室主任", "0316-6080011"),
    DemoUser("president", "张国华", "院领导", (Role.PRESIDENT, Role.LEADER), "院长", "0316-6080002"),
    DemoUser("leader", "刘建军", "院领导", (Role.LEADER,), "副院长", "0316-6080003"),
    DemoUser("finance_leader", "陈静", "院领导", (Role.LEADER, Role.FINANCE_LEADER), "副院长", "0316-6080004"),
    DemoUser("finance", "孙丽", "财务室", (Role.FINANCE,), "会计", "0316-6080020"),
    DemoUser("political", "周伟", "政治处", (Role.DEPT_HEAD,), "政治处主任", "0316-6080030"),
    DemoUser("civil_head", "吴涛", "民事审判庭", (Role.DEPT_HEAD,), "庭长", "0316-6080040"),
    DemoUser("judge", "郑洁", "民事审判庭", (), "审判员", "0316-6080041"),
    DemoUser("civil_clerk", "林晓", "民事审判庭", (), "书记员", "0316-6080042"),
    DemoUser("enforce_head", "马超", "执行局", (Role.DEPT_HEAD, Role.ENFORCEMENT), "执行局局长", "0316-6080050"),
    DemoUser("enforcer", "黄磊", "执行局", (Role.ENFORCEMENT,), "执行员", "13803160051", "hl_zxj"),
    DemoUser("enforce_clerk", "何佳", "执行局", (Role.ENFORCEMENT,), "书记员", "13803160052", "hj_zxj"),
    DemoUser("secrecy", "冯雪", "办公室", (Role.SECRECY,), "保密员", "0316-6080012"),
    DemoUser("itops", "高峰", "信息技术办公室", (Role.IT_OPS,), "网络运维主管", "0316-6080060"),
)


@dataclass
class DemoContext:
    db: Database
    users: dict[str, User] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)


#: A filler either writes everything at once (returns None) or is a generator that yields the date
#: and time of each of its next steps; :func:`fill` then runs the steps of all fillers in date order
#: with the clock set to each step's time, so every register's yearly numbers follow its dates.
Filler = Callable[[DemoContext], "Iterator[dt.datetime] | None"]
BulkFiller = Callable[[DemoContext, int], None]
FILLERS: list[tuple[str, Filler]] = []
BULK_FILLERS: list[tuple[str, BulkFiller]] = []


def filler(name: str) -> Callable[[Filler], Filler]:
    def deco(fn: Filler) -> Filler:
        FILLERS.append((name, fn))
        return fn

    return deco


def bulk_filler(name: str) -> Callable[[BulkFiller], BulkFiller]:
    def deco(fn: BulkFiller) -> BulkFiller:
        BULK_FILLERS.append((name, fn))
        return fn

    return deco


def tiny_png() -> bytes:
    """A valid 1×1 PNG, standing in for a scanned signed original in demo data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(
        b"IEND", b""
    )


class BulkWriter:
    """Writes many rows fast for scale tests, keeping every guarantee the app checks afterwards.

    Rows get explicit ids and are inserted in batches (models in the order given: parents first);
    each row gets its audit entry through :class:`courtdesk.audit.AuditWriter`, so ``verify-audit``
    passes; serial numbers come from :meth:`serial`, which continues the register's yearly counter
    and saves it at :meth:`finish`; on PostgreSQL the id sequences are moved past the explicit ids.
    """

    BATCH = 5000

    def __init__(self, session: Any, *models: type) -> None:
        from courtdesk import audit

        self.session = session
        self.models = models
        self._audit = audit.AuditWriter(session.connection(), None, "演示数据")
        self._batches: dict[type, list[dict[str, Any]]] = {m: [] for m in models}
        self._next_id = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in models}  # type: ignore[attr-defined]
        self._counters: dict[tuple[str, int], int] = {}
        self._pending = 0

    def next_id(self, model: type) -> int:
        value = self._next_id[model]
        self._next_id[model] = value + 1
        return value

    def serial(self, register: str, year: int) -> int:
        key = (register, year)
        if key not in self._counters:
            self._counters[key] = self.session.scalar(
                select(Counter.last).where(Counter.register == register, Counter.year == year)) or 0
        self._counters[key] += 1
        return self._counters[key]

    def add(self, model: type, values: dict[str, Any]) -> None:
        from courtdesk import audit

        self._batches[model].append(values)
        self._audit.add("create", model.__tablename__, values["id"], None,  # type: ignore[attr-defined]
                        audit.values_snapshot(model, values))
        self._pending += 1
        if self._pending >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        for model in self.models:
            if self._batches[model]:
                self.session.execute(insert(model.__table__), self._batches[model])  # type: ignore[attr-defined]
                self._batches[model].clear()
        self._pending = 0

    def finish(self) -> None:
        self.flush()
        self._audit.flush()
        table = table_of(Counter)
        for (register, year), last in self._counters.items():
            done = self.session.execute(update(table).where(table.c.register == register, table.c.year == year)
                                        .values(last=last))
            if not done.rowcount:
                self.session.execute(insert(table).values(register=register, year=year, last=last))
        after_explicit_ids(self.session, *self.models)


def after_explicit_ids(session: Any, *models: type) -> None:
    """Bulk fillers insert explicit ids; on PostgreSQL move each id sequence past them."""
    if session.connection().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__  # type: ignore[attr-defined]
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def _people(ctx: DemoContext) -> None:
    with ctx.db.write() as s:
        if s.scalar(select(User.id).limit(1)) is not None:
            raise RuntimeError("数据库中已有用户，演示数据只能写入新数据库")
        for name, kind in DEPARTMENTS:
            dept = Department(name=name, kind=kind)
            s.add(dept)
            ctx.departments[name] = dept
        s.flush()
        hashed = hash_password(DEMO_PASSWORD)
        for spec in USERS:
            user = User(
                username=spec.key,
                name=spec.name,
                title=spec.title,
                department_id=ctx.departments[spec.department].id,
                phone=spec.phone,
                wechat=spec.wechat,
                password_hash=hashed,
            )
            user.role_rows = [UserRole(role=r.value) for r in spec.roles]
            s.add(user)
            ctx.users[spec.key] = user
        s.flush()
        for user in ctx.users.values():
            _ = user.department, user.roles  # loaded for use after the session closes


def _run_in_date_order(ctx: DemoContext) -> None:
    queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = []
    for order, (_name, fn) in enumerate(FILLERS):
        steps = fn(ctx)
        if steps is None:
            continue
        first = next(steps, None)
        if first is not None:
            heapq.heappush(queue, (first, order, steps))
    while queue:
        when, order, steps = heapq.heappop(queue)
        clock.set_now(when)
        following = next(steps, None)
        if following is not None:
            heapq.heappush(queue, (max(following, when), order, steps))


def fill(db: Database, *, rows: int = 0) -> DemoContext:
    """Fill a new database with demo people and every area's demo records."""
    import courtdesk.demo.areas  # noqa: F401  (registers the area fillers)

    ctx = DemoContext(db)
    saved = clock._fixed
    try:
        _people(ctx)
        _run_in_date_order(ctx)
        if rows:
            for _name, bulk in BULK_FILLERS:
                bulk(ctx, rows)
    finally:
        clock.set_now(saved)
    return ctx
