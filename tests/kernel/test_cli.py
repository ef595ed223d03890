"""``python -m courtdesk``: a user's mistake gets a Chinese message and a non-zero exit, never a
traceback; a password is never printed; only ``init`` and ``demo-data`` may create a database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.command_probe import probe

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgresql://u:secret@127.0.0.1:1/x"  # nothing listens on port 1: the connection fails


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", "courtdesk", *args], capture_output=True, text=True,
                          timeout=120, env=env, check=False)


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("错误：")
    for word in words:
        assert word in result.stderr


def test_a_file_that_is_not_a_database_is_refused_without_a_traceback(tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("这不是数据库\n" * 100, encoding="utf-8")
    _refused(_run("backup", "--db", str(notes), "--out", str(tmp_path / "b.sqlite3")), "不是")
    _refused(_run("verify-audit", "--db", str(notes)), "不是")
    _refused(_run("init", "--db", str(notes)), "不是")
    assert not (tmp_path / "b.sqlite3").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]  # no empty notes.sqlite3.lock left


def test_a_file_that_is_not_a_backup_is_refused(db_path: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    _refused(_run("restore", "--db", str(db_path), "--from", str(notes)), "不是 SQLite 数据库文件")
    _refused(_run("restore", "--db", str(db_path), "--from", str(tmp_path / "missing.sqlite3")), "不存在")


def test_demo_data_on_a_filled_database_is_refused(db_path: Path) -> None:
    _refused(_run("demo-data", "--db", str(db_path)), "已有数据")


@pytest.mark.parametrize("command", [
    ["verify-audit"],
    ["backup", "--out", "{tmp}/b.sqlite3"],
    ["render", "--list"],
    ["print-register", "x", "--user", "admin", "--out", "{tmp}/r.pdf"],
])
def test_a_missing_database_is_refused_and_not_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo" / "court.sqlite3"
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    _refused(_run(args[0], "--db", str(missing), *args[1:]), "不存在", str(missing))
    assert not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_restoring_a_missing_database_from_a_missing_backup_names_the_backup_and_creates_nothing(
        tmp_path: Path) -> None:
    """Restoring onto a lost database is allowed (that is what a restore is for), so what is refused
    here is the backup that is not there."""
    missing = tmp_path / "typo" / "court.sqlite3"
    _refused(_run("restore", "--db", str(missing), "--from", str(tmp_path / "b.sqlite3")), "备份文件", "不存在")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["init"], ["verify-audit"], ["demo-data"], ["backup", "--out", "b.sqlite3"]])
def test_a_postgresql_password_is_never_printed(command: list[str]) -> None:
    result = _run(command[0], "--db", PG_URL, *command[1:])
    assert result.returncode != 0
    assert "secret" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_init_prints_the_url_without_its_password() -> None:
    from courtdesk.cli import shown_url

    assert shown_url(PG_URL) == "postgresql://u:***@127.0.0.1:1/x"
    assert shown_url("sqlite:////tmp/court.sqlite3") == "sqlite:////tmp/court.sqlite3"


# --- render / print-register: where the file goes and in which format ----------------------------------


def _first_document(db_path: Path) -> tuple[str, str]:
    """A document kind and the id of a demo record that has it."""
    from courtdesk.kernel import printing
    from courtdesk.kernel.db import open_database

    db = open_database(str(db_path))
    try:
        with db.read() as s:
            kind = printing.all_kinds()[0]
            return kind.name, str(s.scalars(kind.ids()).first())
    finally:
        db.dispose()


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from courtdesk.cli import main

    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("command", ["render", "print-register"])
def test_an_output_folder_that_is_missing_or_is_a_folder_is_refused_and_nothing_is_left(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    what = [*_first_document(db_path)] if command == "render" else ["seal_use", "--user", "clerk"]
    def files() -> list[str]:  # the database's own -wal/-shm come and go
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(db_path.name))

    before = files()
    code, err = _main(capsys, command, *what, "--db", str(db_path), "--out", str(out / "缺少" / "x.pdf"))
    assert code == 2 and err.startswith("错误：输出文件：") and "不存在" in err and str(out / "缺少") in err
    code, err = _main(capsys, command, *what, "--db", str(db_path), "--out", str(out))
    assert code == 2 and err.startswith("错误：输出文件：") and "是文件夹" in err

    assert list(out.iterdir()) == []  # no .part, no half-written file
    assert files() == before


def test_the_format_comes_from_the_extension_and_a_mismatch_is_refused(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kind, record = _first_document(db_path)
    base = ["render", kind, record, "--db", str(db_path)]

    assert _main(capsys, *base, "--out", str(tmp_path / "信.docx"))[0] == 0
    assert (tmp_path / "信.docx").read_bytes()[:2] == b"PK"  # a Word file, not a PDF named .docx
    assert _main(capsys, *base, "--out", str(tmp_path / "信.PDF"))[0] == 0
    assert (tmp_path / "信.PDF").read_bytes()[:5] == b"%PDF-"

    code, err = _main(capsys, *base, "--format", "pdf", "--out", str(tmp_path / "x.docx"))
    assert code == 2 and "与 --format pdf 不一致" in err and "x.pdf" in err
    code, err = _main(capsys, *base, "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "扩展名「.txt」" in err and ".pdf、.docx" in err
    code, err = _main(capsys, "print-register", "seal_use", "--user", "clerk", "--db", str(db_path),
                      "--format", "docx", "--out", str(tmp_path / "簿.pdf"))
    assert code == 2 and "与 --format docx 不一致" in err
    assert not any(p.name.startswith("x.") or p.name.startswith("簿") for p in tmp_path.iterdir())


def test_render_and_print_register_refuse_a_mistyped_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "cuort.sqlite3"
    code, err = _main(capsys, "render", "investigation_letter", "1", "--db", str(typo), "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "不存在" in err and str(typo) in err
    code, err = _main(capsys, "print-register", "seal_use", "--user", "clerk", "--db", str(typo),
                      "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "不存在" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "words"), [
    (["print-register", "seal_use", "--user", "clerk", "--date-from", "2026-13-45"], "--date-from：「2026-13-45」不是有效日期"),
    (["print-register", "seal_use", "--user", "clerk", "--filter", "nofilter"], "--filter：登记簿「印章使用登记簿」没有筛选"),
    (["print-register", "seal_use", "--user", "clerk", "--date-from", "2026-12-01", "--date-to", "2026-01-01"],
     "--date-from：2026-12-01 晚于 --date-to"),
    (["print-register", "seal_use", "--user", "clerk", "--search", "印" * 40000], "--search：检索词不能超过 200 个字"),
    (["render", "letter", "abc"], "记录编号：「abc」不是记录编号"),
])
def test_command_line_mistakes_get_a_chinese_message_naming_the_option(db_path: Path, tmp_path: Path, capsys,
                                                                       args: list[str], words: str) -> None:
    """Issue 19 §4: no traceback, no English argparse error, no silently wrong printout."""
    from courtdesk import cli

    code = cli.main([*args, "--db", str(db_path), "--out", str(tmp_path / "out.pdf")])
    said = capsys.readouterr()
    assert code != 0 and said.err.startswith("错误：") and words in said.err, said.err
    assert "Traceback" not in said.err + said.out and not (tmp_path / "out.pdf").exists()


def test_printing_as_a_deactivated_account_is_refused(db_path: Path, tmp_path: Path, capsys) -> None:
    from sqlalchemy import select

    from courtdesk import cli
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.people import PeopleService

    db = open_database(str(db_path))
    try:
        with db.read() as s:
            admin = s.scalar(select(User).where(User.username == "admin"))
            clerk = s.scalar(select(User).where(User.username == "clerk"))
            _ = admin.roles
        PeopleService(db).set_user_active(admin, clerk.id, False)
    finally:
        db.dispose()
    code = cli.main(["print-register", "seal_use", "--user", "clerk", "--db", str(db_path),
                     "--out", str(tmp_path / "r.pdf")])
    said = capsys.readouterr()
    assert code != 0 and "--user：「clerk」的账号已停用" in said.err and not (tmp_path / "r.pdf").exists()


_IMPORTS_OF_A_RENDER = """
from courtdesk.kernel.documents import fonts
loaded = sorted(name for name in sys.modules)
print("MODULES", " ".join(loaded))
print("FACES", " ".join(sorted(f"{Path(p).name}:{n}" for (p, _i), n in fonts.PARSES.items())))
"""


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_render_as_a_command_imports_no_qt_and_only_its_own_renderer(db_path: Path, tmp_path: Path, fmt: str) -> None:
    kind, record = _first_document(db_path)
    result = probe(["render", kind, record, "--db", str(db_path), "--out", str(tmp_path / f"doc.{fmt}")],
                   _IMPORTS_OF_A_RENDER)
    assert result.returncode == 0, result.stderr
    modules = set(next(line for line in result.stdout.splitlines() if line.startswith("MODULES")).split()[1:])
    assert not {m for m in modules if m.split(".")[0] in {"PySide6", "shiboken6", "ui"}}
    # the PDF needs no python-docx or lxml (the DOCX does need reportlab: it pages by the PDF layout)
    if fmt == "pdf":
        assert "docx" not in modules and "lxml" not in modules
    assert "pypdf" not in modules  # only a PDF of more than one chunk is stitched by pypdf
    assert (tmp_path / f"doc.{fmt}").is_file()


def test_a_rendered_letter_parses_only_the_faces_it_draws_with_each_once(db_path: Path, tmp_path: Path) -> None:
    from courtdesk.kernel import printing
    from courtdesk.kernel.db import open_database

    db = open_database(str(db_path))
    try:
        with db.read() as s:
            record = s.scalars(printing.kind("investigation_letter").ids()).first()
    finally:
        db.dispose()
    result = probe(["render", "investigation_letter", str(record), "--db", str(db_path),
                    "--out", str(tmp_path / "letter.pdf")], _IMPORTS_OF_A_RENDER)
    assert result.returncode == 0, result.stderr
    faces = dict(item.split(":") for item in
                 next(line for line in result.stdout.splitlines() if line.startswith("FACES")).split()[1:])
    # the Song face and Liberation Serif at least, each parsed once; never Kai or WenQuanYi (no
    # character of a letter needs them)
    assert {"gbsn00lp.ttf", "LiberationSerif-Regular.ttf"} <= set(faces)
    assert set(faces.values()) == {"1"}
    assert "gkai00mp.ttf" not in faces and "wqy-microhei.ttc" not in faces
