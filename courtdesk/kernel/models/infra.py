"""Tables behind the shared mechanisms: audit chain, counters, workflow steps, attachments, settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courtdesk.kernel import clock
from courtdesk.kernel.models.base import Base, VersionedMixin


class AuditEntry(Base):
    """Append-only, hash-chained log of every create/change/transition (全程留痕)."""

    __tablename__ = "audit_entry"
    __audited__ = False
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    user_id: Mapped[int | None] = mapped_column(index=True)
    user_name: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: The key that signed the entry (``signing_key.id``) and its Ed25519 signature (hex) over
    #: :func:`courtdesk.kernel.signing.message` of the entry's hash — see :mod:`courtdesk.kernel.signing`.
    #: Outside the hash: the hash of an entry is what it was before signatures existed.
    key_id: Mapped[int | None] = mapped_column()
    signature: Mapped[str | None] = mapped_column(String(128))
    #: 「签名前的留痕」: written before signatures existed, signed afterwards by the installation key
    #: (no Python default: writers of an older schema, i.e. earlier migrations, do not know the column).
    legacy: Mapped[bool | None] = mapped_column()


class SigningKey(Base):
    """An Ed25519 public key that signs audit entries (签名密钥): a person's (``user_id``) or, with no
    ``user_id``, the installation's. Audited like any row, so the key set is part of the history.

    ``secret`` holds a person's private key encrypted (AES-GCM) under a key derived from their
    password, or the installation's private key in the clear (see docs/ARCHITECTURE.md, "Signed audit
    entries", for what that does and does not prove). The audit snapshot keeps only its digest."""

    __tablename__ = "signing_key"
    __label__ = "签名密钥"
    __audit_redact__ = ("secret",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True, doc="人员")
    public_key: Mapped[str] = mapped_column(String(64), doc="公钥")
    secret: Mapped[str] = mapped_column(Text, default="", doc="私钥（加密）")
    valid_from: Mapped[dt.datetime] = mapped_column(default=clock.now, doc="启用时间")
    replaced_at: Mapped[dt.datetime | None] = mapped_column(default=None, doc="停用时间")


class AuditHead(Base):
    """One row holding the chain's tip; locked for update so two writers cannot fork the chain."""

    __tablename__ = "audit_head"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Counter(Base):
    """Yearly serial counter per register: the last number handed out."""

    __tablename__ = "counter"
    __label__ = "编号计数器"
    __table_args__ = (UniqueConstraint("register", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    last: Mapped[int] = mapped_column(default=0)


class WorkflowStep(Base):
    """Who did which step of a record's workflow, when, with what comment."""

    __tablename__ = "workflow_step"
    __label__ = "办理经过"
    __table_args__ = (Index("ix_workflow_step_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    comment: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    """A scan or photo kept with a record (留底). The bytes live in the database: one backup has all."""

    __tablename__ = "attachment"
    __label__ = "附件"
    #: Verification re-hashes the stored bytes (``data``) and compares them with ``sha256``, which
    #: is in every audit snapshot: bytes swapped behind the app's back are reported.
    __content_hash__ = ("data", "sha256")
    __table_args__ = (Index("ix_attachment_owner", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(40), default="")
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, doc="文件内容")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class Setting(VersionedMixin, Base):
    """Court settings (court name, code, address …) as key/value text."""

    __tablename__ = "setting"
    __label__ = "系统设置"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[str] = mapped_column(Text, default="")


class RecordView(Base):
    """Who opened which record, when (查阅记录) — kept for the registers that declare ``log_views``
    (涉密载体: 「谁在何时查看了什么」). A row of the audit chain like any other, so a view cannot be
    deleted or back-dated without the chain saying so."""

    __tablename__ = "record_view"
    __label__ = "查阅记录"
    __table_args__ = (Index("ix_record_view_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), doc="登记簿")
    entity_id: Mapped[int] = mapped_column(doc="记录")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), doc="查阅人")
    user_name: Mapped[str] = mapped_column(String(40), doc="查阅人姓名")
    at: Mapped[dt.datetime] = mapped_column(default=clock.now, doc="查阅时间")
