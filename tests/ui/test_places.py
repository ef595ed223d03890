"""数据位置: the page shows where everything is and where that comes from; every user sets their own
generated-files folder (and the next save dialog opens there); the administrator points the
workstation at a database file or a PostgreSQL server after a connection test. HOME and the XDG
folders are the test's own: the real user's settings are never touched."""

from __future__ import annotations

import socket
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from courtdesk.kernel import localconfig
from courtdesk.kernel.db import locations
from tests.ui.conftest import idle, login, save_dialogs, type_text, wait_table
from ui import files
from ui.files import default_folder as real_default_folder  # conftest replaces it in every test

pytestmark = pytest.mark.ui


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "home/.config"), ("XDG_DATA_HOME", "home/.local/share"),
                      ("XDG_CONFIG_DIRS", "etc/xdg")):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.delenv(localconfig.ENV_URL, raising=False)
    return tmp_path


def _rows(page) -> dict[str, tuple[str, str]]:
    t = page.table
    return {t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())}


def _admin_places(qtbot, desk):
    window = login(qtbot, desk, "admin")
    window.show_page("admin")
    admin = window.current_page()
    admin.tabs.setCurrentWidget(admin.places)
    return window, admin.places


def _type(qtbot, edit, text: str) -> None:
    edit.clear()
    type_text(edit, text)


def test_the_page_shows_each_location_and_where_it_comes_from(qtbot, desk, home):
    (home / "cp").mkdir()
    localconfig.save({"checkpoint_dir": str(home / "cp")})
    _window, page = _admin_places(qtbot, desk)
    rows = _rows(page)
    assert rows["数据库"] == (str(desk.path), "命令行")  # the tests open it by --db's way: a path given
    assert rows["留痕检查点文件夹"] == (str(home / "cp"), "本用户设置")
    assert rows["每日备份文件夹"] == (str(desk.path.parent / "backups"), "默认")
    assert rows["生成文件保存文件夹"][1] == "默认"
    assert any("下次启动" in label.text() for label in page.findChildren(type(page.files_note)))
    idle(qtbot)


def test_every_user_sets_their_own_folder_and_the_next_save_dialog_opens_there(qtbot, desk, home, monkeypatch):
    monkeypatch.setattr(files, "default_folder", real_default_folder)
    clerk = login(qtbot, desk, "clerk")
    dialog = clerk.show_places()
    qtbot.addWidget(dialog)
    page = dialog.page
    assert page.station is None  # a clerk sees only their own part

    # a folder that does not exist: refused at the field, the settings file unchanged
    (home / "ok").mkdir()
    localconfig.save({"files_dir": str(home / "ok")})
    before = localconfig.user_file().read_bytes()
    _type(qtbot, page.files_edit, str(home / "无此文件夹"))
    qtbot.mouseClick(page.files_save, Qt.MouseButton.LeftButton)
    assert page.errors["files_dir"].isVisible()
    assert page.errors["files_dir"].text().startswith(f"生成文件保存文件夹：文件夹「{home / '无此文件夹'}」不存在")
    assert localconfig.user_file().read_bytes() == before

    chosen = home / "案卷文书"
    chosen.mkdir()
    _type(qtbot, page.files_edit, str(chosen))
    qtbot.mouseClick(page.files_save, Qt.MouseButton.LeftButton)
    assert not page.errors["files_dir"].isVisible()
    assert _rows(page)["生成文件保存文件夹"] == (str(chosen), "本用户设置")
    dialog.close()

    letters = clerk.open_register("introduction_letter")
    wait_table(qtbot, letters)
    dialogs = save_dialogs(monkeypatch, home / "别处")
    dialogs.cancel = True
    qtbot.mouseClick(letters.export_button, Qt.MouseButton.LeftButton)  # 导出Excel: its save dialog
    qtbot.waitUntil(lambda: bool(dialogs.asked), timeout=20000)
    assert dialogs.asked[-1][1].parent == chosen
    idle(qtbot)


def test_the_administrator_points_the_workstation_at_a_file_for_the_next_start(qtbot, desk, home):
    from ui.app import CoreLoader

    _window, page = _admin_places(qtbot, desk)
    page.kind_sqlite.setChecked(True)
    _type(qtbot, page.db_file, str(home / "无此处" / "court.sqlite3"))
    qtbot.mouseClick(page.station_save, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert page.errors["database"].text().startswith(f"数据库：所在文件夹「{home / '无此处'}」不存在")
    assert not localconfig.user_file().exists()

    (home / "data").mkdir()
    _type(qtbot, page.db_file, str(home / "data" / "court.sqlite3"))
    qtbot.mouseClick(page.station_save, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert "下次启动" in page.station_status.text() and not page.errors["database"].isVisible()
    assert _rows(page)["数据库"] == (str(desk.path), "命令行")  # this session keeps its database

    # the next start (no --db, no environment) opens the file the settings name
    loader = CoreLoader(None)
    loader.start()
    assert loader.done.wait(60) and loader.error is None, loader.error
    try:
        assert loader.db.path == home / "data" / "court.sqlite3" and loader.needs_setup
        assert locations.running_origin(loader.db.url) == "本用户设置"
    finally:
        loader.db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill_server(qtbot, page, host: str, port: int, dbname: str, user: str, password: str) -> None:
    page.kind_pg.setChecked(True)
    for edit, text in ((page.pg_host, host), (page.pg_port, str(port)), (page.pg_db, dbname),
                       (page.pg_user, user), (page.pg_password, password)):
        _type(qtbot, edit, text)


def test_an_unreachable_server_is_said_at_its_field_and_nothing_is_saved(qtbot, desk, home):
    _window, page = _admin_places(qtbot, desk)
    _fill_server(qtbot, page, "127.0.0.1", _free_port(), "courtdesk", "courtdesk", "pw")
    assert page.pg_host.isVisible() and not page.db_file.isVisible()
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert page.errors["服务器地址"].text().startswith("无法连接服务器 127.0.0.1")
    qtbot.mouseClick(page.station_save, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert page.errors["服务器地址"].isVisible() and not localconfig.user_file().exists()


def test_connection_test_and_save_against_the_real_server(qtbot, desk, home, pg_url):
    url = make_url(pg_url)
    _window, page = _admin_places(qtbot, desk)
    host, port, dbname, user = url.host or "127.0.0.1", url.port or 5432, url.database or "", url.username or ""

    _fill_server(qtbot, page, host, port, dbname, user, (url.password or "") + "wrong")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert page.errors["密码"].text().startswith(f"用户名或密码错误：服务器拒绝了用户「{user}」的登录")

    _fill_server(qtbot, page, host, port, "courtdesk_no_such_db", user, url.password or "")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert "数据库「courtdesk_no_such_db」在服务器上不存在" in page.errors["数据库名"].text()

    _fill_server(qtbot, page, host, port, dbname, user, url.password or "")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert not page.errors["密码"].isVisible() and not page.errors["数据库名"].isVisible()
    assert page.test_result.text().startswith(f"连接成功：{host}:{port} 上的 PostgreSQL ")
    assert "CourtDesk 数据表" in page.test_result.text()

    qtbot.mouseClick(page.station_save, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert "下次启动" in page.station_status.text(), page.station_error.text()
    saved = localconfig.read_file(localconfig.user_file())["database"]
    assert make_url(saved).password is None and make_url(saved).database == dbname
    assert (url.password or "") not in localconfig.user_file().read_text(encoding="utf-8")
    if sys.platform != "win32":
        assert stat.S_IMODE(localconfig.passfile().stat().st_mode) == 0o600
    assert page.pg_password.text() == ""  # not kept on screen either
