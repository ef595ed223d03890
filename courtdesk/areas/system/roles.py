"""The court's office posts (SPEC "Users and roles"): roles every area may ask for.

Roles that belong to one area's work are declared by that area (执行干警 by enforcement). Finance,
confidentiality and IT posts are declared here until their areas exist, because demo people and
administrators assign them today.
"""

from __future__ import annotations

from courtdesk.kernel.models.people import ADMIN, Role, declare_department_kind, declare_role

CLERK = declare_role("clerk", "办公室文员")
OFFICE_HEAD = declare_role("office_head", "办公室负责人")
DEPT_HEAD = declare_role("dept_head", "部门负责人")
LEADER = declare_role("leader", "院领导")
FINANCE = declare_role("finance", "财务")
FINANCE_LEADER = declare_role("finance_leader", "分管财务院领导")
PRESIDENT = declare_role("president", "院长")
SECRECY = declare_role("secrecy", "保密办")
IT_OPS = declare_role("it_ops", "网络运维主管")

#: The court-wide department categories (``Department.kind``; 业务部门 is the kernel's default):
#: 办公室 keeps the court and office seals, 政治处 the party-group seal.
OFFICE_DEPARTMENT = declare_department_kind("office", "办公室")
POLITICAL_DEPARTMENT = declare_department_kind("political", "政治处")
LEADERS_DEPARTMENT = declare_department_kind("leaders", "院领导")

#: Roles that see the office's registers (seal use, blank letterhead) whole, not only their own part.
OFFICE_WIDE_ROLES: tuple[Role, ...] = (CLERK, OFFICE_HEAD, LEADER, PRESIDENT, ADMIN)

__all__ = ["ADMIN", "CLERK", "DEPT_HEAD", "FINANCE", "FINANCE_LEADER", "IT_OPS", "LEADER", "LEADERS_DEPARTMENT",
           "OFFICE_DEPARTMENT", "OFFICE_HEAD", "OFFICE_WIDE_ROLES", "POLITICAL_DEPARTMENT", "PRESIDENT", "SECRECY"]
