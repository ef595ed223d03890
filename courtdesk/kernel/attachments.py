"""Scans and photos kept with a record (留底). Type is checked by content, not by file name.

The uploader's file name is only a hint: a file is stored under a safe base name (no folders, no
control or reserved characters, no Windows device name) whose extension is the one of the type sniffed
from its bytes, and it is opened under that extension too — ``签发稿.bat`` starting with ``%PDF-`` is
stored and opened as ``签发稿.pdf``, never handed to the operating system as a ``.bat``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

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
_EXTENSIONS: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
}
#: A stored name made of nothing usable becomes this (plus the type's extension).
FALLBACK_NAME = "附件"
#: Characters Windows refuses in a file name (and the two path separators).
_RESERVED_CHARS = frozenset('<>:"/\\|?*')
#: Device names Windows reserves whatever the extension (CON, CON.txt …).
_RESERVED_NAMES = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])$", re.IGNORECASE)
_MAX_STEM = 120


def sniff(data: bytes) -> str | None:
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def extension_for(mime: str) -> str:
    """The file extension of a sniffed type (``.pdf``, ``.png``, ``.jpg``, ``.tif``); ``.bin`` for any
    other type, so nothing is ever handed to the operating system as a program or a web page."""
    return _EXTENSIONS.get(mime, ".bin")


def safe_name(filename: str, mime: str) -> str:
    """The base name a file is kept and opened under: the directory part is dropped for both
    separators (``..\\..\\Windows\\evil.png`` → ``evil.png``), control, format and reserved characters
    and Windows device names are dropped, an empty result becomes 「附件」, and the extension is the
    one of the sniffed type (``签发稿.bat`` with a PDF header → ``签发稿.pdf``)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    # Category C: control (Cc), format such as direction overrides and zero-width (Cf), broken
    # surrogates (Cs), private use (Co) and unassigned (Cn) characters.
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in _RESERVED_CHARS)
    base = base.strip(". \t")  # Windows drops trailing dots and spaces; a leading dot hides the file
    stem = base.rsplit(".", 1)[0].strip(". ") if "." in base else base
    if _RESERVED_NAMES.match(stem.split(".")[0].strip()):
        stem = ""
    return (stem[:_MAX_STEM].rstrip(". ") or FALLBACK_NAME) + extension_for(mime)


def check(session: Session, filename: str, data: bytes, label: str = "附件") -> str:
    """Return the MIME type, or refuse a file that is empty, too big or not an image/PDF."""
    name = re.split(r"[\\/]", filename or "")[-1][:60] or "未命名"
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
    problem = parse_problem(data, mime)
    if problem:
        raise ValidationError(f"{label}「{name}」：{problem}", field=label)
    return mime


#: Markup that makes a browser or viewer treat a file as a web page (a scan that is also a page).
_MARKUP = (b"<html", b"<script", b"<!doctype html", b"<body", b"<iframe", b"<svg", b"<?xml-stylesheet")


def parse_problem(data: bytes, mime: str) -> str:
    """Why ``data`` is not really the ``mime`` its first bytes claim, in words ("" when it is): the
    file must open as a whole — a PDF with pypdf and at least one page, an image with Pillow — and it
    must not also be a ZIP archive (an office document, a jar) or carry web-page markup."""
    import io
    import zipfile

    what = "PDF 文件" if mime == "application/pdf" else "图片"
    if zipfile.is_zipfile(io.BytesIO(data)):
        return f"文件同时是一个压缩包（ZIP），不是单纯的{what}，已拒绝"
    lowered = data.lower()
    if any(tag in lowered for tag in _MARKUP):
        return f"文件中含有网页代码，不是单纯的{what}，已拒绝"
    try:
        if mime == "application/pdf":
            from pypdf import PdfReader

            if len(PdfReader(io.BytesIO(data), strict=False).pages) < 1:
                return "PDF 文件没有页面"
        else:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.width < 1 or image.height < 1:
                    return "图片没有内容"
                image.load()
    except Exception:  # noqa: BLE001 — whatever the parser says, the file is not what it claims
        return f"文件已损坏或不完整，无法作为{what}打开"
    return ""


def add(
    session: Session, actor: User, entity: str, entity_id: int, filename: str, data: bytes, purpose: str = ""
) -> Attachment:
    mime = check(session, filename, data, purpose or "附件")
    att = Attachment(
        entity=entity,
        entity_id=entity_id,
        purpose=purpose,
        filename=safe_name(filename, mime),
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
