"""The printed forms of the finance area (SPEC §3; 《办公室财务管理办法》第5–14条), through the document engine.

* 支出报销单 / 差旅费报销单 (``expense_claim``): one kind for every claim past its draft, the form chosen
  by the claim's kind — header (court, number, applicant, department, dates; for a trip the
  travellers, places, dates, transport, 住宿标准 class and the travel standards used), the expense
  lines with their receipt counts (a travel line above its standard marked 超标准), the total in
  figures and in capitals (人民币…整), the advance it is set against, and the approval, check, payment
  and sign-off lines from the workflow history.
* 报销票据粘贴单 (``receipt_paste_sheet``): the claim's receipts grouped by type and, inside a group,
  ordered by amount, largest first (第9条(3)(4)), each group with its count and total.
* 领款签收单 (``claim_payment_receipt``): for a paid claim, what the applicant received and signs for.
* 借支单 (``advance_slip``): the request with its reasons, approval and payment, and the repayment
  (还款事项, 第11条): claims set against it, cash handed back, difference paid out.

Builders take finished content (dataclasses), so the capitals and the figures of one total are always
made from one amount in fen (:func:`money_pair`).
"""

from __future__ import annotations

import datetime as dt
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
)
from courtdesk.areas.finance.claims import REGISTER_KEY as CLAIM_ENTITY
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.kernel import clock, settings, workflow
from courtdesk.kernel.documents.dates import CHINESE, court_date
from courtdesk.kernel.documents.model import (
    SIZE_5HAO,
    SIZE_XIAO4,
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
from courtdesk.kernel.money import amount_in_words, format_yuan, from_fen
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse

#: A4 portrait, 25 mm margins, 小四 text with natural spacing: a form, not a GB/T 9704 letter.
FORM_PAGE = PageSetup(top_mm=25.0, bottom_mm=25.0, left_mm=25.0, right_mm=25.0, body_size=SIZE_XIAO4, grid=None)
_COURT_SIZE = 15.0
_TITLE_SIZE = 20.0
_TABLE_SIZE = SIZE_5HAO
_GROUP_NUMBERS = "一二三四五六七八九十"


def yuan(fen: int) -> str:
    """Figures: ¥1,234.50."""
    return format_yuan(from_fen(fen))


def capitals(fen: int) -> str:
    """Capitals: 人民币壹仟贰佰叁拾肆元伍角整."""
    return amount_in_words(from_fen(fen), prefix=True)


def money_pair(label: str, fen: int) -> str:
    """``合计金额（大写）：人民币…整　（小写）：¥…`` — both from the one amount."""
    return f"{label}（大写）：{capitals(fen)}　（小写）：{yuan(fen)}"


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
    #: Travel standards (.standards): the city class, the rates and days in words, and each flag.
    city_class: str = ""
    persons: int = 0
    standards: str = ""
    over_standard: tuple[str, ...] = ()
    advance_number: str = ""
    advance_fen: int = 0
    payable_fen: int | None = None
    approved: Signed = field(default_factory=Signed)
    checked: Signed = field(default_factory=Signed)
    paid: Signed = field(default_factory=Signed)
    signed: Signed = field(default_factory=Signed)
    pay_method: str = ""
    batch_number: str = ""
    date_style: str = CHINESE

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

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
    remarks: tuple[str, ...] = ()
    date_style: str = CHINESE
    trip_start: dt.date | None = None
    trip_end: dt.date | None = None


# --- builders -------------------------------------------------------------------------------------

def _date(day: dt.date | None, style: str) -> str:
    return court_date(day, style) if day else ""


def _heading(court: str, title: str, number: str) -> tuple[Block, ...]:
    return (
        Paragraph(require(court, "法院名称"), indent=False, align="center", role="title", size=_COURT_SIZE),
        Title(title, size=_TITLE_SIZE),
        CaseNumberLine(f"编号：{require(number, '编号')}"),
    )


def _facts(pairs: Sequence[tuple[str, str]]) -> Table:
    """Label/value pairs, two to a row, as a bordered table without a header."""
    rows: list[tuple[str, ...]] = []
    items = list(pairs)
    for i in range(0, len(items), 2):
        first, second = items[i], items[i + 1] if i + 1 < len(items) else ("", "")
        rows.append((first[0], first[1], second[0], second[1]))
    return Table((Column("", 1.0), Column("", 2.2, "left"), Column("", 1.0), Column("", 2.2, "left")),
                 tuple(rows), header=False, size=_TABLE_SIZE, min_row_height_mm=8.0)


def _sign(label: str, who: Signed, style: str) -> SignatureLine:
    return SignatureLine(((label, who.name),), date=_date(who.day, style), blank_chars=8)


def claim_document(c: ClaimContent) -> Document:
    """支出报销单 or 差旅费报销单 of one claim."""
    style = c.date_style
    pairs: list[tuple[str, str]] = [
        ("报销人", require(c.applicant, "报销人")), ("部门", c.department or "—"),
        ("填报日期", _date(c.filed_on, style)), ("提交日期", _date(c.submitted_on, style) or "—"),
    ]
    if c.kind == "travel":
        days = (c.trip_end - c.trip_start).days + 1 if c.trip_start and c.trip_end else 0
        pairs += [
            ("出差人", require(c.travellers, "出差人")), ("出差地点", require(c.places, "出差地点")),
            ("出发日期", _date(c.trip_start, style)), ("返回日期", _date(c.trip_end, style)),
            ("出差天数", f"{days}天"), ("交通工具", require(c.transport, "交通工具")),
            ("出差人数", f"{c.persons}人"), ("住宿标准", f"{c.city_class}地区" if c.city_class else "未选择"),
        ]
    travel = c.kind == "travel"
    receipts = sum(ln.receipts for ln in c.lines)
    columns = [Column("序号", 0.6), Column("费用项目" if travel else "费用类别", 1.6),
               Column("摘要", 2.0 if travel else 2.6, "left"), Column("单据张数", 1.0), Column("金额", 1.6, "right")]
    rows: list[tuple[str, ...]] = [
        (str(i), ln.category, ln.description, str(ln.receipts), yuan(ln.amount_fen)) for i, ln in enumerate(c.lines, 1)]
    rows.append(("合计", "", "", str(receipts), yuan(c.total_fen)))
    if travel:  # a remark column: 超标准 / 按标准
        columns.append(Column("备注", 1.0))
        rows = [(*row, ln.remark) for row, ln in zip(rows, c.lines, strict=False)] + [(*rows[-1], "")]
    blocks: list[Block] = [
        *_heading(c.court_name, c.title, c.number),
        _facts(pairs),
        Paragraph(f"{'出差事由' if travel else '报销事由'}：{require(c.purpose, '报销事由')}",
                  indent=False, align="left"),
    ]
    if travel and c.standards:
        blocks.append(Paragraph(f"差旅费标准：{c.standards}", indent=False, align="left", size=_TABLE_SIZE))
    blocks += [
        Table(tuple(columns), tuple(rows), size=_TABLE_SIZE),
        *(Paragraph(f"超标准：{flag}", indent=False, align="left", size=_TABLE_SIZE) for flag in c.over_standard),
        Paragraph(money_pair("合计金额", c.total_fen), indent=False, align="left"),
        Paragraph(f"附原始票据 {len(c.receipts) or receipts} 张", indent=False, align="left"),
    ]
    if c.advance_number:
        settle = f"冲抵借支：{c.advance_number}（借支金额 {yuan(c.advance_fen)}）"
        if c.payable_fen is not None:
            settle += f"，应付报销人 {yuan(c.payable_fen)}"
        blocks.append(Paragraph(settle, indent=False, align="left"))
    if c.batch_number:
        blocks.append(Paragraph(f"报送区财政局批次：{c.batch_number}", indent=False, align="left"))
    blocks += [
        Spacer(0.5),
        _sign("报销人：", Signed(c.applicant, c.submitted_on), style),
        _sign("审批（主管财务院领导）：", c.approved, style),
        _sign("审核登记（财务）：", c.checked, style),
        _sign(f"支付（出纳{f'，{c.pay_method}' if c.pay_method else ''}）：", c.paid, style),
        _sign("领款人签收：", c.signed, style),
    ]
    return Document(title=f"{c.title}{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    footer="第 {page} 页 共 {pages} 页")


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
        Paragraph("粘贴要求：同类票据粘贴在一起，按金额由大到小层次排列，露出票面金额（第9条(3)(4)(5)）。",
                  indent=False, align="left", size=_TABLE_SIZE),
    ]
    total = 0
    for index, (kind, receipts) in enumerate(paste_groups(c.receipts)):
        subtotal = sum(r.amount_fen for r in receipts)
        total += subtotal
        number = _GROUP_NUMBERS[index] if index < len(_GROUP_NUMBERS) else str(index + 1)
        blocks.append(Heading(f"{number}、{kind}　{len(receipts)}张　小计 {yuan(subtotal)}", size=SIZE_XIAO4))
        rows = [(str(i), r.invoice_number, _date(r.issued_on, style),
                 f"第{r.line_no}行" if r.line_no else "—", yuan(r.amount_fen)) for i, r in enumerate(receipts, 1)]
        blocks.append(Table((Column("序号", 0.6), Column("票据号码", 2.0), Column("开票日期", 2.2),
                             Column("对应明细", 1.1), Column("金额", 1.5, "right")), tuple(rows), size=_TABLE_SIZE))
    blocks += [
        Paragraph(f"票据共 {len(c.receipts)} 张，{len(paste_groups(c.receipts))} 类", indent=False, align="left"),
        Paragraph(money_pair("票据金额合计", total), indent=False, align="left"),
        Spacer(0.5),
        Box("原始票据粘贴处（按上列顺序自上而下层次粘贴）", height_mm=60),
        SignatureLine((("报销人（签名）：", ""), ("经办财务（签名）：", "")), blank_chars=6),
    ]
    return Document(title=f"报销票据粘贴单{c.number}", blocks=tuple(blocks), page=FORM_PAGE,
                    footer="第 {page} 页 共 {pages} 页")


def payment_receipt_document(c: ClaimContent) -> Document:
    """领款签收单 of a paid claim: what the applicant received, to sign for."""
    style = c.date_style
    paid = c.payable_fen if c.payable_fen is not None else c.total_fen
    pairs: list[tuple[str, str]] = [
        ("报销单号", c.number), ("报销单类别", c.title),
        ("领款人", require(c.applicant, "领款人")), ("部门", c.department or "—"),
        ("报销金额", yuan(c.total_fen)), ("支付方式", require(c.pay_method, "支付方式")),
        ("支付人", require(c.paid.name, "支付人")), ("支付日期", _date(c.paid.day, style)),
    ]
    if c.advance_number:
        pairs += [("冲抵借支", c.advance_number), ("借支金额", yuan(c.advance_fen))]
    blocks: list[Block] = [
        *_heading(c.court_name, "领款签收单", c.number),
        _facts(pairs),
        Paragraph(f"报销事由：{require(c.purpose, '报销事由')}", indent=False, align="left"),
        Paragraph(money_pair("实领金额", paid), indent=False, align="left"),
        *((Paragraph(f"报销金额 {yuan(c.total_fen)}，其中冲抵借支 {yuan(c.total_fen - paid)}，实领 {yuan(paid)}",
                     indent=False, align="left"),) if c.advance_number else ()),
        Paragraph("本人已如数领到上列报销款，特此签收。", align="left"),
        Spacer(1),
        SignatureLine((("领款人（签名）：", ""),), date=_date(c.signed.day, style) or "年　　月　　日",
                      blank_chars=8),
    ]
    if c.signed.day:
        blocks.append(Paragraph(f"系统记录：{c.signed.name}已于{_date(c.signed.day, style)}确认签收。",
                                indent=False, align="left", size=_TABLE_SIZE))
    return Document(title=f"领款签收单{c.number}", blocks=tuple(blocks), page=FORM_PAGE)


def advance_document(c: AdvanceContent) -> Document:
    """借支单 with its approval, payment and repayment (还款事项)."""
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
        Paragraph(f"借支事由：{require(c.purpose, '借支事由')}", indent=False, align="left"),
        Paragraph(f"预算理由：{c.reasons or '—'}", indent=False, align="left"),
        Paragraph(money_pair("借支金额", c.amount_fen), indent=False, align="left"),
        Spacer(0.5),
        _sign("借款人：", Signed(c.applicant, c.requested_on), style),
        _sign("审批（主管财务院领导）：", c.approved, style),
        _sign("付款（财务）：", c.paid, style),
        Heading("还款事项", size=SIZE_XIAO4),
    ]
    rows: list[tuple[str, ...]] = [
        (f"冲抵报销单 {number}" + (f"（报销合计 {yuan(total)}）" if total != fen else ""), yuan(fen))
        for number, fen, total in c.set_off]
    rows += [("交回现金", yuan(c.returned_fen)), ("补付借款人", yuan(c.difference_paid_fen))]
    outstanding = max(0, c.amount_fen - c.set_off_fen - c.returned_fen)
    rows.append(("尚未冲抵或交回", yuan(outstanding)))
    blocks.append(Table((Column("项目", 3.0, "left"), Column("金额", 1.6, "right")), tuple(rows),
                        size=_TABLE_SIZE))
    blocks += [Paragraph(line, indent=False, align="left", size=_TABLE_SIZE) for line in c.remarks if line.strip()]
    return Document(title=f"借支单{c.number}", blocks=tuple(blocks), page=FORM_PAGE)


