"""Blank sealed letterhead (盖章空白信笺) — 保密工作制度 第二十条(3); SPEC §1.

因特殊情况须随带盖有印章的空白信笺时，须经院长批准；未使用的，应及时交回，并完善登记手续:
- the holder requests a batch (quantity, purpose, the day by which the rest comes back);
- only the president approves (anyone else is refused, citing the article);
- the office clerk hands the sheets out (issued);
- the holder reports each sheet used and what for, the clerk counts the unused sheets back in;
- the batch closes by itself when issued = used + returned. Until then the outstanding sheets are on
  the dashboard of the holder and of the office clerk, urgent once the return day has passed.
A holder gets no second batch while one is not closed.

The batch number is taken when the request is filed: this register records requests, and a refused
request keeps its number with the president's reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.letters.models import BlankLetterhead, BlankLetterheadReport
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import Column, DashboardItem, Filter, RegisterQuery, RegisterSpec, service_act
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

RULE = "《保密工作制度》第二十条(3)"
REGISTER_KEY = "blank_letterhead"
NUMBER_PATTERN = "({year})信笺第{serial:04d}号"
MAX_SHEETS = 50
MAX_PERIOD_DAYS = 90
OPEN_STATES = ("requested", "approved", "issued")
KEEPING_ROLES = (roles.CLERK,)


def outstanding_expr() -> Any:
    return BlankLetterhead.issued_count - BlankLetterhead.used_count - BlankLetterhead.returned_count


# --- workflow ------------------------------------------------------------------------------------

def _approve_effect(session: Session, actor: User, batch: BlankLetterhead, params: dict[str, Any]) -> None:
    """The president's decision (批准 or 不批准) is recorded as 审批人/审批时间."""
    batch.approver_id = actor.id
    batch.approved_at = clock.now()


def _no_other_open(session: Session, holder_id: int, exclude_id: int | None = None) -> None:
    stmt = select(BlankLetterhead).where(BlankLetterhead.holder_id == holder_id,
                                         BlankLetterhead.status.in_(OPEN_STATES))
    if exclude_id is not None:
        stmt = stmt.where(BlankLetterhead.id != exclude_id)
    other = session.scalars(stmt.order_by(BlankLetterhead.id)).first()
    if other is None:
        return
    if other.status == "issued":
        detail = f"已领 {other.issued_count} 张，尚有 {other.outstanding} 张未交回或未登记用途"
    else:
        detail = f"{LETTERHEAD_WORKFLOW.label(other.status)}，申请 {other.quantity} 张，尚未发放"
    raise ValidationError(
        f"持有人：{other.holder.name}还有一批盖章空白信笺未办结（{other.number}，{detail}），"
        "须交回未使用的信笺、登记用途并办结后才能再领",
        field="持有人",
        rule=RULE,
    )


def _issue_guard(session: Session, actor: User, batch: BlankLetterhead, params: dict[str, Any]) -> None:
    _no_other_open(session, batch.holder_id, exclude_id=batch.id)


def _issue_effect(session: Session, actor: User, batch: BlankLetterhead, params: dict[str, Any]) -> None:
    batch.issuer_id = actor.id
    batch.issued_at = clock.now()
    batch.issued_count = batch.quantity


def _report_date(batch: BlankLetterhead, value: Any, label: str) -> dt.date:
    day = validation.date_value(value, label)
    assert day is not None
    validation.not_future(day, label)
    if batch.issued_at and day < batch.issued_at.date():
        raise ValidationError(f"{label}：不能早于发放日期（{batch.issued_at:%Y-%m-%d}）", field=label)
    return day


def _report_use_guard(session: Session, actor: User, batch: BlankLetterhead, values: dict[str, Any]) -> None:
    _report_date(batch, values["on_date"], "使用日期")
    if batch.outstanding < 1:
        raise ValidationError("使用登记：本批信笺已没有未交回的张数", field="使用登记")


def _report_use_effect(session: Session, actor: User, batch: BlankLetterhead, values: dict[str, Any]) -> None:
    batch.reports.append(BlankLetterheadReport(
        kind="used", sheets=1, on_date=values["on_date"], what_for=values["what_for"],
        reported_by_id=actor.id, reported_at=clock.now(),
    ))
    batch.used_count += 1


def _return_guard(session: Session, actor: User, batch: BlankLetterhead, values: dict[str, Any]) -> None:
    _report_date(batch, values["on_date"], "交回日期")
    if values["sheets"] > batch.outstanding:
        raise ValidationError(
            f"交回张数：不能超过未交回的 {batch.outstanding} 张（已领 {batch.issued_count} 张，"
            f"已登记使用 {batch.used_count} 张，已交回 {batch.returned_count} 张）",
            field="交回张数", rule=RULE,
        )


