"""Demo carriers in every state: a 机密 report with three copies (one lent, one destroyed, one lent and
returned), a 秘密 U盘 whose loan is overdue, a 绝密 carrier whose title is not entered (checked half-yearly),
a 秘密 notice distributed by 机要交通 to two departments (one copy 清退, one handed over on a post change),
a statistics sheet whose term was shortened and another since declassified, one waiting for review, one
draft sent back to its 承办人."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.models import SecretCopy, SecretItem
from courtdesk.areas.secrecy.service import SecrecyService
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.settings import SettingsService


def _copies(ctx: DemoContext, item_id: int) -> list[int]:
    from sqlalchemy import select

    with ctx.db.read() as s:
        return list(s.scalars(select(SecretCopy.id).where(SecretCopy.item_id == item_id).order_by(SecretCopy.copy_no)))


def demo_carriers(ctx: DemoContext) -> Iterator[dt.datetime]:
    u, d = ctx.users, ctx.departments
    service = SecrecyService(ctx.db)
    yield dt.datetime(2026, 2, 2, 8, 30)
    SettingsService(ctx.db).save(u["admin"], {secrecy_settings.CLASSIFIER: str(u["office_head"].id),
                                              secrecy_settings.COPY_APPROVER: str(u["leader"].id)})

    def approved(proposer: str, data: dict[str, object], leader: str = "leader") -> SecretItem:
        item = service.register(u[proposer], data)
        service.act(u[proposer], item.id, "submit")
        service.act(u["office_head"], item.id, "review", "密级、期限和知悉范围适当")
        service.act(u[leader], item.id, "approve", "同意")
        for copy_id in _copies(ctx, item.id):
            service.act_on_copy(u["secrecy"], copy_id, "receive")
        return item

    yield dt.datetime(2026, 3, 9, 10, 0)
    report = approved("judge", {
        "category": "文件", "title": "关于一起涉密案件审理情况的报告", "level": "机密", "copies": 3,
        "originator": "本院民事审判庭", "place": "internal", "responsible_id": u["civil_head"].id,
        "reader_department_ids": [d["民事审判庭"].id], "reader_ids": [u["leader"].id, u["president"].id]})
    report_copies = _copies(ctx, report.id)

    yield dt.datetime(2026, 4, 13, 15, 0)
    secret = approved("enforcer", {
        "category": "U盘", "title": "执行案件财产查控数据", "level": "秘密", "term_years": 5, "copies": 1,
        "originator": "本院执行局", "place": "internal", "responsible_id": u["enforce_head"].id,
        "reader_department_ids": [d["执行局"].id]})

    yield dt.datetime(2026, 5, 6, 9, 30)
    top = approved("secrecy", {
        "category": "文件", "title_withheld_reason": "上级法院来文，标题本身涉密", "level": "绝密", "copies": 1,
        "originator": "河北省高级人民法院", "place": "facility", "facility": "省保密局审查批准的定点印制单位",
        "responsible_id": u["secrecy"].id, "reader_ids": [u["president"].id, u["leader"].id]}, leader="president")

    yield dt.datetime(2026, 6, 8, 9, 0)
    service.act_on_copy(u["secrecy"], report_copies[0], "lend", "", borrower_id=u["leader"].id,
                        due_on=dt.date(2026, 6, 15))
    yield dt.datetime(2026, 6, 12, 16, 0)
    service.act_on_copy(u["secrecy"], report_copies[0], "give_back", "")
    yield dt.datetime(2026, 7, 1, 9, 0)
    for copy_id in (report_copies[0], *_copies(ctx, top.id)):
        service.act_on_copy(u["secrecy"], copy_id, "check", "半年清点")

    yield dt.datetime(2026, 10, 19, 9, 0)
    service.act_on_copy(u["secrecy"], report_copies[2], "ask_destroy", "已清点", facility="廊坊市保密局定点销毁中心",
                        witness1_id=u["clerk"].id, witness2_id=u["office_head"].id)
    yield dt.datetime(2026, 10, 20, 10, 0)
    service.act_on_copy(u["leader"], report_copies[2], "destroy", "同意销毁")

    yield dt.datetime(2026, 11, 2, 14, 0)
    service.act_on_copy(u["secrecy"], _copies(ctx, secret.id)[0], "lend", "",
                        borrower_id=u["enforce_clerk"].id, due_on=dt.date(2026, 11, 20))

    yield dt.datetime(2026, 11, 16, 9, 0)
    service.act_on_copy(u["secrecy"], report_copies[1], "lend", "", borrower_id=u["judge"].id,
                        due_on=dt.date(2026, 12, 31))
    waiting = service.register(u["civil_clerk"], {
        "category": "光盘", "title": "涉密案件庭审录像", "level": "秘密", "copies": 2, "originator": "本院民事审判庭",
        "place": "internal", "responsible_id": u["civil_head"].id, "reader_department_ids": [d["民事审判庭"].id]})
    service.act(u["civil_clerk"], waiting.id, "submit")

    yield dt.datetime(2026, 11, 17, 9, 0)
    notice = approved("secrecy", {
        "category": "文件", "title": "关于开展涉密载体专项清查的通知", "level": "秘密", "copies": 3,
        "originator": "本院保密工作领导小组办公室", "place": "internal", "responsible_id": u["secrecy"].id,
        "reader_department_ids": [d["民事审判庭"].id, d["执行局"].id]})
    notice_copies = _copies(ctx, notice.id)
    service.act_on_copy(u["secrecy"], notice_copies[0], "distribute", "", recipient_id=u["civil_head"].id,
                        route="机要交通")
    service.act_on_copy(u["secrecy"], notice_copies[1], "distribute", "", recipient_id=u["enforce_head"].id,
                        route="专人传递", courier="王强")
    yield dt.datetime(2026, 11, 18, 10, 0)
    service.act_on_copy(u["secrecy"], notice_copies[1], "recall", "专项清查结束")
    yield dt.datetime(2026, 11, 19, 9, 0)
    service.act_on_copy(u["secrecy"], notice_copies[0], "hand_over", "", keeper_id=u["civil_clerk"].id,
                        reason="内部交流岗位")

    yield dt.datetime(2026, 11, 19, 10, 0)
    stats = approved("enforcer", {
        "category": "资料", "title": "2025年度执行案件涉密数据统计", "level": "秘密", "copies": 1,
        "originator": "本院执行局", "place": "internal", "responsible_id": u["enforce_head"].id,
        "reader_department_ids": [d["执行局"].id]})
    old_sheet = approved("enforcer", {
        "category": "资料", "title": "2023年度执行案件涉密数据统计", "level": "秘密", "term_years": 3, "copies": 1,
        "originator": "本院执行局", "place": "internal", "responsible_id": u["enforce_head"].id,
        "reader_department_ids": [d["执行局"].id]})
    yield dt.datetime(2026, 11, 20, 9, 0)
    service.act(u["enforcer"], stats.id, "propose_change", "", kind="change", level="秘密", term_years=5,
                reason="统计数据公开时间可以确定，缩短保密期限")
    service.act(u["enforcer"], old_sheet.id, "propose_change", "", kind="declassify",
                reason="相关数据已在年度工作报告中公开")
    yield dt.datetime(2026, 11, 20, 14, 0)
    service.act(u["office_head"], stats.id, "review_change", "同意")
    service.act(u["office_head"], old_sheet.id, "review_change", "同意")
    yield dt.datetime(2026, 11, 21, 9, 0)
    service.act(u["leader"], stats.id, "approve_change", "同意")
    service.act(u["leader"], old_sheet.id, "approve_change", "同意解密")

    yield dt.datetime(2026, 11, 23, 11, 0)
    returned = service.register(u["judge"], {
        "category": "资料", "title": "审判委员会讨论案件记录摘编", "level": "机密", "copies": 2,
        "originator": "本院审判委员会办公室", "place": "internal", "responsible_id": u["civil_head"].id,
        "reader_ids": [u["judge"].id, u["civil_head"].id]})
    service.act(u["judge"], returned.id, "submit")
    yield dt.datetime(2026, 11, 24, 9, 0)
    service.act(u["office_head"], returned.id, "send_back", "知悉范围请写明到具体人员，保密期限请说明依据")
