"""Advances (借支单) — 《办公室财务管理办法》第10–14条; SPEC §3.

Flow (第11条): the applicant fills the 借支单 with a reasoned estimate (第12条) → the finance leader
approves (第13条) → finance pays the cash → claims are set against it and unused cash is handed
back → closed when ``amount + difference paid = set off + returned`` (see :mod:`.ledger`).
No new advance while the applicant has one not closed (第14条).

Reminder (issue 10): a travel advance carries its trip (出差开始/结束日期). An advance whose cash is out
(已借出未结清) and still not cleared more than ``advance_reminder_days`` (系统设置, default 30) after the
trip ended (after the payment, for an advance without a trip) is 逾期未结清 — see :func:`overdue_clause`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, String, and_, case, cast, literal, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.finance.ledger import Ledger
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.areas.finance.settings import ADVANCE_REMINDER_DAYS, LEADER_STAND_IN, reminder_days_sql
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.money import format_yuan, from_fen, to_fen
from courtdesk.kernel.records import load_or_refuse, one_at_a_time
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    RegisterDocument,
    RegisterQuery,
    RegisterSpec,
    days_between,
    service_act,
)
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

BOOK = "《办公室财务管理办法》"
RULE_APPROVAL = f"{BOOK}第13条"
RULE_ONE_OPEN = f"{BOOK}第14条"
RULE_FLOW = f"{BOOK}第11条"
REGISTER_KEY = "finance_advance"
#: (2026)借0001号 — the same style as the claims' (2026)报0001号; numbers given before keep their style.
NUMBER_PATTERN = "({year})借{serial:04d}号"
#: States in which an advance is not yet cleared (第14条).
OPEN_STATES = ("submitted", "approved", "paid")
#: Who sees every advance (the others see their own).
FINANCE_WIDE = (roles.FINANCE, roles.FINANCE_LEADER, roles.PRESIDENT)

_Applicant = aliased(User)


def _base() -> Any:
    return (select(Advance.id).select_from(Advance)
            .join(_Applicant, _Applicant.id == Advance.applicant_id)
            .outerjoin(Department, Department.id == Advance.department_id))


def _balanced() -> Any:
    """SQL: the advance's ledger balances (借出 + 补付 = 冲抵 + 交回), see :class:`.ledger.Ledger`."""
    return Advance.amount_fen + Advance.difference_paid_fen == Advance.set_off_fen + Advance.returned_fen


#: 结清 only once nothing is outstanding: the button was offered while money was still out (and
#: then refused); the rule keeps the button, 待办 and the service in agreement.
may_close = rules.Rule(lambda actor: and_(rules.holds(actor.has(roles.FINANCE)), _balanced()), _base,
                       name="may_close")

#: 分管财务院领导 (第13条); the leader's own advances, which she may not approve, the 院长; during the
#: period the settings name, her stand-in (代理审批人) too, and the step says so.
may_lead = rules.approving(_base, (roles.FINANCE_LEADER,), Advance.applicant_id, (roles.PRESIDENT,),
                           name="may_lead", stand_in=LEADER_STAND_IN)
LEADS = "分管财务院领导（其本人的借支由院长）"
may_handle = rules.holding(_base, roles.FINANCE, name="may_handle")  # 财务人员
is_applicant = rules.owning(_base, Advance.applicant_id, name="is_applicant")  # 申请人本人


def ledger_of(advance: Advance) -> Ledger:
    return Ledger(advance.amount_fen, advance.set_off_fen, advance.returned_fen, advance.difference_paid_fen)


def _store(advance: Advance, ledger: Ledger) -> None:
    advance.set_off_fen = ledger.set_off
    advance.returned_fen = ledger.returned
    advance.difference_paid_fen = ledger.difference_paid


def _note(advance: Advance, line: str) -> None:
    advance.remarks = (advance.remarks + "\n" if advance.remarks else "") + line


def ledger_step(session: Session, actor: User, advance: Advance, line: str) -> None:
    """A ledger event another register causes (a claim's 冲抵 at its 审核登记, its 补付 at 支付): in the
    advance's remarks (printed on the 借支单) and as a step of its own history with the amount, so the
    advance's 办理经过 shows every event of its ledger."""
    _note(advance, line)
    if advance.status == "paid":
        ADVANCE_WORKFLOW.fire(session, actor, advance, "ledger", line, by_command=True)


