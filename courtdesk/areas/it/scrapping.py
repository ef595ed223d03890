"""报废申请 and 返旧换新 (《信息化网络管理暂行规定》第22条).

- 申请: the device's user, the head of its department or 信建办 files it for a device not yet 已报废, with
  the reason, and may wish 返旧换新 (a new device for the same user, or for another person named).
  A classified computer or device — marked 涉密 in the ledger, or whose 资产编号 the confidentiality
  area's 涉密计算机台账 carries — is refused: it is retired only by registered destruction there
  (《保密工作制度》第三十四条(11)、第三十六条(6)).
- 鉴定 by the 网络运维主管 (the assessment in words): the device is 待报废 in the ledger; or 鉴定无需报废
  (the device stays as it is).
- 请示 by 信建办 (its head, the 办公室负责人, 第5条) to the leading group's 主管领导 (the ``IT_LEADER``
  setting names the person).
- 批准 by that leader — never the applicant himself: the device is 已报废 in the ledger (the record stays,
  its IP is freed); with 返旧换新 each of :data:`REPLACEMENT_HOOKS` is called (the request register
  connects there to file a 申领 for the user). 不予报废: the device is back in service.

When the confidentiality area destroys a classified computer nothing happens here: its ledger entry is
changed by 信建办 by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, case, false, literal, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it import settings as it_settings
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.scrap_models import ItScrap
from courtdesk.areas.it.service import ASSET_KEY, BOOK, WIDE_ROLES, back_in_service, move, people
from courtdesk.areas.secrecy.device_models import SecretComputer
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, workflow
from courtdesk.kernel import settings as kernel_settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_time
from courtdesk.kernel.documents.model import Column as DocColumn
from courtdesk.kernel.documents.model import Document, Paragraph, SignatureLine, Table, Title
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import Department, User
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    RegisterDocument,
    RegisterQuery,
    RegisterSpec,
    service_act,
)
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

RULE_SCRAP = f"{BOOK}第22条"
RULE_SECRET_RETIRE = "《保密工作制度》第三十四条(11)、第三十六条(6)"
SCRAP_KEY = "it_scrap"
SCRAP_FORM_KIND = "it_scrap_form"
NUMBER_PATTERN = "BF-{year}-{serial:03d}"

#: Called on approval when 返旧换新 was wished: ``hook(session, actor, asset, user_id)`` files what the
#: replacement needs (a 申领 for ``user_id``) and returns words for the step's comment (the new
#: request's number). The request register connects itself here.
REPLACEMENT_HOOKS: list[Callable[[Session, User, ItAsset, int], str]] = []


# --- shared checks (the change and external-network registers use them too) ------------------------

def secret_record(session: Session, asset: ItAsset) -> str | None:
    """The number of the 涉密计算机台账 record that refers to ``asset`` (by 资产编号), if any."""
    return session.scalar(select(SecretComputer.number).where(SecretComputer.asset_tag == asset.number).limit(1))


def is_classified(session: Session, asset: ItAsset) -> bool:
    return asset.classified or secret_record(session, asset) is not None


def load_asset(session: Session, asset_id: Any, field: str) -> ItAsset:
    asset = session.get(ItAsset, asset_id) if asset_id not in (None, "") else None
    if asset is None:
        raise ValidationError(f"{field}：请选择台账中的设备", field=field)
    return asset


def asset_options(*states: str, network: str | None = None) -> Any:
    """Options of the ledger's devices in ``states`` (and on ``network``): 「ZC-2026-0001 打印机 惠普…」."""

    def options(session: Session, actor: Any) -> list[tuple[Any, str]]:
        query = select(ItAsset).where(ItAsset.status.in_(states))
        if network:
            query = query.where(ItAsset.network == network)
        if actor is not None and not actor.has(*WIDE_ROLES):
            own = ItAsset.user_id == actor.id
            if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
                own = or_(own, ItAsset.department_id == actor.department_id)
            query = query.where(own)
        rows = session.scalars(query.order_by(ItAsset.id).limit(800))
        return [(a.id, f"{a.number} {a.kind} {a.brand_model}" + (f"（{a.user.name}）" if a.user else ""))
                for a in rows]

    return options


def may_file_for(actor: User, asset: ItAsset) -> bool:
    """The device's user, the head of its department, or 信建办."""
    return bool(asset.user_id == actor.id or actor.has(roles.IT_OPS, roles.OFFICE_HEAD)
                or (actor.has(roles.DEPT_HEAD) and actor.department_id == asset.department_id))


def joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


# --- fields ----------------------------------------------------------------------------------------

def _yes_no(session: Session, actor: Any) -> list[tuple[Any, str]]:
    return [("no", "否"), ("yes", "是")]


SCRAP_FIELDS: tuple[FormField, ...] = (
    FormField("asset_id", "报废设备", "choice", choices=asset_options("in_stock", "in_use", "repair"),
              help="涉密计算机和涉密介质不在此报废，由保密办在涉密计算机台账中登记销毁"),
    FormField("reason", "报废原因", "multiline", max_len=500),
    FormField("replace", "返旧换新", "choice", choices=_yes_no, default="no",
              help="批准报废后由信建办配合返旧换新（第22条），为使用人申领新设备"),
    FormField("replace_for_id", "换新使用人", "choice", required=False, choices=people, when=("replace", ("yes",)),
              help="不填：原设备的使用人"),
)
ASSESS_FIELDS = (FormField("assessment", "鉴定意见", "multiline", max_len=500,
                           help="设备状况、故障情况、是否有修复价值"),)


# --- workflow --------------------------------------------------------------------------------------

_Asset = aliased(ItAsset)
_Applicant = aliased(User)
_AssetUser = aliased(User)
_Approver = aliased(User)


def _base() -> Any:
    return (select(ItScrap.id).select_from(ItScrap)
            .join(_Asset, _Asset.id == ItScrap.asset_id)
            .join(Department, Department.id == _Asset.department_id)
            .join(_Applicant, _Applicant.id == ItScrap.applicant_id)
            .outerjoin(_AssetUser, _AssetUser.id == _Asset.user_id)
            .outerjoin(_Approver, _Approver.id == ItScrap.approver_id))


may_assess = rules.holding(_base, roles.IT_OPS, name="may_assess_scrap")
may_report = rules.holding(_base, roles.OFFICE_HEAD, name="may_report_scrap")


@rules.over(_base)
def may_approve(actor: User) -> ColumnElement[bool]:
    """The 信息化建设工作领导小组主管领导 the settings name (第22条)."""
    return it_settings.names(it_settings.IT_LEADER, actor)


