"""Engine and session factory for SQLite (default) and PostgreSQL.

Every write runs in :meth:`Database.write`: on SQLite the transaction starts with ``BEGIN IMMEDIATE``
so two workstations never interleave a read-modify-write (the yearly counters, the audit chain);
on PostgreSQL the same code takes row locks (``SELECT … FOR UPDATE``). Reads use
:meth:`Database.read`, a plain deferred transaction that never blocks the writer in WAL mode.

A write that fails in the database reaches the caller as a :class:`~courtdesk.kernel.errors.DomainError`
with a Chinese message, never as a raw driver error: the write lock held by another workstation past
the busy timeout → :class:`Busy`; a duplicate key or missing referenced row → :class:`Conflict`; a row
changed by someone else since it was read → :class:`StaleRecord`. Either way nothing was written.

Live permissions: a write on behalf of a user re-reads that user's account inside its own transaction
(:func:`refresh_actor`), so a role the administrator removed, or an account deactivated, takes effect
on the user's next action, not at their next login.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from courtdesk.kernel import audit, livechoices, signing
from courtdesk.kernel.db import lockfile
from courtdesk.kernel.errors import (
    ACCOUNT_DISABLED_MESSAGE,
    AccountDisabled,
    Busy,
    Conflict,
    DomainError,
    StaleRecord,
)
from courtdesk.kernel.models.people import User, UserRole

ENV_URL = "COURTDESK_DB_URL"
_WRITE_OPTION = "courtdesk_write"
#: Seconds a write waits for another workstation's write lock before it is refused as :class:`Busy`.
DEFAULT_BUSY_TIMEOUT_S = 15.0

BUSY_MESSAGE = "另一台工作站正在保存，请稍后再试"
STALE_MESSAGE = "该记录已被他人修改，请刷新后重试"
#: PostgreSQL SQLSTATEs of a lock not obtained in time, a deadlock victim, a serialisation failure.
_PG_BUSY_STATES = {"55P03", "40P01", "40001"}

# A thread that runs writes may ask to hear when its write starts waiting for the lock (True) and
# when it has the lock (False): the UI's operations runner says 「正在等待…」 only while it waits.
_lock_watch = threading.local()


def watch_write_lock(callback: Callable[[bool], None] | None) -> None:
    """Call ``callback(True)`` when a write on this thread starts waiting for the write lock and
    ``callback(False)`` once it holds it (``None`` stops listening)."""
    _lock_watch.callback = callback


def _lock_state(waiting: bool) -> None:
    callback = getattr(_lock_watch, "callback", None)
    if callback is not None:
        callback(waiting)


# Permission checks made on this thread outside a write (``people.require`` before ``db.write``): the
# thread's next write re-runs them with the actor's fresh roles (see :func:`refresh_actor`).
_pending = threading.local()


def note_check(actor: Any, check: Callable[[], None]) -> None:
    """Remember a permission check of ``actor`` that passed; the next write on this thread re-runs it
    after re-reading the actor's roles (``check`` raises :class:`PermissionDenied` when it fails)."""
    checks: list[tuple[Any, Callable[[], None]]] | None = getattr(_pending, "checks", None)
    if checks is None:
        checks = _pending.checks = []
    checks.append((actor, check))


def _take_checks() -> list[tuple[Any, Callable[[], None]]]:
    checks: list[tuple[Any, Callable[[], None]]] = getattr(_pending, "checks", None) or []
    _pending.checks = []
    return checks


def refresh_actor(session: Session, actor: Any) -> None:
    """Re-read ``actor``'s account in ``session`` (the write's own transaction) and make it win.

    The :class:`User` object the client holds was loaded at login. Here, under the write lock, its
    ``active`` flag, department and roles are read again (two small queries): a deactivated (or
    vanished) account raises :class:`AccountDisabled`; otherwise the fresh values are put into the
    object in place — as loaded values, so nothing is flushed — and every check made inside this write
    (``require``, a workflow's ``may``, an edit's ``may``) sees them. Checks a service made *before*
    opening the write (``people.require`` noted them with :func:`note_check`) are re-run here with the
    fresh roles, so none of them lets a removed role through: the user reads the same
    :class:`PermissionDenied` words as when the role was already missing at the check.
    """
    checks = _take_checks()
    if not refresh_account(session, actor):
        return
    for who, check in checks:
        if who is actor or getattr(who, "id", None) == actor.id:
            check()


def refresh_account(session: Session, actor: Any) -> bool:
    """Re-read ``actor``'s active flag, department and roles in ``session`` and put them into the
    object (reads call this too: a deactivated account is refused at its next read, a removed role no
    longer opens what it opened). Raises :class:`AccountDisabled`; False when ``actor`` is no person."""
    if not isinstance(actor, User) or actor.id is None:
        return False
    from sqlalchemy import select
    from sqlalchemy.orm.attributes import set_committed_value

    row = session.execute(select(User.active, User.department_id).where(User.id == actor.id)).one_or_none()
    if row is None or not row.active:
        set_committed_value(actor, "active", False)
        raise AccountDisabled(ACCOUNT_DISABLED_MESSAGE, user_id=actor.id)
    roles = list(session.scalars(select(UserRole).where(UserRole.user_id == actor.id).order_by(UserRole.id)))
    for role in roles:
        session.expunge(role)  # the service may load this user itself: it gets its own rows
    set_committed_value(actor, "active", True)
    set_committed_value(actor, "department_id", row.department_id)
    set_committed_value(actor, "role_rows", roles)
    return True


