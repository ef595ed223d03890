"""Line breaking: nothing lost, nothing too wide, 禁则 respected."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from courtdesk.kernel.documents.fonts import resolve_fonts
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.documents.model import PageSetup
from courtdesk.kernel.documents.textlayout import NO_LINE_END, NO_LINE_START, Measurer, wrap

G = page_geometry(PageSetup())
TEXT = st.text(alphabet=st.sampled_from(list("法院执行冀廊坊喆一二三，。、：；（）《》“”0123456789ABCxyz- ")),
               max_size=200)


def measurer(size: float = 16.0) -> Measurer:
    return Measurer(resolve_fonts(), "body", size, G.char_space(size))


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from([G.frame_width, 200.0, 60.0]), st.booleans())
@example("0000", 60.0, True)  # a number wider than the room after the indent
@example("000“ 00", 60.0, False)  # an opening quote before a space must not end the line
@example("0《（0000", 60.0, False)  # carried opening brackets leave no room for the whole number
@example("0”“《 （0", 60.0, False)  # a space between opening brackets does not stop the carrying
def test_wrapping_keeps_every_character_and_fits_the_width(text: str, width: float, indent: bool) -> None:
    m = measurer()
    first = 2 * G.char_pitch if indent and width > 3 * G.char_pitch else 0.0
    lines = wrap(text, m, width, first)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    assert lines[-1].last and not any(line.last for line in lines[:-1])
    for i, line in enumerate(lines):
        room = width - (first if i == 0 else 0.0)
        overhang = 0.0
        body = line.text
        while body and body[-1] in NO_LINE_START:  # hanging punctuation may stick out
            overhang += m.advance(body[-1])
            body = body[:-1]
        # the last glyph's ink may pass its grid cell by the (negative) character spacing: 0.2 pt
        assert line.width <= room + overhang + 0.25 or len(line.text) == 1
        if i > 0:
            assert line.text[:1] not in NO_LINE_START
        if i < len(lines) - 1 and len(line.text) > 1:
            assert line.text[-1] not in NO_LINE_END


def test_a_full_line_holds_28_characters() -> None:
    lines = wrap("法" * 60, measurer(), G.frame_width)
    assert [len(line.text) for line in lines] == [28, 28, 4]


def test_numbers_are_not_split_and_punctuation_hangs() -> None:
    m = measurer()
    text = "法" * 25 + "18031600090"
    lines = wrap(text, m, G.frame_width)
    assert lines[1].text == "18031600090"
    lines = wrap("法" * 28 + "。后", m, G.frame_width)
    assert lines[0].text == "法" * 28 + "。" and lines[1].text == "后"
    lines = wrap("法" * 27 + "（后）", m, G.frame_width)
    assert lines[0].text == "法" * 27 and lines[1].text == "（后）"
