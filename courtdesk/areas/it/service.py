"""信息化设备台账 (《信息化网络管理暂行规定》第15条、第30条): registering a device, giving it to its user
(专人专用、岗位责任制), taking it back, its IP address, and the moves other processes make (送修, 待报废,
报废) through the one asset workflow.

- 登记 by 信建办 (the 网络运维主管 or the office head who heads it, 第5条): the asset tag is numbered by
  the shared mechanism (ZC-2026-0001); a serial number, IP or MAC already in the ledger is refused
  however typed; a classified device is a 涉密单机 with no address (《保密工作制度》第三十四条(5)); a
  platform facility is held by the department 第15条 names (诉讼服务中心 → 立案庭 …).
- States: 在库 → 在用 (分配使用) → 在库 (收回); 维修中, 待报废 and 已报废 are entered by the repair and
  scrapping processes through :func:`move` (system steps, each logged on the asset); 已报废 frees the
  address and the record stays.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from sqlalchemy import and_, case, false, literal, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it import ipplan
from courtdesk.areas.it.labels import LABEL_COMMAND, LABEL_REGISTER_DOCUMENT
from courtdesk.areas.it.models import ItAsset, ItSubnet
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, numbering, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
from courtdesk.kernel.money import to_fen
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    RegisterQuery,
    RegisterSpec,
    service_act,
)
from courtdesk.kernel.workflow import Transition, Workflow, src

BOOK = ipplan.BOOK
RULE_LEDGER = f"{BOOK}第15条"
RULE_CLASSIFIED = ipplan.RULE_CLASSIFIED_NET

ASSET_KEY = "it_asset"
NUMBER_PATTERN = "ZC-{year}-{serial:04d}"

KINDS = ("台式计算机", "笔记本电脑", "打印机", "扫描仪", "复印机", "网络设备", "服务器", "数字法庭设备",
         "视频会议设备", "安防监控设备", "其他")
#: 第15条: the platform facilities and the department that uses and supervises each.
FACILITIES: dict[str, str] = {"诉讼服务中心": "立案庭", "执行指挥中心": "执行局", "数字法庭": "办公室",
                              "安防监控": "法警队"}

#: 信建办: its head is the office head (第5条); the 网络运维主管 manages the network for it (第6条).
OFFICE = (roles.IT_OPS, roles.OFFICE_HEAD, ADMIN)
#: Who sees the whole ledger.
WIDE_ROLES = (roles.IT_OPS, roles.OFFICE_HEAD, roles.LEADER, roles.PRESIDENT, ADMIN)


# --- choices (the kernel's, under the names the IT modules use) ------------------------------------

people = forms.active_people
departments = forms.active_departments
fixed = forms.fixed


ASSET_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "设备类型", "choice", choices=fixed(KINDS)),
    FormField("brand_model", "品牌型号", "text", max_len=60),
    FormField("serial_no", "序列号", "text", required=False, max_len=60, help="设备铭牌上的序列号（S/N）"),
    FormField("department_id", "使用部门", "choice", choices=departments),
    FormField("location", "存放地点", "text", required=False, max_len=60),
    FormField("facility", "平台设施", "choice", required=False, default="",
              choices=lambda s, a: [("", "（不属于平台设施）"), *((k, f"{k}（{v}监管）") for k, v in FACILITIES.items())],
              help="《信息化网络管理暂行规定》第15条：平台设施由规定的部门使用和监管，信建办负责维护"),
    FormField("network", "网络", "choice", choices=fixed(ipplan.NETWORKS), default="内网"),
    FormField("classified", "涉密设备", "choice", choices=lambda s, a: [("no", "否"), ("yes", "是")], default="no",
              help="涉密计算机必须单机使用，其涉密管理在保密管理中登记"),
    FormField("ip", "IP地址", "text", required=False, max_len=39, help="由网络运维主管统一分配（第30条）"),
    FormField("mac", "MAC地址", "text", required=False, max_len=17, help="如 3C-52-82-1A-2B-3C"),
    FormField("purchased_on", "购置日期", "date", required=False),
    FormField("price", "购置价格", "money", required=False, maximum=9_999_999),
    FormField("warranty_until", "保修截止日期", "date", required=False),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


# --- checks ----------------------------------------------------------------------------------------

def serial_key(text: str) -> str:
    """A serial number as compared: NFKC, no spaces, dashes or invisible characters, upper case."""
    folded = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\-_\u200b-\u200f\ufeff·.]", "", folded).upper()


_MAC = re.compile(r"^([0-9A-F]{2})[:\-]?([0-9A-F]{2})[:\-]?([0-9A-F]{2})[:\-]?([0-9A-F]{2})[:\-]?([0-9A-F]{2})"
                  r"[:\-]?([0-9A-F]{2})$")


def mac_address(text: str) -> str | None:
    folded = unicodedata.normalize("NFKC", text or "").strip().upper().replace(".", "")
    if not folded:
        return None
    found = _MAC.match(folded)
    if found is None:
        raise ValidationError(f"MAC地址：「{text}」格式不对，应为 6 组两位十六进制数，如 3C-52-82-1A-2B-3C",
                              field="MAC地址")
    return "-".join(found.groups())


def check_asset(session: Session, asset: ItAsset) -> None:
    """The ledger's rules over an asset as it will be saved (登记, 修改): no duplicate serial or MAC, a
    classified device never on a network, a platform facility with its department, dates in order."""
    if asset.serial_key:
        same = session.scalars(select(ItAsset).where(ItAsset.serial_key == asset.serial_key,
                                                     ItAsset.id != (asset.id or 0))).first()
        if same is not None:
            raise ValidationError(f"序列号：「{asset.serial_no}」已登记为{same.label}，同一设备不能重复登记",
                                  field="序列号")
    if asset.mac:
        same = session.scalars(select(ItAsset).where(ItAsset.mac == asset.mac, ItAsset.id != (asset.id or 0))).first()
        if same is not None:
            raise ValidationError(f"MAC地址：{asset.mac} 已登记为{same.label}", field="MAC地址")
    if asset.classified and asset.network != "涉密单机":
        raise PermissionDenied(f"网络：涉密设备必须单机使用，严禁接入任何网络，网络应为「涉密单机」，不能为「{asset.network}」",
                               field="网络", rule=RULE_CLASSIFIED)
    if asset.network == "涉密单机" and not asset.classified:
        raise ValidationError("涉密设备：网络为「涉密单机」的设备应登记为涉密设备", field="涉密设备")
    if asset.facility:
        holder = FACILITIES.get(asset.facility)
        if holder is None:
            raise ValidationError(f"平台设施：应为 {'、'.join(FACILITIES)} 之一", field="平台设施", rule=RULE_LEDGER)
        dept = session.get(Department, asset.department_id)
        if dept is None or dept.name != holder:
            raise ValidationError(f"使用部门：{asset.facility}相关平台设施由{holder}使用并负责监管，使用部门应为{holder}",
                                  field="使用部门", rule=RULE_LEDGER)
    if asset.purchased_on and asset.warranty_until and asset.warranty_until < asset.purchased_on:
        raise ValidationError("保修截止日期：不能早于购置日期", field="保修截止日期")
    if asset.purchased_on and asset.purchased_on > clock.today():
        raise ValidationError("购置日期：不能晚于今天", field="购置日期")


def require_office(actor: User, what: str) -> None:
    if not actor.has(*OFFICE):
        raise PermissionDenied(f"操作人：{what}由信建办（网络运维主管、办公室负责人）办理", field="操作人",
                               rule=f"{BOOK}第5条、第6条")


# --- workflow --------------------------------------------------------------------------------------

_User = aliased(User)


def _asset_base() -> Any:
    return (select(ItAsset.id).select_from(ItAsset)
            .join(Department, Department.id == ItAsset.department_id)
            .outerjoin(_User, _User.id == ItAsset.user_id)
            .outerjoin(ItSubnet, ItSubnet.id == ItAsset.subnet_id))


may_manage = rules.holding(_asset_base, *OFFICE, name="may_manage_asset")
may_plan_ip = rules.holding(_asset_base, *ipplan.PLANNERS, name="may_plan_ip")


def _person(session: Session, user_id: Any, label: str) -> User:
    person = session.get(User, user_id)
    if person is None or not person.active:
        raise ValidationError(f"{label}：该人员不存在或已停用", field=label)
    return person


#: Devices one person uses (专人专用, 第15条); a printer, scanner or switch may be a department's.
PERSONAL_KINDS = ("台式计算机", "笔记本电脑")


def _assign_guard(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    if values.get("user_id"):
        _person(session, values["user_id"], "使用人")
    elif asset.kind in PERSONAL_KINDS:
        raise ValidationError(f"使用人：{asset.kind}实行专人专用、岗位责任制，请选择使用人", field="使用人",
                              rule=RULE_LEDGER)
    elif not values.get("department_id"):
        raise ValidationError("使用部门：未指定使用人的设备，请选择使用部门", field="使用部门")
    if values.get("department_id") and asset.facility:
        holder = FACILITIES[asset.facility]
        dept = session.get(Department, values["department_id"])
        if dept is None or dept.name != holder:
            raise ValidationError(f"使用部门：{asset.facility}相关平台设施由{holder}使用并负责监管", field="使用部门",
                                  rule=RULE_LEDGER)


def _assign(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    person = _person(session, values["user_id"], "使用人") if values.get("user_id") else None
    before = asset.user.name if asset.user else ""
    asset.user_id = person.id if person else None
    if values.get("department_id"):
        asset.department_id = values["department_id"]
    elif person is not None and not asset.facility and person.department_id is not None:
        asset.department_id = person.department_id
    if values.get("location"):
        asset.location = values["location"]
    asset.since = clock.now()
    dept = session.get(Department, asset.department_id)
    if person is None:
        said = f"交{dept.name if dept else ''}使用并负责监管"
    else:
        said = (f"由{before}改为{person.name}使用" if before else f"分配{person.name}专人使用") + "（专人专用、岗位责任制）"
    values["comment"] = _joined(said, values["comment"])


def _take_back(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    before = asset.user.name if asset.user else ""
    asset.user_id = None
    asset.since = clock.now()
    values["comment"] = _joined(f"自{before}收回入库" if before else "收回入库", values["comment"])


def _set_ip(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    before = asset.ip or ""
    ipplan.place(session, asset, values["ip"])
    said = f"IP地址由{before}改为{asset.ip}" if before else f"分配IP地址{asset.ip}"
    values["comment"] = _joined(said, values["comment"])


def _clear_ip(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    freed = ipplan.free(asset)
    values["comment"] = _joined(f"收回IP地址{freed}", values["comment"])


def _joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


def _scrapped(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    freed = ipplan.free(asset)
    asset.user_id = None
    asset.since = clock.now()
    if freed:
        values["comment"] = _joined(f"IP地址{freed}已收回", values["comment"])


def _moved(session: Session, actor: User, asset: ItAsset, values: dict[str, Any]) -> None:
    asset.since = clock.now()


ASSIGN_FIELDS = (
    FormField("user_id", "使用人", "choice", required=False, choices=people,
              help="计算机专人专用，实行岗位责任制（第15条）；打印机等公用设备可只指定使用部门"),
    FormField("department_id", "使用部门", "choice", required=False, choices=departments, help="不填：使用人所在部门"),
    FormField("location", "存放地点", "text", required=False, max_len=60),
)
IP_FIELDS = (FormField("ip", "IP地址", "text", max_len=39, help="在IP地址规划的网段内，由网络运维主管统一配置"),)

#: The moves other processes make (送修, 修复, 待报废, 报废, 不予报废): each a system step, fired by
#: :func:`move` from the step it belongs to and logged on the asset.
MOVES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "repair": ("送修", ("in_stock", "in_use"), "维修登记"),
    "in_use": ("恢复使用", ("repair", "to_scrap"), "维修完毕或不予报废"),
    "in_stock": ("入库", ("repair", "to_scrap"), "维修完毕或不予报废"),
    "to_scrap": ("申请报废", ("in_stock", "in_use", "repair"), "报废鉴定"),
    "scrapped": ("报废", ("to_scrap",), "批准报废"),
}

ASSET_WORKFLOW = Workflow(
    entity=ASSET_KEY,
    states={"in_stock": "在库", "in_use": "在用", "repair": "维修中", "to_scrap": "待报废", "scrapped": "已报废"},
    initial="in_stock",
    transitions=(
        Transition("assign", "分配使用", src("in_stock"), "in_use", may_manage, "信建办", guard=_assign_guard,
                   effect=_assign, fields=ASSIGN_FIELDS, rule=RULE_LEDGER),
        Transition("reassign", "变更使用人", src("in_use"), "in_use", may_manage, "信建办", guard=_assign_guard,
                   effect=_assign, fields=ASSIGN_FIELDS, rule=RULE_LEDGER, aside=True),
        Transition("take_back", "收回入库", src("in_use"), "in_stock", may_manage, "信建办", effect=_take_back),
        *(Transition("set_ip", "分配IP地址", src(state), state, may_plan_ip, "网络运维主管", effect=_set_ip,
                     fields=IP_FIELDS, rule=ipplan.RULE_IP, aside=True) for state in ("in_stock", "in_use")),
        *(Transition("clear_ip", "收回IP地址", src(state), state, may_plan_ip, "网络运维主管", effect=_clear_ip,
                     rule=ipplan.RULE_IP, aside=True) for state in ("in_stock", "in_use")),
        *(Transition(f"to_{target}", label, src(*sources), target, lambda a, r: True, f"办理{part}时自动登记",
                      effect=_scrapped if target == "scrapped" else _moved, system=part)
          for target, (label, sources, part) in MOVES.items()),
    ),
)


def move(session: Session, actor: User, asset: ItAsset, target: str, comment: str) -> None:
    """Put ``asset`` into state ``target`` as part of another process's step (a repair, a scrapping)."""
    ASSET_WORKFLOW.fire(session, actor, asset, f"to_{target}", comment, by_command=True)


