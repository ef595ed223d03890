"""Court dates as 人民法院诉讼文书样式 writes them, and the setting that asks for Arabic numerals."""

from __future__ import annotations

import datetime as dt

import pytest

from courtdesk.kernel import settings
from courtdesk.kernel.documents.dates import ARABIC, CHINESE, court_date, court_time
from courtdesk.kernel.settings import SettingsService


@pytest.mark.parametrize(("day", "chinese", "arabic"), [
    (dt.date(2026, 1, 14), "二〇二六年一月十四日", "2026年1月14日"),
    (dt.date(2030, 10, 31), "二〇三〇年十月三十一日", "2030年10月31日"),
    (dt.date(2026, 12, 20), "二〇二六年十二月二十日", "2026年12月20日"),
    (dt.date(2100, 2, 1), "二一〇〇年二月一日", "2100年2月1日"),
])
def test_dates_in_both_styles(day, chinese, arabic):
    assert court_date(day) == court_date(day, CHINESE) == chinese
    assert court_date(day, ARABIC) == arabic


def test_times_in_both_styles():
    assert court_time(dt.datetime(2026, 1, 14, 10, 30)) == "二〇二六年一月十四日十时三十分"
    assert court_time(dt.datetime(2026, 1, 14, 9, 0)) == "二〇二六年一月十四日九时"
    assert court_time(dt.datetime(2026, 1, 14, 0, 5)) == "二〇二六年一月十四日零时五分"
    assert court_time(dt.datetime(2026, 1, 14, 9, 5), ARABIC) == "2026年1月14日9时05分"


def test_the_style_is_a_setting_chinese_by_default(db, users):
    with db.read() as s:
        assert settings.date_style(s) == CHINESE
    SettingsService(db).save(users["admin"], {"document_date_style": ARABIC})
    with db.read() as s:
        assert settings.date_style(s) == ARABIC


def test_the_default_address_is_complete_and_the_first_run_asks_for_it(db, users):
    with db.read() as s:
        address = settings.get(s, "address")
        asked = [spec.key for spec in settings.to_confirm(s)]
    assert address.endswith("号") and any(ch.isdigit() for ch in address)  # street and number
    assert "address" in asked
    SettingsService(db).save(users["admin"], {"address": "河北省廊坊经济技术开发区华祥路118号"})
    with db.read() as s:
        assert "address" not in [spec.key for spec in settings.to_confirm(s)]
