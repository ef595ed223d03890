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
import zlib
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from courtdesk.areas.finance import advances
from courtdesk.areas.finance.categories import GENERAL_CATEGORIES, TRAVEL_CATEGORIES
from courtdesk.areas.finance.models import ExpenseClaim, MonthTotal
from courtdesk.kernel import clock
from courtdesk.kernel.errors import Busy
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.registers import Column, Filter, RegisterSpec

REGISTER_KEY = "finance_month_total"
#: The categories only a 差旅费报销单 uses (「其他」 belongs to both kinds of claim).
TRAVEL_ONLY = tuple(c for c in TRAVEL_CATEGORIES if c not in GENERAL_CATEGORIES)


def add_reimbursed(session: Session, claim: ExpenseClaim) -> None:
    """Add ``claim`` (just reimbursed: ``reimbursed_on`` set) to the month's totals of its department:
    per category of its lines, one more claim, its lines and their amount."""
    _count(session, claim, +1)


def move_reimbursed(session: Session, claim: ExpenseClaim, day: dt.date) -> None:
    """Move ``claim`` from the month of its ``reimbursed_on`` to the month of ``day`` (and set it)."""
    old = claim.reimbursed_on
    if old is not None and (old.year, old.month) == (day.year, day.month):
        claim.reimbursed_on = day  # the same month's totals
        return
    _count(session, claim, -1)
    claim.reimbursed_on = day
    _count(session, claim, +1)


def _count(session: Session, claim: ExpenseClaim, sign: int) -> None:
    day = claim.reimbursed_on
    if day is None:
        raise ValueError(f"{claim.number}: not reimbursed")
    per_category: dict[str, list[int]] = {}
    for line in claim.lines:
        entry = per_category.setdefault(line.category, [0, 0])
        entry[0] += 1
        entry[1] += line.amount_fen
    for category, (lines, amount) in sorted(per_category.items()):
        row = _locked_row(session, f"{day:%Y-%m}", day.replace(day=1), claim.department_id, category)
        row.claim_count += sign
        row.line_count += sign * lines
        row.amount_fen += sign * amount
        if row.claim_count <= 0:  # taken out of a month: a total of no claim is no line of the summary
            session.delete(row)
    session.flush()


def _locked_row(session: Session, month: str, start: dt.date, department_id: int | None,
                category: str) -> MonthTotal:
    """The total of (month, department, category), created if missing, locked for this transaction.

    On SQLite the write transaction already holds the database's write lock. On PostgreSQL ``FOR
    UPDATE`` serialises two workstations adding to the same row; when both find it missing, the
    second insert hits the unique key inside a savepoint and that workstation adds to the row the
    first one created instead. The unique key does not catch two rows *without* a department (NULLs
    are distinct to it), so on PostgreSQL the first insert of such a row is serialised by a
    transaction-scoped advisory lock on (month, category)."""
    if department_id is None and session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{MonthTotal.__tablename__}:{month}:{category}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))
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