def _assess(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    scrap.assessment = values["assessment"]
    scrap.assessor_id, scrap.assessed_at = actor.id, clock.now()
    move(session, actor, scrap.asset, "to_scrap", f"{scrap.number}经网络运维主管鉴定，待报废")
    values["comment"] = joined(f"鉴定：{scrap.assessment}", values["comment"])


def _unneeded(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    scrap.assessment = values["comment"]
    scrap.assessor_id, scrap.assessed_at = actor.id, clock.now()


def _report(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    scrap.reporter_id, scrap.reported_at = actor.id, clock.now()
    values["comment"] = joined("信建办向信息化建设工作领导小组主管领导请示", values["comment"])


def _approve_guard(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    if scrap.asset.status != "to_scrap":
        raise ValidationError(f"报废设备：{scrap.asset.label}现为「{scrap.asset.status}」，不是待报废", field="报废设备",
                              rule=RULE_SCRAP)


def _approve(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    asset = scrap.asset
    for_whom = scrap.replace_for_id or asset.user_id  # read before 报废 takes the device from its user
    scrap.approver_id, scrap.decided_at = actor.id, clock.now()
    move(session, actor, asset, "scrapped", f"{scrap.number}经主管领导{actor.name}批准报废")
    said = "批准报废，设备已报废（台账记录保留）"
    if scrap.replace:
        if for_whom is None:
            scrap.replacement = "返旧换新：原设备无使用人，由信建办另行安排"
        else:
            person = session.get(User, for_whom)
            name = person.name if person else ""
            words = [w for w in (hook(session, actor, asset, for_whom) for hook in REPLACEMENT_HOOKS) if w]
            scrap.replacement = (f"返旧换新：为{name}" + ("，" + "；".join(words) if words
                                                        else "申领新设备，由信建办配合办理"))[:200]
        said = joined(said, scrap.replacement)
    values["comment"] = joined(said, values["comment"])


def _state_before(session: Session, asset: ItAsset) -> str | None:
    """The state the asset left when it became 待报废 (a department's printer was 在用 without a user)."""
    steps = [st for st in workflow.history(session, ASSET_KEY, asset.id) if st.to_state == "to_scrap"]
    return steps[-1].from_state if steps else None


def _refuse(session: Session, actor: User, scrap: ItScrap, values: dict[str, Any]) -> None:
    scrap.approver_id, scrap.decided_at = actor.id, clock.now()
    said = f"{scrap.number}主管领导不予报废"
    before = _state_before(session, scrap.asset)
    if before in ("in_use", "in_stock"):
        move(session, actor, scrap.asset, before, said)
    else:
        back_in_service(session, actor, scrap.asset, said)
    values["comment"] = joined("不予报废，设备恢复原状态", values["comment"])


SELF = Separation("applicant_id", "操作人：不能批准自己提出的报废申请，应由信息化建设工作领导小组主管领导另行批准")

SCRAP_WORKFLOW = Workflow(
    entity=SCRAP_KEY,
    states={"to_assess": "待鉴定", "to_report": "待请示", "to_approve": "待主管领导批准", "scrapped": "已报废",
            "refused": "不予报废", "unneeded": "鉴定无需报废"},
    initial="to_assess",
    transitions=(
        Transition("assess", "鉴定确认报废", src("to_assess"), "to_report", may_assess, "网络运维主管",
                   effect=_assess, fields=ASSESS_FIELDS, rule=RULE_SCRAP),
        Transition("unneeded", "鉴定无需报废", src("to_assess"), "unneeded", may_assess, "网络运维主管",
                   effect=_unneeded, comment_required=True, rule=RULE_SCRAP),
        Transition("report", "请示主管领导", src("to_report"), "to_approve", may_report, "信建办负责人（办公室负责人）",
                   effect=_report, rule=RULE_SCRAP),
        Transition("approve", "批准报废", src("to_approve"), "scrapped", may_approve, "信息化建设工作领导小组主管领导",
                   guard=_approve_guard, effect=_approve, separations=(SELF,), rule=RULE_SCRAP),
        Transition("refuse", "不予报废", src("to_approve"), "refused", may_approve, "信息化建设工作领导小组主管领导",
                   effect=_refuse, separations=(SELF,), comment_required=True, rule=RULE_SCRAP),
    ),
)


# --- service ---------------------------------------------------------------------------------------

def check_not_classified(session: Session, asset: ItAsset, field: str) -> None:
    """Refuses a classified device: its retirement is the confidentiality area's registered destruction."""
    record = secret_record(session, asset)
    if asset.classified or record is not None:
        where = f"（{record}）" if record else ""
        raise PermissionDenied(
            f"{field}：{asset.label}是涉密设备，不能在此报废；涉密计算机和涉密介质淘汰时应严格履行登记手续，送保密行政管理"
            f"部门指定的定点销毁单位销毁，请由保密办在保密管理的「涉密计算机台账」{where}中办理登记销毁",
            field=field, rule=RULE_SECRET_RETIRE)


class ScrapService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def apply(self, actor: User, data: dict[str, Any]) -> ItScrap:
        """申请报废 (待鉴定); the device stays as it is until the 网络运维主管 assesses it."""
        values = clean(SCRAP_FIELDS, data)
        with self.db.write(actor) as s:
            return apply_in(s, actor, values)

    def act(self, actor: User, scrap_id: int, action: str, comment: str = "", **params: Any) -> ItScrap:
        with self.db.write(actor) as s:
            scrap = load_or_refuse(s, ItScrap, scrap_id, "报废申请", "该报废申请不存在")
            SCRAP_WORKFLOW.fire(s, actor, scrap, action, comment, **params)
            return scrap


def apply_in(s: Session, actor: User, values: dict[str, Any]) -> ItScrap:
    asset = load_asset(s, values["asset_id"], "报废设备")
    check_not_classified(s, asset, "报废设备")
    if asset.status == "scrapped":
        raise ValidationError(f"报废设备：{asset.label}已报废", field="报废设备", rule=RULE_SCRAP)
    open_one = s.scalar(select(ItScrap.number).where(ItScrap.asset_id == asset.id,
                                                      ItScrap.status.in_(("to_assess", "to_report", "to_approve"))))
    if open_one is not None:
        raise ValidationError(f"报废设备：{asset.label}已有报废申请{open_one}在办理中", field="报废设备",
                              rule=RULE_SCRAP)
    if not may_file_for(actor, asset):
        raise PermissionDenied(f"操作人：{asset.label}的报废由其使用人、所在部门负责人或信建办申请", field="操作人",
                               rule=RULE_SCRAP)
    replace = values.get("replace") == "yes"
    for_whom = values.get("replace_for_id") if replace else None
    if for_whom:
        person = s.get(User, for_whom)
        if person is None or not person.active:
            raise ValidationError("换新使用人：该人员不存在或已停用", field="换新使用人")
    now = clock.now()
    scrap = ItScrap(status=SCRAP_WORKFLOW.initial, asset_id=asset.id, reason=values["reason"], applicant_id=actor.id,
                    applied_at=now, replace=replace, replace_for_id=for_whom or None)
    numbering.assign(s, scrap, register=SCRAP_KEY, pattern=NUMBER_PATTERN, year=now.year)
    s.add(scrap)
    s.flush()
    return scrap


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    mine = or_(ItScrap.applicant_id == actor.id, _Asset.user_id == actor.id, ItScrap.replace_for_id == actor.id,
               it_settings.names(it_settings.IT_LEADER, actor))
    if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
        return or_(mine, _Asset.department_id == actor.department_id)
    return mine


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(SCRAP_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(roles.IT_OPS):
        items.append(DashboardItem("待鉴定的报废申请", count("to_assess"), SCRAP_KEY, "to_assess"))
    if actor.has(roles.OFFICE_HEAD):
        items.append(DashboardItem("待请示主管领导的报废申请", count("to_report"), SCRAP_KEY, "to_report"))
    if kernel_settings.get(session, it_settings.IT_LEADER) == str(actor.id):
        items.append(DashboardItem("待我批准的报废申请", count("to_approve"), SCRAP_KEY, "to_approve", True))
    return items


def _facts(session: Session, scrap: ItScrap) -> list[tuple[str, str]]:
    asset = scrap.asset
    facts = [("设备", f"{asset.label}，{asset.department.name}" + (f"，{asset.user.name}使用" if asset.user else "")
              + (f"，购置于{asset.purchased_on:%Y-%m-%d}" if asset.purchased_on else "")),
             ("报废原因", scrap.reason)]
    if scrap.assessment:
        facts.append(("鉴定意见", scrap.assessment))
    if scrap.replace:
        who = scrap.replace_for.name if scrap.replace_for else (asset.user.name if asset.user else "原使用人")
        facts.append(("返旧换新", scrap.replacement or f"批准后为{who}申领新设备"))
    return facts


SCRAP_REGISTER = RegisterSpec(
    key=SCRAP_KEY,
    title="信息化设备报废申请",
    model=ItScrap,
    columns=(
        Column("number", "编号", ItScrap.number, 11),
        Column("asset", "资产编号", _Asset.number, 12),
        Column("kind", "设备类型", _Asset.kind, 8),
        Column("brand_model", "品牌型号", _Asset.brand_model, 14),
        Column("department", "使用部门", Department.name, 9),
        Column("user", "使用人", _AssetUser.name, 7),
        Column("reason", "报废原因", ItScrap.reason, 18),
        Column("status", "状态", ItScrap.status, 9, "status"),
        Column("replace", "返旧换新", case((ItScrap.replace, literal("是")), else_=literal("")), 5),
        Column("assessment", "鉴定意见", ItScrap.assessment, 16),
        Column("applicant", "申请人", _Applicant.name, 7),
        Column("applied_at", "申请时间", ItScrap.applied_at, 13, "datetime"),
        Column("approver", "主管领导", _Approver.name, 7),
        Column("decided_at", "批准时间", ItScrap.decided_at, 13, "datetime"),
        Column("replacement", "换新情况", ItScrap.replacement, 16),
    ),
    base=_base,
    search=(ItScrap.number, _Asset.number, _Asset.brand_model, _AssetUser.name, Department.name, ItScrap.reason),
    date_expr=ItScrap.applied_at,
    workflow=SCRAP_WORKFLOW,
    filters=(
        Filter("to_assess", "待鉴定", SCRAP_WORKFLOW.available_where("assess")),
        Filter("to_report", "待请示", SCRAP_WORKFLOW.available_where("report")),
        Filter("to_approve", "待我批准", SCRAP_WORKFLOW.available_where("approve")),
        Filter("open", "办理中", lambda a: ItScrap.status.in_(("to_assess", "to_report", "to_approve"))),
        Filter("scrapped", "已报废", lambda a: ItScrap.status == "scrapped"),
        Filter("replace", "返旧换新", lambda a: ItScrap.replace.is_(True)),
        Filter("mine", "我申请的", lambda a: ItScrap.applicant_id == a.id if a.id else false()),
    ),
    scope=_scope,
    form=SCRAP_FIELDS,
    create=lambda db, actor, data: ScrapService(db).apply(actor, data),
    create_label="申请报废",
    create_who="设备使用人、所在部门负责人或信建办",
    dashboard=_dashboard,
    act=service_act(ScrapService),
    facts=_facts,
    documents=(RegisterDocument(SCRAP_FORM_KIND),),
    printed_columns=("number", "asset", "kind", "brand_model", "department", "user", "reason", "status", "replace",
                     "approver", "decided_at"),
)


# --- 报废申请表 -------------------------------------------------------------------------------------

def history_rows(session: Session, wf: Workflow, entity: str, record_id: int) -> list[tuple[str, ...]]:
    style = kernel_settings.date_style(session)
    return [(court_time(st.at, style), wf.action_label(st.action) or st.action, st.actor_name, st.comment)
            for st in workflow.history(session, entity, record_id)]


def form_document(session: Session, title: str, facts: list[tuple[str, str]], steps: list[tuple[str, ...]],
                  basis: str, signatures: tuple[tuple[str, str], ...]) -> Document:
    court = kernel_settings.get(session, "court_name")
    return Document(title, (
        Title(f"{court}\n{title}"),
        Table((DocColumn("项目", 1.3), DocColumn("内容", 4.7)), facts, header=False, size=10.5),
        Paragraph("办理经过", indent=False),
        Table((DocColumn("时间", 1.4), DocColumn("事项", 1.2), DocColumn("办理人", 0.8), DocColumn("意见及情况", 2.6)),
              steps or [("", "", "", "")], size=10.5),
        Paragraph(basis, indent=False),
        SignatureLine(signatures, blank_chars=6),
    ))


def _name(user: User | None) -> str:
    return user.name if user else ""


def build_scrap_form(session: Session, scrap_id: int) -> Document:
    scrap = load_or_refuse(session, ItScrap, scrap_id, "报废申请", "该报废申请不存在")
    style = kernel_settings.date_style(session)
    asset = scrap.asset
    price = f"{asset.price_fen / 100:.2f}元" if asset.price_fen else ""
    replace = "否"
    if scrap.replace:
        who = _name(scrap.replace_for) or "原使用人"
        replace = scrap.replacement or f"是（为{who}申领新设备）"
    facts = [("编号", scrap.number), ("资产编号", asset.number), ("设备", f"{asset.kind} {asset.brand_model}"),
             ("序列号", asset.serial_no), ("使用部门", asset.department.name),
             ("购置日期及价格", " ".join(x for x in (f"{asset.purchased_on:%Y-%m-%d}" if asset.purchased_on else "", price)
                                         if x)),
             ("报废原因", scrap.reason), ("申请人", f"{scrap.applicant.name}　{court_time(scrap.applied_at, style)}"),
             ("网络运维主管鉴定意见", scrap.assessment or "（待鉴定）"),
             ("信建办请示", f"{_name(scrap.reporter)}　{court_time(scrap.reported_at, style)}" if scrap.reported_at
              else "（待请示）"),
             ("主管领导意见", f"{SCRAP_WORKFLOW.label(scrap.status)}　{_name(scrap.approver)}　"
              f"{court_time(scrap.decided_at, style)}" if scrap.decided_at else "（待批准）"),
             ("返旧换新", replace), ("状态", SCRAP_WORKFLOW.label(scrap.status))]
    return form_document(
        session, "信息化设备报废申请表", facts, history_rows(session, SCRAP_WORKFLOW, SCRAP_KEY, scrap.id),
        f"依据{RULE_SCRAP}。涉密计算机和涉密介质由保密办登记销毁，不适用本表。",
        (("网络运维主管", ""), ("信建办负责人", ""), ("主管领导", "")))


SCRAP_DOCUMENT = DocumentKind(SCRAP_FORM_KIND, "报废申请表", ids=lambda: select(ItScrap.id).order_by(ItScrap.id),
                              build=build_scrap_form, missing="该报废申请不存在")
