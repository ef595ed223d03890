"""Seals and the seal-use log (印章使用登记) — the reference register.

Rules (保密工作制度 第二十条(1)):
- 院印/党组印: the request carries the original signed by a person with signing authority
  (有权签发人员签发的原件), and every use is logged or a copy kept (逐一留底或登记). Here: a court
  leader approves (签发), and the custodian may stamp only once the scan of the signed original is
  attached.
- 办公室印: approval by a court leader or the office head.
- 部门印: reviewed by that department's head.
- Custody and supervision (保管和监印): 党组印 by 政治处, 院印 and 办公室印 by the office head,
  department seals by the department's head. Only the seal's custodian (or the 代为监印人 named for
  the seal) stamps, never the person who approved the same use nor the applicant. Because a
  department head both reviews and keeps the department seal, a seal may name a deputy who stamps
  the uses its custodian approved.
- An approval must leave someone who may stamp: the custodian approving his own deputy's request
  would leave the use unstampable, so he is not offered 批准 and the service refuses it, saying a
  court leader should approve (院领导 may therefore approve a department seal's use when its head's
  approval could not leave a stamper).
- No more impressions are stamped than were approved (实际盖章次数 ≤ 盖章次数).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.seals.models import SEAL_KINDS, Seal, SealUse
from courtdesk.areas.system import roles
from courtdesk.kernel import attachments, clock, numbering, rules, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.editing import EditSpec, service_edit
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
from courtdesk.kernel.people import require
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import Column, DashboardItem, Filter, RegisterQuery, RegisterSpec, service_act
from courtdesk.kernel.workflow import Separation, Transition, Workflow, src

RULE = "《保密工作制度》第二十条(1)"
REGISTER_KEY = "seal_use"
NUMBER_PATTERN = "({year})用印第{serial:04d}号"
ORIGINAL = "签发原件扫描件"
SIGNING_ROLES = (roles.LEADER, roles.PRESIDENT)


# --- who may approve and stamp -------------------------------------------------------------------
# Each rule is written once, as SQL over the register's rows (rules.Rule): the same definition decides
# the buttons of one use and fills the 待我审批 / 待我盖章 lists and the dashboard.

_Applicant = aliased(User)
_Approver = aliased(User)
_Stamper = aliased(User)


def _base() -> Any:
    return (
        select(SealUse.id)
        .select_from(SealUse)
        .join(Seal, Seal.id == SealUse.seal_id)
        .join(_Applicant, _Applicant.id == SealUse.applicant_id)
        .outerjoin(Department, Department.id == SealUse.department_id)
        .outerjoin(_Approver, _Approver.id == SealUse.approver_id)
        .outerjoin(_Stamper, _Stamper.id == SealUse.stamper_id)
    )


def _keeper_left(keeper: Any, actor: User) -> ColumnElement[bool]:
    """``keeper`` (a column of :class:`Seal`) could stamp this use once ``actor`` approved it: he
    exists, is not the approver and not the applicant (the stamp's separations of duty)."""
    return and_(keeper.is_not(None), keeper != actor.id, keeper != SealUse.applicant_id)


def leaves_a_stamper(actor: User) -> ColumnElement[bool]:
    """After ``actor`` approves, the seal's custodian or deputy may still stamp (no deadlock)."""
    return or_(_keeper_left(Seal.custodian_id, actor), _keeper_left(Seal.deputy_id, actor))


def _head_cannot_leave_a_stamper() -> ColumnElement[bool]:
    """The department head keeps the department seal: his approval leaves a stamper only through a
    deputy who is not the applicant (and he cannot approve his own request)."""
    return or_(Seal.custodian_id == SealUse.applicant_id, Seal.deputy_id.is_(None),
               Seal.deputy_id == SealUse.applicant_id)


@rules.over(_base)
def may_decide(actor: User) -> ColumnElement[bool]:
    """Who may decide (批准 or 退回) by the rule book: 院印、党组印 a signing court leader; 办公室印 a
    court leader or the office head; 部门印 the head of the seal's department — or a court leader when
    the head's approval would leave nobody to stamp."""
    leader = rules.holds(actor.has(roles.LEADER, roles.PRESIDENT))
    return or_(
        and_(Seal.kind.in_(["court", "party"]), rules.holds(actor.has(*SIGNING_ROLES))),
        and_(Seal.kind == "office", rules.holds(actor.has(roles.LEADER, roles.PRESIDENT, roles.OFFICE_HEAD))),
        and_(Seal.kind == "department", rules.holds(actor.has(roles.DEPT_HEAD) and actor.department_id is not None),
             Seal.department_id == actor.department_id),
        and_(Seal.kind == "department", leader, _head_cannot_leave_a_stamper()),
    )


@rules.over(_base)
def may_approve(actor: User) -> ColumnElement[bool]:
    """:func:`may_decide`, and the approval leaves someone who may stamp: the approver never stamps
    the same use, nor does the applicant, so a custodian approving the request of his own deputy
    would leave the use approved and unstampable (only 作废 would remain)."""
    return and_(may_decide.sql(actor), leaves_a_stamper(actor))


@rules.over(_base)
def may_stamp(actor: User) -> ColumnElement[bool]:
    """The seal's custodian or the deputy named for it (代为监印人)."""
    return or_(Seal.custodian_id == actor.id, Seal.deputy_id == actor.id)


def approver_words(kind: str) -> str:
    return {
        "court": "有权签发的院领导",
        "party": "有权签发的院领导",
        "office": "院领导或办公室负责人",
    }.get(kind, "本部门负责人")


def _approval_refusal(session: Session, actor: User, use: SealUse) -> None:
    """Why an approval allowed by the rule book is still refused: nobody could stamp afterwards."""
    if actor.id == use.applicant_id or not may_decide.check(actor, use, session):
        return  # the usual message (self-approval, no authority)
    seal = use.seal
    keepers = [("保管人", seal.custodian)] + ([("代为监印人", seal.deputy)] if seal.deputy else [])
    if any(k.id not in (actor.id, use.applicant_id) for _, k in keepers):
        return
    why = []
    for post, keeper in keepers:
        if keeper.id == actor.id:
            why.append(f"您是该印章的{post}，审批人不能为同一次用印监印")
        else:
            why.append(f"{post}{keeper.name}是本次用印的申请人，申请人不能为自己的用印监印")
    if seal.deputy is None:
        why.append("该印章未指定代为监印人")
    instead = "其他有权签发的院领导" if seal.needs_signed_original else "院领导（院长或副院长）"
    if any(k.id == actor.id for _, k in keepers):
        advice = f"请改由{instead}审批，批准后由您监印盖章"
    else:
        advice = "除申请人外该印章没有可以监印的人，请系统管理员先为该印章指定代为监印人，或改由他人提出申请"
    raise PermissionDenied(
        f"审批人：{'；'.join(why)}，您批准后将无人可以为本次用印监印盖章。{advice}",
        field="审批人", rule=RULE)



# --- workflow ------------------------------------------------------------------------------------

def _approve_effect(session: Session, actor: User, use: SealUse, params: dict[str, Any]) -> None:
    use.approver_id = actor.id
    use.approved_at = clock.now()
    if use.seal.needs_signed_original and not use.signer_name:
        use.signer_name = actor.name


def _stamp_guard(session: Session, actor: User, use: SealUse, values: dict[str, Any]) -> None:
    if values["stamped_impressions"] > use.impressions:
        raise ValidationError(
            f"实际盖章次数：不能超过批准的盖章次数（{use.impressions} 次），现填 {values['stamped_impressions']} 次；"
            "需要多盖的，请另行提出用印申请", field="实际盖章次数", rule=RULE)
    stamped_at: dt.datetime = values["stamped_at"]
    validation.not_future(stamped_at, "盖章时间")
    if use.approved_at and stamped_at < use.approved_at:
        raise ValidationError(
            f"盖章时间：不能早于批准时间（{use.approved_at:%Y-%m-%d %H:%M}）", field="盖章时间"
        )
    if values.get("original"):
        filename, data = values["original"]
        attachments.add(session, actor, REGISTER_KEY, use.id, filename, data, ORIGINAL)
    if use.seal.needs_signed_original and not attachments.list_for(session, REGISTER_KEY, use.id, ORIGINAL):
        raise ValidationError(
            f"{ORIGINAL}：加盖{use.seal.kind_label}须附有权签发人员签发的原件，请先扫描上传再盖章",
            field=ORIGINAL,
            rule=RULE,
        )


def _stamp_effect(session: Session, actor: User, use: SealUse, values: dict[str, Any]) -> None:
    use.stamper_id = actor.id
    use.stamped_at = values["stamped_at"]
    use.stamped_impressions = values["stamped_impressions"]
    if values.get("remarks"):
        use.remarks = (use.remarks + "\n" if use.remarks else "") + values["remarks"]


def _void_effect(session: Session, actor: User, use: SealUse, params: dict[str, Any]) -> None:
    use.void_reason = params["comment"]


STAMP_FIELDS: tuple[FormField, ...] = (
    FormField("stamped_at", "盖章时间", "datetime", default=None),
    FormField("stamped_impressions", "实际盖章次数", "int", minimum=1, maximum=999),
    FormField("original", ORIGINAL, "file", required=False, purpose=ORIGINAL,
              help="院印、党组印须上传有权签发人员签发的原件扫描件（PDF/JPG/PNG/TIFF）"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)

SEPARATE_APPLICANT = Separation("applicant_id", "不能审批自己提交的用印申请（职责分离）")

SEAL_USE_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={
        "submitted": "待审批",
        "approved": "已批准待盖章",
        "stamped": "已盖章",
        "rejected": "已退回",
        "withdrawn": "已撤回",
        "voided": "已作废",
    },
    initial="submitted",
    transitions=(
        Transition("approve", "批准", src("submitted"), "approved", may_approve, "有审批权的负责人",
                   effect=_approve_effect, separations=(SEPARATE_APPLICANT,), rule=RULE,
                   refusal=_approval_refusal),
        Transition("reject", "退回", src("submitted"), "rejected", may_decide, "有审批权的负责人",
                   separations=(SEPARATE_APPLICANT,), comment_required=True, rule=RULE),
        Transition("withdraw", "撤回", src("submitted"), "withdrawn",
                   lambda a, u: a.id == u.applicant_id, "申请人本人"),
        Transition("stamp", "盖章登记", src("approved"), "stamped", may_stamp, "该印章的保管人或代为监印人",
                   guard=_stamp_guard, effect=_stamp_effect,
                   separations=(Separation("approver_id", "审批人不能同时为本次用印监印盖章（职责分离）"),
                                Separation("applicant_id", "申请人不能为自己的用印申请监印盖章（职责分离）")),
                   rule=RULE, fields=STAMP_FIELDS),
        Transition("void", "作废", src("submitted", "approved", "rejected", "withdrawn"), "voided",
                   lambda a, u: a.has(roles.CLERK, roles.OFFICE_HEAD), "办公室文员或办公室负责人",
                   effect=_void_effect, comment_required=True),
    ),
)


# --- filing --------------------------------------------------------------------------------------

def _seal_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    seals = session.scalars(select(Seal).where(Seal.active.is_(True)).order_by(Seal.id))
    return [(s.id, f"{s.name}（{s.kind_label}）") for s in seals]


def _department_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    depts = session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    return [(d.id, d.name) for d in depts]


FILE_FIELDS: tuple[FormField, ...] = (
    FormField("seal_id", "印章", "choice", choices=_seal_choices),
    FormField("title", "文件名称", "text", max_len=100),
    FormField("copies", "份数", "int", minimum=1, maximum=999, default=1),
    FormField("impressions", "盖章次数", "int", minimum=1, maximum=999, default=1),
    FormField("purpose", "用途（事由）", "text", max_len=100),
    FormField("department_id", "用印部门", "choice", required=False, choices=_department_choices),
    FormField("signer_name", "签发人", "text", required=False, max_len=20,
              help="加盖院印、党组印时填写在原件上签发的院领导"),
    FormField("original", ORIGINAL, "file", required=False, purpose=ORIGINAL),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


def _applicant(actor: User, use: SealUse) -> bool:
    return actor.id == use.applicant_id


def _edit_fields() -> tuple[FormField, ...]:
    """The request's own words, with the same checks as when it was filed."""
    by_key = {f.key: f for f in FILE_FIELDS}
    return tuple(by_key[k] for k in ("title", "copies", "impressions", "purpose", "remarks"))


#: 修改: the applicant corrects their own request while it still waits for approval.
SEAL_USE_EDIT = EditSpec(
    fields=_edit_fields(),
    states=src("submitted"),
    may=_applicant,
    who="申请人本人",
    save=service_edit(lambda db: SealService(db)),
    workflow=SEAL_USE_WORKFLOW,
)


def file_use_in(
    session: Session,
    actor: User,
    data: dict[str, Any],
    *,
    source_entity: str = "",
    source_id: int | None = None,
) -> SealUse:
    """File a seal-use request inside the caller's unit of work (used by other registers too)."""
    fields = clean(FILE_FIELDS, data)
    seal = session.get(Seal, fields["seal_id"])
    if seal is None or not seal.active:
        raise ValidationError("印章：所选印章不存在或已停用", field="印章")
    if seal.needs_signed_original and not fields["signer_name"]:
        raise ValidationError(
            f"签发人：加盖{seal.kind_label}须由有权签发人员签发原件，请填写签发人", field="签发人", rule=RULE
        )
    now = clock.now()
    use = SealUse(
        status=SEAL_USE_WORKFLOW.initial,
        seal_id=seal.id,
        title=fields["title"],
        copies=fields["copies"],
        impressions=fields["impressions"],
        purpose=fields["purpose"],
        department_id=fields["department_id"] or actor.department_id,
        applicant_id=actor.id,
        requested_at=now,
        signer_name=fields["signer_name"],
        remarks=fields["remarks"],
        source_entity=source_entity,
        source_id=source_id,
    )
    numbering.assign(session, use, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=now.year)
    session.add(use)
    session.flush()
    if fields.get("original"):
        filename, content = fields["original"]
        attachments.add(session, actor, REGISTER_KEY, use.id, filename, content, ORIGINAL)
    return use


def add_seal(session: Session, *, name: str, kind: str, custodian_id: int, department_id: int | None = None,
             deputy_id: int | None = None, label: str = "印章名称") -> Seal:
    """Register a seal in the caller's unit of work, with every rule of :meth:`SealService.create_seal`
    (the first-run setup registers the court's seals together with their custodians). ``label``: the
    name field as the caller's form calls it (院印名称 …)."""
    name = validation.text(name, label, max_len=60)
    if kind not in SEAL_KINDS:
        raise ValidationError("印章类别：应为 党组印、院印、办公室印 或 部门印", field="印章类别")
    custodian = session.get(User, custodian_id)
    if custodian is None:
        raise ValidationError("保管人：该用户不存在", field="保管人")
    SealService.check_custodian(session, kind, custodian, department_id)
    if session.scalar(select(Seal.id).where(Seal.name == name)):
        raise ValidationError(f"{label}：「{name}」已登记", field=label)
    if deputy_id is not None and (deputy_id == custodian.id or session.get(User, deputy_id) is None):
        raise ValidationError("代为监印人：应为保管人以外的在册人员", field="代为监印人")
    seal = Seal(name=name, kind=kind, custodian_id=custodian.id, deputy_id=deputy_id,
                department_id=department_id if kind == "department" else None)
    session.add(seal)
    session.flush()
    return seal


class SealService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- seals (administrator) -------------------------------------------------------------------

    def create_seal(self, actor: User, *, name: str, kind: str, custodian_id: int,
                    department_id: int | None = None, deputy_id: int | None = None) -> Seal:
        require(actor, ADMIN, action="登记印章")
        with self.db.write(actor) as s:
            return add_seal(s, name=name, kind=kind, custodian_id=custodian_id, department_id=department_id,
                            deputy_id=deputy_id)

    @staticmethod
    def check_custodian(session: Session, kind: str, custodian: User, department_id: int | None) -> None:
        """Who may keep a seal of ``kind`` (《保密工作制度》第二十条(1))."""
        if kind == "party":
            if custodian.department is None or custodian.department.kind != "political":
                raise ValidationError("保管人：党组印由政治处负责保管和监印，请选择政治处的人员",
                                      field="保管人", rule=RULE)
        elif kind in ("court", "office"):
            if not custodian.has(roles.OFFICE_HEAD):
                raise ValidationError(f"保管人：{SEAL_KINDS[kind]}由办公室负责人负责保管和监印",
                                      field="保管人", rule=RULE)
        else:
            if department_id is None:
                raise ValidationError("所属部门：部门印须指明所属部门", field="所属部门")
            if not (custodian.has(roles.DEPT_HEAD) and custodian.department_id == department_id):
                raise ValidationError("保管人：部门印由该部门负责人保管和监印", field="保管人", rule=RULE)

    # --- uses ------------------------------------------------------------------------------------

    def file(self, actor: User, data: dict[str, Any]) -> SealUse:
        with self.db.write(actor) as s:
            return file_use_in(s, actor, data)

    def act(self, actor: User, use_id: int, action: str, comment: str = "", **params: Any) -> SealUse:
        with self.db.write(actor) as s:
            use = self._load(s, use_id)
            SEAL_USE_WORKFLOW.fire(s, actor, use, action, comment, **params)
            return use

    def edit(self, actor: User, use_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None = None) -> SealUse:
        """修改 a request still waiting for approval (the applicant; ``reason`` goes to the audit trail)."""
        with self.db.write(actor) as s:
            use = self._load(s, use_id)
            SEAL_USE_EDIT.apply(s, actor, use, data, reason, expected_version)
            return use

    def attach_original(self, actor: User, use_id: int, filename: str, data: bytes) -> None:
        with self.db.write(actor) as s:
            use = self._load(s, use_id)
            if actor.id not in (use.applicant_id, *use.seal.keepers()):
                raise PermissionDenied("只有申请人或该印章的保管人可以上传签发原件", field="操作人")
            if use.status in ("stamped", "voided"):
                raise ValidationError(f"{ORIGINAL}：已{SEAL_USE_WORKFLOW.label(use.status)}的记录不能再补传",
                                      field=ORIGINAL)
            attachments.add(s, actor, REGISTER_KEY, use.id, filename, data, ORIGINAL)

    @staticmethod
    def _load(session: Session, use_id: int) -> SealUse:
        return load_or_refuse(session, SealUse, use_id, "用印登记", "该用印登记不存在")

    def get(self, session: Session, use_id: int) -> SealUse:
        return self._load(session, use_id)


# --- register ------------------------------------------------------------------------------------

OFFICE_WIDE = roles.OFFICE_WIDE_ROLES


def _scope(actor: User) -> Any:
    """Office staff and leaders see the whole log; others their department's and their own work."""
    if actor.has(*OFFICE_WIDE):
        return None
    ors = [SealUse.applicant_id == actor.id, Seal.custodian_id == actor.id, Seal.deputy_id == actor.id]
    if actor.department_id:
        ors.append(SealUse.department_id == actor.department_id)
    return or_(*ors)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    """Counted through the register's own filters, so a card's number is the length of its list."""

    def count(filter_key: str) -> int:
        return RegisterQuery(SEAL_USE_REGISTER, filter_key=filter_key).count(session, actor)

    return [
        DashboardItem("待我审批的用印申请", count("to_approve"), REGISTER_KEY, "to_approve", True),
        DashboardItem("待我监印盖章", count("to_stamp"), REGISTER_KEY, "to_stamp", True),
    ]


SEAL_USE_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="印章使用登记簿",
    model=SealUse,
    columns=(
        Column("number", "编号", SealUse.number, 14),
        # 状态 and who waits on whom come before the details, so they stay on screen at 1366 px.
        Column("requested_at", "申请时间", SealUse.requested_at, 13, "datetime"),
        Column("seal", "印章", Seal.name, 19),  # a seal's whole name, never cut in the middle
        Column("title", "文件名称", SealUse.title, 20),
        Column("status", "状态", SealUse.status, 9, "status"),
        Column("applicant", "经办人", _Applicant.name, 8),
        Column("signer", "签发/审批人", _Approver.name, 9),
        Column("copies", "份数", SealUse.copies, 5, "int"),
        Column("impressions", "次数", SealUse.impressions, 5, "int"),
        Column("purpose", "用途", SealUse.purpose, 16),
        Column("department", "用印部门", Department.name, 10),
        Column("stamper", "监印人", _Stamper.name, 8),
        Column("stamped_at", "盖章时间", SealUse.stamped_at, 13, "datetime"),
        Column("remarks", "备注", SealUse.remarks, 12),
    ),
    base=_base,
    search=(SealUse.number, SealUse.title, SealUse.purpose, _Applicant.name, Seal.name, SealUse.signer_name),
    date_expr=SealUse.requested_at,
    default_sort=("id", True),
    workflow=SEAL_USE_WORKFLOW,
    filters=(
        Filter("to_approve", "待我审批", SEAL_USE_WORKFLOW.available_where("approve")),
        Filter("to_stamp", "待我盖章", SEAL_USE_WORKFLOW.available_where("stamp")),
        Filter("mine", "我的申请", lambda a: SealUse.applicant_id == a.id),
        Filter("open", "未办结", lambda a: SealUse.status.in_(["submitted", "approved"])),
        Filter("stamped", "已盖章", lambda a: SealUse.status == "stamped"),
        Filter("voided", "已作废", lambda a: SealUse.status == "voided"),
    ),
    scope=_scope,
    form=FILE_FIELDS,
    create=lambda db, actor, data: SealService(db).file(actor, data),
    create_label="用印申请",
    dashboard=_dashboard,
    act=service_act(SealService),
    edit=SEAL_USE_EDIT,
)
