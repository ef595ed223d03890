"""Expense claims (报销单) — 《办公室财务管理办法》第3–9条, 第15条; SPEC §3.

Two kinds: 支出报销单 (general) and 差旅费报销单 (travel). Each has expense lines (费用明细:
category, description, declared amount) and a receipt register (原始票据: one row per original
receipt — type, invoice number, date, amount — naming the line it supports).

Flow (第5条): the applicant files (草稿) and submits → the finance leader approves, or returns it
with a chosen reason to be corrected and resubmitted (the history keeps every round) → finance
checks and registers it (审核登记) → batches it to the district finance bureau (报送区财政局) →
records the bureau's reimbursement (or its refusal, back to finance) → pays the applicant → the
applicant signs for the money. Applicant, approver, checking clerk and payer are four people.

Finance checks (第6条, 第9条(6)(7)(8)) before approval and again at registration, each naming its
line: the receipts of a line must add up to its declared amount; every line needs a receipt; every
receipt must support a line; an invoice number is reimbursed once only, on any claim of any year.
A claim set against an advance (冲抵借支) settles the advance's ledger when registered; what exceeds
the cash still out is paid to the applicant and recorded on the advance.

A travel claim is held to the travel standards (.standards, settings): 伙食补助费 and 市内交通费 are
allowances by days × persons × rate (left blank, computed on save; no receipt needed), and a line
above its standard is a flag finance must explain in the comment of 审核登记.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from typing import Any

from sqlalchemy import Date, and_, case, exists, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased, object_session

from courtdesk.areas.finance import advances, invoices, receipt_scans, standards, summary
from courtdesk.areas.finance.categories import GENERAL_CATEGORIES, KINDS, TRAVEL_CATEGORIES
from courtdesk.areas.finance.models import (
    Advance,
    Batch,
    ExpenseClaim,
    ExpenseLine,
    ExpenseReceipt,
    Traveller,
    TripLeg,
)
from courtdesk.areas.finance.settings import (
    CITY_CLASSES,
    LEADER_STAND_IN,
    claim_ceiling_fen,
    reminder_days_sql,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, numbering, rules, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.editing import EditSpec, service_edit
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import Department, User, UserRole
from courtdesk.kernel.money import format_yuan, from_fen, to_fen
from courtdesk.kernel.records import load_or_refuse, one_at_a_time
from courtdesk.kernel.registers import (
    Column,
    Command,
    CommandResult,
    DashboardItem,
    Filter,
    LinesSpec,
    RegisterDocument,
    RegisterQuery,
    RegisterSpec,
    days_between,
    service_act,
)
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

BOOK = "《办公室财务管理办法》"
RULE_FLOW = f"{BOOK}第5条"
RULE_RECEIPTS = f"{BOOK}第6条"
RULE_CHECK = f"{BOOK}第8条"
RULE_APPROVAL = f"{BOOK}第9条(6)"
RULE_MATCH = f"{BOOK}第9条(7)"
RULE_AMOUNT = f"{BOOK}第9条(8)"
REGISTER_KEY = "finance_claim"
NUMBER_PATTERN = "({year})报{serial:04d}号"

RECEIPT_TYPES = ("增值税普通发票", "增值税专用发票", "电子发票", "火车票", "飞机行程单", "汽车票", "出租车票",
                 "定额发票", "住宿发票", "其他")
REJECT_REASONS = ("金额不符", "项目与票据不符", "缺少审批", "票据不合规", "其他")
PAY_METHODS = ("现金", "转账", "公务卡")
#: How a claim the advance covered in full (应付 ¥0.00) is 支付: nothing changes hands.
SET_OFF_ONLY = "冲抵借支，无需支付"
TRANSPORTS = ("火车", "飞机", "长途汽车", "公务用车", "轮船", "其他")


def _pairs(values: tuple[str, ...]) -> Any:
    return lambda session, actor: [(v, v) for v in values]


# --- the form ------------------------------------------------------------------------------------

def _categories(session: Session, actor: Any, kind: Any) -> list[tuple[Any, str]]:
    """费用类别 as the claim's kind allows them (both kinds' while no kind is chosen)."""
    names = {"travel": TRAVEL_CATEGORIES, "general": GENERAL_CATEGORIES}.get(
        kind, tuple(dict.fromkeys(TRAVEL_CATEGORIES + GENERAL_CATEGORIES)))
    return [(n, n) for n in names]


LINE_COLUMNS: tuple[FormField, ...] = (
    # the form offers the categories of the claim's kind, live as the kind changes; clean() refuses another
    FormField("category", "费用类别", "choice", choices_by=("kind", _categories),
              choices=_pairs(tuple(dict.fromkeys(TRAVEL_CATEGORIES + GENERAL_CATEGORIES)))),
    FormField("description", "摘要", "text", max_len=100, required=False),
    FormField("amount", "金额", "money", required=False,
              help="差旅费报销单的伙食补助费、市内交通费可不填，按标准（天数×人数×标准）计算"),
    FormField("days", "天数", "int", required=False, minimum=1, maximum=366,
              help="差旅费报销单：住宿费填晚数（多人按人·晚合计），按每晚核对住宿标准；不填按出差日期计算"),
)
LINES_FIELD = FormField("expense_lines", "费用明细", "lines", columns=LINE_COLUMNS, minimum=1, maximum=30,
                        help="每行一项费用；差旅费报销单的类别为 城市间交通费、住宿费、伙食补助费、市内交通费、其他")

LEG_COLUMNS: tuple[FormField, ...] = (
    FormField("depart_on", "出发日期", "date"),
    FormField("depart_from", "出发地点", "text", max_len=40),
    FormField("arrive_on", "到达日期", "date"),
    FormField("arrive_at", "到达地点", "text", max_len=40),
    FormField("transport", "交通工具", "choice", choices=_pairs(TRANSPORTS)),
    FormField("fare", "车船费", "money", required=False, help="这一程的车船票、机票金额；公务用车等无票的不填"),
)
#: The trip's fields: shown (and kept) only on a 差旅费报销单 — a 支出报销单 never carries them.
TRAVEL_ONLY = ("kind", ("travel",))

LEGS_FIELD = FormField("legs", "行程", "lines", columns=LEG_COLUMNS, required=False, maximum=20, when=TRAVEL_ONLY,
                       help="差旅费报销单：每一程一行（打印在报销单上）；车船费合计应等于城市间交通费")

RECEIPT_COLUMNS: tuple[FormField, ...] = (
    FormField("receipt_type", "票据类型", "choice", choices=_pairs(RECEIPT_TYPES)),
    FormField("invoice_code", "发票代码", "text", required=False, max_len=40,
              help="发票左上方的 10–12 位数字；全电发票和车票、行程单没有，不填"),
    FormField("invoice_number", "票据号码", "text", max_len=40,
              help="发票号码 8 位；全电发票 20 位；车票、行程单按票面"),
    FormField("issued_on", "开票日期", "date"),
    FormField("amount", "金额", "money"),
    FormField("line_no", "对应明细行", "int", required=False, minimum=1, maximum=30,
              help="这张票据支持的费用明细的行号"),
)
RECEIPTS_FIELD = FormField("receipt_rows", "原始票据", "lines", columns=RECEIPT_COLUMNS, required=False,
                           maximum=200, help="每张原始票据一行（第6条：报销单和原始票据缺一不可）")


def _advance_choices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    if actor is None:
        return []
    rows = session.scalars(select(Advance).where(Advance.applicant_id == actor.id, Advance.status == "paid")
                           .order_by(Advance.id))
    return [(a.id, f"{a.number}（{format_yuan(from_fen(a.amount_fen))}，{a.purpose}）") for a in rows]


def _staff_choices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    """The court's active members, 姓名（部门）, the applicant first."""
    rows = session.execute(select(User.id, User.name, Department.name).outerjoin(Department, Department.id == User.department_id)
                           .where(User.active.is_(True)).order_by(User.id)).all()
    people = [(uid, f"{name}（{dept}）" if dept else name) for uid, name, dept in rows]
    if actor is not None:
        people.sort(key=lambda p: p[0] != actor.id)
    return people


CLAIM_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "报销单类别", "choice", choices=lambda s, a: list(KINDS.items()), default="general"),
    FormField("purpose", "报销事由", "text", max_len=200),
    FormField("traveller_ids", "本院出差人", "multichoice", required=False, choices=_staff_choices, maximum=30,
              help="差旅费报销单：在本院人员中勾选，每人只计一次", when=TRAVEL_ONLY),
    FormField("travellers", "院外出差人", "text", required=False, max_len=100,
              help="随行的院外人员姓名，多人以、分隔（没有则不填）", when=TRAVEL_ONLY),
    FormField("trip_start", "出发日期", "date", required=False, when=TRAVEL_ONLY),
    FormField("trip_end", "返回日期", "date", required=False, when=TRAVEL_ONLY),
    FormField("places", "出差地点", "text", required=False, max_len=200, when=TRAVEL_ONLY),
    FormField("transport", "交通工具", "choice", required=False, choices=_pairs(TRANSPORTS), when=TRAVEL_ONLY),
    FormField("city_class", "住宿标准地区类别", "choice", required=False,
              choices=lambda s, a: list(CITY_CLASSES.items()),
              help="差旅费报销单必填：出差地的住宿费标准类别（标准见 系统管理 → 系统设置）", when=TRAVEL_ONLY),
    FormField("advance_id", "冲抵借支", "choice", required=False, choices=_advance_choices,
              help="本次报销冲抵本人尚未结清的借支"),
    FormField("set_off_reason", "冲抵说明", "text", required=False, max_len=200,
              help="所冲抵借支的出差日期与本次出差不重叠（或本单不是该次出差的）时必填"),
    LEGS_FIELD,
    LINES_FIELD,
    RECEIPTS_FIELD,
)


