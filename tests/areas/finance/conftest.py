"""The finance tests run at a fixed time after the demo's records, and each of them on a demo SQLite
file and — when COURTDESK_TEST_PG_URL is set, as in CI — again on demo PostgreSQL: claims and
advances must behave identically on both (issue 10)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from courtdesk.kernel import clock
from courtdesk.kernel.db import Database
from tests.areas.finance.helpers import NOW
from tests.conftest import PG_ENV
from tests.support.area_db import either_database

_DATABASES = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(autouse=True)
def _fixed_clock() -> None:
    clock.set_now(NOW)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each finance test on both databases — except in modules marked ``sqlite_only``: they compute
    and print (forms, standards, scans) through SQL the other modules run on both, so a second run on
    PostgreSQL proves nothing more and costs a minute of the suite."""
    if "db" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("db", ["sqlite"] if only else _DATABASES, indirect=True)


@pytest.fixture
def db(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """The demo database of this test: the SQLite file ``db_path``, or a PostgreSQL copy of the demo."""
    yield from either_database(request, db_path)
