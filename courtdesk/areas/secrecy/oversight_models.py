"""机密级以上会议和活动 (第三十七条(7))、保密要害部门部位 (第十条、第十一条)、保密责任书 (第十二条) and
保密检查 with its 整改事项 (第四十条) — the oversight side of 《保密工作制度》."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class SecretMeeting(VersionedMixin, Base):
    """机密级以上的会议或活动: phones and other mobile devices stay outside unless the 领导小组组长 approves."""

    __tablename__ = "secrecy_meeting"
    __label__ = "机密级以上会议活动"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), doc="会议或活动名称")
    level: Mapped[str] = mapped_column(String(4), doc="密级")
    held_on: Mapped[dt.date] = mapped_column(doc="日期")
    place: Mapped[str] = mapped_column(String(100), doc="地点")
    organiser_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="组织部门")
    jammer: Mapped[bool] = mapped_column(default=False, doc="安装使用手机信号干扰设备")
    registrar_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    organiser: Mapped[Department] = relationship(lazy="joined")
    devices: Mapped[list[SecretMeetingDevice]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="SecretMeetingDevice.id")


class SecretMeetingDevice(Base):
    """一台因公带入会场的手机等移动终端: who, what, why, approved by the 领导小组组长 (登记备案)."""

    __tablename__ = "secrecy_meeting_device"
    __label__ = "会议带入移动终端登记"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("secrecy_meeting.id"), index=True, doc="会议或活动")
    person_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="携带人")
    device: Mapped[str] = mapped_column(String(100), doc="设备")
    reason: Mapped[str] = mapped_column(String(200), doc="带入事由")
    approver_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="批准人（领导小组组长）")
    approved_at: Mapped[dt.datetime] = mapped_column(doc="批准时间")

    meeting: Mapped[SecretMeeting] = relationship(back_populates="devices")
    person: Mapped[User] = relationship(foreign_keys=[person_id], lazy="joined")
    approver: Mapped[User] = relationship(foreign_keys=[approver_id], lazy="joined")


class SecretKeyPlace(VersionedMixin, Base):
    """保密要害部门或部位: confirmed and filed by the 保密行政管理部门; every change reported again (第十条)."""

    __tablename__ = "secrecy_key_place"
    __label__ = "保密要害部门部位"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(4), doc="类别")
    name: Mapped[str] = mapped_column(String(100), doc="名称")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="所在部门")
    responsible_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="管理责任人")
    measures: Mapped[str] = mapped_column(Text, default="", doc="管理措施")
    determined_on: Mapped[dt.date] = mapped_column(doc="领导小组确定日期")
    reported_on: Mapped[dt.date | None] = mapped_column(doc="报保密行政管理部门日期")
    change: Mapped[str] = mapped_column(String(200), default="", doc="待上报的调整")

    department: Mapped[Department] = relationship(lazy="joined")
    responsible: Mapped[User] = relationship(lazy="joined")


class SecretResponsibilityLetter(Base):
    """保密责任书: signed each year between 保密办 and one department (第十二条)."""

    __tablename__ = "secrecy_letter"
    __label__ = "保密责任书"
    __table_args__ = (UniqueConstraint("department_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="部门")
    year: Mapped[int] = mapped_column(doc="年度")
    signed_on: Mapped[dt.date] = mapped_column(doc="签订日期")
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="部门负责人")
    office_signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="保密办经办人")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")

    department: Mapped[Department] = relationship(lazy="joined")
    signer: Mapped[User] = relationship(foreign_keys=[signer_id], lazy="joined")
    office_signer: Mapped[User] = relationship(foreign_keys=[office_signer_id], lazy="joined")


class SecretInspection(Base):
    """保密检查: the 领导小组 inspects each department at least once a year (第四十条)."""

    __tablename__ = "secrecy_inspection"
    __label__ = "保密检查"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True, doc="被检查部门")
    inspected_on: Mapped[dt.date] = mapped_column(doc="检查日期")
    inspectors: Mapped[str] = mapped_column(String(100), doc="检查人员")
    findings: Mapped[str] = mapped_column(Text, doc="检查情况")
    result: Mapped[str] = mapped_column(String(10), doc="检查结论")
    recorder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")

    department: Mapped[Department] = relationship(lazy="joined")
    rectifications: Mapped[list[SecretRectification]] = relationship(
        back_populates="inspection", order_by="SecretRectification.id")


class SecretRectification(VersionedMixin, Base):
    """一项整改事项: what to put right, by when, and when it was put right (第四十条(2) 责令整改)."""

    __tablename__ = "secrecy_rectification"
    __label__ = "保密检查整改事项"
    __table_args__ = (Index("ix_secrecy_rectification_status", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("secrecy_inspection.id"), index=True, doc="保密检查")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), doc="整改部门")
    problem: Mapped[str] = mapped_column(String(200), doc="问题及整改要求")
    deadline: Mapped[dt.date] = mapped_column(doc="整改期限")
    completed_on: Mapped[dt.date | None] = mapped_column(doc="整改完成日期")
    outcome: Mapped[str] = mapped_column(String(200), default="", doc="整改情况")

    inspection: Mapped[SecretInspection] = relationship(back_populates="rectifications")
    department: Mapped[Department] = relationship(lazy="joined")