def _positions(field: FormField, raw: Any) -> list[int]:
    """The positions (as the user sees them, blank rows counted) of the rows ``clean_lines`` keeps."""
    rows = list(raw or ()) if isinstance(raw, list | tuple) else []
    return [i for i, row in enumerate(rows, 1) if not (isinstance(row, dict) and forms.line_is_blank(field, row))]


def _cell(field: FormField, position: int, key: str) -> str:
    column = next(c for c in field.columns if c.key == key)
    return forms.line_label(field, position, column)


def _check_content(values: dict[str, Any], data: dict[str, Any], ceiling_fen: int) -> None:
    """What every save of a claim must satisfy (the finance checks come before approval)."""
    refused: list[ValidationError] = []
    ceiling = format_yuan(from_fen(ceiling_fen))

    def over(amount: Any) -> bool:
        return amount is not None and to_fen(amount) > ceiling_fen
    kind = values["kind"]
    if kind == "travel":
        if not values.get("traveller_ids") and not outsiders(values.get("travellers")):
            refused.append(ValidationError("本院出差人：差旅费报销单必填（院外人员填在「院外出差人」）",
                                           field="本院出差人"))
        for key, label in (("trip_start", "出发日期"), ("trip_end", "返回日期"),
                           ("places", "出差地点"), ("transport", "交通工具"),
                           ("city_class", "住宿标准地区类别")):
            if values.get(key) in (None, ""):
                refused.append(ValidationError(f"{label}：差旅费报销单必填", field=label))
        for name in outsiders(values.get("travellers")):
            if len(name) > 4 and "·" not in name and any(word in name for word in "和与及"):
                refused.append(ValidationError(
                    f"院外出差人：「{name}」像是几个人的名字，每人一个名字，以、分隔（每人只计一次）",
                    field="院外出差人"))
        start, end = values.get("trip_start"), values.get("trip_end")
        if start and end and end < start:
            refused.append(ValidationError(f"返回日期：不能早于出发日期（{start:%Y-%m-%d}）", field="返回日期"))
        for day, label in ((start, "出发日期"), (end, "返回日期")):
            if day and day > clock.today():
                refused.append(ValidationError(f"{label}：不能晚于今天，出差返回后再报销（第4条）", field=label))
    if kind == "travel":
        refused += _leg_problems(values, data)
    line_pos = _positions(LINES_FIELD, data.get("expense_lines"))
    for pos, line in zip(line_pos, values["expense_lines"], strict=True):
        if line["amount"] is None:  # only an allowance of a travel claim is computed (.standards)
            if not standards.is_allowance(kind, line["category"]):
                label = _cell(LINES_FIELD, pos, "amount")
                refused.append(ValidationError(
                    f"{label}：必填（只有差旅费报销单的{'、'.join(standards.ALLOWANCES)}可不填，按标准计算）",
                    field=label))
        elif line["amount"] <= 0:
            label = _cell(LINES_FIELD, pos, "amount")
            refused.append(ValidationError(f"{label}：必须大于零", field=label))
        elif over(line["amount"]):
            label = _cell(LINES_FIELD, pos, "amount")
            refused.append(ValidationError(f"{label}：超过单张报销单金额上限 {ceiling}（系统设置）", field=label,
                                           rule=RULE_CHECK))
    seen: list[tuple[int, invoices.Identity]] = []
    receipt_pos = _positions(RECEIPTS_FIELD, data.get("receipt_rows"))
    for pos, receipt in zip(receipt_pos, values["receipt_rows"], strict=True):
        if receipt["amount"] <= 0:
            label = _cell(RECEIPTS_FIELD, pos, "amount")
            refused.append(ValidationError(f"{label}：必须大于零", field=label))
        elif over(receipt["amount"]):
            label = _cell(RECEIPTS_FIELD, pos, "amount")
            refused.append(ValidationError(f"{label}：超过单张报销单金额上限 {ceiling}（系统设置）", field=label,
                                           rule=RULE_CHECK))
        if receipt["issued_on"] > clock.today():
            label = _cell(RECEIPTS_FIELD, pos, "issued_on")
            refused.append(ValidationError(f"{label}：不能晚于今天（{clock.today():%Y-%m-%d}）", field=label))
        ident = invoices.identity(receipt.get("invoice_code"), receipt["invoice_number"])
        problem = invoices.format_problem(receipt["receipt_type"], ident)
        if problem is not None:
            label = _cell(RECEIPTS_FIELD, pos, problem[0])
            refused.append(ValidationError(f"{label}：{problem[1]}", field=label, rule=RULE_CHECK))
        twin = next((at for at, other in seen if invoices.same(ident, other)), None)
        if twin is not None:
            label = _cell(RECEIPTS_FIELD, pos, "invoice_number")
            refused.append(ValidationError(f"{label}：与第{twin}行是同一张票据（{ident.describe()}），"
                                           "同一张票据只能登记一次", field=label, rule=RULE_CHECK))
        seen.append((pos, ident))
    if refused:
        raise ValidationError.joined(refused)


TRANSPORT_CATEGORY = "城市间交通费"


def _leg_problems(values: dict[str, Any], data: dict[str, Any]) -> list[ValidationError]:
    """The itinerary of a travel claim: each leg arrives after it departs, within the trip (±1 day for
    an overnight train), and — when fares are given — the fares add up to the 城市间交通费 lines."""
    out: list[ValidationError] = []
    legs = values.get("legs") or []
    start, end = values.get("trip_start"), values.get("trip_end")
    for pos, leg in zip(_positions(LEGS_FIELD, data.get("legs")), legs, strict=True):
        if leg["arrive_on"] < leg["depart_on"]:
            label = _cell(LEGS_FIELD, pos, "arrive_on")
            out.append(ValidationError(f"{label}：不能早于出发日期（{leg['depart_on']:%Y-%m-%d}）", field=label))
        if start and end:
            for key in ("depart_on", "arrive_on"):
                day = leg[key]
                if day < start - dt.timedelta(days=1) or day > end + dt.timedelta(days=1):
                    label = _cell(LEGS_FIELD, pos, key)
                    out.append(ValidationError(
                        f"{label}：{day:%Y-%m-%d} 不在出差日期（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）内",
                        field=label, rule=RULE_CHECK))
    fares = [leg["fare"] for leg in legs if leg.get("fare") is not None]
    if fares:
        fare_fen = sum(to_fen(f) for f in fares)
        lines_fen = sum(to_fen(ln["amount"]) for ln in values["expense_lines"]
                        if ln["category"] == TRANSPORT_CATEGORY and ln["amount"] is not None)
        if fare_fen != lines_fen:
            out.append(ValidationError(
                f"行程：车船费合计 {format_yuan(from_fen(fare_fen))} 与费用明细的{TRANSPORT_CATEGORY}合计 "
                f"{format_yuan(from_fen(lines_fen))} 不符，请核对", field="行程", rule=RULE_AMOUNT))
    return out


