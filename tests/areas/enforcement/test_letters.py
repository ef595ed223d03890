"""Investigation letters: one case × many units → numbered letters in one PDF, the outgoing-letter
register, replies and the overdue list on the dashboard (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from courtdesk.areas.enforcement import (
    CaseService,
    LetterService,
    UnitService,
    generate_batch,
    print_letters,
)
from courtdesk.areas.enforcement.letters import CANCEL_REASON
from courtdesk.areas.enforcement.models import InvestigationLetter, RecipientUnit
from courtdesk.kernel import registers
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import Counter, WorkflowStep
from courtdesk.kernel.registers import RegisterQuery, display_row
from courtdesk.kernel.settings import SettingsService
from tests.areas.enforcement.helpers import row_counts, set_day
from tests.support.readback import squash


def unit_ids(db, n: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(RecipientUnit.id).where(RecipientUnit.active.is_(True))
                              .order_by(RecipientUnit.sort, RecipientUnit.id).limit(n)))


def last_number(db, year: int) -> int:
    with db.read() as s:
        return s.scalar(select(Counter.last).where(Counter.register == "outgoing_letter", Counter.year == year)) or 0


def letters_query(**kw) -> RegisterQuery:
    return RegisterQuery(registers.get("outgoing_letter"), **kw)


def dashboard_item(db, user, title: str):
    with db.read() as s:
        items = registers.dashboard(s, user)
    return next((i for i in items if i.title == title), None)


def test_batch_of_twelve_letters_numbered_in_one_pdf(db, users, today, case, tmp_path):
    enforcer = users["enforcer"]
    units = unit_ids(db, 12)
    first = last_number(db, today.year) + 1
    calls: list[tuple[int, int]] = []
    out = tmp_path / "调查函.pdf"
    outcome = generate_batch(db, enforcer, case.id, units, out, progress=lambda d, t: calls.append((d, t)))

    assert not outcome.cancelled
    assert outcome.numbers == tuple(f"({today.year})执调字第{n:04d}号" for n in range(first, first + 12))
    assert calls == [(i, 12) for i in range(1, 13)]
    pages = PdfReader(out).pages
    assert outcome.pages == len(pages) == 36  # stub, letter and reply form on separate pages
    with db.read() as s:
        letters = {x.id: x for x in s.scalars(select(InvestigationLetter)
                                              .where(InvestigationLetter.id.in_(outcome.letter_ids)))}
        unit_names = {u.id: u.name for u in s.scalars(select(RecipientUnit))}
    for k, letter_id in enumerate(outcome.letter_ids):
        letter = letters[letter_id]
        assert letter.unit_name == unit_names[units[k]] and letter.status == "issued"
        stub, body, reply = (squash(pages[3 * k + i].extract_text()) for i in range(3))
        assert "调查函（存根）" in stub and "邮寄回单联粘贴处" in stub and letter.number in stub
        assert f"{letter.unit_name}：" in body and "此致" in body and letter.number in body
        assert "复函" in reply and "以上回复保证真实。" in reply and letter.number in reply

    # the register: 12 numbered lines of this case, waiting to be sent
    with db.read() as s:
        rows = letters_query(search=case.number, sort_key="number", descending=False).page(s, enforcer, 0, 50)
    spec = registers.get("outgoing_letter")
    shown = [display_row(spec, r) for r in rows]
    assert [r[0] for r in shown] == list(outcome.numbers)
    at = {c.key: i for i, c in enumerate(spec.columns)}
    assert {r[at["status"]] for r in shown} == {"已制作待寄出"}
    assert {r[at["case"]] for r in shown} == {case.number} and {r[at["target"]] for r in shown} == {"李娜"}


def test_send_reply_and_overdue_on_the_officers_dashboard(db, users, today, case):
    enforcer, service = users["enforcer"], LetterService(db)
    letters = service.create(enforcer, case.id, unit_ids(db, 3))
    ids = [x.id for x in letters]
    before = dashboard_item(db, enforcer, "逾期未复的调查函")
    before_count = before.count if before else 0

    service.record_sent(enforcer, ids, receipts={i: f"EA{n:09d}CN" for n, i in enumerate(ids, 1)})
    with db.read() as s:
        sent = [s.get(InvestigationLetter, i) for i in ids]
    assert {(x.status, x.sent_on, x.reply_due) for x in sent} == {("sent", today, today + dt.timedelta(days=15))}
    assert [x.postal_receipt for x in sent] == ["EA000000001CN", "EA000000002CN", "EA000000003CN"]

    set_day(today + dt.timedelta(days=9))
    replied = service.act(users["enforce_clerk"], ids[0], "reply", reply_note="被执行人不在本辖区居住。")
    assert (replied.status, replied.replied_on, replied.reply_note) == (
        "replied", today + dt.timedelta(days=9), "被执行人不在本辖区居住。")

    set_day(today + dt.timedelta(days=15))  # the due day itself: not overdue yet
    with db.read() as s:
        assert letters_query(search=case.number, filter_key="my_overdue").count(s, enforcer) == 0
    set_day(today + dt.timedelta(days=16))
    with db.read() as s:
        overdue = letters_query(search=case.number, filter_key="my_overdue").page(s, enforcer, 0, 10)
        assert sorted(r[0] for r in overdue) == sorted(ids[1:])
        assert letters_query(filter_key="my_overdue").count(s, users["enforce_clerk"]) >= 2  # the clerk too
    item = dashboard_item(db, enforcer, "逾期未复的调查函")
    assert item is not None and item.urgent and item.register == "outgoing_letter"
    assert item.filter == "my_overdue"
    with db.read() as s:
        assert item.count == letters_query(filter_key="my_overdue").count(s, enforcer) >= before_count + 2
    head = dashboard_item(db, users["enforce_head"], "逾期未复的调查函")  # the bureau head sees the bureau's
    assert head is not None and head.filter == "overdue" and head.count >= item.count
    assert dashboard_item(db, users["clerk"], "逾期未复的调查函") is None  # office staff: not their work

    late = service.act(enforcer, ids[1], "reply", reply_note="无此人户籍。", reply_via="wechat")
    assert late.status == "replied"
    with db.read() as s:
        steps = s.scalars(select(WorkflowStep.action).where(WorkflowStep.entity == "outgoing_letter",
                                                            WorkflowStep.entity_id == ids[1])).all()
    assert steps == ["send", "reply"]


def test_reply_days_come_from_the_settings(db, users, today, case):
    SettingsService(db).save(users["admin"], {"letter_reply_days": "10"})
    letter = LetterService(db).create(users["enforcer"], case.id, unit_ids(db, 1))[0]
    sent = LetterService(db).act(users["enforcer"], letter.id, "send", sent_via="wechat")
    assert sent.reply_due == today + dt.timedelta(days=10) and sent.postal_receipt == ""


def test_cancel_stops_printing_removes_the_file_and_voids_the_batch(db, users, today, case, tmp_path):
    cancel = threading.Event()
    out = tmp_path / "letters.pdf"

    def progress(done: int, total: int) -> None:
        if done == 3:
            cancel.set()

    outcome = generate_batch(db, users["enforcer"], case.id, unit_ids(db, 8), out, progress=progress, cancel=cancel)
    assert outcome.cancelled and not out.exists() and not (tmp_path / "letters.pdf.part").exists()
    with db.read() as s:
        letters = s.scalars(select(InvestigationLetter).where(InvestigationLetter.id.in_(outcome.letter_ids))).all()
    assert len(letters) == 8  # the numbers stay in the register …
    assert {(x.status, x.void_reason) for x in letters} == {("voided", CANCEL_REASON)}  # … voided with the reason


def test_reprint_and_edited_questions(db, users, today, case, tmp_path):
    service = LetterService(db)
    letter = service.create(users["enforcer"], case.id, unit_ids(db, 1),
                            questions=["被执行人是否在此地居住？", "被执行人名下是否登记有机动车？"])[0]
    service.update_questions(users["enforcer"], letter.id, "被执行人是否在此地居住？\n被执行人名下是否登记有机动车？\n"
                                                             "被执行人是否在你单位领取工资？")
    pages, cancelled = print_letters(db, [letter.id], tmp_path / "again.pdf")
    assert (pages, cancelled) == (3, False)
    texts = [squash(p.extract_text()) for p in PdfReader(tmp_path / "again.pdf").pages]
    assert "3、被执行人是否在你单位领取工资？" in texts[0]
    assert "二、被执行人名下是否登记有机动车？" in texts[2] and "三、被执行人是否在你单位领取工资？" in texts[2]
    assert "土地补偿金" not in texts[0] + texts[2]
    service.act(users["enforcer"], letter.id, "send", sent_via="hand")
    with pytest.raises(PermissionDenied, match="调查问题：.*已寄出待回复，不能再改问题"):
        service.update_questions(users["enforcer"], letter.id, "新问题？")


def test_officer_without_wechat_gets_a_post_only_note(db, users, today, tmp_path):
    from tests.areas.enforcement.helpers import case_data

    case = CaseService(db).create(users["enforce_head"], case_data(users, today, officer_id=users["enforce_head"].id))
    outcome = generate_batch(db, users["enforce_head"], case.id, unit_ids(db, 1), tmp_path / "x.pdf")
    body = squash(PdfReader(tmp_path / "x.pdf").pages[1].extract_text())
    assert "注：请填写复函并加盖印章，回寄我院" in body and "微信" not in body
    assert "承办人：马超联系电话：0316-6080050" in body
    assert outcome.pages == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"unit_ids": "dup"}, ValidationError, "发往单位：同一单位选了两次"),
        ({"unit_ids": []}, ValidationError, "发往单位：至少选择一个单位"),
        ({"questions": ["  ", ""]}, ValidationError, "调查问题：至少保留一个问题"),
        ({"letter_date": "tomorrow"}, ValidationError, "发函日期：不能晚于当前时间"),
        ({"target_id": -1}, ValidationError, "调查对象：应为本案的被执行人"),
    ],
)
def test_bad_batches_write_nothing(db, users, today, case, tmp_path, kwargs, error, words):
    units = unit_ids(db, 3)
    if kwargs.get("unit_ids") == "dup":
        kwargs["unit_ids"] = [units[0], units[1], units[0]]
    if kwargs.get("letter_date") == "tomorrow":
        kwargs["letter_date"] = today + dt.timedelta(days=1)
    kwargs.setdefault("unit_ids", units)
    before = row_counts(db)
    with pytest.raises(error, match=words):
        generate_batch(db, users["enforcer"], case.id, kwargs.pop("unit_ids"), tmp_path / "x.pdf", **kwargs)
    assert row_counts(db) == before
    assert not (tmp_path / "x.pdf").exists()


def test_a_blank_court_setting_refuses_the_batch_before_any_number_is_used(db, users, today, case, tmp_path):
    SettingsService(db).save(users["admin"], {"address": ""})
    before = row_counts(db)
    with pytest.raises(ValidationError, match="「地址」未填写"):
        generate_batch(db, users["enforcer"], case.id, unit_ids(db, 5), tmp_path / "x.pdf")
    assert row_counts(db) == before


def test_no_letters_for_a_closed_case_or_by_office_staff(db, users, today, case, tmp_path):
    with pytest.raises(PermissionDenied, match="只有执行干警可以制作调查函"):
        LetterService(db).create(users["clerk"], case.id, unit_ids(db, 1))
    CaseService(db).act(users["enforcer"], case.id, "close", close_mode="执行完毕")
    before = row_counts(db)
    with pytest.raises(PermissionDenied, match="已结案（执行完毕），不能再发调查函"):
        LetterService(db).create(users["enforcer"], case.id, unit_ids(db, 1))
    assert row_counts(db) == before


def test_bad_send_and_reply_records_are_refused(db, users, today, case):
    service = LetterService(db)
    letter = service.create(users["enforcer"], case.id, unit_ids(db, 1))[0]
    before = row_counts(db)
    with pytest.raises(ValidationError, match="邮寄单号：邮寄的调查函须登记邮寄单号"):
        service.act(users["enforcer"], letter.id, "send")
    with pytest.raises(ValidationError, match="邮寄单号：只能由"):
        service.act(users["enforcer"], letter.id, "send", postal_receipt="单号123")
    with pytest.raises(ValidationError, match="寄出日期：不能早于发函日期"):
        service.act(users["enforcer"], letter.id, "send", sent_on=today - dt.timedelta(days=1),
                    postal_receipt="1150000000001")
    with pytest.raises(DomainError, match="当前状态为「已制作待寄出」，不能执行「回复登记」"):
        service.act(users["enforcer"], letter.id, "reply", reply_note="x")
    with pytest.raises(ValidationError, match="意见：执行「作废」必须填写意见或理由"):
        service.act(users["enforcer"], letter.id, "void")
    assert row_counts(db) == before
    service.act(users["enforcer"], letter.id, "send", postal_receipt="1150000000001")
    before = row_counts(db)
    with pytest.raises(ValidationError, match="回复内容摘要：必填"):
        service.act(users["enforcer"], letter.id, "reply")
    with pytest.raises(ValidationError, match="回复日期：不能晚于当前时间"):
        service.act(users["enforcer"], letter.id, "reply", reply_note="无", replied_on=today + dt.timedelta(days=1))
    assert row_counts(db) == before


def test_recording_several_sends_is_all_or_nothing(db, users, today, case):
    service = LetterService(db)
    ids = [x.id for x in service.create(users["enforcer"], case.id, unit_ids(db, 3))]
    before = row_counts(db)
    with pytest.raises(ValidationError, match=r"执调字第\d{4}号（.+）— 邮寄单号：邮寄的调查函须登记邮寄单号"):
        service.record_sent(users["enforcer"], ids, receipts={ids[0]: "1150000000009", ids[1]: "1150000000010"})
    assert row_counts(db) == before
    # 批量登记寄出 fits letters waiting to be sent, for enforcement staff only; not one already sent.
    from courtdesk.areas.enforcement.letters import BATCH_SEND

    spec = registers.get("outgoing_letter")
    service.record_sent(users["enforcer"], [ids[0]], receipts={ids[0]: "1150000000009"})
    with db.read() as s:
        assert registers.unfit_count(s, users["enforcer"], spec, BATCH_SEND, ids[1:]) == 0
        assert registers.unfit_count(s, users["enforcer"], spec, BATCH_SEND, ids) == 1


def test_the_reference_list_of_units_loads_once_and_units_are_editable(db, users):
    service = UnitService(db)
    assert service.load_reference_list(users["enforcer"]) == 0  # the demo loaded it already
    unit = service.add(users["enforcer"], {"name": "廊坊经济技术开发区云鹏道街道办事处", "kind": "other",
                                            "postcode": "065001"})
    with pytest.raises(ValidationError, match="单位名称：「廊坊经济技术开发区云鹏道街道办事处」已在名录中"):
        service.add(users["enforcer"], {"name": "廊坊经济技术开发区云鹏道街道办事处"})
    with pytest.raises(ValidationError, match="邮政编码：应为 6 位数字"):
        service.update(users["enforcer"], unit.id, {"postcode": "0650"})
    changed = service.update(users["enforcer"], unit.id, {"name": "云鹏道街道办事处", "active": False})
    assert (changed.name, changed.active) == ("云鹏道街道办事处", False)
    with pytest.raises(PermissionDenied):
        service.add(users["clerk"], {"name": "某单位"})
