"""上传票据扫描件 offers the claim's own receipts (issue 16 §6): the step's dialog, opened from the
detail panel of the real claims register, lists each receipt with its type, number, amount and date
(read with the record in the panel's worker), and the scan lands on the receipt chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from courtdesk.areas.finance.claims import ClaimService
from tests.areas.finance.helpers import NOW, travel_data
from tests.support.scans import tiny_png
from tests.ui.conftest import click_record, login, wait_table
from tests.ui.test_enforcement_flow import choose
from tests.ui.test_letters_flow import act

pytestmark = pytest.mark.ui


def test_the_scan_step_offers_the_claims_receipts(qtbot: Any, desk: Any, tmp_path: Path) -> None:
    from courtdesk.kernel import clock

    clock.set_now(NOW)
    data = travel_data()
    numbers = [r["invoice_number"] for r in data["receipt_rows"]]
    officer = login(qtbot, desk, "enforcer")
    claim_id = ClaimService(desk).file(officer.ctx.user, data).id
    claims = officer.open_register("finance_claim")
    wait_table(qtbot, claims)
    click_record(qtbot, claims, claim_id)
    scan = tmp_path / "住宿发票.png"
    scan.write_bytes(tiny_png())
    seen: list[list[str]] = []

    def upload(dialog: Any) -> None:
        receipt = dialog.widget("receipt_no")
        seen.append([receipt.itemText(i) for i in range(receipt.count())])
        choose(receipt, "第3张")
        dialog.widget("scan").set_file(scan)

    act(qtbot, claims, "上传票据扫描件", upload)
    assert seen == [["请选择…",
                     f"第1张 火车票 {numbers[0]} ¥178.00 2026-11-24",
                     f"第2张 火车票 {numbers[1]} ¥178.00 2026-11-26",
                     f"第3张 住宿发票 {numbers[2]} ¥680.00 2026-11-26"]]
    receipts = claims.detail.lines_tables["receipt_rows"]
    at = [c.key for c in claims.spec.lines[1].columns].index("scan")
    qtbot.waitUntil(lambda: receipts.rowCount() >= 3 and receipts.item(2, at) is not None
                    and receipts.item(2, at).text() == "已上传", timeout=15000)
    assert receipts.item(0, at).text() == "—"
    # the next time, the dialog says which receipt has its scan already
    click_record(qtbot, claims, claim_id)
    qtbot.mouseClick(claims.detail.action_buttons["上传票据扫描件"], _left())
    dialog = claims.active_dialog
    receipt = dialog.widget("receipt_no")
    assert receipt.itemText(3).endswith("（已有扫描件）") and not receipt.itemText(1).endswith("（已有扫描件）")
    dialog.reject()


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
