"""``python -m courtdesk …`` — administration and batch commands (no Qt)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from courtdesk.kernel.errors import DomainError

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


def _db_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--db", required=required, help="SQLite 文件路径或数据库 URL")


def cmd_init(args: argparse.Namespace) -> int:
    from courtdesk.kernel.db import open_database

    db = open_database(args.db)
    print(f"database ready: {db.url}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    import time

    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database

    db = open_database(args.db)
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
    from courtdesk.kernel.db.backup import restore_sqlite

    kept = restore_sqlite(Path(args.db), Path(args.from_))
    print(f"restored {args.db} from {args.from_}" + (f" (previous file kept as {kept})" if kept else ""))
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from courtdesk.kernel import audit
    from courtdesk.kernel.db import open_database

    db = open_database(args.db, upgrade=False)
    with db.engine.connect() as conn:
        report = audit.verify(conn)
        conn.rollback()
    if report.first_broken is not None:
        print(f"audit BROKEN at entry {report.first_broken}: {report.broken_reason}")
    for problem in report.row_problems:
        print(f"row mismatch: {problem}")
    if report.ok:
        print(f"audit ok: {report.entries} entries")
        return 0
    print(f"audit checked {report.entries} entries: {len(report.row_problems)} row problem(s)")
    return 1


def cmd_bench(args: argparse.Namespace) -> int:
    from courtdesk import bench

    result = bench.run(args.what, args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m courtdesk", description="CourtDesk 法院办公桌面系统 — 管理命令")
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

    p = sub.add_parser("verify-audit", help="校验留痕链和登记记录")
    _db_arg(p)
    p.set_defaults(func=cmd_verify_audit)

    p = sub.add_parser("bench", help="性能测量，输出一个 JSON 对象")
    p.add_argument("what", choices=["startup", "documents", "registers"])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--letters", type=int, default=0)
    p.add_argument("--rows", type=int, default=100_000)
    p.set_defaults(func=cmd_bench)

    from courtdesk.commands import EXTRA  # render, print-register

    for name, (help_text, setup) in EXTRA.items():
        p = sub.add_parser(name, help=help_text)
        setup(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DomainError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
