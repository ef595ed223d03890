"""会议、要害部门部位、保密责任书和保密检查 (《保密工作制度》第十条–第十二条、第三十七条(7)、第四十条).

- 机密级以上会议和活动 (第三十七条(7)): 保密办 registers each (a 秘密 meeting is refused: it needs no
  register, phones are simply not used there, 第三十七条(8)); a phone or other mobile device goes in only
  with the approval of the 保密工作领导小组组长 the settings name, registered per meeting (批准带入设备:
  the head alone may take that step; each approval is a line of the meeting); 登记召开 closes it.
- 保密要害部门部位 (第十条、第十一条): determined by the 领导小组, with its 管理责任人 and measures; 保密办
  reports it to the 保密行政管理部门 (报备: the date) and every adjustment (调整: logged, 待报备 again).
- 保密责任书 (第十二条): one per department per year; the register 各部门保密责任书和检查情况 says for
  every department, as of today, 本年度未签订 / 本年度未检查 (SQL over clock.today()).
- 保密检查 (第四十条): per department, date, findings and the rectifications as rows with their deadline;
  each rectification is completed (整改完成) with its date; 逾期未整改 is derived from the deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, literal, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.oversight_models import (
    SecretInspection,
    SecretKeyPlace,
    SecretMeeting,
    SecretMeetingDevice,
    SecretRectification,
    SecretResponsibilityLetter,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
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

BOOK = "《保密工作制度》"
RULE_MEETING = f"{BOOK}第三十七条(7)"
RULE_KEY_REPORT = f"{BOOK}第十条"
RULE_KEY_PLACE = f"{BOOK}第十一条"
RULE_LETTER = f"{BOOK}第十二条"
RULE_INSPECT = f"{BOOK}第四十条"

MEETING_KEY = "secrecy_meeting"
KEY_PLACE_KEY = "secrecy_key_place"
LETTER_KEY = "secrecy_letter"
DEPARTMENTS_KEY = "secrecy_departments"
INSPECTION_KEY = "secrecy_inspection"
RECTIFICATION_KEY = "secrecy_rectification"

MEETING_LEVELS = ("绝密", "机密")
KINDS = ("部门", "部位")
RESULTS = ("合格", "基本合格", "不合格")
WIDE_ROLES = (roles.SECRECY, roles.LEADER, roles.PRESIDENT, ADMIN)
UNSIGNED = "本年度未签订"
UNINSPECTED = "本年度未检查"
OVERDUE = "逾期未整改"


def _department_rows() -> Any:
    """The departments 第十二条 and 第四十条 speak of: every active one but the leaders' own."""
    return select(Department).where(Department.active.is_(True),
                                    Department.kind != str(roles.LEADERS_DEPARTMENT))


def _joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


def _not_future(day: dt.date | None, label: str) -> None:
    if day is not None and day > clock.today():
        raise ValidationError(f"{label}：不能晚于今天（{clock.today():%Y-%m-%d}）", field=label)


def _dept_scope(column: Any, actor: User) -> Any:
    """保密办, the leaders and the administrator see every department's; a department head his own."""
    if actor.has(*WIDE_ROLES):
        return None
    if actor.has(roles.DEPT_HEAD) and actor.department_id is not None:
        return column == actor.department_id
    return false()


def _user(session: Session, user_id: Any, label: str) -> User:
    person = session.get(User, user_id)
    if person is None or not person.active:
        raise ValidationError(f"{label}：该人员不存在或已停用", field=label)
    return person


def _department(session: Session, dept_id: Any, label: str) -> Department:
    dept = session.get(Department, dept_id)
    if dept is None or not dept.active:
        raise ValidationError(f"{label}：该部门不存在或已停用", field=label)
    return dept


# --- 机密级以上会议和活动 -------------------------------------------------------------------------------

