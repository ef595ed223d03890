"""A database from before migration 0008 (batches typed as text on each claim, no monthly summary) is
upgraded keeping what it held: each batch becomes a record under its old number, the claims point at
it, the batch counter goes on after it, and the monthly summary holds what the bureau had reimbursed."""

from __future__ import annotations

import sqlite3

from alembic import command
from sqlalchemy import select

from courtdesk.areas.finance.models import Batch, ExpenseClaim, MonthTotal
from courtdesk.kernel import area, audit
from courtdesk.kernel.db import Database, migrate, open_database
from courtdesk.kernel.models.infra import Counter

area.discover()

NOW = "2026-06-01 09:00:00"


def _claim(conn: sqlite3.Connection, cid: int, batch: str, sent: str | None, reimbursed: str | None,
           lines: list[tuple[str, int]]) -> None:
    conn.execute(
        "INSERT INTO finance_claim (id, year, serial, number, status, kind, applicant_id, department_id, purpose,"
        " travellers, places, transport, total_fen, receipt_count, content_digest, filed_at, reject_reason,"
        " reject_text, batch_number, sent_on, reimbursed_on, bureau_return, pay_method, version, created_at,"
        " updated_at) VALUES (?, 2026, ?, ?, ?, 'general', 1, 1, '购买耗材', '', '', '', ?, 0, '', ?, '', '', ?, ?,"
        " ?, '', '', 1, ?, ?)",
        (cid, cid, f"(2026)报{cid:04d}号", "reimbursed" if reimbursed else "batched" if sent else "registered",
         sum(a for _, a in lines), NOW, batch, sent, reimbursed, NOW, NOW))
    for position, (category, amount) in enumerate(lines, 1):
        conn.execute("INSERT INTO finance_claim_line (claim_id, position, category, description, amount_fen,"
                     " version, created_at, updated_at) VALUES (?, ?, ?, '', ?, 1, ?, ?)",
                     (cid, position, category, amount, NOW, NOW))


def test_batches_typed_on_claims_become_records_and_the_summary_is_filled(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = Database(f"sqlite:///{path}")
    cfg = migrate.alembic_config()
    with old.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.commit()
    old.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO department (id, name, kind, active, version, created_at, updated_at)"
                     " VALUES (1, '财务室', 'office', 1, 1, ?, ?)", (NOW, NOW))
        conn.execute("INSERT INTO user_account (id, username, name, title, department_id, phone, wechat,"
                     " password_hash, must_change_password, active, version, created_at, updated_at)"
                     " VALUES (1, 'finance', '孙丽', '会计', 1, '', '', 'x', 0, 1, 1, ?, ?)", (NOW, NOW))
        _claim(conn, 1, "2026-05 第1批", "2026-05-10", "2026-05-20", [("办公费", 46000), ("印刷费", 12000)])
        _claim(conn, 2, "2026-05 第1批", "2026-05-10", "2026-05-21", [("办公费", 10000)])
        _claim(conn, 3, "2026-05 第2批", "2026-05-28", None, [("邮电费", 2600)])
        _claim(conn, 4, "", None, None, [("办公费", 500)])

    db = open_database(str(path))  # backs the file up and upgrades it to the newest schema
    with db.read() as s:
        batches = {b.number: b for b in s.scalars(select(Batch))}
        assert sorted(batches) == ["2026-05 第1批", "2026-05 第2批"]
        claims = {c.id: c for c in s.scalars(select(ExpenseClaim))}
        assert claims[1].batch_id == claims[2].batch_id == batches["2026-05 第1批"].id
        assert claims[3].batch_id == batches["2026-05 第2批"].id and claims[4].batch_id is None
        assert str(batches["2026-05 第1批"].sent_on) == "2026-05-10"
        totals = {(t.month, t.category): (t.claim_count, t.line_count, t.amount_fen)
                  for t in s.scalars(select(MonthTotal))}
        assert totals == {("2026-05", "办公费"): (2, 2, 56000), ("2026-05", "印刷费"): (1, 1, 12000)}
        # the next batch is numbered after the two carried over (numbering reads this counter)
        counter = s.scalars(select(Counter).where(Counter.register == "finance_batch", Counter.year == 2026)).one()
        assert counter.last == 2
        assert batches["2026-05 第1批"].sender_id == 1  # no checker recorded: the applicant stands in
    with db.engine.connect() as conn:
        problems = audit.verify(conn).problems
    # the rows typed in above bypassed the app; what the upgrade itself wrote is in the chain
    assert not [p for p in problems if p.table in ("finance_batch", "finance_month_total", "counter")], problems
    db.dispose()
