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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    LargeBinary,
    String,
    TypeDecorator,
    event,
    func,
    insert,
    inspect,
    select,
    type_coerce,
    update,
)
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
    _signer: Any = None

    def _open(self) -> None:
        from courtdesk.kernel import signing

        self._signer = signing.signer_for(self.conn, self.user_id, self.user_name)
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
        """Write the pending entries, signed together: one signature over the last one's hash
        (which covers every entry before it), carried by each (see :mod:`courtdesk.kernel.signing`).
        Inside :meth:`Database.write` the signature is made once for the whole write, at its commit."""
        if not self._pending:
            return
        from courtdesk.kernel import signing

        deferred = self._signer is not None and signing.deferred(self.conn)
        if self._signer is not None and not deferred:
            signature = signing.sign(self._signer.private, self._last_hash)
            for entry in self._pending:
                entry.update(key_id=self._signer.key_id, signature=signature)
        self.conn.execute(insert(_entry), self._pending)
        count = len(self._pending)
        self._pending.clear()
        last_id = self.conn.execute(select(func.max(_entry.c.id))).scalar_one()
        if deferred:  # signed once, when the write commits (Database.write)
            signing.defer(self.conn, self._signer, int(last_id) - count + 1, int(last_id), self._last_hash)
        self.conn.execute(update(_head).where(_head.c.id == 1).values(last_id=last_id, last_hash=self._last_hash))


def hint(session: Session, obj: Any, action: str, comment: str = "") -> None:
    """Name the next audit entry of ``obj`` (e.g. a workflow action) instead of plain 'update'."""
    session.info.setdefault("audit_hints", {})[id(obj)] = (action, comment)


def actor_of(session: Session) -> tuple[int | None, str]:
    actor = session.info.get("actor")
    if actor is None:
        return None, "系统"
    return getattr(actor, "id", None), getattr(actor, "name", str(actor))


def _deleted_in_flush(session: Session, ctx: Any) -> list[Any]:
    """Objects this flush deleted: ``session.deleted`` plus orphans removed by a delete-orphan
    cascade (e.g. a role taken out of ``user.role_rows``), which only the flush itself knows."""
    objs = list(session.deleted)
    seen = {id(o) for o in objs}
    for state, (is_delete, list_only) in getattr(ctx, "states", {}).items():
        obj = state.obj()
        if is_delete and not list_only and obj is not None and id(obj) not in seen:
            seen.add(id(obj))
            objs.append(obj)
    return objs


def _after_flush(session: Session, ctx: Any) -> None:
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
    for obj in _deleted_in_flush(session, ctx):
        if is_audited(obj):
            changes.append(("delete", obj, _snapshot_before(obj), None))
    if not changes:
        return
    hints = session.info.get("audit_hints", {})
    user_id, user_name = actor_of(session)
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

#: Tables of the chain itself (problems in them are breaks of the chain, not of a register row).
CHAIN_TABLES = ("audit_entry", "audit_head")
_CHAIN_LABELS = {"audit_entry": "留痕记录", "audit_head": "留痕链头"}


def _label_of(table: str) -> str:
    if table in _CHAIN_LABELS:
        return _CHAIN_LABELS[table]
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return getattr(mapper.class_, "__label__", "") or table
    return table


@dataclass(frozen=True)
class Problem:
    """One thing verification found wrong: where (table, record id) and why."""

    table: str
    record_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{_label_of(self.table)}（{self.table}）"
        if self.record_id is not None:
            where += f"第 {self.record_id} 号记录"
        return f"{where}：{self.reason}"


@dataclass
class VerifyReport:
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: What verification noticed that is no fault: a restore from a backup after the checkpoint given
    #: (the checkpoint's later history is in the file the restore kept, not here).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    # Older callers' view: the first break of the chain, and the row problems as text.
    @property
    def chain_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.table in CHAIN_TABLES]

    @property
    def first_broken(self) -> int | None:
        chain = self.chain_problems
        if not chain:
            return None
        return chain[0].record_id if chain[0].record_id is not None else 0

    @property
    def broken_reason(self) -> str:
        chain = self.chain_problems
        return chain[0].reason if chain else ""

    @property
    def row_problems(self) -> list[str]:
        return [str(p) for p in self.problems if p.table not in CHAIN_TABLES]