MEETING_FIELDS: tuple[FormField, ...] = (
    FormField("name", "会议或活动名称", "text", max_len=100),
    FormField("level", "密级", "choice", choices=forms.fixed(("绝密", "机密", "秘密")),
              help="只登记机密级以上的会议和活动（第三十七条(7)）"),
    FormField("held_on", "日期", "date"),
    FormField("place", "地点", "text", max_len=60),
    FormField("organiser_id", "组织部门", "choice", choices=forms.active_departments),
    FormField("jammer", "安装使用手机信号干扰设备", "choice", choices=lambda s, a: [("yes", "是"), ("no", "否")],
              default="yes"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)

DEVICE_FIELDS: tuple[FormField, ...] = (
    FormField("person_id", "携带人", "choice", choices=forms.active_people),
    FormField("device", "设备", "text", max_len=60, help="如：华为手机一部"),
    FormField("reason", "带入事由", "text", max_len=100, help="因公带入的理由"),
)


def _meeting_base() -> Any:
    return select(SecretMeeting.id).select_from(SecretMeeting).join(
        Department, Department.id == SecretMeeting.organiser_id)


@rules.over(_meeting_base)
def may_approve_device(actor: User) -> ColumnElement[bool]:
    """The 保密工作领导小组组长 the settings name."""
    return secrecy_settings.names(secrecy_settings.GROUP_HEAD, actor)


may_keep_meeting = rules.holding(_meeting_base, roles.SECRECY, name="may_keep_meeting")


def _approve_device(session: Session, actor: User, meeting: SecretMeeting, values: dict[str, Any]) -> None:
    person = _user(session, values["person_id"], "携带人")
    session.add(SecretMeetingDevice(meeting_id=meeting.id, person_id=person.id, device=values["device"],
                                    reason=values["reason"], approver_id=actor.id, approved_at=clock.now()))
    values["comment"] = _joined(f"批准{person.name}因{values['reason']}带入{values['device']}，登记备案",
                                values["comment"])


def _hold_guard(session: Session, actor: User, meeting: SecretMeeting, values: dict[str, Any]) -> None:
    if meeting.held_on > clock.today():
        raise ValidationError(f"日期：会议定于{meeting.held_on:%Y-%m-%d}召开，尚未召开", field="日期")


MEETING_WORKFLOW = Workflow(
    entity=MEETING_KEY,
    states={"planned": "待召开", "held": "已召开"},
    initial="planned",
    transitions=(
        Transition("approve_device", "批准带入移动终端", src("planned"), "planned", may_approve_device,
                   "保密工作领导小组组长（系统设置中指定）", effect=_approve_device, fields=DEVICE_FIELDS,
                   rule=RULE_MEETING, aside=True),
        Transition("hold", "登记召开", src("planned"), "held", may_keep_meeting, "保密办", guard=_hold_guard,
                   rule=RULE_MEETING),
    ),
)


# --- 保密要害部门部位 ---------------------------------------------------------------------------------

KEY_PLACE_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "类别", "choice", choices=forms.fixed(KINDS)),
    FormField("name", "名称", "text", max_len=60, help="如：机要室、档案室、涉密计算机机房"),
    FormField("department_id", "所在部门", "choice", choices=forms.active_departments),
    FormField("responsible_id", "管理责任人", "choice", choices=forms.active_people),
    FormField("measures", "管理措施", "multiline", max_len=500,
              help="国家秘密载体在安全可靠的设备中保存；未经批准不得带入录音、录像、拍照、信息存储设备（第十一条）"),
    FormField("determined_on", "领导小组确定日期", "date"),
)

FILE_FIELDS = (FormField("reported_on", "报保密行政管理部门日期", "date"),)
ADJUST_FIELDS = (
    FormField("responsible_id", "管理责任人", "choice", choices=forms.active_people),
    FormField("measures", "管理措施", "multiline", required=False, max_len=500, help="不填则不变"),
    FormField("reason", "调整原因", "text", max_len=100),
)


def _key_base() -> Any:
    return (select(SecretKeyPlace.id).select_from(SecretKeyPlace)
            .join(Department, Department.id == SecretKeyPlace.department_id)
            .join(User, User.id == SecretKeyPlace.responsible_id))


may_keep_places = rules.holding(_key_base, roles.SECRECY, name="may_keep_places")


def _file_guard(session: Session, actor: User, place: SecretKeyPlace, values: dict[str, Any]) -> None:
    day: dt.date = values["reported_on"]
    _not_future(day, "报保密行政管理部门日期")
    if day < place.determined_on:
        raise ValidationError(f"报保密行政管理部门日期：不能早于领导小组确定日期（{place.determined_on:%Y-%m-%d}）",
                              field="报保密行政管理部门日期", rule=RULE_KEY_REPORT)


