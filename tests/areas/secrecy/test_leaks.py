"""失泄密报告: the 24-hour countdown from the time of discovery, the 院长's signature, the report to both bodies
with every item of 第三十九条 (《保密工作制度》第三十八条、第三十九条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from courtdesk.areas.secrecy.leak_models import SecretLeak
from courtdesk.areas.secrecy.leaks import CONTENTS, LEAK_DOCUMENT_KIND, LEAK_REGISTER, LeakService
from courtdesk.kernel import clock, printing, registers, workflow
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.registers import RegisterQuery, display_row
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused as _refused

NOW = dt.datetime(2026, 12, 1, 9, 0)


def _full(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "discovered_at": dt.datetime(2026, 12, 1, 7, 30), "discoverer": "冯雪", "content": "一份请示的内容",
        "level": "秘密", "quantity": "纸质文件1份", "course": "经过", "culprit": "某某，书记员",
        "time_place": "2026年12月1日，文印室", "harm": "可能被无关人员知悉", "remedies": "已收回"}
    data.update(over)
    return data


def _row(db: Any, actor: Any, leak_id: int) -> dict[str, str]:
    with db.read() as s:
        row = RegisterQuery(LEAK_REGISTER).one(s, actor, leak_id)
    assert row is not None
    return dict(zip([c.key for c in LEAK_REGISTER.columns], display_row(LEAK_REGISTER, row), strict=True))


def test_the_demo_leak_at_20_hours_is_on_the_dashboards_of_the_office_and_the_president(db, users):
    for who in ("secrecy", "president"):
        with db.read() as s:
            cards = [i for i in registers.dashboard(s, users[who]) if i.register == "secrecy_leak"]
        assert [(c.title, c.count, c.filter, c.urgent) for c in cards] == [("失泄密报告 剩余4小时", 1, "pending", True)]
        with db.read() as s:
            rows = RegisterQuery(LEAK_REGISTER, filter_key="pending").page(s, users[who], 0, 10)
        assert [display_row(LEAK_REGISTER, r)[2] for r in rows] == ["剩余4小时"]
    for who in ("judge", "civil_head"):  # nobody else sees the register, nor the card
        assert not LEAK_REGISTER.can_open(users[who])
        with db.read() as s:
            assert not [i for i in registers.dashboard(s, users[who]) if i.register == "secrecy_leak"]


def test_the_countdown_follows_the_clock(db, users):
    leak = LeakService(db).register(users["secrecy"], _full())
    assert leak.number.startswith("(2026)失泄密")
    assert _row(db, users["secrecy"], leak.id)["remaining"] == "剩余22小时30分"
    clock.set_now(dt.datetime(2026, 12, 2, 7, 0))
    assert _row(db, users["secrecy"], leak.id)["remaining"] == "剩余30分"
    clock.set_now(dt.datetime(2026, 12, 2, 7, 30))
    assert _row(db, users["secrecy"], leak.id)["remaining"] == "已超过24小时"
    with db.read() as s:
        overdue = RegisterQuery(LEAK_REGISTER, filter_key="overdue").page(s, users["secrecy"], 0, 10)
        card = next(i for i in registers.dashboard(s, users["president"]) if i.register == "secrecy_leak")
    assert leak.id in {r[0] for r in overdue}
    assert card.title == "失泄密报告 已超过24小时" and card.count == 2  # the most urgent one's words, both counted


def test_a_leak_without_discovery_time_or_discovered_in_the_future_is_refused(db, users):
    service = LeakService(db)
    _refused(db, lambda: service.register(users["secrecy"], _full(discovered_at=None)), "发现时间", "第三十八条")
    _refused(db, lambda: service.register(users["secrecy"], _full(discovered_at="")), "发现时间", "第三十八条")
    _refused(db, lambda: service.register(users["secrecy"], _full(discovered_at=NOW + dt.timedelta(hours=1))),
             "发现时间", "第三十八条")
    _refused(db, lambda: service.register(users["judge"], _full()), "操作人", "第三十八条")


def test_the_report_needs_every_item_the_president_signs_it_and_it_goes_to_both_bodies(db, users, tmp_path):
    service = LeakService(db)
    leak = service.register(users["secrecy"], _full(harm="", remedies=""))
    error = _refused(db, lambda: service.act(users["secrecy"], leak.id, "submit"), "造成或者可能造成的危害",
                     "第三十九条")
    assert "已经采取或拟采取的补救措施" in str(error)
    service.edit(users["secrecy"], leak.id, _full(harm="可能被无关人员知悉", remedies="已收回原件"), "补充")
    service.act(users["secrecy"], leak.id, "submit")
    _refused(db, lambda: service.act(users["secrecy"], leak.id, "sign"), "操作人", "第三十八条")  # only the 院长
    service.act(users["president"], leak.id, "sign", "同意上报")
    clock.set_now(dt.datetime(2026, 12, 1, 10, 0))
    send = {"admin_body": "县国家保密局", "admin_sent_at": dt.datetime(2026, 12, 1, 9, 40),
            "court_body": "中级人民法院保密委员会办公室", "court_sent_at": dt.datetime(2026, 12, 1, 9, 50)}
    _refused(db, lambda: service.act(users["secrecy"], leak.id, "send", **{**send, "court_sent_at": None}),
             "报送上级法院主管部门时间", "")
    _refused(db, lambda: service.act(users["secrecy"], leak.id, "send",
                                     **{**send, "admin_sent_at": dt.datetime(2026, 12, 1, 11, 0)}),
             "报送保密行政管理部门时间", "")
    service.act(users["secrecy"], leak.id, "send", **send)
    row = _row(db, users["secrecy"], leak.id)
    assert row["remaining"] == "已报告" and row["status"] == "已报告" and row["signer"] == "张国华"
    assert row["admin_sent_at"] == "2026-12-01 09:40" and row["court_sent_at"] == "2026-12-01 09:50"
    with db.read() as s:
        steps = workflow.history(s, LEAK_REGISTER.entity, leak.id)
        assert [st.action for st in steps] == ["submit", "sign", "send"]
        assert "县国家保密局" in steps[-1].comment and "中级人民法院" in steps[-1].comment
        doc = printing.kind(LEAK_DOCUMENT_KIND).build(s, leak.id)
    render_pdf(doc, tmp_path / "leak.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "leak.pdf")))
    for _key, label in CONTENTS:
        assert squash(label) in text, label
    for said in ("失泄密情况报告", "县国家保密局", "中级人民法院保密委员会办公室", "张国华", "已收回原件"):
        assert squash(said) in text, said


def test_the_report_document_is_listed_for_every_leak(db, users):
    with db.read() as s:
        ids = list(s.scalars(printing.kind(LEAK_DOCUMENT_KIND).ids()))
        assert len(ids) == s.scalar(select(func.count()).select_from(SecretLeak)) == 2
    assert any(d.kind == LEAK_DOCUMENT_KIND for d in LEAK_REGISTER.documents)
