"""信息化设备申领单 (《信息化网络管理暂行规定》第14条) and 报修单 (第20条、第21条、第34条).

A request (``ItRequest``) is one person's request for one device of a kind, approved by the head of
his department and by 信建办, then issued from stock (the issued asset is given to him through the
asset ledger) and confirmed received. A repair (``ItRepair``) is one fault a user reports on a device he
uses: taken by the 网络运维人员 (the asset is 维修中 meanwhile), referred to the 主管院领导 when games are
found or specialists are needed, done, and confirmed by the reporter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.areas.it.models import ItAsset
from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class ItRequest(VersionedMixin, Base):
    """一份信息化设备申领单: who asks for which kind of device and why, its approvals and what was issued."""

    __tablename__ = "it_request"
    __label__ = "信息化设备申领单"
    __table_args__ = (
        Index("ix_it_request_status", "status", "id"),
        Index("ix_it_request_department", "department_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="申领单编号")
    status: Mapped[str] = mapped_column(String(12))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="申领人")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="申领部门")
    kind: Mapped[str] = mapped_column(String(12), doc="设备类型")
    quantity: Mapped[int] = mapped_column(default=1, doc="数量")
    reason: Mapped[str] = mapped_column(Text, default="", doc="申领事由")
    requested_at: Mapped[dt.datetime] = mapped_column(doc="申领时间")
    dept_approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="部门负责人")
    dept_approved_at: Mapped[dt.datetime | None] = mapped_column(doc="部门审批时间")
    office_approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="信建办审批人")
    office_approved_at: Mapped[dt.datetime | None] = mapped_column(doc="信建办审批时间")
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("it_asset.id"), index=True, doc="发放设备")
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="发放人")
    issued_at: Mapped[dt.datetime | None] = mapped_column(doc="发放时间")
    received_at: Mapped[dt.datetime | None] = mapped_column(doc="领取确认时间")

    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    dept_approver: Mapped[User | None] = relationship(foreign_keys=[dept_approver_id])
    office_approver: Mapped[User | None] = relationship(foreign_keys=[office_approver_id])
    issuer: Mapped[User | None] = relationship(foreign_keys=[issuer_id])
    asset: Mapped[ItAsset | None] = relationship(foreign_keys=[asset_id])


class ItRepair(VersionedMixin, Base):
    """一份报修单: the fault a user reports on his device, who repaired it, how, and the outcome."""

    __tablename__ = "it_repair"
    __label__ = "信息化设备报修单"
    __table_args__ = (
        Index("ix_it_repair_status", "status", "id"),
        Index("ix_it_repair_department", "department_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="报修单编号")
    status: Mapped[str] = mapped_column(String(12))
    asset_id: Mapped[int] = mapped_column(ForeignKey("it_asset.id"), index=True, doc="报修设备")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="报修人")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="报修部门")
    fault: Mapped[str] = mapped_column(Text, default="", doc="故障现象")
    reported_at: Mapped[dt.datetime] = mapped_column(doc="报修时间")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="维修人员")
    taken_at: Mapped[dt.datetime | None] = mapped_column(doc="受理时间")
    #: 本单位内维修 / 送外维修.
    mode: Mapped[str] = mapped_column(String(8), default="", doc="维修方式")
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="监管人")
    storage_removed: Mapped[bool] = mapped_column(default=False, doc="存储部件已拆除")
    #: 发现游戏 / 需更专业人员修复 (第34条), else "".
    referral: Mapped[str] = mapped_column(String(12), default="", doc="报批事由")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准的院领导")
    leader_at: Mapped[dt.datetime | None] = mapped_column(doc="领导批准时间")
    work: Mapped[str] = mapped_column(Text, default="", doc="维修情况")
    outcome: Mapped[str] = mapped_column(String(20), default="", doc="维修结果")
    done_at: Mapped[dt.datetime | None] = mapped_column(doc="修复时间")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(doc="确认时间")

    asset: Mapped[ItAsset] = relationship(foreign_keys=[asset_id], lazy="joined")
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="joined")
    department: Mapped[Department] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
