"""The audit viewer speaks the declarations' words: steps and states as the workflows name them, fields as
the registers, models and the kernel name them, never two fields under one label, and a foreign key as
the record it points to. Nothing here names an area: every installed one is checked."""

from __future__ import annotations

import re

from sqlalchemy import LargeBinary, inspect, select

from courtdesk.kernel import auditlabels, auditlog
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import User
from courtdesk.kernel.registers import all_registers

BARE_NUMBER = re.compile(r"^-?\d+$")


def _columns(table: str) -> list[str]:
    mapper = inspect(auditlog._models()[table])
    return [p.key for p in mapper.column_attrs if not isinstance(p.columns[0].type, LargeBinary)]


def test_every_field_of_every_installed_areas_tables_has_a_label():
    """The kernel's and every area's: a field nothing declares showed as its attribute name
    (``content_digest``, ``ruling_number``) until each model said it in words (``doc=``)."""
    catalogue = auditlog.catalogue()
    raw = {table: [key for key in _columns(table) if catalogue.table(table).label_of(key) == key]
           for table in auditlog._models()}
    assert not {table: keys for table, keys in raw.items() if keys}


def test_no_table_shows_two_fields_under_one_label():
    catalogue = auditlog.catalogue()
    for table in auditlog._models():
        labels = [catalogue.table(table).label_of(key) for key in _columns(table)]
        assert len(labels) == len(set(labels)), f"{table}: {sorted(label for label in labels if labels.count(label) > 1)}"


def test_a_records_number_and_its_id_are_told_apart():
    catalogue = auditlog.catalogue()
    for spec in all_registers():
        table = catalogue.table(spec.model.__tablename__)  # type: ignore[attr-defined]
        assert table.label_of("id") == "记录号"
        if "number" in _columns(table.name):
            assert table.label_of("number") != "记录号"


def test_steps_states_and_foreign_keys_are_shown_in_words(db):
    catalogue = auditlog.catalogue()
    with db.read() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        rows = s.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all()
        lines = auditlog.describe(s, rows)
    assert lines
    workflow_actions = {t.action for spec in all_registers() if spec.workflow for t in spec.workflow.transitions}
    seen_steps = 0
    for row, line in zip(rows, lines, strict=True):
        table = catalogue.table(row.entity)
        if row.action in workflow_actions and row.action in table.actions:
            assert line.action_label == table.actions[row.action]  # 批准, not approve
        assert line.action_label != row.action or row.action not in workflow_actions | set(auditlabels.ACTION_LABELS)
        labels = {key: table.label_of(key) for key in table.targets}
        for label, before, after in line.changes:
            if label in labels.values():
                assert not BARE_NUMBER.match(before) and not BARE_NUMBER.match(after), (row.entity, label, after)
        if row.entity == "workflow_step" and row.action == "create":
            shown = {label: after for label, _, after in line.changes}
            step = auditlabels.load(row.after)
            register = catalogue.registers.get(step["entity"])
            if register is not None and register[2] is not None:
                workflow = register[2]
                assert shown["登记簿"] == register[0]
                assert shown["办理步骤"] == workflow.action_label(step["action"])
                assert shown["办理后状态"] == workflow.label(step["to_state"])
                assert not BARE_NUMBER.match(shown["记录"])
                seen_steps += 1
    assert seen_steps > 0
    with db.read() as s:  # the page the viewer reads says the same
        page = auditlog.entries(s, admin, auditlog.AuditFilter(entity="workflow_step"))
    assert all(line.entity_label == "办理经过" for line in page)


def test_a_status_shows_the_workflows_state():
    catalogue = auditlog.catalogue()
    for spec in all_registers():
        if spec.workflow is None:
            continue
        table = catalogue.table(spec.model.__tablename__)  # type: ignore[attr-defined]
        shown = auditlabels.Shown(catalogue, table.name, "update", '{"status": "%s"}' % spec.workflow.initial, "{}")
        assert shown.changes(auditlabels.Names(catalogue))[0] == ("状态", spec.workflow.label(spec.workflow.initial),
                                                                  "（空）")
