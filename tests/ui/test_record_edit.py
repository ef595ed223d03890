"""修改 through real widgets: only the applicant sees it on a request waiting for approval; saving asks
for the reason; 办理经过 shows the difference; the approver whose screen is older is refused in the
dialog, which stays open with what they typed. And a form shows a field read-only in the record's
state disabled."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import clock
from courtdesk.kernel.forms import FormField, clean
from tests.ui.conftest import click_record, idle, login, type_text, wait_ops, wait_table
from ui.forms import FormDialog

pytestmark = pytest.mark.ui


def _file(db, applicant) -> SealUse:
    with db.read() as s:
        office = s.scalars(select(Seal.id).where(Seal.kind == "office")).first()
    return SealService(db).file(applicant, {"seal_id": office, "title": "关于报送统计报表的函", "copies": 2,
                                            "impressions": 2, "purpose": "报送上级法院"})


def test_applicant_edits_waiting_request_and_stale_approver_is_told(qtbot, desk, users):
    clock.set_now(dt.datetime(2026, 11, 30, 9, 0))
    use = _file(desk, users["judge"])

    # the office head opens it first: 批准 yes, 修改 no (not the applicant)
    head = login(qtbot, desk, "office_head")
    head_page = head.open_register("seal_use")
    wait_table(qtbot, head_page)
    click_record(qtbot, head_page, use.id)
    assert "批准" in head_page.detail.action_buttons
    assert "修改" not in head_page.detail.action_buttons
    idle(qtbot)

    # the applicant corrects the number of copies
    clock.set_now(dt.datetime(2026, 11, 30, 9, 40))
    judge = login(qtbot, desk, "judge")
    page = judge.open_register("seal_use")
    wait_table(qtbot, page)
    click_record(qtbot, page, use.id)
    assert "修改" in page.detail.action_buttons
    qtbot.mouseClick(page.detail.action_buttons["修改"], Qt.MouseButton.LeftButton)
    form = page.active_dialog
    assert form.value("title") == "关于报送统计报表的函" and form.value("copies") == 2
    form.widget("copies").setValue(3)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)  # no reason yet
    wait_ops(qtbot)  # the save runs through ui.ops, off the UI thread
    qtbot.waitUntil(lambda: not form.busy, timeout=15000)
    assert form.isVisible() and "修改原因" in form.field_error("reason")
    type_text(form.widget("reason"), "份数写错了")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)  # the save runs through ui.ops, off the UI thread
    qtbot.waitUntil(lambda: not form.busy, timeout=15000)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    qtbot.waitUntil(lambda: page.detail.details is not None and any(
        h.action == "修改" for h in page.detail.details.history), timeout=15000)
    line = next(h for h in page.detail.details.history if h.action == "修改")
    assert (line.change, line.comment, line.actor) == ("份数：2 → 3", "份数写错了", users["judge"].name)
    assert "份数：2 → 3" in page.detail.history_label.text()
    assert "修改原因：份数写错了" in page.detail.history_label.text()
    idle(qtbot)

    # the office head's screen still shows the old version: the approval is refused in the dialog
    clock.set_now(dt.datetime(2026, 11, 30, 10, 0))
    qtbot.mouseClick(head_page.detail.action_buttons["批准"], Qt.MouseButton.LeftButton)
    approve = head_page.active_dialog
    type_text(approve.widget("comment"), "同意")
    qtbot.mouseClick(approve.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)  # the save runs through ui.ops, off the UI thread
    qtbot.waitUntil(lambda: not approve.busy, timeout=15000)
    assert approve.isVisible() and approve.result() != QDialog.DialogCode.Accepted
    assert approve.all_errors() == [
        f"该记录已于 2026-11-30 09:40 被 {users['judge'].name} 修改（修改），请刷新后再办理"]
    assert approve.value("comment") == "同意"
    with desk.read() as s:
        assert s.get(SealUse, use.id).status == "submitted"
    approve.reject()

    # after 刷新 the approval goes through; then the applicant may no longer edit it
    head_page.detail.reload()
    qtbot.waitUntil(lambda: [h.action for h in head_page.detail.details.history] == ["修改"], timeout=15000)
    idle(qtbot)
    SealService(desk).act(users["office_head"], use.id, "approve", expected_version=head_page.detail.details.version)
    page.detail.reload()
    qtbot.waitUntil(lambda: page.detail.details.status == "已批准待盖章", timeout=15000)
    assert "修改" not in page.detail.action_buttons
    idle(qtbot)


def test_field_read_only_in_the_state_is_disabled_and_required_one_marked(qtbot):
    fields = (
        FormField("title", "标题", "text", default="原标题", readonly_in=frozenset({"approved"})),
        FormField("note", "说明", "text", required=False, required_in=frozenset({"approved"})),
    )
    seen: list[dict] = []
    dialog = FormDialog(None, "修改", fields, lambda data: seen.append(clean(fields, data, state="approved")),
                        state="approved")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.widget("title").isEnabled()
    assert dialog.rows["note"].field.required
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)  # the save runs through ui.ops, off the UI thread
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
    assert "说明" in dialog.field_error("note")
    type_text(dialog.widget("note"), "补充说明")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)  # the save runs through ui.ops, off the UI thread
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
    assert seen == [{"note": "补充说明"}]
