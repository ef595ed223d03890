"""The printed introduction letter: stub, tear line and letter on one A4 page, the same serial on all
three, every field and fixed phrase, in both renderers (parsed back from the PDF and the DOCX)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from sqlalchemy import select

from courtdesk.areas.letters import document as doc
from courtdesk.areas.letters.demo import BEARERS
from courtdesk.areas.letters.models import IntroductionLetter
from courtdesk.areas.letters.service import LetterService
from courtdesk.kernel import printing, registers
from courtdesk.kernel.documents import document_text_lines, render_docx, render_pdf, resolve_fonts
from courtdesk.kernel.errors import NotFound, ValidationError
from courtdesk.kernel.settings import SettingsService
from tests.areas.letters.letters_helpers import letter_data
from tests.support.readback import docx_text

COURT = "河北省廊坊经济技术开发区人民法院"


def _issue(db: Any, users: dict[str, Any], **overrides: Any) -> IntroductionLetter:
    service = LetterService(db)
    letter = service.file(users["enforcer"], letter_data(users, **overrides))
    return service.act(users["clerk"], letter.id, "issue")


def _build(db: Any, letter_id: int) -> Any:
    with db.read() as s:
        return printing.kind("introduction_letter").build(s, letter_id)


def _pdf_fragments(path: Path) -> list[tuple[float, float, str]]:
    """(baseline y, x, text) of every line of upright text on page 1, top to bottom: the runs of one
    baseline joined (digits and rare characters come in runs of another font). The slanted 作废 mark
    is left out (see :func:`_stamp_marks`)."""
    reader = pypdf.PdfReader(path)
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and abs(cm[1]) < 1e-6 and abs(tm[1]) < 1e-6:
            runs.append((round(tm[5] * cm[3] + cm[5], 1), tm[4] + cm[4], text.strip()))

    reader.pages[0].extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in runs:
        lines.setdefault(y, []).append((x, text))
    return [(y, min(x for x, _ in parts), "".join(t for _, t in parts))  # drawn left to right
            for y, parts in sorted(lines.items(), reverse=True)]


def _stamp_marks(path: Path) -> list[tuple[float, str]]:
    """(y, text) of the slanted text on page 1 (the 作废 mark)."""
    marks: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and abs(cm[1]) > 1e-6:
            marks.append((cm[5], text.strip()))

    pypdf.PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return marks


def _tear_segments(path: Path) -> list[tuple[float, float, float]]:
    """(y, x0, x1) of the dashed cut line's segments (the only dashed paths on the page)."""
    content = pypdf.PdfReader(path).pages[0].get_contents().get_data().decode("latin-1")
    dashed = content[content.index("] 0 d"):]
    found = re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", dashed[: dashed.index("Q")])
    return [(float(y0), float(x0), float(x1)) for x0, y0, x1, y1 in found if y0 == y1]


def _tear_line_y(path: Path) -> float:
    """The y of the dashed cut line, from the sheet's left edge to its right edge."""
    segments = _tear_segments(path)
    assert len({y for y, _, _ in segments}) == 1, segments
    assert min(x0 for _, x0, _ in segments) < 30 and max(x1 for _, _, x1 in segments) > 560  # edge to edge
    return segments[0][0]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def issued(db, users) -> IntroductionLetter:
    return _issue(db, users)


def _expected(letter: IntroductionLetter, users: dict[str, Any], court: str) -> tuple[list[str], list[str]]:
    (t1, id1), (t2, id2) = BEARERS["enforcer"], BEARERS["enforce_clerk"]
    n1, n2 = users["enforcer"].name, users["enforce_clerk"].name
    stub = [
        "介绍信（存根）",
        letter.number,
        f"兹介绍{t1}{n1}、{t2}{n2}同志等2人前往廊坊市自然资源和规划局联系查询被执行人名下不动产登记信息事宜。",
        "有效期7天（二〇二六年十一月二十三日至二〇二六年十一月二十九日）",
        "承办人：", n1, "承办人签名：",
        "开具人：", users["clerk"].name, "二〇二六年十一月二十三日",
    ]
    letter_half = [
        "介绍信",
        letter.number,
        "廊坊市自然资源和规划局：",
        (f"兹介绍我院{t1}{n1}同志（身份证号：{id1}）、{t2}{n2}同志（身份证号：{id2}）等2人前往你处联系"
         "查询被执行人名下不动产登记信息事宜，请予接洽。"),
        "此致",
        "敬礼！",
        court,
        "二〇二六年十一月二十三日",
        "（有效期7天）",
    ]
    return stub, letter_half


