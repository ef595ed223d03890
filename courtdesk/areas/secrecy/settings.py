"""Settings the secrecy area adds (系统管理 → 系统设置): the people the rule book names by office."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select

from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import User
from courtdesk.kernel.settings import SettingSpec

#: 定密责任人: reviews the 密级, 保密期限 and 知悉范围 the 承办人 proposes, before the 主管领导 approves.
CLASSIFIER = "secrecy_classifier"
#: 复制审批人: 「机密级、秘密级文件资料的复制……要经机关、单位复制人批准」 (第十八条(4)).
COPY_APPROVER = "secrecy_copy_approver"
#: 保密工作领导小组组长 (第二条: 院长): approves a phone brought into a 机密级以上 meeting (第三十七条(7)).
GROUP_HEAD = "secrecy_group_head"
#: 涉密移动存储介质管理人: the staff 保密办 names to issue and register media (第三十六条(1)).
MEDIA_ISSUER = "secrecy_media_issuer"

#: 脱密期 in months by 涉密等级 (《保密工作制度》第三十三条; 核心 2–3 年、重要 1–2 年、一般 6 个月–1 年).
DECLASS_MONTHS: dict[str, str] = {"核心": "secrecy_declass_core", "重要": "secrecy_declass_important",
                                  "一般": "secrecy_declass_general"}
#: 脱密期 bounds in months by level: (shortest, longest, default).
DECLASS_BOUNDS: dict[str, tuple[int, int, int]] = {"核心": (24, 36, 36), "重要": (12, 24, 24), "一般": (6, 12, 12)}
#: 在岗涉密人员 are trained again within this many months of the last training (第二十八条).
TRAINING_MONTHS = "secrecy_training_months"

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(CLASSIFIER, "定密责任人（审核涉密载体的密级、保密期限和知悉范围）", "", 12, kind="user"),
    SettingSpec(COPY_APPROVER, "涉密载体复制审批人（《保密工作制度》第十八条(4)）", "", 12, kind="user"),
    *(SettingSpec(key, f"{level}涉密人员脱密期（月，{low}–{high}，《保密工作制度》第三十三条）", str(default), 2,
                  kind="int", minimum=low, maximum=high)
      for level, key in DECLASS_MONTHS.items() for low, high, default in (DECLASS_BOUNDS[level],)),
    SettingSpec(TRAINING_MONTHS, "在岗涉密人员保密培训间隔（月，《保密工作制度》第二十八条）", "12", 2, kind="int",
                minimum=1, maximum=24),
    SettingSpec(GROUP_HEAD, "保密工作领导小组组长（批准手机带入涉密会议、涉密介质报废，《保密工作制度》第三十七条(7)、第三十六条(6)）",
                "", 12, kind="user"),
    SettingSpec(MEDIA_ISSUER, "涉密移动存储介质管理人（领取、登记、配发，《保密工作制度》第三十六条(1)）", "", 12,
                kind="user"),
)


def names(key: str, actor: User) -> ColumnElement[bool]:
    """SQL: the setting ``key`` names ``actor`` (read in the same query as the rows it decides)."""
    return exists(select(Setting.id).where(Setting.key == key, Setting.value == str(actor.id)))
