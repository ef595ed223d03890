"""差旅费标准 — travel standards of a 差旅费报销单 (SPEC §3; 《办公室财务管理办法》第3条, 第8条).

The standards are settings (系统管理 → 系统设置, see :mod:`.settings`), defaulting to the central
《中央和国家机关差旅费管理办法》: 伙食补助费 100 元/人·天, 市内交通费 80 元/人·天, and an accommodation
cap per person and night by the destination's class (``ExpenseClaim.city_class``).

* 出差天数 = 返回日期 − 出发日期 + 1 (按自然天数); nights = days − 1; persons = the 出差人 named.
* 伙食补助费 and 市内交通费 are allowances (包干): days × persons × rate. A travel claim's allowance line
  saved with its amount blank gets the amount (and, when blank, the description) by the standard; an
  allowance needs no original receipt.
* 住宿费 is capped at nights × persons × the class's cap.

A category whose lines add up to more than its standard is a *flag* (:func:`over_standard`), not a
refusal: finance sees it among the claim's problems and registers the claim only with a comment saying
why the excess is accepted (the 审核登记 step of :mod:`.claims`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from courtdesk.areas.finance.models import ExpenseClaim
from courtdesk.areas.finance.settings import CITY_CLASSES, LOCAL_RATE, LODGING_CAPS, MEAL_RATE
from courtdesk.kernel import settings
from courtdesk.kernel.money import from_fen

MEALS = "伙食补助费"
LOCAL = "市内交通费"
LODGING = "住宿费"
#: Allowances paid by the standard (包干): no original receipt needed, the amount computable.
ALLOWANCES = (MEALS, LOCAL)
CENTRAL = "《中央和国家机关差旅费管理办法》"
RULE_STANDARD = "《办公室财务管理办法》第3条、第8条"

PERSON_SPLIT = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class Rates:
    """The standards of the day, whole yuan: per person and day, and per person and night by class."""

    meals: int
    local: int
    lodging: Mapping[str, int]

    def of(self, category: str) -> int:
        return {MEALS: self.meals, LOCAL: self.local}[category]


def rates(session: Session) -> Rates:
    """The standards the settings say today."""
    return Rates(meals=settings.get_int(session, MEAL_RATE), local=settings.get_int(session, LOCAL_RATE),
                 lodging={cls: settings.get_int(session, key) for cls, key in LODGING_CAPS.items()})


def frozen(r: Rates) -> str:
    """``r`` as kept on a submitted claim (``ExpenseClaim.standard_rates``)."""
    return json.dumps({"meals": r.meals, "local": r.local, "lodging": dict(r.lodging)}, ensure_ascii=False,
                      sort_keys=True)


def rates_of(session: Session, claim: ExpenseClaim) -> Rates:
    """The standards ``claim`` is judged and printed by: those kept when it was submitted, or — for a
    draft, or a claim from before standards were kept — today's settings."""
    if claim.standard_rates:
        kept = json.loads(claim.standard_rates)
        return Rates(meals=int(kept["meals"]), local=int(kept["local"]),
                     lodging={str(k): int(v) for k, v in kept["lodging"].items()})
    return rates(session)


def trip_days(start: dt.date | None, end: dt.date | None) -> int:
    """出差天数, 按自然天数: both the day of departure and the day of return count (0: dates missing)."""
    if start is None or end is None or end < start:
        return 0
    return (end - start).days + 1


def nights(days: int) -> int:
    return max(days - 1, 0)


def persons(travellers: str | None) -> int:
    """How many 出差人 are named (split on 、，, ; and spaces)."""
    return len([p for p in PERSON_SPLIT.split(travellers or "") if p])


def city_class_label(city_class: str) -> str:
    return CITY_CLASSES.get(city_class, city_class or "未选择")


@dataclass(frozen=True)
class Standard:
    """The standard of one category on one trip: the most it may claim, and how that is made up."""

    category: str
    fen: int
    basis: str  # 「3 天 × 100 元 × 2 人」

    @property
    def yuan(self) -> str:
        return _yuan(self.fen)


def _yuan(fen: int) -> str:
    return f"{from_fen(fen):,.2f} 元"


