"""涉密人员 (《保密工作制度》第二十五条–第三十三条): one row per person on a classified post, with the
审查 (第二十六条), 培训 (第二十七条、第二十八条), 保密承诺书 (第二十七条、第三十二条) and 出境审批 (第三十条、
第三十三条) kept as lines; 离岗 records the leave date and the end of the 脱密期 (第三十一条–第三十三条).

Only dates are stored (任用日期, 离岗日期, 脱密期满日期, 下次培训日期); 在岗/脱密期中/已脱密 and 培训到期 are
read from them against today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import User


class SecretStaff(VersionedMixin, Base):
    """涉密人员: one person on a classified post, from 任用 through 离岗 and the 脱密期."""

    __tablename__ = "secrecy_staff"
    __label__ = "涉密人员"
    __table_args__ = (Index("ix_secrecy_staff_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="涉密人员")
    status: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(4), doc="涉密等级")
    position: Mapped[str] = mapped_column(String(60), doc="涉密岗位")
    appointed_on: Mapped[dt.date] = mapped_column(doc="任用日期")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    #: The date of the (last) 保密承诺书 signed on taking the post (第二十七条).
    committed_on: Mapped[dt.date | None] = mapped_column(doc="保密承诺书签订日期")
    #: Last training + the interval the settings gave when it was recorded; none yet: due now.
    training_due_on: Mapped[dt.date | None] = mapped_column(doc="下次培训日期")
    left_on: Mapped[dt.date | None] = mapped_column(doc="离岗日期")
    leave_reason: Mapped[str] = mapped_column(String(40), default="", doc="离岗原因")
    exit_committed_on: Mapped[dt.date | None] = mapped_column(doc="离岗保密承诺书签订日期")
    declass_months: Mapped[int | None] = mapped_column(doc="脱密期（月）")
    declass_end: Mapped[dt.date | None] = mapped_column(doc="脱密期满日期")
    exit_handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="离岗经办人")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id], lazy="joined")
    exit_handled_by: Mapped[User | None] = relationship(foreign_keys=[exit_handled_by_id], lazy="joined")


class SecretStaffVetting(Base):
    """涉密人员任用审查 (第二十六条): what was reviewed, by 政治处 with 保密办, when, and the conclusion."""

    __tablename__ = "secrecy_staff_vetting"
    __label__ = "涉密人员审查记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("secrecy_staff.id"), index=True, doc="涉密人员")
    vetted_on: Mapped[dt.date] = mapped_column(doc="审查日期")
    contents: Mapped[str] = mapped_column(String(200), doc="审查内容")
    political_reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="政治处审查人")
    secrecy_reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="保密办审查人")
    conclusion: Mapped[str] = mapped_column(String(10), doc="审查结论")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="审查意见")

    political_reviewer: Mapped[User] = relationship(foreign_keys=[political_reviewer_id], lazy="joined")
    secrecy_reviewer: Mapped[User] = relationship(foreign_keys=[secrecy_reviewer_id], lazy="joined")


class SecretStaffTraining(Base):
    """保密教育培训 (第二十七条 上岗、第二十八条 在岗)."""

    __tablename__ = "secrecy_staff_training"
    __label__ = "涉密人员培训记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("secrecy_staff.id"), index=True, doc="涉密人员")
    kind: Mapped[str] = mapped_column(String(4), doc="培训类别")
    trained_on: Mapped[dt.date] = mapped_column(doc="培训日期")
    topic: Mapped[str] = mapped_column(String(100), doc="培训内容")
    hours: Mapped[int] = mapped_column(doc="学时")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")


class SecretStaffCommitment(Base):
    """保密承诺书 (上岗 第二十七条、离岗 第三十二条): when it was signed, and its scan (附件)."""

    __tablename__ = "secrecy_staff_commitment"
    __label__ = "保密承诺书"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("secrecy_staff.id"), index=True, doc="涉密人员")
    kind: Mapped[str] = mapped_column(String(4), doc="承诺书类别")
    signed_on: Mapped[dt.date] = mapped_column(doc="签订日期")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), doc="扫描件")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")


class SecretStaffTrip(Base):
    """出境审批 (在岗 第三十条、脱密期内 第三十三条): where, when, why, and the court leader who approved."""

    __tablename__ = "secrecy_staff_trip"
    __label__ = "涉密人员出境审批"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("secrecy_staff.id"), index=True, doc="涉密人员")
    destination: Mapped[str] = mapped_column(String(60), doc="前往国家或地区")
    purpose: Mapped[str] = mapped_column(String(100), doc="出境事由")
    departs_on: Mapped[dt.date] = mapped_column(doc="出境日期")
    returns_on: Mapped[dt.date] = mapped_column(doc="回国（境）日期")
    in_declass: Mapped[bool] = mapped_column(default=False, doc="脱密期内")
    approver_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="批准领导")
    approved_at: Mapped[dt.datetime] = mapped_column(doc="批准时间")

    approver: Mapped[User] = relationship(foreign_keys=[approver_id], lazy="joined")