def _digest(lines: list[dict[str, Any]], receipts: list[dict[str, Any]], legs: list[dict[str, Any]] | None = None) -> str:
    payload = json.dumps([lines, receipts, *([legs] if legs else [])], default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _sync(session: Session, rows: list[Any], model: type, wanted: list[dict[str, Any]]) -> None:
    """Make the child ``rows`` (ordered by position) hold ``wanted``: rows are changed in place by
    position, then extra rows deleted or new ones added, so (claim, position) stays unique."""
    for extra in rows[len(wanted):]:
        rows.remove(extra)
    for position, values in enumerate(wanted, 1):
        if position <= len(rows):
            for key, value in values.items():
                if getattr(rows[position - 1], key) != value:
                    setattr(rows[position - 1], key, value)
        else:
            rows.append(model(position=position, **values))


def _check_set_off(advance: Advance, trip: dict[str, Any], reason: str) -> None:
    """A claim clears an advance taken for a trip only when it is that trip's (the dates overlap) or
    says why (a 12-04..06 trip cleared an advance for 12-10..12 without a word)."""
    if advance.trip_start is None or advance.trip_end is None or reason.strip():
        return
    start, end = trip.get("trip_start"), trip.get("trip_end")
    if start is not None and end is not None and start <= advance.trip_end and end >= advance.trip_start:
        return
    ours = f"本次出差（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）" if start and end else "本报销单（非该次出差）"
    raise ValidationError(
        f"冲抵说明：借支 {advance.number} 是为 {advance.trip_start:%Y-%m-%d} 至 {advance.trip_end:%Y-%m-%d} 的出差借的，"
        f"与{ours}不重叠，请写明为何以本单冲抵该笔借支", field="冲抵说明", rule=RULE_CHECK)


def outsiders(text: str | None) -> list[str]:
    """The names typed in 院外出差人 (separated by 、，,；; or spaces), each once."""
    return list(dict.fromkeys(n for n in standards.PERSON_SPLIT.split(text or "") if n))


def trip_people(session: Session, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The trip's people — the chosen members, then the outsiders — each once. Refused: an outsider
    who is also a chosen member."""
    members = [session.get(User, int(i)) for i in values.get("traveller_ids") or ()]
    people: list[dict[str, Any]] = [{"user_id": m.id, "name": m.name} for m in members if m is not None]
    names = [p["name"] for p in people]
    for name in outsiders(values.get("travellers")):
        if name in names:
            raise ValidationError(f"院外出差人：「{name}」已在本院出差人中勾选，每人只计一次", field="院外出差人")
        names.append(name)
        people.append({"user_id": None, "name": name[:40]})
    return people


def _trip_taken(session: Session, claim: ExpenseClaim) -> None:
    """A person's trip days may not be on two claims: the same trip claimed twice (an allowance-only
    claim needs no receipt, so nothing else would catch it). Refuses, naming the other claim."""
    if claim.kind != "travel" or claim.trip_start is None or claim.trip_end is None or not claim.trip_people:
        return
    ids = [p.user_id for p in claim.trip_people if p.user_id is not None]
    for uid in sorted(set(ids)):  # two claims of one trip at once: the second waits and sees the first
        one_at_a_time(session, uid)
    names = [p.name for p in claim.trip_people]
    other = session.execute(
        select(Traveller.name, ExpenseClaim.number, ExpenseClaim.trip_start, ExpenseClaim.trip_end)
        .join(ExpenseClaim, ExpenseClaim.id == Traveller.claim_id)
        .where(ExpenseClaim.id != claim.id, ExpenseClaim.kind == "travel", ExpenseClaim.status != "voided",
               ExpenseClaim.trip_start <= claim.trip_end, ExpenseClaim.trip_end >= claim.trip_start,
               or_(Traveller.user_id.in_(ids), Traveller.name.in_(names)))
        .order_by(ExpenseClaim.id).limit(1)).first()
    if other is not None:
        name, number, start, end = other
        raise ValidationError(
            f"出差人：{name} {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 的出差已在报销单 {number} 中报销，"
            "同一次出差不能重复报销（出差日期不能与本人另一张差旅费报销单重叠）", field="本院出差人",
            rule=RULE_CHECK)


def _apply(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    """Write cleaned ``values`` into ``claim`` (its lines and receipts replaced)."""
    travel = values["kind"] == "travel"
    people = trip_people(session, values) if travel else []
    names = "、".join(p["name"] for p in people)
    standards.fill_allowances(session, {**values, "travellers": names})  # blank allowances by the standards
    advance_id = values.get("advance_id") or None
    if advance_id is not None:
        advance = session.get(Advance, int(advance_id))
        if advance is None or advance.applicant_id != claim.applicant_id or advance.status != "paid":
            raise ValidationError("冲抵借支：只能冲抵申请人本人已借出、尚未结清的借支", field="冲抵借支")
        advance_id = advance.id
        _check_set_off(advance, values if travel else {}, values.get("set_off_reason") or "")
    claim.kind = values["kind"]
    claim.purpose = values["purpose"]
    _sync(session, claim.trip_people, Traveller, people)
    claim.travellers = names[:100]
    claim.trip_start = values.get("trip_start") if travel else None
    claim.trip_end = values.get("trip_end") if travel else None
    claim.places = (values.get("places") or "") if travel else ""
    claim.transport = (values.get("transport") or "") if travel else ""
    claim.city_class = (values.get("city_class") or "") if travel else ""
    claim.advance_id = advance_id
    claim.set_off_reason = (values.get("set_off_reason") or "") if advance_id is not None else ""
    lines, receipts = values["expense_lines"], values["receipt_rows"]
    before = {r.position: r.invoice_number for r in claim.receipts}
    _sync(session, claim.lines, ExpenseLine, [
        {"category": ln["category"], "description": ln["description"], "amount_fen": to_fen(ln["amount"]),
         "days": ln.get("days")}
        for ln in lines])
    _sync(session, claim.legs, TripLeg, [
        {"depart_on": leg["depart_on"], "depart_from": leg["depart_from"], "arrive_on": leg["arrive_on"],
         "arrive_at": leg["arrive_at"], "transport": leg["transport"],
         "fare_fen": to_fen(leg["fare"]) if leg.get("fare") is not None else 0}
        for leg in (values.get("legs") or [] if travel else [])])
    idents = [invoices.identity(r.get("invoice_code"), r["invoice_number"]) for r in receipts]
    _sync(session, claim.receipts, ExpenseReceipt, [
        {"receipt_type": r["receipt_type"], "invoice_code": ident.code, "invoice_number": ident.number,
         "number_key": ident.key, "issued_on": r["issued_on"], "amount_fen": to_fen(r["amount"]),
         "line_no": r["line_no"]} for r, ident in zip(receipts, idents, strict=True)])
    receipt_scans.retire_changed(session, claim, before, {r.position: r.invoice_number for r in claim.receipts})
    claim.total_fen = sum(to_fen(ln["amount"]) for ln in lines)
    session.flush()  # the trip's people are rows the overlap check reads
    _trip_taken(session, claim)
    ceiling_fen = claim_ceiling_fen(session)
    if claim.total_fen > ceiling_fen:  # allowances are computed only now, so the total is checked here
        raise ValidationError(
            f"费用明细：合计 {format_yuan(from_fen(claim.total_fen))} 超过单张报销单金额上限 "
            f"{format_yuan(from_fen(ceiling_fen))}（系统设置），请分开报销或请财务调整上限", field="费用明细",
            rule=RULE_CHECK)
    claim.receipt_count = len(receipts)
    claim.content_digest = _digest(lines, receipts, values.get("legs") if travel else None)


# --- finance checks (第6条, 第8条, 第9条) ------------------------------------------------------------

def finance_problems(session: Session, claim: ExpenseClaim) -> list[ValidationError]:
    """Every reason finance would refuse ``claim``, each naming its line (empty: the claim passes)."""
    out: list[ValidationError] = []
    positions = {ln.position for ln in claim.lines}
    by_line: dict[int, list[ExpenseReceipt]] = {}
    for r in claim.receipts:
        if r.line_no is None or r.line_no not in positions:
            label = _cell(RECEIPTS_FIELD, r.position, "line_no")
            what = "未填写" if r.line_no is None else f"本单没有第{r.line_no}行费用明细"
            out.append(ValidationError(
                f"{label}：票据 {r.invoice_number}（{format_yuan(from_fen(r.amount_fen))}）未对应任何费用明细（{what}），"
                "报销事项应与报销票据相对应", field=label, rule=RULE_MATCH))
        else:
            by_line.setdefault(r.line_no, []).append(r)
    for ln in claim.lines:
        if standards.is_allowance(claim.kind, ln.category):
            continue  # an allowance is paid by the standard (包干), with no receipt: see over_standard
        found = by_line.get(ln.position, [])
        if not found:
            label = forms.line_label(LINES_FIELD, ln.position)
            out.append(ValidationError(
                f"{label}：{ln.category} {format_yuan(from_fen(ln.amount_fen))} 没有对应的原始票据，"
                "报销单和原始票据缺一不可", field=label, rule=RULE_RECEIPTS))
            continue
        total = sum(r.amount_fen for r in found)
        if total != ln.amount_fen:
            label = forms.line_label(LINES_FIELD, ln.position, LINE_COLUMNS[2])
            out.append(ValidationError(
                f"{label}：票据金额合计 {format_yuan(from_fen(total))} 与申报金额 "
                f"{format_yuan(from_fen(ln.amount_fen))} 不符", field=label, rule=RULE_AMOUNT))
    out.extend(_outside_the_trip(claim))
    out.extend(_used_elsewhere(session, claim))
    return out


#: Receipts of a journey, which may be dated the day before the trip (a ticket bought in advance)
#: or the day after it (a night train, a taxi home).
TRANSPORT_RECEIPTS = ("火车票", "飞机行程单", "汽车票", "出租车票")


def _outside_the_trip(claim: ExpenseClaim) -> list[ValidationError]:
    """Receipts of a travel claim dated outside its trip (transport tickets ±1 day): a hotel
    receipt from another year's trip is no receipt of this one (第8条)."""
    if claim.kind != "travel" or claim.trip_start is None or claim.trip_end is None:
        return []
    out: list[ValidationError] = []
    for r in claim.receipts:
        slack = dt.timedelta(days=1 if r.receipt_type in TRANSPORT_RECEIPTS else 0)
        first, last = claim.trip_start - slack, claim.trip_end + slack
        if not first <= r.issued_on <= last:
            label = _cell(RECEIPTS_FIELD, r.position, "issued_on")
            allowed = "（交通票据可早一天或晚一天）" if slack else ""
            out.append(ValidationError(
                f"{label}：票据 {r.invoice_number} 开具于 {r.issued_on:%Y-%m-%d}，不在出差期间 "
                f"{claim.trip_start:%Y-%m-%d} 至 {claim.trip_end:%Y-%m-%d} 内{allowed}", field=label,
                rule=RULE_CHECK))
    return out


def _used_elsewhere(session: Session, claim: ExpenseClaim) -> list[ValidationError]:
    """Receipts of ``claim`` already on another claim, of any year (第6条): the same 代码 and 号码
    (leading zeros, spaces, full-width digits, hyphens and invisible characters do not count) or
    the same 全电发票 number. Each is named with the claim that has it."""
    keys = sorted({r.number_key or invoices.number_key(r.invoice_number) for r in claim.receipts})
    if not keys:
        return []
    candidates: list[tuple[invoices.Identity, str]] = []
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(ExpenseReceipt.invoice_code, ExpenseReceipt.invoice_number, ExpenseClaim.number)
            .join(ExpenseClaim, ExpenseClaim.id == ExpenseReceipt.claim_id)
            .where(ExpenseReceipt.number_key.in_(keys[start:start + 500]), ExpenseReceipt.claim_id != claim.id,
                   ExpenseClaim.status != "voided")  # a voided claim releases its receipts
            .order_by(ExpenseClaim.id)).all()
        candidates.extend((invoices.Identity(code, number), other) for code, number, other in rows)
    out: list[ValidationError] = []
    for r in claim.receipts:
        mine = invoices.Identity(r.invoice_code, r.invoice_number)
        other = next((n for ident, n in candidates if invoices.same(mine, ident)), None)
        if other is not None:
            label = _cell(RECEIPTS_FIELD, r.position, "invoice_number")
            out.append(ValidationError(
                f"{label}：票据 {mine.describe()} 已登记在报销单 {other or '（草稿）'} 中，同一张票据不能重复报销",
                field=label, rule=RULE_CHECK))
    return out


