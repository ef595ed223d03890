"""The document model: a document is built once as a small tree of blocks.

Builders (introduction letter, investigation letter, registers …) fill every field *before* they make
blocks, so a block only holds finished text.  Two renderers turn the same :class:`Document` into DOCX
(:mod:`.docx_renderer`) and PDF (:mod:`.pdf_renderer`); nothing is laid out twice in code.

Sizes are in points (pt), lengths on paper in millimetres (mm).  Font *roles* name the kind of face a
block wants (``body`` 仿宋-style, ``title`` 小标宋-style, ``kai`` 楷体, ``hei`` 黑体); the renderers map
roles to real fonts (see :mod:`.fonts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from courtdesk.kernel.errors import ValidationError

FontRole = Literal["body", "title", "kai", "hei"]
Align = Literal["left", "center", "right", "justify"]
Orientation = Literal["portrait", "landscape"]

#: GB/T 9704-2012 sizes (字号) in points.
SIZE_2HAO = 22.0  # 二号: document title
SIZE_3HAO = 16.0  # 三号: body text
SIZE_4HAO = 14.0  # 四号
SIZE_XIAO4 = 12.0  # 小四
SIZE_5HAO = 10.5  # 五号: registers, tables

#: Footer text for "page x of y"; ``{page}`` and ``{pages}`` are filled by the renderers.
PAGE_X_OF_Y = "第 {page} 页 共 {pages} 页"


@dataclass(frozen=True)
class PageSetup:
    """Paper, margins and the text grid.  The defaults are GB/T 9704-2012: A4 portrait, margins
    37/35/28/26 mm, 3号 body on a grid of 22 lines × 28 characters."""

    orientation: Orientation = "portrait"
    top_mm: float = 37.0
    bottom_mm: float = 35.0
    left_mm: float = 28.0
    right_mm: float = 26.0
    body_size: float = SIZE_3HAO
    #: (lines per page, characters per line) or None for natural spacing.
    grid: tuple[int, int] | None = (22, 28)


#: A4 landscape with narrow margins and 五号 text, for registers (登记簿).
REGISTER_PAGE = PageSetup(
    orientation="landscape", top_mm=18.0, bottom_mm=18.0, left_mm=15.0, right_mm=15.0,
    body_size=SIZE_5HAO, grid=None,
)


@dataclass(frozen=True)
class Title:
    """Centred document title (2号 小标宋-style).  ``\\n`` starts a new title line."""

    text: str
    size: float = SIZE_2HAO
    role: FontRole = "title"


@dataclass(frozen=True)
class Heading:
    """A one-line heading (e.g. 一、… in 黑体)."""

    text: str
    align: Align = "left"
    role: FontRole = "hei"
    size: float | None = None  # None: the page's body size


@dataclass(frozen=True)
class CaseNumberLine:
    """A right-aligned line such as ``(2026)冀1091执123号`` or ``(2026)第0001号``."""

    text: str
    align: Align = "right"
    size: float | None = None


@dataclass(frozen=True)
class Paragraph:
    """Running text, wrapped by the renderer.  ``indent`` is a first-line indent of two characters.

    ``hang`` makes a numbered item: the first ``hang`` characters are its label (``调查问题：4、``,
    ``(1)``), and the continuation lines start under the text after the label (a hanging indent)."""

    text: str
    indent: bool = True
    align: Align = "justify"
    bold: bool = False
    role: FontRole = "body"
    size: float | None = None
    hang: int = 0
    #: A closing block (此致, 落款, the date, 承办人 and 联系方式): it never starts a page alone but keeps
    #: with the block before it (see :data:`KEEPS_WITH_PREVIOUS`).
    keep_with_previous: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.hang < max(len(self.text), 1):
            raise ValueError(f"Paragraph.hang {self.hang} 超出文字长度 {len(self.text)}")


@dataclass(frozen=True)
class Column:
    header: str
    weight: float = 1.0  # relative width
    align: Align = "center"


@dataclass(frozen=True)
class Table:
    """A bordered table.  ``rows`` must be re-iterable (a sequence, or :class:`SpooledRows` for
    registers): each renderer walks it, the PDF renderer twice (page count, then drawing)."""

    columns: tuple[Column, ...]
    rows: Iterable[Sequence[str]]
    header: bool = True
    borders: bool = True
    size: float | None = None
    role: FontRole = "body"
    min_row_height_mm: float = 0.0
    #: A row taller than what is left of the page starts there and continues on the next page under
    #: the repeated header (registers); otherwise it moves whole to the next page.  A row taller than
    #: a whole page is split either way.
    split_rows: bool = False
    #: The table stays on one page (a form's signature boxes: never a last box alone on the next
    #: sheet). For small tables: a long one still breaks (every eight rows in the PDF).
    keep_together: bool = False

    def __post_init__(self) -> None:
        if iter(self.rows) is self.rows:  # type: ignore[comparison-overlap]
            raise TypeError("Table.rows 必须可重复遍历（序列或 SpooledRows），不能是一次性迭代器")
        object.__setattr__(self, "columns", tuple(self.columns))


#: GB/T 9704-2012 §7.3.5.1 (加盖印章的公文): 成文日期一般右空四字编排 — the date ends four characters
#: before the right margin, and the issuing body's name (署名) is centred over it.
DATE_RIGHT_CHARS = 4


@dataclass(frozen=True)
class SignatureLine:
    """A line of labels each followed by its value or a blank to sign on, and an optional date at the
    right margin, e.g. ``经办人：______  联系电话：______`` or ``承办人：王石磊      2026年1月5日``.

    ``date_right_chars`` leaves that many characters between the date's end and the right margin
    (右空四字: :data:`DATE_RIGHT_CHARS`).  ``signer`` (发文机关署名, e.g. the court's name) is printed on
    the line above, centred over the date, as GB/T 9704-2012 §7.3.5.1 places the 署名 of a sealed
    document; see :func:`closing_positions` and :meth:`official`."""

    fields: tuple[tuple[str, str], ...] = ()
    date: str = ""
    blank_chars: int = 6  # width of an empty blank, in characters
    align: Align = "left"
    size: float | None = None
    signer: str = ""
    date_right_chars: float = 0.0
    #: A signature line is a closing block: it stays on the page of the text before it, never alone
    #: at the top of a page (issue 20 §3; the 涉密计算机登记表 printed its 签字 line alone on page 2).
    keep_with_previous: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple((str(a), str(b)) for a, b in self.fields))
        if self.signer and not self.date:
            raise ValueError("SignatureLine.signer 需要成文日期：署名居中排于成文日期之上")
        if self.date_right_chars < 0:
            raise ValueError("SignatureLine.date_right_chars 不能为负")

    @classmethod
    def official(cls, signer: str, date: str, size: float | None = None,
                 keep_with_previous: bool = True) -> SignatureLine:
        """The closing of a sealed document (落款): ``signer`` centred over ``date``, the date
        右空四字 (GB/T 9704-2012 §7.3.5.1)."""
        return cls(signer=signer, date=date, date_right_chars=DATE_RIGHT_CHARS, size=size,
                   keep_with_previous=keep_with_previous)


def closing_positions(frame_width: float, pitch: float, date_width: float, signer_width: float,
                      right_chars: float) -> tuple[float, float]:
    """Where a :class:`SignatureLine`'s date and signer start, measured from the frame's left edge.

    The date ends ``right_chars`` character pitches before the right margin; the signer is centred
    over the date.  A signer too wide to stay inside the frame there moves the pair left together
    (the date's right space grows, as GB/T 9704 §7.3.5.2 does for a long date), so the seal still
    covers both centred; a signer wider than the frame starts at its left edge.  Both renderers use
    this (the DOCX with estimated widths)."""
    date_x = frame_width - right_chars * pitch - date_width
    centre = date_x + date_width / 2
    if signer_width and centre + signer_width / 2 > frame_width:
        shift = centre + signer_width / 2 - frame_width
        date_x, centre = date_x - shift, centre - shift
    signer_x = max(0.0, centre - signer_width / 2)
    return max(0.0, date_x), signer_x


@dataclass(frozen=True)
class Box:
    """A reserved area with a caption, e.g. 邮寄回单联粘贴处 (bordered) or （单位印章） (no border)."""

    caption: str
    height_mm: float
    width_mm: float | None = None  # None: the full text width
    align: Align = "center"  # where the box sits when narrower than the text width
    border: bool = True
    role: FontRole = "body"
    size: float | None = None
    keep_with_previous: bool = False  # a seal box stays on the page of the text before it


@dataclass(frozen=True)
class TearLine:
    """A dashed cut line with ``text`` (the 骑缝 serial number) printed across it."""

    text: str = ""
    size: float | None = None


@dataclass(frozen=True)
class Spacer:
    """Vertical space in text lines (grid lines on a GB/T 9704 page).  Dropped at the top of a page."""

    lines: float = 1.0


@dataclass(frozen=True)
class PageBreak:
    """The next block starts a new page.  ``new_part``: the next page also starts a new *part* of the
    document (a stub, a letter and a reply form printed together go separate ways), whose pages are
    numbered on their own from 1 and whose first page is its own first page (no continuation title)."""

    new_part: bool = False


@dataclass(frozen=True)
class Label:
    """One label of a :class:`LabelSheet`: a QR code of ``code`` and the text lines printed beside it
    (e.g. the court, 资产编号 ZC-2026-0001, the device, its department and user)."""

    code: str
    lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("Label.code 不能为空")
        object.__setattr__(self, "lines", tuple(str(line) for line in self.lines))


@dataclass(frozen=True)
class LabelSheet:
    """A sheet of bordered labels (资产标签) in a grid of ``columns`` per row, each ``label_height_mm``
    tall: the QR code (``qr_mm`` square, quiet zone included) on the left, the text lines on the right
    (the first in 黑体).  A row of labels never splits across pages."""

    labels: tuple[Label, ...]
    columns: int = 2
    label_height_mm: float = 36.0
    qr_mm: float = 30.0
    size: float | None = None  # None: 小五-ish 9 pt
    role: FontRole = "body"

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        if self.columns < 1:
            raise ValueError("LabelSheet.columns 至少为 1")
        if self.qr_mm > self.label_height_mm:
            raise ValueError("LabelSheet.qr_mm 不能大于标签高度")

    @property
    def text_size(self) -> float:
        return self.size or 9.0

    def rows(self) -> list[tuple[Label, ...]]:
        """The labels row by row (the last row may be short)."""
        return [self.labels[i:i + self.columns] for i in range(0, len(self.labels), self.columns)]


#: QR error correction of labels: M (15 %) survives a scuffed sticker.
QR_LEVEL = "M"
#: The quiet zone around a QR code, in modules (ISO/IEC 18004 asks for 4).
QR_BORDER = 4


def qr_modules(code: str) -> tuple[tuple[bool, ...], ...]:
    """The module matrix (True = dark) of the QR code both renderers print for ``code``: reportlab's
    encoder (:mod:`reportlab.graphics.barcode.qrencoder`), level :data:`QR_LEVEL`, smallest version."""
    from reportlab.graphics.barcode import qrencoder  # type: ignore[import-untyped]

    qr = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, QR_LEVEL))
    qr.addData(code)
    qr.make()
    n = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(n)) for r in range(n))


def qr_png(code: str, scale: int = 8) -> bytes:
    """The QR code of ``code`` as a 1-bit grayscale PNG: ``scale`` pixels a module, the quiet zone
    included, rows unfiltered.  Written with zlib and struct only."""
    import struct
    import zlib

    modules = qr_modules(code)
    n = len(modules) + 2 * QR_BORDER
    side = n * scale
    raw = bytearray()
    for r in range(n):
        bits = []
        for c in range(n):
            mr, mc = r - QR_BORDER, c - QR_BORDER
            dark = 0 <= mr < len(modules) and 0 <= mc < len(modules) and modules[mr][mc]
            bits.extend([0 if dark else 1] * scale)  # 1-bit gray: 0 black, 1 white
        packed = bytearray()
        for i in range(0, side, 8):
            byte = 0
            for j, bit in enumerate(bits[i:i + 8]):
                byte |= bit << (7 - j)
            if side - i < 8:  # pad the last byte with white
                byte |= (1 << (8 - (side - i))) - 1
            packed.append(byte)
        line = b"\x00" + bytes(packed)
        raw.extend(line * scale)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"pHYs", struct.pack(">IIB", 11811, 11811, 1))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


Block = (Title | Heading | CaseNumberLine | Paragraph | Table | SignatureLine | Box | TearLine | Spacer | PageBreak
         | LabelSheet)


@dataclass(frozen=True)
class Document:
    """One printable document.  ``header``/``footer`` are printed on every page; ``{page}`` and
    ``{pages}`` in them become the page number and the page count of this document."""

    title: str
    blocks: tuple[Block, ...]
    page: PageSetup = field(default_factory=PageSetup)
    header: str = ""
    footer: str = ""
    #: A mark such as 「作废」 printed large and slanted over every page, once in its upper and once in
    #: its lower half: a sheet cut in two (stub and letter) carries it whole on each part.
    stamp: str = ""
    #: 「第 x 页 共 y 页」 at the foot of every page of a part that runs to more than one page (a
    #: one-page part prints none), after ``footer``'s own text.  A footer that places ``{page}``
    #: itself is printed as it is, on every page.
    page_numbers: bool = True
    #: Signature lines at the foot of every page (a 笔录 is signed page by page by the party and the
    #: officer): drawn in the bottom margin just under the text frame, above the page number, so no
    #: text ever runs into them and the body keeps its whole frame; in the DOCX they are the footer's
    #: first paragraphs.  Only on a part that runs past one page: a one-page part is signed in its
    #: closing block, which the document ends with.
    page_signature: tuple[SignatureLine, ...] = ()
    #: The header of every page of a part after its first, in place of ``header``: a form's title and
    #: number (「支出报销单（续）　编号：(2026)报0001号」), so a loose second sheet says what it belongs to.
    continuation: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "page_signature", tuple(self.page_signature))

    @property
    def numbers_itself(self) -> bool:
        """The header or footer places ``{page}``/``{pages}`` itself (a register's footer)."""
        return any(key in text for key in ("{page}", "{pages}") for text in (self.header, self.footer))

    @property
    def numbered(self) -> bool:
        """Multi-page parts get 「第 x 页 共 y 页」 added to the footer."""
        return self.page_numbers and not self.numbers_itself


#: Blocks that may keep with the block before them (a closing block never starts a page alone).
KEEPS_WITH_PREVIOUS = (Paragraph, SignatureLine, Box)


def keeps_with_previous(block: object) -> bool:
    return isinstance(block, KEEPS_WITH_PREVIOUS) and block.keep_with_previous


# --- filling fields -------------------------------------------------------------------------------

_FIELD = re.compile(r"\{([^{}]+)\}")


def require(value: object, label: str) -> str:
    """Return ``value`` as text, refusing an empty one so no blank placeholder is ever printed."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValidationError(f"「{label}」未填写，不能生成文书（文书中不得留空白占位）。", field=label)
    return text


def fill(template: str, fields: Mapping[str, object]) -> str:
    """Fill ``{名称}`` placeholders from ``fields``; every placeholder is required (see :func:`require`).

    >>> fill("关于{申请执行人}与{被执行人}申请执行纠纷一案", {"申请执行人": "张三", "被执行人": "李四"})
    '关于张三与李四申请执行纠纷一案'
    """

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return require(fields.get(name), name)

    return _FIELD.sub(one, template)


# --- the text a document prints -------------------------------------------------------------------


def signature_text(block: SignatureLine) -> str:
    """The printed text of a signature line (labels, values and date; blanks are not text)."""
    parts = [f"{label}{value}" for label, value in block.fields]
    if block.date:
        parts.append(block.date)
    return "　".join(parts)


def document_text_lines(doc: Document) -> list[str]:
    """Every text line the document prints in its body, in reading order.

    A paragraph is one line (however the renderer wraps it); a table gives its header cells and then
    its cells row by row; empty cells and spacing blocks give nothing.  Page headers and footers are
    not included (see :func:`page_furniture`).  Both renderers must print exactly these lines.
    """
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Title):
            lines.extend(part for part in block.text.split("\n") if part)
        elif isinstance(block, (Heading, CaseNumberLine, Paragraph)):
            lines.append(block.text)
        elif isinstance(block, Table):
            if block.header:
                lines.extend(col.header for col in block.columns if col.header)
            for row in block.rows:
                lines.extend(str(cell) for cell in row if str(cell))
        elif isinstance(block, SignatureLine):
            if block.signer:  # its own line, above the date
                lines.append(block.signer)
            text = signature_text(block)
            if text:
                lines.append(text)
        elif isinstance(block, Box) and block.caption:
            lines.append(block.caption)
        elif isinstance(block, TearLine) and block.text:
            lines.append(block.text)
        elif isinstance(block, LabelSheet):
            for label in block.labels:
                lines.extend(label.lines)
    return [line for line in lines if line.strip()]


def page_furniture(doc: Document, page: int, pages: int) -> tuple[str, str]:
    """The header and footer text of page ``page`` of ``pages`` (1-based, counted in the page's part):
    the continuation header after a part's first page, 「第 x 页 共 y 页」 added to the footer of a
    multi-page part (see :attr:`Document.page_numbers`)."""
    def one(text: str) -> str:
        return text.replace("{pages}", str(pages)).replace("{page}", str(page))

    header = doc.continuation if doc.continuation and page > 1 else doc.header
    footer = doc.footer
    if doc.numbered and pages > 1:
        footer = f"{footer}　{PAGE_X_OF_Y}" if footer else PAGE_X_OF_Y
    return one(header), one(footer)
