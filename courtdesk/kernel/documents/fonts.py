"""Fonts for the two renderers.

DOCX names the GB/T 9704 fonts a court PC has (仿宋_GB2312, 方正小标宋简体 …) and lets Word/WPS draw them.
PDF must embed its fonts, so it uses TrueType-outline files: a system font configured in the settings
(passed in here; the settings module owns where it comes from) when it loads, else the bundled
open-licence fonts in ``resources/fonts`` (see the README there).

reportlab does no font fallback: a character missing from a font prints as an empty box.  A
:class:`FontSet` therefore picks a font *per character* (:meth:`FontSet.pick`), using each font's cmap:

* printable ASCII (Latin letters, digits, ASCII punctuation and the space) is drawn in the Latin face,
  Liberation Serif (metric-compatible with the Times New Roman the DOCX names for ``w:ascii``), where
  ``l``, ``1`` and ``I`` differ — in the Chinese faces they look alike, which misreads WeChat IDs;
* everything else goes along the role's chain: the configured font, the role's bundled face, the
  Song face, then AR PL UMing (a Ming/Song serif with wide coverage: 喆 堃 珺 …), and only then the
  WenQuanYi sans (except for the 黑体 role, whose own face is that sans);
* a CJK ideograph none of them has (𠮷 U+20BB7 and the rest of Extensions A–F) comes from an
  *extension face* (:data:`EXTENSION_FACES`: HanaMinA/HanaMinB, then BabelStone Han when installed),
  found in ``resources/fonts`` or at its Debian path and loaded only when such a character is first
  met — parsing a 20–50 MB font is never paid for a document without one;
* a character no face has is refused (:func:`unprintable_message`): at the field by
  :func:`courtdesk.kernel.validation.text` and at render by both renderers — never printed as a gap.

Speed (issue 21).  A face is parsed once per process (:class:`CachedFace`: its tables are sliced out
of the file once, not on every subset), only when a document first needs a character of it (a letter
loads the Latin face, the Song face and — for 喆 — UMing; never Kai or WenQuanYi), and each subset it
embeds is built and compressed once and reused by every later document with the same characters (a
batch of letters embeds the same subsets chunk after chunk).  Every Flate stream is written at
:data:`FLATE_LEVEL` (chosen by measurement, see there).

reportlab cannot load CFF-outline fonts (Noto/Source Han OTF) and its built-in ``STSong-Light`` and
Type 1 standard fonts (Times, Helvetica) are never embedded, so none of them is used.
"""

from __future__ import annotations

import logging
import os
import struct
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace  # type: ignore[import-untyped]

from courtdesk.kernel.charsets import surely_printable
from courtdesk.kernel.documents.model import FontRole
from courtdesk.kernel.errors import ValidationError

log = logging.getLogger(__name__)

_reportlab_tounicode = ttfonts.makeToUnicodeCMap


def _tounicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP (𠮷 U+20BB7 …) written as UTF-16
    surrogate pairs (``<D842DFB7>``) as the PDF reference wants: reportlab writes ``<20BB7>``, which
    readers reject, so the character would be missing from the PDF's text (search, copy, pdftotext)."""
    cmap = _reportlab_tounicode(fontname, subset)
    for i, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{i:02X}> <{code:04X}>", f"<{i:02X}> <{utf16}>", 1)
    return cmap


ttfonts.makeToUnicodeCMap = _tounicode_cmap

#: The zlib level of every Flate stream in our PDFs (page content, ToUnicode CMaps, font subsets).
#: zlib's default (6) cost ≈7 ms of a ≈20 ms letter; measured on the 3-page investigation letter's 11
#: streams (136 KB compressed at level 6): level 1 is 2.2× faster but 10 % larger, level 3 is 1.6×
#: faster and 4 % larger, level 9 is no smaller than 6 for its time.  Level 3 keeps the file within
#: the 10 % the issue allows with room to spare; and a subset is compressed once per process anyway
#: (:class:`CachedFace`), so later documents pay only for their page streams.
FLATE_LEVEL = 3


class _Flate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """reportlab's FlateDecode filter at :data:`FLATE_LEVEL` instead of zlib's default."""

    def encode(self, text: str | bytes) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")
        return zlib.compress(text, FLATE_LEVEL)


