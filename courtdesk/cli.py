"""``python -m courtdesk …`` — administration and batch commands (no Qt)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from courtdesk.kernel.errors import DomainError

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


def _db_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--db", required=required, help="SQLite 文件路径或数据库 URL")


def cmd_init(args: argparse.Namespace) -> int:
    from courtdesk.kernel.db import open_database

    db = open_database(args.db)
    print(f"database ready: {shown_url(db.url)}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    import time

    from sqlalchemy import func, select

    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.models.people import User

    db = open_database(args.db)
    with db.read() as s:
        users = s.scalar(select(func.count()).select_from(User)) or 0
    if users:
        raise DomainError(f"演示数据：数据库中已有数据（{users} 个用户），演示数据只能写入新建的空数据库", field="数据库")
    started = time.perf_counter()
    demo.fill(db, rows=args.rows)
    print(f"demo data written in {time.perf_counter() - started:.1f} s (logins: see README, password {demo.DEMO_PASSWORD})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.db.backup import backup_sqlite

    db = open_database(args.db)
    out = backup_sqlite(db, Path(args.out))
    print(f"backup written: {out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from courtdesk.kernel.db.restore import restore_sqlite

    path = _sqlite_path(args.db)
    if path is None:
        raise DomainError("恢复：只有本机 SQLite 数据库可以由程序恢复，服务器数据库请用服务器自带工具", field="数据库")
    result = restore_sqlite(path, Path(args.from_))
    if result.upgraded_from:
        print(f"backup schema {', '.join(sorted(result.upgraded_from))} upgraded to the current version")
    print(f"restored {path} from {args.from_}"
          + (f" (previous file kept complete as {result.kept})" if result.kept else ""))
    return 0


def _readonly_engine(db_arg: str) -> Any:
    """An engine that can only read the database ``db_arg`` names. A path must name an existing
    SQLite file: nothing is created (no folder, no empty database) for a mistyped one."""
    from sqlalchemy import create_engine

    from courtdesk.kernel import area

    area.discover()
    path = _sqlite_path(db_arg)
    if path is None:
        return create_engine(db_arg)  # a server database: verification only ever reads
    from courtdesk.kernel.db import files

    files.check_courtdesk_file(path, "数据库")  # empty, truncated or foreign: one clear sentence
    return files.ro_engine(path)


def _read_only(db_arg: str, work: Callable[[Any], Any]) -> Any:
    """Run ``work(conn)`` on a read-only connection; database errors become a Chinese message."""
    from sqlalchemy.exc import DBAPIError

    engine = _readonly_engine(db_arg)
    try:
        with engine.connect() as conn:
            try:
                return work(conn)
            finally:
                conn.rollback()
    except DBAPIError as exc:
        raise DomainError(f"数据库：无法读取（{exc.orig}）", field="数据库") from exc
    finally:
        engine.dispose()


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from courtdesk.kernel import audit
    from courtdesk.kernel import checkpoint as checkpoints

    cp = checkpoints.read(Path(args.checkpoint)) if args.checkpoint else None
    report = _read_only(args.db, lambda conn: audit.verify(conn, checkpoint=cp))
    for problem in report.problems:
        if problem.table in audit.CHAIN_TABLES:
            print(f"audit BROKEN at entry {problem.record_id if problem.record_id is not None else '-'}: {problem}")
        else:
            print(f"row mismatch: {problem}")
    for note in report.notes:
        print(f"note: {note}")
    if report.ok:
        suffix = f" (checkpoint of {cp.written_at}: {cp.length} entries, {cp.short} — matches)" if cp else ""
        if report.notes:
            suffix = f" (checkpoint of {cp.written_at}: restored from a backup since, see the note)" if cp else ""
        print(f"audit ok: {report.entries} entries{suffix}")
        return 0
    print(f"留痕校验未通过：共 {len(report.problems)} 处问题（已检查 {report.entries} 条留痕）")
    return 1


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from courtdesk.kernel import checkpoint as checkpoints

    db_name = str(Path(args.db).expanduser().resolve()) if "://" not in args.db else shown_url(args.db)
    cp = _read_only(args.db, lambda conn: checkpoints.take(conn, db_name))
    out = checkpoints.write(cp, Path(args.out))
    print(f"checkpoint written: {out} ({cp.length} entries, {cp.short})")
    if cp.installation_key:
        print(f"signing keys: {cp.keys}, fingerprint {cp.keys_short}; installation key {cp.installation_key}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from courtdesk import bench

    result = bench.run(args.what, args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_new_migration(args: argparse.Namespace) -> int:
    from courtdesk.kernel.db import authoring

    return authoring.main(args.area, args.message, autogenerate=not args.empty)


def build_parser() -> argparse.ArgumentParser:
    # the bundle's entry script names itself here (``courtdesk cli``), so its help shows the command to type
    prog = os.environ.get("COURTDESK_CLI_PROG") or "python -m courtdesk"
    parser = argparse.ArgumentParser(prog=prog, description="CourtDesk 法院办公桌面系统 — 管理命令")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="创建或升级数据库")
    _db_arg(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo-data", help="向新数据库写入演示数据")
    _db_arg(p)
    p.add_argument("--rows", type=int, default=0, help="每个登记簿额外写入 N 条记录（规模测试）")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("backup", help="备份整个数据库")
    _db_arg(p)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复（先校验备份）")
    _db_arg(p)
    p.add_argument("--from", dest="from_", required=True)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("verify-audit", help="校验留痕链和登记记录（只读）")
    _db_arg(p)
    p.add_argument("--checkpoint", help="留痕检查点文件：核对此前的历史没有被改写")
    p.set_defaults(func=cmd_verify_audit)

    p = sub.add_parser("checkpoint", help="把留痕链的长度和链尾哈希写入检查点文件（存放在别处）")
    _db_arg(p)
    p.add_argument("--out", required=True, help="检查点文件（JSON）")
    p.set_defaults(func=cmd_checkpoint)

    p = sub.add_parser("bench", help="性能测量，输出一个 JSON 对象")
    p.add_argument("what", choices=["startup", "documents", "render-cli", "registers", "login", "signing"])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--letters", type=int, default=0)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--register", action="append",
                   help="registers: 要测量的登记簿（可重复或逗号分隔，默认 seal_use）")
    p.add_argument("--no-verify", action="store_true", help="registers: 不做整库留痕校验")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("new-migration", help="为一个业务区域写新的结构版本（与临时数据库比较，不碰用户的数据库）")
    p.add_argument("area", help="业务区域的标识（如 finance），或 kernel")
    p.add_argument("message", help="这次结构变化的说明")
    p.add_argument("--empty", action="store_true", help="不比较模型，写一个空的版本（只迁移数据时）")
    p.set_defaults(func=cmd_new_migration)

    from courtdesk.commands import EXTRA  # render, print-register

    for name, (help_text, setup) in EXTRA.items():
        p = sub.add_parser(name, help=help_text)
        setup(p)
    return parser


#: Commands that may create the database their ``--db`` names; every other one refuses a missing file.
#: Commands that may name a database file that does not exist yet: ``init`` and ``demo-data`` create
#: one; ``restore`` puts a lost one back from its backup (what a restore is for).
CREATING_COMMANDS = {"init", "demo-data", "restore"}


def shown_url(url: str) -> str:
    """A database URL fit to print: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — not a URL: a path, printed as it is
        return url


