"""What the audit viewer calls each table, field, value and step — read from the declarations.

An audit entry stores a table name, an action and before/after snapshots keyed by attribute. The viewer
shows them in the court's words, found where the areas already declared them (no list of labels grows
here when an area is added), most specific first:

- the model: ``__label__`` for the table, a column's ``doc`` (``mapped_column(doc="作废原因")``);
- the registers over the model: a register column whose expression is that very attribute, the form's,
  the edit's and each workflow step's fields, the child rows' columns (``LinesSpec``, ``lines`` fields)
  for the child table; the workflow's states for the ``status`` field and its steps for the action;
- a foreign key ``holder_id``: the label of ``holder`` (a relationship or a register column of that name);
  its value is shown as the record it points to (a person's or department's name, a record's number);
  ``entity``/``entity_id`` pairs (workflow steps, attachments, a record's source) as the register's title
  and the record; an amount stored in fen (``*_fen``) in yuan;
- the kernel's own tables and mechanisms (people, settings, numbering's 年度 and 年度序号, versions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

#: Labels of the kernel's own mechanisms and of fields every kind of record has, for every table (a
#: declaration of the table comes first).
GENERIC = {"id": "记录号", "version": "版本号", "created_at": "创建时间", "updated_at": "修改时间",
           "year": "年度", "serial": "年度序号", "number": "编号", "status": "状态", "remarks": "备注",
           "name": "名称", "active": "启用", "kind": "类别", "department_id": "部门", "user_id": "用户",
           "position": "序号", "seq": "序号", "sort": "排列顺序"}

#: The kernel's own tables, which no register declares.
KERNEL_FIELDS: dict[str, dict[str, str]] = {
    "user_account": {"username": "用户名", "name": "姓名", "title": "职务", "phone": "电话", "wechat": "微信",
                     "password_hash": "密码（摘要）", "must_change_password": "须修改密码"},
    "department": {"name": "名称", "kind": "部门类别"},
    "user_role": {"role": "角色"},
    "login_throttle": {"name": "登录名", "failures": "连续失败次数", "locked_until": "锁定至",
                       "last_failed_at": "最近失败时间"},
    "setting": {"key": "设置项", "value": "设置值"},
    "counter": {"register": "编号序列", "last": "已用到第几号"},
    "workflow_step": {"entity": "登记簿", "entity_id": "记录", "action": "办理步骤", "from_state": "办理前状态",
                      "to_state": "办理后状态", "actor_id": "办理人", "actor_name": "办理人姓名", "at": "办理时间",
                      "comment": "意见"},
    "attachment": {"entity": "登记簿", "entity_id": "记录", "purpose": "用途", "filename": "文件名",
                   "mime": "文件类型", "size": "大小（字节）", "sha256": "内容摘要（SHA-256）",
                   "uploaded_by_id": "上传人", "uploaded_at": "上传时间"},
}

ACTION_LABELS = {"create": "新建", "update": "修改", "delete": "删除", "edit": "修改",
                 "migrate": "升级时纳入留痕", "restore": "恢复数据库"}

#: What else an entry may be about (the restore of the whole database).
OTHER_ENTITIES = {"database": "数据库"}

EMPTY = "（空）"


@dataclass
class Table:
    """How one audited table is shown."""

    name: str
    label: str
    fields: dict[str, str] = field(default_factory=dict)
    #: attribute → the table its value points to
    targets: dict[str, str] = field(default_factory=dict)
    #: attribute → {stored value: label} (the workflow's states)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    #: audit action → label (the workflow's steps)
    actions: dict[str, str] = field(default_factory=dict)
    #: reference pairs: the attribute naming a register or table → the attribute holding the record id
    references: dict[str, str] = field(default_factory=dict)
    #: attributes holding money in fen
    money: set[str] = field(default_factory=set)
    #: what shows one of its records when another record points to it
    title_field: str | None = None
    #: attribute → the declared choices of its form field (``choices(session, actor)``), for its values
    choices: dict[str, Any] = field(default_factory=dict)

    def label_of(self, key: str) -> str:
        return self.fields.get(key) or GENERIC.get(key) or key


@dataclass
class Catalogue:
    tables: dict[str, Table]
    #: a register's key, its workflow's entity name or a table → (label, table of its records, workflow)
    registers: dict[str, tuple[str, str, Any]]
    settings: dict[str, str]

    #: (table, attribute) → {value: label} read from declared choices once
    _choice_values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def table(self, name: str) -> Table:
        return self.tables.get(name) or Table(name, OTHER_ENTITIES.get(name, name))

    def choice_label(self, session: Session | None, table: Table, key: str, value: Any) -> str | None:
        """The label a form's choice gives ``value`` (choices that need a person are skipped)."""
        if key not in table.choices or session is None:
            return None
        found = self._choice_values.get((table.name, key))
        if found is None:
            try:
                found = {str(v): str(label) for v, label in table.choices[key](session, None)}
            except Exception:  # noqa: BLE001 — choices that depend on who asks: the plain value is shown
                found = {}
            self._choice_values[(table.name, key)] = found
        return found.get(str(value))


