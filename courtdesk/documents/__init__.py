"""Documents: one content model, two renderers (DOCX with python-docx, PDF with reportlab)."""

from courtdesk.documents.docx_renderer import render_docx
from courtdesk.documents.fonts import DOCX_FONTS, FontSet, resolve_fonts
from courtdesk.documents.model import (
    PAGE_X_OF_Y,
    REGISTER_PAGE,
    Block,
    Box,
    CaseNumberLine,
    Column,
    Document,
    Heading,
    PageBreak,
    PageSetup,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    TearLine,
    Title,
    document_text_lines,
    fill,
    page_furniture,
    require,
)
from courtdesk.documents.pdf_renderer import BatchResult, Cancelled, PdfBatchWriter, render_pdf, write_batch
from courtdesk.documents.register import SpooledRows, register_book

__all__ = [
    "DOCX_FONTS", "PAGE_X_OF_Y", "REGISTER_PAGE", "BatchResult", "Block", "Box", "Cancelled",
    "CaseNumberLine", "Column", "Document", "FontSet", "Heading", "PageBreak", "PageSetup", "Paragraph",
    "PdfBatchWriter", "SignatureLine", "Spacer", "SpooledRows", "Table", "TearLine", "Title",
    "document_text_lines", "fill", "page_furniture", "register_book", "render_docx", "render_pdf",
    "require", "resolve_fonts", "write_batch",
]
