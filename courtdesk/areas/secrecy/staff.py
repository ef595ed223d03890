"""涉密人员登记 (《保密工作制度》第二十五条–第三十三条).

- 登记: 保密办 enters a person on a classified post with the 涉密等级 (核心/重要/一般), the post and the date
  of appointment; one row per person on a post (a person who has left may be entered again later).
- 任用审查 (第二十六条): 政治处 with 保密办 review the four things the article names — the record says what
  was reviewed, by whom of each office, when, and the conclusion.
- 培训 (第二十七条 上岗, 第二十八条 在岗): each training is a line; the next one is due the interval the
  settings give after the last; a person with none yet is due now.
- 保密承诺书 (第二十七条): the date signed and the scan.
- 出境 (第三十条 在岗, 第三十三条 脱密期内): approved by a court leader, never by the person themself;
  destination, dates and approver recorded.
- 离岗 (第三十一条–第三十三条): refused while the person still holds any carrier copy or classified device
  (:func:`courtdesk.areas.secrecy.holdings.outstanding` names each); records the 离岗保密承诺书 and the
  脱密期 (months by level from the settings, within the level's bounds) and its end date.
- 在岗 / 脱密期中 / 已脱密 and 培训到期 are read from the dates against today.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.secrecy import holdings
from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.service import BOOK, LEADER_ROLES, WIDE_ROLES
from courtdesk.areas.secrecy.staff_models import (
    SecretStaff,
    SecretStaffCommitment,
    SecretStaffTraining,
    SecretStaffTrip,
    SecretStaffVetting,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import attachments, clock, forms, rules, settings, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_date
from courtdesk.kernel.documents.model import Column as DocColumn
from courtdesk.kernel.documents.model import Document, Paragraph, SignatureLine, Spacer, Table, Title
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import Department, User
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

RULE_STAFF = f"{BOOK}第二十五条"
RULE_VET = f"{BOOK}第二十六条"
RULE_INDUCT = f"{BOOK}第二十七条"
RULE_TRAIN = f"{BOOK}第二十八条"
RULE_ABROAD = f"{BOOK}第三十条"
RULE_HAND_BACK = f"{BOOK}第三十一条、第二十三条"
RULE_EXIT_COMMIT = f"{BOOK}第三十二条"
RULE_DECLASS = f"{BOOK}第三十三条"

STAFF_KEY = "secrecy_staff"
STAFF_FORM_KIND = "secrecy_staff_form"
LEVELS = ("核心", "重要", "一般")
VET_CONTENTS = ("个人和家庭基本情况", "现实表现", "主要社会关系", "与（国）境外机构、组织、人员交往情况")
CONCLUSIONS = ("通过", "不通过")
TRAINING_KINDS = {"induction": "上岗", "serving": "在岗"}
LEAVE_REASONS = ("调动", "退休", "辞职", "辞退", "内部交流岗位", "其他")
SCAN = "保密承诺书扫描件"
EXIT_SCAN = "离岗保密承诺书扫描件"
#: 脱密期将满: the end falls within this many days from today.
ENDING_SOON_DAYS = 30
HOLDINGS_FIELD = "持有的涉密载体和设备"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


STAFF_FIELDS: tuple[FormField, ...] = (
    FormField("user_id", "涉密人员", "choice", choices=forms.active_people),
    FormField("level", "涉密等级", "choice", choices=forms.fixed(LEVELS), help="核心、重要或一般涉密人员"),
    FormField("position", "涉密岗位", "text", max_len=60, help="如：保密员、机要文件管理、审判委员会秘书"),
    FormField("appointed_on", "任用日期", "date"),
)


# --- rules -----------------------------------------------------------------------------------------

_Person = aliased(User)


def _staff_base() -> Any:
    return (select(SecretStaff.id).select_from(SecretStaff)
            .join(_Person, _Person.id == SecretStaff.user_id)
            .outerjoin(Department, Department.id == _Person.department_id))


may_manage = rules.holding(_staff_base, roles.SECRECY, name="may_manage_staff")


def _in_declass(today: dt.date) -> ColumnElement[bool]:
    return and_(SecretStaff.status == "left", SecretStaff.declass_end > today)


@rules.over(_staff_base)
def may_approve_trip(actor: User) -> ColumnElement[bool]:
    """A court leader, for a person on the post or in the 脱密期 (第三十条、第三十三条)."""
    if not actor.has(*LEADER_ROLES):
        return rules.holds(False)
    return or_(SecretStaff.status == "serving", _in_declass(clock.today()))


def _trip_refusal(session: Session, actor: User, staff: SecretStaff) -> None:
    if actor.has(*LEADER_ROLES) and staff.status == "left":
        end = f"{staff.declass_end:%Y-%m-%d}" if staff.declass_end else ""
        raise ValidationError(f"出境审批：{staff.user.name}的脱密期已于{end}期满，出境不再需要本院审批",
                              field="出境审批", rule=RULE_DECLASS)


# --- steps -----------------------------------------------------------------------------------------

VET_FIELDS: tuple[FormField, ...] = (
    FormField("vetted_on", "审查日期", "date"),
    FormField("contents", "审查内容", "multichoice", required=False, choices=forms.fixed(VET_CONTENTS),
              help="第二十六条所列四项均须审查"),
    FormField("political_reviewer_id", "政治处审查人", "choice", choices=forms.active_people),
    FormField("secrecy_reviewer_id", "保密办审查人", "choice", choices=forms.active_people),
    FormField("conclusion", "审查结论", "choice", choices=forms.fixed(CONCLUSIONS), default="通过"),
    FormField("remarks", "审查意见", "multiline", required=False, max_len=500),
)
TRAIN_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "培训类别", "choice", choices=lambda s, a: list(TRAINING_KINDS.items()), default="serving"),
    FormField("trained_on", "培训日期", "date"),
    FormField("topic", "培训内容", "text", max_len=100, help="如：保密形势、保密法律法规、保密知识技能"),
    FormField("hours", "学时", "int", minimum=1, maximum=200, default=2),
)
COMMIT_FIELDS: tuple[FormField, ...] = (
    FormField("signed_on", "签订日期", "date"),
    FormField("scan", SCAN, "file", required=False, purpose=SCAN, help="本人签字的保密承诺书扫描件"),
)
TRIP_FIELDS: tuple[FormField, ...] = (
    FormField("destination", "前往国家或地区", "text", max_len=60),
    FormField("purpose", "出境事由", "text", max_len=100),
    FormField("departs_on", "出境日期", "date"),
    FormField("returns_on", "回国（境）日期", "date"),
)
LEAVE_FIELDS: tuple[FormField, ...] = (
    FormField("left_on", "离岗日期", "date"),
    FormField("reason", "离岗原因", "choice", choices=forms.fixed(LEAVE_REASONS)),
    FormField("exit_committed_on", "离岗保密承诺书签订日期", "date", required=False,
              help="离岗时须签订离岗保密承诺书（第三十二条）"),
    FormField("exit_scan", EXIT_SCAN, "file", required=False, purpose=EXIT_SCAN),
    FormField("declass_months", "脱密期（月）", "int", required=False, minimum=1,
              help="不填按系统设置中该涉密等级的脱密期"),
)


def _joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


def _not_future(day: dt.date, label: str) -> None:
    if day > clock.today():
        raise ValidationError(f"{label}：不能晚于今天（{clock.today():%Y-%m-%d}）", field=label)


def _vet_guard(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    _not_future(values["vetted_on"], "审查日期")
    missing = [c for c in VET_CONTENTS if c not in (values["contents"] or [])]
    if missing:
        raise ValidationError(f"审查内容：任用涉密人员须审查{'、'.join(VET_CONTENTS)}，尚缺{'、'.join(missing)}",
                              field="审查内容", rule=RULE_VET)
    political = session.get(User, values["political_reviewer_id"])
    if political is None or political.department is None or political.department.kind != roles.POLITICAL_DEPARTMENT:
        raise ValidationError("政治处审查人：涉密人员任用由政治处会同保密办审查，请选政治处的人员",
                              field="政治处审查人", rule=RULE_VET)
    keeper = session.get(User, values["secrecy_reviewer_id"])
    if keeper is None or not keeper.has(roles.SECRECY):
        raise ValidationError("保密办审查人：涉密人员任用由政治处会同保密办审查，请选保密办的人员",
                              field="保密办审查人", rule=RULE_VET)
    if values["conclusion"] not in CONCLUSIONS:
        raise ValidationError("审查结论：应为 通过 或 不通过", field="审查结论", rule=RULE_VET)


def _vet(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    vetting = SecretStaffVetting(
        staff_id=staff.id, vetted_on=values["vetted_on"], contents="、".join(VET_CONTENTS),
        political_reviewer_id=values["political_reviewer_id"], secrecy_reviewer_id=values["secrecy_reviewer_id"],
        conclusion=values["conclusion"], remarks=values["remarks"])
    session.add(vetting)
    session.flush()
    session.refresh(vetting)
    values["comment"] = _joined(
        f"{values['vetted_on']:%Y-%m-%d}由政治处{vetting.political_reviewer.name}会同保密办"
        f"{vetting.secrecy_reviewer.name}审查{vetting.contents}，结论：{vetting.conclusion}", values["comment"])


def _trainings(session: Session, staff_id: int) -> list[SecretStaffTraining]:
    return list(session.scalars(select(SecretStaffTraining).where(SecretStaffTraining.staff_id == staff_id)
                                .order_by(SecretStaffTraining.trained_on, SecretStaffTraining.id)))


def _train_guard(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    if values["kind"] not in TRAINING_KINDS:
        raise ValidationError("培训类别：应为 上岗 或 在岗", field="培训类别", rule=RULE_TRAIN)
    _not_future(values["trained_on"], "培训日期")
    done = _trainings(session, staff.id)
    inductions = [t for t in done if t.kind == "上岗"]
    if values["kind"] == "induction" and inductions:
        raise ValidationError(f"培训类别：{staff.user.name}已于{inductions[0].trained_on:%Y-%m-%d}参加上岗培训，"
                              "此后的培训请登记为在岗培训", field="培训类别", rule=RULE_INDUCT)
    if values["kind"] == "serving":
        if not inductions:
            raise ValidationError(f"培训类别：{staff.user.name}尚无上岗保密教育培训记录，涉密人员上岗须经教育培训，"
                                  "请先登记上岗培训", field="培训类别", rule=RULE_INDUCT)
        if values["trained_on"] < inductions[0].trained_on:
            raise ValidationError(f"培训日期：在岗培训不能早于上岗培训（{inductions[0].trained_on:%Y-%m-%d}）",
                                  field="培训日期", rule=RULE_TRAIN)


def _train(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    kind = TRAINING_KINDS[values["kind"]]
    session.add(SecretStaffTraining(staff_id=staff.id, kind=kind, trained_on=values["trained_on"],
                                    topic=values["topic"], hours=values["hours"], recorded_by_id=actor.id))
    session.flush()
    last = max(t.trained_on for t in _trainings(session, staff.id))
    months = settings.get_int(session, secrecy_settings.TRAINING_MONTHS)
    before = staff.training_due_on
    staff.training_due_on = add_months(last, months)
    was = f"{before:%Y-%m-%d}" if before else "（无）"
    values["comment"] = _joined(f"{kind}培训（{values['trained_on']:%Y-%m-%d}，{values['topic']}，"
                                f"{values['hours']}学时）；下次培训日期 {was} → {staff.training_due_on:%Y-%m-%d}",
                                values["comment"])


def _commit_guard(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    _not_future(values["signed_on"], "签订日期")


def _add_commitment(session: Session, actor: User, staff: SecretStaff, kind: str, signed_on: dt.date,
                    scan: Any, purpose: str) -> None:
    attachment_id = None
    if scan:
        filename, data = scan
        attachment_id = attachments.add(session, actor, STAFF_KEY, staff.id, filename, data, purpose).id
    session.add(SecretStaffCommitment(staff_id=staff.id, kind=kind, signed_on=signed_on,
                                      attachment_id=attachment_id, recorded_by_id=actor.id))


def _commit(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    _add_commitment(session, actor, staff, "上岗", values["signed_on"], values.get("scan"), SCAN)
    staff.committed_on = values["signed_on"]
    with_scan = "，附扫描件" if values.get("scan") else ""
    values["comment"] = _joined(f"{staff.user.name}于{values['signed_on']:%Y-%m-%d}签订保密承诺书{with_scan}",
                                values["comment"])


def _trip_guard(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    rule = RULE_ABROAD if staff.status == "serving" else RULE_DECLASS
    if values["departs_on"] < clock.today():
        raise ValidationError(f"出境日期：出境须事先批准，出境日期不能早于今天（{clock.today():%Y-%m-%d}）",
                              field="出境日期", rule=rule)
    if values["returns_on"] < values["departs_on"]:
        raise ValidationError(f"回国（境）日期：不能早于出境日期（{values['departs_on']:%Y-%m-%d}）",
                              field="回国（境）日期")


def _trip(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    in_declass = staff.status == "left"
    session.add(SecretStaffTrip(staff_id=staff.id, destination=values["destination"], purpose=values["purpose"],
                                departs_on=values["departs_on"], returns_on=values["returns_on"],
                                in_declass=in_declass, approver_id=actor.id, approved_at=clock.now()))
    when = "脱密期内" if in_declass else "在岗期间"
    values["comment"] = _joined(
        f"{actor.name}批准{staff.user.name}{when}出境：{values['destination']}（{values['purpose']}），"
        f"{values['departs_on']:%Y-%m-%d}至{values['returns_on']:%Y-%m-%d}", values["comment"])


def declass_bounds(level: str) -> tuple[int, int]:
    low, high, _ = secrecy_settings.DECLASS_BOUNDS[level]
    return low, high


def _leave_guard(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    held = holdings.outstanding(session, staff.user_id)
    if held:
        raise ValidationError(
            f"{HOLDINGS_FIELD}：{staff.user.name}尚持有{len(held)}件国家秘密载体或涉密信息设备未清退移交："
            f"{'、'.join(held)}；清退移交、清点登记后才能办理离岗", field=HOLDINGS_FIELD, rule=RULE_HAND_BACK)
    left_on: dt.date = values["left_on"]
    _not_future(left_on, "离岗日期")
    if left_on < staff.appointed_on:
        raise ValidationError(f"离岗日期：不能早于任用日期（{staff.appointed_on:%Y-%m-%d}）", field="离岗日期")
    if values["reason"] not in LEAVE_REASONS:
        raise ValidationError(f"离岗原因：应为 {'、'.join(LEAVE_REASONS)} 之一", field="离岗原因")
    committed = values["exit_committed_on"]
    if committed is None:
        raise ValidationError("离岗保密承诺书签订日期：涉密人员离岗时须签订离岗保密承诺书，请登记签订日期",
                              field="离岗保密承诺书签订日期", rule=RULE_EXIT_COMMIT)
    _not_future(committed, "离岗保密承诺书签订日期")
    months = values["declass_months"]
    if months is not None:
        low, high = declass_bounds(staff.level)
        if not low <= months <= high:
            raise ValidationError(f"脱密期（月）：{staff.level}涉密人员的脱密期为{low}–{high}个月，现填{months}个月",
                                  field="脱密期（月）", rule=RULE_DECLASS)


def _leave(session: Session, actor: User, staff: SecretStaff, values: dict[str, Any]) -> None:
    months = values["declass_months"] or settings.get_int(session, secrecy_settings.DECLASS_MONTHS[staff.level])
    staff.left_on = values["left_on"]
    staff.leave_reason = values["reason"]
    staff.exit_committed_on = values["exit_committed_on"]
    staff.declass_months = months
    staff.declass_end = add_months(values["left_on"], months)
    staff.exit_handled_by_id = actor.id
    _add_commitment(session, actor, staff, "离岗", values["exit_committed_on"], values.get("exit_scan"), EXIT_SCAN)
    values["comment"] = _joined(
        f"因{staff.leave_reason}于{staff.left_on:%Y-%m-%d}离岗，所持国家秘密载体和涉密信息设备已清退移交；"
        f"{staff.exit_committed_on:%Y-%m-%d}签订离岗保密承诺书；脱密期{months}个月，至{staff.declass_end:%Y-%m-%d}期满",
        values["comment"])


def _leave_prefill(session: Session, staff: SecretStaff) -> dict[str, Any]:
    """The 脱密期 the settings give the person's level, shown in the 离岗 dialog to confirm or change."""
    return {"declass_months": settings.get_int(session, secrecy_settings.DECLASS_MONTHS[staff.level])}


