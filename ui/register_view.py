"""One page class for every register: search, preset filters, dates, the paged table, the detail
panel with the workflow actions, 新建, the register's commands, 导出Excel and (when the core has it)
打印登记簿.

A register gets its page from its :class:`courtdesk.kernel.registers.RegisterSpec` alone: ``spec.act`` runs a
workflow action through the area's service, and each transition's ``fields`` say what the action asks
for (e.g. 盖章登记's time and count). Each of the register's commands the user may run
(``recorddocs.commands``: the declared ones, then 打印… of each document printed for a selection) is a
button on the action bar, enabled when the table's selection fits it (the table allows selecting several rows with
Ctrl/Shift; the detail panel shows the current row). A command opens the same generic form with the
command's fields, runs through the operations runner (``ui.ops``, quick ones) or in a worker with a
progress dialog and 取消 (``long``), then shows its message and previews what it made. Every write
(新建, workflow actions, 修改, commands) runs off the UI thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.registers import (
    OUTPUT_KEY,
    SEARCH_MAX,
    Command,
    CommandResult,
    RegisterQuery,
    RegisterSpec,
    command_fields,
    create_record,
    edit_record,
    run_command,
    unfit_count,
)
from ui import state, workers
from ui.detail import RecordDetailPanel
from ui.forms import PENDING, FormDialog
from ui.register_model import RegisterTableModel
from ui.widgets import guard_wheel, message

SEARCH_DELAY_MS = 300


def header_state_key(spec: RegisterSpec) -> str:
    """Where a user's column widths and sort of a register are kept. Qt restores them by position,
    so the key names the register's columns: after an upgrade adds or moves a column, a layout saved
    for the old columns is not put on the wrong ones (the register opens with its default layout)."""
    columns = hashlib.sha1("|".join(c.key for c in spec.columns).encode()).hexdigest()[:10]
    return f"registers/{spec.key}/header/{columns}"


#: Above this many selected rows the command buttons are not checked row by row (``Command.applies``);
#: the run itself refuses rows that do not fit.
FIT_CHECK_LIMIT = 2000


def _unfit_counts(db: Any, actor: Any, spec: RegisterSpec, commands: list[Command], ids: list[int]) -> dict[str, int]:
    """Worker side: per command, how many of the selected rows it cannot be run on now."""
    with db.read() as s:
        return {c.key: unfit_count(s, actor, spec, c, ids) for c in commands}
#: The detail panel's width until the user drags it (then remembered per user and register).
DETAIL_WIDTH = 380
_NO_DATE = QDate(2000, 1, 1)


def register_book_printer() -> Callable[..., int] | None:
    """The printed 登记簿 writer, when the core provides ``courtdesk.kernel.printing.register_document``
    (the 打印登记簿 button is hidden otherwise)."""
    try:
        from courtdesk.kernel import printing
    except ImportError:
        return None
    if not hasattr(printing, "register_document"):
        return None
    from ui.preview import print_register

    return print_register


def _file_job(db: Any, actor: Any, query: RegisterQuery, path: str, writer: Callable[..., int], *,
              cancel: threading.Event, report: Callable[[int, int], None]) -> int:
    with db.read() as s:
        return writer(s, actor, query, path, progress=report, cancel=cancel)


def _command_job(db: Any, actor: Any, spec: RegisterSpec, command: Command, ids: list[int],
                 data: dict[str, Any], *, cancel: threading.Event, report: Callable[[int, int], None]) -> Any:
    return run_command(db, actor, spec, command, ids, data, progress=report, cancel=cancel)


def _export_xlsx(*args: Any, **kwargs: Any) -> int:
    from courtdesk.kernel.exporting import export_xlsx  # openpyxl loads only when somebody exports

    return export_xlsx(*args, **kwargs)


class RegisterTable(QTableView):
    """The table; says so in words when the filter finds nothing."""

    empty_text = "没有符合条件的记录"

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and not getattr(model, "loading", False):
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#80868b"))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()


class RegisterPage(QWidget):
    #: A line for the main window's status bar.
    status_message = Signal(str)
    #: Number of rows written by the last export / print.
    exported = Signal(int)
    #: A command finished (its CommandResult).
    command_finished = Signal(object)

    def __init__(self, ctx: Any, spec: RegisterSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        self.active_dialog: QWidget | None = None
        self.last_export: tuple[str, int] | None = None
        self.preview: QWidget | None = None
        self.last_error: str = ""
        self.last_result: CommandResult | None = None
        #: The progress dialog of the running long command, and the last (done, total) it showed.
        self.command_progress: QProgressDialog | None = None
        self.last_progress: tuple[int, int] | None = None
        self._select_id: int | None = None
        self._query_changed = False
        self._pending_row: int | None = None
        self._fit_generation = 0  # the selection whose command check is awaited
        self._columns_fitted = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_query)

        # --- toolbar ---
        self.search = QLineEdit()
        self.search.setMaxLength(SEARCH_MAX)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("检索（多个词用空格分开）  Ctrl+F")
        self.search.setMinimumWidth(200)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_query)
        self.filter_combo = QComboBox()
        guard_wheel(self.filter_combo)
        self.filter_combo.addItem("全部", None)
        for f in spec.filters:
            self.filter_combo.addItem(f.label, f.key)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.date_from = self._date_edit("起")
        self.date_to = self._date_edit("止")
        # Parented at once: setVisible(True) on a parentless widget would flash it as a window.
        self.new_button = QPushButton(spec.create_label, self)
        self.new_button.setToolTip(f"{spec.create_label}（Ctrl+N）")
        self.new_button.clicked.connect(self.new_record)
        self.can_create = spec.can_create(ctx.user) and bool(spec.form)
        self.new_button.setVisible(self.can_create)
        self.export_button = QPushButton("导出Excel")
        self.export_button.clicked.connect(self.choose_export_file)
        self.print_button = QPushButton("打印登记簿", self)
        self.print_button.clicked.connect(self.choose_print_file)
        self.print_button.setVisible(register_book_printer() is not None)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("刷新（F5）")
        self.refresh_button.clicked.connect(self.refresh)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel("筛选："))
        bar.addWidget(self.filter_combo)
        if spec.date_expr is not None:
            bar.addWidget(QLabel("日期："))
            bar.addWidget(self.date_from)
            bar.addWidget(QLabel("至"))
            bar.addWidget(self.date_to)
        else:
            self.date_from.hide()
            self.date_to.hide()
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.refresh_button)

        title = QLabel(spec.title)
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.count_label = QLabel("加载中…")
        self.count_label.setStyleSheet("color: #5f6368;")
        self.info = QLabel()
        self.info.setStyleSheet("color: #137333;")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.count_label)
        heading.addStretch(1)
        heading.addWidget(self.info)

        # --- action bar: 新建 and the register's commands ---
        self.command_buttons: dict[str, QPushButton] = {}
        self.commands: dict[str, Command] = {}
        self.command_tips: dict[str, str] = {}
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        from courtdesk.kernel import recorddocs

        for command in recorddocs.commands(spec):
            if not command.allowed(ctx.user):
                continue
            button = QPushButton(command.label)
            tip = command.help or command.label
            need = {"one": "选中一条记录后可用", "many": "选中一条或多条记录后可用（Ctrl/Shift 多选）"}
            tip += f"\n{need[command.selection]}" if command.selection in need else ""
            button.setToolTip(tip)
            self.command_tips[command.key] = tip
            button.clicked.connect(lambda _c=False, c=command: self.start_command(c))
            actions.addWidget(button)
            self.command_buttons[command.key] = button
            self.commands[command.key] = command
        self.selection_label = QLabel()
        self.selection_label.setStyleSheet("color: #5f6368;")
        actions.addWidget(self.selection_label)
        actions.addStretch(1)
        self.action_bar = QWidget(self)
        self.action_bar.setLayout(actions)
        actions.setContentsMargins(0, 0, 0, 0)
        self.action_bar.setVisible(self.can_create or bool(self.command_buttons))

        # --- table and detail ---
        self.query = RegisterQuery(spec)
        self.model = RegisterTableModel(ctx.db, ctx.user, self.query, self)
        self.model.counted.connect(self._counted)
        self.model.previewed.connect(self._previewed)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.load_failed.connect(self._load_failed)
        self.table = RegisterTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vheader = self.table.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 10)
        vheader.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        column, order = self.model.sort_column()
        header.setSortIndicator(column, order)
        self.table.setSortingEnabled(True)  # header clicks call model.sort → ORDER BY in SQL
        self._size_columns()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_selected(cur.row()))
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._selection_changed())
        self.model.modelReset.connect(self._selection_changed)
        self.detail = RecordDetailPanel(ctx, spec)
        self.table.doubleClicked.connect(lambda _i: self.detail.setFocus())
        self.detail.action_requested.connect(self.start_action)
        self.detail.edit_requested.connect(self.start_edit)
        self.detail.info.connect(self.show_info)
        self.detail.show_in_all_requested.connect(self.show_in_all)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        #: The detail panel's width, kept per user and register; the panel shows only while a record
        #: is selected, so with none the table has the whole width (状态 stays on screen at 1366 px).
        self.detail_width = state.load_int(ctx.user, f"registers/{spec.key}/detail_width", DETAIL_WIDTH)
        self.splitter.setSizes([900, self.detail_width])
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._detail_resized())
        self.detail.hide()
        self._restore_columns()
        header.sectionResized.connect(lambda *_a: self._save_columns_later())
        header.sortIndicatorChanged.connect(lambda *_a: self._save_columns_later())

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(bar)
        layout.addWidget(self.action_bar)
        layout.addWidget(self.splitter, 1)
        self._selection_changed()

    # --- what this user's layout was last time (ui.state) -----------------------------------------

    def _restore_columns(self) -> None:
        saved = state.load_bytes(self.ctx.user, header_state_key(self.spec))
        header = self.table.horizontalHeader()
        if saved is not None and header.restoreState(saved):
            self._columns_fitted = True  # the user's own widths, not fitted to the first rows
            column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
            if 0 <= column < len(self.spec.columns):
                self.model.sort(column, order)

    def _save_columns_later(self) -> None:
        if not hasattr(self, "_columns_timer"):
            self._columns_timer = QTimer(self)
            self._columns_timer.setSingleShot(True)
            self._columns_timer.setInterval(400)
            self._columns_timer.timeout.connect(
                lambda: state.save_bytes(self.ctx.user, header_state_key(self.spec),
                                         self.table.horizontalHeader().saveState()))
        self._columns_timer.start()

    def _detail_resized(self) -> None:
        if self.detail.isVisible():
            self.detail_width = self.splitter.sizes()[1]
            state.save_int(self.ctx.user, f"registers/{self.spec.key}/detail_width", self.detail_width)

    def _show_detail(self, shown: bool) -> None:
        if shown == self.detail.isVisibleTo(self):
            return
        if shown:
            total = sum(self.splitter.sizes())
            self.detail.show()
            self.splitter.setSizes([max(200, total - self.detail_width), self.detail_width])
            self.update()  # X left a sliver of the wider table's header at the page's edge unpainted
        else:
            self.detail.hide()

    def _date_edit(self, what: str) -> QDateEdit:
        edit = QDateEdit()
        guard_wheel(edit)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText("不限")
        edit.setDate(_NO_DATE)
        edit.setToolTip(f"日期{what}（选择最早日期即为不限）")
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        edit.calendarWidget().installEventFilter(self)
        edit.dateChanged.connect(lambda _d: self.apply_query())
        return edit

    def eventFilter(self, obj: Any, event: Any) -> bool:
        # A date box showing 不限 would open its calendar in the year 2000: open it at today.
        if event.type() == QEvent.Type.Show:
            for edit in (self.date_from, self.date_to):
                if obj is edit.calendarWidget() and edit.date() == _NO_DATE:
                    today = clock.today()
                    obj.setCurrentPage(today.year, today.month)
        return super().eventFilter(obj, event)

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        unit = fm.horizontalAdvance("中") * 0.72  # Column.width counts roughly Latin-width characters
        header = self.table.horizontalHeader()
        for i, col in enumerate(self.spec.columns):
            label = fm.horizontalAdvance(col.label) + 28
            header.resizeSection(i, max(label, int(col.width * unit) + 12))

    # --- query from the toolbar -----------------------------------------------------------------

    @staticmethod
    def _date(edit: QDateEdit) -> dt.date | None:
        d = edit.date()
        if d == _NO_DATE:
            return None
        return dt.date(d.year(), d.month(), d.day())

    def current_query(self) -> RegisterQuery:
        return self.model.query.with_(
            search=self.search.text().strip(),
            filter_key=self.filter_combo.currentData(),
            date_from=self._date(self.date_from),
            date_to=self._date(self.date_to),
        )

    def apply_query(self) -> None:
        self._search_timer.stop()
        query = self.current_query()
        if query != self.model.query:
            self.count_label.setText("加载中…")
            self._query_changed = True
            self.model.set_query(query)

    def set_filter(self, filter_key: str | None) -> None:
        """Select a preset filter (used by the dashboard)."""
        at = self.filter_combo.findData(filter_key)
        self.filter_combo.setCurrentIndex(max(at, 0))
        self.apply_query()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        current = self.detail.record_id
        if current is not None:
            self._select_id = current
            self.detail.reload()
        self.count_label.setText("加载中…")
        self.model.reload()

    # --- table events ---------------------------------------------------------------------------

    def _fit_columns(self) -> None:
        """Once, when the first rows arrive: widen columns whose loaded content is wider (capped).

        Measured on the rows already read (not ``sizeHintForColumn``, which would ask the model
        for a thousand rows and load pages nobody looks at)."""
        self._columns_fitted = True
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        em = fm.horizontalAdvance("中")
        rows = [self.model.row_values(r) for r in range(min(self.model.rowCount(), self.model.page_size))]
        for i, column in enumerate(self.spec.columns[:-1]):  # the last column stretches anyway
            # at most 14 characters, or the width the register declares for the column (a seal's
            # whole name: 「廊坊经济技术开发区人民法院办公室」)
            cap = em * max(14, column.width)
            texts = {values[i] for values in rows if values}
            widest = max((fm.horizontalAdvance(t) for t in texts), default=0)
            wanted = min(cap, widest + 16)
            if wanted > header.sectionSize(i):
                header.resizeSection(i, wanted)

    def _previewed(self, shown: int) -> None:
        if shown and not self._columns_fitted:
            self._fit_columns()
        self.count_label.setText(f"正在统计条数…（先显示前 {shown:,} 条）" if shown else "加载中…")

    def _counted(self, total: int) -> None:
        if total and not self._columns_fitted:
            self._fit_columns()
        described = self.model.query.describe()
        self.count_label.setText(f"共 {total:,} 条" + ("" if described == "全部记录" else f"（{described}）"))
        column, order = self.model.sort_column()
        header = self.table.horizontalHeader()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            header.blockSignals(True)
            header.setSortIndicator(column, order)
            header.blockSignals(False)
        if self._select_id is not None:
            row = self.model.row_of(self._select_id)
            wanted, self._select_id = self._select_id, None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                self.detail.set_outside(None)
            elif wanted == self.detail.record_id:  # a step moved it out of what this list finds
                self.detail.set_outside(self.model.query.describe())
        elif self._query_changed and self.detail.record_id is not None and self.model.row_of(self.detail.record_id) is None:
            self.detail.clear()  # the record shown is not among what the new filter finds
            self._show_detail(False)
        self._query_changed = False
        self._selection_changed()  # the rows may have changed state (a step taken, another workstation)

    def _page_loaded(self, _page: int) -> None:
        if self._pending_row is not None and self.model.is_loaded(self._pending_row):
            row, self._pending_row = self._pending_row, None
            self._row_selected(row)

    def _load_failed(self, text: str) -> None:
        self.count_label.setText("读取失败")
        self.last_error = text
        message(self, self.spec.title, f"读取登记簿失败：{text}")

    def _row_selected(self, row: int) -> None:
        if row < 0:
            return
        self._select_id = None  # the user's choice wins over a reselection still pending from a reload
        record_id = self.model.record_id(row)
        if record_id is None:
            self._pending_row = row
            self.model.fetch_row(row)
            return
        # Always reload: someone else may have acted on this record since it was last shown.
        self._show_detail(True)
        self.detail.show_record(record_id, self.model.row_values(row))

    def show_in_all(self) -> None:
        """「在全部记录中显示」: no search, no filter, no dates; the record shown selected again."""
        record_id = self.detail.record_id
        if record_id is None:
            return
        for widget in (self.search, self.filter_combo, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.search.clear()
        self.filter_combo.setCurrentIndex(0)
        self.date_from.setDate(_NO_DATE)
        self.date_to.setDate(_NO_DATE)
        for widget in (self.search, self.filter_combo, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.apply_query()
        self._select_id = record_id  # after apply_query, which forgets a pending selection

    def select_record(self, record_id: int) -> bool:
        """Select a record's row if it is among the loaded rows."""
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # --- writing --------------------------------------------------------------------------------

    def new_record(self) -> FormDialog | None:
        spec = self.spec
        if not self.can_create:
            return None
        dialog = FormDialog(self.ctx, f"{spec.create_label} — {spec.title}", spec.form,
                            lambda data: create_record(self.ctx.db, self.ctx.user, spec, data), self)
        dialog.accepted.connect(lambda: self._created(dialog.result_value))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _created(self, record: Any) -> None:
        record_id = getattr(record, "id", None)
        number = getattr(record, "number", "") or ""
        self.show_info(f"已保存{('：' + number) if number else ''}")
        if record_id is not None:
            self._select_id = record_id
            self._show_detail(True)
            self.detail.show_record(record_id, None)
        self.model.reload()

    def start_action(self, transition: Any) -> FormDialog | None:
        record_id = self.detail.record_id
        act = self.spec.act
        if record_id is None:
            return None
        if act is None:
            message(self, transition.label, f"「{self.spec.title}」尚未接入办理功能（缺少 act）")
            return None
        from dataclasses import replace

        suggested = self.detail.details.step_values.get(transition.action, {}) if self.detail.details else {}
        fields: tuple[FormField, ...] = tuple(replace(f, default=suggested[f.key]) if f.key in suggested else f
                                              for f in transition.fields)
        comment = FormField(
            "comment", "意见", "multiline", required=transition.comment_required, max_len=500,
            help="必填：请写明意见或理由" if transition.comment_required else "可不填",
        )
        heading = self.detail.heading.text()
        version = self.detail.details.version if self.detail.details is not None else None
        intro = f"对「{heading}」执行「{transition.label}」。"
        if transition.rule:
            intro += f"\n依据：{transition.rule}"
        facts = self.detail.details.facts if self.detail.details is not None else []
        if facts:  # what the decision rests on, in the dialog where it is taken
            intro += "\n\n" + "\n".join(f"{label}：{text}" for label, text in facts)

        def submit(data: dict[str, Any]) -> Any:
            text = data.pop("comment", "") or ""
            # The version the panel showed: a record someone else changed meanwhile is refused
            # (StaleRecord) and this dialog stays open with what the user typed.
            data["expected_version"] = version
            return act(self.ctx.db, self.ctx.user, record_id, transition.action, text, data)

        offered = self.detail.details.step_choices.get(transition.action) if self.detail.details else None
        dialog = FormDialog(self.ctx, f"{transition.label} — {heading}", (*fields, comment), submit, self,
                            intro=intro, ok_text=transition.label, choices=offered)
        dialog.accepted.connect(lambda: self._changed(
            record_id, f"已{transition.label}：{getattr(dialog.result_value, 'number', None) or heading}"))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def start_edit(self) -> FormDialog | None:
        """修改 the shown record: its editable fields filled in, a required 修改原因; the save carries
        the version the panel showed."""
        from dataclasses import replace

        from courtdesk.kernel.editing import REASON, REASON_MAX

        details, edit = self.detail.details, self.spec.edit
        record_id = self.detail.record_id
        if record_id is None or details is None or edit is None or not details.can_edit:
            return None
        fields = tuple(replace(f, default=details.edit_values.get(f.key, f.default)) for f in edit.fields)
        reason = FormField("reason", REASON, "multiline", max_len=REASON_MAX, help="必填：请写明为何修改")
        heading = self.detail.heading.text()
        version, state = details.version, details.state
        spec = self.spec

        def submit(data: dict[str, Any]) -> Any:
            why = data.pop("reason", "") or ""
            return edit_record(self.ctx.db, self.ctx.user, spec, record_id, data, why, version)

        dialog = FormDialog(self.ctx, f"{edit.label} — {heading}", (*fields, reason), submit, self,
                            intro=f"修改「{heading}」的登记内容，修改原因将记入办理经过。", ok_text="保存修改",
                            state=state)
        dialog.accepted.connect(lambda: self._changed(record_id, f"已修改：{heading}"))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _changed(self, record_id: int, text: str) -> None:
        self.show_info(text)
        self._select_id = record_id
        self.detail.reload()
        self.model.reload()

    # --- commands -------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows in table order, from the view's id snapshot (a selected row whose
        page is not read yet counts too; a record gone since is refused by the command's checks)."""
        ids = self.model.ids
        ranges = self.table.selectionModel().selection()
        rows = sorted({row for r in ranges for row in range(r.top(), r.bottom() + 1)})
        return [int(ids[row]) for row in rows if row < len(ids)]

    def selected_count(self) -> int:
        """Selected rows, counted from the selection's ranges (Ctrl+A on a million rows stays quick)."""
        ranges = self.table.selectionModel().selection()
        total = sum(r.height() for r in ranges)
        if total > 10000:
            return total
        return len({row for r in ranges for row in range(r.top(), r.bottom() + 1)})

    def _selection_changed(self) -> None:
        """Enable each command whose selection fits: the right number of rows and, for a command
        with ``applies``, every selected row one it can be run on now. That check is a query, run in
        a worker; such a button waits disabled for its answer (and the page says how many rows do
        not fit)."""
        count = self.selected_count()
        self._fit_generation += 1
        if self.command_progress is not None:  # a long command is running: no second one meanwhile
            for button in self.command_buttons.values():
                button.setEnabled(False)
            return
        checks: list[Command] = []
        for key, button in self.command_buttons.items():
            command = self.commands[key]
            enabled = command.accepts(count)
            if enabled and command.applies is not None and count <= FIT_CHECK_LIMIT:
                checks.append(command)
                enabled = False  # until the check answers
            button.setEnabled(enabled)
            button.setToolTip(self.command_tips[key])
        self.selection_label.setText(f"已选 {count} 条" if count > 1 else "")
        if checks:
            gen = self._fit_generation
            workers.run_task(
                _unfit_counts, self.ctx.db, self.ctx.user, self.spec, checks, self.selected_ids(), owner=self,
                on_done=lambda unfit: self._fitted(gen, count, unfit),
                # the file is busy: leave the buttons to the run, which refuses with its reason
                on_error=lambda _exc: self._fitted(gen, count, {c.key: 0 for c in checks}))

    def _fitted(self, gen: int, count: int, unfit: dict[str, int]) -> None:
        if gen != self._fit_generation or self.command_progress is not None:
            return  # the selection changed meanwhile, or a command started
        notes: list[str] = []
        for key, n in unfit.items():
            command, button = self.commands[key], self.command_buttons[key]
            button.setEnabled(n == 0)
            if n:
                button.setToolTip(f"{self.command_tips[key]}\n所选记录现在不能「{command.label}」")
                if count > 1 and command.note_unfit:  # one record's own next steps are in its detail panel
                    notes.append(f"其中 {n} 条现在不能「{command.label}」")
        shown = [f"已选 {count} 条"] if count > 1 else []
        self.selection_label.setText("；".join(shown + notes))

    def start_command(self, command: Command) -> FormDialog | None:
        """Open the command's form for the current selection (refusals of the selection in a message)."""
        ids = self.selected_ids()
        user = self.ctx.user
        try:
            with self.ctx.db.read() as s:
                fields = command_fields(s, user, self.spec, command, ids)
                intro = command.describe(s, user, ids)
                file_name = command.output(s, user, ids) if command.output is not None else None
        except DomainError as exc:
            self.last_error = str(exc)
            message(self, command.label, str(exc))
            return None
        chosen: dict[str, str] = {}
        if file_name is not None and not command.long:
            # a quick command runs off the UI thread: ask where its file goes before the form
            path = self._ask_output(command, file_name)
            if path is None:
                return None
            chosen[OUTPUT_KEY] = path

        def submit(data: dict[str, Any]) -> Any:
            if not command.long:
                return run_command(self.ctx.db, user, self.spec, command, ids, {**data, **chosen})
            if file_name is not None:  # a batch asks where its file goes before it starts
                path = self._ask_output(command, file_name)
                if path is None:
                    raise DomainError("保存位置：没有选择文件，尚未制作（再点一次可重新选择）", field="保存位置")
                data = {**data, OUTPUT_KEY: path}
            self._run_long(command, ids, data, dialog)
            return PENDING

        # A quick command runs on the operations thread like any save; a long one only starts its own
        # worker (progress, 取消) from the UI thread.
        dialog = FormDialog(self.ctx, f"{command.label} — {self.spec.title}", fields, submit, self, intro=intro,
                            ok_text=command.ok_text or command.label, background=not command.long)
        dialog.accepted.connect(lambda: self._command_done(command, dialog.result_value))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _ask_output(self, command: Command, file_name: str) -> str | None:
        """Where the command's file goes (the save dialog, in the user's last folder)."""
        from ui import files

        suffix = Path(file_name).suffix.lower()
        file_filter = {".pdf": files.PDF_FILTER, ".docx": files.DOCX_FILTER, ".xlsx": files.XLSX_FILTER}.get(
            suffix, f"文件 (*{suffix})")
        return files.choose_save_path(self, self.ctx.user, f"{command.label} — 保存到", file_name, file_filter)

    def _run_long(self, command: Command, ids: list[int], data: dict[str, Any], dialog: FormDialog) -> workers.Task:
        cancel = threading.Event()
        progress = QProgressDialog(f"{command.label}：准备中…", "取消", 0, 0, dialog)
        progress.setWindowTitle(command.label)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setMinimumWidth(420)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(cancel.set)
        progress.canceled.connect(lambda: progress.setLabelText(f"{command.label}：正在取消…"))
        self.command_progress = progress
        self.last_progress = None
        for button in self.command_buttons.values():
            button.setEnabled(False)
        progress.show()

        def on_progress(done: int, total: int) -> None:
            self.last_progress = (done, total)
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, total))
            if not cancel.is_set():
                progress.setLabelText(f"{command.label}：已完成 {done:,} / {total:,}")

        def finish() -> None:
            progress.canceled.disconnect()
            progress.close()
            progress.deleteLater()
            self.command_progress = None
            self._selection_changed()

        def done(result: CommandResult) -> None:
            finish()
            dialog.finish(result)

        def failed(exc: BaseException) -> None:
            finish()
            self.last_error = str(exc)
            dialog.fail(exc)

        return workers.run_task(_command_job, self.ctx.db, self.ctx.user, self.spec, command, ids, data,
                                cancel=cancel, on_progress=on_progress, owner=self, on_done=done, on_error=failed)

    def _command_done(self, command: Command, result: CommandResult) -> None:
        self.last_result = result
        self.show_info(result.message)
        if result.pdf_path:  # saved where the user chose (or a scratch file): the preview shows it
            self.open_preview(result.pdf_path, command.label, temporary=result.temporary)
        elif result.document is not None:
            self._preview_document(command.label, *result.document)
        else:
            message(self, command.label, result.message, warning=False)
        self.refresh()
        self.command_finished.emit(result)

    def open_preview(self, path: str, title: str, *, temporary: bool = False) -> None:
        """The PDF in the preview dialog (打印… / 另存为PDF…); kept as ``self.preview``. A
        ``temporary`` PDF (made only to be looked at) is removed when the preview closes."""
        from ui.preview import PdfPreviewDialog

        self.preview = PdfPreviewDialog(path, title, self, user=self.ctx.user, temporary=temporary)
        self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview.open()

    def _preview_document(self, title: str, kind: str, record_id: int) -> workers.Task:
        from ui.preview import discard_temp, render_document, temp_target

        target = temp_target(f"{title}_{record_id}", ".pdf")

        def failed(exc: BaseException) -> None:
            discard_temp(target)
            self.last_error = str(exc)
            message(self, title, f"生成预览失败：{exc}")

        return workers.run_task(render_document, self.ctx.db, kind, record_id, "pdf", target, owner=self,
                                on_done=lambda path: self.open_preview(path, title, temporary=True), on_error=failed)

    def show_info(self, text: str) -> None:
        self.info.setText(text)
        self.status_message.emit(text)

    # --- export and print -----------------------------------------------------------------------

    def choose_export_file(self) -> None:
        from ui import files

        name = f"{self.spec.title}_{clock.today():%Y%m%d}.xlsx"
        path = files.choose_save_path(self, self.ctx.user, "导出Excel", name, files.XLSX_FILTER)
        if path:
            self.export_xlsx(path)

    def export_xlsx(self, path: str | Path) -> workers.Task:
        """Export the current filter to ``path`` in a worker (progress dialog with 取消)."""
        return self._file_job("导出Excel", _export_xlsx, str(path), "已导出 {n} 条")

    def choose_print_file(self) -> None:
        """打印登记簿: the current filter as a PDF 登记簿, shown in the preview (打印… / 另存为PDF…);
        the scratch PDF is removed when the preview closes."""
        from ui.preview import temp_target

        self.print_register(temp_target(f"{self.spec.title}_{clock.today():%Y%m%d}", ".pdf"), preview=True)

    def print_register(self, path: str | Path, *, preview: bool = False) -> workers.Task | None:
        printer = register_book_printer()
        if printer is None:
            return None
        return self._file_job("打印登记簿", printer, str(path), "登记簿已生成（{n} 条）", preview=preview)

    def _file_job(self, title: str, writer: Callable[..., int], path: str, done_text: str, *,
                  preview: bool = False) -> workers.Task:
        cancel = threading.Event()
        progress = QProgressDialog(f"{title}：{self.spec.title}…", "取消", 0, 0, self)
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(cancel.set)
        self.export_button.setEnabled(False)
        self.print_button.setEnabled(False)

        def on_progress(done: int, total: int) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, total))
            progress.setLabelText(f"{title}：已处理 {done:,} / {total:,} 条")

        def finish() -> None:
            progress.canceled.disconnect(cancel.set)
            progress.close()
            progress.deleteLater()
            self.export_button.setEnabled(True)
            self.print_button.setEnabled(True)

        def done(count: int) -> None:
            finish()
            self.last_export = (path, count)
            self.show_info(done_text.format(n=f"{count:,}") + ("" if preview else f" → {path}"))
            self.exported.emit(count)
            if preview:  # the PDF in the preview dialog: check it, then 打印… or 另存为PDF…
                from ui.preview import PdfPreviewDialog

                self.preview = PdfPreviewDialog(path, self.spec.title, self, user=self.ctx.user, temporary=True)
                self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                self.preview.open()

        def failed(exc: BaseException) -> None:
            finish()
            if preview:
                from ui.preview import discard_temp

                discard_temp(path)
            self.last_error = str(exc)
            if cancel.is_set():
                self.show_info(str(exc))
            elif isinstance(exc, DomainError):
                message(self, title, str(exc))
            else:
                message(self, title, f"{title}失败：{exc}")
            self.exported.emit(-1)

        return workers.run_task(_file_job, self.ctx.db, self.ctx.user, self.model.query, path, writer,
                                cancel=cancel, on_progress=on_progress, owner=self, on_done=done, on_error=failed)
