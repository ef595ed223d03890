"""The seizure register (查封/扣押/冻结登记簿), its expiry radar and the notification transcript.

Terms (see :mod:`.rules`): a term may not run past the legal maximum for the property type
(《民诉法解释》第485条: deposits 1 year, movables and vehicles 2 years, real estate and other property
rights 3 years). A renewal (续行) must be done on or before the last day of the current term, starts
the day after it and is bounded by the same maximum counted from that last day. A renewal done in
time may be entered later; one dated after the term ended is refused. A release (解除) is dated on or
after the start and on or before the end of the term; a term that ran out without renewal is recorded
as 期满失效 (lapse). A seizure starts on or after the day its case was filed.

Who: renewals, releases and lapses only by the officers assigned to the case (承办人, 书记员) or the
bureau's head, renewals and releases not in a closed case (违反规定采取或解除查封、扣押、冻结 is an
integrity risk, 《司法责任制廉政风险防控管理办法（试行）》第十一条(十三)); one rule for the buttons and
the service.

Radar: the applicant must apply for renewal fifteen days before the end (查封、冻结期限告知与风险提示
制度), so the register and the dashboard list measures still in force whose last day is within 30
days, within 15 days (both counted from today, today included: 0 ≤ end − today ≤ N) and those whose
last day has passed without renewal, release or a recorded lapse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.enforcement import rules
from courtdesk.areas.enforcement.common import (
    VISIBLE_TO,
    case_choices,
    check_case_open,
    dashboard_scope,
    in_my_charge,
    is_bureau_head,
    load_case,
    my_cases,
    require_enforcement,
    respondent_choices,
)
from courtdesk.areas.enforcement.models import (
    MEASURES,
    PROPERTY_TYPES,
    EnforcementCase,
    EnforcementParty,
    Seizure,
    SeizureNotice,
    SeizureNoticeItem,
    SeizureRenewal,
)
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.enforcement.transcript_document import (
    SeizureTranscriptContent,
    TranscriptItem,
    build_seizure_transcript,
    post_title,
)
from courtdesk.kernel import clock, settings, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.model import Document
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    Command,
    CommandResult,
    DashboardItem,
    Filter,
    RegisterDocument,
    RegisterSpec,
    service_act,
)
from courtdesk.kernel.rules import holds, over
from courtdesk.kernel.workflow import Transition, Workflow, src

REGISTER_KEY = "seizure"
_Owner = aliased(EnforcementParty)
NOTICE_KEY = "seizure_notice"
DOCUMENT_KIND = "seizure_transcript"
MAX_NOTICE_ITEMS = 50


# --- adding a seizure ----------------------------------------------------------------------------

SEIZURE_FIELDS: tuple[FormField, ...] = (
    FormField("case_id", "执行案件", "choice", choices=case_choices, help="您承办或担任书记员的未结案件"),
    FormField("measure", "措施", "choice", choices=lambda s, a: list(MEASURES.items())),
    FormField("property_type", "财产类型", "choice", choices=lambda s, a: list(PROPERTY_TYPES.items()),
              help="银行存款冻结不超过一年；动产（含机动车）查封、扣押不超过两年；不动产、股权等其他财产权不超过三年"),
    FormField("description", "查封标的", "text", max_len=300,
              help="写明财产名称、坐落或账户、数量金额，如：被执行人李四名下位于…的房产"),
    FormField("party_id", "财产所有人（被执行人）", "choice", required=False, choices=respondent_choices,
              aliases=("财产所有人",), help="应为所选案件的被执行人"),
    FormField("ruling_number", "裁定书或协助执行通知书文号", "text", required=False, max_len=60),
    FormField("start_date", "开始日期", "date"),
    FormField("end_date", "截止日期", "date", required=False,
              help="不填则按法定最长期限计算（存款一年，动产两年，不动产和其他财产权三年）"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


def _owner(case: EnforcementCase, party_id: Any) -> EnforcementParty | None:
    if party_id in (None, ""):
        return None
    for party in case.respondents:
        if party.id == int(party_id):
            return party
    raise ValidationError("财产所有人：应为本案的被执行人", field="财产所有人")


def add_seizure_in(session: Session, actor: User, data: dict[str, Any]) -> Seizure:
    require_enforcement(actor, "登记查封、扣押、冻结")
    fields = clean(SEIZURE_FIELDS, data)
    case = load_case(session, fields["case_id"])
    check_case_open(case, "登记新的查封、扣押、冻结")
    rules.check_measure(fields["measure"], fields["property_type"])
    owner = _owner(case, fields["party_id"])
    start: dt.date = fields["start_date"]
    validation.not_future(start, "开始日期")
    validation.not_before(start, case.filed_on, "开始日期", f"本案（{case.number}）的立案日期")
    end: dt.date = fields["end_date"] or rules.latest_end(fields["property_type"], start)
    if end <= start:
        raise ValidationError(f"截止日期：应晚于开始日期（{start:%Y-%m-%d}）", field="截止日期")
    rules.check_end(fields["property_type"], start, end, "截止日期", renewal=False)
    seizure = Seizure(
        case_id=case.id, party_id=owner.id if owner else None, measure=fields["measure"],
        property_type=fields["property_type"], description=fields["description"],
        ruling_number=fields["ruling_number"], start_date=start, end_date=end, original_end_date=end,
        renewals=0, status=SEIZURE_WORKFLOW.initial, registered_by_id=actor.id, remarks=fields["remarks"],
    )
    session.add(seizure)
    session.flush()
    return seizure


# --- renewal, release, lapse ---------------------------------------------------------------------

RENEW_FIELDS: tuple[FormField, ...] = (
    FormField("renewed_on", "续行日期", "date", help="办理续行手续的日期，应在原期限届满之前"),
    FormField("new_end", "续行截止日期", "date"),
    FormField("ruling_number", "续行裁定书或协助执行通知书文号", "text", required=False, max_len=60),
)
RELEASE_FIELDS: tuple[FormField, ...] = (
    FormField("released_on", "解除日期", "date"),
    FormField("release_reason", "解除原因", "text", max_len=200, help="如：执行完毕；申请执行人申请解除；已处置"),
)


def _too_late_to_renew(seizure: Seizure) -> ValidationError:
    return ValidationError(
        f"续行日期：{seizure.measure_label}期限已于 {seizure.end_date:%Y-%m-%d} 届满，届满后不能续行"
        f"（应当在期限届满前办理续行手续）；如需继续控制该财产，请重新{seizure.measure_label}",
        field="续行日期", rule=rules.TERM_RULE + "第二款")


def _renew_guard(session: Session, actor: User, seizure: Seizure, values: dict[str, Any]) -> None:
    renewed_on: dt.date = values["renewed_on"]
    validation.not_future(renewed_on, "续行日期")
    if renewed_on < seizure.start_date:
        raise ValidationError(f"续行日期：不能早于开始日期（{seizure.start_date:%Y-%m-%d}）", field="续行日期")
    if renewed_on > seizure.end_date:
        raise _too_late_to_renew(seizure)
    new_end: dt.date = values["new_end"]
    if new_end <= seizure.end_date:
        raise ValidationError(f"续行截止日期：应晚于原截止日期（{seizure.end_date:%Y-%m-%d}）", field="续行截止日期")
    rules.check_end(seizure.property_type, seizure.end_date, new_end, "续行截止日期", renewal=True)


def _renew_effect(session: Session, actor: User, seizure: Seizure, values: dict[str, Any]) -> None:
    previous = seizure.end_date
    seizure.renewals += 1
    seizure.renewal_rows.append(SeizureRenewal(
        seizure_id=seizure.id, seq=seizure.renewals, renewed_on=values["renewed_on"], previous_end=previous,
        term_start=previous + dt.timedelta(days=1), new_end=values["new_end"],
        ruling_number=values["ruling_number"], by_id=actor.id,
    ))
    seizure.end_date = values["new_end"]


def _release_guard(session: Session, actor: User, seizure: Seizure, values: dict[str, Any]) -> None:
    released_on: dt.date = values["released_on"]
    validation.not_future(released_on, "解除日期")
    if released_on < seizure.start_date:
        raise ValidationError(f"解除日期：不能早于{seizure.measure_label}开始日期（{seizure.start_date:%Y-%m-%d}）",
                              field="解除日期")
    if released_on > seizure.end_date:
        raise ValidationError(
            f"解除日期：{seizure.measure_label}期限已于 {seizure.end_date:%Y-%m-%d} 届满失效，无需解除，"
            "请登记「期满失效」", field="解除日期")


def _release_effect(session: Session, actor: User, seizure: Seizure, values: dict[str, Any]) -> None:
    seizure.released_on = values["released_on"]
    seizure.release_reason = values["release_reason"]


def _lapse_guard(session: Session, actor: User, seizure: Seizure, params: dict[str, Any]) -> None:
    if seizure.end_date >= clock.today():
        raise ValidationError(
            f"截止日期：{seizure.measure_label}期限至 {seizure.end_date:%Y-%m-%d}，尚未届满，不能登记期满失效",
            field="截止日期")


#: 违反规定采取或解除查封、扣押、冻结 is an integrity risk of the enforcement stage.
CONTROL_RULE = "《司法责任制廉政风险防控管理办法（试行）》第十一条(十三)"
HANDLERS = "本案承办人、书记员或执行局负责人"


def _base() -> Any:
    return (
        select(Seizure.id)
        .select_from(Seizure)
        .join(EnforcementCase, EnforcementCase.id == Seizure.case_id)
        .outerjoin(_Owner, _Owner.id == Seizure.party_id)
    )


@over(_base)
def may_handle(actor: User) -> ColumnElement[bool]:
    """An enforcement officer on a case he handles (承办人) or records (书记员); the bureau's head on
    every case (登记期满失效 also after the case was closed)."""
    return and_(holds(actor.has(ENFORCEMENT)), in_my_charge(actor))


@over(_base)
def may_renew(actor: User) -> ColumnElement[bool]:
    """续行: :func:`may_handle`, only while the case is not closed and the term has not run out (a
    renewal is made before the last day; after it the measure must be taken anew). 解除 stays open to
    the case's handlers after closing: releasing what is still seized is what closing calls for."""
    return and_(may_handle.sql(actor), EnforcementCase.status != "closed", Seizure.end_date >= clock.today())


