"""保存 while another workstation holds the database's write lock: the window stays alive (the event
loop keeps running), the dialog says it is waiting, and either the save goes through once the lock is
released or — past the busy timeout — the dialog says 「另一台工作站正在保存，请稍后再试」 with the
user's input still in the fields and nothing written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel.db import Database, resolve_url
from tests.ui.conftest import idle, login, type_text, wait_ops, wait_table
from ui import ops

pytestmark = pytest.mark.ui

TITLE = "关于申请调取档案的函"
PURPOSE = "报送市中级人民法院"


def _database(db_path: Path, timeout_s: float) -> Database:
    return Database(resolve_url(db_path), busy_timeout_s=timeout_s)


@pytest.fixture
def other_workstation(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another workstation's connection to the same file (it takes the write lock when told)."""
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    yield conn
    if conn.in_transaction:
        conn.rollback()
    conn.close()


def _uses(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(SealUse)))


def _open_filled_form(qtbot, db: Database):
    judge = login(qtbot, db, "judge")
    page = judge.open_register("seal_use")
    wait_table(qtbot, page)
    form = page.new_record()
    seals = form.widget("seal_id")
    seals.setCurrentIndex(next(i for i in range(seals.count()) if "办公室印" in seals.itemText(i)))
    type_text(form.widget("title"), TITLE)
    type_text(form.widget("purpose"), PURPOSE)
    return page, form


class Ticks:
    """A timer on the UI thread: ``count`` grows only while the event loop runs."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.count += 1


def test_the_save_waits_for_the_lock_without_freezing_and_then_goes_through(qtbot, db_path, other_workstation):
    db = _database(db_path, timeout_s=20)
    try:
        page, form = _open_filled_form(qtbot, db)
        before = _uses(db)
        other_workstation.execute("BEGIN IMMEDIATE")  # another workstation is saving
        ticks = Ticks()
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        assert form.isVisible() and not form.ok_button.isEnabled()
        assert form.status.text() == "正在保存…"
        started = ticks.count
        qtbot.waitUntil(lambda: form.status.text() == "另一台工作站正在保存，正在等待…", timeout=5000)
        assert ticks.count > started + 5  # the UI thread kept running its event loop meanwhile
        assert form.value("title") == TITLE  # the input stays
        other_workstation.rollback()  # the other save is done
        wait_ops(qtbot)
        assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
        assert form.result_value.id is not None
        assert _uses(db) == before + 1
        qtbot.waitUntil(lambda: page.model.row_of(form.result_value.id) is not None, timeout=15000)
        idle(qtbot)
    finally:
        db.dispose()


def test_a_lock_held_past_the_timeout_is_reported_and_the_input_kept(qtbot, db_path, other_workstation):
    db = _database(db_path, timeout_s=1.5)
    try:
        page, form = _open_filled_form(qtbot, db)
        before = _uses(db)
        other_workstation.execute("BEGIN IMMEDIATE")
        ticks = Ticks()
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        started = ticks.count
        qtbot.waitUntil(lambda: form.status.text() == "另一台工作站正在保存，正在等待…", timeout=5000)
        wait_ops(qtbot)
        assert ticks.count > started + 10
        assert form.isVisible()
        assert form.error.text() == "另一台工作站正在保存，请稍后再试"
        assert not form.status.isVisible()
        assert form.ok_button.isEnabled()
        assert form.value("title") == TITLE and form.value("purpose") == PURPOSE
        assert _uses(db) == before
        # Once the other workstation is done, the same click saves.
        other_workstation.rollback()
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
        assert form.result() == QDialog.DialogCode.Accepted, form.all_errors()
        assert _uses(db) == before + 1
        idle(qtbot)
    finally:
        db.dispose()


def test_an_unexpected_error_is_shown_in_words_not_swallowed(qtbot, db_path, capsys):
    db = _database(db_path, timeout_s=2)
    try:
        page, form = _open_filled_form(qtbot, db)

        def broken(_data):
            raise RuntimeError("a bug")

        form.submit = broken
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        wait_ops(qtbot)
        assert form.isVisible()
        assert form.error.text().startswith("保存失败：程序出现意外错误（RuntimeError），未保存任何内容。")
        assert form.value("title") == TITLE
        assert "RuntimeError: a bug" in capsys.readouterr().err  # the trace is logged for the administrator
        assert ops.busy() == 0
        form.reject()
        idle(qtbot)
    finally:
        db.dispose()