def refuse_problems(session: Session, claim: ExpenseClaim) -> None:
    problems = finance_problems(session, claim)
    if problems:
        raise ValidationError.joined(problems)


def claim_findings(session: Session, claim: ExpenseClaim) -> list[str]:
    """What the finance checks find on ``claim`` (each naming its line and article), then the lines
    above their travel standard."""
    return [str(p) for p in finance_problems(session, claim)] + standards.over_standard(session, claim)


#: Until finance has registered a claim, its findings are worth showing: to the applicant while it
#: can still be corrected, to the leader and finance while they decide on it.
_FINDINGS_FOR = {"draft": "applicant", "rejected": "applicant", "submitted": "office", "approved": "office"}


def _facts(session: Session, claim: ExpenseClaim) -> list[tuple[str, str]]:
    """What approving, checking and paying a claim rest on besides its columns (issue 16 §6:
    approvers decided blind): the trip, the advance it clears, how it was paid."""
    out: list[tuple[str, str]] = []
    if claim.kind == "travel":
        days = standards.trip_days(claim.trip_start, claim.trip_end)
        out += [("出差人", f"{claim.travellers}（{len(claim.trip_people)} 人）" if claim.trip_people else claim.travellers)]
        if claim.trip_start and claim.trip_end:
            out.append(("出差日期", f"{claim.trip_start:%Y-%m-%d} 至 {claim.trip_end:%Y-%m-%d}（{days} 天）"))
        out += [("出差地点", claim.places), ("交通工具", claim.transport),
                ("住宿标准地区类别", CITY_CLASSES.get(claim.city_class, claim.city_class))]
    advance = claim.advance
    if advance is not None:
        ledger = advances.ledger_of(advance)
        out.append(("冲抵借支", f"{advance.number}（借出 {format_yuan(from_fen(advance.amount_fen))}，"
                                f"尚未冲抵或交回 {format_yuan(from_fen(ledger.outstanding))}，{advance.purpose}）"))
        if claim.set_off_reason:
            out.append(("冲抵说明", claim.set_off_reason))
    if claim.status == "reimbursed":  # the pay dialog shows what is due
        due = claim.payable_fen if claim.payable_fen is not None else claim.total_fen
        out.append(("应付报销人", format_yuan(from_fen(due)) + ("（已全额冲抵借支，无需支付）" if due == 0 else "")))
    if claim.pay_method:
        out.append(("支付方式", claim.pay_method))
    return out


def _standing_in(session: Session, actor: User) -> bool:
    """Whether ``actor`` is the leader's 代理审批人 today (and so decides on what the findings concern)."""
    period = LEADER_STAND_IN.period(session)
    return period is not None and period.user_id == actor.id and period.covers(clock.today())


def _notices(session: Session, actor: User, claim: ExpenseClaim) -> list[str]:
    """The detail panel's warning box on a claim (the register's ``notices``)."""
    who = _FINDINGS_FOR.get(claim.status)
    if who == "applicant" and actor.id != claim.applicant_id:
        return []
    if who == "office" and not actor.has(roles.FINANCE, roles.FINANCE_LEADER) and not _standing_in(session, actor):
        return []
    if who is None:
        return []
    return claim_findings(session, claim)


# --- workflow ------------------------------------------------------------------------------------

_Applicant = aliased(User)
_Approver = aliased(User)
_Checker = aliased(User)


def _base() -> Any:
    return (select(ExpenseClaim.id).select_from(ExpenseClaim)
            .join(_Applicant, _Applicant.id == ExpenseClaim.applicant_id)
            .outerjoin(Department, Department.id == ExpenseClaim.department_id)
            .outerjoin(_Approver, _Approver.id == ExpenseClaim.approver_id)
            .outerjoin(_Checker, _Checker.id == ExpenseClaim.checker_id)
            .outerjoin(Batch, Batch.id == ExpenseClaim.batch_id))


_over = rules.over(_base)


#: 主管财务工作院领导 (第5条, 第9条(6)); the leader's own claims, which she may not approve, the 院长;
#: during the period the settings name, her stand-in (代理审批人) too, and the step says so.
may_lead = rules.approving(_base, (roles.FINANCE_LEADER,), ExpenseClaim.applicant_id, (roles.PRESIDENT,),
                           name="may_lead", stand_in=LEADER_STAND_IN)
LEADS = "主管财务工作院领导（其本人的报销单由院长）"
may_handle = rules.holding(_base, roles.FINANCE, name="may_handle")  # 财务人员
is_applicant = rules.owning(_base, ExpenseClaim.applicant_id, name="is_applicant")  # 申请人本人


def _payers_left(actor: User) -> Any:
    """Whether, once ``actor`` has checked the claim, an active finance person is left who may pay it:
    not its applicant, not its approver and not ``actor`` (four people, 第5条)."""
    return exists(
        select(UserRole.id).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == roles.FINANCE, User.active.is_(True), User.id != actor.id,
               User.id != ExpenseClaim.applicant_id,
               or_(ExpenseClaim.approver_id.is_(None), User.id != ExpenseClaim.approver_id)))


@_over
def may_pay_as_checker(actor: User) -> Any:
    """The checker pays too, but only when no other active finance person could (a finance office of
    two, one of whom filed the claim): never the applicant nor the approver (their separations stay),
    and both roles print on the form under the one name."""
    return and_(rules.holds(actor.has(roles.FINANCE)), ExpenseClaim.checker_id == actor.id,
                not_(_payers_left(actor)))


def _has_receipts() -> Any:
    return ExpenseClaim.receipt_count > 0


@_over
def may_scan_early(actor: User) -> Any:
    """Before approval the applicant adds the scans of his receipts, and finance may too (a claim with
    receipts: there is nothing to scan on one without)."""
    return and_(_has_receipts(), or_(ExpenseClaim.applicant_id == actor.id, rules.holds(actor.has(roles.FINANCE))))


@_over
def may_scan(actor: User) -> Any:
    """After approval, finance adds scans of the claim's receipts."""
    return and_(_has_receipts(), rules.holds(actor.has(roles.FINANCE)))


def _scan_step(state: str) -> Transition:
    """上传票据扫描件 in ``state``, leaving the claim in it (see .receipt_scans)."""
    early = state in ("draft", "rejected", "submitted")
    return Transition("upload_scan", "上传票据扫描件", src(state), state,
                      may_scan_early if early else may_scan, "申请人本人或财务人员" if early else "财务人员",
                      guard=receipt_scans.scan_guard, effect=receipt_scans.scan_effect,
                      fields=receipt_scans.SCAN_FIELDS, rule=RULE_RECEIPTS)


def _submit_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    if not claim.lines:
        raise ValidationError("费用明细：请至少填写一行", field="费用明细")
    if not claim.receipts and not all(standards.is_allowance(claim.kind, ln.category) for ln in claim.lines):
        raise ValidationError("原始票据：请登记所附的原始票据，报销单和原始票据缺一不可", field="原始票据",
                              rule=RULE_RECEIPTS)
    today = clock.today()
    for r in claim.receipts:
        if r.issued_on > today:
            label = _cell(RECEIPTS_FIELD, r.position, "issued_on")
            raise ValidationError(f"{label}：{r.issued_on:%Y-%m-%d} 晚于提交日期（{today:%Y-%m-%d}）", field=label)


def _submit_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.submitted_at = clock.now()
    # The claim is judged and printed by the travel standards in force now (a resubmission after a
    # return takes those of its own day, as its amounts may have been corrected to them).
    claim.standard_rates = standards.frozen(standards.rates(session)) if claim.kind == "travel" else ""


def _approve_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    refuse_problems(session, claim)


def _approve_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.approver_id = actor.id
    claim.approved_at = clock.now()
    claim.over_standard_approval = values.get("over_standard") or ""
    if claim.over_standard_approval:
        values["comment"] = f"同意超标准报销：{claim.over_standard_approval}" + (
            f"；{values['comment']}" if values.get("comment") else "")


OVER_STANDARD_FIELD = FormField(
    "over_standard", "同意超标准报销", "multiline", required=False, max_len=300,
    help="本单有超过差旅费标准的项目、且同意按实际金额报销时，写明理由（打印在报销单上）；"
         "不填则由财务在审核登记时核减至标准")


