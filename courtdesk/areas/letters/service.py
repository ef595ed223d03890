"""Introduction letters (介绍信) — 保密工作制度 第二十条(2); SPEC §1.

Rules:
- 外出办案需要开具介绍信，应如实填写并由承办人签名: a staff member files the request (待开具) naming
  the handler (承办人) — himself or a colleague. A request filed for someone else waits until that
  handler confirms it (承办人签名确认); the handler also signs the printed stub by hand.
- 介绍信由办公室安排专人负责保管、开具: only the designated office clerk (roles.CLERK) issues, and
  not a letter of which she is the handler herself.
- The yearly number ``(2026)第0001号`` is taken when the clerk *issues* the letter, not when it is
  requested: the clerk tears the letters from the stub book in number order, so the register must
  follow the order of issue, and a request that is refused or withdrawn must not leave a gap. An
  issued letter that goes wrong is voided with its reason; its number stays in the register and is
  never used again.
- Issuing files the matching court-seal use (院印, 第二十条(1)) in the seal-use log, linked both
  ways (``seal_use_id`` here, ``source_entity``/``source_id`` there). It starts as 待审批 like every
  court-seal use: the court leader named on the request as 签发领导 approves it and the office head
  (the custodian) stamps the letter and the 骑缝 across the tear line — two impressions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.letters import document
from courtdesk.areas.letters.models import IntroductionLetter, IntroductionLetterBearer
from courtdesk.areas.seals import service as seals
from courtdesk.areas.seals.models import Seal
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, numbering, rules, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.editing import EditSpec, service_edit
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.people import ADMIN, User
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

RULE = "《保密工作制度》第二十条(2)"
REGISTER_KEY = "introduction_letter"
NUMBER_PATTERN = "({year})第{serial:04d}号"
MAX_VALIDITY_DAYS = 90
MAX_BEARERS = document.MAX_BEARERS
RECIPIENT_MAX_WIDTH = document.RECIPIENT_MAX_WIDTH
SIGNING_ROLES = seals.SIGNING_ROLES
ISSUING_ROLES = (roles.CLERK,)
KEEPING_ROLES = (roles.CLERK, roles.OFFICE_HEAD)
#: Seal impressions of one letter: the court's name on the letter and the 骑缝 across the tear line.
SEAL_IMPRESSIONS = 2


# --- checks --------------------------------------------------------------------------------------

#: One bearer (持信人) row of the form, the detail panel and the export.
BEARER_COLUMNS: tuple[FormField, ...] = (
    FormField("name", "姓名", "text", max_len=document.MAX_BEARER_NAME),
    FormField("title", "职务", "text", max_len=document.MAX_BEARER_TITLE,
              help="印在姓名前，如 审判员、执行员、书记员"),
    FormField("id_number", "身份证号码", "idnumber"),
)
BEARERS_FIELD = FormField(
    "bearers", "持信人", "lines", columns=BEARER_COLUMNS, minimum=1, maximum=MAX_BEARERS,
    help=f"每行一人，填写职务、姓名和身份证号码；一封介绍信 1–{MAX_BEARERS} 人",
)


def _bearer_label(i: int, what: str) -> str:
    column = next(c for c in BEARER_COLUMNS if c.label == what)
    return forms.line_label(BEARERS_FIELD, i, column)


def clean_bearers(data: dict[str, Any]) -> list[dict[str, str]]:
    """The bearers (``data["bearers"]``: the rows of the form's 持信人 table); blank rows are left out,
    a refusal names the row as the form shows it (「持信人第2行 身份证号码：…」)."""
    raw = data.get("bearers")
    if raw is not None and not isinstance(raw, list | tuple):
        raise ValidationError("持信人：应为若干行的列表", field="持信人")
    rows = list(raw or ())
    positions = [i for i, b in enumerate(rows, 1)
                 if not (isinstance(b, dict) and forms.line_is_blank(BEARERS_FIELD, b))]
    if not positions:
        raise ValidationError("持信人：至少填写一人（姓名、职务、身份证号码）", field="持信人")
    if len(positions) > MAX_BEARERS:
        raise ValidationError(
            f"持信人：一封介绍信最多 {MAX_BEARERS} 人（存根和正本须在一页内打印），人数更多请分开开具",
            field="持信人",
        )
    cleaned = forms.clean_lines(BEARERS_FIELD, rows)
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, b in zip(positions, cleaned, strict=True):
        id_label = _bearer_label(i, "身份证号码")
        if b["id_number"] in seen:
            raise ValidationError(f"{id_label}：与第{seen[b['id_number']]}行的号码相同，请核对", field=id_label)
        seen[b["id_number"]] = i
        out.append({"name": b["name"], "title": b["title"], "id_number": b["id_number"]})
    return out


def clean_recipient(value: Any) -> str:
    recipient = validation.text(value, "收件单位", max_len=60)
    width = document.text_width(recipient)
    if width > RECIPIENT_MAX_WIDTH:
        raise ValidationError(
            f"收件单位：介绍信抬头「收件单位：」只能打印一行，最多 {RECIPIENT_MAX_WIDTH} 个汉字宽"
            f"（现为 {width:g} 个字宽），请填写单位的规范简称",
            field="收件单位",
        )
    return recipient


def clean_validity(value: Any) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError("有效期：必填，请填写天数（1–90 天）", field="有效期")
    days = validation.integer(value, "有效期")
    if days < 1:
        raise ValidationError("有效期：至少 1 天", field="有效期")
    if days > MAX_VALIDITY_DAYS:
        raise ValidationError(f"有效期：不能超过 {MAX_VALIDITY_DAYS} 天", field="有效期")
    return days


def _active_user(session: Session, user_id: Any, label: str) -> User:
    try:
        user = session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None or not user.active:
        raise ValidationError(f"{label}：所选人员不存在或已停用", field=label)
    return user


def court_seal(session: Session) -> Seal:
    seal = session.scalar(select(Seal).where(Seal.kind == "court", Seal.active.is_(True)).order_by(Seal.id))
    if seal is None:
        raise ValidationError("印章：本院尚未登记院印，不能开具介绍信；请系统管理员先在印章管理中登记院印",
                              field="印章")
    return seal


# --- workflow ------------------------------------------------------------------------------------

def _sign_refusal(session: Session, actor: User, letter: IntroductionLetter) -> None:
    """Why 承办人签名确认 is not for ``actor``: the handler has confirmed already (the step is then not
    offered at all), else the general 「只有承办人本人…」."""
    if letter.handler_id == actor.id and letter.handler_signed_at is not None:
        raise DomainError("承办人签名：本介绍信申请已经签名确认", field="承办人签名")


def _sign_effect(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    letter.handler_signed_at = clock.now()


def _issue_guard(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    if letter.handler_signed_at is None:
        raise ValidationError(
            f"承办人签名：承办人{letter.handler.name}尚未签名确认本申请，不能开具", field="承办人签名", rule=RULE
        )
    court_seal(session)  # refuses before a number is taken


def _issue_effect(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    now = clock.now()
    numbering.assign(session, letter, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=now.year)
    letter.issuer_id = actor.id
    letter.issued_at = now
    letter.valid_until = now.date() + dt.timedelta(days=letter.validity_days - 1)
    seal = court_seal(session)
    use = seals.file_use_in(
        session,
        actor,
        {
            "seal_id": seal.id,
            "title": f"介绍信{letter.number}（致{letter.recipient}）",
            "copies": 1,
            "impressions": SEAL_IMPRESSIONS,
            "purpose": f"外出办案：{letter.purpose}"[:100],
            "department_id": letter.department_id,
            "signer_name": letter.signer.name,
            "remarks": "开具介绍信时自动登记：正本落款用印 1 次、存根与正本骑缝用印 1 次",
        },
        source_entity=REGISTER_KEY,
        source_id=letter.id,
    )
    letter.seal_use_id = use.id


def _finish_effect(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    letter.finished_at = clock.now()


def _refuse_effect(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    letter.void_reason = params["comment"]


def _void_effect(session: Session, actor: User, letter: IntroductionLetter, params: dict[str, Any]) -> None:
    letter.void_reason = params["comment"]
    use = letter.seal_use
    if use is not None and use.status in ("submitted", "approved"):
        # not stamped yet: the seal use is void with the letter (a stamped one stays as it was used)
        seals.SEAL_USE_WORKFLOW.fire(session, actor, use, "void", f"介绍信{letter.number}作废：{params['comment']}")


# Who may take each step, written once (rules.Rule): the same definitions decide a letter's buttons
# and fill the 待开具 / 待我签名确认 / 我承办或申请的 lists and the dashboard.
_letters = rules.over(lambda: select(IntroductionLetter.id))


@_letters
def _unsigned_handler(actor: User) -> Any:
    """The handler, while he has not confirmed the request (承办人签名确认 is offered once)."""
    return and_(IntroductionLetter.handler_id == actor.id, IntroductionLetter.handler_signed_at.is_(None))


@_letters
def _is_party(actor: User) -> Any:
    """The handler (承办人) or whoever filed the request."""
    return or_(IntroductionLetter.handler_id == actor.id, IntroductionLetter.filer_id == actor.id)


@_letters
def _issuer(actor: User) -> bool:
    return actor.has(*ISSUING_ROLES)


@_letters
def _keeper(actor: User) -> bool:
    return actor.has(*KEEPING_ROLES)


@_letters
def _party_or_keeper(actor: User) -> Any:
    return or_(_is_party.sql(actor), _keeper.sql(actor))


LETTER_WORKFLOW = Workflow(
    entity=REGISTER_KEY,
    states={
        "requested": "待开具",
        "issued": "已开具",
        "used": "已使用",
        "returned": "已交回",
        "voided": "已作废",
        "refused": "不予开具",
        "withdrawn": "已撤回",
    },
    initial="requested",
    transitions=(
        Transition("sign", "承办人签名确认", src("requested"), "requested",
                   _unsigned_handler, "承办人本人", refusal=_sign_refusal, effect=_sign_effect,
                   rule=RULE),
        Transition("issue", "开具", src("requested"), "issued", _issuer,
                   "办公室负责开具介绍信的文员", guard=_issue_guard, effect=_issue_effect,
                   separations=(Separation("handler_id", "不能为自己承办的介绍信开具，请由其他文员开具（职责分离）"),),
                   rule=RULE),
        Transition("refuse", "不予开具", src("requested"), "refused", _issuer,
                   "办公室负责开具介绍信的文员", effect=_refuse_effect, comment_required=True, rule=RULE),
        Transition("withdraw", "撤回", src("requested"), "withdrawn", _is_party, "申请人或承办人本人"),
        Transition("mark_used", "登记已使用", src("issued"), "used",
                   _party_or_keeper, "承办人、申请人或办公室人员",
                   effect=_finish_effect),
        Transition("return", "交回登记", src("issued"), "returned", _keeper, "办公室文员或办公室负责人",
                   effect=_finish_effect, rule=RULE),
        Transition("void", "作废", src("issued"), "voided", _keeper, "办公室文员或办公室负责人",
                   effect=_void_effect, comment_required=True),
    ),
)


# --- filing --------------------------------------------------------------------------------------

def _user_choices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [(u.id, f"{u.name}（{u.department_name}）") for u in users]


def _signer_choices(session: Session, actor: Any) -> list[tuple[Any, str]]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [(u.id, f"{u.name}（{u.title or '院领导'}）") for u in users if u.has(*SIGNING_ROLES)]


FILE_FIELDS: tuple[FormField, ...] = (
    FormField("recipient", "收件单位", "text", max_len=RECIPIENT_MAX_WIDTH,
              help=f"介绍信抬头，一行最多 {RECIPIENT_MAX_WIDTH} 个汉字"),
    BEARERS_FIELD,
    FormField("purpose", "事由", "text", max_len=document.MAX_PURPOSE,
              help="如实填写，例如：查询被执行人银行存款"),
    # no minimum/maximum here: the form's spin box would silently clamp 0 or 91; clean_validity
    # refuses them with a message under the field instead
    FormField("validity_days", "有效期", "int", default=7, help="天数，1–90 天，自开具之日起算"),
    FormField("handler_id", "承办人", "choice", required=False, choices=_user_choices,
              help="默认为填写人本人；选他人时须由其签名确认"),
    FormField("signer_id", "签发领导", "choice", choices=_signer_choices,
              help="在院印用印上签发的院领导（有权签发人员）"),
    FormField("remarks", "备注", "multiline", required=False, max_len=500),
)


def _check_fits(bearers: list[dict[str, str]], recipient: str, purpose: str) -> None:
    """Refuse a letter whose stub and letter would not print on one A4 sheet."""
    lines = document.text_lines(
        tuple(document.Bearer(b["title"], b["name"], b["id_number"]) for b in bearers), recipient, purpose)
    if lines > document.TEXT_LINES_BUDGET:
        raise ValidationError(
            f"事由：连同{len(bearers)}名持信人的职务、姓名和身份证号码，存根和正本在一张 A4 纸上打印不下"
            f"（约需 {lines} 行，最多 {document.TEXT_LINES_BUDGET} 行），请缩短事由或职务，或分两封开具",
            field="事由",
        )


# --- 修改 while the request waits (待开具) ------------------------------------------------------------

def _edit_fields() -> tuple[FormField, ...]:
    by_key = {f.key: f for f in FILE_FIELDS}
    return tuple(by_key[k] for k in ("recipient", "purpose", "validity_days", "remarks"))


def _edit_update(session: Session, actor: User, letter: IntroductionLetter, values: dict[str, Any]) -> None:
    """The filing rules again; a change by anyone but the handler needs the handler's confirmation again
    (the handler signs what will be printed)."""
    recipient = clean_recipient(values["recipient"])
    purpose = values["purpose"]
    bearers = [{"name": b.name, "title": b.title, "id_number": b.id_number} for b in letter.bearers]
    _check_fits(bearers, recipient, purpose)
    validity = clean_validity(values["validity_days"])
    changed = (recipient, purpose, validity) != (letter.recipient, letter.purpose, letter.validity_days)
    letter.recipient, letter.purpose, letter.validity_days = recipient, purpose, validity
    letter.remarks = values["remarks"]
    if changed and actor.id != letter.handler_id:
        letter.handler_signed_at = None


def file_letter_in(session: Session, actor: User, data: dict[str, Any]) -> IntroductionLetter:
    """File a letter request (待开具) inside the caller's unit of work."""
    if actor is None or not actor.active:
        raise DomainError("操作人：请先登录", field="操作人")
    recipient = clean_recipient(data.get("recipient"))
    bearers = clean_bearers(data)
    purpose = validation.text(data.get("purpose"), "事由", max_len=document.MAX_PURPOSE)
    _check_fits(bearers, recipient, purpose)
    validity = clean_validity(data.get("validity_days", 7))
    remarks = validation.text(data.get("remarks"), "备注", max_len=500, required=False, multiline=True)
    handler_raw = data.get("handler_id")
    handler = actor if handler_raw in (None, "") else _active_user(session, handler_raw, "承办人")
    if data.get("signer_id") in (None, ""):
        raise ValidationError("签发领导：请选择在院印用印上签发的院领导", field="签发领导")
    signer = _active_user(session, data.get("signer_id"), "签发领导")
    if not signer.has(*SIGNING_ROLES):
        raise ValidationError(f"签发领导：{signer.name}不是有权签发院印的院领导，请选择院长或副院长",
                              field="签发领导", rule=seals.RULE)
    now = clock.now()
    letter = IntroductionLetter(
        status=LETTER_WORKFLOW.initial,
        recipient=recipient,
        purpose=purpose,
        validity_days=validity,
        bearer_names="、".join(b["name"] for b in bearers),
        bearer_count=len(bearers),
        filer_id=actor.id,
        handler_id=handler.id,
        handler_signed_at=now if handler.id == actor.id else None,
        department_id=handler.department_id,
        signer_id=signer.id,
        requested_at=now,
        remarks=remarks,
        bearers=[IntroductionLetterBearer(position=i, **b) for i, b in enumerate(bearers, 1)],
    )
    session.add(letter)
    session.flush()
    return letter


#: 修改: the filer or the handler corrects the request while it waits to be issued (待开具); the
#: number is taken only on issue, so nothing printed or numbered changes.
LETTER_EDIT = EditSpec(
    fields=_edit_fields(),
    states=src("requested"),
    may=_is_party,
    who="申请人或承办人本人",
    save=service_edit(lambda db: LetterService(db)),
    update=_edit_update,
    workflow=LETTER_WORKFLOW,
)


class LetterService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def file(self, actor: User, data: dict[str, Any]) -> IntroductionLetter:
        with self.db.write(actor) as s:
            return file_letter_in(s, actor, data)

    def edit(self, actor: User, letter_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None = None) -> IntroductionLetter:
        """修改 a request still waiting to be issued (the filer or the handler; ``reason`` is audited)."""
        with self.db.write(actor) as s:
            letter = self._load(s, letter_id)
            LETTER_EDIT.apply(s, actor, letter, data, reason, expected_version)
            _ = letter.bearers, letter.seal_use  # loaded for use after the unit of work
            return letter

    def act(self, actor: User, letter_id: int, action: str, comment: str = "", **params: Any) -> IntroductionLetter:
        with self.db.write(actor) as s:
            letter = self._load(s, letter_id)
            LETTER_WORKFLOW.fire(s, actor, letter, action, comment, **params)
            _ = letter.bearers, letter.seal_use  # loaded for use after the unit of work
            return letter

    @staticmethod
    def _load(session: Session, letter_id: int) -> IntroductionLetter:
        return load_or_refuse(session, IntroductionLetter, letter_id, "介绍信", "该介绍信不存在")

    def get(self, session: Session, letter_id: int) -> IntroductionLetter:
        return self._load(session, letter_id)


# --- register ------------------------------------------------------------------------------------

_Handler = aliased(User)
_Issuer = aliased(User)
_Signer = aliased(User)
OFFICE_WIDE = (roles.CLERK, roles.OFFICE_HEAD, roles.LEADER, roles.PRESIDENT, ADMIN)


def _base() -> Any:
    return (
        select(IntroductionLetter.id)
        .select_from(IntroductionLetter)
        .join(_Handler, _Handler.id == IntroductionLetter.handler_id)
        .outerjoin(_Issuer, _Issuer.id == IntroductionLetter.issuer_id)
        .outerjoin(_Signer, _Signer.id == IntroductionLetter.signer_id)
    )


def _scope(actor: User) -> Any:
    """The office and court leaders see the whole register; others their department's and their own."""
    if actor.has(*OFFICE_WIDE):
        return None
    ors = [IntroductionLetter.filer_id == actor.id, IntroductionLetter.handler_id == actor.id]
    if actor.department_id:
        ors.append(IntroductionLetter.department_id == actor.department_id)
    return or_(*ors)


def _to_issue(actor: User) -> Any:
    """The requests the actor may issue now (the handler has signed)."""
    return and_(LETTER_WORKFLOW.available_where("issue")(actor), IntroductionLetter.handler_signed_at.is_not(None))


def _to_sign(actor: User) -> Any:
    """The requests that wait for the actor's signature as handler."""
    return and_(LETTER_WORKFLOW.available_where("sign")(actor), IntroductionLetter.handler_signed_at.is_(None))


#: 状态 as read today (the words of the filter; the dashboard's 已过有效期未登记使用或交回): an issued
#: letter past its 有效期 that is still out. Derived where the register is read, never stored.
EXPIRED = "已过有效期未交回"


def expired_clause(today: dt.date | None = None) -> Any:
    """Issued, past the validity, and neither registered as used nor returned."""
    return and_(IntroductionLetter.status == "issued", IntroductionLetter.valid_until < (today or clock.today()))


def live_status(today: dt.date) -> Any:
    """The letter's status as of ``today``: 已过有效期未交回 once the last valid day has passed while it
    is still out, else its state (已开具 …)."""
    return case((expired_clause(today), EXPIRED), else_=IntroductionLetter.status)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(IntroductionLetter).where(where)) or 0)

    def listed(filter_key: str) -> int:
        """The length of the register's list behind the card."""
        return RegisterQuery(LETTER_REGISTER, filter_key=filter_key).count(session, actor)

    items = [
        DashboardItem("待我签名确认的介绍信申请", listed("to_sign"), REGISTER_KEY, "to_sign", True),
        DashboardItem("待开具的介绍信", listed("to_issue"), REGISTER_KEY, "to_issue", True),
    ]
    expired = and_(expired_clause(), _party_or_keeper.sql(actor))
    items.append(DashboardItem("已过有效期未登记使用或交回的介绍信", count(expired), REGISTER_KEY, "expired", True))
    return items


