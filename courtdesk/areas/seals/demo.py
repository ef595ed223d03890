"""Demo seals and seal uses in every state; bulk seal-use rows for scale tests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from sqlalchemy import select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import NUMBER_PATTERN, REGISTER_KEY, SealService
from courtdesk.kernel import clock
from courtdesk.kernel.demo import BulkWriter, DemoContext, fills, tiny_png

TITLES = (
    ("关于报送2026年度司法统计报表的函", "报送上级法院"),
    ("民事判决书（2026）冀1091民初215号", "送达当事人"),
    ("办公用品采购合同", "合同签订"),
    ("干警年度考核登记表", "报送政治处存档"),
    ("关于协助查询被执行人财产的函", "执行查询"),
    ("法院工作情况通报", "对外发文"),
    ("证明（在职证明）", "干警个人办理贷款"),
    ("关于召开党组会议的通知", "党组发文"),
)


def demo_seals(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    service = SealService(ctx.db)
    yield dt.datetime(2026, 1, 5, 9, 0)
    court = service.create_seal(u["admin"], name="廊坊经济技术开发区人民法院", kind="court",
                                custodian_id=u["office_head"].id)
    party = service.create_seal(u["admin"], name="中共廊坊经济技术开发区人民法院党组", kind="party",
                                custodian_id=u["political"].id)
    office = service.create_seal(u["admin"], name="廊坊经济技术开发区人民法院办公室", kind="office",
                                 custodian_id=u["office_head"].id, deputy_id=u["clerk"].id)
    civil = service.create_seal(u["admin"], name="廊坊经济技术开发区人民法院民事审判庭", kind="department",
                                custodian_id=u["civil_head"].id, department_id=ctx.departments["民事审判庭"].id,
                                deputy_id=u["civil_clerk"].id)
    enforce = service.create_seal(u["admin"], name="廊坊经济技术开发区人民法院执行局", kind="department",
                                  custodian_id=u["enforce_head"].id, department_id=ctx.departments["执行局"].id,
                                  deputy_id=u["enforce_clerk"].id)
    png = tiny_png()

    def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, minute)

    def request(who: str, seal: Seal, n: int, signer: str = "", original: bool = False) -> int:
        title, purpose = TITLES[n % len(TITLES)]
        data = {"seal_id": seal.id, "title": title, "copies": 1 + n % 3, "impressions": 1 + n % 4,
                "purpose": purpose, "signer_name": signer}
        if original:
            data["original"] = ("签发稿.png", png)
        return service.file(u[who], data).id

    def stamp(who: str, use_id: int, impressions: int = 1) -> None:
        service.act(u[who], use_id, "stamp", stamped_at=clock.now(), stamped_impressions=impressions)

    # A year's worth of finished uses, month by month.
    for month in range(1, 11):
        yield at(month, 8)
        a = request("clerk", court, month, signer="张国华", original=True)
        yield at(month, 8, 10)
        service.act(u["president"], a, "approve", "同意")
        yield at(month, 8, 11)
        stamp("office_head", a, 1 + month % 4)  # as many impressions as approved
        yield at(month, 12)
        b = request("judge", civil, month + 1)
        yield at(month, 12, 15)
        service.act(u["civil_head"], b, "approve")
        yield at(month, 12, 16)
        stamp("civil_clerk", b)  # the head approved, so the deputy stamps
        yield at(month, 20)
        c = request("judge", office, month + 2)
        service.act(u["office_head"], c, "approve", "同意")
        yield at(month, 20, 10)
        stamp("clerk", c)
        yield at(month, 20, 16)
        d = request("enforcer", office, month + 4)
        service.act(u["leader"], d, "approve", "同意")
        yield at(month, 21, 9)
        stamp("office_head", d)
    # Open work in every state.
    yield at(11, 16, 9)
    request("clerk", party, 7, signer="张国华", original=True)
    request("enforcer", enforce, 4)
    request("judge", office, 3)
    rejected = request("judge", office, 5)
    service.act(u["office_head"], rejected, "reject", "用途填写不清，请注明报送单位后重新申请")
    withdrawn = request("clerk", office, 6)
    service.act(u["clerk"], withdrawn, "withdraw")
    voided = request("judge", civil, 2)
    service.act(u["clerk"], voided, "void", "申请人重复提交，作废本条")
    approved = request("enforcer", court, 4, signer="刘建军")
    yield at(11, 16, 10)
    service.act(u["leader"], approved, "approve", "同意，请附签发原件")
    yield at(11, 20, 14, 30)
    request("clerk", court, 0, signer="张国华", original=True)


@fills(REGISTER_KEY)
def bulk_seal_uses(ctx: DemoContext, rows: int) -> None:
    """``rows`` finished seal uses spread over the last three years, written in batches."""
    rng = random.Random(7)
    u = ctx.users
    with ctx.db.write() as s:
        seals = list(s.scalars(select(Seal).order_by(Seal.id)))
        bulk = BulkWriter(s, SealUse)
        year0 = clock.now().year - 2
        per_year = rows // 3 + 1
        for i in range(rows):
            year = year0 + min(2, i // per_year)
            serial = bulk.serial(REGISTER_KEY, year)
            seal = seals[i % len(seals)]
            when = dt.datetime(year, 1, 1, 8, 0) + dt.timedelta(minutes=(i % per_year) * (525000 // per_year or 1))
            title, purpose = TITLES[i % len(TITLES)]
            signed = seal.kind in ("court", "party")
            approver = u["president"] if signed else u["office_head"]
            bulk.add(SealUse, {
                "id": bulk.next_id(SealUse), "year": year, "serial": serial,
                "number": NUMBER_PATTERN.format(year=year, serial=serial), "status": "stamped",
                "seal_id": seal.id, "title": title, "copies": 1 + rng.randrange(3),
                "impressions": 1 + rng.randrange(4), "purpose": purpose,
                "department_id": u["clerk"].department_id, "applicant_id": u["clerk"].id,
                "requested_at": when, "signer_name": approver.name if signed else "",
                "approver_id": approver.id if seal.kind != "department" else None,
                "approved_at": when + dt.timedelta(hours=1), "stamper_id": seal.custodian_id,
                "stamped_at": when + dt.timedelta(hours=2), "stamped_impressions": 1, "remarks": "",
                "void_reason": "", "source_entity": "", "source_id": None, "version": 1,
                "created_at": when, "updated_at": when,
            })
        bulk.finish()
