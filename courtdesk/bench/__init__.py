"""``python -m courtdesk bench WHAT`` — measurements printed as one JSON object.

Benchmarks live here, never in tests: a test asserts behaviour, a benchmark reports numbers.
- ``startup``: the app to its main window vs a bare PySide6 QMainWindow, fresh processes, medians.
- ``documents``: per-document DOCX/PDF time (and LibreOffice's DOCX→PDF for comparison when
  installed); with ``--letters N`` a batch of N investigation letters streamed into one PDF.
- ``render-cli``: ``python -m courtdesk render`` of one letter vs ``soffice --headless --convert-to pdf``
  of its DOCX, each a fresh process, alternating, medians of ``--runs`` (target: ratio ≤ 0.5).
- ``login``: the time of PeopleService.login for a right password, a wrong one, an unknown name
  and a deactivated account (a refusal's time must not tell whether the account exists).
- ``signing``: what an audit signature adds to a typical write (``signing_overhead_pct``, target
  ≤ 10 %) and how many entries a second ``verify-audit`` checks (``verify_entries_per_s``).
- ``registers``: each ``--register`` (repeatable or a comma list; default ``seal_use``) filled with
  ``--rows`` rows by the bulk fillers declared for it (``demo.fills``), timed as its natural user
  (``REGISTER_PROFILES``), one dict per register: the first 200 rows a new view shows at once
  (``first_rows_ms``, LIMIT), the ordered id list read meanwhile (``ids_ms``), the first page and
  a page near the end read by id (``first_page_ms``/``deep_page_ms``, medians of 5; the former
  OFFSET read of the deep page as ``offset_deep_page_ms``), count, dashboard, sort, search, export
  (above ``EXPORT_CAP`` rows its last 90 days); then the whole audit check (``--no-verify`` skips it).
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

from courtdesk.bench.memory import peak_rss_mb


def run(what: str, args: argparse.Namespace) -> dict[str, Any]:
    if what == "startup":
        from courtdesk.bench.startup import bench_startup

        return bench_startup(runs=args.runs)
    if what == "documents":
        return bench_documents(args)
    if what == "render-cli":
        from courtdesk.bench.render_cli import bench_render_cli

        return bench_render_cli(runs=args.runs)
    if what == "registers":
        return bench_registers(rows=args.rows, registers=register_keys(getattr(args, "register", None)),
                               verify=not getattr(args, "no_verify", False))
    if what == "login":
        from courtdesk.bench.login import bench_login

        return bench_login(runs=max(args.runs, 5))
    if what == "signing":
        from courtdesk.bench.signing import bench_signing

        return bench_signing(runs=max(args.runs, 50))
    raise ValueError(what)


def register_keys(values: list[str] | None) -> tuple[str, ...]:
    """The registers of ``--register`` (repeated and/or comma lists), in order, once each."""
    keys = (k.strip() for value in (values or ["seal_use"]) for k in value.split(","))
    return tuple(dict.fromkeys(k for k in keys if k))


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


#: How each register is benchmarked: its natural user, a sort by a column without an index (or a
#: column computed per row), a search word. A register not named here: the clerk, its last column, no word.
REGISTER_PROFILES: dict[str, tuple[str, str, str]] = {
    "seal_use": ("clerk", "title", "在职证明"),
    "it_asset": ("itops", "brand_model", "惠普"),
    "finance_claim": ("finance", "purpose", "石家庄"),
    "finance_batch": ("finance", "total", "财报"),
    "finance_month_total": ("finance", "amount", "办公费"),
    "finance_advance": ("finance", "purpose", "北京"),
}
#: Above this many rows the export covers the last 90 days of the register's date (its newest rows).
EXPORT_CAP = 100_000


def bench_registers(rows: int, registers: tuple[str, ...] = ("seal_use",), *, verify: bool = True) -> dict[str, Any]:
    """Fill a scratch database with ``rows`` records of each of ``registers`` (only the bulk fillers
    that fill them run) and time what the register's natural user does with each; one dict per register."""
    from courtdesk.kernel import audit, demo
    from courtdesk.kernel.db import open_database

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(os.path.join(folder, "bench.sqlite3"))
        fill_ms, ctx = _ms(lambda: demo.fill(db, rows=rows, only=registers))
        out: dict[str, Any] = {"rows": rows, "fill_s": round(fill_ms / 1000, 1)}
        for key in registers:
            out[key] = _bench_register(db, ctx, key, folder)
        if verify:
            with db.engine.connect() as conn:
                verify_ms, report = _ms(lambda: audit.verify(conn))
            out["verify_audit_s"] = round(verify_ms / 1000, 1)
            out["verify_ok"] = report.ok
        out["peak_rss_mb"] = peak_rss_mb()
        db.dispose()
    return out


