"""Settings the enforcement area adds (系统管理 → 系统设置)."""

from __future__ import annotations

from courtdesk.kernel.settings import SettingSpec

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("enforcement_bureau", "执行局名称", "廊坊经济技术开发区人民法院执行局", 60),
    SettingSpec("letter_reply_days", "调查函回复期限（天）", "15", 3, kind="int", minimum=1, maximum=365),
)