@over(_base)
def may_renew_late(actor: User) -> ColumnElement[bool]:
    """补登续行: a renewal made before the last day but entered after it — the case's handlers, not in
    a closed case, once the term has run out (the renewal date must still be on or before the last
    day: the same guard as 续行)."""
    return and_(may_handle.sql(actor), EnforcementCase.status != "closed", Seizure.end_date < clock.today())


def _handling_refusal(what: str) -> Any:
    def refuse(session: Session, actor: User, seizure: Seizure) -> None:
        case = seizure.case
        if what == "续行" and seizure.end_date < clock.today() and may_handle.check(actor, seizure, session):
            raise _too_late_to_renew(seizure)
        if (what == "续行" and actor.has(ENFORCEMENT) and case.status == "closed"
                and may_handle.check(actor, seizure, session)):
            raise PermissionDenied(
                f"执行案件：{case.number} 已结案（{case.close_mode}），不能再{what}该{seizure.measure_label}",
                field="执行案件", rule=CONTROL_RULE)
        if actor.has(ENFORCEMENT):
            raise PermissionDenied(
                f"操作人：{seizure.measure_label}的{what}只能由{HANDLERS}办理；本案承办人为{case.officer.name}，"
                f"书记员为{case.clerk.name}", field="操作人", rule=CONTROL_RULE)
    return refuse


