"""Export of a register's current filter to .xlsx, streamed (write-only workbook)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from courtdesk.kernel import clock, settings
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.people import User
from courtdesk.kernel.registers import RegisterQuery, display_row

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
    column headers, data from row 4. A cancelled export leaves no file behind.
    """
    spec = query.spec
    if not spec.can_open(actor):
        raise DomainError(f"您没有查看「{spec.title}」的权限", field="登记簿")
    total = query.count(session, actor)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.title[:31])
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
    written = 0
    for row in query.stream(session, actor):
        if cancel is not None and cancel.is_set():
            wb.save(tmp)  # closes the write-only stream cleanly; the partial file is then removed
            tmp.unlink(missing_ok=True)
            raise DomainError("导出已取消，未生成文件", field="导出")
        written += 1
        ws.append([written, *display_row(spec, row)])
        if progress is not None and written % 500 == 0:
            progress(written, total)
    wb.save(tmp)
    tmp.replace(path)
    if progress is not None:
        progress(written, total)
    return written


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
