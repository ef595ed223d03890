"""重要数据备份 (《信息化网络管理暂行规定》第6条(3): the 网络运维主管 定期对重要数据进行拷备并存档).

- 信建办 lists the systems whose data is backed up, each with its interval in days and where copies
  are kept (备份系统); a system no longer backed up is 停止备份 (and back: 恢复备份).
- Each backup is logged (数据备份记录): which system, when, on what medium, where kept, whether it was
  verified restorable, by whom — only the 网络运维主管 logs backups (第6条(3)).
- 逾期未备份 is read live: the last backup (or none at all) older than the interval; the 网络运维主管's
  dashboard leads to those systems.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.it.misc_models import ItBackup, ItBackupSystem
from courtdesk.areas.it.service import BOOK, OFFICE, WIDE_ROLES, require_office
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, rules
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    DashboardItem,
    Filter,
    RegisterQuery,
    RegisterSpec,
    days_between,
    service_act,
)
from courtdesk.kernel.workflow import Transition, Workflow, src

SYSTEM_KEY = "it_backup_system"
BACKUP_KEY = "it_backup"
RULE_BACKUP = f"{BOOK}第6条(3)"
#: Who logs a backup: the 网络运维主管 alone (第6条(3)).
BACKUP_ROLES = (roles.IT_OPS,)
MEDIA = ("移动硬盘", "光盘", "磁带", "备份服务器", "异地备份", "其他")


def require_backup_role(actor: User) -> None:
    if not actor.has(*BACKUP_ROLES):
        raise PermissionDenied("操作人：重要数据的备份由网络运维主管负责并登记", field="操作人", rule=RULE_BACKUP)


def _active_systems(session: Session, actor: Any) -> list[tuple[Any, str]]:
    rows = session.scalars(select(ItBackupSystem).where(ItBackupSystem.status == "active").order_by(ItBackupSystem.id))
    return [(s.id, s.name) for s in rows]


SYSTEM_FIELDS: tuple[FormField, ...] = (
    FormField("name", "系统名称", "text", max_len=60, help="如 办公OA、数字法院办案系统、内网门户"),
    FormField("contents", "备份内容", "text", required=False, max_len=200, help="如 数据库、附件、配置"),
    FormField("interval_days", "备份周期（天）", "int", minimum=1, maximum=366),
    FormField("kept_at", "存放位置", "text", max_len=100, help="备份存档的地点或介质存放处"),
)
BACKUP_STEP_FIELDS: tuple[FormField, ...] = (
    FormField("backed_up_at", "备份时间", "datetime"),
    FormField("medium", "备份介质", "choice", choices=lambda s, a: [(m, m) for m in MEDIA]),
    FormField("kept_at", "存放位置", "text", required=False, max_len=100, help="不填：该系统登记的存放位置"),
    FormField("verified", "已校验可恢复", "choice", choices=lambda s, a: [("yes", "是"), ("no", "否")], default="no"),
)
BACKUP_FIELDS: tuple[FormField, ...] = (
    FormField("system_id", "备份系统", "choice", choices=_active_systems),
    *BACKUP_STEP_FIELDS,
    FormField("remarks", "备注", "text", required=False, max_len=200),
)


# --- the log ---------------------------------------------------------------------------------------

def log_in(s: Session, actor: User, system: ItBackupSystem, values: dict[str, Any]) -> ItBackup:
    """Log one backup of ``system`` inside the caller's unit of work."""
    require_backup_role(actor)
    if system.status != "active":
        raise ValidationError(f"备份系统：「{system.name}」已停止备份，请先恢复备份", field="备份系统")
    at: dt.datetime = values["backed_up_at"]
    if at > clock.now():
        raise ValidationError("备份时间：不能晚于现在", field="备份时间")
    if at < system.registered_at - dt.timedelta(days=366):
        raise ValidationError("备份时间：早于该系统登记一年以上，请核对", field="备份时间")
    backup = ItBackup(system_id=system.id, backed_up_at=at, medium=values["medium"],
                      kept_at=(values.get("kept_at") or "").strip() or system.kept_at,
                      verified=values.get("verified") == "yes", by_id=actor.id, remarks=values.get("remarks") or "")
    s.add(backup)
    s.flush()
    return backup


