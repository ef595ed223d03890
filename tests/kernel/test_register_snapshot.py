"""Register paging without OFFSET: the ordered id list (the snapshot a view keeps) and the rows of
a window of it read with ``WHERE id IN (…)``, on a real demo SQLite file with some bulk rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from courtdesk.areas.seals.demo import bulk_seal_uses
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import registers
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.registers import RegisterQuery
from tests.conftest import _copy_db, load_users

BULK = 1_200  # more than two IN (…) batches


@pytest.fixture
def bulk_db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    db = open_database(str(_copy_db(template_db, tmp_path)))
    bulk_seal_uses(DemoContext(db, users=load_users(db)), BULK)
    yield db
    db.dispose()


def seal_query(**kw) -> RegisterQuery:
    return RegisterQuery(registers.get("seal_use"), **kw)


@pytest.mark.parametrize("query", [
    seal_query(),
    seal_query(sort_key="title", descending=False),  # many equal titles: the id breaks ties
    seal_query(sort_key="requested_at", descending=True),
    seal_query(filter_key="stamped", sort_key="seal", descending=False),
    seal_query(search="证明"),
], ids=["default", "title", "requested_at", "filter+sort", "search"])
def test_rows_in_id_list_order_are_what_order_by_gives(bulk_db, query):
    users = load_users(bulk_db)
    with bulk_db.read() as s:
        for who in ("clerk", "judge"):
            actor = users[who]
            expected = query.page(s, actor, 0, 100_000)  # the old ORDER BY … OFFSET path, in one page
            ids = query.ids(s, actor)
            assert list(ids) == [r[0] for r in expected]
            assert len(ids) == query.count(s, actor)
            assert query.rows_for(s, actor, ids) == expected
            deep = len(ids) - 150
            if deep > 0:
                assert query.rows_for(s, actor, ids[deep:deep + 100]) == expected[deep:deep + 100]
    with bulk_db.read() as s:
        assert len(seal_query().ids(s, users["clerk"])) > BULK


def test_a_row_inserted_after_the_snapshot_does_not_shift_the_window(bulk_db):
    clerk = load_users(bulk_db)["clerk"]
    query = seal_query()  # newest first: a new record goes on top
    with bulk_db.read() as s:
        ids = query.ids(s, clerk)
        window = ids[400:600]
        before = query.rows_for(s, clerk, window)
        offset_before = query.page(s, clerk, 400, 200)
    assert before == offset_before

    bulk_seal_uses(DemoContext(bulk_db, users=load_users(bulk_db)), 1)  # another workstation files one

    with bulk_db.read() as s:
        assert query.rows_for(s, clerk, window) == before  # the window stays put …
        assert query.page(s, clerk, 400, 200)[1:] == offset_before[:-1]  # … where OFFSET slides by one
        fresh = query.ids(s, clerk)
    assert len(fresh) == len(ids) + 1 and fresh[1:] == ids  # a reload lists the new record first


def test_a_record_gone_or_out_of_scope_comes_back_missing(bulk_db):
    users = load_users(bulk_db)
    clerk, judge = users["clerk"], users["judge"]
    query = seal_query()
    with bulk_db.read() as s:
        ids = query.ids(s, clerk)
        window = ids[10:20]
        judge_sees = set(query.ids(s, judge))
        as_judge = query.rows_for(s, judge, window)
    # Another user's snapshot gives nothing away: rows outside the judge's scope come back None.
    assert [r[0] if r else None for r in as_judge] == [i if i in judge_sees else None for i in window]
    assert any(r is None for r in as_judge)

    gone = window[3]
    with bulk_db.write() as s:  # stands for a record that vanished since the snapshot
        s.execute(delete(SealUse).where(SealUse.id == gone))
    with bulk_db.read() as s:
        rows = query.rows_for(s, clerk, window)
        assert query.rows_for(s, clerk, []) == []
    assert rows[3] is None
    assert [r[0] for r in rows if r is not None] == [i for i in window if i != gone]
