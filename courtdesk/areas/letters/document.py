"""介绍信 (introduction letter): the stub (存根) and the letter on one A4 page, cut apart along a
dashed tear line that carries the serial number across it (骑缝), so the number on the stub, on the
tear line and on the letter is one and the same.

Layout of the usual court letter book: first the stub with 兹介绍…同志等…人前往…联系…事宜, validity,
承办人 (with room for the handwritten signature), 开具人 and date; then the letter addressed to the
recipient unit: 兹介绍我院{职务}{姓名}同志（身份证号：…）等 N 人前往你处联系{事由}，请予接洽。此致 敬礼！,
the court's name centred over the date, the date four characters from the right margin (GB/T 9704-2012
§7.3.5.1, where the court seal goes) and （有效期 N 天）.

The page keeps the GB/T 9704 line width (156 mm, 3号 body on a 28-character grid) but narrower top and
bottom margins, so that both halves fit on one sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.areas.letters.models import IntroductionLetter
from courtdesk.kernel import settings
from courtdesk.kernel.documents.dates import CHINESE, court_date
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.documents.model import (
    DATE_RIGHT_CHARS,
    SIZE_2HAO,
    CaseNumberLine,
    Document,
    PageSetup,
    Paragraph,
    SignatureLine,
    Spacer,
    TearLine,
    Title,
    require,
)
from courtdesk.kernel.errors import NotFound, ValidationError
from courtdesk.kernel.printing import DocumentKind

KIND = "introduction_letter"
STUB_TITLE = "介绍信（存根）"
LETTER_TITLE = "介绍信"
STUB_TITLE_SIZE = 18.0

#: Limits of each field. A combination still too long for one sheet is refused at filing through
#: :func:`text_lines` and :data:`TEXT_LINES_BUDGET` (the tests print the longest accepted letters).
MAX_BEARERS = 4
MAX_BEARER_NAME = 10
MAX_BEARER_TITLE = 8
MAX_PURPOSE = 40

#: A4 portrait, the GB/T 9704 line (left 28 mm, right 26 mm, 3号 on 28 characters), 30 grid lines
#: between 18 mm margins: room for the stub, the tear line and the letter on one sheet.
LETTER_PAGE = PageSetup(top_mm=18.0, bottom_mm=18.0, left_mm=28.0, right_mm=26.0, grid=(30, 28))


def chars_per_line(setup: PageSetup = LETTER_PAGE) -> int:
    """Full-width characters one printed line holds (28 on the GB/T 9704 line)."""
    g = page_geometry(setup)
    pitch = g.char_pitch or g.body_size
    return int(g.frame_width / pitch + 1e-6)


#: The addressee line is 「{收件单位}：」 on one line: the colon takes one character.
RECIPIENT_MAX_WIDTH = chars_per_line() - 1


def text_width(text: str) -> float:
    """Printed width in full-width characters: CJK and full-width punctuation 1, Latin and digits ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def matter(purpose: str) -> str:
    """事由 without a trailing 事宜/事项, which the sentence adds itself."""
    text = purpose.strip().rstrip("。；;，,")
    for tail in ("事宜", "事项"):
        if text.endswith(tail) and len(text) > len(tail):
            return text[: -len(tail)]
    return text


@dataclass(frozen=True)
class Bearer:
    title: str
    name: str
    id_number: str


@dataclass(frozen=True)
class LetterContent:
    """Every field the printed letter shows, already checked."""

    number: str
    court_name: str
    recipient: str
    purpose: str
    validity_days: int
    bearers: tuple[Bearer, ...]
    handler: str
    issuer: str
    issue_date: dt.date
    valid_until: dt.date
    void_reason: str = ""
    date_style: str = CHINESE  # the document_date_style setting


def stub_sentence(bearers: tuple[Bearer, ...], recipient: str, purpose: str) -> str:
    people = "、".join(f"{b.title}{b.name}" for b in bearers)
    count = "" if len(bearers) == 1 else f"等{len(bearers)}人"
    return f"兹介绍{people}同志{count}前往{recipient}联系{matter(purpose)}事宜。"


def letter_sentence(bearers: tuple[Bearer, ...], purpose: str) -> str:
    people = "、".join(f"{b.title}{b.name}同志（身份证号：{b.id_number}）" for b in bearers)
    count = "" if len(bearers) == 1 else f"等{len(bearers)}人"
    return f"兹介绍我院{people}{count}前往你处联系{matter(purpose)}事宜，请予接洽。"


#: The two sentences that grow with the bearers and the 事由 may take this many lines together: the
#: page has 30 grid lines, 16 go to the fixed lines (titles, numbers, tear line, validity, signatures,
#: 此致/敬礼, court and date), and one is kept spare because Word breaks lines a little differently.
TEXT_LINES_BUDGET = 13
_NO_LINE_START = frozenset("，。、；：？！）》」』】”’")


