"""Storage: engine and session factory, migrations, backup."""

from courtdesk.kernel.db.engine import Database, default_sqlite_path, resolve_url

__all__ = ["Database", "default_sqlite_path", "resolve_url"]


def open_database(db: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and, unless told otherwise, upgrade) the database named by a path or URL."""
    from courtdesk.kernel import area
    from courtdesk.kernel.db import migrate

    area.discover()  # every area's tables and rules, before anything is read or written
    database = Database(resolve_url(db))
    try:
        if migrate.is_current(database):
            return database
        if upgrade:
            migrate.upgrade(database)
        else:
            migrate.check_not_newer(database)
    except BaseException:
        database.abandon()
        raise
    return database


__all__ += ["open_database"]
