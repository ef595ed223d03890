"""The documents a register prints for its records (``RegisterSpec.documents``): which apply to a
record now and who may print them, one record's document for the detail panel, and a selection's
documents in one PDF as a register command (打印领款签收单 for a month's paid claims).

A document applies to the records its kind's ``ids()`` select, so a button is offered exactly where
``render`` would print; printing through here also checks that the actor sees the record (the
register's scope) and may print the kind (``RegisterDocument.may``).
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import printing
from courtdesk.kernel.errors import DomainError, NotFound, PermissionDenied
from courtdesk.kernel.models.people import User
from courtdesk.kernel.registers import (
    Command,
    CommandResult,
    Progress,
    RegisterDocument,
    RegisterQuery,
    RegisterSpec,
    command_output,
    no_fields,
)

_IN_BATCH = 900  # ids per IN (…), under SQLite's bound-parameter limit


def applies(session: Session, name: str, ids: list[int]) -> list[int]:
    """Those of ``ids`` (in their order) that have a document of kind ``name`` now."""
    selected = printing.kind(name).ids().subquery()
    found: set[int] = set()
    for start in range(0, len(ids), _IN_BATCH):
        chunk = ids[start:start + _IN_BATCH]
        found.update(int(i) for (i,) in session.execute(select(selected.c[0]).where(selected.c[0].in_(chunk))))
    return [i for i in ids if i in found]


def record_documents(session: Session, actor: User, spec: RegisterSpec, record_id: int) -> list[printing.DocumentKind]:
    """The documents ``actor`` may print for one record of ``spec`` now, in declared order."""
    return [printing.kind(d.kind) for d in spec.documents
            if d.allows(actor) and applies(session, d.kind, [int(record_id)])]


def _declared(spec: RegisterSpec, name: str) -> RegisterDocument:
    declared = next((d for d in spec.documents if d.kind == name), None)
    if declared is None:
        raise NotFound(f"文书种类：「{spec.title}」不打印「{printing.kind(name).title}」", field="文书种类")
    return declared


def _may(actor: User, declared: RegisterDocument) -> None:
    if not declared.allows(actor):
        raise PermissionDenied(f"只有{declared.who or '有权人员'}可以打印「{printing.kind(declared.kind).title}」",
                               field="文书种类")


def printable_document(session: Session, actor: User, spec: RegisterSpec, name: str, record_id: int) -> Any:
    """The document ``name`` of one record for ``actor``: refused when the register does not print
    it, the actor does not see the record or may not print it, or it does not apply (yet)."""
    declared = _declared(spec, name)
    _may(actor, declared)
    if RegisterQuery(spec).one(session, actor, record_id) is None:
        raise NotFound(f"记录编号：第 {record_id} 号记录不存在或您无权查看", field="记录编号")
    return printing.record_document(session, name, record_id)


def print_many(session: Session, actor: User, spec: RegisterSpec, name: str, ids: list[int], target: Any, *,
               progress: Progress | None = None, cancel: threading.Event | None = None) -> tuple[int, int]:
    """The document ``name`` of each of ``ids`` that the actor sees and that has one, into ONE PDF
    (streamed; progress and cancel); returns (documents printed, records left out). Refuses when
    none has it."""
    from courtdesk.kernel.documents import Cancelled, write_batch

    declared = _declared(spec, name)
    if not declared.batch:
        raise DomainError(f"文书种类：「{printing.kind(name).title}」不能多条合并打印", field="文书种类")
    _may(actor, declared)
    seen = [i for i, row in zip(ids, RegisterQuery(spec).rows_for(session, actor, ids), strict=True)
            if row is not None]
    chosen = applies(session, name, seen)
    doc_kind = printing.kind(name)
    if not chosen:
        why = f"（{doc_kind.missing}）" if doc_kind.missing else ""
        raise DomainError(f"所选记录：都没有可打印的「{doc_kind.title}」{why}", field="所选记录")
    result = write_batch((doc_kind.build(session, i) for i in chosen), target, title=doc_kind.title,
                         progress=progress, total=len(chosen), cancel=cancel, fonts=printing.fonts_for(session))
    if result.cancelled:
        raise Cancelled()
    return len(chosen), len(ids) - len(chosen)


def print_command(spec: RegisterSpec, declared: RegisterDocument) -> Command:
    """打印<title>: the selected records' documents in one PDF, previewed; enabled only when every
    selected row has the document."""
    doc_kind = printing.kind(declared.kind)
    model_id = spec.model.id  # type: ignore[attr-defined]

    def run(db: Any, actor: User, ids: list[int], data: dict[str, Any], progress: Progress | None,
            cancel: threading.Event | None) -> CommandResult:
        path = command_output(f"{doc_kind.title}_{len(ids)}份", ".pdf", data)
        with db.read() as session:
            printed, left = print_many(session, actor, spec, declared.kind, ids, path,
                                       progress=progress, cancel=cancel)
        note = f"，另有 {left} 条没有可打印的{doc_kind.title}" if left else ""
        return CommandResult(f"已生成{doc_kind.title} {printed} 份{note}", pdf_path=path, temporary=True)

    return Command(
        key=f"print:{declared.kind}", label=f"打印{doc_kind.title}", may=declared.allows,
        who=declared.who or "能查看这些记录的人员", selection="many", fields=no_fields, run=run, long=True,
        intro=lambda _s, _a, ids: f"把选中的 {len(ids)} 条记录的「{doc_kind.title}」合成一个 PDF，预览后打印。",
        ok_text="生成并预览", help=f"把选中记录的「{doc_kind.title}」合成一个 PDF 打印",
        applies=lambda _a: model_id.in_(select(doc_kind.ids().subquery().c[0])), note_unfit=False,
    )


def commands(spec: RegisterSpec) -> tuple[Command, ...]:
    """The register's declared commands, then 打印… of each document that prints a selection."""
    return spec.commands + tuple(print_command(spec, d) for d in spec.documents if d.batch)


def command_of(spec: RegisterSpec, key: str) -> Command:
    for c in commands(spec):
        if c.key == key:
            return c
    raise KeyError(key)
