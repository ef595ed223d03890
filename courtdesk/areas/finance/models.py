"""Expense claims (报销单) with their expense lines and receipts, and advances (借支单).

SPEC §3; 《办公室财务管理办法》第3–15条. Amounts are stored as integer fen (``*_fen``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
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
    requested_at: Mapped[dt.datetime]
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None]
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[dt.date | None]
    set_off_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    difference_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_at: Mapped[dt.datetime | None]
    remarks: Mapped[str] = mapped_column(Text, default="")

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    payer: Mapped[User | None] = relationship(foreign_keys=[payer_id], lazy="joined")
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
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    receipt_count: Mapped[int] = mapped_column(default=0)
    #: sha256 of the lines and receipts as saved (so an edit of the child rows alone is seen).
    content_digest: Mapped[str] = mapped_column(String(64), default="")
    #: The advance this claim is set against (冲抵借支), and what is paid out to the applicant.
    advance_id: Mapped[int | None] = mapped_column(ForeignKey("finance_advance.id"), index=True)
    payable_fen: Mapped[int | None] = mapped_column(BigInteger)
    filed_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None]
    #: The last return to the applicant: its chosen reason and words.
    reject_reason: Mapped[str] = mapped_column(String(20), default="")
    reject_text: Mapped[str] = mapped_column(Text, default="")
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[dt.datetime | None]
    batch_number: Mapped[str] = mapped_column(String(40), default="")
    sent_on: Mapped[dt.date | None]
    reimbursed_on: Mapped[dt.date | None]
    bureau_return: Mapped[str] = mapped_column(Text, default="")
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[dt.date | None]
    pay_method: Mapped[str] = mapped_column(String(20), default="")
    signed_at: Mapped[dt.datetime | None]

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    checker: Mapped[User | None] = relationship(foreign_keys=[checker_id], lazy="joined")
    payer: Mapped[User | None] = relationship(foreign_keys=[payer_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    advance: Mapped[Advance | None] = relationship(lazy="joined")
    lines: Mapped[list[ExpenseLine]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin", order_by="ExpenseLine.position")
    receipts: Mapped[list[ExpenseReceipt]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", lazy="selectin",
        order_by="ExpenseReceipt.position")


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

    claim: Mapped[ExpenseClaim] = relationship(back_populates="lines")


class ExpenseReceipt(VersionedMixin, Base):
    """One original receipt (原始票据) of a claim, and the expense line it supports (``line_no``)."""

    __tablename__ = "finance_receipt"
    __label__ = "报销票据"
    __table_args__ = (UniqueConstraint("claim_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("finance_claim.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    receipt_type: Mapped[str] = mapped_column(String(20))
    invoice_number: Mapped[str] = mapped_column(String(40), index=True)
    issued_on: Mapped[dt.date]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    #: Position of the expense line this receipt supports (None: attached to no line).
    line_no: Mapped[int | None]

    claim: Mapped[ExpenseClaim] = relationship(back_populates="receipts")
