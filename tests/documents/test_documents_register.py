"""Registers on paper: landscape 登记簿 with court name, title, filter and page x of y."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from courtdesk.documents import SpooledRows, Table, register_book, render_docx, render_pdf
from courtdesk.documents.readback import docx_body_lines, pdf_page_texts, squash

COURT = "河北省廊坊经济技术开发区人民法院"
COLUMNS = [("编号", 1.2), ("日期", 1.0), ("前往单位", 3.0), ("事由", 3.0)]


def rows(count: int) -> Iterator[tuple[str, str, str, str]]:
    for i in range(1, count + 1):
        yield (f"(2026)第{i:04d}号", "2026-01-05", "廊坊市公安局经济技术开发区分局", f"调取户籍信息{i}")


def test_a_500_row_register_pages_with_page_x_of_y(tmp_path: Path) -> None:
    doc = register_book(COURT, "介绍信登记簿", "2026-01-01 至 2026-06-30", COLUMNS, rows(500),
                        datetime(2026, 7, 1, 8, 0))
    path = tmp_path / "register.pdf"
    pages = render_pdf(doc, path)
    texts = [squash(text) for text in pdf_page_texts(path)]
    assert len(texts) == pages == len(PdfReader(path).pages) > 1
    header = squash("".join(name for name, _ in COLUMNS))
    for number, text in enumerate(texts, 1):
        furniture = squash(f"{COURT}　介绍信登记簿") + squash(f"第 {number} 页 共 {pages} 页")
        assert text.startswith(furniture)
        if number > 1:
            assert text[len(furniture):].startswith(header)  # the column headers repeat
    first = texts[0]
    assert squash("第 1 页 共") in first and squash(f"共 {pages} 页") in first
    assert squash("筛选条件：2026-01-01 至 2026-06-30") in first and "共500条" in first
    assert "打印时间：2026-07-0108:00" in first
    # every row once, in order
    body = "".join(texts)
    positions = [body.index(f"(2026)第{i:04d}号") for i in range(1, 501)]
    assert positions == sorted(positions)
    assert body.count("(2026)第0500号") == 1


def test_register_docx_has_every_row(tmp_path: Path) -> None:
    doc = register_book(COURT, "印章使用登记簿", "", COLUMNS, rows(120), "2026-07-01")
    path = tmp_path / "register.docx"
    render_docx(doc, path)
    lines = docx_body_lines(path)
    assert "筛选条件：全部" in squash(lines[2])
    numbers = [line for line in lines if line.startswith("(2026)第")]
    assert numbers == [f"(2026)第{i:04d}号" for i in range(1, 121)]


def test_register_rows_are_consumed_once_and_spooled() -> None:
    consumed = []

    def generate() -> Iterator[tuple[str, ...]]:
        for i in range(3):
            consumed.append(i)
            yield (str(i), None, 3.5)  # type: ignore[misc]

    doc = register_book(COURT, "登记簿", "", [("a", 1), ("b", 1), ("c", 1)], generate(), "2026-01-01")
    assert consumed == [0, 1, 2]
    table = next(block for block in doc.blocks if isinstance(block, Table))
    assert isinstance(table.rows, SpooledRows)
    assert list(table.rows) == list(table.rows) == [["0", "", "3.5"], ["1", "", "3.5"], ["2", "", "3.5"]]
    assert len(table.rows) == 3


def test_spool_file_is_removed_with_the_rows() -> None:
    spooled = SpooledRows([("a",)])
    path = spooled._path
    assert os.path.exists(path)
    del spooled
    gc.collect()
    assert not os.path.exists(path)


def test_an_empty_register_still_prints_its_heading(tmp_path: Path) -> None:
    doc = register_book(COURT, "保密载体登记簿", "密级：绝密", COLUMNS, [], "2026-07-01")
    assert render_pdf(doc, tmp_path / "empty.pdf") == 1
    text = squash(pdf_page_texts(tmp_path / "empty.pdf")[0])
    assert "保密载体登记簿" in text and "共0条" in text and text.endswith(squash("编号日期前往单位事由"))
    render_docx(doc, tmp_path / "empty.docx")
    assert squash(docx_body_lines(tmp_path / "empty.docx")[-1]) == "事由"
