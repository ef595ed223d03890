"""Demo claims and advances in every state, dated in the months before today.

Adds the finance office's cashier (出纳 钱红): the clerk who checks a claim (会计 孙丽) may not pay
it, so the office has two finance people, as a court's finance office has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from courtdesk.areas.finance import standards
from courtdesk.areas.finance.advances import AdvanceService
from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.system import roles
from courtdesk.kernel.demo import DEMO_PASSWORD, DemoContext
from courtdesk.kernel.people import PeopleService

CASHIER = "cashier"
#: 住宿标准地区类别 of the demo's destinations (others: 三类).
CITY_CLASS = {"北京": "一类", "上海": "一类", "广州": "一类", "石家庄": "二类", "天津": "二类"}


def demo_finance(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    claims = ClaimService(ctx.db)
    adv = AdvanceService(ctx.db)
    invoice = iter(range(10_000_001, 10_100_000))

    def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, minute)

    yield at(1, 6, 8)
    u[CASHIER] = PeopleService(ctx.db).create_user(
        u["admin"], username=CASHIER, name="钱红", password=DEMO_PASSWORD, roles=[roles.FINANCE],
        department_id=ctx.departments["财务室"].id, title="出纳", phone="0316-6080021")

    def file(who: str, purpose: str, lines: list[tuple[str, str, str]], *, travel: dict[str, Any] | None = None,
             advance_id: int | None = None, day: dt.date) -> int:
        receipts = []
        for i, (category, _desc, amount) in enumerate(lines, 1):
            if travel and category in standards.ALLOWANCES:  # 包干 by the standard: no receipt
                continue
            kind = {"城市间交通费": "火车票", "住宿费": "住宿发票", "市内交通费": "出租车票"}.get(category, "增值税普通发票")
            receipts.append({"receipt_type": kind, "invoice_number": f"{next(invoice):08d}",
                             "issued_on": day, "amount": amount, "line_no": i})
        data: dict[str, Any] = {
            "kind": "travel" if travel else "general", "purpose": purpose, "advance_id": advance_id,
            "expense_lines": [{"category": c, "description": d, "amount": a} for c, d, a in lines],
            "receipt_rows": receipts, **(travel or {}),
        }
        return claims.file(u[who], data).id

    def trip(who: str, start: dt.date, days: int, places: str) -> dict[str, Any]:
        return {"travellers": u[who].name, "trip_start": start, "trip_end": start + dt.timedelta(days=days - 1),
                "places": places, "transport": "火车", "city_class": CITY_CLASS.get(places, "三类")}

    def travel_lines(days: int, fare: str, room: str) -> list[tuple[str, str, str]]:
        return [("城市间交通费", "往返火车票", fare), ("住宿费", f"住宿 {days - 1} 晚", room),
                ("伙食补助费", "", ""), ("市内交通费", "", "")]  # amounts by the standard, on save

    steps: tuple[tuple[str, str, dict[str, Any]], ...] = (("approve", "finance_leader", {}), ("register", "finance", {}), ("batch", "finance", {}),
             ("reimburse", "finance", {}), ("pay", CASHIER, {"pay_method": "转账"}), ("sign", "", {}))

    def through(claim_id: int, applicant: str, month: int, day: int, until: str,
                first: str = "approve") -> Iterator[dt.datetime]:
        """Take a claim along the flow from step ``first`` up to and including ``until``, a day a step."""
        names = [s[0] for s in steps]
        for offset, (action, who, params) in enumerate(steps[names.index(first):names.index(until) + 1]):
            yield at(month, day + 1 + offset, 10)
            if action == "batch":  # a batch of its own (the November claims below go together)
                claims.send_batch(u[who], [claim_id])
                continue
            claims.act(u[who or applicant], claim_id, action, "同意" if action == "approve" else "", **params)

    # Finished claims through the year.
    def finished(month: int, who: str, purpose: str, place: str, fare: str, room: str,
                 days: int) -> Iterator[dt.datetime]:
        yield at(month, 3, 9)
        start = dt.date(2026, month, 1) - dt.timedelta(days=days)
        cid = file(who, purpose, travel_lines(days, fare, room), travel=trip(who, start, days, place), day=start)
        claims.act(u[who], cid, "submit")
        yield from through(cid, who, month, 3, "sign")

    yield from finished(2, "enforcer", "赴石家庄执行查控", "石家庄", "356.00", "680.00", 3)
    # A general claim, returned once for the amount and then approved.
    yield at(3, 10, 9)
    office = file("civil_clerk", "购买庭审用打印耗材", [("办公费", "硒鼓 2 只", "460.00")], day=dt.date(2026, 3, 9))
    claims.act(u["civil_clerk"], office, "submit")
    yield at(3, 10, 15)
    claims.act(u["finance_leader"], office, "reject", "发票金额与申报金额请核对", reason="金额不符")
    yield at(3, 11, 9)
    claims.act(u["civil_clerk"], office, "submit")
    yield from through(office, "civil_clerk", 3, 11, "sign")

    yield from finished(4, "judge", "赴北京调查取证", "北京", "218.00", "900.00", 4)

    # An advance set off by a smaller claim, the rest returned in cash: closed.
    yield at(5, 6, 9)
    a1 = adv.file(u["enforcer"], {"purpose": "赴广州执行异地查封", "amount": "3000.00",
                                  "reasons": "往返机票约 1,800 元，住宿 3 晚约 900 元，其他 300 元",
                                  "trip_start": dt.date(2026, 5, 8), "trip_end": dt.date(2026, 5, 11)}).id
    yield at(5, 6, 11)
    adv.act(u["finance_leader"], a1, "approve", "同意")
    yield at(5, 7, 9)
    adv.act(u[CASHIER], a1, "pay", paid_on=dt.date(2026, 5, 7))
    yield at(5, 15, 9)
    c1 = file("enforcer", "赴广州执行异地查封", travel_lines(4, "1400.00", "780.00"),
              travel=trip("enforcer", dt.date(2026, 5, 8), 4, "广州"), advance_id=a1, day=dt.date(2026, 5, 8))
    claims.act(u["enforcer"], c1, "submit")
    yield from through(c1, "enforcer", 5, 15, "register")
    yield at(5, 18, 9)  # 3,000.00 lent, 2,900.00 claimed: 100.00 handed back closes the advance
    adv.act(u[CASHIER], a1, "return_cash", amount="100.00", returned_on=dt.date(2026, 5, 18))
    yield from through(c1, "enforcer", 5, 18, "sign", first="batch")

    yield from finished(6, "enforce_clerk", "赴天津送达法律文书", "天津", "156.00", "350.00", 2)
    yield from finished(8, "civil_clerk", "赴保定调取档案", "保定", "190.00", "300.00", 2)

    # An advance exceeded by the claim: the difference is paid out with the claim, closing it.
    yield at(9, 1, 9)
    a2 = adv.file(u["judge"], {"purpose": "赴上海参加业务培训", "amount": "2000.00",
                               "reasons": "往返火车票约 1,100 元，住宿约 900 元",
                               "trip_start": dt.date(2026, 9, 3), "trip_end": dt.date(2026, 9, 5)}).id
    adv.act(u["finance_leader"], a2, "approve", "同意")
    yield at(9, 2, 9)
    adv.act(u["finance"], a2, "pay", paid_on=dt.date(2026, 9, 2))
    yield at(9, 10, 9)
    c2 = file("judge", "赴上海参加业务培训", travel_lines(3, "1106.00", "900.00"),
              travel=trip("judge", dt.date(2026, 9, 3), 3, "上海"), advance_id=a2, day=dt.date(2026, 9, 3))
    claims.act(u["judge"], c2, "submit")
    yield from through(c2, "judge", 9, 10, "sign")

    # A travel advance paid out in October and not settled since the trip ended on 10-15: more than the
    # 30 days of 「出差返回后借支未结清提醒」 by mid-November, so overdue on the finance dashboard.
    yield at(10, 9, 9)
    late = adv.file(u["enforce_head"], {"purpose": "赴石家庄参加全省法院执行工作会议", "amount": "1800.00",
                                        "reasons": "往返车费约 400 元，住宿 3 晚约 1,050 元，其他 350 元",
                                        "trip_start": dt.date(2026, 10, 12), "trip_end": dt.date(2026, 10, 15)}).id
    adv.act(u["finance_leader"], late, "approve", "同意")
    yield at(10, 10, 9)
    adv.act(u[CASHIER], late, "pay", paid_on=dt.date(2026, 10, 10))

    # Open work in every state.
    yield at(11, 10, 9)
    a3 = adv.file(u["enforce_clerk"], {"purpose": "赴沈阳执行送达", "amount": "1500.00",
                                       "reasons": "往返车费约 600 元，住宿 2 晚约 600 元，其他 300 元",
                                       "trip_start": dt.date(2026, 11, 11), "trip_end": dt.date(2026, 11, 13)}).id
    adv.act(u["finance_leader"], a3, "approve", "同意")
    yield at(11, 10, 14)
    adv.act(u[CASHIER], a3, "pay", paid_on=dt.date(2026, 11, 10))
    yield at(11, 16, 9)
    open_claims: list[tuple[int, str, str]] = []
    for who, purpose, state in (("enforcer", "赴唐山执行查控", "batch"), ("judge", "赴承德巡回审判", "reimburse"),
                                ("civil_clerk", "赴沧州送达", "pay"), ("enforce_clerk", "赴秦皇岛调查", "register"),
                                ("enforcer", "赴邢台执行", "approve")):
        start = dt.date(2026, 11, 2 + len(open_claims))
        # the one left 已审批待审核 has a hotel above the 三类 cap (300 元/晚): a flag for finance
        room = "420.00" if state == "approve" else "260.00"
        cid = file(who, purpose, travel_lines(2, "120.00", room), travel=trip(who, start, 2, purpose[1:3]),
                   day=start)
        claims.act(u[who], cid, "submit")
        open_claims.append((cid, who, state))
    names = [s[0] for s in steps]
    # One batch to the bureau for the registered claims of the week; the bureau returns one of them
    # (it stays 已审核登记 to be corrected and sent again; the batch's remarks keep why) and
    # reimburses the others, so the batch is 部分已报销 while one claim still waits.
    returned_by_bureau = next(cid for cid, _who, state in open_claims if state == "register")
    for index, (action, actor, _params) in enumerate(steps):
        yield at(11, 17 + index, 10)
        if action == "batch":
            claims.send_batch(u[actor], [cid for cid, _who, state in open_claims
                                         if names.index(state) >= index or cid == returned_by_bureau],
                              remarks="随附报送清单一份")
            continue
        if action == "reimburse":
            claims.act(u[actor], returned_by_bureau, "bureau_return", "住宿发票抬头与单位名称不符，请更正后重新报送")
        for cid, who, state in open_claims:
            if index <= names.index(state):
                claims.act(u[actor or who], cid, action, "同意" if action == "approve" else "", **dict(_params))
    yield at(11, 25, 9)
    waiting = file("enforce_head", "购买执行记录仪存储卡", [("办公费", "存储卡 4 张", "320.00")],
                   day=dt.date(2026, 11, 24))
    claims.act(u["enforce_head"], waiting, "submit")
    returned = file("judge", "邮寄法律文书", [("邮电费", "EMS 12 件", "264.00")], day=dt.date(2026, 11, 24))
    claims.act(u["judge"], returned, "submit")
    yield at(11, 25, 15)
    claims.act(u["finance_leader"], returned, "reject", "缺少邮寄清单，请补附后重新提交", reason="票据不合规")
    yield at(11, 26, 9)
    file("enforcer", "购买案卷装订材料", [("办公费", "装订夹 20 个", "180.00")], day=dt.date(2026, 11, 26))
    yield at(11, 27, 9)
    adv.file(u["civil_clerk"], {"purpose": "赴济南调查取证", "amount": "1200.00",
                                "reasons": "往返火车票约 500 元，住宿 2 晚约 600 元，其他 100 元",
                                "trip_start": dt.date(2026, 12, 7), "trip_end": dt.date(2026, 12, 9)})
