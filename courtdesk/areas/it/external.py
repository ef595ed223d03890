"""外网使用 (《信息化网络管理暂行规定》第19条、第25条、第26条; 《保密工作制度》第三十四条(5)).

- 申请: a department (its head, or a member for himself) asks for a named user on a named device of the
  外网 — the court's internet, physically apart from the 内网 (第25条): a 内网 device is refused, and a
  classified computer is never put on any network (《保密工作制度》第三十四条(5)): refused.
- 同意 by the 信息化建设工作领导小组主管领导 the ``IT_LEADER`` setting names (not for himself, not for a
  request he filed) — or 不同意; 登记备案 by 信建办 (its head); 开通 by the 网络运维主管, who gives the
  device its 外网 address from the IP plan (第30条, logged on the asset); 停用 takes it back.
- The register's 已开通 filter is the list of approved external-network users and devices (第26条: nobody
  uses the 外网 without permission).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it import ipplan
from courtdesk.areas.it import settings as it_settings
from courtdesk.areas.it.models import ItAsset, ItSubnet
from courtdesk.areas.it.scrap_models import ItExternal
from courtdesk.areas.it.scrapping import (
    asset_options,
    form_document,
    history_rows,
    is_classified,
    joined,
    load_asset,
)
from courtdesk.areas.it.service import BOOK, WIDE_ROLES, act_in, people
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules
from courtdesk.kernel import settings as kernel_settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_time
from courtdesk.kernel.documents.model import Document
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

RULE_EXTERNAL = f"{BOOK}第19条"
RULE_PERMIT = f"{BOOK}第26条"
RULE_APART = ipplan.RULE_APART
RULE_CLASSIFIED = ipplan.RULE_CLASSIFIED_NET
EXTERNAL_KEY = "it_external"
EXTERNAL_FORM_KIND = "it_external_form"
NUMBER_PATTERN = "WW-{year}-{serial:03d}"
OPEN = ("to_agree", "to_register", "to_open", "opened")

EXTERNAL_FIELDS: tuple[FormField, ...] = (
    FormField("user_id", "使用人", "choice", choices=people, help="本部门使用外网的干警"),
    FormField("asset_id", "使用设备", "choice", choices=asset_options("in_stock", "in_use", network="外网"),
              help="只能是外网设备：内网须与国际互联网绝对物理隔离（第25条），涉密计算机严禁接入任何网络"),
    FormField("purpose", "用途及事由", "multiline", max_len=300),
)
OPEN_FIELDS = (FormField("ip", "外网IP地址", "text", max_len=39, help="外网网段内的地址，由网络运维主管统一配置（第30条）"),)


# --- workflow --------------------------------------------------------------------------------------

_User = aliased(User)
_Applicant = aliased(User)
_Asset = aliased(ItAsset)


def _base() -> Any:
    return (select(ItExternal.id).select_from(ItExternal)
            .join(_User, _User.id == ItExternal.user_id)
            .join(_Applicant, _Applicant.id == ItExternal.applicant_id)
            .join(_Asset, _Asset.id == ItExternal.asset_id)
            .join(Department, Department.id == ItExternal.department_id))


may_register = rules.holding(_base, roles.OFFICE_HEAD, name="may_register_external")
may_open = rules.holding(_base, roles.IT_OPS, name="may_open_external")


@rules.over(_base)
def may_agree(actor: User) -> ColumnElement[bool]:
    """The 信息化建设工作领导小组主管领导 the settings name (第19条)."""
    return it_settings.names(it_settings.IT_LEADER, actor)


def check_device(session: Session, asset: ItAsset, field: str) -> None:
    """A device that may be on the 外网: not classified, not scrapped, a 外网 device."""
    if is_classified(session, asset):
        raise PermissionDenied(f"{field}：{asset.label}是涉密计算机（设备），必须单机使用，严禁接入互联网等任何网络",
                               field=field, rule=RULE_CLASSIFIED)
    if asset.status == "scrapped":
        raise ValidationError(f"{field}：{asset.label}已报废", field=field, rule=RULE_EXTERNAL)
    if asset.network == "内网":
        raise PermissionDenied(f"{field}：{asset.label}是内网设备，内网须与国际互联网实行绝对物理隔离，不能用于外网；"
                               "请选择外网设备", field=field, rule=RULE_APART)
    if asset.network != "外网":
        raise ValidationError(f"{field}：{asset.label}的网络为「{asset.network}」，不是外网设备；请先由信建办在设备台账中"
                              "登记为外网设备", field=field, rule=RULE_APART)


def _agree(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    ext.leader_id, ext.agreed_at = actor.id, clock.now()


def _refuse(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    ext.leader_id, ext.agreed_at = actor.id, clock.now()


def _register(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    ext.registrar_id, ext.registered_at = actor.id, clock.now()
    values["comment"] = joined("信建办登记备案", values["comment"])


def _open_guard(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    check_device(session, ext.asset, "使用设备")
    if ext.asset.status not in ("in_use", "in_stock"):
        raise ValidationError(f"使用设备：{ext.asset.label}现不在用（{ext.asset.status}），不能开通", field="使用设备",
                              rule=RULE_EXTERNAL)


def _open(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    asset = ext.asset
    address = str(ipplan.parse_ip(values["ip"], "外网IP地址"))
    if asset.ip != address:
        try:
            act_in(session, actor, asset, "set_ip", f"{ext.number}开通外网", ip=address)
        except ValidationError as refused:  # the IP plan's refusal, said of this step's field
            raise ValidationError(refused.message.replace("IP地址：", "外网IP地址：", 1), field="外网IP地址",
                                  rule=refused.rule) from None
    ext.ip = address
    ext.opener_id, ext.opened_at = actor.id, clock.now()
    values["comment"] = joined(f"为{ext.user.name}开通外网，{asset.number}外网IP地址{address}", values["comment"])


def _stop(session: Session, actor: User, ext: ItExternal, values: dict[str, Any]) -> None:
    ext.stopped_at = clock.now()
    if ext.asset.ip and ext.asset.ip == ext.ip and ext.asset.status in ("in_use", "in_stock"):
        act_in(session, actor, ext.asset, "clear_ip", f"{ext.number}停用外网")
    values["comment"] = joined(f"停止{ext.user.name}使用外网", values["comment"])


def _open_prefill(session: Session, ext: ItExternal) -> dict[str, Any]:
    """The device's 外网 address, or the first free one of a 外网 subnet."""
    if ext.asset.ip:
        return {"ip": ext.asset.ip}
    held = set(session.scalars(select(ItAsset.ip_int).where(ItAsset.ip_int.is_not(None))))
    for subnet in session.scalars(select(ItSubnet).where(ItSubnet.zone == "外网").order_by(ItSubnet.id)):
        gateway = int(ipaddress.IPv4Address(subnet.gateway)) if subnet.gateway else None
        for value in range(subnet.first_int, subnet.last_int + 1):
            if value not in held and value != gateway:
                return {"ip": str(ipaddress.IPv4Address(value))}
    return {}


