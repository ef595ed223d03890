"""Export of a register's current filter to .xlsx, streamed (write-only workbook).

Cells a clerk can work with: dates and times are date cells, counts are numbers, amounts are
numbers with two decimals (``#,##0.00``), everything else the text the register shows; the header
row is frozen and carries an autofilter; the filter and the time of export are written above it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from courtdesk.kernel import clock, settings
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.forms import display
from courtdesk.kernel.models.people import User
from courtdesk.kernel.money import from_fen
from courtdesk.kernel.registers import (
    Column,
    LinesSpec,
    RegisterQuery,
    RegisterSpec,
    days_from_today,
    display_row,
)

Progress = Callable[[int, int], None]


def export_xlsx(
    session: Session,
    actor: User,
    query: RegisterQuery,
    path: str | Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write the rows of ``query`` to ``path``; returns the number of rows written.

    Layout: row 1 court name and register title, row 2 the filter and export time, row 3 the
    column headers, data from row 4. A register with child rows (``spec.lines``, e.g. the people named on
    a record) gets one more sheet per kind: one row per child row, with the 序号, the first column
    (the number) and the id of its record. A cancelled export leaves no file behind.
    """
    spec = query.spec
    if not spec.can_open(actor):
        raise DomainError(f"您没有查看「{spec.title}」的权限", field="登记簿")
    total = query.count(session, actor)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.title[:31])
    ws.freeze_panes = "B4"  # the headers and the 序号 stay in view (set before the first row: write-only)
    ws.column_dimensions["A"].width = 6
    for i, col in enumerate(spec.columns):
        letter = _col_letter(i + 2)
        ws.column_dimensions[letter].width = max(6, col.width * 1.6)
    bold = Font(bold=True)
    title = WriteOnlyCell(ws, value=f"{settings.get(session, 'court_name')}　{spec.title}")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([f"范围：{query.describe()}　导出时间：{clock.now():%Y-%m-%d %H:%M}　导出人：{actor.name}"])
    headers = []
    for label in ["序号", *[c.label for c in spec.columns]]:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        headers.append(cell)
    ws.append(headers)
    line_sheets = [_LineSheet(wb, session, actor, spec, lines, query) for lines in spec.lines]
    pending: list[tuple[int, int, str]] = []  # (序号, record id, number) whose child rows are not written yet
    written = 0
    for row in query.stream(session, actor):
        if cancel is not None and cancel.is_set():
            wb.save(tmp)  # closes the write-only stream cleanly; the partial file is then removed
            tmp.unlink(missing_ok=True)
            raise DomainError("导出已取消，未生成文件", field="导出")
        written += 1
        shown = display_row(spec, row)
        ws.append([written, *(_typed(ws, c, v, text) for c, v, text in zip(spec.columns, row[1:], shown, strict=True))])
        if line_sheets:
            pending.append((written, int(row[0]), shown[0] if shown else ""))
            if len(pending) >= _LINES_BATCH:
                for sheet in line_sheets:
                    sheet.write(pending)
                pending = []
        if progress is not None and written % 500 == 0:
            progress(written, total)
    for sheet in line_sheets:
        sheet.write(pending)
        sheet.finish()
    ws.auto_filter.ref = f"A{HEADER_ROW}:{_col_letter(len(spec.columns) + 1)}{HEADER_ROW + max(written, 1)}"
    wb.save(tmp)
    tmp.replace(path)
    if progress is not None:
        progress(written, total)
    return written


_LINES_BATCH = 500
HEADER_ROW = 3

_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "int": "0", "days": "0", "money": "#,##0.00"}


def _typed(ws: Any, column: Column | Any, value: Any, text: str) -> Any:
    """The cell for one value: a typed cell for dates, times, counts and amounts (so Excel sorts,
    filters and sums them), else the text the register shows."""
    kind = getattr(column, "kind", "text")
    if value is None or kind not in _FORMATS:
        return text
    if kind == "date" and isinstance(value, dt.date):
        cell_value: Any = value.date() if isinstance(value, dt.datetime) else value
    elif kind == "datetime" and isinstance(value, dt.datetime):
        cell_value = value.replace(tzinfo=None)
    elif kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        cell_value = value
    elif kind == "days":
        cell_value = days_from_today(value)
    elif kind == "money" and isinstance(column, Column) and isinstance(value, int):
        cell_value = from_fen(value)  # a register column holds whole fen, as stored
    elif kind == "money" and isinstance(value, (Decimal, int)):
        cell_value = Decimal(value).quantize(Decimal("0.01"))  # a lines column holds yuan
    else:
        return text
    cell = WriteOnlyCell(ws, value=cell_value)
    cell.number_format = _FORMATS[kind]
    return cell


class _LineSheet:
    """The sheet of one kind of child rows, written in step with the register's rows."""

    def __init__(self, wb: Workbook, session: Session, actor: User, spec: RegisterSpec, lines: LinesSpec,
                 query: RegisterQuery) -> None:
        self.session, self.lines = session, lines
        sheet = lines.label if lines.label.endswith("明细") else f"{lines.label}明细"
        self.ws = wb.create_sheet(sheet[:31])
        self.ws.freeze_panes = "A4"
        number_label = spec.columns[0].label if spec.columns else "编号"
        widths = [6, max(6, (spec.columns[0].width if spec.columns else 10) * 1.6), 8, 6]
        widths += [max(8, min(40, c.max_len * 1.2 if c.kind in ("text", "multiline") else 20)) for c in lines.columns]
        for i, width in enumerate(widths):
            self.ws.column_dimensions[_col_letter(i + 1)].width = width
        title = WriteOnlyCell(self.ws, value=f"{settings.get(session, 'court_name')}　{spec.title}　{sheet}")
        title.font = Font(bold=True, size=14)
        self.ws.append([title])
        self.ws.append([f"范围：{query.describe()}　导出时间：{clock.now():%Y-%m-%d %H:%M}　导出人：{actor.name}"])
        headers = []
        for label in ["登记簿序号", number_label, "记录ID", "行号", *[c.label for c in lines.columns]]:
            cell = WriteOnlyCell(self.ws, value=label)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
            headers.append(cell)
        self.ws.append(headers)
        self.columns = len(headers)
        self.written = 0

    def finish(self) -> None:
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{_col_letter(self.columns)}{HEADER_ROW + max(self.written, 1)}"

    def write(self, parents: list[tuple[int, int, str]]) -> None:
        if not parents:
            return
        rows = self.lines.rows_of(self.session, [record_id for _n, record_id, _number in parents])
        for seq, record_id, number in parents:
            for position, line in enumerate(rows.get(record_id, []), 1):
                self.ws.append([seq, number, record_id, position,
                                *[_typed(self.ws, c, line.get(c.key), display(c, line.get(c.key)))
                                  for c in self.lines.columns]])
                self.written += 1


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
