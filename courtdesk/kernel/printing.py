"""Document kinds: every printable record of every area, declared once in its area's ``documents``.

``python -m courtdesk render`` lists and renders them, the Qt preview uses them, and tests render
every kind from demo data. A kind builds the document *content* (courtdesk.kernel.documents model); the
two renderers turn it into DOCX and PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

Builder = Callable[[Session, int], Any]  # returns a courtdesk.kernel.documents Document


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str
    ids: Callable[[], Select[Any]]  # a select of the ids of records that have this document
    build: Builder
    #: What a clerk is told when a record has no such document (yet), in the area's words, e.g.
    #: 「该…尚未开具，开具后才能预览和打印」; empty: a general sentence naming the kind.
    missing: str = ""


def all_kinds() -> list[DocumentKind]:
    """Every document kind of every area."""
    from courtdesk.kernel import area

    return [k for declared in area.areas() for k in declared.documents]


def kind(name: str) -> DocumentKind:
    """The kind ``name``, importing only the area that declares it (see ``area.declaring``)."""
    from courtdesk.kernel import area
    from courtdesk.kernel.errors import DomainError

    declared = area.declaring("documents", name)
    found = next((k for k in declared.documents if k.name == name), None) if declared else None
    if found is None:
        kinds = sorted(k.name for k in all_kinds())
        raise DomainError(f"文书种类：没有「{name}」，可用的有 {', '.join(kinds)}", field="文书种类")
    return found


# --- rendering ----------------------------------------------------------------------------------

FORMATS = ("pdf", "docx")


def fonts_for(session: Session) -> Any:
    """The PDF fonts: system fonts configured in the settings first, then the bundled ones."""
    from courtdesk.kernel import settings
    from courtdesk.kernel.documents import resolve_fonts

    return resolve_fonts({
        "body": settings.get(session, "font_body_path"),
        "title": settings.get(session, "font_title_path"),
    })


def render(doc: Any, target: Any, fmt: str, *, fonts: Any = None) -> None:
    """Write ``doc`` as ``fmt`` ("pdf" or "docx") to a path or binary stream; ``fonts`` (from
    :func:`fonts_for`) are the faces the PDF embeds and the DOCX names."""
    from courtdesk.kernel.errors import DomainError

    # each renderer imports only its own libraries (reportlab; python-docx and lxml)
    if fmt == "pdf":
        from courtdesk.kernel.documents.pdf_renderer import render_pdf

        render_pdf(doc, target, fonts=fonts)
    elif fmt == "docx":
        from courtdesk.kernel.documents.docx_renderer import render_docx

        render_docx(doc, target, fonts=fonts)
    else:
        raise DomainError(f"格式：只支持 {'、'.join(FORMATS)}，不支持「{fmt}」", field="格式")


def _exists(session: Session, doc_kind: DocumentKind, record_id: int) -> bool:
    """Whether the record exists at all (in the one table ``ids`` selects from; True if unknown)."""
    from sqlalchemy import Table, select

    froms = doc_kind.ids().get_final_froms()
    table = froms[0] if len(froms) == 1 else None
    if not isinstance(table, Table) or len(table.primary_key.columns) != 1:
        return True
    (key,) = table.primary_key.columns
    return session.execute(select(key).where(key == record_id)).first() is not None


def record_document(session: Session, name: str, record_id: int) -> Any:
    """The document of one record; refuses an id that has no such document."""
    from sqlalchemy import select

    from courtdesk.kernel.errors import NotFound

    doc_kind = kind(name)
    ids = doc_kind.ids().subquery()
    if session.execute(select(ids.c[0]).where(ids.c[0] == record_id)).first() is None:
        if not _exists(session, doc_kind, record_id):
            raise NotFound(f"记录编号：第 {record_id} 号记录不存在", field="记录编号")
        if doc_kind.missing:
            raise NotFound(doc_kind.missing, field="记录编号")
        raise NotFound(f"这条记录还没有可预览和打印的「{doc_kind.title}」", field="记录编号")
    return doc_kind.build(session, record_id)


def register_document(session: Session, actor: Any, query: Any, *, fonts: Any = None) -> Any:
    """The register as a printed 登记簿 (landscape A4), rows of the query's current filter, streamed.

    Columns are sized from their content, measured with ``fonts`` — the fonts the PDF will be printed
    with (default: :func:`fonts_for` the session's settings)."""
    from courtdesk.kernel import checkpoint, clock, settings
    from courtdesk.kernel.documents import register_book
    from courtdesk.kernel.documents.register import BookColumn
    from courtdesk.kernel.errors import PermissionDenied
    from courtdesk.kernel.registers import display, display_row

    spec = query.spec
    if not spec.can_open(actor):
        raise PermissionDenied(f"您没有查看「{spec.title}」的权限", field="登记簿")
    printed = spec.printed  # the columns the paper register carries (RegisterSpec.printed_columns)
    keys = [c.key for c in spec.columns]
    at = [keys.index(c.key) for c in printed]

    def cells(row: tuple[Any, ...]) -> list[str]:
        shown = display_row(spec, row)
        return [shown[i] for i in at]

    rows = ([str(i), *cells(row)] for i, row in enumerate(query.stream(session, actor), 1))
    totals = query.totals(session, actor)
    total_row: list[str] | None = None
    if totals and any(c.key in totals for c in printed):  # a register with amounts ends with its 合计
        total_row = ["", *(display(spec, c, totals[c.key]) if c.key in totals else "" for c in printed)]
        # 合计 in the first column without an amount (the 序号 column when every other holds one)
        label_at = next((i for i, c in enumerate(printed, 1) if c.key not in totals), 0)
        total_row[label_at] = "合计"
    return register_book(
        settings.get(session, "court_name"),
        spec.title,
        query.describe(),
        [BookColumn("序号", "serial"), *[BookColumn(c.label, c.kind, c.width) for c in printed]],
        rows,
        clock.now(),
        fonts=fonts if fonts is not None else fonts_for(session),
        count=query.count(session, actor),
        checkpoint=checkpoint.take(session.connection()).footer_text(),
        total=total_row,
    )
