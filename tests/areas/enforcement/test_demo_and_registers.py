"""Demo data of the enforcement area (every state, the radar at work) and its registers through the
generic machinery: filters, paging, streaming, export, printing every record."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from courtdesk.areas.enforcement import LetterService, radar
from courtdesk.areas.enforcement.demo import bulk_letters, bulk_seizures
from courtdesk.areas.enforcement.models import (
    CASE_TYPES,
    EnforcementCase,
    InvestigationLetter,
    RecipientUnit,
    Seizure,
    SeizureNotice,
)
from courtdesk.areas.enforcement.units import REFERENCE_UNITS
from courtdesk.kernel import audit, clock, printing, registers
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.registers import RegisterQuery, display_row

KEYS = ("enforcement_case", "outgoing_letter", "seizure", "seizure_notice")


def statuses(db, model) -> dict[str, int]:
    with db.read() as s:
        return dict(s.execute(select(model.status, func.count()).group_by(model.status)).all())


def test_demo_has_every_state(db, users, today):
    assert set(statuses(db, EnforcementCase)) == {"open", "suspended", "closed"}
    assert set(statuses(db, InvestigationLetter)) == {"issued", "sent", "replied", "voided"}
    assert set(statuses(db, Seizure)) == {"active", "released", "lapsed"}
    assert set(statuses(db, SeizureNotice)) == {"draft", "notified"}
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RecipientUnit)) == len(REFERENCE_UNITS)
        kinds = set(s.scalars(select(EnforcementCase.case_type)))
        assert kinds <= set(CASE_TYPES) and {"执", "执保"} <= kinds
        assert s.scalar(select(func.count()).where(Seizure.renewals > 0)) >= 1
        assert s.scalar(select(func.count()).where(Seizure.notified_on.is_not(None))) >= 3
        modes = set(s.scalars(select(EnforcementCase.close_mode).where(EnforcementCase.status == "closed")))
        assert modes == {"执行完毕", "终结本次执行程序"}


def test_demo_radar_is_relative_to_the_day_it_was_filled(db, users):
    with db.read() as s:  # the demo's 执保 case was filed three days before the demo was filled
        today = s.scalar(select(EnforcementCase.filed_on).where(EnforcementCase.case_type == "执保")) + dt.timedelta(3)
    clock.set_now(dt.datetime.combine(today, dt.time(12)))
    with db.read() as s:
        head = radar(s, users["enforce_head"])  # the bureau head sees the whole bureau
        mine = radar(s, users["enforcer"])
    days = lambda rows: sorted((x.end_date - today).days for x in rows)
    assert days(head.within_15) == [10]
    assert days(head.within_30) == [10, 25, 28]  # 28: a case closed by 终本 keeps its seal on the radar
    assert days(head.expired) == [-3]
    assert days(mine.within_30) == [10, 25] and mine.expired == []
    with db.read() as s:
        overdue = RegisterQuery(registers.get("outgoing_letter"), filter_key="my_overdue").count(s, users["enforcer"])
        items = {i.title: i.count for i in registers.dashboard(s, users["enforcer"])}
    assert overdue == 3 and items["逾期未复的调查函"] == 3
    assert items["15 天内到期的查封、扣押、冻结（应提示申请续行）"] == 1


def test_demo_audit_chain_is_intact(db):
    with db.engine.connect() as conn:
        report = audit.verify(conn)
        conn.rollback()
    assert report.ok, (report.first_broken, report.broken_reason, report.row_problems[:3])


@pytest.mark.parametrize("key", KEYS)
def test_every_filter_pages_streams_and_exports(db, users, today, key, tmp_path):
    spec = registers.get(key)
    assert spec.area == "执行文书" and callable(spec.act)
    officer = users["enforcer"]
    with db.read() as s:
        total = RegisterQuery(spec).count(s, officer)
        assert total > 0
        for flt in spec.filters:
            query = RegisterQuery(spec, filter_key=flt.key)
            rows = query.page(s, officer, 0, 500)
            assert len(rows) == query.count(s, officer) <= total
            for row in rows:
                assert all(v is None or "None" != v for v in display_row(spec, row))
        for column in spec.columns:
            if column.sortable:
                RegisterQuery(spec, sort_key=column.key, descending=False).page(s, officer, 0, 5)
        assert len(list(RegisterQuery(spec).stream(s, officer, batch=3))) == total
        path = tmp_path / f"{key}.xlsx"
        assert export_xlsx(s, officer, RegisterQuery(spec), path) == total
    sheet = load_workbook(path).active
    assert sheet.cell(3, 2).value == spec.columns[0].label


def test_register_date_range_includes_its_first_day(db, users, today):
    spec = registers.get("outgoing_letter")
    with db.read() as s:
        day = s.scalar(select(InvestigationLetter.letter_date).order_by(InvestigationLetter.id))
        on_day = s.scalar(select(func.count()).where(InvestigationLetter.letter_date == day))
        assert RegisterQuery(spec, date_from=day, date_to=day).count(s, users["enforcer"]) == on_day > 0


def test_enforcement_registers_are_closed_to_office_staff(db, users):
    for key in KEYS:
        spec = registers.get(key)
        assert not spec.can_open(users["clerk"]) and spec.can_open(users["enforcer"])
        assert spec.can_open(users["president"])


def test_every_demo_record_prints(db):
    for name in ("investigation_letter", "seizure_transcript"):
        kind = printing.kind(name)
        with db.read() as s:
            ids = list(s.scalars(kind.ids()))
            assert ids
            docs = [kind.build(s, i) for i in ids]
        buffer = io.BytesIO()
        assert render_pdf(docs[0], buffer) >= 1
        for doc in docs:
            assert doc.title


def test_register_create_and_act_through_the_spec(db, users, today):
    spec = registers.get("outgoing_letter")
    with db.read() as s:
        case_id = s.scalar(select(EnforcementCase.id).where(EnforcementCase.status == "open"))
        unit_id = s.scalar(select(RecipientUnit.id))
    letter = spec.create(db, users["enforcer"], {"case_id": case_id, "unit_id": unit_id})
    sent = spec.act(db, users["enforcer"], letter.id, "send", "", {"postal_receipt": "1150099999999"})
    assert sent.status == "sent"
    with db.read() as s:
        assert s.get(spec.model, letter.id).reply_due == today + dt.timedelta(days=15)
        assert [t.action for t in spec.workflow.available(users["enforcer"], sent)] == ["reply", "void"]


def test_bulk_fillers_keep_numbering_and_audit(db, users, today):
    from courtdesk.kernel.models.people import User

    with db.read() as s:
        ctx = DemoContext(db, users={u.username: u for u in s.scalars(select(User))})
        before = s.scalar(select(func.count()).select_from(InvestigationLetter))
    bulk_letters(ctx, 300)
    bulk_seizures(ctx, 120)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(InvestigationLetter)) == before + 300
        case_id = s.scalar(select(EnforcementCase.id).where(EnforcementCase.status == "open"))
        unit_id = s.scalar(select(RecipientUnit.id))
        last = s.scalar(select(func.max(InvestigationLetter.serial)).where(InvestigationLetter.year == today.year))
    new = LetterService(db).create(users["enforcer"], case_id, [unit_id])[0]
    assert new.serial == last + 1
    with db.engine.connect() as conn:
        report = audit.verify(conn)
        conn.rollback()
    assert report.ok, report.row_problems[:3]
