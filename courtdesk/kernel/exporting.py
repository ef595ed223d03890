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
    heading = f"{settings.get(session, 'court_name')}　{spec.title}"
    scope = f"范围：{query.describe()}　导出时间：{clock.now():%Y-%m-%d %H:%M}　导出人：{actor.name}"
    main = Sheets(wb, spec.title, heading, scope, ["序号", *[c.label for c in spec.columns]],
                   [6, *(max(6, col.width * 1.6) for col in spec.columns)], freeze="B4")
    line_sheets = [_LineSheet(wb, session, spec, lines, scope) for lines in spec.lines]
    pending: list[tuple[int, int, str]] = []  # (序号, record id, number) whose child rows are not written yet
    written = 0
    for row in query.stream(session, actor):
        if cancel is not None and cancel.is_set():
            wb.save(tmp)  # closes the write-only stream cleanly; the partial file is then removed
            tmp.unlink(missing_ok=True)
            raise DomainError("导出已取消，未生成文件", field="导出")
        written += 1
        shown = display_row(spec, row)
        main.append(lambda ws, n=written, r=row, s=shown: [
            n, *(_typed(ws, c, v, text) for c, v, text in zip(spec.columns, r[1:], s, strict=True))])
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
        sheet.sheets.finish()
    main.finish()
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


#: Rows of data a sheet holds under its three heading rows: Excel's limit is 1,048,576 rows a sheet.
SHEET_ROWS = 1_048_576 - HEADER_ROW


class Sheets:
    """One sheet of rows under the title, scope and header rows — continued on 「<name>（续2）」 … when it
    reaches Excel's row limit, each continuation with the same heading rows, so nothing is cut."""

    def __init__(self, wb: Workbook, name: str, heading: str, scope: str, headers: list[str],
                 widths: list[float], freeze: str) -> None:
        self.wb, self.name, self.heading, self.scope = wb, name, heading, scope
        self.headers, self.widths, self.freeze = headers, widths, freeze
        self.done: list[tuple[Any, int]] = []  # (sheet, rows) of the full sheets
        self.parts = 0
        self.ws: Any = None
        self.rows = 0
        self._open()

    def _open(self) -> None:
        self.parts += 1
        suffix = "" if self.parts == 1 else f"（续{self.parts}）"
        name = self.name[:31 - len(suffix)] + suffix
        ws = self.wb.create_sheet(name)
        ws.freeze_panes = self.freeze  # (set before the first row: write-only)
        for i, width in enumerate(self.widths):
            ws.column_dimensions[_col_letter(i + 1)].width = width
        title = WriteOnlyCell(ws, value=self.heading + suffix)
        title.font = Font(bold=True, size=14)
        ws.append([title])
        ws.append([self.scope])
        cells = []
        for label in self.headers:
            cell = WriteOnlyCell(ws, value=label)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
            cells.append(cell)
        ws.append(cells)
        self.ws, self.rows = ws, 0

    def append(self, make: Any) -> None:
        """Append the row ``make(ws)`` builds (its typed cells belong to the sheet they go on)."""
        if self.rows >= SHEET_ROWS:
            self.done.append((self.ws, self.rows))
            self._open()
        self.ws.append(make(self.ws))
        self.rows += 1

    def finish(self) -> None:
        last = _col_letter(len(self.headers))
        for ws, rows in [*self.done, (self.ws, self.rows)]:
            ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(rows, 1)}"


class _LineSheet:
    """The sheet of one kind of child rows, written in step with the register's rows."""

    def __init__(self, wb: Workbook, session: Session, spec: RegisterSpec, lines: LinesSpec, scope: str) -> None:
        self.session, self.lines = session, lines
        sheet = lines.label if lines.label.endswith("明细") else f"{lines.label}明细"
        number_label = spec.columns[0].label if spec.columns else "编号"
        widths = [6, max(6, (spec.columns[0].width if spec.columns else 10) * 1.6), 8, 6]
        widths += [max(8, min(40, c.max_len * 1.2 if c.kind in ("text", "multiline") else 20)) for c in lines.columns]
        self.sheets = Sheets(wb, sheet, f"{settings.get(session, 'court_name')}　{spec.title}　{sheet}", scope,
                              ["登记簿序号", number_label, "记录ID", "行号", *[c.label for c in lines.columns]],
                              widths, freeze="A4")

    def write(self, parents: list[tuple[int, int, str]]) -> None:
        if not parents:
            return
        rows = self.lines.rows_of(self.session, [record_id for _n, record_id, _number in parents])
        for seq, record_id, number in parents:
            for position, line in enumerate(rows.get(record_id, []), 1):
                self.sheets.append(lambda ws, s=seq, n=number, r=record_id, p=position, ln=line: [
                    s, n, r, p, *[_typed(ws, c, ln.get(c.key), display(c, ln.get(c.key))) for c in self.lines.columns]])


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