def age_days(advance: Advance, today: dt.date | None = None) -> int:
    """Days since the cash was paid out (since the request while not yet paid)."""
    since = advance.paid_on or advance.requested_at.date()
    return ((today or clock.today()) - since).days


# --- workflow ------------------------------------------------------------------------------------

def _approve_effect(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    advance.approver_id = actor.id
    advance.approved_at = clock.now()


def _pay_guard(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    paid_on: dt.date = values["paid_on"]
    validation.not_future(paid_on, "付款日期")
    if advance.approved_at and paid_on < advance.approved_at.date():
        raise ValidationError(f"付款日期：不能早于批准日期（{advance.approved_at:%Y-%m-%d}）", field="付款日期")


def _pay_effect(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    advance.payer_id = actor.id
    advance.paid_on = values["paid_on"]


def _return_guard(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    returned_on: dt.date = values["returned_on"]
    validation.not_future(returned_on, "交回日期")
    if advance.paid_on and returned_on < advance.paid_on:
        raise ValidationError(f"交回日期：不能早于借出日期（{advance.paid_on:%Y-%m-%d}）", field="交回日期")
    ledger_of(advance).give_back(to_fen(values["amount"]))


def _return_effect(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    fen = to_fen(values["amount"])
    _store(advance, ledger_of(advance).give_back(fen))
    line = f"{values['returned_on']:%Y-%m-%d} 交回现金 {format_yuan(from_fen(fen))}（{actor.name}经手）"
    _note(advance, line)
    values["comment"] = line + (f"；{values['comment']}" if values.get("comment") else "")  # the amount in the step


def _close_guard(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    ledger = ledger_of(advance)
    if not ledger.balanced:
        raise ValidationError(
            f"借支：尚未结清（借出 {format_yuan(from_fen(ledger.amount))}，已冲抵 {format_yuan(from_fen(ledger.set_off))}，"
            f"已交回 {format_yuan(from_fen(ledger.returned))}，已补付 {format_yuan(from_fen(ledger.difference_paid))}）",
            field="借支", rule=RULE_ONE_OPEN)


def _close_refusal(session: Session, actor: User, advance: Advance) -> None:
    """Finance asking to 结清 an advance with money outstanding is told what is outstanding."""
    if actor.has(roles.FINANCE):
        _close_guard(session, actor, advance, {})


def _close_effect(session: Session, actor: User, advance: Advance, values: dict[str, Any]) -> None:
    advance.closed_at = clock.now()


SEPARATE_APPLICANT = Separation("applicant_id", "不能审批或经办自己的借支（职责分离）")

RETURN_FIELDS: tuple[FormField, ...] = (
    FormField("amount", "交回金额", "money"),
    FormField("returned_on", "交回日期", "date"),
)

ADVANCE_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={
        "submitted": "待审批",
        "approved": "已批准待付款",
        "paid": "已借出未结清",
        "closed": "已结清",
        "rejected": "未批准",
        "withdrawn": "已撤回",
    },
    initial="submitted",
    transitions=(
        Transition("approve", "批准", src("submitted"), "approved", may_lead, LEADS,
                   effect=_approve_effect, separations=(SEPARATE_APPLICANT,), rule=RULE_APPROVAL),
        Transition("reject", "不予批准", src("submitted"), "rejected", may_lead, LEADS,
                   separations=(SEPARATE_APPLICANT,), comment_required=True, rule=RULE_APPROVAL),
        Transition("withdraw", "撤回", src("submitted"), "withdrawn", is_applicant, "申请人本人"),
        Transition("pay", "付款", src("approved"), "paid", may_handle, "财务人员",
                   guard=_pay_guard, effect=_pay_effect,
                   separations=(SEPARATE_APPLICANT,
                                Separation("approver_id", "审批人不能同时支付该笔借支（职责分离）")),
                   fields=(FormField("paid_on", "付款日期", "date"),),
                   defaults=lambda: {"paid_on": clock.today()}),
        Transition("return_cash", "登记交回现金", src("paid"), "paid", may_handle, "财务人员",
                   guard=_return_guard, effect=_return_effect, separations=(SEPARATE_APPLICANT,),
                   fields=RETURN_FIELDS, defaults=lambda: {"returned_on": clock.today()}),
        Transition("close", "结清", src("paid"), "closed", may_close, "财务人员",
                   guard=_close_guard, refusal=_close_refusal, effect=_close_effect, separations=(SEPARATE_APPLICANT,)),
        # A claim's 冲抵 or 补付, recorded on the advance as it happens (see ledger_step).
        Transition("ledger", "台账记录", src("paid"), "paid", may_handle, "财务人员", system="报销单审核登记或支付",
                   rule=RULE_FLOW),
        # Taken by the claims' 退回申请人 when the claim that settled the advance goes back: the cash it
        # accounted for is unaccounted again.
        Transition("reopen", "恢复未结清", src("closed"), "paid", may_handle, "财务人员",
                   effect=lambda s, a, advance, v: setattr(advance, "closed_at", None),
                   system="报销单退回申请人", rule=RULE_FLOW),
    ),
)


def refuse_reopening(session: Session, advance: Advance, claim_total: int, claim_number: str) -> None:
    """A claim going back to its applicant after it was set against ``advance`` makes the advance owe
    cash again; refused when the applicant already has another advance not cleared (第14条: at most
    one open advance a person), naming both and what to do."""
    if ledger_of(advance).outstanding > 0:
        return  # the advance owes cash already: nothing reopens
    after = ledger_of(advance).take_back(claim_total)
    if after.outstanding <= 0:
        return
    other = session.scalars(select(Advance).where(Advance.applicant_id == advance.applicant_id,
                                                  Advance.id != advance.id, owing())
                            .order_by(Advance.id).limit(1)).first()
    if other is None:
        return
    raise ValidationError(
        f"退回申请人：报销单 {claim_number} 冲抵的借支 {advance.number} 退回后将有 "
        f"{format_yuan(from_fen(after.outstanding))} 未结清，而申请人另有未结清的借支 {other.number}"
        f"（{format_yuan(from_fen(other.amount_fen))}，{ADVANCE_WORKFLOW.label(other.status)}）；"
        f"每人只能有一笔未结清借支。请先结清借支 {other.number}（或不予批准、撤回），再退回本单；"
        "或不退回本单，由财务按原冲抵办理", field="退回申请人", rule=RULE_ONE_OPEN)


def take_back(session: Session, actor: User, advance: Advance, claim: ExpenseClaim, note: str) -> None:
    """Take back the set-off of ``claim`` (its 核定 total) that goes back to its applicant after it was
    registered (nothing paid on it yet); an advance it had settled is open again (a recorded step).
    The other claims on the advance waiting to be paid are owed less, or nothing, once this claim's
    set-off is gone: their payable amounts follow (the latest first), so the ledger and the claims
    agree — what they are still owed adds up to what the advance says it owes."""
    ledger = ledger_of(advance).take_back(set_off_of(claim))
    _store(advance, ledger)
    _note(advance, note)
    waiting = list(session.scalars(
        select(ExpenseClaim).where(ExpenseClaim.advance_id == advance.id, ExpenseClaim.payable_fen > 0,
                                   ExpenseClaim.paid_on.is_(None), ExpenseClaim.id != claim.id)
        .order_by(ExpenseClaim.checked_at.desc(), ExpenseClaim.id.desc())))
    excess = sum(c.payable_fen or 0 for c in waiting) - ledger.difference_due
    for claim in waiting:
        if excess <= 0:
            break
        cut = min(excess, claim.payable_fen or 0)
        claim.payable_fen = (claim.payable_fen or 0) - cut
        excess -= cut
    if advance.status == "closed":
        ADVANCE_WORKFLOW.fire(session, actor, advance, "reopen", note, by_command=True)


def ledger_from_claims(session: Session, advance: Advance) -> Ledger:
    """The ledger as its entries say it: the claims registered against the advance (set-off, at their
    核定 total), the differences paid on them, and the cash handed back (the advance's own entry).
    The stored figures must always equal these (checked by the tests after every step)."""
    rows = session.execute(select(ExpenseClaim.approved_total_fen, ExpenseClaim.total_fen, ExpenseClaim.payable_fen,
                                  ExpenseClaim.paid_on)
                           .where(ExpenseClaim.advance_id == advance.id, ExpenseClaim.payable_fen.is_not(None))).all()
    set_off = sum(approved if approved is not None else total for approved, total, _p, _d in rows)
    paid = sum(payable or 0 for _a, _t, payable, paid_on in rows if paid_on is not None)
    return Ledger(advance.amount_fen, set_off, advance.returned_fen, paid)


def set_off_of(claim: ExpenseClaim) -> int:
    """What a claim sets off against its advance: its 核定 total (the claimed total before 核定)."""
    return claim.approved_or_claimed_fen


@dataclass(frozen=True)
class Settlement:
    """How a claim set against an advance settles on paper (差旅费报销单: 预借金额 / 补领金额 / 退还金额):
    核定合计 = 预借 + 补领 − 退还."""

    advanced_fen: int
    topped_up_fen: int
    handed_back_fen: int


def settlement_of(session: Session, claim: ExpenseClaim) -> Settlement | None:
    """预借 / 补领 / 退还 of a registered claim set against an advance (None otherwise). The part of the
    advance the claim cleared and what is paid to the applicant beyond it come from the claim; the
    cash still out of the advance — to be handed back — is printed on the advance's latest claim."""
    advance = claim.advance
    if advance is None or claim.payable_fen is None:
        return None
    cleared = set_off_of(claim) - claim.payable_fen
    latest = session.scalar(select(ExpenseClaim.id).where(ExpenseClaim.advance_id == advance.id,
                                                          ExpenseClaim.payable_fen.is_not(None))
                            .order_by(ExpenseClaim.checked_at.desc(), ExpenseClaim.id.desc()).limit(1))
    ledger = ledger_of(advance)
    back = ledger.outstanding + ledger.returned if latest == claim.id else 0
    return Settlement(advanced_fen=cleared + back, topped_up_fen=claim.payable_fen, handed_back_fen=back)


def close_if_settled(session: Session, actor: User, advance: Advance) -> bool:
    """Close ``advance`` (a recorded 结清 step) when its ledger balances; True if it was closed."""
    if advance.status == "paid" and ledger_of(advance).balanced:
        ADVANCE_WORKFLOW.fire(session, actor, advance, "close", "借支已结清（系统按台账自动结清）")
        return True
    return False


# --- filing --------------------------------------------------------------------------------------

TRIP_HELP = "出差借支填写，用于提醒及时报销冲账"


def _department_choices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    depts = session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    return [(d.id, d.name) for d in depts]


FILE_FIELDS: tuple[FormField, ...] = (
    FormField("department_id", "部门", "choice", required=False, choices=_department_choices,
              help="不填为申请人所在部门"),
    FormField("purpose", "借支事由", "text", max_len=200),
    FormField("amount", "借支金额", "money", maximum=999_999),
    FormField("reasons", "预算理由", "multiline", max_len=500,
              help="写明金额的测算依据（第12条），如 往返车费 2×300 元、住宿 2 晚×400 元"),
    FormField("trip_start", "出差开始日期", "date", required=False, help=TRIP_HELP),
    FormField("trip_end", "出差结束日期", "date", required=False, help=TRIP_HELP),
)


def check_trip(values: dict[str, Any]) -> None:
    """出差开始/结束日期: both or neither, the end not before the start (the range of each date is
    checked by the form, :func:`courtdesk.kernel.validation.plausible`)."""
    start, end = values.get("trip_start"), values.get("trip_end")
    if start is not None and end is None:
        raise ValidationError("出差结束日期：已填出差开始日期的，应同时填写出差结束日期", field="出差结束日期")
    if end is not None and start is None:
        raise ValidationError("出差开始日期：已填出差结束日期的，应同时填写出差开始日期", field="出差开始日期")
    validation.not_before(end, start, "出差结束日期", "出差开始日期")


def open_advance_of(session: Session, applicant_id: int) -> Advance | None:
    """The advance that keeps ``applicant_id`` from a new one (第14条): asked for and not yet decided or
    paid, or paid out and still not accounted for (未办理报销手续或未还清欠款). An advance whose claims
    already cover it, waiting only for finance to pay the difference, does not count."""
    return session.scalars(select(Advance).where(Advance.applicant_id == applicant_id, owing())
                           .order_by(Advance.id).limit(1)).first()


def holds_cash() -> Any:
    """已借出 and part of the cash (the advance and any difference paid out) neither set off by a
    registered claim nor handed back (:attr:`.ledger.Ledger.outstanding`)."""
    return and_(Advance.status == "paid",
                Advance.amount_fen + Advance.difference_paid_fen - Advance.set_off_fen - Advance.returned_fen > 0)


def owing() -> Any:
    return or_(Advance.status.in_(("submitted", "approved")), holds_cash())


def _age_words(advance: Advance) -> str:
    """Where an open advance stands, in words: 已借出 12 天 once paid out, else when it was asked for
    and its state (2026-12-01 申请，待审批)."""
    if advance.paid_on is not None:
        return f"已借出 {age_days(advance)} 天"
    return f"{advance.requested_at:%Y-%m-%d} 申请，{ADVANCE_WORKFLOW.label(advance.status)}"


def refuse_second_advance(session: Session, applicant: User) -> None:
    """第14条: no new advance while the applicant has one not yet cleared."""
    held = open_advance_of(session, applicant.id)
    if held is None:
        return
    raise ValidationError(
        f"借支：您有一笔借支尚未结清（{held.number}，{format_yuan(from_fen(held.amount_fen))}，{_age_words(held)}），"
        f"不能再次预支。依据{RULE_ONE_OPEN}。",
        field="借支", rule=RULE_ONE_OPEN)


def _facts(session: Session, advance: Advance) -> list[tuple[str, str]]:
    """What approving and paying an advance rest on besides its columns: the 第12条 estimate and
    the trip it is for."""
    out = [("预算理由", advance.reasons)]
    if advance.trip_start and advance.trip_end:
        out.append(("出差日期", f"{advance.trip_start:%Y-%m-%d} 至 {advance.trip_end:%Y-%m-%d}"))
    return out


def _clean_all(session: Session, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """The request's values, every refusal at once: the fields, the amount and the trip's dates (the
    date order was reported only on a second save, after the other errors were put right)."""
    refused: list[ValidationError] = []
    try:
        values = clean(FILE_FIELDS, data, session=session, actor=actor)
    except ValidationError as exc:
        refused.append(exc)
        values = {}
        for f in FILE_FIELDS:  # what can be read field by field, for the checks across fields
            try:
                values.update(clean((f,), data, session=session, actor=actor))
            except ValidationError:
                pass  # already among the first refusal's
    amount = values.get("amount")
    if amount is not None and amount <= 0:
        refused.append(ValidationError("借支金额：必须大于零", field="借支金额"))
    try:
        check_trip(values)
    except ValidationError as exc:
        refused.append(exc)
    if refused:
        raise ValidationError.joined(refused)
    return values


class AdvanceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def file(self, actor: User, data: dict[str, Any]) -> Advance:
        with self.db.write(actor) as s:
            one_at_a_time(s, actor.id)  # two requests of one person at once: the second sees the first
            values = _clean_all(s, actor, data)
            refuse_second_advance(s, actor)
            now = clock.now()
            advance = Advance(
                status=ADVANCE_WORKFLOW.initial, applicant_id=actor.id,
                department_id=values["department_id"] or actor.department_id, purpose=values["purpose"],
                reasons=values["reasons"], amount_fen=to_fen(values["amount"]), requested_at=now,
                trip_start=values["trip_start"], trip_end=values["trip_end"],
                set_off_fen=0, returned_fen=0, difference_paid_fen=0, remarks="",
            )
            numbering.assign(s, advance, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=now.year)
            s.add(advance)
            s.flush()
            return advance

    def act(self, actor: User, advance_id: int, action: str, comment: str = "", **params: Any) -> Advance:
        with self.db.write(actor) as s:
            advance = load_or_refuse(s, Advance, advance_id, "借支单", "该借支单不存在")
            ADVANCE_WORKFLOW.fire(s, actor, advance, action, comment, **params)
            if action == "return_cash":
                close_if_settled(s, actor, advance)
            return advance


# --- register ------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*FINANCE_WIDE):
        return None
    # 代理审批人, during the period: what waits for the leader's decision and what was just decided
    return or_(Advance.applicant_id == actor.id,
               LEADER_STAND_IN.visible(actor, Advance, ("submitted", "approved", "rejected")))


def _age(today: dt.date) -> Any:
    """已借天数: days since the cash was paid out, while some of it is out (blank before payment and once
    claims and returned cash account for it)."""
    return case((holds_cash(), days_between(Advance.paid_on, literal(today, Date))), else_=None)


_OUTSTANDING = Advance.amount_fen - Advance.set_off_fen - Advance.returned_fen

# --- 逾期未结清 (issue 10) --------------------------------------------------------------------------

#: The live status word of an advance not cleared in time; 「逾期未结清（N 天）」 with N the days past
#: the reminder's day.
OVERDUE = "逾期未结清"


def reminder_from() -> Any:
    """The day from which the reminder counts, as a finance clerk reckons it: the end of the trip
    (出差结束日期) — or the day the cash was paid out if that was later, or if the advance names no
    trip (a non-travel advance is counted from the day the money left the cash box)."""
    return case((and_(Advance.trip_end.is_not(None), Advance.trip_end > Advance.paid_on), Advance.trip_end),
                else_=Advance.paid_on)


def _days_late(today: dt.date) -> Any:
    """Days past the reminder's day: positive once more than ``advance_reminder_days`` have gone by."""
    return days_between(reminder_from(), literal(today, Date())) - reminder_days_sql(ADVANCE_REMINDER_DAYS)


def overdue_clause(today: dt.date | None = None) -> Any:
    """逾期未结清: cash is still out (:func:`holds_cash` — an advance approved but not yet paid owes
    nothing and is not counted, nor one whose registered claims cover it, nor a closed one) and more than ``advance_reminder_days`` (系统设置) have
    passed since :func:`reminder_from`. The setting is read in SQL, so the register, the filters and
    the dashboard agree on the day's value."""
    return and_(holds_cash(), _days_late(today or clock.today()) > 0)


def live_status(today: dt.date) -> Any:
    """The status as of ``today``: 「逾期未结清（N 天）」 for an overdue advance, else the state's name."""
    late = _days_late(today)
    return case(
        (and_(holds_cash(), late > 0), literal(f"{OVERDUE}（") + cast(late, String) + literal(" 天）")),
        *((Advance.status == state, label) for state, label in ADVANCE_WORKFLOW.states.items()),
        else_=Advance.status,
    )


def status_tone(text: str) -> str | None:
    """Every 「逾期未结清（N 天）」 row is an overdue one, whatever N."""
    return "overdue" if text.startswith(OVERDUE) else None


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str, spec: RegisterSpec | None = None) -> int:
        return RegisterQuery(spec or ADVANCE_REGISTER, filter_key=key).count(session, actor)

    items = [
        DashboardItem("待我审批的借支", count("to_approve"), REGISTER_KEY, "to_approve", True),
        DashboardItem("待付款的借支", count("to_pay"), REGISTER_KEY, "to_pay", False),
        DashboardItem("我的逾期未结清借支", count("my_overdue"), REGISTER_KEY, "my_overdue", True),
        DashboardItem("我出差返回逾期未报销的借支", count("my_unclaimed"), REGISTER_KEY, "my_unclaimed", True),
        # from the day it is paid: what the applicant still has to account for (第14条)
        DashboardItem("我的未结清借支", count("my_open"), REGISTER_KEY, "my_open", False),
    ]
    if actor.has(roles.FINANCE):
        # Finance chases everyone's (第14条): the list by person, with the age of each.
        items.append(DashboardItem("出差返回逾期未结清的借支", count("overdue", OPEN_ADVANCES_REGISTER),
                                   OPEN_ADVANCES_REGISTER.key, "overdue", True))
        items.append(DashboardItem("出差返回逾期未报销的借支（第4条）", count("unclaimed_trip"), REGISTER_KEY,
                                   "unclaimed_trip", True))
    return items


OVERDUE_FILTER = Filter("overdue", "出差返回逾期未结清", lambda a: overdue_clause())


def unclaimed_trip_clause() -> Any:
    """第4条 for a trip taken on an advance: paid out for a trip that ended more than
    ``claim_reminder_days`` ago and no claim (not voided) filed against it yet — the claims' own
    reminder counts only claims already started, so such a trip was reminded by nobody."""
    today = literal(clock.today(), Date())
    claimed = select(ExpenseClaim.id).where(ExpenseClaim.advance_id == Advance.id,
                                            ExpenseClaim.status != "voided").exists()
    return and_(Advance.status == "paid", Advance.trip_end.is_not(None), ~claimed,
                days_between(Advance.trip_end, today) > reminder_days_sql())


UNCLAIMED_FILTER = Filter("unclaimed_trip", "出差返回逾期未报销", lambda a: unclaimed_trip_clause())


#: 借支单, built in ``documents.py``.
ADVANCE_SLIP_KIND = "advance_slip"

ADVANCE_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="借支登记簿",
    model=Advance,
    columns=(
        Column("number", "借支单号", Advance.number, 10),
        Column("requested_at", "申请时间", Advance.requested_at, 13, "datetime"),
        Column("applicant", "借支人", _Applicant.name, 8),
        Column("department", "部门", Department.name, 10),
        Column("status", "状态", Advance.status, 12, "status", live=live_status, tone=status_tone),
        Column("amount", "借支金额", Advance.amount_fen, 11, "money"),
        Column("paid_on", "借出日期", Advance.paid_on, 10, "date"),
        Column("age", "已借天数", None, 7, "int", live=_age),
        Column("trip_end", "出差结束", Advance.trip_end, 10, "date"),
        Column("set_off", "已冲抵", Advance.set_off_fen, 11, "money"),
        Column("returned", "已交回", Advance.returned_fen, 11, "money"),
        Column("outstanding", "未结余额", case((_OUTSTANDING > 0, _OUTSTANDING), else_=0), 11, "money"),
        Column("purpose", "借支事由", Advance.purpose, 18),
    ),
    base=_base,
    search=(Advance.number, Advance.purpose, _Applicant.name),
    date_expr=Advance.requested_at,
    default_sort=("id", True),
    workflow=ADVANCE_WORKFLOW,
    filters=(
        Filter("to_approve", "待我审批", ADVANCE_WORKFLOW.available_where("approve")),
        Filter("to_pay", "待付款", ADVANCE_WORKFLOW.available_where("pay")),
        Filter("open", "未结清（按人）", lambda a: Advance.status.in_(OPEN_STATES)),
        OVERDUE_FILTER,
        Filter("mine", "我的借支", lambda a: Advance.applicant_id == a.id),
        Filter("my_overdue", "我的逾期未结清借支", lambda a: and_(Advance.applicant_id == a.id, overdue_clause())),
        Filter("my_open", "我的未结清借支", lambda a: and_(Advance.applicant_id == a.id, Advance.status == "paid")),
        UNCLAIMED_FILTER,
        Filter("my_unclaimed", "我出差返回逾期未报销的借支",
               lambda a: and_(Advance.applicant_id == a.id, unclaimed_trip_clause())),
        Filter("closed", "已结清", lambda a: Advance.status == "closed"),
    ),
    scope=_scope,
    form=FILE_FIELDS,
    create=lambda db, actor, data: AdvanceService(db).file(actor, data),
    create_label="借支申请",
    dashboard=_dashboard,
    act=service_act(AdvanceService),
    live_status="status",
    facts=_facts,
    documents=(RegisterDocument(ADVANCE_SLIP_KIND, batch=True),),
)

#: 未结清借支（按人）: the open advances sorted by person, with their age.
OPEN_ADVANCES_REGISTER = RegisterSpec(
    key="finance_open_advance",
    title="未结清借支（按人）",
    model=Advance,
    columns=tuple(c for c in ADVANCE_REGISTER.columns if c.key != "requested_at"),
    base=lambda: _base().where(Advance.status.in_(OPEN_STATES)),
    search=ADVANCE_REGISTER.search,
    date_expr=Advance.requested_at,
    default_sort=("applicant", False),
    workflow=ADVANCE_WORKFLOW,
    filters=(OVERDUE_FILTER,),
    visible_to=FINANCE_WIDE,
    act=service_act(AdvanceService),
    live_status="status",
    facts=_facts,
    documents=(RegisterDocument(ADVANCE_SLIP_KIND),),
)

