#!/usr/bin/env python3
"""Build the offline Linux bundle: the PyInstaller folder, a ``.deb`` and a ``.tar.gz`` (docs/PACKAGING.md).

    python packaging/bundle/build.py [all]     folder, .deb and .tar.gz into build/bundle/
    python packaging/bundle/build.py folder    only the PyInstaller folder (build/bundle/dist/courtdesk)
    python packaging/bundle/build.py deb|tar   package an already built folder
    python packaging/bundle/build.py icons     the PNG sizes and courtdesk.ico (also on Windows)
    python packaging/bundle/build.py report    glibc floor and the system libraries the folder needs

Run it with the project's interpreter (``.venv/bin/python``) after ``pip install -e '.[bundle]'``; it
needs ``objdump`` (binutils) and ``dpkg-deb`` (dpkg) — both on every Debian/Ubuntu — and the Hanazono
faces (Debian package fonts-hanazono), which the spec copies into the folder. Nothing is fetched.

The pure helpers (glibc versions out of ``objdump -T``, the desktop entry, the control file, the .ico
container) are tested by tests/packaging/test_bundle_helpers.py; the build itself is not part of the
test run (it takes minutes): ``packaging/bundle_check.py`` builds, installs and starts it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SPEC = HERE / "courtdesk.spec"
ICON_SVG = HERE / "icons" / "courtdesk.svg"
OUT = ROOT / "build" / "bundle"
DIST = OUT / "dist"
FOLDER = DIST / "courtdesk"
WORK = OUT / "work"
ICON_OUT = OUT / "icons"

APP = "courtdesk"
NAME_ZH = "法院办公桌面系统"
INSTALL_DIR = "/opt/courtdesk"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
MAINTAINER = "CourtDesk 项目组 <courtdesk@localhost>"

#: What the target system must provide, beyond what the folder carries (measured with ``report``,
#: which walks the NEEDED entries of every bundled ELF file: everything else is inside the folder —
#: libxcb-cursor0, libxkbcommon-x11-0, the other xcb-util libraries, fontconfig and freetype are copied
#: from the build machine by PyInstaller, so they need not be installed). Debian/Ubuntu names, which
#: Kylin and UOS share.
DEPENDS = (
    "libc6 (>= {glibc})",  # glibc, libm, libdl, libpthread, librt, libresolv
    "libgl1",  # libGL: QtGui and the xcb-glx integration (the machine's own, it goes with its driver)
    "libegl1",  # libEGL: QtGui and the xcb-egl integration
    "libxcb1",  # the X protocol library (left to the machine, like libGL)
)
#: Only for a Wayland session (the wayland platform plugin); on X11 (Kylin, UOS) not loaded at all.
RECOMMENDS = ("libwayland-client0", "libwayland-cursor0", "libwayland-egl1", "fontconfig-config")


def say(message: str) -> None:
    print(f"[bundle] {message}", file=sys.stderr, flush=True)


def version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    return match.group(1) if match else "0"


def deb_arch() -> str:
    return "amd64"


# --- pure helpers (tested) ---------------------------------------------------------------------

_GLIBC = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def glibc_versions(objdump_t: str) -> set[tuple[int, ...]]:
    """The GLIBC_x.y[.z] symbol versions an ``objdump -T`` listing references (GLIBC_PRIVATE is not a
    version)."""
    return {tuple(int(p) for p in m.groups() if p is not None) for m in _GLIBC.finditer(objdump_t)}


def version_text(v: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in v)


def needed_libraries(objdump_p: str) -> list[str]:
    """The NEEDED entries of an ``objdump -p`` listing."""
    return re.findall(r"^\s*NEEDED\s+(\S+)", objdump_p, re.M)


def desktop_entry(exec_path: str = f"/usr/bin/{APP}") -> str:
    """The freedesktop entry: Chinese name first (the desktops of Kylin and UOS show Name[zh_CN])."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={NAME_ZH}",
        f"Name[zh_CN]={NAME_ZH}",
        "Name[en]=CourtDesk",
        "GenericName=Court office desktop",
        f"GenericName[zh_CN]={NAME_ZH}",
        "Comment=法院办公：收发文、印章、执行、财务、保密与信息化登记簿",
        f"Exec={exec_path}",
        f"Icon={APP}",
        "Terminal=false",
        "Categories=Office;",
        "StartupWMClass=courtdesk",
        "",
    ])


def control_file(*, version: str, arch: str, installed_kb: int, glibc: str,
                 depends: Iterable[str] = DEPENDS, recommends: Iterable[str] = RECOMMENDS) -> str:
    deps = ", ".join(d.format(glibc=glibc) for d in depends)
    return "\n".join([
        f"Package: {APP}",
        f"Version: {version}",
        "Section: misc",
        "Priority: optional",
        f"Architecture: {arch}",
        f"Maintainer: {MAINTAINER}",
        f"Installed-Size: {installed_kb}",
        f"Depends: {deps}",
        f"Recommends: {', '.join(recommends)}",
        f"Description: CourtDesk {NAME_ZH}",
        " Offline office desktop for a basic-level people's court: registers, documents (PDF/DOCX),",
        " seals, enforcement, finance, confidentiality and IT. Self-contained (Python, Qt and fonts",
        f" inside {INSTALL_DIR}); SQLite by default, PostgreSQL for several workstations.",
        "",
    ])


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (Windows Vista and later read PNG entries), largest last."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


