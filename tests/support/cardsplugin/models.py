"""The toy area's one table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class BusinessCard(VersionedMixin, Base):
    """名片印制单: a box of business cards a department asks for."""

    __tablename__ = "cards_card"
    __label__ = "名片印制单"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    quantity: Mapped[int]
    requested_at: Mapped[dt.datetime]
    printer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: 作废原因 — no register column or form names it: the model's own doc labels it.
    void_reason: Mapped[str] = mapped_column(String(200), default="", doc="作废原因")

    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
