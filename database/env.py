"""Alembic environment. The connection is always handed in: by courtdesk.kernel.db.migrate (start-up
upgrades) or by ``python -m courtdesk new-migration`` (a scratch database). There is no alembic.ini and
no fallback to a database found elsewhere — running the alembic command by hand would otherwise
autogenerate against, or upgrade, the user's real database.

``include_object`` (set by new-migration in ``config.attributes``) limits autogenerate to the tables of
the branch a migration is written for.
"""

from __future__ import annotations

from alembic import context

from courtdesk.kernel import area
from courtdesk.kernel.models.base import Base

area.discover()  # imports every area's models, so the metadata holds every table

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("CourtDesk 的数据库结构由程序自己升级；新的结构版本请用 "
                         "`python -m courtdesk new-migration AREA \"说明\"` 生成（在临时数据库上比较，"
                         "从不连接用户的数据库）。")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=config.attributes.get("include_object"),
        process_revision_directives=config.attributes.get("process_revision_directives"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
