"""The enforcement rules on SQLite and on PostgreSQL (the PostgreSQL runs need COURTDESK_TEST_PG_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from courtdesk.areas.enforcement import CaseService, LetterService, SeizureService, generate_batch, rules
from courtdesk.areas.enforcement.letters import NUMBER_PATTERN
from courtdesk.areas.enforcement.models import RecipientUnit
from courtdesk.kernel import audit, clock, registers
from courtdesk.kernel.registers import RegisterQuery
from tests.areas.enforcement.helpers import CASE_AGE, case_data, row_counts, set_day
from tests.conftest import load_users


def test_cases_letters_seizures_and_radar(any_db, tmp_path):
    db = any_db
    users = load_users(db)
    clock.set_now(None)
    today = clock.today()
    set_day(today)
    case = CaseService(db).create(users["enforcer"], case_data(users, today, filed_days_ago=CASE_AGE))
    before = row_counts(db)
    with pytest.raises(Exception, match="已登记"):
        CaseService(db).create(users["enforcer"], case_data(users, today, number=case.number,
                                                            filed_on=case.filed_on))
    assert row_counts(db) == before

    with db.read() as s:
        units = list(s.scalars(select(RecipientUnit.id).order_by(RecipientUnit.id).limit(5)))
    outcome = generate_batch(db, users["enforcer"], case.id, units, tmp_path / "x.pdf")
    serials = [int(n.split("第")[1][:4]) for n in outcome.numbers]
    assert serials == list(range(serials[0], serials[0] + 5))
    assert outcome.numbers[0] == NUMBER_PATTERN.format(year=today.year, serial=serials[0])
    LetterService(db).record_sent(users["enforcer"], list(outcome.letter_ids),
                                  receipts={i: f"115000000{n:04d}" for n, i in enumerate(outcome.letter_ids)})
    set_day(today + dt.timedelta(days=16))
    with db.read() as s:
        overdue = RegisterQuery(registers.get("outgoing_letter"), search=case.number, filter_key="overdue")
        assert overdue.count(s, users["enforcer"]) == 5
        # the live 状态, computed in SQL with today's date (days_between on each database)
        spec = registers.get("outgoing_letter")
        statuses = {registers.display_row(spec, r)[[c.key for c in spec.columns].index("status")]
                    for r in overdue.stream(s, users["enforcer"])}
        assert len(statuses) == 1 and statuses.pop().startswith("逾期未复（")

    set_day(today)
    service = SeizureService(db)
    for offset in (31, 30, 15, 0, -1):
        service.add(users["enforcer"], {
            "case_id": case.id, "measure": "seal", "property_type": "real_estate", "description": f"差{offset}天",
            "start_date": today - dt.timedelta(days=100), "end_date": today + dt.timedelta(days=offset)})
    with db.read() as s:
        spec = registers.get("seizure")
        count = lambda key: RegisterQuery(spec, search=case.number, filter_key=key).count(s, users["enforcer"])
        assert (count("within_30"), count("within_15"), count("expired")) == (3, 2, 1)
        shown = [registers.display_row(spec, r) for r in RegisterQuery(spec, search=case.number).stream(
            s, users["enforcer"])]
        keys = [c.key for c in spec.columns]
        assert {(r[keys.index("days_left")], r[keys.index("status")]) for r in shown} == {
            ("31", "在控"), ("30", "将到期（≤30 天）"), ("15", "急（≤15 天）"), ("0", "急（≤15 天）"),
            ("-1", "已到期未续行")}
    deposit = service.add(users["enforcer"], {
        "case_id": case.id, "measure": "freeze", "property_type": "deposit", "description": "存款",
        "start_date": today - dt.timedelta(days=300)})
    with pytest.raises(Exception, match="第485条"):
        service.renew(users["enforcer"], deposit.id, new_end=rules.add_years(deposit.end_date, 1) + dt.timedelta(1))
    renewed = service.renew(users["enforcer"], deposit.id, new_end=rules.add_years(deposit.end_date, 1))
    notice = service.create_notice(users["enforcer"], case.id, [renewed.id])
    assert service.record_notified(users["enforcer"], notice.id).notified_on == today
    with db.engine.connect() as conn:
        report = audit.verify(conn)
        conn.rollback()
    assert report.ok, report.row_problems[:3]
