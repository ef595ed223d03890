"""Demo IT ledger for the demo court: the IP plan (three 内网 subnets and one 外网), a computer for every
demo person, laptops, printers, scanners and copiers per department, the machine room's switches and
routers, the platform facilities of 第15条 (数字法庭 with 办公室, 诉讼服务中心 with 立案庭, 执行指挥中心 with
执行局, 安防监控 with 法警队), two classified single machines, spares in stock — about 150 devices,
registered and given out through the services on the days they were bought."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.network import SubnetService
from courtdesk.areas.it.service import ASSET_FIELDS, ASSET_KEY, KINDS, NUMBER_PATTERN, act_in, register_in
from courtdesk.areas.it.settings import IT_LEADER
from courtdesk.kernel import clock
from courtdesk.kernel.demo import BulkWriter, DemoContext, fills
from courtdesk.kernel.forms import clean
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.settings import SettingsService

SUBNETS = (
    ("办公楼内网", "10.12.1.0/24", "内网", "10.12.1.254"),
    ("审判楼内网", "10.12.2.0/24", "内网", "10.12.2.254"),
    ("设备网", "10.12.3.0/24", "内网", "10.12.3.254"),
    ("外网（互联网）", "172.20.8.0/24", "外网", "172.20.8.1"),
)

#: (kind, brand and model, price, how many, department, location, network, facility)
SHARED: tuple[tuple[str, str, str, int, str, str, str, str], ...] = (
    ("打印机", "惠普 LaserJet Pro M405dn", "2380", 9, "", "办公室", "内网", ""),
    ("打印机", "奔图 P3305DN", "1690", 9, "", "", "内网", ""),
    ("扫描仪", "富士通 fi-7160", "5600", 8, "", "", "内网", ""),
    ("复印机", "理光 IM C3000", "28600", 4, "", "文印室", "内网", ""),
    ("网络设备", "华为 S5735-L48T4X 交换机", "6200", 12, "信息技术办公室", "机房", "内网", ""),
    ("网络设备", "华为 AR6140 路由器", "9800", 2, "信息技术办公室", "机房", "内网", ""),
    ("网络设备", "深信服 AF-1000 防火墙", "32000", 2, "信息技术办公室", "机房", "外网", ""),
    ("服务器", "浪潮 NF5280M6", "46000", 4, "信息技术办公室", "机房", "内网", ""),
    ("数字法庭设备", "科达 庭审主机 KDV-TS", "38000", 8, "办公室", "第{n}审判庭", "内网", "数字法庭"),
    ("数字法庭设备", "海康 高清摄像机 DS-2CD", "2600", 16, "办公室", "第{n}审判庭", "内网", "数字法庭"),
    ("视频会议设备", "华为 TE30 视频终端", "15800", 2, "办公室", "视频会议室", "内网", ""),
    ("其他", "诉讼服务自助终端 SF-200", "12600", 6, "立案庭", "诉讼服务中心", "内网", "诉讼服务中心"),
    ("其他", "执行指挥大屏 LED-P1.8", "86000", 2, "执行局", "执行指挥中心", "内网", "执行指挥中心"),
    ("其他", "执行指挥终端 ZH-10", "9800", 6, "执行局", "执行指挥中心", "内网", "执行指挥中心"),
    ("安防监控设备", "海康 网络硬盘录像机 DS-8616", "7200", 2, "法警队", "监控室", "内网", "安防监控"),
    ("安防监控设备", "海康 球机 DS-2DE4", "1900", 14, "法警队", "院区", "内网", "安防监控"),
)


def demo_assets(ctx: DemoContext) -> Iterator[dt.datetime]:
    u, d = ctx.users, ctx.departments
    ops = u["itops"]
    yield dt.datetime(2026, 1, 5, 9, 0)
    SettingsService(ctx.db).save(u["admin"], {IT_LEADER: str(u["leader"].id)})
    for name, network, zone, gateway in SUBNETS:
        SubnetService(ctx.db).add(ops, {"name": name, "network": network, "zone": zone, "gateway": gateway})
    hosts = {"办公楼内网": iter(range(11, 250)), "审判楼内网": iter(range(11, 250)), "设备网": iter(range(11, 250)),
             "外网（互联网）": iter(range(11, 250))}
    prefix = {"办公楼内网": "10.12.1.", "审判楼内网": "10.12.2.", "设备网": "10.12.3.", "外网（互联网）": "172.20.8."}
    serial = iter(range(100000, 999999))
    mac = iter(range(0x1A2B00, 0xFFFFFF))

    def address(subnet: str) -> str:
        return prefix[subnet] + str(next(hosts[subnet]))

    def add(s: Any, kind: str, model: str, price: str, dept: str, *, location: str = "", network: str = "内网",
            facility: str = "", bought: dt.date, ip: str = "", classified: bool = False) -> ItAsset:
        m = next(mac)
        values = clean(ASSET_FIELDS, {
            "kind": kind, "brand_model": model, "serial_no": f"CN{next(serial)}{kind[:1].encode('utf-8').hex()[:2].upper()}",
            "department_id": d[dept].id, "location": location, "facility": facility, "network": network,
            "classified": "yes" if classified else "no", "ip": ip,
            "mac": "" if classified or network == "不联网" else f"3C-52-82-{m >> 16 & 0xFF:02X}-{m >> 8 & 0xFF:02X}-{m & 0xFF:02X}",
            "purchased_on": bought, "price": Decimal(price), "warranty_until": bought.replace(year=bought.year + 3)})
        return register_in(s, ops, values)

    bought = dt.date(2025, 12, 15)
    names_by_id = {dep.id: name for name, dep in d.items()}
    dept_ids = {person.id: person.department_id for person in ctx.users.values()}

    def dept_of(user_id: int) -> str:
        return names_by_id.get(dept_ids.get(user_id) or 0, "办公室")

    with ctx.db.write(ops) as s:
        # a desktop for every demo person, on the office or the courtroom building's subnet
        for n, person in enumerate(ctx.users.values()):
            dept = dept_of(person.id)
            subnet = "审判楼内网" if dept in ("民事审判庭", "刑事审判庭", "立案庭", "执行局") else "办公楼内网"
            pc = add(s, "台式计算机", "联想 开天M90z G1t" if n % 2 else "同方 超翔TL630-V050", "6980", dept,
                     location=f"{dept}办公室", bought=bought, ip=address(subnet))
            act_in(s, ops, pc, "assign", "", user_id=person.id)
        for key in ("leader", "president", "enforcer", "judge"):
            laptop = add(s, "笔记本电脑", "联想 开天N70z", "7600", dept_of(ctx.users[key].id), bought=bought,
                         ip=address("办公楼内网"))
            act_in(s, ops, laptop, "assign", "", user_id=ctx.users[key].id)
        # shared devices per department, platform facilities with their departments (第15条)
        names = [n for n in d if n != "院领导"]
        for kind, model, price, count, dept, location, network, facility in SHARED:
            for n in range(count):
                holder = dept or names[n % len(names)]
                subnet = "外网（互联网）" if network == "外网" else (
                    "设备网" if kind in ("网络设备", "服务器", "数字法庭设备", "视频会议设备", "安防监控设备", "其他")
                    else "办公楼内网")
                asset = add(s, kind, model, price, holder, location=(location or f"{holder}").format(n=n % 8 + 1),
                            network=network, facility=facility, bought=bought, ip=address(subnet))
                act_in(s, ops, asset, "assign", "", department_id=d[holder].id)
        # two classified single machines (their 涉密 record is the confidentiality area's) and spares
        for key in ("secrecy", "leader"):
            secret = add(s, "台式计算机", "联想 开天M630Z（涉密专用）", "8200", dept_of(ctx.users[key].id),
                         location="机要室", network="涉密单机", bought=bought, classified=True)
            act_in(s, ops, secret, "assign", "涉密计算机，单机使用", user_id=ctx.users[key].id)
        for n in range(6):
            add(s, "台式计算机", "同方 超翔TL630-V050", "6980", "信息技术办公室", location="设备库房", bought=bought)
        for n in range(3):
            add(s, "打印机", "奔图 P3305DN", "1690", "信息技术办公室", location="设备库房", bought=bought)
        add(s, "扫描仪", "富士通 fi-7160", "5600", "信息技术办公室", location="设备库房", bought=bought)


@fills(ASSET_KEY)
def bulk_assets(ctx: DemoContext, rows: int) -> None:
    """``rows`` devices over the last three years for scale benchmarks (``bench registers --register
    it_asset``): every kind, every department, most in use by a demo person, some in stock, in repair or
    scrapped; serial numbers and MAC addresses unique, no IP address (a plan holds a few hundred)."""
    rng = random.Random(18)
    people = [u for u in ctx.users.values() if u.department_id is not None]
    with ctx.db.write() as s:
        depts = [dep.id for dep in s.scalars(select(Department).order_by(Department.id))]
        ops = ctx.users["itops"]
        bulk = BulkWriter(s, ItAsset)
        year0 = clock.now().year - 2
        per_year = rows // 3 + 1
        for i in range(rows):
            year = year0 + min(2, i // per_year)
            serial = bulk.serial(ASSET_KEY, year)
            when = dt.datetime(year, 1, 1, 8, 0) + dt.timedelta(minutes=(i % per_year) * (525000 // per_year or 1))
            kind = KINDS[i % len(KINDS)]
            status = ("in_use", "in_use", "in_use", "in_use", "in_stock", "repair", "scrapped")[rng.randrange(7)]
            person = people[i % len(people)] if status == "in_use" else None
            bulk.add(ItAsset, {
                "id": bulk.next_id(ItAsset), "year": year, "serial": serial,
                "number": NUMBER_PATTERN.format(year=year, serial=serial), "status": status, "kind": kind,
                "brand_model": ("联想 开天M90z G1t", "惠普 LaserJet Pro M405dn", "富士通 fi-7160", "华为 S5735")[i % 4],
                "serial_no": f"SN{year}{serial:07d}", "serial_key": f"SN{year}{serial:07d}",
                "department_id": person.department_id if person else depts[i % len(depts)],
                "user_id": person.id if person else None, "location": f"{i % 9 + 1}楼{i % 30 + 1}室",
                "network": "内网", "ip": None, "ip_int": None, "subnet_id": None,
                "mac": f"02-{(i >> 24) & 0xFF:02X}-{(i >> 16) & 0xFF:02X}-{(i >> 8) & 0xFF:02X}-{i & 0xFF:02X}-{year % 100:02X}",
                "classified": False, "facility": "", "purchased_on": when.date(), "price_fen": 100 * (1500 + i % 9000),
                "warranty_until": when.date() + dt.timedelta(days=1095), "registered_at": when,
                "registered_by_id": ops.id, "since": when, "remarks": "", "version": 1,
                "created_at": when, "updated_at": when,
            })
        bulk.finish()