#: reportlab looks its one Flate filter up as ``pdfdoc.PDFZCompress`` when it writes a stream
#: (pages and ToUnicode CMaps), so replacing it sets the level for all of them.
pdfdoc.PDFZCompress = _Flate()
#: reportlab also wraps page streams in ASCII85 by default (a 7-bit-safe file, a quarter larger and
#: slower to write and to read); a PDF is a binary file everywhere it goes here.
rl_config.useA85 = 0


class _Deflated:
    """A stream filter whose output is already known: a cached, compressed font subset."""

    pdfname = "FlateDecode"

    def __init__(self, data: bytes) -> None:
        self.data = data

    def encode(self, _content: object) -> bytes:
        return self.data


class _Slices:
    """A table read by slices without copying it whole (the ``glyf`` table is most of a CJK font:
    reportlab's ``get_table`` copied its megabytes out of the file for every subset)."""

    __slots__ = ("_view",)

    def __init__(self, view: memoryview) -> None:
        self._view = view

    def __getitem__(self, key: slice) -> bytes:
        return self._view[key].tobytes()

    def __len__(self) -> int:
        return len(self._view)


#: How many times each font file (path, face index) was parsed in this process: tests assert once.
PARSES: Counter[tuple[str, int]] = Counter()
#: How many font subsets were built (and compressed) in this process, per (path, face index).
SUBSET_BUILDS: Counter[tuple[str, int]] = Counter()
#: Subsets kept per face (each a compressed font program of 5–150 KB).
SUBSET_CACHE_SIZE = 32


# --- what parsing a face found, kept on disk between processes -----------------------------------------
#
# reportlab's ``extractInfo`` walks a face's cmap and metrics in Python: ≈70 ms for the Song face and
# ≈170 ms for AR PL UMing (24,000 characters), paid by every cold ``render`` that needs them (issue 21).
# Its result — plain numbers, the character → glyph map, widths and glyph positions — is written once
# to the user's cache folder with :mod:`marshal` (plain data only: loading it runs no code), keyed by
# the file's path, size and modification time, the face index and reportlab's version, and read back
# in a few milliseconds.  Anything wrong with a cache file (missing, truncated, of another font or
# version, unwritable folder) only means the face is parsed as before.

#: The face attributes ``extractInfo`` sets that are kept (``_pdfScale``, a function, is rebuilt).
_INFO_FIELDS = ("ascent", "descent", "fontRevision", "unitsPerEm", "bbox", "capHeight", "stemV", "italicAngle",
                "underlinePosition", "underlineThickness", "flags", "numGlyphs", "_full_font", "charToGlyph",
                "glyphToChar", "charWidths", "hmetrics", "defaultWidth", "glyphPos")
#: The name attributes (reportlab's ``TTFNameBytes``: bytes with a ``ustr``), kept as (bytes, str).
_NAME_FIELDS = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_INFO_FORMAT = 1
#: Environment variable naming the folder of the cache ("" or "off": no cache).
FACE_CACHE_ENV = "COURTDESK_FONT_CACHE"
#: How many faces were read from the cache (not parsed) in this process.
CACHE_HITS: Counter[tuple[str, int]] = Counter()


def face_cache_dir() -> Path | None:
    """Where parsed faces are kept: ``COURTDESK_FONT_CACHE``, else the user's cache folder."""
    configured = os.environ.get(FACE_CACHE_ENV)
    if configured is not None:
        return None if configured.strip() in ("", "off") else Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("CourtDesk", appauthor=False)) / "fonts"


def _info_identity(filename: str, subfont_index: int) -> tuple[Path, list[object]] | None:
    folder = face_cache_dir()
    if folder is None:
        return None
    import hashlib

    from reportlab import Version as reportlab_version  # type: ignore[import-untyped]

    stat = os.stat(filename)
    identity: list[object] = [_INFO_FORMAT, str(Path(filename).resolve()), subfont_index, stat.st_size,
                              stat.st_mtime_ns, reportlab_version]
    digest = hashlib.sha256(repr(identity).encode("utf-8")).hexdigest()[:24]
    return folder / f"{Path(filename).stem}-{digest}.face", identity