def _file(session: Session, actor: User, place: SecretKeyPlace, values: dict[str, Any]) -> None:
    place.reported_on = values["reported_on"]
    said = f"{place.reported_on:%Y-%m-%d}报保密行政管理部门确认备案" + (f"（{place.change}）" if place.change else "")
    place.change = ""
    values["comment"] = _joined(said, values["comment"])


def _adjust(session: Session, actor: User, place: SecretKeyPlace, values: dict[str, Any]) -> None:
    new = _user(session, values["responsible_id"], "管理责任人")
    before = place.responsible.name
    changes = []
    if new.id != place.responsible_id:
        changes.append(f"管理责任人由{before}调整为{new.name}")
        place.responsible_id = new.id
    if values["measures"] and values["measures"] != place.measures:
        changes.append("管理措施调整")
        place.measures = values["measures"]
    if not changes:
        raise ValidationError("管理责任人：与现在相同，没有调整", field="管理责任人")
    place.change = f"{'，'.join(changes)}：{values['reason']}"[:200]
    values["comment"] = _joined(place.change + "，待报保密行政管理部门", values["comment"])


KEY_PLACE_WORKFLOW = Workflow(
    entity=KEY_PLACE_KEY,
    states={"to_report": "待报备", "filed": "已确认备案"},
    initial="to_report",
    transitions=(
        Transition("file", "报备", src("to_report"), "filed", may_keep_places, "保密办", guard=_file_guard,
                   effect=_file, fields=FILE_FIELDS, rule=RULE_KEY_REPORT),
        Transition("adjust", "调整", src("filed"), "to_report", may_keep_places, "保密办", effect=_adjust,
                   fields=ADJUST_FIELDS, rule=RULE_KEY_REPORT),
    ),
)


# --- 保密责任书 -----------------------------------------------------------------------------------

