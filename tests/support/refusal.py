"""A refused write changes nothing: the check every area's tests make of a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.base import Base


def row_counts(db: Any) -> dict[str, int]:
    """The number of rows in every table of the database (every area's, the audit trail's, the
    workflow's): a refusal must leave all of them as they were, not only the register's own."""
    with db.read() as s:
        return {table.name: s.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def refused(db: Any, call: Callable[[], Any], field: str, says: str | None = None, *,
            or_in_rule: bool = False) -> DomainError:
    """``call`` is refused naming ``field`` (and saying ``says``, e.g. the article: in the message, or
    with ``or_in_rule`` in its rule), and no table has a row more or less afterwards."""
    before = row_counts(db)
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    assert error.field == field, str(error)
    if says:
        where = str(error) + (error.rule or "" if or_in_rule else "")
        assert says in where, (str(error), error.rule)
    after = row_counts(db)
    assert after == before, {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    return error
