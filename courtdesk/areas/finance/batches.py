"""Batches to the district finance bureau (报送区财政局批次) — 《办公室财务管理办法》第5条; SPEC §3.

Finance sends registered claims to the bureau in numbered batches (the claims register's command
「报送区财政局」, :meth:`courtdesk.areas.finance.claims.ClaimService.send_batch`). This register lists
the batches with their claims: how many, the total, how many the bureau has reimbursed and how many it
still owes, and the batch's state — all read from the claims each time the register is read (a claim
the bureau returns leaves the batch; the batch's remarks keep when and why). 「登记财政局已报销」 records
the bureau's reimbursement of every claim of a batch still waiting for it, all or none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.finance import advances, claims
from courtdesk.areas.finance.models import Batch, ExpenseClaim
from courtdesk.kernel import clock, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.money import format_yuan, from_fen
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    Command,
    CommandResult,
    DashboardItem,
    Filter,
    LinesSpec,
    RegisterQuery,
    RegisterSpec,
)

REGISTER_KEY = claims.BATCH_REGISTER_KEY
WAITING = "batched"  # 已报区财政局: sent, the bureau has not reimbursed it yet
REIMBURSE_LABEL = "登记财政局已报销"

_Sender = aliased(User)


def _base() -> Any:
    return select(Batch.id).select_from(Batch).join(_Sender, _Sender.id == Batch.sender_id)


# --- what the batch holds, read from its claims (correlated subqueries) ---------------------------

def _of_batch(*what: Any) -> Any:
    return select(*what).where(ExpenseClaim.batch_id == Batch.id).correlate(Batch).scalar_subquery()


def _count(*where: ColumnElement[bool]) -> Any:
    return select(func.count(ExpenseClaim.id)).where(ExpenseClaim.batch_id == Batch.id, *where) \
        .correlate(Batch).scalar_subquery()


def _claims() -> Any:
    return _count()


def _waiting() -> Any:
    return _count(ExpenseClaim.status == WAITING)


def _reimbursed() -> Any:
    return _count(ExpenseClaim.reimbursed_on.is_not(None))


def _total() -> Any:
    return func.coalesce(_of_batch(func.sum(func.coalesce(ExpenseClaim.approved_total_fen, ExpenseClaim.total_fen))), 0)


EMPTY = "空批次（均已退回）"
WAITING_ALL = "待财政局报销"
PARTLY = "部分已报销"
DONE = "已全部报销"


def _status() -> Any:
    return case((_claims() == 0, EMPTY), (_waiting() == 0, DONE), (_reimbursed() == 0, WAITING_ALL), else_=PARTLY)


def _tone(shown: str) -> str | None:
    return "soon" if shown == WAITING_ALL else None


# --- the batch's claims as lines -----------------------------------------------------------------

LINE_COLUMNS: tuple[FormField, ...] = (
    FormField("number", "报销单号", "text", max_len=30),
    FormField("applicant", "报销人", "text", max_len=20),
    FormField("department", "部门", "text", max_len=30),
    FormField("amount", "金额", "money"),
    FormField("status", "状态", "text", max_len=10),
)


def _line_rows(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    applicant = aliased(User)
    rows = session.execute(
        select(ExpenseClaim.batch_id, ExpenseClaim.number, applicant.name, Department.name,
               func.coalesce(ExpenseClaim.approved_total_fen, ExpenseClaim.total_fen),
               ExpenseClaim.status)
        .join(applicant, applicant.id == ExpenseClaim.applicant_id)
        .outerjoin(Department, Department.id == ExpenseClaim.department_id)
        .where(ExpenseClaim.batch_id.in_(ids))
        .order_by(ExpenseClaim.batch_id, ExpenseClaim.year, ExpenseClaim.serial))
    for batch_id, number, name, department, total, status in rows:
        assert batch_id is not None  # selected by it
        out[batch_id].append({"number": number, "applicant": name, "department": department or "",
                              "amount": from_fen(total), "status": claims.CLAIM_WORKFLOW.label(status)})
    return out


BATCH_LINES = LinesSpec("claims", "报销单", LINE_COLUMNS, load=lambda s, i: _line_rows(s, [i])[i],
                        load_many=_line_rows)


# --- 登记财政局已报销 for a whole batch ----------------------------------------------------------

def waiting_claims(session: Session, batch: Batch) -> list[ExpenseClaim]:
    """The claims of ``batch`` the bureau has not reimbursed yet (已报区财政局), in number order."""
    return list(session.scalars(
        select(ExpenseClaim).where(ExpenseClaim.batch_id == batch.id, ExpenseClaim.status == WAITING)
        .order_by(ExpenseClaim.year, ExpenseClaim.serial)))


def _waiting_or_refuse(session: Session, batch: Batch) -> list[ExpenseClaim]:
    found = waiting_claims(session, batch)
    if not found:
        raise ValidationError(f"所选批次：批次 {batch.number} 没有「已报区财政局」待报销的报销单", field="所选批次")
    return found


class BatchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def reimburse(self, actor: User, batch_id: int, *, reimbursed_on: Any = None) -> int:
        """登记财政局已报销 for every claim of the batch still 已报区财政局, in one unit of work: all
        or none (a claim that may not take the step refuses the whole batch, naming the claim).
        Returns how many claims were recorded."""
        with self.db.write(actor) as s:
            batch = self._load(s, batch_id)
            pending = _waiting_or_refuse(s, batch)
            for claim in pending:
                try:
                    claims.CLAIM_WORKFLOW.fire(s, actor, claim, "reimburse",
                                               reimbursed_on=reimbursed_on or clock.today())
                except DomainError as exc:
                    raise type(exc)(f"报销单 {claim.number}（{claim.applicant.name}）— {exc.message}",
                                    field=exc.field, rule=exc.rule) from None
            return len(pending)

    @staticmethod
    def _load(session: Session, batch_id: int) -> Batch:
        return load_or_refuse(session, Batch, batch_id, "报送批次", "该批次不存在")


def _may_reimburse(actor: User) -> bool:
    # The step's own rule (财务人员): whoever may take it sees the command.
    return rules.constant(claims.may_handle.sql(actor)) is True


def _reimburse_intro(session: Session, actor: User, ids: list[int]) -> str:
    batch = BatchService._load(session, ids[0])
    pending = _waiting_or_refuse(session, batch)
    total = sum(c.approved_or_claimed_fen for c in pending)
    return (f"批次 {batch.number} 中「已报区财政局」的 {len(pending)} 份报销单（合计 {format_yuan(from_fen(total))}）"
            "登记为区财政局已报销；任何一份不能登记时全部不登记。")


def _reimburse_fields(session: Session, actor: User, ids: list[int]) -> tuple[FormField, ...]:
    _waiting_or_refuse(session, BatchService._load(session, ids[0]))
    return (FormField("reimbursed_on", "报销日期", "date", default=clock.today()),)


def _reimburse_run(db: Database, actor: User, ids: list[int], data: dict[str, Any],
                   progress: Any = None, cancel: Any = None) -> CommandResult:
    count = BatchService(db).reimburse(actor, ids[0], reimbursed_on=data.get("reimbursed_on") or None)
    return CommandResult(f"已登记区财政局报销 {count} 份报销单", record_ids=(ids[0],))


def _reimbursable(actor: User) -> ColumnElement[bool]:
    """Batches with a claim still 已报区财政局 and none of those that the actor may not record
    (the step's own rule and separations: not the applicant of one of them)."""
    waiting = and_(ExpenseClaim.batch_id == Batch.id, ExpenseClaim.status == WAITING)
    may = claims.CLAIM_WORKFLOW.available_where("reimburse")(actor)
    return and_(exists().where(waiting).correlate(Batch), ~exists().where(waiting, ~may).correlate(Batch))


REIMBURSE_BATCH = Command(
    key="reimburse_batch",
    label=REIMBURSE_LABEL,
    may=_may_reimburse,
    who="财务人员",
    selection="one",
    fields=_reimburse_fields,
    run=_reimburse_run,
    intro=_reimburse_intro,
    ok_text="登记已报销",
    applies=_reimbursable,
    help="选中一个批次，登记区财政局已报销其中尚待报销的全部报销单（单份报销单也可在报销单登记簿中逐份登记）",
)


# --- register ------------------------------------------------------------------------------------

def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not _may_reimburse(actor):
        return []
    # The batches whose 登记财政局已报销 this user can take (not one with their own claim in it).
    count = RegisterQuery(BATCH_REGISTER, filter_key="to_reimburse").count(session, actor)
    return [DashboardItem("待区财政局报销的批次", count, REGISTER_KEY, "to_reimburse", False)]


BATCH_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="报送区财政局批次",
    model=Batch,
    columns=(
        Column("number", "批次号", Batch.number, 14),
        Column("sent_on", "报送日期", Batch.sent_on, 10, "date"),
        Column("sender", "报送人", _Sender.name, 8),
        Column("claims", "报销单数", None, 6, "int", live=lambda today: _claims()),
        Column("total", "合计金额", None, 12, "money", live=lambda today: _total()),
        Column("reimbursed", "已报销数", None, 6, "int", live=lambda today: _reimbursed()),
        Column("waiting", "待报销数", None, 6, "int", live=lambda today: _waiting()),
        Column("status", "状态", None, 10, live=lambda today: _status(), tone=_tone),
        Column("remarks", "备注", Batch.remarks, 24),
    ),
    base=_base,
    search=(Batch.number, Batch.remarks, _Sender.name),
    date_expr=Batch.sent_on,
    default_sort=("id", True),
    filters=(
        Filter("waiting", "待财政局报销", lambda a: _waiting() > 0),
        Filter("to_reimburse", "待我登记已报销", _reimbursable),
        Filter("done", DONE, lambda a: and_(_claims() > 0, _waiting() == 0)),
    ),
    visible_to=advances.FINANCE_WIDE,
    dashboard=_dashboard,
    commands=(REIMBURSE_BATCH,),
    lines=(BATCH_LINES,),
    live_status="status",
)
