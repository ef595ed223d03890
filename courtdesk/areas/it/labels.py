"""资产标签 (《信息化网络管理暂行规定》第15条: 专人专用、岗位责任制 — the tag on the device names its
number, department and user): a label per device with its 资产编号 as a QR code, printed for one
device (the detail panel) or as one sheet of labels for a selection (a command on the ledger).

The label is the kernel's :class:`~courtdesk.kernel.documents.model.LabelSheet` block: the PDF draws
the QR code with reportlab's ``QrCodeWidget``, the DOCX holds the same code as a picture.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, printing, settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.model import Document, Label, LabelSheet, PageSetup
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Command,
    CommandResult,
    Progress,
    RegisterDocument,
    command_output,
    no_fields,
)

LABEL_KIND = "it_asset_label"
#: 信建办 prints and sticks the labels (第5条、第6条).
PRINTERS = (roles.IT_OPS, roles.OFFICE_HEAD, ADMIN)
#: A4 with narrow margins: two labels of 91 × 36 mm a row, seven rows a sheet.
LABEL_PAGE = PageSetup(top_mm=12.0, bottom_mm=12.0, left_mm=14.0, right_mm=14.0, body_size=10.5, grid=None)
#: More than this at once is refused: a sheet is something to look at before printing.
MOST = 700


def label_of(court: str, asset: ItAsset) -> Label:
    """The court, 资产编号, the device and who holds it; the QR code encodes the number alone."""
    holder = asset.department.name + (f"　{asset.user.name}" if asset.user else "")
    return Label(asset.number, (court, f"资产编号：{asset.number}", f"{asset.kind}　{asset.brand_model}",
                                f"使用：{holder}"))


def build_sheet(session: Session, asset_ids: list[int]) -> Document:
    """One sheet (as many pages as it takes) of labels for ``asset_ids`` in their order."""
    court = settings.get(session, "court_name")
    assets = {a.id: a for a in session.scalars(select(ItAsset).where(ItAsset.id.in_(asset_ids)))}
    labels = tuple(label_of(court, assets[i]) for i in asset_ids if i in assets)
    if not labels:
        raise DomainError("所选设备：没有可打印标签的设备", field="所选设备")
    return Document("资产标签", (LabelSheet(labels, columns=2, label_height_mm=36.0, qr_mm=30.0, size=9.0),),
                    page=LABEL_PAGE)


def build_label(session: Session, asset_id: int) -> Document:
    asset = load_or_refuse(session, ItAsset, asset_id, "信息化设备", "该设备不存在")
    return build_sheet(session, [asset.id])


def _printable() -> Any:
    return select(ItAsset.id).where(ItAsset.status != "scrapped").order_by(ItAsset.id)


LABEL_DOCUMENT = DocumentKind(LABEL_KIND, "资产标签", ids=_printable, build=build_label,
                              missing="该设备已报废，不再打印资产标签")

#: The detail panel's 资产标签 of one device.
LABEL_REGISTER_DOCUMENT = RegisterDocument(LABEL_KIND, may=lambda a: a.has(*PRINTERS), who="信建办")


def _run(db: Database, actor: User, ids: list[int], data: dict[str, Any], progress: Progress | None,
         cancel: threading.Event | None) -> CommandResult:
    if len(ids) > MOST:
        raise DomainError(f"所选设备：一次最多打印 {MOST} 张标签，已选 {len(ids)} 台", field="所选设备")
    with db.read() as s:
        wanted = set(s.scalars(_printable().where(ItAsset.id.in_(ids))))
        chosen = [i for i in ids if i in wanted]
        if not chosen:
            raise DomainError("所选设备：都已报废，不再打印资产标签", field="所选设备")
        doc = build_sheet(s, chosen)
        path = command_output(f"资产标签_{len(chosen)}张_{clock.today():%Y%m%d}", ".pdf", data)
        printing.render(doc, path, "pdf", fonts=printing.fonts_for(s))
    left = len(ids) - len(chosen)
    note = f"，另有 {left} 台已报废的设备未打印" if left else ""
    return CommandResult(f"已生成资产标签 {len(chosen)} 张{note}", pdf_path=path, temporary=True)


LABEL_COMMAND = Command(
    key="print_labels",
    label="打印资产标签",
    may=lambda actor: actor.has(*PRINTERS),
    who="信建办（网络运维主管、办公室负责人）",
    selection="many",
    fields=no_fields,
    run=_run,
    long=True,
    intro=lambda _s, _a, ids: f"把选中的 {len(ids)} 台设备的资产标签（含资产编号二维码）排成一页页标签纸，预览后打印。",
    ok_text="生成并预览",
    help="选中的设备每台一张标签，二维码即资产编号（第15条：专人专用、岗位责任制）",
    applies=lambda _a: ItAsset.status != "scrapped",
    note_unfit=False,
)
