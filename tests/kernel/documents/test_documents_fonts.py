"""Bundled fonts: licences, coverage of court text, per-character fallback, configured fonts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from courtdesk.kernel.documents import Document, Paragraph, render_pdf
from courtdesk.kernel.documents.fonts import BUNDLED, bundled_fonts_dir, resolve_fonts
from tests.support.readback import pdf_fonts, pdf_page_texts

# Every character of the rule book's 调查函 and 查封措施告知笔录 templates.
TEMPLATE_CHARACTERS = (
    "、。一三上下不与为书予事二于产人他以份但位住作你依保信债偿党公关其养冀内写况冻出函判制办加动包北区十单印发"
    "取号合向否告员四回土在地址坊填处复如存实审容寄对封就局居展属履工已市年并序应度廊开当录往微情我或房所执承技"
    "报括按措提收施日时是月有期未术权条查标根案款此每民求汇河法注济清源点物王现理申电的盖相省真知石磊示积章笔第"
    "等答管粘系纠纷组经结编老联股致行补被要记证话请调象财账贴身辖送通道邮配采金针问间限院险题风（），：？"
)
COURT_TEXT = "河北省廊坊经济技术开发区人民法院冀1091执囗￥×《》〔〕【】“”‘’…—①②③ＡＢ０１"
RARE_NAME_CHARACTERS = "喆堃珺昇燊淼鑫犇赟骉焱垚琤玥彧祎晗頔翀煜沣璟旻曌"


def test_bundled_fonts_and_their_licences_are_in_resources() -> None:
    folder = bundled_fonts_dir()
    total = 0
    for spec in BUNDLED.values():
        path = folder / spec.file
        assert path.is_file(), path
        total += path.stat().st_size
    assert total < 25 * 1024 * 1024
    for licence in ("ARPHICPL.TXT", "LICENSE-Apache-2.0.txt", "gbsn00lp.copyright", "gkai00mp.copyright",
                    "wqy-microhei.copyright", "README.md"):
        assert (folder / licence).is_file(), licence


def test_the_song_face_covers_the_template_and_court_text() -> None:
    fonts = resolve_fonts()
    song = fonts.primary("body").name
    for ch in TEMPLATE_CHARACTERS + "冀廊坊囗":
        assert fonts.pick(ch, "body")[0] == song, ch
    for role in ("body", "title", "kai", "hei"):
        assert fonts.missing(TEMPLATE_CHARACTERS + COURT_TEXT, role) == ""


def test_names_outside_gb2312_fall_back_per_character() -> None:
    fonts = resolve_fonts()
    song = fonts.primary("body").name
    assert fonts.missing(RARE_NAME_CHARACTERS, "body") == ""
    assert {fonts.pick(ch, "body")[0] for ch in "喆堃珺"} != {song}
    assert fonts.pick("张", "body")[0] == song
    assert fonts.missing("\U0001F600", "body") == "\U0001F600"  # an emoji: reported, not hidden


def test_a_configured_system_font_is_used_first(tmp_path: Path) -> None:
    system_font = tmp_path / "simfang.ttf"  # stands in for a font from the settings
    system_font.write_bytes((bundled_fonts_dir() / "gkai00mp.ttf").read_bytes())
    fonts = resolve_fonts({"body": system_font})
    assert fonts.problems == ()
    assert fonts.primary("body").path == system_font and not fonts.primary("body").bundled
    assert fonts.primary("title").bundled  # other roles keep the bundled faces
    pdf = io.BytesIO()
    render_pdf(Document("t", (Paragraph("法院赵喆"),)), pdf, fonts=fonts)
    pdf.seek(0)
    bases = {font.base_font.split("+", 1)[-1] for font in pdf_fonts(pdf)}
    assert "GBZenKai-Medium" in bases and any(b.startswith("WenQuanYi") for b in bases)
    assert "法院赵喆" in pdf_page_texts(pdf)[0]


@pytest.mark.parametrize("content", [None, b"not a font at all"])
def test_an_unusable_configured_font_falls_back_and_says_why(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "broken.ttf"
    if content is not None:
        path.write_bytes(content)
    fonts = resolve_fonts({"title": path})
    assert fonts.primary("title").bundled
    assert len(fonts.problems) == 1 and "broken.ttf" in fonts.problems[0]