SEIZURE_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={"active": "在控", "released": "已解除", "lapsed": "期满失效"},
    initial="active",
    transitions=(
        Transition("renew", "续行", src("active"), "active", may_renew, HANDLERS, guard=_renew_guard,
                   effect=_renew_effect, rule=rules.TERM_RULE, fields=RENEW_FIELDS,
                   defaults=lambda: {"renewed_on": clock.today()}, refusal=_handling_refusal("续行")),
        Transition("renew_late", "补登续行", src("active"), "active", may_renew_late, HANDLERS,
                   guard=_renew_guard, effect=_renew_effect, rule=rules.TERM_RULE, fields=RENEW_FIELDS,
                   refusal=_handling_refusal("补登续行")),
        Transition("release", "解除", src("active"), "released", may_handle, HANDLERS, guard=_release_guard,
                   effect=_release_effect, fields=RELEASE_FIELDS,
                   defaults=lambda: {"released_on": clock.today()}, refusal=_handling_refusal("解除")),
        Transition("lapse", "登记期满失效", src("active"), "lapsed", may_handle, HANDLERS, guard=_lapse_guard,
                   refusal=_handling_refusal("登记期满失效")),
    ),
)


# --- the notification transcript -----------------------------------------------------------------

NOTICE_FIELDS: tuple[FormField, ...] = (
    FormField("held_at", "时间", "datetime", required=False),
    FormField("place", "地点", "text", required=False, max_len=100),
    FormField("judge_name", "承办人", "text", required=False, max_len=40),
    FormField("clerk_name", "书记员", "text", required=False, max_len=40),
    FormField("party_name", "当事人", "text", required=False, max_len=100,
              help="到场的申请执行人或其代理人，如：某某公司（委托代理人王某）"),
)
NOTIFY_FIELDS: tuple[FormField, ...] = (FormField("notified_on", "告知日期", "date", required=False),)


