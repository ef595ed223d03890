"""The same rules and the same audit chain on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import audit, clock

from ..conftest import load_users


def test_seal_flow_and_audit_chain(any_db):
    users = load_users(any_db)
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    with any_db.read() as s:
        office = s.scalars(select(Seal.id).where(Seal.kind == "office")).first()
    service = SealService(any_db)
    use = service.file(users["judge"], {"seal_id": office, "title": "函", "copies": 1, "impressions": 1,
                                        "purpose": "报送"})
    service.act(users["office_head"], use.id, "approve", "同意")
    service.act(users["clerk"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=1)
    with any_db.read() as s:
        assert s.get(SealUse, use.id).status == "stamped"
    with any_db.engine.connect() as conn:
        report = audit.verify(conn)
        assert report.ok, (report.first_broken, report.broken_reason, report.row_problems[:3])
        assert report.entries > 100
    with any_db.engine.begin() as conn:
        conn.execute(text("UPDATE seal_use SET title='改过的' WHERE id=:id"), {"id": use.id})
    with any_db.engine.connect() as conn:
        report = audit.verify(conn)
    assert report.first_broken is None
    assert any(f"第 {use.id} 号记录：当前内容与最后一次留痕不符" in p for p in report.row_problems)