def back_in_service(session: Session, actor: User, asset: ItAsset, comment: str) -> None:
    """After a repair or a refused scrapping: 在用 when it has a user, else 在库."""
    move(session, actor, asset, "in_use" if asset.user_id else "in_stock", comment)


# --- service ---------------------------------------------------------------------------------------

class AssetService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, actor: User, data: dict[str, Any]) -> ItAsset:
        """登记 a device into the ledger (在库); the asset tag is numbered on save."""
        require_office(actor, "登记信息化设备")
        values = clean(ASSET_FIELDS, data)
        with self.db.write(actor) as s:
            return register_in(s, actor, values)

    def act(self, actor: User, asset_id: int, action: str, comment: str = "", **params: Any) -> ItAsset:
        with self.db.write(actor) as s:
            asset = load_or_refuse(s, ItAsset, asset_id, "信息化设备", "该设备不存在")
            return act_in(s, actor, asset, action, comment, **params)


def act_in(s: Session, actor: User, asset: ItAsset, action: str, comment: str = "", **params: Any) -> ItAsset:
    """A step of the asset inside the caller's unit of work (the service, a request's 发放, the demo)."""
    if asset.status == "scrapped" and action in ("assign", "reassign", "set_ip"):
        raise ValidationError(f"状态：{asset.label}已报废，不能再分配使用或分配IP地址", field="状态",
                              rule=f"{BOOK}第22条")
    ASSET_WORKFLOW.fire(s, actor, asset, action, comment, **params)
    return asset


