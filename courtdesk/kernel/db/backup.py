"""Backup and restore of the whole database (SQLite file).

A backup is a consistent copy made with SQLite's online backup API (safe while the app runs) plus
an integrity check of the copy. Restore (:mod:`courtdesk.kernel.db.restore`) verifies the backup with
:func:`verify_backup` first and refuses a corrupt file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from courtdesk.kernel.db import files
from courtdesk.kernel.errors import DomainError

if TYPE_CHECKING:
    from courtdesk.kernel.checkpoint import Checkpoint
    from courtdesk.kernel.db.engine import Database


def sqlite_copy(src: Path, dst: Path) -> None:
    """Copy the database ``src`` — including what is still in its write-ahead log — into ``dst`` (an
    absent or empty file) with SQLite's backup API; ``dst`` is left as one self-contained file."""
    source = sqlite3.connect(str(src))
    try:
        target = sqlite3.connect(str(dst))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def backup_sqlite(db: Database, out: Path) -> Path:
    if db.path is None:
        raise DomainError("备份：只有本机 SQLite 数据库可以由程序备份，服务器数据库请用服务器自带工具", field="数据库")
    # never onto the live database, its -wal/-shm/-journal or its lock file, by any name or symlink
    files.refuse_family(out, db.path, "备份文件")
    out = files.real(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        if tmp.exists():
            tmp.unlink()
        sqlite_copy(db.path, tmp)
        verify_backup(tmp)
        cp = _checkpoint_of(tmp, out)
        tmp.replace(out)
    finally:  # whatever fails, no .part file stays behind
        if tmp.exists():
            tmp.unlink()
    # Every backup carries a checkpoint of its audit chain (keep it apart from the backup, too).
    from courtdesk.kernel import checkpoint

    checkpoint.write(cp, checkpoint_path(out))
    return out


def checkpoint_path(backup: Path) -> Path:
    """The checkpoint written beside a backup: ``<backup file>.checkpoint.json``."""
    return Path(backup).with_name(Path(backup).name + ".checkpoint.json")


def _checkpoint_of(copy: Path, named: Path) -> Checkpoint:
    """The audit chain's checkpoint of the backup copy itself (read-only)."""
    from courtdesk.kernel import checkpoint

    engine = files.ro_engine(copy)
    try:
        with engine.connect() as conn:
            return checkpoint.take(conn, str(Path(named).resolve()))
    finally:
        engine.dispose()


def verify_backup(path: Path) -> None:
    """Raise DomainError unless ``path`` is an intact CourtDesk database (every page checked)."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"备份文件「{path}」不存在", field="备份文件")
    try:
        files.check_courtdesk_file(path, "备份文件")
    except DomainError as exc:
        raise DomainError(f"{exc}，已拒绝", field="备份文件") from exc
    try:
        conn = files.ro_connect(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"备份文件「{path.name}」已损坏（{exc}），已拒绝", field="备份文件") from exc
    if result != [("ok",)]:
        raise DomainError(f"备份文件「{path.name}」已损坏（完整性检查未通过），已拒绝", field="备份文件")
