"""涉密载体的定密、副本的签收、借阅、归还、复制和销毁 (《保密工作制度》第十八条).

- 定密: the 承办人 proposes the 密级, 保密期限 and 知悉范围 (登记 → 提交); the 定密责任人 named in the
  settings reviews (审核); a court leader (主管领导) approves (批准) — only then are the copies made,
  numbered 1..N, each a record of its own with its history (第十八条(1)).
- 密级 is 绝密, 机密 or 秘密; 保密期限 defaults to 30/20/10 years by level and may not exceed it.
- Copies: 签收 by 保密办 (第十八条(2)); 借阅 only to a person inside the 知悉范围, never a copy already
  out (第十八条(3)); 归还; 复制 approved by the person the settings name, the new copy inheriting the
  marking and scope with the next copy number, a 绝密 copy only with the originating unit's approval
  recorded (第十八条(4)); 销毁 asked by 保密办 with the destruction facility and two different escorting
  witnesses, approved by a court leader; never a copy on loan; the record stays, 已销毁 (第十八条(7));
  携带外出 approved by a court leader, to a person inside the 知悉范围, with a due-back date, a 绝密 copy
  never to 涉外活动 or 出境 (第十七条、第十八条(5)), and 带回; 清点核对 (第十八条(6)); 移交 to another keeper on
  transfer or retirement (第二十三条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.models import (
    SecretChange,
    SecretCopy,
    SecretDispatch,
    SecretHandover,
    SecretItem,
    SecretItemReader,
    SecretLoan,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, numbering, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.editing import EditSpec, service_edit
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
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

BOOK = "《保密工作制度》"
RULE_MAKE = f"{BOOK}第十八条(1)"
RULE_RECEIVE = f"{BOOK}第十八条(2)"
RULE_READ = f"{BOOK}第十八条(3)"
RULE_COPY = f"{BOOK}第十八条(4)"
RULE_CARRY = f"{BOOK}第十八条(5)"
RULE_CHECK = f"{BOOK}第十八条(6)"
RULE_HAND_OVER = f"{BOOK}第二十三条"
RULE_DESTROY = f"{BOOK}第十八条(7)"
RULE_SEND = f"{BOOK}第十六条、第十八条(2)"
RULE_RETURN = f"{BOOK}第十八条(6)"

ITEM_KEY = "secrecy_item"
COPY_KEY = "secrecy_copy"
NUMBER_PATTERN = "({year})密载{serial:04d}号"
DESTRUCTION_KIND = "secrecy_destruction"
LOANS_KIND = "secrecy_loans"
APPROVAL_KIND = "secrecy_approval"
DISPATCH_KIND = "secrecy_dispatch"
HANDOVER_KIND = "secrecy_handover"

#: How a copy may travel to its recipient (第十八条(2)); never 普通邮政 or 明传电报 (第十六条).
ROUTES = ("机要交通", "机要通信", "专人传递")
FORBIDDEN_ROUTES = ("普通邮政", "普通邮寄", "快递", "明传电报")

CATEGORIES = ("文件", "资料", "光盘", "U盘", "移动硬盘", "其他")
#: 密级 → the longest 保密期限 in years, which is also the default when the term is not foreseeable.
LEVELS: dict[str, int] = {"绝密": 30, "机密": 20, "秘密": 10}
WITHHELD_TITLE = "（标题不登记）"
INTERNAL_PRINT_ROOM = "内部文印室"
PLACES = {"internal": INTERNAL_PRINT_ROOM, "facility": "经保密行政管理部门审查批准的定点单位"}

#: Who sees every carrier and copy: 保密办 and the court's leaders (and the administrator).
WIDE_ROLES = (roles.SECRECY, roles.LEADER, roles.PRESIDENT, ADMIN)
LEADER_ROLES = (roles.LEADER, roles.PRESIDENT)
#: Who always finds the carrier register in the navigation (department heads start 定密 for their
#: departments' documents); anyone else finds it while it holds a carrier of theirs (第六部分：只对其角色可见).
NAVIGATION_ROLES = (*WIDE_ROLES, roles.DEPT_HEAD)


def marking(level: str, term_years: int) -> str:
    """The marking printed on a carrier and each copy: 机密★20年."""
    return f"{level}★{term_years}年"


ITEM_FIELDS: tuple[FormField, ...] = (
    FormField("category", "载体类别", "choice", choices=forms.fixed(CATEGORIES)),
    FormField("title", "标题", "text", required=False, max_len=100,
              help="只登记标题，不登记涉密内容；绝密级载体的标题可不登记（由保密办填写理由）"),
    FormField("title_withheld_reason", "标题不登记的理由", "text", required=False, max_len=100,
              help="仅绝密级，由保密办填写；填写后标题登记为「（标题不登记）」"),
    FormField("level", "密级", "choice", choices=forms.fixed(tuple(LEVELS))),
    FormField("term_years", "保密期限（年）", "int", required=False, minimum=1,
              help="不能确定期限的，不填：绝密30年、机密20年、秘密10年"),
    FormField("copies", "制作份数", "int", minimum=1, maximum=99, default=1),
    FormField("originator", "制发单位", "text", max_len=60),
    FormField("place", "制作地点", "choice", choices=lambda s, a: list(PLACES.items()), default="internal"),
    FormField("facility", "定点单位名称", "text", required=False, max_len=60, when=("place", ("facility",))),
    FormField("responsible_id", "责任人", "choice", choices=forms.active_people),
    FormField("reader_ids", "知悉人员", "multichoice", required=False, choices=forms.active_people),
    FormField("reader_department_ids", "知悉部门", "multichoice", required=False, choices=forms.active_departments),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


# --- rules -----------------------------------------------------------------------------------------

_Proposer = aliased(User)
_Responsible = aliased(User)


def _item_base() -> Any:
    return (select(SecretItem.id).select_from(SecretItem)
            .join(_Proposer, _Proposer.id == SecretItem.proposer_id)
            .join(_Responsible, _Responsible.id == SecretItem.responsible_id))


@rules.over(_item_base)
def may_review(actor: User) -> ColumnElement[bool]:
    """The 定密责任人 the settings name."""
    return secrecy_settings.names(secrecy_settings.CLASSIFIER, actor)


may_approve_item = rules.holding(_item_base, *LEADER_ROLES, name="may_approve_item")
may_submit = rules.owning(_item_base, SecretItem.proposer_id, name="may_submit")


def _make_copies(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    """批准: the approver is recorded and the copies are made, numbered 1..N."""
    item.approver_id = actor.id
    item.approved_at = clock.now()
    for n in range(1, item.copies + 1):
        make_copy(session, actor, item, n, f"定密批准后制作第{n}份（共{item.copies}份），{item.marking}")


def _review_effect(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    item.reviewer_id = actor.id
    item.reviewed_at = clock.now()


NOT_OWN = Separation("proposer_id", "承办人不能审核或批准自己提出的定密（职责分离）")


# --- 变更、解密 (the same way as the 定密 itself) ---------------------------------------------------

CHANGE_KINDS = {"change": "变更", "declassify": "解密"}
CHANGE_FIELDS = (
    FormField("kind", "变更类别", "choice", choices=lambda s, a: [("change", "变更密级或保密期限"), ("declassify", "解密")],
              default="change"),
    FormField("level", "变更后密级", "choice", required=False, choices=forms.fixed(tuple(LEVELS)),
              when=("kind", ("change",))),
    FormField("term_years", "变更后保密期限（年）", "int", required=False, minimum=1, when=("kind", ("change",)),
              help="不能确定期限的，不填：绝密30年、机密20年、秘密10年"),
    FormField("reason", "变更理由", "text", max_len=100),
)

@rules.over(_item_base)
def may_propose_change(actor: User) -> ColumnElement[bool]:
    """The 承办人 who proposed the 定密, or 保密办 (when the 承办人 has moved on)."""
    return or_(SecretItem.proposer_id == actor.id, rules.holds(actor.has(roles.SECRECY)))


def _pending_change(session: Session, item: SecretItem) -> SecretChange | None:
    return session.scalars(select(SecretChange).where(SecretChange.item_id == item.id,
                                                      SecretChange.status.in_(("待审核", "待批准")))
                           .order_by(SecretChange.id.desc())).first()


def _change_guard(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    if values["kind"] == "declassify":
        return
    level = values.get("level") or item.level
    if level not in LEVELS:
        raise ValidationError(f"变更后密级：应为 绝密、机密 或 秘密，不能为「{level}」", field="变更后密级", rule=RULE_MAKE)
    longest = LEVELS[level]
    term = values.get("term_years") or (item.term_years if level == item.level else longest)
    if term > longest:
        raise ValidationError(f"变更后保密期限：{level}级不超过{longest}年，现填{term}年", field="变更后保密期限（年）",
                              rule=RULE_MAKE)
    if level == item.level and term == item.term_years:
        raise ValidationError(f"变更后密级：与现在的{item.marking}相同，没有需要变更的内容", field="变更后密级")
    values["level"], values["term_years"] = level, term


def _propose_change(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    declassify = values["kind"] == "declassify"
    change = SecretChange(item_id=item.id, kind=CHANGE_KINDS[values["kind"]], level_before=item.level,
                          term_before=item.term_years, level_after="" if declassify else values["level"],
                          term_after=None if declassify else values["term_years"], reason=values["reason"],
                          status="待审核", proposer_id=actor.id, proposed_at=clock.now())
    session.add(change)
    values["comment"] = _joined(f"提出{change.kind}：{change.words}，理由：{change.reason}", values["comment"])


def _review_change(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    change = _pending_change(session, item)
    assert change is not None
    if change.proposer_id == actor.id:
        raise PermissionDenied("操作人：提出变更的人不能审核自己提出的变更（职责分离）", field="操作人", rule=RULE_MAKE)
    change.status, change.reviewer_id, change.reviewed_at = "待批准", actor.id, clock.now()
    values["comment"] = _joined(f"审核同意{change.kind}：{change.words}", values["comment"])


def _approve_change(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    change = _pending_change(session, item)
    assert change is not None
    if actor.id in (change.proposer_id, change.reviewer_id):
        raise PermissionDenied("操作人：提出或审核变更的人不能批准该变更（职责分离）", field="操作人", rule=RULE_MAKE)
    change.status, change.approver_id, change.approved_at = "已批准", actor.id, clock.now()
    before = item.marking
    if change.kind == "解密":
        item.declassified_at = clock.now()
        mark = f"已解密（原{before}）"
    else:
        item.level, item.term_years = change.level_after, int(change.term_after or 0)
        mark = item.marking
    copies = session.scalars(select(SecretCopy).where(SecretCopy.item_id == item.id,
                                                      SecretCopy.status.notin_(GONE)).order_by(SecretCopy.copy_no))
    for copy in copies:
        copy.marking = mark
        COPY_WORKFLOW.fire(session, actor, copy, "remark",
                           f"经{actor.name}批准{change.kind}，标志由{before}改为{mark}，已在副本上标注", by_command=True)
    values["comment"] = _joined(f"批准{change.kind}：{change.words}，各份副本已改标", values["comment"])


def _send_back_change(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    change = _pending_change(session, item)
    if change is not None:
        change.status = "已退回"


ITEM_WORKFLOW = Workflow(
    entity=ITEM_KEY,
    states={"draft": "待提交", "submitted": "待定密责任人审核", "reviewed": "待主管领导批准", "approved": "已定密",
            "change_submitted": "变更待审核", "change_reviewed": "变更待批准", "declassified": "已解密"},
    initial="draft",
    transitions=(
        Transition("submit", "提交定密", src("draft"), "submitted", may_submit, "承办人本人", rule=RULE_MAKE),
        Transition("review", "审核同意", src("submitted"), "reviewed", may_review, "系统设置中指定的定密责任人",
                   effect=_review_effect, separations=(NOT_OWN,), rule=RULE_MAKE),
        Transition("send_back", "退回承办人", src("submitted"), "draft", may_review, "系统设置中指定的定密责任人",
                   separations=(NOT_OWN,), comment_required=True),
        Transition("approve", "批准定密", src("reviewed"), "approved", may_approve_item, "院领导（主管领导）",
                   effect=_make_copies, separations=(NOT_OWN,), rule=RULE_MAKE),
        Transition("send_back", "退回承办人", src("reviewed"), "draft", may_approve_item, "院领导（主管领导）",
                   separations=(NOT_OWN,), comment_required=True),
        Transition("propose_change", "提出变更或解密", src("approved"), "change_submitted", may_propose_change,
                   "承办人本人", guard=_change_guard, effect=_propose_change, fields=CHANGE_FIELDS, rule=RULE_MAKE,
                   aside=True),
        Transition("review_change", "审核变更", src("change_submitted"), "change_reviewed", may_review,
                   "系统设置中指定的定密责任人", effect=_review_change, rule=RULE_MAKE),
        Transition("approve_change", "批准变更", src("change_reviewed"), "approved", may_approve_item,
                   "院领导（主管领导）", effect=_approve_change, rule=RULE_MAKE),
        Transition("send_back_change", "退回变更", src("change_submitted"), "approved", may_review,
                   "系统设置中指定的定密责任人", effect=_send_back_change, comment_required=True),
        Transition("send_back_change", "退回变更", src("change_reviewed"), "approved", may_approve_item,
                   "院领导（主管领导）", effect=_send_back_change, comment_required=True),
        Transition("declassified", "解密生效", src("approved"), "declassified", lambda a, r: True,
                   "批准解密时自动登记", system="批准变更", rule=RULE_MAKE),
    ),
)


# --- copies ----------------------------------------------------------------------------------------

_Borrower = aliased(User)
_Keeper = aliased(User)


def _copy_base() -> Any:
    return (select(SecretCopy.id).select_from(SecretCopy)
            .join(SecretItem, SecretItem.id == SecretCopy.item_id)
            .outerjoin(_Borrower, _Borrower.id == SecretCopy.borrower_id)
            .outerjoin(_Keeper, _Keeper.id == SecretCopy.keeper_id))


may_keep = rules.holding(_copy_base, roles.SECRECY, name="may_keep")


@rules.over(_copy_base)
def may_distribute(actor: User) -> ColumnElement[bool]:
    """保密办, for a carrier not declassified (a declassified one is no longer sent by 机要 route)."""
    return and_(rules.holds(actor.has(roles.SECRECY)), SecretItem.declassified_at.is_(None))
may_decide_destroy = rules.holding(_copy_base, *LEADER_ROLES, name="may_decide_destroy")
may_let_out = rules.holding(_copy_base, *LEADER_ROLES, name="may_let_out")


@rules.over(_copy_base)
def may_copy(actor: User) -> ColumnElement[bool]:
    """The 复制审批人 the settings name (第十八条(4))."""
    return secrecy_settings.names(secrecy_settings.COPY_APPROVER, actor)


def _made(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    copy.since = clock.now()
    copy.location = "待签收"


def _receive(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    _back_in_store(copy, actor)
    values["comment"] = _joined(f"清点、编号、登记，由{actor.name}签收保管", values["comment"])


def _back_in_store(copy: SecretCopy, keeper: User) -> None:
    copy.keeper_id = keeper.id
    copy.borrower_id = None
    copy.due_on = None
    copy.location = f"保密办（{keeper.name}）保管"
    copy.since = clock.now()


def _joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


def in_scope(session: Session, item: SecretItem, person: User) -> bool:
    """Whether ``person`` is inside the carrier's 知悉范围 (named, or of a department named)."""
    for reader in item.readers:
        if reader.user_id == person.id:
            return True
        if reader.department_id is not None and reader.department_id == person.department_id:
            return True
    return False