def _audited_mappers() -> list[Mapper[Any]]:
    from courtdesk.kernel import area

    area.discover()  # every area's tables are checked, whoever called
    return sorted(
        (m for m in Base.registry.mappers if getattr(m.class_, "__audited__", True)),
        key=lambda m: m.class_.__tablename__,
    )


class _Malformed(Exception):
    """A stored value its column's type cannot read (e.g. 'not-a-date' in a date column)."""

    def __init__(self, column: str, value: Any) -> None:
        super().__init__(column)
        self.column = column
        self.value = value

    def reason(self) -> str:
        shown = repr(self.value)
        if len(shown) > 40:
            shown = shown[:37] + "…"
        return f"数据格式错误（字段 {self.column} 的值 {shown} 无法读取）"


class _TolerantReader:
    """Reads a table's columns as the driver gives them and converts them here, value by value, so
    that one malformed value is reported for its row instead of ending the whole read (SQLAlchemy's
    own result processors raise while the row is fetched)."""

    def __init__(self, conn: Connection, columns: list[Any]) -> None:
        dialect = conn.dialect
        self.columns = columns
        self.processors = [self._processor(c, dialect) for c in columns]

    @staticmethod
    def _processor(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
        try:
            return column.type.dialect_impl(dialect).result_processor(dialect, None)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 — a type that needs the driver's type code: the driver converts it
            return None

    def select_columns(self) -> list[Any]:
        return [type_coerce(c, _RAW).label(c.name) for c in self.columns]

    def decode(self, row: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for col, proc, value in zip(self.columns, self.processors, row, strict=True):
            if proc is not None and value is not None:
                try:
                    value = proc(value)
                except Exception as exc:  # noqa: BLE001 — any failure to read is a malformed value
                    raise _Malformed(col.name, value) from exc
            out[col.name] = value
        return out


class _RawType(TypeDecorator[Any]):
    """The value exactly as the driver returns it (no result processing)."""

    impl = String
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


_RAW = _RawType()


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


#: The audit action a restore from a backup records (courtdesk.kernel.db.restore).
RESTORE_ACTION = "restore"


@dataclass(frozen=True)
class ChainKey:
    """A signing key as the chain records it: the first entry of its ``signing_key`` row."""

    key_id: int
    user_id: int | None
    public_key: str
    from_id: int  # the audit entry that brought it into the chain


def chain_keys(conn: Connection) -> dict[int, ChainKey]:
    """Every signing key the chain knows, read from the entries of ``signing_key`` rows (not from the
    table, which verification compares with them separately), by key id."""
    first = (
        select(func.min(_entry.c.id).label("fid"))
        .where(_entry.c.entity == "signing_key", _entry.c.entity_id.is_not(None))
        .group_by(_entry.c.entity_id).subquery()
    )
    keys: dict[int, ChainKey] = {}
    for row in conn.execute(select(_entry.c.id, _entry.c.entity_id, _entry.c.after)
                            .join(first, first.c.fid == _entry.c.id)):
        try:
            after = json.loads(row.after)
            key_id = int(row.entity_id)
            user_id = after.get("user_id")
            keys[key_id] = ChainKey(key_id, int(user_id) if user_id is not None else None,
                                    str(after["public_key"]), int(row.id))
        except (TypeError, ValueError, KeyError):
            continue  # a garbled entry: the chain check reports it
    return keys


def keys_fingerprint(keys: dict[int, ChainKey], up_to_entry: int | None = None) -> tuple[int, str]:
    """(number of keys, fingerprint) of the keys brought into the chain by entry ``up_to_entry``."""
    from courtdesk.kernel import signing

    chosen = [(k.key_id, k.user_id, k.public_key) for k in keys.values()
              if up_to_entry is None or k.from_id <= up_to_entry]
    return len(chosen), signing.fingerprint(chosen)


class _Signatures:
    """Checks the signature and the signer of each entry of the chain, one run at a time (the entries
    one writer's flush signed together share one signature over the last one's hash)."""

    def __init__(self, conn: Connection, report: VerifyReport) -> None:
        from courtdesk.kernel import signing

        self.signing = signing
        self.report = report
        self.keys = chain_keys(conn)
        self.installation = min((k for k in self.keys.values() if k.user_id is None),
                                key=lambda k: k.from_id, default=None)
        self.by_user: dict[int, list[ChainKey]] = {}
        for k in sorted(self.keys.values(), key=lambda k: k.from_id):
            if k.user_id is not None:
                self.by_user.setdefault(k.user_id, []).append(k)
        self.created = {k.from_id: k for k in self.keys.values()}  # entry id → the key it brought in
        self.publics: dict[int, Any] = {}
        self.run: list[tuple[int | None, Any, Any, str, str, Any]] = []
        self.run_key: tuple[Any, Any] | None = None
        self.last_hash = ""
        self.names: dict[Any, str] = {r[0]: str(r[1]) for r in conn.execute(
            select(_user_table().c.id, _user_table().c.name))}

    def _public(self, key_id: int) -> Any:
        if key_id not in self.publics:
            try:
                self.publics[key_id] = self.signing.load_public(self.keys[key_id].public_key)
            except (ValueError, TypeError):
                self.publics[key_id] = None
        return self.publics[key_id]

    def add(self, entry_id: int | None, key_id: Any, signature: Any, legacy: Any, user_id: Any,
            user_name: str, entity: str, entity_id: Any, stored_hash: str) -> None:
        run_key = (key_id, signature)
        if run_key != self.run_key:
            self.end()
            self.run_key = run_key
        self.run.append((entry_id, legacy, user_id, user_name, entity, entity_id))
        self.last_hash = stored_hash

    def _problem(self, entry: tuple[Any, ...], reason: str) -> None:
        entry_id, _legacy, _user_id, user_name, entity, entity_id = entry
        what = f"{_label_of(entity)}第 {entity_id} 号记录" if entity_id is not None else _label_of(entity)
        who = user_name or "系统"
        self.report.problems.append(Problem("audit_entry", entry_id, f"{reason}（{what}，操作人：{who}）"))

    def _owner(self, key: ChainKey) -> str:
        if key.user_id is None:
            return self.signing.INSTALLATION
        return f"{self.names.get(key.user_id, f'第 {key.user_id} 号用户')}的个人密钥"

    def end(self) -> None:
        if not self.run:
            return
        run, self.run = self.run, []
        key_id, signature = self.run_key or (None, None)
        if key_id is None or not signature:
            for entry in run:
                self._problem(entry, "没有签名")
            return
        key = self.keys.get(_as_id(key_id) or -1)
        if key is None:
            for entry in run:
                self._problem(entry, f"签名密钥（第 {key_id} 号）不在留痕登记的签名密钥中")
            return
        public = self._public(key.key_id)
        if public is None or not self.signing.check(public, str(signature), self.last_hash):
            for entry in run:
                self._problem(entry, f"签名无效（以{self._owner(key)}核对不符：此条或此前的留痕在签名后被改动或伪造）")
            return
        for entry in run:
            reason = self._signer_problem(entry, key)
            if reason:
                self._problem(entry, reason)

    def _signer_problem(self, entry: tuple[Any, ...], key: ChainKey) -> str:
        entry_id, legacy, user_id, user_name, _entity, _entity_id = entry
        position = entry_id or 0
        created = self.created.get(position)
        if created is not None and created.user_id is not None and key.user_id is None and any(
                k.from_id < position for k in self.by_user.get(created.user_id, [])):
            # Whoever holds the file has the installation key: it may give a person their first key
            # (the demo, a first login after the upgrade), never replace one.
            owner = self.names.get(created.user_id, f"第 {created.user_id} 号用户")
            return f"为{owner}更换签名密钥，却只有本机安装密钥的签名（须由本人或管理员签名）"
        return self._signer_rule(entry, key, position)

    def _signer_rule(self, entry: tuple[Any, ...], key: ChainKey, position: int) -> str:
        _entry_id, legacy, user_id, user_name, _entity, _entity_id = entry
        if legacy:
            if key.user_id is None and self.installation is not None and position < self.installation.from_id:
                return ""
            return f"标为「{self.signing.LEGACY_NOTE}」，却写于启用签名之后"
        uid = _as_id(user_id)
        if uid is None:
            return "" if key.user_id is None else f"无人操作的留痕却由{self._owner(key)}签名"
        in_force = None
        for k in self.by_user.get(uid, []):
            if k.from_id < position:
                in_force = k
        if in_force is None:
            if key.user_id is None:
                return ""  # before the person had a key: the installation key, naming them
            return f"应由{user_name}签名，却由{self._owner(key)}签名"
        if key.key_id == in_force.key_id:
            return ""
        if key.user_id == uid:
            return f"由{user_name}已停用的旧密钥签名"
        return f"应由{user_name}本人的密钥签名，却由{self._owner(key)}签名"


def _user_table() -> Any:
    from courtdesk.kernel.models.people import User

    return table_of(User)


def _has_signatures(conn: Connection) -> bool:
    try:
        return "signature" in {c["name"] for c in inspect(conn).get_columns("audit_entry")}
    except Exception:  # noqa: BLE001
        return False


_ENTRY_FIELDS = ("at", "user_id", "user_name", "action", "entity", "entity_id", "before", "after", "comment")


def verify(
    conn: Connection,
    *,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Any = None,
) -> VerifyReport:
    """Walk the chain and compare every audited row with its last audited state. Reads only.

    Every problem is reported (not just the first) with table, record id and reason; malformed
    values are reported for their row, never raised. ``progress(done, total)`` is called now and
    then (total: entries + audited tables). ``checkpoint`` (a :class:`courtdesk.kernel.checkpoint.Checkpoint`)
    adds the check that entry number ``checkpoint.length`` still has the checkpoint's hash."""
    report = VerifyReport()
    mappers = _audited_mappers()
    try:
        total_entries = int(conn.execute(select(func.count()).select_from(_entry)).scalar_one())
    except Exception as exc:  # noqa: BLE001
        report.problems.append(Problem("audit_entry", None, f"无法读取留痕记录（{exc}）"))
        total_entries = 0
    total = total_entries + len(mappers)

    def tick(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    tick(0)
    try:
        prev, last_id = _verify_chain(conn, report, tick, checkpoint)
    except Exception as exc:  # noqa: BLE001 — a report, never a crash
        report.problems.append(Problem("audit_entry", None, f"无法读完留痕记录（{exc}）"))
        prev, last_id = None, None
    if prev is not None:
        _verify_head(conn, report, prev, last_id or 0)
    done = total_entries
    for mapper in mappers:
        name = mapper.local_table.name  # type: ignore[attr-defined]
        try:
            report.problems.extend(_verify_rows(conn, mapper))
            content = getattr(mapper.class_, "__content_hash__", None)
            if content:
                report.problems.extend(_verify_content(conn, mapper, *content))
        except Exception as exc:  # noqa: BLE001
            report.problems.append(Problem(name, None, f"无法读取该表（{exc}）"))
        done += 1
        tick(done)
    return report


def _verify_chain(
    conn: Connection, report: VerifyReport, tick: Callable[[int], None], checkpoint: Any
) -> tuple[str, int]:
    reader = _TolerantReader(conn, [_entry.c[name] for name in _ENTRY_FIELDS])
    prev = GENESIS
    last_id = 0
    count = 0
    restored: tuple[int, str, str] | None = None  # the last restore entry: position, time, what it says
    mismatch: Problem | None = None
    signatures = _Signatures(conn, report) if _has_signatures(conn) else None
    extra = (_entry.c.key_id, _entry.c.signature, _entry.c.legacy) if signatures is not None else ()
    n_extra = len(extra)
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(_entry.c.id, _entry.c.prev_hash, _entry.c.hash, *extra, *reader.select_columns())
        .order_by(_entry.c.id)
    )
    user_col, name_col, entity_col, eid_col = (3 + n_extra + _ENTRY_FIELDS.index(f)
                                               for f in ("user_id", "user_name", "entity", "entity_id"))
    for row in result:
        if signatures is not None:
            signatures.add(_as_id(row[0]), row[3], row[4], row[5], row[user_col], str(row[name_col] or ""),
                           str(row[entity_col]), row[eid_col], str(row[2]))
        count += 1
        report.entries = count
        entry_id = _as_id(row[0])
        stored_prev, stored_hash = row[1], row[2]
        if stored_prev != prev:
            report.problems.append(Problem("audit_entry", entry_id, "与前一条记录的链接断开（前一条记录被删除或改动）"))
        try:
            values = reader.decode(row[3 + n_extra:])
        except _Malformed as bad:
            report.problems.append(Problem("audit_entry", entry_id, bad.reason()))
        else:
            at = values["at"]
            fields = {**values, "at": at.isoformat() if hasattr(at, "isoformat") else at}
            if entry_hash(str(stored_prev), fields) != stored_hash:
                report.problems.append(Problem("audit_entry", entry_id, "内容与其哈希不符（记录被改动）"))
            elif values["action"] == RESTORE_ACTION:
                restored = (count, str(fields["at"]), str(values["comment"] or ""))
        if checkpoint is not None and count == checkpoint.length and stored_hash != checkpoint.head_hash:
            mismatch = Problem(
                "audit_entry", entry_id,
                f"与检查点不符：检查点（{checkpoint.written_at}）登记第 {checkpoint.length} 条留痕的哈希为 "
                f"{checkpoint.head_hash[:12]}…，数据库中为 {str(stored_hash)[:12]}…（此前的历史被改写）")
        prev = str(stored_hash)  # go on from what is stored: each tampering is reported once
        last_id = entry_id or last_id
        if count % 2000 == 0:
            tick(count)
    result.close()
    if signatures is not None:
        signatures.end()
        if checkpoint is not None and getattr(checkpoint, "keys_fingerprint", None):
            n_keys, print_ = keys_fingerprint(signatures.keys, checkpoint.last_id)
            if print_ != checkpoint.keys_fingerprint and mismatch is None:
                mismatch = (Problem(
                    "audit_entry", None,
                    f"与检查点不符：检查点（{checkpoint.written_at}）登记的签名密钥指纹为 "
                    f"{checkpoint.keys_fingerprint[:12]}…（{checkpoint.keys} 把），留痕中为 {print_[:12]}…（{n_keys} 把）"
                    "（签名密钥被替换）"))
    if checkpoint is not None and count < checkpoint.length:
        mismatch = Problem(
            "audit_entry", None,
            f"与检查点不符：检查点（{checkpoint.written_at}）登记有 {checkpoint.length} 条留痕，数据库中只有 {count} 条"
            "（历史被删减）")
    if mismatch is not None:
        # A restore from a backup older than the checkpoint, recorded after it, explains the difference:
        # the checkpoint's later history is in the file the restore kept. Anything else is tampering.
        if restored is not None and restored[0] <= checkpoint.length and restored[1] >= checkpoint.written_at:
            report.notes.append(f"已从备份恢复（{restored[1][:16].replace('T', ' ')}：{restored[2]}）；检查点"
                                f"（{checkpoint.written_at}，{checkpoint.length} 条）之后、恢复之前的留痕在恢复时保留的原数据库中")
        else:
            report.problems.append(mismatch)
    return prev, last_id


def _verify_head(conn: Connection, report: VerifyReport, prev: str, last_id: int) -> None:
    try:
        head = conn.execute(select(_head.c.last_id, _head.c.last_hash).where(_head.c.id == 1)).one_or_none()
    except Exception as exc:  # noqa: BLE001
        report.problems.append(Problem("audit_head", None, f"无法读取链头登记（{exc}）"))
        return
    if head is None:
        if report.entries:
            report.problems.append(Problem("audit_head", None, "链头登记缺失（audit_head 被删除），链尾无法核对"))
        return
    if head.last_hash != prev or _as_id(head.last_id) != last_id:
        report.problems.append(Problem(
            "audit_head", _as_id(head.last_id), "链尾记录缺失或被改动（与链头登记不符）"))


def _verify_rows(conn: Connection, mapper: Mapper[Any]) -> Iterator[Problem]:
    """Merge-walk the table's rows against the latest audit entry of each row id."""
    table = mapper.local_table
    name = table.name  # type: ignore[attr-defined]
    pk = next(iter(table.primary_key.columns))  # type: ignore[attr-defined]
    pairs = audited_columns(mapper)
    columns = [table.c[col] for _, col in pairs]  # type: ignore[attr-defined]
    reader = _TolerantReader(conn, columns)
    latest = (
        select(func.max(_entry.c.id).label("mid"))
        .where(_entry.c.entity == name, _entry.c.entity_id.is_not(None))
        .group_by(_entry.c.entity_id)
        .subquery()
    )
    audited = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(_entry.c.entity_id, _entry.c.action, _entry.c.after)
        .join(latest, latest.c.mid == _entry.c.id)
        .order_by(_entry.c.entity_id)
    )
    rows = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(type_coerce(pk, _RAW).label("__pk"), *reader.select_columns()).order_by(pk)
    )

    def next_audited() -> Any:
        for a in audited_iter:
            if _as_id(a.entity_id) is not None:  # a garbled id: the chain check reports that entry
                return a
        return None

    audited_iter = iter(audited)
    r_iter = iter(rows)
    a, r = next_audited(), next(r_iter, None)
    while a is not None or r is not None:
        r_id = _as_id(r[0]) if r is not None else None
        a_id = _as_id(a.entity_id) if a is not None else None
        if r is not None and (a_id is None or (r_id is not None and r_id < a_id)):
            yield Problem(name, r_id, "没有留痕记录（绕过系统写入）")
            r = next(r_iter, None)
        elif a is not None and (r is None or (r_id is not None and a_id is not None and a_id < r_id)):
            if a.action != "delete":
                yield Problem(name, a_id, "已不存在，但留痕中没有删除记录（绕过系统删除）")
            a = next_audited()
        elif a is not None and r is not None:
            try:
                values = reader.decode(r[1:])
            except _Malformed as bad:
                yield Problem(name, r_id, bad.reason())
            else:
                current = canonical_json(_normalise(mapper, {key: values[col] for key, col in pairs}))
                if a.action == "delete" or current != a.after:
                    yield Problem(name, r_id, "当前内容与最后一次留痕不符（绕过系统修改）")
            a, r = next_audited(), next(r_iter, None)
    audited.close()
    rows.close()


