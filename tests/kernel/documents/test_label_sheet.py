"""A sheet of labels (资产标签): both renderers print each label's QR code — read back module by module
from the PDF's filled squares and from the PNG inside the DOCX, it is exactly the code's matrix — and
its text lines."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import ContentStream

from courtdesk.kernel.documents import render_docx, render_pdf
from courtdesk.kernel.documents.geometry import mm
from courtdesk.kernel.documents.model import (
    QR_BORDER,
    Document,
    Label,
    LabelSheet,
    PageSetup,
    Title,
    document_text_lines,
    qr_modules,
)
from tests.support.readback import docx_body_lines, pdf_fonts, pdf_page_texts, squash

PAGE = PageSetup(top_mm=12, bottom_mm=12, left_mm=12, right_mm=12, grid=None, body_size=10.5)
CODES = [f"ZC-2026-{i:04d}" for i in (1, 2, 3, 17, 140)]


def _sheet(codes: list[str], columns: int = 2) -> Document:
    labels = tuple(Label(code, ("某某县人民法院", f"资产编号：{code}", "台式计算机 联想启天M720", "立案庭 张三"))
                   for code in codes)
    return Document("资产标签", (Title("资产标签", size=16), LabelSheet(labels, columns=columns)), page=PAGE)


def _mul(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _filled_rects(path: Path, page_no: int = 0) -> list[tuple[float, float, float, float]]:
    """(x, y, w, h) on the page of every rectangle painted by a fill (f / f*), CTM applied."""
    reader = PdfReader(path)
    page = reader.pages[page_no]
    ops = ContentStream(page.get_contents(), reader).operations
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    pending: list[tuple[float, float, float, float]] = []
    out: list[tuple[float, float, float, float]] = []
    for operands, op in ops:
        name = op.decode() if isinstance(op, bytes) else str(op)
        if name == "q":
            stack.append(ctm)
        elif name == "Q":
            ctm = stack.pop()
        elif name == "cm":
            ctm = _mul([float(v) for v in operands], ctm)
        elif name == "re":
            x, y, w, h = (float(v) for v in operands)
            x0, y0 = x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5]
            pending.append((x0, y0, w * ctm[0], h * ctm[3]))
        elif name in ("f", "f*", "F", "B", "B*"):
            out.extend(pending)
            pending = []
        elif name in ("S", "n", "s"):
            pending = []
    return out


def _pdf_matrices(path: Path, columns: int, page_no: int = 0) -> list[list[list[bool]]]:
    """The QR codes of a page's labels, row by row, rebuilt from the filled squares: a label's squares
    are those of its column within 25 mm below its topmost one (a code is 22 mm, a label 36 mm)."""
    width = (mm(210) - mm(PAGE.left_mm) - mm(PAGE.right_mm)) / columns
    by_column: dict[int, list[tuple[float, float, float, float]]] = {}
    for x, y, w, h in _filled_rects(path, page_no):
        by_column.setdefault(int((x - mm(PAGE.left_mm)) // width), []).append((x, y, w, abs(h)))
    groups: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for col, rects in by_column.items():
        rects.sort(key=lambda r: -(r[1] + r[3]))
        row, row_top = -1, float("inf")
        for rect in rects:
            if rect[1] + rect[3] < row_top - mm(25):
                row, row_top = row + 1, rect[1] + rect[3]
            groups.setdefault((row, col), []).append(rect)
    matrices = []
    for key in sorted(groups):
        rects = groups[key]
        module = min(h for _x, _y, _w, h in rects)
        ox = min(x for x, *_ in rects)
        oy = max(y + h for _x, y, _w, h in rects)
        cells = set()
        for x, y, w, h in rects:
            row = round((oy - (y + h)) / module)
            first = round((x - ox) / module)
            cells.update((row, first + k) for k in range(round(w / module)))
        n = max(max(r, c) for r, c in cells) + 1
        matrices.append([[(r, c) in cells for c in range(n)] for r in range(n)])
    return matrices


def _png_modules(png: bytes) -> list[list[bool]]:
    """A 1-bit grayscale, unfiltered PNG as written for labels, sampled at each module's centre."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size, depth = 8, b"", 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            size, _h, depth = struct.unpack(">IIB", data[:9])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    assert depth == 1
    raw = zlib.decompress(idat)
    stride = (size + 7) // 8 + 1
    rows = [raw[i * stride:(i + 1) * stride] for i in range(size)]
    assert all(row[0] == 0 for row in rows)

    def dark(y: int, x: int) -> bool:
        return not (rows[y][1 + x // 8] >> (7 - x % 8)) & 1

    # the quiet zone is white; the first dark pixel in the top row of the finder gives the scale
    first = next(x for x in range(size) if any(dark(y, x) for y in range(size)))
    scale = first // QR_BORDER
    n = size // scale - 2 * QR_BORDER
    return [[dark((QR_BORDER + r) * scale + scale // 2, (QR_BORDER + c) * scale + scale // 2) for c in range(n)]
            for r in range(n)]


def _as_lists(matrix: tuple[tuple[bool, ...], ...]) -> list[list[bool]]:
    return [list(row) for row in matrix]


def test_the_pdf_prints_each_code_as_its_qr_matrix_and_the_text(tmp_path: Path) -> None:
    doc = _sheet(CODES)
    path = tmp_path / "labels.pdf"
    render_pdf(doc, path)
    matrices = _pdf_matrices(path, 2)
    assert len(matrices) == len(CODES)
    for code, matrix in zip(CODES, matrices, strict=True):
        assert matrix == _as_lists(qr_modules(code)), code
    assert matrices[0] != matrices[1]  # different numbers, different codes
    text = squash("".join(pdf_page_texts(path)))
    for line in document_text_lines(doc):
        assert squash(line) in text
    assert text.count("资产编号") == len(CODES)
    assert all(font.embedded for font in pdf_fonts(path))  # drawing the QR code sets no unembedded font


def test_the_docx_holds_the_same_qr_as_a_picture_in_each_label(tmp_path: Path) -> None:
    doc = _sheet(CODES)
    path = tmp_path / "labels.docx"
    render_docx(doc, path)
    d = docx.Document(str(path))
    embeds = [blip.get(qn("r:embed")) for blip in d.element.body.iter(qn("a:blip"))]
    assert len(embeds) == len(CODES)
    for code, rid in zip(CODES, embeds, strict=True):
        assert _png_modules(d.part.related_parts[rid].blob) == _as_lists(qr_modules(code)), code
    table = d.tables[0]
    assert len(table.rows) == 3 and len(table.columns) == 4  # two labels a row, QR and text cells
    lines = docx_body_lines(path)
    assert lines == document_text_lines(doc)
    width = d.inline_shapes[0].width
    assert abs(width - docx.shared.Mm(30)) < docx.shared.Mm(0.1)


def test_many_labels_continue_on_the_next_page_whole(tmp_path: Path) -> None:
    codes = [f"ZC-2026-{i:04d}" for i in range(1, 31)]
    path = tmp_path / "many.pdf"
    render_pdf(_sheet(codes, columns=3), path)
    pages = pdf_page_texts(io.BytesIO(path.read_bytes()))
    assert len(pages) == 2
    assert sum(squash(p).count("资产编号") for p in pages) == 30
    assert len(_pdf_matrices(path, 3)) == 21  # seven rows of three fit on the first page


def test_a_label_needs_a_code() -> None:
    with pytest.raises(ValueError):
        Label("  ", ("x",))
    with pytest.raises(ValueError):
        LabelSheet((), columns=0)
