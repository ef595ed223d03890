"""The seal-use log end to end through real widgets: a judge files a request for the office seal,
the office head approves it, the seal's deputy custodian stamps it, the register shows 已盖章 and
the .xlsx export has the row."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import clock
from tests.ui.conftest import click_record, idle, login, type_text, wait_ops, wait_table

pytestmark = pytest.mark.ui

TITLE = "关于报送2026年第四季度审判执行工作情况的报告"
PURPOSE = "报送廊坊市中级人民法院"


def _count_uses(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(SealUse)))


def _column(page, key: str) -> int:
    return [c.key for c in page.spec.columns].index(key)


def test_seal_use_from_request_to_stamp_and_export(qtbot, desk, tmp_path):
    clock.set_now(dt.datetime(2026, 11, 24, 9, 0))

    # --- the judge files a request for the office seal --------------------------------------------
    judge = login(qtbot, desk, "judge")
    qtbot.mouseClick(judge.nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=judge.nav.visualItemRect(judge.nav_items["seal_use"]).center())
    page = judge.current_page()
    assert page.spec.key == "seal_use"
    wait_table(qtbot, page)
    before = page.model.rowCount()
    uses_before = _count_uses(desk)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.active_dialog
    assert form.isVisible()
    seals = form.widget("seal_id")
    office = next(i for i in range(seals.count()) if "办公室印" in seals.itemText(i))
    seals.setCurrentIndex(office)
    type_text(form.widget("title"), TITLE)
    form.widget("copies").setValue(2)
    form.widget("impressions").setValue(2)  # stamped twice below: never more than approved
    type_text(form.widget("purpose"), PURPOSE)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    use_id, number = form.result_value.id, form.result_value.number
    assert re.fullmatch(r"\(2026\)用印第\d{4}号", number)

    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1 and page.model.row_of(use_id) is not None)
    row = page.model.row_of(use_id)
    values = page.model.row_values(row)
    assert values[_column(page, "number")] == number
    assert values[_column(page, "title")] == TITLE
    assert values[_column(page, "status")] == "待审批"
    assert number in page.info.text()
    idle(qtbot)

    # --- the office head approves it from the 待我审批 filter --------------------------------------
    clock.set_now(dt.datetime(2026, 11, 24, 9, 30))
    head = login(qtbot, desk, "office_head")
    qtbot.waitUntil(lambda: any(c.item.filter == "to_approve" for c in head.dashboard.cards))
    card = next(c for c in head.dashboard.cards if c.item.filter == "to_approve")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = head.current_page()
    assert page.filter_combo.currentText() == "待我审批"
    wait_table(qtbot, page)
    click_record(qtbot, page, use_id)
    assert page.detail.heading.text() == number
    assert "批准" in page.detail.action_buttons
    qtbot.mouseClick(page.detail.action_buttons["批准"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    type_text(dialog.widget("comment"), "同意")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    # Approved, it leaves the 待我审批 list; the detail panel shows the new state and the step.
    qtbot.waitUntil(lambda: page.model.row_of(use_id) is None and not page.model.loading)
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.status == "已批准待盖章")
    assert [h.action for h in page.detail.details.history] == ["批准"]
    assert page.detail.details.history[0].comment == "同意"
    idle(qtbot)

    # --- the office seal's deputy custodian stamps it -------------------------------------------
    clock.set_now(dt.datetime(2026, 11, 24, 10, 15))
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("seal_use", "to_stamp")
    wait_table(qtbot, page)
    click_record(qtbot, page, use_id)
    qtbot.mouseClick(page.detail.action_buttons["盖章登记"], Qt.MouseButton.LeftButton)
    stamp = page.active_dialog
    assert stamp.value("stamped_at") == dt.datetime(2026, 11, 24, 10, 15)
    stamp.widget("stamped_impressions").setValue(2)
    qtbot.mouseClick(stamp.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert stamp.result() == QDialog.DialogCode.Accepted, stamp.all_errors()

    # --- 已盖章 in the register, and in the export -------------------------------------------------
    page.set_filter("stamped")
    qtbot.waitUntil(lambda: not page.model.loading and page.model.row_of(use_id) is not None)
    values = page.model.row_values(page.model.row_of(use_id))
    assert values[_column(page, "status")] == "已盖章"
    assert values[_column(page, "stamper")] == "王芳"

    target = tmp_path / "用印登记.xlsx"
    page.export_xlsx(target)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=15000)
    assert page.last_export == (str(target), page.model.rowCount())
    assert "已导出" in page.info.text()
    sheet = openpyxl.load_workbook(target, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    number_at = 1 + _column(page, "number")
    status_at = 1 + _column(page, "status")
    ours = [r for r in rows if r[number_at] == number]
    assert len(ours) == 1
    assert ours[0][status_at] == "已盖章"
    assert all(r[status_at] == "已盖章" for r in rows)  # the export follows the 已盖章 filter
    assert _count_uses(desk) == uses_before + 1


def test_empty_file_title_is_refused_next_to_the_field_and_nothing_is_written(qtbot, desk):
    judge = login(qtbot, desk, "judge")
    page = judge.open_register("seal_use")
    wait_table(qtbot, page)
    before = _count_uses(desk)
    form = page.new_record()
    seals = form.widget("seal_id")
    seals.setCurrentIndex(next(i for i in range(seals.count()) if "办公室印" in seals.itemText(i)))
    type_text(form.widget("purpose"), PURPOSE)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.isVisible()
    assert form.field_error("title") == "文件名称：必填，不能为空"
    assert form.widget("title").property("invalid") is True
    assert form.focusWidget() is form.widget("title")
    assert _count_uses(desk) == before
    # Fixing the field saves.
    type_text(form.widget("title"), TITLE)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert not form.isVisible()
    assert _count_uses(desk) == before + 1
    idle(qtbot)


def test_refusal_by_a_rule_is_shown_in_the_action_dialog(qtbot, desk):
    """退回 needs a reason: the workflow's message appears under 意见 and nothing changes."""
    head = login(qtbot, desk, "office_head")
    page = head.open_register("seal_use", "to_approve")
    wait_table(qtbot, page)
    assert page.model.rowCount() >= 1
    record_id = page.model.record_id(0)
    click_record(qtbot, page, record_id)
    qtbot.mouseClick(page.detail.action_buttons["退回"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible()
    assert dialog.field_error("comment") == "意见：执行「退回」必须填写意见或理由"
    with desk.read() as s:
        assert s.get(SealUse, record_id).status == "submitted"
    dialog.reject()
    idle(qtbot)


def test_keyboard_shortcuts(qtbot, desk):
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("seal_use")
    wait_table(qtbot, page)
    with qtbot.waitActive(clerk):
        clerk.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert clerk.focusWidget() is page.search
    type_text(page.search, "证明")
    qtbot.waitUntil(lambda: page.model.query.search == "证明" and not page.model.loading)
    texts = [page.model.row_values(r)[_column(page, "title")] for r in range(page.model.rowCount())]
    assert texts and all("证明" in t for t in texts)
    qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.active_dialog is not None and page.active_dialog.isVisible()
    page.active_dialog.reject()
    idle(qtbot)


def test_a_record_with_a_document_kind_previews_its_pdf_and_exports_word(qtbot, desk, tmp_path):
    import docx

    from tests.support.readback import docx_text

    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("introduction_letter")
    wait_table(qtbot, page)
    issued = next(r for r in range(page.model.rowCount()) if page.model.row_values(r)[0])
    number = page.model.row_values(issued)[0]
    click_record(qtbot, page, page.model.record_id(issued))
    assert page.detail.document_box.isVisible()
    qtbot.mouseClick(page.detail.document_buttons["introduction_letter"][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    assert page.detail.preview.page_count() >= 1
    page.detail.preview.accept()
    target = tmp_path / "介绍信.docx"
    page.detail.render_document("docx", str(target))
    qtbot.waitUntil(lambda: page.detail.last_document == str(target), timeout=20000)
    text = "\n".join(docx_text(p.text) for p in docx.Document(str(target)).paragraphs)
    assert number.split("第")[1].rstrip("号") in text  # the letter's serial is printed on it
    idle(qtbot)


def test_print_register_renders_the_current_filter_as_a_paged_pdf(qtbot, desk, tmp_path):
    from pypdf import PdfReader

    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("seal_use")
    wait_table(qtbot, page)
    assert page.print_button.isVisible()
    page.set_filter("stamped")
    wait_table(qtbot, page)
    target = tmp_path / "登记簿.pdf"
    page.print_register(target)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=30000)
    assert page.last_export == (str(target), page.model.rowCount())
    text = "".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "印章使用登记簿" in text
    assert f"筛选条件：已盖章　　共 {page.model.rowCount()} 条" in text
    compact = "".join(text.split())  # table cells wrap long numbers onto two lines
    first = page.model.row_values(0)[_column(page, "number")]
    assert first in compact
    idle(qtbot)
