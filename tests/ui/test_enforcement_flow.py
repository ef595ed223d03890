"""Enforcement end to end through real widgets (issue #4): an officer registers a case through the
执行案件 form, runs 批量制作调查函 on it (12 units → one 36-page PDF, 12 numbered lines in the
发函登记簿), records 寄出登记 and 回复登记 on the letters, sees the unanswered one overdue on 我的待办,
registers seizures whose radar filters show the right rows, and turns the ones in force into a
查封措施告知笔录 whose 告知登记 dates every seizure. Bad input is refused next to its field.

Set COURTDESK_SHOTS=<folder> to save screenshots of the screens along the way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPushButton
from sqlalchemy import func, select

from courtdesk.areas.enforcement.letter_document import STANDARD_QUESTIONS
from courtdesk.areas.enforcement.models import EnforcementCase, InvestigationLetter, Seizure
from courtdesk.areas.enforcement.transcript_document import CLOSING, PARTY_ANSWER, WARNING
from courtdesk.kernel import clock
from courtdesk.kernel.documents.dates import court_date
from tests.areas.enforcement.helpers import person_id
from tests.support.readback import squash
from tests.ui.conftest import (
    click_record,
    click_row,
    idle,
    login,
    save_dialogs,
    type_text,
    wait_ops,
    wait_table,
)

pytestmark = pytest.mark.ui

T0 = dt.datetime(2026, 11, 24, 9, 0)  # the case is registered and the letters go out
T1 = T0 + dt.timedelta(days=20)  # past the letters' reply due date (sent + 15 days)
FILED = dt.date(2025, 1, 6)
NUMBER = "(2025)冀1091执5678号"
RESPONDENT = "李娜"
DEPOSIT = "被执行人李娜在中国工商银行股份有限公司廊坊开发区支行账户（尾号2468）内存款人民币35,000元"
HOUSE = "被执行人李娜名下位于廊坊经济技术开发区云鹏道99号2号楼1单元302室的房产"
MOVABLE = "被执行人李娜所有的挖掘机一台（小松PC200-8）"


def shot(widget, name: str, qtbot=None, settle_ms: int = 0) -> None:
    folder = os.environ.get("COURTDESK_SHOTS")
    if folder and widget is not None:
        if qtbot is not None and settle_ms:
            qtbot.wait(settle_ms)  # e.g. the PDF view renders its pages in the background
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def count(db, model) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def column(page, key: str) -> int:
    return [c.key for c in page.spec.columns].index(key)


def choose(combo, text: str) -> None:
    """Pick the combo item whose text is ``text`` (else the first that contains it)."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(texts.index(text) if text in texts else next(i for i, t in enumerate(texts) if text in t))


def rows(page, key: str) -> list[str]:
    return [page.model.row_values(r)[column(page, key)] for r in range(page.model.rowCount())]


def search(qtbot, page, text: str) -> None:
    page.search.clear()
    type_text(page.search, text)
    page.apply_query()
    qtbot.waitUntil(lambda: page.model.query.search == text and not page.model.loading, timeout=15000)


def filtered(qtbot, page, filter_key: str, key: str = "description") -> set[str]:
    page.set_filter(filter_key)
    qtbot.waitUntil(lambda: page.model.query.filter_key == filter_key and not page.model.loading, timeout=15000)
    return set(rows(page, key))


def open_modal_box() -> QMessageBox | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)


