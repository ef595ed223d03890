"""Demo claims and advances in every state, dated in the months before today.

Adds the finance office's cashier (出纳 钱红): the clerk who checks a claim (会计 孙丽) may not pay
it, so the office has two finance people, as a court's finance office has.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from courtdesk.areas.finance import advances, invoices, standards, summary
from courtdesk.areas.finance import claims as claims_module
from courtdesk.areas.finance.advances import AdvanceService
from courtdesk.areas.finance.categories import GENERAL_CATEGORIES
from courtdesk.areas.finance.claims import ClaimService
from courtdesk.areas.finance.models import (
    Advance,
    Batch,
    ExpenseClaim,
    ExpenseLine,
    ExpenseReceipt,
    MonthTotal,
    Traveller,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import clock
from courtdesk.kernel.demo import DEMO_PASSWORD, BulkWriter, DemoContext, fills
from courtdesk.kernel.money import from_fen
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
        legs: list[dict[str, Any]] = []
        fares = [Decimal(a) for c, _d, a in lines if c == "城市间交通费" and a]
        if travel and travel.get("trip_start") and fares:  # out and back by train, the fare split in two
            there = (sum(fares, Decimal(0)) / 2).quantize(Decimal("0.01"))
            legs = [{"depart_on": travel["trip_start"], "depart_from": "廊坊", "arrive_on": travel["trip_start"],
                     "arrive_at": travel["places"], "transport": travel["transport"], "fare": there},
                    {"depart_on": travel["trip_end"], "depart_from": travel["places"], "arrive_on": travel["trip_end"],
                     "arrive_at": "廊坊", "transport": travel["transport"], "fare": sum(fares, Decimal(0)) - there}]
        data: dict[str, Any] = {
            "legs": legs,
            "kind": "travel" if travel else "general", "purpose": purpose, "advance_id": advance_id,
            "expense_lines": [{"category": c, "description": d, "amount": a} for c, d, a in lines],
            "receipt_rows": receipts, **(travel or {}),
        }
        return claims.file(u[who], data).id

    def trip(who: str, start: dt.date, days: int, places: str) -> dict[str, Any]:
        return {"traveller_ids": [u[who].id], "trip_start": start, "trip_end": start + dt.timedelta(days=days - 1),
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
            if action == "pay":  # a claim its advance covered in full is 支付 without money changing hands
                with claims.db.read() as s:
                    due = s.get(ExpenseClaim, claim_id).payable_fen  # type: ignore[union-attr]
                params = {**params, "pay_method": claims_module.SET_OFF_ONLY} if due == 0 else params
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


# --- bulk: scale data for ``bench registers`` -------------------------------------------------------

#: The open states of the last few per cent of bulk claims (older ones are all 已签收).
_OPEN = ("draft", "submitted", "rejected", "approved", "registered", "batched", "reimbursed", "paid")
_SENT = ("batched", "reimbursed", "paid", "signed")
_BULK_PLACES = (("石家庄", "二类", "赴石家庄执行查控"), ("北京", "一类", "赴北京调查取证"), ("保定", "三类", "赴保定调取档案"),
                ("天津", "二类", "赴天津送达法律文书"), ("唐山", "三类", "赴唐山执行查控"), ("上海", "一类", "赴上海参加业务培训"))
_BULK_GENERAL = {"办案费": ("调取证据费用", "增值税普通发票"), "办公费": ("打印耗材", "增值税普通发票"),
                 "印刷费": ("印制送达回证", "增值税专用发票"), "邮电费": ("EMS 邮寄法律文书", "定额发票"),
                 "维修费": ("维修复印机", "增值税普通发票"), "会议费": ("执行工作会议", "电子发票"),
                 "培训费": ("业务培训报名费", "电子发票")}
_BATCH_SIZE = 20


@fills(claims_module.REGISTER_KEY, claims_module.BATCH_REGISTER_KEY, summary.REGISTER_KEY, advances.REGISTER_KEY)
def bulk_finance(ctx: DemoContext, rows: int) -> None:
    """``rows`` claims over the last three years with 2–4 expense lines and their receipts each: the
    older ones 已签收, the newest few per cent in every open state; those sent to the bureau grouped
    20 to a batch; every 40th travel claim set against an advance of its own (closed by it); the
    reimbursed ones added to the monthly summary by the summary's own grouping, in SQL afterwards.
    Written in batches through :class:`BulkWriter`, so every row has its audit entry (the audit chain
    stays valid, as with the other areas' bulk fillers) — no service runs, so no rule is checked."""
    rng = random.Random(13)
    u = ctx.users
    staff = [u[k] for k in ("enforcer", "judge", "civil_clerk", "enforce_clerk", "enforce_head", "clerk") if k in u]
    leader, checker, cashier = u["finance_leader"], u["finance"], u[CASHIER]
    with ctx.db.write() as s:
        rates = standards.rates(s)
        kept = standards.frozen(rates)
        first_claim = (s.scalar(select(func.max(ExpenseClaim.id))) or 0) + 1
        bulk = BulkWriter(s, Advance, Batch, ExpenseClaim, ExpenseLine, ExpenseReceipt, Traveller)
        end = clock.now() - dt.timedelta(days=20)  # the last step of the newest claim is still past
        start = dt.datetime(end.year - 2, 1, 1, 8, 0)
        step = (end - start) / max(rows, 1)
        open_from = rows - max(1, rows * 3 // 100)
        invoice = 40_000_000
        waiting: list[dict[str, Any]] = []  # sent claims (with their children) until their batch is full

        def send(pending: list[dict[str, Any]]) -> None:
            """A batch for ``pending`` sent the day after the last was registered; then the claims."""
            sent_on = max(c["claim"]["checked_at"] for c in pending).date() + dt.timedelta(days=1)
            serial = bulk.serial(claims_module.BATCH_REGISTER_KEY, sent_on.year)
            batch_id = bulk.next_id(Batch)
            bulk.add(Batch, {"id": batch_id, "year": sent_on.year, "serial": serial, "version": 1,
                             "number": claims_module.BATCH_PATTERN.format(year=sent_on.year, serial=serial),
                             "sent_on": sent_on, "sender_id": checker.id, "remarks": "随附报送清单一份",
                             "created_at": dt.datetime.combine(sent_on, dt.time(10)),
                             "updated_at": dt.datetime.combine(sent_on, dt.time(10))})
            for item in pending:
                claim, status = item["claim"], item["claim"]["status"]
                claim.update(batch_id=batch_id, sent_on=sent_on)
                if status != "batched":
                    claim["reimbursed_on"] = sent_on + dt.timedelta(days=7)
                if status in ("paid", "signed"):
                    claim.update(payer_id=cashier.id, paid_on=sent_on + dt.timedelta(days=9),
                                 pay_method=claims_module.SET_OFF_ONLY if claim.get("payable_fen") == 0 else "转账")
                if status == "signed":
                    claim["signed_at"] = dt.datetime.combine(sent_on + dt.timedelta(days=10), dt.time(15))
                write(item)
            pending.clear()

        def write(item: dict[str, Any]) -> None:
            for row in (item["advance"], item["claim"], *item["lines"], *item["receipts"], *item["people"]):
                if row is not None:
                    row.update(created_at=item["claim"]["filed_at"], updated_at=item["claim"]["filed_at"])
            if item["advance"] is not None:
                bulk.add(Advance, item["advance"])
            bulk.add(ExpenseClaim, item["claim"])
            for line in item["lines"]:
                bulk.add(ExpenseLine, line)
            for receipt in item["receipts"]:
                bulk.add(ExpenseReceipt, receipt)
            for person in item["people"]:
                bulk.add(Traveller, person)

        for i in range(rows):
            when = start + step * i
            applicant = staff[i % len(staff)]
            status = "signed" if i < open_from else _OPEN[i % len(_OPEN)]
            claim_id = bulk.next_id(ExpenseClaim)
            travel = i % 5 < 3
            lines: list[tuple[str, str, int]] = []  # (category, description, fen)
            receipts: list[tuple[str, int, int]] = []  # (type, fen, line no)
            if travel:
                place, city_class, purpose = _BULK_PLACES[i % len(_BULK_PLACES)]
                days = 2 + rng.randrange(3)
                trip_end = when.date() - dt.timedelta(days=1 + rng.randrange(5))
                trip_start = trip_end - dt.timedelta(days=days - 1)
                fare = 100_00 + rng.randrange(400) * 100
                room = min(rates.lodging.get(city_class, 350), 200 + rng.randrange(250)) * 100 * (days - 1)
                lines = [("城市间交通费", "往返火车票", fare * 2), ("住宿费", f"住宿 {days - 1} 晚", room),
                         (standards.MEALS, "", rates.meals * 100 * days)]
                if i % 2:
                    lines.append((standards.LOCAL, "", rates.local * 100 * days))
                receipts = [("火车票", fare, 1), ("火车票", fare, 1), ("住宿发票", room, 2)]
            else:
                purpose = "购买办公用品及办案支出"
                for category in rng.sample(GENERAL_CATEGORIES[:-1], 2 + rng.randrange(3)):
                    description, kind = _BULK_GENERAL[category]
                    amount = (20 + rng.randrange(980)) * 100 + rng.randrange(100)
                    lines.append((category, description, amount))
                    receipts.append((kind, amount, len(lines)))
            issued = (trip_start if travel else when.date() - dt.timedelta(days=1))
            line_dicts = [{"category": c, "description": d, "amount": from_fen(f)} for c, d, f in lines]
            receipt_dicts = []
            for kind, fen, line_no in receipts:
                invoice += 1
                receipt_dicts.append({"receipt_type": kind, "invoice_number": f"{invoice:08d}", "issued_on": issued,
                                      "amount": from_fen(fen), "line_no": line_no})
            total = sum(f for _c, _d, f in lines)
            year = when.year
            serial = bulk.serial(claims_module.REGISTER_KEY, year)
            reached = _OPEN.index(status) if status in _OPEN else len(_OPEN)
            claim: dict[str, Any] = {
                "id": claim_id, "year": year, "serial": serial, "version": 1,
                "number": claims_module.NUMBER_PATTERN.format(year=year, serial=serial), "status": status,
                "kind": "travel" if travel else "general", "applicant_id": applicant.id,
                "department_id": applicant.department_id, "purpose": purpose,
                "travellers": applicant.name if travel else "", "trip_start": trip_start if travel else None,
                "trip_end": trip_end if travel else None, "places": place if travel else "",
                "transport": "火车" if travel else "", "city_class": city_class if travel else "",
                "standard_rates": kept if travel and status != "draft" else "",
                "total_fen": total, "receipt_count": len(receipts),
                "content_digest": claims_module._digest(line_dicts, receipt_dicts),
                "advance_id": None, "set_off_reason": "", "payable_fen": total if reached >= _OPEN.index("registered") else None,
                "approved_total_fen": total if reached >= _OPEN.index("registered") else None,
                "over_standard_approval": "",
                "filed_at": when, "submitted_at": when + dt.timedelta(hours=1) if status != "draft" else None,
                "approver_id": leader.id if reached >= _OPEN.index("approved") else None,
                "approved_at": when + dt.timedelta(days=1) if reached >= _OPEN.index("approved") else None,
                "reject_reason": "金额不符" if status == "rejected" else "",
                "reject_text": "发票金额与申报金额请核对" if status == "rejected" else "",
                "checker_id": checker.id if reached >= _OPEN.index("registered") else None,
                "checked_at": when + dt.timedelta(days=2) if reached >= _OPEN.index("registered") else None,
                "batch_id": None, "sent_on": None, "reimbursed_on": None, "bureau_return": "",
                "payer_id": None, "paid_on": None, "pay_method": "", "signed_at": None,
            }
            advance = None
            if travel and status == "signed" and i % 40 == 0:  # set against an advance, which it closes
                amount = (total // 100_00 + rng.choice((-3, 2, 5))) * 100_00
                payable = max(0, total - amount)
                a_serial = bulk.serial(advances.REGISTER_KEY, year)
                a_id = bulk.next_id(Advance)
                paid_on = trip_start - dt.timedelta(days=2)
                advance = {
                    "id": a_id, "year": year, "serial": a_serial, "version": 1,
                    "number": advances.NUMBER_PATTERN.format(year=year, serial=a_serial), "status": "closed",
                    "applicant_id": applicant.id, "department_id": applicant.department_id, "purpose": purpose,
                    "reasons": "往返车费、住宿及其他", "amount_fen": amount, "trip_start": trip_start,
                    "trip_end": trip_end, "requested_at": dt.datetime.combine(paid_on, dt.time(9)) - dt.timedelta(days=1),
                    "approver_id": leader.id, "approved_at": dt.datetime.combine(paid_on, dt.time(9)) - dt.timedelta(hours=20),
                    "payer_id": cashier.id, "paid_on": paid_on, "set_off_fen": total,
                    "returned_fen": max(0, amount - total), "difference_paid_fen": payable,
                    "closed_at": when + dt.timedelta(days=2 if payable == 0 else 12), "remarks": f"报销单 {claim['number']} 冲抵",
                }
                claim.update(advance_id=a_id, payable_fen=payable)
            item = {
                "claim": claim, "advance": advance,
                "people": [{"id": bulk.next_id(Traveller), "claim_id": claim_id, "position": 1,
                            "user_id": applicant.id, "name": applicant.name, "version": 1}] if travel else [],
                "lines": [{"id": bulk.next_id(ExpenseLine), "claim_id": claim_id, "position": n, "category": c,
                           "description": d, "amount_fen": f, "days": None, "cut_reason": "",
                           "approved_fen": f if reached >= _OPEN.index("registered") else None, "version": 1}
                          for n, (c, d, f) in enumerate(lines, 1)],
                "receipts": [{"id": bulk.next_id(ExpenseReceipt), "claim_id": claim_id, "position": n,
                              "receipt_type": r["receipt_type"], "invoice_code": "",
                              "invoice_number": r["invoice_number"],
                              "number_key": invoices.number_key(str(r["invoice_number"])),
                              "issued_on": r["issued_on"], "amount_fen": f, "line_no": r["line_no"], "version": 1}
                             for n, (r, (_k, f, _l)) in enumerate(zip(receipt_dicts, receipts, strict=True), 1)],
            }
            if status in _SENT:
                waiting.append(item)
                if len(waiting) >= _BATCH_SIZE:
                    send(waiting)
            else:
                write(item)
        if waiting:
            send(waiting)
        bulk.finish()
        _bulk_month_totals(s, first_claim)


def _bulk_month_totals(s: Any, first_claim: int) -> None:
    """Add the reimbursed bulk claims (ids from ``first_claim``) to 月度报销汇总 as the 登记财政局已报销
    step does (:func:`summary.add_reimbursed`: month of ``reimbursed_on``, the claim's department,
    each line under its category), grouped in SQL by day and folded into months here; rows the demo
    already has are added to (an audited update), new ones created (audited)."""
    per_day = s.execute(
        select(ExpenseClaim.reimbursed_on, ExpenseClaim.department_id, ExpenseLine.category,
               func.count(func.distinct(ExpenseClaim.id)), func.count(ExpenseLine.id), func.sum(ExpenseLine.amount_fen))
        .join(ExpenseLine, ExpenseLine.claim_id == ExpenseClaim.id)
        .where(ExpenseClaim.id >= first_claim, ExpenseClaim.reimbursed_on.is_not(None))
        .group_by(ExpenseClaim.reimbursed_on, ExpenseClaim.department_id, ExpenseLine.category))
    totals: dict[tuple[str, int | None, str], list[Any]] = {}
    for day, department_id, category, n_claims, n_lines, amount in per_day:
        entry = totals.setdefault((f"{day:%Y-%m}", department_id, category), [day.replace(day=1), 0, 0, 0])
        entry[1] += n_claims
        entry[2] += n_lines
        entry[3] += int(amount)
    existing = {(m.month, m.department_id, m.category): m for m in s.scalars(select(MonthTotal))}
    bulk = BulkWriter(s, MonthTotal)
    for (month, department_id, category), (month_start, n_claims, n_lines, amount) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2])):
        known = existing.get((month, department_id, category))
        if known is None:
            bulk.add(MonthTotal, {"id": bulk.next_id(MonthTotal), "month": month, "month_start": month_start,
                                  "department_id": department_id, "category": category, "claim_count": n_claims,
                                  "line_count": n_lines, "amount_fen": amount, "version": 1,
                                  "created_at": clock.now(), "updated_at": clock.now()})
    bulk.finish()
    for key, known in existing.items():  # through the session: its audit hook records the update
        if key in totals:
            _start, n_claims, n_lines, amount = totals[key]
            known.claim_count += n_claims
            known.line_count += n_lines
            known.amount_fen += amount
    s.flush()
