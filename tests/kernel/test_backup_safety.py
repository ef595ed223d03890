"""Backup and restore never lose confirmed work (issue 19 §2): a backup is never written over the live
database by any name; a restore is refused while another process still has the database open, even with
its lock file deleted or the database named through a symlink; a lost database can be restored; names
with #, % and spaces work; a file that is no database is said so in one sentence; and a legitimate restore
reads as a restore against an earlier checkpoint, not as tampering."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from courtdesk import cli
from courtdesk.kernel.db import open_database
from courtdesk.kernel.db.backup import backup_sqlite
from courtdesk.kernel.db.restore import restore_sqlite
from courtdesk.kernel.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]

# A client that opens the database the way the app does and keeps it open until killed.
CLIENT = """
import sys, time
from sqlalchemy import func, select
from courtdesk.kernel.db import open_database
from courtdesk.kernel.models.people import User
db = open_database(sys.argv[1])
with db.read() as s:
    s.scalar(select(func.count()).select_from(User))
print("ready", flush=True)
time.sleep(120)
"""


def _count(path: Path, table: str = "department") -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def _no_part_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_backup_is_never_written_over_the_database_by_any_name(db_path: Path, tmp_path: Path, capsys) -> None:
    before = _count(db_path)
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db_path)
    db = open_database(str(db_path))
    try:
        for out in (db_path, Path(str(db_path) + "-wal"), Path(str(db_path) + "-shm"), Path(str(db_path) + ".lock"),
                    link, db_path.parent / ".." / db_path.parent.name / db_path.name):
            with pytest.raises(DomainError) as caught:
                backup_sqlite(db, out)
            assert caught.value.field == "备份文件" and "就是数据库文件" in str(caught.value)
    finally:
        db.dispose()
    code, said = _cli(capsys, "backup", "--db", str(db_path), "--out", str(db_path))
    assert code != 0 and "就是数据库文件" in said and "backup written" not in said
    assert _count(db_path) == before
    code, said = _cli(capsys, "verify-audit", "--db", str(db_path))
    assert code == 0 and "audit ok" in said
    _no_part_files(db_path.parent)


def test_a_restore_is_refused_while_a_client_has_the_database_open_even_without_its_lock_file(
        db_path: Path, tmp_path: Path) -> None:
    backup = backup_sqlite_file(db_path, tmp_path / "backup.sqlite3")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(db_path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert client.stdout is not None and client.stdout.readline().strip() == "ready"
        lock = Path(str(db_path) + ".lock")
        lock.unlink()  # what a careless administrator does
        link = tmp_path / "by-another-name.sqlite3"
        link.symlink_to(db_path)
        for target in (db_path, link):
            with pytest.raises(DomainError) as caught:
                restore_sqlite(target, backup)
            assert caught.value.field == "数据库" and "正在被使用" in str(caught.value)
        assert not list(db_path.parent.glob(db_path.name + ".replaced-*"))  # nothing was swapped
    finally:
        client.kill()
        client.wait()
    # with the client gone the same restore goes through, through the link, onto the real file
    result = restore_sqlite(tmp_path / "by-another-name.sqlite3", backup)
    assert result.target == db_path.resolve() and (tmp_path / "by-another-name.sqlite3").is_symlink()


def backup_sqlite_file(db_path: Path, out: Path) -> Path:
    db = open_database(str(db_path))
    try:
        return backup_sqlite(db, out)
    finally:
        db.dispose()


def test_a_lost_database_is_restored_from_its_backup(db_path: Path, tmp_path: Path, capsys) -> None:
    backup = backup_sqlite_file(db_path, tmp_path / "b.sqlite3")
    departments = _count(db_path)
    lost = tmp_path / "gone" / "court.sqlite3"
    code, said = _cli(capsys, "restore", "--db", str(lost), "--from", str(backup))
    assert code == 0, said
    assert _count(lost) == departments and not list(lost.parent.glob("*.replaced-*"))
    code, said = _cli(capsys, "verify-audit", "--db", str(lost))
    assert code == 0 and "audit ok" in said


def test_names_with_hash_percent_and_spaces_work_end_to_end(db_path: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "案卷 #2 %20"
    folder.mkdir()
    odd = folder / "bad#1 %20.db"
    shutil.copy2(db_path, odd)
    code, said = _cli(capsys, "verify-audit", "--db", str(odd))
    assert code == 0 and "audit ok" in said, said
    code, said = _cli(capsys, "backup", "--db", str(odd), "--out", str(folder / "b#?%.db"))
    assert code == 0 and "backup written" in said, said
    code, said = _cli(capsys, "restore", "--db", str(odd), "--from", str(folder / "b#?%.db"))
    assert code == 0, said
    code, said = _cli(capsys, "verify-audit", "--db", str(odd))
    assert code == 0 and "audit ok" in said, said
    _no_part_files(folder)


def test_a_file_that_is_no_database_is_said_so_in_one_sentence(db_path: Path, tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db_path.read_bytes()[: 8192])
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    for bad in (empty, truncated, foreign):
        code, said = _cli(capsys, "verify-audit", "--db", str(bad))
        assert code != 0 and "不是 CourtDesk 数据库或文件已损坏" in said, said
        assert "Traceback" not in said and said.count("\n") <= 2


def test_a_restore_after_a_checkpoint_reads_as_a_restore_not_as_tampering(db_path: Path, tmp_path: Path,
                                                                          capsys) -> None:
    from sqlalchemy import select

    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.people import PeopleService

    backup = backup_sqlite_file(db_path, tmp_path / "monday.sqlite3")
    db = open_database(str(db_path))
    try:
        with db.read() as s:
            admin = s.scalar(select(User).where(User.username == "admin"))
            _ = admin.roles
        for n in range(3):
            PeopleService(db).create_department(admin, f"恢复后检查部门{n}")
    finally:
        db.dispose()
    checkpoint = tmp_path / "tuesday.json"
    code, _ = _cli(capsys, "checkpoint", "--db", str(db_path), "--out", str(checkpoint))
    assert code == 0
    time.sleep(1.1)  # the restore is recorded after the checkpoint was taken
    restore_sqlite(db_path, backup)
    code, said = _cli(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(checkpoint))
    assert code == 0 and "已从备份恢复" in said and "历史被删减" not in said, said
    assert "monday.sqlite3" in said
    # the same gap without a recorded restore is tampering, as before
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM audit_entry WHERE action = 'restore'")
    conn.commit()
    conn.close()
    code, said = _cli(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(checkpoint))
    assert code != 0 and "已从备份恢复" not in said


def test_daily_backups_are_written_once_a_day_with_their_checkpoint_and_thinned(db_path: Path, tmp_path: Path) -> None:
    """Issue 19 §2: the app keeps a daily backup (default: ``backups`` beside the database), each with its
    checkpoint, thinned to the last 7 days, 4 weeks and 12 months."""
    import datetime as dt

    from courtdesk.kernel import clock
    from courtdesk.kernel.db import backup

    db = open_database(str(db_path))
    try:
        clock.set_now(dt.datetime(2026, 12, 7, 8, 0))
        first = backup.daily(db)
        assert first == db_path.parent / "backups" / "courtdesk-backup-2026-12-07.sqlite3"
        assert backup.daily(db) is None  # once a day
        listed = backup.daily_backups(first.parent)
        assert [b.day for b in listed] == [dt.date(2026, 12, 7)] and listed[0].checkpoint.startswith("已校验完整　留痕 ")
        backup.verify_backup(first)
    finally:
        clock.set_now(None)
        db.dispose()
    # a year and a half of days: what a rotation keeps
    folder = tmp_path / "rot"
    folder.mkdir()
    today = dt.date(2026, 12, 7)
    for n in range(540):
        day = today - dt.timedelta(days=n)
        (folder / f"courtdesk-backup-{day.isoformat()}.sqlite3").write_bytes(b"x")
        (folder / f"courtdesk-backup-{day.isoformat()}.sqlite3.checkpoint.json").write_text("{}")
    backup.thin(folder, today)
    kept = sorted(b.day for b in backup.daily_backups(folder))
    assert kept[-7:] == [today - dt.timedelta(days=n) for n in range(6, -1, -1)]  # the last 7 days
    assert len({(d.year, d.month) for d in kept}) == 12 and kept[0] >= dt.date(2026, 1, 1)  # 12 months back
    assert len(kept) <= 7 + 4 + 12
    assert len(list(folder.glob("*.checkpoint.json"))) == len(kept)  # each checkpoint goes with its backup
