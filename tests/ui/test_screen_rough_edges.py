"""Screens, second round (issue 15), through real widgets: a dialog grows for its error instead of
squeezing its fields, a long 摘要 keeps 金额 in view, a dialog is as wide as its title, Qt's file dialog
speaks Chinese and an upload starts in the documents folder, and a record that a step moved out of
the current list says so and can be shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLabel, QTreeView

from courtdesk.areas.finance.claims import ClaimService
from courtdesk.kernel import clock
from tests.areas.finance.helpers import general_data
from tests.conftest import load_users
from tests.ui.conftest import click_record, idle, login, type_text, wait_ops, wait_table
from ui.app import DEMO_FILLED_TEXT
from ui.login import LoginDialog

pytestmark = pytest.mark.ui

LONG_SUMMARY = "购买第四季度审判执行业务所需的硒鼓、复印纸、档案盒、装订夹等办公耗材及会议用文件袋共计十二项"


def test_a_wrong_password_grows_the_login_dialog_instead_of_squeezing_its_boxes(qtbot, desk):
    # as the app starts: the dialog is painted first, the database arrives while the user types
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.set_database(desk, "河北省廊坊经济技术开发区人民法院")
    dialog.say(DEMO_FILLED_TEXT)  # a first start: two wrapped lines under the fields
    qtbot.waitUntil(lambda: dialog.username.height() >= dialog.username.minimumSizeHint().height())
    qtbot.keyClicks(dialog.username, "judge")
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.user is None and dialog.error.isVisible()
    # the message takes its own line; 用户名 and 密码 keep the height their text needs
    qtbot.waitUntil(lambda: dialog.username.height() >= dialog.username.minimumSizeHint().height())
    assert dialog.password.height() >= dialog.password.minimumSizeHint().height()
    assert dialog.error.height() >= dialog.error.fontMetrics().height()


def test_a_long_summary_wraps_and_keeps_the_amount_in_view_in_the_detail_panel(qtbot, desk):
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    users = load_users(desk)
    claim = ClaimService(desk).file(users["judge"], general_data(
        "1,280.00", expense_lines=[{"category": "办公费", "description": LONG_SUMMARY, "amount": "1280.00"}]))
    window = login(qtbot, desk, "judge")
    window.resize(1366, 728)
    page = window.open_register("finance_claim")
    wait_table(qtbot, page)
    click_record(qtbot, page, claim.id)
    table = page.detail.lines_tables["expense_lines"]
    qtbot.waitUntil(lambda: table.rowCount() == 2)  # the line and 合计
    amount = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index("金额")
    right = table.columnViewportPosition(amount) + table.columnWidth(amount)
    assert right <= table.viewport().width(), "金额 lies beyond the panel's edge"
    assert table.item(0, amount).text() == "¥1,280.00"
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways …
    assert table.verticalScrollBar().maximum() == 0  # … nor up and down: the panel scrolls, not the table
    summary = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index("摘要")
    assert table.rowHeight(0) > table.rowHeight(1)  # the 摘要 wrapped onto more lines
    assert table.item(0, summary).text() == LONG_SUMMARY


def test_a_dialog_is_wide_enough_for_its_whole_title(qtbot, desk):
    window = login(qtbot, desk, "admin")
    page = window.show_page("admin")
    idle(qtbot)
    page.users.select_username("enforce_clerk")
    page.users.edit_roles()
    dialog = page.users.active_dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.width() >= dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 140)
    assert "何佳（enforce_clerk）" in dialog.windowTitle()
    dialog.reject()


def _modal_file_dialog(qtbot, start) -> dict:
    """Run ``start()`` (which opens a modal file dialog), look at the dialog, cancel it."""
    seen: dict = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, look)
            return
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        seen["dialog_labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        seen["directory"] = Path(dialog.directory().absolutePath())
        view = dialog.findChild(QTreeView, "treeView")
        seen["view"] = view

        def rows() -> list[list[str]]:
            model, root = view.model(), view.rootIndex()
            return [[str(model.index(r, c, root).data()) for c in range(4)] for r in range(model.rowCount(root))]

        qtbot.waitUntil(lambda: len(rows()) >= 2)
        seen["rows"] = rows()
        dialog.reject()

    QTimer.singleShot(50, look)
    start()
    return seen


def test_the_upload_dialog_is_chinese_and_starts_in_the_documents_folder(qtbot, desk, tmp_path, monkeypatch):
    from ui import files

    documents = tmp_path / "文档"
    (documents / "扫描件").mkdir(parents=True)
    (documents / "发票.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 3000)  # listed, never uploaded
    monkeypatch.setattr(files, "documents_folder", lambda: documents)
    window = login(qtbot, desk, "judge")
    page = window.open_register("finance_claim")
    wait_table(qtbot, page)
    # the 上传票据扫描件 step of the judge's returned claim has a file field
    claim = next(page.model.record_id(r) for r in range(page.model.rowCount())
                 if page.model.row_values(r)[[c.key for c in page.spec.columns].index("status")] == "已退回待修改")
    click_record(qtbot, page, claim)
    qtbot.mouseClick(page.detail.action_buttons["上传票据扫描件"], Qt.MouseButton.LeftButton)
    form = page.active_dialog
    picker = form.widget("scan")
    seen = _modal_file_dialog(qtbot, picker.choose)
    assert seen["directory"] == documents  # not the program's working directory
    text = " ".join(seen["dialog_labels"])
    assert "查找范围" in text and "文件类型" in text
    assert not re.search(r"Look in|Files of", text)
    by_name = {row[0]: row for row in seen["rows"]}
    assert by_name["扫描件"][2] == "文件夹"
    assert by_name["发票.pdf"][1] == "2 KB"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", by_name["发票.pdf"][3])
    form.reject()


def test_a_record_a_step_moves_out_of_the_list_says_so_and_can_be_shown(qtbot, desk):
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    head = login(qtbot, desk, "office_head")
    page = head.open_register("seal_use", "to_approve")
    wait_table(qtbot, page)
    assert page.model.rowCount() >= 1
    use_id = page.model.record_id(0)
    click_record(qtbot, page, use_id)
    assert not page.detail.outside_box.isVisible()
    qtbot.mouseClick(page.detail.action_buttons["批准"], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    type_text(dialog.widget("comment"), "同意")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    # approved, it has left 待我审批: the panel says so instead of pointing at a row nobody can see
    qtbot.waitUntil(lambda: page.model.row_of(use_id) is None and not page.model.loading)
    qtbot.waitUntil(lambda: page.detail.outside_box.isVisible())
    assert "待我审批" in page.detail.outside_label.text()
    assert page.detail.record_id == use_id
    qtbot.mouseClick(page.detail.show_in_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.model.loading and page.model.row_of(use_id) is not None)
    assert page.filter_combo.currentData() is None  # 全部
    qtbot.waitUntil(lambda: page.table.currentIndex().row() == page.model.row_of(use_id))
    assert not page.detail.outside_box.isVisible()


def test_a_signed_claim_names_no_next_step_and_reads_as_done(qtbot, desk):
    window = login(qtbot, desk, "judge")
    page = window.open_register("finance_claim", "state_signed")
    wait_table(qtbot, page)
    click_record(qtbot, page, page.model.record_id(0))
    assert "更正报销日期" not in page.detail.no_actions.text()  # a correction is nobody's next step
    assert page.detail.no_actions.text() == "本条记录已办结，无需再办理。"
