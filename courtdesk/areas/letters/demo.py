"""Demo introduction letters and blank letterhead batches in every state; bulk letters for scale tests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from courtdesk.areas.letters.letterhead import LetterheadService
from courtdesk.areas.letters.models import IntroductionLetter, IntroductionLetterBearer
from courtdesk.areas.letters.service import NUMBER_PATTERN, REGISTER_KEY, SEAL_IMPRESSIONS, LetterService
from courtdesk.areas.seals import service as seal_service
from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import clock
from courtdesk.kernel.demo import BulkWriter, DemoContext, fills, tiny_png
from courtdesk.kernel.validation import id_check_digit


def id_number(birth: str, seq: int, area: str = "131003") -> str:
    """A well-formed (fictional) resident ID: area code, birth date, sequence, check digit."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + id_check_digit(first17)


#: Court staff who travel with letters: key → (职务, ID number).
BEARERS: dict[str, tuple[str, str]] = {
    "enforcer": ("执行员", id_number("19850312", 451)),
    "enforce_clerk": ("书记员", id_number("19910722", 26)),
    "enforce_head": ("执行局局长", id_number("19760918", 13)),
    "judge": ("审判员", id_number("19830405", 62)),
    "civil_clerk": ("书记员", id_number("19950117", 88)),
    "civil_head": ("庭长", id_number("19780630", 35)),
}

TRIPS: tuple[tuple[str, str], ...] = (
    ("中国工商银行股份有限公司廊坊开发区支行", "查询被执行人银行存款并办理冻结手续"),
    ("廊坊市自然资源和规划局", "查询被执行人名下不动产登记信息"),
    ("廊坊市公安局交通警察支队车辆管理所", "查询并查封被执行人名下机动车"),
    ("天津市滨海新区市场监督管理局", "调取被执行企业工商登记档案"),
    ("北京市朝阳区人民法院", "调阅关联案件卷宗"),
    ("廊坊市住房公积金管理中心", "查询被执行人住房公积金缴存情况"),
    ("河北省廊坊市中级人民法院", "移送上诉案件卷宗"),
    ("廊坊市广阳区人民政府爱民东道街道办事处", "核实当事人送达地址及居住情况"),
    ("中国建设银行股份有限公司廊坊分行", "协助扣划被执行人存款"),
    ("沧州市运河区人民法院", "委托送达诉讼文书事宜"),
)


def _bearers(ctx: DemoContext, *keys: str) -> list[dict[str, str]]:
    out = []
    for key in keys:
        title, number = BEARERS[key]
        out.append({"name": ctx.users[key].name, "title": title, "id_number": number})
    return out


