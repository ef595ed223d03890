"""Fixtures of the enforcement tests: a fixed clock on the demo's day and a fresh case."""

from __future__ import annotations

import datetime as dt

import pytest

from courtdesk.areas.enforcement import CaseService
from courtdesk.areas.enforcement.models import EnforcementCase
from courtdesk.kernel import clock
from tests.areas.enforcement.helpers import CASE_AGE, case_data


@pytest.fixture
def today() -> dt.date:
    """Fix the clock at 09:00 of the day the demo was filled (the real today)."""
    clock.set_now(None)
    day = clock.today()
    clock.set_now(dt.datetime.combine(day, dt.time(9, 0)))
    return day


@pytest.fixture
def case(db, users, today) -> EnforcementCase:
    return CaseService(db).create(users["enforcer"], case_data(users, today, filed_days_ago=CASE_AGE))