NOT_SELF = (
    Separation("applicant_id", "操作人：不能同意自己提出的外网使用申请，应由信息化建设工作领导小组主管领导另行同意"),
    Separation("user_id", "操作人：不能同意本人使用外网的申请，应由信息化建设工作领导小组主管领导另行同意"),
)
LEADER_WHO = "信息化建设工作领导小组主管领导"

EXTERNAL_WORKFLOW = Workflow(
    entity=EXTERNAL_KEY,
    states={"to_agree": "待主管领导同意", "to_register": "待信建办登记", "to_open": "待开通", "opened": "已开通",
            "stopped": "已停用", "refused": "不同意"},
    initial="to_agree",
    transitions=(
        Transition("agree", "同意使用外网", src("to_agree"), "to_register", may_agree, LEADER_WHO, effect=_agree,
                   separations=NOT_SELF, rule=RULE_EXTERNAL),
        Transition("refuse", "不同意", src("to_agree"), "refused", may_agree, LEADER_WHO, effect=_refuse,
                   separations=NOT_SELF, comment_required=True, rule=RULE_EXTERNAL),
        Transition("register", "登记备案", src("to_register"), "to_open", may_register, "信建办负责人（办公室负责人）",
                   effect=_register, rule=RULE_EXTERNAL),
        Transition("open", "开通外网", src("to_open"), "opened", may_open, "网络运维主管", guard=_open_guard,
                   effect=_open, fields=OPEN_FIELDS, prefill=_open_prefill, rule=RULE_EXTERNAL),
        Transition("stop", "停用外网", src("opened"), "stopped", may_open, "网络运维主管", effect=_stop,
                   rule=RULE_PERMIT, aside=True),
    ),
)


