"""What the DOCX tells Word, WPS and LibreOffice so that they lay it out as the app's PDF (issue 20 §4).

Read back from the DOCX's XML; LibreOffice itself is exercised by ``packaging/libreoffice_check.py``
(a developer check, not part of this suite)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from courtdesk.kernel.documents import (
    Box,
    Column,
    Document,
    PageSetup,
    Paragraph,
    SignatureLine,
    Table,
    TearLine,
    Title,
    render_docx,
    render_pdf,
)
from courtdesk.kernel.documents.fonts import resolve_fonts
from courtdesk.kernel.documents.geometry import CELL_PAD_X, CELL_PAD_Y, page_geometry
from tests.support.readback import pdf_glyphs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
NS = {"w": W, "v": V}


def parts(doc: Document) -> dict[str, etree._Element]:
    buffer = io.BytesIO()
    render_docx(doc, buffer)
    with zipfile.ZipFile(buffer) as z:
        return {name: etree.fromstring(z.read(name)) for name in z.namelist()
                if name.startswith("word/") and name.endswith(".xml")}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def cell_text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(w("t"))).replace("\u2060", "")  # the joiners of unbreakable tokens


def test_no_gap_between_chinese_and_digits_in_any_paragraph_or_the_defaults():
    doc = Document(title="t", blocks=(Title("印章使用登记簿"), Paragraph("用印第0064号，2024年5月6日"),
                                      Table(columns=(Column("编号"),), rows=(("(2026)用印第0064号",),))))
    xml = parts(doc)
    defaults = xml["word/styles.xml"].find("w:docDefaults/w:pPrDefault/w:pPr", NS)
    for ppr in [defaults, *xml["word/document.xml"].iter(w("pPr"))]:
        for switch in ("autoSpaceDE", "autoSpaceDN"):
            node = ppr.find(f"w:{switch}", NS)
            assert node is not None and node.get(w("val")) == "0", etree.tostring(ppr)[:200]
        # in the schema's order: after overflowPunct, before spacing
        tags = [etree.QName(child).localname for child in ppr]
        assert tags.index("autoSpaceDE") < tags.index("autoSpaceDN") < tags.index("spacing")


def register(*rows: tuple[str, str, str]) -> Document:
    columns = (Column("编号", 1.0, "center"), Column("备注", 1.0, "left"), Column("金额", 1.0, "right"))
    return Document(title="r", blocks=(Table(columns=columns, rows=rows, size=9.0, split_rows=True),))


def raw_cells(doc: Document) -> list[list[str]]:
    """Each row's cell texts as the DOCX carries them (joiners and all, a line break as ``\n``)."""
    body = parts(doc)["word/document.xml"]
    return [["".join("\n" if node.tag == w("br") else node.text or ""
                     for node in tc.iter(w("t"), w("br"))) for tc in tr.findall("w:tc", NS)]
            for tr in body.iter(w("tr"))]


J = "\u2060"  # WORD JOINER


def test_register_cells_join_chinese_and_digits_so_libreoffice_puts_no_gap_between_them():
    """LibreOffice puts a fifth of the font size between 第 and 0064 whatever ``w:autoSpaceDN`` says, but
    only between two letters or digits: a register's cells, whose lines the app has broken to fit, carry
    a word joiner at each change between Chinese and Latin letters or digits (7.4 measured: the 发函登记簿's
    「(2026)冀1091执1123号」 and 「鹏道88号3号楼」 then stay on one line, as in the PDF)."""
    rows = raw_cells(register(("(2026)用印第0064号", "鹏道88号3号楼\n2单元501室，已抵押", "共1"),
                              ("2026-11-20", "abc 被执行人", "100.00")))
    first = rows[1]
    assert first[0].endswith(f"第{J}0064{J}号")  # 第|0 and 4|号 (a case number joins its characters anyway)
    assert J * 2 not in first[0]
    assert first[1] == f"鹏道{J}88{J}号{J}3{J}号楼\n2{J}单元{J}501{J}室，已抵押"  # the line break ends a line
    assert first[2] == f"共{J}1"
    assert rows[2] == ["2026-11-20", "abc 被执行人", "100.00"]  # a space or punctuation: no gap, no joiner
    assert J not in "".join(rows[0])  # the header row


def test_a_register_token_run_is_joined_to_the_text_before_it():
    """A token (a date, a plate) has a run of its own: the joiner also goes where one run ends with a
    Chinese character and the next begins with a digit."""
    (row,) = raw_cells(register(("于2026年5月6日", "冀R·B5678", "x")))[1:]
    assert row[0].replace(J, "") == "于2026年5月6日"
    assert row[0].startswith(f"于{J}2")
    assert row[1].startswith(f"冀{J}R")
    for cell in row:
        assert J * 2 not in cell  # one joiner at a place, whatever the tokens already carry


