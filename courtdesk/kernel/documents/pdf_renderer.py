"""PDF renderer (reportlab), streaming.

Each block becomes a lazy sequence of *pieces* (a line of text, a table row, a box …), pieces are
cut into pages, and pages are drawn with a reportlab canvas.  When the footer needs the page count,
the pieces are laid out twice (count, then draw) instead of keeping pages in memory, so a register of
a million rows is never held whole.

reportlab keeps every page of a canvas in memory until ``save()``.  To keep memory flat, pages go into
chunks of :data:`CHUNK_PAGES` pages; each finished chunk is parsed with pypdf and its objects are
written straight to the output file by :class:`_PdfAppender`, which remembers only object offsets.
A document that fits in one chunk is written by reportlab as it is.  The price of chunking is that
every chunk embeds its own font subsets (a few hundred KB per chunk).
"""

from __future__ import annotations

import gc
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from courtdesk.kernel.documents.fonts import FontSet, resolve_fonts
from courtdesk.kernel.documents.geometry import (
    CELL_PAD_X,
    CELL_PAD_Y,
    MIN_SPLIT_LINES,
    PageGeometry,
    mm,
    page_geometry,
    signature_layout,
)
from courtdesk.kernel.documents.model import (
    QR_BORDER,
    QR_LEVEL,
    Block,
    Box,
    CaseNumberLine,
    Document,
    Heading,
    LabelSheet,
    PageBreak,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    TearLine,
    Title,
    closing_positions,
    keeps_with_previous,
    page_furniture,
)
from courtdesk.kernel.documents.textlayout import Line, Measurer, fit_line, wrap

if TYPE_CHECKING:
    from pypdf.generic import PdfObject
    from typing_extensions import Self

Target = str | os.PathLike[str] | BinaryIO
CancelFlag = threading.Event | Callable[[], bool] | None

#: Pages per reportlab canvas before the chunk is flushed to the output file.
CHUNK_PAGES = 150
PRODUCER = "CourtDesk"


class Cancelled(Exception):
    """Rendering was cancelled through the cancel flag."""


def is_cancelled(cancel: CancelFlag) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


# --- pieces and pages -----------------------------------------------------------------------------

CONTENT, SPACER, BREAK = 0, 1, 2
DrawFn = Callable[[Canvas, float], None]  # (canvas, y of the piece's top edge)


@dataclass(eq=False)
class _Piece:
    height: float
    draw: DrawFn | None = None
    kind: int = CONTENT
    keep_with_next: bool = False
    repeat: _Piece | None = None  # table header to print first on a continuation page
    #: A table row that may continue on the next page: called with the room left on the page and
    #: whether the page holds nothing else yet, returns (the part that fits, the rest) or None.
    split: Callable[[float, bool], tuple[_Piece, _Piece] | None] | None = None
    cut: bool = False  # a tear line: the sheet is cut here (a stamp marks each part)
    new_part: bool = False  # a page break that also starts a new part (its pages numbered from 1)
    keeps_previous: bool = False  # the first piece of a closing block: the piece before keeps with it


class _Page(list):  # type: ignore[type-arg]
    """One page: (piece, offset from the frame top) pairs; ``new_part`` when it starts a new part."""

    new_part = False

#: Content pieces a keep-together group holds at most (a longer run breaks: a form's signature table,
#: a closing block of 此致, 落款, date, 承办人 and 地址 with the body's last lines fits).
MAX_GROUP = 12


def _paginate(pieces: Iterable[_Piece], frame_height: float) -> Iterator[list[tuple[_Piece, float]]]:
    """Cut pieces into pages of (piece, offset from the frame top).  Always yields at least one page;
    a page that starts a new part (``PageBreak(new_part=True)``) says so (``_Page.new_part``)."""
    page = _Page()
    used = 0.0
    yielded = False
    for group in _groups(pieces):
        if group[0].kind == BREAK:
            if page:
                yield page
                yielded = True
                page, used = _Page(), 0.0
            if group[0].new_part and yielded:
                page.new_part = True
            continue
        if group[0].kind == SPACER and not page:
            continue
        group_height = sum(p.height for p in group)
        if page and used + group_height > frame_height + 0.01:
            fits_alone = group_height <= frame_height
            last, lead = group[-1], used + sum(p.height for p in group[:-1])
            continues = (last.split is not None and lead <= frame_height + 0.01
                         and last.split(frame_height - lead, False) is not None)
            if not continues and (fits_alone or used + group[0].height > frame_height + 0.01):
                yield page
                yielded = True
                page, used = _Page(), 0.0
                if group[0].kind == SPACER:
                    continue
        for whole in group:
            rest: _Piece | None = whole
            while rest is not None:
                piece, rest = rest, None
                if page and used + piece.height > frame_height + 0.01:
                    parts = piece.split(frame_height - used, False) if piece.split is not None else None
                    if parts is not None:  # a tall row: what fits here, the rest on the next page
                        head, rest = parts
                        page.append((head, used))
                    yield page
                    yielded = True
                    page, used = _Page(), 0.0
                    if parts is not None:
                        continue
                if piece.kind == SPACER and not page:  # a spacer of a kept run: not at a page top
                    continue
                if not page and piece.repeat is not None and piece.repeat is not piece:
                    page.append((piece.repeat, used))
                    used += piece.repeat.height
                if (piece.split is not None and used + piece.height > frame_height + 0.01
                        and all(placed is piece.repeat for placed, _ in page)):  # taller than a page
                    parts = piece.split(frame_height - used, True)
                    if parts is not None:
                        piece, rest = parts
                page.append((piece, used))
                used += piece.height
    if page or not yielded:
        yield page