def _approve_over_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    _approve_guard(session, actor, claim, values)
    if values.get("over_standard") and not standards.flags(session, claim):
        raise ValidationError("同意超标准报销：本单没有超过差旅费标准的项目，无需填写", field="同意超标准报销",
                              rule=standards.RULE_STANDARD)


REJECT_FIELDS: tuple[FormField, ...] = (
    FormField("reason", "退回原因", "choice", choices=_pairs(REJECT_REASONS)),
)


def _reject_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    if values["reason"] == "其他" and not values["comment"]:
        raise ValidationError("意见：退回原因选「其他」时须写明具体原因", field="意见")
    if claim.advance is not None and claim.payable_fen is not None:  # its set-off would be taken back
        advances.refuse_reopening(session, claim.advance, advances.set_off_of(claim), claim.number)


def _reject_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    if claim.status == "registered":  # back from the bureau, or found wrong after checking
        _unregister(session, actor, claim)
    claim.reject_reason = values["reason"]
    claim.reject_text = values["comment"]
    claim.approver_id = None
    claim.approved_at = None


def _unregister(session: Session, actor: User, claim: ExpenseClaim) -> None:
    """Undo 审核登记 of a claim going back to its applicant: the check and the payable amount go, and
    the set-off against its advance is taken back (the advance is open again if it had closed)."""
    advance = claim.advance
    if advance is not None and claim.payable_fen is not None:
        advances.take_back(session, actor, advance, claim,
                           f"{clock.today():%Y-%m-%d} 报销单 {claim.number} 退回申请人，撤销冲抵 "
                           f"{format_yuan(from_fen(advances.set_off_of(claim)))}")
    claim.checker_id = None
    claim.checked_at = None
    claim.payable_fen = None
    claim.approved_total_fen = None
    for line in claim.lines:
        line.approved_fen, line.cut_reason = None, ""


def _register_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    if claim.approver_id is None:
        raise ValidationError("审批：报销单未经主管财务院领导审批，财务不予审核登记", field="审批",
                              rule=RULE_APPROVAL)
    refuse_problems(session, claim)
    if claim.advance is not None and claim.advance.status != "paid":
        raise ValidationError(
            f"冲抵借支：借支 {claim.advance.number} 当前为「{advances.ADVANCE_WORKFLOW.label(claim.advance.status)}」，"
            "本单不能再冲抵；请退回申请人，去掉「冲抵借支」后按普通报销办理", field="冲抵借支",
            rule=advances.RULE_FLOW)
    approved_lines(session, claim, values.get("cuts") or [])  # every refusal before anything is written


CUT_COLUMNS: tuple[FormField, ...] = (
    FormField("line_no", "明细行号", "int", minimum=1, maximum=30),
    FormField("approved", "核定金额", "money"),
    FormField("reason", "核减理由", "text", required=False, max_len=200),
)
CUTS_FIELD = FormField(
    "cuts", "核减", "lines", columns=CUT_COLUMNS, required=False, maximum=30,
    help="只列需要核减的费用明细行（核定金额低于报销金额）；未列出的行按报销金额核定。"
         "超过差旅费标准的行已按标准预填，分管财务院领导审批时同意超标准报销的除外")


def _standard_cuts(session: Session, claim: ExpenseClaim) -> dict[int, tuple[int, str]]:
    """The lines above their travel standard, cut to it: position → (approved fen, reason). Empty
    when the leader approved the over-standard amounts in writing."""
    if claim.over_standard_approval:
        return {}
    flagged = standards.flags(session, claim)
    reasons = {p: f"超过{f.category}标准（{f.standard.basis}）" for f in flagged if f.standard is not None
               for p in f.positions}
    return {p: (fen, reasons[p]) for p, fen in
            standards.cuts(flagged, ((ln.position, ln.amount_fen) for ln in claim.lines)).items()}


def _register_prefill(session: Session, claim: ExpenseClaim) -> dict[str, Any]:
    return {"cuts": [{"line_no": p, "approved": from_fen(fen), "reason": reason}
                     for p, (fen, reason) in sorted(_standard_cuts(session, claim).items())]}


def approved_lines(session: Session, claim: ExpenseClaim, cuts: list[dict[str, Any]]) -> dict[int, tuple[int, str]]:
    """The 核定金额 of each line — position → (fen, 核减理由) — from the rows finance entered, every
    refusal at once, each naming its row: a line that does not exist or is listed twice, an approved
    amount above the amount claimed, a cut without its reason, and an over-standard amount kept
    without the leader's written approval (第8条; the travel standards)."""
    by_position = {ln.position: ln for ln in claim.lines}
    out = {p: (ln.amount_fen, "") for p, ln in by_position.items()}
    refused: list[ValidationError] = []
    seen: set[int] = set()
    for row_no, row in enumerate(cuts, 1):
        label = f"核减第{row_no}行"
        line = by_position.get(row["line_no"])
        if line is None:
            refused.append(ValidationError(f"{label} 明细行号：本单没有第{row['line_no']}行费用明细", field=label))
            continue
        if line.position in seen:
            refused.append(ValidationError(f"{label} 明细行号：第{line.position}行已经列过", field=label))
            continue
        seen.add(line.position)
        fen = to_fen(row["approved"])
        if fen < 0 or fen > line.amount_fen:
            refused.append(ValidationError(
                f"{label} 核定金额：应在 ¥0.00 至报销金额 {format_yuan(from_fen(line.amount_fen))} 之间",
                field=label, rule=RULE_CHECK))
            continue
        reason = (row.get("reason") or "").strip()
        if fen < line.amount_fen and not reason:
            refused.append(ValidationError(f"{label} 核减理由：核减须写明理由", field=label, rule=RULE_CHECK))
        out[line.position] = (fen, reason if fen < line.amount_fen else "")
    if not claim.over_standard_approval:
        for flag in standards.flags(session, claim):
            if flag.standard is None or flag.note:
                continue
            kept = sum(out[p][0] for p in flag.positions)
            if kept > flag.standard.fen:
                where = "、".join(str(p) for p in flag.positions)
                refused.append(ValidationError(
                    f"核减：费用明细第{where}行（{flag.category}）核定 {format_yuan(from_fen(kept))}，超过标准 "
                    f"{flag.standard.yuan}（{flag.standard.basis}）；超标准部分须核减，除非分管财务院领导审批时书面同意",
                    field="核减", rule=standards.RULE_STANDARD))
    if refused:
        raise ValidationError.joined(refused)
    return out


def _register_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.checker_id = actor.id
    claim.checked_at = clock.now()
    if claim.payable_fen is not None:  # back from the bureau: the set-off stands as registered
        return
    approved = approved_lines(session, claim, values.get("cuts") or [])
    cut_words = []
    for line in claim.lines:
        line.approved_fen, line.cut_reason = approved[line.position]
        if line.cut_fen:
            cut_words.append(f"第{line.position}行 {line.category} {format_yuan(from_fen(line.amount_fen))} 核定为 "
                             f"{format_yuan(from_fen(line.payable_fen))}（{line.cut_reason}）")
    claim.approved_total_fen = sum(ln.payable_fen for ln in claim.lines)
    if cut_words:
        values["comment"] = (f"核减：{'；'.join(cut_words)}；核定金额 {format_yuan(from_fen(claim.approved_total_fen))}"
                             + (f"；{values['comment']}" if values.get("comment") else ""))
    advance = claim.advance
    if advance is None:
        claim.payable_fen = claim.approved_total_fen
        return
    ledger, payable = advances.ledger_of(advance).set_against(advances.set_off_of(claim))
    advances._store(advance, ledger)
    advances.ledger_step(session, actor, advance,
                         f"{clock.today():%Y-%m-%d} 报销单 {claim.number} 冲抵 "
                         f"{format_yuan(from_fen(advances.set_off_of(claim)))}"
                         + (f"，应补付 {format_yuan(from_fen(payable))}" if payable else ""))
    claim.payable_fen = payable
    advances.close_if_settled(session, actor, advance)


BATCH_REGISTER_KEY = "finance_batch"
BATCH_PATTERN = "（{year}）财报{serial:03d}批"
SEND_LABEL = "报送区财政局"

#: The step's one field: the batch the command 「报送区财政局」 has just numbered for all the claims
#: selected (the step is taken only by that command, see :meth:`ClaimService.send_batch`).
BATCH_FIELDS: tuple[FormField, ...] = (FormField("batch_id", "报送批次", "int", minimum=1),)


def _batch_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    if claim.approver_id is None or claim.checker_id is None:
        raise ValidationError("审批：未经审批和审核登记的报销单不能报送区财政局", field="审批", rule=RULE_APPROVAL)
    batch = session.get(Batch, values["batch_id"])
    if batch is None:
        raise ValidationError("报送批次：该批次不存在", field="报送批次")
    validation.not_future(batch.sent_on, "报送日期")
    if claim.checked_at and batch.sent_on < claim.checked_at.date():
        raise ValidationError(f"报送日期：不能早于审核登记日期（{claim.checked_at:%Y-%m-%d}）", field="报送日期")


def _batch_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    batch = session.get(Batch, values["batch_id"])
    assert batch is not None  # the guard saw it
    claim.batch_id = batch.id
    claim.sent_on = batch.sent_on


