"""Settings the finance area adds (系统管理 → 系统设置)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func, select

from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.settings import SettingSpec

CLAIM_REMINDER_DAYS = "claim_reminder_days"
DEFAULT_REMINDER_DAYS = 30

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(CLAIM_REMINDER_DAYS, "出差返回后提醒报销（天）", str(DEFAULT_REMINDER_DAYS), 3, kind="int",
                minimum=1, maximum=365),
)


def reminder_days_sql() -> Any:
    """The setting as SQL (a scalar subquery), so a register filter — which gets no session — reads the
    value of the day, as the dashboard and the list must agree."""
    stored = select(cast(Setting.value, Integer)).where(Setting.key == CLAIM_REMINDER_DAYS).scalar_subquery()
    return func.coalesce(stored, DEFAULT_REMINDER_DAYS)
