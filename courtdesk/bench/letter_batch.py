"""Benchmark of the investigation-letter batch: N letters for one case into one PDF.

``bench_batch(n, out)`` makes a throw-away database (one demo-like case, N recipient units) unless
``db`` is given, runs :func:`generate_batch` and returns timings. Peak memory is only meaningful in a
fresh process: ``python -m courtdesk.bench.letter_batch 1000 /tmp/letters.pdf`` prints the
result as JSON including the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from courtdesk.areas.enforcement.models import RecipientUnit
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.bench.memory import peak_rss_mb
from courtdesk.kernel import clock
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.models.people import Department, User, UserRole
from courtdesk.kernel.validation import id_check_digit

_BENCH_ID = "13100219880315123" + id_check_digit("13100219880315123")


def _setup(db: Database, units: int) -> tuple[User, int, list[int]]:
    """One enforcement officer, clerk and case, and ``units`` recipient units."""
    from courtdesk.areas.enforcement.cases import CaseService
    from courtdesk.kernel.people import hash_password

    with db.write() as s:
        officer = s.scalar(select(User).where(User.username == "bench_officer"))
        if officer is None:
            dept = Department(name="执行局（测试）", kind="enforcement")
            s.add(dept)
            s.flush()
            hashed = hash_password("Bench2026")
            for username, name, phone, wechat in (("bench_officer", "黄磊", "13803160051", "hl_zxj"),
                                                  ("bench_clerk", "何佳", "13803160052", "")):
                user = User(username=username, name=name, title="执行员", department_id=dept.id, phone=phone,
                            wechat=wechat, password_hash=hashed)
                user.role_rows = [UserRole(role=ENFORCEMENT.value)]
                s.add(user)
            s.flush()
            officer = s.scalar(select(User).where(User.username == "bench_officer"))
        clerk = s.scalar(select(User).where(User.username == "bench_clerk"))
        assert officer is not None and clerk is not None
        _ = officer.roles
        existing = {name for name in s.scalars(select(RecipientUnit.name))}
        s.add_all(RecipientUnit(name=f"测试单位{i:05d}（廊坊经济技术开发区）", kind="other", sort=i)
                  for i in range(1, units + 1) if f"测试单位{i:05d}（廊坊经济技术开发区）" not in existing)
    today = clock.today()
    seq = int(time.time()) % 900000 + 1
    case = CaseService(db).create(officer, {
        "number": f"({today.year})冀1091执{seq}号", "filed_on": today, "cause": "民间借贷纠纷",
        "officer_id": officer.id, "clerk_id": clerk.id,
        "applicants": [{"name": "廊坊市恒达建材有限公司", "kind": "organisation"}],
        "respondents": [{"name": "赵喆", "id_number": _BENCH_ID,
                         "domicile": "河北省廊坊市经济技术开发区云鹏道88号3号楼2单元501室"}],
    })
    with db.read() as s:
        ids = list(s.scalars(select(RecipientUnit.id).where(RecipientUnit.name.like("测试单位%"))
                             .order_by(RecipientUnit.id).limit(units)))
    return officer, case.id, ids


def bench_batch(n_letters: int, out_path: str | os.PathLike[str], *, db: Database | None = None) -> dict[str, Any]:
    """Generate ``n_letters`` letters for one case into ONE PDF at ``out_path``; return timings."""
    from courtdesk.areas.enforcement.letters import generate_batch

    tmp: tempfile.TemporaryDirectory[str] | None = None
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="courtdesk-bench-")
        db = open_database(str(Path(tmp.name) / "bench.sqlite3"))
    try:
        started = time.perf_counter()
        officer, case_id, unit_ids = _setup(db, n_letters)
        setup = time.perf_counter() - started
        done: list[int] = []
        outcome = generate_batch(db, officer, case_id, unit_ids, out_path,
                                 progress=lambda d, total: done.append(d))
        size = Path(out_path).stat().st_size
        return {
            "letters": len(outcome.letter_ids),
            "pages": outcome.pages,
            "seconds_setup": round(setup, 3),
            "seconds_register": round(outcome.seconds_register, 3),
            "seconds_pdf": round(outcome.seconds_pdf, 3),
            "seconds_total": round(outcome.seconds_register + outcome.seconds_pdf, 3),
            "letters_per_second": round(len(outcome.letter_ids) / max(outcome.seconds_pdf, 1e-9), 1),
            "pdf_bytes": size,
            "progress_calls": len(done),
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        if tmp is not None:
            db.dispose()
            tmp.cleanup()


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = sys.argv[2] if len(sys.argv) > 2 else str(Path(tempfile.gettempdir()) / "courtdesk-letters.pdf")
    print(json.dumps(bench_batch(count, target), ensure_ascii=False))
