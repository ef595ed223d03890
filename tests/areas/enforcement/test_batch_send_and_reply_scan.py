"""批量登记寄出 for selected letters (date, way of sending, each letter's 邮寄单号; all or none), and
回复登记 with the scanned 复函 kept as an attachment (issue 9 item 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courtdesk.areas.enforcement import CaseService, LetterService, generate_batch
from courtdesk.areas.enforcement.models import InvestigationLetter
from courtdesk.kernel import attachments, clock
from courtdesk.kernel.demo import tiny_png
from courtdesk.kernel.errors import ValidationError
from tests.areas.enforcement.helpers import CASE_AGE, case_data, row_counts
from tests.areas.enforcement.test_commands import fields_for, run, unit_ids


@pytest.fixture
def letters(db, users, tmp_path):
    clock.set_now(None)
    today = clock.today()
    case = CaseService(db).create(users["enforcer"], case_data(users, today, filed_days_ago=CASE_AGE))
    outcome = generate_batch(db, users["enforcer"], case.id, unit_ids(db, 3), tmp_path / "x.pdf")
    return list(outcome.letter_ids)


def test_selected_letters_are_registered_as_sent_at_once(db, users, letters):
    fields = fields_for(db, users["enforcer"], "outgoing_letter", "batch_send", letters)
    assert {"sent_on", "sent_via", *(f"receipt_{i}" for i in letters)} == set(fields)
    receipts = {f"receipt_{i}": f"1150000012{n:02d}" for n, i in enumerate(letters)}
    result = run(db, users["enforcer"], "outgoing_letter", "batch_send", letters,
                 {"sent_on": clock.today(), "sent_via": "post", **receipts})
    assert result.message == "已登记寄出调查函 3 份"
    with db.read() as s:
        stored = {x.id: x for x in s.scalars(select(InvestigationLetter).where(InvestigationLetter.id.in_(letters)))}
    assert {x.status for x in stored.values()} == {"sent"}
    assert [stored[i].postal_receipt for i in letters] == [receipts[f"receipt_{i}"] for i in letters]


def test_one_missing_receipt_refuses_the_whole_batch_naming_the_letter(db, users, letters):
    before = row_counts(db)
    data = {"sent_on": clock.today(), "sent_via": "post", f"receipt_{letters[0]}": "115000001200"}
    with pytest.raises(ValidationError) as refused:
        run(db, users["enforcer"], "outgoing_letter", "batch_send", letters, data)
    with db.read() as s:
        second = s.get(InvestigationLetter, letters[1])
        assert str(refused.value).startswith(f"{second.number}（{second.unit_name}）— 邮寄单号")
    assert row_counts(db) == before  # all or none


def test_letters_already_sent_cannot_be_sent_again(db, users, letters):
    LetterService(db).record_sent(users["enforcer"], letters[:1], receipts={letters[0]: "115000001299"})
    with pytest.raises(ValidationError, match="只有「已制作待寄出」的调查函可以登记寄出"):
        fields_for(db, users["enforcer"], "outgoing_letter", "batch_send", letters)


def test_the_reply_is_registered_with_its_scanned_reply_letter(db, users, letters):
    service = LetterService(db)
    service.record_sent(users["enforcer"], letters[:1], receipts={letters[0]: "115000001277"})
    service.act(users["enforcer"], letters[0], "reply", replied_on=clock.today(), reply_via="post",
                reply_note="被执行人在我行无存款", reply_scan=("复函.bat", tiny_png()))
    with db.read() as s:
        kept = attachments.list_for(s, "outgoing_letter", letters[0], "复函扫描件")
        assert [a.filename for a in kept] == ["复函.png"]  # named by its content
        assert s.get(InvestigationLetter, letters[0]).status == "replied"
