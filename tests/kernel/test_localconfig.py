"""This workstation's settings files: what they change, the order they are read in, refusals that
leave the file alone, the password kept out of them — and the PostgreSQL connection test against a
real server (COURTDESK_TEST_PG_URL) or a closed port."""

from __future__ import annotations

import os
import socket
import stat
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from courtdesk.kernel import checkpoint, localconfig
from courtdesk.kernel.db import Database, backup, locations, resolve_url
from courtdesk.kernel.errors import DomainError, ValidationError


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every per-user and per-machine folder under tmp_path: the real user's files are never touched."""
    for name, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "home/.config"), ("XDG_DATA_HOME", "home/.local/share"),
                      ("XDG_CONFIG_DIRS", "etc/xdg"), ("XDG_DOCUMENTS_DIR", "home/文档")):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.delenv(localconfig.ENV_URL, raising=False)
    return tmp_path


def test_the_files_are_where_the_platform_keeps_them(home: Path) -> None:
    assert localconfig.user_file() == home / "home/.config/CourtDesk/courtdesk.ini"
    assert localconfig.machine_file() == home / "etc/xdg/CourtDesk/courtdesk.ini"


def test_database_order_command_line_then_environment_then_file_then_default(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = resolve_url(None)
    assert default.endswith("CourtDesk/courtdesk.sqlite3") and str(home) in default
    assert localconfig.database() == ("", localconfig.DEFAULT)

    (home / "data").mkdir()
    localconfig.save({"database": str(home / "data/court.sqlite3")})
    assert resolve_url(None) == f"sqlite:///{home / 'data/court.sqlite3'}"
    assert localconfig.database()[1] == localconfig.USER

    monkeypatch.setenv(localconfig.ENV_URL, str(home / "env.sqlite3"))
    assert resolve_url(None) == f"sqlite:///{home / 'env.sqlite3'}"
    assert localconfig.database()[1] == localconfig.ENVIRONMENT

    assert localconfig.database(str(home / "cli.sqlite3")) == (str(home / "cli.sqlite3"), localconfig.COMMAND_LINE)
    assert resolve_url(home / "cli.sqlite3") == f"sqlite:///{home / 'cli.sqlite3'}"


def test_the_user_file_overrides_the_machine_file_unless_it_is_locked(home: Path) -> None:
    for name in ("m", "u"):
        (home / name).mkdir()
    machine = localconfig.machine_file()
    machine.parent.mkdir(parents=True)
    machine.write_text(f"[courtdesk]\nbackup_dir = {home / 'm'}\nfiles_dir = {home / 'm'}\n", encoding="utf-8")
    assert localconfig.value("backup_dir") == (str(home / "m"), localconfig.MACHINE)
    localconfig.save({"backup_dir": str(home / "u")})
    assert localconfig.value("backup_dir") == (str(home / "u"), localconfig.USER)

    machine.write_text(machine.read_text(encoding="utf-8") + "locked = yes\n", encoding="utf-8")
    assert localconfig.value("backup_dir") == (str(home / "m"), localconfig.MACHINE)
    assert localconfig.load().fixed("backup_dir") and not localconfig.load().fixed("checkpoint_dir")


def test_a_bad_path_is_refused_naming_the_field_and_the_file_stays_as_it_was(home: Path) -> None:
    (home / "ok").mkdir()
    path = localconfig.save({"files_dir": str(home / "ok")})
    before = path.read_bytes()

    with pytest.raises(ValidationError) as refused:
        localconfig.save({"files_dir": str(home / "missing"), "database": "relative/court.sqlite3"})
    assert [e.field for e in refused.value.every] == ["数据库", "生成文件保存文件夹"]
    assert "须为完整路径" in str(refused.value) and f"文件夹「{home / 'missing'}」不存在" in str(refused.value)
    assert path.read_bytes() == before

    with pytest.raises(ValidationError, match="所在文件夹.*不存在") as refused:
        localconfig.save({"database": str(home / "nowhere/court.sqlite3")})
    assert refused.value.field == "数据库" and path.read_bytes() == before

    if os.geteuid() != 0:  # root may write anywhere
        (home / "ro").mkdir(mode=0o500)
        with pytest.raises(ValidationError, match="不可写"):
            localconfig.save({"backup_dir": str(home / "ro")})


def test_a_password_never_goes_into_the_settings_file(home: Path) -> None:
    with pytest.raises(ValidationError, match="密码不写进设置文件") as refused:
        localconfig.save({"database": "postgresql+psycopg://courtdesk:secret@10.1.1.5/courtdesk"})
    assert refused.value.field == "数据库" and not localconfig.user_file().exists()

    pgpass = localconfig.store_password("10.1.1.5", 5432, "courtdesk", "courtdesk", "s:e\\cret")
    localconfig.store_password("10.1.1.5", 5432, "courtdesk", "courtdesk", "new:one")  # replaces the line
    assert pgpass.read_text(encoding="utf-8") == "10.1.1.5:5432:courtdesk:courtdesk:new\\:one\n"
    if sys.platform != "win32":
        assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600
    localconfig.save({"database": "postgresql+psycopg://courtdesk@10.1.1.5:5432/courtdesk"})
    url = make_url(resolve_url(None))
    assert url.password is None and url.query["passfile"] == str(pgpass)
    assert "secret" not in localconfig.user_file().read_text(encoding="utf-8")


def test_folders_from_the_file_are_used_unless_the_database_setting_names_one(home: Path) -> None:
    from courtdesk.kernel.db import open_database

    for name in ("cp", "bk", "data"):
        (home / name).mkdir()
    localconfig.save({"database": str(home / "data/court.sqlite3"), "checkpoint_dir": str(home / "cp"),
                      "backup_dir": str(home / "bk")})
    db = open_database(None)  # the file's database: created there, migrated
    try:
        assert db.path == home / "data/court.sqlite3"
        assert checkpoint.folder(db) == home / "cp" and backup.backup_folder(db) == home / "bk"
        shown = {p.key: (p.value, p.origin) for p in locations.places(db)}
        assert shown["database"] == (str(home / "data/court.sqlite3"), localconfig.USER)
        assert shown["checkpoint_dir"] == (str(home / "cp"), localconfig.USER)
        from courtdesk.kernel import settings

        with db.write() as s:
            settings.store(s, {"backup_dir": str(home / "data")})
        assert backup.backup_folder(db) == home / "data"
        assert {p.key: p.origin for p in locations.places(db)}["backup_dir"] == localconfig.DATABASE_SETTING
    finally:
        db.dispose()
    other = Database(resolve_url(home / "other.sqlite3"))
    try:
        assert locations.running_origin(other.url) == localconfig.COMMAND_LINE
    finally:
        other.dispose()


def test_a_file_that_is_not_ini_is_refused_with_its_path(home: Path) -> None:
    localconfig.user_file().parent.mkdir(parents=True)
    localconfig.user_file().write_text("database = no section\n", encoding="utf-8")
    with pytest.raises(DomainError, match="格式有误"):
        resolve_url(None)


# --- PostgreSQL ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_server_is_named_and_nothing_is_saved(home: Path) -> None:
    srv = localconfig.server("127.0.0.1", _free_port(), "courtdesk", "courtdesk")
    with pytest.raises(locations.ConnectionRefused, match="无法连接服务器 127.0.0.1") as refused:
        locations.save_server(srv, "pw")
    assert refused.value.field == "服务器地址"
    assert not localconfig.user_file().exists() and not localconfig.passfile().exists()


def test_the_four_fields_are_checked_before_connecting() -> None:
    with pytest.raises(ValidationError) as refused:
        localconfig.server("", "70000", "courtdesk", "")
    assert [e.field for e in refused.value.every] == ["服务器地址", "用户名", "端口"]


@pytest.fixture
def pg_server(pg_url: str) -> Iterator[tuple[localconfig.Server, str, str]]:
    """The test server's fields and password, and a scratch database (dropped afterwards) the test
    role owns, for the refusals that need one."""
    url = make_url(pg_url)
    srv = localconfig.server(url.host or "127.0.0.1", url.port or 5432, url.database or "", url.username or "")
    scratch = f"places_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{scratch}" TEMPLATE template0'))
    try:
        yield srv, url.password or "", scratch
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def test_connection_to_the_real_server_reports_version_and_schema(pg_db: Database, home: Path,
                                                                  pg_server: tuple[localconfig.Server, str, str]) -> None:
    srv, password, scratch = pg_server
    report, path = locations.save_server(srv, password)  # pg_db: migrated to the heads
    assert report.version and "与本程序一致" in report.schema and report.revisions
    assert report.text(srv).startswith(f"连接成功：{srv.host}:{srv.port} 上的 PostgreSQL {report.version}")
    assert password not in path.read_text(encoding="utf-8")
    # the next start finds the server through the file, the password through the password file
    db = Database(resolve_url(None))
    try:
        with db.read() as s:
            assert s.execute(text("SELECT current_database()")).scalar_one() == srv.dbname
        assert locations.running_origin(db.url) == localconfig.USER
    finally:
        db.dispose()

    empty = localconfig.Server(srv.host, srv.port, scratch, srv.user)
    assert "尚无 CourtDesk 数据表" in locations.check_connection(empty, password).schema


def test_the_refusals_of_a_real_server(home: Path, pg_server: tuple[localconfig.Server, str, str]) -> None:
    srv, password, scratch = pg_server
    with pytest.raises(locations.ConnectionRefused, match="用户名或密码错误") as refused:
        locations.check_connection(srv, password + "wrong")
    assert refused.value.field == "密码"
    with pytest.raises(locations.ConnectionRefused, match="数据库「courtdesk_missing_x」在服务器上不存在"):
        locations.check_connection(localconfig.Server(srv.host, srv.port, "courtdesk_missing_x", srv.user), password)

    # the role may not create tables there (its own right revoked: an owner may do that to itself)
    url = make_url(resolve_url(localconfig.Server(srv.host, srv.port, scratch, srv.user).url())).set(password=password)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        conn.execute(text("REVOKE CREATE ON SCHEMA public FROM pg_database_owner"))
    scratch_srv = localconfig.Server(srv.host, srv.port, scratch, srv.user)
    with pytest.raises(locations.ConnectionRefused, match="无权在数据库.*中建表") as refused:
        locations.check_connection(scratch_srv, password)
    assert refused.value.field == "用户名"
    with engine.connect() as conn:  # CourtDesk's tables there, but not readable by this role
        conn.execute(text("GRANT CREATE ON SCHEMA public TO pg_database_owner"))
        conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
        conn.execute(text("CREATE TABLE users (id int)"))
        conn.execute(text("REVOKE ALL ON TABLE users FROM CURRENT_USER"))
    engine.dispose()
    with pytest.raises(locations.ConnectionRefused, match="1 张数据表缺少读写权限"):
        locations.check_connection(scratch_srv, password)
    assert not localconfig.user_file().exists()
