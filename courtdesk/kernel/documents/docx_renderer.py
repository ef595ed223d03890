"""DOCX renderer (python-docx).

Fonts are *named*, not embedded: every run carries ``w:eastAsia`` (仿宋_GB2312, 方正小标宋简体 …) and
the Latin font, with the theme attributes removed — python-docx's ``font.name`` sets only the Latin
slots, and a ``w:eastAsiaTheme`` attribute would override the name.  The font table lists the same
fonts with ``w:altName`` substitutes (仿宋, 宋体 …) for PCs without the official fonts.  When the
court configured a font file for a role, the DOCX names that font's family instead (the face the PDF
embeds for the role: :meth:`FontSet.docx_fonts`), the official name becoming an alternate.  A document
with a character no font can print is refused, as the PDF renderer refuses it.

22 lines × 28 characters: the section has a line grid (``w:docGrid w:type="lines"``) and every
paragraph an exact line height; the 28 characters come from a small negative character spacing on the
runs (−0.25 pt at 3号), as in the PDF.  A ``linesAndChars`` grid would do the same in Word and WPS, but
LibreOffice snaps each 16 pt character to two 15.8 pt grid cells and prints ~15 characters a line.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import IO

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Twips
from lxml import etree  # type: ignore[import-untyped]

from courtdesk.kernel.documents.fonts import (
    DOCX_FONTS,
    DOCX_RARE_FONT,
    DocxFont,
    FontSet,
    check_printable,
    outside_gb2312,
)
from courtdesk.kernel.documents.geometry import (
    CELL_PAD_X,
    CELL_PAD_Y,
    MIN_SPLIT_LINES,
    PageGeometry,
    mm,
    page_geometry,
    signature_layout,
)
from courtdesk.kernel.documents.model import (
    Box,
    CaseNumberLine,
    Column,
    Document,
    Heading,
    LabelSheet,
    PageBreak,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    TearLine,
    Title,
    closing_positions,
    document_text_lines,
    keeps_with_previous,
    qr_png,
)
from courtdesk.kernel.documents.textlayout import UNBREAKABLE, WORD_JOINER, join_tokens
from courtdesk.kernel.documents.textlayout import pieces as token_pieces

Target = str | os.PathLike[str] | IO[bytes]

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FIELD = re.compile(r"(\{page\}|\{pages\})")
#: The fonts named per role in the DOCX being written (:data:`DOCX_FONTS`, or the configured faces'
#: families from :meth:`FontSet.docx_fonts`); set by :func:`render_docx` for the one document.
_FACES: ContextVar[Mapping[str, DocxFont]] = ContextVar("docx_faces", default=DOCX_FONTS)
#: Table rules, in eighths of a point (``w:sz``): 0.5 pt.
_RULE_EIGHTHS = 4
#: The fonts the PDF lays the document out with (None: the resolved defaults): the part page counts
#: the footer's 「共 y 页」 stores are counted with them.
_LAYOUT_FONTS: ContextVar[FontSet | None] = ContextVar("docx_layout_fonts", default=None)


def _twips(points: float) -> str:
    return str(round(points * 20))


def _el(tag: str, **attrs: str) -> etree._Element:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _set_fonts(rpr: etree._Element, font: DocxFont) -> None:
    """Name the role's fonts on an ``w:rPr`` (creating ``w:rFonts`` first, as the schema wants)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = _el("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), font.latin)
    rfonts.set(qn("w:hAnsi"), font.latin)
    rfonts.set(qn("w:eastAsia"), font.east_asia)
    rfonts.set(qn("w:cs"), font.latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _rpr(role: str, size: float, bold: bool = False, underline: bool = False,
         spacing_twips: int = 0) -> etree._Element:
    """Run properties in schema order: rFonts, b, bCs, spacing, sz, szCs, u."""
    rpr = _el("w:rPr")
    _set_fonts(rpr, _FACES.get()[role])
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    if spacing_twips:
        rpr.append(_el("w:spacing", val=str(spacing_twips)))
    half_points = str(round(size * 2))
    rpr.append(_el("w:sz", val=half_points))
    rpr.append(_el("w:szCs", val=half_points))
    if underline:
        rpr.append(_el("w:u", val="single"))  # after w:sz in the schema's order
    return rpr


_VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
#: Word's own text-path shape type (what 水印 inserts), defined once in the header's run.
_TEXTPATH_TYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{e}"/>' for e in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8",
        "mid @6 @7", "sum @6 0 @5"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
)


def _stamp_runs(stamp: str, g: PageGeometry) -> list[etree._Element]:
    """The document's stamp (「作废」) as two slanted red marks behind the text, centred in the upper
    and the lower half of the text frame — what the PDF renderer draws (Word's 水印 mechanism), so a
    sheet cut in two (a stub and its letter) carries the mark on each part.

    One run and one ``w:pict`` per mark, each defining the text-path shape type: LibreOffice imports
    one shape of a ``w:pict`` only (two shapes in one drew a single mark, the stub left unmarked), and
    resolves shape types per ``w:pict``."""
    from xml.sax.saxutils import quoteattr

    width, height = 60.0 * max(len(stamp), 1) * 1.3, 75.0
    runs = []
    for i, fraction in enumerate((0.25, 0.75), 1):
        top = g.frame_height * fraction - height / 2
        shape = (
            f'<v:shape id="CourtDeskStamp{i}" o:spid="_x0000_s{1024 + i}" type="#_x0000_t136" '
            f'style="position:absolute;margin-left:0;margin-top:{top:.1f}pt;width:{width:.1f}pt;'
            f'height:{height:.1f}pt;rotation:340;z-index:{-251657216 + i};mso-position-horizontal:center;'
            'mso-position-horizontal-relative:margin;mso-position-vertical-relative:margin" '
            'fillcolor="#cc1a1a" stroked="f"><v:fill opacity=".35"/>'
            f'<v:textpath style="font-family:&quot;SimSun&quot;;font-size:1pt" string={quoteattr(stamp)}/>'
            '</v:shape>')
        xml = (f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" {_VML}>'
               f'<w:pict>{_TEXTPATH_TYPE}{shape}</w:pict></w:r>')
        runs.append(etree.fromstring(xml))
    return runs


