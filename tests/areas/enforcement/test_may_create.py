"""Who may create records in the enforcement registers (may_create): the 新建 path refuses others
before the service is called."""

from __future__ import annotations

import pytest

from courtdesk.kernel import registers
from courtdesk.kernel.errors import PermissionDenied


@pytest.mark.parametrize("key", ["enforcement_case", "outgoing_letter", "seizure"])
def test_only_enforcement_officers_create(db, users, key):
    spec = registers.get(key)
    leader = users["leader"]
    assert spec.can_open(leader) and not spec.can_create(leader)
    assert spec.can_create(users["enforcer"])
    with pytest.raises(PermissionDenied, match=f"只有执行干警可以{spec.create_label}"):
        registers.create_record(db, leader, spec, {})


def test_registers_without_a_rule_let_everyone_who_sees_them_create(users):
    spec = registers.get("seal_use")
    assert spec.may_create is None and spec.can_create(users["judge"])
