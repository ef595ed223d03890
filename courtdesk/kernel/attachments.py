"""Scans and photos kept with a record (留底). Type is checked by content, not by file name."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import settings
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.models.infra import Attachment
from courtdesk.kernel.models.people import User

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
ACCEPTED = "PDF、JPG、PNG、TIFF"


def sniff(data: bytes) -> str | None:
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def check(session: Session, filename: str, data: bytes, label: str = "附件") -> str:
    """Return the MIME type, or refuse a file that is empty, too big or not an image/PDF."""
    name = Path(filename or "").name or "未命名"
    if not data:
        raise ValidationError(f"{label}「{name}」：文件是空的", field=label)
    limit_mb = settings.get_int(session, "attachment_max_mb")
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationError(
            f"{label}「{name}」：文件 {len(data) / 1048576:.1f} MB，超过 {limit_mb} MB 的上限", field=label
        )
    mime = sniff(data)
    if mime is None:
        raise ValidationError(f"{label}「{name}」：只接受 {ACCEPTED} 格式的扫描件或照片", field=label)
    return mime


def add(
    session: Session, actor: User, entity: str, entity_id: int, filename: str, data: bytes, purpose: str = ""
) -> Attachment:
    mime = check(session, filename, data, purpose or "附件")
    att = Attachment(
        entity=entity,
        entity_id=entity_id,
        purpose=purpose,
        filename=Path(filename).name[:200],
        mime=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=actor.id,
    )
    session.add(att)
    session.flush()
    return att


def list_for(session: Session, entity: str, entity_id: int, purpose: str | None = None) -> list[Attachment]:
    stmt = select(Attachment).where(Attachment.entity == entity, Attachment.entity_id == entity_id)
    if purpose is not None:
        stmt = stmt.where(Attachment.purpose == purpose)
    return list(session.scalars(stmt.order_by(Attachment.id)))


def data_of(session: Session, attachment_id: int) -> tuple[str, str, bytes]:
    att = session.get(Attachment, attachment_id)
    if att is None:
        raise ValidationError("附件不存在", field="附件")
    return att.filename, att.mime, att.data
