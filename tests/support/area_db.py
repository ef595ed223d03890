"""The ``db`` of the areas whose tests run on both databases (IT, secrecy): the shared demo SQLite file
and — when COURTDESK_TEST_PG_URL is set — again on the demo PostgreSQL copy, at a fixed clock. An
area's ``conftest.py`` imports the two fixtures."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtdesk.kernel import clock
from courtdesk.kernel.db import Database, open_database
from tests.conftest import PG_ENV

NOW = dt.datetime(2026, 12, 1, 9, 0)
_DATABASES = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(autouse=True)
def fixed_clock() -> None:
    clock.set_now(NOW)


def either_database(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """The demo database a ``db`` fixture's parameter names: the SQLite file ``db_path``, or a
    PostgreSQL copy of the demo."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_demo_db")
        return
    database = open_database(str(db_path))
    yield database
    database.dispose()


@pytest.fixture(params=_DATABASES)
def db(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    yield from either_database(request, db_path)