def test_pdf_stub_tear_line_and_letter_carry_the_same_serial(db, users, issued, tmp_path):
    path = tmp_path / "letter.pdf"
    assert render_pdf(_build(db, issued.id), path) == 1  # stub and letter on ONE sheet
    fragments = _pdf_fragments(path)
    tear_y = _tear_line_y(path)
    numbers = [(y, x) for y, x, text in fragments if re.fullmatch(r"\(\d{4}\)第\d{4}号", text)]
    assert [text for _, _, text in fragments if "第" in text and "号" in text] == [issued.number] * 3
    (stub_y, _), (tear_text_y, tear_x), (letter_y, _) = sorted(numbers, reverse=True)
    assert stub_y > tear_y + 10  # on the stub
    assert letter_y < tear_y - 10  # on the letter
    assert tear_text_y < tear_y < tear_text_y + 14  # across the cut line: each half keeps part of it
    assert 200 < tear_x < 300  # centred on the line
    stub_titles = [y for y, _, text in fragments if text == "介绍信（存根）"]
    letter_titles = [y for y, _, text in fragments if text == "介绍信"]
    assert len(stub_titles) == 1 and stub_titles[0] > tear_y
    assert len(letter_titles) == 1 and letter_titles[0] < tear_y


def test_pdf_prints_every_field_and_phrase_on_its_half(db, users, issued, tmp_path):
    SettingsService(db).save(users["admin"], {"court_name": "河北省廊坊市某某区人民法院"})
    path = tmp_path / "letter.pdf"
    render_pdf(_build(db, issued.id), path)
    tear_y = _tear_line_y(path)
    fragments = _pdf_fragments(path)
    above = _squash("".join(t for y, _, t in fragments if y > tear_y + 10))
    below = _squash("".join(t for y, _, t in fragments if y < tear_y - 10))
    stub, letter_half = _expected(issued, users, "河北省廊坊市某某区人民法院")
    for phrase in stub:
        assert _squash(phrase) in above, phrase
    for phrase in letter_half:
        assert _squash(phrase) in below, phrase
    assert COURT not in below  # the court's name comes from the settings
    assert BEARERS["enforcer"][1] not in above  # the stub names the bearers; IDs are on the letter


def test_docx_prints_the_same_in_the_same_order(db, users, issued, tmp_path):
    path = tmp_path / "letter.docx"
    render_docx(_build(db, issued.id), path)
    paragraphs = [docx_text(p.text) for p in docx.Document(str(path)).paragraphs]
    texts = [p.strip() for p in paragraphs if p.strip()]
    tear = texts.index(issued.number, texts.index(issued.number) + 1)  # the second occurrence
    assert texts.count(issued.number) == 3
    assert texts[0] == "介绍信（存根）" and texts[1] == issued.number
    assert texts[tear + 1] == "介绍信" and texts[tear + 2] == issued.number
    stub, letter_half = _expected(issued, users, COURT)
    above, below = "".join(texts[:tear]), "".join(texts[tear + 1:])
    for phrase in stub:
        assert phrase in above, phrase
    for phrase in letter_half:
        assert phrase in texts[tear + 1:] or phrase in below, phrase
    assert "廊坊市自然资源和规划局：" in texts  # the addressee is a line of its own


def test_both_renderers_print_the_same_lines(db, users, issued, tmp_path):
    document = _build(db, issued.id)
    lines = document_text_lines(document)
    render_pdf(document, tmp_path / "l.pdf")
    render_docx(document, tmp_path / "l.docx")
    pdf_text = _squash("".join(t for _, _, t in _pdf_fragments(tmp_path / "l.pdf")))
    docx_text_ = _squash("".join(docx_text(p.text) for p in docx.Document(str(tmp_path / "l.docx")).paragraphs))
    for line in lines:
        assert _squash(line) in pdf_text, line
        assert _squash(line) in docx_text_, line