def register_in(s: Session, actor: User, values: dict[str, Any]) -> ItAsset:
    """登记 inside the caller's unit of work, ``values`` cleaned by :data:`ASSET_FIELDS`."""
    now = clock.now()
    price = values.get("price")
    asset = ItAsset(
        status=ASSET_WORKFLOW.initial, kind=values["kind"], brand_model=values["brand_model"],
        serial_no=values["serial_no"] or "", serial_key=serial_key(values["serial_no"] or "") or None,
        department_id=values["department_id"], location=values["location"] or "",
        facility=values["facility"] or "", network=values["network"],
        classified=values["classified"] == "yes", mac=mac_address(values["mac"] or ""),
        purchased_on=values["purchased_on"], price_fen=to_fen(price) if price is not None else 0,
        warranty_until=values["warranty_until"], registered_at=now, registered_by_id=actor.id, since=now,
        remarks=values["remarks"] or "")
    if s.get(Department, asset.department_id) is None:
        raise ValidationError("使用部门：所选部门不存在", field="使用部门")
    check_asset(s, asset)
    numbering.assign(s, asset, register=ASSET_KEY, pattern=NUMBER_PATTERN, year=now.year)
    s.add(asset)
    s.flush()
    if values["ip"]:
        ipplan.require_planner(actor, "分配IP地址")
        ipplan.place(s, asset, values["ip"])
    return asset


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES, roles.SECRECY):
        return None
    own = ItAsset.user_id == actor.id
    if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
        return or_(own, ItAsset.department_id == actor.department_id)
    return own


