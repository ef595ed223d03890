"""涉密载体, the rest of its life: 变更 and 解密 the way the 定密 went and marked on every copy; 分发 only
inside the 知悉范围 and never by ordinary post; 清退; 移交 with its 清单; a draft sent back and corrected by
its 承办人; who opened a record (查阅记录); the area listed only for its roles and for people with a
copy of their own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.areas.secrecy.models import SecretChange, SecretCopy, SecretDispatch, SecretItem
from courtdesk.areas.secrecy.service import COPY_KEY, COPY_REGISTER, ITEM_REGISTER, SecrecyService
from courtdesk.kernel import printing, viewlog, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.infra import AuditEntry, RecordView
from courtdesk.kernel.registers import RegisterQuery, edit_record, listed_registers
from tests.areas.secrecy.test_carriers import _approved, _data
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused as _refused


def _copies(db: Any, item_id: int) -> list[SecretCopy]:
    with db.read() as s:
        return list(s.scalars(select(SecretCopy).where(SecretCopy.item_id == item_id).order_by(SecretCopy.copy_no)))


def test_a_change_of_level_goes_through_review_and_approval_and_is_marked_on_every_copy(db, users):
    service = SecrecyService(db)
    item_id, copies = _approved(db, users)
    service.act_on_copy(users["secrecy"], copies[0], "lend", borrower_id=users["judge"].id,
                        due_on=__import__("datetime").date(2026, 12, 20))
    service.act_on_copy(users["secrecy"], copies[2], "ask_destroy", facility="定点销毁中心",
                        witness1_id=users["clerk"].id, witness2_id=users["office_head"].id)
    service.act_on_copy(users["leader"], copies[2], "destroy")

    # 变更 beyond the level's maximum, or to what it already is, is refused and writes nothing
    _refused(db, lambda: service.act(users["judge"], item_id, "propose_change", kind="change", level="秘密",
                                     term_years=15, reason="案件已审结"), "变更后保密期限（年）", "不超过10年")
    _refused(db, lambda: service.act(users["judge"], item_id, "propose_change", kind="change", level="机密",
                                     reason="无"), "变更后密级", "相同")

    service.act(users["judge"], item_id, "propose_change", kind="change", level="秘密", term_years=5,
                reason="案件已审结，降低密级")
    # the copies keep their marking until the leader approves
    assert {c.marking for c in _copies(db, item_id)} == {"机密★20年"}
    # the 承办人 cannot review her own change, nobody but the 定密责任人 reviews
    with pytest.raises(DomainError):
        service.act(users["leader"], item_id, "review_change")
    service.act(users["office_head"], item_id, "review_change")
    with pytest.raises(DomainError):
        service.act(users["office_head"], item_id, "approve_change")
    item = service.act(users["leader"], item_id, "approve_change", "同意")
    assert item.status == "approved" and item.marking == "秘密★5年"

    marked = {c.copy_no: c.marking for c in _copies(db, item_id)}
    assert marked == {1: "秘密★5年", 2: "秘密★5年", 3: "机密★20年"}  # the destroyed copy stays as it was
    with db.read() as s:
        steps = workflow.history(s, COPY_KEY, copies[0])
        assert steps[-1].action == "remark" and "机密★20年改为秘密★5年" in steps[-1].comment
        assert steps[-1].to_state == "lent"  # a copy on loan stays on loan
        change = s.scalars(select(SecretChange).where(SecretChange.item_id == item_id)).one()
        assert (change.status, change.reviewer_id, change.approver_id) == (
            "已批准", users["office_head"].id, users["leader"].id)


def test_declassification_reads_on_the_item_and_every_copy(db, users, tmp_path):
    service = SecrecyService(db)
    item_id, _copies_ids = _approved(db, users)
    service.act(users["secrecy"], item_id, "propose_change", kind="declassify", reason="保密期限内提前解密")
    service.act(users["office_head"], item_id, "review_change")
    item = service.act(users["president"], item_id, "approve_change")
    assert item.status == "declassified" and item.declassified_at is not None
    assert {c.marking for c in _copies(db, item_id)} == {"已解密（原机密★20年）"}
    from courtdesk.areas.secrecy.service import COPY_WORKFLOW

    with db.read() as s:  # a declassified copy is no longer offered for 分发 by 机要 route
        copy = s.get(SecretCopy, _copies_ids[0])
        assert "distribute" not in {t.action for t in COPY_WORKFLOW.available(users["secrecy"], copy)}
    with db.read() as s:
        rows = RegisterQuery(ITEM_REGISTER, filter_key="declassified").ids(s, users["secrecy"])
        assert item_id in rows
        render_pdf(printing.record_document(s, "secrecy_approval", item_id), tmp_path / "a.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "a.pdf")))
    for words in ("国家秘密定密审批表", "定密责任人审核意见", "主管领导批准意见", "解密", "保密期限内提前解密"):
        assert words in text, words


def test_distribution_only_inside_the_scope_and_never_by_ordinary_post(db, users, tmp_path):
    service = SecrecyService(db)
    item_id, copies = _approved(db, users)
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[0], "distribute", recipient_id=users["clerk"].id,
                                             route="机要交通"), "接收人", "知悉范围")
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[0], "distribute", recipient_id=users["judge"].id,
                                             route="普通邮政"), "传递方式", "第十六条")
    _refused(db, lambda: service.act_on_copy(users["secrecy"], copies[0], "distribute", recipient_id=users["judge"].id,
                                             route="专人传递"), "传递人", "传递人姓名")
    with pytest.raises(DomainError):  # only 保密办 distributes
        service.act_on_copy(users["judge"], copies[0], "distribute", recipient_id=users["judge"].id, route="机要交通")

    copy = service.act_on_copy(users["secrecy"], copies[0], "distribute", recipient_id=users["judge"].id,
                               route="专人传递", courier="李明")
    assert copy.status == "issued" and copy.keeper_id == users["judge"].id
    assert copy.location == f"分发至 {users['judge'].name}"
    service.act_on_copy(users["secrecy"], copies[1], "distribute", recipient_id=users["leader"].id, route="机要交通")
    with db.read() as s:  # the recipient sees the copy she holds
        mine = RegisterQuery(COPY_REGISTER, filter_key="mine").ids(s, users["judge"])
        assert copies[0] in mine and copies[1] not in mine
        render_pdf(printing.record_document(s, "secrecy_dispatch", item_id), tmp_path / "d.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "d.pdf")))
    for words in ("涉密载体分发表", "专人传递（李明）", "机要交通", users["judge"].name, users["leader"].name, "接收人签收"):
        assert words in text, words

    back = service.act_on_copy(users["secrecy"], copies[0], "recall")
    assert back.status == "kept" and back.keeper_id == users["secrecy"].id
    with db.read() as s:
        dispatch = s.scalars(select(SecretDispatch).where(SecretDispatch.copy_id == copies[0])).one()
        assert dispatch.recalled_at is not None

    gone = service.act_on_copy(users["secrecy"], copies[0], "return_to_issuer", route="机要通信")
    assert gone.status == "returned" and gone.keeper_id is None and gone.location == "已清退本院刑事审判庭"


def test_a_hand_over_prints_one_list_of_what_went_from_one_keeper_to_another(db, users, tmp_path):
    service = SecrecyService(db)
    item_id, copies = _approved(db, users)
    for cid in copies[:2]:
        service.act_on_copy(users["secrecy"], cid, "distribute", recipient_id=users["judge"].id, route="机要交通")
        service.act_on_copy(users["secrecy"], cid, "hand_over", keeper_id=users["leader"].id, reason="调动")
    with db.read() as s:
        render_pdf(printing.record_document(s, "secrecy_handover", copies[1]), tmp_path / "h.pdf")
        with pytest.raises(DomainError):  # a copy never handed over has no list
            printing.record_document(s, "secrecy_handover", copies[2])
    text = squash("".join(pdf_page_texts(tmp_path / "h.pdf")))
    assert "涉密载体移交清单" in text and "共2份" in text and "因调动" in text
    assert text.count("第1份") == 1 and text.count("第2份") == 1
    for words in ("移交人签字", "接收人签字", "保密办监交人签字"):
        assert words in text


def test_a_draft_sent_back_is_corrected_by_its_proposer_and_the_history_says_what_changed(db, users):
    service = SecrecyService(db)
    item = service.register(users["judge"], _data(users))
    service.act(users["judge"], item.id, "submit")
    service.act(users["office_head"], item.id, "send_back", "知悉范围过宽，请缩小")
    with db.read() as s:
        record = s.get(SecretItem, item.id)
        assert ITEM_REGISTER.can_edit(users["judge"], record)
        assert not ITEM_REGISTER.can_edit(users["office_head"], record)
        assert ITEM_REGISTER.edit is not None
        values = ITEM_REGISTER.edit.values(record)
    values.update({"reader_ids": [users["judge"].id], "term_years": 25})
    with pytest.raises(DomainError) as caught:  # still within the level's maximum
        edit_record(db, users["judge"], ITEM_REGISTER, item.id, values, "按审核意见缩小知悉范围")
    assert caught.value.field == "保密期限（年）"
    values["term_years"] = 10
    edit_record(db, users["judge"], ITEM_REGISTER, item.id, values, "按审核意见缩小知悉范围")
    with db.read() as s:
        record = s.get(SecretItem, item.id)
        assert record.reader_ids == [users["judge"].id] and record.term_years == 10
        assert record.scope_text == users["judge"].name
    service.act(users["judge"], item.id, "submit")
    with pytest.raises(DomainError):  # once submitted it is not edited any more
        edit_record(db, users["judge"], ITEM_REGISTER, item.id, values | {"term_years": 9}, "再改")


def test_opening_a_carrier_is_recorded_and_shown_in_its_history(db, users):
    from ui.detail import load_details

    item_id, copies = _approved(db, users)
    details = load_details(db, users["secrecy"], COPY_REGISTER, copies[0])
    assert details is not None and details.history[-1].action == "查阅"
    assert details.history[-1].actor == users["secrecy"].name
    # someone outside the record's scope sees nothing and leaves no trace
    assert load_details(db, users["clerk"], COPY_REGISTER, copies[0]) is None
    assert viewlog.opened(db, users["clerk"], ITEM_REGISTER, item_id) is False
    load_details(db, users["judge"], ITEM_REGISTER, item_id)
    with db.read() as s:
        views = s.scalars(select(RecordView).order_by(RecordView.id.desc()).limit(2)).all()
        assert [(v.entity, v.entity_id, v.user_id) for v in views] == [
            ("secrecy_item", item_id, users["judge"].id), ("secrecy_copy", copies[0], users["secrecy"].id)]
        # the view is a row of the audit chain like any other
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "record_view")) >= 2


def test_the_area_is_listed_only_for_its_roles_and_for_people_with_a_copy_of_their_own(db, users):
    import datetime as dt

    def listed(who: str) -> set[str]:
        with db.read() as s:
            return {spec.key for spec in listed_registers(s, users[who])} & {"secrecy_item", "secrecy_copy"}

    assert listed("secrecy") == {"secrecy_item", "secrecy_copy"}
    assert listed("clerk") == set()  # an office clerk with nothing classified of hers
    service = SecrecyService(db)
    item = service.register(users["clerk"], _data(users, reader_ids=[users["clerk"].id, users["leader"].id]))
    assert listed("clerk") == {"secrecy_item"}  # the 承办人 of a carrier, no copy of hers yet
    service.act(users["clerk"], item.id, "submit")
    service.act(users["office_head"], item.id, "review")
    service.act(users["leader"], item.id, "approve")
    first = _copies(db, item.id)[0].id
    service.act_on_copy(users["secrecy"], first, "receive")
    service.act_on_copy(users["secrecy"], first, "lend", borrower_id=users["clerk"].id, due_on=dt.date(2026, 12, 20))
    assert listed("clerk") == {"secrecy_item", "secrecy_copy"}