def _groups(pieces: Iterable[_Piece]) -> Iterator[list[_Piece]]:
    """Content pieces joined while ``keep_with_next`` is set (a title with the line after it, a table
    header with its first row, a body's last line with the 落款 after it); a spacer inside such a run
    joins it, other spacers and page breaks stand alone.  At most :data:`MAX_GROUP` content pieces."""
    group: list[_Piece] = []
    content = 0
    for piece in pieces:
        if piece.kind == SPACER and group:  # only inside a run: a run ends at its last content piece
            group.append(piece)
            continue
        if piece.kind != CONTENT:
            trailing: list[_Piece] = []
            while group and group[-1].kind == SPACER:
                trailing.insert(0, group.pop())
            if group:
                yield group
                group, content = [], 0
            yield from ([spacer] for spacer in trailing)
            yield [piece]
            continue
        group.append(piece)
        content += 1
        if not piece.keep_with_next or content >= MAX_GROUP:
            yield group
            group, content = [], 0
    if group:
        yield group  # trailing spacers at the very end change nothing


def _keep_closings(pieces: Iterable[_Piece]) -> Iterator[_Piece]:
    """Make the content piece before a closing block's first piece (``keeps_previous``) keep with
    it, across the spacers between them: each piece is passed on once the next content one is known."""
    held: list[_Piece] = []
    for piece in pieces:
        if piece.kind == SPACER:
            if held:
                held.append(piece)
            else:
                yield piece
            continue
        if piece.kind == CONTENT and piece.keeps_previous and held and held[0].kind == CONTENT:
            held[0].keep_with_next = True
        yield from held
        held = [piece] if piece.kind == CONTENT else []
        if piece.kind != CONTENT:
            yield piece
    yield from held


# --- drawing helpers ------------------------------------------------------------------------------


def _baseline(top: float, height: float, size: float) -> float:
    """Baseline that centres a line of CJK glyphs of ``size`` in a box ``height`` tall."""
    return top - height / 2 - size * 0.35


def _draw_text(c: Canvas, m: Measurer, x: float, y: float, text: str, char_space: float | None = None,
               bold: bool = False) -> None:
    if not text:
        return
    if bold:  # stroke the outlines a little: the text render mode outlives the text object
        c.saveState()
        c.setLineWidth(m.size * 0.03)
    t = c.beginText(x, y)
    t.setCharSpace(m.char_space if char_space is None else char_space)  # set on every text object
    if bold:
        t.setTextRenderMode(2)
    for font_name, segment in m.runs(text):
        t.setFont(font_name, m.size)
        t.textOut(segment)
    c.drawText(t)
    if bold:
        c.restoreState()


def _draw_qr(c: Canvas, widget: object) -> None:
    """Paint a reportlab ``QrCodeWidget``'s dark runs as filled rectangles straight on the canvas
    (``renderPDF`` would also set a Helvetica font that is never embedded)."""
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    for shape in widget.draw().contents:  # type: ignore[attr-defined]
        if getattr(shape, "fillColor", None) is not None:
            c.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    c.restoreState()


def _both(first: DrawFn, second: DrawFn) -> DrawFn:
    def draw(c: Canvas, top: float) -> None:
        first(c, top)
        second(c, top)

    return draw


