"""Document benchmark (wired to ``python -m courtdesk bench documents`` by the CLI).

Measures the cost per document of each renderer, compares the PDF renderer with converting the same
DOCX through LibreOffice (when ``soffice`` is on PATH), and runs a batch of letters through
:class:`PdfBatchWriter` in a fresh child process so its peak RSS is the batch's own (read from
``/proc/self/status`` VmHWM on Linux; ``getrusage`` elsewhere, which on Linux would include the
parent's peak because ``ru_maxrss`` survives ``execve``).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from courtdesk.kernel.documents.docx_renderer import render_docx
from courtdesk.kernel.documents.model import Document
from courtdesk.kernel.documents.pdf_renderer import render_pdf

SampleBuilder = Callable[[int], Document]

_CHILD = """
import json, sys, time, importlib
module, _, name = sys.argv[1].partition(":")
builder = importlib.import_module(module)
for part in name.split("."):
    builder = getattr(builder, part)
from courtdesk.kernel.documents.pdf_renderer import PdfBatchWriter
n = int(sys.argv[2])
start = time.perf_counter()
with PdfBatchWriter(sys.argv[3], title="bench") as writer:
    for i in range(n):
        writer.add(builder(i + 1))
elapsed = time.perf_counter() - start
from courtdesk.bench.memory import peak_rss_mb
peak = peak_rss_mb()
print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak, "pages": writer.pages}))
"""


def _per_doc_ms(n: int, render: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(n):
        render(i)
    return (time.perf_counter() - start) * 1000.0 / max(n, 1)


def _libreoffice_ms_per_doc(builder: SampleBuilder, count: int) -> float | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="courtdesk-bench-") as folder:
        paths = []
        for i in range(count):
            path = Path(folder) / f"doc{i}.docx"
            render_docx(builder(i + 1), path)
            paths.append(str(path))
        profile = Path(folder) / "profile"
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(Path(folder) / "out")]
        # one warm-up run so the first-start profile creation is not counted
        subprocess.run(command + paths[:1], check=True, capture_output=True, timeout=300)
        start = time.perf_counter()
        subprocess.run(command + paths, check=True, capture_output=True, timeout=600)
        return (time.perf_counter() - start) * 1000.0 / count


def _batch_in_child(builder: SampleBuilder, letters: int) -> dict[str, Any]:
    target = f"{builder.__module__}:{builder.__qualname__}"
    with tempfile.TemporaryDirectory(prefix="courtdesk-batch-") as folder:
        out = Path(folder) / "batch.pdf"
        result = subprocess.run([sys.executable, "-c", _CHILD, target, str(letters), str(out)],
                                check=True, capture_output=True, text=True, timeout=3600)
        data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        data["file_mb"] = out.stat().st_size / 1e6
        return data


def bench_documents(n_docs: int, sample_builder: SampleBuilder | None = None, *,
                    batch_letters: int | None = None, libreoffice: bool = True,
                    libreoffice_docs: int = 5) -> dict[str, Any]:
    """Timings for ``n_docs`` documents from ``sample_builder(i)`` (a module-level function, so the
    child process can import it; default: the sample 3-page investigation letter).  Keys:
    docx_ms_per_doc, pdf_ms_per_doc, pdf_first_ms, pdf_bytes, libreoffice_ms_per_doc and libreoffice_ratio (None without
    soffice), batch_letters, batch_s, batch_pages, batch_peak_rss_mb, batch_file_mb."""
    if sample_builder is None:
        from courtdesk.bench.samples import sample_investigation_letter

        sample_builder = sample_investigation_letter
    first = io.BytesIO()
    started = time.perf_counter()
    render_pdf(sample_builder(1), first)  # warm up: fonts registered, modules imported
    first_ms = (time.perf_counter() - started) * 1000.0
    docx_ms = _per_doc_ms(n_docs, lambda i: render_docx(sample_builder(i + 1), io.BytesIO()))
    pdf_ms = _per_doc_ms(n_docs, lambda i: render_pdf(sample_builder(i + 1), io.BytesIO()))
    lo_ms = _libreoffice_ms_per_doc(sample_builder, libreoffice_docs) if libreoffice else None
    letters = batch_letters if batch_letters is not None else n_docs
    if letters == 0:  # the caller measures its own batch
        batch: dict[str, Any] = {"seconds": 0.0, "pages": 0, "peak_rss_mb": None, "file_mb": 0.0}
    else:
        batch = _batch_in_child(sample_builder, letters)
    return {
        "documents": n_docs,
        "docx_ms_per_doc": round(docx_ms, 2),
        "pdf_ms_per_doc": round(pdf_ms, 2),
        # the process's first document: its faces parsed, its subsets built (the steady state above
        # reuses both), and its size (issue 21: it must not grow by more than 10 %)
        "pdf_first_ms": round(first_ms, 1),
        "pdf_bytes": len(first.getvalue()),
        "libreoffice_ms_per_doc": None if lo_ms is None else round(lo_ms, 1),
        "libreoffice_ratio": None if lo_ms is None else round(lo_ms / pdf_ms, 1),
        "batch_letters": letters,
        "batch_s": round(batch["seconds"], 2),
        "batch_pages": batch["pages"],
        "batch_peak_rss_mb": None if batch["peak_rss_mb"] is None else round(batch["peak_rss_mb"], 1),
        "batch_file_mb": round(batch["file_mb"], 2),
    }

