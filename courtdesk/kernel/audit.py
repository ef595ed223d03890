"""The one audit mechanism (全程留痕).

A session ``after_flush`` hook writes an entry for every insert, update and delete of an audited
model, so no service can forget it. Each entry stores before/after snapshots (canonical JSON) and
``hash = sha256(prev_hash + canonical entry)``; the tip of the chain lives in ``audit_head``, locked
for update, so concurrent writers append one after the other. :func:`verify` walks the chain and also
compares every register row with its last audited state (edits made behind the app's back).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, LargeBinary, event, func, insert, inspect, select, update
from sqlalchemy.orm import Mapper, Session

from courtdesk.kernel import clock
from courtdesk.kernel.models.base import Base, table_of
from courtdesk.kernel.models.infra import AuditEntry, AuditHead

GENESIS = "0" * 64
_entry = table_of(AuditEntry)
_head = table_of(AuditHead)


# --- canonical snapshots -------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):  # enums
        return value.value
    return value


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def _redacted(mapper: Mapper[Any]) -> set[str]:
    return set(getattr(mapper.class_, "__audit_redact__", ()))


def audited_columns(mapper: Mapper[Any]) -> list[tuple[str, str]]:
    """(attribute key, column name) pairs that an audit snapshot covers (blobs are left out)."""
    pairs = []
    for prop in mapper.column_attrs:
        col = prop.columns[0]
        if isinstance(col.type, LargeBinary):
            continue
        pairs.append((prop.key, col.name))
    return pairs


def _normalise(mapper: Mapper[Any], values: dict[str, Any]) -> dict[str, Any]:
    redact = _redacted(mapper)
    out: dict[str, Any] = {}
    for key, value in values.items():
        value = _jsonable(value)
        if key in redact and value is not None:
            value = "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()
        out[key] = value
    return out


def snapshot(obj: Any) -> dict[str, Any]:
    """Current (post-flush) values of an instance."""
    mapper = inspect(obj).mapper
    state_dict = inspect(obj).dict
    return _normalise(mapper, {k: state_dict.get(k) for k, _ in audited_columns(mapper)})


def _snapshot_before(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for key, _ in audited_columns(state.mapper):
        hist = state.attrs[key].history
        if hist.deleted:
            values[key] = hist.deleted[0]
        elif hist.unchanged:
            values[key] = hist.unchanged[0]
        else:
            values[key] = state.dict.get(key)
    return _normalise(state.mapper, values)


def row_snapshot(mapper: Mapper[Any], row: Any) -> dict[str, Any]:
    """Snapshot of a row read with Core (used by verification)."""
    return _normalise(mapper, {key: getattr(row, col) for key, col in audited_columns(mapper)})


def is_audited(obj: Any) -> bool:
    return isinstance(obj, Base) and getattr(type(obj), "__audited__", True)


# --- writing -------------------------------------------------------------------------------------

def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


@dataclass
class AuditWriter:
    """Appends entries to the chain on one connection, inside the caller's write transaction."""

    conn: Connection
    user_id: int | None = None
    user_name: str = "系统"
    _last_id: int = 0
    _last_hash: str = GENESIS
    _opened: bool = False
    _pending: list[dict[str, Any]] = field(default_factory=list)

    def _open(self) -> None:
        row = self.conn.execute(
            select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == 1).with_for_update()
        ).one_or_none()
        if row is None:
            self.conn.execute(insert(_head).values(id=1, last_id=0, last_hash=GENESIS))
            self._last_id, self._last_hash = 0, GENESIS
        else:
            self._last_id, self._last_hash = int(row[0]), str(row[1])
        self._opened = True

    def add(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        comment: str = "",
    ) -> None:
        if not self._opened:
            self._open()
        fields: dict[str, Any] = {
            "at": clock.now().isoformat(),
            "user_id": self.user_id,
            "user_name": self.user_name,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": canonical_json(before) if before is not None else None,
            "after": canonical_json(after) if after is not None else None,
            "comment": comment,
        }
        digest = entry_hash(self._last_hash, fields)
        fields["at"] = dt.datetime.fromisoformat(fields["at"])
        fields.update(prev_hash=self._last_hash, hash=digest)
        self._pending.append(fields)
        self._last_hash = digest
        if len(self._pending) >= 500:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self.conn.execute(insert(_entry), self._pending)
        self._pending.clear()
        last_id = self.conn.execute(select(func.max(_entry.c.id))).scalar_one()
        self.conn.execute(update(_head).where(_head.c.id == 1).values(last_id=last_id, last_hash=self._last_hash))


