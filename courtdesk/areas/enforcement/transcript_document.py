"""查封措施告知笔录 — the transcript in which the applicant is told which seizures run until when.

Follows the court's template (查封、冻结期限告知与风险提示制度): 时间, 地点, 审判员, 书记员, 当事人;
"关于你申请执行…一案，我院已采取如下查封措施：" with the table 序号 / 查封标的 / 查封期间; the warning to
apply for renewal fifteen days before the end; 当事人：听清了。; 审：当事人核对笔录，无误后签字。 and
the signature lines. The rows come from the seizure register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from courtdesk.kernel.documents.model import (
    SIZE_4HAO,
    CaseNumberLine,
    Column,
    Document,
    PageSetup,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    Title,
    fill,
    require,
)

INTRO = "关于你申请执行{案件}一案，我院已采取如下查封措施："
#: The template's warning (punctuation in full-width forms).
WARNING = "你方应于上述查封到期前十五日向法院书面申请续查封，逾期不申请自行承担相应责任，你听清了吗？"
PARTY_ANSWER = "当事人：听清了。"
CLOSING = "审：当事人核对笔录，无误后签字。"
_COURT_SIZE = 18.0
_TABLE_SIZE = SIZE_4HAO
#: GB/T 9704 margins with 四号 text (28 lines × 31 characters), like the investigation letter: a
#: transcript of a few measures and its signature lines fit on one page.
TRANSCRIPT_PAGE = PageSetup(body_size=SIZE_4HAO, grid=(28, 31))


@dataclass(frozen=True)
class TranscriptItem:
    target: str  # 查封标的
    term_start: dt.date
    term_end: dt.date


@dataclass(frozen=True)
class SeizureTranscriptContent:
    court_name: str
    case_number: str
    held_at: dt.datetime  # 时间
    place: str  # 地点: the enforcement bureau
    judge: str  # 审判员
    clerk: str  # 书记员
    party: str  # 当事人
    case_words: str  # what fills 关于你申请执行…一案 (被执行人 and 案由)
    items: tuple[TranscriptItem, ...]


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _time(moment: dt.datetime) -> str:
    return f"{_date(moment)}{moment.hour}时{moment.minute:02d}分"


def build_seizure_transcript(c: SeizureTranscriptContent) -> Document:
    f = {
        "法院名称": c.court_name,
        "案号": c.case_number,
        "地点": c.place,
        "审判员": c.judge,
        "书记员": c.clerk,
        "当事人": c.party,
        "案件": c.case_words,
    }
    if not c.items:
        require("", "查封措施")
    rows = tuple(
        (str(i), require(item.target, "查封标的"), f"{_date(item.term_start)}至\n{_date(item.term_end)}")
        for i, item in enumerate(c.items, 1)
    )
    blocks = (
        Paragraph(fill("{法院名称}", f), indent=False, align="center", role="title", size=_COURT_SIZE),
        Title("查封措施告知笔录"),
        CaseNumberLine(fill("{案号}", f)),
        Paragraph(f"时间：{_time(c.held_at)}", indent=False, align="left"),
        Paragraph(fill("地点：{地点}", f), indent=False, align="left"),
        Paragraph(fill("审判员：{审判员}", f), indent=False, align="left"),
        Paragraph(fill("书记员：{书记员}", f), indent=False, align="left"),
        Paragraph(fill("当事人：{当事人}", f), indent=False, align="left"),
        Paragraph(fill(INTRO, f)),
        Table(
            columns=(Column("序号", 0.6), Column("查封标的", 3.6, "left"), Column("查封期间", 1.9)),
            rows=rows,
            size=_TABLE_SIZE,
            min_row_height_mm=10.0,
        ),
        Paragraph(WARNING),
        Paragraph(PARTY_ANSWER),
        Paragraph(CLOSING),
        Spacer(1),
        # left-aligned: a right-aligned line ends in the blank, and Word/WPS drop trailing (blank) spaces
        SignatureLine((("当事人（签名）：", ""),), blank_chars=8),
        SignatureLine((("审判员（签名）：", ""), ("书记员（签名）：", "")), blank_chars=6),
    )
    return Document(title=f"查封措施告知笔录{c.case_number}", blocks=blocks, page=TRANSCRIPT_PAGE)
