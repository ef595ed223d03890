"""Small shared widgets and helpers (messages, error labels, styling)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
    QWidgetItem,
)

ERROR_STYLE = "color: #b3261e;"
INVALID_STYLE = "border: 1px solid #d93025; background: #fff6f5;"
#: Applied only to widgets carrying the ``invalid`` property: a bare declaration would cascade into
#: a drop-down's pop-up list and the date field's calendar and make them unreadable.
INVALID_SHEET = f'*[invalid="true"] {{ {INVALID_STYLE} }}'


class FlowLayout(QLayout):
    """A row of buttons that wraps onto another line where the row is too narrow, instead of squeezing
    every button below its text (the detail panel's steps: 「清退原制发单位」 was cut to 「退原制发单」 at
    1366 px). Items keep their size hint, left-aligned; the layout's height follows its width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()


class ErrorLabel(QLabel):
    """A red, word-wrapped message line, hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        if text:  # a dialog grows for the message instead of squeezing its fields (ui.screen)
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self, self._grow_window)

    def _grow_window(self) -> None:
        from ui import screen

        screen.grow_to_content(self.window())

    def clear_message(self) -> None:
        self.show_message("")


class _WheelGuard(QObject):
    """The mouse wheel over a drop-down, date or number field that does not have the focus scrolls
    the form around it instead of changing the value (scrolling a form once silently switched its
    签发领导). Click or Tab into the field, then the wheel changes it."""

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            parent = watched.parentWidget()
            while parent is not None and not isinstance(parent, QAbstractScrollArea):
                parent = parent.parentWidget()
            if parent is not None:
                QCoreApplication.sendEvent(parent.verticalScrollBar(), event)
            return True
        return False


_wheel_guard: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> QWidget:
    """Keep the wheel from changing ``widget`` unless it has the focus (see :class:`_WheelGuard`)."""
    global _wheel_guard
    if _wheel_guard is None:
        _wheel_guard = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not take the focus either
    widget.installEventFilter(_wheel_guard)
    return widget


def message(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> QMessageBox:
    """A non-blocking message box (window-modal, deleted on close). Returned for tests."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


_EDITORS = (QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Frame a field in red (or clear it): the widget and the editors inside it on the same window
    — never a pop-up (a drop-down's list, a calendar), which keeps its normal colours."""
    targets = [widget, *(child for child in widget.findChildren(QWidget)
                         if isinstance(child, _EDITORS) and child.window() is widget.window())]
    for target in targets:
        target.setProperty("invalid", invalid)
        target.setStyleSheet(INVALID_SHEET if invalid else "")