def test_one_bearer_reads_without_a_head_count(db, users):
    title, number = BEARERS["judge"]
    letter = _issue(db, users, bearers=[{"name": users["judge"].name, "title": title, "id_number": number}],
                    purpose="调阅关联案件卷宗事宜")
    lines = document_text_lines(_build(db, letter.id))
    assert f"兹介绍我院{title}{users['judge'].name}同志（身份证号：{number}）前往你处联系调阅关联案件卷宗事宜，请予接洽。" in lines
    assert f"兹介绍{title}{users['judge'].name}同志前往廊坊市自然资源和规划局联系调阅关联案件卷宗事宜。" in lines


def _longest_bearers(n: int) -> list[dict[str, str]]:
    from courtdesk.kernel.validation import id_check_digit

    bearers = []
    for i in range(n):
        first17 = f"1310031980010{i + 1}00{i}"
        bearers.append({"name": "阿不都热合曼买买提艾"[: doc.MAX_BEARER_NAME],
                        "title": "审判委员会专职委员"[: doc.MAX_BEARER_TITLE],
                        "id_number": first17 + id_check_digit(first17)})
    return bearers


@pytest.mark.parametrize("n", range(1, doc.MAX_BEARERS + 1))
def test_the_fullest_letter_the_service_accepts_still_fits_one_page(db, users, tmp_path, n):
    bearers = _longest_bearers(n)
    recipient = "廊" * doc.RECIPIENT_MAX_WIDTH
    as_printed = tuple(doc.Bearer(b["title"], b["name"], b["id_number"]) for b in bearers)
    purpose = next("查" * k for k in range(doc.MAX_PURPOSE, 0, -1)
                   if doc.text_lines(as_printed, recipient, "查" * k) <= doc.TEXT_LINES_BUDGET)
    letter = _issue(db, users, bearers=bearers, recipient=recipient, purpose=purpose, validity_days=90)
    path = tmp_path / "full.pdf"
    assert render_pdf(_build(db, letter.id), path) == 1
    text = _squash("".join(t for _, _, t in _pdf_fragments(path)))
    for b in bearers:
        assert b["id_number"] in text
    assert purpose in text and "（有效期90天）" in text


def test_a_letter_too_long_for_one_sheet_is_refused_and_nothing_is_written(db, users):
    from tests.areas.letters.letters_helpers import row_counts

    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        LetterService(db).file(users["enforcer"], letter_data(
            users, bearers=_longest_bearers(doc.MAX_BEARERS), recipient="廊" * doc.RECIPIENT_MAX_WIDTH,
            purpose="查" * doc.MAX_PURPOSE))
    assert "事由：连同4名持信人的职务、姓名和身份证号码，存根和正本在一张 A4 纸上打印不下" in str(refused.value)
    assert row_counts(db) == before
    # the usual team of four with an ordinary 事由 is fine
    title, number = BEARERS["enforcer"]
    four = [{"name": n, "title": title, "id_number": i} for n, i in (
        ("黄磊", number), ("何佳", BEARERS["enforce_clerk"][1]), ("马超", BEARERS["enforce_head"][1]),
        ("郑洁", BEARERS["judge"][1]))]
    assert LetterService(db).file(users["enforcer"], letter_data(users, bearers=four)).bearer_count == 4


def test_every_demo_letter_prints_on_one_page_without_missing_glyphs(db, tmp_path):
    fonts = resolve_fonts()
    kind = printing.kind("introduction_letter")
    with db.read() as s:
        ids = list(s.scalars(kind.ids()))
        numbered = list(s.scalars(select(IntroductionLetter.id).where(IntroductionLetter.number.is_not(None))))
        documents = [kind.build(s, i) for i in ids]
    assert sorted(ids) == sorted(numbered) and len(ids) >= 10
    for document in documents:
        assert fonts.missing("".join(document_text_lines(document))) == ""
        assert render_pdf(document, tmp_path / "x.pdf") == 1


def test_a_letter_not_yet_issued_cannot_be_printed(db, users):
    letter = LetterService(db).file(users["enforcer"], letter_data(users))
    with pytest.raises(ValidationError, match="尚未开具"):
        _build(db, letter.id)


def test_preview_of_a_letter_not_yet_issued_tells_the_clerk_why(db, users):
    letter = LetterService(db).file(users["enforcer"], letter_data(users))
    with db.read() as s, pytest.raises(NotFound) as refused:
        printing.record_document(s, "introduction_letter", letter.id)
    assert str(refused.value) == "该介绍信尚未开具，开具后才能预览和打印"
    assert "号记录" not in str(refused.value)