def in_force_clause() -> ColumnElement[bool]:
    """Measures still in force today (在控, term not over): the SQL side of :func:`_check_notifiable`."""
    return and_(Seizure.status == "active", Seizure.end_date >= clock.today())


def _check_notifiable(seizure: Seizure) -> None:
    """Only a measure still in force can be told to the applicant (who may still apply for renewal)."""
    if seizure.status != "active":
        raise ValidationError(
            f"查封措施：「{seizure.description}」{SEIZURE_WORKFLOW.label(seizure.status)}，不能再告知", field="查封措施")
    if seizure.end_date < clock.today():
        raise ValidationError(
            f"查封措施：「{seizure.description}」的期限已于 {seizure.end_date:%Y-%m-%d} 届满，不能再告知续行；"
            "请登记期满失效，或重新采取措施后再告知", field="查封措施", rule=rules.TERM_RULE)


def create_notice_in(session: Session, actor: User, case_id: int, seizure_ids: Sequence[int],
                     data: dict[str, Any] | None = None) -> SeizureNotice:
    require_enforcement(actor, "制作查封措施告知笔录")
    fields = clean(NOTICE_FIELDS, data or {})
    case = load_case(session, case_id)
    ids = [int(i) for i in seizure_ids]
    if not ids:
        raise ValidationError("查封措施：至少选择一项查封、扣押、冻结", field="查封措施")
    if len(set(ids)) != len(ids):
        raise ValidationError("查封措施：同一项选了两次", field="查封措施")
    if len(ids) > MAX_NOTICE_ITEMS:
        raise ValidationError(f"查封措施：一份笔录最多 {MAX_NOTICE_ITEMS} 项", field="查封措施")
    found = {x.id: x for x in session.scalars(select(Seizure).where(Seizure.id.in_(ids))).unique()}
    seizures: list[Seizure] = []
    for i in ids:
        seizure = found.get(i)
        if seizure is None or seizure.case_id != case.id:
            raise ValidationError(f"查封措施：所选的第 {len(seizures) + 1} 项不属于本案", field="查封措施")
        _check_notifiable(seizure)
        seizures.append(seizure)
    applicants = case.applicants
    notice = SeizureNotice(
        case_id=case.id, status=NOTICE_WORKFLOW.initial,
        held_at=fields["held_at"] or clock.now(),
        place=fields["place"] or settings.get(session, "enforcement_bureau"),
        judge_name=fields["judge_name"] or case.officer.name,
        clerk_name=fields["clerk_name"] or case.clerk.name,
        party_name=fields["party_name"] or (applicants[0].name if applicants else ""),
        created_by_id=actor.id,
    )
    session.add(notice)
    session.flush()
    for seq, seizure in enumerate(seizures, 1):
        session.add(SeizureNoticeItem(
            notice_id=notice.id, seizure_id=seizure.id, seq=seq,
            target=f"{seizure.measure_label}：{seizure.description}",
            term_start=seizure.term_start, term_end=seizure.end_date,
        ))
    session.flush()
    session.refresh(notice)
    build_seizure_transcript(transcript_content(session, notice))  # refuses blanks before saving
    return notice


def _notified_on(notice: SeizureNotice, values: dict[str, Any]) -> dt.date:
    """The 告知日期 given, else the day of the transcript."""
    return values["notified_on"] or notice.held_at.date()


def _notify_guard(session: Session, actor: User, notice: SeizureNotice, values: dict[str, Any]) -> None:
    day = _notified_on(notice, values)
    validation.not_future(day, "告知日期")
    if day < notice.held_at.date():
        raise ValidationError(f"告知日期：不能早于笔录时间（{notice.held_at:%Y-%m-%d}）", field="告知日期")


def _notify_effect(session: Session, actor: User, notice: SeizureNotice, values: dict[str, Any]) -> None:
    day = _notified_on(notice, values)
    notice.notified_on = day
    for item in notice.items:
        seizure = session.get(Seizure, item.seizure_id)
        assert seizure is not None
        seizure.notified_on = day


NOTICE_WORKFLOW = Workflow(
    entity=NOTICE_KEY,
    states={"draft": "待告知", "notified": "已告知", "voided": "已作废"},
    initial="draft",
    transitions=(
        Transition("notify", "告知登记", src("draft"), "notified", lambda a, n: a.has(ENFORCEMENT), "执行干警",
                   guard=_notify_guard, effect=_notify_effect, fields=NOTIFY_FIELDS),
        Transition("void", "作废", src("draft"), "voided", lambda a, n: a.has(ENFORCEMENT), "执行干警",
                   comment_required=True),
    ),
)


