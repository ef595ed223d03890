"""Demo oversight: the 领导小组组长 set; 机要室 and 档案室 as key places (档案室's keeper changed, not yet
reported); a 机密 meeting held with one phone approved and one still to come; 2026 责任书 signed by all but
立案庭 and 刑事审判庭; two inspections, the 民事审判庭's with one rectification done and one overdue; a leak
reported within the day in August, and one discovered 2026-11-30 13:00 waiting for the 院长's signature
(at 2026-12-01 09:00: 剩余4小时)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.leaks import LeakService
from courtdesk.areas.secrecy.oversight import OversightService
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.settings import SettingsService


def demo_oversight(ctx: DemoContext) -> Iterator[dt.datetime]:
    u, d = ctx.users, ctx.departments
    service = OversightService(ctx.db)
    leaks = LeakService(ctx.db)
    secrecy = u["secrecy"]

    yield dt.datetime(2026, 2, 3, 9, 0)
    SettingsService(ctx.db).save(u["admin"], {secrecy_settings.GROUP_HEAD: str(u["president"].id)})
    office = service.register_key_place(secrecy, {
        "kind": "部门", "name": "机要室", "department_id": d["办公室"].id, "responsible_id": secrecy.id,
        "measures": "涉密载体存放于密码保险柜；未经批准不得带入录音、录像、拍照、信息存储设备",
        "determined_on": dt.date(2026, 1, 28)})
    archive = service.register_key_place(secrecy, {
        "kind": "部位", "name": "档案室", "department_id": d["办公室"].id, "responsible_id": u["clerk"].id,
        "measures": "涉密档案专柜存放，查阅经主管院领导批准", "determined_on": dt.date(2026, 1, 28)})
    yield dt.datetime(2026, 2, 10, 10, 0)
    for place in (office, archive):
        service.act_on_key_place(secrecy, place.id, "file", reported_on=dt.date(2026, 2, 10))

    signed = {"办公室": "office_head", "政治处": "political", "民事审判庭": "civil_head", "执行局": "enforce_head",
              "财务室": "finance", "信息技术办公室": "itops"}
    for n, (dept, head) in enumerate(signed.items()):
        yield dt.datetime(2026, 2, 24 + n // 3, 9 + n, 0)
        service.sign_letter(secrecy, {"department_id": d[dept].id, "year": 2026,
                                      "signed_on": dt.date(2026, 2, 24 + n // 3), "signer_id": u[head].id})
    if "法警队" in d:  # a 法警队 without a head among the demo people: its 分管院领导 signs for it
        yield dt.datetime(2026, 2, 27, 9, 0)
        service.sign_letter(secrecy, {"department_id": d["法警队"].id, "year": 2026, "signed_on": dt.date(2026, 2, 27),
                                      "signer_id": u["leader"].id})

    yield dt.datetime(2026, 6, 18, 15, 0)
    service.record_inspection(secrecy, {
        "department_id": d["执行局"].id, "inspected_on": dt.date(2026, 6, 18), "inspectors": "刘建军、冯雪",
        "findings": "涉密载体登记齐全，涉密计算机口令按期更换", "result": "合格", "rectifications": []})

    yield dt.datetime(2026, 8, 12, 10, 40)
    sent = leaks.register(secrecy, {
        "discovered_at": dt.datetime(2026, 8, 12, 10, 20), "discoverer": "冯雪",
        "content": "一份内部工作简报（不涉及案件具体内容）", "level": "秘密", "quantity": "纸质文件1份",
        "course": "简报复印后原件遗留在复印机出纸盘，被外来维修人员看到", "culprit": "王芳，办公室文员，非涉密人员",
        "time_place": "2026年8月12日上午，办公楼三层文印室", "harm": "可能造成简报内容被无关人员知悉，范围有限",
        "remedies": "已收回原件并清点；对维修人员进行保密提醒并登记；组织文印室人员保密教育"})
    leaks.act(secrecy, sent.id, "submit")
    yield dt.datetime(2026, 8, 12, 16, 0)
    leaks.act(u["president"], sent.id, "sign", "同意上报")
    yield dt.datetime(2026, 8, 13, 9, 30)
    leaks.act(secrecy, sent.id, "send", "", admin_body="县国家保密局", admin_sent_at=dt.datetime(2026, 8, 13, 8, 30),
              court_body="中级人民法院保密委员会办公室", court_sent_at=dt.datetime(2026, 8, 13, 9, 0))

    yield dt.datetime(2026, 9, 10, 9, 0)
    meeting = service.register_meeting(secrecy, {
        "name": "审判委员会讨论涉密案件会议", "level": "机密", "held_on": dt.date(2026, 9, 15),
        "place": "第一会议室", "organiser_id": d["办公室"].id, "jammer": "yes"})
    yield dt.datetime(2026, 9, 14, 16, 0)
    service.act_on_meeting(u["president"], meeting.id, "approve_device", "", person_id=u["office_head"].id,
                           device="值班手机一部", reason="会议期间接收上级法院紧急通知")
    yield dt.datetime(2026, 9, 15, 12, 0)
    service.act_on_meeting(secrecy, meeting.id, "hold", "手机已统一存放，干扰设备开启")

    yield dt.datetime(2026, 10, 20, 16, 0)
    service.record_inspection(secrecy, {
        "department_id": d["民事审判庭"].id, "inspected_on": dt.date(2026, 10, 20), "inspectors": "刘建军、冯雪",
        "findings": "个别涉密文件未入保密柜；一台涉密计算机口令超期未更换", "result": "基本合格",
        "rectifications": [
            {"problem": "涉密文件下班前全部放入保密柜", "deadline": dt.date(2026, 11, 10)},
            {"problem": "涉密计算机按第三十四条(3)更换口令并建立更换记录", "deadline": dt.date(2026, 11, 20)}]})

    yield dt.datetime(2026, 11, 6, 10, 0)
    from sqlalchemy import select

    from courtdesk.areas.secrecy.oversight_models import SecretRectification

    with ctx.db.read() as s:
        first = s.scalars(select(SecretRectification.id).where(SecretRectification.department_id == d["民事审判庭"].id)
                          .order_by(SecretRectification.id)).first()
    assert first is not None
    service.act_on_rectification(secrecy, first, "complete", completed_on=dt.date(2026, 11, 6),
                                 outcome="已配备保密柜并落实下班清桌制度")

    yield dt.datetime(2026, 11, 18, 9, 0)
    service.act_on_key_place(secrecy, archive.id, "adjust", responsible_id=u["office_head"].id, measures="",
                             reason="王芳岗位调整")
    service.register_meeting(secrecy, {
        "name": "年度涉密案件专题研究会", "level": "机密", "held_on": dt.date(2026, 12, 10), "place": "第一会议室",
        "organiser_id": d["办公室"].id, "jammer": "yes"})

    yield dt.datetime(2026, 11, 30, 13, 30)
    leak = leaks.register(secrecy, {
        "discovered_at": dt.datetime(2026, 11, 30, 13, 0), "discoverer": "吴涛",
        "content": "一起涉密案件的合议庭评议情况", "level": "机密", "quantity": "电子文档1份（存于U盘）",
        "course": "书记员将评议笔录拷入非涉密U盘带回办公室，U盘遗失", "culprit": "林晓，民事审判庭书记员",
        "time_place": "2026年11月30日中午，民事审判庭办公室", "harm": "评议情况可能被当事人或无关人员知悉",
        "remedies": "已组织查找U盘；对相关计算机进行检查；拟对责任人进行保密教育并依第四十条(4)处理"})
    yield dt.datetime(2026, 11, 30, 16, 0)
    leaks.act(secrecy, leak.id, "submit")
