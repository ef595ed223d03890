"""Settings the enforcement area adds (系统管理 → 系统设置)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from courtdesk.kernel import firstrun
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.settings import SettingSpec, store

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("enforcement_bureau", "执行局名称", "廊坊经济技术开发区人民法院执行局", 60),
    SettingSpec("letter_reply_days", "调查函回复期限（天）", "15", 3, kind="int", minimum=1, maximum=365),
)


def _bureau_prefill(values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    short = str(values.get("court", {}).get("court_short_name") or "")
    return {"enforcement_bureau": f"{short}执行局"} if short else {}


def _apply_bureau(ctx: firstrun.SetupContext, mine: Mapping[str, Any]) -> None:
    store(ctx.session, {"enforcement_bureau": SETTINGS[0].clean(mine["enforcement_bureau"])})


#: First run: the bureau's name, suggested from the court's short name (「××人民法院执行局」).
SETUP_STEP = firstrun.SetupStep(
    "enforcement", "执行局", (FormField("enforcement_bureau", SETTINGS[0].label, "text", max_len=SETTINGS[0].max_len,
                                       help="印在执行文书上的执行局名称"),),
    _apply_bureau, prefill=_bureau_prefill,
    check=lambda values: _clean_refusals(values["enforcement"].get("enforcement_bureau", "")),
    intro="执行文书（调查函、查封措施告知笔录）上的执行局名称。")


def _clean_refusals(value: Any) -> list[ValidationError]:
    try:
        SETTINGS[0].clean(value)
    except ValidationError as exc:
        return [exc]
    return []
