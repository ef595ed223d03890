"""A receipt is reimbursed once (《办公室财务管理办法》第6条), whatever way its number is typed: the
same receipt with a space, full-width digits, a leading zero, a hyphen, a zero-width space or lower
case is found on any other claim and refused, naming that claim; two receipts that share a 号码 but
not a 发票代码 are two receipts."""

from __future__ import annotations

import datetime as dt

import pytest

from courtdesk.areas.finance import invoices
from courtdesk.areas.finance.claims import ClaimService
from courtdesk.kernel.errors import ValidationError
from tests.areas.finance.helpers import general_data

CODE = "144031900111"
NUMBER = "04401234"

DISGUISES = {
    "a space": ("144031900111", "0440 1234"),
    "full-width digits": ("１４４０３１９００１１１", "０４４０１２３４"),
    "no leading zero": ("144031900111", "4401234X"[:7]),
    "a hyphen": ("1440-3190-0111", "0440-1234"),
    "a zero-width space": ("144031900111", "0440\u200b1234"),
    "tabs and a soft hyphen": ("\t144031900111 ", "04401\u00ad234"),
}
#: Disguises the text check refuses at the field before the receipt register ever compares them.
INVISIBLE = ("a zero-width space", "tabs and a soft hyphen")


def _receipt(code: str, number: str, receipt_type: str = "增值税普通发票", amount: str = "860.00") -> dict:
    return {"receipt_type": receipt_type, "invoice_code": code, "invoice_number": number,
            "issued_on": dt.date(2026, 11, 28), "amount": amount, "line_no": 1}


def _claim(db, users, who: str, receipt: dict, amount: str = "860.00") -> int:
    service = ClaimService(db)
    data = general_data(amount, receipt_rows=[receipt])
    cid = service.file(users[who], data).id
    service.act(users[who], cid, "submit")
    return cid


@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_the_same_receipt_typed_differently_is_one_receipt(disguise):
    code, number = DISGUISES[disguise]
    assert invoices.same(invoices.identity(CODE, NUMBER), invoices.identity(code, number))


def test_lower_case_letters_are_the_same_ticket_number():
    assert invoices.same(invoices.identity("", "E05G012345"), invoices.identity("", "e05g０１２３４５"))


@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_a_disguised_receipt_on_a_second_claim_is_refused_naming_the_first(db, users, disguise):
    service = ClaimService(db)
    # a 发票号码 has 8 digits, so a dropped leading zero shows on a receipt of a freer type
    kind = "其他" if disguise == "no leading zero" else "增值税普通发票"
    first = _claim(db, users, "judge", _receipt(CODE, NUMBER, kind))
    service.act(users["finance_leader"], first, "approve")  # the first claim is clean
    with db.read() as s:
        from courtdesk.areas.finance.models import ExpenseClaim

        first_number = s.get(ExpenseClaim, first).number
    code, number = DISGUISES[disguise]
    if disguise in INVISIBLE:  # an invisible character never gets in at all (issue 19 §4)
        with pytest.raises(ValidationError) as refused:
            _claim(db, users, "enforcer", _receipt(code, number, kind))
        assert refused.value.field == "原始票据第1行 票据号码" and "看不见的字符" in str(refused.value)
        return
    second = _claim(db, users, "enforcer", _receipt(code, number, kind))
    with pytest.raises(ValidationError) as refused:
        service.act(users["finance_leader"], second, "approve")
    assert refused.value.field == "原始票据第1行 票据号码"
    assert f"已登记在报销单 {first_number} 中" in str(refused.value) and "第8条" in str(refused.value)


def test_two_taxi_receipts_with_one_number_and_different_codes_are_two_receipts(db, users):
    service = ClaimService(db)
    first = _claim(db, users, "judge", _receipt("144031900111", "00012345", "出租车票", "36.00"), "36.00")
    second = _claim(db, users, "enforcer", _receipt("144031900222", "00012345", "出租车票", "36.00"), "36.00")
    service.act(users["finance_leader"], first, "approve")
    service.act(users["finance_leader"], second, "approve")  # not a duplicate: another 发票代码
    # … and on one claim as two rows
    data = general_data("72.00", expense_lines=[{"category": "办公费", "description": "出租车", "amount": "72.00"}],
                        receipt_rows=[_receipt("144031900333", "00054321", "出租车票", "36.00"),
                                      _receipt("144031900444", "00054321", "出租车票", "36.00")])
    assert service.file(users["judge"], data).id


def test_a_full_electronic_invoice_number_is_its_identity(db, users):
    service = ClaimService(db)
    number = "24442000000012345678"
    first = _claim(db, users, "judge", _receipt("", number))
    service.act(users["finance_leader"], first, "approve")
    second = _claim(db, users, "enforcer", _receipt("", "2444 2000 0000 1234 5678"))
    with pytest.raises(ValidationError, match="已登记在报销单"):
        service.act(users["finance_leader"], second, "approve")


def test_a_receipt_without_a_code_matches_the_same_number_with_one(db, users):
    """Nothing tells an uncoded receipt from a coded one of the same number: it is refused, not paid twice."""
    service = ClaimService(db)
    first = _claim(db, users, "judge", _receipt(CODE, NUMBER))
    service.act(users["finance_leader"], first, "approve")
    second = _claim(db, users, "enforcer", _receipt("", NUMBER))
    with pytest.raises(ValidationError, match="已登记在报销单"):
        service.act(users["finance_leader"], second, "approve")


@pytest.mark.parametrize(("code", "number", "field", "words"), [
    ("1440", NUMBER, "发票代码", "发票代码应为 10–12 位数字"),
    (CODE, "4401234", "票据号码", "发票号码应为 8 位数字，或全电发票的 20 位数字"),
    (CODE, "24442000000012345678", "发票代码", "全电发票（20 位号码）没有发票代码"),
    ("", "发票一二三四", "票据号码", "发票号码应为 8 位数字"),
])
def test_a_malformed_code_or_number_is_refused_at_its_cell(db, users, code, number, field, words):
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["judge"], general_data(receipt_rows=[_receipt(code, number, amount="460.00")]))
    assert refused.value.field == f"原始票据第1行 {field}" and words in str(refused.value)


def test_the_same_receipt_twice_on_one_claim_is_refused_however_typed(db, users):
    data = general_data("920.00", expense_lines=[{"category": "办公费", "description": "硒鼓", "amount": "920.00"}],
                        receipt_rows=[_receipt(CODE, NUMBER, amount="460.00"),
                                      _receipt(CODE, "０４４０ １２３４", amount="460.00")])
    with pytest.raises(ValidationError) as refused:
        ClaimService(db).file(users["judge"], data)
    assert refused.value.field == "原始票据第2行 票据号码" and "与第1行是同一张票据" in str(refused.value)


def test_a_receipt_is_stored_as_normalised(db, users):
    cid = ClaimService(db).file(users["judge"], general_data(receipt_rows=[_receipt("1440 3190 0111", "０４４０-１２３４",
                                                                                    amount="460.00")])).id
    with db.read() as s:
        from courtdesk.areas.finance.models import ExpenseClaim

        receipt = s.get(ExpenseClaim, cid).receipts[0]
        assert (receipt.invoice_code, receipt.invoice_number, receipt.number_key) == ("144031900111", NUMBER,
                                                                                       "4401234")