def test_register_cells_are_laid_out_as_before_in_word():
    """The joiners take no room: the cells are not widened or indented for LibreOffice."""
    body = parts(register(("(2026)用印第0064号", "冀R·B5678", "共1")))["word/document.xml"]
    assert body.find(".//w:tc/w:p/w:pPr/w:ind", NS) is None


def test_a_table_of_forms_keeps_its_cells_as_written():
    """Cells of form tables are wrapped by Word itself: a joiner would forbid Word a break there."""
    doc = Document(title="f", blocks=(Table(columns=(Column("编号"),), rows=(("用印第0064号",),)),))
    assert raw_cells(doc) == [["编号"], ["用印第0064号"]]


@pytest.mark.parametrize("blocks", [
    (Title("介绍信（存根）"), Paragraph("兹介绍……"), TearLine("(2026)第0012号"), Title("介绍信"), Paragraph("兹介绍……")),
    (Title("调查函"), Paragraph("请协助查询……")),
])
def test_a_stamped_document_marks_its_upper_and_lower_half_each_in_a_picture_of_its_own(blocks):
    doc = Document(title="void", blocks=blocks, stamp="作废")
    header = next(x for name, x in parts(doc).items() if name.startswith("word/header"))
    picts = list(header.iter(w("pict")))
    assert len(picts) == 2  # LibreOffice imports one shape of a w:pict: two pictures, one mark each
    g = page_geometry(doc.page)
    tops = []
    for pict in picts:
        (shape,) = pict.findall("v:shape", NS)
        assert pict.find("v:shapetype", NS) is not None  # each picture resolves its own shape type
        assert shape.find("v:textpath", NS).get("string") == "作废"
        style = dict(item.split(":", 1) for item in shape.get("style").split(";"))
        height = float(style["height"].removesuffix("pt"))
        tops.append(float(style["margin-top"].removesuffix("pt")) + height / 2)
    assert tops[0] < g.frame_height / 2 < tops[1]  # centred in the upper half, then in the lower one
    assert len({p.find("v:shape", NS).get("id") for p in picts}) == 2


def test_a_document_without_a_stamp_has_no_mark():
    doc = Document(title="ok", blocks=(Title("介绍信"), Paragraph("兹介绍……")))
    assert not any(list(x.iter(w("pict"))) for x in parts(doc).values())


# --- rows as tall as the PDF's ----------------------------------------------------------------------------

def cell_margins(doc: Document) -> list[dict[str, float]]:
    """Each table's cell margins (points) and its horizontal rule (points; 0 without rules)."""
    out = []
    for tbl in parts(doc)["word/document.xml"].iter(w("tbl")):
        mar = tbl.find("w:tblPr/w:tblCellMar", NS)
        found = {side: int(mar.find(f"w:{side}", NS).get(w("w"))) / 20 for side in ("top", "bottom", "left", "right")}
        rule = tbl.find("w:tblPr/w:tblBorders/w:insideH", NS)
        found["rule"] = 0.0 if rule.get(w("val")) == "nil" else int(rule.get(w("sz"))) / 8
        out.append(found)
    return out


def test_a_ruled_row_is_its_lines_and_the_pdfs_padding_with_the_rule_inside_it():
    """Word and LibreOffice stack a row's rule onto its padding; the PDF draws it over the cell edge.
    IP地址分配表: LibreOffice's 9 pt rows were 18 pt, the PDF's 17.5, and a third page came of it."""
    doc = Document(title="t", blocks=(
        Table(columns=(Column("序号"), Column("IP地址")), rows=(("1", "10.12.1.11"),), size=9),
        Table(columns=(Column("项目"),), rows=(("甲",),), borders=False),
        Box("（单位印章）", 20, border=False), Box("邮寄回单联粘贴处", 20)))
    ruled, bare, bare_box, ruled_box = cell_margins(doc)
    for margins in (ruled, ruled_box):
        assert margins["rule"] > 0
        assert margins["top"] + margins["bottom"] + margins["rule"] == pytest.approx(2 * CELL_PAD_Y)
        assert margins["top"] == margins["bottom"]
    for margins in (bare, bare_box):  # nothing stacked: the PDF's padding as it is
        assert (margins["top"], margins["bottom"], margins["rule"]) == (CELL_PAD_Y, CELL_PAD_Y, 0.0)
    assert ruled["left"] == ruled["right"] == CELL_PAD_X  # the width a line may take is unchanged


