"""Schema upgrades at start-up: older files are backed up and upgraded; newer files are refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from courtdesk.kernel import area
from courtdesk.kernel.db import Database, migrate, open_database
from courtdesk.kernel.db.backup import verify_backup
from courtdesk.kernel.errors import SchemaError
from courtdesk.kernel.models.base import Base
from courtdesk.kernel.models.people import Department

area.discover()  # every area's tables in Base.metadata


def _at_revision(path, revision: str) -> Database:
    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    return db


def test_the_cheap_history_is_alembics_own(tmp_path):
    """Start-up reads the version files' text instead of importing alembic: both must agree on every
    revision, and a new database is stamped with exactly the heads the cheap reading names."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    history = migrate.history()
    assert {r.revision for r in script.walk_revisions()} == set(history.revisions)
    for rev in script.walk_revisions():
        mine = history.revisions[rev.revision]
        assert set(rev._versioned_down_revisions) == set(mine.down), rev.revision
        assert set(rev._resolved_dependencies) == set(mine.depends), rev.revision
    db = _at_revision(tmp_path / "new.sqlite3", "heads")
    assert migrate.current_revisions(db) == migrate.heads()
    assert migrate.is_current(db)
    db.dispose()


def test_each_area_keeps_its_migrations_on_a_branch_of_its_own():
    """A folder per branch (the kernel's, each area's), every revision in it on that branch, one head
    per branch, and an area's first migration built on the kernel and on the areas it depends on."""
    history = migrate.history()
    branches = {migrate.KERNEL} | {a.key for a in area.areas()}
    for folder in migrate.VERSIONS.iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            assert folder.name in branches, f"{folder}: no area has the key {folder.name!r}"
    for rev in history.revisions.values():
        folder = rev.path.parent
        expected = next(key for key in branches if migrate.branch_folder(key) == folder)
        assert history.branch(rev.id) == expected, f"{rev.path}: on branch {history.branch(rev.id)!r}"
    for key in branches:
        members = [r for r in history.revisions if history.branch(r) == key]
        if not members:
            continue
        assert len(history.branch_heads(key)) == 1, f"{key}: several heads {history.branch_heads(key)}"
        needs = {migrate.KERNEL} if key != migrate.KERNEL else set()
        if key != migrate.KERNEL:
            needs |= {d for d in area.get(key).depends if history.branch_heads(d)}
        first = [r for r in members if not history.revisions[r].down]
        built_on = {history.branch(r) for r in history.applied(first)} - {key}
        assert needs <= built_on, f"{key}: its first migration does not build on {needs - built_on}"


#: Until the areas had branches of their own, revisions 0001–0014 were one line. Every database stamped
#: with one of them must be recognised as having exactly that revision and those before it.
ONE_LINE = [f"{n:04d}" for n in range(1, 15)]


@pytest.mark.parametrize("stamp", ONE_LINE)
def test_a_database_of_the_one_line_history_is_recognised(stamp):
    history = migrate.history()
    assert history.applied([stamp]) == {rev for rev in ONE_LINE if rev <= stamp}
    assert history.pending([stamp]) == set(history.revisions) - set(ONE_LINE[:ONE_LINE.index(stamp) + 1])


def test_start_up_asks_no_alembic_for_an_up_to_date_database(db_path):
    code = ("import sys; from courtdesk.kernel.db import open_database; "
            f"db = open_database({str(db_path)!r}); print('alembic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"


def test_models_and_migrations_agree(empty_db):
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_old_schema_is_backed_up_then_upgraded_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = _at_revision(path, "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO department (name, kind, active, version, created_at, updated_at)"
                     " VALUES ('老部门', 'business', 1, 1, '2025-01-01', '2025-01-01')")
    old.dispose()
    db = open_database(str(path))
    backups = list(tmp_path.glob("old.before-upgrade-0001-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT name FROM department").fetchall() == [("老部门",)]
    assert migrate.current_revisions(db) == migrate.heads()
    with db.read() as s:
        assert s.scalars(select(Department.name)).all() == ["老部门"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    db.dispose()


def test_up_to_date_database_is_not_backed_up_again(db, db_path):
    assert migrate.upgrade(db) is None
    assert not list(db_path.parent.glob("*.bak"))


def _stamp(conn: sqlite3.Connection, revision: str) -> None:
    """Stamp the database with ``revision`` alone: it holds one row per branch head (one per area with
    tables of its own, however many are installed), all replaced."""
    conn.execute("DELETE FROM alembic_version")
    conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))


def test_newer_schema_is_refused_with_a_clear_message(db_path):
    with sqlite3.connect(db_path) as conn:
        _stamp(conn, "9999_future")
    with pytest.raises(SchemaError, match="比本程序新"):
        open_database(str(db_path))
    with sqlite3.connect(db_path) as conn:  # untouched
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_future",)


def test_cli_init_refuses_newer_database(db_path):
    with sqlite3.connect(db_path) as conn:
        _stamp(conn, "9999_future")
    result = subprocess.run([sys.executable, "-m", "courtdesk", "init", "--db", str(db_path)],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "比本程序新" in result.stderr


def test_backup_and_restore_round_trip_refuses_corrupt_file(db, db_path, tmp_path):
    out = tmp_path / "b" / "backup.sqlite3"
    run = [sys.executable, "-m", "courtdesk"]
    assert subprocess.run([*run, "backup", "--db", str(db_path), "--out", str(out)], check=False, timeout=60).returncode == 0
    verify_backup(out)
    with closing(sqlite3.connect(db_path)) as conn, conn:  # closed: restore refuses a file still held open
        conn.execute("UPDATE setting SET value='x'")  # harmless change after the backup
        conn.execute("DELETE FROM workflow_step")
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(out.read_bytes()[:4096] + b"\x00garbage" * 1000)
    bad = subprocess.run([*run, "restore", "--db", str(db_path), "--from", str(corrupt)],
                         check=False, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "已拒绝" in bad.stderr
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT count(*) FROM workflow_step").fetchone() == (0,)  # refused: untouched
    db.dispose()
    ok = subprocess.run([*run, "restore", "--db", str(db_path), "--from", str(out)], check=False, capture_output=True,
                        text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM workflow_step").fetchone()[0] > 0
    assert subprocess.run([*run, "verify-audit", "--db", str(db_path)], check=False, capture_output=True,
                          timeout=60).returncode == 0
