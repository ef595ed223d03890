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
