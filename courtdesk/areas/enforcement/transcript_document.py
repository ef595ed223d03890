"""查封措施告知笔录 — the transcript in which the applicant is told which seizures run until when.

Follows the court's template (查封、冻结期限告知与风险提示制度): 时间, 地点, the officer and the clerk
each under their post's title (执行员, 法官助理, 书记员 …), 当事人;
"关于你申请执行…一案，我院已采取如下查封措施：" with the table 序号 / 查封标的 / 查封期间; the warning to
apply for renewal fifteen days before the end; 当事人：听清了。; 审：当事人核对笔录，无误后签字。 — the
template's officer is a 审判员, so its line is marked 审; an officer named by another post speaks under
that post's short form (执行员 → 执：, see :data:`TRANSCRIPT_POSTS`) — and the signature lines. The rows
come from the seizure register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from courtdesk.kernel.documents.dates import CHINESE, court_date, court_time
from courtdesk.kernel.documents.model import (
    SIZE_4HAO,
    CaseNumberLine,
    Column,
    Document,
    PageSetup,
    Paragraph,
    SignatureLine,
    Table,
    Title,
    fill,
    require,
)

INTRO = "关于你申请执行{案件}一案，我院已采取如下查封措施："
#: The template's warning (punctuation in full-width forms).
WARNING = "你方应于上述查封到期前十五日向法院书面申请续查封，逾期不申请自行承担相应责任，你听清了吗？"
PARTY_ANSWER = "当事人：听清了。"
#: The officer's closing words; the line starts with the officer's mark (:func:`closing`).
CLOSING = "当事人核对笔录，无误后签字。"
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
    judge: str  # the officer who tells the party (承办人)
    clerk: str  # 书记员
    party: str  # 当事人
    case_words: str  # what fills 关于你申请执行…一案 (被执行人 and 案由)
    items: tuple[TranscriptItem, ...]
    judge_title: str = "执行员"  # the officer's post: 执行员, 法官助理, 审判员 … (see post_title)
    clerk_title: str = "书记员"
    date_style: str = CHINESE  # the document_date_style setting


#: Posts a transcript names its people by, each with the mark that starts what the person says in the
#: transcript: one character where usage has one (审判员 → 审：, as in the rule book's template;
#: 执行员 → 执：; 书记员 → 书：), the whole post otherwise (法官助理：).
#: Any other title (执行局局长, 副院长 …) or none falls back (see :func:`post_title`).
TRANSCRIPT_POSTS: dict[str, str] = {
    "审判长": "审", "审判员": "审", "执行法官": "执", "执行员": "执", "法官助理": "法官助理",
    "书记员": "书", "司法警察": "司法警察",
}


def post_title(title: str | None, fallback: str) -> str:
    """The title a transcript prints before a person's name: their post if it is one a transcript
    uses (执行员, 法官助理, 书记员 …), else ``fallback``."""
    text = (title or "").strip()
    return text if text in TRANSCRIPT_POSTS else fallback


def closing(officer_title: str) -> str:
    """The officer's closing line under their mark: 「执：当事人核对笔录，无误后签字。」 for a 执行员."""
    return f"{TRANSCRIPT_POSTS.get(officer_title, officer_title)}：{CLOSING}"


def build_seizure_transcript(c: SeizureTranscriptContent) -> Document:
    officer, clerk = require(c.judge_title, "承办人职务"), require(c.clerk_title, "书记员职务")
    f = {
        "法院名称": c.court_name,
        "案号": c.case_number,
        "地点": c.place,
        "承办人": c.judge,
        "书记员": c.clerk,
        "当事人": c.party,
        "案件": c.case_words,
    }
    if not c.items:
        require("", "查封措施")
    style = c.date_style
    rows = tuple(
        (str(i), require(item.target, "查封标的"),
         f"{court_date(item.term_start, style)}至\n{court_date(item.term_end, style)}")
        for i, item in enumerate(c.items, 1)
    )
    blocks = (
        Paragraph(fill("{法院名称}", f), indent=False, align="center", role="title", size=_COURT_SIZE),
        Title("查封措施告知笔录"),
        CaseNumberLine(fill("{案号}", f)),
        Paragraph(f"时间：{court_time(c.held_at, style)}", indent=False, align="left"),
        Paragraph(fill("地点：{地点}", f), indent=False, align="left"),
        Paragraph(fill(f"{officer}：{{承办人}}", f), indent=False, align="left"),
        Paragraph(fill(f"{clerk}：{{书记员}}", f), indent=False, align="left"),
        Paragraph(fill("当事人：{当事人}", f), indent=False, align="left"),
        Paragraph(fill(INTRO, f)),
        Table(
            columns=(Column("序号", 0.5), Column("查封标的", 3.0, "left"), Column("查封期间", 2.5)),
            rows=rows,
            size=_TABLE_SIZE,
            min_row_height_mm=10.0,
        ),
        # the closing keeps with the table's last row: the signatures never stand alone on a page
        Paragraph(WARNING, keep_with_previous=True),
        Paragraph(PARTY_ANSWER, keep_with_previous=True),
        Paragraph(closing(officer), keep_with_previous=True),  # no spacer: three measures and the signatures fit
        # left-aligned: a right-aligned line ends in the blank, and Word/WPS drop trailing (blank) spaces
        SignatureLine((("当事人（签名）：", ""),), blank_chars=8, keep_with_previous=True),
        SignatureLine(((f"{officer}（签名）：", ""), (f"{clerk}（签名）：", "")), blank_chars=6,
                      keep_with_previous=True),
    )
    # a transcript is signed page by page: the party and the officer sign at the foot of every page
    # (a band the body never runs into), and a multi-page one is numbered 第 x 页 共 y 页
    per_page = SignatureLine((("当事人（签名）：", ""), (f"{officer}（签名）：", "")), blank_chars=6)
    return Document(title=f"查封措施告知笔录{c.case_number}", blocks=blocks, page=TRANSCRIPT_PAGE,
                    page_signature=(per_page,))
