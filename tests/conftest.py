"""Shared fixtures: a real SQLite file per test (copied from a template filled once with demo
data), the same on PostgreSQL when COURTDESK_TEST_PG_URL is set, and a settable clock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from courtdesk.kernel import clock, demo
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.models.people import User

PG_ENV = "COURTDESK_TEST_PG_URL"


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"PostgreSQL tests: on ({PG_ENV} is set)"
    return f"PostgreSQL tests: SKIPPED — set {PG_ENV} (CI does) to run them"


@pytest.fixture(autouse=True)
def _real_clock_after_test() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "court.sqlite3"
    db = open_database(str(path))
    demo.fill(db)
    db.dispose()
    return path


def _copy_db(template: Path, folder: Path) -> Path:
    target = folder / "court.sqlite3"
    shutil.copy2(template, target)
    for suffix in ("-wal", "-shm"):
        side = template.with_name(template.name + suffix)
        if side.exists():
            shutil.copy2(side, target.with_name(target.name + suffix))
    return target


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A demo database file of this test's own."""
    return _copy_db(template_db, tmp_path)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(str(tmp_path / "empty.sqlite3"))
    yield database
    database.dispose()


def load_users(database: Database) -> dict[str, User]:
    from sqlalchemy import select

    with database.read() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        for u in users.values():
            _ = u.roles, u.department
    return users


@pytest.fixture
def users(db: Database) -> dict[str, User]:
    """Demo users by login name (admin, clerk, office_head, president, leader, judge …)."""
    return load_users(db)


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    """An empty, migrated PostgreSQL database (skipped without COURTDESK_TEST_PG_URL)."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL test skipped: {PG_ENV} is not set (CI sets it)")
    _reset_pg(url)
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture
def pg_demo_db(pg_db: Database) -> Database:
    demo.fill(pg_db)
    return pg_db


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same test on a demo SQLite file and on demo PostgreSQL (when configured)."""
    if request.param == "sqlite":
        database = open_database(str(_copy_db(request.getfixturevalue("template_db"), tmp_path)))
        yield database
        database.dispose()
    else:
        yield request.getfixturevalue("pg_demo_db")
