"""失泄密报告 (《保密工作制度》第三十八条、第三十九条): recorded from the time of discovery, reported within 24
hours to the 同级保密行政管理部门 and the 上级法院主管部门 with every item 第三十九条 names."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import User


class SecretLeak(VersionedMixin, Base):
    """一起已经泄露或者可能泄露的涉密信息事件, and the report on it."""

    __tablename__ = "secrecy_leak"
    __label__ = "失泄密报告"
    __table_args__ = (Index("ix_secrecy_leak_status", "status", "discovered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True, doc="编号")
    status: Mapped[str] = mapped_column(String(20))
    discovered_at: Mapped[dt.datetime] = mapped_column(doc="发现时间")
    discoverer: Mapped[str] = mapped_column(String(50), doc="发现人")
    registrar_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="登记人")
    registered_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    # 第三十九条: what the report must contain
    content: Mapped[str] = mapped_column(Text, default="", doc="被泄密国家秘密的内容")
    level: Mapped[str] = mapped_column(String(4), default="", doc="密级")
    quantity: Mapped[str] = mapped_column(String(100), default="", doc="数量及载体形式")
    course: Mapped[str] = mapped_column(Text, default="", doc="泄密案件发生的经过")
    culprit: Mapped[str] = mapped_column(Text, default="", doc="泄密责任人基本情况")
    time_place: Mapped[str] = mapped_column(String(200), default="", doc="发生的时间、地点")
    harm: Mapped[str] = mapped_column(Text, default="", doc="造成或者可能造成的危害")
    remedies: Mapped[str] = mapped_column(Text, default="", doc="已经采取或拟采取的补救措施")
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="签发人（院长）")
    signed_at: Mapped[dt.datetime | None] = mapped_column(doc="签发时间")
    admin_body: Mapped[str] = mapped_column(String(100), default="", doc="同级保密行政管理部门")
    admin_sent_at: Mapped[dt.datetime | None] = mapped_column(doc="报送保密行政管理部门时间")
    court_body: Mapped[str] = mapped_column(String(100), default="", doc="上级法院主管部门")
    court_sent_at: Mapped[dt.datetime | None] = mapped_column(doc="报送上级法院主管部门时间")

    registrar: Mapped[User] = relationship(foreign_keys=[registrar_id], lazy="joined")
    signer: Mapped[User | None] = relationship(foreign_keys=[signer_id], lazy="joined")
