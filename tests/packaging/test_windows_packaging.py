"""The Windows packaging files that cannot be built here: what can be checked without Windows.

The bundle's command line (``courtdesk cli …``) runs from ``packaging/bundle/entry.py`` exactly as the
frozen program does, and the Inno Setup script must install the folder the PyInstaller spec and the
documented command produce (names and paths only: nothing is compiled).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "packaging" / "bundle" / "windows"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COURTDESK_CLI_PROG", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=60, check=False)


def test_bundle_cli_help_names_the_program_that_was_started(tmp_path):
    bundled = _run(str(ROOT / "packaging" / "bundle" / "entry.py"), "cli", "render", "--help", cwd=tmp_path)
    assert bundled.returncode == 0, bundled.stderr
    assert bundled.stdout.startswith("usage: entry.py cli render ")
    assert "python -m courtdesk" not in bundled.stdout

    wrong = _run(str(ROOT / "packaging" / "bundle" / "entry.py"), "cli", "no-such-command", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "entry.py cli: error:" in wrong.stderr

    source = _run("-m", "courtdesk", "--help", cwd=ROOT)  # a source checkout keeps its own name
    assert source.stdout.startswith("usage: python -m courtdesk ")


def test_installer_takes_the_folder_the_spec_builds_and_starts_its_windowed_program():
    iss = (WINDOWS / "courtdesk.iss").read_text(encoding="utf-8")
    spec = (WINDOWS / "courtdesk-win.spec").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "PACKAGING.md").read_text(encoding="utf-8")

    dist = re.search(r'#define Dist Root \+ "\\(.+)"', iss).group(1)  # build\bundle\dist-win\courtdesk
    distpath, folder = dist.rsplit("\\", 1)
    assert re.search(r'COLLECT\([^)]*name="' + folder + '"', spec, re.S)
    assert f"--distpath {distpath} " in docs  # the documented PyInstaller command builds it there

    exe_names = set(re.findall(r'EXE\([^)]*?name="([^"]+)"', spec, re.S))
    assert exe_names == {"courtdesk", "courtdesk-console"}
    windowed = re.search(r'name="courtdesk",.*?console=(\w+)', spec, re.S).group(1)
    assert windowed == "False"  # the Start menu entry opens no console window
    started = set(re.findall(r'Filename: "\{app\}\\([^"]+)"', iss))
    assert started == {"courtdesk.exe"}

    # the icon the installer and the programs carry is the one `build.py icons` writes
    assert "SetupIconFile={#Root}\\build\\bundle\\icons\\courtdesk.ico" in iss
    assert 'ROOT / "build" / "bundle" / "icons" / "courtdesk.ico"' in spec
    # an upgrade first removes the old program files, so no old migration stays behind
    assert re.search(r'\[InstallDelete\]\s*(;[^\n]*\n)*Type: filesandordirs; Name: "\{app\}\\_internal"', iss)
