"""Small shared widgets and helpers (messages, error labels, styling)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

ERROR_STYLE = "color: #b3261e;"
INVALID_STYLE = "border: 1px solid #d93025; background: #fff6f5;"
#: Applied only to widgets carrying the ``invalid`` property: a bare declaration would cascade into
#: a drop-down's pop-up list and the date field's calendar and make them unreadable.
INVALID_SHEET = f'*[invalid="true"] {{ {INVALID_STYLE} }}'



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