def _sqlite_path(db: str) -> Path | None:
    """The file ``--db`` names (a path or an sqlite URL), or None for a server database."""
    if "://" not in db:
        return Path(db).expanduser()
    from sqlalchemy.engine import make_url

    url = make_url(db)
    if url.get_backend_name() != "sqlite":
        return None
    return Path(url.database) if url.database and url.database != ":memory:" else None


def _check_exists(args: argparse.Namespace) -> None:
    db = getattr(args, "db", None)
    if not db or args.command in CREATING_COMMANDS:
        return
    path = _sqlite_path(db)
    if path is not None and not path.is_file():
        raise DomainError(f"数据库：文件「{path}」不存在（请检查路径；新数据库请用 init 创建）", field="数据库")


def _scrub(text: str, args: argparse.Namespace) -> str:
    """``text`` without the password of the ``--db`` URL, wherever it appears."""
    db = getattr(args, "db", None)
    if db and "://" in db:
        from sqlalchemy.engine import make_url

        try:
            password = make_url(db).password
        except Exception:  # noqa: BLE001
            password = None
        if password:
            text = text.replace(db, shown_url(db)).replace(str(password), "***")
    return text


def _database_failure(exc: BaseException, args: argparse.Namespace) -> str:
    """The user's words for a database the command could not use."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = detail.lower()
    where = shown_url(getattr(args, "db", None) or "")
    if "database is locked" in low or "database is busy" in low:
        return f"数据库「{where}」正被另一程序锁定，请稍后再试"
    if "not a database" in low or "file is encrypted" in low or "malformed" in low:
        return f"数据库：「{where}」不是 CourtDesk 数据库文件，或已损坏（{detail}）"
    if "unable to open database file" in low:
        return f"数据库：无法打开「{where}」（请检查路径和权限）"
    if "no such table" in low or "no such column" in low:
        return f"数据库：「{where}」不是 CourtDesk 数据库，或结构不完整（{detail}）"
    if "connect" in low or "connection" in low or "password authentication" in low:
        return f"数据库：无法连接数据库服务器「{where}」（{detail}）"
    return f"数据库错误（{where}）：{detail}"


def main(argv: list[str] | None = None) -> int:
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from courtdesk.kernel.area import AreaError

    args = build_parser().parse_args(argv)
    try:
        _check_exists(args)
        return int(args.func(args))
    except (DomainError, AreaError) as exc:
        print(_scrub(f"错误：{exc}", args), file=sys.stderr)
        return 2
    except (DBAPIError, sqlite3.Error) as exc:
        print(_scrub(f"错误：{_database_failure(exc, args)}", args), file=sys.stderr)
        return 2
    except OSError as exc:
        name = f"「{exc.filename}」" if getattr(exc, "filename", None) else ""
        print(_scrub(f"错误：文件{name}无法读写（{exc.strerror or exc}）", args), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
