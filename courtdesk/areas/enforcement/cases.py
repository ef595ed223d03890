"""Enforcement cases (执行案件): number, parties, handling officer and clerk, and their state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.enforcement import rules
from courtdesk.areas.enforcement.common import (
    VISIBLE_TO,
    in_my_charge,
    load_case,
    my_cases,
    require_enforcement,
    user_choices,
)
from courtdesk.areas.enforcement.letters import LETTER_BATCH
from courtdesk.areas.enforcement.models import (
    CLOSE_MODES,
    PARTY_KINDS,
    PARTY_ROLES,
    EnforcementCase,
    EnforcementParty,
)
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.kernel import clock, money, settings, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import NotFound, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.registers import Column, Command, CommandResult, Filter, RegisterSpec, service_act
from courtdesk.kernel.rules import holds, over
from courtdesk.kernel.workflow import Transition, Workflow, src

REGISTER_KEY = "enforcement_case"
MAX_PARTIES = 20


# --- parties -------------------------------------------------------------------------------------

def _kind_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    return list(PARTY_KINDS.items())


def clean_party(role: str, data: dict[str, Any], who: str) -> dict[str, Any]:
    """Check one party. A respondent needs an identity number and a domicile (the letters print them)."""
    kind = data.get("kind") or "person"
    if kind not in PARTY_KINDS:
        raise ValidationError(f"{who}类型：应为 自然人 或 法人或其他组织", field=f"{who}类型")
    respondent = role == "respondent"
    return {
        "kind": kind,
        "name": validation.text(data.get("name"), f"{who}姓名或名称", max_len=100),
        "id_number": rules.party_id_number(kind, data.get("id_number"), who, required=respondent),
        "domicile": validation.text(data.get("domicile"), f"{who}住所地", max_len=200, required=respondent),
        "phone": validation.text(data.get("phone"), f"{who}联系电话", max_len=40, required=False),
    }


def _parties_from(data: dict[str, Any], role: str, label: str) -> list[dict[str, Any]]:
    """``data[role + "s"]`` (a list of dicts) or the flat form fields ``<role>_name`` …"""
    listed = data.get(f"{role}s")
    if listed is None:
        flat = {key: data.get(f"{role}_{key}") for key in ("name", "kind", "id_number", "domicile", "phone")}
        listed = [flat] if any(v not in (None, "") for v in flat.values()) else []
    if not listed:
        raise ValidationError(f"{label}：至少填写一位{label}", field=label)
    if len(listed) > MAX_PARTIES:
        raise ValidationError(f"{label}：一案最多登记 {MAX_PARTIES} 位", field=label)
    out = []
    for i, party in enumerate(listed, 1):
        who = label if len(listed) == 1 else f"第{i}位{label}"
        out.append(clean_party(role, party, who))
    return out


def _names(parties: Sequence[EnforcementParty | dict[str, Any]]) -> str:
    names = [p["name"] if isinstance(p, dict) else p.name for p in parties]
    return "、".join(names)[:300]


def refresh_names(case: EnforcementCase) -> None:
    case.applicant_names = _names(case.applicants)
    case.respondent_names = _names(case.respondents)


# --- the case form -------------------------------------------------------------------------------

CASE_FIELDS: tuple[FormField, ...] = (
    FormField("number", "案号", "text", max_len=40, help=f"如 {rules.CASE_NUMBER_EXAMPLE}"),
    FormField("filed_on", "立案日期", "date"),
    FormField("cause", "案由", "text", max_len=60, help="如 民间借贷纠纷"),
    FormField("basis", "执行依据", "text", required=False, max_len=200,
              help="如 (2025)冀1091民初1234号民事判决书"),
    FormField("amount", "申请执行标的（元）", "text", required=False, max_len=20),
    FormField("officer_id", "承办人", "choice", choices=user_choices),
    FormField("clerk_id", "书记员", "choice", choices=user_choices),
    FormField("applicant_name", "申请执行人", "text", max_len=100),
    FormField("applicant_kind", "申请执行人类型", "choice", choices=_kind_choices, default="person"),
    FormField("applicant_id_number", "申请执行人身份证号码或统一社会信用代码", "text", required=False, max_len=18,
              aliases=("申请执行人身份证号码", "申请执行人统一社会信用代码")),
    FormField("applicant_domicile", "申请执行人住所地", "text", required=False, max_len=200),
    FormField("respondent_name", "被执行人", "text", max_len=100),
    FormField("respondent_kind", "被执行人类型", "choice", choices=_kind_choices, default="person"),
    FormField("respondent_id_number", "被执行人身份证号码或统一社会信用代码", "text", max_len=18,
              aliases=("被执行人身份证号码", "被执行人统一社会信用代码"),
              help="自然人填 18 位公民身份号码，法人或其他组织填统一社会信用代码"),
    FormField("respondent_domicile", "被执行人住所地", "text", max_len=200),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)
_CORE_FIELDS = tuple(f for f in CASE_FIELDS if not f.key.startswith(("applicant_", "respondent_")))


def _staff(session: Session, user_id: Any, label: str) -> User:
    user = session.get(User, user_id) if user_id not in (None, "") else None
    if user is None or not user.active:
        raise ValidationError(f"{label}：请选择在册的执行干警", field=label)
    if not user.has(ENFORCEMENT):
        raise ValidationError(f"{label}：{user.name} 不是执行干警，不能担任{label}", field=label)
    return user


def _clean_case(session: Session, data: dict[str, Any], *, exclude_id: int | None = None) -> dict[str, Any]:
    fields = clean(_CORE_FIELDS, data)
    today = clock.today()
    filed_on: dt.date = fields["filed_on"]
    validation.not_future(filed_on, "立案日期")
    number = rules.parse_case_number(fields["number"], court_code=settings.get(session, "court_code"),
                                     filed_on=filed_on, today=today)
    clash = session.scalar(select(EnforcementCase).where(EnforcementCase.number == number.text,
                                                         EnforcementCase.id != (exclude_id or 0)))
    if clash is not None:
        raise ValidationError(f"案号：{number.text} 已登记（承办人 {clash.officer.name}），不能重复登记",
                              field="案号")
    officer = _staff(session, fields["officer_id"], "承办人")
    clerk = _staff(session, fields["clerk_id"], "书记员")
    amount = fields["amount"]
    fields.update(
        number=number,
        officer=officer,
        clerk=clerk,
        amount_fen=money.to_fen(money.parse_amount(amount, "申请执行标的")) if amount else None,
    )
    return fields


class CaseService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, actor: User, data: dict[str, Any]) -> EnforcementCase:
        require_enforcement(actor, "登记执行案件")
        applicants = _parties_from(data, "applicant", "申请执行人")
        respondents = _parties_from(data, "respondent", "被执行人")
        with self.db.write(actor) as s:
            f = _clean_case(s, data)
            number: rules.CaseNumber = f["number"]
            case = EnforcementCase(
                number=number.text, year=number.year, court_code=number.court_code,
                case_type=number.case_type, sequence=number.sequence, status=CASE_WORKFLOW.initial,
                cause=f["cause"], basis=f["basis"], amount_fen=f["amount_fen"], filed_on=f["filed_on"],
                officer_id=f["officer"].id, clerk_id=f["clerk"].id, remarks=f["remarks"],
                applicant_names=_names(applicants), respondent_names=_names(respondents),
                created_by_id=actor.id,
            )
            s.add(case)
            s.flush()
            for role, parties in (("applicant", applicants), ("respondent", respondents)):
                for seq, party in enumerate(parties, 1):
                    s.add(EnforcementParty(case_id=case.id, role=role, seq=seq, **party))
            s.flush()
            s.refresh(case)
            return case

    def update(self, actor: User, case_id: int, data: dict[str, Any]) -> EnforcementCase:
        """Correct the case's own fields (number, dates, cause, officer, clerk …); parties apart."""
        require_enforcement(actor, "修改执行案件")
        with self.db.write(actor) as s:
            case = load_case(s, case_id)
            merged = {f.key: getattr(case, f.key, None) for f in _CORE_FIELDS}
            merged["amount"] = str(money.from_fen(case.amount_fen)) if case.amount_fen is not None else ""
            merged.update(data)
            f = _clean_case(s, merged, exclude_id=case.id)
            number: rules.CaseNumber = f["number"]
            case.number, case.year, case.court_code = number.text, number.year, number.court_code
            case.case_type, case.sequence = number.case_type, number.sequence
            case.cause, case.basis, case.amount_fen = f["cause"], f["basis"], f["amount_fen"]
            case.filed_on, case.remarks = f["filed_on"], f["remarks"]
            case.officer_id, case.clerk_id = f["officer"].id, f["clerk"].id
            return case

    def add_party(self, actor: User, case_id: int, role: str, data: dict[str, Any]) -> EnforcementParty:
        require_enforcement(actor, "登记执行案件当事人")
        label = _role_label(role)
        cleaned = clean_party(role, data, label)
        with self.db.write(actor) as s:
            case = load_case(s, case_id)
            existing = case.of_role(role)
            if len(existing) >= MAX_PARTIES:
                raise ValidationError(f"{label}：一案最多登记 {MAX_PARTIES} 位", field=label)
            party = EnforcementParty(case_id=case.id, role=role, seq=len(existing) + 1, **cleaned)
            s.add(party)
            s.flush()
            s.refresh(case)
            refresh_names(case)
            return party

    def update_party(self, actor: User, party_id: int, data: dict[str, Any]) -> EnforcementParty:
        require_enforcement(actor, "修改执行案件当事人")
        with self.db.write(actor) as s:
            party = s.get(EnforcementParty, party_id)
            if party is None:
                raise NotFound("当事人：该当事人不存在", field="当事人")
            current = {k: getattr(party, k) for k in ("kind", "name", "id_number", "domicile", "phone")}
            cleaned = clean_party(party.role, {**current, **data}, party.role_label)
            for key, value in cleaned.items():
                setattr(party, key, value)
            s.flush()
            refresh_names(party.case)
            return party

    def act(self, actor: User, case_id: int, action: str, comment: str = "", **params: Any) -> EnforcementCase:
        with self.db.write(actor) as s:
            case = load_case(s, case_id)
            CASE_WORKFLOW.fire(s, actor, case, action, comment, **params)
            return case

    @staticmethod
    def get(session: Session, case_id: int) -> EnforcementCase:
        return load_case(session, case_id)


