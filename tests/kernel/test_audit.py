"""Audit trail (全程留痕): every change logged with before/after; tampering is found."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from sqlalchemy import select

from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import audit
from courtdesk.kernel.models.infra import AuditEntry
from tests.areas.seals.test_seal_use import request


def verify_cli(db_path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "courtdesk", "verify-audit", "--db", str(db_path)],
                          check=False, capture_output=True, text=True, timeout=120)


def test_every_step_is_logged_with_user_and_before_after(db, users):
    use = request(db, users)
    SealService(db).act(users["office_head"], use.id, "approve", "同意")
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "seal_use",
                                                     AuditEntry.entity_id == use.id).order_by(AuditEntry.id)).all()
    assert [(e.action, e.user_name) for e in entries] == [("create", "郑洁"), ("approve", "李强")]
    assert entries[1].comment == "同意"
    before, after = json.loads(entries[1].before), json.loads(entries[1].after)
    assert (before["status"], after["status"]) == ("submitted", "approved")
    assert after["approver_id"] == users["office_head"].id


def test_passwords_never_reach_the_audit_log(db):
    with db.read() as s:
        texts = [e.after or "" for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "user_account"))]
    assert texts and all("$argon2" not in t for t in texts)


def test_intact_database_verifies(db, db_path):
    result = verify_cli(db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with db.read() as s:
        n = len(s.scalars(select(AuditEntry.id)).all())
    assert result.stdout.strip() == f"audit ok: {n} entries"


def test_edited_audit_entry_is_named(db, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_entry SET user_name='某人' WHERE id=40")
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert "audit BROKEN at entry 40" in result.stdout


def test_edited_entry_with_recomputed_hash_is_caught_at_the_next_link(db, db_path):
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT prev_hash, at, user_id, user_name, action, entity, entity_id, before, after,"
                           " comment FROM audit_entry WHERE id=40").fetchone()
        fields = dict(zip(["at", "user_id", "user_name", "action", "entity", "entity_id", "before", "after",
                           "comment"], row[1:], strict=True))
        fields["user_name"] = "某人"
        fields["at"] = fields["at"].replace(" ", "T").split(".")[0]
        conn.execute("UPDATE audit_entry SET user_name='某人', hash=? WHERE id=40",
                     (audit.entry_hash(row[0], fields),))
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert "audit BROKEN at entry 41" in result.stdout


def test_deleted_audit_entry_is_named(db, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_entry WHERE id=57")
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert "audit BROKEN at entry 58" in result.stdout


def test_deleted_last_audit_entry_is_found(db, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_entry WHERE id=(SELECT max(id) FROM audit_entry)")
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert "链尾" in result.stdout


def test_register_row_edited_by_raw_sql_is_reported(db, db_path, users):
    use = request(db, users)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE seal_use SET copies=99 WHERE id=?", (use.id,))
        conn.execute("INSERT INTO department (name, kind, active, version, created_at, updated_at)"
                     " VALUES ('影子部门', 'business', 1, 1, '2026-01-01', '2026-01-01')")
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert f"第 {use.id} 号记录：当前内容与最后一次留痕不符" in result.stdout
    assert "没有留痕记录" in result.stdout  # the row inserted behind the app's back
    assert "audit BROKEN" not in result.stdout  # the chain itself is intact


def test_register_row_deleted_by_raw_sql_is_reported(db, db_path, users):
    use = request(db, users)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM seal_use WHERE id=?", (use.id,))
    result = verify_cli(db_path)
    assert result.returncode == 1
    assert f"第 {use.id} 号记录：已不存在" in result.stdout