def _return_effect(session: Session, actor: User, batch: BlankLetterhead, values: dict[str, Any]) -> None:
    batch.reports.append(BlankLetterheadReport(
        kind="returned", sheets=values["sheets"], on_date=values["on_date"], what_for=values["remarks"] or "",
        reported_by_id=actor.id, reported_at=clock.now(),
    ))
    batch.returned_count += values["sheets"]


def _close_guard(session: Session, actor: User, batch: BlankLetterhead, params: dict[str, Any]) -> None:
    used = sum(r.sheets for r in batch.reports if r.kind == "used")
    returned = sum(r.sheets for r in batch.reports if r.kind == "returned")
    if (used, returned) != (batch.used_count, batch.returned_count):  # the counts follow the rows
        raise DomainError(f"登记数：使用 {used} 张、交回 {returned} 张与合计不符，请联系系统管理员", field="登记数")
    if batch.issued_count != used + returned:
        raise ValidationError(
            f"办结：已领 {batch.issued_count} 张，已登记使用 {used} 张、交回 {returned} 张，"
            f"尚有 {batch.issued_count - used - returned} 张未交回，不能办结",
            field="办结", rule=RULE,
        )


def _close_effect(session: Session, actor: User, batch: BlankLetterhead, params: dict[str, Any]) -> None:
    batch.closed_at = clock.now()


# Who may take each step, written once (rules.Rule): the same definitions decide a batch's buttons
# and fill the 待院长审批 / 待发放 lists and the dashboard.
_batches = rules.over(lambda: select(BlankLetterhead.id))


@_batches
def _president(actor: User) -> bool:
    return actor.has(roles.PRESIDENT)


@_batches
def _keeper(actor: User) -> bool:
    return actor.has(*KEEPING_ROLES)


@_batches
def _holder(actor: User) -> Any:
    return BlankLetterhead.holder_id == actor.id


@_batches
def _holder_or_keeper(actor: User) -> Any:
    return or_(_holder.sql(actor), _keeper.sql(actor))


USE_FIELDS: tuple[FormField, ...] = (
    FormField("on_date", "使用日期", "date"),
    FormField("what_for", "用途说明", "text", max_len=200, help="这一张信笺用于什么（出具何种文书、致何单位）"),
)
RETURN_FIELDS: tuple[FormField, ...] = (
    FormField("sheets", "交回张数", "int", minimum=1, maximum=MAX_SHEETS),
    FormField("on_date", "交回日期", "date"),
    FormField("remarks", "备注", "text", required=False, max_len=200),
)

SEPARATE_HOLDER = Separation("holder_id", "不能审批自己的盖章空白信笺申请（职责分离）")

LETTERHEAD_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={
        "requested": "待院长审批",
        "approved": "已批准待发放",
        "issued": "已发放（使用中）",
        "closed": "已办结",
        "rejected": "未批准",
        "withdrawn": "已撤回",
    },
    initial="requested",
    transitions=(
        Transition("approve", "批准", src("requested"), "approved", _president,
                   "院长", effect=_approve_effect, separations=(SEPARATE_HOLDER,), rule=RULE),
        Transition("reject", "不批准", src("requested"), "rejected", _president,
                   "院长", effect=_approve_effect, separations=(SEPARATE_HOLDER,), comment_required=True,
                   rule=RULE),
        Transition("withdraw", "撤回", src("requested", "approved"), "withdrawn",
                   _holder, "申请人本人"),
        Transition("issue", "发放", src("approved"), "issued", _keeper,
                   "办公室文员", guard=_issue_guard, effect=_issue_effect,
                   separations=(Separation("holder_id", "不能给自己发放盖章空白信笺（职责分离）"),), rule=RULE),
        Transition("report_use", "登记使用", src("issued"), "issued", _holder_or_keeper,
                   "持有人或办公室文员", guard=_report_use_guard, effect=_report_use_effect, rule=RULE, fields=USE_FIELDS),
        Transition("return", "交回登记", src("issued"), "issued", _keeper,
                   "办公室文员（清点收回）", guard=_return_guard, effect=_return_effect, rule=RULE, fields=RETURN_FIELDS),
        Transition("close", "办结", src("issued"), "closed", _holder_or_keeper, "持有人或办公室文员",
                   guard=_close_guard, effect=_close_effect, rule=RULE),
    ),
)


# --- filing --------------------------------------------------------------------------------------

