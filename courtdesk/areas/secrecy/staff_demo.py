"""Demo 涉密人员 in every state as of 2026-12-01: 保密员冯雪 (重要, trained), 副院长刘建军 (核心, a trip abroad
approved), 审判员郑洁 (重要, her yearly training overdue since 2026-11-20), 书记员何佳 (一般, in post, holding an
overdue carrier copy), 书记员林晓 (一般, left, 脱密期 ending 2026-12-20 — within 30 days, one trip approved
during it), 执行员黄磊 (一般, left in 2025, 已脱密)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from courtdesk.areas.secrecy.staff import VET_CONTENTS, StaffService
from courtdesk.kernel.demo import DemoContext, tiny_png

D = dt.date


def demo_staff(ctx: DemoContext) -> Iterator[dt.datetime]:
    u = ctx.users
    service = StaffService(ctx.db)
    office = u["secrecy"]

    def enrol(key: str, level: str, position: str, appointed: dt.date, inducted: dt.date) -> int:
        staff = service.register(office, {"user_id": u[key].id, "level": level, "position": position,
                                          "appointed_on": appointed})
        service.act(office, staff.id, "vet", "", vetted_on=appointed - dt.timedelta(days=20),
                    contents=list(VET_CONTENTS), political_reviewer_id=u["political"].id,
                    secrecy_reviewer_id=office.id, conclusion="通过", remarks="符合涉密人员任职条件")
        service.act(office, staff.id, "train", "", kind="induction", trained_on=inducted,
                    topic="保密法律法规和保密知识技能上岗培训", hours=8)
        service.act(office, staff.id, "commit", "", signed_on=inducted, scan=("保密承诺书.png", tiny_png()))
        return staff.id

    def train(staff_id: int, on: dt.date, topic: str) -> None:
        service.act(office, staff_id, "train", "", kind="serving", trained_on=on, topic=topic, hours=4)

    def leave(staff_id: int, on: dt.date, reason: str) -> None:
        service.act(office, staff_id, "leave", "", left_on=on, reason=reason, exit_committed_on=on,
                    exit_scan=("离岗保密承诺书.png", tiny_png()))

    yield dt.datetime(2025, 6, 2, 9, 0)
    ids: dict[str, Any] = {}
    ids["secrecy"] = enrol("secrecy", "重要", "保密员（涉密载体管理）", D(2024, 3, 1), D(2024, 2, 26))
    ids["leader"] = enrol("leader", "核心", "分管保密工作院领导", D(2023, 1, 10), D(2023, 1, 5))
    ids["enforcer"] = enrol("enforcer", "一般", "执行案件财产查控数据管理", D(2023, 6, 1), D(2023, 5, 25))
    ids["civil_clerk"] = enrol("civil_clerk", "一般", "民事审判庭机要文件管理", D(2024, 5, 6), D(2024, 4, 29))
    ids["judge"] = enrol("judge", "重要", "涉密案件承办", D(2024, 9, 2), D(2024, 8, 26))
    ids["enforce_clerk"] = enrol("enforce_clerk", "一般", "执行局涉密文件管理", D(2025, 6, 2), D(2025, 5, 28))

    yield dt.datetime(2025, 10, 9, 10, 0)
    leave(ids["enforcer"], D(2025, 9, 30), "内部交流岗位")  # 12 months: 已脱密 since 2026-09-30

    yield dt.datetime(2025, 11, 20, 15, 0)
    train(ids["judge"], D(2025, 11, 20), "保密形势和审判工作秘密保护")  # next due 2026-11-20: overdue

    yield dt.datetime(2025, 12, 22, 9, 0)
    leave(ids["civil_clerk"], D(2025, 12, 20), "调动")  # 脱密期 to 2026-12-20: ends within 30 days

    yield dt.datetime(2026, 6, 18, 9, 0)
    for key in ("secrecy", "leader", "enforce_clerk"):
        train(ids[key], D(2026, 6, 18), "2026年上半年保密法律法规和保密知识技能培训")
    service.act(u["leader"], ids["civil_clerk"], "approve_trip", "脱密期内出境，已审查", destination="日本",
                purpose="探亲", departs_on=D(2026, 7, 10), returns_on=D(2026, 7, 20))

    yield dt.datetime(2026, 11, 10, 9, 0)
    service.act(u["president"], ids["leader"], "approve_trip", "同意，出境前后向保密办报告",
                destination="新加坡", purpose="参加司法交流活动", departs_on=D(2026, 12, 20),
                returns_on=D(2026, 12, 26))
