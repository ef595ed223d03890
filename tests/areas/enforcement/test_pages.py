"""Issue 20 §3 on the enforcement documents: a 调查函 with ten long questions is numbered part by part
and its closing (此致, 落款, 承办人, 地址) never starts a page; a 12-item 查封措施告知笔录 is numbered and
carries the party's and the officer's signature line on every page, in the PDF and the DOCX footer."""

from __future__ import annotations

import datetime as dt
import io

import docx

from courtdesk.areas.enforcement.letter_document import InvestigationLetterContent, build_investigation_letter
from courtdesk.areas.enforcement.transcript_document import (
    SeizureTranscriptContent,
    TranscriptItem,
    build_seizure_transcript,
)
from courtdesk.kernel.documents import render_docx, render_pdf
from courtdesk.kernel.documents.pdf_renderer import part_pages
from tests.support.readback import pdf_page_texts, squash

QUESTION = ("被执行人名下是否登记有机动车辆、船舶、土地使用权、房屋所有权及其他不动产权利，登记的时间、地点、权利人、"
            "权属证书编号以及目前是否存在抵押、查封等限制情况，请逐项列明并附相关材料复印件？")


def _letter(domicile: str = "廊坊市开发区云鹏道1号", questions: int = 10):
    return build_investigation_letter(InvestigationLetterContent(
        court_name="河北省廊坊经济技术开发区人民法院", court_short_name="廊坊经济技术开发区人民法院",
        letter_number="(2026)执调字第0001号", case_number="(2026)冀1091执123号", applicants="张三",
        respondent="李四", id_label="身份证号", id_number="130100198001011234", domicile=domicile,
        unit_name="廊坊市公安局开发区分局云鹏道派出所",
        questions=tuple(f"{QUESTION}（第{i}项）" for i in range(1, questions + 1)),
        letter_date=dt.date(2026, 1, 5), officer_name="王石磊", officer_wechat="wsl2026",
        officer_phone="0316-1234567", court_address="河北省廊坊市开发区汇源道330号", postcode="065001"))


def _transcript(items: int = 12):
    return build_seizure_transcript(SeizureTranscriptContent(
        court_name="河北省廊坊经济技术开发区人民法院", case_number="(2026)冀1091执123号",
        held_at=dt.datetime(2026, 1, 5, 9, 30), place="开发区法院执行局", judge="王石磊", clerk="刘洋",
        party="张三", case_words="李四借款合同纠纷",
        items=tuple(TranscriptItem(f"被执行人李四名下位于廊坊市开发区某小区{i}号楼的房产一套"
                                   f"（不动产权证号冀(2025)廊坊市不动产权第00{i}号）",
                                   dt.date(2026, 1, 5), dt.date(2029, 1, 4)) for i in range(1, items + 1))))


def _pdf(doc) -> list[str]:
    out = io.BytesIO()
    render_pdf(doc, out)
    return [squash(text) for text in pdf_page_texts(io.BytesIO(out.getvalue()))]


def _docx(doc):
    out = io.BytesIO()
    render_docx(doc, out)
    return docx.Document(io.BytesIO(out.getvalue()))


def test_a_long_investigation_letter_is_numbered_part_by_part():
    doc = _letter()
    stub, letter, reply = part_pages(doc)
    assert stub > 1 and letter == 1 and reply > 1
    pages = _pdf(doc)
    assert len(pages) == stub + letter + reply
    for i, text in enumerate(pages[:stub], 1):
        assert f"第{i}页共{stub}页" in text and "发函编号：(2026)执调字第0001号" in text
    assert "页共" not in pages[stub]  # the letter itself is one page: no number
    for i, text in enumerate(pages[stub + 1:], 1):
        assert f"第{i}页共{reply}页" in text
    assert "第2页共" in pages[1]
    # the seal-box of the stub never stands alone on a page: the last question goes with it
    box_page = next(text for text in pages[:stub] if "邮寄回单联粘贴处" in text)
    assert "（第10项）" in box_page
    d = _docx(doc)
    assert len(d.sections) == 3
    footers = ["".join(p.text for p in s.footer.paragraphs) for s in d.sections]
    assert "页" in footers[0] and "页" not in footers[1] and "页" in footers[2]


def test_the_closing_of_the_letter_never_starts_a_page():
    # a longer and longer body moves the closing over the page end: it goes with the body's last line
    for length in range(200, 420, 20):  # the letter runs to two pages from about 280
        pages = _pdf(_letter("廊坊市开发区云鹏道1号" + "某某小区某某楼某某单元" * (length // 11), questions=1))
        at = next(i for i, text in enumerate(pages) if "地址：河北省廊坊市开发区汇源道330号" in text)
        page = pages[at]
        for closing in ("承办人：王石磊", "注：请填写复函", "此致", "二〇二六年一月五日"):
            assert closing in page, (length, closing)
        assert "请予以配合" in page, (length, page[:80])  # the body's end is on the same page


def test_every_page_of_a_long_transcript_is_numbered_and_signed_by_the_party_and_the_officer():
    doc = _transcript()
    pages = _pdf(doc)
    assert len(pages) >= 3
    for i, text in enumerate(pages, 1):
        assert f"第{i}页共{len(pages)}页" in text
        assert "当事人（签名）：" in text and "执行员（签名）：" in text
    # the closing signatures (with the clerk) are on the last page with the warning before them
    assert "书记员（签名）：" in pages[-1] and "你听清了吗？" in pages[-1]
    d = _docx(doc)
    footer = "".join(p.text for p in d.sections[0].footer.paragraphs)
    assert "当事人（签名）：" in footer and "执行员（签名）：" in footer
    assert "第" in footer and "共" in footer


def test_a_short_transcript_is_one_page_without_a_number():
    pages = _pdf(_transcript(2))
    assert len(pages) == 1
    # one page: signed in its closing block, no per-page line repeating it beneath
    assert "页共" not in pages[0] and pages[0].count("当事人（签名）：") == 1
    footer = "".join(p.text for p in _docx(_transcript(2)).sections[0].footer.paragraphs)
    assert "签名" not in footer  # nor in the DOCX's footer
