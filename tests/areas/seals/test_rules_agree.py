"""Each permission rule is written once: the 待我审批 / 待我盖章 lists, the dashboard and the buttons of
a record come from the same definition, so they never disagree (for any user and any record)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SEAL_USE_REGISTER, SEAL_USE_WORKFLOW, SealService
from courtdesk.kernel import clock, registers
from courtdesk.kernel.registers import RegisterQuery


def _file(db, user, seal_id: int) -> SealUse:
    return SealService(db).file(user, {"seal_id": seal_id, "title": "规则一致性测试", "copies": 1,
                                       "impressions": 1, "purpose": "测试", "signer_name": "院长"})


def _more_uses(db, users) -> None:
    """Beyond the demo log: a waiting and an approved use of every seal, filed by several people."""
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    with db.read() as s:
        seals = list(s.scalars(select(Seal).where(Seal.active.is_(True)).order_by(Seal.id)))
    service = SealService(db)
    for seal in seals:
        for who in ("judge", "clerk", "civil_clerk", "political"):
            _file(db, users[who], seal.id)
        approved = _file(db, users["judge"], seal.id)
        for name, user in users.items():
            if user.id != approved.applicant_id and "approve" in [
                    t.action for t in _available(db, user, approved.id)]:
                service.act(users[name], approved.id, "approve", "同意")
                break


def _available(db, user, use_id: int) -> list:
    with db.read() as s:
        return SEAL_USE_WORKFLOW.available(user, s.get(SealUse, use_id))


def test_lists_dashboard_and_buttons_agree_for_every_user_and_use(db, users):
    _more_uses(db, users)
    with db.read() as s:
        all_ids = list(s.scalars(select(SealUse.id).order_by(SealUse.id)))
    assert len(all_ids) > 20
    seen = {"approve": 0, "stamp": 0}
    for user in users.values():
        with db.read() as s:
            listed = {
                action: {row[0] for row in s.execute(
                    RegisterQuery(SEAL_USE_REGISTER, filter_key=key).statement(user))}
                for action, key in (("approve", "to_approve"), ("stamp", "to_stamp"))
            }
            cards = {i.filter: i.count for i in SEAL_USE_REGISTER.dashboard(s, user)}  # type: ignore[misc]
            for use in s.scalars(select(SealUse).order_by(SealUse.id)).unique():
                buttons = {t.action for t in SEAL_USE_WORKFLOW.available(user, use)}
                for action in ("approve", "stamp"):
                    assert (use.id in listed[action]) == (action in buttons), (user.username, use.number, action)
        assert cards == {"to_approve": len(listed["approve"]), "to_stamp": len(listed["stamp"])}
        seen["approve"] += len(listed["approve"])
        seen["stamp"] += len(listed["stamp"])
    assert seen["approve"] and seen["stamp"]  # the property was tested on real work, not on empty lists


def test_dashboard_of_the_app_shows_the_same_counts(db, users):
    head = users["office_head"]
    with db.read() as s:
        items = {(i.register, i.filter): i.count for i in registers.dashboard(s, head)}
        expected = RegisterQuery(SEAL_USE_REGISTER, filter_key="to_approve").count(s, head)
    assert items.get(("seal_use", "to_approve"), 0) == expected
