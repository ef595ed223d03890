"""Departments, users and roles (SPEC "Users and roles")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.kernel.models.base import Base, VersionedMixin


class Role(str):
    """A role code as stored in ``user_role.role``. The kernel knows only :data:`ADMIN`; each area
    declares the roles it adds with :func:`declare_role` (its ``Area.roles``). A person can hold
    several roles."""

    __slots__ = ()

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self, str(self))

    @property
    def value(self) -> str:
        return str(self)


#: Every declared role and its Chinese name, in declaration order.
ROLE_LABELS: dict[str, str] = {}
#: Every declared department category (``Department.kind``) and its Chinese name, in declaration
#: order. The kernel knows only the default, 业务部门; the area that gives a category a meaning
#: declares it with :func:`declare_department_kind`, as areas declare their roles.
DEPARTMENT_KINDS: dict[str, str] = {}


def _declare(labels: dict[str, str], what: str, code: str, label: str) -> None:
    """Name ``code`` once in ``labels`` (the same name again is no change)."""
    known = labels.get(code)
    if known is not None and known != label:
        raise ValueError(f"{what} {code!r} declared twice with different names: {known} / {label}")
    labels[code] = label


def declare_role(code: str, label: str) -> Role:
    """Declare a role once (an area's module does this at import); returns the role."""
    _declare(ROLE_LABELS, "role", code, label)
    return Role(code)


def declare_department_kind(code: str, label: str) -> str:
    """Declare a department category once (an area's module does this at import); returns the code."""
    _declare(DEPARTMENT_KINDS, "department kind", code, label)
    return code


def department_kind_label(code: str) -> str:
    """The Chinese name of a department category (one no installed area declares: its code)."""
    return DEPARTMENT_KINDS.get(code, code)


def all_roles() -> list[Role]:
    return [Role(code) for code in ROLE_LABELS]


ADMIN = declare_role("admin", "系统管理员")
#: The category of a department no area gives a meaning to (a court division, the finance room …).
BUSINESS = declare_department_kind("business", "业务部门")


class Department(VersionedMixin, Base):
    __tablename__ = "department"
    __label__ = "部门"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    #: A declared category (:data:`DEPARTMENT_KINDS`): 政治处 keeps the party-group seal; the office
    #: keeps the court and office seals.
    kind: Mapped[str] = mapped_column(String(20), default=BUSINESS)
    active: Mapped[bool] = mapped_column(default=True)


class User(VersionedMixin, Base):
    __tablename__ = "user_account"
    __label__ = "用户"
    #: The audit log keeps only a digest of these columns.
    __audit_redact__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    wechat: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has(self, *roles: Role) -> bool:
        mine = self.roles
        return any(r in mine for r in roles)

    @property
    def department_name(self) -> str:
        return self.department.name if self.department else ""

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Base):
    __tablename__ = "user_role"
    __label__ = "用户角色"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginThrottle(Base):
    """Failed logins per login *name* as typed — an existing account or not — so neither the answer
    nor the lock-out tells anyone whether an account exists (the administrator sees lock-outs)."""

    __tablename__ = "login_throttle"
    __label__ = "登录失败记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