@dataclass(frozen=True)
class Trip:
    """What the standards of a travel claim depend on."""

    start: dt.date | None
    end: dt.date | None
    travellers: str
    city_class: str

    @property
    def days(self) -> int:
        return trip_days(self.start, self.end)

    @property
    def persons(self) -> int:
        return persons(self.travellers)

    @classmethod
    def of(cls, claim: ExpenseClaim) -> Trip:
        return cls(claim.trip_start, claim.trip_end, claim.travellers, claim.city_class)


def standards(r: Rates, trip: Trip) -> dict[str, Standard]:
    """The standard of each category the trip allows (住宿费 only with a known city class)."""
    days, people = trip.days, trip.persons
    out = {cat: Standard(cat, days * people * r.of(cat) * 100, f"{days} 天 × {r.of(cat)} 元 × {people} 人")
           for cat in ALLOWANCES}
    cap = r.lodging.get(trip.city_class)
    if cap is not None:
        out[LODGING] = Standard(LODGING, nights(days) * people * cap * 100,
                                f"{trip.city_class}地区 {nights(days)} 晚 × {cap} 元 × {people} 人")
    return out


def describe(r: Rates, trip: Trip) -> str:
    """The standards as a sentence (the printed form): rates, class, days and persons."""
    lodging = (f"住宿费 {trip.city_class}地区 {r.lodging[trip.city_class]} 元/人·晚"
               if trip.city_class in r.lodging else "住宿费 未选择地区类别")
    return (f"伙食补助费 {r.meals} 元/人·天，市内交通费 {r.local} 元/人·天，{lodging}"
            f"（出差 {trip.persons} 人，{trip.days} 天 {nights(trip.days)} 晚）")


def is_allowance(kind: str, category: str) -> bool:
    """Whether a line of a claim of ``kind`` is an allowance paid by the standard (no receipt needed)."""
    return kind == "travel" and category in ALLOWANCES


def fill_allowances(session: Session, values: dict[str, Any]) -> None:
    """On a travel claim, give each allowance line saved without an amount its amount by the standard
    (days × persons × rate), and the computation as its description when that is blank. ``values`` are
    the cleaned form values (amounts ``Decimal`` yuan or None)."""
    if values.get("kind") != "travel":
        return
    blank = [ln for ln in values["expense_lines"] if ln.get("amount") is None and ln["category"] in ALLOWANCES]
    if not blank:
        return
    trip = Trip(values.get("trip_start"), values.get("trip_end"), values.get("travellers") or "",
                values.get("city_class") or "")
    by_category = standards(rates(session), trip)
    for line in blank:
        standard = by_category[line["category"]]
        line["amount"] = from_fen(standard.fen)
        if not line.get("description"):
            line["description"] = standard.basis


@dataclass(frozen=True)
class Flag:
    """A category of a travel claim above its standard: its lines, their sum and the standard — or,
    for 住宿费, one line above the cap for the nights it pays for (checked night by night)."""

    positions: tuple[int, ...]
    category: str
    amount_fen: int
    standard: Standard | None  # None: 住宿费 without a city class, so no cap to check against
    #: For a finding that is not an amount above a standard (more nights than the trip has).
    note: str = ""

    @property
    def excess_fen(self) -> int:
        return self.amount_fen - self.standard.fen if self.standard is not None else 0

    def __str__(self) -> str:
        where = f"费用明细第{'、'.join(str(p) for p in self.positions)}行（{self.category}）"
        if len(self.positions) > 1:
            where += "合计"
        if self.note:
            return f"{where}：{self.note}"
        if self.standard is None:
            return f"{where}：{_yuan(self.amount_fen)}，未选择住宿标准地区类别，无法核对住宿费标准"
        return (f"{where}：{_yuan(self.amount_fen)}，超过标准 {self.standard.yuan}"
                f"（{self.standard.basis}）")


def _lodging_nights(trip: Trip, lodging: list[tuple[int, int, int | None]]) -> list[int] | None:
    """The nights (人·晚) each 住宿费 line pays for: as stated on the line (天数), a line left blank
    sharing what the trip leaves (its nights × persons) with the other blank lines. None when the
    blank lines cannot share it evenly (then the lines are checked together)."""
    stated = sum(d for _p, _f, d in lodging if d)
    blank = [1 for _p, _f, d in lodging if not d]
    share = 0
    if blank:
        remaining = nights(trip.days) * trip.persons - stated
        if remaining <= 0 or remaining % len(blank):
            return None
        share = remaining // len(blank)
    return [d if d else share for _p, _f, d in lodging]


