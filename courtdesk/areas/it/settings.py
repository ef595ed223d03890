"""Settings the IT area adds (系统管理 → 系统设置): the leader the rule book names by office."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select

from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import User
from courtdesk.kernel.settings import SettingSpec

#: 信息化建设工作领导小组主管领导: agrees to scrapping (第22条), external-network use (第19条) and repairs
#: that find games or need specialists (第34条).
IT_LEADER = "it_leader"

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(IT_LEADER, "信息化建设工作领导小组主管领导（《信息化网络管理暂行规定》第19条、第22条、第34条）", "", 12,
                kind="user"),
)


def names(key: str, actor: User) -> ColumnElement[bool]:
    """SQL: the setting ``key`` names ``actor``."""
    return exists(select(Setting.id).where(Setting.key == key, Setting.value == str(actor.id)))
