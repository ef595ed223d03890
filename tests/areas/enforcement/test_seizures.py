"""The seizure register: legal maximum terms, renewals before expiry, release, the expiry radar on
the register and the dashboard, and the notification transcript (SPEC §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from courtdesk.areas.enforcement import CaseService, SeizureService, radar, rules
from courtdesk.areas.enforcement.models import Seizure, SeizureRenewal
from courtdesk.kernel import registers
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.areas.enforcement.helpers import CASE_AGE, case_data, row_counts, set_day

DAY = dt.timedelta(days=1)


def add(db, users, case, *, kind="deposit", measure=None, start=None, end=None, what="被执行人名下财产",
        who="enforcer") -> Seizure:
    measure = measure or rules.MEASURES_FOR[kind][0]
    return SeizureService(db).add(users[who], {
        "case_id": case.id, "measure": measure, "property_type": kind, "description": what,
        "start_date": start, "end_date": end,
    })


@pytest.mark.parametrize(
    ("kind", "measure", "years", "words"),
    [
        ("deposit", "freeze", 1, "冻结银行存款的期限不得超过一年"),
        ("movable", "seal", 2, "查封、扣押动产的期限不得超过两年"),
        ("movable", "detain", 2, "查封、扣押动产的期限不得超过两年"),
        ("vehicle", "detain", 2, "机动车属于动产，查封、扣押的期限不得超过两年"),
        ("real_estate", "seal", 3, "查封不动产的期限不得超过三年"),
        ("equity", "freeze", 3, "冻结股权等其他财产权的期限不得超过三年"),
        ("other_right", "freeze", 3, "冻结其他财产权的期限不得超过三年"),
    ],
)
def test_legal_maximum_term_per_property_type(db, users, today, case, kind, measure, years, words):
    start = today - dt.timedelta(days=10)
    limit = rules.add_years(start, years)
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        add(db, users, case, kind=kind, measure=measure, start=start, end=limit + DAY)
    message = str(info.value)
    assert message.startswith("截止日期：") and words in message
    assert f"最迟只能到 {limit:%Y-%m-%d}" in message
    assert "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第485条第一款" in message
    assert "2015年版为第487条" in message
    assert row_counts(db) == before
    ok = add(db, users, case, kind=kind, measure=measure, start=start, end=limit)
    assert (ok.end_date, ok.original_end_date, ok.status) == (limit, limit, "active")
    default = add(db, users, case, kind=kind, measure=measure, start=start)  # no end: the legal maximum
    assert default.end_date == limit


def test_leap_day_start_ends_on_28_february(db, users, today, case):
    assert rules.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert rules.add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert rules.latest_end("deposit", dt.date(2026, 1, 10)) == dt.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"property_type": "deposit", "measure": "seal"}, "措施", "银行存款应采取冻结措施，不能查封"),
        ({"property_type": "real_estate", "measure": "detain"}, "措施", "不动产应采取查封措施，不能扣押"),
        ({"property_type": "ship"}, "财产类型", "请选择"),
        ({"description": ""}, "查封标的", "必填"),
        ({"start_date": "tomorrow"}, "开始日期", "不能晚于当前时间"),
        ({"end_date": "before"}, "截止日期", "应晚于开始日期"),
        ({"party_id": -5}, "财产所有人", "应为本案的被执行人"),
    ],
)
def test_bad_seizures_are_refused_naming_the_field(db, users, today, case, data, field, words):
    values = {"case_id": case.id, "measure": "freeze", "property_type": "deposit", "description": "存款",
              "start_date": today, "end_date": None, **data}
    if values["start_date"] == "tomorrow":
        values["start_date"] = today + DAY
    if values["end_date"] == "before":
        values["end_date"] = today - DAY
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        SeizureService(db).add(users["enforcer"], values)
    assert str(info.value).startswith(f"{field}：") and words in str(info.value)
    assert row_counts(db) == before


def test_renewals_are_bounded_and_must_come_before_expiry(db, users, today, case):
    service = SeizureService(db)
    start = today - dt.timedelta(days=300)
    seizure = add(db, users, case, kind="deposit", start=start)
    first_end = seizure.end_date
    limit = rules.add_years(first_end, 1)
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        service.renew(users["enforcer"], seizure.id, new_end=limit + DAY)
    message = str(info.value)
    assert message.startswith("续行截止日期：续行期限不得超过法定期限（冻结银行存款的期限不得超过一年）")
    assert f"自原期限届满日 {first_end:%Y-%m-%d} 起最迟只能到 {limit:%Y-%m-%d}" in message
    assert "第485条第二款" in message
    with pytest.raises(ValidationError, match="续行截止日期：应晚于原截止日期"):
        service.renew(users["enforcer"], seizure.id, new_end=first_end)
    assert row_counts(db) == before

    renewed = service.renew(users["enforcer"], seizure.id, new_end=limit, ruling_number="(2026)冀1091执1号之三")
    assert (renewed.end_date, renewed.original_end_date, renewed.renewals) == (limit, first_end, 1)
    assert renewed.term_start == first_end + DAY
    # the second renewal is bounded from the new end
    set_day(limit - dt.timedelta(days=3))
    again = service.renew(users["enforcer"], seizure.id, new_end=rules.add_years(limit, 1))
    assert again.renewals == 2
    with db.read() as s:
        rows = s.scalars(select(SeizureRenewal).where(SeizureRenewal.seizure_id == seizure.id)
                         .order_by(SeizureRenewal.seq)).all()
    assert [(r.seq, r.previous_end, r.term_start, r.new_end) for r in rows] == [
        (1, first_end, first_end + DAY, limit),
        (2, limit, limit + DAY, rules.add_years(limit, 1)),
    ]


def test_renewal_after_expiry_is_refused(db, users, today, case):
    service = SeizureService(db)
    seizure = add(db, users, case, kind="movable", start=today - dt.timedelta(days=100), end=today - DAY)
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        service.renew(users["enforcer"], seizure.id, new_end=today + dt.timedelta(days=200))
    message = str(info.value)
    assert message.startswith(f"续行日期：查封期限已于 {today - DAY:%Y-%m-%d} 届满，届满后不能续行")
    assert "第485条第二款" in message
    assert row_counts(db) == before
    # a renewal done in time but entered late is kept (its date is on or before the last day)
    late = service.renew(users["enforcer"], seizure.id, renewed_on=today - DAY, new_end=today + dt.timedelta(days=200))
    assert late.renewals == 1


def test_release_and_lapse(db, users, today, case):
    service = SeizureService(db)
    seizure = add(db, users, case, kind="real_estate", start=today - dt.timedelta(days=20))
    before = row_counts(db)
    with pytest.raises(ValidationError, match="解除日期：不能早于查封开始日期"):
        service.release(users["enforcer"], seizure.id, released_on=today - dt.timedelta(days=21), reason="执行完毕")
    with pytest.raises(ValidationError, match="解除原因：必填"):
        service.release(users["enforcer"], seizure.id, reason="")
    with pytest.raises(ValidationError, match="解除日期：不能晚于当前时间"):
        service.release(users["enforcer"], seizure.id, released_on=today + DAY, reason="执行完毕")
    with pytest.raises(ValidationError, match="截止日期：查封期限至 .*，尚未届满，不能登记期满失效"):
        service.act(users["enforcer"], seizure.id, "lapse")
    assert row_counts(db) == before
    released = service.release(users["enforcer"], seizure.id, released_on=today - dt.timedelta(days=20),
                               reason="申请执行人申请解除")
    assert (released.status, released.released_on) == ("released", today - dt.timedelta(days=20))
    with pytest.raises(DomainError, match="当前状态为「已解除」，不能执行「续行」"):
        service.renew(users["enforcer"], seizure.id, new_end=today + dt.timedelta(days=400))

    ended = add(db, users, case, kind="deposit", start=today - dt.timedelta(days=60), end=today - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="解除日期：冻结期限已于 .* 届满失效，无需解除，请登记「期满失效」"):
        service.release(users["enforcer"], ended.id, reason="执行完毕")
    assert service.act(users["enforcer"], ended.id, "lapse", "未申请续行").status == "lapsed"


def test_no_new_seizure_on_a_closed_case_and_only_by_enforcement_staff(db, users, today, case):
    with pytest.raises(PermissionDenied, match="只有执行干警可以登记查封"):
        add(db, users, case, who="clerk", start=today)
    CaseService(db).act(users["enforcer"], case.id, "close", close_mode="执行完毕")
    with pytest.raises(PermissionDenied, match="已结案（执行完毕），不能再登记新的查封"):
        add(db, users, case, start=today)


def seizure_query(case, **kw) -> RegisterQuery:
    return RegisterQuery(registers.get("seizure"), search=case.number, **kw)


def ends_in(db, users, case, user, key: str) -> list[int]:
    """Days left of the case's seizures in a register filter, sorted."""
    with db.read() as s:
        ids = [r[0] for r in seizure_query(case, filter_key=key).page(s, user, 0, 100)]
        return sorted((s.get(Seizure, i).end_date - clock_today()).days for i in ids)


