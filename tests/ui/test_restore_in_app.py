"""Issue 19 §2: 系统管理 → 数据备份 offers restore from one of the daily backups, with the same checks as
the command: the session ends, the database is closed, restored (the current one kept complete) and
reopened, and the login dialog says what happened; while another program has the database open the
restore is refused and nothing changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from courtdesk.kernel import audit, clock
from courtdesk.kernel.db import backup, open_database
from courtdesk.kernel.demo import DEMO_PASSWORD
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.people import PeopleService
from ui.app import CoreLoader, Shell

from .conftest import idle


@pytest.fixture
def shell(qapp, qtbot, db_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COURTDESK_NO_DAILY_BACKUP", "1")
    loader = CoreLoader(str(db_path)).start()
    loader.wait(qapp)
    assert loader.error is None
    shell = Shell(qapp, loader)
    shell.db = loader.db
    admin = PeopleService(shell.db).login("admin", DEMO_PASSWORD)
    shell._open(admin)
    qtbot.addWidget(shell.window)
    yield shell
    idle(qtbot)
    if shell.login is not None:
        shell.login.close()
    shell.db.dispose()


def _backup_then_a_new_department(shell: Shell) -> Path:
    db = shell.db
    folder = backup.backup_folder(db)
    made = backup.backup_sqlite(db, folder / f"courtdesk-backup-{clock.today().isoformat()}.sqlite3")
    PeopleService(db).create_department(shell.window.ctx.user, "备份后新设的科室")
    return made


def _departments(db) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(Department.name)))


def _ask_restore(qtbot, shell: Shell) -> None:
    page = shell.window.show_page("admin")
    tab = page.backups
    page.tabs.setCurrentWidget(tab)
    tab.reload()
    assert not tab.restore_button.isEnabled()  # nothing chosen yet
    tab.table.selectRow(0)
    assert tab.restore_button.isEnabled()
    box = tab.ask_restore()
    assert "替换现在的数据库" in box.text() and "完整保留一份" in box.text()
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    assert yes.text() == "恢复"
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)


def test_restore_from_the_backups_tab_brings_back_the_backup_and_keeps_the_current_database(qtbot, shell, db_path):
    made = _backup_then_a_new_department(shell)
    assert "备份后新设的科室" in _departments(shell.db)
    _ask_restore(qtbot, shell)
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible(), timeout=60000)
    assert shell.window is None  # the session ended
    said = shell.login.status.text()
    assert said.startswith(f"已从备份「{made.name}」恢复数据库") and "原数据库已完整保留为" in said
    assert "请重新登录" in said
    # the reopened database is the backup's; the department made after it is in the kept copy only
    assert "备份后新设的科室" not in _departments(shell.db)
    kept = Path(said.split("原数据库已完整保留为 ")[1].split("。")[0])
    kept_db = open_database(str(kept), upgrade=False)
    try:
        assert "备份后新设的科室" in _departments(kept_db)
    finally:
        kept_db.dispose()
    with shell.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == audit.RESTORE_ACTION)
                          .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and "在程序中由系统管理员" in entry.comment and "（admin）" in entry.comment
    with shell.db.engine.connect() as conn:
        assert audit.verify(conn).ok  # the restored history, the restore entry included, verifies
    # and one can log in again on the restored database
    assert PeopleService(shell.db).login("admin", DEMO_PASSWORD).username == "admin"


def test_restore_is_refused_while_another_program_has_the_database_open_and_nothing_changes(qtbot, shell, db_path):
    _backup_then_a_new_department(shell)
    holder = subprocess.Popen(  # another workstation's program on this machine, its lock file gone
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('select count(*) from sqlite_master').fetchone(); print('open', flush=True); time.sleep(120)",
         str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        _ask_restore(qtbot, shell)
        qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible(), timeout=60000)
        message = shell.login.error.text()
        assert message.startswith("恢复未进行，数据库未改动") and "数据库正在被使用" in message, message
        assert "备份后新设的科室" in _departments(shell.db)  # nothing was lost
    finally:
        holder.kill()
        holder.wait()


def test_logging_out_takes_the_persons_signing_key_out_of_memory(qtbot, shell):
    """The next person at this workstation cannot save as the one who logged out: their key is gone
    from the process until they log in again."""
    from courtdesk.kernel.errors import DomainError

    admin = shell.window.ctx.user
    service = PeopleService(shell.db)
    service.update_profile(admin, admin.id, phone="0316-6080001")  # signs while logged in
    shell.window.logout_requested.emit()
    qtbot.waitUntil(lambda: shell.login is not None and shell.login.isVisible(), timeout=20000)
    with pytest.raises(DomainError, match="个人签名密钥未解锁"):
        service.update_profile(admin, admin.id, phone="0316-6080002")
    service.login("admin", DEMO_PASSWORD)
    service.update_profile(admin, admin.id, phone="0316-6080002")