def _run(text: str, rpr: etree._Element) -> etree._Element:
    """A ``w:r`` with a copy of ``rpr``; ``\\n`` becomes a line break and ``\\t`` a tab."""
    run = _el("w:r")
    run.append(copy.deepcopy(rpr))
    for i, part in enumerate(text.split("\n")):
        if i:
            run.append(_el("w:br"))
        for j, piece in enumerate(part.split("\t")):
            if j:
                run.append(_el("w:tab"))
            if piece:
                t = _el("w:t")
                t.text = piece
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.append(t)
    return run


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


#: The language a token's run is marked with: LibreOffice's Chinese line breaker ignores U+2060, its
#: Western one (ICU) honours it.  Only ``w:eastAsia`` changes; the run keeps its fonts.
_TOKEN_LANG = "en-US"


def _room(run: etree._Element, frame_width: float) -> float:
    """The width in points a run's lines have: its table cell's (less the padding), else the frame's."""
    tc = next(run.iterancestors(qn("w:tc")), None)
    tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") if tc is not None else None
    if tcw is None or tcw.get(qn("w:type")) != "dxa":
        return frame_width
    return int(tcw.get(qn("w:w"))) / 20.0 - 2 * CELL_PAD_X


def _joined(token: str, size: float, room: float) -> str:
    """``token`` with word joiners when it fits ``room`` (estimated: a Chinese character an em, ASCII half
    of one); else its pieces (:func:`~courtdesk.kernel.documents.textlayout.pieces`: after 年/月, the year bracket …) joined one by one, so
    LibreOffice breaks it at its joints, as the PDF does, rather than anywhere."""
    if len(token) <= 1 or sum(size * (0.5 if ch.isascii() else 1.0) for ch in token) <= room:
        return join_tokens(token)
    return "".join(_joined(piece, size, room) for piece in token_pieces(token))


def _join_tokens(root: etree._Element, frame_width: float) -> None:
    """Give each unbreakable token (amount, date, case number, plate: :data:`UNBREAKABLE`) a run of
    its own with word joiners between its characters (:func:`join_tokens`) and ``w:lang
    w:eastAsia="en-US"``, so neither Word nor LibreOffice breaks it (LibreOffice 7.4 checked: with
    the document's zh-CN it breaks 「十八」 / 「日）」 whatever joiners the text carries)."""
    for run in list(root.iter(qn("w:r"))):
        rpr = run.find(qn("w:rPr"))
        children = [child for child in run if child is not rpr]
        if not any(child.tag == qn("w:t") and child.text and UNBREAKABLE.search(child.text) for child in children):
            continue
        sz = rpr.find(qn("w:sz")) if rpr is not None else None
        size = int(sz.get(qn("w:val"))) / 2.0 if sz is not None else 16.0
        room = _room(run, frame_width)
        pieces: list[tuple[bool, etree._Element]] = []
        for child in children:
            text = (child.text or "") if child.tag == qn("w:t") else ""
            if not text or UNBREAKABLE.search(text) is None:
                pieces.append((False, child))
                continue
            at = 0
            for match in [*UNBREAKABLE.finditer(text), None]:
                end = match.start() if match is not None else len(text)
                for token, part in ((False, text[at:end]), (True, match.group(0) if match else "")):
                    if part:
                        t = _el("w:t")
                        t.text = _joined(part, size, room) if token else part
                        t.set(_XML_SPACE, "preserve")
                        pieces.append((token, t))
                if match is not None:
                    at = match.end()
        parent = run.getparent()
        at_run = parent.index(run)
        parent.remove(run)
        for token, group in itertools.groupby(pieces, key=lambda piece: piece[0]):
            new_rpr = copy.deepcopy(rpr) if rpr is not None else _el("w:rPr")
            if token:
                lang = new_rpr.find(qn("w:lang"))
                if lang is None:
                    lang = _el("w:lang")
                    new_rpr.append(lang)  # (w:lang is the last rPr child python-docx writes here)
                lang.set(qn("w:eastAsia"), _TOKEN_LANG)
            new_run = _el("w:r")
            new_run.append(new_rpr)
            new_run.extend(child for _token, child in group)
            parent.insert(at_run, new_run)
            at_run += 1


def _rare(ch: str) -> bool:
    """Outside GB2312, but not a word joiner (no glyph: it stays in the run it joins)."""
    return ch != WORD_JOINER and outside_gb2312(ch)


