"""Issue 10: finance sees the open advances per person with their age, and an advance still not
cleared more than 「出差返回后借支未结清提醒（天）」 after the trip (after the payment, for an advance
without a trip) is 逾期未结清 — in the register's filter, its live status, and on the dashboards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from courtdesk.areas.finance.advances import ADVANCE_REGISTER, OPEN_ADVANCES_REGISTER, AdvanceService
from courtdesk.areas.finance.documents import advance_content, advance_document
from courtdesk.areas.finance.models import Advance
from courtdesk.kernel import clock, registers, settings
from courtdesk.kernel.documents import document_text_lines
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.areas.finance.helpers import NOW
from tests.conftest import load_users

ESTIMATE = {"purpose": "赴杭州调查取证", "amount": "2400.00", "reasons": "往返火车票 900 元，住宿 3 晚 1,200 元，其他 300 元"}
#: The demo's overdue advance: 赵局长's trip to 石家庄 ended 2026-10-15 and the cash is still out.
DEMO_LATE = "赴石家庄参加全省法院执行工作会议"


def _paid(db, users, who: str = "judge", **trip: Any) -> int:
    """An advance of ``who`` requested, approved and paid out today (NOW)."""
    service = AdvanceService(db)
    aid = service.file(users[who], {**ESTIMATE, **trip}).id
    service.act(users["finance_leader"], aid, "approve", "同意")
    service.act(users["cashier"], aid, "pay")
    return aid


def _overdue(db, actor, spec=ADVANCE_REGISTER) -> dict[int, dict[str, str]]:
    """The rows the 「出差返回逾期未结清」 filter lists for ``actor``: id → shown values by column key."""
    keys = [c.key for c in spec.columns]
    with db.read() as s:
        query = RegisterQuery(spec, filter_key="overdue")
        return {int(r[0]): dict(zip(keys, display_row(spec, r), strict=True)) for r in query.page(s, actor, 0, 100)}


def _cards(db, actor) -> dict[str, tuple[int, str, str, bool]]:
    with db.read() as s:
        return {i.title: (i.count, i.register, i.filter, i.urgent) for i in registers.dashboard(s, actor)
                if i.register.startswith("finance_") and "逾期未结清" in i.title}


def _at(day: dt.date) -> None:
    clock.set_now(dt.datetime.combine(day, dt.time(9)))


def test_overdue_only_after_the_configured_days_from_the_end_of_the_trip(db, users):
    trip_end = dt.date(2026, 12, 4)
    aid = _paid(db, users, trip_start=dt.date(2026, 12, 2), trip_end=trip_end)
    assert aid not in _overdue(db, users["finance"])
    _at(trip_end + dt.timedelta(days=30))  # 30 days after the trip: reminded only after that
    assert aid not in _overdue(db, users["finance"])
    _at(trip_end + dt.timedelta(days=31))
    row = _overdue(db, users["finance"])[aid]
    assert row["status"] == "逾期未结清（1 天）" and row["trip_end"] == "2026-12-04"
    assert ADVANCE_REGISTER.column("status").tone(row["status"]) == "overdue"
    _at(trip_end + dt.timedelta(days=40))
    assert _overdue(db, users["finance"])[aid]["status"] == "逾期未结清（10 天）"


def test_without_a_trip_the_reminder_counts_from_the_payment(db, users):
    aid = _paid(db, users)  # paid out on 12-01, no trip named
    _at(NOW.date() + dt.timedelta(days=30))
    assert aid not in _overdue(db, users["finance"])
    _at(NOW.date() + dt.timedelta(days=31))
    assert _overdue(db, users["finance"])[aid]["status"] == "逾期未结清（1 天）"


def test_an_advance_paid_after_the_trip_counts_from_the_payment(db, users):
    aid = _paid(db, users, trip_start=dt.date(2026, 10, 1), trip_end=dt.date(2026, 10, 3))
    assert aid not in _overdue(db, users["finance"])  # the cash left today: not late for the old trip
    _at(NOW.date() + dt.timedelta(days=31))
    assert aid in _overdue(db, users["finance"])


def test_approved_but_unpaid_and_cleared_advances_are_never_overdue(db, users):
    service = AdvanceService(db)
    waiting = service.file(users["judge"], {**ESTIMATE, "trip_start": dt.date(2026, 10, 1),
                                            "trip_end": dt.date(2026, 10, 3)}).id
    service.act(users["finance_leader"], waiting, "approve", "同意")
    late = _paid(db, users, who="enforcer", trip_start=dt.date(2026, 12, 2), trip_end=dt.date(2026, 12, 4))
    _at(dt.date(2027, 3, 1))
    listed = _overdue(db, users["finance"])
    assert waiting not in listed and late in listed
    service.act(users["cashier"], late, "return_cash", amount="2400.00", returned_on=dt.date(2027, 3, 1))
    listed = _overdue(db, users["finance"])
    assert late not in listed
    with db.read() as s:
        assert s.get(Advance, late).status == "closed"
        states = {a.id: a.status for a in s.scalars(select(Advance).where(Advance.id.in_(list(listed))))}
    assert set(states.values()) == {"paid"}  # the demo's closed advances (trips in May, September) neither


def test_changing_the_setting_changes_the_list(db, users):
    def late_purposes() -> set[str]:
        return {r["purpose"] for r in _overdue(db, users["finance"]).values()}

    assert DEMO_LATE in late_purposes()  # 47 days after 10-15 on 12-01 > 30
    settings.SettingsService(db).save(users["admin"], {"advance_reminder_days": "60"})
    assert DEMO_LATE not in late_purposes()
    settings.SettingsService(db).save(users["admin"], {"claim_reminder_days": "5"})  # the claims' own setting
    assert DEMO_LATE not in late_purposes()
    settings.SettingsService(db).save(users["admin"], {"advance_reminder_days": "46"})
    row = next(r for r in _overdue(db, users["finance"]).values() if r["purpose"] == DEMO_LATE)
    assert row["status"] == "逾期未结清（1 天）"
    with pytest.raises(ValidationError, match="出差返回后借支未结清提醒（天）：不能大于 365"):
        settings.SettingsService(db).save(users["admin"], {"advance_reminder_days": "366"})


def test_dashboard_finance_sees_everyone_the_applicant_their_own(db, users):
    finance_card = "出差返回逾期未结清的借支"
    mine_card = "我的逾期未结清借支"
    for clerk in ("finance", "cashier"):
        assert _cards(db, users[clerk]) == {finance_card: (1, OPEN_ADVANCES_REGISTER.key, "overdue", True)}
    assert _cards(db, users["enforce_head"]) == {mine_card: (1, ADVANCE_REGISTER.key, "my_overdue", True)}
    for other in ("judge", "enforce_clerk", "finance_leader", "clerk"):
        assert _cards(db, users[other]) == {}
    # A month on, the judge's new advance and 何佳's (trip to 沈阳 ended 11-13) are late too: finance counts
    # all three, each applicant only theirs, and the cards open lists of exactly what they count.
    _paid(db, users, who="judge", trip_start=dt.date(2026, 12, 2), trip_end=dt.date(2026, 12, 3))
    _at(dt.date(2027, 1, 3))
    assert _cards(db, users["finance"])[finance_card][0] == 3
    assert len(_overdue(db, users["finance"], OPEN_ADVANCES_REGISTER)) == 3
    for applicant in ("judge", "enforce_clerk", "enforce_head"):
        assert _cards(db, users[applicant]) == {mine_card: (1, ADVANCE_REGISTER.key, "my_overdue", True)}
    assert len(_overdue(db, users["judge"])) == 1  # the register's scope: only their own
    with db.read() as s:
        assert RegisterQuery(ADVANCE_REGISTER, filter_key="my_overdue").count(s, users["judge"]) == 1


@pytest.mark.parametrize(("trip", "field", "message"), [
    ({"trip_start": "2026-12-02"}, "出差结束日期", "出差结束日期：已填出差开始日期的，应同时填写出差结束日期"),
    ({"trip_end": "2026-12-04"}, "出差开始日期", "出差开始日期：已填出差结束日期的，应同时填写出差开始日期"),
    ({"trip_start": "2026-12-04", "trip_end": "2026-12-02"}, "出差结束日期",
     "出差结束日期：不能早于出差开始日期（2026-12-04）"),
    ({"trip_start": "2206-12-02", "trip_end": "2206-12-04"}, "出差开始日期", "出差开始日期：不能晚于"),
    ({"trip_start": "2026-12-02", "trip_end": "12/04"}, "出差结束日期", "出差结束日期：日期格式应为"),
])
def test_trip_dates_are_checked_and_a_refusal_writes_nothing(db, users, trip, field, message):
    with db.read() as s:
        before = len(s.scalars(select(Advance.id)).all())
    with pytest.raises(ValidationError, match=message) as refused:
        AdvanceService(db).file(users["judge"], {**ESTIMATE, **trip})
    assert refused.value.field == field
    with db.read() as s:
        assert len(s.scalars(select(Advance.id)).all()) == before


def test_trip_dates_are_kept_shown_in_the_register_and_printed_on_the_slip(db, users):
    aid = AdvanceService(db).file(users["judge"], {**ESTIMATE, "trip_start": "2026-12-02",
                                                   "trip_end": "2026-12-04"}).id
    with db.read() as s:
        advance = s.get(Advance, aid)
        assert (advance.trip_start, advance.trip_end) == (dt.date(2026, 12, 2), dt.date(2026, 12, 4))
        row = RegisterQuery(ADVANCE_REGISTER).one(s, users["judge"], aid)
        lines = document_text_lines(advance_document(advance_content(s, advance)))
    keys = [c.key for c in ADVANCE_REGISTER.columns]
    shown = dict(zip(keys, display_row(ADVANCE_REGISTER, row), strict=True))
    assert shown["trip_end"] == "2026-12-04" and shown["status"] == "待审批"
    assert lines[lines.index("出差开始日期") + 1] == "二〇二六年十二月二日"
    assert lines[lines.index("出差结束日期") + 1] == "二〇二六年十二月四日"


def test_overdue_filter_and_live_status_on_any_database(any_db):
    users = load_users(any_db)
    rows = _overdue(any_db, users["finance"], OPEN_ADVANCES_REGISTER)
    assert [r["purpose"] for r in rows.values()] == [DEMO_LATE]
    row = next(iter(rows.values()))
    # 2026-10-15 + 30 days = 11-14; on 12-01 that is 17 days past.
    assert row["status"] == "逾期未结清（17 天）" and row["trip_end"] == "2026-10-15"
    assert _cards(any_db, users["finance"])["出差返回逾期未结清的借支"][0] == 1
    with any_db.read() as s:
        # The live status heads the record (detail panel) on every row, overdue or not.
        every = RegisterQuery(ADVANCE_REGISTER).page(s, users["finance"], 0, 100)
    keys = [c.key for c in ADVANCE_REGISTER.columns]
    shown = {r[keys.index("purpose")]: r[keys.index("status")]
             for r in (display_row(ADVANCE_REGISTER, x) for x in every)}
    assert shown[DEMO_LATE].startswith("逾期未结清") and shown["赴沈阳执行送达"] == "已借出未结清"
    assert shown["赴济南调查取证"] == "待审批" and shown["赴上海参加业务培训"] == "已结清"


def test_the_printed_slip_says_what_is_true_today(db, users):
    """The 借支单 printed for the demo's overdue advance says 逾期未结清 as the register does, and the
    count of days moves on with the date it is printed."""
    with db.read() as s:
        advance = s.scalars(select(Advance).where(Advance.purpose == DEMO_LATE)).one()
        row = RegisterQuery(ADVANCE_REGISTER).one(s, users["finance"], advance.id)
        state = advance_content(s, advance).state
        clock.set_now(NOW + dt.timedelta(days=3))
        later = advance_content(s, advance).state
    shown = dict(zip([c.key for c in ADVANCE_REGISTER.columns], display_row(ADVANCE_REGISTER, row), strict=True))
    assert state == shown["status"] and state.startswith("逾期未结清（")
    days = int(state.removeprefix("逾期未结清（").removesuffix(" 天）"))
    assert later == f"逾期未结清（{days + 3} 天）"


def test_a_trip_on_an_advance_with_no_claim_is_reminded_under_article_4(db, users):
    """第4条: the claims' reminder counts only claims already started; a trip taken on an advance with no
    claim filed N days after its end is reminded too — to its applicant and to finance — and the
    applicant sees 我的未结清借支 from the day it is paid."""
    from courtdesk.areas.finance.claims import ClaimService
    from courtdesk.kernel.registers import dashboard
    from tests.areas.finance.helpers import travel_data

    def listed(user, key: str) -> set[int]:
        with db.read() as s:
            return {row[0] for row in RegisterQuery(ADVANCE_REGISTER, filter_key=key).stream(s, user)}

    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    service = AdvanceService(db)
    aid = service.file(users["judge"], {"purpose": "赴邯郸送达", "reasons": "车费、住宿", "amount": "800.00",
                                        "trip_start": dt.date(2026, 12, 2), "trip_end": dt.date(2026, 12, 3)}).id
    service.act(users["finance_leader"], aid, "approve")
    service.act(users["cashier"], aid, "pay")
    assert aid in listed(users["judge"], "my_open")  # from the day it is paid
    with db.read() as s:
        assert any(i.title == "我的未结清借支" for i in dashboard(s, users["judge"]))
    clock.set_now(dt.datetime(2027, 1, 2, 9, 0))  # 30 days after the trip: not yet
    assert aid not in listed(users["judge"], "my_unclaimed")
    clock.set_now(dt.datetime(2027, 1, 3, 9, 0))  # 31 days: reminded
    assert aid in listed(users["judge"], "my_unclaimed") and aid in listed(users["finance"], "unclaimed_trip")
    with db.read() as s:
        assert any(i.title == "我出差返回逾期未报销的借支" and i.count for i in dashboard(s, users["judge"]))
    data = travel_data(traveller_ids=[users["judge"].id], travellers="", advance_id=aid,
                       trip_start=dt.date(2026, 12, 2), trip_end=dt.date(2026, 12, 3))
    for r in data["receipt_rows"]:
        r["issued_on"] = dt.date(2026, 12, 2) if r["issued_on"] == dt.date(2026, 11, 24) else dt.date(2026, 12, 3)
    ClaimService(db).file(users["judge"], data)  # a claim is started: the claims' own reminder takes over
    assert aid not in listed(users["judge"], "my_unclaimed")
