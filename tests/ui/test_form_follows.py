"""A form that follows its own values (issue 16 §6): fields shown only for some values of another field
(``when``), choices whose options follow another field (also a choice column of a lines table), and
options given by the caller from a record (a step's context). Driven through the real FormDialog; what
the dialog shows and what ``clean`` keeps agree."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from courtdesk.kernel.forms import RECORD, FormField, clean
from tests.ui.conftest import fill_cell, type_text, wait_ops
from tests.ui.test_enforcement_flow import choose
from tests.ui.test_finance_flow import _cell_editor, choose_cell
from ui.forms import FormDialog

pytestmark = pytest.mark.ui

KINDS = [("general", "支出报销单"), ("travel", "差旅费报销单")]
BY_KIND = {"general": ("办公费", "印刷费", "其他"), "travel": ("住宿费", "伙食补助费", "其他")}
ASKED: list[Any] = []


def categories(session: Any, actor: Any, kind: Any) -> list[tuple[Any, str]]:
    ASKED.append(kind)
    names = BY_KIND.get(kind) or tuple(dict.fromkeys(BY_KIND["general"] + BY_KIND["travel"]))
    return [(n, n) for n in names]


TRAVEL = ("travel",)
FIELDS = (
    FormField("kind", "报销单类别", "choice", choices=lambda s, a: KINDS, default="general"),
    FormField("purpose", "报销事由", "text"),
    FormField("places", "出差地点", "text", when=("kind", TRAVEL)),
    FormField("trip_start", "出发日期", "date", when=("kind", TRAVEL)),
    FormField("transport", "交通工具", "choice", required=False, when=("kind", TRAVEL),
              choices=lambda s, a: [("火车", "火车"), ("飞机", "飞机")]),
    FormField("main", "主要类别", "choice", required=False, choices_by=("kind", categories)),
    FormField("lines", "费用明细", "lines", columns=(
        FormField("category", "费用类别", "choice", choices_by=("kind", categories)),
        FormField("nights", "天数", "int", required=False, when=("kind", TRAVEL)),
        FormField("amount", "金额", "money"),
    )),
)


def _dialog(qtbot: Any, desk: Any, fields: tuple[FormField, ...] = FIELDS, **kw: Any) -> FormDialog:
    submitted: list[dict[str, Any]] = []

    def submit(data: dict[str, Any]) -> Any:
        with desk.read() as s:  # the core's check, as a service makes it
            values = clean(fields, data, session=s, actor=None, context=kw.get("context"))
        submitted.append(values)
        return values

    dialog = FormDialog(SimpleNamespace(db=desk, user=None), "填报销单", fields, submit, **kw)
    dialog.submitted = submitted  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


def _shown(dialog: FormDialog) -> set[str]:
    return {key for key, row in dialog.rows.items() if row.isVisible()}


def _offered(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(1, combo.count())]


def test_the_travel_fields_show_only_for_a_travel_claim_and_the_categories_follow(qtbot: Any, desk: Any) -> None:
    dialog = _dialog(qtbot, desk)
    lines = dialog.widget("lines")
    nights = [c.key for c in lines.field.columns].index("nights")
    # a general claim: no trip fields, the general categories
    assert _shown(dialog) == {"kind", "purpose", "main", "lines"}
    assert _offered(dialog.widget("main")) == ["办公费", "印刷费", "其他"]
    assert [label for _v, label in lines.choices["category"]] == ["办公费", "印刷费", "其他"]
    assert lines.table.isColumnHidden(nights)
    # the user makes it a travel claim: the trip appears, the categories are the travel ones — live
    asked = len(ASKED)
    choose(dialog.widget("kind"), "差旅费报销单")
    assert _shown(dialog) == set(dialog.rows)
    assert _offered(dialog.widget("main")) == ["住宿费", "伙食补助费", "其他"]
    assert not lines.table.isColumnHidden(nights)
    assert len(ASKED) == asked  # read with the form for every kind: no database read on a change
    combo, _column = _cell_editor(qtbot, lines, 0, "category", QComboBox)
    assert _offered(combo) == ["住宿费", "伙食补助费", "其他"]
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # leaves the cell as it was (Esc would close the dialog)
    # and back: hidden again
    choose(dialog.widget("kind"), "支出报销单")
    assert _shown(dialog) == {"kind", "purpose", "main", "lines"}


def test_a_value_no_longer_offered_is_dropped_or_marked_and_the_save_agrees(qtbot: Any, desk: Any) -> None:
    dialog = _dialog(qtbot, desk)
    choose(dialog.widget("kind"), "差旅费报销单")
    type_text(dialog.widget("purpose"), "赴石家庄执行查控")
    type_text(dialog.widget("places"), "石家庄")
    choose(dialog.widget("transport"), "火车")
    choose(dialog.widget("main"), "住宿费")
    lines = dialog.widget("lines")
    choose_cell(qtbot, lines, 0, "category", "住宿费")
    fill_cell(qtbot, lines, 0, "amount", "300")
    # changed to a general claim: the travel-only category in the box goes, the cell keeps its
    # value but is marked, and saving refuses it at the cell
    choose(dialog.widget("kind"), "支出报销单")
    assert dialog.value("main") is None
    cell = lines.cell(0, "category")
    assert cell.text() == "住宿费" and "不在可选范围内" in cell.toolTip()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "费用明细第1行 费用类别：所选的「住宿费」不在可选范围内（可选：办公费、印刷费、其他）" in dialog.field_error("lines")
    # the refusal put the cursor on the cell: F2 opens it, a general category is chosen, and the
    # claim is saved without any of the trip typed before
    assert (lines.table.currentRow(), lines.table.currentColumn()) == (0, 0)
    qtbot.keyClick(lines.table, Qt.Key.Key_F2)
    combo = next(e for e in lines.table.viewport().findChildren(QComboBox) if e.isVisible())
    assert combo.currentText() == "住宿费"  # the editor opened on it keeps the value until changed
    choose(combo, "办公费")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell.text() == "办公费", timeout=3000)
    assert not cell.toolTip()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    saved = dialog.result_value
    assert saved["kind"] == "general" and saved["places"] == "" and saved["transport"] is None
    assert saved["trip_start"] is None and saved["lines"][0]["category"] == "办公费"
    assert saved["lines"][0]["nights"] is None


def test_a_hidden_required_field_is_not_asked_for_and_a_shown_one_is(qtbot: Any, desk: Any) -> None:
    dialog = _dialog(qtbot, desk)
    choose(dialog.widget("kind"), "差旅费报销单")
    type_text(dialog.widget("purpose"), "购买耗材")
    lines = dialog.widget("lines")
    choose_cell(qtbot, lines, 0, "category", "其他")
    fill_cell(qtbot, lines, 0, "amount", "30")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "出差地点" in dialog.field_error("places")
    choose(dialog.widget("kind"), "支出报销单")  # 其他 is a category of both kinds: it stays
    assert lines.cell(0, "category").text() == "其他" and not lines.cell(0, "category").toolTip()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()


def test_an_edit_form_of_a_general_record_opens_without_the_travel_fields(qtbot: Any, desk: Any) -> None:
    travel = tuple(FormField(**{**f.__dict__, "default": "travel"}) if f.key == "kind" else f for f in FIELDS)
    dialog = _dialog(qtbot, desk, travel)
    assert {"places", "trip_start", "transport"} <= _shown(dialog)
    assert _offered(dialog.widget("main")) == ["住宿费", "伙食补助费", "其他"]
    general = _dialog(qtbot, desk)
    assert not {"places", "trip_start", "transport"} & _shown(general)


def test_a_steps_options_come_from_its_record_through_the_context(qtbot: Any, desk: Any) -> None:
    class Claim:
        receipts = [(1, "第1张 火车票 ¥178.00"), (2, "第2张 住宿发票 ¥680.00")]

    step = (FormField("receipt_no", "票据", "choice", choices_by=(RECORD, lambda s, a, c: c.receipts)),
            FormField("day", "日期", "date", default=dt.date(2026, 12, 1)))
    record = Claim()
    dialog = _dialog(qtbot, desk, step, context={RECORD: record})
    assert _offered(dialog.widget("receipt_no")) == ["第1张 火车票 ¥178.00", "第2张 住宿发票 ¥680.00"]
    # options read elsewhere (a worker, with the record) are given to the dialog as they are
    given = _dialog(qtbot, desk, step, context={RECORD: record},
                    choices={"receipt_no": [(2, "第2张 住宿发票 ¥680.00")]})
    assert _offered(given.widget("receipt_no")) == ["第2张 住宿发票 ¥680.00"]
    choose(given.widget("receipt_no"), "第2张 住宿发票 ¥680.00")
    qtbot.mouseClick(given.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert given.result() == QDialog.DialogCode.Accepted, given.all_errors()
    assert given.result_value["receipt_no"] == 2
