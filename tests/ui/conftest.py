"""pytest-qt helpers for the Qt client (offscreen): log in through the real dialog, wait for the
worker pool, click table rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from courtdesk.kernel.db import Database
from ui import workers
from ui.app import create_app, open_main_window
from ui.login import LoginDialog

PASSWORD = "Demo2026"


@pytest.fixture(scope="session", autouse=True)
def _own_settings_file(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What the client remembers per user (ui.state) goes to a scratch folder, not the real profile."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("qsettings")))


@pytest.fixture(scope="session", autouse=True)
def _app_as_started(qapp: Any, _own_settings_file: None) -> None:
    """pytest-qt's QApplication, set up as the app sets up its own: bundled fonts, Qt's Chinese
    translations, garbage freed on the UI thread only."""
    assert create_app() is qapp


@pytest.fixture(autouse=True)
def _own_documents_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default folder of save dialogs (``<documents>/CourtDesk``) is the test's own."""
    from ui import files

    monkeypatch.setattr(files, "default_folder", lambda: tmp_path / "我的文档" / files.APP_FOLDER)


class SaveDialogs:
    """Stands in for the save dialog (``ui.files.ask_save_path``): answers each with a file in
    ``folder`` (the suggested name, or ``name``), or cancels when ``cancel`` is set; keeps what was
    asked — (title, the path the dialog opened at) — in ``asked``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name: str | None = None
        self.cancel = False
        self.asked: list[tuple[str, Path]] = []

    def __call__(self, parent: Any, title: str, start: str, file_filter: str) -> str:
        self.asked.append((title, Path(start)))
        if self.cancel:
            return ""
        return str(self.folder / (self.name or Path(start).name))


def save_dialogs(monkeypatch: pytest.MonkeyPatch, folder: Path) -> SaveDialogs:
    """Answer every save dialog with a file in ``folder`` (see :class:`SaveDialogs`)."""
    from ui import files

    fake = SaveDialogs(folder)
    monkeypatch.setattr(files, "ask_save_path", fake)
    return fake


@pytest.fixture
def desk(db: Database, qtbot: Any) -> Iterator[Database]:
    """The demo database; at teardown waits for the UI's workers before the database closes."""
    yield db
    qtbot.waitUntil(lambda: workers.busy() == 0, timeout=15000)


def idle(qtbot: Any) -> None:
    qtbot.waitUntil(lambda: workers.busy() == 0, timeout=15000)


def wait_ops(qtbot: Any) -> None:
    """Wait until every save started from the UI (ui.ops) has been delivered: a click on 保存 or
    登录 only starts the operation; the dialog closes or shows the refusal when it comes back."""
    from ui import ops

    qtbot.waitUntil(lambda: ops.busy() == 0, timeout=20000)


def login_dialog(qtbot: Any, db: Database, username: str, password: str) -> LoginDialog:
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)  # moves on to the password
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # the default button: 登录
    wait_ops(qtbot)  # the password is checked off the UI thread
    return dialog


def login(qtbot: Any, db: Database, username: str, password: str = PASSWORD) -> Any:
    """Log in through the login dialog and open the main window, as the app does."""
    dialog = login_dialog(qtbot, db, username, password)
    assert dialog.user is not None, dialog.error.text()
    window = open_main_window(db, dialog.user)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def wait_table(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: not page.model.loading, timeout=15000)


def click_row(qtbot: Any, page: Any, row: int) -> None:
    index = page.model.index(row, 0)
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_record(qtbot: Any, page: Any, record_id: int) -> None:
    """Click the row of a record and wait until the detail panel has loaded it."""
    qtbot.waitUntil(lambda: page.model.row_of(record_id) is not None, timeout=15000)
    click_row(qtbot, page, page.model.row_of(record_id))
    # Not just any details of this record: the read the click started (the panel may still hold an
    # earlier read of the same record, with the buttons of its state then).
    qtbot.waitUntil(
        lambda: not page.detail.loading and page.detail.details is not None
        and page.detail.details.record_id == record_id, timeout=15000
    )


def type_text(widget: Any, text: str) -> None:
    """Type Chinese text the way an input method delivers it (a commit string).

    QTest.keyClicks only knows ASCII keys."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def fill_cell(qtbot: Any, lines: Any, row: int, key: str, text: str) -> None:
    """Type ``text`` into a cell of a form's lines table as a user does: double-click the cell, type
    over what is there, Enter."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    column = next(i for i, c in enumerate(lines.field.columns) if c.key == key)
    table = lines.table
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    editor = QApplication.focusWidget()
    if not isinstance(editor, QLineEdit):  # no focus offscreen: the open editor is the table's child
        editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:  # Chinese arrives as an input method's commit string (QTest.keyClicks knows ASCII only)
        from PySide6.QtGui import QInputMethodEvent

        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(editor, event)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, column) is not None and table.item(row, column).text() == text,
                    timeout=3000)
