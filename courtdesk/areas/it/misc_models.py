"""运行维护外包合同 (《信息化网络管理暂行规定》第9–13条) and 重要数据备份 (第6条(3)).

A contract (``ItContract``) names the 外包服务商 and its 资质 (第11条), the period (第12条: synchronised
with the yearly budget), the services (第13条) and the quality criteria and 考核办法 (第10条、第12条);
its 运维人员 (``ItContractOperator``) each with the dates of their 保密 training and 保密承诺书 (第11条(3),
第8条 — a person with an account may be linked to it); the yearly appraisals (``ItContractAppraisal``).

A system to back up (``ItBackupSystem``) has its interval and where copies are kept; each backup
(``ItBackup``) is logged by the 网络运维主管. Only dates are stored: 即将到期/已到期 and 逾期未备份 are read
from them against today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import User


class ItContract(VersionedMixin, Base):
    """运行维护外包服务合同: the provider, the period, what it does and how it is appraised."""

    __tablename__ = "it_contract"
    __label__ = "运维外包合同"
    __table_args__ = (Index("ix_it_contract_ends", "ends_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), doc="状态")
    number: Mapped[str] = mapped_column(String(40), unique=True, doc="合同编号")
    contractor: Mapped[str] = mapped_column(String(80), doc="外包服务商")
    qualification: Mapped[str] = mapped_column(String(200), doc="IT服务资质")
    starts_on: Mapped[dt.date] = mapped_column(doc="合同开始日期")
    ends_on: Mapped[dt.date] = mapped_column(doc="合同截止日期")
    services: Mapped[str] = mapped_column(Text, doc="服务内容")
    quality: Mapped[str] = mapped_column(Text, doc="质量考核标准和考核办法")
    contact: Mapped[str] = mapped_column(String(60), default="", doc="服务商联系人及电话")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    @property
    def label(self) -> str:
        return f"{self.number}（{self.contractor}）"


class ItContractOperator(VersionedMixin, Base):
    """One 运维人员 the provider sends (第13条), with their 保密 training and 保密承诺书 (第11条(3))."""

    __tablename__ = "it_contract_operator"
    __label__ = "外包运维人员"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("it_contract.id"), index=True, doc="运维外包合同")
    position: Mapped[int] = mapped_column(doc="序号")
    name: Mapped[str] = mapped_column(String(30), doc="姓名")
    phone: Mapped[str] = mapped_column(String(30), default="", doc="联系电话")
    #: The account when the person has one (then the confidentiality area's records are theirs).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True, doc="系统用户")
    trained_on: Mapped[dt.date | None] = mapped_column(doc="保密培训日期")
    pledged_on: Mapped[dt.date | None] = mapped_column(doc="保密承诺书签订日期")
    left_on: Mapped[dt.date | None] = mapped_column(doc="离场日期")

    user: Mapped[User | None] = relationship(lazy="joined")


class ItContractAppraisal(VersionedMixin, Base):
    """The yearly 考核 of a contract (第10条、第12条): 优秀/合格/不合格, by whom."""

    __tablename__ = "it_contract_appraisal"
    __label__ = "运维外包年度考核"
    __table_args__ = (UniqueConstraint("contract_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("it_contract.id"), index=True, doc="运维外包合同")
    year: Mapped[int] = mapped_column(doc="考核年度")
    result: Mapped[str] = mapped_column(String(6), doc="考核结果")
    appraised_on: Mapped[dt.date] = mapped_column(doc="考核日期")
    appraisers: Mapped[str] = mapped_column(String(100), doc="考核人")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="考核意见")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")


class ItBackupSystem(VersionedMixin, Base):
    """A system whose important data is copied and archived at a fixed interval (第6条(3))."""

    __tablename__ = "it_backup_system"
    __label__ = "备份系统"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), doc="状态")
    name: Mapped[str] = mapped_column(String(60), unique=True, doc="系统名称")
    contents: Mapped[str] = mapped_column(String(200), default="", doc="备份内容")
    interval_days: Mapped[int] = mapped_column(doc="备份周期（天）")
    kept_at: Mapped[str] = mapped_column(String(100), doc="存放位置")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")


class ItBackup(VersionedMixin, Base):
    """One backup of a system: when, on what medium and where kept, by whom, whether it was verified."""

    __tablename__ = "it_backup"
    __label__ = "数据备份记录"
    __table_args__ = (Index("ix_it_backup_system", "system_id", "backed_up_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("it_backup_system.id"), doc="备份系统")
    backed_up_at: Mapped[dt.datetime] = mapped_column(doc="备份时间")
    medium: Mapped[str] = mapped_column(String(30), doc="备份介质")
    kept_at: Mapped[str] = mapped_column(String(100), doc="存放位置")
    verified: Mapped[bool] = mapped_column(default=False, doc="已校验可恢复")
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="备份人")
    remarks: Mapped[str] = mapped_column(String(200), default="", doc="备注")

    system: Mapped[ItBackupSystem] = relationship(lazy="joined")
    by: Mapped[User] = relationship(lazy="joined")
