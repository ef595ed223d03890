"""Enforcement documents (执行文书): cases, investigation letters, seizures, notification transcripts.

SPEC §5; the templates 调查函（存根、正文、复函） and 查封措施告知笔录 at the end of the rule book;
《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第485条 (2022) for the seizure terms.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin
from courtdesk.kernel.models.people import User

#: 案件类型代字 of enforcement cases (《关于人民法院案件案号的若干规定》及其配套标准).
CASE_TYPES: dict[str, str] = {
    "执": "首次执行",
    "执恢": "恢复执行",
    "执保": "财产保全执行",
    "执异": "执行异议",
    "执复": "执行复议",
    "执监": "执行监督",
    "执协": "执行协调",
    "执他": "其他执行",
}

#: 结案方式 offered when a case is closed.
CLOSE_MODES: tuple[str, ...] = (
    "执行完毕",
    "终结本次执行程序",
    "终结执行",
    "销案",
    "不予执行",
    "驳回申请",
)

PARTY_ROLES: dict[str, str] = {"applicant": "申请执行人", "respondent": "被执行人"}
PARTY_KINDS: dict[str, str] = {"person": "自然人", "organisation": "法人或其他组织"}

#: Kinds of recipient units of investigation letters.
UNIT_KINDS: dict[str, str] = {
    "police": "派出所",
    "real_estate": "不动产登记机构",
    "social_security": "社会保险机构",
    "housing_fund": "住房公积金管理机构",
    "village": "村（居）民委员会",
    "bank": "银行",
    "vehicle": "车辆管理所",
    "market": "市场监督管理部门",
    "tax": "税务机关",
    "other": "其他单位",
}

SEND_WAYS: dict[str, str] = {"post": "邮寄", "wechat": "微信", "hand": "直接送达"}
REPLY_WAYS: dict[str, str] = {"post": "邮寄", "wechat": "微信", "hand": "当面交回"}

MEASURES: dict[str, str] = {"seal": "查封", "detain": "扣押", "freeze": "冻结"}

#: Property types of the seizure register; their legal maximum terms are in
#: courtdesk.areas.enforcement.terms.
PROPERTY_TYPES: dict[str, str] = {
    "deposit": "银行存款",
    "movable": "动产",
    "vehicle": "机动车",
    "real_estate": "不动产",
    "equity": "股权",
    "other_right": "其他财产权",
}


class EnforcementCase(VersionedMixin, Base):
    """An enforcement case, numbered ``(2026)冀1091执123号``."""

    __tablename__ = "enforcement_case"
    __label__ = "执行案件"
    __table_args__ = (
        UniqueConstraint("year", "court_code", "case_type", "sequence"),
        Index("ix_enforcement_case_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int]
    court_code: Mapped[str] = mapped_column(String(20), doc="法院代字")
    case_type: Mapped[str] = mapped_column(String(6), doc="案件类型代字")
    sequence: Mapped[int] = mapped_column(doc="案件序号")
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: 案由, e.g. 民间借贷纠纷.
    cause: Mapped[str] = mapped_column(String(60))
    #: 执行依据, e.g. (2025)冀1091民初1234号民事判决书.
    basis: Mapped[str] = mapped_column(String(200), default="")
    #: 申请执行标的 in fen (optional).
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    filed_on: Mapped[dt.date]
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: Names of the parties joined with 、 — kept by the service for lists, search and documents.
    applicant_names: Mapped[str] = mapped_column(String(300), default="")
    respondent_names: Mapped[str] = mapped_column(String(300), default="")
    closed_on: Mapped[dt.date | None]
    close_mode: Mapped[str] = mapped_column(String(20), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    officer: Mapped[User] = relationship(foreign_keys=[officer_id], lazy="joined")
    clerk: Mapped[User] = relationship(foreign_keys=[clerk_id], lazy="joined")
    parties: Mapped[list[EnforcementParty]] = relationship(
        back_populates="case", order_by="(EnforcementParty.role, EnforcementParty.seq)", lazy="selectin"
    )

    def of_role(self, role: str) -> list[EnforcementParty]:
        return [p for p in self.parties if p.role == role]

    @property
    def applicants(self) -> list[EnforcementParty]:
        return self.of_role("applicant")

    @property
    def respondents(self) -> list[EnforcementParty]:
        return self.of_role("respondent")

    @property
    def case_type_label(self) -> str:
        return CASE_TYPES.get(self.case_type, self.case_type)


class EnforcementParty(VersionedMixin, Base):
    """申请执行人 or 被执行人 of a case."""

    __tablename__ = "enforcement_party"
    __label__ = "执行案件当事人"
    __table_args__ = (UniqueConstraint("case_id", "role", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), doc="诉讼地位")
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12), default="person")
    name: Mapped[str] = mapped_column(String(100))
    #: 身份证号码 (GB 11643) of a person, 统一社会信用代码 (GB 32100) of an organisation; may be empty
    #: for an applicant.
    id_number: Mapped[str] = mapped_column(String(18), default="", doc="身份证件号码")
    #: 住所地.
    domicile: Mapped[str] = mapped_column(String(200), default="", doc="住所地")
    phone: Mapped[str] = mapped_column(String(40), default="", doc="联系电话")

    case: Mapped[EnforcementCase] = relationship(back_populates="parties")

    @property
    def id_label(self) -> str:
        return "统一社会信用代码" if self.kind == "organisation" else "身份证号"

    @property
    def role_label(self) -> str:
        return PARTY_ROLES.get(self.role, self.role)


class RecipientUnit(VersionedMixin, Base):
    """A unit investigation letters are sent to (派出所, 不动产登记中心, 银行 …): a reusable list."""

    __tablename__ = "recipient_unit"
    __label__ = "调查函发往单位"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


class InvestigationLetter(VersionedMixin, Base):
    """One 调查函 to one unit, and its line in the outgoing-letter register (发函登记)."""

    __tablename__ = "investigation_letter"
    __label__ = "调查函"
    __table_args__ = (
        UniqueConstraint("year", "serial"),
        Index("ix_investigation_letter_status_due", "status", "reply_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    #: 调查对象: the respondent the letter asks about.
    target_id: Mapped[int] = mapped_column(ForeignKey("enforcement_party.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("recipient_unit.id"), index=True)
    #: The unit's name when the letter was made (the list may be renamed later).
    unit_name: Mapped[str] = mapped_column(String(100))
    #: The questions, one per line.
    questions: Mapped[str] = mapped_column(Text, doc="调查事项")
    letter_date: Mapped[dt.date]
    #: 承办人 printed on the letter.
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: Letters made together share a batch key (reprint a batch).
    batch: Mapped[str] = mapped_column(String(40), default="", index=True, doc="批次")
    sent_on: Mapped[dt.date | None]
    sent_via: Mapped[str] = mapped_column(String(10), default="")
    postal_receipt: Mapped[str] = mapped_column(String(40), default="")
    reply_due: Mapped[dt.date | None]
    replied_on: Mapped[dt.date | None]
    reply_via: Mapped[str] = mapped_column(String(10), default="")
    reply_note: Mapped[str] = mapped_column(Text, default="")
    void_reason: Mapped[str] = mapped_column(Text, default="", doc="作废原因")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[EnforcementCase] = relationship(lazy="joined")
    target: Mapped[EnforcementParty] = relationship(lazy="joined")
    officer: Mapped[User] = relationship(foreign_keys=[officer_id], lazy="joined")

    @property
    def question_list(self) -> list[str]:
        return [q for q in self.questions.split("\n") if q.strip()]


class Seizure(VersionedMixin, Base):
    """One 查封/扣押/冻结 of one property in a case, with its current term."""

    __tablename__ = "seizure"
    __label__ = "查封扣押冻结"
    __table_args__ = (Index("ix_seizure_status_end", "status", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    #: Whose property (a respondent of the case), if known.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_party.id"))
    measure: Mapped[str] = mapped_column(String(10))
    property_type: Mapped[str] = mapped_column(String(20))
    #: 查封标的: what exactly, where, account numbers, amounts.
    description: Mapped[str] = mapped_column(String(300))
    #: 裁定书 / 协助执行通知书 文号.
    ruling_number: Mapped[str] = mapped_column(String(60), default="")
    start_date: Mapped[dt.date]
    #: Last day of the current term (after the latest renewal).
    end_date: Mapped[dt.date]
    original_end_date: Mapped[dt.date] = mapped_column(doc="原到期日")
    renewals: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="active")
    released_on: Mapped[dt.date | None]
    release_reason: Mapped[str] = mapped_column(String(200), default="")
    #: When the applicant was told of the term and the renewal duty (查封措施告知笔录).
    notified_on: Mapped[dt.date | None]
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    remarks: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[EnforcementCase] = relationship(lazy="joined")
    party: Mapped[EnforcementParty | None] = relationship(lazy="joined")

    @property
    def measure_label(self) -> str:
        return MEASURES.get(self.measure, self.measure)

    @property
    def term_start(self) -> dt.date:
        """First day of the current term (the day after the previous end once renewed)."""
        if self.renewals and self.renewal_rows:
            return self.renewal_rows[-1].term_start
        return self.start_date

    renewal_rows: Mapped[list[SeizureRenewal]] = relationship(
        back_populates="seizure", order_by="SeizureRenewal.seq", lazy="selectin"
    )


class SeizureRenewal(VersionedMixin, Base):
    """One 续行查封/扣押/冻结: a new term that starts the day after the previous one ends."""

    __tablename__ = "seizure_renewal"
    __label__ = "续行查封扣押冻结"
    __table_args__ = (UniqueConstraint("seizure_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("seizure.id"), index=True)
    seq: Mapped[int]
    #: The day the renewal was done (must be on or before the previous end date).
    renewed_on: Mapped[dt.date] = mapped_column(doc="续行日期")
    previous_end: Mapped[dt.date] = mapped_column(doc="续行前到期日")
    term_start: Mapped[dt.date] = mapped_column(doc="续行期限起始日")
    new_end: Mapped[dt.date] = mapped_column(doc="续行后到期日")
    ruling_number: Mapped[str] = mapped_column(String(60), default="", doc="续行裁定书文号")
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    seizure: Mapped[Seizure] = relationship(back_populates="renewal_rows")


class SeizureNotice(VersionedMixin, Base):
    """A 查封措施告知笔录: the applicant is told which measures run until when."""

    __tablename__ = "seizure_notice"
    __label__ = "查封措施告知笔录"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    held_at: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(String(100), doc="告知地点")
    judge_name: Mapped[str] = mapped_column(String(40))
    clerk_name: Mapped[str] = mapped_column(String(40))
    #: 当事人 present (the applicant or its agent).
    party_name: Mapped[str] = mapped_column(String(100))
    notified_on: Mapped[dt.date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[EnforcementCase] = relationship(lazy="joined")
    items: Mapped[list[SeizureNoticeItem]] = relationship(
        back_populates="notice", order_by="SeizureNoticeItem.seq", lazy="selectin"
    )


class SeizureNoticeItem(VersionedMixin, Base):
    """A row of the transcript's table, with the target and term as they were told."""

    __tablename__ = "seizure_notice_item"
    __label__ = "查封措施告知笔录明细"
    __table_args__ = (UniqueConstraint("notice_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("seizure_notice.id"), index=True)
    seizure_id: Mapped[int] = mapped_column(ForeignKey("seizure.id"), index=True)
    seq: Mapped[int]
    target: Mapped[str] = mapped_column(String(320), doc="查封对象")
    term_start: Mapped[dt.date] = mapped_column(doc="期限起始日")
    term_end: Mapped[dt.date] = mapped_column(doc="期限届满日")

    notice: Mapped[SeizureNotice] = relationship(back_populates="items")