def _role_label(role: str) -> str:
    if role == "applicant":
        return "申请执行人"
    if role == "respondent":
        return "被执行人"
    raise ValidationError("当事人地位：应为 申请执行人 或 被执行人", field="当事人地位")


# --- workflow ------------------------------------------------------------------------------------

@over(lambda: select(EnforcementCase.id))
def _officer_or_head(actor: User) -> ColumnElement[bool]:
    """An enforcement officer on his own cases (承办人 or 书记员); the bureau's head on every case."""
    return and_(holds(actor.has(ENFORCEMENT)), in_my_charge(actor))


CLOSE_FIELDS: tuple[FormField, ...] = (
    FormField("close_mode", "结案方式", "choice", choices=lambda s, a: [(m, m) for m in CLOSE_MODES]),
    FormField("closed_on", "结案日期", "date"),
)


def _close_guard(session: Session, actor: User, case: EnforcementCase, values: dict[str, Any]) -> None:
    if values["close_mode"] not in CLOSE_MODES:
        raise ValidationError("结案方式：请选择 " + "、".join(CLOSE_MODES), field="结案方式")
    closed_on: dt.date = values["closed_on"]
    validation.not_future(closed_on, "结案日期")
    if closed_on < case.filed_on:
        raise ValidationError(f"结案日期：不能早于立案日期（{case.filed_on:%Y-%m-%d}）", field="结案日期")