def clock_today() -> dt.date:
    from courtdesk.kernel import clock

    return clock.today()


def test_expiry_radar_boundaries_on_the_register_and_dashboard(db, users, today, case):
    enforcer = users["enforcer"]
    for offset in (31, 30, 16, 15, 0, -1):
        start = today - dt.timedelta(days=200)
        add(db, users, case, kind="real_estate", start=start, end=today + dt.timedelta(days=offset),
            what=f"到期差{offset}天")
    released = add(db, users, case, kind="real_estate", start=today - dt.timedelta(days=200), end=today + 5 * DAY)
    SeizureService(db).release(enforcer, released.id, reason="执行完毕")

    assert ends_in(db, users, case, enforcer, "within_30") == [0, 15, 16, 30]
    assert ends_in(db, users, case, enforcer, "within_15") == [0, 15]
    assert ends_in(db, users, case, enforcer, "expired") == [-1]
    assert ends_in(db, users, case, enforcer, "my_within_15") == [0, 15]
    assert ends_in(db, users, case, users["enforce_head"], "my_within_15") == []  # not his case

    with db.read() as s:
        lists = radar(s, enforcer)
        mine_15 = seizure_query(case, filter_key="within_15").count(s, enforcer)
        items = {i.title: i for i in registers.dashboard(s, enforcer)}
        all_15 = RegisterQuery(registers.get("seizure"), filter_key="my_within_15").count(s, enforcer)
        all_30 = RegisterQuery(registers.get("seizure"), filter_key="my_within_30").count(s, enforcer)
        all_expired = RegisterQuery(registers.get("seizure"), filter_key="my_expired").count(s, enforcer)
    assert mine_15 == 2
    assert {x.description for x in lists.within_15} >= {"到期差0天", "到期差15天"}
    assert "到期差16天" not in {x.description for x in lists.within_15}
    assert "到期差-1天" in {x.description for x in lists.expired}
    d15 = items["15 天内到期的查封、扣押、冻结（应提示申请续行）"]
    d30 = items["30 天内到期的查封、扣押、冻结"]
    dex = items["已到期未续行也未解除的查封、扣押、冻结"]
    assert (d15.count, d15.filter, d15.urgent) == (all_15, "my_within_15", True)
    assert (d30.count, d30.filter, d30.urgent) == (all_30, "my_within_30", False)
    assert (dex.count, dex.filter, dex.urgent) == (all_expired, "my_expired", True)

    set_day(today + DAY)  # a day later the last-day one has expired and the 16-day one is within 15
    assert ends_in(db, users, case, enforcer, "within_15") == [14, 15]
    assert ends_in(db, users, case, enforcer, "expired") == [-2, -1]