REQUEST_FIELDS: tuple[FormField, ...] = (
    FormField("quantity", "数量（张）", "int", minimum=1, maximum=MAX_SHEETS),
    FormField("purpose", "用途", "text", max_len=200, help="因何特殊情况须随带盖章空白信笺"),
    FormField("return_by", "交回期限", "date", help=f"未使用的信笺最迟交回的日期（{MAX_PERIOD_DAYS} 天内）"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


def request_in(session: Session, actor: User, data: dict[str, Any]) -> BlankLetterhead:
    if actor is None or not actor.active:
        raise DomainError("操作人：请先登录", field="操作人")
    fields = clean(REQUEST_FIELDS, data)
    today = clock.today()
    return_by: dt.date = fields["return_by"]
    if return_by < today:
        raise ValidationError(f"交回期限：不能早于今天（{today:%Y-%m-%d}）", field="交回期限")
    if return_by > today + dt.timedelta(days=MAX_PERIOD_DAYS):
        raise ValidationError(f"交回期限：最长为申请之日起 {MAX_PERIOD_DAYS} 天", field="交回期限")
    _no_other_open(session, actor.id)
    now = clock.now()
    batch = BlankLetterhead(
        status=LETTERHEAD_WORKFLOW.initial,
        holder_id=actor.id,
        department_id=actor.department_id,
        quantity=fields["quantity"],
        purpose=fields["purpose"],
        return_by=return_by,
        requested_at=now,
        remarks=fields["remarks"],
    )
    numbering.assign(session, batch, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=now.year)
    session.add(batch)
    session.flush()
    return batch


class LetterheadService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def request(self, actor: User, data: dict[str, Any]) -> BlankLetterhead:
        with self.db.write(actor) as s:
            return request_in(s, actor, data)

    def act(self, actor: User, batch_id: int, action: str, comment: str = "", **params: Any) -> BlankLetterhead:
        """Fire a workflow action; a use report or return that brings the outstanding count to zero
        closes the batch in the same unit of work."""
        with self.db.write(actor) as s:
            batch = self._load(s, batch_id)
            step = LETTERHEAD_WORKFLOW.fire(s, actor, batch, action, comment, **params)
            if action in ("report_use", "return"):
                # 办理经过 says which sheet went where: the report itself, then the actor's remark
                report = batch.reports[-1]
                what = (f"使用 1 张（{report.on_date:%Y-%m-%d}）：{report.what_for}" if report.kind == "used"
                        else f"交回 {report.sheets} 张（{report.on_date:%Y-%m-%d}）" +
                        (f"：{report.what_for}" if report.what_for else ""))
                step.comment = (f"{what}；{step.comment}" if step.comment else what)[:500]
            if action in ("report_use", "return") and batch.outstanding == 0:
                LETTERHEAD_WORKFLOW.fire(s, actor, batch, "close", "已全部登记使用或交回，自动办结")
            _ = batch.reports
            return batch

    def report_use(self, actor: User, batch_id: int, on_date: Any, what_for: str) -> BlankLetterhead:
        return self.act(actor, batch_id, "report_use", on_date=on_date, what_for=what_for)

    def give_back(self, actor: User, batch_id: int, sheets: Any, on_date: Any, remarks: str = "") -> BlankLetterhead:
        return self.act(actor, batch_id, "return", sheets=sheets, on_date=on_date, remarks=remarks)

    @staticmethod
    def _load(session: Session, batch_id: int) -> BlankLetterhead:
        return load_or_refuse(session, BlankLetterhead, batch_id, "空白信笺登记", "该空白信笺登记不存在")

    def get(self, session: Session, batch_id: int) -> BlankLetterhead:
        return self._load(session, batch_id)


# --- register ------------------------------------------------------------------------------------

_Holder = aliased(User)
_Approver = aliased(User)
_Issuer = aliased(User)
OFFICE_WIDE = roles.OFFICE_WIDE_ROLES


def _base() -> Any:
    return (
        select(BlankLetterhead.id)
        .select_from(BlankLetterhead)
        .join(_Holder, _Holder.id == BlankLetterhead.holder_id)
        .outerjoin(Department, Department.id == BlankLetterhead.department_id)
        .outerjoin(_Approver, _Approver.id == BlankLetterhead.approver_id)
        .outerjoin(_Issuer, _Issuer.id == BlankLetterhead.issuer_id)
    )


def _scope(actor: User) -> Any:
    if actor.has(*OFFICE_WIDE):
        return None
    return BlankLetterhead.holder_id == actor.id


#: 状态 as read today (the words of the 逾期未交回 filter and dashboard line): sheets still out after
#: the 交回期限 (第二十条(3): 未使用的，应及时交回). Derived where the register is read, never stored.
OVERDUE = "逾期未交回"


def overdue_clause(today: dt.date | None = None) -> Any:
    """Issued, not closed (sheets still out), and the return day has passed."""
    return and_(BlankLetterhead.status == "issued", BlankLetterhead.return_by < (today or clock.today()))


def live_status(today: dt.date) -> Any:
    """The batch's status as of ``today``: 逾期未交回 once the return day has passed with sheets still
    out, else its state (已发放（使用中） …)."""
    return case((overdue_clause(today), OVERDUE), else_=BlankLetterhead.status)


def _listed(session: Session, actor: User, filter_key: str) -> int:
    """The length of the register's list behind a dashboard card."""
    return RegisterQuery(LETTERHEAD_REGISTER, filter_key=filter_key).count(session, actor)


def _sheets(session: Session, actor: User, filter_key: str) -> int:
    """The sheets not yet returned (未交回) of the batches the register's list behind a dashboard card
    shows: the card counts exactly what it opens."""
    listed = RegisterQuery(LETTERHEAD_REGISTER, filter_key=filter_key).statement(actor).order_by(None).subquery()
    return int(session.scalar(select(func.coalesce(func.sum(listed.c.outstanding), 0))) or 0)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    # A holder has one open batch at a time: it is either still within its return day or overdue.
    mine_overdue = _sheets(session, actor, "my_overdue")
    items = [
        DashboardItem("我领用的盖章空白信笺已逾期未交回（张）", mine_overdue, REGISTER_KEY, "my_overdue", True)
        if mine_overdue else
        DashboardItem("我领用的盖章空白信笺待交回（张）", _sheets(session, actor, "mine_open"),
                      REGISTER_KEY, "mine_open"),
        DashboardItem("待我审批的盖章空白信笺申请", _listed(session, actor, "to_approve"), REGISTER_KEY,
                      "to_approve", True),
    ]
    if actor.has(*KEEPING_ROLES):
        items += [
            DashboardItem("待发放的盖章空白信笺", _listed(session, actor, "to_issue"), REGISTER_KEY,
                          "to_issue", True),
            # every sheet out, overdue ones included; those also on the urgent line below
            DashboardItem("在外未交回的盖章空白信笺（张）", _sheets(session, actor, "outstanding"), REGISTER_KEY,
                          "outstanding"),
            DashboardItem("逾期未交回的盖章空白信笺（张）", _sheets(session, actor, "overdue"), REGISTER_KEY,
                          "overdue", True),
        ]
    return items


LETTERHEAD_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="盖章空白信笺登记簿",
    model=BlankLetterhead,
    columns=(
        # Who holds how many until when, and 状态, first: on screen at 1366 px.
        Column("number", "编号", BlankLetterhead.number, 14),
        Column("holder", "领用人", _Holder.name, 8),
        Column("department", "部门", Department.name, 10),
        Column("purpose", "用途", BlankLetterhead.purpose, 16),
        Column("quantity", "数量", BlankLetterhead.quantity, 5, "int"),
        Column("outstanding", "未交回", outstanding_expr(), 6, "int"),
        Column("return_by", "交回期限", BlankLetterhead.return_by, 10, "date"),
        Column("status", "状态", BlankLetterhead.status, 10, "status", live=live_status,
               tone={OVERDUE: "overdue"}.get),
        Column("requested_at", "申请日期", BlankLetterhead.requested_at, 10, "date"),
        Column("approver", "审批人", _Approver.name, 8),
        Column("issuer", "发放人", _Issuer.name, 8),
        Column("issued_at", "发放日期", BlankLetterhead.issued_at, 10, "date"),
        Column("used_count", "已使用", BlankLetterhead.used_count, 6, "int"),
        Column("returned_count", "已交回", BlankLetterhead.returned_count, 6, "int"),
    ),
    base=_base,
    search=(BlankLetterhead.number, BlankLetterhead.purpose, _Holder.name),
    date_expr=BlankLetterhead.requested_at,
    default_sort=("id", True),
    workflow=LETTERHEAD_WORKFLOW,
    filters=(
        Filter("to_approve", "待院长审批", LETTERHEAD_WORKFLOW.available_where("approve")),
        Filter("to_issue", "待发放", LETTERHEAD_WORKFLOW.available_where("issue")),
        Filter("mine_open", "我领用未办结", lambda a: and_(BlankLetterhead.holder_id == a.id,
                                                      BlankLetterhead.status.in_(OPEN_STATES))),
        Filter("outstanding", "在外未交回", lambda a: BlankLetterhead.status == "issued"),
        Filter("overdue", OVERDUE, lambda a: overdue_clause()),
        Filter("my_overdue", f"我领用{OVERDUE}", lambda a: and_(_holder.sql(a), overdue_clause())),
        Filter("closed", "已办结", lambda a: BlankLetterhead.status == "closed"),
        Filter("mine", "我的申请", lambda a: BlankLetterhead.holder_id == a.id),
    ),
    scope=_scope,
    form=REQUEST_FIELDS,
    create=lambda db, actor, data: LetterheadService(db).request(actor, data),
    create_label="申请领用盖章空白信笺",
    dashboard=_dashboard,
    act=service_act(LetterheadService),
    live_status="status",
)