def _close_effect(session: Session, actor: User, case: EnforcementCase, values: dict[str, Any]) -> None:
    case.close_mode = values["close_mode"]
    case.closed_on = values["closed_on"]


CASE_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={"open": "执行中", "suspended": "中止执行", "closed": "已结案"},
    initial="open",
    transitions=(
        Transition("suspend", "中止执行", src("open"), "suspended", _officer_or_head, "本案承办人、书记员或执行局负责人",
                   comment_required=True),
        Transition("resume", "恢复执行", src("suspended"), "open", _officer_or_head, "本案承办人、书记员或执行局负责人"),
        Transition("close", "结案", src("open", "suspended"), "closed", _officer_or_head,
                   "本案承办人、书记员或执行局负责人", guard=_close_guard, effect=_close_effect, fields=CLOSE_FIELDS,
                   defaults=lambda: {"closed_on": clock.today()}),
    ),
)


# --- 新增当事人 (the case form registers one applicant and one respondent) ----------------------------

def _role_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    return list(PARTY_ROLES.items())


PARTY_FIELDS: tuple[FormField, ...] = (
    FormField("role", "诉讼地位", "choice", choices=_role_choices, default="respondent",
              aliases=("当事人地位",)),
    FormField("kind", "类型", "choice", choices=_kind_choices, default="person",
              aliases=tuple(f"{w}类型" for w in PARTY_ROLES.values())),
    FormField("name", "姓名或名称", "text", max_len=100,
              aliases=tuple(f"{w}姓名或名称" for w in PARTY_ROLES.values())),
    FormField("id_number", "身份证号码或统一社会信用代码", "text", required=False, max_len=18,
              help="被执行人必填：自然人填 18 位公民身份号码，法人或其他组织填统一社会信用代码",
              aliases=tuple(f"{w}{k}" for w in PARTY_ROLES.values() for k in ("身份证号码", "统一社会信用代码"))),
    FormField("domicile", "住所地", "text", required=False, max_len=200, help="被执行人必填（调查函上印出）",
              aliases=tuple(f"{w}住所地" for w in PARTY_ROLES.values())),
    FormField("phone", "联系电话", "text", required=False, max_len=40,
              aliases=tuple(f"{w}联系电话" for w in PARTY_ROLES.values())),
)


