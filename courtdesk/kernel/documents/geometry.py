"""Page geometry shared by both renderers (GB/T 9704-2012 where it applies).

GB/T 9704: A4, text area 156 mm × 225 mm (margins top 37, bottom 35, left 28, right 26 mm), 3号 body,
22 lines of 28 characters.  So the line pitch is 225 mm / 22 ≈ 28.99 pt and the character pitch
156 mm / 28 ≈ 15.79 pt — slightly *less* than the 16 pt em (Word/WPS templates carry
``w:docGrid w:charSpace="-849"`` for this), so both renderers set a small negative character spacing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from courtdesk.kernel.documents.model import PageSetup

PT_PER_MM = 72.0 / 25.4
A4_MM = (210.0, 297.0)

#: Line height of table cells and non-grid text, as a multiple of the font size.
NATURAL_LEADING = 1.5
#: Cell padding (left/right, top/bottom) in points.
CELL_PAD_X = 3.0
CELL_PAD_Y = 2.0
#: Lines a splittable table row (``Table.split_rows``) keeps on each side of a page break; a row of
#: fewer lines moves whole to the next page.
MIN_SPLIT_LINES = 2


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * PT_PER_MM


@dataclass(frozen=True)
class PageGeometry:
    width: float  # all in points
    height: float
    top: float
    bottom: float
    left: float
    right: float
    body_size: float
    line_pitch: float  # grid pitch (or the natural line height of body text)
    char_pitch: float | None  # None when the page has no character grid

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def gridded(self) -> bool:
        return self.char_pitch is not None

    def char_space(self, size: float) -> float:
        """Extra space after each glyph so full-width characters sit on the character grid."""
        if self.char_pitch is None:
            return 0.0
        return size * (self.char_pitch / self.body_size) - size

    def line_height(self, size: float) -> float:
        """Height of one line of running text: whole grid lines on a gridded page."""
        if not self.gridded:
            return size * NATURAL_LEADING
        return self.line_pitch * max(1, math.ceil(size * 1.2 / self.line_pitch - 1e-9))

    @staticmethod
    def cell_line_height(size: float) -> float:
        return size * NATURAL_LEADING

    # --- DOCX units ---------------------------------------------------------------------------
    @property
    def docx_line_pitch_twips(self) -> int:
        return int(self.line_pitch * 20)

    def docx_spacing_twips(self, size: float) -> int:
        """``w:rPr/w:spacing`` (1/20 pt) for running text of ``size``: the grid's character spacing
        rounded *down*, so Word still fits the full 28 characters (−5 = −0.25 pt at 3号)."""
        return math.floor(self.char_space(size) * 20) if self.gridded else 0


def page_geometry(setup: PageSetup) -> PageGeometry:
    w_mm, h_mm = A4_MM if setup.orientation == "portrait" else A4_MM[::-1]
    width, height = mm(w_mm), mm(h_mm)
    top, bottom, left, right = mm(setup.top_mm), mm(setup.bottom_mm), mm(setup.left_mm), mm(setup.right_mm)
    if setup.grid is None:
        pitch, char_pitch = setup.body_size * NATURAL_LEADING, None
    else:
        lines, chars = setup.grid
        pitch = (height - top - bottom) / lines
        char_pitch = (width - left - right) / chars
    return PageGeometry(width, height, top, bottom, left, right, setup.body_size, pitch, char_pitch)


def signature_layout(fields: list[tuple[float, float | None]], pitch: float, blank_chars: int,
                     frame_width: float, date_room: float = 0.0) -> tuple[list[tuple[float, float]], float]:
    """Widths of a :class:`SignatureLine`'s parts: ``fields`` holds each label's width and its value's
    (``None`` for a blank to sign on, ``blank_chars`` pitches wide); ``date_room`` is what the date at
    the right takes (0: no date).  Returns (label width, value width) per field and the gap after each
    but the last (two pitches).  Never past the margin: a line too long for the frame closes its gaps
    (to one pitch), then shrinks its blanks (to three pitches).  The DOCX places its tab stops by this
    (with widths estimated from the characters), so Word and LibreOffice break the line where the PDF
    does — nowhere."""
    blank_w = blank_chars * pitch
    gap = 2 * pitch
    parts = [(label_w, blank_w if value_w is None else value_w) for label_w, value_w in fields]
    total = sum(label_w + value_w for label_w, value_w in parts) + gap * max(len(parts) - 1, 0)
    over = total + (date_room + gap if date_room else 0.0) - frame_width
    gaps = len(parts) - 1 + (1 if date_room else 0)
    if over > 0 and gaps:
        cut = min(over / gaps, gap - pitch)
        gap -= cut
        over -= cut * gaps
    blanks = [i for i, (_label, value_w) in enumerate(fields) if value_w is None]
    if over > 0 and blanks:
        cut = min(over / len(blanks), blank_w - 3 * pitch)
        for i in blanks:
            parts[i] = (parts[i][0], parts[i][1] - cut)
    return parts, gap
