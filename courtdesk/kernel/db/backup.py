"""Backup and restore of the whole database (SQLite file).

A backup is a consistent copy made with SQLite's online backup API (safe while the app runs) plus
an integrity check of the copy. Restore (:mod:`courtdesk.kernel.db.restore`) verifies the backup with
:func:`verify_backup` first and refuses a corrupt file.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass
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


# --- automatic daily backups -----------------------------------------------------------------------

#: ``courtdesk-backup-2026-12-07.sqlite3``: one a day, its checkpoint beside it.
DAILY_PATTERN = re.compile(r"^courtdesk-backup-(\d{4}-\d{2}-\d{2})\.sqlite3$")
#: How many are kept: the last 7 days, then one a week for 4 weeks, then one a month for 12 months.
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    day: dt.date
    size: int
    #: The checkpoint written with it: entries and short hash (empty when it is missing).
    checkpoint: str


def backup_folder(db: Database) -> Path:
    """Where the daily backups go: the ``backup_dir`` setting, else this workstation's
    (``localconfig``), else ``backups`` beside the database."""
    from courtdesk.kernel import localconfig, settings

    with db.read() as s:
        configured = settings.get(s, "backup_dir").strip()
    if configured:
        return Path(configured).expanduser()
    local, _origin = localconfig.folder("backup_dir")
    if local is not None:
        return local
    if db.path is None:
        raise DomainError("备份：服务器数据库请用服务器自带工具备份", field="数据库")
    return files.real(db.path).parent / "backups"


def daily_backups(folder: Path) -> list[DailyBackup]:
    """The daily backups in ``folder``, newest first."""
    from courtdesk.kernel import checkpoint

    found = []
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        match = DAILY_PATTERN.match(path.name)
        if match is None or not path.is_file():
            continue
        words = ""
        try:
            cp = checkpoint.read(checkpoint_path(path))
            words = f"已校验完整　留痕 {cp.length} 条　校验码 {cp.short}"  # written only after the check
        except DomainError:
            pass
        found.append(DailyBackup(path, dt.date.fromisoformat(match.group(1)), path.stat().st_size, words))
    return sorted(found, key=lambda b: b.day, reverse=True)


def to_keep(days: list[dt.date], today: dt.date) -> set[dt.date]:
    """Which of ``days`` a thinning keeps: every one of the last 7 days, the newest of each of the last
    4 weeks and of each of the last 12 months (a grandfather-father-son rotation)."""
    newest = sorted(days, reverse=True)
    keep = {d for d in newest if (today - d).days < KEEP_DAYS}
    weeks: dict[tuple[int, int], dt.date] = {}
    months: dict[tuple[int, int], dt.date] = {}
    for d in newest:
        weeks.setdefault(d.isocalendar()[:2], d)
        months.setdefault((d.year, d.month), d)
    keep |= set(sorted(weeks.values(), reverse=True)[:KEEP_WEEKS])
    keep |= set(sorted(months.values(), reverse=True)[:KEEP_MONTHS])
    return keep


def thin(folder: Path, today: dt.date) -> list[Path]:
    """Remove the daily backups (and their checkpoints) a rotation no longer keeps; returns them."""
    backups = daily_backups(folder)
    keep = to_keep([b.day for b in backups], today)
    removed = []
    for b in backups:
        if b.day not in keep:
            b.path.unlink(missing_ok=True)
            checkpoint_path(b.path).unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def daily(db: Database) -> Path | None:
    """Today's backup (``courtdesk-backup-YYYY-MM-DD.sqlite3`` with its checkpoint) unless it exists,
    then the older ones thinned. Returns the file written, or None. A server database: None."""
    from courtdesk.kernel import clock

    if db.path is None:
        return None
    folder = backup_folder(db)
    today = clock.today()
    target = folder / f"courtdesk-backup-{today.isoformat()}.sqlite3"
    if target.exists():
        return None
    backup_sqlite(db, target)
    thin(folder, today)
    return target


def daily_or_log(db: Database) -> Path | None:
    """:func:`daily` for start-up (run beside the login, never in its way): a failure is logged."""
    try:
        return daily(db)
    except (OSError, DomainError, sqlite3.Error) as exc:
        logging.getLogger(__name__).warning("每日自动备份未能完成：%s", exc)
        return None
