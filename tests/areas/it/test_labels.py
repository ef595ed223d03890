"""资产标签 (《信息化网络管理暂行规定》第15条): 信建办 prints the selected devices' labels as one sheet —
each label's QR code is exactly its 资产编号 (read back from the DOCX's picture, counted in the PDF) and
its text names the court, the number, the device and who uses it; a scrapped device gets none; only
信建办 prints them."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from courtdesk.areas.it.labels import LABEL_COMMAND, LABEL_KIND, build_label, build_sheet
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.service import ASSET_REGISTER, move
from courtdesk.kernel import printing, recorddocs, settings
from courtdesk.kernel.documents.model import QR_BORDER, LabelSheet, document_text_lines, qr_modules
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.registers import command_of, run_command, unfit_count
from tests.support.readback import pdf_page_texts, squash


def _assets(db: Any, n: int) -> list[ItAsset]:
    with db.read() as s:
        return list(s.scalars(select(ItAsset).where(ItAsset.user_id.is_not(None)).order_by(ItAsset.id).limit(n)))


def _png_modules(png: bytes) -> list[list[bool]]:
    """The module matrix of a label's 1-bit PNG (unfiltered rows), sampled at each module's centre."""
    pos, idat, size = 8, b"", 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IHDR":
            size = struct.unpack(">I", png[pos + 8:pos + 12])[0]
        elif kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = (size + 7) // 8 + 1

    def dark(y: int, x: int) -> bool:
        return not (raw[y * stride + 1 + x // 8] >> (7 - x % 8)) & 1

    first = next(x for x in range(size) if any(dark(y, x) for y in range(size)))
    scale = first // QR_BORDER
    n = size // scale - 2 * QR_BORDER
    return [[dark((QR_BORDER + r) * scale + scale // 2, (QR_BORDER + c) * scale + scale // 2) for c in range(n)]
            for r in range(n)]


def _filled_runs(path: str) -> int:
    """Filled rectangles on the PDF's pages (reportlab's QR widget paints one a run of dark modules)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(path)
    count = 0
    for page in reader.pages:
        pending = 0
        for _operands, op in ContentStream(page.get_contents(), reader).operations:
            name = op.decode() if isinstance(op, bytes) else str(op)
            if name == "re":
                pending += 1
            elif name in ("f", "f*", "F"):
                count += pending
                pending = 0
            elif name in ("S", "n", "s", "B", "b"):
                pending = 0
    return count


def _runs(matrix: tuple[tuple[bool, ...], ...]) -> int:
    return sum(1 for row in matrix for c, dark in enumerate(row) if dark and (c == 0 or not row[c - 1]))


def test_the_sheet_of_a_selection_prints_each_number_as_its_qr_code(db: Any, users: Any, tmp_path: Path) -> None:
    assets = _assets(db, 5)
    ids = [a.id for a in assets]
    result = run_command(db, users["itops"], ASSET_REGISTER, LABEL_COMMAND, ids, {})
    assert result.pdf_path and result.message == "已生成资产标签 5 张"
    pages = pdf_page_texts(result.pdf_path)
    assert len(pages) == 1  # one sheet, not one page a device
    text = squash(pages[0])
    with db.read() as s:
        court = settings.get(s, "court_name")
        for asset in s.scalars(select(ItAsset).where(ItAsset.id.in_(ids))):
            assert squash(f"资产编号：{asset.number}") in text
            assert squash(asset.user.name) in text and squash(asset.department.name) in text
        doc = build_sheet(s, ids)
    assert text.count(squash(court)) == 5
    assert _filled_runs(result.pdf_path) == sum(_runs(qr_modules(a.number)) for a in assets)
    # the same sheet as DOCX: each label's picture is exactly its number's QR matrix
    out = tmp_path / "labels.docx"
    printing.render(doc, out, "docx")
    d = docx.Document(str(out))
    blips = [b.get(qn("r:embed")) for b in d.element.body.iter(qn("a:blip"))]
    assert len(blips) == 5
    for asset, rid in zip(assets, blips, strict=True):
        assert _png_modules(d.part.related_parts[rid].blob) == [list(r) for r in qr_modules(asset.number)]
    sheet = next(b for b in doc.blocks if isinstance(b, LabelSheet))
    assert [label.code for label in sheet.labels] == [a.number for a in assets]
    assert document_text_lines(doc)[1] == f"资产编号：{assets[0].number}"


def test_one_device_label_from_the_detail_panel(db: Any, users: Any) -> None:
    asset = _assets(db, 1)[0]
    with db.read() as s:
        kinds = [k.name for k in recorddocs.record_documents(s, users["itops"], ASSET_REGISTER, asset.id)]
        assert LABEL_KIND in kinds
        assert LABEL_KIND not in [k.name for k in recorddocs.record_documents(s, users["judge"], ASSET_REGISTER,
                                                                                asset.id)]
        doc = recorddocs.printable_document(s, users["office_head"], ASSET_REGISTER, LABEL_KIND, asset.id)
    buffer = io.BytesIO()
    printing.render(doc, buffer, "pdf")
    assert squash(asset.number) in squash(pdf_page_texts(io.BytesIO(buffer.getvalue()))[0])


def test_a_scrapped_device_gets_no_label(db: Any, users: Any) -> None:
    first, second = _assets(db, 2)
    with db.write(users["itops"]) as s:
        asset = s.get(ItAsset, first.id)
        move(s, users["itops"], asset, "to_scrap", "报废鉴定")
        move(s, users["itops"], asset, "scrapped", "批准报废")
    with db.read() as s:
        assert unfit_count(s, users["itops"], ASSET_REGISTER, LABEL_COMMAND, [first.id, second.id]) == 1
        with pytest.raises(DomainError) as caught:
            printing.record_document(s, LABEL_KIND, first.id)
    assert "已报废" in str(caught.value)
    result = run_command(db, users["itops"], ASSET_REGISTER, LABEL_COMMAND, [first.id, second.id], {})
    assert "另有 1 台已报废" in result.message
    assert result.pdf_path is not None
    text = squash(pdf_page_texts(result.pdf_path)[0])
    assert second.number in text and first.number not in text
    with pytest.raises(DomainError) as caught:
        run_command(db, users["itops"], ASSET_REGISTER, LABEL_COMMAND, [first.id], {})
    assert caught.value.field == "所选设备"


def test_only_the_it_office_prints_labels(db: Any, users: Any) -> None:
    asset = _assets(db, 1)[0]
    assert command_of(ASSET_REGISTER, "print_labels") is LABEL_COMMAND
    for who in ("judge", "leader"):
        with pytest.raises(DomainError):
            run_command(db, users[who], ASSET_REGISTER, LABEL_COMMAND, [asset.id], {})
    with db.read() as s:
        doc = build_label(s, asset.id)
    assert doc.title == "资产标签"
