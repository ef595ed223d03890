#!/usr/bin/env python3
"""Build the Linux bundle, install its .deb into an empty folder and start it there (docs/PACKAGING.md).

    .venv/bin/python packaging/bundle_check.py [--no-build] [--runs 3] [--out build/bundle/check]

1. builds the folder, the .deb and the .tar.gz (``packaging/bundle/build.py``; ``--no-build`` reuses them);
2. unpacks the .deb with ``dpkg-deb -x`` into a fresh temporary root. That is what dpkg installs — the
   same files at the same paths — but dpkg's database, the ``Depends`` check and the postinst (icon
   cache) are left out; the Depends line is printed and checked against this machine with dpkg-query;
3. starts ``ROOT/opt/courtdesk/courtdesk`` on a virtual X screen (Xvfb, the xcb plugin) in a fresh,
   empty HOME, in a network namespace with no interface (``unshare -rn``: nothing can be fetched),
   with PATH=/usr/bin:/bin (no project interpreter) and a fontconfig that knows no font folder (only
   the fonts inside the bundle can draw):
   - ``--smoke`` (demo data on a fresh database) N times: ``startup_ms=`` as the app prints it; then the
     same against the database that now exists (the start of a working day);
   - without ``--demo`` on a fresh database: the first-run wizard must be the window on screen and the
     database must hold no user; a screenshot of the screen goes to OUT/wizard.png;
4. the source run ``python -m ui --smoke`` the same way (fresh HOME, same screen), for comparison;
5. prints sizes (folder, .deb, .tar.gz), the glibc floor and the medians.

It takes ~2–4 minutes without the build and 5–15 with it on a 2-core machine, so it is not in CI: run it
before a release and paste its last lines into docs/PACKAGING.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "bundle"))
import build  # noqa: E402 — packaging/bundle/build.py

WIZARD_TITLE = "CourtDesk 首次设置"
EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def say(message: str) -> None:
    print(f"[check] {message}", file=sys.stderr, flush=True)


@contextmanager
def xvfb(width: int = 1366, height: int = 768) -> Iterator[str]:
    """A virtual X screen on a free display (``-displayfd``); yields DISPLAY."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as answer:
            display = ":" + answer.readline().strip()
        if display == ":":
            raise RuntimeError("Xvfb did not start")
        yield display
    finally:
        proc.terminate()
        proc.wait(10)


def _net_isolation() -> list[str]:
    """``unshare -rn`` when this kernel allows it (a namespace with no network at all), else nothing."""
    ok = shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    return ["unshare", "-rn"] if ok else []


def clean_env(home: Path, display: str, fonts_conf: Path | None) -> dict[str, str]:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": str(home / "tmp")}
    (home / "tmp").mkdir(exist_ok=True)
    if fonts_conf is not None:
        env["FONTCONFIG_FILE"] = str(fonts_conf)
    return env


def smoke(cmd: list[str], env: dict[str, str], cwd: Path) -> int:
    result = subprocess.run([*_net_isolation(), *cmd, "--demo", "--smoke"], env=env, cwd=cwd, capture_output=True,
                            text=True, timeout=600)
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    if result.returncode != 0 or "startup_ms" not in values:
        raise SystemExit(f"smoke failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}\n{result.stderr[-3000:]}")
    return int(values["startup_ms"])


def measure(name: str, cmd: list[str], display: str, fonts_conf: Path | None, runs: int,
            cwd: Path) -> tuple[list[int], list[int]]:
    """``runs`` smoke starts, each on a fresh database in a fresh HOME; then ``runs`` on the one that exists."""
    fresh, again = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="courtdesk-home-") as tmp:
            env = clean_env(Path(tmp), display, fonts_conf)
            fresh.append(smoke(cmd, env, cwd))
    with tempfile.TemporaryDirectory(prefix="courtdesk-home-") as tmp:
        env = clean_env(Path(tmp), display, fonts_conf)
        smoke(cmd, env, cwd)  # creates and fills the database
        for _ in range(runs):
            again.append(smoke(cmd, env, cwd))
    say(f"{name}: fresh database startup_ms={fresh}, existing database startup_ms={again}")
    return fresh, again


def _windows(display: str) -> str:
    # a UTF-8 locale, else xwininfo prints "failure in conversion" instead of a Chinese title
    return subprocess.run(["xwininfo", "-root", "-tree"], env={"DISPLAY": display, "LANG": "C.UTF-8"}, capture_output=True,
                          text=True, check=False).stdout


_GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["grab"])
QGuiApplication.primaryScreen().grabWindow(0).save(sys.argv[1])
"""


def first_run(binary: Path, display: str, fonts_conf: Path | None, out: Path) -> tuple[bool, int, Path]:
    """Start the bundle without --demo on a fresh database: (wizard shown, users in the db, screenshot)."""
    with tempfile.TemporaryDirectory(prefix="courtdesk-home-") as tmp:
        home = Path(tmp)
        env = clean_env(home, display, fonts_conf)
        proc = subprocess.Popen([*_net_isolation(), str(binary)], env=env, cwd=home,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        shown = False
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if WIZARD_TITLE in _windows(display):
                shown = True
                break
            time.sleep(0.5)
        shot = out / "wizard.png"
        if shown:
            time.sleep(2)  # let it paint
            # The screen is grabbed by a separate Qt client (the project's interpreter): X lets any
            # client read the root window, so this shows what the bundle drew, with the bundle's fonts.
            subprocess.run([sys.executable, "-c", _GRAB, str(shot)], env={**os.environ, "DISPLAY": display,
                           "QT_QPA_PLATFORM": "xcb"}, check=False, timeout=60)
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        dbs = list(home.rglob("courtdesk.sqlite3"))
        users = -1
        if dbs:
            with sqlite3.connect(dbs[0]) as con:
                users = con.execute("select count(*) from user_account").fetchone()[0]
        if not shown:
            say(f"no wizard; the program said:\n{output[-3000:]}")
        return shown, users, shot


def depends_check(deb: Path) -> list[str]:
    """The .deb's Depends, each with whether this machine has it (dpkg-query)."""
    line = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True,
                          check=True).stdout.strip()
    rows = []
    for dep in (d.strip() for d in line.split(",")):
        package = dep.split()[0]
        have = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package, f"{package}t64"],
                              capture_output=True, text=True, check=False).stdout
        rows.append(f"{dep} [{'installed ' + have if have else 'MISSING here'}]")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="reuse build/bundle (folder, .deb, .tar.gz)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=build.OUT / "check")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    version = build.version()
    deb = build.OUT / f"courtdesk_{version}_amd64.deb"
    tar = build.OUT / f"courtdesk-{version}-linux-x86_64.tar.gz"
    build_s = None
    if not args.no_build:
        started = time.perf_counter()
        build.main(["all"])
        build_s = time.perf_counter() - started
    for needed in (deb, tar, build.FOLDER / "courtdesk"):
        if not needed.exists():
            raise SystemExit(f"missing {needed}: run without --no-build")
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="courtdesk-root-") as tmp:
        root = Path(tmp) / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        binary = root / "opt/courtdesk/courtdesk"
        link = os.readlink(root / "usr/bin/courtdesk")
        desktop = (root / "usr/share/applications/courtdesk.desktop").read_text(encoding="utf-8")
        assert link == "/opt/courtdesk/courtdesk", link
        assert "Name=法院办公桌面系统" in desktop
        cache = Path(tmp) / "fontcache"
        fonts_conf = Path(tmp) / "fonts.conf"
        fonts_conf.write_text(EMPTY_FONTCONFIG.format(cache=cache), encoding="utf-8")
        floor, _ = build.glibc_floor(root / "opt/courtdesk")
        isolation = "unshare -rn (no network)" if _net_isolation() else "NOT isolated (unshare -rn refused)"
        with xvfb() as display:
            wizard, users, shot = first_run(binary, display, fonts_conf, args.out)
            bundle_fresh, bundle_again = measure("bundle", [str(binary)], display, fonts_conf, args.runs,
                                                 Path(tmp))
            source_fresh, source_again = measure("source", [sys.executable, "-m", "ui"], display, None,
                                                 args.runs, ROOT)
        lines += [
            f"bundle check {time.strftime('%Y-%m-%d %H:%M')} on {os.uname().nodename} "
            f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})",
            f"build: {'%.0f s' % build_s if build_s is not None else 'reused (--no-build)'}",
            f"folder {build.folder_mb(build.FOLDER):.0f} MB, .deb {deb.stat().st_size / 1e6:.0f} MB, "
            f".tar.gz {tar.stat().st_size / 1e6:.0f} MB",
            f"glibc floor GLIBC_{build.version_text(floor)} (highest symbol version of the bundled ELF files)",
            "Depends: " + "; ".join(depends_check(deb)),
            f"installed with dpkg-deb -x into {root} ; started under Xvfb/xcb, empty HOME, {isolation}, "
            "fontconfig without font folders",
            f"first run without --demo: wizard {'shown' if wizard else 'NOT shown'}, users in database: {users}, "
            f"screenshot {shot}",
            f"startup_ms bundle: fresh db median {statistics.median(bundle_fresh):.0f} {bundle_fresh}, "
            f"existing db median {statistics.median(bundle_again):.0f} {bundle_again}",
            f"startup_ms source: fresh db median {statistics.median(source_fresh):.0f} {source_fresh}, "
            f"existing db median {statistics.median(source_again):.0f} {source_again}",
        ]
    text = "\n".join(lines)
    (args.out / "last-output.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if wizard and users == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
