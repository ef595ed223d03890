"""Every test here runs at a fixed "today", a few days after the last demo record."""

from __future__ import annotations

import pytest

from courtdesk.kernel import clock
from tests.areas.letters.letters_helpers import NOW


@pytest.fixture(autouse=True)
def _now() -> None:
    clock.set_now(NOW)