def _read_info(filename: str, subfont_index: int) -> dict[str, object] | None:
    import marshal

    try:
        where = _info_identity(filename, subfont_index)
        if where is None:
            return None
        path, identity = where
        stored = marshal.loads(path.read_bytes())
        if not isinstance(stored, dict) or stored.get("identity") != identity:
            return None
        info = stored["info"]
        names = stored["names"]
        if set(info) != set(_INFO_FIELDS) or set(names) != set(_NAME_FIELDS):
            return None
        if len(info["hmetrics"]) != info["numGlyphs"] or len(info["glyphPos"]) != info["numGlyphs"] + 1:
            return None
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None
    restored = dict(info)
    for field, (raw, text) in names.items():
        value = ttfonts.TTFNameBytes(raw)
        value.ustr = text
        restored[field] = value
    return restored


def _write_info(filename: str, subfont_index: int, face: object) -> None:
    import marshal
    import tempfile

    try:
        where = _info_identity(filename, subfont_index)
        if where is None:
            return
        path, identity = where
        data = marshal.dumps({
            "identity": identity,
            "info": {field: getattr(face, field) for field in _INFO_FIELDS},
            "names": {field: (bytes(getattr(face, field)), getattr(face, field).ustr) for field in _NAME_FIELDS},
        })
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".part", delete=False) as part:
            part.write(data)
        os.replace(part.name, path)  # whole or not at all, whoever else writes it at the same time
    except (OSError, ValueError, AttributeError) as exc:
        log.info("font cache not written for %s: %s", filename, exc)


class CachedFace(TTFontFace):  # type: ignore[misc]
    """reportlab's TrueType face, parsed once and kept: its tables are read from the file once
    (``glyf`` as a view, not a copy) and each subset it embeds is built and compressed once, then
    reused by any later document of the process that needs the same characters in the same order
    (:data:`SUBSET_CACHE_SIZE` per face, least recently used dropped)."""

    def __init__(self, filename: str, subfont_index: int = 0) -> None:
        self._tables: dict[str, object] = {}
        self._subset_streams: OrderedDict[tuple[int, ...], tuple[int, bytes]] = OrderedDict()
        self._subset_lock = threading.Lock()
        self._key = (str(filename), subfont_index)
        PARSES[self._key] += 1
        pdfmetrics.TypeFace.__init__(self, None)  # what TTFontFace.__init__ does, with the cache between
        ttfonts.TTFontParser.__init__(self, filename, validate=0, subfontIndex=subfont_index)  # the table directory
        info = _read_info(filename, subfont_index)
        if info is None:
            self.extractInfo(1)
            _write_info(filename, subfont_index, self)
        else:
            CACHE_HITS[self._key] += 1
            self.__dict__.update(info)
            scale = 1000 / self.unitsPerEm
            self._pdfScale = (lambda x: x) if self.unitsPerEm == 1000 else (lambda x: x * scale)

    def get_table(self, tag: str) -> object:
        table = self._tables.get(tag)
        if table is None:
            pos, length = self.get_table_pos(tag)
            if tag == "glyf":
                table = _Slices(memoryview(self._ttf_data)[pos:pos + length])
            else:
                table = bytes(self._ttf_data[pos:pos + length])
            self._tables[tag] = table
        return table

    def subset_stream(self, subset: list[int]) -> tuple[int, bytes]:
        """The subset's font program: its length and its Flate-compressed bytes (cached)."""
        key = tuple(subset)
        with self._subset_lock:
            hit = self._subset_streams.get(key)
            if hit is not None:
                self._subset_streams.move_to_end(key)
                return hit
            # reportlab's parser reads through a cursor (seek/read), so one subset at a time
            program = self.makeSubset(subset)
            SUBSET_BUILDS[self._key] += 1
            hit = (len(program), zlib.compress(program, FLATE_LEVEL))
            self._subset_streams[key] = hit
            if len(self._subset_streams) > SUBSET_CACHE_SIZE:
                self._subset_streams.popitem(last=False)
            return hit

    def addSubsetObjects(self, doc: object, fontname: str, subset: list[int]) -> object:  # noqa: N802
        """reportlab's method (5.x), with the font program taken from :meth:`subset_stream`."""
        font_file = pdfdoc.PDFStream()
        if doc.compression:  # type: ignore[attr-defined]
            length, deflated = self.subset_stream(subset)
            font_file.content = b""
            font_file.filters = [_Deflated(deflated)]
        else:
            font_file.content = self.makeSubset(subset)
            length = len(font_file.content)
        font_file.dictionary["Length1"] = length
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")  # type: ignore[attr-defined]
        flags = (self.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor",
            "Ascent": self.ascent,
            "CapHeight": self.capHeight,
            "Descent": self.descent,
            "Flags": flags,
            "FontBBox": pdfdoc.PDFArray(self.bbox),
            "FontName": pdfdoc.PDFName(fontname),
            "ItalicAngle": self.italicAngle,
            "StemV": self.stemV,
            "FontFile2": font_file_ref,
            "MissingWidth": self.defaultWidth,
        })
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)  # type: ignore[attr-defined]


