"""The generic record form: a dialog built from declared :class:`courtdesk.kernel.forms.FormField` s.

The same dialog serves a register's 新建 form, a workflow action that needs input (盖章登记,
退回 with its reason …) and a register command (a batch of letters …). On 保存 it calls ``submit(data)``;
a :class:`DomainError` from the service is shown under the field it names (``exc.field`` = the
field's label or one of its ``aliases``) and the dialog stays open — nothing was written, the
service's unit of work rolled back.

A submit that goes on in a worker returns :data:`PENDING`: the dialog keeps its values, disables its
buttons and waits for :meth:`FormDialog.finish` (closes) or :meth:`FormDialog.fail` (shows the
refusal under its field, as for a quick save).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField
from ui import ops
from ui.inputs import LinesInput, MoneyInput, money_in_words
from ui.widgets import ErrorLabel, guard_wheel, mark_invalid

_NO_DATE = QDate(1900, 1, 1)
HINT_STYLE = "color: #5f6368;"
SCAN_FILTER = "扫描件或照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"
#: What a form dialog shows besides its scrolling fields: margins, the 必填 note, an error of two
#: lines, the status line and the button row.
FORM_CHROME_PX = 170


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(_qdate(value.date()), QTime(value.hour, value.minute))


class FileInput(QWidget):
    """「选择文件…」 + the chosen file's name; the value is ``(filename, bytes)`` or None."""

    def __init__(self, field: FormField, user: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.user = user
        self.value: tuple[str, bytes] | None = None
        self.button = QPushButton("选择文件…")
        self.button.clicked.connect(self.choose)
        self.name = QLabel("未选择文件")
        self.name.setStyleSheet(HINT_STYLE)
        self.clear_button = QPushButton("清除")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.name, 1)
        row.addWidget(self.clear_button)

    def choose(self) -> None:
        from ui import files

        path = files.ask_open_path(self, self.user, f"选择{self.field.label}", SCAN_FILTER)
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        path = Path(path)
        self.value = (path.name, path.read_bytes())
        size = len(self.value[1])
        shown = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, size // 1024)} KB"
        self.name.setText(f"{path.name}（{shown}）")
        self.name.setStyleSheet("")
        self.clear_button.show()

    def clear(self) -> None:
        self.value = None
        self.name.setText("未选择文件")
        self.name.setStyleSheet(HINT_STYLE)
        self.clear_button.hide()