def demo_letters(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    letters = LetterService(ctx.db)
    seal_svc = SealService(ctx.db)
    png = tiny_png()

    def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, minute)

    def request(who: str, trip: int, bearers: tuple[str, ...], *, days: int = 7, handler: str | None = None,
                signer: str = "leader") -> int:
        recipient, purpose = TRIPS[trip % len(TRIPS)]
        data: dict[str, Any] = {"recipient": recipient, "purpose": purpose, "validity_days": days,
                                "bearers": _bearers(ctx, *bearers), "signer_id": u[signer].id}
        if handler:
            data["handler_id"] = u[handler].id
        return letters.file(u[who], data).id

    def issue(letter_id: int, *, stamp: bool = True, signer: str = "leader") -> int:
        letter = letters.act(u["clerk"], letter_id, "issue")
        assert letter.seal_use_id is not None
        if stamp:  # the court-seal use: the leader signs, the office head stamps letter and 骑缝
            clock.set_now(clock.now() + dt.timedelta(minutes=20))
            seal_svc.act(u[signer], letter.seal_use_id, "approve", "同意")
            seal_svc.attach_original(u["clerk"], letter.seal_use_id, "介绍信存根（承办人签名）.png", png)
            clock.set_now(clock.now() + dt.timedelta(minutes=10))
            seal_svc.act(u["office_head"], letter.seal_use_id, "stamp", stamped_at=clock.now(),
                         stamped_impressions=SEAL_IMPRESSIONS)
        return letter_id

    # Field work through the year: issued, sealed, used.
    used_plan = (
        (1, 12, "enforcer", 0, ("enforcer", "enforce_clerk")),
        (2, 24, "judge", 4, ("judge", "civil_clerk")),
        (3, 10, "enforcer", 1, ("enforcer", "enforce_clerk")),
        (4, 16, "enforce_head", 3, ("enforce_head", "enforcer", "enforce_clerk")),
        (5, 19, "judge", 7, ("judge", "civil_clerk")),
        (6, 9, "enforcer", 2, ("enforcer", "enforce_clerk")),
        (7, 14, "enforcer", 5, ("enforcer", "enforce_clerk")),
        (8, 20, "judge", 6, ("judge", "civil_clerk")),
        (9, 8, "enforcer", 8, ("enforcer", "enforce_clerk")),
        (10, 13, "civil_head", 9, ("civil_head", "civil_clerk")),
    )
    for month, day, who, trip, bearers in used_plan:
        yield at(month, day, 8, 40)
        letter_id = request(who, trip, bearers, days=3 if trip % 2 else 7)
        yield at(month, day, 9, 10)
        issue(letter_id)
        yield at(month, day + 2, 16, 30)
        letters.act(u[who], letter_id, "mark_used", "已到对方单位办理完毕")

    # The trip was cancelled: the letter came back unused.
    yield at(6, 22, 9)
    returned = request("judge", 3, ("judge", "civil_clerk"))
    yield at(6, 22, 9, 30)
    issue(returned)
    yield at(6, 24, 10)
    letters.act(u["clerk"], returned, "return", "当事人已主动履行，未外出，介绍信交回")

    # Misprinted recipient: voided (its seal use was not stamped yet and is voided with it); reissued.
    yield at(9, 21, 8, 50)
    voided = request("enforcer", 0, ("enforcer", "enforce_clerk"))
    yield at(9, 21, 9, 5)
    issue(voided, stamp=False)
    yield at(9, 21, 9, 15)
    letters.act(u["clerk"], voided, "void", "收件单位名称应为支行，填写有误，作废后重新开具")
    again = request("enforcer", 8, ("enforcer", "enforce_clerk"))
    yield at(9, 21, 9, 30)
    issue(again)
    yield at(9, 23, 17)
    letters.act(u["enforcer"], again, "mark_used")

    # Refused and withdrawn requests take no number.
    yield at(10, 27, 10)
    refused = request("civil_clerk", 4, ("civil_clerk",))
    yield at(10, 27, 11)
    letters.act(u["clerk"], refused, "refuse", "事由不具体，未写明调阅哪一案件卷宗，请补充后重新申请")
    yield at(11, 3, 14)
    withdrawn = request("judge", 6, ("judge", "civil_clerk"))
    letters.act(u["judge"], withdrawn, "withdraw", "改为邮寄移送")

    # Issued in early November, past its validity and not yet registered as used or returned.
    yield at(11, 9, 9)
    expired = request("enforce_head", 5, ("enforce_head", "enforcer"), days=3)
    yield at(11, 9, 9, 30)
    issue(expired)

    # Out now, within the validity.
    yield at(11, 19, 8, 45)
    out = request("enforcer", 2, ("enforcer", "enforce_clerk"), days=15)
    yield at(11, 19, 9, 15)
    issue(out)
    yield at(11, 20, 15, 0)
    waiting_seal = request("judge", 1, ("judge", "civil_clerk"), days=10, signer="president")
    yield at(11, 20, 15, 20)
    issue(waiting_seal, stamp=False)  # the seal use waits for the president's signature

    # Open requests: one signed and waiting for the clerk, one filed by the clerk of the 执行局 for
    # the officer, waiting for his signature.
    yield at(11, 20, 16, 0)
    request("civil_head", 7, ("civil_head", "judge"), days=5)
    yield at(11, 20, 16, 30)
    request("enforce_clerk", 9, ("enforcer", "enforce_clerk"), days=10, handler="enforcer")



def demo_letterhead(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    service = LetterheadService(ctx.db)

    def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, month, day, hour, minute)

    def batch(who: str, quantity: int, purpose: str, return_by: dt.date) -> int:
        return service.request(u[who], {"quantity": quantity, "purpose": purpose, "return_by": return_by}).id

    def approve_issue(batch_id: int, month: int, day: int) -> Iterator[dt.datetime]:
        yield at(month, day, 10)
        service.act(u["president"], batch_id, "approve", "同意，用后及时交回")
        yield at(month, day, 15)
        service.act(u["clerk"], batch_id, "issue")

    # Closed: three sheets, two used, one back.
    yield at(3, 2)
    a = batch("enforcer", 3, "赴外省异地执行，需当场出具协助执行通知及证明", dt.date(2026, 3, 31))
    yield from approve_issue(a, 3, 2)
    yield at(3, 6, 17)
    service.report_use(u["enforcer"], a, dt.date(2026, 3, 5), "出具协助冻结存款的补充说明（致成都某银行）")
    service.report_use(u["enforcer"], a, dt.date(2026, 3, 6), "出具被执行人财产查询的证明")
    yield at(3, 9, 9)
    service.give_back(u["clerk"], a, 1, dt.date(2026, 3, 9), "未使用 1 张，清点无误")

    # Closed: all five returned unused.
    yield at(6, 1)
    b = batch("judge", 5, "赴新疆巡回审判送达，路远不便临时回院开具证明", dt.date(2026, 7, 15))
    yield from approve_issue(b, 6, 2)
    yield at(6, 30, 9)
    service.give_back(u["clerk"], b, 5, dt.date(2026, 6, 30), "全部未使用，如数交回")

    # Not approved by the president.
    yield at(8, 11)
    c = batch("civil_clerk", 2, "外出送达备用", dt.date(2026, 8, 31))
    yield at(8, 11, 11)
    service.act(u["president"], c, "reject", "送达可使用送达回证和介绍信，不需要空白信笺")

    # Overdue: issued in October, due back on 5 November, one sheet reported.
    yield at(10, 12)
    d = batch("enforce_head", 4, "赴广东跨省执行，协调当地协助执行事项", dt.date(2026, 11, 5))
    yield from approve_issue(d, 10, 13)
    yield at(10, 20, 16)
    service.report_use(u["enforce_head"], d, dt.date(2026, 10, 19), "出具协助执行证明（致深圳某公安分局）")

    # In use now, within its period: two of five reported.
    yield at(11, 9)
    e = batch("judge", 5, "赴外地调查取证，可能需出具单位证明", dt.date(2026, 12, 10))
    yield from approve_issue(e, 11, 10)
    yield at(11, 16, 17)
    service.report_use(u["judge"], e, dt.date(2026, 11, 13), "出具调查取证的单位证明（致石家庄某档案馆）")
    service.report_use(u["judge"], e, dt.date(2026, 11, 16), "出具协助调查函（致石家庄某社区）")

    # Approved, waiting for the clerk; and a new request waiting for the president.
    yield at(11, 18)
    f = batch("civil_head", 2, "赴外省调解，需出具调解工作说明", dt.date(2026, 12, 18))
    yield at(11, 18, 11)
    service.act(u["president"], f, "approve", "同意")
    yield at(11, 20, 10)
    batch("enforcer", 3, "赴内蒙古异地执行，需出具补充说明材料", dt.date(2026, 12, 20))


