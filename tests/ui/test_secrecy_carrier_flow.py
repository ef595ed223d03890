"""Issue 17's acceptance walk through real widgets: a judge registers a 机密 document with 3 copies and
submits it; once the 定密 is approved and 保密办 has signed the copies in, 保密办 lends copy 2 — refused for
a person outside the 知悉范围 (next to 借阅人, nothing written), granted for one inside; the copy approver
copies copy 1 (the new copy inherits 机密★20年 and takes 第4份) and is refused for a 绝密 copy without the
originating unit's approval (第十八条(4)); 保密办 asks to destroy copy 3 — refused with one witness — and a
leader approves with two; the copy register shows where each copy is now, and each copy's history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from courtdesk.areas.secrecy.models import SecretCopy, SecretItem, SecretLoan
from courtdesk.areas.secrecy.service import SecrecyService
from courtdesk.kernel import clock
from tests.ui.conftest import click_record, login, type_text, wait_ops, wait_table

pytestmark = pytest.mark.ui

T0 = dt.datetime(2026, 12, 1, 9, 0)


def choose(combo: Any, text: str) -> None:
    texts = [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(next(i for i, t in enumerate(texts) if t == text or t.startswith(f"{text}（")))


def step(qtbot: Any, page: Any, label: str) -> Any:
    assert label in page.detail.action_buttons, list(page.detail.action_buttons)
    qtbot.mouseClick(page.detail.action_buttons[label], Qt.MouseButton.LeftButton)
    return page.active_dialog


def ok(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)


def loans(db: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(SecretLoan)))


def test_a_classified_document_from_registration_to_destruction(qtbot: Any, desk: Any, users: dict[str, Any]) -> None:
    clock.set_now(T0)
    service = SecrecyService(desk)

    # --- the judge registers and submits -----------------------------------------------------------
    judge = login(qtbot, desk, "judge")
    items = judge.open_register("secrecy_item")
    wait_table(qtbot, items)
    qtbot.mouseClick(items.new_button, Qt.MouseButton.LeftButton)
    form = items.active_dialog
    choose(form.widget("category"), "文件")
    type_text(form.widget("title"), "关于一起涉密执行案件的请示")
    choose(form.widget("level"), "机密")
    form.set_value("copies", 3)
    type_text(form.widget("originator"), "本院执行局")
    choose(form.widget("responsible_id"), users["civil_head"].name)
    form.set_value("reader_ids", [users["judge"].id, users["leader"].id])
    ok(qtbot, form)
    assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
    item_id = form.result_value.id
    click_record(qtbot, items, item_id)
    ok(qtbot, step(qtbot, items, "提交定密"))
    qtbot.waitUntil(lambda: items.detail.details is not None and items.detail.details.status == "待定密责任人审核")
    judge.close()

    service.act(users["office_head"], item_id, "review", "密级适当")
    service.act(users["leader"], item_id, "approve", "同意")
    with desk.read() as s:
        item = s.get(SecretItem, item_id)
        assert item.marking == "机密★20年"  # no term given: the level's maximum
        copies = list(s.scalars(select(SecretCopy.id).where(SecretCopy.item_id == item_id)
                                .order_by(SecretCopy.copy_no)))
        top_secret = s.scalars(select(SecretCopy.id).join(SecretItem).where(
            SecretItem.level == "绝密", SecretCopy.status == "kept")).first()
    assert len(copies) == 3 and top_secret is not None
    for cid in copies:
        service.act_on_copy(users["secrecy"], cid, "receive")

    # --- 保密办 lends copy 2: refused outside the 知悉范围, granted inside -------------------------------
    office = login(qtbot, desk, "secrecy")
    page = office.open_register("secrecy_copy")
    wait_table(qtbot, page)
    click_record(qtbot, page, copies[1])
    lend = step(qtbot, page, "借阅")
    choose(lend.widget("borrower_id"), users["clerk"].name)
    lend.set_value("due_on", dt.date(2026, 12, 15))
    before = loans(desk)
    ok(qtbot, lend)
    assert lend.isVisible() and "不在" in lend.field_error("borrower_id") and "知悉范围" in lend.field_error(
        "borrower_id"), lend.all_errors()
    assert loans(desk) == before
    choose(lend.widget("borrower_id"), users["judge"].name)
    ok(qtbot, lend)
    assert lend.result() == QDialog.DialogCode.Accepted, lend.all_errors()
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.status == "借出")
    assert "借阅" not in page.detail.action_buttons  # a copy out is not lent again

    # --- 申请销毁 copy 3: one witness is refused, two go through --------------------------------------
    click_record(qtbot, page, copies[2])
    ask = step(qtbot, page, "申请销毁")
    choose(ask.widget("witness1_id"), users["clerk"].name)
    ok(qtbot, ask)
    assert ask.isVisible() and any("两名监销人" in e for e in ask.all_errors()), ask.all_errors()
    choose(ask.widget("witness2_id"), users["office_head"].name)
    ok(qtbot, ask)
    assert ask.result() == QDialog.DialogCode.Accepted, ask.all_errors()
    office.close()

    # --- the copy approver (a court leader in the demo settings) copies, and decides the destruction ---
    leader = login(qtbot, desk, "leader")
    page = leader.open_register("secrecy_copy")
    wait_table(qtbot, page)
    click_record(qtbot, page, copies[0])
    ok(qtbot, step(qtbot, page, "复制"))
    with desk.read() as s:
        made = s.scalars(select(SecretCopy).where(SecretCopy.item_id == item_id, SecretCopy.copy_no == 4)).one()
        assert made.marking == "机密★20年" and made.origin_copy_id == copies[0]
        assert made.number.endswith("第4份")
    click_record(qtbot, page, top_secret)
    copy_top = step(qtbot, page, "复制")
    ok(qtbot, copy_top)
    assert copy_top.isVisible() and "第十八条(4)" in " ".join(copy_top.all_errors()), copy_top.all_errors()
    copy_top.reject()
    click_record(qtbot, page, copies[2])
    ok(qtbot, step(qtbot, page, "批准销毁"))
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.status == "已销毁")

    # --- the register says where each copy is now, and each copy's history ----------------------------
    wait_table(qtbot, page)
    keys = [c.key for c in page.spec.columns]
    where = {}
    for cid in (*copies, made.id):
        qtbot.waitUntil(lambda cid=cid: page.model.row_of(cid) is not None, timeout=15000)
        values = page.model.row_values(page.model.row_of(cid))
        where[cid] = (values[keys.index("now")], values[keys.index("location")])
    assert where[copies[0]][0] == "在库"
    assert where[copies[1]] == ("借出", f"借阅人 {users['judge'].name}")
    assert where[copies[2]][0] == "已销毁" and where[copies[2]][1].startswith("已销毁")
    assert where[made.id][0] == "待签收"
    click_record(qtbot, page, copies[2])
    actions = [h.action for h in page.detail.details.history]
    assert actions[:4] == ["制作", "签收", "申请销毁", "批准销毁"], actions
    assert actions[-1] == "查阅"  # this very opening is recorded
    click_record(qtbot, page, copies[1])
    assert [h.action for h in page.detail.details.history][:3] == ["制作", "签收", "借阅"]
