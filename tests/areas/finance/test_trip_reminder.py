"""出差返岗后应及时申报 (《办公室财务管理办法》第4条): a travel claim left in draft more than the
configured number of days after the trip shows on the traveller's dashboard, and the filter lists it."""

from __future__ import annotations

import datetime as dt

from courtdesk.areas.finance.claims import ClaimService
from courtdesk.kernel import clock, registers, settings
from courtdesk.kernel.registers import RegisterQuery
from tests.areas.finance.helpers import NOW, travel_data


def _late(db, user) -> tuple[int, int]:
    with db.read() as s:
        card = {i.filter: i.count for i in registers.dashboard(s, user) if i.register == "finance_claim"}
        listed = RegisterQuery(registers.get("finance_claim"), filter_key="late_trip").count(s, user)
    return card.get("late_trip", 0), listed


def test_a_draft_travel_claim_is_remembered_after_the_configured_days(db, users):
    enforcer = users["enforcer"]
    before = _late(db, enforcer)[1]
    ended = NOW.date() - dt.timedelta(days=10)
    ClaimService(db).file(enforcer, travel_data(trip_start=ended - dt.timedelta(days=2), trip_end=ended))
    assert _late(db, enforcer)[1] == before  # 10 days < 30: not yet
    clock.set_now(NOW + dt.timedelta(days=21))  # 31 days after the trip
    card, listed = _late(db, enforcer)
    assert listed == before + 1 and card == listed  # the dashboard and the list agree
    assert _late(db, users["judge"])[1] == 0  # only the traveller is reminded
    settings.SettingsService(db).save(users["admin"], {"claim_reminder_days": "40"})
    assert _late(db, enforcer)[1] == before
