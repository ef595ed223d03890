"""涉密载体: 定密, copies and their events, refusals with field and article (《保密工作制度》第十八条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.areas.secrecy.models import SecretCopy
from courtdesk.areas.secrecy.service import COPY_REGISTER, COPY_WORKFLOW, ITEM_REGISTER, SecrecyService
from courtdesk.kernel import workflow
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.registers import RegisterQuery
from tests.support.refusal import refused as _refused


def _data(users: dict[str, Any], departments: list[int] | None = None, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "文件", "title": "关于某案件审理情况的请示", "level": "机密", "copies": 3,
        "originator": "本院刑事审判庭", "place": "internal", "responsible_id": users["civil_head"].id,
        "reader_ids": [users["judge"].id, users["leader"].id], "reader_department_ids": departments or []}
    data.update(over)
    return data


def _approved(db: Any, users: dict[str, Any], **over: Any) -> tuple[int, list[int]]:
    service = SecrecyService(db)
    item = service.register(users["judge"], _data(users, **over))
    service.act(users["judge"], item.id, "submit")
    service.act(users["office_head"], item.id, "review")
    service.act(users["leader"], item.id, "approve")
    with db.read() as s:
        copies = list(s.scalars(select(SecretCopy.id).where(SecretCopy.item_id == item.id)
                                .order_by(SecretCopy.copy_no)))
    for cid in copies:
        service.act_on_copy(users["secrecy"], cid, "receive")
    return item.id, copies


def test_the_definition_flow_makes_the_copies_only_when_approved(db, users):
    service = SecrecyService(db)
    item = service.register(users["judge"], _data(users))
    assert item.number.startswith("(2026)密载") and item.number.endswith("号") and item.marking == "机密★20年"
    service.act(users["judge"], item.id, "submit")
    with pytest.raises(DomainError) as caught:  # the proposer is no 定密责任人, nor a leader
        service.act(users["judge"], item.id, "review")
    assert caught.value.field == "操作人"
    service.act(users["office_head"], item.id, "review", "同意")
    with pytest.raises(DomainError):  # only a leader approves
        service.act(users["office_head"], item.id, "approve")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SecretCopy).where(SecretCopy.item_id == item.id)) == 0
    service.act(users["leader"], item.id, "approve")
    with db.read() as s:
        copies = list(s.scalars(select(SecretCopy).where(SecretCopy.item_id == item.id).order_by(SecretCopy.copy_no)))
        assert [c.copy_no for c in copies] == [1, 2, 3]
        assert {c.status for c in copies} == {"made"} and {c.marking for c in copies} == {"机密★20年"}
        steps = [st.action for st in workflow.history(s, ITEM_REGISTER.entity, item.id)]
        assert steps == ["submit", "review", "approve"]
        assert [st.action for st in workflow.history(s, COPY_WORKFLOW.entity, copies[0].id)] == ["make"]


@pytest.mark.parametrize("over, field, words", [
    ({"level": "内部"}, "密级", "第十八条(1)"),
    ({"level": "机密", "term_years": 25}, "保密期限（年）", "第十八条(1)"),
    ({"level": "秘密", "term_years": 11}, "保密期限（年）", "第十八条(1)"),
    ({"place": "facility", "facility": ""}, "定点单位名称", "第十八条(1)"),
    ({"reader_ids": [], "reader_department_ids": []}, "知悉范围", "第十八条(3)"),
    ({"title_withheld_reason": "标题涉密"}, "标题不登记的理由", "第十八条(1)"),
])
def test_bad_carriers_are_refused_naming_field_and_article(db, users, over, field, words):
    _refused(db, lambda: SecrecyService(db).register(users["secrecy"], _data(users, **over)), field, words)


def test_term_defaults_by_level_and_a_top_secret_title_may_be_withheld_by_the_secrecy_office(db, users):
    service = SecrecyService(db)
    assert service.register(users["judge"], _data(users, level="秘密")).term_years == 10
    top = service.register(users["secrecy"], _data(users, level="绝密", title="", title_withheld_reason="来文要求"))
    assert (top.title, top.term_years, top.marking) == ("（标题不登记）", 30, "绝密★30年")
    _refused(db, lambda: service.register(users["judge"], _data(users, level="绝密", title_withheld_reason="x")),
             "标题不登记的理由", "第十八条(1)")


def test_lending_inside_the_scope_and_refusals_outside_it_or_when_out(db, users):
    _, copies = _approved(db, users, reader_department_ids=None)
    service = SecrecyService(db)
    err = _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[1], "lend", borrower_id=users["finance"].id,
                                                   due_on=dt.date(2026, 12, 10)),
                   "借阅人", "依据《保密工作制度》第十八条(3)")
    assert "孙丽" in str(err)
    service.act_on_copy(users["secrecy"], copies[1], "lend", borrower_id=users["judge"].id,
                        due_on=dt.date(2026, 12, 10))
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[1], "lend", borrower_id=users["leader"].id,
                                             due_on=dt.date(2026, 12, 10)), "借阅", "第十八条(3)")
    # a department in the scope lets its people borrow
    _, dept_copies = _approved(db, users, reader_ids=[], reader_department_ids=[users["finance"].department_id])
    service.act_on_copy(users["secrecy"], dept_copies[0], "lend", borrower_id=users["finance"].id,
                        due_on=dt.date(2026, 12, 10))
    service.act_on_copy(users["secrecy"], copies[1], "give_back")
    with db.read() as s:
        copy = s.get(SecretCopy, copies[1])
        assert copy.status == "kept" and copy.borrower_id is None and copy.location.startswith("保密办")


def test_the_register_says_where_each_copy_is_now_and_since_when_and_overdue_returns(db, users):
    _, copies = _approved(db, users)
    SecrecyService(db).act_on_copy(users["secrecy"], copies[0], "lend", borrower_id=users["judge"].id,
                                   due_on=dt.date(2026, 12, 3))
    query = RegisterQuery(COPY_REGISTER, search="某案件")
    with db.read() as s:
        rows = _rows(s, query, users["secrecy"])
    first = rows[f"{_number(db, copies[0])}"]
    assert (first["now"], first["location"], first["since"]) == ("借出", "借阅人 郑洁", dt.datetime(2026, 12, 1, 9, 0))
    assert rows[_number(db, copies[1])]["now"] == "在库"
    from courtdesk.kernel import clock

    clock.set_now(dt.datetime(2026, 12, 5, 9, 0))  # past the due date: overdue, true today
    with db.read() as s:
        rows = _rows(s, query, users["secrecy"])
        assert rows[_number(db, copies[0])]["now"] == "逾期未还"
        overdue = RegisterQuery(COPY_REGISTER, filter_key="overdue").count(s, users["secrecy"])
        board = {i.title: i.count for i in COPY_REGISTER.dashboard(s, users["secrecy"])}
    assert board["逾期未还的涉密载体"] == overdue >= 2  # this one and the demo's U盘


def _rows(session: Any, query: RegisterQuery, actor: Any) -> dict[str, dict[str, Any]]:
    keys = [c.key for c in COPY_REGISTER.columns]
    rows = [dict(zip(keys, r[1:], strict=True)) for r in query.page(session, actor, 0, 100)]
    return {r["number"]: r for r in rows}


def _number(db: Any, copy_id: int) -> str:
    with db.read() as s:
        return s.get(SecretCopy, copy_id).number


def test_a_copy_inherits_marking_and_scope_and_takes_the_next_number(db, users):
    item_id, copies = _approved(db, users, level="秘密", term_years=8)
    service = SecrecyService(db)
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[0], "duplicate"), "操作人", "第十八条(4)")
    service.act_on_copy(users["leader"], copies[0], "duplicate", "办案需要")
    with db.read() as s:
        new = s.scalars(select(SecretCopy).where(SecretCopy.item_id == item_id).order_by(SecretCopy.copy_no.desc())).first()
        assert (new.copy_no, new.marking, new.origin_copy_id, new.status) == (4, "秘密★8年", copies[0], "made")
        made = workflow.history(s, COPY_WORKFLOW.entity, new.id)
        assert "复制自第1份" in made[0].comment and "刘建军" in made[0].comment
    service.act_on_copy(users["secrecy"], new.id, "receive")
    service.act_on_copy(users["secrecy"], new.id, "lend", borrower_id=users["judge"].id, due_on=dt.date(2026, 12, 9))
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[1], "lend", borrower_id=users["finance"].id,
                                             due_on=dt.date(2026, 12, 9)), "借阅人", "第十八条(3)")


def test_a_top_secret_copy_needs_the_originators_approval(db, users):
    item_id, copies = _approved(db, users, level="绝密")
    service = SecrecyService(db)
    err = _refused(db, lambda: service.act_on_copy(users["leader"], copies[0], "duplicate"),
                   "原制发单位批准", "依据《保密工作制度》第十八条(4)")
    assert "本院刑事审判庭" in str(err)
    service.act_on_copy(users["leader"], copies[0], "duplicate", originator_approval="刑庭〔2026〕3号批复")
    with db.read() as s:
        new = s.scalars(select(SecretCopy).where(SecretCopy.item_id == item_id, SecretCopy.copy_no == 4)).one()
        assert new.copy_approval == "刑庭〔2026〕3号批复" and new.marking == "绝密★30年"


def test_destroy_needs_two_different_witnesses_and_a_leader_and_never_a_loaned_copy(db, users):
    _, copies = _approved(db, users)
    service = SecrecyService(db)
    place = "廊坊市保密局定点销毁中心"
    for w2 in (None, users["clerk"].id):
        _refused(db, lambda w2=w2: service.act_on_copy(users["secrecy"], copies[0], "ask_destroy", facility=place,
                                                       witness1_id=users["clerk"].id, witness2_id=w2),
                 "监销人", "第十八条(7)")
    service.act_on_copy(users["secrecy"], copies[1], "lend", borrower_id=users["judge"].id, due_on=dt.date(2026, 12, 9))
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[1], "ask_destroy", facility=place,
                                             witness1_id=users["clerk"].id, witness2_id=users["office_head"].id),
             "销毁", "第十八条(7)")
    service.act_on_copy(users["secrecy"], copies[0], "ask_destroy", facility=place,
                        witness1_id=users["clerk"].id, witness2_id=users["office_head"].id)
    with pytest.raises(DomainError):
        service.act_on_copy(users["secrecy"], copies[0], "destroy")  # only a leader approves
    service.act_on_copy(users["leader"], copies[0], "destroy", "同意")
    with db.read() as s:
        copy = s.get(SecretCopy, copies[0])
        assert copy.status == "destroyed" and copy.location == f"已销毁（{place}）"
        assert [st.action for st in workflow.history(s, COPY_WORKFLOW.entity, copy.id)] == [
            "make", "receive", "ask_destroy", "destroy"]
    with pytest.raises(DomainError):
        service.act_on_copy(users["secrecy"], copies[0], "lend", borrower_id=users["judge"].id,
                            due_on=dt.date(2026, 12, 9))


def test_the_destruction_list_prints_the_witnesses_signature_lines(db, users, tmp_path):
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    with db.read() as s:
        copy = s.scalars(select(SecretCopy).where(SecretCopy.status == "destroyed")).first()  # the demo's
        assert copy is not None
        render_pdf(printing.record_document(s, "secrecy_destruction", copy.id), tmp_path / "list.pdf")
        number = copy.number
    text = squash("".join(pdf_page_texts(tmp_path / "list.pdf")))
    for words in ("涉密载体销毁清单", number, "机密★20年", "廊坊市保密局定点销毁中心", "批准销毁：刘建军",
                  "监销人（一）王芳签字", "监销人（二）李强签字", "第十八条(7)"):
        assert squash(words) in text, words


def test_who_sees_what(db, users):
    with db.read() as s:
        def count(spec: Any, who: str) -> int:
            return RegisterQuery(spec).count(s, users[who])

        assert count(COPY_REGISTER, "secrecy") == count(COPY_REGISTER, "leader") >= 5
        assert count(COPY_REGISTER, "judge") == 1  # the copy lent to her
        assert count(COPY_REGISTER, "finance") == 0
        assert count(ITEM_REGISTER, "secrecy") >= 5
        assert count(ITEM_REGISTER, "finance") == 0
        board = {i.title: i.count for i in COPY_REGISTER.dashboard(s, users["secrecy"])}
        assert board["逾期未还的涉密载体"] == 1  # the demo's U盘, due 2026-11-20


def test_carrying_out_needs_a_leader_and_never_takes_top_secret_abroad(db, users):
    _, top = _approved(db, users, level="绝密")
    _, secret = _approved(db, users, level="机密")
    service = SecrecyService(db)
    trip = {"carrier_id": users["judge"].id, "destination": "赴香港参加司法交流", "abroad": "yes",
            "due_on": dt.date(2026, 12, 8)}
    _refused(db, lambda: service.act_on_copy(users["leader"], top[0], "carry_out", **trip),
             "涉外活动或出境", "第十八条(5)")
    _refused(db, lambda: service.act_on_copy(users["secrecy"], secret[0], "carry_out", **trip), "操作人", "第十七条")
    _refused(db, lambda: service.act_on_copy(users["leader"], secret[0], "carry_out",
                                             **{**trip, "carrier_id": users["finance"].id}), "携带人", "第十八条(3)")
    service.act_on_copy(users["leader"], secret[0], "carry_out", **trip)
    _refused(db, lambda: service.act_on_copy(users["secrecy"], secret[0], "lend", borrower_id=users["leader"].id,
                                             due_on=dt.date(2026, 12, 9)), "借阅", "第十八条(3)")
    with db.read() as s:
        copy = s.get(SecretCopy, secret[0])
        assert (copy.status, copy.location, copy.carried_abroad) == ("out", "携带外出 郑洁（赴香港参加司法交流）", True)
    service.act_on_copy(users["secrecy"], secret[0], "bring_back")
    with db.read() as s:
        copy = s.get(SecretCopy, secret[0])
        assert copy.status == "kept" and copy.carried_to == "" and copy.borrower_id is None


def test_check_and_hand_over_are_steps_of_the_copy(db, users):
    _, copies = _approved(db, users)
    service = SecrecyService(db)
    service.act_on_copy(users["secrecy"], copies[0], "check")
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[0], "hand_over", keeper_id=users["finance"].id,
                                             reason="调动"), "接收人", "第十八条(3)")
    service.act_on_copy(users["secrecy"], copies[0], "hand_over", keeper_id=users["judge"].id, reason="内部交流岗位")
    with db.read() as s:
        copy = s.get(SecretCopy, copies[0])
        assert (copy.status, copy.keeper_id, copy.location) == ("kept", users["judge"].id, "郑洁保管")
        steps = workflow.history(s, COPY_WORKFLOW.entity, copy.id)
        assert [st.action for st in steps] == ["make", "receive", "check", "hand_over"]
        assert "移交郑洁保管" in steps[-1].comment and "报保密办备案" in steps[-1].comment


def test_the_loan_form_lists_each_loan_with_its_return(db, users, tmp_path):
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import render_pdf
    from tests.support.readback import pdf_page_texts, squash

    _, copies = _approved(db, users)
    service = SecrecyService(db)
    service.act_on_copy(users["secrecy"], copies[0], "lend", borrower_id=users["judge"].id, due_on=dt.date(2026, 12, 3))
    service.act_on_copy(users["secrecy"], copies[0], "give_back")
    service.act_on_copy(users["secrecy"], copies[0], "lend", borrower_id=users["leader"].id, due_on=dt.date(2026, 12, 9))
    with db.read() as s:
        render_pdf(printing.record_document(s, "secrecy_loans", copies[0]), tmp_path / "loans.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "loans.pdf")))
    for words in ("涉密载体借阅登记表", "郑洁", "刘建军", "未归还", "冯雪", "借阅人签收", "第十八条(3)"):
        assert squash(words) in text, words