NOT_OWN_TRIP = Separation("user_id", "不能批准自己的出境（职责分离）")
STAFF_WORKFLOW = Workflow(
    entity=STAFF_KEY,
    states={"serving": "在岗", "left": "已离岗"},
    initial="serving",
    transitions=(
        Transition("vet", "登记任用审查", src("serving"), "serving", may_manage, "保密办", guard=_vet_guard,
                   effect=_vet, fields=VET_FIELDS, rule=RULE_VET, aside=True),
        Transition("train", "登记培训", src("serving"), "serving", may_manage, "保密办", guard=_train_guard,
                   effect=_train, fields=TRAIN_FIELDS, rule=RULE_TRAIN, aside=True),
        Transition("commit", "登记保密承诺书", src("serving"), "serving", may_manage, "保密办", guard=_commit_guard,
                   effect=_commit, fields=COMMIT_FIELDS, rule=RULE_INDUCT, aside=True),
        *(Transition("approve_trip", "批准出境", src(state), state, may_approve_trip, "院领导", guard=_trip_guard,
                     effect=_trip, fields=TRIP_FIELDS, separations=(NOT_OWN_TRIP,), refusal=_trip_refusal,
                     rule=rule, aside=True)
          for state, rule in (("serving", RULE_ABROAD), ("left", RULE_DECLASS))),
        Transition("leave", "离岗", src("serving"), "left", may_manage, "保密办", guard=_leave_guard,
                   effect=_leave, fields=LEAVE_FIELDS, prefill=_leave_prefill, rule=f"{BOOK}第三十一条–第三十三条",
                   aside=True),
    ),
)


