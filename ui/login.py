"""Login and change-password dialogs.

Checking a password (argon2, ~¼ s by design) and recording the attempt run through the operations
runner (:mod:`ui.ops`), so the dialog keeps painting and the fields keep what was typed meanwhile."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import ops
from ui.widgets import ErrorLabel

HINT_STYLE = "color: #5f6368;"


class LoginDialog(QDialog):
    """用户名 + 密码. ``db`` may arrive later (:meth:`set_database`) while the core is still opening
    the database in the background; until then 登录 is disabled and the dialog says so."""

    def __init__(self, db=None, parent: QWidget | None = None, *, court_name: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.user: Any = None  # the logged-in courtdesk User after accept()
        self.setWindowTitle("登录 — CourtDesk 法院办公桌面系统")
        self.setMinimumWidth(380)

        title = QLabel("CourtDesk 法院办公桌面系统")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.court_label = QLabel(court_name)
        self.court_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.court_label.setVisible(bool(court_name))

        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username.setPlaceholderText("登录名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.password.setPlaceholderText("密码")
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)

        self.error = ErrorLabel()
        self.status = QLabel()
        self.status.setStyleSheet("color: #5f6368;")
        self.status.setWordWrap(True)
        self.status.hide()
        self.busy = False
        #: 「正在验证…」 while the password is checked.
        self.progress = QLabel()
        self.progress.setStyleSheet(HINT_STYLE)
        self.progress.hide()

        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        buttons = QDialogButtonBox()
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.court_label)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)
        self.set_database(db)

    def set_database(self, db, court_name: str = "") -> None:
        self.db = db
        ready = db is not None
        self.login_button.setEnabled(ready)
        self.status.setText("" if ready else "正在打开数据库…")
        self.status.setVisible(not ready)
        if court_name:
            self.court_label.setText(court_name)
            self.court_label.show()

    def say(self, text: str) -> None:
        """A line under the fields (e.g. that a demo database was created); the dialog grows for it."""
        from PySide6.QtCore import QTimer

        from ui import screen

        self.status.setText(text)
        self.status.setVisible(bool(text))
        QTimer.singleShot(0, self, lambda: screen.grow_to_content(self))

    def try_login(self) -> bool:
        """Start checking the password (True when started); the dialog accepts when it is right."""
        if self.db is None or self.busy:
            return False
        self.error.clear_message()
        if self.username.text().strip() and not self.password.text():
            self.password.setFocus()  # Enter after the user name: go on to the password, no attempt
            return False
        from courtdesk.kernel.people import PeopleService

        people, name, password = PeopleService(self.db), self.username.text(), self.password.text()
        self._set_busy(True)
        ops.run_op(self, lambda: people.login(name, password), self._logged_in, self._refused,
                   busy_text="正在验证…", status=self._show_progress)
        return True

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.login_button.setEnabled(not busy and self.db is not None)
        self.username.setReadOnly(busy)
        self.password.setReadOnly(busy)

    def _show_progress(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setVisible(bool(text))

    def _logged_in(self, user: Any) -> None:
        self._set_busy(False)
        if not self.isVisible():  # 退出 was pressed meanwhile
            return
        self.user = user
        self.password.clear()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.show_message(ops.failure_text(exc, "登录"))
        self.password.selectAll()
        self.password.setFocus()


class ChangePasswordDialog(QDialog):
    """Asked right after login when the administrator has reset the password."""

    def __init__(self, db, user, parent: QWidget | None = None, *, forced: bool = True) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(380)
        intro = QLabel(
            "管理员已重置您的密码，请设置新密码后继续使用。" if forced else "请输入原密码和新密码。"
        )
        intro.setWordWrap(True)
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for edit in (self.old, self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(128)
        form = QFormLayout()
        form.addRow("原密码：", self.old)
        form.addRow("新密码：", self.new)
        form.addRow("确认新密码：", self.again)
        hint = QLabel("至少 8 位，须同时包含字母和数字。")
        hint.setStyleSheet(HINT_STYLE)
        self.error = ErrorLabel()
        self.progress = QLabel()
        self.progress.setStyleSheet(HINT_STYLE)
        self.progress.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Start saving the new password (True when started); the dialog accepts when it is saved."""
        from courtdesk.kernel.people import PeopleService

        if self.new.text() != self.again.text():
            self.error.show_message("确认新密码：与新密码不一致")
            return False
        if not self.ok_button.isEnabled():  # already saving
            return False
        self.error.clear_message()
        people, user, old, new = PeopleService(self.db), self.user, self.old.text(), self.new.text()
        self.ok_button.setEnabled(False)
        ops.run_op(self, lambda: people.change_password(user, old, new), self._saved, self._refused,
                   status=self._show_progress)
        return True

    def _show_progress(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setVisible(bool(text))

    def _saved(self, _result: Any) -> None:
        self.ok_button.setEnabled(True)
        self.user.must_change_password = False
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_message(ops.failure_text(exc))
