"""Statuses follow the clock (issue 15): an introduction letter past its 有效期 and still out reads
「已过有效期未交回」, a batch of blank sealed letterhead still out after its 交回期限 reads 「逾期未交回」 —
in the register, the detail panel's row, its filters, the .xlsx export and the printed 登记簿 alike, as
the dashboard already says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from courtdesk.areas.letters.letterhead import LetterheadService
from courtdesk.areas.letters.models import BlankLetterhead, IntroductionLetter
from courtdesk.areas.letters.service import LetterService
from courtdesk.kernel import clock, printing, registers
from courtdesk.kernel.exporting import export_xlsx
from tests.areas.letters.letters_helpers import NOW, letter_data
from tests.support.readback import pdf_page_texts, squash

TODAY = NOW.date()


def _status_everywhere(db: Any, actor: Any, key: str, record_id: int, search: str, tmp_path: Path) -> dict[str, Any]:
    """The record's 状态 as the register's table, its detail panel, the export and the print-out say it."""
    spec = registers.get(key)
    at = [c.key for c in spec.columns].index("status")
    query = registers.RegisterQuery(spec, search=search)
    tmp_path.mkdir()
    with db.read() as s:
        rows = {r[0]: registers.display_row(spec, r) for r in query.page(s, actor, 0, 50)}
        one = query.one(s, actor, record_id)
        assert one is not None
        printing.render(printing.register_document(s, actor, query), tmp_path / "book.pdf", "pdf",
                        fonts=printing.fonts_for(s))
        export_xlsx(s, actor, query, tmp_path / "book.xlsx")
    sheet = load_workbook(tmp_path / "book.xlsx").active
    header = [c.value for c in sheet[3]]
    exported = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[header.index("编号")] == search]
    assert len(rows) == len(exported) == 1
    return {
        "table": rows[record_id][at],
        "detail": registers.display_row(spec, one)[at],
        "export": exported[0][header.index("状态")],
        "print": squash("".join(pdf_page_texts(tmp_path / "book.pdf"))),
        "tone": spec.column("status").tone(rows[record_id][at]) if spec.column("status").tone else None,
    }


def _statuses(db: Any, actor: Any, key: str, filter_key: str | None = None) -> dict[int, str]:
    spec = registers.get(key)
    at = [c.key for c in spec.columns].index("status")
    with db.read() as s:
        rows = registers.RegisterQuery(spec, filter_key=filter_key).page(s, actor, 0, 1000)
    return {r[0]: registers.display_row(spec, r)[at] for r in rows}


def _issued_batch(db: Any, users: dict[str, Any], holder: str, quantity: int, days: int) -> BlankLetterhead:
    """A batch the president approved and the clerk handed out today, due back in ``days`` days."""
    service = LetterheadService(db)
    batch = service.request(users[holder], {"quantity": quantity, "purpose": "赴外地送达，需出具补充说明",
                                            "return_by": TODAY + dt.timedelta(days=days)})
    service.act(users["president"], batch.id, "approve", "同意")
    return service.act(users["clerk"], batch.id, "issue")


def test_a_letter_past_its_validity_reads_so_everywhere_and_only_those_are_in_the_filter(db, users, tmp_path):
    clerk = users["clerk"]
    letter = LetterService(db).file(users["enforcer"], letter_data(users, validity_days=7))
    number = LetterService(db).act(clerk, letter.id, "issue").number

    clock.set_now(NOW + dt.timedelta(days=6))  # the last valid day
    assert _status_everywhere(db, clerk, "introduction_letter", letter.id, number, tmp_path / "a")["table"] == "已开具"
    assert letter.id not in _statuses(db, clerk, "introduction_letter", "expired")

    clock.set_now(NOW + dt.timedelta(days=7))  # the day after: still out, no longer valid
    seen = _status_everywhere(db, clerk, "introduction_letter", letter.id, number, tmp_path / "b")
    assert (seen["table"], seen["detail"], seen["export"], seen["tone"]) == (
        "已过有效期未交回", "已过有效期未交回", "已过有效期未交回", "overdue")
    # the printed row: 编号, 开具日期 … 事由, 状态
    assert f"{number}{TODAY:%Y-%m-%d}" in seen["print"]
    assert "查询被执行人名下不动产登记信息已过有效期未交回" in seen["print"]

    # the filter lists exactly the letters that read 已过有效期未交回, and the dashboard counts them
    everything = _statuses(db, clerk, "introduction_letter")
    expired = _statuses(db, clerk, "introduction_letter", "expired")
    assert letter.id in expired and set(expired.values()) == {"已过有效期未交回"}
    assert set(expired) == {i for i, status in everything.items() if status == "已过有效期未交回"}
    with db.read() as s:
        card = next(i for i in registers.dashboard(s, clerk) if i.register == "introduction_letter"
                    and i.filter == "expired")
    assert card.count == len(expired)

    LetterService(db).act(users["enforcer"], letter.id, "mark_used")
    assert _statuses(db, clerk, "introduction_letter")[letter.id] == "已使用"
    assert letter.id not in _statuses(db, clerk, "introduction_letter", "expired")


def test_sorting_by_status_puts_the_expired_letters_together(db, users):
    spec = registers.get("introduction_letter")
    at = [c.key for c in spec.columns].index("status")
    with db.read() as s:
        rows = registers.RegisterQuery(spec, sort_key="status").page(s, users["clerk"], 0, 1000)
        expired = set(s.scalars(select(IntroductionLetter.number).where(
            IntroductionLetter.status == "issued", IntroductionLetter.valid_until < TODAY)))
    shown = [registers.display_row(spec, r)[at] for r in rows]
    assert expired and shown.count("已过有效期未交回") == len(expired)
    first = shown.index("已过有效期未交回")
    assert shown[first:first + len(expired)] == ["已过有效期未交回"] * len(expired)


def test_letterhead_overdue_for_return_reads_so_everywhere_and_only_those_are_in_the_filter(db, users, tmp_path):
    clerk = users["clerk"]
    batch = _issued_batch(db, users, "civil_clerk", 4, 20)

    clock.set_now(NOW + dt.timedelta(days=20))  # the return day itself
    seen = _status_everywhere(db, clerk, "blank_letterhead", batch.id, batch.number, tmp_path / "a")
    assert (seen["table"], seen["tone"]) == ("已发放（使用中）", None)

    clock.set_now(NOW + dt.timedelta(days=21))
    seen = _status_everywhere(db, clerk, "blank_letterhead", batch.id, batch.number, tmp_path / "b")
    assert (seen["table"], seen["detail"], seen["export"], seen["tone"]) == (
        "逾期未交回", "逾期未交回", "逾期未交回", "overdue")
    due = TODAY + dt.timedelta(days=20)
    assert f"44{due:%Y-%m-%d}逾期未交回" in seen["print"]  # the printed row: 数量, 未交回, 交回期限, 状态

    everything = _statuses(db, clerk, "blank_letterhead")
    overdue = _statuses(db, clerk, "blank_letterhead", "overdue")
    assert batch.id in overdue and len(overdue) >= 2  # the demo's batch due back on 11-05 too
    assert set(overdue) == {i for i, status in everything.items() if status == "逾期未交回"}

    LetterheadService(db).give_back(clerk, batch.id, 4, NOW.date() + dt.timedelta(days=21))
    assert _statuses(db, clerk, "blank_letterhead")[batch.id] == "已办结"
