"""Reading the audit trail (全程留痕) for the administrator: filter, difference, export.

The audit table grows to millions of rows, so nothing here reads it whole: :func:`entries` reads one
page, newest first, with keyset paging (``id < before_id``, on the primary key or the
``(entity, entity_id, id)`` index — no OFFSET); :func:`export_xlsx` streams the filtered entries into
a write-only workbook in batches. Each entry is shown as the difference of its before/after snapshots
(only the fields that changed), in the words the declarations give (:mod:`courtdesk.kernel.auditlabels`:
the model's ``__label__``, the registers' columns and fields, the workflow's steps and states, the record
a foreign key points to). Only administrators may read it; the role is checked against the
database in the reading transaction (live permissions), not against the object held since login.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from courtdesk.kernel import auditlabels, clock
from courtdesk.kernel.errors import AccountDisabled, PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import ADMIN, User, UserRole

PAGE = 200
_EXPORT_BATCH = 2000
ACTION_LABELS = auditlabels.ACTION_LABELS


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator asked for; every part optional."""

    user_id: int | None = None
    entity: str | None = None
    entity_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def where(self) -> list[ColumnElement[bool]]:
        if self.entity_id is not None and not self.entity:
            raise ValidationError("登记簿：按记录号查询时须同时选择登记簿", field="登记簿")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValidationError("时间：起始时间不能晚于结束时间", field="时间")
        conds: list[ColumnElement[bool]] = []
        if self.user_id is not None:
            conds.append(AuditEntry.user_id == self.user_id)
        if self.entity:
            conds.append(AuditEntry.entity == self.entity)
        if self.entity_id is not None:
            conds.append(AuditEntry.entity_id == self.entity_id)
        if self.since is not None:
            conds.append(AuditEntry.at >= self.since)
        if self.until is not None:
            conds.append(AuditEntry.at <= self.until)
        return conds

    def describe(self, users: dict[int, str] | None = None) -> str:
        parts = []
        if self.user_id is not None:
            parts.append(f"操作人：{(users or {}).get(self.user_id, self.user_id)}")
        if self.entity:
            parts.append(f"登记簿：{entity_label(self.entity)}")
        if self.entity_id is not None:
            parts.append(f"记录号：{self.entity_id}")
        if self.since is not None:
            parts.append(f"自 {self.since:%Y-%m-%d %H:%M}")
        if self.until is not None:
            parts.append(f"至 {self.until:%Y-%m-%d %H:%M}")
        return "，".join(parts) or "全部"


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as the viewer shows it."""

    id: int
    at: dt.datetime
    user_id: int | None
    user_name: str
    action: str
    entity: str
    entity_id: int | None
    comment: str
    #: (field label, before, after) of each changed field, as displayed.
    changes: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    #: The action in words (a workflow step's label, 新建, 修改 …).
    shown_action: str = ""

    @property
    def action_label(self) -> str:
        return self.shown_action or ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return entity_label(self.entity)

    @property
    def difference(self) -> str:
        return "\n".join(f"{label}：{before} → {after}" for label, before, after in self.changes)


def require_admin_now(session: Session, actor: User) -> None:
    """``actor`` must be an active administrator *now* (read in ``session``, not from the login object)."""
    if actor is None or actor.id is None:
        raise PermissionDenied("只有系统管理员可以查看留痕", field="操作人")
    active = session.scalar(select(User.active).where(User.id == actor.id))
    if not active:
        raise AccountDisabled(user_id=actor.id)
    if not session.scalar(select(func.count()).where(UserRole.user_id == actor.id, UserRole.role == ADMIN.value)):
        raise PermissionDenied("只有系统管理员可以查看留痕", field="操作人")


def _models() -> dict[str, type]:
    from courtdesk.kernel import area

    return _models_of(tuple(a.key for a in area.areas()))


@lru_cache(maxsize=4)
def _models_of(areas: tuple[str, ...]) -> dict[str, type]:
    from courtdesk.kernel.models.base import Base

    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers
            if getattr(m.class_, "__audited__", True) and hasattr(m.class_, "__tablename__")}


def catalogue() -> auditlabels.Catalogue:
    """The labels of every audited table, as the installed areas declare them."""
    from courtdesk.kernel import area

    return _catalogue(tuple(a.key for a in area.areas()))


@lru_cache(maxsize=4)
def _catalogue(areas: tuple[str, ...]) -> auditlabels.Catalogue:
    from courtdesk.kernel import settings
    from courtdesk.kernel.registers import all_registers

    return auditlabels.build(_models_of(areas).values(), all_registers(), settings.specs())


def entity_label(entity: str) -> str:
    return catalogue().table(entity).label


def registers() -> list[tuple[str, str]]:
    """(table, label) of every audited model, by label — the 登记簿 filter's choices."""
    return sorted(((name, entity_label(name)) for name in _models()), key=lambda p: p[1])