class _Layout:
    """Turns blocks into pieces for one document."""

    def __init__(self, doc: Document, fonts: FontSet) -> None:
        self.doc = doc
        self.fonts = fonts
        self.g: PageGeometry = page_geometry(doc.page)

    # text lines ------------------------------------------------------------------------------------
    def _text_pieces(self, text: str, role: str, size: float, align: str, indent: bool, bold: bool,
                     keep_with_next: bool = False, hang: int = 0) -> Iterator[_Piece]:
        g = self.g
        m = Measurer(self.fonts, role, size, g.char_space(size))
        width = g.frame_width
        first_indent = 2 * (size + m.char_space) if indent else 0.0
        # a numbered item's continuation lines start under its text, after the number
        rest_indent = min(first_indent + m.width(text[:hang]) + m.char_space, width / 2) if hang else 0.0
        height = g.line_height(size)
        lines = wrap(text, m, width, first_indent, rest_indent)
        for i, line in enumerate(lines):
            indent_here = first_indent if i == 0 else rest_indent
            draw = self._line_drawer(m, line, align, indent_here, bold, height)
            if i == 0 and hang and len(line.text) > hang and align in ("left", "justify"):
                # the label keeps its spacing and the text after it starts where the next lines do
                label = fit_line(line.text[:hang], m, g.frame_width, True)
                rest = fit_line(line.text[hang:], m, width - rest_indent, line.last)
                draws = (self._line_drawer(m, label, "left", first_indent, bold, height),
                         self._line_drawer(m, rest, align, rest_indent, bold, height))
                draw = _both(*draws)
            # no first line alone at a page's foot, no last line alone at the next page's head
            alone = len(lines) > 1 and (i == 0 or i == len(lines) - 2)
            yield _Piece(height, draw, keep_with_next=keep_with_next or alone)

    def _line_drawer(self, m: Measurer, line: Line, align: str, indent: float, bold: bool,
                     height: float) -> DrawFn:
        g = self.g
        avail = g.frame_width - indent
        x = g.left + indent
        cs = line.char_space(m)  # with the squeeze that keeps closing punctuation inside the frame
        if align == "center":
            x = g.left + (g.frame_width - line.width) / 2
        elif align == "right":
            x = g.left + g.frame_width - line.width
        elif align == "justify" and not line.last and len(line.text) > 1:
            extra = (avail - line.width) / (len(line.text) - 1)
            if -0.35 * m.size <= extra <= 0.3 * m.size:  # else leave the line ragged
                cs += extra

        def draw(c: Canvas, top: float) -> None:
            _draw_text(c, m, x, _baseline(top, height, m.size), line.text, cs, bold)

        return draw

    # blocks ------------------------------------------------------------------------------------------
    def pieces(self) -> Iterator[_Piece]:
        return _keep_closings(self._block_pieces())

    def _block_pieces(self) -> Iterator[_Piece]:
        body = self.g.body_size
        for block in self.doc.blocks:
            if keeps_with_previous(block):
                first = True
                for piece in self._pieces_of(block, body):
                    piece.keeps_previous = first
                    first = False
                    yield piece
            else:
                yield from self._pieces_of(block, body)

    def _pieces_of(self, block: Block, body: float) -> Iterator[_Piece]:
        if isinstance(block, Title):
            for part in block.text.split("\n"):
                yield from self._text_pieces(part, block.role, block.size, "center", False,
                                             self.fonts.fake_bold(block.role), keep_with_next=True)
        elif isinstance(block, Heading):
            yield from self._text_pieces(block.text, block.role, block.size or body, block.align,
                                         False, False, keep_with_next=True)
        elif isinstance(block, CaseNumberLine):
            yield from self._text_pieces(block.text, "body", block.size or body, block.align,
                                         False, False)
        elif isinstance(block, Paragraph):
            yield from self._text_pieces(block.text, block.role, block.size or body, block.align,
                                         block.indent, block.bold, hang=block.hang)
        elif isinstance(block, Table):
            yield from self._table_pieces(block)
        elif isinstance(block, SignatureLine):
            yield self._signature_piece(block)
        elif isinstance(block, Box):
            yield self._box_piece(block)
        elif isinstance(block, TearLine):
            yield self._tear_piece(block)
        elif isinstance(block, Spacer):
            yield _Piece(block.lines * self.g.line_pitch, kind=SPACER)
        elif isinstance(block, PageBreak):
            yield _Piece(0.0, kind=BREAK, new_part=block.new_part)
        elif isinstance(block, LabelSheet):
            yield from self._label_pieces(block)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")

    def _table_pieces(self, table: Table) -> Iterator[_Piece]:
        g = self.g
        size = table.size or g.body_size
        m = Measurer(self.fonts, table.role, size, 0.0)
        total = sum(col.weight for col in table.columns) or 1.0
        widths = [g.frame_width * col.weight / total for col in table.columns]
        lh = g.cell_line_height(size)
        min_h = mm(table.min_row_height_mm)

        def cell_lines(row: Iterable[str]) -> list[list[Line]]:
            cells = list(row)[: len(widths)]
            cells += [""] * (len(widths) - len(cells))
            return [wrap(str(text), m, w - 2 * CELL_PAD_X) if text else [] for text, w in zip(cells, widths)]

        def row_piece(lines: list[list[Line]], aligns: Sequence[str], header: _Piece | None,
                      keep: bool = False, bold: bool = False, splits: bool = False) -> _Piece:
            n = max((len(cell) for cell in lines), default=0)
            height = max(n * lh + 2 * CELL_PAD_Y, min_h, lh + 2 * CELL_PAD_Y)

            def draw(c: Canvas, top: float) -> None:
                x = g.left
                for cell, w, align in zip(lines, widths, aligns):
                    if table.borders:
                        c.setLineWidth(0.6)
                        c.rect(x, top - height, w, height, stroke=1, fill=0)
                    y0 = top - (height - len(cell) * lh) / 2  # centre the cell's lines vertically
                    for i, line in enumerate(cell):
                        if align == "center":
                            lx = x + (w - line.width) / 2
                        elif align == "right":
                            lx = x + w - CELL_PAD_X - line.width
                        else:
                            lx = x + CELL_PAD_X
                        _draw_text(c, m, lx, _baseline(y0 - i * lh, lh, size), line.text,
                                   line.char_space(m), bold=bold)
                    x += w

            def split(room: float, fresh: bool) -> tuple[_Piece, _Piece] | None:
                fit = int((room - 2 * CELL_PAD_Y + 0.01) // lh)
                least = 1 if fresh else MIN_SPLIT_LINES
                if fit < least or n - fit < least or (not fresh and not table.split_rows):
                    return None
                return (row_piece([cell[:fit] for cell in lines], aligns, header, splits=True),
                        row_piece([cell[fit:] for cell in lines], aligns, header, splits=True))

            return _Piece(height, draw, keep_with_next=keep, repeat=header, split=split if splits else None)

        header: _Piece | None = None
        if table.header:
            header = row_piece(cell_lines(col.header for col in table.columns),
                               ["center"] * len(widths), None, keep=True, bold=True)
            yield header
        aligns = [col.align for col in table.columns]
        previous: _Piece | None = None
        for row in table.rows:  # a row taller than a page (or, with split_rows, than what is left) splits
            if previous is not None:
                yield previous
            # keep_together: each row keeps with the next (the last one ends the group)
            previous = row_piece(cell_lines(row), aligns, header, keep=table.keep_together, splits=True)
        if previous is not None:
            previous.keep_with_next = False
            yield previous

    def _signature_piece(self, block: SignatureLine) -> _Piece:
        g = self.g
        size = block.size or g.body_size
        m = Measurer(self.fonts, "body", size, g.char_space(size))
        height = g.line_height(size)
        pitch = size + m.char_space
        date_w = m.width(block.date)
        signer_w = m.width(block.signer)
        # the date 右空N字 and the signer centred over it (GB/T 9704 §7.3.5.1)
        date_x, signer_x = closing_positions(g.frame_width, pitch, date_w, signer_w, block.date_right_chars)
        date_room = g.frame_width - date_x if block.date else 0.0  # the date and the space after it
        # never past the margin: a line too long for the frame closes its gaps, then shrinks its blanks
        # (the one rule, shared with the DOCX's tab stops)
        widths, gap = signature_layout(
            [(m.width(label) + (m.char_space if label else 0.0), m.width(value) if value else None)
             for label, value in block.fields], pitch, block.blank_chars, g.frame_width, date_room)
        parts = [(label, value, label_w, value_w)
                 for (label, value), (label_w, value_w) in zip(block.fields, widths)]
        total = sum(label_w + value_w for *_, label_w, value_w in parts) + gap * max(len(parts) - 1, 0)

        lines = 2 if block.signer else 1  # the signer's line above the fields and date

        def draw(c: Canvas, top: float) -> None:
            if block.signer:
                _draw_text(c, m, g.left + signer_x, _baseline(top, height, size), block.signer)
                top -= height
            base = _baseline(top, height, size)
            if block.align == "right":
                x = g.left + g.frame_width - total - (date_room + gap if block.date else 0.0)
            elif block.align == "center":
                x = g.left + (g.frame_width - total) / 2
            else:
                x = g.left
            for label, value, label_w, value_w in parts:
                _draw_text(c, m, x, base, label)
                x += label_w
                if value:
                    _draw_text(c, m, x, base, value)
                else:
                    c.setLineWidth(0.6)
                    c.line(x, base - size * 0.15, x + value_w, base - size * 0.15)
                x += value_w + gap
            if block.date:
                _draw_text(c, m, g.left + date_x, base, block.date)

        return _Piece(height * lines, draw)

    def _box_piece(self, block: Box) -> _Piece:
        g = self.g
        size = block.size or g.body_size
        m = Measurer(self.fonts, block.role, size, 0.0)
        height = mm(block.height_mm)
        width = min(g.frame_width, mm(block.width_mm)) if block.width_mm else g.frame_width
        if block.align == "right":
            x = g.left + g.frame_width - width
        elif block.align == "left" or block.align == "justify":
            x = g.left
        else:
            x = g.left + (g.frame_width - width) / 2
        lines = wrap(block.caption, m, width - 2 * CELL_PAD_X) if block.caption else []
        lh = g.cell_line_height(size)

        def draw(c: Canvas, top: float) -> None:
            if block.border:
                c.setLineWidth(0.8)
                c.rect(x, top - height, width, height, stroke=1, fill=0)
            y0 = top - (height - len(lines) * lh) / 2
            for i, line in enumerate(lines):
                _draw_text(c, m, x + (width - line.width) / 2, _baseline(y0 - i * lh, lh, size), line.text,
                           line.char_space(m))

        return _Piece(height, draw)

    def _label_pieces(self, block: LabelSheet) -> Iterator[_Piece]:
        """A row of labels per piece: bordered cells, each a QR code (reportlab's ``QrCodeWidget``) on
        the left and its text lines, wrapped, on the right; lines that do not fit are left off."""
        from reportlab.graphics.barcode.qr import QrCodeWidget  # type: ignore[import-untyped]

        g = self.g
        size = block.text_size
        height = mm(block.label_height_mm)
        width = g.frame_width / block.columns
        qr = mm(block.qr_mm)
        pad = (height - qr) / 2
        text_x = qr + pad  # the QR's quiet zone is its margin on the left
        text_w = max(width - text_x - CELL_PAD_X, size)
        lh = g.cell_line_height(size)
        measurers = [Measurer(self.fonts, "hei", size, 0.0), Measurer(self.fonts, block.role, size, 0.0)]

        def label_lines(lines: tuple[str, ...]) -> list[tuple[Measurer, Line]]:
            out: list[tuple[Measurer, Line]] = []
            for i, text in enumerate(lines):
                m = measurers[0 if i == 0 else 1]
                out.extend((m, line) for line in wrap(text, m, text_w))
            return out[: max(int((height - 2 * CELL_PAD_Y) // lh), 1)]

        for row in block.rows():
            laid = [(label, label_lines(label.lines)) for label in row]

            def draw(c: Canvas, top: float, laid: list = laid) -> None:  # type: ignore[type-arg]
                c.setLineWidth(0.6)
                for col, (label, lines) in enumerate(laid):
                    x = g.left + col * width
                    c.rect(x, top - height, width, height, stroke=1, fill=0)
                    _draw_qr(c, QrCodeWidget(label.code, barLevel=QR_LEVEL, barBorder=QR_BORDER, barWidth=qr,
                                             barHeight=qr, x=x + pad - mm(1), y=top - height + pad))
                    y0 = top - (height - len(lines) * lh) / 2
                    for i, (m, line) in enumerate(lines):
                        _draw_text(c, m, x + text_x, _baseline(y0 - i * lh, lh, size), line.text, line.char_space(m))

            yield _Piece(height, draw)

    def _tear_piece(self, block: TearLine) -> _Piece:
        g = self.g
        size = block.size or min(g.body_size, 14.0)
        m = Measurer(self.fonts, "body", size, 0.0)
        height = g.line_height(size)
        text_w = m.width(block.text)

        def draw(c: Canvas, top: float) -> None:
            y_line = top - height / 2
            c.saveState()
            c.setLineWidth(0.7)
            c.setDash(4, 3)
            if block.text:  # the dashes stop short of the number: it must not look struck out
                middle, gap = g.left + g.frame_width / 2, text_w / 2 + size * 0.5
                c.line(mm(8), y_line, middle - gap, y_line)
                c.line(middle + gap, y_line, g.width - mm(8), y_line)
            else:
                c.line(mm(8), y_line, g.width - mm(8), y_line)  # edge to edge: it is cut along
            c.restoreState()
            if block.text:
                # on the cut (骑缝): cutting along the line halves the characters, each part keeps part
                _draw_text(c, m, g.left + (g.frame_width - text_w) / 2, y_line - size * 0.35, block.text)

        return _Piece(height, draw, cut=True)


def _draw_furniture(c: Canvas, doc: Document, g: PageGeometry, fonts: FontSet, page: int,
                    pages: int, signature: Sequence[_Piece] = ()) -> None:
    """Header, footer and the per-page signature lines of page ``page`` of its part's ``pages``, drawn
    before the body (a page's text starts with its header and footer).  The signature lines sit in
    the bottom margin, just under the text frame (:func:`_band`), and the footer (第 x 页 共 y 页)
    under them: the body keeps its whole frame, so a transcript that filled one page still does."""
    header, footer = page_furniture(doc, page, pages)
    size = min(14.0, g.body_size)
    m = Measurer(fonts, "body", size, 0.0)
    if header:
        hm = m
        if doc.continuation and page > 1:  # the continuation title: in the title face
            hm = Measurer(fonts, "title", size, 0.0)
        _draw_text(c, hm, (g.width - hm.width(header)) / 2, g.height - g.top + mm(5), header,
                   bold=hm is not m and fonts.fake_bold("title"))
    band = sum(piece.height for piece in signature)
    if footer:
        below = band + mm(3) if signature else mm(7)
        _draw_text(c, m, (g.width - m.width(footer)) / 2, g.bottom - mm(1) - below - size, footer)
    top = g.bottom - mm(1)
    for piece in signature:
        if piece.draw is not None:
            piece.draw(c, top)
        top -= piece.height


def _band(doc: Document, layout: _Layout) -> list[_Piece]:
    """The pieces of the per-page signature lines (empty without)."""
    return [layout._signature_piece(line) for line in doc.page_signature]


STAMP_SIZE = 60.0
STAMP_ANGLE = 20.0


def _draw_stamp(c: Canvas, stamp: str, g: PageGeometry, fonts: FontSet, cuts: Sequence[float]) -> None:
    """``stamp`` in large red letters in a frame, slanted, over the text: centred in each part the
    tear lines at ``cuts`` (y) cut the text frame into, else in its upper and its lower half — a
    sheet cut in two carries the whole mark on each part."""
    m = Measurer(fonts, "title", STAMP_SIZE, STAMP_SIZE * 0.3)
    width = m.width(stamp)
    frame_top, frame_bottom = g.height - g.top, g.bottom
    edges = [frame_top, *sorted(cuts, reverse=True), frame_bottom]
    if not cuts:
        edges.insert(1, (frame_top + frame_bottom) / 2)
    for upper, lower in zip(edges, edges[1:]):
        centre_y = (upper + lower) / 2
        c.saveState()
        c.translate(g.left + g.frame_width / 2, centre_y)
        c.rotate(STAMP_ANGLE)
        c.setStrokeColorRGB(0.8, 0.1, 0.1)
        c.setFillColorRGB(0.8, 0.1, 0.1)
        c.setFillAlpha(0.25)
        c.setLineWidth(2.0)
        c.rect(-width / 2 - STAMP_SIZE * 0.25, -STAMP_SIZE * 0.45, width + STAMP_SIZE * 0.5, STAMP_SIZE * 1.25,
               stroke=1, fill=0)
        _draw_text(c, m, -width / 2, -STAMP_SIZE * 0.1, stamp)
        c.restoreState()


def _needs_page_count(doc: Document) -> bool:
    return "{pages}" in doc.header or "{pages}" in doc.footer or doc.numbered or bool(doc.page_signature)


def part_pages(doc: Document, fonts: FontSet | None = None) -> list[int]:
    """The page count of each part of ``doc`` (see ``PageBreak.new_part``) as the PDF lays it out; the
    DOCX renderer asks it which parts get 「第 x 页 共 y 页」."""
    fonts = fonts or resolve_fonts()
    layout = _Layout(doc, fonts)
    counts: list[int] = []
    for page in _paginate(layout.pieces(), _body_height(doc, layout)):
        if not counts or getattr(page, "new_part", False):
            counts.append(0)
        counts[-1] += 1
    return counts


def _body_height(doc: Document, layout: _Layout) -> float:
    """The frame height the body may fill: all of it (the per-page signature band is in the margin)."""
    return layout.g.frame_height


#: A document of at most this many pages is kept from its counting pass for drawing (laid out once).
KEEP_PAGES = 60


def _draw_document(sink: _ChunkedCanvas, doc: Document, fonts: FontSet, cancel: CancelFlag = None) -> int:
    """Draw ``doc`` page by page into ``sink``; return its page count."""
    g = page_geometry(doc.page)
    layout = _Layout(doc, fonts)
    band = _band(doc, layout)
    height = _body_height(doc, layout)
    parts: list[int] = []  # pages of each part
    kept: list[list[tuple[_Piece, float]]] | None = []
    if _needs_page_count(doc):
        for page in _paginate(layout.pieces(), height):
            if not parts or getattr(page, "new_part", False):
                parts.append(0)
            parts[-1] += 1
            if kept is not None:
                kept.append(page)
                if len(kept) > KEEP_PAGES:
                    kept = None  # a long document: laid out again as it is drawn
    if not parts or kept is None:
        kept = None
    pages = iter(kept) if kept is not None else _paginate(_Layout(doc, fonts).pieces(), height)
    count = 0
    part, in_part = -1, 0
    for page in pages:
        if is_cancelled(cancel):
            raise Cancelled()
        c = sink.begin_page((g.width, g.height), doc.title)
        count += 1
        if part < 0 or getattr(page, "new_part", False):
            part, in_part = part + 1, 0
        in_part += 1
        total = parts[part] if part < len(parts) else 0
        # the per-page signatures on a part that runs past one page (one page: its closing signs it)
        _draw_furniture(c, doc, g, fonts, in_part, max(total, in_part), band if max(total, in_part) > 1 else ())
        top = g.height - g.top
        for piece, offset in page:
            if piece.draw is not None:
                piece.draw(c, top - offset)
        if doc.stamp:  # over the text, so nothing covers it
            _draw_stamp(c, doc.stamp, g, fonts, [top - o - p.height / 2 for p, o in page if p.cut])
        sink.end_page()
    return count


# --- output: reportlab canvases in chunks, appended to one file ------------------------------------


class _ChunkedCanvas:
    """Hands out a reportlab canvas per page and flushes it every ``chunk_pages`` pages."""

    def __init__(self, out: BinaryIO, title: str, fonts: FontSet, chunk_pages: int = CHUNK_PAGES) -> None:
        self._out = out
        self._title = title
        # reportlab's page preamble selects an initial font; make it ours, not a non-embedded Helvetica
        self._initial_font = fonts.load(fonts.primary("body"))
        self._chunk_pages = max(1, chunk_pages)
        self._canvas: Canvas | None = None
        self._buffer: io.BytesIO | None = None
        self._in_chunk = 0
        self._first_chunk: bytes | None = None
        self._appender: _PdfAppender | None = None
        self._frozen = False
        self.pages = 0

    def begin_page(self, size: tuple[float, float], title: str) -> Canvas:
        if self._canvas is None:
            self._buffer = io.BytesIO()
            self._canvas = Canvas(self._buffer, pagesize=size, pageCompression=1,
                                  initialFontName=self._initial_font)
            self._canvas.setTitle(self._title or title)
            self._canvas.setCreator(PRODUCER)
            self._canvas.setProducer(PRODUCER)
        else:
            self._canvas.setPageSize(size)
        return self._canvas

    def end_page(self) -> None:
        assert self._canvas is not None
        self._canvas.showPage()
        self._in_chunk += 1
        self.pages += 1
        if self._in_chunk >= self._chunk_pages:
            self._flush()

    def _flush(self) -> None:
        assert self._canvas is not None and self._buffer is not None
        self._canvas.save()
        data = self._buffer.getvalue()
        self._canvas, self._buffer, self._in_chunk = None, None, 0
        if self._appender is None and self._first_chunk is None:
            self._first_chunk = data  # maybe the only chunk: then reportlab's file is the output
            return
        if self._appender is None:
            self._appender = _PdfAppender(self._out, self._title)
            assert self._first_chunk is not None
            self._appender.append(self._first_chunk)
            self._first_chunk = None
            # A document of many chunks: from here on each chunk's garbage is collected (below).  A
            # full collection walks every object of the process — ~150 ms in a process that has
            # loaded the areas, three seconds over a batch of 1,000 letters — so what exists now is
            # frozen (gc.freeze: set aside, not freed) and each collection walks only what the batch
            # made since; :meth:`release` puts it back.
            gc.collect()
            gc.freeze()
            self._frozen = True
        self._appender.append(data)
        # the chunk's canvas and pypdf reader are reference cycles; collect them now, or the
        # garbage piles up between the interpreter's rare full collections
        gc.collect()

    def release(self) -> None:
        """Give the objects frozen for a long document back to the collector."""
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def close(self) -> None:
        try:
            self._close()
        finally:
            self.release()

    def _close(self) -> None:
        if self._canvas is not None and self._in_chunk:
            self._flush()
        self._canvas = self._buffer = None
        if self._appender is not None:
            self._appender.close()
        elif self._first_chunk is not None:
            self._out.write(self._first_chunk)
        else:  # nothing was drawn: still write a valid one-page PDF
            buffer = io.BytesIO()
            blank = Canvas(buffer, pageCompression=1, initialFontName=self._initial_font)
            blank.setTitle(self._title)
            blank.showPage()
            blank.save()
            self._out.write(buffer.getvalue())


class _PdfAppender:
    """Writes the pages of many small PDFs into one file as they come.

    Only object offsets and the ids of the per-chunk page-tree nodes stay in memory.  Each appended
    PDF becomes one intermediate ``/Pages`` node under the root.
    """

    def __init__(self, out: BinaryIO, title: str) -> None:
        self._out = out
        self._pos = 0  # offsets count from the "%PDF" header
        self._offsets: list[int] = []
        self._root_pages = self._reserve()
        self._kids: list[int] = []
        self._count = 0
        self._title = title
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)

    def _reserve(self) -> int:
        self._offsets.append(-1)
        return len(self._offsets)

    def _offsets_after(self, n: int) -> int:
        """The number the ``n``-th object reserved from now will get."""
        return len(self._offsets) + n + 1

    def _write_object(self, number: int, obj: PdfObject) -> None:
        self._offsets[number - 1] = self._pos
        buffer = io.BytesIO()
        buffer.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._write(buffer.getvalue())

    def append(self, pdf_bytes: bytes) -> None:
        """Append the pages of one PDF: reportlab's own output by :func:`_reportlab_objects` (a
        chunk of letters in a few milliseconds), anything else through pypdf."""
        parsed = _reportlab_objects(pdf_bytes)
        if parsed is None:
            self._append_parsed(pdf_bytes)
            return
        objects, kids, tree = parsed
        mapping = {number: self._offsets_after(i) for i, number in enumerate(objects)}
        node = self._offsets_after(len(objects))
        mapping[tree] = node  # the pages' /Parent: this chunk's node under the root

        def renumber(match: re.Match[bytes]) -> bytes:
            if match.group(1) is None:
                return match.group(0)  # a string: as it is
            return b"%d 0 R" % mapping[int(match.group(1))]

        try:
            heads = [_REFERENCE.sub(renumber, head) for head, _stream in objects.values()]
        except KeyError:  # a reference to the catalog or the information: not a chunk of pages
            self._append_parsed(pdf_bytes)
            return
        for number, head, (_head, stream) in zip(objects, heads, objects.values()):
            self._reserve()
            self._offsets[mapping[number] - 1] = self._pos
            self._write(b"%d 0 obj\n%s%s\nendobj\n" % (mapping[number], head, stream))
        self._reserve()
        self._offsets[node - 1] = self._pos
        kids_text = " ".join(f"{mapping[k]} 0 R" for k in kids)
        self._write(f"{node} 0 obj\n<< /Type /Pages /Parent {self._root_pages} 0 R /Kids [ {kids_text} ] "
                    f"/Count {len(kids)} >>\nendobj\n".encode())
        self._kids.append(node)
        self._count += len(kids)

    def _append_parsed(self, pdf_bytes: bytes) -> None:
        from pypdf import PdfReader  # only a PDF not written by reportlab needs it
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            NumberObject,
            StreamObject,
        )

        reader = PdfReader(io.BytesIO(pdf_bytes))
        mapping: dict[int, int] = {}
        pending: list[IndirectObject] = []
        node = self._reserve()

        def ref(source: IndirectObject) -> IndirectObject:
            number = mapping.get(source.idnum)
            if number is None:
                number = mapping[source.idnum] = self._reserve()
                pending.append(source)
            return IndirectObject(number, 0, None)

        def copy(obj: object) -> PdfObject:
            if isinstance(obj, IndirectObject):
                return ref(obj)
            if isinstance(obj, StreamObject):
                stream = StreamObject()
                for key, value in dict.items(obj):
                    if key != "/Length":
                        stream[NameObject(key)] = copy(value)
                stream._data = obj._data  # the encoded bytes, written as they are
                return stream
            if isinstance(obj, DictionaryObject):
                out = DictionaryObject()
                for key, value in dict.items(obj):
                    out[NameObject(key)] = copy(value)
                return out
            if isinstance(obj, ArrayObject):
                return ArrayObject(copy(value) for value in list.__iter__(obj))
            return obj  # type: ignore[return-value]

        pages = list(reader.pages)
        page_numbers = []
        for page in pages:  # pages first, so references to a page land on the copy
            assert page.indirect_reference is not None
            number = mapping[page.indirect_reference.idnum] = self._reserve()
            page_numbers.append(number)
        for page, number in zip(pages, page_numbers):
            page_copy = DictionaryObject()
            for key, value in dict.items(page):
                if key != "/Parent":
                    page_copy[NameObject(key)] = copy(value)
            page_copy[NameObject("/Parent")] = IndirectObject(node, 0, None)
            self._write_object(number, page_copy)
        while pending:
            source = pending.pop()
            self._write_object(mapping[source.idnum], copy(source.get_object()))
        self._write_object(node, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Parent"): IndirectObject(self._root_pages, 0, None),
            NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in page_numbers),
            NameObject("/Count"): NumberObject(len(page_numbers)),
        }))
        self._kids.append(node)
        self._count += len(page_numbers)

    def close(self) -> None:
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            NumberObject,
            create_string_object,
        )

        self._write_object(self._root_pages, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self._kids),
            NameObject("/Count"): NumberObject(self._count),
        }))
        catalog = self._reserve()
        self._write_object(catalog, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(self._root_pages, 0, None),
        }))
        info = self._reserve()
        self._write_object(info, DictionaryObject({
            NameObject("/Title"): create_string_object(self._title),
            NameObject("/Producer"): create_string_object(PRODUCER),
            NameObject("/Creator"): create_string_object(PRODUCER),
        }))
        xref_at = self._pos
        rows = [f"xref\n0 {len(self._offsets) + 1}\n0000000000 65535 f \n"]
        rows.extend(f"{offset:010d} 00000 n \n" for offset in self._offsets)
        self._write("".join(rows).encode())
        self._write(
            f"trailer\n<< /Size {len(self._offsets) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n".encode()
        )