def test_case_letters_seizures_and_transcript(qtbot, desk, users, tmp_path, monkeypatch):
    dialogs = save_dialogs(monkeypatch, tmp_path / "文书")
    clock.set_now(T0)
    enforcer = login(qtbot, desk, "enforcer")
    enforcer.resize(1400, 860)

    # --- a case through the 执行案件 form; a wrong case number is refused under 案号 -----------------
    qtbot.mouseClick(enforcer.nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=enforcer.nav.visualItemRect(enforcer.nav_items["enforcement_case"]).center())
    cases = enforcer.current_page()
    assert cases.spec.key == "enforcement_case"
    wait_table(qtbot, cases)
    batch_button = cases.command_buttons["letter_batch"]
    assert batch_button.isVisible() and not batch_button.isEnabled()  # nothing selected yet
    qtbot.mouseClick(cases.new_button, Qt.MouseButton.LeftButton)
    form = cases.active_dialog
    form.set_value("filed_on", FILED)
    type_text(form.widget("number"), "2025执5678")
    type_text(form.widget("cause"), "民间借贷纠纷")
    form.widget("amount").setText("35000")
    choose(form.widget("officer_id"), users["enforcer"].name)
    choose(form.widget("clerk_id"), users["enforce_clerk"].name)
    type_text(form.widget("applicant_name"), "张伟")
    type_text(form.widget("respondent_name"), RESPONDENT)
    form.widget("respondent_id_number").setText(person_id("13100219900202002"))
    type_text(form.widget("respondent_domicile"), "河北省廊坊市经济技术开发区云鹏道99号")
    cases_before = count(desk, EnforcementCase)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.isVisible()
    assert form.field_error("number").startswith("案号：「2025执5678」格式不对"), form.all_errors()
    assert form.widget("number").property("invalid") is True
    assert count(desk, EnforcementCase) == cases_before
    form.widget("number").clear()
    type_text(form.widget("number"), NUMBER)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    case_id = form.result_value.id
    assert count(desk, EnforcementCase) == cases_before + 1

    # --- 批量制作调查函: 12 units → one PDF of 36 pages -------------------------------------------------
    search(qtbot, cases, NUMBER)
    click_record(qtbot, cases, case_id)
    assert batch_button.isEnabled()
    shot(enforcer, "1_case_register")
    qtbot.mouseClick(batch_button, Qt.MouseButton.LeftButton)
    dialog = cases.active_dialog
    assert dialog.isVisible() and any(NUMBER in label.text() for label in dialog.findChildren(QLabel))
    assert dialog.value("target_id") is not None  # the case's one respondent, chosen
    assert dialog.value("questions") == "\n".join(STANDARD_QUESTIONS)
    assert dialog.value("letter_date") == T0.date()
    units = dialog.widget("unit_ids")
    for kind in ("银行", "派出所"):  # filter the list, then 全选 ticks the units shown
        units.filter.clear()
        type_text(units.filter, kind)
        qtbot.mouseClick(units.all_button, Qt.MouseButton.LeftButton)
    units.filter.clear()
    chosen = units.value()
    assert len(chosen) == 12
    assert "已选 12 项" in units.count.text()
    shot(dialog, "2_letter_batch_dialog")
    letters_before = count(desk, InvestigationLetter)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    progress = cases.command_progress
    assert progress is not None and progress.isVisible()
    qtbot.waitUntil(lambda: cases.last_progress is not None or cases.last_result is not None, timeout=30000)
    shot(cases.command_progress, "3_progress")
    qtbot.waitUntil(lambda: cases.last_result is not None, timeout=30000)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert cases.last_progress == (12, 12)  # the progress dialog went all the way
    assert cases.command_progress is None  # closed (and deleted)
    result = cases.last_result
    pdf = Path(result.pdf_path)
    assert pdf.parent == tmp_path / "文书" and pdf.name.startswith(NUMBER)  # where the user said, asked first
    assert [title for title, _start in dialogs.asked] == ["批量制作调查函 — 保存到"]
    assert len(PdfReader(str(pdf)).pages) == 36  # 存根, 正文 and 复函 of each letter
    qtbot.waitUntil(lambda: cases.preview is not None and cases.preview.isVisible())
    assert cases.preview.page_count() == 36
    assert "已制作调查函 12 份" in cases.info.text()
    cases.preview.accept()
    assert count(desk, InvestigationLetter) == letters_before + 12

    # --- the 发函登记簿: 12 new numbered lines; 寄出登记 on two, 回复登记 on one ------------------------
    letters = enforcer.open_register("outgoing_letter")
    wait_table(qtbot, letters)
    search(qtbot, letters, NUMBER)
    assert letters.model.rowCount() == 12
    numbers = sorted(rows(letters, "number"))
    serials = [int(re.fullmatch(r"\(2026\)执调字第(\d{4})号", n).group(1)) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + 12))
    assert set(rows(letters, "status")) == {"已制作待寄出"}
    shot(enforcer, "4_outgoing_letters")
    answered, silent = letters.model.record_id(0), letters.model.record_id(1)
    for letter_id, receipt in ((answered, "1150099001"), (silent, "1150099002")):
        click_record(qtbot, letters, letter_id)
        qtbot.mouseClick(letters.detail.action_buttons["寄出登记"], Qt.MouseButton.LeftButton)
        send = letters.active_dialog
        qtbot.keyClicks(send.widget("postal_receipt"), receipt)
        qtbot.mouseClick(send.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
        assert send.result() == QDialog.DialogCode.Accepted, send.all_errors()
        qtbot.waitUntil(lambda: letters.detail.details is not None and letters.detail.details.status == "待回复")
        wait_table(qtbot, letters)
    clock.set_now(T0 + dt.timedelta(days=6))
    click_record(qtbot, letters, answered)
    qtbot.mouseClick(letters.detail.action_buttons["回复登记"], Qt.MouseButton.LeftButton)
    reply = letters.active_dialog
    type_text(reply.widget("reply_note"), "被执行人不在此居住，无工作单位。")
    qtbot.mouseClick(reply.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert reply.result() == QDialog.DialogCode.Accepted, reply.all_errors()
    qtbot.waitUntil(lambda: letters.detail.details is not None and letters.detail.details.status == "已回复")
    with desk.read() as s:
        silent_number = s.get(InvestigationLetter, silent).number
        answered_number = s.get(InvestigationLetter, answered).number
        assert s.get(InvestigationLetter, silent).reply_due == T0.date() + dt.timedelta(days=15)

    # --- past the due date the unanswered letter is overdue on 我的待办 -----------------------------
    clock.set_now(T1)
    enforcer.show_page("home")
    home = enforcer.dashboard
    qtbot.waitUntil(lambda: any(c.item.title == "逾期未复的调查函" for c in home.cards), timeout=15000)
    card = next(c for c in home.cards if c.item.title == "逾期未复的调查函")
    assert card.item.urgent
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    overdue = enforcer.current_page()
    assert overdue is letters and "逾期未复" in overdue.filter_combo.currentText()
    qtbot.waitUntil(lambda: overdue.model.query.filter_key == card.item.filter and not overdue.model.loading)
    search(qtbot, overdue, NUMBER)
    assert rows(overdue, "number") == [silent_number]  # the answered one is not overdue
    assert answered_number not in rows(overdue, "number")

    # --- seizures through the form; a term beyond the legal maximum is refused under 截止日期 --------
    seizures = enforcer.open_register("seizure")
    wait_table(qtbot, seizures)
    today = T1.date()

    def add_seizure(measure: str, kind: str, what: str, start: dt.date, end: dt.date) -> QDialog:
        qtbot.mouseClick(seizures.new_button, Qt.MouseButton.LeftButton)
        form = seizures.active_dialog
        choose(form.widget("case_id"), NUMBER)
        choose(form.widget("measure"), measure)
        choose(form.widget("property_type"), kind)
        type_text(form.widget("description"), what)
        choose(form.widget("party_id"), f"{RESPONDENT}（{NUMBER}）")
        form.set_value("start_date", start)
        form.set_value("end_date", end)
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
        return form

    before = count(desk, Seizure)
    too_long = add_seizure("冻结", "银行存款", DEPOSIT, today - dt.timedelta(days=10), today + dt.timedelta(days=400))
    assert too_long.isVisible()
    assert too_long.field_error("end_date").startswith("截止日期：冻结银行存款的期限不得超过一年"), too_long.all_errors()
    assert count(desk, Seizure) == before
    too_long.reject()
    made = {}
    for what, measure, kind, start, end in (
        (DEPOSIT, "冻结", "银行存款", today - dt.timedelta(days=350), today + dt.timedelta(days=10)),
        (HOUSE, "查封", "不动产", today - dt.timedelta(days=30), today + dt.timedelta(days=25)),
        (MOVABLE, "扣押", "动产", today - dt.timedelta(days=700), today - dt.timedelta(days=3)),
    ):
        form = add_seizure(measure, kind, what, start, end)
        assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
        made[what] = form.result_value.id
    assert count(desk, Seizure) == before + 3

    # --- the radar at a fixed date ----------------------------------------------------------------
    search(qtbot, seizures, NUMBER)
    assert filtered(qtbot, seizures, "within_15") == {DEPOSIT}
    assert filtered(qtbot, seizures, "expired") == {MOVABLE}
    assert filtered(qtbot, seizures, "within_30") == {DEPOSIT, HOUSE}
    shot(enforcer, "5_seizure_radar")

    # --- 生成告知笔录 from the selected rows: the expired one is refused, the two in force are told ---
    assert filtered(qtbot, seizures, "active") == {DEPOSIT, HOUSE}  # 在控 means in force today
    assert filtered(qtbot, seizures, None) == {DEPOSIT, HOUSE, MOVABLE}
    notice_button = seizures.command_buttons["notice"]
    click_record(qtbot, seizures, made[DEPOSIT])
    for what in (HOUSE, MOVABLE):
        index = seizures.model.index(seizures.model.row_of(made[what]), 0)
        qtbot.mouseClick(seizures.table.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, seizures.table.visualRect(index).center())
    assert sorted(seizures.selected_ids()) == sorted(made.values())
    # The expired one does not fit: the button waits, and the page says how many rows are in the way.
    idle(qtbot)  # the rows are checked against the command in a worker
    assert seizures.selection_label.text() == "已选 3 条；其中 1 条现在不能「生成告知笔录」"
    assert not notice_button.isEnabled()
    index = seizures.model.index(seizures.model.row_of(made[MOVABLE]), 0)
    qtbot.mouseClick(seizures.table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, seizures.table.visualRect(index).center())
    told = seizures.selected_ids()
    assert sorted(told) == sorted([made[DEPOSIT], made[HOUSE]])
    idle(qtbot)
    assert seizures.selection_label.text() == "已选 2 条" and notice_button.isEnabled()
    qtbot.mouseClick(notice_button, Qt.MouseButton.LeftButton)
    notice_form = seizures.active_dialog
    assert notice_form.value("judge_name") == users["enforcer"].name
    assert notice_form.value("party_name") == "张伟"
    qtbot.mouseClick(notice_form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert notice_form.result() == QDialog.DialogCode.Accepted, notice_form.all_errors()
    notice_id = seizures.last_result.record_ids[0]
    qtbot.waitUntil(lambda: seizures.preview is not None and seizures.preview.isVisible(), timeout=20000)
    shot(seizures.preview, "6_transcript_preview", qtbot, 1500)
    text = squash("".join(p.extract_text() for p in PdfReader(seizures.preview.path).pages))
    for phrase in (WARNING, PARTY_ANSWER, CLOSING, "查封措施告知笔录", NUMBER, f"关于你申请执行{RESPONDENT}民间借贷纠纷一案"):
        assert squash(phrase) in text, phrase
    with desk.read() as s:
        ordered = [s.get(Seizure, i) for i in told]
    for n, seizure in enumerate(ordered, 1):
        start, end = seizure.start_date, seizure.end_date
        assert squash(f"{n}{seizure.measure_label}：{seizure.description}") in text
        assert squash(f"{court_date(start)}至{court_date(end)}") in text
    assert squash(MOVABLE) not in text
    seizures.preview.accept()

    # --- 告知登记 on the transcript dates every seizure it told ---------------------------------------
    notices = enforcer.open_register("seizure_notice")
    wait_table(qtbot, notices)
    click_record(qtbot, notices, notice_id)
    qtbot.mouseClick(notices.detail.action_buttons["告知登记"], Qt.MouseButton.LeftButton)
    notify = notices.active_dialog
    notify.set_value("notified_on", today)
    qtbot.mouseClick(notify.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert notify.result() == QDialog.DialogCode.Accepted, notify.all_errors()
    qtbot.waitUntil(lambda: notices.detail.details is not None and notices.detail.details.status == "已告知")
    enforcer.open_register("seizure")
    seizures.set_filter(None)
    qtbot.waitUntil(lambda: seizures.model.query.filter_key is None and not seizures.model.loading)
    notified = {r[column(seizures, "description")]: r[column(seizures, "notified_on")]
                for r in (seizures.model.row_values(i) for i in range(seizures.model.rowCount()))}
    assert notified == {DEPOSIT: today.isoformat(), HOUSE: today.isoformat(), MOVABLE: ""}
    idle(qtbot)


def test_commands_follow_the_selection_and_the_users_roles(qtbot, desk):
    """批量制作调查函 needs exactly one case, 生成告知笔录 one or more seizures; a leader who may read
    the registers but is no enforcement officer gets no command buttons."""
    enforcer = login(qtbot, desk, "enforcer")
    cases = enforcer.open_register("enforcement_case")
    wait_table(qtbot, cases)
    button = cases.command_buttons["letter_batch"]
    assert not button.isEnabled()
    click_row(qtbot, cases, 0)
    assert button.isEnabled()
    index = cases.model.index(1, 0)
    qtbot.mouseClick(cases.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     cases.table.visualRect(index).center())
    assert cases.selection_label.text() == "已选 2 条" and not button.isEnabled()
    idle(qtbot)

    leader = login(qtbot, desk, "leader")
    page = leader.open_register("enforcement_case")
    wait_table(qtbot, page)
    assert page.command_buttons == {}
    idle(qtbot)


def test_cancelling_a_long_command_keeps_nothing_to_send(qtbot, desk, tmp_path, monkeypatch):
    """取消 in the progress dialog stops 批量制作调查函: no PDF, no letter left waiting to be sent."""
    save_dialogs(monkeypatch, tmp_path / "文书")
    enforcer = login(qtbot, desk, "enforcer")
    cases = enforcer.open_register("enforcement_case", "open")
    wait_table(qtbot, cases)
    click_record(qtbot, cases, cases.model.record_id(0))
    with desk.read() as s:
        issued = int(s.scalar(select(func.count()).where(InvestigationLetter.status == "issued")))
    qtbot.mouseClick(cases.command_buttons["letter_batch"], Qt.MouseButton.LeftButton)
    dialog = cases.active_dialog
    qtbot.mouseClick(dialog.widget("unit_ids").all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    progress = cases.command_progress
    assert not dialog.ok_button.isEnabled()  # the form waits for the worker
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cases.last_result is not None, timeout=30000)
    assert cases.last_result.message.startswith("已取消") and cases.last_result.pdf_path is None
    assert cases.preview is None
    box = open_modal_box()
    assert box is not None and box.text() == cases.last_result.message
    box.close()
    assert not list((tmp_path / "文书").glob("*.pdf"))
    with desk.read() as s:
        assert int(s.scalar(select(func.count()).where(InvestigationLetter.status == "issued"))) == issued
    idle(qtbot)


def test_multichoice_field_filter_select_shown_and_required(qtbot, desk, users):
    """The generic checkable list: the filter narrows it, 全选/全不选 act on the items shown, and an
    empty required choice is refused under the field."""
    from courtdesk.kernel.forms import FormField, clean
    from ui.context import AppContext
    from ui.forms import FormDialog

    choices = [(1, "云鹏道派出所（派出所）"), (2, "耀华道派出所（派出所）"), (3, "中国银行（银行）")]
    field = FormField("units", "发往单位", "multichoice", choices=lambda s, a: choices)
    dialog = FormDialog(AppContext(desk, users["enforcer"]), "测试", (field,), lambda data: clean((field,), data))
    qtbot.addWidget(dialog)
    dialog.show()
    units = dialog.widget("units")
    type_text(units.filter, "派出所")
    assert [i.text() for i in units.shown()] == [choices[0][1], choices[1][1]]
    qtbot.mouseClick(units.all_button, Qt.MouseButton.LeftButton)
    assert dialog.value("units") == [1, 2]
    assert units.count.text() == "已选 2 项，共 3 项（当前显示 2 项）"
    units.filter.clear()
    qtbot.mouseClick(units.none_button, Qt.MouseButton.LeftButton)
    assert dialog.value("units") == []
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible() and dialog.field_error("units") == "发往单位：请至少选择一项"
    assert units.list.property("invalid") is True
    dialog.set_value("units", [3])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.result_value == {"units": [3]}
