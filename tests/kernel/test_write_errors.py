"""Database.write turns database failures into the user's words and writes nothing: another
workstation holding the write lock past the busy timeout, a duplicate key, a stale row."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from courtdesk.kernel.db import Database, resolve_url
from courtdesk.kernel.db.engine import domain_error
from courtdesk.kernel.errors import Busy, Conflict, DomainError, StaleRecord
from courtdesk.kernel.models.people import Department, User


@pytest.fixture
def quick_db(db_path: Path) -> Iterator[Database]:
    """The demo database with a one-second busy timeout."""
    database = Database(resolve_url(db_path), busy_timeout_s=1)
    yield database
    database.dispose()


def _departments(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Department)))


def test_a_write_lock_held_past_the_timeout_is_refused_in_words_and_writes_nothing(quick_db, db_path):
    before = _departments(quick_db)
    other = sqlite3.connect(db_path, isolation_level=None)  # another workstation, mid-save
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(Busy) as refused, quick_db.write() as s:
            s.add(Department(name="新设庭室"))
        waited = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert str(refused.value) == "另一台工作站正在保存，请稍后再试"
    assert isinstance(refused.value, DomainError)
    assert 0.5 < waited < 10  # the configured timeout, not the default 15 s
    assert _departments(quick_db) == before


def test_the_save_goes_through_once_the_lock_is_released(quick_db, db_path):
    import threading

    before = _departments(quick_db)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, other.rollback).start()
    try:
        with quick_db.write() as s:
            s.add(Department(name="新设庭室"))
    finally:
        time.sleep(0.35)
        other.close()
    assert _departments(quick_db) == before + 1


def test_a_duplicate_key_is_a_conflict_naming_the_column_and_writes_nothing(quick_db):
    with quick_db.read() as s:
        taken = s.scalars(select(User.username)).first()
        users = int(s.scalar(select(func.count()).select_from(User)))
    before = _departments(quick_db)
    with pytest.raises(Conflict) as refused, quick_db.write() as s:
        s.add(Department(name="不应留下的庭室"))  # written first in the same unit of work
        s.add(User(username=taken, name="重名", password_hash="x"))
        s.flush()
    assert str(refused.value) == "保存失败：与已有记录冲突（username 已有相同的值）"
    assert refused.value.field == "username"
    assert _departments(quick_db) == before
    with quick_db.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == users


def test_a_stale_row_and_other_errors():
    from sqlalchemy.orm.exc import StaleDataError

    stale = domain_error(StaleDataError("UPDATE statement on table expected to update 1 row(s); 0 were matched."))
    assert isinstance(stale, StaleRecord)
    assert str(stale) == "该记录已被他人修改，请刷新后重试"
    assert domain_error(ValueError("bug")) is None  # a programming error stays what it is