_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf]) ?\r?\n")
#: An indirect reference, or a string literal (skipped: text that looks like a reference stays text).
_REFERENCE = re.compile(rb"\((?:\\.|[^\\()])*\)|(\d+) 0 R")


def _reportlab_objects(data: bytes) -> tuple[dict[int, tuple[bytes, bytes]], list[int], int] | None:
    """The objects of a PDF as reportlab writes it — one classic xref table, one flat page tree — as
    ``{number: (dictionary text, b"stream…endstream" or b"")}`` without its catalog, information
    dictionary and page tree, the page objects' numbers in order and the page tree's number (the pages'
    ``/Parent``); None when the file is not
    shaped so (then pypdf reads it).  Streams are copied as they are, never decoded."""
    start = data.rfind(b"startxref")
    if start < 0 or not data.startswith(b"%PDF-"):
        return None
    try:
        xref_at = int(data[start + 9:].split()[0])
        if not data.startswith(b"xref", xref_at):
            return None
        trailer_at = data.index(b"trailer", xref_at)
        first, count = (int(x) for x in data[xref_at + 4:trailer_at].split()[:2])
        rows = _XREF_ROW.findall(data, xref_at, trailer_at)
        if first != 0 or len(rows) != count:
            return None
        trailer = data[trailer_at:start]
        root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))  # type: ignore[union-attr]
        info_match = re.search(rb"/Info (\d+) 0 R", trailer)
        raw: dict[int, tuple[bytes, bytes]] = {}
        for number, (offset, _gen, kind) in enumerate(rows):
            if kind != b"n":
                continue
            at = int(offset)
            header = b"%d 0 obj\n" % number
            if not data.startswith(header, at):
                return None
            body_at = at + len(header)
            end = data.index(b"endobj", body_at)
            stream_at = data.find(b"stream\n", body_at, end)
            if stream_at >= 0:
                length = int(re.search(rb"/Length (\d+)", data[body_at:stream_at]).group(1))  # type: ignore[union-attr]
                stream_end = stream_at + 7 + length
                end = data.index(b"endobj", stream_end)
                raw[number] = (data[body_at:stream_at].rstrip(b"\n") + b"\n",
                               data[stream_at:end].rstrip(b"\n"))
            else:
                raw[number] = (data[body_at:end].rstrip(b"\n"), b"")
        pages = int(re.search(rb"/Pages (\d+) 0 R", raw[root][0]).group(1))  # type: ignore[union-attr]
        tree = raw[pages][0]
        kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[([^\]]*)\]", tree).group(1))]  # type: ignore[union-attr]
    except (AttributeError, ValueError, KeyError, IndexError):
        return None
    if any(b"/Type /Page\n" not in raw.get(k, (b"", b""))[0] and b"/Type /Page " not in raw.get(k, (b"", b""))[0]
           for k in kids):
        return None  # a nested page tree: not what reportlab writes for a chunk
    for skipped in (root, pages, int(info_match.group(1)) if info_match else -1):
        raw.pop(skipped, None)
    return raw, kids, pages