def hint(session: Session, obj: Any, action: str, comment: str = "") -> None:
    """Name the next audit entry of ``obj`` (e.g. a workflow action) instead of plain 'update'."""
    session.info.setdefault("audit_hints", {})[id(obj)] = (action, comment)


def _actor_of(session: Session) -> tuple[int | None, str]:
    actor = session.info.get("actor")
    if actor is None:
        return None, "系统"
    return getattr(actor, "id", None), getattr(actor, "name", str(actor))


def _after_flush(session: Session, _ctx: Any) -> None:
    changes: list[tuple[str, Any, dict[str, Any] | None, dict[str, Any] | None]] = []
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    for obj in session.new:
        if is_audited(obj):
            changes.append(("create", obj, None, snapshot(obj)))
    for obj in session.dirty:
        if is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _snapshot_before(obj), snapshot(obj)
            if before != after:
                changes.append(("update", obj, before, after))
    for obj in session.deleted:
        if is_audited(obj):
            changes.append(("delete", obj, _snapshot_before(obj), None))
    if not changes:
        return
    hints = session.info.get("audit_hints", {})
    user_id, user_name = _actor_of(session)
    writer = AuditWriter(session.connection(), user_id, user_name)
    for default_action, obj, before, after in sorted(changes, key=lambda c: _order_key(c[1])):
        action, comment = hints.pop(id(obj), (default_action, ""))
        writer.add(action, type(obj).__tablename__, getattr(obj, "id", None), before, after, comment)
    writer.flush()


def _order_key(obj: Any) -> tuple[str, int]:
    return (type(obj).__tablename__, getattr(obj, "id", 0) or 0)


def install(factory: Any) -> None:
    """Audit every flush of the sessions ``factory`` makes (a ``sessionmaker``). ``Database`` calls
    this when it is opened, so no write path depends on who imported what."""
    if not event.contains(factory, "after_flush", _after_flush):
        event.listen(factory, "after_flush", _after_flush)


# --- verification --------------------------------------------------------------------------------

@dataclass
class VerifyReport:
    entries: int = 0
    first_broken: int | None = None
    broken_reason: str = ""
    row_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_broken is None and not self.row_problems


def _audited_mappers() -> list[Mapper[Any]]:
    from courtdesk.kernel import area

    area.discover()  # every area's tables are checked, whoever called
    return sorted(
        (m for m in Base.registry.mappers if getattr(m.class_, "__audited__", True)),
        key=lambda m: m.class_.__tablename__,
    )


def verify(conn: Connection, *, max_row_problems: int = 200) -> VerifyReport:
    report = VerifyReport()
    prev = GENESIS
    last_id = 0
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(_entry).order_by(_entry.c.id)
    )
    for row in result:
        report.entries += 1
        fields = {
            "at": row.at.isoformat(),
            "user_id": row.user_id,
            "user_name": row.user_name,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "before": row.before,
            "after": row.after,
            "comment": row.comment,
        }
        if row.prev_hash != prev:
            report.first_broken = row.id
            report.broken_reason = "与前一条记录的链接断开（前一条记录被删除或改动）"
            break
        if entry_hash(prev, fields) != row.hash:
            report.first_broken = row.id
            report.broken_reason = "内容与其哈希不符（记录被改动）"
            break
        prev = row.hash
        last_id = row.id
    result.close()
    if report.first_broken is None:
        head = conn.execute(select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == 1)).one_or_none()
        if head is not None and (head.last_hash != prev or head.last_id != last_id):
            report.first_broken = head.last_id
            report.broken_reason = "链尾记录缺失或被改动（与链头登记不符）"
    for mapper in _audited_mappers():
        for problem in _verify_rows(conn, mapper):
            report.row_problems.append(problem)
            if len(report.row_problems) >= max_row_problems:
                return report
    return report


