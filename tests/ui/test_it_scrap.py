"""报废 through real widgets (《信息化网络管理暂行规定》第22条): the 主管领导's dashboard counts the printer
waiting for him, the card opens the scrapping register filtered to 待我批准, the detail panel shows the
device, the reason and the 网络运维主管's 鉴定 and offers 批准报废 and 不予报废; 不予报废 without a reason is
refused in the dialog; 批准报废 scraps the printer in the ledger and takes it off his list; the 报废申请表
previews from the detail panel with the decision on it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from courtdesk.areas.it.scrap_models import ItScrap
from tests.support.readback import pdf_page_texts, squash
from tests.ui.conftest import click_record, idle, login, type_text, wait_ops, wait_table

pytestmark = pytest.mark.ui


def test_the_leader_approves_a_scrapping_from_his_dashboard_and_prints_the_form(qtbot: Any, desk: Any) -> None:
    with desk.read() as s:
        scrap = s.scalars(select(ItScrap).where(ItScrap.number == "BF-2026-004")).one()
        scrap_id, asset_id, asset_number = scrap.id, scrap.asset_id, scrap.asset.number

    window = login(qtbot, desk, "leader")
    qtbot.waitUntil(lambda: any(c.item.register == "it_scrap" for c in window.dashboard.cards), timeout=15000)
    card = next(c for c in window.dashboard.cards if c.item.register == "it_scrap")
    assert (card.item.title, card.item.count, card.item.filter) == ("待我批准的报废申请", 1, "to_approve")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    wait_table(qtbot, page)
    assert page.spec.key == "it_scrap" and page.filter_combo.currentText() == "待我批准"
    assert page.model.rowCount() == 1
    click_record(qtbot, page, scrap_id)
    keys = [c.key for c in page.spec.columns]
    values = page.model.row_values(page.model.row_of(scrap_id))
    assert values[keys.index("asset")] == asset_number and values[keys.index("status")] == "待主管领导批准"
    facts = dict(page.detail.details.facts)
    assert "奔图 P3305DN" in facts["设备"] and facts["鉴定意见"].startswith("定影组件损坏")
    assert {"批准报废", "不予报废"} <= set(page.detail.action_buttons)

    # 不予报废 needs his reason
    qtbot.mouseClick(page.detail.action_buttons["不予报废"], Qt.MouseButton.LeftButton)
    refuse = page.active_dialog
    qtbot.mouseClick(refuse.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not refuse.busy, timeout=15000)
    assert refuse.result() != QDialog.DialogCode.Accepted and "意见" in "".join(refuse.all_errors())
    refuse.reject()

    qtbot.mouseClick(page.detail.action_buttons["批准报废"], Qt.MouseButton.LeftButton)
    approve = page.active_dialog
    type_text(approve.widget("comment"), "同意报废")
    qtbot.mouseClick(approve.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not approve.busy, timeout=15000)
    assert approve.result() == QDialog.DialogCode.Accepted, approve.all_errors()
    qtbot.waitUntil(lambda: page.model.row_of(scrap_id) is None and not page.model.loading, timeout=15000)
    with desk.read() as s:
        scrap = s.get(ItScrap, scrap_id)
        assert scrap.status == "scrapped" and scrap.asset.status == "scrapped" and scrap.asset.ip is None
        assert scrap.asset_id == asset_id
    idle(qtbot)

    # the decided request, with its form printable from the detail panel
    page.filter_combo.setCurrentIndex(page.filter_combo.findText("已报废"))
    wait_table(qtbot, page)
    click_record(qtbot, page, scrap_id)
    assert page.detail.documents == ["it_scrap_form"]
    page.detail.preview = None
    qtbot.mouseClick(page.detail.document_buttons["it_scrap_form"][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    text = squash("".join(pdf_page_texts(page.detail.preview.path)))
    page.detail.preview.accept()
    for said in ("信息化设备报废申请表", "BF-2026-004", asset_number, "定影组件损坏", "同意报废", "刘建军"):
        assert squash(said) in text, said
    idle(qtbot)
