"""Documents of a record: build with the core's document kind, render to PDF/DOCX in a worker, and
preview the PDF before printing (QtPdf)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def render_document(db: Any, kind_name: str, record_id: int, fmt: str, target: str, *, actor: Any = None,
                    spec: Any = None) -> str:
    """Worker side: build the document of one record and render it as ``pdf`` or ``docx``
    (with the fonts configured in the settings, else the bundled ones; the DOCX names the same faces). With ``actor`` and the
    register ``spec``: only a document the register prints for that record and the actor may print."""
    from courtdesk.kernel import printing, recorddocs

    with db.read() as s:
        if spec is not None and actor is not None:
            doc = recorddocs.printable_document(s, actor, spec, kind_name, record_id)
        else:
            doc = printing.record_document(s, kind_name, record_id)
        printing.render(doc, target, fmt, fonts=printing.fonts_for(s))  # the DOCX names the PDF's faces
    return target


def print_register(session: Any, actor: Any, query: Any, path: str, *, progress: Any = None,
                   cancel: Any = None) -> int:
    """Worker side: the register's current filter as a printed 登记簿 (PDF); returns the row count.

    Same signature as :func:`courtdesk.kernel.exporting.export_xlsx`, so the page runs both the same way."""
    from courtdesk.kernel import printing
    from courtdesk.kernel.documents import Cancelled, render_pdf
    from courtdesk.kernel.errors import DomainError

    total = query.count(session, actor)
    if progress is not None:
        progress(0, total)
    doc = printing.register_document(session, actor, query)
    try:
        render_pdf(doc, path, fonts=printing.fonts_for(session), cancel=cancel)
    except Cancelled:
        raise DomainError("打印已取消，未生成文件", field="打印") from None
    if progress is not None:
        progress(total, total)
    return total


TEMP_PREFIX = "courtdesk-preview-"


def temp_target(stem: str, suffix: str) -> str:
    """A scratch file for a preview only (removed when the preview closes; see ``discard_temp``)."""
    from ui.files import safe_name

    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    return str(folder / f"{safe_name(stem)}{suffix}")


def discard_temp(path: str) -> None:
    """Remove a preview's scratch file and its folder (made by :func:`temp_target`)."""
    file = Path(path)
    file.unlink(missing_ok=True)
    if file.parent.name.startswith(TEMP_PREFIX):
        shutil.rmtree(file.parent, ignore_errors=True)


class PdfPreviewDialog(QDialog):
    """Shows a PDF (every page, fit to width) with 打印… and 另存为PDF….

    ``temporary``: the PDF was made only to be looked at (in a scratch folder); it is removed when
    the preview closes, so what the user keeps is what they saved with 另存为PDF…."""

    def __init__(self, path: str, title: str, parent: QWidget | None = None, *, user: Any = None,
                 temporary: bool = False) -> None:
        super().__init__(parent)
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.path = path
        self.title = title
        self.user = user
        self.temporary = temporary
        self.saved_to: str | None = None
        if temporary:
            self.finished.connect(self._discard)
        self.setWindowTitle(f"预览 — {title}")
        from ui import screen

        self.document = QPdfDocument(self)
        self.document.load(path)
        # a portrait A4 page at a readable width; a landscape one (a register's 打印登记簿) as wide again
        # as its height asks, or its small print was unreadable at 860 px on a 1920 screen; never below
        # the taskbar
        page = self.document.pagePointSize(0) if self.document.pageCount() else None
        landscape = page is not None and page.width() > page.height()
        screen.size_within(self, 1380 if landscape else 860, 980)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pages = QLabel(f"共 {self.document.pageCount()} 页")
        pages.setStyleSheet("color: #5f6368;")
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_document)
        save = QPushButton("另存为PDF…")
        save.clicked.connect(self.save_as)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(pages)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(save)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

    def page_count(self) -> int:
        return self.document.pageCount()

    def save_as(self) -> str | None:
        """另存为PDF…: a copy where the user chooses (the save dialog opens in their last folder)."""
        from ui import files
        from ui.widgets import message

        name = Path(self.path).name if not self.temporary else files.safe_name(self.title) + ".pdf"
        target = files.choose_save_path(self, self.user, "另存为PDF", name, files.PDF_FILTER)
        if not target:
            return None
        try:
            if Path(target).resolve() != Path(self.path).resolve():
                shutil.copyfile(self.path, target)
        except OSError as exc:
            message(self, "另存为PDF", f"文件「{target}」无法写入（{exc.strerror or exc}）")
            return None
        self.saved_to = target
        return target

    def _discard(self) -> None:
        self.document.close()
        discard_temp(self.path)

    def print_document(self) -> None:
        from PySide6.QtGui import QPainter
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(300)  # page images at 300 dpi: sharp text, bounded memory
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        try:
            first, last = 0, self.document.pageCount() - 1
            if printer.fromPage() > 0:
                first, last = printer.fromPage() - 1, min(last, printer.toPage() - 1)
            for page in range(first, last + 1):
                if page > first:
                    printer.newPage()
                rect = painter.viewport()
                size = self.document.pagePointSize(page).toSize()
                size.scale(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                image = self.document.render(page, QSize(size.width(), size.height()))
                painter.setViewport(rect.x(), rect.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(rect)
        finally:
            painter.end()