# --- service ---------------------------------------------------------------------------------------

class StaffService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, actor: User, data: dict[str, Any]) -> SecretStaff:
        """登记 a person on a classified post (保密办)."""
        if not actor.has(roles.SECRECY):
            raise PermissionDenied("操作人：涉密人员由保密办登记", field="操作人", rule=RULE_STAFF)
        level = data.get("level")
        if level not in LEVELS:
            raise ValidationError(f"涉密等级：应为 核心、重要 或 一般，不能为「{level or '（空）'}」",
                                  field="涉密等级", rule=RULE_STAFF)
        values = clean(STAFF_FIELDS, data)
        validation.plausible(values["appointed_on"], "任用日期")
        _not_future(values["appointed_on"], "任用日期")
        with self.db.write(actor) as s:
            person = s.get(User, values["user_id"])
            if person is None or not person.active:
                raise ValidationError("涉密人员：该人员不存在或已停用", field="涉密人员")
            serving = s.scalar(select(SecretStaff.id).where(SecretStaff.user_id == person.id,
                                                            SecretStaff.status == "serving"))
            if serving is not None:
                raise ValidationError(f"涉密人员：{person.name}已登记为在岗涉密人员", field="涉密人员")
            staff = SecretStaff(user_id=person.id, status=STAFF_WORKFLOW.initial, level=values["level"],
                                position=values["position"], appointed_on=values["appointed_on"],
                                registered_by_id=actor.id, registered_at=clock.now())
            s.add(staff)
            s.flush()
            return staff

    def act(self, actor: User, staff_id: int, action: str, comment: str = "", **params: Any) -> SecretStaff:
        with self.db.write(actor) as s:
            staff = load_or_refuse(s, SecretStaff, staff_id, "涉密人员", "该涉密人员登记不存在")
            STAFF_WORKFLOW.fire(s, actor, staff, action, comment, **params)
            return staff