# --- from the records -----------------------------------------------------------------------------

def _steps(session: Session, entity: str, record_id: int) -> dict[str, Signed]:
    """The standing step of each action: the last one since the last (re)submission (a claim returned
    and resubmitted is approved again; an approval before the return no longer counts)."""
    steps = workflow.history(session, entity, record_id)
    last_submit = max((i for i, st in enumerate(steps) if st.action == "submit"), default=-1)
    out: dict[str, Signed] = {}
    for st in steps[last_submit + 1:]:
        out[st.action] = Signed(st.actor_name, st.at.date())
    return out


def claim_content(session: Session, claim: ExpenseClaim) -> ClaimContent:
    steps = _steps(session, CLAIM_ENTITY, claim.id)
    per_line: dict[int, int] = {}
    for r in claim.receipts:
        if r.line_no is not None:
            per_line[r.line_no] = per_line.get(r.line_no, 0) + 1
    advance = claim.advance
    remarks: dict[int, str] = {}
    flags: list[standards.Flag] = []
    described = ""
    if claim.kind == "travel":
        rates, trip = standards.rates_of(session, claim), standards.Trip.of(claim)
        described = standards.describe(rates, trip)
        flags = standards.flags(session, claim)
        remarks = {ln.position: "按标准" for ln in claim.lines if ln.category in standards.ALLOWANCES}
        remarks.update({p: "超标准" if f.standard else "待核" for f in flags for p in f.positions})
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
                                remarks.get(ln.position, "")) for ln in claim.lines),
        receipts=tuple(ReceiptContent(r.receipt_type, r.invoice_number, r.issued_on, r.amount_fen, r.line_no,
                                      r.position) for r in claim.receipts),
        travellers=claim.travellers,
        trip_start=claim.trip_start,
        trip_end=claim.trip_end,
        places=claim.places,
        transport=claim.transport,
        city_class=claim.city_class,
        persons=standards.persons(claim.travellers),
        standards=described,
        over_standard=tuple(str(f) for f in flags),
        advance_number=advance.number if advance else "",
        advance_fen=advance.amount_fen if advance else 0,
        payable_fen=claim.payable_fen,
        approved=steps.get("approve", Signed()) if claim.approver_id else Signed(),
        checked=steps.get("register", Signed()) if claim.checker_id else Signed(),
        paid=steps.get("pay", Signed()) if claim.paid_on else Signed(),
        signed=steps.get("sign", Signed()) if claim.signed_at else Signed(),
        pay_method=claim.pay_method,
        batch_number=claim.batch.number if claim.batch else "",
        date_style=settings.date_style(session),
    )


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
        set_off=tuple((c.number, c.total_fen - (c.payable_fen or 0), c.total_fen) for c in claims),
        set_off_fen=advance.set_off_fen,
        returned_fen=advance.returned_fen,
        difference_paid_fen=advance.difference_paid_fen,
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
