"""Inputs of the generic form for the declared kinds ``money`` (an amount with its capitals shown live)
and ``lines`` (child rows in an editable table, with a 合计 row for money columns)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel import forms
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.money import format_yuan

HINT_STYLE = "color: #5f6368;"
WORDS_STYLE = "color: #174ea6;"
_PROBLEM = QColor("#fce8e6")
Index = QModelIndex | QPersistentModelIndex


def money_in_words(field: FormField, text: str) -> str:
    """The capitals of what was typed (人民币叁仟元伍角整), or "" while it is empty or not an amount."""
    try:
        amount = forms.clean_money(dataclasses.replace(field, required=False, minimum=None, maximum=None), text)
    except (ValidationError, TypeError):
        return ""
    return forms.money_words(amount) if amount is not None else ""


class MoneyInput(QWidget):
    """An amount (``inner``, a line edit: ¥, thousands commas and full-width digits are understood) and
    its capitals shown live under it; the value is the text as typed (``clean`` makes it a Decimal)."""

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.inner = QLineEdit()
        self.inner.setPlaceholderText("金额（元），如 3000.00")
        self.inner.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.inner.setMaximumWidth(220)
        self.words = QLabel()
        self.words.setStyleSheet(WORDS_STYLE)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inner.textChanged.connect(self._show_words)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.inner)
        box.addWidget(self.words)
        if field.default is not None:
            self.inner.setText(str(field.default))
        self._show_words()

    def _show_words(self) -> None:
        words = money_in_words(self.field, self.inner.text())
        self.words.setText(words or "大写：—")
        self.words.setStyleSheet(WORDS_STYLE if words else HINT_STYLE)


class _CellDelegate(QStyledItemDelegate):
    """Typed editors for the cells of a :class:`LinesInput` (by the column's declared kind)."""

    def __init__(self, lines: LinesInput) -> None:
        super().__init__(lines.table)
        self.lines = lines

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = self.lines.field.columns[index.column()]
        if column.kind == "date":
            date_edit = QDateEdit(parent)
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("yyyy-MM-dd")
            return date_edit
        if column.kind == "choice":
            combo = QComboBox(parent)
            combo.addItem("（不选）" if not column.required else "请选择…", None)
            for value, label in self.lines.choices.get(column.key, []):
                combo.addItem(label, value)
            return combo
        edit = QLineEdit(parent)
        # No setMaxLength: text over the limit is refused with a message naming the line and the
        # column when saved, never cut off silently while typing or pasting.
        if column.kind == "idnumber":
            edit.setPlaceholderText("18 位公民身份号码")
        elif column.kind == "money":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setPlaceholderText("0.00")
        elif column.kind == "int":
            edit.setValidator(QIntValidator(edit))
        return edit

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QDateEdit):
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            date = QDate.fromString(text, "yyyy-MM-dd")
            editor.setDate(date if date.isValid() else QDate.currentDate())
        elif isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.UserRole)
            at = editor.findData(value)
            if at < 0 and value is not None:
                # a value no longer offered (the form's kind changed): kept as it is unless the user
                # picks another, never wiped by an editor merely opened and closed on the cell
                editor.addItem(str(index.data(Qt.ItemDataRole.DisplayRole) or value), value)
                at = editor.count() - 1
            editor.setCurrentIndex(max(at, 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date().toString("yyyy-MM-dd"), Qt.ItemDataRole.DisplayRole)
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
            model.setData(index, editor.currentText() if value is not None else "", Qt.ItemDataRole.DisplayRole)
            model.setData(index, value, Qt.ItemDataRole.UserRole)
        else:
            super().setModelData(editor, model, index)


class LinesInput(QWidget):
    """Child rows in an editable table: one column per declared column (typed cell editors), 添加一行 /
    删除所选行, and a 合计 row under the rows when a column holds money. The value is the list of rows
    as dicts, blank rows included (``clean`` leaves them out; refusals name rows as numbered here)."""

    changed = Signal()

    def __init__(self, field: FormField, choices: dict[str, list[tuple[Any, str]]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.choices = choices or {}
        self.money_columns = [i for i, c in enumerate(field.columns) if c.kind == "money"]
        self._filling = False
        self.table = QTableWidget(0, len(field.columns))
        self.table.setHorizontalHeaderLabels([f"{c.label}{' *' if c.required else ''}" for c in field.columns])
        for i, c in enumerate(field.columns):
            header_item = self.table.horizontalHeaderItem(i)
            if header_item is not None and c.help:
                header_item.setToolTip(c.help)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Columns of known width get room for a whole value (an 18-digit ID number, an amount, a
        # date) even while empty; text columns share the rest.
        sample = {"idnumber": "0" * 18, "money": "0" * 12, "date": "2026-11-30"}
        metrics = self.table.fontMetrics()
        for i, c in enumerate(field.columns):
            if c.kind in sample:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
                title = self.table.horizontalHeaderItem(i)
                needed = max(metrics.horizontalAdvance(sample[c.kind]),
                             metrics.horizontalAdvance(title.text() if title is not None else c.label))
                self.table.setColumnWidth(i, needed + 28)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setItemDelegate(_CellDelegate(self))
        self.table.itemChanged.connect(self._item_changed)
        if self.money_columns:
            self._add_totals_row()
        self.add_button = QPushButton("添加一行")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton("删除所选行")
        self.remove_button.clicked.connect(self.remove_selected)
        self.count = QLabel()
        self.count.setStyleSheet(HINT_STYLE)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.count, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.table)
        box.addLayout(buttons)
        shown = max(2, min(field.maximum or 5, 6)) + (1 if self.money_columns else 0)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(row_height * shown + header.sizeHint().height() + 2 * self.table.frameWidth() + 4)
        if field.default:
            self.set_value(field.default)
        else:
            for _ in range(max(1 if field.required else 0, field.minimum or 0)):
                self.add_row()
        self._refresh()

    # --- rows -----------------------------------------------------------------------------------

    def row_count(self) -> int:
        """Rows the user fills (the 合计 row not included)."""
        return self.table.rowCount() - (1 if self.money_columns else 0)

    def _add_totals_row(self) -> None:
        self.table.insertRow(0)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i in range(len(self.field.columns)):
            item = QTableWidgetItem("")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setFont(bold)
            item.setBackground(QBrush(QColor("#f1f3f4")))
            if i in self.money_columns:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(0, i, item)

    def add_row(self, values: dict[str, Any] | None = None) -> int:
        """Append a row (filled from ``values``); returns its index. Refused beyond ``maximum``."""
        if self.field.maximum is not None and self.row_count() >= self.field.maximum:
            return -1
        at = self.row_count()
        self._filling = True
        self.table.insertRow(at)
        for i, column in enumerate(self.field.columns):
            value = (values or {}).get(column.key)
            text = "" if value is None else forms.display(column, value) if column.kind != "money" else str(value)
            if column.kind == "choice" and value is not None:
                text = next((label for v, label in self.choices.get(column.key, []) if v == value), str(value))
            item = QTableWidgetItem(text)
            if column.kind == "choice":
                item.setData(Qt.ItemDataRole.UserRole, value)
            if column.kind in ("money", "int"):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(at, i, item)
        self._filling = False
        self._refresh()
        self.changed.emit()
        return at

    def remove_selected(self) -> None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows and 0 <= self.table.currentRow() < self.row_count():
            rows = {self.table.currentRow()}
        for row in sorted((r for r in rows if r < self.row_count()), reverse=True):
            self.table.removeRow(row)
        self._refresh()
        self.changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.row() >= self.row_count():
            return
        self._filling = True
        item.setBackground(QBrush())  # a cell marked refused is being corrected
        item.setToolTip("")
        self._filling = False
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        n = self.row_count()
        labels = [str(i + 1) for i in range(n)] + (["合计"] if self.money_columns else [])
        self.table.setVerticalHeaderLabels(labels)
        full = self.field.maximum is not None and n >= self.field.maximum
        self.add_button.setEnabled(not full)
        self.add_button.setToolTip(f"最多 {self.field.maximum} 行" if full else "")
        bounds = []
        if self.field.minimum:
            bounds.append(f"至少 {self.field.minimum} 行")
        if self.field.maximum is not None:
            bounds.append(f"最多 {self.field.maximum} 行")
        self.count.setText(f"共 {n} 行" + (f"（{'，'.join(bounds)}）" if bounds else ""))
        self._show_totals()

    def _show_totals(self) -> None:
        if not self.money_columns:
            return
        totals = self.totals()
        self._filling = True
        for i in self.money_columns:
            column = self.field.columns[i]
            item = self.table.item(self.row_count(), i)
            if item is not None:
                item.setText(format_yuan(totals[column.key]))
                item.setToolTip(forms.money_words(totals[column.key]))
        first = next((i for i in range(len(self.field.columns)) if i not in self.money_columns), None)
        if first is not None:
            item = self.table.item(self.row_count(), first)
            if item is not None:
                item.setText("合计")
        self._filling = False

    def totals(self) -> dict[str, Any]:
        """The sum of each money column of the rows as typed (cells that are not amounts count 0)."""
        return forms.line_totals(self.field, self.value())

    def total_text(self, key: str) -> str:
        """The 合计 cell of money column ``key`` as shown."""
        at = next(i for i, c in enumerate(self.field.columns) if c.key == key)
        item = self.table.item(self.row_count(), at)
        return item.text() if item is not None else ""

    # --- columns that follow the form ------------------------------------------------------------

    def show_column(self, key: str, shown: bool) -> None:
        """Show or hide column ``key`` (a column whose ``when`` does not hold; ``clean`` clears it)."""
        at = next(i for i, c in enumerate(self.field.columns) if c.key == key)
        if self.table.isColumnHidden(at) == shown:
            self.table.setColumnHidden(at, not shown)

    def set_choices(self, key: str, options: list[tuple[Any, str]]) -> None:
        """Offer ``options`` in choice column ``key`` from now on (费用类别 once the claim's kind changed).
        A cell holding a value no longer offered keeps it, marked, with a tip saying so: the save
        refuses it at that cell; a value offered again loses the mark."""
        if self.choices.get(key) == options:
            return
        self.choices[key] = list(options)
        labels = {str(v): label for v, label in options}
        self._filling = True
        for r in range(self.row_count()):
            item = self.cell(r, key)
            if item is None:
                continue
            value = item.data(Qt.ItemDataRole.UserRole)
            if value is None:
                continue
            if str(value) in labels:
                item.setText(labels[str(value)])
                if item.toolTip():
                    item.setBackground(QBrush())
                    item.setToolTip("")
            else:
                item.setBackground(QBrush(_PROBLEM))
                item.setToolTip(f"「{item.text()}」现在不在可选范围内，请重新选择")
        self._filling = False

    # --- values ---------------------------------------------------------------------------------

    def value(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for r in range(self.row_count()):
            row: dict[str, Any] = {}
            for i, column in enumerate(self.field.columns):
                item = self.table.item(r, i)
                if item is None:
                    row[column.key] = None if column.kind == "choice" else ""
                elif column.kind == "choice":
                    row[column.key] = item.data(Qt.ItemDataRole.UserRole)
                elif column.kind == "date":
                    text = item.text().strip()
                    row[column.key] = dt.date.fromisoformat(text) if text else None
                else:
                    row[column.key] = item.text()
            rows.append(row)
        return rows

    def set_value(self, rows: Any) -> None:
        while self.row_count():
            self.table.removeRow(0)
        for row in list(rows or ()):
            self.add_row(dict(row))
        self._refresh()
        self.changed.emit()

    def is_blank(self) -> bool:
        return all(forms.line_is_blank(self.field, row) for row in self.value())

    def cell(self, row: int, key: str) -> QTableWidgetItem | None:
        at = next(i for i, c in enumerate(self.field.columns) if c.key == key)
        return self.table.item(row, at)

    def show_problem(self, field_name: str | None) -> None:
        """Mark the cell (or row) a refusal names — 「当事人第2行 身份证号码」 — and go to it."""
        where = forms.line_of(self.field, field_name or "")
        if where is None:
            return
        position, key = where
        row = position - 1
        if not 0 <= row < self.row_count():
            return
        columns = [key] if key else [c.key for c in self.field.columns]
        self._filling = True
        for k in columns:
            item = self.cell(row, k)
            if item is not None:
                item.setBackground(QBrush(_PROBLEM))
        self._filling = False
        at = next((i for i, c in enumerate(self.field.columns) if c.key == columns[0]), 0)
        self.table.setCurrentCell(row, at)
