"""Restore is safe: refused while an app has the database open, keeps a complete copy of what it
replaces under a unique name, refuses a tampered or newer backup, and is itself audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command

from courtdesk.kernel import clock
from courtdesk.kernel.db import Database, lockfile, migrate, open_database
from courtdesk.kernel.db.backup import backup_sqlite
from courtdesk.kernel.db.restore import restore_sqlite
from courtdesk.kernel.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "courtdesk"]

# Writes departments through the people service and dies without closing the database, as a crashed
# or killed app would: the rows stay in the write-ahead log, not in the main file.
WRITER = """
import os, sys
from sqlalchemy import func, select
from courtdesk.kernel.db import open_database
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.people import PeopleService
db = open_database(sys.argv[1])
admin = PeopleService(db).login("admin", "Demo2026")  # unlocks the administrator's signing key
service = PeopleService(db)
for i in range(40):
    service.create_department(admin, f"恢复测试部门{i}")
with db.read() as s:
    print(s.scalar(select(func.count()).select_from(Department)), flush=True)
os._exit(0)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, env=_env(), check=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _kept(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".replaced-*"))


def _backup(db_path: Path, out: Path) -> Path:
    db = open_database(str(db_path))
    try:
        return backup_sqlite(db, out)
    finally:
        db.dispose()


def _lock_held(path: Path) -> bool:
    lock = lockfile.try_lock(path, exclusive=True)
    if lock is None:
        return True
    lock.release()
    return False


def test_restore_is_refused_while_the_app_runs_and_then_keeps_a_complete_copy(db_path: Path, tmp_path: Path) -> None:
    backup = _backup(db_path, tmp_path / "backups" / "court.bak.sqlite3")
    in_backup = _count(backup, "department")

    wrote = subprocess.run([sys.executable, "-c", WRITER, str(db_path)], capture_output=True, text=True,
                           timeout=120, env=_env(), check=True)
    departments = int(wrote.stdout.strip().splitlines()[-1])
    assert departments == in_backup + 40
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the new rows are still in the write-ahead log

    app = subprocess.Popen([sys.executable, "-m", "ui", "--db", str(db_path)], env=_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not _lock_held(db_path):
            assert app.poll() is None, f"the app ended: {app.communicate()}"
            assert time.monotonic() < deadline, "the app never opened the database"
            time.sleep(0.2)
        before = _digest(db_path)

        refused = _run("restore", "--db", str(db_path), "--from", str(backup))
        assert refused.returncode == 2
        assert "数据库正在被使用" in refused.stderr and "请先关闭" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert _digest(db_path) == before and _kept(db_path) == []  # nothing replaced, nothing kept
    finally:
        app.terminate()  # killed, as a crash would: no clean shutdown, the WAL stays behind
        app.communicate(timeout=60)
    assert wal.exists() and wal.stat().st_size > 0

    done = _run("restore", "--db", str(db_path), "--from", str(backup))
    assert done.returncode == 0, done.stderr
    [kept] = _kept(db_path)
    assert str(kept.name) in done.stdout
    assert _count(kept, "department") == departments  # the rows that were only in the WAL are kept too
    assert not kept.with_name(kept.name + "-wal").exists()  # one self-contained file
    assert _count(db_path, "department") == in_backup

    conn = sqlite3.connect(db_path)
    try:
        action, comment = conn.execute("SELECT action, comment FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert action == "restore"
    assert backup.name in comment and kept.name in comment
    verified = _run("verify-audit", "--db", str(db_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_an_open_database_holds_the_lock_until_disposed(db_path: Path, tmp_path: Path) -> None:
    backup = _backup(db_path, tmp_path / "b.sqlite3")
    first, second = open_database(str(db_path)), open_database(str(db_path))  # shared: both open
    before = _digest(db_path)
    with pytest.raises(DomainError, match="数据库正在被使用"):
        restore_sqlite(db_path, backup)
    first.dispose()
    with pytest.raises(DomainError, match="数据库正在被使用"):
        restore_sqlite(db_path, backup)
    assert _digest(db_path) == before and _kept(db_path) == []
    second.dispose()
    assert restore_sqlite(db_path, backup).kept is not None


def test_two_restores_in_the_same_second_keep_two_copies(db_path: Path, tmp_path: Path) -> None:
    backup = _backup(db_path, tmp_path / "b.sqlite3")
    clock.set_now(dt.datetime(2026, 3, 2, 9, 30, 0))
    first = restore_sqlite(db_path, backup).kept
    second = restore_sqlite(db_path, backup).kept
    assert first is not None and second is not None and first != second
    assert first.exists() and second.exists()
    assert _count(second, "audit_entry") == _count(first, "audit_entry") + 1  # the first restore's own entry


def _refused_unchanged(db_path: Path, backup: Path, match: str) -> None:
    before = _digest(db_path)
    with pytest.raises(DomainError, match=match):
        restore_sqlite(db_path, backup)
    assert _digest(db_path) == before
    assert _kept(db_path) == []
    assert [p.name for p in db_path.parent.iterdir() if ".restoring" in p.name] == []
    result = _run("restore", "--db", str(db_path), "--from", str(backup))
    assert result.returncode == 2 and match in result.stderr and "Traceback" not in result.stderr
    assert _digest(db_path) == before and _kept(db_path) == []


def test_a_tampered_backup_is_refused(db_path: Path, tmp_path: Path) -> None:
    backup = _backup(db_path, tmp_path / "b.sqlite3")
    conn = sqlite3.connect(backup)
    with conn:
        conn.execute("UPDATE department SET name = '篡改过的部门' WHERE id = (SELECT min(id) FROM department)")
    conn.close()
    _refused_unchanged(db_path, backup, "留痕校验未通过")
    with pytest.raises(DomainError, match="department"):  # the refusal names what is wrong
        restore_sqlite(db_path, backup)


def test_a_backup_from_a_newer_program_is_refused(db_path: Path, tmp_path: Path) -> None:
    backup = _backup(db_path, tmp_path / "b.sqlite3")
    conn = sqlite3.connect(backup)
    with conn:
        # one row per branch head, however many areas are installed: all of them replaced by one
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version (version_num) VALUES ('9999')")
    conn.close()
    _refused_unchanged(db_path, backup, "比本程序新")


def test_an_older_backup_is_upgraded_when_restored(db_path: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    db = Database(f"sqlite:///{old}")
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.commit()
    db.dispose()
    result = restore_sqlite(db_path, old)
    assert result.upgraded_from == {"0001"} and result.kept is not None
    conn = sqlite3.connect(db_path)
    try:
        assert {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")} == migrate.heads()
    finally:
        conn.close()
    verified = _run("verify-audit", "--db", str(db_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