def _verify_rows(conn: Connection, mapper: Mapper[Any]) -> Iterator[str]:
    """Merge-walk the table's rows against the latest audit entry of each row id."""
    table = mapper.local_table
    name = table.name  # type: ignore[attr-defined]
    label = getattr(mapper.class_, "__label__", "") or name
    pk = next(iter(table.primary_key.columns))  # type: ignore[attr-defined]
    latest = (
        select(func.max(_entry.c.id).label("mid"))
        .where(_entry.c.entity == name)
        .group_by(_entry.c.entity_id)
        .subquery()
    )
    audited = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(_entry.c.entity_id, _entry.c.action, _entry.c.after)
        .join(latest, latest.c.mid == _entry.c.id)
        .order_by(_entry.c.entity_id)
    )
    rows = conn.execution_options(stream_results=True, yield_per=2000).execute(select(table).order_by(pk))
    a_iter, r_iter = iter(audited), iter(rows)
    a, r = next(a_iter, None), next(r_iter, None)
    while a is not None or r is not None:
        if r is not None and (a is None or getattr(r, pk.name) < a.entity_id):
            yield f"{label}（{name}）第 {getattr(r, pk.name)} 号记录没有留痕记录（绕过系统写入）"
            r = next(r_iter, None)
        elif a is not None and (r is None or a.entity_id < getattr(r, pk.name)):
            if a.action != "delete":
                yield f"{label}（{name}）第 {a.entity_id} 号记录已不存在，但留痕中没有删除记录（绕过系统删除）"
            a = next(a_iter, None)
        elif a is not None and r is not None:
            current = canonical_json(row_snapshot(mapper, r))
            if a.action == "delete" or current != a.after:
                yield f"{label}（{name}）第 {a.entity_id} 号记录的当前内容与最后一次留痕不符（绕过系统修改）"
            a, r = next(a_iter, None), next(r_iter, None)
    audited.close()
    rows.close()


def adopt(conn: Connection, model: type, comment: str) -> int:
    """Record in the chain, as ``migrate`` entries, what a schema upgrade changed in ``model``'s rows.

    A row whose last audited state differs from the row now *only* in columns the upgrade removed
    or added gets an entry (before: the last audited state; after: the row now), so verification
    does not call the upgrade a write behind the app's back. A row that also differs in a column
    both know is left alone: that change was not the upgrade's, and verification goes on
    reporting it. Rows of a table audited for the first time (no entries yet) are all taken in.
    Returns the number of entries written."""
    mapper: Mapper[Any] = inspect(model)
    table = mapper.local_table
    name = table.name  # type: ignore[attr-defined]
    pk = next(iter(table.primary_key.columns))  # type: ignore[attr-defined]
    latest = (
        select(func.max(_entry.c.id).label("mid")).where(_entry.c.entity == name)
        .group_by(_entry.c.entity_id).subquery()
    )
    audited = {int(r.entity_id): r for r in conn.execute(
        select(_entry.c.entity_id, _entry.c.action, _entry.c.after).join(latest, latest.c.mid == _entry.c.id))}
    writer = AuditWriter(conn)
    written = 0
    for row in conn.execute(select(table).order_by(pk)).all():
        row_id = int(getattr(row, pk.name))
        now = row_snapshot(mapper, row)
        last = audited.get(row_id)
        before = json.loads(last.after) if last is not None and last.after else None
        if last is not None:
            if last.action == "delete" or before is None or before == now:
                continue
            shared = now.keys() & before.keys()
            if any(before[k] != now[k] for k in shared):
                continue  # changed behind the app's back: not the upgrade's to explain
        writer.add("migrate", name, row_id, before, now, comment)
        written += 1
    writer.flush()
    return written


def values_snapshot(model: type, values: dict[str, Any]) -> dict[str, Any]:
    """Snapshot of a row given as plain values (bulk writers use it to audit what they insert)."""
    mapper: Mapper[Any] = inspect(model)
    return _normalise(mapper, {key: values.get(key) for key, _ in audited_columns(mapper)})
