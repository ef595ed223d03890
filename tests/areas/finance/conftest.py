"""The finance tests run at a fixed time after the demo's records."""

from __future__ import annotations

import pytest

from courtdesk.kernel import clock
from tests.areas.finance.helpers import NOW


@pytest.fixture(autouse=True)
def _fixed_clock() -> None:
    clock.set_now(NOW)
