"""Forms that behave (issue 9 item 6): Qt speaks Chinese (its own dialogs, the calendar), the mouse
wheel never changes a field that does not have the focus, over-long text is refused, never cut."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QCoreApplication, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLineEdit, QSpinBox

from courtdesk.kernel.forms import FormField
from tests.ui.conftest import wait_ops
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


def test_a_character_no_font_can_print_is_named_at_the_field_as_it_is_typed(qtbot: Any, form: FormDialog) -> None:
    edit = form.rows["matter"].editor
    edit.setText("调取王\U00013000的材料")  # 𓀀: an Egyptian hieroglyph, in no face
    assert form.rows["matter"].error.text() == (
        "事由：「\U00013000」（U+13000）无法打印：没有包含此字的字体，请在系统设置中配置字体或改用通用字")
    edit.setText("调取王\U00020BB7的材料")  # 𠮷 (Ext B) prints (HanaMinB): no message
    assert form.rows["matter"].error.text() == ""


def test_three_bad_fields_show_three_messages_at_their_fields_after_one_save(qtbot: Any, desk: Any) -> None:
    from courtdesk.kernel.forms import clean

    fields = (
        FormField("title", "文件名称", "text", max_len=10),
        FormField("holder_id", "持证人身份证号码", "idnumber"),
        FormField("matter", "事由", "text", max_len=20),
        FormField("note", "备注", "text", required=False),
    )
    dialog = FormDialog(SimpleNamespace(db=desk, user=None), "用印申请", fields, lambda data: clean(fields, data))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.rows["title"].editor.setText("关于报送二〇二六年度统计报表的函")  # 16 > 10
    dialog.rows["holder_id"].editor.setText("13100119800101123")  # 17 digits
    dialog.rows["note"].editor.setText("无")
    dialog.save()  # one press of 保存
    wait_ops(qtbot)
    assert dialog.isVisible()
    assert dialog.field_error("title") == "文件名称：不能超过 10 个字（现有 16 个）"
    assert dialog.field_error("holder_id").startswith("持证人身份证号码：应为 18 位")
    assert dialog.field_error("matter") == "事由：必填，不能为空"
    assert dialog.field_error("note") == ""
    assert dialog.error.text() == ""  # nothing left at the bottom: each message is at its field
    qtbot.waitUntil(lambda: dialog.rows["title"].editor.hasFocus())  # the first bad field


def test_a_refused_drop_down_is_framed_red_but_its_pop_up_list_keeps_its_colours(qtbot: Any, form: FormDialog) -> None:
    from PySide6.QtGui import QColor

    combo = form.findChild(QComboBox)
    form.save()  # 签发领导 not chosen, 事由 empty: refused
    wait_ops(qtbot)
    assert combo.property("invalid") is True
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    image = view.grab().toImage()
    corner = QColor(image.pixel(image.width() - 3, image.height() - 3))
    assert corner.name() != "#fff6f5"  # the error tint did not leak into the list
    assert view.property("invalid") is not True
    combo.hidePopup()


def test_the_window_title_names_the_app_once(qtbot: Any, desk: Any) -> None:
    from tests.ui.conftest import login

    window = login(qtbot, desk, "clerk")
    assert window.windowTitle() == "CourtDesk 法院办公桌面系统 — 河北省廊坊经济技术开发区人民法院 — 王芳"
    # Qt appends an application *display* name to every title on Windows and X11: none is set
    assert QApplication.applicationDisplayName() == QApplication.applicationName() == "CourtDesk"


def test_each_user_gets_back_their_column_widths_sort_and_detail_width(qtbot: Any, desk: Any) -> None:
    from tests.ui.conftest import click_row, login, wait_table

    window = login(qtbot, desk, "clerk")
    window.open_register("seal_use")
    page = window.pages["seal_use"]
    wait_table(qtbot, page)
    assert not page.detail.isVisible()  # nothing selected: the table has the whole width
    header = page.table.horizontalHeader()
    header.resizeSection(2, 333)
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    click_row(qtbot, page, 0)
    qtbot.waitUntil(page.detail.isVisible)
    total = sum(page.splitter.sizes())
    page.splitter.setSizes([total - 300, 300])  # the clerk drags the panel narrower
    page.splitter.splitterMoved.emit(total - 300, 1)
    dragged = page.splitter.sizes()[1]
    assert dragged != 380
    qtbot.wait(600)  # the header is saved 0.4 s after the last change
    window.close()

    again = login(qtbot, desk, "clerk")
    again.open_register("seal_use")
    page = again.pages["seal_use"]
    wait_table(qtbot, page)
    header = page.table.horizontalHeader()
    assert header.sectionSize(2) == 333
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (3, Qt.SortOrder.AscendingOrder)
    assert page.model.sort_column() == (3, Qt.SortOrder.AscendingOrder)  # sorted in SQL too
    assert page.detail_width == dragged
    click_row(qtbot, page, 0)
    qtbot.waitUntil(page.detail.isVisible)
    assert abs(page.splitter.sizes()[1] - dragged) < 10
    other = login(qtbot, desk, "office_head")  # another clerk's layout is their own
    other.open_register("seal_use")
    wait_table(qtbot, other.pages["seal_use"])
    assert other.pages["seal_use"].table.horizontalHeader().sectionSize(2) != 333


def test_a_layout_saved_for_other_columns_is_not_put_on_the_wrong_ones(qtbot: Any, desk: Any) -> None:
    """Qt restores a header by position: a layout saved before an upgrade added a column would give
    the old widths and sort to the columns after it. It is kept under the register's columns."""
    import dataclasses

    from tests.ui.conftest import login, wait_table
    from ui import state
    from ui.register_view import header_state_key

    window = login(qtbot, desk, "clerk")
    window.open_register("seal_use")
    page = window.pages["seal_use"]
    wait_table(qtbot, page)
    page.table.horizontalHeader().resizeSection(2, 333)
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    qtbot.wait(600)  # saved 0.4 s after the last change
    spec = page.spec
    saved = state.load_bytes(page.ctx.user, header_state_key(spec))
    assert saved is not None
    window.close()
    # The same bytes as if saved by the version before a column was added, and nothing for today's.
    older = dataclasses.replace(spec, columns=spec.columns[:-1])
    assert header_state_key(older) != header_state_key(spec)
    state.save_bytes(page.ctx.user, header_state_key(older), saved)
    state.save_bytes(page.ctx.user, header_state_key(spec), QByteArray())

    again = login(qtbot, desk, "clerk")
    again.open_register("seal_use")
    page = again.pages["seal_use"]
    wait_table(qtbot, page)
    header = page.table.horizontalHeader()
    assert header.sectionSize(2) != 333
    assert header.sortIndicatorSection() != 3  # the register's own default sort
