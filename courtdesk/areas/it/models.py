"""信息化设备 (IT assets) and the IP address plan (《信息化网络管理暂行规定》第15条、第30条).

An asset (``ItAsset``) is one device in the court's ledger (台账): numbered by the shared mechanism
(资产编号 ZC-2026-0001), held by a department and — 专人专用 — used by a named person, with its network,
IP and MAC. A classified computer's classified part (custodian, 口令, repairs under supervision,
destruction) is the confidentiality area's record (``SecretComputer``), which refers to the asset by
this number. Subnets (``ItSubnet``) are the IP plan: 内网 and 外网 kept apart; an address is assigned
inside one subnet of the asset's own network, never twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class ItSubnet(VersionedMixin, Base):
    """One subnet of the IP plan (第30条: addresses are configured centrally by the 网络运维主管)."""

    __tablename__ = "it_subnet"
    __label__ = "IP地址段"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), doc="名称")
    #: In CIDR notation, as written by the 网络运维主管: 10.12.1.0/24.
    network: Mapped[str] = mapped_column(String(43), unique=True, doc="网段")
    #: 内网 or 外网 (第25条: the inner network is physically apart from the internet).
    zone: Mapped[str] = mapped_column(String(4), doc="网络")
    gateway: Mapped[str] = mapped_column(String(39), default="", doc="网关")
    #: Addresses a host may take (network and broadcast excluded).
    hosts: Mapped[int] = mapped_column(doc="可分配地址数")
    #: The first and last address as integers (so a plan is searched by range, not by text).
    first_int: Mapped[int] = mapped_column(BigInteger, doc="起始地址")
    last_int: Mapped[int] = mapped_column(BigInteger, doc="结束地址")
    remarks: Mapped[str] = mapped_column(String(200), default="", doc="备注")


class ItAsset(VersionedMixin, Base):
    """One device in the ledger: what it is, who holds and uses it, where, on which network, its status."""

    __tablename__ = "it_asset"
    __label__ = "信息化设备"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_it_asset_status", "status", "id"),
        Index("ix_it_asset_department", "department_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="资产编号")
    status: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12), doc="设备类型")
    brand_model: Mapped[str] = mapped_column(String(80), doc="品牌型号")
    #: The maker's serial number as typed, and the same normalised (no spaces or dashes, upper case):
    #: the one a duplicate is found by, however typed.
    serial_no: Mapped[str] = mapped_column(String(60), default="", doc="序列号")
    serial_key: Mapped[str | None] = mapped_column(String(60), unique=True, doc="序列号（比对用）")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="使用部门")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True, doc="使用人")
    location: Mapped[str] = mapped_column(String(60), default="", doc="存放地点")
    #: 内网 / 外网 / 涉密单机 / 不联网.
    network: Mapped[str] = mapped_column(String(6), doc="网络")
    ip: Mapped[str | None] = mapped_column(String(39), unique=True, doc="IP地址")
    ip_int: Mapped[int | None] = mapped_column(BigInteger, doc="IP地址（数值）")
    subnet_id: Mapped[int | None] = mapped_column(ForeignKey("it_subnet.id"), index=True, doc="所在网段")
    mac: Mapped[str | None] = mapped_column(String(17), unique=True, doc="MAC地址")
    #: A classified computer or device: its classified record is the confidentiality area's.
    classified: Mapped[bool] = mapped_column(default=False, doc="涉密设备")
    #: 诉讼服务中心 / 执行指挥中心 / 数字法庭 / 安防监控 (第15条), else "".
    facility: Mapped[str] = mapped_column(String(10), default="", doc="平台设施")
    purchased_on: Mapped[dt.date | None] = mapped_column(doc="购置日期")
    price_fen: Mapped[int] = mapped_column(default=0, doc="购置价格")
    warranty_until: Mapped[dt.date | None] = mapped_column(doc="保修截止日期")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    #: Since when the asset is where it is now (在用 by its user, 在库 …).
    since: Mapped[dt.datetime] = mapped_column(doc="自何时起")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    department: Mapped[Department] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    subnet: Mapped[ItSubnet | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """How the asset is named in messages: 「ZC-2026-0001（打印机 惠普M405dn）」."""
        return f"{self.number}（{self.kind} {self.brand_model}）"