# --- register --------------------------------------------------------------------------------------

def _scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return SecretStaff.user_id == actor.id


def _training_due(today: dt.date) -> ColumnElement[bool]:
    return and_(SecretStaff.status == "serving",
                or_(SecretStaff.training_due_on.is_(None), SecretStaff.training_due_on <= today))


def _ending_soon(today: dt.date) -> ColumnElement[bool]:
    return and_(SecretStaff.status == "left", SecretStaff.declass_end > today,
                SecretStaff.declass_end <= today + dt.timedelta(days=ENDING_SOON_DAYS))


def _status_live(today: dt.date) -> Any:
    return case((SecretStaff.status == "serving", literal("在岗")),
                (_in_declass(today), literal("脱密期中")), else_=literal("已脱密"))


def _training_live(today: dt.date) -> Any:
    return case((_training_due(today), literal("培训到期")), (SecretStaff.status == "serving", literal("未到期")),
                else_=literal("—"))


def _vettings(session: Session, staff_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretStaffVetting).where(SecretStaffVetting.staff_id == staff_id)
                           .order_by(SecretStaffVetting.vetted_on, SecretStaffVetting.id))
    return [{"vetted_on": v.vetted_on, "contents": v.contents, "political": v.political_reviewer.name,
             "secrecy": v.secrecy_reviewer.name, "conclusion": v.conclusion} for v in rows]


