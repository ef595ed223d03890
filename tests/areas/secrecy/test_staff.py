"""涉密人员 (《保密工作制度》第二十五条–第三十三条): registration, review, training, commitments, trips abroad
and 离岗 — refused while the person holds a carrier copy, the 脱密期 end then shown; live states on the
register and 保密办's dashboard; refusals name field and article and write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from courtdesk.areas.secrecy import holdings
from courtdesk.areas.secrecy.models import SecretCopy
from courtdesk.areas.secrecy.service import SecrecyService
from courtdesk.areas.secrecy.staff import STAFF_REGISTER, VET_CONTENTS, StaffService, add_months
from courtdesk.areas.secrecy.staff_models import SecretStaff, SecretStaffTrip
from courtdesk.kernel import clock, workflow
from courtdesk.kernel.registers import RegisterQuery
from tests.support.refusal import refused as _refused
from tests.support.scans import tiny_pdf

D = dt.date


def _staff_of(db: Any, user: Any) -> SecretStaff:
    with db.read() as s:
        return s.scalars(select(SecretStaff).where(SecretStaff.user_id == user.id)
                         .order_by(SecretStaff.id.desc())).first()


def _row(db: Any, actor: Any, staff_id: int) -> dict[str, Any]:
    with db.read() as s:
        row = RegisterQuery(STAFF_REGISTER).one(s, actor, staff_id)
    assert row is not None
    return dict(zip(["id", *(c.key for c in STAFF_REGISTER.columns)], row, strict=True))


def _ids(db: Any, actor: Any, filter_key: str | None = None) -> set[int]:
    with db.read() as s:
        return set(RegisterQuery(STAFF_REGISTER, filter_key=filter_key).ids(s, actor))


def _lent_copy(db: Any, users: dict[str, Any], borrower: str) -> tuple[int, str]:
    """A 机密 carrier approved, its one copy lent to ``borrower``."""
    service = SecrecyService(db)
    item = service.register(users["judge"], {
        "category": "文件", "title": "离岗测试用涉密文件", "level": "机密", "copies": 1, "originator": "本院",
        "place": "internal", "responsible_id": users["civil_head"].id, "reader_ids": [users[borrower].id]})
    service.act(users["judge"], item.id, "submit")
    service.act(users["office_head"], item.id, "review")
    service.act(users["leader"], item.id, "approve")
    with db.read() as s:
        copy_id, number = s.execute(select(SecretCopy.id, SecretCopy.number)
                                    .where(SecretCopy.item_id == item.id)).one()
    service.act_on_copy(users["secrecy"], copy_id, "receive")
    service.act_on_copy(users["secrecy"], copy_id, "lend", borrower_id=users[borrower].id, due_on=D(2026, 12, 10))
    return copy_id, number


def _leave(db: Any, users: dict[str, Any], staff_id: int, **over: Any) -> SecretStaff:
    params: dict[str, Any] = {"left_on": D(2026, 11, 30), "reason": "调动", "exit_committed_on": D(2026, 11, 30)}
    params.update(over)
    return StaffService(db).act(users["secrecy"], staff_id, "leave", "", **params)


def test_the_demo_register_reads_each_state_from_the_dates(db, users):
    office = users["secrecy"]
    rows = {_row(db, office, i)["name"]: _row(db, office, i) for i in _ids(db, office)}
    assert rows["郑洁"]["now"] == "在岗" and rows["郑洁"]["training"] == "培训到期"
    assert rows["刘建军"]["level"] == "核心" and rows["刘建军"]["training"] == "未到期"
    assert rows["林晓"]["now"] == "脱密期中" and rows["林晓"]["declass_end"] == D(2026, 12, 20)
    assert rows["黄磊"]["now"] == "已脱密" and rows["黄磊"]["declass_end"] == D(2026, 9, 30)
    # the dashboard of 保密办: each card a filter of the register
    with db.read() as s:
        cards = {c.filter: c for c in STAFF_REGISTER.dashboard(s, office)}
    assert cards["training_due"].count == 1 and cards["declass_ending"].count == 1
    assert {rows["郑洁"]["id"]} == _ids(db, office, "training_due")
    assert {rows["林晓"]["id"]} == _ids(db, office, "declass_ending")
    # a month later 林晓's 脱密期 has ended: nothing was stored, the row says so by itself
    clock.set_now(dt.datetime(2027, 1, 5, 9, 0))
    assert _row(db, office, rows["林晓"]["id"])["now"] == "已脱密"
    assert _ids(db, office, "declass_ending") == set()
    # the core staff member's trip abroad, approved by the president
    with db.read() as s:
        trip = s.scalars(select(SecretStaffTrip).where(SecretStaffTrip.staff_id == rows["刘建军"]["id"])).one()
        assert (trip.destination, trip.approver.name, trip.in_declass) == ("新加坡", "张国华", False)
        lines = {spec.key: spec.load(s, rows["林晓"]["id"]) for spec in STAFF_REGISTER.lines}
    assert [c["kind"] for c in lines["commitments"]] == ["上岗保密承诺书", "离岗保密承诺书"]
    assert lines["trips"][0]["when"] == "脱密期内" and lines["vettings"][0]["political"] == "周伟"


def test_each_person_sees_only_their_own_row_and_the_dashboard_is_the_office_s(db, users):
    judge = users["judge"]
    assert {_row(db, judge, i)["name"] for i in _ids(db, judge)} == {"郑洁"}
    assert len(_ids(db, users["leader"])) == len(_ids(db, users["secrecy"])) >= 6
    with db.read() as s:
        assert STAFF_REGISTER.dashboard(s, judge) == []
    assert not STAFF_REGISTER.can_create(judge)


def test_leaving_is_refused_while_a_carrier_copy_is_held_then_the_declass_end_shows(db, users):
    office = users["secrecy"]
    staff = _staff_of(db, users["judge"])
    copy_id, number = _lent_copy(db, users, "judge")
    with db.read() as s:
        assert f"{number}（借阅）" in holdings.outstanding(s, users["judge"].id)
    with db.read() as s:  # the detail panel says so before anyone tries
        said = STAFF_REGISTER.notices(s, office, s.get(SecretStaff, staff.id))
    assert any(f"{number}（借阅）" in n and "第三十一条" in n for n in said)
    assert any("2026-11-20到期" in n for n in said)  # her yearly training
    error = _refused(db, lambda: _leave(db, users, staff.id), "持有的涉密载体和设备", "第三十一条")
    assert f"{number}（借阅）" in str(error) and "第二十三条" in str(error)
    assert _row(db, office, staff.id)["now"] == "在岗"

    with db.read() as s:  # hers and the demo's 机密 report lent to her: each named, each handed back
        lent = list(s.scalars(select(SecretCopy).where(SecretCopy.borrower_id == users["judge"].id,
                                                       SecretCopy.status == "lent")))
    assert copy_id in {c.id for c in lent} and len(lent) == 2
    assert all(f"{c.number}（借阅）" in str(error) for c in lent)
    for copy in lent:
        SecrecyService(db).act_on_copy(office, copy.id, "give_back")
    # the copies are back, but she is still custodian of a classified computer and a medium
    error = _refused(db, lambda: _leave(db, users, staff.id), "持有的涉密载体和设备", "第三十一条")
    assert "涉密计算机" in str(error) and "涉密移动存储介质" in str(error) and "（借阅）" not in str(error)
    from courtdesk.areas.secrecy.device_models import SecretComputer, SecretMedium
    from courtdesk.areas.secrecy.devices import DeviceService

    with db.read() as s:
        computers = list(s.scalars(select(SecretComputer.id).where(SecretComputer.custodian_id == users["judge"].id,
                                                                   SecretComputer.status == "in_use")))
        media = list(s.scalars(select(SecretMedium.id).where(SecretMedium.custodian_id == users["judge"].id,
                                                             SecretMedium.status == "held")))
    assert computers and media
    for pc in computers:
        DeviceService(db).act_on_computer(office, pc, "hand_over", custodian_id=users["civil_head"].id)
    for medium in media:
        DeviceService(db).act_on_medium(office, medium, "hand_over", custodian_id=users["civil_head"].id)
    with db.read() as s:
        assert holdings.outstanding(s, users["judge"].id) == []
    _refused(db, lambda: _leave(db, users, staff.id, exit_committed_on=None), "离岗保密承诺书签订日期", "第三十二条")
    _refused(db, lambda: _leave(db, users, staff.id, declass_months=36), "脱密期（月）", "第三十三条")
    _refused(db, lambda: _leave(db, users, staff.id, left_on=D(2026, 12, 2)), "离岗日期", None)
    _leave(db, users, staff.id, declass_months=18)
    row = _row(db, office, staff.id)
    assert row["now"] == "脱密期中" and row["left_on"] == D(2026, 11, 30) and row["declass_end"] == D(2028, 5, 30)
    with db.read() as s:
        step = workflow.history(s, "secrecy_staff", staff.id)[-1]
    assert step.action == "leave" and "脱密期18个月，至2028-05-30期满" in step.comment


def test_the_declass_period_defaults_by_level_from_the_settings(db, users):
    from courtdesk.areas.secrecy import settings as secrecy_settings
    from courtdesk.kernel.settings import SettingsService

    staff = _staff_of(db, users["leader"])  # 核心: 36 months unless the settings say otherwise
    SettingsService(db).save(users["admin"], {secrecy_settings.DECLASS_MONTHS["核心"]: "30"})
    left = _leave(db, users, staff.id)
    assert left.declass_months == 30 and left.declass_end == add_months(D(2026, 11, 30), 30) == D(2029, 5, 30)


def test_a_person_still_keeping_copies_in_store_cannot_leave_either(db, users):
    staff = _staff_of(db, users["secrecy"])  # 冯雪 keeps every copy 保密办 signed for
    with db.read() as s:
        kept = holdings.outstanding(s, users["secrecy"].id)
    assert kept and all(k.endswith("（保管）") or k.startswith("涉密") for k in kept)
    assert any(k.startswith("(2026)密载") for k in kept)
    _refused(db, lambda: _leave(db, users, staff.id), "持有的涉密载体和设备", "第三十一条")


def test_registration_review_training_and_commitment(db, users):
    office, service = users["secrecy"], StaffService(db)
    data = {"user_id": users["civil_head"].id, "level": "重要", "position": "审判委员会委员",
            "appointed_on": D(2026, 11, 2)}
    _refused(db, lambda: service.register(users["judge"], data), "操作人", "第二十五条")
    _refused(db, lambda: service.register(office, {**data, "level": "机密"}), "涉密等级", "第二十五条")
    staff = service.register(office, data)
    _refused(db, lambda: service.register(office, data), "涉密人员", None)
    assert _row(db, office, staff.id)["training"] == "培训到期"  # none since 上岗 yet

    vet = {"vetted_on": D(2026, 10, 20), "contents": list(VET_CONTENTS), "political_reviewer_id": users["political"].id,
           "secrecy_reviewer_id": office.id, "conclusion": "通过"}
    _refused(db, lambda: service.act(office, staff.id, "vet", **{**vet, "contents": list(VET_CONTENTS[:2])}),
             "审查内容", "第二十六条")
    _refused(db, lambda: service.act(office, staff.id, "vet", **{**vet, "political_reviewer_id": users["clerk"].id}),
             "政治处审查人", "第二十六条")
    service.act(office, staff.id, "vet", **vet)

    serving = {"kind": "serving", "trained_on": D(2026, 11, 20), "topic": "保密形势", "hours": 2}
    _refused(db, lambda: service.act(office, staff.id, "train", **serving), "培训类别", "第二十七条")
    _refused(db, lambda: service.act(users["judge"], staff.id, "train", **serving), "操作人", None)
    service.act(office, staff.id, "train", kind="induction", trained_on=D(2026, 10, 28), topic="上岗培训", hours=8)
    service.act(office, staff.id, "train", **serving)
    service.act(office, staff.id, "commit", signed_on=D(2026, 11, 2), scan=("承诺书.pdf", tiny_pdf()))
    row = _row(db, office, staff.id)
    assert row["training"] == "未到期" and row["training_due_on"] == D(2027, 11, 20)
    assert row["committed_on"] == D(2026, 11, 2)
    clock.set_now(dt.datetime(2027, 11, 20, 9, 0))
    assert staff.id in _ids(db, office, "training_due")


def test_trips_abroad_need_a_court_leader_and_not_oneself(db, users):
    service = StaffService(db)
    judge = _staff_of(db, users["judge"])
    trip = {"destination": "泰国", "purpose": "旅游", "departs_on": D(2027, 1, 20), "returns_on": D(2027, 1, 27)}
    _refused(db, lambda: service.act(users["secrecy"], judge.id, "approve_trip", **trip), "操作人", "第三十条")
    _refused(db, lambda: service.act(users["leader"], judge.id, "approve_trip",
                                     **{**trip, "departs_on": D(2026, 11, 1)}), "出境日期", "第三十条")
    service.act(users["leader"], judge.id, "approve_trip", **trip)
    leader = _staff_of(db, users["leader"])
    _refused(db, lambda: service.act(users["leader"], leader.id, "approve_trip", **trip), "操作人", None)

    declassed = _staff_of(db, users["enforcer"])  # 已脱密: no approval of this court is needed any more
    _refused(db, lambda: service.act(users["leader"], declassed.id, "approve_trip", **trip), "出境审批", "第三十三条")
    in_declass = _staff_of(db, users["civil_clerk"])
    service.act(users["president"], in_declass.id, "approve_trip", **trip)
    with db.read() as s:
        assert s.get(SecretStaff, in_declass.id).status == "left"  # the trip leaves the state alone
        ids = set(RegisterQuery(STAFF_REGISTER, filter_key="trip").ids(s, users["leader"]))
    assert in_declass.id in ids and declassed.id not in ids and leader.id not in ids


def test_the_staff_form_prints_the_person_and_the_declass_period(db, users, tmp_path):
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    staff = _staff_of(db, users["civil_clerk"])
    with db.read() as s:
        render_pdf(printing.record_document(s, "secrecy_staff_form", staff.id), tmp_path / "staff.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "staff.pdf")))
    for words in ("涉密人员登记表", "林晓", "民事审判庭机要文件管理", "脱密期中", "周伟", "离岗保密承诺书", "日本",
                  "脱密期12个月", "第二十六条"):
        assert squash(words) in text, words
