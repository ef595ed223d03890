"""Demo maintenance contracts and backups: the current 运维外包 contract (ending 2026-12-31, so 信建办
sees it coming up at the tests' clock) with two operators, one still without a 保密承诺书, its 2025
appraisal; the previous contract, closed; three systems backed up, the portal's backup overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from courtdesk.areas.it.backups import BackupService
from courtdesk.areas.it.contractors import SERVICES_13, ContractService
from courtdesk.kernel.demo import DemoContext

D = dt.date
QUALITY = ("故障响应：接报后30分钟内响应、4小时内修复；核心系统可用率不低于99.5%；每月提交运维报告；"
           "年度考核由信建办按响应时效、修复率、用户满意度和保密纪律评定，结果分优秀、合格、不合格，"
           "不合格的扣减运维费用并可解除合同。")


def demo_contracts(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    head, ops = u["office_head"], u["itops"]
    contracts = ContractService(ctx.db)
    yield dt.datetime(2025, 1, 2, 10, 0)
    old = contracts.register(head, {
        "number": "YW-2023-01", "contractor": "廊坊市信达网络技术有限公司",
        "qualification": "ITSS信息技术服务运行维护标准符合性证书三级；信息系统集成资质",
        "contact": "刘海 13803160215", "starts_on": D(2023, 1, 1), "ends_on": D(2024, 12, 31),
        "services": SERVICES_13, "quality": QUALITY,
        "operators": [{"name": "刘海", "phone": "13803160215", "trained_on": D(2023, 1, 6), "pledged_on": D(2023, 1, 6)}],
    })
    contracts.act(head, old.id, "appraise", "响应及时，全年无重大故障", year=2023, result="合格",
                  appraised_on=D(2024, 1, 12), appraisers="李强、高峰")
    contracts.act(head, old.id, "appraise", "", year=2024, result="合格", appraised_on=D(2025, 1, 2),
                  appraisers="李强、高峰")
    contracts.act(head, old.id, "terminate", "合同期满，经区财政招投标由新服务商接替")
    current = contracts.register(head, {
        "number": "YW-2025-01", "contractor": "河北智信科技服务有限公司",
        "qualification": "ITSS信息技术服务运行维护标准符合性证书二级；ISO27001信息安全管理体系认证",
        "contact": "张博 13931681120", "starts_on": D(2025, 1, 1), "ends_on": D(2026, 12, 31),
        "services": SERVICES_13, "quality": QUALITY,
        "operators": [
            {"name": "张博", "phone": "13931681120", "trained_on": D(2025, 1, 2), "pledged_on": D(2025, 1, 2)},
        ],
    })
    yield dt.datetime(2025, 9, 1, 9, 0)
    contracts.act(ops, current.id, "add_operator", "驻院运维，负责机房和数字法庭", name="赵磊", phone="13722690341",
                  trained_on=D(2025, 9, 1))
    yield dt.datetime(2026, 1, 15, 15, 0)
    contracts.act(head, current.id, "appraise", "响应及时，数字法庭保障到位", year=2025, result="优秀",
                  appraised_on=D(2026, 1, 15), appraisers="李强、高峰")


def demo_backups(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    ops = u["itops"]
    backups = BackupService(ctx.db)
    yield dt.datetime(2026, 1, 5, 9, 30)
    oa = backups.add_system(ops, {"name": "办公OA系统", "contents": "数据库及公文附件", "interval_days": 7,
                                  "kept_at": "机房备份服务器"})
    cases = backups.add_system(ops, {"name": "数字法院办案系统", "contents": "案件数据库（本地镜像）",
                                     "interval_days": 7, "kept_at": "机房备份服务器，每月另刻光盘存档案室"})
    portal = backups.add_system(ops, {"name": "内网门户网站", "contents": "网站数据库及上传文件", "interval_days": 30,
                                      "kept_at": "信息技术办公室档案柜（移动硬盘）"})
    schedule = (
        (dt.datetime(2026, 10, 15, 17, 30), portal.id, "移动硬盘", "yes"),
        (dt.datetime(2026, 10, 30, 17, 0), cases.id, "光盘", "yes"),
        (dt.datetime(2026, 11, 13, 17, 10), oa.id, "备份服务器", "no"),
        (dt.datetime(2026, 11, 20, 17, 10), oa.id, "备份服务器", "yes"),
        (dt.datetime(2026, 11, 20, 17, 40), cases.id, "备份服务器", "no"),
        (dt.datetime(2026, 11, 27, 17, 10), oa.id, "备份服务器", "no"),
        (dt.datetime(2026, 11, 27, 17, 40), cases.id, "备份服务器", "yes"),
    )
    for at, system_id, medium, verified in schedule:
        yield at
        backups.act(ops, system_id, "back_up", "", backed_up_at=at, medium=medium, verified=verified)
