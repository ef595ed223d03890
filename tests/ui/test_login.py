"""Login dialog: wrong password, lock-out after five, correct login opens the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import idle, login, login_dialog, wait_ops
from ui.login import LoginDialog

pytestmark = pytest.mark.ui


def test_wrong_password_shows_the_reason_and_keeps_the_dialog_open(qtbot, desk):
    dialog = login_dialog(qtbot, desk, "judge", "wrong-password")
    assert dialog.user is None
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "用户名或密码错误（再错 4 次将暂停登录 15 分钟）"


def test_five_wrong_passwords_lock_the_account(qtbot, desk):
    dialog = login_dialog(qtbot, desk, "judge", "wrong-password")
    for _ in range(4):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
    assert "暂停登录 15 分钟" in dialog.error.text()
    # Even the right password is refused while locked.
    dialog.password.setText("Demo2026")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.user is None
    assert "已暂停登录" in dialog.error.text()


def test_enter_after_the_user_name_does_not_count_as_an_attempt(qtbot, desk):
    dialog = LoginDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "judge")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password
    assert not dialog.error.isVisible()
    qtbot.keyClicks(dialog.password, "Demo2026")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.busy and dialog.progress.text() == "正在验证…"  # checked off the UI thread
    wait_ops(qtbot)
    assert dialog.user is not None and dialog.user.username == "judge"


def test_correct_login_opens_the_main_window(qtbot, desk):
    window = login(qtbot, desk, "judge")
    assert window.windowTitle() == "CourtDesk 法院办公桌面系统 — 河北省廊坊经济技术开发区人民法院 — 郑洁"
    assert "郑洁" in window.user_label.text()
    # A judge sees the seal-use register but not the administration page.
    assert "seal_use" in window.nav_items
    assert "admin" not in window.nav_items
    idle(qtbot)


def test_administrator_unlocks_a_locked_account(qtbot, desk):
    dialog = login_dialog(qtbot, desk, "judge", "wrong-password")
    for _ in range(4):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
    admin = login(qtbot, desk, "admin")
    page = admin.show_page("admin")
    users = page.users
    assert any("已锁定" in users.table.item(r, 5).text() for r in range(users.table.rowCount()))
    users.select_username("judge")
    qtbot.mouseClick(users.unlock_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    row = next(r for r in range(users.table.rowCount()) if users.table.item(r, 0).text() == "judge")
    assert users.table.item(row, 5).text() == "正常"
    again = login_dialog(qtbot, desk, "judge", "Demo2026")
    assert again.user is not None
    idle(qtbot)


def test_a_database_that_cannot_be_opened_is_reported_and_the_app_exits_non_zero(qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.app import EXIT_DB_ERROR, main

    bad = tmp_path / "not-a-database.sqlite3"
    bad.write_bytes(b"this is not an SQLite file" * 100)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(50, close_box)

    QTimer.singleShot(50, close_box)
    assert main(["--db", str(bad)]) == EXIT_DB_ERROR
    assert seen and seen[0].startswith(f"无法打开数据库（{bad}）。请确认这是 CourtDesk 的数据库文件")


def test_the_app_shell_logs_in_logs_out_and_quits(qtbot, db_path):
    """main(): login dialog → main window → 注销 → login dialog → 退出 ends the event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui import app as app_module
    from ui.mainwindow import MainWindow

    steps: list[str] = []

    def top(kind):
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)

    def drive() -> None:
        login = top(LoginDialog)
        window = top(MainWindow)
        if login is not None and login.db is not None and not steps:
            login.username.setText("judge")
            login.password.setText("Demo2026")
            login.login_button.click()
            steps.append("login")
        elif window is not None and steps == ["login"]:
            steps.append(window.windowTitle())
            window.logout_requested.emit()
        elif login is not None and len(steps) == 2:
            steps.append("login again")
            login.reject()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(20, drive)
    qapp = QApplication.instance()
    try:
        assert app_module.main(["--db", str(db_path)]) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)
    assert steps == ["login", "CourtDesk 法院办公桌面系统 — 河北省廊坊经济技术开发区人民法院 — 郑洁", "login again"]
    idle(qtbot)


def test_first_start_creates_the_default_database_with_demo_data(qtbot, tmp_path, monkeypatch, capsys):
    from sqlalchemy import func, select

    from courtdesk.areas.seals.models import SealUse
    from courtdesk.kernel.db import default_sqlite_path, open_database
    from ui.app import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("COURTDESK_DB_URL", raising=False)
    assert not default_sqlite_path().exists()
    assert main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "startup_ms=" in out
    db = open_database(str(default_sqlite_path()), upgrade=False)
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(SealUse)) > 0
    finally:
        db.dispose()


def test_reset_password_then_the_user_must_choose_a_new_one(qtbot, desk):
    from PySide6.QtWidgets import QDialog

    from ui.login import ChangePasswordDialog

    admin = login(qtbot, desk, "admin")
    users = admin.show_page("admin").users
    users.select_username("judge")
    qtbot.mouseClick(users.reset_button, Qt.MouseButton.LeftButton)
    form = users.active_dialog
    form.set_value("password", "short1")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.field_error("password") == "新密码：至少 8 位"
    form.set_value("password", "Temp2026x")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted

    dialog = login_dialog(qtbot, desk, "judge", "Temp2026x")
    judge = dialog.user
    assert judge is not None and judge.must_change_password
    change = ChangePasswordDialog(desk, judge)
    qtbot.addWidget(change)
    change.show()
    qtbot.keyClicks(change.old, "Temp2026x")
    qtbot.keyClicks(change.new, "Court2027")
    qtbot.keyClicks(change.again, "Court2028")
    assert not change.save()
    assert change.error.text() == "确认新密码：与新密码不一致"
    change.again.setText("Court2027")
    assert change.save()
    wait_ops(qtbot)
    assert change.result() == QDialog.DialogCode.Accepted, change.error.text()
    again = login_dialog(qtbot, desk, "judge", "Court2027")
    assert again.user is not None and not again.user.must_change_password
    idle(qtbot)