# --- public API -----------------------------------------------------------------------------------


def _open_target(target: Target) -> tuple[BinaryIO, Callable[[bool], None]]:
    """Open the output; the returned finisher closes it, keeping the file only on success."""
    if hasattr(target, "write"):
        stream = target  # type: ignore[assignment]
        return stream, lambda ok: None  # type: ignore[return-value]
    path = Path(os.fspath(target))  # type: ignore[arg-type]
    partial = path.with_name(path.name + ".part")
    handle = open(partial, "wb")  # noqa: SIM115 - closed by finish()

    def finish(ok: bool) -> None:
        handle.close()
        if ok:
            os.replace(partial, path)
        else:
            partial.unlink(missing_ok=True)

    return handle, finish


def render_pdf(doc: Document, target: Target, *, fonts: FontSet | None = None,
               cancel: CancelFlag = None) -> int:
    """Render ``doc`` to a PDF file path or binary stream; return the page count.

    Raises :class:`Cancelled` when ``cancel`` is set during rendering (a path target is then not
    written)."""
    fonts = fonts or resolve_fonts()
    out, finish = _open_target(target)
    ok = False
    sink = _ChunkedCanvas(out, doc.title, fonts)
    try:
        pages = _draw_document(sink, doc, fonts, cancel)
        sink.close()
        ok = True
        return pages
    finally:
        sink.release()
        finish(ok)


