"""What the DOCX tells Word, WPS and LibreOffice so that they lay it out as the app's PDF (issue 20 §4).

Read back from the DOCX's XML; LibreOffice itself is exercised by ``packaging/libreoffice_check.py``
(a developer check, not part of this suite)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from courtdesk.kernel.documents import Column, Document, Paragraph, Table, TearLine, Title, render_docx
from courtdesk.kernel.documents.geometry import CELL_PAD_X, page_geometry

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
    return "".join(t.text or "" for t in tc.iter(w("t")))


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


def cell_indents(doc: Document) -> list[dict[str, tuple[str | None, str | None]]]:
    body = parts(doc)["word/document.xml"]
    out = []
    for tr in body.iter(w("tr")):
        row = {}
        for tc in tr.findall("w:tc", NS):
            ind = tc.find("w:p/w:pPr/w:ind", NS)
            row[cell_text(tc)] = (None, None) if ind is None else (ind.get(w("left")), ind.get(w("right")))
        out.append(row)
    return out


def test_register_cells_with_chinese_next_to_digits_reach_into_the_padding_on_their_free_side():
    """LibreOffice puts a fifth of the font size between 第 and 0064 whatever the DOCX says: a register
    line measured to fit would wrap there, and the register gain pages.  The cell's paragraph reaches
    into the padding by that much (never past the rule), on the side its alignment leaves free."""
    rows = cell_indents(register(("(2026)用印第0064号", "冀R·B5678", "共1"), ("2026-11-20", "abc", "100.00")))
    gap = 9.0 / 5
    first = rows[1]
    assert first["(2026)用印第0064号"] == (str(round(-gap * 20)), str(round(-gap * 20)))  # 2 gaps, centred
    assert first["冀R·B5678"] == (None, str(round(-gap * 20)))  # 冀|R: one gap, room on the right
    assert first["共1"] == (str(round(-gap * 20)), None)  # right-aligned: room on the left
    assert set(rows[2].values()) == {(None, None)}  # nothing to make room for
    assert set(rows[0].values()) == {(None, None)}  # the header row


def test_the_room_never_passes_the_cell_rule():
    many = "甲1乙2丙3丁4戊5"  # eight gaps: far more than the padding
    (row,) = cell_indents(register((many, many + "左", many + "右")))[1:]
    assert row[many] == (str(round(-CELL_PAD_X * 20)), str(round(-CELL_PAD_X * 20)))
    assert row[many + "左"] == (None, str(round(-CELL_PAD_X * 20)))
    assert row[many + "右"] == (str(round(-CELL_PAD_X * 20)), None)


def test_a_table_of_forms_keeps_its_cells_as_laid_out():
    """Cells of form tables are wrapped by Word itself: widening them would move Word's line breaks."""
    doc = Document(title="f", blocks=(Table(columns=(Column("编号"),), rows=(("用印第0064号",),)),))
    assert {v for row in cell_indents(doc) for v in row.values()} == {(None, None)}


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
