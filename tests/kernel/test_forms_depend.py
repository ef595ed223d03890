"""Fields that follow another field (issue 16 §6): shown only for some values (``when``) and choices
whose options depend on another value (``choices_by``), also inside a lines field and from a form's
context (a step's record). ``clean`` agrees with what the form shows: a field not shown is neither
checked nor kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from courtdesk.kernel import forms
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import RECORD, FormField, clean

KINDS = [("general", "支出报销单"), ("travel", "差旅费报销单")]
BY_KIND = {"general": ("办公费", "印刷费", "其他"), "travel": ("住宿费", "伙食补助费", "其他")}


def categories(session: Any, actor: Any, kind: Any) -> list[tuple[Any, str]]:
    names = BY_KIND.get(kind) or tuple(dict.fromkeys(BY_KIND["general"] + BY_KIND["travel"]))
    return [(n, n) for n in names]


COLUMNS = (
    FormField("category", "费用类别", "choice", choices_by=("kind", categories)),
    FormField("amount", "金额", "money"),
)
FIELDS = (
    FormField("kind", "报销单类别", "choice", choices=lambda s, a: KINDS),
    FormField("purpose", "报销事由", "text"),
    FormField("trip_start", "出发日期", "date", when=("kind", ("travel",))),
    FormField("places", "出差地点", "text", when=("kind", ("travel",))),
    FormField("people", "出差人", "multichoice", required=False, when=("kind", ("travel",)),
              choices=lambda s, a: [(1, "甲"), (2, "乙")]),
    FormField("lines", "费用明细", "lines", columns=COLUMNS),
)
SESSION = object()  # the choices here need no database; clean checks choices only with a session


def travel(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "travel", "purpose": "赴石家庄", "trip_start": dt.date(2026, 11, 24),
                            "places": "石家庄", "people": [1],
                            "lines": [{"category": "住宿费", "amount": "300"}]}
    data.update(over)
    return data


def test_a_field_not_shown_is_neither_required_nor_kept():
    values = clean(FIELDS, travel(kind="general", lines=[{"category": "办公费", "amount": "30"}]), session=SESSION)
    assert values["trip_start"] is None and values["places"] == "" and values["people"] == []
    # nothing to fill in for a general claim: the travel fields are not required
    values = clean(FIELDS, {"kind": "general", "purpose": "耗材", "lines": [{"category": "办公费", "amount": "3"}]},
                   session=SESSION)
    assert values["trip_start"] is None and values["places"] == ""


def test_a_field_shown_is_checked_as_declared():
    with pytest.raises(ValidationError) as refused:
        clean(FIELDS, travel(trip_start=None, places=" "), session=SESSION)
    assert {e.field for e in refused.value.every} == {"出发日期", "出差地点"}
    assert clean(FIELDS, travel(), session=SESSION)["places"] == "石家庄"


def test_a_shown_field_is_not_checked_when_hidden_even_if_its_value_is_wrong():
    # a travel value typed, then the kind changed: the stale value is dropped, not refused
    values = clean(FIELDS, travel(kind="general", places="x" * 500, trip_start="不是日期",
                                  lines=[{"category": "办公费", "amount": "30"}]), session=SESSION)
    assert values["places"] == "" and values["trip_start"] is None


def test_a_choice_column_offers_the_options_of_the_enclosing_forms_value():
    with pytest.raises(ValidationError) as refused:
        clean(FIELDS, travel(lines=[{"category": "办公费", "amount": "30"}]), session=SESSION)
    assert refused.value.field == "费用明细第1行 费用类别"
    assert "「办公费」不在可选范围内（可选：住宿费、伙食补助费、其他）" in str(refused.value)
    general = clean(FIELDS, travel(kind="general", lines=[{"category": "办公费", "amount": "30"}]), session=SESSION)
    assert general["lines"][0]["category"] == "办公费"
    # both kinds have 其他
    assert clean(FIELDS, travel(lines=[{"category": "其他", "amount": "1"}]), session=SESSION)["lines"]


def test_a_top_level_choice_follows_a_field_declared_before_or_after_it():
    later = (FormField("category", "类别", "choice", choices_by=("kind", categories)),
             FormField("kind", "报销单类别", "choice", choices=lambda s, a: KINDS))
    assert clean(later, {"category": "住宿费", "kind": "travel"}, session=SESSION)["category"] == "住宿费"
    with pytest.raises(ValidationError, match="类别：所选的「住宿费」不在可选范围内"):
        clean(later, {"category": "住宿费", "kind": "general"}, session=SESSION)


def test_choices_may_follow_the_forms_context_such_as_a_steps_record():
    class Claim:
        receipts = [(1, "第1张 火车票"), (2, "第2张 住宿发票")]

    step = (FormField("receipt_no", "票据", "choice", choices_by=(RECORD, lambda s, a, claim: claim.receipts)),)
    assert clean(step, {"receipt_no": "2"}, session=SESSION, context={RECORD: Claim()}) == {"receipt_no": 2}
    with pytest.raises(ValidationError) as refused:
        clean(step, {"receipt_no": 3}, session=SESSION, context={RECORD: Claim()})
    assert refused.value.field == "票据" and "可选：第1张 火车票、第2张 住宿发票" in str(refused.value)


def test_when_matches_ids_given_as_text_and_lists():
    f = FormField("x", "X", "text", when=("who", (1, 2)))
    assert f.shown(lambda key: "2") and f.shown(lambda key: [5, 1]) and not f.shown(lambda key: None)
    assert FIELDS[5].follows == ("kind",) and FIELDS[2].follows == ("kind",) and FIELDS[1].follows == ()


def test_cleared_values_by_kind():
    assert [forms.cleared(FormField("a", "A", k)) for k in ("text", "multichoice", "lines", "date", "money")] == \
        ["", [], [], None, None]
