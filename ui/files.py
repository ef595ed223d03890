"""Where generated files go: every PDF, Word file and export the client writes is saved where the
user chooses in a save dialog. The dialog opens in the folder the user saved to last (remembered per
user, ``ui.state``), at first in ``<documents>/CourtDesk`` (created when first used).

The dialog itself is :func:`ask_save_path` alone, so a test can replace it and drive everything
else — the folder remembered, the file written — for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui import state

FOLDER_KEY = "files/last_folder"
APP_FOLDER = "CourtDesk"
PDF_FILTER = "PDF 文件 (*.pdf)"
DOCX_FILTER = "Word 文档 (*.docx)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
_FORBIDDEN = '\\/:*?"<>|'


def default_folder() -> Path:
    """``<the user's documents folder>/CourtDesk``."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / APP_FOLDER


def last_folder(user: Any) -> Path:
    """The folder the next save dialog opens in: the last one this user saved to while it still
    exists, else the default folder (created now; the home folder if it cannot be)."""
    saved = state.load_text(user, FOLDER_KEY)
    if saved and Path(saved).is_dir():
        return Path(saved)
    folder = default_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def remember_folder(user: Any, folder: str | Path) -> None:
    state.save_text(user, FOLDER_KEY, str(Path(folder)))


def safe_name(name: str, fallback: str = "文书") -> str:
    """A file name Windows accepts (its forbidden characters and control characters removed)."""
    cleaned = "".join(ch for ch in name if ch not in _FORBIDDEN and ord(ch) >= 32).strip().strip(".")
    return cleaned or fallback


def ask_save_path(parent: QWidget | None, title: str, start: str, file_filter: str) -> str:
    """The save dialog (Qt's own, asks before overwriting); ``""`` when the user cancels."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    return path


def choose_save_path(parent: QWidget | None, user: Any, title: str, suggested_name: str,
                     file_filter: str) -> str | None:
    """Ask where to save ``suggested_name`` (opening in the user's last folder); the chosen path with
    the filter's extension, the folder remembered for next time. None when the user cancels."""
    start = last_folder(user) / safe_name(suggested_name)
    path = ask_save_path(parent, title, str(start), file_filter)
    if not path:
        return None
    suffix = Path(suggested_name).suffix
    if suffix and Path(path).suffix.lower() != suffix.lower():
        path += suffix
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True)
    remember_folder(user, folder)
    return path
