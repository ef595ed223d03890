"""Both renderers print exactly the document's text, with the right fonts and page geometry."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from courtdesk.bench.samples import (
    sample_introduction_letter,
    sample_investigation_letter,
    sample_register,
)
from courtdesk.kernel.documents import (
    Box,
    CaseNumberLine,
    Column,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    TearLine,
    Title,
    document_text_lines,
    page_furniture,
    render_docx,
    render_pdf,
)
from courtdesk.kernel.documents.geometry import mm
from courtdesk.kernel.documents.pdf_renderer import part_pages
from tests.support.readback import docx_body_lines, pdf_fonts, pdf_page_texts, squash

A4_W, A4_H = mm(210), mm(297)


def every_block_document() -> Document:
    return Document("各种块", (
        Title("河北省廊坊经济技术开发区人民法院\n查封措施告知笔录"),
        CaseNumberLine("(2026)冀1091执123号"),
        Heading("一、查封情况"),
        Paragraph("关于你申请执行廊坊市恒达建材有限公司与赵喆申请执行纠纷一案，我院已采取如下查封措施："),
        Table(columns=(Column("序号", 0.6), Column("查封标的", 3.0, "left"), Column("查封期间", 2.0)),
              rows=[("1", "被执行人名下位于廊坊市广阳区的住宅一套（不动产权证号：冀(2024)廊坊市不动产权第0012345号）",
                     "2026年1月5日至2029年1月4日"), ("2", "银行存款", "2026年1月5日至2027年1月4日")]),
        Paragraph("你方应于上述查封到期前十五日向法院书面申请续查封，逾期不申请自行承担相应责任，你听清了吗？"),
        Paragraph("当事人：听清了。", indent=False, role="kai"),
        Spacer(1),
        SignatureLine((("审判员：", "李明"), ("书记员：", "")), date="2026年1月5日"),
        PageBreak(),
        Box("（单位印章）", 30, width_mm=60, align="right", border=False),
        TearLine("(2026)第0007号"),
        Paragraph("第二页正文。", bold=True),
    ))


def all_samples() -> list[tuple[str, Document]]:
    return [
        ("introduction", sample_introduction_letter(7)),
        ("investigation", sample_investigation_letter(3)),
        ("every block", every_block_document()),
        ("register", sample_register(60)),
    ]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Document, Path, Path]]:
    folder = tmp_path_factory.mktemp("rendered")
    out = {}
    for name, doc in all_samples():
        pdf, docx_path = folder / f"{name}.pdf", folder / f"{name}.docx"
        render_pdf(doc, pdf)
        render_docx(doc, docx_path)
        out[name] = (doc, pdf, docx_path)
    return out


NAMES = [name for name, _ in all_samples()]


def repeated_headers(doc: Document) -> list[str]:
    return [squash("".join(col.header for col in block.columns))
            for block in doc.blocks if isinstance(block, Table) and block.header]


def pdf_body_text(doc: Document, pdf: Path) -> str:
    """All page texts without the page headers/footers (drawn first on each page, numbered within
    each part) and without a table header repeated at the top of a continuation page."""
    pages = pdf_page_texts(pdf)
    in_part = [(page, count) for count in part_pages(doc) for page in range(1, count + 1)]
    assert len(in_part) == len(pages)
    body = []
    for number, text in enumerate(pages, 1):
        squashed = squash(text)
        furniture = "".join(squash(part) for part in page_furniture(doc, *in_part[number - 1]))
        assert squashed.startswith(furniture), (number, squashed[:80])
        squashed = squashed[len(furniture):]
        for header in repeated_headers(doc):
            if number > 1 and squashed.startswith(header):
                squashed = squashed[len(header):]
        body.append(squashed)
    return "".join(body)


@pytest.mark.parametrize("name", NAMES)
def test_docx_prints_exactly_the_document_lines(rendered: dict, name: str) -> None:
    doc, _pdf, docx_path = rendered[name]
    expected = [squash(line) for line in document_text_lines(doc)]
    assert [squash(line) for line in docx_body_lines(docx_path)] == expected


@pytest.mark.parametrize("name", NAMES)
def test_pdf_prints_exactly_the_document_lines(rendered: dict, name: str) -> None:
    doc, pdf, _docx = rendered[name]
    expected = "".join(squash(line) for line in document_text_lines(doc))
    assert pdf_body_text(doc, pdf) == expected


def test_the_exact_text_check_catches_a_missing_line() -> None:
    """The exact-lines check is not vacuous: a renderer dropping a line would fail it."""
    doc = sample_introduction_letter(1)
    pdf = io.BytesIO()
    render_pdf(Document(doc.title, doc.blocks[:-1]), pdf)
    pdf.seek(0)
    expected = "".join(squash(line) for line in document_text_lines(doc))
    assert pdf_body_text(doc, pdf) != expected  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_pdf_embeds_every_font_as_truetype(rendered: dict, name: str) -> None:
    _doc, pdf, _docx = rendered[name]
    fonts = pdf_fonts(pdf)
    assert fonts
    for font in fonts:
        assert font.embedded and font.truetype_outlines, font
    assert not [f for f in fonts if "STSong" in f.base_font or "Helvetica" in f.base_font]


def test_characters_outside_the_song_font_fall_back_to_another_embedded_font(rendered: dict) -> None:
    _doc, pdf, _docx = rendered["introduction"]  # 赵喆: 喆 is not in GB2312
    bases = {font.base_font.split("+", 1)[-1] for font in pdf_fonts(pdf)}
    assert "BousungEG-Light-GB" in bases  # AR PL SungtiL GB for the body
    assert "UMingCN-0" in bases  # AR PL UMing CN, a serif, only for 喆
    assert "LiberationSerif" in bases  # Latin letters and digits
    assert not any(base.startswith("WenQuanYi") for base in bases)  # no sans in this letter
    assert "喆" in pdf_page_texts(pdf)[0]


def docx_xml(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_docx_runs_name_the_official_east_asian_fonts(rendered: dict, name: str) -> None:
    _doc, _pdf, docx_path = rendered[name]
    document = docx.Document(str(docx_path))
    east_asia = set()
    for run in document.element.body.iter(qn("w:r")):
        rfonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        assert rfonts is not None
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
        east_asia.add(rfonts.get(qn("w:eastAsia")))
    assert east_asia <= {"仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体", "宋体"}  # 宋体: 喆 only
    assert "仿宋_GB2312" in east_asia
    for member in ("word/document.xml", "word/styles.xml"):
        assert "eastAsiaTheme" not in docx_xml(docx_path, member)
    assert "word/stylesWithEffects.xml" not in zipfile.ZipFile(docx_path).namelist()


def test_docx_title_and_body_fonts(rendered: dict) -> None:
    _doc, _pdf, docx_path = rendered["investigation"]
    document = docx.Document(str(docx_path))

    def east_asia_of(text: str) -> str:
        paragraph = next(p for p in document.paragraphs if p.text == text)
        return paragraph.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia_of("调查函") == "方正小标宋简体"
    assert east_asia_of("此致") == "仿宋_GB2312"
    title = next(p for p in document.paragraphs if p.text == "调查函")
    assert title.runs[0].font.size.pt == 22
    assert title.alignment == 1  # centred
    body = next(p for p in document.paragraphs if p.text.startswith("关于"))
    assert body.runs[0].font.size.pt == 16
    fonts = docx_xml(docx_path, "word/fontTable.xml")
    assert 'w:name="仿宋_GB2312"' in fonts and "仿宋,FangSong" in fonts
    assert 'w:name="方正小标宋简体"' in fonts


def test_docx_page_setup_is_gb9704(rendered: dict) -> None:
    _doc, _pdf, docx_path = rendered["investigation"]
    section = docx.Document(str(docx_path)).sections[0]
    tolerance = Mm(0.1)
    for actual, wanted in ((section.page_width, Mm(210)), (section.page_height, Mm(297)),
                           (section.top_margin, Mm(37)), (section.bottom_margin, Mm(35)),
                           (section.left_margin, Mm(28)), (section.right_margin, Mm(26))):
        assert abs(actual - wanted) < tolerance
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert int(grid.get(qn("w:linePitch"))) == 579  # 225 mm / 22 lines


def test_docx_register_is_landscape(rendered: dict) -> None:
    _doc, _pdf, docx_path = rendered["register"]
    document = docx.Document(str(docx_path))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(0.1) and abs(section.page_height - Mm(210)) < Mm(0.1)
    header_row = document.tables[0].rows[0]._tr
    assert header_row.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None  # repeats on each page
    names = zipfile.ZipFile(docx_path).namelist()
    footer = "".join(docx_xml(docx_path, name) for name in names if name.startswith("word/footer"))
    assert "NUMPAGES" in footer and " PAGE " in footer


def text_positions(pdf: Path | io.BytesIO, page: int = 0) -> list[tuple[float, float, str]]:
    """(x, y, text) of every text chunk drawn on a page."""
    chunks: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            chunks.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    PdfReader(pdf).pages[page].extract_text(visitor_text=visit)
    return chunks


def test_pdf_page_size_and_text_frame(rendered: dict) -> None:
    _doc, pdf, _docx = rendered["investigation"]
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_W, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(A4_H, abs=0.01)
    positions = text_positions(pdf, 1)  # the letter page: left-aligned lines start at the margin
    # the page number (「第 2 页 共 3 页」, issue 20 §3) is furniture, under the frame
    number = [(x, y, t) for x, y, t in positions if y < mm(35)]
    assert "".join(t for _x, _y, t in number).replace(" ", "") in ("", "第2页共3页")
    positions = [p for p in positions if p not in number]
    xs = [x for x, _y, _t in positions]
    ys = [y for _x, y, _t in positions]
    assert min(xs) == pytest.approx(mm(28), abs=0.5)
    assert max(ys) <= A4_H - mm(37)
    assert max(ys) > A4_H - mm(37) - 29  # the first line sits in the first grid line
    assert min(ys) >= mm(35)


def test_pdf_register_is_landscape(rendered: dict) -> None:
    _doc, pdf, _docx = rendered["register"]
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4_H, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(A4_W, abs=0.01)


def test_pdf_body_text_sits_on_a_grid_of_22_lines_of_28_characters() -> None:
    # the body's grid; the page number under the frame is furniture (test_page_furniture.py)
    doc = Document("网格", (Paragraph("中" * (28 * 30), indent=False),), page_numbers=False)
    pdf = io.BytesIO()
    assert render_pdf(doc, pdf) == 2
    lines_by_page = []
    for page in range(2):
        rows: dict[float, str] = {}
        for _x, y, text in text_positions(pdf, page):
            rows[round(y, 1)] = rows.get(round(y, 1), "") + squash(text)
        lines_by_page.append([rows[y] for y in sorted(rows, reverse=True)])
    assert [len(line) for line in lines_by_page[0]] == [28] * 22
    assert [len(line) for line in lines_by_page[1]] == [28] * 8


def test_pdf_title_is_centred(rendered: dict) -> None:
    _doc, pdf, _docx = rendered["investigation"]
    from courtdesk.kernel.documents.fonts import resolve_fonts
    from courtdesk.kernel.documents.geometry import page_geometry
    from courtdesk.kernel.documents.textlayout import Measurer

    title = next((x, text) for x, _y, text in text_positions(pdf, 1) if text.strip() == "调查函")
    g = page_geometry(_doc.page)
    width = Measurer(resolve_fonts(), "title", 22, g.char_space(22)).width("调查函")
    assert title[0] + width / 2 == pytest.approx(g.left + g.frame_width / 2, abs=0.5)


def test_tear_line_text_is_printed_on_both_halves_and_across_the_line(rendered: dict) -> None:
    doc, pdf, docx_path = rendered["introduction"]
    number = "(2026)第0007号"
    tear_index = next(i for i, block in enumerate(doc.blocks) if isinstance(block, TearLine))
    assert doc.blocks[tear_index].text == number
    lines = document_text_lines(doc)
    at = lines.index(number, next(i for i, line in enumerate(lines) if line == number) + 1)
    assert number in lines[:at] and number in lines[at + 1:]  # stub, tear line, letter

    baselines: dict[float, str] = {}  # a line's chunks joined: Latin and Chinese are separate font runs
    for _x, y, text in sorted(text_positions(pdf), key=lambda chunk: (-chunk[1], chunk[0])):
        baselines[round(y, 1)] = baselines.get(round(y, 1), "") + text
    ys = sorted((y for y, text in baselines.items() if number in squash(text)), reverse=True)
    assert len(ys) == 3
    stub_y, tear_y, letter_y = ys
    assert stub_y > tear_y > letter_y
    docx_lines = [squash(line) for line in docx_body_lines(docx_path)]
    assert docx_lines.count(number) == 3


def pdf_pages(doc: Document) -> list[str]:
    """The body text of each page (without the automatic page number: see test_page_furniture.py)."""
    pdf = io.BytesIO()
    render_pdf(dataclasses.replace(doc, page_numbers=False), pdf)
    pdf.seek(0)
    return [squash(text) for text in pdf_page_texts(pdf)]


def test_page_breaks_spacers_and_kept_table_headers() -> None:
    full_page = Paragraph("中" * (28 * 22), indent=False)  # exactly 22 grid lines
    assert pdf_pages(Document("t", (Title("标题"), PageBreak(), Paragraph("乙")))) == ["标题", "乙"]
    # a break right after a full page does not leave a blank page; a spacer never starts a page
    assert len(pdf_pages(Document("t", (full_page, PageBreak(), Paragraph("乙"))))) == 2
    pages = pdf_pages(Document("t", (full_page, Spacer(3), Paragraph("乙"))))
    assert len(pages) == 2 and pages[1] == "乙"
    # a table header is never left alone at the bottom of a page
    almost_full = Paragraph("中" * (28 * 21), indent=False)
    table = Table(columns=(Column("序号"), Column("查封标的")), rows=[("1", "房产"), ("2", "存款")])
    pages = pdf_pages(Document("t", (almost_full, table)))
    assert len(pages) == 2 and "序号" not in pages[0] and pages[1].startswith("序号查封标的1房产")


def test_a_table_kept_together_moves_whole_to_the_next_page() -> None:
    """A form's signature boxes: never a last box alone on the next sheet (``Table.keep_together``)."""
    almost_full = Paragraph("中" * (28 * 19), indent=False)  # three grid lines left
    rows = [("报销人", "黄磊"), ("审批", "陈静"), ("审核", "孙丽"), ("出纳", "钱红"), ("领款人", "黄磊")]

    def boxes(keep: bool) -> Table:
        return Table(columns=(Column("签字人"), Column("姓名")), rows=rows, keep_together=keep, min_row_height_mm=9.0)

    split = pdf_pages(Document("t", (almost_full, boxes(False))))
    assert len(split) == 2 and "报销人" in split[0]  # rows fill what is left of the page
    kept = pdf_pages(Document("t", (almost_full, boxes(True))))
    assert len(kept) == 2 and "签字人" not in kept[0] and kept[1] == squash("签字人姓名" + "".join(a + b for a, b in rows))
    out = io.BytesIO()
    render_docx(Document("t", (boxes(True),)), out)
    table = docx.Document(io.BytesIO(out.getvalue())).tables[0]._tbl
    kept_rows = [tr.find(qn("w:tc")).find(qn("w:p")).find(qn("w:pPr")).find(qn("w:keepNext")) is not None
                 for tr in table.findall(qn("w:tr"))]
    assert kept_rows == [True] * len(rows) + [False]  # header and rows keep with the next, the last ends it
