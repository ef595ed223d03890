"""Safe attachments (issue 8): the type is sniffed from the content, the stored name is a safe base
name carrying the sniffed type's extension, and an attachment is opened under that extension — never
under the uploader's (a ``.bat`` with a PDF header is stored and opened as ``.pdf``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from courtdesk.kernel import attachments, demo
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.models.infra import Attachment
from tests.support.scans import tiny_jpeg, tiny_tiff

PDF = demo.tiny_pdf()
PNG = demo.tiny_png()
JPEG = tiny_jpeg()
TIFF = tiny_tiff()


def _add(db, users, filename: str, data: bytes) -> Attachment:
    with db.write(users["admin"]) as s:
        att = attachments.add(s, users["admin"], "user_account", users["admin"].id, filename, data, "扫描件")
        return att


def _stored(db, att_id: int) -> tuple[str, str]:
    with db.read() as s:
        att = s.get(Attachment, att_id)
        return att.filename, att.mime


def _count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Attachment))


@pytest.mark.parametrize(
    ("uploaded", "data", "stored", "mime"),
    [
        ("签发稿.bat", PDF, "签发稿.pdf", "application/pdf"),
        ("scan.html", PNG, "scan.png", "image/png"),
        ("..\\..\\Windows\\evil.png", PNG, "evil.png", "image/png"),
        ("../x/y.pdf", PDF, "y.pdf", "application/pdf"),
        ("C:\\Users\\王芳\\桌面\\签发稿.PDF", PDF, "签发稿.pdf", "application/pdf"),
        ("照片.jpeg", JPEG, "照片.jpg", "image/jpeg"),
        ("扫描.tiff", TIFF, "扫描.tif", "image/tiff"),
        ("CON.pdf", PDF, "附件.pdf", "application/pdf"),
        ("a\u202egpj.exe", PNG, "agpj.png", "image/png"),  # a direction override dropped
        ("x\x00y<z>:?.pdf", PDF, "xyz.pdf", "application/pdf"),
        ("..\\..\\", PDF, "附件.pdf", "application/pdf"),
        ("", PNG, "附件.png", "image/png"),
    ],
)
def test_stored_under_a_safe_base_name_with_the_sniffed_extension(db, users, uploaded, data, stored, mime):
    att = _add(db, users, uploaded, data)
    assert _stored(db, att.id) == (stored, mime)


@pytest.mark.parametrize(
    ("uploaded", "data"),
    [
        ("scan.png", b"<html><script>alert(1)</script></html>"),
        ("签发稿.pdf", b"MZ\x90\x00 this is a program"),
        ("签发稿.pdf", b"   %PDF-1.4 not at the start"),
    ],
)
def test_content_that_is_no_accepted_type_is_refused_and_nothing_is_written(db, users, uploaded, data):
    before = _count(db)
    with pytest.raises(ValidationError, match=r"^扫描件「.*」：只接受 PDF、JPG、PNG、TIFF 格式的扫描件或照片"):
        _add(db, users, uploaded, data)
    assert _count(db) == before


def test_the_message_names_the_base_name_only(db, users):
    with pytest.raises(ValidationError, match=r"^扫描件「evil.exe」"):
        _add(db, users, "..\\..\\Windows\\evil.exe", b"MZ")


def test_extension_for_each_accepted_type():
    assert [attachments.extension_for(m) for m in ("application/pdf", "image/png", "image/jpeg", "image/tiff")] == [
        ".pdf", ".png", ".jpg", ".tif"]
    assert attachments.extension_for("text/html") == ".bin"


def test_opened_under_the_sniffed_extension_never_the_uploaders(db, users, tmp_path):
    """``ui.detail`` writes an attachment to a temporary file before handing it to the system viewer:
    the name it uses (tested here without launching a viewer)."""
    from ui.detail import _attachment_for_viewer, viewer_file

    tmp_path = tmp_path / "open"  # where the panel's temporary folder would be
    tmp_path.mkdir()
    att = _add(db, users, "签发稿.bat", PDF)
    path = _attachment_for_viewer(db, att.id, tmp_path)
    assert path == tmp_path / "签发稿.pdf"
    assert path.read_bytes() == PDF

    # names stored before names were made safe are opened safely too
    assert viewer_file(tmp_path, "scan.html", PNG) == tmp_path / "scan.png"
    assert viewer_file(tmp_path, "..\\..\\Windows\\evil.png", PNG) == tmp_path / "evil.png"
    assert viewer_file(tmp_path, "../../etc/签发稿.bat", PDF) == tmp_path / "签发稿.pdf"
    # bytes that are no longer an accepted type (swapped behind the app's back) are not opened
    with pytest.raises(ValidationError, match="附件：内容不是 PDF、JPG、PNG、TIFF 格式，不能打开"):
        viewer_file(tmp_path, "scan.png", b"<html></html>")
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["签发稿.pdf"]


@pytest.mark.parametrize(
    ("uploaded", "data", "words"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n", "已损坏或不完整"),  # an 8-byte "PNG"
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "已损坏或不完整"),
        ("签发稿.pdf", b"%PDF-1.4\n% nothing else\n", "已损坏或不完整"),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "已损坏或不完整"),
        ("scan.png", demo.tiny_png() + b"<html><script>alert(1)</script></html>", "网页代码"),
        ("签发稿.pdf", None, "压缩包"),  # a PDF that is also a ZIP archive
    ],
)
def test_a_file_is_checked_by_parsing_it_not_by_its_first_bytes(db, users, tmp_path, uploaded, data, words):
    if data is None:
        import zipfile

        polyglot = tmp_path / "p.zip"
        with zipfile.ZipFile(polyglot, "w") as z:
            z.writestr("a.txt", "x")
        data = demo.tiny_pdf() + polyglot.read_bytes()
    before = _count(db)
    with pytest.raises(ValidationError, match=words):
        _add(db, users, uploaded, data)
    assert _count(db) == before