def _title_of(session: Session, name: str, known: tuple[User, ...], fallback: str) -> str:
    """The post of the person named ``name`` in a transcript: the case's officer or clerk first, else
    the one active user of that name; ``fallback`` when there is none or the title is no post."""
    person = next((u for u in known if u.name == name), None)
    if person is None:
        found = list(session.scalars(select(User).where(User.name == name, User.active.is_(True)).limit(2)))
        person = found[0] if len(found) == 1 else None
    return post_title(person.title if person is not None else "", fallback)


def transcript_content(session: Session, notice: SeizureNotice) -> SeizureTranscriptContent:
    case = notice.case
    known = (case.officer, case.clerk)
    return SeizureTranscriptContent(
        judge_title=_title_of(session, notice.judge_name, known, "执行员"),
        clerk_title=_title_of(session, notice.clerk_name, known[::-1], "书记员"),
        date_style=settings.date_style(session),
        court_name=settings.get(session, "court_name"),
        case_number=case.number,
        held_at=notice.held_at,
        place=notice.place,
        judge=notice.judge_name,
        clerk=notice.clerk_name,
        party=notice.party_name,
        case_words=f"{case.respondent_names}{case.cause}",
        items=tuple(TranscriptItem(i.target, i.term_start, i.term_end) for i in notice.items),
    )


def _load_notice(session: Session, notice_id: Any) -> SeizureNotice:
    return load_or_refuse(session, SeizureNotice, notice_id, "查封措施告知笔录", "该笔录不存在")


def build_transcript(session: Session, notice_id: int) -> Document:
    return build_seizure_transcript(transcript_content(session, _load_notice(session, notice_id)))


TRANSCRIPT_DOCUMENT = DocumentKind(
    DOCUMENT_KIND, "查封措施告知笔录",
    ids=lambda: select(SeizureNotice.id).where(SeizureNotice.status != "voided"),
    build=build_transcript,
    missing="该告知笔录已作废，不能再预览和打印",
)


# --- the 生成告知笔录 command of the seizure register ----------------------------------------------

