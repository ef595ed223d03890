"""Demo enforcement cases, investigation letters, seizures and a notification transcript.

Everything goes through the services with the clock set to realistic past times *relative to the day
the demo is filled*, so a new user sees the radar at work: measures expiring within 15 and 30 days,
one expired without renewal, letters overdue for a reply. Bulk fillers add outgoing letters and
seizures for scale tests.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Generator, Iterator
from typing import Any

from sqlalchemy import select

from courtdesk.areas.enforcement import rules
from courtdesk.areas.enforcement.cases import CaseService
from courtdesk.areas.enforcement.letter_document import STANDARD_QUESTIONS
from courtdesk.areas.enforcement.letters import NUMBER_PATTERN, LetterService
from courtdesk.areas.enforcement.letters import REGISTER_KEY as LETTER_KEY
from courtdesk.areas.enforcement.models import (
    EnforcementCase,
    InvestigationLetter,
    RecipientUnit,
    Seizure,
)
from courtdesk.areas.enforcement.seizures import REGISTER_KEY as SEIZURE_KEY
from courtdesk.areas.enforcement.seizures import SeizureService
from courtdesk.areas.enforcement.units import UnitService
from courtdesk.kernel import clock
from courtdesk.kernel.demo import BulkWriter, DemoContext, fills
from courtdesk.kernel.validation import id_check_digit


def person_id(birth: str, seq: int, area: str = "131001") -> str:
    """A well-formed (fictional) resident ID number with its GB 11643 check digit."""
    first17 = f"{area}{birth}{seq:03d}"
    return first17 + id_check_digit(first17)


def org_code(region: str, body: str) -> str:
    """A well-formed (fictional) 统一社会信用代码: 91 + region + 8-character body + both check characters."""
    org = body + rules.org_code_check_char(body)
    first17 = f"91{region}{org}"
    return first17 + rules.uscc_check_char(first17)


class _Demo:
    def __init__(self, ctx: DemoContext) -> None:
        self.u = ctx.users
        self.db = ctx.db
        self.cases = CaseService(ctx.db)
        self.letters = LetterService(ctx.db)
        self.seizures = SeizureService(ctx.db)
        clock.set_now(None)
        #: The day the demo is filled; every date below is counted back from it.
        self.today = clock.today()
        self.units: dict[str, int] = {}
        self.numbers: dict[int, str] = {}
        self.filed_days_ago: dict[int, int] = {}

    def date(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def when(self, days_ago: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        """The time of a step, to be yielded: the demo runner sets the clock to it."""
        return dt.datetime.combine(self.date(days_ago), dt.time(hour, minute))

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def unit_ids(self, *parts: str) -> list[int]:
        return [next(i for name, i in self.units.items() if part in name) for part in parts]

    def case(self, days_ago: int, seq: int, case_type: str, cause: str, officer: str, applicants: list[dict[str, Any]],
             respondents: list[dict[str, Any]], amount: str = "",
             basis: str = "") -> Generator[dt.datetime, None, int]:
        filed = self.date(days_ago)
        yield self.when(days_ago, 9, 30)
        number = rules.format_case_number(filed.year, "冀1091", case_type, seq)
        case_id = self.cases.create(self.u[officer], {
            "number": number, "filed_on": filed, "cause": cause, "basis": basis, "amount": amount,
            "officer_id": self.u[officer].id, "clerk_id": self.u["enforce_clerk"].id,
            "applicants": applicants, "respondents": respondents,
        }).id
        self.numbers[case_id] = number
        self.filed_days_ago[case_id] = days_ago
        return case_id

    def ruling(self, case_id: int, part: str) -> str:
        return f"{self.numbers[case_id]}之{part}"

    def letters_out(self, who: str, case_id: int, units: list[int], days_ago: int,
                    receipt: int) -> Generator[dt.datetime, None, list[int]]:
        yield self.when(days_ago, 10)
        made = self.letters.create(self.u[who], case_id, units)
        ids = [x.id for x in made]
        yield self.when(days_ago - 1 if days_ago > 0 else 0, 15)
        self.letters.record_sent(self.u[who], ids, receipts={i: f"1{receipt + n:012d}" for n, i in enumerate(ids)})
        return ids

    def reply(self, who: str, letter_id: int, days_ago: int, note: str, via: str = "post") -> Iterator[dt.datetime]:
        yield self.when(days_ago, 11)
        self.letters.act(self.u[who], letter_id, "reply", reply_note=note, reply_via=via)

    def seize(self, who: str, case_id: int, measure: str, kind: str, what: str, start_days_ago: int,
              end: dt.date | None = None, party_id: int | None = None,
              ruling: str = "") -> Generator[dt.datetime, None, int]:
        start = self.date(start_days_ago)
        # a measure starts on or after the day its case was filed (seizures.add refuses an earlier start)
        yield self.when(min(start_days_ago, self.filed_days_ago[case_id]), 14)
        return self.seizures.add(self.u[who], {
            "case_id": case_id, "measure": measure, "property_type": kind, "description": what,
            "start_date": start, "end_date": end, "party_id": party_id, "ruling_number": ruling,
        }).id


def _respondent(demo: _Demo, case_id: int, index: int = 0) -> int:
    with demo.db.read() as s:
        return s.get(EnforcementCase, case_id).respondents[index].id  # type: ignore[union-attr]


def demo_enforcement(ctx: DemoContext) -> Iterator[dt.datetime]:
    """Six cases, each told in date order; their steps are merged by date so the yearly numbers of the
    outgoing-letter register follow the letters' dates."""
    d = _Demo(ctx)
    yield d.when(1100, 8)
    UnitService(ctx.db).load_reference_list(d.u["enforcer"])
    with ctx.db.read() as s:
        d.units = {x.name: x.id for x in s.scalars(select(RecipientUnit))}
    yield from heapq.merge(_case1(d), _case2(d), _case3(d), _case4(d), _case5(d), _case6(d))


