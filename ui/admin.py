"""系统管理 (administrators only): users — new user, roles, reset password, unlock, deactivate and
reactivate (never delete) —, departments (add, rename, deactivate), the court settings form
(``courtdesk.kernel.settings.specs()``) and the audit viewer (操作留痕: filter, difference, export,
校验留痕). Every change is saved through the operations runner (:mod:`ui.ops`), off the UI thread,
by the kernel's services, which check the role and record the change in the audit trail."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.people import BUSINESS, DEPARTMENT_KINDS, Role, all_roles, department_kind_label
from ui import ops
from ui.forms import FormDialog
from ui.widgets import ErrorLabel, mark_invalid

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


def _button_op(tab: Any, button: QPushButton, work: Any, done_text: str) -> None:
    """Run one administrator's change from ``button`` through the operations runner: the tab's buttons
    wait meanwhile, a refusal shows in the tab's error line, success reloads the tab and says
    ``done_text``."""
    tab.error.clear_message()
    tab.busy = True
    button.setEnabled(False)

    def finished() -> None:
        tab.busy = False
        button.setEnabled(True)
        tab.update_buttons()

    def refused(exc: BaseException) -> None:
        finished()
        tab.error.show_message(ops.failure_text(exc))

    def done(_result: Any) -> None:
        finished()
        tab._done(done_text)

    ops.run_op(tab, work, done, refused, status=lambda text: _show(tab.status, text))


def _confirm(parent: QWidget, title: str, text: str, yes_text: str, on_yes: Any) -> QMessageBox:
    """A non-blocking question (window-modal, deleted on close) answered by ``yes_text`` or 取消 (the
    default, also Esc); ``on_yes`` runs only on ``yes_text``. Returned for tests."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(
        lambda clicked: on_yes() if box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole else None)
    box.open()
    return box


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


class _ListTab(QWidget):
    """A tab listing rows (``_items()``) in ``self.table``, with an error line and a reload that keeps
    the selected row's record selected: what the users and the departments tabs share."""

    changed = Signal(str)
    #: What a row is, for 「请先在列表中选择一个…」.
    noun = "记录"
    table: QTableWidget
    error: ErrorLabel
    #: A change started from the tab is being saved (its buttons wait).
    busy = False

    def _items(self) -> list[Any]:
        raise NotImplementedError

    def _fill(self) -> None:
        """Read the rows and put them in the table."""
        raise NotImplementedError

    def update_buttons(self) -> None:
        """Offer the buttons that fit the selected row (none by default)."""

    def reload(self) -> None:
        """Read the rows again. The record selected before stays selected, wherever its row is now;
        when it is no longer listed nothing is selected — a change never moves the selection onto
        another record for the next click to act on."""
        before = self.current()
        self._fill()
        row = next((i for i, item in enumerate(self._items()) if before is not None and item.id == before.id), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)
        self.update_buttons()

    @staticmethod
    def _list_table(columns: Any) -> QTableWidget:
        """A read-only table of whole rows, one selected at a time."""
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        return table

    @staticmethod
    def _button_bar(buttons: Any) -> QHBoxLayout:
        """A row of (button, slot) pairs, left-aligned."""
        bar = QHBoxLayout()
        for button, slot in buttons:
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        return bar

    def _lay_out(self, bar: QHBoxLayout) -> None:
        """The tab: its buttons, the error line, the status line and the table; then the first read."""
        self.error = ErrorLabel()
        self.status = _status_label()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self.update_buttons)
        self.reload()

    def current(self) -> Any:
        """The selected row's record, or None."""
        row = self.table.currentRow()
        items = self._items()
        cell = self.table.item(row, 0) if 0 <= row < len(items) else None
        return items[row] if cell is not None and cell.isSelected() else None

    def selected(self) -> Any:
        """The selected row's record; without one, the tab asks for one and this is None."""
        item = self.current()
        if item is None:
            self.error.show_message(f"请先在列表中选择一个{self.noun}")
        return item

    def _done(self, text: str) -> None:
        self.error.clear_message()
        self.reload()
        self.changed.emit(text)


