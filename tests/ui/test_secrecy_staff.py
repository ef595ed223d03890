"""涉密人员 through real widgets: 保密办 logs in, the dashboard counts the staff whose training is due and
those whose 脱密期 ends soon; each card opens the register filtered to them, the row reads 培训到期 in red
(or shows the 脱密期 end date), the detail panel offers 登记培训 and 离岗; a judge sees only her own row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from courtdesk.areas.secrecy.staff_models import SecretStaff
from courtdesk.kernel import clock
from courtdesk.kernel.models.people import User
from tests.ui.conftest import click_record, login, wait_table

pytestmark = pytest.mark.ui


def _card(qtbot: Any, window: Any, key: str) -> Any:
    qtbot.waitUntil(lambda: any(c.item.filter == key and c.item.register == "secrecy_staff"
                                for c in window.dashboard.cards), timeout=15000)
    return next(c for c in window.dashboard.cards if c.item.filter == key and c.item.register == "secrecy_staff")


def test_training_due_and_declass_ending_lead_from_the_dashboard_to_the_staff(qtbot: Any, desk: Any) -> None:
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    with desk.read() as s:
        ids = dict(s.execute(select(User.username, SecretStaff.id).join(User, User.id == SecretStaff.user_id)).all())

    window = login(qtbot, desk, "secrecy")
    card = _card(qtbot, window, "training_due")
    assert card.item.count == 1
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert page.spec.key == "secrecy_staff" and page.filter_combo.currentText() == "培训到期"
    wait_table(qtbot, page)
    assert page.model.rowCount() == 1
    keys = [c.key for c in page.spec.columns]
    click_record(qtbot, page, ids["judge"])
    row = page.model.row_of(ids["judge"])
    values = page.model.row_values(row)
    assert values[keys.index("name")] == "郑洁" and values[keys.index("training")] == "培训到期"
    assert page.model.row_tone(row) == "overdue"
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.record_id == ids["judge"],
                    timeout=15000)
    assert page.detail.status.text() == "状态：在岗"
    assert {"登记培训", "离岗", "登记任用审查", "登记保密承诺书"} <= set(page.detail.action_buttons)

    ending = _card(qtbot, window, "declass_ending")
    assert ending.item.count == 1
    qtbot.mouseClick(ending, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert page.filter_combo.currentText() == "脱密期将满"
    wait_table(qtbot, page)
    assert page.model.rowCount() == 1
    values = page.model.row_values(page.model.row_of(ids["civil_clerk"]))
    assert values[keys.index("name")] == "林晓" and values[keys.index("now")] == "脱密期中"
    assert values[keys.index("declass_end")] == "2026-12-20"

    judge = login(qtbot, desk, "judge")
    judge.open_register("secrecy_staff")
    mine = judge.pages["secrecy_staff"]
    wait_table(qtbot, mine)
    assert mine.model.rowCount() == 1  # her own row only
