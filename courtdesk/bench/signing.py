"""Signed audit entries: what a signature costs a write, and how fast ``verify-audit`` checks them.

- ``write_*``: a typical write — a seal request filed through :class:`SealService` (the record, its
  yearly counter and its workflow step: three entries, two signatures) — timed with the signature
  and, interleaved, with the signer switched off (``signing.signer_for`` answering None: no key
  lookup, no signature, nothing else changed). ``signing_overhead_pct`` = the medians' difference
  relative to the unsigned write (target ≤ 10 %). ``sign_us``: one Ed25519 signature alone.
- ``verify_*``: :func:`courtdesk.kernel.audit.verify` over the demo chain plus ``writes`` separate
  writes by people (one signature per write: the realistic worst case, no bulk runs), entries and
  signatures per second (target ≥ 20,000 entries/s), and ``check_us``: one Ed25519 verification alone;
  ``bulk_*``: the same over a chain filled in batches (one signature per batch).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def bench_signing(runs: int = 200, bulk_rows: int = 20_000) -> dict[str, Any]:
    from sqlalchemy import func, select

    from courtdesk.areas.seals.models import Seal
    from courtdesk.areas.seals.service import SealService
    from courtdesk.kernel import area, audit, demo, signing
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.models.infra import AuditEntry

    area.discover()
    with tempfile.TemporaryDirectory(prefix="courtdesk-bench-") as tmp:
        db = open_database(str(Path(tmp) / "signing.sqlite3"))
        ctx = demo.fill(db)
        judge = ctx.users["judge"]
        with db.read() as s:
            seal = s.scalars(select(Seal.id).where(Seal.kind == "office")).first()
        service = SealService(db)

        def write() -> float:
            started = time.perf_counter()
            service.file(judge, {"seal_id": seal, "title": "关于报送统计报表的函", "copies": 2, "impressions": 2,
                                 "purpose": "报送上级法院"})
            return (time.perf_counter() - started) * 1e6

        # A chain of separate writes by people for the verification rate: each its own signature.
        people = [ctx.users[k] for k in ("judge", "clerk", "finance", "itops")]
        from courtdesk.kernel.people import PeopleService

        profiles = PeopleService(db)
        for i in range(2000):
            who = people[i % len(people)]
            profiles.update_profile(who, who.id, phone=f"0316-60{i:05d}")
        with db.engine.connect() as conn:
            entries = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
            signatures = conn.execute(select(func.count(func.distinct(AuditEntry.signature)))).scalar_one()
            times = []
            for _ in range(3):
                started = time.perf_counter()
                report = audit.verify(conn)
                times.append(time.perf_counter() - started)
            chain_started = time.perf_counter()
            chain_report = audit.VerifyReport()
            audit._verify_chain(conn, chain_report, lambda _n: None, None)
            chain_s = time.perf_counter() - chain_started
        # Then the writes, signed and not (the chain is not verified after this).
        real = signing.signer_for
        signed: list[float] = []
        unsigned: list[float] = []
        for _ in range(10):  # warm-up
            write()
        for _ in range(runs):
            signed.append(write())
            signing.signer_for = lambda *a, **k: None  # type: ignore[assignment]
            try:
                unsigned.append(write())
            finally:
                signing.signer_for = real  # type: ignore[assignment]
        private = signing.new_private()
        digest = "ab" * 32
        started = time.perf_counter()
        for _ in range(2000):
            signature = signing.sign(private, digest)
        sign_us = (time.perf_counter() - started) / 2000 * 1e6
        public = private.public_key()
        started = time.perf_counter()
        for _ in range(2000):
            signing.check(public, signature, digest)
        check_us = (time.perf_counter() - started) / 2000 * 1e6

        db.dispose()
        # A bulk-filled chain (demo data plus 20,000 seal-use records written in batches).
        bulk = open_database(str(Path(tmp) / "bulk.sqlite3"))
        demo.fill(bulk, rows=bulk_rows, only=("seal_use",))
        with bulk.engine.connect() as conn:
            bulk_entries = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
            bulk_signatures = conn.execute(select(func.count(func.distinct(AuditEntry.signature)))).scalar_one()
            started = time.perf_counter()
            bulk_report = audit.verify(conn)
            bulk_s = time.perf_counter() - started
        bulk.dispose()
    verify_s = statistics.median(times)
    write_signed, write_unsigned = statistics.median(signed), statistics.median(unsigned)
    return {
        "runs": runs,
        "write_signed_us": round(write_signed),
        "write_unsigned_us": round(write_unsigned),
        "signing_overhead_us": round(write_signed - write_unsigned),
        "signing_overhead_pct": round((write_signed - write_unsigned) / write_unsigned * 100, 1),
        "sign_us": round(sign_us, 1),
        "check_us": round(check_us, 1),
        "verify_entries": entries,
        "verify_signatures": signatures,
        "verify_ok": report.ok and chain_report.ok,
        "verify_s": round(verify_s, 3),
        "verify_entries_per_s": round(entries / verify_s),
        "verify_chain_only_entries_per_s": round(entries / chain_s),
        "bulk_entries": bulk_entries,
        "bulk_signatures": bulk_signatures,
        "bulk_verify_ok": bulk_report.ok,
        "bulk_verify_entries_per_s": round(bulk_entries / bulk_s),
        "method": "seal request (3 entries) signed vs signer off, interleaved medians; verify: demo chain + "
                  "2,000 single-entry writes by 4 people, whole verify (chain + every table), median of 3; "
                  "bulk: demo + 20,000 seal uses filled in batches, whole verify once",
    }
