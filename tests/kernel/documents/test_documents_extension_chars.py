"""No character silently lost (issue 20 §1) and the same faces in the PDF and the DOCX (§5).

A name with a CJK-extension character (𠮷 U+20BB7, Extension B) prints: the glyph is in the PDF's text
and the extension face (HanaMinB) is embedded.  A character no face has (𓀀 U+13000, an Egyptian
hieroglyph) is refused at the field and at render, naming the character.  A configured font's family
is what the DOCX names for its role.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from courtdesk.areas.letters.service import LetterService
from courtdesk.kernel import clock, printing, validation
from courtdesk.kernel.documents import Document, Paragraph, Title, render_docx, render_pdf
from courtdesk.kernel.documents.fonts import (
    EXTENSION_FACES,
    bundled_fonts_dir,
    find_extension_faces,
    font_family_name,
    resolve_fonts,
)
from courtdesk.kernel.errors import ValidationError
from tests.areas.letters.letters_helpers import NOW, letter_data
from tests.support.readback import docx_body_lines, pdf_fonts, pdf_page_texts

EXT_B = "\U00020BB7"  # 𠮷: 吉 with 土 on top, in family names
EXT_E = "\U0002C317"  # 𬌗: an Extension E character of the 通用规范汉字表
NO_FACE = "\U00013000"  # 𓀀 EGYPTIAN HIEROGLYPH A001: no face has it
ROOT = Path(__file__).resolve().parents[3]

needs_extension_face = pytest.mark.skipif(
    not find_extension_faces(), reason="no CJK-extension face installed (apt-get install fonts-hanazono)")


@pytest.fixture(autouse=True)
def _now() -> None:
    clock.set_now(NOW)


def _pdf_bases(pdf: io.BytesIO) -> set[str]:
    pdf.seek(0)
    return {font.base_font.split("+", 1)[-1] for font in pdf_fonts(pdf)}


def _docx_runs(source: Any) -> list[tuple[str, str]]:
    """(text, w:eastAsia) of every run of the body."""
    runs = []
    for run in docx.Document(source).element.body.iter(qn("w:r")):
        rfonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if text:
            runs.append((text, rfonts.get(qn("w:eastAsia")) if rfonts is not None else ""))
    return runs


# --- the extension face -------------------------------------------------------------------------

@needs_extension_face
def test_the_extension_faces_cover_ext_a_to_f_and_a_hieroglyph_is_beyond_every_face() -> None:
    fonts = resolve_fonts()
    assert fonts.missing(EXT_B + EXT_E + "\u3400\u4DB5" + "\U0002A700\U0002B740\U0002CEB0") == ""
    assert fonts.missing("张" + NO_FACE + EXT_B) == NO_FACE
    assert fonts.missing("\U0001F600") == "\U0001F600"  # an emoji: no face either


def test_every_gbk_character_is_printed_by_the_bundled_faces() -> None:
    """The field check's fast path loads no font for GBK text (喆 堃 …): it relies on this."""
    gbk = []
    for code in range(0x80, 0x10000):
        try:
            chr(code).encode("gbk")
        except UnicodeEncodeError:
            continue
        gbk.append(chr(code))
    assert len(gbk) > 21_000
    fonts = resolve_fonts()
    assert fonts.missing("".join(gbk)) == ""


def test_the_extension_faces_are_looked_for_in_the_bundle_first(tmp_path: Path) -> None:
    """The offline bundle copies the faces into resources/fonts (COURTDESK_FONTS_DIR): found there
    before the Debian path."""
    spec = EXTENSION_FACES[1]
    system = Path(spec.system_dir) / spec.file
    if not system.is_file():
        pytest.skip("fonts-hanazono not installed")
    (tmp_path / spec.file).symlink_to(system)
    found = dict(find_extension_faces(tmp_path))
    assert found[spec] == tmp_path / spec.file
    assert dict(find_extension_faces(bundled_fonts_dir()))[spec] == system  # not bundled in the source tree


