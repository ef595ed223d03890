"""The generic record form: a dialog built from declared :class:`courtdesk.forms.FormField` s.

The same dialog serves a register's 新建 form and a workflow action that needs input (盖章登记,
退回 with its reason …). On 保存 it calls ``submit(data)``; a :class:`DomainError` from the service
is shown under the field it names (``exc.field`` = the field's label) and the dialog stays open —
nothing was written, the service's unit of work rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from courtdesk import clock
from courtdesk.errors import DomainError
from courtdesk.forms import FormField
from ui.widgets import ErrorLabel, mark_invalid

_NO_DATE = QDate(1900, 1, 1)
HINT_STYLE = "color: #5f6368;"


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(_qdate(value.date()), QTime(value.hour, value.minute))


class FileInput(QWidget):
    """「选择文件…」 + the chosen file's name; the value is ``(filename, bytes)`` or None."""

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
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
        path, _ = QFileDialog.getOpenFileName(
            self, f"选择{self.field.label}", "", "扫描件或照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"
        )
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
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fields = tuple(fields)
        self.submit = submit
        self.result_value: Any = None
        self.rows: dict[str, FieldRow] = {}
        # A datetime box shows minutes; keep the seconds of its default (now) while the user leaves
        # the minute unchanged, so 盖章时间 is never "before" an approval made earlier this minute.
        self._exact: dict[str, dt.datetime] = {}
        self.setWindowTitle(title)
        self.setMinimumWidth(560)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        choices = self._load_choices()
        for f in self.fields:
            row = FieldRow(f, self._editor(f, choices.get(f.key, [])))
            self.rows[f.key] = row
            label = QLabel(f"{f.label}{' *' if f.required else ''}：")
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
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # --- building -------------------------------------------------------------------------------

    def _load_choices(self) -> dict[str, list[tuple[Any, str]]]:
        wanted = [f for f in self.fields if f.kind == "choice" and f.choices is not None]
        if not wanted:
            return {}
        with self.ctx.db.read() as s:
            return {f.key: list(f.choices(s, self.ctx.user)) for f in wanted}  # type: ignore[misc]

    def _editor(self, f: FormField, choices: list[tuple[Any, str]]) -> QWidget:
        kind = f.kind
        if kind in ("text", "idnumber"):
            edit = QLineEdit()
            edit.setMaxLength(18 if kind == "idnumber" else f.max_len)
            if f.default is not None:
                edit.setText(str(f.default))
            edit.textChanged.connect(lambda _t, key=f.key: self._check(key))
            if kind == "idnumber":
                edit.setPlaceholderText("18 位公民身份号码")
                edit.editingFinished.connect(lambda key=f.key: self._check_id(key))
            return edit
        if kind == "multiline":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 3 + 14)
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
            return _left(spin)
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
            return _left(date_edit)
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
            return _left(stamp_edit)
        if kind == "choice":
            combo = QComboBox()
            combo.addItem("请选择…" if f.required else "（不选）", None)
            for value, label in choices:
                combo.addItem(label, value)
            if f.default is not None:
                at = combo.findData(f.default)
                if at >= 0:
                    combo.setCurrentIndex(at)
            combo.currentIndexChanged.connect(lambda _i, key=f.key: self._check(key))
            return combo
        return FileInput(f)

    def _fit(self) -> None:
        """Grow with the error lines shown (up to a screenful, then scroll)."""
        self._body.adjustSize()
        self._scroll.setMinimumHeight(min(620, self._body.sizeHint().height() + 8))

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
        return None

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

    # --- checking as you type -------------------------------------------------------------------

    def _is_empty(self, key: str) -> bool:
        value = self.value(key)
        return value is None or (isinstance(value, str) and not value.strip())

    def _check(self, key: str) -> None:
        row = self.rows[key]
        f = row.field
        problem = ""
        if f.kind in ("text", "multiline"):
            text = str(self.value(key) or "").strip()
            if len(text) > f.max_len:
                problem = f"{f.label}：不能超过 {f.max_len} 个字（现有 {len(text)} 个）"
        invalid = bool(problem) or (f.required and self._is_empty(key))
        mark_invalid(self.widget(key), invalid)
        if row.error.text() != problem:
            row.error.show_message(problem)
            self._fit()

    def _check_id(self, key: str) -> None:
        from courtdesk import validation

        row = self.rows[key]
        try:
            validation.id_number(self.value(key), row.field.label, required=False)
        except DomainError as exc:
            row.error.show_message(str(exc))
            mark_invalid(self.widget(key), True)
            self._fit()

    # --- saving ---------------------------------------------------------------------------------

    def save(self) -> bool:
        self.error.clear_message()
        for key, row in self.rows.items():
            row.error.clear_message()
            mark_invalid(self.widget(key), row.field.required and self._is_empty(key))
        try:
            self.result_value = self.submit(self.values())
        except DomainError as exc:
            self.show_error(exc)
            return False
        self.accept()
        return True

    def show_error(self, exc: DomainError) -> None:
        row = next((r for r in self.rows.values() if exc.field and r.field.label == exc.field), None)
        if row is None:
            self.error.show_message(str(exc))
            return
        row.error.show_message(str(exc))
        mark_invalid(self.widget(row.field.key), True)
        self._fit()
        self.widget(row.field.key).setFocus()

    def field_error(self, key: str) -> str:
        return self.rows[key].error.text()

    def all_errors(self) -> list[str]:
        texts = [r.error.text() for r in self.rows.values() if r.error.text()]
        if self.error.text():
            texts.append(self.error.text())
        return texts


def _left(widget: QWidget) -> QWidget:
    """Keep a compact editor (spin box, date) at its natural width, left-aligned."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget)
    row.addStretch(1)
    holder.inner = widget  # type: ignore[attr-defined]
    return holder
