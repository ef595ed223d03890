"""The enforcement registers' commands through the generic command mechanism (courtdesk.kernel.registers):
who may run them, which selections they accept, what they ask and what they make (issue #4)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from courtdesk.areas.enforcement import CaseService, SeizureService
from courtdesk.areas.enforcement.common import case_choices
from courtdesk.areas.enforcement.letter_document import STANDARD_QUESTIONS
from courtdesk.areas.enforcement.models import (
    EnforcementCase,
    InvestigationLetter,
    RecipientUnit,
    SeizureNotice,
)
from courtdesk.kernel import printing, registers
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import clean
from courtdesk.kernel.registers import OUTPUT_DIR_ENV, command_fields, command_of, run_command
from tests.areas.enforcement.helpers import CASE_AGE, case_data, person_id, row_counts
from tests.areas.enforcement.test_seizures import add

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _output(tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path / "out"))


def spec_and(key: str, command: str):
    spec = registers.get(key)
    return spec, command_of(spec, command)


def fields_for(db, user, key: str, command: str, ids):
    spec, cmd = spec_and(key, command)
    with db.read() as s:
        return {f.key: f for f in command_fields(s, user, spec, cmd, ids)}


def run(db, user, key: str, command: str, ids, data=None, **kw):
    spec, cmd = spec_and(key, command)
    return run_command(db, user, spec, cmd, ids, data or {}, **kw)


def unit_ids(db, n: int) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(RecipientUnit.id).where(RecipientUnit.active.is_(True))
                              .order_by(RecipientUnit.sort, RecipientUnit.id).limit(n)))


# --- the mechanism: permission and selection -----------------------------------------------------

def test_each_register_declares_its_commands():
    assert [c.label for c in registers.get("enforcement_case").commands] == ["批量制作调查函", "新增当事人"]
    assert [c.label for c in registers.get("seizure").commands] == ["生成告知笔录"]
    assert [(c.label, c.selection) for c in registers.get("recipient_unit").commands] == [
        ("载入参考名录", "none"), ("停用", "many"), ("启用", "many")]
    _, batch = spec_and("enforcement_case", "letter_batch")
    assert batch.long and batch.selection == "one"
    assert [batch.accepts(n) for n in (0, 1, 2)] == [False, True, False]
    _, notice = spec_and("seizure", "notice")
    assert [notice.accepts(n) for n in (0, 1, 5)] == [False, True, True]


def test_only_enforcement_officers_may_run_them(db, users, case):
    before = row_counts(db)
    # A leader may read the case register but is no enforcement officer.
    with pytest.raises(PermissionDenied, match="只有执行干警可以执行「批量制作调查函」"):
        fields_for(db, users["leader"], "enforcement_case", "letter_batch", [case.id])
    with pytest.raises(PermissionDenied, match="只有执行干警可以执行「批量制作调查函」"):
        run(db, users["leader"], "enforcement_case", "letter_batch", [case.id], {"unit_ids": unit_ids(db, 2)})
    # A clerk of the office may not even open the register.
    with pytest.raises(PermissionDenied, match="您没有查看「执行案件」的权限"):
        run(db, users["clerk"], "enforcement_case", "add_party", [case.id], {"name": "王五"})
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "所选记录：请在表格中选择一条记录"),
        ("two", "所选记录：「批量制作调查函」一次只能对一条记录执行，现选了 2 条"),
        ("same", "所选记录：同一条记录选了两次"),
        ([999999], "所选记录：有 1 条记录不存在或不在您的查看范围内"),
    ],
)
def test_a_selection_that_does_not_fit_is_refused_and_nothing_is_written(db, users, today, case, ids, message):
    if ids == "two":
        ids = [case.id, CaseService(db).create(users["enforcer"], case_data(users, today)).id]
    elif ids == "same":
        ids = [case.id, case.id]
    before = row_counts(db)
    with pytest.raises(ValidationError, match=message) as info:
        run(db, users["enforcer"], "enforcement_case", "letter_batch", ids, {"unit_ids": unit_ids(db, 2)})
    assert info.value.field == "所选记录"
    assert row_counts(db) == before


# --- 批量制作调查函 ----------------------------------------------------------------------------------

def test_letter_batch_form_offers_the_cases_respondents_units_and_standard_questions(db, users, today, case):
    run(db, users["enforcer"], "enforcement_case", "add_party", [case.id], {
        "role": "respondent", "name": "王强", "id_number": person_id("13100219851111003"),
        "domicile": "河北省廊坊市经济技术开发区四海路8号"})
    form = fields_for(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id])
    assert list(form) == ["target_id", "unit_ids", "questions", "letter_date"]
    with db.read() as s:
        targets = form["target_id"].choices(s, users["enforcer"])
        units = form["unit_ids"].choices(s, users["enforcer"])
        active = s.scalars(select(RecipientUnit.id).where(RecipientUnit.active.is_(True))).all()
    assert [label.split("（")[0] for _, label in targets] == ["李娜", "王强"]
    assert form["target_id"].default == targets[0][0]
    assert form["unit_ids"].kind == "multichoice" and {v for v, _ in units} == set(active)
    assert form["questions"].default == "\n".join(STANDARD_QUESTIONS)
    assert form["letter_date"].default == today


def test_letter_batch_makes_one_pdf_of_numbered_letters(db, users, today, case, tmp_path):
    units = unit_ids(db, 3)
    calls: list[tuple[int, int]] = []
    result = run(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id],
                 {"unit_ids": units, "questions": "被执行人是否在此地居住？\n被执行人名下有无车辆？",
                  "letter_date": today}, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert result.pdf_path and result.pdf_path.startswith(str(tmp_path / "out"))
    assert case.number in result.pdf_path
    assert len(PdfReader(result.pdf_path).pages) == 9
    assert result.message.startswith("已制作调查函 3 份（") and "共 9 页" in result.message
    with db.read() as s:
        letters = s.scalars(select(InvestigationLetter).where(InvestigationLetter.id.in_(result.record_ids))).all()
        assert sorted(x.unit_id for x in letters) == sorted(units)
        assert {x.questions for x in letters} == {"被执行人是否在此地居住？\n被执行人名下有无车辆？"}


def test_letter_batch_refusals_name_the_field(db, users, today, case):
    before = row_counts(db)
    with pytest.raises(ValidationError, match="发往单位：至少选择一个单位"):
        run(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id], {"unit_ids": []})
    with pytest.raises(ValidationError, match="发函日期：不能晚于") as info:
        run(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id],
            {"unit_ids": unit_ids(db, 1), "letter_date": today + DAY})
    assert info.value.field == "发函日期"
    assert row_counts(db) == before
    CaseService(db).act(users["enforcer"], case.id, "close", close_mode="执行完毕")
    with pytest.raises(PermissionDenied, match="已结案（执行完毕），不能再发调查函"):
        fields_for(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id])


def test_cancelling_the_batch_voids_its_letters_and_leaves_no_file(db, users, today, case, tmp_path):
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 1:
            cancel.set()

    result = run(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id],
                 {"unit_ids": unit_ids(db, 4)}, progress=progress, cancel=cancel)
    assert result.pdf_path is None and result.message.startswith("已取消打印，未生成文件")
    assert not list((tmp_path / "out").glob("*.pdf"))
    with db.read() as s:
        statuses = s.scalars(select(InvestigationLetter.status).where(InvestigationLetter.id.in_(result.record_ids)))
        assert set(statuses) == {"voided"}


# --- 新增当事人 -------------------------------------------------------------------------------------

def test_add_party_refusal_is_shown_on_the_forms_field(db, users, case):
    before = row_counts(db)
    with pytest.raises(ValidationError) as info:
        run(db, users["enforcer"], "enforcement_case", "add_party", [case.id],
            {"role": "respondent", "name": "王强", "id_number": "131002198511110030", "domicile": "廊坊"})
    assert str(info.value).startswith("被执行人身份证号码：")
    form = fields_for(db, users["enforcer"], "enforcement_case", "add_party", [case.id])
    assert form["id_number"].names(info.value.field)  # the dialog shows it under 身份证号码或统一社会信用代码
    assert row_counts(db) == before
    result = run(db, users["enforcer"], "enforcement_case", "add_party", [case.id],
                 {"role": "applicant", "kind": "person", "name": "赵敏"})
    assert result.message == "已新增申请执行人：赵敏"
    with db.read() as s:
        assert s.get(EnforcementCase, case.id).applicant_names == "张伟、赵敏"


# --- 生成告知笔录 ------------------------------------------------------------------------------------

def test_notice_from_selected_seizures_previews_the_transcript(db, users, today, case):
    house = add(db, users, case, kind="real_estate", start=today - 30 * DAY, what="云鹏道99号房产")
    deposit = add(db, users, case, kind="deposit", start=today - 30 * DAY, what="工商银行账户存款")
    form = fields_for(db, users["enforcer"], "seizure", "notice", [house.id, deposit.id])
    assert {k: f.default for k, f in form.items() if k != "held_at"} == {
        "place": "廊坊经济技术开发区人民法院执行局", "judge_name": "黄磊", "clerk_name": "何佳", "party_name": "张伟"}
    _, cmd = spec_and("seizure", "notice")
    with db.read() as s:
        intro = cmd.describe(s, users["enforcer"], [house.id, deposit.id])
    assert "告知以下 2 项" in intro and "1. 查封：云鹏道99号房产" in intro and "2. 冻结：工商银行账户存款" in intro
    result = run(db, users["enforcer"], "seizure", "notice", [house.id, deposit.id], {"party_name": "张伟（本人）"})
    kind, notice_id = result.document
    assert kind == "seizure_transcript" and result.record_ids == (notice_id,)
    with db.read() as s:
        notice = s.get(SeizureNotice, notice_id)
        assert [i.seizure_id for i in notice.items] == [house.id, deposit.id]
        assert notice.party_name == "张伟（本人）"
        printing.record_document(s, kind, notice_id)  # the preview can build it


def test_notice_refuses_rows_of_two_cases_and_measures_no_longer_in_force(db, users, today, case):
    other = CaseService(db).create(users["enforcer"], case_data(users, today, filed_days_ago=CASE_AGE))
    mine = add(db, users, case, start=today - 3 * DAY)
    theirs = add(db, users, other, start=today - 3 * DAY)
    expired = add(db, users, case, kind="movable", start=today - 100 * DAY, end=today - DAY, what="挖掘机一台")
    released = add(db, users, case, kind="movable", start=today - 3 * DAY, what="装载机一台")
    SeizureService(db).release(users["enforcer"], released.id, reason="执行完毕")
    before = row_counts(db)
    with pytest.raises(ValidationError, match="一份告知笔录只告知一个案件的措施，所选各项涉及 2 个案件"):
        fields_for(db, users["enforcer"], "seizure", "notice", [mine.id, theirs.id])
    with pytest.raises(ValidationError, match="一份告知笔录只告知一个案件的措施"):
        run(db, users["enforcer"], "seizure", "notice", [mine.id, theirs.id])
    with pytest.raises(ValidationError, match=f"「挖掘机一台」的期限已于 {today - DAY:%Y-%m-%d} 届满，不能再告知续行"):
        run(db, users["enforcer"], "seizure", "notice", [mine.id, expired.id])
    with pytest.raises(ValidationError, match="「装载机一台」已解除，不能再告知"):
        fields_for(db, users["enforcer"], "seizure", "notice", [released.id])
    with pytest.raises(ValidationError, match="所选记录：请在表格中选择至少一条记录"):
        run(db, users["enforcer"], "seizure", "notice", [])
    assert row_counts(db) == before


# --- the seizure form and the unit list --------------------------------------------------------

def test_the_seizure_form_offers_the_officers_open_cases(db, users, today, case):
    with db.read() as s:
        mine = {v for v, _ in case_choices(s, users["enforcer"])}
        head = {v for v, _ in case_choices(s, users["enforce_head"])}
        open_cases = set(s.scalars(select(EnforcementCase.id).where(EnforcementCase.status != "closed")))
        others = set(s.scalars(select(EnforcementCase.id).where(
            EnforcementCase.officer_id != users["enforcer"].id, EnforcementCase.clerk_id != users["enforcer"].id)))
    assert case.id in mine and mine <= open_cases and not mine & others
    assert head == open_cases  # the bureau's head registers for any open case


def test_unit_list_commands(db, users, today, case):
    result = run(db, users["enforcer"], "recipient_unit", "load_reference", [])
    assert result.message == "参考名录中的单位都已在名录中，未新增"
    stopped = unit_ids(db, 2)
    assert run(db, users["admin"], "recipient_unit", "deactivate", stopped).message == "已停用 2 个单位"
    form = fields_for(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id])
    with db.read() as s:
        offered = {v for v, _ in form["unit_ids"].choices(s, users["enforcer"])}
        assert not offered & set(stopped)
        with pytest.raises(ValidationError, match="发往单位：所选的「.*」不在可选范围内"):
            clean((form["unit_ids"],), {"unit_ids": stopped}, session=s, actor=users["enforcer"])
    before = row_counts(db)
    with pytest.raises(ValidationError, match="已停用"):
        run(db, users["enforcer"], "enforcement_case", "letter_batch", [case.id], {"unit_ids": stopped})
    assert row_counts(db) == before
    with pytest.raises(PermissionDenied):
        run(db, users["leader"], "recipient_unit", "activate", stopped)
    assert run(db, users["enforcer"], "recipient_unit", "activate", stopped).message == "已启用 2 个单位"