def lodging_nights(claim: ExpenseClaim) -> dict[int, int]:
    """The nights (人·晚) each 住宿费 line of ``claim`` pays for — stated, or its share of the trip's
    (the same count the check uses); a line whose share cannot be told is left out."""
    lodging = [(ln.position, ln.amount_fen, ln.days) for ln in claim.lines if ln.category == LODGING]
    if len(lodging) == 1 and not lodging[0][2]:
        return {lodging[0][0]: nights(Trip.of(claim).days) * Trip.of(claim).persons}
    shares = _lodging_nights(Trip.of(claim), lodging) if lodging else None
    if shares is None:
        return {p: d for p, _f, d in lodging if d}
    return {p: n for (p, _f, _d), n in zip(lodging, shares, strict=True)}


def check(r: Rates, trip: Trip, lines: Iterable[tuple[int, str, int] | tuple[int, str, int, int | None]]) -> list[Flag]:
    """The flags of a travel claim's ``lines`` — (position, category, amount in fen[, 天数]) — in line
    order. 住宿费 is checked line by line, night by night (300 + 480 in a 400-元 city: the 480 night is
    above the cap, the 300 night is not); the allowances by category."""
    by_category: dict[str, list[tuple[int, int, int | None]]] = {}
    for line in lines:
        position, category, fen = line[0], line[1], line[2]
        days = line[3] if len(line) > 3 else None  # type: ignore[misc]
        if category in (*ALLOWANCES, LODGING):
            by_category.setdefault(category, []).append((position, fen, days))
    known = standards(r, trip)
    out: list[Flag] = []
    for category, found in by_category.items():
        total = sum(fen for _, fen, _d in found)
        standard = known.get(category)
        cap = r.lodging.get(trip.city_class, 0)
        one_for_all = len(found) == 1 and not found[0][2]  # one line for the whole stay: the trip's standard
        per_line = (_lodging_nights(trip, found) if category == LODGING and cap and not one_for_all
                    else None)
        if per_line is not None:
            allowed = nights(trip.days) * trip.persons
            if sum(per_line) > allowed:
                out.append(Flag(tuple(p for p, _f, _d in found), category, total, standard,
                                note=f"共 {sum(per_line)} 人·晚，超过本次出差的 {allowed} 人·晚"
                                     f"（{nights(trip.days)} 晚 × {trip.persons} 人）"))
            for (position, fen, _d), n in zip(found, per_line, strict=True):
                line_standard = Standard(LODGING, n * cap * 100, f"{trip.city_class}地区 {n} 晚 × {cap} 元")
                if fen > line_standard.fen:
                    out.append(Flag((position,), category, fen, line_standard))
        elif standard is None or total > standard.fen:
            out.append(Flag(tuple(p for p, _f, _d in found), category, total, standard))
    return sorted(out, key=lambda f: f.positions)


def flags(session: Session, claim: ExpenseClaim) -> list[Flag]:
    """The over-standard flags of ``claim`` (none for a 支出报销单)."""
    if claim.kind != "travel":
        return []
    return check(rates_of(session, claim), Trip.of(claim),
                 ((ln.position, ln.category, ln.amount_fen, ln.days) for ln in claim.lines))


def cuts(flagged: list[Flag], lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """核减 by the standard: for each flag with a standard, the line position → the amount it is cut
    to, so the flagged lines add up to their standard (a category of several lines is cut from its
    last line backwards). ``lines`` are (position, amount in fen)."""
    amount = dict(lines)
    out: dict[int, int] = {}
    for flag in flagged:
        if flag.standard is None or flag.note:
            continue
        excess = flag.excess_fen
        for position in reversed(flag.positions):
            if excess <= 0:
                break
            now = out.get(position, amount[position])
            cut = min(excess, now)
            out[position] = now - cut
            excess -= cut
    return out


def over_standard(session: Session, claim: ExpenseClaim) -> list[str]:
    """Each line (or category of lines) of ``claim`` above its travel standard, in words naming the
    line, its amount and the standard with its computation — for finance, not a refusal at save."""
    return [str(f) for f in flags(session, claim)]