class UsersTab(_ListTab):
    noun = "用户"

    def _items(self) -> list[Any]:
        return self.users

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[Any] = []
        #: Login name → locked until, for the names locked when the list was read.
        self.locked: dict[str, Any] = {}
        self.active_dialog: QWidget | None = None
        self.table = self._list_table(USER_COLUMNS)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.new_button = QPushButton("新建用户…")
        self.reset_button = QPushButton("重置密码…")
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setToolTip("因连续多次密码错误而暂停登录的账号，可在此提前解锁")
        self.roles_button = QPushButton("角色…")
        self.deactivate_button = QPushButton("停用账号")
        self.reactivate_button = QPushButton("启用账号")
        buttons = self._button_bar((
            (self.new_button, self.new_user), (self.reset_button, self.reset_password),
            (self.unlock_button, self.unlock), (self.roles_button, self.edit_roles),
            (self.deactivate_button, lambda: self.set_active(False)),
            (self.reactivate_button, lambda: self.set_active(True))))
        self.show_inactive = QCheckBox("显示已停用的账号")
        self.show_inactive.setToolTip("账号从不删除：停用后不能登录，其经办记录和留痕照旧保留")
        self.show_inactive.toggled.connect(lambda _on: self.reload())
        buttons.addWidget(self.show_inactive)
        self._lay_out(buttons)

    def _fill(self) -> None:
        from courtdesk.kernel.people import PeopleService

        with self.ctx.db.read() as s:
            self.users = PeopleService(self.ctx.db).users(s, include_inactive=self.show_inactive.isChecked())
            for u in self.users:
                _ = u.roles, u.department
            self.locked = locked = PeopleService(self.ctx.db).lockouts(s)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            roles = "、".join(r.label for r in sorted(u.roles, key=lambda r: (all_roles() + [r]).index(r))) or "一般工作人员"
            if not u.active:
                state = "已停用"
            elif u.username in locked:
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

    def update_buttons(self) -> None:
        """解锁 only for a selected account locked now; 停用 for an active one, 启用 for a deactivated one."""
        user = self.current()
        free = user is not None and not self.busy
        self.unlock_button.setEnabled(free and user.username in self.locked)
        self.deactivate_button.setEnabled(free and user.active)
        self.reactivate_button.setEnabled(free and not user.active)

    def select_username(self, username: str) -> None:
        for row, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(row)

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
        _button_op(self, self.unlock_button, lambda: people.unlock(actor, user.id), f"已解锁 {user.name}")

    def set_active(self, active: bool) -> None:
        """停用 (after the administrator confirms, naming the person) / 启用 the selected account (never
        deleted: its history stays); the person stays selected."""
        from courtdesk.kernel.people import PeopleService

        user = self.selected()
        button = self.reactivate_button if active else self.deactivate_button
        if user is None or not button.isEnabled():
            return
        people, actor = PeopleService(self.ctx.db), self.ctx.user

        def change() -> None:
            _button_op(self, button, lambda: people.set_user_active(actor, user.id, active),
                       f"已{'启用' if active else '停用'} {user.name} 的账号")

        if active:
            change()
            return
        self.active_dialog = _confirm(
            self, "停用账号", f"确定停用账号「{user.name}（{user.username}）」吗？"
            "停用后该用户将无法登录，当前会话在其下一次操作时结束。", "停用", change)

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
            FormField("roles", "角色", "multichoice", required=False,
                      choices=lambda _s, _a: [(r.value, r.label) for r in all_roles()]),
        )

        def create(d: dict[str, Any]) -> Any:
            if not str(d["password"] or "").strip():
                raise DomainError("初始密码：必填，不能为空", field="初始密码")
            try:
                return PeopleService(self.ctx.db).create_user(
                    self.ctx.user, username=d["username"], name=d["name"], password=d["password"],
                    roles=[Role(r) for r in d.get("roles") or []],
                    department_id=d["department_id"], title=d["title"], phone=d["phone"],
                )
            except DomainError as exc:
                if exc.field == "新密码":  # the password rule names the field 新密码
                    raise DomainError(str(exc).replace("新密码", "初始密码"), field="初始密码") from exc
                raise

        dialog = FormDialog(self.ctx, "新建用户", fields, create, self)
        dialog.accepted.connect(lambda: self._done("已新建用户（首次登录时须修改密码）"))
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
        self.choices: dict[str, QComboBox] = {}
        #: Each setting's error line and its input, by the label its refusals name.
        self.errors: dict[str, ErrorLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        #: The settings that name a person (``kind="user"``): a drop-down of the court's people, the
        #: value the account's id.
        self.people: dict[str, QComboBox] = {}
        for spec in self.specs:
            edit = QLineEdit()
            edit.setMaxLength(spec.max_len)
            edit.setPlaceholderText("年-月-日，如 2026-12-01（可空）" if spec.kind == "date" else spec.default)
            if spec.choices:  # a choice: a drop-down instead of the line
                combo = QComboBox()
                combo.addItems(list(spec.choices))
                self.choices[spec.key] = combo
                edit.hide()
            elif spec.kind == "user":
                combo = QComboBox()
                combo.setEditable(False)
                self.people[spec.key] = combo
                self.choices[spec.key] = combo  # shown in the line's place, like a choice
                edit.hide()
            error = ErrorLabel()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(self.choices.get(spec.key, edit))
            box.addWidget(error)
            self.edits[spec.key] = edit
            self.errors[spec.label] = error
            self.inputs[spec.label] = self.choices.get(spec.key, edit)
            form.addRow(f"{spec.label}：", holder)
        self.error = ErrorLabel()
        self.status = _status_label()
        #: The first-run question: settings the court must check that nobody has saved yet.
        self.ask = QLabel()
        self.ask.setWordWrap(True)
        self.ask.setStyleSheet("color: #8a4b00; background: #fff4dc; padding: 6px;")
        save = QPushButton("保存设置")
        save.clicked.connect(self.save)
        self.save_button = save
        body = QWidget()
        body.setMaximumWidth(1100)  # long labels leave the fields room for a court's whole name
        inner = QVBoxLayout(body)
        inner.addWidget(self.ask)
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
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.reload()

    def reload(self) -> None:
        from courtdesk.kernel import settings

        with self.ctx.db.read() as s:
            values = settings.get_all(s)
            unconfirmed = settings.to_confirm(s)
            people = settings.people(s) if self.people else []
        for key, edit in self.edits.items():
            edit.setText(values.get(key, ""))
            if key in self.people:
                combo = self.people[key]
                combo.clear()
                combo.addItem("（无）", "")
                for value, label in people:
                    combo.addItem(label, value)
                combo.setCurrentIndex(max(combo.findData(values.get(key, "")), 0))
            elif key in self.choices:
                self.choices[key].setCurrentText(values.get(key, ""))
        self.ask.setText("请按本院实际核对以下设置并保存（现为出厂默认值或空白）：\n" + "\n".join(
            f"· {spec.label}：{spec.ask}" for spec in unconfirmed))
        self.ask.setVisible(bool(unconfirmed))

    def save(self) -> bool:
        """Start saving the settings (True when started); ``changed`` says when they are saved."""
        from courtdesk.kernel.settings import SettingsService

        if not self.save_button.isEnabled():
            return False
        self.show_refusal(None)
        values = {key: edit.text() for key, edit in self.edits.items()}
        values.update({key: combo.currentText() for key, combo in self.choices.items()})
        values.update({key: str(combo.currentData() or "") for key, combo in self.people.items()})
        service, actor = SettingsService(self.ctx.db), self.ctx.user
        self.save_button.setEnabled(False)

        def refused(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.show_refusal(exc)

        def saved(_result: Any) -> None:
            self.save_button.setEnabled(True)
            self.reload()  # the values as saved, and the question for those still not real
            self.changed.emit("系统设置已保存")

        ops.run_op(self, lambda: service.save(actor, values), saved, refused,
                   status=lambda text: _show(self.status, text))
        return True

    def show_refusal(self, exc: BaseException | None) -> None:
        """Every refusal of one save under its setting, the setting framed in red, the first one
        scrolled into view, and a line by 保存设置 saying how many; ``None`` clears them all."""
        for label in self.errors.values():
            label.clear_message()
        for widget in self.inputs.values():
            mark_invalid(widget, False)
        self.error.clear_message()
        if exc is None:
            return
        general: list[str] = []
        marked: list[QWidget] = []
        for one in exc.every if isinstance(exc, ValidationError) else (exc,):
            text = one.own if isinstance(one, ValidationError) else ops.failure_text(one)
            field = one.field if isinstance(one, DomainError) else None
            if field not in self.errors:
                general.append(text)
                continue
            self.errors[field].show_message(text)
            mark_invalid(self.inputs[field], True)
            marked.append(self.inputs[field])
        if marked:
            general.insert(0, f"未保存：有 {len(marked)} 项设置需要更正（见标红处）")
            self.scroll.ensureWidgetVisible(marked[0])
        self.error.show_message("\n".join(general))


DEPARTMENT_COLUMNS = ("部门名称", "类别", "状态")


class DepartmentsTab(_ListTab):
    """部门: add, rename, deactivate and reactivate (never delete: records keep naming them)."""

    noun = "部门"

    def _items(self) -> list[Any]:
        return self.departments

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.departments: list[Any] = []
        self.active_dialog: QWidget | None = None
        self.table = self._list_table(DEPARTMENT_COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = QPushButton("新增部门…")
        self.rename_button = QPushButton("改名…")
        self.deactivate_button = QPushButton("停用")
        self.reactivate_button = QPushButton("启用")
        self._lay_out(self._button_bar((
            (self.new_button, self.new_department), (self.rename_button, self.rename),
            (self.deactivate_button, lambda: self.set_active(False)),
            (self.reactivate_button, lambda: self.set_active(True)))))

    def _fill(self) -> None:
        from courtdesk.kernel.people import PeopleService

        with self.ctx.db.read() as s:
            self.departments = PeopleService(self.ctx.db).departments(s, include_inactive=True)
        self.table.setRowCount(len(self.departments))
        for row, d in enumerate(self.departments):
            texts = (d.name, department_kind_label(d.kind), "正常" if d.active else "已停用")
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col == 2 and not d.active:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)

    def select_name(self, name: str) -> None:
        for row, d in enumerate(self.departments):
            if d.name == name:
                self.table.selectRow(row)

    def new_department(self) -> None:
        from courtdesk.kernel.people import PeopleService

        fields = (FormField("name", "部门名称", "text", max_len=40),
                  FormField("kind", "类别", "choice", default=BUSINESS,
                            choices=lambda _s, _a: list(DEPARTMENT_KINDS.items())))
        dialog = FormDialog(self.ctx, "新增部门", fields,
                            lambda d: PeopleService(self.ctx.db).create_department(self.ctx.user, d["name"],
                                                                                     d["kind"]),
                            self, ok_text="新增")
        dialog.accepted.connect(lambda: self._done("已新增部门"))
        self.active_dialog = dialog
        dialog.open()

    def rename(self) -> None:
        from courtdesk.kernel.people import PeopleService

        dept = self.selected()
        if dept is None:
            return
        fields = (FormField("name", "部门名称", "text", max_len=40),)
        dialog = FormDialog(self.ctx, f"部门改名 — {dept.name}", fields,
                            lambda d: PeopleService(self.ctx.db).rename_department(self.ctx.user, dept.id, d["name"]),
                            self, ok_text="改名")
        dialog.set_value("name", dept.name)
        dialog.accepted.connect(lambda: self._done(f"已将「{dept.name}」改名"))
        self.active_dialog = dialog
        dialog.open()

    def set_active(self, active: bool) -> None:
        from courtdesk.kernel.people import PeopleService

        dept = self.selected()
        button = self.reactivate_button if active else self.deactivate_button
        if dept is None or not button.isEnabled():
            return
        people, actor = PeopleService(self.ctx.db), self.ctx.user
        _button_op(self, button, lambda: people.set_department_active(actor, dept.id, active),
                   f"已{'启用' if active else '停用'}部门「{dept.name}」")


AUDIT_COLUMNS = ("时间", "操作人", "操作", "登记簿", "记录号", "变化（修改前 → 修改后）", "说明")


def _parse_time(text: str, label: str, end: bool) -> Any:
    """「2026-11-23」 or 「2026-11-23 09:30」 (an end date alone means the whole day)."""
    import datetime as dt

    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            value = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if end and fmt == "%Y-%m-%d":
            value = value.replace(hour=23, minute=59, second=59)
        return value
    raise DomainError(f"{label}：应为 年-月-日 或 年-月-日 时:分，例如 2026-11-23 09:30", field=label)


class BackupsTab(QWidget):
    """数据备份: the daily backups the app keeps (folder, each day's file, size and checkpoint), 立即备份,
    and 从所选备份恢复: after a confirmation naming the backup, :attr:`restore_requested` carries its path
    to the main window, which ends the session so the shell can close this database, restore (every
    check of ``restore_sqlite``; refused while another CourtDesk has it open) and reopen it."""

    changed = Signal(str)
    restore_requested = Signal(object)  # the backup file (Path)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["日期", "大小", "校验与检查点"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.ask_restore)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.found: list[Any] = []
        self.error = ErrorLabel()
        self.restore_hint = QLabel()
        self.restore_hint.setTextFormat(Qt.TextFormat.RichText)
        self.restore_hint.setWordWrap(True)
        self.restore_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.restore_hint)
        self.reload()

    def reload(self) -> None:
        from courtdesk.kernel.db import backup

        db = self.ctx.db
        try:
            folder = backup.backup_folder(db)
        except DomainError as exc:
            self.folder_label.setText(str(exc))
            self.backup_button.setEnabled(False)
            return
        found = self.found = backup.daily_backups(folder)
        self.folder_label.setText(f"每日自动备份文件夹：{folder}（程序每天第一次启动时备份，保留近 7 天、4 周、12 个月；"
                                  "可在「法院设置」中更改文件夹）")
        self.table.setRowCount(len(found))
        for r, b in enumerate(found):
            for c, text in enumerate((b.day.isoformat(), f"{b.size / 1048576:.1f} MB", b.checkpoint or "（缺少检查点：未经校验）")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        latest = f"最近一次备份：{found[0].day.isoformat()}（{found[0].checkpoint}）。" if found else "尚无自动备份。"
        # the command line is shown as code (a monospace span), set apart from the Chinese around it
        command = html.escape(f"python -m courtdesk restore --db {db.path} --from")
        self.restore_hint.setText(
            html.escape(f"{latest}恢复：选中一份备份，点「从所选备份恢复」——先校验备份（完整性、结构版本、留痕），"
                        "现有数据库完整保留一份，恢复后需重新登录；其他工作站须先退出 CourtDesk。")
            + f"也可在所有 CourtDesk 关闭时于命令行运行 <code>{command}</code> 备份文件。")
        self._selection_changed()

    def selected_backup(self) -> Any:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.found[rows.pop()] if len(rows) == 1 and max(rows) < len(self.found) else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def ask_restore(self) -> QMessageBox | None:
        chosen = self.selected_backup()
        if chosen is None:
            return None
        text = (f"用 {chosen.day.isoformat()} 的备份（{chosen.checkpoint or '缺少检查点'}）替换现在的数据库？\n\n"
                "· 备份先经校验（完整性、结构版本、留痕），不通过则不恢复，现有数据不变；\n"
                "· 现有数据库完整保留一份（文件名在恢复后告知），此后录入的内容只在那一份里；\n"
                "· 恢复期间本机退出登录，其他工作站须先退出 CourtDesk，否则拒绝恢复；\n"
                "· 恢复记入操作留痕，次日检查点注明「已从备份恢复」。")
        return _confirm(self, "从备份恢复", text, "恢复", lambda: self.restore_requested.emit(chosen.path))

    def backup_now(self) -> None:
        from courtdesk.kernel import clock
        from courtdesk.kernel.db import backup

        db = self.ctx.db
        self.error.clear_message()

        def work() -> Any:
            folder = backup.backup_folder(db)
            out = backup.backup_sqlite(db, folder / f"courtdesk-backup-{clock.today().isoformat()}.sqlite3")
            backup.thin(folder, clock.today())
            return out

        def done(out: Any) -> None:
            self.reload()
            self.changed.emit(f"备份已写入：{out}")

        ops.run_op(self, work, done, lambda exc: self.error.show_message(str(exc)), busy_text="正在备份…")


class AuditTab(QWidget):
    """操作留痕: filter by person, register, record and time; newest first, 200 at a time (加载更多);
    each entry's difference; export the filtered entries; 校验留痕 with progress, off the UI thread."""

    changed = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox, QProgressBar

        from courtdesk.kernel import auditlog

        self.ctx = ctx
        self.lines: list[Any] = []
        self.filter: Any = auditlog.AuditFilter()
        self.loading = False
        self.verifying = False
        self.exhausted = False
        self.report: Any = None
        self._generation = 0
        self.person = QComboBox()
        self.register = QComboBox()
        self.register.addItem("全部登记簿", None)
        for name, label in auditlog.registers():
            self.register.addItem(label, name)
        self.record = QLineEdit()
        self.record.setPlaceholderText("记录号")
        self.record.setMaximumWidth(90)
        self.since = QLineEdit()
        self.since.setPlaceholderText("起：2026-01-01")
        self.until = QLineEdit()
        self.until.setPlaceholderText("止：2026-12-31")
        for edit in (self.since, self.until):
            edit.setMaximumWidth(140)
        self.search_button = QPushButton("查询")
        self.search_button.clicked.connect(self.search)
        for edit in (self.record, self.since, self.until):
            edit.returnPressed.connect(self.search)
        row = QHBoxLayout()
        for label, widget in (("操作人", self.person), ("登记簿", self.register), ("记录号", self.record),
                              ("时间", self.since), ("至", self.until)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addWidget(self.search_button)
        row.addStretch(1)
        actions = QHBoxLayout()
        self.more_button = QPushButton("加载更多")
        self.more_button.clicked.connect(self.load_more)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.ask_export)
        self.verify_button = QPushButton("校验留痕")
        self.verify_button.setToolTip("逐条核对留痕链和每条记录的现状（只读，不改动任何数据）")
        self.verify_button.clicked.connect(self.verify)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.hide()
        self.count_label = QLabel()
        self.count_label.setStyleSheet(HINT_STYLE)
        for w in (self.more_button, self.export_button, self.verify_button, self.progress):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        self.error = ErrorLabel()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.table = QTableWidget(0, len(AUDIT_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(AUDIT_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for col, width in enumerate((140, 80, 60, 110, 60, 420)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        layout.addWidget(self.table, 1)
        self.reload_people()
        self.search()

    def reload_people(self) -> None:
        from courtdesk.kernel import auditlog

        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("全部人员", None)
        with self.ctx.db.read() as s:
            for user_id, text in auditlog.people(s):
                self.person.addItem(text, user_id)
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(0, index))
        self.person.blockSignals(False)

    def select_person(self, user_id: int | None) -> None:
        self.person.setCurrentIndex(max(0, self.person.findData(user_id)))

    def select_register(self, entity: str | None) -> None:
        self.register.setCurrentIndex(max(0, self.register.findData(entity)))

    def _read_filter(self) -> Any:
        from courtdesk.kernel import auditlog

        record_text = self.record.text().strip()
        if record_text and not record_text.isdigit():
            raise DomainError("记录号：应为数字", field="记录号")
        return auditlog.AuditFilter(
            user_id=self.person.currentData(),
            entity=self.register.currentData(),
            entity_id=int(record_text) if record_text else None,
            since=_parse_time(self.since.text(), "起始时间", end=False),
            until=_parse_time(self.until.text(), "结束时间", end=True),
        )

    def search(self) -> None:
        """Read the first page of the entries the filter selects (in a worker)."""
        self.error.clear_message()
        try:
            flt = self._read_filter()
            flt.where()  # the filter's own refusals, before anything is read
        except DomainError as exc:
            self.error.show_message(str(exc))
            return
        self.filter = flt
        self.lines = []
        self.exhausted = False
        self.table.setRowCount(0)
        self._generation += 1
        self._load()

    def load_more(self) -> None:
        if not self.loading and not self.exhausted:
            self._load()

    def _load(self) -> None:
        from courtdesk.kernel import auditlog
        from ui import workers

        db, actor, flt, generation = self.ctx.db, self.ctx.user, self.filter, self._generation
        before_id = self.lines[-1].id if self.lines else None
        self.loading = True
        self.more_button.setEnabled(False)

        def read() -> list[Any]:
            with db.read() as s:
                return auditlog.entries(s, actor, flt, before_id=before_id)

        def loaded(page: list[Any]) -> None:
            if generation != self._generation:
                return  # a newer search started meanwhile
            self.loading = False
            self.exhausted = len(page) < auditlog.PAGE
            self._append(page)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.more_button.setEnabled(not self.exhausted)
            self.error.show_message(ops.failure_text(exc, "读取留痕"))

        workers.run_task(read, on_done=loaded, on_error=failed, owner=self)

    def _append(self, page: list[Any]) -> None:
        start = len(self.lines)
        self.lines.extend(page)
        self.table.setRowCount(len(self.lines))
        for offset, line in enumerate(page):
            texts = (f"{line.at:%Y-%m-%d %H:%M:%S}", line.user_name, line.action_label, line.entity_label,
                     "" if line.entity_id is None else str(line.entity_id), line.difference, line.comment)
            for col, text in enumerate(texts):
                self.table.setItem(start + offset, col, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.more_button.setEnabled(not self.exhausted)
        more = "" if self.exhausted else "（还有更早的，点「加载更多」）"
        self.count_label.setText(f"已显示 {len(self.lines)} 条{more}")

    def ask_export(self) -> None:
        from courtdesk.kernel import clock
        from ui import files

        path = files.choose_save_path(self, self.ctx.user, "导出留痕", f"操作留痕_{clock.today():%Y%m%d}.xlsx",
                                      files.XLSX_FILTER)
        if path:
            self.export_xlsx(path)

    def export_xlsx(self, path: Any) -> Any:
        """Export the entries the current filter selects (all of them, not only those shown)."""
        from courtdesk.kernel import auditlog
        from ui import workers

        db, actor, flt = self.ctx.db, self.ctx.user, self.filter
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()

        def work(report: Any = None) -> int:
            with db.read() as s:
                return auditlog.export_xlsx(s, actor, flt, path, progress=report)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self.progress.hide()
            self.changed.emit(f"已导出 {count} 条留痕到 {path}")

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.progress.hide()
            self.error.show_message(ops.failure_text(exc, "导出"))

        return workers.run_task(work, on_done=done, on_error=failed, on_progress=self._progress, owner=self)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def verify(self) -> None:
        """校验留痕 on a worker thread (reads only), with progress; the result is shown below."""
        from courtdesk.kernel import audit
        from ui import workers

        if self.verifying:
            return
        db = self.ctx.db
        self.verifying = True
        self.verify_button.setEnabled(False)
        self.result.hide()
        self.progress.setRange(0, 0)
        self.progress.show()

        def work(report: Any = None) -> Any:
            with db.engine.connect() as conn:
                try:
                    return audit.verify(conn, progress=report)
                except TypeError:  # an older verify without progress
                    return audit.verify(conn)

        def done(result: Any) -> None:
            self.verifying = False
            self.report = result
            self.verify_button.setEnabled(True)
            self.progress.hide()
            self.result.setText(verify_text(result))
            self.result.setStyleSheet("color: #1e7e34;" if result.ok else "color: #b00020;")
            self.result.show()
            self.changed.emit("留痕校验完成" if result.ok else "留痕校验发现问题")

        def failed(exc: BaseException) -> None:
            self.verifying = False
            self.verify_button.setEnabled(True)
            self.progress.hide()
            self.error.show_message(ops.failure_text(exc, "校验"))

        workers.run_task(work, on_done=done, on_error=failed, on_progress=self._progress, owner=self)


def verify_text(report: Any, shown: int = 20) -> str:
    """The verification's result in words: all good, or each problem (the first ``shown``)."""
    entries = getattr(report, "entries", 0)
    problems = list(getattr(report, "problems", None) or [])
    if not problems and not report.ok:  # an older report: chain break and row problems as text
        broken = getattr(report, "first_broken", None)
        if broken is not None:
            problems.append(f"第 {broken} 条留痕：{getattr(report, 'broken_reason', '')}")
        problems.extend(getattr(report, "row_problems", []) or [])
    if report.ok:
        return f"校验通过：共 {entries} 条留痕，留痕链完整，各登记簿的现状与其最后一条留痕一致。"
    lines = [f"校验发现 {len(problems)} 处问题（共 {entries} 条留痕）："]
    lines += [f"· {p}" for p in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"……另有 {len(problems) - shown} 处，请用命令 verify-audit 查看全部")
    return "\n".join(lines)


class AdminPage(QWidget):
    status_message = Signal(str)
    restore_requested = Signal(object)  # relayed from 数据备份

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        title = QLabel("系统管理")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.tabs = QTabWidget()
        self.users = UsersTab(ctx)
        self.departments = DepartmentsTab(ctx)
        self.settings = SettingsTab(ctx)
        self.audit = AuditTab(ctx)
        self.backups = BackupsTab(ctx)
        from ui.places import PlacesPage

        self.places = PlacesPage(ctx, admin=True)
        self.tabs.addTab(self.users, "用户与角色")
        self.tabs.addTab(self.departments, "部门")
        self.tabs.addTab(self.settings, "法院设置")
        self.tabs.addTab(self.audit, "操作留痕")
        self.tabs.addTab(self.backups, "数据备份")
        self.tabs.addTab(self.places, "数据位置")
        for tab in (self.users, self.departments, self.settings, self.audit, self.backups, self.places):
            tab.changed.connect(self.status_message)
        self.backups.restore_requested.connect(self.restore_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.users.reload()
        self.departments.reload()
        self.settings.reload()
        self.audit.reload_people()
        self.backups.reload()
        self.places.reload()