def _live(today: dt.date) -> Any:
    labels = ASSET_WORKFLOW.states
    return case(*((ItAsset.status == key, literal(label)) for key, label in labels.items()), else_=ItAsset.status)


def _warranty(today: dt.date) -> Any:
    return case((ItAsset.warranty_until.is_(None), literal("")),
                (ItAsset.warranty_until < today, literal("已过保")), else_=literal("保修期内"))


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(ASSET_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(*OFFICE):
        items.append(DashboardItem("维修中的设备", count("repair"), ASSET_KEY, "repair"))
        items.append(DashboardItem("待报废的设备", count("to_scrap"), ASSET_KEY, "to_scrap"))
    return items


ASSET_REGISTER = RegisterSpec(
    key=ASSET_KEY,
    title="信息化设备台账",
    model=ItAsset,
    columns=(
        Column("number", "资产编号", ItAsset.number, 12),
        Column("kind", "设备类型", ItAsset.kind, 9),
        Column("brand_model", "品牌型号", ItAsset.brand_model, 16),
        Column("serial_no", "序列号", ItAsset.serial_no, 14),
        Column("department", "使用部门", Department.name, 9),
        Column("user", "使用人", _User.name, 7),
        Column("location", "存放地点", ItAsset.location, 10),
        Column("network", "网络", ItAsset.network, 6),
        Column("ip", "IP地址", ItAsset.ip, 12),
        Column("mac", "MAC地址", ItAsset.mac, 15),
        Column("classified", "涉密", case((ItAsset.classified, literal("涉密")), else_=literal("")), 4),
        Column("facility", "平台设施", ItAsset.facility, 8),
        Column("now", "状态", ItAsset.status, 7, live=_live,
               tone=lambda shown: "overdue" if shown == "已报废" else ("soon" if shown == "维修中" else None)),
        Column("since", "自何时起", ItAsset.since, 13, "datetime"),
        Column("purchased_on", "购置日期", ItAsset.purchased_on, 10, "date"),
        Column("price", "购置价格", ItAsset.price_fen, 10, "money"),
        Column("warranty_until", "保修截止", ItAsset.warranty_until, 10, "date"),
        Column("warranty", "保修", ItAsset.warranty_until, 6, live=_warranty),
    ),
    base=_asset_base,
    search=(ItAsset.number, ItAsset.brand_model, ItAsset.serial_no, ItAsset.ip, ItAsset.mac, _User.name,
            Department.name, ItAsset.location),
    date_expr=ItAsset.registered_at,
    workflow=ASSET_WORKFLOW,
    filters=(
        Filter("in_use", "在用", lambda a: ItAsset.status == "in_use"),
        Filter("in_stock", "在库", lambda a: ItAsset.status == "in_stock"),
        Filter("repair", "维修中", lambda a: ItAsset.status == "repair"),
        Filter("to_scrap", "待报废", lambda a: ItAsset.status == "to_scrap"),
        Filter("scrapped", "已报废", lambda a: ItAsset.status == "scrapped"),
        Filter("mine", "我使用的", lambda a: ItAsset.user_id == a.id if a.id else false()),
        Filter("classified", "涉密设备", lambda a: ItAsset.classified.is_(True)),
        Filter("inner", "内网设备", lambda a: ItAsset.network == "内网"),
        Filter("outer", "外网设备", lambda a: ItAsset.network == "外网"),
        Filter("facility", "平台设施", lambda a: ItAsset.facility != ""),
        Filter("out_of_warranty", "已过保修期", lambda a: and_(ItAsset.warranty_until.is_not(None),
                                                          ItAsset.warranty_until < clock.today(),
                                                          ItAsset.status != "scrapped")),
    ),
    scope=_scope,
    form=ASSET_FIELDS,
    create=lambda db, actor, data: AssetService(db).register(actor, data),
    create_label="登记设备",
    may_create=lambda actor: actor.has(*OFFICE),
    create_who="信建办（网络运维主管、办公室负责人）",
    dashboard=_dashboard,
    act=service_act(AssetService),
    live_status="now",
    listed_for=(*WIDE_ROLES, roles.DEPT_HEAD),
    printed_columns=("number", "kind", "brand_model", "serial_no", "department", "user", "location", "network", "ip",
                     "now", "purchased_on", "price"),
    documents=(LABEL_REGISTER_DOCUMENT,),
    commands=(LABEL_COMMAND,),
)


def asset_choices(kind_key: str = "kind", states: tuple[str, ...] = ("in_stock",)) -> Any:
    """Options of in-stock (or other) assets, for a step's field: (id, 「ZC-2026-0001 打印机 惠普M405dn」)."""

    def options(session: Session, actor: Any) -> list[tuple[Any, str]]:
        rows = session.scalars(select(ItAsset).where(ItAsset.status.in_(states)).order_by(ItAsset.id).limit(500))
        return [(a.id, f"{a.number} {a.kind} {a.brand_model}") for a in rows]

    return options