def scope_words(item: SecretItem) -> str:
    people = [r.user.name for r in item.readers if r.user is not None]
    depts = [r.department.name for r in item.readers if r.department is not None]
    return "；".join(part for part in ("、".join(depts), "、".join(people)) if part)


def _lend_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    borrower = session.get(User, values["borrower_id"])
    if borrower is None or not borrower.active:
        raise ValidationError("借阅人：该人员不存在或已停用", field="借阅人")
    if not in_scope(session, copy.item, borrower):
        raise PermissionDenied(
            f"借阅人：{borrower.name}不在{copy.item.number}的知悉范围（{scope_words(copy.item)}）内，不能借阅",
            field="借阅人", rule=RULE_READ)
    due: dt.date = values["due_on"]
    if due < clock.today():
        raise ValidationError(f"应还日期：不能早于今天（{clock.today():%Y-%m-%d}）", field="应还日期")


def _lend(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    borrower = session.get(User, values["borrower_id"])
    assert borrower is not None
    copy.borrower_id = borrower.id
    copy.due_on = values["due_on"]
    copy.location = f"借阅人 {borrower.name}"
    copy.since = clock.now()
    session.add(SecretLoan(copy_id=copy.id, borrower_id=borrower.id, lent_at=clock.now(), lender_id=actor.id,
                           due_on=values["due_on"]))
    values["comment"] = _joined(f"借给{borrower.name}，应于{copy.due_on:%Y-%m-%d}前归还，已登记签收", values["comment"])


def _return(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    borrower = copy.borrower.name if copy.borrower else ""
    late = copy.due_on is not None and clock.today() > copy.due_on
    _back_in_store(copy, actor)
    loan = session.scalars(select(SecretLoan).where(SecretLoan.copy_id == copy.id, SecretLoan.returned_at.is_(None))
                           .order_by(SecretLoan.id.desc())).first()
    if loan is not None:
        loan.returned_at = clock.now()
        loan.receiver_id = actor.id
    said = f"{borrower}归还，{actor.name}清点收回" + ("（逾期归还）" if late else "")
    values["comment"] = _joined(said, values["comment"])


def _copy_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    if copy.item.level == "绝密" and not values.get("originator_approval"):
        raise ValidationError(
            f"原制发单位批准：绝密级载体一般不得复制，有特殊需要的必须经原制发单位（{copy.item.originator}）批准，"
            "请登记其批准文号或批准情况", field="原制发单位批准", rule=RULE_COPY)


def _copy(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    item = copy.item
    last = session.scalar(select(func.max(SecretCopy.copy_no)).where(SecretCopy.item_id == item.id)) or 0
    approval = values.get("originator_approval") or ""
    said = f"经{actor.name}批准复制自第{copy.copy_no}份" + (f"，原制发单位批准：{approval}" if approval else "")
    new = make_copy(session, actor, item, last + 1, f"{said}；{copy.marking}，知悉范围不变，视同原件管理",
                    origin=copy, approval=approval)
    values["comment"] = _joined(f"复制出第{new.copy_no}份（{new.number}），{new.marking}", values["comment"])


def make_copy(session: Session, actor: User, item: SecretItem, copy_no: int, comment: str, *,
              origin: SecretCopy | None = None, approval: str = "") -> SecretCopy:
    """A new numbered copy of ``item``, its first step 制作 recorded (inherits the item's marking)."""
    new = SecretCopy(item_id=item.id, copy_no=copy_no, number=f"{item.number}第{copy_no}份", status="pending",
                     marking=item.marking, location="", since=clock.now(),
                     origin_copy_id=origin.id if origin else None, copy_approval=approval)
    session.add(new)
    session.flush()
    COPY_WORKFLOW.fire(session, actor, new, "make", comment, by_command=True)
    return new


def _destroy_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    first, second = values.get("witness1_id"), values.get("witness2_id")
    if not first or not second:
        raise ValidationError("监销人：销毁须由两名监销人全程监督并签字，请填写两名监销人",
                              field="监销人", rule=RULE_DESTROY)
    if first == second:
        raise ValidationError("监销人：两名监销人须为两个不同的人", field="监销人", rule=RULE_DESTROY)
    for key in ("witness1_id", "witness2_id"):
        person = session.get(User, values[key])
        if person is None or not person.active:
            raise ValidationError("监销人：该人员不存在或已停用", field="监销人")


def _ask_destroy(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    copy.destroy_facility = values["facility"]
    copy.witness1_id = values["witness1_id"]
    copy.witness2_id = values["witness2_id"]
    copy.destroy_requested_at = clock.now()
    session.flush()
    session.refresh(copy)
    names = f"{copy.witness1.name if copy.witness1 else ''}、{copy.witness2.name if copy.witness2 else ''}"
    values["comment"] = _joined(f"清点登记，拟送{copy.destroy_facility}销毁，监销人{names}", values["comment"])


def _destroy(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    copy.destroy_approver_id = actor.id
    copy.destroyed_at = clock.now()
    copy.keeper_id = None
    copy.location = f"已销毁（{copy.destroy_facility}）"
    copy.since = clock.now()


def _keep_destroy(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    keeper = copy.keeper or actor
    copy.destroy_facility = ""
    copy.witness1_id = None
    copy.witness2_id = None
    copy.destroy_requested_at = None
    copy.location = f"保密办（{keeper.name}）保管"


def _carry_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    carrier = session.get(User, values["carrier_id"])
    if carrier is None or not carrier.active:
        raise ValidationError("携带人：该人员不存在或已停用", field="携带人")
    if not in_scope(session, copy.item, carrier):
        raise PermissionDenied(
            f"携带人：{carrier.name}不在{copy.item.number}的知悉范围（{scope_words(copy.item)}）内，不能携带外出",
            field="携带人", rule=RULE_READ)
    if values["abroad"] == "yes" and copy.item.level == "绝密":
        raise ValidationError("涉外活动或出境：不得携带绝密级文件资料参加涉外活动或出境", field="涉外活动或出境",
                              rule=RULE_CARRY)
    if values["due_on"] < clock.today():
        raise ValidationError(f"应带回日期：不能早于今天（{clock.today():%Y-%m-%d}）", field="应带回日期")


def _carry_out(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    carrier = session.get(User, values["carrier_id"])
    assert carrier is not None
    copy.borrower_id = carrier.id
    copy.due_on = values["due_on"]
    copy.carried_to = values["destination"]
    copy.carried_abroad = values["abroad"] == "yes"
    copy.location = f"携带外出 {carrier.name}（{copy.carried_to}）"
    copy.since = clock.now()
    abroad = "，涉外活动或出境" if copy.carried_abroad else ""
    values["comment"] = _joined(f"{actor.name}批准{carrier.name}携带外出至{copy.carried_to}{abroad}，"
                                f"应于{copy.due_on:%Y-%m-%d}前带回", values["comment"])


def _bring_back(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    carrier = copy.borrower.name if copy.borrower else ""
    late = copy.due_on is not None and clock.today() > copy.due_on
    _back_in_store(copy, actor)
    copy.carried_to = ""
    copy.carried_abroad = False
    values["comment"] = _joined(f"{carrier}带回，{actor.name}清点收回" + ("（逾期带回）" if late else ""),
                                values["comment"])


def _check(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    values["comment"] = _joined(f"{actor.name}清点核对：在库，份号、标志（{copy.marking}）无误", values["comment"])


def _hand_over_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    new = session.get(User, values["keeper_id"])
    if new is None or not new.active:
        raise ValidationError("接收人：该人员不存在或已停用", field="接收人")
    if new.id == copy.keeper_id:
        raise ValidationError(f"接收人：{new.name}已是该副本的保管人", field="接收人")
    if not (new.has(roles.SECRECY) or in_scope(session, copy.item, new)):
        raise PermissionDenied(f"接收人：{new.name}不在{copy.item.number}的知悉范围内，也不是保密办人员",
                               field="接收人", rule=RULE_READ)


def _hand_over(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    new = session.get(User, values["keeper_id"])
    assert new is not None
    before = copy.keeper.name if copy.keeper else "（无）"
    session.add(SecretHandover(copy_id=copy.id, from_id=copy.keeper_id, to_id=new.id, reason=values["reason"],
                               at=clock.now(), actor_id=actor.id))
    copy.keeper_id = new.id
    copy.location = f"{new.name}保管"
    copy.since = clock.now()
    values["comment"] = _joined(f"因{values['reason']}由{before}移交{new.name}保管，已登记并报保密办备案",
                                values["comment"])


#: States in which a copy no longer exists here (not yet made, destroyed, returned to its issuer).
GONE = ("pending", "destroyed", "returned")


def _route_guard(values: dict[str, Any]) -> None:
    route = values["route"]
    if route in FORBIDDEN_ROUTES or route not in ROUTES:
        raise ValidationError(f"传递方式：涉密载体只能通过{'、'.join(ROUTES)}传递，不得通过「{route}」寄发",
                              field="传递方式", rule=RULE_SEND)
    if route == "专人传递" and not values.get("courier"):
        raise ValidationError("传递人：专人传递的，须写明传递人姓名", field="传递人", rule=RULE_SEND)


def _distribute_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    if copy.item.declassified_at is not None:
        raise ValidationError(f"分发：{copy.item.number}已解密，不再按涉密载体分发", field="分发")
    recipient = session.get(User, values["recipient_id"])
    if recipient is None or not recipient.active:
        raise ValidationError("接收人：该人员不存在或已停用", field="接收人")
    if not in_scope(session, copy.item, recipient):
        raise PermissionDenied(
            f"接收人：{recipient.name}不在{copy.item.number}的知悉范围（{scope_words(copy.item)}）内，不能分发给其",
            field="接收人", rule=RULE_READ)
    _route_guard(values)


def _distribute(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    recipient = session.get(User, values["recipient_id"])
    assert recipient is not None
    route = values["route"] + (f"（{values['courier']}）" if values["route"] == "专人传递" else "")
    session.add(SecretDispatch(copy_id=copy.id, recipient_id=recipient.id, route=values["route"],
                               courier=values.get("courier") or "", sent_at=clock.now(), sender_id=actor.id))
    copy.keeper_id = recipient.id
    copy.location = f"分发至 {recipient.name}"
    copy.since = clock.now()
    values["comment"] = _joined(f"经{route}分发给{recipient.name}，由接收人签收", values["comment"])


def _recall(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    holder = copy.keeper.name if copy.keeper else ""
    dispatch = session.scalars(select(SecretDispatch).where(SecretDispatch.copy_id == copy.id,
                                                            SecretDispatch.recalled_at.is_(None))
                               .order_by(SecretDispatch.id.desc())).first()
    if dispatch is not None:
        dispatch.recalled_at, dispatch.recaller_id = clock.now(), actor.id
    _back_in_store(copy, actor)
    values["comment"] = _joined(f"{holder}清退，{actor.name}清点收回", values["comment"])


def _return_guard(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    _route_guard(values)


def _return_to_issuer(session: Session, actor: User, copy: SecretCopy, values: dict[str, Any]) -> None:
    route = values["route"] + (f"（{values['courier']}）" if values["route"] == "专人传递" else "")
    copy.keeper_id = None
    copy.location = f"已清退{copy.item.originator}"
    copy.since = clock.now()
    values["comment"] = _joined(f"清点后经{route}清退原制发单位{copy.item.originator}", values["comment"])


LEND_FIELDS = (
    FormField("borrower_id", "借阅人", "choice", choices=forms.active_people, help="只能借给知悉范围内的人员"),
    FormField("due_on", "应还日期", "date"),
)
COPY_FIELDS = (
    FormField("originator_approval", "原制发单位批准", "text", required=False, max_len=100,
              help="绝密级载体必须填写原制发单位的批准文号或批准情况"),
)
CARRY_FIELDS = (
    FormField("carrier_id", "携带人", "choice", choices=forms.active_people, help="只能由知悉范围内的人员携带"),
    FormField("destination", "去向及事由", "text", max_len=60),
    FormField("abroad", "涉外活动或出境", "choice", choices=lambda s, a: [("no", "否"), ("yes", "是")], default="no"),
    FormField("due_on", "应带回日期", "date"),
)
HAND_OVER_FIELDS = (
    FormField("keeper_id", "接收人", "choice", choices=forms.active_people),
    FormField("reason", "移交原因", "text", max_len=60, help="调动、退休、辞退、内部交流岗位等"),
)
ROUTE_FIELDS = (
    FormField("route", "传递方式", "choice", choices=forms.fixed(ROUTES), default="机要交通",
              help="只能通过机要交通、机要通信或专人传递，不得通过普通邮政、明传电报寄发（第十六条）"),
    FormField("courier", "传递人", "text", required=False, max_len=20, when=("route", ("专人传递",))),
)
DISTRIBUTE_FIELDS = (
    FormField("recipient_id", "接收人", "choice", choices=forms.active_people, help="只能分发给知悉范围内的人员"),
    *ROUTE_FIELDS,
)
DESTROY_FIELDS = (
    FormField("facility", "销毁机构", "text", max_len=60, default="保密行政管理部门指定的定点销毁机构",
              help="保密行政管理部门指定的定点销毁机构"),
    FormField("witness1_id", "监销人（一）", "choice", required=False, choices=forms.active_people, aliases=("监销人",)),
    FormField("witness2_id", "监销人（二）", "choice", required=False, choices=forms.active_people, aliases=("监销人",)),
)

COPY_WORKFLOW = Workflow(
    entity=COPY_KEY,
    states={"pending": "待制作", "made": "待签收", "kept": "在库", "lent": "借出", "out": "携带外出",
            "issued": "已分发", "to_destroy": "待批准销毁", "destroyed": "已销毁", "returned": "已清退"},
    initial="pending",
    transitions=(
        Transition("make", "制作", src("pending"), "made", lambda a, c: True, "定密批准或复制时自动登记",
                   effect=_made, system="批准定密", rule=RULE_MAKE),
        Transition("receive", "签收", src("made"), "kept", may_keep, "保密办", effect=_receive, rule=RULE_RECEIVE),
        Transition("lend", "借阅", src("kept"), "lent", may_keep, "保密办", guard=_lend_guard, effect=_lend,
                   fields=LEND_FIELDS, rule=RULE_READ),
        Transition("give_back", "归还", src("lent"), "kept", may_keep, "保密办", effect=_return, rule=RULE_READ),
        Transition("duplicate", "复制", src("kept"), "kept", may_copy, "系统设置中指定的复制审批人",
                   guard=_copy_guard, effect=_copy, fields=COPY_FIELDS, rule=RULE_COPY, aside=True),
        Transition("carry_out", "批准携带外出", src("kept"), "out", may_let_out, "院领导（主管院领导）",
                   guard=_carry_guard, effect=_carry_out, fields=CARRY_FIELDS, rule=f"{BOOK}第十七条、第十八条(5)"),
        Transition("bring_back", "带回", src("out"), "kept", may_keep, "保密办", effect=_bring_back, rule=RULE_CARRY),
        Transition("check", "清点核对", src("kept"), "kept", may_keep, "保密办", effect=_check, rule=RULE_CHECK,
                   aside=True),
        *(Transition("hand_over", "移交", src(state), state, may_keep, "保密办", guard=_hand_over_guard,
                     effect=_hand_over, fields=HAND_OVER_FIELDS, rule=RULE_HAND_OVER, aside=True)
          for state in ("kept", "issued")),
        Transition("ask_destroy", "申请销毁", src("kept"), "to_destroy", may_keep, "保密办",
                   guard=_destroy_guard, effect=_ask_destroy, fields=DESTROY_FIELDS, rule=RULE_DESTROY),
        Transition("destroy", "批准销毁", src("to_destroy"), "destroyed", may_decide_destroy, "院领导（主管领导）",
                   effect=_destroy, rule=RULE_DESTROY),
        Transition("keep", "不予销毁", src("to_destroy"), "kept", may_decide_destroy, "院领导（主管领导）",
                   effect=_keep_destroy, comment_required=True),
        Transition("distribute", "分发", src("kept"), "issued", may_distribute, "保密办（未解密的载体）",
                   guard=_distribute_guard,
                   effect=_distribute, fields=DISTRIBUTE_FIELDS, rule=RULE_SEND),
        Transition("recall", "清退收回", src("issued"), "kept", may_keep, "保密办", effect=_recall, rule=RULE_RETURN),
        Transition("return_to_issuer", "清退原制发单位", src("kept"), "returned", may_keep, "保密办",
                   guard=_return_guard, effect=_return_to_issuer, fields=ROUTE_FIELDS, rule=RULE_RETURN, aside=True),
        *(Transition("remark", "标志变更", src(state), state, lambda a, r: True, "定密变更或解密批准时自动登记",
                     system="批准变更", rule=RULE_MAKE)
          for state in ("made", "kept", "lent", "out", "issued", "to_destroy")),
    ),
)


# --- service ---------------------------------------------------------------------------------------

def _check_level(data: dict[str, Any]) -> None:
    level = data.get("level")
    if level not in LEVELS:
        raise ValidationError(f"密级：应为 绝密、机密 或 秘密，不能为「{level or '（空）'}」",
                              field="密级", rule=RULE_MAKE)


def _checked_item(actor: User, values: dict[str, Any]) -> dict[str, Any]:
    """The rules of a proposed 定密 the form cannot say (登记 and 修改 alike): the 保密期限 within its
    level's maximum, a title withheld only for 绝密 and only by 保密办, a 知悉范围 given."""
    level: str = values["level"]
    if values.get("category") not in CATEGORIES:
        raise ValidationError(f"载体类别：应为 {'、'.join(CATEGORIES)} 之一", field="载体类别")
    longest = LEVELS[level]
    term = values.get("term_years") or longest
    if term > longest:
        raise ValidationError(f"保密期限：{level}级不超过{longest}年，现填{term}年", field="保密期限（年）",
                              rule=RULE_MAKE)
    reason = values.get("title_withheld_reason") or ""
    title = values.get("title") or ""
    if reason:
        if level != "绝密":
            raise ValidationError(f"标题不登记的理由：只有绝密级载体的标题可以不登记，该载体为{level}级",
                                  field="标题不登记的理由", rule=RULE_MAKE)
        if not actor.has(roles.SECRECY):
            raise PermissionDenied("标题不登记的理由：绝密级载体的标题不登记，须由保密办决定并填写理由",
                                   field="标题不登记的理由", rule=RULE_MAKE)
        title = WITHHELD_TITLE
    elif not title or title == WITHHELD_TITLE:
        raise ValidationError("标题：请填写标题（只登记标题，不登记内容）", field="标题")
    people = list(dict.fromkeys(values.get("reader_ids") or []))
    depts = list(dict.fromkeys(values.get("reader_department_ids") or []))
    if not people and not depts:
        raise ValidationError("知悉范围：请写明知悉的人员或部门", field="知悉范围", rule=RULE_READ)
    return {"title": title, "term_years": term, "people": people, "departments": depts}


def _check_people(session: Session, values: dict[str, Any]) -> None:
    responsible = session.get(User, values["responsible_id"])
    if responsible is None or not responsible.active:
        raise ValidationError("责任人：该人员不存在或已停用", field="责任人")
    for uid in values.get("reader_ids") or []:
        if session.get(User, uid) is None:
            raise ValidationError("知悉人员：所选人员不存在", field="知悉人员")
    for did in values.get("reader_department_ids") or []:
        if session.get(Department, did) is None:
            raise ValidationError("知悉部门：所选部门不存在", field="知悉部门")


def _set_scope(session: Session, item: SecretItem, people: list[int], departments: list[int]) -> None:
    """The 知悉范围 rows, and the same in words on the item (知悉范围：民事审判庭；郑洁)."""
    if [r.user_id for r in item.readers if r.user_id] == people and \
            [r.department_id for r in item.readers if r.department_id] == departments:
        return
    item.readers = ([SecretItemReader(department_id=d) for d in departments]
                    + [SecretItemReader(user_id=u) for u in people])
    names = {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(people)))} if people else {}
    depts = ({d.id: d.name for d in session.scalars(select(Department).where(Department.id.in_(departments)))}
             if departments else {})
    item.scope_text = "；".join(part for part in ("、".join(depts[d] for d in departments),
                                                   "、".join(names[u] for u in people)) if part)


def _edit_update(session: Session, actor: User, item: SecretItem, values: dict[str, Any]) -> None:
    _check_level(values)
    checked = _checked_item(actor, values)
    _check_people(session, values)
    for key in ("category", "title_withheld_reason", "level", "copies", "originator", "responsible_id", "remarks"):
        setattr(item, key, values[key] if values[key] is not None else getattr(item, key))
    item.title, item.term_years = checked["title"], checked["term_years"]
    _set_scope(session, item, checked["people"], checked["departments"])


ITEM_EDIT = EditSpec(
    fields=tuple(f for f in ITEM_FIELDS if f.key not in ("place", "facility")),
    states=src("draft"),
    may=lambda actor, item: item.proposer_id == actor.id,
    who="承办人本人",
    save=service_edit(lambda db: SecrecyService(db)),
    update=_edit_update,
    workflow=ITEM_WORKFLOW,
)


class SecrecyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, actor: User, data: dict[str, Any]) -> SecretItem:
        """登记 a carrier as its 承办人 proposes it (待提交)."""
        _check_level(data)
        values = clean(ITEM_FIELDS, data)
        if values["place"] not in PLACES:
            raise ValidationError("制作地点：应为内部文印室或经审查批准的定点单位", field="制作地点", rule=RULE_MAKE)
        if values["place"] == "facility" and not values["facility"]:
            raise ValidationError("定点单位名称：在定点单位印制的，须写明经保密行政管理部门审查批准的定点单位",
                                  field="定点单位名称", rule=RULE_MAKE)
        produced_at = INTERNAL_PRINT_ROOM if values["place"] == "internal" else values["facility"]
        checked = _checked_item(actor, values)
        with self.db.write(actor) as s:
            now = clock.now()
            item = SecretItem(
                status=ITEM_WORKFLOW.initial, category=values["category"], title=checked["title"],
                title_withheld_reason=values["title_withheld_reason"], level=values["level"],
                term_years=checked["term_years"], copies=values["copies"], originator=values["originator"],
                produced_at=produced_at, responsible_id=values["responsible_id"], proposer_id=actor.id,
                proposed_at=now, remarks=values["remarks"])
            _check_people(s, values)
            numbering.assign(s, item, register=ITEM_KEY, pattern=NUMBER_PATTERN, year=now.year)
            _set_scope(s, item, checked["people"], checked["departments"])
            s.add(item)
            s.flush()
            return item

    def edit(self, actor: User, item_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None = None) -> SecretItem:
        """修改 a carrier still waiting to be submitted (a draft, or one sent back to its 承办人)."""
        with self.db.write(actor) as s:
            item = load_or_refuse(s, SecretItem, item_id, "涉密载体", "该涉密载体不存在")
            ITEM_EDIT.apply(s, actor, item, data, reason, expected_version)
            return item

    def act(self, actor: User, item_id: int, action: str, comment: str = "", **params: Any) -> SecretItem:
        with self.db.write(actor) as s:
            item = load_or_refuse(s, SecretItem, item_id, "涉密载体", "该涉密载体不存在")
            ITEM_WORKFLOW.fire(s, actor, item, action, comment, **params)
            if action == "approve_change" and item.declassified_at is not None and item.status == "approved":
                ITEM_WORKFLOW.fire(s, actor, item, "declassified", f"{item.number}自即日起解密", by_command=True)
            return item

    def act_on_copy(self, actor: User, copy_id: int, action: str, comment: str = "", **params: Any) -> SecretCopy:
        with self.db.write(actor) as s:
            copy = load_or_refuse(s, SecretCopy, copy_id, "涉密载体副本", "该副本不存在")
            if params.get("route") in FORBIDDEN_ROUTES:  # said with its article, before the form's choice check
                _route_guard(params)
            if copy.status in ("lent", "out") and action in ("lend", "ask_destroy", "duplicate", "carry_out"):
                how = "借给" if copy.status == "lent" else "由"
                what = "尚未归还" if copy.status == "lent" else "携带外出，尚未带回"
                out = (f"{copy.number}已于{copy.since:%Y-%m-%d %H:%M}{how}"
                       f"{copy.borrower.name if copy.borrower else ''}（应还日期 {copy.due_on}）{what}")
                if action in ("lend", "carry_out"):
                    raise ValidationError(f"借阅：{out}，不能再借出", field="借阅", rule=RULE_READ)
                if action == "ask_destroy":
                    raise ValidationError(f"销毁：{out}，收回清点后才能销毁", field="销毁", rule=RULE_DESTROY)
                raise ValidationError(f"复制：{out}，收回后才能复制", field="复制", rule=RULE_COPY)
            COPY_WORKFLOW.fire(s, actor, copy, action, comment, **params)
            return copy


# --- registers -------------------------------------------------------------------------------------

def _item_scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return or_(SecretItem.proposer_id == actor.id, SecretItem.responsible_id == actor.id,
               secrecy_settings.names(secrecy_settings.CLASSIFIER, actor))


def _copy_scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return or_(SecretCopy.borrower_id == actor.id, SecretCopy.keeper_id == actor.id,
               secrecy_settings.names(secrecy_settings.COPY_APPROVER, actor))


def _marking_sql(level: Any, term: Any) -> Any:
    return level + literal("★") + cast(term, String) + literal("年")


def _readers(session: Session, item_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretItemReader).where(SecretItemReader.item_id == item_id)
                           .order_by(SecretItemReader.id))
    return [{"department": r.department.name if r.department else "", "person": r.user.name if r.user else ""}
            for r in rows]


def _item_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(ITEM_REGISTER, filter_key=key).count(session, actor)

    return [DashboardItem("待我审核的定密", count("to_review"), ITEM_KEY, "to_review", True),
            DashboardItem("待我批准的定密", count("to_approve"), ITEM_KEY, "to_approve", True)]


def _either(*actions: str) -> Any:
    wheres = [ITEM_WORKFLOW.available_where(a) for a in actions]
    return lambda actor: or_(*(w(actor) for w in wheres))


ITEM_REGISTER = RegisterSpec(
    key=ITEM_KEY,
    title="涉密载体台账",
    model=SecretItem,
    columns=(
        Column("number", "编号", SecretItem.number, 15),
        Column("category", "类别", SecretItem.category, 6),
        Column("title", "标题", SecretItem.title, 22),
        Column("marking", "密级★期限", _marking_sql(SecretItem.level, SecretItem.term_years), 10),
        Column("copies", "份数", SecretItem.copies, 5, "int"),
        Column("originator", "制发单位", SecretItem.originator, 14),
        Column("produced_at", "制作地点", SecretItem.produced_at, 12),
        Column("responsible", "责任人", _Responsible.name, 8),
        Column("scope", "知悉范围", SecretItem.scope_text, 16),
        Column("status", "状态", SecretItem.status, 12, "status"),
        Column("proposer", "承办人", _Proposer.name, 8),
        Column("proposed_at", "登记时间", SecretItem.proposed_at, 13, "datetime"),
    ),
    base=_item_base,
    search=(SecretItem.number, SecretItem.title, SecretItem.originator, _Proposer.name, _Responsible.name),
    date_expr=SecretItem.proposed_at,
    workflow=ITEM_WORKFLOW,
    filters=(
        Filter("to_review", "待我审核", _either("review", "review_change")),
        Filter("to_approve", "待我批准", _either("approve", "approve_change")),
        Filter("changing", "变更或解密中", lambda a: SecretItem.status.in_(("change_submitted", "change_reviewed"))),
        Filter("declassified", "已解密", lambda a: SecretItem.status == "declassified"),
        Filter("mine", "我登记的", lambda a: SecretItem.proposer_id == a.id),
        Filter("approved", "已定密", lambda a: SecretItem.status == "approved"),
    ),
    scope=_item_scope,
    form=ITEM_FIELDS,
    create=lambda db, actor, data: SecrecyService(db).register(actor, data),
    create_label="登记涉密载体",
    edit=ITEM_EDIT,
    dashboard=_item_dashboard,
    act=service_act(SecrecyService),
    lines=(LinesSpec("readers", "知悉范围", (FormField("department", "知悉部门"), FormField("person", "知悉人员")),
                     _readers),),
    printed_columns=("number", "category", "title", "marking", "copies", "originator", "produced_at",
                     "responsible", "status", "proposed_at"),
    documents=(RegisterDocument(APPROVAL_KIND, may=lambda a: True, who="能查看该载体的人员"),
               RegisterDocument(DISPATCH_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
    listed_for=NAVIGATION_ROLES,
    log_views=True,
)


def _copy_live(today: dt.date) -> Any:
    labels = COPY_WORKFLOW.states
    return case(
        (and_(SecretCopy.status.in_(("lent", "out")), SecretCopy.due_on < today), literal("逾期未还")),
        *((SecretCopy.status == key, literal(label)) for key, label in labels.items()),
        else_=SecretCopy.status,
    )


def _overdue(actor: User) -> ColumnElement[bool]:
    return and_(SecretCopy.status.in_(("lent", "out")), SecretCopy.due_on < clock.today())


def _copy_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(COPY_REGISTER, filter_key=key).count(session, actor)

    items = [DashboardItem("待我批准销毁的涉密载体", count("to_destroy"), COPY_KEY, "to_destroy", True)]
    if actor.has(roles.SECRECY):
        items += [DashboardItem("逾期未还的涉密载体", count("overdue"), COPY_KEY, "overdue", True),
                  DashboardItem("待签收的涉密载体", count("to_receive"), COPY_KEY, "to_receive")]
    return items


COPY_REGISTER = RegisterSpec(
    key=COPY_KEY,
    title="涉密载体副本登记簿",
    model=SecretCopy,
    columns=(
        Column("number", "副本编号", SecretCopy.number, 18),
        Column("title", "标题", SecretItem.title, 20),
        Column("marking", "密级★期限", SecretCopy.marking, 10),
        Column("category", "类别", SecretItem.category, 6),
        Column("now", "状态", SecretCopy.status, 9, live=_copy_live,
               tone=lambda shown: "overdue" if shown == "逾期未还" else None),
        Column("location", "现在位置", SecretCopy.location, 16),
        Column("since", "自何时起", SecretCopy.since, 13, "datetime"),
        Column("borrower", "借阅人", _Borrower.name, 8),
        Column("due_on", "应还日期", SecretCopy.due_on, 10, "date"),
        Column("keeper", "保管人", _Keeper.name, 8),
        Column("destroyed_at", "销毁时间", SecretCopy.destroyed_at, 13, "datetime"),
    ),
    base=_copy_base,
    search=(SecretCopy.number, SecretItem.title, _Borrower.name, SecretCopy.location),
    date_expr=SecretCopy.since,
    workflow=COPY_WORKFLOW,
    filters=(
        Filter("overdue", "逾期未还", _overdue),
        Filter("lent", "借出", lambda a: SecretCopy.status == "lent"),
        Filter("out", "携带外出", lambda a: SecretCopy.status == "out"),
        Filter("to_receive", "待签收", COPY_WORKFLOW.available_where("receive")),
        Filter("to_destroy", "待批准销毁", COPY_WORKFLOW.available_where("destroy")),
        Filter("kept", "在库", lambda a: SecretCopy.status == "kept"),
        Filter("destroyed", "已销毁", lambda a: SecretCopy.status == "destroyed"),
        Filter("issued", "已分发", lambda a: SecretCopy.status == "issued"),
        Filter("returned", "已清退", lambda a: SecretCopy.status == "returned"),
        Filter("mine", "我借阅或保管的",
               lambda a: or_(SecretCopy.borrower_id == a.id, SecretCopy.keeper_id == a.id) if a.id else false()),
    ),
    scope=_copy_scope,
    dashboard=_copy_dashboard,
    act=service_act(SecrecyService, "act_on_copy"),
    live_status="now",
    documents=(RegisterDocument(DESTRUCTION_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导",
                                batch=True),
               RegisterDocument(LOANS_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),
               RegisterDocument(HANDOVER_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
    listed_for=WIDE_ROLES,
    log_views=True,
)
