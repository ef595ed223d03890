"""信息化设备申领单 (《信息化网络管理暂行规定》第14条; 第5条: 信建办 within 办公室, headed by the office head).

- 申领: anyone files a request for one device of a kind with the reason (申领人 = who files it, 申领部门 =
  his department), numbered by the shared mechanism ((2026)信申0001号), 待部门审批.
- 部门审批: the head of the requester's department (办公室: the office head); a department head's own
  request goes to a court leader. 信建办审批: the office head (信建办主任, 第5条); the office head's own
  request goes to a court leader. Either may send it back with the reason (已退回). Nobody approves his
  own request.
- 发放 by the 网络运维主管: one in-stock device of the kind asked for, given to the requester through the
  asset ledger (分配使用, 专人专用); with none in stock it is marked 待采购 and issued once one is
  registered. The requester confirms receipt (已领取); the device then shows under him in the ledger.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it import scrapping
from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.request_models import ItRequest
from courtdesk.areas.it.service import BOOK, KINDS, WIDE_ROLES, act_in, fixed
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_time
from courtdesk.kernel.documents.model import Column as DocColumn
from courtdesk.kernel.documents.model import Document, Paragraph, SignatureLine, Table, Title
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import RECORD, FormField, clean
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
from courtdesk.kernel.workflow import Separation, Transition, Workflow, history, src

RULE_REQUEST = f"{BOOK}第14条"
RULE_OFFICE = f"{BOOK}第5条"
RULE_SCRAPPED = f"{BOOK}第22条"
REQUEST_KEY = "it_request"
REQUEST_DOCUMENT_KIND = "it_request_form"
NUMBER_PATTERN = "({year})信申{serial:04d}号"
HEADS = (roles.DEPT_HEAD, roles.OFFICE_HEAD)
LEADERS = (roles.LEADER, roles.PRESIDENT)
#: 网络运维人员 of 信建办 (第6条): issue devices, take repairs.
IT_OPS_ROLES = (roles.IT_OPS,)
SELF = "操作人：不能审批本人的申领（审批与申领应由不同的人办理）"

REQUEST_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "设备类型", "choice", choices=fixed(KINDS)),
    FormField("reason", "申领事由", "multiline", max_len=500, help="用途、现有设备情况等；经部门负责人和信建办审批后发放"),
)


def in_stock_of_kind(session: Session, actor: Any, request: ItRequest | None) -> list[tuple[Any, str]]:
    """The in-stock devices of the kind the request asks for, as the 发放 step offers them."""
    if request is None:
        return []
    rows = session.scalars(select(ItAsset).where(ItAsset.status == "in_stock", ItAsset.kind == request.kind)
                           .order_by(ItAsset.id).limit(200))
    return [(a.id, f"{a.number} {a.kind} {a.brand_model}" + (f"（{a.location}）" if a.location else ""))
            for a in rows]


ISSUE_FIELDS = (
    FormField("asset_id", "发放设备", "choice", choices_by=(RECORD, in_stock_of_kind),
              help="从在库设备中选择一台申领类型的设备，分配申领人专人使用（第15条）"),
)


# --- rules -----------------------------------------------------------------------------------------

_Requester = aliased(User)
_Head = aliased(User)


def _base() -> Any:
    return (select(ItRequest.id).select_from(ItRequest)
            .join(_Requester, _Requester.id == ItRequest.requester_id)
            .join(Department, Department.id == ItRequest.department_id)
            .outerjoin(ItAsset, ItAsset.id == ItRequest.asset_id))


@rules.over(_base)
def may_dept_approve(actor: User) -> ColumnElement[bool]:
    """The head of the request's department; a head's own request, or one from a department without a
    head: a court leader."""
    ors: list[ColumnElement[bool]] = []
    if actor.has(*HEADS) and actor.department_id is not None:
        ors.append(and_(ItRequest.department_id == actor.department_id,
                        not_(rules.person_holds(ItRequest.requester_id, *HEADS, *LEADERS))))
    if actor.has(*LEADERS):
        ors.append(or_(rules.person_holds(ItRequest.requester_id, *HEADS, *LEADERS),
                       ItRequest.department_id == actor.department_id,
                       not_(exists(select(_Head.id).where(_Head.department_id == ItRequest.department_id,
                                                          _Head.active.is_(True),
                                                          rules.person_holds(_Head.id, *HEADS))))))
    return or_(*ors) if ors else false()


@rules.over(_base)
def may_office_approve(actor: User) -> ColumnElement[bool]:
    """信建办主任 (the office head, 第5条); the office head's own request: a court leader."""
    ors: list[ColumnElement[bool]] = []
    if actor.has(roles.OFFICE_HEAD):
        ors.append(not_(rules.person_holds(ItRequest.requester_id, roles.OFFICE_HEAD)))
    if actor.has(*LEADERS):
        ors.append(rules.person_holds(ItRequest.requester_id, roles.OFFICE_HEAD))
    return or_(*ors) if ors else false()


