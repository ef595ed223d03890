"""系统管理 (administrators only): users — reset password, unlock, roles, new user — and the
court settings form (``courtdesk.kernel.settings.specs()``). Every change is saved through the
operations runner (:mod:`ui.ops`), off the UI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.people import Role, all_roles
from ui import ops
from ui.forms import FormDialog
from ui.widgets import ErrorLabel

HINT_STYLE = "color: #5f6368;"


def _status_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(HINT_STYLE)
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))

USER_COLUMNS = ("用户名", "姓名", "部门", "职务", "角色", "状态")


class RolesDialog(QDialog):
    def __init__(self, ctx: Any, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.setWindowTitle(f"角色 — {user.name}（{user.username}）")
        self.boxes: dict[Role, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("一个人可以同时担任多个角色："))
        for role in all_roles():
            box = QCheckBox(role.label)
            box.setChecked(user.has(role))
            self.boxes[role] = box
            layout.addWidget(box)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.status = _status_label()
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        ok.clicked.connect(self.save)
        self.ok_button = ok
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Start saving the roles (True when started); the dialog accepts when they are saved."""
        from courtdesk.kernel.people import PeopleService

        if not self.ok_button.isEnabled():
            return False
        roles = [r for r, box in self.boxes.items() if box.isChecked()]
        people, actor, user_id = PeopleService(self.ctx.db), self.ctx.user, self.user.id
        self.error.clear_message()
        self.ok_button.setEnabled(False)

        def refused(exc: BaseException) -> None:
            self.ok_button.setEnabled(True)
            self.error.show_message(ops.failure_text(exc))

        def saved(_result: Any) -> None:
            self.ok_button.setEnabled(True)
            self.accept()

        ops.run_op(self, lambda: people.set_roles(actor, user_id, roles), saved, refused,
                   status=lambda text: _show(self.status, text))
        return True


