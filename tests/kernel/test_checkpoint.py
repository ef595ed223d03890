"""Checkpoints of the audit chain kept outside the database: a rewrite of history older than a
checkpoint — even one that recomputes every hash — is caught."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from courtdesk import cli
from courtdesk.kernel import audit, checkpoint, clock
from courtdesk.kernel.db.backup import backup_sqlite, checkpoint_path
from courtdesk.kernel.settings import SettingsService

FIELDS = ["at", "user_id", "user_name", "action", "entity", "entity_id", "before", "after", "comment"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def rewrite_history(db_path: Path, table: str, row_id: int, column: str, value: object) -> None:
    """What a careful forger does: edit a row, patch its last audit entry to match, and recompute
    every hash of the chain from there on (and the head), so the chain verifies again."""
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"UPDATE {table} SET {column}=? WHERE id=?", (value, row_id))
        entry_id, after = conn.execute("SELECT id, after FROM audit_entry WHERE entity=? AND entity_id=?"
                                       " ORDER BY id DESC LIMIT 1", (table, row_id)).fetchone()
        snapshot = json.loads(after)
        snapshot[column] = value
        conn.execute("UPDATE audit_entry SET after=? WHERE id=?", (audit.canonical_json(snapshot), entry_id))
        prev = audit.GENESIS
        last_id = 0
        for row in conn.execute("SELECT id, " + ", ".join(f'"{f}"' for f in FIELDS)
                                + " FROM audit_entry ORDER BY id").fetchall():
            fields = dict(zip(FIELDS, row[1:], strict=True))
            fields["at"] = dt.datetime.fromisoformat(fields["at"]).isoformat()
            digest = audit.entry_hash(prev, fields)
            conn.execute("UPDATE audit_entry SET prev_hash=?, hash=? WHERE id=?", (prev, digest, row[0]))
            prev, last_id = digest, row[0]
        conn.execute("UPDATE audit_head SET last_id=?, last_hash=?", (last_id, prev))
    conn.close()


def test_a_recomputed_chain_fails_its_signatures_and_the_checkpoint(db, users, db_path, tmp_path, capsys):
    cp_file = tmp_path / "elsewhere" / "cp.json"
    code, out = run(capsys, "checkpoint", "--db", str(db_path), "--out", str(cp_file))
    assert code == 0, out
    cp = json.loads(cp_file.read_text(encoding="utf-8"))
    assert cp["length"] > 0 and len(cp["head_hash"]) == 64 and cp["written_at"] and cp["db"]

    # Work goes on after the checkpoint: the chain grows, and a checkpoint still matches.
    SettingsService(db).save(users["admin"], {"phone": "0316-7654321"})
    code, out = run(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(cp_file))
    assert code == 0, out

    with sqlite3.connect(db_path) as conn:
        step = conn.execute("SELECT min(id) FROM workflow_step").fetchone()[0]
    conn.close()
    rewrite_history(db_path, "workflow_step", step, "comment", "不同意")

    code, out = run(capsys, "verify-audit", "--db", str(db_path))
    # Every hash agrees with the rewrite; the signatures of the people who wrote after it do not.
    assert code == 1 and "签名无效" in out, out
    assert "内容与其哈希不符" not in out and "链接断开" not in out

    code, out = run(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(cp_file))
    assert code == 1
    assert f"与检查点不符：检查点（{cp['written_at']}）登记第 {cp['length']} 条留痕的哈希为 {cp['head_hash'][:12]}" in out


def test_a_truncated_chain_fails_the_checkpoint(db_path, tmp_path, capsys):
    cp_file = tmp_path / "cp.json"
    assert run(capsys, "checkpoint", "--db", str(db_path), "--out", str(cp_file))[0] == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_entry WHERE id > (SELECT max(id) - 3 FROM audit_entry)")
    conn.close()
    code, out = run(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(cp_file))
    assert code == 1 and "数据库中只有" in out


def test_a_checkpoint_file_that_is_not_one_is_refused(db_path, tmp_path, capsys):
    bogus = tmp_path / "cp.json"
    bogus.write_text("{}", encoding="utf-8")
    code, out = run(capsys, "verify-audit", "--db", str(db_path), "--checkpoint", str(bogus))
    assert code == 2 and "不是 CourtDesk 留痕检查点" in out


def test_every_backup_carries_a_checkpoint_that_verifies_it(db, db_path, tmp_path, capsys):
    out = backup_sqlite(db, tmp_path / "backups" / "court-backup.sqlite3")
    cp_file = checkpoint_path(out)
    assert cp_file.name == "court-backup.sqlite3.checkpoint.json" and cp_file.is_file()
    with db.engine.connect() as conn:
        now = checkpoint.take(conn)
    cp = checkpoint.read(cp_file)
    assert (cp.length, cp.head_hash) == (now.length, now.head_hash)
    code, text = run(capsys, "verify-audit", "--db", str(out), "--checkpoint", str(cp_file))
    assert code == 0, text


def test_daily_checkpoint_once_a_day_into_the_configured_folder(db, users, tmp_path):
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    default = checkpoint.daily(db)
    assert default == db.path.parent / "checkpoints" / "courtdesk-checkpoint-2026-12-01.json"
    assert checkpoint.daily(db) is None  # one a day

    elsewhere = tmp_path / "other-drive" / "court"
    SettingsService(db).save(users["admin"], {"checkpoint_dir": str(elsewhere)})
    written = checkpoint.daily(db)
    assert written == elsewhere / "courtdesk-checkpoint-2026-12-01.json"
    clock.set_now(dt.datetime(2026, 12, 2, 8, 0))
    assert checkpoint.daily(db) == elsewhere / "courtdesk-checkpoint-2026-12-02.json"

    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    SettingsService(db).save(users["admin"], {"checkpoint_dir": str(blocked / "sub")})
    with pytest.raises(OSError):
        checkpoint.daily(db)
    assert checkpoint.daily_or_log(db) is None  # start-up goes on


def test_the_printed_register_carries_the_chain_length_and_a_short_hash(db, users):
    from courtdesk.kernel import printing
    from courtdesk.kernel.registers import RegisterQuery, all_registers

    spec = next(r for r in all_registers() if r.can_open(users["admin"]))
    with db.read() as s:
        doc = printing.register_document(s, users["admin"], RegisterQuery(spec))
        now = checkpoint.take(s.connection())
    assert f"留痕 {now.length} 条" in doc.footer and now.head_hash[:12] in doc.footer
    assert "第 {page} 页" in doc.footer