def _bureau_return_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    """The claim leaves its batch (it may be batched again once corrected); the batch's remarks keep
    which claim the bureau returned, when and why."""
    batch = claim.batch
    if batch is not None:
        line = f"{clock.today():%Y-%m-%d} 报销单 {claim.number} 被退回：{values['comment']}"
        batch.remarks = f"{batch.remarks}\n{line}" if batch.remarks else line
    claim.bureau_return = values["comment"]
    claim.batch_id = None
    claim.sent_on = None


def _reimburse_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    day: dt.date = values["reimbursed_on"]
    validation.not_future(day, "报销日期")
    if claim.sent_on and day < claim.sent_on:
        raise ValidationError(f"报销日期：不能早于报送日期（{claim.sent_on:%Y-%m-%d}）", field="报销日期")


def _reimburse_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.reimbursed_on = values["reimbursed_on"]
    summary.add_reimbursed(session, claim)  # 月度报销汇总, in the same transaction


def _correct_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    day: dt.date = values["reimbursed_on"]
    _reimburse_guard(session, actor, claim, values)
    if day == claim.reimbursed_on:
        raise ValidationError(f"报销日期：与已登记的报销日期（{day:%Y-%m-%d}）相同，无需更正", field="报销日期")
    if claim.paid_on and day > claim.paid_on:
        raise ValidationError(f"报销日期：不能晚于已支付的日期（{claim.paid_on:%Y-%m-%d}）", field="报销日期")


def _correct_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    was, day = claim.reimbursed_on, values["reimbursed_on"]
    summary.move_reimbursed(session, claim, day)  # 月度报销汇总 follows, same transaction
    values["comment"] = f"报销日期由 {was:%Y-%m-%d} 更正为 {day:%Y-%m-%d}；{values['comment']}"


def _correct_step(state: str) -> Transition:
    """更正报销日期 in ``state`` (a date typed wrong at 登记财政局已报销), leaving the claim in it."""
    return Transition("correct_reimbursed_on", "更正报销日期", src(state), state, may_handle, "财务人员",
                      guard=_correct_guard, effect=_correct_effect, separations=(SEPARATE_APPLICANT,),
                      comment_required=True, fields=(FormField("reimbursed_on", "报销日期", "date"),),
                      rule=RULE_FLOW, aside=True)


PAY_FIELDS: tuple[FormField, ...] = (
    FormField("paid_on", "支付日期", "date"),
    FormField("pay_method", "支付方式", "choice", choices=_pairs((*PAY_METHODS, SET_OFF_ONLY)), default="转账",
              help=f"已全额冲抵借支（应付 ¥0.00）的选「{SET_OFF_ONLY}」"),
)


def _pay_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    day: dt.date = values["paid_on"]
    validation.not_future(day, "支付日期")
    if claim.reimbursed_on is None:
        raise ValidationError("支付日期：区财政局尚未报销，不能向申请人支付", field="支付日期", rule=RULE_FLOW)
    if day < claim.reimbursed_on:
        raise ValidationError(f"支付日期：不能早于区财政局报销日期（{claim.reimbursed_on:%Y-%m-%d}）", field="支付日期")
    due = claim.payable_fen if claim.payable_fen is not None else claim.total_fen
    if due == 0 and values["pay_method"] != SET_OFF_ONLY:
        raise ValidationError(f"支付方式：本单应付 ¥0.00（已全额冲抵借支），请选「{SET_OFF_ONLY}」", field="支付方式",
                              rule=RULE_FLOW)
    if due > 0 and values["pay_method"] == SET_OFF_ONLY:
        raise ValidationError(f"支付方式：本单应付 {format_yuan(from_fen(due))}，不是「{SET_OFF_ONLY}」", field="支付方式",
                              rule=RULE_FLOW)


def _pay_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.payer_id = actor.id
    claim.paid_on = values["paid_on"]
    claim.pay_method = values["pay_method"]
    advance = claim.advance
    if advance is not None and claim.payable_fen:
        advances._store(advance, advances.ledger_of(advance).pay_difference(claim.payable_fen))
        advances.ledger_step(session, actor, advance, f"{claim.paid_on:%Y-%m-%d} 报销单 {claim.number} 补付 "
                             f"{format_yuan(from_fen(claim.payable_fen))}（{actor.name}经手）")
        advances.close_if_settled(session, actor, advance)


def _sign_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    claim.signed_at = clock.now()


def _sign_for_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    """代签收: who received the money, and why the applicant could not sign, go into the step."""
    claim.signed_at = clock.now()
    values["comment"] = f"代签收：领款人 {values['receiver']}（报销人 {claim.applicant.name} 账号已停用）；{values['comment']}"


#: 代签收 only where the applicant can no longer sign: the account was deactivated (left the court).
may_sign_for = rules.Rule(lambda actor: and_(rules.holds(actor.has(roles.FINANCE)), _Applicant.active.is_(False)),
                          _base, name="may_sign_for")

SEPARATE_APPLICANT = Separation("applicant_id", "不能审批或经办自己的报销单（职责分离）")
SEPARATE_APPROVER = Separation("approver_id", "审批人不能同时审核登记或支付同一报销单（职责分离）")
SEPARATE_CHECKER = Separation("checker_id", "审核登记人不能同时支付同一报销单，请由另一名财务人员支付（职责分离）")

CLAIM_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={
        "draft": "草稿",
        "submitted": "待审批",
        "rejected": "已退回待修改",
        "approved": "已审批待审核",
        "registered": "已审核登记",
        "batched": "已报区财政局",
        "reimbursed": "已报销待支付",
        "paid": "已支付待签收",
        "signed": "已签收",
        "voided": "已作废",
    },
    initial="draft",
    transitions=(
        Transition("submit", "提交审批", src("draft", "rejected"), "submitted", is_applicant, "申请人本人",
                   guard=_submit_guard, effect=_submit_effect, rule=RULE_FLOW),
        # 撤回: back to the applicant's draft before anyone decided; 作废: ends a claim before it is
        # registered (no set-off to undo), keeping its number and releasing its receipts and trip
        Transition("withdraw", "撤回", src("submitted"), "draft", is_applicant, "申请人本人", rule=RULE_FLOW),
        Transition("void", "作废", src("draft", "submitted", "rejected"), "voided", is_applicant, "申请人本人",
                   comment_required=True, rule=RULE_FLOW),
        Transition("void", "作废", src("approved"), "voided", may_handle, "财务人员", comment_required=True,
                   separations=(SEPARATE_APPLICANT,), rule=RULE_FLOW),
        Transition("approve", "审批同意", src("submitted"), "approved", may_lead, LEADS,
                   guard=_approve_over_guard, effect=_approve_effect, separations=(SEPARATE_APPLICANT,),
                   fields=(OVER_STANDARD_FIELD,), rule=RULE_APPROVAL),
        Transition("reject", "退回修改", src("submitted"), "rejected", may_lead, LEADS,
                   guard=_reject_guard, effect=_reject_effect, separations=(SEPARATE_APPLICANT,),
                   fields=REJECT_FIELDS, rule=RULE_CHECK),
        Transition("return", "退回申请人", src("approved", "registered"), "rejected", may_handle, "财务人员",
                   guard=_reject_guard, effect=_reject_effect, separations=(SEPARATE_APPLICANT,),
                   fields=REJECT_FIELDS, rule=RULE_CHECK),
        Transition("register", "审核登记", src("approved"), "registered", may_handle, "财务人员",
                   guard=_register_guard, effect=_register_effect,
                   separations=(SEPARATE_APPLICANT, SEPARATE_APPROVER), fields=(CUTS_FIELD,),
                   prefill=_register_prefill, rule=RULE_CHECK),
        Transition("batch", "报送区财政局", src("registered"), "batched", may_handle, "财务人员",
                   guard=_batch_guard, effect=_batch_effect, separations=(SEPARATE_APPLICANT,),
                   fields=BATCH_FIELDS, rule=RULE_FLOW, command=SEND_LABEL),
        Transition("bureau_return", "区财政局退回", src("batched"), "registered", may_handle, "财务人员",
                   effect=_bureau_return_effect, separations=(SEPARATE_APPLICANT,), comment_required=True,
                   rule=RULE_FLOW),
        Transition("reimburse", "登记财政局已报销", src("batched"), "reimbursed", may_handle, "财务人员",
                   guard=_reimburse_guard, effect=_reimburse_effect, separations=(SEPARATE_APPLICANT,),
                   fields=(FormField("reimbursed_on", "报销日期", "date"),),
                   defaults=lambda: {"reimbursed_on": clock.today()}, rule=RULE_FLOW),
        Transition("pay", "支付", src("reimbursed"), "paid", may_handle, "财务人员",
                   guard=_pay_guard, effect=_pay_effect,
                   separations=(SEPARATE_APPLICANT, SEPARATE_APPROVER, SEPARATE_CHECKER),
                   fields=PAY_FIELDS, defaults=lambda: {"paid_on": clock.today()}, rule=RULE_FLOW),
        Transition("pay", "支付", src("reimbursed"), "paid", may_pay_as_checker, "审核人（没有其他财务人员可以支付时）",
                   guard=_pay_guard, effect=_pay_effect, separations=(SEPARATE_APPLICANT, SEPARATE_APPROVER),
                   fields=PAY_FIELDS, defaults=lambda: {"paid_on": clock.today()}, rule=RULE_FLOW),
        Transition("sign", "签收确认", src("paid"), "signed", is_applicant, "申请人本人",
                   effect=_sign_effect, rule=RULE_FLOW),
        Transition("sign_for", "代签收", src("paid"), "signed", may_sign_for, "财务人员（报销人账号已停用时）",
                   effect=_sign_for_effect, separations=(SEPARATE_APPLICANT,), comment_required=True,
                   fields=(FormField("receiver", "领款人", "text", max_len=40,
                                     help="实际领取这笔报销款的人的姓名"),), rule=RULE_FLOW, aside=True),
        *(_scan_step(state) for state in ("draft", "rejected", "submitted", "approved", "registered", "batched",
                                          "reimbursed")),
        *(_correct_step(state) for state in ("reimbursed", "paid", "signed")),
    ),
)