def test_notification_transcript_from_selected_rows(db, users, today, case):
    service = SeizureService(db)
    deposit = add(db, users, case, kind="deposit", start=today - dt.timedelta(days=30), what="工商银行账户存款")
    house = add(db, users, case, kind="real_estate", start=today - dt.timedelta(days=30), what="云鹏道99号房产")
    other = add(db, users, case, kind="vehicle", measure="seal", start=today - dt.timedelta(days=30), what="小型轿车")
    notice = service.create_notice(users["enforcer"], case.id, [house.id, deposit.id],
                                   {"held_at": dt.datetime.combine(today, dt.time(9, 30))})
    assert (notice.status, notice.place, notice.judge_name, notice.clerk_name, notice.party_name) == (
        "draft", "廊坊经济技术开发区人民法院执行局", "黄磊", "何佳", "张伟")
    assert [(i.seq, i.target, i.term_start, i.term_end) for i in notice.items] == [
        (1, "查封：云鹏道99号房产", house.start_date, house.end_date),
        (2, "冻结：工商银行账户存款", deposit.start_date, deposit.end_date),
    ]
    with pytest.raises(ValidationError, match="告知日期：不能早于笔录时间"):
        service.record_notified(users["enforcer"], notice.id, today - DAY)
    done = service.record_notified(users["enforcer"], notice.id)
    assert (done.status, done.notified_on) == ("notified", today)
    with db.read() as s:
        assert s.get(Seizure, house.id).notified_on == today
        assert s.get(Seizure, deposit.id).notified_on == today
        assert s.get(Seizure, other.id).notified_on is None
        spec = registers.get("seizure")
        row = RegisterQuery(spec, search="云鹏道99号房产").page(s, users["enforcer"], 0, 1)[0]
        assert display_row(spec, row)[spec.columns.index(spec.column("notified_on"))] == today.isoformat()


def test_bad_transcripts_are_refused(db, users, today, case):
    service = SeizureService(db)
    other_case = CaseService(db).create(users["enforcer"], case_data(users, today, filed_days_ago=CASE_AGE))
    mine = add(db, users, case, start=today - dt.timedelta(days=3))
    theirs = add(db, users, other_case, start=today - dt.timedelta(days=3))
    gone = add(db, users, case, kind="movable", start=today - dt.timedelta(days=3))
    service.release(users["enforcer"], gone.id, reason="执行完毕")
    before = row_counts(db)
    with pytest.raises(ValidationError, match="查封措施：至少选择一项"):
        service.create_notice(users["enforcer"], case.id, [])
    with pytest.raises(ValidationError, match="查封措施：所选的第 2 项不属于本案"):
        service.create_notice(users["enforcer"], case.id, [mine.id, theirs.id])
    with pytest.raises(ValidationError, match="查封措施：「被执行人名下财产」已解除，不能再告知"):
        service.create_notice(users["enforcer"], case.id, [gone.id])
    assert row_counts(db) == before
    # The 生成告知笔录 button is not enabled for a selection with the released measure in it.
    from courtdesk.areas.enforcement.seizures import NOTICE_COMMAND

    spec = registers.get("seizure")
    with db.read() as s:
        assert registers.unfit_count(s, users["enforcer"], spec, NOTICE_COMMAND, [mine.id]) == 0
        assert registers.unfit_count(s, users["enforcer"], spec, NOTICE_COMMAND, [mine.id, gone.id]) == 1
