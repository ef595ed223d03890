"""数据位置: where this workstation keeps the database, checkpoints, backups and generated files.

Shows each location and where it comes from (命令行 / 环境变量 / 本机设置 / 本用户设置 / 默认 /
法院设置). Every user may change their own generated-files folder (账号 → 数据位置…); the
administrator (系统管理 → 数据位置) also points this workstation at another database file or at a
PostgreSQL server — 测试连接 runs on a worker thread, 保存 writes the settings file only after the
connection test passed (``courtdesk.kernel.db.locations.save_server`` tests again) — and sets the checkpoint and
backup folders. A database change takes effect at the next start. The files and their rules:
:mod:`courtdesk.kernel.localconfig`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import files, workers
from ui.widgets import ErrorLabel

NEXT_START = "数据库位置的更改在下次启动 CourtDesk 时生效；本次仍使用现在的数据库。"
OK_STYLE = "color: #1b5e20;"
HINT_STYLE = "color: #555;"
PG_ROWS = ("服务器地址", "端口", "数据库名", "用户名", "密码", "test")
LOCKED_TIP = "本机设置已锁定此项（由本机管理员设置），本用户不能更改"


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w)
    return row


class PlacesPage(QWidget):
    """The page; ``admin`` adds the database and the workstation folders to the user's own folder."""

    changed = Signal(str)

    def __init__(self, ctx: Any, admin: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from courtdesk.kernel import localconfig

        self.ctx = ctx
        self.admin = admin
        self.errors: dict[str, ErrorLabel] = {}
        self.table = QTableWidget(4, 3)
        self.table.setHorizontalHeaderLabels(["项目", "位置", "来源"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.files_note = QLabel()
        self.files_note.setWordWrap(True)
        self.files_note.setTextFormat(Qt.TextFormat.RichText)  # the note on origins sets --db and the variable as code
        self.files_note.setStyleSheet(HINT_STYLE)

        # --- every user: their own generated-files folder ------------------------------------------
        self.files_edit = QLineEdit()
        self.files_edit.setPlaceholderText(str(self._documents_default()))
        browse = QPushButton("浏览…")
        browse.clicked.connect(lambda: self._browse(self.files_edit))
        self.files_save = QPushButton("保存我的文件夹")
        self.files_save.clicked.connect(self.save_files_folder)
        self.errors["files_dir"] = ErrorLabel()
        self.files_status = QLabel()
        self.files_status.setStyleSheet(OK_STYLE)
        self.files_status.setWordWrap(True)
        own = QGroupBox("我的生成文件保存文件夹（只影响本用户在本机）")
        own_box = QVBoxLayout(own)
        own_box.addWidget(QLabel("导出的 PDF、Word、Excel 文件的保存对话框首先打开此文件夹（留空：文档/CourtDesk）。"))
        own_box.addLayout(_row(self.files_edit, browse, self.files_save))
        own_box.addWidget(self.errors["files_dir"])
        own_box.addWidget(self.files_status)

        body = QWidget()
        layout = QVBoxLayout(body)
        current = QGroupBox("当前位置")
        current_box = QVBoxLayout(current)
        current_box.addWidget(self.table)
        current_box.addWidget(self.files_note)
        layout.addWidget(current)
        layout.addWidget(own)
        self.station: QGroupBox | None = None
        if admin:
            self.station = self._build_station(localconfig)
            layout.addWidget(self.station)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.reload()

    # --- the administrator's part ----------------------------------------------------------------

    def _build_station(self, localconfig: Any) -> QGroupBox:
        box = QGroupBox("本工作站的数据库与文件夹（系统管理员）")
        form = self.station_form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.scope = QComboBox()
        self.scope.addItem("本用户设置（只对本用户生效）", "user")
        self.scope.addItem("本机设置（本机所有用户；需本机管理员权限）", "machine")
        self.scope.currentIndexChanged.connect(self._fill_station)
        form.addRow("保存到：", self.scope)
        self.kind_sqlite = QRadioButton("本机 SQLite 文件（单台工作站）")
        self.kind_pg = QRadioButton("PostgreSQL 服务器（多台工作站共用）")
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.kind_sqlite)
        self.kinds.addButton(self.kind_pg)
        self.kind_sqlite.toggled.connect(self._kind_changed)
        kind_row = QWidget()
        kind_row.setLayout(_row(self.kind_sqlite, self.kind_pg))
        form.addRow("数据库：", kind_row)

        def field(key: str, label: str, edit: QLineEdit, extra: QWidget | None = None) -> QLineEdit:
            error = ErrorLabel()
            self.errors[key] = error
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(2)
            col.addLayout(_row(edit, extra) if extra is not None else _row(edit))
            col.addWidget(error)
            form.addRow(f"{label}：", holder)
            self.rows[key] = holder
            return edit

        self.rows: dict[str, QWidget] = {}
        self.db_file = QLineEdit()
        self.db_file.setPlaceholderText(str(self._default_db()))
        browse_db = QPushButton("浏览…")
        browse_db.clicked.connect(self._browse_db)
        field("database", "数据库文件", self.db_file, browse_db)
        self.pg_host = field("服务器地址", "服务器地址", QLineEdit())
        self.pg_host.setPlaceholderText("如 10.1.1.5 或 db.court.local")
        self.pg_port = field("端口", "端口", QLineEdit("5432"))
        self.pg_db = field("数据库名", "数据库名", QLineEdit("courtdesk"))
        self.pg_user = field("用户名", "用户名", QLineEdit("courtdesk"))
        self.pg_password = field("密码", "密码", QLineEdit())
        self.pg_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.pg_password.setPlaceholderText("存入仅本用户可读的密码文件，不写进设置文件")
        self.test_button = QPushButton("测试连接")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QWidget()
        test_row.setLayout(_row(self.test_button, self.test_result))
        form.addRow("", test_row)
        self.rows["test"] = test_row
        self.checkpoint_edit = QLineEdit()
        browse_cp = QPushButton("浏览…")
        browse_cp.clicked.connect(lambda: self._browse(self.checkpoint_edit))
        field("checkpoint_dir", "留痕检查点文件夹", self.checkpoint_edit, browse_cp)
        self.backup_edit = QLineEdit()
        browse_bk = QPushButton("浏览…")
        browse_bk.clicked.connect(lambda: self._browse(self.backup_edit))
        field("backup_dir", "每日备份文件夹", self.backup_edit, browse_bk)
        note = QLabel(f"{NEXT_START}留空的项用默认位置；「法院设置」中填写的检查点、备份文件夹优先于这里。")
        note.setWordWrap(True)
        note.setStyleSheet(HINT_STYLE)
        form.addRow("", note)
        self.station_error = ErrorLabel()
        self.station_status = QLabel()
        self.station_status.setWordWrap(True)
        self.station_status.setStyleSheet(OK_STYLE)
        self.station_save = QPushButton("保存")
        self.station_save.clicked.connect(self.save_station)
        form.addRow("", self.station_error)
        form.addRow("", self.station_status)
        save_row = QWidget()
        save_row.setLayout(_row(self.station_save))
        save_row.layout().addStretch(1)  # type: ignore[union-attr]
        form.addRow("", save_row)
        self._fill_station()
        return box

    def _fill_station(self) -> None:
        """The chosen scope's file as it is (its own values, not the merged ones)."""
        from courtdesk.kernel import localconfig

        scope = self.scope.currentData()
        path = localconfig.machine_file() if scope == "machine" else localconfig.user_file()
        values = localconfig.read_file(path)
        database = values.get("database", "")
        srv = localconfig.server_of(database) if "://" in database else None
        self.kind_pg.setChecked(srv is not None)
        self.kind_sqlite.setChecked(srv is None)
        self.db_file.setText("" if srv is not None else database)
        if srv is not None:
            self.pg_host.setText(srv.host)
            self.pg_port.setText(str(srv.port))
            self.pg_db.setText(srv.dbname)
            self.pg_user.setText(srv.user)
        self.checkpoint_edit.setText(values.get("checkpoint_dir", ""))
        self.backup_edit.setText(values.get("backup_dir", ""))
        layers = localconfig.load()
        for key, edit in (("checkpoint_dir", self.checkpoint_edit), ("backup_dir", self.backup_edit),
                          ("database", self.db_file)):
            fixed = scope == "user" and layers.fixed(key)
            edit.setEnabled(not fixed)
            edit.setToolTip(LOCKED_TIP if fixed else "")
        self._kind_changed()

    def _kind_changed(self) -> None:
        """A file's row for SQLite, the server's five rows and 测试连接 for PostgreSQL."""
        pg = self.kind_pg.isChecked()
        form = self.station_form
        for key, row in self.rows.items():
            shown = not pg if key == "database" else (pg if key in PG_ROWS else True)
            row.setVisible(shown)
            label = form.labelForField(row)
            if label is not None:
                label.setVisible(shown)

    def _server(self) -> Any:
        from courtdesk.kernel import localconfig

        return localconfig.server(self.pg_host.text(), self.pg_port.text(), self.pg_db.text(), self.pg_user.text())

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        if self.station is not None:
            self.station_error.clear_message()
            self.station_status.clear()

    def _show_refusal(self, exc: BaseException, fallback: ErrorLabel) -> None:
        from courtdesk.kernel.errors import DomainError, ValidationError
        from courtdesk.kernel.localconfig import LABELS

        by_label = {label: key for key, label in LABELS.items()}
        refusals = exc.every if isinstance(exc, ValidationError) else (exc,)
        for refusal in refusals:
            field = getattr(refusal, "field", None) or ""
            target = self.errors.get(by_label.get(field, field))
            own = getattr(refusal, "own", None) or str(refusal)
            if target is not None and target.parentWidget().isVisibleTo(self):
                target.show_message(own)
            else:
                fallback.show_message(own if isinstance(refusal, DomainError) else
                                      f"出现意外错误（{type(refusal).__name__}）：{refusal}")

    def test_connection(self) -> None:
        """Connect on a worker thread; the result (version, schema) or the refusal at its field."""
        self._clear_errors()
        self.test_result.setStyleSheet(HINT_STYLE)
        try:
            srv = self._server()
        except Exception as exc:  # noqa: BLE001 — a ValidationError, shown at its fields
            self._show_refusal(exc, self.station_error)
            self.test_result.clear()
            return
        from courtdesk.kernel.db import locations

        self.test_button.setEnabled(False)
        self.test_result.setText(f"正在连接 {srv.host}:{srv.port}…")

        def done(report: Any) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setStyleSheet(OK_STYLE)
            self.test_result.setText(report.text(srv))

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText("")
            self._show_refusal(exc, self.station_error)

        workers.run_task(locations.check_connection, srv, self.pg_password.text(), on_done=done, on_error=failed,
                         owner=self)

    def save_station(self) -> None:
        """Write the chosen scope's file (a server only after its connection test passed)."""
        from courtdesk.kernel import localconfig
        from courtdesk.kernel.db import locations

        self._clear_errors()
        scope = self.scope.currentData()
        folders = {key: edit.text() for key, edit in (("checkpoint_dir", self.checkpoint_edit),
                                                      ("backup_dir", self.backup_edit)) if edit.isEnabled()}
        pg = self.kind_pg.isChecked()
        try:
            srv = self._server() if pg else None
        except Exception as exc:  # noqa: BLE001
            self._show_refusal(exc, self.station_error)
            return
        password = self.pg_password.text()
        database = self.db_file.text()

        def work() -> str:
            localconfig.check({**folders, **({} if pg else {"database": database})})
            if srv is not None:
                report, _path = locations.save_server(srv, password, scope)
                path = localconfig.save(folders, scope)
                return f"{report.text(srv)}\n已保存到 {path}。{NEXT_START}"
            path = localconfig.save({**folders, "database": database}, scope)
            return f"已保存到 {path}。{NEXT_START}"

        def done(text: str) -> None:
            self.station_save.setEnabled(True)
            self.station_status.setText(text)
            self.pg_password.clear()
            self.reload()
            self.changed.emit("数据位置已保存（数据库位置下次启动生效）")

        def failed(exc: BaseException) -> None:
            self.station_save.setEnabled(True)
            self._show_refusal(exc, self.station_error)

        self.station_save.setEnabled(False)
        self.station_status.setText("正在检查并保存…" if not pg else "正在测试连接并保存…")
        workers.run_task(work, on_done=done, on_error=failed, owner=self)

    # --- every user's part ----------------------------------------------------------------------

    def save_files_folder(self) -> None:
        """This user's generated-files folder (their own settings file); the next save dialog opens in it."""
        from courtdesk.kernel import localconfig
        from courtdesk.kernel.errors import DomainError

        self._clear_errors()
        self.files_status.clear()
        text = self.files_edit.text().strip()
        try:
            path = localconfig.save({"files_dir": text}, "user")
        except DomainError as exc:
            self._show_refusal(exc, self.errors["files_dir"])
            return
        folder = files.default_folder()
        files.remember_folder(self.ctx.user, folder)  # the next save dialog opens here, not in the last one
        self.files_status.setText(f"已保存（{path}）：导出文件的保存对话框今后先打开 {folder}")
        self.reload()
        self.changed.emit("生成文件保存文件夹已更改")

    def _documents_default(self) -> Path:
        docs = files.documents_folder()
        return docs / files.APP_FOLDER

    def _default_db(self) -> Path:
        from courtdesk.kernel.db import default_sqlite_path

        return default_sqlite_path()

    def _browse(self, edit: QLineEdit) -> None:
        chosen = files.ask_folder(self, "选择文件夹", edit.text() or str(Path.home()))
        if chosen:
            edit.setText(chosen)

    def _browse_db(self) -> None:
        """A new file or an existing database: choosing one that exists opens it, never replaces it."""
        dialog = files.file_dialog(self, "数据库文件", self.db_file.text() or str(self._default_db()),
                                   "SQLite 数据库 (*.sqlite3 *.sqlite *.db)", save=True, confirm_overwrite=False)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, "选择")  # it opens or names a file, saves nothing
        chosen = files.ask(dialog)
        if chosen:
            self.db_file.setText(chosen)

    def reload(self) -> None:
        """The table: each location as it is now, and where it comes from."""
        from courtdesk.kernel import localconfig
        from courtdesk.kernel.db import locations

        rows = [(p.label, p.value, p.origin) for p in locations.places(self.ctx.db)]
        _configured, origin = localconfig.folder("files_dir")
        rows.append((localconfig.LABELS["files_dir"], str(files.default_folder()), origin))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(rows)))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())
        layers = localconfig.load()
        self.files_edit.setText(layers.user.get("files_dir", ""))
        if origin == localconfig.DEFAULT:  # what an empty field means: the folder the table shows
            self.files_edit.setPlaceholderText(str(files.default_folder()))
        fixed = layers.fixed("files_dir")
        self.files_edit.setEnabled(not fixed)
        self.files_save.setEnabled(not fixed)
        self.files_edit.setToolTip(LOCKED_TIP if fixed else "")
        # the option and the variable are set as code (monospace spans): text to type, not words
        self.files_note.setText(
            f"来源的含义：命令行（<code>--db</code>）、环境变量（<code>{html.escape(localconfig.ENV_URL)}</code>）、"
            f"本机设置（{html.escape(str(localconfig.machine_file()))}）、"
            f"本用户设置（{html.escape(str(localconfig.user_file()))}）、法院设置（系统管理 → 法院设置，存于数据库）、默认。")


class PlacesDialog(QDialog):
    """账号 → 数据位置…: the page in a dialog (every user; the administrator sees the whole page)."""

    def __init__(self, ctx: Any, admin: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("数据位置")
        self.page = PlacesPage(ctx, admin=admin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
        self.resize(900, 640 if admin else 420)
