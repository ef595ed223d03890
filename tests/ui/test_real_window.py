"""The client in a real X window at 1366×768, with a window manager and a taskbar's 40 px kept free:
every window, dialog, button and status bar inside the screen's available area.

Offscreen grabs (``widget.grab()``) cannot show what a real screen cuts off — the main window once
opened 820 px tall and the print preview 980 px, their bottoms (status bar, 打印… / 另存为PDF… / 关闭)
below a 768-px screen. This test starts ``python -m ui`` as a user does, on the xcb platform under
Xvfb with openbox (``tests/support/realwindow.py`` walks it: every register of the logins that
together see every step, form and document, the previews, 系统管理), and fails on any finding —
off the screen, and, checked on the same open windows at no extra walking, English words, text cut
off by its widget and fonts below 9 pt (``tests/support/textchecks.py``).

Needs the Debian packages ``xvfb`` and ``openbox`` (the README's test command installs them). Where
they cannot be had the test is skipped, except under CI, where it must run. The screenshots are kept
in ``COURTDESK_SCREENSHOTS`` when that is set, else in the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import realwindow

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.ui, pytest.mark.long]


def test_every_window_of_every_area_fits_a_1366x768_screen_with_a_taskbar_and_reads_whole_chinese(
        template_db: Path, tmp_path: Path) -> None:
    missing = realwindow.missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must check real windows, but {', '.join(missing)} is not installed")
        pytest.skip(f"no real screen here: {', '.join(missing)} not installed (Debian: xvfb openbox x11-utils)")
    database = tmp_path / "court.sqlite3"
    shutil.copy2(template_db, database)
    out = Path(os.environ.get("COURTDESK_SCREENSHOTS") or tmp_path / "screenshots")
    with realwindow.virtual_screen() as env:
        run = subprocess.run(
            [sys.executable, "-m", "tests.support.realwindow", "--db", str(database), "--out", str(out)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )
    findings = (out / "findings.txt").read_text(encoding="utf-8") if (out / "findings.txt").exists() else ""
    assert run.returncode == 0 and not findings.strip(), (
        f"screenshots in {out}\n{findings}\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    shots = sorted(p.name for p in out.glob("*.png"))
    # the walk reached what it must: a wrong password, every login's desk, a preview, 系统管理
    assert any("登录-密码错误后" in name for name in shots)
    assert any("预览" in name for name in shots)
    assert any("系统管理" in name for name in shots)
    assert sum("首页" in name for name in shots) == len(realwindow.DEFAULT_ROLES)
