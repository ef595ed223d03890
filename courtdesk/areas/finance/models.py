"""Expense claims (报销单) with their expense lines and receipts, and advances (借支单).

SPEC §3; 《办公室财务管理办法》第3–15条. Amounts are stored as integer fen (``*_fen``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class Advance(VersionedMixin, Base):
    """One advance of cash (借支单) and its settlement.

    The ledger: ``amount + difference_paid = set_off + returned`` closes the advance (a claim set
    against it counts in ``set_off``; unused cash handed back in ``returned``; what finance paid out
    beyond the advance, when the claims exceed it, in ``difference_paid``).
    """

    __tablename__ = "finance_advance"
    __label__ = "借支单"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_finance_advance_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(200))
    #: 预算理由: how the estimate was reached (第12条).
    reasons: Mapped[str] = mapped_column(Text, default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: For a travel advance (出差借支): the trip it pays for. After ``trip_end`` the advance should be
    #: settled by a claim; finance is reminded of advances still open too long after it.
    trip_start: Mapped[dt.date | None]
    trip_end: Mapped[dt.date | None]
    requested_at: Mapped[dt.datetime]
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[dt.date | None]
    set_off_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    difference_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0, doc="已补付金额")
    closed_at: Mapped[dt.datetime | None] = mapped_column(doc="结清时间")
    remarks: Mapped[str] = mapped_column(Text, default="")

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    payer: Mapped[User | None] = relationship(foreign_keys=[payer_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class Batch(VersionedMixin, Base):
    """A batch of registered claims sent together to the district finance bureau (报送区财政局批次).

    Its claims are the claims whose ``batch_id`` is this batch; counts and totals are read from them,
    so they are true on the day they are read.
    """

    __tablename__ = "finance_batch"
    __label__ = "报送批次"
    __table_args__ = (UniqueConstraint("year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    sent_on: Mapped[dt.date]
    sender_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: What happened to the batch after it was sent (claims the bureau returned, with the reason).
    remarks: Mapped[str] = mapped_column(Text, default="")

    sender: Mapped[User] = relationship(foreign_keys=[sender_id], lazy="joined")


class MonthTotal(VersionedMixin, Base):
    """月度报销汇总: what the bureau reimbursed in one month, for one department and one expense
    category. Added to by the 登记财政局已报销 step in the same transaction (and moved by 更正报销日期),
    so the summary register pages like any other register at any size."""

    __tablename__ = "finance_month_total"
    __label__ = "月度报销汇总"
    __table_args__ = (
        UniqueConstraint("month", "department_id", "category"),
        # The key above does not hold where department_id is NULL (NULLs differ): one row per month
        # and category for the claims without a department, too.
        Index("uq_finance_month_total_no_department", "month", "category", unique=True,
              sqlite_where=text("department_id IS NULL"), postgresql_where=text("department_id IS NULL")),
        Index("ix_finance_month_total_month", "month_start", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 'YYYY-MM' and the month's first day (for the register's date range).
    month: Mapped[str] = mapped_column(String(7))
    month_start: Mapped[dt.date] = mapped_column(doc="月份首日")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    category: Mapped[str] = mapped_column(String(20))
    claim_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    department: Mapped[Department | None] = relationship(lazy="joined")


class ExpenseClaim(VersionedMixin, Base):
    """One claim: 支出报销单 (``kind="general"``) or 差旅费报销单 (``kind="travel"``)."""

    __tablename__ = "finance_claim"
    __label__ = "报销单"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_finance_claim_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    kind: Mapped[str] = mapped_column(String(10))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(200))
    #: Travel claims: who travelled, when, where and how.
    travellers: Mapped[str] = mapped_column(String(100), default="")
    trip_start: Mapped[dt.date | None]
    trip_end: Mapped[dt.date | None]
    places: Mapped[str] = mapped_column(String(200), default="")
    transport: Mapped[str] = mapped_column(String(40), default="")
    #: 住宿费标准地区类别 of the destination (the accommodation cap of a travel claim, see .standards).
    city_class: Mapped[str] = mapped_column(String(10), default="")
    #: The travel standards in force when the claim was submitted (JSON of .standards.Rates; "" for a
    #: draft, which follows the settings of the day): a claim is judged, and printed years later,
    #: by the standards of its own time, not by whatever the settings say then.
    standard_rates: Mapped[str] = mapped_column(Text, default="", doc="所依据的差旅费标准")
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    #: 核定金额合计: the sum of the lines' approved amounts, set when finance registers the claim (None
    #: before). The payable, the capitals, the batch and the monthly summary use it (第8条).
    approved_total_fen: Mapped[int | None] = mapped_column(BigInteger)
    #: The finance leader's written approval to keep amounts above the travel standards (recorded at
    #: 审批同意, printed on the form); empty: over-standard lines are cut to the standard.
    over_standard_approval: Mapped[str] = mapped_column(Text, default="", doc="同意超标准报销意见")
    receipt_count: Mapped[int] = mapped_column(default=0)
    #: sha256 of the lines and receipts as saved (so an edit of the child rows alone is seen).
    content_digest: Mapped[str] = mapped_column(String(64), default="", doc="明细与票据摘要值")
    #: The advance this claim is set against (冲抵借支), and what is paid out to the applicant.
    advance_id: Mapped[int | None] = mapped_column(ForeignKey("finance_advance.id"), index=True)
    #: Why the claim clears an advance whose trip it does not share (required then; see claims).
    set_off_reason: Mapped[str] = mapped_column(String(200), default="")
    payable_fen: Mapped[int | None] = mapped_column(BigInteger)
    filed_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(doc="提交时间")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="审批时间")
    #: The last return to the applicant: its chosen reason and words.
    reject_reason: Mapped[str] = mapped_column(String(20), default="")
    reject_text: Mapped[str] = mapped_column(Text, default="", doc="退回意见")
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[dt.datetime | None] = mapped_column(doc="审核登记时间")
    #: The batch sent to the district finance bureau (报送批次) the claim is in; cleared when the
    #: bureau returns the claim (the batch's remarks keep that).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("finance_batch.id"), index=True)
    sent_on: Mapped[dt.date | None] = mapped_column(doc="报送日期")
    reimbursed_on: Mapped[dt.date | None]
    bureau_return: Mapped[str] = mapped_column(Text, default="", doc="区财政局退回原因")
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[dt.date | None]
    pay_method: Mapped[str] = mapped_column(String(20), default="")
    signed_at: Mapped[dt.datetime | None] = mapped_column(doc="签收时间")

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    checker: Mapped[User | None] = relationship(foreign_keys=[checker_id], lazy="joined")
    payer: Mapped[User | None] = relationship(foreign_keys=[payer_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    advance: Mapped[Advance | None] = relationship(lazy="joined")
    batch: Mapped[Batch | None] = relationship(lazy="joined")

    @property
    def approved_or_claimed_fen(self) -> int:
        """核定金额合计 once finance registered the claim, the amount claimed before."""
        return self.total_fen if self.approved_total_fen is None else self.approved_total_fen

    lines: Mapped[list[ExpenseLine]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin", order_by="ExpenseLine.position")
    receipts: Mapped[list[ExpenseReceipt]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin",
        order_by="ExpenseReceipt.position")
    #: Who travelled (a travel claim): each person once; ``travellers`` is their names joined.
    trip_people: Mapped[list[Traveller]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin", order_by="Traveller.position")
    #: The itinerary of a travel claim (行程: 起止日期、起止地点、交通工具、车船费), leg by leg.
    legs: Mapped[list[TripLeg]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin", order_by="TripLeg.position")


class ExpenseLine(VersionedMixin, Base):
    """One expense line of a claim (费用明细): category, description, declared amount."""

    __tablename__ = "finance_claim_line"
    __label__ = "报销明细"
    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("finance_claim.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200), default="")
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: 天数: the nights a 住宿费 line pays for (人·晚), the days of an allowance; None: by the trip.
    days: Mapped[int | None]
    #: 核定金额: what finance approved at 审核登记 (None before); below ``amount_fen`` by 核减.
    approved_fen: Mapped[int | None] = mapped_column(BigInteger, doc="核定金额")
    #: 核减理由 when ``approved_fen`` is below the amount claimed.
    cut_reason: Mapped[str] = mapped_column(String(200), default="", doc="核减理由")

    claim: Mapped[ExpenseClaim] = relationship(back_populates="lines")

    @property
    def payable_fen(self) -> int:
        """The line's amount as approved (as claimed until finance has registered the claim)."""
        return self.amount_fen if self.approved_fen is None else self.approved_fen

    @property
    def cut_fen(self) -> int:
        """核减: what finance took off the amount claimed."""
        return self.amount_fen - self.payable_fen


