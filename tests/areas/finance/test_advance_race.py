"""第14条 under concurrency: one person, several advance requests at the same moment from several
processes — exactly one is granted, the rest are refused with the rule's words. On PostgreSQL the
check and the insert of two transactions interleaved (both requests succeeded in 20 of 20 rounds);
the applicant's own row is now locked first, so the requests of one person go one at a time."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.models import Advance
from courtdesk.kernel.db import Database

from ...conftest import load_users

PROCESSES = 6
ROUNDS = 2


def _request(url: str, username: str, start: Any, out: Any) -> None:
    from courtdesk.areas.finance.advances import AdvanceService
    from courtdesk.kernel.errors import DomainError

    db = Database(url)
    try:
        user = load_users(db)[username]
        service = AdvanceService(db)
        start.wait(60)  # every process asks at the same moment
        try:
            advance = service.file(user, {
                "purpose": "赴石家庄执行查控", "reasons": "往返车费、住宿费", "amount": "2000.00",
                "trip_start": dt.date(2026, 12, 14), "trip_end": dt.date(2026, 12, 16)})
            out.put(("granted", advance.number))
        except DomainError as exc:
            out.put(("refused", str(exc)))
    finally:
        db.dispose()


def _race(db: Database, username: str, target: Any = None) -> list[tuple[str, str]]:
    """``target(url, username, start, out)`` in :data:`PROCESSES` processes at once; their answers."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start = ctx.Barrier(PROCESSES)
    procs = [ctx.Process(target=target or _request, args=(db.url, username, start, out)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    answers = [out.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return answers


def _open_advances(db: Database, user_id: int) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Advance).where(
            Advance.applicant_id == user_id, Advance.status.in_(("submitted", "approved", "paid")))))


def _rounds(db: Database) -> None:
    users = load_users(db)
    free = [name for name in ("judge", "civil_clerk", "political", "leader", "secrecy", "itops")
            if _open_advances(db, users[name].id) == 0]
    for username in free[:ROUNDS]:
        answers = _race(db, username)
        granted = [a for a in answers if a[0] == "granted"]
        refused = [a for a in answers if a[0] == "refused"]
        assert len(granted) == 1, answers
        assert len(refused) == PROCESSES - 1
        assert all("尚未结清" in text and "第14条" in text for _kind, text in refused), refused
        assert _open_advances(db, users[username].id) == 1


def test_simultaneous_requests_of_one_person_on_sqlite_grant_one(db):
    _rounds(db)


@pytest.mark.pg
def test_simultaneous_requests_of_one_person_on_postgresql_grant_one(pg_demo_db):
    _rounds(pg_demo_db)


def _claim_trip(url: str, username: str, start: Any, out: Any) -> None:
    from courtdesk.areas.finance.claims import ClaimService
    from courtdesk.kernel.errors import DomainError
    from tests.areas.finance.helpers import travel_data

    db = Database(url)
    try:
        users = load_users(db)
        data = travel_data(traveller_ids=[users[username].id], travellers="", transport="公务用车",
                           expense_lines=[{"category": "伙食补助费", "description": "", "amount": None}],
                           receipt_rows=[])
        service = ClaimService(db)
        start.wait(60)
        try:
            out.put(("granted", service.file(users[username], data).number))
        except DomainError as exc:
            out.put(("refused", str(exc)))
    finally:
        db.dispose()


def _trip_race(db: Database) -> None:
    answers = _race(db, "judge", _claim_trip)
    assert sum(kind == "granted" for kind, _text in answers) == 1, answers
    assert all("不能重复报销" in text for kind, text in answers if kind == "refused"), answers


def test_one_trip_claimed_at_once_from_several_workstations_on_sqlite_is_filed_once(db):
    _trip_race(db)


@pytest.mark.pg
def test_one_trip_claimed_at_once_from_several_workstations_on_postgresql_is_filed_once(pg_demo_db):
    _trip_race(pg_demo_db)
