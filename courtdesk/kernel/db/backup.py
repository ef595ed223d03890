"""Backup and restore of the whole database (SQLite file).

A backup is a consistent copy made with SQLite's online backup API (safe while the app runs) plus
an integrity check of the copy. Restore verifies the backup first and refuses a corrupt file; the
file it replaces is kept beside it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError

if TYPE_CHECKING:
    from courtdesk.kernel.db.engine import Database


def backup_sqlite(db: Database, out: Path) -> Path:
    if db.path is None:
        raise DomainError("备份：只有本机 SQLite 数据库可以由程序备份，服务器数据库请用服务器自带工具", field="数据库")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if tmp.exists():
        tmp.unlink()
    src = sqlite3.connect(str(db.path))
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    verify_backup(tmp)
    tmp.replace(out)
    return out


def verify_backup(path: Path) -> None:
    """Raise DomainError unless ``path`` is an intact CourtDesk database."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"备份文件「{path}」不存在", field="备份文件")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise DomainError(f"备份文件「{path.name}」不是 SQLite 数据库文件，已拒绝", field="备份文件")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise DomainError(f"备份文件「{path.name}」已损坏（完整性检查未通过），已拒绝", field="备份文件")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", "audit_entry", "user_account"} <= tables:
                raise DomainError(f"备份文件「{path.name}」不是 CourtDesk 数据库，已拒绝", field="备份文件")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"备份文件「{path.name}」已损坏（{exc}），已拒绝", field="备份文件") from exc


def restore_sqlite(target: Path, source: Path) -> Path | None:
    """Replace ``target`` by ``source`` after verifying it. Returns where the old file was kept."""
    verify_backup(source)
    target = Path(target)
    kept: Path | None = None
    if target.exists():
        kept = target.with_name(f"{target.name}.replaced-{clock.now().strftime('%Y%m%d-%H%M%S')}")
        shutil.copy2(target, kept)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copy2(source, tmp)
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            side.unlink()
    tmp.replace(target)
    return kept
