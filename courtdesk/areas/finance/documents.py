"""The printed forms of the finance area (SPEC §3; 《办公室财务管理办法》第5–14条), through the document engine.

* 支出报销单 / 差旅费报销单 (``expense_claim``): one kind for every claim past its draft, the form chosen
  by the claim's kind. A 差旅费报销单 as a court's finance office knows it: the trip (travellers, places,
  dates, transport, 住宿标准 class), the itinerary leg by leg (起止日期、起止地点、交通工具、车船费; one row
  made from the trip for a claim without legs), then each expense with its 天数 and 标准; a 支出报销单 its
  expense lines. Each line's receipts; once finance has registered the claim its 核定金额, and where a
  line was cut its 核减 with the reason; the finance leader's written approval of an amount above the
  standards. The total in figures and in capitals (人民币…整) in fixed cells — the 核定 total once
  registered, the amount claimed before. For a claim set against an advance: 预借金额 / 补领金额 /
  退还金额. Signature boxes for every role of the flow (报销人、分管财务院领导、财务审核、出纳、领款人): the
  names and dates from the workflow history, room to sign by hand.
* 报销票据粘贴单 (``receipt_paste_sheet``): the claim's receipts grouped by type and, inside a group,
  ordered by amount, largest first (第9条(3)(4)), each group with its count and total.
* 领款签收单 (``claim_payment_receipt``): for a paid claim, what the applicant received and signs for
  (never for ¥0.00: a claim its advance covered in full hands no money over).
* 借支单 (``advance_slip``): the request with its reasons, approval and payment (signature boxes), and
  the repayment (还款事项, 第11条): the part of the advance each claim set off, cash handed back,
  difference paid out; the 还款记录 event by event with court-style dates.

Builders take finished content (dataclasses), so the capitals and the figures of one total are always
made from one amount in fen (:func:`amount_row`), and an amount never breaks across lines (the engine
keeps it whole, :data:`courtdesk.kernel.documents.textlayout.AMOUNT`; the forms give it a cell of its own).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courtdesk.areas.finance import advances, standards
from courtdesk.areas.finance.claims import (
    CLAIM_FORM_KIND,
    CLAIM_WORKFLOW,
    KINDS,
    PASTE_SHEET_KIND,
    PAYMENT_RECEIPT_KIND,
    RECEIPT_TYPES,
    SET_OFF_ONLY,
)
from courtdesk.areas.finance.claims import REGISTER_KEY as CLAIM_ENTITY
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.kernel import clock, settings, workflow
from courtdesk.kernel.documents.dates import CHINESE, court_date
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.documents.model import (
    SIZE_5HAO,
    SIZE_XIAO4,
    Align,
    Block,
    Box,
    CaseNumberLine,
    Column,
    Document,
    Heading,
    PageSetup,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    Title,
    require,
)
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.money import amount_in_words, format_yuan, from_fen
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse

#: A4 portrait, 小四 text with natural spacing: a form, not a GB/T 9704 letter. 25 mm on the bound
#: (left) edge, 15 mm on the right and 18 mm top and bottom, so a 差旅费报销单 with a return trip's itinerary,
#: its expenses and the signature boxes fits one sheet, an allowance's 摘要 (4 天 × 100 元 × 1 人) one line.
FORM_PAGE = PageSetup(top_mm=18.0, bottom_mm=18.0, left_mm=25.0, right_mm=15.0, body_size=SIZE_XIAO4, grid=None)
_COURT_SIZE = 15.0
_TITLE_SIZE = 20.0
_TABLE_SIZE = SIZE_5HAO
_GROUP_NUMBERS = "一二三四五六七八九十"
#: A date not yet signed: printed as the blank a clerk fills in by hand.
BLANK_DATE = "　　　年　　月　　日"
#: Space between the parts of a form (tables never touch each other), in text lines.
_GAP = 0.3
#: Widths of the forms' cells in points (五号 text, 3 pt padding each side): an amount up to
#: ¥9,999,999.99 — ten times the default ceiling of a claim — stands whole in its cell, as do a court
#: date (二〇二六年十二月二十一日), a 标准 (500元/人·晚) and the longest category (城市间交通费).
_MONEY = 68.0
_SERIAL = 28.0
_COURT_DAY = 134.0


def _columns(*specs: tuple[str, float | None, Align]) -> tuple[Column, ...]:
    """A form table's columns, widths in points; the one column of width None takes what is left of
    the line (the free text: 摘要, 起止地点, 签名)."""
    frame = page_geometry(FORM_PAGE).frame_width
    rest = max(frame - sum(w for _h, w, _a in specs if w is not None), 2 * _SERIAL)
    return tuple(Column(header, rest if width is None else width, align) for header, width, align in specs)


#: 城市间交通费: the category the itinerary's fares (车船费) make up.
TRANSPORT = "城市间交通费"


def yuan(fen: int) -> str:
    """Figures: ¥1,234.50."""
    return format_yuan(from_fen(fen))


def capitals(fen: int) -> str:
    """Capitals: 人民币壹仟贰佰叁拾肆元伍角整."""
    return amount_in_words(from_fen(fen), prefix=True)


def amount_row(label: str, fen: int) -> Table:
    """``label（大写）：｜人民币…整｜（小写）：｜¥…`` — both from the one amount, each in a cell of its own:
    the capitals never run on into the figures, and neither breaks across the other's line. With a label
    of up to four characters the capitals of any amount below ¥100,000,000 fit their cell on one line."""
    words = f"{label}（大写）："
    return Table(_columns(("", max(104.0, len(words) * _TABLE_SIZE + 8), "center"), ("", None, "left"),
                          ("", 60.0, "center"), ("", _MONEY + 4, "right")),
                 ((words, capitals(fen), "（小写）：", yuan(fen)),),
                 header=False, size=_TABLE_SIZE, min_row_height_mm=8.0)


# --- content --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Signed:
    """One step of the flow as signed on the form: who and when (empty: not yet, a blank to sign)."""

    name: str = ""
    day: dt.date | None = None


@dataclass(frozen=True)
class LineContent:
    category: str
    description: str
    amount_fen: int
    receipts: int
    #: A travel line's remark: 「超标准」 above its standard, 「按标准」 an allowance within it.
    remark: str = ""
    #: 天数 as printed (「3晚」, 「4天」, 「6人·晚」; 「—」 where it does not apply) and the 标准 per unit
    #: (「500元/人·晚」, 「100元/人·天」).
    days: str = ""
    standard: str = ""
    #: 核定金额 (None until finance registers the claim) and the reason of a 核减.
    approved_fen: int | None = None
    cut_reason: str = ""

    @property
    def payable_fen(self) -> int:
        return self.amount_fen if self.approved_fen is None else self.approved_fen

    @property
    def cut_fen(self) -> int:
        return self.amount_fen - self.payable_fen


@dataclass(frozen=True)
class LegContent:
    """One row of the itinerary: a leg, or the trip as one row for a claim without legs."""

    depart_on: dt.date
    depart_from: str
    arrive_on: dt.date
    arrive_at: str
    transport: str
    fare_fen: int  # 0: no ticket (公务用车)


@dataclass(frozen=True)
class SettlementContent:
    """预借金额 / 补领金额 / 退还金额 of a claim set against an advance: 核定 = 预借 + 补领 − 退还."""

    advanced_fen: int
    topped_up_fen: int
    handed_back_fen: int


@dataclass(frozen=True)
class ReceiptContent:
    receipt_type: str
    invoice_number: str
    issued_on: dt.date
    amount_fen: int
    line_no: int | None
    position: int = 0


@dataclass(frozen=True)
class ClaimContent:
    court_name: str
    number: str
    kind: str  # general / travel
    applicant: str
    department: str
    purpose: str
    filed_on: dt.date
    lines: tuple[LineContent, ...]
    receipts: tuple[ReceiptContent, ...] = ()
    submitted_on: dt.date | None = None
    travellers: str = ""
    trip_start: dt.date | None = None
    trip_end: dt.date | None = None
    places: str = ""
    transport: str = ""
    #: The itinerary (行程), leg by leg; empty for a claim filed without legs (one row is made from the
    #: trip, see :func:`itinerary`).
    legs: tuple[LegContent, ...] = ()
    #: Travel standards (.standards): the city class, the persons, the standards in a sentence, each flag.
    city_class: str = ""
    persons: int = 0
    standards: str = ""
    over_standard: tuple[str, ...] = ()
    #: The finance leader's written approval to keep an amount above the standards (printed when given).
    over_standard_approval: str = ""
    #: 附单据 N 张 (the receipts registered; None: count the receipts given).
    receipt_count: int | None = None
    #: 核定金额合计 once finance has registered the claim (None before).
    approved_total_fen: int | None = None
    advance_number: str = ""
    advance_fen: int = 0
    settlement: SettlementContent | None = None
    payable_fen: int | None = None
    approved: Signed = field(default_factory=Signed)
    checked: Signed = field(default_factory=Signed)
    paid: Signed = field(default_factory=Signed)
    signed: Signed = field(default_factory=Signed)
    #: The checker took the pay step too (an office of two): both boxes carry the one name.
    checker_paid: bool = False
    pay_method: str = ""
    batch_number: str = ""
    date_style: str = CHINESE

    @property
    def total_fen(self) -> int:
        """The amount claimed (申报)."""
        return sum(line.amount_fen for line in self.lines)

    @property
    def registered(self) -> bool:
        return self.approved_total_fen is not None

    @property
    def final_fen(self) -> int:
        """What the form's total says: the 核定 total once registered, the amount claimed before."""
        return self.approved_total_fen if self.approved_total_fen is not None else self.total_fen

    @property
    def attached(self) -> int:
        if self.receipt_count is not None:
            return self.receipt_count
        return len(self.receipts) or sum(ln.receipts for ln in self.lines)

    @property
    def title(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class AdvanceContent:
    court_name: str
    number: str
    applicant: str
    department: str
    purpose: str
    reasons: str
    amount_fen: int
    requested_on: dt.date
    state: str
    approved: Signed = field(default_factory=Signed)
    paid: Signed = field(default_factory=Signed)
    #: (claim number, the part of the advance it cleared, the claim's total): a ¥2,546 claim clears a
    #: ¥2,000 advance by ¥2,000, the ¥546 beyond it is paid out (补付)
    set_off: tuple[tuple[str, int, int], ...] = ()
    set_off_fen: int = 0
    returned_fen: int = 0
    difference_paid_fen: int = 0
    #: Cash still out (尚未冲抵或交回) as the advance's ledger says (None: from the figures above).
    outstanding_fen: int | None = None
    #: The ledger's events as recorded (「2026-05-18 交回现金 ¥100.00（钱红经手）」), in order.
    remarks: tuple[str, ...] = ()
    date_style: str = CHINESE
    trip_start: dt.date | None = None
    trip_end: dt.date | None = None


# --- builders -------------------------------------------------------------------------------------

def _date(day: dt.date | None, style: str) -> str:
    return court_date(day, style) if day else ""


def _heading(court: str, title: str, number: str, attached: int | None = None) -> tuple[Block, ...]:
    numbered = f"编号：{require(number, '编号')}"
    if attached is not None:  # 附单据 N 张, at the top right as on the paper form
        numbered = f"附单据 {attached} 张　　{numbered}"
    return (
        Paragraph(require(court, "法院名称"), indent=False, align="center", role="title", size=_COURT_SIZE),
        Title(title, size=_TITLE_SIZE),
        CaseNumberLine(numbered, size=_TABLE_SIZE),
    )


def _facts(pairs: Sequence[tuple[str, str]]) -> Table:
    """Label/value pairs, two to a row, as a bordered table without a header."""
    rows: list[tuple[str, ...]] = []
    items = list(pairs)
    for i in range(0, len(items), 2):
        first, second = items[i], items[i + 1] if i + 1 < len(items) else ("", "")
        rows.append((first[0], first[1], second[0], second[1]))
    return Table((Column("", 1.0), Column("", 2.2, "left"), Column("", 1.0), Column("", 2.2, "left")),
                 tuple(rows), header=False, size=_TABLE_SIZE, min_row_height_mm=7.0)


def continued(title: str, number: str) -> str:
    """The header of a form's continuation pages: its title and number (「支出报销单（续）　编号：…」),
    so a second sheet that comes loose says what it belongs to."""
    return f"{title}（续）　编号：{number}"


def _note(text: str) -> Paragraph:
    return Paragraph(text, indent=False, align="left", size=_TABLE_SIZE)


def signature_boxes(rows: Sequence[tuple[str, Signed]], style: str) -> Table:
    """A box for every role that acts on the paper: the role, the name the workflow history records,
    room to sign by hand, and the date (the blank 「年　月　日」 while the step is not taken)."""
    return Table(_columns(("签字人", 144.0, "center"), ("姓名（系统记录）", 112.0, "center"), ("签名", None, "center"),
                          ("日期", _COURT_DAY, "center")),
                 tuple((role, who.name, "", _date(who.day, style) or BLANK_DATE) for role, who in rows),
                 size=_TABLE_SIZE, min_row_height_mm=8.0, keep_together=True)


def pay_role(method: str) -> str:
    """The 出纳's box: 出纳（支付，转账）; a claim its advance covered in full: 出纳（冲抵借支，无需支付）."""
    if method == SET_OFF_ONLY:
        return f"出纳（{method}）"
    return f"出纳（支付，{method}）" if method else "出纳（支付）"


def _claim_signatures(c: ClaimContent) -> Table:
    paid = c.paid
    if c.checker_paid and paid.name:  # an office of two: the checker paid, and both boxes say so
        paid = Signed(f"{paid.name}（审核人兼）", paid.day)
    return signature_boxes((
        ("报销人", Signed(c.applicant, c.submitted_on)),
        ("分管财务院领导（审批）", c.approved),
        ("财务审核（审核登记）", c.checked),
        (pay_role(c.pay_method), paid),
        ("领款人", c.signed),
    ), c.date_style)


def _short_day(day: dt.date, year: int) -> str:
    """5月8日 in an itinerary cell (the year only when it is not the trip's)."""
    return f"{day.month}月{day.day}日" if day.year == year else f"{day.year}年{day.month}月{day.day}日"


def itinerary(c: ClaimContent) -> tuple[LegContent, ...]:
    """The legs of a travel claim; for a claim filed without legs, the trip as one row: its dates, its
    places there and back, its transport and the 城市间交通费 it claims."""
    if c.legs:
        return c.legs
    if c.trip_start is None or c.trip_end is None:
        return ()
    fares = sum(ln.amount_fen for ln in c.lines if ln.category == TRANSPORT)
    return (LegContent(c.trip_start, "", c.trip_end, f"{c.places}（往返）", c.transport, fares),)


def _itinerary_table(c: ClaimContent) -> Table | None:
    legs = itinerary(c)
    if not legs:
        return None
    year = (c.trip_start or legs[0].depart_on).year
    rows: list[tuple[str, ...]] = []
    for i, leg in enumerate(legs, 1):
        days = _short_day(leg.depart_on, year)
        if leg.arrive_on != leg.depart_on:
            days += f"—{_short_day(leg.arrive_on, year)}"
        places = f"{leg.depart_from}—{leg.arrive_at}" if leg.depart_from else leg.arrive_at
        rows.append((str(i), days, places, leg.transport, yuan(leg.fare_fen) if leg.fare_fen else "—"))
    if len(legs) > 1:
        rows.append(("", "合计", "", "", yuan(sum(leg.fare_fen for leg in legs))))
    return Table(_columns(("序号", _SERIAL, "center"), ("起止日期", 104.0, "center"), ("起止地点", None, "left"),
                          ("交通工具", 52.0, "center"), ("车船费", _MONEY, "right")), tuple(rows), size=_TABLE_SIZE)


def _lines_table(c: ClaimContent) -> Table:
    """The expense lines: for a trip with 天数 and 标准; once registered with 申报金额 and 核定金额 side by
    side (each line's 核减 and its reason follow under the table, :func:`_cut_notes`)."""
    travel = c.kind == "travel"
    specs: list[tuple[str, float | None, Align]] = [
        ("序号", _SERIAL, "center"), ("费用项目" if travel else "费用类别", 70.0 if travel else 50.0, "center"),
        ("摘要", None, "left")]
    if travel:
        specs += [("天数", 44.0, "center"), ("标准", 68.0, "center")]
    specs += [("单据张数", 30.0 if travel else 48.0, "center"),
              ("申报金额" if c.registered else "金额", _MONEY, "right")]
    if c.registered:  # 核减 itself, with its reason, is said under the table
        specs.append(("核定金额", _MONEY, "right"))
    elif travel:
        specs.append(("备注", 40.0, "center"))
    columns = _columns(*specs)

    def cells(first: str, name: str, text: str, days: str, standard: str, receipts: str, amount: int,
              approved: int, remark: str) -> tuple[str, ...]:
        row = [first, name, text] + ([days, standard] if travel else []) + [receipts, yuan(amount)]
        if c.registered:
            row.append(yuan(approved))
        elif travel:
            row.append(remark)
        return tuple(row)

    rows = [cells(str(i), ln.category, ln.description, ln.days or "—", ln.standard or "—", str(ln.receipts),
                  ln.amount_fen, ln.payable_fen, ln.remark) for i, ln in enumerate(c.lines, 1)]
    rows.append(cells("", "合计", "", "", "", str(sum(ln.receipts for ln in c.lines)), c.total_fen,
                      c.final_fen, ""))
    return Table(columns, tuple(rows), size=_TABLE_SIZE)


def _cut_notes(c: ClaimContent) -> list[Block]:
    """核减: each line finance cut, by how much and why."""
    if not c.registered:
        return []
    out: list[Block] = []
    for i, ln in enumerate(c.lines, 1):
        if ln.cut_fen:
            reason = f"，理由：{ln.cut_reason}" if ln.cut_reason.strip() else ""
            out.append(_note(f"核减：第{i}行{ln.category} 申报 {yuan(ln.amount_fen)}，核定 {yuan(ln.payable_fen)}，"
                             f"核减 {yuan(ln.cut_fen)}{reason}"))
    if c.final_fen != c.total_fen:
        out.append(_note(f"申报金额合计 {yuan(c.total_fen)}，核减 {yuan(c.total_fen - c.final_fen)}，"
                         f"核定金额合计 {yuan(c.final_fen)}"))
    return out


def _settlement_blocks(c: ClaimContent) -> list[Block]:
    """The advance the claim is set against, and 预借 / 补领 / 退还 once finance has registered it."""
    if not c.advance_number:
        return []
    line = f"冲抵借支：{c.advance_number}（借支金额 {yuan(c.advance_fen)}）"
    if c.settlement is None:
        return [_note(line + "；预借、补领、退还金额于财务审核登记后确定")]
    s = c.settlement
    return [_note(line), Table(
        (Column("", 1.0), Column("", 1.6, "right"), Column("", 1.0), Column("", 1.6, "right"),
         Column("", 1.0), Column("", 1.6, "right")),
        (("预借金额", yuan(s.advanced_fen), "补领金额", yuan(s.topped_up_fen), "退还金额", yuan(s.handed_back_fen)),),
        header=False, size=_TABLE_SIZE, min_row_height_mm=8.0)]


def claim_document(c: ClaimContent) -> Document:
    """支出报销单 or 差旅费报销单 of one claim."""
    style = c.date_style
    travel = c.kind == "travel"
    pairs: list[tuple[str, str]] = [
        ("报销人", require(c.applicant, "报销人")), ("部门", c.department or "—"),
        ("填报日期", _date(c.filed_on, style)), ("提交日期", _date(c.submitted_on, style) or "—"),
    ]
    if travel:
        days = standards.trip_days(c.trip_start, c.trip_end)
        pairs += [
            ("出差人", require(c.travellers, "出差人")), ("出差人数", f"{c.persons}人"),
            ("出差地点", require(c.places, "出差地点")),
            ("住宿标准", f"{c.city_class}地区" if c.city_class else "未选择"),
            ("出发日期", _date(c.trip_start, style)), ("返回日期", _date(c.trip_end, style)),
            ("出差天数", f"{days}天"), ("交通工具", require(c.transport, "交通工具")),
        ]
    blocks: list[Block] = [
        *_heading(c.court_name, c.title, c.number, c.attached),
        _facts(pairs),
        _note(f"{'出差事由' if travel else '报销事由'}：{require(c.purpose, '报销事由')}"),
    ]
    if travel and c.standards:
        blocks.append(_note(f"差旅费标准：{c.standards}"))
    legs = _itinerary_table(c) if travel else None
    if legs is not None:
        blocks += [legs, Spacer(_GAP)]
    blocks.append(_lines_table(c))
    blocks += [_note(f"超标准：{flag}") for flag in c.over_standard]
    if c.over_standard_approval.strip():
        blocks.append(_note(f"超标准审批（分管财务院领导）：{c.over_standard_approval.strip()}"))
    blocks += _cut_notes(c)
    blocks += [Spacer(_GAP), amount_row("核定金额" if c.registered else "合计金额", c.final_fen)]
    blocks += _settlement_blocks(c)
    if c.batch_number:
        blocks.append(_note(f"报送区财政局批次：{c.batch_number}"))
    blocks += [Spacer(_GAP), _claim_signatures(c)]
    # the number in the footer: a second sheet of a long claim says whose it is
    return Document(title=f"{c.title}{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    footer=f"{c.number}　第 {{page}} 页 共 {{pages}} 页", continuation=continued(c.title, c.number))


def paste_groups(receipts: Sequence[ReceiptContent]) -> list[tuple[str, list[ReceiptContent]]]:
    """Receipts grouped by type (in the order of :data:`RECEIPT_TYPES`, unknown types last) and, in a
    group, by amount, largest first, then as registered (第9条(3)(4))."""
    order = {t: i for i, t in enumerate(RECEIPT_TYPES)}
    groups: dict[str, list[ReceiptContent]] = {}
    for r in receipts:
        groups.setdefault(r.receipt_type, []).append(r)
    return [(t, sorted(rs, key=lambda r: (-r.amount_fen, r.position)))
            for t, rs in sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]


def paste_sheet_document(c: ClaimContent) -> Document:
    """报销票据粘贴单: the receipts of a claim as they are to be pasted, group by group."""
    style = c.date_style
    blocks: list[Block] = [
        *_heading(c.court_name, "报销票据粘贴单", c.number),
        Paragraph(f"报销人：{require(c.applicant, '报销人')}　部门：{c.department or '—'}　{c.title}",
                  indent=False, align="left"),
        Paragraph(f"报销事由：{require(c.purpose, '报销事由')}", indent=False, align="left"),
        _note("粘贴要求：同类票据粘贴在一起，按金额由大到小层次排列，露出票面金额（第9条(3)(4)(5)）。"),
    ]
    total = 0
    for index, (kind, receipts) in enumerate(paste_groups(c.receipts)):
        subtotal = sum(r.amount_fen for r in receipts)
        total += subtotal
        number = _GROUP_NUMBERS[index] if index < len(_GROUP_NUMBERS) else str(index + 1)
        if index:  # a group's heading stands apart from the table above it
            blocks.append(Spacer(_GAP))
        blocks.append(Heading(f"{number}、{kind}　{len(receipts)}张　小计 {yuan(subtotal)}", size=SIZE_XIAO4))
        rows = [(str(i), r.invoice_number, _date(r.issued_on, style),
                 f"第{r.line_no}行" if r.line_no else "—", yuan(r.amount_fen)) for i, r in enumerate(receipts, 1)]
        blocks.append(Table(_columns(("序号", _SERIAL, "center"), ("票据号码", None, "center"),
                                     ("开票日期", _COURT_DAY, "center"), ("对应明细", 60.0, "center"),
                                     ("金额", _MONEY + 10, "right")), tuple(rows), size=_TABLE_SIZE))
    blocks += [
        Paragraph(f"票据共 {len(c.receipts)} 张，{len(paste_groups(c.receipts))} 类", indent=False, align="left"),
        amount_row("票据合计", total),  # the label is short: the capitals of any amount fit their cell
        Spacer(0.5),
        Box("原始票据粘贴处（按上列顺序自上而下层次粘贴）", height_mm=60),
        SignatureLine((("报销人（签名）：", ""), ("经办财务（签名）：", "")), blank_chars=6),
    ]
    return Document(title=f"报销票据粘贴单{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    footer=f"{c.number}　第 {{page}} 页 共 {{pages}} 页", continuation=continued("报销票据粘贴单", c.number))


def received_fen(c: ClaimContent) -> int:
    """What the applicant received on a paid claim: the amount paid beyond any advance."""
    if c.payable_fen is not None:
        return c.payable_fen
    return c.final_fen


def payment_receipt_document(c: ClaimContent) -> Document:
    """领款签收单 of a paid claim: what the applicant received, to sign for. Refused for a claim that
    hands no money over (its advance covered it in full: 应付 ¥0.00)."""
    style = c.date_style
    paid = received_fen(c)
    if paid <= 0:
        raise ValidationError(
            f"实领金额：报销单 {c.number} 已全额冲抵借支，应付报销人 {yuan(0)}，无款可领，不出具领款签收单",
            field="实领金额")
    pairs: list[tuple[str, str]] = [
        ("报销单号", c.number), ("报销单类别", c.title),
        ("领款人", require(c.applicant, "领款人")), ("部门", c.department or "—"),
        ("核定金额" if c.registered else "报销金额", yuan(c.final_fen)), ("支付方式", require(c.pay_method, "支付方式")),
    ]
    if c.advance_number:
        pairs += [("冲抵借支", c.advance_number), ("借支金额", yuan(c.advance_fen))]
    blocks: list[Block] = [
        *_heading(c.court_name, "领款签收单", c.number),
        _facts(pairs),
        _note(f"报销事由：{require(c.purpose, '报销事由')}"),
        Spacer(_GAP),
        amount_row("实领金额", paid),
    ]
    if c.advance_number:
        blocks.append(_note(f"{'核定' if c.registered else '报销'}金额 {yuan(c.final_fen)}，其中冲抵借支 "
                            f"{yuan(c.final_fen - paid)}，实领 {yuan(paid)}"))
    blocks += [
        Paragraph("本人已如数领到上列报销款，特此签收。", align="left"),
        Spacer(0.5),
        signature_boxes(((pay_role(c.pay_method), Signed(require(c.paid.name, "支付人"), c.paid.day)),
                         ("领款人", c.signed)), style),
    ]
    return Document(title=f"领款签收单{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    continuation=continued("领款签收单", c.number))


_NOTE_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (.+)", re.DOTALL)


def repayment_record(remarks: Sequence[str], style: str) -> list[tuple[str, str]]:
    """还款记录: the advance's recorded ledger events as (date in court style, what happened)."""
    out: list[tuple[str, str]] = []
    for line in remarks:
        if not line.strip():
            continue
        found = _NOTE_DAY.fullmatch(line.strip())
        if found is None:
            out.append(("", line.strip()))
            continue
        year, month, day, what = found.groups()
        try:
            out.append((court_date(dt.date(int(year), int(month), int(day)), style), what.strip()))
        except ValueError:
            out.append(("", line.strip()))
    return out


def advance_document(c: AdvanceContent) -> Document:
    """借支单 with its approval, payment and repayment (还款事项, 还款记录)."""
    style = c.date_style
    pairs: list[tuple[str, str]] = [
        ("借款人", require(c.applicant, "借款人")), ("部门", c.department or "—"),
        ("申请日期", _date(c.requested_on, style)), ("状态", c.state),
    ]
    if c.trip_start and c.trip_end:  # 出差借支: the trip it pays for, to be settled after it
        pairs += [("出差开始日期", _date(c.trip_start, style)), ("出差结束日期", _date(c.trip_end, style))]
    blocks: list[Block] = [
        *_heading(c.court_name, "借支单", c.number),
        _facts(pairs),
        _note(f"借支事由：{require(c.purpose, '借支事由')}"),
        _note(f"预算理由：{c.reasons or '—'}"),
        amount_row("借支金额", c.amount_fen),
        Spacer(_GAP),
        signature_boxes((("借款人", Signed(c.applicant, c.requested_on)),
                         ("分管财务院领导（审批）", c.approved),
                         ("出纳（付款）", c.paid)), style),
        Spacer(_GAP),
        Heading("还款事项", size=SIZE_XIAO4),
    ]
    rows: list[tuple[str, ...]] = [
        (f"冲抵报销单 {number}" + (f"（报销合计 {yuan(total)}）" if total != fen else ""), yuan(fen))
        for number, fen, total in c.set_off]
    rows += [("交回现金", yuan(c.returned_fen)), ("补付借款人", yuan(c.difference_paid_fen))]
    outstanding = c.outstanding_fen if c.outstanding_fen is not None else max(
        0, c.amount_fen + c.difference_paid_fen - c.set_off_fen - c.returned_fen)
    rows.append(("尚未冲抵或交回", yuan(outstanding)))
    blocks.append(Table(_columns(("项目", None, "left"), ("金额", _MONEY + 30, "right")), tuple(rows),
                        size=_TABLE_SIZE))
    record = repayment_record(c.remarks, style)
    if record:
        blocks += [Spacer(_GAP), Heading("还款记录", size=SIZE_XIAO4),
                   Table(_columns(("日期", _COURT_DAY, "center"), ("事项", None, "left")), tuple(record),
                         size=_TABLE_SIZE)]
    return Document(title=f"借支单{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    continuation=continued("借支单", c.number))


# --- from the records -----------------------------------------------------------------------------

def _steps(session: Session, entity: str, record_id: int) -> dict[str, Signed]:
    """The standing step of each action: the last one since the last (re)submission (a claim returned
    and resubmitted is approved again; an approval before the return no longer counts). 代签收 is the
    receiver's signature, taken by finance: it stands as 签收 under the receiver's name."""
    steps = workflow.history(session, entity, record_id)
    last_submit = max((i for i, st in enumerate(steps) if st.action == "submit"), default=-1)
    out: dict[str, Signed] = {}
    for st in steps[last_submit + 1:]:
        if st.action == "sign_for":
            receiver = _RECEIVER.search(st.comment or "")
            name = f"{receiver.group(1)}（{st.actor_name}代签收）" if receiver else f"{st.actor_name}代签收"
            out["sign"] = Signed(name, st.at.date())
            continue
        out[st.action] = Signed(st.actor_name, st.at.date())
    return out


#: The receiver a 代签收 step names (claims' ``_sign_for_effect``: 「代签收：领款人 王五（报销人 … 」).
_RECEIVER = re.compile(r"领款人 ?(.+?)（")


def _line_terms(session: Session, claim: ExpenseClaim) -> dict[int, tuple[str, str]]:
    """天数 and 标准 of each line of a travel claim, in the units the standard is set in: 住宿费 in nights
    (人·晚 when several travel) at the class's cap, the allowances in days (人·天) at their rate; a line
    without 天数 counts the trip's. Other lines have none (「—」)."""
    rates, trip = standards.rates_of(session, claim), standards.Trip.of(claim)
    persons = max(trip.persons, 1)
    out: dict[int, tuple[str, str]] = {}
    nights = standards.lodging_nights(claim)  # each line's own nights, as the standard checks them
    for ln in claim.lines:
        if ln.category == standards.LODGING:
            n = nights.get(ln.position, standards.nights(trip.days) * persons)
            cap = rates.lodging.get(trip.city_class)
            out[ln.position] = (f"{n}{'人·晚' if persons > 1 else '晚'}",
                                f"{cap}元/人·晚" if cap is not None else "未选地区类别")
        elif ln.category in standards.ALLOWANCES:
            n = ln.days if ln.days else trip.days * persons
            out[ln.position] = (f"{n}{'人·天' if persons > 1 else '天'}", f"{rates.of(ln.category)}元/人·天")
        else:
            out[ln.position] = (f"{ln.days}天" if ln.days else "—", "—")
    return out


def _settlement(session: Session, claim: ExpenseClaim) -> SettlementContent | None:
    found = advances.settlement_of(session, claim)
    if found is None:
        return None
    return SettlementContent(found.advanced_fen, found.topped_up_fen, found.handed_back_fen)


def claim_content(session: Session, claim: ExpenseClaim) -> ClaimContent:
    steps = _steps(session, CLAIM_ENTITY, claim.id)
    per_line: dict[int, int] = {}
    for r in claim.receipts:
        if r.line_no is not None:
            per_line[r.line_no] = per_line.get(r.line_no, 0) + 1
    advance = claim.advance
    remarks: dict[int, str] = {}
    terms: dict[int, tuple[str, str]] = {}
    flags: list[standards.Flag] = []
    described = ""
    if claim.kind == "travel":
        flags = standards.flags(session, claim)
        terms = _line_terms(session, claim)
        described = standards.describe(standards.rates_of(session, claim), standards.Trip.of(claim))
        remarks = {ln.position: "按标准" for ln in claim.lines if ln.category in standards.ALLOWANCES}
        remarks.update({p: "超标准" if f.standard else "待核" for f in flags for p in f.positions})
    registered = claim.approved_total_fen is not None
    return ClaimContent(
        court_name=settings.get(session, "court_name"),
        number=claim.number,
        kind=claim.kind,
        applicant=claim.applicant.name,
        department=claim.department.name if claim.department else "",
        purpose=claim.purpose,
        filed_on=claim.filed_at.date(),
        submitted_on=claim.submitted_at.date() if claim.submitted_at else None,
        lines=tuple(LineContent(ln.category, ln.description, ln.amount_fen, per_line.get(ln.position, 0),
                                remarks.get(ln.position, ""), *terms.get(ln.position, ("", "")),
                                approved_fen=ln.approved_fen if registered else None,
                                cut_reason=ln.cut_reason or "") for ln in claim.lines),
        receipts=tuple(ReceiptContent(r.receipt_type, r.invoice_number, r.issued_on, r.amount_fen, r.line_no,
                                      r.position) for r in claim.receipts),
        travellers=claim.travellers,
        trip_start=claim.trip_start,
        trip_end=claim.trip_end,
        places=claim.places,
        transport=claim.transport,
        legs=tuple(LegContent(leg.depart_on, leg.depart_from, leg.arrive_on, leg.arrive_at, leg.transport,
                              leg.fare_fen) for leg in claim.legs) if claim.kind == "travel" else (),
        city_class=claim.city_class,
        persons=standards.persons(claim.travellers),
        standards=described,
        over_standard=tuple(str(f) for f in flags),
        over_standard_approval=claim.over_standard_approval or "",
        receipt_count=claim.receipt_count,
        approved_total_fen=claim.approved_total_fen,
        advance_number=advance.number if advance else "",
        advance_fen=advance.amount_fen if advance else 0,
        settlement=_settlement(session, claim),
        payable_fen=claim.payable_fen,
        approved=steps.get("approve", Signed()) if claim.approver_id else Signed(),
        checked=steps.get("register", Signed()) if claim.checker_id else Signed(),
        paid=steps.get("pay", Signed()) if claim.paid_on else Signed(),
        signed=steps.get("sign", Signed()) if claim.signed_at else Signed(),
        checker_paid=claim.payer_id is not None and claim.payer_id == claim.checker_id,
        pay_method=claim.pay_method,
        batch_number=claim.batch.number if claim.batch else "",
        date_style=settings.date_style(session),
    )


def _set_off_of(claim: ExpenseClaim) -> int:
    """What a registered claim set off against its advance: its 核定 total (the claimed total before)."""
    return claim.approved_total_fen if claim.approved_total_fen is not None else claim.total_fen


def advance_content(session: Session, advance: Advance) -> AdvanceContent:
    steps = _steps(session, "finance_advance", advance.id)
    claims = session.scalars(select(ExpenseClaim).where(
        ExpenseClaim.advance_id == advance.id, ExpenseClaim.payable_fen.is_not(None)).order_by(ExpenseClaim.id))
    return AdvanceContent(
        court_name=settings.get(session, "court_name"),
        number=advance.number,
        applicant=advance.applicant.name,
        department=advance.department.name if advance.department else "",
        purpose=advance.purpose,
        reasons=advance.reasons,
        amount_fen=advance.amount_fen,
        requested_on=advance.requested_at.date(),
        state=str(session.scalar(select(advances.live_status(clock.today())).where(Advance.id == advance.id))),
        approved=steps.get("approve", Signed()) if advance.approver_id else Signed(),
        paid=Signed(advance.payer.name, advance.paid_on) if advance.payer and advance.paid_on else Signed(),
        set_off=tuple((c.number, _set_off_of(c) - (c.payable_fen or 0), _set_off_of(c)) for c in claims),
        set_off_fen=advance.set_off_fen,
        returned_fen=advance.returned_fen,
        difference_paid_fen=advance.difference_paid_fen,
        outstanding_fen=advances.ledger_of(advance).outstanding,
        remarks=tuple(advance.remarks.splitlines()),
        date_style=settings.date_style(session),
        trip_start=advance.trip_start,
        trip_end=advance.trip_end,
    )


def _claim(session: Session, claim_id: int) -> ExpenseClaim:
    return load_or_refuse(session, ExpenseClaim, claim_id, "报销单", "该报销单不存在")


def build_claim(session: Session, claim_id: int) -> Document:
    return claim_document(claim_content(session, _claim(session, claim_id)))


def build_paste_sheet(session: Session, claim_id: int) -> Document:
    return paste_sheet_document(claim_content(session, _claim(session, claim_id)))


def build_payment_receipt(session: Session, claim_id: int) -> Document:
    return payment_receipt_document(claim_content(session, _claim(session, claim_id)))


def build_advance(session: Session, advance_id: int) -> Document:
    advance = load_or_refuse(session, Advance, advance_id, "借支单", "该借支单不存在")
    return advance_document(advance_content(session, advance))


#: Claims with a printable form: every claim past its draft (a draft is still the applicant's).
PRINTABLE_CLAIM_STATES = tuple(s for s in CLAIM_WORKFLOW.states if s not in ("draft", "voided"))
PAID_STATES = ("paid", "signed")

CLAIM_DOCUMENT = DocumentKind(
    CLAIM_FORM_KIND, "报销单（支出报销单／差旅费报销单）",
    ids=lambda: select(ExpenseClaim.id).where(ExpenseClaim.status.in_(PRINTABLE_CLAIM_STATES))
    .order_by(ExpenseClaim.id),
    build=build_claim,
    missing="该报销单仍是草稿或已作废：草稿提交后才能预览和打印，作废的不再打印",
)
PASTE_SHEET_DOCUMENT = DocumentKind(
    PASTE_SHEET_KIND, "报销票据粘贴单",
    ids=lambda: select(ExpenseClaim.id).where(ExpenseClaim.status.in_(PRINTABLE_CLAIM_STATES),
                                              ExpenseClaim.receipt_count > 0).order_by(ExpenseClaim.id),
    build=build_paste_sheet,
    missing="该报销单仍是草稿或没有登记原始票据，不能打印粘贴单",
)
PAYMENT_RECEIPT_DOCUMENT = DocumentKind(
    PAYMENT_RECEIPT_KIND, "领款签收单",
    ids=lambda: select(ExpenseClaim.id).where(ExpenseClaim.status.in_(PAID_STATES),
                                              func.coalesce(ExpenseClaim.payable_fen, ExpenseClaim.total_fen) > 0)
    .order_by(ExpenseClaim.id),
    build=build_payment_receipt,
    missing="该报销单尚未支付，或已全额冲抵借支（应付 ¥0.00，无款可领），没有领款签收单",
)
ADVANCE_DOCUMENT = DocumentKind(
    advances.ADVANCE_SLIP_KIND, "借支单",
    ids=lambda: select(Advance.id).where(Advance.status != "withdrawn").order_by(Advance.id),
    build=build_advance,
    missing="该借支申请已撤回，不能打印借支单",
)

DOCUMENTS = (CLAIM_DOCUMENT, PASTE_SHEET_DOCUMENT, PAYMENT_RECEIPT_DOCUMENT, ADVANCE_DOCUMENT)