may_issue = rules.holding(_base, *IT_OPS_ROLES, name="may_issue_request")
may_receive = rules.owning(_base, ItRequest.requester_id, name="may_receive_request")


def _not_own(session: Session, actor: User, request: ItRequest) -> None:
    if request.requester_id == actor.id:
        raise PermissionDenied(SELF, field="操作人", rule=RULE_REQUEST)


def _receive_refusal(session: Session, actor: User, request: ItRequest) -> None:
    raise PermissionDenied(f"操作人：只有申领人{request.requester.name}本人可以确认领取", field="操作人",
                           rule=RULE_REQUEST)


# --- steps -----------------------------------------------------------------------------------------

def _dept_approve(session: Session, actor: User, request: ItRequest, values: dict[str, Any]) -> None:
    request.dept_approver_id = actor.id
    request.dept_approved_at = clock.now()


def _office_approve(session: Session, actor: User, request: ItRequest, values: dict[str, Any]) -> None:
    request.office_approver_id = actor.id
    request.office_approved_at = clock.now()


def check_issue(session: Session, request: ItRequest, asset_id: Any) -> ItAsset:
    """The device to issue: an existing, in-stock device of the kind asked for."""
    try:
        asset = session.get(ItAsset, int(asset_id)) if asset_id not in (None, "") else None
    except (TypeError, ValueError):
        asset = None
    if asset is None:
        raise ValidationError("发放设备：请选择一台在库设备", field="发放设备", rule=RULE_REQUEST)
    if asset.status == "scrapped":
        raise ValidationError(f"发放设备：{asset.label}已报废，不能再发放使用", field="发放设备", rule=RULE_SCRAPPED)
    if asset.kind != request.kind:
        raise ValidationError(f"发放设备：{asset.label}不是申领的{request.kind}", field="发放设备", rule=RULE_REQUEST)
    if asset.status != "in_stock":
        state = {"in_use": "在用", "repair": "维修中", "to_scrap": "待报废"}.get(asset.status, asset.status)
        raise ValidationError(f"发放设备：{asset.label}现为「{state}」，只能发放在库设备", field="发放设备",
                              rule=RULE_REQUEST)
    return asset


def _issue_guard(session: Session, actor: User, request: ItRequest, values: dict[str, Any]) -> None:
    check_issue(session, request, values.get("asset_id"))


def _issue(session: Session, actor: User, request: ItRequest, values: dict[str, Any]) -> None:
    asset = check_issue(session, request, values.get("asset_id"))
    act_in(session, actor, asset, "assign", f"依{request.number}发放", user_id=request.requester_id)
    request.asset_id = asset.id
    request.issuer_id = actor.id
    request.issued_at = clock.now()
    said = f"发放{asset.label}，分配{request.requester.name}专人使用"
    values["comment"] = f"{said}；{values['comment']}" if values["comment"] else said


def _receive(session: Session, actor: User, request: ItRequest, values: dict[str, Any]) -> None:
    request.received_at = clock.now()


REQUEST_WORKFLOW = Workflow(
    entity=REQUEST_KEY,
    states={"dept": "待部门审批", "office": "待信建办审批", "issue": "待发放", "procure": "待采购",
            "receive": "待确认领取", "received": "已领取", "returned": "已退回"},
    initial="dept",
    transitions=(
        Transition("dept_approve", "部门审批同意", src("dept"), "office", may_dept_approve, "申领人所在部门的负责人",
                   effect=_dept_approve, rule=RULE_REQUEST, refusal=_not_own,
                   separations=(Separation("requester_id", SELF),)),
        Transition("dept_return", "退回", src("dept"), "returned", may_dept_approve, "申领人所在部门的负责人",
                   comment_required=True, rule=RULE_REQUEST, refusal=_not_own,
                   separations=(Separation("requester_id", SELF),)),
        Transition("office_approve", "信建办审批同意", src("office"), "issue", may_office_approve, "信建办主任",
                   effect=_office_approve, rule=RULE_OFFICE, refusal=_not_own,
                   separations=(Separation("requester_id", SELF),)),
        Transition("office_return", "退回", src("office"), "returned", may_office_approve, "信建办主任",
                   comment_required=True, rule=RULE_OFFICE, refusal=_not_own,
                   separations=(Separation("requester_id", SELF),)),
        Transition("procure", "转采购", src("issue"), "procure", may_issue, "网络运维主管", rule=RULE_REQUEST,
                   comment_required=True),
        *(Transition("issue", "发放", src(state), "receive", may_issue, "网络运维主管", guard=_issue_guard,
                     effect=_issue, fields=ISSUE_FIELDS, rule=RULE_REQUEST,
                     separations=(Separation("requester_id", "操作人：不能向本人发放本人申领的设备"),))
          for state in ("issue", "procure")),
        Transition("receive", "确认领取", src("receive"), "received", may_receive, "申领人本人", effect=_receive,
                   rule=RULE_REQUEST, refusal=_receive_refusal),
        Transition("replace", "返旧换新", src("dept"), "issue", lambda a, r: True, "批准报废时自动登记",
                   system="批准报废", rule=f"{BOOK}第22条"),
    ),
)


