"""Page furniture (issue 20 §3): multi-page documents are numbered 「第 x 页 共 y 页」 (a one-page one is
not), each part of a document on its own; signature lines declared per page are printed at the foot of
every page and the body never runs into them; continuation pages carry the form's title; closing
blocks keep with the text before them.  Both renderers, read back from the PDF and the DOCX."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from courtdesk.kernel.documents import render_docx, render_pdf
from courtdesk.kernel.documents.model import (
    Column,
    Document,
    PageBreak,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    Title,
    page_furniture,
)
from courtdesk.kernel.documents.pdf_renderer import part_pages
from tests.support.readback import pdf_page_texts, squash

LONG = "本院在执行过程中依法查明被执行人名下财产情况并依照法律规定采取相应措施，现将有关事项告知如下。" * 3
SIGN = SignatureLine((("当事人（签名）：", ""), ("执行员（签名）：", "")))


def _pdf(doc: Document) -> list[str]:
    out = io.BytesIO()
    render_pdf(doc, out)
    return [squash(text) for text in pdf_page_texts(io.BytesIO(out.getvalue()))]


def _docx(doc: Document) -> docx.document.Document:
    out = io.BytesIO()
    render_docx(doc, out)
    return docx.Document(io.BytesIO(out.getvalue()))


def _long(n: int = 12, **kw: object) -> Document:
    return Document("长文书", (Title("告知书"), *(Paragraph(f"{i}、{LONG}") for i in range(n))), **kw)  # type: ignore[arg-type]


def _fields(part: object) -> list[str]:
    element = part._element  # type: ignore[attr-defined]
    return [f.get(qn("w:instr")).strip() for f in element.iter(qn("w:fldSimple"))]


def _field_results(part: object) -> dict[str, str]:
    element = part._element  # type: ignore[attr-defined]
    return {f.get(qn("w:instr")).strip(): "".join(t.text or "" for t in f.iter(qn("w:t")))
            for f in element.iter(qn("w:fldSimple"))}


def test_a_multi_page_document_is_numbered_on_every_page_and_a_one_page_one_is_not() -> None:
    pages = _pdf(_long())
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        assert f"第{number}页共{len(pages)}页" in text, (number, text[-40:])
    one = _pdf(_long(1))
    assert len(one) == 1 and "共1页" not in one[0] and "第1页" not in one[0]
    # DOCX: the PAGE and NUMPAGES fields in the footer, the count as the PDF lays it out stored as
    # the field's result (what LibreOffice shows); a one-page document has no footer fields
    d = _docx(_long())
    footer = d.sections[0].footer
    assert _fields(footer) == ["PAGE", "NUMPAGES"]
    assert _field_results(footer)["NUMPAGES"] == str(len(pages))
    assert "第" in footer.paragraphs[-1].text and "页" in footer.paragraphs[-1].text
    assert not any(_fields(s.footer) for s in _docx(_long(1)).sections)


def test_a_footer_of_its_own_keeps_its_text_and_gets_the_number_after_it() -> None:
    doc = _long(footer="（2026）报0001号")
    assert page_furniture(doc, 2, 3)[1] == "（2026）报0001号　第 2 页 共 3 页"
    assert page_furniture(doc, 1, 1)[1] == "（2026）报0001号"
    assert page_furniture(_long(page_numbers=False), 2, 3)[1] == ""
    pages = _pdf(doc)
    assert all(f"（2026）报0001号第{i}页共{len(pages)}页" in text for i, text in enumerate(pages, 1))


def test_each_part_is_numbered_on_its_own() -> None:
    doc = Document("三联", (*_long(8).blocks, PageBreak(new_part=True), Paragraph("函的正文。"),
                            PageBreak(new_part=True), *_long(8).blocks))
    counts = part_pages(doc)
    assert len(counts) == 3 and counts[1] == 1 and counts[0] > 1 and counts[2] > 1
    pages = _pdf(doc)
    assert len(pages) == sum(counts)
    first, letter, last = pages[:counts[0]], pages[counts[0]], pages[counts[0] + 1:]
    for part in (first, last):
        for i, text in enumerate(part, 1):
            assert f"第{i}页共{len(part)}页" in text
    assert "页共" not in letter  # a one-page part needs no number
    d = _docx(doc)
    assert len(d.sections) == 3
    restart = [s._sectPr.find(qn("w:pgNumType")) for s in d.sections]
    assert restart[0] is None and all(r is not None and r.get(qn("w:start")) == "1" for r in restart[1:])
    assert [_field_results(s.footer).get("SECTIONPAGES") for s in d.sections] == [
        str(counts[0]), None, str(counts[2])]


def test_per_page_signature_lines_are_on_every_page_and_nothing_runs_into_them() -> None:
    doc = _long(page_signature=(SIGN,))
    out = io.BytesIO()
    render_pdf(doc, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        placed: list[tuple[float, str]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, *_: placed.append((tm[5] * cm[3] + cm[5], text))
                          if text.strip() else None)
        text = squash("".join(t for _, t in placed))
        assert "当事人（签名）：" in text and "执行员（签名）：" in text
        sign_y = min(y for y, t in placed if "签名" in t)
        below = squash("".join(t for y, t in placed if y < sign_y - 10))
        assert set(below) <= set("第共页0123456789"), below  # only the page number is under it
        body_y = [y for y, t in placed if "签名" not in t and y >= sign_y - 10]
        # the lowest body line stays above the signature line by at least a line
        assert min(body_y) > sign_y + 12, (min(body_y), sign_y)
    # the band is in the bottom margin: the body keeps its whole frame, the same text the same pages
    assert len(reader.pages) == len(_pdf(_long()))
    d = _docx(doc)
    footer_text = "".join(p.text for p in d.sections[0].footer.paragraphs)
    assert "当事人（签名）：" in footer_text and "执行员（签名）：" in footer_text
    plain = _docx(_long())
    assert d.sections[0].bottom_margin == plain.sections[0].bottom_margin  # the frame is whole
    assert d.sections[0].footer_distance < plain.sections[0].footer_distance  # the footer starts lower


def test_continuation_pages_carry_the_title_and_number_and_table_headers_repeat() -> None:
    rows = tuple((str(i), f"第{i}项办公用品", "¥100.00") for i in range(1, 60))
    doc = Document("报销单", (Title("支出报销单"), Table((Column("序号", 0.5), Column("摘要", 3), Column("金额")), rows)),
                   continuation="支出报销单（续）　编号：(2026)报0001号")
    pages = _pdf(doc)
    assert len(pages) >= 2
    assert "（续）" not in pages[0]
    for text in pages[1:]:
        assert "支出报销单（续）编号：(2026)报0001号" in text
        assert text.index("序号摘要金额") >= 0  # the header row again
    d = _docx(doc)
    section = d.sections[0]
    assert section.different_first_page_header_footer
    assert "（续）" in "".join(p.text for p in section.header.paragraphs)
    assert "（续）" not in "".join(p.text for p in section.first_page_header.paragraphs)
    first_row = d.tables[0].rows[0]._tr
    assert first_row.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


def _closing_doc(fill_lines: int) -> Document:
    return Document("函", (
        Title("调查函"),
        *(Paragraph("这是正文的一行。") for _ in range(fill_lines)),
        Paragraph("此致", keep_with_previous=True),
        Spacer(2),
        Paragraph("某某人民法院", indent=False, align="right", keep_with_previous=True),
        Paragraph("二〇二六年一月五日", indent=False, align="right", keep_with_previous=True),
        Spacer(2),
        Paragraph("承办人：王石磊　联系电话：0316-1234567", indent=False, keep_with_previous=True),
        Paragraph("地址：河北省廊坊市开发区汇源道330号", indent=False, keep_with_previous=True),
    ))


def test_a_closing_block_never_starts_a_page_alone() -> None:
    # whatever the body's length, the page with 承办人/地址 also holds body text and the 落款
    for fill_lines in range(14, 24):
        pages = _pdf(_closing_doc(fill_lines))
        at = next(i for i, text in enumerate(pages) if "地址：" in text)
        page = pages[at]
        assert "承办人：" in page and "某某人民法院" in page and "此致" in page, (fill_lines, page)
        assert "这是正文的一行。" in page, (fill_lines, page)
    d = _docx(_closing_doc(16))
    paragraphs = [p for p in d.paragraphs]
    keep = {p.text: p._p.pPr.find(qn("w:keepNext")) is not None for p in paragraphs if p.text}
    assert keep["这是正文的一行。"] and keep["此致"] and keep["某某人民法院"] and keep["承办人：王石磊　联系电话：0316-1234567"]
    assert not keep["地址：河北省廊坊市开发区汇源道330号"]
    # the spacers between keep too (Word and LibreOffice keep by chains of keepNext)
    spacers = [p for p in paragraphs if not p.text and p._p.pPr is not None]
    assert spacers and all(p._p.pPr.find(qn("w:keepNext")) is not None for p in spacers)
