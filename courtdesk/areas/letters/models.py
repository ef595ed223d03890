"""Introduction letters (介绍信) and blank sealed letterhead (盖章空白信笺).

SPEC §1; 保密工作制度 第二十条(2)(3).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class IntroductionLetter(VersionedMixin, Base):
    """One introduction letter: the request, the clerk's issue (number, seal use) and its end.

    The yearly number is taken when the clerk issues the letter, so the numbers follow the order of
    the stub book; a request that is refused or withdrawn never takes one.
    """

    __tablename__ = "introduction_letter"
    __label__ = "介绍信"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_introduction_letter_status", "status", "id"),
        Index("ix_introduction_letter_issued_at", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Set when issued (NULL while 待开具, and for requests that were never issued).
    year: Mapped[int | None]
    serial: Mapped[int | None]
    number: Mapped[str | None] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    #: 收件单位: printed as the addressee line, so at most one printed line long.
    recipient: Mapped[str] = mapped_column(String(60))
    #: 事由
    purpose: Mapped[str] = mapped_column(String(100))
    validity_days: Mapped[int]
    #: The bearers' names joined with 、 (kept with the child rows, for the register and its search).
    bearer_names: Mapped[str] = mapped_column(String(300))
    bearer_count: Mapped[int]
    filer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    handler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: 承办人签名: set when the handler files the request himself or confirms one filed for him.
    handler_signed_at: Mapped[dt.datetime | None] = mapped_column(doc="经办人签收时间")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: 签发领导: the court leader who signs for the court seal on the letter (有权签发人员).
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(doc="申请时间")
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[dt.datetime | None]
    #: Last day the letter is valid (issue date + validity − 1).
    valid_until: Mapped[dt.date | None] = mapped_column(doc="有效期至")
    #: When it was registered as used or returned.
    finished_at: Mapped[dt.datetime | None] = mapped_column(doc="办结时间")
    seal_use_id: Mapped[int | None] = mapped_column(ForeignKey("seal_use.id"))
    remarks: Mapped[str] = mapped_column(Text, default="")
    #: Why it was voided (or why the request was refused).
    void_reason: Mapped[str] = mapped_column(Text, default="")

    filer: Mapped[User] = relationship(foreign_keys=[filer_id], lazy="joined")
    handler: Mapped[User] = relationship(foreign_keys=[handler_id], lazy="joined")
    signer: Mapped[User] = relationship(foreign_keys=[signer_id], lazy="joined")
    issuer: Mapped[User | None] = relationship(foreign_keys=[issuer_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    seal_use: Mapped[SealUse | None] = relationship(lazy="joined")
    bearers: Mapped[list[IntroductionLetterBearer]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", lazy="selectin",
        order_by="IntroductionLetterBearer.position",
    )

    @property
    def issue_date(self) -> dt.date | None:
        return self.issued_at.date() if self.issued_at else None


class IntroductionLetterBearer(VersionedMixin, Base):
    """A bearer (持信人) named on a letter."""

    __tablename__ = "introduction_letter_bearer"
    __label__ = "介绍信持信人"
    __table_args__ = (UniqueConstraint("letter_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("introduction_letter.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(20), index=True)
    #: 职务 as printed before the name (审判员, 执行员, 书记员 …).
    title: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str] = mapped_column(String(18))

    letter: Mapped[IntroductionLetter] = relationship(back_populates="bearers")


class BlankLetterhead(VersionedMixin, Base):
    """A batch of blank letterhead sheets carrying the court seal, lent to one holder.

    ``issued_count = used_count + returned_count`` closes the batch; the counts are kept by the
    service from the report rows.
    """

    __tablename__ = "blank_letterhead"
    __label__ = "盖章空白信笺"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_blank_letterhead_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    quantity: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(200))
    #: 交回期限: unused sheets come back by this day.
    return_by: Mapped[dt.date]
    requested_at: Mapped[dt.datetime]
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[dt.datetime | None]
    issued_count: Mapped[int] = mapped_column(default=0, doc="已领用张数")
    used_count: Mapped[int] = mapped_column(default=0)
    returned_count: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[dt.datetime | None] = mapped_column(doc="办结时间")
    remarks: Mapped[str] = mapped_column(Text, default="")

    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    issuer: Mapped[User | None] = relationship(foreign_keys=[issuer_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    reports: Mapped[list[BlankLetterheadReport]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", lazy="selectin",
        order_by="BlankLetterheadReport.id",
    )

    @property
    def outstanding(self) -> int:
        """Sheets issued and neither reported used nor returned."""
        return self.issued_count - self.used_count - self.returned_count


class BlankLetterheadReport(VersionedMixin, Base):
    """One sheet reported used (with what for), or sheets handed back unused."""

    __tablename__ = "blank_letterhead_report"
    __label__ = "空白信笺使用交回登记"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("blank_letterhead.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # used | returned
    sheets: Mapped[int] = mapped_column(doc="张数")
    on_date: Mapped[dt.date] = mapped_column(doc="日期")
    what_for: Mapped[str] = mapped_column(String(200), default="", doc="用途")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[dt.datetime] = mapped_column(doc="报告时间")

    batch: Mapped[BlankLetterhead] = relationship(back_populates="reports")
    reported_by: Mapped[User] = relationship(lazy="joined")