def test_the_readme_names_each_extension_face_and_its_licence() -> None:
    readme = (bundled_fonts_dir() / "README.md").read_text(encoding="utf-8")
    for spec in EXTENSION_FACES:
        assert f"`{spec.file}`" in readme and spec.package in readme, spec.file
    assert "SIL Open Font License" in readme and "Hanazono Font License" in readme


def test_dev_py_installs_the_extension_face_package() -> None:
    dev = (ROOT / "packaging" / "dev.py").read_text(encoding="utf-8")
    assert '"fonts-hanazono"' in dev


@needs_extension_face
def test_a_document_without_a_rare_character_never_loads_the_extension_face() -> None:
    """Parsing a 22–30 MB face is paid only when a character needs it (in a fresh process)."""
    script = (
        "import io\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "from courtdesk.kernel import validation\n"
        "from courtdesk.kernel.documents import Document, Paragraph, render_docx, render_pdf\n"
        "from courtdesk.kernel.documents.fonts import resolve_fonts\n"
        "def hana(): return [n for n in pdfmetrics.getRegisteredFontNames() if 'HanaMin' in n]\n"
        "validation.text('赵喆 l1I', '姓名', max_len=10)\n"
        "doc = Document('t', (Paragraph('当事人赵喆、王堃，微信号 l1Il'),))\n"
        "render_pdf(doc, io.BytesIO()); render_docx(doc, io.BytesIO(), fonts=resolve_fonts())\n"
        "print(len(hana()))\n"
        f"render_pdf(Document('t', (Paragraph('王{EXT_B}'),)), io.BytesIO())\n"
        "print(len(hana()))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    assert out == ["0", "1"]  # none, then HanaMinB alone (HanaMinA is for the BMP)


# --- printed: a name with an Extension B character ----------------------------------------------

@needs_extension_face
def test_a_bearer_named_with_an_ext_b_character_prints_in_pdf_and_docx(db: Any, users: Any) -> None:
    name = f"王{EXT_B}"
    data = letter_data(users)
    data["bearers"][0]["name"] = name
    service = LetterService(db)
    letter = service.act(users["clerk"], service.file(users["enforcer"], data).id, "issue")
    with db.read() as s:
        doc = printing.kind("introduction_letter").build(s, letter.id)
        fonts = printing.fonts_for(s)
    pdf = io.BytesIO()
    render_pdf(doc, pdf, fonts=fonts)
    pdf.seek(0)
    assert any(name in page.replace(" ", "") for page in pdf_page_texts(pdf))  # the glyph, not a gap
    assert "HanaMinB" in _pdf_bases(pdf)  # the extension face is embedded
    out = io.BytesIO()
    render_docx(doc, out, fonts=fonts)
    out.seek(0)
    assert any(name in line for line in docx_body_lines(out))
    out.seek(0)
    # in the DOCX the character outside GB2312 gets a 宋体 run, as 喆 does (Word links SimSun-ExtB)
    assert (EXT_B, "宋体") in _docx_runs(out)


@needs_extension_face
def test_a_title_with_an_ext_b_character_prints_without_the_sans_fallback() -> None:
    pdf = io.BytesIO()
    render_pdf(Document("t", (Title(f"关于{EXT_B}某某的调查函"),)), pdf)
    bases = _pdf_bases(pdf)
    assert "HanaMinB" in bases and not any(b.startswith("WenQuanYi") for b in bases)


# --- refused: a character no face has ------------------------------------------------------------

def test_the_field_refuses_a_character_no_face_has_and_names_it() -> None:
    with pytest.raises(ValidationError) as refused:
        validation.text(f"王{NO_FACE}", "姓名", max_len=20)
    assert refused.value.field == "姓名" and refused.value.rule == "无法打印"
    assert str(refused.value) == (f"姓名：「{NO_FACE}」（U+13000）无法打印：没有包含此字的字体，"
                                  "请在系统设置中配置字体或改用通用字")
    assert validation.text("  赵喆 l1I  ", "姓名", max_len=20) == "赵喆 l1I"  # common text passes


def test_the_letter_service_refuses_a_bearer_name_no_face_can_print(db: Any, users: Any) -> None:
    data = letter_data(users)
    data["bearers"][0]["name"] = f"王{NO_FACE}"
    with pytest.raises(ValidationError) as refused:
        LetterService(db).file(users["enforcer"], data)
    assert f"「{NO_FACE}」" in str(refused.value) and "无法打印" in str(refused.value)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_render_refuses_a_character_no_face_has_instead_of_printing_a_gap(tmp_path: Path, fmt: str) -> None:
    doc = Document("t", (Paragraph("当事人王某"), Paragraph(f"住所地：{NO_FACE}村")))
    target = tmp_path / f"t.{fmt}"
    with pytest.raises(ValidationError) as refused:
        printing.render(doc, str(target), fmt, fonts=resolve_fonts())
    assert f"「{NO_FACE}」" in str(refused.value) and "无法打印" in str(refused.value)
    assert not target.exists() and not list(tmp_path.iterdir())  # nothing half-written


# --- the same faces in the PDF and the DOCX -------------------------------------------------------

def test_a_configured_body_font_is_embedded_in_the_pdf_and_named_in_the_docx(tmp_path: Path) -> None:
    system_font = tmp_path / "fangsong.ttf"  # stands in for the court's 仿宋 file
    system_font.write_bytes((bundled_fonts_dir() / "gkai00mp.ttf").read_bytes())
    family = font_family_name(system_font)
    assert family == "文鼎ＰＬ简中楷"  # the Simplified Chinese name from the name table
    fonts = resolve_fonts({"body": system_font})
    doc = Document("t", (Title("调查函"), Paragraph("当事人赵喆到庭。")))
    pdf = io.BytesIO()
    render_pdf(doc, pdf, fonts=fonts)
    assert "GBZenKai-Medium" in _pdf_bases(pdf)
    out = io.BytesIO()
    render_docx(doc, out, fonts=fonts)
    out.seek(0)
    runs = _docx_runs(out)
    assert ("当事人赵", family) in runs and ("调查函", "方正小标宋简体") in runs  # title not configured
    assert ("喆", "宋体") in runs  # the configured face has no 喆: the PDF takes it from UMing too
    out.seek(0)
    table = docx.Document(out).part.package
    font_table = next(p for p in table.parts if p.partname.endswith("fontTable.xml")).blob.decode("utf-8")
    assert f'w:name="{family}"' in font_table and "仿宋_GB2312" in font_table  # official name as altName


def test_without_configured_fonts_the_docx_names_the_official_faces() -> None:
    out = io.BytesIO()
    render_docx(Document("t", (Title("调查函"), Paragraph("正文"))), out, fonts=resolve_fonts())
    out.seek(0)
    assert _docx_runs(out) == [("调查函", "方正小标宋简体"), ("正文", "仿宋_GB2312")]


def test_the_settings_body_and_title_fonts_reach_both_renderers(db: Any, users: Any, tmp_path: Path) -> None:
    from courtdesk.kernel.settings import SettingsService

    title_font = tmp_path / "xiaobiaosong.ttf"
    title_font.write_bytes((bundled_fonts_dir() / "gbsn00lp.ttf").read_bytes())
    SettingsService(db).save(users["admin"], {"font_title_path": str(title_font)})
    with db.read() as s:
        fonts = printing.fonts_for(s)
    assert fonts.primary("title").path == title_font and not fonts.fake_bold("title")
    assert fonts.docx_fonts()["title"].east_asia == "文鼎ＰＬ简报宋"
    assert fonts.docx_fonts()["body"].east_asia == "仿宋_GB2312"