# --- service -------------------------------------------------------------------------------------

def _clean(session: Session, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    values = clean(CLAIM_FIELDS, data, session=session, actor=actor)
    _check_content(values, data, claim_ceiling_fen(session))
    return values


def claim_values(claim: ExpenseClaim) -> dict[str, Any]:
    """The claim as the form shows it (for 修改)."""
    return {
        "kind": claim.kind, "purpose": claim.purpose,
        "traveller_ids": [p.user_id for p in claim.trip_people if p.user_id is not None],
        "travellers": "、".join(p.name for p in claim.trip_people if p.user_id is None),
        "trip_start": claim.trip_start, "trip_end": claim.trip_end, "places": claim.places,
        "transport": claim.transport, "city_class": claim.city_class, "advance_id": claim.advance_id,
        "set_off_reason": claim.set_off_reason,
        "legs": [{"depart_on": leg.depart_on, "depart_from": leg.depart_from, "arrive_on": leg.arrive_on,
                  "arrive_at": leg.arrive_at, "transport": leg.transport,
                  "fare": from_fen(leg.fare_fen) if leg.fare_fen else None} for leg in claim.legs],
        "expense_lines": _line_dicts(claim), "receipt_rows": _receipt_dicts(claim),
    }


def _line_dicts(claim: ExpenseClaim) -> list[dict[str, Any]]:
    """The lines as the edit form shows them. An allowance the service computed by the standard (its
    amount and description are still the computation's) comes back blank, so it is computed again
    from the trip as corrected — a longer trip is not left with the old days' allowance."""
    computed = _computed_allowances(claim)
    return [{"category": ln.category, "description": "", "amount": None, "days": ln.days} if ln.position in computed
            else {"category": ln.category, "description": ln.description, "amount": from_fen(ln.amount_fen),
                  "days": ln.days}
            for ln in claim.lines]


def _computed_allowances(claim: ExpenseClaim) -> set[int]:
    session = object_session(claim)
    if claim.kind != "travel" or session is None:
        return set()
    known = standards.standards(standards.rates_of(session, claim), standards.Trip.of(claim))
    return {ln.position for ln in claim.lines if ln.category in standards.ALLOWANCES and ln.category in known
            and ln.description == known[ln.category].basis and ln.amount_fen == known[ln.category].fen}


def _receipt_dicts(claim: ExpenseClaim) -> list[dict[str, Any]]:
    return [{"receipt_type": r.receipt_type, "invoice_code": r.invoice_code, "invoice_number": r.invoice_number,
             "issued_on": r.issued_on, "amount": from_fen(r.amount_fen), "line_no": r.line_no}
            for r in claim.receipts]


class ClaimService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def file(self, actor: User, data: dict[str, Any]) -> ExpenseClaim:
        """A new claim of ``actor`` (草稿); ``submit`` sends it to the finance leader."""
        with self.db.write(actor) as s:
            values = _clean(s, actor, data)
            now = clock.now()
            claim = ExpenseClaim(status=CLAIM_WORKFLOW.initial, applicant_id=actor.id,
                                 department_id=actor.department_id, filed_at=now)
            _apply(s, actor, claim, values)
            numbering.assign(s, claim, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=now.year)
            s.add(claim)
            s.flush()
            return claim

    def edit(self, actor: User, claim_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None = None) -> ExpenseClaim:
        """修改 a draft or a returned claim (the applicant; ``reason`` goes to the audit trail)."""
        with self.db.write(actor) as s:
            claim = self._load(s, claim_id)
            CLAIM_EDIT.apply(s, actor, claim, data, reason, expected_version)
            return claim

    def act(self, actor: User, claim_id: int, action: str, comment: str = "", **params: Any) -> ExpenseClaim:
        with self.db.write(actor) as s:
            claim = self._load(s, claim_id)
            CLAIM_WORKFLOW.fire(s, actor, claim, action, comment, **params)
            return claim

    def send_batch(self, actor: User, claim_ids: list[int], *, sent_on: dt.date | str | None = None,
                   remarks: str = "") -> Batch:
        """报送区财政局: one new batch, numbered 「（年）财报NNN批」, for all ``claim_ids`` — each takes
        the step 报送区财政局 in this one unit of work, so all are sent or none (a claim that may not
        be sent refuses the whole batch, naming the claim)."""
        with self.db.write(actor) as s:
            return send_batch_in(s, actor, claim_ids, sent_on=sent_on, remarks=remarks)

    def problems(self, actor: User, claim_id: int) -> list[str]:
        """The finance checks' findings on a claim, in words (for the checking clerk), then the lines
        above their travel standard (flags: registered only with a comment, see .standards)."""
        with self.db.read() as s:
            return claim_findings(s, self._load(s, claim_id))

    @staticmethod
    def _load(session: Session, claim_id: int) -> ExpenseClaim:
        return load_or_refuse(session, ExpenseClaim, claim_id, "报销单", "该报销单不存在")


SEND_FIELDS: tuple[FormField, ...] = (
    FormField("sent_on", "报送日期", "date"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500, help="如：随附报送清单一份"),
)


def refuse_unsendable(claims: list[ExpenseClaim]) -> None:
    """Refuse a selection holding a claim not 「已审核登记」, naming those claims."""
    if not claims:
        raise ValidationError("所选报销单：请至少选择一份「已审核登记」的报销单", field="所选报销单")
    bad = [f"{c.number}（{CLAIM_WORKFLOW.label(c.status)}）" for c in claims if c.status != "registered"]
    if bad:
        raise ValidationError("所选报销单：只有「已审核登记」的报销单可以报送区财政局，以下不可："
                              + "、".join(bad[:5]) + (f" 等 {len(bad)} 份" if len(bad) > 5 else ""),
                              field="所选报销单", rule=RULE_FLOW)


def send_batch_in(session: Session, actor: User, claim_ids: list[int], *, sent_on: dt.date | str | None = None,
                  remarks: str = "") -> Batch:
    """:meth:`ClaimService.send_batch` inside the caller's unit of work."""
    ids = [int(i) for i in claim_ids]
    if len(set(ids)) != len(ids):
        raise ValidationError("所选报销单：同一份报销单选了两次", field="所选报销单")
    values = clean(SEND_FIELDS, {"sent_on": sent_on or clock.today(), "remarks": remarks})
    validation.not_future(values["sent_on"], "报送日期")
    claims = [ClaimService._load(session, i) for i in ids]
    refuse_unsendable(claims)
    batch = Batch(sent_on=values["sent_on"], sender_id=actor.id, remarks=values["remarks"])
    numbering.assign(session, batch, register=BATCH_REGISTER_KEY, pattern=BATCH_PATTERN,
                     year=values["sent_on"].year)
    session.add(batch)
    session.flush()
    for claim in sorted(claims, key=lambda c: (c.year, c.serial)):
        try:
            CLAIM_WORKFLOW.fire(session, actor, claim, "batch", by_command=True, batch_id=batch.id)
        except DomainError as exc:
            raise type(exc)(f"报销单 {claim.number}（{claim.applicant.name}）— {exc.message}",
                            field=exc.field, rule=exc.rule) from None
    return batch


def _send_claims(session: Session, actor: User, ids: list[int]) -> list[ExpenseClaim]:
    claims = [ClaimService._load(session, i) for i in ids]
    refuse_unsendable(claims)
    return claims


def _send_intro(session: Session, actor: User, ids: list[int]) -> str:
    claims = _send_claims(session, actor, ids)
    total = sum(c.approved_or_claimed_fen for c in claims)
    return (f"所选 {len(claims)} 份报销单（合计 {format_yuan(from_fen(total))}）编为一个新批次报送区财政局，"
            "批次号按年度顺序自动编号；任何一份不能报送时全部不报送。")


def _send_fields(session: Session, actor: User, ids: list[int]) -> tuple[FormField, ...]:
    _send_claims(session, actor, ids)
    return (replace(SEND_FIELDS[0], default=clock.today()), SEND_FIELDS[1])


def _send_run(db: Database, actor: User, ids: list[int], data: dict[str, Any],
              progress: Any = None, cancel: Any = None) -> CommandResult:
    batch = ClaimService(db).send_batch(actor, ids, sent_on=data.get("sent_on") or None,
                                        remarks=str(data.get("remarks") or ""))
    return CommandResult(f"已将 {len(ids)} 份报销单编为批次 {batch.number} 报送区财政局", record_ids=tuple(ids))


#: 报送区财政局 (第5条): the selected registered claims go to the bureau as one numbered batch.
SEND_BATCH = Command(
    key="send_batch",
    label=SEND_LABEL,
    # The step's own rule (财务人员): whoever may take it sees the command.
    may=lambda actor: rules.constant(may_handle.sql(actor)) is True,
    who="财务人员",
    selection="many",
    fields=_send_fields,
    run=_send_run,
    intro=_send_intro,
    ok_text="报送",
    applies=CLAIM_WORKFLOW.available_where("batch"),
    help="选中「已审核登记」的报销单，编为一个批次报送区财政局（批次号自动编号，全部报送或全部不报送）",
)


def _edit_apply(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    _check_content(values, values, claim_ceiling_fen(session))
    _apply(session, actor, claim, values)


class _ClaimEdit(EditSpec):
    """The edit of a claim replaces its lines and receipts, with the checks of a new claim."""

    def values(self, record: Any) -> dict[str, Any]:
        return claim_values(record)


CLAIM_EDIT = _ClaimEdit(
    fields=CLAIM_FIELDS,
    states=src("draft", "rejected"),
    may=lambda actor, claim: actor.id == claim.applicant_id,
    who="申请人本人",
    save=service_edit(lambda db: ClaimService(db)),
    update=lambda session, actor, claim, values: _edit_apply(session, actor, claim, values),
    workflow=CLAIM_WORKFLOW,
)


# --- register ------------------------------------------------------------------------------------

FINANCE_WIDE = advances.FINANCE_WIDE


def _scope(actor: User) -> Any:
    """Finance staff and the leaders see every claim once it is submitted; a draft is the applicant's
    own work until then (as a paper claim is not in the finance office before it is handed in)."""
    mine = ExpenseClaim.applicant_id == actor.id
    if actor.has(*FINANCE_WIDE):
        return or_(mine, ExpenseClaim.status != "draft")
    # 代理审批人, during the period: what waits for the leader's decision and what was just decided
    return or_(mine, LEADER_STAND_IN.visible(actor, ExpenseClaim, ("submitted", "approved", "rejected")))


def _line_rows(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for ln in session.scalars(select(ExpenseLine).where(ExpenseLine.claim_id.in_(ids))
                              .order_by(ExpenseLine.claim_id, ExpenseLine.position)):
        out[ln.claim_id].append({"category": ln.category, "description": ln.description,
                                 "amount": from_fen(ln.amount_fen)})
    return out


def _receipt_rows(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    scanned = receipt_scans.scanned(session, ids)
    for r in session.scalars(select(ExpenseReceipt).where(ExpenseReceipt.claim_id.in_(ids))
                             .order_by(ExpenseReceipt.claim_id, ExpenseReceipt.position)):
        out[r.claim_id].append({"receipt_type": r.receipt_type, "invoice_code": r.invoice_code,
                                "invoice_number": r.invoice_number,
                                "issued_on": r.issued_on, "amount": from_fen(r.amount_fen), "line_no": r.line_no,
                                "scan": receipt_scans.UPLOADED if r.position in scanned[r.claim_id]
                                else receipt_scans.MISSING})
    return out


CLAIM_LINES = LinesSpec("expense_lines", "费用明细", LINE_COLUMNS,
                        load=lambda s, i: _line_rows(s, [i])[i], load_many=_line_rows)
CLAIM_RECEIPTS = LinesSpec("receipt_rows", "原始票据", (*RECEIPT_COLUMNS, receipt_scans.SCAN_COLUMN),
                           load=lambda s, i: _receipt_rows(s, [i])[i], load_many=_receipt_rows)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(CLAIM_REGISTER, filter_key=key).count(session, actor)

    return [
        DashboardItem("待我审批的报销单", count("to_approve"), REGISTER_KEY, "to_approve", True),
        DashboardItem("待审核登记的报销单", count("to_register"), REGISTER_KEY, "to_register", False),
        DashboardItem("待报送区财政局的报销单", count("to_batch"), REGISTER_KEY, "to_batch", False),
        DashboardItem("待支付的报销单", count("to_pay"), REGISTER_KEY, "to_pay", False),
        DashboardItem("退回待我修改的报销单", count("returned_mine"), REGISTER_KEY, "returned_mine", True),
        DashboardItem("待我签收的报销款", count("to_sign"), REGISTER_KEY, "to_sign", False),
        DashboardItem("出差返回逾期未提交的差旅费报销", count("late_trip"), REGISTER_KEY, "late_trip", True),
    ]


def late_trip_clause(actor: User) -> Any:
    """The actor's travel claims still in draft (or returned to them) whose trip ended more than the
    configured number of days ago: 出差返岗后应及时申报 (《办公室财务管理办法》第4条)."""
    today = literal(clock.today(), Date())
    return and_(ExpenseClaim.applicant_id == actor.id, ExpenseClaim.kind == "travel",
                ExpenseClaim.status.in_(("draft", "rejected")), ExpenseClaim.trip_end.is_not(None),
                days_between(ExpenseClaim.trip_end, today) > reminder_days_sql())


def _state_filter(state: str) -> Filter:
    return Filter(f"state_{state}", CLAIM_WORKFLOW.label(state), lambda a: ExpenseClaim.status == state)


#: The forms printed for a claim (built in ``documents.py``): 报销单 and 粘贴单 once submitted, 领款签收单
#: once paid, the cashier's paper.
CLAIM_FORM_KIND = "expense_claim"
PASTE_SHEET_KIND = "receipt_paste_sheet"
PAYMENT_RECEIPT_KIND = "claim_payment_receipt"

CLAIM_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="报销单登记簿",
    model=ExpenseClaim,
    # the paper 登记簿 on A4 landscape: 报销事由 about 16 characters wide (17 columns left it four)
    printed_columns=("number", "filed_at", "kind", "applicant", "department", "purpose", "status", "total",
                     "approved_total", "payable", "paid_on", "void_reason"),
    columns=(
        Column("number", "报销单号", ExpenseClaim.number, 12),
        Column("filed_at", "填报时间", ExpenseClaim.filed_at, 13, "datetime"),
        Column("kind", "类别", case(*((ExpenseClaim.kind == k, v) for k, v in KINDS.items()),
                                  else_=ExpenseClaim.kind), 10),
        Column("applicant", "报销人", _Applicant.name, 8),
        Column("department", "部门", Department.name, 10),
        Column("status", "状态", ExpenseClaim.status, 10, "status"),
        Column("total", "报销金额", ExpenseClaim.total_fen, 11, "money"),
        Column("approved_total", "核定金额", ExpenseClaim.approved_total_fen, 11, "money"),
        Column("payable", "应付金额", ExpenseClaim.payable_fen, 11, "money"),
        Column("receipts", "票据张数", ExpenseClaim.receipt_count, 6, "int"),
        Column("purpose", "报销事由", ExpenseClaim.purpose, 18),
        Column("approver", "审批人", _Approver.name, 8),
        Column("checker", "审核人", _Checker.name, 8),
        Column("batch", "报送批次", Batch.number, 10),
        Column("reimbursed_on", "报销日期", ExpenseClaim.reimbursed_on, 10, "date"),
        Column("paid_on", "支付日期", ExpenseClaim.paid_on, 10, "date"),
        Column("reject", "退回原因", ExpenseClaim.reject_reason, 10),
        # 已作废 says why: the 作废 step's reason (comment_required)
        Column("void_reason", "作废原因", CLAIM_WORKFLOW.step_comment("voided", ExpenseClaim.id), 12),
    ),
    base=_base,
    search=(ExpenseClaim.number, ExpenseClaim.purpose, _Applicant.name, Batch.number),
    date_expr=ExpenseClaim.filed_at,
    default_sort=("id", True),
    workflow=CLAIM_WORKFLOW,
    filters=(
        Filter("to_approve", "待我审批", CLAIM_WORKFLOW.available_where("approve")),
        Filter("to_register", "待审核登记", CLAIM_WORKFLOW.available_where("register")),
        Filter("to_batch", "待报送区财政局", CLAIM_WORKFLOW.available_where("batch")),
        Filter("to_pay", "待支付", CLAIM_WORKFLOW.available_where("pay")),
        Filter("returned_mine", "退回待我修改",
               lambda a: and_(ExpenseClaim.status == "rejected", ExpenseClaim.applicant_id == a.id)),
        Filter("to_sign", "待我签收", CLAIM_WORKFLOW.available_where("sign")),
        Filter("mine", "我的报销", lambda a: ExpenseClaim.applicant_id == a.id),
        Filter("late_trip", "出差返回逾期未报销", lambda a: late_trip_clause(a)),
        *(_state_filter(state) for state in CLAIM_WORKFLOW.states),
    ),
    scope=_scope,
    form=CLAIM_FIELDS,
    create=lambda db, actor, data: ClaimService(db).file(actor, data),
    create_label="填报销单",
    dashboard=_dashboard,
    act=service_act(ClaimService),
    edit=CLAIM_EDIT,
    lines=(CLAIM_LINES, CLAIM_RECEIPTS),
    notices=_notices,
    facts=_facts,
    commands=(SEND_BATCH,),
    documents=(
        RegisterDocument(CLAIM_FORM_KIND, batch=True),
        RegisterDocument(PASTE_SHEET_KIND, batch=True),
        RegisterDocument(PAYMENT_RECEIPT_KIND, may=lambda a: a.has(roles.FINANCE), who="财务人员", batch=True),
    ),
)

