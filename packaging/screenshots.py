"""Screenshots of the client in a real window at 1366×768 and 1920×1080 — the common court workstation
screens — as every demo login sees it, for people to look at (a clerk sees pixels, not test counts).

    .venv/bin/python packaging/screenshots.py [--out FOLDER] [--size 1366x768,1920x1080] [--roles clerk,…]

For each size, starts a virtual X screen of that size (Xvfb) with a window manager (openbox) and a
taskbar's 40 px kept free (Debian packages ``xvfb``, ``openbox``, ``x11-utils``; the README's test
command installs them), copies a fresh demo database and runs the walk of ``tests/support/realwindow.py``
over it with Qt's real ``xcb`` platform plugin (``QT_QPA_PLATFORM=xcb``): every login (all seventeen
by default), every register of every area with a record selected, every step dialog, 新建 form and
command, 预览 and 打印登记簿, 修改密码 and every page and dialog of 系统管理. Saves the whole screen
after each to ``FOLDER/<size>/NNN-login-what.png`` and ``FOLDER/<size>/findings.txt``: every window,
button or status bar outside the screen's available area, every English word, every text cut off by
its widget and every font below 9 pt (``tests/support/textchecks.py``), each once. Prints the count of
each kind per size and the time taken; exits 1 if there is any finding.

With ``--roles`` naming only some logins (to run a long walk in chunks), the other logins' screenshots
are kept and the findings go to ``findings-<first>-<last>.txt``.
The test suite runs the same walk and checks for eleven logins at 1366×768
(``tests/ui/test_real_window.py``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        width, _, height = part.strip().lower().replace("×", "x").partition("x")
        sizes.append((int(width), int(height)))
    return sizes


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.support import realwindow

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--size", default=",".join(f"{w}x{h}" for w, h in realwindow.SIZES),
                        help="screen sizes, comma-separated (default: 1366x768,1920x1080)")
    parser.add_argument("--roles", default=",".join(realwindow.ALL_LOGINS))
    args = parser.parse_args()
    roles = [r for r in args.roles.split(",") if r]
    everyone = set(roles) >= set(realwindow.ALL_LOGINS)

    missing = realwindow.missing_tools()
    if missing:
        print(f"needs {', '.join(missing)} (Debian: apt-get install xvfb openbox x11-utils)", file=sys.stderr)
        return 2
    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="courtdesk-shots-"))
    worst = 0
    try:
        template = folder / "demo.sqlite3"
        db = open_database(str(template))
        demo.fill(db)
        db.dispose()
        for width, height in parse_sizes(args.size):
            out = Path(args.out) / f"{width}x{height}"
            if everyone:
                shutil.rmtree(out, ignore_errors=True)
                findings = out / "findings.txt"
            else:
                for role in roles:
                    for old in out.glob(f"*-{role}-*.png"):
                        old.unlink()
                findings = out / f"findings-{roles[0]}-{roles[-1]}.txt"
            database = folder / f"{width}x{height}.sqlite3"
            shutil.copy2(template, database)  # each size starts from the same demo data
            started = time.monotonic()
            with realwindow.virtual_screen(width, height) as env:
                run = subprocess.run([sys.executable, "-m", "tests.support.realwindow", "--db", str(database),
                                      "--out", str(out), "--roles", ",".join(roles), "--findings", str(findings)],
                                     cwd=ROOT, env=env, check=False, capture_output=True, text=True)
            lines = findings.read_text(encoding="utf-8").splitlines() if findings.exists() else []
            kinds: dict[str, int] = {}
            for line in filter(None, lines):
                kind = line.split(" · ", 1)[0]
                kinds[kind] = kinds.get(kind, 0) + 1
            summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "无"
            print(f"{width}x{height}: {len(list(out.glob('*.png')))} screenshots in {out}, "
                  f"{time.monotonic() - started:.0f} s; findings: {summary}", flush=True)
            if run.returncode not in (0, 1) or "巡检中断" in "\n".join(lines):
                print(run.stdout[-3000:], run.stderr[-3000:], file=sys.stderr)
            worst = max(worst, run.returncode)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