def _bench_register(db: Any, ctx: Any, key: str, folder: str) -> dict[str, Any]:
    import datetime as dt

    from sqlalchemy import func

    from courtdesk.kernel import registers
    from courtdesk.kernel.exporting import export_xlsx
    from courtdesk.kernel.registers import RegisterQuery

    spec = registers.get(key)
    who, sort_key, word = REGISTER_PROFILES.get(key, ("clerk", spec.columns[-1].key, ""))
    user = ctx.users[who]
    out: dict[str, Any] = {"user": who}
    with db.read() as s:
        q = RegisterQuery(spec)
        count_ms, out["count"] = _ms(lambda: q.count(s, user))
        out["count_ms"] = round(count_ms, 1)
        if spec.dashboard is not None:  # what the user waits for on the start page
            out["dashboard_ms"] = round(_ms(lambda: spec.dashboard(s, user))[0], 1)  # type: ignore[misc]
        # What the register view does: show the first 200 rows at once (LIMIT: what the user
        # waits for), read the ordered ids (its snapshot) meanwhile, then each page of 200 rows
        # with WHERE id IN (…), the first and one near the end alike.
        out["first_rows_ms"] = _median_ms(lambda: q.page(s, user, 0, 200))
        ids_ms, ids = _ms(lambda: q.ids(s, user))
        out["ids_ms"] = round(ids_ms, 1)
        out["ids_mb"] = round(len(ids) * ids.itemsize / 1e6, 1)
        out["first_page_ms"] = _median_ms(lambda: q.rows_for(s, user, ids[:200]))
        out["deep_page_ms"] = _median_ms(lambda: q.rows_for(s, user, ids[-200:]))
        # The former way (ORDER BY … OFFSET n), for comparison.
        deep = max(0, len(ids) - 200)
        out["offset_deep_page_ms"] = round(_ms(lambda: q.page(s, user, deep, 200))[0], 1)
        sorted_q = q.with_(sort_key=sort_key, descending=False)
        out["sorted_by"] = sort_key
        out["sorted_first_rows_ms"] = round(_ms(lambda: sorted_q.page(s, user, 0, 200))[0], 1)
        sorted_ms, sorted_ids = _ms(lambda: sorted_q.ids(s, user))
        out["sorted_ids_ms"] = round(sorted_ms, 1)
        out["sorted_page_ms"] = _median_ms(lambda: sorted_q.rows_for(s, user, sorted_ids[:200]))
        if word:
            search = q.with_(search=word)
            out["search"] = word
            out["search_first_rows_ms"] = round(_ms(lambda: search.page(s, user, 0, 200))[0], 1)
            out["search_count_ms"] = round(_ms(lambda: search.count(s, user))[0], 1)
            search_ms, found = _ms(lambda: search.ids(s, user))
            out["search_ids_ms"] = round(search_ms, 1)
            out["search_rows"] = len(found)
            out["search_page_ms"] = _median_ms(lambda: search.rows_for(s, user, found[:200]))
        exported = q
        if len(ids) > EXPORT_CAP and spec.date_expr is not None:
            newest = s.execute(spec.base().with_only_columns(func.max(spec.date_expr))).scalar()
            if isinstance(newest, dt.date):
                since = (newest.date() if isinstance(newest, dt.datetime) else newest) - dt.timedelta(days=90)
                exported = q.with_(date_from=since)
                out["export_since"] = since.isoformat()
        xlsx = os.path.join(folder, f"{key}.xlsx")
        export_ms, n = _ms(lambda: export_xlsx(s, user, exported, xlsx))
        out["export_rows"] = n
        out["export_s"] = round(export_ms / 1000, 1)
        out["export_mb"] = round(os.path.getsize(xlsx) / 1e6, 1)
    return out
