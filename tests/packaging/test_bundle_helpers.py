"""The pure parts of the offline bundle's build (packaging/bundle/build.py): what the .deb says about
itself and what the glibc floor is read from. The build itself (minutes) runs in packaging/bundle_check.py."""

from __future__ import annotations

import configparser
import importlib.util
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _build():
    spec = importlib.util.spec_from_file_location("courtdesk_bundle_build", ROOT / "packaging/bundle/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build()

OBJDUMP_T = """
libQt6Core.so.6:     file format elf64-x86-64

DYNAMIC SYMBOL TABLE:
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) free
0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) __libc_start_main
0000000000000000      DF *UND*  0000000000000000  GLIBC_2.3.4 __sprintf_chk
0000000000000000      DF *UND*  0000000000000000  GLIBC_PRIVATE _dl_find_object
0000000000000000  w   DF *UND*  0000000000000000 (GLIBCXX_3.4.29) _ZNSt6thread
"""


def test_glibc_floor_is_the_highest_version_not_the_longest_or_last_text():
    versions = build.glibc_versions(OBJDUMP_T)
    assert versions == {(2, 2, 5), (2, 34), (2, 3, 4)}  # GLIBC_PRIVATE and GLIBCXX are not glibc versions
    assert build.version_text(max(versions)) == "2.34"  # 2.34 > 2.3.4 > 2.2.5 as numbers, not as strings


def test_needed_libraries_are_read_from_the_dynamic_section():
    text = "Dynamic Section:\n  NEEDED               libxcb.so.1\n  NEEDED               libc.so.6\n  SONAME x\n"
    assert build.needed_libraries(text) == ["libxcb.so.1", "libc.so.6"]


def test_desktop_entry_names_the_program_in_chinese_and_starts_the_installed_binary():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(build.desktop_entry())
    entry = parser["Desktop Entry"]
    assert entry["Name"] == "法院办公桌面系统"
    assert entry["Name[zh_CN]"] == "法院办公桌面系统"
    assert entry["Exec"] == "/usr/bin/courtdesk"
    assert entry["Icon"] == "courtdesk" and entry["Type"] == "Application" and entry["Terminal"] == "false"


def test_control_file_depends_on_the_measured_glibc_and_few_system_libraries():
    text = build.control_file(version="0.1.0", arch="amd64", installed_kb=123, glibc="2.34")
    fields = dict(line.split(": ", 1) for line in text.splitlines() if line and not line.startswith(" "))
    assert fields["Package"] == "courtdesk" and fields["Architecture"] == "amd64"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert depends[0] == "libc6 (>= 2.34)"
    assert set(depends[1:]) == {"libgl1", "libegl1", "libxcb1"}  # the rest is inside the folder
    assert fields["Installed-Size"] == "123"
    assert text.endswith("\n")  # dpkg-deb refuses a control file without a final newline


def test_ico_holds_every_png_with_its_size_and_offset():
    pngs = {16: b"\x89PNG-16", 256: b"\x89PNG-256-bytes"}
    data = build.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 2)
    for i, size in enumerate((16, 256)):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert width == height == (0 if size == 256 else size)
        assert (planes, bits) == (1, 32)
        assert data[offset:offset + length] == pngs[size]


def test_install_text_states_the_glibc_floor_and_the_commands():
    text = build.INSTALL_TEXT.format(glibc="2.34", version="0.1.0")
    assert "glibc >= 2.34" in text
    assert "tar -xzf courtdesk-0.1.0-linux-x86_64.tar.gz" in text and "--demo" in text
