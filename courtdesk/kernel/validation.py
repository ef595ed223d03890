"""Shared input checks. Every refusal names the field (「字段：规则」) and writes nothing."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from courtdesk.kernel import clock
from courtdesk.kernel.charsets import surely_printable
from courtdesk.kernel.errors import ValidationError

#: The earliest date a record of this court can carry (the People's Republic's founding).
EARLIEST_DATE = dt.date(1949, 10, 1)
#: The latest: beyond it a date is a typing slip (e.g. 2206 for 2026).
LATEST_DATE = dt.date(2099, 12, 31)

#: Characters that reorder text on screen and paper (bidirectional embeddings, overrides and
#: isolates): a title can be made to read differently from what it stores.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _invisible(ch: str) -> bool:
    """Whitespace and zero-width / format characters (U+200B, U+200D, U+FEFF, U+2060 …)."""
    return ch.isspace() or unicodedata.category(ch) == "Cf"


#: Line breaks a one-line field refuses (besides \n and \r): the Unicode line and paragraph separators.
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


def printable(value: str, label: str) -> None:
    """Refuse text with a character no font can print (「「𓀀」无法打印：没有包含此字的字体…」), so it is
    caught at the field and not left as a gap on paper.  Text of ASCII and GBK characters is
    passed without loading a font (the font module and reportlab are imported only for rarer ones)."""
    if all(surely_printable(ch) for ch in value):
        return
    from courtdesk.kernel.documents.fonts import check_printable

    check_printable(value, label)


def text(value: Any, label: str, *, max_len: int, required: bool = True, min_len: int = 0,
         multiline: bool = False) -> str:
    """Cleaned text: refuses control characters, direction overrides and marks, zero-width and other
    invisible format characters inside the text, broken characters (lone surrogates), line breaks in a
    one-line field (``multiline=False``: also U+2028/U+2029), characters no font can print (every text
    field can end up on paper: :func:`printable`) and — when required — text with nothing visible in
    it."""
    result = "" if value is None else str(value).strip()
    if result and all(_invisible(ch) for ch in result):
        result = ""  # only zero-width characters: nothing there
    for ch in result:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise ValidationError(f"{label}：含有无法识别的字符（编码已损坏），请重新输入", field=label)
        if ch in _BIDI_CONTROLS or ch in "\u200e\u200f\u061c":
            raise ValidationError(f"{label}：含有改变文字显示方向的控制字符（U+{code:04X}），请删除后重新输入",
                                  field=label)
        if ch in _LINE_BREAKS and not (multiline and ch in "\n\r"):
            raise ValidationError(f"{label}：只能填写一行，不能含有换行（U+{code:04X}）", field=label)
        if unicodedata.category(ch) == "Cf":
            raise ValidationError(f"{label}：含有看不见的字符（U+{code:04X}），请删除后重新输入", field=label)
        if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r":
            raise ValidationError(f"{label}：含有不可见的控制字符", field=label)
    if required and not result:
        raise ValidationError(f"{label}：必填，不能为空", field=label)
    if len(result) > max_len:
        raise ValidationError(f"{label}：不能超过 {max_len} 个字（现有 {len(result)} 个）", field=label)
    if result and len(result) < min_len:
        raise ValidationError(f"{label}：至少 {min_len} 个字", field=label)
    printable(result, label)
    return result


def integer(value: Any, label: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{label}：必填，不能为空", field=label)
    if isinstance(value, (bool, float)):
        raise ValidationError(f"{label}：必须是整数", field=label)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label}：必须是整数", field=label) from None
    if minimum is not None and number < minimum:
        raise ValidationError(f"{label}：不能小于 {minimum}", field=label)
    if maximum is not None and number > maximum:
        raise ValidationError(f"{label}：不能大于 {maximum}", field=label)
    return number


def plausible(value: dt.date, label: str) -> None:
    """Refuse a date no record of this court can carry (a slip such as 0001-01-01 or 2206-03-05)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_DATE:
        raise ValidationError(f"{label}：不能早于 {EARLIEST_DATE:%Y-%m-%d}，请核对年份", field=label)
    if day > LATEST_DATE:
        raise ValidationError(f"{label}：不能晚于 {LATEST_DATE:%Y-%m-%d}，请核对年份", field=label)


def not_before(value: dt.date | None, earliest: dt.date | None, label: str, what: str) -> None:
    """Refuse ``value`` earlier than ``earliest`` — the date of the record it depends on (``what``,
    e.g. 「立案日期」)."""
    if value is None or earliest is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    first = earliest.date() if isinstance(earliest, dt.datetime) else earliest
    if day < first:
        raise ValidationError(f"{label}：不能早于{what}（{first:%Y-%m-%d}）", field=label)


def date_value(value: Any, label: str, *, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label}：必填，不能为空", field=label)
        return None
    if isinstance(value, dt.datetime):
        result = _local(value).date()
    elif isinstance(value, dt.date):
        result = value
    else:
        try:
            result = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f"{label}：日期格式应为 年-月-日，例如 2026-03-05", field=label) from None
    plausible(result, label)
    return result


def _local(value: dt.datetime) -> dt.datetime:
    """A timezone-aware time as this workstation's local wall-clock time (how every time is kept)."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


def datetime_value(value: Any, label: str, *, required: bool = True) -> dt.datetime | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label}：必填，不能为空", field=label)
        return None
    if isinstance(value, dt.datetime):
        result = _local(value).replace(microsecond=0)
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time())
    else:
        try:
            result = _local(dt.datetime.fromisoformat(str(value).strip())).replace(microsecond=0)
        except ValueError:
            raise ValidationError(f"{label}：时间格式应为 年-月-日 时:分，例如 2026-03-05 14:30",
                                  field=label) from None
    plausible(result, label)
    return result


def not_future(value: dt.datetime | dt.date, label: str) -> None:
    now = clock.now()
    limit: dt.datetime | dt.date = now if isinstance(value, dt.datetime) else now.date()
    if value > limit:  # type: ignore[operator]
        raise ValidationError(f"{label}：不能晚于当前时间（{limit:%Y-%m-%d %H:%M}）".replace(" 00:00", ""), field=label)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number(value: Any, label: str = "身份证号码", *, required: bool = True) -> str:
    """Resident identity number per GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check digit)."""
    result = text(value, label, max_len=18, required=required).upper()
    if not result:
        return result
    if not re.fullmatch(r"\d{17}[\dX]", result):
        raise ValidationError(f"{label}：应为 18 位，前 17 位是数字，最后一位是数字或 X", field=label,
                              rule="GB 11643-1999")
    try:
        dt.date(int(result[6:10]), int(result[10:12]), int(result[12:14]))
    except ValueError:
        raise ValidationError(f"{label}：第 7–14 位的出生日期不存在", field=label, rule="GB 11643-1999") from None
    total = sum(int(d) * w for d, w in zip(result[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != result[17]:
        raise ValidationError(f"{label}：校验码错误（最后一位应为 {_ID_CHECK[total % 11]}），请核对号码",
                              field=label, rule="GB 11643-1999")
    return result


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]
