"""No glyph leaves its frame: text laid out by the document engine, rendered to PDF and read back glyph
by glyph, stays inside the page margins (running text) or its cell (tables, boxes).  避头尾 is kept by
squeezing a line or moving a character down, never by hanging punctuation past the margin."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from courtdesk.kernel.documents import (
    Box,
    Column,
    Document,
    PageSetup,
    Paragraph,
    Table,
    render_docx,
    render_pdf,
    resolve_fonts,
)
from courtdesk.kernel.documents.geometry import CELL_PAD_X, mm, page_geometry
from courtdesk.kernel.documents.textlayout import NO_LINE_END, NO_LINE_START
from tests.support.readback import PdfGlyph, pdf_glyphs

FONTS = resolve_fonts()
TOLERANCE = 0.1  # pt

HAN = st.sampled_from(list("法院执行冀廊坊喆一二三被执行人身份证号码住所地单位调查函存根介绍信"))
DIGITS = st.from_regex(r"[0-9]{6,24}", fullmatch=True)
ID_NUMBER = st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True)
PHONE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
PUNCT = st.sampled_from(sorted(NO_LINE_START | NO_LINE_END))
BRACKETED = st.builds(lambda a, b: f"（身份证号：{a}）{b}", ID_NUMBER, st.sampled_from(["、", "，", "。", "）、", "；"]))
PIECE = st.one_of(HAN, HAN, HAN, DIGITS, ID_NUMBER, PHONE, PUNCT, PUNCT, BRACKETED, st.just(" "))
TEXT = st.lists(PIECE, min_size=1, max_size=60).map("".join).filter(lambda t: t.strip() != "")

#: The GB/T 9704 page (a grid of 28 characters) and free pages whose frame is 60 … 170 mm wide.
PAGES = st.one_of(
    st.just(PageSetup()),
    st.builds(lambda left, right, size: PageSetup(left_mm=left, right_mm=right, grid=None, body_size=size),
              st.floats(10, 75), st.floats(10, 75), st.sampled_from([16.0, 12.0, 10.5])),
)


def outside(glyphs: list[PdfGlyph], left: float, right: float) -> list[str]:
    return [f"{g.char!r} at {g.x:.2f}…{g.right:.2f} (frame {left:.2f}…{right:.2f})"
            for g in glyphs if g.x < left - TOLERANCE or g.right > right + TOLERANCE]


def check_running_text(doc: Document) -> list[PdfGlyph]:
    """Render ``doc`` and assert every glyph sits between the margins; return the glyphs."""
    g = page_geometry(doc.page)
    buffer = io.BytesIO()
    render_pdf(doc, buffer, fonts=FONTS)
    glyphs = [glyph for page in pdf_glyphs(io.BytesIO(buffer.getvalue())) for glyph in page.glyphs]
    bad = outside(glyphs, g.left, g.width - g.right)
    assert not bad, bad[:5]
    return glyphs


def printed(glyphs: list[PdfGlyph]) -> Counter[str]:
    return Counter(g.char for g in glyphs if not g.char.isspace())


def written(*texts: str) -> Counter[str]:
    return Counter(ch for text in texts for ch in text if not ch.isspace())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, PAGES, st.sampled_from(["justify", "left", "right", "center"]), st.booleans())
@example("兹介绍我院庭长吴涛同志（身份证号：131003197806300354）、书记员林晓同志（身份证号：131003199501170885）等2人前往",
         PageSetup(), "left", True)
@example("关于你申请执行赵喆买卖合同纠纷一案，我院已采取如下查封措施：", PageSetup(), "justify", True)
@example("法" * 28 + "）》」』后" + "0" * 40 + "。", PageSetup(), "justify", False)
def test_no_glyph_of_a_paragraph_passes_the_margin(text: str, page: PageSetup, align: str,
                                                   indent: bool) -> None:
    hang = min(3, len(text) - 1)
    doc = Document("frame", (
        Paragraph(text, indent=indent, align=align),  # type: ignore[arg-type]
        Paragraph(text, indent=False, align="left", hang=hang),
    ), page=page, page_numbers=False)
    glyphs = check_running_text(doc)
    assert printed(glyphs) == written(text, text)  # and nothing was lost on the way


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.lists(st.floats(0.5, 4.0), min_size=1, max_size=4),
       st.sampled_from(["left", "center", "right"]))
@example("131003197806300354）、" * 2, [1.0, 1.0, 1.0, 1.0], "left")
def test_no_glyph_of_a_table_cell_or_box_passes_its_cell(text: str, weights: list[float],
                                                          align: str) -> None:
    page = PageSetup()
    g = page_geometry(page)
    columns = tuple(Column(f"列{i}", w, align) for i, w in enumerate(weights))  # type: ignore[arg-type]
    doc = Document("cells", (
        Table(columns, ((text,) * len(weights),), header=False),
    ), page=page, page_numbers=False)  # the cells' glyphs only: no page number under the frame
    buffer = io.BytesIO()
    render_pdf(doc, buffer, fonts=FONTS)
    glyphs = [glyph for pg in pdf_glyphs(io.BytesIO(buffer.getvalue())) for glyph in pg.glyphs]
    edges = [g.left]
    for w in weights:
        edges.append(edges[-1] + g.frame_width * w / sum(weights))
    bad: list[str] = []
    for glyph in glyphs:
        centre = glyph.x + glyph.advance / 2
        i = max(0, min(len(weights) - 1, sum(1 for e in edges[1:-1] if centre > e)))
        left, right = edges[i] + CELL_PAD_X, edges[i + 1] - CELL_PAD_X
        if edges[i + 1] - edges[i] - 2 * CELL_PAD_X >= glyph.advance:  # a cell that can hold a glyph
            bad.extend(outside([glyph], left, right))
    assert not bad, bad[:5]
    assert printed(glyphs) == written(*(text,) * len(weights))

    box = Document("box", (Box(text, height_mm=60, width_mm=50),), page=page, page_numbers=False)
    box_glyphs = check_running_text(box)
    box_width = min(g.frame_width, mm(50))
    box_left = g.left + (g.frame_width - box_width) / 2  # a box is centred
    assert not outside(box_glyphs, box_left + CELL_PAD_X, box_left + box_width - CELL_PAD_X)


def test_docx_never_lets_punctuation_hang_past_the_margin() -> None:
    doc = Document("docx", (Paragraph("法" * 28 + "。"), Paragraph("调查问题：4、" + "法" * 40, indent=False,
                                                                   align="left", hang=7)))
    buffer = io.BytesIO()
    render_docx(doc, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        body = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert 'w:overflowPunct w:val="0"' in styles  # the default for every paragraph
    assert body.count('w:overflowPunct w:val="0"') >= 2
    assert 'w:hanging="' in body and "<w:tab/>" in body  # the numbered item: label, tab, text