LETTER_FIELDS: tuple[FormField, ...] = (
    FormField("department_id", "部门", "choice", choices=forms.active_departments),
    FormField("year", "年度", "int", minimum=2000, maximum=2100, default=None),
    FormField("signed_on", "签订日期", "date"),
    FormField("signer_id", "部门负责人", "choice", choices=forms.active_people),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


# --- 保密检查 -------------------------------------------------------------------------------------

RECTIFICATION_COLUMNS = (
    FormField("problem", "问题及整改要求", "text", max_len=200),
    FormField("deadline", "整改期限", "date"),
)
INSPECTION_FIELDS: tuple[FormField, ...] = (
    FormField("department_id", "被检查部门", "choice", choices=forms.active_departments),
    FormField("inspected_on", "检查日期", "date"),
    FormField("inspectors", "检查人员", "text", max_len=100),
    FormField("findings", "检查情况", "multiline", max_len=1000),
    FormField("result", "检查结论", "choice", choices=forms.fixed(RESULTS)),
    FormField("rectifications", "整改事项", "lines", required=False, columns=RECTIFICATION_COLUMNS, maximum=20),
)
COMPLETE_FIELDS = (
    FormField("completed_on", "整改完成日期", "date"),
    FormField("outcome", "整改情况", "text", max_len=200),
)


def _rect_base() -> Any:
    return (select(SecretRectification.id).select_from(SecretRectification)
            .join(SecretInspection, SecretInspection.id == SecretRectification.inspection_id)
            .join(Department, Department.id == SecretRectification.department_id))


may_confirm = rules.holding(_rect_base, roles.SECRECY, name="may_confirm_rectification")


def _complete_guard(session: Session, actor: User, rect: SecretRectification, values: dict[str, Any]) -> None:
    day: dt.date = values["completed_on"]
    _not_future(day, "整改完成日期")
    if day < rect.inspection.inspected_on:
        raise ValidationError(f"整改完成日期：不能早于检查日期（{rect.inspection.inspected_on:%Y-%m-%d}）",
                              field="整改完成日期", rule=RULE_INSPECT)


def _complete(session: Session, actor: User, rect: SecretRectification, values: dict[str, Any]) -> None:
    rect.completed_on = values["completed_on"]
    rect.outcome = values["outcome"]
    late = "（逾期完成）" if rect.completed_on > rect.deadline else ""
    values["comment"] = _joined(f"{rect.completed_on:%Y-%m-%d}整改完成{late}：{rect.outcome}", values["comment"])


RECTIFICATION_WORKFLOW = Workflow(
    entity=RECTIFICATION_KEY,
    states={"open": "整改中", "done": "已整改"},
    initial="open",
    transitions=(
        Transition("complete", "确认整改完成", src("open"), "done", may_confirm, "保密办", guard=_complete_guard,
                   effect=_complete, fields=COMPLETE_FIELDS, rule=f"{BOOK}第四十条(2)"),
    ),
)


# --- service ---------------------------------------------------------------------------------------

def _secrecy_only(actor: User, what: str, rule: str) -> None:
    if not actor.has(roles.SECRECY):
        raise PermissionDenied(f"操作人：{what}由保密办登记", field="操作人", rule=rule)


class OversightService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # 会议
    def register_meeting(self, actor: User, data: dict[str, Any]) -> SecretMeeting:
        level = data.get("level")
        if level == "秘密":
            raise ValidationError("密级：只登记机密级以上的会议和活动；秘密级会议和活动场所禁止使用普通手机等移动终端，"
                                  "不办理带入审批（第三十七条(8)）", field="密级", rule=RULE_MEETING)
        values = clean(MEETING_FIELDS, data)
        if values["level"] not in MEETING_LEVELS:
            raise ValidationError("密级：应为绝密或机密", field="密级", rule=RULE_MEETING)
        _secrecy_only(actor, "机密级以上会议和活动", RULE_MEETING)
        with self.db.write(actor) as s:
            organiser = _department(s, values["organiser_id"], "组织部门")
            meeting = SecretMeeting(
                status=MEETING_WORKFLOW.initial, name=values["name"], level=values["level"],
                held_on=values["held_on"], place=values["place"], organiser_id=organiser.id,
                jammer=values["jammer"] == "yes", registrar_id=actor.id, registered_at=clock.now(),
                remarks=values["remarks"])
            s.add(meeting)
            s.flush()
            return meeting

    def act_on_meeting(self, actor: User, meeting_id: int, action: str, comment: str = "",
                       **params: Any) -> SecretMeeting:
        with self.db.write(actor) as s:
            meeting = load_or_refuse(s, SecretMeeting, meeting_id, "会议或活动", "该会议或活动不存在")
            MEETING_WORKFLOW.fire(s, actor, meeting, action, comment, **params)
            return meeting

    # 要害部门部位
    def register_key_place(self, actor: User, data: dict[str, Any]) -> SecretKeyPlace:
        values = clean(KEY_PLACE_FIELDS, data)
        if values["kind"] not in KINDS:
            raise ValidationError("类别：应为部门或部位", field="类别", rule=RULE_KEY_REPORT)
        _not_future(values["determined_on"], "领导小组确定日期")
        _secrecy_only(actor, "保密要害部门部位", RULE_KEY_REPORT)
        with self.db.write(actor) as s:
            dept = _department(s, values["department_id"], "所在部门")
            person = _user(s, values["responsible_id"], "管理责任人")
            place = SecretKeyPlace(status=KEY_PLACE_WORKFLOW.initial, kind=values["kind"], name=values["name"],
                                   department_id=dept.id, responsible_id=person.id, measures=values["measures"],
                                   determined_on=values["determined_on"], change="新确定")
            s.add(place)
            s.flush()
            return place

    def act_on_key_place(self, actor: User, place_id: int, action: str, comment: str = "",
                         **params: Any) -> SecretKeyPlace:
        with self.db.write(actor) as s:
            place = load_or_refuse(s, SecretKeyPlace, place_id, "保密要害部门部位", "该要害部门部位不存在")
            KEY_PLACE_WORKFLOW.fire(s, actor, place, action, comment, **params)
            return place

    # 保密责任书
    def sign_letter(self, actor: User, data: dict[str, Any]) -> SecretResponsibilityLetter:
        values = clean(LETTER_FIELDS, data)
        signed: dt.date = values["signed_on"]
        _not_future(signed, "签订日期")
        year = values["year"] or signed.year
        if year not in (signed.year, signed.year + 1):
            raise ValidationError(f"年度：{signed:%Y-%m-%d}签订的责任书应为{signed.year}年度（或次年度）",
                                  field="年度", rule=RULE_LETTER)
        _secrecy_only(actor, "保密责任书", RULE_LETTER)
        with self.db.write(actor) as s:
            dept = _department(s, values["department_id"], "部门")
            signer = _user(s, values["signer_id"], "部门负责人")
            before = s.scalar(select(SecretResponsibilityLetter).where(
                SecretResponsibilityLetter.department_id == dept.id, SecretResponsibilityLetter.year == year))
            if before is not None:
                raise ValidationError(f"部门：{dept.name}{year}年度的保密责任书已于{before.signed_on:%Y-%m-%d}签订",
                                      field="部门", rule=RULE_LETTER)
            letter = SecretResponsibilityLetter(department_id=dept.id, year=year, signed_on=signed,
                                                signer_id=signer.id, office_signer_id=actor.id,
                                                remarks=values["remarks"])
            s.add(letter)
            s.flush()
            return letter

    # 保密检查
    def record_inspection(self, actor: User, data: dict[str, Any]) -> SecretInspection:
        values = clean(INSPECTION_FIELDS, data)
        day: dt.date = values["inspected_on"]
        _not_future(day, "检查日期")
        if values["result"] not in RESULTS:
            raise ValidationError(f"检查结论：应为 {'、'.join(RESULTS)} 之一", field="检查结论")
        rows = values["rectifications"] or []
        for row in rows:
            if row["deadline"] < day:
                raise ValidationError(f"整改期限：不能早于检查日期（{day:%Y-%m-%d}）", field="整改期限",
                                      rule=RULE_INSPECT)
        if values["result"] == "不合格" and not rows:
            raise ValidationError("整改事项：检查不合格的，应当责令整改，请写明整改事项和期限", field="整改事项",
                                  rule=f"{BOOK}第四十条(2)")
        _secrecy_only(actor, "保密检查", RULE_INSPECT)
        with self.db.write(actor) as s:
            dept = _department(s, values["department_id"], "被检查部门")
            inspection = SecretInspection(department_id=dept.id, inspected_on=day, inspectors=values["inspectors"],
                                          findings=values["findings"], result=values["result"], recorder_id=actor.id)
            s.add(inspection)
            s.flush()
            for row in rows:
                s.add(SecretRectification(status=RECTIFICATION_WORKFLOW.initial, inspection_id=inspection.id,
                                          department_id=dept.id, problem=row["problem"], deadline=row["deadline"]))
            s.flush()
            return inspection

    def act_on_rectification(self, actor: User, rect_id: int, action: str, comment: str = "",
                             **params: Any) -> SecretRectification:
        with self.db.write(actor) as s:
            rect = load_or_refuse(s, SecretRectification, rect_id, "整改事项", "该整改事项不存在")
            RECTIFICATION_WORKFLOW.fire(s, actor, rect, action, comment, **params)
            return rect


def _service(db: Database) -> OversightService:
    return OversightService(db)


# --- registers -------------------------------------------------------------------------------------

def _secrecy(actor: User) -> bool:
    return actor.has(roles.SECRECY)


def _devices(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretMeetingDevice).where(SecretMeetingDevice.meeting_id == meeting_id)
                           .order_by(SecretMeetingDevice.id))
    return [{"person": r.person.name, "device": r.device, "reason": r.reason, "approver": r.approver.name,
             "approved_at": f"{r.approved_at:%Y-%m-%d %H:%M}"} for r in rows]


