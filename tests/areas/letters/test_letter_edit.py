"""修改 of an introduction-letter request while it waits to be issued (待开具)."""

from __future__ import annotations

import pytest

from courtdesk.areas.letters.models import IntroductionLetter
from courtdesk.areas.letters.service import LETTER_REGISTER, LetterService
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.registers import edit_record
from tests.areas.letters.letters_helpers import letter_data


def _edit_data(letter: IntroductionLetter, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {"recipient": letter.recipient, "purpose": letter.purpose,
                               "validity_days": letter.validity_days, "remarks": letter.remarks}
    data.update(changes)
    return data


def test_filer_edits_a_request_and_the_other_handler_must_confirm_again(db, users):
    service = LetterService(db)
    letter = service.file(users["enforcer"], letter_data(users, handler_id=users["enforce_clerk"].id))
    service.act(users["enforce_clerk"], letter.id, "sign")
    edited = edit_record(db, users["enforcer"], LETTER_REGISTER, letter.id,
                         _edit_data(letter, recipient="廊坊市不动产登记中心", validity_days=10), "收件单位写错")
    assert (edited.recipient, edited.validity_days) == ("廊坊市不动产登记中心", 10)
    assert edited.handler_signed_at is None  # the handler signs what will be printed
    with pytest.raises(ValidationError, match="承办人签名"):
        service.act(users["clerk"], letter.id, "issue")


def test_letter_edit_keeps_the_filing_rules_and_stops_at_issue(db, users):
    service = LetterService(db)
    letter = service.file(users["enforcer"], letter_data(users))
    with pytest.raises(ValidationError, match="有效期"):
        edit_record(db, users["enforcer"], LETTER_REGISTER, letter.id, _edit_data(letter, validity_days=91), "改")
    with pytest.raises(PermissionDenied, match="申请人或承办人本人"):
        edit_record(db, users["judge"], LETTER_REGISTER, letter.id, _edit_data(letter, purpose="别的事由"), "改")
    service.act(users["clerk"], letter.id, "issue")
    with pytest.raises(DomainError, match="当前状态为「已开具」，不能修改"):
        edit_record(db, users["enforcer"], LETTER_REGISTER, letter.id, _edit_data(letter, purpose="别的事由"), "改")
    with db.read() as s:
        assert s.get(IntroductionLetter, letter.id).validity_days == letter.validity_days
