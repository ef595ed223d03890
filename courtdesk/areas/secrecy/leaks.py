"""失泄密报告 (《保密工作制度》第三十八条、第三十九条).

- 登记: 保密办 (or a court leader) records an event from the time it was discovered (发现时间, required,
  never in the future); the 24 hours of 第三十八条 run from that time.
- 保密办 drafts the report (修改 while 待报告) with every item of 第三十九条 and submits it (提交院长签发:
  refused while any item is missing); the 院长 signs it (签发) — or sends it back; 保密办 records to whom
  it went and when (报送: the 同级保密行政管理部门 and the 上级法院主管部门, each with its time).
- The register's 剩余时间 says, as of now, 「剩余4小时」 or 「已超过24小时」 (SQL from 发现时间 and the clock);
  the dashboards of 保密办 and the 院长 carry the most urgent one.
- The report document (失泄密情况报告) has each 第三十九条 item as a heading.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from courtdesk.areas.secrecy.leak_models import SecretLeak
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, numbering, rules, settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_time
from courtdesk.kernel.documents.model import Document, Heading, Paragraph, SignatureLine, Spacer, Title
from courtdesk.kernel.editing import EditSpec, service_edit
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, User
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
from courtdesk.kernel.workflow import Transition, Workflow, src

BOOK = "《保密工作制度》"
RULE_REPORT = f"{BOOK}第三十八条"
RULE_CONTENT = f"{BOOK}第三十九条"
LEAK_KEY = "secrecy_leak"
LEAK_DOCUMENT_KIND = "secrecy_leak_report"
NUMBER_PATTERN = "({year})失泄密{serial:02d}号"
#: 第三十八条: within 24 hours of discovery.
LIMIT_MINUTES = 24 * 60
LEVELS = ("绝密", "机密", "秘密")
WIDE_ROLES = (roles.SECRECY, roles.LEADER, roles.PRESIDENT, ADMIN)
REPORTED = "已报告"
OVERDUE = "已超过24小时"

#: 第三十九条, item by item: (attribute, heading in the report and label of the field).
CONTENTS: tuple[tuple[str, str], ...] = (
    ("content", "被泄密国家秘密的内容"),
    ("level", "密级"),
    ("quantity", "数量及载体形式"),
    ("course", "泄密案件发生的经过"),
    ("culprit", "泄密责任人基本情况"),
    ("time_place", "泄密案件发生的时间、地点"),
    ("harm", "造成或者可能造成的危害"),
    ("remedies", "已经采取或拟采取的补救措施"),
)
_LABEL = dict(CONTENTS)


class minutes_between(FunctionElement[int]):  # noqa: N801 — used like a SQL function
    """``minutes_between(a, b)``: whole minutes from datetime ``a`` to datetime ``b`` in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (f"CAST(ROUND((julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}))"
            " * 1440) AS INTEGER)")


