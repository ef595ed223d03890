"""Demo classified computers and media (《保密工作制度》第三十四条、第三十六条), as of 2026-12-01:

- a 机密 computer (郑洁) whose weekly password change is overdue (last 2026-11-20, due 11-27);
- a 秘密 password-only computer (吴涛) changed 2026-11-16, due 12-16, repaired on site in September;
- a 秘密 computer with USB KEY (马超) out for repair with every storage part removed;
- an old 机密 computer destroyed through registration and a leader's approval;
- media: a 机密 U盘 handed in and back over 国庆, a 秘密 disk never handed in for 国庆, a 绝密 U盘 held by
  保密办, a 秘密 U盘 carried out with approval, a 机密 U盘 already handed in for 元旦, a 机密 disc waiting for
  the leading group head's approval to be scrapped, a 秘密 U盘 scrapped;
- holidays: 国庆节 (past) and 元旦 (交存日期 2026-12-31).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.devices import DeviceService
from courtdesk.kernel import clock
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.settings import SettingsService


def demo_devices(ctx: DemoContext) -> Iterator[dt.datetime]:
    u, d = ctx.users, ctx.departments
    service = DeviceService(ctx.db)
    office = u["secrecy"]
    yield dt.datetime(2026, 1, 5, 9, 0)
    SettingsService(ctx.db).save(u["admin"], {secrecy_settings.GROUP_HEAD: str(u["president"].id),
                                              secrecy_settings.MEDIA_ISSUER: str(office.id)})

    def computer(tag: str, kind: str, model: str, serial: str, who: str, dept: str, level: str, auth: str,
                 length: int) -> int:
        return service.register_computer(office, {
            "asset_tag": tag, "kind": kind, "model": model, "serial_no": serial, "custodian_id": u[who].id,
            "department_id": d[dept].id, "level": level, "auth": auth, "network": "standalone",
            "password_set_on": clock.today(), "password_length": length,
            "password_mixed": "yes"}).id

    old = computer("ZC-2019-0033", "台式计算机", "联想启天M4650", "PC0A1B2C", "civil_head", "民事审判庭", "机密", "key", 10)
    trial = computer("ZC-2026-0901", "台式计算机", "联想开天M740Z", "PF3KX9A1", "judge", "民事审判庭", "机密", "key", 12)
    civil = computer("ZC-2026-0902", "台式计算机", "同方超越E500", "TF22B0871", "civil_head", "民事审判庭", "秘密",
                     "password", 9)
    enforce = computer("ZC-2026-0903", "笔记本电脑", "联想昭阳K4e", "LZ7Q2M55", "enforce_head", "执行局", "秘密", "key", 6)

    yield dt.datetime(2026, 1, 12, 9, 0)
    media: dict[str, int] = {}

    def issue(key: str, kind: str, model: str, level: str, who: str, dept: str) -> None:
        media[key] = service.issue_medium(office, {"kind": kind, "model": model, "level": level,
                                                   "custodian_id": u[who].id, "department_id": d[dept].id}).id

    issue("judge", "U盘", "朗科U905 16G，序列号NK16A0093", "机密", "judge", "民事审判庭")
    issue("enforce", "移动硬盘", "希捷Backup Plus 1T，序列号NA9B3K21", "秘密", "enforce_clerk", "执行局")
    issue("top", "U盘", "华为加密U盘 32G，序列号HW32E0012", "绝密", "secrecy", "办公室")
    issue("civil", "U盘", "朗科U905 16G，序列号NK16A0107", "秘密", "civil_head", "民事审判庭")
    issue("office", "U盘", "朗科U905 16G，序列号NK16A0110", "机密", "office_head", "办公室")
    issue("disc", "光盘", "档案级DVD-R，编号GP-0007", "机密", "civil_head", "民事审判庭")
    issue("old", "U盘", "爱国者U210 8G，序列号AG08C3301", "秘密", "enforce_head", "执行局")

    yield dt.datetime(2026, 6, 22, 10, 0)
    service.act_on_computer(office, old, "ask_destroy", "设备老化，已由新购计算机替代",
                            facility="廊坊市保密局定点销毁中心")
    yield dt.datetime(2026, 6, 24, 15, 0)
    service.act_on_computer(u["leader"], old, "destroy", "同意淘汰销毁")
    service.act_on_medium(office, media["old"], "ask_scrap", "接口损坏", facility="廊坊市保密局定点销毁中心")
    yield dt.datetime(2026, 6, 26, 9, 0)
    service.act_on_medium(u["president"], media["old"], "scrap", "同意报废")

    yield dt.datetime(2026, 9, 8, 9, 30)
    service.act_on_computer(office, civil, "repair_on_site", "", repairer="区政务服务中心信息科 赵工",
                            supervisor_id=u["clerk"].id, fault="电源故障，无法开机")
    yield dt.datetime(2026, 9, 8, 16, 0)
    service.act_on_computer(office, civil, "repaired", "更换电源")

    yield dt.datetime(2026, 9, 14, 9, 0)
    guoqing = service.add_holiday(office, {"name": "国庆节", "hand_in_by": dt.date(2026, 9, 30),
                                           "starts_on": dt.date(2026, 10, 1), "ends_on": dt.date(2026, 10, 7)})
    yield dt.datetime(2026, 9, 30, 16, 30)
    service.act_on_medium(office, media["judge"], "hand_in", "", holiday_id=guoqing.id)
    yield dt.datetime(2026, 10, 8, 8, 40)
    service.act_on_medium(office, media["judge"], "hand_back", "")

    yield dt.datetime(2026, 10, 14, 11, 0)
    service.act_on_computer(office, civil, "change_password", "", changed_on=dt.date(2026, 10, 14), length=10,
                            mixed="yes")
    yield dt.datetime(2026, 11, 9, 9, 0)
    yuandan = service.add_holiday(office, {"name": "元旦", "hand_in_by": dt.date(2026, 12, 31),
                                           "starts_on": dt.date(2027, 1, 1), "ends_on": dt.date(2027, 1, 3)})
    yield dt.datetime(2026, 11, 13, 9, 0)
    service.act_on_computer(u["judge"], trial, "change_password", "", changed_on=dt.date(2026, 11, 13), length=12,
                            mixed="yes")
    yield dt.datetime(2026, 11, 16, 9, 0)
    service.act_on_computer(u["civil_head"], civil, "change_password", "", changed_on=dt.date(2026, 11, 16),
                            length=9, mixed="yes")
    yield dt.datetime(2026, 11, 20, 9, 0)
    service.act_on_computer(u["judge"], trial, "change_password", "", changed_on=dt.date(2026, 11, 20), length=12,
                            mixed="yes")
    service.act_on_medium(office, media["disc"], "ask_scrap", "盘面划伤，无法读取", facility="廊坊市保密局定点销毁中心")

    yield dt.datetime(2026, 11, 25, 10, 0)
    service.act_on_computer(office, enforce, "repair_outside", "", repairer="联想授权服务站（廊坊）",
                            storage_removed="yes", storage_kept_by="保密办冯雪，存放于保密柜", fault="主板故障")
    yield dt.datetime(2026, 11, 26, 14, 0)
    service.act_on_medium(u["leader"], media["civil"], "carry_out", "", destination="赴市中级人民法院汇报案件",
                          due_on=dt.date(2026, 12, 4))
    yield dt.datetime(2026, 11, 30, 17, 0)
    service.act_on_medium(office, media["office"], "hand_in", "李强12月下旬出差，提前交存", holiday_id=yuandan.id)
