"""Restore an SQLite database from a backup — safely.

What :func:`restore_sqlite` guarantees, in order:

1. The backup is an intact CourtDesk database (:func:`~courtdesk.kernel.db.backup.verify_backup`).
2. No program has the database open: every :class:`~courtdesk.kernel.db.engine.Database` holds a shared
   lock on ``<db>.lock`` (:mod:`courtdesk.kernel.db.lockfile`); restore takes it exclusively without
   waiting and refuses while anyone holds it, and holds it until it is done (an app started meanwhile
   waits, then opens the restored file).
3. The backup is copied beside the database (SQLite's backup API) and that copy — the file that will
   be put in place — is checked: its schema version (a newer or unknown one is refused; an older one is
   upgraded by the same migrations start-up runs, before anything is replaced) and its audit chain
   (:func:`courtdesk.kernel.audit.verify` on a read-only connection; refused unless it is clean).
4. The database being replaced is kept complete: copied with SQLite's backup API from the live file,
   so what is still in its write-ahead log is included, under a unique name
   (``<db>.replaced-<time>-<n>``: the file is created exclusively, so two restores never share one).
5. The restore is recorded in the restored database's own audit trail (action ``restore``, naming the
   backup and the kept copy), then the checked copy replaces the database in one rename.

Any refusal raises :class:`DomainError` with a Chinese reason; the database is then untouched.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from courtdesk.kernel import audit, clock
from courtdesk.kernel.db import files, lockfile, migrate
from courtdesk.kernel.db.backup import sqlite_copy, verify_backup
from courtdesk.kernel.db.engine import Database, resolve_url
from courtdesk.kernel.errors import DomainError

#: How many of the audit problems a refusal names.
SHOWN_PROBLEMS = 5


@dataclass
class RestoreResult:
    target: Path
    source: Path
    kept: Path | None = None
    #: The backup's schema revisions when it was older and has been upgraded, else empty.
    upgraded_from: set[str] = field(default_factory=set)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    for p in [path, *_sidecars(path)]:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _self_contained(path: Path) -> None:
    """Fold any write-ahead log into the file and leave it in rollback-journal mode."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _unique_kept_path(target: Path) -> Path:
    """Create (exclusively) and return a new empty file ``<db>.replaced-<time>-<n>``."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        candidate = target.with_name(f"{target.name}.replaced-{stamp}-{n}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return candidate


def _revisions(path: Path) -> set[str]:
    conn = files.ro_connect(path)
    try:
        return {str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"备份文件：读不出结构版本（{exc}），已拒绝", field="备份文件") from exc
    finally:
        conn.close()


def check_schema(path: Path, shown_name: str) -> set[str]:
    """The backup's revisions when it is older than this program (to be upgraded), an empty set when
    it is current; refuses a newer or unknown version."""
    current = _revisions(path)
    if not current:
        raise DomainError(f"备份文件「{shown_name}」没有结构版本记录，不是完整的 CourtDesk 数据库，已拒绝",
                          field="备份文件")
    history = migrate.history()
    unknown = history.unknown(current)
    if unknown:
        raise DomainError(
            f"备份文件「{shown_name}」的结构版本（{', '.join(sorted(unknown))}）比本程序新或无法识别，"
            f"本程序（版本 {migrate.describe_heads()}）无法安全使用它，已拒绝。请用较新的 CourtDesk 恢复。",
            field="备份文件",
        )
    return current if history.pending(current) else set()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Connection]:
    """A SQLAlchemy connection that cannot write to ``path``."""
    engine = files.ro_engine(path)
    try:
        with engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def check_audit(path: Path, shown_name: str) -> None:
    """Refuse unless the audit chain and every audited row of ``path`` verify."""
    with read_only(path) as conn:
        report = audit.verify(conn)
    if not report.ok:
        problems = [str(p) for p in report.problems]
        shown = "；".join(problems[:SHOWN_PROBLEMS])
        more = f"（另有 {len(problems) - SHOWN_PROBLEMS} 处）" if len(problems) > SHOWN_PROBLEMS else ""
        raise DomainError(
            f"备份文件「{shown_name}」的留痕校验未通过（共 {len(problems)} 处问题：{shown}{more}），"
            "可能已被改动，已拒绝",
            field="备份文件",
        )


def _upgrade(path: Path) -> None:
    db = Database(resolve_url(path), lock=False)
    try:
        with tempfile.TemporaryDirectory(prefix="courtdesk-restore-") as scratch:
            migrate.upgrade(db, backup_dir=Path(scratch))  # the backup itself is the pre-upgrade copy
    finally:
        db.dispose()
    _self_contained(path)


def _record(path: Path, source: Path, kept: Path | None, upgraded_from: set[str], by: str = "") -> None:
    """Append the ``restore`` entry to the audit trail of the database about to be put in place
    (``by``: the person who asked for it in the app, e.g. 「系统管理员 王芳（admin）」)."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name on this system: say nothing about it
        who = ""
    comment = f"从备份「{source.resolve()}」恢复数据库"
    beside = source.with_name(source.name + ".checkpoint.json")
    if beside.is_file():  # which checkpoint the backup matched (checked before the restore began)
        from courtdesk.kernel import checkpoint as checkpoints

        with contextlib.suppress(DomainError):
            cp = checkpoints.read(beside)
            comment += f"（备份的检查点：{cp.written_at}，留痕 {cp.length} 条，校验码 {cp.short}）"
    if upgraded_from:
        comment += f"（备份的结构版本 {', '.join(sorted(upgraded_from))} 已升级到 {migrate.describe_heads()}）"
    comment += f"；原数据库已完整保留为「{kept.resolve()}」" if kept is not None else "；此前没有数据库文件"
    if by:
        comment += f"；在程序中由{by}操作"
    if who:
        comment += f"；操作系统用户 {who}"
    engine = create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            writer = audit.AuditWriter(conn, None, "系统")
            writer.add(audit.RESTORE_ACTION, "database", None, None, None, comment)
            writer.flush()
    finally:
        engine.dispose()
    _self_contained(path)