def _party_fields(session: Session, actor: User, case_ids: list[int]) -> tuple[FormField, ...]:
    case = load_case(session, case_ids[0])
    if case.status == "closed":
        raise ValidationError(f"执行案件：{case.number} 已结案，不能再新增当事人", field="执行案件")
    return PARTY_FIELDS


def _party_intro(session: Session, actor: User, case_ids: list[int]) -> str:
    case = load_case(session, case_ids[0])
    return (f"为 {case.number} 新增当事人。现有申请执行人：{case.applicant_names or '无'}；"
            f"被执行人：{case.respondent_names or '无'}。")


def _party_run(db: Database, actor: User, case_ids: list[int], data: dict[str, Any], progress: Any,
               cancel: Any) -> CommandResult:
    role = data.get("role") or "respondent"
    party = CaseService(db).add_party(actor, case_ids[0], role, data)
    return CommandResult(f"已新增{party.role_label}：{party.name}", record_ids=(case_ids[0],))


ADD_PARTY = Command(
    key="add_party",
    label="新增当事人",
    may=lambda actor: actor.has(ENFORCEMENT),
    who="执行干警",
    selection="one",
    fields=_party_fields,
    run=_party_run,
    intro=_party_intro,
    ok_text="保存",
    help="为选中的案件增加申请执行人或被执行人（登记案件时各填一位）",
)


# --- register ------------------------------------------------------------------------------------

_Officer = aliased(User)
_Clerk = aliased(User)


def _base() -> Any:
    return (
        select(EnforcementCase.id)
        .select_from(EnforcementCase)
        .join(_Officer, _Officer.id == EnforcementCase.officer_id)
        .join(_Clerk, _Clerk.id == EnforcementCase.clerk_id)
    )


CASE_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="执行案件",
    model=EnforcementCase,
    columns=(
        Column("number", "案号", EnforcementCase.number, 18),
        Column("filed_on", "立案日期", EnforcementCase.filed_on, 10, "date"),
        Column("cause", "案由", EnforcementCase.cause, 12),
        Column("applicants", "申请执行人", EnforcementCase.applicant_names, 16),
        Column("respondents", "被执行人", EnforcementCase.respondent_names, 16),
        Column("amount", "执行标的", EnforcementCase.amount_fen, 11, "money"),
        Column("officer", "承办人", _Officer.name, 8),
        Column("clerk", "书记员", _Clerk.name, 8),
        Column("status", "状态", EnforcementCase.status, 8, "status"),
        Column("close_mode", "结案方式", EnforcementCase.close_mode, 12),
        Column("closed_on", "结案日期", EnforcementCase.closed_on, 10, "date"),
    ),
    base=_base,
    search=(EnforcementCase.number, EnforcementCase.cause, EnforcementCase.applicant_names,
            EnforcementCase.respondent_names, _Officer.name, EnforcementCase.basis),
    date_expr=EnforcementCase.filed_on,
    default_sort=("filed_on", True),
    workflow=CASE_WORKFLOW,
    filters=(
        Filter("mine", "我承办的", my_cases),
        Filter("open", "执行中", lambda a: EnforcementCase.status == "open"),
        Filter("suspended", "中止执行", lambda a: EnforcementCase.status == "suspended"),
        Filter("closed", "已结案", lambda a: EnforcementCase.status == "closed"),
    ),
    visible_to=VISIBLE_TO,
    form=CASE_FIELDS,
    create=lambda db, actor, data: CaseService(db).create(actor, data),
    create_label="登记执行案件",
    may_create=lambda a: a.has(ENFORCEMENT),
    create_who="执行干警",
    act=service_act(CaseService),
    commands=(LETTER_BATCH, ADD_PARTY),
)
