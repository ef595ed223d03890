"""The secrecy area through real widgets: 保密办 logs in, the dashboard counts the overdue carrier loan,
the card opens the copy register filtered to it, the row reads 逾期未还 in red, the detail panel heads it
so with the copy's history and offers 归还; a judge sees only the copy lent to her."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from courtdesk.areas.secrecy.models import SecretCopy
from courtdesk.kernel import clock
from tests.ui.conftest import click_record, login, wait_table

pytestmark = pytest.mark.ui


def test_the_overdue_loan_leads_from_the_dashboard_to_the_copy(qtbot: Any, desk: Any) -> None:
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    with desk.read() as s:
        overdue = s.scalars(select(SecretCopy).where(SecretCopy.status == "lent", SecretCopy.due_on < clock.today())).one()
        copy_id, number = overdue.id, overdue.number

    window = login(qtbot, desk, "secrecy")
    qtbot.waitUntil(lambda: any(c.item.filter == "overdue" for c in window.dashboard.cards), timeout=15000)
    card = next(c for c in window.dashboard.cards if c.item.filter == "overdue")
    assert card.item.count == 1
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert page.spec.key == "secrecy_copy" and page.filter_combo.currentText() == "逾期未还"
    wait_table(qtbot, page)
    assert page.model.rowCount() == 1
    click_record(qtbot, page, copy_id)
    row = page.model.row_of(copy_id)
    keys = [c.key for c in page.spec.columns]
    values = page.model.row_values(row)
    assert values[keys.index("number")] == number and values[keys.index("now")] == "逾期未还"
    assert values[keys.index("location")] == "借阅人 何佳"
    assert page.model.row_tone(row) == "overdue"
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.record_id == copy_id,
                    timeout=15000)
    assert page.detail.status.text() == "状态：逾期未还"
    assert "归还" in set(page.detail.action_buttons)

    judge = login(qtbot, desk, "judge")
    judge.open_register("secrecy_copy")
    mine = judge.pages["secrecy_copy"]
    wait_table(qtbot, mine)
    assert mine.model.rowCount() == 1  # the 机密 report's second copy, lent to her
