"""涉密计算机 and 涉密移动存储介质 (《保密工作制度》第三十四条、第三十六条): the password policy recorded by
date and policy — never the password —, live 口令逾期 and 节假日应交未交 on the right dashboards, repairs,
re-use, destruction, scrapping, and every refusal naming its field and article with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from courtdesk.areas.secrecy.device_models import (
    SecretComputer,
    SecretHoliday,
    SecretMedium,
    SecretPasswordChange,
)
from courtdesk.areas.secrecy.devices import (
    COMPUTER_REGISTER,
    HOLIDAY_REGISTER,
    MEDIUM_REGISTER,
    DeviceService,
    held_by,
)
from courtdesk.kernel import clock
from courtdesk.kernel.registers import RegisterQuery
from tests.support.refusal import refused as _refused

SECRET = "Zq7#kL9!mP2x"  # what a careless caller might hand in as the password


def _pc(db: Any, number: str) -> SecretComputer:
    with db.read() as s:
        return s.scalars(select(SecretComputer).where(SecretComputer.number == number)).one()


def _medium(db: Any, number: str) -> SecretMedium:
    with db.read() as s:
        return s.scalars(select(SecretMedium).where(SecretMedium.number == number)).one()


def _computer_data(users: dict[str, Any], **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "asset_tag": "ZC-2026-0188", "kind": "台式计算机", "model": "联想开天M740Z", "serial_no": "PF3KX9Z9",
        "custodian_id": users["judge"].id, "department_id": users["judge"].department_id, "level": "机密",
        "auth": "key", "network": "standalone", "password_set_on": dt.date(2026, 12, 1), "password_length": 12,
        "password_mixed": "yes"}
    data.update(over)
    return data


def _board(spec: Any, session: Any, actor: Any) -> dict[str, tuple[int, str]]:
    return {i.title: (i.count, i.filter) for i in spec.dashboard(session, actor)}


def _numbers(spec: Any, session: Any, actor: Any, key: str) -> list[str]:
    keys = [c.key for c in spec.columns]
    return sorted(dict(zip(keys, r[1:], strict=True))["number"]
                  for r in RegisterQuery(spec, filter_key=key).page(session, actor, 0, 100))


def test_the_password_policy_of_article_34_3_by_level_and_way_of_signing_in(db, users):
    service = DeviceService(db)
    office = users["secrecy"]
    # 机密: at least 10 characters, whatever the way of signing in
    error = _refused(db, lambda: service.register_computer(office, _computer_data(users, password_length=9)),
                     "口令长度（位数）", "第三十四条(3)")
    assert "不少于10位" in str(error) and SECRET not in str(error)
    # 秘密 with password only: at least 8; with IC卡/USB KEY: at least 4
    _refused(db, lambda: service.register_computer(office, _computer_data(users, level="秘密", auth="password",
                                                                          password_length=7)),
             "口令长度（位数）", "第三十四条(3)")
    _refused(db, lambda: service.register_computer(office, _computer_data(users, level="秘密", password_length=3)),
             "口令长度（位数）", "第三十四条(3)")
    _refused(db, lambda: service.register_computer(office, _computer_data(users, password_mixed="no")),
             "字母数字混合", "第三十四条(3)")
    _refused(db, lambda: service.register_computer(office, _computer_data(users, network="internet")),
             "联网情况", "第三十四条(5)")
    _refused(db, lambda: service.register_computer(users["judge"], _computer_data(users)), "登记人", "第三十四条(2)")

    key = service.register_computer(office, _computer_data(users, level="秘密", password_length=4))
    assert key.number.startswith("(2026)密机") and key.password_due_on is None  # no interval in the article
    monthly = service.register_computer(office, _computer_data(users, asset_tag="ZC-2026-0189", level="秘密",
                                                               auth="password", password_length=8))
    assert monthly.password_due_on == dt.date(2027, 1, 1)
    weekly = service.register_computer(office, _computer_data(users, asset_tag="ZC-2026-0190"))
    assert weekly.password_due_on == dt.date(2026, 12, 8)
    _refused(db, lambda: service.register_computer(office, _computer_data(users, asset_tag="ZC-2026-0190")),
             "资产编号", "ZC-2026-0190")

    # a change too short for 机密 is refused with the article; the length is checked, never kept
    _refused(db, lambda: service.act_on_computer(users["judge"], weekly.id, "change_password", length=8, mixed="yes"),
             "新口令长度（位数）", "第三十四条(3)")
    _refused(db, lambda: service.act_on_computer(users["civil_clerk"], weekly.id, "change_password", length=12,
                                                 mixed="yes"), "操作人", "第三十四条(3)")
    service.act_on_computer(users["judge"], weekly.id, "change_password", length=12, mixed="yes")
    with db.read() as s:
        changes = list(s.scalars(select(SecretPasswordChange).where(SecretPasswordChange.computer_id == weekly.id)
                                .order_by(SecretPasswordChange.id)))
    assert [(c.changed_on, c.recorded_by_id) for c in changes][-1] == (dt.date(2026, 12, 1), users["judge"].id)
    assert "不少于10位" in changes[-1].policy and "12" not in changes[-1].policy


def test_a_password_is_never_taken_nor_stored_anywhere(db, users):
    service = DeviceService(db)
    pc = _pc(db, "(2026)密机002号")
    for key in ("password", "new_password", "口令"):
        error = _refused(db, lambda k=key: service.act_on_computer(users["judge"], pc.id, "change_password",
                                                                   length=12, mixed="yes", **{k: SECRET}),
                         "口令", "第三十四条(3)")
        assert SECRET not in str(error)
    _refused(db, lambda: service.register_computer(users["secrecy"], _computer_data(users, password=SECRET)),
             "口令", "第三十四条(3)")
    # the record has no field to hold one: date, policy, who — and nothing else
    assert set(SecretPasswordChange.__table__.columns.keys()) == {
        "id", "computer_id", "changed_on", "policy", "recorded_by_id", "recorded_at"}
    assert not [f for f in COMPUTER_REGISTER.workflow.transition("change_password")[0].fields  # type: ignore[union-attr]
                if "口令" == f.label or f.key in ("password", "value")]
    service.act_on_computer(users["judge"], pc.id, "change_password", "已更换", length=13, mixed="yes")
    from courtdesk.kernel.models.base import Base

    with db.read() as s:  # every row of every table, the audit chain included
        dump = "\n".join(repr(row) for table in Base.metadata.sorted_tables for row in s.execute(select(table)))
    assert "Zq7" not in dump and "秘密级" in dump


def test_an_overdue_password_change_is_on_the_custodians_and_the_secrecy_offices_dashboards(db, users):
    pc = _pc(db, "(2026)密机002号")  # 机密, last changed 2026-11-20, due 11-27
    with db.read() as s:
        assert _board(COMPUTER_REGISTER, s, users["judge"])["我管理的涉密计算机口令逾期未更换"] == (1, "mine_overdue")
        assert _board(COMPUTER_REGISTER, s, users["secrecy"])["涉密计算机口令逾期未更换"] == (1, "password_overdue")
        assert _board(COMPUTER_REGISTER, s, users["civil_head"])["我管理的涉密计算机口令逾期未更换"][0] == 0
        assert _numbers(COMPUTER_REGISTER, s, users["judge"], "mine_overdue") == [pc.number]
        assert _numbers(COMPUTER_REGISTER, s, users["secrecy"], "password_overdue") == [pc.number]
        row = dict(zip([c.key for c in COMPUTER_REGISTER.columns],
                       RegisterQuery(COMPUTER_REGISTER, search=pc.number).page(s, users["secrecy"], 0, 5)[0][1:],
                       strict=True))
        assert (row["now"], row["password"]) == ("口令逾期未更换", "逾期未更换")
    DeviceService(db).act_on_computer(users["judge"], pc.id, "change_password", length=12, mixed="yes")
    with db.read() as s:
        assert _board(COMPUTER_REGISTER, s, users["judge"])["我管理的涉密计算机口令逾期未更换"][0] == 0
    clock.set_now(dt.datetime(2026, 12, 9, 9, 0))  # a week and a day later: overdue again, true today
    with db.read() as s:
        assert _numbers(COMPUTER_REGISTER, s, users["secrecy"], "password_overdue") == [pc.number]
    clock.set_now(dt.datetime(2026, 12, 17, 9, 0))  # the 秘密 password-only one, changed 11-16, is a month over
    with db.read() as s:
        assert _numbers(COMPUTER_REGISTER, s, users["secrecy"], "password_overdue") == [pc.number, "(2026)密机003号"]


def test_repairs_re_use_and_destruction_follow_article_34(db, users):
    service = DeviceService(db)
    office = users["secrecy"]
    pc = _pc(db, "(2026)密机003号")
    _refused(db, lambda: service.act_on_computer(office, pc.id, "repair_outside", repairer="某电脑维修店",
                                                 storage_removed="no", storage_kept_by="", fault="花屏"),
             "所有存储部件已拆除", "第三十四条(9)")
    _refused(db, lambda: service.act_on_computer(users["judge"], pc.id, "repair_on_site", repairer="赵工",
                                                 supervisor_id=users["clerk"].id, fault="花屏"), "操作人", "第三十四条(9)")
    _refused(db, lambda: service.act_on_computer(office, pc.id, "repair_on_site", repairer="赵工", fault="花屏"),
             "全程监管人", "")
    service.act_on_computer(office, pc.id, "repair_on_site", repairer="赵工", supervisor_id=users["clerk"].id,
                            fault="花屏")
    _refused(db, lambda: service.act_on_computer(office, pc.id, "recover", facility="某数据恢复公司", approved="no"),
             "数据恢复单位", "第三十四条(10)")
    service.act_on_computer(office, pc.id, "recover", facility="省保密局批准的数据恢复中心", approved="yes")
    service.act_on_computer(office, pc.id, "repaired")
    _refused(db, lambda: service.act_on_computer(office, pc.id, "convert", storage_removed="no", storage_kept_by=""),
             "存储部件已拆除", "第三十四条(11)")
    outside = _pc(db, "(2026)密机004号")  # the demo's: out for repair, storage removed and kept by 保密办
    assert outside.status == "repair" and outside.storage_removed and "冯雪" in outside.storage_kept_by
    service.act_on_computer(office, pc.id, "ask_destroy", facility="廊坊市保密局定点销毁中心")
    _refused(db, lambda: service.act_on_computer(office, pc.id, "destroy"), "操作人", "第三十四条(11)")
    service.act_on_computer(users["leader"], pc.id, "destroy", "同意")
    with db.read() as s:
        done = s.get(SecretComputer, pc.id)
        assert done.status == "destroyed" and done.destroy_approver_id == users["leader"].id
        assert [x for x in held_by(s, users["civil_head"].id) if "密机" in x] == []


def test_media_are_issued_by_the_named_staff_and_top_secret_ones_kept_by_the_secrecy_office(db, users):
    service = DeviceService(db)
    data = {"kind": "U盘", "model": "朗科U905 16G", "level": "绝密", "custodian_id": users["judge"].id,
            "department_id": users["judge"].department_id}
    _refused(db, lambda: service.issue_medium(users["secrecy"], data), "保管人", "第三十六条(4)")
    _refused(db, lambda: service.issue_medium(users["leader"], {**data, "level": "秘密"}), "配发人", "第三十六条(1)")
    medium = service.issue_medium(users["secrecy"], {**data, "level": "秘密"})
    assert medium.number.startswith("(2026)密介") and medium.location == "保管人 郑洁"
    top = _medium(db, "(2026)密介003号")
    _refused(db, lambda: service.act_on_medium(users["secrecy"], top.id, "hand_over", custodian_id=users["judge"].id),
             "新保管人", "第三十六条(4)")
    _refused(db, lambda: service.act_on_medium(users["secrecy"], medium.id, "carry_out", destination="开会",
                                               due_on=dt.date(2026, 12, 3)), "操作人", "第三十六条(3)")
    _refused(db, lambda: service.act_on_medium(users["secrecy"], medium.id, "recover", facility="某数据恢复公司",
                                               approved="no"), "数据恢复单位", "第三十六条(5)")
    service.act_on_medium(users["secrecy"], medium.id, "recover", facility="省保密局指定的数据恢复中心", approved="yes")
    service.act_on_medium(users["leader"], medium.id, "carry_out", destination="赴市中院开会", due_on=dt.date(2026, 12, 3))
    clock.set_now(dt.datetime(2026, 12, 4, 9, 0))
    with db.read() as s:
        assert medium.number in _numbers(MEDIUM_REGISTER, s, users["secrecy"], "out_overdue")


def test_scrapping_needs_the_leading_group_head(db, users):
    service = DeviceService(db)
    disc = _medium(db, "(2026)密介006号")  # the demo's, waiting for approval
    _refused(db, lambda: service.act_on_medium(users["leader"], disc.id, "scrap"), "操作人", "第三十六条(6)")
    with db.read() as s:
        assert _board(MEDIUM_REGISTER, s, users["president"])["待我批准报废的涉密介质"] == (1, "to_scrap")
    service.act_on_medium(users["president"], disc.id, "scrap", "同意报废")
    assert _medium(db, disc.number).status == "scrapped"


def test_an_outstanding_holiday_hand_in_is_live_on_the_secrecy_offices_dashboard(db, users, tmp_path):
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    service = DeviceService(db)
    office = users["secrecy"]
    with db.read() as s:
        assert _board(MEDIUM_REGISTER, s, office)["节假日应交未交的涉密介质"][0] == 0  # 元旦's 交存日期 is 12-31
        yuandan = s.scalars(select(SecretHoliday).where(SecretHoliday.name == "元旦")).one()
    clock.set_now(dt.datetime(2026, 12, 31, 9, 0))
    with db.read() as s:
        assert _board(MEDIUM_REGISTER, s, office)["节假日应交未交的涉密介质"] == (3, "holiday_due")
        # 郑洁's, 何佳's and the one 吴涛 carried out; not the 绝密 one, not 李强's handed in already
        assert _numbers(MEDIUM_REGISTER, s, office, "holiday_due") == ["(2026)密介001号", "(2026)密介002号",
                                                                       "(2026)密介004号"]
        assert _board(MEDIUM_REGISTER, s, users["judge"])["我保管的节假日应交未交涉密介质"] == (1, "mine_holiday_due")
    top = _medium(db, "(2026)密介003号")
    _refused(db, lambda: service.act_on_medium(office, top.id, "hand_in", holiday_id=yuandan.id), "节假日", "第三十六条(4)")
    judges = _medium(db, "(2026)密介001号")
    _refused(db, lambda: service.act_on_medium(users["judge"], judges.id, "hand_in", holiday_id=yuandan.id),
             "操作人", "第三十六条(4)")
    service.act_on_medium(office, judges.id, "hand_in", holiday_id=yuandan.id)
    with db.read() as s:
        assert _board(MEDIUM_REGISTER, s, office)["节假日应交未交的涉密介质"][0] == 2
        assert _board(MEDIUM_REGISTER, s, users["judge"])["我保管的节假日应交未交涉密介质"][0] == 0
    clock.set_now(dt.datetime(2027, 1, 4, 8, 30))
    service.act_on_medium(office, judges.id, "hand_back")
    with db.read() as s:
        assert _board(MEDIUM_REGISTER, s, office)["节假日应交未交的涉密介质"][0] == 0  # the holiday is over
        render_pdf(printing.record_document(s, "secrecy_holiday_media", yuandan.id), tmp_path / "list.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "list.pdf")))
    for words in ("元旦涉密移动存储介质交存清单", "第三十六条(4)", "(2026)密介001号", "交存人签字", "领回人签字",
                  "二〇二七年一月四日", "未交存", "已交存2件"):
        assert squash(words) in text, words
    assert "(2026)密介003号" not in text  # 绝密: kept by 保密办 all along


def test_holidays_are_registered_by_the_secrecy_office_with_sensible_dates(db, users):
    service = DeviceService(db)
    data = {"name": "春节", "hand_in_by": dt.date(2027, 2, 5), "starts_on": dt.date(2027, 2, 6),
            "ends_on": dt.date(2027, 2, 14)}
    _refused(db, lambda: service.add_holiday(users["judge"], data), "登记人", "第三十六条(4)")
    _refused(db, lambda: service.add_holiday(users["secrecy"], {**data, "hand_in_by": dt.date(2027, 2, 7)}),
             "交存日期", "第三十六条(4)")
    _refused(db, lambda: service.add_holiday(users["secrecy"], {**data, "ends_on": dt.date(2027, 2, 1)}),
             "放假结束日期", "")
    _refused(db, lambda: service.add_holiday(users["secrecy"], {**data, "name": "元旦假", "hand_in_by": dt.date(2027, 1, 2),
                                                                "starts_on": dt.date(2027, 1, 2)}),
             "交存日期", "元旦")
    service.add_holiday(users["secrecy"], data)


def test_held_by_lists_what_a_person_must_hand_over_and_who_sees_what(db, users):
    with db.read() as s:
        assert held_by(s, users["judge"].id) == ["涉密计算机 (2026)密机002号（资产编号 ZC-2026-0101，机密）",
                                                 "涉密移动存储介质 (2026)密介001号（U盘，机密）"]
        mine = held_by(s, users["enforce_head"].id)  # the computer out for repair counts; the scrapped U盘 not
        assert mine == ["涉密计算机 (2026)密机004号（资产编号 ZC-2026-0103，秘密）"]
        assert held_by(s, users["finance"].id) == []

        def count(spec: Any, who: str) -> int:
            return RegisterQuery(spec).count(s, users[who])

        assert count(COMPUTER_REGISTER, "secrecy") == count(COMPUTER_REGISTER, "leader") == 4
        assert count(COMPUTER_REGISTER, "judge") == 1 and count(COMPUTER_REGISTER, "finance") == 0
        assert count(MEDIUM_REGISTER, "secrecy") == 7 and count(MEDIUM_REGISTER, "judge") == 1
        assert count(MEDIUM_REGISTER, "finance") == 0
        assert not HOLIDAY_REGISTER.can_open(users["judge"]) and HOLIDAY_REGISTER.can_open(users["secrecy"])


def test_the_computer_form_prints_the_password_record_without_a_password(db, users, tmp_path):
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    pc = _pc(db, "(2026)密机002号")
    with db.read() as s:
        render_pdf(printing.record_document(s, "secrecy_computer_form", pc.id), tmp_path / "pc.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "pc.pdf")))
    for words in ("涉密计算机登记表", pc.number, "ZC-2026-0101", "郑洁", "不少于10位", "已逾期未更换", "不登记口令",
                  "管理责任人签字"):
        assert squash(words) in text, words
