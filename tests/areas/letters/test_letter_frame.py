"""No glyph of a printed 介绍信 passes the page margins (read back from the PDF glyph by glyph): the
「）、」 after a bearer's ID number is squeezed onto its line, never hung into the margin."""

from __future__ import annotations

import io

from courtdesk.kernel import printing
from courtdesk.kernel.documents import render_pdf, resolve_fonts
from courtdesk.kernel.documents.geometry import page_geometry
from tests.support.readback import glyphs_past_the_margins, pdf_glyphs


def test_no_demo_letter_prints_past_the_margins(db):
    kind = printing.kind("introduction_letter")
    fonts = resolve_fonts()
    with db.read() as s:
        documents = {i: kind.build(s, i) for i in s.scalars(kind.ids())}
    assert 10 in documents
    for letter_id, document in documents.items():
        g = page_geometry(document.page)
        buffer = io.BytesIO()
        render_pdf(document, buffer, fonts=fonts)
        assert glyphs_past_the_margins(io.BytesIO(buffer.getvalue()), g.left, g.right) == [], letter_id
        if letter_id == 10:  # the letter where 「）、」 after an ID number ran 10 mm into the margin
            lines = ["".join(gl.char for gl in line)
                     for line in pdf_glyphs(io.BytesIO(buffer.getvalue()))[0].lines()]
            assert any(line.endswith("）、") and line[-20:-2].isdigit() for line in lines), lines