def _bearer_rows(session: Session, letter_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = {i: [] for i in letter_ids}
    for start in range(0, len(letter_ids), 500):
        chunk = letter_ids[start:start + 500]
        stmt = (select(IntroductionLetterBearer)
                .where(IntroductionLetterBearer.letter_id.in_(chunk))
                .order_by(IntroductionLetterBearer.letter_id, IntroductionLetterBearer.position))
        for b in session.scalars(stmt):
            rows[b.letter_id].append({"name": b.name, "title": b.title, "id_number": b.id_number})
    return rows


BEARER_LINES = LinesSpec(
    "bearers", "持信人", BEARER_COLUMNS,
    load=lambda session, letter_id: _bearer_rows(session, [letter_id])[letter_id],
    load_many=_bearer_rows,
)


LETTER_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="介绍信登记簿",
    model=IntroductionLetter,
    columns=(
        # 状态 before the particulars, so it stays on screen at 1366 px.
        Column("number", "编号", IntroductionLetter.number, 14),
        Column("issued_at", "开具日期", IntroductionLetter.issued_at, 10, "date"),
        Column("recipient", "收件单位", IntroductionLetter.recipient, 18),
        Column("bearers", "持信人", IntroductionLetter.bearer_names, 12),
        Column("purpose", "事由", IntroductionLetter.purpose, 18),
        Column("status", "状态", IntroductionLetter.status, 8, "status", live=live_status,
               tone={EXPIRED: "overdue"}.get),
        Column("handler", "承办人", _Handler.name, 8),
        Column("signer", "签发领导", _Signer.name, 8),
        Column("bearer_count", "人数", IntroductionLetter.bearer_count, 5, "int"),
        Column("validity_days", "有效期（天）", IntroductionLetter.validity_days, 7, "int"),
        Column("issuer", "开具人", _Issuer.name, 8),
        Column("void_reason", "作废原因", IntroductionLetter.void_reason, 16),
    ),
    base=_base,
    search=(IntroductionLetter.number, IntroductionLetter.recipient, IntroductionLetter.bearer_names,
            IntroductionLetter.purpose, _Handler.name),
    date_expr=func.coalesce(IntroductionLetter.issued_at, IntroductionLetter.requested_at),
    default_sort=("id", True),
    workflow=LETTER_WORKFLOW,
    filters=(
        Filter("to_issue", "待开具", _to_issue),
        Filter("to_sign", "待我签名确认", _to_sign),
        Filter("mine", "我承办或申请的", _is_party.sql),
        Filter("issued", "已开具（在外）", lambda a: IntroductionLetter.status == "issued"),
        Filter("expired", EXPIRED, lambda a: expired_clause()),
        Filter("finished", "已使用或已交回", lambda a: IntroductionLetter.status.in_(["used", "returned"])),
        Filter("voided", "已作废", lambda a: IntroductionLetter.status == "voided"),
    ),
    scope=_scope,
    form=FILE_FIELDS,
    create=lambda db, actor, data: LetterService(db).file(actor, data),
    create_label="申请开具介绍信",
    dashboard=_dashboard,
    documents=(RegisterDocument(document.KIND),),
    act=service_act(LetterService),
    edit=LETTER_EDIT,
    lines=(BEARER_LINES,),
    live_status="status",
)
