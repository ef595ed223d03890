"""Choices follow the live lists on every write, whatever path the value came by.

A form offers only active departments, but a service may clean its fields without a session (so the
options are not read), a caller may pass an id directly, and a dialog may have been open since before
an administrator deactivated the department. Here, before each flush, every new record — and every
record whose department changes — is checked: a deactivated (or missing) department is refused with
the field's label, and nothing of the unit of work is written (the flush is part of it). Records kept
as they are (an old claim of a department deactivated since) are untouched.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.models.people import Department


def _label(obj: Any, key: str) -> str:
    column = inspect(type(obj)).columns.get(key)
    doc = getattr(column, "doc", None) if column is not None else None
    return str(doc or "部门")


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    wanted: dict[int, list[tuple[Any, str]]] = {}
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Department):
            continue
        for key in ("department_id",):
            if not hasattr(type(obj), key):
                continue
            value = getattr(obj, key, None)
            if value is None:
                continue
            if obj not in session.new:
                history = inspect(obj).attrs[key].history
                if not history.has_changes():
                    continue
            wanted.setdefault(int(value), []).append((obj, key))
    if not wanted:
        return
    with session.no_autoflush:
        rows = dict(session.execute(select(Department.id, Department.active).where(Department.id.in_(wanted))).all())
        names = dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(wanted))).all())
    for dept_id, uses in wanted.items():
        if rows.get(dept_id):
            continue
        obj, key = uses[0]
        label = _label(obj, key)
        if dept_id not in rows:
            raise ValidationError(f"{label}：所选部门不存在，请重新选择", field=label)
        raise ValidationError(f"{label}：「{names.get(dept_id, '')}」已停用，不能再选择，请重新选择", field=label)


def install(factory: Any) -> None:
    """Check every flush of the sessions ``factory`` makes (``Database`` calls this when opened)."""
    if not event.contains(factory, "before_flush", _before_flush):
        event.listen(factory, "before_flush", _before_flush)
