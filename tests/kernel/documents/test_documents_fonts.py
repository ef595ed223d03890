"""Bundled fonts: licences, coverage of court text, per-character fallback, configured fonts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from courtdesk.kernel.documents import Document, Paragraph, render_docx, render_pdf
from courtdesk.kernel.documents.fonts import BUNDLED, bundled_fonts_dir, resolve_fonts
from tests.support.readback import pdf_fonts, pdf_page_texts

# PostScript names of the bundled faces, as a PDF's /BaseFont has them (after the subset tag).
SONG, MING, LATIN = "BousungEG-Light-GB", "UMingCN-0", "LiberationSerif"  # reportlab adds -N to a .ttc face
SANS = ("WenQuanYi", "DejaVuSans", "LiberationSans", "Helvetica")

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
    assert total < 40 * 1024 * 1024
    for licence in ("ARPHICPL.TXT", "LICENSE-Apache-2.0.txt", "gbsn00lp.copyright", "gkai00mp.copyright",
                    "wqy-microhei.copyright", "uming.copyright", "LiberationSerif.copyright", "README.md"):
        assert (folder / licence).is_file(), licence
    assert "ARPHIC PUBLIC LICENSE" in (folder / "uming.copyright").read_text(encoding="utf-8")
    assert "SIL Open Font License" in (folder / "LiberationSerif.copyright").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for spec in BUNDLED.values():
        assert f"`{spec.file}`" in readme, spec.file


def test_the_song_face_covers_the_template_and_court_text() -> None:
    fonts = resolve_fonts()
    song = fonts.primary("body").name
    for ch in TEMPLATE_CHARACTERS + "冀廊坊囗":
        assert fonts.pick(ch, "body")[0] == song, ch
    for role in ("body", "title", "kai", "hei"):
        assert fonts.missing(TEMPLATE_CHARACTERS + COURT_TEXT, role) == ""


def test_names_outside_gb2312_fall_back_per_character_to_a_serif() -> None:
    fonts = resolve_fonts()
    song = fonts.primary("body").name
    ming = next(face.name for face in fonts.faces("body") if face.label == "AR PL UMing CN")
    for role in ("body", "title", "kai"):
        assert fonts.missing(RARE_NAME_CHARACTERS, role) == ""
        assert {fonts.pick(ch, role)[0] for ch in "喆堃珺昇赟"} == {ming}, role  # outside GB2312
        assert {fonts.pick(ch, role)[0] for ch in RARE_NAME_CHARACTERS} <= {fonts.primary(role).name, song, ming}
    assert fonts.pick("张", "body")[0] == song
    assert fonts.missing("\U0001F600", "body") == "\U0001F600"  # an emoji: reported, not hidden


def test_latin_letters_and_digits_use_the_latin_serif_in_every_role() -> None:
    fonts = resolve_fonts()
    assert fonts.latin is not None and fonts.latin.label == "Liberation Serif"
    for role in ("body", "title", "kai", "hei"):
        assert {fonts.pick(ch, role)[0] for ch in "l1Il_zxj0O@-"} == {fonts.latin.name}, role
        assert fonts.pick("微", role)[0] != fonts.latin.name  # Chinese stays in the role's face
        assert fonts.pick("，", role)[0] != fonts.latin.name  # full-width punctuation too


def _drawn_fonts(text: str) -> dict[str, str]:
    """Each character of ``text`` rendered as one paragraph, read back from the PDF: the /BaseFont
    (without subset tag) of the font whose show operator drew it."""
    from pypdf import PdfReader

    pdf = io.BytesIO()
    render_pdf(Document("t", (Paragraph(text),)), pdf)
    pdf.seek(0)
    page = PdfReader(pdf).pages[0]
    fonts = page["/Resources"]["/Font"]
    drawn: dict[str, str] = {}

    def visit(op_text: str, _cm: object, _tm: object, font_dict: object, _size: object) -> None:
        if font_dict is None or not op_text:
            return
        base = str(font_dict["/BaseFont"]).lstrip("/").split("+", 1)[-1]  # type: ignore[index]
        for ch in op_text:
            drawn.setdefault(ch, base)

    page.extract_text(visitor_text=visit)
    assert fonts
    return drawn


def test_a_rare_name_in_song_text_is_drawn_in_the_serif_fallback_not_a_sans() -> None:
    drawn = _drawn_fonts("当事人赵喆、王堃到庭。")
    assert drawn["赵"] == SONG and drawn["庭"] == SONG
    assert drawn["喆"] == MING and drawn["堃"] == MING
    assert not any(base.startswith(SANS) for base in drawn.values()), drawn


def test_a_wechat_id_is_drawn_in_the_latin_serif() -> None:
    drawn = _drawn_fonts("微信号：l1Il_zxj")
    assert {drawn[ch] for ch in "l1I_zxj"} == {LATIN}
    assert drawn["微"] == SONG


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
    assert "GBZenKai-Medium" in bases and MING in bases  # gkai00mp has no 喆 either
    assert not any(b.startswith(SANS) for b in bases)
    assert "法院赵喆" in pdf_page_texts(pdf)[0]


def test_docx_names_a_song_face_for_characters_outside_gb2312(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    path = tmp_path / "t.docx"
    render_docx(Document("t", (Paragraph("当事人赵喆，微信号 l1Il_zxj"),)), path)
    runs = []
    for run in docx.Document(str(path)).element.body.iter(qn("w:r")):
        rfonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        runs.append(("".join(t.text or "" for t in run.iter(qn("w:t"))), rfonts.get(qn("w:eastAsia")),
                     rfonts.get(qn("w:ascii"))))
    text = "".join(r[0] for r in runs)
    assert text == "当事人赵喆，微信号 l1Il_zxj"  # nothing lost by the split
    assert [r for r in runs if "喆" in r[0]] == [("喆", "宋体", "Times New Roman")]
    assert {r[1] for r in runs if "喆" not in r[0]} == {"仿宋_GB2312"}
    assert {r[2] for r in runs} == {"Times New Roman"}  # Liberation Serif's metrics twin, as in the PDF


@pytest.mark.parametrize("content", [None, b"not a font at all"])
def test_an_unusable_configured_font_falls_back_and_says_why(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "broken.ttf"
    if content is not None:
        path.write_bytes(content)
    fonts = resolve_fonts({"title": path})
    assert fonts.primary("title").bundled
    assert len(fonts.problems) == 1 and "broken.ttf" in fonts.problems[0]


def test_a_printed_register_draws_rare_names_in_the_serif_and_ids_in_the_latin_face(tmp_path: Path) -> None:
    from courtdesk.kernel.documents import register_book

    rows = [(str(i), f"赵喆{i}", "微信号 l1Il_zxj") for i in range(1, 4)]
    doc = register_book("廊坊经济技术开发区人民法院", "登记簿", "", [("序号", 4, "serial"), ("姓名", 10),
                                                                ("联系方式", 20)], rows, "2026-11-24")
    path = tmp_path / "register.pdf"
    render_pdf(doc, path)
    bases = {font.base_font.split("+", 1)[-1] for font in pdf_fonts(path)}
    assert {SONG, MING, LATIN} <= bases
    assert not any(base.startswith(SANS) for base in bases), bases
    assert "赵喆1" in pdf_page_texts(path)[0].replace(" ", "")
