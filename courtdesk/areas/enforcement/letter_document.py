"""调查函 — the investigation letter of the enforcement bureau, in three parts on separate pages.

The text follows the court's template (the rule book's 调查函 存根 / 调查函 / 复函):

1. 存根 (stub, kept in the register): court name, case number, 调查对象, 发往单位, 调查问题 and the
   box where the postal return receipt is pasted (邮寄回单联粘贴处);
2. 调查函 (the letter): addressee, the body filled from the case, 此致, the court centred over the date
   (右空四字), and the footnote with the handling officer's WeChat ID and phone and the court's address and postcode;
3. 复函 (the reply form the unit fills in): the person's identity number, every question with 答：,
   以上回复保证真实。, （单位印章） centred over the date, 经办人 and 联系电话 (left blank for the unit).

The builder takes finished data (:class:`InvestigationLetterContent`); the enforcement service reads it
from the case, the officer's profile and the settings. Every field is required (:func:`fill`), so a
letter never goes out with an empty blank where the court's data belongs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from courtdesk.kernel.documents.dates import CHINESE, court_date
from courtdesk.kernel.documents.model import (
    SIZE_4HAO,
    Block,
    Box,
    CaseNumberLine,
    Document,
    PageBreak,
    PageSetup,
    Paragraph,
    SignatureLine,
    Spacer,
    Title,
    fill,
    require,
)

#: The four standard questions of the template (editable per letter).
STANDARD_QUESTIONS: tuple[str, ...] = (
    "被执行人是否在此地居住？",
    "被执行人是否有工作单位？",
    "被执行人是否有土地、房产？是否有土地补偿金等？",
    "被执行人是否有其他财产？如养老金、公积金、不动产、保险、债权、股权、应收账款等？",
)
MAX_QUESTIONS = 10
_CN_NUMBERS = "一二三四五六七八九十"
#: The reply form asks some standard questions in its own words (the rule book's 复函 template: the
#: third without 「房产」, which the fourth's 「不动产」 covers).
REPLY_WORDING: dict[str, str] = {
    STANDARD_QUESTIONS[2]: "被执行人是否有土地？是否有土地补偿金等？",
}

#: The body sentence of the letter (the template's wording, fields in braces).
BODY = (
    "关于{申请执行人}与{被执行人}申请执行纠纷一案，我院依法向{被执行人}发出执行通知书，"
    "但被执行人未按要求履行。经查{被执行人}住所地为{住所地}，属于你单位辖区，为查清事实，"
    "现向你单位发函调查相关问题，请予以配合。"
)
NOTE = "注：请填写复函并加盖印章，回寄或微信发送我院"
NOTE_NO_WECHAT = "注：请填写复函并加盖印章，回寄我院"
REPLY_INTRO = "针对你院调查内容，现就被执行人{被执行人}（{证件}：{证件号码}）的相关情况，回复如下："
REPLY_PROMISE = "以上回复保证真实。"

#: A4 with the GB/T 9704 margins, 四号 text on a 28 × 31 grid: the reply form keeps room for the
#: answers and each part stays on one page.
LETTER_PAGE = PageSetup(body_size=SIZE_4HAO, grid=(28, 31))
_COURT_SIZE = 18.0  # 小二: the court's name above the title
_TITLE_SIZE = 22.0  # 二号


@dataclass(frozen=True)
class InvestigationLetterContent:
    court_name: str  # 河北省廊坊经济技术开发区人民法院
    court_short_name: str  # 廊坊经济技术开发区人民法院 (the reply form's addressee)
    letter_number: str  # (2026)执调字第0001号
    case_number: str  # (2026)冀1091执123号
    applicants: str  # 申请执行人, joined with 、
    respondent: str  # 调查对象 (a 被执行人 of the case)
    id_label: str  # 身份证号 / 统一社会信用代码
    id_number: str
    domicile: str  # 住所地
    unit_name: str  # 发往单位
    questions: tuple[str, ...]
    letter_date: dt.date
    officer_name: str
    officer_wechat: str  # may be empty: the note then asks for a reply by post only
    officer_phone: str
    court_address: str
    postcode: str
    date_style: str = CHINESE  # the document_date_style setting


def _fields(c: InvestigationLetterContent) -> dict[str, object]:
    return {
        "法院名称": c.court_name,
        "法院简称": c.court_short_name,
        "发函编号": c.letter_number,
        "案号": c.case_number,
        "申请执行人": c.applicants,
        "被执行人": c.respondent,
        "证件": c.id_label,
        "证件号码": c.id_number,
        "住所地": c.domicile,
        "发往单位": c.unit_name,
        "承办人": c.officer_name,
        "微信号": c.officer_wechat,
        "联系电话": c.officer_phone,
        "地址": c.court_address,
        "邮编": c.postcode,
    }


def _questions(c: InvestigationLetterContent) -> tuple[str, ...]:
    questions = tuple(q.strip() for q in c.questions if q and q.strip())
    if not questions:
        require("", "调查问题")
    return questions[:MAX_QUESTIONS]


def _court_heading(f: dict[str, object], title: str) -> tuple[Block, ...]:
    return (
        Paragraph(fill("{法院名称}", f), indent=False, align="center", role="title", size=_COURT_SIZE),
        Title(title, size=_TITLE_SIZE),
    )


def stub_blocks(c: InvestigationLetterContent) -> tuple[Block, ...]:
    f = _fields(c)
    questions = _questions(c)
    lead = "调查问题："
    pad = "　" * len(lead)  # the following questions line up under the first
    return (
        *_court_heading(f, "调查函（存根）"),
        CaseNumberLine(fill("{案号}", f)),
        Spacer(0.5),
        Paragraph(fill("调查对象：{被执行人}（{证件}：{证件号码}）", f), indent=False, align="left"),
        Paragraph(fill("发往单位：{发往单位}", f), indent=False, align="left"),
        *(Paragraph(f"{lead if i == 1 else pad}{i}、{q}", indent=False, align="left",
                    hang=len(lead) + len(f"{i}、"))  # a long question wraps under its own text
          for i, q in enumerate(questions, 1)),
        Spacer(1),
        # never a page of its own: the box goes over with the last question
        Box("邮寄回单联粘贴处", height_mm=75, keep_with_previous=True),
    )


def letter_blocks(c: InvestigationLetterContent) -> tuple[Block, ...]:
    f = _fields(c)
    if c.officer_wechat.strip():
        note, contact = NOTE, "承办人：{承办人}（微信号：{微信号}）　联系电话：{联系电话}"
    else:
        note, contact = NOTE_NO_WECHAT, "承办人：{承办人}　联系电话：{联系电话}"
    return (
        *_court_heading(f, "调查函"),
        CaseNumberLine(fill("{案号}", f)),
        Spacer(0.5),
        Paragraph(fill("{发往单位}：", f), indent=False, align="left"),
        Paragraph(fill(BODY, f)),
        # the closing (此致, 落款, date, the note, 承办人 and 地址) keeps with the body's last line: it
        # never starts a page, and the 承办人/地址 lines are never alone on one
        Paragraph("此致", align="left", keep_with_previous=True),
        Spacer(2),
        # the court centred over the date, the date 右空四字 (GB/T 9704-2012 §7.3.5.1)
        SignatureLine.official(fill("{法院名称}", f), court_date(c.letter_date, c.date_style),
                               keep_with_previous=True),
        Spacer(3),
        Paragraph(note, indent=False, align="left", size=12.0, keep_with_previous=True),
        Paragraph(fill(contact, f), indent=False, align="left", size=12.0, keep_with_previous=True),
        Paragraph(fill("地址：{地址}　邮编：{邮编}", f), indent=False, align="left", size=12.0,
                  keep_with_previous=True),
    )


def reply_blocks(c: InvestigationLetterContent) -> tuple[Block, ...]:
    f = _fields(c)
    questions = _questions(c)
    # Room to write each answer. The page keeps several grid lines spare: Word or LibreOffice with
    # fallback fonts (wider Latin, other metrics) wrap a line or two more than our PDF, and the
    # signature line must never be pushed onto a page of its own.
    answer_room = 1.5 if len(questions) <= 4 else 0.5
    items: list[Block] = []
    for i, q in enumerate(questions):
        items.append(Paragraph(f"{_CN_NUMBERS[i]}、{REPLY_WORDING.get(q, q)}"))
        items.append(Paragraph("答：", indent=False, align="left"))
        items.append(Spacer(answer_room))
    return (
        Title("复函", size=_TITLE_SIZE),
        Spacer(0.5),
        Paragraph(fill("{法院简称}：", f), indent=False, align="left"),
        Paragraph(fill(REPLY_INTRO, f), align="left"),
        *items,
        # the closing keeps with the last answer: the seal, date and 经办人 are never alone on a page
        Paragraph(REPLY_PROMISE, keep_with_previous=True),
        SignatureLine.official("（单位印章）", "年　　月　　日", keep_with_previous=True),  # where the unit signs and seals
        Spacer(0.5),
        SignatureLine((("经办人：", ""), ("联系电话：", "")), blank_chars=8, keep_with_previous=True),
    )


def build_investigation_letter(c: InvestigationLetterContent) -> Document:
    """The letter's three parts, each from a new page; the letter number heads every page. The parts
    go separate ways (the stub stays, the letter and the reply form are posted), so each is a part of
    its own: a part that runs over a page is numbered 「第 x 页 共 y 页」 within itself."""
    number = require(c.letter_number, "发函编号")
    return Document(
        title=f"调查函{number}",
        blocks=(*stub_blocks(c), PageBreak(new_part=True), *letter_blocks(c), PageBreak(new_part=True),
                *reply_blocks(c)),
        page=LETTER_PAGE,
        header=f"发函编号：{number}",
    )