def default_sqlite_path() -> Path:
    """The per-user database file used when nothing else is configured."""
    return Path(user_data_dir("CourtDesk", appauthor=False)) / "courtdesk.sqlite3"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db`` (a path or a URL), ``COURTDESK_DB_URL``, this workstation's settings file
    (:mod:`courtdesk.kernel.localconfig`) or the default into a URL — in that order."""
    if db is None:
        from courtdesk.kernel import localconfig

        db = localconfig.database()[0] or default_sqlite_path()
    text = os.fspath(db)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Driver-level autocommit: SQLAlchemy's "begin" hook below emits BEGIN itself, so we choose
        # between DEFERRED (reads) and IMMEDIATE (writes). See the SQLAlchemy pysqlite docs.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    return on_connect


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Database:
    """One database: an engine, a read session factory and a write session factory."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
                 lock: bool = True) -> None:
        """``lock``: hold a shared lock on the SQLite file's ``<file>.lock`` while open (see
        :mod:`courtdesk.kernel.db.lockfile`); only a restore, which holds it exclusively, opens without."""
        self.url = url
        self.busy_timeout_s = busy_timeout_s
        self._lock: lockfile.DatabaseLock | None = None
        self._lock_was_there = True
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            db_path = parsed.database
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
                if lock:
                    self._lock_was_there = lockfile.lock_path(Path(db_path)).exists()
                    self._lock = lockfile.shared(Path(db_path), wait_s=busy_timeout_s)
            kwargs["connect_args"] = {"timeout": busy_timeout_s, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas(max(1, round(busy_timeout_s * 1000))))
            event.listen(self.engine, "begin", _sqlite_begin)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._read_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(self._write_engine, expire_on_commit=False)
        # Every session of this database is audited, whatever the caller imported.
        audit.install(self._read_factory)
        audit.install(self._write_factory)
        livechoices.install(self._write_factory)

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

        ``actor`` (the acting user) is stored in ``session.info`` for the audit hook and re-read first
        (:func:`refresh_actor`: a deactivated account is refused, removed roles no longer count). A
        failure in the database is raised as a :class:`DomainError` (see :func:`domain_error`).
        """
        session = self._write_factory()
        session.info["actor"] = actor
        info: dict[Any, Any] | None = None
        try:
            _lock_state(True)
            try:
                conn = session.connection()  # take the write lock now, before any read
            finally:
                _lock_state(False)
            info = conn.info
            signing.begin_write(conn)  # its signer chosen afresh (a key may have changed); one signature
            refresh_actor(session, actor)
            yield session
            session.flush()
            signing.seal(conn)  # the write's entries signed once, over the last one's hash
            session.commit()
        except BaseException as exc:
            session.rollback()
            translated = domain_error(exc)
            if translated is not None:
                raise translated from exc
            raise
        finally:
            _take_checks()  # checks noted inside this write were made with fresh roles
            if info is not None:
                signing.reset_info(info)  # nothing of this write stays on the pooled connection
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()

    def abandon(self) -> None:
        """Dispose of a database that could not be opened (not a database, newer schema …): a lock
        file this opening created is removed again unless somebody else holds it."""
        self.dispose()
        if self._lock is not None and not self._lock_was_there:
            lockfile.remove_unused(Path(self._lock.path.with_suffix("")))


def domain_error(exc: BaseException) -> DomainError | None:
    """The user's words for a database failure of a write, or None when it is not one we know."""
    if isinstance(exc, DomainError):
        return None
    if isinstance(exc, StaleDataError):
        return StaleRecord(STALE_MESSAGE)
    if isinstance(exc, IntegrityError):
        return _conflict(exc)
    if isinstance(exc, OperationalError | DBAPIError) and _is_busy(exc):
        return Busy(BUSY_MESSAGE)
    return None


def _is_busy(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _PG_BUSY_STATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def _conflict(exc: IntegrityError) -> Conflict:
    """「保存失败：与已有记录冲突（…）」 naming the column or constraint when the database says which."""
    text = str(exc.orig)
    diag = getattr(exc.orig, "diag", None)  # psycopg
    column = getattr(diag, "column_name", None) if diag is not None else None
    constraint = getattr(diag, "constraint_name", None) if diag is not None else None
    state = getattr(exc.orig, "sqlstate", None)
    found = re.search(r"(UNIQUE|NOT NULL|CHECK) constraint failed: ([\w.]+(?:, [\w.]+)*)", text)
    if found:  # SQLite: "UNIQUE constraint failed: user.username"
        kind, names = found.group(1), found.group(2)
        columns = [n.split(".")[-1] for n in names.split(", ")]
        column = columns[0] if kind != "CHECK" else None
        what = "、".join(columns) if kind != "CHECK" else f"约束 {names}"
    elif "FOREIGN KEY" in text or state == "23503":
        kind, what = "FOREIGN KEY", constraint or "关联记录"
    else:
        kind = {"23505": "UNIQUE", "23502": "NOT NULL", "23514": "CHECK"}.get(state or "", "")
        what = column or constraint or "未知约束"
    if kind == "UNIQUE":
        message = f"保存失败：与已有记录冲突（{what} 已有相同的值）"
    elif kind == "NOT NULL":
        message = f"保存失败：与已有记录冲突（{what} 不能为空）"
    elif kind == "FOREIGN KEY":
        message = f"保存失败：与已有记录冲突（引用的{what}不存在或已被删除）"
    else:
        message = f"保存失败：与已有记录冲突（{what}）"
    return Conflict(message, field=column)