def estimated_lines(text: str, indent: float = 2.0, narrow: float = 0.6) -> int:
    """Lines ``text`` takes on the 28-character line, breaking as the renderers do: a run of Latin
    letters and digits (an ID number) is not split, closing punctuation may hang in the margin.
    Latin characters count ``narrow`` of a character — a little wider than they print, to be safe."""
    width = chars_per_line()
    lines, used = 1, indent
    for token in re.findall(r"[A-Za-z0-9]+|.", text):
        w = sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else narrow for ch in token)
        if used + w > width + 1e-9 and used > 0:
            if token in _NO_LINE_START:
                used += w
                continue
            lines += 1
            used = 0.0
        used += w
    return lines


def text_lines(bearers: tuple[Bearer, ...], recipient: str, purpose: str) -> int:
    """Lines of the stub's and the letter's sentences together (see :data:`TEXT_LINES_BUDGET`)."""
    return estimated_lines(stub_sentence(bearers, recipient, purpose)) + estimated_lines(
        letter_sentence(bearers, purpose))


def validity_text(c: LetterContent) -> str:
    day = c.date_style
    return f"有效期{c.validity_days}天（{court_date(c.issue_date, day)}至{court_date(c.valid_until, day)}）"


def letter_document(c: LetterContent) -> Document:
    """The content of one letter: stub, tear line with the number, letter — one A4 page."""
    number = require(c.number, "编号")
    court = require(c.court_name, "法院名称")
    recipient = require(c.recipient, "收件单位")
    require(c.purpose, "事由")
    require(c.handler, "承办人")
    require(c.issuer, "开具人")
    if not c.bearers:
        raise ValidationError("持信人：至少一人，不能生成介绍信", field="持信人")
    issued = court_date(c.issue_date, c.date_style)
    stub = (
        Title(STUB_TITLE, size=STUB_TITLE_SIZE),
        CaseNumberLine(number),
        Paragraph(stub_sentence(c.bearers, recipient, c.purpose)),
        Paragraph(validity_text(c)),
        SignatureLine((("承办人：", c.handler), ("承办人签名：", "")), blank_chars=6),
        SignatureLine((("开具人：", c.issuer),), date=issued, date_right_chars=DATE_RIGHT_CHARS),
    )
    letter = (
        Title(LETTER_TITLE, size=SIZE_2HAO),
        CaseNumberLine(number),
        Paragraph(f"{recipient}：", indent=False, align="left"),
        # ragged right: an 18-digit ID number never splits, and justifying the line before it would
        # spread its characters visibly apart
        Paragraph(letter_sentence(c.bearers, c.purpose), align="left"),
        Paragraph("此致", indent=True, align="left"),
        Paragraph("敬礼！", indent=False, align="left"),
        Spacer(1),
        SignatureLine.official(court, issued),  # the court centred over the date, 右空四字 (GB/T 9704)
        Paragraph(f"（有效期{c.validity_days}天）", indent=False, align="left"),
    )
    header = f"（已作废：{c.void_reason}）" if c.void_reason else ""
    return Document(
        title=f"介绍信{number}",
        blocks=stub + (TearLine(number),) + letter,
        page=LETTER_PAGE,
        header=header,
        stamp="作废" if c.void_reason else "",  # on the stub and on the letter: each half shows it once cut
    )


def content_of(session: Session, letter: IntroductionLetter) -> LetterContent:
    if not letter.number or letter.issued_at is None or letter.valid_until is None:
        raise ValidationError(
            "介绍信：尚未开具（还没有编号），不能打印；请办公室文员开具后再打印", field="介绍信"
        )
    return LetterContent(
        number=letter.number,
        court_name=settings.get(session, "court_name"),
        recipient=letter.recipient,
        purpose=letter.purpose,
        validity_days=letter.validity_days,
        bearers=tuple(Bearer(b.title, b.name, b.id_number) for b in letter.bearers),
        handler=letter.handler.name,
        issuer=letter.issuer.name if letter.issuer else "",
        issue_date=letter.issued_at.date(),
        valid_until=letter.valid_until,
        void_reason=letter.void_reason if letter.status == "voided" else "",
        date_style=settings.date_style(session),
    )


def build(session: Session, letter_id: int) -> Document:
    letter = session.get(IntroductionLetter, letter_id)
    if letter is None:
        raise NotFound("该介绍信不存在", field="介绍信")
    return letter_document(content_of(session, letter))


LETTER_DOCUMENT = DocumentKind(
    KIND, "介绍信（存根联及正本）",
    ids=lambda: select(IntroductionLetter.id).where(IntroductionLetter.number.is_not(None))
    .order_by(IntroductionLetter.id),
    build=build,
    missing="该介绍信尚未开具，开具后才能预览和打印",
)
