"""Money: exact ``decimal.Decimal`` yuan with two decimals (fen), never float.

* :func:`parse_amount` turns what a clerk typed (``"￥3,000.5"``) into ``Decimal('3000.50')`` or
  refuses it with a :class:`~courtdesk.kernel.errors.ValidationError` that names the field and the rule.
* :func:`to_fen` / :func:`from_fen` convert to and from integer fen for storage.
* :func:`format_yuan` gives ``¥3,000.00``.
* :func:`amount_in_words` gives the capital amount (人民币大写) used on claim forms and slips,
  written by the rules of 《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》 and
  《会计基础工作规范》第五十二条:

  - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, 元角分;
  - 整 after 元 or 角 when there is no 分; never 整 after 分;
  - one 零 for a run of zeros inside the number (``1,000,005`` → 壹佰万零伍元整);
  - 零 after 元 when 角 is 0 but 分 is not (``325.04`` → 叁佰贰拾伍元零肆分);
  - where the rules leave 零 optional (元 or 万 digit 0 with the next digit non-zero) we follow
    spoken usage and leave it out: ``1,050.50`` → 壹仟零伍拾元伍角整, ``107,000`` → 壹拾万柒仟元整;
  - 拾 always carries its digit, so nothing can be added in front: ``10`` → 壹拾元整.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from courtdesk.kernel.errors import ValidationError

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "amount_in_words",
    "format_yuan",
    "from_fen",
    "parse_amount",
    "to_fen",
]

CENT = Decimal("0.01")
#: Largest amount the app accepts (just under one trillion yuan, 万亿).
MAX_AMOUNT = Decimal("999999999999.99")

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，＋－", "0123456789.,+-")
_SPACES = re.compile(r"[\s\u3000\u00a0\u202f]+")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")


def _refuse(field: str, rule_text: str) -> ValidationError:
    return ValidationError(f"{field}：{rule_text}", field=field)


def parse_amount(value: str | int | Decimal, field: str = "金额") -> Decimal:
    """Return *value* as a non-negative yuan amount quantized to fen.

    Accepts ``str`` (spaces, thousands commas and a leading ¥/￥ allowed; full-width digits are
    understood), ``int`` and ``Decimal``. ``float`` is refused with :class:`TypeError`: a float
    cannot hold 0.1 exactly, so a float reaching this function is a programming error.
    Anything else the user could fix raises :class:`ValidationError` naming *field*.
    """
    if isinstance(value, float):
        raise TypeError(
            f"{field}：金额不能以浮点数（float）传入，请使用 str、int 或 decimal.Decimal",
        )
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"{field}：不支持的金额类型 {type(value).__name__}")

    if isinstance(value, str):
        amount = _parse_text(value, field)
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        amount = value
        if not amount.is_finite():
            raise _refuse(field, "不是有效的数字")

    if amount < 0:
        raise _refuse(field, "不能为负数")
    if amount > MAX_AMOUNT:
        raise _refuse(field, "不能超过 999,999,999,999.99 元")
    result = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if result != amount:
        raise _refuse(field, "最多保留两位小数（分）")
    return abs(result)  # turn a "-0.00" into "0.00"


def _parse_text(text: str, field: str) -> Decimal:
    cleaned = _SPACES.sub("", text.translate(_FULLWIDTH))
    cleaned = cleaned.removeprefix("人民币")
    if cleaned[:1] in ("¥", "￥"):
        cleaned = cleaned[1:]
    sign = ""
    if cleaned[:1] in ("+", "-"):
        sign, cleaned = cleaned[0], cleaned[1:]
    if cleaned[:1] in ("¥", "￥"):  # "-¥5"
        cleaned = cleaned[1:]
    if not cleaned:
        raise _refuse(field, "请填写金额")
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            raise _refuse(field, f"「{text.strip()}」千分位逗号的位置不对（应每三位一个，如 3,000.00）")
        cleaned = cleaned.replace(",", "")
    if not _PLAIN.fullmatch(cleaned):
        raise _refuse(field, f"「{text.strip()}」不是有效的金额（只能填数字和小数点，如 3000.00）")
    if sign == "-" and cleaned.strip("0.") != "":
        raise _refuse(field, "不能为负数")
    if len(cleaned.partition(".")[2].rstrip("0")) > 2:
        raise _refuse(field, "最多保留两位小数（分）")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the regex above admits only valid numbers
        raise _refuse(field, "不是有效的数字") from None


def to_fen(amount: Decimal) -> int:
    """Whole fen in *amount* (may be negative, e.g. a balance). Refuses sub-fen amounts."""
    if isinstance(amount, (float, bool)):
        raise TypeError("to_fen 需要 decimal.Decimal 或 int，不能用 float")
    fen = Decimal(amount) * 100
    if not fen.is_finite() or fen != fen.to_integral_value():
        raise ValueError(f"金额 {amount} 不是整分")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """``Decimal`` yuan for an integer count of fen, always with two decimals."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"from_fen 需要 int，得到 {type(fen).__name__}")
    return (Decimal(fen) / 100).quantize(CENT)


def format_yuan(amount: Decimal | int) -> str:
    """``¥3,000.00``; negative amounts as ``-¥3,000.00``. Display only: rounds half up to fen."""
    if isinstance(amount, (float, bool)):
        raise TypeError("format_yuan 需要 decimal.Decimal 或 int，不能用 float")
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def amount_in_words(amount: Decimal | int | str, prefix: bool = False) -> str:
    """Capital amount (人民币大写) such as ``壹万贰仟叁佰肆拾伍元陆角柒分``.

    With ``prefix=True`` the result starts with 人民币. The amount is checked like user input
    (non-negative, at most two decimals, below one trillion), so a bad value raises
    :class:`ValidationError`.
    """
    value = parse_amount(amount)
    fen_total = to_fen(value)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)

    words = _integer_in_words(yuan)
    if yuan:
        words += "元"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"  # 《支付结算办法》附件一 四(4): 角 is 0 and 分 is not → 元 is followed by 零
    if fen:
        words += _DIGITS[fen] + "分"
    elif yuan or jiao:
        words += "整"
    else:
        words = "零元整"
    return ("人民币" + words) if prefix else words


def _integer_in_words(number: int) -> str:
    """Chinese capitals for a whole number below 10^12 (empty string for 0)."""
    if number == 0:
        return ""
    groups: list[int] = []  # least significant group of four digits first
    while number:
        number, rest = divmod(number, 10_000)
        groups.append(rest)

    parts: list[str] = []
    pending_zero = False
    started = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = started
            continue
        for position in range(3, -1, -1):
            digit = group // 10**position % 10
            if digit == 0:
                pending_zero = started
                continue
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(_DIGITS[digit] + _SMALL_UNITS[position])
            started = True
        parts.append(_GROUP_UNITS[index])
        # Zeros at the end of a 万/亿 group are not read: 壹拾万柒仟, not 壹拾万零柒仟.
        pending_zero = False
    return "".join(parts)
