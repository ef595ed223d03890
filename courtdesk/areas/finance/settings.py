"""Settings the finance area adds (系统管理 → 系统设置)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func, select

from courtdesk.areas.system import roles
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.settings import SettingSpec
from courtdesk.kernel.standins import StandIn

CLAIM_REMINDER_DAYS = "claim_reminder_days"
ADVANCE_REMINDER_DAYS = "advance_reminder_days"
DEFAULT_REMINDER_DAYS = 30

#: 差旅费标准 (see .standards): whole yuan per person per day (allowances) or per night (accommodation
#: cap by the destination's class). Defaults follow 《中央和国家机关差旅费管理办法》 (伙食补助费 100,
#: 市内交通费 80 元/人·天) and its accommodation table for ordinary staff; a court changes them to its
#: province's table.
MEAL_RATE = "travel_meal_rate"
LOCAL_RATE = "travel_local_rate"
LODGING_CAPS: dict[str, str] = {"一类": "travel_lodging_1", "二类": "travel_lodging_2", "三类": "travel_lodging_3"}
#: The classes as the claim form offers them (the stored ``ExpenseClaim.city_class`` is the key).
CITY_CLASSES: dict[str, str] = {
    "一类": "一类（北京、上海、广州、深圳）",
    "二类": "二类（其他直辖市、省会城市、计划单列市）",
    "三类": "三类（其他地区）",
}
_CENTRAL = "默认按《中央和国家机关差旅费管理办法》，可改为本省标准"
TRAVEL_STANDARDS: tuple[SettingSpec, ...] = (
    SettingSpec(MEAL_RATE, f"伙食补助费标准（元/人·天；{_CENTRAL}）", "100", 5, kind="int", minimum=1,
                maximum=10000),
    SettingSpec(LOCAL_RATE, f"市内交通费标准（元/人·天；{_CENTRAL}）", "80", 5, kind="int", minimum=1,
                maximum=10000),
    SettingSpec(LODGING_CAPS["一类"], "住宿费标准 一类地区（元/人·晚；北京、上海、广州、深圳）", "500", 5, kind="int",
                minimum=1, maximum=10000),
    SettingSpec(LODGING_CAPS["二类"], "住宿费标准 二类地区（元/人·晚；其他直辖市、省会城市、计划单列市）", "400", 5,
                kind="int", minimum=1, maximum=10000),
    SettingSpec(LODGING_CAPS["三类"], "住宿费标准 三类地区（元/人·晚；其他地区）", "300", 5, kind="int",
                minimum=1, maximum=10000),
)

#: The most one claim may ask (whole yuan): a claim of ¥999,999,999,999.99 once saved and could then
#: never be printed. Each line, each receipt and the claim's total are refused above it.
CLAIM_CEILING = "claim_ceiling_yuan"
DEFAULT_CLAIM_CEILING = 1_000_000

#: 代理审批人 for the 分管财务院领导 (第5、9条(6)、13条): named for a period, the stand-in approves the
#: claims (审批同意 / 退回修改) and advances (批准 / 不予批准) she may approve — never their own, never hers
#: (those go to the 院长) — and the step says it was taken as stand-in. Used by ``may_lead`` of the
#: claims and the advances (``rules.approving(..., stand_in=LEADER_STAND_IN)``).
LEADER_STAND_IN = StandIn("finance_leader_standin", "分管财务院领导", (roles.FINANCE_LEADER,),
                          rule="《办公室财务管理办法》第5、9条(6)、13条")

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(CLAIM_REMINDER_DAYS, "出差返回后提醒报销（天）", str(DEFAULT_REMINDER_DAYS), 3, kind="int",
                minimum=1, maximum=365),
    SettingSpec(ADVANCE_REMINDER_DAYS, "出差返回后借支未结清提醒（天）", str(DEFAULT_REMINDER_DAYS), 3, kind="int",
                minimum=1, maximum=365),
    *TRAVEL_STANDARDS,
    SettingSpec(CLAIM_CEILING, "单张报销单金额上限（元）", str(DEFAULT_CLAIM_CEILING), 9, kind="int", minimum=1,
                maximum=100_000_000),
    *LEADER_STAND_IN.settings,
)


def claim_ceiling_fen(session: Any) -> int:
    """The ceiling of one claim (and of each of its lines and receipts), in fen."""
    from courtdesk.kernel import settings

    try:
        return int(settings.get(session, CLAIM_CEILING)) * 100
    except ValueError:
        return DEFAULT_CLAIM_CEILING * 100


def reminder_days_sql(key: str = CLAIM_REMINDER_DAYS, default: int = DEFAULT_REMINDER_DAYS) -> Any:
    """The whole-number setting ``key`` (a number of days; ``default`` until saved) as SQL — a scalar
    subquery — so a register filter or live column, which gets no session, reads the value of the day,
    as the dashboard and the list must agree."""
    stored = select(cast(Setting.value, Integer)).where(Setting.key == key).scalar_subquery()
    return func.coalesce(stored, default)
