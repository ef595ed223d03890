"""Demo scrapping, changes and external-network use, as of 2026-12-01:

- 报废: 林晓's desktop scrapped with 返旧换新 wished for her; a scanner the 主管领导 refused to scrap (back in
  service); 何佳's desktop 鉴定无需报废; a printer waiting for the leader, 黄磊's laptop waiting for
  信建办's 请示, 周伟's desktop waiting for the 网络运维主管's 鉴定;
- 变更: a network-wide topology change and a software install done, a hard disk refused, a VLAN change
  agreed and waiting to be done, a memory upgrade waiting for the 信建办负责人, a client update waiting
  for the 网络运维主管;
- 外网: seven 外网 computers registered for their users; 王芳 and 黄磊 opened, 周伟 opened then stopped,
  林晓 refused, 郑洁 waiting to be opened, 孙丽 waiting for 信建办's registration, 何佳 waiting for the
  leader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select

from courtdesk.areas.it.changes import ChangeService
from courtdesk.areas.it.external import ExternalService
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.scrapping import ScrapService, is_classified
from courtdesk.areas.it.service import ASSET_FIELDS, act_in, register_in
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.forms import clean

OUTER_USERS = ("clerk", "enforcer", "political", "civil_clerk", "judge", "finance", "enforce_clerk")


def demo_scrap_changes_external(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    ops, head, leader = u["itops"], u["office_head"], u["leader"]
    scraps, changes, external = ScrapService(ctx.db), ChangeService(ctx.db), ExternalService(ctx.db)

    def device(key: str, kind: str = "台式计算机") -> int:
        with ctx.db.read() as s:
            rows = s.scalars(select(ItAsset).where(ItAsset.user_id == u[key].id, ItAsset.kind == kind,
                                                   ItAsset.network == "内网").order_by(ItAsset.id))
            return next(a.id for a in rows if not is_classified(s, a))

    def shared(model: str, n: int = 0) -> int:
        with ctx.db.read() as s:
            rows = s.scalars(select(ItAsset).where(ItAsset.brand_model == model, ItAsset.status == "in_use")
                             .order_by(ItAsset.id))
            return [a.id for a in rows if not is_classified(s, a)][n]

    # 外网 computers, one for each person who asks (第25条: apart from the 内网)
    yield dt.datetime(2026, 2, 2, 9, 0)
    outer: dict[str, int] = {}
    with ctx.db.write(ops) as s:
        for n, key in enumerate(OUTER_USERS):
            person = u[key]
            values = clean(ASSET_FIELDS, {
                "kind": "台式计算机", "brand_model": "联想 启天M437（外网专用）", "serial_no": f"WW26{n + 1:04d}LX",
                "department_id": person.department_id, "location": "外网机位", "network": "外网", "classified": "no",
                "mac": f"3C-52-82-EE-01-{n + 1:02X}", "purchased_on": dt.date(2026, 1, 20), "price": Decimal("4380"),
                "warranty_until": dt.date(2029, 1, 20)})
            asset = register_in(s, ops, values)
            act_in(s, ops, asset, "assign", "外网专用计算机", user_id=person.id)
            outer[key] = asset.id

    # --- 外网: opened, later stopped ---
    yield dt.datetime(2026, 3, 2, 9, 0)
    e3 = external.apply(u["political"], {"user_id": u["political"].id, "asset_id": outer["political"],
                                         "purpose": "干部网络学院在线培训报名及学习"}).id
    yield dt.datetime(2026, 3, 3, 10, 0)
    external.act(leader, e3, "agree", "同意，培训结束后停用")
    yield dt.datetime(2026, 3, 3, 15, 0)
    external.act(head, e3, "register", "")
    yield dt.datetime(2026, 3, 4, 9, 0)
    external.act(ops, e3, "open", ip="172.20.8.103")

    # --- 报废 with 返旧换新 ---
    yield dt.datetime(2026, 3, 10, 10, 0)
    s1 = scraps.apply(u["civil_clerk"], {"asset_id": device("civil_clerk"), "reason": "主板老化，频繁蓝屏死机",
                                         "replace": "yes"}).id
    yield dt.datetime(2026, 3, 12, 15, 0)
    scraps.act(ops, s1, "assess", assessment="主板电容鼓包，同型号配件已停产，无修复价值，确认报废")
    yield dt.datetime(2026, 3, 13, 9, 30)
    scraps.act(head, s1, "report", "拟同意报废，并为林晓返旧换新")
    yield dt.datetime(2026, 3, 16, 11, 0)
    scraps.act(leader, s1, "approve", "同意")

    # --- 变更 of the network as a whole; 外网 for 王芳 and 黄磊 ---
    yield dt.datetime(2026, 4, 1, 9, 0)
    c1 = changes.apply(ops, {"kind": "网络拓扑", "description": "审判楼新增汇聚交换机一台，楼层交换机改为双上联",
                             "planned_on": dt.date(2026, 4, 10)}).id
    changes.act(ops, c1, "ops_consent", "")
    yield dt.datetime(2026, 4, 2, 10, 0)
    changes.act(head, c1, "head_consent", "同意，安排在周五下班后实施")
    yield dt.datetime(2026, 4, 7, 9, 0)
    e1 = external.apply(u["clerk"], {"user_id": u["clerk"].id, "asset_id": outer["clerk"],
                                     "purpose": "院门户网站及政务新媒体信息发布（发布前经保密审查）"}).id
    e2 = external.apply(u["enforce_head"], {"user_id": u["enforcer"].id, "asset_id": outer["enforcer"],
                                            "purpose": "查询被执行人公开信息、网络司法拍卖"}).id
    yield dt.datetime(2026, 4, 8, 10, 0)
    external.act(leader, e1, "agree", "同意")
    external.act(leader, e2, "agree", "同意")
    yield dt.datetime(2026, 4, 8, 16, 0)
    external.act(head, e1, "register", "")
    external.act(head, e2, "register", "")
    yield dt.datetime(2026, 4, 9, 9, 30)
    external.act(ops, e1, "open", ip="172.20.8.101")
    external.act(ops, e2, "open", ip="172.20.8.102")
    yield dt.datetime(2026, 4, 10, 18, 30)
    changes.act(ops, c1, "done", result="汇聚交换机已上架，双上联测试正常，网络拓扑图已更新")

    # --- 报废 refused by the leader ---
    yield dt.datetime(2026, 5, 11, 9, 0)
    s2 = scraps.apply(ops, {"asset_id": shared("富士通 fi-7160", 1), "reason": "进纸辊磨损，卡纸严重",
                            "replace": "no"}).id
    yield dt.datetime(2026, 5, 12, 14, 0)
    scraps.act(ops, s2, "assess", assessment="进纸辊磨损，其余部件完好；更换进纸辊费用较高，建议报废")
    yield dt.datetime(2026, 5, 13, 9, 0)
    scraps.act(head, s2, "report", "")
    yield dt.datetime(2026, 5, 15, 10, 0)
    scraps.act(leader, s2, "refuse", "更换进纸辊后继续使用，不予报废")

    # --- 鉴定无需报废; 外网 refused ---
    yield dt.datetime(2026, 6, 2, 9, 0)
    s3 = scraps.apply(u["enforce_head"], {"asset_id": device("enforce_clerk"), "reason": "运行缓慢，开机需五分钟以上",
                                          "replace": "no"}).id
    e4 = external.apply(u["civil_head"], {"user_id": u["civil_clerk"].id, "asset_id": outer["civil_clerk"],
                                          "purpose": "查阅案例资料"}).id
    yield dt.datetime(2026, 6, 3, 10, 0)
    scraps.act(ops, s3, "unneeded", "硬件完好，清理系统并加装固态硬盘后运行正常，无需报废")
    external.act(leader, e4, "refuse", "查阅案例可使用法院内网案例库，不同意开通外网")

    # --- 变更: a software install done, a hard disk refused ---
    yield dt.datetime(2026, 9, 1, 9, 0)
    c2 = changes.apply(u["judge"], {"kind": "软件安装卸载", "asset_id": device("judge"),
                                    "description": "安装电子签章客户端", "planned_on": dt.date(2026, 9, 3)}).id
    c3 = changes.apply(u["civil_head"], {"kind": "硬件拆卸更换", "asset_id": device("civil_head"),
                                         "description": "加装第二块硬盘", "planned_on": dt.date(2026, 9, 5)}).id
    yield dt.datetime(2026, 9, 1, 15, 0)
    changes.act(ops, c2, "ops_consent", "")
    changes.act(ops, c3, "refuse", "现有硬盘空间充足，办案资料应存放在内网服务器，不同意加装")
    yield dt.datetime(2026, 9, 2, 9, 0)
    changes.act(head, c2, "head_consent", "")
    yield dt.datetime(2026, 9, 3, 10, 0)
    changes.act(ops, c2, "done", result="已安装电子签章客户端V3.2，测试盖章正常")
    yield dt.datetime(2026, 9, 30, 17, 0)
    external.act(ops, e3, "stop", "培训已结束")

    # --- what is still under way on 2026-12-01 ---
    yield dt.datetime(2026, 11, 20, 9, 0)
    s4 = scraps.apply(ops, {"asset_id": shared("奔图 P3305DN", 2), "reason": "定影组件损坏，打印出现黑条",
                            "replace": "yes"}).id
    yield dt.datetime(2026, 11, 23, 10, 0)
    scraps.act(ops, s4, "assess", assessment="定影组件损坏，维修费用超过新机价格一半，确认报废")
    yield dt.datetime(2026, 11, 24, 9, 0)
    c4 = changes.apply(ops, {"kind": "设备布置与参数配置", "asset_id": shared("华为 S5735-L48T4X 交换机", 0),
                             "description": "调整VLAN划分，数字法庭设备单独划分VLAN 30", "planned_on": dt.date(2026, 12, 5)}).id
    changes.act(ops, c4, "ops_consent", "")
    e5 = external.apply(u["civil_head"], {"user_id": u["judge"].id, "asset_id": outer["judge"],
                                          "purpose": "查询法律法规数据库及裁判文书公开信息"}).id
    yield dt.datetime(2026, 11, 25, 9, 0)
    scraps.act(head, s4, "report", "")
    changes.act(head, c4, "head_consent", "")
    external.act(leader, e5, "agree", "同意")
    yield dt.datetime(2026, 11, 25, 15, 0)
    external.act(head, e5, "register", "")
    yield dt.datetime(2026, 11, 26, 9, 0)
    s5 = scraps.apply(u["enforcer"], {"asset_id": device("enforcer", "笔记本电脑"), "reason": "外出执行时摔落，屏幕碎裂",
                                      "replace": "yes"}).id
    e6 = external.apply(u["finance"], {"user_id": u["finance"].id, "asset_id": outer["finance"],
                                       "purpose": "财政预算一体化平台及网上银行业务"}).id
    yield dt.datetime(2026, 11, 27, 9, 0)
    scraps.act(ops, s5, "assess", assessment="屏幕及顶盖损坏，主板受损，无修复价值，确认报废")
    c5 = changes.apply(u["enforce_head"], {"kind": "硬件拆卸更换", "asset_id": device("enforce_head"),
                                           "description": "内存由8G更换为16G", "planned_on": dt.date(2026, 12, 3)}).id
    changes.act(ops, c5, "ops_consent", "")
    external.act(leader, e6, "agree", "同意")
    yield dt.datetime(2026, 11, 30, 9, 0)
    scraps.apply(u["political"], {"asset_id": device("political"), "reason": "使用已满八年，运行缓慢", "replace": "yes"})
    changes.apply(u["clerk"], {"kind": "软件安装卸载", "asset_id": device("clerk"),
                               "description": "卸载旧版OA客户端，安装新版OA客户端", "planned_on": dt.date(2026, 12, 2)})
    external.apply(u["enforce_head"], {"user_id": u["enforce_clerk"].id, "asset_id": outer["enforce_clerk"],
                                       "purpose": "网络查控平台反馈信息下载"})
