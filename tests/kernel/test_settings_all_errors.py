"""Court settings (issue 15 items 2 and 3): one save reports every bad value, each as 「字段：规则」,
and saves nothing; the first-run question is decided by the values — a stand-in factory value (the
phone of zeros) keeps it asked after any number of saves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courtdesk.kernel import settings
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.settings import SettingsService


def _stored(db) -> dict[str, str]:
    with db.read() as s:
        return {row.key: row.value for row in s.scalars(select(Setting))}


def _asked(db) -> list[str]:
    with db.read() as s:
        return [spec.key for spec in settings.to_confirm(s)]


def test_every_bad_value_is_reported_after_one_save_and_nothing_is_saved(db, users):
    before = _stored(db)
    with pytest.raises(ValidationError) as refused:
        SettingsService(db).save(users["admin"], {
            "court_name": "河北省某某人民法院",  # good, but not saved with the bad ones
            "postcode": "12",
            "document_date_style": "罗马数字",
            "attachment_max_mb": "0",
            "address": "某路\u202e1号",
        })
    every = refused.value.every
    assert [(one.field, one.own) for one in every] == [
        ("邮政编码", "邮政编码：应为 6 位数字"),
        ("文书日期写法", "文书日期写法：只能是「中文」、「阿拉伯数字」之一"),
        ("附件大小上限（MB）", "附件大小上限（MB）：不能小于 1"),
        ("法院地址", "法院地址：含有改变文字显示方向的控制字符（U+202E），请删除后重新输入"),
    ]
    assert all(one.own.startswith(f"{one.field}：") for one in every)  # 「字段：规则」
    assert str(refused.value) == "；".join(one.own for one in every)
    assert _stored(db) == before


def test_joined_flattens_refusals_that_already_carry_others():
    a, b, c = (ValidationError(f"{n}：不对", field=n) for n in "甲乙丙")
    joined = ValidationError.joined([ValidationError("甲：不对", field="甲", also=(b,)), c])
    assert [one.field for one in joined.every] == ["甲", "乙", "丙"]
    assert str(joined) == "甲：不对；乙：不对；丙：不对"
    alone = ValidationError.joined([a])
    assert len(alone.every) == 1 and (alone.field, str(alone)) == ("甲", "甲：不对")


def test_saving_the_factory_values_unchanged_still_asks_for_the_stand_in_phone(db, users):
    assert _asked(db) == ["address", "postcode", "phone"]
    every_value = {spec.key: spec.default for spec in settings.specs()}
    SettingsService(db).save(users["admin"], every_value)
    # the address and postcode may well be right, and an administrator has checked them; the phone
    # of zeros never is
    assert _asked(db) == ["phone"]
    SettingsService(db).save(users["admin"], {"phone": "0316-6080000"})
    assert _asked(db) == []
    # a real value removed again is asked again
    SettingsService(db).save(users["admin"], {"address": "", "phone": "0316-0000000"})
    assert _asked(db) == ["address", "phone"]
