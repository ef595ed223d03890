"""Screenshots of every register as each demo role sees it, in a real window at 1366×768 — the common
court workstation screen — for people to look at (a clerk sees pixels, not test counts).

    python3 packaging/screenshots.py [--out FOLDER] [--offscreen]

Runs the client under Xvfb (a virtual X server, Debian package ``xvfb``) when it is installed and no
display is set, else offscreen. Makes a demo database in a temporary folder, logs in each demo role,
opens each register the role may open with no record selected (the detail panel collapsed), saves
``<role>-<register>.png`` and then ``…-detail.png`` with the first row selected, and prints one line
per register saying whether the 状态 column is on screen. Exits 1 if it is off-screen anywhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1366, 768
ROLES = ("clerk", "office_head", "leader", "enforcer", "enforce_head", "finance", "finance_leader", "admin")


def _start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY") or shutil.which("Xvfb") is None:
        return None
    display = ":97"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    if proc.poll() is not None:
        return None
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return proc


def _wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.people import PeopleService
    from ui.app import create_app, open_main_window

    app = create_app()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="courtdesk-shots-"))
    db = open_database(str(folder / "demo.sqlite3"))
    demo.fill(db)
    offscreen_status = 0
    try:
        for role in ROLES:
            user = PeopleService(db).login(role, demo.DEMO_PASSWORD)
            window = open_main_window(db, user)
            window.resize(WIDTH, HEIGHT)
            window.showMaximized() if os.environ.get("QT_QPA_PLATFORM") == "xcb" else window.show()
            _wait(900)
            window.grab().save(str(out / f"{role}-dashboard.png"))
            for key in list(window.specs):
                window.open_register(key)
                page = window.pages[key]
                deadline = time.monotonic() + 20
                while page.model.loading and time.monotonic() < deadline:
                    _wait(50)
                _wait(300)
                window.grab().save(str(out / f"{role}-{key}.png"))
                keys = [c.key for c in page.spec.columns]
                if "status" in keys:
                    x = page.table.columnViewportPosition(keys.index("status"))
                    visible = 0 <= x < page.table.viewport().width() - 30
                    print(f"{role:13} {page.spec.title:20} 状态 {'on screen' if visible else 'OFF-SCREEN'} "
                          f"(x={x}, table {page.table.viewport().width()} px)")
                    offscreen_status |= 0 if visible else 1
                if page.model.rowCount():
                    page.table.selectRow(0)
                    _wait(900)
                    window.grab().save(str(out / f"{role}-{key}-detail.png"))
            window.close()
            _wait(100)
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
        app.processEvents()
    print(f"screenshots in {out}")
    return offscreen_status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--offscreen", action="store_true", help="do not use Xvfb even when installed")
    args = parser.parse_args()
    xvfb = None if args.offscreen else _start_xvfb()
    if xvfb is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        return shoot(Path(args.out))
    finally:
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    raise SystemExit(main())
