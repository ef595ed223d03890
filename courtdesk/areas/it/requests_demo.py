"""Demo requests and repairs: a printer issued to the judge and received; a scanner issued and not yet
confirmed; a desktop approved and waiting to be issued; a laptop marked for procurement (none in stock); the
政治处主任's request approved by a court leader and waiting for 信建办; the clerk's waiting for her head; one
sent back. Repairs: the clerk's desktop repaired and confirmed; the judge's printer repaired and waiting for
her; a computer with games found, waiting for the 主管院领导; a laptop in repair; a fault not yet taken; the
保密员's classified computer repaired on site under the office head's supervision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.repairs import ON_SITE, RepairService
from courtdesk.areas.it.requests import RequestService
from courtdesk.kernel.demo import DemoContext


def demo_requests_and_repairs(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    requests = RequestService(ctx.db)
    repairs = RepairService(ctx.db)
    ops, office = u["itops"], u["office_head"]

    def in_stock(kind: str) -> int:
        with ctx.db.read() as s:
            found = s.scalars(select(ItAsset.id).where(ItAsset.kind == kind, ItAsset.status == "in_stock")
                              .order_by(ItAsset.id)).first()
        assert found is not None, kind
        return found

    def own(key: str, kind: str, classified: bool = False) -> int:
        with ctx.db.read() as s:
            found = s.scalars(select(ItAsset.id).where(ItAsset.user_id == u[key].id, ItAsset.kind == kind,
                                                       ItAsset.classified.is_(classified), ItAsset.status == "in_use")
                              .order_by(ItAsset.id)).first()
        assert found is not None, (key, kind)
        return found

    # requests and repairs, in the order they happened
    yield dt.datetime(2026, 3, 2, 9, 30)
    printer = requests.file(u["judge"], {"kind": "打印机", "reason": "承办案件增多，文书打印量大，办公室公用打印机排队严重"})
    yield dt.datetime(2026, 3, 2, 15, 0)
    requests.act(u["civil_head"], printer.id, "dept_approve", "同意")
    yield dt.datetime(2026, 3, 3, 10, 0)
    requests.act(office, printer.id, "office_approve", "同意，从库存发放")
    yield dt.datetime(2026, 3, 4, 9, 0)
    printer_id = in_stock("打印机")
    requests.act(ops, printer.id, "issue", asset_id=printer_id)
    yield dt.datetime(2026, 3, 4, 14, 0)
    requests.act(u["judge"], printer.id, "receive")

    yield dt.datetime(2026, 4, 8, 9, 10)
    fixed = repairs.report(u["clerk"], {"asset_id": own("clerk", "台式计算机"), "fault": "开机后蓝屏，已关机断电"})
    yield dt.datetime(2026, 4, 8, 9, 40)
    repairs.act(ops, fixed.id, "take", mode=ON_SITE)
    yield dt.datetime(2026, 4, 8, 11, 0)
    repairs.act(ops, fixed.id, "finish", work="内存条松动，重新插拔并清灰，系统自检通过", outcome="已修复")
    yield dt.datetime(2026, 4, 8, 14, 0)
    repairs.act(u["clerk"], fixed.id, "confirm", "已恢复正常")

    yield dt.datetime(2026, 6, 16, 15, 0)
    secret = repairs.report(u["secrecy"], {"asset_id": own("secrecy", "台式计算机", classified=True),
                                           "fault": "涉密计算机无法开机，电源指示灯不亮"})
    yield dt.datetime(2026, 6, 17, 9, 0)
    repairs.act(ops, secret.id, "take", mode=ON_SITE, supervisor_id=office.id)
    yield dt.datetime(2026, 6, 17, 11, 30)
    repairs.act(ops, secret.id, "finish", work="在机要室内更换电源，未接触存储部件，全程由李强监管", outcome="更换配件后修复")
    yield dt.datetime(2026, 6, 17, 15, 0)
    repairs.act(u["secrecy"], secret.id, "confirm")

    yield dt.datetime(2026, 9, 14, 9, 0)
    back = requests.file(u["civil_clerk"], {"kind": "台式计算机", "reason": "现用计算机速度较慢，申请更换"})
    yield dt.datetime(2026, 9, 14, 16, 0)
    requests.act(u["civil_head"], back.id, "dept_return", "现有计算机经检测使用正常，可先报修清理，暂不配发")

    yield dt.datetime(2026, 10, 12, 9, 0)
    laptop = requests.file(u["enforce_clerk"], {"kind": "笔记本电脑", "reason": "外出执行现场制作笔录需要便携电脑"})
    yield dt.datetime(2026, 10, 12, 11, 0)
    requests.act(u["enforce_head"], laptop.id, "dept_approve", "同意")
    yield dt.datetime(2026, 10, 13, 9, 30)
    requests.act(office, laptop.id, "office_approve", "同意")
    yield dt.datetime(2026, 10, 13, 15, 0)
    requests.act(ops, laptop.id, "procure", "库存无笔记本电脑，列入第四季度采购计划")

    yield dt.datetime(2026, 11, 16, 9, 0)
    scanner = requests.file(u["civil_clerk"], {"kind": "扫描仪", "reason": "电子卷宗随案同步生成，需专用扫描仪"})
    yield dt.datetime(2026, 11, 16, 14, 0)
    requests.act(u["civil_head"], scanner.id, "dept_approve", "同意")
    yield dt.datetime(2026, 11, 17, 9, 0)
    requests.act(office, scanner.id, "office_approve", "同意")

    yield dt.datetime(2026, 11, 18, 9, 0)
    games = repairs.report(u["civil_head"], {"asset_id": own("civil_head", "台式计算机"),
                                              "fault": "运行很慢，经常弹窗"})
    yield dt.datetime(2026, 11, 18, 10, 0)
    repairs.act(ops, games.id, "take", mode=ON_SITE)
    yield dt.datetime(2026, 11, 18, 11, 0)
    repairs.act(ops, games.id, "refer", "检修发现装有多款电子游戏，违反第33条", referral="发现游戏")

    yield dt.datetime(2026, 11, 20, 10, 0)
    requests.act(ops, scanner.id, "issue", asset_id=in_stock("扫描仪"))

    yield dt.datetime(2026, 11, 23, 9, 0)
    desktop = requests.file(u["enforcer"], {"kind": "台式计算机", "reason": "执行指挥中心值班岗位新增一台值班计算机"})
    yield dt.datetime(2026, 11, 23, 10, 30)
    requests.act(u["enforce_head"], desktop.id, "dept_approve", "同意")
    yield dt.datetime(2026, 11, 24, 9, 0)
    requests.act(office, desktop.id, "office_approve", "同意，请运维发放")

    yield dt.datetime(2026, 11, 25, 9, 0)
    political = requests.file(u["political"], {"kind": "打印机", "reason": "干部人事档案材料打印"})
    yield dt.datetime(2026, 11, 25, 16, 0)
    requests.act(u["leader"], political.id, "dept_approve", "同意")

    yield dt.datetime(2026, 11, 26, 9, 0)
    printer_fault = repairs.report(u["judge"], {"asset_id": printer_id, "fault": "打印卡纸，出纸有黑条"})
    yield dt.datetime(2026, 11, 26, 10, 0)
    repairs.act(ops, printer_fault.id, "take", mode=ON_SITE)
    yield dt.datetime(2026, 11, 26, 15, 0)
    repairs.act(ops, printer_fault.id, "finish", work="更换硒鼓，清理搓纸轮", outcome="更换配件后修复")

    yield dt.datetime(2026, 11, 27, 9, 0)
    slow = repairs.report(u["leader"], {"asset_id": own("leader", "笔记本电脑"), "fault": "屏幕闪烁，无法进入系统"})
    yield dt.datetime(2026, 11, 27, 9, 30)
    repairs.act(ops, slow.id, "take", mode=ON_SITE)

    yield dt.datetime(2026, 11, 28, 10, 0)
    requests.file(u["clerk"], {"kind": "扫描仪", "reason": "收文登记需扫描来文"})

    yield dt.datetime(2026, 11, 30, 16, 0)
    repairs.report(u["finance"], {"asset_id": own("finance", "台式计算机"), "fault": "网络连接不上内网"})
