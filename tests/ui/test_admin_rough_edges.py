"""系统管理 rough edges (issue 15), through real widgets: 停用账号 asks first, naming the person, and
the person stays selected; 系统设置 shows every bad value after one save; the first-run question stays
while the phone is the stand-in; departments' categories read in Chinese; 解锁 is offered only for a
locked account."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.people import PeopleService
from tests.ui.conftest import idle, login, type_text, wait_ops

pytestmark = pytest.mark.ui


def _admin_page(qtbot, desk):
    window = login(qtbot, desk, "admin")
    return window, window.show_page("admin")


def _active(desk, username: str) -> bool:
    with desk.read() as s:
        return bool(s.scalar(select(User.active).where(User.username == username)))


def _answer(qtbot, box: QMessageBox, text: str) -> None:
    """Click the question's button reading ``text`` (the box closes and is deleted)."""
    assert box.isVisible()
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)


def test_deactivating_asks_first_naming_the_person_and_the_person_stays_selected(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    users = page.users
    users.show_inactive.setChecked(True)
    users.select_username("judge")
    qtbot.mouseClick(users.deactivate_button, Qt.MouseButton.LeftButton)
    box = users.active_dialog
    assert isinstance(box, QMessageBox)
    assert box.text() == ("确定停用账号「郑洁（judge）」吗？停用后该用户将无法登录，"
                          "当前会话在其下一次操作时结束。")
    assert sorted(b.text() for b in box.buttons()) == ["停用", "取消"]
    assert box.defaultButton().text() == "取消"
    _answer(qtbot, box, "取消")
    assert _active(desk, "judge")  # nothing happened
    qtbot.mouseClick(users.deactivate_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, users.active_dialog, "停用")
    assert not _active(desk, "judge")
    # the same person is still selected: the next click cannot reach the one listed after them
    assert users.current().username == "judge"
    assert not users.deactivate_button.isEnabled() and users.reactivate_button.isEnabled()
    row = users.table.currentRow()
    assert users.table.item(row, 0).text() == "judge" and users.table.item(row, 5).text() == "已停用"
    qtbot.mouseClick(users.reactivate_button, Qt.MouseButton.LeftButton)  # 启用 needs no question
    wait_ops(qtbot)
    assert _active(desk, "judge") and users.current().username == "judge"
    assert users.deactivate_button.isEnabled() and not users.reactivate_button.isEnabled()
    idle(qtbot)


def test_a_deactivated_person_hidden_from_the_list_leaves_nothing_selected(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    users = page.users
    users.select_username("judge")
    following = users.users[users.table.currentRow() + 1].username
    qtbot.mouseClick(users.deactivate_button, Qt.MouseButton.LeftButton)
    _answer(qtbot, users.active_dialog, "停用")
    assert not _active(desk, "judge")
    assert not any(u.username == "judge" for u in users.users)
    assert users.current() is None and not users.deactivate_button.isEnabled()
    qtbot.mouseClick(users.deactivate_button, Qt.MouseButton.LeftButton)  # a second click: nobody
    wait_ops(qtbot)
    assert _active(desk, following)
    idle(qtbot)


def test_settings_show_every_bad_value_after_one_save_and_save_nothing(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    tab = page.settings
    page.tabs.setCurrentWidget(tab)
    with desk.read() as s:
        before = {row.key: row.value for row in s.scalars(select(Setting))}
    tab.edits["court_name"].setText("河北省某某人民法院")
    tab.edits["postcode"].setText("12")
    tab.edits["attachment_max_mb"].setText("0")
    tab.edits["address"].setText("某路\u202e1号")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    shown = {label: error.text() for label, error in tab.errors.items() if not error.isHidden()}
    assert shown == {
        "邮政编码": "邮政编码：应为 6 位数字",
        "附件大小上限（MB）": "附件大小上限（MB）：不能小于 1",
        "法院地址": "法院地址：含有改变文字显示方向的控制字符（U+202E），请删除后重新输入",
    }
    marked = {label for label, widget in tab.inputs.items() if widget.property("invalid")}
    assert marked == set(shown)
    assert tab.error.text() == "未保存：有 3 项设置需要更正（见标红处）"
    with desk.read() as s:
        assert {row.key: row.value for row in s.scalars(select(Setting))} == before
    # corrected: saved, and the marks go
    tab.edits["postcode"].setText("065001")
    tab.edits["attachment_max_mb"].setText("20")
    tab.edits["address"].setText("河北省廊坊经济技术开发区华祥路118号")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert all(error.isHidden() for error in tab.errors.values()) and tab.error.isHidden()
    assert not any(widget.property("invalid") for widget in tab.inputs.values())
    with desk.read() as s:
        assert s.scalar(select(Setting.value).where(Setting.key == "court_name")) == "河北省某某人民法院"
    idle(qtbot)


def test_saving_settings_unchanged_keeps_asking_for_the_stand_in_phone(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    tab = page.settings
    page.tabs.setCurrentWidget(tab)
    assert not tab.ask.isHidden() and "出厂默认值" in tab.ask.text()
    assert all(f"· {label}：" in tab.ask.text() for label in ("法院地址", "邮政编码", "联系电话"))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)  # saved as it is
    wait_ops(qtbot)
    # the phone printed on documents is still 0316-0000000: still asked
    assert not tab.ask.isHidden()
    assert "· 联系电话：文书上印的本院电话" in tab.ask.text() and "法院地址" not in tab.ask.text()
    tab.edits["phone"].clear()
    qtbot.keyClicks(tab.edits["phone"], "0316-6080000")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert tab.ask.isHidden()
    idle(qtbot)


def test_department_categories_read_in_chinese_and_a_new_department_takes_one(qtbot, desk):
    _window, page = _admin_page(qtbot, desk)
    depts = page.departments
    page.tabs.setCurrentWidget(depts)
    kinds = {depts.table.item(row, 0).text(): depts.table.item(row, 1).text()
             for row in range(depts.table.rowCount())}
    assert kinds["执行局"] == "执行部门" and kinds["院领导"] == "院领导"
    assert kinds["办公室"] == "办公室" and kinds["政治处"] == "政治处" and kinds["立案庭"] == "业务部门"
    assert not any(text.isascii() for text in kinds.values())
    qtbot.mouseClick(depts.new_button, Qt.MouseButton.LeftButton)
    form = depts.active_dialog
    type_text(form.widget("name"), "纪检组")
    kind = form.widget("kind")
    assert kind.currentText() == "业务部门"  # the default
    kind.setCurrentIndex(kind.findText("政治处"))
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    with desk.read() as s:
        assert s.scalar(select(Department.kind).where(Department.name == "纪检组")) == "political"
    row = next(i for i, d in enumerate(depts.departments) if d.name == "纪检组")
    assert depts.table.item(row, 1).text() == "政治处"
    idle(qtbot)


def test_unlock_is_offered_only_for_an_account_locked_now(qtbot, desk):
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    for _ in range(5):
        with pytest.raises(DomainError):
            PeopleService(desk).login("judge", "wrong-password-1")
    _window, page = _admin_page(qtbot, desk)
    users = page.users
    users.select_username("clerk")  # not locked
    assert not users.unlock_button.isEnabled()
    qtbot.mouseClick(users.unlock_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert users.error.isHidden()
    users.select_username("judge")
    assert users.unlock_button.isEnabled()
    with qtbot.waitSignal(users.changed, timeout=10000) as said:
        qtbot.mouseClick(users.unlock_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
    assert said.args == ["已解锁 郑洁"]
    assert users.current().username == "judge" and not users.unlock_button.isEnabled()
    row = users.table.currentRow()
    assert users.table.item(row, 5).text() == "正常"
    idle(qtbot)
