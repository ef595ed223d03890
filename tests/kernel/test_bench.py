"""``bench registers --register KEY``: only the bulk fillers of the named registers run, and each
register is measured as its user sees it (numbers are reported, never asserted: timings are not tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from courtdesk.areas.finance.demo import bulk_finance
from courtdesk.areas.finance.models import Batch, ExpenseClaim, ExpenseLine, ExpenseReceipt, MonthTotal
from courtdesk.bench import _bench_register, register_keys
from courtdesk.cli import build_parser
from courtdesk.kernel import audit, demo
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.models.people import User

KEYS = {"user", "count", "count_ms", "first_rows_ms", "ids_ms", "first_page_ms", "deep_page_ms",
        "offset_deep_page_ms", "sorted_by", "sorted_ids_ms", "sorted_page_ms", "search_count_ms", "search_ids_ms",
        "search_page_ms", "export_rows", "export_s"}


def test_register_option_takes_repeats_and_comma_lists() -> None:
    args = build_parser().parse_args(["bench", "registers", "--register", "finance_claim, finance_batch",
                                      "--register", "finance_claim", "--rows", "300"])
    assert register_keys(args.register) == ("finance_claim", "finance_batch")
    assert register_keys(build_parser().parse_args(["bench", "registers"]).register) == ("seal_use",)


def test_only_the_fillers_of_the_named_registers_run() -> None:
    assert demo.bulk_fillers(["finance_claim", "finance_month_total"]) == [bulk_finance]
    assert bulk_finance not in demo.bulk_fillers(["seal_use"])
    with pytest.raises(ValueError, match="no_such_register"):
        demo.bulk_fillers(["no_such_register"])


def test_finance_bulk_claims_are_measured_and_keep_the_audit_valid(db: Database, users: dict[str, User],
                                                                   tmp_path: Path) -> None:
    with db.read() as s:
        before = s.scalar(select(func.count(ExpenseClaim.id)))
        summed_before = s.scalar(select(func.sum(MonthTotal.amount_fen))) or 0
    bulk_finance(demo.DemoContext(db, users=dict(users)), 300)
    with db.read() as s:
        assert s.scalar(select(func.count(ExpenseClaim.id))) == before + 300
        lines = s.scalar(select(func.count(ExpenseLine.id)).where(ExpenseLine.claim_id > before))
        assert 2 * 300 <= lines <= 4 * 300
        assert s.scalar(select(func.count(ExpenseReceipt.id)).where(ExpenseReceipt.claim_id > before)) >= 2 * 300
        assert s.scalar(select(func.count(Batch.id))) > 10
        states = set(s.scalars(select(ExpenseClaim.status).where(ExpenseClaim.id > before).distinct()))
        assert {"signed", "submitted", "batched", "reimbursed", "draft"} <= states
        # The monthly summary holds every reimbursed bulk line, as the reimbursement step adds them.
        reimbursed = s.scalar(select(func.sum(ExpenseLine.amount_fen)).join(ExpenseClaim)
                              .where(ExpenseClaim.id > before, ExpenseClaim.reimbursed_on.is_not(None)))
        assert s.scalar(select(func.sum(MonthTotal.amount_fen))) == summed_before + reimbursed
    with db.engine.connect() as conn:
        assert audit.verify(conn).ok
    result = _bench_register(db, demo.DemoContext(db, users=dict(users)), "finance_claim", str(tmp_path))
    assert KEYS <= set(result)
    assert result["user"] == "finance"
    assert result["count"] >= 300 and result["export_rows"] == result["count"]
