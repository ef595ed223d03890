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


def open_to_read(db: str | None = None) -> Database:
    """Open the database for a command that only reads one area's records (``render``,
    ``print-register``): no area is imported here (the command loads the one it needs, see
    :func:`courtdesk.kernel.area.declaring`), and nothing is upgraded or created — a schema that is
    not exactly this program's is refused with a :class:`SchemaError` saying what to do."""
    from courtdesk.kernel.db import migrate

    database = Database(resolve_url(db))
    try:
        if not migrate.is_current(database):
            migrate.check_current(database)
    except BaseException:
        database.abandon()
        raise
    return database


__all__ += ["open_database", "open_to_read"]