@compiles(minutes_between)
def _minutes_default(element: minutes_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (f"CAST(ROUND(EXTRACT(EPOCH FROM (CAST({compiler.process(b, **kw)} AS TIMESTAMP)"
            f" - CAST({compiler.process(a, **kw)} AS TIMESTAMP))) / 60) AS INTEGER)")


def remaining_words(minutes_left: int) -> str:
    """「剩余4小时」, 「剩余3小时30分」, 「剩余45分」 or 「已超过24小时」."""
    if minutes_left <= 0:
        return OVERDUE
    hours, minutes = divmod(minutes_left, 60)
    return "剩余" + (f"{hours}小时" if hours else "") + (f"{minutes}分" if minutes else "")


def minutes_left(discovered_at: dt.datetime, now: dt.datetime | None = None) -> int:
    return LIMIT_MINUTES - round(((now or clock.now()) - discovered_at).total_seconds() / 60)


# --- fields ----------------------------------------------------------------------------------------

def _levels(session: Session, actor: Any) -> list[tuple[Any, str]]:
    return [(v, v) for v in LEVELS]


CONTENT_FIELDS: tuple[FormField, ...] = (
    FormField("content", _LABEL["content"], "multiline", required=False, max_len=1000,
              help="只写明所涉事项的名称和范围，不在本系统中记录秘密本身"),
    FormField("level", _LABEL["level"], "choice", required=False, choices=_levels),
    FormField("quantity", _LABEL["quantity"], "text", required=False, max_len=100),
    FormField("course", _LABEL["course"], "multiline", required=False, max_len=1000),
    FormField("culprit", _LABEL["culprit"], "multiline", required=False, max_len=500,
              help="姓名、部门、职务、是否涉密人员等"),
    FormField("time_place", _LABEL["time_place"], "text", required=False, max_len=200),
    FormField("harm", _LABEL["harm"], "multiline", required=False, max_len=1000),
    FormField("remedies", _LABEL["remedies"], "multiline", required=False, max_len=1000),
)

LEAK_FIELDS: tuple[FormField, ...] = (
    FormField("discovered_at", "发现时间", "datetime", required=False,
              help="24小时报告时限从发现时起算（第三十八条）"),
    FormField("discoverer", "发现人", "text", max_len=50),
    *CONTENT_FIELDS,
)

SEND_FIELDS: tuple[FormField, ...] = (
    FormField("admin_body", "同级保密行政管理部门", "text", max_len=100, default="县国家保密局"),
    FormField("admin_sent_at", "报送保密行政管理部门时间", "datetime"),
    FormField("court_body", "上级法院主管部门", "text", max_len=100, default="中级人民法院保密委员会办公室"),
    FormField("court_sent_at", "报送上级法院主管部门时间", "datetime"),
)


# --- workflow --------------------------------------------------------------------------------------

def _base() -> Any:
    return select(SecretLeak.id).select_from(SecretLeak)


may_draft = rules.holding(_base, roles.SECRECY, name="may_draft_leak")
may_sign = rules.holding(_base, roles.PRESIDENT, name="may_sign_leak")


def missing_items(leak: SecretLeak) -> list[str]:
    """The 第三十九条 items the report does not say yet."""
    return [label for key, label in CONTENTS if not str(getattr(leak, key) or "").strip()]


def _complete_guard(session: Session, actor: User, leak: SecretLeak, values: dict[str, Any]) -> None:
    missing = missing_items(leak)
    if missing:
        raise ValidationError(f"{missing[0]}：报告内容应当包括{'、'.join(missing)}，请先修改补充",
                              field=missing[0], rule=RULE_CONTENT)


def _sign(session: Session, actor: User, leak: SecretLeak, values: dict[str, Any]) -> None:
    leak.signer_id = actor.id
    leak.signed_at = clock.now()


def _send_guard(session: Session, actor: User, leak: SecretLeak, values: dict[str, Any]) -> None:
    now = clock.now()
    for key in ("admin_sent_at", "court_sent_at"):
        label = next(f.label for f in SEND_FIELDS if f.key == key)
        when: dt.datetime = values[key]
        if when > now:
            raise ValidationError(f"{label}：不能晚于现在（{now:%Y-%m-%d %H:%M}）", field=label)
        if when < leak.discovered_at:
            raise ValidationError(f"{label}：不能早于发现时间（{leak.discovered_at:%Y-%m-%d %H:%M}）",
                                  field=label, rule=RULE_REPORT)
    _complete_guard(session, actor, leak, values)


def _send(session: Session, actor: User, leak: SecretLeak, values: dict[str, Any]) -> None:
    for key in ("admin_body", "admin_sent_at", "court_body", "court_sent_at"):
        setattr(leak, key, values[key])
    late = [body for body, at in ((leak.admin_body, leak.admin_sent_at), (leak.court_body, leak.court_sent_at))
            if at is not None and minutes_left(leak.discovered_at, at) < 0]
    said = (f"{leak.admin_sent_at:%Y-%m-%d %H:%M}报{leak.admin_body}，"
            f"{leak.court_sent_at:%Y-%m-%d %H:%M}报{leak.court_body}")
    if late:
        said += f"（报{'、'.join(late)}已超过发现后24小时）"
    values["comment"] = f"{said}；{values['comment']}" if values["comment"] else said


LEAK_WORKFLOW = Workflow(
    entity=LEAK_KEY,
    states={"draft": "待提交签发", "to_sign": "待院长签发", "signed": "待报送", "reported": REPORTED},
    initial="draft",
    transitions=(
        Transition("submit", "提交院长签发", src("draft"), "to_sign", may_draft, "保密办",
                   guard=_complete_guard, rule=RULE_CONTENT),
        Transition("sign", "签发", src("to_sign"), "signed", may_sign, "院长", guard=_complete_guard,
                   effect=_sign, rule=RULE_REPORT),
        Transition("send_back", "退回修改", src("to_sign"), "draft", may_sign, "院长", comment_required=True),
        Transition("send", "报送", src("signed"), "reported", may_draft, "保密办", guard=_send_guard,
                   effect=_send, fields=SEND_FIELDS, rule=RULE_REPORT),
    ),
)


def _edit_update(session: Session, actor: User, leak: SecretLeak, values: dict[str, Any]) -> None:
    _check_discovered(values.get("discovered_at"))
    for key, value in values.items():
        setattr(leak, key, value if value is not None else "")


LEAK_EDIT = EditSpec(
    fields=LEAK_FIELDS,
    states=src("draft"),
    may=lambda actor, leak: actor.has(roles.SECRECY),
    who="保密办",
    save=service_edit(lambda db: LeakService(db)),
    update=_edit_update,
    workflow=LEAK_WORKFLOW,
)


def _check_discovered(value: Any) -> None:
    if value in (None, ""):
        raise ValidationError("发现时间：必填，24小时报告时限从发现时起算", field="发现时间", rule=RULE_REPORT)


class LeakService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, actor: User, data: dict[str, Any]) -> SecretLeak:
        """登记 an event from its time of discovery (待提交签发)."""
        _check_discovered(data.get("discovered_at"))
        values = clean(LEAK_FIELDS, data)
        found: dt.datetime = values["discovered_at"]
        now = clock.now()
        if found > now:
            raise ValidationError(f"发现时间：不能晚于现在（{now:%Y-%m-%d %H:%M}）", field="发现时间",
                                  rule=RULE_REPORT)
        if values["level"] and values["level"] not in LEVELS:
            raise ValidationError("密级：应为 绝密、机密 或 秘密", field="密级", rule=RULE_CONTENT)
        if not actor.has(roles.SECRECY, roles.LEADER, roles.PRESIDENT):
            from courtdesk.kernel.errors import PermissionDenied

            raise PermissionDenied("操作人：失泄密事件由保密办或院领导登记", field="操作人", rule=RULE_REPORT)
        with self.db.write(actor) as s:
            leak = SecretLeak(status=LEAK_WORKFLOW.initial, discovered_at=found, discoverer=values["discoverer"],
                              registrar_id=actor.id, registered_at=now,
                              **{key: values[key] or "" for key, _ in CONTENTS})
            numbering.assign(s, leak, register=LEAK_KEY, pattern=NUMBER_PATTERN, year=found.year)
            s.add(leak)
            s.flush()
            return leak

    def edit(self, actor: User, leak_id: int, data: dict[str, Any], reason: str,
             expected_version: int | None = None) -> SecretLeak:
        with self.db.write(actor) as s:
            leak = load_or_refuse(s, SecretLeak, leak_id, "失泄密报告", "该失泄密报告不存在")
            LEAK_EDIT.apply(s, actor, leak, data, reason, expected_version)
            if leak.discovered_at > clock.now():
                raise ValidationError("发现时间：不能晚于现在", field="发现时间", rule=RULE_REPORT)
            return leak

    def act(self, actor: User, leak_id: int, action: str, comment: str = "", **params: Any) -> SecretLeak:
        with self.db.write(actor) as s:
            leak = load_or_refuse(s, SecretLeak, leak_id, "失泄密报告", "该失泄密报告不存在")
            LEAK_WORKFLOW.fire(s, actor, leak, action, comment, **params)
            return leak