def _training_rows(session: Session, staff_id: int) -> list[dict[str, Any]]:
    return [{"kind": t.kind, "trained_on": t.trained_on, "topic": t.topic, "hours": t.hours}
            for t in _trainings(session, staff_id)]


def _commitments(session: Session, staff_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretStaffCommitment).where(SecretStaffCommitment.staff_id == staff_id)
                           .order_by(SecretStaffCommitment.signed_on, SecretStaffCommitment.id))
    return [{"kind": f"{c.kind}保密承诺书", "signed_on": c.signed_on, "scan": "有" if c.attachment_id else "无"}
            for c in rows]


def _trips(session: Session, staff_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretStaffTrip).where(SecretStaffTrip.staff_id == staff_id)
                           .order_by(SecretStaffTrip.departs_on, SecretStaffTrip.id))
    return [{"destination": t.destination, "purpose": t.purpose,
             "dates": f"{t.departs_on:%Y-%m-%d}至{t.returns_on:%Y-%m-%d}",
             "when": "脱密期内" if t.in_declass else "在岗期间", "approver": t.approver.name,
             "departs_on": t.departs_on, "returns_on": t.returns_on} for t in rows]


def _notices(session: Session, actor: User, staff: SecretStaff) -> list[str]:
    """What 保密办 must know before acting: what is still held (离岗 waits for it), training due, the 脱密期."""
    today = clock.today()
    said: list[str] = []
    if staff.status == "serving":
        held = holdings.outstanding(session, staff.user_id)
        if held:
            said.append(f"尚持有未清退移交的国家秘密载体或涉密信息设备：{'、'.join(held)}；离岗前须清退移交、"
                        f"清点登记（{RULE_HAND_BACK}）")
        if staff.training_due_on is None:
            said.append(f"尚无保密教育培训记录，应即安排培训（{RULE_INDUCT}）")
        elif staff.training_due_on <= today:
            said.append(f"保密教育培训已于{staff.training_due_on:%Y-%m-%d}到期，应即安排在岗培训（{RULE_TRAIN}）")
        if staff.committed_on is None:
            said.append(f"尚未登记签订保密承诺书（{RULE_INDUCT}）")
    elif staff.declass_end is not None and staff.declass_end > today:
        said.append(f"脱密期至{staff.declass_end:%Y-%m-%d}；脱密期内未经审查批准不得擅自出境（{RULE_DECLASS}）")
    return said


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.SECRECY):
        return []

    def count(key: str) -> int:
        return RegisterQuery(STAFF_REGISTER, filter_key=key).count(session, actor)

    return [DashboardItem("培训到期的涉密人员", count("training_due"), STAFF_KEY, "training_due", True),
            DashboardItem("脱密期将满的涉密人员", count("declass_ending"), STAFF_KEY, "declass_ending")]


