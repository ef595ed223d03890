"""``python -m courtdesk bench render-cli``: one letter rendered by the ``render`` command against
LibreOffice converting the DOCX of the same letter (``soffice --headless --convert-to pdf``).

Both run as fresh processes, as a clerk would run them ("cold": nothing of either is loaded; the
operating system's file cache is warm for both), alternately, ``runs`` times each; the figures are
medians.  LibreOffice's user profile is created by one run before the timed ones, as the office
suite of a court PC has one.  ``ratio`` is render ÷ LibreOffice (target ≤ 0.5).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _letter_database(folder: Path) -> tuple[Path, int]:
    """A scratch database holding one investigation letter; its path and the letter's id."""
    from courtdesk.areas.enforcement.letters import generate_batch
    from courtdesk.bench.letter_batch import _setup
    from courtdesk.kernel.db import open_database

    path = folder / "bench.sqlite3"
    db = open_database(str(path))
    try:
        officer, case_id, unit_ids = _setup(db, 1)
        outcome = generate_batch(db, officer, case_id, unit_ids, folder / "setup.pdf")
    finally:
        db.dispose()
    return path, outcome.letter_ids[0]


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def bench_render_cli(runs: int = 5) -> dict[str, Any]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="courtdesk-render-cli-") as name:
        folder = Path(name)
        db, letter = _letter_database(folder)
        render = [sys.executable, "-m", "courtdesk", "render", "investigation_letter", str(letter), "--db", str(db)]
        docx = folder / "letter.docx"
        subprocess.run([*render, "--out", str(docx)], check=True, capture_output=True, timeout=600)
        render_s: list[float] = []
        office_s: list[float] = []
        office = None
        if soffice is not None:
            profile = folder / "profile"
            office = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                      "--outdir", str(folder / "office"), str(docx)]
            subprocess.run(office, check=True, capture_output=True, timeout=600)  # creates the profile
        subprocess.run([*render, "--out", str(folder / "warm.pdf")], check=True, capture_output=True,
                       timeout=600)  # bytecode compiled once, as an installed program has it
        for i in range(max(runs, 1)):
            render_s.append(_seconds([*render, "--out", str(folder / f"render{i}.pdf")]))
            if office is not None:
                office_s.append(_seconds(office))
        render_median = statistics.median(render_s)
        office_median = statistics.median(office_s) if office_s else None
        return {
            "runs": len(render_s),
            "render_s": round(render_median, 3),
            "render_runs_s": [round(s, 3) for s in render_s],
            "libreoffice_s": None if office_median is None else round(office_median, 3),
            "libreoffice_runs_s": [round(s, 3) for s in office_s],
            "ratio": None if office_median is None else round(render_median / office_median, 2),
            "pdf_bytes": (folder / "render0.pdf").stat().st_size,
        }