# --- register --------------------------------------------------------------------------------------

def _minutes_left_sql(now: dt.datetime) -> Any:
    return literal(LIMIT_MINUTES) - minutes_between(SecretLeak.discovered_at, literal(now))


def _remaining_sql(now: dt.datetime) -> Any:
    left = _minutes_left_sql(now)
    hours = cast(left // 60, String)
    minutes = cast(left % 60, String)
    return case(
        (SecretLeak.status == "reported", literal(REPORTED)),
        (left <= 0, literal(OVERDUE)),
        (left < 60, literal("剩余") + minutes + literal("分")),
        (left % 60 == 0, literal("剩余") + hours + literal("小时")),
        else_=literal("剩余") + hours + literal("小时") + minutes + literal("分"),
    )


def _pending(actor: User) -> ColumnElement[bool]:
    return SecretLeak.status != "reported"


def _overdue(actor: User) -> ColumnElement[bool]:
    return and_(SecretLeak.status != "reported", _minutes_left_sql(clock.now()) <= 0)


def _scope(actor: User) -> Any:
    return None if actor.has(*WIDE_ROLES) else literal(False)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.SECRECY, roles.PRESIDENT):
        return []
    query = RegisterQuery(LEAK_REGISTER, filter_key="pending")
    count = query.count(session, actor)
    if not count:
        return []
    earliest = session.scalar(select(func.min(SecretLeak.discovered_at)).where(SecretLeak.status != "reported"))
    assert earliest is not None
    return [DashboardItem(f"失泄密报告 {remaining_words(minutes_left(earliest))}", count, LEAK_KEY, "pending", True)]


_Registrar = aliased(User)
_Signer = aliased(User)


def _leak_base() -> Any:
    return (select(SecretLeak.id).select_from(SecretLeak)
            .join(_Registrar, _Registrar.id == SecretLeak.registrar_id)
            .outerjoin(_Signer, _Signer.id == SecretLeak.signer_id))