# --- systems: workflow -----------------------------------------------------------------------------

def _system_base() -> Any:
    return select(ItBackupSystem.id).select_from(ItBackupSystem)


may_manage = rules.holding(_system_base, *OFFICE, name="may_manage_backup_system")
may_back_up = rules.holding(_system_base, *BACKUP_ROLES, name="may_back_up")


def _log_step(session: Session, actor: User, system: ItBackupSystem, values: dict[str, Any]) -> None:
    backup = log_in(session, actor, system, values)
    said = f"备份至{backup.medium}，存放于{backup.kept_at}" + ("，已校验" if backup.verified else "")
    values["comment"] = said + (f"；{values['comment']}" if values["comment"] else "")


SYSTEM_WORKFLOW = Workflow(
    entity=SYSTEM_KEY,
    states={"active": "定期备份", "retired": "停止备份"},
    initial="active",
    transitions=(
        Transition("back_up", "登记备份", src("active"), "active", may_back_up, "网络运维主管", effect=_log_step,
                   fields=BACKUP_STEP_FIELDS, rule=RULE_BACKUP, aside=True),
        Transition("retire", "停止备份", src("active"), "retired", may_manage, "信建办", comment_required=True),
        Transition("resume", "恢复备份", src("retired"), "active", may_manage, "信建办"),
    ),
)


# --- services --------------------------------------------------------------------------------------

class BackupService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_system(self, actor: User, data: dict[str, Any]) -> ItBackupSystem:
        require_office(actor, "登记备份系统")
        values = clean(SYSTEM_FIELDS, data)
        with self.db.write(actor) as s:
            return add_system_in(s, actor, values)

    def log(self, actor: User, data: dict[str, Any]) -> ItBackup:
        """登记 one backup (the log register's 新建)."""
        require_backup_role(actor)
        values = clean(BACKUP_FIELDS, data)
        with self.db.write(actor) as s:
            system = load_or_refuse(s, ItBackupSystem, values["system_id"], "备份系统", "该系统不存在")
            return log_in(s, actor, system, values)

    def act(self, actor: User, system_id: int, action: str, comment: str = "", **params: Any) -> ItBackupSystem:
        with self.db.write(actor) as s:
            system = load_or_refuse(s, ItBackupSystem, system_id, "备份系统", "该系统不存在")
            SYSTEM_WORKFLOW.fire(s, actor, system, action, comment, **params)
            return system


def add_system_in(s: Session, actor: User, values: dict[str, Any]) -> ItBackupSystem:
    name = values["name"].strip()
    if s.scalars(select(ItBackupSystem.id).where(ItBackupSystem.name == name)).first() is not None:
        raise ValidationError(f"系统名称：「{name}」已登记", field="系统名称")
    system = ItBackupSystem(status=SYSTEM_WORKFLOW.initial, name=name, contents=values["contents"] or "",
                            interval_days=values["interval_days"], kept_at=values["kept_at"],
                            registered_at=clock.now(), registered_by_id=actor.id)
    s.add(system)
    s.flush()
    return system


# --- registers -------------------------------------------------------------------------------------

def _last_at() -> Any:
    return (select(func.max(ItBackup.backed_up_at)).where(ItBackup.system_id == ItBackupSystem.id)
            .scalar_subquery())


def _overdue(today: dt.date) -> Any:
    """SQL: an active system whose last backup (or, never backed up, its registration) is more than
    its interval ago."""
    last = func.coalesce(_last_at(), ItBackupSystem.registered_at)
    return and_(ItBackupSystem.status == "active", _days_since(last, today) > ItBackupSystem.interval_days)


def _days_since(moment: Any, today: dt.date) -> Any:
    """Whole days from ``moment``'s date to ``today`` (SQLite and PostgreSQL), by calendar days."""
    return days_between(func.date(moment), literal(today, Date()))


def _live(today: dt.date) -> Any:
    return case((ItBackupSystem.status == "retired", literal("停止备份")),
                (_overdue(today), literal("逾期未备份")),
                (_last_at().is_(None), literal("尚未备份")),
                else_=literal("正常"))


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(roles.IT_OPS):
        return []
    count = RegisterQuery(SYSTEM_REGISTER, filter_key="overdue").count(session, actor)
    return [DashboardItem("逾期未备份的系统", count, SYSTEM_KEY, "overdue", True)]


