"""Line breaking: nothing lost, nothing too wide, 禁则 respected."""

from __future__ import annotations

import pytest
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
@example("0- ””", 60.0, True)  # 「0-」 is one run, alone on the line: the quotes start the next
def test_wrapping_keeps_every_character_and_fits_the_width(text: str, width: float, indent: bool) -> None:
    m = measurer()
    first = 2 * G.char_pitch if indent and width > 3 * G.char_pitch else 0.0
    lines = wrap(text, m, width, first)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    assert lines[-1].last and not any(line.last for line in lines[:-1])
    for i, line in enumerate(lines):
        room = width - (first if i == 0 else 0.0)
        # nothing hangs: the printed width (squeezed where punctuation was kept) fits the room
        assert line.width <= room + 0.01 or len(line.text) == 1
        assert line.squeeze <= 0.0
        assert line.width == pytest.approx(m.width(line.text) + line.squeeze * (len(line.text) - 1))
        if i > 0 and line.text[:1] in NO_LINE_START:
            # only when the line above had nothing that could come down with it
            above = [ch for ch in lines[i - 1].text if ch not in NO_LINE_START | NO_LINE_END | {" "}]
            assert len(above) <= 1 or _one_run(above), (lines[i - 1].text, line.text)
        if i < len(lines) - 1 and len(line.text) > 1:
            assert line.text[-1] not in NO_LINE_END


def _one_run(chars: list[str]) -> bool:
    """Whether ``chars`` make one unbreakable run as the layout reads text (a number, a word, 「0-」)."""
    return all(ch.isascii() and (ch.isalnum() or ch in ".@-/%") for ch in chars)


def test_a_full_line_holds_28_characters() -> None:
    lines = wrap("法" * 60, measurer(), G.frame_width)
    assert [len(line.text) for line in lines] == [28, 28, 4]


def test_numbers_are_not_split_and_punctuation_is_squeezed_in() -> None:
    m = measurer()
    text = "法" * 25 + "18031600090"
    lines = wrap(text, m, G.frame_width)
    assert lines[1].text == "18031600090"
    lines = wrap("法" * 28 + "。后", m, G.frame_width)
    assert lines[0].text == "法" * 28 + "。" and lines[1].text == "后"
    assert lines[0].squeeze < 0 and lines[0].width <= G.frame_width  # squeezed, never hung
    lines = wrap("法" * 27 + "（后）", m, G.frame_width)
    assert lines[0].text == "法" * 27 and lines[1].text == "（后）"


def test_punctuation_that_cannot_be_squeezed_in_takes_the_last_character_down() -> None:
    m = measurer()
    lines = wrap("法" * 28 + "）》」』后", m, G.frame_width)  # four marks: too much to squeeze
    assert lines[0].text == "法" * 27 and lines[1].text == "法）》」』后"
    assert all(line.width <= G.frame_width + 0.01 for line in lines)


def test_an_id_number_keeps_its_closing_bracket_inside_the_frame() -> None:
    m = measurer()
    text = "兹介绍我院庭长吴涛同志（身份证号：131003197806300354）、书记员林晓同志"
    lines = wrap(text, m, G.frame_width, 2 * G.char_pitch)
    assert lines[0].text.endswith("131003197806300354）、")
    assert lines[0].width <= G.frame_width - 2 * G.char_pitch + 0.01


def test_continuation_lines_hang_under_the_item_text() -> None:
    m = measurer()
    rest = 7 * G.char_pitch
    lines = wrap("调查问题：4、" + "被执行人是否有其他财产" * 5, m, G.frame_width, 0.0, rest)
    assert len(lines) > 1
    assert all(line.width <= G.frame_width - rest + 0.01 for line in lines[1:])


# --- amounts of money are never broken (issue 16 §5) ---------------------------------------------

FEN = st.integers(min_value=0, max_value=99_999_999_999)
PROSE = st.text(alphabet=st.sampled_from(list("合计报销应付冲抵借支金额，。、：（）《》 ")), max_size=30)


def _figures(fen: int) -> str:
    from courtdesk.kernel.money import format_yuan, from_fen

    return format_yuan(from_fen(fen))


def _capitals(fen: int) -> str:
    from courtdesk.kernel.money import amount_in_words, from_fen

    return amount_in_words(from_fen(max(fen, 1)), prefix=True)


@settings(max_examples=300, deadline=None)
@given(PROSE, FEN, PROSE, st.sampled_from(["figures", "capitals", "yuan"]), st.floats(min_value=30.0, max_value=300.0),
       st.sampled_from([10.5, 12.0, 16.0]))
@example("粘贴单金额合计", 3748965, "", "figures", 60.0, 10.5)  # 「¥37,」 / 「489.65」 on the paste sheet
@example("应付报销人", 10000000, "，", "figures", 80.0, 12.0)  # a total ≥ ¥100,000
@example("合计", 10000, "", "figures", 30.0, 10.5)  # 「¥」 alone at a line's end
def test_an_amount_is_never_split_across_lines(before: str, fen: int, after: str, form: str, width: float,
                                               size: float) -> None:
    """¥ + figures with thousands separators and decimals, figures with 元, 人民币…: one token. It goes
    to the next line whole; only an amount wider than the whole line may break (there is no other way)."""
    amount = {"figures": _figures(fen), "capitals": _capitals(fen), "yuan": f"{fen / 100:,.2f} 元"}[form]
    m = measurer(size)
    lines = wrap(before + amount + after, m, width)
    assert "".join(line.text for line in lines).replace(" ", "") == (before + amount + after).replace(" ", "")
    # (with the brackets and punctuation glued to it: 「《¥0.00」 wider than a line breaks in the amount,
    # rather than leave 「《」 alone at a line's end)
    lead = before[len(before.rstrip("".join(NO_LINE_END))):]
    trail = after[:len(after) - len(after.lstrip("".join(NO_LINE_START)))]
    if m.width(lead + amount + trail) <= width:
        assert any(amount in line.text for line in lines), [line.text for line in lines]
    assert not any(line.text.endswith(("¥", "￥")) for line in lines[:-1])


def test_the_amount_token_reads_figures_capitals_and_yuan() -> None:
    from courtdesk.kernel.documents.textlayout import _TOKENS

    assert _TOKENS.findall("应付 ¥37,489.65，") == ["应", "付", " ", "¥37,489.65", "，"]
    assert _TOKENS.findall("-¥100.00") == ["-¥100.00"]
    assert _TOKENS.findall("合计 3,000.00 元整")[-2:] == ["3,000.00 元", "整"]
    assert _TOKENS.findall("人民币叁万柒仟肆佰捌拾玖元陆角伍分（")[0] == "人民币叁万柒仟肆佰捌拾玖元陆角伍分"
    assert _TOKENS.findall("¥1,000,另") == ["¥1,000", ",", "另"]  # a comma after the figures is prose
