"""月度报销汇总（按部门、类别）— what the district finance bureau reimbursed, month by month.

The register reads :class:`MonthTotal` rows, which the 登记财政局已报销 step adds to in its own
transaction (:func:`add_reimbursed`), so the summary pages like any other register whatever the
number of claims behind it. A reimbursement date typed wrong is put right by 更正报销日期, which
takes the claim out of the old month and adds it to the new one in one transaction
(:func:`move_reimbursed`); a total that falls to no claim at all leaves the register.
The month of a claim is the month the bureau reimbursed it (``reimbursed_on``); its department is
the department it was filed for; each expense line counts under its own category.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from courtdesk.areas.finance import advances
from courtdesk.areas.finance.categories import GENERAL_CATEGORIES, TRAVEL_CATEGORIES
from courtdesk.areas.finance.models import ExpenseClaim, MonthTotal
from courtdesk.kernel import clock
from courtdesk.kernel.errors import Busy, DomainError
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.registers import Column, Filter, RegisterSpec

REGISTER_KEY = "finance_month_total"
#: The categories only a 差旅费报销单 uses (「其他」 belongs to both kinds of claim).
TRAVEL_ONLY = tuple(c for c in TRAVEL_CATEGORIES if c not in GENERAL_CATEGORIES)


def add_reimbursed(session: Session, claim: ExpenseClaim) -> None:
    """Add ``claim`` (just reimbursed: ``reimbursed_on`` set) to the month's totals of its department:
    per category of its lines, one more claim, its lines and their amount."""
    day = _day(claim)
    for category, (lines, amount) in _per_category(claim).items():
        row = _locked_row(session, day, claim.department_id, category)
        row.claim_count += 1
        row.line_count += lines
        row.amount_fen += amount
    session.flush()


def move_reimbursed(session: Session, claim: ExpenseClaim, day: dt.date) -> None:
    """Move ``claim`` from the month of its ``reimbursed_on`` to the month of ``day`` (and set it).

    The rows of both months are locked first, in (month, category) order, so two corrections in
    opposite directions at two workstations wait for each other instead of deadlocking. A total
    left with no claim leaves the register; one that would go below zero (it never held the claim)
    refuses the correction."""
    old = _day(claim)
    if (old.year, old.month) == (day.year, day.month):
        claim.reimbursed_on = day  # the same month's totals
        return
    per_category = _per_category(claim)
    locked = {(start, category): _locked_row(session, start, claim.department_id, category,
                                             create=start != old.replace(day=1))
              for start, category in sorted((d.replace(day=1), c) for d in (old, day) for c in per_category)}
    for category, (lines, amount) in per_category.items():
        was = locked[(old.replace(day=1), category)]
        was.claim_count -= 1
        was.line_count -= lines
        was.amount_fen -= amount
        if min(was.claim_count, was.line_count) < 0:
            raise DomainError(f"报销日期：{was.month} 的月度报销汇总（{category}）中没有报销单 {claim.number}，"
                              "不能更正；请系统管理员核对汇总", field="报销日期")
        if (was.claim_count, was.line_count, was.amount_fen) == (0, 0, 0):
            session.delete(was)  # a total of no claim is no line of the summary
        now = locked[(day.replace(day=1), category)]
        now.claim_count += 1
        now.line_count += lines
        now.amount_fen += amount
    claim.reimbursed_on = day
    session.flush()


def _day(claim: ExpenseClaim) -> dt.date:
    if claim.reimbursed_on is None:
        raise ValueError(f"{claim.number}: not reimbursed")
    return claim.reimbursed_on


def _per_category(claim: ExpenseClaim) -> dict[str, tuple[int, int]]:
    """Category → (lines, amount in fen) of the claim's lines, in category order — the 核定 amounts
    (what the bureau reimburses is what finance approved, not what was claimed)."""
    out: dict[str, tuple[int, int]] = {}
    for line in claim.lines:
        lines, amount = out.get(line.category, (0, 0))
        out[line.category] = (lines + 1, amount + line.payable_fen)
    return dict(sorted(out.items()))


def _locked_row(session: Session, day: dt.date, department_id: int | None, category: str, *,
                create: bool = True) -> MonthTotal:
    """The total of (the month of ``day``, department, category), created if missing (``create``;
    else a missing total is refused), locked for this transaction.

    On SQLite the write transaction already holds the database's write lock. On PostgreSQL ``FOR
    UPDATE`` serialises two workstations adding to the same row; when both find it missing, the
    second insert waits on the unique key (for rows without a department, the partial unique index)
    and, inside a savepoint, fails once the first commits; that workstation then adds to the row
    the first one created instead."""
    month, start = f"{day:%Y-%m}", day.replace(day=1)
    department = (MonthTotal.department_id.is_(None) if department_id is None
                  else MonthTotal.department_id == department_id)
    stmt = (select(MonthTotal)
            .where(MonthTotal.month == month, MonthTotal.category == category, department)
            .options(lazyload(MonthTotal.department))  # FOR UPDATE refuses the outer join's side
            .with_for_update()
            .execution_options(populate_existing=True))
    for _attempt in range(3):
        row = session.scalars(stmt).first()
        if row is not None:
            return row
        if not create:
            raise DomainError(f"报销日期：{month} 的月度报销汇总中没有「{category}」一项，不能从中扣除；"
                              "请系统管理员核对汇总", field="报销日期")
        row = MonthTotal(month=month, month_start=start, department_id=department_id, category=category,
                         claim_count=0, line_count=0, amount_fen=0)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue  # created by another workstation meanwhile: lock theirs and add to it
        return row
    raise Busy("另一台工作站正在登记同月的报销汇总，请稍后再试")


# --- register ------------------------------------------------------------------------------------

def _base() -> Any:
    return (select(MonthTotal.id).select_from(MonthTotal)
            .outerjoin(Department, Department.id == MonthTotal.department_id))


def _this_year(actor: Any) -> Any:
    return MonthTotal.month_start >= dt.date(clock.today().year, 1, 1)


def _this_month(actor: Any) -> Any:
    return MonthTotal.month_start == clock.today().replace(day=1)


def _last_month(actor: Any) -> Any:
    first = clock.today().replace(day=1)
    return MonthTotal.month_start == (first - dt.timedelta(days=1)).replace(day=1)


SUMMARY_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="月度报销汇总（按部门、类别）",
    model=MonthTotal,
    columns=(
        Column("month", "月份", MonthTotal.month, 8),
        Column("department", "部门", Department.name, 12),
        Column("category", "费用类别", MonthTotal.category, 10),
        Column("claims", "含该类的报销单数", MonthTotal.claim_count, 9, "int"),
        Column("lines", "明细笔数", MonthTotal.line_count, 7, "int"),
        Column("amount", "金额", MonthTotal.amount_fen, 12, "money"),
    ),
    base=_base,
    search=(MonthTotal.month, MonthTotal.category, Department.name),
    date_expr=MonthTotal.month_start,
    default_sort=("month", True),
    filters=(
        Filter("this_year", "本年", _this_year),
        Filter("this_month", "本月", _this_month),
        Filter("last_month", "上月", _last_month),
        Filter("travel", "差旅费（城市间交通、住宿、伙食补助、市内交通）",
               lambda a: MonthTotal.category.in_(TRAVEL_ONLY)),
        Filter("other", "其他支出", lambda a: and_(MonthTotal.category.not_in(TRAVEL_ONLY))),
    ),
    visible_to=advances.FINANCE_WIDE,
)