def _attr_key(expr: Any, model: type) -> str | None:
    """The attribute ``expr`` is, when it is one of ``model``'s own (not an alias, not an expression)."""
    if getattr(expr, "class_", None) is model and isinstance(getattr(expr, "key", None), str):
        return str(expr.key)
    return None


def _form_fields(spec: Any) -> Iterable[Any]:
    yield from spec.form
    if spec.edit is not None:
        yield from spec.edit.fields
    if spec.workflow is not None:
        for t in spec.workflow.transitions:
            yield from t.fields


def _declared_labels(spec: Any, model: type) -> tuple[dict[str, str], dict[str, str]]:
    """(attribute → label for sure, other key → label) from one register over ``model``."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for col in spec.columns:
        key = _attr_key(col.expr, model)
        if key is not None:
            exact.setdefault(key, col.label)
        loose.setdefault(col.key, col.label)
    for f in _form_fields(spec):
        if f.kind != "lines":
            loose.setdefault(f.key, f.label)
    return exact, loose


def _choices(table: Table, fields: Iterable[Any]) -> None:
    for f in fields:
        if f.kind == "choice" and f.choices is not None and f.key not in table.targets:
            table.choices.setdefault(f.key, f.choices)


def _lines_declarations(spec: Any) -> list[tuple[str, tuple[Any, ...]]]:
    found = [(ls.label, ls.columns) for ls in spec.lines]
    found += [(f.label, f.columns) for f in _form_fields(spec) if f.kind == "lines"]
    return found


def _fill(table: Table, mapper: Any, exact: dict[str, str], loose: dict[str, str]) -> None:
    """Label each attribute of ``mapper`` from the declarations, keeping labels found earlier."""
    relationships: dict[str, str] = {}
    for rel in mapper.relationships:
        for local in rel.local_columns:
            relationships.setdefault(local.key, rel.key)
    for prop in mapper.column_attrs:
        key = prop.key
        col = prop.columns[0]
        if key in table.fields:
            continue
        doc = getattr(col, "doc", None) or getattr(prop, "doc", None)
        candidates = [exact.get(key), doc, loose.get(key)]
        if key.endswith("_id"):
            candidates += [loose.get(relationships.get(key, "")), loose.get(key[:-3])]
        if key.endswith("_fen"):
            candidates.append(loose.get(key[:-4]))
        label = next((c for c in candidates if c), None)
        if label:
            table.fields[key] = label


def build(models: Iterable[type], specs: Iterable[Any], settings: Iterable[Any]) -> Catalogue:
    models = list(models)
    specs = list(specs)
    tables: dict[str, Table] = {}
    mappers: dict[str, Any] = {}
    for model in models:
        mapper: Any = inspect(model)
        name = model.__tablename__  # type: ignore[attr-defined]
        mappers[name] = mapper
        table = Table(name, str(getattr(model, "__label__", "") or ""))
        table.fields.update(KERNEL_FIELDS.get(name, {}))
        own = {p.key: p.columns[0] for p in mapper.column_attrs}
        for key, col in own.items():
            for fk in col.foreign_keys:
                table.targets[key] = fk.column.table.name
            if key.endswith("_fen"):
                table.money.add(key)
            if key.endswith("entity") and key != "entity_id":
                partner = f"{key}_id" if f"{key}_id" in own else (
                    key[:-len("entity")] + "id" if key[:-len("entity")] + "id" in own else None)
                if partner:
                    table.references[key] = partner
        table.title_field = next((k for k in ("name", "number", "title") if k in own), None)
        tables[name] = table
    registers: dict[str, tuple[str, str, Any]] = {}
    for spec in specs:
        name = getattr(spec.model, "__tablename__", None)
        if name is None or name not in tables:
            continue
        table = tables[name]
        table.label = table.label or spec.title
        for key in (spec.key, spec.entity, name):
            registers.setdefault(key, (spec.title, name, spec.workflow))
        exact, loose = _declared_labels(spec, spec.model)
        _fill(table, mappers[name], exact, loose)
        _choices(table, _form_fields(spec))
        if spec.workflow is not None:
            table.values.setdefault("status", dict(spec.workflow.states))
            for t in spec.workflow.transitions:
                table.actions.setdefault(t.action, t.label)
        for label, columns in _lines_declarations(spec):
            child = _child_table(mappers[name], columns)
            if child is not None and child in tables:
                tables[child].label = tables[child].label or label
                _fill(tables[child], mappers[child], {}, {c.key: c.label for c in columns})
                _choices(tables[child], columns)
    for name, table in tables.items():
        _fill(table, mappers[name], {}, {})
        table.label = table.label or name
    for table in tables.values():
        for key, target in table.targets.items():  # a foreign key nothing names: what it points to
            if key not in table.fields and key not in GENERIC and target in tables:
                table.fields[key] = tables[target].label
        for name_key, id_key in table.references.items():  # a record of any register it refers to
            table.fields.setdefault(name_key, "关联登记簿")
            table.fields.setdefault(id_key, "关联记录")
        _distinguish(table, mappers[table.name])
    return Catalogue(tables, registers, {s.key: s.label for s in settings})


def _distinguish(table: Table, mapper: Any) -> None:
    """Two fields never show the same label: the second and later say which field they are."""
    seen: dict[str, str] = {}
    for prop in mapper.column_attrs:
        label = table.label_of(prop.key)
        if label in seen and label != prop.key:
            table.fields[prop.key] = f"{label}（{prop.key}）"
        else:
            seen[label] = prop.key


def _child_table(mapper: Any, columns: tuple[Any, ...]) -> str | None:
    """The child table whose attributes the ``lines`` columns name most (at least two of them)."""
    keys = {c.key for c in columns}
    best: tuple[int, str | None] = (1, None)
    for rel in mapper.relationships:
        if not rel.uselist:
            continue
        child = rel.mapper
        attrs = {p.key for p in child.column_attrs}
        named = attrs | {a[:-3] for a in attrs if a.endswith("_id")} | {a[:-4] for a in attrs if a.endswith("_fen")}
        score = len(keys & named)
        if score > best[0]:
            best = (score, child.local_table.name)
    return best[1]


# --- showing one entry ---------------------------------------------------------------------------

def load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {"（无法解析）": text}
    return data if isinstance(data, dict) else {"（值）": data}


def plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


class Names:
    """The records foreign keys point to, read once per page of entries (one query per table)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.wanted: dict[str, set[int]] = {}
        self.found: dict[tuple[str, int], str] = {}
        self.looked: set[str] = set()
        self.session: Session | None = None

    def want(self, table: str, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.wanted.setdefault(table, set()).add(value)

    def read(self, session: Session, models: dict[str, type]) -> None:
        self.session = session
        for table, ids in self.wanted.items():
            model = models.get(table)
            shown = self.catalogue.table(table).title_field
            if model is None or shown is None:
                continue
            self.looked.add(table)
            key_col = getattr(model, "id")
            col = getattr(model, shown)
            for start in range(0, len(ids), 500):
                chunk = sorted(ids)[start:start + 500]
                for rid, text in session.execute(select(key_col, col).where(key_col.in_(chunk))):
                    self.found[(table, rid)] = str(text) if text not in (None, "") else ""
        self.wanted.clear()

    def show(self, table: str, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        label = self.catalogue.table(table).label
        if (table, value) in self.found:
            name = self.found[(table, value)]
            return f"{name}（{value}）" if name else f"{label}第 {value} 号"
        if not isinstance(value, int) or isinstance(value, bool):
            return plain(value)
        return f"{label}第 {value} 号" + ("（已删除）" if table in self.looked else "")


class Shown:
    """One entry in words: its action and its changed fields (label, before, after)."""

    SKIP = frozenset({"version"})

    def __init__(self, catalogue: Catalogue, entity: str, action: str, before: str | None, after: str | None):
        self.catalogue = catalogue
        self.table = catalogue.table(entity)
        self.action = action
        self.old, self.new = load(before), load(after)
        self.keys = [k for k in dict.fromkeys([*self.old, *self.new])
                     if k not in self.SKIP and self.old.get(k) != self.new.get(k)]

    def action_label(self) -> str:
        return self.table.actions.get(self.action) or ACTION_LABELS.get(self.action, self.action)

    def _register(self, snapshot: dict[str, Any], key: str) -> tuple[str, str, Any] | None:
        value = snapshot.get(key)
        return self.catalogue.registers.get(value) if isinstance(value, str) else None

    def want(self, names: Names) -> None:
        for snapshot in (self.old, self.new):
            for key in self.keys:
                if key in self.table.targets:
                    names.want(self.table.targets[key], snapshot.get(key))
            for name_key, id_key in self.table.references.items():
                register = self._register(snapshot, name_key)
                if register is not None and id_key in self.keys:
                    names.want(register[1], snapshot.get(id_key))

    def value(self, snapshot: dict[str, Any], key: str, names: Names) -> str:
        value = snapshot.get(key)
        if value is None or value == "":
            return EMPTY
        table = self.table
        if key in table.targets:
            return names.show(table.targets[key], value)
        if key in table.values:
            return table.values[key].get(str(value), plain(value))
        chosen = self.catalogue.choice_label(names.session, table, key, value)
        if chosen is not None:
            return chosen
        if key in table.money and isinstance(value, int):
            from courtdesk.kernel.money import format_yuan, from_fen

            return format_yuan(from_fen(value))
        for name_key, id_key in table.references.items():
            register = self._register(snapshot, name_key)
            if key == name_key and register is not None:
                return register[0]
            if key == id_key and register is not None:
                return names.show(register[1], value)
        if table.name == "workflow_step" and key in ("action", "from_state", "to_state"):
            register = self._register(snapshot, "entity")
            workflow = register[2] if register is not None else None
            if workflow is not None:
                return (workflow.action_label(value) or value) if key == "action" else workflow.label(value)
        if table.name == "counter" and key == "register":
            register = self.catalogue.registers.get(value)
            return register[0] if register is not None else plain(value)
        if table.name == "setting" and key == "key":
            return self.catalogue.settings.get(value, plain(value))
        if table.name == "user_role" and key == "role":
            from courtdesk.kernel.models.people import ROLE_LABELS

            return ROLE_LABELS.get(value, plain(value))
        if table.name == "department" and key == "kind":
            from courtdesk.kernel.models.people import department_kind_label

            return department_kind_label(value)
        return plain(value)

    def changes(self, names: Names) -> tuple[tuple[str, str, str], ...]:
        return tuple((self.table.label_of(k), self.value(self.old, k, names), self.value(self.new, k, names))
                     for k in self.keys)
