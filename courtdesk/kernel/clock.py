"""Time source for every rule that depends on "now".

All datetimes are naive local wall-clock time of the court (one documented rule, see
docs/ARCHITECTURE.md). Tests and benchmarks set a fixed clock with :func:`set_now`; the app never
calls ``datetime.now()`` elsewhere.
"""

from __future__ import annotations

import datetime as _dt

_fixed: _dt.datetime | None = None


def now() -> _dt.datetime:
    if _fixed is not None:
        return _fixed
    return _dt.datetime.now().replace(microsecond=0)


def today() -> _dt.date:
    return now().date()


def set_now(value: _dt.datetime | None) -> None:
    """Fix the clock at ``value`` (None returns to the real clock)."""
    global _fixed
    _fixed = value.replace(microsecond=0) if value is not None else None
