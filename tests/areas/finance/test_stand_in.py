"""代理审批人 (issue 16 §4, 《办公室财务管理办法》第5、9条(6)、13条): the court names a stand-in for the
分管财务院领导 for a period in the settings. From its first to its last day the stand-in approves (and
returns) what she may approve — claims and advances — never their own and never hers; the step says it
was taken as stand-in; the day after, the stand-in is offered nothing and refused: buttons, 待我审批 lists,
dashboard counts and the service agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from courtdesk.areas.finance import claims as claims_module
from courtdesk.areas.finance.advances import ADVANCE_REGISTER, ADVANCE_WORKFLOW, AdvanceService
from courtdesk.areas.finance.claims import CLAIM_REGISTER, CLAIM_WORKFLOW, ClaimService
from courtdesk.areas.finance.models import Advance, ExpenseClaim
from courtdesk.areas.finance.settings import LEADER_STAND_IN
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, registers, rules, workflow
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.registers import RegisterQuery
from courtdesk.kernel.settings import SettingsService
from courtdesk.kernel.standins import Period
from courtdesk.kernel.workflow import Transition, Workflow, src
from tests.areas.finance.helpers import NOW, general_data

FIRST, LAST = dt.date(2026, 12, 1), dt.date(2026, 12, 10)  # NOW is 2026-12-01 09:00
NOTE = "代理审批（代 分管财务院领导 陈静，2026-12-01 至 2026-12-10）"
ESTIMATE = {"purpose": "赴广州执行异地查封", "amount": "3000.00", "reasons": "机票 1,800 元，住宿 900 元，其他 300 元"}



def _name(db: Any, users: Any, who: str = "leader", start: str = "2026-12-01", end: str = "2026-12-10") -> None:
    SettingsService(db).save(users["admin"], {LEADER_STAND_IN.user_key: str(users[who].id) if who else "",
                                              LEADER_STAND_IN.start_key: start, LEADER_STAND_IN.end_key: end})


def _submitted(db: Any, users: Any, who: str = "judge", data: dict[str, Any] | None = None) -> int:
    service = ClaimService(db)
    cid = service.file(users[who], data or general_data()).id
    service.act(users[who], cid, "submit")
    return cid


def _listed(db: Any, spec: Any, user: Any, key: str = "to_approve") -> set[int]:
    with db.read() as s:
        return {row[0] for row in RegisterQuery(spec).with_(filter_key=key).stream(s, user)}


def _pending(db: Any, user: Any, title: str) -> int:
    with db.read() as s:
        return next((i.count for i in registers.dashboard(s, user) if i.title == title), 0)


def _offered(db: Any, flow: Workflow, model: type, record_id: int, user: Any) -> set[str]:
    with db.read() as s:
        return {t.action for t in flow.available(user, s.get(model, record_id))}


def _history(db: Any, entity: str, record_id: int) -> list[tuple[str, str, str]]:
    with db.read() as s:
        return [(step.actor_name, step.action, step.comment) for step in workflow.history(s, entity, record_id)]


# --- the settings ----------------------------------------------------------------------------------

def test_the_settings_refuse_a_period_ending_before_it_starts_and_the_leader_herself(db, users):
    with pytest.raises(ValidationError) as refused:
        _name(db, users, "finance_leader", "2026-12-10", "2026-12-01")
    assert [(e.field, e.own) for e in refused.value.every] == [
        ("代理结束日期（代分管财务院领导）",
         "代理结束日期（代分管财务院领导）：不能早于代理开始日期（2026-12-10）（依据《办公室财务管理办法》第5、9条(6)、13条）"),
        ("代理审批人（代分管财务院领导）",
         "代理审批人（代分管财务院领导）：陈静本人就是分管财务院领导，不能作自己的代理审批人，请选择另一人"
         "（依据《办公室财务管理办法》第5、9条(6)、13条）"),
    ]
    with pytest.raises(ValidationError) as refused:
        _name(db, users, "leader", "", "2026-12-10")
    assert refused.value.field == "代理开始日期（代分管财务院领导）" and "指定了代理审批人时必填" in str(refused.value)
    with pytest.raises(ValidationError, match="代理结束日期（代分管财务院领导）：日期格式应为 年-月-日"):
        _name(db, users, "leader", "2026-12-01", "12月10日")
    with pytest.raises(ValidationError, match="代理审批人（代分管财务院领导）：该人员不存在或账号已停用"):
        SettingsService(db).save(users["admin"], {LEADER_STAND_IN.user_key: "99999",
                                                  LEADER_STAND_IN.start_key: "2026-12-01",
                                                  LEADER_STAND_IN.end_key: "2026-12-10"})
    with db.read() as s:
        assert LEADER_STAND_IN.period(s) is None  # nothing was saved
    _name(db, users, "leader", "2026-12-01", "2026-12-01")  # one day is a period
    with db.read() as s:
        assert LEADER_STAND_IN.period(s) == Period(users["leader"].id, FIRST, FIRST)
        assert LEADER_STAND_IN.note(s) == "代理审批（代 分管财务院领导 陈静，2026-12-01 至 2026-12-01）"
    _name(db, users, "", "", "")  # and no stand-in again
    with db.read() as s:
        assert LEADER_STAND_IN.period(s) is None


# --- the mechanism, on a rule and a step of its own --------------------------------------------------

def test_the_kernels_stand_in_rule_and_step_without_the_finance_wiring(db, users):
    may = rules.approving(claims_module._base, (roles.FINANCE_LEADER,), ExpenseClaim.applicant_id,
                          (roles.PRESIDENT,), stand_in=LEADER_STAND_IN, name="test")
    flow = Workflow("finance_claim", CLAIM_WORKFLOW.states, "draft", (
        Transition("approve", "审批同意", src("submitted"), "approved", may, "分管财务院领导",
                   separations=(claims_module.SEPARATE_APPLICANT,)),))
    judges, own, hers = _submitted(db, users), _submitted(db, users, "leader"), _submitted(db, users, "finance_leader")
    stand_in = users["leader"]

    def offered(cid: int) -> bool:
        return "approve" in _offered(db, flow, ExpenseClaim, cid, stand_in)

    def listed() -> set[int]:
        with db.read() as s:
            where = flow.available_where("approve")(stand_in)
            return set(s.scalars(claims_module._base().where(where))) & {judges, own, hers}

    assert not offered(judges) and listed() == set()  # nobody named yet
    _name(db, users)
    assert offered(judges) and not offered(own) and not offered(hers)
    assert listed() == {judges}  # the SQL and the buttons agree
    with db.write(stand_in) as s:
        step = flow.fire(s, stand_in, s.get(ExpenseClaim, judges), "approve", "同意报销")
        assert step.comment == f"{NOTE}；同意报销"
    another = _submitted(db, users)
    with db.write(users["finance_leader"]) as s:  # the leader herself: no note
        step = flow.fire(s, users["finance_leader"], s.get(ExpenseClaim, another), "approve", "同意")
        assert step.comment == "同意"
    clock.set_now(dt.datetime(2026, 12, 11, 8, 0))
    assert not offered(_submitted(db, users)) and listed() == set()


# --- claims and advances, as the finance area uses it ------------------------------------------------

def test_the_stand_in_approves_a_claim_within_the_period_and_the_history_says_so(db, users):
    stand_in = users["leader"]
    cid = _submitted(db, users)
    assert cid not in _listed(db, CLAIM_REGISTER, stand_in)  # not named yet: nothing to approve
    assert _offered(db, CLAIM_WORKFLOW, ExpenseClaim, cid, stand_in) == set()
    _name(db, users)
    assert cid in _listed(db, CLAIM_REGISTER, stand_in)
    assert _pending(db, stand_in, "待我审批的报销单") == len(_listed(db, CLAIM_REGISTER, stand_in)) >= 1
    assert {"approve", "reject"} <= _offered(db, CLAIM_WORKFLOW, ExpenseClaim, cid, stand_in)
    claim = ClaimService(db).act(stand_in, cid, "approve", "同意")
    assert claim.status == "approved" and claim.approver_id == stand_in.id
    assert _history(db, "finance_claim", cid)[-1] == ("刘建军", "approve", f"{NOTE}；同意")
    # the stand-in still sees the claim just approved (the panel reloads it after the step)
    assert cid in _listed(db, CLAIM_REGISTER, stand_in, "state_approved")
    # 退回修改 as stand-in too, on the last day of the period
    clock.set_now(dt.datetime(2026, 12, 10, 17, 30))
    other = _submitted(db, users)
    ClaimService(db).act(stand_in, other, "reject", "票据不全", reason="票据不合规")
    assert _history(db, "finance_claim", other)[-1] == ("刘建军", "reject", f"{NOTE}；票据不全")


def test_the_day_after_the_period_the_stand_in_is_offered_nothing_and_refused(db, users):
    stand_in = users["leader"]
    _name(db, users)
    cid = _submitted(db, users)
    aid = AdvanceService(db).file(users["judge"], ESTIMATE).id
    assert cid in _listed(db, CLAIM_REGISTER, stand_in) and aid in _listed(db, ADVANCE_REGISTER, stand_in)
    clock.set_now(dt.datetime(2026, 12, 11, 8, 0))
    assert _listed(db, CLAIM_REGISTER, stand_in) == set() and _listed(db, ADVANCE_REGISTER, stand_in) == set()
    assert _pending(db, stand_in, "待我审批的报销单") == 0 and _pending(db, stand_in, "待我审批的借支") == 0
    with db.read() as s:  # nor can the records be opened any more
        assert RegisterQuery(CLAIM_REGISTER).one(s, stand_in, cid) is None
        assert CLAIM_WORKFLOW.available(stand_in, s.get(ExpenseClaim, cid)) == []
        assert ADVANCE_WORKFLOW.available(stand_in, s.get(Advance, aid)) == []
    with pytest.raises(PermissionDenied, match="可以执行「审批同意」"):
        ClaimService(db).act(stand_in, cid, "approve")
    with pytest.raises(PermissionDenied, match="可以执行「批准」"):
        AdvanceService(db).act(stand_in, aid, "approve")
    # the day before, too
    clock.set_now(dt.datetime(2026, 11, 30, 17, 0))
    with pytest.raises(PermissionDenied):
        ClaimService(db).act(stand_in, cid, "approve")
    assert ClaimService(db).act(users["finance_leader"], cid, "approve").status == "approved"


def test_the_stand_in_never_approves_their_own_nor_the_leaders(db, users):
    stand_in = users["leader"]
    _name(db, users)
    own, hers = _submitted(db, users, "leader"), _submitted(db, users, "finance_leader")
    listed = _listed(db, CLAIM_REGISTER, stand_in)
    assert own not in listed and hers not in listed
    assert not {"approve", "reject"} & _offered(db, CLAIM_WORKFLOW, ExpenseClaim, own, stand_in)
    assert not {"approve", "reject"} & _offered(db, CLAIM_WORKFLOW, ExpenseClaim, hers, stand_in)
    with pytest.raises(PermissionDenied, match="不能审批或经办自己的报销单"):
        ClaimService(db).act(stand_in, own, "approve")
    with pytest.raises(PermissionDenied):
        ClaimService(db).act(stand_in, hers, "approve")
    # her own claim still goes to the president; the stand-in's own to the leader
    assert ClaimService(db).act(users["president"], hers, "approve").status == "approved"
    approved = ClaimService(db).act(users["finance_leader"], own, "approve")
    assert approved.status == "approved"
    assert _history(db, "finance_claim", own)[-1][2] == ""  # the leader herself: no stand-in note


def test_the_stand_in_approves_and_refuses_advances(db, users):
    stand_in = users["leader"]
    _name(db, users)
    service = AdvanceService(db)
    aid = service.file(users["judge"], ESTIMATE).id
    assert aid in _listed(db, ADVANCE_REGISTER, stand_in)
    assert _pending(db, stand_in, "待我审批的借支") == len(_listed(db, ADVANCE_REGISTER, stand_in)) >= 1
    assert service.act(stand_in, aid, "approve", "同意借支").status == "approved"
    assert _history(db, "finance_advance", aid)[-1] == ("刘建军", "approve", f"{NOTE}；同意借支")
    other = service.file(users["enforcer"], ESTIMATE).id
    assert service.act(stand_in, other, "reject", "预算过高").status == "rejected"
    assert _history(db, "finance_advance", other)[-1] == ("刘建军", "reject", f"{NOTE}；预算过高")
    own = service.file(stand_in, ESTIMATE).id
    assert own not in _listed(db, ADVANCE_REGISTER, stand_in)
    with pytest.raises(PermissionDenied):
        service.act(stand_in, own, "approve")


def test_the_clock_of_the_tests_is_the_first_day():
    assert NOW.date() == FIRST and clock.today() == FIRST


def test_the_stand_in_sees_the_findings_the_decision_rests_on_within_the_period_only(db, users):
    data = general_data()
    data["expense_lines"].append({"category": "办公费", "description": "墨盒", "amount": "99.00"})  # no receipt
    cid = _submitted(db, users, data=data)
    _name(db, users, "leader")

    def notices() -> list[str]:
        with db.read() as s:
            return list(CLAIM_REGISTER.notices(s, users["leader"], s.get(ExpenseClaim, cid)))
    assert any("费用明细第2行" in n and "没有对应的原始票据" in n for n in notices())
    clock.set_now(dt.datetime(2026, 12, 11, 9))
    assert notices() == []
