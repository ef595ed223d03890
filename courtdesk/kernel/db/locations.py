"""The open database's surroundings, for the 数据位置 page: where each location came from, and the
PostgreSQL connection test that must pass before a workstation is pointed at a server.

Apart from :mod:`courtdesk.kernel.localconfig` (which the engine, the checkpoints and the backups
read) because this side reads them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courtdesk.kernel import localconfig
from courtdesk.kernel.db.engine import Database, resolve_url
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.localconfig import (
    COMMAND_LINE,
    CONNECT_TIMEOUT_S,
    DATABASE_SETTING,
    DEFAULT,
    LABELS,
    PG_DRIVER,
    Server,
    describe_url,
    save,
    store_password,
    value,
)


def running_origin(running_url: str) -> str:
    """Where the open database came from: what the files/environment name, else the command line."""
    configured, origin = localconfig.database()
    if configured and _same(resolve_url(configured), running_url):
        return origin
    if not configured and _same(resolve_url(None), running_url):
        return DEFAULT
    return COMMAND_LINE


def _same(a: str, b: str) -> bool:
    from sqlalchemy.engine import make_url

    def plain(url: str) -> Any:
        parsed = make_url(url)
        return parsed.difference_update_query(["passfile"]).set(password=None).render_as_string()

    try:
        return bool(plain(a) == plain(b))
    except Exception:  # noqa: BLE001
        return a == b


@dataclass(frozen=True)
class ServerReport:
    version: str
    #: The schema's revisions in the database (empty: no CourtDesk tables yet).
    revisions: tuple[str, ...]
    #: Words for the schema: none yet / up to date / older (upgraded at start).
    schema: str

    def text(self, srv: Server) -> str:
        return f"连接成功：{srv.host}:{srv.port} 上的 PostgreSQL {self.version}，数据库「{srv.dbname}」。{self.schema}"


class ConnectionRefused(DomainError):
    """The connection test failed; ``field`` names what to correct."""


def _connect_failure(exc: BaseException, srv: Server) -> ConnectionRefused:
    """libpq gives no SQLSTATE before the login completes: read its words (English, or the server's
    zh_CN translation)."""
    text = str(getattr(exc, "orig", None) or exc)
    low = text.lower()
    if "password authentication failed" in low or "密码认证失败" in text or "password 认证失败" in low \
            or "no password supplied" in low:
        return ConnectionRefused(f"用户名或密码错误：服务器拒绝了用户「{srv.user}」的登录", field="密码")
    if "does not exist" in low and "database" in low or ("数据库" in text and "不存在" in text):
        return ConnectionRefused(f"数据库「{srv.dbname}」在服务器上不存在，请先按 docs/POSTGRESQL.md 建立",
                                 field="数据库名")
    if "role" in low and "does not exist" in low or ("角色" in text and "不存在" in text):
        return ConnectionRefused(f"用户「{srv.user}」在服务器上不存在", field="用户名")
    if "permission denied for database" in low or "connect privilege" in low or "权限不够" in text:
        return ConnectionRefused(f"用户「{srv.user}」无权连接数据库「{srv.dbname}」（缺少 CONNECT 权限）",
                                 field="用户名")
    if "pg_hba.conf" in low:
        return ConnectionRefused(f"服务器不允许本机以用户「{srv.user}」连接数据库「{srv.dbname}」"
                                 "（请管理员在 pg_hba.conf 中放行本机地址）", field="服务器地址")
    if "resolve host" in low or "translate host name" in low or "name or service not known" in low:
        return ConnectionRefused(f"找不到服务器「{srv.host}」：请检查服务器地址", field="服务器地址")
    if "refused" in low or "timeout" in low or "timed out" in low or "no route" in low or "unreachable" in low:
        return ConnectionRefused(f"无法连接服务器 {srv.host}:{srv.port}：服务器未启动、端口不对或被防火墙阻挡",
                                 field="服务器地址")
    return ConnectionRefused(f"连接失败：{text.strip()}", field="服务器地址")


def check_connection(srv: Server, password: str) -> ServerReport:
    """Connect once (``CONNECT_TIMEOUT_S`` at most), and say the server's version, whether the CourtDesk
    tables are there and at which revision, and whether this role may use them. Refusals are
    :class:`ConnectionRefused` with Chinese words naming the field to correct."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import URL
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from courtdesk.kernel.db import migrate

    url = URL.create(PG_DRIVER, username=srv.user, password=password or None, host=srv.host, port=srv.port,
                     database=srv.dbname)
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            raise _connect_failure(exc, srv) from exc
        with conn:
            version = str(conn.scalar(text("SHOW server_version")) or "").split(" ")[0]
            has_table = conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
            revisions: tuple[str, ...] = ()
            if has_table:
                revisions = tuple(sorted(str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version"))))
            if not revisions:
                may_create = conn.scalar(text("SELECT has_schema_privilege(current_schema(), 'CREATE')"))
                if not may_create:
                    raise ConnectionRefused(f"用户「{srv.user}」无权在数据库「{srv.dbname}」中建表（需要 public 模式的"
                                            " CREATE 权限，见 docs/POSTGRESQL.md）", field="用户名")
                schema = "尚无 CourtDesk 数据表：下次启动时自动建立。"
            else:
                lacking = conn.scalar(text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
                    "AND NOT has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE')"))
                if lacking:
                    raise ConnectionRefused(f"用户「{srv.user}」对 CourtDesk 的 {lacking} 张数据表缺少读写权限",
                                            field="用户名")
                hist = migrate.history()
                stamped = set(revisions)
                shown = "、".join(revisions)
                if hist.unknown(stamped):
                    raise ConnectionRefused(f"数据库的结构版本（{shown}）比本程序新：请先升级本机的 CourtDesk",
                                            field="数据库名")
                if hist.pending(stamped):
                    schema = f"已有 CourtDesk 数据表，结构版本 {shown}（较旧：下次启动时自动升级）。"
                else:
                    schema = f"已有 CourtDesk 数据表，结构版本 {shown}（与本程序一致）。"
            conn.rollback()
    finally:
        engine.dispose()
    return ServerReport(version, revisions, schema)


def save_server(srv: Server, password: str, scope: str = "user") -> tuple[ServerReport, Path]:
    """Test the connection; only when it succeeds store the password (the user's password file) and
    point ``scope``'s settings file at the server. Takes effect at the next start."""
    report = check_connection(srv, password)
    if password:
        store_password(srv.host, srv.port, srv.dbname, srv.user, password)
    return report, save({"database": srv.url()}, scope)


# --- the page's table ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    key: str
    label: str
    value: str
    origin: str


def places(db: Database) -> list[Place]:
    """Where the open database, its checkpoints and its backups are, each with where that came from.
    (The generated-files folder's default is the client's: the documents folder.)"""
    from courtdesk.kernel import checkpoint, settings
    from courtdesk.kernel.db import backup

    found = [Place("database", LABELS["database"], describe_url(db.url), running_origin(db.url))]
    with db.read() as s:
        in_db = {key: settings.get(s, key).strip() for key in ("checkpoint_dir", "backup_dir")}
    found.append(Place("checkpoint_dir", LABELS["checkpoint_dir"], str(checkpoint.folder(db)),
                       DATABASE_SETTING if in_db["checkpoint_dir"] else value("checkpoint_dir")[1]))
    try:
        shown = str(backup.backup_folder(db))
    except DomainError as exc:
        shown = str(exc)
    found.append(Place("backup_dir", LABELS["backup_dir"], shown,
                       DATABASE_SETTING if in_db["backup_dir"] else value("backup_dir")[1]))
    return found
