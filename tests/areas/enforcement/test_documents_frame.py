"""No glyph of a printed 调查函 or 查封措施告知笔录 passes the page margins (read back from the PDF glyph
by glyph), and a long question on the 调查函 stub wraps under its own text, not back to the margin."""

from __future__ import annotations

import io

from courtdesk.kernel import printing
from courtdesk.kernel.documents import render_pdf, resolve_fonts
from courtdesk.kernel.documents.geometry import page_geometry
from tests.support.readback import glyphs_past_the_margins, pdf_glyphs


def rendered(db, kind_name: str) -> dict[int, bytes]:
    kind = printing.kind(kind_name)
    fonts = resolve_fonts()
    out: dict[int, bytes] = {}
    with db.read() as s:
        documents = {i: kind.build(s, i) for i in s.scalars(kind.ids())}
    for record_id, document in documents.items():
        buffer = io.BytesIO()
        render_pdf(document, buffer, fonts=fonts)
        g = page_geometry(document.page)
        assert glyphs_past_the_margins(io.BytesIO(buffer.getvalue()), g.left, g.right) == [], record_id
        out[record_id] = buffer.getvalue()
    assert out
    return out


def test_no_transcript_prints_past_the_margins(db):
    pdfs = rendered(db, "seizure_transcript")  # its 「…查封措施：」 ended 4.9 mm past the margin
    lines = ["".join(g.char for g in line) for line in pdf_glyphs(io.BytesIO(pdfs[min(pdfs)]))[0].lines()]
    assert any(line.endswith("查封措施：") for line in lines), lines


def test_no_investigation_letter_passes_the_margins_and_a_long_question_wraps_under_its_text(db):
    pdfs = rendered(db, "investigation_letter")  # the stub's 「、」 hung 2.5 mm into the margin
    checked = 0
    for data in pdfs.values():
        stub = pdf_glyphs(io.BytesIO(data))[0].lines()
        for above, below in zip(stub, stub[1:]):
            text = "".join(g.char for g in above)
            if "、" not in text[:9] or not text.lstrip("　调查问题：")[:1].isdigit():
                continue
            number_end = next(i for i, g in enumerate(above) if g.char == "、")
            below_text = "".join(g.char for g in below)
            if below_text.lstrip("　")[:1].isdigit() or below_text.startswith("邮寄"):
                continue  # the next question, not a continuation
            question_x = above[number_end + 1].x
            assert abs(below[0].x - question_x) < 0.5, (text, below_text)
            checked += 1
    assert checked  # the demo has a question longer than a line (question 4)
