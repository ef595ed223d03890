"""Demo data: what a new user sees after the README's run command, and scale data for benchmarks.

Each area names its fillers in its ``Area``: ``demo`` (realistic records in every state, made through
the services so every rule and the audit apply) and ``bulk_demo`` (``--rows N``: many rows written in
batches, with their audit entries, for scale tests). :func:`fill` runs them all.
"""

from __future__ import annotations

import datetime as dt
import heapq
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, text, update

from courtdesk.kernel import area, clock
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.models.base import table_of
from courtdesk.kernel.models.infra import Counter
from courtdesk.kernel.models.people import Department, User

DEMO_PASSWORD = "Demo2026"


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


def fills(*registers: str) -> Callable[[BulkFiller], BulkFiller]:
    """Declare the registers a bulk filler fills (``@fills("<register key>")``), so :func:`fill` with
    ``only=`` runs just the fillers a benchmark of those registers needs."""

    def mark(fn: BulkFiller) -> BulkFiller:
        fn.registers = tuple(registers)  # type: ignore[attr-defined]
        return fn

    return mark


def filled_registers(fn: BulkFiller) -> tuple[str, ...]:
    """The registers a bulk filler declared with :func:`fills` (empty: undeclared)."""
    return tuple(getattr(fn, "registers", ()))


def tiny_png() -> bytes:
    """A valid 1×1 PNG, standing in for a scanned signed original in demo data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(
        b"IEND", b""
    )


def tiny_pdf() -> bytes:
    """A valid one-page PDF (A4, blank), standing in for a scanned document in demo data and tests —
    an upload is parsed, so a few bytes starting with %PDF- no longer pass for one."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class BulkWriter:
    """Writes many rows fast for scale tests, keeping every guarantee the app checks afterwards.

    Rows get explicit ids and are inserted in batches (models in the order given: parents first);
    each row gets its audit entry through :class:`courtdesk.kernel.audit.AuditWriter`, so ``verify-audit``
    passes; serial numbers come from :meth:`serial`, which continues the register's yearly counter
    and saves it at :meth:`finish`; on PostgreSQL the id sequences are moved past the explicit ids.
    """

    BATCH = 5000

    def __init__(self, session: Any, *models: type) -> None:
        from courtdesk.kernel import audit

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
        from courtdesk.kernel import audit

        for column in model.__table__.columns:  # type: ignore[attr-defined]
            # A column left out gets its scalar default here, so the row and its audit entry agree.
            if column.key not in values and column.default is not None and column.default.is_scalar:
                values[column.key] = column.default.arg
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
        from courtdesk.kernel import audit

        self.flush()
        self._audit.flush()
        table = table_of(Counter)
        counters = audit.AuditWriter(self.session.connection(), None, "演示数据")
        for (register, year), last in self._counters.items():
            row = self.session.execute(select(table.c.id, table.c.last)
                                       .where(table.c.register == register, table.c.year == year)).one_or_none()
            values = {"register": register, "year": year, "last": last}
            if row is not None:
                self.session.execute(update(table).where(table.c.id == row.id).values(last=last))
                after = audit.values_snapshot(Counter, {**values, "id": row.id})
                counters.add("update", table.name, row.id, {**after, "last": row.last}, after)
            else:
                new_id = self.session.execute(insert(table).values(**values)).inserted_primary_key[0]
                counters.add("create", table.name, new_id, None, audit.values_snapshot(Counter, {**values, "id": new_id}))
        counters.flush()
        after_explicit_ids(self.session, *self.models)


def after_explicit_ids(session: Any, *models: type) -> None:
    """Bulk fillers insert explicit ids; on PostgreSQL move each id sequence past them."""
    if session.connection().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__  # type: ignore[attr-defined]
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def _run_in_date_order(ctx: DemoContext) -> None:
    queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = []
    fillers = [fn for declared in area.areas() for fn in declared.demo]
    for order, fn in enumerate(fillers):
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


def bulk_fillers(only: Iterable[str] | None = None) -> list[BulkFiller]:
    """Every area's bulk fillers in area order; with ``only`` (register keys) just those declared
    (:func:`fills`) to fill one of them. A named register no filler fills is refused."""
    every = [fn for declared in area.areas() for fn in declared.bulk_demo]
    if only is None:
        return every
    wanted = set(only)
    missing = wanted - {key for fn in every for key in filled_registers(fn)}
    if missing:
        raise ValueError(f"没有能批量填充登记簿 {'、'.join(sorted(missing))} 的演示数据")
    return [fn for fn in every if wanted & set(filled_registers(fn))]


def fill(db: Database, *, rows: int = 0, only: Iterable[str] | None = None) -> DemoContext:
    """Fill a new database with demo people and every area's demo records; with ``rows`` the bulk
    fillers add ``rows`` records each (all of them, or with ``only`` those filling these registers)."""
    ctx = DemoContext(db)
    saved = clock._fixed
    try:
        fillers = bulk_fillers(only) if rows else []
        _run_in_date_order(ctx)
        for bulk in fillers:
            bulk(ctx, rows)
    finally:
        clock.set_now(saved)
    return ctx
