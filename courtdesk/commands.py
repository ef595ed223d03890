"""Extra ``python -m courtdesk`` commands: render documents and print registers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


FORMAT_NAMES = {"pdf": "PDF", "docx": "Word（DOCX）"}


def output_target(out: str, fmt: str | None) -> tuple[Path, str]:
    """The file ``--out`` names and the format to write it in, checked before anything is read or
    written: an existing folder or a missing one is refused (nothing is left behind), the format
    comes from the extension (.pdf / .docx), and an explicit ``--format`` must agree with it."""
    from courtdesk.kernel.errors import DomainError

    path = Path(out).expanduser()
    if path.is_dir() or out.endswith(("/", "\\")):
        raise DomainError(f"输出文件：「{out}」是文件夹，请写出文件名，例如「{path / ('文书.' + (fmt or 'pdf'))}」",
                          field="输出文件")
    folder = path.parent
    if not folder.is_dir():
        raise DomainError(f"输出文件：文件夹「{folder}」不存在，请先创建该文件夹或改写路径", field="输出文件")
    ext = path.suffix.lower().lstrip(".")
    wanted = "、".join(f".{f}" for f in FORMAT_NAMES)
    if ext not in FORMAT_NAMES:
        shown = f"扩展名「{path.suffix}」" if path.suffix else "没有扩展名"
        raise DomainError(f"输出文件：「{path.name}」{shown}，文件名须以 {wanted} 结尾（格式由扩展名决定）",
                          field="输出文件")
    if fmt is not None and fmt != ext:
        raise DomainError(f"输出文件：扩展名「.{ext}」与 --format {fmt} 不一致，"
                          f"请改为「{path.with_suffix('.' + fmt).name}」或省略 --format", field="输出文件")
    return path, ext


def _write(session: Any, doc: Any, out: Path, fmt: str) -> None:
    """Render ``doc`` to ``out``: the PDF renderer writes ``<name>.part`` and renames it; the DOCX is
    made in memory first, so a failure leaves no half-written file either."""
    import io

    from courtdesk.kernel import printing

    if fmt == "pdf":
        printing.render(doc, str(out), fmt, fonts=printing.fonts_for(session))
        return
    buffer = io.BytesIO()
    printing.render(doc, buffer, fmt, fonts=printing.fonts_for(session))  # the DOCX names the same faces
    out.write_bytes(buffer.getvalue())


def cmd_render(args: argparse.Namespace) -> int:
    """One record's document: only the area that declares the kind is imported (``printing.kind``),
    and the database is opened to read — refused, not upgraded, when its schema is not this program's."""
    from courtdesk.kernel import printing
    from courtdesk.kernel.db import open_to_read
    from courtdesk.kernel.errors import DomainError

    db = open_to_read(args.db)
    with db.read() as s:
        if args.list:
            for k in printing.all_kinds():
                ids = sorted(s.scalars(k.ids()))
                print(f"{k.name}\t{k.title}\t{_compact(ids)}")
            return 0
        if not args.kind or args.id is None or not args.out:
            raise DomainError("render：需要 KIND ID --out FILE（或 --list）", field="参数")
        if not str(args.id).isdigit() or len(str(args.id)) > 18:
            raise DomainError(f"记录编号：「{str(args.id)[:40]}」不是记录编号（应为 render --list 列出的数字）",
                              field="记录编号")
        out, fmt = output_target(args.out, args.format)
        doc = printing.record_document(s, args.kind, int(args.id))
        _write(s, doc, out, fmt)
    print(f"written: {out}")
    return 0


def _render(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", help="文书种类（见 --list）")
    p.add_argument("id", nargs="?", help="记录编号")
    p.add_argument("--db", required=True)
    p.add_argument("--format", choices=["pdf", "docx"])
    p.add_argument("--out")
    p.add_argument("--list", action="store_true", help="每行一种文书：名称、中文标题、有该文书的记录编号")
    p.set_defaults(func=cmd_render)


def cmd_print_register(args: argparse.Namespace) -> int:
    """The register as printed: like ``render``, only the area that declares it is imported."""
    from courtdesk.kernel import area, printing, registers
    from courtdesk.kernel.db import open_to_read
    from courtdesk.kernel.errors import DomainError
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.registers import RegisterQuery

    out, fmt = output_target(args.out, args.format)
    db = open_to_read(args.db)
    with db.read() as s:
        declared = area.declaring("registers", args.register)
        spec = next((r for r in declared.registers if r.key == args.register), None) if declared else None
        if spec is None:
            raise DomainError(f"登记簿：没有「{args.register}」", field="登记簿")
        actor = s.scalar(select(User).where(User.username == args.user))
        if actor is None:
            raise DomainError(f"用户：没有「{args.user}」", field="用户")
        if not actor.active:
            raise DomainError(f"--user：「{args.user}」的账号已停用，不能以其权限打印", field="--user")
        if args.filter is not None and args.filter not in {f.key for f in spec.filters}:
            known = "、".join(f"{f.key}（{f.label}）" for f in spec.filters) or "（无）"
            raise DomainError(f"--filter：登记簿「{spec.title}」没有筛选「{args.filter[:40]}」，可用：{known}",
                              field="--filter")
        if args.search and len(args.search) > registers.SEARCH_MAX:
            raise DomainError(f"--search：检索词不能超过 {registers.SEARCH_MAX} 个字（现有 {len(args.search)} 个）",
                              field="--search")
        date_from, date_to = _date(args.date_from, "--date-from"), _date(args.date_to, "--date-to")
        if date_from and date_to and date_from > date_to:
            raise DomainError(f"--date-from：{date_from} 晚于 --date-to {date_to}，打印的登记簿会是空的",
                              field="--date-from")
        query = RegisterQuery(spec, search=args.search or "", filter_key=args.filter, date_from=date_from,
                              date_to=date_to)
        doc = printing.register_document(s, actor, query)
        _write(s, doc, out, fmt)
    print(f"written: {out}")
    return 0


def _date(value: str | None, option: str) -> Any:
    import datetime as dt

    from courtdesk.kernel.errors import DomainError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"{option}：「{value[:40]}」不是有效日期，应写作 2026-01-31", field=option) from None


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