def describe(session: Session, rows: list[Any]) -> list[AuditLine]:
    """Audit rows as the viewer shows them; the records their foreign keys name are read at once."""
    cat = catalogue()
    shown = [auditlabels.Shown(cat, row.entity, row.action, row.before, row.after) for row in rows]
    names = auditlabels.Names(cat)
    for one in shown:
        one.want(names)
    names.read(session, _models())
    return [AuditLine(row.id, row.at, row.user_id, row.user_name, row.action, row.entity, row.entity_id,
                      row.comment or "", one.changes(names), one.action_label()) for row, one in zip(rows, shown)]


def _query(flt: AuditFilter, before_id: int | None, limit: int) -> Any:
    conds = flt.where()
    if before_id is not None:
        conds.append(AuditEntry.id < before_id)
    t = AuditEntry.__table__
    return select(t).where(*conds).order_by(t.c.id.desc()).limit(limit)


def entries(session: Session, actor: User, flt: AuditFilter, *, before_id: int | None = None,
            limit: int = PAGE) -> list[AuditLine]:
    """One page of matching entries, newest first; the next page starts ``before_id`` = last id."""
    require_admin_now(session, actor)
    return describe(session, list(session.execute(_query(flt, before_id, limit))))


def people(session: Session) -> list[tuple[int, str]]:
    """Everyone who ever had an account (deactivated too) — the 操作人 filter's choices."""
    return [(u.id, f"{u.name}（{u.username}）" + ("" if u.active else "，已停用"))
            for u in session.scalars(select(User).order_by(User.id))]


HEADERS = ("序号", "时间", "操作人", "操作", "登记簿", "记录号", "变化（修改前 → 修改后）", "说明")


def export_xlsx(session: Session, actor: User, flt: AuditFilter, path: str | Path, *,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None) -> int:
    """Write the filtered entries (newest first) to ``path``; returns how many (past Excel's row
    limit they go on in continuation sheets). A cancelled export leaves no file behind."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    from courtdesk.kernel import settings
    from courtdesk.kernel.exporting import Sheets

    require_admin_now(session, actor)
    conds = flt.where()
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conds)) or 0
    users = {u.id: u.name for u in session.scalars(select(User))}
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    wb = Workbook(write_only=True)
    sheets = Sheets(wb, "留痕", f"{settings.get(session, 'court_name')}　操作留痕",
                    f"范围：{flt.describe(users)}　导出时间：{clock.now():%Y-%m-%d %H:%M}　导出人：{actor.name}",
                    list(HEADERS), [7, 20, 12, 10, 16, 10, 70, 30], freeze="A4")
    wrap = Alignment(wrap_text=True, vertical="top")
    done = 0
    before_id: int | None = None
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise ValidationError("导出：已取消", field="导出")
            rows = list(session.execute(_query(flt, before_id, _EXPORT_BATCH)))
            if not rows:
                break
            for line in describe(session, rows):
                done += 1
                def make(ws: Any, n: int = done, line: Any = line) -> list[Any]:
                    diff = WriteOnlyCell(ws, value=line.difference)
                    diff.alignment = wrap
                    return [n, line.at.strftime("%Y-%m-%d %H:%M:%S"), line.user_name, line.action_label,
                            line.entity_label, line.entity_id, diff, line.comment]

                sheets.append(make)
            before_id = rows[-1].id
            if progress is not None:
                progress(done, total)
        sheets.finish()
        wb.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return done
