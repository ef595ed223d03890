"""Enforcement cases: the court's case number, parties with checked identity numbers, states (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from courtdesk.areas.enforcement import CaseService, rules
from courtdesk.areas.enforcement.models import EnforcementCase
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.settings import SettingsService
from tests.areas.enforcement.helpers import case_data, person_id, row_counts

VALID_USCC = "914403001922038216"  # a real 统一社会信用代码 (both check characters right)


def test_a_case_is_registered_with_its_parties(db, users, today):
    data = case_data(users, today, number=f"（{today.year}）冀1091执 123号")  # full-width brackets, a space
    case = CaseService(db).create(users["enforcer"], data)
    assert case.number == f"({today.year})冀1091执123号"
    assert (case.year, case.court_code, case.case_type, case.sequence) == (today.year, "冀1091", "执", 123)
    assert case.status == "open" and case.amount_fen == 3_500_000
    assert [p.name for p in case.applicants] == ["张伟"]
    assert [(p.name, p.id_label, p.domicile) for p in case.respondents] == [
        ("李娜", "身份证号", "河北省廊坊市经济技术开发区云鹏道99号")]
    assert (case.applicant_names, case.respondent_names) == ("张伟", "李娜")
    assert case.officer.name == "黄磊" and case.clerk.name == "何佳"


def test_several_parties_and_an_organisation_with_a_social_credit_code(db, users, today):
    data = case_data(users, today, applicants=[{"name": "廊坊市恒达建材有限公司", "kind": "organisation",
                                                 "id_number": VALID_USCC.lower()}],
                     respondents=[{"name": "李娜", "id_number": person_id("13100219900202002"), "domicile": "甲地"},
                                  {"name": "王强", "id_number": person_id("13100219910303003"), "domicile": "乙地"}])
    case = CaseService(db).create(users["enforcer"], data)
    assert case.applicants[0].id_number == VALID_USCC  # upper-cased
    assert case.applicants[0].id_label == "统一社会信用代码"
    assert case.respondent_names == "李娜、王强"
    party = CaseService(db).add_party(users["enforcer"], case.id, "respondent",
                                      {"name": "赵刚", "id_number": person_id("13100219920404004"), "domicile": "丙地"})
    assert party.seq == 3
    with db.read() as s:
        assert s.get(EnforcementCase, case.id).respondent_names == "李娜、王强、赵刚"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("2026冀1091执123号", "格式不对"),
        ("(2026)冀1091执123", "格式不对"),
        ("(2026)冀1091民初123号", "格式不对"),
        ("(2026)冀1002执123号", "法院代字应为本院的「冀1091」"),
        ("(2026)冀1091执破123号", "不是执行案件的类型代字"),
        ("(2026)冀1091执0123号", "前面不补 0"),
    ],
)
def test_malformed_case_numbers_are_refused_naming_the_field(db, users, today, number, words):
    number = number.replace("2026", str(today.year))
    before = row_counts(db)
    with pytest.raises(ValidationError, match=words) as info:
        CaseService(db).create(users["enforcer"], case_data(users, today, number=number))
    assert str(info.value).startswith("案号：")
    assert row_counts(db) == before


def test_case_number_year_must_match_the_filing_date(db, users, today):
    before = row_counts(db)
    filed = today - dt.timedelta(days=400)
    with pytest.raises(ValidationError, match=rf"案号：年度（{today.year}）应与立案日期的年份（{filed.year}）一致"):
        CaseService(db).create(users["enforcer"], case_data(users, today, filed_on=filed))
    assert row_counts(db) == before


def test_the_court_code_comes_from_the_settings(db, users, today):
    SettingsService(db).save(users["admin"], {"court_code": "冀1002"})
    with pytest.raises(ValidationError, match="法院代字应为本院的「冀1002」"):
        CaseService(db).create(users["enforcer"], case_data(users, today))
    case = CaseService(db).create(users["enforcer"], case_data(users, today, number=f"({today.year})冀1002执5号"))
    assert case.court_code == "冀1002"


def test_duplicate_case_numbers_are_refused(db, users, today, case):
    before = row_counts(db)
    with pytest.raises(ValidationError, match=re.escape(f"案号：{case.number} 已登记（承办人 黄磊）")):
        CaseService(db).create(users["enforce_head"], case_data(users, today, number=case.number,
                                                                filed_on=case.filed_on))
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"respondent_id_number": "131002199002020021"}, "被执行人身份证号码", "校验码错误"),
        ({"respondent_id_number": "13100219900231002X"}, "被执行人身份证号码", "出生日期不存在"),
        ({"respondent_id_number": ""}, "被执行人身份证号码", "必填"),
        ({"respondent_domicile": ""}, "被执行人住所地", "必填"),
        ({"applicant_id_number": "131002197501010010"}, "申请执行人身份证号码", "校验码错误"),
        ({"respondent_kind": "organisation", "respondent_id_number": VALID_USCC[:-1] + "7"},
         "被执行人统一社会信用代码", "校验码错误"),
        ({"respondent_kind": "organisation", "respondent_id_number": "91440300192203821I"},
         "被执行人统一社会信用代码", "不使用 I、O、Z、S、V"),
        ({"officer_id": None}, "承办人", "请选择"),
    ],
)
def test_bad_party_data_is_refused_naming_the_field(db, users, today, changes, field, words):
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        CaseService(db).create(users["enforcer"], case_data(users, today, **changes))
    assert str(info.value).startswith(f"{field}：") and words in str(info.value)
    assert row_counts(db) == before


def test_officer_and_clerk_must_be_enforcement_staff(db, users, today):
    with pytest.raises(ValidationError, match="承办人：郑洁 不是执行干警"):
        CaseService(db).create(users["enforcer"], case_data(users, today, officer_id=users["judge"].id))


def test_only_enforcement_staff_register_cases(db, users, today):
    before = row_counts(db)
    with pytest.raises(PermissionDenied, match="只有执行干警可以登记执行案件"):
        CaseService(db).create(users["clerk"], case_data(users, today))
    assert row_counts(db) == before


def test_case_states_suspend_resume_close(db, users, today, case):
    service = CaseService(db)
    with pytest.raises(ValidationError, match="意见：执行「中止执行」必须填写意见或理由"):
        service.act(users["enforcer"], case.id, "suspend")
    service.act(users["enforcer"], case.id, "suspend", "被执行人下落不明")
    service.act(users["enforcer"], case.id, "resume")
    with pytest.raises(PermissionDenied, match="本案承办人、书记员或执行局负责人"):
        service.act(users["judge"], case.id, "close", close_mode="执行完毕")
    with pytest.raises(ValidationError, match="结案方式"):
        service.act(users["enforcer"], case.id, "close", close_mode="随便")
    closed = service.act(users["enforcer"], case.id, "close", close_mode="终结本次执行程序")
    assert (closed.status, closed.close_mode, closed.closed_on) == ("closed", "终结本次执行程序", today)
    with pytest.raises(DomainError, match="当前状态为「已结案」"):
        service.act(users["enforcer"], case.id, "suspend", "再中止")


def test_a_case_can_be_corrected_but_not_onto_another_number(db, users, today, case):
    other = CaseService(db).create(users["enforcer"], case_data(users, today, filed_on=case.filed_on,
                                                                number=f"({case.filed_on.year})冀1091执4321号"))
    with pytest.raises(ValidationError, match="已登记"):
        CaseService(db).update(users["enforcer"], case.id, {"number": other.number})
    fixed = CaseService(db).update(users["enforcer"], case.id, {"cause": "借款合同纠纷",
                                                                  "clerk_id": users["enforce_head"].id})
    assert (fixed.cause, fixed.clerk_id, fixed.number) == ("借款合同纠纷", users["enforce_head"].id, case.number)


def test_uscc_check_characters():
    assert rules.uscc(VALID_USCC) == VALID_USCC
    assert rules.uscc("91330000142916567N") == "91330000142916567N"
    with pytest.raises(ValidationError, match="第 9–17 位的组织机构代码校验码不对"):
        body = "91330000142916568"  # org-code check digit wrong, then make the GB 32100 check right
        rules.uscc(body + rules.uscc_check_char(body))
