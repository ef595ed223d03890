"""``python -m courtdesk bench render-cli``: one letter rendered by the ``render`` command against
LibreOffice converting the DOCX of the same letter (``soffice --headless --convert-to pdf``).

Both run as fresh processes, as a clerk would run them ("cold": nothing of either is loaded; the
operating system's file cache is warm for both), alternately, ``runs`` times each; the figures are
medians.  LibreOffice's user profile is created by one run before the timed ones, as the office
suite of a court PC has one.  ``ratio`` is render ÷ LibreOffice (target ≤ 0.5).

``render`` runs with its bytecode compiled, as an installed program has it: a first, untimed run
writes it to a folder of the bench's own (``PYTHONPYCACHEPREFIX``), even when the calling shell sets
``PYTHONDONTWRITEBYTECODE`` — with it set, every run compiled ~130 modules from source again (≈0.35 s
of a render, counted against us in earlier figures).  Likewise the parsed fonts
(``COURTDESK_FONT_CACHE``, a folder of the bench's own): written by the first run, as by a clerk's
first render, and read by the timed ones.  ``load`` is the machine's 1-minute load
average before and after the runs (the machine is shared: a figure at load 4 is not one at load 0).
"""

from __future__ import annotations

import os
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


def _seconds(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float | None]:
    """Wall seconds of ``command`` and the CPU seconds (user + system) it and its children used."""
    try:
        import resource
    except ImportError:  # Windows
        resource = None  # type: ignore[assignment]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600, env=env)
    wall = time.perf_counter() - started
    if resource is None or cpu is None:
        return wall, None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not offered on this system
        return None


def bench_render_cli(runs: int = 5) -> dict[str, Any]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="courtdesk-render-cli-") as name:
        folder = Path(name)
        db, letter = _letter_database(folder)
        render = [sys.executable, "-m", "courtdesk", "render", "investigation_letter", str(letter), "--db", str(db)]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
        env["COURTDESK_FONT_CACHE"] = str(folder / "fonts")
        docx = folder / "letter.docx"
        subprocess.run([*render, "--out", str(docx)], check=True, capture_output=True, timeout=600, env=env)
        render_s: list[float] = []
        office_s: list[float] = []
        office = None
        if soffice is not None:
            profile = folder / "profile"
            office = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                      "--outdir", str(folder / "office"), str(docx)]
            subprocess.run(office, check=True, capture_output=True, timeout=600)  # creates the profile
        subprocess.run([*render, "--out", str(folder / "warm.pdf")], check=True, capture_output=True,
                       timeout=600, env=env)  # bytecode compiled once, as an installed program has it
        load_before = _load()
        render_cpu: list[float] = []
        office_cpu: list[float] = []
        for i in range(max(runs, 1)):
            wall, cpu = _seconds([*render, "--out", str(folder / f"render{i}.pdf")], env)
            render_s.append(wall)
            render_cpu.extend([cpu] if cpu is not None else [])
            if office is not None:
                wall, cpu = _seconds(office)
                office_s.append(wall)
                office_cpu.extend([cpu] if cpu is not None else [])
        render_median = statistics.median(render_s)
        office_median = statistics.median(office_s) if office_s else None
        cpu_medians = (statistics.median(render_cpu) if render_cpu else None,
                       statistics.median(office_cpu) if office_cpu else None)
        return {
            "runs": len(render_s),
            "render_s": round(render_median, 3),
            "render_runs_s": [round(s, 3) for s in render_s],
            "libreoffice_s": None if office_median is None else round(office_median, 3),
            "libreoffice_runs_s": [round(s, 3) for s in office_s],
            "ratio": None if office_median is None else round(render_median / office_median, 2),
            # CPU seconds (user + system, the process and its children): less moved by other work on a
            # shared machine than the wall-clock figures the target is set in
            "render_cpu_s": None if cpu_medians[0] is None else round(cpu_medians[0], 3),
            "libreoffice_cpu_s": None if cpu_medians[1] is None else round(cpu_medians[1], 3),
            "cpu_ratio": (round(cpu_medians[0] / cpu_medians[1], 2)
                          if cpu_medians[0] is not None and cpu_medians[1] else None),
            "pdf_bytes": (folder / "render0.pdf").stat().st_size,
            "load": [load_before, _load()],
        }
