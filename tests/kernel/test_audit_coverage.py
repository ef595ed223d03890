"""The audit trail covers everything the app writes, and ``verify-audit`` names every change made
behind the app's back — each with its table, record and reason — without ever crashing or writing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from courtdesk import cli
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import audit, demo
from courtdesk.kernel.db import open_database
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import ADMIN
from courtdesk.kernel.people import PeopleService
from courtdesk.kernel.settings import SettingsService
from tests.areas.seals.test_seal_use import request

ROOT = Path(__file__).resolve().parents[2]


def verify(db_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["verify-audit", "--db", str(db_path)])
    return code, capsys.readouterr().out


def one(db_path: Path, sql: str) -> int:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return int(row[0])


def raw(db_path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, params)
    conn.close()


def an_attachment(db, users, db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT min(id) FROM attachment").fetchone()
    conn.close()
    if row[0] is not None:
        return int(row[0])
    from courtdesk.kernel import attachments

    with db.write(users["admin"]) as s:
        return attachments.add(s, users["admin"], "user_account", users["admin"].id, "scan.png", demo.tiny_png()).id


# --- what the app writes gets an entry -----------------------------------------------------------

def test_numbers_workflow_steps_settings_users_roles_and_login_failures_are_all_audited(db, users, db_path,
                                                                                          capsys):
    with db.read() as s:
        start = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    use = request(db, users)  # takes a number from the counter
    SealService(db).act(users["office_head"], use.id, "approve", "同意")  # a workflow step
    SettingsService(db).save(users["admin"], {"phone": "0316-1234567"})
    created = PeopleService(db).create_user(users["admin"], username="newclerk", name="新文员",
                                            password="Temp#2026abc", roles=[ADMIN])
    PeopleService(db).set_roles(users["admin"], created.id, [])
    with pytest.raises(DomainError):
        PeopleService(db).login("clerk", "wrong-password")

    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.id > start)).all()
    touched = {e.entity for e in entries}
    assert {"counter", "workflow_step", "setting", "user_account", "user_role", "login_throttle"} <= touched
    step = next(e for e in entries if e.entity == "workflow_step")
    assert json.loads(step.after)["comment"] == "同意" and step.user_name == "李强"
    counter = next(e for e in entries if e.entity == "counter")
    assert json.loads(counter.after)["last"] == json.loads(counter.before)["last"] + 1
    code, out = verify(db_path, capsys)
    assert code == 0, out
    assert out.startswith("audit ok:")


# --- every tampering is named --------------------------------------------------------------------

def test_each_change_behind_the_apps_back_is_named_in_one_report(db, users, db_path, capsys):
    att = an_attachment(db, users, db_path)
    edited_step = one(db_path, "SELECT min(id) FROM workflow_step")
    deleted_step = one(db_path, "SELECT max(id) FROM workflow_step")
    counter = one(db_path, "SELECT min(id) FROM counter")
    dated = one(db_path, "SELECT min(id) FROM enforcement_case")
    timed = one(db_path, "SELECT min(id) FROM seal_use")

    raw(db_path, "UPDATE workflow_step SET comment='同意（补签）', actor_name='某人' WHERE id=?", edited_step)
    raw(db_path, "DELETE FROM workflow_step WHERE id=?", deleted_step)
    raw(db_path, "UPDATE counter SET last=last-1 WHERE id=?", counter)
    raw(db_path, "UPDATE attachment SET data=? WHERE id=?", b"%PDF-1.4 another document", att)
    raw(db_path, "UPDATE enforcement_case SET filed_on='not-a-date' WHERE id=?", dated)
    raw(db_path, "UPDATE seal_use SET requested_at='yesterday-ish' WHERE id=?", timed)
    raw(db_path, "DELETE FROM audit_head")

    code, out = verify(db_path, capsys)
    assert code == 1
    assert f"办理经过（workflow_step）第 {edited_step} 号记录：当前内容与最后一次留痕不符" in out
    assert f"办理经过（workflow_step）第 {deleted_step} 号记录：已不存在" in out
    assert f"编号计数器（counter）第 {counter} 号记录：当前内容与最后一次留痕不符" in out
    assert f"附件（attachment）第 {att} 号记录：存储的文件内容与登记的 SHA-256 不符" in out
    assert f"（enforcement_case）第 {dated} 号记录：数据格式错误（字段 filed_on 的值 'not-a-date'" in out
    assert f"（seal_use）第 {timed} 号记录：数据格式错误（字段 requested_at" in out
    assert "链头登记缺失（audit_head 被删除）" in out
    assert "Traceback" not in out
    assert "共 7 处问题" in out


@pytest.mark.parametrize("tamper, named", [
    ("UPDATE workflow_step SET comment='不同意' WHERE id=(SELECT min(id) FROM workflow_step)",
     "（workflow_step）第"),
    ("DELETE FROM workflow_step WHERE id=(SELECT max(id) FROM workflow_step)", "已不存在"),
    ("UPDATE counter SET last=last+5 WHERE id=(SELECT max(id) FROM counter)", "（counter）第"),
    ("UPDATE attachment SET sha256='" + "0" * 64 + "' WHERE id=(SELECT min(id) FROM attachment)",
     "（attachment）第"),
    ("DELETE FROM audit_head", "链头登记缺失"),
    ("DELETE FROM audit_entry WHERE id=(SELECT max(id) FROM audit_entry)", "链尾记录缺失或被改动"),
    ("UPDATE audit_entry SET at='garbage' WHERE id=7", "第 7 号记录：数据格式错误（字段 at"),
    ("UPDATE workflow_step SET at='31/12/2026' WHERE id=(SELECT min(id) FROM workflow_step)", "数据格式错误"),
])
def test_a_single_change_alone_fails_verification(db_path, capsys, tamper, named):
    raw(db_path, tamper)
    code, out = verify(db_path, capsys)
    assert code == 1, out
    assert named in out


def test_a_swapped_attachment_is_found_even_with_a_matching_size(db, users, db_path, capsys):
    att = an_attachment(db, users, db_path)
    with sqlite3.connect(db_path) as conn:
        data = conn.execute("SELECT data FROM attachment WHERE id=?", (att,)).fetchone()[0]
        forged = bytes(data[:-1]) + bytes([data[-1] ^ 1])
        conn.execute("UPDATE attachment SET data=? WHERE id=?", (forged, att))
    conn.close()
    assert hashlib.sha256(forged).hexdigest() != hashlib.sha256(data).hexdigest()
    code, out = verify(db_path, capsys)
    assert code == 1 and f"第 {att} 号记录：存储的文件内容与登记的 SHA-256 不符" in out


# --- the report itself ---------------------------------------------------------------------------

def test_verify_reports_problems_as_records_with_progress_and_reads_only(db, db_path):
    raw(db_path, "UPDATE counter SET last=0 WHERE id=(SELECT min(id) FROM counter)")
    raw(db_path, "DELETE FROM audit_entry WHERE id=30")
    seen: list[tuple[int, int]] = []
    before = db_path.read_bytes()
    with db.engine.connect() as conn:
        report = audit.verify(conn, progress=lambda done, total: seen.append((done, total)))
        conn.rollback()
    assert not report.ok
    kinds = {(p.table, p.record_id) for p in report.problems}
    assert ("audit_entry", 31) in kinds
    assert any(table == "counter" for table, _ in kinds)
    assert str(next(p for p in report.problems if p.table == "audit_entry")).startswith("留痕记录（audit_entry）第 31 号")
    assert seen and seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert report.first_broken == 31  # older callers' view still works
    assert db_path.read_bytes() == before


def test_an_upgrade_takes_in_existing_steps_and_counters(db_path, capsys):
    """A database from before workflow steps and counters were audited: the upgrade records their
    state as ``migrate`` entries, so verification passes — and later edits are still found."""
    later = sorted(_tables(db_path) - _tables(_database_at(db_path.parent / "at-0005.sqlite3", "0005")))
    with sqlite3.connect(db_path) as conn:
        # A 0005 database had none of the tables later revisions made (whichever areas made them):
        # drop them and their entries, so the upgrade creates them again.
        for table in later:
            conn.execute(f"DROP TABLE {table}")
        for column in ("key_id", "signature", "legacy"):  # nor were entries signed then
            conn.execute(f"ALTER TABLE audit_entry DROP COLUMN {column}")
        # Rebuild the chain without the entries of the two tables, as a 0005 database had it.
        marks = ",".join("?" * len(later))
        rows = conn.execute("SELECT id, at, user_id, user_name, action, entity, entity_id, before, after, comment"
                            " FROM audit_entry WHERE entity NOT IN ('workflow_step', 'counter')"
                            f" AND entity NOT IN ({marks}) ORDER BY id", later).fetchall()
        conn.execute("DELETE FROM audit_entry")
        prev = audit.GENESIS
        for new_id, row in enumerate(rows, 1):
            fields = dict(zip(["at", "user_id", "user_name", "action", "entity", "entity_id", "before", "after",
                               "comment"], row[1:], strict=True))
            stored_at = fields["at"]
            fields["at"] = _iso(stored_at)
            digest = audit.entry_hash(prev, fields)
            conn.execute("INSERT INTO audit_entry (id, at, user_id, user_name, action, entity, entity_id, before,"
                         " after, comment, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         (new_id, stored_at, *row[2:], prev, digest))
            prev = digest
        conn.execute("UPDATE audit_head SET last_id=?, last_hash=?", (len(rows), prev))
        # one row per branch head, however many areas are installed: a 0005 database had one
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version (version_num) VALUES ('0005')")
    conn.close()
    db = open_database(str(db_path))  # upgrades to 0006 and on
    with db.read() as s:
        adopted = s.scalars(select(AuditEntry.entity).where(AuditEntry.action == "migrate")).all()
        legacy = s.scalars(select(AuditEntry.legacy).where(AuditEntry.id <= len(rows))).all()
    db.dispose()
    assert {"workflow_step", "counter"} <= set(adopted)
    assert legacy == [True] * len(rows)  # 「签名前的留痕」, signed by the installation key at the upgrade
    code, out = verify(db_path, capsys)
    assert code == 0, out
    raw(db_path, "UPDATE workflow_step SET comment='改过' WHERE id=(SELECT min(id) FROM workflow_step)")
    assert verify(db_path, capsys)[0] == 1


def _database_at(path: Path, revision: str) -> Path:
    from alembic import command

    from courtdesk.kernel.db import Database, migrate

    db = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    db.dispose()
    return path


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    return names - {"alembic_version"}


def _iso(stored: str) -> str:
    import datetime as dt

    return dt.datetime.fromisoformat(stored).isoformat()


# --- read-only, no traceback ---------------------------------------------------------------------

@pytest.mark.parametrize("command", ["verify-audit", "checkpoint"])
def test_a_mistyped_database_path_creates_nothing_and_says_so(tmp_path, command):
    missing = tmp_path / "no-such-folder" / "court.sqlite3"
    extra = ["--out", str(tmp_path / "cp.json")] if command == "checkpoint" else []
    result = subprocess.run([sys.executable, "-m", "courtdesk", command, "--db", str(missing), *extra], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "不存在" in result.stderr and "Traceback" not in result.stderr
    assert not missing.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_no_database_is_refused(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    assert cli.main(["verify-audit", "--db", str(notes)]) == 2
    assert "不是 SQLite 数据库文件" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "hello"
