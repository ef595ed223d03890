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

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(CLASSIFIER, "定密责任人（审核涉密载体的密级、保密期限和知悉范围）", "", 12, kind="user"),
    SettingSpec(COPY_APPROVER, "涉密载体复制审批人（《保密工作制度》第十八条(4)）", "", 12, kind="user"),
)


def names(key: str, actor: User) -> ColumnElement[bool]:
    """SQL: the setting ``key`` names ``actor`` (read in the same query as the rows it decides)."""
    return exists(select(Setting.id).where(Setting.key == key, Setting.value == str(actor.id)))

#: 保密工作领导小组组长: approves scrapping classified removable media (第三十六条(6)).
GROUP_HEAD = "secrecy_group_head"
#: 涉密移动存储介质管理人: the staff 保密办 names to issue and register media (第三十六条(1)).
MEDIA_ISSUER = "secrecy_media_issuer"

DEVICE_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(GROUP_HEAD, "保密工作领导小组组长（批准涉密移动存储介质报废，《保密工作制度》第三十六条(6)）", "", 12,
                kind="user"),
    SettingSpec(MEDIA_ISSUER, "涉密移动存储介质管理人（领取、登记、配发，《保密工作制度》第三十六条(1)）", "", 12,
                kind="user"),
)
SETTINGS = SETTINGS + DEVICE_SETTINGS
