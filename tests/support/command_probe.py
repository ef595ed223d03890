"""Run a ``python -m courtdesk`` command in a fresh interpreter and then a few lines of Python in the
same process, to see what the command left behind (which modules it imported, which faces it parsed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_RUN_THE_COMMAND = """
import runpy, sys
from pathlib import Path
sys.argv = ["courtdesk", *sys.argv[1:]]
try:
    runpy.run_module("courtdesk", run_name="__main__")
except SystemExit as exit:
    assert not exit.code, exit.code
"""


def probe(args: list[str], report: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``courtdesk ARGS`` (it must succeed), then ``report`` — Python printing what to check."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-c", _RUN_THE_COMMAND + report, *args], capture_output=True,
                          text=True, timeout=timeout, env=env, check=False)
