"""Introduction letters (介绍信): numbering at issue, voiding, the linked court-seal use, the handler's
signature, who may do what, and refused input that writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from courtdesk.areas.letters import document as intro_letter
from courtdesk.areas.letters.models import IntroductionLetter
from courtdesk.areas.letters.service import FILE_FIELDS, RECIPIENT_MAX_WIDTH, LetterService
from courtdesk.areas.seals.models import SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import clock, registers, workflow
from courtdesk.kernel.demo import tiny_png
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from tests.areas.letters.letters_helpers import NOW, letter_data, row_counts, wrong_check_digit


def _last_serial(db: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.max(IntroductionLetter.serial)).where(IntroductionLetter.year == 2026)) or 0)


def _file_and_issue(db: Any, users: dict[str, Any], **overrides: Any) -> IntroductionLetter:
    service = LetterService(db)
    letter = service.file(users["enforcer"], letter_data(users, **overrides))
    return service.act(users["clerk"], letter.id, "issue")


# --- numbering -----------------------------------------------------------------------------------

def test_number_is_taken_when_issued_and_a_refused_request_takes_none(db, users):
    service = LetterService(db)
    last = _last_serial(db)
    refused = service.file(users["enforcer"], letter_data(users))
    assert refused.status == "requested" and refused.number is None
    kept = service.file(users["judge"], letter_data(users, recipient="北京市朝阳区人民法院"))
    service.act(users["clerk"], refused.id, "refuse", "事由不实")
    issued = service.act(users["clerk"], kept.id, "issue")
    assert issued.number == f"(2026)第{last + 1:04d}号"
    assert (issued.year, issued.serial) == (2026, last + 1)
    with db.read() as s:
        again = s.get(IntroductionLetter, refused.id)
        assert again.status == "refused" and again.number is None
        assert again.void_reason == "事由不实"


def test_voided_letter_keeps_its_number_and_the_next_letter_takes_the_next(db, users):
    service = LetterService(db)
    first = _file_and_issue(db, users)
    voided = service.act(users["clerk"], first.id, "void", "收件单位写错，作废重开")
    assert voided.status == "voided"
    assert voided.number == first.number
    second = _file_and_issue(db, users, recipient="廊坊市自然资源和规划局开发区分局")
    assert second.serial == first.serial + 1
    assert second.number == f"(2026)第{first.serial + 1:04d}号"
    spec = registers.get("introduction_letter")
    with db.read() as s:
        rows = registers.RegisterQuery(spec, search=first.number).page(s, users["clerk"], 0, 10)
        shown = [dict(zip([c.key for c in spec.columns], registers.display_row(spec, r), strict=True)) for r in rows]
    assert len(shown) == 1
    assert shown[0]["status"] == "已作废"
    assert shown[0]["void_reason"] == "收件单位写错，作废重开"


def test_void_needs_a_reason_and_writes_nothing_without_one(db, users):
    letter = _file_and_issue(db, users)
    before = row_counts(db)
    with pytest.raises(ValidationError, match="意见"):
        LetterService(db).act(users["clerk"], letter.id, "void", "  ")
    assert row_counts(db) == before
    with db.read() as s:
        assert s.get(IntroductionLetter, letter.id).status == "issued"


def test_numbers_restart_each_year(db, users):
    clock.set_now(dt.datetime(2027, 1, 4, 9, 0))
    letter = _file_and_issue(db, users)
    assert letter.number == "(2027)第0001号"
    assert letter.valid_until == dt.date(2027, 1, 10)  # 7 days counting the issue day


# --- the linked court-seal use ---------------------------------------------------------------------

def test_issuing_files_the_linked_court_seal_use_shown_in_the_seal_register(db, users):
    letter = _file_and_issue(db, users)
    assert letter.seal_use_id is not None
    with db.read() as s:
        use = s.get(SealUse, letter.seal_use_id)
        assert (use.source_entity, use.source_id) == ("introduction_letter", letter.id)
        assert use.seal.kind == "court"
        assert use.status == "submitted"
        assert use.signer_name == users["leader"].name  # the 签发领导 named on the request
        assert use.applicant_id == users["clerk"].id
        assert use.impressions == 2  # on the letter and across the tear line (骑缝)
        assert letter.number in use.title
        spec = registers.get("seal_use")
        rows = registers.RegisterQuery(spec, search=letter.number).page(s, users["office_head"], 0, 10)
    assert [r[0] for r in rows] == [use.id]

    # The seal rules stay as they are: a court leader signs, the custodian stamps with the scan.
    seals = SealService(db)
    with pytest.raises(PermissionDenied):
        seals.act(users["office_head"], use.id, "approve")
    seals.act(users["leader"], use.id, "approve", "同意")
    seals.attach_original(users["clerk"], use.id, "存根.png", tiny_png())
    stamped = seals.act(users["office_head"], use.id, "stamp", stamped_at=clock.now(), stamped_impressions=2)
    assert stamped.status == "stamped"


def test_voiding_a_letter_voids_its_unstamped_seal_use_but_not_a_stamped_one(db, users):
    service = LetterService(db)
    a = _file_and_issue(db, users)
    service.act(users["clerk"], a.id, "void", "打印错误")
    b = _file_and_issue(db, users)
    seals = SealService(db)
    seals.act(users["leader"], b.seal_use_id, "approve")
    seals.attach_original(users["clerk"], b.seal_use_id, "存根.png", tiny_png())
    seals.act(users["office_head"], b.seal_use_id, "stamp", stamped_at=clock.now(), stamped_impressions=2)
    service.act(users["office_head"], b.id, "void", "外出取消，已盖章的介绍信收回作废")
    with db.read() as s:
        use_a, use_b = s.get(SealUse, a.seal_use_id), s.get(SealUse, b.seal_use_id)
        assert use_a.status == "voided" and a.number in use_a.void_reason
        assert use_b.status == "stamped"


def test_a_court_seal_is_needed_to_issue(empty_db):
    from courtdesk.areas.system.demo import fill_people
    from courtdesk.kernel.demo import DemoContext

    ctx = DemoContext(empty_db)
    fill_people(ctx)
    users = ctx.users
    service = LetterService(empty_db)
    letter = service.file(users["enforcer"], letter_data(users))
    with pytest.raises(ValidationError, match="院印"):
        service.act(users["clerk"], letter.id, "issue")
    with empty_db.read() as s:
        assert s.get(IntroductionLetter, letter.id).number is None


# --- handler, issuer and who may do what -----------------------------------------------------------

def test_a_request_filed_for_another_handler_waits_for_his_signature(db, users):
    service = LetterService(db)
    letter = service.file(users["enforce_clerk"], letter_data(users, handler_id=users["enforcer"].id))
    assert letter.handler_id == users["enforcer"].id and letter.handler_signed_at is None
    with pytest.raises(ValidationError, match="承办人签名") as refused:
        service.act(users["clerk"], letter.id, "issue")
    assert "第二十条(2)" in str(refused.value)
    with pytest.raises(PermissionDenied, match="承办人本人"):
        service.act(users["enforce_clerk"], letter.id, "sign")
    service.act(users["enforcer"], letter.id, "sign")
    with pytest.raises(DomainError, match="已经签名"):
        service.act(users["enforcer"], letter.id, "sign")
    issued = service.act(users["clerk"], letter.id, "issue")
    assert issued.status == "issued" and issued.issuer_id == users["clerk"].id
    steps = [st.action for st in _history(db, letter.id)]
    assert steps == ["sign", "issue"]


def _history(db: Any, letter_id: int) -> list[Any]:
    with db.read() as s:
        return workflow.history(s, "introduction_letter", letter_id)


def test_only_the_office_clerk_issues_and_not_her_own_letter(db, users):
    service = LetterService(db)
    letter = service.file(users["enforcer"], letter_data(users))
    for who in ("enforcer", "office_head", "president"):
        with pytest.raises(PermissionDenied, match="办公室负责开具介绍信的文员"):
            service.act(users[who], letter.id, "issue")
    own = service.file(users["clerk"], letter_data(users))
    with pytest.raises(PermissionDenied, match="职责分离"):
        service.act(users["clerk"], own.id, "issue")


def test_used_and_returned(db, users):
    service = LetterService(db)
    a = _file_and_issue(db, users)
    with pytest.raises(PermissionDenied):
        service.act(users["judge"], a.id, "mark_used")  # neither handler, filer nor office
    used = service.act(users["enforcer"], a.id, "mark_used", "已办理")
    assert used.status == "used" and used.finished_at == NOW
    b = _file_and_issue(db, users)
    with pytest.raises(PermissionDenied, match="办公室"):
        service.act(users["enforcer"], b.id, "return")  # the office takes the letter back
    returned = service.act(users["clerk"], b.id, "return", "未外出")
    assert returned.status == "returned"
    with pytest.raises(DomainError, match="已交回"):
        service.act(users["clerk"], b.id, "void", "晚了")


# --- bad input: clear message naming the field, nothing written ------------------------------------

def _bearer(users: dict[str, Any], key: str = "enforcer", **changes: str) -> dict[str, str]:
    from courtdesk.areas.letters.demo import BEARERS

    title, number = BEARERS[key]
    out = {"name": users[key].name, "title": title, "id_number": number}
    out.update(changes)
    return out


BAD_INPUT = [
    ("validity 0", lambda u: {"validity_days": 0}, "有效期：至少 1 天"),
    ("validity negative", lambda u: {"validity_days": -3}, "有效期：至少 1 天"),
    ("validity 91", lambda u: {"validity_days": 91}, "有效期：不能超过 90 天"),
    ("validity text", lambda u: {"validity_days": "七天"}, "有效期：必须是整数"),
    ("validity empty", lambda u: {"validity_days": ""}, "有效期：必填"),
    ("id checksum", lambda u: {"bearers": [_bearer(u, id_number=wrong_check_digit(_bearer(u)["id_number"]))]},
     "持信人第1行 身份证号码：校验码错误"),
    ("id checksum second", lambda u: {"bearers": [
        _bearer(u), _bearer(u, "enforce_clerk", id_number=wrong_check_digit(_bearer(u, "enforce_clerk")["id_number"]))]},
     "持信人第2行 身份证号码：校验码错误"),
    ("id short", lambda u: {"bearers": [_bearer(u, id_number="13100319850312")]}, "持信人第1行 身份证号码：应为 18 位"),
    ("no bearers", lambda u: {"bearers": []}, "持信人：至少填写一人"),
    ("blank bearers", lambda u: {"bearers": [{"name": " ", "title": "", "id_number": ""}]}, "持信人：至少填写一人"),
    ("bearer without title", lambda u: {"bearers": [_bearer(u, title="")]}, "持信人第1行 职务：必填"),
    ("same person twice", lambda u: {"bearers": [_bearer(u), _bearer(u)]}, "持信人第2行 身份证号码：与第1行的号码相同"),
    ("five bearers", lambda u: {"bearers": [_bearer(u, k) for k in
                                            ("enforcer", "enforce_clerk", "enforce_head", "judge", "civil_clerk")]},
     "持信人：一封介绍信最多 4 人"),
    ("recipient too long", lambda u: {"recipient": "廊" * (RECIPIENT_MAX_WIDTH + 1)},
     f"收件单位：介绍信抬头「收件单位：」只能打印一行，最多 {RECIPIENT_MAX_WIDTH} 个汉字宽"),
    ("recipient empty", lambda u: {"recipient": "  "}, "收件单位：必填"),
    ("purpose empty", lambda u: {"purpose": ""}, "事由：必填"),
    ("purpose too long", lambda u: {"purpose": "查" * 41}, "事由：不能超过 40 个字"),
    ("no signer", lambda u: {"signer_id": None}, "签发领导：请选择"),
    ("signer not a leader", lambda u: {"signer_id": u["office_head"].id}, "签发领导：李强不是有权签发院印的院领导"),
    ("unknown handler", lambda u: {"handler_id": 99999}, "承办人：所选人员不存在"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(db, users, case, change, message):
    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        LetterService(db).file(users["enforcer"], letter_data(users, **change(users)))
    assert message in str(refused.value)
    assert refused.value.field and refused.value.field in str(refused.value)
    assert row_counts(db) == before


def test_bearer_rows_of_the_form_are_checked_by_position_and_blank_rows_are_left_out(db, users):
    """The form's 持信人 table sends its rows as shown (an added row left empty included): a bad ID
    is named by the row the user sees, and blank rows are not filed."""
    first, second = _bearer(users), _bearer(users, "enforce_clerk")
    blank = {"name": "", "title": " ", "id_number": ""}
    data = letter_data(users, bearers=[first, blank, {**second, "id_number": wrong_check_digit(second["id_number"])}])
    before = row_counts(db)
    with pytest.raises(ValidationError) as refused:
        LetterService(db).file(users["enforcer"], data)
    assert str(refused.value).startswith("持信人第3行 身份证号码：校验码错误")
    assert refused.value.field == "持信人第3行 身份证号码"
    assert FILE_FIELDS[1].names(refused.value.field)  # the form shows it under its 持信人 table
    assert row_counts(db) == before  # neither the letter nor its first bearer was written
    data["bearers"][2] = second
    letter = LetterService(db).file(users["enforcer"], data)
    assert letter.bearer_names == f"{first['name']}、{second['name']}" and letter.bearer_count == 2
    assert [(b.position, b.id_number) for b in letter.bearers] == [(1, first["id_number"]), (2, second["id_number"])]


def test_bearers_are_one_lines_field_of_the_form():
    field = next(f for f in FILE_FIELDS if f.key == "bearers")
    assert (field.kind, field.label, field.minimum, field.maximum) == ("lines", "持信人", 1, 4)
    assert [c.label for c in field.columns] == ["姓名", "职务", "身份证号码"]
    assert not any(f.key.startswith("bearer1") for f in FILE_FIELDS)


def test_recipient_limit_is_the_printed_line_of_the_letter(db, users):
    g = page_geometry(intro_letter.LETTER_PAGE)
    assert g.char_pitch is not None
    assert round(g.frame_width / g.char_pitch) == 28  # the GB/T 9704 line: 156 mm, 3号 on 28 characters
    assert RECIPIENT_MAX_WIDTH == 27  # minus the colon of 「收件单位：」
    longest = "廊" * RECIPIENT_MAX_WIDTH
    assert LetterService(db).file(users["enforcer"], letter_data(users, recipient=longest)).recipient == longest
    # Latin letters and digits print half as wide
    mixed = "廊" * (RECIPIENT_MAX_WIDTH - 2) + "ABCD"
    assert LetterService(db).file(users["enforcer"], letter_data(users, recipient=mixed)).recipient == mixed


def test_validity_bounds_are_accepted(db, users):
    service = LetterService(db)
    assert service.file(users["enforcer"], letter_data(users, validity_days=1)).validity_days == 1
    assert service.file(users["enforcer"], letter_data(users, validity_days="90")).validity_days == 90


def test_id_number_x_is_accepted_in_lower_case(db, users):
    number = "11010519491231002X"
    letter = LetterService(db).file(users["enforcer"], letter_data(
        users, bearers=[_bearer(users, id_number=number.lower())]))
    assert letter.bearers[0].id_number == number


def test_signature_confirmation_is_offered_to_the_handler_only_until_he_has_confirmed(db, users):
    from courtdesk.areas.letters.service import LETTER_WORKFLOW

    service = LetterService(db)
    letter = service.file(users["enforce_clerk"], letter_data(users, handler_id=users["enforcer"].id))
    handler = users["enforcer"]

    def offered() -> bool:
        with db.read() as s:
            record = s.get(IntroductionLetter, letter.id)
            return "sign" in [t.action for t in LETTER_WORKFLOW.available(handler, record)]

    assert offered()
    service.act(handler, letter.id, "sign")
    assert not offered()  # the button is gone …
    with pytest.raises(DomainError, match="已经签名确认"):  # … and the service still says why
        service.act(handler, letter.id, "sign")


def test_the_register_and_the_detail_name_the_signing_leader(db, users):
    from courtdesk.areas.letters.service import LETTER_REGISTER
    from courtdesk.kernel.registers import RegisterQuery, display_row

    letter = LetterService(db).file(users["enforcer"], letter_data(users))
    labels = [c.label for c in LETTER_REGISTER.columns]
    assert "签发领导" in labels
    with db.read() as s:
        signer = s.get(IntroductionLetter, letter.id).signer.name
        rows = list(RegisterQuery(LETTER_REGISTER).stream(s, users["clerk"]))
    shown = [display_row(LETTER_REGISTER, row) for row in rows]
    assert any(values[labels.index("签发领导")] == signer for values in shown)
