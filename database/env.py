"""Alembic environment. The connection is handed in by courtdesk.kernel.db.migrate."""

from __future__ import annotations

from alembic import context

from courtdesk.kernel import area
from courtdesk.kernel.models.base import Base

area.discover()  # imports every area's models, so the metadata holds every table

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
        from courtdesk.kernel.db.engine import Database, resolve_url

        db = Database(resolve_url(config.get_main_option("sqlalchemy.url") or None))
        with db.engine.connect() as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