STAFF_REGISTER = RegisterSpec(
    key=STAFF_KEY,
    title="涉密人员登记",
    model=SecretStaff,
    columns=(
        Column("name", "姓名", _Person.name, 8),
        Column("department", "部门", Department.name, 10),
        Column("position", "涉密岗位", SecretStaff.position, 14),
        Column("level", "涉密等级", SecretStaff.level, 6),
        Column("now", "状态", SecretStaff.status, 8, live=_status_live,
               tone=lambda shown: "soon" if shown == "脱密期中" else None),
        Column("training", "培训", SecretStaff.training_due_on, 8, live=_training_live,
               tone=lambda shown: "overdue" if shown == "培训到期" else None),
        Column("training_due_on", "下次培训日期", SecretStaff.training_due_on, 10, "date"),
        Column("committed_on", "保密承诺书", SecretStaff.committed_on, 10, "date"),
        Column("appointed_on", "任用日期", SecretStaff.appointed_on, 10, "date"),
        Column("left_on", "离岗日期", SecretStaff.left_on, 10, "date"),
        Column("declass_end", "脱密期满日期", SecretStaff.declass_end, 10, "date"),
    ),
    base=_staff_base,
    search=(_Person.name, SecretStaff.position, Department.name),
    date_expr=SecretStaff.appointed_on,
    workflow=STAFF_WORKFLOW,
    filters=(
        Filter("training_due", "培训到期", lambda a: _training_due(clock.today())),
        Filter("declass_ending", "脱密期将满", lambda a: _ending_soon(clock.today())),
        Filter("serving", "在岗", lambda a: SecretStaff.status == "serving"),
        Filter("in_declass", "脱密期中", lambda a: _in_declass(clock.today())),
        Filter("declassed", "已脱密", lambda a: and_(SecretStaff.status == "left",
                                                    SecretStaff.declass_end <= clock.today())),
        Filter("core", "核心涉密人员", lambda a: SecretStaff.level == "核心"),
        Filter("trip", "可批准出境", STAFF_WORKFLOW.available_where("approve_trip")),
    ),
    scope=_scope,
    form=STAFF_FIELDS,
    create=lambda db, actor, data: StaffService(db).register(actor, data),
    create_label="登记涉密人员",
    may_create=lambda a: a.has(roles.SECRECY),
    create_who="保密办",
    dashboard=_dashboard,
    act=service_act(StaffService),
    notices=_notices,
    live_status="now",
    lines=(
        LinesSpec("vettings", "任用审查", (FormField("vetted_on", "审查日期", "date"), FormField("contents", "审查内容"),
                                          FormField("political", "政治处审查人"), FormField("secrecy", "保密办审查人"),
                                          FormField("conclusion", "结论")), _vettings),
        LinesSpec("trainings", "保密教育培训", (FormField("kind", "类别"), FormField("trained_on", "培训日期", "date"),
                                            FormField("topic", "培训内容"), FormField("hours", "学时", "int")),
                  _training_rows),
        LinesSpec("commitments", "保密承诺书", (FormField("kind", "承诺书"), FormField("signed_on", "签订日期", "date"),
                                            FormField("scan", "扫描件")), _commitments),
        LinesSpec("trips", "出境审批", (FormField("destination", "前往国家或地区"), FormField("purpose", "事由"),
                                      FormField("dates", "出入境日期"), FormField("when", "时期"),
                                      FormField("approver", "批准领导")), _trips),
    ),
    documents=(RegisterDocument(STAFF_FORM_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
    # 保密办 and the leaders always; a classified staff member finds their own row (审查、培训、承诺书)
    listed_for=WIDE_ROLES,
)


# --- document --------------------------------------------------------------------------------------

def build_staff_form(session: Session, staff_id: int) -> Document:
    """涉密人员登记表: the person, the post, and every review, training, commitment and trip; on leaving,
    the 离岗 and the 脱密期."""
    staff = load_or_refuse(session, SecretStaff, staff_id, "涉密人员", "该涉密人员登记不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    person = staff.user
    today = clock.today()

    def day(value: dt.date | None) -> str:
        return court_date(value, style) if value else ""

    if staff.status == "serving":
        state = "在岗"
    elif staff.declass_end and staff.declass_end > today:
        state = "脱密期中"
    else:
        state = "已脱密"
    vet_rows = [(day(v["vetted_on"]), v["contents"], v["political"], v["secrecy"], v["conclusion"])
                for v in _vettings(session, staff.id)] or [("", "（无审查记录）", "", "", "")]
    train_rows = [(t["kind"], day(t["trained_on"]), t["topic"], str(t["hours"]))
                  for t in _training_rows(session, staff.id)] or [("", "", "（无培训记录）", "")]
    commit_rows = [(c["kind"], day(c["signed_on"]), c["scan"]) for c in _commitments(session, staff.id)] \
        or [("（未签订）", "", "")]
    trip_rows = [(t["destination"], t["purpose"], f"{day(t['departs_on'])}至{day(t['returns_on'])}", t["when"],
                  t["approver"])
                 for t in _trips(session, staff.id)] or [("（无）", "", "", "", "")]
    parts: list[Any] = [
        Title(f"{court}\n涉密人员登记表"),
        Paragraph(f"姓名：{person.name}　部门：{person.department.name if person.department else ''}　"
                  f"职务：{person.title}", indent=False),
        Paragraph(f"涉密岗位：{staff.position}　涉密等级：{staff.level}　任用日期：{day(staff.appointed_on)}　"
                  f"状态：{state}", indent=False),
        Paragraph("任用审查（《保密工作制度》第二十六条）", indent=False),
        Table((DocColumn("审查日期", 1.8), DocColumn("审查内容", 4.2), DocColumn("政治处", 1.1),
               DocColumn("保密办", 1.1), DocColumn("结论", 0.9)), vet_rows, size=10.5),
        Paragraph("保密教育培训（第二十七条、第二十八条）", indent=False),
        Table((DocColumn("类别", 0.9), DocColumn("培训日期", 1.8), DocColumn("培训内容", 5.0), DocColumn("学时", 0.8)),
              train_rows, size=10.5),
        Paragraph(f"下次培训日期：{day(staff.training_due_on) or '（尚无培训，应即培训）'}"
                  if staff.status == "serving" else "已离岗，不再安排在岗培训", indent=False),
        Paragraph("保密承诺书（第二十七条、第三十二条）", indent=False),
        Table((DocColumn("承诺书", 3.0), DocColumn("签订日期", 2.4), DocColumn("扫描件", 1.2)), commit_rows, size=10.5),
        Paragraph("出境审批（第三十条、第三十三条）", indent=False),
        Table((DocColumn("前往国家或地区", 1.8), DocColumn("事由", 2.4), DocColumn("出入境日期", 2.6),
               DocColumn("时期", 1.1), DocColumn("批准领导", 1.1)), trip_rows, size=10.5),
    ]
    if staff.status == "left":
        parts += [
            Paragraph("离岗及脱密期管理（第三十一条–第三十三条）", indent=False),
            Paragraph(f"离岗日期：{day(staff.left_on)}　离岗原因：{staff.leave_reason}　"
                      f"离岗保密承诺书签订日期：{day(staff.exit_committed_on)}", indent=False),
            Paragraph(f"所持国家秘密载体和涉密信息设备已清退移交。脱密期{staff.declass_months}个月，"
                      f"至{day(staff.declass_end)}期满；脱密期内未经审查批准不得擅自出境。", indent=False),
        ]
    parts += [Spacer(), SignatureLine((("本人签字", ""), ("保密办经办人签字", ""), ("日期", "")), blank_chars=8)]
    return Document("涉密人员登记表", tuple(parts))


STAFF_FORM_DOCUMENT = DocumentKind(
    STAFF_FORM_KIND, "涉密人员登记表",
    ids=lambda: select(SecretStaff.id).order_by(SecretStaff.id),
    build=build_staff_form,
    missing="该涉密人员登记不存在",
)
