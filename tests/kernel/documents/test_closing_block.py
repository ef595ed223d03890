"""The closing of a sealed document (GB/T 9704-2012 §7.3.5.1): 成文日期右空四字 — the date ends four
characters before the right margin — and 发文机关署名 centred over it, in the PDF and in the DOCX."""

from __future__ import annotations

import pytest

from courtdesk.kernel.documents import render_docx, render_pdf
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.documents.model import (
    DATE_RIGHT_CHARS,
    Document,
    PageSetup,
    Paragraph,
    SignatureLine,
    closing_positions,
    document_text_lines,
)
from tests.support.closing import docx_paragraph, pdf_text_at
from tests.support.readback import docx_body_lines, squash

COURT = "河北省廊坊经济技术开发区人民法院"
DATE = "二〇二六年十一月二十三日"  # all full-width: its printed width is exactly 12 grid characters


def _doc(*blocks, page: PageSetup | None = None) -> Document:
    return Document("落款", (Paragraph("正文。"), *blocks), page=page or PageSetup())


@pytest.mark.parametrize("page", [PageSetup(), PageSetup(body_size=14.0, grid=(28, 31))],
                         ids=["3号 28字", "4号 31字"])
def test_the_date_ends_four_characters_from_the_margin_and_the_court_is_centred_over_it(tmp_path, page):
    doc = _doc(SignatureLine.official(COURT, DATE), page=page)
    g = page_geometry(page)
    pitch = g.char_pitch
    assert pitch is not None
    space = g.char_space(g.body_size)
    date_w = len(DATE) * pitch - space  # visible width: no spacing after the last glyph
    court_w = len(COURT) * pitch - space
    right = g.left + g.frame_width  # the right margin, in PDF points

    pdf = tmp_path / "closing.pdf"
    render_pdf(doc, pdf)
    date_y, date_x = pdf_text_at(pdf, DATE)
    court_y, court_x = pdf_text_at(pdf, COURT)
    assert date_x + date_w == pytest.approx(right - DATE_RIGHT_CHARS * pitch, abs=0.5)  # 右空四字
    assert court_x + court_w / 2 == pytest.approx(date_x + date_w / 2, abs=0.5)  # 居中排于成文日期之上
    assert court_y - date_y == pytest.approx(g.line_height(g.body_size), abs=0.2)  # the line above

    docx_path = tmp_path / "closing.docx"
    render_docx(doc, docx_path)
    date_p, court_p = docx_paragraph(docx_path, DATE), docx_paragraph(docx_path, COURT)
    assert date_p["jc"] == "right"
    assert date_p["right"] == pytest.approx(DATE_RIGHT_CHARS * pitch, abs=0.05)  # the same 右空四字
    assert court_p["jc"] == "center"  # centred on a band whose middle is the date's middle
    band_middle = (court_p["left"] + g.frame_width - court_p["right"]) / 2
    assert band_middle == pytest.approx(g.frame_width - DATE_RIGHT_CHARS * pitch - date_w / 2, abs=0.1)
    assert g.frame_width - court_p["right"] - court_p["left"] >= court_w  # room: the name never wraps
    # the 署名 is its own printed line, before the date, in the model and in both renderers
    assert document_text_lines(doc)[-2:] == [COURT, DATE]
    assert [squash(line) for line in docx_body_lines(docx_path)][-2:] == [COURT, DATE]


def test_a_date_beside_signatures_keeps_the_same_right_space(tmp_path):
    """The 介绍信 stub: 开具人 on the left, the date 右空四字 on the same line (a right tab in the DOCX)."""
    doc = _doc(SignatureLine((("开具人：", "王芳"),), date=DATE, date_right_chars=DATE_RIGHT_CHARS))
    g = page_geometry(doc.page)
    pitch = g.char_pitch
    assert pitch is not None
    date_w = len(DATE) * pitch - g.char_space(g.body_size)
    pdf = tmp_path / "stub.pdf"
    render_pdf(doc, pdf)
    _, date_x = pdf_text_at(pdf, DATE)
    assert date_x + date_w == pytest.approx(g.left + g.frame_width - 4 * pitch, abs=0.5)
    docx_path = tmp_path / "stub.docx"
    render_docx(doc, docx_path)
    assert docx_paragraph(docx_path, DATE)["tab"] == pytest.approx(g.frame_width - 4 * pitch, abs=0.05)


def test_a_signer_too_wide_moves_the_pair_left_and_stays_centred():
    frame, pitch = 28 * 15.0, 15.0
    date_x, signer_x = closing_positions(frame, pitch, 6 * pitch, 24 * pitch, 4)
    assert signer_x + 24 * pitch == pytest.approx(frame)  # ends at the margin, not past it
    assert signer_x + 12 * pitch == pytest.approx(date_x + 3 * pitch)  # still centred over the date
    # a short one stays where the standard puts it
    date_x, signer_x = closing_positions(frame, pitch, 10 * pitch, 16 * pitch, 4)
    assert date_x == pytest.approx(14 * pitch) and signer_x == pytest.approx(11 * pitch)


def test_a_signer_needs_a_date():
    with pytest.raises(ValueError, match="成文日期"):
        SignatureLine(signer=COURT)
