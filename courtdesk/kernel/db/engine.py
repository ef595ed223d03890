"""Engine and session factory for SQLite (default) and PostgreSQL.

Every write runs in :meth:`Database.write`: on SQLite the transaction starts with ``BEGIN IMMEDIATE``
so two workstations never interleave a read-modify-write (the yearly counters, the audit chain);
on PostgreSQL the same code takes row locks (``SELECT … FOR UPDATE``). Reads use
:meth:`Database.read`, a plain deferred transaction that never blocks the writer in WAL mode.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from courtdesk.kernel import audit

ENV_URL = "COURTDESK_DB_URL"
_WRITE_OPTION = "courtdesk_write"


def default_sqlite_path() -> Path:
    """The per-user database file used when nothing else is configured."""
    return Path(user_data_dir("CourtDesk", appauthor=False)) / "courtdesk.sqlite3"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db`` (a path or a URL), ``COURTDESK_DB_URL`` or the default into a URL."""
    if db is None:
        db = os.environ.get(ENV_URL) or default_sqlite_path()
    text = os.fspath(db)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Driver-level autocommit: SQLAlchemy's "begin" hook below emits BEGIN itself, so we choose
    # between DEFERRED (reads) and IMMEDIATE (writes). See the SQLAlchemy pysqlite docs.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Database:
    """One database: an engine, a read session factory and a write session factory."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            db_path = parsed.database
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 15, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._read_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(self._write_engine, expire_on_commit=False)
        # Every session of this database is audited, whatever the caller imported.
        audit.install(self._read_factory)
        audit.install(self._write_factory)

    @property
    def path(self) -> Path | None:
        """The file of an SQLite database, else None."""
        if self.dialect != "sqlite":
            return None
        name = make_url(self.url).database
        return Path(name) if name and name != ":memory:" else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read_factory()
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay usable, detached

    @contextmanager
    def write(self, actor: Any = None) -> Iterator[Session]:
        """A unit of work: commits everything on success, nothing on any exception.

        ``actor`` (the acting user) is stored in ``session.info`` for the audit hook.
        """
        session = self._write_factory()
        session.info["actor"] = actor
        try:
            session.connection()  # take the write lock now, before any read
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