def _case1(d: _Demo) -> Iterator[dt.datetime]:
    """An open case of 黄磊: a batch of six letters (replies, overdue), seizures on the radar, a transcript."""
    u = d.u
    c1 = yield from d.case(200, 1123, "执", "买卖合同纠纷", "enforcer",
                           [{"name": "廊坊市恒达建材有限公司", "kind": "organisation",
                             "id_number": org_code("131001", "MA0C7T2K"), "domicile": "河北省廊坊市经济技术开发区华祥路118号"}],
                           [{"name": "赵喆", "id_number": person_id("19880315", 123),
                             "domicile": "河北省廊坊市经济技术开发区云鹏道88号3号楼2单元501室", "phone": "13930612345"}],
                           amount="186500.00", basis="(2025)冀1091民初2315号民事判决书")
    zhao = _respondent(d, c1)
    car = yield from d.seize("enforcer", c1, "detain", "vehicle", "被执行人赵喆名下小型轿车一辆（号牌冀R·A1234）",
                             195, end=d.day(25), party_id=zhao, ruling=d.ruling(c1, "三"))
    deposit = yield from d.seize("enforcer", c1, "freeze", "deposit",
                                 "被执行人赵喆在中国工商银行股份有限公司廊坊开发区支行账户（尾号4567）内存款人民币58,300元",
                                 195, end=d.day(10), party_id=zhao, ruling=d.ruling(c1, "一"))
    sent = yield from d.letters_out("enforcer", c1, d.unit_ids("云鹏道派出所", "不动产登记中心", "社会保险", "住房公积金",
                                                                "车辆管理所", "中国工商银行"), 60, 1150021001)
    yield from d.reply("enforce_clerk", sent[0], 50, "被执行人赵喆户籍在我所辖区，常住云鹏道88号，近期未见其居住。")
    yield from d.reply("enforce_clerk", sent[1], 44, "被执行人名下有不动产一处：开发区云鹏道88号3号楼2单元501室，已抵押。")
    yield from d.reply("enforcer", sent[4], 40, "被执行人名下登记小型轿车一辆（冀R·A1234）。", via="wechat")
    house = yield from d.seize("enforcer", c1, "seal", "real_estate",
                               "被执行人赵喆名下位于廊坊经济技术开发区云鹏道88号3号楼2单元501室的房产"
                               "（不动产权证号冀(2021)廊坊开发区不动产权第0012345号）",
                               40, party_id=zhao, ruling=d.ruling(c1, "二"))
    # sent[2], sent[3], sent[5]: no reply, due 15 days after sending — overdue.
    yield d.when(30, 16)
    d.letters.act(u["enforcer"], sent[5], "void", "单位名称有误，已重新发函")
    yield from d.letters_out("enforcer", c1, d.unit_ids("中国建设银行"), 29, 1150021101)
    yield d.when(20, 9, 30)
    notice = d.seizures.create_notice(u["enforcer"], c1, [deposit, house, car],
                                      {"party_name": "廊坊市恒达建材有限公司（委托代理人王磊）"})
    d.seizures.record_notified(u["enforcer"], notice.id)
    yield d.when(1, 10)
    d.seizures.create_notice(u["enforcer"], c1, [deposit], {"party_name": "廊坊市恒达建材有限公司（委托代理人王磊）"})


