"""The one numbering mechanism: gap-free yearly serials per register.

The counter row of (register, year) is created if missing and then locked for update inside the
caller's write transaction, so the number and the record commit together or not at all: a number is
never skipped, doubled or reused. On SQLite the write transaction already holds the database's
write lock (``BEGIN IMMEDIATE``); on PostgreSQL ``FOR UPDATE`` serialises the two writers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from courtdesk.kernel import audit
from courtdesk.kernel.models.base import table_of
from courtdesk.kernel.models.infra import Counter

_counter = table_of(Counter)


def next_serial(session: Session, register: str, year: int) -> int:
    conn = session.connection()
    dialect = conn.dialect.name
    values = {"register": register, "year": year, "last": 0}
    # the dialects' insert-or-nothing, imported here: the PostgreSQL dialect alone is ~50 ms of a cold
    # command that never numbers anything (``render``, issue 21)
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        created = conn.execute(postgresql.insert(_counter).values(**values).on_conflict_do_nothing()).rowcount
    else:
        from sqlalchemy.dialects import sqlite

        created = conn.execute(sqlite.insert(_counter).values(**values).on_conflict_do_nothing()).rowcount
    row = conn.execute(
        select(_counter.c.id, _counter.c.last)
        .where(_counter.c.register == register, _counter.c.year == year)
        .with_for_update()
    ).one()
    serial = row.last + 1
    conn.execute(update(_counter).where(_counter.c.id == row.id).values(last=serial))
    # The counter is written with Core (insert-or-nothing, then a locked update), so the session's
    # audit hook does not see it: the entry is appended here, in the same transaction.
    user_id, user_name = audit.actor_of(session)
    writer = audit.AuditWriter(conn, user_id, user_name)
    after = audit.values_snapshot(Counter, {"id": row.id, "register": register, "year": year, "last": serial})
    before = None if created else {**after, "last": row.last}
    writer.add("create" if created else "update", _counter.name, row.id, before, after,
               f"{year} 年第 {serial} 号")
    writer.flush()
    return int(serial)


def format_serial(pattern: str, year: int, serial: int) -> str:
    """``pattern`` uses ``{year}`` and ``{serial}``, e.g. ``"({year})第{serial:04d}号"``."""
    return pattern.format(year=year, serial=serial)


def assign(session: Session, record: Any, *, register: str, pattern: str, year: int) -> str:
    """Give ``record`` the next number of ``register`` for ``year``: sets ``record.year``,
    ``record.serial`` and ``record.number`` (``pattern`` as in :func:`format_serial`) and returns the
    number. Same guarantee as :func:`next_serial`: taken under the counter's lock in the caller's
    transaction, so it commits with the record or not at all."""
    serial = next_serial(session, register, year)
    record.year = year
    record.serial = serial
    record.number = format_serial(pattern, year, serial)
    return str(record.number)
