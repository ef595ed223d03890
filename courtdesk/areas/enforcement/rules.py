"""The rules of the enforcement area as data and small pure functions.

* Case numbers (案号) — 《最高人民法院关于人民法院案件案号的若干规定》: ``(年度)法院代字类型代字序号号``,
  e.g. ``(2026)冀1091执123号``. The court code comes from the settings (``court_code``), the year
  must be the year the case was filed (立案年度).
* Identity numbers of parties — persons: GB 11643-1999 (courtdesk.kernel.validation.id_number);
  organisations: the 统一社会信用代码 of GB 32100-2015 (18 characters, MOD 31 check character), whose
  characters 9–17 are the 组织机构代码 of GB 11714-1997 (MOD 11 check character) — both are checked.
* Seizure terms — 《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第485条 (2022 revision;
  第487条 in the 2015 text): bank deposits may be frozen for at most one year, movables seized or
  detained for at most two years, real estate sealed and other property rights frozen for at most three
  years; each renewal (续行) must be done before the term ends and is bounded by the same maximum.
  Motor vehicles are movables (机动车是特殊动产, 《民法典》第225条), so the two-year limit applies.
  Periods are counted by 《民法典》第201–202条: the first day is not counted, the period ends on the
  corresponding day (the last day of the month when there is none), so a one-year freeze from
  2026-01-10 may run at the latest to 2027-01-10.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from courtdesk.areas.enforcement.models import CASE_TYPES, MEASURES, PROPERTY_TYPES
from courtdesk.kernel import validation
from courtdesk.kernel.errors import ValidationError

# --- case numbers --------------------------------------------------------------------------------

CASE_NUMBER_RULE = "《最高人民法院关于人民法院案件案号的若干规定》"
CASE_NUMBER_EXAMPLE = "(2026)冀1091执123号"
_CASE_NUMBER = re.compile(r"^\((\d{4})\)([\u4e00-\u9fa5]\d*)(执[\u4e00-\u9fa5]?)(\d+)号$")


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    case_type: str
    sequence: int

    @property
    def text(self) -> str:
        return format_case_number(self.year, self.court_code, self.case_type, self.sequence)


def format_case_number(year: int, court_code: str, case_type: str, sequence: int) -> str:
    return f"({year}){court_code}{case_type}{sequence}号"


def normalise_case_number(text: str) -> str:
    """Full-width parentheses and stray spaces are accepted and stored as ``(2026)冀1091执123号``."""
    return re.sub(r"\s+", "", text or "").replace("（", "(").replace("）", ")")


def parse_case_number(value: object, *, court_code: str, filed_on: dt.date | None,
                      today: dt.date) -> CaseNumber:
    label = "案号"
    raw = normalise_case_number(validation.text(value, label, max_len=40))
    match = _CASE_NUMBER.fullmatch(raw)
    if match is None:
        raise ValidationError(
            f"{label}：「{raw}」格式不对，应为 {CASE_NUMBER_EXAMPLE}（(年度)法院代字+类型代字+序号+号）",
            field=label, rule=CASE_NUMBER_RULE)
    year, code, case_type, seq_text = match.groups()
    if code != court_code:
        raise ValidationError(f"{label}：法院代字应为本院的「{court_code}」，现为「{code}」", field=label,
                              rule=CASE_NUMBER_RULE)
    if case_type not in CASE_TYPES:
        kinds = "、".join(CASE_TYPES)
        raise ValidationError(f"{label}：「{case_type}」不是执行案件的类型代字（可用：{kinds}）", field=label,
                              rule=CASE_NUMBER_RULE)
    if seq_text.startswith("0") or len(seq_text) > 6:
        raise ValidationError(f"{label}：序号「{seq_text}」应为 1–999999 的数字，前面不补 0", field=label,
                              rule=CASE_NUMBER_RULE)
    year_n = int(year)
    if not 1990 <= year_n <= today.year:
        raise ValidationError(f"{label}：年度 {year_n} 不对，应在 1990 至 {today.year} 之间", field=label)
    if filed_on is not None and filed_on.year != year_n:
        raise ValidationError(
            f"{label}：年度（{year_n}）应与立案日期的年份（{filed_on.year}）一致", field=label,
            rule=CASE_NUMBER_RULE)
    return CaseNumber(year_n, code, case_type, int(seq_text))


# --- identity numbers ----------------------------------------------------------------------------

USCC_RULE = "GB 32100-2015"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc(value: object, label: str = "统一社会信用代码", *, required: bool = True) -> str:
    """统一社会信用代码 per GB 32100-2015 (and the embedded organisation code per GB 11714)."""
    result = validation.text(value, label, max_len=18, required=required).upper()
    if not result:
        return result
    if len(result) != 18 or any(c not in _USCC_CHARS for c in result):
        raise ValidationError(
            f"{label}：应为 18 位数字或大写字母（不使用 I、O、Z、S、V）", field=label, rule=USCC_RULE)
    if not result[2:8].isdigit():
        raise ValidationError(f"{label}：第 3–8 位应为登记管理机关的行政区划码（数字）", field=label,
                              rule=USCC_RULE)
    expected = uscc_check_char(result[:17])
    if result[17] != expected:
        raise ValidationError(f"{label}：校验码错误（最后一位应为 {expected}），请核对代码", field=label,
                              rule=USCC_RULE)
    if org_code_check_char(result[8:16]) != result[16]:
        raise ValidationError(f"{label}：第 9–17 位的组织机构代码校验码不对，请核对代码", field=label,
                              rule="GB 11714-1997")
    return result


def party_id_number(kind: str, value: object, who: str, *, required: bool) -> str:
    if kind == "organisation":
        return uscc(value, f"{who}统一社会信用代码", required=required)
    return validation.id_number(value, f"{who}身份证号码", required=required)


# --- seizure terms -------------------------------------------------------------------------------

TERM_RULE = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第485条"


@dataclass(frozen=True)
class TermLimit:
    years: int
    #: The words of the rule for this type, quoted in refusals.
    words: str


TERM_LIMITS: dict[str, TermLimit] = {
    "deposit": TermLimit(1, "冻结银行存款的期限不得超过一年"),
    "movable": TermLimit(2, "查封、扣押动产的期限不得超过两年"),
    "vehicle": TermLimit(2, "机动车属于动产，查封、扣押的期限不得超过两年"),
    "real_estate": TermLimit(3, "查封不动产的期限不得超过三年"),
    "equity": TermLimit(3, "冻结股权等其他财产权的期限不得超过三年"),
    "other_right": TermLimit(3, "冻结其他财产权的期限不得超过三年"),
}

#: Which measures fit which property: deposits and property rights are frozen (冻结), real estate
#: is sealed (查封), movables are sealed or detained (查封、扣押).
MEASURES_FOR: dict[str, tuple[str, ...]] = {
    "deposit": ("freeze",),
    "movable": ("seal", "detain"),
    "vehicle": ("seal", "detain"),
    "real_estate": ("seal",),
    "equity": ("freeze",),
    "other_right": ("freeze",),
}

#: The applicant must ask for renewal 15 days before the end (查封、冻结期限告知与风险提示制度).
RENEWAL_NOTICE_DAYS = 15
RADAR_DAYS = 30

assert set(TERM_LIMITS) == set(PROPERTY_TYPES) == set(MEASURES_FOR)
assert all(set(m) <= set(MEASURES) for m in MEASURES_FOR.values())


def add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later (28 February when 29 February has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_end(property_type: str, from_day: dt.date) -> dt.date:
    """The last day a term counted from ``from_day`` may run to."""
    return add_years(from_day, TERM_LIMITS[property_type].years)


def check_measure(measure: str, property_type: str) -> None:
    if property_type not in PROPERTY_TYPES:
        raise ValidationError("财产类型：请选择 " + "、".join(PROPERTY_TYPES.values()), field="财产类型")
    if measure not in MEASURES:
        raise ValidationError("措施：应为 查封、扣押 或 冻结", field="措施")
    allowed = MEASURES_FOR[property_type]
    if measure not in allowed:
        words = "或".join(MEASURES[m] for m in allowed)
        raise ValidationError(
            f"措施：{PROPERTY_TYPES[property_type]}应采取{words}措施，不能{MEASURES[measure]}", field="措施")


def check_end(property_type: str, from_day: dt.date, end: dt.date, label: str, *, renewal: bool) -> None:
    """Refuse an end beyond the legal maximum, naming the limit and the article."""
    limit = latest_end(property_type, from_day)
    if end > limit:
        rule = TERM_LIMITS[property_type]
        if renewal:
            words = f"续行期限不得超过法定期限（{rule.words}），自原期限届满日 {from_day:%Y-%m-%d} 起"
        else:
            words = f"{rule.words}，自 {from_day:%Y-%m-%d} 起"
        raise ValidationError(
            f"{label}：{words}最迟只能到 {limit:%Y-%m-%d}，不能到 {end:%Y-%m-%d}"
            f"（依据{TERM_RULE}{'第二款' if renewal else '第一款'}；2015年版为第487条）",
            field=label, rule=TERM_RULE)
