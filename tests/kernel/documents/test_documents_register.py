"""Registers on paper: landscape 登记簿 with court name, title, filter and page x of y."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from courtdesk.kernel.documents import SpooledRows, Table, register_book, render_docx, render_pdf
from tests.support.readback import docx_body_lines, pdf_page_texts, squash

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


# --- layout: columns sized from their content, numbers and dates whole, long text whole ------------

SEAL_COLUMNS = [("序号", 4, "serial"), ("编号", 14), ("申请时间", 13, "datetime"), ("印章", 12),
                ("文件名称", 22), ("份数", 5, "int"), ("次数", 5, "int"), ("用途", 16), ("用印部门", 10),
                ("经办人", 8), ("签发/审批人", 9), ("监印人", 8), ("盖章时间", 13, "datetime"),
                ("状态", 9, "status"), ("备注", 12)]
TAIL = "（此后内容只在系统和导出中）"


def seal_rows(count: int) -> Iterator[tuple[str, ...]]:
    for i in range(count, 0, -1):
        status = ("已批准待盖章", "已盖章", "待审批")[i % 3]
        yield (str(count - i + 1), f"(2026)用印第{i:04d}号", f"2026-11-{1 + i % 28:02d} 15:20",
               "廊坊经济技术开发区人民法院", f"介绍信(2026)第{i:04d}号（致廊坊市自然资源和规划局）", "1", "2",
               "外出办案：查询被执行人名下不动产登记信息", "民事审判庭", "王芳", "刘建军", "李强",
               f"2026-11-{1 + i % 28:02d} 16:05", status,
               f"开具介绍信时自动登记：正本落款用印 1 次、存根与正本骑缝用印 1 次，第{i}条{TAIL}")


def test_a_seal_register_prints_numbers_and_times_whole_and_long_remarks_in_full(tmp_path: Path) -> None:
    doc = register_book(COURT, "印章使用登记簿", "", SEAL_COLUMNS, seal_rows(64), "2026-11-24")
    path = tmp_path / "seal.pdf"
    pages = render_pdf(doc, path)
    texts = pdf_page_texts(path)
    # every table row is one line of text (its cells side by side), so a number or time broken over
    # two lines of its cell would not be found whole on any line
    per_page = [[line for line in text.splitlines() if "用印第" in line] for text in texts]
    assert all(len(lines) >= 4 for lines in per_page[:-1]), [len(lines) for lines in per_page]
    assert pages == len(texts) <= 16
    lines = [line for page in per_page for line in page]
    assert len(lines) == 64
    for i, line in zip(range(64, 0, -1), lines):
        assert f"(2026)用印第{i:04d}号" in line
        assert f"2026-11-{1 + i % 28:02d} 15:20" in line
    text_lines = [line for text in texts for line in text.splitlines()]
    for i in range(1, 65):  # (cells of one line sit on the row's middle line, after the taller cells)
        assert any(f"2026-11-{1 + i % 28:02d} 16:05" in line for line in text_lines)
    body = squash("".join(texts))
    assert all(status in body for status in ("已批准待盖章", "已盖章", "待审批"))  # 状态 may wrap, never cut
    assert "…" not in body
    for page in texts[1:]:
        assert squash("序号编号申请时间") in squash(page)  # the header row repeats
    assert squash("".join(texts)).count(squash(TAIL)) == 64  # the long 备注 prints in full


def test_long_free_text_wraps_whole_and_the_docx_shows_the_same(tmp_path: Path) -> None:
    long_text = "因执行案件需要，赴外地调查取证，" * 20
    rows = [(str(i), f"(2026)第{i:04d}号", long_text + f"第{i}条" if i % 5 == 0 else "查询银行存款")
            for i in range(1, 31)]
    doc = register_book(COURT, "介绍信登记簿", "", [("序号", 4, "serial"), ("编号", 14), ("事由", 22)], rows,
                        "2026-11-24")
    table = next(block for block in doc.blocks if isinstance(block, Table))
    cells = [row[2] for row in table.rows if row[2] != "查询银行存款"]
    assert len(cells) == 6
    assert all(cell.count("\n") > 2 and "…" not in cell for cell in cells)  # a taller row, never cut
    assert [squash(cell) for cell in cells] == [squash(long_text + f"第{i}条") for i in range(5, 31, 5)]
    render_docx(doc, tmp_path / "register.docx")
    printed = [squash(line) for line in docx_body_lines(tmp_path / "register.docx") if line.startswith("因执行")]
    assert printed == [squash(long_text + f"第{i}条") for i in range(5, 31, 5)]


def test_a_register_with_short_cells_prints_in_5hao_uncut(tmp_path: Path) -> None:
    doc = register_book(COURT, "介绍信登记簿", "", COLUMNS, rows(40), "2026-11-24")
    table = next(block for block in doc.blocks if isinstance(block, Table))
    assert table.size == 10.5
    assert [row[2] for row in table.rows] == ["廊坊市公安局经济技术开发区分局"] * 40


def test_columns_follow_their_content(tmp_path: Path) -> None:
    from courtdesk.kernel.documents.fonts import resolve_fonts
    from courtdesk.kernel.documents.register import BookColumn, plan_layout

    columns = [BookColumn("序号", "serial"), BookColumn("编号"), BookColumn("份数", "int"),
               BookColumn("文件名称", weight=22), BookColumn("备注", weight=12)]
    sample = [[str(i), f"(2026)用印第{i:04d}号", "2", "关于报送2026年度司法统计报表的函" * 2, "无"]
              for i in range(1, 50)]
    layout = plan_layout(columns, sample, resolve_fonts(), first_rows=120000)
    widths = dict(zip((c.header for c in columns), layout.widths))
    assert abs(sum(layout.widths) - 771.02) < 0.1  # the whole landscape text width, 15/10 mm margins
    # 序号 holds "120000"; 份数 is narrow but keeps its header on one line; the free text gets the rest
    assert widths["份数"] < widths["序号"] < widths["编号"] < widths["文件名称"]
    assert layout.headers[2] == "份数"
    assert widths["文件名称"] > 2 * widths["备注"]
