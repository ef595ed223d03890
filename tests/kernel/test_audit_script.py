"""A script that uses only the people service is audited: opening a Database installs the audit
hook, whatever the script imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from courtdesk.kernel.db import open_database
from courtdesk.kernel.models.infra import AuditEntry

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from sqlalchemy import select
from courtdesk.kernel.db.engine import Database, resolve_url
from courtdesk.kernel.models.people import User
from courtdesk.kernel.people import PeopleService

db = Database(resolve_url(sys.argv[1]))
admin = PeopleService(db).login("admin", "Demo2026")  # unlocks the administrator's signing key
PeopleService(db).create_department(admin, "审判管理办公室")
db.dispose()
print("areas loaded:", any(name.startswith("courtdesk.areas") for name in sys.modules))
print("audit loaded by:", "courtdesk.kernel.audit" in sys.modules)
"""


def test_a_people_only_script_leaves_audited_rows_and_verify_audit_says_ok(db_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(db_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert "areas loaded: False" in out.stdout  # the script really used only the people service

    db = open_database(str(db_path))
    try:
        with db.read() as s:
            entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "department")
                              .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and "审判管理办公室" in (entry.after or "")
        assert entry.user_name == "赵敏"
    finally:
        db.dispose()
    verify = subprocess.run([sys.executable, "-m", "courtdesk", "verify-audit", "--db", str(db_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("audit ok:")
