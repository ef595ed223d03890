"""Read produced documents back: the text and fonts of a PDF (pypdf) and the text of a DOCX
(python-docx).  Used by the tests and by anything that checks a generated file, e.g. a preview that
warns about glyphs no font can draw."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

Source = str | Path | IO[bytes]
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """``text`` without any whitespace (renderers and readers disagree on spaces, never on glyphs)."""
    return _SPACE.sub("", text)


def pdf_page_texts(source: Source) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(source).pages]


def docx_body_lines(source: Source) -> list[str]:
    """The non-empty paragraphs of a DOCX body in order, table cells row by row."""
    document = docx.Document(str(source) if isinstance(source, Path) else source)
    lines: list[str] = []

    def walk(items: Iterator[DocxParagraph | DocxTable]) -> None:
        for item in items:
            if isinstance(item, DocxParagraph):
                if item.text.strip():
                    lines.append(item.text)
            else:
                for row in item.rows:
                    for cell in row.cells:
                        walk(cell.iter_inner_content())

    walk(document.iter_inner_content())
    return lines


@dataclass(frozen=True)
class PdfFont:
    resource: str  # e.g. /F1+0
    base_font: str
    subtype: str
    embedded: bool  # has /FontFile, /FontFile2 or /FontFile3
    truetype_outlines: bool  # has /FontFile2


def pdf_fonts(source: Source) -> list[PdfFont]:
    """Every font referenced from a page's (or its forms') resources, once."""
    seen: dict[tuple[str, str], PdfFont] = {}

    def descriptor_of(font: DictionaryObject) -> DictionaryObject | None:
        if "/FontDescriptor" in font:
            return cast(DictionaryObject, font["/FontDescriptor"].get_object())
        for descendant in font.get("/DescendantFonts", []):  # Type0 (composite) fonts
            d = descendant.get_object()
            if "/FontDescriptor" in d:
                return cast(DictionaryObject, d["/FontDescriptor"].get_object())
        return None

    def visit(resources: DictionaryObject | None, depth: int = 0) -> None:
        if resources is None or depth > 5:
            return
        for key, ref in (resources.get("/Font") or {}).items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            if (key, base) in seen:
                continue
            desc = descriptor_of(font)
            files = {name for name in ("/FontFile", "/FontFile2", "/FontFile3") if desc and name in desc}
            seen[(key, base)] = PdfFont(str(key), base, str(font.get("/Subtype", "")), bool(files),
                                        "/FontFile2" in files)
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"), depth + 1)

    for page in PdfReader(source).pages:
        resources = page.get("/Resources")
        visit(resources.get_object() if resources is not None else None)
    return list(seen.values())