def _verify_content(conn: Connection, mapper: Mapper[Any], data_col: str, hash_col: str) -> Iterator[Problem]:
    """Re-hash stored bytes and compare them with the recorded content hash (which is audited)."""
    table = mapper.local_table
    name = table.name  # type: ignore[attr-defined]
    pk = next(iter(table.primary_key.columns))  # type: ignore[attr-defined]
    result = conn.execution_options(stream_results=True, yield_per=20).execute(
        select(pk, type_coerce(table.c[hash_col], _RAW), table.c[data_col]).order_by(pk)  # type: ignore[attr-defined]
    )
    for row_id, recorded, data in result:
        if data is None:
            yield Problem(name, _as_id(row_id), "存储的文件内容缺失")
            continue
        if hashlib.sha256(bytes(data)).hexdigest() != recorded:
            yield Problem(name, _as_id(row_id), "存储的文件内容与登记的 SHA-256 不符（文件被替换或改动）")
    result.close()


def adopt(conn: Connection, model: type, comment: str) -> int:
    """Record in the chain, as ``migrate`` entries, what a schema upgrade changed in ``model``'s rows.

    A row whose last audited state differs from the row now *only* in columns the upgrade removed
    or added gets an entry (before: the last audited state; after: the row now), so verification
    does not call the upgrade a write behind the app's back. A row that also differs in a column
    both know is left alone: that change was not the upgrade's, and verification goes on
    reporting it. Rows of a table audited for the first time (no entries yet) are all taken in.
    Only the columns the table has when this runs are read (the model may already know columns a later
    upgrade adds). Returns the number of entries written."""
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
    # The columns the table has at this revision: a later upgrade may add more to the model, and an
    # upgrade from an old file runs this revision's step before the later ones.
    present = {c["name"] for c in inspect(conn).get_columns(name)}
    pairs = [(key, col) for key, col in audited_columns(mapper) if col in present]
    columns = [table.c[col] for _key, col in pairs]  # type: ignore[attr-defined]
    for row in conn.execute(select(*columns).order_by(pk)).all():
        row_id = int(getattr(row, pk.name))
        now = _normalise(mapper, {key: getattr(row, col) for key, col in pairs})
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