# --- service ---------------------------------------------------------------------------------------

class ExternalService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def apply(self, actor: User, data: dict[str, Any]) -> ItExternal:
        """申请使用外网 (待主管领导同意)."""
        values = clean(EXTERNAL_FIELDS, data)
        with self.db.write(actor) as s:
            return apply_in(s, actor, values)

    def act(self, actor: User, ext_id: int, action: str, comment: str = "", **params: Any) -> ItExternal:
        with self.db.write(actor) as s:
            ext = load_or_refuse(s, ItExternal, ext_id, "外网使用申请", "该外网使用申请不存在")
            EXTERNAL_WORKFLOW.fire(s, actor, ext, action, comment, **params)
            return ext


def apply_in(s: Session, actor: User, values: dict[str, Any]) -> ItExternal:
    asset = load_asset(s, values["asset_id"], "使用设备")
    check_device(s, asset, "使用设备")
    user = s.get(User, values["user_id"])
    if user is None or not user.active:
        raise ValidationError("使用人：该人员不存在或已停用", field="使用人")
    if user.department_id is None:
        raise ValidationError(f"使用人：{user.name}没有所在部门，外网使用应由其所在部门申请", field="使用人",
                              rule=RULE_EXTERNAL)
    own_head = actor.has(roles.DEPT_HEAD) and actor.department_id == user.department_id
    if not (user.id == actor.id or own_head or actor.has(roles.IT_OPS, roles.OFFICE_HEAD)):
        raise PermissionDenied(f"操作人：{user.name}使用外网应由本人或其所在部门负责人申请", field="操作人",
                               rule=RULE_EXTERNAL)
    same = s.scalar(select(ItExternal.number).where(ItExternal.user_id == user.id, ItExternal.asset_id == asset.id,
                                                    ItExternal.status.in_(OPEN)))
    if same is not None:
        raise ValidationError(f"使用设备：{user.name}使用{asset.number}的外网申请{same}已在办理或已开通", field="使用设备",
                              rule=RULE_EXTERNAL)
    now = clock.now()
    ext = ItExternal(status=EXTERNAL_WORKFLOW.initial, department_id=user.department_id, user_id=user.id,
                     asset_id=asset.id, purpose=values["purpose"], applicant_id=actor.id, applied_at=now)
    numbering.assign(s, ext, register=EXTERNAL_KEY, pattern=NUMBER_PATTERN, year=now.year)
    s.add(ext)
    s.flush()
    return ext


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    mine = or_(ItExternal.applicant_id == actor.id, ItExternal.user_id == actor.id,
               it_settings.names(it_settings.IT_LEADER, actor))
    if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
        return or_(mine, ItExternal.department_id == actor.department_id)
    return mine


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(EXTERNAL_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if kernel_settings.get(session, it_settings.IT_LEADER) == str(actor.id):
        items.append(DashboardItem("待我同意的外网使用申请", count("to_agree"), EXTERNAL_KEY, "to_agree", True))
    if actor.has(roles.OFFICE_HEAD):
        items.append(DashboardItem("待登记备案的外网使用", count("to_register"), EXTERNAL_KEY, "to_register"))
    if actor.has(roles.IT_OPS):
        items.append(DashboardItem("待开通的外网使用", count("to_open"), EXTERNAL_KEY, "to_open"))
    return items


EXTERNAL_REGISTER = RegisterSpec(
    key=EXTERNAL_KEY,
    title="外网使用登记",
    model=ItExternal,
    columns=(
        Column("number", "编号", ItExternal.number, 11),
        Column("department", "申请部门", Department.name, 9),
        Column("user", "使用人", _User.name, 7),
        Column("asset", "资产编号", _Asset.number, 12),
        Column("device", "设备", _Asset.brand_model, 14),
        Column("ip", "外网IP地址", ItExternal.ip, 12),
        Column("purpose", "用途及事由", ItExternal.purpose, 18),
        Column("status", "状态", ItExternal.status, 9, "status"),
        Column("applicant", "申请人", _Applicant.name, 7),
        Column("applied_at", "申请时间", ItExternal.applied_at, 13, "datetime"),
        Column("agreed_at", "主管领导同意时间", ItExternal.agreed_at, 13, "datetime"),
        Column("registered_at", "登记备案时间", ItExternal.registered_at, 13, "datetime"),
        Column("opened_at", "开通时间", ItExternal.opened_at, 13, "datetime"),
    ),
    base=_base,
    search=(ItExternal.number, _User.name, _Asset.number, ItExternal.ip, Department.name, ItExternal.purpose),
    date_expr=ItExternal.applied_at,
    workflow=EXTERNAL_WORKFLOW,
    filters=(
        Filter("opened", "已开通（经批准的外网用户和设备）", lambda a: ItExternal.status == "opened"),
        Filter("to_agree", "待我同意", EXTERNAL_WORKFLOW.available_where("agree")),
        Filter("to_register", "待登记备案", EXTERNAL_WORKFLOW.available_where("register")),
        Filter("to_open", "待开通", EXTERNAL_WORKFLOW.available_where("open")),
        Filter("pending", "办理中", lambda a: ItExternal.status.in_(("to_agree", "to_register", "to_open"))),
        Filter("stopped", "已停用", lambda a: ItExternal.status == "stopped"),
        Filter("mine", "我使用的", lambda a: ItExternal.user_id == a.id if a.id else false()),
    ),
    scope=_scope,
    form=EXTERNAL_FIELDS,
    create=lambda db, actor, data: ExternalService(db).apply(actor, data),
    create_label="申请使用外网",
    create_who="使用人本人或其所在部门负责人",
    dashboard=_dashboard,
    act=service_act(ExternalService),
    documents=(RegisterDocument(EXTERNAL_FORM_KIND),),
    printed_columns=("number", "department", "user", "asset", "device", "ip", "purpose", "status", "opened_at"),
)


# --- 外网使用审批表 ------------------------------------------------------------------------------------

def build_external_form(session: Session, ext_id: int) -> Document:
    ext = load_or_refuse(session, ItExternal, ext_id, "外网使用申请", "该外网使用申请不存在")
    style = kernel_settings.date_style(session)

    def done(who: User | None, at: Any, words: str, waiting: str) -> str:
        return f"{who.name}　{court_time(at, style)} {words}" if who is not None and at is not None else waiting

    leader_words = "不同意" if ext.status == "refused" else "同意"
    facts = [("编号", ext.number), ("申请部门", ext.department.name), ("使用人", ext.user.name),
             ("使用设备", ext.asset.label), ("用途及事由", ext.purpose),
             ("申请人", f"{ext.applicant.name}　{court_time(ext.applied_at, style)}"),
             ("主管领导意见", done(ext.leader, ext.agreed_at, leader_words, "（待主管领导同意）")),
             ("信建办登记备案", done(ext.registrar, ext.registered_at, "登记备案", "（待登记）")),
             ("网络运维主管开通", done(ext.opener, ext.opened_at, f"开通，外网IP地址{ext.ip}", "（待开通）")),
             ("状态", EXTERNAL_WORKFLOW.label(ext.status))]
    return form_document(session, "外网使用审批表", facts,
                         history_rows(session, EXTERNAL_WORKFLOW, EXTERNAL_KEY, ext.id),
                         f"依据{RULE_EXTERNAL}、第25条、第26条，{RULE_CLASSIFIED}：涉密计算机严禁接入任何网络。",
                         (("申请部门负责人", ""), ("主管领导", ""), ("信建办", "")))


EXTERNAL_DOCUMENT = DocumentKind(EXTERNAL_FORM_KIND, "外网使用审批表",
                                 ids=lambda: select(ItExternal.id).order_by(ItExternal.id),
                                 build=build_external_form, missing="该外网使用申请不存在")
