"""Issue 20 §3 on the finance forms: a 30-line 报销单's second page carries 「支出报销单（续）」 and its
number, and the lines table's header row again (PDF; DOCX: a first-page header of its own and the
continuation header, ``w:tblHeader`` on the header row)."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn

from courtdesk.areas.finance.documents import ClaimContent, LineContent, claim_document
from courtdesk.kernel.documents import render_docx, render_pdf
from tests.support.readback import pdf_page_texts, squash


def _claim(lines: int):
    return claim_document(ClaimContent(
        court_name="河北省廊坊经济技术开发区人民法院", number="(2026)报0001号", kind="general", applicant="黄磊",
        department="执行局", purpose="购买办公用品", filed_on=dt.date(2026, 11, 30),
        lines=tuple(LineContent("办公费", f"第{i}项 打印纸、硒鼓及文件盒等办公耗材", 12345 * i, 1)
                    for i in range(1, lines + 1))))


def test_continuation_pages_of_a_long_claim_repeat_its_title_number_and_table_header():
    out = io.BytesIO()
    render_pdf(_claim(40), out)
    pages = [squash(t) for t in pdf_page_texts(io.BytesIO(out.getvalue()))]
    assert len(pages) >= 2
    assert "（续）" not in pages[0]
    for i, text in enumerate(pages[1:], 2):
        assert "支出报销单（续）编号：(2026)报0001号" in text
        assert "序号费用类别摘要单据张数金额" in text  # the lines table's header row again
        assert f"(2026)报0001号第{i}页共{len(pages)}页" in text
    d = docx.Document(_docx(_claim(40)))
    section = d.sections[0]
    assert section.different_first_page_header_footer
    assert "支出报销单（续）　编号：(2026)报0001号" in "".join(p.text for p in section.header.paragraphs)
    assert "（续）" not in "".join(p.text for p in section.first_page_header.paragraphs)
    lines_table = next(t for t in d.tables if t.rows[0].cells[0].text == "序号")
    assert lines_table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    # the footer (number and page) is on the first page's footer too
    assert "(2026)报0001号" in "".join(p.text for p in section.first_page_footer.paragraphs)


def _docx(doc) -> io.BytesIO:
    out = io.BytesIO()
    render_docx(doc, out)
    out.seek(0)
    return out
