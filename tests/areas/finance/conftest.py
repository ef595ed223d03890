"""The finance tests run at a fixed time after the demo's records, and each of them on a demo SQLite
file and — when COURTDESK_TEST_PG_URL is set, as in CI — again on demo PostgreSQL: claims and
advances must behave identically on both (issue 10)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtdesk.kernel import clock
from courtdesk.kernel.db import Database, open_database
from tests.areas.finance.helpers import NOW
from tests.conftest import PG_ENV

_DATABASES = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(autouse=True)
def _fixed_clock() -> None:
    clock.set_now(NOW)


@pytest.fixture(params=_DATABASES)
def db(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """The demo database of this test: the SQLite file ``db_path``, or a PostgreSQL copy of the demo."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_demo_db")
        return
    database = open_database(str(db_path))
    yield database
    database.dispose()
