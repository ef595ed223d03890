"""Statuses follow the clock (issue 9 item 3): with the clock past a freeze's last day the seizure reads
已到期未续行 in the register (with 剩余天数 and a red row), the detail panel, the printed 登记簿 and the
Excel export alike, and 续行 is not offered — only 补登续行 for a renewal made in time. So do an introduction
letter past its 有效期 and blank sealed letterhead past its 交回期限 while still out (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import select

from courtdesk.areas.enforcement.models import Seizure
from courtdesk.kernel import clock, printing
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.registers import RegisterQuery, get
from tests.support.readback import pdf_page_texts, squash
from tests.ui.conftest import click_record, login, wait_table

pytestmark = pytest.mark.ui


def test_a_freeze_past_its_last_day_reads_expired_everywhere(qtbot: Any, desk: Any, tmp_path: Any) -> None:
    with desk.read() as s:
        seizure = s.scalars(select(Seizure).where(Seizure.status == "active").order_by(Seizure.end_date)).first()
        number = seizure.case.number
        end = seizure.end_date
    clock.set_now(dt.datetime.combine(end + dt.timedelta(days=3), dt.time(9, 0)))

    window = login(qtbot, desk, "enforce_head")
    window.open_register("seizure")
    page = window.pages["seizure"]
    wait_table(qtbot, page)
    click_record(qtbot, page, seizure.id)
    row = page.model.row_of(seizure.id)
    keys = [c.key for c in page.spec.columns]
    values = page.model.row_values(row)
    assert values[keys.index("status")] == "已到期未续行"
    assert values[keys.index("days_left")] == "-3"
    assert page.model.row_tone(row) == "overdue"
    background = page.model.data(page.model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    assert background is not None and background.color().name() == "#fbe3e1"
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.record_id == seizure.id,
                    timeout=15000)
    assert page.detail.status.text() == "状态：已到期未续行"
    buttons = set(page.detail.action_buttons)
    assert "续行" not in buttons and "补登续行" in buttons  # a renewal made in time may still be entered
    # 状态 is on screen at 1366 px with no record selected (the detail panel gives its width back)
    window.resize(1366, 768)
    page.detail.clear()
    page._show_detail(False)
    qtbot.waitUntil(lambda: not page.detail.isVisible() and page.table.viewport().width() > 1000)
    status_x = page.table.columnViewportPosition(keys.index("status"))
    assert 0 <= status_x < page.table.viewport().width() - 40

    query = RegisterQuery(get("seizure"), search=number)
    with desk.read() as s:
        actor = window.ctx.user
        doc = printing.register_document(s, actor, query)
        printing.render(doc, tmp_path / "book.pdf", "pdf", fonts=printing.fonts_for(s))
        export_xlsx(s, actor, query, tmp_path / "book.xlsx")
    printed = squash("".join(pdf_page_texts(tmp_path / "book.pdf")))
    assert f"{end:%Y-%m-%d}-3已到期未续行" in printed  # 截止日期, 剩余天数, 状态 of that row
    ws = load_workbook(tmp_path / "book.xlsx").active
    header = [c.value for c in ws[3]]
    exported = [r for r in ws.iter_rows(min_row=4, values_only=True)
                if r[header.index("截止日期")] is not None and r[header.index("截止日期")].date() == end]
    assert exported and exported[0][header.index("状态")] == "已到期未续行"
    assert exported[0][header.index("剩余天数")] == -3


def test_an_overdue_letter_says_so_with_its_days_on_its_own_row(qtbot: Any, desk: Any) -> None:
    from courtdesk.areas.enforcement.models import InvestigationLetter

    with desk.read() as s:
        letter = s.scalars(select(InvestigationLetter).where(InvestigationLetter.status == "sent")
                           .order_by(InvestigationLetter.reply_due)).first()
        due = letter.reply_due
    clock.set_now(dt.datetime.combine(due + dt.timedelta(days=5), dt.time(9, 0)))
    window = login(qtbot, desk, "enforce_head")
    window.open_register("outgoing_letter")
    page = window.pages["outgoing_letter"]
    wait_table(qtbot, page)
    click_record(qtbot, page, letter.id)
    row = page.model.row_of(letter.id)
    status = page.model.row_values(row)[[c.key for c in page.spec.columns].index("status")]
    assert status == "逾期未复（5 天）"
    assert page.model.row_tone(row) == "overdue"
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.record_id == letter.id,
                    timeout=15000)
    assert page.detail.status.text() == "状态：逾期未复（5 天）"
    clock.set_now(dt.datetime.combine(due, dt.time(9, 0)))  # on the last day it is still 待回复
    page.refresh()
    wait_table(qtbot, page)
    assert page.model.row_values(page.model.row_of(letter.id))[
        [c.key for c in page.spec.columns].index("status")] == "待回复"


@pytest.mark.parametrize(("key", "filter_key", "word"), [
    ("introduction_letter", "expired", "已过有效期未交回"),  # issued 11-09, valid 3 days, still out
    ("blank_letterhead", "overdue", "逾期未交回"),  # due back 11-05, 3 sheets still out
])
def test_a_letter_or_letterhead_still_out_past_its_day_reads_overdue_on_screen(qtbot: Any, desk: Any, key: str,
                                                                                filter_key: str, word: str) -> None:
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    window = login(qtbot, desk, "clerk")
    page = window.open_register(key, filter_key)
    wait_table(qtbot, page)
    assert page.model.rowCount() == 1  # the filter the dashboard's card opens
    record_id = page.model.record_id(0)
    assert record_id is not None
    click_record(qtbot, page, record_id)
    row = page.model.row_of(record_id)
    assert page.model.row_values(row)[[c.key for c in page.spec.columns].index("status")] == word
    assert page.model.row_tone(row) == "overdue"
    assert page.detail.status.text() == f"状态：{word}"