def _notices(session: Session, actor: User, system: ItBackupSystem) -> list[str]:
    if system.status != "active":
        return []
    last = session.scalar(select(func.max(ItBackup.backed_up_at)).where(ItBackup.system_id == system.id))
    since = (last or system.registered_at).date()
    due = since + dt.timedelta(days=system.interval_days)
    if due < clock.today():
        what = f"最近一次备份为{last:%Y-%m-%d}" if last else "登记后尚未备份"
        return [f"{what}，按每{system.interval_days}天备份一次，应于{due:%Y-%m-%d}前备份，已逾期"
                f"{(clock.today() - due).days}天（{RULE_BACKUP}）"]
    return []


SYSTEM_REGISTER = RegisterSpec(
    key=SYSTEM_KEY,
    title="备份系统",
    model=ItBackupSystem,
    columns=(
        Column("name", "系统名称", ItBackupSystem.name, 14),
        Column("contents", "备份内容", ItBackupSystem.contents, 16),
        Column("interval_days", "备份周期（天）", ItBackupSystem.interval_days, 8, "int"),
        Column("kept_at", "存放位置", ItBackupSystem.kept_at, 14),
        Column("last_at", "最近备份", _last_at(), 13, "datetime"),
        Column("now", "状态", ItBackupSystem.status, 9, live=_live,
               tone=lambda shown: "overdue" if shown == "逾期未备份" else ("soon" if shown == "尚未备份" else None)),
    ),
    base=_system_base,
    search=(ItBackupSystem.name, ItBackupSystem.contents, ItBackupSystem.kept_at),
    date_expr=ItBackupSystem.registered_at,
    workflow=SYSTEM_WORKFLOW,
    filters=(
        Filter("overdue", "逾期未备份", lambda a: _overdue(clock.today())),
        Filter("active", "定期备份", lambda a: ItBackupSystem.status == "active"),
        Filter("retired", "停止备份", lambda a: ItBackupSystem.status == "retired"),
    ),
    visible_to=WIDE_ROLES,
    form=SYSTEM_FIELDS,
    create=lambda db, actor, data: BackupService(db).add_system(actor, data),
    create_label="登记备份系统",
    may_create=lambda actor: actor.has(*OFFICE),
    create_who="信建办（网络运维主管、办公室负责人）",
    dashboard=_dashboard,
    act=service_act(BackupService),
    notices=_notices,
    live_status="now",
)


_By = aliased(User)


def _backup_base() -> Any:
    return (select(ItBackup.id).select_from(ItBackup).join(ItBackupSystem, ItBackupSystem.id == ItBackup.system_id)
            .join(_By, _By.id == ItBackup.by_id))


BACKUP_REGISTER = RegisterSpec(
    key=BACKUP_KEY,
    title="数据备份记录",
    model=ItBackup,
    columns=(
        Column("system", "备份系统", ItBackupSystem.name, 14),
        Column("backed_up_at", "备份时间", ItBackup.backed_up_at, 13, "datetime"),
        Column("medium", "备份介质", ItBackup.medium, 9),
        Column("kept_at", "存放位置", ItBackup.kept_at, 14),
        Column("verified", "已校验", case((ItBackup.verified, literal("是")), else_=literal("否")), 6),
        Column("by", "备份人", _By.name, 8),
        Column("remarks", "备注", ItBackup.remarks, 16),
    ),
    base=_backup_base,
    search=(ItBackupSystem.name, ItBackup.medium, ItBackup.kept_at, _By.name),
    date_expr=ItBackup.backed_up_at,
    default_sort=("backed_up_at", True),
    filters=(
        Filter("unverified", "未校验", lambda a: ItBackup.verified.is_(False)),
        Filter("this_month", "本月", lambda a: ItBackup.backed_up_at >= dt.datetime(clock.today().year,
                                                                                  clock.today().month, 1)),
    ),
    visible_to=WIDE_ROLES,
    form=BACKUP_FIELDS,
    create=lambda db, actor, data: BackupService(db).log(actor, data),
    create_label="登记备份",
    may_create=lambda actor: actor.has(*BACKUP_ROLES),
    create_who="网络运维主管",
)