def _replace(tmp: Path, target: Path) -> None:
    """Put ``tmp`` in place of ``target``, whose write-ahead log must be empty by now."""
    if target.exists():
        conn = sqlite3.connect(str(target))
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        wal = target.with_name(target.name + "-wal")
        if (busy and busy[0]) or (wal.exists() and wal.stat().st_size > 0):
            raise DomainError(lockfile.IN_USE_MESSAGE, field="数据库")
    for side in _sidecars(target):
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
    try:
        os.replace(tmp, target)
    except PermissionError as exc:  # Windows: another program still has the file open
        raise DomainError(lockfile.IN_USE_MESSAGE, field="数据库") from exc


def restore_sqlite(target: Path, source: Path, by: str = "") -> RestoreResult:
    """Replace the database ``target`` by the backup ``source`` (see the module docstring); ``by``
    names the person who asked for it from inside the app (the CLI names the system user only)."""
    # every path as the file it names (a symlink to the database is the database)
    target, source = files.real(target), files.real(source)
    verify_backup(source)
    if source in files.family(target):
        raise DomainError("备份文件：不能用数据库文件（或其日志、锁文件）自己恢复自己", field="备份文件")
    target.parent.mkdir(parents=True, exist_ok=True)
    result = RestoreResult(target=target, source=source)
    with lockfile.exclusive(target):
        # the lock file is only a convention: a client whose lock file was deleted still has the
        # database open, and replacing the file under it would send its next writes nowhere
        holders = files.open_elsewhere(target)
        if holders:
            raise DomainError(f"{lockfile.IN_USE_MESSAGE}（进程 {'、'.join(map(str, holders[:5]))}）", field="数据库")
        tmp = target.with_name(f"{target.name}.restoring-{os.getpid()}")
        _remove(tmp)
        try:
            sqlite_copy(source, tmp)
            result.upgraded_from = check_schema(tmp, source.name)
            if result.upgraded_from:
                _upgrade(tmp)
            check_audit(tmp, source.name)
            if target.exists():
                result.kept = _unique_kept_path(target)
                sqlite_copy(target, result.kept)
                verify_backup(result.kept)
            _record(tmp, source, result.kept, result.upgraded_from, by)
            _replace(tmp, target)
        except sqlite3.DatabaseError as exc:
            raise DomainError(f"备份文件「{source.name}」无法读取（{exc}），已拒绝", field="备份文件") from exc
        finally:
            _remove(tmp)
    return result