LEAK_REGISTER = RegisterSpec(
    key=LEAK_KEY,
    title="失泄密报告登记簿",
    model=SecretLeak,
    columns=(
        Column("number", "编号", SecretLeak.number, 14),
        Column("discovered_at", "发现时间", SecretLeak.discovered_at, 13, "datetime"),
        Column("remaining", "剩余时间", SecretLeak.discovered_at, 12, live=lambda today: _remaining_sql(clock.now()),
               tone=lambda shown: "overdue" if shown == OVERDUE else ("urgent" if shown.startswith("剩余") else None)),
        Column("content", "被泄密事项", SecretLeak.content, 22),
        Column("level", "密级", SecretLeak.level, 5),
        Column("quantity", "数量及载体形式", SecretLeak.quantity, 12),
        Column("status", "状态", SecretLeak.status, 10, "status"),
        Column("signer", "签发人", _Signer.name, 8),
        Column("admin_sent_at", "报保密行政管理部门", SecretLeak.admin_sent_at, 13, "datetime"),
        Column("court_sent_at", "报上级法院", SecretLeak.court_sent_at, 13, "datetime"),
        Column("registrar", "登记人", _Registrar.name, 8),
    ),
    base=_leak_base,
    search=(SecretLeak.number, SecretLeak.content, SecretLeak.discoverer),
    date_expr=SecretLeak.discovered_at,
    workflow=LEAK_WORKFLOW,
    filters=(
        Filter("pending", "未报告", _pending),
        Filter("overdue", "已超过24小时未报告", _overdue),
        Filter("to_sign", "待我签发", LEAK_WORKFLOW.available_where("sign")),
        Filter("reported", REPORTED, lambda a: SecretLeak.status == "reported"),
    ),
    visible_to=WIDE_ROLES,
    scope=_scope,
    form=LEAK_FIELDS,
    create=lambda db, actor, data: LeakService(db).register(actor, data),
    create_label="登记失泄密事件",
    may_create=lambda actor: actor.has(roles.SECRECY, roles.LEADER, roles.PRESIDENT),
    create_who="保密办或院领导",
    edit=LEAK_EDIT,
    dashboard=_dashboard,
    act=service_act(LeakService),
    live_status="remaining",
    documents=(RegisterDocument(LEAK_DOCUMENT_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
    printed_columns=("number", "discovered_at", "remaining", "content", "level", "quantity", "status", "signer",
                     "admin_sent_at", "court_sent_at"),
)


# --- the report ------------------------------------------------------------------------------------

def build_leak_report(session: Session, leak_id: int) -> Document:
    leak = load_or_refuse(session, SecretLeak, leak_id, "失泄密报告", "该失泄密报告不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    admin = leak.admin_body or "同级保密行政管理部门"
    upper = leak.court_body or "上级法院主管部门"
    parts: list[Any] = [
        Title(f"{court}\n失泄密情况报告"),
        Paragraph(f"编号：{leak.number}", indent=False),
        Paragraph(f"{admin}、{upper}：", indent=False),
        Paragraph(f"{court_time(leak.discovered_at, style)}，{leak.discoverer}发现本院涉密信息已经泄露或者可能泄露。"
                  f"依据{RULE_REPORT}、第三十九条，现将有关情况报告如下：", indent=True),
    ]
    numerals = "一二三四五六七八"
    for n, (key, label) in enumerate(CONTENTS):
        parts.append(Heading(f"{numerals[n]}、{label}"))
        parts.append(Paragraph(str(getattr(leak, key) or "（未填写）"), indent=True))
    parts.append(Spacer())
    signer = leak.signer.name if leak.signer else "（待签发）"
    signed = court_time(leak.signed_at, style) if leak.signed_at else ""
    parts.append(Paragraph(f"签发：院长 {signer}　{signed}", indent=False))
    sent = []
    for body, at in ((admin, leak.admin_sent_at), (upper, leak.court_sent_at)):
        sent.append(f"{body}（{court_time(at, style)}）" if at else f"{body}（未报送）")
    parts.append(Paragraph(f"报送：{'；'.join(sent)}", indent=False))
    parts.append(Paragraph(f"保密办登记人：{leak.registrar.name}", indent=False))
    parts.append(SignatureLine((("院长签发", ""), ("日期", "")), blank_chars=8))
    return Document("失泄密情况报告", tuple(parts))


LEAK_DOCUMENT = DocumentKind(
    LEAK_DOCUMENT_KIND, "失泄密情况报告",
    ids=lambda: select(SecretLeak.id).order_by(SecretLeak.id),
    build=build_leak_report,
    missing="该失泄密报告不存在",
)
