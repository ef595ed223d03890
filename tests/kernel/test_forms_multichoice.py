"""The multichoice form field: a list of chosen values, required → at least one, checked against
the field's choices when the caller passes the session (as the command mechanism does)."""

from __future__ import annotations

import pytest

from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean

UNITS = [(1, "云鹏道派出所"), (2, "不动产登记中心"), (3, "中国工商银行")]
FIELD = FormField("unit_ids", "发往单位", "multichoice", choices=lambda s, a: UNITS, maximum=2)


def test_values_are_checked_against_the_choices_with_a_session():
    session = object()  # the choices above ignore it
    assert clean((FIELD,), {"unit_ids": [3, "1", 3]}, session=session) == {"unit_ids": [3, 1]}
    with pytest.raises(ValidationError, match="发往单位：所选的「9」不在可选范围内") as info:
        clean((FIELD,), {"unit_ids": [1, 9]}, session=session)
    assert info.value.field == "发往单位"
    with pytest.raises(ValidationError, match="发往单位：最多选择 2 项（现选 3 项）"):
        clean((FIELD,), {"unit_ids": [1, 2, 3]}, session=session)


@pytest.mark.parametrize("value", [None, [], ""])
def test_required_means_at_least_one(value):
    with pytest.raises(ValidationError, match="发往单位：请至少选择一项"):
        clean((FIELD,), {"unit_ids": value})
    optional = FormField("tags", "标签", "multichoice", required=False)
    assert clean((optional,), {"tags": value}) == {"tags": []}


def test_a_single_value_is_not_a_list():
    with pytest.raises(ValidationError, match="发往单位：应为所选项目的列表"):
        clean((FIELD,), {"unit_ids": 3})


def test_a_choice_field_is_checked_too_when_the_session_is_given():
    one = FormField("unit_id", "发往单位", "choice", choices=lambda s, a: UNITS)
    assert clean((one,), {"unit_id": "2"}, session=object()) == {"unit_id": 2}
    assert clean((one,), {"unit_id": "9"}) == {"unit_id": "9"}  # without a session the service checks
    with pytest.raises(ValidationError, match="发往单位：所选的「9」不在可选范围内"):
        clean((one,), {"unit_id": "9"}, session=object())
