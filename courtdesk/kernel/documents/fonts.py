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
  WenQuanYi sans (except for the 黑体 role, whose own face is that sans).

reportlab cannot load CFF-outline fonts (Noto/Source Han OTF) and its built-in ``STSong-Light`` and
Type 1 standard fonts (Times, Helvetica) are never embedded, so none of them is used.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from courtdesk.kernel.documents.model import FontRole

log = logging.getLogger(__name__)

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


_registry_lock = threading.Lock()
_registered: dict[tuple[str, int], tuple[str, frozenset[int]]] = {}


def _register(path: Path, subfont_index: int) -> tuple[str, frozenset[int]]:
    """Register a TrueType file with reportlab once; return its name and the code points it covers."""
    key = (str(path.resolve()), subfont_index)
    with _registry_lock:
        if key in _registered:
            return _registered[key]
        name = f"CD-{path.stem}-{subfont_index}-{len(_registered)}"
        font = TTFont(name, str(path), subfontIndex=subfont_index)
        pdfmetrics.registerFont(font)
        covered = frozenset(font.face.charToGlyph)
        _registered[key] = (name, covered)
        return name, covered


class FontSet:
    """The PDF faces for each role, with per-character fallback along the role's chain."""

    def __init__(self, chains: Mapping[str, tuple[Face, ...]], coverage: Mapping[str, frozenset[int]],
                 problems: Iterable[str] = (), latin: Face | None = None) -> None:
        self._chains = dict(chains)
        self._coverage = dict(coverage)
        #: The face for printable ASCII in every role (where l, 1 and I differ), or None.
        self.latin = latin
        self._pick_cache: dict[tuple[str, str], tuple[str, float]] = {}
        #: Human-readable reasons a configured font was not used (shown in the settings page).
        self.problems: tuple[str, ...] = tuple(problems)

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
        if self.latin is not None and is_latin(ch) and code in self._coverage[self.latin.name]:
            return self.latin
        return next((f for f in self._chains[role] if code in self._coverage[f.name]), None)

    def pick(self, ch: str, role: str) -> tuple[str, float]:
        """The font that draws ``ch`` for ``role`` and the advance width in 1/1000 em."""
        key = (role, ch)
        hit = self._pick_cache.get(key)
        if hit is None:
            face = self.face_for(ch, role) or self._chains[role][0]
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


_fontset_cache: dict[tuple[tuple[tuple[str, str], ...], str], FontSet] = {}


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
    for key, spec in BUNDLED.items():
        path = bundled_dir / spec.file
        name, covered = _register(path, spec.subfont_index)
        bundled_faces[key] = Face(name, path, spec.subfont_index, spec.label, True)
        coverage[name] = covered

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

    fontset = FontSet(chains, coverage, problems, latin=bundled_faces[LATIN])
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
        name, covered = _register(path, index)
    except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError, struct.error, … for bad files
        problems.append(f"字体 {path.name} 无法嵌入 PDF（{exc}），改用内置字体")
        log.warning("configured font %s unusable: %s", path, exc)
        return None
    return Face(name, path, index, path.stem, False), covered