class EmbeddedFont(TTFont):  # type: ignore[misc]
    """reportlab's ``TTFont`` over a :class:`CachedFace` (what ``TTFont.__init__`` does, with the face
    class swapped).  ``ascii_readable=False`` (the CJK faces, which never draw ASCII: that is the Latin
    face's) lets each subset hold 255 characters instead of reserving 95 codes for ASCII, so a
    document embeds fewer subsets of them."""

    def __init__(self, name: str, filename: str, subfont_index: int = 0, *, ascii_readable: bool = True) -> None:
        from weakref import WeakKeyDictionary

        self.fontName = name
        self.face = CachedFace(filename, subfont_index)
        self.encoding = TTEncoding()
        self.state: WeakKeyDictionary[object, object] = WeakKeyDictionary()
        self._asciiReadable = ascii_readable
        self.shapable = not any(fnmatch(name, glob) for glob in getattr(ttfonts, "unShapedFontGlob", ()))

ROLES: tuple[FontRole, ...] = ("body", "title", "kai", "hei")


@dataclass(frozen=True)
class DocxFont:
    """The font a DOCX names for a role: ``east_asia`` goes to ``w:eastAsia``, ``latin`` to
    ``w:ascii``/``w:hAnsi``; ``alternates`` go to the font table (``w:altName``) so Word/WPS can
    substitute when the official font is not installed."""

    east_asia: str
    latin: str
    alternates: tuple[str, ...]
    family: str  # w:family: roman / modern / swiss / script
    #: The east-Asian font holds GB2312 only (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体): characters
    #: outside it (喆 堃 珺 …) get a run naming :data:`DOCX_RARE_FONT`, a Song face, as the PDF does.
    gb2312_only: bool = True


DOCX_FONTS: dict[str, DocxFont] = {
    "body": DocxFont("仿宋_GB2312", "Times New Roman", ("仿宋", "FangSong", "华文仿宋"), "modern"),
    "title": DocxFont("方正小标宋简体", "Times New Roman", ("方正小标宋_GBK", "华文中宋", "宋体", "SimSun"),
                      "script"),
    "kai": DocxFont("楷体_GB2312", "Times New Roman", ("楷体", "KaiTi", "华文楷体"), "modern"),
    "hei": DocxFont("黑体", "Times New Roman", ("SimHei", "华文黑体", "Microsoft YaHei"), "modern",
                    gb2312_only=False),
}
#: For characters outside GB2312 in the GB2312-only roles: 宋体 (SimSun, GBK, on every Windows PC),
#: else AR PL UMing, the serif the PDF uses for them (fontconfig also maps 宋体 to a serif).
DOCX_RARE_FONT = DocxFont("宋体", "Times New Roman", ("SimSun", "AR PL UMing CN", "AR PL UMing"), "modern")


def outside_gb2312(ch: str) -> bool:
    """A non-ASCII character that a GB2312-only font (仿宋_GB2312 …) cannot draw."""
    if ord(ch) < 0x80:
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


@dataclass(frozen=True)
class BundledFont:
    file: str
    subfont_index: int
    label: str