class TripLeg(VersionedMixin, Base):
    """One leg of a travel claim's itinerary (差旅费报销单的行程): departure and arrival, the means of
    transport and the fare (车船费)."""

    __tablename__ = "finance_trip_leg"
    __label__ = "行程"
    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("finance_claim.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    depart_on: Mapped[dt.date]
    depart_from: Mapped[str] = mapped_column(String(40))
    arrive_on: Mapped[dt.date]
    arrive_at: Mapped[str] = mapped_column(String(40))
    transport: Mapped[str] = mapped_column(String(20))
    fare_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    claim: Mapped[ExpenseClaim] = relationship(back_populates="legs")


class Traveller(VersionedMixin, Base):
    """One person on a travel claim's trip: a member of the court (``user_id``) or a named outsider.
    A person's trips may not overlap on two claims (the same trip claimed twice)."""

    __tablename__ = "finance_traveller"
    __label__ = "出差人"
    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("finance_claim.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The person's name as printed (a member's name when the claim was saved); for an outsider, the
    #: name typed, normalised (``invoices.normalise``-like: spaces out).
    name: Mapped[str] = mapped_column(String(40), index=True)

    claim: Mapped[ExpenseClaim] = relationship(back_populates="trip_people")


class ExpenseReceipt(VersionedMixin, Base):
    """One original receipt (原始票据) of a claim, and the expense line it supports (``line_no``)."""

    __tablename__ = "finance_receipt"
    __label__ = "报销票据"
    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("finance_claim.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    receipt_type: Mapped[str] = mapped_column(String(20))
    #: 发票代码 (10–12 digits; empty for a 全电发票 and for tickets), normalised (``invoices.normalise``).
    invoice_code: Mapped[str] = mapped_column(String(20), default="")
    invoice_number: Mapped[str] = mapped_column(String(40), index=True)
    #: The 号码 without leading zeros, indexed: finds the same receipt on any claim of any year
    #: (``invoices.same`` then compares 代码 and 号码).
    number_key: Mapped[str] = mapped_column(String(40), index=True, default="", doc="票据号码（比对用）")
    issued_on: Mapped[dt.date]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Position of the expense line this receipt supports (None: attached to no line).
    line_no: Mapped[int | None]

    claim: Mapped[ExpenseClaim] = relationship(back_populates="receipts")
