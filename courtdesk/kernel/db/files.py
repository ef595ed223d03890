"""The database file on disk: naming it safely, recognising it, and the files that belong to it.

- SQLite ``file:`` URIs are built from the resolved path with :meth:`Path.as_uri`, so a folder or
  file name with ``#``, ``?``, ``%`` or spaces names that file and nothing else (``bad#1.db`` is not
  ``bad`` with a fragment).
- :func:`check_courtdesk_file` says 「不是 CourtDesk 数据库或文件已损坏」 for an empty, truncated or
  foreign file before anything reads it as a database.
- :func:`family` is the database with its ``-wal``, ``-shm``, ``-journal`` and ``.lock`` files, all
  resolved (through symlinks): nothing may be written over any of them.
- :func:`open_elsewhere` lists the other processes that have the database open (Linux, from
  ``/proc``): a restore must not replace a file a running client still holds, even when that client's
  lock file was deleted.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from courtdesk.kernel.errors import DomainError

SQLITE_HEADER = b"SQLite format 3\x00"
#: Tables every CourtDesk database has, whatever its version.
REQUIRED_TABLES = {"alembic_version", "audit_entry", "user_account"}
SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


def real(path: Path | str) -> Path:
    """The file a path names, through every symlink (``os.path.realpath``)."""
    return Path(os.path.realpath(os.path.expanduser(str(path))))


def ro_uri(path: Path | str) -> str:
    """A read-only SQLite URI for ``path`` whatever characters its name has."""
    return real(path).as_uri() + "?mode=ro"


def ro_connect(path: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(ro_uri(path), uri=True)


def ro_engine(path: Path | str) -> Engine:
    """A SQLAlchemy engine that can only read ``path``."""
    uri = ro_uri(path)
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


def family(path: Path | str) -> list[Path]:
    """The database file and the files SQLite and CourtDesk keep beside it, resolved."""
    base = real(path)
    return [base, *(base.with_name(base.name + suffix) for suffix in SIDE_SUFFIXES)]


def check_courtdesk_file(path: Path | str, label: str = "数据库") -> None:
    """Refuse, with one clear sentence, a file that is not an intact CourtDesk database: missing,
    empty, truncated, another kind of file, or an SQLite file of some other program."""
    p = Path(path)
    broken = f"{label}：「{p.name}」不是 CourtDesk 数据库或文件已损坏"
    if not p.is_file():
        raise DomainError(f"{label}：文件「{p}」不存在（请检查路径）", field=label)
    with open(p, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise DomainError(f"{broken}（不是 SQLite 数据库文件）", field=label)
    page_size = int.from_bytes(header[16:18], "big") or 65536
    pages = int.from_bytes(header[28:32], "big")
    if pages and p.stat().st_size < page_size * pages:
        raise DomainError(f"{broken}（文件被截断：应有 {page_size * pages} 字节，只有 {p.stat().st_size} 字节）",
                          field=label)
    try:
        conn = ro_connect(p)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
            if result != [("ok",)]:
                raise DomainError(f"{broken}（完整性检查未通过）", field=label)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"{broken}（{exc}）", field=label) from exc
    if not REQUIRED_TABLES <= tables:
        raise DomainError(f"{broken}（缺少 CourtDesk 的数据表）", field=label)


def refuse_family(target: Path | str, database: Path | str, label: str) -> None:
    """Refuse ``target`` when it is the database ``database`` or one of the files beside it."""
    resolved = real(target)
    if resolved in family(database):
        raise DomainError(f"{label}：「{target}」就是数据库文件（或其日志、锁文件），不能写到它上面，"
                          "请另选备份位置", field=label)


def open_elsewhere(path: Path | str) -> list[int]:
    """Other processes (of this user, on this machine) that have the database or its write-ahead log
    open — read from ``/proc/<pid>/fd``; empty where there is no ``/proc``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    wanted: set[tuple[int, int]] = set()
    for member in family(path)[:2]:  # the database and its -wal
        try:
            st = member.stat()
        except OSError:
            continue
        wanted.add((st.st_dev, st.st_ino))
    if not wanted:
        return []
    me, found = os.getpid(), []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                st = fd.stat()
            except OSError:
                continue
            if (st.st_dev, st.st_ino) in wanted:
                found.append(int(entry.name))
                break
    return found
