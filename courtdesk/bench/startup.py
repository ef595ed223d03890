"""Start-up benchmark: the desktop client against a bare Qt window (no Qt import here).

Method (the same for both programs): each run starts a fresh interpreter with ``subprocess.Popen``
and the parent measures **wall time from just before Popen() to the moment it reads the child's
``startup_ms=`` line** from the stdout pipe. So interpreter start, imports, Qt initialisation and the
first paint are included for both, and neither program's own clock is trusted.

- app:  ``python -m ui --smoke --db <demo db>`` — the login dialog is shown while the core opens the
  database on a background thread, the demo administrator is typed into it and 登录 pressed (argon2
  verify included), the main window with the dashboard is built, shown and painted; then it prints
  ``startup_ms=``. It prints ``login_ms=`` the moment the login dialog is painted (the first window
  a user sees); the parent takes the wall time at which *that* line arrives, as for ``startup_ms``.
  ``ready_ms=`` (dashboard numbers loaded) is measured from the child's own first import and converted
  to wall time by adding the wall/self offset of ``startup_ms``.
- login: from the same app runs, ``hash_ms`` (one argon2 verification of the administrator's
  password alone, timed in the child after the dashboard is ready, when nothing else runs) and
  ``login_to_main_ms`` (from pressing 登录 in the real dialog — the check runs through the operations
  runner — to the main window with the dashboard exposed and painted); ``login_to_main_ratio`` is the
  median of each run's login_to_main_ms / hash_ms (target ≤ 1.5: what a user waits for beyond the
  deliberate cost of the password hash).
- bare: a script that creates a QApplication and an empty QMainWindow, shows it and prints
  ``startup_ms=`` once it is exposed and painted.

Runs alternate app/bare so drift in machine load hits both; one unmeasured warm-up run of each
comes first (page cache, .pyc files). The demo database is prepared once in a temporary folder.
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

ROOT = Path(__file__).resolve().parents[2]

#: The bare window the app is compared with: plain PySide6 in a child process (the core never imports Qt).
BARE_SCRIPT_PATH = ROOT / "resources" / "bench" / "bare_window.py"
BARE_SCRIPT = BARE_SCRIPT_PATH.read_text(encoding="utf-8")


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The warm-up run is there to write .pyc files, as an installed app has them; a shell that
    # forbids bytecode files would make every measured run compile the whole app from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(cmd: list[str], timeout: float = 180.0) -> tuple[float, dict[str, int], dict[str, float]]:
    """Start ``cmd``; return (wall ms until its startup_ms= line, every name=int line it printed,
    the wall ms at which each of those lines arrived)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=_child_env(), cwd=ROOT)
        wall: float | None = None
        values: dict[str, int] = {}
        arrived: dict[str, float] = {}
        assert proc.stdout is not None
        for line in proc.stdout:
            now = (time.perf_counter() - started) * 1000
            name, _, value = line.strip().partition("=")
            if name == "startup_ms" and wall is None:
                wall = now
            if value.strip().lstrip("-").isdigit():
                values[name] = int(value)
                arrived.setdefault(name, now)
        code = proc.wait(timeout)
        if code != 0 or wall is None:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} exited with {code} without startup_ms=:\n{tail}")
    return wall, values, arrived


def prepare_demo_db(folder: Path) -> Path:
    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database

    path = folder / "bench-startup.sqlite3"
    db = open_database(str(path))
    demo.fill(db)
    db.dispose()
    return path


def bench_startup(runs: int = 5, db: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Median start-up of the app and of a bare Qt window, and their ratio (target ≤ 1.5)."""
    with tempfile.TemporaryDirectory(prefix="courtdesk-bench-") as tmp:
        db_arg = os.fspath(db) if db is not None else str(prepare_demo_db(Path(tmp)))
        app_cmd = [sys.executable, "-m", "ui", "--smoke", "--db", db_arg]
        bare_cmd = [sys.executable, "-c", BARE_SCRIPT]
        _run(app_cmd)  # warm-up, not counted
        _run(bare_cmd)
        app: list[float] = []
        bare: list[float] = []
        login: list[float] = []
        ready: list[float] = []
        hashes: list[float] = []
        to_main: list[float] = []
        for _ in range(runs):
            wall, values, arrived = _run(app_cmd)
            app.append(wall)
            offset = wall - values["startup_ms"]  # interpreter start etc. before ui.app's own clock
            login.append(arrived["login_ms"])
            ready.append(values.get("ready_ms", values["startup_ms"]) + offset)
            if "hash_ms" in values and "login_to_main_ms" in values:
                hashes.append(values["hash_ms"])
                to_main.append(values["login_to_main_ms"])
            bare.append(_run(bare_cmd)[0])
    app_ms, bare_ms = statistics.median(app), statistics.median(bare)
    login_ms = statistics.median(login)
    ratios = [m / h for m, h in zip(to_main, hashes, strict=True) if h > 0]
    login_check: dict[str, Any] = {}
    if ratios:
        login_check = {
            "hash_ms": round(statistics.median(hashes)),
            "login_to_main_ms": round(statistics.median(to_main)),
            # The median of each run's own ratio: hash and login share that run's machine load.
            "login_to_main_ratio": round(statistics.median(ratios), 2),
            "hash_samples": [round(x) for x in hashes],
            "login_to_main_samples": [round(x) for x in to_main],
        }
    return {
        "app_ms": round(app_ms),
        "bare_ms": round(bare_ms),
        "startup_ratio": round(app_ms / bare_ms, 2),
        "runs": runs,
        "app_samples": [round(x) for x in app],
        "bare_samples": [round(x) for x in bare],
        "login_ms": round(login_ms),
        "login_ratio": round(login_ms / bare_ms, 2),
        "login_samples": [round(x) for x in login],
        "ready_ms": round(statistics.median(ready)),
        **login_check,
        "method": "wall time from Popen() to the child's startup_ms= line; median of alternating runs "
                  "after one warm-up each",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CourtDesk start-up benchmark (app vs. bare Qt window)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="use this database instead of a fresh demo database")
    args = parser.parse_args(argv)
    print(json.dumps(bench_startup(args.runs, args.db), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