INSTALL_TEXT = f"""CourtDesk {NAME_ZH} — Linux x86_64 离线安装包（.tar.gz）

本包自带 Python、Qt 6 与全部字体，安装和运行都不需要联网。

需要：x86_64 的 Linux，glibc >= {{glibc}}（银河麒麟 V10、统信 UOS 20 及更新版本均满足），
图形界面为 X11（Wayland 另需 libwayland-client0/-cursor0/-egl1）；系统须有 libGL、libEGL（显卡驱动自带）、libxcb1。

安装（以 root 身份）：
    tar -xzf courtdesk-{{version}}-linux-x86_64.tar.gz -C /opt
    mv /opt/courtdesk-{{version}}-linux-x86_64 {INSTALL_DIR}
    ln -sf {INSTALL_DIR}/courtdesk /usr/bin/courtdesk
    install -Dm644 {INSTALL_DIR}/share/courtdesk.desktop /usr/share/applications/courtdesk.desktop
    install -Dm644 {INSTALL_DIR}/share/courtdesk.svg /usr/share/icons/hicolor/scalable/apps/courtdesk.svg

不安装、直接运行：
    ./courtdesk                 新数据库先进入“首次设置”（本院名称、代字、部门、印章、管理员）
    ./courtdesk --demo          新数据库写入演示数据（演示账号密码 Demo2026）
    ./courtdesk --db 文件或URL   指定数据库（PostgreSQL：postgresql+psycopg://用户@服务器/库）
    ./courtdesk cli --help      命令行工具（渲染文书、演示数据、备份等）

数据库与生成的文件保存在用户的数据目录（默认 ~/.local/share/CourtDesk/，系统设置页可查看和更改），
不在程序目录里。卸载：删除 {INSTALL_DIR} 与上述两个链接/文件；数据保留。
Debian/Ubuntu/麒麟/UOS 上更推荐 .deb：  dpkg -i courtdesk_{{version}}_amd64.deb
"""


# --- ELF inspection ----------------------------------------------------------------------------

def elf_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


def _objdump(flag: str, path: Path) -> str:
    return subprocess.run(["objdump", flag, str(path)], capture_output=True, text=True, check=False).stdout


def glibc_floor(folder: Path) -> tuple[tuple[int, ...], list[str]]:
    """The highest GLIBC_ symbol version any bundled ELF file references, and the files that need it."""
    best: tuple[int, ...] = (0,)
    who: list[str] = []
    for path in elf_files(folder):
        found = glibc_versions(_objdump("-T", path))
        if not found:
            continue
        top = max(found)
        if top > best:
            best, who = top, [str(path.relative_to(folder))]
        elif top == best:
            who.append(str(path.relative_to(folder)))
    return best, who


def system_libraries(folder: Path) -> dict[str, list[str]]:
    """Shared libraries the bundled files need that the folder does not carry: soname → who needs it."""
    present = {p.name for p in folder.rglob("*.so*")}
    wanted: dict[str, list[str]] = {}
    for path in elf_files(folder):
        for name in needed_libraries(_objdump("-p", path)):
            if name not in present:
                wanted.setdefault(name, []).append(str(path.relative_to(folder)))
    return dict(sorted(wanted.items()))


def debian_package(soname: str) -> str:
    """The package providing ``soname`` on the build machine (dpkg -S), or '?'."""
    result = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False)
    line = result.stdout.splitlines()[0] if result.stdout else ""
    return line.split(":")[0] if line else "?"


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


# --- steps --------------------------------------------------------------------------------------

def build_folder() -> float:
    """Run PyInstaller on the spec; seconds taken."""
    started = time.perf_counter()
    say(f"PyInstaller {SPEC.relative_to(ROOT)} → {FOLDER.relative_to(ROOT)}")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)], check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    say(f"folder built in {seconds:.0f} s: {folder_mb(FOLDER):.0f} MB")
    return seconds