def _case2(d: _Demo) -> Iterator[dt.datetime]:
    """An open case of 马超 against a company: letters awaiting a reply and two not yet sent."""
    u = d.u
    c2 = yield from d.case(120, 1245, "执", "民间借贷纠纷", "enforce_head",
                           [{"name": "张秀兰", "id_number": person_id("19650823", 246), "domicile": "河北省廊坊市广阳区新华路66号"}],
                           [{"name": "河北鑫宇商贸有限公司", "kind": "organisation",
                             "id_number": org_code("131001", "MA07XK3Q"), "domicile": "河北省廊坊市经济技术开发区四海路209号"}],
                           amount="520000.00", basis="(2025)冀1091民初1874号民事调解书")
    yield from d.seize("enforce_head", c2, "freeze", "deposit", "被执行人在廊坊银行股份有限公司开发区支行基本账户内存款",
                       115, end=d.day(-3))  # expired three days ago without renewal or release
    yield from d.seize("enforce_head", c2, "freeze", "equity", "被执行人持有的廊坊鑫宇物流有限公司60%股权", 100)
    yield from d.letters_out("enforce_head", c2, d.unit_ids("市场监督管理局", "税务局", "中国银行"), 8, 1150023001)
    yield d.when(2, 10)
    d.letters.create(u["enforce_head"], c2, d.unit_ids("廊坊银行", "河北银行"))


def _case3(d: _Demo) -> Iterator[dt.datetime]:
    """A finished case: letters answered, seizures released."""
    u = d.u
    c3 = yield from d.case(330, 1311, "执", "劳务合同纠纷", "enforcer",
                           [{"name": "王建国", "id_number": person_id("19720101", 311), "domicile": "河北省廊坊市安次区光明西道9号"}],
                           [{"name": "李明", "id_number": person_id("19800612", 312), "domicile": "河北省廊坊市经济技术开发区耿家务镇北旺村"},
                            {"name": "刘芳", "id_number": person_id("19830907", 322), "domicile": "河北省廊坊市经济技术开发区耿家务镇北旺村"}],
                           amount="43800.00")
    done = yield from d.letters_out("enforcer", c3, d.unit_ids("耿家务派出所", "北旺村"), 320, 1150013001)
    yield from d.reply("enforcer", done[0], 312, "被执行人李明、刘芳系夫妻，在北旺村居住。")
    yield from d.reply("enforcer", done[1], 310, "被执行人在本村有宅基地一处，有土地补偿款尚未发放。", via="hand")
    wage = yield from d.seize("enforcer", c3, "freeze", "other_right",
                              "被执行人李明在北旺村村民委员会应得土地补偿款人民币43,800元", 305, party_id=_respondent(d, c3))
    yield d.when(200, 10)
    d.seizures.release(u["enforcer"], wage, reason="已扣划到位，执行完毕")
    yield d.when(199, 10)
    d.cases.act(u["enforcer"], c3, "close", close_mode="执行完毕")


def _case4(d: _Demo) -> Iterator[dt.datetime]:
    """A suspended case: a renewed freeze and one that lapsed."""
    u = d.u
    c4 = yield from d.case(420, 1087, "执", "金融借款合同纠纷", "enforcer",
                           [{"name": "廊坊银行股份有限公司", "kind": "organisation",
                             "id_number": org_code("131000", "10965839"), "domicile": "河北省廊坊市广阳区爱民东道83号"}],
                           [{"name": "孙强", "id_number": person_id("19770304", 87), "domicile": "河北省廊坊市经济技术开发区友谊路26号"}],
                           amount="1230000.00")
    lapsed = yield from d.seize("enforcer", c4, "seal", "movable", "被执行人孙强存放于开发区友谊路26号仓库的钢材约12吨",
                                415, end=d.day(-30))
    renewed = yield from d.seize("enforcer", c4, "freeze", "deposit",
                                 "被执行人孙强在河北银行股份有限公司廊坊开发区支行账户内存款", 410, end=d.day(-45))
    yield d.when(50, 10)
    d.seizures.renew(u["enforcer"], renewed, new_end=d.day(-45) + dt.timedelta(days=365),
                     ruling_number=d.ruling(c4, "二"))
    yield d.when(28, 10)
    d.seizures.act(u["enforcer"], lapsed, "lapse", "申请执行人未申请续行，查封期满失效")
    d.cases.act(u["enforcer"], c4, "suspend", "被执行人涉嫌刑事犯罪，本案中止执行")


def _case5(d: _Demo) -> Iterator[dt.datetime]:
    """A case closed by 终结本次执行程序 whose real-estate seal still runs: it stays on the radar."""
    c5 = yield from d.case(1050, 1422, "执", "房屋买卖合同纠纷", "enforce_head",
                           [{"name": "陈立新", "id_number": person_id("19690218", 422), "domicile": "河北省廊坊市广阳区银河南路15号"}],
                           [{"name": "廊坊市华兴房地产开发有限公司", "kind": "organisation",
                             "id_number": org_code("131001", "75483216"), "domicile": "河北省廊坊市经济技术开发区百合道16号"}])
    yield from d.seize("enforce_head", c5, "seal", "real_estate", "被执行人名下开发区百合道16号华兴大厦地下车位20个",
                       1040, end=d.day(28))
    yield d.when(900, 10)
    d.cases.act(d.u["enforce_head"], c5, "close", close_mode="终结本次执行程序")


