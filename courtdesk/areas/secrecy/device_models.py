"""涉密计算机 and 涉密移动存储介质 (《保密工作制度》第三十四条、第三十六条).

Metadata only — never a password, never what a device stores. A computer's 口令 is recorded as the date
it was changed and the policy it met (「机密级：不少于10位，每星期更换」), never its value nor even its
exact length. The physical asset belongs (once the IT area exists) to the IT asset register: the
classified record here owns what secrecy requires (custodian, 密级, protection, 口令, repairs,
destruction) and refers to that asset by its tag (``asset_tag``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class SecretComputer(VersionedMixin, Base):
    """涉密计算机: one computer designated for classified work, its custodian and password policy."""

    __tablename__ = "secrecy_computer"
    __label__ = "涉密计算机"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_secrecy_computer_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="涉密计算机编号")
    status: Mapped[str] = mapped_column(String(20))
    #: The key of the asset in the IT area's asset register (资产编号); the IT area will own the asset
    #: (purchase, location, depreciation), this record only refers to it.
    asset_tag: Mapped[str] = mapped_column(String(40), doc="资产编号")
    kind: Mapped[str] = mapped_column(String(10), doc="类型")
    model: Mapped[str] = mapped_column(String(60), doc="品牌型号")
    serial_no: Mapped[str] = mapped_column(String(60), doc="序列号")
    custodian_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="管理责任人")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="使用部门")
    level: Mapped[str] = mapped_column(String(4), doc="密级标识")
    #: 保密防护设备/软件 installed by 保密办 (第三十四条(2)), and who installed them.
    protection: Mapped[str] = mapped_column(String(200), doc="保密防护措施")
    protection_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="防护安装人（保密办）")
    #: key: IC卡或USB KEY与口令相结合; password: 仅使用口令 (第三十四条(3)).
    auth: Mapped[str] = mapped_column(String(10), doc="认证方式")
    #: standalone: 单机使用; classified_net: 仅接入涉密网 (第三十四条(5)).
    network: Mapped[str] = mapped_column(String(20), doc="联网情况")
    password_changed_on: Mapped[dt.date | None] = mapped_column(doc="口令最近更换日期")
    #: The last day the current password may be used (None: the policy sets no interval).
    password_due_on: Mapped[dt.date | None] = mapped_column(doc="口令应更换日期")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    registrar_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    repair_mode: Mapped[str] = mapped_column(String(10), default="", doc="维修方式")
    repairer: Mapped[str] = mapped_column(String(100), default="", doc="维修单位")
    repair_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="维修监管人")
    storage_removed: Mapped[bool] = mapped_column(default=False, doc="存储部件已拆除")
    storage_kept_by: Mapped[str] = mapped_column(String(100), default="", doc="拆除的存储部件保管")
    destroy_facility: Mapped[str] = mapped_column(String(100), default="", doc="销毁单位")
    destroy_requested_at: Mapped[dt.datetime | None] = mapped_column(doc="申请销毁时间")
    destroy_approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准销毁领导")
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(doc="销毁时间")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    custodian: Mapped[User] = relationship(foreign_keys=[custodian_id], lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    repair_supervisor: Mapped[User | None] = relationship(foreign_keys=[repair_supervisor_id], lazy="joined")
    destroy_approver: Mapped[User | None] = relationship(foreign_keys=[destroy_approver_id], lazy="joined")


class SecretPasswordChange(Base):
    """口令更换记录: the date and the policy met (第三十四条(3)) — never the password."""

    __tablename__ = "secrecy_password_change"
    __label__ = "涉密计算机口令更换记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    computer_id: Mapped[int] = mapped_column(ForeignKey("secrecy_computer.id"), index=True, doc="涉密计算机")
    changed_on: Mapped[dt.date] = mapped_column(doc="更换日期")
    #: The policy the new password met, in words (「机密级：口令不少于10位、字母数字混合，每星期更换」).
    policy: Mapped[str] = mapped_column(String(100), doc="口令要求（已符合）")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    recorded_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")

    recorded_by: Mapped[User] = relationship(lazy="joined")


class SecretMedium(VersionedMixin, Base):
    """涉密移动存储介质: a U盘, disk or card issued and registered by the designated staff (第三十六条)."""

    __tablename__ = "secrecy_medium"
    __label__ = "涉密移动存储介质"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_secrecy_medium_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="介质编号")
    status: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10), doc="介质类型")
    model: Mapped[str] = mapped_column(String(100), doc="品牌型号及序列号")
    level: Mapped[str] = mapped_column(String(4), doc="密级")
    custodian_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="保管人")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="使用部门")
    issuer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="配发人")
    issued_at: Mapped[dt.datetime] = mapped_column(doc="配发时间")
    #: Where it is now, in words (保管人 郑洁 / 节假日交存保密办 / 携带外出 …), and since when.
    location: Mapped[str] = mapped_column(String(100), default="", doc="现在位置")
    since: Mapped[dt.datetime] = mapped_column(doc="自何时起")
    carried_to: Mapped[str] = mapped_column(String(100), default="", doc="携带外出去向")
    due_on: Mapped[dt.date | None] = mapped_column(doc="应带回日期")
    scrap_facility: Mapped[str] = mapped_column(String(100), default="", doc="销毁单位")
    scrap_requested_at: Mapped[dt.datetime | None] = mapped_column(doc="申请报废时间")
    scrap_approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准报废（领导小组组长）")
    scrapped_at: Mapped[dt.datetime | None] = mapped_column(doc="销毁时间")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    custodian: Mapped[User] = relationship(foreign_keys=[custodian_id], lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    issuer: Mapped[User] = relationship(foreign_keys=[issuer_id], lazy="joined")
    scrap_approver: Mapped[User | None] = relationship(foreign_keys=[scrap_approver_id], lazy="joined")


class SecretHoliday(Base):
    """节假日: a holiday over which 机密级以下 media are handed to 保密办 (第三十六条(4))."""

    __tablename__ = "secrecy_holiday"
    __label__ = "节假日交存期间"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), doc="节假日名称")
    #: From this day on a medium not handed in is 应交未交 (normally the last working day before).
    hand_in_by: Mapped[dt.date] = mapped_column(doc="交存日期")
    starts_on: Mapped[dt.date] = mapped_column(doc="放假开始日期")
    ends_on: Mapped[dt.date] = mapped_column(doc="放假结束日期")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    created_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")


class SecretMediumHandIn(Base):
    """One medium handed to 保密办 for one holiday, and handed back (节假日交存登记)."""

    __tablename__ = "secrecy_medium_hand_in"
    __label__ = "节假日涉密介质交存登记"
    __table_args__ = (UniqueConstraint("holiday_id", "medium_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holiday_id: Mapped[int] = mapped_column(ForeignKey("secrecy_holiday.id"), index=True, doc="节假日")
    medium_id: Mapped[int] = mapped_column(ForeignKey("secrecy_medium.id"), index=True, doc="涉密移动存储介质")
    handed_in_at: Mapped[dt.datetime] = mapped_column(doc="交存时间")
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="接收人（保密办）")
    handed_back_at: Mapped[dt.datetime | None] = mapped_column(doc="发还时间")
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="发还人")

    holiday: Mapped[SecretHoliday] = relationship(lazy="joined")
    medium: Mapped[SecretMedium] = relationship(lazy="joined")
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id], lazy="joined")
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id], lazy="joined")
