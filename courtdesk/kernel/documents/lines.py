"""A printed table of child rows (a ``lines`` form field, a register's ``LinesSpec``) built from the
declared columns: 序号, one column per declared column (money right-aligned), and a 合计 row under
the money columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from courtdesk.kernel.documents.model import Align, Column, Table
from courtdesk.kernel.forms import FormField, display_lines


def _weight(column: FormField) -> float:
    if column.kind == "idnumber":
        return 2.2
    if column.kind in ("money", "date", "datetime"):
        return 1.6
    if column.kind == "int":
        return 0.8
    return max(1.0, min(4.0, column.max_len / 12))


def lines_table(field: FormField, rows: Sequence[Mapping[str, Any]], *, numbered: bool = True,
                size: float | None = None) -> Table:
    """The rows of lines field ``field`` (values as cleaned or loaded) as a bordered :class:`Table`."""
    if field.kind != "lines" or not field.columns:
        raise ValueError(f"{field.label}：lines_table 需要一个声明了列的 lines 字段")
    shown, total = display_lines(field, rows)
    columns = [Column(c.label, _weight(c), _align(c)) for c in field.columns]
    body: list[list[str]] = [list(r) for r in shown]
    if total is not None and shown:
        body.append(list(total))
    if numbered:
        columns.insert(0, Column("序号", 0.6))
        body = [[str(i + 1) if i < len(shown) else "", *r] for i, r in enumerate(body)]
        if total is not None and shown and not any(c.kind != "money" for c in field.columns):
            body[-1][0] = "合计"
    return Table(tuple(columns), tuple(tuple(r) for r in body), size=size)


def _align(column: FormField) -> Align:
    return "right" if column.kind in ("money", "int") else "center"
