"""Classified computers and media through real widgets, the clock at 2026-12-31 (元旦's 交存日期): the
custodian's dashboard counts her 机密 computer whose weekly password change is overdue, the card opens the
computer register filtered to it, the row reads 口令逾期未更换 in red and offers 登记口令更换, whose dialog
has no field for the password, refuses a length below 第三十四条(3)'s and takes the date; 保密办's
dashboard counts the media not yet handed in for the holiday and its card opens that list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from courtdesk.areas.secrecy.device_models import SecretComputer
from courtdesk.kernel import clock
from tests.ui.conftest import click_record, idle, login, wait_ops, wait_table

pytestmark = pytest.mark.ui


def _open_card(qtbot: Any, window: Any, filter_key: str, count: int) -> Any:
    qtbot.waitUntil(lambda: any(c.item.filter == filter_key for c in window.dashboard.cards), timeout=15000)
    card = next(c for c in window.dashboard.cards if c.item.filter == filter_key)
    assert card.item.count == count
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    wait_table(qtbot, page)
    return page


def test_overdue_password_and_holiday_hand_in_lead_from_the_dashboards_to_the_lists(qtbot: Any, desk: Any) -> None:
    clock.set_now(dt.datetime(2026, 12, 31, 9, 0))
    with desk.read() as s:
        pc = s.scalars(select(SecretComputer).where(SecretComputer.number == "(2026)密机002号")).one()
        pc_id = pc.id

    judge = login(qtbot, desk, "judge")
    page = _open_card(qtbot, judge, "mine_overdue", 1)
    assert page.spec.key == "secrecy_computer" and page.filter_combo.currentText() == "我管理的口令逾期未更换"
    assert page.model.rowCount() == 1
    click_record(qtbot, page, pc_id)
    row = page.model.row_of(pc_id)
    keys = [c.key for c in page.spec.columns]
    values = page.model.row_values(row)
    assert values[keys.index("now")] == "口令逾期未更换" and values[keys.index("password")] == "逾期未更换"
    assert page.model.row_tone(row) == "overdue"
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.record_id == pc_id,
                    timeout=15000)
    assert page.detail.status.text() == "状态：口令逾期未更换"
    assert "登记口令更换" in set(page.detail.action_buttons)
    assert "本单位内维修" not in set(page.detail.action_buttons)  # 保密办's step, not hers

    # she records the change: a date and the length to check — no field for the password itself
    qtbot.mouseClick(page.detail.action_buttons["登记口令更换"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    assert dialog.value("changed_on") == dt.date(2026, 12, 31)
    assert not [f for f in dialog.fields if "口令" == f.label or "password" in f.key]
    dialog.widget("length").setValue(8)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() != QDialog.DialogCode.Accepted
    said = "".join(dialog.all_errors())
    assert "第三十四条(3)" in said and "不少于10位" in said
    dialog.widget("length").setValue(12)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    qtbot.waitUntil(lambda: page.model.row_of(pc_id) is None and not page.model.loading)  # off the overdue list
    idle(qtbot)

    office = login(qtbot, desk, "secrecy")
    media = _open_card(qtbot, office, "holiday_due", 3)
    assert media.spec.key == "secrecy_medium" and media.filter_combo.currentText() == "节假日应交未交"
    assert media.model.rowCount() == 3
    keys = [c.key for c in media.spec.columns]
    shown = {media.model.row_values(r)[keys.index("number")]: media.model.row_values(r)[keys.index("now")]
             for r in range(3)}
    assert shown == {"(2026)密介001号": "节假日应交未交", "(2026)密介002号": "节假日应交未交",
                     "(2026)密介004号": "节假日应交未交"}
    assert media.model.row_tone(0) == "overdue"