class PdfBatchWriter:
    """Many documents into ONE PDF, written as they come (memory stays flat).

    >>> with PdfBatchWriter("letters.pdf", title="函") as writer:   # doctest: +SKIP
    ...     for doc in docs:
    ...         writer.add(doc)

    Each document keeps its own page numbering.  A path target is written to ``<name>.part`` and
    renamed on :meth:`close`; :meth:`abort` (or an exception inside ``with``) removes it.
    """

    def __init__(self, target: Target, *, title: str = "", fonts: FontSet | None = None,
                 chunk_pages: int = CHUNK_PAGES) -> None:
        self._fonts = fonts or resolve_fonts()
        self._out, self._finish = _open_target(target)
        self._sink = _ChunkedCanvas(self._out, title, self._fonts, chunk_pages)
        self._closed = False
        self.documents = 0

    @property
    def pages(self) -> int:
        return self._sink.pages

    def add(self, doc: Document, cancel: CancelFlag = None) -> int:
        """Append ``doc``; return its page count."""
        if self._closed:
            raise ValueError("PdfBatchWriter is closed")
        pages = _draw_document(self._sink, doc, self._fonts, cancel)
        self.documents += 1
        return pages

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        ok = False
        try:
            self._sink.close()
            ok = True
        finally:
            self._finish(ok)

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            self._sink.release()
            self._finish(False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


@dataclass(frozen=True)
class BatchResult:
    documents: int
    pages: int
    cancelled: bool


def write_batch(docs: Iterable[Document], target: Target, *, title: str = "",
                progress: Callable[[int, int | None], None] | None = None, total: int | None = None,
                cancel: CancelFlag = None, fonts: FontSet | None = None) -> BatchResult:
    """Write ``docs`` (built lazily, one at a time) into one PDF with progress and cancel.

    ``progress(done, total)`` is called after each document.  When ``cancel`` is set, writing stops
    before the next document and a path target is removed (a half batch is never left looking whole).
    Runs on the caller's thread: the Qt client wraps it in a worker.
    """
    writer = PdfBatchWriter(target, title=title, fonts=fonts)
    done = 0
    try:
        for doc in docs:
            if is_cancelled(cancel):
                raise Cancelled()
            writer.add(doc, cancel)
            done += 1
            if progress is not None:
                progress(done, total)
    except Cancelled:
        writer.abort()
        return BatchResult(done, writer.pages, True)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return BatchResult(done, writer.pages, False)
