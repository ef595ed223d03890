"""Read produced documents back: the text and fonts of a PDF (pypdf) and the text of a DOCX
(python-docx).  Used by the tests and by anything that checks a generated file, e.g. a preview that
warns about glyphs no font can draw."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

Source = str | Path | IO[bytes]
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """``text`` without any whitespace (renderers and readers disagree on spaces, never on glyphs)."""
    return _SPACE.sub("", text)


def pdf_page_texts(source: Source) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(source).pages]


#: The DOCX joins the characters of amounts, dates and numbers with U+2060 WORD JOINER (no glyph, no
#: text: a reader drops it, as a word processor's search should).
WORD_JOINER = "\u2060"


def docx_text(text: str) -> str:
    """A DOCX paragraph's text as a reader reads it: without the word joiners."""
    return text.replace(WORD_JOINER, "")


def docx_body_lines(source: Source) -> list[str]:
    """The non-empty paragraphs of a DOCX body in order, table cells row by row (word joiners dropped)."""
    document = docx.Document(str(source) if isinstance(source, Path) else source)
    lines: list[str] = []

    def walk(items: Iterator[DocxParagraph | DocxTable]) -> None:
        for item in items:
            if isinstance(item, DocxParagraph):
                if item.text.strip():
                    lines.append(docx_text(item.text))
            else:
                for row in item.rows:
                    for cell in row.cells:
                        walk(cell.iter_inner_content())

    walk(document.iter_inner_content())
    return lines


@dataclass(frozen=True)
class PdfFont:
    resource: str  # e.g. /F1+0
    base_font: str
    subtype: str
    embedded: bool  # has /FontFile, /FontFile2 or /FontFile3
    truetype_outlines: bool  # has /FontFile2


def pdf_fonts(source: Source) -> list[PdfFont]:
    """Every font referenced from a page's (or its forms') resources, once."""
    seen: dict[tuple[str, str], PdfFont] = {}

    def descriptor_of(font: DictionaryObject) -> DictionaryObject | None:
        if "/FontDescriptor" in font:
            return cast(DictionaryObject, font["/FontDescriptor"].get_object())
        for descendant in font.get("/DescendantFonts", []):  # Type0 (composite) fonts
            d = descendant.get_object()
            if "/FontDescriptor" in d:
                return cast(DictionaryObject, d["/FontDescriptor"].get_object())
        return None

    def visit(resources: DictionaryObject | None, depth: int = 0) -> None:
        if resources is None or depth > 5:
            return
        for key, ref in (resources.get("/Font") or {}).items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            if (key, base) in seen:
                continue
            desc = descriptor_of(font)
            files = {name for name in ("/FontFile", "/FontFile2", "/FontFile3") if desc and name in desc}
            seen[(key, base)] = PdfFont(str(key), base, str(font.get("/Subtype", "")), bool(files),
                                        "/FontFile2" in files)
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"), depth + 1)

    for page in PdfReader(source).pages:
        resources = page.get("/Resources")
        visit(resources.get_object() if resources is not None else None)
    return list(seen.values())


# --- glyph positions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfGlyph:
    """One shown glyph in page space (points, origin bottom left)."""

    char: str
    x: float  # left edge of the glyph's advance box
    y: float  # baseline
    advance: float  # the glyph's own advance width (without character spacing)
    size: float  # effective font size

    @property
    def right(self) -> float:
        return self.x + self.advance


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    glyphs: tuple[PdfGlyph, ...]

    def lines(self, tolerance: float = 0.5) -> list[list[PdfGlyph]]:
        """Glyphs grouped by baseline, top to bottom, each line left to right."""
        rows: list[list[PdfGlyph]] = []
        for glyph in sorted(self.glyphs, key=lambda g: (-g.y, g.x)):
            if rows and abs(rows[-1][0].y - glyph.y) <= tolerance:
                rows[-1].append(glyph)
            else:
                rows.append([glyph])
        return [sorted(row, key=lambda g: g.x) for row in rows]


_CMAP_CHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


class _SimpleFont:
    """A simple (single-byte) font as reportlab embeds its TrueType subsets."""

    def __init__(self, font: DictionaryObject) -> None:
        if font.get("/Subtype") == "/Type0":
            raise NotImplementedError("composite fonts are not read back")
        self.first = int(font.get("/FirstChar", 0))
        self.widths = [float(w) for w in font.get("/Widths", [])]
        self.unicode: dict[int, str] = {}
        if "/ToUnicode" in font:
            data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.DOTALL):
                for code, uni in _CMAP_CHAR.findall(block):
                    self.unicode[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.DOTALL):
                for lo, hi, uni in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
                    start = ord(bytes.fromhex(uni).decode("utf-16-be"))
                    for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        self.unicode[code] = chr(start + k)

    def width(self, code: int) -> float:
        i = code - self.first
        return self.widths[i] if 0 <= i < len(self.widths) else 0.0

    def char(self, code: int) -> str:
        return self.unicode.get(code, chr(code))


