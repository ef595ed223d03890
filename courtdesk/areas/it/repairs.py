"""信息化设备报修单 (《信息化网络管理暂行规定》第20条、第21条、第34条; 《保密工作制度》第三十四条(9)).

- 报修: the user of a device reports its fault (第20条: switch it off and call 信建办's 网络运维人员, never
  repair it or call anybody else himself) — only a device in use by him, one open ticket per device.
- 受理 by the 网络运维人员: the device is 维修中 (the asset ledger's 送修). A classified computer is repaired
  only on site under a named supervisor (本单位内维修, 全程监管人), or sent out with all its storage
  removed (送外维修, 所有存储部件已拆除) — otherwise refused (《保密工作制度》第三十四条(9)).
- 报请领导批准 (第34条): games found on it, or specialists needed — the repair waits for the 主管院领导 (the
  IT_LEADER setting) to approve it.
- 维修完毕: the work done and the outcome; the device is back in service (在用). The reporter confirms
  (已完成) or sends it back (未修好). Nobody closes his own ticket: the reporter confirms, ops never take
  or finish a ticket on their own device.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.request_models import ItRepair
from courtdesk.areas.it.requests import IT_OPS_ROLES
from courtdesk.areas.it.service import BOOK, WIDE_ROLES, back_in_service, fixed, move, people
from courtdesk.areas.it.settings import IT_LEADER, names
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, settings
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

RULE_REPORT = f"{BOOK}第20条"
RULE_REPAIR = f"{BOOK}第21条"
RULE_LEADER = f"{BOOK}第34条"
RULE_CLASSIFIED = "《保密工作制度》第三十四条(9)"
REPAIR_KEY = "it_repair"
REPAIR_DOCUMENT_KIND = "it_repair_form"
NUMBER_PATTERN = "({year})信修{serial:04d}号"
ON_SITE, OUTSIDE = "本单位内维修", "送外维修"
REFERRALS = ("发现游戏", "需更专业人员修复")
OUTCOMES = ("已修复", "更换配件后修复", "无法修复")
OPEN = ("reported", "repairing", "to_leader")


def my_devices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    """The devices in use by the actor (专人专用): what he may report."""
    if actor is None or getattr(actor, "id", None) is None:
        return []
    rows = session.scalars(select(ItAsset).where(ItAsset.user_id == actor.id, ItAsset.status == "in_use")
                           .order_by(ItAsset.id))
    return [(a.id, f"{a.number} {a.kind} {a.brand_model}") for a in rows]


REPAIR_FIELDS: tuple[FormField, ...] = (
    FormField("asset_id", "报修设备", "choice", choices=my_devices, help="本人使用的设备（专人专用）"),
    FormField("fault", "故障现象", "multiline", max_len=500,
              help="设备出现异常、故障应立即关机、切断电源并报信建办网络运维人员，不得擅自找人解决（第20条）"),
)
TAKE_FIELDS: tuple[FormField, ...] = (
    FormField("mode", "维修方式", "choice", choices=fixed((ON_SITE, OUTSIDE)), default=ON_SITE),
    FormField("supervisor_id", "全程监管人", "choice", required=False, choices=people, when=("mode", (ON_SITE,)),
              help="涉密计算机在本单位内维修：由保密办安排涉密人员全程监管（《保密工作制度》第三十四条(9)）"),
    FormField("storage_removed", "存储部件", "choice", required=False, default="no", when=("mode", (OUTSIDE,)),
              choices=lambda s, a: [("no", "未拆除"), ("yes", "所有存储部件已拆除")],
              help="涉密计算机确需送外维修的，必须拆除所有存储部件"),
)
REFER_FIELDS: tuple[FormField, ...] = (
    FormField("referral", "报批事由", "choice", choices=fixed(REFERRALS),
              help="检修时发现计算机内装有游戏或需更专业人员修复的，须层报主管院领导批准才能修复（第34条）"),
)
FINISH_FIELDS: tuple[FormField, ...] = (
    FormField("work", "维修情况", "multiline", max_len=500),
    FormField("outcome", "维修结果", "choice", choices=fixed(OUTCOMES), default="已修复"),
)


# --- rules -----------------------------------------------------------------------------------------

_Reporter = aliased(User)
_Handler = aliased(User)


def _base() -> Any:
    return (select(ItRepair.id).select_from(ItRepair)
            .join(ItAsset, ItAsset.id == ItRepair.asset_id)
            .join(_Reporter, _Reporter.id == ItRepair.reporter_id)
            .join(Department, Department.id == ItRepair.department_id)
            .outerjoin(_Handler, _Handler.id == ItRepair.handler_id))


may_repair = rules.holding(_base, *IT_OPS_ROLES, roles.OFFICE_HEAD, name="may_repair")


@rules.over(_base)
def may_approve(actor: User) -> ColumnElement[bool]:
    """The 主管院领导 the IT_LEADER setting names (第34条)."""
    return names(IT_LEADER, actor)


may_confirm = rules.owning(_base, ItRepair.reporter_id, name="may_confirm_repair")
OWN = "操作人：不能办理本人报修的设备，应由其他网络运维人员或信建办主任办理"


def _confirm_refusal(session: Session, actor: User, repair: ItRepair) -> None:
    if repair.handler_id == actor.id:
        raise PermissionDenied("操作人：维修人员不能确认本人办理的报修单，应由报修人确认修复", field="操作人",
                               rule=RULE_REPAIR)
    raise PermissionDenied(f"操作人：只有报修人{repair.reporter.name}可以确认修复", field="操作人", rule=RULE_REPAIR)


# --- steps -----------------------------------------------------------------------------------------

def _take_guard(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    supervisor_id = values.get("supervisor_id")
    supervisor = session.get(User, supervisor_id) if supervisor_id else None
    if supervisor_id and (supervisor is None or not supervisor.active):
        raise ValidationError("全程监管人：该人员不存在或已停用", field="全程监管人")
    if supervisor is not None and supervisor.id == actor.id:
        raise ValidationError("全程监管人：不能由维修人员本人监管", field="全程监管人", rule=RULE_CLASSIFIED)
    if not repair.asset.classified:
        return
    if values["mode"] == ON_SITE and supervisor is None:
        raise PermissionDenied(f"全程监管人：{repair.asset.label}是涉密计算机，在本单位内维修须由保密办安排涉密人员"
                               "全程监管，请选择全程监管人", field="全程监管人", rule=RULE_CLASSIFIED)
    if values["mode"] == OUTSIDE and values.get("storage_removed") != "yes":
        raise PermissionDenied(f"存储部件：{repair.asset.label}是涉密计算机，确需送外维修的必须拆除所有存储部件",
                               field="存储部件", rule=RULE_CLASSIFIED)


def _take(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.handler_id = actor.id
    repair.taken_at = clock.now()
    repair.mode = values["mode"]
    supervisor = session.get(User, values["supervisor_id"]) if values.get("supervisor_id") else None
    repair.supervisor_id = supervisor.id if supervisor else None
    repair.storage_removed = values.get("storage_removed") == "yes"
    said = repair.mode
    if supervisor is not None:
        said += f"，由{supervisor.name}全程监管"
    if repair.storage_removed:
        said += "，所有存储部件已拆除"
    move(session, actor, repair.asset, "repair", f"依{repair.number}送修：{said}")
    values["comment"] = f"{said}；{values['comment']}" if values["comment"] else said


def _refer(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.referral = values["referral"]
    values["comment"] = f"{repair.referral}；{values['comment']}" if values["comment"] else repair.referral


def _approve(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.leader_id = actor.id
    repair.leader_at = clock.now()


def _finish_guard(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    if repair.asset.status != "repair":
        state = {"in_use": "在用", "in_stock": "在库", "to_scrap": "待报废", "scrapped": "已报废"}.get(
            repair.asset.status, repair.asset.status)
        raise ValidationError(f"状态：{repair.asset.label}现为「{state}」，不在维修中，不能登记维修完毕", field="状态",
                              rule=RULE_REPAIR)


def _finish(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.work = values["work"]
    repair.outcome = values["outcome"]
    repair.done_at = clock.now()
    back_in_service(session, actor, repair.asset, f"依{repair.number}维修完毕：{repair.outcome}")
    said = f"{repair.outcome}：{repair.work}"
    values["comment"] = f"{said}；{values['comment']}" if values["comment"] else said


def _confirm(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.confirmed_at = clock.now()


def _reopen(session: Session, actor: User, repair: ItRepair, values: dict[str, Any]) -> None:
    repair.done_at = None
    move(session, actor, repair.asset, "repair", f"依{repair.number}退回重修")


REPAIR_WORKFLOW = Workflow(
    entity=REPAIR_KEY,
    states={"reported": "待受理", "repairing": "维修中", "to_leader": "待领导批准", "to_confirm": "待确认",
            "done": "已完成"},
    initial="reported",
    transitions=(
        Transition("take", "受理维修", src("reported"), "repairing", may_repair, "网络运维人员", guard=_take_guard,
                   effect=_take, fields=TAKE_FIELDS, rule=RULE_REPAIR, separations=(Separation("reporter_id", OWN),)),
        Transition("refer", "报请领导批准", src("repairing"), "to_leader", may_repair, "网络运维人员", effect=_refer,
                   fields=REFER_FIELDS, rule=RULE_LEADER, separations=(Separation("reporter_id", OWN),)),
        Transition("approve", "批准维修", src("to_leader"), "repairing", may_approve, "信息化建设工作领导小组主管领导",
                   effect=_approve, rule=RULE_LEADER,
                   separations=(Separation("reporter_id", "操作人：不能批准本人报修设备的维修"),)),
        Transition("finish", "维修完毕", src("repairing"), "to_confirm", may_repair, "网络运维人员", guard=_finish_guard,
                   effect=_finish,
                   fields=FINISH_FIELDS, rule=RULE_REPAIR, separations=(Separation("reporter_id", OWN),)),
        Transition("confirm", "确认修复", src("to_confirm"), "done", may_confirm, "报修人", effect=_confirm,
                   rule=RULE_REPAIR, refusal=_confirm_refusal,
                   separations=(Separation("handler_id", "操作人：维修人员不能确认本人办理的报修单，应由报修人确认修复"),)),
        Transition("reopen", "未修好，退回重修", src("to_confirm"), "repairing", may_confirm, "报修人", effect=_reopen,
                   rule=RULE_REPAIR, comment_required=True),
    ),
)


class RepairService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def report(self, actor: User, data: dict[str, Any]) -> ItRepair:
        """报修 a device in use by the actor (待受理)."""
        with self.db.write(actor) as s:
            values = clean(REPAIR_FIELDS, data, session=s, actor=actor)
            asset = s.get(ItAsset, values["asset_id"])
            if asset is None or asset.user_id != actor.id or asset.status != "in_use":
                raise ValidationError("报修设备：只能报修本人正在使用的设备", field="报修设备", rule=RULE_REPORT)
            busy = s.scalar(select(ItRepair.number).where(ItRepair.asset_id == asset.id,
                                                          ItRepair.status.in_(OPEN)).limit(1))
            if busy:
                raise ValidationError(f"报修设备：{asset.label}已有报修单{busy}在办理中", field="报修设备",
                                      rule=RULE_REPORT)
            now = clock.now()
            repair = ItRepair(status=REPAIR_WORKFLOW.initial, asset_id=asset.id, reporter_id=actor.id,
                              department_id=actor.department_id or asset.department_id, fault=values["fault"],
                              reported_at=now)
            numbering.assign(s, repair, register=REPAIR_KEY, pattern=NUMBER_PATTERN, year=now.year)
            s.add(repair)
            s.flush()
            return repair

    def act(self, actor: User, repair_id: int, action: str, comment: str = "", **params: Any) -> ItRepair:
        with self.db.write(actor) as s:
            repair = load_or_refuse(s, ItRepair, repair_id, "报修单", "该报修单不存在")
            REPAIR_WORKFLOW.fire(s, actor, repair, action, comment, **params)
            return repair


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    ors: list[ColumnElement[bool]] = [ItRepair.reporter_id == actor.id, ItRepair.supervisor_id == actor.id,
                                      and_(ItRepair.status == "to_leader", names(IT_LEADER, actor))]
    if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
        ors.append(ItRepair.department_id == actor.department_id)
    if actor.has(roles.SECRECY):
        ors.append(ItAsset.classified.is_(True))  # the register's base joins the asset
    return or_(*ors)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(REPAIR_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(*IT_OPS_ROLES, roles.OFFICE_HEAD):
        items.append(DashboardItem("待受理的报修", count("to_take"), REPAIR_KEY, "to_take"))
        items.append(DashboardItem("维修中的报修", count("repairing"), REPAIR_KEY, "repairing"))
    leader = count("to_approve")
    if leader:
        items.append(DashboardItem("待我批准的维修", leader, REPAIR_KEY, "to_approve", True))
    mine = count("to_confirm")
    if mine:
        items.append(DashboardItem("待我确认的维修", mine, REPAIR_KEY, "to_confirm", True))
    return items


REPAIR_REGISTER = RegisterSpec(
    key=REPAIR_KEY,
    title="信息化设备报修单",
    model=ItRepair,
    columns=(
        Column("number", "报修单编号", ItRepair.number, 14),
        Column("reported_at", "报修时间", ItRepair.reported_at, 13, "datetime"),
        Column("reporter", "报修人", _Reporter.name, 7),
        Column("department", "报修部门", Department.name, 9),
        Column("asset", "资产编号", ItAsset.number, 12),
        Column("kind", "设备类型", ItAsset.kind, 9),
        Column("brand_model", "品牌型号", ItAsset.brand_model, 14),
        Column("fault", "故障现象", ItRepair.fault, 20),
        Column("status", "状态", ItRepair.status, 8, "status"),
        Column("handler", "维修人员", _Handler.name, 7),
        Column("mode", "维修方式", ItRepair.mode, 8),
        Column("referral", "报批事由", ItRepair.referral, 10),
        Column("outcome", "维修结果", ItRepair.outcome, 10),
        Column("done_at", "修复时间", ItRepair.done_at, 13, "datetime"),
    ),
    base=_base,
    search=(ItRepair.number, _Reporter.name, ItAsset.number, ItAsset.brand_model, ItRepair.fault, _Handler.name),
    date_expr=ItRepair.reported_at,
    workflow=REPAIR_WORKFLOW,
    filters=(
        Filter("to_take", "待受理", REPAIR_WORKFLOW.available_where("take")),
        Filter("repairing", "维修中", lambda a: ItRepair.status == "repairing"),
        Filter("to_approve", "待我批准", REPAIR_WORKFLOW.available_where("approve")),
        Filter("to_leader", "待领导批准", lambda a: ItRepair.status == "to_leader"),
        Filter("to_confirm", "待我确认", REPAIR_WORKFLOW.available_where("confirm")),
        Filter("mine", "我的报修", lambda a: ItRepair.reporter_id == a.id if a.id else false()),
        Filter("classified", "涉密计算机", lambda a: ItAsset.classified.is_(True)),
        Filter("done", "已完成", lambda a: ItRepair.status == "done"),
    ),
    scope=_scope,
    form=REPAIR_FIELDS,
    create=lambda db, actor, data: RepairService(db).report(actor, data),
    create_label="报修",
    may_create=lambda actor: True,
    create_who="设备使用人",
    dashboard=_dashboard,
    act=service_act(RepairService),
    documents=(RegisterDocument(REPAIR_DOCUMENT_KIND, may=lambda a: True, who="本院工作人员"),),
    printed_columns=("number", "reported_at", "reporter", "department", "asset", "kind", "fault", "status", "handler",
                     "outcome", "done_at"),
)


# --- 报修单 ------------------------------------------------------------------------------------------

def build_repair_form(session: Session, repair_id: int) -> Document:
    repair = load_or_refuse(session, ItRepair, repair_id, "报修单", "该报修单不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")

    def when(moment: Any) -> str:
        return court_time(moment, style) if moment else ""

    asset = repair.asset
    mode = repair.mode
    if repair.supervisor is not None:
        mode += f"（{repair.supervisor.name}全程监管）"
    if repair.storage_removed:
        mode += "（所有存储部件已拆除）"
    rows = [
        ("报修单编号", repair.number), ("报修人", repair.reporter.name), ("报修部门", repair.department.name),
        ("报修时间", when(repair.reported_at)),
        ("报修设备", f"{asset.number}　{asset.kind}　{asset.brand_model}" + ("（涉密计算机）" if asset.classified else "")),
        ("故障现象", repair.fault),
        ("维修人员", f"{repair.handler.name}　受理于{when(repair.taken_at)}" if repair.handler else ""),
        ("维修方式", mode),
        ("领导批准（第34条）", f"{repair.referral}；" + (f"{repair.leader.name}于{when(repair.leader_at)}批准"
                                                   if repair.leader else "待批准") if repair.referral else "无"),
        ("维修情况", repair.work), ("维修结果", repair.outcome), ("修复时间", when(repair.done_at)),
        ("报修人确认", f"{repair.reporter.name}　{when(repair.confirmed_at)}" if repair.confirmed_at else ""),
        ("状态", REPAIR_WORKFLOW.label(repair.status)),
    ]
    return Document("信息化设备报修单", (
        Title(f"{court}\n信息化设备报修单"),
        Table((DocColumn("项目", 1.4), DocColumn("内容", 3.6, "left")), rows, header=False, size=12),
        Paragraph(f"依据{RULE_REPORT}、第21条、第34条办理；涉密计算机维修依{RULE_CLASSIFIED}。", indent=False),
        SignatureLine((("维修人员签字", ""), ("报修人签字", ""))),
    ))


REPAIR_DOCUMENT = DocumentKind(
    REPAIR_DOCUMENT_KIND, "信息化设备报修单",
    ids=lambda: select(ItRepair.id).order_by(ItRepair.id),
    build=build_repair_form,
    missing="该报修单不存在",
)