class Pending:
    """What a submit returns when its work goes on in a worker (see :meth:`FormDialog.finish`)."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING = Pending()


class MultiChoiceInput(QWidget):
    """A checkable list with a filter box, 全选 / 全不选 (of the items shown) and a count; the value
    is the list of checked values in list order."""

    changed = Signal()

    def __init__(self, field: FormField, choices: list[tuple[Any, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(f"筛选{field.label}（输入名称的一部分）")
        self.filter.textChanged.connect(self.apply_filter)
        self.all_button = QPushButton("全选")
        self.all_button.setToolTip("勾选列表中显示的全部项目（先筛选可只选一类）")
        self.all_button.clicked.connect(lambda: self.check_shown(True))
        self.none_button = QPushButton("全不选")
        self.none_button.setToolTip("取消勾选列表中显示的全部项目")
        self.none_button.clicked.connect(lambda: self.check_shown(False))
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        chosen = set(field.default or ())
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked)
            item.setToolTip(label)
            self.list.addItem(item)
        rows = max(4, min(8, len(choices)))
        row_height = max(self.list.sizeHintForRow(0), self.list.fontMetrics().height() + 4) if choices else 20
        self.list.setFixedHeight(row_height * rows + 2 * self.list.frameWidth() + 6)
        self.list.itemChanged.connect(lambda _item: self._changed())
        # Space or a double click toggles the current item, like the check box itself.
        self.list.itemActivated.connect(self._toggle)
        self.count = QLabel()
        self.count.setStyleSheet(HINT_STYLE)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.none_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addLayout(top)
        box.addWidget(self.list)
        box.addWidget(self.count)
        self._show_count()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def apply_filter(self, text: str) -> None:
        words = text.split()
        for item in self.items():
            item.setHidden(not all(w in item.text() for w in words))
        self._show_count()

    def shown(self) -> list[QListWidgetItem]:
        return [item for item in self.items() if not item.isHidden()]

    def check_shown(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.list.blockSignals(True)
        for item in self.shown():
            item.setCheckState(state)
        self.list.blockSignals(False)
        self._changed()

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def value(self) -> list[Any]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]

    def set_value(self, values: Any) -> None:
        wanted = list(values or ())
        self.list.blockSignals(True)
        for item in self.items():
            value = item.data(Qt.ItemDataRole.UserRole)
            on = value in wanted or str(value) in {str(v) for v in wanted}
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self._show_count()
        self.changed.emit()

    def _show_count(self) -> None:
        total = self.list.count()
        shown = len(self.shown())
        text = f"已选 {len(self.value())} 项，共 {total} 项"
        if shown != total:
            text += f"（当前显示 {shown} 项）"
        self.count.setText(text)



class FieldRow(QWidget):
    """One field: its input widget, help text and an error line."""

    def __init__(self, field: FormField, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.editor = editor
        self.error = ErrorLabel()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        if field.help:
            hint = QLabel(field.help)
            hint.setWordWrap(True)
            hint.setStyleSheet(HINT_STYLE)
            box.addWidget(hint)
        box.addWidget(self.error)


class FormDialog(QDialog):
    """A dialog for ``fields``; ``submit(data)`` saves (raises DomainError to refuse)."""

    def __init__(
        self,
        ctx: Any,
        title: str,
        fields: Sequence[FormField],
        submit: Callable[[dict[str, Any]], Any],
        parent: QWidget | None = None,
        *,
        intro: str = "",
        ok_text: str = "保存",
        state: str | None = None,
        background: bool = True,
        context: Mapping[str, Any] | None = None,
        choices: Mapping[str, list[tuple[Any, str]]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # ``context``: values the form is about that are no fields of it, which a field's ``when`` or
        # ``choices_by`` may follow. ``choices``: options the caller has read already, by field key
        # ("lines.column" for a lines column), e.g. a step's options that follow its record.
        self.context: dict[str, Any] = dict(context or {})
        self._given_choices: dict[str, list[tuple[Any, str]]] = dict(choices or {})
        #: Options of the fields that follow another value, by (field key, that value as text).
        self._option_cache: dict[tuple[str, str], list[tuple[Any, str]]] = {}
        self._following = False
        # ``state``: the record's workflow state — a field read-only in it is shown disabled (the core
        # ignores its value), a field required in it is required.
        self.state = state
        self.readonly_keys = {f.key for f in fields if f.readonly(state)}
        self.fields = tuple(
            f if f.key in self.readonly_keys or not f.required_now(state) or f.required
            else replace(f, required=True)
            for f in fields
        )
        self.submit = submit
        # ``submit`` runs on the operations thread (ui.ops), never on the UI thread — unless it only
        # starts a worker of its own and returns PENDING (``background=False``).
        self.background = background
        self.result_value: Any = None
        self.busy = False
        self.rows: dict[str, FieldRow] = {}
        # A datetime box shows minutes; keep the seconds of its default (now) while the user leaves
        # the minute unchanged, so 盖章时间 is never "before" an approval made earlier this minute.
        self._exact: dict[str, dt.datetime] = {}
        self.setWindowTitle(title)
        # A checkable list shows long names (units, parties): give it room.
        self.setMinimumWidth(780 if any(f.kind in ("multichoice", "lines") for f in self.fields) else 560)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        self._form = form
        #: The fields (or context values) others follow: a change of one updates the form (``_follow``).
        self._leaders = {key for f in self.fields for key in f.follows}
        choices = self._load_choices()
        self._line_choices = choices
        for f in self.fields:
            row = FieldRow(f, self._editor(f, choices.get(f.key, [])))
            self.rows[f.key] = row
            shown_required = f.required and f.key not in self.readonly_keys
            if f.key in self.readonly_keys:
                row.editor.setEnabled(False)
                row.editor.setToolTip("当前状态下不能修改")
            label = QLabel(f"{f.label}{' *' if shown_required else ''}：")
            label.setToolTip("必填" if f.required else "")
            form.addRow(label, row)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        if intro:
            lead = QLabel(intro)
            lead.setWordWrap(True)
            body_layout.addWidget(lead)
        body_layout.addLayout(form)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll, self._body = scroll, body
        self._fit()

        self.error = ErrorLabel()
        #: 「正在保存…」 / 「另一台工作站正在保存，正在等待…」 while the save runs.
        self.status = QLabel()
        self.status.setStyleSheet(HINT_STYLE)
        self.status.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        cancel = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        note = QLabel("带 * 的为必填项")
        note.setStyleSheet(HINT_STYLE)
        layout.addWidget(note)
        note.setVisible(any(f.required for f in self.fields))
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        if self._leaders:
            self._follow()

    # --- building -------------------------------------------------------------------------------

    def _load_choices(self) -> dict[str, list[tuple[Any, str]]]:
        """Every field's options, keyed by field key ("field.column" for a lines column). Options that
        follow another field are read for each value that field offers (and for none), so a change of
        it updates the form without a database read; they start as for its initial value."""
        every = [f for f in self.fields if f.kind in ("choice", "multichoice")]
        # the choice columns of a lines field, keyed "field.column"
        every += [replace(c, key=f"{f.key}.{c.key}") for f in self.fields if f.kind == "lines"
                  for c in f.columns if c.kind == "choice"]
        out = {k: v for k, v in self._given_choices.items()}
        plain = [f for f in every if f.key not in out and f.choices_by is None and f.choices is not None]
        following = [f for f in every if f.key not in out and f.choices_by is not None]
        if not plain and not following:
            return out
        with self.ctx.db.read() as s:
            for f in plain:
                out[f.key] = list(f.choices(s, self.ctx.user))  # type: ignore[misc]
            for f in following:
                assert f.choices_by is not None
                key, offered = f.choices_by
                values = [v for v, _label in out.get(key, [])] + [None] if key in out else [self._initial(key)]
                for value in values:
                    self._option_cache[(f.key, str(value))] = list(offered(s, self.ctx.user, value))
                out[f.key] = self._options_for(f, self._initial(key))
        return out

    def _initial(self, key: str) -> Any:
        """The value another field starts with (its default), else the context's value."""
        leader = next((f for f in self.fields if f.key == key), None)
        return leader.default if leader is not None else self.context.get(key)

    def _options_for(self, f: FormField, value: Any) -> list[tuple[Any, str]]:
        """The options of ``f`` (its key "field.column" for a lines column) while the value it follows
        is ``value`` (read now if not read with the form)."""
        if f.key in self._given_choices:
            return self._given_choices[f.key]
        cached = self._option_cache.get((f.key, str(value)))
        if cached is None and f.choices_by is not None:
            with self.ctx.db.read() as s:
                cached = list(f.choices_by[1](s, self.ctx.user, value))
            self._option_cache[(f.key, str(value))] = cached
        return cached or []

    def lookup(self, key: str) -> Any:
        """The value another field follows: this form's field of that key as entered, else the context."""
        if key in self.rows:
            return self.value(key)
        return self.context.get(key)

    def shown(self, key: str) -> bool:
        """Whether field ``key`` is shown now (its ``when`` holds)."""
        return self.rows[key].field.shown(self.lookup)

    def _follow(self) -> None:
        """Show the fields (and lines columns) whose ``when`` holds, hide the others, and offer each
        choice that follows another value the options for that value now."""
        if self._following:
            return
        self._following = True
        try:
            for key, row in self.rows.items():
                f = row.field
                visible = f.shown(self.lookup)
                if self._form.isRowVisible(row) != visible:
                    self._form.setRowVisible(row, visible)
                w = self.widget(key)
                if f.kind == "choice" and f.choices_by is not None and isinstance(w, QComboBox):
                    _offer(w, self._options_for(f, self.lookup(f.choices_by[0])), f.required)
                if isinstance(w, LinesInput):
                    for c in f.columns:
                        w.show_column(c.key, c.shown(self.lookup))
                        if c.kind == "choice" and c.choices_by is not None:
                            column = replace(c, key=f"{key}.{c.key}")
                            w.set_choices(c.key, self._options_for(column, self.lookup(c.choices_by[0])))
        finally:
            self._following = False
        self._fit()

    def _editor(self, f: FormField, choices: list[tuple[Any, str]]) -> QWidget:
        kind = f.kind
        if kind in ("text", "idnumber"):
            edit = QLineEdit()  # no setMaxLength: over-long text is refused with a message, never cut
            if f.default is not None:
                edit.setText(str(f.default))
            edit.textChanged.connect(lambda _t, key=f.key: self._check(key))
            if kind == "idnumber":
                edit.setPlaceholderText("18 位公民身份号码")
                edit.editingFinished.connect(lambda key=f.key: self._check_id(key))
            return edit
        if kind == "password":
            secret = QLineEdit()
            secret.setEchoMode(QLineEdit.EchoMode.Password)
            secret.textChanged.connect(lambda _t, key=f.key: self._check(key))
            return secret
        if kind == "multiline":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            lines = str(f.default).count("\n") + 1 if f.default else 3
            text.setFixedHeight(text.fontMetrics().lineSpacing() * max(3, min(lines + 2, 8)) + 14)
            if f.default:
                text.setPlainText(str(f.default))
            text.textChanged.connect(lambda key=f.key: self._check(key))
            return text
        if kind == "int":
            spin = QSpinBox()
            low = f.minimum if f.minimum is not None else 0
            high = f.maximum if f.maximum is not None else 2_000_000_000
            if not f.required:
                low -= 1
                spin.setSpecialValueText("（不填）")
            spin.setRange(low, high)
            spin.setValue(int(f.default) if f.default is not None else low)
            spin.setMinimumWidth(110)
            if f.key in self._leaders:
                spin.valueChanged.connect(lambda _v: self._follow())
            return _left(guard_wheel(spin))
        if kind == "date":
            date_edit = QDateEdit()
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("yyyy-MM-dd")
            if not f.required:
                date_edit.setMinimumDate(_NO_DATE)
                date_edit.setSpecialValueText("（不填）")
            value = f.default if f.default is not None else (clock.today() if f.required else None)
            date_edit.setDate(_qdate(value) if value else _NO_DATE)
            date_edit.setMinimumWidth(140)
            date_edit.calendarWidget().installEventFilter(self)
            if f.key in self._leaders:
                date_edit.dateChanged.connect(lambda _d: self._follow())
            return _left(guard_wheel(date_edit))
        if kind == "datetime":
            stamp_edit = QDateTimeEdit()
            stamp_edit.setCalendarPopup(True)
            stamp_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            if not f.required:
                stamp_edit.setMinimumDateTime(QDateTime(_NO_DATE, QTime(0, 0)))
                stamp_edit.setSpecialValueText("（不填）")
            value = f.default if f.default is not None else (clock.now() if f.required else None)
            stamp_edit.setDateTime(_qdatetime(value) if value else QDateTime(_NO_DATE, QTime(0, 0)))
            if value:
                self._exact[f.key] = value
            stamp_edit.setMinimumWidth(170)
            stamp_edit.calendarWidget().installEventFilter(self)
            return _left(guard_wheel(stamp_edit))
        if kind == "choice":
            combo = QComboBox()
            guard_wheel(combo)
            # Long choices (a case with its parties) must not widen the form: the box elides, the
            # open list shows them whole.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.addItem("请选择…" if f.required else "（不选）", None)
            for value, label in choices:
                combo.addItem(label, value)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            view = combo.view()
            view.setMinimumWidth(min(900, view.sizeHintForColumn(0) + 24))
            if f.default is not None:
                at = combo.findData(f.default)
                if at >= 0:
                    combo.setCurrentIndex(at)
            combo.currentIndexChanged.connect(lambda _i, key=f.key: self._check(key))
            return combo
        if kind == "multichoice":
            multi = MultiChoiceInput(f, choices)
            multi.changed.connect(lambda key=f.key: self._check(key))
            return multi
        if kind == "money":
            money = MoneyInput(f)
            money.inner.textChanged.connect(lambda _t, key=f.key: self._check(key))
            return money
        if kind == "lines":
            with_choices = {c.key: self._line_choices.get(f"{f.key}.{c.key}", []) for c in f.columns}
            table = LinesInput(f, with_choices)
            table.changed.connect(lambda key=f.key: self._check(key))
            return table
        return FileInput(f, self.ctx.user)

    def _fit(self) -> None:
        """Grow with the error lines shown (up to what the screen has room for, then scroll): the
        fields scroll, the error, the status and the buttons below them stay in view. A tall form
        (报销单: its lines and receipts) takes the height a large screen has instead of scrolling
        inside 620 px with a third of a 1080-px screen unused."""
        from ui import screen

        self._body.adjustSize()
        room = screen.room(self).height() - FORM_CHROME_PX
        self._scroll.setMinimumHeight(max(120, min(room, self._body.sizeHint().height() + 8)))

    def eventFilter(self, obj: Any, event: Any) -> bool:
        # An empty (不填) date would open its calendar in 1900: open it at this month instead.
        if event.type() == QEvent.Type.Show:
            for row in self.rows.values():
                w = self.widget(row.field.key)
                if isinstance(w, QDateEdit) and w.calendarWidget() is obj and w.date() == _NO_DATE:
                    today = clock.today()
                    obj.setCurrentPage(today.year, today.month)
        return super().eventFilter(obj, event)

    # --- values ---------------------------------------------------------------------------------

    def widget(self, key: str) -> QWidget:
        """The input widget of a field (inner widget for spin boxes and dates)."""
        editor = self.rows[key].editor
        inner = getattr(editor, "inner", None)
        return inner if inner is not None else editor

    def value(self, key: str) -> Any:
        f = self.rows[key].field
        w = self.widget(key)
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QSpinBox):
            if not f.required and w.value() == w.minimum():
                return None
            return w.value()
        if isinstance(w, QDateTimeEdit) and f.kind == "datetime":
            qdt = w.dateTime()
            if not f.required and qdt.date() == _NO_DATE:
                return None
            d, t = qdt.date(), qdt.time()
            shown = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
            exact = self._exact.get(key)
            return exact if exact is not None and exact.replace(second=0, microsecond=0) == shown else shown
        if isinstance(w, QDateEdit):
            d = w.date()
            if not f.required and d == _NO_DATE:
                return None
            return dt.date(d.year(), d.month(), d.day())
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, FileInput):
            return w.value
        if isinstance(w, MultiChoiceInput | LinesInput):
            return w.value()
        return None

    def _mark(self, key: str, invalid: bool) -> None:
        w = self.widget(key)
        mark_invalid(w.list if isinstance(w, MultiChoiceInput) else w.table if isinstance(w, LinesInput) else w,
                     invalid)

    def values(self) -> dict[str, Any]:
        return {key: self.value(key) for key in self.rows}

    def set_value(self, key: str, value: Any) -> None:
        """Fill a field programmatically (tests, prefilled forms)."""
        w = self.widget(key)
        if isinstance(w, QLineEdit):
            w.setText(str(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QDateTimeEdit) and isinstance(value, dt.datetime):
            w.setDateTime(_qdatetime(value))
        elif isinstance(w, QDateEdit):
            w.setDate(_qdate(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, FileInput):
            w.set_file(value)
        elif isinstance(w, MultiChoiceInput | LinesInput):
            w.set_value(value)

    # --- checking as you type -------------------------------------------------------------------

    def _is_empty(self, key: str) -> bool:
        w = self.widget(key)
        if isinstance(w, LinesInput):
            return w.is_blank()
        value = self.value(key)
        return value is None or value == [] or (isinstance(value, str) and not value.strip())

    def _check(self, key: str) -> None:
        row = self.rows[key]
        f = row.field
        problem = ""
        if f.kind in ("text", "multiline"):
            text = str(self.value(key) or "").strip()
            if len(text) > f.max_len:
                problem = f"{f.label}：不能超过 {f.max_len} 个字（现有 {len(text)} 个）"
            else:
                from courtdesk.kernel import validation

                try:  # a character no font can print, named as it is typed (no font loaded for GBK text)
                    validation.printable(text, f.label)
                except DomainError as exc:
                    problem = str(exc)
        elif f.kind == "money":
            text = str(self.value(key) or "").strip()
            if text and not money_in_words(f, text):
                from courtdesk.kernel import forms as kernel_forms

                try:
                    kernel_forms.clean_money(replace(f, required=False), text)
                except (DomainError, TypeError) as exc:
                    problem = str(exc)
        invalid = bool(problem) or (f.required and self._is_empty(key))
        self._mark(key, invalid)
        if row.error.text() != problem:
            row.error.show_message(problem)
            self._fit()
        if key in self._leaders:
            self._follow()

    def _check_id(self, key: str) -> None:
        from courtdesk.kernel import validation

        row = self.rows[key]
        try:
            validation.id_number(self.value(key), row.field.label, required=False)
        except DomainError as exc:
            row.error.show_message(str(exc))
            self._mark(key, True)
            self._fit()

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.busy:  # one save at a time
            return False
        self.error.clear_message()
        for key, row in self.rows.items():
            row.error.clear_message()
            self._mark(key, row.field.required and key not in self.readonly_keys and self.shown(key)
                       and self._is_empty(key))
        values = self.values()
        if self.background:
            # Off the UI thread: the window stays alive while another workstation holds the lock;
            # the input stays in the (disabled) fields until the result or the refusal comes back.
            self.set_busy(True)
            ops.run_op(self, lambda: self.submit(values), self.finish, self.fail, status=self.show_status)
            return True
        try:
            result = self.submit(values)
        except DomainError as exc:
            self.show_error(exc)
            return False
        if result is PENDING:
            self.set_busy(True)
            return True
        self.result_value = result
        self.accept()
        return True

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # --- a submit that goes on in a worker ------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in self.buttons.buttons():
            button.setEnabled(not busy)
        self._scroll.setEnabled(not busy)

    def finish(self, value: Any) -> None:
        """The worker's work is done: keep its result and close."""
        self.set_busy(False)
        self.result_value = value
        self.accept()

    def fail(self, exc: BaseException) -> None:
        """The worker refused (or failed): show why and let the user correct the form."""
        self.set_busy(False)
        if isinstance(exc, DomainError):
            self.show_error(exc)
        else:
            self.error.show_message(ops.failure_text(exc))

    def reject(self) -> None:
        if not self.busy:  # Esc while the worker runs: the progress dialog's 取消 stops it
            super().reject()

    def show_error(self, exc: DomainError) -> None:
        """Every refusal at its field (a form's check reports all bad fields at once); the first
        bad field gets the focus. A refusal naming no field of this form shows at the bottom."""
        first: QWidget | None = None
        general: list[str] = []
        for one in exc.every if isinstance(exc, ValidationError) else (exc,):
            row = next((r for r in self.rows.values() if r.field.names(one.field)), None)
            if row is None and one.field in self.rows:  # the database named a column (a Conflict)
                row = self.rows[one.field]
            if row is not None and not self.shown(row.field.key):
                row = None  # a field not shown now: the refusal shows below the form
            text = one.own if isinstance(one, ValidationError) else str(one)
            if row is None:
                general.append(text)
                continue
            shown = row.error.text()
            message = text if not shown or text in shown else f"{shown}\n{text}"
            row.error.show_message(message)  # several cells of one lines field: each on a line
            self._mark(row.field.key, True)
            w = self.widget(row.field.key)
            if isinstance(w, LinesInput) and first is None:
                w.show_problem(one.field)  # the refused cell, 「当事人第2行 身份证号码」
            if first is None:
                first = w.list if isinstance(w, MultiChoiceInput) else w.table if isinstance(w, LinesInput) else w
        if general:
            self.error.show_message("\n".join(general))
        self._fit()
        if first is not None:
            first.setFocus()

    def field_error(self, key: str) -> str:
        return self.rows[key].error.text()

    def all_errors(self) -> list[str]:
        texts = [r.error.text() for r in self.rows.values() if r.error.text()]
        if self.error.text():
            texts.append(self.error.text())
        return texts


def _offer(combo: QComboBox, options: list[tuple[Any, str]], required: bool) -> None:
    """Put ``options`` in ``combo`` (after its 请选择…/（不选） item), keeping the chosen value when it is
    still offered; nothing changes when the options are the same."""
    now = [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())]
    if now == list(options):
        return
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value, label in options:
        combo.addItem(label, value)
        combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
    at = combo.findData(chosen) if chosen is not None else -1
    combo.setCurrentIndex(max(at, 0))
    combo.blockSignals(False)
    if at < 0 and chosen is not None:  # the value chosen is no longer offered: 请选择…
        combo.currentIndexChanged.emit(0)


def _left(widget: QWidget) -> QWidget:
    """Keep a compact editor (spin box, date) at its natural width, left-aligned."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget)
    row.addStretch(1)
    holder.inner = widget  # type: ignore[attr-defined]
    return holder
