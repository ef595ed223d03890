"""`render` and `print-register`: every document kind renders from demo data; registers print."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import printing
from courtdesk.kernel.documents import document_text_lines
from tests.support.readback import docx_body_lines, pdf_fonts, pdf_page_texts, squash

RUN = [sys.executable, "-m", "courtdesk"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RUN, *args], check=False, capture_output=True, text=True, timeout=300)


def test_render_list_names_every_kind_with_its_records(db_path):
    result = cli("render", "--list", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.strip().splitlines()]
    names = {line[0] for line in lines}
    assert {"introduction_letter", "investigation_letter", "seizure_transcript"} <= names
    assert {k.name for k in printing.all_kinds()} == names
    for name, title, ids in lines:
        assert title and ids != "-", f"{name} has no demo record"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_kind_renders_from_demo_data(db, db_path, tmp_path, fmt):
    with db.read() as s:
        for k in printing.all_kinds():
            first = s.scalars(k.ids()).first()
            out = tmp_path / f"{k.name}.{fmt}"
            result = cli("render", k.name, str(first), "--db", str(db_path), "--out", str(out))
            assert result.returncode == 0, result.stderr
            text = squash("".join(pdf_page_texts(out)) if fmt == "pdf" else "".join(docx_body_lines(out)))
            expected = [squash(line) for line in document_text_lines(k.build(s, first)) if squash(line)]
            assert expected, k.name
            missing = [line for line in expected if line not in text]
            assert missing == [], f"{k.name}: {missing[:3]}"
            assert "None" not in text and "{" not in text
            if fmt == "pdf":
                fonts = pdf_fonts(out)
                assert fonts and all(f.embedded for f in fonts)


def test_render_refuses_an_id_without_that_document(db_path, tmp_path):
    result = cli("render", "investigation_letter", "999999", "--db", str(db_path), "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert "第 999999 号记录不存在" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_register_prints_as_a_paged_book_of_the_current_filter(db, db_path, tmp_path):
    out = tmp_path / "seal.pdf"
    result = cli("print-register", "seal_use", "--db", str(db_path), "--user", "clerk", "--filter", "stamped",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    pages = pdf_page_texts(out)
    with db.read() as s:
        stamped = s.scalar(select(func.count()).select_from(SealUse).where(SealUse.status == "stamped"))
        numbers = s.scalars(select(SealUse.number).where(SealUse.status == "stamped")).all()
    first = squash(pages[0])
    assert "印章使用登记簿" in first and "河北省廊坊经济技术开发区人民法院" in first
    assert f"筛选条件：已盖章共{stamped}条" in first
    assert squash(f"第 1 页 共 {len(pages)} 页") in first
    assert squash(f"第 {len(pages)} 页 共 {len(pages)} 页") in squash(pages[-1])
    everything = squash("".join(pages))
    assert all(squash(n) in everything for n in numbers)
    assert "待审批" not in everything  # the filter applies


def test_register_printing_respects_who_may_open_it(db_path, tmp_path):
    result = cli("print-register", "seizure", "--db", str(db_path), "--user", "clerk", "--out",
                 str(tmp_path / "s.pdf"))
    assert result.returncode == 2 and "没有查看" in result.stderr


def test_the_demo_seal_register_prints_every_row_whole_with_numbers_and_times_unbroken(db, tmp_path):
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.registers import RegisterQuery, get

    out = tmp_path / "seal.pdf"
    with db.read() as s:
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        doc = printing.register_document(s, clerk, RegisterQuery(get("seal_use")))
        printing.render(doc, out, "pdf", fonts=printing.fonts_for(s))
        uses = [(u.number, u.requested_at, u.stamped_at) for u in s.scalars(select(SealUse).order_by(SealUse.id.desc()))]
    pages = pdf_page_texts(out)
    # a table row is one line of extracted text: a number or a time broken inside would not be whole on it
    rows = [[line for line in page.splitlines() if "用印第" in line] for page in pages]
    # every cell whole (long 备注 make their rows taller — a voided use's 备注 carries its 作废原因 too),
    # yet a page still holds a good many rows
    assert all(len(page_rows) >= 7 for page_rows in rows[:-1]), [len(r) for r in rows]
    assert "…" not in "".join(pages)
    lines = [line for page_rows in rows for line in page_rows]
    assert len(lines) == len(uses)
    for line, (number, requested, stamped) in zip(lines, uses):
        assert number in line
        assert f"{requested:%Y-%m-%d %H:%M}" in line
    text_lines = [line for page in pages for line in page.splitlines()]
    for _number, _requested, stamped in uses:  # (on the row's middle line, after its taller cells)
        if stamped is not None:
            assert any(f"{stamped:%Y-%m-%d %H:%M}" in line for line in text_lines)


def test_every_document_kind_is_printable_from_the_app():
    """A document only the CLI can make does not exist for a clerk: every kind an area declares is offered
    by some register's detail panel or selection (``RegisterSpec.documents``)."""
    from courtdesk.kernel import area
    from courtdesk.kernel.registers import all_registers

    offered = {d.kind for spec in all_registers() for d in spec.documents}
    missing = [f"{a.key}:{k.name}（{k.title}）" for a in area.areas() for k in a.documents if k.name not in offered]
    assert missing == []
