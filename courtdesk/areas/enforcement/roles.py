"""The enforcement area's role and department category."""

from __future__ import annotations

from courtdesk.kernel.models.people import declare_department_kind, declare_role

#: 执行干警: files cases, letters and seizures of the enforcement bureau.
ENFORCEMENT = declare_role("enforcement", "执行干警")

#: The enforcement bureau (执行局) as a department category.
ENFORCEMENT_DEPARTMENT = declare_department_kind("enforcement", "执行部门")
