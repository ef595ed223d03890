"""Statuses follow the clock (issue 15): an introduction letter past its 有效期 and still out reads
「已过有效期未交回」, a batch of blank sealed letterhead still out after its 交回期限 reads 「逾期未交回」 —
in the register, the detail panel's row, its filters, the .xlsx export and the printed 登记簿 alike, as
the dashboard already says; and the dashboard's lines of letterhead sheets count exactly what they open."""

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
    # the holder's own list of what is overdue
    assert set(_statuses(db, users["civil_clerk"], "blank_letterhead", "my_overdue")) == {batch.id}

    LetterheadService(db).give_back(clerk, batch.id, 4, NOW.date() + dt.timedelta(days=21))
    assert _statuses(db, clerk, "blank_letterhead")[batch.id] == "已办结"


def _letterhead_cards(db: Any, actor: Any) -> dict[str, registers.DashboardItem]:
    with db.read() as s:
        return {i.title: i for i in registers.dashboard(s, actor) if i.register == "blank_letterhead"}


def _listed_sheets(db: Any, actor: Any, filter_key: str) -> dict[str, int]:
    """The batches the register lists under ``filter_key``: number → 未交回 sheets."""
    spec = registers.get("blank_letterhead")
    keys = [c.key for c in spec.columns]
    with db.read() as s:
        rows = registers.RegisterQuery(spec, filter_key=filter_key).page(s, actor, 0, 1000)
    return {r[keys.index("number") + 1]: int(r[keys.index("outstanding") + 1]) for r in rows}


def test_sheets_out_count_every_sheet_out_and_equal_what_the_card_opens(db, users):
    batch = _issued_batch(db, users, "civil_clerk", 4, 20)
    with db.read() as s:  # every sheet handed out and not yet back, the overdue ones included
        out = {b.number: b.outstanding for b in s.scalars(select(BlankLetterhead).where(
            BlankLetterhead.status == "issued"))}
        overdue = {b.number for b in s.scalars(select(BlankLetterhead).where(
            BlankLetterhead.status == "issued", BlankLetterhead.return_by < TODAY))}
    assert overdue and batch.number in out  # an overdue batch (the demo's, due 11-05) and an in-time one

    card = _letterhead_cards(db, users["clerk"])["在外未交回的盖章空白信笺（张）"]
    listed = _listed_sheets(db, users["clerk"], card.filter)
    assert listed == out
    assert card.count == sum(listed.values()) == sum(out.values())

    # every sheet count on anyone's dashboard is the sum of 未交回 over the batches its card opens
    for who in ("clerk", "civil_clerk", "judge", "enforce_head", "president"):
        for title, item in _letterhead_cards(db, users[who]).items():
            if title.endswith("（张）"):
                assert item.count == sum(_listed_sheets(db, users[who], item.filter).values()), (who, title)


def test_an_office_holders_overdue_card_opens_only_her_own_batch(db, users):
    """The office head sees every batch in the register; her overdue card lists only hers."""
    batch = _issued_batch(db, users, "office_head", 2, 5)
    clock.set_now(NOW + dt.timedelta(days=6))
    card = _letterhead_cards(db, users["office_head"])["我领用的盖章空白信笺已逾期未交回（张）"]
    assert _listed_sheets(db, users["office_head"], card.filter) == {batch.number: 2}
    assert card.count == 2
