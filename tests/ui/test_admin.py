"""系统管理 through real widgets (issue 8 items 4 and 5): deactivating a user ends their open session at
their next save; departments and users are added, deactivated and reactivated (never deleted); the
audit viewer filters, shows the difference, pages, exports to .xlsx and verifies the chain."""

from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import Department, User
from tests.ui.conftest import PASSWORD, idle, login, login_dialog, type_text, wait_ops, wait_table
from ui.app import Shell

pytestmark = pytest.mark.ui


def _admin_page(qtbot, desk):
    window = login(qtbot, desk, "admin")
    window.nav.scrollToItem(window.nav_items["admin"])  # the navigation is longer than the window
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.nav.visualItemRect(window.nav_items["admin"]).center())
    page = window.current_page()
    assert page.__class__.__name__ == "AdminPage"
    return window, page


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)


def _count_uses(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(SealUse)))


def test_deactivating_a_logged_in_user_ends_their_session_at_the_next_save(qtbot, desk):
    # the clerk is logged in, in the shell, with the main window open
    dialog = login_dialog(qtbot, desk, "clerk", PASSWORD)
    shell = Shell(SimpleNamespace(quit=lambda: None), SimpleNamespace(court_name=""))
    shell.db = desk
    shell._open(dialog.user)
    clerk = shell.window
    qtbot.addWidget(clerk)
    qtbot.mouseClick(clerk.nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=clerk.nav.visualItemRect(clerk.nav_items["seal_use"]).center())
    register = clerk.current_page()
    wait_table(qtbot, register)

    # the administrator deactivates the clerk on the 系统管理 page
    admin, page = _admin_page(qtbot, desk)
    users = page.users
    users.select_username("clerk")
    qtbot.mouseClick(users.deactivate_button, Qt.MouseButton.LeftButton)
    confirm = users.active_dialog  # 「确定停用账号「王芳（clerk）」吗？…」
    _click(qtbot, next(b for b in confirm.buttons() if b.text() == "停用"))
    assert users.error.text() == ""
    assert not any(u.username == "clerk" for u in users.users)  # deactivated accounts are hidden …
    users.show_inactive.setChecked(True)
    row = next(i for i, u in enumerate(users.users) if u.username == "clerk")
    assert users.table.item(row, 5).text() == "已停用"  # … but never deleted

    # the clerk's open window: the next save is refused and the session ends
    before = _count_uses(desk)
    qtbot.mouseClick(register.new_button, Qt.MouseButton.LeftButton)
    form = register.active_dialog
    seals = form.widget("seal_id")
    seals.setCurrentIndex(1 if seals.count() > 1 else 0)
    type_text(form.widget("title"), "关于报送统计报表的函")
    type_text(form.widget("purpose"), "报送上级法院")
    with qtbot.waitSignal(clerk.logout_requested, timeout=10000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
    assert _count_uses(desk) == before  # nothing saved; the window (and its form) is closed
    # back at the login dialog, which says why
    assert shell.window is None
    qtbot.addWidget(shell.login)
    assert shell.login.isVisible()
    assert shell.login.error.text() == "您的账号已被停用，请联系系统管理员"
    assert admin.isEnabled() and admin.logout_message == ""  # the administrator's session goes on
    # and the clerk cannot log in again
    again = login_dialog(qtbot, desk, "clerk", PASSWORD)
    assert again.user is None

    # reactivated: the clerk may log in again
    users.select_username("clerk")
    _click(qtbot, users.reactivate_button)
    assert login_dialog(qtbot, desk, "clerk", PASSWORD).user is not None
    idle(qtbot)


def test_a_role_removed_on_the_admin_page_refuses_the_next_action(qtbot, desk, users):
    from courtdesk.areas.seals.models import Seal
    from courtdesk.areas.seals.service import SealService
    from courtdesk.kernel.errors import PermissionDenied

    with desk.read() as s:
        office = s.scalar(select(Seal.id).where(Seal.kind == "office"))
    use = SealService(desk).file(users["judge"], {"seal_id": office, "title": "关于报送统计报表的函", "copies": 1,
                                                 "impressions": 1, "purpose": "报送上级法院"})
    head = login(qtbot, desk, "office_head")
    _admin, page = _admin_page(qtbot, desk)
    page.users.select_username("office_head")
    qtbot.mouseClick(page.users.roles_button, Qt.MouseButton.LeftButton)
    roles = page.users.active_dialog
    for box in roles.boxes.values():
        box.setChecked(False)
    _click(qtbot, roles.ok_button)
    assert roles.result() == QDialog.DialogCode.Accepted
    # the office head's window holds the user object from login: the next approval is refused
    with pytest.raises(PermissionDenied, match="有审批权的负责人"):
        SealService(desk).act(head.ctx.user, use.id, "approve", "同意")
    assert head.ctx.user.roles == frozenset()  # the held object now has the fresh roles
    idle(qtbot)


def test_users_created_with_roles_and_departments_added_renamed_deactivated(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    users = page.users
    qtbot.mouseClick(users.new_button, Qt.MouseButton.LeftButton)
    form = users.active_dialog
    qtbot.keyClicks(form.widget("username"), "zhaolei")
    type_text(form.widget("name"), "赵磊")
    qtbot.keyClicks(form.widget("password"), "Start2026x")
    form.widget("roles").set_value(["clerk"])
    _click(qtbot, form.ok_button)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    row = next(i for i, u in enumerate(users.users) if u.username == "zhaolei")
    assert users.table.item(row, 4).text() == "办公室文员"
    assert users.table.item(row, 5).text() == "须修改密码"

    depts = page.departments
    qtbot.mouseClick(depts.new_button, Qt.MouseButton.LeftButton)
    form = depts.active_dialog
    type_text(form.widget("name"), "档案室")
    _click(qtbot, form.ok_button)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    depts.select_name("档案室")
    qtbot.mouseClick(depts.rename_button, Qt.MouseButton.LeftButton)
    form = depts.active_dialog
    form.widget("name").clear()
    type_text(form.widget("name"), "档案管理室")
    _click(qtbot, form.ok_button)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    depts.select_name("档案管理室")
    _click(qtbot, depts.deactivate_button)
    row = next(i for i, d in enumerate(depts.departments) if d.name == "档案管理室")
    assert depts.table.item(row, 2).text() == "已停用"
    # a department with people in it cannot be deactivated: the page says why
    depts.select_name("办公室")
    _click(qtbot, depts.deactivate_button)
    assert "名在用账号" in depts.error.text()
    depts.select_name("档案管理室")
    _click(qtbot, depts.reactivate_button)
    with desk.read() as s:
        dept = s.scalar(select(Department).where(Department.name == "档案管理室"))
        assert dept is not None and dept.active
        assert s.scalar(select(User).where(User.username == "zhaolei")) is not None
    idle(qtbot)


def test_audit_viewer_filters_shows_the_difference_exports_and_verifies(qtbot, desk, users, tmp_path):
    window, page = _admin_page(qtbot, desk)
    depts = page.departments
    qtbot.mouseClick(depts.new_button, Qt.MouseButton.LeftButton)
    form = depts.active_dialog
    type_text(form.widget("name"), "档案室")
    _click(qtbot, form.ok_button)
    depts.select_name("档案室")
    qtbot.mouseClick(depts.rename_button, Qt.MouseButton.LeftButton)
    form = depts.active_dialog
    form.widget("name").clear()
    type_text(form.widget("name"), "档案管理室")
    _click(qtbot, form.ok_button)

    audit = page.audit
    page.tabs.setCurrentWidget(audit)
    idle(qtbot)
    assert len(audit.lines) == 200 and not audit.exhausted  # a demo database: one page, newest first
    assert audit.lines[0].id > audit.lines[-1].id
    audit.load_more()
    idle(qtbot)
    assert len(audit.lines) == 400

    audit.select_person(users["admin"].id)
    audit.select_register("department")
    audit.search()
    idle(qtbot)
    assert [line.action_label for line in audit.lines][:2] == ["修改", "新建"]
    assert audit.table.item(0, 3).text() == "部门"
    assert audit.table.item(0, 5).text() == "名称：档案室 → 档案管理室"
    # the administrator's department entries: these two, and those the demo made as her (法警队)
    with desk.read() as s:
        made = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "department", AuditEntry.user_id == users["admin"].id))
    assert made >= 2 and audit.exhausted and f"已显示 {made} 条" in audit.count_label.text()
    # a record (register + id) and a time range
    audit.record.setText(str(audit.lines[0].entity_id))
    audit.since.setText("2000-01-01")
    audit.until.setText("1999-01-01")
    audit.search()
    assert "起始时间不能晚于结束时间" in audit.error.text()
    audit.until.setText("")
    audit.search()
    idle(qtbot)
    assert len(audit.lines) == 2

    target = tmp_path / "留痕.xlsx"
    audit.export_xlsx(target)
    idle(qtbot)
    sheet = openpyxl.load_workbook(target).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == 2
    assert rows[0][3] == "修改" and rows[0][4] == "部门" and rows[0][6] == "名称：档案室 → 档案管理室"
    assert rows[1][3] == "新建" and "档案室" in rows[1][6]
    assert "登记簿：部门" in sheet.cell(2, 1).value

    qtbot.mouseClick(audit.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.report is not None, timeout=60000)
    assert audit.report.ok
    assert audit.result.text().startswith("校验通过")
    page.resize(1360, 760)
    page.grab().save(str(tmp_path / "admin.png"))
    idle(qtbot)


def test_the_backups_tab_lists_the_daily_backups_and_backs_up_now(qtbot, desk, tmp_path):
    """Issue 19 §2: 系统管理 shows where the daily backups are, each with its checkpoint, and 立即备份
    writes today's; restoring is explained, with every CourtDesk closed."""
    window, page = _admin_page(qtbot, desk)
    tab = page.backups
    page.tabs.setCurrentWidget(tab)
    assert "每日自动备份文件夹" in tab.folder_label.text() and tab.table.rowCount() == 0
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=20000)
    assert tab.table.item(0, 2).text().startswith("已校验完整　留痕 ") and "restore --db" in tab.restore_hint.text()
    assert "最近一次备份" in tab.restore_hint.text()
