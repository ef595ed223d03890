"""运行维护外包 (《信息化网络管理暂行规定》第9–13条): the contracts with the maintenance providers, their
运维人员 and the yearly appraisal.

- 登记 by 信建办 (第5条、第6条): the provider and its IT服务资质 (第11条), the contract number and period
  (第12条), the services (第13条(1)–(8)), the quality criteria and 考核办法 (第10条、第12条), and the
  运维人员 it sends with the dates of their 保密 training and 保密承诺书.
- 运维人员 work on the court's network and must be bound by its confidentiality rules (第11条(3): the
  provider has sound 安全保密制度; 第8条: those who run the network are 涉密人员): a contract with an
  operator on site lacking the training or the commitment is flagged (live 保密手续 column, notice).
  An operator with an account may be linked to it: a training or 保密承诺书 recorded for that person in
  the confidentiality area's 涉密人员登记 (``SecretStaff``) counts as well.
- Steps (信建办): 年度考核 (优秀/合格/不合格, once a year), 增加运维人员, 登记保密培训和承诺, 运维人员离场,
  终止合同. 履行中/即将到期 (60 days)/已到期 are read from the dates; 信建办's dashboard shows the
  contracts ending and ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, exists, literal, not_, or_, select
from sqlalchemy.orm import Session

from courtdesk.areas.it.misc_models import ItContract, ItContractAppraisal, ItContractOperator
from courtdesk.areas.it.service import BOOK, OFFICE, WIDE_ROLES, people, require_office
from courtdesk.areas.secrecy.staff_models import SecretStaff, SecretStaffTraining
from courtdesk.kernel import clock, forms, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    LinesSpec,
    RegisterQuery,
    RegisterSpec,
    service_act,
)
from courtdesk.kernel.workflow import Transition, Workflow, src

CONTRACT_KEY = "it_contract"
RULE_OUTSOURCE = f"{BOOK}第10条、第12条"
RULE_SERVICES = f"{BOOK}第13条"
RULE_SECRECY = f"{BOOK}第11条(3)、第8条"
#: A contract ending within this many days shows on 信建办's dashboard (the next one is to be let by
#: 招投标 through the 区财政 in time, 第12条).
ENDING_DAYS = 60
RESULTS = ("优秀", "合格", "不合格")

#: 第13条's list of the operators' work, offered as the services of a new contract.
SERVICES_13 = "\n".join((
    "（1）负责本院信息化平台的建设与管理工作；",
    "（2）负责本院内外网各平台系统的安全与维护；",
    "（3）负责配合审管办做好智慧法院建设及审判管理中信息化技术的运用工作；",
    "（4）负责本院机房、数字法庭等场所的日常管理工作；",
    "（5）负责配合上级单位做好视频会议的预备调试工作；",
    "（6）负责对本院工作人员有关信息化应用和网络运行进行技术培训和指导；",
    "（7）负责计算机及整体设备定期保养、维护，确保计算机的正常运行；",
    "（8）负责其他信息化网络运维相关工作。",
))


def _optional_people(session: Session, actor: Any) -> list[tuple[Any, str]]:
    return [("", "（无系统账号）"), *people(session, actor)]


OPERATOR_COLUMNS: tuple[FormField, ...] = (
    FormField("name", "姓名", "text", max_len=30),
    FormField("phone", "联系电话", "text", required=False, max_len=30),
    FormField("user_id", "系统账号", "choice", required=False, choices=_optional_people,
              help="该运维人员在本系统有账号时选择，其涉密人员登记即归于本人"),
    FormField("trained_on", "保密培训日期", "date", required=False),
    FormField("pledged_on", "保密承诺书签订日期", "date", required=False),
)
OPERATORS_FIELD = FormField("operators", "运维人员", "lines", columns=OPERATOR_COLUMNS, required=False, maximum=20,
                            help="外包服务商派驻的网络运维人员（第13条），须经保密培训并签订保密承诺书（第11条(3)）")

CONTRACT_FIELDS: tuple[FormField, ...] = (
    FormField("number", "合同编号", "text", max_len=40),
    FormField("contractor", "外包服务商", "text", max_len=80),
    FormField("qualification", "IT服务资质", "text", max_len=200,
              help="第11条：应具备相应的IT服务资质、商业信誉、技术能力、管理能力和类似项目经验"),
    FormField("contact", "服务商联系人及电话", "text", required=False, max_len=60),
    FormField("starts_on", "合同开始日期", "date"),
    FormField("ends_on", "合同截止日期", "date", help="第12条：运行维护合同周期、费用评审与年度预算同步"),
    FormField("services", "服务内容", "multiline", max_len=2000, default=SERVICES_13,
              help="第13条所列运维人员的具体工作"),
    FormField("quality", "质量考核标准和考核办法", "multiline", max_len=2000,
              help="第10条、第12条：明确质量要求、考核办法"),
    OPERATORS_FIELD,
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


def _operator_options(session: Session, actor: Any, contract: Any) -> list[tuple[Any, str]]:
    if contract is None:
        return []
    rows = session.scalars(select(ItContractOperator).where(ItContractOperator.contract_id == contract.id,
                                                            ItContractOperator.left_on.is_(None))
                           .order_by(ItContractOperator.position))
    return [(o.id, o.name) for o in rows]


OPERATOR_CHOICE = FormField("operator_id", "运维人员", "choice", choices_by=(forms.RECORD, _operator_options))

APPRAISE_FIELDS = (
    FormField("year", "考核年度", "int", minimum=2000, maximum=2100),
    FormField("result", "考核结果", "choice", choices=lambda s, a: [(r, r) for r in RESULTS]),
    FormField("appraised_on", "考核日期", "date"),
    FormField("appraisers", "考核人", "text", max_len=100, help="参加考核的信建办人员"),
)
SECRECY_FIELDS = (
    OPERATOR_CHOICE,
    FormField("trained_on", "保密培训日期", "date", required=False),
    FormField("pledged_on", "保密承诺书签订日期", "date", required=False),
)
LEAVE_FIELDS = (OPERATOR_CHOICE, FormField("left_on", "离场日期", "date"))


# --- checks ----------------------------------------------------------------------------------------

def _not_future(value: dt.date | None, label: str) -> None:
    if value is not None and value > clock.today():
        raise ValidationError(f"{label}：不能晚于今天", field=label)


def _operator_row(session: Session, contract: ItContract, row: dict[str, Any], position: int) -> ItContractOperator:
    _not_future(row.get("trained_on"), "保密培训日期")
    _not_future(row.get("pledged_on"), "保密承诺书签订日期")
    if row.get("user_id") and session.get(User, row["user_id"]) is None:
        raise ValidationError("系统账号：该用户不存在", field="系统账号")
    return ItContractOperator(contract_id=contract.id, position=position, name=row["name"], phone=row.get("phone") or "",
                              user_id=row.get("user_id") or None, trained_on=row.get("trained_on"),
                              pledged_on=row.get("pledged_on"))


def _operator_of(session: Session, contract: ItContract, operator_id: Any) -> ItContractOperator:
    operator = session.get(ItContractOperator, operator_id) if operator_id not in (None, "") else None
    if operator is None or operator.contract_id != contract.id:
        raise ValidationError(f"运维人员：不是合同{contract.number}的运维人员", field="运维人员")
    if operator.left_on is not None:
        raise ValidationError(f"运维人员：{operator.name}已于{operator.left_on:%Y-%m-%d}离场", field="运维人员")
    return operator


def _staff_trained(user_id: Any) -> Any:
    """SQL: the person (an operator with an account) has a 保密 training in the confidentiality area's
    涉密人员登记 (《保密工作制度》第二十七条)."""
    return exists(select(SecretStaffTraining.id).join(SecretStaff, SecretStaff.id == SecretStaffTraining.staff_id)
                  .where(SecretStaff.user_id == user_id))


def _staff_pledged(user_id: Any) -> Any:
    """SQL: the person has signed a 保密承诺书 recorded in the 涉密人员登记."""
    return exists(select(SecretStaff.id).where(SecretStaff.user_id == user_id, SecretStaff.committed_on.is_not(None)))


def _operator_lacks() -> tuple[Any, Any]:
    """SQL over ``ItContractOperator``: (no training, no commitment) — neither on the operator's row nor,
    for an operator with an account, in the confidentiality area's 涉密人员登记."""
    linked = ItContractOperator.user_id.is_not(None)
    untrained = and_(ItContractOperator.trained_on.is_(None),
                     not_(and_(linked, _staff_trained(ItContractOperator.user_id))))
    unpledged = and_(ItContractOperator.pledged_on.is_(None),
                     not_(and_(linked, _staff_pledged(ItContractOperator.user_id))))
    return untrained, unpledged


