"""The index of the areas (``courtdesk.areas.INDEX``) lets ``render`` and ``print-register`` import the
one area they need (issue 21). It is a hint the declarations must agree with: these tests compare it
with full discovery name by name, so it cannot drift; and a command run with it imports only the area
that declares its document (and those that area builds on), opens the database without upgrading it,
and refuses a schema that is not exactly the program's with a Chinese sentence."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from courtdesk.kernel import area
from tests.support.command_probe import probe


def _declared_by_discovery() -> dict[str, dict[str, tuple[str, ...] | str]]:
    found: dict[str, dict[str, tuple[str, ...] | str]] = {}
    for declared in area.areas():
        if not area.module_of(declared.key).startswith("courtdesk.areas."):
            continue  # an area installed by a test or offered by another distribution: not indexed
        entry: dict[str, tuple[str, ...] | str] = {}
        if declared.documents:
            entry["documents"] = tuple(k.name for k in declared.documents)
        if declared.registers:
            entry["registers"] = tuple(r.key for r in declared.registers)
        if declared.migrations:
            entry["migrations"] = declared.migrations
        found[declared.key] = entry
    return found


def test_the_index_names_exactly_what_each_area_declares() -> None:
    """The drift test: every bundled area, each of its document kinds and registers (in order), in
    the index and in the area's ``AREA`` alike — add a kind to an area and this fails until the index
    line is added too."""
    indexed = {key: {field: tuple(v) if not isinstance(v, str) else v for field, v in entry.items()}
               for key, entry in area.index().items()}
    assert indexed == _declared_by_discovery()
    for key in indexed:  # each index key is its package (the index never says where else to look)
        assert area.module_of(key) == f"courtdesk.areas.{key}"


def test_the_schema_branches_named_without_importing_agree_with_discovery() -> None:
    assert area.branches() == sorted((a.key, a.migrations) for a in area.areas())


_AREAS_OF_A_COMMAND = """
print("AREAS", " ".join(sorted({m.split(".")[2] for m in sys.modules if m.startswith("courtdesk.areas.")})))
print("HEAVY", " ".join(sorted({m.split(".")[0] for m in sys.modules} & {
    "PySide6", "docx", "lxml", "pypdf", "openpyxl", "alembic", "cryptography"})))
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return probe(list(args), _AREAS_OF_A_COMMAND)


def _line(result: subprocess.CompletedProcess[str], tag: str) -> set[str]:
    assert result.returncode == 0, result.stderr
    return set(next(line for line in result.stdout.splitlines() if line.startswith(tag)).split()[1:])


@pytest.mark.parametrize(("command", "areas"), [
    # an investigation letter: its area and what it builds on (letters → seals → system), no other
    (["render", "investigation_letter", "1"], {"enforcement", "letters", "seals", "system"}),
    (["print-register", "seal_use", "--user", "clerk"], {"seals", "system"}),
])
def test_a_command_in_one_area_imports_that_area_and_those_it_builds_on(
        db_path: Path, tmp_path: Path, command: list[str], areas: set[str]) -> None:
    result = _run(*command, "--db", str(db_path), "--out", str(tmp_path / "out.pdf"))
    assert _line(result, "AREAS") == areas
    assert _line(result, "HEAVY") == set()  # no Qt, no DOCX/XML, no stitching, no migrations
    from pypdf import PdfReader

    assert "".join(p.extract_text() for p in PdfReader(tmp_path / "out.pdf").pages).strip()


def _stamped(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))


def _restamp(path: Path, old: str, new: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ? WHERE version_num = ?", (new, old))


def test_render_refuses_an_older_schema_and_does_not_upgrade_it(db_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from courtdesk import cli
    from courtdesk.kernel.db import migrate

    history = migrate.history()
    head = next(h for h in sorted(history.heads()) if history.revisions[h].down)
    _restamp(db_path, head, history.revisions[head].down[0])  # as if the newest migration were missing
    before = _stamped(db_path)
    code = cli.main(["render", "investigation_letter", "1", "--db", str(db_path), "--out", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and "结构版本比本程序旧" in err and "init" in err
    assert _stamped(db_path) == before  # not upgraded behind the clerk's back
    assert not (tmp_path / "x.pdf").exists()
    assert not list(db_path.parent.glob("*.bak"))  # nor backed up for an upgrade


def test_render_refuses_a_newer_schema(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from courtdesk import cli

    _restamp(db_path, _stamped(db_path)[0], "ffffffffffff")
    code = cli.main(["print-register", "seal_use", "--user", "clerk", "--db", str(db_path),
                     "--out", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and "比本程序新" in err and "ffffffffffff" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_name_the_index_puts_in_the_wrong_area_is_still_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is a hint: the declarations decide. (Run after discovery here, so this checks the
    answer, not the imports; the subprocess test above checks the imports.)"""
    import courtdesk.areas

    moved = {k: dict(v) for k, v in courtdesk.areas.INDEX.items()}
    moved["system"]["documents"] = ("investigation_letter",)
    moved["enforcement"]["documents"] = ("seizure_transcript",)
    monkeypatch.setattr(courtdesk.areas, "INDEX", moved)
    found = area.declaring("documents", "investigation_letter")
    assert found is not None and found.key == "enforcement"
    assert area.declaring("documents", "no_such_kind") is None
    assert area.declaring("registers", "seal_use").key == "seals"  # type: ignore[union-attr]
