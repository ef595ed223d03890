"""Screenshots of the client in a real window at 1366×768 — the common court workstation screen — as
every demo login sees it, for people to look at (a clerk sees pixels, not test counts).

    .venv/bin/python packaging/screenshots.py [--out FOLDER] [--roles clerk,finance,…]

Starts a virtual X screen with a window manager and a taskbar's 40 px kept free (Debian packages
``xvfb``, ``openbox``, ``x11-utils``; the README's test command installs them), makes a demo database
in a temporary folder and runs the walk of ``tests/support/realwindow.py`` over it: every register
with a record selected, every step dialog, form and command, 预览 and 打印登记簿, 修改密码 and
系统管理. Saves the whole screen after each (``NNN-login-what.png``) and ``findings.txt``: every
window, button or status bar found outside the screen's available area. Exits 1 if there is any.
The test suite runs the same walk for eleven logins (``tests/ui/test_real_window.py``); this script
takes all of them by default.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALL_LOGINS = ("admin", "clerk", "office_head", "president", "leader", "finance_leader", "finance", "cashier",
              "political", "civil_head", "judge", "civil_clerk", "enforce_head", "enforcer", "enforce_clerk",
              "secrecy", "itops")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--roles", default=",".join(ALL_LOGINS))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support import realwindow

    missing = realwindow.missing_tools()
    if missing:
        print(f"needs {', '.join(missing)} (Debian: apt-get install xvfb openbox x11-utils)", file=sys.stderr)
        return 2
    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="courtdesk-shots-"))
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    try:
        db = open_database(str(folder / "demo.sqlite3"))
        demo.fill(db)
        db.dispose()
        with realwindow.virtual_screen() as env:
            status = subprocess.run([sys.executable, "-m", "tests.support.realwindow", "--db",
                                     str(folder / "demo.sqlite3"), "--out", str(out), "--roles", args.roles],
                                    cwd=ROOT, env=env, check=False).returncode
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"screenshots in {out}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