def file_replacement(session: Session, actor: User, old: ItAsset, user_id: int) -> str:
    """返旧换新 (第22条): when the 主管领导 approves scrapping ``old`` with a replacement wished, a 申领 of
    the same kind is filed for ``user_id`` and, the approval covering it, waits straight for 发放.
    Returns the words the scrapping step records."""
    person = session.get(User, user_id)
    if person is None or person.department_id is None:
        return ""
    now = clock.now()
    request = ItRequest(status=REQUEST_WORKFLOW.initial, requester_id=person.id, department_id=person.department_id,
                        kind=old.kind, quantity=1, reason=f"返旧换新：{old.label}已批准报废", requested_at=now)
    numbering.assign(session, request, register=REQUEST_KEY, pattern=NUMBER_PATTERN, year=now.year)
    session.add(request)
    session.flush()
    REQUEST_WORKFLOW.fire(session, actor, request, "replace",
                          f"{old.number}经{actor.name}批准报废，返旧换新，由信建办配合发放", by_command=True)
    return f"已为{person.name}登记申领单{request.number}（待发放）"


scrapping.REPLACEMENT_HOOKS.append(file_replacement)


class RequestService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def file(self, actor: User, data: dict[str, Any]) -> ItRequest:
        """申领: one device of a kind, for the actor, in his department (待部门审批)."""
        values = clean(REQUEST_FIELDS, data)
        if values["kind"] not in KINDS:
            raise ValidationError("设备类型：请从列表中选择", field="设备类型")
        if actor.department_id is None:
            raise ValidationError("申领部门：申领人未登记所在部门，请先由系统管理员登记", field="申领部门",
                                  rule=RULE_REQUEST)
        with self.db.write(actor) as s:
            now = clock.now()
            request = ItRequest(status=REQUEST_WORKFLOW.initial, requester_id=actor.id,
                                department_id=actor.department_id, kind=values["kind"], quantity=1,
                                reason=values["reason"], requested_at=now)
            numbering.assign(s, request, register=REQUEST_KEY, pattern=NUMBER_PATTERN, year=now.year)
            s.add(request)
            s.flush()
            return request

    def act(self, actor: User, request_id: int, action: str, comment: str = "", **params: Any) -> ItRequest:
        with self.db.write(actor) as s:
            request = load_or_refuse(s, ItRequest, request_id, "申领单", "该申领单不存在")
            if action == "issue" and request.status in ("issue", "procure"):
                # before the options are checked, so the refusal says why (已报废, 不是申领的类型 …)
                check_issue(s, request, params.get("asset_id"))
            REQUEST_WORKFLOW.fire(s, actor, request, action, comment, **params)
            return request


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    own = ItRequest.requester_id == actor.id
    if actor.has(*HEADS) and actor.department_id is not None:
        return or_(own, ItRequest.department_id == actor.department_id)
    return own