def notice_selection(session: Session, seizure_ids: Sequence[int]) -> tuple[EnforcementCase, list[Seizure]]:
    """The case of the selected seizures and the seizures in order; refuses rows of several cases and
    measures no longer in force."""
    ids = [int(i) for i in seizure_ids]
    if not ids:
        raise ValidationError("查封措施：至少选择一项查封、扣押、冻结", field="查封措施")
    found = {x.id: x for x in session.scalars(select(Seizure).where(Seizure.id.in_(ids))).unique()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError("查封措施：所选的查封登记不存在", field="查封措施")
    seizures = [found[i] for i in ids]
    case_ids = list(dict.fromkeys(x.case_id for x in seizures))
    if len(case_ids) > 1:
        numbers = "、".join(load_case(session, c).number for c in case_ids)
        raise ValidationError(f"查封措施：一份告知笔录只告知一个案件的措施，所选各项涉及 {len(case_ids)} 个案件"
                              f"（{numbers}）", field="查封措施")
    for seizure in seizures:
        _check_notifiable(seizure)
    case = load_case(session, case_ids[0])
    check_case_open(case, "制作告知笔录")
    return case, seizures


def _notice_fields(session: Session, actor: User, seizure_ids: list[int]) -> tuple[FormField, ...]:
    case, _ = notice_selection(session, seizure_ids)
    applicants = case.applicants
    defaults = {
        "held_at": clock.now(),
        "place": settings.get(session, "enforcement_bureau"),
        "judge_name": case.officer.name,
        "clerk_name": case.clerk.name,
        "party_name": applicants[0].name if applicants else "",
    }
    return tuple(replace(f, default=defaults.get(f.key, f.default)) for f in NOTICE_FIELDS)


def _notice_intro(session: Session, actor: User, seizure_ids: list[int]) -> str:
    case, seizures = notice_selection(session, seizure_ids)
    lines = [f"{i}. {x.measure_label}：{x.description}（{x.term_start:%Y-%m-%d} 至 {x.end_date:%Y-%m-%d}）"
             for i, x in enumerate(seizures, 1)]
    return f"为 {case.number} 生成查封措施告知笔录，告知以下 {len(seizures)} 项：\n" + "\n".join(lines)


def _notice_run(db: Database, actor: User, seizure_ids: list[int], data: dict[str, Any], progress: Any,
                cancel: Any) -> CommandResult:
    with db.read() as s:
        case, _ = notice_selection(s, seizure_ids)
        case_id = case.id
    notice = SeizureService(db).create_notice(actor, case_id, seizure_ids, data)
    return CommandResult(
        f"已生成查封措施告知笔录（{len(seizure_ids)} 项）。打印后由当事人核对签字，"
        "再在「查封措施告知笔录」中办理告知登记",
        document=(DOCUMENT_KIND, notice.id), record_ids=(notice.id,))


NOTICE_COMMAND = Command(
    key="notice",
    label="生成告知笔录",
    may=lambda actor: actor.has(ENFORCEMENT),
    who="执行干警",
    selection="many",
    fields=_notice_fields,
    run=_notice_run,
    intro=_notice_intro,
    ok_text="生成并预览",
    applies=lambda actor: in_force_clause(),
    help="把选中的同一案件在控的查封、扣押、冻结写入一份查封措施告知笔录（按住 Ctrl 或 Shift 多选）",
)


# --- service -------------------------------------------------------------------------------------

def _load(session: Session, seizure_id: Any) -> Seizure:
    return load_or_refuse(session, Seizure, seizure_id, "查封登记")


class SeizureService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, actor: User, data: dict[str, Any]) -> Seizure:
        with self.db.write(actor) as s:
            return add_seizure_in(s, actor, data)

    def act(self, actor: User, seizure_id: int, action: str, comment: str = "", **params: Any) -> Seizure:
        with self.db.write(actor) as s:
            seizure = _load(s, seizure_id)
            SEIZURE_WORKFLOW.fire(s, actor, seizure, action, comment, **params)
            return seizure

    def renew(self, actor: User, seizure_id: int, *, new_end: dt.date | str, renewed_on: dt.date | str | None = None,
              ruling_number: str = "", comment: str = "") -> Seizure:
        params: dict[str, Any] = {"new_end": new_end, "ruling_number": ruling_number}
        action = "renew"
        if renewed_on is not None:
            params["renewed_on"] = renewed_on
            with self.db.read() as s:
                end = s.scalar(select(Seizure.end_date).where(Seizure.id == seizure_id))
            if end is not None and end < clock.today():
                action = "renew_late"  # made in time, entered after the last day
        return self.act(actor, seizure_id, action, comment, **params)

    def release(self, actor: User, seizure_id: int, *, released_on: dt.date | str | None = None,
                reason: str, comment: str = "") -> Seizure:
        params: dict[str, Any] = {"release_reason": reason}
        if released_on is not None:
            params["released_on"] = released_on
        return self.act(actor, seizure_id, "release", comment, **params)

    def create_notice(self, actor: User, case_id: int, seizure_ids: Sequence[int],
                      data: dict[str, Any] | None = None) -> SeizureNotice:
        with self.db.write(actor) as s:
            return create_notice_in(s, actor, case_id, seizure_ids, data)

    def notice_act(self, actor: User, notice_id: int, action: str, comment: str = "", **params: Any) -> SeizureNotice:
        with self.db.write(actor) as s:
            notice = _load_notice(s, notice_id)
            NOTICE_WORKFLOW.fire(s, actor, notice, action, comment, **params)
            return notice

    def record_notified(self, actor: User, notice_id: int, notified_on: dt.date | str | None = None) -> SeizureNotice:
        """The applicant was told (and signed): store the date on the transcript and on each seizure."""
        return self.notice_act(actor, notice_id, "notify", notified_on=notified_on)

    @staticmethod
    def get(session: Session, seizure_id: int) -> Seizure:
        return _load(session, seizure_id)

    @staticmethod
    def get_notice(session: Session, notice_id: int) -> SeizureNotice:
        return _load_notice(session, notice_id)


# --- radar ---------------------------------------------------------------------------------------

def within_clause(days: int, today: dt.date | None = None) -> Any:
    """In force, last day between today and today + ``days`` (both included)."""
    today = today or clock.today()
    return and_(Seizure.status == "active", Seizure.end_date >= today,
                Seizure.end_date <= today + dt.timedelta(days=days))


def expired_clause(today: dt.date | None = None) -> Any:
    """Still registered as in force although the last day has passed (no renewal, release or lapse)."""
    return and_(Seizure.status == "active", Seizure.end_date < (today or clock.today()))