_RENDER_ICONS = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
app = QGuiApplication(["icons"])
renderer = QSvgRenderer(sys.argv[1])
for size in map(int, sys.argv[3:]):
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    image.save(f"{sys.argv[2]}/courtdesk-{size}.png")
"""


def build_icons() -> Path:
    """PNGs of every hicolor size and courtdesk.ico, rendered from icons/courtdesk.svg with Qt."""
    ICON_OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", _RENDER_ICONS, str(ICON_SVG), str(ICON_OUT),
                    *map(str, ICON_SIZES)], check=True, env=env)
    pngs = {s: (ICON_OUT / f"courtdesk-{s}.png").read_bytes() for s in (16, 24, 32, 48, 64, 256)}
    (ICON_OUT / "courtdesk.ico").write_bytes(ico_bytes(pngs))
    return ICON_OUT


def _floor_text() -> str:
    floor, _ = glibc_floor(FOLDER)
    return version_text(floor)


def build_deb(glibc: str | None = None) -> Path:
    """``build/bundle/courtdesk_<version>_amd64.deb``: /opt/courtdesk, /usr/bin/courtdesk, desktop entry,
    hicolor icons. Built with ``dpkg-deb --root-owner-group`` (files owned by root without fakeroot)."""
    if not (FOLDER / APP).is_file():
        raise SystemExit(f"no bundle folder at {FOLDER}: run `build.py folder` first")
    build_icons()
    glibc = glibc or _floor_text()
    deb = OUT / f"{APP}_{version()}_{deb_arch()}.deb"
    with tempfile.TemporaryDirectory(prefix="courtdesk-deb-", dir=OUT) as tmp:
        root = Path(tmp)
        shutil.copytree(FOLDER, root / INSTALL_DIR.lstrip("/"), symlinks=True)
        (root / "usr/bin").mkdir(parents=True)
        (root / "usr/bin" / APP).symlink_to(f"{INSTALL_DIR}/{APP}")
        apps = root / "usr/share/applications"
        apps.mkdir(parents=True)
        (apps / f"{APP}.desktop").write_text(desktop_entry(), encoding="utf-8")
        icons = root / "usr/share/icons/hicolor"
        for size in ICON_SIZES:
            target = icons / f"{size}x{size}/apps"
            target.mkdir(parents=True)
            shutil.copy(ICON_OUT / f"courtdesk-{size}.png", target / f"{APP}.png")
        (icons / "scalable/apps").mkdir(parents=True)
        shutil.copy(ICON_SVG, icons / "scalable/apps" / f"{APP}.svg")
        doc = root / "usr/share/doc" / APP
        doc.mkdir(parents=True)
        (doc / "README.fonts.md").write_bytes((ROOT / "resources/fonts/README.md").read_bytes())
        debian = root / "DEBIAN"
        debian.mkdir()
        installed_kb = round(sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1024)
        (debian / "control").write_text(control_file(version=version(), arch=deb_arch(),
                                                     installed_kb=installed_kb, glibc=glibc), encoding="utf-8")
        for script, body in (("postinst", _POSTINST), ("postrm", _POSTRM)):
            (debian / script).write_text(body, encoding="utf-8")
            (debian / script).chmod(0o755)
        for path in root.rglob("*"):  # dpkg-deb refuses group/world-writable control files
            if not path.is_symlink():
                path.chmod(path.stat().st_mode & ~0o022)
        say(f"dpkg-deb → {deb.relative_to(ROOT)}")
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(root), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    return deb


_POSTINST = """#!/bin/sh
set -e
if [ "$1" = configure ]; then
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
exit 0
"""
_POSTRM = """#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
exit 0
"""


def build_tar(glibc: str | None = None) -> Path:
    """``build/bundle/courtdesk-<version>-linux-x86_64.tar.gz``: the folder, INSTALL.txt, share/."""
    if not (FOLDER / APP).is_file():
        raise SystemExit(f"no bundle folder at {FOLDER}: run `build.py folder` first")
    build_icons()
    glibc = glibc or _floor_text()
    top = f"{APP}-{version()}-linux-x86_64"
    tar = OUT / f"{top}.tar.gz"
    extra = OUT / "tar-extra"
    shutil.rmtree(extra, ignore_errors=True)
    (extra / "share").mkdir(parents=True)
    (extra / "INSTALL.txt").write_text(INSTALL_TEXT.format(glibc=glibc, version=version()), encoding="utf-8")
    (extra / "share" / f"{APP}.desktop").write_text(desktop_entry(), encoding="utf-8")
    shutil.copy(ICON_SVG, extra / "share" / f"{APP}.svg")
    shutil.copy(ICON_OUT / "courtdesk-256.png", extra / "share" / f"{APP}.png")
    say(f"tar → {tar.relative_to(ROOT)}")

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(tar, "w:gz", compresslevel=6) as out:
        out.add(FOLDER, arcname=top, filter=owned_by_root)
        for path in sorted(extra.rglob("*")):
            out.add(path, arcname=f"{top}/{path.relative_to(extra)}", recursive=False, filter=owned_by_root)
    shutil.rmtree(extra)
    return tar


def report() -> None:
    floor, who = glibc_floor(FOLDER)
    print(f"glibc_floor=GLIBC_{version_text(floor)}  (needed by {', '.join(who[:4])}{' …' if len(who) > 4 else ''})")
    for soname, users in system_libraries(FOLDER).items():
        print(f"system {soname:28s} {debian_package(soname):22s} ← {users[0]}{' …' if len(users) > 1 else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", default="all", choices=("all", "folder", "deb", "tar", "icons", "report"))
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.step in ("all", "folder"):
        build_folder()
    if args.step == "icons":
        print(build_icons())
    if args.step in ("all", "deb", "tar"):
        glibc = _floor_text()
        if args.step in ("all", "deb"):
            print(build_deb(glibc))
        if args.step in ("all", "tar"):
            print(build_tar(glibc))
    if args.step == "report":
        report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