#: The bundled faces (resources/fonts).  Song for body and title, Kai for 楷体, WQY Micro Hei for 黑体;
#: the AR PL Sungti/Kaiti faces cover GB2312 only, so rarer name characters (喆 堃 珺 昇 …) come from
#: AR PL UMing CN (a serif, face 0 of uming.ttc), and WQY Micro Hei only where UMing lacks them too.
#: Printable ASCII is drawn in Liberation Serif (see :data:`LATIN`).
BUNDLED: dict[str, BundledFont] = {
    "song": BundledFont("gbsn00lp.ttf", 0, "AR PL SungtiL GB"),
    "kai": BundledFont("gkai00mp.ttf", 0, "AR PL KaitiM GB"),
    "ming": BundledFont("uming.ttc", 0, "AR PL UMing CN"),
    "hei": BundledFont("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    "latin": BundledFont("LiberationSerif-Regular.ttf", 0, "Liberation Serif"),
}
_ROLE_CHAIN: dict[str, tuple[str, ...]] = {
    "body": ("song", "ming", "hei"),
    "title": ("song", "ming", "hei"),
    "kai": ("kai", "song", "ming", "hei"),
    "hei": ("hei", "song", "ming"),
}
#: The bundled face drawing printable ASCII (U+0020–U+007E) in every role, before the role's chain.
LATIN = "latin"

#: CJK ideographs and what goes with them (radicals, strokes, ideographic description, compatibility
#: ideographs, planes 2 and 3: Extensions B–H).  Only a character here that no regular face has makes
#: an extension face load; anything else missing (an emoji, a hieroglyph) is refused without loading.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF), (0x2FF0, 0x2FFF), (0x31C0, 0x31EF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)
_BMP_CJK = tuple(r for r in _CJK_RANGES if r[1] <= 0xFFFF)
_PLANE_2 = ((0x20000, 0x2FFFF),)


@dataclass(frozen=True)
class ExtensionFace:
    """A big face for the CJK extensions, used only for ideographs no regular face has.

    Looked for as ``file`` in the bundled fonts directory (``resources/fonts``, or
    ``COURTDESK_FONTS_DIR``: the offline bundle copies it there), then in ``system_dir`` (where
    Debian's ``package`` installs it).  ``ranges``: the code points it is consulted (and loaded) for."""

    file: str
    label: str
    package: str
    system_dir: str
    ranges: tuple[tuple[int, int], ...]

    def candidates(self, bundled_dir: Path) -> tuple[Path, ...]:
        return (bundled_dir / self.file, Path(self.system_dir) / self.file)


#: In order: HanaMinA (BMP: Ext A complete, URO, compatibility ideographs), HanaMinB (plane 2: Ext B–F
#: complete), then BabelStone Han (mainland forms, part of Ext G/H; only if a court installs it).
#: See resources/fonts/README.md for the choice and the licences.
EXTENSION_FACES: tuple[ExtensionFace, ...] = (
    ExtensionFace("HanaMinA.ttf", "HanaMinA", "fonts-hanazono", "/usr/share/fonts/truetype/hanazono", _BMP_CJK),
    ExtensionFace("HanaMinB.ttf", "HanaMinB", "fonts-hanazono", "/usr/share/fonts/truetype/hanazono", _PLANE_2),
    ExtensionFace("BabelStoneHan.ttf", "BabelStone Han", "fonts-babelstone-han",
                  "/usr/share/fonts/truetype/babelstone", _CJK_RANGES),
)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


UNPRINTABLE_RULE = "无法打印"


def unprintable_message(chars: str, label: str = "") -> str:
    """「「𓀀」无法打印：没有包含此字的字体，…」, each character named with its code point, after
    ``label：`` when given."""
    named = "、".join(f"「{ch}」（U+{ord(ch):04X}）" for ch in chars)
    message = f"{named}无法打印：没有包含此字的字体，请在系统设置中配置字体或改用通用字"
    return f"{label}：{message}" if label else message


def unprintable(text: str, fonts: FontSet | None = None, role: str = "body") -> str:
    """The characters of ``text`` that no face can print (as :meth:`FontSet.missing`), with a fast
    path: text of ASCII and GBK characters only loads no font at all."""
    if all(surely_printable(ch) for ch in text):
        return ""
    return (fonts or resolve_fonts()).missing(text, role)


def check_printable(text: str, label: str, fonts: FontSet | None = None) -> None:
    """Refuse ``text`` (field ``label``) when a character of it cannot be printed."""
    missing = unprintable(text, fonts)
    if missing:
        raise ValidationError(unprintable_message(missing, label), field=label, rule=UNPRINTABLE_RULE)


def is_latin(ch: str) -> bool:
    """Printable ASCII: drawn in the Latin face (letters, digits, ASCII punctuation, the space)."""
    return " " <= ch <= "~"


def bundled_fonts_dir() -> Path:
    """``resources/fonts`` of the source tree or of a PyInstaller bundle (``COURTDESK_FONTS_DIR`` overrides)."""
    from courtdesk.kernel.resources import fonts_dir

    return fonts_dir()


@dataclass(frozen=True)
class Face:
    name: str  # the name registered with reportlab
    path: Path
    subfont_index: int
    label: str
    bundled: bool


_registry_lock = threading.RLock()
_registered: dict[tuple[str, int], tuple[str, frozenset[int]]] = {}
_names: dict[tuple[str, int], str] = {}


def _face_name(path: Path, subfont_index: int) -> str:
    """The name a font file's face is (or will be) registered under with reportlab, without parsing it."""
    key = (str(path.resolve()), subfont_index)
    with _registry_lock:
        name = _names.get(key)
        if name is None:
            name = _names[key] = f"CD-{path.stem}-{subfont_index}-{len(_names)}"
        return name


def _register(path: Path, subfont_index: int, *, ascii_readable: bool = True) -> tuple[str, frozenset[int]]:
    """Parse and register a TrueType file with reportlab once per process; return its name and the
    code points it covers."""
    key = (str(path.resolve()), subfont_index)
    with _registry_lock:
        if key in _registered:
            return _registered[key]
        name = _face_name(path, subfont_index)
        font = EmbeddedFont(name, str(path), subfont_index, ascii_readable=ascii_readable)
        pdfmetrics.registerFont(font)
        covered = frozenset(font.face.charToGlyph)
        _registered[key] = (name, covered)
        return name, covered


class FontSet:
    """The PDF faces for each role, with per-character fallback along the role's chain."""

    def __init__(self, chains: Mapping[str, tuple[Face, ...]], coverage: Mapping[str, frozenset[int]],
                 problems: Iterable[str] = (), latin: Face | None = None,
                 extensions: Iterable[tuple[ExtensionFace, Path]] = ()) -> None:
        self._chains = dict(chains)
        #: Code points per face name, filled as faces load (a face loads when first consulted).
        self._coverage = dict(coverage)
        #: The face for printable ASCII in every role (where l, 1 and I differ), or None.
        self.latin = latin
        self._pick_cache: dict[tuple[str, str], tuple[str, float]] = {}
        #: Human-readable reasons a configured font was not used (shown in the settings page).
        self.problems: tuple[str, ...] = tuple(problems)
        #: The extension faces found on disk, in order; each is loaded when first needed.
        self.extensions: tuple[tuple[ExtensionFace, Path], ...] = tuple(extensions)
        self._loaded: dict[Path, Face | None] = {}
        self._docx: dict[str, DocxFont] | None = None
        #: Paragraphs already broken into lines with these faces (textlayout.wrap): a batch of letters
        #: repeats most of its text letter after letter.
        self.wrap_cache: dict[tuple[object, ...], tuple[object, ...]] = {}

    def _extension_face(self, code: int) -> Face | None:
        """The first extension face that has ``code`` (a CJK ideograph), loading faces as needed."""
        for spec, path in self.extensions:
            if not _in(code, spec.ranges):
                continue
            if path not in self._loaded:
                with _extension_lock:
                    if path not in self._loaded:
                        self._loaded[path] = self._load_extension(spec, path)
            face = self._loaded[path]
            if face is not None and code in self._covered(face):
                return face
        return None

    def _covered(self, face: Face) -> frozenset[int]:
        """The code points ``face`` has, parsing and registering it the first time it is asked."""
        covered = self._coverage.get(face.name)
        if covered is None:
            name, covered = _register(face.path, face.subfont_index, ascii_readable=face is self.latin)
            assert name == face.name
            self._coverage[face.name] = covered
        return covered

    def load(self, face: Face) -> str:
        """Make sure ``face`` is registered with reportlab; return its name."""
        self._covered(face)
        return face.name

    def loaded_faces(self) -> tuple[Face, ...]:
        """The faces parsed so far for this font set (the others cost nothing yet)."""
        faces = {f.name: f for chain in self._chains.values() for f in chain}
        if self.latin is not None:
            faces[self.latin.name] = self.latin
        return tuple(f for name, f in faces.items() if name in self._coverage) + self.loaded_extensions()

    def _load_extension(self, spec: ExtensionFace, path: Path) -> Face | None:
        try:
            name, covered = _register(path, 0, ascii_readable=False)
        except Exception as exc:  # noqa: BLE001 - a damaged file: its characters are refused instead
            log.warning("extension font %s unusable: %s", path, exc)
            self.problems = (*self.problems, f"扩展字体 {path.name} 无法载入（{exc}）")
            return None
        self._coverage[name] = covered
        return Face(name, path, 0, spec.label, True)

    def loaded_extensions(self) -> tuple[Face, ...]:
        """The extension faces loaded so far (none until a character needs one)."""
        return tuple(face for face in self._loaded.values() if face is not None)

    def faces(self, role: str) -> tuple[Face, ...]:
        return self._chains[role]

    def primary(self, role: str) -> Face:
        return self._chains[role][0]

    def fake_bold(self, role: str) -> bool:
        """Titles drawn with the bundled Song face are stroked a little to look like 小标宋."""
        return role == "title" and self.primary(role).bundled

    def face_for(self, ch: str, role: str) -> Face | None:
        """The face that draws ``ch`` for ``role``: the Latin face for printable ASCII, else the first
        face of the role's chain whose cmap has it; None when no face has it."""
        code = ord(ch)
        if self.latin is not None and is_latin(ch) and code in self._covered(self.latin):
            return self.latin
        face = next((f for f in self._chains[role] if code in self._covered(f)), None)
        if face is None and self.extensions and _in(code, _CJK_RANGES):
            face = self._extension_face(code)
        return face

    def pick(self, ch: str, role: str) -> tuple[str, float]:
        """The font that draws ``ch`` for ``role`` and the advance width in 1/1000 em.

        A visible character no face has is refused (:class:`ValidationError` naming it) rather than
        printed as a gap; whitespace no face has takes the role's first face."""
        key = (role, ch)
        hit = self._pick_cache.get(key)
        if hit is None:
            face = self.face_for(ch, role)
            if face is None:
                if not ch.isspace():
                    raise ValidationError(unprintable_message(ch, "文书内容"), field="文书内容",
                                          rule=UNPRINTABLE_RULE)
                face = self._chains[role][0]
            hit = (face.name, pdfmetrics.stringWidth(ch, face.name, 1000.0))
            self._pick_cache[key] = hit
        return hit

    def missing(self, text: str, role: str = "body") -> str:
        """Characters of ``text`` that no font of the role can draw (printed as empty boxes)."""
        seen: dict[str, None] = {}
        for ch in text:
            if ch.isspace() or ch in seen:
                continue
            if self.face_for(ch, role) is None:
                seen[ch] = None
        return "".join(seen)

    def docx_fonts(self) -> dict[str, DocxFont]:
        """The fonts the DOCX names per role: :data:`DOCX_FONTS`, except that a role with a configured
        font names that font's family (from its ``name`` table), so the DOCX and the PDF use the same
        face; the official name moves to the alternates."""
        if self._docx is None:
            named = dict(DOCX_FONTS)
            for role in ROLES:
                face = self.primary(role)
                if face.bundled:
                    continue
                official = DOCX_FONTS[role]
                family = font_family_name(face.path, face.subfont_index) or face.label
                if family == official.east_asia:
                    continue
                coverage = self._covered(face)
                named[role] = DocxFont(
                    family, official.latin,
                    tuple(dict.fromkeys((official.east_asia, *official.alternates))),
                    official.family,
                    # a face without every common ideograph gets 宋体 runs for those outside GB2312
                    gb2312_only=not all(code in coverage for code in range(0x4E00, 0x9FA6)))
            self._docx = named
        return self._docx


_extension_lock = threading.Lock()
_fontset_cache: dict[tuple[tuple[tuple[str, str], ...], str], FontSet] = {}


def find_extension_faces(bundled_dir: Path | None = None) -> tuple[tuple[ExtensionFace, Path], ...]:
    """The extension faces present, each at the first of its candidate paths that exists."""
    bundled_dir = bundled_dir or bundled_fonts_dir()
    found = []
    for spec in EXTENSION_FACES:
        path = next((p for p in spec.candidates(bundled_dir) if p.is_file()), None)
        if path is not None:
            found.append((spec, path))
    return tuple(found)


def resolve_fonts(configured: Mapping[str, str | os.PathLike[str]] | None = None,
                  bundled_dir: Path | None = None) -> FontSet:
    """The PDF fonts to use.

    ``configured`` maps a role (``body``, ``title``, ``kai``, ``hei``) to a system font file from the
    settings, e.g. ``{"body": r"C:\\Windows\\Fonts\\simfang.ttf"}``; a ``.ttc`` path may end in
    ``#N`` to choose its N-th face.  A configured font that is missing or cannot be embedded is
    skipped (the reason is in :attr:`FontSet.problems`) and the bundled fonts are used.
    """
    bundled_dir = bundled_dir or bundled_fonts_dir()
    items = tuple(sorted((str(k), str(v)) for k, v in (configured or {}).items() if v))
    cache_key = (items, str(bundled_dir))
    with _registry_lock:
        cached = _fontset_cache.get(cache_key)
    if cached is not None:
        return cached

    coverage: dict[str, frozenset[int]] = {}
    problems: list[str] = []
    bundled_faces: dict[str, Face] = {}
    for key, spec in BUNDLED.items():  # named only: each is parsed when a character first needs it
        path = bundled_dir / spec.file
        if not path.is_file():
            raise FileNotFoundError(f"bundled font missing: {path}")
        bundled_faces[key] = Face(_face_name(path, spec.subfont_index), path, spec.subfont_index, spec.label, True)

    chains: dict[str, tuple[Face, ...]] = {}
    wanted = dict(items)
    for role in ROLES:
        chain = [bundled_faces[k] for k in _ROLE_CHAIN[role]]
        spec_text = wanted.get(role)
        if spec_text:
            configured_face = _configured_face(spec_text, problems)
            if configured_face is not None:
                face, covered = configured_face
                coverage[face.name] = covered
                chain.insert(0, face)
        chains[role] = tuple(chain)
    unknown = sorted(set(wanted) - set(ROLES))
    if unknown:
        problems.append(f"未知的字体用途：{', '.join(unknown)}")

    fontset = FontSet(chains, coverage, problems, latin=bundled_faces[LATIN],
                      extensions=find_extension_faces(bundled_dir))
    with _registry_lock:
        _fontset_cache[cache_key] = fontset
    return fontset


def _configured_face(spec: str, problems: list[str]) -> tuple[Face, frozenset[int]] | None:
    path_text, _, index_text = spec.partition("#")
    path = Path(path_text)
    index = int(index_text) if index_text.isdigit() else 0
    if not path.is_file():
        problems.append(f"未找到所配置的字体文件：{path}")
        return None
    try:
        name, covered = _register(path, index, ascii_readable=False)
    except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError, struct.error, … for bad files
        problems.append(f"字体 {path.name} 无法嵌入 PDF（{exc}），改用内置字体")
        log.warning("configured font %s unusable: %s", path, exc)
        return None
    return Face(name, path, index, path.stem, False), covered


def font_family_name(path: Path, subfont_index: int = 0) -> str:
    """The family name (``name`` table, name ID 1) of a TrueType/OpenType file or a face of a ``.ttc``:
    the Simplified Chinese (Windows, 0x0804) name when there is one — the name Word and WPS show,
    e.g. 仿宋_GB2312 — else the English one; "" when it cannot be read."""
    try:
        data = path.read_bytes()
        offset = 0
        if data[:4] == b"ttcf":
            (offset,) = struct.unpack_from(">I", data, 12 + 4 * subfont_index)
        (num_tables,) = struct.unpack_from(">H", data, offset + 4)
        for i in range(num_tables):
            tag, _checksum, table, _length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
            if tag == b"name":
                break
        else:
            return ""
        _format, count, strings = struct.unpack_from(">HHH", data, table)
        names: dict[tuple[int, int], str] = {}
        for i in range(count):
            platform, encoding, language, name_id, length, at = struct.unpack_from(
                ">HHHHHH", data, table + 6 + 12 * i)
            if name_id != 1:
                continue
            raw = data[table + strings + at: table + strings + at + length]
            if platform == 3 or platform == 0:
                names[(platform, language)] = raw.decode("utf-16-be", "replace")
            elif platform == 1 and encoding == 0:
                names[(platform, language)] = raw.decode("mac_roman", "replace")
    except (OSError, struct.error, IndexError):
        return ""
    for key in ((3, 0x0804), (3, 0x0409)):
        if names.get(key):
            return names[key].strip()
    windows = [name for (platform, _lang), name in sorted(names.items()) if platform == 3 and name]
    return (windows or [n for n in names.values() if n] or [""])[0].strip()
