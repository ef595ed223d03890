"""Registers on paper (登记簿): landscape A4, court name, register title, filter, page x of y.

Any register view prints through :func:`register_book` with the rows of its current filter.  Rows are
streamed: they go to a temporary spool file on disk as they arrive (a register may hold a million
rows), and the document reads them back each time a renderer walks the table.  The PDF renderer then
keeps memory flat however long the register is; the DOCX renderer builds the whole file in memory
(python-docx), which is fine for thousands of rows — print very long registers as PDF.

The page is laid out like a good paper register (:func:`plan_layout`):

- columns are sized from their content — the header, the typical width of the cells in the first
  rows, a minimum for short columns (序号, 份数) and a cap for long free text;
- numbers, codes, dates and short names (``(2026)第0064号``, ``2026-11-19 15:20``, 王芳) are
  never broken inside: their column is as wide as the widest of them;
- free text wraps and is never cut: the paper register is the record of last resort, so every cell
  prints whole.  The columns are sized so that typical values take at most :data:`MAX_LINES` lines;
  a longer value makes its row taller.  A row taller than what is left of the page continues on the
  next page under the repeated header row (the renderers split it; a row taller than a whole page
  runs over as many pages as it needs);
- no line of a cell is wider than the cell: closing punctuation is never hung past the cell border,
  the character before it goes down with it instead;
- amounts are set flush right (:data:`RIGHT_KINDS`), their 合计 under them;
- 五号 text when enough rows fit on a page (:data:`TARGET_ROWS`), else 小五; the header row repeats on
  every page, and the footer says 第 x 页 共 y 页.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, cast

from courtdesk.kernel.documents.model import (
    PAGE_X_OF_Y,
    SIZE_4HAO,
    SIZE_5HAO,
    Align,
    Column,
    Document,
    PageSetup,
    Paragraph,
    Table,
    Title,
)

if TYPE_CHECKING:
    from courtdesk.kernel.documents.fonts import FontSet
    from courtdesk.kernel.documents.textlayout import Measurer

SIZE_XIAO5 = 9.0  # 小五

#: Landscape A4 for registers: 15 mm on the bound (left) edge, the header and footer lines in the
#: top and bottom margins, well inside what office printers can print.
REGISTER_BOOK_PAGE = PageSetup(
    orientation="landscape", top_mm=15.0, bottom_mm=17.0, left_mm=15.0, right_mm=10.0,
    body_size=SIZE_5HAO, grid=None,
)

#: Rows a full page should hold; below that the register prints in 小五 / with shorter cells.
TARGET_ROWS = 12
#: Columns are sized so that typical free text takes at most this many lines (2 when the page would
#: otherwise hold too few rows).  Longer text still prints whole: its row grows.
MAX_LINES = 3
#: 五号 is taken when it prints at least this share of what 小五 would print.
PREFER_LARGER = 0.95
#: How many of the first rows are measured to size the columns.
SAMPLE_ROWS = 300
#: Of the sampled rows, how many are measured line by line to share the width among free text.
LAYOUT_SAMPLE = 120
#: What a line saved in any cell is worth, per unit of the column's weight, next to a line saved in
#: the height of a row (1).
LINE_SAVED = 0.02
#: Widest a free-text column is made before its text wraps (in characters of the text size).
TEXT_CAP_CHARS = 16
#: Narrowest a free-text column is made (in characters).
TEXT_MIN_CHARS = 3
#: Values of at most this many characters (names, 执行局, 已盖章) are kept on one line.
SHORT_CHARS = 5
#: Column kinds whose values never break (the kinds of courtdesk.kernel.registers.Column).
ATOM_KINDS = frozenset({"serial", "int", "days", "date", "datetime", "money", "bool"})
#: Column kinds whose (short) values wrap onto balanced lines (已批准 / 待发放).
WHOLE_KINDS = frozenset({"status"})
#: Column kinds set flush right, so figures stand under each other digit by digit (amounts in yuan,
#: and the 合计 under them).
RIGHT_KINDS = frozenset({"money"})
#: A number, code or date: digits with ASCII/CJK brackets, letters, 第…号 — no spaces or prose punctuation.
_CODE = re.compile(r"[\w()（）〔〕\[\]\-/:.·#]*\d[\w()（）〔〕\[\]\-/:.·#]*")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")
CODE_MAX_CHARS, CODE_MAX_CJK = 24, 6
#: Distinct cell texts whose printed lines are remembered while a register is spooled (bounds memory:
#: the cache is emptied when it is full).
LAYOUT_CACHE = 20000
#: Cell texts longer than this are not remembered (they rarely repeat, and would cost memory).
LAYOUT_CACHE_CHARS = 400


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


# --- columns and layout ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BookColumn:
    """A column of a printed register: its header and the kind of its values (see ATOM_KINDS)."""

    header: str
    kind: str = "text"
    #: How much a free-text column matters when the page is too narrow for all of them (e.g. the
    #: register's declared width: 文件名称 22 gets more of the room than 备注 12).
    weight: float = 10.0


@dataclass(frozen=True)
class BookLayout:
    size: float  # text size in pt
    widths: tuple[float, ...]  # column widths in pt, summing to the frame width
    headers: tuple[str, ...]  # header texts, with "\n" where a header is set on two lines
    atoms: tuple[bool, ...]  # columns whose values are never broken
    whole: tuple[bool, ...]  # the atoms, and 状态 which wraps onto balanced lines
    max_lines: int  # the columns are sized for typical free text on this many lines (never a cut)
    rows_per_page: float  # estimated on the measured rows (full page, header row included)
    right: tuple[bool, ...] = ()  # columns set flush right (RIGHT_KINDS)

    @property
    def aligns(self) -> tuple[Align, ...]:
        centre: Align = "center"
        left: Align = "left"
        flush: Align = "right"
        right = self.right or tuple(False for _ in self.whole)
        return tuple(flush if r else centre if whole else left for whole, r in zip(self.whole, right))


def _as_column(spec: BookColumn | tuple[object, ...] | str) -> BookColumn:
    """``BookColumn``, ``(header, weight)``, ``(header, weight, kind)`` or a bare header."""
    if isinstance(spec, BookColumn):
        return spec
    if isinstance(spec, str):
        return BookColumn(spec)
    header = str(spec[0])
    weight = float(spec[1]) if len(spec) > 1 else 10.0  # type: ignore[arg-type]
    kind = str(spec[2]) if len(spec) > 2 else "text"
    return BookColumn(header, kind, weight)


def _flatten(text: str) -> str:
    """One paragraph per cell: line breaks and runs of spaces become one space."""
    return " ".join(text.split()) if ("\n" in text or "  " in text or "\t" in text) else text


def _is_atom_value(text: str) -> bool:
    """A short word, a date, or a number/code such as ``(2025)冀1091执1311号`` (few CJK characters), or
    anything the line breaker keeps whole (``二〇二六年十一月十七日``, ``¥37,489.65``, ``蒙K·8X2Q7``)."""
    from courtdesk.kernel.documents.textlayout import is_unbreakable

    if len(text) <= SHORT_CHARS or _DATETIME.fullmatch(text) or is_unbreakable(text):
        return True
    return (len(text) <= CODE_MAX_CHARS and _CODE.fullmatch(text) is not None
            and sum(1 for ch in text if ord(ch) >= 0x2E80) <= CODE_MAX_CJK)


def _header_lines(header: str, m: Measurer) -> list[tuple[str, float]]:
    """Ways to set a header: on one line, or split in two at a natural point (after ／ or before （)."""
    options = [(header, m.width(header))]
    if len(header) >= 4 and "\n" not in header:
        best: tuple[str, float] | None = None
        for cut in range(2, len(header) - 1):
            left, right = header[:cut], header[cut:]
            if right[0] in "）)、，/／" or left[-1] in "（(":
                continue
            width = max(m.width(left), m.width(right))
            natural = left[-1] in "/／" or right[0] in "（("
            score = width - (m.size * 0.75 if natural else 0.0)
            if best is None or score < best[1] - 0.01:
                best = (f"{left}\n{right}", score)
        if best is not None:
            text = best[0]
            options.append((text, max(m.width(part) for part in text.split("\n"))))
    return options


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def plan_layout(columns: Sequence[BookColumn], sample: Sequence[Sequence[str]], fonts: FontSet,
                page: PageSetup = REGISTER_BOOK_PAGE, *, first_rows: int = 0) -> BookLayout:
    """Size the columns of a register from the headers and the first rows (``sample``).

    Tries 五号 and 小五 with columns sized for up to 3 or 2 lines of typical free text; of those that
    hold :data:`TARGET_ROWS` rows on a page it takes the one that sets the most of the sampled text
    within those lines (五号 unless 小五 does clearly better, see :data:`PREFER_LARGER`), else the one
    that holds the most rows.  Nothing is ever cut: longer text makes its row taller.  ``first_rows`` is
    the number of rows in the whole register (sizes the 序号 column when it is not in the sample).
    """
    from courtdesk.kernel.documents.geometry import CELL_PAD_X, page_geometry
    from courtdesk.kernel.documents.textlayout import Measurer

    g = page_geometry(page)
    options: list[tuple[BookLayout, float]] = []
    for size, max_lines in ((SIZE_5HAO, MAX_LINES), (SIZE_XIAO5, MAX_LINES)):
        m = Measurer(fonts, "body", size, 0.0)
        layout = _plan_at(columns, sample, m, g.frame_width, max_lines, first_rows, CELL_PAD_X)
        if layout is not None:
            options.append(_estimate(layout, sample, m, g.frame_height, CELL_PAD_X))
    enough = min(TARGET_ROWS, max(first_rows, len(sample), 1))  # a short register needs fewer
    full = [(layout, shown) for layout, shown in options if layout.rows_per_page >= enough]
    if full:
        most = max(shown for _, shown in full)
        return next(layout for layout, shown in full if shown >= PREFER_LARGER * most)
    if options:
        return max(options, key=lambda option: option[0].rows_per_page)[0]
    # Even the narrowest columns do not fit: share the width by need (values may then break).
    m = Measurer(fonts, "body", SIZE_XIAO5, 0.0)
    needs = [max(m.width(c.header), 2 * SIZE_XIAO5) + 2 * CELL_PAD_X for c in columns]
    scale = g.frame_width / (sum(needs) or 1.0)
    return BookLayout(SIZE_XIAO5, tuple(n * scale for n in needs), tuple(c.header for c in columns),
                      tuple(False for _ in columns), tuple(False for _ in columns), 2, 0.0,
                      tuple(c.kind in RIGHT_KINDS for c in columns))


def _estimate(layout: BookLayout, sample: Sequence[Sequence[str]], m: Measurer, frame_height: float,
              pad_x: float) -> tuple[BookLayout, float]:
    """``layout`` with its rows per page filled in (every cell whole), and the share of the sampled
    text set within ``layout.max_lines`` lines."""
    from courtdesk.kernel.documents.geometry import CELL_PAD_Y, NATURAL_LEADING

    lh = layout.size * NATURAL_LEADING
    header_h = max((len(h.split("\n")) for h in layout.headers), default=1) * lh + 2 * CELL_PAD_Y
    heights: list[float] = []
    total = shown = 0
    for row in sample:
        n = 1
        for i, text in enumerate(row[: len(layout.widths)]):
            if not text:
                continue
            text = _flatten(text)
            width = layout.widths[i] - 2 * pad_x
            total += len(text)
            if m.width(text) <= width + 0.01:
                shown += len(text)
                continue
            lines = break_lines(text, m, width)
            n = max(n, len(lines))
            if layout.whole[i] or len(lines) <= layout.max_lines:
                shown += len(text)
            else:
                shown += sum(len(line) for line in lines[: layout.max_lines])
        heights.append(n * lh + 2 * CELL_PAD_Y)
    mean = sum(heights) / len(heights) if heights else lh + 2 * CELL_PAD_Y
    per_page = (frame_height - header_h) / mean
    return replace(layout, rows_per_page=per_page), (shown / total if total else 1.0)


def _plan_at(columns: Sequence[BookColumn], sample: Sequence[Sequence[str]], m: Measurer,
             frame_width: float, max_lines: int, count: int, pad_x: float) -> BookLayout | None:
    """Widths at one text size, or None when the columns cannot fit the page at that size.

    Never-broken columns get the width of their widest value.  Free-text columns start at their
    minimum; the rest of the page goes, a little at a time, to the column where it sets the most more
    of the sampled text within ``max_lines`` lines (weighted by the column's weight), up to the cap;
    what is left widens the free-text columns toward one line per cell."""
    size = m.size
    pad = 2 * pad_x + 1.0  # both paddings and a hair for rounding
    atoms: list[bool] = []
    widths: list[float] = []
    texts: dict[int, list[float]] = {}  # free-text column → widths of its sampled values
    whole_values: dict[int, list[float]] = {}  # the same for 状态 (wraps, never cut)
    header_options: list[list[tuple[str, float]]] = []
    for i, col in enumerate(columns):
        options = _header_lines(col.header, m)
        header_options.append(options)
        header_need = min(width for _, width in options)
        values = [_flatten(row[i]) for row in sample if i < len(row) and row[i]]
        if col.kind == "serial":
            values.append(str(max(count, len(sample), 1)))
        measured = [m.width(v) for v in values]
        atom = col.kind in ATOM_KINDS or (bool(values) and all(_is_atom_value(v) for v in values))
        atoms.append(atom)
        if atom:
            widths.append(max([header_need, *measured, size]) + pad)
        elif col.kind in WHOLE_KINDS:  # e.g. 已发放（使用中）: on at most two lines, never cut
            widths.append(max([header_need, TEXT_MIN_CHARS * size, *(w / 2 + size for w in measured)]) + pad)
            whole_values[i] = measured
        else:
            widths.append(max(header_need, TEXT_MIN_CHARS * size) + pad)
            texts[i] = measured
    room = frame_width - sum(widths)
    if room < -0.01:
        return None
    if not texts:
        scale = frame_width / (sum(widths) or 1.0)
        widths = [w * scale for w in widths]
    else:
        step = size / 2
        cap = TEXT_CAP_CHARS * size + pad
        slack = 0.6 * size  # what wrapping wastes at the end of a line, on average
        # Nothing is cut, so the page goes where it makes the rows shortest: the sum over the sampled
        # rows of their tallest cell, plus a little (by the column's weight) for every line saved in
        # any cell, so that two equally tall cells of a row both get wider.
        measured_rows = sample[:LAYOUT_SAMPLE]
        row_widths = {i: [m.width(_flatten(row[i])) if i < len(row) and row[i] else 0.0 for row in measured_rows]
                      for i in texts}

        def lines_at(i: int, width: float) -> list[int]:
            inner = width - 2 * pad_x
            per_line = max(inner - slack, size)
            return [1 if w <= inner + 0.01 else math.ceil(w / per_line) for w in row_widths[i]]

        def next_step(i: int) -> float:
            """The widening of column ``i`` (whole steps) after which one of its cells takes a line less."""
            least = math.inf
            for w, n in zip(row_widths[i], lines[i]):
                if n > 1:
                    needed = (w / (n - 1) if n > 2 else w) + (slack if n > 2 else 0.0) + 2 * pad_x
                    least = min(least, needed)
            if least is math.inf:
                return math.inf
            return max(1, math.ceil((least - widths[i]) / step - 1e-9)) * step

        lines = {i: lines_at(i, widths[i]) for i in texts}
        while room >= step and measured_rows:
            tallest = [max(col[r] for col in lines.values()) for r in range(len(measured_rows))]
            second = {i: [max((lines[j][r] for j in lines if j != i), default=1) for r in range(len(measured_rows))]
                      for i in lines} if len(lines) <= 12 else None
            best, gain, after, grow = -1, 0.0, cast("list[int]", []), 0.0
            for i in texts:
                more = next_step(i)
                if more > room + 0.01 or widths[i] + more > cap:
                    continue
                new = lines_at(i, widths[i] + more)
                others = second[i] if second is not None else tallest
                saved = sum(top - max(n, o) for top, n, o in zip(tallest, new, others))
                value = (saved + LINE_SAVED * max(columns[i].weight, 0.1) * (sum(lines[i]) - sum(new))) / more
                if value > gain + 1e-9:
                    best, gain, after, grow = i, value, new, more
            if best < 0:
                break
            widths[best] += grow
            lines[best] = after
            room -= grow
        # what is left: toward one line per cell (the 90th percentile of each column), shared by how
        # much text each column holds (作废原因, mostly empty, gets little)
        rows = max(len(sample), 1)
        sampled = {**texts, **whole_values}
        target = {i: _percentile(sampled[i], 0.9) + pad for i in texts}
        target.update({i: max(sampled[i], default=0.0) + pad for i in whole_values})
        demand = {i: sum(min(w, 2 * cap) for w in sampled[i]) / rows * max(columns[i].weight, 0.1) for i in sampled}
        open_cols = [i for i in sampled if widths[i] < target[i] - 0.01 and demand[i] > 0]
        while room > 0.01 and open_cols:
            total_demand = sum(demand[i] for i in open_cols)
            share = {i: room * demand[i] / total_demand for i in open_cols}
            for i in open_cols:
                give = min(share[i], target[i] - widths[i])
                widths[i] += give
                room -= give
            open_cols = [i for i in open_cols if widths[i] < target[i] - 0.01]
        if room > 0.01:
            base = sum(widths[i] for i in texts)
            for i in texts:
                widths[i] += room * widths[i] / base
    headers = []
    for options, width in zip(header_options, widths):
        one_line, one_width = options[0]
        headers.append(one_line if one_width + 2 * pad_x <= width + 0.01 or len(options) == 1 else options[1][0])
    whole = tuple(atom or col.kind in WHOLE_KINDS for atom, col in zip(atoms, columns))
    return BookLayout(size, tuple(widths), tuple(headers), tuple(atoms), whole, max_lines, 0.0,
                      tuple(col.kind in RIGHT_KINDS for col in columns))


#: A line may end after these (a list of names, a clause): preferred over breaking inside a word.
_SOFT_BREAK_AFTER = frozenset("、，；。：,;: ")
#: Kept whole inside free text when they fit a line, else split in two: a number such as
#: ``(2026)第0016号`` (after its year) or a date with its time.  (Amounts, dates, plates … are tokens of
#: the line breaker, :data:`courtdesk.kernel.documents.textlayout.UNBREAKABLE`, whole or cut at their joints.)
_PROTECTED = re.compile(r"(?:[\u4e00-\u9fff]{1,4}(?=[〔\[]))?[(（〔\[]\d{4}[)）〕\]][^\s，。、；：()（）〔〕]{0,12}?\d+号"
                        r"(?:之[一二三四五六七八九十]+)?|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?")
_YEAR_CLOSE = re.compile(r"[)）〕\]]")


def _tokens(text: str, m: Measurer, width: float) -> list[str | tuple[str, ...]]:
    """Tokens as the renderer cuts them; a number or date is one token, or — a tuple — one that
    may still be split in two ((2026) | 第0016号, 2026-11-19 | 15:20) rather than leave a line
    half empty.  A token is measured with the punctuation the line-breaking rules glue to it (the
    opening bracket before it, the closing punctuation after it): when they do not fit the cell together
    it is cut at its joints, so that no bracket is left alone at a line's end nor a 「。」 at a line's
    start (:func:`courtdesk.kernel.documents.textlayout.glued_pieces`)."""
    from courtdesk.kernel.documents.textlayout import (
        NO_LINE_END,
        NO_LINE_START,
        glued_pieces,
        pieces_within,
        tokens,
    )

    def plain(part: str) -> list[str]:  # a token wider than the cell: cut at its joints (after 年, 月 …)
        return glued_pieces(tokens(part), m, width)

    # a number starts and ends where tokens of the line breaker do (not at the 元 of 「1,000.00 元廊开法〔2000〕1号」)
    bounds, at = {0}, 0
    for tok in tokens(text):
        at += len(tok)
        bounds.add(at)
    matches, at = [], 0
    while (found := _PROTECTED.search(text, at)) is not None:
        if found.start() in bounds and found.end() in bounds:
            matches.append(found)
            at = found.end()
        else:
            at = found.start() + 1
    out: list[str | tuple[str, ...]] = []
    at = 0
    for match in [*matches, None]:
        end = match.start() if match is not None else len(text)
        out.extend(plain(text[at:end]))
        if match is not None:
            whole = match.group(0)
            before, after = text[:match.start()], text[match.end():]
            lead = before[len(before.rstrip("".join(NO_LINE_END))):]
            trail = after[:len(after) - len(after.lstrip("".join(NO_LINE_START)))]
            fits = m.width(lead + whole + trail) <= width
            year = _YEAR_CLOSE.search(whole)
            left, sep, right = ((whole[:year.end()], "", whole[year.end():]) if year is not None and "号" in whole
                                else whole.partition(" "))
            parts = [part if m.width(part) <= width else None for part in (left, sep, right) if part]
            if fits and None not in parts:
                out.append(tuple(p for p in parts if p))
            elif fits:
                out.append(whole)
            else:
                for part, glued_lead, glued_trail in ((left, lead, ""), (sep, "", ""), (right, "", trail)):
                    if part:
                        out.extend(pieces_within(part, m, width, glued_lead, glued_trail) if part != " " else [part])
            at = match.end()
    return out


def break_lines(text: str, m: Measurer, width: float) -> list[str]:
    """Lines of a table cell ``width`` wide, none wider than ``width``: like the renderer's wrapping
    (closing punctuation never starts a line, opening punctuation never ends one, Latin runs stay
    whole), but closing punctuation never hangs past the cell border — the character before it goes
    down to the next line with it — a line rather ends after 、，； than inside a name, and numbers
    such as ``(2026)第0016号`` and dates are kept whole."""
    from courtdesk.kernel.documents.textlayout import NO_LINE_END, NO_LINE_START

    if not text:
        return []
    if m.width(text) <= width + 0.01:
        return [text]
    adv = m.advance  # the cells' measurer has no character spacing: a width is the sum of advances
    lines: list[str] = []
    cur: list[str] = []
    ws: list[float] = []  # widths of the tokens in cur
    cur_w = 0.0
    soft = 0  # a line may end after cur[:soft]

    def cut_line(at: int) -> None:
        nonlocal cur, ws, cur_w, soft
        while at > 1 and cur[at - 1][-1:] in NO_LINE_END:
            at -= 1
        lines.append("".join(cur[:at]).rstrip(" "))
        cur, ws = cur[at:], ws[at:]
        while cur and cur[0] == " ":
            cur.pop(0)
            ws.pop(0)
        cur_w = sum(ws)
        soft = max((k + (t in _SOFT_BREAK_AFTER) for k, t in enumerate(cur)
                    if t in _SOFT_BREAK_AFTER or (k and t in NO_LINE_END)), default=0)

    pending = _tokens(text, m, width)[::-1]
    while pending:
        item = pending.pop()
        if isinstance(item, tuple):
            tok = "".join(item)
            tw = sum(map(adv, tok))
            if cur and cur_w + tw > width + 0.01 and cur_w < 0.5 * width:
                pending.extend(item[::-1])  # split it rather than leave this line half empty
                continue
        else:
            tok = item
            tw = adv(tok) if len(tok) == 1 else sum(map(adv, tok))
        if cur and cur_w + tw > width + 0.01:
            if tok[:1] in NO_LINE_START:  # never hang it past the border: carry the last glyph down with it
                at = len(cur) - 1  # (also a run such as 「.01」 or 「%30」)
                while at > 0 and cur[at][:1] in NO_LINE_START:
                    at -= 1
                cut_line(at if at > 0 else len(cur))
            else:
                use_soft = (0 < soft < len(cur) and sum(ws[:soft]) >= 0.5 * width
                            and cur[soft][:1] not in NO_LINE_START)  # (not before 「：>」: the rules glue it)
                cut_line(soft if use_soft else len(cur))
            if cur and cur_w + tw > width + 0.01:
                cut_line(len(cur))
        if not cur and tok == " ":
            continue
        if tok in NO_LINE_END and cur:
            soft = len(cur)  # a line may end before an opening bracket: 已发放 / （使用中）
        cur.append(tok)
        ws.append(tw)
        cur_w += tw
        if tok in _SOFT_BREAK_AFTER:
            soft = len(cur)
    if cur:
        lines.append("".join(cur).rstrip(" "))
    return lines


def cell_text(text: str, m: Measurer, width: float, *, balance: bool = False) -> str:
    """``text`` whole, as the lines it prints in a cell ``width`` wide (joined by ``\n``).  With
    ``balance`` (short status words) the lines are made about as long as each other."""
    text = _flatten(text)
    lines = break_lines(text, m, width)
    if len(lines) <= 1:
        return text
    if balance and len(lines) <= MAX_LINES:  # 已批准 / 待发放, not 已批准待发 / 放
        low, high = 0.0, width
        for _ in range(12):
            mid = (low + high) / 2
            if len(break_lines(text, m, mid)) == len(lines):
                high = mid
            else:
                low = mid
        lines = break_lines(text, m, high)
    return "\n".join(lines)


def _laid_out_rows(rows: Iterable[Sequence[object]], layout: BookLayout, fonts: FontSet,
                   pad_x: float) -> Iterator[list[str]]:
    """Each row with its cells broken into the lines they print (whole, never cut), one row at a time."""
    from courtdesk.kernel.documents.textlayout import Measurer

    m = Measurer(fonts, "body", layout.size, 0.0)
    plan = [(atom, whole and not atom, width - 2 * pad_x)
            for atom, whole, width in zip(layout.atoms, layout.whole, layout.widths)]
    # Registers repeat themselves (印章, 用途, 状态, 备注 …): lay out each distinct text once.
    done: dict[tuple[int, str], str] = {}
    for row in rows:
        cells = ["" if cell is None else str(cell) for cell in row]
        for i, (atom, balance, inner) in enumerate(plan):
            text = cells[i] if i < len(cells) else ""
            if not text:
                continue
            if atom:
                text = _flatten(text)
                # sized from the first rows: a wider value further down wraps rather than overflow
                cells[i] = text if m.width(text) <= inner + 0.01 else "\n".join(break_lines(text, m, inner))
                continue
            key = (i, text)
            out = done.get(key)
            if out is None:
                out = cell_text(text, m, inner, balance=balance)
                if len(text) <= LAYOUT_CACHE_CHARS:
                    if len(done) >= LAYOUT_CACHE:
                        done.clear()
                    done[key] = out
            cells[i] = out
        yield cells


def register_book(court_name: str, title: str, filter_text: str,
                  columns: Sequence[BookColumn | tuple[object, ...] | str], rows: Iterable[Sequence[object]],
                  printed_at: datetime | date | str, *, fonts: FontSet | None = None,
                  count: int | None = None, checkpoint: str = "",
                  total: Sequence[object] | None = None) -> Document:
    """A register printed as a 登记簿.

    ``columns`` are :class:`BookColumn` or ``(header, weight[, kind])`` tuples (the weight is no longer
    used: columns are sized from their content); ``rows`` may be any iterable (a query result, a
    generator) and is consumed once: the first :data:`SAMPLE_ROWS` rows size the columns, then every
    row goes, broken into the lines of its cells (whole: nothing is cut), into a spool file.  ``fonts`` are the PDF fonts the register will be
    printed with (measured here); ``count``, if known, is the number of rows (sizes 序号).  The court
    name and register title head every page; the footer says 第 x 页 共 y 页, followed by
    ``checkpoint`` (the audit chain's entry count and short hash when printed, see
    :mod:`courtdesk.kernel.checkpoint`) when given. ``total``: a 合计 row printed after the rows (not
    counted among them).
    """
    from courtdesk.kernel.documents.fonts import resolve_fonts
    from courtdesk.kernel.documents.geometry import CELL_PAD_X

    book_columns = [_as_column(c) for c in columns]
    fonts = fonts or resolve_fonts()
    iterator = iter(rows)
    head = [["" if cell is None else str(cell) for cell in row] for row in islice(iterator, SAMPLE_ROWS)]
    tail = [["" if cell is None else str(cell) for cell in total]] if total is not None else []
    # the 合计 is measured with the rows: a sum is wider than any of its amounts, and an amount is
    # never broken (「¥15,480.0」 over 「0」)
    layout = plan_layout(book_columns, head + tail, fonts, first_rows=count or len(head))

    spooled = SpooledRows(_laid_out_rows(chain(head, iterator, tail), layout, fonts, CELL_PAD_X))
    del head  # the measured rows are in the spool now
    printed = _format_time(printed_at)
    condition = filter_text.strip() or "全部"
    page = REGISTER_BOOK_PAGE
    return Document(
        title=f"{court_name}{title}",
        page=PageSetup(page.orientation, page.top_mm, page.bottom_mm, page.left_mm, page.right_mm,
                       layout.size, None),
        header=f"{court_name}　{title}",
        footer=f"{PAGE_X_OF_Y}　　{checkpoint}" if checkpoint else PAGE_X_OF_Y,
        blocks=(
            Paragraph(court_name, indent=False, align="center", role="body", size=SIZE_4HAO),
            Title(title, size=18.0),
            Paragraph(f"筛选条件：{condition}　　共 {len(spooled) - len(tail)} 条　　打印时间：{printed}",
                      indent=False, align="left", size=SIZE_5HAO),
            Table(columns=tuple(Column(header, width, align)
                                for header, width, align in zip(layout.headers, layout.widths, layout.aligns)),
                  rows=spooled, size=layout.size, split_rows=True),
        ),
    )