_device_count = (select(func.count(SecretMeetingDevice.id))
                 .where(SecretMeetingDevice.meeting_id == SecretMeeting.id).scalar_subquery())

MEETING_REGISTER = RegisterSpec(
    key=MEETING_KEY,
    title="机密级以上会议活动登记簿",
    model=SecretMeeting,
    columns=(
        Column("name", "会议或活动名称", SecretMeeting.name, 24),
        Column("level", "密级", SecretMeeting.level, 5),
        Column("held_on", "日期", SecretMeeting.held_on, 10, "date"),
        Column("place", "地点", SecretMeeting.place, 14),
        Column("organiser", "组织部门", Department.name, 10),
        Column("jammer", "信号干扰设备", SecretMeeting.jammer, 8, "bool"),
        Column("devices", "批准带入设备", _device_count, 8, "int"),
        Column("status", "状态", SecretMeeting.status, 8, "status"),
    ),
    base=_meeting_base,
    search=(SecretMeeting.name, SecretMeeting.place, Department.name),
    date_expr=SecretMeeting.held_on,
    workflow=MEETING_WORKFLOW,
    filters=(
        Filter("planned", "待召开", lambda a: SecretMeeting.status == "planned"),
        Filter("held", "已召开", lambda a: SecretMeeting.status == "held"),
    ),
    visible_to=WIDE_ROLES,
    form=MEETING_FIELDS,
    create=lambda db, actor, data: OversightService(db).register_meeting(actor, data),
    create_label="登记会议活动",
    may_create=_secrecy,
    create_who="保密办",
    act=service_act(_service, "act_on_meeting"),
    lines=(LinesSpec("devices", "批准带入的移动终端（第三十七条(7)）",
                     (FormField("person", "携带人"), FormField("device", "设备"), FormField("reason", "事由"),
                      FormField("approver", "批准人"), FormField("approved_at", "批准时间")), _devices),),
)

