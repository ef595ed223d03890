"""Seals and the seal-use log (印章使用登记). SPEC §1; 保密工作制度 第二十条(1)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User

SEAL_KINDS: dict[str, str] = {
    "party": "党组印",
    "court": "院印",
    "office": "办公室印",
    "department": "部门印",
}


class Seal(VersionedMixin, Base):
    __tablename__ = "seal"
    __label__ = "印章"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    custodian_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: 代为监印人: stamps under the custodian's custody when the custodian approved the use himself
    #: (a department head both reviews and keeps the department seal, yet approver ≠ stamper).
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship(lazy="joined")
    custodian: Mapped[User] = relationship(foreign_keys=[custodian_id], lazy="joined")
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id], lazy="joined")

    def keepers(self) -> tuple[int, ...]:
        return tuple(i for i in (self.custodian_id, self.deputy_id) if i is not None)

    @property
    def kind_label(self) -> str:
        return SEAL_KINDS.get(self.kind, self.kind)

    @property
    def needs_signed_original(self) -> bool:
        return self.kind in ("court", "party")


class SealUse(VersionedMixin, Base):
    """One use of a seal: the request, its approval and the custodian's stamping."""

    __tablename__ = "seal_use"
    __label__ = "用印登记"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_seal_use_status", "status", "id"),
        Index("ix_seal_use_requested_at", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    seal_id: Mapped[int] = mapped_column(ForeignKey("seal.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(default=1)
    impressions: Mapped[int] = mapped_column(default=1)
    purpose: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_at: Mapped[dt.datetime]
    #: 有权签发人员: who signed the original (court and party-group seals).
    signer_name: Mapped[str] = mapped_column(String(40), default="")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")
    stamper_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    stamped_at: Mapped[dt.datetime | None]
    stamped_impressions: Mapped[int | None]
    remarks: Mapped[str] = mapped_column(Text, default="")
    void_reason: Mapped[str] = mapped_column(Text, default="", doc="作废原因")
    #: Set when the use was created by another register (e.g. an introduction letter).
    source_entity: Mapped[str] = mapped_column(String(40), default="")
    source_id: Mapped[int | None]

    seal: Mapped[Seal] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")
    stamper: Mapped[User | None] = relationship(foreign_keys=[stamper_id], lazy="joined")