class UsersTab(QWidget):
    changed = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[Any] = []
        self.active_dialog: QWidget | None = None
        self.table = QTableWidget(0, len(USER_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(USER_COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("新建用户…")
        self.reset_button = QPushButton("重置密码…")
        self.unlock_button = QPushButton("解锁")
        self.roles_button = QPushButton("角色…")
        for b, slot in ((self.new_button, self.new_user), (self.reset_button, self.reset_password),
                        (self.unlock_button, self.unlock), (self.roles_button, self.edit_roles)):
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.error = ErrorLabel()
        self.status = _status_label()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        from courtdesk.kernel.people import PeopleService

        with self.ctx.db.read() as s:
            self.users = PeopleService(self.ctx.db).users(s)
            for u in self.users:
                _ = u.roles, u.department
            locked = PeopleService(self.ctx.db).lockouts(s)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            roles = "、".join(r.label for r in sorted(u.roles, key=lambda r: (all_roles() + [r]).index(r))) or "一般工作人员"
            if u.username in locked:
                state = f"已锁定（至 {locked[u.username]:%H:%M}）"
            elif u.must_change_password:
                state = "须修改密码"
            else:
                state = "正常"
            for col, text in enumerate((u.username, u.name, u.department_name, u.title, roles, state)):
                item = QTableWidgetItem(text)
                if col == 5 and state != "正常":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)

    def selected(self) -> Any:
        row = self.table.currentRow()
        if 0 <= row < len(self.users):
            return self.users[row]
        self.error.show_message("请先在列表中选择一个用户")
        return None

    def select_username(self, username: str) -> None:
        for row, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(row)

    def _done(self, text: str) -> None:
        self.error.clear_message()
        self.reload()
        self.changed.emit(text)

    def reset_password(self) -> None:
        from courtdesk.kernel.people import PeopleService

        user = self.selected()
        if user is None:
            return
        fields = (FormField("password", "新密码", "text", max_len=64,
                            help="至少 8 位，须同时包含字母和数字；用户下次登录时须自行修改。"),)
        dialog = FormDialog(self.ctx, f"重置密码 — {user.name}", fields,
                            lambda d: PeopleService(self.ctx.db).reset_password(self.ctx.user, user.id, d["password"]),
                            self, ok_text="重置")
        dialog.accepted.connect(lambda: self._done(f"已重置 {user.name} 的密码"))
        self.active_dialog = dialog
        dialog.open()

    def unlock(self) -> None:
        from courtdesk.kernel.people import PeopleService

        user = self.selected()
        if user is None or not self.unlock_button.isEnabled():
            return
        people, actor = PeopleService(self.ctx.db), self.ctx.user
        self.error.clear_message()
        self.unlock_button.setEnabled(False)

        def refused(exc: BaseException) -> None:
            self.unlock_button.setEnabled(True)
            self.error.show_message(ops.failure_text(exc))

        def unlocked(_result: Any) -> None:
            self.unlock_button.setEnabled(True)
            self._done(f"已解锁 {user.name}")

        ops.run_op(self, lambda: people.unlock(actor, user.id), unlocked, refused,
                   status=lambda text: _show(self.status, text))

    def edit_roles(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = RolesDialog(self.ctx, user, self)
        dialog.accepted.connect(lambda: self._done(f"已更新 {user.name} 的角色"))
        self.active_dialog = dialog
        dialog.open()

    def new_user(self) -> None:
        from courtdesk.kernel.people import PeopleService

        def departments(session: Any, _actor: Any) -> list[tuple[Any, str]]:
            return [(d.id, d.name) for d in PeopleService(self.ctx.db).departments(session)]

        fields = (
            FormField("username", "用户名", "text", max_len=40),
            FormField("name", "姓名", "text", max_len=40),
            FormField("password", "初始密码", "text", max_len=64, help="至少 8 位，须同时包含字母和数字"),
            FormField("department_id", "部门", "choice", required=False, choices=departments),
            FormField("title", "职务", "text", required=False, max_len=40),
            FormField("phone", "电话", "text", required=False, max_len=40),
        )

        def create(d: dict[str, Any]) -> Any:
            if not str(d["password"] or "").strip():
                raise DomainError("初始密码：必填，不能为空", field="初始密码")
            try:
                return PeopleService(self.ctx.db).create_user(
                    self.ctx.user, username=d["username"], name=d["name"], password=d["password"], roles=[],
                    department_id=d["department_id"], title=d["title"], phone=d["phone"],
                )
            except DomainError as exc:
                if exc.field == "新密码":  # the password rule names the field 新密码
                    raise DomainError(str(exc).replace("新密码", "初始密码"), field="初始密码") from exc
                raise

        dialog = FormDialog(self.ctx, "新建用户", fields, create, self)
        dialog.accepted.connect(lambda: self._done("已新建用户（请再为其分配角色）"))
        self.active_dialog = dialog
        dialog.open()


class SettingsTab(QWidget):
    changed = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from courtdesk.kernel import settings

        self.ctx = ctx
        self.specs = settings.specs()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for spec in self.specs:
            edit = QLineEdit()
            edit.setMaxLength(spec.max_len)
            edit.setPlaceholderText(spec.default)
            error = ErrorLabel()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(error)
            self.edits[spec.key] = edit
            self.errors[spec.label] = error
            form.addRow(f"{spec.label}：", holder)
        self.error = ErrorLabel()
        self.status = _status_label()
        save = QPushButton("保存设置")
        save.clicked.connect(self.save)
        self.save_button = save
        body = QWidget()
        body.setMaximumWidth(820)
        inner = QVBoxLayout(body)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        inner.addLayout(row)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.reload()

    def reload(self) -> None:
        from courtdesk.kernel import settings

        with self.ctx.db.read() as s:
            values = settings.get_all(s)
        for key, edit in self.edits.items():
            edit.setText(values.get(key, ""))

    def save(self) -> bool:
        """Start saving the settings (True when started); ``changed`` says when they are saved."""
        from courtdesk.kernel.settings import SettingsService

        if not self.save_button.isEnabled():
            return False
        for label in self.errors.values():
            label.clear_message()
        self.error.clear_message()
        values = {key: edit.text() for key, edit in self.edits.items()}
        service, actor = SettingsService(self.ctx.db), self.ctx.user
        self.save_button.setEnabled(False)

        def refused(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            target = self.errors.get(exc.field or "") if isinstance(exc, DomainError) else None
            (target or self.error).show_message(ops.failure_text(exc))

        def saved(_result: Any) -> None:
            self.save_button.setEnabled(True)
            self.changed.emit("系统设置已保存")

        ops.run_op(self, lambda: service.save(actor, values), saved, refused,
                   status=lambda text: _show(self.status, text))
        return True


class AdminPage(QWidget):
    status_message = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        title = QLabel("系统管理")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.tabs = QTabWidget()
        self.users = UsersTab(ctx)
        self.settings = SettingsTab(ctx)
        self.tabs.addTab(self.users, "用户与角色")
        self.tabs.addTab(self.settings, "法院设置")
        self.users.changed.connect(self.status_message)
        self.settings.changed.connect(self.status_message)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.users.reload()
        self.settings.reload()