def _issued(today: Any) -> Any:
    return case((ItAsset.number.is_(None), literal("")), else_=ItAsset.number)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(REQUEST_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(*HEADS, *LEADERS):
        items.append(DashboardItem("待我审批的设备申领", count("to_dept"), REQUEST_KEY, "to_dept"))
    if actor.has(roles.OFFICE_HEAD, *LEADERS):
        n = count("to_office")
        if n or actor.has(roles.OFFICE_HEAD):
            items.append(DashboardItem("待信建办审批的设备申领", n, REQUEST_KEY, "to_office"))
    if actor.has(*IT_OPS_ROLES):
        items.append(DashboardItem("待发放的设备申领", count("to_issue"), REQUEST_KEY, "to_issue"))
    mine = count("to_receive")
    if mine:
        items.append(DashboardItem("待我确认领取的设备", mine, REQUEST_KEY, "to_receive", True))
    return items


REQUEST_REGISTER = RegisterSpec(
    key=REQUEST_KEY,
    title="信息化设备申领单",
    model=ItRequest,
    columns=(
        Column("number", "申领单编号", ItRequest.number, 14),
        Column("requested_at", "申领时间", ItRequest.requested_at, 13, "datetime"),
        Column("requester", "申领人", _Requester.name, 7),
        Column("department", "申领部门", Department.name, 9),
        Column("kind", "设备类型", ItRequest.kind, 9),
        Column("quantity", "数量", ItRequest.quantity, 4),
        Column("reason", "申领事由", ItRequest.reason, 20),
        Column("status", "状态", ItRequest.status, 9, "status"),
        Column("asset", "发放设备", ItAsset.number, 12, live=_issued),
        Column("issued_at", "发放时间", ItRequest.issued_at, 13, "datetime"),
        Column("received_at", "领取确认", ItRequest.received_at, 13, "datetime"),
    ),
    base=_base,
    search=(ItRequest.number, _Requester.name, Department.name, ItRequest.kind, ItRequest.reason, ItAsset.number),
    date_expr=ItRequest.requested_at,
    workflow=REQUEST_WORKFLOW,
    filters=(
        Filter("to_dept", "待我部门审批", REQUEST_WORKFLOW.available_where("dept_approve")),
        Filter("to_office", "待信建办审批", REQUEST_WORKFLOW.available_where("office_approve")),
        Filter("to_issue", "待发放", REQUEST_WORKFLOW.available_where("issue")),
        Filter("procure", "待采购", lambda a: ItRequest.status == "procure"),
        Filter("to_receive", "待我确认领取", REQUEST_WORKFLOW.available_where("receive")),
        Filter("mine", "我的申领", lambda a: ItRequest.requester_id == a.id if a.id else false()),
        Filter("received", "已领取", lambda a: ItRequest.status == "received"),
        Filter("returned", "已退回", lambda a: ItRequest.status == "returned"),
    ),
    scope=_scope,
    form=REQUEST_FIELDS,
    create=lambda db, actor, data: RequestService(db).file(actor, data),
    create_label="申领设备",
    may_create=lambda actor: actor.department_id is not None,
    create_who="本院工作人员",
    dashboard=_dashboard,
    act=service_act(RequestService),
    documents=(RegisterDocument(REQUEST_DOCUMENT_KIND, may=lambda a: True, who="本院工作人员"),),
    printed_columns=("number", "requested_at", "requester", "department", "kind", "quantity", "reason", "status",
                     "asset", "received_at"),
)


# --- 申领单 ------------------------------------------------------------------------------------------

def _when(moment: Any, style: str) -> str:
    return court_time(moment, style) if moment else ""


def build_request_form(session: Session, request_id: int) -> Document:
    request = load_or_refuse(session, ItRequest, request_id, "申领单", "该申领单不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    asset = request.asset
    steps = {"dept_return": "部门负责人退回", "office_return": "信建办退回", "procure": "转采购"}
    notes = [f"{steps[st.action]}：{st.actor_name} {_when(st.at, style)}（{st.comment}）"
             for st in history(session, REQUEST_KEY, request.id) if st.action in steps]
    rows = [
        ("申领单编号", request.number), ("申领人", request.requester.name), ("申领部门", request.department.name),
        ("申领时间", _when(request.requested_at, style)), ("设备类型", request.kind), ("数量", str(request.quantity)),
        ("申领事由", request.reason),
        ("部门负责人意见", f"同意　{request.dept_approver.name}　{_when(request.dept_approved_at, style)}"
         if request.dept_approver else ""),
        ("信建办意见", f"同意　{request.office_approver.name}　{_when(request.office_approved_at, style)}"
         if request.office_approver else ""),
        ("发放设备", f"{asset.number}　{asset.kind}　{asset.brand_model}" + (f"（序列号{asset.serial_no}）"
                                                                          if asset.serial_no else "")
         if asset else ""),
        ("发放人", f"{request.issuer.name}　{_when(request.issued_at, style)}" if request.issuer else ""),
        ("领取确认", f"{request.requester.name}　{_when(request.received_at, style)}" if request.received_at else ""),
        ("状态", REQUEST_WORKFLOW.label(request.status)),
    ]
    parts: list[Any] = [
        Title(f"{court}\n信息化设备申领单"),
        Table((DocColumn("项目", 1.4), DocColumn("内容", 3.6, "left")), rows, header=False, size=12),
    ]
    parts.extend(Paragraph(n, indent=False) for n in notes)
    parts.append(Paragraph(f"依据{RULE_REQUEST}：日常办公办案信息化设备的申领，参照我院办公用品管理规定；经部门负责人、"
                           "信建办审批后由网络运维主管发放，计算机专人专用。", indent=False))
    parts.append(SignatureLine((("申领人签字", ""), ("领取日期", ""))))
    return Document("信息化设备申领单", tuple(parts))


REQUEST_DOCUMENT = DocumentKind(
    REQUEST_DOCUMENT_KIND, "信息化设备申领单",
    ids=lambda: select(ItRequest.id).order_by(ItRequest.id),
    build=build_request_form,
    missing="该申领单不存在",
)
