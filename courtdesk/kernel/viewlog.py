"""查阅记录: registers that declare ``log_views`` record every opening of a record — who, when — and
show it in the record's history (涉密载体: the register knows who has looked at what).

A view is written only when the viewer's scope lets them see the record, in a transaction of its own
before the record is read, so what the panel then shows includes this very view. The rows are part of
the audit chain (``record_view``), so a view cannot be removed or back-dated unnoticed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import clock
from courtdesk.kernel.models.infra import RecordView
from courtdesk.kernel.models.people import User

VIEWED = "查阅"


def opened(db: Any, actor: User, spec: Any, record_id: int) -> bool:
    """Record that ``actor`` opened record ``record_id`` of ``spec`` (a register with ``log_views``).
    Returns False, writing nothing, when the record is outside the actor's scope or the register
    does not log views."""
    from courtdesk.kernel.registers import RegisterQuery

    if not getattr(spec, "log_views", False):
        return False
    with db.write(actor) as s:
        if RegisterQuery(spec).one(s, actor, record_id) is None:
            return False
        s.add(RecordView(entity=spec.entity, entity_id=record_id, user_id=actor.id, user_name=actor.name,
                         at=clock.now()))
    return True


def views(session: Session, entity: str, record_id: int) -> list[RecordView]:
    """Every recorded opening of one record, oldest first."""
    return list(session.scalars(select(RecordView).where(RecordView.entity == entity,
                                                         RecordView.entity_id == record_id)
                                .order_by(RecordView.id)))
