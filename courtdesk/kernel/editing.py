"""Editing a record while its workflow still allows it (修改), declared once per register.

A register declares ``edit=EditSpec(...)``: in which workflow states, by whom, which fields, and how
the UI saves (``save``: through the area's service, one unit of work). The service calls
:meth:`EditSpec.apply` inside that unit of work. ``apply`` checks, in this order: the version the
user's screen showed (:class:`StaleRecord` naming who changed the record and when), the state, the
permission, the reason (修改原因, required); it cleans the submitted values with the same
:func:`courtdesk.kernel.forms.clean` as the form (with the record's state, so per-state read-only and
required fields hold), applies them (or hands them to the area's ``update`` for its extra rules),
refuses a save that changes nothing, and names the audit entry 「修改」 with the reason. The record's
history reads the difference back from the audit entries (:func:`edits`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from courtdesk.kernel import audit, validation
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import User
from courtdesk.kernel.records import check_version

#: The audit action of an edit (what :func:`edits` reads back).
EDIT_ACTION = "edit"
REASON = "修改原因"
REASON_MAX = 500

#: ``update(session, actor, record, values)``: the area's own checks, then the change itself.
Update = Callable[[Session, User, Any, dict[str, Any]], None]
#: ``save(db, actor, record_id, data, reason, expected_version)`` — what the UI calls.
Save = Callable[[Any, User, int, dict[str, Any], str, "int | None"], Any]


@dataclass(frozen=True)
class EditSpec:
    """Who may change which fields of a record, in which states, and how it is saved."""

    #: The fields the user may change; each ``key`` is the record's attribute of that name.
    fields: tuple[FormField, ...]
    #: Workflow states in which the record may be edited (empty: any state).
    states: frozenset[str]
    #: ``may(actor, record)``: whether this user may edit this record; ``who`` says it in words.
    may: Callable[[User, Any], bool]
    who: str
    #: How the UI saves (through the area's service); see :func:`service_edit`.
    save: Save | None = None
    #: The area's extra rules and the change itself; default: set each cleaned value.
    update: Update | None = None
    #: The record's workflow (for the state's and the last action's words in refusals).
    workflow: Any = None
    label: str = "修改"

    def allows(self, actor: User, record: Any) -> bool:
        """Whether ``actor`` may edit ``record`` now (the UI shows the button)."""
        if self.states and getattr(record, "status", None) not in self.states:
            return False
        return bool(self.may(actor, record))

    def values(self, record: Any) -> dict[str, Any]:
        """The record's current values of the editable fields (to fill the form)."""
        return {f.key: getattr(record, f.key, None) for f in self.fields}

    def label_of(self, key: str) -> str:
        return next((f.label for f in self.fields if f.key == key), key)

    def apply(self, session: Session, actor: User, record: Any, data: dict[str, Any], reason: str,
              expected_version: int | None = None) -> dict[str, Any]:
        """Check and apply an edit inside the caller's unit of work; returns the cleaned values."""
        flow = self.workflow
        check_version(session, record, expected_version,
                      flow.action_label if flow is not None else None)
        state = getattr(record, "status", None)
        if self.states and state not in self.states:
            shown = flow.label(state) if flow is not None else str(state)
            raise DomainError(f"当前状态为「{shown}」，不能{self.label}", field="状态")
        if not self.may(actor, record):
            raise PermissionDenied(f"只有{self.who}可以{self.label}本记录", field="操作人")
        why = validation.text(reason, REASON, max_len=REASON_MAX, multiline=True)
        values = clean(self.fields, data, session=session, actor=actor, state=state)
        columns = [prop.key for prop in inspect(record).mapper.column_attrs]
        before = {key: getattr(record, key) for key in columns}
        if self.update is not None:
            self.update(session, actor, record, values)
        else:
            for key, value in values.items():
                setattr(record, key, value)
        if all(getattr(record, key) == before[key] for key in columns):
            raise ValidationError("修改内容：与原记录相同，没有需要保存的修改", field="修改内容")
        audit.hint(session, record, EDIT_ACTION, why)
        session.flush()
        return values


def service_edit(service: Callable[[Any], Any], method: str = "edit") -> Save:
    """The usual ``save``: ``service(db).<method>(actor, record_id, data, reason, expected_version=…)``."""

    def save(db: Any, actor: User, record_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None) -> Any:
        return getattr(service(db), method)(actor, record_id, data, reason, expected_version=expected_version)

    return save


@dataclass(frozen=True)
class EditLine:
    """One edit of a record as the history shows it."""

    at: Any
    actor: str
    reason: str
    #: (field label, before, after) of each changed field, as displayed.
    changes: tuple[tuple[str, str, str], ...]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def edits(session: Session, spec: EditSpec, model: type, record_id: int) -> list[EditLine]:
    """The edits of one record, oldest first, with the difference of the editable fields (labels,
    not column names) read from the audit entries' before/after snapshots."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == model.__tablename__,  # type: ignore[attr-defined]
               AuditEntry.entity_id == record_id, AuditEntry.action == EDIT_ACTION)
        .order_by(AuditEntry.id)
    )
    out: list[EditLine] = []
    keys = [f.key for f in spec.fields]
    for entry in entries:
        before = json.loads(entry.before or "{}")
        after = json.loads(entry.after or "{}")
        changes = tuple(
            (spec.label_of(k), _shown(before.get(k)), _shown(after.get(k)))
            for k in keys
            if k in after and before.get(k) != after.get(k)
        )
        out.append(EditLine(entry.at, entry.user_name, entry.comment or "", changes))
    return out
