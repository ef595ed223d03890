"""Document kinds: every printable record of every area registers here once.

``python -m courtdesk render`` lists and renders them, the Qt preview uses them, and tests render
every kind from demo data. A kind builds the document *content* (courtdesk.documents model); the
two renderers turn it into DOCX and PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

Builder = Callable[[Session, int], Any]  # returns a courtdesk.documents Document


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str
    ids: Callable[[], Select[Any]]  # a select of the ids of records that have this document
    build: Builder


KINDS: dict[str, DocumentKind] = {}


def document_kind(name: str, title: str, ids: Callable[[], Select[Any]]) -> Callable[[Builder], Builder]:
    def deco(build: Builder) -> Builder:
        KINDS[name] = DocumentKind(name, title, ids, build)
        return build

    return deco


def all_kinds() -> list[DocumentKind]:
    import courtdesk.areas  # noqa: F401  (registers every area's kinds)

    return list(KINDS.values())


def kind(name: str) -> DocumentKind:
    import courtdesk.areas  # noqa: F401

    from courtdesk.errors import DomainError

    if name not in KINDS:
        raise DomainError(f"文书种类：没有「{name}」，可用的有 {', '.join(sorted(KINDS))}", field="文书种类")
    return KINDS[name]
