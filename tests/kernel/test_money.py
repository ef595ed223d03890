"""Money parsing, formatting and the capital amount (人民币大写)."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.money import (
    MAX_AMOUNT,
    amount_in_words,
    format_yuan,
    from_fen,
    parse_amount,
    to_fen,
)

MAX_FEN = to_fen(MAX_AMOUNT)

# ---------------------------------------------------------------------------------------------
# An independent reader of capital amounts, written the other way round from the generator
# (scan characters left to right, accumulate like a person reading the cheque).

_DIGIT_VALUES = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_capital_amount(words: str) -> Decimal:
    text = words.removeprefix("人民币").removesuffix("整")
    yuan_text, _, cents_text = text.rpartition("元") if "元" in text else ("", "", text)

    total = 0  # amount of the finished 亿 part
    section = 0  # amount inside the current 万 section
    digit = 0
    for ch in yuan_text:
        if ch in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[ch]
        elif ch in _SMALL:
            assert digit, f"{ch} without a digit in {words}"
            section += digit * _SMALL[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {words}")
    yuan = total + section + digit

    jiao = fen = 0
    match = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", cents_text)
    assert match, f"bad 角/分 part {cents_text!r} in {words}"
    if match.group(1):
        jiao = _DIGIT_VALUES[match.group(1)]
    if match.group(2):
        fen = _DIGIT_VALUES[match.group(2)]
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100


# Amounts: uniform over the whole range, plus numbers made mostly of zeros (where the 零 rules bite).
_zero_heavy_fen = st.lists(
    st.sampled_from([0] * 6 + list(range(1, 10))), min_size=1, max_size=len(str(MAX_FEN))
).map(lambda digits: int("".join(map(str, digits))))
amounts = st.one_of(st.integers(0, MAX_FEN), _zero_heavy_fen).map(from_fen)
whole_yuan = st.one_of(
    st.integers(0, 999_999_999_999),
    _zero_heavy_fen.filter(lambda n: n <= 999_999_999_999),
).map(Decimal)


# ---------------------------------------------------------------------------------------------
# Capital amount: the cases from the rules and the spec.


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("105", "壹佰零伍元整"),
        ("1050.50", "壹仟零伍拾元伍角整"),
        ("1050.05", "壹仟零伍拾元零伍分"),
        ("1000.05", "壹仟元零伍分"),
        ("1000005", "壹佰万零伍元整"),
        ("100000000", "壹亿元整"),
        ("0", "零元整"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("100010", "壹拾万零壹拾元整"),
        ("1409.50", "壹仟肆佰零玖元伍角整"),  # 《支付结算办法》附件一 四(1)
        ("6007.14", "陆仟零柒元壹角肆分"),  # 四(2): one 零 for a run of zeros
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # 四(3): 零 after 元 optional, we omit it
        ("107000.53", "壹拾万柒仟元伍角叁分"),  # 四(3)
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 四(4): 角 is 0, 分 is not
        ("325.04", "叁佰贰拾伍元零肆分"),  # 四(4)
        ("3000", "叁仟元整"),
        ("100005000", "壹亿零伍仟元整"),
        ("100050000", "壹亿零伍万元整"),
        ("1000000000", "壹拾亿元整"),
        ("110000000000", "壹仟壹佰亿元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words_examples(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words
    assert amount_in_words(Decimal(amount), prefix=True) == "人民币" + words


def test_amount_in_words_accepts_int_and_refuses_bad_amounts() -> None:
    assert amount_in_words(10) == "壹拾元整"
    with pytest.raises(ValidationError):
        amount_in_words(Decimal(-1))
    with pytest.raises(ValidationError):
        amount_in_words(Decimal("0.001"))
    with pytest.raises(ValidationError):
        amount_in_words(Decimal(1000000000000))
    with pytest.raises(TypeError):
        amount_in_words(1.5)  # type: ignore[arg-type]


@given(amounts)
@example(Decimal("0.00"))
@example(MAX_AMOUNT)
def test_capital_amount_reads_back_to_the_same_value(amount: Decimal) -> None:
    assert read_capital_amount(amount_in_words(amount)) == amount
    assert read_capital_amount(amount_in_words(amount, prefix=True)) == amount


@given(amounts)
def test_capital_amount_shape(amount: Decimal) -> None:
    words = amount_in_words(amount)
    fen = to_fen(amount) % 10
    jiao = to_fen(amount) // 10 % 10
    assert "零零" not in words
    assert not words.endswith("零")
    assert words.endswith("整") == (fen == 0)
    assert words.count("整") <= 1
    # every 拾/佰/仟 carries its digit (壹拾, never a bare 拾 that could be prefixed)
    assert not re.search(r"(?<![壹贰叁肆伍陆柒捌玖])[拾佰仟]", words)
    assert set(words) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    if amount >= 1 and jiao == 0 and fen != 0:
        assert "元零" in words
    if amount < 1 and amount != 0:
        assert "元" not in words and not words.startswith("零")


@given(whole_yuan)
def test_whole_yuan_amounts_end_with_yuan_zheng(amount: Decimal) -> None:
    assert amount_in_words(amount).endswith("元整")


# ---------------------------------------------------------------------------------------------
# Parsing what a clerk typed.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3000", "3000.00"),
        ("3,000.5", "3000.50"),
        ("¥3,000.00", "3000.00"),
        ("￥ 1 234 567.8", "1234567.80"),
        ("  12.30  ", "12.30"),
        ("３，０００．５０", "3000.50"),
        ("1.500", "1.50"),
        (".5", "0.50"),
        ("0", "0.00"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_parse_amount_accepts(text: str, expected: str) -> None:
    result = parse_amount(text)
    assert result == Decimal(expected)
    assert str(result) == expected  # always two decimals


def test_parse_amount_accepts_int_and_decimal() -> None:
    assert str(parse_amount(15)) == "15.00"
    assert str(parse_amount(Decimal("2.5"))) == "2.50"
    assert str(parse_amount(Decimal("-0.00"))) == "0.00"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("1.005", "最多保留两位小数（分）"),
        (Decimal("0.001"), "最多保留两位小数（分）"),
        ("-5", "不能为负数"),
        (-1, "不能为负数"),
        (Decimal("-0.01"), "不能为负数"),
        ("1000000000000", "不能超过"),
        (10**12, "不能超过"),
        (Decimal("1E+40"), "不能超过"),
        ("", "请填写金额"),
        ("   ", "请填写金额"),
        ("abc", "不是有效的金额"),
        ("1e3", "不是有效的金额"),
        ("1.2.3", "不是有效的金额"),
        ("1,00", "千分位"),
        (Decimal("NaN"), "不是有效的数字"),
        (Decimal("Infinity"), "不是有效的数字"),
    ],
)
def test_parse_amount_refuses_with_field_and_rule(value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_amount(value, field="报销金额")  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("报销金额：")
    assert rule in message
    assert info.value.field == "报销金额"


def test_parse_amount_default_field_message() -> None:
    with pytest.raises(ValidationError, match="^金额：最多保留两位小数（分）$"):
        parse_amount("0.123")


@pytest.mark.parametrize("value", [1.5, 0.1, True, None, [1]])
def test_parse_amount_refuses_float_and_other_types(value: object) -> None:
    with pytest.raises(TypeError, match="金额"):
        parse_amount(value)  # type: ignore[arg-type]


@given(amounts)
def test_parse_amount_round_trips_formatted_text(amount: Decimal) -> None:
    assert parse_amount(format_yuan(amount)) == amount
    assert parse_amount(str(amount)) == amount
    assert parse_amount(amount) == amount


# ---------------------------------------------------------------------------------------------
# Fen and display.


@given(st.integers(-MAX_FEN, MAX_FEN))
def test_fen_round_trip(fen: int) -> None:
    amount = from_fen(fen)
    assert amount.as_tuple().exponent == -2
    assert to_fen(amount) == fen


def test_to_fen_refuses_sub_fen_and_float() -> None:
    assert to_fen(Decimal("12.34")) == 1234
    assert to_fen(Decimal("12.3")) == 1230
    with pytest.raises(ValueError):
        to_fen(Decimal("0.001"))
    with pytest.raises(TypeError):
        to_fen(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_fen(Decimal(5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal(3000), "¥3,000.00"),
        (Decimal(0), "¥0.00"),
        (Decimal("1234567.8"), "¥1,234,567.80"),
        (Decimal("0.05"), "¥0.05"),
        (Decimal(-500), "-¥500.00"),
        (12, "¥12.00"),
        (Decimal("999999999999.99"), "¥999,999,999,999.99"),
    ],
)
def test_format_yuan(amount: Decimal, text: str) -> None:
    assert format_yuan(amount) == text


def test_format_yuan_refuses_float() -> None:
    with pytest.raises(TypeError):
        format_yuan(3.0)  # type: ignore[arg-type]


def test_money_module_does_not_import_qt() -> None:
    code = (
        "import sys, courtdesk.kernel.money; "
        "print(any(m.split('.')[0] in ('PySide6', 'shiboken6', 'ui') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
