"""票据扫描件: the scan of one original receipt of a claim, kept with the claim (留底).

A scan is an attachment of the claim (``finance_claim``) whose purpose names the receipt's row
(「票据扫描件·第2张」), so the detail panel lists it with the claim's other attachments and the
receipt register shows 已上传 on that row. The step that adds it is a workflow transition of the
claim that leaves its state as it is (see ``claims.CLAIM_WORKFLOW``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.areas.finance.models import ExpenseClaim
from courtdesk.kernel import attachments
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import RECORD, FormField
from courtdesk.kernel.models.infra import Attachment
from courtdesk.kernel.models.people import User
from courtdesk.kernel.money import format_yuan, from_fen

ENTITY = "finance_claim"
PURPOSE_PREFIX = "票据扫描件·第"
UPLOADED, MISSING = "已上传", "—"

def receipt_choices(session: Session, actor: Any, claim: ExpenseClaim | None) -> list[tuple[Any, str]]:
    """The claim's receipts as the step offers them: 第2张 火车票 E81200012 ¥178.00 2026-12-04, and
    whether a scan is kept already (the value is the receipt's row)."""
    if claim is None or claim.id is None:
        return []
    have = scanned(session, [claim.id])[claim.id]
    return [(r.position, f"第{r.position}张 {r.receipt_type} {r.invoice_number} {format_yuan(from_fen(r.amount_fen))} "
                         f"{r.issued_on:%Y-%m-%d}" + ("（已有扫描件）" if r.position in have else ""))
            for r in claim.receipts]


SCAN_FIELDS: tuple[FormField, ...] = (
    FormField("receipt_no", "票据", "choice", choices_by=(RECORD, receipt_choices), aliases=("票据序号",),
              help="扫描件是本报销单原始票据中的哪一张（类型、号码、金额、开票日期）"),
    FormField("scan", "扫描件", "file", purpose="票据扫描件",
              help="原始票据的扫描件或照片（PDF、JPG、PNG、TIFF），随报销单留底"),
)
#: The read-only column of the receipts' rows that says whether the receipt's scan is kept.
SCAN_COLUMN = FormField("scan", "扫描件", "text", required=False, max_len=4)


def purpose_of(position: int) -> str:
    return f"{PURPOSE_PREFIX}{position}张"


_POSITION = re.compile(re.escape(PURPOSE_PREFIX) + r"(\d+)张")


def scan_guard(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    number: int = values["receipt_no"]
    if not any(r.position == number for r in claim.receipts):
        have = f"只有 {len(claim.receipts)} 张票据" if claim.receipts else "还没有登记原始票据"
        raise ValidationError(f"票据：本报销单{have}，没有第{number}张", field="票据")
    filename, data = values["scan"]
    attachments.check(session, filename, data, "扫描件")  # refused under the form's own field


def scan_effect(session: Session, actor: User, claim: ExpenseClaim, values: dict[str, Any]) -> None:
    filename, data = values["scan"]
    attachments.add(session, actor, ENTITY, claim.id, filename, data, purpose=purpose_of(values["receipt_no"]))


def scanned(session: Session, claim_ids: list[int]) -> dict[int, set[int]]:
    """The receipt positions with a scan, per claim (one query for many claims)."""
    out: dict[int, set[int]] = {i: set() for i in claim_ids}
    if not claim_ids:
        return out
    rows = session.execute(
        select(Attachment.entity_id, Attachment.purpose)
        .where(Attachment.entity == ENTITY, Attachment.entity_id.in_(claim_ids),
               Attachment.purpose.like(f"{PURPOSE_PREFIX}%")))
    for claim_id, purpose in rows:
        found = _POSITION.fullmatch(purpose or "")
        if found:
            out.setdefault(claim_id, set()).add(int(found.group(1)))
    return out


#: A kept scan whose receipt row was changed or removed by an edit: still listed with the claim's
#: attachments, no longer shown as the scan of whatever receipt now has that row number.
FORMER_PREFIX = "原票据扫描件·"


def retire_changed(session: Session, claim: ExpenseClaim, before: dict[int, str], after: dict[int, str]) -> None:
    """After an edit of ``claim``'s receipts (row position → invoice number, before and after), each
    scan follows its receipt: a receipt that only moved to another row keeps its scan on the new row;
    the scan of a receipt that is gone (or was replaced by another number) is relabelled
    「原票据扫描件·<old number>」 — it stays with the claim, but the receipt now on that row shows no
    scan until one is uploaded."""
    changed = {pos for pos, number in before.items() if after.get(pos) != number}
    if not changed or claim.id is None:
        return
    now_at = {number: pos for pos, number in after.items() if number}
    relabel: dict[Attachment, str] = {}  # all new labels worked out from the old ones first: rows may swap
    for att in session.scalars(select(Attachment).where(
            Attachment.entity == ENTITY, Attachment.entity_id == claim.id,
            Attachment.purpose.in_([purpose_of(pos) for pos in changed]))):
        found = _POSITION.fullmatch(att.purpose)
        if found:
            number = before[int(found.group(1))]
            moved = now_at.get(number) if number else None
            relabel[att] = purpose_of(moved) if moved is not None else f"{FORMER_PREFIX}{number}"[:40]
    for att, purpose in relabel.items():
        att.purpose = purpose