def test_a_voided_letter_prints_marked_void_on_both_halves(db, users, issued, tmp_path):
    LetterService(db).act(users["clerk"], issued.id, "void", "收件单位写错")
    document = _build(db, issued.id)
    assert "作废" in document.header and "收件单位写错" in document.header
    path = tmp_path / "void.pdf"
    assert render_pdf(document, path) == 1
    tear_y = _tear_line_y(path)
    marks = [y for y, text in _stamp_marks(path) if text == "作废"]
    assert len(marks) == 2
    assert max(marks) > tear_y + 100 and min(marks) < tear_y - 100  # one on the stub, one on the letter
    # the DOCX carries the same mark twice behind the text
    docx_path = tmp_path / "void.docx"
    render_docx(document, docx_path)
    header = docx.Document(str(docx_path)).sections[0].header._element.xml
    assert header.count('string="作废"') == 2


def test_a_letter_in_force_carries_no_void_mark(db, users, issued, tmp_path):
    path = tmp_path / "live.pdf"
    render_pdf(_build(db, issued.id), path)
    assert _stamp_marks(path) == []


def test_the_cut_line_leaves_the_serial_number_clear(db, users, issued, tmp_path):
    path = tmp_path / "letter.pdf"
    render_pdf(_build(db, issued.id), path)
    tear_y = _tear_line_y(path)
    (left_end, right_start) = sorted(x for _, x0, x1 in _tear_segments(path) for x in (x0, x1))[1:3]
    number = [(y, x) for y, x, text in _pdf_fragments(path) if text == issued.number and abs(y - tear_y) < 14]
    assert len(number) == 1
    y, x = number[0]
    width = doc.text_width(issued.number) * 14.0  # printed at 14 pt: about this wide
    # the dashes stop before the number starts and start again after it ends: nothing strikes it out
    assert left_end < x - 2 and x + width * 0.9 < right_start
    assert right_start - left_end < 200  # the gap is the number's, not half the sheet


def test_register_names_its_document_kind():
    spec = registers.get("introduction_letter")
    assert [d.kind for d in spec.documents] == ["introduction_letter"]
    assert printing.kind(spec.documents[0].kind).title == "介绍信（存根联及正本）"


def test_the_date_ends_four_characters_from_the_margin_with_the_court_centred_over_it(db, users, issued,
                                                                                       tmp_path):
    """GB/T 9704-2012 §7.3.5.1: 成文日期右空四字, 署名居中排于成文日期之上 — on the letter, and the
    stub's date keeps the same right space; in the PDF and in the DOCX."""
    from courtdesk.kernel.documents.geometry import page_geometry
    from tests.support.closing import docx_paragraph, pdf_text_at

    document = _build(db, issued.id)
    date = "二〇二六年十一月二十三日"  # full-width only: exactly 12 grid characters wide
    g = page_geometry(document.page)
    pitch = g.char_pitch
    assert pitch is not None
    width = {text: len(text) * pitch - g.char_space(g.body_size) for text in (date, COURT)}
    date_end = g.left + g.frame_width - 4 * pitch
    pdf = tmp_path / "letter.pdf"
    render_pdf(document, pdf)
    stub_y, stub_x = pdf_text_at(pdf, date)
    letter_y, letter_x = pdf_text_at(pdf, date, last=True)
    assert stub_y > _tear_line_y(pdf) > letter_y
    assert stub_x + width[date] == pytest.approx(date_end, abs=0.5)
    assert letter_x + width[date] == pytest.approx(date_end, abs=0.5)
    court_y, court_x = pdf_text_at(pdf, COURT)
    assert court_x + width[COURT] / 2 == pytest.approx(letter_x + width[date] / 2, abs=0.5)
    assert court_y == pytest.approx(letter_y + g.line_pitch, abs=0.2)

    path = tmp_path / "letter.docx"
    render_docx(document, path)
    stub, letter = docx_paragraph(path, date), docx_paragraph(path, date, last=True)
    assert stub["tab"] == pytest.approx(g.frame_width - 4 * pitch, abs=0.05)  # after 开具人, a right tab
    assert letter["jc"] == "right" and letter["right"] == pytest.approx(4 * pitch, abs=0.05)
    court = docx_paragraph(path, COURT)
    assert court["jc"] == "center"
    assert (court["left"] + g.frame_width - court["right"]) / 2 == pytest.approx(
        g.frame_width - 4 * pitch - width[date] / 2, abs=0.1)
