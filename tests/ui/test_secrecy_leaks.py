"""The leak report through real widgets: at 2026-12-01 09:00 the 院长's dashboard reads 「失泄密报告 剩余4小时」,
the card opens the leak register filtered to the reports not yet made, the row counts down, the detail panel
heads it so, offers 签发 and prints the 失泄密情况报告; 保密办's cards lead to the departments without this
year's 保密责任书 and to the overdue rectification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from courtdesk.areas.secrecy.leak_models import SecretLeak
from courtdesk.kernel import clock
from courtdesk.kernel.models.people import Department
from tests.support.readback import squash
from tests.ui.conftest import click_record, login, wait_table
from ui.mainwindow import HOME

pytestmark = pytest.mark.ui


def _open_card(qtbot: Any, window: Any, register: str, filter_key: str) -> Any:
    qtbot.waitUntil(lambda: any(c.item.register == register and c.item.filter == filter_key
                                for c in window.dashboard.cards), timeout=15000)
    card = next(c for c in window.dashboard.cards if c.item.register == register and c.item.filter == filter_key)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert page.spec.key == register
    wait_table(qtbot, page)
    return card, page


def test_the_leak_report_counts_down_from_the_dashboard_to_its_document(qtbot: Any, desk: Any) -> None:
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    with desk.read() as s:
        leak_id = s.scalars(select(SecretLeak.id).where(SecretLeak.status != "reported")).one()

    window = login(qtbot, desk, "president")
    card, page = _open_card(qtbot, window, "secrecy_leak", "pending")
    assert card.item.title == "失泄密报告 剩余4小时" and card.item.count == 1
    assert page.filter_combo.currentText() == "未报告" and page.model.rowCount() == 1
    click_record(qtbot, page, leak_id)
    row = page.model.row_of(leak_id)
    keys = [c.key for c in page.spec.columns]
    assert page.model.row_values(row)[keys.index("remaining")] == "剩余4小时"
    assert page.model.row_tone(row) == "urgent"
    assert page.detail.status.text() == "状态：剩余4小时"
    assert "签发" in set(page.detail.action_buttons)

    qtbot.mouseClick(page.detail.document_buttons["secrecy_leak_report"][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    text = squash("".join(p.extract_text() for p in PdfReader(page.detail.preview.path).pages))
    for heading in ("失泄密情况报告", "被泄密国家秘密的内容", "泄密责任人基本情况", "已经采取或拟采取的补救措施"):
        assert squash(heading) in text, heading
    page.detail.preview.accept()

    office = login(qtbot, desk, "secrecy")
    card, page = _open_card(qtbot, office, "secrecy_departments", "unsigned")
    assert card.item.count == 2 and page.model.rowCount() == 2
    keys = [c.key for c in page.spec.columns]
    shown = [page.model.row_values(r) for r in range(page.model.rowCount())]
    assert sorted(v[keys.index("name")] for v in shown) == ["刑事审判庭", "立案庭"]
    assert {v[keys.index("letter")] for v in shown} == {"本年度未签订"}
    with desk.read() as s:
        court_id = s.scalars(select(Department.id).where(Department.name == "立案庭")).one()
    click_record(qtbot, page, court_id)  # a department's row opens like any record
    assert page.model.row_tone(page.model.row_of(court_id)) == "overdue"

    office.show_page(HOME)
    qtbot.waitUntil(lambda: office.dashboard.ready, timeout=15000)
    card, page = _open_card(qtbot, office, "secrecy_rectification", "overdue")
    assert card.item.count == 1 and page.model.rowCount() == 1
    keys = [c.key for c in page.spec.columns]
    assert page.model.row_values(0)[keys.index("now")] == "逾期未整改" and page.model.row_tone(0) == "overdue"
