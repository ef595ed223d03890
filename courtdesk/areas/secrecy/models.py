"""涉密载体 (classified carriers) and their copies (保密工作制度 第十八条、第二十三条).

The register holds metadata only — never a carrier's secret content. A carrier (``SecretItem``) is
proposed with its 密级, 保密期限 and 知悉范围 (定密), and once approved its copies (``SecretCopy``) are
made, each numbered 1..N; every later event (签收, 借阅/归还, 复制, 销毁) is a workflow step of the copy.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import Department, User


class SecretItem(VersionedMixin, Base):
    """涉密载体: one classified document, material or medium as made or received."""

    __tablename__ = "secrecy_item"
    __label__ = "涉密载体"
    __table_args__ = (UniqueConstraint("year", "serial"), Index("ix_secrecy_item_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(10), doc="载体类别")
    title: Mapped[str] = mapped_column(String(200), doc="标题")
    #: Why a 绝密 title is not entered (the title then reads 「（标题不登记）」), given by 保密办.
    title_withheld_reason: Mapped[str] = mapped_column(String(200), default="", doc="标题不登记的理由")
    level: Mapped[str] = mapped_column(String(4), doc="密级")
    term_years: Mapped[int] = mapped_column(doc="保密期限（年）")
    copies: Mapped[int] = mapped_column(doc="制作份数")
    originator: Mapped[str] = mapped_column(String(100), doc="制发单位")
    #: 内部文印室, or the approved facility (定点单位) named (第十八条(1)).
    produced_at: Mapped[str] = mapped_column(String(100), doc="制作地点")
    responsible_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="责任人")
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True, doc="承办人")
    proposed_at: Mapped[dt.datetime] = mapped_column(doc="登记时间")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="定密责任人")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(doc="审核时间")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准领导")
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")
    remarks: Mapped[str] = mapped_column(Text, default="", doc="备注")
    #: The 知悉范围 in words (郑洁；民事审判庭), kept beside its rows so an edit of the scope alone is a
    #: change of the record the history can show (知悉范围：A → B).
    scope_text: Mapped[str] = mapped_column(String(300), default="", doc="知悉范围")
    #: When an approved 解密 took effect (the item then reads 已解密 and every copy is marked so).
    declassified_at: Mapped[dt.datetime | None] = mapped_column(doc="解密时间")

    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id], lazy="joined")
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id], lazy="joined")
    readers: Mapped[list[SecretItemReader]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="SecretItemReader.id")

    @property
    def marking(self) -> str:
        """The marking printed on the carrier: 机密★20年."""
        return f"{self.level}★{self.term_years}年"

    @property
    def reader_ids(self) -> list[int]:
        """The people named in the 知悉范围 (what the edit form shows)."""
        return [r.user_id for r in self.readers if r.user_id is not None]

    @property
    def reader_department_ids(self) -> list[int]:
        """The departments named in the 知悉范围."""
        return [r.department_id for r in self.readers if r.department_id is not None]


class SecretItemReader(Base):
    """知悉范围: one named person or one department allowed to read the carrier (第十八条(3))."""

    __tablename__ = "secrecy_item_reader"
    __label__ = "知悉范围"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("secrecy_item.id"), index=True, doc="涉密载体")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="知悉人员")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), doc="知悉部门")

    item: Mapped[SecretItem] = relationship(back_populates="readers")
    user: Mapped[User | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")


class SecretCopy(VersionedMixin, Base):
    """One numbered copy of a carrier: where it is now and since when, and its whole history."""

    __tablename__ = "secrecy_copy"
    __label__ = "涉密载体副本"
    __table_args__ = (UniqueConstraint("item_id", "copy_no"), Index("ix_secrecy_copy_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("secrecy_item.id"), index=True, doc="涉密载体")
    copy_no: Mapped[int] = mapped_column(doc="份号")
    number: Mapped[str] = mapped_column(String(40), unique=True, doc="副本编号")
    status: Mapped[str] = mapped_column(String(20))
    #: 密级★期限 as made (a copy inherits its original's marking, 第十八条(4)).
    marking: Mapped[str] = mapped_column(String(20), doc="标志")
    #: Where the copy is now, in words (保密办保管 / 借阅人 郑洁 / 已销毁), and since when.
    location: Mapped[str] = mapped_column(String(100), default="", doc="现在位置")
    since: Mapped[dt.datetime] = mapped_column(doc="自何时起")
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="保管人")
    borrower_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True, doc="借阅人")
    due_on: Mapped[dt.date | None] = mapped_column(doc="应还日期")
    #: The copy this one was copied from (复制), and the originating unit's approval for a 绝密 copy.
    origin_copy_id: Mapped[int | None] = mapped_column(ForeignKey("secrecy_copy.id"), doc="复制自")
    copy_approval: Mapped[str] = mapped_column(String(200), default="", doc="复制批准")
    destroy_facility: Mapped[str] = mapped_column(String(100), default="", doc="销毁机构")
    witness1_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="监销人（一）")
    witness2_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="监销人（二）")
    destroy_requested_at: Mapped[dt.datetime | None] = mapped_column(doc="申请销毁时间")
    destroy_approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准销毁领导")
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(doc="销毁时间")
    #: 携带外出 (第十七条、第十八条(5)): where to, and whether to 涉外活动 or 出境.
    carried_to: Mapped[str] = mapped_column(String(100), default="", doc="携带外出去向")
    carried_abroad: Mapped[bool] = mapped_column(default=False, doc="涉外活动或出境")

    item: Mapped[SecretItem] = relationship(lazy="joined")
    keeper: Mapped[User | None] = relationship(foreign_keys=[keeper_id], lazy="joined")
    borrower: Mapped[User | None] = relationship(foreign_keys=[borrower_id], lazy="joined")
    witness1: Mapped[User | None] = relationship(foreign_keys=[witness1_id], lazy="joined")
    witness2: Mapped[User | None] = relationship(foreign_keys=[witness2_id], lazy="joined")
    destroy_approver: Mapped[User | None] = relationship(foreign_keys=[destroy_approver_id], lazy="joined")


class SecretLoan(Base):
    """One loan of a copy (借阅登记, 第十八条(3)): to whom, when, due and when it came back."""

    __tablename__ = "secrecy_loan"
    __label__ = "涉密载体借阅登记"

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("secrecy_copy.id"), index=True, doc="涉密载体副本")
    borrower_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="借阅人")
    lent_at: Mapped[dt.datetime] = mapped_column(doc="借出时间")
    lender_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="借出经办人")
    due_on: Mapped[dt.date] = mapped_column(doc="应还日期")
    returned_at: Mapped[dt.datetime | None] = mapped_column(doc="归还时间")
    receiver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="收回经办人")

    borrower: Mapped[User] = relationship(foreign_keys=[borrower_id], lazy="joined")
    lender: Mapped[User] = relationship(foreign_keys=[lender_id], lazy="joined")
    receiver: Mapped[User | None] = relationship(foreign_keys=[receiver_id], lazy="joined")


class SecretChange(Base):
    """定密变更或解密 (a change of 密级 or 保密期限, or declassification): proposed, reviewed by the 定密责任人
    and approved by the 主管领导 as the 定密 itself was; once approved it is marked on every copy."""

    __tablename__ = "secrecy_change"
    __label__ = "定密变更"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("secrecy_item.id"), index=True, doc="涉密载体")
    #: 变更 (密级 and/or 期限) or 解密.
    kind: Mapped[str] = mapped_column(String(4), doc="变更类别")
    level_before: Mapped[str] = mapped_column(String(4), doc="原密级")
    term_before: Mapped[int] = mapped_column(doc="原保密期限（年）")
    level_after: Mapped[str] = mapped_column(String(4), default="", doc="变更后密级")
    term_after: Mapped[int | None] = mapped_column(doc="变更后保密期限（年）")
    reason: Mapped[str] = mapped_column(String(200), doc="变更理由")
    #: 待审核 → 待批准 → 已批准, or 已退回.
    status: Mapped[str] = mapped_column(String(10), doc="变更状态")
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="提出人")
    proposed_at: Mapped[dt.datetime] = mapped_column(doc="提出时间")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="审核人")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(doc="审核时间")
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="批准领导")
    approved_at: Mapped[dt.datetime | None] = mapped_column(doc="批准时间")

    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id], lazy="joined")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id], lazy="joined")

    @property
    def words(self) -> str:
        """What the change does: 「机密★20年 → 秘密★10年」 or 「机密★20年 → 解密」."""
        before = f"{self.level_before}★{self.term_before}年"
        return f"{before} → 解密" if self.kind == "解密" else f"{before} → {self.level_after}★{self.term_after}年"


class SecretDispatch(Base):
    """分发 of one copy to a named recipient inside the 知悉范围, by 机要交通, 机要通信 or a named courier
    (第十六条、第十八条(2)), and its 清退 back to 保密办 (《涉密载体分发表》)."""

    __tablename__ = "secrecy_dispatch"
    __label__ = "涉密载体分发"

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("secrecy_copy.id"), index=True, doc="涉密载体副本")
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="接收人")
    route: Mapped[str] = mapped_column(String(10), doc="传递方式")
    courier: Mapped[str] = mapped_column(String(40), default="", doc="传递人")
    sent_at: Mapped[dt.datetime] = mapped_column(doc="分发时间")
    sender_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="分发经办人")
    recalled_at: Mapped[dt.datetime | None] = mapped_column(doc="清退时间")
    recaller_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="清退经办人")

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id], lazy="joined")
    sender: Mapped[User] = relationship(foreign_keys=[sender_id], lazy="joined")


class SecretHandover(Base):
    """移交 of a copy from one keeper to another on transfer, retirement … (第二十三条), filed with 保密办:
    the rows of a 移交清单."""

    __tablename__ = "secrecy_handover"
    __label__ = "涉密载体移交登记"

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("secrecy_copy.id"), index=True, doc="涉密载体副本")
    from_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), doc="移交人")
    to_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="接收人")
    reason: Mapped[str] = mapped_column(String(60), doc="移交原因")
    at: Mapped[dt.datetime] = mapped_column(doc="移交时间")
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="保密办经办人")

    from_user: Mapped[User | None] = relationship(foreign_keys=[from_id], lazy="joined")
    to_user: Mapped[User] = relationship(foreign_keys=[to_id], lazy="joined")
    actor: Mapped[User] = relationship(foreign_keys=[actor_id], lazy="joined")
