"""Departments, users and roles (SPEC "Users and roles")."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courtdesk.models.base import Base, VersionedMixin


class Role(str, enum.Enum):
    """Roles of the court's office work. A person can hold several."""

    CLERK = "clerk"
    OFFICE_HEAD = "office_head"
    DEPT_HEAD = "dept_head"
    LEADER = "leader"
    FINANCE = "finance"
    FINANCE_LEADER = "finance_leader"
    PRESIDENT = "president"
    SECRECY = "secrecy"
    IT_OPS = "it_ops"
    ENFORCEMENT = "enforcement"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "办公室文员",
    Role.OFFICE_HEAD: "办公室负责人",
    Role.DEPT_HEAD: "部门负责人",
    Role.LEADER: "院领导",
    Role.FINANCE: "财务",
    Role.FINANCE_LEADER: "分管财务院领导",
    Role.PRESIDENT: "院长",
    Role.SECRECY: "保密办",
    Role.IT_OPS: "网络运维主管",
    Role.ENFORCEMENT: "执行干警",
    Role.ADMIN: "系统管理员",
}


#: Roles that see the office's registers (seal use, blank letterhead) whole, not only their own part.
OFFICE_WIDE_ROLES: tuple[Role, ...] = (Role.CLERK, Role.OFFICE_HEAD, Role.LEADER, Role.PRESIDENT, Role.ADMIN)


class Department(VersionedMixin, Base):
    __tablename__ = "department"
    __label__ = "部门"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    #: 政治处 keeps the party-group seal; the office keeps the court and office seals.
    kind: Mapped[str] = mapped_column(String(20), default="business")
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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
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
