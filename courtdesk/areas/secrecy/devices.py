"""涉密计算机 and 涉密移动存储介质 (《保密工作制度》第三十四条、第三十六条).

涉密计算机 (第三十四条) — registered by 保密办, who installs the protection (第三十四条(2)):
- the physical asset is the IT area's (once it exists): the record here refers to it by ``asset_tag``
  (资产编号) and owns only what secrecy requires — custodian (专人管理, (1)), 密级标识, protection, 单机使用
  or 涉密网 only ((5)), the 口令 policy ((3)), repairs ((9)(10)), re-use and destruction ((11));
- 口令: each change is recorded by the custodian or 保密办 with its date and the policy met — never the
  password, nor its length (the length given is only checked): 秘密级 with IC卡/USB KEY ≥4 characters
  (no change interval in the article); 秘密级 password only ≥8, changed at least monthly; 机密级 ≥10,
  changed at least weekly; letters and digits mixed. 绝密级 is not named by the article: the strictest
  rule it states (机密级) applies. 口令逾期未更换 is live (the due date against today);
- 维修: on site under a named supervisor, or outside only with every storage part removed (recorded);
  数据恢复 only at a facility approved by the 保密行政管理部门; 转为非涉密使用 only with storage removed;
  淘汰 only through registered destruction approved by a court leader;
- 变更管理人: the protection devices are handed over (第三十四条(4)).

涉密移动存储介质 (第三十六条) — issued and registered by the person the settings name ((1)); 绝密级
held by 保密办 ((4)); 机密级以下 held by their custodians and handed to 保密办 over holidays: the
holidays are a small register of 保密办's (交存日期, 放假起止), a medium not handed in from the 交存日期 to
the holiday's end reads 节假日应交未交 (live); 交存 and 发还 are steps; 携带外出 only with a leader's
approval ((3)); 外部数据恢复 only at a designated facility ((5)); 报废 approved by the 保密工作领导小组组长 the settings name, then registered destruction
((6)).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.secrecy import settings as secrecy_settings
from courtdesk.areas.secrecy.device_models import (
    SecretComputer,
    SecretHoliday,
    SecretMedium,
    SecretMediumHandIn,
    SecretPasswordChange,
)
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, forms, numbering, rules, workflow
from courtdesk.kernel import settings as kernel_settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_date, court_time
from courtdesk.kernel.documents.model import (
    REGISTER_PAGE,
    Document,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    Title,
)
from courtdesk.kernel.documents.model import Column as DocColumn
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
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
from courtdesk.kernel.workflow import Transition, Workflow, src

BOOK = "《保密工作制度》"
RULE_PC = f"{BOOK}第三十四条"
RULE_PC_CUSTODIAN = f"{BOOK}第三十四条(1)"
RULE_PC_LABEL = f"{BOOK}第三十四条(2)"
RULE_PASSWORD = f"{BOOK}第三十四条(3)"
RULE_PC_HAND_OVER = f"{BOOK}第三十四条(4)"
RULE_PC_NETWORK = f"{BOOK}第三十四条(5)"
RULE_PC_REPAIR = f"{BOOK}第三十四条(9)"
RULE_PC_RECOVERY = f"{BOOK}第三十四条(10)"
RULE_PC_RETIRE = f"{BOOK}第三十四条(11)"
RULE_MEDIA_ISSUE = f"{BOOK}第三十六条(1)"
RULE_MEDIA_OUT = f"{BOOK}第三十六条(3)"
RULE_MEDIA_KEEP = f"{BOOK}第三十六条(4)"
RULE_MEDIA_RECOVERY = f"{BOOK}第三十六条(5)"
RULE_MEDIA_SCRAP = f"{BOOK}第三十六条(6)"

COMPUTER_KEY = "secrecy_computer"
MEDIUM_KEY = "secrecy_medium"
HOLIDAY_KEY = "secrecy_holiday"
COMPUTER_PATTERN = "({year})密机{serial:03d}号"
MEDIUM_PATTERN = "({year})密介{serial:03d}号"
HOLIDAY_LIST_KIND = "secrecy_holiday_media"
COMPUTER_FORM_KIND = "secrecy_computer_form"

LEVELS = ("绝密", "机密", "秘密")
COMPUTER_KINDS = ("台式计算机", "笔记本电脑")
MEDIUM_KINDS = ("U盘", "移动硬盘", "光盘", "存储卡", "其他")
AUTHS = {"key": "IC卡/USB KEY＋口令", "password": "仅使用口令"}
NETWORKS = {"standalone": "单机使用", "classified_net": "仅接入涉密网"}
YES_NO = (("yes", "是"), ("no", "否"))

WIDE_ROLES = (roles.SECRECY, roles.LEADER, roles.PRESIDENT, ADMIN)
LEADER_ROLES = (roles.LEADER, roles.PRESIDENT)
#: What a caller may never hand in: a password has no field here, and anything that looks like one is
#: refused before the unit of work opens (so not even the audit sees it).
_PASSWORD_WORDS = ("pass", "pwd", "口令", "密码", "secret", "pin")


# --- the password policy (第三十四条(3)) --------------------------------------------------------------

def password_policy(level: str, auth: str) -> tuple[int, str | None, str]:
    """(minimum length, change interval 'week'/'month' or None, the policy in words)."""
    if level in ("机密", "绝密"):
        said = "机密级" if level == "机密" else "绝密级（按不低于机密级的要求）"
        return 10, "week", f"{said}：口令不少于10位、字母数字混合，更换周期不超过1星期"
    if auth == "key":
        return 4, None, "秘密级（IC卡/USB KEY与口令结合）：口令不少于4位、字母数字混合"
    return 8, "month", "秘密级（仅使用口令）：口令不少于8位、字母数字混合，更换周期不超过1个月"


def _add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def password_due(level: str, auth: str, changed_on: dt.date) -> dt.date | None:
    """The last day a password changed on ``changed_on`` may be used (None: no interval)."""
    interval = password_policy(level, auth)[1]
    if interval == "week":
        return changed_on + dt.timedelta(days=7)
    if interval == "month":
        return _add_month(changed_on)
    return None


def refuse_passwords(data: dict[str, Any]) -> None:
    """No password is ever taken: a value offered under a password-like name is refused — naming the
    field, never repeating the value — before anything is opened or written."""
    for key in data:
        if key in ("password_length", "password_mixed", "password_set_on"):
            continue
        lowered = str(key).lower()
        if any(word in lowered for word in _PASSWORD_WORDS):
            raise ValidationError("口令：系统不登记口令本身，只登记更换日期和所符合的要求，请勿填写口令",
                                  field="口令", rule=RULE_PASSWORD)


def _check_password(level: str, auth: str, length: int, mixed: str, field: str) -> str:
    minimum, _, policy = password_policy(level, auth)
    if length < minimum:
        raise ValidationError(f"{field}：所设口令只有{length}位，不符合「{policy}」的要求", field=field,
                              rule=RULE_PASSWORD)
    if mixed != "yes":
        raise ValidationError("字母数字混合：涉密计算机口令应采用多字符和数字混合编制", field="字母数字混合",
                              rule=RULE_PASSWORD)
    return policy


def _pairs(values: dict[str, str] | tuple[tuple[str, str], ...]) -> Any:
    items = list(values.items()) if isinstance(values, dict) else list(values)
    return lambda session, actor: items


def _open_holidays(session: Session, actor: Any) -> list[tuple[Any, str]]:
    rows = session.scalars(select(SecretHoliday).where(SecretHoliday.ends_on >= clock.today())
                           .order_by(SecretHoliday.starts_on))
    return [(h.id, f"{h.name}（{h.starts_on:%Y-%m-%d}至{h.ends_on:%Y-%m-%d}）") for h in rows]


def _joined(said: str, comment: str) -> str:
    return f"{said}；{comment}" if comment else said


def _person(session: Session, user_id: Any, field: str) -> User:
    person = session.get(User, user_id) if user_id else None
    if person is None or not person.active:
        raise ValidationError(f"{field}：该人员不存在或已停用", field=field)
    return person


# === 涉密计算机 ==========================================================================================

COMPUTER_FIELDS: tuple[FormField, ...] = (
    FormField("asset_tag", "资产编号", "text", max_len=40,
              help="信息化资产台账中的资产编号（资产本身由信息化资产管理登记，这里只引用）"),
    FormField("kind", "类型", "choice", choices=forms.fixed(COMPUTER_KINDS)),
    FormField("model", "品牌型号", "text", max_len=60),
    FormField("serial_no", "序列号", "text", max_len=60),
    FormField("custodian_id", "管理责任人", "choice", choices=forms.active_people, help="涉密人员专人管理（第三十四条(1)）"),
    FormField("department_id", "使用部门", "choice", choices=forms.active_departments),
    FormField("level", "密级标识", "choice", choices=forms.fixed(LEVELS), help="按存储、处理信息的最高密级"),
    FormField("protection", "保密防护措施", "text", max_len=150,
              default="保密办统一安装的主机监控与审计、违规外联监测、USB端口管控软件"),
    FormField("auth", "认证方式", "choice", choices=_pairs(AUTHS)),
    FormField("network", "联网情况", "choice", choices=_pairs(NETWORKS), default="standalone",
              help="必须单机使用，严禁接入互联网等各类网络（涉密网除外）"),
    FormField("password_set_on", "口令设置日期", "date"),
    FormField("password_length", "口令长度（位数）", "int", minimum=1, maximum=64,
              help="只用于核对是否符合要求，不保存；口令本身不登记"),
    FormField("password_mixed", "字母数字混合", "choice", choices=_pairs(YES_NO), default="yes"),
    FormField("remarks", "备注", "multiline", required=False, max_len=300),
)

_Custodian = aliased(User)
_Supervisor = aliased(User)


def _computer_base() -> Any:
    return (select(SecretComputer.id).select_from(SecretComputer)
            .join(_Custodian, _Custodian.id == SecretComputer.custodian_id)
            .join(Department, Department.id == SecretComputer.department_id)
            .outerjoin(_Supervisor, _Supervisor.id == SecretComputer.repair_supervisor_id))


pc_office = rules.holding(_computer_base, roles.SECRECY, name="pc_office")
pc_leader = rules.holding(_computer_base, *LEADER_ROLES, name="pc_leader")


@rules.over(_computer_base)
def may_change_password(actor: User) -> ColumnElement[bool]:
    """The custodian, or 保密办."""
    if actor.has(roles.SECRECY):
        return true()
    return SecretComputer.custodian_id == actor.id


PASSWORD_FIELDS = (
    FormField("changed_on", "更换日期", "date"),
    FormField("length", "新口令长度（位数）", "int", minimum=1, maximum=64,
              help="只用于核对是否符合要求，不保存；口令本身不登记"),
    FormField("mixed", "字母数字混合", "choice", choices=_pairs(YES_NO), default="yes"),
)


def _password_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    changed: dt.date = values["changed_on"]
    if changed > clock.today():
        raise ValidationError(f"更换日期：不能晚于今天（{clock.today():%Y-%m-%d}）", field="更换日期")
    if pc.password_changed_on is not None and changed < pc.password_changed_on:
        raise ValidationError(f"更换日期：不能早于上次更换日期（{pc.password_changed_on:%Y-%m-%d}）", field="更换日期")
    _check_password(pc.level, pc.auth, values["length"], values["mixed"], "新口令长度（位数）")


def _record_password(session: Session, actor: User, pc: SecretComputer, changed: dt.date) -> str:
    policy = password_policy(pc.level, pc.auth)[2]
    pc.password_changed_on = changed
    pc.password_due_on = password_due(pc.level, pc.auth, changed)
    session.add(SecretPasswordChange(computer_id=pc.id, changed_on=changed, policy=policy, recorded_by_id=actor.id,
                                     recorded_at=clock.now()))
    due = f"，应于{pc.password_due_on:%Y-%m-%d}前再次更换" if pc.password_due_on else ""
    return f"口令于{changed:%Y-%m-%d}更换，符合「{policy}」{due}（口令本身不登记）"


def _change_password(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    values["comment"] = _joined(_record_password(session, actor, pc, values["changed_on"]), values["comment"])


REPAIR_ON_SITE_FIELDS = (
    FormField("repairer", "维修单位或人员", "text", max_len=60),
    FormField("supervisor_id", "全程监管人", "choice", choices=forms.active_people, help="保密办安排的涉密人员"),
    FormField("fault", "故障情况", "text", max_len=100),
)
REPAIR_OUTSIDE_FIELDS = (
    FormField("repairer", "送修单位", "text", max_len=60),
    FormField("storage_removed", "所有存储部件已拆除", "choice", choices=_pairs(YES_NO)),
    FormField("storage_kept_by", "拆除的存储部件保管", "text", max_len=60, help="由谁、在何处保管",
              when=("storage_removed", ("yes",))),
    FormField("fault", "故障情况", "text", max_len=100),
)
RECOVERY_FIELDS = (
    FormField("facility", "数据恢复单位", "text", max_len=60),
    FormField("approved", "经保密行政管理部门批准、具有数据恢复保密资质", "choice", choices=_pairs(YES_NO)),
)
CONVERT_FIELDS = (
    FormField("storage_removed", "存储部件已拆除", "choice", choices=_pairs(YES_NO)),
    FormField("storage_kept_by", "拆除的存储部件保管", "text", max_len=60, help="按保密规定妥善保管：由谁、在何处",
              when=("storage_removed", ("yes",))),
)
PC_DESTROY_FIELDS = (
    FormField("facility", "销毁单位", "text", max_len=60, default="保密行政管理部门指定的定点销毁单位"),
)
PC_HAND_OVER_FIELDS = (
    FormField("custodian_id", "新管理责任人", "choice", choices=forms.active_people),
    FormField("department_id", "使用部门", "choice", choices=forms.active_departments, required=False,
              help="不填：新管理责任人所在部门"),
)


def _on_site_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    supervisor = _person(session, values["supervisor_id"], "全程监管人")
    if supervisor.name == values["repairer"].strip():
        raise ValidationError("全程监管人：不能由维修人员本人监管", field="全程监管人", rule=RULE_PC_REPAIR)


def _on_site(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    supervisor = _person(session, values["supervisor_id"], "全程监管人")
    pc.repair_mode = "onsite"
    pc.repairer = values["repairer"]
    pc.repair_supervisor_id = supervisor.id
    pc.storage_removed = False
    pc.storage_kept_by = ""
    values["comment"] = _joined(f"在本单位内维修（{values['fault']}），维修：{pc.repairer}，由{supervisor.name}全程监管，"
                                "严禁读取或复制涉密信息", values["comment"])


def _outside_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    if values["storage_removed"] != "yes":
        raise ValidationError("所有存储部件已拆除：确需送外维修的，必须拆除涉密计算机所有存储部件",
                              field="所有存储部件已拆除", rule=RULE_PC_REPAIR)


def _outside(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    pc.repair_mode = "outside"
    pc.repairer = values["repairer"]
    pc.repair_supervisor_id = None
    pc.storage_removed = True
    pc.storage_kept_by = values["storage_kept_by"]
    values["comment"] = _joined(f"送{pc.repairer}维修（{values['fault']}），所有存储部件已拆除，由{pc.storage_kept_by}保管",
                                values["comment"])


def _recovery_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    if values["approved"] != "yes":
        raise ValidationError("数据恢复单位：涉密计算机做存储数据恢复，应当到保密行政管理部门批准的具有数据恢复保密资质的"
                              "单位进行", field="数据恢复单位", rule=RULE_PC_RECOVERY)


def _recovery(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    values["comment"] = _joined(f"在{values['facility']}（经保密行政管理部门批准、具有数据恢复保密资质）做存储数据恢复",
                                values["comment"])


def _repaired(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    said = "维修完毕，恢复使用" + ("，拆除的存储部件已装回" if pc.repair_mode == "outside" else "")
    pc.repair_mode = ""
    pc.repairer = ""
    pc.repair_supervisor_id = None
    pc.storage_removed = False
    pc.storage_kept_by = ""
    values["comment"] = _joined(said, values["comment"])


def _convert_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    if values["storage_removed"] != "yes":
        raise ValidationError("存储部件已拆除：涉密计算机改作非涉密计算机使用时，应拆除涉密计算机存储部件",
                              field="存储部件已拆除", rule=RULE_PC_RETIRE)


def _convert(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    pc.storage_removed = True
    pc.storage_kept_by = values["storage_kept_by"]
    pc.password_due_on = None
    values["comment"] = _joined(f"改作非涉密计算机使用，存储部件已拆除，由{pc.storage_kept_by}按保密规定保管",
                                values["comment"])


def _ask_destroy_pc(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    pc.destroy_facility = values["facility"]
    pc.destroy_requested_at = clock.now()
    values["comment"] = _joined(f"淘汰处理：登记，拟将计算机及存储设备送交{pc.destroy_facility}销毁", values["comment"])


def _destroy_pc(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    pc.destroy_approver_id = actor.id
    pc.destroyed_at = clock.now()
    pc.password_due_on = None
    values["comment"] = _joined(f"{actor.name}批准销毁，送交{pc.destroy_facility}", values["comment"])


def _keep_pc(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    pc.destroy_facility = ""
    pc.destroy_requested_at = None


def _pc_hand_over_guard(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    new = _person(session, values["custodian_id"], "新管理责任人")
    if new.id == pc.custodian_id:
        raise ValidationError(f"新管理责任人：{new.name}已是该计算机的管理责任人", field="新管理责任人")


def _pc_hand_over(session: Session, actor: User, pc: SecretComputer, values: dict[str, Any]) -> None:
    new = _person(session, values["custodian_id"], "新管理责任人")
    before = pc.custodian.name
    pc.custodian_id = new.id
    dept = values.get("department_id") or new.department_id
    if dept:
        pc.department_id = dept
    values["comment"] = _joined(f"使用人员变更：由{before}移交{new.name}，保密防护设备已办理移交手续", values["comment"])


COMPUTER_WORKFLOW = Workflow(
    entity=COMPUTER_KEY,
    states={"in_use": "在用", "repair": "维修中", "converted": "已停用（改作非涉密）", "to_destroy": "待批准销毁",
            "destroyed": "已销毁"},
    initial="in_use",
    transitions=(
        Transition("change_password", "登记口令更换", src("in_use"), "in_use", may_change_password,
                   "管理责任人本人或保密办", guard=_password_guard, effect=_change_password, fields=PASSWORD_FIELDS,
                   defaults=lambda: {"changed_on": clock.today()}, rule=RULE_PASSWORD),
        Transition("repair_on_site", "本单位内维修", src("in_use"), "repair", pc_office, "保密办",
                   guard=_on_site_guard, effect=_on_site, fields=REPAIR_ON_SITE_FIELDS, rule=RULE_PC_REPAIR),
        Transition("repair_outside", "送外维修", src("in_use"), "repair", pc_office, "保密办",
                   guard=_outside_guard, effect=_outside, fields=REPAIR_OUTSIDE_FIELDS, rule=RULE_PC_REPAIR),
        Transition("recover", "数据恢复", src("in_use", "repair"), "repair", pc_office, "保密办",
                   guard=_recovery_guard, effect=_recovery, fields=RECOVERY_FIELDS, rule=RULE_PC_RECOVERY,
                   aside=True),
        Transition("repaired", "维修完毕", src("repair"), "in_use", pc_office, "保密办", effect=_repaired,
                   rule=RULE_PC_REPAIR),
        Transition("convert", "改作非涉密使用", src("in_use", "repair"), "converted", pc_office, "保密办",
                   guard=_convert_guard, effect=_convert, fields=CONVERT_FIELDS, rule=RULE_PC_RETIRE, aside=True),
        Transition("ask_destroy", "申请淘汰销毁", src("in_use", "repair", "converted"), "to_destroy", pc_office,
                   "保密办", effect=_ask_destroy_pc, fields=PC_DESTROY_FIELDS, rule=RULE_PC_RETIRE, aside=True),
        Transition("destroy", "批准销毁", src("to_destroy"), "destroyed", pc_leader, "院领导", effect=_destroy_pc,
                   rule=RULE_PC_RETIRE),
        Transition("keep", "不予销毁", src("to_destroy"), "in_use", pc_leader, "院领导", effect=_keep_pc,
                   comment_required=True),
        Transition("hand_over", "变更管理责任人", src("in_use"), "in_use", pc_office, "保密办",
                   guard=_pc_hand_over_guard, effect=_pc_hand_over, fields=PC_HAND_OVER_FIELDS,
                   rule=RULE_PC_HAND_OVER, aside=True),
    ),
)


# === 涉密移动存储介质 ====================================================================================

MEDIUM_FIELDS: tuple[FormField, ...] = (
    FormField("kind", "介质类型", "choice", choices=forms.fixed(MEDIUM_KINDS)),
    FormField("model", "品牌型号及序列号", "text", max_len=100),
    FormField("level", "密级", "choice", choices=forms.fixed(LEVELS)),
    FormField("custodian_id", "保管人", "choice", choices=forms.active_people,
              help="绝密级由保密办涉密人员专人保管；机密级以下由涉密人员保管"),
    FormField("department_id", "使用部门", "choice", choices=forms.active_departments),
    FormField("remarks", "备注", "multiline", required=False, max_len=300),
)

_Holder = aliased(User)
_Issuer = aliased(User)


def _medium_base() -> Any:
    return (select(SecretMedium.id).select_from(SecretMedium)
            .join(_Holder, _Holder.id == SecretMedium.custodian_id)
            .join(_Issuer, _Issuer.id == SecretMedium.issuer_id)
            .join(Department, Department.id == SecretMedium.department_id))


media_office = rules.holding(_medium_base, roles.SECRECY, name="media_office")
media_leader = rules.holding(_medium_base, *LEADER_ROLES, name="media_leader")


@rules.over(_medium_base)
def may_manage_media(actor: User) -> ColumnElement[bool]:
    """保密办, or the 涉密移动存储介质管理人 the settings name."""
    if actor.has(roles.SECRECY):
        return true()
    return secrecy_settings.names(secrecy_settings.MEDIA_ISSUER, actor)


@rules.over(_medium_base)
def may_approve_scrap(actor: User) -> ColumnElement[bool]:
    """The 保密工作领导小组组长 the settings name (第三十六条(6))."""
    return secrecy_settings.names(secrecy_settings.GROUP_HEAD, actor)


def _holiday_outstanding(today: dt.date) -> ColumnElement[bool]:
    """SQL: the medium should be with 保密办 today for a holiday and has not been handed in for it."""
    return and_(
        SecretMedium.level != "绝密", SecretMedium.status.in_(("held", "out")),
        exists(select(SecretHoliday.id).where(
            SecretHoliday.hand_in_by <= today, SecretHoliday.ends_on >= today,
            ~exists(select(SecretMediumHandIn.id).where(SecretMediumHandIn.holiday_id == SecretHoliday.id,
                                                       SecretMediumHandIn.medium_id == SecretMedium.id)
                    .correlate(SecretHoliday, SecretMedium))).correlate(SecretMedium)))


HAND_IN_FIELDS = (FormField("holiday_id", "节假日", "choice", choices=_open_holidays),)
MEDIA_OUT_FIELDS = (
    FormField("destination", "去向及事由", "text", max_len=60),
    FormField("due_on", "应带回日期", "date"),
)
SCRAP_FIELDS = (
    FormField("facility", "销毁单位", "text", max_len=60, default="保密行政管理部门指定的具有保密销毁资质的定点厂家"),
)
MEDIA_HAND_OVER_FIELDS = (
    FormField("custodian_id", "新保管人", "choice", choices=forms.active_people),
    FormField("department_id", "使用部门", "choice", choices=forms.active_departments, required=False,
              help="不填：新保管人所在部门"),
)


def _with_custodian(medium: SecretMedium, custodian: User) -> None:
    medium.location = f"保管人 {custodian.name}"
    medium.since = clock.now()


def _hand_in_guard(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    if medium.level == "绝密":
        raise ValidationError("节假日：绝密级介质由保密办专人统一保管，无需节假日交存", field="节假日", rule=RULE_MEDIA_KEEP)
    holiday = session.get(SecretHoliday, values["holiday_id"])
    if holiday is None or holiday.ends_on < clock.today():
        raise ValidationError("节假日：该节假日不存在或已结束", field="节假日", rule=RULE_MEDIA_KEEP)
    done = session.scalar(select(SecretMediumHandIn.id).where(SecretMediumHandIn.holiday_id == holiday.id,
                                                              SecretMediumHandIn.medium_id == medium.id))
    if done is not None:
        raise ValidationError(f"节假日：{medium.number}已为{holiday.name}交存过", field="节假日", rule=RULE_MEDIA_KEEP)


def _hand_in(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    holiday = session.get(SecretHoliday, values["holiday_id"])
    assert holiday is not None
    session.add(SecretMediumHandIn(holiday_id=holiday.id, medium_id=medium.id, handed_in_at=clock.now(),
                                   received_by_id=actor.id))
    medium.location = f"节假日交存保密办（{actor.name}）"
    medium.since = clock.now()
    values["comment"] = _joined(f"{medium.custodian.name}于{holiday.name}前交存，{actor.name}清点接收", values["comment"])


def _hand_back(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    row = session.scalars(select(SecretMediumHandIn).where(SecretMediumHandIn.medium_id == medium.id,
                                                           SecretMediumHandIn.handed_back_at.is_(None))
                          .order_by(SecretMediumHandIn.id.desc())).first()
    if row is not None:
        row.handed_back_at = clock.now()
        row.returned_by_id = actor.id
    _with_custodian(medium, medium.custodian)
    name = row.holiday.name if row is not None else "节假日"
    values["comment"] = _joined(f"{name}后发还{medium.custodian.name}，清点无误", values["comment"])


def _out_guard(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    if values["due_on"] < clock.today():
        raise ValidationError(f"应带回日期：不能早于今天（{clock.today():%Y-%m-%d}）", field="应带回日期")


def _out(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    medium.carried_to = values["destination"]
    medium.due_on = values["due_on"]
    medium.location = f"携带外出 {medium.custodian.name}（{medium.carried_to}）"
    medium.since = clock.now()
    values["comment"] = _joined(f"{actor.name}批准{medium.custodian.name}因公携带外出至{medium.carried_to}，"
                                f"应于{medium.due_on:%Y-%m-%d}前带回", values["comment"])


def _back(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    late = medium.due_on is not None and clock.today() > medium.due_on
    medium.carried_to = ""
    medium.due_on = None
    _with_custodian(medium, medium.custodian)
    values["comment"] = _joined(f"{medium.custodian.name}带回" + ("（逾期带回）" if late else ""), values["comment"])


def _media_recovery_guard(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    if values["approved"] != "yes":
        raise ValidationError("数据恢复单位：涉密移动存储介质须到外部做数据恢复时，必须到由保密行政管理部门指定的具有保密"
                              "资质的单位进行", field="数据恢复单位", rule=RULE_MEDIA_RECOVERY)


def _media_recovery(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    values["comment"] = _joined(f"在{values['facility']}（保密行政管理部门指定、具有保密资质）做数据恢复",
                                values["comment"])


def _ask_scrap(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    medium.scrap_facility = values["facility"]
    medium.scrap_requested_at = clock.now()
    values["comment"] = _joined(f"清点、登记，拟送{medium.scrap_facility}销毁（个人不得擅自处理）", values["comment"])


def _scrap(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    medium.scrap_approver_id = actor.id
    medium.scrapped_at = clock.now()
    medium.location = f"已销毁（{medium.scrap_facility}）"
    medium.since = clock.now()
    values["comment"] = _joined(f"保密工作领导小组组长{actor.name}批准报废，送{medium.scrap_facility}销毁", values["comment"])


def _keep_medium(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    medium.scrap_facility = ""
    medium.scrap_requested_at = None


def _check_keeper(session: Session, level: str, custodian: User, field: str) -> None:
    if level == "绝密" and not custodian.has(roles.SECRECY):
        raise ValidationError(f"{field}：绝密级涉密移动存储介质由保密办涉密人员专人统一保管，{custodian.name}不是保密办人员",
                              field=field, rule=RULE_MEDIA_KEEP)


def _media_hand_over_guard(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    new = _person(session, values["custodian_id"], "新保管人")
    if new.id == medium.custodian_id:
        raise ValidationError(f"新保管人：{new.name}已是该介质的保管人", field="新保管人")
    _check_keeper(session, medium.level, new, "新保管人")


def _media_hand_over(session: Session, actor: User, medium: SecretMedium, values: dict[str, Any]) -> None:
    new = _person(session, values["custodian_id"], "新保管人")
    before = medium.custodian.name
    medium.custodian_id = new.id
    dept = values.get("department_id") or new.department_id
    if dept:
        medium.department_id = dept
    session.flush()
    session.refresh(medium)
    _with_custodian(medium, new)
    values["comment"] = _joined(f"由{before}移交{new.name}保管，已清点登记", values["comment"])


MEDIUM_WORKFLOW = Workflow(
    entity=MEDIUM_KEY,
    states={"held": "在用", "handed_in": "节假日交存", "out": "携带外出", "to_scrap": "待批准报废",
            "scrapped": "已销毁"},
    initial="held",
    transitions=(
        Transition("hand_in", "节假日交存", src("held"), "handed_in", media_office, "保密办", guard=_hand_in_guard,
                   effect=_hand_in, fields=HAND_IN_FIELDS, rule=RULE_MEDIA_KEEP),
        Transition("hand_back", "节后发还", src("handed_in"), "held", media_office, "保密办", effect=_hand_back,
                   rule=RULE_MEDIA_KEEP),
        Transition("carry_out", "批准携带外出", src("held"), "out", media_leader, "院领导", guard=_out_guard,
                   effect=_out, fields=MEDIA_OUT_FIELDS, rule=RULE_MEDIA_OUT, aside=True),
        Transition("bring_back", "带回", src("out"), "held", media_office, "保密办", effect=_back, rule=RULE_MEDIA_OUT),
        Transition("recover", "外部数据恢复", src("held"), "held", media_office, "保密办", guard=_media_recovery_guard,
                   effect=_media_recovery, fields=RECOVERY_FIELDS, rule=RULE_MEDIA_RECOVERY, aside=True),
        Transition("ask_scrap", "申请报废", src("held", "handed_in"), "to_scrap", may_manage_media,
                   "保密办或涉密移动存储介质管理人", effect=_ask_scrap, fields=SCRAP_FIELDS, rule=RULE_MEDIA_SCRAP,
                   aside=True),
        Transition("scrap", "批准报废", src("to_scrap"), "scrapped", may_approve_scrap,
                   "系统设置中指定的保密工作领导小组组长", effect=_scrap, rule=RULE_MEDIA_SCRAP),
        Transition("keep", "不予报废", src("to_scrap"), "held", may_approve_scrap,
                   "系统设置中指定的保密工作领导小组组长", effect=_keep_medium, comment_required=True),
        Transition("hand_over", "变更保管人", src("held"), "held", may_manage_media,
                   "保密办或涉密移动存储介质管理人", guard=_media_hand_over_guard, effect=_media_hand_over,
                   fields=MEDIA_HAND_OVER_FIELDS, rule=RULE_MEDIA_ISSUE, aside=True),
    ),
)

HOLIDAY_FIELDS: tuple[FormField, ...] = (
    FormField("name", "节假日名称", "text", max_len=20),
    FormField("hand_in_by", "交存日期", "date", help="放假前最后一个工作日：自该日起未交存的介质列为应交未交"),
    FormField("starts_on", "放假开始日期", "date"),
    FormField("ends_on", "放假结束日期", "date"),
)


# --- service -----------------------------------------------------------------------------------------

def _check_level(value: Any, field: str, rule: str) -> str:
    if value not in LEVELS:
        raise ValidationError(f"{field}：应为 绝密、机密 或 秘密，不能为「{value or '（空）'}」", field=field, rule=rule)
    return str(value)


class DeviceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # 涉密计算机

    def register_computer(self, actor: User, data: dict[str, Any]) -> SecretComputer:
        """登记 a classified computer (保密办, who installed its protection)."""
        refuse_passwords(data)
        if not actor.has(roles.SECRECY):
            raise PermissionDenied("登记人：涉密计算机由保密办登记并统一安装保密防护设备", field="登记人", rule=RULE_PC_LABEL)
        level = _check_level(data.get("level"), "密级标识", RULE_PC_LABEL)
        if data.get("network") not in (None, *NETWORKS):
            raise ValidationError("联网情况：涉密计算机必须单机使用，严禁接入互联网等各类网络（涉密网除外）",
                                  field="联网情况", rule=RULE_PC_NETWORK)
        values = clean(COMPUTER_FIELDS, data)
        if values["auth"] not in AUTHS:
            raise ValidationError("认证方式：应为 IC卡/USB KEY＋口令 或 仅使用口令", field="认证方式", rule=RULE_PASSWORD)
        if values["kind"] not in COMPUTER_KINDS:
            raise ValidationError(f"类型：应为 {'、'.join(COMPUTER_KINDS)} 之一", field="类型")
        set_on: dt.date = values["password_set_on"]
        if set_on > clock.today():
            raise ValidationError(f"口令设置日期：不能晚于今天（{clock.today():%Y-%m-%d}）", field="口令设置日期")
        _check_password(level, values["auth"], values["password_length"], values["password_mixed"], "口令长度（位数）")
        with self.db.write(actor) as s:
            custodian = _person(s, values["custodian_id"], "管理责任人")
            if s.get(Department, values["department_id"]) is None:
                raise ValidationError("使用部门：所选部门不存在", field="使用部门")
            tag = values["asset_tag"].strip()
            taken = s.scalar(select(SecretComputer.number).where(SecretComputer.asset_tag == tag,
                                                                 SecretComputer.status != "destroyed"))
            if taken:
                raise ValidationError(f"资产编号：{tag}已登记为涉密计算机{taken}", field="资产编号")
            now = clock.now()
            pc = SecretComputer(
                status=COMPUTER_WORKFLOW.initial, asset_tag=tag, kind=values["kind"], model=values["model"],
                serial_no=values["serial_no"], custodian_id=custodian.id, department_id=values["department_id"],
                level=level, protection=values["protection"], protection_by_id=actor.id, auth=values["auth"],
                network=values["network"], registered_at=now, registrar_id=actor.id, remarks=values["remarks"])
            numbering.assign(s, pc, register=COMPUTER_KEY, pattern=COMPUTER_PATTERN, year=now.year)
            s.add(pc)
            s.flush()
            _record_password(s, actor, pc, set_on)
            s.flush()
            return pc

    def act_on_computer(self, actor: User, pc_id: int, action: str, comment: str = "",
                        **params: Any) -> SecretComputer:
        refuse_passwords(params)
        with self.db.write(actor) as s:
            pc = load_or_refuse(s, SecretComputer, pc_id, "涉密计算机", "该涉密计算机不存在")
            COMPUTER_WORKFLOW.fire(s, actor, pc, action, comment, **params)
            return pc

    # 涉密移动存储介质

    def issue_medium(self, actor: User, data: dict[str, Any]) -> SecretMedium:
        """领取、登记、配发 a medium (the 涉密移动存储介质管理人 the settings name; else 保密办)."""
        with self.db.write(actor) as s:
            named = kernel_settings.get(s, secrecy_settings.MEDIA_ISSUER)
            if named:
                if named != str(actor.id):
                    issuer = s.get(User, int(named))
                    raise PermissionDenied(
                        f"配发人：涉密移动存储介质由保密办指定的专人（{issuer.name if issuer else '系统设置中指定的人员'}）"
                        "负责领取、登记、配发", field="配发人", rule=RULE_MEDIA_ISSUE)
            elif not actor.has(roles.SECRECY):
                raise PermissionDenied("配发人：涉密移动存储介质由保密办指定的专人负责领取、登记、配发",
                                       field="配发人", rule=RULE_MEDIA_ISSUE)
            level = _check_level(data.get("level"), "密级", RULE_MEDIA_KEEP)
            values = clean(MEDIUM_FIELDS, data)
            if values["kind"] not in MEDIUM_KINDS:
                raise ValidationError(f"介质类型：应为 {'、'.join(MEDIUM_KINDS)} 之一", field="介质类型")
            custodian = _person(s, values["custodian_id"], "保管人")
            _check_keeper(s, level, custodian, "保管人")
            if s.get(Department, values["department_id"]) is None:
                raise ValidationError("使用部门：所选部门不存在", field="使用部门")
            now = clock.now()
            medium = SecretMedium(status=MEDIUM_WORKFLOW.initial, kind=values["kind"], model=values["model"],
                                  level=level, custodian_id=custodian.id, department_id=values["department_id"],
                                  issuer_id=actor.id, issued_at=now, location=f"保管人 {custodian.name}", since=now,
                                  remarks=values["remarks"])
            numbering.assign(s, medium, register=MEDIUM_KEY, pattern=MEDIUM_PATTERN, year=now.year)
            s.add(medium)
            s.flush()
            return medium

    def act_on_medium(self, actor: User, medium_id: int, action: str, comment: str = "",
                      **params: Any) -> SecretMedium:
        with self.db.write(actor) as s:
            medium = load_or_refuse(s, SecretMedium, medium_id, "涉密移动存储介质", "该介质不存在")
            MEDIUM_WORKFLOW.fire(s, actor, medium, action, comment, **params)
            return medium

    # 节假日

    def add_holiday(self, actor: User, data: dict[str, Any]) -> SecretHoliday:
        """登记 a holiday over which 机密级以下 media are handed to 保密办 (保密办)."""
        if not actor.has(roles.SECRECY, ADMIN):
            raise PermissionDenied("登记人：节假日交存期间由保密办登记", field="登记人", rule=RULE_MEDIA_KEEP)
        values = clean(HOLIDAY_FIELDS, data)
        starts, ends, by = values["starts_on"], values["ends_on"], values["hand_in_by"]
        if ends < starts:
            raise ValidationError("放假结束日期：不能早于放假开始日期", field="放假结束日期")
        if by > starts:
            raise ValidationError("交存日期：应在放假开始之前或当天", field="交存日期", rule=RULE_MEDIA_KEEP)
        if (starts - by).days > 15:
            raise ValidationError("交存日期：不能早于放假开始日期15天以上", field="交存日期")
        with self.db.write(actor) as s:
            clash = s.scalar(select(SecretHoliday.name).where(SecretHoliday.hand_in_by <= ends,
                                                              SecretHoliday.ends_on >= by))
            if clash:
                raise ValidationError(f"交存日期：与已登记的「{clash}」交存期间重叠", field="交存日期")
            holiday = SecretHoliday(name=values["name"], hand_in_by=by, starts_on=starts, ends_on=ends,
                                    created_by_id=actor.id, created_at=clock.now())
            s.add(holiday)
            s.flush()
            return holiday


def held_by(session: Session, user_id: int) -> list[str]:
    """The classified computers and removable media ``user_id`` is custodian of and that are not
    destroyed or retired, in words (「涉密计算机 (2026)密机001号（资产编号 ZC-2026-0901）」) — what a person
    leaving must hand over (第三十一条)."""
    out: list[str] = []
    pcs = session.scalars(select(SecretComputer).where(SecretComputer.custodian_id == user_id,
                                                       SecretComputer.status.notin_(("converted", "destroyed")))
                          .order_by(SecretComputer.id))
    out += [f"涉密计算机 {pc.number}（资产编号 {pc.asset_tag}，{pc.level}）" for pc in pcs]
    media = session.scalars(select(SecretMedium).where(SecretMedium.custodian_id == user_id,
                                                       SecretMedium.status != "scrapped").order_by(SecretMedium.id))
    out += [f"涉密移动存储介质 {m.number}（{m.kind}，{m.level}）" for m in media]
    return out


# --- registers ---------------------------------------------------------------------------------------

def _computer_scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return SecretComputer.custodian_id == actor.id


def _pc_overdue(today: dt.date) -> ColumnElement[bool]:
    return and_(SecretComputer.status == "in_use", SecretComputer.password_due_on < today)


def _pc_live(today: dt.date) -> Any:
    return case((_pc_overdue(today), literal("口令逾期未更换")),
                *((SecretComputer.status == key, literal(label)) for key, label in COMPUTER_WORKFLOW.states.items()),
                else_=SecretComputer.status)


def _password_live(today: dt.date) -> Any:
    return case((SecretComputer.status != "in_use", literal("")),
                (SecretComputer.password_due_on.is_(None), literal("无更换周期要求")),
                (SecretComputer.password_due_on < today, literal("逾期未更换")),
                (SecretComputer.password_due_on <= today + dt.timedelta(days=2), literal("即将到期")),
                else_=literal("正常"))


def _tone(urgent: str, soon: str = "") -> Any:
    return lambda shown: "overdue" if shown == urgent else ("soon" if soon and shown == soon else None)


_AUTH_WORDS = case(AUTHS, value=SecretComputer.auth, else_=SecretComputer.auth)
_NETWORK_WORDS = case(NETWORKS, value=SecretComputer.network, else_=SecretComputer.network)


def _computer_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(COMPUTER_REGISTER, filter_key=key).count(session, actor)

    items: list[DashboardItem] = []
    if actor.has(roles.SECRECY):
        items.append(DashboardItem("涉密计算机口令逾期未更换", count("password_overdue"), COMPUTER_KEY,
                                   "password_overdue", True))
    else:
        items.append(DashboardItem("我管理的涉密计算机口令逾期未更换", count("mine_overdue"), COMPUTER_KEY,
                                   "mine_overdue", True))
    if actor.has(*LEADER_ROLES):
        items.append(DashboardItem("待我批准销毁的涉密计算机", count("to_destroy"), COMPUTER_KEY, "to_destroy", True))
    return items


def _password_changes(session: Session, pc_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(SecretPasswordChange).where(SecretPasswordChange.computer_id == pc_id)
                           .order_by(SecretPasswordChange.changed_on.desc(), SecretPasswordChange.id.desc()))
    return [{"changed_on": f"{r.changed_on:%Y-%m-%d}", "policy": r.policy, "by": r.recorded_by.name} for r in rows]


def _pc_facts(session: Session, pc: SecretComputer) -> list[tuple[str, str]]:
    facts = [("口令要求", password_policy(pc.level, pc.auth)[2]),
             ("资产", f"资产编号 {pc.asset_tag}（资产由信息化资产台账管理，此处只引用）")]
    if pc.status == "repair":
        if pc.repair_mode == "outside":
            facts.append(("维修", f"送{pc.repairer}维修，存储部件已拆除，由{pc.storage_kept_by}保管"))
        else:
            supervisor = pc.repair_supervisor.name if pc.repair_supervisor else ""
            facts.append(("维修", f"本单位内维修（{pc.repairer}），{supervisor}全程监管"))
    return facts


COMPUTER_REGISTER = RegisterSpec(
    key=COMPUTER_KEY,
    title="涉密计算机台账",
    model=SecretComputer,
    columns=(
        Column("number", "编号", SecretComputer.number, 14),
        Column("asset_tag", "资产编号", SecretComputer.asset_tag, 13),
        Column("kind", "类型", SecretComputer.kind, 8),
        Column("model", "品牌型号", SecretComputer.model, 14),
        Column("serial_no", "序列号", SecretComputer.serial_no, 12),
        Column("level", "密级标识", SecretComputer.level, 6),
        Column("custodian", "管理责任人", _Custodian.name, 8),
        Column("department", "使用部门", Department.name, 10),
        Column("auth", "认证方式", _AUTH_WORDS, 12),
        Column("network", "联网情况", _NETWORK_WORDS, 9),
        Column("protection", "保密防护措施", SecretComputer.protection, 18),
        Column("now", "状态", SecretComputer.status, 10, live=_pc_live, tone=_tone("口令逾期未更换")),
        Column("password", "口令", SecretComputer.status, 9, live=_password_live, tone=_tone("逾期未更换", "即将到期")),
        Column("password_changed_on", "口令最近更换", SecretComputer.password_changed_on, 10, "date"),
        Column("password_due_on", "口令应更换日期", SecretComputer.password_due_on, 10, "date"),
        Column("supervisor", "维修监管人", _Supervisor.name, 8),
        Column("repairer", "维修单位", SecretComputer.repairer, 12),
    ),
    base=_computer_base,
    search=(SecretComputer.number, SecretComputer.asset_tag, SecretComputer.model, SecretComputer.serial_no,
            _Custodian.name, Department.name),
    date_expr=SecretComputer.registered_at,
    workflow=COMPUTER_WORKFLOW,
    filters=(
        Filter("password_overdue", "口令逾期未更换", lambda a: _pc_overdue(clock.today())),
        Filter("mine_overdue", "我管理的口令逾期未更换",
               lambda a: and_(_pc_overdue(clock.today()), SecretComputer.custodian_id == a.id) if a.id else false()),
        Filter("mine", "我管理的", lambda a: SecretComputer.custodian_id == a.id if a.id else false()),
        Filter("in_use", "在用", lambda a: SecretComputer.status == "in_use"),
        Filter("repair", "维修中", lambda a: SecretComputer.status == "repair"),
        Filter("to_destroy", "待批准销毁", COMPUTER_WORKFLOW.available_where("destroy")),
        Filter("retired", "已停用或已销毁", lambda a: SecretComputer.status.in_(("converted", "destroyed"))),
    ),
    scope=_computer_scope,
    form=COMPUTER_FIELDS,
    create=lambda db, actor, data: DeviceService(db).register_computer(actor, data),
    create_label="登记涉密计算机",
    may_create=lambda a: a.has(roles.SECRECY),
    create_who="保密办",
    dashboard=_computer_dashboard,
    act=service_act(DeviceService, "act_on_computer"),
    live_status="now",
    lines=(LinesSpec("password_changes", "口令更换记录（只登记日期和所符合的要求，不登记口令）",
                     (FormField("changed_on", "更换日期"), FormField("policy", "符合的要求"), FormField("by", "登记人")),
                     _password_changes),),
    facts=_pc_facts,
    documents=(RegisterDocument(COMPUTER_FORM_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
    listed_for=WIDE_ROLES,  # a custodian finds it while a computer is theirs; nobody else
    printed_columns=("number", "asset_tag", "kind", "model", "level", "custodian", "department", "auth", "now",
                     "password_changed_on", "password_due_on"),
)


def _medium_scope(actor: User) -> Any:
    if actor.has(*WIDE_ROLES):
        return None
    return or_(SecretMedium.custodian_id == actor.id, secrecy_settings.names(secrecy_settings.MEDIA_ISSUER, actor),
               secrecy_settings.names(secrecy_settings.GROUP_HEAD, actor))


def _media_out_overdue(today: dt.date) -> ColumnElement[bool]:
    return and_(SecretMedium.status == "out", SecretMedium.due_on < today)


def _medium_live(today: dt.date) -> Any:
    return case((_holiday_outstanding(today), literal("节假日应交未交")),
                (_media_out_overdue(today), literal("逾期未带回")),
                *((SecretMedium.status == key, literal(label)) for key, label in MEDIUM_WORKFLOW.states.items()),
                else_=SecretMedium.status)


def _medium_dashboard(session: Session, actor: User) -> list[DashboardItem]:
    def count(key: str) -> int:
        return RegisterQuery(MEDIUM_REGISTER, filter_key=key).count(session, actor)

    items = [DashboardItem("待我批准报废的涉密介质", count("to_scrap"), MEDIUM_KEY, "to_scrap", True)]
    if actor.has(roles.SECRECY):
        items += [DashboardItem("节假日应交未交的涉密介质", count("holiday_due"), MEDIUM_KEY, "holiday_due", True),
                  DashboardItem("逾期未带回的涉密介质", count("out_overdue"), MEDIUM_KEY, "out_overdue", True),
                  DashboardItem("节假日交存待发还的涉密介质", count("handed_in"), MEDIUM_KEY, "handed_in")]
    else:
        items.append(DashboardItem("我保管的节假日应交未交涉密介质", count("mine_holiday_due"), MEDIUM_KEY,
                                   "mine_holiday_due", True))
    return items


MEDIUM_REGISTER = RegisterSpec(
    key=MEDIUM_KEY,
    title="涉密移动存储介质登记簿",
    model=SecretMedium,
    columns=(
        Column("number", "编号", SecretMedium.number, 14),
        Column("kind", "类型", SecretMedium.kind, 7),
        Column("model", "品牌型号及序列号", SecretMedium.model, 18),
        Column("level", "密级", SecretMedium.level, 5),
        Column("custodian", "保管人", _Holder.name, 8),
        Column("department", "使用部门", Department.name, 10),
        Column("now", "状态", SecretMedium.status, 10, live=_medium_live,
               tone=lambda shown: "overdue" if shown in ("节假日应交未交", "逾期未带回") else None),
        Column("location", "现在位置", SecretMedium.location, 18),
        Column("since", "自何时起", SecretMedium.since, 13, "datetime"),
        Column("due_on", "应带回日期", SecretMedium.due_on, 10, "date"),
        Column("issuer", "配发人", _Issuer.name, 8),
        Column("issued_at", "配发时间", SecretMedium.issued_at, 13, "datetime"),
    ),
    base=_medium_base,
    search=(SecretMedium.number, SecretMedium.model, _Holder.name, SecretMedium.location),
    date_expr=SecretMedium.issued_at,
    workflow=MEDIUM_WORKFLOW,
    filters=(
        Filter("holiday_due", "节假日应交未交", lambda a: _holiday_outstanding(clock.today())),
        Filter("mine_holiday_due", "我保管的节假日应交未交",
               lambda a: and_(_holiday_outstanding(clock.today()), SecretMedium.custodian_id == a.id)
               if a.id else false()),
        Filter("out_overdue", "逾期未带回", lambda a: _media_out_overdue(clock.today())),
        Filter("handed_in", "节假日交存", lambda a: SecretMedium.status == "handed_in"),
        Filter("out", "携带外出", lambda a: SecretMedium.status == "out"),
        Filter("to_scrap", "待我批准报废", MEDIUM_WORKFLOW.available_where("scrap")),
        Filter("mine", "我保管的", lambda a: SecretMedium.custodian_id == a.id if a.id else false()),
        Filter("scrapped", "已销毁", lambda a: SecretMedium.status == "scrapped"),
    ),
    scope=_medium_scope,
    form=MEDIUM_FIELDS,
    create=lambda db, actor, data: DeviceService(db).issue_medium(actor, data),
    create_label="登记配发介质",
    dashboard=_medium_dashboard,
    act=service_act(DeviceService, "act_on_medium"),
    live_status="now",
    listed_for=WIDE_ROLES,  # a custodian (and the issuer the settings name) finds it while it holds a row of theirs
)


def _holiday_live(today: dt.date) -> Any:
    return case((SecretHoliday.hand_in_by > today, literal("未到交存日期")),
                (SecretHoliday.ends_on >= today, literal("交存期间")), else_=literal("已结束"))


def _handed_count() -> Any:
    return (select(func.count(SecretMediumHandIn.id)).where(SecretMediumHandIn.holiday_id == SecretHoliday.id)
            .correlate(SecretHoliday).scalar_subquery())


def _returned_count() -> Any:
    return (select(func.count(SecretMediumHandIn.id)).where(SecretMediumHandIn.holiday_id == SecretHoliday.id,
                                                            SecretMediumHandIn.handed_back_at.is_not(None))
            .correlate(SecretHoliday).scalar_subquery())


HOLIDAY_REGISTER = RegisterSpec(
    key=HOLIDAY_KEY,
    title="节假日涉密介质交存期间",
    model=SecretHoliday,
    columns=(
        Column("name", "节假日", SecretHoliday.name, 10),
        Column("hand_in_by", "交存日期", SecretHoliday.hand_in_by, 10, "date"),
        Column("starts_on", "放假开始", SecretHoliday.starts_on, 10, "date"),
        Column("ends_on", "放假结束", SecretHoliday.ends_on, 10, "date"),
        Column("state", "交存情况", SecretHoliday.name, 10, live=_holiday_live),
        Column("handed", "已交存件数", _handed_count(), 8, "int"),
        Column("returned", "已发还件数", _returned_count(), 8, "int"),
    ),
    base=lambda: select(SecretHoliday.id).select_from(SecretHoliday),
    search=(SecretHoliday.name,),
    date_expr=SecretHoliday.starts_on,
    default_sort=("starts_on", True),
    filters=(Filter("current", "交存期间", lambda a: and_(SecretHoliday.hand_in_by <= clock.today(),
                                                          SecretHoliday.ends_on >= clock.today())),),
    visible_to=(*WIDE_ROLES,),
    form=HOLIDAY_FIELDS,
    create=lambda db, actor, data: DeviceService(db).add_holiday(actor, data),
    create_label="登记节假日",
    may_create=lambda a: a.has(roles.SECRECY, ADMIN),
    create_who="保密办",
    documents=(RegisterDocument(HOLIDAY_LIST_KIND, may=lambda a: a.has(*WIDE_ROLES), who="保密办或院领导"),),
)


# --- documents ---------------------------------------------------------------------------------------

def _media_of_holiday(session: Session, holiday: SecretHoliday) -> list[SecretMedium]:
    """The media that were to be handed in for ``holiday``: 机密级以下, issued before it ended and not
    scrapped before its 交存日期 — and any handed in for it."""
    before_end = dt.datetime.combine(holiday.ends_on + dt.timedelta(days=1), dt.time())
    from_hand_in = dt.datetime.combine(holiday.hand_in_by, dt.time())
    handed = exists(select(SecretMediumHandIn.id).where(SecretMediumHandIn.holiday_id == holiday.id,
                                                        SecretMediumHandIn.medium_id == SecretMedium.id))
    due = and_(SecretMedium.level != "绝密", SecretMedium.issued_at < before_end,
               or_(SecretMedium.scrapped_at.is_(None), SecretMedium.scrapped_at >= from_hand_in))
    return list(session.scalars(select(SecretMedium).where(or_(due, handed)).order_by(SecretMedium.id)))


def build_holiday_list(session: Session, holiday_id: int) -> Document:
    holiday = load_or_refuse(session, SecretHoliday, holiday_id, "节假日", "该节假日不存在")
    style = kernel_settings.date_style(session)
    court = kernel_settings.get(session, "court_name")
    rows_in = {r.medium_id: r for r in session.scalars(
        select(SecretMediumHandIn).where(SecretMediumHandIn.holiday_id == holiday.id))}
    rows: list[tuple[str, ...]] = []
    missing = 0
    for n, medium in enumerate(_media_of_holiday(session, holiday), 1):
        row = rows_in.get(medium.id)
        if row is None:
            missing += 1
        rows.append((str(n), medium.number, medium.kind, medium.level, medium.custodian.name,
                     court_time(row.handed_in_at, style) if row else "未交存", "",
                     row.received_by.name if row else "",
                     court_time(row.handed_back_at, style) if row and row.handed_back_at else "", "",
                     row.returned_by.name if row and row.returned_by else ""))
    period = f"{court_date(holiday.starts_on, style)}至{court_date(holiday.ends_on, style)}"
    return Document(
        "节假日涉密介质交存清单",
        (
            Title(f"{court}\n{holiday.name}涉密移动存储介质交存清单"),
            Paragraph(f"依据《保密工作制度》第三十六条(4)，机密级以下涉密移动存储介质日常由涉密人员保管，节假日交由保密办统一"
                      f"保管。放假期间：{period}；交存日期：{court_date(holiday.hand_in_by, style)}。", indent=True),
            Table((DocColumn("序号", 0.5), DocColumn("介质编号", 1.8), DocColumn("类型", 0.9), DocColumn("密级", 0.6),
                   DocColumn("保管人", 0.9), DocColumn("交存时间", 1.7), DocColumn("交存人签字", 1.1),
                   DocColumn("接收人", 0.9), DocColumn("发还时间", 1.7), DocColumn("领回人签字", 1.1),
                   DocColumn("发还人", 0.9)), rows, size=10.5, min_row_height_mm=9),
            Spacer(),
            Paragraph(f"应交存{len(rows)}件，已交存{len(rows) - missing}件，未交存{missing}件。", indent=False),
            SignatureLine((("保密办经办人签字", ""), ("日期", "")), blank_chars=8),
        ),
        page=REGISTER_PAGE,
    )


def build_computer_form(session: Session, pc_id: int) -> Document:
    pc = load_or_refuse(session, SecretComputer, pc_id, "涉密计算机", "该涉密计算机不存在")
    style = kernel_settings.date_style(session)
    court = kernel_settings.get(session, "court_name")
    due = court_date(pc.password_due_on, style) if pc.password_due_on else "无更换周期要求"
    if pc.status == "in_use" and pc.password_due_on is not None and pc.password_due_on < clock.today():
        due += "（已逾期未更换）"
    facts = [("编号", pc.number), ("资产编号", pc.asset_tag), ("类型", pc.kind), ("品牌型号", pc.model),
             ("序列号", pc.serial_no), ("密级标识", pc.level), ("管理责任人", pc.custodian.name),
             ("使用部门", pc.department.name), ("保密防护措施", pc.protection), ("认证方式", AUTHS.get(pc.auth, pc.auth)),
             ("联网情况", NETWORKS.get(pc.network, pc.network)), ("口令要求", password_policy(pc.level, pc.auth)[2]),
             ("口令应更换日期", due), ("状态", COMPUTER_WORKFLOW.label(pc.status))]
    changes = [(r["changed_on"], r["policy"], r["by"]) for r in _password_changes(session, pc.id)]
    steps = [(court_time(st.at, style), COMPUTER_WORKFLOW.action_label(st.action) or st.action, st.actor_name,
              st.comment) for st in workflow.history(session, COMPUTER_KEY, pc.id)]
    return Document(
        "涉密计算机登记表",
        (
            Title(f"{court}\n涉密计算机登记表"),
            Table((DocColumn("项目", 1.2), DocColumn("内容", 4.8)), facts, header=False, size=10.5),
            Paragraph("口令更换记录（只登记日期和所符合的要求，不登记口令，《保密工作制度》第三十四条(3)）", indent=False),
            Table((DocColumn("更换日期", 1.2), DocColumn("符合的要求", 3.8), DocColumn("登记人", 1.0)),
                  changes or [("", "", "")], size=10.5),
            Paragraph("维修、移交、停用和销毁记录", indent=False),
            Table((DocColumn("时间", 1.4), DocColumn("事项", 1.1), DocColumn("办理人", 0.8), DocColumn("情况", 2.7)),
                  steps, size=10.5),
            Spacer(),
            SignatureLine((("管理责任人签字", ""), ("保密办签字", ""), ("日期", "")), blank_chars=6),
        ),
    )


DEVICE_DOCUMENTS = (
        DocumentKind(HOLIDAY_LIST_KIND, "节假日涉密介质交存清单",
                     ids=lambda: select(SecretHoliday.id).order_by(SecretHoliday.starts_on),
                     build=build_holiday_list, missing="该节假日不存在"),
        DocumentKind(COMPUTER_FORM_KIND, "涉密计算机登记表",
                     ids=lambda: select(SecretComputer.id).order_by(SecretComputer.id),
                     build=build_computer_form, missing="该涉密计算机不存在"),
)