_Responsible = aliased(User)


def _key_place_base() -> Any:
    return (select(SecretKeyPlace.id).select_from(SecretKeyPlace)
            .join(Department, Department.id == SecretKeyPlace.department_id)
            .join(_Responsible, _Responsible.id == SecretKeyPlace.responsible_id))


def _key_place_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.SECRECY):
        return []
    count = RegisterQuery(KEY_PLACE_REGISTER, filter_key="to_report").count(session, actor)
    return [DashboardItem("待报保密行政管理部门的要害部门部位", count, KEY_PLACE_KEY, "to_report", True)]


KEY_PLACE_REGISTER = RegisterSpec(
    key=KEY_PLACE_KEY,
    title="保密要害部门部位",
    model=SecretKeyPlace,
    columns=(
        Column("kind", "类别", SecretKeyPlace.kind, 5),
        Column("name", "名称", SecretKeyPlace.name, 16),
        Column("department", "所在部门", Department.name, 10),
        Column("responsible", "管理责任人", _Responsible.name, 8),
        Column("measures", "管理措施", SecretKeyPlace.measures, 24),
        Column("determined_on", "领导小组确定", SecretKeyPlace.determined_on, 10, "date"),
        Column("reported_on", "报备日期", SecretKeyPlace.reported_on, 10, "date"),
        Column("change", "待上报的调整", SecretKeyPlace.change, 18),
        Column("status", "状态", SecretKeyPlace.status, 8, "status"),
    ),
    base=_key_place_base,
    search=(SecretKeyPlace.name, Department.name, _Responsible.name),
    workflow=KEY_PLACE_WORKFLOW,
    filters=(
        Filter("to_report", "待报备", lambda a: SecretKeyPlace.status == "to_report"),
        Filter("filed", "已确认备案", lambda a: SecretKeyPlace.status == "filed"),
    ),
    visible_to=WIDE_ROLES,
    form=KEY_PLACE_FIELDS,
    create=lambda db, actor, data: OversightService(db).register_key_place(actor, data),
    create_label="登记要害部门部位",
    may_create=_secrecy,
    create_who="保密办",
    dashboard=_key_place_dashboard,
    act=service_act(_service, "act_on_key_place"),
)

_Signer = aliased(User)
_OfficeSigner = aliased(User)


def _letter_base() -> Any:
    return (select(SecretResponsibilityLetter.id).select_from(SecretResponsibilityLetter)
            .join(Department, Department.id == SecretResponsibilityLetter.department_id)
            .join(_Signer, _Signer.id == SecretResponsibilityLetter.signer_id)
            .join(_OfficeSigner, _OfficeSigner.id == SecretResponsibilityLetter.office_signer_id))


LETTER_REGISTER = RegisterSpec(
    key=LETTER_KEY,
    title="保密责任书登记簿",
    model=SecretResponsibilityLetter,
    columns=(
        Column("year", "年度", SecretResponsibilityLetter.year, 6, "int"),
        Column("department", "部门", Department.name, 12),
        Column("signed_on", "签订日期", SecretResponsibilityLetter.signed_on, 10, "date"),
        Column("signer", "部门负责人", _Signer.name, 8),
        Column("office_signer", "保密办经办人", _OfficeSigner.name, 8),
        Column("remarks", "备注", SecretResponsibilityLetter.remarks, 20),
    ),
    base=_letter_base,
    search=(Department.name, _Signer.name),
    date_expr=SecretResponsibilityLetter.signed_on,
    filters=(Filter("this_year", "本年度", lambda a: SecretResponsibilityLetter.year == clock.today().year),),
    visible_to=(*WIDE_ROLES, roles.DEPT_HEAD),
    scope=lambda a: _dept_scope(SecretResponsibilityLetter.department_id, a),
    form=LETTER_FIELDS,
    create=lambda db, actor, data: OversightService(db).sign_letter(actor, data),
    create_label="登记签订保密责任书",
    may_create=_secrecy,
    create_who="保密办",
)


