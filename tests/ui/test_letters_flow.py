"""Introduction letters and blank sealed letterhead end to end through real widgets (保密工作制度 第二十条).

(a) An enforcement officer files a letter request through the 介绍信登记簿's form, the office clerk
issues it from the detail panel: the row gets its number, the preview's PDF carries it on the stub,
across the tear line and on the letter, 导出Word writes the same number, the court-seal use filed with
it is in the 印章使用登记簿, and voiding another letter keeps its number and reason in the register.
(b) A staff member requests 5 sheets of blank letterhead; a vice-president is refused citing 第二十条(3);
the president approves, the clerk issues, the holder reports 2 used and the clerk counts 3 back in:
the batch closes and the outstanding sheets leave both dashboards.
(c) Bad input in the letter form is refused next to the field and writes nothing.

Set COURTDESK_SCREENSHOTS=<folder> to save screenshots of the form, the preview, the letterhead
register and the holder's dashboard while the flows run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from courtdesk.areas.letters.demo import BEARERS
from courtdesk.areas.letters.letterhead import LETTERHEAD_WORKFLOW
from courtdesk.areas.letters.models import BlankLetterhead, BlankLetterheadReport, IntroductionLetter
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import clock
from tests.areas.letters.letters_helpers import wrong_check_digit
from tests.support.readback import docx_text
from tests.ui.conftest import click_record, fill_cell, idle, login, type_text, wait_ops, wait_table

pytestmark = pytest.mark.ui

RECIPIENT = "廊坊市自然资源和规划局"
PURPOSE = "查询被执行人名下不动产登记信息"
LETTERHEAD_PURPOSE = "赴新疆巡回审判，路远不便临时回院开具证明"
RULE_20_3 = "《保密工作制度》第二十条(3)"


def shot(widget: Any, name: str) -> None:
    folder = os.environ.get("COURTDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def count(db: Any, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def column(page: Any, key: str) -> int:
    return [c.key for c in page.spec.columns].index(key)


def values_of(page: Any, record_id: int) -> dict[str, str]:
    row = page.model.row_of(record_id)
    assert row is not None, f"record {record_id} is not in the table"
    return dict(zip((c.key for c in page.spec.columns), page.model.row_values(row), strict=True))


def choose(combo: Any, text: str) -> None:
    at = next(i for i in range(combo.count()) if text in combo.itemText(i))
    combo.setCurrentIndex(at)


def type_number(qtbot: Any, spin: Any, value: int) -> None:
    """Type a number into a spin box as a user does (select all, type)."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))


def fill_letter(qtbot: Any, form: Any, *, validity: int = 10, second_id: str | None = None) -> None:
    type_text(form.widget("recipient"), RECIPIENT)
    bearers = form.widget("bearers")  # the 持信人 table: one row to start with, 添加一行 for the second
    assert bearers.row_count() == 1
    qtbot.mouseClick(bearers.add_button, Qt.MouseButton.LeftButton)
    for row, key in enumerate(("enforcer", "enforce_clerk")):
        name = {"enforcer": "黄磊", "enforce_clerk": "何佳"}[key]
        fill_cell(qtbot, bearers, row, "name", name)
        fill_cell(qtbot, bearers, row, "title", BEARERS[key][0])
        number = BEARERS[key][1] if row == 0 or second_id is None else second_id
        fill_cell(qtbot, bearers, row, "id_number", number)
    type_text(form.widget("purpose"), PURPOSE)
    type_number(qtbot, form.widget("validity_days"), validity)
    choose(form.widget("signer_id"), "刘建军")


