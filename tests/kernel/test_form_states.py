"""Per-state field rules of a declared form: read-only and required in given workflow states."""

from __future__ import annotations

import pytest

from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean

FIELDS = (
    FormField("title", "标题", "text", readonly_in=frozenset({"approved"})),
    FormField("note", "说明", "text", required=False, required_in=frozenset({"returned"})),
)


def test_a_field_read_only_in_the_state_is_left_out_whatever_was_submitted():
    assert clean(FIELDS, {"title": "改过的", "note": ""}, state="approved") == {"note": ""}
    assert clean(FIELDS, {"title": "", "note": ""}, state="approved") == {"note": ""}
    assert clean(FIELDS, {"title": "改过的", "note": ""}, state="draft") == {"title": "改过的", "note": ""}


def test_a_field_required_in_the_state_must_be_filled_in():
    with pytest.raises(ValidationError, match="说明"):
        clean(FIELDS, {"title": "标题", "note": "  "}, state="returned")
    assert clean(FIELDS, {"title": "标题", "note": ""}, state="draft")["note"] == ""
    assert clean(FIELDS, {"title": "标题", "note": ""})["note"] == ""
