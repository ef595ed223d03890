"""Forms that behave (issue 9 item 6): Qt speaks Chinese (its own dialogs, the calendar), the mouse
wheel never changes a field that does not have the focus, over-long text is refused, never cut."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLineEdit, QSpinBox

from courtdesk.kernel.forms import FormField
from ui.forms import FormDialog

pytestmark = pytest.mark.ui

LEADERS = [(1, "张国华"), (2, "刘建军"), (3, "陈静")]
FIELDS = (
    FormField("leader_id", "签发领导", "choice", choices=lambda _s, _u: LEADERS),
    FormField("copies", "份数", "int", minimum=1, maximum=99, default=2),
    FormField("day", "开具日期", "date"),
    FormField("matter", "事由", "text", max_len=100),
    *(FormField(f"note{i}", f"备注{i}", "text", required=False) for i in range(12)),  # a form that scrolls
)


def _wheel(widget: Any, steps: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(QPoint(0, 0))), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def form(qtbot: Any, desk: Any) -> FormDialog:
    dialog = FormDialog(SimpleNamespace(db=desk, user=None), "开具介绍信", FIELDS, lambda data: data)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def test_the_wheel_over_an_unfocused_field_leaves_its_value_alone(qtbot: Any, form: FormDialog) -> None:
    combo = form.findChild(QComboBox)
    spin = form.findChild(QSpinBox)
    date = form.findChild(QDateEdit)
    combo.setCurrentIndex(2)
    before = (combo.currentText(), spin.value(), date.date())
    form.findChildren(QLineEdit)[-1].setFocus()  # the clerk is typing elsewhere, then scrolls
    qtbot.waitUntil(lambda: not combo.hasFocus())
    for widget in (combo, spin, date):
        _wheel(widget, -1)
        _wheel(widget, +1)
        _wheel(widget, -1)
    assert (combo.currentText(), spin.value(), date.date()) == before
    assert not combo.hasFocus()  # nor did the wheel take the focus
    combo.setFocus()  # clicked into it: now the wheel chooses
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo, -1)
    assert combo.currentText() == "陈静"  # the next leader down the list


def test_qt_dialogs_and_the_calendar_are_in_chinese(qtbot: Any, form: FormDialog) -> None:
    app = QApplication.instance()
    assert app.property("courtdesk_translators") >= 1
    assert QCoreApplication.translate("QFileDialog", "Open") == "打开"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    date = form.findChild(QDateEdit)
    calendar = date.calendarWidget()
    assert calendar.locale().monthName(1) == "一月"
    assert calendar.locale().dayName(1) == "星期一"


def test_over_long_text_is_kept_and_refused_with_a_message_never_cut(qtbot: Any, form: FormDialog) -> None:
    edit = form.rows["matter"].editor
    assert isinstance(edit, QLineEdit)
    pasted = "联系调取有关案件材料" * 15  # 150 characters
    edit.setText(pasted)
    assert edit.text() == pasted  # nothing cut off
    assert form.rows["matter"].error.text() == "事由：不能超过 100 个字（现有 150 个）"