# --- signature lines where the PDF puts them -------------------------------------------------------------

SCRAP_SIGNATURES = SignatureLine((("网络运维主管", ""), ("信建办负责人", ""), ("主管领导", "")), blank_chars=6)


def docx_signature(doc: Document) -> tuple[list[tuple[str, float]], list[tuple[float, float]], list[etree._Element]]:
    """The signature paragraph read as Word lays it: each text run after the start or a tab, with the
    place (points from the left margin) where it starts; each underlined tab with the stretch it rules."""
    (p,) = [p for p in parts(doc)["word/document.xml"].iter(w("p")) if p.find("w:pPr/w:tabs", NS) is not None]
    ind = p.find("w:pPr/w:ind", NS)
    x = int(ind.get(w("left"))) / 20 if ind is not None else 0.0
    stops = [int(t.get(w("pos"))) / 20 for t in p.findall("w:pPr/w:tabs/w:tab", NS) if t.get(w("val")) == "left"]
    starts: list[tuple[str, float]] = []
    ruled: list[tuple[float, float]] = []
    after_tab = True
    for run in p.findall("w:r", NS):
        underlined = run.find("w:rPr/w:u", NS) is not None
        for child in run:
            if child.tag == w("tab") and stops:
                stop = stops.pop(0)
                if underlined:
                    ruled.append((x, stop))
                x, after_tab = stop, True
            elif child.tag == w("t") and child.text:
                if after_tab:
                    starts.append((child.text, x))
                after_tab = False
    return starts, ruled, p.findall("w:r", NS)


def pdf_word_starts(doc: Document, words: list[str]) -> dict[str, float]:
    """Where the PDF draws each of ``words`` (points from the left margin)."""
    buffer = io.BytesIO()
    render_pdf(doc, buffer, fonts=resolve_fonts())
    g = page_geometry(doc.page)
    glyphs = [gl for page in pdf_glyphs(buffer) for line in page.lines() for gl in line]
    text = "".join(gl.char for gl in glyphs)
    return {word: glyphs[text.index(word)].x - g.left for word in words}


@pytest.mark.parametrize("line", [
    SCRAP_SIGNATURES,  # too long for 28 characters as written: the PDF closes the gaps, shrinks the blanks
    SignatureLine((("承办人签字", ""), ("定密责任人签字", "")), blank_chars=6),  # fits as it is
    SignatureLine((("移交人签字", ""), ("接收人签字", "")), blank_chars=4, align="right"),
    SignatureLine((("承办人：", "王石磊"), ("承办人签名：", "")), blank_chars=6, align="center"),
])
def test_each_label_of_a_signature_line_starts_where_the_pdf_draws_it(line):
    """Word and LibreOffice wrapped 报废申请表's closing line (主管领导 on a second page), which the PDF
    fits: its gaps and blanks are tab stops at the PDF's places, not spaces to be measured again."""
    doc = Document(title="s", blocks=(Paragraph("依据《信息化网络管理暂行规定》第22条。"), line))
    starts, ruled, runs = docx_signature(doc)
    labels = [label for label, _value in line.fields]
    pdf = pdf_word_starts(doc, labels)
    assert [text for text, _x in starts] == labels
    for text, x in starts:
        assert x == pytest.approx(pdf[text], abs=0.5), text
    g = page_geometry(doc.page)
    blanks = [label for label, value in line.fields if not value]
    assert len(ruled) == len(blanks)  # every blank is a rule (an underlined tab), ending before the next label
    for begin, end in ruled:
        assert begin < end < min([x for _text, x in starts if x > begin], default=g.frame_width + 1)
    assert all(end <= g.frame_width for _begin, end in ruled)
    assert not any("　" in (t.text or "") for run in runs for t in run.iter(w("t")))  # no spaces to re-measure


def test_a_signature_line_with_a_date_keeps_the_date_at_the_right_margin():
    doc = Document(title="s", blocks=(SignatureLine((("开具人：", "张三"),), date="2026年1月5日"),),
                   page=PageSetup())
    p = next(p for p in parts(doc)["word/document.xml"].iter(w("p")) if p.find("w:pPr/w:tabs", NS) is not None)
    right = [t for t in p.findall("w:pPr/w:tabs/w:tab", NS) if t.get(w("val")) == "right"]
    assert [int(t.get(w("pos"))) / 20 for t in right] == [pytest.approx(page_geometry(doc.page).frame_width, abs=0.05)]
