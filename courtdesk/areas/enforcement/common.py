"""Shared helpers of the enforcement area: permissions, scopes, and choices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from courtdesk.areas.enforcement.models import EnforcementCase
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.system import roles
from courtdesk.kernel.errors import PermissionDenied
from courtdesk.kernel.models.people import User, UserRole
from courtdesk.kernel.people import require
from courtdesk.kernel.records import load_or_refuse

#: Who may open the enforcement registers.
VISIBLE_TO = (ENFORCEMENT, roles.LEADER, roles.PRESIDENT)


def require_enforcement(actor: User, action: str) -> None:
    require(actor, ENFORCEMENT, action=action)


def is_bureau_head(actor: User) -> bool:
    """The bureau's head (部门负责人 + 执行干警) and court leaders look at the whole bureau's work."""
    return actor.has(roles.LEADER, roles.PRESIDENT) or (actor.has(roles.DEPT_HEAD) and actor.has(ENFORCEMENT))


def my_cases(actor: User) -> ColumnElement[bool]:
    """Cases the actor handles (承办人) or records (书记员)."""
    return or_(EnforcementCase.officer_id == actor.id, EnforcementCase.clerk_id == actor.id)


def in_my_charge(actor: User) -> ColumnElement[bool]:
    """The cases the actor answers for: all of them for the bureau's head, else his own (SQL over
    :class:`EnforcementCase`) — what his dashboard counts and whose steps he may take."""
    return true() if is_bureau_head(actor) else my_cases(actor)


dashboard_scope = in_my_charge


def load_case(session: Session, case_id: Any) -> EnforcementCase:
    return load_or_refuse(session, EnforcementCase, case_id, "执行案件", "该案件不存在")


def check_case_open(case: EnforcementCase, what: str) -> None:
    if case.status == "closed":
        raise PermissionDenied(f"执行案件：{case.number} 已结案（{case.close_mode}），不能再{what}", field="执行案件")


def enforcement_users(session: Session) -> list[User]:
    stmt = (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == ENFORCEMENT.value, User.active.is_(True)).order_by(User.id))
    return list(session.scalars(stmt).unique())


def user_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    return [(u.id, f"{u.name}（{u.title or u.department_name}）") for u in enforcement_users(session)]


def open_cases(session: Session, actor: User | None) -> list[EnforcementCase]:
    """Cases not yet closed that the actor handles or records (all of them for the bureau's head)."""
    stmt = select(EnforcementCase).where(EnforcementCase.status != "closed")
    if actor is not None and not is_bureau_head(actor):
        stmt = stmt.where(my_cases(actor))
    return list(session.scalars(stmt.order_by(EnforcementCase.id.desc())).unique())


def case_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    """The actor's open cases (for a form's 执行案件)."""
    return [(c.id, f"{c.number}　{c.applicant_names} 与 {c.respondent_names}") for c in open_cases(session, actor)]


def respondent_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    """The respondents of the actor's open cases, with the case number."""
    return [(p.id, f"{p.name}（{c.number}）") for c in open_cases(session, actor) for p in c.respondents]