def _case6(d: _Demo) -> Iterator[dt.datetime]:
    """A fresh preservation case, nothing done yet."""
    yield from d.case(3, 36, "执保", "财产保全", "enforcer",
                      [{"name": "廊坊市安居物业服务有限公司", "kind": "organisation",
                        "id_number": org_code("131001", "MA0DQ1N8")}],
                      [{"name": "周海涛", "id_number": person_id("19900521", 36),
                        "domicile": "河北省廊坊市经济技术开发区新源道1号院5号楼"}])


# --- bulk rows for scale tests -------------------------------------------------------------------

def _bulk(ctx: DemoContext, rows: int, model: type, make: Any) -> None:
    with ctx.db.write() as s:
        bulk = BulkWriter(s, model)
        for i in range(rows):
            bulk.add(model, make(i, bulk.next_id(model), bulk))
        bulk.finish()


def _demo_case(ctx: DemoContext) -> EnforcementCase:
    with ctx.db.read() as s:
        case = s.scalars(select(EnforcementCase).where(EnforcementCase.status == "open")
                         .order_by(EnforcementCase.id)).first()
        assert case is not None, "bulk enforcement rows need the demo enforcement cases"
        _ = case.respondents
        return case


@fills(LETTER_KEY)
def bulk_letters(ctx: DemoContext, rows: int) -> None:
    """``rows`` replied letters of the first demo case, spread over the last three years."""
    case = _demo_case(ctx)
    target = case.respondents[0].id
    with ctx.db.read() as s:
        units = list(s.execute(select(RecipientUnit.id, RecipientUnit.name)))
    year0 = clock.today().year - 2
    per_year = rows // 3 + 1
    questions = "\n".join(STANDARD_QUESTIONS)

    def make(i: int, row_id: int, bulk: BulkWriter) -> dict[str, Any]:
        year = year0 + min(2, i // per_year)
        serial = bulk.serial(LETTER_KEY, year)
        day = dt.date(year, 1, 1) + dt.timedelta(days=(i % per_year) * 300 // per_year)
        unit_id, unit_name = units[i % len(units)]
        when = dt.datetime.combine(day, dt.time(9))
        return {
            "id": row_id, "year": year, "serial": serial, "number": NUMBER_PATTERN.format(year=year, serial=serial),
            "status": "replied", "case_id": case.id, "target_id": target, "unit_id": unit_id, "unit_name": unit_name,
            "questions": questions, "letter_date": day, "officer_id": case.officer_id, "batch": f"bulk-{year}",
            "sent_on": day, "sent_via": "post", "postal_receipt": f"1{row_id:012d}",
            "reply_due": day + dt.timedelta(days=15), "replied_on": day + dt.timedelta(days=9),
            "reply_via": "post", "reply_note": "经查，被执行人在我单位无登记信息。", "void_reason": "",
            "created_by_id": case.officer_id, "version": 1, "created_at": when, "updated_at": when,
        }

    _bulk(ctx, rows, InvestigationLetter, make)


@fills(SEIZURE_KEY)
def bulk_seizures(ctx: DemoContext, rows: int) -> None:
    """``rows`` seizures of the first demo case: mostly released or lapsed, some still running."""
    case = _demo_case(ctx)
    rng = random.Random(11)
    today = clock.today()
    kinds = list(rules.TERM_LIMITS)

    def make(i: int, row_id: int, bulk: BulkWriter) -> dict[str, Any]:
        kind = kinds[i % len(kinds)]
        measure = rules.MEASURES_FOR[kind][0]
        start = today - dt.timedelta(days=rng.randrange(30, 1500))
        end = rules.latest_end(kind, start)
        status = "active" if end >= today else ("lapsed" if i % 2 else "released")
        released = start + dt.timedelta(days=20) if status == "released" else None
        when = dt.datetime.combine(start, dt.time(14))
        return {
            "id": row_id, "case_id": case.id, "party_id": None, "measure": measure, "property_type": kind,
            "description": f"批量测试财产第{i + 1}项", "ruling_number": "", "start_date": start, "end_date": end,
            "original_end_date": end, "renewals": 0, "status": status, "released_on": released,
            "release_reason": "执行完毕" if released else "", "notified_on": None,
            "registered_by_id": case.officer_id, "remarks": "", "version": 1, "created_at": when, "updated_at": when,
        }

    _bulk(ctx, rows, Seizure, make)