#: 状态 as read today, from the dates (issue: an expired freeze must not say 在控).
EXPIRED = "已到期未续行"
URGENT = f"急（≤{rules.RENEWAL_NOTICE_DAYS} 天）"
SOON = f"将到期（≤{rules.RADAR_DAYS} 天）"
STATUS_TONES = {EXPIRED: "overdue", URGENT: "urgent", SOON: "soon"}


def live_status(today: dt.date) -> Any:
    """The seizure's status as of ``today``: 已解除 / 期满失效 as recorded; otherwise from its last
    day — 已到期未续行 once passed, 急 within the renewal-notice days, 将到期 within the radar's days
    (the same limits as the 15/30-day filters and the dashboard), else 已续行 or 在控."""
    return case(
        (Seizure.status == "released", "已解除"),
        (Seizure.status == "lapsed", "期满失效"),
        (Seizure.end_date < today, EXPIRED),
        (Seizure.end_date <= today + dt.timedelta(days=rules.RENEWAL_NOTICE_DAYS), URGENT),
        (Seizure.end_date <= today + dt.timedelta(days=rules.RADAR_DAYS), SOON),
        (Seizure.renewals > 0, "已续行"),
        else_="在控",
    )


#: 剩余天数: the last day while in force (shown as days from today), blank once released or lapsed.
_DAYS_LEFT = case((Seizure.status == "active", Seizure.end_date))
#: 被执行人: the party the measure names, else the case's respondents.
_OWNER_NAME = func.coalesce(_Owner.name, func.nullif(EnforcementCase.respondent_names, ""))


@dataclass(frozen=True)
class Radar:
    within_30: list[Seizure]
    within_15: list[Seizure]
    expired: list[Seizure]


def radar(session: Session, actor: User | None = None, today: dt.date | None = None) -> Radar:
    """The three lists of the expiry radar (for the actor's cases unless the actor heads the bureau)."""
    scope = dashboard_scope(actor) if actor is not None else None

    def rows(where: Any) -> list[Seizure]:
        stmt = select(Seizure).join(EnforcementCase, EnforcementCase.id == Seizure.case_id).where(where)
        if scope is not None:
            stmt = stmt.where(scope)
        return list(session.scalars(stmt.order_by(Seizure.end_date, Seizure.id)).unique())

    return Radar(rows(within_clause(rules.RADAR_DAYS, today)), rows(within_clause(rules.RENEWAL_NOTICE_DAYS, today)),
                 rows(expired_clause(today)))


def days_left(seizure: Seizure, today: dt.date | None = None) -> int:
    return (seizure.end_date - (today or clock.today())).days


def _count(session: Session, where: Any) -> int:
    stmt = select(func.count()).select_from(Seizure).join(EnforcementCase, EnforcementCase.id == Seizure.case_id)
    return int(session.scalar(stmt.where(where)) or 0)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(ENFORCEMENT):
        return []
    scope = dashboard_scope(actor)
    prefix = "" if is_bureau_head(actor) else "my_"
    return [
        DashboardItem("已到期未续行也未解除的查封、扣押、冻结", _count(session, and_(expired_clause(), scope)),
                      REGISTER_KEY, f"{prefix}expired", True),
        DashboardItem("15 天内到期的查封、扣押、冻结（应提示申请续行）",
                      _count(session, and_(within_clause(rules.RENEWAL_NOTICE_DAYS), scope)),
                      REGISTER_KEY, f"{prefix}within_15", True),
        DashboardItem("30 天内到期的查封、扣押、冻结", _count(session, and_(within_clause(rules.RADAR_DAYS), scope)),
                      REGISTER_KEY, f"{prefix}within_30", False),
    ]


# --- registers -----------------------------------------------------------------------------------

_MEASURE_LABEL = case(MEASURES, value=Seizure.measure, else_=Seizure.measure)
_TYPE_LABEL = case(PROPERTY_TYPES, value=Seizure.property_type, else_=Seizure.property_type)


def _mine(where: Any) -> Any:
    return lambda a: and_(where(), my_cases(a))


