"""Declarative base shared by every model.

Conventions: integer ``id`` primary keys; ``created_at``/``updated_at`` set in Python (so the audit
hook sees them at flush); an optimistic-lock ``version`` column on every editable row; explicit
constraint names so alembic batch migrations on SQLite can address them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, cast

from sqlalchemy import Integer, MetaData, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from courtdesk.kernel import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    #: Set False on tables the audit hook must not log (the audit log itself, counters …).
    __audited__: ClassVar[bool] = True
    #: Chinese name of the entity, used in audit listings and messages.
    __label__: ClassVar[str] = ""


def table_of(model: type) -> Table:
    """The Core table of a mapped class (typed as a Table, which ``__table__`` is not)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class VersionedMixin(TimestampMixin):
    """Editable rows: a stale save raises StaleDataError (turned into StaleRecord by services)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
