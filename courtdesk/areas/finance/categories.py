"""The words of the finance area that several of its modules share: the kinds of claim and their
expense categories (费用类别)."""

from __future__ import annotations

KINDS: dict[str, str] = {"general": "支出报销单", "travel": "差旅费报销单"}
#: 差旅费报销单's categories (the central 差旅费管理办法's items).
TRAVEL_CATEGORIES = ("城市间交通费", "住宿费", "伙食补助费", "市内交通费", "其他")
#: 支出报销单's categories.
GENERAL_CATEGORIES = ("办案费", "办公费", "印刷费", "邮电费", "维修费", "会议费", "培训费", "其他")
