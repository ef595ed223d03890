"""The enforcement area's role."""

from __future__ import annotations

from courtdesk.kernel.models.people import declare_role

#: 执行干警: files cases, letters and seizures of the enforcement bureau.
ENFORCEMENT = declare_role("enforcement", "执行干警")