def _name_rare_characters(root: etree._Element) -> None:
    """Give characters outside GB2312 in a GB2312-only font (仿宋_GB2312 …) runs of their own that
    name :data:`DOCX_RARE_FONT` (a Song face), so Word/LibreOffice draw 喆 in a serif as the PDF does,
    instead of whatever sans their own fallback finds."""
    gb2312_only = frozenset(font.east_asia for font in _FACES.get().values() if font.gb2312_only)
    for run in list(root.iter(qn("w:r"))):
        rpr = run.find(qn("w:rPr"))
        rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if rfonts is None or rfonts.get(qn("w:eastAsia")) not in gb2312_only:
            continue
        pieces: list[tuple[bool, etree._Element]] = []
        for child in run:
            if child is rpr:
                continue
            text = (child.text or "") if child.tag == qn("w:t") else ""
            if not any(_rare(ch) for ch in text):
                pieces.append((False, child))
                continue
            for rare, chars in itertools.groupby(text, key=_rare):
                t = _el("w:t")
                t.text = "".join(chars)
                t.set(_XML_SPACE, "preserve")
                pieces.append((rare, t))
        if not any(rare for rare, _child in pieces):
            continue
        parent = run.getparent()
        at = parent.index(run)
        parent.remove(run)
        for rare, group in itertools.groupby(pieces, key=lambda piece: piece[0]):
            new_rpr = copy.deepcopy(rpr)
            if rare:
                new_rfonts = new_rpr.find(qn("w:rFonts"))
                new_rfonts.set(qn("w:eastAsia"), DOCX_RARE_FONT.east_asia)
            new_run = _el("w:r")
            new_run.append(new_rpr)
            new_run.extend(child for _rare, child in group)
            parent.insert(at, new_run)
            at += 1


def _row_lines(row: Sequence[object]) -> int:
    """Lines of a table row whose cells are already broken into lines (``\n``), as registers are."""
    return max((str(cell).count("\n") + 1 for cell in row if cell), default=1)


