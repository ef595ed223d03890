"""The demo a new user sees is internally consistent."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from courtdesk.kernel import registers


def test_every_registers_numbers_follow_its_dates(db, users):
    checked = []
    with db.read() as s:
        for spec in registers.all_registers():
            model = spec.model
            if spec.date_expr is None or not hasattr(model, "serial") or not hasattr(model, "year"):
                continue
            rows = s.execute(select(model.year, model.serial, spec.date_expr)
                             .where(spec.date_expr.is_not(None)).order_by(model.year, model.serial)).all()
            backwards = [(a, b) for a, b in itertools.pairwise(rows) if a[0] == b[0] and b[2] < a[2]]
            assert backwards == [], f"{spec.title}: number order contradicts dates {backwards[:2]}"
            checked.append(spec.key)
    assert {"seal_use", "introduction_letter"} <= set(checked)


def test_every_register_has_demo_rows_for_someone(db, users):
    from courtdesk.kernel.registers import RegisterQuery

    with db.read() as s:
        for spec in registers.all_registers():
            viewers = [u for u in users.values() if spec.can_open(u)]
            assert viewers, spec.key
            assert max(RegisterQuery(spec).count(s, u) for u in viewers) > 0, f"{spec.title} is empty in the demo"
