"""``python -m courtdesk bench WHAT`` — measurements printed as one JSON object.

Benchmarks live here, never in tests: a test asserts behaviour, a benchmark reports numbers.
- ``startup``: the app to its main window vs a bare PySide6 QMainWindow, fresh processes, medians.
- ``documents``: per-document DOCX/PDF time (and LibreOffice's DOCX→PDF for comparison when
  installed); with ``--letters N`` a batch of N investigation letters streamed into one PDF.
- ``login``: the time of PeopleService.login for a right password, a wrong one, an unknown name
  and a deactivated account (a refusal's time must not tell whether the account exists).
- ``registers``: a register of ``--rows`` rows: the first 200 rows a new view shows at once
  (``first_rows_ms``, LIMIT), the ordered id list read meanwhile (``ids_ms``), the first page and
  a page near the end read by id (``first_page_ms``/``deep_page_ms``, medians of 5; the former
  OFFSET read of the deep page as ``offset_deep_page_ms``), count, sort, search, export, verify.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float | None:
    """This process's own peak resident memory in MB.

    Linux: ``VmHWM`` from /proc/self/status. ``getrusage``'s ``ru_maxrss`` is not used there because
    Linux keeps it across ``execve``, so a child started by a big parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1)


def run(what: str, args: argparse.Namespace) -> dict[str, Any]:
    if what == "startup":
        from courtdesk.bench.startup import bench_startup

        return bench_startup(runs=args.runs)
    if what == "documents":
        return bench_documents(args)
    if what == "registers":
        return bench_registers(rows=args.rows)
    if what == "login":
        from courtdesk.bench.login import bench_login

        return bench_login(runs=max(args.runs, 5))
    raise ValueError(what)


def bench_documents(args: argparse.Namespace) -> dict[str, Any]:
    """Per-document timings of the engine; with ``--letters N`` a real batch of N investigation
    letters (registered through the service, then streamed into one PDF) in a fresh process, so
    ``batch_peak_rss_mb`` is the batch's own peak memory."""
    from courtdesk.bench.documents import bench_documents as per_document

    letters = int(args.letters or 0)
    result: dict[str, Any] = dict(per_document(max(args.runs, 20), batch_letters=0 if letters else None))
    if letters:
        with tempfile.TemporaryDirectory() as folder:
            proc = subprocess.run(
                [sys.executable, "-c",
                 ("import json, sys; from courtdesk.bench.letter_batch import bench_batch; "
                 "print(json.dumps(bench_batch(int(sys.argv[1]), sys.argv[2])))"),
                 str(letters), str(Path(folder) / "batch.pdf")],
                capture_output=True, text=True, check=True, timeout=1800,
            )
        batch = json.loads(proc.stdout.strip().splitlines()[-1])
        result.update(
            batch_letters=batch["letters"],
            batch_pages=batch["pages"],
            batch_s=round(batch["seconds_total"], 2),
            batch_pdf_s=round(batch["seconds_pdf"], 2),
            batch_register_s=round(batch["seconds_register"], 2),
            batch_peak_rss_mb=batch["peak_rss_mb"],
            batch_file_mb=round(batch["pdf_bytes"] / 1e6, 2),
        )
    return result


def _ms(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _median_ms(fn: Any, runs: int = 5) -> float:
    return round(statistics.median(_ms(fn)[0] for _ in range(runs)), 1)


def bench_registers(rows: int) -> dict[str, Any]:
    """Fill a scratch database with ``rows`` seal uses and time what a clerk does with the register."""
    from courtdesk.kernel import audit, demo, registers
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.exporting import export_xlsx
    from courtdesk.kernel.registers import RegisterQuery

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(os.path.join(folder, "bench.sqlite3"))
        fill_ms, ctx = _ms(lambda: demo.fill(db, rows=rows))
        clerk = ctx.users["clerk"]
        spec = registers.get("seal_use")
        out: dict[str, Any] = {"rows": rows, "fill_s": round(fill_ms / 1000, 1)}
        with db.read() as s:
            q = RegisterQuery(spec)
            out["count_ms"] = round(_ms(lambda: q.count(s, clerk))[0], 1)
            # What the register view does: show the first 200 rows at once (LIMIT: what the clerk
            # waits for), read the ordered ids (its snapshot) meanwhile, then each page of 200 rows
            # with WHERE id IN (…), the first and one near the end alike.
            out["first_rows_ms"] = _median_ms(lambda: q.page(s, clerk, 0, 200))
            ids_ms, ids = _ms(lambda: q.ids(s, clerk))
            out["ids_ms"] = round(ids_ms, 1)
            out["ids_mb"] = round(len(ids) * ids.itemsize / 1e6, 1)
            out["first_page_ms"] = _median_ms(lambda: q.rows_for(s, clerk, ids[:200]))
            out["deep_page_ms"] = _median_ms(lambda: q.rows_for(s, clerk, ids[-200:]))
            # The former way (ORDER BY … OFFSET n), for comparison.
            deep = max(0, len(ids) - 200)
            out["offset_deep_page_ms"] = round(_ms(lambda: q.page(s, clerk, deep, 200))[0], 1)
            sorted_q = q.with_(sort_key="title", descending=False)
            sorted_ms, sorted_ids = _ms(lambda: sorted_q.ids(s, clerk))
            out["sorted_ids_ms"] = round(sorted_ms, 1)
            out["sorted_page_ms"] = _median_ms(lambda: sorted_q.rows_for(s, clerk, sorted_ids[:200]))
            search = q.with_(search="在职证明")
            out["search_count_ms"] = round(_ms(lambda: search.count(s, clerk))[0], 1)
            search_ms, found = _ms(lambda: search.ids(s, clerk))
            out["search_ids_ms"] = round(search_ms, 1)
            out["search_page_ms"] = _median_ms(lambda: search.rows_for(s, clerk, found[:200]))
            xlsx = os.path.join(folder, "export.xlsx")
            export_ms, n = _ms(lambda: export_xlsx(s, clerk, q, xlsx))
            out["export_rows"] = n
            out["export_s"] = round(export_ms / 1000, 1)
        with db.engine.connect() as conn:
            verify_ms, report = _ms(lambda: audit.verify(conn))
        out["verify_audit_s"] = round(verify_ms / 1000, 1)
        out["verify_ok"] = report.ok
        out["peak_rss_mb"] = peak_rss_mb()
        db.dispose()
    return out
