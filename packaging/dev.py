#!/usr/bin/env python3
"""CourtDesk developer entry point. Needs nothing but python3 (3.10+).

    python3 packaging/dev.py run  [app args…]     start the desktop app
    python3 packaging/dev.py test [pytest args…]  ruff, mypy, then the test suite (Qt offscreen,
                                                  one process per core; -n 0: a single one)

Both first make sure the environment is ready, and do only what is missing:

1. Debian/Ubuntu system packages: the shared libraries the PySide6 wheels link against (for the
   offscreen and the X11/xcb platform plugins), poppler-utils (``pdftoppm``, used by tests),
   fonts-hanazono (the face for CJK-extension characters in names, e.g. 𠮷), for
   ``test`` also xvfb, openbox and x11-utils (the real-window test at 1366x768) and, when the
   interpreter has no ``ensurepip``, ``python3.X-venv``. Checked with one dpkg-query
   call; ``apt-get`` runs only when something is missing (as root, else through sudo).
2. ``.venv`` in the repository root, created with ``python3 -m venv``.
3. ``pip install -e '.[test]'``, only when pyproject.toml changed since the last install (a hash
   stamp is kept in ``.venv``).

This file uses only the standard library on purpose: it runs before anything is installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
IS_WINDOWS = os.name == "nt"
VENV_PYTHON = VENV / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")
STAMP = VENV / ".courtdesk-install-stamp"
EXTRAS = "test"

# Debian 12 package names. Found by walking the ELF NEEDED entries of the PySide6 modules we use
# (QtCore/Gui/Widgets/PrintSupport/Pdf/PdfWidgets/Svg/Network/Test), the Qt libraries they pull
# in, and the platform (offscreen, minimal, xcb, wayland), xcb-gl, image-format and input-context
# plugins.
# libc6, libgcc-s1, libstdc++6, zlib1g and libzstd1 are left out: every Debian base system has them.
QT_OFFSCREEN_PACKAGES = [
    "libglib2.0-0",  # QtCore event loop (libglib, libgthread)
    "libegl1",  # QtGui
    "libgl1",  # QtGui and every plugin
    "libx11-6",  # QtGui
    "libxkbcommon0",  # QtGui, keyboard handling
    "libfontconfig1",  # QtGui font database (pulls in a default font)
    "libfreetype6",  # QtGui font rendering
    "libdbus-1-3",  # QtDBus, loaded by QtGui
    "libgssapi-krb5-2",  # QtNetwork, loaded by QtPdf
    "libbrotli1",  # QtNetwork
]
QT_XCB_PACKAGES = [  # a real window on X11 (`run`, or tests under Xvfb)
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxcb-glx0",
    "libxkbcommon-x11-0",
]
QT_WAYLAND_PACKAGES = ["libwayland-client0", "libwayland-cursor0", "libwayland-egl1"]  # `run` on Wayland
TOOL_PACKAGES = ["poppler-utils"]  # pdftoppm renders produced PDFs to PNG in tests
# The CJK-extension face for names (𠮷 U+20BB7 …: Extensions A–F), HanaMinA/HanaMinB, found at its Debian
# path by courtdesk/kernel/documents/fonts.py (EXTENSION_FACES) and loaded only when such a character
# is printed; without it those characters are refused at the field (resources/fonts/README.md).
FONT_PACKAGES = ["fonts-hanazono"]
# `test` only: a virtual 1366x768 X screen and a window manager, for the real-window test
# (tests/ui/test_real_window.py: nothing may lie below a real screen's edge or its taskbar).
TEST_SCREEN_PACKAGES = ["xvfb", "openbox", "x11-utils"]


def say(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def fail(message: str, code: int = 1) -> None:
    say(message)
    raise SystemExit(code)


# --------------------------------------------------------------------------------------------
# System packages


def _venv_package() -> str | None:
    """The Debian package that provides ensurepip for this interpreter, if it is missing."""
    if VENV_PYTHON.exists() or importlib.util.find_spec("ensurepip") is not None:
        return None
    return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def _installed(packages: list[str]) -> set[str]:
    """Names among *packages* that dpkg reports as installed (t64-renamed libraries count)."""
    query = packages + [f"{p}t64" for p in packages if p.startswith("lib")]
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *query],
        capture_output=True,
        check=False,
        text=True,
    )
    present = set()
    for line in result.stdout.splitlines():
        name, _, status = line.partition(" ")
        if status.startswith("ii"):
            present.add(name.removesuffix("t64"))
    return present


def _privilege_prefix() -> list[str] | None:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo"] if sys.stdin.isatty() else ["sudo", "-n"]
    return None


def ensure_system_packages(*, testing: bool = False) -> None:
    if not sys.platform.startswith("linux") or not shutil.which("dpkg-query"):
        return  # not Debian-like: the PySide6 wheels usually run, and pdftoppm tests skip
    wanted = QT_OFFSCREEN_PACKAGES + QT_XCB_PACKAGES + QT_WAYLAND_PACKAGES + TOOL_PACKAGES + FONT_PACKAGES
    if testing:
        wanted += TEST_SCREEN_PACKAGES
    venv_package = _venv_package()
    if venv_package:
        wanted.append(venv_package)
    present = _installed(wanted)
    missing = [p for p in wanted if p not in present]
    if not missing:
        return
    prefix = _privilege_prefix()
    if prefix is None or not shutil.which("apt-get"):
        say("these system packages are missing and I cannot install them (not root, no sudo):")
        say("  apt-get install -y --no-install-recommends " + " ".join(missing))
        if venv_package in missing:
            fail(f"{venv_package} is required to create .venv; install it and run again")
        say("continuing; Qt or PDF tests may fail until they are installed")
        return
    say("installing system packages: " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    apt = [*prefix, "apt-get", "-q", "-o", "DPkg::Lock::Timeout=300"]
    steps = [
        [*apt, "update"],
        [*apt, "install", "-y", "--no-install-recommends", *missing],
    ]
    for command in steps:
        # apt and dpkg are chatty; keep their output for when something goes wrong.
        result = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            print((result.stdout + result.stderr)[-4000:], file=sys.stderr)
            fail("apt-get failed: " + " ".join(command))
    say("system packages installed")


# --------------------------------------------------------------------------------------------
# Virtual environment and Python dependencies


def _venv_usable() -> bool:
    if not VENV_PYTHON.exists():
        return False
    # A venv points at its base interpreter; when that is gone (venv copied from elsewhere,
    # Python upgraded) the venv is dead.
    try:
        config = (VENV / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return False
    for line in config.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip()).is_dir()
    return False


def ensure_venv() -> None:
    if _venv_usable():
        return
    if VENV.exists():
        say(f"{VENV} is incomplete or its Python is gone; recreating it")
        shutil.rmtree(VENV)
    say(f"creating virtual environment {VENV.relative_to(ROOT)} with Python {sys.version.split()[0]}")
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0 or not VENV_PYTHON.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        fail(
            "python3 -m venv failed. On Debian/Ubuntu install "
            f"python{sys.version_info.major}.{sys.version_info.minor}-venv and run again."
        )


def _requirements_hash() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(f"\0[{EXTRAS}]".encode())
    return digest.hexdigest()


def ensure_python_dependencies() -> None:
    wanted = _requirements_hash()
    try:
        if STAMP.read_text(encoding="utf-8").strip() == wanted:
            return
    except OSError:
        pass
    say(f"installing Python dependencies: pip install -e '.[{EXTRAS}]' (first time: ~300 MB, a few minutes)")
    STAMP.unlink(missing_ok=True)
    command = [
        str(VENV_PYTHON),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        "-e",
        f".[{EXTRAS}]",
    ]
    if subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL, check=False).returncode != 0:
        fail("pip install failed (see above); fix the problem and run again")
    STAMP.write_text(wanted + "\n", encoding="utf-8")


@contextlib.contextmanager
def _bootstrap_lock() -> Iterator[None]:
    """Serialise concurrent bootstraps of the same checkout (two terminals, parallel CI steps)."""
    if IS_WINDOWS:
        yield
        return
    import fcntl

    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"courtdesk-dev-{key}.lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield  # closing the file releases the lock, so the exec'd child does not hold it


def ensure_environment(*, testing: bool = False) -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - this file runs under any python3
        fail(f"Python 3.10 or newer is needed, this is {sys.version.split()[0]}")
    started = time.monotonic()
    with _bootstrap_lock():
        ensure_system_packages(testing=testing)
        ensure_venv()
        ensure_python_dependencies()
    say(f"environment ready ({time.monotonic() - started:.2f} s)")


# --------------------------------------------------------------------------------------------
# Commands


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    # The checkout itself comes first on the path, so `-m ui` works from any directory.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _exec(argv: list[str], env: dict[str, str]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    if IS_WINDOWS:
        raise SystemExit(subprocess.run(argv, env=env, check=False).returncode)
    os.execve(argv[0], argv, env)  # pytest's / the app's exit status becomes ours


def command_run(args: list[str]) -> None:
    ensure_environment()
    env = _child_env()
    if sys.platform.startswith("linux") and not (
        env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM")
    ):
        say(
            "no DISPLAY or WAYLAND_DISPLAY set: the window cannot open (QT_QPA_PLATFORM=offscreen runs headless)"
        )
    # a new database is filled with demo data (the README's promise); the app alone asks the court
    _exec([str(VENV_PYTHON), "-m", "ui", "--demo", *args], env)


#: Static checks the test command runs before pytest: (name, module arguments).
STATIC_CHECKS = (
    ("ruff", ["ruff", "check", "courtdesk", "ui", "tests", "database", "packaging", "resources"]),
    ("mypy", ["mypy", "courtdesk/kernel", "courtdesk/areas"]),
)


def run_static_checks(env: dict[str, str]) -> bool:
    """ruff over everything and mypy over the kernel and the areas; True when both are clean."""
    clean = True
    for name, argv in STATIC_CHECKS:
        started = time.monotonic()
        result = subprocess.run([str(VENV_PYTHON), "-m", *argv], cwd=ROOT, env=env, check=False)
        say(f"{name}: {'ok' if result.returncode == 0 else 'FAILED'} ({time.monotonic() - started:.1f} s)")
        clean = clean and result.returncode == 0
    return clean


def command_test(args: list[str]) -> None:
    ensure_environment(testing=True)
    cwd = Path.cwd().resolve()
    if cwd != ROOT and ROOT not in cwd.parents:
        os.chdir(ROOT)  # pytest finds its configuration from the working directory
    env = _child_env(QT_QPA_PLATFORM="offscreen")
    static_ok = run_static_checks(env)
    sys.stdout.flush()
    sys.stderr.flush()
    status = subprocess.run([str(VENV_PYTHON), "-m", "pytest", *args], env=env, check=False).returncode
    if status == 0 and not static_ok:
        say("tests passed, but ruff or mypy found problems (see above)")
        status = 1
    raise SystemExit(status)


COMMANDS = {"run": command_run, "test": command_test}


def main(argv: list[str]) -> None:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        raise SystemExit(2)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
