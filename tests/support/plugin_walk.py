"""Run in a fresh process by tests/ui/test_toy_area.py with an area installed through the
``courtdesk.areas`` entry point: open the database, look at everything the area should have brought
(its migrations applied, its register listed in the core and in the main window, its records in the
audit trail and in the audit viewer, its document printed) and print what was seen as one JSON object.

``python -m tests.support.plugin_walk DB REGISTER``
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def _wait(app: Any, done: Any, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def walk(db_path: str, register: str) -> dict[str, Any]:
    import io

    from pypdf import PdfReader
    from sqlalchemy import inspect, select

    from courtdesk.kernel import area, auditlog, printing, registers
    from courtdesk.kernel.db import migrate, open_database
    from courtdesk.kernel.models.infra import WorkflowStep
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.registers import RegisterQuery

    db = open_database(db_path)
    seen: dict[str, Any] = {}
    spec = registers.get(register)
    owner = next(a for a in area.areas() if any(r is spec for r in a.registers))
    seen["heads"] = sorted(migrate.heads())
    seen["stamped"] = sorted(migrate.current_revisions(db))
    seen["branch_heads"] = migrate.history().branch_heads(owner.key)
    seen["tables"] = sorted(inspect(db.engine).get_table_names())
    table = spec.model.__tablename__  # type: ignore[attr-defined]
    with db.read() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        query = RegisterQuery(spec)
        columns = [c.label for c in spec.columns]
        seen["rows"] = [dict(zip(["id", *columns], row, strict=False)) for row in query.page(s, admin, 0, 50)]
        lines = auditlog.entries(s, admin, auditlog.AuditFilter(entity=table))
        seen["audit"] = [{"action": line.action_label, "entity": line.entity_label, "changes": list(line.changes),
                          "comment": line.comment} for line in lines]
        step_ids = s.scalars(select(WorkflowStep.id).where(WorkflowStep.entity == spec.entity)).all()
        seen["steps"] = [list(line.changes) for step_id in step_ids
                         for line in auditlog.entries(s, admin, auditlog.AuditFilter(entity="workflow_step",
                                                                                     entity_id=step_id))]
        kind = next(k for k in owner.documents)
        record_id = sorted(s.scalars(kind.ids()))[0]
        buffer = io.BytesIO()
        printing.render(printing.record_document(s, kind.name, record_id), buffer, "pdf")
        seen["document"] = "".join(page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages)
    seen["window"] = _window(db, register, table)
    db.dispose()
    return seen


def _window(db: Any, register: str, table: str) -> dict[str, Any]:
    """The main window of the administrator: the navigation, the register page, the audit viewer."""
    from courtdesk.kernel.people import PeopleService
    from ui import workers
    from ui.app import create_app, open_main_window

    app = create_app()
    user = PeopleService(db).login("admin", "Demo2026")
    window = open_main_window(db, user)
    window.show()
    groups = {}
    for i in range(window.nav.topLevelItemCount()):
        item = window.nav.topLevelItem(i)
        groups[item.text(0)] = [item.child(j).text(0) for j in range(item.childCount())]
    page = window.show_page(register)
    _wait(app, lambda: page.model.rowCount() > 0 and workers.busy() == 0)
    rows = page.model.rowCount()
    admin = window.show_page("admin")
    audit = admin.audit
    audit.select_register(table)
    audit.search()
    _wait(app, lambda: not audit.loading and workers.busy() == 0 and audit.table.rowCount() > 0)
    shown = [[audit.table.item(r, c).text() for c in range(audit.table.columnCount())]
             for r in range(audit.table.rowCount())]
    window.close()
    _wait(app, lambda: workers.busy() == 0)
    return {"groups": groups, "register_rows": rows, "audit_rows": shown}


if __name__ == "__main__":
    print(json.dumps(walk(sys.argv[1], sys.argv[2]), ensure_ascii=False, default=str))