# 各部门: one row per department, what is true this year

def _letter_this_year(today: dt.date) -> Any:
    return (select(func.max(SecretResponsibilityLetter.signed_on))
            .where(SecretResponsibilityLetter.department_id == Department.id,
                   SecretResponsibilityLetter.year == today.year).scalar_subquery())


def _inspected_this_year(today: dt.date) -> Any:
    return (select(func.max(SecretInspection.inspected_on))
            .where(SecretInspection.department_id == Department.id,
                   SecretInspection.inspected_on >= dt.date(today.year, 1, 1),
                   SecretInspection.inspected_on <= today).scalar_subquery())


def _has_letter(today: dt.date) -> ColumnElement[bool]:
    return exists(select(SecretResponsibilityLetter.id).where(
        SecretResponsibilityLetter.department_id == Department.id, SecretResponsibilityLetter.year == today.year))


def _has_inspection(today: dt.date) -> ColumnElement[bool]:
    return exists(select(SecretInspection.id).where(
        SecretInspection.department_id == Department.id,
        SecretInspection.inspected_on >= dt.date(today.year, 1, 1), SecretInspection.inspected_on <= today))


def _open_rectifications() -> Any:
    return (select(func.count(SecretRectification.id))
            .where(SecretRectification.department_id == Department.id, SecretRectification.status == "open")
            .scalar_subquery())


def _departments_base() -> Any:
    return select(Department.id).select_from(Department).where(
        Department.active.is_(True), Department.kind != str(roles.LEADERS_DEPARTMENT))


def _departments_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.SECRECY):
        return []

    def count(key: str) -> int:
        return RegisterQuery(DEPARTMENTS_REGISTER, filter_key=key).count(session, actor)

    year = clock.today().year
    return [DashboardItem(f"{year}年度未签订保密责任书的部门", count("unsigned"), DEPARTMENTS_KEY, "unsigned", True),
            DashboardItem(f"{year}年度未检查的部门", count("uninspected"), DEPARTMENTS_KEY, "uninspected")]


def _tone(shown: str) -> str | None:
    return "overdue" if shown in (UNSIGNED, UNINSPECTED) else None


DEPARTMENTS_REGISTER = RegisterSpec(
    key=DEPARTMENTS_KEY,
    title="各部门保密责任书和检查情况",
    model=Department,
    columns=(
        Column("name", "部门", Department.name, 12),
        Column("letter", "本年度保密责任书", Department.name, 12,
               live=lambda today: case((_has_letter(today), literal("已签订")), else_=literal(UNSIGNED)),
               tone=_tone),
        Column("signed_on", "签订日期", Department.name, 10, "date", live=_letter_this_year),
        Column("inspection", "本年度检查", Department.name, 12,
               live=lambda today: case((_has_inspection(today), literal("已检查")), else_=literal(UNINSPECTED)),
               tone=_tone),
        Column("inspected_on", "最近检查日期", Department.name, 10, "date", live=_inspected_this_year),
        Column("open", "未完成整改", _open_rectifications(), 8, "int"),
    ),
    base=_departments_base,
    search=(Department.name,),
    default_sort=("id", False),
    filters=(
        Filter("unsigned", UNSIGNED, lambda a: ~_has_letter(clock.today())),
        Filter("uninspected", UNINSPECTED, lambda a: ~_has_inspection(clock.today())),
    ),
    visible_to=(*WIDE_ROLES, roles.DEPT_HEAD),
    scope=lambda a: _dept_scope(Department.id, a),
    dashboard=_departments_dashboard,
)

_Recorder = aliased(User)


def _inspection_base() -> Any:
    return (select(SecretInspection.id).select_from(SecretInspection)
            .join(Department, Department.id == SecretInspection.department_id))


def _rect_rows(session: Session, inspection_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretRectification).where(SecretRectification.inspection_id == inspection_id)
                           .order_by(SecretRectification.id))
    return [{"problem": r.problem, "deadline": r.deadline,
             "state": _rect_words(r.status, r.deadline, clock.today()),
             "completed_on": r.completed_on, "outcome": r.outcome} for r in rows]


