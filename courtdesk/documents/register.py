"""Registers on paper (登记簿): landscape A4, court name, register title, filter, page x of y.

Any register view prints through :func:`register_book` with the rows of its current filter.  Rows are
streamed: they go to a temporary spool file on disk as they arrive (a register may hold a million
rows), and the document reads them back each time a renderer walks the table.  The PDF renderer then
keeps memory flat however long the register is; the DOCX renderer builds the whole file in memory
(python-docx), which is fine for thousands of rows — print very long registers as PDF.
"""

from __future__ import annotations

import json
import os
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from courtdesk.documents.model import (
    PAGE_X_OF_Y,
    REGISTER_PAGE,
    SIZE_4HAO,
    SIZE_5HAO,
    Column,
    Document,
    Paragraph,
    Table,
    Title,
)


class SpooledRows:
    """Rows kept in a temporary file: re-iterable, with constant memory.  The file is removed when the
    object is garbage-collected (or :meth:`close` is called)."""

    def __init__(self, rows: Iterable[Sequence[object]]) -> None:
        handle, path = tempfile.mkstemp(prefix="courtdesk-rows-", suffix=".jsonl")
        self._path = path
        self._count = 0
        self._finalizer = weakref.finalize(self, _remove, path)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            for row in rows:
                cells = ["" if cell is None else str(cell) for cell in row]
                out.write(json.dumps(cells, ensure_ascii=False))
                out.write("\n")
                self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[list[str]]:
        with open(self._path, encoding="utf-8") as spool:
            for line in spool:
                yield json.loads(line)

    def close(self) -> None:
        self._finalizer()


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _format_time(value: datetime | date | str) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def register_book(court_name: str, title: str, filter_text: str,
                  columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[object]],
                  printed_at: datetime | date | str) -> Document:
    """A register printed as a 登记簿.

    ``columns`` are (header, width weight); ``rows`` may be any iterable (a query result, a
    generator) and is consumed once, into a spool file.  The court name and register title head
    every page; the footer says 第 x 页 共 y 页.
    """
    spooled = SpooledRows(rows)
    printed = _format_time(printed_at)
    condition = filter_text.strip() or "全部"
    return Document(
        title=f"{court_name}{title}",
        page=REGISTER_PAGE,
        header=f"{court_name}　{title}",
        footer=PAGE_X_OF_Y,
        blocks=(
            Paragraph(court_name, indent=False, align="center", role="body", size=SIZE_4HAO),
            Title(title, size=18.0),
            Paragraph(f"筛选条件：{condition}　　共 {len(spooled)} 条　　打印时间：{printed}",
                      indent=False, align="left", size=SIZE_5HAO),
            Table(columns=tuple(Column(header, weight, "left") for header, weight in columns),
                  rows=spooled, size=SIZE_5HAO),
        ),
    )
