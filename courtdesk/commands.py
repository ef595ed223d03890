"""Extra ``python -m courtdesk`` commands: render documents and print registers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

Setup = Callable[[argparse.ArgumentParser], None]


def _compact(ids: list[int]) -> str:
    """1,2,3,5 → "1-3,5"."""
    parts: list[str] = []
    start = prev = None
    for i in ids:
        if start is None:
            start = prev = i
        elif i == prev + 1:  # type: ignore[operator]
            prev = i
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = i
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(parts) or "-"


def cmd_render(args: argparse.Namespace) -> int:
    from courtdesk.kernel import printing
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.errors import DomainError

    db = open_database(args.db)
    with db.read() as s:
        if args.list:
            for k in printing.all_kinds():
                ids = sorted(s.scalars(k.ids()))
                print(f"{k.name}\t{k.title}\t{_compact(ids)}")
            return 0
        if not args.kind or args.id is None or not args.out:
            raise DomainError("render：需要 KIND ID --out FILE（或 --list）", field="参数")
        fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
        doc = printing.record_document(s, args.kind, args.id)
        printing.render(doc, args.out, fmt, fonts=printing.fonts_for(s) if fmt == "pdf" else None)
    print(f"written: {args.out}")
    return 0


def _render(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", help="文书种类（见 --list）")
    p.add_argument("id", nargs="?", type=int, help="记录编号")
    p.add_argument("--db", required=True)
    p.add_argument("--format", choices=["pdf", "docx"])
    p.add_argument("--out")
    p.add_argument("--list", action="store_true", help="每行一种文书：名称、中文标题、有该文书的记录编号")
    p.set_defaults(func=cmd_render)


def cmd_print_register(args: argparse.Namespace) -> int:
    import datetime as dt

    from courtdesk.kernel import printing, registers
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.errors import DomainError
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.registers import RegisterQuery

    db = open_database(args.db)
    with db.read() as s:
        if args.register not in {r.key for r in registers.all_registers()}:
            raise DomainError(f"登记簿：没有「{args.register}」", field="登记簿")
        actor = s.scalar(select(User).where(User.username == args.user))
        if actor is None:
            raise DomainError(f"用户：没有「{args.user}」", field="用户")
        query = RegisterQuery(
            registers.get(args.register), search=args.search or "", filter_key=args.filter,
            date_from=dt.date.fromisoformat(args.date_from) if args.date_from else None,
            date_to=dt.date.fromisoformat(args.date_to) if args.date_to else None,
        )
        fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
        doc = printing.register_document(s, actor, query)
        printing.render(doc, args.out, fmt, fonts=printing.fonts_for(s) if fmt == "pdf" else None)
    print(f"written: {args.out}")
    return 0


def _print_register(p: argparse.ArgumentParser) -> None:
    p.add_argument("register", help="登记簿键名，例如 seal_use")
    p.add_argument("--db", required=True)
    p.add_argument("--user", required=True, help="以哪个用户的权限范围打印")
    p.add_argument("--filter")
    p.add_argument("--search")
    p.add_argument("--date-from")
    p.add_argument("--date-to")
    p.add_argument("--format", choices=["pdf", "docx"])
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_print_register)


#: The commands this module adds to ``python -m courtdesk``: name → (help, argument setup).
EXTRA: dict[str, tuple[str, Setup]] = {
    "render": ("生成一条记录的文书（PDF 或 DOCX），或列出文书种类", _render),
    "print-register": ("把登记簿（当前筛选条件）打印为 PDF 或 DOCX", _print_register),
}
