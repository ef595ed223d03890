"""Small helpers every service uses."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from courtdesk.kernel.errors import NotFound

T = TypeVar("T")


def load_or_refuse(session: Session, model: type[T], record_id: Any, label: str, missing: str = "") -> T:
    """The record with ``record_id``, or a NotFound naming ``label`` (「用户：该用户不存在」)."""
    record = session.get(model, record_id) if record_id not in (None, "") else None
    if record is None:
        raise NotFound(f"{label}：{missing or '该记录不存在'}", field=label)
    return record


def one_at_a_time(session: Session, user_id: int) -> None:
    """Make a person's check-then-insert writes take turns (第14条: no second advance while one is
    open): lock the person's account row until this transaction ends. On PostgreSQL a second
    transaction for the same person waits here (``SELECT … FOR UPDATE``) and, the first committed,
    its check then sees the first one's row (READ COMMITTED reads afresh per statement); without the
    lock both checks ran before either insert and both requests were granted. On SQLite every write
    already holds the database's write lock (``BEGIN IMMEDIATE``), which ``FOR UPDATE`` leaves as is."""
    from sqlalchemy import select

    from courtdesk.kernel.models.people import User

    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def check_version(session: Session, record: Any, expected: Any, labels: Any = None) -> None:
    """Refuse to act on ``record`` when the user saw another version of it (optimistic lock).

    ``expected`` is the ``version`` the user's screen showed (None: no check, e.g. a script).
    The refusal names who changed the record and when, from the newest audit entry;
    ``labels(action)`` words the audited action (「批准」), else it is shown as it is."""
    if expected in (None, "") or not hasattr(record, "version"):
        return
    try:
        seen = int(expected)
    except (TypeError, ValueError):
        seen = -1
    if record.version == seen:
        return
    from sqlalchemy import select

    from courtdesk.kernel.errors import StaleRecord
    from courtdesk.kernel.models.infra import AuditEntry

    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == type(record).__tablename__, AuditEntry.entity_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if entry is None:
        raise StaleRecord("该记录已被他人修改，请刷新后再办理")
    action = entry.action
    word = labels(action) if labels is not None else None
    word = word or {"update": "修改", "edit": "修改", "create": "登记"}.get(action, action)
    raise StaleRecord(
        f"该记录已于 {entry.at:%Y-%m-%d %H:%M} 被 {entry.user_name} 修改（{word}），请刷新后再办理"
    )