def act(qtbot: Any, page: Any, label: str, fill: Any = None) -> Any:
    """Click an action button of the detail panel, fill its dialog, confirm; return the dialog."""
    assert label in page.detail.action_buttons, list(page.detail.action_buttons)
    qtbot.mouseClick(page.detail.action_buttons[label], Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    assert dialog.isVisible()
    if fill is not None:
        fill(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()
    return dialog


def wait_detail(qtbot: Any, page: Any, status: str) -> None:
    qtbot.waitUntil(lambda: not page.detail.loading and page.detail.details is not None
                    and page.detail.details.status == status, timeout=15000)


def dashboard_counts(qtbot: Any, window: Any) -> dict[str, int]:
    """The holder's 我的待办 after a refresh: filter key → count, for the blank-letterhead lines."""
    board = window.dashboard
    loaded: list[int] = []
    board.loaded.connect(loaded.append)
    board.refresh()
    qtbot.waitUntil(lambda: bool(loaded), timeout=15000)
    return {c.item.filter: c.item.count for c in board.cards if c.item.register == "blank_letterhead"}


# --- (a) introduction letter ------------------------------------------------------------------------


def test_letter_is_requested_issued_printed_exported_and_another_voided(qtbot, desk, tmp_path):
    import docx
    from pypdf import PdfReader

    clock.set_now(dt.datetime(2026, 11, 24, 9, 0))
    with desk.read() as s:
        last = s.scalar(select(func.max(IntroductionLetter.serial)).where(IntroductionLetter.year == 2026))
    letters_before, uses_before = count(desk, IntroductionLetter), count(desk, SealUse)

    # --- the enforcement officer files the request through the register's form -------------------
    officer = login(qtbot, desk, "enforcer")
    page = officer.open_register("introduction_letter")
    wait_table(qtbot, page)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.active_dialog
    assert form.isVisible() and "申请开具介绍信" in form.windowTitle()
    fill_letter(qtbot, form)
    assert form.value("validity_days") == 10
    assert form.all_errors() == []
    shot(form, "letter_form")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    letter_id = form.result_value.id
    assert form.result_value.number is None  # the number is taken when the clerk issues it
    qtbot.waitUntil(lambda: page.model.row_of(letter_id) is not None and not page.model.loading)
    row = values_of(page, letter_id)
    assert (row["number"], row["status"], row["bearers"], row["bearer_count"]) == ("", "待开具", "黄磊、何佳", "2")
    assert (row["recipient"], row["purpose"], row["validity_days"]) == (RECIPIENT, PURPOSE, "10")
    idle(qtbot)

    # --- the office clerk issues it from the detail panel ----------------------------------------
    clock.set_now(dt.datetime(2026, 11, 24, 9, 30))
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("introduction_letter", "to_issue")
    wait_table(qtbot, page)
    click_record(qtbot, page, letter_id)
    assert page.detail.heading.text() == "（尚未编号）"
    # the bearers are a section of the detail panel: a small table, one row each
    bearers_table = page.detail.lines_tables["bearers"]
    assert page.detail.lines_boxes["bearers"].title() == "持信人"
    assert [bearers_table.horizontalHeaderItem(c).text() for c in range(3)] == ["姓名", "职务", "身份证号码"]
    assert [[bearers_table.item(r, c).text() for c in range(3)] for r in range(bearers_table.rowCount())] == [
        ["黄磊", BEARERS["enforcer"][0], BEARERS["enforcer"][1]],
        ["何佳", BEARERS["enforce_clerk"][0], BEARERS["enforce_clerk"][1]],
    ]
    act(qtbot, page, "开具")
    wait_detail(qtbot, page, "已开具")
    number = f"(2026)第{last + 1:04d}号"
    assert page.detail.heading.text() == number
    assert [h.action for h in page.detail.details.history][-1] == "开具"
    page.set_filter("issued")
    qtbot.waitUntil(lambda: not page.model.loading and page.model.row_of(letter_id) is not None)
    row = values_of(page, letter_id)
    assert (row["number"], row["status"], row["issuer"], row["issued_at"]) == (number, "已开具", "王芳", "2026-11-24")

    # --- 预览/打印: the number on the stub, across the tear line and on the letter ----------------
    page.select_record(letter_id)
    qtbot.waitUntil(lambda: page.detail.record_id == letter_id and page.detail.details is not None)
    qtbot.mouseClick(page.detail.document_buttons["introduction_letter"][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    preview = page.detail.preview
    assert preview.page_count() == 1  # stub and letter on one A4 sheet
    shot(preview, "letter_preview")
    lines = [line.strip() for line in PdfReader(preview.path).pages[0].extract_text().splitlines()]
    at = [i for i, line in enumerate(lines) if line == number]
    assert len(at) == 3, lines
    stub, letter = lines.index("介绍信（存根）"), lines.index("介绍信")
    signed = next(i for i, line in enumerate(lines) if line.startswith("开具人：王芳"))
    assert stub < at[0] < signed < at[1] < letter < at[2]  # stub, tear line, letter
    text = "".join(lines)
    assert "兹介绍我院执行员黄磊同志（身份证号：" in text and BEARERS["enforce_clerk"][1] in text
    assert f"{RECIPIENT}：" in lines and "（有效期10天）" in lines
    preview.accept()

    # --- 导出Word: the same number ------------------------------------------------------------------
    target = tmp_path / "介绍信.docx"
    page.detail.render_document("docx", str(target))
    qtbot.waitUntil(lambda: page.detail.last_document == str(target), timeout=20000)
    paragraphs = [docx_text(p.text).strip() for p in docx.Document(str(target)).paragraphs]
    assert sum(number in p for p in paragraphs) == 3
    assert "介绍信（存根）" in paragraphs and f"{RECIPIENT}：" in paragraphs

    # --- the court-seal use filed with the letter is in the 印章使用登记簿 ------------------------
    with desk.read() as s:
        use_id = s.get(IntroductionLetter, letter_id).seal_use_id
    seals = clerk.open_register("seal_use")
    wait_table(qtbot, seals)
    type_text(seals.search, number)
    qtbot.waitUntil(lambda: seals.model.query.search == number and not seals.model.loading, timeout=15000)
    assert seals.model.rowCount() == 1
    use = values_of(seals, use_id)
    assert use["title"] == f"介绍信{number}（致{RECIPIENT}）"
    assert re.fullmatch(r"\(2026\)用印第\d{4}号", use["number"])
    assert (use["status"], use["impressions"], use["signer"]) == ("待审批", "2", "")
    assert count(desk, SealUse) == uses_before + 1

    # --- voiding another issued letter keeps its number and the reason in the register -----------
    page = clerk.open_register("introduction_letter", "issued")
    wait_table(qtbot, page)
    other = next(page.model.record_id(r) for r in range(page.model.rowCount())
                 if page.model.record_id(r) != letter_id)
    other_number = values_of(page, other)["number"]
    assert other_number
    click_record(qtbot, page, other)
    reason = "收件单位名称写错，作废后重新开具"
    act(qtbot, page, "作废", lambda d: type_text(d.widget("comment"), reason))
    wait_detail(qtbot, page, "已作废")
    page.set_filter("voided")
    qtbot.waitUntil(lambda: not page.model.loading and page.model.row_of(other) is not None)
    row = values_of(page, other)
    assert (row["number"], row["status"], row["void_reason"]) == (other_number, "已作废", reason)
    assert count(desk, IntroductionLetter) == letters_before + 1
    idle(qtbot)


# --- (b) blank letterhead ---------------------------------------------------------------------------


def test_blank_letterhead_from_request_to_closing_and_the_dashboards(qtbot, desk):
    # Mid-December: the other batches out are past their return day, so the in-period lines count ours.
    clock.set_now(dt.datetime(2026, 12, 14, 9, 0))

    # --- a staff member requests 5 sheets ---------------------------------------------------------
    holder = login(qtbot, desk, "civil_clerk")
    assert "mine_open" not in dashboard_counts(qtbot, holder)
    page = holder.open_register("blank_letterhead")
    wait_table(qtbot, page)
    form = page.new_record()
    type_number(qtbot, form.widget("quantity"), 5)
    type_text(form.widget("purpose"), LETTERHEAD_PURPOSE)
    form.set_value("return_by", dt.date(2027, 1, 10))
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    batch_id, number = form.result_value.id, form.result_value.number
    assert re.fullmatch(r"\(2026\)信笺第\d{4}号", number)
    qtbot.waitUntil(lambda: page.model.row_of(batch_id) is not None and not page.model.loading)
    assert values_of(page, batch_id)["status"] == "待院长审批"
    idle(qtbot)

    # --- a vice-president may not approve: no button, the panel says who does, the core refuses ----
    clock.set_now(dt.datetime(2026, 12, 14, 10, 0))
    leader = login(qtbot, desk, "leader")
    page = leader.open_register("blank_letterhead")
    wait_table(qtbot, page)
    click_record(qtbot, page, batch_id)
    assert "批准" not in page.detail.action_buttons
    waiting = page.detail.no_actions.text()
    assert "院长办理「批准」「不批准」" in waiting and RULE_20_3 in waiting, waiting
    # even if the action were reached (an old window, a changed role), the dialog shows the refusal
    approve = LETTERHEAD_WORKFLOW.transition("approve")[0]
    dialog = page.start_action(approve)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.isVisible()
    assert "只有院长可以执行「批准」" in dialog.error.text() and RULE_20_3 in dialog.error.text()
    dialog.reject()
    with desk.read() as s:
        assert s.get(BlankLetterhead, batch_id).status == "requested"
    idle(qtbot)

    # --- the president approves from his dashboard --------------------------------------------------
    president = login(qtbot, desk, "president")
    qtbot.waitUntil(lambda: any(c.item.filter == "to_approve" and c.item.register == "blank_letterhead"
                                for c in president.dashboard.cards), timeout=15000)
    card = next(c for c in president.dashboard.cards if c.item.filter == "to_approve"
                and c.item.register == "blank_letterhead")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = president.current_page()
    assert page.spec.key == "blank_letterhead" and page.filter_combo.currentText() == "待院长审批"
    wait_table(qtbot, page)
    click_record(qtbot, page, batch_id)
    act(qtbot, page, "批准", lambda d: type_text(d.widget("comment"), "同意，用后及时交回"))
    wait_detail(qtbot, page, "已批准待发放")
    idle(qtbot)

    # --- the office clerk hands out the sheets --------------------------------------------------------
    clock.set_now(dt.datetime(2026, 12, 14, 15, 0))
    clerk = login(qtbot, desk, "clerk")
    before = dashboard_counts(qtbot, clerk)
    assert before["outstanding"] == before["overdue"]  # only the demo's overdue sheets are out: counted too
    page = clerk.open_register("blank_letterhead", "to_issue")
    wait_table(qtbot, page)
    click_record(qtbot, page, batch_id)
    act(qtbot, page, "发放")
    wait_detail(qtbot, page, "已发放（使用中）")
    assert dashboard_counts(qtbot, clerk)["outstanding"] == before["outstanding"] + 5
    assert dashboard_counts(qtbot, holder)["mine_open"] == 5
    shot(holder.dashboard, "holder_dashboard")

    # --- the holder reports two sheets used ---------------------------------------------------------
    clock.set_now(dt.datetime(2026, 12, 20, 17, 0))
    page = holder.open_register("blank_letterhead", "mine_open")
    # the page is still open from the request: 刷新 shows what the others did meanwhile
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    wait_table(qtbot, page)
    click_record(qtbot, page, batch_id)
    wait_detail(qtbot, page, "已发放（使用中）")
    for day, what in ((18, "出具送达情况说明（致乌鲁木齐某社区）"), (19, "出具调查取证的单位证明")):
        steps = len(page.detail.details.history)

        def report(d: Any, day: int = day, what: str = what) -> None:
            d.set_value("on_date", dt.date(2026, 12, day))
            type_text(d.widget("what_for"), what)

        act(qtbot, page, "登记使用", report)
        qtbot.waitUntil(lambda steps=steps: page.detail.details is not None
                        and len(page.detail.details.history) == steps + 1, timeout=15000)
        assert what in page.detail.details.history[-1].comment
    qtbot.waitUntil(lambda: not page.model.loading and values_of(page, batch_id)["used_count"] == "2")
    assert values_of(page, batch_id)["outstanding"] == "3"
    assert dashboard_counts(qtbot, holder)["mine_open"] == 3

    # --- the clerk counts the other three back in: the batch closes -------------------------------
    clock.set_now(dt.datetime(2026, 12, 21, 9, 0))
    page = clerk.open_register("blank_letterhead", "outstanding")
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    wait_table(qtbot, page)
    click_record(qtbot, page, batch_id)
    qtbot.waitUntil(lambda: values_of(page, batch_id)["used_count"] == "2" and page.detail.details is not None
                    and len(page.detail.details.history) == 4, timeout=15000)

    def give_back(d: Any) -> None:
        type_number(qtbot, d.widget("sheets"), 3)
        d.set_value("on_date", dt.date(2026, 12, 21))
        type_text(d.widget("remarks"), "未使用 3 张，清点无误")

    act(qtbot, page, "交回登记", give_back)
    wait_detail(qtbot, page, "已办结")
    assert [h.action for h in page.detail.details.history][-2:] == ["交回登记", "办结"]
    assert page.detail.action_buttons == {}
    page.set_filter("closed")
    qtbot.waitUntil(lambda: not page.model.loading and page.model.row_of(batch_id) is not None)
    page.select_record(batch_id)
    shot(page, "letterhead_register")
    row = values_of(page, batch_id)
    assert (row["used_count"], row["returned_count"], row["outstanding"], row["status"]) == ("2", "3", "0", "已办结")
    with desk.read() as s:
        reports = s.scalars(select(BlankLetterheadReport).where(BlankLetterheadReport.batch_id == batch_id)
                            .order_by(BlankLetterheadReport.id)).all()
        assert [(r.kind, r.sheets) for r in reports] == [("used", 1), ("used", 1), ("returned", 3)]

    # --- the outstanding sheets are gone from both dashboards ---------------------------------------
    assert "mine_open" not in dashboard_counts(qtbot, holder)
    assert dashboard_counts(qtbot, clerk)["outstanding"] == before["outstanding"]  # the demo's overdue ones
    idle(qtbot)


# --- (c) bad input in the letter form ---------------------------------------------------------------


def test_bad_letter_input_is_refused_next_to_the_field_and_nothing_is_written(qtbot, desk):
    clock.set_now(dt.datetime(2026, 11, 24, 9, 0))
    officer = login(qtbot, desk, "enforcer")
    page = officer.open_register("introduction_letter")
    wait_table(qtbot, page)
    before = count(desk, IntroductionLetter)
    form = page.new_record()
    fill_letter(qtbot, form, validity=0)

    def refused() -> None:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
        assert form.isVisible()
        assert count(desk, IntroductionLetter) == before

    refused()
    assert form.field_error("validity_days") == "有效期：至少 1 天"
    assert form.widget("validity_days").property("invalid") is True
    type_number(qtbot, form.widget("validity_days"), 91)
    refused()
    assert form.field_error("validity_days") == "有效期：不能超过 90 天"

    type_number(qtbot, form.widget("validity_days"), 7)
    wrong = wrong_check_digit(BEARERS["enforce_clerk"][1])
    bearers = form.widget("bearers")
    fill_cell(qtbot, bearers, 1, "id_number", wrong)
    refused()
    assert form.field_error("bearers").startswith("持信人第2行 身份证号码：校验码错误")
    assert bearers.cell(1, "id_number").background().color().name() == "#fce8e6"  # the refused cell
    assert (bearers.table.currentRow(), bearers.table.currentColumn()) == (1, 2)
    shot(form, "letter_form_refused")
    assert form.field_error("validity_days") == ""

    for _ in range(2):  # nobody named: both rows deleted
        bearers.table.selectRow(0)
        qtbot.mouseClick(bearers.remove_button, Qt.MouseButton.LeftButton)
    assert bearers.row_count() == 0
    refused()
    assert form.field_error("bearers") == "持信人：至少填写一人（姓名、职务、身份证号码）"
    assert bearers.table.property("invalid") is True

    # filled in properly, it saves
    qtbot.mouseClick(bearers.add_button, Qt.MouseButton.LeftButton)
    fill_cell(qtbot, bearers, 0, "name", "黄磊")
    fill_cell(qtbot, bearers, 0, "title", "执行员")
    fill_cell(qtbot, bearers, 0, "id_number", BEARERS["enforcer"][1])
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    assert count(desk, IntroductionLetter) == before + 1
    idle(qtbot)