SEIZURE_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="查封、扣押、冻结登记簿",
    model=Seizure,
    columns=(
        # What needs the officer first, so it stays on screen at 1366 px: whose, what, until when,
        # how many days are left and the status as of today.
        Column("case", "案号", EnforcementCase.number, 16),
        Column("owner", "被执行人", _OWNER_NAME, 10),
        Column("measure", "措施", _MEASURE_LABEL, 5),
        Column("description", "查封标的", Seizure.description, 24),
        Column("end_date", "截止日期", Seizure.end_date, 10, "date"),
        Column("days_left", "剩余天数", _DAYS_LEFT, 6, "days"),
        Column("status", "状态", Seizure.status, 10, "status", live=live_status, tone=STATUS_TONES.get),
        Column("start_date", "开始日期", Seizure.start_date, 10, "date"),
        Column("renewals", "续行次数", Seizure.renewals, 6, "int"),
        Column("notified_on", "告知日期", Seizure.notified_on, 10, "date"),
        Column("released_on", "解除日期", Seizure.released_on, 10, "date"),
        Column("property_type", "财产类型", _TYPE_LABEL, 8),
    ),
    live_status="status",
    base=_base,
    search=(EnforcementCase.number, Seizure.description, _Owner.name, Seizure.ruling_number,
            EnforcementCase.respondent_names),
    date_expr=Seizure.start_date,
    default_sort=("end_date", False),
    workflow=SEIZURE_WORKFLOW,
    filters=(
        Filter("within_15", "15 天内到期", lambda a: within_clause(rules.RENEWAL_NOTICE_DAYS)),
        Filter("within_30", "30 天内到期", lambda a: within_clause(rules.RADAR_DAYS)),
        Filter("expired", EXPIRED, lambda a: expired_clause()),
        Filter("my_within_15", "我的 15 天内到期", _mine(lambda: within_clause(rules.RENEWAL_NOTICE_DAYS))),
        Filter("my_within_30", "我的 30 天内到期", _mine(lambda: within_clause(rules.RADAR_DAYS))),
        Filter("my_expired", f"我的{EXPIRED}", _mine(expired_clause)),
        Filter("active", "在控（未到期）", lambda a: in_force_clause()),
        Filter("not_notified", "在控未告知", lambda a: and_(Seizure.status == "active", Seizure.notified_on.is_(None))),
        Filter("renewed", "已续行", lambda a: Seizure.renewals > 0),
        Filter("released", "已解除", lambda a: Seizure.status == "released"),
        Filter("lapsed", "期满失效", lambda a: Seizure.status == "lapsed"),
        Filter("mine", "我承办案件的", my_cases),
    ),
    visible_to=VISIBLE_TO,
    form=SEIZURE_FIELDS,
    create=lambda db, actor, data: SeizureService(db).add(actor, data),
    create_label="登记查封、扣押、冻结",
    may_create=lambda a: a.has(ENFORCEMENT),
    create_who="执行干警",
    dashboard=_dashboard,
    act=service_act(SeizureService),
    commands=(NOTICE_COMMAND,),
)

_ITEM_COUNT = (select(func.count(SeizureNoticeItem.id)).where(SeizureNoticeItem.notice_id == SeizureNotice.id)
               .correlate(SeizureNotice).scalar_subquery())

NOTICE_REGISTER = RegisterSpec(
    key=NOTICE_KEY,
    title="查封措施告知笔录",
    model=SeizureNotice,
    columns=(
        Column("case", "案号", EnforcementCase.number, 16),
        Column("held_at", "时间", SeizureNotice.held_at, 13, "datetime"),
        Column("party", "当事人", SeizureNotice.party_name, 16),
        Column("judge", "承办人", SeizureNotice.judge_name, 8),
        Column("clerk", "书记员", SeizureNotice.clerk_name, 8),
        Column("items", "告知项数", _ITEM_COUNT, 6, "int"),
        Column("notified_on", "告知日期", SeizureNotice.notified_on, 10, "date"),
        Column("status", "状态", SeizureNotice.status, 8, "status"),
        # 已作废 says why: the 作废 step's reason (comment_required)
        Column("void_reason", "作废原因", NOTICE_WORKFLOW.step_comment("voided", SeizureNotice.id), 14),
    ),
    base=lambda: select(SeizureNotice.id).select_from(SeizureNotice).join(
        EnforcementCase, EnforcementCase.id == SeizureNotice.case_id),
    search=(EnforcementCase.number, SeizureNotice.party_name, EnforcementCase.respondent_names),
    date_expr=SeizureNotice.held_at,
    default_sort=("held_at", True),
    workflow=NOTICE_WORKFLOW,
    filters=(
        Filter("draft", "待告知", lambda a: SeizureNotice.status == "draft"),
        Filter("notified", "已告知", lambda a: SeizureNotice.status == "notified"),
        Filter("mine", "我承办案件的", my_cases),
    ),
    visible_to=VISIBLE_TO,
    documents=(RegisterDocument(DOCUMENT_KIND),),
    act=service_act(SeizureService, "notice_act"),
)