@fills(REGISTER_KEY)  # its stamped court-seal uses come along; seal_use's own filler is seals'
def bulk_letters(ctx: DemoContext, rows: int) -> None:
    """``rows`` used letters over the last three years, each with its bearers and its stamped court-seal
    use, written in batches with their audit entries."""
    rng = random.Random(11)
    u = ctx.users
    keys = list(BEARERS)
    with ctx.db.write() as s:
        court = s.scalar(select(Seal).where(Seal.kind == "court").order_by(Seal.id))
        if court is None:
            return
        bulk = BulkWriter(s, SealUse, IntroductionLetter, IntroductionLetterBearer)  # parents first
        year0 = clock.now().year - 2
        per_year = rows // 3 + 1
        signer = u["leader"]
        for i in range(rows):
            year = year0 + min(2, i // per_year)
            serial = bulk.serial(REGISTER_KEY, year)
            use_serial = bulk.serial(seal_service.REGISTER_KEY, year)
            when = dt.datetime(year, 1, 2, 8, 30) + dt.timedelta(minutes=(i % per_year) * (520000 // per_year or 1))
            recipient, purpose = TRIPS[i % len(TRIPS)]
            first = keys[rng.randrange(len(keys))]
            second = keys[(keys.index(first) + 1) % len(keys)]
            people = [first, second]
            handler = u[first]
            number = NUMBER_PATTERN.format(year=year, serial=serial)
            letter_id, use_id = bulk.next_id(IntroductionLetter), bulk.next_id(SealUse)
            days = (3, 5, 7, 10, 15)[i % 5]
            stamp = {"version": 1, "created_at": when, "updated_at": when}
            bulk.add(SealUse, {
                "id": use_id, "year": year, "serial": use_serial,
                "number": seal_service.NUMBER_PATTERN.format(year=year, serial=use_serial), "status": "stamped",
                "seal_id": court.id, "title": f"介绍信{number}（致{recipient}）", "copies": 1,
                "impressions": SEAL_IMPRESSIONS, "purpose": f"外出办案：{purpose}",
                "department_id": handler.department_id, "applicant_id": u["clerk"].id, "requested_at": when,
                "signer_name": signer.name, "approver_id": signer.id,
                "approved_at": when + dt.timedelta(minutes=20), "stamper_id": court.custodian_id,
                "stamped_at": when + dt.timedelta(minutes=30), "stamped_impressions": SEAL_IMPRESSIONS,
                "remarks": "", "void_reason": "", "source_entity": REGISTER_KEY, "source_id": letter_id, **stamp,
            })
            bulk.add(IntroductionLetter, {
                "id": letter_id, "year": year, "serial": serial, "number": number, "status": "used",
                "recipient": recipient, "purpose": purpose, "validity_days": days,
                "bearer_names": "、".join(u[k].name for k in people), "bearer_count": len(people),
                "filer_id": handler.id, "handler_id": handler.id, "handler_signed_at": when,
                "department_id": handler.department_id, "signer_id": signer.id, "requested_at": when,
                "issuer_id": u["clerk"].id, "issued_at": when, "valid_until": when.date() + dt.timedelta(days=days - 1),
                "finished_at": when + dt.timedelta(days=2), "seal_use_id": use_id, "remarks": "", "void_reason": "",
                **stamp,
            })
            for position, key in enumerate(people, 1):
                title, id_no = BEARERS[key]
                bulk.add(IntroductionLetterBearer, {
                    "id": bulk.next_id(IntroductionLetterBearer), "letter_id": letter_id, "position": position,
                    "name": u[key].name, "title": title, "id_number": id_no, **stamp,
                })
        bulk.finish()
