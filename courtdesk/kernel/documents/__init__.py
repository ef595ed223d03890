"""Documents: one content model, two renderers (DOCX with python-docx, PDF with reportlab).

The names below load on first use (PEP 562): building content (``courtdesk.kernel.documents.model``) costs
nothing at start-up; reportlab, python-docx and pypdf are imported only when something is rendered.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "render_docx": "docx_renderer",
    "DOCX_FONTS": "fonts", "FontSet": "fonts", "resolve_fonts": "fonts",
    "BatchResult": "pdf_renderer", "Cancelled": "pdf_renderer", "PdfBatchWriter": "pdf_renderer",
    "render_pdf": "pdf_renderer", "write_batch": "pdf_renderer",
    "SpooledRows": "register", "register_book": "register",
    "lines_table": "lines",
}
_MODEL = (
    "PAGE_X_OF_Y", "REGISTER_PAGE", "Block", "Box", "CaseNumberLine", "Column", "Document", "Heading",
    "PageBreak", "PageSetup", "Paragraph", "SignatureLine", "Spacer", "Table", "TearLine", "Title",
    "document_text_lines", "fill", "page_furniture", "require",
)
_WHERE.update(dict.fromkeys(_MODEL, "model"))

__all__ = [
    "DOCX_FONTS",
    "PAGE_X_OF_Y",
    "REGISTER_PAGE",
    "BatchResult",
    "Block",
    "Box",
    "Cancelled",
    "CaseNumberLine",
    "Column",
    "Document",
    "FontSet",
    "Heading",
    "PageBreak",
    "PageSetup",
    "Paragraph",
    "PdfBatchWriter",
    "SignatureLine",
    "Spacer",
    "SpooledRows",
    "Table",
    "TearLine",
    "Title",
    "document_text_lines",
    "fill",
    "lines_table",
    "page_furniture",
    "register_book",
    "render_docx",
    "render_pdf",
    "require",
    "resolve_fonts",
    "write_batch",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'courtdesk.kernel.documents' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"courtdesk.kernel.documents.{module}"), name)
    globals()[name] = value
    return value
