"""The same rules on SQLite and on PostgreSQL (the PostgreSQL runs need COURTDESK_TEST_PG_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from courtdesk.areas.letters.demo import bulk_letters
from courtdesk.areas.letters.letterhead import LetterheadService
from courtdesk.areas.letters.service import LetterService
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import audit, registers
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from tests.areas.letters.letters_helpers import NOW, letter_data, load_users, row_counts


def test_letter_numbers_seal_link_register_and_dashboard(any_db):
    users = load_users(any_db)
    service = LetterService(any_db)
    refused = service.file(users["enforcer"], letter_data(users))
    service.act(users["clerk"], refused.id, "refuse", "不实")
    a = service.act(users["clerk"], service.file(users["enforcer"], letter_data(users)).id, "issue")
    service.act(users["clerk"], a.id, "void", "写错")
    b = service.act(users["clerk"], service.file(users["judge"], letter_data(users)).id, "issue")
    assert b.serial == a.serial + 1 and a.number != b.number
    with any_db.read() as s:
        use = s.get(SealUse, b.seal_use_id)
        assert (use.source_entity, use.source_id, use.status) == ("introduction_letter", b.id, "submitted")
        assert s.get(SealUse, a.seal_use_id).status == "voided"
        spec = registers.get("introduction_letter")
        found = registers.RegisterQuery(spec, search="何佳", date_from=NOW.date()).page(s, users["clerk"], 0, 10)
        assert {r[0] for r in found} == {refused.id, a.id, b.id}
        expired = registers.RegisterQuery(spec, filter_key="expired").count(s, users["clerk"])
        titles = {i.title: i.count for i in registers.dashboard(s, users["clerk"])}
    assert titles["已过有效期未登记使用或交回的介绍信"] == expired == 1
    before = row_counts(any_db)
    with pytest.raises(ValidationError, match="有效期"):
        service.file(users["enforcer"], letter_data(users, validity_days=91))
    assert row_counts(any_db) == before


def test_letterhead_cycle_and_dashboard(any_db):
    users = load_users(any_db)
    service = LetterheadService(any_db)
    batch = service.request(users["civil_clerk"], {"quantity": 3, "purpose": "外出", "return_by": NOW.date()})
    with pytest.raises(PermissionDenied, match="第二十条"):
        service.act(users["leader"], batch.id, "approve")
    service.act(users["president"], batch.id, "approve")
    service.act(users["clerk"], batch.id, "issue")
    service.report_use(users["civil_clerk"], batch.id, NOW.date(), "出具证明")
    with pytest.raises(ValidationError, match="不能超过未交回的 2 张"):
        service.give_back(users["clerk"], batch.id, 3, NOW.date())
    with pytest.raises(ValidationError, match="尚有 2 张未交回"):
        service.request(users["civil_clerk"], {"quantity": 1, "purpose": "再领", "return_by": NOW.date()})
    from courtdesk.kernel import clock

    clock.set_now(NOW + dt.timedelta(days=1))
    with any_db.read() as s:
        items = {i.title: (i.count, i.urgent) for i in registers.dashboard(s, users["civil_clerk"])}
    assert items["我领用的盖章空白信笺已逾期未交回（张）"] == (2, True)
    closed = service.give_back(users["clerk"], batch.id, 2, NOW.date() + dt.timedelta(days=1))
    assert closed.status == "closed"


def test_bulk_letters_then_normal_filing(any_db):
    users = load_users(any_db)
    bulk_letters(DemoContext(any_db, users=users), 120)
    letter = LetterService(any_db).file(users["enforcer"], letter_data(users))  # ids move on past the bulk rows
    issued = LetterService(any_db).act(users["clerk"], letter.id, "issue")
    assert issued.seal_use_id is not None
    with any_db.engine.connect() as conn:
        assert audit.verify(conn).ok
    with any_db.read() as s:
        assert s.scalar(select(SealUse.source_id).where(SealUse.id == issued.seal_use_id)) == issued.id
