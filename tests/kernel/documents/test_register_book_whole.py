"""The printed 登记簿 is the record of last resort: every cell prints whole, however long.

Rows grow to fit; a row taller than what is left of the page continues on the next page under the
repeated header row; a row taller than a whole page runs over as many pages as it needs; no line of a
cell is wider than its cell.  Nothing is cut with 「…」."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.orm.attributes import InstrumentedAttribute

from courtdesk.kernel import printing
from courtdesk.kernel.documents import Table, register_book, render_docx, render_pdf, resolve_fonts
from courtdesk.kernel.documents.geometry import CELL_PAD_X, page_geometry
from courtdesk.kernel.documents.register import break_lines
from courtdesk.kernel.documents.textlayout import NO_LINE_START, Measurer
from courtdesk.kernel.registers import RegisterQuery, all_registers
from tests.support.readback import docx_body_lines, pdf_page_texts, squash

pytestmark = pytest.mark.long  # about a minute and a half: it starts first (tests/conftest.py)

COURT = "河北省廊坊经济技术开发区人民法院"
#: Long text with everything a clerk types: case numbers, brackets, ID and account numbers, plates,
#: quotes, and closing punctuation that may not start a line.
PROSE = ("关于（2026）冀1091执1245号案件：查询被执行人名下位于廊坊市经济技术开发区华祥路118号的不动产、"
         "车辆（冀R·A1234）及银行账户6222020200112233445，调取交易明细；身份证号130181198807120012。"
         "回复“已查询，无异常”。另：冻结期限届满前三十日内应申请续行！")


def long_value(tag: str, length: int = 300) -> str:
    value = f"【{tag}】" + PROSE * (length // len(PROSE) + 1)
    return value[:length]


# --- reading a PDF back column by column ------------------------------------------------------------


def pdf_column_texts(path: Path, table: Table, page_setup: Any) -> list[str]:
    """The text of each table column, page after page (squashed), with the header row that repeats
    on continuation pages left out and the page header/footer (outside the frame) ignored — so a cell
    continued on the next page reads as one piece."""
    g = page_geometry(page_setup)
    total = sum(col.weight for col in table.columns)
    edges = [g.left]
    for col in table.columns:
        edges.append(edges[-1] + g.frame_width * col.weight / total)
    headers = [squash(col.header) for col in table.columns]
    columns: list[list[str]] = [[] for _ in table.columns]
    for page in PdfReader(path).pages:
        found: list[tuple[float, int, float, str]] = []

        def visit(txt: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
            if not txt.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if g.bottom <= y <= g.height - g.top:  # in the frame: not the page header or footer
                found.append((-round(y, 1), len(found), x, txt))

        page.extract_text(visitor_text=visit)
        per_column = [""] * len(columns)
        for _y, _order, x, txt in sorted(found):
            for i in range(len(columns)):
                if edges[i] - 0.5 <= x < edges[i + 1] - 0.5:
                    per_column[i] += squash(txt)
                    break
        for i, got in enumerate(per_column):
            if columns[i] and got.startswith(headers[i]):  # the header row repeated on this page
                got = got[len(headers[i]):]
            columns[i].append(got)
    return ["".join(parts) for parts in columns]


# --- the acceptance test: every register, every text column, 300 characters ---------------------------


def _text_columns(spec: Any, printed: bool = False) -> Iterator[tuple[str, Any]]:
    """(label, table column) of the register's columns that show a stored text column as it is (of
    the columns its paper carries, with ``printed``)."""
    for column in (spec.printed if printed else spec.columns):
        if column.kind == "text" and column.live is None and isinstance(column.expr, InstrumentedAttribute):
            yield column.label, column.expr.property.columns[0]


def _fill_text_columns(db: Any) -> dict[tuple[str, str], str]:
    """Every stored text column shown in any register, in every row, set to 300 characters of its
    own: 「【tag-id】…」, so each printed cell can be checked against the value of its row.  Returns
    the tag of each (table, column)."""
    tags: dict[tuple[str, str], str] = {}
    for spec in all_registers():
        for _label, col in _text_columns(spec):
            tags.setdefault((col.table.name, col.name), f"{len(tags):02d}{col.name.replace('_', '')}")
    with db.write() as s:
        for (table, column), tag in tags.items():
            ids = s.execute(text(f'SELECT id FROM "{table}"')).scalars().all()
            for row_id in ids:
                s.execute(text(f'UPDATE "{table}" SET "{column}" = :value WHERE id = :id'),
                          {"value": long_value(f"{tag}-{row_id}"), "id": row_id})
    return tags


def _cells(printed: str, tag: str) -> list[str]:
    """The values of the column tagged ``tag`` found in ``printed`` (squashed), each checked whole."""
    found = []
    for match in re.finditer(re.escape(f"【{tag}-") + r"(\d+)】", printed):
        value = squash(long_value(f"{tag}-{match.group(1)}"))
        assert printed.startswith(value, match.start()), f"cut or broken: {printed[match.start():][:320]}"
        found.append(value)
    return found


def _reader_of(spec: Any, users: dict[str, Any], db: Any) -> Any:
    """The user who may open the register and sees the most of it."""
    with db.read() as s:
        allowed = [u for u in users.values() if spec.can_open(u)]
        assert allowed, spec.key
        return max(allowed, key=lambda u: RegisterQuery(spec).count(s, u))


def test_every_register_prints_every_300_character_cell_whole(db, users, tmp_path: Path) -> None:
    tags = _fill_text_columns(db)
    fonts = resolve_fonts()
    checked = 0
    for spec in all_registers():
        reader = _reader_of(spec, users, db)
        own_table = spec.model.__table__.name
        columns = {label: ((col.table.name == own_table), tags[(col.table.name, col.name)])
                   for label, col in _text_columns(spec, printed=True)}
        in_pdf: dict[str, list[str]] = {tag: [] for _own, tag in columns.values()}
        in_docx: dict[str, list[str]] = {}
        for fmt in ("pdf", "docx"):
            path = tmp_path / f"{spec.key}.{fmt}"
            with db.read() as s:
                query = RegisterQuery(spec)
                rows = query.count(s, reader)
                doc = printing.register_document(s, reader, query, fonts=fonts)
                printing.render(doc, path, fmt, fonts=fonts)
            assert rows, f"{spec.title}: the demo data has no rows for {reader.username}"
            table = next(block for block in doc.blocks if isinstance(block, Table))
            if fmt == "pdf":
                everything = squash("".join(pdf_page_texts(path)))
                by_column = pdf_column_texts(path, table, doc.page)
                labels = [squash(col.header) for col in table.columns]
                for label, (own, tag) in columns.items():
                    # each cell whole and in one piece, even where its row runs onto the next page
                    cells = _cells(by_column[labels.index(squash(label))], tag)
                    assert cells, f"{spec.title}「{label}」"
                    if own:  # the register's own column: one value per row
                        assert len(cells) == rows, f"{spec.title}「{label}」"
                    in_pdf[tag] += cells
                    checked += 1
            else:
                everything = squash("".join(docx_body_lines(path)))
                in_docx = {tag: _cells(everything, tag) for tag in in_pdf}
            assert "…" not in everything, f"{spec.title}: something was cut short ({fmt})"
        assert {tag: sorted(cells) for tag, cells in in_pdf.items()} == {
            tag: sorted(cells) for tag, cells in in_docx.items()}, spec.title  # the DOCX holds the same
    assert checked >= 20  # every register has long text columns


# --- tall rows -----------------------------------------------------------------------------------------

COLUMNS = [("序号", 4, "serial"), ("编号", 14), ("事由", 22), ("作废原因", 8)]


def _tall_rows(length: int) -> list[tuple[str, str, str, str]]:
    rows = [(str(i), f"(2026)第{i:04d}号", "调取户籍信息", "") for i in range(1, 9)]
    rows.append(("9", "(2026)第0009号", long_value("长事由", length), "因填写错误，作废。"))
    rows.append(("10", "(2026)第0010号", "查询银行存款", ""))
    return rows


def _page_bodies(path: Path) -> list[str]:
    return [squash(page) for page in pdf_page_texts(path)]


def test_a_row_taller_than_a_page_continues_on_the_next_page_under_the_header(tmp_path: Path) -> None:
    value = long_value("长事由", 3000)
    doc = register_book(COURT, "介绍信登记簿", "", COLUMNS, _tall_rows(3000), "2026-11-24")
    path = tmp_path / "tall.pdf"
    pages = render_pdf(doc, path)
    assert pages >= 3  # 3000 characters in one cell run over more than a page
    bodies = _page_bodies(path)
    header = squash("序号编号事由作废原因")
    for number, body in enumerate(bodies[1:], 2):
        furniture = squash(f"{COURT}　介绍信登记簿") + squash(f"第 {number} 页 共 {pages} 页")
        assert body.startswith(furniture) and body[len(furniture):].startswith(header), number
    table = next(block for block in doc.blocks if isinstance(block, Table))
    columns = pdf_column_texts(path, table, doc.page)
    assert squash(value) in columns[2]  # whole, in order, over the pages
    assert "…" not in "".join(bodies)
    assert "(2026)第0010号" in bodies[-1]  # the next row follows the tall one
    render_docx(doc, tmp_path / "tall.docx")
    assert squash(value) in squash("".join(docx_body_lines(tmp_path / "tall.docx")))


def _table_of(doc: Any) -> Table:
    return next(block for block in doc.blocks if isinstance(block, Table))


def test_a_row_taller_than_what_is_left_starts_there_and_continues_on_the_next_page(tmp_path: Path) -> None:
    # a 事由 about four fifths of a page tall: shorter than a page, longer than what page 1 has left
    probe = _table_of(register_book(COURT, "介绍信登记簿", "", COLUMNS, _tall_rows(1000), "2026-11-24"))
    lines = list(probe.rows)[8][2].count("\n") + 1
    g = page_geometry(register_book(COURT, "", "", COLUMNS, [], "2026-11-24").page)
    per_page = g.frame_height / (1.5 * (probe.size or 10.5))
    length = int(1000 * 0.8 * per_page / lines)
    value = long_value("长事由", length)
    doc = register_book(COURT, "介绍信登记簿", "", COLUMNS, _tall_rows(length), "2026-11-24")
    assert _table_of(doc).size == probe.size
    path = tmp_path / "tall.pdf"
    assert render_pdf(doc, path) == 2
    first, second = _page_bodies(path)
    start = squash(value)[:40]
    assert start in first and "(2026)第0008号" in first  # starts right under row 8, not on a new page
    assert squash(value)[-40:] in second  # … and ends on the next page
    furniture = squash(f"{COURT}　介绍信登记簿") + squash("第 2 页 共 2 页")
    assert second.startswith(furniture + squash("序号编号事由作废原因"))  # under the repeated header
    table = next(block for block in doc.blocks if isinstance(block, Table))
    assert squash(value) in pdf_column_texts(path, table, doc.page)[2]


def test_tall_rows_of_the_docx_may_continue_on_the_next_page_and_the_header_repeats(tmp_path: Path) -> None:
    doc = register_book(COURT, "介绍信登记簿", "", COLUMNS, _tall_rows(900), "2026-11-24")
    path = tmp_path / "tall.docx"
    render_docx(doc, path)
    import docx

    rows = docx.Document(str(path)).tables[0].rows
    props = [row._tr.trPr for row in rows]
    assert props[0].find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    cant_split = ["cantSplit" in "".join(child.tag for child in pr) for pr in props]
    assert cant_split[1:9] == [True] * 8  # one-line rows stay together
    assert not cant_split[9]  # the tall row may run onto the next page (Word repeats the header)


# --- no line wider than its cell -----------------------------------------------------------------------


@pytest.mark.parametrize("width_chars", [2.2, 3.0, 3.5, 5.0, 8.0])
def test_no_cell_line_is_wider_than_its_cell_and_nothing_is_lost(width_chars: float) -> None:
    m = Measurer(resolve_fonts(), "body", 10.5, 0.0)
    width = width_chars * 10.5
    reasons = ["因填写错误，作废。", "当事人撤回申请（已电话确认）。", "重复开具，作废！", "错号、漏填：收件单位。",
               "持信人变更“王芳”→“李强”。", PROSE]
    for reason in reasons:
        lines = break_lines(reason, m, width)
        assert "".join(lines).replace(" ", "") == reason.replace(" ", "")  # every glyph, in order
        assert all(m.width(line) <= width + 0.01 for line in lines), (reason, lines)
        if width_chars >= 5:  # (narrower, 「2026）」 may not fit a line: the run is not broken for it)
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), lines


def test_the_void_reason_column_stays_inside_its_border_in_the_pdf(tmp_path: Path) -> None:
    """Every line of a narrow column (作废原因, the last one) ends inside the column, read back from the
    PDF: where it starts plus its width."""
    rows = [(str(i), f"(2026)第{i:04d}号", "调取户籍信息", "因填写错误，作废。" if i % 2 else "当事人撤回申请（已电话确认）。")
            for i in range(1, 30)]
    doc = register_book(COURT, "介绍信登记簿", "", COLUMNS, rows, "2026-11-24")
    path = tmp_path / "void.pdf"
    render_pdf(doc, path)
    table = next(block for block in doc.blocks if isinstance(block, Table))
    g = page_geometry(doc.page)
    total = sum(col.weight for col in table.columns)
    left = g.left + sum(g.frame_width * col.weight / total for col in table.columns[:3])
    right = g.left + g.frame_width
    m = Measurer(resolve_fonts(), "body", table.size or 10.5, 0.0)
    lines: list[tuple[float, str]] = []

    def visit(txt: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if txt.strip() and x >= left - 0.5 and g.bottom <= y <= g.height - g.top:
            lines.append((x, txt.strip()))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    cells = [(x, line) for x, line in lines if line not in ("作废", "原因", "作废原因")]
    assert len(cells) > 29  # the reasons wrap: more lines than rows
    for x, line in cells:
        assert x >= left + CELL_PAD_X - 0.5 and x + m.width(line) <= right - CELL_PAD_X + 0.5, (x, line, right)
    assert squash("".join(line for _, line in cells)).count("因填写错误，作废。") == 15
