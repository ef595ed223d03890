"""Dates and times as court documents print them.

人民法院诉讼文书样式 writes the date of a document in Chinese numerals, with 〇 for zero
(二〇二六年一月十四日, 十时三十分); the ``document_date_style`` setting may ask for Arabic numerals
(2026年1月14日, 10时30分) instead. Every document builder prints dates through :func:`court_date`.
"""

from __future__ import annotations

import datetime as dt

#: The values of the ``document_date_style`` setting.
CHINESE = "中文"
ARABIC = "阿拉伯数字"
STYLES = (CHINESE, ARABIC)

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in words as dates write them: 一, 十, 十四, 二十, 三十一."""
    if not 0 <= n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def chinese_year(year: int) -> str:
    """2026 → 二〇二六 (digit by digit)."""
    return "".join(_DIGITS[int(d)] for d in str(year))


def court_date(day: dt.date, style: str = CHINESE) -> str:
    """二〇二六年一月十四日, or 2026年1月14日 in the Arabic style."""
    if style == ARABIC:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def court_time(moment: dt.datetime, style: str = CHINESE) -> str:
    """二〇二六年一月十四日十时三十分 (整点: 十时), or 2026年1月14日10时30分."""
    day = court_date(moment.date(), style)
    if style == ARABIC:
        return f"{day}{moment.hour}时{moment.minute:02d}分"
    hour = chinese_number(moment.hour) if moment.hour else "零"
    minutes = f"{chinese_number(moment.minute)}分" if moment.minute else ""
    return f"{day}{hour}时{minutes}"
