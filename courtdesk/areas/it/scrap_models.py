"""报废申请 (第22条), 变更 (第23–24条) and 外网使用 (第19条、第25–26条) of the IT area: the records, each
numbered by the shared mechanism and moved through its workflow; the asset itself stays in the ledger
(``ItAsset``) and is moved there by the asset workflow's system steps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.areas.it.models import ItAsset
from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class ItScrap(VersionedMixin, Base):
    """报废申请: a device to retire, the 网络运维主管's 鉴定, 信建办's 请示 and the 主管领导's decision."""

    __tablename__ = "it_scrap"
    __label__ = "信息化设备报废申请"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_it_scrap_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="报废申请编号")
    status: Mapped[str] = mapped_column(String(12))
    asset_id: Mapped[int] = mapped_column(ForeignKey("it_asset.id"), index=True, doc="报废设备")
    reason: Mapped[str] = mapped_column(Text, doc="报废原因")
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="申请人")
    applied_at: Mapped[dt.datetime] = mapped_column(doc="申请时间")
    #: 返旧换新 wished (第22条: 信建办配合各庭室返旧换新), and for whom the new device is.
    replace: Mapped[bool] = mapped_column(default=False, doc="返旧换新")
    replace_for_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="换新使用人")
    assessment: Mapped[str] = mapped_column(Text, default="", doc="鉴定意见")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="鉴定人（网络运维主管）")
    assessed_at: Mapped[dt.datetime | None] = mapped_column(doc="鉴定时间")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="请示人（信建办）")
    reported_at: Mapped[dt.datetime | None] = mapped_column(doc="请示时间")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="主管领导")
    decided_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")
    #: What 返旧换新 gave on approval (the new request's number, or that it is still to be filed).
    replacement: Mapped[str] = mapped_column(String(200), default="", doc="换新情况")

    asset: Mapped[ItAsset] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    replace_for: Mapped[User | None] = relationship(foreign_keys=[replace_for_id], lazy="joined")
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id], lazy="joined")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")


class ItChange(VersionedMixin, Base):
    """变更申请: a change of the network or of a device, done only with both consents (第23–24条)."""

    __tablename__ = "it_change"
    __label__ = "信息化网络变更"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_it_change_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="变更编号")
    status: Mapped[str] = mapped_column(String(12))
    #: 网络拓扑 / 设备布置与参数配置 / 硬件拆卸更换 / 软件安装卸载.
    kind: Mapped[str] = mapped_column(String(12), doc="变更类别")
    #: The device changed; None for a change of the network as a whole.
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("it_asset.id"), index=True, doc="涉及设备")
    description: Mapped[str] = mapped_column(Text, doc="变更内容")
    planned_on: Mapped[dt.date] = mapped_column(doc="计划实施日期")
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="申请人")
    applied_at: Mapped[dt.datetime] = mapped_column(doc="申请时间")
    ops_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="网络运维主管")
    ops_at: Mapped[dt.datetime | None] = mapped_column(doc="网络运维主管同意时间")
    head_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="信建办负责人")
    head_at: Mapped[dt.datetime | None] = mapped_column(doc="信建办负责人同意时间")
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="实施人")
    done_at: Mapped[dt.datetime | None] = mapped_column(doc="实施时间")
    result: Mapped[str] = mapped_column(Text, default="", doc="实施情况")

    asset: Mapped[ItAsset | None] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    ops: Mapped[User | None] = relationship(foreign_keys=[ops_id], lazy="joined")
    head: Mapped[User | None] = relationship(foreign_keys=[head_id], lazy="joined")
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id], lazy="joined")


class ItExternal(VersionedMixin, Base):
    """外网使用申请: a department asks for a named user on a named 外网 device (第19条、第26条)."""

    __tablename__ = "it_external"
    __label__ = "外网使用申请"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_it_external_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="外网使用编号")
    status: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="申请部门")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="使用人")
    asset_id: Mapped[int] = mapped_column(ForeignKey("it_asset.id"), index=True, doc="使用设备")
    purpose: Mapped[str] = mapped_column(Text, doc="用途及事由")
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="申请人")
    applied_at: Mapped[dt.datetime] = mapped_column(doc="申请时间")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="主管领导")
    agreed_at: Mapped[dt.datetime | None] = mapped_column(doc="同意时间")
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="登记人（信建办）")
    registered_at: Mapped[dt.datetime | None] = mapped_column(doc="登记备案时间")
    opener_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="开通人（网络运维主管）")
    opened_at: Mapped[dt.datetime | None] = mapped_column(doc="开通时间")
    #: The 外网 address given to the device when it was opened (kept after 停用 as the record's).
    ip: Mapped[str] = mapped_column(String(39), default="", doc="外网IP地址")
    stopped_at: Mapped[dt.datetime | None] = mapped_column(doc="停用时间")

    department: Mapped[Department] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    asset: Mapped[ItAsset] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id], lazy="joined")
    registrar: Mapped[User | None] = relationship(foreign_keys=[registrar_id], lazy="joined")
    opener: Mapped[User | None] = relationship(foreign_keys=[opener_id], lazy="joined")
