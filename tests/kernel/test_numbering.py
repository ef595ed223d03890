"""Gap-free yearly serials under two concurrent writers (SQLite file and PostgreSQL)."""

from __future__ import annotations

import itertools
import multiprocessing as mp
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from courtdesk.areas.seals.models import SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import numbering
from courtdesk.kernel.db import Database
from courtdesk.kernel.errors import ValidationError

from ..conftest import load_users


def _file_many(url: str, username: str, n: int, seal_id: int, out: mp.Queue) -> None:
    db = Database(url)
    users = load_users(db)
    service = SealService(db)
    numbers = []
    for i in range(n):
        use = service.file(users[username], {"seal_id": seal_id, "title": f"并发测试{i}", "copies": 1,
                                             "impressions": 1, "purpose": "测试"})
        numbers.append(use.serial)
    out.put(numbers)
    db.dispose()


def _office_seal(db: Database) -> int:
    from courtdesk.areas.seals.models import Seal

    with db.read() as s:
        return s.scalars(select(Seal.id).where(Seal.kind == "office")).first()


def _run_two_writers(db: Database, n: int = 40) -> None:
    seal = _office_seal(db)
    with db.read() as s:
        before = set(s.scalars(select(SealUse.serial).where(SealUse.year == numbering_year())))
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_file_many, args=(db.url, who, n, seal, queue)) for who in ("judge", "clerk")]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    got = sorted(results[0] + results[1])
    assert len(got) == len(set(got)) == 2 * n  # no duplicate
    with db.read() as s:
        serials = sorted(s.scalars(select(SealUse.serial).where(SealUse.year == numbering_year())))
    assert serials == list(range(1, len(serials) + 1))  # no gap, before and after
    assert set(got) == set(serials) - before


def numbering_year() -> int:
    from courtdesk.kernel import clock

    return clock.now().year


def test_two_processes_on_one_sqlite_file_get_gap_free_numbers(db):
    _run_two_writers(db)


@pytest.mark.pg
def test_two_processes_on_postgresql_get_gap_free_numbers(pg_demo_db):
    _run_two_writers(pg_demo_db)


def test_failed_save_does_not_burn_a_number(db, users):
    service = SealService(db)
    seal = _office_seal(db)
    first = service.file(users["judge"], {"seal_id": seal, "title": "甲", "copies": 1, "impressions": 1,
                                          "purpose": "测试"})
    with pytest.raises(ValidationError, match="只接受"):
        service.file(users["judge"], {"seal_id": seal, "title": "乙", "copies": 1, "impressions": 1,
                                      "purpose": "测试", "original": ("x.exe", b"MZ")})
    second = service.file(users["judge"], {"seal_id": seal, "title": "丙", "copies": 1, "impressions": 1,
                                           "purpose": "测试"})
    assert second.serial == first.serial + 1


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["印章", "介绍信"]), min_size=1, max_size=25))
def test_counters_per_register_are_independent_and_consecutive(counter_db, registers):
    # one database for every example (making one costs a second and a half); each example's registers
    # are new ones, so their counters start from nothing
    example = next(_EXAMPLES)
    seen: dict[str, list[int]] = {}
    for reg in registers:
        with counter_db.write() as s:
            seen.setdefault(reg, []).append(numbering.next_serial(s, f"{reg}{example}", 2026))
    for values in seen.values():
        assert values == list(range(1, len(values) + 1))


_EXAMPLES = itertools.count(1)


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    from courtdesk.kernel.db import open_database

    db = open_database(str(tmp_path_factory.mktemp("num") / "n.sqlite3"))
    yield db
    db.dispose()


def test_threads_sharing_one_database_object_get_distinct_numbers(db):
    got: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(20):
            with db.write() as s:
                n = numbering.next_serial(s, "线程测试", 2026)
            with lock:
                got.append(n)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 61))


def test_assign_numbers_a_record_and_a_refused_save_uses_no_number(db):
    from types import SimpleNamespace

    pattern = "({year})测第{serial:03d}号"
    first, second = SimpleNamespace(), SimpleNamespace()
    with db.write() as s:
        assert numbering.assign(s, first, register="赋号测试", pattern=pattern, year=2031) == "(2031)测第001号"
    assert (first.year, first.serial, first.number) == (2031, 1, "(2031)测第001号")
    with pytest.raises(ValidationError), db.write() as s:
        numbering.assign(s, second, register="赋号测试", pattern=pattern, year=2031)
        raise ValidationError("测试：保存被拒绝", field="测试")
    with db.write() as s:
        numbering.assign(s, second, register="赋号测试", pattern=pattern, year=2031)
    assert second.number == "(2031)测第002号"  # the refused save took no number: no gap
