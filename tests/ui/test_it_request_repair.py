"""Issue 18's acceptance walk for 申领 and 报修 through real widgets: the clerk requests a printer; her
department head and 信建办 approve it; ops issue an in-stock printer (the step offers in-stock printers
only); she confirms receipt from her dashboard and the printer shows under her in the ledger; she reports a
fault on it; ops take it (维修中), record the work, and she confirms the repair. Later ops give the printer
an address; it is assessed (网络运维主管), reported (信建办) and approved for scrapping with 返旧换新 by
the 主管领导: it reads 已报废 in the ledger, its address is free again, and a 申领 for the clerk waits for 发放."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.request_models import ItRepair, ItRequest
from courtdesk.kernel import clock
from tests.ui.conftest import click_record, login, type_text, wait_ops, wait_table

pytestmark = pytest.mark.ui

T0 = dt.datetime(2026, 12, 1, 9, 0)


def choose_prefix(combo: Any, prefix: str) -> None:
    texts = [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(next(i for i, t in enumerate(texts) if t.startswith(prefix)))


def step(qtbot: Any, page: Any, label: str) -> Any:
    assert label in page.detail.action_buttons, list(page.detail.action_buttons)
    qtbot.mouseClick(page.detail.action_buttons[label], Qt.MouseButton.LeftButton)
    return page.active_dialog


def ok(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.all_errors()


def status_is(qtbot: Any, page: Any, status: str) -> None:
    qtbot.waitUntil(lambda: page.detail.details is not None and page.detail.details.status == status, timeout=15000)


def open_card(qtbot: Any, window: Any, filter_key: str) -> Any:
    qtbot.waitUntil(lambda: any(c.item.filter == filter_key for c in window.dashboard.cards), timeout=15000)
    card = next(c for c in window.dashboard.cards if c.item.filter == filter_key)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    wait_table(qtbot, page)
    return page


def test_a_printer_requested_approved_issued_received_and_repaired(qtbot: Any, desk: Any, users: dict[str, Any]
                                                                   ) -> None:
    clock.set_now(T0)

    # --- the clerk requests a printer ----------------------------------------------------------------
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("it_request")
    wait_table(qtbot, page)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.active_dialog
    choose_prefix(form.widget("kind"), "打印机")
    type_text(form.widget("reason"), "收发文登记需打印回执")
    ok(qtbot, form)
    request_id = form.result_value.id
    clerk.close()

    # --- her department head (办公室: the office head) approves, and as 信建办主任 too ----------------------
    head = login(qtbot, desk, "office_head")
    page = open_card(qtbot, head, "to_dept")
    click_record(qtbot, page, request_id)
    ok(qtbot, step(qtbot, page, "部门审批同意"))
    status_is(qtbot, page, "待信建办审批")
    ok(qtbot, step(qtbot, page, "信建办审批同意"))
    status_is(qtbot, page, "待发放")
    head.close()

    # --- ops issue one of the printers in stock ---------------------------------------------------------
    with desk.read() as s:
        stock = {a.id: a.number for a in s.scalars(select(ItAsset).where(ItAsset.kind == "打印机",
                                                                         ItAsset.status == "in_stock"))}
    ops = login(qtbot, desk, "itops")
    page = open_card(qtbot, ops, "to_issue")
    click_record(qtbot, page, request_id)
    issue = step(qtbot, page, "发放")
    combo = issue.widget("asset_id")
    offered = [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i) != "请选择…"]
    assert offered and all(t.split()[0] in stock.values() and "打印机" in t for t in offered), offered
    printer_id, printer_no = next(iter(stock.items()))
    choose_prefix(combo, printer_no)
    ok(qtbot, issue)
    status_is(qtbot, page, "待确认领取")
    ops.close()

    # --- she confirms receipt from her dashboard; the printer is hers in the ledger -----------------------
    clerk = login(qtbot, desk, "clerk")
    page = open_card(qtbot, clerk, "to_receive")
    click_record(qtbot, page, request_id)
    ok(qtbot, step(qtbot, page, "确认领取"))
    status_is(qtbot, page, "已领取")
    ledger = clerk.open_register("it_asset")
    wait_table(qtbot, ledger)
    click_record(qtbot, ledger, printer_id)
    keys = [c.key for c in ledger.spec.columns]
    values = ledger.model.row_values(ledger.model.row_of(printer_id))
    assert values[keys.index("user")] == users["clerk"].name and values[keys.index("now")] == "在用"

    # --- she reports a fault on it --------------------------------------------------------------------
    repairs = clerk.open_register("it_repair")
    wait_table(qtbot, repairs)
    qtbot.mouseClick(repairs.new_button, Qt.MouseButton.LeftButton)
    form = repairs.active_dialog
    choose_prefix(form.widget("asset_id"), printer_no)
    type_text(form.widget("fault"), "卡纸，已关机断电")
    ok(qtbot, form)
    repair_id = form.result_value.id
    clerk.close()

    # --- ops take it, the printer is 维修中, then record the work -----------------------------------------
    ops = login(qtbot, desk, "itops")
    page = open_card(qtbot, ops, "to_take")
    click_record(qtbot, page, repair_id)
    ok(qtbot, step(qtbot, page, "受理维修"))
    status_is(qtbot, page, "维修中")
    with desk.read() as s:
        assert s.get(ItAsset, printer_id).status == "repair"
    assert "确认修复" not in page.detail.action_buttons
    done = step(qtbot, page, "维修完毕")
    type_text(done.widget("work"), "清理搓纸轮，取出卡纸")
    ok(qtbot, done)
    status_is(qtbot, page, "待确认")
    assert "确认修复" not in page.detail.action_buttons  # ops do not close the ticket they handled
    ops.close()

    # --- she confirms ---------------------------------------------------------------------------------
    clerk = login(qtbot, desk, "clerk")
    page = open_card(qtbot, clerk, "to_confirm")
    click_record(qtbot, page, repair_id)
    ok(qtbot, step(qtbot, page, "确认修复"))
    status_is(qtbot, page, "已完成")
    clerk.close()
    with desk.read() as s:
        assert s.get(ItRepair, repair_id).outcome == "已修复"
        assert s.get(ItRequest, request_id).asset_id == printer_id
        printer = s.get(ItAsset, printer_id)
        assert printer.status == "in_use" and printer.user_id == users["clerk"].id

    # --- later: an address, then 报废 with 返旧换新 — the address is freed, a new 申领 waits for 发放 -------
    ops = login(qtbot, desk, "itops")
    ledger = ops.open_register("it_asset")
    wait_table(qtbot, ledger)
    click_record(qtbot, ledger, printer_id)
    address = step(qtbot, ledger, "分配IP地址")
    type_text(address.widget("ip"), "10.12.1.240")
    ok(qtbot, address)
    with desk.read() as s:
        assert s.get(ItAsset, printer_id).ip == "10.12.1.240"
    ops.close()

    clerk = login(qtbot, desk, "clerk")
    scraps = clerk.open_register("it_scrap")
    wait_table(qtbot, scraps)
    qtbot.mouseClick(scraps.new_button, Qt.MouseButton.LeftButton)
    form = scraps.active_dialog
    choose_prefix(form.widget("asset_id"), printer_no)
    type_text(form.widget("reason"), "硒鼓组件损坏，维修费用超过新机价格")
    choose_prefix(form.widget("replace"), "是")
    ok(qtbot, form)
    scrap_id = form.result_value.id
    clerk.close()

    ops = login(qtbot, desk, "itops")
    page = ops.open_register("it_scrap")
    wait_table(qtbot, page)
    click_record(qtbot, page, scrap_id)
    assess = step(qtbot, page, "鉴定确认报废")
    type_text(assess.widget("assessment"), "定影组件老化，无维修价值，确认报废")
    ok(qtbot, assess)
    ops.close()
    with desk.read() as s:
        assert s.get(ItAsset, printer_id).status == "to_scrap"

    head = login(qtbot, desk, "office_head")
    page = head.open_register("it_scrap")
    wait_table(qtbot, page)
    click_record(qtbot, page, scrap_id)
    ok(qtbot, step(qtbot, page, "请示主管领导"))
    head.close()

    leader = login(qtbot, desk, "leader")  # the 信息化建设工作领导小组主管领导 in the demo settings
    page = leader.open_register("it_scrap")
    wait_table(qtbot, page)
    click_record(qtbot, page, scrap_id)
    ok(qtbot, step(qtbot, page, "批准报废"))
    ledger = leader.open_register("it_asset")
    wait_table(qtbot, ledger)
    click_record(qtbot, ledger, printer_id)
    keys = [c.key for c in ledger.spec.columns]
    values = ledger.model.row_values(ledger.model.row_of(printer_id))
    assert values[keys.index("now")] == "已报废" and not values[keys.index("ip")]
    leader.close()
    with desk.read() as s:
        printer = s.get(ItAsset, printer_id)
        assert printer.status == "scrapped" and printer.ip is None and printer.user_id is None
        assert s.scalars(select(ItAsset).where(ItAsset.ip == "10.12.1.240")).first() is None  # free again
        renewal = s.scalars(select(ItRequest).where(ItRequest.requester_id == users["clerk"].id,
                                                    ItRequest.kind == "打印机", ItRequest.id != request_id)).one()
        assert renewal.status == "issue" and printer_no in renewal.reason

