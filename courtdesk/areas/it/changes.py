"""变更 (《信息化网络管理暂行规定》第23条、第24条): nobody changes the network's topology, the placement or
configuration of network devices, takes apart or replaces a computer's hardware, or removes its
software without the consent of the 网络运维主管 AND of the 信建办负责人 (the 办公室负责人, 第5条).

- 申请: anyone — a change of one device (硬件拆卸更换, 软件安装卸载 need one) or of the network as a
  whole (网络拓扑 may have none), what is changed, when it is planned.
- 网络运维主管同意 → 信建办负责人同意 (another person than the one who consented first and than the
  applicant); either may 不同意 (with the reason).
- 实施 by the 网络运维主管 only once both consented, with what was done.
- The change log: the register lists each change with the 资产编号 (searchable), filtered to one kind,
  to the network's or to devices' changes; a change's detail shows the same device's other changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.scrap_models import ItChange
from courtdesk.areas.it.scrapping import asset_options, form_document, history_rows, joined, load_asset
from courtdesk.areas.it.service import BOOK, OFFICE, WIDE_ROLES, fixed
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules
from courtdesk.kernel import settings as kernel_settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_date, court_time
from courtdesk.kernel.documents.model import Document
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    LinesSpec,
    RegisterDocument,
    RegisterQuery,
    RegisterSpec,
    service_act,
)
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

RULE_CHANGE = f"{BOOK}第23条、第24条"
CHANGE_KEY = "it_change"
CHANGE_FORM_KIND = "it_change_form"
NUMBER_PATTERN = "BG-{year}-{serial:03d}"
#: 第23条 (the first two) and 第24条 (the last two).
KINDS = ("网络拓扑", "设备布置与参数配置", "硬件拆卸更换", "软件安装卸载")
#: Kinds that are about one computer or device, never the network as a whole.
DEVICE_KINDS = ("硬件拆卸更换", "软件安装卸载")
OPEN = ("to_ops", "to_head", "to_do")

CHANGE_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "变更类别", "choice", choices=fixed(KINDS)),
    FormField("asset_id", "涉及设备", "choice", required=False,
              choices=asset_options("in_stock", "in_use", "repair", "to_scrap"),
              help="网络拓扑等整体变更可不选；硬件拆卸更换、软件安装卸载须选择设备"),
    FormField("description", "变更内容", "multiline", max_len=500),
    FormField("planned_on", "计划实施日期", "date"),
)
DONE_FIELDS = (FormField("result", "实施情况", "multiline", max_len=500),)


# --- workflow --------------------------------------------------------------------------------------

_Asset = aliased(ItAsset)
_Applicant = aliased(User)
_Ops = aliased(User)
_Head = aliased(User)


def _base() -> Any:
    return (select(ItChange.id).select_from(ItChange)
            .outerjoin(_Asset, _Asset.id == ItChange.asset_id)
            .join(_Applicant, _Applicant.id == ItChange.applicant_id)
            .outerjoin(_Ops, _Ops.id == ItChange.ops_id)
            .outerjoin(_Head, _Head.id == ItChange.head_id))


may_ops = rules.holding(_base, roles.IT_OPS, name="may_consent_change_ops")
may_head = rules.holding(_base, roles.OFFICE_HEAD, name="may_consent_change_head")


def _ops_consent(session: Session, actor: User, change: ItChange, values: dict[str, Any]) -> None:
    change.ops_id, change.ops_at = actor.id, clock.now()


def _head_consent(session: Session, actor: User, change: ItChange, values: dict[str, Any]) -> None:
    change.head_id, change.head_at = actor.id, clock.now()


def _done_guard(session: Session, actor: User, change: ItChange, values: dict[str, Any]) -> None:
    if change.ops_id is None or change.head_id is None:
        raise ValidationError("状态：未经网络运维主管及信建办负责人同意，不得实施变更", field="状态", rule=RULE_CHANGE)
    if change.asset is not None and change.asset.status == "scrapped":
        raise ValidationError(f"涉及设备：{change.asset.label}已报废", field="涉及设备", rule=RULE_CHANGE)


def _done(session: Session, actor: User, change: ItChange, values: dict[str, Any]) -> None:
    change.done_by_id, change.done_at = actor.id, clock.now()
    change.result = values["result"]
    values["comment"] = joined(f"已实施：{change.result}", values["comment"])


SEPARATIONS = (
    Separation("ops_id", "操作人：网络运维主管已同意，变更还须经另一人——信建办负责人同意"),
    Separation("applicant_id", "操作人：不能同意自己提出的变更申请，应由信建办负责人另行同意"),
)

CHANGE_WORKFLOW = Workflow(
    entity=CHANGE_KEY,
    states={"to_ops": "待网络运维主管同意", "to_head": "待信建办负责人同意", "to_do": "待实施", "done": "已实施",
            "refused": "不同意"},
    initial="to_ops",
    transitions=(
        Transition("ops_consent", "网络运维主管同意", src("to_ops"), "to_head", may_ops, "网络运维主管",
                   effect=_ops_consent, rule=RULE_CHANGE),
        Transition("head_consent", "信建办负责人同意", src("to_head"), "to_do", may_head, "信建办负责人（办公室负责人）",
                   effect=_head_consent, separations=SEPARATIONS, rule=RULE_CHANGE),
        Transition("refuse", "不同意", src("to_ops"), "refused", may_ops, "网络运维主管", comment_required=True,
                   rule=RULE_CHANGE),
        Transition("refuse", "不同意", src("to_head"), "refused", may_head, "信建办负责人（办公室负责人）",
                   comment_required=True, separations=SEPARATIONS, rule=RULE_CHANGE),
        Transition("done", "登记实施", src("to_do"), "done", may_ops, "网络运维主管", guard=_done_guard, effect=_done,
                   fields=DONE_FIELDS, rule=RULE_CHANGE),
    ),
)


# --- service ---------------------------------------------------------------------------------------

class ChangeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def apply(self, actor: User, data: dict[str, Any]) -> ItChange:
        """申请变更 (待网络运维主管同意)."""
        values = clean(CHANGE_FIELDS, data)
        with self.db.write(actor) as s:
            return apply_in(s, actor, values)

    def act(self, actor: User, change_id: int, action: str, comment: str = "", **params: Any) -> ItChange:
        with self.db.write(actor) as s:
            change = load_or_refuse(s, ItChange, change_id, "变更申请", "该变更申请不存在")
            CHANGE_WORKFLOW.fire(s, actor, change, action, comment, **params)
            return change


def apply_in(s: Session, actor: User, values: dict[str, Any]) -> ItChange:
    if values["kind"] not in KINDS:
        raise ValidationError(f"变更类别：应为 {'、'.join(KINDS)} 之一", field="变更类别", rule=RULE_CHANGE)
    asset = None
    if values.get("asset_id"):
        asset = load_asset(s, values["asset_id"], "涉及设备")
        if asset.status == "scrapped":
            raise ValidationError(f"涉及设备：{asset.label}已报废", field="涉及设备", rule=RULE_CHANGE)
    elif values["kind"] in DEVICE_KINDS:
        raise ValidationError(f"涉及设备：{values['kind']}须写明是哪台设备", field="涉及设备", rule=RULE_CHANGE)
    planned: dt.date = values["planned_on"]
    if planned < clock.today():
        raise ValidationError(f"计划实施日期：不能早于今天（{clock.today():%Y-%m-%d}），变更须先经同意再实施",
                              field="计划实施日期", rule=RULE_CHANGE)
    now = clock.now()
    change = ItChange(status=CHANGE_WORKFLOW.initial, kind=values["kind"], asset_id=asset.id if asset else None,
                      description=values["description"], planned_on=planned, applicant_id=actor.id, applied_at=now)
    numbering.assign(s, change, register=CHANGE_KEY, pattern=NUMBER_PATTERN, year=now.year)
    s.add(change)
    s.flush()
    return change


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return (ItChange.applicant_id == actor.id) | (_Asset.user_id == actor.id)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(CHANGE_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(roles.IT_OPS):
        items.append(DashboardItem("待我同意的变更", count("to_ops"), CHANGE_KEY, "to_ops"))
        items.append(DashboardItem("已同意待实施的变更", count("to_do"), CHANGE_KEY, "to_do"))
    if actor.has(roles.OFFICE_HEAD):
        items.append(DashboardItem("待信建办负责人同意的变更", count("to_head"), CHANGE_KEY, "to_head"))
    return items


def _same_device(session: Session, change_id: int) -> list[dict[str, Any]]:
    change = session.get(ItChange, change_id)
    if change is None or change.asset_id is None:
        return []
    rows = session.scalars(select(ItChange).where(ItChange.asset_id == change.asset_id, ItChange.id != change.id)
                           .order_by(ItChange.applied_at.desc(), ItChange.id.desc()))
    return [{"number": r.number, "kind": r.kind, "description": r.description,
             "status": CHANGE_WORKFLOW.label(r.status), "done_at": f"{r.done_at:%Y-%m-%d}" if r.done_at else ""}
            for r in rows]


def _facts(session: Session, change: ItChange) -> list[tuple[str, str]]:
    target = change.asset.label if change.asset else "网络整体（不涉及单台设备）"
    facts = [("涉及设备", target), ("变更内容", change.description), ("计划实施日期", f"{change.planned_on:%Y-%m-%d}")]
    consents = [f"网络运维主管{change.ops.name}" if change.ops else "", f"信建办负责人{change.head.name}" if change.head
                else ""]
    facts.append(("同意情况", "、".join(c for c in consents if c) + "已同意" if any(consents) else "尚未同意"))
    return facts


def _of_kind(kind: str) -> Callable[[User], ColumnElement[bool]]:
    return lambda actor: ItChange.kind == kind


CHANGE_REGISTER = RegisterSpec(
    key=CHANGE_KEY,
    title="信息化网络变更登记",
    model=ItChange,
    columns=(
        Column("number", "编号", ItChange.number, 11),
        Column("kind", "变更类别", ItChange.kind, 11),
        Column("asset", "资产编号", _Asset.number, 12),
        Column("brand_model", "设备", _Asset.brand_model, 14),
        Column("description", "变更内容", ItChange.description, 22),
        Column("planned_on", "计划实施日期", ItChange.planned_on, 10, "date"),
        Column("status", "状态", ItChange.status, 10, "status"),
        Column("applicant", "申请人", _Applicant.name, 7),
        Column("ops", "网络运维主管", _Ops.name, 7),
        Column("head", "信建办负责人", _Head.name, 7),
        Column("done_at", "实施时间", ItChange.done_at, 13, "datetime"),
        Column("result", "实施情况", ItChange.result, 18),
    ),
    base=_base,
    search=(ItChange.number, _Asset.number, _Asset.brand_model, ItChange.description, ItChange.kind,
            _Applicant.name),
    date_expr=ItChange.applied_at,
    workflow=CHANGE_WORKFLOW,
    filters=(
        Filter("to_ops", "待网络运维主管同意", CHANGE_WORKFLOW.available_where("ops_consent")),
        Filter("to_head", "待信建办负责人同意", CHANGE_WORKFLOW.available_where("head_consent")),
        Filter("to_do", "待实施", CHANGE_WORKFLOW.available_where("done")),
        Filter("done", "已实施", lambda a: ItChange.status == "done"),
        Filter("network", "网络整体变更", lambda a: ItChange.asset_id.is_(None)),
        Filter("device", "设备变更", lambda a: ItChange.asset_id.is_not(None)),
        *(Filter(f"kind_{n}", kind, _of_kind(kind)) for n, kind in enumerate(KINDS)),
        Filter("mine", "我申请的", lambda a: ItChange.applicant_id == a.id if a.id else false()),
    ),
    scope=_scope,
    form=CHANGE_FIELDS,
    create=lambda db, actor, data: ChangeService(db).apply(actor, data),
    create_label="申请变更",
    dashboard=_dashboard,
    act=service_act(ChangeService),
    facts=_facts,
    lines=(LinesSpec("same_device", "该设备的其他变更记录",
                     (FormField("number", "编号"), FormField("kind", "变更类别"), FormField("description", "变更内容"),
                      FormField("status", "状态"), FormField("done_at", "实施日期")), _same_device),),
    documents=(RegisterDocument(CHANGE_FORM_KIND, may=lambda a: a.has(*OFFICE, *WIDE_ROLES),
                                who="信建办或院领导"),),
    printed_columns=("number", "kind", "asset", "description", "planned_on", "status", "ops", "head", "done_at"),
)


def build_change_form(session: Session, change_id: int) -> Document:
    change = load_or_refuse(session, ItChange, change_id, "变更申请", "该变更申请不存在")
    style = kernel_settings.date_style(session)
    facts = [("编号", change.number), ("变更类别", change.kind),
             ("涉及设备", change.asset.label if change.asset else "网络整体"), ("变更内容", change.description),
             ("计划实施日期", court_date(change.planned_on, style)),
             ("申请人", f"{change.applicant.name}　{court_time(change.applied_at, style)}"),
             ("网络运维主管", f"{change.ops.name}　{court_time(change.ops_at, style)} 同意" if change.ops and change.ops_at else ""),
             ("信建办负责人", f"{change.head.name}　{court_time(change.head_at, style)} 同意" if change.head and change.head_at
              else ""),
             ("实施情况", change.result), ("状态", CHANGE_WORKFLOW.label(change.status))]
    return form_document(session, "信息化网络变更审批表", facts,
                         history_rows(session, CHANGE_WORKFLOW, CHANGE_KEY, change.id),
                         f"依据{RULE_CHANGE}：未经网络运维主管及信建办负责人同意，不得实施。",
                         (("网络运维主管", ""), ("信建办负责人", ""), ("实施人", "")))


CHANGE_DOCUMENT = DocumentKind(CHANGE_FORM_KIND, "信息化网络变更审批表",
                               ids=lambda: select(ItChange.id).order_by(ItChange.id),
                               build=build_change_form, missing="该变更申请不存在")