def missing_secrecy(session: Session, contract: ItContract) -> list[str]:
    """Operators on site without 保密 training or commitment: 「张三（未签订保密承诺书）」."""
    said = []
    untrained, unpledged = _operator_lacks()
    rows = session.execute(select(ItContractOperator.name, untrained, unpledged)
                           .where(ItContractOperator.contract_id == contract.id, ItContractOperator.left_on.is_(None))
                           .order_by(ItContractOperator.position))
    for name, no_training, no_pledge in rows:
        lacks = [what for what, missing in (("未经保密培训", no_training), ("未签订保密承诺书", no_pledge)) if missing]
        if lacks:
            said.append(f"{name}（{'、'.join(lacks)}）")
    return said


# --- workflow --------------------------------------------------------------------------------------

def _contract_base() -> Any:
    return select(ItContract.id).select_from(ItContract)


may_manage = rules.holding(_contract_base, *OFFICE, name="may_manage_contract")


def _appraise_guard(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    year = values["year"]
    if year < contract.starts_on.year or year > contract.ends_on.year:
        raise ValidationError(f"考核年度：合同期为{contract.starts_on:%Y-%m-%d}至{contract.ends_on:%Y-%m-%d}，"
                              f"{year}年不在合同期内", field="考核年度", rule=RULE_OUTSOURCE)
    _not_future(values["appraised_on"], "考核日期")
    if values["appraised_on"].year < year:
        raise ValidationError(f"考核日期：{year}年度的考核不能早于该年度", field="考核日期")
    done = session.scalars(select(ItContractAppraisal).where(ItContractAppraisal.contract_id == contract.id,
                                                             ItContractAppraisal.year == year)).first()
    if done is not None:
        raise ValidationError(f"考核年度：{year}年度已考核（{done.result}），每年考核一次", field="考核年度",
                              rule=RULE_OUTSOURCE)


def _appraise(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    session.add(ItContractAppraisal(contract_id=contract.id, year=values["year"], result=values["result"],
                                    appraised_on=values["appraised_on"], appraisers=values["appraisers"],
                                    remarks=values["comment"] or "", recorded_by_id=actor.id))
    values["comment"] = f"{values['year']}年度考核：{values['result']}" + (
        f"；{values['comment']}" if values["comment"] else "")


def _add_operator(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    last = session.scalars(select(ItContractOperator.position).where(ItContractOperator.contract_id == contract.id)
                           .order_by(ItContractOperator.position.desc())).first() or 0
    operator = _operator_row(session, contract, values, last + 1)
    session.add(operator)
    lacks = [w for w, v in (("保密培训", operator.trained_on), ("保密承诺书", operator.pledged_on)) if v is None]
    note = f"（尚缺{'、'.join(lacks)}，{RULE_SECRECY}）" if lacks else ""
    values["comment"] = f"增加运维人员{operator.name}{note}" + (f"；{values['comment']}" if values["comment"] else "")


def _secrecy_guard(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    _operator_of(session, contract, values["operator_id"])
    if values.get("trained_on") is None and values.get("pledged_on") is None:
        raise ValidationError("保密培训日期：请填写保密培训日期或保密承诺书签订日期", field="保密培训日期")
    _not_future(values.get("trained_on"), "保密培训日期")
    _not_future(values.get("pledged_on"), "保密承诺书签订日期")


def _secrecy(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    operator = _operator_of(session, contract, values["operator_id"])
    said = []
    if values.get("trained_on") is not None:
        operator.trained_on = values["trained_on"]
        said.append(f"保密培训{operator.trained_on:%Y-%m-%d}")
    if values.get("pledged_on") is not None:
        operator.pledged_on = values["pledged_on"]
        said.append(f"保密承诺书{operator.pledged_on:%Y-%m-%d}")
    values["comment"] = f"{operator.name}：{'，'.join(said)}" + (f"；{values['comment']}" if values["comment"] else "")


def _leave_guard(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    _operator_of(session, contract, values["operator_id"])
    _not_future(values["left_on"], "离场日期")


def _leave(session: Session, actor: User, contract: ItContract, values: dict[str, Any]) -> None:
    operator = _operator_of(session, contract, values["operator_id"])
    operator.left_on = values["left_on"]
    values["comment"] = f"{operator.name}于{operator.left_on:%Y-%m-%d}离场" + (
        f"；{values['comment']}" if values["comment"] else "")


CONTRACT_WORKFLOW = Workflow(
    entity=CONTRACT_KEY,
    states={"in_force": "履行中", "terminated": "已终止"},
    initial="in_force",
    transitions=(
        *(Transition("appraise", "年度考核", src(state), state, may_manage, "信建办", guard=_appraise_guard,
                     effect=_appraise, fields=APPRAISE_FIELDS, rule=RULE_OUTSOURCE, aside=True)
          for state in ("in_force", "terminated")),
        Transition("add_operator", "增加运维人员", src("in_force"), "in_force", may_manage, "信建办",
                   effect=_add_operator, fields=OPERATOR_COLUMNS, rule=RULE_SERVICES, aside=True),
        Transition("operator_secrecy", "登记保密培训和承诺", src("in_force"), "in_force", may_manage, "信建办",
                   guard=_secrecy_guard, effect=_secrecy, fields=SECRECY_FIELDS, rule=RULE_SECRECY, aside=True),
        Transition("operator_leaves", "运维人员离场", src("in_force"), "in_force", may_manage, "信建办",
                   guard=_leave_guard, effect=_leave, fields=LEAVE_FIELDS, aside=True),
        Transition("terminate", "终止合同", src("in_force"), "terminated", may_manage, "信建办",
                   comment_required=True, rule=RULE_OUTSOURCE),
    ),
)


# --- service ---------------------------------------------------------------------------------------

class ContractService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, actor: User, data: dict[str, Any]) -> ItContract:
        require_office(actor, "登记运维外包合同")
        values = clean(CONTRACT_FIELDS, data)
        with self.db.write(actor) as s:
            return register_in(s, actor, values)

    def act(self, actor: User, contract_id: int, action: str, comment: str = "", **params: Any) -> ItContract:
        with self.db.write(actor) as s:
            contract = load_or_refuse(s, ItContract, contract_id, "运维外包合同", "该合同不存在")
            CONTRACT_WORKFLOW.fire(s, actor, contract, action, comment, **params)
            return contract


def register_in(s: Session, actor: User, values: dict[str, Any]) -> ItContract:
    if values["ends_on"] <= values["starts_on"]:
        raise ValidationError("合同截止日期：应晚于合同开始日期", field="合同截止日期", rule=RULE_OUTSOURCE)
    number = values["number"].strip()
    if s.scalars(select(ItContract.id).where(ItContract.number == number)).first() is not None:
        raise ValidationError(f"合同编号：{number} 已登记", field="合同编号")
    contract = ItContract(
        status=CONTRACT_WORKFLOW.initial, number=number, contractor=values["contractor"],
        qualification=values["qualification"], contact=values["contact"] or "", starts_on=values["starts_on"],
        ends_on=values["ends_on"], services=values["services"], quality=values["quality"],
        registered_at=clock.now(), registered_by_id=actor.id, remarks=values["remarks"] or "")
    s.add(contract)
    s.flush()
    for i, row in enumerate(values.get("operators") or [], 1):
        s.add(_operator_row(s, contract, row, i))
    s.flush()
    return contract


# --- register --------------------------------------------------------------------------------------

def _lacking() -> Any:
    """SQL: the contract has an operator on site without 保密 training or commitment."""
    untrained, unpledged = _operator_lacks()
    return exists(select(ItContractOperator.id).where(
        ItContractOperator.contract_id == ItContract.id, ItContractOperator.left_on.is_(None),
        or_(untrained, unpledged)))


def _ending(today: dt.date) -> Any:
    return and_(ItContract.status == "in_force", ItContract.ends_on >= today,
                ItContract.ends_on <= today + dt.timedelta(days=ENDING_DAYS))


def _ended(today: dt.date) -> Any:
    return and_(ItContract.status == "in_force", ItContract.ends_on < today)


def _live(today: dt.date) -> Any:
    return case((ItContract.status == "terminated", literal("已终止")),
                (ItContract.ends_on < today, literal("已到期")),
                (ItContract.ends_on <= today + dt.timedelta(days=ENDING_DAYS), literal("即将到期")),
                (ItContract.starts_on > today, literal("未开始")),
                else_=literal("履行中"))


def _secrecy_live(today: dt.date) -> Any:
    return case((and_(ItContract.status == "in_force", _lacking()), literal("保密手续不全")), else_=literal(""))


def _last_appraisal() -> Any:
    return (select(ItContractAppraisal.result).where(ItContractAppraisal.contract_id == ItContract.id)
            .order_by(ItContractAppraisal.year.desc()).limit(1).scalar_subquery())


def _operator_names() -> Any:
    from sqlalchemy import func

    return (select(func.count(ItContractOperator.id)).where(ItContractOperator.contract_id == ItContract.id,
                                                            ItContractOperator.left_on.is_(None))
            .scalar_subquery())


def _notices(session: Session, actor: User, contract: ItContract) -> list[str]:
    said: list[str] = []
    today = clock.today()
    if contract.status == "in_force":
        lacking = missing_secrecy(session, contract)
        if lacking:
            said.append(f"运维人员{'、'.join(lacking)}：外包运维人员须经保密培训并签订保密承诺书后方可上岗（{RULE_SECRECY}）")
        if contract.ends_on < today:
            said.append(f"合同已于{contract.ends_on:%Y-%m-%d}到期，应续签或重新招标（{BOOK}第12条）")
        elif contract.ends_on <= today + dt.timedelta(days=ENDING_DAYS):
            said.append(f"合同将于{contract.ends_on:%Y-%m-%d}到期（还有{(contract.ends_on - today).days}天），"
                        f"应及早通过区财政招投标确定服务商并与年度预算同步（{BOOK}第12条）")
    return said


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(*OFFICE):
        return []

    def count(key: str) -> int:
        return RegisterQuery(CONTRACT_REGISTER, filter_key=key).count(session, actor)

    return [DashboardItem(f"{ENDING_DAYS}天内到期的运维外包合同", count("ending"), CONTRACT_KEY, "ending"),
            DashboardItem("已到期的运维外包合同", count("ended"), CONTRACT_KEY, "ended", True),
            DashboardItem("运维人员保密手续不全的合同", count("secrecy_missing"), CONTRACT_KEY, "secrecy_missing", True)]


def _operator_rows(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    rows = session.scalars(select(ItContractOperator).where(ItContractOperator.contract_id.in_(ids))
                           .order_by(ItContractOperator.contract_id, ItContractOperator.position))
    for o in rows:
        out[o.contract_id].append({"name": o.name, "phone": o.phone, "user": o.user.name if o.user else "",
                                   "trained_on": o.trained_on, "pledged_on": o.pledged_on, "left_on": o.left_on})
    return out


def _appraisal_rows(session: Session, contract_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(ItContractAppraisal).where(ItContractAppraisal.contract_id == contract_id)
                           .order_by(ItContractAppraisal.year))
    return [{"year": a.year, "result": a.result, "appraised_on": a.appraised_on, "appraisers": a.appraisers,
             "remarks": a.remarks} for a in rows]


CONTRACT_REGISTER = RegisterSpec(
    key=CONTRACT_KEY,
    title="运维外包合同",
    model=ItContract,
    columns=(
        Column("number", "合同编号", ItContract.number, 12),
        Column("contractor", "外包服务商", ItContract.contractor, 16),
        Column("starts_on", "开始日期", ItContract.starts_on, 10, "date"),
        Column("ends_on", "截止日期", ItContract.ends_on, 10, "date"),
        Column("days_left", "剩余天数", ItContract.ends_on, 7, "days"),
        Column("now", "状态", ItContract.status, 8, live=_live,
               tone=lambda shown: "overdue" if shown == "已到期" else ("soon" if shown == "即将到期" else None)),
        Column("secrecy", "保密手续", ItContract.status, 10, live=_secrecy_live,
               tone=lambda shown: "urgent" if shown else None),
        Column("operators", "在场运维人员", _operator_names(), 8, "int"),
        Column("appraisal", "最近考核", _last_appraisal(), 8),
        Column("qualification", "IT服务资质", ItContract.qualification, 16),
        Column("contact", "联系人", ItContract.contact, 12),
    ),
    base=_contract_base,
    search=(ItContract.number, ItContract.contractor, ItContract.qualification),
    date_expr=ItContract.starts_on,
    default_sort=("ends_on", False),
    workflow=CONTRACT_WORKFLOW,
    filters=(
        Filter("ending", f"{ENDING_DAYS}天内到期", lambda a: _ending(clock.today())),
        Filter("ended", "已到期", lambda a: _ended(clock.today())),
        Filter("secrecy_missing", "保密手续不全", lambda a: and_(ItContract.status == "in_force", _lacking())),
        Filter("in_force", "履行中", lambda a: and_(ItContract.status == "in_force", ItContract.ends_on >= clock.today())),
        Filter("terminated", "已终止", lambda a: ItContract.status == "terminated"),
        Filter("not_appraised", "上年度未考核", lambda a: and_(
            ItContract.starts_on <= dt.date(clock.today().year - 1, 12, 31),
            ItContract.ends_on >= dt.date(clock.today().year - 1, 1, 1),
            not_(exists(select(ItContractAppraisal.id).where(ItContractAppraisal.contract_id == ItContract.id,
                                                             ItContractAppraisal.year == clock.today().year - 1))))),
    ),
    visible_to=WIDE_ROLES,
    form=CONTRACT_FIELDS,
    create=lambda db, actor, data: ContractService(db).register(actor, data),
    create_label="登记运维外包合同",
    may_create=lambda actor: actor.has(*OFFICE),
    create_who="信建办（网络运维主管、办公室负责人）",
    dashboard=_dashboard,
    act=service_act(ContractService),
    notices=_notices,
    live_status="now",
    lines=(
        LinesSpec("operators", "运维人员", (FormField("name", "姓名"), FormField("phone", "联系电话"),
                                          FormField("user", "系统账号"), FormField("trained_on", "保密培训日期", "date"),
                                          FormField("pledged_on", "保密承诺书签订日期", "date"),
                                          FormField("left_on", "离场日期", "date")),
                  lambda s, i: _operator_rows(s, [i])[i], load_many=_operator_rows),
        LinesSpec("appraisals", "年度考核", (FormField("year", "考核年度", "int"), FormField("result", "考核结果"),
                                           FormField("appraised_on", "考核日期", "date"),
                                           FormField("appraisers", "考核人"), FormField("remarks", "考核意见")),
                  _appraisal_rows),
    ),
)