def _asian(ch: str) -> bool:
    """A character LibreOffice lays out as Asian script (CJK ideographs, kana, hangul, full-width forms)."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


def _script_change(a: str, b: str) -> bool:
    """Whether LibreOffice puts its gap between ``a`` and ``b``: two letters or digits, one Chinese."""
    return a.isalnum() and b.isalnum() and _asian(a) != _asian(b)


def _join_scripts(tc: etree._Element) -> None:
    """No gap between Chinese and Latin letters or digits in a register cell, in LibreOffice too.

    LibreOffice ignores ``w:autoSpaceDE``/``w:autoSpaceDN`` when it opens a DOCX (its import drops them,
    7.4 and later) and adds a fifth of the font size where the script changes between two letters or
    digits (「第0064号」: two gaps) — but only between two letters or digits: a U+2060 WORD JOINER there
    (no glyph, no width; it takes the script of the letter before it) leaves no gap.  A register cell
    holds the lines the app has already broken to fit, so no break is lost by joining: in Word and WPS,
    which honour the switches, nothing changes, and in LibreOffice the lines fit as in the PDF
    (「(2026)冀1091执1123号」, 「鹏道88号3号楼」 wrapped there, and the 发函登记簿 took a third page).
    Runs of the same paragraph are read as one text (a token has a run of its own); a line break ends
    a line."""
    for p in tc.iter(qn("w:p")):
        prev = ""
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")):
            if node.tag != qn("w:t"):
                prev = ""
                continue
            text = node.text or ""
            if not text:
                continue
            out: list[str] = []
            for ch in text:
                if prev and _script_change(prev, ch):
                    out.append(WORD_JOINER)
                out.append(ch)
                prev = ch
            node.text = "".join(out)


def _ppr(align: str = "left", line: float | None = None, first_line: float = 0.0,
         tabs: Sequence[tuple[str, float, str]] = (), ind_left: float = 0.0, ind_right: float = 0.0,
         keep_next: bool = False, snap: bool = True, hanging: float = 0.0) -> etree._Element:
    """Paragraph properties in schema order: keepNext, tabs, overflowPunct, autoSpaceDE, autoSpaceDN,
    snapToGrid, spacing, ind, jc.  ``overflowPunct`` is off: punctuation never hangs past the margin
    (Word's 允许标点溢出边界, LibreOffice's hanging punctuation); Word and LibreOffice squeeze or move it
    instead, as the PDF does.  ``autoSpaceDE``/``autoSpaceDN`` are off too (see :func:`_no_auto_space`).  ``hanging`` is a hanging indent (``ind_left`` is then where the continuation lines start).

    ``snap=False`` for paragraphs whose height is not whole grid lines (spacers, table cells):
    LibreOffice would otherwise round them up to a grid line."""
    ppr = _el("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    if tabs:
        tabs_el = _el("w:tabs")
        for kind, pos, leader in tabs:
            tab = _el("w:tab", val=kind, pos=_twips(pos))
            if leader != "none":
                tab.set(qn("w:leader"), leader)
            tabs_el.append(tab)
        ppr.append(tabs_el)
    ppr.append(_el("w:overflowPunct", val="0"))
    _no_auto_space(ppr)
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    spacing = _el("w:spacing", before="0", after="0")
    if line is not None:
        spacing.set(qn("w:line"), _twips(line))
        spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    if first_line or ind_left or ind_right or hanging:
        ind = _el("w:ind")
        if ind_left:
            ind.set(qn("w:left"), _twips(ind_left))
        if ind_right:
            ind.set(qn("w:right"), _twips(ind_right))
        if hanging:
            ind.set(qn("w:hanging"), _twips(hanging))
        elif first_line:
            ind.set(qn("w:firstLine"), _twips(first_line))
        ppr.append(ind)
    ppr.append(_el("w:jc", val=_JC.get(align, "left")))
    return ppr


def _no_auto_space(ppr: etree._Element) -> None:
    """No extra gap between Chinese and Latin letters or digits (Word's 自动调整中文与西文/数字的间距,
    on by default in Word, WPS and LibreOffice): the PDF sets none, and with it every 「第12号」 or
    「2024年」 is a quarter character wider — register cells wrap and the seal register gains a page."""
    ppr.append(_el("w:autoSpaceDE", val="0"))
    ppr.append(_el("w:autoSpaceDN", val="0"))


def _keep_with_next(tr: etree._Element) -> None:
    """Keep a table row on the page of the row after it (Word, WPS and LibreOffice keep rows together
    by ``w:keepNext`` on the row's paragraphs)."""
    for ppr in tr.iter(qn("w:pPr")):
        if ppr.find(qn("w:keepNext")) is None:
            ppr.insert(0, _el("w:keepNext"))


class _Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.g: PageGeometry = page_geometry(doc.page)
        self.d: DocxDocument = docx.Document()
        self.body = self.d.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        self._break_pending = False
        self._part_sections: list[etree._Element] = []  # the sectPr ending each part but the last
        self._part_open = False  # the current part has content
        self._register_cells: list[etree._Element] = []  # cells of registers: their lines are laid out

    # --- document setup -----------------------------------------------------------------------------
    def setup(self) -> None:
        self._styles()
        self._font_table()
        self._section()
        self.d.core_properties.title = self.doc.title
        self.d.core_properties.author = "CourtDesk"

    def _styles(self) -> None:
        styles = self.d.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, _FACES.get()["body"])
        for tag in ("w:sz", "w:szCs"):
            node = rpr.find(qn(tag))
            if node is not None:
                node.set(qn("w:val"), str(round(self.g.body_size * 2)))
        lang = rpr.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr.find(qn("w:spacing"))
        spacing.addprevious(_el("w:overflowPunct", val="0"))  # no punctuation past the margin
        spacing.addprevious(_el("w:autoSpaceDE", val="0"))  # no gap between Chinese and Latin/digits
        spacing.addprevious(_el("w:autoSpaceDN", val="0"))
        spacing.attrib.clear()
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), _twips(self.g.line_height(self.g.body_size)))
        spacing.set(qn("w:lineRule"), "exact")
        for rfonts in styles.iter(qn("w:rFonts")):  # no style may bring a theme font back
            for attr in _THEME_ATTRS:
                rfonts.attrib.pop(qn(attr), None)
        # The template's Word-2010 duplicate of the styles is full of theme fonts: drop it.
        for rel_id, rel in list(self.d.part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects"):
                self.d.part.drop_rel(rel_id)

    def _font_table(self) -> None:
        part = next((rel.target_part for rel in self.d.part.rels.values()
                     if rel.reltype.endswith("/fontTable")), None)
        if part is None:
            return
        root = etree.fromstring(part.blob)
        names = {font.get(qn("w:name")) for font in root.findall(qn("w:font"))}
        for spec in (*_FACES.get().values(), DOCX_RARE_FONT):
            if spec.east_asia in names:
                continue
            font = _el("w:font", name=spec.east_asia)
            font.append(_el("w:altName", val=",".join(spec.alternates)))
            font.append(_el("w:charset", val="86"))  # GB2312
            font.append(_el("w:family", val=spec.family))
            font.append(_el("w:pitch", val="variable"))
            root.append(font)
            names.add(spec.east_asia)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _section(self) -> None:
        g, setup = self.g, self.doc.page
        section = self.d.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE if setup.orientation == "landscape" else WD_ORIENT.PORTRAIT
        section.page_width = Twips(round(g.width * 20))
        section.page_height = Twips(round(g.height * 20))
        section.top_margin = Mm(setup.top_mm)
        section.bottom_margin = Mm(setup.bottom_mm)
        section.left_margin = Mm(setup.left_mm)
        section.right_margin = Mm(setup.right_mm)
        section.header_distance = Mm(max(5.0, setup.top_mm - 12))
        # the per-page signature lines sit in the footer, above the page number, inside the bottom
        # margin as in the PDF: the footer starts that much lower, so the body keeps its whole frame
        section.footer_distance = Twips(round(max(mm(5.0), mm(setup.bottom_mm - 12) - self._band_height()) * 20))
        grid = self.sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = _el("w:docGrid")
            self.sect_pr.append(grid)
        grid.attrib.clear()
        if g.gridded:
            grid.set(qn("w:type"), "lines")
            grid.set(qn("w:linePitch"), str(g.docx_line_pitch_twips))
        else:
            grid.set(qn("w:linePitch"), _twips(g.line_pitch))

    # --- page furniture: header, footer, per-page signatures, parts -----------------------------------
    def _band_height(self) -> float:
        """Height of the per-page signature lines (points), as the PDF reserves it."""
        return sum(self.g.line_height(line.size or self.g.body_size) for line in self.doc.page_signature)

    def _end_part(self) -> None:
        """End the current part with a section break (next page): the next part's pages are numbered
        from 1 (``w:pgNumType``) and count on their own (``SECTIONPAGES``)."""
        if not self._part_open:
            return
        self._part_open = False
        sect_pr = copy.deepcopy(self.sect_pr)  # the page setup, no header or footer yet
        last = self.sect_pr.getprevious()
        if last is None or last.tag != qn("w:p") or last.find(qn("w:pPr")) is None:
            last = _el("w:p")  # after a table: a 1 pt paragraph carries the break
            last.append(_ppr("left", 1.0, snap=False))
            self.sect_pr.addprevious(last)
        last.find(qn("w:pPr")).append(sect_pr)
        self._part_sections.append(sect_pr)

    def _furniture(self) -> None:
        """Header and footer of every part (section): the continuation header after a part's first
        page (``w:titlePg``: the first page has its own header), 「第 x 页 共 y 页」 in the footer of a
        part the PDF lays out on more than one page, and the per-page signature lines above it."""
        from docx.section import Section

        doc = self.doc
        sections = [*self._part_sections, self.sect_pr]
        counts: list[int] = []
        if doc.numbered or doc.page_signature:  # (a register numbers itself: not laid out twice)
            from courtdesk.kernel.documents.pdf_renderer import part_pages

            counts = part_pages(doc, _LAYOUT_FONTS.get())
            if len(counts) != len(sections):  # cannot happen; number every part rather than none
                counts = [2] * len(sections)
        pages = counts or [1] * len(sections)
        footers = [self._footer_template(count) for count in pages]
        any_footer = any(footers) or bool(doc.page_signature)
        any_header = bool(doc.header or doc.continuation or doc.stamp)
        for index, sect_pr in enumerate(sections):
            section = Section(sect_pr, self.d.part)
            if index:
                self._restart_numbers(sect_pr)
            if doc.continuation:  # the first page of each part has its own header (and so footer)
                section.different_first_page_header_footer = True
                self._fill_header(section.first_page_header, doc.header)
                self._fill_footer(section.first_page_footer, footers[index], pages[index])
            if any_header:
                self._fill_header(section.header, doc.continuation or doc.header)
            if any_footer:
                self._fill_footer(section.footer, footers[index], pages[index])

    def _footer_template(self, pages: int) -> str:
        """The footer text with ``{page}``/``{pages}`` left for the fields."""
        doc = self.doc
        if doc.numbered and pages > 1:
            from courtdesk.kernel.documents.model import PAGE_X_OF_Y

            return f"{doc.footer}　{PAGE_X_OF_Y}" if doc.footer else PAGE_X_OF_Y
        return doc.footer

    @staticmethod
    def _restart_numbers(sect_pr: etree._Element) -> None:
        num = _el("w:pgNumType", start="1")
        for tag in ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings"):
            after = sect_pr.find(qn(tag))
            if after is not None:
                after.addprevious(num)
                return
        sect_pr.append(num)

    def _furniture_paragraph(self, part: object, text: str, role: str = "body", pages: int = 1) -> None:
        """``text`` centred in a header or footer, ``{page}``/``{pages}`` as fields.  The page count's
        field carries the part's count as the PDF lays it out as its result: Word recomputes
        ``SECTIONPAGES``, LibreOffice (7.4) shows the stored result."""
        size = min(14.0, self.g.body_size)
        p = part.paragraphs[0]._p  # type: ignore[attr-defined]
        for old in p.findall(qn("w:pPr")):
            p.remove(old)
        p.insert(0, _ppr("center", line=size * 1.5, snap=False))
        rpr = _rpr(role, size, bold=role == "title")
        pages_field = " SECTIONPAGES " if self._part_sections else " NUMPAGES "
        for piece in _FIELD.split(text):
            if piece in ("{page}", "{pages}"):
                field = _el("w:fldSimple", instr=" PAGE " if piece == "{page}" else pages_field)
                field.append(_run("1" if piece == "{page}" else str(pages), rpr))
                p.append(field)
            elif piece:
                p.append(_run(piece, rpr))

    def _fill_header(self, header: object, text: str) -> None:
        header.is_linked_to_previous = False  # type: ignore[attr-defined]
        if text:
            continuation = bool(self.doc.continuation) and text == self.doc.continuation
            self._furniture_paragraph(header, text, "title" if continuation else "body")
        if self.doc.stamp:
            header.paragraphs[0]._p.extend(_stamp_runs(self.doc.stamp, self.g))  # type: ignore[attr-defined]

    def _fill_footer(self, footer: object, text: str, pages: int = 1) -> None:
        footer.is_linked_to_previous = False  # type: ignore[attr-defined]
        if text:
            self._furniture_paragraph(footer, text, pages=pages)
        first = footer.paragraphs[0]._p  # type: ignore[attr-defined]
        if pages < 2:  # one page: its closing signatures are the page's (see Document.page_signature)
            return
        for line in self.doc.page_signature:  # above the page number, in the band the margin leaves
            for part in self._signature_ps(line, footer=True):
                first.addprevious(part)

    # --- blocks -------------------------------------------------------------------------------------
    def _add(self, element: etree._Element) -> etree._Element:
        if self._break_pending:
            self._break_pending = False
            ppr = element.find(qn("w:pPr")) if element.tag == qn("w:p") else None
            if ppr is not None:
                # "page break before" on the next paragraph: Word, WPS and LibreOffice agree on it
                keep = ppr.find(qn("w:keepNext"))
                ppr.insert(0 if keep is None else 1, _el("w:pageBreakBefore"))
            else:
                self._break_paragraph()
        self.sect_pr.addprevious(element)
        return element

    def _break_paragraph(self) -> None:
        # before a table: a 1 pt paragraph holding the break, so nothing visible starts the next page
        p = _el("w:p")
        p.append(_ppr("left", 1.0, snap=False))
        run = _el("w:r")
        run.append(_rpr("body", 1.0))
        run.append(_el("w:br", type="page"))
        p.append(run)
        self.sect_pr.addprevious(p)

    def paragraph(self, text: str, role: str, size: float, align: str = "left", indent: bool = False,
                  bold: bool = False, keep_next: bool = False, hang: int = 0) -> etree._Element:
        g = self.g
        first_line = 2 * (size + g.char_space(size)) if indent else 0.0
        p = _el("w:p")
        if hang:  # a numbered item: a tab after its label reaches the hanging indent, where every line starts
            pitch = size + g.char_space(size)
            label = sum(0.5 * size + g.char_space(size) if ch.isascii() else pitch for ch in text[:hang])
            label += 0.1 * size  # some room for a wider digit: the tab must not pass the indent
            p.append(_ppr(align, g.line_height(size), keep_next=keep_next, ind_left=first_line + label,
                          hanging=label))
            text = text[:hang] + "\t" + text[hang:]
        else:
            p.append(_ppr(align, g.line_height(size), first_line, keep_next=keep_next))
        if text:
            p.append(_run(text, self._grid_rpr(role, size, bold)))
        return self._add(p)

    def _grid_rpr(self, role: str, size: float, bold: bool = False, underline: bool = False
                  ) -> etree._Element:
        """Run properties of running text, with the character spacing of the grid."""
        return _rpr(role, size, bold, underline, self.g.docx_spacing_twips(size))

    def spacer(self, height: float) -> None:
        p = _el("w:p")
        before = self.sect_pr.getprevious()
        kept = (before is not None and before.tag == qn("w:p") and before.find(qn("w:pPr")) is not None
                and before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None)
        # inside a kept run (a title and its first line, a body and its 落款) the spacer keeps too
        p.append(_ppr("left", max(1.0, height), snap=False, keep_next=kept))
        self._add(p)

    def page_break(self, new_part: bool = False) -> None:
        if new_part:  # the section break is the page break (none before the first content)
            self._end_part()
            self._break_pending = False
            return
        self._break_pending = True

    def _keep_previous(self) -> None:
        """The block about to be added keeps with the one before it (a closing block never starts a
        page alone): ``w:keepNext`` on the preceding paragraph, on the spacers between, or on the
        last row of a preceding table."""
        element = self.sect_pr.getprevious()
        while element is not None:
            if element.tag == qn("w:tbl"):
                rows = element.findall(qn("w:tr"))
                if rows:
                    _keep_with_next(rows[-1])
                return
            if element.tag != qn("w:p"):
                return
            ppr = element.find(qn("w:pPr"))
            if ppr is None or ppr.find(qn("w:sectPr")) is not None:
                return  # the start of the part
            if ppr.find(qn("w:keepNext")) is None:
                ppr.insert(0, _el("w:keepNext"))
            if ppr.find(qn("w:snapToGrid")) is None or element.find(qn("w:r")) is not None:
                return  # a paragraph with text: done (spacers are snap-free and empty)
            element = element.getprevious()

    def signature(self, block: SignatureLine) -> None:
        for p in self._signature_ps(block):
            self._add(p)

    def _signature_ps(self, block: SignatureLine, footer: bool = False) -> list[etree._Element]:
        """The paragraphs of a signature line: the signer's (centred over the date) when there is
        one, then the fields with the date — in the body, or in a page footer (``footer``)."""
        g = self.g
        out: list[etree._Element] = []
        size = block.size or g.body_size
        rpr = self._grid_rpr("body", size)
        space = g.char_space(size)
        pitch = size + space

        def width(text: str) -> float:  # estimated as the hanging indents are: Latin half a character
            return sum(0.5 * size + space if ch.isascii() else pitch for ch in text) - space if text else 0.0

        date_x, signer_x = closing_positions(g.frame_width, pitch, width(block.date), width(block.signer),
                                             block.date_right_chars)
        date_right = g.frame_width - date_x - width(block.date)  # 右空N字: a right indent or tab stop
        if block.signer:  # centred over the date: a centred paragraph on a band around the date's centre
            centre = signer_x + width(block.signer) / 2
            half = min(centre, g.frame_width - centre)
            p = _el("w:p")
            p.append(_ppr("center", g.line_height(size), keep_next=True, ind_left=centre - half,
                          ind_right=g.frame_width - centre - half))
            p.append(_run(block.signer, rpr))
            out.append(p)
        if block.date and not block.fields:
            p = _el("w:p")
            p.append(_ppr("right", g.line_height(size), ind_right=date_right, snap=not footer))
            p.append(_run(block.date, rpr))
            out.append(p)
            return out
        start, stops = self._signature_stops(block, size, date_room=date_right + width(block.date))
        tabs = [("left", pos, "none") for pos in stops]
        tabs += [("right", g.frame_width - date_right, "none")] if block.date else []
        p = _el("w:p")
        p.append(_ppr("left", g.line_height(size), tabs=tabs, ind_left=start, snap=not footer))
        for i, (label, value) in enumerate(block.fields):
            if i:
                p.append(_run("\t", rpr))  # the gap: to where the PDF starts the next label
            if label:
                p.append(_run(label, rpr))
            if value:
                p.append(_run(value, rpr))
            else:  # an underlined tab to where the PDF's rule ends
                p.append(_run("\t", self._grid_rpr("body", size, underline=True)))
        if block.date:
            p.append(_run("\t" + block.date, rpr))
        out.append(p)
        return out

    def _signature_stops(self, block: SignatureLine, size: float, date_room: float = 0.0
                         ) -> tuple[float, list[float]]:
        """Where a signature line starts (its left indent) and its tab stops: the end of each value or
        blank, then the start of the next label — the PDF's places (:func:`signature_layout`, widths
        estimated from the characters, as the hanging indents are).  Word and LibreOffice then break
        the line nowhere, as the PDF: with spaces for gaps and blanks they broke a line the PDF fits by
        closing its gaps and shrinking its blanks (报废申请表: 主管领导 went to a second page)."""
        g = self.g
        space = g.char_space(size)
        pitch = size + space

        def width(text: str) -> float:  # Latin half a character; no spacing after the last glyph
            return sum(0.5 * size + space if ch.isascii() else pitch for ch in text) - space if text else 0.0

        date_room = date_room if block.date else 0.0  # the date and the space after it (右空N字)
        parts, gap = signature_layout(
            [(width(label) + (space if label else 0.0), width(value) if value else None)
             for label, value in block.fields],
            pitch, block.blank_chars, g.frame_width, date_room)
        total = sum(label_w + value_w for label_w, value_w in parts) + gap * max(len(parts) - 1, 0)
        if block.align == "right":  # as the PDF: the fields end where the date's gap begins
            x = g.frame_width - total - (date_room + gap if block.date else 0.0)
        elif block.align == "center":
            x = (g.frame_width - total) / 2
        else:
            x = 0.0
        start, stops = max(x, 0.0), []
        for i, ((label, value), (label_w, value_w)) in enumerate(zip(block.fields, parts)):
            x += label_w + value_w
            if not value:
                stops.append(x)
            x += gap
            if i < len(parts) - 1:
                stops.append(x)
        return start, stops

    def tear_line(self, block: TearLine) -> None:
        g = self.g
        size = block.size or min(g.body_size, 14.0)
        left_out = g.left - mm(8)
        right_out = g.right - mm(8)
        tabs = [("center", g.frame_width / 2, "hyphen"), ("right", g.frame_width + right_out, "hyphen")]
        p = _el("w:p")
        p.append(_ppr("left", g.line_height(size), tabs=tabs, ind_left=-left_out,
                      ind_right=-right_out))
        p.append(_run(f"\t{block.text}\t", _rpr("body", size)))
        self._add(p)

    # --- tables -------------------------------------------------------------------------------------
    def _table(self, widths: list[float], borders: bool, align: str = "center") -> etree._Element:
        tbl = _el("w:tbl")
        tbl_pr = _el("w:tblPr")
        tbl_pr.append(_el("w:tblW", w=_twips(sum(widths)), type="dxa"))
        tbl_pr.append(_el("w:jc", val={"right": "right", "left": "left"}.get(align, "center")))
        borders_el = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            if borders:
                borders_el.append(_el(f"w:{side}", val="single", sz=str(_RULE_EIGHTHS), space="0",
                                      color="000000"))
            else:
                borders_el.append(_el(f"w:{side}", val="nil"))
        tbl_pr.append(borders_el)
        tbl_pr.append(_el("w:tblLayout", type="fixed"))
        # Word and LibreOffice stack a row's rule on top of its padding and lines; the PDF draws its
        # rules over the cell edges (a row is its lines and padding).  Half a rule less padding above
        # and below keeps a ruled row as tall as the PDF's: a 9 pt row 17.5 pt, not 18.
        pad_y = CELL_PAD_Y - (_RULE_EIGHTHS / 8 / 2 if borders else 0.0)
        margins = _el("w:tblCellMar")
        for side, pad in (("top", pad_y), ("left", CELL_PAD_X), ("bottom", pad_y), ("right", CELL_PAD_X)):
            margins.append(_el(f"w:{side}", w=_twips(pad), type="dxa"))
        tbl_pr.append(margins)
        tbl.append(tbl_pr)
        grid = _el("w:tblGrid")
        for width in widths:
            grid.append(_el("w:gridCol", w=_twips(width)))
        tbl.append(grid)
        return tbl

    def _row_template(self, widths: list[float], aligns: list[str], role: str, size: float,
                      min_height: float, header: bool, bold: bool = False) -> etree._Element:
        tr = _el("w:tr")
        tr_pr = _el("w:trPr")
        tr_pr.append(_el("w:cantSplit"))
        if min_height:
            tr_pr.append(_el("w:trHeight", val=_twips(min_height), hRule="atLeast"))
        if header:
            tr_pr.append(_el("w:tblHeader"))
        tr.append(tr_pr)
        for width, align in zip(widths, aligns):
            tc = _el("w:tc")
            tc_pr = _el("w:tcPr")
            tc_pr.append(_el("w:tcW", w=_twips(width), type="dxa"))
            tc_pr.append(_el("w:vAlign", val="center"))
            tc.append(tc_pr)
            p = _el("w:p")
            p.append(_ppr(align, self.g.cell_line_height(size), snap=False))
            p.append(_run("", _rpr(role, size, bold)))
            tc.append(p)
            tr.append(tc)
        return tr

    @staticmethod
    def _fill_row(template: etree._Element, cells: Sequence[object]) -> etree._Element:
        tr = copy.deepcopy(template)
        tcs = tr.findall(qn("w:tc"))
        values = ["" if value is None else str(value) for value in list(cells)[: len(tcs)]]
        values += [""] * (len(tcs) - len(values))
        for tc, text in zip(tcs, values):
            p = tc.find(qn("w:p"))
            run = p.find(qn("w:r"))
            if text:
                p.replace(run, _run(text, run.find(qn("w:rPr"))))
            else:
                p.remove(run)
        return tr

    def table(self, block: Table) -> None:
        g = self.g
        size = block.size or g.body_size
        columns: tuple[Column, ...] = block.columns
        total = sum(col.weight for col in columns) or 1.0
        widths = [g.frame_width * col.weight / total for col in columns]
        tbl = self._table(widths, block.borders)
        min_height = mm(block.min_row_height_mm)
        if block.header:
            header = self._row_template(widths, ["center"] * len(columns), block.role, size, 0.0, True,
                                        bold=True)
            tbl.append(self._fill_row(header, [col.header for col in columns]))
        template = self._row_template(widths, [col.align for col in columns], block.role, size,
                                      min_height, False)
        last: etree._Element | None = None
        for row in block.rows:
            tr = self._fill_row(template, list(row))
            if block.split_rows:  # a register: its cells hold the lines the PDF prints
                self._register_cells.extend(tr.findall(qn("w:tc")))
            if block.split_rows and _row_lines(row) >= 2 * MIN_SPLIT_LINES:  # may continue on the next page
                tr_pr = tr.find(qn("w:trPr"))
                tr_pr.remove(tr_pr.find(qn("w:cantSplit")))
            if block.keep_together and last is not None:
                _keep_with_next(last)
            tbl.append(tr)
            last = tr
        if block.keep_together and block.header and last is not None:
            _keep_with_next(tbl.findall(qn("w:tr"))[0])
        self._add(tbl)
        self.spacer(1.0)  # keeps a following table from merging with this one

    def box(self, block: Box) -> None:
        g = self.g
        size = block.size or g.body_size
        width = min(g.frame_width, mm(block.width_mm)) if block.width_mm else g.frame_width
        tbl = self._table([width], block.border, block.align)
        row = self._row_template([width], ["center"], block.role, size, 0.0, False)
        tr_pr = row.find(qn("w:trPr"))
        tr_pr.append(_el("w:trHeight", val=_twips(mm(block.height_mm)), hRule="exact"))
        tbl.append(self._fill_row(row, [block.caption]))
        self._add(tbl)
        self.spacer(1.0)

    def label_sheet(self, block: LabelSheet) -> None:
        """The labels as a table: two cells a label (the QR code as a PNG picture, the text lines), the
        line between them removed, rows exactly ``label_height_mm`` tall and never split."""
        import io

        g = self.g
        size = block.text_size
        width = g.frame_width / block.columns
        qr_w = mm(block.qr_mm) + 2 * CELL_PAD_X
        widths = [qr_w, width - qr_w] * block.columns
        tbl = self._table(widths, True)
        for row in block.rows():
            tr = _el("w:tr")
            tr_pr = _el("w:trPr")
            tr_pr.append(_el("w:cantSplit"))
            tr_pr.append(_el("w:trHeight", val=_twips(mm(block.label_height_mm)), hRule="exact"))
            tr.append(tr_pr)
            for col in range(block.columns):
                label = row[col] if col < len(row) else None
                for part, cell_w in (("qr", qr_w), ("text", width - qr_w)):
                    tc = _el("w:tc")
                    tc_pr = _el("w:tcPr")
                    tc_pr.append(_el("w:tcW", w=_twips(cell_w), type="dxa"))
                    borders = _el("w:tcBorders")
                    borders.append(_el("w:right" if part == "qr" else "w:left", val="nil"))
                    tc_pr.append(borders)
                    tc_pr.append(_el("w:vAlign", val="center"))
                    tc.append(tc_pr)
                    if label is not None and part == "qr":
                        p = _el("w:p")
                        p.append(_ppr("center", None, snap=False))
                        inline = self.d.part.new_pic_inline(io.BytesIO(qr_png(label.code)),
                                                            Mm(block.qr_mm), Mm(block.qr_mm))
                        run = _el("w:r")
                        drawing = _el("w:drawing")
                        drawing.append(inline)
                        run.append(drawing)
                        p.append(run)
                        tc.append(p)
                    elif label is not None and label.lines:
                        for i, text in enumerate(label.lines):
                            p = _el("w:p")
                            p.append(_ppr("left", g.cell_line_height(size), snap=False))
                            p.append(_run(text, _rpr("hei" if i == 0 else block.role, size)))
                            tc.append(p)
                    else:
                        p = _el("w:p")
                        p.append(_ppr("left", None, snap=False))
                        tc.append(p)
                    tr.append(tc)
            tbl.append(tr)
        self._add(tbl)
        self.spacer(1.0)

    def write(self) -> DocxDocument:
        self.setup()
        g = self.g
        body = g.body_size
        for block in self.doc.blocks:
            if keeps_with_previous(block):
                self._keep_previous()
            if not isinstance(block, (PageBreak, Spacer)):
                self._part_open = True
            if isinstance(block, Title):
                for part in block.text.split("\n"):
                    self.paragraph(part, block.role, block.size, "center", keep_next=True)
            elif isinstance(block, Heading):
                self.paragraph(block.text, block.role, block.size or body, block.align, keep_next=True)
            elif isinstance(block, CaseNumberLine):
                self.paragraph(block.text, "body", block.size or body, block.align)
            elif isinstance(block, Paragraph):
                self.paragraph(block.text, block.role, block.size or body, block.align, block.indent,
                               block.bold, hang=block.hang)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, SignatureLine):
                self.signature(block)
            elif isinstance(block, Box):
                self.box(block)
            elif isinstance(block, TearLine):
                self.tear_line(block)
            elif isinstance(block, Spacer):
                self.spacer(block.lines * g.line_pitch)
            elif isinstance(block, PageBreak):
                self.page_break(block.new_part)
            elif isinstance(block, LabelSheet):
                self.label_sheet(block)
            else:  # pragma: no cover - the Block union is closed
                raise TypeError(f"unknown block {block!r}")
        _join_tokens(self.d.element.body, self.g.frame_width)
        for tc in self._register_cells:  # after the tokens: the joiners would hide a date from UNBREAKABLE
            _join_scripts(tc)
        self._furniture()
        _name_rare_characters(self.d.element.body)
        return self.d


def _check_printable(doc: Document, fonts: FontSet | None) -> None:
    """Refuse a document with a character no font can print (as the PDF renderer does)."""
    texts = [*document_text_lines(doc), doc.header, doc.footer, doc.stamp, doc.title]
    check_printable("".join(texts), "文书内容", fonts)


def render_docx(doc: Document, target: Target, *, fonts: FontSet | None = None) -> None:
    """Render ``doc`` to a DOCX file path or binary stream, naming the faces of ``fonts`` (the PDF's:
    a configured font's family for its role; default: the official names, :data:`DOCX_FONTS`)."""
    _check_printable(doc, fonts)
    token = _FACES.set(fonts.docx_fonts() if fonts is not None else DOCX_FONTS)
    layout = _LAYOUT_FONTS.set(fonts)
    try:
        _Writer(doc).write().save(target)  # type: ignore[arg-type]
    finally:
        _FACES.reset(token)
        _LAYOUT_FONTS.reset(layout)