def _rect_words(status: str, deadline: dt.date, today: dt.date) -> str:
    if status == "done":
        return "已整改"
    return OVERDUE if deadline < today else "整改中"


_open_count = (select(func.count(SecretRectification.id))
               .where(SecretRectification.inspection_id == SecretInspection.id, SecretRectification.status == "open")
               .scalar_subquery())

INSPECTION_REGISTER = RegisterSpec(
    key=INSPECTION_KEY,
    title="保密检查登记簿",
    model=SecretInspection,
    columns=(
        Column("inspected_on", "检查日期", SecretInspection.inspected_on, 10, "date"),
        Column("department", "被检查部门", Department.name, 10),
        Column("inspectors", "检查人员", SecretInspection.inspectors, 14),
        Column("result", "检查结论", SecretInspection.result, 8),
        Column("findings", "检查情况", SecretInspection.findings, 30),
        Column("open", "未完成整改", _open_count, 8, "int"),
    ),
    base=_inspection_base,
    search=(Department.name, SecretInspection.findings, SecretInspection.inspectors),
    date_expr=SecretInspection.inspected_on,
    filters=(Filter("this_year", "本年度",
                    lambda a: SecretInspection.inspected_on >= dt.date(clock.today().year, 1, 1)),),
    visible_to=(*WIDE_ROLES, roles.DEPT_HEAD),
    scope=lambda a: _dept_scope(SecretInspection.department_id, a),
    form=INSPECTION_FIELDS,
    create=lambda db, actor, data: OversightService(db).record_inspection(actor, data),
    create_label="登记保密检查",
    may_create=_secrecy,
    create_who="保密办",
    lines=(LinesSpec("rectifications", "整改事项",
                     (FormField("problem", "问题及整改要求"), FormField("deadline", "整改期限", "date"),
                      FormField("state", "状态"), FormField("completed_on", "完成日期", "date"),
                      FormField("outcome", "整改情况")), _rect_rows),),
)


def _rect_live(today: dt.date) -> Any:
    return case(
        (SecretRectification.status == "done", literal("已整改")),
        (SecretRectification.deadline < today, literal(OVERDUE)),
        else_=literal("整改中"),
    )


def _rect_overdue(actor: User) -> ColumnElement[bool]:
    return and_(SecretRectification.status == "open", SecretRectification.deadline < clock.today())


def _rect_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.SECRECY, roles.DEPT_HEAD, roles.LEADER, roles.PRESIDENT):
        return []
    count = RegisterQuery(RECTIFICATION_REGISTER, filter_key="overdue").count(session, actor)
    return [DashboardItem("逾期未整改的保密检查问题", count, RECTIFICATION_KEY, "overdue", True)]


RECTIFICATION_REGISTER = RegisterSpec(
    key=RECTIFICATION_KEY,
    title="保密检查整改事项",
    model=SecretRectification,
    columns=(
        Column("department", "整改部门", Department.name, 10),
        Column("inspected_on", "检查日期", SecretInspection.inspected_on, 10, "date"),
        Column("problem", "问题及整改要求", SecretRectification.problem, 28),
        Column("deadline", "整改期限", SecretRectification.deadline, 10, "date"),
        Column("now", "状态", SecretRectification.status, 10, live=_rect_live,
               tone=lambda shown: "overdue" if shown == OVERDUE else None),
        Column("completed_on", "完成日期", SecretRectification.completed_on, 10, "date"),
        Column("outcome", "整改情况", SecretRectification.outcome, 20),
    ),
    base=_rect_base,
    search=(Department.name, SecretRectification.problem),
    date_expr=SecretRectification.deadline,
    workflow=RECTIFICATION_WORKFLOW,
    filters=(
        Filter("overdue", OVERDUE, _rect_overdue),
        Filter("open", "整改中", lambda a: SecretRectification.status == "open"),
        Filter("done", "已整改", lambda a: SecretRectification.status == "done"),
    ),
    visible_to=(*WIDE_ROLES, roles.DEPT_HEAD),
    scope=lambda a: _dept_scope(SecretRectification.department_id, a),
    dashboard=_rect_dashboard,
    act=service_act(_service, "act_on_rectification"),
    live_status="now",
)

REGISTERS = (MEETING_REGISTER, KEY_PLACE_REGISTER, LETTER_REGISTER, DEPARTMENTS_REGISTER, INSPECTION_REGISTER,
             RECTIFICATION_REGISTER)
