"""代理审批人 in 系统设置 (issue 16 §4), through the real settings page: the stand-in is chosen from the
court's people, the period typed as dates; a period ending before it starts and the finance leader as
her own stand-in are refused at their fields; a good period is saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from courtdesk.areas.finance.settings import LEADER_STAND_IN
from courtdesk.kernel import settings
from tests.ui.conftest import idle, login, wait_ops
from tests.ui.test_enforcement_flow import choose

pytestmark = pytest.mark.ui


def test_the_stand_in_is_chosen_from_the_people_and_a_wrong_period_is_refused_at_its_field(qtbot, desk):
    window = login(qtbot, desk, "admin")
    page = window.show_page("admin")
    tab = page.settings
    page.tabs.setCurrentWidget(tab)
    person = tab.people[LEADER_STAND_IN.user_key]
    assert person.itemText(0) == "（无）" and any(person.itemText(i).startswith("陈静") for i in range(person.count()))
    choose(person, "陈静")  # the finance leader herself
    tab.edits[LEADER_STAND_IN.start_key].setText("2026-12-10")
    tab.edits[LEADER_STAND_IN.end_key].setText("2026-12-01")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    shown = {label: error.text() for label, error in tab.errors.items() if not error.isHidden()}
    assert set(shown) == {LEADER_STAND_IN.user_label, LEADER_STAND_IN.end_label}
    assert "陈静本人就是分管财务院领导" in shown[LEADER_STAND_IN.user_label]
    assert "不能早于代理开始日期（2026-12-10）" in shown[LEADER_STAND_IN.end_label]
    with desk.read() as s:
        assert LEADER_STAND_IN.period(s) is None
    choose(person, "刘建军")
    tab.edits[LEADER_STAND_IN.end_key].setText("2026-12-20")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert all(error.isHidden() for error in tab.errors.values()), tab.error.text()
    with desk.read() as s:
        period = LEADER_STAND_IN.period(s)
        assert period is not None and (str(period.start), str(period.end)) == ("2026-12-10", "2026-12-20")
        assert settings.get(s, LEADER_STAND_IN.user_key) == person.currentData()
    assert person.currentText().startswith("刘建军")  # shown as saved after the reload
    idle(qtbot)