def _mul(a: list[float], b: list[float]) -> list[float]:
    """Product of two PDF matrices [a b c d e f] (a applied first)."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def pdf_glyphs(source: Source) -> list[PdfPage]:
    """Every glyph of every page with its position and advance, from the content streams.

    Follows the text state (Tm, Td, TD, T*, TL, Tc, Tw, Tz, Tf) and the CTM, for the simple fonts
    reportlab writes; enough to check that nothing is drawn past a margin."""
    from pypdf.generic import ContentStream

    reader = PdfReader(source)
    pages: list[PdfPage] = []
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dicts = (resources.get_object().get("/Font") or {}) if resources is not None else {}
        fonts: dict[str, _SimpleFont] = {}
        out: list[PdfGlyph] = []
        contents = page.get_contents()
        ops = ContentStream(contents, reader).operations if contents is not None else []
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack: list[list[float]] = []
        tm = lm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        tc = tw = 0.0
        th = 1.0
        tl = 0.0
        font: _SimpleFont | None = None
        size = 0.0

        def show(data: bytes) -> None:
            nonlocal tm
            assert font is not None, "text shown without a font"
            for code in data:
                w = font.width(code) / 1000.0
                trm = _mul([size * th, 0.0, 0.0, size, 0.0, 0.0], _mul(tm, ctm))
                scale = (trm[0] ** 2 + trm[1] ** 2) ** 0.5 / size if size else 0.0
                out.append(PdfGlyph(font.char(code), trm[4], trm[5], w * size * scale, size * scale))
                tx = (w * size + tc + (tw if code == 32 else 0.0)) * th
                tm = _mul([1.0, 0.0, 0.0, 1.0, tx, 0.0], tm)

        for operands, op in ops:
            name = op.decode() if isinstance(op, bytes) else str(op)
            args = list(operands)
            if name == "q":
                stack.append(ctm)
            elif name == "Q":
                ctm = stack.pop() if stack else ctm
            elif name == "cm":
                ctm = _mul([float(v) for v in args], ctm)
            elif name == "BT":
                tm = lm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
            elif name == "Tm":
                tm = lm = [float(v) for v in args]
            elif name in ("Td", "TD"):
                if name == "TD":
                    tl = -float(args[1])
                tm = lm = _mul([1.0, 0.0, 0.0, 1.0, float(args[0]), float(args[1])], lm)
            elif name == "T*":
                tm = lm = _mul([1.0, 0.0, 0.0, 1.0, 0.0, -tl], lm)
            elif name == "TL":
                tl = float(args[0])
            elif name == "Tc":
                tc = float(args[0])
            elif name == "Tw":
                tw = float(args[0])
            elif name == "Tz":
                th = float(args[0]) / 100.0
            elif name == "Tf":
                key = str(args[0])
                if key not in fonts:
                    fonts[key] = _SimpleFont(font_dicts[key].get_object())
                font, size = fonts[key], float(args[1])
            elif name in ("Tj", "'", '"'):
                if name != "Tj":
                    tm = lm = _mul([1.0, 0.0, 0.0, 1.0, 0.0, -tl], lm)
                if name == '"':
                    tw, tc = float(args[0]), float(args[1])
                show(bytes(args[-1].original_bytes if hasattr(args[-1], "original_bytes") else args[-1]))
            elif name == "TJ":
                for item in args[0]:
                    if isinstance(item, (int, float)) or type(item).__name__ in ("NumberObject", "FloatObject"):
                        tm = _mul([1.0, 0.0, 0.0, 1.0, -float(item) / 1000.0 * size * th, 0.0], tm)
                    else:
                        show(bytes(item.original_bytes if hasattr(item, "original_bytes") else item))
        box = page.mediabox
        pages.append(PdfPage(float(box.width), float(box.height), tuple(out)))
    return pages


def glyphs_past_the_margins(source: Source, left: float, right: float, tolerance: float = 0.1) -> list[str]:
    """Every glyph of a PDF whose advance box passes the left or right margin (in points from the
    page's left and right edges), described for an assertion message: page, the line's text, how far."""
    found: list[str] = []
    for number, page in enumerate(pdf_glyphs(source), 1):
        for line in page.lines():
            text = "".join(g.char for g in line)
            for glyph in line:
                past = max(left - glyph.x, glyph.right - (page.width - right))
                if past > tolerance:
                    found.append(f"第{number}页「{text}」的「{glyph.char}」越出页边距 {past:.2f} pt")
    return found
